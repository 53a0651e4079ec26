/*++
 * NAME
 *	snmp_request 3
 * SUMMARY
 *	handler-level SNMP requests for the check tests, without snmpd
 * SYNOPSIS
 *	#include "snmp_request.h"
 *
 *	int	snmp_request_exchange(sess, pdu, resp)
 *
 *	netsnmp_pdu *snmp_request_one(sess, command, oidtext, set_type)
 * DESCRIPTION
 *	snmp_request_exchange() sends a PDU over the test's in-process
 *	session the way the AgentX subagent code hands requests from snmpd
 *	to the handlers: snmpd did the access control, so the PDU is marked
 *	always-in-view.
 *
 *	snmp_request_one() sends one request for one OID (numeric or named)
 *	and returns the response. A SET carries the value 1 of set_type,
 *	which the tests expect to be refused.
 * DIAGNOSTICS
 *	A bad OID or a failed exchange fails the current check test.
 *--*/

#include <check.h>

#include "snmp_request.h"

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
