/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_delays 3
 * SUMMARY
 *	delivery delays per transport: sums, stages, maximum, histogram
 * SYNOPSIS
 *	#include "pfs_delays.h"
#include "pfs_log.h"
 *
 *	PFS_DELAYS *pfs_delays_create(cap)
 *
 *	void	pfs_delays_add(delays, transport, len, delay_ms, stages_ms)
 *
 *	void	pfs_delays_add_filtered(delays, transport, len, delay_ms,
 *					stages_ms, filter_ms)
 *
 *	size_t	pfs_delays_rows(delays)
 *
 *	const struct pfs_delay_row *pfs_delays_row(delays, row)
 *
 *	size_t	pfs_delays_find(delays, key, len)
 *
 *	uint64_t pfs_delays_take_max(delays, row)
 *
 *	uint64_t pfs_delays_overflow(delays)
 *
 *	json_t	*pfs_delays_save(delays)
 *
 *	int	pfs_delays_check(json, err, errlen)
 *
 *	void	pfs_delays_load(delays, json)
 * DESCRIPTION
 *	For each transport (the same name as the transport table: the
 *	master.cf service, else the program), pfs_delays_add() takes one
 *	final delivery, that is a status line with status=sent or
 *	status=bounced, and adds its delay= to a sum and a count, each of
 *	the four delays=a/b/c/d stages to their sums, the delay to one
 *	histogram bucket, and remembers the largest delay. Deferred
 *	attempts are not final and the caller does not pass them: a message
 *	retried for a day would otherwise count once per attempt.
 *
 *	pfs_delays_add_filtered() takes the final delivery of a mail that
 *	an after-queue content filter handed back: filter_ms is the time
 *	from the mail's first arrival to the filter's reply (the delay= of
 *	its hop, pfs_parser(3)). The mail's delay is filter_ms plus the
 *	final line's delay=: that is what the sum, the histogram and the
 *	maximum take; the stage sums take the final line's four stages,
 *	and a fifth sum, filter_sum_ms, takes filter_ms.
 *
 *	Sums and counts are counters: an NMS gets the mean delay over a
 *	polling interval as the difference of the sums divided by the
 *	difference of the counts, and percentiles from the buckets.
 *	pfs_delays_take_max() returns the largest delay since its last
 *	call and starts over (a gauge for one poller).
 *
 *	The table holds at most cap rows, the row "(other)" included: once
 *	it is full, new transports add to "(other)" and
 *	pfs_delays_overflow() counts how often that happened. Rows keep
 *	their number for the life of the table.
 *
 *	pfs_delays_save() returns the whole table as a JSON object (jansson)
 *	for the saved state; pfs_delays_check() validates such an object
 *	and pfs_delays_load() adds it to an empty table.
 * DIAGNOSTICS
 *	Allocation failure is fatal (pfs_util.h). pfs_delays_check()
 *	returns -1 with a sentence in err.
 * SECURITY
 *	Transport names come from the log: they are cut at PFS_KEY_MAX - 1
 *	bytes and stored without interpretation.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_delays.h"
#include "pfs_log.h"
#include "pfs_util.h"

const uint64_t pfs_delay_bucket_le_ms[PFS_DELAY_NBUCKETS - 1] = {
    1000, 5000, 30000, 300000, 3600000,
};

const char *const pfs_delay_bucket_name[PFS_DELAY_NBUCKETS] = {
    "le1s", "le5s", "le30s", "le5m", "le1h", "more",
};

struct PFS_DELAYS {
    struct pfs_delay_row *rows;
    size_t  nrows, alloc, cap;
    size_t  other;			/* row of PFS_OTHER_KEY, or NONE */
    uint32_t *index;			/* row + 1, 0 = free */
    size_t  isize;			/* power of two */
    uint64_t overflow;
};

/* hash_key - FNV-1a */

static uint32_t hash_key(const char *key, size_t len)
{
    uint32_t h = 2166136261u;

    while (len-- > 0)
	h = (h ^ (unsigned char) *key++) * 16777619u;
    return (h);
}

/* slot_of - index slot holding key, or the free slot where it would go */

static size_t slot_of(const PFS_DELAYS *d, const char *key, size_t len)
{
    size_t  mask = d->isize - 1;
    size_t  i = hash_key(key, len) & mask;
    const struct pfs_delay_row *r;

    for (;;) {
	if (d->index[i] == 0)
	    return (i);
	r = d->rows + d->index[i] - 1;
	if (strlen(r->key) == len && memcmp(r->key, key, len) == 0)
	    return (i);
	i = (i + 1) & mask;
    }
}

/* grow_index - double the index and rehash */

static void grow_index(PFS_DELAYS *d)
{
    uint32_t *old = d->index;
    size_t  osize = d->isize;
    size_t  i;

    d->isize = osize ? osize * 2 : 16;
    d->index = pfs_calloc(d->isize, sizeof(*d->index));
    for (i = 0; i < osize; i++)
	if (old[i])
	    d->index[slot_of(d, d->rows[old[i] - 1].key,
			     strlen(d->rows[old[i] - 1].key))] = old[i];
    free(old);
}

