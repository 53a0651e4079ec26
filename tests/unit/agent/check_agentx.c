/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_agentx 1
 * SUMMARY
 *	handler-level tests of the POSTFIX-STATS-MIB registrations
 * SYNOPSIS
 *	tests/unit/agent/check_agentx
 * DESCRIPTION
 *	No snmpd: the process is a Net-SNMP master agent without
 *	transports, the MIB is registered by pfs_agentx_create() as in the
 *	daemon, and requests travel through the library's internal
 *	callback transport, so they pass the same handler chains (scalar
 *	group, table and tdata helpers) as requests from snmpd would.
 *
 *	The store is filled from tests/data/postfix-e2e.log, a log captured
 *	from a real Postfix. A GETNEXT walk from the root must visit, in
 *	strictly increasing order, exactly the OIDs this file derives on its
 *	own (scalar counts and index encodings are written out here, not
 *	taken from pfs_mib.c), and the values checked are literal numbers
 *	from tests/data/postfix-e2e.expected.
 *--*/

#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "snmp_request.h"
#include "pfs_agentx.h"
#include "pfs_mib.h"
#include "pfs_parser.h"

#define ROOT	".1.3.6.1.4.1.8072.9999.9999.25"

static PFS_STATS *stats;
static PFS_PARSER *parser;
static PFS_AGENTX *ax;
static netsnmp_session *sess;

/* Two fake followed files. */
static const char *fake_paths[] = {"/var/log/mail.log", "/var/log/mail-relay.log"};
static time_t fake_last = 1795313148;		/* 2026-11-22 */

/* fake_count - pfs_agentx_files.count */

static size_t fake_count(void *ctx)
{
    (void) ctx;
    return (2);
}

/* fake_status - pfs_agentx_files.status */

static void fake_status(void *ctx, size_t i, struct pfs_follow_status *fs)
{
    (void) ctx;
    fs->path = fake_paths[i];
    fs->open = (i == 0);
    fs->offset = i == 0 ? 12345 : 0;
    fs->lines = i == 0 ? 166 : 0;
    fs->rotations = i == 0 ? 2 : 0;
}

/* fake_last_line - pfs_agentx_files.last_line */

static time_t fake_last_line(void *ctx)
{
    (void) ctx;
    return (fake_last);
}

/* parser_waiting - pfs_agentx_files.waiting */

static size_t parser_waiting(void *ctx)
{
    (void) ctx;
    return (pfs_parser_pending(parser));
}

/* feed - lines into the parser, then let the agent see new rows */

static void feed(const char *text)
{
    const char *cp = text;
    const char *nl;

    while (*cp) {
	nl = strchr(cp, '\n');
	if (nl == 0)
	    nl = cp + strlen(cp);
	pfs_parser_line(parser, cp, (size_t) (nl - cp), 0);
	cp = *nl ? nl + 1 : nl;
    }
    pfs_parser_flush(parser);		/* as --once at the end of its input */
}

/* feed_file - a whole log file */

static void feed_file(const char *path)
{
    FILE   *fp = fopen(path, "r");
    char   *line = 0;
    size_t  cap = 0;
    ssize_t n;

    if (fp == 0) {
	fprintf(stderr, "cannot open %s\n", path);
	exit(1);
    }
    while ((n = getline(&line, &cap, fp)) > 0) {
	if (line[n - 1] == '\n')
	    n--;
	pfs_parser_line(parser, line, (size_t) n, 0);
    }
    pfs_parser_flush(parser);		/* as --once at the end of its input */
    free(line);
    fclose(fp);
}

/* request - one synchronous request of one OID (snmp_request.c) */

static netsnmp_pdu *request(int command, const char *oidtext)
{
    return (snmp_request_one(sess, command, oidtext, ASN_COUNTER));
}

/* get_u64 - GET an integer-valued object */

static unsigned long long get_u64(const char *oidtext, u_char want_type)
{
    netsnmp_pdu *resp = request(SNMP_MSG_GET, oidtext);
    netsnmp_variable_list *vb = resp->variables;
    unsigned long long v = 0;

    ck_assert_int_eq(resp->errstat, SNMP_ERR_NOERROR);
    ck_assert_msg(vb->type == want_type, "%s: type 0x%x, want 0x%x", oidtext,
		  vb->type, want_type);
    if (vb->type == ASN_COUNTER64)
	v = ((unsigned long long) vb->val.counter64->high << 32) | vb->val.counter64->low;
    else
	v = *vb->val.integer;
    snmp_free_pdu(resp);
    return (v);
}

