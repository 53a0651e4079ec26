/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_batch 1
 * SUMMARY
 *	a log parsed in blocks and settled in order counts as one thread does
 * SYNOPSIS
 *	tests/unit/parser/check_batch
 * DESCRIPTION
 *	pfs_parser_batch() and pfs_parser_settle_batch() (a log read on
 *	several threads) must leave the parser exactly as feeding every
 *	line to it does. Each test runs the same lines both ways and
 *	compares everything the parser shows: every counter in the store's
 *	own order (so the rows too, and the overflow counters), every
 *	event with all its fields and the message it names, the messages
 *	in flight with all their fields, the receipts that wait, the filter
 *	relays learned and the first unlinked relay; before the final
 *	pfs_parser_flush() and after it.
 *
 *	The lines: every case of check_cases.h (the table that
 *	check_parser checks against doc/counters.md), cut into blocks at
 *	every line, at each single line, and at random lines, with the
 *	case's options and again with tables of 2 rows and a queue-ID table
 *	of 2 (so that the "(other)" rows, overflow counters and evictions
 *	come into play); then all cases one after the other in random
 *	orders, and with the lines of two cases interleaved, where queue
 *	IDs come back, times jump back and forth and receipts wait across
 *	blocks; and waits that end by the line count (100,000 lines) and
 *	by the clock right at a block's edge.
 *--*/

#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_lines.h"
#include "pfs_link.h"
#include "pfs_parser.h"
#include "state_text.h"

#include "check_cases.h"

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* A parser, its store and what it told. */
struct run {
    PFS_STATS *st;
    PFS_PARSER *p;
    struct text ev;
};

/* Options of one comparison. */
struct setup {
    const struct pfs_parser_opts *opts;
    int     tiny;				/* 2-row tables, 2 messages in flight */
    int     events;
};

/* run_init - a fresh parser */

static void run_init(struct run *r, const struct setup *su)
{
    static const size_t tiny_caps[PFS_TABLE_COUNT] = {2, 2, 2, 2};
    struct pfs_parser_opts opts;
    char    err[256];

    memset(r, 0, sizeof(*r));
    memset(&opts, 0, sizeof(opts));
    if (su->opts)
	opts = *su->opts;
    if (su->tiny)
	opts.queue_cap = 2;
    r->st = pfs_stats_create(su->tiny ? tiny_caps : 0);
    r->p = pfs_parser_create(r->st, &opts, err, sizeof(err));
    ck_assert_msg(r->p != 0, "parser: %s", err);
    if (su->events)
	pfs_parser_set_event(r->p, on_event, &r->ev);
}

/* run_free - release */

static void run_free(struct run *r)
{
    pfs_parser_free(r->p);
    pfs_stats_free(r->st);
    free(r->ev.s);
}

/* state - everything the parser shows, as text */

static char *state(struct run *r)
{
    return (parser_state(r->st, r->p, &r->ev));
}

/* A log: lines joined by newlines, and where each line starts. */
struct log {
    struct text buf;
    size_t *start;
    size_t  n, alloc;
};

/* log_add - one more line */

static void log_add(struct log *l, const char *line, size_t len)
{
    if (l->n == l->alloc) {
	l->alloc = l->alloc ? 2 * l->alloc : 64;
	if ((l->start = realloc(l->start, l->alloc * sizeof(*l->start))) == 0)
	    abort();
    }
    l->start[l->n++] = l->buf.len;
    need(&l->buf, len + 1);
    memcpy(l->buf.s + l->buf.len, line, len);
    l->buf.len += len;
    l->buf.s[l->buf.len++] = '\n';
}

/* line_len - bytes of one case line (raw_lines hold NUL bytes) */

static size_t line_len(const char *line)
{
    size_t  i;

    for (i = 0; i < sizeof(raw_lines) / sizeof(raw_lines[0]); i++)
	if (raw_lines[i].ptr == line)
	    return (raw_lines[i].len);
    return (strlen(line));
}

/* log_case - the lines of one case */

static void log_case(struct log *l, const struct pcase *pc)
{
    const char *const *s;

    for (s = pc->lines; *s; s++)
	log_add(l, *s, line_len(*s));
}

/* log_free - release */

static void log_free(struct log *l)
{
    free(l->buf.s);
    free(l->start);
}

/* feed - pfs_lines callback */

static void feed(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line(ctx, line, len, flags);
}

/* reference - the log fed line by line: the state before and after the flush */

static void reference(const struct log *l, const struct setup *su, char *ref[2])
{
    struct run a;
    PFS_LINEBUF lb;

    run_init(&a, su);
    pfs_lines_init(&lb, feed, a.p);
    pfs_lines_feed(&lb, l->buf.s, l->buf.len);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    ref[0] = state(&a);
    pfs_parser_flush(a.p);
    ref[1] = state(&a);
    run_free(&a);
}

/*
 * compare - the log in blocks that start at the lines marked in cut[]
 * (cut[0] is always one), against the reference
 */
