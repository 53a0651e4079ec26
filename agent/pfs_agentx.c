/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_agentx 3
 * SUMMARY
 *	serve the counter store as POSTFIX-STATS-MIB through Net-SNMP
 * SYNOPSIS
 *	#include "pfs_agentx.h"
 *
 *	PFS_AGENTX *pfs_agentx_create(stats, files)
 *
 *	void	pfs_agentx_sync(ax)
 *
 *	void	pfs_agentx_discontinuity(ax)
 *
 *	void	pfs_agentx_free(ax)
 *
 *	int	pfs_agentx_connected(ax)
 *
 *	int	pfs_agentx_probe(address)
 * DESCRIPTION
 *	pfs_agentx_create() registers every object of pfs_mib.c with the
 *	Net-SNMP agent library: one scalar group per group of scalars, and
 *	one tdata table per table, plus a sysORTable entry. It does not
 *	care whether the process is an AgentX subagent (the daemon) or a
 *	master without transports (the handler tests): it must be called
 *	after init_agent() and before init_snmp(), on the thread that runs
 *	the Net-SNMP event loop.
 *
 *	Handlers read the store when a request arrives: nothing is copied
 *	but the row indexes. Rows of a store table keep their number for
 *	the life of the store, so pfs_agentx_sync() only has to add the
 *	rows created since its last call; the daemon calls it after each
 *	batch of log lines. A row whose key does not fit the MIB's index
 *	is left out (pfs_mib_index()); its counts stay in the totals.
 *
 *	pfsAgentCounterDiscontinuityTime is a TimeStamp: sysUpTime of the
 *	master agent when pfs_agentx_discontinuity() was last called. A
 *	subagent does not know the master's sysUpTime, so on every
 *	(re)connection it sends the master an AgentX Ping and keeps the
 *	sysUpTime carried by the answer (RFC 2741, res.sysUpTime). A
 *	discontinuity older than the master's last start reads as 0, as
 *	the TimeStamp convention requires. Without a master (tests), the
 *	library's own uptime stands in.
 *
 *	pfs_agentx_connected() tells whether an AgentX session with the
 *	master is open: Net-SNMP announces each one it opens and each one
 *	it loses (SNMPD_CALLBACK_INDEX_START and _STOP).
 *
 *	When it cannot connect, Net-SNMP says "Failed to connect to the
 *	agentx master agent (ADDRESS): " and leaves the reason out.
 *	pfs_agentx_probe() finds it: it connects to a unix socket path
 *	itself and returns the system error (ENOENT: no socket, snmpd is
 *	not an AgentX master or not running; ECONNREFUSED: a socket that
 *	nobody listens on; EACCES: the socket or a directory above it is
 *	closed to this user). A connection that succeeds is closed at once.
 * DIAGNOSTICS
 *	A registration that fails is fatal: an agent that serves part of
 *	its MIB looks healthy and is not.
 * SECURITY
 *	Every object is read-only; set requests get notWritable.
 *--*/

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "pfs_agentx.h"
#include "pfs_log.h"
#include "pfs_mib.h"
#include "pfs_util.h"

/* AgentX Ping-PDU type (RFC 2741 6.1); Net-SNMP does not install the header. */
#define PFS_AGENTX_MSG_PING	13

struct scalar_reg {
    PFS_AGENTX *ax;
    const struct pfs_mib_group *group;
    netsnmp_handler_registration *reg;
};

struct table_reg {
    PFS_AGENTX *ax;
    const struct pfs_mib_table *mt;
    netsnmp_tdata *tdata;
    netsnmp_table_registration_info *ti;	/* not freed by unregistering */
    netsnmp_handler_registration *reg;
    size_t  mirrored;			/* store rows looked at */
    size_t  served;			/* rows in tdata */
};

struct PFS_AGENTX {
    PFS_STATS *st;
    struct pfs_agentx_files files;
    struct scalar_reg *scalars;
    struct table_reg tables[PFS_MT_COUNT];
    int     connected;			/* an AgentX session is open */
    int     have_disc;			/* a discontinuity happened */
    long long disc_cs;			/* when, monotonic centiseconds */
    int     master_known;
    long long master_boot_cs;		/* master's sysUpTime 0, monotonic */
};

static const oid root_oid[] = {PFS_OID_ROOT};

/* mono_cs - monotonic clock in centiseconds */

static long long mono_cs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 100 + ts.tv_nsec / 10000000);
}

/* set_counter32 - low 32 bits, as a Counter32 */

static void set_counter32(netsnmp_variable_list *vb, uint64_t n)
{
    u_long  v = (u_long) (n & 0xffffffffu);

    snmp_set_var_typed_value(vb, ASN_COUNTER, &v, sizeof(v));
}

