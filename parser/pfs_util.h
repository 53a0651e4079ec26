/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_UTIL_H
#define PFS_UTIL_H

/*++
 * NAME
 *	pfs_util 3h
 * SUMMARY
 *	allocation wrappers that never return a null pointer
 * SYNOPSIS
 *	#include "pfs_util.h"
 * DESCRIPTION
 *	See pfs_util.c.
 *--*/

#include <stddef.h>

extern void *pfs_malloc(size_t);
extern void *pfs_calloc(size_t, size_t);
extern void *pfs_reallocarray(void *, size_t, size_t);
extern char *pfs_strdup(const char *);
extern char *pfs_strndup(const char *, size_t);

/* What to do when memory runs out; the agent installs its fatal(). */
typedef void (*PFS_OOM_FN) (const char *what, size_t size);
extern void pfs_set_oom_handler(PFS_OOM_FN);

#endif
