/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_lines 3
 * SUMMARY
 *	cut a byte stream into bounded lines
 * SYNOPSIS
 *	#include "pfs_lines.h"
 *
 *	void	pfs_lines_init(lb, fn, ctx)
 *
 *	size_t	pfs_lines_feed(lb, data, len)
 *
 *	size_t	pfs_lines_pending(lb)
 *
 *	void	pfs_lines_reset(lb)
 *
 *	size_t	pfs_lines_split(data, len, limit, fn, ctx)
 * DESCRIPTION
 *	pfs_lines_feed() takes the next bytes of a log and calls fn once for
 *	every complete line, without its newline. A line still missing its
 *	newline is held (a half-written last line) until more data arrives.
 *	Complete lines inside data are passed straight from the caller's
 *	buffer; only an unfinished tail is copied.
 *
 *	A line longer than PFS_LINE_MAX bytes is passed once, cut to
 *	PFS_LINE_MAX bytes, with PFS_LINE_OVERLONG set; its remaining bytes up
 *	to the next newline are dropped. Memory is fixed whatever the input.
 *
 *	The return value is the number of complete lines, including cut ones,
 *	passed to fn. pfs_lines_pending() tells how many bytes of an
 *	unfinished line are held: the log follower subtracts it from its file
 *	offset so that a saved position always falls at the start of a line.
 *	pfs_lines_reset() drops the held bytes (the file was truncated).
 *
 *	pfs_lines_split() is for a buffer that holds a whole piece of a
 *	log (a block read on its own, pfs_parser_batch()): it passes each
 *	line that starts before limit, as pfs_lines_feed() would, and the
 *	end of the buffer ends the last line, as the newline that --once
 *	adds at the end of a file would. A line cut because it is too long
 *	needs only its first PFS_LINE_MAX + 1 bytes in the buffer.
 * SECURITY
 *	Bytes are not interpreted: NUL bytes and invalid UTF-8 pass through
 *	as they are, with their length.
 *--*/

#include <string.h>

#include "pfs_lines.h"

/* pfs_lines_init - empty splitter */

void    pfs_lines_init(PFS_LINEBUF *lb, PFS_LINE_FN fn, void *ctx)
{
    lb->len = 0;
    lb->skipping = 0;
    lb->fn = fn;
    lb->ctx = ctx;
}

/* pfs_lines_pending - bytes held of an unfinished line */

size_t  pfs_lines_pending(const PFS_LINEBUF *lb)
{
    return (lb->skipping ? 0 : lb->len);
}

/* pfs_lines_reset - forget the unfinished line */

void    pfs_lines_reset(PFS_LINEBUF *lb)
{
    lb->len = 0;
    lb->skipping = 0;
}

/* pfs_lines_feed - split data into lines */

size_t  pfs_lines_feed(PFS_LINEBUF *lb, const char *data, size_t len)
{
    const char *p = data;
    const char *end = data + len;
    const char *nl;
    size_t  lines = 0;
    size_t  n;
    /* One scan of the whole chunk: most chunks hold no NUL byte at all. */
    int     maynul = memchr(data, 0, len) != 0;
    int     fl;

    while (p < end) {
	nl = memchr(p, '\n', end - p);
	n = (nl ? nl : end) - p;
	if (lb->skipping) {
	    /* Drop the rest of a line that was already passed on, cut. */
	    if (nl == 0)
		return (lines);
	    lb->skipping = 0;
	    p = nl + 1;
	    continue;
	}
	if (lb->len == 0 && nl != 0 && n <= PFS_LINE_MAX) {
	    fl = PFS_LINE_NUL_CHECKED;
	    if (maynul && memchr(p, 0, n) != 0)
		fl |= PFS_LINE_NUL;
	    lb->fn(p, n, fl, lb->ctx);		/* common case: no copy */
	    lines++;
	    p = nl + 1;
	    continue;
	}
	if (lb->len + n > PFS_LINE_MAX) {
	    size_t  take = PFS_LINE_MAX - lb->len;

	    memcpy(lb->buf + lb->len, p, take);
	    lb->fn(lb->buf, PFS_LINE_MAX, PFS_LINE_OVERLONG, lb->ctx);
	    lines++;
	    lb->len = 0;
	    if (nl == 0) {
		lb->skipping = 1;
		return (lines);
	    }
	    p = nl + 1;
	    continue;
	}
	memcpy(lb->buf + lb->len, p, n);
	lb->len += n;
	if (nl == 0)
	    return (lines);
	lb->fn(lb->buf, lb->len, 0, lb->ctx);
	lines++;
	lb->len = 0;
	p = nl + 1;
    }
    return (lines);
}

/* pfs_lines_split - the lines of a buffer that start before limit */

size_t  pfs_lines_split(const char *data, size_t len, size_t limit, PFS_LINE_FN fn,
			        void *ctx)
{
    const char *p = data;
    const char *end = data + len;
    const char *stop = data + (limit < len ? limit : len);
    const char *nl;
    const char *far;
    size_t  lines = 0;
    size_t  n;
    int     maynul;
    int     fl;

    /* No line that is passed whole reaches beyond this. */
    far = (size_t) (end - stop) > PFS_LINE_MAX + 1 ? stop + PFS_LINE_MAX + 1 : end;
    maynul = memchr(data, 0, (size_t) (far - data)) != 0;
    while (p < stop) {
	n = (size_t) (end - p) > PFS_LINE_MAX + 1 ? PFS_LINE_MAX + 1 : (size_t) (end - p);
	if ((nl = memchr(p, '\n', n)) != 0 || n <= PFS_LINE_MAX) {
	    n = (size_t) ((nl ? nl : end) - p);
	    fl = PFS_LINE_NUL_CHECKED;
	    if (maynul && memchr(p, 0, n) != 0)
		fl |= PFS_LINE_NUL;
	    fn(p, n, fl, ctx);
	} else {
	    /* Too long: cut; its newline, if any, may be far. */
	    fn(p, PFS_LINE_MAX, PFS_LINE_OVERLONG, ctx);
	    nl = p + n < stop ? memchr(p + n, '\n', (size_t) (stop - (p + n))) : 0;
	}
	lines++;
	if (nl == 0)
	    break;
	p = nl + 1;
    }
    return (lines);
}
