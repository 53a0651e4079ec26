/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_STATE_H
#define PFS_STATE_H

/*++
 * NAME
 *	pfs_state 3h
 * SUMMARY
 *	save and restore counters, file positions and messages in flight
 * SYNOPSIS
 *	#include "pfs_state.h"
 * DESCRIPTION
 *	See pfs_state.c. The file is written atomically (temporary file,
 *	fsync, rename), in JSON through jansson, with a format version.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "pfs_follow.h"
#include "pfs_parser.h"
#include "pfs_stats.h"

/* Result of a load. */
enum pfs_state_result {
    PFS_STATE_LOADED,			/* counters and positions restored */
    PFS_STATE_ABSENT,			/* no file: first start */
    PFS_STATE_BAD,			/* corrupt or foreign: kept as .bad, fresh start */
    PFS_STATE_UNREADABLE,		/* cannot be opened or read: do not start */
};

extern int pfs_state_save(const char *path, const PFS_STATS *, PFS_PARSER *,
			          const PFS_FOLLOW *, char *err, size_t errlen);
extern enum pfs_state_result pfs_state_load(const char *path, PFS_STATS *,
			             PFS_PARSER *, PFS_FOLLOW *, char *err, size_t errlen);

/*
 * The same with the systemd journal's cursor (pfs_journal_cursor()):
 * NULL saves none. On load, *cursor_found says whether a cursor was
 * saved, and cursor (at least PFS_STATE_CURSOR_MAX + 1 bytes) receives it;
 * "" is a valid cursor: the journal was empty.
 */
#define PFS_STATE_CURSOR_MAX	512

/*
 * A part of the state kept by another module (the agent's alert modules):
 * once set, every save writes save(ctx) under name, and every load checks
 * that member with check() and restores it with load(ctx). NULL: none.
 */
struct pfs_state_part {
    const char *name;
    json_t *(*save) (const void *ctx);
    int     (*check) (const json_t *, char *err, size_t errlen);
    void    (*load) (void *ctx, const json_t *);
    void   *ctx;
};
extern void pfs_state_set_part(const struct pfs_state_part *);

/* Size in bytes of the last state file written. */
extern uint64_t pfs_state_saved_bytes(void);

extern int pfs_state_save_cursor(const char *path, const PFS_STATS *, PFS_PARSER *,
			             const PFS_FOLLOW *, const char *journal_cursor,
				          char *err, size_t errlen);
extern enum pfs_state_result pfs_state_load_cursor(const char *path, PFS_STATS *,
			             PFS_PARSER *, PFS_FOLLOW *, char *cursor,
				             size_t cursor_len, int *cursor_found,
				             char *err, size_t errlen);

#endif
