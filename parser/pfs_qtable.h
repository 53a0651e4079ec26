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

#define PFS_QID_MAX	31		/* longest queue ID kept */
#define PFS_ACCOUNT_MAX	63		/* longest account name kept */

/* Where a message came from. */
enum pfs_origin {
    PFS_ORIGIN_SMTP = 1,		/* smtpd/qmqpd client= */
    PFS_ORIGIN_LOCAL = 2,		/* pickup */
};

#define PFS_QF_COUNTED	(1<<0)		/* recv:* already counted */
#define PFS_QF_CLIENT	(1<<1)		/* account is the smtpd client's address */

struct pfs_qentry {
    uint32_t source;			/* source table row */
    uint8_t qlen;
    uint8_t origin;			/* enum pfs_origin */
    uint8_t flags;			/* PFS_QF_* */
    char    qid[PFS_QID_MAX + 1];
    char    account[PFS_ACCOUNT_MAX + 1];	/* SASL user, "uid=N", or address */
};

typedef struct PFS_QTABLE PFS_QTABLE;

extern PFS_QTABLE *pfs_qtable_create(size_t cap);
extern void pfs_qtable_free(PFS_QTABLE *);

/* Find an entry; NULL if absent. */
extern struct pfs_qentry *pfs_qtable_find(PFS_QTABLE *, uint32_t source,
					          const char *qid, size_t len);

/*
 * Add (or reset) an entry. When the table is full, the oldest entry is
 * evicted first and *evicted is set to 1.
 */
extern struct pfs_qentry *pfs_qtable_add(PFS_QTABLE *, uint32_t source,
			            const char *qid, size_t len, int *evicted);
extern void pfs_qtable_remove(PFS_QTABLE *, struct pfs_qentry *);
extern size_t pfs_qtable_count(const PFS_QTABLE *);

/* Oldest first, for the state file. */
typedef void (*PFS_QTABLE_VISIT) (const struct pfs_qentry *, void *);
extern void pfs_qtable_visit(const PFS_QTABLE *, PFS_QTABLE_VISIT, void *);

#endif
