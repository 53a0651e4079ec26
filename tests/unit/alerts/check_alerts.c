/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_alerts 1
 * SUMMARY
 *	unit tests of delays, accounts, baselines and filter health
 * SYNOPSIS
 *	tests/unit/alerts/check_alerts
 * DESCRIPTION
 *	Every test writes real Postfix (and amavis) log lines, with
 *	timestamps that span three weeks and more, through the real parser
 *	(pfs_engine_create(), pfs_parser_set_event(pfs_events_fn)), and
 *	compares what the modules say with numbers worked out here: by hand
 *	in the comments, or by a plain loop over the schedule that made the
 *	lines. Nothing expected is computed by the code under test.
 *
 *	The wall clock that dates RFC 3164 lines is fixed (fixed_now), and
 *	TZ is UTC, so that the year roll and epoch seconds are exact.
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
#include "pfs_once.h"
#include "pfs_queue.h"
#include "pfs_state.h"

/* Day numbers (days since 1970-01-01), from Python's datetime.date. */
#define DAY_2026_12_01	20788		/* a Tuesday */
#define DAY_2026_12_20	20807		/* a Sunday */
#define DAY_2027_01_01	20819
#define DAY_2027_01_10	20828

static time_t test_now;

/* fixed_now - the wall clock of the tests */

static time_t fixed_now(void)
{
    return (test_now);
}

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
    pfs_events_set_clock(r->e, fixed_now);
    pfs_parser_set_event(r->p, pfs_events_fn, r->e);
    r->qid = 0x10000;
}

/* set_alerts_part - the state saves and restores these alert modules */

static void set_alerts_part(PFS_EVENTS *e)
{
    struct pfs_state_part part = {
	"alerts", pfs_events_save_ctx, pfs_events_check, pfs_events_load_ctx, 0
    };

    part.ctx = e;
    pfs_state_set_part(&part);
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

/* next_qid - a fresh hex queue ID */

static const char *next_qid(struct rig *r)
{
    static char buf[4][16];
    static int slot;
    char   *b = buf[slot++ % 4];

    snprintf(b, 16, "4B%08X", r->qid++);
    return (b);
}

/*
 * The test calendar, independent of pfs_logtime: day d after a base date,
 * by stepping through month lengths.
 */
struct date {
    int     y, m, d;
};

static const char *const mon_abbr[13] = {"", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* date_add - base plus n days */

static struct date date_add(struct date t, int n)
{
    static const int mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int     len;

    while (n-- > 0) {
	len = mdays[t.m] + (t.m == 2 && t.y % 4 == 0 && (t.y % 100 != 0 || t.y % 400 == 0));
	if (++t.d > len) {
	    t.d = 1;
	    if (++t.m > 12) {
		t.m = 1;
		t.y++;
	    }
	}
    }
    return (t);
}

/* stamp - RFC 3164 time of day d (after base) at h:m:s */

static const char *stamp(struct date base, int d, int h, int mi, int s)
{
    static char buf[4][32];
    static int slot;
    char   *b = buf[slot++ % 4];
    struct date t = date_add(base, d);

    snprintf(b, 32, "%s %2d %02d:%02d:%02d", mon_abbr[t.m], t.d, h, mi, s);
    return (b);
}

/*
 * Whole messages, as Postfix logs them. Each returns its queue ID.
 */

/* msg_smtpd - received by smtpd (SASL user or none), qmgr took it */

static const char *msg_smtpd(struct rig *r, const char *ts, const char *sasl, unsigned nrcpt)
{
    const char *q = next_qid(r);

    put(r, "%s mx1 postfix/smtpd[2101]: connect from unknown[203.0.113.9]", ts);
    if (sasl)
	put(r, "%s mx1 postfix/smtpd[2101]: %s: client=unknown[203.0.113.9], "
	    "sasl_method=PLAIN, sasl_username=%s", ts, q, sasl);
    else
	put(r, "%s mx1 postfix/smtpd[2101]: %s: client=mail.example.com[198.51.100.30]",
	    ts, q);
    put(r, "%s mx1 postfix/cleanup[2102]: %s: message-id=<%s.1234@example.org>", ts, q, q);
    put(r, "%s mx1 postfix/qmgr[1101]: %s: from=<sender@example.org>, size=2188, "
	"nrcpt=%u (queue active)", ts, q, nrcpt);
    put(r, "%s mx1 postfix/smtpd[2101]: disconnect from unknown[203.0.113.9] ehlo=1 "
	"mail=1 rcpt=1 data=1 quit=1 commands=5", ts);
    return (q);
}

/* msg_pickup - submitted with sendmail by user uid as sender, qmgr took it */

static const char *msg_pickup(struct rig *r, const char *ts, unsigned uid,
			              const char *sender, unsigned nrcpt)
{
    const char *q = next_qid(r);

    put(r, "%s mx1 postfix/pickup[2201]: %s: uid=%u from=<%s>", ts, q, uid, sender);
    put(r, "%s mx1 postfix/cleanup[2102]: %s: message-id=<%s.99@mx1.example.org>", ts, q, q);
    put(r, "%s mx1 postfix/qmgr[1101]: %s: from=<%s>, size=612, nrcpt=%u (queue active)",
	ts, q, sender, nrcpt);
    return (q);
}

/* out_sent - one recipient relayed outside */

static void out_sent(struct rig *r, const char *ts, const char *q, int n)
{
    put(r, "%s mx1 postfix/smtp[2103]: %s: to=<user%d@example.net>, "
	"relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, "
	"dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4XYZ%d)", ts, q, n, n);
}

/* local_sent - one recipient delivered to a local mailbox */

static void local_sent(struct rig *r, const char *ts, const char *q)
{
    put(r, "%s mx1 postfix/local[2104]: %s: to=<bob@mx1.example.org>, relay=local, "
	"delay=0.1, delays=0.05/0.01/0/0.04, dsn=2.0.0, status=sent (delivered to mailbox)",
	ts, q);
}

/* bounced - one recipient refused by the remote server, and the NDN */

static void bounced(struct rig *r, const char *ts, const char *q)
{
    put(r, "%s mx1 postfix/smtp[2103]: %s: to=<nosuch@example.com>, "
	"relay=mx.example.com[198.51.100.20]:25, delay=0.4, delays=0.01/0.01/0.2/0.18, "
	"dsn=5.1.1, status=bounced (host mx.example.com[198.51.100.20] said: 550 5.1.1 "
	"<nosuch@example.com>: Recipient address rejected: User unknown (in reply to "
	"RCPT TO command))", ts, q);
    put(r, "%s mx1 postfix/bounce[2105]: %s: sender non-delivery notification: %s",
	ts, q, next_qid(r));
}

/* deferred - one recipient greylisted */

static void deferred(struct rig *r, const char *ts, const char *q)
{
    put(r, "%s mx1 postfix/smtp[2103]: %s: to=<u@slow.example>, "
	"relay=mx.slow.example[198.51.100.44]:25, delay=2.1, delays=0.01/0/1.1/1, "
	"dsn=4.2.0, status=deferred (host mx.slow.example[198.51.100.44] said: 450 4.2.0 "
	"<u@slow.example>: Recipient address rejected: Greylisted (in reply to RCPT TO "
	"command))", ts, q);
}

/* removed - qmgr is done with the message */

static void removed(struct rig *r, const char *ts, const char *q)
{
    put(r, "%s mx1 postfix/qmgr[1101]: %s: removed", ts, q);
}

/* reject - smtpd refuses a recipient */

static void reject(struct rig *r, const char *ts)
{
    put(r, "%s mx1 postfix/smtpd[2101]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: "
	"554 5.7.1 <x@example.org>: Relay access denied; from=<a@spam.example> "
	"to=<x@example.org> proto=ESMTP helo=<spam.example>", ts);
}

/* ---------------------------------------------------------------------- */

/* The dates of lines: year roll, tz offsets, Feb 29. */

START_TEST(test_when)
{
    struct pfs_logtime_cache c;
    struct pfs_logtime w;
    struct pfs_time t;
    int     y, m, d;

    pfs_logtime_cache_init(&c);
    memset(&t, 0, sizeof(t));
    /* 2027-01-10 18:00:00 UTC */
    test_now = 1799604000;

    /* Dec 31 without a year, read on Jan 10: the old year. */
    t.mon = 12;
    t.mday = 31;
    t.hour = 23;
    t.min = 59;
    t.sec = 59;
    ck_assert_int_eq(pfs_logtime_resolve(&t, test_now, &c, &w), 0);
    ck_assert_int_eq(w.day, DAY_2027_01_01 - 1);
    ck_assert_int_eq(w.sec, 86399);
    /* TZ=UTC: epoch = day * 86400 + seconds */
    ck_assert_int_eq(w.epoch, (int64_t) (DAY_2027_01_01 - 1) * 86400 + 86399);

    /* Jan 11 (tomorrow, clock skew): this year; Jan 12: last year. */
    t.mon = 1;
    t.mday = 11;
    ck_assert_int_eq(pfs_logtime_resolve(&t, test_now, &c, &w), 0);
    ck_assert_int_eq(w.day, DAY_2027_01_10 + 1);
    t.mday = 12;
    ck_assert_int_eq(pfs_logtime_resolve(&t, test_now, &c, &w), 0);
    ck_assert_int_eq(w.day, DAY_2027_01_10 + 2 - 365);

    /* RFC 3339 with an offset: 2026-12-01T08:00:00+01:00 = 07:00 UTC. */
    t.year = 2026;
    t.mon = 12;
    t.mday = 1;
    t.hour = 8;
    t.min = t.sec = 0;
    t.has_tz = 1;
    t.tz_min = 60;
    ck_assert_int_eq(pfs_logtime_resolve(&t, test_now, &c, &w), 0);
    ck_assert_int_eq(w.day, DAY_2026_12_01);
    ck_assert_int_eq(w.epoch, (int64_t) DAY_2026_12_01 * 86400 + 7 * 3600);

    /* Out of range fields are refused. */
    t.mon = 13;
    ck_assert_int_eq(pfs_logtime_resolve(&t, test_now, &c, &w), -1);

    /* Calendar: 2024-02-29 exists, 2026-02-29 does not. */
    ck_assert_int_eq(pfs_day_parse("2024-02-29", &w.day), 0);
    pfs_date_from_day(w.day, &y, &m, &d);
    ck_assert(y == 2024 && m == 2 && d == 29);
    ck_assert_int_eq(pfs_day_parse("2026-02-29", &w.day), -1);
    ck_assert_int_eq(pfs_day_wday(DAY_2026_12_01), 2);	/* Tuesday */
    ck_assert_int_eq(pfs_day_wday(0), 4);	/* Thursday */
}
END_TEST

/* ---------------------------------------------------------------------- */

/*
 * Delays: final outcomes only, per transport, over three weeks of
 * verbatim lines (RFC 3164 and RFC 3339).
 */
static const char *const delay_lines[] = {
    "Dec  1 09:00:01 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, "
    "relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, "
    "dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    "Dec  3 10:00:01 mx1 postfix/smtp[1250]: 3F2A41C0E6: to=<carol@example.net>, "
    "relay=mx.example.net[198.51.100.7]:25, delay=4.8, delays=0.1/0.2/1.5/3, "
    "dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    "Dec  9 11:00:01 mx1 postfix/smtp[1251]: 3F2A41C0E7: to=<nosuch@example.com>, "
    "relay=mx.example.com[198.51.100.20]:25, delay=31, delays=0.02/25/3/2.98, dsn=5.1.1, "
    "status=bounced (host mx.example.com[198.51.100.20] said: 550 5.1.1 <nosuch@example.com>: "
    "Recipient address rejected: User unknown (in reply to RCPT TO command))",
    /* Deferred: not a final outcome. */
    "Dec  9 11:05:01 mx1 postfix/smtp[1251]: 3F2A41C0E8: to=<u@slow.example>, "
    "relay=mx.slow.example[198.51.100.44]:25, delay=301, delays=300/0/0.5/0.5, dsn=4.2.0, "
    "status=deferred (host mx.slow.example[198.51.100.44] said: 450 4.2.0 Greylisted "
    "(in reply to RCPT TO command))",
    "2026-12-15T08:00:00.120000+01:00 mx1 postfix/local[1260]: 3F2A41C0E9: "
    "to=<bob@mx1.example.net>, relay=local, delay=0.1, delays=0.05/0.01/0/0.04, dsn=2.0.0, "
    "status=sent (delivered to mailbox)",
    "Dec 22 12:00:01 mx1 postfix/legal/smtp[1270]: 3F2A41C0EA: to=<lawyer@example.com>, "
    "relay=mx.example.com[198.51.100.20]:25, delay=4000, delays=3990/5/3/2, dsn=2.0.0, "
    "status=sent (250 2.0.0 Ok)",
    "Dec 22 12:00:02 mx1 postfix/smtp[1250]: 3F2A41C0EB: to=<dave@example.net>, "
    "relay=mx.example.net[198.51.100.7]:25, delay=300, delays=299/0.5/0.3/0.2, "
    "dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    /* Address verification probe: not a delivery. */
    "Dec 22 12:00:03 mx1 postfix/smtp[1250]: 3F2A41C0EC: to=<probe@example.net>, "
    "relay=mx.example.net[198.51.100.7]:25, delay=9, delays=0/0/4/5, dsn=2.1.5, "
    "status=deliverable (250 2.1.5 Ok)",
    "Dec 23 07:00:00 mx1 postfix/lmtp[1280]: 3F2A41C0ED: to=<bob@example.net>, "
    "relay=mx1.example.net[private/dovecot-lmtp], delay=3600, "
    "delays=3599.9/0.05/0.03/0.02, dsn=2.0.0, status=sent (250 2.0.0 <bob@example.net> "
    "kLmNoPqRsTuVwXyZ Saved)",
};

/* feed_delay_lines - the lines above */

static void feed_delay_lines(struct rig *r)
{
    size_t  i;

    for (i = 0; i < sizeof(delay_lines) / sizeof(delay_lines[0]); i++)
	pfs_parser_line(r->p, delay_lines[i], strlen(delay_lines[i]), 0);
}

START_TEST(test_delays)
{
    struct rig r;
    PFS_DELAYS *d;
    const struct pfs_delay_row *row;
    size_t  n;

    test_now = 1799604000;
    rig_up(&r, 0);
    feed_delay_lines(&r);
    d = pfs_events_delays(r.e);
    ck_assert_int_eq(pfs_delays_rows(d), 4);	/* smtp, local, legal, lmtp */

    /*
     * smtp: 0.52 s, 4.8 s, 31 s (bounced), 300 s; not the deferral, not
     * the probe. sum 520 + 4800 + 31000 + 300000 = 336320 ms.
     */
    n = pfs_delays_find(d, "smtp", 4);
    ck_assert_uint_ne(n, PFS_DELAYS_NONE);
    row = pfs_delays_row(d, n);
    ck_assert_str_eq(row->key, "smtp");
    ck_assert_uint_eq(row->count, 4);
    ck_assert_uint_eq(row->sum_ms, 336320);
    /* a: 10+100+20+299000  b: 10+200+25000+500  c: 200+1500+3000+300  d: 300+3000+2980+200 */
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_BEFORE_QMGR], 299130);
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_IN_QMGR], 25710);
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_SETUP], 5000);
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_TRANSMIT], 6480);
    /* 520 <= 1 s; 4800 <= 5 s; 31000 and 300000 (exactly 5 min) <= 5 min. */
    ck_assert_uint_eq(row->bucket[0], 1);
    ck_assert_uint_eq(row->bucket[1], 1);
    ck_assert_uint_eq(row->bucket[2], 0);
    ck_assert_uint_eq(row->bucket[3], 2);
    ck_assert_uint_eq(row->bucket[4], 0);
    ck_assert_uint_eq(row->bucket[5], 0);
    /* Largest since the last poll, then nothing until the next delivery. */
    ck_assert_uint_eq(pfs_delays_take_max(d, n), 300000);
    ck_assert_uint_eq(pfs_delays_take_max(d, n), 0);

    row = pfs_delays_row(d, pfs_delays_find(d, "local", 5));
    ck_assert_uint_eq(row->count, 1);
    ck_assert_uint_eq(row->sum_ms, 100);
    ck_assert_uint_eq(row->bucket[0], 1);

    /* The master.cf service names the transport: 4000 s is over an hour. */
    row = pfs_delays_row(d, pfs_delays_find(d, "legal", 5));
    ck_assert_uint_eq(row->count, 1);
    ck_assert_uint_eq(row->sum_ms, 4000000);
    ck_assert_uint_eq(row->bucket[5], 1);
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_BEFORE_QMGR], 3990000);

    /* Exactly one hour is "le 1 h". */
    row = pfs_delays_row(d, pfs_delays_find(d, "lmtp", 4));
    ck_assert_uint_eq(row->sum_ms, 3600000);
    ck_assert_uint_eq(row->bucket[4], 1);
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_BEFORE_QMGR], 3599900);
    ck_assert_uint_eq(pfs_delays_overflow(d), 0);
    rig_down(&r);
}
END_TEST

