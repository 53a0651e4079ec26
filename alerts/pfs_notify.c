/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_notify 3
 * SUMMARY
 *	notifications waiting to be handed to snmpd, in a bounded queue
 * SYNOPSIS
 *	#include "pfs_notify.h"
 *
 *	void	pfs_note_init(note, kind)
 *
 *	void	pfs_note_set(note, field, value)
 *
 *	void	pfs_note_set_text(note, field, text)
 *
 *	void	pfs_note_set_day(note, day)
 *
 *	PFS_NOTIFY *pfs_notify_create(cap)
 *
 *	void	pfs_notify_set_hook(queue, added, ctx)
 *
 *	void	pfs_notify_push(queue, note)
 *
 *	const struct pfs_note *pfs_notify_next(queue, token)
 *
 *	void	pfs_notify_done(queue, token)
 *
 *	void	pfs_notify_retry(queue, token)
 *
 *	void	pfs_notify_retry_all(queue)
 *
 *	json_t	*pfs_notify_save(queue)
 *
 *	int	pfs_notify_check(json, err, errlen)
 *
 *	void	pfs_notify_load(queue, json)
 * DESCRIPTION
 *	An alert (an account over its limit, a traffic anomaly, a filter
 *	share or a queue threshold crossed) becomes a notification the
 *	moment its module decides it: a struct pfs_note, the values the MIB
 *	notification carries, pushed on this queue. From then on the event
 *	counts as notified (an account is not notified twice the same day),
 *	so the queue is where the promise is kept: a note leaves it only
 *	when the sender says that snmpd took it (pfs_notify_done()), and
 *	the queue is part of the saved state, so that a restart neither
 *	loses nor repeats one.
 *
 *	The sender (the agent, pfs_alertmib(3)) takes the oldest note not
 *	yet handed out with pfs_notify_next(), which marks it in flight and
 *	gives its token (a note keeps its token while it is queued; the
 *	token of a note gone is never given again); pfs_notify_done()
 *	removes it, pfs_notify_retry()
 *	puts it back to be sent again (snmpd did not answer), and
 *	pfs_notify_retry_all() does that for every note in flight (the
 *	connection to snmpd was lost). The hook set with
 *	pfs_notify_set_hook() runs after every push, so that the sender can
 *	try at once.
 *
 *	The queue holds at most cap notes. When it is full, the oldest note
 *	makes room for the new one; pfs_notify_dropped() counts them, and
 *	the first drop of a run and the end of the run are logged.
 *
 *	pfs_notify_save() returns the notes still queued (those in flight
 *	included: they may not have arrived), oldest first, as JSON;
 *	pfs_notify_check() validates such an object and pfs_notify_load()
 *	appends its notes to the queue.
 * DIAGNOSTICS
 *	Allocation failure is fatal. pfs_notify_check() returns -1 with a
 *	sentence in err. Dropped notes are logged (warning).
 * SECURITY
 *	Account names come from the log: they are cut at PFS_ACCOUNT_MAX
 *	bytes and never interpreted.
 *--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_logtime.h"
#include "pfs_log.h"
#include "pfs_notify.h"
#include "pfs_util.h"

const char *const pfs_note_kind_name[PFS_NOTE_KINDS] = {
    "", "account", "anomaly", "filter", "queue",
};

const char *const pfs_note_field_name[PFS_NF_END] = {
    "", "account", "count", "limit", "indicator", "value", "mean", "deviation",
    "day", "hour", "filter_kind", "filter_state", "share", "scanned",
    "baseline", "phase", "queue", "measure", "unit",
};

#define IS_TEXT(f)	((f) == PFS_NF_ACCOUNT || (f) == PFS_NF_DAY)

/* States of a slot. */
#define SLOT_QUEUED	0
#define SLOT_FLIGHT	1
#define SLOT_DONE	2

struct slot {
    struct pfs_note note;
    uint64_t token;
    int     state;
};

struct PFS_NOTIFY {
    struct slot *ring;
    size_t  cap;
    size_t  head;			/* oldest slot */
    size_t  n;				/* slots from head, done ones included */
    size_t  live;			/* queued or in flight */
    size_t  flight;
    uint64_t next_token;
    uint64_t pushed;
    uint64_t dropped;
    uint64_t run_dropped;		/* drops since the queue last had room */
    PFS_NOTIFY_FN added;
    void   *ctx;
};

