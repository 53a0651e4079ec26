/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_alertmib 1
 * SUMMARY
 *	handler-level tests of the alert objects and notifications
 * SYNOPSIS
 *	tests/unit/agent/check_alertmib
 * DESCRIPTION
 *	As check_agentx(1): no snmpd, the process is a Net-SNMP master agent
 *	without transports and requests travel through the library's
 *	callback transport, so they pass the same handler chain as requests
 *	from snmpd. Only pfs_alertmib(3) is registered, over a pfs_events(3)
 *	fed with verbatim Postfix lines (RFC 3339 time stamps, so the days
 *	do not depend on the wall clock) and a pfs_queue(3) fed with
 *	captured postqueue -j output (no child process).
 *
 *	Notifications are caught where the agent library hands them to its
 *	transports (SNMPD_CALLBACK_SEND_TRAP2), with every varbind.
 *
 *	The OIDs and values expected here are written out, not taken from
 *	pfs_alertmib.c.
 *--*/

#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "snmp_request.h"
#include "pfs_alertmib.h"
#include "pfs_config.h"
#include "pfs_events.h"
#include "pfs_parser.h"
#include "pfs_queue.h"

#define ROOT	".1.3.6.1.4.1.8072.9999.9999.25"
#define NOW	1795313148			/* 2026-11-22, the queue's clock */

static struct pfs_config cfg;
static PFS_STATS *stats;
static PFS_PARSER *parser;
static PFS_EVENTS *events;
static PFS_QUEUE *queue;
static PFS_ALERTMIB *am;
static netsnmp_session *sess;

/* Notifications caught: trap OID and the varbinds as text. */
static char traps[16][1024];
static int ntraps;

/* fake_now - the queue's clock */

static time_t fake_now(void)
{
    return (NOW);
}

/* line - one log line into the parser */

static void line(const char *s)
{
    pfs_parser_line(parser, s, strlen(s), 0);
}

/* msg - a message by an account, n recipients relayed outside, on a day */

static void msg(const char *day, const char *hms, const char *qid, const char *sasl,
		        int n, const char *delay)
{
    char    buf[1024];
    int     i;

    snprintf(buf, sizeof(buf), "%sT%s+00:00 mx1 postfix/smtpd[2101]: %s: "
	     "client=unknown[203.0.113.9], sasl_method=PLAIN, sasl_username=%s",
	     day, hms, qid, sasl);
    line(buf);
    snprintf(buf, sizeof(buf), "%sT%s+00:00 mx1 postfix/qmgr[1101]: %s: "
	     "from=<s@example.org>, size=2188, nrcpt=%d (queue active)", day, hms, qid, n);
    line(buf);
    for (i = 0; i < n; i++) {
	snprintf(buf, sizeof(buf), "%sT%s+00:00 mx1 postfix/smtp[2103]: %s: "
		 "to=<u%d@example.net>, relay=mx.example.net[198.51.100.7]:25, "
		 "delay=%s, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
		 day, hms, qid, i, delay);
	line(buf);
    }
    snprintf(buf, sizeof(buf), "%sT%s+00:00 mx1 postfix/qmgr[1101]: %s: removed",
	     day, hms, qid);
    line(buf);
}

/* request - one synchronous request of one OID (snmp_request.c) */

static netsnmp_pdu *request(int command, const char *oidtext)
{
    return (snmp_request_one(sess, command, oidtext, ASN_INTEGER));
}

/* get - GET an integer-valued object of the given type */

static long long get(const char *oidtext, u_char want_type)
{
    netsnmp_pdu *resp = request(SNMP_MSG_GET, oidtext);
    netsnmp_variable_list *vb = resp->variables;
    long long v;

    ck_assert_int_eq(resp->errstat, SNMP_ERR_NOERROR);
    ck_assert_msg(vb->type == want_type, "%s: type 0x%x, want 0x%x", oidtext,
		  vb->type, want_type);
    if (vb->type == ASN_COUNTER64)
	v = (long long) (((unsigned long long) vb->val.counter64->high << 32)
			 | vb->val.counter64->low);
    else if (vb->type == ASN_INTEGER)
	v = *vb->val.integer;
    else
	v = (long long) (unsigned long) *vb->val.integer;
    snmp_free_pdu(resp);
    return (v);
}

