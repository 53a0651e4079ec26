/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_queuealert 3
 * SUMMARY
 *	thresholds on each mail queue's size and oldest age
 * SYNOPSIS
 *	#include "pfs_queuealert.h"
 *
 *	void	pfs_qa_defaults(opts)
 *
 *	PFS_QUEUEALERT *pfs_queuealert_create(opts, notify)
 *
 *	void	pfs_queuealert_check(alert, queue, now)
 *
 *	int	pfs_queuealert_over(alert, queue_id, measure)
 *
 *	json_t	*pfs_queuealert_save(alert)
 *
 *	int	pfs_queuealert_check_json(json, err, errlen)
 *
 *	void	pfs_queuealert_load(alert, json)
 *
 *	void	pfs_queuealert_free(alert)
 * DESCRIPTION
 *	A queue that grows or ages is what a mail admin wants to hear of
 *	first. Each queue (pfs_queue(3): incoming, active, deferred, hold,
 *	maildrop, corrupt) may have two thresholds: on its message count and
 *	on the age of its oldest message, in seconds. A measure is over its
 *	threshold when it is strictly greater.
 *
 *	pfs_queuealert_check() runs after each finished read of the queue.
 *	For every queue whose numbers are current (status ok), a measure
 *	that goes over its threshold raises a postfixQueueThreshold note
 *	(pfs_notify(3)), and one that comes back to it or below clears it;
 *	a read that failed changes nothing (the state stays what the last
 *	good read said). The note carries the queue, the measure, the
 *	value, the threshold, and the day and hour of the read (local
 *	time).
 *
 *	pfs_qa_defaults() sets the thresholds that make sense on any
 *	system: a corrupt queue with any message in it, and an incoming or
 *	maildrop queue whose oldest message waits more than an hour (the
 *	queue manager or pickup is not taking mail). The size of the
 *	deferred queue, and the rest, depend on the site: no default.
 *
 *	The state (which measures are over) is part of the saved state, so
 *	that a restart does not raise again what was raised already.
 * DIAGNOSTICS
 *	Allocation failure is fatal. pfs_queuealert_check_json() returns -1
 *	with a sentence in err.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pfs_logtime.h"
#include "pfs_log.h"
#include "pfs_queuealert.h"
#include "pfs_util.h"

const char *const pfs_qa_measure_name[PFS_QA_MEASURES] = {"messages", "age"};

struct PFS_QUEUEALERT {
    struct pfs_qa_opts opts;
    PFS_NOTIFY *notify;
    int     over[PFS_Q_COUNT][PFS_QA_MEASURES];
};

/* pfs_qa_defaults - thresholds that fit any system */

void    pfs_qa_defaults(struct pfs_qa_opts *o)
{
    int     q, m;

    for (q = 0; q < PFS_Q_COUNT; q++)
	for (m = 0; m < PFS_QA_MEASURES; m++)
	    o->limit[q][m] = PFS_QA_OFF;
    o->limit[PFS_Q_CORRUPT][PFS_QA_MESSAGES] = 0;
    o->limit[PFS_Q_INCOMING][PFS_QA_AGE] = 3600;
    o->limit[PFS_Q_MAILDROP][PFS_QA_AGE] = 3600;
}

/* pfs_queuealert_create - nothing over yet */

PFS_QUEUEALERT *pfs_queuealert_create(const struct pfs_qa_opts *o, PFS_NOTIFY *notify)
{
    PFS_QUEUEALERT *qa = pfs_calloc(1, sizeof(*qa));

    if (o)
	qa->opts = *o;
    else
	pfs_qa_defaults(&qa->opts);
    qa->notify = notify;
    return (qa);
}

/* pfs_queuealert_free - release */

void    pfs_queuealert_free(PFS_QUEUEALERT *qa)
{
    free(qa);
}

/* note - one crossing, either way */