/* pfs_note_init - an empty note of a kind */

void    pfs_note_init(struct pfs_note *note, enum pfs_note_kind kind)
{
    memset(note, 0, sizeof(*note));
    note->kind = kind;
}

/* pfs_note_set - a number */

void    pfs_note_set(struct pfs_note *note, enum pfs_note_field f, int64_t v)
{
    if (f <= 0 || f >= PFS_NF_END || IS_TEXT(f))
	return;
    note->v[f] = v;
    note->have |= 1u << f;
}

/* pfs_note_set_text - the account or the day, cut to fit */

void    pfs_note_set_text(struct pfs_note *note, enum pfs_note_field f, const char *s)
{
    if (f == PFS_NF_ACCOUNT)
	snprintf(note->account, sizeof(note->account), "%s", s);
    else if (f == PFS_NF_DAY)
	snprintf(note->day, sizeof(note->day), "%s", s);
    else
	return;
    note->have |= 1u << f;
}

/* pfs_note_set_day - the day as YYYY-MM-DD */

void    pfs_note_set_day(struct pfs_note *note, int64_t day)
{
    char    buf[16];

    if (pfs_day_format(day, buf, sizeof(buf)) < 0 || strlen(buf) > PFS_NOTE_DAY_MAX)
	return;
    memcpy(note->day, buf, strlen(buf) + 1);
    note->have |= 1u << PFS_NF_DAY;
}

/* pfs_note_has - is a value present */

int     pfs_note_has(const struct pfs_note *note, enum pfs_note_field f)
{
    return (f > 0 && f < PFS_NF_END && (note->have & (1u << f)) != 0);
}

/* pfs_note_hundredths - x * 100, rounded, within Integer32 */

int64_t pfs_note_hundredths(double x)
{
    double  h = x * 100.0;

    if (h >= 2147483647.0)
	return (2147483647);
    if (h <= -2147483648.0)
	return (-2147483647 - 1);
    return ((int64_t) (h + (h >= 0 ? 0.5 : -0.5)));
}

/* pfs_notify_create - an empty queue of cap notes */

PFS_NOTIFY *pfs_notify_create(size_t cap)
{
    PFS_NOTIFY *q = pfs_calloc(1, sizeof(*q));

    q->cap = cap ? cap : PFS_DEF_NOTIFY_QUEUE;
    q->ring = pfs_calloc(q->cap, sizeof(*q->ring));
    q->next_token = 1;
    return (q);
}

/* pfs_notify_free - release */

void    pfs_notify_free(PFS_NOTIFY *q)
{
    if (q == 0)
	return;
    free(q->ring);
    free(q);
}

/* pfs_notify_set_hook - called after every push */

void    pfs_notify_set_hook(PFS_NOTIFY *q, PFS_NOTIFY_FN added, void *ctx)
{
    q->added = added;
    q->ctx = ctx;
}

/* at - the i-th slot from the head */

static struct slot *at(const PFS_NOTIFY *q, size_t i)
{
    return (q->ring + (q->head + i) % q->cap);
}

/* trim - drop done slots at the head */

static void trim(PFS_NOTIFY *q)
{
    while (q->n > 0 && at(q, 0)->state == SLOT_DONE) {
	q->head = (q->head + 1) % q->cap;
	q->n--;
    }
}

/* forget - a live slot leaves the queue */

static void forget(PFS_NOTIFY *q, struct slot *s)
{
    if (s->state == SLOT_FLIGHT)
	q->flight--;
    s->state = SLOT_DONE;
    q->live--;
    trim(q);
}

/* pfs_notify_push - queue a note; the oldest makes room when full */

void    pfs_notify_push(PFS_NOTIFY *q, const struct pfs_note *note)
{
    struct slot *s;

    trim(q);
    if (q->n == q->cap) {
	/* Full: the oldest live note goes (the head is live after trim()). */
	s = at(q, 0);
	if (q->run_dropped++ == 0)
	    log_warnx("notification queue full (%zu waiting for snmpd): dropping "
		      "the oldest, a %s notification", q->cap,
		      pfs_note_kind_name[s->note.kind]);
	q->dropped++;
	forget(q, s);
    }
    s = at(q, q->n);
    s->note = *note;
    s->token = q->next_token++;
    s->state = SLOT_QUEUED;
    q->n++;
    q->live++;
    q->pushed++;
    if (q->added)
	q->added(q->ctx);
}