/* get_str - GET a string into buf */

static const char *get_str(const char *oidtext, char *buf, size_t len)
{
    netsnmp_pdu *resp = request(SNMP_MSG_GET, oidtext);
    netsnmp_variable_list *vb = resp->variables;

    ck_assert_msg(vb->type == ASN_OCTET_STR, "%s: type 0x%x", oidtext, vb->type);
    ck_assert_uint_lt(vb->val_len, len);
    memcpy(buf, vb->val.string, vb->val_len);
    buf[vb->val_len] = 0;
    snmp_free_pdu(resp);
    return (buf);
}

/* absent - the GET answer type (noSuchInstance, noSuchObject) */

static int absent(const char *oidtext)
{
    netsnmp_pdu *resp = request(SNMP_MSG_GET, oidtext);
    int     type = resp->variables->type;

    snmp_free_pdu(resp);
    return (type);
}

/* walk - GETNEXT from OID while under it; the OIDs as text, one a line */

static size_t walk(const char *start, char *out, size_t outlen)
{
    oid     base[MAX_OID_LEN];
    size_t  blen = MAX_OID_LEN;
    oid     name[MAX_OID_LEN];
    size_t  len;
    netsnmp_pdu *pdu;
    netsnmp_pdu *resp;
    netsnmp_variable_list *vb;
    size_t  n = 0;
    size_t  used = 0;

    ck_assert(read_objid(start, base, &blen));
    memcpy(name, base, blen * sizeof(oid));
    len = blen;
    out[0] = 0;
    for (;;) {
	pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	snmp_add_null_var(pdu, name, len);
	ck_assert_int_eq(snmp_request_exchange(sess, pdu, &resp), STAT_SUCCESS);
	vb = resp->variables;
	if (vb->type == SNMP_ENDOFMIBVIEW
	    || snmp_oidtree_compare(base, blen, vb->name, vb->name_length) != 0) {
	    snmp_free_pdu(resp);
	    break;
	}
	ck_assert_msg(snmp_oid_compare(vb->name, vb->name_length, name, len) > 0,
		      "GETNEXT went backwards");
	memcpy(name, vb->name, vb->name_length * sizeof(oid));
	len = vb->name_length;
	used += (size_t) snprint_objid(out + used, outlen - used, name, len);
	ck_assert_uint_lt(used + 2, outlen);
	out[used++] = '\n';
	out[used] = 0;
	n++;
	snmp_free_pdu(resp);
    }
    return (n);
}

/* on_trap - what the library would send: snmpTrapOID.0 and the objects */

static int on_trap(int major, int minor, void *serverarg, void *clientarg)
{
    netsnmp_pdu *pdu = serverarg;
    netsnmp_variable_list *vb;
    size_t  used = 0;
    char   *t;

    (void) major;
    (void) minor;
    (void) clientarg;
    if (ntraps >= 16)
	return (0);
    t = traps[ntraps++];
    t[0] = 0;
    for (vb = pdu->variables; vb != 0; vb = vb->next_variable) {
	if (vb->name_length == 9 && vb->name[7] == 3)	/* sysUpTime.0 */
	    continue;
	used += (size_t) snprint_variable(t + used, 1024 - used, vb->name,
					  vb->name_length, vb);
	if (used + 2 < 1024)
	    t[used++] = '|';
	t[used] = 0;
    }
    return (0);
}

/* The scalars and the delay table. */

