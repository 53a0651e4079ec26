/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_link 3
 * SUMMARY
 *	the pieces that link a re-injected mail to its original
 * SYNOPSIS
 *	#include "pfs_link.h"
 *
 *	PFS_LINK *pfs_link_create()
 *
 *	void	pfs_link_learn(link, sid, source, relay, len)
 *
 *	int	pfs_link_known(link, sid, relay, len)
 *
 *	int	pfs_link_queued_as(text, len, id)
 *
 *	int	pfs_link_orig_queue_id(text, len, id)
 *
 *	int	pfs_link_loopback(peer)
 *
 *	int	pfs_link_wait_over(entry, now, lines)
 * DESCRIPTION
 *	An after-queue content filter (amavis, or a second smtpd) gets each
 *	mail from a delivery agent (the hop) and hands it back to an smtpd
 *	of the same Postfix, where it is queued again under a new queue
 *	ID (the copy). pfs_parser.c follows the mail across with these
 *	helpers; they know the text of the lines and keep the little state
 *	that is not per message.
 *
 *	pfs_link_queued_as() finds the filter's reply "... queued as
 *	NEWID" at the end of a delivery line (Postfix says it, and amavis
 *	passes it on: "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250
 *	2.0.0 Ok: queued as NEWID"); the last "queued as" wins.
 *	pfs_link_orig_queue_id() finds "orig_queue_id=OLDID", which smtpd
 *	adds to its "client=" line when the filter forwarded the original
 *	queue ID with XFORWARD. Both return 1 with the ID's bytes, else 0;
 *	the caller checks that the ID is a queue ID.
 *
 *	pfs_link_learn() remembers a relay (as the delivery line writes it,
 *	"127.0.0.1[127.0.0.1]:10024") of a source that handed a mail back:
 *	a content filter. pfs_link_known() asks whether a relay is one. At
 *	most PFS_LINK_FILTERS are kept; a new one then takes the place of
 *	the one learned longest ago. pfs_link_count() and pfs_link_get()
 *	list them for the saved state.
 *
 *	pfs_link_note_unlinked() keeps the first relay for which the parser
 *	could not link a delivery to a loopback address;
 *	pfs_link_unlinked() returns it (NULL if none), for the agent to
 *	name once.
 *
 *	pfs_link_loopback() says whether a peer written "name[addr]" or
 *	"name[addr]:port" has a loopback address (127.0.0.0/8, ::1).
 *
 *	pfs_link_secs() turns a line's time into seconds that grow with
 *	the time of year (the zone and leap days are ignored: only
 *	differences of a minute or so matter). pfs_link_wait_over() says
 *	whether a pending entry has waited long enough at a line of time
 *	now (seconds) when the "lines" counter reads lines:
 *	PFS_LINK_WAIT_SECONDS of log time, or PFS_LINK_WAIT_LINES lines,
 *	or the clock went back by more than a day (a new year without a
 *	year in the line, a reset clock).
 * SECURITY
 *	The text is untrusted: every scan is bounded by its length, and
 *	relays are cut at PFS_LINK_RELAY_MAX bytes.
 *--*/

#include <stdlib.h>
#include <string.h>

#include "pfs_link.h"
#include "pfs_util.h"

struct filter {
    uint64_t sid;			/* the source's identity */
    uint32_t source;			/* its per-source table row */
    uint8_t len;
    char    relay[PFS_LINK_RELAY_MAX + 1];
};

struct PFS_LINK {
    struct filter filters[PFS_LINK_FILTERS];
    size_t  nfilters;
    size_t  next;			/* replaced next when full */
    char    unlinked[PFS_LINK_RELAY_MAX + 1];
};

/* pfs_link_create - nothing learned yet */

PFS_LINK *pfs_link_create(void)
{
    return (pfs_calloc(1, sizeof(PFS_LINK)));
}

/* pfs_link_free - release */

void    pfs_link_free(PFS_LINK *l)
{
    free(l);
}

/* pfs_link_known - is this relay of this source a filter? */

int     pfs_link_known(const PFS_LINK *l, uint64_t sid, const char *relay, size_t len)
{
    size_t  i;

    if (len > PFS_LINK_RELAY_MAX)
	len = PFS_LINK_RELAY_MAX;
    for (i = 0; i < l->nfilters; i++)
	if (l->filters[i].sid == sid && l->filters[i].len == len
	    && memcmp(l->filters[i].relay, relay, len) == 0)
	    return (1);
    return (0);
}

/* pfs_link_learn - remember a filter relay */

