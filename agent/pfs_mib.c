/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_mib 3
 * SUMMARY
 *	POSTFIX-STATS-MIB: object identifiers and the map from counters
 * SYNOPSIS
 *	#include "pfs_mib.h"
 *
 *	const struct pfs_mib_group pfs_mib_groups[]
 *
 *	const struct pfs_mib_table pfs_mib_tables[PFS_MT_COUNT]
 *
 *	int	pfs_mib_index(table, key, idx, max)
 *
 *	int	pfs_mib_print_oids(fp, stats)
 * DESCRIPTION
 *	This module is the code's copy of mibs/POSTFIX-STATS-MIB.txt: which
 *	counter of the store (pfs_stats.h) each object serves, under which
 *	name and sub-identifier. It registers nothing; pfs_agentx does that
 *	from these tables, and --oids prints them.
 *
 *	Scalar groups: pfsCounters (every total as Counter32),
 *	pfsCounters64 (bytes as Counter64) and pfsAgent (the agent's own
 *	state). Each counter of the store appears exactly once, except
 *	bytes:recv, which has a Counter32 (for SNMPv1) and a Counter64; the
 *	reject reasons are the rows of pfsRejectTable.
 *
 *	pfs_mib_index() turns a row key of the store into the row's index:
 *	a length-prefixed string (transport, program), class.subject.detail
 *	(enhanced status code; "(other)" is 0.0.0), or host and syslog_name
 *	split at the first "/" (source).
 *
 *	pfs_mib_print_oids() prints "COUNTER OBJECT OID" lines: counter as
 *	--once names it ("-" for objects that are not counters), the MIB
 *	object, the numeric OID; the name and the OID always say the same:
 *	scalars as "pfsSent.0", table cells with their index as Net-SNMP
 *	prints it ("pfsTransportSent."smtp"", "pfsRejectCount.relay").
 *	Without stats, a table column is shown once, with a placeholder key
 *	in the counter name ("sent:T") and the column's OID; with stats,
 *	every row of every column is shown.
 * SECURITY
 *	Keys come from the log. They are bounded by the store (PFS_KEY_MAX)
 *	and again here by the index sizes of the MIB; a key that does not
 *	fit is not indexed rather than truncated (two keys could collide).
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_alertmib.h"
#include "pfs_mib.h"

static const oid counters_oid[] = {PFS_OID_COUNTERS};
static const oid counters64_oid[] = {PFS_OID_COUNTERS64};
static const oid agent_oid[] = {PFS_OID_AGENT};