START_TEST(delay_values)
{
    char    buf[64];

    /* smtp: 25 recipients at 31 s, then 2 + 4 + 1 at 0.52 s. */
    ck_assert_str_eq(get_str(ROOT ".1.10.1.2.4.115.109.116.112", buf, sizeof(buf)), "smtp");
    ck_assert_int_eq(get(ROOT ".1.10.1.3.4.115.109.116.112", ASN_COUNTER64), 32);
    ck_assert_int_eq(get(ROOT ".1.10.1.4.4.115.109.116.112", ASN_COUNTER64),
		     7 * 520 + 25 * 31000);
    ck_assert_int_eq(get(ROOT ".1.10.1.7.4.115.109.116.112", ASN_COUNTER64), 32 * 200);
    ck_assert_int_eq(get(ROOT ".1.10.1.9.4.115.109.116.112", ASN_COUNTER), 7);
    ck_assert_int_eq(get(ROOT ".1.10.1.12.4.115.109.116.112", ASN_COUNTER), 25);
    ck_assert_int_eq(get(ROOT ".1.10.1.14.4.115.109.116.112", ASN_COUNTER), 0);
    ck_assert_int_eq(absent(ROOT ".1.10.1.3.4.108.109.116.112"), SNMP_NOSUCHINSTANCE);
    /* No content filter in this log: nothing before one. */
    ck_assert_int_eq(get(ROOT ".1.10.1.16.4.115.109.116.112", ASN_COUNTER64), 0);
    ck_assert_int_eq(absent(ROOT ".1.10.1.17.4.115.109.116.112"), SNMP_NOSUCHOBJECT);
}
END_TEST

/* pfsDelayMax: taken once per snapshot, not once per request. */

START_TEST(delay_max_once_per_poll)
{
    pfs_alertmib_set_cache(am, 100000);	/* a poll that lasts */
    ck_assert_int_eq(get(ROOT ".1.10.1.15.4.115.109.116.112", ASN_GAUGE), 31000);
    ck_assert_int_eq(get(ROOT ".1.10.1.15.4.115.109.116.112", ASN_GAUGE), 31000);
    pfs_alertmib_set_cache(am, 0);		/* every request a new poll */
    ck_assert_int_eq(get(ROOT ".1.10.1.15.4.115.109.116.112", ASN_GAUGE), 0);
    msg("2026-10-06", "12:00:00", "4B00000009", "dave@example.org", 1, "4.8");
    ck_assert_int_eq(get(ROOT ".1.10.1.15.4.115.109.116.112", ASN_GAUGE), 4800);
    ck_assert_int_eq(get(ROOT ".1.10.1.15.4.115.109.116.112", ASN_GAUGE), 0);
}
END_TEST

/* Accounts: rows in index order (length first), today's numbers. */

START_TEST(account_rows)
{
    char    out[8192];
    char    buf[64];

    pfs_alertmib_set_cache(am, 0);
    ck_assert_uint_eq(walk(ROOT ".1.12.1.2", out, sizeof(out)), 3);
    /* Length first: bob (15 octets), dave (16), alice (17). */
    ck_assert_str_eq(out,
		     ".1.3.6.1.4.1.8072.9999.9999.25.1.12.1.2.15.98.111.98.64.101.120.97.109.112.108.101.46.111.114.103\n"
		     ".1.3.6.1.4.1.8072.9999.9999.25.1.12.1.2.16.100.97.118.101.64.101.120.97.109.112.108.101.46.111.114.103\n"
		     ".1.3.6.1.4.1.8072.9999.9999.25.1.12.1.2.17.97.108.105.99.101.64.101.120.97.109.112.108.101.46.111.114.103\n");
    ck_assert_str_eq(get_str(ROOT ".1.12.1.2.15.98.111.98.64.101.120.97.109.112.108.101.46.111.114.103",
			     buf, sizeof(buf)), "bob@example.org");
    /* bob today (2026-10-06): 2 recipients; limit 20; not exceeded today. */
    ck_assert_int_eq(get(ROOT ".1.12.1.5.15.98.111.98.64.101.120.97.109.112.108.101.46.111.114.103",
			 ASN_GAUGE), 2);
    ck_assert_int_eq(get(ROOT ".1.12.1.6.15.98.111.98.64.101.120.97.109.112.108.101.46.111.114.103",
			 ASN_UNSIGNED), 20);
    ck_assert_int_eq(get(ROOT ".1.12.1.8.15.98.111.98.64.101.120.97.109.112.108.101.46.111.114.103",
			 ASN_INTEGER), 2);
    /* alice went over her own limit of 3 today. */
    ck_assert_int_eq(get(ROOT ".1.12.1.5.17.97.108.105.99.101.64.101.120.97.109.112.108.101.46.111.114.103",
			 ASN_GAUGE), 4);
    ck_assert_int_eq(get(ROOT ".1.12.1.6.17.97.108.105.99.101.64.101.120.97.109.112.108.101.46.111.114.103",
			 ASN_UNSIGNED), 3);
    ck_assert_int_eq(get(ROOT ".1.12.1.8.17.97.108.105.99.101.64.101.120.97.109.112.108.101.46.111.114.103",
			 ASN_INTEGER), 1);
    /* The sender of bob's newest message, as qmgr logged it. */
    ck_assert_str_eq(get_str(ROOT ".1.12.1.9.15.98.111.98.64.101.120.97.109.112.108.101.46.111.114.103",
			     buf, sizeof(buf)), "s@example.org");
    ck_assert_int_eq(get(ROOT ".1.11.5.0", ASN_GAUGE), 3);
    ck_assert_int_eq(get(ROOT ".1.11.2.0", ASN_INTEGER), 1);
    ck_assert_int_eq(get(ROOT ".1.11.4.0", ASN_UNSIGNED), 20);
}
END_TEST

