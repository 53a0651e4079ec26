/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_NOTIFIER_H
#define PFS_NOTIFIER_H

/*++
 * NAME
 *	pfs_notifier 3h
 * SUMMARY
 *	hand queued notifications to snmpd, and keep them until it took them
 * SYNOPSIS
 *	#include "pfs_notifier.h"
 * DESCRIPTION
 *	See pfs_notifier.c.
 *--*/

#include <stdint.h>

#include "pfs_notify.h"

typedef struct PFS_NOTIFIER PFS_NOTIFIER;

/* Between init_agent() and init_snmp(). */
extern PFS_NOTIFIER *pfs_notifier_create(PFS_NOTIFY *);
extern void pfs_notifier_free(PFS_NOTIFIER *);

/* Send what can be sent now. */
extern void pfs_notifier_flush(PFS_NOTIFIER *);

/* Notifications snmpd took; whether it is there to take them. */
extern uint64_t pfs_notifier_sent(const PFS_NOTIFIER *);
extern int pfs_notifier_connected(const PFS_NOTIFIER *);

/* The MIB's notification and object names, for logs and --oids. */
extern const char *pfs_notifier_name(enum pfs_note_kind);

#endif
