/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_LINES_H
#define PFS_LINES_H

/*++
 * NAME
 *	pfs_lines 3h
 * SUMMARY
 *	cut a byte stream into bounded lines
 * SYNOPSIS
 *	#include "pfs_lines.h"
 * DESCRIPTION
 *	See pfs_lines.c.
 *--*/

#include <stddef.h>

#define PFS_LINE_MAX	8192		/* longer lines are cut here */

/* flags passed with each line */
#define PFS_LINE_OVERLONG	(1<<0)	/* the line was cut */
#define PFS_LINE_NUL_CHECKED	(1<<1)	/* PFS_LINE_NUL below is known */
#define PFS_LINE_NUL		(1<<2)	/* the line holds a NUL byte */

typedef void (*PFS_LINE_FN) (const char *line, size_t len, int flags, void *ctx);

typedef struct PFS_LINEBUF {
    char    buf[PFS_LINE_MAX];
    size_t  len;			/* bytes held of an unfinished line */
    int     skipping;			/* rest of an overlong line */
    PFS_LINE_FN fn;
    void   *ctx;
} PFS_LINEBUF;

extern void pfs_lines_init(PFS_LINEBUF *, PFS_LINE_FN, void *);
extern size_t pfs_lines_feed(PFS_LINEBUF *, const char *, size_t);
extern size_t pfs_lines_pending(const PFS_LINEBUF *);
extern void pfs_lines_reset(PFS_LINEBUF *);

/* A buffer of whole lines: those that start before limit. */
extern size_t pfs_lines_split(const char *, size_t len, size_t limit, PFS_LINE_FN, void *);

#endif