/* get_str - GET a string-valued object */

static char *get_str(const char *oidtext, size_t *lenp)
{
    netsnmp_pdu *resp = request(SNMP_MSG_GET, oidtext);
    netsnmp_variable_list *vb = resp->variables;
    char   *s;

    ck_assert_int_eq(resp->errstat, SNMP_ERR_NOERROR);
    ck_assert_msg(vb->type == ASN_OCTET_STR, "%s: type 0x%x", oidtext, vb->type);
    s = calloc(1, vb->val_len + 1);
    memcpy(s, vb->val.string, vb->val_len);
    if (lenp)
	*lenp = vb->val_len;
    snmp_free_pdu(resp);
    return (s);
}

/* get_absent - GET an object that must not exist */

static int get_absent(const char *oidtext)
{
    netsnmp_pdu *resp = request(SNMP_MSG_GET, oidtext);
    int     type = resp->variables->type;

    snmp_free_pdu(resp);
    return (type == SNMP_NOSUCHINSTANCE || type == SNMP_NOSUCHOBJECT);
}

/*
 * The expected walk, built here from first principles: GROUP.SUBID.0 for
 * the scalars (65 counters, 1 Counter64, 13 agent objects), and for each
 * table every readable column of every row in index order.
 */
struct oidv {
    oid     o[MAX_OID_LEN];
    size_t  len;
};

struct oidlist {
    struct oidv *v;
    size_t  n, alloc;
};

static const oid root[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 25};

/* push - append root.prefix...idx */

static void push(struct oidlist *l, const oid *tail, size_t tlen, const oid *idx,
		         size_t ilen)
{
    struct oidv *v;

    if (l->n == l->alloc) {
	l->alloc = l->alloc ? 2 * l->alloc : 256;
	l->v = realloc(l->v, l->alloc * sizeof(*l->v));
	ck_assert_ptr_nonnull(l->v);
    }
    v = l->v + l->n++;
    memcpy(v->o, root, sizeof(root));
    memcpy(v->o + 10, tail, tlen * sizeof(oid));
    memcpy(v->o + 10 + tlen, idx, ilen * sizeof(oid));
    v->len = 10 + tlen + ilen;
}

/* cmp_oidv - qsort order */

static int cmp_oidv(const void *a, const void *b)
{
    const struct oidv *x = a;
    const struct oidv *y = b;

    return (snmp_oid_compare(x->o, x->len, y->o, y->len));
}

/* str_index - length-prefixed string; 0 if too long */

static size_t str_index(oid *idx, const char *s, size_t len, size_t max)
{
    size_t  i;

    if (len > max)
	return (0);
    idx[0] = len;
    for (i = 0; i < len; i++)
	idx[1 + i] = (unsigned char) s[i];
    return (len + 1);
}

/* expected_walk - every OID the agent must serve now */