static void compare(const struct log *l, const unsigned char *cut, const struct setup *su,
		            char *const ref[2], const char *what)
{
    static PFS_PARSER *w;
    static struct setup wsu;
    struct run b;
    PFS_BATCH *batch = pfs_batch_create();
    char    err[256];
    char   *sb;
    size_t  i, j, from, to;
    int     pass;

    run_init(&b, su);
    /* A worker keeps nothing from one block to the next: one per setup. */
    if (w == 0 || memcmp(&wsu, su, sizeof(wsu)) != 0) {
	pfs_parser_free(w);
	w = pfs_parser_worker(b.p, err, sizeof(err));
	ck_assert_msg(w != 0, "worker: %s", err);
	wsu = *su;
    }
    for (i = 0; i < l->n; i = j) {
	for (j = i + 1; j < l->n && !cut[j]; j++)
	     /* void */ ;
	from = l->start[i];
	to = j < l->n ? l->start[j] : l->buf.len;
	/* The block's lines; the log beyond them is there to read, as in a file. */
	if (pfs_parser_batch(w, batch, l->buf.s + from, l->buf.len - from, to - from) != j - i)
	    ck_abort_msg("%s: a block of %zu lines parsed as %zu", what, j - i,
			 pfs_parser_batch(w, batch, l->buf.s + from, l->buf.len - from, to - from));
	pfs_parser_settle_batch(b.p, batch);
	pfs_batch_reset(batch);
    }
    for (pass = 0; pass < 2; pass++) {
	sb = state(&b);
	if (strcmp(ref[pass], sb) != 0) {
	    for (i = 0; ref[pass][i] && ref[pass][i] == sb[i]; i++)
		 /* void */ ;
	    while (i > 0 && sb[i - 1] != '\n')
		i--;
	    ck_abort_msg("%s (%s%s%s): differs %s the flush at\n  one thread: %.300s\n"
			 "  in blocks:  %.300s", what, su->tiny ? "tiny tables, " : "",
			 su->events ? "events" : "no events", su->opts ? ", options" : "",
			 pass ? "after" : "before", ref[pass] + i, sb + i);
	}
	free(sb);
	pfs_parser_flush(b.p);
    }
    pfs_batch_free(batch);
    run_free(&b);
}

/* rnd - a small generator, the same numbers on every machine */

static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return ((*seed >> 16) & 0x7fff);
}

/*
 * compare_cuts - all in one block, a block a line, each single cut
 * (singles), nrandom random cuts
 */
static void compare_cuts(const struct log *l, const struct setup *su, const char *what,
			         int singles, int nrandom, unsigned seed)
{
    unsigned char *cut = calloc(l->n + 1, 1);
    char   *ref[2];
    size_t  i, c;
    int     k;

    ck_assert(cut != 0);
    reference(l, su, ref);
    cut[0] = 1;
    compare(l, cut, su, ref, what);		/* one block */
    memset(cut, 1, l->n);
    compare(l, cut, su, ref, what);		/* a block a line */
    for (c = 1; singles && c < l->n; c++) {
	memset(cut, 0, l->n);
	cut[0] = cut[c] = 1;
	compare(l, cut, su, ref, what);
    }
    for (k = 0; k < nrandom; k++) {
	memset(cut, 0, l->n);
	cut[0] = 1;
	for (i = 1; i < l->n; i++)
	    cut[i] = rnd(&seed) % 4 == 0;
	compare(l, cut, su, ref, what);
    }
    free(ref[0]);
    free(ref[1]);
    free(cut);
}

/*
 * compare_setups - with the options: without events (as --once), and
 * with events; all, or just without events with the usual tables and
 * with events with tiny tables
 */
static void compare_setups(const struct log *l, const struct pfs_parser_opts *opts,
			           const char *what, int all, int singles, int nrandom,
			           unsigned seed)
{
    struct setup su;

    memset(&su, 0, sizeof(su));
    for (su.tiny = 0; su.tiny < 2; su.tiny++)
	for (su.events = 0; su.events < 2; su.events++) {
	    if (!all && su.tiny != su.events)
		continue;
	    su.opts = opts;
	    compare_cuts(l, &su, what, singles, nrandom, seed);
	}
}

START_TEST(test_case)
{
    const struct pcase *pc = cases + _i;
    struct log l;

    memset(&l, 0, sizeof(l));
    log_case(&l, pc);
    compare_setups(&l, pc->opts, pc->name, 0, 1, 1, (unsigned) _i + 1);
    log_free(&l);
}
END_TEST

/* The cases one after the other, in a random order. */

START_TEST(test_all_cases)
{
    static const struct pfs_parser_opts *const opts[] = {0, &amavis_opts, &localhost_opts};
    size_t  order[NCASES];
    unsigned seed = (unsigned) _i * 7919u + 1;
    struct log l;
    size_t  i, j, t;

    for (i = 0; i < NCASES; i++)
	order[i] = i;
    for (i = NCASES - 1; _i > 0 && i > 0; i--) {
	j = rnd(&seed) % (i + 1);
	t = order[i];
	order[i] = order[j];
	order[j] = t;
    }
    memset(&l, 0, sizeof(l));
    for (i = 0; i < NCASES; i++)
	log_case(&l, cases + order[i]);
    compare_setups(&l, opts[_i % 3], "all cases", 1, 0, 4, seed);
    log_free(&l);
}
END_TEST

