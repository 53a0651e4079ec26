/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_filterhealth 3
 * SUMMARY
 *	spam and virus share of scanned mail over the last hour
 * SYNOPSIS
 *	#include "pfs_filterhealth.h"
 *
 *	PFS_FILTERHEALTH *pfs_filterhealth_create(opts)
 *
 *	void	pfs_filterhealth_set_callback(fh, fn, ctx)
 *
 *	void	pfs_filterhealth_advance(fh, when)
 *
 *	void	pfs_filterhealth_add(fh, verdict, when)
 *
 *	void	pfs_filterhealth_info(fh, info)
 *
 *	json_t	*pfs_filterhealth_save(fh)
 *
 *	int	pfs_filterhealth_check(json, err, errlen)
 *
 *	void	pfs_filterhealth_load(fh, json)
 *
 *	int	pfs_filterhealth_drop_after(fh, minute)
 * DESCRIPTION
 *	A content filter that finds nothing, or finds everything, is
 *	broken: a dead spamd socket, an expired rule set, a clamd without
 *	signatures. This module keeps the verdicts of the last hour, by the
 *	log's clock (pfs_logtime(3)), in PFS_FH_MINUTES one-minute buckets,
 *	and gives the share of spam and of viruses among the mail scanned
 *	(every verdict: clean, spam, virus and other, such as amavis'
 *	BANNED) in per-mille.
 *
 *	The window ends at the newest minute of any line passed in: when
 *	the log is silent the window does not move. A verdict of a minute
 *	already out of the window is dropped and counted.
 *
 *	Thresholds (percent; a low threshold of 0 and a high one of 100 are
 *	off) are checked each time the log moves into a new minute, over
 *	the hour that ends with the minute just finished, and only when at
 *	least min_scanned verdicts are in it (default 20): one message is no
 *	share. A share below low or above high sets that kind's state; the
 *	callback runs on every change of state, back to normal included.
 *
 *	pfs_filterhealth_drop_after() forgets the minutes after a minute:
 *	what a line dated far in the future left in a saved window (the
 *	caller keeps such lines out, pfs_events(3)). The window then ends
 *	at the newest minute left. It returns the number of minutes dropped.
 * DIAGNOSTICS
 *	Allocation failure is fatal. pfs_filterhealth_check() returns -1
 *	with a sentence in err.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_filterhealth.h"
#include "pfs_log.h"
#include "pfs_util.h"

const char *const pfs_fh_kind_name[PFS_FH_KINDS] = {"spam", "virus"};
const char *const pfs_fh_state_name[3] = {"ok", "low", "high"};

struct bucket {
    int64_t minute;			/* INT64_MIN: empty */
    uint64_t scanned;
    uint64_t n[PFS_FH_KINDS];
};

struct PFS_FILTERHEALTH {
    struct pfs_fh_opts opts;
    struct bucket b[PFS_FH_MINUTES];
    int64_t head;			/* newest minute, INT64_MIN before any */
    enum pfs_fh_state state[PFS_FH_KINDS];
    uint64_t late_dropped;
    PFS_FH_ALARM_FN fn;
    void   *ctx;
};

/* bucket_of - ring slot of a minute */

static struct bucket *bucket_of(PFS_FILTERHEALTH *fh, int64_t minute)
{
    return (fh->b + (((minute % PFS_FH_MINUTES) + PFS_FH_MINUTES) % PFS_FH_MINUTES));
}

/* pfs_filterhealth_create - empty window */

PFS_FILTERHEALTH *pfs_filterhealth_create(const struct pfs_fh_opts *opts)
{
    PFS_FILTERHEALTH *fh = pfs_calloc(1, sizeof(*fh));
    int     i;

    if (opts) {
	fh->opts = *opts;
    } else {
	for (i = 0; i < PFS_FH_KINDS; i++)
	    fh->opts.high[i] = 100;
    }
    for (i = 0; i < PFS_FH_KINDS; i++)
	if (fh->opts.high[i] > 100)
	    fh->opts.high[i] = 100;
    if (fh->opts.min_scanned == 0)
	fh->opts.min_scanned = PFS_DEF_FH_MIN_SCANNED;
    for (i = 0; i < PFS_FH_MINUTES; i++)
	fh->b[i].minute = INT64_MIN;
    fh->head = INT64_MIN;
    return (fh);
}

/* pfs_filterhealth_free - release */

void    pfs_filterhealth_free(PFS_FILTERHEALTH *fh)
{
    free(fh);
}

/* pfs_filterhealth_set_callback - where threshold crossings go */

void    pfs_filterhealth_set_callback(PFS_FILTERHEALTH *fh, PFS_FH_ALARM_FN fn, void *ctx)
{
    fh->fn = fn;
    fh->ctx = ctx;
}

/* sum - the hour ending with minute end */

