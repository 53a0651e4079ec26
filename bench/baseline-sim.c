/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	baseline-sim 1
 * SUMMARY
 *	false alarms of the traffic checks on simulated normal days
 * SYNOPSIS
 *	baseline-sim DAYS SCALE SEED DISPERSION SIGMA
 * DESCRIPTION
 *	Feeds pfs_baseline(3) DAYS days of normal traffic from Tuesday
 *	2026-12-01 and counts what its checks report: hourly anomalies
 *	raised and cleared, and day anomalies. Nothing in the traffic is
 *	abnormal, so every report is a false alarm.
 *
 *	The traffic: received follows a working day's shape (0.1 to 3
 *	times SCALE mails an hour, quiet at night), weekends at 20 %; sent
 *	is 1.2 times received, relayed 0.6 times, rejected 0.3 times SCALE
 *	every hour, deferred 0.05 and bounced 0.02 times SCALE. Counts are
 *	Poisson; each day as a whole is up to DISPERSION (0.1: 10 %) busier
 *	or quieter. SIGMA is baseline_sigma; the rest are the defaults.
 *
 *	bench/baseline-sim.sh builds it and runs a grid.
 *--*/

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pfs_baseline.h"

static int raised, cleared, days;

/* count - PFS_ANOMALY_FN */

static void count(const struct pfs_anomaly *an, void *ctx)
{
    (void) ctx;
    if (an->hour < 0)
	days++;
    else if (an->cleared)
	cleared++;
    else
	raised++;
}

/* urand - uniform in (0, 1) */

static double urand(void)
{
    return ((rand() + 0.5) / ((double) RAND_MAX + 1));
}

/* poisson - a Poisson count (normal approximation above 50) */

static int poisson(double l)
{
    double  lim, p = 1, z;
    int     k = 0;

    if (l <= 0)
	return (0);
    if (l > 50) {
	z = sqrt(-2 * log(urand())) * cos(2 * M_PI * urand());
	k = (int) floor(l + sqrt(l) * z + 0.5);
	return (k < 0 ? 0 : k);
    }
    lim = exp(-l);
    do {
	k++;
	p *= urand();
    } while (p > lim);
    return (k - 1);
}

int     main(int argc, char **argv)
{
    static const double shape[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3, 3,
    2.5, 2.5, 3, 3, 2.5, 2, 1.2, 0.8, 0.6, 0.5, 0.3, 0.2};
    struct pfs_baseline_opts o = {0};
    struct pfs_logtime w;
    PFS_BASELINE *b;
    double  scale, disp, f, base, rate[PFS_BL_COUNT];
    int     ndays, d, h, i, k, n;
    int64_t day0 = 20788;			/* 2026-12-01, a Tuesday */

    if (argc != 6) {
	fprintf(stderr, "usage: baseline-sim DAYS SCALE SEED DISPERSION SIGMA\n");
	return (2);
    }
    ndays = atoi(argv[1]);
    scale = atof(argv[2]);
    srand((unsigned) atoi(argv[3]));
    disp = atof(argv[4]);
    o.sigma = (unsigned) atoi(argv[5]);
    o.hourly = 1;
    b = pfs_baseline_create(&o);
    pfs_baseline_set_callback(b, count, 0);
    for (d = 0; d < ndays; d++) {
	f = 1 + disp * (2 * urand() - 1);
	for (h = 0; h < 24; h++) {
	    base = scale * shape[h] * (pfs_day_is_weekday(day0 + d) ? 1 : 0.2) * f;
	    rate[PFS_BL_RECEIVED] = base;
	    rate[PFS_BL_SENT] = 1.2 * base;
	    rate[PFS_BL_RELAYED] = 0.6 * base;
	    rate[PFS_BL_REJECTED] = 0.3 * scale * f;
	    rate[PFS_BL_DEFERRED] = 0.05 * scale;
	    rate[PFS_BL_BOUNCED] = 0.02 * scale;
	    for (i = 0; i < PFS_BL_COUNT; i++) {
		n = poisson(rate[i]);
		for (k = 0; k < n; k++) {
		    w.day = day0 + d;
		    w.sec = h * 3600 + (k * 3600) / (n + 1);
		    w.epoch = w.day * 86400 + w.sec;
		    pfs_baseline_add(b, (enum pfs_bl_ind) i, &w);
		}
	    }
	}
    }
    printf("%d days, scale %g, dispersion %g, sigma %s: hourly raised %d, "
	   "cleared %d; days %d\n", ndays, scale, disp, argv[5], raised, cleared, days);
    pfs_baseline_free(b);
    return (0);
}