static void note(PFS_QUEUEALERT *qa, int q, int m, int over, uint64_t value, time_t when)
{
    struct pfs_note n;
    struct tm tm;

    pfs_note_init(&n, PFS_NOTE_QUEUE);
    pfs_note_set(&n, PFS_NF_QUEUE, q + 1);
    pfs_note_set(&n, PFS_NF_MEASURE, m + 1);
    pfs_note_set(&n, PFS_NF_PHASE, over ? 1 : 2);
    pfs_note_set(&n, PFS_NF_VALUE, (int64_t) value);
    pfs_note_set(&n, PFS_NF_LIMIT, qa->opts.limit[q][m]);
    if (localtime_r(&when, &tm) != 0) {
	pfs_note_set_day(&n, pfs_day_from_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
	pfs_note_set(&n, PFS_NF_HOUR, tm.tm_hour);
    }
    pfs_notify_push(qa->notify, &n);
}

/* pfs_queuealert_check - compare the last read with the thresholds */

void    pfs_queuealert_check(PFS_QUEUEALERT *qa, const PFS_QUEUE *queue, time_t now)
{
    struct pfs_queue_info qi;
    uint64_t value;
    int     q, m, over;

    for (q = 0; q < PFS_Q_COUNT; q++) {
	pfs_queue_info(queue, (enum pfs_queue_id) q, now, &qi);
	if (qi.status != PFS_QS_OK || !qi.valid)
	    continue;
	for (m = 0; m < PFS_QA_MEASURES; m++) {
	    if (qa->opts.limit[q][m] < 0)
		continue;
	    value = m == PFS_QA_MESSAGES ? qi.messages : qi.oldest_age;
	    over = value > (uint64_t) qa->opts.limit[q][m];
	    if (over == qa->over[q][m])
		continue;
	    qa->over[q][m] = over;
	    note(qa, q, m, over, value, qi.read_at ? qi.read_at : now);
	}
    }
}

/* pfs_queuealert_over - a measure's state */

int     pfs_queuealert_over(const PFS_QUEUEALERT *qa, enum pfs_queue_id q,
			            enum pfs_qa_measure m)
{
    return (qa->over[q][m]);
}

/* pfs_queuealert_save - the measures over their thresholds */

json_t *pfs_queuealert_save(const PFS_QUEUEALERT *qa)
{
    json_t *o = json_object();
    json_t *a;
    int     q, m;

    if (o == 0)
	fatalx("out of memory saving queue alerts");
    for (q = 0; q < PFS_Q_COUNT; q++) {
	if ((a = json_array()) == 0)
	    fatalx("out of memory saving queue alerts");
	for (m = 0; m < PFS_QA_MEASURES; m++)
	    if (qa->over[q][m] && json_array_append_new(a,
				        json_string(pfs_qa_measure_name[m])) < 0)
		fatalx("out of memory saving queue alerts");
	if (json_object_set_new(o, pfs_queue_name[q], a) < 0)
	    fatalx("out of memory saving queue alerts");
    }
    return (o);
}

/* measure_of - a measure's value from its name, or -1 */

static int measure_of(const char *s)
{
    int     m;

    for (m = 0; s != 0 && m < PFS_QA_MEASURES; m++)
	if (strcmp(s, pfs_qa_measure_name[m]) == 0)
	    return (m);
    return (-1);
}

/* pfs_queuealert_check_json - validate saved queue alerts */

int     pfs_queuealert_check_json(const json_t *o, char *err, size_t errlen)
{
    const char *key;
    json_t *a, *v;
    size_t  i;
    int     q, known;

    if (!json_is_object(o)) {
	snprintf(err, errlen, "queue alerts: not an object");
	return (-1);
    }
    json_object_foreach((json_t *) o, key, a) {
	for (known = 0, q = 0; q < PFS_Q_COUNT; q++)
	    known |= strcmp(key, pfs_queue_name[q]) == 0;
	if (!known || !json_is_array(a)) {
	    snprintf(err, errlen, "queue alerts: \"%.40s\" is not a queue", key);
	    return (-1);
	}
	json_array_foreach(a, i, v) {
	    if (measure_of(json_string_value(v)) < 0) {
		snprintf(err, errlen, "queue alerts: %s: entry %zu is malformed", key, i);
		return (-1);
	    }
	}
    }
    return (0);
}

/* pfs_queuealert_load - restore checked states */

void    pfs_queuealert_load(PFS_QUEUEALERT *qa, const json_t *o)
{
    json_t *a, *v;
    size_t  i;
    int     q;

    for (q = 0; q < PFS_Q_COUNT; q++) {
	memset(qa->over[q], 0, sizeof(qa->over[q]));
	if ((a = json_object_get(o, pfs_queue_name[q])) == 0)
	    continue;
	json_array_foreach(a, i, v)
	    qa->over[q][measure_of(json_string_value(v))] = 1;
    }
}