/* Notifications: bob on 2026-10-01, alice on 2026-10-06, once each. */

START_TEST(notifications)
{
    ck_assert_int_eq(ntraps, 2);
    ck_assert_str_eq(traps[0],
		     ".1.3.6.1.6.3.1.1.4.1.0 = OID: " ROOT ".0.1|"
		     ROOT ".1.15.1.0 = STRING: \"bob@example.org\"|"
		     ROOT ".1.15.2.0 = Gauge32: 21|"
		     ROOT ".1.15.3.0 = Gauge32: 20|"
		     ROOT ".1.15.8.0 = STRING: \"2026-10-01\"|"
		     ROOT ".1.15.18.0 = INTEGER: 1|");
    ck_assert_str_eq(traps[1],
		     ".1.3.6.1.6.3.1.1.4.1.0 = OID: " ROOT ".0.1|"
		     ROOT ".1.15.1.0 = STRING: \"alice@example.org\"|"
		     ROOT ".1.15.2.0 = Gauge32: 4|"
		     ROOT ".1.15.3.0 = Gauge32: 3|"
		     ROOT ".1.15.8.0 = STRING: \"2026-10-06\"|"
		     ROOT ".1.15.18.0 = INTEGER: 1|");
    ck_assert_int_eq(get(ROOT ".1.11.11.0", ASN_COUNTER), 2);
    ck_assert_int_eq(get(ROOT ".1.11.12.0", ASN_COUNTER), 0);	/* pfsFutureLines */
    /* A master agent: taken at once, nothing waits, nothing dropped. */
    ck_assert_int_eq(get(ROOT ".1.11.13.0", ASN_GAUGE), 0);
    ck_assert_int_eq(get(ROOT ".1.11.14.0", ASN_COUNTER), 0);
}
END_TEST

/* Baselines: computable values only; GETNEXT skips the others. */

START_TEST(baseline_absent)
{
    char    out[16384];
    char    buf[64];

    pfs_alertmib_set_cache(am, 0);
    ck_assert_str_eq(get_str(ROOT ".1.13.1.2.3", buf, sizeof(buf)), "relayed");
    /* Days 10-01 (first, incomplete) .. 10-06 (today): 10-02..10-05 complete. */
    ck_assert_int_eq(get(ROOT ".1.13.1.5.3", ASN_GAUGE), 4);
    /* relayed: 0, 0, 0, 0 on the complete days; today 2 + 4 + 1 + 1. */
    ck_assert_int_eq(get(ROOT ".1.13.1.3.3", ASN_GAUGE), 8);
    ck_assert_int_eq(get(ROOT ".1.13.1.4.3", ASN_GAUGE), 0);
    ck_assert_int_eq(get(ROOT ".1.13.1.6.3", ASN_INTEGER), 0);
    /* Fewer than baseline_min_days (7) before yesterday: no deviation. */
    ck_assert_int_eq(absent(ROOT ".1.13.1.10.3"), SNMP_NOSUCHINSTANCE);
    /* Column 10 is absent in every row: a walk of it finds nothing. */
    ck_assert_uint_eq(walk(ROOT ".1.13.1.10", out, sizeof(out)), 0);
    /*
     * Weekend days among them: 10-03 and 10-04, so a weekend mean and
     * SD (columns 11, 12). Yesterday (10-05, a Monday) against the
     * weekdays before it: 10-02 only, fewer than 2, so no column 13.
     */
    ck_assert_int_eq(get(ROOT ".1.13.1.11.3", ASN_INTEGER), 0);
    ck_assert_int_eq(absent(ROOT ".1.13.1.13.3"), SNMP_NOSUCHINSTANCE);
    /* Columns 2..9, 11 and 12 in all six rows. */
    ck_assert_uint_eq(walk(ROOT ".1.13", out, sizeof(out)), 6 * 10);
}
END_TEST

