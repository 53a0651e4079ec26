/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_accounts 3
 * SUMMARY
 *	mail relayed outside per sending account, today, against a limit
 * SYNOPSIS
 *	#include "pfs_accounts.h"
 *
 *	PFS_ACCOUNTS *pfs_accounts_create(cap, limit)
 *
 *	void	pfs_accounts_set_limit(accounts, name, limit)
 *
 *	void	pfs_accounts_set_default_limit(accounts, limit)
 *
 *	void	pfs_accounts_clear_limits(accounts)
 *
 *	size_t	pfs_accounts_apply_limits(accounts, limit, specs, n, bad)
 *
 *	void	pfs_accounts_set_callback(accounts, fn, ctx)
 *
 *	void	pfs_accounts_set_unit(accounts, unit)
 *
 *	void	pfs_accounts_received(accounts, name, len, sender, slen, when)
 *
 *	void	pfs_accounts_relayed(accounts, name, len, msgid, idlen, when)
 *
 *	size_t	pfs_accounts_slots(accounts)
 *
 *	int	pfs_accounts_info(accounts, slot, info)
 *
 *	int	pfs_accounts_lookup(accounts, name, len, info)
 *
 *	uint64_t pfs_accounts_evictions(accounts)
 *
 *	json_t	*pfs_accounts_save(accounts)
 *
 *	int	pfs_accounts_check(json, err, errlen)
 *
 *	void	pfs_accounts_load(accounts, json)
 *
 *	size_t	pfs_accounts_drop_after(accounts, day, epoch)
 * DESCRIPTION
 *	An account is whoever submitted a message: the SASL username that
 *	smtpd logged with client=, the submitting user ("uid=33") that
 *	pickup logged for mail submitted with sendmail on this host, or a
 *	client address (pfs_events(3) decides which). A stolen password or
 *	a broken web form shows up here as one account sending far more
 *	than usual. Names are compared without regard to ASCII case
 *	(Alice@Example.org and alice@example.org are one account); a row
 *	keeps the first spelling seen, and the envelope sender of its
 *	newest message (pfs_accounts_received()), so that one uid sending
 *	as many senders is one row that still shows who it sends as.
 *
 *	Per account and day (the log's day, pfs_logtime(3)) the table counts
 *	messages submitted (pfs_accounts_received(), at qmgr's first from=
 *	line) and, for mail relayed outside, messages and recipients
 *	(pfs_accounts_relayed(), once per delivery line with status=sent
 *	through an outside transport; what is outside is the caller's
 *	decision, see pfs_events(3)). A message counts once per day however
 *	many of its recipients go out; messages are told apart by msgid
 *	(the caller passes source and queue ID) in a bounded set of the last
 *	16384 messages per generation, two generations kept.
 *
 *	The daily limit (default PFS_DEF_ACCOUNT_LIMIT, per account with
 *	pfs_accounts_set_limit()) applies to recipients relayed outside: one
 *	message to a thousand Bcc recipients is what a spam run from a
 *	stolen account looks like; pfs_accounts_set_unit() makes it count
 *	messages relayed outside instead. When an account's count goes over
 *	its limit, the callback runs, once per account and day.
 *
 *	"Today" is the newest day of any line passed in. Readers see an
 *	account's counts only if they are today's; an account not seen today
 *	reads as zeros, with its last-seen time. A line of an older day (a
 *	late line from another host) updates last-seen only.
 *
 *	The table holds at most cap accounts; when it is full, the least
 *	recently seen account makes room and pfs_accounts_evictions()
 *	counts it. Slots keep their number while their account lives.
 *
 *	pfs_accounts_save() returns the accounts, least recently seen first,
 *	as JSON (jansson) for the saved state, so that a restart does not
 *	reset a day's counts; pfs_accounts_check() validates such an object
 *	and pfs_accounts_load() adds it to an empty table.
 *
 *	pfs_accounts_drop_after() forgets counts of days after a day and
 *	last-seen times after an epoch second: what a line dated far in the
 *	future left in a saved table (the caller keeps such lines out,
 *	pfs_events(3)). Today becomes the newest day left. It returns the
 *	number of accounts changed.
 * DIAGNOSTICS
 *	Allocation failure is fatal. pfs_accounts_check() returns -1 with a
 *	sentence in err.
 * SECURITY
 *	Account names come from the log: they are cut at PFS_ACCOUNT_MAX
 *	bytes and never interpreted. The table says who sends how much mail:
 *	the agent can be told not to keep it, and doc/alerts.md shows an
 *	snmpd view that limits who may read it.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_accounts.h"
#include "pfs_log.h"
#include "pfs_util.h"

#define NIL		((uint32_t) -1)
#define SEEN_GEN	16384		/* messages per dedup generation */

struct acct {
    char    name[PFS_ACCOUNT_MAX + 1];	/* first spelling seen */
    char    sender[PFS_SENDER_MAX + 1];	/* of the newest message */
    int64_t day;			/* day of the counts */
    int64_t notified_day;		/* day the callback ran, or INT64_MIN */
    uint64_t received;
    uint64_t msgs_out;
    uint64_t rcpts_out;
    uint64_t limit;
    int64_t last_seen;
    uint32_t hnext;			/* hash chain */
    uint32_t older, newer;		/* LRU list */
};

struct override {
    char   *name;
    uint64_t limit;
};

/* A generation of message hashes: open addressing, 0 = free. */
struct seen {
    uint64_t *h;
    size_t  n;
};

struct PFS_ACCOUNTS {
    struct acct *slots;
    size_t  nslots, alloc, cap;
    uint32_t *heads;			/* hash heads, NIL = empty */
    size_t  hsize;			/* power of two */
    uint32_t oldest, newest;		/* LRU ends */
    uint64_t evictions;
    uint64_t def_limit;
    struct override *ov;
    size_t  nov;
    int64_t today;
    enum pfs_limit_unit unit;
    PFS_ACCOUNT_LIMIT_FN fn;
    void   *ctx;
    struct seen seen[2];		/* current, previous */
};

const char *const pfs_limit_unit_name[2] = {"recipients", "messages"};

/* hash_bytes - FNV-1a, 64 bits */

static uint64_t hash_bytes(uint64_t h, const char *p, size_t len)
{
    while (len-- > 0)
	h = (h ^ (unsigned char) *p++) * 1099511628211ull;
    return (h);
}

#define HASH_INIT	14695981039346656037ull

/* lower - ASCII lower case, whatever the locale */

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z' ? (unsigned char) (c + ('a' - 'A')) : c);
}

