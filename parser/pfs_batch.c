/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_batch 3
 * SUMMARY
 *	what a worker found in one block of lines, to be settled in order
 * SYNOPSIS
 *	#include "pfs_batch.h"
 *
 *	PFS_BATCH *pfs_batch_create()
 *
 *	PFS_STATS *pfs_batch_stats(batch)
 *
 *	void	*pfs_batch_append(batch, size)
 *
 *	const void *pfs_batch_records(batch, len)
 *
 *	void	pfs_batch_reset(batch)
 *
 *	void	pfs_batch_free(batch)
 * DESCRIPTION
 *	A log read on several threads is cut into blocks of whole lines; a
 *	worker parses a block into a batch (pfs_parser_batch()), and the
 *	thread that owns the real parser settles the batches one after the
 *	other, in log order (pfs_parser_settle()).
 *
 *	A batch holds the block's own counter store, whose tables have no
 *	caps (the caps apply when the rows are settled), and the records
 *	of what depends on earlier lines: an append-only run of
 *	variable-size records whose layout is pfs_parser.c's business.
 *	pfs_batch_append() returns room for one record, 8-byte aligned (not
 *	cleared: the caller fills it); pfs_batch_records() gives them all, in order, with their
 *	total length. pfs_batch_reset() empties the batch for the next
 *	block, keeping its memory.
 * DIAGNOSTICS
 *	Allocation failure is fatal (pfs_util.h).
 *--*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_batch.h"
#include "pfs_util.h"

struct PFS_BATCH {
    PFS_STATS *stats;
    unsigned char *rec;			/* the records */
    size_t  len;
    size_t  alloc;
};

/* new_stats - a store without caps */

static PFS_STATS *new_stats(void)
{
    static const size_t nocap[PFS_TABLE_COUNT] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};

    return (pfs_stats_create(nocap));
}

/* pfs_batch_create - an empty batch */

PFS_BATCH *pfs_batch_create(void)
{
    PFS_BATCH *b = pfs_calloc(1, sizeof(*b));

    b->stats = new_stats();
    return (b);
}

/* pfs_batch_free - release */

void    pfs_batch_free(PFS_BATCH *b)
{
    if (b == 0)
	return;
    pfs_stats_free(b->stats);
    free(b->rec);
    free(b);
}

/* pfs_batch_reset - empty, for the next block */

void    pfs_batch_reset(PFS_BATCH *b)
{
    pfs_stats_free(b->stats);
    b->stats = new_stats();
    b->len = 0;
}

/* pfs_batch_stats - the block's counters */

PFS_STATS *pfs_batch_stats(PFS_BATCH *b)
{
    return (b->stats);
}

/* pfs_batch_append - room for one more record */

void   *pfs_batch_append(PFS_BATCH *b, size_t size)
{
    void   *r;

    size = (size + 7) & ~(size_t) 7;
    if (b->len + size > b->alloc) {
	while (b->len + size > b->alloc)
	    b->alloc = b->alloc ? 2 * b->alloc : 1 << 16;
	b->rec = pfs_reallocarray(b->rec, b->alloc, 1);
    }
    r = b->rec + b->len;
    b->len += size;
    return (r);
}

/* pfs_batch_records - every record, in order */

const void *pfs_batch_records(const PFS_BATCH *b, size_t *len)
{
    *len = b->len;
    return (b->rec);
}