/* Queues: numbers only for a good read. */

START_TEST(queue_rows)
{
    static const char ok_json[] =
	"{\"queue_name\": \"deferred\", \"queue_id\": \"4B1C2D3E4F\", \"arrival_time\": 1795305948, "
	"\"message_size\": 2188, \"forced_expire\": false, \"sender\": \"a@example.org\", "
	"\"recipients\": [{\"address\": \"b@example.net\", \"delay_reason\": \"refused\"}]}\n";
    char    out[16384];
    char    buf[256];

    pfs_alertmib_set_cache(am, 0);
    ck_assert_int_eq(get(ROOT ".1.14.1.3.3", ASN_INTEGER), 1);	/* unknown */
    ck_assert_int_eq(absent(ROOT ".1.14.1.5.3"), SNMP_NOSUCHINSTANCE);
    pfs_queue_feed(queue, NOW, ok_json, sizeof(ok_json) - 1, 1, 0);
    ck_assert_int_eq(get(ROOT ".1.14.1.3.3", ASN_INTEGER), 2);	/* ok */
    ck_assert_int_eq(get(ROOT ".1.14.1.5.3", ASN_GAUGE), 1);
    ck_assert_int_eq(get(ROOT ".1.14.1.6.3", ASN_GAUGE), 1);
    ck_assert_int_eq(get(ROOT ".1.14.1.7.3", ASN_GAUGE), 2188);
    ck_assert_int_eq(get(ROOT ".1.14.1.8.3", ASN_GAUGE), 7200);
    ck_assert_int_eq(get(ROOT ".1.14.1.9.3", ASN_GAUGE), 1);
    ck_assert_int_eq(get(ROOT ".1.14.1.10.3", ASN_GAUGE), 0);
    ck_assert_int_eq(get(ROOT ".1.14.1.5.4", ASN_GAUGE), 0);
    ck_assert_int_eq(get(ROOT ".1.14.1.3.6", ASN_INTEGER), 5);	/* corrupt: off */
    ck_assert_int_eq(absent(ROOT ".1.14.1.5.6"), SNMP_NOSUCHINSTANCE);
    /* 5 queues * 10 columns, corrupt * 3. */
    ck_assert_uint_eq(walk(ROOT ".1.14", out, sizeof(out)), 53);
    pfs_queue_feed(queue, NOW, "", 0, 1, 75);
    ck_assert_int_eq(get(ROOT ".1.14.1.3.3", ASN_INTEGER), 3);	/* error */
    ck_assert_ptr_nonnull(strstr(get_str(ROOT ".1.14.1.4.3", buf, sizeof(buf)), "75"));
    ck_assert_int_eq(absent(ROOT ".1.14.1.5.3"), SNMP_NOSUCHINSTANCE);
    ck_assert_uint_eq(walk(ROOT ".1.14", out, sizeof(out)), 18);
}
END_TEST

/* Everything read-only; a walk of the whole root goes strictly forward. */

