/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_FILTERHEALTH_H
#define PFS_FILTERHEALTH_H

/*++
 * NAME
 *	pfs_filterhealth 3h
 * SUMMARY
 *	spam and virus share of scanned mail over the last hour
 * SYNOPSIS
 *	#include "pfs_filterhealth.h"
 * DESCRIPTION
 *	See pfs_filterhealth.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pfs_logtime.h"

#define PFS_FH_MINUTES		60	/* window, one bucket per minute */
#define PFS_DEF_FH_MIN_SCANNED	20

enum pfs_fh_kind { PFS_FH_SPAM, PFS_FH_VIRUS, PFS_FH_KINDS };
enum pfs_fh_verdict { PFS_FHV_CLEAN, PFS_FHV_SPAM, PFS_FHV_VIRUS, PFS_FHV_OTHER };
enum pfs_fh_state { PFS_FHS_OK, PFS_FHS_LOW, PFS_FHS_HIGH };

extern const char *const pfs_fh_kind_name[PFS_FH_KINDS];
extern const char *const pfs_fh_state_name[3];

/* Thresholds in percent: low 0 and high 100 mean no threshold (high 0: any). */
struct pfs_fh_opts {
    unsigned low[PFS_FH_KINDS];
    unsigned high[PFS_FH_KINDS];
    unsigned min_scanned;		/* fewer: no check; 0 = default */
};

struct pfs_fh_info {
    uint64_t scanned;			/* verdicts in the window */
    uint64_t count[PFS_FH_KINDS];	/* spam, virus among them */
    unsigned permille[PFS_FH_KINDS];	/* share, 0..1000; 0 when nothing scanned */
    enum pfs_fh_state state[PFS_FH_KINDS];	/* as of the last finished minute */
    int64_t end_minute;			/* newest minute (day * 1440 + minute), or INT64_MIN */
};

/* A threshold crossed, either way. */
struct pfs_fh_alarm {
    enum pfs_fh_kind kind;
    enum pfs_fh_state state;		/* the new state */
    enum pfs_fh_state was;
    unsigned permille;
    unsigned threshold;			/* percent crossed (of the new or old state) */
    uint64_t scanned;
    int64_t minute;			/* the last minute of the window checked */
};

typedef struct PFS_FILTERHEALTH PFS_FILTERHEALTH;
typedef void (*PFS_FH_ALARM_FN) (const struct pfs_fh_alarm *, void *ctx);

extern PFS_FILTERHEALTH *pfs_filterhealth_create(const struct pfs_fh_opts *);
extern void pfs_filterhealth_free(PFS_FILTERHEALTH *);
extern void pfs_filterhealth_set_callback(PFS_FILTERHEALTH *, PFS_FH_ALARM_FN, void *);
extern void pfs_filterhealth_advance(PFS_FILTERHEALTH *, const struct pfs_logtime *);
extern void pfs_filterhealth_add(PFS_FILTERHEALTH *, enum pfs_fh_verdict,
				         const struct pfs_logtime *);
/* Another scanner's verdict on a mail counted already: only spam adds. */
extern void pfs_filterhealth_again(PFS_FILTERHEALTH *, enum pfs_fh_verdict,
				           const struct pfs_logtime *);
extern void pfs_filterhealth_info(const PFS_FILTERHEALTH *, struct pfs_fh_info *);
extern uint64_t pfs_filterhealth_late_dropped(const PFS_FILTERHEALTH *);

extern json_t *pfs_filterhealth_save(const PFS_FILTERHEALTH *);
extern int pfs_filterhealth_check(const json_t *, char *err, size_t errlen);
extern void pfs_filterhealth_load(PFS_FILTERHEALTH *, const json_t *);

/* Forget minutes after a minute (a saved future date); returns those dropped. */
extern int pfs_filterhealth_drop_after(PFS_FILTERHEALTH *, int64_t minute);

#endif