void    pfs_link_learn(PFS_LINK *l, uint64_t sid, uint32_t source, const char *relay,
			           size_t len)
{
    struct filter *f;

    if (len > PFS_LINK_RELAY_MAX)
	len = PFS_LINK_RELAY_MAX;
    if (len == 0 || pfs_link_known(l, sid, relay, len))
	return;
    if (l->nfilters < PFS_LINK_FILTERS) {
	f = l->filters + l->nfilters++;
    } else {
	f = l->filters + l->next;
	l->next = (l->next + 1) % PFS_LINK_FILTERS;
    }
    f->sid = sid;
    f->source = source;
    f->len = (uint8_t) len;
    memcpy(f->relay, relay, len);
    f->relay[len] = 0;
}

/* pfs_link_count - filters remembered */

size_t  pfs_link_count(const PFS_LINK *l)
{
    return (l->nfilters);
}

/* pfs_link_get - one of them, oldest first; NULL past the end */

const char *pfs_link_get(const PFS_LINK *l, size_t i, uint64_t *sid, uint32_t *source)
{
    const struct filter *f;

    if (i >= l->nfilters)
	return (0);
    /* When full, the oldest is the one replaced next. */
    f = l->filters + (l->nfilters < PFS_LINK_FILTERS ? i : (l->next + i) % PFS_LINK_FILTERS);
    *sid = f->sid;
    *source = f->source;
    return (f->relay);
}

/* pfs_link_note_unlinked - keep the first unlinked loopback relay */

void    pfs_link_note_unlinked(PFS_LINK *l, const char *relay, size_t len)
{
    if (l->unlinked[0] != 0 || len == 0)
	return;
    if (len > PFS_LINK_RELAY_MAX)
	len = PFS_LINK_RELAY_MAX;
    memcpy(l->unlinked, relay, len);
    l->unlinked[len] = 0;
}

/* pfs_link_unlinked - that relay, or NULL */

const char *pfs_link_unlinked(const PFS_LINK *l)
{
    return (l->unlinked[0] ? l->unlinked : 0);
}

/* id_char - a character of a queue ID */

static int id_char(unsigned char c)
{
    return ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
}

/* find - bounded memmem */

static const char *find(const char *s, size_t len, const char *lit, size_t n)
{
    const char *end = s + len;
    const char *q;

    while ((size_t) (end - s) >= n && (q = memchr(s, lit[0], (size_t) (end - s) - n + 1)) != 0) {
	if (memcmp(q, lit, n) == 0)
	    return (q);
	s = q + 1;
    }
    return (0);
}

/* take_id - the queue ID that starts at s */

static int take_id(const char *s, const char *end, struct pfs_str *id)
{
    const char *q = s;

    while (q < end && id_char((unsigned char) *q))
	q++;
    if (q == s)
	return (0);
    id->ptr = s;
    id->len = (size_t) (q - s);
    return (1);
}

/* pfs_link_queued_as - the last "queued as ID" of a reply */

int     pfs_link_queued_as(const char *text, size_t len, struct pfs_str *id)
{
    static const char lit[] = "queued as ";
    const char *end = text + len;
    const char *q, *last = 0;

    while ((q = find(text, (size_t) (end - text), lit, sizeof(lit) - 1)) != 0) {
	last = q + sizeof(lit) - 1;
	text = last;
    }
    return (last != 0 && take_id(last, end, id));
}

/* pfs_link_orig_queue_id - ", orig_queue_id=ID" of an smtpd client= line */

int     pfs_link_orig_queue_id(const char *text, size_t len, struct pfs_str *id)
{
    static const char lit[] = ", orig_queue_id=";
    const char *q = find(text, len, lit, sizeof(lit) - 1);

    return (q != 0 && take_id(q + sizeof(lit) - 1, text + len, id));
}

/* pfs_link_loopback - "name[127.x.y.z]", "[::1]:port" and the like */

int     pfs_link_loopback(struct pfs_str peer)
{
    const char *lb = memchr(peer.ptr, '[', peer.len);
    size_t  rest;

    if (lb == 0)
	return (0);
    lb++;
    rest = peer.len - (size_t) (lb - peer.ptr);
    return ((rest >= 4 && memcmp(lb, "127.", 4) == 0)
	    || (rest >= 4 && memcmp(lb, "::1]", 4) == 0)
	    || (rest >= 9 && memcmp(lb, "ipv6:::1]", 9) == 0));
}

/* pfs_link_secs - a line's time as seconds of a year-long scale */

int64_t pfs_link_secs(const struct pfs_time *t)
{
    static const int before[13] = {
	0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
    };
    int     mon = t->mon >= 1 && t->mon <= 12 ? t->mon : 1;

    return ((((int64_t) t->year * 366 + before[mon] + t->mday - 1) * 24 + t->hour) * 3600
	    + t->min * 60 + t->sec);
}

/* pfs_link_wait_over - has a pending entry waited enough? */

int     pfs_link_wait_over(const struct pfs_qentry *e, int64_t now, uint64_t lines)
{
    int64_t then = pfs_link_secs(&e->when);

    return (now >= then + PFS_LINK_WAIT_SECONDS || now < then - 86400
	    || lines >= e->line + PFS_LINK_WAIT_LINES);
}
