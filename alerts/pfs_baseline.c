/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_baseline 3
 * SUMMARY
 *	daily traffic history, means, deviations and anomaly checks
 * SYNOPSIS
 *	#include "pfs_baseline.h"
 *
 *	PFS_BASELINE *pfs_baseline_create(opts)
 *
 *	void	pfs_baseline_set_callback(baseline, fn, ctx)
 *
 *	void	pfs_baseline_advance(baseline, when)
 *
 *	void	pfs_baseline_add(baseline, indicator, when)
 *
 *	void	pfs_baseline_info(baseline, indicator, info)
 *
 *	int	pfs_baseline_day(baseline, day, counts)
 *
 *	json_t	*pfs_baseline_save(baseline)
 *
 *	int	pfs_baseline_check(json, err, errlen)
 *
 *	void	pfs_baseline_load(baseline, json)
 *
 *	int	pfs_baseline_drop_after(baseline, day)
 * DESCRIPTION
 *	A history of PFS_BL_HISTORY days (today included) of six indicators:
 *	received, sent, relayed (outside), rejected, deferred and bounced
 *	(pfs_events(3) says which event moves which), per day and per hour
 *	of the day.
 *
 *	Time is the log's (pfs_logtime(3)). The newest day of any line passed
 *	to pfs_baseline_advance() or pfs_baseline_add() is "today"; a line
 *	of a later day closes today and any silent days in between (they
 *	count as zero: the log went on past them). A late line, of a day
 *	already closed, still adds to that day while it is in the history,
 *	but that day is not checked again; older lines are dropped and
 *	counted (pfs_baseline_late_dropped()).
 *
 *	The first day seen is incomplete (the agent started, or the log
 *	began, during it): it is kept, but never part of a mean and never
 *	checked. Every later day is "complete" once closed.
 *
 *	pfs_baseline_info() gives, per indicator: today so far; yesterday;
 *	the mean and sample standard deviation over the complete days among
 *	the last N (default 15) days before today, and the same over those
 *	of them that are Monday to Friday, and over those that are Saturday
 *	or Sunday; and how many deviations yesterday was from the mean of
 *	the N days before it (yesterday is not part of its own baseline),
 *	and from the days of its class among them.
 *
 *	Baselines. Mail follows the week: a Sunday is compared with all
 *	days (the all-days baseline) and with the Saturdays and Sundays
 *	among them (its class); a Monday to Friday with all days and with
 *	the weekdays among them. The class is the baseline that fits: when
 *	it has enough days, it decides, so that a Saturday that is low
 *	against all days but ordinary for a weekend day is the weekly
 *	pattern, not an anomaly, and a Sunday with a weekday's traffic is
 *	one. Until it has enough days, the all-days baseline decides. The
 *	all-days baseline needs min_days (default 7) complete days; a class
 *	its share of them: min_days * 5 / 7 weekdays, min_days * 2 / 7
 *	weekend days, rounded up, and 2 at least. A struct pfs_anomaly
 *	says which baseline decided.
 *
 *	Day check. When a day is closed, each indicator's count is
 *	compared with its baseline. The deviation used is the larger of
 *	the measured standard deviation, the square root of the mean (the
 *	spread of a count of independent events) and 1, so that a flat
 *	history does not make every small change an anomaly. When
 *	|value - mean| exceeds k (default 2) times that deviation, the
 *	callback gets a struct pfs_anomaly.
 *
 *	Hour check (opts->hourly). When an hour of the day is closed (the
 *	log moved past it), each indicator's count in that hour is
 *	compared with the same hour on the days of its baseline. Hours are
 *	small counts, and 24 of them a day times six indicators are many
 *	chances for chance, so an hour must pass three tests: the hour or
 *	its mean holds at least hourly_min (default 10) events; the count
 *	departs by more than k deviations, as for a day; and a Poisson
 *	count of that mean would fall that far or farther less than once in
 *	1/PFS_BL_HOURLY_P (10,000) hours. An anomaly that lasts several
 *	hours is one: the callback runs for its first hour (at most once per
 *	indicator and day) and once more, with cleared set, for the first
 *	checked hour that is not anomalous (or too quiet to check).
 *
 *	pfs_baseline_save() returns the history as a JSON object (jansson)
 *	for the saved state; pfs_baseline_check() validates one and
 *	pfs_baseline_load() replaces the history with it.
 *
 *	pfs_baseline_drop_after() forgets the days after a day: a saved
 *	history that a line dated far in the future moved on (the caller
 *	keeps such lines out, pfs_events(3)). The newest day left becomes
 *	today, with all its hours taken as checked; without one the
 *	history starts afresh. It returns the number of days dropped.
 * DIAGNOSTICS
 *	Allocation failure is fatal. pfs_baseline_check() returns -1 with a
 *	sentence in err.
 *--*/

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_baseline.h"
#include "pfs_log.h"
#include "pfs_util.h"

