/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_log 3
 * SUMMARY
 *	the agent's logging: stderr in the foreground, syslog as a daemon
 * SYNOPSIS
 *	#include "pfs_log.h"
 *
 *	void	log_init(ident, to_stderr, debug)
 *
 *	void	log_warn(fmt, ...)
 *
 *	void	log_warnx(fmt, ...)
 *
 *	void	log_info(fmt, ...)
 *
 *	void	log_debug(token, fmt, ...)
 *
 *	void	fatal(fmt, ...)
 *
 *	void	fatalx(fmt, ...)
 * DESCRIPTION
 *	The lldpd/OpenBSD logging API. log_warn() and fatal() append the
 *	text of errno; the "x" forms do not. fatal() and fatalx() log and
 *	exit with PFS_EXIT_FATAL. log_debug() prints only when debugging is
 *	on (-d); its token names the subsystem.
 *
 *	Messages go to standard error, prefixed with the program name and
 *	the level, until log_to_syslog() switches to syslog (LOG_DAEMON),
 *	as the daemon does when it detaches.
 *
 *	Nothing is logged at info level per log line: per-line detail is
 *	debug only.
 *--*/

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "pfs_log.h"

static const char *log_ident = "postfix-stats-agent";
static int log_stderr = 1;
static int log_debug_on;

/* log_init - where and how much */

void    log_init(const char *ident, int to_stderr, int debug)
{
    log_ident = ident;
    log_stderr = to_stderr;
    log_debug_on = debug;
    if (!to_stderr)
	log_to_syslog();
}

/* log_to_syslog - from now on, syslog */

void    log_to_syslog(void)
{
    log_stderr = 0;
    openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* vlog - format and send one message */

static void vlog(int, const char *, const char *, va_list, int) PFS_PRINTF(3, 0);

static void vlog(int pri, const char *token, const char *fmt, va_list ap, int with_errno)
{
    char    buf[1024];
    int     saved = errno;
    const char *level;
    size_t  off = 0;

    if (token != 0) {
	snprintf(buf, sizeof(buf), "[%.100s] ", token);
	off = strlen(buf);
    }
    vsnprintf(buf + off, sizeof(buf) - off, fmt, ap);
    if (with_errno) {
	size_t  n = strlen(buf);

	snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(saved));
    }
    if (log_stderr) {
	switch (pri) {
	case LOG_CRIT:
	    level = "fatal: ";
	    break;
	case LOG_ERR:
	    level = "error: ";
	    break;
	case LOG_WARNING:
	    level = "warning: ";
	    break;
	case LOG_DEBUG:
	    level = "debug: ";
	    break;
	default:
	    level = "";
	    break;
	}
	fprintf(stderr, "%s: %s%s\n", log_ident, level, buf);
	fflush(stderr);
    } else {
	syslog(pri, "%s", buf);
    }
    errno = saved;
}

/* log_msg - at a given syslog priority */

void    log_msg(int pri, const char *fmt, ...)
{
    va_list ap;

    if (pri == LOG_DEBUG && !log_debug_on)
	return;
    va_start(ap, fmt);
    vlog(pri, 0, fmt, ap, 0);
    va_end(ap);
}

/* log_warn - warning with errno */

void    log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_WARNING, 0, fmt, ap, 1);
    va_end(ap);
}

/* log_warnx - warning */

void    log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_WARNING, 0, fmt, ap, 0);
    va_end(ap);
}

/* log_info - informational */

void    log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_INFO, 0, fmt, ap, 0);
    va_end(ap);
}

/* log_debug - debugging, with a subsystem token */

void    log_debug(const char *token, const char *fmt, ...)
{
    va_list ap;

    if (!log_debug_on)
	return;
    va_start(ap, fmt);
    vlog(LOG_DEBUG, token, fmt, ap, 0);
    va_end(ap);
}

/* fatal - log with errno and exit */

void    fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_CRIT, 0, fmt, ap, 1);
    va_end(ap);
    exit(PFS_EXIT_FATAL);
}

/* fatalx - log and exit */

void    fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_CRIT, 0, fmt, ap, 0);
    va_end(ap);
    exit(PFS_EXIT_FATAL);
}
