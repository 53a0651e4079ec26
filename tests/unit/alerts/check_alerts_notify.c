/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_alerts_notify 1
 * SUMMARY
 *	unit tests of the notification queue and of the alerts that feed it
 * SYNOPSIS
 *	tests/unit/alerts/check_alerts_notify
 * DESCRIPTION
 *	The queue itself (pfs_notify: bounds, retries, saved state), then
 *	real Postfix lines through the real parser and pfs_events: an
 *	account limit crossed in a backlog is one note with its day, and
 *	stays one across a save and a load; the hourly checks stay quiet on
 *	small counts and on twelve days of simulated normal traffic, and
 *	report a sustained anomaly once plus once when it ends; the limit
 *	unit, clients without login as accounts, queue thresholds, and the
 *	network lists. Expected values are worked out in the comments.
 *--*/

#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfs_config.h"
#include "pfs_events.h"
#include "pfs_log.h"
#include "pfs_netlist.h"
#include "pfs_notify.h"
#include "pfs_once.h"
#include "pfs_queue.h"

/* A parser, its counters and the event fan-out. */
struct rig {
    struct pfs_config cfg;
    PFS_STATS *st;
    PFS_PARSER *p;
    PFS_EVENTS *e;
    unsigned qid;
};

/* rig_up - configuration tweaks first, then the engine */

static void rig_up(struct rig *r, void (*tweak) (struct pfs_config *))
{
    struct pfs_events_opts eo;

    memset(r, 0, sizeof(*r));
    pfs_config_init(&r->cfg);
    if (tweak)
	tweak(&r->cfg);
    r->p = pfs_engine_create(&r->cfg, &r->st);
    pfs_config_events_opts(&r->cfg, &eo);
    r->e = pfs_events_create(&eo);
    pfs_parser_set_event(r->p, pfs_events_fn, r->e);
    r->qid = 0x10000;
}

/* rig_down - release */

static void rig_down(struct rig *r)
{
    pfs_parser_free(r->p);
    pfs_stats_free(r->st);
    pfs_events_free(r->e);
    pfs_config_free(&r->cfg);
}

/* put - one log line, printf style */

static void PFS_PRINTF(2, 3) put(struct rig *r, const char *fmt, ...)
{
    char    buf[2048];
    va_list ap;
    int     n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    ck_assert_int_lt(n, (int) sizeof(buf));
    pfs_parser_line(r->p, buf, (size_t) n, 0);
}

/* ts - RFC 3339 time stamp of day d after 2026-10-05 (a Monday), h:m:s */