static void expected_walk(struct oidlist *l)
{
    oid     tail[4];
    oid     idx[MAX_OID_LEN];
    size_t  r;
    size_t  n;
    oid     c;
    oid     zero = 0;
    unsigned x, y, z;
    const char *key;
    const char *slash;

    /* Scalars. */
    for (c = 1; c <= 69; c++) {
	tail[0] = 1, tail[1] = 1, tail[2] = c;
	push(l, tail, 3, &zero, 1);
    }
    tail[0] = 1, tail[1] = 2, tail[2] = 1;
    push(l, tail, 3, &zero, 1);
    for (c = 1; c <= 16; c++) {
	tail[0] = 1, tail[1] = 8, tail[2] = c;
	push(l, tail, 3, &zero, 1);
    }
    /* Reject table: 14 fixed rows, columns 2..3. */
    for (c = 2; c <= 3; c++)
	for (r = 1; r <= 14; r++) {
	    tail[0] = 1, tail[1] = 4, tail[2] = 1, tail[3] = c;
	    idx[0] = r;
	    push(l, tail, 4, idx, 1);
	}
    /* File table: 2 fake files, columns 2..6. */
    for (c = 2; c <= 6; c++)
	for (r = 1; r <= 2; r++) {
	    tail[0] = 1, tail[1] = 9, tail[2] = 1, tail[3] = c;
	    idx[0] = r;
	    push(l, tail, 4, idx, 1);
	}
    /* Transport (3), program (6): string index <= 100, columns 2..7 / 2..6. */
    for (r = 0; r < pfs_table_rows(stats, PFS_TBL_TRANSPORT); r++) {
	key = pfs_table_key(stats, PFS_TBL_TRANSPORT, r);
	if ((n = str_index(idx, key, strlen(key), 100)) == 0)
	    continue;
	for (c = 2; c <= 7; c++) {
	    tail[0] = 1, tail[1] = 3, tail[2] = 1, tail[3] = c;
	    push(l, tail, 4, idx, n);
	}
    }
    for (r = 0; r < pfs_table_rows(stats, PFS_TBL_PROGRAM); r++) {
	key = pfs_table_key(stats, PFS_TBL_PROGRAM, r);
	if ((n = str_index(idx, key, strlen(key), 100)) == 0)
	    continue;
	for (c = 2; c <= 6; c++) {
	    tail[0] = 1, tail[1] = 6, tail[2] = 1, tail[3] = c;
	    push(l, tail, 4, idx, n);
	}
    }
    /* DSN (5): class.subject.detail, "(other)" = 0.0.0, columns 4..6. */
    for (r = 0; r < pfs_table_rows(stats, PFS_TBL_DSN); r++) {
	key = pfs_table_key(stats, PFS_TBL_DSN, r);
	if (strcmp(key, "(other)") == 0)
	    x = y = z = 0;
	else
	    ck_assert_int_eq(sscanf(key, "%u.%u.%u", &x, &y, &z), 3);
	idx[0] = x, idx[1] = y, idx[2] = z;
	for (c = 4; c <= 6; c++) {
	    tail[0] = 1, tail[1] = 5, tail[2] = 1, tail[3] = c;
	    push(l, tail, 4, idx, 3);
	}
    }
    /* Source (7): host <= 64, syslog_name <= 48, columns 3..9. */
    for (r = 0; r < pfs_table_rows(stats, PFS_TBL_SOURCE); r++) {
	size_t  h;
	size_t  m;

	key = pfs_table_key(stats, PFS_TBL_SOURCE, r);
	slash = strchr(key, '/');
	ck_assert_ptr_nonnull(slash);
	if ((h = str_index(idx, key, (size_t) (slash - key), 64)) == 0)
	    continue;
	if ((m = str_index(idx + h, slash + 1, strlen(slash + 1), 48)) == 0)
	    continue;
	for (c = 3; c <= 9; c++) {
	    tail[0] = 1, tail[1] = 7, tail[2] = 1, tail[3] = c;
	    push(l, tail, 4, idx, h + m);
	}
    }
    qsort(l->v, l->n, sizeof(*l->v), cmp_oidv);
}

/* walk - GETNEXT from the root until the subtree ends */

static void walk(struct oidlist *l)
{
    oid     name[MAX_OID_LEN];
    size_t  len = OID_LENGTH(root);
    netsnmp_pdu *pdu;
    netsnmp_pdu *resp;
    netsnmp_variable_list *vb;
    struct oidv *v;

    memcpy(name, root, sizeof(root));
    for (;;) {
	pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	snmp_add_null_var(pdu, name, len);
	ck_assert_int_eq(snmp_request_exchange(sess, pdu, &resp), STAT_SUCCESS);
	ck_assert_int_eq(resp->errstat, SNMP_ERR_NOERROR);
	vb = resp->variables;
	if (vb->type == SNMP_ENDOFMIBVIEW
	    || snmp_oidtree_compare(root, OID_LENGTH(root), vb->name,
				    vb->name_length) != 0) {
	    snmp_free_pdu(resp);
	    break;
	}
	ck_assert_msg(snmp_oid_compare(vb->name, vb->name_length, name, len) > 0,
		      "GETNEXT went backwards");
	if (l->n == l->alloc) {
	    l->alloc = l->alloc ? 2 * l->alloc : 256;
	    l->v = realloc(l->v, l->alloc * sizeof(*l->v));
	}
	v = l->v + l->n++;
	memcpy(v->o, vb->name, vb->name_length * sizeof(oid));
	v->len = vb->name_length;
	memcpy(name, vb->name, vb->name_length * sizeof(oid));
	len = vb->name_length;
	snmp_free_pdu(resp);
    }
}