const char *const pfs_bl_name[PFS_BL_COUNT] = {
    "received", "sent", "relayed", "rejected", "deferred", "bounced",
};

const char *const pfs_bl_base_name[PFS_BLB_COUNT] = {
    "all days", "weekdays", "weekend days",
};

/* An hourly anomaly of one indicator, across hours. */
struct hour_watch {
    int     active;			/* the last checked hour was anomalous */
    int     raised;			/* and its start was reported */
    int64_t raised_day;			/* day of the last start reported */
};

struct day_rec {
    int64_t day;			/* INT64_MIN: empty */
    uint64_t n[PFS_BL_COUNT];
    uint64_t hour[PFS_BL_COUNT][24];
};

struct PFS_BASELINE {
    unsigned days, sigma, min_days;
    int     hourly;
    unsigned hourly_min;
    struct hour_watch watch[PFS_BL_COUNT];
    struct day_rec ring[PFS_BL_HISTORY];
    int64_t today;			/* INT64_MIN before the first line */
    int64_t first_day;
    int     cur_hour;			/* hour of today reached */
    uint64_t late_dropped;
    PFS_ANOMALY_FN fn;
    void   *ctx;
};

/* slot - ring index of a day */

static size_t slot(int64_t day)
{
    return ((size_t) (((day % PFS_BL_HISTORY) + PFS_BL_HISTORY) % PFS_BL_HISTORY));
}

/* rec_of - the record of a day, or NULL */

static struct day_rec *rec_of(const PFS_BASELINE *b, int64_t day)
{
    const struct day_rec *r = b->ring + slot(day);

    return (r->day == day ? (struct day_rec *) r : 0);
}

/* new_rec - an empty record for a day */

static struct day_rec *new_rec(PFS_BASELINE *b, int64_t day)
{
    struct day_rec *r = b->ring + slot(day);

    memset(r, 0, sizeof(*r));
    r->day = day;
    return (r);
}

/* pfs_baseline_create - empty history */

PFS_BASELINE *pfs_baseline_create(const struct pfs_baseline_opts *opts)
{
    PFS_BASELINE *b = pfs_calloc(1, sizeof(*b));
    size_t  i;

    b->days = opts && opts->days ? opts->days : PFS_DEF_BL_DAYS;
    if (b->days > PFS_BL_MAX_DAYS)
	b->days = PFS_BL_MAX_DAYS;
    b->sigma = opts && opts->sigma ? opts->sigma : PFS_DEF_BL_SIGMA;
    b->min_days = opts && opts->min_days ? opts->min_days : PFS_DEF_BL_MIN_DAYS;
    if (b->min_days < 2)
	b->min_days = 2;
    b->hourly = opts ? opts->hourly : 1;
    b->hourly_min = opts && opts->hourly_min ? opts->hourly_min : PFS_DEF_BL_HOURLY_MIN;
    for (i = 0; i < PFS_BL_HISTORY; i++)
	b->ring[i].day = INT64_MIN;
    for (i = 0; i < PFS_BL_COUNT; i++)
	b->watch[i].raised_day = INT64_MIN;
    b->today = INT64_MIN;
    b->first_day = INT64_MIN;
    return (b);
}

