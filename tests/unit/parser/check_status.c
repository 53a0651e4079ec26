/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_status 1
 * SUMMARY
 *	the delivery line scanner reads what the DELIVERY pattern reads
 * SYNOPSIS
 *	tests/unit/parser/check_status
 * DESCRIPTION
 *	pfs_status_scan() reads the usual delivery status line by hand and
 *	must never differ from the DELIVERY pattern of pfs_parser.c. Every
 *	delivery status line of check_cases.h is taken, and mutated at
 *	every byte after "to=": the byte removed, doubled, or replaced by
 *	one of the bytes that matter to the pattern (",", " ", ">", "<",
 *	"\"", "/", ".", tab, newline, NUL, a digit, a letter, "\\"). Each line
 *	goes to a parser that uses the scanner and to one that uses the
 *	pattern alone (patterns_only), with events, and the two must show
 *	the same (state_text.h): the same lines match, with the same relay,
 *	delays, DSN, status and "queued as" after the status.
 *
 *	And the scanner must really answer: it reads nine in ten of the
 *	usual delivery lines of the cases itself (an address without a
 *	quote; the others are lines glued to the next by a crash, which
 *	the pattern refuses too).
 *--*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_parser.h"
#include "pfs_status.h"
#include "state_text.h"

#include "check_cases.h"

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* A parser, its store, its events. */
struct run {
    PFS_STATS *st;
    PFS_PARSER *p;
    struct text ev;
};

/* run_init - a fresh parser; patterns_only: no scanner */

static void run_init(struct run *r, int patterns_only)
{
    struct pfs_parser_opts opts;
    char    err[256];

    memset(r, 0, sizeof(*r));
    memset(&opts, 0, sizeof(opts));
    opts.patterns_only = patterns_only;
    r->st = pfs_stats_create(0);
    r->p = pfs_parser_create(r->st, &opts, err, sizeof(err));
    ck_assert_msg(r->p != 0, "parser: %s", err);
    pfs_parser_set_event(r->p, on_event, &r->ev);
}

/* run_free - release */

static void run_free(struct run *r)
{
    pfs_parser_free(r->p);
    pfs_stats_free(r->st);
    free(r->ev.s);
}

/* The two parsers: with the scanner, with the pattern alone. */
static struct run with, without;

/* both - one line to both parsers */

static void both(const char *line, size_t len)
{
    pfs_parser_line(with.p, line, len, 0);
    pfs_parser_line(without.p, line, len, 0);
}

/* same - the two parsers' states agree after the mutations of line */

static void same(const char *line, const char *what)
{
    char   *sa = parser_state(with.st, with.p, &with.ev);
    char   *sb = parser_state(without.st, without.p, &without.ev);
    size_t  i;

    for (i = 0; sa[i] && sa[i] == sb[i]; i++)
	 /* void */ ;
    while (i > 0 && sa[i - 1] != '\n')
	i--;
    ck_assert_msg(strcmp(sa, sb) == 0, "%s: scanner and pattern differ on the mutations of\n"
		  "  %.600s\n  scanner: %.400s\n  pattern: %.400s", what, line, sa + i, sb + i);
    free(sa);
    free(sb);
}

/* subject - where "to=<" starts in a delivery line, or NULL */

static const char *subject(const char *line)
{
    const char *s = strstr(line, ": to=<");

    return (s && strstr(s, ", status=") ? s + 2 : 0);
}

START_TEST(test_scanner_answers)
{
    struct pfs_status_fields f;
    const char *const *l;
    const char *s;
    size_t  i, n = 0, read = 0;

    for (i = 0; i < NCASES; i++)
	for (l = cases[i].lines; *l; l++) {
	    /* The usual shape: no quote, each address ends at its first ">". */
	    if ((s = subject(*l)) == 0 || strchr(s, '"') != 0
		|| strchr(s, '>')[1] != ','
		|| (strstr(s, "orig_to=<") && strchr(strstr(s, "orig_to=<"), '>')[1] != ','))
		continue;
	    n++;
	    if (pfs_status_scan(s, strlen(s), &f) == 1) {
		ck_assert(f.end > 0 && f.end <= strlen(s));
		read++;
	    }
	}
    /* A few are glued to the next line by a crash: the pattern refuses them too. */
    ck_assert_msg(read >= 20 && read * 10 >= n * 9, "the scanner read %zu of %zu usual "
		  "delivery lines of the cases", read, n);
}
END_TEST

/*
 * Lines where a scanner that read addresses too simply would find other
 * fields than the pattern: a quoted local part that holds ">, relay=...",
 * a ">" inside an unquoted address, fields out of their place.
 */
static const char *const tricky[] = {
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<\"a>, relay=evil.example[192.0.2.9]:25, delay=9, delays=9/9/9/9, dsn=5.0.0, status=bounced (x)\"@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4B1C2D3E4F)",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, orig_to=<\"a>, relay=evil.example[192.0.2.9]:25, delay=9, delays=9/9/9/9, dsn=5.0.0, status=bounced (x)\"@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<a>b, relay=evil.example[192.0.2.9]:25, delay=9, delays=9/9/9/9, dsn=5.0.0, status=bounced (x)@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<a\\\">, relay=evil.example[192.0.2.9]:25, delay=9, delays=9/9/9/9, dsn=5.0.0, status=bounced\">, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, conn_use=2, delay=0.52, delays=0.01/0.01/0.2/0.3, tls=TLSv1.3, dsn=4.7.1, status=undeliverable-but-not-cached (x)",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent\n",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent\nx",
    "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.1000.0, status=sent",
};

START_TEST(test_tricky)
{
    size_t  i;

    run_init(&with, 0);
    run_init(&without, 1);
    for (i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
	both(tricky[i], strlen(tricky[i]));
	same(tricky[i], "tricky lines");
    }
    run_free(&with);
    run_free(&without);
}
END_TEST

START_TEST(test_same_as_pattern)
{
    static const char bytes[] = ", ><\"/.\t\n\0" "7x\\";
    const struct pcase *pc = cases + _i;
    const char *const *l;
    const char *s;
    char    buf[16384];
    size_t  len, off, pos, k;

    run_init(&with, 0);
    run_init(&without, 1);
    for (l = pc->lines; *l; l++) {
	if ((s = subject(*l)) == 0 || (len = strlen(*l)) + 2 > sizeof(buf))
	    continue;
	off = (size_t) (s - *l);
	both(*l, len);
	for (pos = off + 3; pos < len; pos++) {
	    /* Removed, doubled. */
	    memcpy(buf, *l, pos);
	    memcpy(buf + pos, *l + pos + 1, len - pos - 1);
	    both(buf, len - 1);
	    memcpy(buf, *l, pos + 1);
	    memcpy(buf + pos + 1, *l + pos, len - pos);
	    both(buf, len + 1);
	    /* Replaced. */
	    for (k = 0; k < sizeof(bytes) - 1; k++) {
		memcpy(buf, *l, len);
		buf[pos] = bytes[k];
		both(buf, len);
	    }
	}
	same(*l, pc->name);
    }
    run_free(&with);
    run_free(&without);
}
END_TEST

int     main(void)
{
    Suite  *s = suite_create("status");
    TCase  *tc = tcase_create("scanner");
    SRunner *sr;
    int     failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_scanner_answers);
    tcase_add_test(tc, test_tricky);
    tcase_add_loop_test(tc, test_same_as_pattern, 0, (int) NCASES);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    (void) held_cases;
    (void) raw_lines;
    return (failed == 0 ? 0 : 1);
}
