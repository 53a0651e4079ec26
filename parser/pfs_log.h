/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_LOG_H
#define PFS_LOG_H

/*++
 * NAME
 *	pfs_log 3h
 * SUMMARY
 *	the agent's logging: stderr in the foreground, syslog as a daemon
 * SYNOPSIS
 *	#include "pfs_log.h"
 * DESCRIPTION
 *	See pfs_log.c.
 *--*/

#include <stdarg.h>

#define PFS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PFS_NORETURN __attribute__((noreturn))

extern void log_init(const char *ident, int to_stderr, int debug);
extern void log_to_syslog(void);
extern void log_warn(const char *, ...) PFS_PRINTF(1, 2);
extern void log_warnx(const char *, ...) PFS_PRINTF(1, 2);
extern void log_info(const char *, ...) PFS_PRINTF(1, 2);
extern void log_debug(const char *token, const char *, ...) PFS_PRINTF(2, 3);
extern void log_msg(int pri, const char *, ...) PFS_PRINTF(2, 3);
extern void fatal(const char *, ...) PFS_PRINTF(1, 2) PFS_NORETURN;
extern void fatalx(const char *, ...) PFS_PRINTF(1, 2) PFS_NORETURN;

/* Exit status of fatal()/fatalx(). */
#define PFS_EXIT_FATAL	1

#endif
