/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_SCANS_H
#define PFS_SCANS_H

/*++
 * NAME
 *	pfs_scans 3h
 * SUMMARY
 *	one mail, one scan: verdicts of ClamAV and its front-ends paired
 * SYNOPSIS
 *	#include "pfs_scans.h"
 * DESCRIPTION
 *	See pfs_scans.c.
 *--*/

#include <stdint.h>

#include "pfs_syslog.h"

/* Who logged a verdict. */
enum pfs_scan_from {
    PFS_SCAN_CLAMD,			/* the engine: one line per scanned object */
    PFS_SCAN_MILTER,			/* clamav-milter: one line per recipient */
    PFS_SCAN_AMAVIS,			/* amavis: one line per mail */
};

/* What a verdict line is. */
enum pfs_scan_result {
    PFS_SCAN_NEW,			/* a mail not seen yet */
    PFS_SCAN_AGAIN,			/* a mail another scanner reported */
    PFS_SCAN_REPEAT,			/* the same scanner's verdict again */
};

typedef struct PFS_SCANS PFS_SCANS;

#define PFS_SCANS_WINDOW	120	/* seconds of log time a pair may span */
#define PFS_SCANS_KEEP		256	/* recent verdicts remembered */

extern PFS_SCANS *pfs_scans_create(void);
extern void pfs_scans_free(PFS_SCANS *);

/*
 * One verdict. key: what the scanner names (clamd: the object; milter:
 * the queue ID, or the sender). pid: amavis's process, for clamd the
 * amavis process whose directory was scanned, else -1. *partner is set
 * for PFS_SCAN_AGAIN.
 */
extern enum pfs_scan_result pfs_scans_verdict(PFS_SCANS *, enum pfs_scan_from,
				            const struct pfs_syslog *, long pid,
					              struct pfs_str key, int virus,
					              enum pfs_scan_from *partner);

/* The amavis process in a clamd path ".../amavis-STAMP-PID-...", or -1. */
extern long pfs_scans_amavis_pid(struct pfs_str path);

#endif