/* hash_name - FNV-1a of a name in lower case */

static uint64_t hash_name(const char *p, size_t len)
{
    uint64_t h = HASH_INIT;

    while (len-- > 0)
	h = (h ^ lower((unsigned char) *p++)) * 1099511628211ull;
    return (h);
}

/* name_cmp - strcmp() without regard to ASCII case */

static int name_cmp(const char *a, const char *b)
{
    unsigned char x, y;

    do {
	x = lower((unsigned char) *a++);
	y = lower((unsigned char) *b++);
    } while (x != 0 && x == y);
    return ((int) x - (int) y);
}

/* same_name - a stored name equals name[0..len) without regard to case */

static int same_name(const char *stored, const char *name, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++)
	if (stored[i] == 0 || lower((unsigned char) stored[i]) != lower((unsigned char) name[i]))
	    return (0);
    return (stored[len] == 0);
}

/* pfs_accounts_create - empty table */

PFS_ACCOUNTS *pfs_accounts_create(size_t cap, uint64_t limit)
{
    PFS_ACCOUNTS *a = pfs_calloc(1, sizeof(*a));
    int     i;

    a->cap = cap < 1 ? 1 : cap;
    if (a->cap > UINT32_MAX / 4)
	a->cap = UINT32_MAX / 4;
    a->def_limit = limit;
    a->oldest = a->newest = NIL;
    a->today = INT64_MIN;
    for (i = 0; i < 2; i++)
	a->seen[i].h = pfs_calloc(2 * SEEN_GEN, sizeof(uint64_t));
    return (a);
}

