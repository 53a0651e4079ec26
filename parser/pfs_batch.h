/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_BATCH_H
#define PFS_BATCH_H

/*++
 * NAME
 *	pfs_batch 3h
 * SUMMARY
 *	what a worker found in one block of lines, to be settled in order
 * SYNOPSIS
 *	#include "pfs_batch.h"
 * DESCRIPTION
 *	See pfs_batch.c.
 *--*/

#include <stddef.h>

#include "pfs_stats.h"

typedef struct PFS_BATCH PFS_BATCH;

extern PFS_BATCH *pfs_batch_create(void);
extern void pfs_batch_free(PFS_BATCH *);
extern void pfs_batch_reset(PFS_BATCH *);

/* The block's own counters: tables without caps. */
extern PFS_STATS *pfs_batch_stats(PFS_BATCH *);

/* Records, appended and read in order; sizes are multiples of 8. */
extern void *pfs_batch_append(PFS_BATCH *, size_t size);
extern const void *pfs_batch_records(const PFS_BATCH *, size_t *len);

#endif
