/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_qtable 3
 * SUMMARY
 *	bounded table of messages in flight, keyed by queue ID
 * SYNOPSIS
 *	#include "pfs_qtable.h"
 *
 *	PFS_QTABLE *pfs_qtable_create(cap)
 *
 *	struct pfs_qentry *pfs_qtable_add(qt, sid, qid, len, evicted)
 *
 *	struct pfs_qentry *pfs_qtable_find(qt, sid, qid, len)
 *
 *	void	pfs_qtable_remove(qt, entry)
 *
 *	void	pfs_qtable_pend(qt, entry)
 *
 *	void	pfs_qtable_unpend(qt, entry)
 *
 *	struct pfs_qentry *pfs_qtable_pending(qt)
 *
 *	void	pfs_qtable_set_evict(qt, fn, ctx)
 * DESCRIPTION
 *	The parser remembers each message from the line that creates it
 *	(smtpd "client=", pickup "uid=") until qmgr logs "removed", so that
 *	recv:* is counted once, when qmgr first takes the message, and never
 *	for a message that cleanup rejected. Entries are keyed by the source
 *	(an identity of host and syslog_name, sid) and the queue ID, since
 *	two hosts or two instances may use the same ID. The identity is not
 *	the per-source table's row: sources that found that table full
 *	share its "(other)" row, but never their messages. The entry's
 *	source field is the caller's (the row, to name the source).
 *
 *	The table never holds more than cap entries. Nodes come from one
 *	array that grows up to cap; a FIFO list in order of insertion
 *	picks the entry to evict when the table is full (the oldest
 *	message: most likely one whose "removed" line never came, such as a
 *	lost connection during DATA). pfs_qtable_set_evict() names a
 *	function that sees the entry just before it goes.
 *
 *	A second list, in the order the caller appends them
 *	(pfs_qtable_pend()), holds the entries whose receipt waits for a
 *	possible link to a content filter's hop (pfs_parser.c); the caller
 *	looks at its oldest entry (pfs_qtable_pending()) to decide it in
 *	time. Removal and eviction take an entry off this list too.
 * SECURITY
 *	Queue IDs come from the log: they are length-checked by the caller
 *	and truncated to PFS_QID_MAX here.
 *--*/

#include <stdlib.h>
#include <string.h>

#include "pfs_qtable.h"
#include "pfs_util.h"

#define NIL UINT32_MAX

struct node {
    struct pfs_qentry e;
    uint32_t hnext;			/* hash chain */
    uint32_t older, newer;		/* FIFO, oldest at head */
    uint32_t pend_older, pend_newer;	/* the pending list */
    uint32_t hash;
    int     used;
    int     pending;			/* on the pending list */
};

struct PFS_QTABLE {
    struct node *nodes;
    size_t  nalloc;			/* nodes allocated */
    size_t  cap;
    size_t  count;
    uint32_t free_list;			/* through hnext */
    uint32_t *buckets;
    size_t  nbuckets;			/* power of two */
    uint32_t oldest, newest;
    uint32_t pend_oldest, pend_newest;
    size_t  npending;
    PFS_QTABLE_EVICT evict_fn;
    void   *evict_ctx;
};

/* qhash - FNV-1a of source and ID */

static uint32_t qhash(uint64_t sid, const char *qid, size_t len)
{
    uint32_t h = 2166136261u ^ (uint32_t) (sid ^ (sid >> 32));

    while (len-- > 0) {
	h ^= (unsigned char) *qid++;
	h *= 16777619u;
    }
    return (h);
}

/* pfs_qtable_create - empty table of at most cap entries */

PFS_QTABLE *pfs_qtable_create(size_t cap)
{
    PFS_QTABLE *qt = pfs_calloc(1, sizeof(*qt));

    if (cap < 1)
	cap = 1;
    if (cap > (NIL - 1) / 2)
	cap = (NIL - 1) / 2;
    qt->cap = cap;
    /* Start small: the bucket array grows with the entries in use. */
    qt->nbuckets = 64;
    qt->buckets = pfs_malloc(qt->nbuckets * sizeof(*qt->buckets));
    memset(qt->buckets, 0xff, qt->nbuckets * sizeof(*qt->buckets));
    qt->free_list = qt->oldest = qt->newest = NIL;
    qt->pend_oldest = qt->pend_newest = NIL;
    return (qt);
}

