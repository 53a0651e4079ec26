/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_journal 3
 * SUMMARY
 *	read Postfix's entries from the systemd journal
 * SYNOPSIS
 *	#include "pfs_journal.h"
 *
 *	PFS_JOURNAL *pfs_journal_create(parser, directory, names, n,
 *					from_start, err, errlen)
 *
 *	void	pfs_journal_set_cursor(jr, cursor)
 *
 *	void	pfs_journal_start(jr)
 *
 *	void	pfs_journal_event(jr)
 *
 *	const char *pfs_journal_cursor(jr)
 * DESCRIPTION
 *	Entries whose SYSLOG_IDENTIFIER is one of the names, or starts with
 *	a name and "/" ("postfix" takes "postfix/smtpd" and "postfix", not
 *	"postfix-out/smtp": list that syslog_name too), are turned back into
 *	a syslog line and passed to pfs_parser_line():
 *
 *	    2026-11-22T10:00:02.123456Z mx1 postfix/smtp[1250]: MESSAGE
 *
 *	from __REALTIME_TIMESTAMP (in UTC), _HOSTNAME, SYSLOG_IDENTIFIER,
 *	SYSLOG_PID (or _PID) and MESSAGE. The identifier is tested in this
 *	module rather than with sd_journal_add_match(), which knows no
 *	prefixes: every entry is looked at, only matching ones are parsed.
 *
 *	The position is the journal cursor of the last entry handled;
 *	pfs_state saves it. pfs_journal_start() resumes after that entry, or,
 *	if it was vacuumed away, at the oldest entry after it. With no saved
 *	cursor the journal is read from its end (from its start with
 *	from_start). A saved "" means the journal was empty: read from its
 *	start.
 *
 *	One call reads at most 100,000 entries; pfs_journal_backlog() says
 *	when more are waiting.
 * DIAGNOSTICS
 *	pfs_journal_create() returns NULL with the reason in err when the
 *	journal cannot be opened or the agent was built without libsystemd.
 *	Read errors are logged once until reading works again.
 * SECURITY
 *	Journal fields are untrusted: host and identifier are bounded and
 *	the line is cut at PFS_LINE_MAX (flagged PFS_LINE_OVERLONG).
 *--*/

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "pfs_journal.h"
#include "pfs_lines.h"
#include "pfs_log.h"
#include "pfs_util.h"

#ifdef HAVE_LIBSYSTEMD

#define ENTRY_BUDGET	100000
#define HOST_MAX	255
#define IDENT_MAX	128

struct PFS_JOURNAL {
    PFS_PARSER *parser;
    sd_journal *j;
    char  **names;
    size_t *nlen;
    size_t  n;
    int     from_start;
    int     fd;
    int     pending;			/* current entry not handled yet */
    int     backlog;
    int     failing;			/* read error reported */
    uint64_t lines;
    uint64_t changes;
    char    cursor[PFS_JOURNAL_CURSOR_MAX + 1];
    int     have_cursor;		/* set by pfs_journal_set_cursor() */
    char    line[PFS_LINE_MAX + 1];
};

/* field - one field's value; 0 if absent */

static const char *field(sd_journal *j, const char *name, size_t *len)
{
    const void *data;
    size_t  dlen;
    size_t  nlen = strlen(name);

    if (sd_journal_get_data(j, name, &data, &dlen) < 0 || dlen <= nlen
	|| ((const char *) data)[nlen] != '=')
	return (0);
    *len = dlen - nlen - 1;
    return ((const char *) data + nlen + 1);
}

/* wanted - the identifier is one of ours */

static int wanted(const PFS_JOURNAL *jr, const char *id, size_t len)
{
    size_t  i;

    for (i = 0; i < jr->n; i++)
	if (len >= jr->nlen[i] && memcmp(id, jr->names[i], jr->nlen[i]) == 0
	    && (len == jr->nlen[i] || id[jr->nlen[i]] == '/'))
	    return (1);
    return (0);
}

/* handle - one entry: rebuild a syslog line, feed the parser */