static const char *ts(int d, int h, int m, int s)
{
    static char buf[4][40];
    static int slot;
    char   *b = buf[slot++ % 4];
    int     y = 2026, mon = 10, day = 5 + d;

    /* October has 31 days, November 30: enough for these tests. */
    if (day > 31) {
	day -= 31;
	mon = 11;
    }
    if (mon == 11 && day > 30) {
	day -= 30;
	mon = 12;
    }
    snprintf(b, 40, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", y, mon, day, h, m, s);
    return (b);
}

/* msg - a message by smtpd (SASL user or none, client addr), n recipients outside */

static void msg(struct rig *r, const char *t, const char *sasl, const char *addr, int n)
{
    char    q[16];
    int     i;

    snprintf(q, sizeof(q), "4B%08X", r->qid++);
    if (sasl)
	put(r, "%s mx1 postfix/smtpd[2101]: %s: client=unknown[%s], sasl_method=PLAIN, "
	    "sasl_username=%s", t, q, addr, sasl);
    else
	put(r, "%s mx1 postfix/smtpd[2101]: %s: client=host.example.org[%s]", t, q, addr);
    put(r, "%s mx1 postfix/cleanup[2102]: %s: message-id=<%s.1@example.org>", t, q, q);
    put(r, "%s mx1 postfix/qmgr[1101]: %s: from=<sender@example.org>, size=2188, "
	"nrcpt=%d (queue active)", t, q, n);
    for (i = 0; i < n; i++)
	put(r, "%s mx1 postfix/smtp[2103]: %s: to=<u%d@example.net>, "
	    "relay=mx.example.net[198.51.100.7]:25, delay=0.52, "
	    "delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok)", t, q, i);
    put(r, "%s mx1 postfix/qmgr[1101]: %s: removed", t, q);
}

/* reject - smtpd refuses a recipient */

static void reject(struct rig *r, const char *t)
{
    put(r, "%s mx1 postfix/smtpd[2101]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: "
	"554 5.7.1 <x@example.org>: Relay access denied; from=<a@spam.example> "
	"to=<x@example.org> proto=ESMTP helo=<spam.example>", t);
}

/* note_i - the i-th queued note */

static const struct pfs_note *note_i(struct rig *r, size_t i)
{
    const struct pfs_note *n = pfs_notify_peek(pfs_events_notify(r->e), i);

    ck_assert_ptr_nonnull(n);
    return (n);
}

/* ---------------------------------------------------------------------- */

static int hook_calls;

/* count_hook - PFS_NOTIFY_FN */

static void count_hook(void *ctx)
{
    (void) ctx;
    hook_calls++;
}

/* The queue: bounded, retried, saved. */

START_TEST(test_notify_queue)
{
    PFS_NOTIFY *q = pfs_notify_create(3);
    PFS_NOTIFY *q2;
    struct pfs_note n;
    const struct pfs_note *got;
    uint64_t t1, t2, t3;
    json_t *saved;
    char    err[256];
    int     i;

    pfs_notify_set_hook(q, count_hook, 0);
    hook_calls = 0;
    for (i = 0; i < 5; i++) {
	pfs_note_init(&n, PFS_NOTE_ANOMALY);
	pfs_note_set(&n, PFS_NF_VALUE, i);
	pfs_note_set_day(&n, 20366 + i);	/* 2025-10-05 + i */
	pfs_notify_push(q, &n);
    }
    /* Five pushed into three places: the two oldest dropped. */
    ck_assert_int_eq(hook_calls, 5);
    ck_assert_uint_eq(pfs_notify_queued(q), 3);
    ck_assert_uint_eq(pfs_notify_dropped(q), 2);
    ck_assert_int_eq(pfs_notify_peek(q, 0)->v[PFS_NF_VALUE], 2);
    ck_assert_str_eq(pfs_notify_peek(q, 0)->day, "2025-10-07");

    /* Handed out oldest first; a retry comes back, a done goes. */
    got = pfs_notify_next(q, &t1);
    ck_assert_int_eq(got->v[PFS_NF_VALUE], 2);
    got = pfs_notify_next(q, &t2);
    ck_assert_int_eq(got->v[PFS_NF_VALUE], 3);
    ck_assert_uint_eq(pfs_notify_in_flight(q), 2);
    pfs_notify_retry(q, t1);
    pfs_notify_done(q, t2);
    ck_assert_uint_eq(pfs_notify_queued(q), 2);
    got = pfs_notify_next(q, &t3);
    ck_assert_int_eq(got->v[PFS_NF_VALUE], 2);
    ck_assert_uint_eq(t3, t1);			/* a note keeps its token */
    pfs_notify_done(q, t2);			/* gone already: nothing happens */
    ck_assert_uint_eq(pfs_notify_queued(q), 2);

    /* Saved: what is in flight too (it may not have arrived). */
    saved = pfs_notify_save(q);
    ck_assert_int_eq(pfs_notify_check(saved, err, sizeof(err)), 0);
    q2 = pfs_notify_create(10);
    pfs_notify_set_hook(q2, count_hook, 0);
    hook_calls = 0;
    pfs_notify_load(q2, saved);
    ck_assert_int_eq(hook_calls, 0);		/* loading is not raising */
    ck_assert_uint_eq(pfs_notify_queued(q2), 2);
    ck_assert_uint_eq(pfs_notify_dropped(q2), 2);
    ck_assert_int_eq(pfs_notify_peek(q2, 0)->kind, PFS_NOTE_ANOMALY);
    ck_assert_int_eq(pfs_notify_peek(q2, 0)->v[PFS_NF_VALUE], 2);
    ck_assert_int_eq(pfs_notify_peek(q2, 1)->v[PFS_NF_VALUE], 4);
    ck_assert_int_eq(pfs_note_has(pfs_notify_peek(q2, 1), PFS_NF_HOUR), 0);

    /* The connection is lost: nothing stays in flight. */
    pfs_notify_retry_all(q);
    ck_assert_uint_eq(pfs_notify_in_flight(q), 0);

    /* Damage is refused. */
    json_object_set_new(json_array_get(json_object_get(saved, "queue"), 0), "day",
			json_string("2025-13-01"));
    ck_assert_int_eq(pfs_notify_check(saved, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "entry 0"));
    json_object_set_new(json_array_get(json_object_get(saved, "queue"), 0), "day",
			json_string("2025-10-07"));
    json_object_set_new(json_array_get(json_object_get(saved, "queue"), 1), "kind",
			json_string("weather"));
    ck_assert_int_eq(pfs_notify_check(saved, err, sizeof(err)), -1);
    json_decref(saved);
    pfs_notify_free(q);
    pfs_notify_free(q2);
}
END_TEST

/*
 * A backlog: three days read at once, alice crosses 100 on the second
 * (2026-10-06) with her 101st recipient. One note, about that day; the
 * saved state keeps it, and the account's "notified" keeps another from
 * being raised when the lines come again.
 */
START_TEST(test_notify_backlog)
{
    struct rig r, r2;
    const struct pfs_note *n;
    json_t *saved;
    char    err[256];
    int     d, i;

    rig_up(&r, 0);
    for (d = 0; d < 3; d++)
	for (i = 0; i < (d == 1 ? 21 : 2); i++)
	    msg(&r, ts(d, 9, i, 0), "alice@example.org", "203.0.113.9", 5);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 1);
    n = note_i(&r, 0);
    ck_assert_int_eq(n->kind, PFS_NOTE_ACCOUNT);
    ck_assert_str_eq(n->account, "alice@example.org");
    ck_assert_str_eq(n->day, "2026-10-06");
    ck_assert_int_eq(n->v[PFS_NF_COUNT], 101);
    ck_assert_int_eq(n->v[PFS_NF_LIMIT], 100);
    ck_assert_int_eq(n->v[PFS_NF_UNIT], 1);

    saved = pfs_events_save(r.e);
    ck_assert_int_eq(pfs_events_check(saved, err, sizeof(err)), 0);
    rig_up(&r2, 0);
    pfs_events_load(r2.e, saved);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r2.e)), 1);
    ck_assert_str_eq(note_i(&r2, 0)->account, "alice@example.org");
    /* Day 2 again over the limit: already notified that day. */
    for (i = 0; i < 25; i++)
	msg(&r2, ts(2, 10, i, 0), "ALICE@example.org", "203.0.113.9", 5);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r2.e)), 2);
    n = note_i(&r2, 1);
    ck_assert_str_eq(n->day, "2026-10-07");	/* today's, not a repeat */
    ck_assert_str_eq(n->account, "alice@example.org");
    for (i = 0; i < 5; i++)
	msg(&r2, ts(2, 11, i, 0), "Alice@Example.ORG", "203.0.113.9", 5);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r2.e)), 2);
    json_decref(saved);
    rig_down(&r);
    rig_down(&r2);
}
END_TEST

