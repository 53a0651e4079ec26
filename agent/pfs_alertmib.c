/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_alertmib 3
 * SUMMARY
 *	serve the alert modules as POSTFIX-STATS-MIB objects; notifications
 * SYNOPSIS
 *	#include "pfs_alertmib.h"
 *
 *	PFS_ALERTMIB *pfs_alertmib_create(events, queue)
 *
 *	void	pfs_alertmib_set_cache(am, centiseconds)
 *
 *	void	pfs_alertmib_set_clock(am, now)
 *
 *	uint64_t pfs_alertmib_sent(am)
 *
 *	void	pfs_alertmib_flush(am)
 *
 *	int	pfs_alertmib_print_oids(fp)
 *
 *	void	pfs_alertmib_free(am)
 * DESCRIPTION
 *	pfs_alertmib_create() registers, with the Net-SNMP agent library,
 *	the objects of POSTFIX-STATS-MIB that the alert modules feed
 *	(doc/alerts.md): pfsDelayTable (pfs_delays(3)), the pfsAlerts
 *	scalars, pfsAccountTable (pfs_accounts(3)), pfsBaselineTable
 *	(pfs_baseline(3)), the filter scalars (pfs_filterhealth(3)) and
 *	pfsQueueTable (pfs_queue(3); empty when queue is NULL). Like
 *	pfs_agentx_create(), it must be called after init_agent() and
 *	before init_snmp(), on the thread of the event loop.
 *
 *	Each subtree has one handler that answers GET and GETNEXT (GETBULK
 *	through the library's bulk-to-next helper) from a snapshot: every
 *	cell of the subtree, rows sorted by index. A snapshot is built when
 *	a request finds none younger than the cache time (one second by
 *	default), so that the columns of one walk agree with each other,
 *	rows that come and go (accounts) are sorted once per poll and not
 *	once per request, and pfsDelayMax, which is read and reset
 *	(pfs_delays_take_max()), is taken once per poll, not once per
 *	column or row. A value that cannot be computed (a baseline without
 *	enough days, queue numbers of a read that did not succeed) is
 *	absent: GET says noSuchInstance and GETNEXT skips it.
 *
 *	It also sends the notifications that the alert modules queue
 *	(pfs_events_notify()), through pfs_notifier(3): each leaves the
 *	queue when snmpd has taken it. pfs_alertmib_flush() sends what can
 *	be sent; pfs_alertmib_sent() counts what snmpd took
 *	(pfsNotificationsSent).
 *
 *	pfs_alertmib_print_oids() adds the alert objects to --oids.
 * DIAGNOSTICS
 *	A registration that fails is fatal, as in pfs_agentx(3).
 * SECURITY
 *	Every object is read-only. Account names come from the log: rows
 *	with a name longer than the index allows are left out, not
 *	truncated; names are logged with %.100s.
 *--*/

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "pfs_alertmib.h"
#include "pfs_log.h"
#include "pfs_mib.h"
#include "pfs_notifier.h"
#include "pfs_util.h"

/* Longest name index (pfsDelayTransport, pfsAccountName). */
#define NAME_INDEX_MAX	100

/* One column or scalar. */
struct am_col {
    oid     col;
    const char *name;
};

/* One served value. */
struct cell {
    u_char  type;			/* 0: absent */
    uint64_t u;
    long    i;
    char   *s;
    size_t  slen;
};

struct row {
    oid    *idx;
    size_t  idxlen;
    struct cell *cells;
};

struct snap {
    struct row *rows;
    size_t  nrows;
    size_t  cap;
    int     built;
    long long built_cs;
};

enum am_tree_id {
    AT_DELAY, AT_ALERTS, AT_ACCOUNT, AT_BASELINE, AT_QUEUE, AT_COUNT
};

struct tree_reg {
    PFS_ALERTMIB *am;
    int     tree;
    struct snap snap;
    netsnmp_handler_registration *reg;
};

struct PFS_ALERTMIB {
    PFS_EVENTS *events;
    PFS_QUEUE *queue;
    time_t  (*now) (void);
    long    cache_cs;
    PFS_NOTIFIER *notifier;
    struct tree_reg trees[AT_COUNT];
};

static const oid delay_entry[] = {PFS_OID_DELAY_TABLE, PFS_OID_ENTRY};
static const oid alerts_oid[] = {PFS_OID_ALERTS};
static const oid account_entry[] = {PFS_OID_ACCOUNT_TABLE, PFS_OID_ENTRY};
static const oid baseline_entry[] = {PFS_OID_BASELINE_TABLE, PFS_OID_ENTRY};
static const oid queue_entry[] = {PFS_OID_QUEUE_TABLE, PFS_OID_ENTRY};

static const struct am_col delay_cols[] = {
    {2, "pfsDelayDescr"}, {3, "pfsDelayCount"}, {4, "pfsDelaySum"},
    {5, "pfsDelayBeforeQmgrSum"}, {6, "pfsDelayInQmgrSum"},
    {7, "pfsDelaySetupSum"}, {8, "pfsDelayTransmitSum"}, {9, "pfsDelayLe1s"},
    {10, "pfsDelayLe5s"}, {11, "pfsDelayLe30s"}, {12, "pfsDelayLe5m"},
    {13, "pfsDelayLe1h"}, {14, "pfsDelayMore"}, {15, "pfsDelayMax"},
    {16, "pfsDelayFilterSum"},
};

static const struct am_col alerts_cols[] = {
    {1, "pfsDelayOverflow"}, {2, "pfsAccountTracking"},
    {3, "pfsAccountEvictions"}, {4, "pfsAccountDefaultLimit"},
    {5, "pfsAccountRows"}, {6, "pfsFilterScanned"}, {7, "pfsFilterSpamShare"},
    {8, "pfsFilterVirusShare"}, {9, "pfsFilterSpamState"},
    {10, "pfsFilterVirusState"}, {11, "pfsNotificationsSent"},
    {12, "pfsFutureLines"}, {13, "pfsNotificationsQueued"},
    {14, "pfsNotificationsDropped"},
};

static const struct am_col account_cols[] = {
    {2, "pfsAccountDescr"}, {3, "pfsAccountReceived"},
    {4, "pfsAccountMessages"}, {5, "pfsAccountRecipients"},
    {6, "pfsAccountLimit"}, {7, "pfsAccountLastSeen"},
    {8, "pfsAccountExceeded"}, {9, "pfsAccountLastSender"},
};

static const struct am_col baseline_cols[] = {
    {2, "pfsBaselineDescr"}, {3, "pfsBaselineToday"},
    {4, "pfsBaselineYesterday"}, {5, "pfsBaselineDays"},
    {6, "pfsBaselineMean"}, {7, "pfsBaselineStdDev"},
    {8, "pfsBaselineWeekdayMean"}, {9, "pfsBaselineWeekdayStdDev"},
    {10, "pfsBaselineDeviation"}, {11, "pfsBaselineWeekendMean"},
    {12, "pfsBaselineWeekendStdDev"}, {13, "pfsBaselineClassDeviation"},
};

static const struct am_col queue_cols[] = {
    {2, "pfsQueueName"}, {3, "pfsQueueStatus"}, {4, "pfsQueueStatusText"},
    {5, "pfsQueueMessages"}, {6, "pfsQueueRecipients"}, {7, "pfsQueueBytes"},
    {8, "pfsQueueOldestAge"}, {9, "pfsQueueOlderShort"},
    {10, "pfsQueueOlderLong"}, {11, "pfsQueueReadTime"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void build_delay(PFS_ALERTMIB *, struct snap *);
static void build_alerts(PFS_ALERTMIB *, struct snap *);
static void build_account(PFS_ALERTMIB *, struct snap *);
static void build_baseline(PFS_ALERTMIB *, struct snap *);
static void build_queue(PFS_ALERTMIB *, struct snap *);

/* One subtree: prefix.COLUMN.INDEX (scalars: prefix.SUBID.0). */
static const struct tree_def {
    const char *name;
    const oid *prefix;
    size_t  prefix_len;
    int     scalars;
    const struct am_col *cols;
    size_t  ncols;
    void    (*build) (PFS_ALERTMIB *, struct snap *);
}       tree_defs[AT_COUNT] = {
    [AT_DELAY] = {"pfsDelayTable", delay_entry, NELEM(delay_entry), 0,
    delay_cols, NELEM(delay_cols), build_delay},
    [AT_ALERTS] = {"pfsAlerts", alerts_oid, NELEM(alerts_oid), 1,
    alerts_cols, NELEM(alerts_cols), build_alerts},
    [AT_ACCOUNT] = {"pfsAccountTable", account_entry, NELEM(account_entry), 0,
    account_cols, NELEM(account_cols), build_account},
    [AT_BASELINE] = {"pfsBaselineTable", baseline_entry, NELEM(baseline_entry), 0,
    baseline_cols, NELEM(baseline_cols), build_baseline},
    [AT_QUEUE] = {"pfsQueueTable", queue_entry, NELEM(queue_entry), 0,
    queue_cols, NELEM(queue_cols), build_queue},
};

/* mono_cs - monotonic clock in centiseconds */

static long long mono_cs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 100 + ts.tv_nsec / 10000000);
}

/* wall_clock - the default clock */

static time_t wall_clock(void)
{
    return (time((time_t *) 0));
}

/* hundredths - x * 100, rounded, within Integer32 */

static long hundredths(double x)
{
    double  h = x * 100.0;

    if (h >= 2147483647.0)
	return (2147483647L);
    if (h <= -2147483648.0)
	return (-2147483647L - 1);
    return ((long) (h + (h >= 0 ? 0.5 : -0.5)));
}

/* date_bytes - DateAndTime (SNMPv2-TC) of a time, local; 8 zeros if 0 */

static size_t date_bytes(time_t when, u_char buf[11])
{
    struct tm tm;
    long    off;

    memset(buf, 0, 11);
    if (when == 0 || localtime_r(&when, &tm) == 0)
	return (8);
    buf[0] = (u_char) ((tm.tm_year + 1900) >> 8);
    buf[1] = (u_char) ((tm.tm_year + 1900) & 0xff);
    buf[2] = (u_char) (tm.tm_mon + 1);
    buf[3] = (u_char) tm.tm_mday;
    buf[4] = (u_char) tm.tm_hour;
    buf[5] = (u_char) tm.tm_min;
    buf[6] = (u_char) (tm.tm_sec > 59 ? 59 : tm.tm_sec);
    off = tm.tm_gmtoff;
    buf[8] = off < 0 ? '-' : '+';
    if (off < 0)
	off = -off;
    buf[9] = (u_char) (off / 3600);
    buf[10] = (u_char) ((off % 3600) / 60);
    return (11);
}

/* snap_clear - forget every row */

static void snap_clear(struct snap *sn, size_t ncols)
{
    size_t  r;
    size_t  c;

    for (r = 0; r < sn->nrows; r++) {
	for (c = 0; c < ncols; c++)
	    free(sn->rows[r].cells[c].s);
	free(sn->rows[r].cells);
	free(sn->rows[r].idx);
    }
    sn->nrows = 0;
}

/* snap_row - a new row with its index, every cell absent */

static struct row *snap_row(struct snap *sn, size_t ncols, const oid *idx, size_t len)
{
    struct row *r;

    if (sn->nrows == sn->cap) {
	sn->cap = sn->cap ? 2 * sn->cap : 16;
	sn->rows = pfs_reallocarray(sn->rows, sn->cap, sizeof(*sn->rows));
    }
    r = sn->rows + sn->nrows++;
    r->idx = pfs_reallocarray(0, len ? len : 1, sizeof(oid));
    memcpy(r->idx, idx, len * sizeof(oid));
    r->idxlen = len;
    r->cells = pfs_calloc(ncols, sizeof(*r->cells));
    return (r);
}

/* put_u - an unsigned value (Counter32/64, Gauge32, Unsigned32) */

static void put_u(struct row *r, size_t pos, u_char type, uint64_t v)
{
    r->cells[pos].type = type;
    r->cells[pos].u = v;
}

/* put_i - an INTEGER or Integer32 */

static void put_i(struct row *r, size_t pos, long v)
{
    r->cells[pos].type = ASN_INTEGER;
    r->cells[pos].i = v;
}

/* put_s - an OCTET STRING, copied */

static void put_s(struct row *r, size_t pos, const void *s, size_t len)
{
    r->cells[pos].type = ASN_OCTET_STR;
    r->cells[pos].s = pfs_malloc(len ? len : 1);
    memcpy(r->cells[pos].s, s, len);
    r->cells[pos].slen = len;
}

/* put_date - a DateAndTime */

static void put_date(struct row *r, size_t pos, time_t when)
{
    u_char  buf[11];

    put_s(r, pos, buf, date_bytes(when, buf));
}

/* name_index - length-prefixed string index; 0 if it does not fit */

static size_t name_index(oid *idx, const char *s, size_t len)
{
    size_t  i;

    if (len < 1 || len > NAME_INDEX_MAX)
	return (0);
    idx[0] = len;
    for (i = 0; i < len; i++)
	idx[i + 1] = (u_char) s[i];
    return (len + 1);
}

/* cmp_rows - index order */

static int cmp_rows(const void *a, const void *b)
{
    const struct row *x = a;
    const struct row *y = b;

    return (snmp_oid_compare(x->idx, x->idxlen, y->idx, y->idxlen));
}

/* build_delay - pfsDelayTable; takes every row's maximum */

static void build_delay(PFS_ALERTMIB *am, struct snap *sn)
{
    PFS_DELAYS *d = pfs_events_delays(am->events);
    const size_t nc = NELEM(delay_cols);
    oid     idx[NAME_INDEX_MAX + 1];
    size_t  i;
    size_t  n;
    size_t  k;

    if (d == 0)
	return;
    for (i = 0; i < pfs_delays_rows(d); i++) {
	const struct pfs_delay_row *dr = pfs_delays_row(d, i);
	uint64_t max = pfs_delays_take_max(d, i);
	struct row *r;

	if ((n = name_index(idx, dr->key, strlen(dr->key))) == 0)
	    continue;
	r = snap_row(sn, nc, idx, n);
	put_s(r, 0, dr->key, strlen(dr->key));
	put_u(r, 1, ASN_COUNTER64, dr->count);
	put_u(r, 2, ASN_COUNTER64, dr->sum_ms);
	for (k = 0; k < PFS_DS_COUNT; k++)
	    put_u(r, 3 + k, ASN_COUNTER64, dr->stage_sum_ms[k]);
	for (k = 0; k < PFS_DELAY_NBUCKETS; k++)
	    put_u(r, 7 + k, ASN_COUNTER, dr->bucket[k]);
	put_u(r, 13, ASN_GAUGE, max);
	put_u(r, 14, ASN_COUNTER64, dr->filter_sum_ms);
    }
    qsort(sn->rows, sn->nrows, sizeof(*sn->rows), cmp_rows);
}

/* build_alerts - the pfsAlerts scalars */

static void build_alerts(PFS_ALERTMIB *am, struct snap *sn)
{
    PFS_DELAYS *d = pfs_events_delays(am->events);
    PFS_ACCOUNTS *a = pfs_events_accounts(am->events);
    PFS_FILTERHEALTH *fh = pfs_events_filterhealth(am->events);
    struct pfs_fh_info fi;
    oid     zero = 0;
    struct row *r = snap_row(sn, NELEM(alerts_cols), &zero, 1);

    put_u(r, 0, ASN_COUNTER, d ? pfs_delays_overflow(d) : 0);
    put_i(r, 1, a ? 1 : 2);
    put_u(r, 2, ASN_COUNTER, a ? pfs_accounts_evictions(a) : 0);
    if (a)
	put_u(r, 3, ASN_UNSIGNED, pfs_accounts_default_limit(a));
    put_u(r, 4, ASN_GAUGE, a ? pfs_accounts_count(a) : 0);
    memset(&fi, 0, sizeof(fi));
    if (fh)
	pfs_filterhealth_info(fh, &fi);
    put_u(r, 5, ASN_GAUGE, fi.scanned);
    put_u(r, 6, ASN_GAUGE, fi.permille[PFS_FH_SPAM]);
    put_u(r, 7, ASN_GAUGE, fi.permille[PFS_FH_VIRUS]);
    put_i(r, 8, (long) fi.state[PFS_FH_SPAM] + 1);
    put_i(r, 9, (long) fi.state[PFS_FH_VIRUS] + 1);
    put_u(r, 10, ASN_COUNTER, pfs_notifier_sent(am->notifier));
    put_u(r, 11, ASN_COUNTER, pfs_events_future(am->events));
    put_u(r, 12, ASN_GAUGE, pfs_notify_queued(pfs_events_notify(am->events)));
    put_u(r, 13, ASN_COUNTER, pfs_notify_dropped(pfs_events_notify(am->events)));
}

/* build_account - pfsAccountTable, sorted by index */

static void build_account(PFS_ALERTMIB *am, struct snap *sn)
{
    PFS_ACCOUNTS *a = pfs_events_accounts(am->events);
    const size_t nc = NELEM(account_cols);
    struct pfs_account_info ai;
    oid     idx[NAME_INDEX_MAX + 1];
    size_t  slot;
    size_t  n;
    size_t  len;
    struct row *r;

    if (a == 0)
	return;
    for (slot = 0; slot < pfs_accounts_slots(a); slot++) {
	if (pfs_accounts_info(a, slot, &ai) < 0 || ai.name == 0 || ai.name[0] == 0)
	    continue;
	len = strlen(ai.name);
	if ((n = name_index(idx, ai.name, len)) == 0)
	    continue;
	r = snap_row(sn, nc, idx, n);
	put_s(r, 0, ai.name, len);
	put_u(r, 1, ASN_GAUGE, ai.received);
	put_u(r, 2, ASN_GAUGE, ai.msgs_out);
	put_u(r, 3, ASN_GAUGE, ai.rcpts_out);
	put_u(r, 4, ASN_UNSIGNED, ai.limit);
	put_date(r, 5, (time_t) ai.last_seen);
	put_i(r, 6, ai.exceeded ? 1 : 2);
	put_s(r, 7, ai.last_sender ? ai.last_sender : "",
	      ai.last_sender ? strlen(ai.last_sender) : 0);
    }
    qsort(sn->rows, sn->nrows, sizeof(*sn->rows), cmp_rows);
}

/* build_baseline - pfsBaselineTable; absent where not computable */

static void build_baseline(PFS_ALERTMIB *am, struct snap *sn)
{
    PFS_BASELINE *b = pfs_events_baseline(am->events);
    const size_t nc = NELEM(baseline_cols);
    struct pfs_baseline_info bi;
    struct row *r;
    oid     idx;
    int     ind;

    if (b == 0)
	return;
    for (ind = 0; ind < PFS_BL_COUNT; ind++) {
	pfs_baseline_info(b, (enum pfs_bl_ind) ind, &bi);
	idx = (oid) ind + 1;
	r = snap_row(sn, nc, &idx, 1);
	put_s(r, 0, pfs_bl_name[ind], strlen(pfs_bl_name[ind]));
	put_u(r, 1, ASN_GAUGE, bi.today);
	if (bi.have_yesterday)
	    put_u(r, 2, ASN_GAUGE, bi.yesterday);
	put_u(r, 3, ASN_GAUGE, bi.ndays);
	if (bi.ndays >= 1)
	    put_i(r, 4, hundredths(bi.mean));
	if (bi.ndays >= 2)
	    put_i(r, 5, hundredths(bi.sd));
	if (bi.nweekdays >= 1)
	    put_i(r, 6, hundredths(bi.wd_mean));
	if (bi.nweekdays >= 2)
	    put_i(r, 7, hundredths(bi.wd_sd));
	if (bi.have_dev)
	    put_i(r, 8, hundredths(bi.dev));
	if (bi.nweekend >= 1)
	    put_i(r, 9, hundredths(bi.we_mean));
	if (bi.nweekend >= 2)
	    put_i(r, 10, hundredths(bi.we_sd));
	if (bi.have_class_dev)
	    put_i(r, 11, hundredths(bi.class_dev));
    }
}

/* build_queue - pfsQueueTable; numbers only when the read was good */

static void build_queue(PFS_ALERTMIB *am, struct snap *sn)
{
    const size_t nc = NELEM(queue_cols);
    struct pfs_queue_info qi;
    time_t  now = am->now();
    struct row *r;
    oid     idx;
    int     q;

    if (am->queue == 0)
	return;
    for (q = 0; q < PFS_Q_COUNT; q++) {
	pfs_queue_info(am->queue, (enum pfs_queue_id) q, now, &qi);
	idx = (oid) q + 1;
	r = snap_row(sn, nc, &idx, 1);
	put_s(r, 0, pfs_queue_name[q], strlen(pfs_queue_name[q]));
	put_i(r, 1, (long) qi.status + 1);
	put_s(r, 2, qi.text, strlen(qi.text));
	if (qi.status != PFS_QS_OK || !qi.valid)
	    continue;
	put_u(r, 3, ASN_GAUGE, qi.messages);
	put_u(r, 4, ASN_GAUGE, qi.recipients);
	put_u(r, 5, ASN_GAUGE, qi.bytes);
	put_u(r, 6, ASN_GAUGE, qi.oldest_age);
	put_u(r, 7, ASN_GAUGE, qi.older[0]);
	put_u(r, 8, ASN_GAUGE, qi.older[1]);
	put_date(r, 9, qi.read_at);
    }
}

/* tree_snap - the subtree's snapshot, rebuilt when too old */

static struct snap *tree_snap(struct tree_reg *tr)
{
    const struct tree_def *td = tree_defs + tr->tree;
    PFS_ALERTMIB *am = tr->am;
    long long now = mono_cs();

    if (tr->snap.built && now - tr->snap.built_cs < am->cache_cs
	&& now >= tr->snap.built_cs)
	return (&tr->snap);
    snap_clear(&tr->snap, td->ncols);
    td->build(am, &tr->snap);
    tr->snap.built = 1;
    tr->snap.built_cs = now;
    return (&tr->snap);
}

/* set_value - a cell into a varbind */

static void set_value(netsnmp_variable_list *vb, const struct cell *c)
{
    struct counter64 c64;
    u_long  ul;
    long    l;

    switch (c->type) {
    case ASN_COUNTER64:
	c64.high = (u_long) (c->u >> 32);
	c64.low = (u_long) (c->u & 0xffffffffu);
	snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
	break;
    case ASN_COUNTER:
	ul = (u_long) (c->u & 0xffffffffu);
	snmp_set_var_typed_value(vb, ASN_COUNTER, &ul, sizeof(ul));
	break;
    case ASN_GAUGE:			/* and ASN_UNSIGNED: the same tag */
	ul = c->u > 0xffffffffu ? 0xffffffffu : (u_long) c->u;
	snmp_set_var_typed_value(vb, c->type, &ul, sizeof(ul));
	break;
    case ASN_INTEGER:
	l = c->i;
	snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
	break;
    default:
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, c->s, c->slen);
	break;
    }
}