static void handle(PFS_JOURNAL *jr)
{
    const char *id, *msg, *host, *pid;
    size_t  idlen, mlen, hlen, plen;
    uint64_t usec;
    time_t  secs;
    struct tm tm;
    int     hdr;
    int     flags = 0;

    if ((id = field(jr->j, "SYSLOG_IDENTIFIER", &idlen)) == 0
	|| !wanted(jr, id, idlen)
	|| (msg = field(jr->j, "MESSAGE", &mlen)) == 0)
	return;
    if ((host = field(jr->j, "_HOSTNAME", &hlen)) == 0) {
	host = "localhost";
	hlen = 9;
    }
    if ((pid = field(jr->j, "SYSLOG_PID", &plen)) == 0
	&& (pid = field(jr->j, "_PID", &plen)) == 0) {
	pid = "0";
	plen = 1;
    }
    if (sd_journal_get_realtime_usec(jr->j, &usec) < 0)
	usec = 0;
    secs = (time_t) (usec / 1000000);
    if (gmtime_r(&secs, &tm) == 0)
	memset(&tm, 0, sizeof(tm));
    hdr = snprintf(jr->line, sizeof(jr->line),
		   "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ %.*s %.*s[%.*s]: ",
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		   tm.tm_min, tm.tm_sec, (unsigned) (usec % 1000000),
		   (int) (hlen > HOST_MAX ? HOST_MAX : hlen), host,
		   (int) (idlen > IDENT_MAX ? IDENT_MAX : idlen), id,
		   (int) (plen > 20 ? 20 : plen), pid);
    if (hdr < 0 || (size_t) hdr >= PFS_LINE_MAX)
	return;
    if (mlen > PFS_LINE_MAX - (size_t) hdr) {
	mlen = PFS_LINE_MAX - (size_t) hdr;
	flags |= PFS_LINE_OVERLONG;
    }
    memcpy(jr->line + hdr, msg, mlen);
    pfs_parser_line(jr->parser, jr->line, (size_t) hdr + mlen, flags);
    jr->lines++;
}

/* read_entries - everything new, up to the budget */

static void read_entries(PFS_JOURNAL *jr)
{
    int     n = 0;
    int     r;

    jr->backlog = 0;
    if (jr->pending) {
	jr->pending = 0;
	handle(jr);
	jr->changes++;
    }
    while ((r = sd_journal_next(jr->j)) > 0) {
	handle(jr);
	jr->changes++;
	if (++n >= ENTRY_BUDGET) {
	    jr->backlog = 1;
	    break;
	}
    }
    if (r < 0 && !jr->failing) {
	log_warnx("cannot read the journal: %s", strerror(-r));
	jr->failing = 1;
    } else if (r >= 0 && jr->failing) {
	log_info("reading the journal works again");
	jr->failing = 0;
    }
}

/* pfs_journal_create - open the journal */

PFS_JOURNAL *pfs_journal_create(PFS_PARSER *parser, const char *directory,
			                const char *const *names, size_t n,
				              int from_start, char *err, size_t errlen)
{
    static const char *const def_names[] = {"postfix"};
    PFS_JOURNAL *jr;
    sd_journal *j;
    size_t  i;
    int     r;

    if (directory)
	r = sd_journal_open_directory(&j, directory, 0);
    else
	r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
    if (r < 0) {
	snprintf(err, errlen, "cannot open the journal%s%s: %s",
		 directory ? " in " : "", directory ? directory : "", strerror(-r));
	return (0);
    }
    (void) sd_journal_set_data_threshold(j, PFS_LINE_MAX + 64);
    if (names == 0 || n == 0) {
	names = def_names;
	n = 1;
    }
    jr = pfs_calloc(1, sizeof(*jr));
    jr->parser = parser;
    jr->j = j;
    jr->n = n;
    jr->names = pfs_calloc(n, sizeof(*jr->names));
    jr->nlen = pfs_calloc(n, sizeof(*jr->nlen));
    for (i = 0; i < n; i++) {
	jr->names[i] = pfs_strdup(names[i]);
	jr->nlen[i] = strlen(names[i]);
    }
    jr->from_start = from_start;
    jr->fd = -1;
    return (jr);
}

/* pfs_journal_free - close */

void    pfs_journal_free(PFS_JOURNAL *jr)
{
    size_t  i;

    if (jr == 0)
	return;
    sd_journal_close(jr->j);
    for (i = 0; i < jr->n; i++)
	free(jr->names[i]);
    free(jr->names);
    free(jr->nlen);
    free(jr);
}

/* pfs_journal_set_cursor - where the last run stopped */

void    pfs_journal_set_cursor(PFS_JOURNAL *jr, const char *cursor)
{
    if (strlen(cursor) > PFS_JOURNAL_CURSOR_MAX) {
	log_warnx("saved journal cursor too long; ignored");
	return;
    }
    strcpy(jr->cursor, cursor);
    jr->have_cursor = 1;
}

/* pfs_journal_start - position and read what is new */

