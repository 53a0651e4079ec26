/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_PARSER_H
#define PFS_PARSER_H

/*++
 * NAME
 *	pfs_parser 3h
 * SUMMARY
 *	classify Postfix and content-filter log lines into counters
 * SYNOPSIS
 *	#include "pfs_parser.h"
 * DESCRIPTION
 *	See pfs_parser.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include "pfs_stats.h"
#include "pfs_syslog.h"
#include "pfs_batch.h"
#include "pfs_qtable.h"

typedef struct PFS_PARSER PFS_PARSER;

/* What a caller may set; zero means the default. */
struct pfs_parser_opts {
    const char *const *ignore_clients;	/* smtpd client name, address */
    size_t  n_ignore_clients;
    const char *const *ignore_relays;	/* relay name, address, addr:port */
    size_t  n_ignore_relays;
    int     ignore_localhost;		/* 127.0.0.0/8 and ::1, both sides */
    size_t  queue_cap;			/* messages in flight remembered */
    int     patterns_only;		/* tests: no hand scanner (pfs_status) */
};

#define PFS_DEF_QUEUE_CAP	100000

/*
 * Events for consumers beyond the counters (delays, accounts, baselines).
 * Pointers are valid only during the callback.
 */
enum pfs_event_type {
    PFS_EV_RECEIVED,			/* qmgr took a message for the first time */
    PFS_EV_DELIVERY,			/* one delivery status line */
    PFS_EV_REJECT,			/* smtpd/postscreen/cleanup reject */
    PFS_EV_EXPIRED,			/* returned after maximal_queue_lifetime */
    PFS_EV_VERDICT,			/* content filter verdict */
};

enum pfs_status {
    PFS_ST_SENT, PFS_ST_DEFERRED, PFS_ST_BOUNCED, PFS_ST_SOFTBOUNCE,
    PFS_ST_PROBE,
};

enum pfs_verdict {
    PFS_VD_CLEAN, PFS_VD_SPAM, PFS_VD_VIRUS, PFS_VD_OTHER,
    PFS_VD_NOVIRUS,			/* ClamAV: no virus (nothing about spam) */
};

struct pfs_event {
    enum pfs_event_type type;
    const struct pfs_syslog *hdr;	/* time, host, tag of the line */
    const struct pfs_qentry *msg;	/* the message, when known */
    struct pfs_str qid;
    struct pfs_str transport;		/* DELIVERY */
    struct pfs_str relay;		/* DELIVERY */
    enum pfs_status status;		/* DELIVERY */
    int     dsn_class;			/* 2, 4, 5; 0 if none */
    uint64_t delay_ms;			/* DELIVERY: delay= */
    uint64_t delays_ms[4];		/* DELIVERY: delays=a/b/c/d */
    struct pfs_str sender;		/* RECEIVED: the envelope sender */
    uint64_t size;			/* RECEIVED */
    unsigned nrcpt;			/* RECEIVED */
    enum pfs_verdict verdict;		/* VERDICT */
    uint64_t filter_ms;			/* DELIVERY: time in filter hops before */
    int     again;			/* VERDICT: the mail had one (pfs_scans) */
};

typedef void (*PFS_EVENT_FN) (const struct pfs_event *, void *ctx);

extern PFS_PARSER *pfs_parser_create(PFS_STATS *, const struct pfs_parser_opts *,
				             char *err, size_t errlen);
extern void pfs_parser_free(PFS_PARSER *);
extern void pfs_parser_set_event(PFS_PARSER *, PFS_EVENT_FN, void *);

/* One line without its newline; flags from pfs_lines.h. */
extern void pfs_parser_line(PFS_PARSER *, const char *line, size_t len, int flags);

/* Messages in flight, for the state file. */
extern PFS_QTABLE *pfs_parser_qtable(PFS_PARSER *);

/*
 * Following mail through a content filter. pfs_parser_flush() counts every
 * receipt that still waits for a possible link (end of input, or a log
 * that has been quiet); pfs_parser_pending() says how many wait.
 * pfs_parser_restore() puts the waiting messages of a restored table back
 * in line. Filter relays learned, for the state file: pfs_parser_filter()
 * lists them with their source's identity and row (NULL past the end),
 * pfs_parser_add_filter() restores one. pfs_parser_unlinked_relay() names
 * the first loopback relay whose delivery could not be linked (NULL if
 * none).
 */
extern void pfs_parser_flush(PFS_PARSER *);
extern size_t pfs_parser_pending(const PFS_PARSER *);
extern void pfs_parser_restore(PFS_PARSER *);
extern const char *pfs_parser_filter(const PFS_PARSER *, size_t i, uint64_t *sid,
				             uint32_t *source);
extern void pfs_parser_add_filter(PFS_PARSER *, uint64_t sid, uint32_t source,
				          const char *relay);
extern const char *pfs_parser_unlinked_relay(const PFS_PARSER *);

/*
 * A log read on several threads. A worker (pfs_parser_worker(), one per
 * thread, for the parser p that counts) parses a block of whole lines,
 * those that start before limit, into a batch (pfs_parser_batch()); p's
 * thread settles the batches in log order (pfs_parser_settle_batch()).
 * Whatever the blocks, the counters and events are those that feeding
 * every line to p gives. The block's bytes must stay in place until it
 * is settled. A worker records events if p had a function for them
 * when the worker was made.
 */
extern PFS_PARSER *pfs_parser_worker(const PFS_PARSER *p, char *err, size_t errlen);
extern size_t pfs_parser_batch(PFS_PARSER *, PFS_BATCH *, const char *buf, size_t len,
			               size_t limit);
extern void pfs_parser_settle_batch(PFS_PARSER *, PFS_BATCH *);

/*
 * The identity of a source ("host/syslog_name", the per-source table's
 * key) that messages in flight are keyed by, whatever row the source got.
 */
extern uint64_t pfs_parser_source_id(const char *key, size_t len);

#endif
