/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_FOLLOW_H
#define PFS_FOLLOW_H

/*++
 * NAME
 *	pfs_follow 3h
 * SUMMARY
 *	follow log files through rotation and feed their lines to the parser
 * SYNOPSIS
 *	#include "pfs_follow.h"
 * DESCRIPTION
 *	See pfs_follow.c. The daemon's event loop owns the timing: it
 *	watches pfs_follow_fd() for readability and calls pfs_follow_event(),
 *	and it calls pfs_follow_poll() every pfs_follow_poll_interval()
 *	seconds (the fallback for file systems where inotify sees nothing).
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pfs_parser.h"

typedef struct PFS_FOLLOW PFS_FOLLOW;

struct pfs_follow_status {
    const char *path;			/* as configured */
    int     open;			/* the file is open now */
    uint64_t dev, ino;			/* of the open file */
    uint64_t offset;			/* bytes consumed, at a line start */
    uint64_t lines;			/* lines read from this path, all time */
    uint64_t rotations;			/* rotations seen */
};

extern PFS_FOLLOW *pfs_follow_create(PFS_PARSER *, char *const *paths, size_t n,
			             unsigned poll_interval, int from_start);
extern void pfs_follow_free(PFS_FOLLOW *);

/* Start reading: after pfs_state_load() set positions, or at EOF/start. */
extern void pfs_follow_start(PFS_FOLLOW *);

extern int pfs_follow_fd(const PFS_FOLLOW *);	/* -1: no inotify */
extern void pfs_follow_event(PFS_FOLLOW *);	/* fd readable */
extern void pfs_follow_poll(PFS_FOLLOW *);	/* timer tick */
extern unsigned pfs_follow_poll_interval(const PFS_FOLLOW *);
extern void pfs_follow_reopen(PFS_FOLLOW *);	/* SIGHUP */

extern size_t pfs_follow_count(const PFS_FOLLOW *);
extern void pfs_follow_status(const PFS_FOLLOW *, size_t i, struct pfs_follow_status *);
extern time_t pfs_follow_last_line(const PFS_FOLLOW *);	/* wall clock, 0 = never */

/* Creation flags. */
#define PFS_FOLLOW_NO_INOTIFY	(1<<0)	/* polling only (tests, odd file systems) */

/* Environment variable that has the same effect as PFS_FOLLOW_NO_INOTIFY. */
#define PFS_FOLLOW_ENV_NO_INOTIFY "POSTFIX_STATS_NO_INOTIFY"

extern PFS_FOLLOW *pfs_follow_create_flags(PFS_PARSER *, char *const *paths,
			                 size_t n, unsigned poll_interval,
				                   int from_start, int flags);

/* Seconds a rotated file stays open after it stopped growing (default 30). */
extern void pfs_follow_set_linger(PFS_FOLLOW *, unsigned seconds);

/*
 * A file modified again less than ms after the last IN_MODIFY (default
 * 200) loses its watch until the next pfs_follow_poll(), which reads it
 * and re-arms: under steady traffic a few wake-ups a second instead of
 * one per line, at the price of up to poll_interval of delay. 0: off.
 */
extern void pfs_follow_set_throttle(PFS_FOLLOW *, unsigned ms);

/*
 * Threads that read a large backlog (0: one per processor; 1, the
 * default: one). pfs_follow_set_catchup(): the backlog in bytes that
 * starts them and the bytes they parse at a time (0: the defaults, 16 MiB
 * and 16 MiB per thread up to four), for tests and benchmarks.
 * pfs_follow_catchup_bytes(): bytes read on the threads, all time.
 */
extern void pfs_follow_set_threads(PFS_FOLLOW *, int threads);
extern void pfs_follow_set_catchup(PFS_FOLLOW *, uint64_t min_backlog, uint64_t slice);
extern uint64_t pfs_follow_catchup_bytes(const PFS_FOLLOW *);

/* Non-zero: a read budget ran out, call pfs_follow_poll() again soon. */
extern int pfs_follow_backlog(const PFS_FOLLOW *);

/*
 * Changes whenever bytes were consumed or a file was opened, closed or
 * rotated: what pfs_state_save() writes can only differ when this does,
 * so a caller may skip saving (and its fsync wake-ups) when idle.
 */
extern uint64_t pfs_follow_changes(const PFS_FOLLOW *);

/*
 * Positions, for pfs_state. A position is always at a line start, or, with
 * skipping set, inside an overlong line whose cut head was already counted
 * (reading resumes after the next newline). The fingerprint is a hash of
 * the first fp_len (at most PFS_FOLLOW_FP_MAX) bytes of the file; the tail
 * one of the tail_len bytes before offset; mtime the file's modification
 * time (nanoseconds) when the position was taken; prev the fingerprint of
 * the file this one followed (copytruncate, rename), when prev_known. A
 * zero length means none.
 */
#define PFS_FOLLOW_FP_MAX	256

struct pfs_follow_pos {
    int     valid;
    uint64_t dev, ino;
    uint64_t offset;
    int     skipping;
    uint64_t fp_hash;
    unsigned fp_len;
    uint64_t tail_hash;
    unsigned tail_len;
    int64_t mtime_ns;
    uint64_t prev_hash;
    unsigned prev_len;
    int     prev_known;
};

extern const char *pfs_follow_path(const PFS_FOLLOW *, size_t i);

/* The open file and, during a rotation, the rotated one still read. */
extern void pfs_follow_get_pos(const PFS_FOLLOW *, size_t i, struct pfs_follow_pos *cur,
			               struct pfs_follow_pos *rotated);

/* Before pfs_follow_start(): -1 if path is not followed. */
extern int pfs_follow_set_pos(PFS_FOLLOW *, const char *path,
			              const struct pfs_follow_pos *cur,
			              const struct pfs_follow_pos *rotated,
			              uint64_t lines, uint64_t rotations);

#endif