/* cap3 - the transport cap at 3 rows, "(other)" included */

static void cap3(struct pfs_config *cfg)
{
    cfg->caps[PFS_TBL_TRANSPORT] = 3;
}

START_TEST(test_delays_cap)
{
    struct rig r;
    PFS_DELAYS *d;
    const struct pfs_delay_row *row;

    rig_up(&r, cap3);
    feed_delay_lines(&r);
    d = pfs_events_delays(r.e);
    /* smtp, local, then legal and lmtp land in "(other)". */
    ck_assert_int_eq(pfs_delays_rows(d), 3);
    ck_assert_uint_eq(pfs_delays_overflow(d), 2);
    row = pfs_delays_row(d, pfs_delays_find(d, PFS_OTHER_KEY, strlen(PFS_OTHER_KEY)));
    ck_assert_uint_eq(row->count, 2);
    ck_assert_uint_eq(row->sum_ms, 4000000 + 3600000);
    ck_assert_uint_eq(pfs_delays_find(d, "legal", 5), PFS_DELAYS_NONE);
    rig_down(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */

/* Accounts over 22 days, Dec 20 to Jan 10, across the year's end. */

struct limit_hit {
    char    name[80];
    uint64_t count, limit;
    int64_t day;
};

static struct limit_hit hits[16];
static int nhits;
static PFS_ACCOUNTS *hit_accounts;

/* on_limit - PFS_ACCOUNT_LIMIT_FN */

static void on_limit(const struct pfs_account_info *info, void *ctx)
{
    (void) ctx;
    ck_assert_int_lt(nhits, 16);
    snprintf(hits[nhits].name, sizeof(hits[nhits].name), "%s", info->name);
    hits[nhits].count = info->rcpts_out;
    hits[nhits].limit = info->limit;
    hits[nhits].day = info->day;
    nhits++;
}

/* accounts_cfg - bob has a limit of his own; "internal" delivers inside */

static void accounts_cfg(struct pfs_config *cfg)
{
    pfs_strlist_add(&cfg->account_limits, "uid=1000=5");
    pfs_strlist_add(&cfg->inside_transports, "internal");
}

/* filter_cfg - eve may relay 3 recipients a day */

static void filter_cfg(struct pfs_config *cfg)
{
    pfs_strlist_add(&cfg->account_limits, "eve@example.org=3");
}

/*
 * Behind an after-queue content filter: eve, a webmail user on localhost,
 * sends one mail to four outside recipients through amavis. The copy that
 * goes out has no SASL username of its own; linked to its original, its
 * recipients count for eve and her limit, her mail is received once, and
 * its delays run from the first arrival (the hop's 2 s included).
 */
START_TEST(test_filter_account)
{
    struct date base = {2027, 1, 10};
    struct pfs_account_info ai;
    const struct pfs_delay_row *row;
    PFS_DELAYS *d;
    struct rig r;
    char    orig[16], copy[16];
    const char *ts = stamp(base, 0, 10, 0, 0);
    int     k;

    test_now = 1799604000;			/* 2027-01-10 18:00 UTC */
    rig_up(&r, filter_cfg);
    hit_accounts = pfs_events_accounts(r.e);
    pfs_accounts_set_callback(hit_accounts, on_limit, 0);
    nhits = 0;
    snprintf(orig, sizeof(orig), "%s", next_qid(&r));
    snprintf(copy, sizeof(copy), "%s", next_qid(&r));
    put(&r, "%s mx1 postfix/submission/smtpd[2101]: %s: client=localhost[127.0.0.1], "
	"sasl_method=PLAIN, sasl_username=eve@example.org", ts, orig);
    put(&r, "%s mx1 postfix/qmgr[1101]: %s: from=<eve@example.org>, size=1000, "
	"nrcpt=4 (queue active)", ts, orig);
    put(&r, "%s mx1 postfix/smtpd[2201]: %s: client=localhost[127.0.0.1]", ts, copy);
    put(&r, "%s mx1 postfix/qmgr[1101]: %s: from=<eve@example.org>, size=1500, "
	"nrcpt=4 (queue active)", ts, copy);
    for (k = 0; k < 4; k++)
	put(&r, "%s mx1 postfix/smtp[2103]: %s: to=<user%d@example.net>, "
	    "relay=127.0.0.1[127.0.0.1]:10024, delay=2, delays=0.01/0.01/0.08/1.9, "
	    "dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): "
	    "250 2.0.0 Ok: queued as %s)", ts, orig, k, copy);
    for (k = 0; k < 4; k++)
	out_sent(&r, ts, copy, k);
    pfs_parser_flush(r.p);			/* end of input: eve's receipt */
    ck_assert_int_eq(pfs_accounts_lookup(hit_accounts, "eve@example.org", 15, &ai), 0);
    ck_assert_uint_eq(ai.received, 1);
    ck_assert_uint_eq(ai.msgs_out, 1);
    ck_assert_uint_eq(ai.rcpts_out, 4);
    ck_assert_uint_eq(ai.limit, 3);
    ck_assert_int_eq(ai.exceeded, 1);
    ck_assert_int_eq(nhits, 1);
    ck_assert_str_eq(hits[0].name, "eve@example.org");
    ck_assert_uint_eq(hits[0].count, 4);
    ck_assert_uint_eq(pfs_accounts_count(hit_accounts), 1);
    /* Four final deliveries of 0.52 s after a hop of 2 s. */
    d = pfs_events_delays(r.e);
    row = pfs_delays_row(d, pfs_delays_find(d, "smtp", 4));
    ck_assert_ptr_nonnull(row);
    ck_assert_uint_eq(row->count, 4);
    ck_assert_uint_eq(row->sum_ms, 4 * 2520);
    ck_assert_uint_eq(row->filter_sum_ms, 4 * 2000);
    ck_assert_uint_eq(row->stage_sum_ms[PFS_DS_TRANSMIT], 4 * 300);
    ck_assert_uint_eq(row->bucket[1], 4);		/* 1 s < 2.52 s <= 5 s */
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_RECV_SMTP), 1);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_SENT), 4);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_HOP_LINKED), 4);
    rig_down(&r);
}
END_TEST