/* set_counter64 - a Counter64 */

static void set_counter64(netsnmp_variable_list *vb, uint64_t n)
{
    struct counter64 c;

    c.high = (u_long) (n >> 32);
    c.low = (u_long) (n & 0xffffffffu);
    snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
}

/* set_ulong - Gauge32, TimeTicks, Unsigned32 */

static void set_ulong(netsnmp_variable_list *vb, u_char type, uint64_t n)
{
    u_long  v = n > 0xffffffffu ? 0xffffffffu : (u_long) n;

    snmp_set_var_typed_value(vb, type, &v, sizeof(v));
}

/* set_string - an OCTET STRING */

static void set_string(netsnmp_variable_list *vb, const char *s, size_t len)
{
    snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, len);
}

/* set_date - DateAndTime (SNMPv2-TC) of a wall clock time, 0 = unknown */

static void set_date(netsnmp_variable_list *vb, time_t when)
{
    u_char  buf[11];
    struct tm tm;
    long    off;

    memset(buf, 0, sizeof(buf));
    if (when == 0 || localtime_r(&when, &tm) == 0) {
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, buf, 8);
	return;
    }
    buf[0] = (u_char) ((tm.tm_year + 1900) >> 8);
    buf[1] = (u_char) ((tm.tm_year + 1900) & 0xff);
    buf[2] = (u_char) (tm.tm_mon + 1);
    buf[3] = (u_char) tm.tm_mday;
    buf[4] = (u_char) tm.tm_hour;
    buf[5] = (u_char) tm.tm_min;
    buf[6] = (u_char) (tm.tm_sec > 59 ? 59 : tm.tm_sec);
    buf[7] = 0;
    off = tm.tm_gmtoff;
    buf[8] = off < 0 ? '-' : '+';
    if (off < 0)
	off = -off;
    buf[9] = (u_char) (off / 3600);
    buf[10] = (u_char) ((off % 3600) / 60);
    snmp_set_var_typed_value(vb, ASN_OCTET_STR, buf, sizeof(buf));
}

/* discontinuity_ticks - pfsAgentCounterDiscontinuityTime */

static u_long discontinuity_ticks(const PFS_AGENTX *ax)
{
    long long boot;

    if (!ax->have_disc)
	return (0);
    if (ax->master_known)
	boot = ax->master_boot_cs;
    else
	boot = mono_cs() - (long long) netsnmp_get_agent_uptime();
    return (ax->disc_cs > boot ? (u_long) (ax->disc_cs - boot) : 0);
}

/* scalar_handler - every scalar group */

static int scalar_handler(netsnmp_mib_handler *handler,
			          netsnmp_handler_registration *reginfo,
			          netsnmp_agent_request_info *reqinfo,
			          netsnmp_request_info *requests)
{
    struct scalar_reg *sr = handler->myvoid;
    PFS_AGENTX *ax = sr->ax;
    netsnmp_request_info *req;
    const struct pfs_mib_scalar *obj;
    oid     subid;

    for (req = requests; req != 0; req = req->next) {
	if (req->processed)
	    continue;
	if (reqinfo->mode != MODE_GET) {
	    netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE);
	    continue;
	}
	/* The scalar group helper made rootoid GROUP.SUBID.0. */
	subid = reginfo->rootoid[reginfo->rootoid_len - 2];
	if (subid < 1 || subid > sr->group->n) {
	    netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
	    continue;
	}
	obj = sr->group->objs + subid - 1;
	switch (obj->value) {
	case PFS_MV_COUNTER:
	    set_counter32(req->requestvb, pfs_scalar_get(ax->st, obj->counter));
	    break;
	case PFS_MV_COUNTER64:
	    set_counter64(req->requestvb, pfs_scalar_get(ax->st, obj->counter));
	    break;
	case PFS_MV_VERSION:
	    set_string(req->requestvb, PFS_VERSION, strlen(PFS_VERSION));
	    break;
	case PFS_MV_LAST_LINE:
	    set_date(req->requestvb, ax->files.last_line ?
		     ax->files.last_line(ax->files.ctx) : 0);
	    break;
	case PFS_MV_DISCONTINUITY:
	    set_ulong(req->requestvb, ASN_TIMETICKS, discontinuity_ticks(ax));
	    break;
	case PFS_MV_WAITING:
	    set_ulong(req->requestvb, ASN_GAUGE, ax->files.waiting ?
		      (u_long) ax->files.waiting(ax->files.ctx) : 0);
	    break;
	default:
	    netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
	    break;
	}
    }
    return (SNMP_ERR_NOERROR);
}