/* check_walk - the walk equals the expected list */

static void check_walk(void)
{
    struct oidlist got = {0, 0, 0};
    struct oidlist want = {0, 0, 0};
    char    buf[512];
    size_t  i;

    walk(&got);
    expected_walk(&want);
    for (i = 0; i < got.n && i < want.n; i++) {
	if (cmp_oidv(got.v + i, want.v + i) != 0) {
	    snprint_objid(buf, sizeof(buf), got.v[i].o, got.v[i].len);
	    ck_abort_msg("walk step %zu: got %s", i, buf);
	}
    }
    ck_assert_uint_eq(got.n, want.n);
    free(got.v);
    free(want.v);
}

START_TEST(walk_in_order)
{
    check_walk();
}
END_TEST

START_TEST(walk_counts)
{
    /* 86 scalars + 28 reject + 10 file, and the e2e log's rows. */
    struct oidlist got = {0, 0, 0};

    walk(&got);
    ck_assert_uint_eq(pfs_agentx_rows(ax, PFS_MT_REJECT), 14);
    ck_assert_uint_eq(pfs_agentx_rows(ax, PFS_MT_FILE), 2);
    ck_assert_uint_eq(got.n, 86 + 28 + 10
		      + 6 * pfs_agentx_rows(ax, PFS_MT_TRANSPORT)
		      + 5 * pfs_agentx_rows(ax, PFS_MT_PROGRAM)
		      + 3 * pfs_agentx_rows(ax, PFS_MT_DSN)
		      + 7 * pfs_agentx_rows(ax, PFS_MT_SOURCE));
    ck_assert_uint_ge(pfs_agentx_rows(ax, PFS_MT_TRANSPORT), 5);
    free(got.v);
}
END_TEST

START_TEST(scalar_values)
{
    char   *s;

    ck_assert_uint_eq(get_u64(ROOT ".1.1.1.0", ASN_COUNTER), 22);	/* recv */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.2.0", ASN_COUNTER), 17);	/* recv:smtp */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.5.0", ASN_COUNTER), 7151);	/* bytes:recv */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.6.0", ASN_COUNTER), 23);	/* sent */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.7.0", ASN_COUNTER), 2);	/* deferred */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.8.0", ASN_COUNTER), 2);	/* bounced */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.15.0", ASN_COUNTER), 4);	/* smtpd:5xx */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.16.0", ASN_COUNTER), 6);	/* reject */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.20.0", ASN_COUNTER), 22);	/* smtpd:connect */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.40.0", ASN_COUNTER), 2);	/* bounce:non-delivery */
    ck_assert_uint_eq(get_u64(ROOT ".1.2.1.0", ASN_COUNTER64), 7151);
    ck_assert_uint_eq(get_u64(ROOT ".1.8.2.0", ASN_COUNTER), 166);	/* lines */
    ck_assert_uint_eq(get_u64(ROOT ".1.8.3.0", ASN_COUNTER), 0);	/* unmatched */
    s = get_str(ROOT ".1.8.1.0", 0);
    ck_assert_str_eq(s, PFS_VERSION);
    free(s);
    /* loopback:unlinked: the e2e log's sinks listen on 127.0.0.1. */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.68.0", ASN_COUNTER), 15);
    ck_assert_uint_eq(get_u64(ROOT ".1.1.65.0", ASN_COUNTER), 0);	/* hop:linked */
    ck_assert_uint_eq(get_u64(ROOT ".1.8.14.0", ASN_COUNTER), 0);	/* overflow:link */
    ck_assert_uint_eq(get_u64(ROOT ".1.1.69.0", ASN_COUNTER), 0);	/* clamav:clean */
    ck_assert(get_absent(ROOT ".1.1.70.0"));
    ck_assert(get_absent(ROOT ".1.1.1.1"));
    ck_assert_uint_eq(get_u64(ROOT ".1.8.15.0", ASN_COUNTER), 0);	/* bad-number */
    ck_assert_uint_eq(get_u64(ROOT ".1.8.16.0", ASN_GAUGE), 0);	/* waiting */
    ck_assert(get_absent(ROOT ".1.8.17.0"));
}
END_TEST