/* col_pos - position of a column number, or the first one above it */

static size_t col_pos(const struct tree_def *td, oid col, int *exact)
{
    size_t  c;

    for (c = 0; c < td->ncols && td->cols[c].col < col; c++)
	 /* void */ ;
    *exact = c < td->ncols && td->cols[c].col == col;
    return (c);
}

/* row_after - first row whose index is greater (or, equal ok, not less) */

static size_t row_after(const struct snap *sn, const oid *idx, size_t len, int strict)
{
    size_t  lo = 0;
    size_t  hi = sn->nrows;
    size_t  mid;
    int     cmp;

    while (lo < hi) {
	mid = lo + (hi - lo) / 2;
	cmp = snmp_oid_compare(sn->rows[mid].idx, sn->rows[mid].idxlen, idx, len);
	if (cmp < 0 || (strict && cmp == 0))
	    lo = mid + 1;
	else
	    hi = mid;
    }
    return (lo);
}

/* answer - put prefix.col.index and the cell into the varbind */

static int answer(netsnmp_variable_list *vb, const struct tree_def *td,
		          const struct snap *sn, size_t c, size_t r)
{
    oid     name[MAX_OID_LEN];
    const struct row *row = sn->rows + r;
    size_t  len = td->prefix_len + 1 + row->idxlen;

    if (len > MAX_OID_LEN)
	return (-1);
    memcpy(name, td->prefix, td->prefix_len * sizeof(oid));
    name[td->prefix_len] = td->cols[c].col;
    memcpy(name + td->prefix_len + 1, row->idx, row->idxlen * sizeof(oid));
    snmp_set_var_objid(vb, name, len);
    set_value(vb, row->cells + c);
    return (0);
}

