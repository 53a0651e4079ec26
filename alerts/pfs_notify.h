/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_NOTIFY_H
#define PFS_NOTIFY_H

/*++
 * NAME
 *	pfs_notify 3h
 * SUMMARY
 *	notifications waiting to be handed to snmpd, in a bounded queue
 * SYNOPSIS
 *	#include "pfs_notify.h"
 * DESCRIPTION
 *	See pfs_notify.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pfs_qtable.h"

/* What a notification is about; each is one NOTIFICATION-TYPE of the MIB. */
enum pfs_note_kind {
    PFS_NOTE_ACCOUNT = 1,		/* postfixAccountLimitExceeded */
    PFS_NOTE_ANOMALY,			/* postfixTrafficAnomaly */
    PFS_NOTE_FILTER,			/* postfixFilterHealth */
    PFS_NOTE_QUEUE,			/* postfixQueueThreshold */
    PFS_NOTE_KINDS
};
extern const char *const pfs_note_kind_name[PFS_NOTE_KINDS];

/*
 * The values a notification carries. The number is the sub-identifier
 * of the MIB's pfsNotifyObjects; PFS_NF_ACCOUNT and PFS_NF_DAY are text,
 * the others numbers.
 */
enum pfs_note_field {
    PFS_NF_ACCOUNT = 1,			/* account name */
    PFS_NF_COUNT,			/* the account's count that day */
    PFS_NF_LIMIT,			/* a limit or threshold */
    PFS_NF_INDICATOR,			/* PfsIndicator: enum pfs_bl_ind + 1 */
    PFS_NF_VALUE,			/* a day's, hour's or queue's value */
    PFS_NF_MEAN,			/* hundredths */
    PFS_NF_DEVIATION,			/* hundredths */
    PFS_NF_DAY,				/* YYYY-MM-DD the event is about */
    PFS_NF_HOUR,			/* 0..23, -1 for the whole day */
    PFS_NF_FILTER_KIND,			/* spam 1, virus 2 */
    PFS_NF_FILTER_STATE,		/* ok 1, low 2, high 3 */
    PFS_NF_SHARE,			/* per mille */
    PFS_NF_SCANNED,
    PFS_NF_BASELINE,			/* all days 1, weekdays 2, weekend days 3 */
    PFS_NF_PHASE,			/* raised 1, cleared 2 */
    PFS_NF_QUEUE,			/* enum pfs_queue_id + 1 */
    PFS_NF_MEASURE,			/* messages 1, oldest age 2 */
    PFS_NF_UNIT,			/* recipients 1, messages 2 */
    PFS_NF_END
};
extern const char *const pfs_note_field_name[PFS_NF_END];

#define PFS_NOTE_DAY_MAX	10	/* YYYY-MM-DD */

struct pfs_note {
    enum pfs_note_kind kind;
    uint32_t have;			/* bit 1 << field: value present */
    int64_t v[PFS_NF_END];
    char    account[PFS_ACCOUNT_MAX + 1];
    char    day[PFS_NOTE_DAY_MAX + 1];
};

#define PFS_DEF_NOTIFY_QUEUE	1000

typedef struct PFS_NOTIFY PFS_NOTIFY;
typedef void (*PFS_NOTIFY_FN) (void *ctx);

/* Building one. */
extern void pfs_note_init(struct pfs_note *, enum pfs_note_kind);
extern void pfs_note_set(struct pfs_note *, enum pfs_note_field, int64_t);
extern void pfs_note_set_text(struct pfs_note *, enum pfs_note_field, const char *);
extern void pfs_note_set_day(struct pfs_note *, int64_t day);
extern int pfs_note_has(const struct pfs_note *, enum pfs_note_field);
extern int64_t pfs_note_hundredths(double);

extern PFS_NOTIFY *pfs_notify_create(size_t cap);
extern void pfs_notify_free(PFS_NOTIFY *);
extern void pfs_notify_set_hook(PFS_NOTIFY *, PFS_NOTIFY_FN added, void *ctx);

/* A new notification; when the queue is full the oldest makes room. */
extern void pfs_notify_push(PFS_NOTIFY *, const struct pfs_note *);

/* The sender: the oldest not handed out yet (NULL: none), and its fate. */
extern const struct pfs_note *pfs_notify_next(PFS_NOTIFY *, uint64_t *token);
extern void pfs_notify_done(PFS_NOTIFY *, uint64_t token);
extern void pfs_notify_retry(PFS_NOTIFY *, uint64_t token);
extern void pfs_notify_retry_all(PFS_NOTIFY *);

extern size_t pfs_notify_queued(const PFS_NOTIFY *);	/* in flight included */
extern size_t pfs_notify_in_flight(const PFS_NOTIFY *);
extern uint64_t pfs_notify_dropped(const PFS_NOTIFY *);
extern uint64_t pfs_notify_pushed(const PFS_NOTIFY *);
extern const struct pfs_note *pfs_notify_peek(const PFS_NOTIFY *, size_t i);

/* Saved state: what is still queued, in order; load adds to the queue. */
extern json_t *pfs_notify_save(const PFS_NOTIFY *);
extern int pfs_notify_check(const json_t *, char *err, size_t errlen);
extern void pfs_notify_load(PFS_NOTIFY *, const json_t *);

#endif