/* pfs_baseline_free - release */

void    pfs_baseline_free(PFS_BASELINE *b)
{
    free(b);
}

/* pfs_baseline_set_callback - where anomalies go */

void    pfs_baseline_set_callback(PFS_BASELINE *b, PFS_ANOMALY_FN fn, void *ctx)
{
    b->fn = fn;
    b->ctx = ctx;
}

/* root - square root by Newton's method (no libm for one function) */

static double root(double x)
{
    double  r, n;
    int     i;

    if (!(x > 0))
	return (0);
    /* From above, Newton's steps decrease to the root; stop when they don't. */
    r = x > 1 ? x : 1;
    for (i = 0; i < 2000; i++) {
	n = 0.5 * (r + x / r);
	if (!(n < r))
	    break;
	r = n;
    }
    return (r);
}

struct moments {
    unsigned n;
    double  mean, sd;
};

/* in_class - is a day one of a baseline's */

static int in_class(int64_t day, enum pfs_bl_base base)
{
    switch (base) {
    case PFS_BLB_WEEKDAYS:
	return (pfs_day_is_weekday(day));
    case PFS_BLB_WEEKEND:
	return (!pfs_day_is_weekday(day));
    default:
	return (1);
    }
}

/* class_of - the class baseline of a day */

static enum pfs_bl_base class_of(int64_t day)
{
    return (pfs_day_is_weekday(day) ? PFS_BLB_WEEKDAYS : PFS_BLB_WEEKEND);
}

/* class_min - complete days a baseline needs */

static unsigned class_min(const PFS_BASELINE *b, enum pfs_bl_base base)
{
    unsigned n;

    switch (base) {
    case PFS_BLB_WEEKDAYS:
	n = (b->min_days * 5 + 6) / 7;
	break;
    case PFS_BLB_WEEKEND:
	n = (b->min_days * 2 + 6) / 7;
	break;
    default:
	return (b->min_days);
    }
    return (n < 2 ? 2 : n);
}

/*
 * window - mean and sample SD of an indicator (hour < 0: whole day) over
 * the complete days in [end - days, end - 1] of a baseline.
 */
static void window(const PFS_BASELINE *b, enum pfs_bl_ind ind, int hour,
		           int64_t end, enum pfs_bl_base base, struct moments *m)
{
    double  x[PFS_BL_MAX_DAYS];
    double  sum = 0, sq = 0;
    const struct day_rec *r;
    int64_t d;
    unsigned i;

    m->n = 0;
    m->mean = m->sd = 0;
    for (d = end - b->days; d < end; d++) {
	if (d <= b->first_day || (r = rec_of(b, d)) == 0)
	    continue;
	if (!in_class(d, base))
	    continue;
	x[m->n++] = (double) (hour < 0 ? r->n[ind] : r->hour[ind][hour]);
    }
    if (m->n == 0)
	return;
    for (i = 0; i < m->n; i++)
	sum += x[i];
    m->mean = sum / m->n;
    if (m->n < 2)
	return;
    for (i = 0; i < m->n; i++)
	sq += (x[i] - m->mean) * (x[i] - m->mean);
    m->sd = root(sq / (m->n - 1));
}

/* floor_sd - the deviation a check uses */

static double floor_sd(const struct moments *m)
{
    double  sd = m->sd;

    if (sd < root(m->mean))
	sd = root(m->mean);
    return (sd < 1 ? 1 : sd);
}

/* baseline_of - the baseline that decides for a day; -1 if none can */

