/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_CONFIG_H
#define PFS_CONFIG_H

/*++
 * NAME
 *	pfs_config 3h
 * SUMMARY
 *	postfix-stats-agent.conf: tokens, defaults, strict parsing
 * SYNOPSIS
 *	#include "pfs_config.h"
 * DESCRIPTION
 *	See pfs_config.c.
 *--*/

#include <stddef.h>

#include "pfs_events.h"
#include "pfs_queue.h"
#include "pfs_stats.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

#define PFS_DEF_CONFIG		SYSCONFDIR "/postfix-stats/postfix-stats-agent.conf"
#define PFS_DEF_STATE		LOCALSTATEDIR "/lib/postfix-stats/state.json"
#define PFS_DEF_PIDFILE		"/run/postfix-stats/postfix-stats-agent.pid"
#define PFS_DEF_AGENTX		"/var/agentx/master"
#define PFS_DEF_LOGFILE		"/var/log/mail.log"

struct pfs_strlist {
    char  **v;
    size_t  n;
};

struct pfs_config {
    char   *path;			/* file read, or NULL */
    struct pfs_strlist logfiles;
    char   *agentx_socket;
    unsigned ping_interval;		/* seconds */
    struct pfs_strlist ignore_clients;
    struct pfs_strlist ignore_relays;
    int     ignore_localhost;
    size_t  caps[PFS_TABLE_COUNT];
    size_t  queue_cap;
    char   *state_file;
    unsigned save_interval;		/* seconds */
    unsigned poll_interval;		/* seconds */
    int     from_start;			/* first start: read logs from the start */
    char   *pidfile;
    /* Alerts (issue 5): pfs_events(3), pfs_queue(3), doc/alerts.md. */
    int     accounts;			/* keep the per-account table */
    size_t  account_cap;
    unsigned account_limit;		/* recipients relayed outside per day */
    struct pfs_strlist account_limits;	/* "NAME=N" overrides */
    int     account_limit_unit;		/* enum pfs_limit_unit */
    struct pfs_strlist account_clients;	/* networks: clients without login */
    size_t  notify_queue;		/* notifications waiting for snmpd */
    struct pfs_strlist inside_transports;	/* never "relayed outside" */
    unsigned baseline_days;
    unsigned baseline_sigma;
    unsigned baseline_min_days;
    int     baseline_hourly;
    unsigned baseline_hourly_min;
    unsigned filter_low[2];		/* spam, virus: percent, 0 = off */
    unsigned filter_high[2];		/* spam, virus: percent, 100 = off */
    unsigned filter_min_scanned;
    int     queue_monitor;
    char   *postqueue;			/* path of postqueue(1) */
    char   *queue_config_directory;	/* postqueue -c DIR, or NULL */
    char   *queue_directory;		/* for the corrupt queue, or NULL */
    unsigned queue_refresh;		/* seconds */
    unsigned queue_age[2];		/* "older than" thresholds, seconds */
    struct pfs_qa_opts queue_alert;	/* thresholds per queue */
    /* The systemd journal (issue 4): pfs_journal(3). */
    int     journal;			/* read Postfix's journal entries */
    struct pfs_strlist journal_identifiers;	/* SYSLOG_IDENTIFIER names */
    char   *journal_directory;		/* journal files, or NULL: the system's */
    /* Reading a log to its end on several threads (issue 14): pfs_pread(3). */
    unsigned threads;			/* 0: one per processor */
};

extern void pfs_config_init(struct pfs_config *);
extern int pfs_config_load(struct pfs_config *, const char *path, int must_exist,
			           char *err, size_t errlen);
extern void pfs_config_free(struct pfs_config *);
/* The alert modules' options from the configuration. */
extern void pfs_config_events_opts(const struct pfs_config *, struct pfs_events_opts *);
extern void pfs_config_queue_opts(const struct pfs_config *, struct pfs_queue_opts *);
extern void pfs_strlist_add(struct pfs_strlist *, const char *);
extern void pfs_strlist_free(struct pfs_strlist *);

/* For --help and the man page: every token with its argument. */
extern void pfs_config_usage(void (*fn) (const char *token, const char *arg,
				               const char *help, void *), void *);

#endif
