/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_NETLIST_H
#define PFS_NETLIST_H

/*++
 * NAME
 *	pfs_netlist 3h
 * SUMMARY
 *	a list of IPv4 and IPv6 networks, and whether an address is in one
 * SYNOPSIS
 *	#include "pfs_netlist.h"
 * DESCRIPTION
 *	See pfs_netlist.c.
 *--*/

#include <stddef.h>

typedef struct PFS_NETLIST PFS_NETLIST;

/* NULL with the first bad entry in *bad (and nothing allocated). */
extern PFS_NETLIST *pfs_netlist_create(const char *const *specs, size_t n,
				               const char **bad);
extern void pfs_netlist_free(PFS_NETLIST *);
extern int pfs_netlist_match(const PFS_NETLIST *, const char *addr, size_t len);
extern int pfs_netlist_valid(const char *spec);

#endif