/* ---------------------------------------------------------------------- */

/* anomalies - the queued anomaly notes, hourly (hour >= 0) or daily */

static int anomalies(struct rig *r, int hourly, int cleared)
{
    PFS_NOTIFY *q = pfs_events_notify(r->e);
    const struct pfs_note *n;
    size_t  i;
    int     count = 0;

    for (i = 0; (n = pfs_notify_peek(q, i)) != 0; i++)
	if (n->kind == PFS_NOTE_ANOMALY && (n->v[PFS_NF_HOUR] >= 0) == hourly
	    && (cleared < 0 || (n->v[PFS_NF_PHASE] == 2) == cleared))
	    count++;
    return (count);
}

/* lcg - a small deterministic generator, uniform in [0, 1) */

static double lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return ((double) (*s >> 11) / 9007199254740992.0);
}

/* poisson - a Poisson count of mean l (Knuth) */

static int poisson(unsigned long long *s, double l)
{
    double  lim = exp(-l), p = 1;
    int     k = 0;

    do {
	k++;
	p *= lcg(s);
    } while (p > lim);
    return (k - 1);
}

/* hourly_defaults - the default configuration, hourly checks on */

static void hourly_defaults(struct pfs_config *cfg)
{
    cfg->baseline_hourly = 1;
}

