/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SNMP_REQUEST_H
#define SNMP_REQUEST_H

/*++
 * NAME
 *	snmp_request 3h
 * SUMMARY
 *	handler-level SNMP requests for the check tests, without snmpd
 * SYNOPSIS
 *	#include "snmp_request.h"
 * DESCRIPTION
 *	See snmp_request.c.
 *--*/

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

extern netsnmp_session *snmp_request_session(void);
extern int snmp_request_exchange(netsnmp_session *, netsnmp_pdu *, netsnmp_pdu **);
extern netsnmp_pdu *snmp_request_one(netsnmp_session *, int command,
				             const char *oidtext, u_char set_type);

#endif