/* do_get - exact instance; 0 or an SNMP exception */

static int do_get(netsnmp_variable_list *vb, const struct tree_def *td,
		          const struct snap *sn)
{
    size_t  plen = td->prefix_len;
    size_t  c;
    size_t  r;
    int     exact;

    if (vb->name_length <= plen + 1
	|| snmp_oid_compare(vb->name, plen, td->prefix, plen) != 0)
	return (SNMP_NOSUCHOBJECT);
    c = col_pos(td, vb->name[plen], &exact);
    if (!exact)
	return (SNMP_NOSUCHOBJECT);
    r = row_after(sn, vb->name + plen + 1, vb->name_length - plen - 1, 0);
    if (r >= sn->nrows || snmp_oid_compare(sn->rows[r].idx, sn->rows[r].idxlen,
					   vb->name + plen + 1,
					   vb->name_length - plen - 1) != 0
	|| sn->rows[r].cells[c].type == 0)
	return (SNMP_NOSUCHINSTANCE);
    set_value(vb, sn->rows[r].cells + c);
    return (0);
}

/* do_getnext - the next present cell; 0, or -1 when past the subtree */

static int do_getnext(netsnmp_variable_list *vb, const struct tree_def *td,
		              const struct snap *sn)
{
    size_t  plen = td->prefix_len;
    size_t  c = 0;
    size_t  r = 0;
    int     exact;

    if (vb->name_length <= plen
	|| snmp_oid_compare(vb->name, plen, td->prefix, plen) != 0) {
	if (snmp_oid_compare(vb->name, vb->name_length, td->prefix, plen) > 0)
	    return (-1);
    } else {
	c = col_pos(td, vb->name[plen], &exact);
	if (exact)
	    r = row_after(sn, vb->name + plen + 1, vb->name_length - plen - 1, 1);
    }
    for (; c < td->ncols; c++, r = 0)
	for (; r < sn->nrows; r++)
	    if (sn->rows[r].cells[c].type != 0)
		return (answer(vb, td, sn, c, r));
    return (-1);
}