/* pfs_accounts_free - release */

void    pfs_accounts_free(PFS_ACCOUNTS *a)
{
    size_t  i;

    if (a == 0)
	return;
    for (i = 0; i < a->nov; i++)
	free(a->ov[i].name);
    free(a->ov);
    free(a->slots);
    free(a->heads);
    free(a->seen[0].h);
    free(a->seen[1].h);
    free(a);
}

/* by_name - qsort/bsearch order of overrides */

static int by_name(const void *x, const void *y)
{
    return (name_cmp(((const struct override *) x)->name,
		     ((const struct override *) y)->name));
}

/* limit_of - the limit for an account name */

static uint64_t limit_of(const PFS_ACCOUNTS *a, const char *name)
{
    struct override key, *o;

    if (a->nov == 0)
	return (a->def_limit);
    key.name = (char *) name;
    o = bsearch(&key, a->ov, a->nov, sizeof(*a->ov), by_name);
    return (o ? o->limit : a->def_limit);
}

/* find - slot of name, or NIL */

static uint32_t find(const PFS_ACCOUNTS *a, const char *name, size_t len)
{
    uint32_t s;

    if (a->hsize == 0)
	return (NIL);
    s = a->heads[hash_name(name, len) & (a->hsize - 1)];
    for (; s != NIL; s = a->slots[s].hnext)
	if (same_name(a->slots[s].name, name, len))
	    return (s);
    return (NIL);
}

/* pfs_accounts_set_limit - a per-account limit (config) */

void    pfs_accounts_set_limit(PFS_ACCOUNTS *a, const char *name, uint64_t limit)
{
    struct override key, *o;
    size_t  len = strlen(name);
    uint32_t s;

    if (len > PFS_ACCOUNT_MAX)
	len = PFS_ACCOUNT_MAX;
    key.name = (char *) name;
    if (a->nov > 0 && (o = bsearch(&key, a->ov, a->nov, sizeof(*a->ov), by_name)) != 0) {
	o->limit = limit;
    } else {
	a->ov = pfs_reallocarray(a->ov, a->nov + 1, sizeof(*a->ov));
	a->ov[a->nov].name = pfs_strndup(name, len);
	a->ov[a->nov].limit = limit;
	a->nov++;
	qsort(a->ov, a->nov, sizeof(*a->ov), by_name);
    }
    if ((s = find(a, name, len)) != NIL)
	a->slots[s].limit = limit;
}

/* pfs_accounts_clear_limits - forget every per-account limit (reload) */

void    pfs_accounts_clear_limits(PFS_ACCOUNTS *a)
{
    size_t  i;

    for (i = 0; i < a->nov; i++)
	free(a->ov[i].name);
    free(a->ov);
    a->ov = 0;
    a->nov = 0;
    for (i = 0; i < a->nslots; i++)
	a->slots[i].limit = a->def_limit;
}

/* pfs_accounts_set_default_limit - new default (reload), kept overrides */

void    pfs_accounts_set_default_limit(PFS_ACCOUNTS *a, uint64_t limit)
{
    size_t  i;

    a->def_limit = limit;
    for (i = 0; i < a->nslots; i++)
	a->slots[i].limit = limit_of(a, a->slots[i].name);
}

/* pfs_accounts_apply_limits - default limit and "NAME=N" overrides, anew */

size_t  pfs_accounts_apply_limits(PFS_ACCOUNTS *a, uint64_t limit,
				          const char *const *specs, size_t n,
				          const char **bad)
{
    size_t  i;
    size_t  nbad = 0;

    /* Overrides dropped from the file go back to the default. */
    pfs_accounts_clear_limits(a);
    pfs_accounts_set_default_limit(a, limit);
    for (i = 0; i < n; i++) {
	const char *spec = specs[i];
	const char *eq = strrchr(spec, '=');
	char   *name;
	char   *end;
	unsigned long long v;

	if (eq == 0 || eq == spec || (v = strtoull(eq + 1, &end, 10), *end != 0)) {
	    if (nbad++ == 0 && bad != 0)
		*bad = spec;
	    continue;
	}
	name = pfs_strndup(spec, (size_t) (eq - spec));
	pfs_accounts_set_limit(a, name, (uint64_t) v);
	free(name);
    }
    return (nbad);
}

