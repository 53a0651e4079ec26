/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_status 3
 * SUMMARY
 *	a delivery status line read by hand, before its pattern
 * SYNOPSIS
 *	#include "pfs_status.h"
 *
 *	int	pfs_status_scan(subj, len, fields)
 * DESCRIPTION
 *	Delivery status lines ("to=<...>, relay=..., delay=..., delays=...,
 *	dsn=..., status=...") are the most frequent lines that a pattern
 *	with many groups reads: the DELIVERY pattern of pfs_parser.c spent
 *	about 1,200 instructions a line. pfs_status_scan() reads the usual
 *	shape of such a line by hand, in one pass with memchr() for the
 *	long fields, and gives the same groups, and where the match ends,
 *	as the pattern would.
 *
 *	It answers only when the answer is certain: the addresses (to=,
 *	orig_to=) hold no double quote and end at their first ">", which a
 *	comma follows. Such an address can be read only one way by the
 *	pattern's address rule (ADDR in pfs_parser.c: quoted local parts,
 *	and a ">" inside an unquoted address when no comma, space or end
 *	follows it), and every other field of the pattern has a single
 *	reading. Anything else (a quote, an unexpected field, a field the
 *	pattern would refuse) returns -1, and the caller runs the pattern,
 *	which then decides alone. So the scanner never changes what
 *	matches: it only makes the common case cheaper. check_status
 *	compares the two on thousands of mutated lines.
 * SECURITY
 *	The line is untrusted: every access is bounded by len.
 *--*/

#include <string.h>

#include "pfs_status.h"

/* The status words, in the pattern's order (STATUS_WORDS). */
static const struct {
    const char *word;
    size_t  len;
}       words[] = {
    {"sent", 4}, {"deferred", 8}, {"bounced", 7}, {"SOFTBOUNCE", 10},
    {"deliverable", 11}, {"undeliverable", 13}, {"undeliverable-but-not-cached", 28},
};

/*
 * Bytes that end a field: PCRE2's \s without UCP (space, tab, newline,
 * vertical tab, form feed, return), the comma, the slash.
 */
#define C_SPACE	1
#define C_COMMA	2
#define C_SLASH	4

static const unsigned char cls[256] = {
    ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
    ['\r'] = C_SPACE, [' '] = C_SPACE, [','] = C_COMMA, ['/'] = C_SLASH,
};

#define IS_DIGIT(c)	((unsigned) ((unsigned char) (c) - '0') < 10)

/* lit - the literal at p; p moves past it */

static int lit(const char **p, const char *end, const char *s, size_t n)
{
    if ((size_t) (end - *p) < n || memcmp(*p, s, n) != 0)
	return (0);
    *p += n;
    return (1);
}

/* addr - "<ADDRESS>," with no quote in the address; p moves past the comma */

static int addr(const char **p, const char *end)
{
    const char *q;

    if (*p >= end || **p != '<')
	return (0);
    if ((q = memchr(*p + 1, '>', (size_t) (end - *p - 1))) == 0
	|| memchr(*p + 1, '"', (size_t) (q - *p - 1)) != 0
	|| q + 1 >= end || q[1] != ',')
	return (0);
    *p = q + 2;
    return (1);
}

/* field - up to the first byte of class stop; it must be `want`; f is the field */

static int field(const char **p, const char *end, int stop, char want,
		         struct pfs_str *f)
{
    const char *q = *p;

    while (q < end && !(cls[(unsigned char) *q] & stop))
	q++;
    if (q >= end || *q != want)
	return (0);
    f->ptr = *p;
    f->len = (size_t) (q - *p);
    *p = q + 1;
    return (1);
}

/* digits - 1 to max digits, then byte `want`; p moves past it */

static int digits(const char **p, const char *end, size_t max, char want)
{
    const char *q = *p;

    while (q < end && IS_DIGIT(*q))
	q++;
    if (q == *p || (size_t) (q - *p) > max || q >= end || *q != want)
	return (0);
    *p = q + 1;
    return (1);
}

/* pfs_status_scan - the usual delivery status line, or -1 */

int     pfs_status_scan(const char *subj, size_t len, struct pfs_status_fields *f)
{
    const char *p = subj;
    const char *end = subj + len;
    const char *q;
    struct pfs_str skip;
    size_t  i, n;

    if (!lit(&p, end, "to=", 3) || !addr(&p, end))
	return (-1);
    if (lit(&p, end, " orig_to=", 9) && !addr(&p, end))
	return (-1);
    /* relay=([^,]+), */
    if (!lit(&p, end, " relay=", 7) || (q = memchr(p, ',', (size_t) (end - p))) == 0 || q == p)
	return (-1);
    f->relay.ptr = p;
    f->relay.len = (size_t) (q - p);
    p = q + 1;
    if (lit(&p, end, " conn_use=", 10) && !digits(&p, end, (size_t) -1, ','))
	return (-1);
    if (!lit(&p, end, " delay=", 7) || !field(&p, end, C_SPACE | C_COMMA, ',', &f->delay)
	|| !lit(&p, end, " delays=", 8))
	return (-1);
    for (i = 0; i < 3; i++)
	if (!field(&p, end, C_SPACE | C_COMMA | C_SLASH, '/', f->delays + i))
	    return (-1);
    if (!field(&p, end, C_SPACE | C_COMMA, ',', f->delays + 3))
	return (-1);
    if (lit(&p, end, " tls=", 5) && !field(&p, end, C_SPACE | C_COMMA, ',', &skip))
	return (-1);
    /* dsn=(\d)\.(\d{1,3}\.\d{1,3}), status= */
    if (!lit(&p, end, " dsn=", 5) || end - p < 2 || !IS_DIGIT(p[0]) || p[1] != '.')
	return (-1);
    f->dclass.ptr = p;
    f->dclass.len = 1;
    p += 2;
    f->dsub.ptr = p;
    if (!digits(&p, end, 3, '.') || !digits(&p, end, 3, ','))
	return (-1);
    f->dsub.len = (size_t) (p - 1 - f->dsub.ptr);
    if (!lit(&p, end, " status=", 8))
	return (-1);
    /* The first word, in order, that a space or the end follows. */
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
	n = words[i].len;
	if ((size_t) (end - p) >= n && memcmp(p, words[i].word, n) == 0
	    && (p + n == end || p[n] == ' ' || (p[n] == '\n' && p + n + 1 == end))) {
	    f->status.ptr = p;
	    f->status.len = n;
	    f->end = (size_t) (p + n - subj);
	    return (1);
	}
    }
    return (-1);
}
