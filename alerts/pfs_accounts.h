/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef PFS_ACCOUNTS_H
#define PFS_ACCOUNTS_H

/*++
 * NAME
 *	pfs_accounts 3h
 * SUMMARY
 *	mail relayed outside per sending account, today, against a limit
 * SYNOPSIS
 *	#include "pfs_accounts.h"
 * DESCRIPTION
 *	See pfs_accounts.c.
 *--*/

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pfs_qtable.h"
#include "pfs_logtime.h"

#define PFS_DEF_ACCOUNT_CAP	10000
#define PFS_DEF_ACCOUNT_LIMIT	100
#define PFS_SENDER_MAX		127	/* longest last sender kept */

/* What the daily limit counts. */
enum pfs_limit_unit {
    PFS_LIMIT_RECIPIENTS,		/* recipients relayed outside (default) */
    PFS_LIMIT_MESSAGES,			/* messages relayed outside */
};
extern const char *const pfs_limit_unit_name[2];

/* One account as a reader sees it: counts are today's, else zero. */
struct pfs_account_info {
    const char *name;
    uint64_t received;			/* messages submitted today */
    uint64_t msgs_out;			/* messages relayed outside today */
    uint64_t rcpts_out;			/* recipients relayed outside today */
    uint64_t limit;			/* daily limit on rcpts_out */
    int64_t last_seen;			/* epoch of the last line, UTC */
    int     exceeded;			/* over the limit today */
    int64_t day;			/* the day of the counts, INT64_MIN: none */
    const char *last_sender;		/* envelope sender of the newest message */
    enum pfs_limit_unit unit;		/* what the limit counts */
};

typedef struct PFS_ACCOUNTS PFS_ACCOUNTS;

/* Called once per account and day when the count goes over the limit. */
typedef void (*PFS_ACCOUNT_LIMIT_FN) (const struct pfs_account_info *, void *ctx);

extern PFS_ACCOUNTS *pfs_accounts_create(size_t cap, uint64_t limit);
extern void pfs_accounts_free(PFS_ACCOUNTS *);
extern void pfs_accounts_set_limit(PFS_ACCOUNTS *, const char *name, uint64_t limit);
extern void pfs_accounts_set_default_limit(PFS_ACCOUNTS *, uint64_t limit);
extern void pfs_accounts_clear_limits(PFS_ACCOUNTS *);	/* every override */
/* Default and "NAME=N" overrides, replacing all; returns entries refused. */
extern size_t pfs_accounts_apply_limits(PFS_ACCOUNTS *, uint64_t limit,
			             const char *const *specs, size_t n,
				             const char **first_bad);
extern void pfs_accounts_set_callback(PFS_ACCOUNTS *, PFS_ACCOUNT_LIMIT_FN, void *);
extern void pfs_accounts_set_unit(PFS_ACCOUNTS *, enum pfs_limit_unit);
extern enum pfs_limit_unit pfs_accounts_unit(const PFS_ACCOUNTS *);

/* A message submitted by the account (qmgr took it); sender may be NULL. */
extern void pfs_accounts_received(PFS_ACCOUNTS *, const char *name, size_t len,
				          const char *sender, size_t slen,
				          const struct pfs_logtime *);

/* One recipient of message msgid relayed outside. */
extern void pfs_accounts_relayed(PFS_ACCOUNTS *, const char *name, size_t len,
				         const char *msgid, size_t idlen,
				         const struct pfs_logtime *);

/* Readers: slots 0..pfs_accounts_slots()-1, some empty. */
extern size_t pfs_accounts_slots(const PFS_ACCOUNTS *);
extern size_t pfs_accounts_count(const PFS_ACCOUNTS *);
extern int pfs_accounts_info(const PFS_ACCOUNTS *, size_t slot, struct pfs_account_info *);
extern int pfs_accounts_lookup(const PFS_ACCOUNTS *, const char *name, size_t len,
			               struct pfs_account_info *);
extern uint64_t pfs_accounts_evictions(const PFS_ACCOUNTS *);
extern uint64_t pfs_accounts_default_limit(const PFS_ACCOUNTS *);
extern int64_t pfs_accounts_today(const PFS_ACCOUNTS *);

/* Saved state: today's rows; load checks everything before it changes anything. */
extern json_t *pfs_accounts_save(const PFS_ACCOUNTS *);
extern int pfs_accounts_check(const json_t *, char *err, size_t errlen);
extern void pfs_accounts_load(PFS_ACCOUNTS *, const json_t *);

/* Forget days after day and last-seen after epoch (a saved future date). */
extern size_t pfs_accounts_drop_after(PFS_ACCOUNTS *, int64_t day, int64_t epoch);

#endif