/* pfs_qtable_free - release */

void    pfs_qtable_free(PFS_QTABLE *qt)
{
    if (qt == 0)
	return;
    free(qt->nodes);
    free(qt->buckets);
    free(qt);
}

/* pfs_qtable_count - entries in use */

size_t  pfs_qtable_count(const PFS_QTABLE *qt)
{
    return (qt->count);
}

/* pfs_qtable_find - look up */

struct pfs_qentry *pfs_qtable_find(PFS_QTABLE *qt, uint64_t sid,
				           const char *qid, size_t len)
{
    uint32_t h;
    uint32_t i;

    if (len > PFS_QID_MAX)
	len = PFS_QID_MAX;
    h = qhash(sid, qid, len);
    for (i = qt->buckets[h & (qt->nbuckets - 1)]; i != NIL; i = qt->nodes[i].hnext) {
	struct node *n = qt->nodes + i;

	if (n->hash == h && n->e.sid == sid && n->e.qlen == len
	    && memcmp(n->e.qid, qid, len) == 0)
	    return (&n->e);
    }
    return (0);
}

/* unpend_node - take a node off the pending list, if it is there */

static void unpend_node(PFS_QTABLE *qt, uint32_t idx)
{
    struct node *n = qt->nodes + idx;

    if (!n->pending)
	return;
    if (n->pend_older != NIL)
	qt->nodes[n->pend_older].pend_newer = n->pend_newer;
    else
	qt->pend_oldest = n->pend_newer;
    if (n->pend_newer != NIL)
	qt->nodes[n->pend_newer].pend_older = n->pend_older;
    else
	qt->pend_newest = n->pend_older;
    n->pending = 0;
    qt->npending--;
}

/* unlink_node - take a node out of its chain and the FIFO, onto free list */

static void unlink_node(PFS_QTABLE *qt, uint32_t idx)
{
    struct node *n = qt->nodes + idx;
    uint32_t *pp = qt->buckets + (n->hash & (qt->nbuckets - 1));

    unpend_node(qt, idx);
    while (*pp != idx)
	pp = &qt->nodes[*pp].hnext;
    *pp = n->hnext;
    if (n->older != NIL)
	qt->nodes[n->older].newer = n->newer;
    else
	qt->oldest = n->newer;
    if (n->newer != NIL)
	qt->nodes[n->newer].older = n->older;
    else
	qt->newest = n->older;
    n->used = 0;
    n->hnext = qt->free_list;
    qt->free_list = idx;
    qt->count--;
}

/* pfs_qtable_remove - forget an entry */

void    pfs_qtable_remove(PFS_QTABLE *qt, struct pfs_qentry *e)
{
    unlink_node(qt, (uint32_t) ((struct node *) e - qt->nodes));
}

/* grow_buckets - double the bucket array, rechain every entry */

static void grow_buckets(PFS_QTABLE *qt)
{
    size_t  nb = qt->nbuckets * 2;
    uint32_t i;

    qt->buckets = pfs_reallocarray(qt->buckets, nb, sizeof(*qt->buckets));
    memset(qt->buckets, 0xff, nb * sizeof(*qt->buckets));
    qt->nbuckets = nb;
    for (i = qt->oldest; i != NIL; i = qt->nodes[i].newer) {
	struct node *n = qt->nodes + i;

	n->hnext = qt->buckets[n->hash & (nb - 1)];
	qt->buckets[n->hash & (nb - 1)] = i;
    }
}

/* pfs_qtable_add - insert or reset the entry for (sid, qid) */