/* Two cases' lines interleaved, each in its own order. */

START_TEST(test_interleaved)
{
    unsigned seed = (unsigned) _i + 101;
    struct log l;
    const char *const *x, *const *y;
    size_t  a, b, k;

    memset(&l, 0, sizeof(l));
    for (k = 0; k < 40; k++) {
	a = rnd(&seed) % NCASES;
	b = rnd(&seed) % NCASES;
	for (x = cases[a].lines, y = cases[b].lines; *x || *y;) {
	    if (*x && (!*y || rnd(&seed) % 2)) {
		log_add(&l, *x, line_len(*x));
		x++;
	    } else {
		log_add(&l, *y, line_len(*y));
		y++;
	    }
	}
    }
    compare_setups(&l, _i % 2 ? &amavis_opts : 0, "interleaved cases", 1, 0, 4, seed);
    log_free(&l);
}
END_TEST

/*
 * A receipt from a loopback client waits; its hop line comes after
 * PFS_LINK_WAIT_LINES lines and extra, or (by_time) 59 + extra seconds
 * later; blocks end around the line where the wait ends.
 */
static void wait_log(struct log *l, long extra, int by_time)
{
    static const char client[] =
	"Nov 22 10:00:01 mx1 postfix/smtpd[1300]: 7A8B9C0D1E: client=localhost[127.0.0.1]:41234";
    static const char qmgr[] =
	"Nov 22 10:00:01 mx1 postfix/qmgr[900]: 7A8B9C0D1E: from=<alice@example.org>, "
	"size=2100, nrcpt=1 (queue active)";
    char    line[512];
    long    i, t;

    log_add(l, client, sizeof(client) - 1);
    log_add(l, qmgr, sizeof(qmgr) - 1);
    for (i = 0; i < (by_time ? 4 : PFS_LINK_WAIT_LINES + extra); i++) {
	/* Seconds after 10:00:00; by time, 10:01:00 + extra is the third. */
	t = by_time ? 1 + 29 * i + (i >= 2 ? extra + 2 : 0) : 2;
	snprintf(line, sizeof(line), "Nov 22 10:%02ld:%02ld mx1 postfix/smtpd[1234]: connect from "
		 "mail.example.org[192.0.2.10]", t / 60, t % 60);
	log_add(l, line, strlen(line));
    }
    snprintf(line, sizeof(line), "Nov 22 10:00:0%d mx1 postfix/smtp[1250]: 3F2A41C0E5: "
	     "to=<bob@example.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=1.2, "
	     "delays=0.1/0/0.1/1, dsn=2.0.0, status=sent (250 2.0.0 from "
	     "MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 7A8B9C0D1E)", by_time ? 3 : 2);
    log_add(l, line, strlen(line));
}

START_TEST(test_wait_edges)
{
    static const long extras[] = {-2, -1, 0, 1, 2};
    struct setup su = {0, 0, 1};
    unsigned char *cut;
    char   *ref[2];
    struct log l;
    size_t  edge, c;

    memset(&l, 0, sizeof(l));
    wait_log(&l, extras[_i], 0);
    reference(&l, &su, ref);
    cut = calloc(l.n, 1);
    ck_assert(cut != 0);
    /* The qmgr line is the second: the wait ends PFS_LINK_WAIT_LINES lines later. */
    edge = 1 + PFS_LINK_WAIT_LINES;
    for (c = edge - 2; c <= edge + 2 && c < l.n; c++) {
	memset(cut, 0, l.n);
	cut[0] = cut[1] = cut[c] = 1;
	compare(&l, cut, &su, ref, "wait by lines");
    }
    memset(cut, 0, l.n);
    for (c = 0; c < l.n; c += 1000)
	cut[c] = 1;
    compare(&l, cut, &su, ref, "wait by lines");
    free(ref[0]);
    free(ref[1]);
    free(cut);
    log_free(&l);
    memset(&l, 0, sizeof(l));
    wait_log(&l, extras[_i], 1);
    compare_setups(&l, 0, "wait by time", 1, 1, 2, 5);
    log_free(&l);
}
END_TEST

int     main(void)
{
    Suite  *s = suite_create("batch");
    TCase  *tc = tcase_create("cases");
    TCase  *mix = tcase_create("mixed");
    SRunner *sr;
    int     failed;

    /* Every case is compared before and after the flush, held or not. */
    (void) held_cases;
    tcase_add_loop_test(tc, test_case, 0, (int) NCASES);
    suite_add_tcase(s, tc);
    tcase_set_timeout(mix, 120);
    tcase_add_loop_test(mix, test_all_cases, 0, 3);
    tcase_add_loop_test(mix, test_interleaved, 0, 4);
    tcase_add_loop_test(mix, test_wait_edges, 0, 5);
    suite_add_tcase(s, mix);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? 0 : 1);
}