/* file_value - a column of the file table */

static int file_value(PFS_AGENTX *ax, netsnmp_variable_list *vb,
		              const struct pfs_mib_column *col, size_t i)
{
    struct pfs_follow_status fs;

    if (ax->files.status == 0)
	return (-1);
    memset(&fs, 0, sizeof(fs));
    ax->files.status(ax->files.ctx, i, &fs);
    switch (col->value) {
    case PFS_MV_FILE_PATH:
	set_string(vb, fs.path ? fs.path : "", fs.path ? strlen(fs.path) : 0);
	return (0);
    case PFS_MV_FILE_OPEN:
	{
	    long    tv = fs.open ? 1 : 2;	/* TruthValue */

	    snmp_set_var_typed_value(vb, ASN_INTEGER, &tv, sizeof(tv));
	    return (0);
	}
    case PFS_MV_FILE_POSITION:
	set_ulong(vb, ASN_GAUGE, fs.offset);
	return (0);
    case PFS_MV_FILE_LINES:
	set_counter32(vb, fs.lines);
	return (0);
    case PFS_MV_FILE_ROTATIONS:
	set_counter32(vb, fs.rotations);
	return (0);
    default:
	return (-1);
    }
}

/* table_handler - every table; the tdata helper resolved the row */

static int table_handler(netsnmp_mib_handler *handler,
			         netsnmp_handler_registration *reginfo,
			         netsnmp_agent_request_info *reqinfo,
			         netsnmp_request_info *requests)
{
    struct table_reg *tr = handler->myvoid;
    const struct pfs_mib_table *mt = tr->mt;
    PFS_AGENTX *ax = tr->ax;
    netsnmp_request_info *req;
    netsnmp_table_request_info *ti;
    const struct pfs_mib_column *col;
    const struct pfs_mib_reject *rj;
    void   *data;
    size_t  row;
    const char *key;

    (void) reginfo;
    for (req = requests; req != 0; req = req->next) {
	if (req->processed)
	    continue;
	if (reqinfo->mode != MODE_GET) {
	    netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE);
	    continue;
	}
	data = netsnmp_tdata_extract_entry(req);
	ti = netsnmp_extract_table_info(req);
	if (data == 0 || ti == 0 || ti->colnum < mt->min_col
	    || ti->colnum >= mt->min_col + mt->ncols) {
	    netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
	    continue;
	}
	col = mt->cols + (ti->colnum - mt->min_col);
	row = (uintptr_t) data - 1;
	if (mt->store_table >= 0) {
	    if (col->value == PFS_MV_KEY) {
		key = pfs_table_key(ax->st, mt->store_table, row);
		set_string(req->requestvb, key, strlen(key));
	    } else {
		set_counter32(req->requestvb,
			      pfs_table_get(ax->st, mt->store_table, row,
					    (size_t) col->col));
	    }
	    continue;
	}
	if (mt == pfs_mib_tables + PFS_MT_REJECT) {
	    rj = pfs_mib_rejects + row;
	    if (col->value == PFS_MV_KEY) {
		/* The name --once uses, after "reject:". */
		key = strchr(pfs_scalar_name(rj->counter), ':') + 1;
		set_string(req->requestvb, key, strlen(key));
	    } else {
		set_counter32(req->requestvb, pfs_scalar_get(ax->st, rj->counter));
	    }
	    continue;
	}
	if (file_value(ax, req->requestvb, col, row) < 0)
	    netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
    }
    return (SNMP_ERR_NOERROR);
}

/* add_row - one tdata row with a ready index; -1 if the index is taken */

static int add_row(struct table_reg *tr, const oid *idx, size_t len, size_t data)
{
    netsnmp_tdata_row *row;

    if ((row = netsnmp_tdata_create_row()) == 0)
	fatalx("out of memory adding a row to %s", tr->mt->name);
    row->data = (void *) (uintptr_t) (data + 1);
    row->oid_index.oids = netsnmp_memdup(idx, len * sizeof(oid));
    if (row->oid_index.oids == 0)
	fatalx("out of memory adding a row to %s", tr->mt->name);
    row->oid_index.len = len;
    if (netsnmp_tdata_add_row(tr->tdata, row) != SNMPERR_SUCCESS) {
	netsnmp_tdata_delete_row(row);
	return (-1);
    }
    tr->served++;
    return (0);
}

/* add_indexes - the index types of a table, as the MIB has them */