/*
 * The example first: a night hour with one mail on ten days, then
 * six: below the volume an hour needs (10), nothing. Then a sustained
 * anomaly: 20 mails an hour from 08 to 17 for ten days, then on day 10
 * (Thursday 2026-10-15) 100 an hour from 10 to 13 and again from 15 to
 * 16: one note raised at 10 and one cleared at 14 per indicator
 * (received, sent, relayed), none for the second run of the same day.
 */
START_TEST(test_hourly_quiet)
{
    struct rig r;
    int     d, h, i, n;

    rig_up(&r, hourly_defaults);
    for (d = 0; d < 11; d++)
	for (i = 0; i < (d == 10 ? 6 : 1); i++)
	    msg(&r, ts(d, 3, i, 0), 0, "198.51.100.30", 1);
    reject(&r, ts(11, 9, 0, 0));
    ck_assert_int_eq(anomalies(&r, 1, -1), 0);
    rig_down(&r);

    rig_up(&r, hourly_defaults);
    for (d = 0; d <= 11; d++)
	for (h = 8; h < 18; h++) {
	    n = d == 10 && ((h >= 10 && h <= 13) || (h >= 15 && h <= 16)) ? 100 : 20;
	    for (i = 0; i < n; i++)
		msg(&r, ts(d, h, i * 60 / n, i % 60), 0, "198.51.100.30", 1);
	}
    /* received, sent, relayed: one raised and one cleared each. */
    ck_assert_int_eq(anomalies(&r, 1, 0), 3);
    ck_assert_int_eq(anomalies(&r, 1, 1), 3);
    for (i = 0; i < 6; i++) {
	const struct pfs_note *no = note_i(&r, (size_t) i);

	if (no->v[PFS_NF_HOUR] < 0)
	    continue;
	ck_assert_str_eq(no->day, "2026-10-15");
	ck_assert_int_eq(no->v[PFS_NF_HOUR], no->v[PFS_NF_PHASE] == 1 ? 10 : 14);
	ck_assert_int_eq(no->v[PFS_NF_BASELINE], 2);	/* weekdays */
    }
    rig_down(&r);
}
END_TEST

/*
 * Twelve normal days, hour by hour: a working-day shape (1 mail an hour
 * at night, up to 20 by day; weekends 30 %), every day 10 % busier or
 * quieter, Poisson counts, rejects all day. Three volumes (the shape
 * times 1, 4 and 12), three seeds each: not one hourly note.
 */
