/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_stats 3
 * SUMMARY
 *	the counter store: fixed scalars and capped keyed tables
 * SYNOPSIS
 *	#include "pfs_stats.h"
 *
 *	PFS_STATS *pfs_stats_create(caps)
 *
 *	size_t	pfs_table_row(stats, table, key, len)
 *
 *	void	pfs_stats_visit(stats, visit, ctx)
 * DESCRIPTION
 *	The store holds every counter as an unsigned 64-bit number. Nothing
 *	but an explicit pfs_*_set() lowers a counter: log rotation and
 *	reconnects never reset it.
 *
 *	Scalars are an array indexed by enum pfs_scalar. Keyed tables map a
 *	short string to a row of columns; rows are numbered in order of first
 *	appearance and keep that number, so that a caller (the SNMP glue) can
 *	mirror them incrementally. Lookup is by open-addressing hash.
 *
 *	Each table holds at most its cap of rows. The last free place is
 *	reserved for the row PFS_OTHER_KEY: keys that arrive after the table
 *	is full add to that row, and the table's overflow scalar counts them,
 *	so totals are never lost and memory stays bounded whatever the log.
 *
 *	A log read on several threads is counted in stores of its own, one
 *	per block of lines, with no caps, then added to the main store in
 *	log order (pfs_parser_settle_batch()). pfs_stats_on_row() names a
 *	function that hears of every row a store adds, so that the rows can
 *	be added to the main store in the order one thread would have added
 *	them; pfs_stats_row_from() finds or adds, in the main store, the row
 *	of a block's key, as pfs_table_row() would; pfs_stats_add_row() adds
 *	a block row's cells to it. A key that found the main table full
 *	counts in the overflow scalar once per lookup a single thread would
 *	have made: the caller says how many (calls), the first being
 *	pfs_stats_row_from()'s own.
 * DIAGNOSTICS
 *	Allocation failure is fatal (pfs_util.h).
 * SECURITY
 *	Keys come from untrusted log text: they are length-limited
 *	(PFS_KEY_MAX) and stored as counted strings without interpretation.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_stats.h"
#include "pfs_util.h"

static const char *const scalar_names[PFS_SCALAR_COUNT] = {
#define PFS_X_NAME(id, name) name,
    PFS_SCALARS(PFS_X_NAME)
#undef PFS_X_NAME
};

struct table_def {
    const char *name;			/* table name, for messages */
    size_t  ncols;
    const char *cols[PFS_MAX_COLS];	/* flat name = col ":" key */
    int     prefix_source;		/* flat name = "source:" key ":" col */
    enum pfs_scalar overflow;
};

static const struct table_def table_defs[PFS_TABLE_COUNT] = {
    [PFS_TBL_TRANSPORT] = {"transport", PFS_TC_COUNT,
	{"sent", "deferred", "bounced", "4xx", "5xx"}, 0, PFS_OVERFLOW_TRANSPORT},
    [PFS_TBL_DSN] = {"dsn", PFS_DC_COUNT,
	{"dsn", "reject-dsn"}, 0, PFS_OVERFLOW_DSN},
    [PFS_TBL_PROGRAM] = {"program", PFS_PC_COUNT,
	{"warning", "error", "fatal", "panic"}, 0, PFS_OVERFLOW_PROGRAM},
    [PFS_TBL_SOURCE] = {"source", PFS_SC_COUNT,
	{"lines", "recv", "sent", "deferred", "bounced", "reject"}, 1,
    PFS_OVERFLOW_SOURCE},
};

struct row {
    char   *key;
    size_t  klen;
    uint32_t hash;
    uint64_t cols[PFS_MAX_COLS];
};

struct ktable {
    struct row *rows;
    size_t  nrows;
    size_t  rows_alloc;
    size_t  cap;			/* most rows, including "other" */
    size_t  other;			/* row of PFS_OTHER_KEY, or SIZE_MAX */
    uint32_t *index;			/* row + 1, 0 = empty */
    size_t  index_size;			/* power of two */
};