/* pfs_notify_next - the oldest note not in flight; marks it in flight */

const struct pfs_note *pfs_notify_next(PFS_NOTIFY *q, uint64_t *token)
{
    struct slot *s;
    size_t  i;

    for (i = 0; i < q->n; i++) {
	s = at(q, i);
	if (s->state == SLOT_QUEUED) {
	    s->state = SLOT_FLIGHT;
	    q->flight++;
	    *token = s->token;
	    return (&s->note);
	}
    }
    return (0);
}

/* find - the live slot of a token, or NULL (dropped meanwhile) */

static struct slot *find(PFS_NOTIFY *q, uint64_t token)
{
    struct slot *s;
    size_t  i;

    for (i = 0; i < q->n; i++) {
	s = at(q, i);
	if (s->token == token && s->state != SLOT_DONE)
	    return (s);
    }
    return (0);
}

/* pfs_notify_done - snmpd took it: remove */

void    pfs_notify_done(PFS_NOTIFY *q, uint64_t token)
{
    struct slot *s;

    if ((s = find(q, token)) == 0)
	return;
    forget(q, s);
    if (q->run_dropped > 0 && q->n < q->cap) {
	log_info("notification queue has room again: %llu notification(s) were "
		 "dropped while it was full", (unsigned long long) q->run_dropped);
	q->run_dropped = 0;
    }
}

/* pfs_notify_retry - not taken: send again later */

void    pfs_notify_retry(PFS_NOTIFY *q, uint64_t token)
{
    struct slot *s;

    if ((s = find(q, token)) == 0 || s->state != SLOT_FLIGHT)
	return;
    s->state = SLOT_QUEUED;
    q->flight--;
}

/* pfs_notify_retry_all - the connection is gone: nothing is in flight */

void    pfs_notify_retry_all(PFS_NOTIFY *q)
{
    size_t  i;

    for (i = 0; i < q->n; i++)
	if (at(q, i)->state == SLOT_FLIGHT)
	    at(q, i)->state = SLOT_QUEUED;
    q->flight = 0;
}

/* pfs_notify_queued - notes waiting, in flight included */

size_t  pfs_notify_queued(const PFS_NOTIFY *q)
{
    return (q->live);
}

/* pfs_notify_in_flight - notes handed out and not answered yet */

size_t  pfs_notify_in_flight(const PFS_NOTIFY *q)
{
    return (q->flight);
}

/* pfs_notify_pushed - notes pushed since the queue was made */

uint64_t pfs_notify_pushed(const PFS_NOTIFY *q)
{
    return (q->pushed);
}

/* pfs_notify_dropped - notes dropped because the queue was full */

uint64_t pfs_notify_dropped(const PFS_NOTIFY *q)
{
    return (q->dropped);
}

/* pfs_notify_peek - the i-th live note, oldest first; NULL past the end */

const struct pfs_note *pfs_notify_peek(const PFS_NOTIFY *q, size_t i)
{
    size_t  k;

    for (k = 0; k < q->n; k++) {
	if (at(q, k)->state == SLOT_DONE)
	    continue;
	if (i-- == 0)
	    return (&at(q, k)->note);
    }
    return (0);
}

/* note_json - one note as an object */

static json_t *note_json(const struct pfs_note *note)
{
    json_t *o = json_object();
    int     f;

    if (o == 0 || json_object_set_new(o, "kind",
			        json_string(pfs_note_kind_name[note->kind])) < 0)
	fatalx("out of memory saving notifications");
    for (f = 1; f < PFS_NF_END; f++) {
	json_t *v;

	if (!pfs_note_has(note, (enum pfs_note_field) f))
	    continue;
	if (f == PFS_NF_ACCOUNT)
	    v = json_string(note->account);
	else if (f == PFS_NF_DAY)
	    v = json_string(note->day);
	else
	    v = json_integer((json_int_t) note->v[f]);
	if (v == 0 || json_object_set_new(o, pfs_note_field_name[f], v) < 0)
	    fatalx("out of memory saving notifications");
    }
    return (o);
}