START_TEST(set_refused_and_walk)
{
    netsnmp_pdu *resp = request(SNMP_MSG_SET, ROOT ".1.11.4.0");
    char   *out = malloc(1 << 20);

    ck_assert_int_eq(resp->errstat, SNMP_ERR_NOTWRITABLE);
    snmp_free_pdu(resp);
    pfs_alertmib_set_cache(am, 0);
    ck_assert_ptr_nonnull(out);
    /* 1 transport * 15, 14 scalars, 3 accounts * 8, baseline 60, queue 18. */
    ck_assert_uint_eq(walk(ROOT, out, 1 << 20), 1 * 15 + 14 + 3 * 8 + 60 + 18);
    free(out);
}
END_TEST

/* log_cb - the library's messages to stderr, but for one expected warning */

static int log_cb(int major, int minor, void *serverarg, void *clientarg)
{
    const struct snmp_log_message *m = serverarg;

    (void) major;
    (void) minor;
    (void) clientarg;
    if (strncmp(m->msg, "Warning: no access control", 26) != 0)
	fputs(m->msg, stderr);
    return (0);
}

/* agent_init - master agent without transports; modules fed */

static void agent_init(void)
{
    struct pfs_queue_opts qo;
    struct pfs_events_opts eo;
    char    err[256];
    char    qid[32];
    int     d;

    setenv("MIBS", "", 1);
    setenv("TZ", "UTC", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, 0);
    snmp_enable_calllog();
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OID_OUTPUT_FORMAT,
		       NETSNMP_OID_OUTPUT_NUMERIC);
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_SEND_TRAP2, on_trap, 0);
    init_agent("check_alertmib");

    pfs_config_init(&cfg);
    cfg.account_limit = 20;
    pfs_strlist_add(&cfg.account_limits, "alice@example.org=3");
    stats = pfs_stats_create(0);
    if ((parser = pfs_parser_create(stats, 0, err, sizeof(err))) == 0) {
	fprintf(stderr, "parser: %s\n", err);
	exit(1);
    }
    pfs_config_events_opts(&cfg, &eo);
    events = pfs_events_create(&eo);
    pfs_parser_set_event(parser, pfs_events_fn, events);
    pfs_config_queue_opts(&cfg, &qo);
    queue = pfs_queue_create(&qo);
    am = pfs_alertmib_create(events, queue);
    pfs_alertmib_set_clock(am, fake_now);
    init_snmp("check_alertmib");

    /* 2026-10-01: bob over 20 (one notification); 10-02..10-05: quiet. */
    msg("2026-10-01", "09:00:00", "4B00000001", "bob@example.org", 25, "31");
    for (d = 2; d <= 5; d++) {
	char    day[32];

	/* d is 2..5: one digit (the buffers fit any int for the compiler). */
	snprintf(day, sizeof(day), "2026-10-0%d", d);
	snprintf(qid, sizeof(qid), "4B0000001%d", d);
	msg(day, "09:00:00", qid, "bob@example.org", 0, "0.52");
    }
    /* 2026-10-06 (today): bob 2, alice 4 over her 3, dave 1. */
    msg("2026-10-06", "09:00:00", "4B00000002", "bob@example.org", 2, "0.52");
    msg("2026-10-06", "10:00:00", "4B00000003", "alice@example.org", 4, "0.52");
    msg("2026-10-06", "11:00:00", "4B00000004", "dave@example.org", 1, "0.52");

    sess = snmp_request_session();
}

int     main(void)
{
    Suite  *s = suite_create("alertmib");
    TCase  *tc = tcase_create("handlers");
    SRunner *sr;
    int     failed;

    agent_init();
    /* In order: later tests build on what earlier ones read. */
    tcase_add_test(tc, notifications);
    tcase_add_test(tc, delay_values);
    tcase_add_test(tc, delay_max_once_per_poll);
    tcase_add_test(tc, account_rows);
    tcase_add_test(tc, baseline_absent);
    tcase_add_test(tc, queue_rows);
    tcase_add_test(tc, set_refused_and_walk);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    pfs_alertmib_free(am);
    snmp_shutdown("check_alertmib");
    pfs_queue_free(queue);
    pfs_events_free(events);
    pfs_parser_free(parser);
    pfs_stats_free(stats);
    pfs_config_free(&cfg);
    return (failed ? 1 : 0);
}
