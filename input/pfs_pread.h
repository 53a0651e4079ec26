/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_PREAD_H
#define PFS_PREAD_H

/*++
 * NAME
 *	pfs_pread 3h
 * SUMMARY
 *	read a log to its end on several threads
 * SYNOPSIS
 *	#include "pfs_pread.h"
 * DESCRIPTION
 *	See pfs_pread.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include "pfs_parser.h"

typedef struct PFS_PREAD PFS_PREAD;

#define PFS_PREAD_BLOCK	(1 << 18)	/* bytes of log a block, by default */
#define PFS_PREAD_MAX_THREADS	256

extern PFS_PREAD *pfs_pread_create(PFS_PARSER *, int threads, size_t block);
extern int pfs_pread_fd(PFS_PREAD *, int fd, const char *name);
extern int pfs_pread_range(PFS_PREAD *, int fd, const char *name, uint64_t from,
			           uint64_t to, uint64_t *lines, uint64_t *upto);
extern void pfs_pread_free(PFS_PREAD *);

/* Processors this process may run on (at least 1). */
extern int pfs_pread_cores(void);

#endif