/* pfs_notify_save - the notes still queued, oldest first */

json_t *pfs_notify_save(const PFS_NOTIFY *q)
{
    json_t *a = json_array();
    json_t *o;
    size_t  i;

    if (a == 0)
	fatalx("out of memory saving notifications");
    for (i = 0; i < q->n; i++)
	if (at(q, i)->state != SLOT_DONE
	    && json_array_append_new(a, note_json(&at(q, i)->note)) < 0)
	    fatalx("out of memory saving notifications");
    o = json_pack("{s:I, s:o}", "dropped", (json_int_t) q->dropped, "queue", a);
    if (o == 0)
	fatalx("out of memory saving notifications");
    return (o);
}

/* kind_of - a kind's value from its name, or -1 */

static int kind_of(const char *s)
{
    int     k;

    for (k = 1; s != 0 && k < PFS_NOTE_KINDS; k++)
	if (strcmp(s, pfs_note_kind_name[k]) == 0)
	    return (k);
    return (-1);
}

/* field_of - a field's value from its name, or -1 */

static int field_of(const char *s)
{
    int     f;

    for (f = 1; f < PFS_NF_END; f++)
	if (strcmp(s, pfs_note_field_name[f]) == 0)
	    return (f);
    return (-1);
}

/* check_note - one saved note */

static int check_note(const json_t *o)
{
    const char *key;
    json_t *v;
    int64_t day;
    int     f;

    if (!json_is_object(o) || kind_of(json_string_value(json_object_get(o, "kind"))) < 0)
	return (-1);
    json_object_foreach((json_t *) o, key, v) {
	if (strcmp(key, "kind") == 0)
	    continue;
	if ((f = field_of(key)) < 0)
	    return (-1);
	if (f == PFS_NF_ACCOUNT) {
	    if (!json_is_string(v) || strlen(json_string_value(v)) > PFS_ACCOUNT_MAX)
		return (-1);
	} else if (f == PFS_NF_DAY) {
	    if (pfs_day_parse(json_string_value(v), &day) < 0)
		return (-1);
	} else if (!json_is_integer(v)) {
	    return (-1);
	}
    }
    return (0);
}

/* pfs_notify_check - validate saved notifications */

int     pfs_notify_check(const json_t *o, char *err, size_t errlen)
{
    const json_t *a = json_object_get(o, "queue");
    const json_t *v;
    size_t  i;

    if (!json_is_object(o) || !json_is_integer(json_object_get(o, "dropped"))
	|| json_integer_value(json_object_get(o, "dropped")) < 0 || !json_is_array(a)) {
	snprintf(err, errlen, "notifications: not an object with dropped and queue");
	return (-1);
    }
    json_array_foreach(a, i, v) {
	if (check_note(v) < 0) {
	    snprintf(err, errlen, "notifications: entry %zu is malformed", i);
	    return (-1);
	}
    }
    return (0);
}

/* pfs_notify_load - append checked notes, oldest first; no hook */

void    pfs_notify_load(PFS_NOTIFY *q, const json_t *o)
{
    struct pfs_note note;
    PFS_NOTIFY_FN added = q->added;
    const char *key;
    json_t *v, *e;
    size_t  i;
    int     f;

    q->dropped += (uint64_t) json_integer_value(json_object_get(o, "dropped"));
    q->added = 0;
    json_array_foreach(json_object_get(o, "queue"), i, e) {
	pfs_note_init(&note, (enum pfs_note_kind)
		      kind_of(json_string_value(json_object_get(e, "kind"))));
	json_object_foreach(e, key, v) {
	    if (strcmp(key, "kind") == 0 || (f = field_of(key)) < 0)
		continue;
	    if (IS_TEXT(f))
		pfs_note_set_text(&note, (enum pfs_note_field) f, json_string_value(v));
	    else
		pfs_note_set(&note, (enum pfs_note_field) f, json_integer_value(v));
	}
	pfs_notify_push(q, &note);
    }
    q->added = added;
}