START_TEST(test_hourly_normal_days)
{
    static const double shape[24] = {1, 0.5, 0.5, 0.5, 0.5, 1, 3, 8, 15, 20, 20, 18,
    14, 16, 20, 20, 16, 12, 6, 4, 3, 2, 1.5, 1};
    static const double scale[3] = {1, 4, 12};
    unsigned long long seed;
    struct rig r;
    double  f, lam;
    int     v, k, d, h, i, n;

    for (v = 0; v < 3; v++) {
	for (k = 0; k < 3; k++) {
	    seed = 1000003ull * (unsigned long long) (v * 3 + k + 1);
	    rig_up(&r, hourly_defaults);
	    /* Day 0 is incomplete, day 13 is today: days 1..12 are checked. */
	    for (d = 0; d < 14; d++) {
		f = 0.9 + 0.2 * lcg(&seed);
		for (h = 0; h < 24; h++) {
		    lam = shape[h] * scale[v] * f * (d % 7 >= 5 ? 0.3 : 1);
		    n = poisson(&seed, lam);
		    for (i = 0; i < n; i++)
			msg(&r, ts(d, h, i * 60 / n, i % 60), 0, "198.51.100.30", 1);
		    n = poisson(&seed, 5 * scale[v] / 5);
		    for (i = 0; i < n; i++)
			reject(&r, ts(d, h, 30 + i * 30 / n, i % 60));
		}
	    }
	    ck_assert_msg(anomalies(&r, 1, -1) == 0, "volume %g seed %d: %d hourly notes",
			  scale[v], k, anomalies(&r, 1, -1));
	    rig_down(&r);
	}
    }
}
END_TEST

/* ---------------------------------------------------------------------- */

/* by_messages - account_limit 3, counted in messages */

static void by_messages(struct pfs_config *cfg)
{
    cfg->account_limit = 3;
    cfg->account_limit_unit = PFS_LIMIT_MESSAGES;
}

/* account_limit_unit messages: 3 messages of 5 recipients are not over 3. */

START_TEST(test_limit_unit)
{
    struct pfs_account_info ai;
    struct rig r;
    int     i;

    rig_up(&r, by_messages);
    for (i = 0; i < 3; i++)
	msg(&r, ts(0, 9, i, 0), "alice@example.org", "203.0.113.9", 5);
    ck_assert_int_eq(pfs_accounts_lookup(pfs_events_accounts(r.e), "alice@example.org",
					 17, &ai), 0);
    ck_assert_uint_eq(ai.rcpts_out, 15);
    ck_assert_uint_eq(ai.msgs_out, 3);
    ck_assert_int_eq(ai.exceeded, 0);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 0);
    msg(&r, ts(0, 9, 3, 0), "alice@example.org", "203.0.113.9", 1);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 1);
    ck_assert_int_eq(note_i(&r, 0)->v[PFS_NF_COUNT], 4);
    ck_assert_int_eq(note_i(&r, 0)->v[PFS_NF_LIMIT], 3);
    ck_assert_int_eq(note_i(&r, 0)->v[PFS_NF_UNIT], 2);
    rig_down(&r);
}
END_TEST

/* mynetworks - two networks whose clients relay without login */

static void mynetworks(struct pfs_config *cfg)
{
    pfs_strlist_add(&cfg->account_clients, "192.0.2.0/24");
    pfs_strlist_add(&cfg->account_clients, "2001:db8::/32");
}

/* Clients without login: accounts by address, only in account_clients. */

