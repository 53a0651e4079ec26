/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_scans 3
 * SUMMARY
 *	one mail, one scan: verdicts of ClamAV and its front-ends paired
 * SYNOPSIS
 *	#include "pfs_scans.h"
 *
 *	PFS_SCANS *pfs_scans_create()
 *
 *	enum pfs_scan_result pfs_scans_verdict(scans, from, hdr, pid, key,
 *						virus, partner)
 *
 *	long	pfs_scans_amavis_pid(path)
 *
 *	void	pfs_scans_free(scans)
 * DESCRIPTION
 *	A mail that ClamAV scans is logged twice or more: clamd logs the
 *	object it scanned ("PATH: OK", "PATH: NAME FOUND"; with amavis the
 *	path is amavis's temporary directory, with clamav-milter it is
 *	"instream(ADDR@PORT)" or the file handed over), and the front-end
 *	that asked logs its own verdict: amavis once per mail,
 *	clamav-milter once per recipient. Counting each line would count
 *	one infected mail two or three times.
 *
 *	pfs_scans_verdict() says what a verdict line is:
 * .IP \(bu
 *	PFS_SCAN_REPEAT: clamav-milter's line for another recipient of a
 *	mail it reported already: the same queue ID (LogInfected Full,
 *	LogClean Full), or, in the basic format that has none, the same
 *	sender in the same second.
 * .IP \(bu
 *	PFS_SCAN_AGAIN: a clamd verdict and a front-end verdict (amavis or
 *	clamav-milter) of the same host, with the same outcome (both
 *	infected, or both not), no more than PFS_SCANS_WINDOW seconds of
 *	log time apart, are one mail: the second of the two is AGAIN, and
 *	*partner says who logged the first. A clamd path in an amavis
 *	directory ("amavis-STAMP-PID-...") names the amavis process: it
 *	pairs only with that process's verdict (amavis[PID]), never with
 *	clamav-milter. Each verdict pairs at most once, oldest first.
 * .IP \(bu
 *	PFS_SCAN_NEW: anything else.
 * .PP
 *	The last PFS_SCANS_KEEP verdicts are remembered; older ones cannot
 *	pair any more.
 *
 *	Known limits: clamd logs each infected file, so a mail with two
 *	infected attachments scanned through amavis is two clamd verdicts
 *	(one pairs with amavis, the other counts on its own). A front-end
 *	that logs nothing (clamav-milter with LogInfected Off, the default)
 *	leaves clamd's lines unpaired, which is right: they are then the
 *	only report of the mail.
 * SECURITY
 *	Keys and hosts are hashed, not kept; lines are untrusted and only
 *	compared.
 *--*/

#include <stdlib.h>
#include <string.h>

#include "pfs_scans.h"
#include "pfs_util.h"

struct seen {
    uint64_t host;			/* hash of the host */
    uint64_t key;			/* hash of the key, 0: none */
    int64_t t;				/* seconds, log time */
    long    pid;			/* amavis process, or -1 */
    unsigned char from;			/* enum pfs_scan_from */
    unsigned char virus;
    unsigned char paired;
    unsigned char used;
};

struct PFS_SCANS {
    struct seen ring[PFS_SCANS_KEEP];
    size_t  next;			/* the oldest, overwritten next */
};

/* hash - FNV-1a, 64 bits */

static uint64_t hash(const char *p, size_t len)
{
    uint64_t h = 14695981039346656037ull;

    while (len-- > 0)
	h = (h ^ (unsigned char) *p++) * 1099511628211ull;
    return (h ? h : 1);
}

/* seconds - a line's time as seconds, monotonic within a year */

static int64_t seconds(const struct pfs_time *t)
{
    int64_t days = (int64_t) t->year * 400 + t->mon * 31 + t->mday;

    return (((days * 24 + t->hour) * 60 + t->min) * 60 + t->sec);
}

/* pfs_scans_create - nothing seen */

PFS_SCANS *pfs_scans_create(void)
{
    return (pfs_calloc(1, sizeof(PFS_SCANS)));
}

/* pfs_scans_free - release */

void    pfs_scans_free(PFS_SCANS *s)
{
    free(s);
}

/* pfs_scans_amavis_pid - the amavis process of a clamd path, or -1 */

long    pfs_scans_amavis_pid(struct pfs_str path)
{
    static const char dir[] = "/amavis-";
    const char *p = path.ptr;
    const char *end = path.ptr + path.len;
    long    pid = 0;
    int     digits = 0;

    for (; p + sizeof(dir) - 1 <= end; p++)
	if (memcmp(p, dir, sizeof(dir) - 1) == 0)
	    break;
    if (p + sizeof(dir) - 1 > end)
	return (-1);
    /* amavis-STAMP-PID-: skip the time stamp. */
    for (p += sizeof(dir) - 1; p < end && *p != '-' && *p != '/'; p++)
	 /* void */ ;
    if (p >= end || *p != '-')
	return (-1);
    for (p++; p < end && *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
	pid = pid * 10 + (*p - '0');
    return (digits > 0 && (p == end || *p == '-' || *p == '/') ? pid : -1);
}

/* pairs - may a new verdict pair with one seen before */

static int pairs(const struct seen *e, enum pfs_scan_from from, long pid)
{
    if (from == PFS_SCAN_CLAMD) {
	if (e->from == PFS_SCAN_CLAMD)
	    return (0);
	return (pid < 0 || (e->from == PFS_SCAN_AMAVIS && e->pid == pid));
    }
    if (e->from != PFS_SCAN_CLAMD)
	return (0);
    return (e->pid < 0 || (from == PFS_SCAN_AMAVIS && pid == e->pid));
}

/* pfs_scans_verdict - new mail, another scanner's mail, or a repeat */

enum pfs_scan_result pfs_scans_verdict(PFS_SCANS *s, enum pfs_scan_from from,
				          const struct pfs_syslog *hdr, long pid,
				               struct pfs_str key, int virus,
				               enum pfs_scan_from *partner)
{
    uint64_t h = hash(hdr->host.ptr, hdr->host.len);
    uint64_t k = key.len ? hash(key.ptr, key.len) : 0;
    int64_t t = seconds(&hdr->time);
    struct seen *e, *match = 0;
    size_t  i;

    for (i = 0; i < PFS_SCANS_KEEP; i++) {
	/* Oldest first: the ring's next slot is its oldest. */
	e = s->ring + (s->next + i) % PFS_SCANS_KEEP;
	if (!e->used || e->host != h || t - e->t > PFS_SCANS_WINDOW
	    || e->t - t > PFS_SCANS_WINDOW)
	    continue;
	if (from == PFS_SCAN_MILTER && e->from == PFS_SCAN_MILTER && k != 0 && e->key == k)
	    return (PFS_SCAN_REPEAT);
	if (match == 0 && !e->paired && e->virus == (virus != 0) && pairs(e, from, pid))
	    match = e;
    }
    if (match != 0) {
	match->paired = 1;
	if (partner)
	    *partner = (enum pfs_scan_from) match->from;
    }
    /* The oldest slot takes the new verdict (it may be the match itself). */
    e = s->ring + s->next;
    s->next = (s->next + 1) % PFS_SCANS_KEEP;
    e->used = 1;
    e->host = h;
    e->key = k;
    e->t = t;
    e->pid = pid;
    e->from = (unsigned char) from;
    e->virus = virus != 0;
    e->paired = match != 0;
    return (match != 0 ? PFS_SCAN_AGAIN : PFS_SCAN_NEW);
}