/* pfs_delays_create - empty table of at most cap rows */

PFS_DELAYS *pfs_delays_create(size_t cap)
{
    PFS_DELAYS *d = pfs_calloc(1, sizeof(*d));

    d->cap = cap < 2 ? 2 : cap;
    if (d->cap > UINT32_MAX / 4)
	d->cap = UINT32_MAX / 4;
    d->other = PFS_DELAYS_NONE;
    grow_index(d);
    return (d);
}

/* pfs_delays_free - release */

void    pfs_delays_free(PFS_DELAYS *d)
{
    if (d == 0)
	return;
    free(d->rows);
    free(d->index);
    free(d);
}

/* add_row - append a row for key; the caller checked the cap */

static size_t add_row(PFS_DELAYS *d, const char *key, size_t len)
{
    struct pfs_delay_row *r;

    if (d->nrows == d->alloc) {
	d->alloc = d->alloc ? 2 * d->alloc : 16;
	d->rows = pfs_reallocarray(d->rows, d->alloc, sizeof(*d->rows));
    }
    r = d->rows + d->nrows;
    memset(r, 0, sizeof(*r));
    memcpy(r->key, key, len);
    r->key[len] = 0;
    d->nrows++;
    if (2 * d->nrows > d->isize)
	grow_index(d);
    else
	d->index[slot_of(d, key, len)] = (uint32_t) d->nrows;
    return (d->nrows - 1);
}

/* pfs_delays_find - the row of key, or PFS_DELAYS_NONE */

size_t  pfs_delays_find(const PFS_DELAYS *d, const char *key, size_t len)
{
    size_t  slot;

    if (len > PFS_KEY_MAX - 1)
	len = PFS_KEY_MAX - 1;
    slot = slot_of(d, key, len);
    return (d->index[slot] ? d->index[slot] - 1 : PFS_DELAYS_NONE);
}

/* row_for - find or add; full table -> "(other)" */

static size_t row_for(PFS_DELAYS *d, const char *key, size_t len)
{
    size_t  row;

    if (len > PFS_KEY_MAX - 1)
	len = PFS_KEY_MAX - 1;
    if ((row = pfs_delays_find(d, key, len)) != PFS_DELAYS_NONE)
	return (row);
    if (d->nrows + (d->other == PFS_DELAYS_NONE ? 1 : 0) < d->cap)
	return (add_row(d, key, len));
    d->overflow++;
    if (d->other == PFS_DELAYS_NONE)
	d->other = add_row(d, PFS_OTHER_KEY, sizeof(PFS_OTHER_KEY) - 1);
    return (d->other);
}

/* bucket_of - histogram bucket of a delay */

static int bucket_of(uint64_t ms)
{
    int     i;

    for (i = 0; i < PFS_DELAY_NBUCKETS - 1; i++)
	if (ms <= pfs_delay_bucket_le_ms[i])
	    return (i);
    return (PFS_DELAY_NBUCKETS - 1);
}

/* pfs_delays_add - one final delivery */

void    pfs_delays_add(PFS_DELAYS *d, const char *transport, size_t len,
		               uint64_t delay_ms, const uint64_t stages_ms[PFS_DS_COUNT])
{
    pfs_delays_add_filtered(d, transport, len, delay_ms, stages_ms, 0);
}

/* pfs_delays_add_filtered - one final delivery, time before a filter first */

void    pfs_delays_add_filtered(PFS_DELAYS *d, const char *transport, size_t len,
		                uint64_t delay_ms, const uint64_t stages_ms[PFS_DS_COUNT],
				        uint64_t filter_ms)
{
    size_t  row = row_for(d, transport, len);	/* may move the rows */
    struct pfs_delay_row *r = d->rows + row;
    int     i;

    delay_ms += filter_ms;
    r->filter_sum_ms += filter_ms;
    r->count++;
    r->sum_ms += delay_ms;
    for (i = 0; i < PFS_DS_COUNT; i++)
	r->stage_sum_ms[i] += stages_ms[i];
    r->bucket[bucket_of(delay_ms)]++;
    if (delay_ms > r->max_ms)
	r->max_ms = delay_ms;
}

/* pfs_delays_rows - rows so far */

size_t  pfs_delays_rows(const PFS_DELAYS *d)
{
    return (d->nrows);
}

/* pfs_delays_row - one row, read-only */

const struct pfs_delay_row *pfs_delays_row(const PFS_DELAYS *d, size_t row)
{
    return (row < d->nrows ? d->rows + row : 0);
}

/* pfs_delays_take_max - largest delay since the last call; starts over */

uint64_t pfs_delays_take_max(PFS_DELAYS *d, size_t row)
{
    uint64_t max;

    if (row >= d->nrows)
	return (0);
    max = d->rows[row].max_ms;
    d->rows[row].max_ms = 0;
    return (max);
}

/* pfs_delays_overflow - transports that landed in "(other)" */

uint64_t pfs_delays_overflow(const PFS_DELAYS *d)
{
    return (d->overflow);
}

