/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_ONCE_H
#define PFS_ONCE_H

/*++
 * NAME
 *	pfs_once 3h
 * SUMMARY
 *	--once: read logs to their end and print every counter
 * SYNOPSIS
 *	#include "pfs_once.h"
 * DESCRIPTION
 *	See pfs_once.c.
 *--*/

#include <stdio.h>

#include "pfs_config.h"
#include "pfs_parser.h"

extern int pfs_once_run(const struct pfs_config *, char **files, int nfiles,
			        int json);
extern PFS_PARSER *pfs_engine_create(const struct pfs_config *, PFS_STATS **);
extern int pfs_print_counters(FILE *, const PFS_STATS *, int json);
extern int pfs_read_fd(int fd, const char *name, PFS_PARSER *, int flush_tail);
extern int pfs_read_files(PFS_PARSER *, char **files, int nfiles);
extern int pfs_read_files_threads(PFS_PARSER *, char **files, int nfiles, int threads);

#endif
