/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_STATS_H
#define PFS_STATS_H

/*++
 * NAME
 *	pfs_stats 3h
 * SUMMARY
 *	the counter store: fixed scalars and capped keyed tables
 * SYNOPSIS
 *	#include "pfs_stats.h"
 * DESCRIPTION
 *	See pfs_stats.c. The store knows names and numbers only: no
 *	text matching, no files, no SNMP.
 *--*/

#include <stddef.h>
#include <stdint.h>

/*
 * Scalar counters. One X-macro list gives the enum, the external name (as
 * printed by --once and documented in doc/counters.md) and the order of
 * the MIB objects. Append only: the enum value is not an OID, but keep the
 * list stable so that saved state and --oids stay readable.
 */
#define PFS_SCALARS(X) \
    X(LINES, "lines") \
    X(LINES_UNMATCHED, "lines:unmatched") \
    X(LINES_OVERLONG, "lines:overlong") \
    X(LINES_FOREIGN, "lines:foreign") \
    X(LINES_NUL, "lines:nul") \
    X(RECV, "recv") \
    X(RECV_SMTP, "recv:smtp") \
    X(RECV_LOCAL, "recv:local") \
    X(RECV_BOUNCE, "recv:bounce") \
    X(BYTES_RECV, "bytes:recv") \
    X(SENT, "sent") \
    X(DEFERRED, "deferred") \
    X(BOUNCED, "bounced") \
    X(SOFTBOUNCE, "softbounce") \
    X(EXPIRED, "expired") \
    X(PROBE, "probe") \
    X(SMTP_4XX, "smtp:4xx") \
    X(SMTP_5XX, "smtp:5xx") \
    X(SMTPD_4XX, "smtpd:4xx") \
    X(SMTPD_5XX, "smtpd:5xx") \
    X(REJECT, "reject") \
    X(REJECT_RBL, "reject:rbl") \
    X(REJECT_HELO, "reject:helo") \
    X(REJECT_RELAY, "reject:relay") \
    X(REJECT_UNKNOWN_USER, "reject:unknown-user") \
    X(REJECT_SENDER, "reject:sender") \
    X(REJECT_CLIENT, "reject:client") \
    X(REJECT_RECIPIENT, "reject:recipient") \
    X(REJECT_GREYLIST, "reject:greylist") \
    X(REJECT_POLICY, "reject:policy") \
    X(REJECT_SIZE, "reject:size") \
    X(REJECT_MILTER, "reject:milter") \
    X(REJECT_HEADER, "reject:header") \
    X(REJECT_BODY, "reject:body") \
    X(REJECT_OTHER, "reject:other") \
    X(REJECT_WARNING, "reject_warning") \
    X(ACTION_HOLD, "hold") \
    X(ACTION_DISCARD, "discard") \
    X(SMTPD_CONNECT, "smtpd:connect") \
    X(SMTPD_LOST, "smtpd:lost") \
    X(SMTPD_TIMEOUT, "smtpd:timeout") \
    X(SASL_AUTH, "sasl:auth") \
    X(SASL_FAILED, "sasl:failed") \
    X(TLS_IN, "tls:in") \
    X(TLS_OUT, "tls:out") \
    X(PS_CONNECT, "postscreen:connect") \
    X(PS_PASS_NEW, "postscreen:pass-new") \
    X(PS_PASS_OLD, "postscreen:pass-old") \
    X(PS_ALLOWLISTED, "postscreen:allowlisted") \
    X(PS_DENYLISTED, "postscreen:denylisted") \
    X(PS_DNSBL, "postscreen:dnsbl") \
    X(PS_PREGREET, "postscreen:pregreet") \
    X(PS_HANGUP, "postscreen:hangup") \
    X(PS_PIPELINING, "postscreen:pipelining") \
    X(PS_NON_SMTP, "postscreen:non-smtp") \
    X(PS_BARE_NEWLINE, "postscreen:bare-newline") \
    X(PS_TIME_LIMIT, "postscreen:time-limit") \
    X(PS_REJECT, "postscreen:reject") \
    X(BOUNCE_NDN, "bounce:non-delivery") \
    X(BOUNCE_DELAY, "bounce:delay") \
    X(BOUNCE_SUCCESS, "bounce:success") \
    X(SPAM, "spam") \
    X(VIRUS, "virus") \
    X(CLEAN, "clean") \
    X(AMAVIS_CLEAN, "amavis:clean") \
    X(AMAVIS_SPAM, "amavis:spam") \
    X(AMAVIS_SPAMMY, "amavis:spammy") \
    X(AMAVIS_INFECTED, "amavis:infected") \
    X(AMAVIS_BANNED, "amavis:banned") \
    X(AMAVIS_BAD_HEADER, "amavis:bad-header") \
    X(AMAVIS_UNCHECKED, "amavis:unchecked") \
    X(AMAVIS_BLOCKED, "amavis:blocked") \
    X(SPAMD_CLEAN, "spamd:clean") \
    X(SPAMD_SPAM, "spamd:spam") \
    X(CLAMAV_INFECTED, "clamav:infected") \
    X(CLAMAV_CLEAN, "clamav:clean") \
    X(RSPAMD_NO_ACTION, "rspamd:no-action") \
    X(RSPAMD_GREYLIST, "rspamd:greylist") \
    X(RSPAMD_ADD_HEADER, "rspamd:add-header") \
    X(RSPAMD_REWRITE_SUBJECT, "rspamd:rewrite-subject") \
    X(RSPAMD_SOFT_REJECT, "rspamd:soft-reject") \
    X(RSPAMD_REJECT, "rspamd:reject") \
    X(IGNORED_CLIENT, "ignored:client") \
    X(IGNORED_RELAY, "ignored:relay") \
    X(OVERFLOW_TRANSPORT, "overflow:transport") \
    X(OVERFLOW_DSN, "overflow:dsn") \
    X(OVERFLOW_PROGRAM, "overflow:program") \
    X(OVERFLOW_SOURCE, "overflow:source") \
    X(OVERFLOW_QUEUE, "overflow:queue") \
    X(HOP_LINKED, "hop:linked") \
    X(HOP_REINJECTED, "hop:reinjected") \
    X(HOP_KEPT, "hop:kept") \
    X(LOOPBACK_UNLINKED, "loopback:unlinked") \
    X(OVERFLOW_LINK, "overflow:link") \
    X(LINES_BAD_NUMBER, "lines:bad-number")