/* pfs_delays_cap - most rows */

size_t  pfs_delays_cap(const PFS_DELAYS *d)
{
    return (d->cap);
}

/* u64_array - JSON array of n counters */

static json_t *u64_array(const uint64_t *v, size_t n)
{
    json_t *a = json_array();
    size_t  i;

    if (a == 0)
	fatalx("out of memory saving delays");
    for (i = 0; i < n; i++)
	if (json_array_append_new(a, json_integer((json_int_t) v[i])) < 0)
	    fatalx("out of memory saving delays");
    return (a);
}

/* pfs_delays_save - the table as JSON */

json_t *pfs_delays_save(const PFS_DELAYS *d)
{
    json_t *rows = json_array();
    json_t *o;
    size_t  i;

    if (rows == 0)
	fatalx("out of memory saving delays");
    for (i = 0; i < d->nrows; i++) {
	const struct pfs_delay_row *r = d->rows + i;

	o = json_pack("{s:s, s:I, s:I, s:o, s:o}",
		      "transport", r->key,
		      "count", (json_int_t) r->count,
		      "sum_ms", (json_int_t) r->sum_ms,
		      "stage_sum_ms", u64_array(r->stage_sum_ms, PFS_DS_COUNT),
		      "buckets", u64_array(r->bucket, PFS_DELAY_NBUCKETS));
	if (o == 0 || json_array_append_new(rows, o) < 0)
	    fatalx("out of memory saving delays");
	/* Optional member: older state files have none. */
	if (r->filter_sum_ms > 0
	    && json_object_set_new(o, "filter_sum_ms",
				   json_integer((json_int_t) r->filter_sum_ms)) < 0)
	    fatalx("out of memory saving delays");
    }
    o = json_pack("{s:I, s:o}", "overflow", (json_int_t) d->overflow, "rows", rows);
    if (o == 0)
	fatalx("out of memory saving delays");
    return (o);
}

/* check_u64s - an array of exactly n non-negative integers */

static int check_u64s(const json_t *a, size_t n)
{
    size_t  i;
    json_t *v;

    if (!json_is_array(a) || json_array_size(a) != n)
	return (-1);
    json_array_foreach(a, i, v)
	if (!json_is_integer(v) || json_integer_value(v) < 0)
	return (-1);
    return (0);
}

/* is_count - a non-negative integer */

static int is_count(const json_t *v)
{
    return (json_is_integer(v) && json_integer_value(v) >= 0);
}

/* pfs_delays_check - validate a saved table */

int     pfs_delays_check(const json_t *o, char *err, size_t errlen)
{
    const json_t *rows = json_object_get(o, "rows");
    const json_t *r;
    const char *key;
    size_t  i;

    if (!json_is_object(o) || !is_count(json_object_get(o, "overflow"))
	|| !json_is_array(rows)) {
	snprintf(err, errlen, "delays: not an object with overflow and rows");
	return (-1);
    }
    json_array_foreach(rows, i, r) {
	if (!json_is_object(r)
	    || (key = json_string_value(json_object_get(r, "transport"))) == 0
	    || *key == 0 || strlen(key) > PFS_KEY_MAX - 1
	    || !is_count(json_object_get(r, "count"))
	    || !is_count(json_object_get(r, "sum_ms"))
	    || check_u64s(json_object_get(r, "stage_sum_ms"), PFS_DS_COUNT) < 0
	    || check_u64s(json_object_get(r, "buckets"), PFS_DELAY_NBUCKETS) < 0
	    || (json_object_get(r, "filter_sum_ms") != 0
		&& !is_count(json_object_get(r, "filter_sum_ms")))) {
	    snprintf(err, errlen, "delays: row %zu is malformed", i);
	    return (-1);
	}
    }
    return (0);
}

/* pfs_delays_load - add a checked table */

void    pfs_delays_load(PFS_DELAYS *d, const json_t *o)
{
    const json_t *r;
    size_t  i, j, row;

    d->overflow += (uint64_t) json_integer_value(json_object_get(o, "overflow"));
    json_array_foreach(json_object_get(o, "rows"), i, r) {
	const char *key = json_string_value(json_object_get(r, "transport"));
	struct pfs_delay_row *dr;

	/* A smaller cap than before: surplus rows go to "(other)". */
	row = row_for(d, key, strlen(key));
	dr = d->rows + row;
	dr->count += (uint64_t) json_integer_value(json_object_get(r, "count"));
	dr->sum_ms += (uint64_t) json_integer_value(json_object_get(r, "sum_ms"));
	dr->filter_sum_ms += (uint64_t) json_integer_value(json_object_get(r, "filter_sum_ms"));
	for (j = 0; j < PFS_DS_COUNT; j++)
	    dr->stage_sum_ms[j] += (uint64_t) json_integer_value(
			  json_array_get(json_object_get(r, "stage_sum_ms"), j));
	for (j = 0; j < PFS_DELAY_NBUCKETS; j++)
	    dr->bucket[j] += (uint64_t) json_integer_value(
			       json_array_get(json_object_get(r, "buckets"), j));
    }
}
