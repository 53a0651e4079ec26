/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_STATUS_H
#define PFS_STATUS_H

/*++
 * NAME
 *	pfs_status 3h
 * SUMMARY
 *	a delivery status line read by hand, before its pattern
 * SYNOPSIS
 *	#include "pfs_status.h"
 * DESCRIPTION
 *	See pfs_status.c.
 *--*/

#include <stddef.h>

#include "pfs_syslog.h"

/* What the DELIVERY pattern of pfs_parser.c captures, and where it ends. */
struct pfs_status_fields {
    struct pfs_str relay;
    struct pfs_str delay;
    struct pfs_str delays[4];
    struct pfs_str dclass;
    struct pfs_str dsub;
    struct pfs_str status;
    size_t  end;			/* bytes the match took */
};

/* 1: read, fields set; -1: not the usual shape, ask the pattern. */
extern int pfs_status_scan(const char *subj, size_t len, struct pfs_status_fields *);

#endif