/* pfs_accounts_set_callback - limit-exceeded notification */

void    pfs_accounts_set_callback(PFS_ACCOUNTS *a, PFS_ACCOUNT_LIMIT_FN fn, void *ctx)
{
    a->fn = fn;
    a->ctx = ctx;
}

/* pfs_accounts_set_unit - what the limit counts */

void    pfs_accounts_set_unit(PFS_ACCOUNTS *a, enum pfs_limit_unit unit)
{
    a->unit = unit;
}

/* pfs_accounts_unit - what the limit counts */

enum pfs_limit_unit pfs_accounts_unit(const PFS_ACCOUNTS *a)
{
    return (a->unit);
}

/* lru_unlink - take a slot out of the LRU list */

static void lru_unlink(PFS_ACCOUNTS *a, uint32_t s)
{
    struct acct *e = a->slots + s;

    if (e->older != NIL)
	a->slots[e->older].newer = e->newer;
    else
	a->oldest = e->newer;
    if (e->newer != NIL)
	a->slots[e->newer].older = e->older;
    else
	a->newest = e->older;
    e->older = e->newer = NIL;
}

/* lru_push - make a slot the most recently seen */

static void lru_push(PFS_ACCOUNTS *a, uint32_t s)
{
    struct acct *e = a->slots + s;

    e->older = a->newest;
    e->newer = NIL;
    if (a->newest != NIL)
	a->slots[a->newest].newer = s;
    else
	a->oldest = s;
    a->newest = s;
}

/* hash_unlink - take a slot out of its hash chain */

static void hash_unlink(PFS_ACCOUNTS *a, uint32_t s)
{
    uint32_t *pp = a->heads + (hash_name(a->slots[s].name,
				       strlen(a->slots[s].name)) & (a->hsize - 1));

    while (*pp != NIL && *pp != s)
	pp = &a->slots[*pp].hnext;
    if (*pp == s)
	*pp = a->slots[s].hnext;
}

/* hash_link - put a slot into its hash chain */

static void hash_link(PFS_ACCOUNTS *a, uint32_t s)
{
    uint32_t *head = a->heads + (hash_name(a->slots[s].name,
				         strlen(a->slots[s].name)) & (a->hsize - 1));

    a->slots[s].hnext = *head;
    *head = s;
}

/* grow - more slots, and a bigger hash when needed */

static void grow(PFS_ACCOUNTS *a)
{
    size_t  i;

    a->alloc = a->alloc ? 2 * a->alloc : 64;
    if (a->alloc > a->cap)
	a->alloc = a->cap;
    a->slots = pfs_reallocarray(a->slots, a->alloc, sizeof(*a->slots));
    if (a->hsize >= 2 * a->alloc)
	return;
    free(a->heads);
    for (a->hsize = 64; a->hsize < 2 * a->alloc; a->hsize *= 2)
	 /* void */ ;
    a->heads = pfs_reallocarray(0, a->hsize, sizeof(*a->heads));
    for (i = 0; i < a->hsize; i++)
	a->heads[i] = NIL;
    for (i = 0; i < a->nslots; i++)
	hash_link(a, (uint32_t) i);
}

/* touch - find or add the account, most recently seen; evicts when full */

static struct acct *touch(PFS_ACCOUNTS *a, const char *name, size_t len)
{
    struct acct *e;
    uint32_t s;

