/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_JSON_H
#define PFS_JSON_H

/*++
 * NAME
 *	pfs_json 3h
 * SUMMARY
 *	JSON as the state file writes and reads it: no tree, exact bytes
 * SYNOPSIS
 *	#include "pfs_json.h"
 * DESCRIPTION
 *	See pfs_json.c.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* Writing: through a buffer to a file descriptor. */
struct pfs_jsonw {
    int     fd;
    char   *buf;
    size_t  len;
    int     err;			/* errno of the first failed write(2) */
    uint64_t bytes;			/* written so far */
};

extern void pfs_jsonw_init(struct pfs_jsonw *, int fd);
extern int pfs_jsonw_finish(struct pfs_jsonw *);	/* -1: errno set */
extern void pfs_jsonw_raw(struct pfs_jsonw *, const char *, size_t);
extern void pfs_jsonw_u64(struct pfs_jsonw *, uint64_t);
extern void pfs_jsonw_i64(struct pfs_jsonw *, int64_t);
extern void pfs_jsonw_str(struct pfs_jsonw *, const char *, size_t);
extern void pfs_jsonw_cstr(struct pfs_jsonw *, const char *);
extern void pfs_jsonw_tree(struct pfs_jsonw *, const json_t *);

#define pfs_jsonw_lit(w, s)	pfs_jsonw_raw((w), (s), sizeof(s) - 1)

/* Reading: a pull parser over a buffer. */
enum pfs_jsonr_type {
    PFS_JSONR_ERROR = -1,
    PFS_JSONR_OBJECT,			/* only the "{" is read */
    PFS_JSONR_ARRAY,			/* only the "[" is read */
    PFS_JSONR_STRING,
    PFS_JSONR_NUMBER,
    PFS_JSONR_TRUE,
    PFS_JSONR_FALSE,
    PFS_JSONR_NULL,
};

#define PFS_JSONR_DEPTH	64		/* deepest nesting read */

struct pfs_jsonr {
    const char *start, *p, *end;
    int     depth;
    unsigned char first[PFS_JSONR_DEPTH];
    const char *why;			/* the error, or NULL */
};

struct pfs_jsonr_tok {
    enum pfs_jsonr_type type;
    const char *p;			/* string: between the quotes */
    size_t  len;
    int     escaped;			/* string: holds a backslash */
};

extern void pfs_jsonr_init(struct pfs_jsonr *, const char *, size_t);
extern enum pfs_jsonr_type pfs_jsonr_value(struct pfs_jsonr *, struct pfs_jsonr_tok *);
extern int pfs_jsonr_member(struct pfs_jsonr *, struct pfs_jsonr_tok *key);
extern int pfs_jsonr_element(struct pfs_jsonr *);
extern int pfs_jsonr_skip(struct pfs_jsonr *, const struct pfs_jsonr_tok *);
extern int pfs_jsonr_end(struct pfs_jsonr *);
extern size_t pfs_jsonr_offset(const struct pfs_jsonr *);
extern ssize_t pfs_jsonr_bytes(const struct pfs_jsonr_tok *, char *out, size_t max);
extern int pfs_jsonr_is(const struct pfs_jsonr_tok *, const char *);
extern int pfs_jsonr_u64(const struct pfs_jsonr_tok *, uint64_t *, int wrap);
extern int pfs_jsonr_i64(const struct pfs_jsonr_tok *, int64_t *);

/* Bytes escaped by the writer, in a tree jansson built: back to bytes. */
extern void pfs_json_unescape_tree(json_t *);

#endif