enum pfs_scalar {
#define PFS_X_ENUM(id, name) PFS_##id,
    PFS_SCALARS(PFS_X_ENUM)
#undef PFS_X_ENUM
    PFS_SCALAR_COUNT
};

/*
 * Keyed tables. Each row has a key (a transport name, a status code, a
 * program, "host/syslog_name") and a fixed set of columns. A table holds at
 * most "cap" rows; once full, unknown keys land in the row PFS_OTHER_KEY and
 * the table's overflow scalar counts how often that happened.
 */
enum pfs_table_id {
    PFS_TBL_TRANSPORT,			/* key: transport (service) name */
    PFS_TBL_DSN,			/* key: enhanced status code */
    PFS_TBL_PROGRAM,			/* key: Postfix program */
    PFS_TBL_SOURCE,			/* key: host/syslog_name */
    PFS_TABLE_COUNT
};

enum pfs_transport_col {
    PFS_TC_SENT, PFS_TC_DEFERRED, PFS_TC_BOUNCED, PFS_TC_4XX, PFS_TC_5XX,
    PFS_TC_COUNT
};
enum pfs_dsn_col {
    PFS_DC_DELIVERY, PFS_DC_REJECT, PFS_DC_COUNT
};
enum pfs_program_col {
    PFS_PC_WARNING, PFS_PC_ERROR, PFS_PC_FATAL, PFS_PC_PANIC, PFS_PC_COUNT
};
enum pfs_source_col {
    PFS_SC_LINES, PFS_SC_RECV, PFS_SC_SENT, PFS_SC_DEFERRED, PFS_SC_BOUNCED,
    PFS_SC_REJECT, PFS_SC_COUNT
};

#define PFS_MAX_COLS	6
#define PFS_KEY_MAX	128		/* longest key kept, bytes */
#define PFS_OTHER_KEY	"(other)"

typedef struct PFS_STATS PFS_STATS;