START_TEST(test_account_clients)
{
    struct pfs_account_info ai;
    struct rig r;
    PFS_ACCOUNTS *a;

    rig_up(&r, mynetworks);
    a = pfs_events_accounts(r.e);
    msg(&r, ts(0, 9, 0, 0), 0, "192.0.2.7", 2);
    msg(&r, ts(0, 9, 1, 0), 0, "192.0.2.7", 1);
    msg(&r, ts(0, 9, 2, 0), 0, "198.51.100.30", 4);	/* not ours */
    msg(&r, ts(0, 9, 3, 0), 0, "2001:db8::25", 1);
    msg(&r, ts(0, 9, 4, 0), "bob@example.org", "192.0.2.8", 1);	/* logged in */
    ck_assert_uint_eq(pfs_accounts_count(a), 3);
    ck_assert_int_eq(pfs_accounts_lookup(a, "192.0.2.7", 9, &ai), 0);
    ck_assert_uint_eq(ai.received, 2);
    ck_assert_uint_eq(ai.rcpts_out, 3);
    ck_assert_int_eq(pfs_accounts_lookup(a, "2001:db8::25", 12, &ai), 0);
    ck_assert_int_eq(pfs_accounts_lookup(a, "198.51.100.30", 13, &ai), -1);
    ck_assert_int_eq(pfs_accounts_lookup(a, "192.0.2.8", 9, &ai), -1);
    ck_assert_int_eq(pfs_accounts_lookup(a, "bob@example.org", 15, &ai), 0);
    rig_down(&r);

    /* Without account_clients, no address is an account. */
    rig_up(&r, 0);
    msg(&r, ts(0, 9, 0, 0), 0, "192.0.2.7", 2);
    ck_assert_uint_eq(pfs_accounts_count(pfs_events_accounts(r.e)), 0);
    rig_down(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */

/* deferred_over_2 - the defaults, and more than 2 deferred messages */

static void deferred_over_2(struct pfs_config *cfg)
{
    cfg->queue_alert.limit[PFS_Q_DEFERRED][PFS_QA_MESSAGES] = 2;
}

/* qline - one postqueue -j line */

static int qline(char *buf, size_t len, const char *queue, long arrival)
{
    return (snprintf(buf, len, "{\"queue_name\": \"%s\", \"queue_id\": \"4B1C2D3E4F\", "
		     "\"arrival_time\": %ld, \"message_size\": 2188, \"sender\": "
		     "\"a@example.org\", \"recipients\": [{\"address\": \"b@example.net\"}]}\n",
		     queue, arrival));
}

/* feed - a read of n deferred messages and one incoming message of that age */

static void feed(PFS_QUEUE *q, time_t now, int n, long incoming_age, int fail)
{
    char    buf[8192];
    size_t  len = 0;
    int     i;

    for (i = 0; i < n; i++)
	len += (size_t) qline(buf + len, sizeof(buf) - len, "deferred", (long) now - 600);
    if (incoming_age >= 0)
	len += (size_t) qline(buf + len, sizeof(buf) - len, "incoming", (long) now - incoming_age);
    pfs_queue_feed(q, now, buf, len, 1, fail ? 75 : 0);
}

/*
 * Thresholds: deferred over 2 messages (configured), incoming older than
 * an hour (default). Crossed: one note; the same again: none; back: one
 * note; a failed read: nothing. The state survives a save and a load.
 */
START_TEST(test_queue_alert)
{
    struct pfs_queue_opts qo;
    const time_t now = 1791460800;		/* 2026-10-08 12:00:00 UTC */
    const struct pfs_note *n;
    struct rig r, r2;
    PFS_QUEUE *q;
    json_t *saved;
    char    err[256];

    rig_up(&r, deferred_over_2);
    pfs_config_queue_opts(&r.cfg, &qo);
    q = pfs_queue_create(&qo);
    feed(q, now, 2, 60, 0);
    pfs_events_queue_read(r.e, q, now);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 0);
    feed(q, now + 60, 3, 60, 0);
    pfs_events_queue_read(r.e, q, now + 60);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 1);
    n = note_i(&r, 0);
    ck_assert_int_eq(n->kind, PFS_NOTE_QUEUE);
    ck_assert_int_eq(n->v[PFS_NF_QUEUE], PFS_Q_DEFERRED + 1);
    ck_assert_int_eq(n->v[PFS_NF_MEASURE], 1);
    ck_assert_int_eq(n->v[PFS_NF_PHASE], 1);
    ck_assert_int_eq(n->v[PFS_NF_VALUE], 3);
    ck_assert_int_eq(n->v[PFS_NF_LIMIT], 2);
    ck_assert_str_eq(n->day, "2026-10-08");
    ck_assert_int_eq(n->v[PFS_NF_HOUR], 12);
    /* Still over, and a failed read: nothing new. */
    feed(q, now + 120, 4, 60, 0);
    pfs_events_queue_read(r.e, q, now + 120);
    feed(q, now + 180, 0, -1, 1);
    pfs_events_queue_read(r.e, q, now + 180);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 1);
    /* The incoming message ages past an hour: the default threshold. */
    feed(q, now + 240, 4, 3700, 0);
    pfs_events_queue_read(r.e, q, now + 240);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r.e)), 2);
    n = note_i(&r, 1);
    ck_assert_int_eq(n->v[PFS_NF_QUEUE], PFS_Q_INCOMING + 1);
    ck_assert_int_eq(n->v[PFS_NF_MEASURE], 2);
    ck_assert_int_eq(n->v[PFS_NF_VALUE], 3700);
    ck_assert_int_eq(n->v[PFS_NF_LIMIT], 3600);

    /* A restart: the state says what is over; nothing is raised again. */
    saved = pfs_events_save(r.e);
    ck_assert_int_eq(pfs_events_check(saved, err, sizeof(err)), 0);
    rig_up(&r2, deferred_over_2);
    pfs_events_load(r2.e, saved);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r2.e)), 2);
    feed(q, now + 300, 4, 3760, 0);
    pfs_events_queue_read(r2.e, q, now + 300);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r2.e)), 2);
    /* Both back: two notes, cleared, queue by queue (incoming first). */
    feed(q, now + 360, 1, -1, 0);
    pfs_events_queue_read(r2.e, q, now + 360);
    ck_assert_uint_eq(pfs_notify_queued(pfs_events_notify(r2.e)), 4);
    ck_assert_int_eq(note_i(&r2, 2)->v[PFS_NF_QUEUE], PFS_Q_INCOMING + 1);
    ck_assert_int_eq(note_i(&r2, 2)->v[PFS_NF_PHASE], 2);
    ck_assert_int_eq(note_i(&r2, 2)->v[PFS_NF_VALUE], 0);
    ck_assert_int_eq(note_i(&r2, 3)->v[PFS_NF_QUEUE], PFS_Q_DEFERRED + 1);
    ck_assert_int_eq(note_i(&r2, 3)->v[PFS_NF_PHASE], 2);
    ck_assert_int_eq(note_i(&r2, 3)->v[PFS_NF_VALUE], 1);
    json_decref(saved);
    pfs_queue_free(q);
    rig_down(&r);
    rig_down(&r2);
}
END_TEST