    if (len > PFS_ACCOUNT_MAX)
	len = PFS_ACCOUNT_MAX;
    if ((s = find(a, name, len)) != NIL) {
	lru_unlink(a, s);
	lru_push(a, s);
	return (a->slots + s);
    }
    if (a->nslots < a->cap) {
	if (a->nslots == a->alloc)
	    grow(a);
	s = (uint32_t) a->nslots++;
    } else {
	s = a->oldest;
	lru_unlink(a, s);
	hash_unlink(a, s);
	a->evictions++;
    }
    e = a->slots + s;
    memset(e, 0, sizeof(*e));
    memcpy(e->name, name, len);
    e->name[len] = 0;
    e->day = INT64_MIN;
    e->notified_day = INT64_MIN;
    e->limit = limit_of(a, e->name);
    e->last_seen = INT64_MIN;
    hash_link(a, s);
    lru_push(a, s);
    return (e);
}

/* on_day - bring an account to the line's day; 0 if the line is late */

static int on_day(PFS_ACCOUNTS *a, struct acct *e, const struct pfs_logtime *w)
{
    if (w->epoch > e->last_seen)
	e->last_seen = w->epoch;
    if (w->day > a->today)
	a->today = w->day;
    if (w->day < e->day)
	return (0);
    if (w->day > e->day) {
	e->day = w->day;
	e->received = e->msgs_out = e->rcpts_out = 0;
    }
    return (1);
}

/* pfs_accounts_received - the account submitted a message */

void    pfs_accounts_received(PFS_ACCOUNTS *a, const char *name, size_t len,
			              const char *sender, size_t slen,
			              const struct pfs_logtime *w)
{
    struct acct *e;

    if (len == 0)
	return;
    e = touch(a, name, len);
    if (sender != 0 && w->epoch >= e->last_seen) {
	if (slen > PFS_SENDER_MAX)
	    slen = PFS_SENDER_MAX;
	memcpy(e->sender, sender, slen);
	e->sender[slen] = 0;
    }
    if (on_day(a, e, w))
	e->received++;
}

/* seen_before - has this message been counted (today)? marks it if not */

static int seen_before(PFS_ACCOUNTS *a, uint64_t h)
{
    size_t  mask = 2 * SEEN_GEN - 1;
    size_t  g, i;
    struct seen tmp;

    if (h == 0)
	h = 1;
    for (g = 0; g < 2; g++) {
	for (i = h & mask; a->seen[g].h[i] != 0; i = (i + 1) & mask)
	    if (a->seen[g].h[i] == h)
		return (1);
    }
    if (a->seen[0].n == SEEN_GEN) {
	/* Current generation full: it becomes the previous one. */
	tmp = a->seen[1];
	a->seen[1] = a->seen[0];
	a->seen[0] = tmp;
	memset(a->seen[0].h, 0, 2 * SEEN_GEN * sizeof(uint64_t));
	a->seen[0].n = 0;
    }
    for (i = h & mask; a->seen[0].h[i] != 0; i = (i + 1) & mask)
	 /* void */ ;
    a->seen[0].h[i] = h;
    a->seen[0].n++;
    return (0);
}

/* counted - what the limit applies to */

static uint64_t counted(const PFS_ACCOUNTS *a, const struct acct *e)
{
    return (a->unit == PFS_LIMIT_MESSAGES ? e->msgs_out : e->rcpts_out);
}

/*
 * fill_info - one account as of its own day (the notification of a late
 * day's limit gives that day's counts) or, for readers, as of today.
 */
static void fill_info(const PFS_ACCOUNTS *a, const struct acct *e,
		              struct pfs_account_info *info, int its_day)
{
    int     today = its_day || e->day == a->today;

    info->name = e->name;
    info->received = today ? e->received : 0;
    info->msgs_out = today ? e->msgs_out : 0;
    info->rcpts_out = today ? e->rcpts_out : 0;
    info->limit = e->limit;
    info->last_seen = e->last_seen;
    info->exceeded = today && counted(a, e) > e->limit;
    info->day = e->day;
    info->last_sender = e->sender;
    info->unit = a->unit;
}

/* pfs_accounts_relayed - one recipient relayed outside */