struct pfs_qentry *pfs_qtable_add(PFS_QTABLE *qt, uint64_t sid,
			              const char *qid, size_t len, int *evicted)
{
    struct pfs_qentry *old;
    struct node *n;
    uint32_t idx;

    if (evicted)
	*evicted = 0;
    if (len > PFS_QID_MAX)
	len = PFS_QID_MAX;
    if ((old = pfs_qtable_find(qt, sid, qid, len)) != 0)
	pfs_qtable_remove(qt, old);		/* reused ID: start afresh */
    if (qt->count >= qt->cap) {
	if (qt->evict_fn)
	    qt->evict_fn(&qt->nodes[qt->oldest].e, qt->evict_ctx);
	unlink_node(qt, qt->oldest);
	if (evicted)
	    *evicted = 1;
    }
    if (qt->free_list != NIL) {
	idx = qt->free_list;
	qt->free_list = qt->nodes[idx].hnext;
    } else {
	if (qt->nalloc == 0 || qt->count >= qt->nalloc) {
	    size_t  want = qt->nalloc ? qt->nalloc * 2 : 256;

	    if (want > qt->cap)
		want = qt->cap;
	    qt->nodes = pfs_reallocarray(qt->nodes, want, sizeof(*qt->nodes));
	    /* New nodes go on the free list, lowest index first. */
	    for (idx = (uint32_t) want; idx-- > qt->nalloc;) {
		qt->nodes[idx].used = 0;
		qt->nodes[idx].hnext = qt->free_list;
		qt->free_list = idx;
	    }
	    qt->nalloc = want;
	}
	idx = qt->free_list;
	qt->free_list = qt->nodes[idx].hnext;
    }
    if (qt->count >= qt->nbuckets)
	grow_buckets(qt);
    n = qt->nodes + idx;
    memset(&n->e, 0, sizeof(n->e));
    n->e.sid = sid;
    n->e.qlen = (uint8_t) len;
    memcpy(n->e.qid, qid, len);
    n->hash = qhash(sid, qid, len);
    n->used = 1;
    n->pending = 0;
    n->hnext = qt->buckets[n->hash & (qt->nbuckets - 1)];
    qt->buckets[n->hash & (qt->nbuckets - 1)] = idx;
    n->older = qt->newest;
    n->newer = NIL;
    if (qt->newest != NIL)
	qt->nodes[qt->newest].newer = idx;
    else
	qt->oldest = idx;
    qt->newest = idx;
    qt->count++;
    return (&n->e);
}

/* pfs_qtable_visit - every entry, oldest first */

void    pfs_qtable_visit(const PFS_QTABLE *qt, PFS_QTABLE_VISIT visit, void *ctx)
{
    uint32_t i;

    for (i = qt->oldest; i != NIL; i = qt->nodes[i].newer)
	visit(&qt->nodes[i].e, ctx);
}

/* node_of - the node that holds an entry */

static uint32_t node_of(const PFS_QTABLE *qt, const struct pfs_qentry *e)
{
    return ((uint32_t) ((const struct node *) e - qt->nodes));
}

/* pfs_qtable_pend - append an entry to the pending list */

void    pfs_qtable_pend(PFS_QTABLE *qt, struct pfs_qentry *e)
{
    uint32_t idx = node_of(qt, e);
    struct node *n = qt->nodes + idx;

    if (n->pending)
	return;
    n->pending = 1;
    n->pend_older = qt->pend_newest;
    n->pend_newer = NIL;
    if (qt->pend_newest != NIL)
	qt->nodes[qt->pend_newest].pend_newer = idx;
    else
	qt->pend_oldest = idx;
    qt->pend_newest = idx;
    qt->npending++;
}

/* pfs_qtable_unpend - take an entry off the pending list */

void    pfs_qtable_unpend(PFS_QTABLE *qt, struct pfs_qentry *e)
{
    unpend_node(qt, node_of(qt, e));
}

/* pfs_qtable_pending - the oldest pending entry, or NULL */

struct pfs_qentry *pfs_qtable_pending(const PFS_QTABLE *qt)
{
    return (qt->pend_oldest == NIL ? 0 : &qt->nodes[qt->pend_oldest].e);
}

/* pfs_qtable_npending - entries on the pending list */

size_t  pfs_qtable_npending(const PFS_QTABLE *qt)
{
    return (qt->npending);
}

/* pfs_qtable_set_evict - who hears of an eviction */

void    pfs_qtable_set_evict(PFS_QTABLE *qt, PFS_QTABLE_EVICT fn, void *ctx)
{
    qt->evict_fn = fn;
    qt->evict_ctx = ctx;
}