/* Networks as mynetworks writes them. */

START_TEST(test_netlist)
{
    static const char *const nets[] = {"192.0.2.0/24", "10.1.2.3", "[2001:db8::]/32",
    "198.51.100.128/25"};
    PFS_NETLIST *l;
    const char *bad = 0;

#define M(s) pfs_netlist_match(l, (s), strlen(s))
    l = pfs_netlist_create(nets, 4, &bad);
    ck_assert_ptr_nonnull(l);
    ck_assert(M("192.0.2.0") && M("192.0.2.255") && !M("192.0.3.1"));
    ck_assert(M("10.1.2.3") && !M("10.1.2.4"));
    ck_assert(M("2001:db8::1") && M("2001:db8:ffff::25") && !M("2001:db9::1"));
    ck_assert(M("198.51.100.200") && !M("198.51.100.127"));
    ck_assert(M("::ffff:192.0.2.9"));		/* IPv4-mapped */
    ck_assert(!M("unknown") && !M("") && !M("192.0.2"));
    pfs_netlist_free(l);
#undef M
    ck_assert(!pfs_netlist_valid("192.0.2.0/33"));
    ck_assert(!pfs_netlist_valid("192.0.2.0/"));
    ck_assert(!pfs_netlist_valid("example.org"));
    ck_assert(pfs_netlist_valid("::/0"));
    ck_assert_ptr_null(pfs_netlist_create((const char *const[]) {"10.0.0.0/8", "x/1"}, 2, &bad));
    ck_assert_str_eq(bad, "x/1");
}
END_TEST

/* load_text - a configuration file with these lines; pfs_config_load()'s result */

static int load_text(struct pfs_config *cfg, const char *text, char *err, size_t len)
{
    char    path[] = "tests/tmp.notify.conf.XXXXXX";
    FILE   *fp;
    int     fd, rc;

    ck_assert_int_ge(fd = mkstemp(path), 0);
    ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
    fputs(text, fp);
    fclose(fp);
    pfs_config_init(cfg);
    rc = pfs_config_load(cfg, path, 1, err, len);
    unlink(path);
    return (rc);
}