static void add_indexes(netsnmp_table_registration_info *ti, int mt)
{
    switch (mt) {
    case PFS_MT_TRANSPORT:
    case PFS_MT_PROGRAM:
	netsnmp_table_helper_add_indexes(ti, ASN_OCTET_STR, 0);
	break;
    case PFS_MT_SOURCE:
	netsnmp_table_helper_add_indexes(ti, ASN_OCTET_STR, ASN_OCTET_STR, 0);
	break;
    case PFS_MT_DSN:
	netsnmp_table_helper_add_indexes(ti, ASN_UNSIGNED, ASN_UNSIGNED,
					 ASN_UNSIGNED, 0);
	break;
    case PFS_MT_REJECT:
	netsnmp_table_helper_add_indexes(ti, ASN_INTEGER, 0);
	break;
    case PFS_MT_FILE:
	netsnmp_table_helper_add_indexes(ti, ASN_UNSIGNED, 0);
	break;
    }
}

/* register_table - one table, empty but for fixed rows */

static void register_table(PFS_AGENTX *ax, int mt)
{
    struct table_reg *tr = ax->tables + mt;
    const struct pfs_mib_table *def = pfs_mib_tables + mt;
    netsnmp_table_registration_info *ti;
    size_t  i;

    tr->ax = ax;
    tr->mt = def;
    ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
    tr->tdata = netsnmp_tdata_create_table(def->name, 0);
    tr->reg = netsnmp_create_handler_registration(def->name, table_handler,
			  def->table_oid, def->table_len, HANDLER_CAN_RONLY);
    if (ti == 0 || tr->tdata == 0 || tr->reg == 0)
	fatalx("cannot set up %s", def->name);
    tr->reg->handler->myvoid = tr;
    tr->ti = ti;
    add_indexes(ti, mt);
    ti->min_column = (unsigned) def->min_col;
    ti->max_column = (unsigned) def->cols[def->ncols - 1].colnum;
    if (netsnmp_tdata_register(tr->reg, tr->tdata, ti) != MIB_REGISTERED_OK)
	fatalx("cannot register %s", def->name);
    if (mt == PFS_MT_REJECT) {
	for (i = 0; i < pfs_mib_nrejects; i++) {
	    oid     idx = pfs_mib_rejects[i].index;

	    if (add_row(tr, &idx, 1, i) < 0)
		fatalx("duplicate row in %s", def->name);
	}
    }
}

/* ping_response - the master's sysUpTime, from its answer to our Ping */

static int ping_response(int op, netsnmp_session *sess, int reqid,
			         netsnmp_pdu *pdu, void *magic)
{
    PFS_AGENTX *ax = magic;

    (void) sess;
    (void) reqid;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != 0) {
	ax->master_boot_cs = mono_cs() - (long long) pdu->time;
	ax->master_known = 1;
	log_debug("agentx", "master sysUpTime %lu", (unsigned long) pdu->time);
    }
    return (1);
}

/* on_connect - the subagent (re)connected: ask for the master's uptime */

static int on_connect(int major, int minor, void *serverarg, void *clientarg)
{
    netsnmp_session *sess = serverarg;
    PFS_AGENTX *ax = clientarg;
    netsnmp_pdu *pdu;

    (void) major;
    (void) minor;
    ax->master_known = 0;
    ax->connected = 1;
    if (sess == 0 || (pdu = snmp_pdu_create(PFS_AGENTX_MSG_PING)) == 0)
	return (0);
    pdu->sessid = sess->sessid;
    if (snmp_async_send(sess, pdu, ping_response, ax) == 0) {
	snmp_free_pdu(pdu);
	log_debug("agentx", "cannot ask the master for its uptime");
    }
    return (0);
}

/* on_disconnect - the session with the master is gone */

static int on_disconnect(int major, int minor, void *serverarg, void *clientarg)
{
    PFS_AGENTX *ax = clientarg;

    (void) major;
    (void) minor;
    (void) serverarg;
    ax->connected = 0;
    ax->master_known = 0;
    return (0);
}

/* pfs_agentx_create - register the whole MIB */