void    pfs_accounts_relayed(PFS_ACCOUNTS *a, const char *name, size_t len,
			             const char *msgid, size_t idlen,
			             const struct pfs_logtime *w)
{
    struct pfs_account_info info;
    struct acct *e;
    uint64_t h;

    if (len == 0)
	return;
    e = touch(a, name, len);
    if (!on_day(a, e, w))
	return;
    e->rcpts_out++;
    h = hash_bytes(HASH_INIT, msgid, idlen);
    h = hash_bytes(h, (const char *) &w->day, sizeof(w->day));
    if (!seen_before(a, h))
	e->msgs_out++;
    if (counted(a, e) > e->limit && e->notified_day != e->day) {
	e->notified_day = e->day;
	if (a->fn) {
	    fill_info(a, e, &info, 1);
	    a->fn(&info, a->ctx);
	}
    }
}

/* pfs_accounts_slots - slots in use or used before */

size_t  pfs_accounts_slots(const PFS_ACCOUNTS *a)
{
    return (a->nslots);
}

/* pfs_accounts_count - accounts in the table */

size_t  pfs_accounts_count(const PFS_ACCOUNTS *a)
{
    return (a->nslots);
}

/* pfs_accounts_info - one slot; -1 if out of range */

int     pfs_accounts_info(const PFS_ACCOUNTS *a, size_t slot,
			          struct pfs_account_info *info)
{
    if (slot >= a->nslots)
	return (-1);
    fill_info(a, a->slots + slot, info, 0);
    return (0);
}

/* pfs_accounts_lookup - one account by name; -1 if unknown */

int     pfs_accounts_lookup(const PFS_ACCOUNTS *a, const char *name, size_t len,
			            struct pfs_account_info *info)
{
    uint32_t s;

    if (len > PFS_ACCOUNT_MAX)
	len = PFS_ACCOUNT_MAX;
    if ((s = find(a, name, len)) == NIL)
	return (-1);
    fill_info(a, a->slots + s, info, 0);
    return (0);
}

/* pfs_accounts_evictions - accounts dropped to make room */

uint64_t pfs_accounts_evictions(const PFS_ACCOUNTS *a)
{
    return (a->evictions);
}

/* pfs_accounts_default_limit - the limit without override */

uint64_t pfs_accounts_default_limit(const PFS_ACCOUNTS *a)
{
    return (a->def_limit);
}

/* pfs_accounts_today - newest day seen, INT64_MIN before any line */

int64_t pfs_accounts_today(const PFS_ACCOUNTS *a)
{
    return (a->today);
}

/* pfs_accounts_save - accounts, least recently seen first */

json_t *pfs_accounts_save(const PFS_ACCOUNTS *a)
{
    json_t *rows = json_array();
    json_t *o;
    uint32_t s;
    char    day[16];

    if (rows == 0)
	fatalx("out of memory saving accounts");
    for (s = a->oldest; s != NIL; s = a->slots[s].newer) {
	const struct acct *e = a->slots + s;

	if (e->day == INT64_MIN)
	    snprintf(day, sizeof(day), "-");
	else
	    pfs_day_format(e->day, day, sizeof(day));
	/* Names are bytes from the log: not always UTF-8 (pfs_state(3) copes). */
	o = json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:b}",
		      "account", json_stringn_nocheck(e->name, strlen(e->name)),
		      "sender", json_stringn_nocheck(e->sender, strlen(e->sender)),
		      "day", day,
		      "received", (json_int_t) e->received,
		      "msgs_out", (json_int_t) e->msgs_out,
		      "rcpts_out", (json_int_t) e->rcpts_out,
		      "last_seen", (json_int_t) (e->last_seen == INT64_MIN ? 0 : e->last_seen),
		      "notified", e->notified_day == e->day && e->day != INT64_MIN);
	if (o == 0 || json_array_append_new(rows, o) < 0)
	    fatalx("out of memory saving accounts");
    }
    o = json_pack("{s:I, s:o}", "evictions", (json_int_t) a->evictions, "rows", rows);
    if (o == 0)
	fatalx("out of memory saving accounts");
    return (o);
}

