/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_LOGTIME_H
#define PFS_LOGTIME_H

/*++
 * NAME
 *	pfs_logtime 3h
 * SUMMARY
 *	a log line's time as day number, second of day and epoch
 * SYNOPSIS
 *	#include "pfs_logtime.h"
 * DESCRIPTION
 *	See pfs_logtime.c.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pfs_syslog.h"

/* When a line happened, by the line's own clock. */
struct pfs_logtime {
    int64_t day;			/* days since 1970-01-01 of the written date */
    int32_t sec;			/* second of that day, 0..86399 */
    int64_t epoch;			/* seconds since the epoch, UTC */
};

/* Cache of the local time zone's offset, owned by the caller. */
struct pfs_logtime_cache {
    int64_t hour_key;			/* day * 24 + hour, or INT64_MIN */
    int64_t offset;			/* local minus UTC, seconds */
    time_t  now_key;			/* wall clock minute cached */
    int64_t today;			/* local day number of now_key */
};

extern void pfs_logtime_cache_init(struct pfs_logtime_cache *);
extern int pfs_logtime_resolve(const struct pfs_time *, time_t now,
			            struct pfs_logtime_cache *, struct pfs_logtime *);

/* Calendar arithmetic on day numbers. */
extern int64_t pfs_day_from_date(int year, int mon, int mday);
extern void pfs_date_from_day(int64_t day, int *year, int *mon, int *mday);
extern int pfs_day_wday(int64_t day);	/* 0 = Sunday .. 6 = Saturday */
extern int pfs_day_format(int64_t day, char *buf, size_t len);	/* YYYY-MM-DD */
extern int pfs_day_parse(const char *s, int64_t *day);

#define pfs_day_is_weekday(d)	(pfs_day_wday(d) >= 1 && pfs_day_wday(d) <= 5)
#define pfs_logtime_minute(w)	((w)->day * 1440 + (w)->sec / 60)

#endif