/* alice_msgs - messages alice sends on day d */

static int alice_msgs(int d)
{
    return (d == 21 ? 40 : 3 + d % 4);
}

/* alice_out - outside recipients per alice message on day d */

static int alice_out(int d)
{
    return (d == 21 ? 3 : 2);
}

/* bob_msgs - messages bob sends on day d (2 outside recipients each) */

static int bob_msgs(int d)
{
    return (d == 15 ? 3 : 2);
}

START_TEST(test_accounts)
{
    struct date base = {2026, 12, 20};
    struct pfs_account_info ai;
    PFS_ACCOUNTS *a;
    struct rig r;
    const char *q;
    int     d, i, k;
    int64_t alice_last = 0;
    char    sender[64];

    /* The agent reads the log on 2027-01-10 at 18:00 UTC. */
    test_now = 1799604000;
    rig_up(&r, accounts_cfg);
    a = hit_accounts = pfs_events_accounts(r.e);
    ck_assert_ptr_nonnull(a);
    pfs_accounts_set_callback(a, on_limit, 0);
    nhits = 0;

    for (d = 0; d < 22; d++) {
	/* alice, SASL: n outside recipients and one local one per message. */
	for (i = 0; i < alice_msgs(d); i++) {
	    const char *ts = stamp(base, d, 9, i / 60, i % 60);

	    q = msg_smtpd(&r, ts, "alice@example.org", alice_out(d) + 1);
	    for (k = 0; k < alice_out(d); k++)
		out_sent(&r, ts, q, k);
	    local_sent(&r, ts, q);
	    removed(&r, ts, q);
	    alice_last = (int64_t) (DAY_2026_12_20 + d) * 86400 + 9 * 3600 + (i / 60) * 60 + i % 60;
	}
	/*
	 * bob, local submission as uid 1000 (the account), with a sender
	 * of his own each day: two outside recipients per message.
	 */
	for (i = 0; i < bob_msgs(d); i++) {
	    const char *ts = stamp(base, d, 14, 0, i);

	    snprintf(sender, sizeof(sender), "bob+%d@example.org", d);
	    q = msg_pickup(&r, ts, 1000, sender, 2);
	    out_sent(&r, ts, q, 0);
	    out_sent(&r, ts, q, 1);
	    removed(&r, ts, q);
	}
	/* carol: local mail, a content filter hop, an inside transport, a deferral. */
	q = msg_smtpd(&r, stamp(base, d, 15, 0, 0), "carol@example.org", 4);
	local_sent(&r, stamp(base, d, 15, 0, 1), q);
	put(&r, "%s mx1 postfix/smtp[2103]: %s: to=<bob@example.org>, "
	    "relay=127.0.0.1[127.0.0.1]:10024, delay=0.3, delays=0.01/0/0.1/0.19, dsn=2.0.0, "
	    "status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued "
	    "as 5DEF)", stamp(base, d, 15, 0, 2), q);
	put(&r, "%s mx1 postfix/internal/smtp[2106]: %s: to=<ceo@corp.example.org>, "
	    "relay=exchange.corp.example.org[10.1.2.3]:25, delay=0.2, "
	    "delays=0.01/0/0.1/0.09, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
	    stamp(base, d, 15, 0, 3), q);
	deferred(&r, stamp(base, d, 15, 0, 4), q);

	/* Each day on its own: today's counts only. */
	ck_assert_int_eq(pfs_accounts_lookup(a, "alice@example.org", 17, &ai), 0);
	ck_assert_uint_eq(ai.received, (uint64_t) alice_msgs(d));
	ck_assert_uint_eq(ai.msgs_out, (uint64_t) alice_msgs(d));
	ck_assert_uint_eq(ai.rcpts_out, (uint64_t) (alice_msgs(d) * alice_out(d)));
	ck_assert_uint_eq(ai.limit, 100);
	ck_assert_int_eq(ai.last_seen, alice_last);
	ck_assert_int_eq(pfs_accounts_lookup(a, "uid=1000", 8, &ai), 0);
	ck_assert_uint_eq(ai.received, (uint64_t) bob_msgs(d));
	ck_assert_int_eq(pfs_accounts_lookup(a, "bob@example.org", 15, &ai), -1);
	ck_assert_int_eq(pfs_accounts_lookup(a, "UID=1000", 8, &ai), 0);
	snprintf(sender, sizeof(sender), "bob+%d@example.org", d);
	ck_assert_str_eq(ai.last_sender, sender);
	ck_assert_uint_eq(ai.msgs_out, (uint64_t) bob_msgs(d));
	ck_assert_uint_eq(ai.rcpts_out, (uint64_t) (2 * bob_msgs(d)));
	ck_assert_uint_eq(ai.limit, 5);
	ck_assert_int_eq(ai.exceeded, d == 15);
	ck_assert_int_eq(pfs_accounts_lookup(a, "carol@example.org", 17, &ai), 0);
	ck_assert_uint_eq(ai.received, 1);
	ck_assert_uint_eq(ai.msgs_out, 0);
	ck_assert_uint_eq(ai.rcpts_out, 0);
    }
    /* Day 21 is 2027-01-10: the year rolled over in between. */
    ck_assert_int_eq(pfs_accounts_today(a), DAY_2027_01_10);

    /*
     * bob goes over 5 on day 15 (2027-01-04) with his sixth recipient;
     * alice over 100 on day 21 with her 101st (message 34, second of its
     * three): once each, though both stay over.
     */
    ck_assert_int_eq(nhits, 2);
    ck_assert_str_eq(hits[0].name, "uid=1000");
    ck_assert_uint_eq(hits[0].count, 6);
    ck_assert_uint_eq(hits[0].limit, 5);
    ck_assert_int_eq(hits[0].day, DAY_2026_12_20 + 15);
    ck_assert_str_eq(hits[1].name, "alice@example.org");
    ck_assert_uint_eq(hits[1].count, 101);
    ck_assert_uint_eq(hits[1].limit, 100);
    ck_assert_int_eq(hits[1].day, DAY_2027_01_10);
    ck_assert_uint_eq(pfs_accounts_count(a), 3);
    ck_assert_uint_eq(pfs_accounts_evictions(a), 0);

    /* A late line of yesterday changes last-seen only. */
    q = msg_smtpd(&r, stamp(base, 20, 23, 59, 59), "dave@example.org", 1);
    out_sent(&r, stamp(base, 20, 23, 59, 59), q, 0);
    ck_assert_int_eq(pfs_accounts_lookup(a, "dave@example.org", 16, &ai), 0);
    ck_assert_uint_eq(ai.rcpts_out, 0);
    ck_assert_int_eq(ai.last_seen, (int64_t) (DAY_2026_12_20 + 20) * 86400 + 86399);

    /*
     * Late lines of yesterday that take an account over its limit: the
     * notification is about yesterday, with yesterday's count (it said 0).
     */
    q = msg_smtpd(&r, stamp(base, 20, 23, 59, 58), "erin@example.org", 101);
    for (k = 0; k < 101; k++)
	out_sent(&r, stamp(base, 20, 23, 59, 59), q, k);
    ck_assert_int_eq(nhits, 3);
    ck_assert_str_eq(hits[2].name, "erin@example.org");
    ck_assert_uint_eq(hits[2].count, 101);
    ck_assert_uint_eq(hits[2].limit, 100);
    ck_assert_int_eq(hits[2].day, DAY_2026_12_20 + 20);
    ck_assert_int_eq(pfs_accounts_lookup(a, "erin@example.org", 16, &ai), 0);
    ck_assert_uint_eq(ai.rcpts_out, 0);		/* today's view */
    ck_assert_int_eq(ai.exceeded, 0);
    rig_down(&r);
}
END_TEST