START_TEST(table_values)
{
    char   *s;

    /* pfsTransportSent."smtp", ."legal"; deferred, 5xx of smtp */
    ck_assert_uint_eq(get_u64(ROOT ".1.3.1.3.4.115.109.116.112", ASN_COUNTER), 9);
    ck_assert_uint_eq(get_u64(ROOT ".1.3.1.3.5.108.101.103.97.108", ASN_COUNTER), 2);
    ck_assert_uint_eq(get_u64(ROOT ".1.3.1.3.4.108.109.116.112", ASN_COUNTER), 4);
    ck_assert_uint_eq(get_u64(ROOT ".1.3.1.4.4.115.109.116.112", ASN_COUNTER), 2);
    ck_assert_uint_eq(get_u64(ROOT ".1.3.1.7.4.115.109.116.112", ASN_COUNTER), 2);
    s = get_str(ROOT ".1.3.1.2.4.112.105.112.101", 0);
    ck_assert_str_eq(s, "pipe");
    free(s);
    ck_assert(get_absent(ROOT ".1.3.1.3.4.120.120.120.120"));	/* "xxxx" */
    ck_assert(get_absent(ROOT ".1.3.1.1.4.115.109.116.112"));	/* index column */
    /* pfsRejectCount.relay(3), unknownUser(4), recipient(7), rbl(1) */
    ck_assert_uint_eq(get_u64(ROOT ".1.4.1.3.3", ASN_COUNTER), 3);
    ck_assert_uint_eq(get_u64(ROOT ".1.4.1.3.4", ASN_COUNTER), 1);
    ck_assert_uint_eq(get_u64(ROOT ".1.4.1.3.7", ASN_COUNTER), 2);
    ck_assert_uint_eq(get_u64(ROOT ".1.4.1.3.1", ASN_COUNTER), 0);
    s = get_str(ROOT ".1.4.1.2.4", 0);
    ck_assert_str_eq(s, "unknown-user");
    free(s);
    ck_assert(get_absent(ROOT ".1.4.1.3.15"));
    /* pfsDsnDeliveries.2.0.0, .4.2.0; pfsDsnRejects.5.7.1; pfsDsnCode.5.1.1 */
    ck_assert_uint_eq(get_u64(ROOT ".1.5.1.5.2.0.0", ASN_COUNTER), 19);
    ck_assert_uint_eq(get_u64(ROOT ".1.5.1.5.4.2.0", ASN_COUNTER), 2);
    ck_assert_uint_eq(get_u64(ROOT ".1.5.1.6.5.7.1", ASN_COUNTER), 3);
    ck_assert_uint_eq(get_u64(ROOT ".1.5.1.6.5.1.1", ASN_COUNTER), 1);
    s = get_str(ROOT ".1.5.1.4.5.1.1", 0);
    ck_assert_str_eq(s, "5.1.1");
    free(s);
    /* pfsSource*."e2e"."postfix" */
    ck_assert_uint_eq(get_u64(ROOT ".1.7.1.4.3.101.50.101.7.112.111.115.116.102.105.120",
			      ASN_COUNTER), 166);
    ck_assert_uint_eq(get_u64(ROOT ".1.7.1.5.3.101.50.101.7.112.111.115.116.102.105.120",
			      ASN_COUNTER), 22);
    ck_assert_uint_eq(get_u64(ROOT ".1.7.1.9.3.101.50.101.7.112.111.115.116.102.105.120",
			      ASN_COUNTER), 6);
    s = get_str(ROOT ".1.7.1.3.3.101.50.101.7.112.111.115.116.102.105.120", 0);
    ck_assert_str_eq(s, "e2e/postfix");
    free(s);
}
END_TEST