static void sum(const PFS_FILTERHEALTH *fh, int64_t end, struct pfs_fh_info *info)
{
    int     i, k;

    memset(info, 0, sizeof(*info));
    info->end_minute = end;
    for (i = 0; i < PFS_FH_MINUTES; i++) {
	const struct bucket *bk = fh->b + i;

	if (bk->minute == INT64_MIN || bk->minute > end || bk->minute <= end - PFS_FH_MINUTES)
	    continue;
	info->scanned += bk->scanned;
	for (k = 0; k < PFS_FH_KINDS; k++)
	    info->count[k] += bk->n[k];
    }
    for (k = 0; k < PFS_FH_KINDS; k++) {
	/* A spam verdict may sit a minute after the scan it adds to. */
	if (info->count[k] > info->scanned)
	    info->count[k] = info->scanned;
	info->permille[k] = info->scanned ?
	    (unsigned) (info->count[k] * 1000 / info->scanned) : 0;
	info->state[k] = fh->state[k];
    }
}

/* evaluate - thresholds over the hour ending with minute end */

static void evaluate(PFS_FILTERHEALTH *fh, int64_t end)
{
    struct pfs_fh_info info;
    struct pfs_fh_alarm al;
    enum pfs_fh_state st;
    int     k;

    sum(fh, end, &info);
    if (info.scanned < fh->opts.min_scanned)
	return;
    for (k = 0; k < PFS_FH_KINDS; k++) {
	if (fh->opts.low[k] > 0 && info.permille[k] < fh->opts.low[k] * 10)
	    st = PFS_FHS_LOW;
	else if (fh->opts.high[k] < 100 && info.permille[k] > fh->opts.high[k] * 10)
	    st = PFS_FHS_HIGH;
	else
	    st = PFS_FHS_OK;
	if (st == fh->state[k])
	    continue;
	al.kind = (enum pfs_fh_kind) k;
	al.state = st;
	al.was = fh->state[k];
	al.permille = info.permille[k];
	al.threshold = (st == PFS_FHS_LOW || (st == PFS_FHS_OK && al.was == PFS_FHS_LOW)) ?
	    fh->opts.low[k] : fh->opts.high[k];
	al.scanned = info.scanned;
	al.minute = end;
	fh->state[k] = st;
	if (fh->fn)
	    fh->fn(&al, fh->ctx);
    }
}

/* pfs_filterhealth_advance - the log's clock moved */

void    pfs_filterhealth_advance(PFS_FILTERHEALTH *fh, const struct pfs_logtime *w)
{
    int64_t m = pfs_logtime_minute(w);

    if (fh->head == INT64_MIN) {
	fh->head = m;
	return;
    }
    if (m > fh->head) {
	evaluate(fh, fh->head);
	fh->head = m;
    }
}

/* pfs_filterhealth_add - one verdict */

void    pfs_filterhealth_add(PFS_FILTERHEALTH *fh, enum pfs_fh_verdict v,
			             const struct pfs_logtime *w)
{
    int64_t m = pfs_logtime_minute(w);
    struct bucket *bk;

    pfs_filterhealth_advance(fh, w);
    if (m <= fh->head - PFS_FH_MINUTES) {
	fh->late_dropped++;
	return;
    }
    bk = bucket_of(fh, m);
    if (bk->minute != m) {
	memset(bk, 0, sizeof(*bk));
	bk->minute = m;
    }
    bk->scanned++;
    if (v == PFS_FHV_SPAM)
	bk->n[PFS_FH_SPAM]++;
    else if (v == PFS_FHV_VIRUS)
	bk->n[PFS_FH_VIRUS]++;
}

/* pfs_filterhealth_again - a second verdict on a mail already scanned */

void    pfs_filterhealth_again(PFS_FILTERHEALTH *fh, enum pfs_fh_verdict v,
			               const struct pfs_logtime *w)
{
    int64_t m = pfs_logtime_minute(w);
    struct bucket *bk;

    pfs_filterhealth_advance(fh, w);
    /* The first verdict was ClamAV's (no virus): a spam verdict adds to it. */
    if (v != PFS_FHV_SPAM || m <= fh->head - PFS_FH_MINUTES)
	return;
    bk = bucket_of(fh, m);
    if (bk->minute != m) {
	memset(bk, 0, sizeof(*bk));
	bk->minute = m;
    }
    bk->n[PFS_FH_SPAM]++;
}

/* pfs_filterhealth_info - the window as it stands */

void    pfs_filterhealth_info(const PFS_FILTERHEALTH *fh, struct pfs_fh_info *info)
{
    sum(fh, fh->head, info);
}

/* pfs_filterhealth_late_dropped - verdicts older than the window */

uint64_t pfs_filterhealth_late_dropped(const PFS_FILTERHEALTH *fh)
{
    return (fh->late_dropped);
}

/* pfs_filterhealth_save - the window as JSON */