static int baseline_of(const PFS_BASELINE *b, enum pfs_bl_ind ind, int hour,
		               int64_t day, struct moments *m)
{
    enum pfs_bl_base base = class_of(day);

    window(b, ind, hour, day, base, m);
    if (m->n >= class_min(b, base))
	return (base);
    window(b, ind, hour, day, PFS_BLB_ALL, m);
    return (m->n >= b->min_days ? PFS_BLB_ALL : -1);
}

/* poisson_tail - P(X >= v) when v > mean, else P(X <= v), for X ~ Poisson(mean) */

static double poisson_tail(double mean, uint64_t v)
{
    double  lm, term, sum = 0;
    double  x;

    if (mean <= 0)
	return (v > 0 ? 0 : 1);
    lm = log(mean);
    if ((double) v > mean) {
	/* Terms fall from v on: add them until they no longer count. */
	for (x = (double) v;; x++) {
	    term = exp(-mean + x * lm - lgamma(x + 1));
	    sum += term;
	    if (term < sum * 1e-12 || term == 0)
		break;
	}
    } else {
	/* Terms fall from v down to 0. */
	for (x = (double) v; x >= 0; x--) {
	    term = exp(-mean + x * lm - lgamma(x + 1));
	    sum += term;
	    if (term < sum * 1e-12)
		break;
	}
    }
    return (sum > 1 ? 1 : sum);
}

/*
 * judge - one finished day (hour < 0) or hour of an indicator against
 * its baseline: 1 anomalous, 0 not, -1 no baseline yet, -2 too quiet to
 * check (hours); an is filled in for 1 and 0.
 */
static int judge(const PFS_BASELINE *b, const struct day_rec *r, enum pfs_bl_ind ind,
		         int64_t day, int hour, struct pfs_anomaly *an)
{
    struct moments m;
    int     base;
    int     far, twice;
    double  phi;

    if ((base = baseline_of(b, ind, hour, day, &m)) < 0)
	return (-1);
    memset(an, 0, sizeof(*an));
    an->ind = ind;
    an->day = day;
    an->hour = hour;
    an->value = hour < 0 ? r->n[ind] : r->hour[ind][hour];
    an->mean = m.mean;
    an->sd = floor_sd(&m);
    an->dev = ((double) an->value - m.mean) / an->sd;
    an->ndays = m.n;
    an->base = (enum pfs_bl_base) base;
    far = an->dev > b->sigma || -an->dev > b->sigma;
    if (hour < 0)
	return (far);
    if (an->value < b->hourly_min && m.mean < b->hourly_min)
	return (-2);
    twice = (double) an->value >= 2 * m.mean || 2 * (double) an->value <= m.mean;
    /* Counts more spread than Poisson's: scale both by the dispersion. */
    phi = m.mean > 0 && m.sd * m.sd > m.mean ? m.sd * m.sd / m.mean : 1;
    return (far && twice && poisson_tail(m.mean / phi,
			    (uint64_t) ((double) an->value / phi + 0.5)) < PFS_BL_HOURLY_P);
}

/* check_day - a finished day against its baseline */

static void check_day(PFS_BASELINE *b, int64_t day)
{
    const struct day_rec *r = rec_of(b, day);
    struct pfs_anomaly an;
    int     i;

    if (r == 0 || day <= b->first_day || b->fn == 0)
	return;
    for (i = 0; i < PFS_BL_COUNT; i++)
	if (judge(b, r, (enum pfs_bl_ind) i, day, -1, &an) == 1)
	    b->fn(&an, b->ctx);
}

/* check_hour - a finished hour; an anomaly over several hours is one */

