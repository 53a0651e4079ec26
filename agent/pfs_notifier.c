/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_notifier 3
 * SUMMARY
 *	hand queued notifications to snmpd, and keep them until it took them
 * SYNOPSIS
 *	#include "pfs_notifier.h"
 *
 *	PFS_NOTIFIER *pfs_notifier_create(queue)
 *
 *	void	pfs_notifier_flush(notifier)
 *
 *	uint64_t pfs_notifier_sent(notifier)
 *
 *	int	pfs_notifier_connected(notifier)
 *
 *	void	pfs_notifier_free(notifier)
 * DESCRIPTION
 *	The alert modules put every notification they raise on a queue
 *	(pfs_notify(3)), whether snmpd is there or not. This module empties
 *	it: each note becomes an SNMPv2 notification of POSTFIX-STATS-MIB
 *	(snmpTrapOID.0, then the note's values as pfsNotifyObjects), and a
 *	note leaves the queue only when snmpd has taken it.
 *
 *	In the daemon (an AgentX subagent) a notification is an AgentX
 *	Notify-PDU on the session to snmpd, and snmpd answers it with a
 *	Response-PDU once it has passed the notification on to its
 *	trap2sink, trapsess and informsink targets (RFC 2741, 7.1.10). The
 *	notifier sends on that session only while the library says it is
 *	open: the library calls back when it has opened the session to
 *	snmpd (at start or on reconnection) and when it has lost it. Up to
 *	NOTIFIER_WINDOW notifications are in flight at once. An answer
 *	without error removes the note (pfs_notify_done()) and counts it as
 *	sent; a note whose answer does not come (snmpd went away, the
 *	request timed out) goes back to the queue and is sent again, after
 *	NOTIFIER_RETRY_CS, or when the session opens again. A note that
 *	snmpd refuses with an AgentX error other than notOpen would be
 *	refused again: it is logged and dropped.
 *
 *	In a master agent (the handler tests) the notification goes to the
 *	library's trap sinks with send_v2trap() and counts as taken at once.
 *
 *	Every notification taken is logged at info level, with what it is
 *	about and the day (and hour) it is about.
 *
 *	pfs_notifier_flush() sends what can be sent; the queue's hook calls
 *	it for every new note, and the daemon calls it from a timer.
 * DIAGNOSTICS
 *	A notification that cannot be built is fatal (out of memory).
 *	Failures to send are logged once per run of failures.
 * SECURITY
 *	Account names come from the log: logged with %.100s, sent as the
 *	octets they are.
 *--*/

#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "pfs_baseline.h"
#include "pfs_filterhealth.h"
#include "pfs_log.h"
#include "pfs_mib.h"
#include "pfs_notifier.h"
#include "pfs_queue.h"
#include "pfs_util.h"

/* AgentX Notify-PDU type and the notOpen error (RFC 2741); no installed header. */
#define PFS_AGENTX_MSG_NOTIFY	12
#define PFS_AGENTX_ERR_NOT_OPEN	257

#define NOTIFIER_WINDOW		16	/* notifications in flight at once */
#define NOTIFIER_RETRY_CS	500	/* after a failure, wait 5 s */

/* snmpTrapOID.0; libnetsnmpagent has one but no header declares it. */
static const oid trap_oid_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid notifications_oid[] = {PFS_OID_NOTIFICATIONS};
static const oid notify_objects_oid[] = {PFS_OID_NOTIFY_OBJECTS};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Each notification: its name and objects, in the MIB's OBJECTS order. */
static const struct kind_def {
    const char *name;
    enum pfs_note_field fields[9];
}       kinds[PFS_NOTE_KINDS] = {
    [PFS_NOTE_ACCOUNT] = {"postfixAccountLimitExceeded", {PFS_NF_ACCOUNT, PFS_NF_COUNT,
    PFS_NF_LIMIT, PFS_NF_DAY, PFS_NF_UNIT}},
    [PFS_NOTE_ANOMALY] = {"postfixTrafficAnomaly", {PFS_NF_INDICATOR, PFS_NF_VALUE,
	    PFS_NF_MEAN, PFS_NF_DEVIATION, PFS_NF_DAY, PFS_NF_HOUR,
    PFS_NF_BASELINE, PFS_NF_PHASE}},
    [PFS_NOTE_FILTER] = {"postfixFilterHealth", {PFS_NF_FILTER_KIND,
	    PFS_NF_FILTER_STATE, PFS_NF_SHARE, PFS_NF_SCANNED, PFS_NF_DAY,
    PFS_NF_HOUR}},
    [PFS_NOTE_QUEUE] = {"postfixQueueThreshold", {PFS_NF_QUEUE, PFS_NF_MEASURE,
	    PFS_NF_PHASE, PFS_NF_VALUE, PFS_NF_LIMIT, PFS_NF_DAY, PFS_NF_HOUR}},
};

/* One notification in flight. */
struct flight {
    int     reqid;
    uint64_t token;
    struct pfs_note note;
};

struct PFS_NOTIFIER {
    PFS_NOTIFY *q;
    int     subagent;
    netsnmp_session *sess;		/* open session to snmpd, or NULL */
    struct flight fl[NOTIFIER_WINDOW];
    size_t  nfl;
    uint64_t sent;
    long long hold_until_cs;		/* no send before (after a failure) */
    int     failing;			/* a failure was logged */
    int     waiting;			/* "waiting for snmpd" was logged */
};

/* The one notifier alive: late library callbacks check it. */
static PFS_NOTIFIER *live;

/* mono_cs - monotonic clock in centiseconds */

static long long mono_cs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 100 + ts.tv_nsec / 10000000);
}

