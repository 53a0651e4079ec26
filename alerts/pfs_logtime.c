/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_logtime 3
 * SUMMARY
 *	a log line's time as day number, second of day and epoch
 * SYNOPSIS
 *	#include "pfs_logtime.h"
 *
 *	void	pfs_logtime_cache_init(cache)
 *
 *	int	pfs_logtime_resolve(time, now, cache, when)
 *
 *	int64_t pfs_day_from_date(year, mon, mday)
 *
 *	void	pfs_date_from_day(day, year, mon, mday)
 *
 *	int	pfs_day_wday(day)
 *
 *	int	pfs_day_format(day, buf, len)
 *
 *	int	pfs_day_parse(str, day)
 * DESCRIPTION
 *	Daily and hourly figures (baselines, per-account limits, the filter
 *	window) follow the log's own clock, not the agent's: a day ends when
 *	a line of the next day arrives, and reading a week of old log at
 *	start-up fills a week of history.
 *
 *	pfs_logtime_resolve() turns the time a line carries into a struct
 *	pfs_logtime. The day is the date as written, in the writer's local
 *	time: that is where the mail admin's day ends. The epoch second
 *	uses the line's UTC offset (RFC 3339), else the agent's time zone.
 *
 *	RFC 3164 lines have no year. It is taken from the wall clock now,
 *	and the year before when that would put the line more than one day
 *	in the future: on January 1st a line of December 31st belongs to
 *	the old year.
 *
 *	pfs_day_from_date() and pfs_date_from_day() convert between the
 *	proleptic Gregorian calendar and days since 1970-01-01 (H. Hinnant's
 *	algorithms); pfs_day_format() and pfs_day_parse() use YYYY-MM-DD.
 * DIAGNOSTICS
 *	pfs_logtime_resolve() returns -1 when a field is out of range;
 *	pfs_day_parse() returns -1 for anything but a valid YYYY-MM-DD.
 *--*/

#include <stdio.h>
#include <string.h>

#include "pfs_logtime.h"

/* pfs_day_from_date - days since 1970-01-01 */

int64_t pfs_day_from_date(int year, int mon, int mday)
{
    int64_t y = (int64_t) year - (mon <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + mday - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (era * 146097 + doe - 719468);
}

/* pfs_date_from_day - the inverse */

void    pfs_date_from_day(int64_t day, int *year, int *mon, int *mday)
{
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    *year = (int) (yoe + era * 400 + (m <= 2));
    *mon = (int) m;
    *mday = (int) d;
}

/* pfs_day_wday - 0 = Sunday; 1970-01-01 was a Thursday */

int     pfs_day_wday(int64_t day)
{
    return ((int) (((day % 7) + 7 + 4) % 7));
}

/* pfs_day_format - YYYY-MM-DD */

int     pfs_day_format(int64_t day, char *buf, size_t len)
{
    int     y, m, d;

    pfs_date_from_day(day, &y, &m, &d);
    return (snprintf(buf, len, "%04d-%02d-%02d", y, m, d));
}

/* pfs_day_parse - YYYY-MM-DD to a day number */

int     pfs_day_parse(const char *s, int64_t *day)
{
    int     y, m, d, n = 0;
    int     yy, mm, dd;

    if (s == 0 || strlen(s) != 10
	|| sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10
	|| m < 1 || m > 12 || d < 1 || d > 31)
	return (-1);
    *day = pfs_day_from_date(y, m, d);
    pfs_date_from_day(*day, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
	return (-1);				/* February 30th and the like */
    return (0);
}

/* pfs_logtime_cache_init - nothing cached yet */

void    pfs_logtime_cache_init(struct pfs_logtime_cache *c)
{
    c->hour_key = INT64_MIN;
    c->offset = 0;
    c->now_key = (time_t) -1;
    c->today = 0;
}

/* local_today - the local day number of the wall clock, cached per minute */

static int64_t local_today(time_t now, struct pfs_logtime_cache *c)
{
    struct tm tm;

    if (c->now_key != (time_t) -1 && now / 60 == c->now_key)
	return (c->today);
    if (localtime_r(&now, &tm) == 0)
	return (c->today);
    c->now_key = now / 60;
    c->today = pfs_day_from_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return (c->today);
}

/* local_offset - local minus UTC at a local day and hour, cached per hour */

static int64_t local_offset(int64_t day, int hour, struct pfs_logtime_cache *c)
{
    int64_t key = day * 24 + hour;
    struct tm tm;
    time_t  t;
    int     y, m, d;

    if (key == c->hour_key)
	return (c->offset);
    pfs_date_from_day(day, &y, &m, &d);
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = hour;
    tm.tm_min = 30;
    tm.tm_isdst = -1;
    if ((t = mktime(&tm)) == (time_t) -1)
	return (c->offset);
    c->hour_key = key;
    c->offset = (day * 86400 + hour * 3600 + 1800) - (int64_t) t;
    return (c->offset);
}

/* pfs_logtime_resolve - a line's time as day, second and epoch */

int     pfs_logtime_resolve(const struct pfs_time *t, time_t now,
			         struct pfs_logtime_cache *c, struct pfs_logtime *w)
{
    int64_t today;
    int     year = t->year;
    int     mon, mday;

    if (t->mon < 1 || t->mon > 12 || t->mday < 1 || t->mday > 31
	|| t->hour < 0 || t->hour > 23 || t->min < 0 || t->min > 59
	|| t->sec < 0 || t->sec > 60)
	return (-1);
    if (year == 0) {
	today = local_today(now, c);
	pfs_date_from_day(today, &year, &mon, &mday);
	if (pfs_day_from_date(year, t->mon, t->mday) > today + 1)
	    year--;
    }
    w->day = pfs_day_from_date(year, t->mon, t->mday);
    w->sec = t->hour * 3600 + t->min * 60 + (t->sec > 59 ? 59 : t->sec);
    if (t->has_tz)
	w->epoch = w->day * 86400 + w->sec - (int64_t) t->tz_min * 60;
    else
	w->epoch = w->day * 86400 + w->sec - local_offset(w->day, t->hour, c);
    return (0);
}
