/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	snmp_request 3
 * SUMMARY
 *	handler-level SNMP requests for the check tests, without snmpd
 * SYNOPSIS
 *	#include "snmp_request.h"
 *
 *	netsnmp_session *snmp_request_session(void)
 *
 *	int	snmp_request_exchange(sess, pdu, resp)
 *
 *	netsnmp_pdu *snmp_request_one(sess, command, oidtext, set_type)
 * DESCRIPTION
 *	snmp_request_session() opens an in-process v2c session to the
 *	agent's handlers (Net-SNMP's callback transport), after init_snmp().
 *
 *	snmp_request_exchange() sends a PDU over the test's in-process
 *	session the way the AgentX subagent code hands requests from snmpd
 *	to the handlers: snmpd did the access control, so the PDU is marked
 *	always-in-view.
 *
 *	snmp_request_one() sends one request for one OID (numeric or named)
 *	and returns the response. A SET carries the value 1 of set_type,
 *	which the tests expect to be refused.
 * DIAGNOSTICS
 *	A bad OID or a failed exchange fails the current check test;
 *	a session that cannot be opened ends the program.
 *--*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snmp_request.h"
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* Exported by libnetsnmpagent (snmp_vars.c), declared in no installed header. */
extern int callback_master_num;

/* snmp_request_session - a v2c session to the handlers, in process */

netsnmp_session *snmp_request_session(void)
{
    netsnmp_session *sess;

    if ((sess = netsnmp_callback_open(callback_master_num, 0, 0, 0)) == 0) {
	fprintf(stderr, "cannot open the callback session\n");
	exit(1);
    }
    sess->version = SNMP_VERSION_2c;
    free(sess->community);
    sess->community = (u_char *) strdup("public");
    sess->community_len = strlen("public");
    sess->flags |= SNMP_FLAGS_RESP_CALLBACK | SNMP_FLAGS_DONT_PROBE;
    sess->myvoid = (void *) netsnmp_check_outstanding_agent_requests;
    return (sess);
}

/* snmp_request_exchange - one PDU through the handlers */

int     snmp_request_exchange(netsnmp_session *sess, netsnmp_pdu *pdu,
			              netsnmp_pdu **resp)
{
    pdu->flags |= UCD_MSG_FLAG_ALWAYS_IN_VIEW;
    return (snmp_synch_response(sess, pdu, resp));
}

/* snmp_request_one - one synchronous request of one OID */

netsnmp_pdu *snmp_request_one(netsnmp_session *sess, int command,
			              const char *oidtext, u_char set_type)
{
    netsnmp_pdu *pdu = snmp_pdu_create(command);
    netsnmp_pdu *resp = 0;
    oid     name[MAX_OID_LEN];
    size_t  len = MAX_OID_LEN;

    ck_assert_msg(read_objid(oidtext, name, &len), "bad OID %s", oidtext);
    if (command == SNMP_MSG_SET) {
	long    v = 1;

	snmp_pdu_add_variable(pdu, name, len, set_type, &v, sizeof(v));
    } else {
	snmp_add_null_var(pdu, name, len);
    }
    ck_assert_int_eq(snmp_request_exchange(sess, pdu, &resp), STAT_SUCCESS);
    ck_assert_ptr_nonnull(resp);
    return (resp);
}