static void check_hour(PFS_BASELINE *b, int64_t day, int hour)
{
    const struct day_rec *r = rec_of(b, day);
    struct pfs_anomaly an;
    struct hour_watch *w;
    int     i, verdict;

    if (r == 0 || day <= b->first_day)
	return;
    for (i = 0; i < PFS_BL_COUNT; i++) {
	w = b->watch + i;
	verdict = judge(b, r, (enum pfs_bl_ind) i, day, hour, &an);
	if (verdict == 1 && !w->active) {
	    w->active = 1;
	    w->raised = w->raised_day != day;
	    if (w->raised) {
		w->raised_day = day;
		if (b->fn)
		    b->fn(&an, b->ctx);
	    }
	} else if ((verdict == 0 || verdict == -2) && w->active) {
	    w->active = 0;
	    if (w->raised && b->fn) {
		/* judge() filled an in for a quiet hour too. */
		an.cleared = 1;
		b->fn(&an, b->ctx);
	    }
	    w->raised = 0;
	}
    }
}

/* close_hours - hours [from, to) of a day are over */

static void close_hours(PFS_BASELINE *b, int64_t day, int from, int to)
{
    int     h;

    if (!b->hourly)
	return;
    for (h = from; h < to; h++)
	check_hour(b, day, h);
}

/* pfs_baseline_advance - the log's clock moved to when */

void    pfs_baseline_advance(PFS_BASELINE *b, const struct pfs_logtime *w)
{
    int     hour = w->sec / 3600;
    int64_t d;

    if (b->today == INT64_MIN) {
	b->today = b->first_day = w->day;
	b->cur_hour = hour;
	new_rec(b, w->day);
	return;
    }
    if (w->day > b->today) {
	close_hours(b, b->today, b->cur_hour, 24);
	check_day(b, b->today);
	/* Silent days in between: zero, checked as whole days only. */
	d = b->today + 1;
	if (w->day - d > PFS_BL_HISTORY)
	    d = w->day - PFS_BL_HISTORY;
	for (; d < w->day; d++) {
	    new_rec(b, d);
	    check_day(b, d);
	}
	b->today = w->day;
	new_rec(b, w->day);
	b->cur_hour = hour;
	close_hours(b, b->today, 0, hour);
    } else if (w->day == b->today && hour > b->cur_hour) {
	close_hours(b, b->today, b->cur_hour, hour);
	b->cur_hour = hour;
    }
}

/* pfs_baseline_add - one event */

void    pfs_baseline_add(PFS_BASELINE *b, enum pfs_bl_ind ind, const struct pfs_logtime *w)
{
    struct day_rec *r;

    pfs_baseline_advance(b, w);
    if ((r = rec_of(b, w->day)) == 0 || w->day < b->first_day) {
	b->late_dropped++;
	return;
    }
    r->n[ind]++;
    r->hour[ind][w->sec / 3600]++;
}

/* pfs_baseline_info - what a reader sees of one indicator */

void    pfs_baseline_info(const PFS_BASELINE *b, enum pfs_bl_ind ind,
			          struct pfs_baseline_info *info)
{
    const struct day_rec *r;
    struct moments m;
    int64_t y;

    memset(info, 0, sizeof(*info));
    info->last_hour = -1;
    if (b->today == INT64_MIN)
	return;
    if ((r = rec_of(b, b->today)) != 0)
	info->today = r->n[ind];
    y = b->today - 1;
    if (y > b->first_day && (r = rec_of(b, y)) != 0) {
	info->yesterday = r->n[ind];
	info->have_yesterday = 1;
	window(b, ind, -1, y, PFS_BLB_ALL, &m);
	if (m.n >= b->min_days) {
	    info->have_dev = 1;
	    info->dev = ((double) r->n[ind] - m.mean) / floor_sd(&m);
	}
	info->yesterday_class = class_of(y);
	window(b, ind, -1, y, info->yesterday_class, &m);
	if (m.n >= class_min(b, info->yesterday_class)) {
	    info->have_class_dev = 1;
	    info->class_dev = ((double) r->n[ind] - m.mean) / floor_sd(&m);
	}
    }
    window(b, ind, -1, b->today, PFS_BLB_ALL, &m);
    info->ndays = m.n;
    info->mean = m.mean;
    info->sd = m.sd;
    window(b, ind, -1, b->today, PFS_BLB_WEEKDAYS, &m);
    info->nweekdays = m.n;
    info->wd_mean = m.mean;
    info->wd_sd = m.sd;
    window(b, ind, -1, b->today, PFS_BLB_WEEKEND, &m);
    info->nweekend = m.n;
    info->we_mean = m.mean;
    info->we_sd = m.sd;
    if (b->cur_hour > 0 && (r = rec_of(b, b->today)) != 0) {
	info->last_hour = b->cur_hour - 1;
	info->hour_value = r->hour[ind][info->last_hour];
	window(b, ind, info->last_hour, b->today, PFS_BLB_ALL, &m);
	info->hour_mean = m.mean;
	info->hour_sd = m.sd;
    }
}

