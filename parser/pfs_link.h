/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_LINK_H
#define PFS_LINK_H

/*++
 * NAME
 *	pfs_link 3h
 * SUMMARY
 *	the pieces that link a re-injected mail to its original
 * SYNOPSIS
 *	#include "pfs_link.h"
 * DESCRIPTION
 *	See pfs_link.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include "pfs_qtable.h"
#include "pfs_syslog.h"

/*
 * How long a receipt that may be a re-injected copy waits for the hop
 * line that would say so: this much log time, or this many lines,
 * whichever comes first.
 */
#define PFS_LINK_WAIT_SECONDS	60
#define PFS_LINK_WAIT_LINES	100000

#define PFS_LINK_FILTERS	32	/* filter relays remembered */
#define PFS_LINK_RELAY_MAX	95	/* longest relay kept */

typedef struct PFS_LINK PFS_LINK;

extern PFS_LINK *pfs_link_create(void);
extern void pfs_link_free(PFS_LINK *);

/*
 * Relays that handed a mail back (a content filter), per source: keyed by
 * the source's identity (sid, as messages in flight are); the row of the
 * per-source table is kept to name the source.
 */
extern void pfs_link_learn(PFS_LINK *, uint64_t sid, uint32_t source, const char *relay,
			           size_t len);
extern int pfs_link_known(const PFS_LINK *, uint64_t sid, const char *relay, size_t len);
extern size_t pfs_link_count(const PFS_LINK *);
extern const char *pfs_link_get(const PFS_LINK *, size_t i, uint64_t *sid,
				        uint32_t *source);

/* The first loopback relay that could not be linked, for one message. */
extern void pfs_link_note_unlinked(PFS_LINK *, const char *relay, size_t len);
extern const char *pfs_link_unlinked(const PFS_LINK *);

/* Text of the log lines. */
extern int pfs_link_queued_as(const char *text, size_t len, struct pfs_str *id);
extern int pfs_link_orig_queue_id(const char *text, size_t len, struct pfs_str *id);
extern int pfs_link_loopback(struct pfs_str peer);

/* The wait: has it ended for this pending entry? */
extern int64_t pfs_link_secs(const struct pfs_time *);
extern int pfs_link_wait_over(const struct pfs_qentry *, int64_t now, uint64_t lines);

#endif