/* pfs_notifier_name - a notification's MIB name */

const char *pfs_notifier_name(enum pfs_note_kind k)
{
    return (k > 0 && k < PFS_NOTE_KINDS ? kinds[k].name : "?");
}

/* v - a number of a note */

#define V(n, f)	((long long) (n)->v[(f)])

/* describe - what a note is about, for the log */

static void describe(const struct pfs_note *n, char *buf, size_t len)
{
    char    hour[32];
    static const char *const measure[] = {"", "messages", "oldest age (s)"};
    static const char *const base[] = {"", "all days", "weekdays", "weekend days"};
    int     ind, b, m, q;

    hour[0] = 0;
    if (pfs_note_has(n, PFS_NF_HOUR) && V(n, PFS_NF_HOUR) >= 0)
	snprintf(hour, sizeof(hour), " hour %02lld", V(n, PFS_NF_HOUR));
    switch (n->kind) {
    case PFS_NOTE_ACCOUNT:
	snprintf(buf, len, "account %.100s over its daily limit on %s: %lld %s "
		 "relayed outside, limit %lld", n->account, n->day, V(n, PFS_NF_COUNT),
		 V(n, PFS_NF_UNIT) == 2 ? "messages" : "recipients", V(n, PFS_NF_LIMIT));
	break;
    case PFS_NOTE_ANOMALY:
	ind = (int) V(n, PFS_NF_INDICATOR) - 1;
	b = (int) V(n, PFS_NF_BASELINE);
	snprintf(buf, len, "traffic anomaly%s: %s on %s%s: %lld against a mean of "
		 "%lld.%02lld over %s (%s%lld.%02lld deviations)",
		 V(n, PFS_NF_PHASE) == 2 ? " over" : "",
		 ind >= 0 && ind < PFS_BL_COUNT ? pfs_bl_name[ind] : "?", n->day, hour,
		 V(n, PFS_NF_VALUE), V(n, PFS_NF_MEAN) / 100, V(n, PFS_NF_MEAN) % 100,
		 b >= 1 && b <= 3 ? base[b] : "?", V(n, PFS_NF_DEVIATION) < 0 ? "-" : "",
		 llabs(V(n, PFS_NF_DEVIATION)) / 100, llabs(V(n, PFS_NF_DEVIATION)) % 100);
	break;
    case PFS_NOTE_FILTER:
	snprintf(buf, len, "filter health on %s%s: %s share %lld per mille of %lld "
		 "scanned: %s", n->day, hour,
		 V(n, PFS_NF_FILTER_KIND) == 2 ? "virus" : "spam", V(n, PFS_NF_SHARE),
		 V(n, PFS_NF_SCANNED), V(n, PFS_NF_FILTER_STATE) == 2 ? "low" :
		 V(n, PFS_NF_FILTER_STATE) == 3 ? "high" : "ok");
	break;
    case PFS_NOTE_QUEUE:
	q = (int) V(n, PFS_NF_QUEUE) - 1;
	m = (int) V(n, PFS_NF_MEASURE);
	snprintf(buf, len, "queue %s on %s%s: %s %lld, %s threshold %lld",
		 q >= 0 && q < PFS_Q_COUNT ? pfs_queue_name[q] : "?", n->day, hour,
		 m >= 1 && m <= 2 ? measure[m] : "?", V(n, PFS_NF_VALUE),
		 V(n, PFS_NF_PHASE) == 2 ? "back within its" : "over its",
		 V(n, PFS_NF_LIMIT));
	break;
    default:
	snprintf(buf, len, "?");
	break;
    }
}

/* add_var - one varbind */

static void add_var(netsnmp_variable_list **vars, const oid *name, size_t len,
		            u_char type, const void *val, size_t vlen)
{
    if (snmp_varlist_add_variable(vars, name, len, type, val, vlen) == 0)
	fatalx("out of memory building a notification");
}

