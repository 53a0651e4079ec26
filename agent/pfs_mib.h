/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_MIB_H
#define PFS_MIB_H

/*++
 * NAME
 *	pfs_mib 3h
 * SUMMARY
 *	POSTFIX-STATS-MIB: object identifiers and the map from counters
 * SYNOPSIS
 *	#include "pfs_mib.h"
 * DESCRIPTION
 *	See pfs_mib.c. mibs/POSTFIX-STATS-MIB.txt is the specification;
 *	tests check that this file and the MIB agree.
 *--*/

#include <stddef.h>
#include <stdio.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "pfs_stats.h"

/*
 * The one place in the code that names the root. The project has no
 * Private Enterprise Number yet: NET-SNMP-MIB::netSnmpPlaypen is
 * 1.3.6.1.4.1.8072.9999.9999, and postfixStatsMIB is its arc 25.
 * Everything below is built from it.
 */
#define PFS_OID_ROOT		1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 25
#define PFS_OID_OBJECTS		PFS_OID_ROOT, 1
#define PFS_OID_COUNTERS	PFS_OID_OBJECTS, 1
#define PFS_OID_COUNTERS64	PFS_OID_OBJECTS, 2
#define PFS_OID_TRANSPORT_TABLE	PFS_OID_OBJECTS, 3
#define PFS_OID_REJECT_TABLE	PFS_OID_OBJECTS, 4
#define PFS_OID_DSN_TABLE	PFS_OID_OBJECTS, 5
#define PFS_OID_PROGRAM_TABLE	PFS_OID_OBJECTS, 6
#define PFS_OID_SOURCE_TABLE	PFS_OID_OBJECTS, 7
#define PFS_OID_AGENT		PFS_OID_OBJECTS, 8
#define PFS_OID_FILE_TABLE	PFS_OID_OBJECTS, 9
#define PFS_OID_NOTIFICATIONS	PFS_OID_ROOT, 0
#define PFS_OID_DELAY_TABLE	PFS_OID_OBJECTS, 10
#define PFS_OID_ALERTS		PFS_OID_OBJECTS, 11
#define PFS_OID_ACCOUNT_TABLE	PFS_OID_OBJECTS, 12
#define PFS_OID_BASELINE_TABLE	PFS_OID_OBJECTS, 13
#define PFS_OID_QUEUE_TABLE	PFS_OID_OBJECTS, 14
#define PFS_OID_NOTIFY_OBJECTS	PFS_OID_OBJECTS, 15

/* Every table has its entry at TABLE.1, columns at TABLE.1.COLUMN. */
#define PFS_OID_ENTRY		1

/* What a scalar object or a table column serves. */
enum pfs_mib_value {
    PFS_MV_COUNTER,			/* a counter of the store, Counter32 */
    PFS_MV_COUNTER64,			/* a counter of the store, Counter64 */
    PFS_MV_VERSION,			/* the agent's version */
    PFS_MV_LAST_LINE,			/* DateAndTime of the last line */
    PFS_MV_DISCONTINUITY,		/* TimeStamp of the counters' restart */
    PFS_MV_WAITING,			/* Gauge32: receipts waiting for a link */
    PFS_MV_KEY,				/* table: the row's key, readable */
    PFS_MV_FILE_PATH,			/* file table columns */
    PFS_MV_FILE_OPEN,
    PFS_MV_FILE_POSITION,
    PFS_MV_FILE_LINES,
    PFS_MV_FILE_ROTATIONS,
};

/* One scalar object: group OID + subid + ".0". */
struct pfs_mib_scalar {
    oid     subid;
    const char *name;			/* MIB object name */
    enum pfs_mib_value value;
    int     counter;			/* enum pfs_scalar, or -1 */
};

struct pfs_mib_group {
    const char *name;			/* registration name */
    const oid *oid;
    size_t  oid_len;
    const struct pfs_mib_scalar *objs;	/* sorted by subid, no holes */
    size_t  n;
};

/* One table column. */
struct pfs_mib_column {
    oid     colnum;
    const char *name;			/* MIB object name */
    enum pfs_mib_value value;
    int     col;			/* store column or reject reason, or -1 */
};

/* Tables: the keyed tables of the store, then two of our own. */
enum pfs_mib_table_id {
    PFS_MT_TRANSPORT, PFS_MT_DSN, PFS_MT_PROGRAM, PFS_MT_SOURCE,
    PFS_MT_REJECT, PFS_MT_FILE, PFS_MT_COUNT
};

struct pfs_mib_table {
    const char *name;			/* MIB table name */
    const oid *table_oid;		/* ...Table */
    size_t  table_len;
    int     store_table;		/* enum pfs_table_id, or -1 */
    const struct pfs_mib_column *cols;	/* readable columns, ascending */
    size_t  ncols;
    oid     min_col;			/* first readable column */
    const char *index_hint;		/* how --oids shows an index */
};

/* The reject table's fixed rows: pfsRejectReason value -> counter. */
struct pfs_mib_reject {
    oid     index;
    const char *label;			/* enumeration label in the MIB */
    enum pfs_scalar counter;
};

extern const struct pfs_mib_group pfs_mib_groups[];
extern const size_t pfs_mib_ngroups;
extern const struct pfs_mib_table pfs_mib_tables[PFS_MT_COUNT];
extern const struct pfs_mib_reject pfs_mib_rejects[];
extern const size_t pfs_mib_nrejects;

/* Longest index a table row may have, in sub-identifiers. */
#define PFS_MIB_INDEX_MAX	115

/*
 * The index of a store row: fills idx, returns its length, or -1 when
 * the key cannot be an index (too long for the MIB's SIZE, or not an
 * enhanced status code in the DSN table).
 */
extern int pfs_mib_index(enum pfs_table_id, const char *key, oid *idx, size_t max);

/* --oids: every object; with stats, also an instance line per row. */
extern int pfs_mib_print_oids(FILE *, const PFS_STATS *);

#endif
