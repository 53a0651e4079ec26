/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_ALERTMIB_H
#define PFS_ALERTMIB_H

/*++
 * NAME
 *	pfs_alertmib 3h
 * SUMMARY
 *	serve the alert modules as POSTFIX-STATS-MIB objects; notifications
 * SYNOPSIS
 *	#include "pfs_alertmib.h"
 * DESCRIPTION
 *	See pfs_alertmib.c.
 *--*/

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "pfs_events.h"
#include "pfs_queue.h"

typedef struct PFS_ALERTMIB PFS_ALERTMIB;

/* Between init_agent() and init_snmp(); queue may be NULL (not monitored). */
extern PFS_ALERTMIB *pfs_alertmib_create(PFS_EVENTS *, PFS_QUEUE *);
extern void pfs_alertmib_free(PFS_ALERTMIB *);

/* Snapshots are kept this long (centiseconds); tests use 0. */
#define PFS_ALERTMIB_CACHE_CS	100
extern void pfs_alertmib_set_cache(PFS_ALERTMIB *, long cs);

/* The wall clock for queue ages (tests fix it). */
extern void pfs_alertmib_set_clock(PFS_ALERTMIB *, time_t (*now) (void));

/* Notifications snmpd took; send what can be sent now. */
extern uint64_t pfs_alertmib_sent(const PFS_ALERTMIB *);
extern void pfs_alertmib_flush(PFS_ALERTMIB *);

/* --oids: "- OBJECT OID" for every readable alert object. */
extern int pfs_alertmib_print_oids(FILE *);

#endif
