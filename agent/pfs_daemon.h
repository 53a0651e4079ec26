/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_DAEMON_H
#define PFS_DAEMON_H

/*++
 * NAME
 *	pfs_daemon 3h
 * SUMMARY
 *	the AgentX subagent daemon: event loop, signals, pid file
 * SYNOPSIS
 *	#include "pfs_daemon.h"
 * DESCRIPTION
 *	See pfs_daemon.c.
 *--*/

#include "pfs_config.h"

/* What the command line says; it wins over the configuration file. */
struct pfs_daemon_opts {
    const char *config_path;		/* NULL: PFS_DEF_CONFIG, may be absent */
    int     foreground;			/* -f */
    int     debug;			/* -d */
    const char *agentx_socket;		/* -x, or NULL */
    const char *state_file;		/* --state, or NULL */
    int     from_start;			/* --from-start */
    char  **logfiles;			/* LOGFILE..., or NULL */
    int     nlogfiles;
};

extern int pfs_daemon_run(const struct pfs_daemon_opts *);

/* --oids: print the object list, with rows of FILE... if given. */
extern int pfs_oids_run(const struct pfs_config *, char **files, int nfiles);

#endif
