/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_SYSLOG_H
#define PFS_SYSLOG_H

/*++
 * NAME
 *	pfs_syslog 3h
 * SUMMARY
 *	split a syslog line into time, host, tag and text
 * SYNOPSIS
 *	#include "pfs_syslog.h"
 * DESCRIPTION
 *	See pfs_syslog.c.
 *--*/

#include <stddef.h>

/* Time as the line carries it. year is 0 when the line has none. */
struct pfs_time {
    int     year;
    int     mon;			/* 1..12 */
    int     mday;			/* 1..31 */
    int     hour, min, sec;
    long    usec;
    int     has_tz;			/* RFC 3339 offset present */
    int     tz_min;			/* offset east of UTC, minutes */
};

/* A counted, not NUL-terminated, piece of the line. */
struct pfs_str {
    const char *ptr;
    size_t  len;
};

struct pfs_syslog {
    struct pfs_time time;
    struct pfs_str host;		/* empty when the line has none */
    struct pfs_str tag;			/* "postfix-out/legal/smtp" */
    struct pfs_str instance;		/* "postfix-out" (tag up to first /) */
    struct pfs_str service;		/* "legal", or empty */
    struct pfs_str program;		/* "smtp" (tag after last /) */
    struct pfs_str text;		/* after "tag[pid]: " */
    long    pid;			/* -1 if none */
};

extern int pfs_syslog_split(const char *line, size_t len, struct pfs_syslog *);

#endif