struct PFS_STATS {
    uint64_t scalars[PFS_SCALAR_COUNT];
    struct ktable tables[PFS_TABLE_COUNT];
    PFS_STATS_ROW_FN row_fn;		/* hears of new rows */
    void   *row_ctx;
};

/* hash_key - FNV-1a over a counted string */

static uint32_t hash_key(const char *key, size_t len)
{
    uint32_t h = 2166136261u;

    while (len-- > 0) {
	h ^= (unsigned char) *key++;
	h *= 16777619u;
    }
    return (h);
}

/* pfs_stats_create - empty store with the given row caps */

PFS_STATS *pfs_stats_create(const size_t caps[PFS_TABLE_COUNT])
{
    static const size_t defaults[PFS_TABLE_COUNT] = {
	PFS_DEF_CAP_TRANSPORT, PFS_DEF_CAP_DSN, PFS_DEF_CAP_PROGRAM,
	PFS_DEF_CAP_SOURCE,
    };
    PFS_STATS *st = pfs_calloc(1, sizeof(*st));
    int     t;

    for (t = 0; t < PFS_TABLE_COUNT; t++) {
	struct ktable *kt = st->tables + t;

	kt->cap = (caps && caps[t]) ? caps[t] : defaults[t];
	if (kt->cap < 2)
	    kt->cap = 2;			/* one real row + other */
	if (kt->cap > UINT32_MAX / 4)
	    kt->cap = UINT32_MAX / 4;
	kt->other = SIZE_MAX;
	kt->index_size = 16;
	kt->index = pfs_calloc(kt->index_size, sizeof(*kt->index));
    }
    return (st);
}

/* pfs_stats_free - release everything */

void    pfs_stats_free(PFS_STATS *st)
{
    int     t;
    size_t  r;

    if (st == 0)
	return;
    for (t = 0; t < PFS_TABLE_COUNT; t++) {
	for (r = 0; r < st->tables[t].nrows; r++)
	    free(st->tables[t].rows[r].key);
	free(st->tables[t].rows);
	free(st->tables[t].index);
    }
    free(st);
}

/* pfs_scalar_name - external name of a scalar */

const char *pfs_scalar_name(enum pfs_scalar id)
{
    return ((unsigned) id < PFS_SCALAR_COUNT ? scalar_names[id] : "?");
}

/* pfs_scalar_get - read a scalar */

uint64_t pfs_scalar_get(const PFS_STATS *st, enum pfs_scalar id)
{
    return (st->scalars[id]);
}

/* pfs_scalar_add - add to a scalar */

void    pfs_scalar_add(PFS_STATS *st, enum pfs_scalar id, uint64_t n)
{
    st->scalars[id] += n;
}

/* pfs_scalar_set - set a scalar (state restore only) */

void    pfs_scalar_set(PFS_STATS *st, enum pfs_scalar id, uint64_t n)
{
    st->scalars[id] = n;
}

/* pfs_table_name - the table's name */

const char *pfs_table_name(enum pfs_table_id t)
{
    return (table_defs[t].name);
}

/* pfs_table_ncols - columns of a table */

size_t  pfs_table_ncols(enum pfs_table_id t)
{
    return (table_defs[t].ncols);
}

/* pfs_table_colname - a column's name */

const char *pfs_table_colname(enum pfs_table_id t, size_t col)
{
    return (col < table_defs[t].ncols ? table_defs[t].cols[col] : "?");
}

/* pfs_table_rows - rows in use */

size_t  pfs_table_rows(const PFS_STATS *st, enum pfs_table_id t)
{
    return (st->tables[t].nrows);
}

/* pfs_table_cap - most rows the table will hold */

size_t  pfs_table_cap(const PFS_STATS *st, enum pfs_table_id t)
{
    return (st->tables[t].cap);
}

/* pfs_table_key - key of a row, NUL-terminated */

const char *pfs_table_key(const PFS_STATS *st, enum pfs_table_id t, size_t row)
{
    return (st->tables[t].rows[row].key);
}

/* pfs_table_get - read a cell */

uint64_t pfs_table_get(const PFS_STATS *st, enum pfs_table_id t,
		               size_t row, size_t col)
{
    return (st->tables[t].rows[row].cols[col]);
}

