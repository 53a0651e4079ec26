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
#include <time.h>

#include "pfs_follow.h"
#include "pfs_parser.h"
#include "pfs_stats.h"

/* Result of a load. */
enum pfs_state_result {
    PFS_STATE_LOADED,			/* counters and positions restored */
    PFS_STATE_ABSENT,			/* no file: first start */
    PFS_STATE_BAD,			/* unreadable, corrupt or foreign: fresh start */
};

extern int pfs_state_save(const char *path, const PFS_STATS *, PFS_PARSER *,
			          const PFS_FOLLOW *, char *err, size_t errlen);
extern enum pfs_state_result pfs_state_load(const char *path, PFS_STATS *,
			             PFS_PARSER *, PFS_FOLLOW *, char *err, size_t errlen);

#endif
