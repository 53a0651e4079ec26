/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_QUEUE_H
#define PFS_QUEUE_H

/*++
 * NAME
 *	pfs_queue 3h
 * SUMMARY
 *	mail queue gauges from postqueue -j, read in the background
 * SYNOPSIS
 *	#include "pfs_queue.h"
 * DESCRIPTION
 *	See pfs_queue.c.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Queues; the order is the index of the MIB's queue table, from 1. */
enum pfs_queue_id {
    PFS_Q_INCOMING, PFS_Q_ACTIVE, PFS_Q_DEFERRED, PFS_Q_HOLD, PFS_Q_MAILDROP,
    PFS_Q_CORRUPT, PFS_Q_COUNT
};
extern const char *const pfs_queue_name[PFS_Q_COUNT];

enum pfs_queue_status {
    PFS_QS_UNKNOWN,			/* not read yet */
    PFS_QS_OK,				/* numbers are current */
    PFS_QS_ERROR,			/* the last read failed: see text */
    PFS_QS_STALE,			/* the last good read is too old */
    PFS_QS_OFF,				/* not counted (corrupt without queue_directory) */
};
extern const char *const pfs_queue_status_name[5];

#define PFS_DEF_POSTQUEUE	"/usr/sbin/postqueue"

#define PFS_QUEUE_AGES		2
#define PFS_QUEUE_TEXT_MAX	200	/* error text kept, bytes */
#define PFS_QUEUE_LINE_MAX	(4 << 20)	/* one message's JSON line, kept */
#define PFS_QUEUE_READ_MAX	(256 << 10)	/* bytes read per pfs_queue_input() */

struct pfs_queue_opts {
    const char *postqueue;		/* path; NULL = PFS_DEF_POSTQUEUE */
    const char *config_dir;		/* postqueue -c DIR, or NULL */
    const char *queue_dir;		/* for the corrupt queue, or NULL */
    unsigned refresh;			/* seconds between reads; 0 = 60 */
    unsigned timeout;			/* seconds a read may take; 0 = max(30, refresh) */
    unsigned age[PFS_QUEUE_AGES];	/* seconds; 0 = 3600, 86400 */
};

struct pfs_queue_info {
    enum pfs_queue_status status;
    char    text[PFS_QUEUE_TEXT_MAX + 1];	/* "ok", or what went wrong */
    int     valid;			/* the numbers below are current */
    uint64_t messages;
    uint64_t recipients;
    uint64_t bytes;
    uint64_t oldest_age;		/* seconds, 0 when empty */
    uint64_t older[PFS_QUEUE_AGES];	/* messages older than age[i] */
    uint64_t truncated;			/* entries too long: recipients not counted */
    time_t  read_at;			/* when the numbers were taken; 0 = never */
    unsigned age[PFS_QUEUE_AGES];	/* the thresholds, seconds */
};

typedef struct PFS_QUEUE PFS_QUEUE;

/* The daemon registers the pipe with its loop when it opens, and
 * unregisters it when it closes (before the number can be reused). */
typedef void (*PFS_QUEUE_FD_FN) (int fd, void *ctx);

extern PFS_QUEUE *pfs_queue_create(const struct pfs_queue_opts *);
extern void pfs_queue_free(PFS_QUEUE *);
extern void pfs_queue_set_fd_callbacks(PFS_QUEUE *, PFS_QUEUE_FD_FN opened,
				               PFS_QUEUE_FD_FN closing, void *ctx);

/* Called when a read has finished, good or failed. */
typedef void (*PFS_QUEUE_DONE_FN) (PFS_QUEUE *, void *ctx);
extern void pfs_queue_set_done_callback(PFS_QUEUE *, PFS_QUEUE_DONE_FN, void *ctx);

/* The last finished read: PFS_QS_OK or PFS_QS_ERROR (UNKNOWN before any), and why. */
extern enum pfs_queue_status pfs_queue_last_read(const PFS_QUEUE *, const char **text);

/* Timer: start a read when due, end one that takes too long. */
extern void pfs_queue_tick(PFS_QUEUE *, time_t now);

/* Start a read now unless one is running; 0, or -1 with errno. */
extern int pfs_queue_start(PFS_QUEUE *, time_t now);

/* The pipe of the running read, or -1. */
extern int pfs_queue_fd(const PFS_QUEUE *);

/* The pipe is readable: 1 when the read has finished, 0 for more. */
extern int pfs_queue_input(PFS_QUEUE *, time_t now);

/* One queue as a reader sees it now. */
extern void pfs_queue_info(const PFS_QUEUE *, enum pfs_queue_id, time_t now,
			           struct pfs_queue_info *);

/* Reads finished, good and failed (for tests and the agent group). */
extern uint64_t pfs_queue_reads(const PFS_QUEUE *, uint64_t *failed);

/* Parse postqueue -j output directly (tests; no child). */
extern void pfs_queue_feed(PFS_QUEUE *, time_t now, const char *buf, size_t len, int last,
			           int exit_status);

#endif
