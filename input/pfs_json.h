/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_JSON_H
#define PFS_JSON_H

/*++
 * NAME
 *	pfs_json 3h
 * SUMMARY
 *	the state file's JSON, streamed through yajl: no tree, exact bytes
 * SYNOPSIS
 *	#include "pfs_json.h"
 * DESCRIPTION
 *	See pfs_json.c.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

/* Writing: yajl's generator, through a buffer, to a file descriptor. */
struct pfs_jsonw {
    int     fd;
    char   *buf;
    size_t  len;
    int     err;			/* errno of the first failed write(2) */
    int     gen_status;			/* the first yajl_gen_status not ok */
    uint64_t bytes;			/* written so far */
    yajl_gen gen;
};

extern void pfs_jsonw_init(struct pfs_jsonw *, int fd);
extern int pfs_jsonw_finish(struct pfs_jsonw *);	/* -1: errno set */
extern void pfs_jsonw_obj(struct pfs_jsonw *);
extern void pfs_jsonw_obj_end(struct pfs_jsonw *);
extern void pfs_jsonw_arr(struct pfs_jsonw *);
extern void pfs_jsonw_arr_end(struct pfs_jsonw *);
extern void pfs_jsonw_key(struct pfs_jsonw *, const char *);
extern void pfs_jsonw_u64(struct pfs_jsonw *, uint64_t);
extern void pfs_jsonw_i64(struct pfs_jsonw *, int64_t);
extern void pfs_jsonw_bool(struct pfs_jsonw *, int);
extern void pfs_jsonw_str(struct pfs_jsonw *, const char *, size_t);
extern void pfs_jsonw_cstr(struct pfs_jsonw *, const char *);
extern void pfs_jsonw_tree(struct pfs_jsonw *, const json_t *);
extern void pfs_jsonw_newline(struct pfs_jsonw *);

/* Reading: yajl's parser fed in chunks, its events pulled one by one. */
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

struct pfs_jsonr_ev;			/* one parser event (pfs_json.c) */
struct pfs_jsonr_copy;			/* text yajl did not leave in place */

struct pfs_jsonr {
    const char *start, *end;		/* the whole text */
    size_t  fed;			/* bytes given to yajl so far */
    size_t  base;			/* where yajl's current chunk starts */
    size_t  at;				/* end of the last event taken */
    yajl_handle yajl;
    struct pfs_jsonr_ev *ev;		/* events not yet taken */
    size_t  ev_len, ev_cap, ev_next;
    struct pfs_jsonr_copy *copies;
    int     parse_depth;		/* nesting as yajl reports it */
    int     depth;			/* nesting as the caller took it */
    int     done;			/* yajl saw the end of the text */
    const char *why;			/* the error, or NULL */
    char    why_buf[160];
};

struct pfs_jsonr_tok {
    enum pfs_jsonr_type type;
    const char *p;			/* string: its bytes, escapes undone */
    size_t  len;
};

extern void pfs_jsonr_init(struct pfs_jsonr *, const char *, size_t);
extern void pfs_jsonr_fini(struct pfs_jsonr *);
extern enum pfs_jsonr_type pfs_jsonr_value(struct pfs_jsonr *, struct pfs_jsonr_tok *);
extern int pfs_jsonr_member(struct pfs_jsonr *, struct pfs_jsonr_tok *key);
extern int pfs_jsonr_element(struct pfs_jsonr *);
extern int pfs_jsonr_skip(struct pfs_jsonr *, const struct pfs_jsonr_tok *);
extern json_t *pfs_jsonr_tree(struct pfs_jsonr *, const struct pfs_jsonr_tok *);
extern int pfs_jsonr_end(struct pfs_jsonr *);
extern size_t pfs_jsonr_offset(const struct pfs_jsonr *);
extern ssize_t pfs_jsonr_bytes(const struct pfs_jsonr_tok *, char *out, size_t max);
extern int pfs_jsonr_is(const struct pfs_jsonr_tok *, const char *);
extern int pfs_jsonr_u64(const struct pfs_jsonr_tok *, uint64_t *, int wrap);
extern int pfs_jsonr_i64(const struct pfs_jsonr_tok *, int64_t *);

#endif