/* tree_handler - GET and GETNEXT of one subtree */

static int tree_handler(netsnmp_mib_handler *handler,
			        netsnmp_handler_registration *reginfo,
			        netsnmp_agent_request_info *reqinfo,
			        netsnmp_request_info *requests)
{
    struct tree_reg *tr = handler->myvoid;
    const struct tree_def *td = tree_defs + tr->tree;
    netsnmp_request_info *req;
    struct snap *sn;
    int     err;

    (void) reginfo;
    for (req = requests; req != 0; req = req->next) {
	if (req->processed)
	    continue;
	switch (reqinfo->mode) {
	case MODE_GET:
	    sn = tree_snap(tr);
	    if ((err = do_get(req->requestvb, td, sn)) != 0)
		netsnmp_set_request_error(reqinfo, req, err);
	    break;
	case MODE_GETNEXT:
	    sn = tree_snap(tr);
	    /* Nothing here: the agent moves on to the next subtree. */
	    (void) do_getnext(req->requestvb, td, sn);
	    break;
	default:
	    netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE);
	    break;
	}
    }
    return (SNMP_ERR_NOERROR);
}

/* pfs_alertmib_create - register the alert subtrees, hook the callbacks */

PFS_ALERTMIB *pfs_alertmib_create(PFS_EVENTS *events, PFS_QUEUE *queue)
{
    PFS_ALERTMIB *am = pfs_calloc(1, sizeof(*am));
    int     t;

    am->events = events;
    am->queue = queue;
    am->now = wall_clock;
    am->cache_cs = PFS_ALERTMIB_CACHE_CS;
    for (t = 0; t < AT_COUNT; t++) {
	struct tree_reg *tr = am->trees + t;
	const struct tree_def *td = tree_defs + t;

	tr->am = am;
	tr->tree = t;
	tr->reg = netsnmp_create_handler_registration(td->name, tree_handler,
				td->prefix, td->prefix_len, HANDLER_CAN_RONLY);
	if (tr->reg == 0)
	    fatalx("cannot set up %s", td->name);
	tr->reg->handler->myvoid = tr;
	if (netsnmp_register_handler(tr->reg) != MIB_REGISTERED_OK)
	    fatalx("cannot register %s", td->name);
    }
    am->notifier = pfs_notifier_create(pfs_events_notify(events));
    /* A master agent (tests) sends at once what is queued already. */
    pfs_notifier_flush(am->notifier);
    return (am);
}