/* pfs_baseline_today - the open day */

int64_t pfs_baseline_today(const PFS_BASELINE *b)
{
    return (b->today);
}

/* pfs_baseline_first_day - the incomplete first day */

int64_t pfs_baseline_first_day(const PFS_BASELINE *b)
{
    return (b->first_day);
}

/* pfs_baseline_late_dropped - lines too old for the history */

uint64_t pfs_baseline_late_dropped(const PFS_BASELINE *b)
{
    return (b->late_dropped);
}

/* pfs_baseline_day - counts of one day in the history */

int     pfs_baseline_day(const PFS_BASELINE *b, int64_t day, uint64_t counts[PFS_BL_COUNT])
{
    const struct day_rec *r;

    if (b->today == INT64_MIN || day < b->first_day || (r = rec_of(b, day)) == 0)
	return (-1);
    memcpy(counts, r->n, sizeof(r->n));
    return (0);
}

/* u64_array - JSON array of counters */

static json_t *u64_array(const uint64_t *v, size_t n)
{
    json_t *a = json_array();
    size_t  i;

    if (a == 0)
	fatalx("out of memory saving the baseline");
    for (i = 0; i < n; i++)
	if (json_array_append_new(a, json_integer((json_int_t) v[i])) < 0)
	    fatalx("out of memory saving the baseline");
    return (a);
}

/* watch_save - the hourly anomalies under way */

static json_t *watch_save(const PFS_BASELINE *b)
{
    json_t *o = json_object();
    json_t *w;
    char    day[16];
    int     i;

    if (o == 0)
	fatalx("out of memory saving the baseline");
    for (i = 0; i < PFS_BL_COUNT; i++) {
	if (b->watch[i].raised_day == INT64_MIN)
	    snprintf(day, sizeof(day), "-");
	else
	    pfs_day_format(b->watch[i].raised_day, day, sizeof(day));
	w = json_pack("{s:b, s:b, s:s}", "active", b->watch[i].active,
		      "raised", b->watch[i].raised, "raised_day", day);
	if (w == 0 || json_object_set_new(o, pfs_bl_name[i], w) < 0)
	    fatalx("out of memory saving the baseline");
    }
    return (o);
}

/* watch_check - saved hourly anomalies; absent is fine (older files) */

static int watch_check(const json_t *o)
{
    const json_t *w;
    const char *day;
    int64_t d;
    int     i;

    if (o == 0)
	return (0);
    if (!json_is_object(o))
	return (-1);
    for (i = 0; i < PFS_BL_COUNT; i++) {
	if ((w = json_object_get(o, pfs_bl_name[i])) == 0)
	    continue;
	if (!json_is_object(w) || !json_is_boolean(json_object_get(w, "active"))
	    || !json_is_boolean(json_object_get(w, "raised"))
	    || (day = json_string_value(json_object_get(w, "raised_day"))) == 0
	    || (strcmp(day, "-") != 0 && pfs_day_parse(day, &d) < 0))
	    return (-1);
    }
    return (0);
}

/* watch_load - restore checked hourly anomalies */

