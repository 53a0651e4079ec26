/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_BASELINE_H
#define PFS_BASELINE_H

/*++
 * NAME
 *	pfs_baseline 3h
 * SUMMARY
 *	daily traffic history, means, deviations and anomaly checks
 * SYNOPSIS
 *	#include "pfs_baseline.h"
 * DESCRIPTION
 *	See pfs_baseline.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pfs_logtime.h"

/* Indicators; the order is the index of the MIB's baseline table. */
enum pfs_bl_ind {
    PFS_BL_RECEIVED, PFS_BL_SENT, PFS_BL_RELAYED, PFS_BL_REJECTED,
    PFS_BL_DEFERRED, PFS_BL_BOUNCED, PFS_BL_COUNT
};
extern const char *const pfs_bl_name[PFS_BL_COUNT];

/* The baselines a day is compared with; the order is the MIB's. */
enum pfs_bl_base {
    PFS_BLB_ALL,			/* every complete day */
    PFS_BLB_WEEKDAYS,			/* Monday to Friday */
    PFS_BLB_WEEKEND,			/* Saturday and Sunday */
    PFS_BLB_COUNT
};
extern const char *const pfs_bl_base_name[PFS_BLB_COUNT];

#define PFS_BL_HISTORY		42	/* days kept, today included */
#define PFS_BL_MAX_DAYS		31	/* longest window */
#define PFS_DEF_BL_DAYS		15
#define PFS_DEF_BL_SIGMA	3
#define PFS_DEF_BL_MIN_DAYS	7
#define PFS_DEF_BL_HOURLY_MIN	10	/* hours with fewer events are not checked */
#define PFS_BL_HOURLY_P		1e-6	/* Poisson tail an hour must fall beyond */

struct pfs_baseline_opts {
    unsigned days;			/* window N; 0 = default */
    unsigned sigma;			/* k; 0 = default */
    unsigned min_days;			/* fewer complete days: no check; 0 = default */
    int     hourly;			/* check each finished hour too */
    unsigned hourly_min;		/* volume an hour check needs; 0 = default */
};

/* What a reader sees of one indicator. */
struct pfs_baseline_info {
    uint64_t today;			/* so far */
    uint64_t yesterday;
    int     have_yesterday;		/* yesterday is a complete day */
    unsigned ndays;			/* complete days in the window */
    double  mean, sd;			/* over them (sample SD) */
    unsigned nweekdays;			/* of which Monday to Friday */
    double  wd_mean, wd_sd;
    unsigned nweekend;			/* of which Saturday or Sunday */
    double  we_mean, we_sd;
    int     have_dev;			/* yesterday could be compared */
    double  dev;			/* (yesterday - its mean) / its SD used */
    int     have_class_dev;		/* ... with the days of its class */
    enum pfs_bl_base yesterday_class;	/* PFS_BLB_WEEKDAYS or PFS_BLB_WEEKEND */
    double  class_dev;
    int     last_hour;			/* last finished hour of today, or -1 */
    uint64_t hour_value;
    double  hour_mean, hour_sd;		/* same hour, complete days in window */
};

/* A finished day or hour that departs from its baseline, or an hourly one that ended. */
struct pfs_anomaly {
    enum pfs_bl_ind ind;
    int64_t day;
    int     hour;			/* 0..23, or -1 for the whole day */
    uint64_t value;
    double  mean;
    double  sd;				/* the deviation used (floored, see .c) */
    double  dev;			/* (value - mean) / sd */
    unsigned ndays;			/* days the mean is made of */
    enum pfs_bl_base base;		/* the baseline that decided */
    int     cleared;			/* hourly: the anomaly is over */
};

typedef struct PFS_BASELINE PFS_BASELINE;
typedef void (*PFS_ANOMALY_FN) (const struct pfs_anomaly *, void *ctx);

extern PFS_BASELINE *pfs_baseline_create(const struct pfs_baseline_opts *);
extern void pfs_baseline_free(PFS_BASELINE *);
extern void pfs_baseline_set_callback(PFS_BASELINE *, PFS_ANOMALY_FN, void *);

/* Time moves on (any line); closes hours and days. */
extern void pfs_baseline_advance(PFS_BASELINE *, const struct pfs_logtime *);

/* One event of an indicator at a time (advances first). */
extern void pfs_baseline_add(PFS_BASELINE *, enum pfs_bl_ind, const struct pfs_logtime *);

extern void pfs_baseline_info(const PFS_BASELINE *, enum pfs_bl_ind, struct pfs_baseline_info *);
extern int64_t pfs_baseline_today(const PFS_BASELINE *);	/* INT64_MIN before any line */
extern int64_t pfs_baseline_first_day(const PFS_BASELINE *);
extern uint64_t pfs_baseline_late_dropped(const PFS_BASELINE *);

/* One day of history; -1 if outside the history or before the first day. */
extern int pfs_baseline_day(const PFS_BASELINE *, int64_t day, uint64_t counts[PFS_BL_COUNT]);

/* Saved state; load checks everything before it changes anything. */
extern json_t *pfs_baseline_save(const PFS_BASELINE *);
extern int pfs_baseline_check(const json_t *, char *err, size_t errlen);
extern void pfs_baseline_load(PFS_BASELINE *, const json_t *);

/* Forget days after a day (a saved future date); returns days dropped. */
extern int pfs_baseline_drop_after(PFS_BASELINE *, int64_t day);

#endif