/* pfs_alertmib_set_cache - how long a snapshot serves */

void    pfs_alertmib_set_cache(PFS_ALERTMIB *am, long cs)
{
    am->cache_cs = cs;
}

/* pfs_alertmib_set_clock - the wall clock for queue ages */

void    pfs_alertmib_set_clock(PFS_ALERTMIB *am, time_t (*now) (void))
{
    am->now = now ? now : wall_clock;
}

/* pfs_alertmib_sent - notifications snmpd took */

uint64_t pfs_alertmib_sent(const PFS_ALERTMIB *am)
{
    return (pfs_notifier_sent(am->notifier));
}

/* pfs_alertmib_flush - send the queued notifications that can be sent */

void    pfs_alertmib_flush(PFS_ALERTMIB *am)
{
    pfs_notifier_flush(am->notifier);
}

/* pfs_alertmib_print_oids - the --oids lines of the alert objects */

int     pfs_alertmib_print_oids(FILE *fp)
{
    size_t  c;
    size_t  i;
    int     t;

    for (t = 0; t < AT_COUNT; t++) {
	const struct tree_def *td = tree_defs + t;

	for (c = 0; c < td->ncols; c++) {
	    fprintf(fp, "- %s%s ", td->cols[c].name, td->scalars ? ".0" : "");
	    for (i = 0; i < td->prefix_len; i++)
		fprintf(fp, ".%lu", (unsigned long) td->prefix[i]);
	    fprintf(fp, ".%lu%s\n", (unsigned long) td->cols[c].col,
		    td->scalars ? ".0" : "");
	}
    }
    return (ferror(fp) ? -1 : 0);
}

/* pfs_alertmib_free - unregister, unhook, release */

void    pfs_alertmib_free(PFS_ALERTMIB *am)
{
    int     t;

    if (am == 0)
	return;
    pfs_notifier_free(am->notifier);
    for (t = 0; t < AT_COUNT; t++) {
	netsnmp_unregister_handler(am->trees[t].reg);
	snap_clear(&am->trees[t].snap, tree_defs[t].ncols);
	free(am->trees[t].snap.rows);
    }
    free(am);
}