void    pfs_journal_start(PFS_JOURNAL *jr)
{
    int     r;

    if (jr->have_cursor && jr->cursor[0] != 0) {
	if ((r = sd_journal_seek_cursor(jr->j, jr->cursor)) < 0) {
	    log_warnx("saved journal cursor unusable (%s): reading from the end",
		      strerror(-r));
	    (void) sd_journal_seek_tail(jr->j);
	    (void) sd_journal_previous(jr->j);
	} else if (sd_journal_next(jr->j) > 0
		   && sd_journal_test_cursor(jr->j, jr->cursor) <= 0) {
	    /* The saved entry is gone: this is the first one not read. */
	    log_info("saved journal entry no longer in the journal: "
		     "resuming at the next one");
	    jr->pending = 1;
	}
    } else if ((jr->have_cursor && jr->cursor[0] == 0) || jr->from_start) {
	(void) sd_journal_seek_head(jr->j);
    } else {
	(void) sd_journal_seek_tail(jr->j);
	(void) sd_journal_previous(jr->j);
    }
    if ((jr->fd = sd_journal_get_fd(jr->j)) < 0) {
	log_warnx("no change notification for the journal (%s): polling",
		  strerror(-jr->fd));
	jr->fd = -1;
    }
    read_entries(jr);
}

/* pfs_journal_fd - descriptor to watch, or -1 */

int     pfs_journal_fd(PFS_JOURNAL *jr)
{
    return (jr->fd);
}

/* pfs_journal_event - the descriptor is readable */

void    pfs_journal_event(PFS_JOURNAL *jr)
{
    (void) sd_journal_process(jr->j);
    read_entries(jr);
}

/* pfs_journal_poll - timer tick */

void    pfs_journal_poll(PFS_JOURNAL *jr)
{
    pfs_journal_event(jr);
}

/* pfs_journal_backlog - more entries than one call reads */

int     pfs_journal_backlog(const PFS_JOURNAL *jr)
{
    return (jr->backlog);
}

/* pfs_journal_cursor - cursor of the last entry handled */

const char *pfs_journal_cursor(PFS_JOURNAL *jr)
{
    char   *c;

    if (jr->pending == 0 && sd_journal_get_cursor(jr->j, &c) >= 0) {
	if (strlen(c) <= PFS_JOURNAL_CURSOR_MAX)
	    strcpy(jr->cursor, c);
	free(c);
    }
    return (jr->cursor);
}

/* pfs_journal_lines - entries passed to the parser */

uint64_t pfs_journal_lines(const PFS_JOURNAL *jr)
{
    return (jr->lines);
}

/* pfs_journal_changes - moves when the cursor may have */

uint64_t pfs_journal_changes(const PFS_JOURNAL *jr)
{
    return (jr->changes);
}

#else					/* HAVE_LIBSYSTEMD */

/* pfs_journal_create - not available in this build */

PFS_JOURNAL *pfs_journal_create(PFS_PARSER *parser, const char *directory,
			                const char *const *names, size_t n,
				              int from_start, char *err, size_t errlen)
{
    (void) parser;
    (void) directory;
    (void) names;
    (void) n;
    (void) from_start;
    snprintf(err, errlen, "this agent was built without libsystemd: "
	     "no journal support");
    return (0);
}

/* pfs_journal_free - nothing to free */

void    pfs_journal_free(PFS_JOURNAL *jr)
{
    (void) jr;
}

/* pfs_journal_set_cursor - no journal */

void    pfs_journal_set_cursor(PFS_JOURNAL *jr, const char *c)
{
    (void) jr;
    (void) c;
}

/* pfs_journal_start - no journal */

void    pfs_journal_start(PFS_JOURNAL *jr)
{
    (void) jr;
}

/* pfs_journal_fd - no descriptor */

int     pfs_journal_fd(PFS_JOURNAL *jr)
{
    (void) jr;
    return (-1);
}

/* pfs_journal_event - no journal */

void    pfs_journal_event(PFS_JOURNAL *jr)
{
    (void) jr;
}

/* pfs_journal_poll - no journal */

void    pfs_journal_poll(PFS_JOURNAL *jr)
{
    (void) jr;
}

/* pfs_journal_backlog - never */

int     pfs_journal_backlog(const PFS_JOURNAL *jr)
{
    (void) jr;
    return (0);
}

/* pfs_journal_cursor - no cursor */

const char *pfs_journal_cursor(PFS_JOURNAL *jr)
{
    (void) jr;
    return ("");
}

/* pfs_journal_lines - none */

uint64_t pfs_journal_lines(const PFS_JOURNAL *jr)
{
    (void) jr;
    return (0);
}

/* pfs_journal_changes - none */

uint64_t pfs_journal_changes(const PFS_JOURNAL *jr)
{
    (void) jr;
    return (0);
}

#endif					/* HAVE_LIBSYSTEMD */