/* Default row caps; the agent's config can change them. */
#define PFS_DEF_CAP_TRANSPORT	1000
#define PFS_DEF_CAP_DSN		1000
#define PFS_DEF_CAP_PROGRAM	200
#define PFS_DEF_CAP_SOURCE	10000

extern PFS_STATS *pfs_stats_create(const size_t caps[PFS_TABLE_COUNT]);
extern void pfs_stats_free(PFS_STATS *);

/* Scalars. */
extern const char *pfs_scalar_name(enum pfs_scalar);
extern uint64_t pfs_scalar_get(const PFS_STATS *, enum pfs_scalar);
extern void pfs_scalar_add(PFS_STATS *, enum pfs_scalar, uint64_t);
extern void pfs_scalar_set(PFS_STATS *, enum pfs_scalar, uint64_t);

#define pfs_scalar_inc(s, id) pfs_scalar_add((s), (id), 1)

/* Keyed tables. Rows keep their number for the life of the store. */
extern const char *pfs_table_name(enum pfs_table_id);
extern size_t pfs_table_ncols(enum pfs_table_id);
extern const char *pfs_table_colname(enum pfs_table_id, size_t col);
extern size_t pfs_table_rows(const PFS_STATS *, enum pfs_table_id);
extern size_t pfs_table_cap(const PFS_STATS *, enum pfs_table_id);
extern const char *pfs_table_key(const PFS_STATS *, enum pfs_table_id, size_t row);
extern uint64_t pfs_table_get(const PFS_STATS *, enum pfs_table_id, size_t row, size_t col);

/* Find or add the row for key (len bytes); never fails: full -> other row. */
extern size_t pfs_table_row(PFS_STATS *, enum pfs_table_id, const char *key, size_t len);
extern void pfs_table_add(PFS_STATS *, enum pfs_table_id, size_t row, size_t col, uint64_t);

/*
 * Flat view for --once, the state file and tests: every counter under its
 * external name ("sent:smtp", "warning:smtpd", "source:mx1/postfix:recv").
 * The callback sees scalars first, then tables in table/row/column order;
 * pfs_stats_names() gives the same set sorted by name.
 */
typedef void (*PFS_STATS_VISIT) (const char *name, uint64_t value, void *ctx);
extern void pfs_stats_visit(const PFS_STATS *, PFS_STATS_VISIT, void *ctx);
extern int pfs_stats_flat_name(char *buf, size_t len, enum pfs_table_id,
			               const char *key, size_t col);

/* Set a counter by its external name (state restore). 0 = ok, -1 = unknown. */
extern int pfs_stats_set_by_name(PFS_STATS *, const char *name, uint64_t value);

/*
 * Stores filled apart and added up in order (pfs_parser_settle_batch()):
 * a hook that sees every new row; the row of one store's key in another
 * (found or added as pfs_table_row() does); one row's cells added to
 * another's.
 */
typedef void (*PFS_STATS_ROW_FN) (enum pfs_table_id, size_t row, void *ctx);
extern void pfs_stats_on_row(PFS_STATS *, PFS_STATS_ROW_FN, void *ctx);
extern size_t pfs_stats_row_from(PFS_STATS *, enum pfs_table_id, const PFS_STATS *src,
				         size_t srow);
extern void pfs_stats_add_row(PFS_STATS *, enum pfs_table_id, size_t row,
			              const PFS_STATS *src, size_t srow, uint64_t calls);

/*
 * Stores filled apart and added up in order (pfs_parser_settle()): a hook
 * that sees every new row; the row of one store's key in another (found
 * or added as pfs_table_row() does); one row's cells added to another's.
 */
typedef void (*PFS_STATS_ROW_FN) (enum pfs_table_id, size_t row, void *ctx);
extern void pfs_stats_on_row(PFS_STATS *, PFS_STATS_ROW_FN, void *ctx);
extern size_t pfs_stats_row_from(PFS_STATS *, enum pfs_table_id, const PFS_STATS *src,
				         size_t srow);
extern void pfs_stats_add_row(PFS_STATS *, enum pfs_table_id, size_t row,
			              const PFS_STATS *src, size_t srow, uint64_t calls);

#endif
