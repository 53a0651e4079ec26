/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_JOURNAL_H
#define PFS_JOURNAL_H

/*++
 * NAME
 *	pfs_journal 3h
 * SUMMARY
 *	read Postfix's entries from the systemd journal
 * SYNOPSIS
 *	#include "pfs_journal.h"
 * DESCRIPTION
 *	See pfs_journal.c. Like pfs_follow: the caller watches
 *	pfs_journal_fd() and calls pfs_journal_event(), and calls
 *	pfs_journal_poll() on its poll timer.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include "pfs_parser.h"

typedef struct PFS_JOURNAL PFS_JOURNAL;

#define PFS_JOURNAL_CURSOR_MAX	512	/* longest cursor kept */

/*
 * directory: NULL for the local system journal, else a directory of
 * journal files. names: syslog identifiers; an entry is read when its
 * SYSLOG_IDENTIFIER equals a name or starts with name + "/". NULL or
 * n == 0: "postfix". NULL result: err says why (e.g. built without
 * libsystemd).
 */
extern PFS_JOURNAL *pfs_journal_create(PFS_PARSER *, const char *directory,
			                 const char *const *names, size_t n,
				               int from_start, char *err, size_t errlen);
extern void pfs_journal_free(PFS_JOURNAL *);

/* Before pfs_journal_start(): the saved cursor; "" = the journal was empty. */
extern void pfs_journal_set_cursor(PFS_JOURNAL *, const char *);
extern void pfs_journal_start(PFS_JOURNAL *);

extern int pfs_journal_fd(PFS_JOURNAL *);	/* -1: poll only */
extern void pfs_journal_event(PFS_JOURNAL *);	/* fd readable */
extern void pfs_journal_poll(PFS_JOURNAL *);	/* timer tick */
extern int pfs_journal_backlog(const PFS_JOURNAL *);

/* Cursor of the last entry handled, for the state file; "" if none. */
extern const char *pfs_journal_cursor(PFS_JOURNAL *);

extern uint64_t pfs_journal_lines(const PFS_JOURNAL *);	/* entries fed */
extern uint64_t pfs_journal_changes(const PFS_JOURNAL *);

#endif