static const struct pfs_mib_scalar counters[] = {
    {1, "pfsReceived", PFS_MV_COUNTER, PFS_RECV},
    {2, "pfsReceivedSmtp", PFS_MV_COUNTER, PFS_RECV_SMTP},
    {3, "pfsReceivedLocal", PFS_MV_COUNTER, PFS_RECV_LOCAL},
    {4, "pfsReceivedBounce", PFS_MV_COUNTER, PFS_RECV_BOUNCE},
    {5, "pfsReceivedBytes", PFS_MV_COUNTER, PFS_BYTES_RECV},
    {6, "pfsSent", PFS_MV_COUNTER, PFS_SENT},
    {7, "pfsDeferred", PFS_MV_COUNTER, PFS_DEFERRED},
    {8, "pfsBounced", PFS_MV_COUNTER, PFS_BOUNCED},
    {9, "pfsSoftBounced", PFS_MV_COUNTER, PFS_SOFTBOUNCE},
    {10, "pfsExpired", PFS_MV_COUNTER, PFS_EXPIRED},
    {11, "pfsProbes", PFS_MV_COUNTER, PFS_PROBE},
    {12, "pfsSmtp4xx", PFS_MV_COUNTER, PFS_SMTP_4XX},
    {13, "pfsSmtp5xx", PFS_MV_COUNTER, PFS_SMTP_5XX},
    {14, "pfsSmtpd4xx", PFS_MV_COUNTER, PFS_SMTPD_4XX},
    {15, "pfsSmtpd5xx", PFS_MV_COUNTER, PFS_SMTPD_5XX},
    {16, "pfsRejected", PFS_MV_COUNTER, PFS_REJECT},
    {17, "pfsRejectWarnings", PFS_MV_COUNTER, PFS_REJECT_WARNING},
    {18, "pfsHeld", PFS_MV_COUNTER, PFS_ACTION_HOLD},
    {19, "pfsDiscarded", PFS_MV_COUNTER, PFS_ACTION_DISCARD},
    {20, "pfsSmtpdConnects", PFS_MV_COUNTER, PFS_SMTPD_CONNECT},
    {21, "pfsSmtpdLost", PFS_MV_COUNTER, PFS_SMTPD_LOST},
    {22, "pfsSmtpdTimeouts", PFS_MV_COUNTER, PFS_SMTPD_TIMEOUT},
    {23, "pfsSaslAuth", PFS_MV_COUNTER, PFS_SASL_AUTH},
    {24, "pfsSaslFailed", PFS_MV_COUNTER, PFS_SASL_FAILED},
    {25, "pfsTlsIn", PFS_MV_COUNTER, PFS_TLS_IN},
    {26, "pfsTlsOut", PFS_MV_COUNTER, PFS_TLS_OUT},
    {27, "pfsPostscreenConnects", PFS_MV_COUNTER, PFS_PS_CONNECT},
    {28, "pfsPostscreenPassNew", PFS_MV_COUNTER, PFS_PS_PASS_NEW},
    {29, "pfsPostscreenPassOld", PFS_MV_COUNTER, PFS_PS_PASS_OLD},
    {30, "pfsPostscreenAllowlisted", PFS_MV_COUNTER, PFS_PS_ALLOWLISTED},
    {31, "pfsPostscreenDenylisted", PFS_MV_COUNTER, PFS_PS_DENYLISTED},
    {32, "pfsPostscreenDnsbl", PFS_MV_COUNTER, PFS_PS_DNSBL},
    {33, "pfsPostscreenPregreet", PFS_MV_COUNTER, PFS_PS_PREGREET},
    {34, "pfsPostscreenHangup", PFS_MV_COUNTER, PFS_PS_HANGUP},
    {35, "pfsPostscreenPipelining", PFS_MV_COUNTER, PFS_PS_PIPELINING},
    {36, "pfsPostscreenNonSmtp", PFS_MV_COUNTER, PFS_PS_NON_SMTP},
    {37, "pfsPostscreenBareNewline", PFS_MV_COUNTER, PFS_PS_BARE_NEWLINE},
    {38, "pfsPostscreenTimeLimit", PFS_MV_COUNTER, PFS_PS_TIME_LIMIT},
    {39, "pfsPostscreenRejects", PFS_MV_COUNTER, PFS_PS_REJECT},
    {40, "pfsBounceNonDelivery", PFS_MV_COUNTER, PFS_BOUNCE_NDN},
    {41, "pfsBounceDelay", PFS_MV_COUNTER, PFS_BOUNCE_DELAY},
    {42, "pfsBounceSuccess", PFS_MV_COUNTER, PFS_BOUNCE_SUCCESS},
    {43, "pfsSpam", PFS_MV_COUNTER, PFS_SPAM},
    {44, "pfsVirus", PFS_MV_COUNTER, PFS_VIRUS},
    {45, "pfsClean", PFS_MV_COUNTER, PFS_CLEAN},
    {46, "pfsAmavisClean", PFS_MV_COUNTER, PFS_AMAVIS_CLEAN},
    {47, "pfsAmavisSpam", PFS_MV_COUNTER, PFS_AMAVIS_SPAM},
    {48, "pfsAmavisSpammy", PFS_MV_COUNTER, PFS_AMAVIS_SPAMMY},
    {49, "pfsAmavisInfected", PFS_MV_COUNTER, PFS_AMAVIS_INFECTED},
    {50, "pfsAmavisBanned", PFS_MV_COUNTER, PFS_AMAVIS_BANNED},
    {51, "pfsAmavisBadHeader", PFS_MV_COUNTER, PFS_AMAVIS_BAD_HEADER},
    {52, "pfsAmavisUnchecked", PFS_MV_COUNTER, PFS_AMAVIS_UNCHECKED},
    {53, "pfsAmavisBlocked", PFS_MV_COUNTER, PFS_AMAVIS_BLOCKED},
    {54, "pfsSpamdClean", PFS_MV_COUNTER, PFS_SPAMD_CLEAN},
    {55, "pfsSpamdSpam", PFS_MV_COUNTER, PFS_SPAMD_SPAM},
    {56, "pfsClamavInfected", PFS_MV_COUNTER, PFS_CLAMAV_INFECTED},
    {57, "pfsRspamdNoAction", PFS_MV_COUNTER, PFS_RSPAMD_NO_ACTION},
    {58, "pfsRspamdGreylist", PFS_MV_COUNTER, PFS_RSPAMD_GREYLIST},
    {59, "pfsRspamdAddHeader", PFS_MV_COUNTER, PFS_RSPAMD_ADD_HEADER},
    {60, "pfsRspamdRewriteSubject", PFS_MV_COUNTER, PFS_RSPAMD_REWRITE_SUBJECT},
    {61, "pfsRspamdSoftReject", PFS_MV_COUNTER, PFS_RSPAMD_SOFT_REJECT},
    {62, "pfsRspamdReject", PFS_MV_COUNTER, PFS_RSPAMD_REJECT},
    {63, "pfsIgnoredClients", PFS_MV_COUNTER, PFS_IGNORED_CLIENT},
    {64, "pfsIgnoredRelays", PFS_MV_COUNTER, PFS_IGNORED_RELAY},
    {65, "pfsHopLinked", PFS_MV_COUNTER, PFS_HOP_LINKED},
    {66, "pfsHopReinjected", PFS_MV_COUNTER, PFS_HOP_REINJECTED},
    {67, "pfsHopKept", PFS_MV_COUNTER, PFS_HOP_KEPT},
    {68, "pfsLoopbackUnlinked", PFS_MV_COUNTER, PFS_LOOPBACK_UNLINKED},
    {69, "pfsClamavClean", PFS_MV_COUNTER, PFS_CLAMAV_CLEAN},
};