/* is_count - a non-negative integer */

static int is_count(const json_t *v)
{
    return (json_is_integer(v) && json_integer_value(v) >= 0);
}

/* pfs_accounts_check - validate saved accounts */

int     pfs_accounts_check(const json_t *o, char *err, size_t errlen)
{
    const json_t *rows = json_object_get(o, "rows");
    const json_t *r;
    const char *s;
    int64_t day;
    size_t  i;

    if (!json_is_object(o) || !is_count(json_object_get(o, "evictions"))
	|| !json_is_array(rows)) {
	snprintf(err, errlen, "accounts: not an object with evictions and rows");
	return (-1);
    }
    json_array_foreach(rows, i, r) {
	if (!json_is_object(r)
	    || (s = json_string_value(json_object_get(r, "account"))) == 0
	    || *s == 0 || strlen(s) > PFS_ACCOUNT_MAX
	    || (s = json_string_value(json_object_get(r, "day"))) == 0
	    || (strcmp(s, "-") != 0 && pfs_day_parse(s, &day) < 0)
	    || !is_count(json_object_get(r, "received"))
	    || !is_count(json_object_get(r, "msgs_out"))
	    || !is_count(json_object_get(r, "rcpts_out"))
	    || !is_count(json_object_get(r, "last_seen"))
	    || !json_is_boolean(json_object_get(r, "notified"))
	    || ((s = json_string_value(json_object_get(r, "sender"))) == 0
		&& json_object_get(r, "sender") != 0)
	    || (s != 0 && strlen(s) > PFS_SENDER_MAX)) {
	    snprintf(err, errlen, "accounts: row %zu is malformed", i);
	    return (-1);
	}
    }
    return (0);
}

/* pfs_accounts_load - add checked accounts, oldest first */

void    pfs_accounts_load(PFS_ACCOUNTS *a, const json_t *o)
{
    const json_t *r;
    size_t  i;

    a->evictions += (uint64_t) json_integer_value(json_object_get(o, "evictions"));
    json_array_foreach(json_object_get(o, "rows"), i, r) {
	const char *name = json_string_value(json_object_get(r, "account"));
	const char *day = json_string_value(json_object_get(r, "day"));
	const char *sender = json_string_value(json_object_get(r, "sender"));
	struct acct *e = touch(a, name, strlen(name));
	int64_t d;

	if (pfs_day_parse(day, &d) == 0) {
	    e->day = d;
	    if (d > a->today)
		a->today = d;
	}
	e->received = (uint64_t) json_integer_value(json_object_get(r, "received"));
	e->msgs_out = (uint64_t) json_integer_value(json_object_get(r, "msgs_out"));
	e->rcpts_out = (uint64_t) json_integer_value(json_object_get(r, "rcpts_out"));
	e->last_seen = json_integer_value(json_object_get(r, "last_seen"));
	if (json_is_true(json_object_get(r, "notified")))
	    e->notified_day = e->day;
	if (sender != 0)
	    snprintf(e->sender, sizeof(e->sender), "%s", sender);
    }
}

/* pfs_accounts_drop_after - forget days after day, last-seen after epoch */

size_t  pfs_accounts_drop_after(PFS_ACCOUNTS *a, int64_t day, int64_t epoch)
{
    size_t  changed = 0;
    size_t  i;
    struct acct *e;

    a->today = INT64_MIN;
    for (i = 0; i < a->nslots; i++) {
	e = a->slots + i;
	if (e->day > day || e->last_seen > epoch) {
	    changed++;
	    if (e->day > day) {
		e->day = e->notified_day = INT64_MIN;
		e->received = e->msgs_out = e->rcpts_out = 0;
	    }
	    if (e->last_seen > epoch)
		e->last_seen = INT64_MIN;
	}
	if (e->day > a->today)
	    a->today = e->day;
    }
    return (changed);
}
