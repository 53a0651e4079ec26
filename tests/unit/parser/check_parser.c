/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_parser 1
 * SUMMARY
 *	table-driven unit tests of the line parser
 * SYNOPSIS
 *	tests/unit/parser/check_parser
 * DESCRIPTION
 *	Each case in check_cases.h is a set of verbatim log lines and the
 *	counters they must move. A fresh store and parser take the lines;
 *	then every counter is compared: those named in the case must have
 *	exactly the value given, and every other counter must be zero
 *	(except "lines" and the per-source "source:*" cells, which every
 *	line moves and which cases may still name). So a case fails both
 *	when a line is not counted and when it moves something extra.
 *
 *	Lines are fed through pfs_lines, each followed by its newline as a
 *	separate write, as a log follower would see them. After the last
 *	line the parser is flushed, as --once does at the end of its input
 *	(receipts that wait for a content-filter link are counted), unless
 *	the case is listed in held_cases[] (check_cases.h). A line is measured
 *	with strlen(), except one listed in raw_lines[] (check_cases.h):
 *	that one is fed with its full size, so a NUL byte inside it really
 *	reaches the parser.
 *--*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_lines.h"
#include "pfs_parser.h"

#include "check_cases.h"

struct check_ctx {
    const struct pcase *pc;
    char    msg[8192];
    size_t  mlen;
    int     bad;
};

/* line_len - bytes of one case line */

static size_t line_len(const char *line)
{
    size_t  i;

    for (i = 0; i < sizeof(raw_lines) / sizeof(raw_lines[0]); i++)
	if (raw_lines[i].ptr == line)
	    return (raw_lines[i].len);
    return (strlen(line));
}

/* held - is this case left without the final flush? */

static int held(const struct pcase *pc)
{
    size_t  i;

    for (i = 0; i < sizeof(held_cases) / sizeof(held_cases[0]); i++)
	if (strcmp(held_cases[i], pc->name) == 0)
	    return (1);
    return (0);
}

/* find_expect - value a case wants for name, or -1 if unnamed */

static long long find_expect(const struct pcase *pc, const char *name)
{
    const struct expect *e;

    for (e = pc->expect; e->name; e++)
	if (strcmp(e->name, name) == 0)
	    return ((long long) e->value);
    return (-1);
}

/* check_one - compare one counter with the case */

static void check_one(const char *name, uint64_t value, void *ctx)
{
    struct check_ctx *cc = ctx;
    long long want = find_expect(cc->pc, name);

    if (want < 0) {
	if (value == 0 || strcmp(name, "lines") == 0 || strncmp(name, "source:", 7) == 0)
	    return;
    } else if ((unsigned long long) want == value) {
	return;
    }
    cc->bad++;
    if (cc->mlen < sizeof(cc->msg) - 200)
	cc->mlen += snprintf(cc->msg + cc->mlen, sizeof(cc->msg) - cc->mlen,
			     "\n  %s = %llu, expected %lld", name,
			     (unsigned long long) value, want < 0 ? 0 : want);
}

/* name_seen - PFS_STATS_VISIT that looks for one name */

struct seen {
    const char *name;
    int     found;
};

static void name_seen(const char *name, uint64_t value, void *ctx)
{
    struct seen *s = ctx;

    (void) value;
    if (strcmp(name, s->name) == 0)
	s->found = 1;
}

/* feed - pfs_lines callback */

static void feed(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line(ctx, line, len, flags);
}

START_TEST(test_case)
{
    const struct pcase *pc = cases + _i;
    PFS_STATS *st = pfs_stats_create(0);
    char    err[256];
    PFS_PARSER *p = pfs_parser_create(st, pc->opts, err, sizeof(err));
    PFS_LINEBUF lb;
    struct check_ctx cc;
    const char *const *l;
    const struct expect *e;

    ck_assert_msg(p != 0, "parser: %s", err);
    pfs_lines_init(&lb, feed, p);
    for (l = pc->lines; *l; l++) {
	pfs_lines_feed(&lb, *l, line_len(*l));
	pfs_lines_feed(&lb, "\n", 1);
    }
    if (!held(pc))
	pfs_parser_flush(p);
    memset(&cc, 0, sizeof(cc));
    cc.pc = pc;
    pfs_stats_visit(st, check_one, &cc);
    /* A named counter that does not exist at all is a typo in the case. */
    for (e = pc->expect; e->name; e++) {
	struct seen s = {e->name, 0};

	pfs_stats_visit(st, name_seen, &s);
	if (!s.found && e->value != 0) {
	    cc.bad++;
	    cc.mlen += snprintf(cc.msg + cc.mlen, sizeof(cc.msg) - cc.mlen,
				"\n  %s does not exist, expected %llu", e->name, e->value);
	}
    }
    ck_assert_msg(cc.bad == 0, "case \"%s\":%s", pc->name, cc.msg);
    pfs_parser_free(p);
    pfs_stats_free(st);
}
END_TEST

int     main(void)
{
    Suite  *s = suite_create("parser");
    TCase  *tc = tcase_create("cases");
    SRunner *sr;
    int     failed;

    tcase_add_loop_test(tc, test_case, 0, (int) (sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? 0 : 1);
}
