/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_QUEUEALERT_H
#define PFS_QUEUEALERT_H

/*++
 * NAME
 *	pfs_queuealert 3h
 * SUMMARY
 *	thresholds on each mail queue's size and oldest age
 * SYNOPSIS
 *	#include "pfs_queuealert.h"
 * DESCRIPTION
 *	See pfs_queuealert.c.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "pfs_notify.h"
#include "pfs_queue.h"

enum pfs_qa_measure { PFS_QA_MESSAGES, PFS_QA_AGE, PFS_QA_MEASURES };
extern const char *const pfs_qa_measure_name[PFS_QA_MEASURES];

#define PFS_QA_OFF	(-1)		/* no threshold */

/* Thresholds: more than this many messages, or an oldest message older. */
struct pfs_qa_opts {
    int64_t limit[PFS_Q_COUNT][PFS_QA_MEASURES];	/* PFS_QA_OFF: none */
};

/* The defaults: any corrupt message; incoming and maildrop older than 1 h. */
extern void pfs_qa_defaults(struct pfs_qa_opts *);

typedef struct PFS_QUEUEALERT PFS_QUEUEALERT;

extern PFS_QUEUEALERT *pfs_queuealert_create(const struct pfs_qa_opts *, PFS_NOTIFY *);
extern void pfs_queuealert_free(PFS_QUEUEALERT *);

/* A read of the queue finished: compare, notify crossings. */
extern void pfs_queuealert_check(PFS_QUEUEALERT *, const PFS_QUEUE *, time_t now);

/* Whether a queue's measure is over its threshold (as of the last good read). */
extern int pfs_queuealert_over(const PFS_QUEUEALERT *, enum pfs_queue_id, enum pfs_qa_measure);

extern json_t *pfs_queuealert_save(const PFS_QUEUEALERT *);
extern int pfs_queuealert_check_json(const json_t *, char *err, size_t errlen);
extern void pfs_queuealert_load(PFS_QUEUEALERT *, const json_t *);

#endif