/* The new tokens, their defaults, and what they refuse. */

START_TEST(test_config_tokens)
{
    struct pfs_config cfg;
    char    err[512];

    pfs_config_init(&cfg);
    ck_assert_int_eq(cfg.account_limit_unit, PFS_LIMIT_RECIPIENTS);
    ck_assert_uint_eq(cfg.notify_queue, 1000);
    ck_assert_uint_eq(cfg.baseline_hourly_min, 10);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_CORRUPT][PFS_QA_MESSAGES], 0);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_INCOMING][PFS_QA_AGE], 3600);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_MAILDROP][PFS_QA_AGE], 3600);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_DEFERRED][PFS_QA_MESSAGES], PFS_QA_OFF);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_DEFERRED][PFS_QA_AGE], PFS_QA_OFF);
    pfs_config_free(&cfg);

    ck_assert_int_eq(load_text(&cfg, "account_limit_unit messages\n"
			       "account_clients 192.0.2.0/24 2001:db8::/32\n"
			       "account_clients 10.1.2.3\nnotify_queue 50\n"
			       "baseline_hourly_min 25\n"
			       "queue_alert_messages deferred=500 corrupt=off\n"
			       "queue_alert_age deferred=432000 incoming=off\n",
			       err, sizeof(err)), 0);
    ck_assert_int_eq(cfg.account_limit_unit, PFS_LIMIT_MESSAGES);
    ck_assert_uint_eq(cfg.account_clients.n, 3);
    ck_assert_uint_eq(cfg.notify_queue, 50);
    ck_assert_uint_eq(cfg.baseline_hourly_min, 25);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_DEFERRED][PFS_QA_MESSAGES], 500);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_CORRUPT][PFS_QA_MESSAGES], PFS_QA_OFF);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_DEFERRED][PFS_QA_AGE], 432000);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_INCOMING][PFS_QA_AGE], PFS_QA_OFF);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_MAILDROP][PFS_QA_AGE], 3600);
    pfs_config_free(&cfg);

    ck_assert_int_eq(load_text(&cfg, "account_limit_unit bytes\n", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "expected recipients or messages"));
    pfs_config_free(&cfg);
    ck_assert_int_eq(load_text(&cfg, "account_clients 192.0.2.0/24 mail.example.org\n",
			       err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "\"mail.example.org\" for account_clients"));
    pfs_config_free(&cfg);
    ck_assert_int_eq(load_text(&cfg, "queue_alert_messages bounce=5\n", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "\"bounce=5\" for queue_alert_messages"));
    pfs_config_free(&cfg);
    /* All or nothing: a bad pair leaves the good one unset. */
    ck_assert_int_eq(load_text(&cfg, "queue_alert_age hold=60 deferred=soon\n",
			       err, sizeof(err)), -1);
    ck_assert_int_eq(cfg.queue_alert.limit[PFS_Q_HOLD][PFS_QA_AGE], PFS_QA_OFF);
    pfs_config_free(&cfg);
}
END_TEST

static Suite *notify_suite(void)
{
    Suite  *s = suite_create("alerts_notify");
    TCase  *tc = tcase_create("notify");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_notify_queue);
    tcase_add_test(tc, test_notify_backlog);
    tcase_add_test(tc, test_hourly_quiet);
    tcase_add_test(tc, test_hourly_normal_days);
    tcase_add_test(tc, test_limit_unit);
    tcase_add_test(tc, test_account_clients);
    tcase_add_test(tc, test_queue_alert);
    tcase_add_test(tc, test_netlist);
    tcase_add_test(tc, test_config_tokens);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    SRunner *sr = srunner_create(notify_suite());
    int     failed;

    setenv("TZ", "UTC", 1);
    tzset();
    log_init("check_alerts_notify", 1, 0);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? EXIT_FAILURE : EXIT_SUCCESS);
}