static void watch_load(PFS_BASELINE *b, const json_t *o)
{
    const json_t *w;
    int64_t d;
    int     i;

    for (i = 0; i < PFS_BL_COUNT; i++) {
	if ((w = json_object_get(o, pfs_bl_name[i])) == 0)
	    continue;
	b->watch[i].active = json_is_true(json_object_get(w, "active"));
	b->watch[i].raised = json_is_true(json_object_get(w, "raised"));
	b->watch[i].raised_day = pfs_day_parse(json_string_value(
				     json_object_get(w, "raised_day")), &d) == 0 ? d : INT64_MIN;
    }
}

/* pfs_baseline_save - the history, oldest day first */

json_t *pfs_baseline_save(const PFS_BASELINE *b)
{
    json_t *days;
    json_t *o, *counts, *hours;
    char    buf[16], first[16];
    int64_t d;
    int     i;

    if (b->today == INT64_MIN)
	return (json_pack("{s:n}", "today"));
    if ((days = json_array()) == 0)
	fatalx("out of memory saving the baseline");
    for (d = b->today - PFS_BL_HISTORY + 1; d <= b->today; d++) {
	const struct day_rec *r = rec_of(b, d);

	if (r == 0 || d < b->first_day)
	    continue;
	counts = json_object();
	hours = json_object();
	if (counts == 0 || hours == 0)
	    fatalx("out of memory saving the baseline");
	for (i = 0; i < PFS_BL_COUNT; i++) {
	    if (json_object_set_new(counts, pfs_bl_name[i],
				    json_integer((json_int_t) r->n[i])) < 0
		|| json_object_set_new(hours, pfs_bl_name[i], u64_array(r->hour[i], 24)) < 0)
		fatalx("out of memory saving the baseline");
	}
	pfs_day_format(d, buf, sizeof(buf));
	o = json_pack("{s:s, s:o, s:o}", "day", buf, "counts", counts, "hours", hours);
	if (o == 0 || json_array_append_new(days, o) < 0)
	    fatalx("out of memory saving the baseline");
    }
    pfs_day_format(b->today, buf, sizeof(buf));
    pfs_day_format(b->first_day, first, sizeof(first));
    o = json_pack("{s:s, s:s, s:i, s:I, s:o, s:o}", "today", buf, "first_day", first,
		  "hour", b->cur_hour, "late_dropped", (json_int_t) b->late_dropped,
		  "days", days, "hourly", watch_save(b));
    if (o == 0)
	fatalx("out of memory saving the baseline");
    return (o);
}

/* is_count - a non-negative integer */

static int is_count(const json_t *v)
{
    return (json_is_integer(v) && json_integer_value(v) >= 0);
}

/* check_saved_day - one saved day */

static int check_saved_day(const json_t *o, int64_t today, int64_t first)
{
    const json_t *counts = json_object_get(o, "counts");
    const json_t *hours = json_object_get(o, "hours");
    const json_t *a, *v;
    int64_t d;
    size_t  j;
    int     i;

    if (!json_is_object(o) || pfs_day_parse(json_string_value(json_object_get(o, "day")), &d) < 0
	|| d > today || d < first || d <= today - PFS_BL_HISTORY
	|| !json_is_object(counts) || !json_is_object(hours))
	return (-1);
    for (i = 0; i < PFS_BL_COUNT; i++) {
	if (!is_count(json_object_get(counts, pfs_bl_name[i])))
	    return (-1);
	a = json_object_get(hours, pfs_bl_name[i]);
	if (!json_is_array(a) || json_array_size(a) != 24)
	    return (-1);
	json_array_foreach(a, j, v)
	    if (!is_count(v))
	    return (-1);
    }
    return (0);
}

/* pfs_baseline_check - validate a saved history */