/* build_vars - snmpTrapOID.0, then the objects of the note's kind */

static netsnmp_variable_list *build_vars(const struct pfs_note *n)
{
    netsnmp_variable_list *vars = 0;
    oid     name[MAX_OID_LEN];
    size_t  plen = NELEM(notify_objects_oid);
    size_t  i;
    enum pfs_note_field f;
    u_long  ul;
    long    l;

    memcpy(name, notifications_oid, sizeof(notifications_oid));
    name[NELEM(notifications_oid)] = (oid) n->kind;
    add_var(&vars, trap_oid_oid, NELEM(trap_oid_oid), ASN_OBJECT_ID, name,
	    (NELEM(notifications_oid) + 1) * sizeof(oid));
    memcpy(name, notify_objects_oid, sizeof(notify_objects_oid));
    for (i = 0; i < NELEM(kinds[0].fields) && (f = kinds[n->kind].fields[i]) != 0; i++) {
	if (!pfs_note_has(n, f))
	    continue;
	name[plen] = (oid) f;
	name[plen + 1] = 0;
	switch (f) {
	case PFS_NF_ACCOUNT:
	    add_var(&vars, name, plen + 2, ASN_OCTET_STR, n->account, strlen(n->account));
	    break;
	case PFS_NF_DAY:
	    add_var(&vars, name, plen + 2, ASN_OCTET_STR, n->day, strlen(n->day));
	    break;
	case PFS_NF_COUNT:
	case PFS_NF_LIMIT:
	case PFS_NF_VALUE:
	case PFS_NF_SHARE:
	case PFS_NF_SCANNED:
	    ul = n->v[f] < 0 ? 0 : n->v[f] > 0xffffffffLL ? 0xffffffffUL : (u_long) n->v[f];
	    add_var(&vars, name, plen + 2, ASN_UNSIGNED, &ul, sizeof(ul));
	    break;
	default:
	    l = (long) n->v[f];
	    add_var(&vars, name, plen + 2, ASN_INTEGER, &l, sizeof(l));
	    break;
	}
    }
    return (vars);
}

/* taken - snmpd took a note: count, log, remove */

static void taken(PFS_NOTIFIER *nf, const struct pfs_note *n, uint64_t token)
{
    char    text[512];

    describe(n, text, sizeof(text));
    log_info("notification %s sent: %s", pfs_notifier_name(n->kind), text);
    nf->sent++;
    pfs_notify_done(nf->q, token);
}

/* failed - a note did not arrive: keep it, wait a while */

static void failed(PFS_NOTIFIER *nf, uint64_t token, const char *why)
{
    pfs_notify_retry(nf->q, token);
    nf->hold_until_cs = mono_cs() + NOTIFIER_RETRY_CS;
    if (!nf->failing)
	log_warnx("notification not taken by snmpd (%s): kept, to be sent again", why);
    nf->failing = 1;
}

/* flight_take - the flight of a request id, removed; -1 if unknown */

static int flight_take(PFS_NOTIFIER *nf, int reqid, struct flight *out)
{
    size_t  i;

    for (i = 0; i < nf->nfl; i++) {
	if (nf->fl[i].reqid == reqid) {
	    *out = nf->fl[i];
	    nf->fl[i] = nf->fl[--nf->nfl];
	    return (0);
	}
    }
    return (-1);
}

/* on_response - snmpd's answer to a Notify-PDU, or its absence */

static int on_response(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu,
		               void *magic)
{
    PFS_NOTIFIER *nf = magic;
    struct flight f;
    char    why[300];

    (void) sess;
    if (nf == 0 || nf != live || flight_take(nf, reqid, &f) < 0)
	return (1);
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != 0 && pdu->errstat == 0) {
	if (nf->failing)
	    log_info("snmpd takes notifications again");
	nf->failing = 0;
	taken(nf, &f.note, f.token);
	pfs_notifier_flush(nf);
    } else if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != 0
	       && pdu->errstat != PFS_AGENTX_ERR_NOT_OPEN) {
	describe(&f.note, why, sizeof(why));
	log_warnx("snmpd refused notification %s (AgentX error %ld), dropped: %s",
		  pfs_notifier_name(f.note.kind), pdu->errstat, why);
	pfs_notify_done(nf->q, f.token);
    } else {
	snprintf(why, sizeof(why), "%s", op == NETSNMP_CALLBACK_OP_TIMED_OUT ?
		 "no answer" : pdu != 0 ? "session not open" : "send failed");
	failed(nf, f.token, why);
    }
    return (1);
}

/* send_local - a master agent: to its own sinks, taken at once */