/* cap2 - two accounts at most */

static void cap2(struct pfs_config *cfg)
{
    cfg->account_cap = 2;
}

START_TEST(test_accounts_evict)
{
    struct date base = {2026, 12, 1};
    struct pfs_account_info ai;
    struct rig r;
    PFS_ACCOUNTS *a;
    const char *q;

    test_now = 1799604000;
    rig_up(&r, cap2);
    a = pfs_events_accounts(r.e);
    q = msg_smtpd(&r, stamp(base, 0, 8, 0, 0), "a@example.org", 1);
    out_sent(&r, stamp(base, 0, 8, 0, 1), q, 0);
    q = msg_smtpd(&r, stamp(base, 0, 8, 1, 0), "b@example.org", 1);
    out_sent(&r, stamp(base, 0, 8, 1, 1), q, 0);
    /* a again: b is now the least recently seen. */
    q = msg_smtpd(&r, stamp(base, 1, 8, 0, 0), "a@example.org", 1);
    q = msg_smtpd(&r, stamp(base, 1, 8, 1, 0), "c@example.org", 1);
    out_sent(&r, stamp(base, 1, 8, 1, 1), q, 0);
    ck_assert_uint_eq(pfs_accounts_evictions(a), 1);
    ck_assert_uint_eq(pfs_accounts_count(a), 2);
    ck_assert_int_eq(pfs_accounts_lookup(a, "b@example.org", 13, &ai), -1);
    ck_assert_int_eq(pfs_accounts_lookup(a, "a@example.org", 13, &ai), 0);
    ck_assert_uint_eq(ai.received, 1);		/* day 1 only */
    ck_assert_int_eq(pfs_accounts_lookup(a, "c@example.org", 13, &ai), 0);
    ck_assert_uint_eq(ai.rcpts_out, 1);
    ck_assert_uint_eq(ai.limit, 100);

    /* A reload changes the default; an account's own limit stays. */
    pfs_accounts_set_limit(a, "a@example.org", 7);
    pfs_accounts_set_default_limit(a, 30);
    ck_assert_int_eq(pfs_accounts_lookup(a, "c@example.org", 13, &ai), 0);
    ck_assert_uint_eq(ai.limit, 30);
    ck_assert_int_eq(pfs_accounts_lookup(a, "a@example.org", 13, &ai), 0);
    ck_assert_uint_eq(ai.limit, 7);
    rig_down(&r);
}
END_TEST

/* private - account_tracking no */

static void private(struct pfs_config *cfg)
{
    cfg->accounts = 0;
}