int     pfs_baseline_check(const json_t *o, char *err, size_t errlen)
{
    const json_t *days, *v;
    int64_t today, first;
    json_int_t hour;
    size_t  i;

    if (json_is_object(o) && json_is_null(json_object_get(o, "today")))
	return (0);				/* saved before any line */
    days = json_object_get(o, "days");
    if (!json_is_object(o)
	|| pfs_day_parse(json_string_value(json_object_get(o, "today")), &today) < 0
	|| pfs_day_parse(json_string_value(json_object_get(o, "first_day")), &first) < 0
	|| first > today || !json_is_integer(json_object_get(o, "hour"))
	|| (hour = json_integer_value(json_object_get(o, "hour"))) < 0 || hour > 23
	|| !is_count(json_object_get(o, "late_dropped")) || !json_is_array(days)
	|| watch_check(json_object_get(o, "hourly")) < 0) {
	snprintf(err, errlen, "baseline: not an object with today, first_day, "
		 "hour, late_dropped and days");
	return (-1);
    }
    json_array_foreach(days, i, v) {
	if (check_saved_day(v, today, first) < 0) {
	    snprintf(err, errlen, "baseline: day %zu is malformed", i);
	    return (-1);
	}
    }
    return (0);
}

/* pfs_baseline_load - replace the history with a checked one */

void    pfs_baseline_load(PFS_BASELINE *b, const json_t *o)
{
    const json_t *v;
    struct day_rec *r;
    int64_t today, first, d;
    size_t  i;
    int     j, h;

    if (pfs_day_parse(json_string_value(json_object_get(o, "today")), &today) < 0
	|| pfs_day_parse(json_string_value(json_object_get(o, "first_day")), &first) < 0)
	return;					/* saved before any line */
    for (i = 0; i < PFS_BL_HISTORY; i++)
	b->ring[i].day = INT64_MIN;
    b->today = today;
    b->first_day = first;
    b->cur_hour = (int) json_integer_value(json_object_get(o, "hour"));
    b->late_dropped = (uint64_t) json_integer_value(json_object_get(o, "late_dropped"));
    watch_load(b, json_object_get(o, "hourly"));
    /* Days the file leaves out were silent. */
    for (d = today - PFS_BL_HISTORY + 1; d <= today; d++)
	if (d >= first)
	    new_rec(b, d);
    json_array_foreach(json_object_get(o, "days"), i, v) {
	(void) pfs_day_parse(json_string_value(json_object_get(v, "day")), &d);
	r = rec_of(b, d);
	for (j = 0; r != 0 && j < PFS_BL_COUNT; j++) {
	    r->n[j] = (uint64_t) json_integer_value(
			      json_object_get(json_object_get(v, "counts"), pfs_bl_name[j]));
	    for (h = 0; h < 24; h++)
		r->hour[j][h] = (uint64_t) json_integer_value(json_array_get(
			json_object_get(json_object_get(v, "hours"), pfs_bl_name[j]), h));
	}
    }
}

/* pfs_baseline_drop_after - forget the days after last (a future date) */

int     pfs_baseline_drop_after(PFS_BASELINE *b, int64_t last)
{
    int64_t newest = INT64_MIN;
    int     dropped = 0;
    size_t  i;

    if (b->today == INT64_MIN || b->today <= last)
	return (0);
    for (i = 0; i < PFS_BL_HISTORY; i++) {
	if (b->ring[i].day == INT64_MIN)
	    continue;
	if (b->ring[i].day > last) {
	    b->ring[i].day = INT64_MIN;
	    dropped++;
	} else if (b->ring[i].day > newest) {
	    newest = b->ring[i].day;
	}
    }
    if (newest == INT64_MIN || b->first_day > last) {
	for (i = 0; i < PFS_BL_HISTORY; i++)
	    b->ring[i].day = INT64_MIN;
	b->today = b->first_day = INT64_MIN;
	b->cur_hour = 0;
    } else {
	b->today = newest;
	b->cur_hour = 23;
    }
    return (dropped);
}
