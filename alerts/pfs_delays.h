/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_DELAYS_H
#define PFS_DELAYS_H

/*++
 * NAME
 *	pfs_delays 3h
 * SUMMARY
 *	delivery delays per transport: sums, stages, maximum, histogram
 * SYNOPSIS
 *	#include "pfs_delays.h"
 * DESCRIPTION
 *	See pfs_delays.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pfs_stats.h"

/*
 * Histogram buckets: delay <= 1 s, <= 5 s, <= 30 s, <= 5 min, <= 1 h, more.
 * Each delay counts in exactly one bucket (not cumulative).
 */
#define PFS_DELAY_NBUCKETS	6
extern const uint64_t pfs_delay_bucket_le_ms[PFS_DELAY_NBUCKETS - 1];
extern const char *const pfs_delay_bucket_name[PFS_DELAY_NBUCKETS];

/* The four stages of delays=a/b/c/d. */
enum pfs_delay_stage {
    PFS_DS_BEFORE_QMGR,			/* a: before the queue manager */
    PFS_DS_IN_QMGR,			/* b: in the queue manager */
    PFS_DS_SETUP,			/* c: connection setup (DNS, HELO, TLS) */
    PFS_DS_TRANSMIT,			/* d: message transmission */
    PFS_DS_COUNT
};

struct pfs_delay_row {
    char    key[PFS_KEY_MAX];		/* transport, NUL-terminated */
    uint64_t count;			/* final outcomes: sent + bounced */
    uint64_t sum_ms;			/* delay= */
    uint64_t stage_sum_ms[PFS_DS_COUNT];	/* delays=a/b/c/d */
    uint64_t bucket[PFS_DELAY_NBUCKETS];
    uint64_t max_ms;			/* largest since pfs_delays_take_max() */
    uint64_t filter_sum_ms;		/* part of sum_ms before a content filter */
};

typedef struct PFS_DELAYS PFS_DELAYS;

extern PFS_DELAYS *pfs_delays_create(size_t cap);
extern void pfs_delays_free(PFS_DELAYS *);

/* One final delivery (status sent or bounced). */
extern void pfs_delays_add(PFS_DELAYS *, const char *transport, size_t len,
			           uint64_t delay_ms, const uint64_t stages_ms[PFS_DS_COUNT]);

/* The same for a mail that spent filter_ms before a content filter's hop. */
extern void pfs_delays_add_filtered(PFS_DELAYS *, const char *transport, size_t len,
		                uint64_t delay_ms, const uint64_t stages_ms[PFS_DS_COUNT],
				            uint64_t filter_ms);

/* Rows in order of first appearance; numbers never change. */
extern size_t pfs_delays_rows(const PFS_DELAYS *);
extern const struct pfs_delay_row *pfs_delays_row(const PFS_DELAYS *, size_t row);
extern size_t pfs_delays_find(const PFS_DELAYS *, const char *key, size_t len);
extern uint64_t pfs_delays_take_max(PFS_DELAYS *, size_t row);
extern uint64_t pfs_delays_overflow(const PFS_DELAYS *);
extern size_t pfs_delays_cap(const PFS_DELAYS *);

/* Saved state: an object; load checks everything before it changes anything. */
extern json_t *pfs_delays_save(const PFS_DELAYS *);
extern int pfs_delays_check(const json_t *, char *err, size_t errlen);
extern void pfs_delays_load(PFS_DELAYS *, const json_t *);

#define PFS_DELAYS_NONE	((size_t) -1)

#endif