/* pfs_table_add - add to a cell */

void    pfs_table_add(PFS_STATS *st, enum pfs_table_id t, size_t row,
		              size_t col, uint64_t n)
{
    st->tables[t].rows[row].cols[col] += n;
}

/* index_insert - put row number into the hash index */

static void index_insert(struct ktable *kt, size_t row)
{
    size_t  mask = kt->index_size - 1;
    size_t  i = kt->rows[row].hash & mask;

    while (kt->index[i] != 0)
	i = (i + 1) & mask;
    kt->index[i] = (uint32_t) row + 1;
}

/* index_grow - double the index and re-insert every row */

static void index_grow(struct ktable *kt)
{
    size_t  r;

    free(kt->index);
    kt->index_size *= 2;
    kt->index = pfs_calloc(kt->index_size, sizeof(*kt->index));
    for (r = 0; r < kt->nrows; r++)
	index_insert(kt, r);
}

/* add_row - append a row; the caller has checked the cap */

static size_t add_row(PFS_STATS *st, struct ktable *kt, const char *key, size_t len,
		              uint32_t h)
{
    struct row *rp;

    if (kt->nrows == kt->rows_alloc) {
	kt->rows_alloc = kt->rows_alloc ? kt->rows_alloc * 2 : 16;
	kt->rows = pfs_reallocarray(kt->rows, kt->rows_alloc, sizeof(*kt->rows));
    }
    rp = kt->rows + kt->nrows;
    memset(rp, 0, sizeof(*rp));
    rp->key = pfs_strndup(key, len);
    rp->klen = len;
    rp->hash = h;
    kt->nrows++;
    if (kt->nrows * 2 > kt->index_size)
	index_grow(kt);
    else
	index_insert(kt, kt->nrows - 1);
    if (st->row_fn)
	st->row_fn((enum pfs_table_id) (kt - st->tables), kt->nrows - 1, st->row_ctx);
    return (kt->nrows - 1);
}

/* lookup - find a row by key, SIZE_MAX if absent */

static size_t lookup(const struct ktable *kt, const char *key, size_t len,
		             uint32_t h)
{
    size_t  mask = kt->index_size - 1;
    size_t  i = h & mask;
    uint32_t slot;

    while ((slot = kt->index[i]) != 0) {
	const struct row *rp = kt->rows + slot - 1;

	if (rp->hash == h && rp->klen == len && memcmp(rp->key, key, len) == 0)
	    return (slot - 1);
	i = (i + 1) & mask;
    }
    return (SIZE_MAX);
}

/* pfs_table_row - find or create the row for a key */

size_t  pfs_table_row(PFS_STATS *st, enum pfs_table_id t, const char *key,
		              size_t len)
{
    struct ktable *kt = st->tables + t;
    uint32_t h;
    size_t  row;

    if (len > PFS_KEY_MAX)
	len = PFS_KEY_MAX;
    h = hash_key(key, len);
    if ((row = lookup(kt, key, len, h)) != SIZE_MAX)
	return (row);
    /* Keep one place for the other row. */
    if (kt->nrows + (kt->other == SIZE_MAX ? 1 : 0) < kt->cap)
	return (add_row(st, kt, key, len, h));
    st->scalars[table_defs[t].overflow]++;
    if (kt->other == SIZE_MAX) {
	size_t  olen = sizeof(PFS_OTHER_KEY) - 1;

	kt->other = lookup(kt, PFS_OTHER_KEY, olen, hash_key(PFS_OTHER_KEY, olen));
	if (kt->other == SIZE_MAX)
	    kt->other = add_row(st, kt, PFS_OTHER_KEY, olen,
				hash_key(PFS_OTHER_KEY, olen));
    }
    return (kt->other);
}

/* pfs_stats_flat_name - external name of one table cell */

int     pfs_stats_flat_name(char *buf, size_t len, enum pfs_table_id t,
			            const char *key, size_t col)
{
    const struct table_def *td = table_defs + t;
    int     n;

    if (td->prefix_source)
	n = snprintf(buf, len, "%s:%s:%s", td->name, key, td->cols[col]);
    else
	n = snprintf(buf, len, "%s:%s", td->cols[col], key);
    return (n < 0 || (size_t) n >= len ? -1 : n);
}

