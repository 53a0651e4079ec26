/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_util 3
 * SUMMARY
 *	allocation wrappers that never return a null pointer
 * SYNOPSIS
 *	#include "pfs_util.h"
 *
 *	void	*pfs_malloc(size)
 *
 *	void	*pfs_calloc(nmemb, size)
 *
 *	void	*pfs_reallocarray(ptr, nmemb, size)
 *
 *	char	*pfs_strdup(str)
 *
 *	char	*pfs_strndup(str, len)
 *
 *	void	pfs_set_oom_handler(fn)
 * DESCRIPTION
 *	The wrappers check every allocation and the multiplication of
 *	element count and size. On failure they call the out-of-memory
 *	handler, which must not return; the default prints a message to
 *	standard error and exits with status 70 (EX_SOFTWARE).
 * DIAGNOSTICS
 *	"out of memory" names what was being allocated and how much.
 *--*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_util.h"

/* default_oom - print and exit */

static void default_oom(const char *what, size_t size)
{
    fprintf(stderr, "postfix-stats: fatal: out of memory in %s (%zu bytes)\n",
	    what, size);
    exit(70);
}

static PFS_OOM_FN oom_fn = default_oom;

/* pfs_set_oom_handler - install the caller's fatal handler */

void    pfs_set_oom_handler(PFS_OOM_FN fn)
{
    oom_fn = fn ? fn : default_oom;
}

/* oom - call the handler, which must not return */

static void oom(const char *what, size_t size)
{
    oom_fn(what, size);
    abort();
}

/* pfs_malloc - checked malloc */

void   *pfs_malloc(size_t size)
{
    void   *p = malloc(size ? size : 1);

    if (p == 0)
	oom("malloc", size);
    return (p);
}

/* pfs_calloc - checked calloc */

void   *pfs_calloc(size_t nmemb, size_t size)
{
    void   *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    if (p == 0)
	oom("calloc", nmemb * size);
    return (p);
}

/* pfs_reallocarray - checked realloc of nmemb * size bytes */

void   *pfs_reallocarray(void *ptr, size_t nmemb, size_t size)
{
    void   *p;

    if (size != 0 && nmemb > SIZE_MAX / size)
	oom("reallocarray (overflow)", SIZE_MAX);
    if ((p = realloc(ptr, nmemb * size != 0 ? nmemb * size : 1)) == 0)
	oom("realloc", nmemb * size);
    return (p);
}

/* pfs_strdup - checked strdup */

char   *pfs_strdup(const char *s)
{
    return (pfs_strndup(s, strlen(s)));
}

/* pfs_strndup - copy of len bytes, NUL-terminated */

char   *pfs_strndup(const char *s, size_t len)
{
    char   *p = pfs_malloc(len + 1);

    memcpy(p, s, len);
    p[len] = 0;
    return (p);
}