static void send_local(PFS_NOTIFIER *nf)
{
    const struct pfs_note *n;
    netsnmp_variable_list *vars;
    uint64_t token;

    while ((n = pfs_notify_next(nf->q, &token)) != 0) {
	vars = build_vars(n);
	send_v2trap(vars);
	snmp_free_varbind(vars);
	taken(nf, n, token);
    }
}

/* pfs_notifier_flush - send what can be sent */

void    pfs_notifier_flush(PFS_NOTIFIER *nf)
{
    const struct pfs_note *n;
    netsnmp_pdu *pdu;
    uint64_t token;
    struct flight *f;
    struct flight gone;
    size_t  i;
    int     reqid, first;

    if (!nf->subagent) {
	send_local(nf);
	return;
    }
    if (nf->sess == 0 || mono_cs() < nf->hold_until_cs)
	return;
    while (nf->sess != 0 && nf->nfl < NOTIFIER_WINDOW
	   && (n = pfs_notify_next(nf->q, &token)) != 0) {
	if ((pdu = snmp_pdu_create(PFS_AGENTX_MSG_NOTIFY)) == 0)
	    fatalx("out of memory building a notification");
	pdu->sessid = nf->sess->sessid;
	pdu->variables = build_vars(n);
	/* In flight before the send: a failing send calls back at once. */
	f = nf->fl + nf->nfl++;
	f->reqid = first = (int) pdu->reqid;
	f->token = token;
	f->note = *n;
	if ((reqid = snmp_async_send(nf->sess, pdu, on_response, nf)) == 0) {
	    if (flight_take(nf, first, &gone) == 0)
		failed(nf, gone.token, "send failed");
	    snmp_free_pdu(pdu);
	    return;
	}
	/* The library's request id is the one the answer carries. */
	for (i = 0; i < nf->nfl; i++)
	    if (nf->fl[i].token == token)
		nf->fl[i].reqid = reqid;
    }
}

/* on_open - the library opened the session to snmpd */

static int on_open(int major, int minor, void *serverarg, void *clientarg)
{
    PFS_NOTIFIER *nf = clientarg;

    (void) major;
    (void) minor;
    if (nf != live)
	return (0);
    nf->sess = serverarg;
    nf->hold_until_cs = 0;
    nf->waiting = 0;
    if (pfs_notify_queued(nf->q) > 0)
	log_info("snmpd connected: sending %zu queued notification(s)",
		 pfs_notify_queued(nf->q));
    pfs_notifier_flush(nf);
    return (0);
}

/* on_close - the library lost the session: nothing is in flight any more */

static int on_close(int major, int minor, void *serverarg, void *clientarg)
{
    PFS_NOTIFIER *nf = clientarg;

    (void) major;
    (void) minor;
    (void) serverarg;
    if (nf != live)
	return (0);
    nf->sess = 0;
    nf->nfl = 0;
    pfs_notify_retry_all(nf->q);
    return (0);
}

/* on_added - the queue got a note: send it, or say that it waits */

static void on_added(void *ctx)
{
    PFS_NOTIFIER *nf = ctx;

    pfs_notifier_flush(nf);
    if (nf->subagent && nf->sess == 0 && !nf->waiting) {
	log_info("snmpd is not connected: notifications wait in a queue until it is");
	nf->waiting = 1;
    }
}

/* pfs_notifier_create - watch the session, empty the queue */

PFS_NOTIFIER *pfs_notifier_create(PFS_NOTIFY *q)
{
    PFS_NOTIFIER *nf = pfs_calloc(1, sizeof(*nf));

    nf->q = q;
    nf->subagent = netsnmp_ds_get_boolean(NETSNMP_DS_APPLICATION_ID,
					  NETSNMP_DS_AGENT_ROLE);
    live = nf;
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
			   on_open, nf);
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
			   on_close, nf);
    pfs_notify_set_hook(q, on_added, nf);
    return (nf);
}

/* pfs_notifier_sent - notifications snmpd took */

uint64_t pfs_notifier_sent(const PFS_NOTIFIER *nf)
{
    return (nf->sent);
}

/* pfs_notifier_connected - is snmpd there to take them */

int     pfs_notifier_connected(const PFS_NOTIFIER *nf)
{
    return (!nf->subagent || nf->sess != 0);
}

/* pfs_notifier_free - unhook; what is queued stays queued */

void    pfs_notifier_free(PFS_NOTIFIER *nf)
{
    if (nf == 0)
	return;
    pfs_notify_set_hook(nf->q, 0, 0);
    pfs_notify_retry_all(nf->q);
    snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
			     on_open, nf, 1);
    snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
			     on_close, nf, 1);
    if (live == nf)
	live = 0;
    free(nf);
}