/* pfs_stats_visit - every counter under its external name */

void    pfs_stats_visit(const PFS_STATS *st, PFS_STATS_VISIT visit, void *ctx)
{
    char    name[PFS_KEY_MAX + 64];
    int     id;
    int     t;
    size_t  r;
    size_t  c;

    for (id = 0; id < PFS_SCALAR_COUNT; id++)
	visit(scalar_names[id], st->scalars[id], ctx);
    for (t = 0; t < PFS_TABLE_COUNT; t++) {
	const struct ktable *kt = st->tables + t;

	for (r = 0; r < kt->nrows; r++)
	    for (c = 0; c < table_defs[t].ncols; c++)
		if (pfs_stats_flat_name(name, sizeof(name), t,
					kt->rows[r].key, c) > 0)
		    visit(name, kt->rows[r].cols[c], ctx);
    }
}

/* pfs_stats_set_by_name - set a counter from its external name */

int     pfs_stats_set_by_name(PFS_STATS *st, const char *name, uint64_t value)
{
    const char *colon;
    size_t  id;
    int     t;
    size_t  c;

    for (id = 0; id < PFS_SCALAR_COUNT; id++) {
	if (strcmp(scalar_names[id], name) == 0) {
	    st->scalars[id] = value;
	    return (0);
	}
    }
    if ((colon = strchr(name, ':')) == 0)
	return (-1);
    for (t = 0; t < PFS_TABLE_COUNT; t++) {
	const struct table_def *td = table_defs + t;
	size_t  tlen = strlen(td->name);

	if (td->prefix_source) {
	    const char *last = strrchr(name, ':');

	    if (strncmp(name, td->name, tlen) != 0 || name[tlen] != ':'
		|| last <= name + tlen + 1)
		continue;
	    for (c = 0; c < td->ncols; c++) {
		if (strcmp(last + 1, td->cols[c]) == 0) {
		    size_t  row = pfs_table_row(st, t, name + tlen + 1,
						last - (name + tlen + 1));

		    st->tables[t].rows[row].cols[c] = value;
		    return (0);
		}
	    }
	    continue;
	}
	for (c = 0; c < td->ncols; c++) {
	    size_t  clen = strlen(td->cols[c]);

	    if ((size_t) (colon - name) == clen
		&& strncmp(name, td->cols[c], clen) == 0 && colon[1] != 0) {
		size_t  row = pfs_table_row(st, t, colon + 1, strlen(colon + 1));

		st->tables[t].rows[row].cols[c] = value;
		return (0);
	    }
	}
    }
    return (-1);
}

/* pfs_stats_on_row - who hears of new rows */

void    pfs_stats_on_row(PFS_STATS *st, PFS_STATS_ROW_FN fn, void *ctx)
{
    st->row_fn = fn;
    st->row_ctx = ctx;
}

/* pfs_stats_row_from - the row of another store's row's key */

size_t  pfs_stats_row_from(PFS_STATS *st, enum pfs_table_id t, const PFS_STATS *src,
			           size_t srow)
{
    const struct row *rp = src->tables[t].rows + srow;

    return (pfs_table_row(st, t, rp->key, rp->klen));
}

/*
 * pfs_stats_add_row - add another store's row to a row; a key that went
 * to the other row counts once more in overflow for each later lookup
 */
void    pfs_stats_add_row(PFS_STATS *st, enum pfs_table_id t, size_t row,
			          const PFS_STATS *src, size_t srow, uint64_t calls)
{
    const struct row *sp = src->tables[t].rows + srow;
    struct row *rp = st->tables[t].rows + row;
    size_t  c;

    for (c = 0; c < table_defs[t].ncols; c++)
	rp->cols[c] += sp->cols[c];
    if (row == st->tables[t].other && calls > 1
	&& !(sp->klen == sizeof(PFS_OTHER_KEY) - 1
	     && memcmp(sp->key, PFS_OTHER_KEY, sp->klen) == 0))
	st->scalars[table_defs[t].overflow] += calls - 1;
}
