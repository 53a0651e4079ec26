/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef STATE_TEXT_H
#define STATE_TEXT_H

/*++
 * NAME
 *	state_text 3h
 * SUMMARY
 *	everything a parser shows, as text, for tests that compare two
 * SYNOPSIS
 *	#include "state_text.h"
 * DESCRIPTION
 *	For check_batch and check_pread: on_event() (a PFS_EVENT_FN whose
 *	context is a struct text) writes each event with all its fields and
 *	the message it names; parser_state() writes those events, then
 *	every counter in the store's own order, the messages in flight with
 *	every field, the waiting receipts, the filter relays learned and
 *	the first unlinked relay. Two parsers that show the same text are
 *	in the same state.
 *--*/

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_parser.h"

/* A growing text. */
struct text {
    char   *s;
    size_t  len, alloc;
};

/* need - room for n more bytes (no ck_assert here: it runs per byte) */

static inline void need(struct text *t, size_t n)
{
    if (t->len + n < t->alloc)
	return;
    t->alloc = 2 * t->alloc + n + 256;
    if ((t->s = realloc(t->s, t->alloc)) == 0)
	abort();
}

/* put - append printf output */

static inline void put(struct text *t, const char *fmt,...)
{
    va_list ap;
    int     n;

    need(t, 1);
    for (;;) {
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->alloc - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
	    abort();
	if ((size_t) n < t->alloc - t->len)
	    break;
	need(t, (size_t) n + 1);
    }
    t->len += (size_t) n;
}

/* put_str - a counted string */

static inline void put_str(struct text *t, const char *name, struct pfs_str s)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char c;
    size_t  i;

    put(t, " %s=", name);
    need(t, 3 * s.len + 1);
    for (i = 0; i < s.len; i++) {
	c = (unsigned char) s.ptr[i];
	if (c >= 32 && c != 127 && c != '\\') {
	    t->s[t->len++] = (char) c;
	} else {
	    t->s[t->len++] = '\\';
	    t->s[t->len++] = hex[c >> 4];
	    t->s[t->len++] = hex[c & 15];
	}
    }
    t->s[t->len] = 0;
}

/* put_msg - a message in flight, every field */

static inline void put_msg(struct text *t, const struct pfs_qentry *e)
{
    put(t, " msg[%016" PRIx64 " %u %.*s o%u f%02x acct=%s n%u s%" PRIu64 " l%" PRIu64
	" %d-%d-%d %d:%d:%d.%ld hop%" PRIu64 "]", e->sid, e->source, (int) e->qlen, e->qid,
	e->origin, e->flags, e->account, e->nrcpt, e->size, e->line, e->when.year,
	e->when.mon, e->when.mday, e->when.hour, e->when.min, e->when.sec, e->when.usec,
	e->hop_ms);
}

/* on_event - an event, as text */

static inline void on_event(const struct pfs_event *ev, void *ctx)
{
    struct text *t = ctx;
    const struct pfs_syslog *h = ev->hdr;

    put(t, "ev%d %d-%d-%d %d:%d:%d.%ld tz%d/%d pid%ld", ev->type, h->time.year, h->time.mon,
	h->time.mday, h->time.hour, h->time.min, h->time.sec, h->time.usec, h->time.has_tz,
	h->time.tz_min, h->pid);
    put_str(t, "host", h->host);
    put_str(t, "tag", h->tag);
    put_str(t, "prog", h->program);
    put_str(t, "text", h->text);
    put_str(t, "qid", ev->qid);
    if (ev->msg)
	put_msg(t, ev->msg);
    put_str(t, "transport", ev->transport);
    put_str(t, "relay", ev->relay);
    put_str(t, "sender", ev->sender);
    put(t, " st%d dsn%d d%" PRIu64 " %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
	" size%" PRIu64 " n%u v%d f%" PRIu64 " again%d\n", ev->status, ev->dsn_class,
	ev->delay_ms, ev->delays_ms[0], ev->delays_ms[1], ev->delays_ms[2], ev->delays_ms[3],
	ev->size, ev->nrcpt, ev->verdict, ev->filter_ms, ev->again);
}

/* put_counter - PFS_STATS_VISIT, store order */

static inline void put_counter(const char *name, uint64_t value, void *ctx)
{
    put(ctx, "%s %" PRIu64 "\n", name, value);
}

/* put_entry - PFS_QTABLE_VISIT */

static inline void put_entry(const struct pfs_qentry *e, void *ctx)
{
    put_msg(ctx, e);
    put(ctx, "\n");
}

/* parser_state - what the parser shows, after the events in ev */

static inline char *parser_state(const PFS_STATS *st, PFS_PARSER *p, const struct text *ev)
{
    struct text t = {0, 0, 0};
    const char *relay;
    uint64_t sid;
    uint32_t src;
    size_t  i;

    put(&t, "%s--- counters\n", ev->s ? ev->s : "");
    pfs_stats_visit(st, put_counter, &t);
    put(&t, "--- in flight, %zu waiting\n", pfs_parser_pending(p));
    pfs_qtable_visit(pfs_parser_qtable(p), put_entry, &t);
    for (i = 0; (relay = pfs_parser_filter(p, i, &sid, &src)) != 0; i++)
	put(&t, "filter %016" PRIx64 " %u %s\n", sid, src, relay);
    relay = pfs_parser_unlinked_relay(p);
    put(&t, "unlinked %s\n", relay ? relay : "-");
    return (t.s);
}

#endif