START_TEST(agent_objects)
{
    unsigned char *d;
    size_t  len;
    char   *s;

    s = get_str(ROOT ".1.9.1.2.2", 0);
    ck_assert_str_eq(s, "/var/log/mail-relay.log");
    free(s);
    ck_assert_uint_eq(get_u64(ROOT ".1.9.1.3.1", ASN_INTEGER), 1);	/* true */
    ck_assert_uint_eq(get_u64(ROOT ".1.9.1.3.2", ASN_INTEGER), 2);	/* false */
    ck_assert_uint_eq(get_u64(ROOT ".1.9.1.4.1", ASN_GAUGE), 12345);
    ck_assert_uint_eq(get_u64(ROOT ".1.9.1.5.1", ASN_COUNTER), 166);
    ck_assert_uint_eq(get_u64(ROOT ".1.9.1.6.1", ASN_COUNTER), 2);
    ck_assert(get_absent(ROOT ".1.9.1.2.3"));
    /* DateAndTime: 11 octets, year 2026 in network order. */
    d = (unsigned char *) get_str(ROOT ".1.8.7.0", &len);
    ck_assert_uint_eq(len, 11);
    ck_assert_uint_eq(d[0] * 256 + d[1], 2026);
    ck_assert_uint_eq(d[2], 11);
    free(d);
    fake_last = 0;
    d = (unsigned char *) get_str(ROOT ".1.8.7.0", &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_uint_eq(d[0] | d[1] | d[2] | d[7], 0);
    free(d);
}
END_TEST

START_TEST(receipts_waiting)
{
    static const char *const lines[] = {
	"Nov 22 11:00:00 e2e postfix/smtpd[4000]: 7A1B2C3D4E: client=localhost[127.0.0.1]",
	"Nov 22 11:00:00 e2e postfix/qmgr[900]: 7A1B2C3D4E: from=<w@example.org>, size=400, nrcpt=1 (queue active)",
    };
    uint64_t recv = get_u64(ROOT ".1.1.1.0", ASN_COUNTER);
    size_t  i;

    /* A loopback client's mail may be a filter's copy: it waits, and says so. */
    for (i = 0; i < 2; i++)
	pfs_parser_line(parser, lines[i], strlen(lines[i]), 0);
    ck_assert_uint_eq(get_u64(ROOT ".1.8.16.0", ASN_GAUGE), 1);
    ck_assert_uint_eq(get_u64(ROOT ".1.1.1.0", ASN_COUNTER), recv);
    pfs_parser_flush(parser);
    ck_assert_uint_eq(get_u64(ROOT ".1.8.16.0", ASN_GAUGE), 0);
    ck_assert_uint_eq(get_u64(ROOT ".1.1.1.0", ASN_COUNTER), recv + 1);
}
END_TEST

START_TEST(discontinuity)
{
    unsigned long long t0;
    unsigned long long t1;

    ck_assert_uint_eq(get_u64(ROOT ".1.8.8.0", ASN_TIMETICKS), 0);
    usleep(120 * 1000);
    pfs_agentx_discontinuity(ax);
    t0 = get_u64(ROOT ".1.8.8.0", ASN_TIMETICKS);
    ck_assert_uint_ge(t0, 10);
    ck_assert_uint_le(t0, netsnmp_get_agent_uptime() + 1);
    usleep(50 * 1000);
    t1 = get_u64(ROOT ".1.8.8.0", ASN_TIMETICKS);
    ck_assert_uint_le(t1 > t0 ? t1 - t0 : t0 - t1, 1);	/* a point in time */
}
END_TEST

START_TEST(rows_appear_after_sync)
{
    const char *oid_relay = ROOT ".1.3.1.3.5.114.101.108.97.121";	/* "relay" */
    const char *oid_warn = ROOT ".1.6.1.3.4.113.109.103.114";	/* "qmgr" */
    char    longname[200];
    char    line[512];

    ck_assert(get_absent(oid_relay));
    feed("Nov 22 03:00:00 e2e postfix/relay/smtp[1]: 1A2B3C4D5E: to=<x@example.org>, "
	 "relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
	 "status=sent (250 2.0.0 Ok)\n"
	 "Nov 22 03:00:01 mx2 postfix-out/qmgr[2]: warning: QMGR test warning\n");
    /* A transport name too long for the index (100 octets): not served. */
    memset(longname, 'x', 120);
    longname[120] = 0;
    snprintf(line, sizeof(line), "Nov 22 03:00:02 e2e postfix/%s/smtp[1]: 1A2B3C4D5F: "
	     "to=<x@example.org>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, "
	     "status=deferred (connect timed out)", longname);
    feed(line);
    ck_assert(get_absent(oid_relay));		/* not yet mirrored */
    pfs_agentx_sync(ax);
    ck_assert_uint_eq(get_u64(oid_relay, ASN_COUNTER), 1);
    ck_assert_uint_eq(get_u64(oid_warn, ASN_COUNTER), 1);
    ck_assert_uint_eq(get_u64(ROOT ".1.1.7.0", ASN_COUNTER), 3);	/* deferred */
    /* The source row of "mx2"/"postfix-out" */
    ck_assert_uint_eq(get_u64(ROOT ".1.7.1.4.3.109.120.50.11.112.111.115.116.102.105.120.45.111.117.116",
			      ASN_COUNTER), 1);
    check_walk();
}
END_TEST

START_TEST(set_refused)
{
    unsigned long long sent = get_u64(ROOT ".1.1.6.0", ASN_COUNTER);
    netsnmp_pdu *resp = request(SNMP_MSG_SET, ROOT ".1.1.6.0");

    ck_assert_int_eq(resp->errstat, SNMP_ERR_NOTWRITABLE);
    snmp_free_pdu(resp);
    resp = request(SNMP_MSG_SET, ROOT ".1.3.1.3.4.115.109.116.112");
    ck_assert_int_eq(resp->errstat, SNMP_ERR_NOTWRITABLE);
    snmp_free_pdu(resp);
    ck_assert_uint_eq(get_u64(ROOT ".1.1.6.0", ASN_COUNTER), sent);
}
END_TEST

START_TEST(counter32_wraps)
{
    /* 2^32 + 5 bytes: Counter32 shows 5, Counter64 the whole number. */
    pfs_scalar_set(stats, PFS_BYTES_RECV, 4294967301ULL);
    ck_assert_uint_eq(get_u64(ROOT ".1.1.5.0", ASN_COUNTER), 5);
    ck_assert_uint_eq(get_u64(ROOT ".1.2.1.0", ASN_COUNTER64), 4294967301ULL);
}
END_TEST

/* log_cb - the library's messages to stderr, but for one expected warning */

static int log_cb(int major, int minor, void *serverarg, void *clientarg)
{
    const struct snmp_log_message *m = serverarg;

    (void) major;
    (void) minor;
    (void) clientarg;
    /* A master agent without VACM says so; requests here skip VACM. */
    if (strncmp(m->msg, "Warning: no access control", 26) != 0)
	fputs(m->msg, stderr);
    return (0);
}

/* agent_init - one Net-SNMP master agent per process, no transports */

static void agent_init(void)
{
    struct pfs_agentx_files files = {
	fake_count, fake_status, fake_last_line, parser_waiting, 0
    };
    const char *srcdir = getenv("top_srcdir");
    char    path[4096];
    char    err[256];

    setenv("MIBS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, 0);
    snmp_enable_calllog();
    if (getenv("PFS_SNMP_DEBUG")) {
	debug_register_tokens(getenv("PFS_SNMP_DEBUG"));
	snmp_set_do_debugging(1);
    }
    init_agent("check_agentx");
    stats = pfs_stats_create(0);
    if ((parser = pfs_parser_create(stats, 0, err, sizeof(err))) == 0) {
	fprintf(stderr, "parser: %s\n", err);
	exit(1);
    }
    ax = pfs_agentx_create(stats, &files);
    init_snmp("check_agentx");
    snprintf(path, sizeof(path), "%s/tests/data/postfix-e2e.log", srcdir ? srcdir : ".");
    feed_file(path);
    pfs_agentx_sync(ax);
    sess = snmp_request_session();
}

int     main(void)
{
    Suite  *s = suite_create("agentx");
    TCase  *tc = tcase_create("handlers");
    SRunner *sr;
    int     failed;

    agent_init();
    tcase_add_test(tc, walk_in_order);
    tcase_add_test(tc, walk_counts);
    tcase_add_test(tc, scalar_values);
    tcase_add_test(tc, table_values);
    tcase_add_test(tc, agent_objects);
    tcase_add_test(tc, receipts_waiting);
    tcase_add_test(tc, discontinuity);
    tcase_add_test(tc, rows_appear_after_sync);
    tcase_add_test(tc, set_refused);
    tcase_add_test(tc, counter32_wraps);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    pfs_agentx_free(ax);
    snmp_shutdown("check_agentx");
    pfs_parser_free(parser);
    pfs_stats_free(stats);
    return (failed ? 1 : 0);
}
