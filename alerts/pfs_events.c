/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_events 3
 * SUMMARY
 *	the parser's one event callback, fanned out to the alert modules
 * SYNOPSIS
 *	#include "pfs_events.h"
 *
 *	PFS_EVENTS *pfs_events_create(opts)
 *
 *	void	pfs_events_fn(event, events)
 *
 *	void	pfs_events_add_consumer(events, fn, ctx)
 *
 *	void	pfs_events_set_clock(events, now)
 *
 *	PFS_DELAYS *pfs_events_delays(events)
 *
 *	PFS_ACCOUNTS *pfs_events_accounts(events)
 *
 *	PFS_BASELINE *pfs_events_baseline(events)
 *
 *	PFS_FILTERHEALTH *pfs_events_filterhealth(events)
 *
 *	PFS_NOTIFY *pfs_events_notify(events)
 *
 *	void	pfs_events_queue_read(events, queue, now)
 *
 *	int	pfs_events_outside(events, event)
 *
 *	uint64_t pfs_events_future(events)
 *
 *	json_t	*pfs_events_save(events)
 *
 *	int	pfs_events_check(json, err, errlen)
 *
 *	void	pfs_events_load(events, json)
 *
 *	json_t	*pfs_events_save_ctx(events)
 *
 *	void	pfs_events_load_ctx(events, json)
 * DESCRIPTION
 *	The parser has one event callback (pfs_parser_set_event()). This
 *	module is it: pfs_events_create() builds, from the options (which
 *	the agent takes from its configuration),
 *	the delay table (pfs_delays(3)), the per-account table
 *	(pfs_accounts(3), unless account_tracking is off), the traffic
 *	baseline (pfs_baseline(3)) and the filter window
 *	(pfs_filterhealth(3)), and pfs_events_fn() hands each event to
 *	them:
 * .IP \(bu
 *	DELIVERY, status sent or bounced: the transport's delays (for
 *	mail that an after-queue content filter handed back, from its
 *	first arrival: the event's filter_ms is added). Status
 *	sent: baseline "sent"; when the recipient is relayed outside (see
 *	below) also baseline "relayed" and the account's relayed counts.
 *	Status bounced: baseline "bounced". Status deferred and SOFTBOUNCE:
 *	baseline "deferred". Address probes: nothing.
 * .IP \(bu
 *	RECEIVED (qmgr's first from= line of a message from smtpd or
 *	pickup): baseline "received" and the account's submitted messages,
 *	with the message's envelope sender.
 * .IP \(bu
 *	REJECT: baseline "rejected".
 * .IP \(bu
 *	VERDICT: the filter window.
 * .PP
 *	Every dated event moves the baseline's and the filter window's
 *	clock. A line's time is resolved with pfs_logtime(3) against the wall
 *	clock (pfs_events_set_clock(); default time(3)).
 *
 *	A line dated more than PFS_EVENTS_FUTURE seconds (a day) ahead of
 *	the wall clock (a sender with a wrong clock on a loghost) would
 *	move "today" of the daily figures to its date and leave every later
 *	line of the real today behind: such an event goes to the delay
 *	table only, pfs_events_future() counts it, and the first one is
 *	logged. When saved state is loaded, days, minutes and last-seen
 *	times beyond the same bound (left by an agent without this check)
 *	are dropped, with a warning.
 *
 *	Relayed outside: a delivery with status=sent by the SMTP client
 *	(program smtp, whatever the master.cf service), to a relay that is
 *	not a loopback address (a content filter or local proxy), through
 *	a transport that the configuration does not list as
 *	inside_transport. local, virtual, lmtp (mailbox servers such as
 *	Dovecot), pipe, error, discard and retry deliver inside.
 *
 *	The account of a message is what the parser found (pfs_qtable(3)):
 *	the SASL username, or "uid=N" for mail submitted on this host. A
 *	message from a client that did not log in carries the client's
 *	address; it is an account only when the address is in one of the
 *	account_clients networks (opts), e.g. the hosts of mynetworks that
 *	relay without logging in.
 *
 *	Later consumers (pfs_events_add_consumer()) get each event after
 *	the modules.
 *
 *	Notifications. pfs_events_create() hooks the modules' callbacks:
 *	an account over its limit, a traffic anomaly and a filter share
 *	crossing a threshold each become a struct pfs_note on the queue
 *	that pfs_events_notify() returns (pfs_notify(3)), with the day (and
 *	hour) it is about. The agent takes them from there. The queue
 *	thresholds (pfs_queuealert(3)) live here too, so that their state
 *	is saved with the rest: pfs_events_queue_read() checks them after
 *	each read of the mail queue.
 *
 *	pfs_events_save() returns one JSON object with a member per module
 *	("delays", "accounts", "baseline", "filter", "queue_alerts") and
 *	the notifications still queued ("notify") for the saved state;
 *	pfs_events_check() validates every member present, and
 *	pfs_events_load() restores the members of the modules that exist.
 *	pfs_events_save_ctx() and pfs_events_load_ctx() are the same with
 *	an untyped context, the form a saved-state hook takes.
 * DIAGNOSTICS
 *	pfs_events_create() is fatal on an account_limits entry that the
 *	configuration parser should have refused. Events with an
 *	impossible time are counted (pfs_events_bad_time()) and go to the
 *	delay table only; so do events dated in the future
 *	(pfs_events_future()), of which the first is logged.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_events.h"
#include "pfs_log.h"
#include "pfs_netlist.h"
#include "pfs_util.h"

struct consumer {
    PFS_EVENT_FN fn;
    void   *ctx;
};

struct PFS_EVENTS {
    PFS_DELAYS *delays;
    PFS_ACCOUNTS *accounts;
    PFS_BASELINE *baseline;
    PFS_FILTERHEALTH *fh;
    PFS_NOTIFY *notify;
    PFS_QUEUEALERT *qalert;
    PFS_NETLIST *clients;		/* account_clients, or NULL */
    char  **inside;
    size_t  ninside;
    time_t  (*now) (void);
    struct pfs_logtime_cache cache;
    uint64_t bad_time;
    uint64_t future;			/* events dated too far ahead */
    struct consumer extra[PFS_EVENTS_MAX_CONSUMERS];
    size_t  nextra;
};

/* wall_clock - default clock */

static time_t wall_clock(void)
{
    return (time((time_t *) 0));
}

/* note_limit - an account went over its limit */

static void note_limit(const struct pfs_account_info *ai, void *ctx)
{
    PFS_EVENTS *e = ctx;
    struct pfs_note note;

    pfs_note_init(&note, PFS_NOTE_ACCOUNT);
    pfs_note_set_text(&note, PFS_NF_ACCOUNT, ai->name ? ai->name : "");
    pfs_note_set(&note, PFS_NF_COUNT, (int64_t) (ai->unit == PFS_LIMIT_MESSAGES ?
						 ai->msgs_out : ai->rcpts_out));
    pfs_note_set(&note, PFS_NF_LIMIT, (int64_t) ai->limit);
    pfs_note_set_day(&note, ai->day);
    pfs_note_set(&note, PFS_NF_UNIT, (int64_t) ai->unit + 1);
    pfs_notify_push(e->notify, &note);
}

/* note_anomaly - a day or hour departed from its baseline */

static void note_anomaly(const struct pfs_anomaly *an, void *ctx)
{
    PFS_EVENTS *e = ctx;
    struct pfs_note note;

    pfs_note_init(&note, PFS_NOTE_ANOMALY);
    pfs_note_set(&note, PFS_NF_INDICATOR, (int64_t) an->ind + 1);
    pfs_note_set(&note, PFS_NF_VALUE, (int64_t) an->value);
    pfs_note_set(&note, PFS_NF_MEAN, pfs_note_hundredths(an->mean));
    pfs_note_set(&note, PFS_NF_DEVIATION, pfs_note_hundredths(an->dev));
    pfs_note_set_day(&note, an->day);
    pfs_note_set(&note, PFS_NF_HOUR, an->hour);
    pfs_note_set(&note, PFS_NF_BASELINE, (int64_t) an->base + 1);
    pfs_note_set(&note, PFS_NF_PHASE, an->cleared ? 2 : 1);
    pfs_notify_push(e->notify, &note);
}

/* note_filter - the spam or virus share changed state */

static void note_filter(const struct pfs_fh_alarm *fa, void *ctx)
{
    PFS_EVENTS *e = ctx;
    struct pfs_note note;
    int64_t day = fa->minute >= 0 ? fa->minute / 1440 : -((1439 - fa->minute) / 1440);

    pfs_note_init(&note, PFS_NOTE_FILTER);
    pfs_note_set(&note, PFS_NF_FILTER_KIND, (int64_t) fa->kind + 1);
    pfs_note_set(&note, PFS_NF_FILTER_STATE, (int64_t) fa->state + 1);
    pfs_note_set(&note, PFS_NF_SHARE, fa->permille);
    pfs_note_set(&note, PFS_NF_SCANNED, (int64_t) fa->scanned);
    pfs_note_set_day(&note, day);
    pfs_note_set(&note, PFS_NF_HOUR, (fa->minute - day * 1440) / 60);
    pfs_notify_push(e->notify, &note);
}

/* pfs_events_create - every module the options ask for */

PFS_EVENTS *pfs_events_create(const struct pfs_events_opts *o)
{
    PFS_EVENTS *e = pfs_calloc(1, sizeof(*e));
    const char *bad;
    size_t  i;

    e->now = wall_clock;
    pfs_logtime_cache_init(&e->cache);
    e->notify = pfs_notify_create(o->notify_cap);
    e->delays = pfs_delays_create(o->delay_rows);
    if (o->accounts) {
	e->accounts = pfs_accounts_create(o->account_cap, o->account_limit);
	if (pfs_accounts_apply_limits(e->accounts, o->account_limit, o->account_limits,
				      o->account_limits_n, &bad) > 0)
	    fatalx("account_limits: bad entry \"%.100s\"", bad);
	pfs_accounts_set_unit(e->accounts, o->account_unit);
	pfs_accounts_set_callback(e->accounts, note_limit, e);
	if (o->account_clients_n > 0
	    && (e->clients = pfs_netlist_create(o->account_clients,
						o->account_clients_n, &bad)) == 0)
	    fatalx("account_clients: bad network \"%.100s\"", bad);
    }
    e->baseline = pfs_baseline_create(&o->baseline);
    pfs_baseline_set_callback(e->baseline, note_anomaly, e);
    e->fh = pfs_filterhealth_create(&o->filter);
    pfs_filterhealth_set_callback(e->fh, note_filter, e);
    e->qalert = pfs_queuealert_create(o->queue_alert, e->notify);
    if (o->inside_n > 0) {
	e->inside = pfs_calloc(o->inside_n, sizeof(*e->inside));
	for (i = 0; i < o->inside_n; i++)
	    e->inside[i] = pfs_strdup(o->inside[i]);
	e->ninside = o->inside_n;
    }
    return (e);
}

/* pfs_events_free - release everything */

void    pfs_events_free(PFS_EVENTS *e)
{
    size_t  i;

    if (e == 0)
	return;
    pfs_delays_free(e->delays);
    pfs_accounts_free(e->accounts);
    pfs_baseline_free(e->baseline);
    pfs_filterhealth_free(e->fh);
    pfs_queuealert_free(e->qalert);
    pfs_notify_free(e->notify);
    pfs_netlist_free(e->clients);
    for (i = 0; i < e->ninside; i++)
	free(e->inside[i]);
    free(e->inside);
    free(e);
}

/* pfs_events_add_consumer - one more event consumer */

void    pfs_events_add_consumer(PFS_EVENTS *e, PFS_EVENT_FN fn, void *ctx)
{
    if (e->nextra == PFS_EVENTS_MAX_CONSUMERS)
	fatalx("pfs_events: more than %d event consumers", PFS_EVENTS_MAX_CONSUMERS);
    e->extra[e->nextra].fn = fn;
    e->extra[e->nextra].ctx = ctx;
    e->nextra++;
}

/* pfs_events_set_clock - the wall clock for year-less lines */

void    pfs_events_set_clock(PFS_EVENTS *e, time_t (*now) (void))
{
    e->now = now ? now : wall_clock;
    pfs_logtime_cache_init(&e->cache);
}

/* pfs_events_delays - the delay table */

PFS_DELAYS *pfs_events_delays(PFS_EVENTS *e)
{
    return (e->delays);
}

/* pfs_events_accounts - the account table, or NULL (account_tracking no) */

PFS_ACCOUNTS *pfs_events_accounts(PFS_EVENTS *e)
{
    return (e->accounts);
}

/* pfs_events_baseline - the traffic history */

PFS_BASELINE *pfs_events_baseline(PFS_EVENTS *e)
{
    return (e->baseline);
}

/* pfs_events_filterhealth - the filter window */

PFS_FILTERHEALTH *pfs_events_filterhealth(PFS_EVENTS *e)
{
    return (e->fh);
}

/* pfs_events_notify - the notifications waiting to be sent */

PFS_NOTIFY *pfs_events_notify(PFS_EVENTS *e)
{
    return (e->notify);
}

/* pfs_events_queue_read - a read of the queue finished */

void    pfs_events_queue_read(PFS_EVENTS *e, const PFS_QUEUE *q, time_t now)
{
    pfs_queuealert_check(e->qalert, q, now);
}

/* pfs_events_queuealert - the queue thresholds */

PFS_QUEUEALERT *pfs_events_queuealert(PFS_EVENTS *e)
{
    return (e->qalert);
}

/* account_of - the account of a message, or NULL */

static const char *account_of(const PFS_EVENTS *e, const struct pfs_qentry *m)
{
    if (e->accounts == 0 || m == 0 || m->account[0] == 0)
	return (0);
    if ((m->flags & PFS_QF_CLIENT)
	&& !pfs_netlist_match(e->clients, m->account, strlen(m->account)))
	return (0);
    return (m->account);
}

/* pfs_events_bad_time - events whose time could not be resolved */

uint64_t pfs_events_bad_time(const PFS_EVENTS *e)
{
    return (e->bad_time);
}

/* pfs_events_future - events dated more than a day ahead of the wall clock */

uint64_t pfs_events_future(const PFS_EVENTS *e)
{
    return (e->future);
}

/* future_line - count, and log the first, of the lines dated too far ahead */

static void future_line(PFS_EVENTS *e, const struct pfs_event *ev)
{
    const struct pfs_time *t = &ev->hdr->time;
    const struct pfs_str *h = &ev->hdr->host;

    if (e->future++ > 0)
	return;
    log_warnx("a line%s%.*s dated %04d-%02d-%02d %02d:%02d:%02d is more than a "
	      "day ahead of this host's clock: it does not move the day of the "
	      "accounts, baselines and filter window (such lines are counted in "
	      "pfsFutureLines and not logged again)", h->len ? " of " : "",
	      (int) (h->len > 100 ? 100 : h->len), h->ptr, t->year, t->mon, t->mday,
	      t->hour, t->min, t->sec);
}

/* str_is - counted string equals literal */

static int str_is(struct pfs_str s, const char *lit)
{
    return (s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0);
}

/* loopback_relay - "name[127.0.0.1]:port", "[::1]" and the like */

static int loopback_relay(struct pfs_str relay)
{
    const char *lb = memchr(relay.ptr, '[', relay.len);
    size_t  rest;

    if (lb == 0)
	return (0);
    lb++;
    rest = relay.len - (size_t) (lb - relay.ptr);
    return ((rest >= 4 && memcmp(lb, "127.", 4) == 0)
	    || (rest >= 4 && memcmp(lb, "::1]", 4) == 0)
	    || (rest >= 9 && memcmp(lb, "ipv6:::1]", 9) == 0));
}

/* pfs_events_outside - a recipient relayed outside? */

int     pfs_events_outside(const PFS_EVENTS *e, const struct pfs_event *ev)
{
    size_t  i;

    if (ev->type != PFS_EV_DELIVERY || ev->status != PFS_ST_SENT
	|| !str_is(ev->hdr->program, "smtp") || loopback_relay(ev->relay))
	return (0);
    for (i = 0; i < e->ninside; i++)
	if (strlen(e->inside[i]) == ev->transport.len
	    && memcmp(e->inside[i], ev->transport.ptr, ev->transport.len) == 0)
	    return (0);
    return (1);
}

/* delivery - one delivery status line */

static void delivery(PFS_EVENTS *e, const struct pfs_event *ev, const struct pfs_logtime *w)
{
    char    msgid[PFS_QID_MAX + 24];
    const char *acct;
    int     idlen;

    switch (ev->status) {
    case PFS_ST_SENT:
	pfs_baseline_add(e->baseline, PFS_BL_SENT, w);
	if (!pfs_events_outside(e, ev))
	    break;
	pfs_baseline_add(e->baseline, PFS_BL_RELAYED, w);
	if ((acct = account_of(e, ev->msg)) != 0) {
	    /* The source's identity, not its row: rows run out (max_sources). */
	    idlen = snprintf(msgid, sizeof(msgid), "%016llx/%.*s",
			     (unsigned long long) ev->msg->sid,
			     (int) ev->msg->qlen, ev->msg->qid);
	    if (idlen >= (int) sizeof(msgid))
		idlen = (int) sizeof(msgid) - 1;
	    pfs_accounts_relayed(e->accounts, acct, strlen(acct), msgid, (size_t) idlen, w);
	}
	break;
    case PFS_ST_BOUNCED:
	pfs_baseline_add(e->baseline, PFS_BL_BOUNCED, w);
	break;
    case PFS_ST_DEFERRED:
    case PFS_ST_SOFTBOUNCE:
	pfs_baseline_add(e->baseline, PFS_BL_DEFERRED, w);
	break;
    case PFS_ST_PROBE:
	break;
    }
}

/* pfs_events_fn - the parser's event callback */

void    pfs_events_fn(const struct pfs_event *ev, void *ctx)
{
    PFS_EVENTS *e = ctx;
    struct pfs_logtime w;
    time_t  now;
    const char *acct;
    size_t  i;
    static const enum pfs_fh_verdict fhv[] = {
	[PFS_VD_CLEAN] = PFS_FHV_CLEAN, [PFS_VD_SPAM] = PFS_FHV_SPAM,
	[PFS_VD_VIRUS] = PFS_FHV_VIRUS, [PFS_VD_OTHER] = PFS_FHV_OTHER,
	[PFS_VD_NOVIRUS] = PFS_FHV_OTHER,
    };

    /* Delays need no date. A filtered mail's count from its first arrival. */
    if (ev->type == PFS_EV_DELIVERY
	&& (ev->status == PFS_ST_SENT || ev->status == PFS_ST_BOUNCED))
	pfs_delays_add_filtered(e->delays, ev->transport.ptr, ev->transport.len,
				ev->delay_ms, ev->delays_ms, ev->filter_ms);
    now = e->now();
    if (pfs_logtime_resolve(&ev->hdr->time, now, &e->cache, &w) < 0) {
	e->bad_time++;
    } else if (w.epoch > (int64_t) now + PFS_EVENTS_FUTURE) {
	future_line(e, ev);
    } else {
	pfs_baseline_advance(e->baseline, &w);
	pfs_filterhealth_advance(e->fh, &w);
	switch (ev->type) {
	case PFS_EV_RECEIVED:
	    pfs_baseline_add(e->baseline, PFS_BL_RECEIVED, &w);
	    if ((acct = account_of(e, ev->msg)) != 0)
		pfs_accounts_received(e->accounts, acct, strlen(acct), ev->sender.ptr,
				      ev->sender.len, &w);
	    break;
	case PFS_EV_DELIVERY:
	    delivery(e, ev, &w);
	    break;
	case PFS_EV_REJECT:
	    pfs_baseline_add(e->baseline, PFS_BL_REJECTED, &w);
	    break;
	case PFS_EV_VERDICT:
	    if ((size_t) ev->verdict >= sizeof(fhv) / sizeof(fhv[0]))
		break;
	    if (ev->again)
		pfs_filterhealth_again(e->fh, fhv[ev->verdict], &w);
	    else
		pfs_filterhealth_add(e->fh, fhv[ev->verdict], &w);
	    break;
	case PFS_EV_EXPIRED:
	    break;
	}
    }
    for (i = 0; i < e->nextra; i++)
	e->extra[i].fn(ev, e->extra[i].ctx);
}

/* pfs_events_save - every module's state */

json_t *pfs_events_save(const PFS_EVENTS *e)
{
    json_t *o = json_object();

    if (o == 0
	|| json_object_set_new(o, "delays", pfs_delays_save(e->delays)) < 0
	|| (e->accounts
	    && json_object_set_new(o, "accounts", pfs_accounts_save(e->accounts)) < 0)
	|| json_object_set_new(o, "baseline", pfs_baseline_save(e->baseline)) < 0
	|| json_object_set_new(o, "filter", pfs_filterhealth_save(e->fh)) < 0
	|| json_object_set_new(o, "queue_alerts", pfs_queuealert_save(e->qalert)) < 0
	|| json_object_set_new(o, "notify", pfs_notify_save(e->notify)) < 0)
	fatalx("out of memory saving the alert state");
    return (o);
}

/* pfs_events_check - validate every member present */

int     pfs_events_check(const json_t *o, char *err, size_t errlen)
{
    const json_t *v;

    if (!json_is_object(o)) {
	snprintf(err, errlen, "alert state is not an object");
	return (-1);
    }
    if (((v = json_object_get(o, "delays")) != 0 && pfs_delays_check(v, err, errlen) < 0)
	|| ((v = json_object_get(o, "accounts")) != 0
	    && pfs_accounts_check(v, err, errlen) < 0)
	|| ((v = json_object_get(o, "baseline")) != 0
	    && pfs_baseline_check(v, err, errlen) < 0)
	|| ((v = json_object_get(o, "filter")) != 0
	    && pfs_filterhealth_check(v, err, errlen) < 0)
	|| ((v = json_object_get(o, "queue_alerts")) != 0
	    && pfs_queuealert_check_json(v, err, errlen) < 0)
	|| ((v = json_object_get(o, "notify")) != 0
	    && pfs_notify_check(v, err, errlen) < 0))
	return (-1);
    return (0);
}

/* drop_future - what a line dated in the future left in loaded state */

static void drop_future(PFS_EVENTS *e)
{
    time_t  last = e->now() + PFS_EVENTS_FUTURE;
    struct tm tm;
    int64_t day;
    size_t  n;
    int     days, mins;
    char    buf[16];

    if (localtime_r(&last, &tm) == 0)
	return;
    day = pfs_day_from_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    days = pfs_baseline_drop_after(e->baseline, day);
    mins = pfs_filterhealth_drop_after(e->fh, day * 1440 + tm.tm_hour * 60 + tm.tm_min);
    n = e->accounts ? pfs_accounts_drop_after(e->accounts, day, (int64_t) last) : 0;
    if (days > 0 || mins > 0 || n > 0) {
	pfs_day_format(day, buf, sizeof(buf));
	log_warnx("saved alert state: %d baseline day(s), %d filter minute(s) and "
		  "%zu account(s) dated after %s (a log line dated in the future) "
		  "are dropped", days, mins, n, buf);
    }
}

/* pfs_events_load - restore checked state into the modules that exist */

void    pfs_events_load(PFS_EVENTS *e, const json_t *o)
{
    const json_t *v;

    if ((v = json_object_get(o, "delays")) != 0)
	pfs_delays_load(e->delays, v);
    if ((v = json_object_get(o, "accounts")) != 0 && e->accounts)
	pfs_accounts_load(e->accounts, v);
    if ((v = json_object_get(o, "baseline")) != 0)
	pfs_baseline_load(e->baseline, v);
    if ((v = json_object_get(o, "filter")) != 0)
	pfs_filterhealth_load(e->fh, v);
    if ((v = json_object_get(o, "queue_alerts")) != 0)
	pfs_queuealert_load(e->qalert, v);
    if ((v = json_object_get(o, "notify")) != 0)
	pfs_notify_load(e->notify, v);
    drop_future(e);
}

/* pfs_events_save_ctx - pfs_events_save() for a saved-state hook */

json_t *pfs_events_save_ctx(const void *ctx)
{
    return (pfs_events_save((const PFS_EVENTS *) ctx));
}

/* pfs_events_load_ctx - pfs_events_load() for a saved-state hook */

void    pfs_events_load_ctx(void *ctx, const json_t *o)
{
    pfs_events_load((PFS_EVENTS *) ctx, o);
}
