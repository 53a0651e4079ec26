/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_EVENTS_H
#define PFS_EVENTS_H

/*++
 * NAME
 *	pfs_events 3h
 * SUMMARY
 *	the parser's one event callback, fanned out to the alert modules
 * SYNOPSIS
 *	#include "pfs_events.h"
 * DESCRIPTION
 *	See pfs_events.c.
 *--*/

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "pfs_accounts.h"
#include "pfs_baseline.h"
#include "pfs_delays.h"
#include "pfs_filterhealth.h"
#include "pfs_notify.h"
#include "pfs_parser.h"
#include "pfs_queue.h"
#include "pfs_queuealert.h"

typedef struct PFS_EVENTS PFS_EVENTS;

/* What to build; the agent fills it from its configuration. */
struct pfs_events_opts {
    size_t  delay_rows;			/* rows of the delay table */
    int     accounts;			/* keep the per-account table */
    size_t  account_cap;
    unsigned account_limit;		/* recipients relayed outside per day */
    const char *const *account_limits;	/* "NAME=N" overrides */
    size_t  account_limits_n;
    enum pfs_limit_unit account_unit;	/* what account_limit counts */
    const char *const *account_clients;	/* networks: clients without login */
    size_t  account_clients_n;
    size_t  notify_cap;			/* notifications waiting; 0 = default */
    const char *const *inside;		/* transports that deliver inside */
    size_t  inside_n;
    struct pfs_baseline_opts baseline;
    struct pfs_fh_opts filter;
    const struct pfs_qa_opts *queue_alert;	/* NULL: pfs_qa_defaults() */
};

#define PFS_EVENTS_MAX_CONSUMERS	8

extern PFS_EVENTS *pfs_events_create(const struct pfs_events_opts *);
extern void pfs_events_free(PFS_EVENTS *);

/* The PFS_EVENT_FN to give pfs_parser_set_event(), with the PFS_EVENTS as ctx. */
extern void pfs_events_fn(const struct pfs_event *, void *ctx);

/* Later consumers of the same events (called after the modules). */
extern void pfs_events_add_consumer(PFS_EVENTS *, PFS_EVENT_FN, void *);

/* The wall clock that dates RFC 3164 lines (tests fix it). */
extern void pfs_events_set_clock(PFS_EVENTS *, time_t (*now) (void));

/* The modules; NULL when the configuration turns one off. */
extern PFS_DELAYS *pfs_events_delays(PFS_EVENTS *);
extern PFS_ACCOUNTS *pfs_events_accounts(PFS_EVENTS *);
extern PFS_BASELINE *pfs_events_baseline(PFS_EVENTS *);
extern PFS_FILTERHEALTH *pfs_events_filterhealth(PFS_EVENTS *);

/* The notifications the modules raised, waiting for the agent to send them. */
extern PFS_NOTIFY *pfs_events_notify(PFS_EVENTS *);

/* A read of the mail queue finished: its thresholds (pfs_queuealert(3)). */
extern void pfs_events_queue_read(PFS_EVENTS *, const PFS_QUEUE *, time_t now);
extern PFS_QUEUEALERT *pfs_events_queuealert(PFS_EVENTS *);

/* Events whose line had an impossible time (not dated, not counted by time). */
extern uint64_t pfs_events_bad_time(const PFS_EVENTS *);

/*
 * Events dated more than PFS_EVENTS_FUTURE seconds ahead of the wall
 * clock: kept out of the daily figures, like those above.
 */
#define PFS_EVENTS_FUTURE	86400
extern uint64_t pfs_events_future(const PFS_EVENTS *);

/* Is this delivery a recipient relayed outside? (doc/alerts.md) */
extern int pfs_events_outside(const PFS_EVENTS *, const struct pfs_event *);

/* Saved state: one object with a member per module. */
extern json_t *pfs_events_save(const PFS_EVENTS *);
extern int pfs_events_check(const json_t *, char *err, size_t errlen);
extern void pfs_events_load(PFS_EVENTS *, const json_t *);

/* The same two with an untyped context, for a saved-state hook. */
extern json_t *pfs_events_save_ctx(const void *);
extern void pfs_events_load_ctx(void *, const json_t *);

#endif