PFS_AGENTX *pfs_agentx_create(PFS_STATS *st, const struct pfs_agentx_files *files)
{
    PFS_AGENTX *ax = pfs_calloc(1, sizeof(*ax));
    const struct pfs_mib_group *g;
    size_t  i;
    size_t  j;
    int     t;

    ax->st = st;
    if (files)
	ax->files = *files;
    ax->scalars = pfs_calloc(pfs_mib_ngroups, sizeof(*ax->scalars));
    for (i = 0; i < pfs_mib_ngroups; i++) {
	struct scalar_reg *sr = ax->scalars + i;

	g = pfs_mib_groups + i;
	for (j = 0; j < g->n; j++)
	    if (g->objs[j].subid != j + 1)
		fatalx("%s: %s is not sub-identifier %zu", g->name,
		       g->objs[j].name, j + 1);
	sr->ax = ax;
	sr->group = g;
	sr->reg = netsnmp_create_handler_registration(g->name, scalar_handler,
				   g->oid, g->oid_len, HANDLER_CAN_RONLY);
	if (sr->reg == 0)
	    fatalx("cannot set up %s", g->name);
	sr->reg->handler->myvoid = sr;
	if (netsnmp_register_scalar_group(sr->reg, 1, (oid) g->n) != MIB_REGISTERED_OK)
	    fatalx("cannot register %s", g->name);
    }
    for (t = 0; t < PFS_MT_COUNT; t++)
	register_table(ax, t);
    register_sysORTable((oid *) root_oid, OID_LENGTH(root_oid),
			"POSTFIX-STATS-MIB: Postfix mail log counters (postfix-stats-agent)");
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
			   on_connect, ax);
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
			   on_disconnect, ax);
    pfs_agentx_sync(ax);
    return (ax);
}

/* pfs_agentx_sync - mirror new store rows and files */

void    pfs_agentx_sync(PFS_AGENTX *ax)
{
    oid     idx[MAX_OID_LEN];
    int     n;
    int     t;
    size_t  r;
    size_t  rows;

    for (t = 0; t < PFS_MT_COUNT; t++) {
	struct table_reg *tr = ax->tables + t;
	int     store = tr->mt->store_table;

	if (store >= 0) {
	    rows = pfs_table_rows(ax->st, store);
	    for (r = tr->mirrored; r < rows; r++) {
		const char *key = pfs_table_key(ax->st, store, r);

		if ((n = pfs_mib_index(store, key, idx, MAX_OID_LEN)) < 0
		    || add_row(tr, idx, (size_t) n, r) < 0)
		    log_debug("agentx", "%s: not serving key \"%.100s\": it does not "
			      "fit the index", tr->mt->name, key);
	    }
	    tr->mirrored = rows;
	} else if (t == PFS_MT_FILE && ax->files.count) {
	    rows = ax->files.count(ax->files.ctx);
	    for (r = tr->mirrored; r < rows && r < 65535; r++) {
		idx[0] = r + 1;
		if (add_row(tr, idx, 1, r) < 0)
		    fatalx("duplicate row in %s", tr->mt->name);
	    }
	    tr->mirrored = rows;
	}
    }
}

/* pfs_agentx_discontinuity - counters restarted from zero now */

void    pfs_agentx_discontinuity(PFS_AGENTX *ax)
{
    ax->have_disc = 1;
    ax->disc_cs = mono_cs();
}

/* pfs_agentx_connected - is an AgentX session open */

int     pfs_agentx_connected(const PFS_AGENTX *ax)
{
    return (ax->connected);
}

/* pfs_agentx_probe - connect to a unix AgentX socket; 0 or an errno */

int     pfs_agentx_probe(const char *address)
{
    struct sockaddr_un sun;
    const char *path = address;
    int     fd;
    int     err = 0;

    if (strncmp(path, "unix:", 5) == 0)
	path += 5;
    if (*path != '/')
	return (-1);
    if (strlen(path) >= sizeof(sun.sun_path))
	return (ENAMETOOLONG);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
	return (errno);
    if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
	err = errno;
    close(fd);
    return (err);
}

/* pfs_agentx_rows - rows served by a table */

size_t  pfs_agentx_rows(const PFS_AGENTX *ax, int mt)
{
    return (mt >= 0 && mt < PFS_MT_COUNT ? ax->tables[mt].served : 0);
}

/* pfs_agentx_free - unregister everything */

void    pfs_agentx_free(PFS_AGENTX *ax)
{
    netsnmp_tdata_row *row;
    size_t  i;
    int     t;

    if (ax == 0)
	return;
    snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
			     on_connect, ax, 1);
    snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
			     on_disconnect, ax, 1);
    unregister_sysORTable((oid *) root_oid, OID_LENGTH(root_oid));
    for (i = 0; i < pfs_mib_ngroups; i++)
	netsnmp_unregister_handler(ax->scalars[i].reg);
    for (t = 0; t < PFS_MT_COUNT; t++) {
	struct table_reg *tr = ax->tables + t;

	netsnmp_unregister_handler(tr->reg);
	netsnmp_table_registration_info_free(tr->ti);
	while ((row = netsnmp_tdata_row_first(tr->tdata)) != 0)
	    netsnmp_tdata_remove_and_delete_row(tr->tdata, row);
	netsnmp_tdata_delete_table(tr->tdata);
    }
    free(ax->scalars);
    free(ax);
}