START_TEST(test_accounts_off)
{
    struct date base = {2026, 12, 1};
    struct rig r;
    const char *q;

    test_now = 1799604000;
    rig_up(&r, private);
    ck_assert_ptr_null(pfs_events_accounts(r.e));
    q = msg_smtpd(&r, stamp(base, 0, 8, 0, 0), "a@example.org", 1);
    out_sent(&r, stamp(base, 0, 8, 0, 1), q, 0);
    /* Everything else still counts. */
    ck_assert_uint_eq(pfs_delays_row(pfs_events_delays(r.e), 0)->count, 1);
    rig_down(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */

/*
 * Baselines: 24 days from 2026-12-01 (Tuesday). Day 0 is the first,
 * incomplete day; day 12 is silent (no line at all); day 18 has a spike
 * of mail relayed outside; day 21 has no rejects; day 23 is today.
 */
#define BL_DAYS	24

struct bl_day {
    int     n_out, n_local, n_bounce, n_defer, n_reject;
};

/* bl_plan - what happens on day d */

static struct bl_day bl_plan(int d)
{
    struct bl_day p;

    if (d == 12) {
	memset(&p, 0, sizeof(p));
	return (p);
    }
    if (d == 23) {
	p.n_out = 3;
	p.n_local = 1;
	p.n_bounce = p.n_defer = p.n_reject = 0;
	return (p);
    }
    p.n_out = d == 18 ? 60 : 10 + d % 3;
    p.n_local = 5;
    p.n_bounce = 1 + d % 2;
    p.n_defer = 2;
    p.n_reject = d == 21 ? 0 : 8 + d % 4;
    return (p);
}

/* bl_value - an indicator's count on day d, from the plan */

static double bl_value(int d, int ind)
{
    struct bl_day p = bl_plan(d);

    switch (ind) {
    case PFS_BL_RECEIVED:
	return (p.n_out + p.n_local + p.n_bounce + p.n_defer);
    case PFS_BL_SENT:
	return (p.n_out + p.n_local);
    case PFS_BL_RELAYED:
	return (p.n_out);
    case PFS_BL_REJECTED:
	return (p.n_reject);
    case PFS_BL_DEFERRED:
	return (p.n_defer);
    default:
	return (p.n_bounce);
    }
}

/* bl_feed_day - the lines of day d, from 08:00, a message every 2 minutes */

static void bl_feed_day(struct rig *r, struct date base, int d)
{
    struct bl_day p = bl_plan(d);
    const char *q, *ts;
    int     slot = 0, i;

#define NEXT_TS() stamp(base, d, 8 + slot / 30, (slot % 30) * 2, 0); slot++
    for (i = 0; i < p.n_out; i++) {
	ts = NEXT_TS();
	q = msg_smtpd(r, ts, 0, 1);
	out_sent(r, ts, q, i);
	removed(r, ts, q);
    }
    for (i = 0; i < p.n_local; i++) {
	ts = NEXT_TS();
	q = msg_pickup(r, ts, 0, "cron@mx1.example.org", 1);
	local_sent(r, ts, q);
	removed(r, ts, q);
    }
    for (i = 0; i < p.n_bounce; i++) {
	ts = NEXT_TS();
	q = msg_smtpd(r, ts, 0, 1);
	bounced(r, ts, q);
	removed(r, ts, q);
    }
    for (i = 0; i < p.n_defer; i++) {
	ts = NEXT_TS();
	q = msg_smtpd(r, ts, 0, 1);
	deferred(r, ts, q);
    }
    for (i = 0; i < p.n_reject; i++) {
	ts = NEXT_TS();
	reject(r, ts);
    }
#undef NEXT_TS
}

struct seen_anomaly {
    int     ind, hour, base, cleared;
    int64_t day;
    uint64_t value;
    double  mean, sd, dev;
    unsigned ndays;
};

static struct seen_anomaly anomalies[256];
static int nanomalies;

/* on_anomaly - PFS_ANOMALY_FN */

static void on_anomaly(const struct pfs_anomaly *an, void *ctx)
{
    (void) ctx;
    ck_assert_int_lt(nanomalies, 256);
    anomalies[nanomalies].ind = an->ind;
    anomalies[nanomalies].hour = an->hour;
    anomalies[nanomalies].day = an->day;
    anomalies[nanomalies].value = an->value;
    anomalies[nanomalies].mean = an->mean;
    anomalies[nanomalies].sd = an->sd;
    anomalies[nanomalies].dev = an->dev;
    anomalies[nanomalies].ndays = an->ndays;
    anomalies[nanomalies].base = an->base;
    anomalies[nanomalies].cleared = an->cleared;
    nanomalies++;
}

/* daily_only - no hourly checks */

static void daily_only(struct pfs_config *cfg)
{
    cfg->baseline_hourly = 0;
}

/* Day d of the plan is a weekday when (2 + d) % 7 is 1..5 (day 0 is a Tuesday). */
#define PLAN_WEEKDAY(d)	((2 + (d)) % 7 != 0 && (2 + (d)) % 7 != 6)

/*
 * stats - mean and sample SD of indicator ind over days [from, to) of
 * the plan, skipping day 0 (incomplete); cls 1: weekdays only, 2:
 * weekend days only, 0: all.
 */
static void stats(int ind, int from, int to, int cls, double *mean, double *sd, int *n)
{
    double  sum = 0, sq = 0;
    int     d;

#define SKIP(d) ((cls == 1 && !PLAN_WEEKDAY(d)) || (cls == 2 && PLAN_WEEKDAY(d)))
    *n = 0;
    for (d = from < 1 ? 1 : from; d < to; d++) {
	if (SKIP(d))
	    continue;
	sum += bl_value(d, ind);
	(*n)++;
    }
    *mean = *n ? sum / *n : 0;
    for (d = from < 1 ? 1 : from; d < to; d++) {
	if (SKIP(d))
	    continue;
	sq += (bl_value(d, ind) - *mean) * (bl_value(d, ind) - *mean);
    }
    *sd = *n > 1 ? sqrt(sq / (*n - 1)) : 0;
#undef SKIP
}

/* used_sd - the documented floor: max(sd, sqrt(mean), 1) */

static double used_sd(double mean, double sd)
{
    if (sd < sqrt(mean))
	sd = sqrt(mean);
    return (sd < 1 ? 1 : sd);
}

START_TEST(test_baseline)
{
    struct date base = {2026, 12, 1};
    struct pfs_baseline_info bi;
    PFS_BASELINE *b;
    struct rig r;
    double  mean, sd, z;
    int     n, d, ind, i, found, cls;
    int     expected = 0;
    uint64_t counts[PFS_BL_COUNT];

    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    rig_up(&r, daily_only);
    b = pfs_events_baseline(r.e);
    pfs_baseline_set_callback(b, on_anomaly, 0);
    nanomalies = 0;
    for (d = 0; d < BL_DAYS; d++)
	bl_feed_day(&r, base, d);

    ck_assert_int_eq(pfs_baseline_today(b), DAY_2026_12_01 + 23);
    ck_assert_int_eq(pfs_baseline_first_day(b), DAY_2026_12_01);
    /* The silent day is in the history, as zeros. */
    ck_assert_int_eq(pfs_baseline_day(b, DAY_2026_12_01 + 12, counts), 0);
    for (ind = 0; ind < PFS_BL_COUNT; ind++)
	ck_assert_uint_eq(counts[ind], 0);
    ck_assert_int_eq(pfs_baseline_day(b, DAY_2026_12_01 + 18, counts), 0);
    ck_assert_uint_eq(counts[PFS_BL_RELAYED], 60);
    ck_assert_uint_eq(counts[PFS_BL_RECEIVED], 60 + 5 + 1 + 2);

    for (ind = 0; ind < PFS_BL_COUNT; ind++) {
	pfs_baseline_info(b, (enum pfs_bl_ind) ind, &bi);
	ck_assert_uint_eq(bi.today, (uint64_t) bl_value(23, ind));
	ck_assert_int_eq(bi.have_yesterday, 1);
	ck_assert_uint_eq(bi.yesterday, (uint64_t) bl_value(22, ind));
	/* The 15 days before today: days 8..22, all complete. */
	stats(ind, 8, 23, 0, &mean, &sd, &n);
	ck_assert_int_eq(n, 15);
	ck_assert_uint_eq(bi.ndays, 15);
	ck_assert_double_eq_tol(bi.mean, mean, 1e-9);
	ck_assert_double_eq_tol(bi.sd, sd, 1e-9);
	/* Weekdays among them: Dec 9-11, 14-18, 21-23 = 11 days. */
	stats(ind, 8, 23, 1, &mean, &sd, &n);
	ck_assert_int_eq(n, 11);
	ck_assert_uint_eq(bi.nweekdays, 11);
	ck_assert_double_eq_tol(bi.wd_mean, mean, 1e-9);
	ck_assert_double_eq_tol(bi.wd_sd, sd, 1e-9);
	/* Yesterday (day 22) against days 7..21. */
	stats(ind, 7, 22, 0, &mean, &sd, &n);
	ck_assert_int_eq(bi.have_dev, 1);
	ck_assert_double_eq_tol(bi.dev, (bl_value(22, ind) - mean) / used_sd(mean, sd), 1e-9);
    }
    /* Hand check of one: relayed over days 8..22 holds the spike of 60. */
    pfs_baseline_info(b, PFS_BL_RELAYED, &bi);
    /*
     * days 8..22, 10 + d % 3 except day 12 (0) and day 18 (60):
     * 12,10,11,12,_,11,12,10,11,12,_,11,12,10,11 -> 145; plus 60 = 205; / 15
     */
    ck_assert_double_eq_tol(bi.mean, 205.0 / 15, 1e-9);

    /*
     * Anomalies: every closed day (day 23 is not) against the days of
     * its class among the 15 before it when there are enough of them
     * (weekdays 5, weekend days 2: the share of 7), else against all
     * of them when there are 7.
     */
    for (d = 1; d < 23; d++) {
	for (ind = 0; ind < PFS_BL_COUNT; ind++) {
	    cls = PLAN_WEEKDAY(d) ? 1 : 2;
	    stats(ind, d - 15, d, cls, &mean, &sd, &n);
	    if (n < (cls == 1 ? 5 : 2)) {
		cls = 0;
		stats(ind, d - 15, d, 0, &mean, &sd, &n);
		if (n < 7)
		    continue;
	    }
	    z = (bl_value(d, ind) - mean) / used_sd(mean, sd);
	    if (fabs(z) <= 3)
		continue;
	    expected++;
	    found = 0;
	    for (i = 0; i < nanomalies; i++) {
		if (anomalies[i].day == DAY_2026_12_01 + d && anomalies[i].ind == ind) {
		    found = 1;
		    ck_assert_int_eq(anomalies[i].hour, -1);
		    ck_assert_uint_eq(anomalies[i].value, (uint64_t) bl_value(d, ind));
		    ck_assert_double_eq_tol(anomalies[i].mean, mean, 1e-9);
		    ck_assert_double_eq_tol(anomalies[i].sd, used_sd(mean, sd), 1e-9);
		    ck_assert_double_eq_tol(anomalies[i].dev, z, 1e-9);
		    ck_assert_uint_eq(anomalies[i].ndays, (unsigned) n);
		    ck_assert_int_eq(anomalies[i].base, cls);
		    ck_assert_int_eq(anomalies[i].cleared, 0);
		}
	    }
	    ck_assert_msg(found, "no anomaly for day %d indicator %s", d, pfs_bl_name[ind]);
	}
    }
    ck_assert_int_eq(nanomalies, expected);
    /* Among them, by design: the silence, the spike, the day without rejects. */
    for (found = 0, i = 0; i < nanomalies; i++)
	found |= (anomalies[i].day == DAY_2026_12_01 + 12 && anomalies[i].ind == PFS_BL_RECEIVED) << 0
	    | (anomalies[i].day == DAY_2026_12_01 + 18 && anomalies[i].ind == PFS_BL_RELAYED) << 1
	    | (anomalies[i].day == DAY_2026_12_01 + 21 && anomalies[i].ind == PFS_BL_REJECTED) << 2;
    ck_assert_int_eq(found, 7);
    rig_down(&r);
}
END_TEST

START_TEST(test_baseline_hourly)
{
    struct date base = {2026, 12, 1};
    struct rig r;
    int     d, h, i;

    /*
     * Ten days of 4 rejects in each hour from 09 to 16. On day 9 (Dec
     * 10, a Thursday), hour 10 has 30: when the log reaches 11:00 that
     * hour is compared with hour 10 of the weekdays among days 1..8
     * (day 0 is incomplete; Dec 5 and 6 are a weekend): 6 days, mean 4,
     * SD 0, so the deviation used is sqrt(4) = 2 and (30 - 4) / 2 = 13,
     * and a Poisson count of mean 4 reaches 30 far less than once in
     * 10,000 hours. Hour 11 is 4 again: the anomaly is over, said once.
     * Hours before 09 and after 16 are 0 against 0, the rest 4 against
     * 4: below the volume an hour check needs (10).
     */
    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    rig_up(&r, 0);
    pfs_baseline_set_callback(pfs_events_baseline(r.e), on_anomaly, 0);
    nanomalies = 0;
    for (d = 0; d < 10; d++)
	for (h = 9; h <= 16; h++)
	    for (i = 0; i < (d == 9 && h == 10 ? 30 : 4); i++)
		reject(&r, stamp(base, d, h, i, 0));
    ck_assert_int_eq(nanomalies, 2);
    ck_assert_int_eq(anomalies[0].ind, PFS_BL_REJECTED);
    ck_assert_int_eq(anomalies[0].day, DAY_2026_12_01 + 9);
    ck_assert_int_eq(anomalies[0].hour, 10);
    ck_assert_uint_eq(anomalies[0].value, 30);
    ck_assert_uint_eq(anomalies[0].ndays, 6);
    ck_assert_int_eq(anomalies[0].base, PFS_BLB_WEEKDAYS);
    ck_assert_int_eq(anomalies[0].cleared, 0);
    ck_assert_double_eq_tol(anomalies[0].mean, 4, 1e-12);
    ck_assert_double_eq_tol(anomalies[0].sd, 2, 1e-12);
    ck_assert_double_eq_tol(anomalies[0].dev, 13, 1e-12);
    ck_assert_int_eq(anomalies[1].ind, PFS_BL_REJECTED);
    ck_assert_int_eq(anomalies[1].hour, 11);
    ck_assert_int_eq(anomalies[1].cleared, 1);
    ck_assert_uint_eq(anomalies[1].value, 4);
    rig_down(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */

/*
 * Filter health: amavis verdicts for two hours of 2026-12-08. Minutes
 * 0-59: one CLEAN and one SPAM each; minutes 60-119: two CLEAN each.
 */
struct fh_seen {
    int     kind, state, was;
    unsigned permille;
    int64_t minute;
};

static struct fh_seen alarms[16];
static int nalarms;

/* on_alarm - PFS_FH_ALARM_FN */

static void on_alarm(const struct pfs_fh_alarm *al, void *ctx)
{
    (void) ctx;
    ck_assert_int_lt(nalarms, 16);
    alarms[nalarms].kind = al->kind;
    alarms[nalarms].state = al->state;
    alarms[nalarms].was = al->was;
    alarms[nalarms].permille = al->permille;
    alarms[nalarms].minute = al->minute;
    nalarms++;
}

/* spam_low - alert below 10 % spam, above 20 % viruses */

static void spam_low(struct pfs_config *cfg)
{
    cfg->filter_low[PFS_FH_SPAM] = 10;
    cfg->filter_high[PFS_FH_VIRUS] = 20;
}

/* amavis - one verdict line */

static void amavis(struct rig *r, const char *ts, const char *verdict, int n)
{
    put(r, "%s mx1 amavis[12345]: (12345-%02d) %s {RelayedInbound}, [192.0.2.10]:54321 "
	"[192.0.2.10] <list@example.org> -> <bob@example.net>, Queue-ID: 3F2A41C0E5, "
	"Message-ID: <20261208.%d@example.org>, mail_id: Xb3kq9ZtWm2L, Hits: -1.91, "
	"size: 1834, queued_as: 8D9E0F1A2B, 1234 ms", ts, n % 100, verdict, n);
}

START_TEST(test_filterhealth)
{
    struct date base = {2026, 12, 8};
    struct pfs_fh_info fi;
    PFS_FILTERHEALTH *fh;
    struct rig r;
    int     m, n = 0;
    int64_t m0 = (int64_t) (DAY_2026_12_01 + 7) * 1440 + 8 * 60;	/* 08:00 */

    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    rig_up(&r, spam_low);
    fh = pfs_events_filterhealth(r.e);
    pfs_filterhealth_set_callback(fh, on_alarm, 0);
    nalarms = 0;
    for (m = 0; m < 120; m++) {
	const char *ts = stamp(base, 0, 8 + m / 60, m % 60, 7);

	amavis(&r, ts, "Passed CLEAN", n++);
	if (m < 60)
	    amavis(&r, ts, "Blocked SPAM", n++);
	else
	    put(&r, "%s mx1 spamd[4242]: spamd: clean message (-1.0/5.0) for nobody:65534 "
		"in 0.2 seconds, 1834 bytes.", ts);
	if (m == 59) {
	    /* 08:00-08:59: 60 spam of 120 scanned. */
	    pfs_filterhealth_info(fh, &fi);
	    ck_assert_uint_eq(fi.scanned, 120);
	    ck_assert_uint_eq(fi.count[PFS_FH_SPAM], 60);
	    ck_assert_uint_eq(fi.permille[PFS_FH_SPAM], 500);
	}
    }
    /*
     * The window that ends with minute m (60..119) holds minutes m-59..m:
     * 119 - m with spam, 120 verdicts. 11/120 = 91.7 per mille is the first
     * share below 100: m = 108, checked when minute 109 begins.
     */
    ck_assert_int_eq(nalarms, 1);
    ck_assert_int_eq(alarms[0].kind, PFS_FH_SPAM);
    ck_assert_int_eq(alarms[0].state, PFS_FHS_LOW);
    ck_assert_int_eq(alarms[0].was, PFS_FHS_OK);
    ck_assert_uint_eq(alarms[0].permille, 91);
    ck_assert_int_eq(alarms[0].minute, m0 + 108);

    /* Now, window 09:00-09:59: all clean. */
    pfs_filterhealth_info(fh, &fi);
    ck_assert_uint_eq(fi.scanned, 120);
    ck_assert_uint_eq(fi.count[PFS_FH_SPAM], 0);
    ck_assert_uint_eq(fi.permille[PFS_FH_SPAM], 0);
    ck_assert_int_eq(fi.state[PFS_FH_SPAM], PFS_FHS_LOW);
    ck_assert_int_eq(fi.end_minute, m0 + 119);

    /* A verdict of 07:59 is older than the window: dropped. */
    amavis(&r, stamp(base, 0, 7, 59, 0), "Blocked SPAM", n++);
    ck_assert_uint_eq(pfs_filterhealth_late_dropped(fh), 1);

    /* 40 infected at 10:00: 40 of 122 scanned (10:00 plus 09:01-09:59). */
    for (m = 0; m < 40; m++)
	amavis(&r, stamp(base, 0, 10, 0, m), "Blocked INFECTED (Eicar-Signature)", n++);
    amavis(&r, stamp(base, 0, 10, 1, 0), "Passed CLEAN", n++);
    /* Checked at 10:01 over 09:01-10:00: 59 * 2 + 40 = 158 scanned, 40 virus. */
    ck_assert_int_eq(nalarms, 2);
    ck_assert_int_eq(alarms[1].kind, PFS_FH_VIRUS);
    ck_assert_int_eq(alarms[1].state, PFS_FHS_HIGH);
    ck_assert_uint_eq(alarms[1].permille, 40 * 1000 / 158);
    rig_down(&r);
}
END_TEST

/* any_virus - a virus share above 0 % is an alert, from one verdict on */

static void any_virus(struct pfs_config *cfg)
{
    cfg->filter_high[PFS_FH_VIRUS] = 0;
    cfg->filter_min_scanned = 1;
}

START_TEST(test_filter_any_virus)
{
    struct date base = {2026, 12, 8};
    struct rig r;
    int     i;

    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    rig_up(&r, any_virus);
    pfs_filterhealth_set_callback(pfs_events_filterhealth(r.e), on_alarm, 0);
    nalarms = 0;
    /* 25 clean and one clamd find at 08:00; checked when 08:01 begins. */
    for (i = 0; i < 25; i++)
	amavis(&r, stamp(base, 0, 8, 0, i), "Passed CLEAN", i);
    put(&r, "%s mx1 clamd[812]: /var/lib/amavis/tmp/amavis-20261208T080030-01234-"
	"AbCdEfGh/parts/p002: Eicar-Signature FOUND", stamp(base, 0, 8, 0, 30));
    ck_assert_int_eq(nalarms, 0);
    amavis(&r, stamp(base, 0, 8, 1, 0), "Passed CLEAN", 99);
    ck_assert_int_eq(nalarms, 1);
    ck_assert_int_eq(alarms[0].kind, PFS_FH_VIRUS);
    ck_assert_int_eq(alarms[0].state, PFS_FHS_HIGH);
    ck_assert_uint_eq(alarms[0].permille, 1000 / 26);	/* 38 */
    rig_down(&r);
}
END_TEST

/*
 * ClamAV: its clean verdicts are scans, and a mail is scanned once
 * however many of clamd, clamav-milter (one line per recipient) and
 * amavis report it.
 */
START_TEST(test_filter_clamav)
{
    struct date base = {2026, 12, 8};
    struct pfs_fh_info fi;
    struct rig r;
    const char *ts;
    int     i, k;

    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    rig_up(&r, 0);
    /*
     * A ClamAV-only site, 08:00-08:29: 30 mails through clamav-milter,
     * each scanned by clamd (INSTREAM, LogClean yes) and logged by the
     * milter for its two recipients (LogInfected and LogClean Full).
     * Mails 0, 10 and 20 carry a virus.
     */
    for (i = 0; i < 30; i++) {
	ts = stamp(base, 0, 8, i, 10);
	if (i % 10 == 0)
	    put(&r, "%s mx1 clamd[812]: instream(127.0.0.1@%d): Win.Test.EICAR_HDB-1 FOUND",
		ts, 40000 + i);
	else
	    put(&r, "%s mx1 clamd[812]: instream(127.0.0.1@%d): OK", ts, 40000 + i);
	for (k = 0; k < 2; k++)
	    put(&r, "%s mx1 clamav-milter[813]: %s 4D00000%03d from <a%d@example.com> to "
		"<r%d@example.net> with subject 's' message-id '<m%d@example.com>' date "
		"'Tue, 8 Dec 2026 08:%02d:09 +0000'%s", ts, i % 10 == 0 ? "Message" :
		"Clean message", i, i, k, i, i, i % 10 == 0 ? " infected by Win.Test.EICAR_HDB-1" : "");
    }
    pfs_filterhealth_info(pfs_events_filterhealth(r.e), &fi);
    ck_assert_uint_eq(fi.scanned, 30);
    ck_assert_uint_eq(fi.count[PFS_FH_VIRUS], 3);
    ck_assert_uint_eq(fi.permille[PFS_FH_VIRUS], 100);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_VIRUS), 3);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_CLAMAV_INFECTED), 3);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_CLAMAV_CLEAN), 27);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_CLEAN), 0);
    rig_down(&r);

    /*
     * amavis with clamd, 09:00-09:09: 10 mails, clamd checks the parts
     * directory of amavis process 2000 + i (LogClean yes), amavis logs
     * SPAM for 4 of them and CLEAN for 6: 10 scanned, 4 spam.
     */
    rig_up(&r, 0);
    for (i = 0; i < 10; i++) {
	put(&r, "%s mx1 clamd[812]: /var/lib/amavis/tmp/amavis-20261208T0900%02d-%05d-"
	    "AbCdEfGh/parts: OK", stamp(base, 0, 9, i, 1), i, 2000 + i);
	put(&r, "%s mx1 amavis[%d]: (%05d-01) %s {RelayedInbound}, [192.0.2.10]:54321 "
	    "[192.0.2.10] <list@example.org> -> <bob@example.net>, Queue-ID: 3F2A41C0E5, "
	    "Message-ID: <20261208.%d@example.org>, mail_id: Xb3kq9ZtWm2L, Hits: -1.91, "
	    "size: 1834, queued_as: 8D9E0F1A2B, 1234 ms", stamp(base, 0, 9, i, 3), 2000 + i,
	    2000 + i, i < 4 ? "Passed SPAM" : "Passed CLEAN", i);
    }
    pfs_filterhealth_info(pfs_events_filterhealth(r.e), &fi);
    ck_assert_uint_eq(fi.scanned, 10);
    ck_assert_uint_eq(fi.count[PFS_FH_SPAM], 4);
    ck_assert_uint_eq(fi.permille[PFS_FH_SPAM], 400);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_CLAMAV_CLEAN), 10);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_SPAM), 4);
    ck_assert_uint_eq(pfs_scalar_get(r.st, PFS_CLEAN), 6);
    rig_down(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */

/* The saved state: everything back after a save and a load. */

START_TEST(test_state_roundtrip)
{
    struct date base = {2026, 12, 1};
    struct pfs_baseline_info b1, b2;
    struct pfs_account_info a1, a2;
    struct pfs_fh_info f1, f2;
    struct rig r, r2;
    json_t *saved, *copy;
    char   *text;
    char    err[256];
    const char *q;
    int     d, i, ind;

    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    rig_up(&r, 0);
    for (d = 0; d < BL_DAYS; d++) {
	bl_feed_day(&r, base, d);
	q = msg_smtpd(&r, stamp(base, d, 17, 0, 0), "alice@example.org", 1);
	out_sent(&r, stamp(base, d, 17, 0, 1), q, 0);
	amavis(&r, stamp(base, d, 17, 0, 2), "Blocked SPAM", d);
    }
    saved = pfs_events_save(r.e);
    text = json_dumps(saved, JSON_COMPACT);
    ck_assert_ptr_nonnull(text);
    copy = json_loads(text, 0, 0);
    ck_assert_ptr_nonnull(copy);
    ck_assert_int_eq(pfs_events_check(copy, err, sizeof(err)), 0);

    rig_up(&r2, 0);
    pfs_events_load(r2.e, copy);
    for (ind = 0; ind < PFS_BL_COUNT; ind++) {
	pfs_baseline_info(pfs_events_baseline(r.e), (enum pfs_bl_ind) ind, &b1);
	pfs_baseline_info(pfs_events_baseline(r2.e), (enum pfs_bl_ind) ind, &b2);
	ck_assert_int_eq(memcmp(&b1, &b2, sizeof(b1)), 0);
    }
    pfs_accounts_lookup(pfs_events_accounts(r.e), "alice@example.org", 17, &a1);
    ck_assert_int_eq(pfs_accounts_lookup(pfs_events_accounts(r2.e), "alice@example.org",
					 17, &a2), 0);
    ck_assert_uint_eq(a2.rcpts_out, 1);
    ck_assert_uint_eq(a2.rcpts_out, a1.rcpts_out);
    ck_assert_int_eq(a2.last_seen, a1.last_seen);
    pfs_filterhealth_info(pfs_events_filterhealth(r.e), &f1);
    pfs_filterhealth_info(pfs_events_filterhealth(r2.e), &f2);
    ck_assert_int_eq(memcmp(&f1, &f2, sizeof(f1)), 0);
    for (i = 0; i < (int) pfs_delays_rows(pfs_events_delays(r.e)); i++) {
	const struct pfs_delay_row *x = pfs_delays_row(pfs_events_delays(r.e), (size_t) i);
	const struct pfs_delay_row *y = pfs_delays_row(pfs_events_delays(r2.e), (size_t) i);

	ck_assert_str_eq(x->key, y->key);
	ck_assert_uint_eq(x->count, y->count);
	ck_assert_uint_eq(x->sum_ms, y->sum_ms);
	ck_assert_int_eq(memcmp(x->bucket, y->bucket, sizeof(x->bucket)), 0);
    }

    /* The restored history goes on: tomorrow closes today. */
    bl_feed_day(&r2, base, BL_DAYS);
    pfs_baseline_info(pfs_events_baseline(r2.e), PFS_BL_RELAYED, &b2);
    ck_assert_uint_eq(b2.yesterday, 3 + 1);	/* day 23: 3 planned + alice's */

    /* Damaged state is refused with a reason, and nothing is changed. */
    json_object_set_new(json_object_get(copy, "baseline"), "first_day", json_string("2026-13-01"));
    ck_assert_int_eq(pfs_events_check(copy, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "baseline"));
    json_array_append_new(json_object_get(json_object_get(saved, "delays"), "rows"),
			  json_pack("{s:s}", "transport", "smtp"));
    ck_assert_int_eq(pfs_events_check(saved, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "delays"));
    free(text);
    json_decref(saved);
    json_decref(copy);
    rig_down(&r);
    rig_down(&r2);
}
END_TEST

/*
 * Account names are bytes from the log, UTF-8 or not: the state file keeps
 * them as they were (a name that is not UTF-8 made every save fatal).
 */
START_TEST(test_state_account_bytes)
{
    static const char name[] = "b\xff\xfe@\xe9x.example";
    static const char sender[] = "s\xff@example.org";
    struct pfs_account_info ai;
    struct pfs_logtime w;
    struct rig r, r2;
    char    path[] = "tests/tmp.alerts.state.XXXXXX";
    char    err[512];
    int     fd;

    test_now = (time_t) DAY_2026_12_01 * 86400 + 7200;
    ck_assert_int_ge(fd = mkstemp(path), 0);
    close(fd);
    rig_up(&r, 0);
    w.day = DAY_2026_12_01;
    w.sec = 3600;
    w.epoch = w.day * 86400 + w.sec;
    pfs_accounts_received(pfs_events_accounts(r.e), name, strlen(name), sender,
			  strlen(sender), &w);
    set_alerts_part(r.e);
    ck_assert_msg(pfs_state_save(path, r.st, r.p, 0, err, sizeof(err)) == 0, "%s", err);
    rig_up(&r2, 0);
    set_alerts_part(r2.e);
    ck_assert_msg(pfs_state_load(path, r2.st, r2.p, 0, err, sizeof(err)) == PFS_STATE_LOADED,
		  "%s", err);
    ck_assert_int_eq(pfs_accounts_lookup(pfs_events_accounts(r2.e), name, strlen(name), &ai), 0);
    ck_assert_uint_eq(ai.received, 1);
    ck_assert_str_eq(ai.name, name);
    ck_assert_str_eq(ai.last_sender, sender);
    pfs_state_set_part(0);
    unlink(path);
    rig_down(&r);
    rig_down(&r2);
}
END_TEST

/* The same through the state file (pfs_state(3)), and a damaged one refused. */

START_TEST(test_state_file)
{
    struct date base = {2026, 12, 1};
    struct pfs_baseline_info b1, b2;
    struct rig r, r2;
    char    path[] = "tests/tmp.alerts.state.XXXXXX";
    char    bad[sizeof(path) + 4];
    char    err[512];
    json_t *root;
    int     d, fd, ind;

    test_now = (time_t) (DAY_2026_12_01 + 30) * 86400;
    ck_assert_int_ge(fd = mkstemp(path), 0);
    close(fd);
    rig_up(&r, 0);
    for (d = 0; d < BL_DAYS; d++)
	bl_feed_day(&r, base, d);
    set_alerts_part(r.e);
    ck_assert_int_eq(pfs_state_save(path, r.st, r.p, 0, err, sizeof(err)), 0);

    rig_up(&r2, 0);
    set_alerts_part(r2.e);
    ck_assert_int_eq(pfs_state_load(path, r2.st, r2.p, 0, err, sizeof(err)), PFS_STATE_LOADED);
    for (ind = 0; ind < PFS_BL_COUNT; ind++) {
	pfs_baseline_info(pfs_events_baseline(r.e), (enum pfs_bl_ind) ind, &b1);
	pfs_baseline_info(pfs_events_baseline(r2.e), (enum pfs_bl_ind) ind, &b2);
	ck_assert_int_eq(memcmp(&b1, &b2, sizeof(b1)), 0);
    }
    ck_assert_uint_eq(pfs_scalar_get(r2.st, PFS_SENT), pfs_scalar_get(r.st, PFS_SENT));
    rig_down(&r2);

    /* A history that does not check out makes the whole file bad. */
    ck_assert_ptr_nonnull(root = json_load_file(path, 0, 0));
    json_object_set_new(json_object_get(json_object_get(root, "alerts"), "baseline"),
			"hour", json_integer(24));
    ck_assert_int_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    rig_up(&r2, 0);
    set_alerts_part(r2.e);
    ck_assert_int_eq(pfs_state_load(path, r2.st, r2.p, 0, err, sizeof(err)), PFS_STATE_BAD);
    ck_assert_ptr_nonnull(strstr(err, "baseline"));
    ck_assert_uint_eq(pfs_scalar_get(r2.st, PFS_SENT), 0);
    ck_assert_int_eq(pfs_baseline_today(pfs_events_baseline(r2.e)), INT64_MIN);
    pfs_state_set_part(0);
    snprintf(bad, sizeof(bad), "%s.bad", path);
    unlink(bad);
    unlink(path);
    rig_down(&r2);
    rig_down(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */

/* The configuration tokens: defaults and strictness. */

START_TEST(test_config)
{
    struct pfs_queue_opts qo;
    struct pfs_config cfg;
    char    path[] = "tests/tmp.alerts.conf.XXXXXX";
    char    err[512];
    FILE   *fp;
    int     fd;

    pfs_config_init(&cfg);
    ck_assert_int_eq(cfg.accounts, 1);
    ck_assert_uint_eq(cfg.account_cap, 10000);
    ck_assert_uint_eq(cfg.account_limit, 100);
    ck_assert_uint_eq(cfg.baseline_days, 15);
    ck_assert_uint_eq(cfg.baseline_sigma, 3);
    ck_assert_uint_eq(cfg.queue_age[0], 3600);
    ck_assert_uint_eq(cfg.queue_age[1], 86400);
    ck_assert_uint_eq(cfg.filter_high[PFS_FH_SPAM], 100);

    ck_assert_int_ge(fd = mkstemp(path), 0);
    ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
    fprintf(fp, "account_tracking no\nmax_accounts 50\naccount_limit 20\n"
	    "account_limits a@example.org=5 odd=name@example.org=7\n"
	    "inside_transport internal relay2\nbaseline_days 21\nbaseline_sigma 3\n"
	    "baseline_hourly no\nfilter_spam_low 5\nfilter_virus_high 30\n"
	    "queue_config_directory /etc/postfix-out\nqueue_refresh 120\n"
	    "queue_age_short 600\n");
    fclose(fp);
    ck_assert_int_eq(pfs_config_load(&cfg, path, 1, err, sizeof(err)), 0);
    ck_assert_int_eq(cfg.accounts, 0);
    ck_assert_uint_eq(cfg.account_cap, 50);
    ck_assert_uint_eq(cfg.account_limit, 20);
    ck_assert_uint_eq(cfg.account_limits.n, 2);
    ck_assert_str_eq(cfg.account_limits.v[1], "odd=name@example.org=7");
    ck_assert_uint_eq(cfg.inside_transports.n, 2);
    ck_assert_uint_eq(cfg.baseline_days, 21);
    ck_assert_uint_eq(cfg.baseline_sigma, 3);
    ck_assert_int_eq(cfg.baseline_hourly, 0);
    ck_assert_uint_eq(cfg.filter_low[PFS_FH_SPAM], 5);
    ck_assert_uint_eq(cfg.filter_high[PFS_FH_VIRUS], 30);
    ck_assert_str_eq(cfg.queue_config_directory, "/etc/postfix-out");
    ck_assert_uint_eq(cfg.queue_refresh, 120);
    ck_assert_uint_eq(cfg.queue_age[0], 600);
    pfs_config_queue_opts(&cfg, &qo);
    ck_assert_str_eq(qo.config_dir, "/etc/postfix-out");
    ck_assert_ptr_null(qo.queue_dir);
    ck_assert_ptr_null(qo.postqueue);	/* pfs_queue_create(): PFS_DEF_POSTQUEUE */
    ck_assert_uint_eq(qo.refresh, 120);
    ck_assert_uint_eq(qo.age[0], 600);
    ck_assert_uint_eq(qo.age[1], 86400);
    pfs_config_free(&cfg);

    /* A limit without a number names file, line and value. */
    ck_assert_ptr_nonnull(fp = fopen(path, "w"));
    fprintf(fp, "# limits\naccount_limits a@example.org=5 b@example.org\n");
    fclose(fp);
    pfs_config_init(&cfg);
    ck_assert_int_eq(pfs_config_load(&cfg, path, 1, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: bad value \"b@example.org\" for account_limits"));
    pfs_config_free(&cfg);
    ck_assert_ptr_nonnull(fp = fopen(path, "w"));
    fprintf(fp, "baseline_days 40\n");
    fclose(fp);
    pfs_config_init(&cfg);
    ck_assert_int_eq(pfs_config_load(&cfg, path, 1, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "baseline_days"));
    pfs_config_free(&cfg);
    unlink(path);
}
END_TEST

/*
 * Issue 12: one message dated 2099 (a sender with a wrong clock on a
 * loghost) in a day of normal lines. It must not move "today": the
 * account table and the baseline count today's messages, the limit
 * callback (the agent's log line) gives the right number, and the saved
 * state holds no 2099. A state saved by an agent without the check
 * recovers when loaded.
 */

/* limit3 - bob@example.org may relay 3 recipients a day */

static void limit3(struct pfs_config *cfg)
{
    cfg->account_limit = 3;
}

START_TEST(test_future_line)
{
    struct date base = {2026, 12, 1};
    struct pfs_account_info ai;
    struct pfs_baseline_info bi;
    struct pfs_logtime w;
    struct rig r, r2;
    PFS_ACCOUNTS *a;
    json_t *saved;
    char   *text;
    char    err[256];
    const char *q;
    int     i;

    /* The agent runs on 2026-12-01 at 18:00 UTC. */
    test_now = (time_t) DAY_2026_12_01 * 86400 + 18 * 3600;
    rig_up(&r, limit3);
    a = hit_accounts = pfs_events_accounts(r.e);
    pfs_accounts_set_callback(a, on_limit, 0);
    nhits = 0;

    /* Morning: two messages of bob, one recipient outside each. */
    for (i = 0; i < 2; i++) {
	q = msg_smtpd(&r, stamp(base, 0, 9, 0, i), "bob@example.org", 1);
	out_sent(&r, stamp(base, 0, 9, 0, i), q, i);
	removed(&r, stamp(base, 0, 9, 0, i), q);
    }
    /* A message of bob that qmgr logs dated 2099, relayed in 2099 too. */
    q = next_qid(&r);
    put(&r, "%s mx1 postfix/smtpd[2101]: %s: client=unknown[203.0.113.9], "
	"sasl_method=PLAIN, sasl_username=bob@example.org", stamp(base, 0, 10, 0, 0), q);
    put(&r, "2099-12-31T23:00:00+00:00 mx1 postfix/qmgr[1101]: %s: from=<bob@example.org>, "
	"size=2188, nrcpt=1 (queue active)", q);
    put(&r, "2099-12-31T23:00:01+00:00 mx1 postfix/smtp[2103]: %s: to=<user9@example.net>, "
	"relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, "
	"dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4XYZ9)", q);
    /* Afternoon: three more messages of bob; the fourth recipient is over 3. */
    for (i = 0; i < 3; i++) {
	q = msg_smtpd(&r, stamp(base, 0, 14, 0, i), "bob@example.org", 1);
	out_sent(&r, stamp(base, 0, 14, 0, i), q, 10 + i);
	removed(&r, stamp(base, 0, 14, 0, i), q);
    }

    ck_assert_uint_eq(pfs_events_future(r.e), 2);
    ck_assert_int_eq(pfs_accounts_today(a), DAY_2026_12_01);
    ck_assert_int_eq(pfs_accounts_lookup(a, "bob@example.org", 15, &ai), 0);
    ck_assert_uint_eq(ai.received, 5);
    ck_assert_uint_eq(ai.msgs_out, 5);
    ck_assert_uint_eq(ai.rcpts_out, 5);
    ck_assert_int_eq(ai.exceeded, 1);
    ck_assert_int_eq(ai.last_seen, (int64_t) DAY_2026_12_01 * 86400 + 14 * 3600 + 2);
    ck_assert_int_eq(nhits, 1);
    ck_assert_str_eq(hits[0].name, "bob@example.org");
    ck_assert_uint_eq(hits[0].count, 4);
    ck_assert_int_eq(hits[0].day, DAY_2026_12_01);
    ck_assert_int_eq(pfs_baseline_today(pfs_events_baseline(r.e)), DAY_2026_12_01);
    pfs_baseline_info(pfs_events_baseline(r.e), PFS_BL_RECEIVED, &bi);
    ck_assert_uint_eq(bi.today, 5);
    pfs_baseline_info(pfs_events_baseline(r.e), PFS_BL_RELAYED, &bi);
    ck_assert_uint_eq(bi.today, 5);
    saved = pfs_events_save(r.e);
    text = json_dumps(saved, JSON_COMPACT);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "2099") == 0, "saved: %.300s", text);
    free(text);
    json_decref(saved);

    /*
     * A state that an agent without the check saved: every module moved
     * to 2099-12-31 by a line of that day.
     */
    w.day = 47481;				/* 2099-12-31 */
    w.sec = 23 * 3600;
    w.epoch = w.day * 86400 + w.sec;
    pfs_baseline_add(pfs_events_baseline(r.e), PFS_BL_RECEIVED, &w);
    pfs_accounts_received(a, "bob@example.org", 15, 0, 0, &w);
    pfs_filterhealth_add(pfs_events_filterhealth(r.e), PFS_FHV_SPAM, &w);
    saved = pfs_events_save(r.e);
    text = json_dumps(saved, JSON_COMPACT);
    ck_assert_ptr_nonnull(strstr(text, "2099-12-31"));
    free(text);
    ck_assert_int_eq(pfs_events_check(saved, err, sizeof(err)), 0);

    /* Loaded the next morning: the future is gone, today counts again. */
    test_now += 16 * 3600;
    rig_up(&r2, limit3);
    pfs_events_load(r2.e, saved);
    a = hit_accounts = pfs_events_accounts(r2.e);
    pfs_accounts_set_callback(a, on_limit, 0);
    nhits = 0;
    ck_assert_int_eq(pfs_baseline_today(pfs_events_baseline(r2.e)), INT64_MIN);
    ck_assert_int_eq(pfs_accounts_today(a), INT64_MIN);
    for (i = 0; i < 4; i++) {
	q = msg_smtpd(&r2, stamp(base, 1, 8, 0, i), "bob@example.org", 1);
	out_sent(&r2, stamp(base, 1, 8, 0, i), q, i);
	removed(&r2, stamp(base, 1, 8, 0, i), q);
    }
    ck_assert_int_eq(pfs_accounts_today(a), DAY_2026_12_01 + 1);
    ck_assert_int_eq(pfs_accounts_lookup(a, "bob@example.org", 15, &ai), 0);
    ck_assert_uint_eq(ai.received, 4);
    ck_assert_uint_eq(ai.rcpts_out, 4);
    ck_assert_int_eq(nhits, 1);
    ck_assert_uint_eq(hits[0].count, 4);
    pfs_baseline_info(pfs_events_baseline(r2.e), PFS_BL_RECEIVED, &bi);
    ck_assert_uint_eq(bi.today, 4);
    saved = (json_decref(saved), pfs_events_save(r2.e));
    text = json_dumps(saved, JSON_COMPACT);
    ck_assert_msg(strstr(text, "2099") == 0, "saved: %.300s", text);
    free(text);
    json_decref(saved);
    rig_down(&r);
    rig_down(&r2);
}
END_TEST

/* alerts_suite - every test above */

static Suite *alerts_suite(void)
{
    Suite  *s = suite_create("alerts");
    TCase  *tc = tcase_create("alerts");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_when);
    tcase_add_test(tc, test_delays);
    tcase_add_test(tc, test_delays_cap);
    tcase_add_test(tc, test_accounts);
    tcase_add_test(tc, test_filter_account);
    tcase_add_test(tc, test_accounts_evict);
    tcase_add_test(tc, test_accounts_off);
    tcase_add_test(tc, test_baseline);
    tcase_add_test(tc, test_baseline_hourly);
    tcase_add_test(tc, test_filterhealth);
    tcase_add_test(tc, test_filter_any_virus);
    tcase_add_test(tc, test_filter_clamav);
    tcase_add_test(tc, test_state_roundtrip);
    tcase_add_test(tc, test_state_file);
    tcase_add_test(tc, test_state_account_bytes);
    tcase_add_test(tc, test_config);
    tcase_add_test(tc, test_future_line);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    SRunner *sr = srunner_create(alerts_suite());
    int     failed;

    setenv("TZ", "UTC", 1);
    tzset();
    log_init("check_alerts", 1, 0);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? EXIT_FAILURE : EXIT_SUCCESS);
}
