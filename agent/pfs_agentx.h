/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_AGENTX_H
#define PFS_AGENTX_H

/*++
 * NAME
 *	pfs_agentx 3h
 * SUMMARY
 *	serve the counter store as POSTFIX-STATS-MIB through Net-SNMP
 * SYNOPSIS
 *	#include "pfs_agentx.h"
 * DESCRIPTION
 *	See pfs_agentx.c.
 *--*/

#include <stddef.h>
#include <time.h>

#include "pfs_follow.h"
#include "pfs_stats.h"

typedef struct PFS_AGENTX PFS_AGENTX;

/*
 * Where the agent group and the file table get what the store does not
 * hold. The daemon passes the follower's functions; tests pass fakes.
 */
struct pfs_agentx_files {
    size_t  (*count) (void *ctx);
    void    (*status) (void *ctx, size_t i, struct pfs_follow_status *);
    time_t  (*last_line) (void *ctx);
    size_t  (*waiting) (void *ctx);	/* receipts waiting for a filter link */
    void   *ctx;
};

/* Between init_agent() and init_snmp(). */
extern PFS_AGENTX *pfs_agentx_create(PFS_STATS *, const struct pfs_agentx_files *);
extern void pfs_agentx_free(PFS_AGENTX *);

/* Mirror table rows the store gained since the last call. */
extern void pfs_agentx_sync(PFS_AGENTX *);

/* The counters started from zero now (no usable saved state). */
extern void pfs_agentx_discontinuity(PFS_AGENTX *);

/* Registered with a master agent right now (AgentX session open). */
extern int pfs_agentx_connected(const PFS_AGENTX *);

/*
 * Try to connect to the AgentX socket ADDRESS ("/path" or "unix:/path")
 * ourselves: 0 if that works, the errno of the failure, or -1 when the
 * address is not a unix socket path (nothing checked).
 */
extern int pfs_agentx_probe(const char *address);

/* Rows served per table, for tests and debug logs. */
extern size_t pfs_agentx_rows(const PFS_AGENTX *, int mib_table);

#endif