static const struct pfs_mib_scalar counters64[] = {
    {1, "pfsReceivedHCBytes", PFS_MV_COUNTER64, PFS_BYTES_RECV},
};

static const struct pfs_mib_scalar agent[] = {
    {1, "pfsAgentVersion", PFS_MV_VERSION, -1},
    {2, "pfsAgentLines", PFS_MV_COUNTER, PFS_LINES},
    {3, "pfsAgentLinesUnmatched", PFS_MV_COUNTER, PFS_LINES_UNMATCHED},
    {4, "pfsAgentLinesOverlong", PFS_MV_COUNTER, PFS_LINES_OVERLONG},
    {5, "pfsAgentLinesForeign", PFS_MV_COUNTER, PFS_LINES_FOREIGN},
    {6, "pfsAgentLinesNul", PFS_MV_COUNTER, PFS_LINES_NUL},
    {7, "pfsAgentLastLineTime", PFS_MV_LAST_LINE, -1},
    {8, "pfsAgentCounterDiscontinuityTime", PFS_MV_DISCONTINUITY, -1},
    {9, "pfsAgentOverflowTransport", PFS_MV_COUNTER, PFS_OVERFLOW_TRANSPORT},
    {10, "pfsAgentOverflowDsn", PFS_MV_COUNTER, PFS_OVERFLOW_DSN},
    {11, "pfsAgentOverflowProgram", PFS_MV_COUNTER, PFS_OVERFLOW_PROGRAM},
    {12, "pfsAgentOverflowSource", PFS_MV_COUNTER, PFS_OVERFLOW_SOURCE},
    {13, "pfsAgentOverflowQueue", PFS_MV_COUNTER, PFS_OVERFLOW_QUEUE},
    {14, "pfsAgentOverflowLink", PFS_MV_COUNTER, PFS_OVERFLOW_LINK},
    {15, "pfsAgentLinesBadNumber", PFS_MV_COUNTER, PFS_LINES_BAD_NUMBER},
    {16, "pfsAgentReceiptsWaiting", PFS_MV_WAITING, -1},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct pfs_mib_group pfs_mib_groups[] = {
    {"pfsCounters", counters_oid, NELEM(counters_oid), counters, NELEM(counters)},
    {"pfsCounters64", counters64_oid, NELEM(counters64_oid), counters64, NELEM(counters64)},
    {"pfsAgent", agent_oid, NELEM(agent_oid), agent, NELEM(agent)},
};
const size_t pfs_mib_ngroups = NELEM(pfs_mib_groups);

/* pfsRejectReason: the enumeration of the MIB, in reject:R order. */
const struct pfs_mib_reject pfs_mib_rejects[] = {
    {1, "rbl", PFS_REJECT_RBL},
    {2, "helo", PFS_REJECT_HELO},
    {3, "relay", PFS_REJECT_RELAY},
    {4, "unknownUser", PFS_REJECT_UNKNOWN_USER},
    {5, "sender", PFS_REJECT_SENDER},
    {6, "client", PFS_REJECT_CLIENT},
    {7, "recipient", PFS_REJECT_RECIPIENT},
    {8, "greylist", PFS_REJECT_GREYLIST},
    {9, "policy", PFS_REJECT_POLICY},
    {10, "size", PFS_REJECT_SIZE},
    {11, "milter", PFS_REJECT_MILTER},
    {12, "header", PFS_REJECT_HEADER},
    {13, "body", PFS_REJECT_BODY},
    {14, "other", PFS_REJECT_OTHER},
};
const size_t pfs_mib_nrejects = NELEM(pfs_mib_rejects);

static const oid transport_table[] = {PFS_OID_TRANSPORT_TABLE};
static const oid reject_table[] = {PFS_OID_REJECT_TABLE};
static const oid dsn_table[] = {PFS_OID_DSN_TABLE};
static const oid program_table[] = {PFS_OID_PROGRAM_TABLE};
static const oid source_table[] = {PFS_OID_SOURCE_TABLE};
static const oid file_table[] = {PFS_OID_FILE_TABLE};

static const struct pfs_mib_column transport_cols[] = {
    {2, "pfsTransportDescr", PFS_MV_KEY, -1},
    {3, "pfsTransportSent", PFS_MV_COUNTER, PFS_TC_SENT},
    {4, "pfsTransportDeferred", PFS_MV_COUNTER, PFS_TC_DEFERRED},
    {5, "pfsTransportBounced", PFS_MV_COUNTER, PFS_TC_BOUNCED},
    {6, "pfsTransport4xx", PFS_MV_COUNTER, PFS_TC_4XX},
    {7, "pfsTransport5xx", PFS_MV_COUNTER, PFS_TC_5XX},
};

static const struct pfs_mib_column reject_cols[] = {
    {2, "pfsRejectDescr", PFS_MV_KEY, -1},
    {3, "pfsRejectCount", PFS_MV_COUNTER, -1},
};

static const struct pfs_mib_column dsn_cols[] = {
    {4, "pfsDsnCode", PFS_MV_KEY, -1},
    {5, "pfsDsnDeliveries", PFS_MV_COUNTER, PFS_DC_DELIVERY},
    {6, "pfsDsnRejects", PFS_MV_COUNTER, PFS_DC_REJECT},
};

static const struct pfs_mib_column program_cols[] = {
    {2, "pfsProgramDescr", PFS_MV_KEY, -1},
    {3, "pfsProgramWarnings", PFS_MV_COUNTER, PFS_PC_WARNING},
    {4, "pfsProgramErrors", PFS_MV_COUNTER, PFS_PC_ERROR},
    {5, "pfsProgramFatals", PFS_MV_COUNTER, PFS_PC_FATAL},
    {6, "pfsProgramPanics", PFS_MV_COUNTER, PFS_PC_PANIC},
};

static const struct pfs_mib_column source_cols[] = {
    {3, "pfsSourceDescr", PFS_MV_KEY, -1},
    {4, "pfsSourceLines", PFS_MV_COUNTER, PFS_SC_LINES},
    {5, "pfsSourceReceived", PFS_MV_COUNTER, PFS_SC_RECV},
    {6, "pfsSourceSent", PFS_MV_COUNTER, PFS_SC_SENT},
    {7, "pfsSourceDeferred", PFS_MV_COUNTER, PFS_SC_DEFERRED},
    {8, "pfsSourceBounced", PFS_MV_COUNTER, PFS_SC_BOUNCED},
    {9, "pfsSourceRejected", PFS_MV_COUNTER, PFS_SC_REJECT},
};

static const struct pfs_mib_column file_cols[] = {
    {2, "pfsFilePath", PFS_MV_FILE_PATH, -1},
    {3, "pfsFileOpen", PFS_MV_FILE_OPEN, -1},
    {4, "pfsFilePosition", PFS_MV_FILE_POSITION, -1},
    {5, "pfsFileLines", PFS_MV_FILE_LINES, -1},
    {6, "pfsFileRotations", PFS_MV_FILE_ROTATIONS, -1},
};

const struct pfs_mib_table pfs_mib_tables[PFS_MT_COUNT] = {
    [PFS_MT_TRANSPORT] = {"pfsTransportTable", transport_table, NELEM(transport_table),
    PFS_TBL_TRANSPORT, transport_cols, NELEM(transport_cols), 2, "T"},
    [PFS_MT_DSN] = {"pfsDsnTable", dsn_table, NELEM(dsn_table),
    PFS_TBL_DSN, dsn_cols, NELEM(dsn_cols), 4, "X.Y.Z"},
    [PFS_MT_PROGRAM] = {"pfsProgramTable", program_table, NELEM(program_table),
    PFS_TBL_PROGRAM, program_cols, NELEM(program_cols), 2, "P"},
    [PFS_MT_SOURCE] = {"pfsSourceTable", source_table, NELEM(source_table),
    PFS_TBL_SOURCE, source_cols, NELEM(source_cols), 3, "S"},
    [PFS_MT_REJECT] = {"pfsRejectTable", reject_table, NELEM(reject_table),
    -1, reject_cols, NELEM(reject_cols), 2, "R"},
    [PFS_MT_FILE] = {"pfsFileTable", file_table, NELEM(file_table),
    -1, file_cols, NELEM(file_cols), 2, "N"},
};

/* Index sizes, as in the MIB. */
#define NAME_MAX_LEN	100		/* pfsTransportName, pfsProgramName */
#define HOST_MAX_LEN	64		/* pfsSourceHost */
#define INST_MAX_LEN	48		/* pfsSourceInstance */
#define DSN_MAX_PART	999

/* put_string - length-prefixed string index */

static size_t put_string(oid *idx, const char *s, size_t len)
{
    size_t  i;

    idx[0] = len;
    for (i = 0; i < len; i++)
	idx[i + 1] = (unsigned char) s[i];
    return (len + 1);
}

/* parse_dsn - canonical "C.S.D" into three numbers */

static int parse_dsn(const char *key, unsigned long part[3])
{
    char    canon[32];
    char   *end;
    const char *cp = key;
    int     i;

    for (i = 0; i < 3; i++) {
	if (*cp < '0' || *cp > '9')
	    return (-1);
	part[i] = strtoul(cp, &end, 10);
	if (part[i] > DSN_MAX_PART || (i < 2 && *end != '.') || (i == 2 && *end != 0))
	    return (-1);
	cp = end + 1;
    }
    if (part[0] < 1 || part[0] > 9)
	return (-1);
    /* No leading zeros: "5.01.1" would collide with "5.1.1". */
    snprintf(canon, sizeof(canon), "%lu.%lu.%lu", part[0], part[1], part[2]);
    return (strcmp(canon, key) == 0 ? 0 : -1);
}

/* pfs_mib_index - index sub-identifiers of a store row */

int     pfs_mib_index(enum pfs_table_id t, const char *key, oid *idx, size_t max)
{
    size_t  len = strlen(key);
    unsigned long part[3];
    const char *slash;
    size_t  hlen;
    size_t  n;

    if (max < PFS_MIB_INDEX_MAX)
	return (-1);
    switch (t) {
    case PFS_TBL_TRANSPORT:
    case PFS_TBL_PROGRAM:
	if (len < 1 || len > NAME_MAX_LEN)
	    return (-1);
	return ((int) put_string(idx, key, len));
    case PFS_TBL_DSN:
	if (strcmp(key, PFS_OTHER_KEY) == 0) {
	    idx[0] = idx[1] = idx[2] = 0;
	    return (3);
	}
	if (parse_dsn(key, part) < 0)
	    return (-1);
	idx[0] = part[0];
	idx[1] = part[1];
	idx[2] = part[2];
	return (3);
    case PFS_TBL_SOURCE:
	slash = strchr(key, '/');
	hlen = slash ? (size_t) (slash - key) : len;
	if (hlen < 1 || hlen > HOST_MAX_LEN)
	    return (-1);
	n = put_string(idx, key, hlen);
	if (slash == 0)
	    n += put_string(idx + n, "", 0);
	else if (len - hlen - 1 > INST_MAX_LEN)
	    return (-1);
	else
	    n += put_string(idx + n, slash + 1, len - hlen - 1);
	return ((int) n);
    default:
	return (-1);
    }
}

/* print_oid - numeric OID, optionally with an index */

static int print_oid(FILE *fp, const oid *base, size_t len, oid sub,
		             const oid *idx, size_t idxlen)
{
    size_t  i;

    for (i = 0; i < len; i++)
	fprintf(fp, ".%lu", (unsigned long) base[i]);
    fprintf(fp, ".%lu", (unsigned long) sub);
    for (i = 0; i < idxlen; i++)
	fprintf(fp, ".%lu", (unsigned long) idx[i]);
    return (fprintf(fp, "\n") < 0 ? -1 : 0);
}

/* print_col_oid - numeric OID of a table column, optionally with an index */

static int print_col_oid(FILE *fp, const struct pfs_mib_table *mt, oid col,
			         const oid *idx, size_t idxlen)
{
    size_t  i;

    for (i = 0; i < mt->table_len; i++)
	fprintf(fp, ".%lu", (unsigned long) mt->table_oid[i]);
    fprintf(fp, ".%d.%lu", PFS_OID_ENTRY, (unsigned long) col);
    for (i = 0; i < idxlen; i++)
	fprintf(fp, ".%lu", (unsigned long) idx[i]);
    return (fprintf(fp, "\n") < 0 ? -1 : 0);
}

/* print_index_label - the index as Net-SNMP shows it: "str".N */

static void print_index_label(FILE *fp, enum pfs_table_id t, const oid *idx,
			              size_t n)
{
    size_t  i = 0;
    size_t  j;

    if (t == PFS_TBL_DSN) {
	fprintf(fp, ".%lu.%lu.%lu", (unsigned long) idx[0],
		(unsigned long) idx[1], (unsigned long) idx[2]);
	return;
    }
    while (i < n) {
	fputs(".\"", fp);
	for (j = 1; j <= idx[i]; j++) {
	    int     ch = (int) idx[i + j];

	    fputc(ch > 32 && ch < 127 && ch != '"' ? ch : '?', fp);
	}
	fputc('"', fp);
	i += idx[i] + 1;
    }
}

/* print_group - scalar lines of one group */

static void print_group(FILE *fp, const struct pfs_mib_group *g)
{
    oid     zero = 0;
    size_t  i;

    for (i = 0; i < g->n; i++) {
	fprintf(fp, "%s %s.0 ", g->objs[i].counter >= 0 ?
		pfs_scalar_name(g->objs[i].counter) : "-", g->objs[i].name);
	print_oid(fp, g->oid, g->oid_len, g->objs[i].subid, &zero, 1);
    }
}

/* print_table - column or instance lines of one table */

static void print_table(FILE *fp, const struct pfs_mib_table *mt,
			        const PFS_STATS *st)
{
    char    flat[PFS_KEY_MAX + 64];
    oid     idx[MAX_OID_LEN];
    size_t  c;
    size_t  r;
    size_t  nrows;
    int     n;

    for (c = 0; c < mt->ncols; c++) {
	const struct pfs_mib_column *col = mt->cols + c;

	if (mt->store_table < 0 || st == 0) {
	    if (col->value == PFS_MV_COUNTER && mt->store_table >= 0
		&& pfs_stats_flat_name(flat, sizeof(flat), mt->store_table,
				       mt->index_hint, col->col) > 0)
		fprintf(fp, "%s ", flat);
	    else if (col->value == PFS_MV_COUNTER && mt->store_table < 0)
		fprintf(fp, "reject:%s ", mt->index_hint);
	    else
		fputs("- ", fp);
	    fprintf(fp, "%s ", col->name);
	    print_col_oid(fp, mt, col->colnum, 0, 0);
	    continue;
	}
	nrows = pfs_table_rows(st, mt->store_table);
	for (r = 0; r < nrows; r++) {
	    const char *key = pfs_table_key(st, mt->store_table, r);

	    if ((n = pfs_mib_index(mt->store_table, key, idx, MAX_OID_LEN)) < 0)
		continue;
	    if (col->value == PFS_MV_COUNTER
		&& pfs_stats_flat_name(flat, sizeof(flat), mt->store_table,
				       key, col->col) > 0)
		fprintf(fp, "%s ", flat);
	    else
		fputs("- ", fp);
	    fputs(col->name, fp);
	    print_index_label(fp, mt->store_table, idx, (size_t) n);
	    fputc(' ', fp);
	    print_col_oid(fp, mt, col->colnum, idx, (size_t) n);
	}
    }
}

/* pfs_mib_print_oids - the --oids listing */

int     pfs_mib_print_oids(FILE *fp, const PFS_STATS *st)
{
    const struct pfs_mib_table *rt = pfs_mib_tables + PFS_MT_REJECT;
    size_t  i;
    int     t;

    for (i = 0; i < pfs_mib_ngroups; i++)
	print_group(fp, pfs_mib_groups + i);
    for (t = 0; t < PFS_MT_COUNT; t++) {
	if (t == PFS_MT_REJECT) {
	    /* Fixed rows: always shown with their index. */
	    for (i = 0; i < pfs_mib_nrejects; i++) {
		oid     idx = pfs_mib_rejects[i].index;

		fprintf(fp, "- %s.%s ", rt->cols[0].name, pfs_mib_rejects[i].label);
		print_col_oid(fp, rt, rt->cols[0].colnum, &idx, 1);
	    }
	    for (i = 0; i < pfs_mib_nrejects; i++) {
		oid     idx = pfs_mib_rejects[i].index;

		fprintf(fp, "%s %s.%s ", pfs_scalar_name(pfs_mib_rejects[i].counter),
			rt->cols[1].name, pfs_mib_rejects[i].label);
		print_col_oid(fp, rt, rt->cols[1].colnum, &idx, 1);
	    }
	    continue;
	}
	print_table(fp, pfs_mib_tables + t, st);
    }
    if (pfs_alertmib_print_oids(fp) < 0)
	return (-1);
    return (fflush(fp) == 0 && !ferror(fp) ? 0 : -1);
}
