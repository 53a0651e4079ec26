/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_QTABLE_H
#define PFS_QTABLE_H

/*++
 * NAME
 *	pfs_qtable 3h
 * SUMMARY
 *	bounded table of messages in flight, keyed by queue ID
 * SYNOPSIS
 *	#include "pfs_qtable.h"
 * DESCRIPTION
 *	See pfs_qtable.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include "pfs_syslog.h"

#define PFS_QID_MAX	31		/* longest queue ID kept */
#define PFS_ACCOUNT_MAX	63		/* longest account name kept */

/* Where a message came from. */
enum pfs_origin {
    PFS_ORIGIN_SMTP = 1,		/* smtpd/qmqpd client= */
    PFS_ORIGIN_LOCAL = 2,		/* pickup */
};

#define PFS_QF_COUNTED	(1<<0)		/* recv:* already counted */
/* Following a mail through an after-queue content filter (pfs_parser.c). */
#define PFS_QF_PENDING	(1<<1)		/* qmgr took it; its receipt waits */
#define PFS_QF_COPY	(1<<2)		/* a re-injected copy: never received */
#define PFS_QF_FILTERED	(1<<3)		/* a copy of it was linked */
#define PFS_QF_GONE	(1<<4)		/* removed while its receipt waits */
#define PFS_QF_LOOPBACK	(1<<5)		/* smtpd client on a loopback address */
#define PFS_QF_EXPECTED	(1<<6)		/* a copy named before smtpd logged it */
#define PFS_QF_CLIENT	(1<<7)		/* account is the smtpd client's address */

struct pfs_qentry {
    uint64_t sid;			/* source identity: the key, with qid */
    uint32_t source;			/* source table row (the caller's) */
    uint8_t qlen;
    uint8_t origin;			/* enum pfs_origin */
    uint8_t flags;			/* PFS_QF_* */
    char    qid[PFS_QID_MAX + 1];
    char    account[PFS_ACCOUNT_MAX + 1];	/* SASL user or local sender */
    /* PFS_QF_PENDING: what qmgr's first from= line said, and when. */
    uint32_t nrcpt;
    uint64_t size;
    uint64_t line;			/* the "lines" counter at that line */
    struct pfs_time when;
    /* A re-injected copy: time its mail spent before, in filter hops. */
    uint64_t hop_ms;
#define PFS_QF_CLIENT	(1<<7)		/* account is the smtpd client's address */
};

typedef struct PFS_QTABLE PFS_QTABLE;

extern PFS_QTABLE *pfs_qtable_create(size_t cap);
extern void pfs_qtable_free(PFS_QTABLE *);

/* Find an entry; NULL if absent. */
extern struct pfs_qentry *pfs_qtable_find(PFS_QTABLE *, uint64_t sid,
					          const char *qid, size_t len);

/*
 * Add (or reset) an entry. When the table is full, the oldest entry is
 * evicted first and *evicted is set to 1.
 */
extern struct pfs_qentry *pfs_qtable_add(PFS_QTABLE *, uint64_t sid,
			            const char *qid, size_t len, int *evicted);
extern void pfs_qtable_remove(PFS_QTABLE *, struct pfs_qentry *);
extern size_t pfs_qtable_count(const PFS_QTABLE *);

/*
 * Entries whose receipt waits (PFS_QF_PENDING), oldest first: the caller
 * appends an entry once, and takes it off before or when it decides.
 * Removing or evicting an entry takes it off too.
 */
extern void pfs_qtable_pend(PFS_QTABLE *, struct pfs_qentry *);
extern void pfs_qtable_unpend(PFS_QTABLE *, struct pfs_qentry *);
extern struct pfs_qentry *pfs_qtable_pending(const PFS_QTABLE *);
extern size_t pfs_qtable_npending(const PFS_QTABLE *);

/* Called with the oldest entry just before the full table evicts it. */
typedef void (*PFS_QTABLE_EVICT) (struct pfs_qentry *, void *);
extern void pfs_qtable_set_evict(PFS_QTABLE *, PFS_QTABLE_EVICT, void *);

/* Oldest first, for the state file. */
typedef void (*PFS_QTABLE_VISIT) (const struct pfs_qentry *, void *);
extern void pfs_qtable_visit(const PFS_QTABLE *, PFS_QTABLE_VISIT, void *);

#endif
