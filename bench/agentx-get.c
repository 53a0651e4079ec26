/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	agentx-get 1
 * SUMMARY
 *	GET latency of one OID, from one synchronous SNMP client
 * SYNOPSIS
 *	bench/agentx-get PEER COMMUNITY COUNT OID...
 * DESCRIPTION
 *	Sends COUNT GET requests (SNMPv2c) for each OID in turn, one at a
 *	time, and prints per OID: "OID n=COUNT mean=... p50=... p99=... max=...
 *	(microseconds) value=...". One process, one session: the numbers
 *	are the request round trip, not the start-up of snmpget.
 *
 *	Built by bench/agentx-bench.sh; not part of the package.
 * DIAGNOSTICS
 *	Exit status 1 when a request fails or an answer is an exception.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/* now_us - monotonic microseconds */

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_sec * 1e6 + ts.tv_nsec / 1e3);
}

/* by_value - qsort order */

static int by_value(const void *a, const void *b)
{
    double  x = *(const double *) a;
    double  y = *(const double *) b;

    return (x < y ? -1 : x > y);
}

int     main(int argc, char **argv)
{
    netsnmp_session init;
    netsnmp_session *ss;
    netsnmp_pdu *pdu;
    netsnmp_pdu *resp;
    oid     name[MAX_OID_LEN];
    size_t  len;
    double *lat;
    double  t0;
    double  sum;
    char    value[256];
    long    count;
    long    i;
    int     a;

    if (argc < 5) {
	fprintf(stderr, "usage: %s PEER COMMUNITY COUNT OID...\n", argv[0]);
	return (2);
    }
    setenv("MIBS", "", 1);
    init_snmp("agentx-get");
    snmp_sess_init(&init);
    init.peername = argv[1];
    init.version = SNMP_VERSION_2c;
    init.community = (u_char *) argv[2];
    init.community_len = strlen(argv[2]);
    init.timeout = 5 * 1000 * 1000;
    init.retries = 0;
    if ((ss = snmp_open(&init)) == 0) {
	snmp_perror("snmp_open");
	return (1);
    }
    count = atol(argv[3]);
    if (count < 1 || (lat = calloc((size_t) count, sizeof(*lat))) == 0)
	return (2);
    for (a = 4; a < argc; a++) {
	len = MAX_OID_LEN;
	if (!read_objid(argv[a], name, &len)) {
	    fprintf(stderr, "bad OID %s\n", argv[a]);
	    return (2);
	}
	value[0] = 0;
	for (i = 0; i < count; i++) {
	    pdu = snmp_pdu_create(SNMP_MSG_GET);
	    snmp_add_null_var(pdu, name, len);
	    t0 = now_us();
	    if (snmp_synch_response(ss, pdu, &resp) != STAT_SUCCESS || resp == 0
		|| resp->errstat != SNMP_ERR_NOERROR
		|| resp->variables->type == SNMP_NOSUCHOBJECT
		|| resp->variables->type == SNMP_NOSUCHINSTANCE) {
		fprintf(stderr, "GET %s failed\n", argv[a]);
		return (1);
	    }
	    lat[i] = now_us() - t0;
	    if (i == count - 1)
		snprint_value(value, sizeof(value), resp->variables->name,
			      resp->variables->name_length, resp->variables);
	    snmp_free_pdu(resp);
	}
	qsort(lat, (size_t) count, sizeof(*lat), by_value);
	for (sum = 0, i = 0; i < count; i++)
	    sum += lat[i];
	printf("%s n=%ld mean=%.0f p50=%.0f p99=%.0f max=%.0f value=%s\n", argv[a],
	       count, sum / count, lat[count / 2], lat[count * 99 / 100],
	       lat[count - 1], value);
    }
    snmp_close(ss);
    free(lat);
    return (0);
}