json_t *pfs_filterhealth_save(const PFS_FILTERHEALTH *fh)
{
    json_t *mins = json_array();
    json_t *o;
    int     i;

    if (mins == 0)
	fatalx("out of memory saving the filter window");
    for (i = 0; i < PFS_FH_MINUTES; i++) {
	const struct bucket *bk = fh->b + i;

	if (bk->minute == INT64_MIN || bk->minute <= fh->head - PFS_FH_MINUTES)
	    continue;
	o = json_pack("{s:I, s:I, s:I, s:I}", "minute", (json_int_t) bk->minute,
		      "scanned", (json_int_t) bk->scanned,
		      "spam", (json_int_t) bk->n[PFS_FH_SPAM],
		      "virus", (json_int_t) bk->n[PFS_FH_VIRUS]);
	if (o == 0 || json_array_append_new(mins, o) < 0)
	    fatalx("out of memory saving the filter window");
    }
    o = json_pack("{s:I, s:s, s:s, s:I, s:o}",
		  "head", (json_int_t) (fh->head == INT64_MIN ? -1 : fh->head),
		  "spam_state", pfs_fh_state_name[fh->state[PFS_FH_SPAM]],
		  "virus_state", pfs_fh_state_name[fh->state[PFS_FH_VIRUS]],
		  "late_dropped", (json_int_t) fh->late_dropped, "minutes", mins);
    if (o == 0)
	fatalx("out of memory saving the filter window");
    return (o);
}

/* state_of - a state name's value, or -1 */

static int state_of(const char *s)
{
    int     i;

    for (i = 0; s != 0 && i < 3; i++)
	if (strcmp(s, pfs_fh_state_name[i]) == 0)
	    return (i);
    return (-1);
}

/* is_count - a non-negative integer */

static int is_count(const json_t *v)
{
    return (json_is_integer(v) && json_integer_value(v) >= 0);
}

/* pfs_filterhealth_check - validate a saved window */

int     pfs_filterhealth_check(const json_t *o, char *err, size_t errlen)
{
    const json_t *mins = json_object_get(o, "minutes");
    const json_t *v;
    json_int_t head;
    size_t  i;

    if (!json_is_object(o) || !json_is_integer(json_object_get(o, "head"))
	|| (head = json_integer_value(json_object_get(o, "head"))) < -1
	|| state_of(json_string_value(json_object_get(o, "spam_state"))) < 0
	|| state_of(json_string_value(json_object_get(o, "virus_state"))) < 0
	|| !is_count(json_object_get(o, "late_dropped")) || !json_is_array(mins)
	|| json_array_size(mins) > PFS_FH_MINUTES) {
	snprintf(err, errlen, "filter window: not an object with head, states "
		 "and minutes");
	return (-1);
    }
    json_array_foreach(mins, i, v) {
	json_int_t m;

	if (!json_is_object(v) || !json_is_integer(json_object_get(v, "minute"))
	    || (m = json_integer_value(json_object_get(v, "minute"))) > head
	    || m <= head - PFS_FH_MINUTES
	    || !is_count(json_object_get(v, "scanned"))
	    || !is_count(json_object_get(v, "spam"))
	    || !is_count(json_object_get(v, "virus"))) {
	    snprintf(err, errlen, "filter window: minute %zu is malformed", i);
	    return (-1);
	}
    }
    return (0);
}

/* pfs_filterhealth_load - replace the window with a checked one */

void    pfs_filterhealth_load(PFS_FILTERHEALTH *fh, const json_t *o)
{
    const json_t *v;
    struct bucket *bk;
    json_int_t head = json_integer_value(json_object_get(o, "head"));
    size_t  i;

    for (i = 0; i < PFS_FH_MINUTES; i++)
	fh->b[i].minute = INT64_MIN;
    fh->head = head < 0 ? INT64_MIN : head;
    fh->state[PFS_FH_SPAM] = state_of(json_string_value(json_object_get(o, "spam_state")));
    fh->state[PFS_FH_VIRUS] = state_of(json_string_value(json_object_get(o, "virus_state")));
    fh->late_dropped = (uint64_t) json_integer_value(json_object_get(o, "late_dropped"));
    json_array_foreach(json_object_get(o, "minutes"), i, v) {
	int64_t m = json_integer_value(json_object_get(v, "minute"));

	bk = bucket_of(fh, m);
	bk->minute = m;
	bk->scanned = (uint64_t) json_integer_value(json_object_get(v, "scanned"));
	bk->n[PFS_FH_SPAM] = (uint64_t) json_integer_value(json_object_get(v, "spam"));
	bk->n[PFS_FH_VIRUS] = (uint64_t) json_integer_value(json_object_get(v, "virus"));
    }
}

/* pfs_filterhealth_drop_after - forget minutes after last (a future date) */

int     pfs_filterhealth_drop_after(PFS_FILTERHEALTH *fh, int64_t last)
{
    int64_t newest = INT64_MIN;
    int     dropped = 0;
    int     i;

    if (fh->head == INT64_MIN || fh->head <= last)
	return (0);
    for (i = 0; i < PFS_FH_MINUTES; i++) {
	if (fh->b[i].minute == INT64_MIN)
	    continue;
	if (fh->b[i].minute > last) {
	    fh->b[i].minute = INT64_MIN;
	    dropped++;
	} else if (fh->b[i].minute > newest) {
	    newest = fh->b[i].minute;
	}
    }
    fh->head = newest;
    return (dropped);
}
