/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_units 1
 * SUMMARY
 *	unit tests of the parser's building blocks
 * SYNOPSIS
 *	tests/unit/parser/check_units
 * DESCRIPTION
 *	Focused tests, one module at a time, of what the table-driven
 *	cases in check_parser only reach through whole lines:
 * .IP pfs_lines
 *	complete and half-written lines, the pending count, overlong lines
 *	cut at PFS_LINE_MAX with the rest dropped across several writes,
 *	NUL bytes.
 * .IP pfs_syslog_split
 *	every header field: time (with microseconds and zone), host,
 *	instance, service, program, pid and text; headers it must refuse.
 * .IP pfs_qtable
 *	the cap and FIFO eviction, remove, reuse of a queue ID, sources.
 * .IP pfs_stats
 *	the row cap, the "(other)" row and the overflow counters, flat
 *	names, and a set_by_name() round trip.
 * .IP pfs_parser
 *	table caps seen through whole lines (the harness of check_parser
 *	always uses the default caps).
 *--*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_lines.h"
#include "pfs_parser.h"
#include "pfs_qtable.h"
#include "pfs_stats.h"
#include "pfs_syslog.h"

/*
 * pfs_lines: a callback that records what it was given.
 */
#define MAX_GOT	16

struct got {
    size_t  n;
    size_t  len[MAX_GOT];
    int     flags[MAX_GOT];
    char    head[MAX_GOT][32];		/* first bytes of each line */
    char    tail[MAX_GOT];		/* last byte, or 0 */
};

/* record - PFS_LINE_FN that remembers each line */

static void record(const char *line, size_t len, int flags, void *ctx)
{
    struct got *g = ctx;
    size_t  n = len < sizeof(g->head[0]) - 1 ? len : sizeof(g->head[0]) - 1;

    ck_assert_uint_lt(g->n, MAX_GOT);
    g->len[g->n] = len;
    /* PFS_LINE_NUL_CHECKED only says PFS_LINE_NUL is known: keep the rest. */
    g->flags[g->n] = flags & ~PFS_LINE_NUL_CHECKED;
    memcpy(g->head[g->n], line, n);
    g->head[g->n][n] = 0;
    g->tail[g->n] = len ? line[len - 1] : 0;
    g->n++;
}

/* filled - a buffer of n copies of c */

static char *filled(size_t n, int c)
{
    char   *p = malloc(n);

    ck_assert_ptr_nonnull(p);
    memset(p, c, n);
    return (p);
}

START_TEST(lines_complete)
{
    PFS_LINEBUF lb;
    struct got g = {0};
    const char data[] = "one\ntwo\n\nfour\n";

    pfs_lines_init(&lb, record, &g);
    ck_assert_uint_eq(pfs_lines_feed(&lb, data, sizeof(data) - 1), 4);
    ck_assert_uint_eq(g.n, 4);
    ck_assert_str_eq(g.head[0], "one");
    ck_assert_str_eq(g.head[1], "two");
    ck_assert_uint_eq(g.len[2], 0);			/* empty line */
    ck_assert_str_eq(g.head[3], "four");
    ck_assert_int_eq(g.flags[0] | g.flags[1] | g.flags[2] | g.flags[3], 0);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
}
END_TEST

START_TEST(lines_half_written)
{
    PFS_LINEBUF lb;
    struct got g = {0};

    pfs_lines_init(&lb, record, &g);
    /* A writer that flushed in the middle of a line. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, "first\nsec", 9), 1);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 3);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "on", 2), 0);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 5);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "d\nthird\nfour", 12), 2);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.head[1], "second");
    ck_assert_uint_eq(g.len[1], 6);
    ck_assert_str_eq(g.head[2], "third");
    ck_assert_uint_eq(pfs_lines_pending(&lb), 4);
    /* A newline on its own completes the held line. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, "\n", 1), 1);
    ck_assert_str_eq(g.head[3], "four");
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    /* Nothing at all is a no-op. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, "", 0), 0);
    ck_assert_uint_eq(g.n, 4);
}
END_TEST

START_TEST(lines_reset)
{
    PFS_LINEBUF lb;
    struct got g = {0};

    pfs_lines_init(&lb, record, &g);
    pfs_lines_feed(&lb, "stale half line", 15);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 15);
    pfs_lines_reset(&lb);				/* file was truncated */
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "fresh\n", 6), 1);
    ck_assert_str_eq(g.head[0], "fresh");
    ck_assert_uint_eq(g.len[0], 5);
}
END_TEST

START_TEST(lines_exact_max)
{
    PFS_LINEBUF lb;
    struct got g = {0};
    char   *buf = filled(PFS_LINE_MAX + 1, 'a');

    pfs_lines_init(&lb, record, &g);
    /* Exactly PFS_LINE_MAX bytes is not overlong, in one write ... */
    buf[PFS_LINE_MAX] = '\n';
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, PFS_LINE_MAX + 1), 1);
    ck_assert_uint_eq(g.len[0], PFS_LINE_MAX);
    ck_assert_int_eq(g.flags[0], 0);
    /* ... nor when the newline comes in a later write. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, PFS_LINE_MAX), 0);
    ck_assert_uint_eq(pfs_lines_pending(&lb), PFS_LINE_MAX);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "\n", 1), 1);
    ck_assert_uint_eq(g.len[1], PFS_LINE_MAX);
    ck_assert_int_eq(g.flags[1], 0);
    /* One byte more is. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, PFS_LINE_MAX), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "b\n", 2), 1);
    ck_assert_uint_eq(g.len[2], PFS_LINE_MAX);
    ck_assert_int_eq(g.flags[2], PFS_LINE_OVERLONG);
    ck_assert_int_eq(g.tail[2], 'a');
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    free(buf);
}
END_TEST

START_TEST(lines_overlong_one_write)
{
    PFS_LINEBUF lb;
    struct got g = {0};
    size_t  n = 3 * PFS_LINE_MAX;
    char   *buf = filled(n + 6, 'x');

    memcpy(buf, "head", 4);
    buf[PFS_LINE_MAX] = 'y';			/* first byte cut off */
    memcpy(buf + n, "\nok\n", 4);
    pfs_lines_init(&lb, record, &g);
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, n + 4), 2);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_uint_eq(g.len[0], PFS_LINE_MAX);
    ck_assert_int_eq(g.flags[0], PFS_LINE_OVERLONG);
    ck_assert_int_eq(strncmp(g.head[0], "head", 4), 0);
    ck_assert_int_eq(g.tail[0], 'x');
    ck_assert_str_eq(g.head[1], "ok");
    ck_assert_int_eq(g.flags[1], 0);
    free(buf);
}
END_TEST

START_TEST(lines_overlong_many_writes)
{
    PFS_LINEBUF lb;
    struct got g = {0};
    char   *buf = filled(5000, 'x');

    pfs_lines_init(&lb, record, &g);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "start", 5), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, 5000), 0);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 5005);
    /* The write that crosses the limit passes the cut line on ... */
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, 5000), 1);
    ck_assert_uint_eq(g.len[0], PFS_LINE_MAX);
    ck_assert_int_eq(g.flags[0], PFS_LINE_OVERLONG);
    ck_assert_int_eq(strncmp(g.head[0], "startxxx", 8), 0);
    /* ... and nothing of the rest is held, however long it goes on. */
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, 5000), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, 5000), 0);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    ck_assert_uint_eq(g.n, 1);
    /* The rest ends at its newline; the next line is whole. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, "tail of the long line\nnext", 26), 0);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 4);
    ck_assert_uint_eq(pfs_lines_feed(&lb, " line\n", 6), 1);
    ck_assert_str_eq(g.head[1], "next line");
    ck_assert_int_eq(g.flags[1], 0);
    free(buf);
}
END_TEST

START_TEST(lines_overlong_ends_with_write)
{
    PFS_LINEBUF lb;
    struct got g = {0};
    char   *buf = filled(PFS_LINE_MAX + 100, 'z');

    pfs_lines_init(&lb, record, &g);
    /* Overlong and unterminated in one write: cut now, skip after. */
    ck_assert_uint_eq(pfs_lines_feed(&lb, buf, PFS_LINE_MAX + 100), 1);
    ck_assert_int_eq(g.flags[0], PFS_LINE_OVERLONG);
    ck_assert_uint_eq(pfs_lines_pending(&lb), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "\n\n", 2), 1);
    ck_assert_uint_eq(g.len[1], 0);			/* the empty line after it */
    free(buf);
}
END_TEST

START_TEST(lines_nul_bytes)
{
    PFS_LINEBUF lb;
    struct got g = {0};
    const char data[] = "a\0b\n\0\0\n";

    pfs_lines_init(&lb, record, &g);
    ck_assert_uint_eq(pfs_lines_feed(&lb, data, sizeof(data) - 1), 2);
    ck_assert_uint_eq(g.len[0], 3);
    ck_assert_int_eq(g.tail[0], 'b');
    ck_assert_uint_eq(g.len[1], 2);
    ck_assert_int_eq(g.flags[0], PFS_LINE_NUL);
    ck_assert_int_eq(g.flags[1], PFS_LINE_NUL);
    /* Held across writes, too (the parser then looks for NUL itself). */
    ck_assert_uint_eq(pfs_lines_feed(&lb, "x\0", 2), 0);
    ck_assert_uint_eq(pfs_lines_feed(&lb, "y\n", 2), 1);
    ck_assert_uint_eq(g.len[2], 3);
    ck_assert_int_eq(g.tail[2], 'y');
}
END_TEST

/*
 * pfs_syslog_split.
 */

/* str_is - counted string equals literal */

static int str_is(struct pfs_str s, const char *lit)
{
    return (s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0);
}

#define ck_str(s, lit) \
    ck_assert_msg(str_is((s), (lit)), "%s is \"%.*s\", expected \"%s\"", \
		  #s, (int) (s).len, (s).ptr, (lit))

/* split - split a literal, which must succeed */

static void split(const char *line, struct pfs_syslog *h)
{
    ck_assert_msg(pfs_syslog_split(line, strlen(line), h) == 0, "refused: %s", line);
}

START_TEST(syslog_rfc3164)
{
    struct pfs_syslog h;

    split("Nov 22 10:00:01 mx1 postfix/smtpd[1234]: connect from x[192.0.2.10]", &h);
    ck_assert_int_eq(h.time.year, 0);
    ck_assert_int_eq(h.time.mon, 11);
    ck_assert_int_eq(h.time.mday, 22);
    ck_assert_int_eq(h.time.hour, 10);
    ck_assert_int_eq(h.time.min, 0);
    ck_assert_int_eq(h.time.sec, 1);
    ck_assert_int_eq(h.time.usec, 0);
    ck_assert_int_eq(h.time.has_tz, 0);
    ck_str(h.host, "mx1");
    ck_str(h.tag, "postfix/smtpd");
    ck_str(h.instance, "postfix");
    ck_str(h.service, "");
    ck_str(h.program, "smtpd");
    ck_assert_int_eq(h.pid, 1234);
    ck_str(h.text, "connect from x[192.0.2.10]");

    /* Space-padded day, no host. */
    split("Jan  2 23:59:60 postfix/qmgr[900]: removed", &h);
    ck_assert_int_eq(h.time.mon, 1);
    ck_assert_int_eq(h.time.mday, 2);
    ck_assert_int_eq(h.time.hour, 23);
    ck_assert_int_eq(h.time.sec, 60);
    ck_str(h.host, "");
    ck_str(h.program, "qmgr");
    ck_assert_int_eq(h.pid, 900);

    /* maillog_file: zero-padded day. */
    split("Dec 05 09:12:01 e2e postfix/pickup[20381]: 02656A72756: uid=0 from=<s@e2e.test>", &h);
    ck_assert_int_eq(h.time.mon, 12);
    ck_assert_int_eq(h.time.mday, 5);
    ck_str(h.host, "e2e");
    ck_str(h.text, "02656A72756: uid=0 from=<s@e2e.test>");
}
END_TEST

START_TEST(syslog_rfc3339)
{
    struct pfs_syslog h;

    split("2026-11-22T10:00:01.123456+01:00 mx1 postfix-out/legal/smtp[77]: x", &h);
    ck_assert_int_eq(h.time.year, 2026);
    ck_assert_int_eq(h.time.mon, 11);
    ck_assert_int_eq(h.time.mday, 22);
    ck_assert_int_eq(h.time.hour, 10);
    ck_assert_int_eq(h.time.min, 0);
    ck_assert_int_eq(h.time.sec, 1);
    ck_assert_int_eq(h.time.usec, 123456);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 60);
    ck_str(h.host, "mx1");
    ck_str(h.tag, "postfix-out/legal/smtp");
    ck_str(h.instance, "postfix-out");
    ck_str(h.service, "legal");
    ck_str(h.program, "smtp");
    ck_assert_int_eq(h.pid, 77);
    ck_str(h.text, "x");

    split("2026-11-22T09:00:01.5Z mx1 postfix/smtpd[1]: x", &h);
    ck_assert_int_eq(h.time.usec, 500000);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 0);

    split("2026-11-22T04:30:01.123-05:30 mx1 postfix/smtpd[1]: x", &h);
    ck_assert_int_eq(h.time.usec, 123000);
    ck_assert_int_eq(h.time.tz_min, -330);

    /* More than six fraction digits: microseconds, the rest ignored. */
    split("2026-11-22T10:00:01.123456789+00:00 mx1 postfix/smtpd[1]: x", &h);
    ck_assert_int_eq(h.time.usec, 123456);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 0);

    /* No fraction, no zone, a space for the "T", no host. */
    split("2026-11-22 10:00:01 postfix/submission/smtpd[3110]: x", &h);
    ck_assert_int_eq(h.time.year, 2026);
    ck_assert_int_eq(h.time.usec, 0);
    ck_assert_int_eq(h.time.has_tz, 0);
    ck_str(h.host, "");
    ck_str(h.instance, "postfix");
    ck_str(h.service, "submission");
    ck_str(h.program, "smtpd");
}
END_TEST

START_TEST(syslog_pri_and_tags)
{
    struct pfs_syslog h;

    split("<22>Nov 22 10:00:01 mx1 postfix/smtp[5]: x", &h);
    ck_str(h.host, "mx1");
    ck_str(h.program, "smtp");

    split("<165>2026-11-22T10:00:01.000001+01:00 mx1 amavis[12345]: (12345-01) Passed CLEAN", &h);
    ck_assert_int_eq(h.time.usec, 1);
    ck_str(h.tag, "amavis");
    ck_str(h.instance, "");
    ck_str(h.service, "");
    ck_str(h.program, "amavis");
    ck_str(h.text, "(12345-01) Passed CLEAN");

    /* A tag without a pid. */
    split("Nov 22 10:00:01 mx1 kernel: [12.345678] eth0: link up", &h);
    ck_str(h.tag, "kernel");
    ck_assert_int_eq(h.pid, -1);
    ck_str(h.text, "[12.345678] eth0: link up");

    split("Nov 22 10:00:01 mx1 dovecot: imap-login: Login: user=<bob>", &h);
    ck_str(h.host, "mx1");
    ck_str(h.tag, "dovecot");
    ck_str(h.text, "imap-login: Login: user=<bob>");

    /* Multi-instance, no service. */
    split("Nov 22 10:00:01 mx1 postfix-out/qmgr[2902]: x", &h);
    ck_str(h.instance, "postfix-out");
    ck_str(h.service, "");
    ck_str(h.program, "qmgr");

    /* Empty text. */
    split("Nov 22 10:00:01 mx1 postfix/smtpd[1]:", &h);
    ck_assert_uint_eq(h.text.len, 0);
}
END_TEST

START_TEST(syslog_journal_formats)
{
    struct pfs_syslog h;

    /* journalctl -o short-iso: a "+0100" offset without a colon. */
    split("2025-11-22T03:58:50+0100 e2e postfix/smtpd[28504]: 8009BA72BDB: client=x", &h);
    ck_assert_int_eq(h.time.year, 2025);
    ck_assert_int_eq(h.time.hour, 3);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 60);
    ck_str(h.host, "e2e");
    ck_str(h.program, "smtpd");
    ck_str(h.text, "8009BA72BDB: client=x");
    split("2025-11-21T23:28:50-0330 e2e postfix/qmgr[28492]: x", &h);
    ck_assert_int_eq(h.time.tz_min, -210);
    ck_assert_int_eq(h.time.mday, 21);

    /* -o short-iso-precise. */
    split("2025-11-22T03:58:50.000123+0000 e2e postfix/qmgr[28492]: x", &h);
    ck_assert_int_eq(h.time.usec, 123);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 0);

    /* -o short-precise: RFC 3164 with microseconds. */
    split("Nov 22 03:58:50.250000 e2e postfix/smtp[28510]: x", &h);
    ck_assert_int_eq(h.time.year, 0);
    ck_assert_int_eq(h.time.mon, 11);
    ck_assert_int_eq(h.time.sec, 50);
    ck_assert_int_eq(h.time.usec, 250000);
    ck_assert_int_eq(h.time.has_tz, 0);
    ck_str(h.host, "e2e");
    ck_str(h.program, "smtp");

    /* -o short-full: weekday and a zone name (local time), or UTC, or an offset. */
    split("Sat 2025-11-22 03:58:50 CET e2e postfix/smtpd[28504]: x", &h);
    ck_assert_int_eq(h.time.year, 2025);
    ck_assert_int_eq(h.time.mon, 11);
    ck_assert_int_eq(h.time.mday, 22);
    ck_assert_int_eq(h.time.hour, 3);
    ck_assert_int_eq(h.time.has_tz, 0);
    ck_str(h.host, "e2e");
    ck_assert_int_eq(h.pid, 28504);
    split("Sat 2025-11-22 02:58:50 UTC e2e postfix/smtpd[28504]: x", &h);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 0);
    split("Sat 2025-11-22 06:58:50 +04 e2e postfix/smtpd[28504]: x", &h);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 240);
    split("Sat 2025-11-22 08:28:50 IST postfix/smtpd[28504]: x", &h);
    ck_str(h.host, "");
    ck_str(h.program, "smtpd");

    /* -o short-unix: seconds since the epoch, UTC. */
    split("1763780330.000001 e2e postfix/postfix-script[28486]: x", &h);
    ck_assert_int_eq(h.time.year, 2025);
    ck_assert_int_eq(h.time.mon, 11);
    ck_assert_int_eq(h.time.mday, 22);
    ck_assert_int_eq(h.time.hour, 2);
    ck_assert_int_eq(h.time.min, 58);
    ck_assert_int_eq(h.time.sec, 50);
    ck_assert_int_eq(h.time.usec, 1);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 0);
    ck_str(h.host, "e2e");
    ck_str(h.program, "postfix-script");
    split("0 postfix/qmgr[1]: x", &h);
    ck_assert_int_eq(h.time.year, 1970);
    ck_assert_int_eq(h.time.mon, 1);
    ck_assert_int_eq(h.time.mday, 1);
    ck_str(h.host, "");
}
END_TEST

START_TEST(syslog_rfc5424)
{
    struct pfs_syslog h;

    split("<22>1 2025-11-22T10:00:00Z mx1 postfix/smtp 123 - - 3F2A41C0E5: to=<b@x>", &h);
    ck_assert_int_eq(h.time.year, 2025);
    ck_assert_int_eq(h.time.hour, 10);
    ck_assert_int_eq(h.time.has_tz, 1);
    ck_assert_int_eq(h.time.tz_min, 0);
    ck_str(h.host, "mx1");
    ck_str(h.tag, "postfix/smtp");
    ck_str(h.instance, "postfix");
    ck_str(h.program, "smtp");
    ck_assert_int_eq(h.pid, 123);
    ck_str(h.text, "3F2A41C0E5: to=<b@x>");

    /* util-linux logger --rfc5424: structured data. */
    split("<22>1 2026-12-03T06:15:45.215361+00:00 vm postfix/smtpd 28504 - "
	  "[timeQuality tzKnown=\"1\" isSynced=\"0\"] connect from x", &h);
    ck_assert_int_eq(h.time.usec, 215361);
    ck_str(h.host, "vm");
    ck_str(h.text, "connect from x");

    /* Nil host, pid and time; a MSGID; escapes in SD; two elements; a BOM. */
    split("<22>1 2025-11-22T10:00:01+01:00 - postfix-out/legal/smtp - ID47 "
	  "[ex@32473 a=\"b]\\\"c\\\\\"][x@32473] text", &h);
    ck_str(h.host, "");
    ck_assert_int_eq(h.pid, -1);
    ck_str(h.instance, "postfix-out");
    ck_str(h.service, "legal");
    ck_str(h.program, "smtp");
    ck_str(h.text, "text");
    split("<22>1 - mx1 postfix/smtpd 7 - - \xef\xbb\xbftext", &h);
    ck_assert_int_eq(h.time.mon, 0);
    ck_str(h.text, "text");
    /* No MSG at all. */
    split("<22>1 2025-11-22T10:00:01Z mx1 postfix/smtpd 7 - -", &h);
    ck_assert_uint_eq(h.text.len, 0);
}
END_TEST

START_TEST(syslog_refused)
{
    static const char *const bad[] = {
	"",
	"garbage",
	"Nov 22 10:00:01",
	"Nov 22 10:00:01 ",
	"Nov 22 10:00:01 mx1",
	"Nov 22 10:00:01 mx1 notatag text",
	"Foo 22 10:00:01 mx1 postfix/smtpd[1]: x",
	"Nov 32 10:00:01 mx1 postfix/smtpd[1]: x",
	"Nov 22 24:00:01 mx1 postfix/smtpd[1]: x",
	"Nov 22 10:60:01 mx1 postfix/smtpd[1]: x",
	"Nov 22 10:00:01mx1 postfix/smtpd[1]: x",
	"2026-13-22T10:00:01+01:00 mx1 postfix/smtpd[1]: x",
	"2026-11-22X10:00:01+01:00 mx1 postfix/smtpd[1]: x",
	"2026-11-22T10:00:01+0x:00 mx1 postfix/smtpd[1]: x",
	"<22",
	"<123456789>Nov 22 10:00:01 mx1 postfix/smtpd[1]: x",
	"Nov 22 10:00:01 mx1 : x",
	/* Issue 12's header forms, broken. */
	"2026-11-22T10:00:01+01x mx1 postfix/smtpd[1]: x",
	"2026-11-22T10:00:01+0 mx1 postfix/smtpd[1]: x",
	"2026-11-22T10:00:01+01:0 mx1 postfix/smtpd[1]: x",
	"Nov 22 10:00:01. mx1 postfix/smtpd[1]: x",
	"Sat 2025-11-22 10:00:01 mx1",
	"Sat 2025-11-22 10:00:01",
	"Sat 2025-13-22 10:00:01 CET mx1 postfix/smtpd[1]: x",
	"Saturday, 2025-11-22 10:00:01 CET mx1 postfix/smtpd[1]: x",
	"1763780330123 mx1 postfix/smtpd[1]: x",
	"1763780330.x mx1 postfix/smtpd[1]: x",
	"17637.80330 ",
	"<22>1 ",
	"<22>1 2025-11-22T10:00:00Z",
	"<22>1 2025-11-22T10:00:00Z mx1 postfix/smtp",
	"<22>1 2025-11-22T10:00:00Z mx1 postfix/smtp 1 - [a=\"b] x",
	"<22>1 2025-11-22T10:00:00Z mx1 - 1 - - x",
	"<22>1 Nov 22 10:00:00 mx1 postfix/smtp 1 - - x",
	"<22>2 2025-11-22T10:00:00Z mx1 postfix/smtp 1 - - x",
    };
    struct pfs_syslog h;
    size_t  i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	ck_assert_msg(pfs_syslog_split(bad[i], strlen(bad[i]), &h) < 0,
		      "accepted: \"%s\"", bad[i]);
}
END_TEST

START_TEST(syslog_bounded)
{
    static const char *const lines[] = {
	"Nov 22 10:00:01 mx1 postfix/smtpd[1234]: connect from x",
	"Nov 22 10:00:01.123456 mx1 postfix/smtpd[1234]: connect from x",
	"2026-11-22T10:00:01.123456+01:00 mx1 postfix/smtpd[1234]: connect from x",
	"2026-11-22T10:00:01+0100 mx1 postfix/smtpd[1234]: connect from x",
	"Sat 2026-11-22 10:00:01 +04 mx1 postfix/smtpd[1234]: connect from x",
	"1763780330.000001 mx1 postfix/smtpd[1234]: connect from x",
	"<22>1 2026-11-22T10:00:01Z mx1 postfix/smtpd 1234 ID1 [a b=\"c\\\"]\"] x",
	"<22>1 - - postfix/smtpd - - - \xef\xbb\xbfx",
    };
    struct pfs_syslog h;
    size_t  i, n, len;
    char   *copy;

    /*
     * Every prefix is either refused or split within its length, read
     * from a buffer of exactly that length (AddressSanitizer sees any
     * byte read beyond it, under make check-unit of the ASan build).
     */
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
	len = strlen(lines[i]);
	ck_assert_int_eq(pfs_syslog_split(lines[i], len, &h), 0);
	for (n = 0; n <= len; n++) {
	    copy = malloc(n ? n : 1);
	    ck_assert_ptr_nonnull(copy);
	    memcpy(copy, lines[i], n);
	    if (pfs_syslog_split(copy, n, &h) == 0)
		ck_assert(h.text.ptr >= copy && h.text.ptr + h.text.len <= copy + n);
	    free(copy);
	}
    }
}
END_TEST

/*
 * pfs_qtable.
 */

/* add - add an ID, expect eviction or not */

static struct pfs_qentry *add(PFS_QTABLE *qt, uint64_t src, const char *id, int want_evict)
{
    int     evicted = -1;
    struct pfs_qentry *e = pfs_qtable_add(qt, src, id, strlen(id), &evicted);

    ck_assert_ptr_nonnull(e);
    ck_assert_msg(evicted == want_evict, "add %s: evicted %d", id, evicted);
    return (e);
}

/* has - is the ID in the table */

static int has(PFS_QTABLE *qt, uint64_t src, const char *id)
{
    return (pfs_qtable_find(qt, src, id, strlen(id)) != 0);
}

/* collect - PFS_QTABLE_VISIT that concatenates IDs */

static void collect(const struct pfs_qentry *e, void *ctx)
{
    char   *buf = ctx;

    strncat(buf, e->qid, 200 - strlen(buf) - 2);
    strcat(buf, " ");
}

START_TEST(qtable_fifo)
{
    PFS_QTABLE *qt = pfs_qtable_create(3);
    char    order[200] = "";

    add(qt, 0, "AAAAA", 0);
    add(qt, 0, "BBBBB", 0);
    add(qt, 0, "CCCCC", 0);
    ck_assert_uint_eq(pfs_qtable_count(qt), 3);
    /* Full: the oldest goes. */
    add(qt, 0, "DDDDD", 1);
    ck_assert_uint_eq(pfs_qtable_count(qt), 3);
    ck_assert(!has(qt, 0, "AAAAA"));
    ck_assert(has(qt, 0, "BBBBB") && has(qt, 0, "CCCCC") && has(qt, 0, "DDDDD"));
    add(qt, 0, "EEEEE", 1);
    ck_assert(!has(qt, 0, "BBBBB"));
    pfs_qtable_visit(qt, collect, order);
    ck_assert_str_eq(order, "CCCCC DDDDD EEEEE ");
    pfs_qtable_free(qt);
}
END_TEST

START_TEST(qtable_remove_reuse)
{
    PFS_QTABLE *qt = pfs_qtable_create(3);
    struct pfs_qentry *e;
    char    order[200] = "";

    add(qt, 0, "AAAAA", 0);
    e = add(qt, 0, "BBBBB", 0);
    add(qt, 0, "CCCCC", 0);
    pfs_qtable_remove(qt, e);
    ck_assert_uint_eq(pfs_qtable_count(qt), 2);
    ck_assert(!has(qt, 0, "BBBBB"));
    /* A free place again: no eviction. */
    add(qt, 0, "DDDDD", 0);
    ck_assert_uint_eq(pfs_qtable_count(qt), 3);

    /* A queue ID used again starts afresh and becomes the newest. */
    e = pfs_qtable_find(qt, 0, "AAAAA", 5);
    ck_assert_ptr_nonnull(e);
    e->flags |= PFS_QF_COUNTED;
    e->origin = PFS_ORIGIN_LOCAL;
    e = add(qt, 0, "AAAAA", 0);
    ck_assert_int_eq(e->flags, 0);
    ck_assert_int_eq(e->origin, 0);
    ck_assert_uint_eq(pfs_qtable_count(qt), 3);
    pfs_qtable_visit(qt, collect, order);
    ck_assert_str_eq(order, "CCCCC DDDDD AAAAA ");
    add(qt, 0, "EEEEE", 1);
    ck_assert(!has(qt, 0, "CCCCC"));

    /* Remove everything, then fill again. */
    while ((e = pfs_qtable_find(qt, 0, "DDDDD", 5)) != 0
	   || (e = pfs_qtable_find(qt, 0, "AAAAA", 5)) != 0
	   || (e = pfs_qtable_find(qt, 0, "EEEEE", 5)) != 0)
	pfs_qtable_remove(qt, e);
    ck_assert_uint_eq(pfs_qtable_count(qt), 0);
    add(qt, 0, "FFFFF", 0);
    add(qt, 0, "GGGGG", 0);
    add(qt, 0, "HHHHH", 0);
    add(qt, 0, "JJJJJ", 1);
    pfs_qtable_free(qt);
}
END_TEST

START_TEST(qtable_sources)
{
    PFS_QTABLE *qt = pfs_qtable_create(10);
    struct pfs_qentry *a, *b;
    char    longid[PFS_QID_MAX + 10];

    a = add(qt, 1, "3F2A41C0E5", 0);
    b = add(qt, 2, "3F2A41C0E5", 0);
    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq(a->sid, 1);
    ck_assert_uint_eq(b->sid, 2);
    ck_assert_ptr_eq(pfs_qtable_find(qt, 1, "3F2A41C0E5", 10), a);
    ck_assert_ptr_eq(pfs_qtable_find(qt, 2, "3F2A41C0E5", 10), b);
    ck_assert(!has(qt, 3, "3F2A41C0E5"));
    ck_assert(!has(qt, 1, "3F2A41C0E"));

    /* An ID longer than PFS_QID_MAX is kept cut, and found the same way. */
    memset(longid, 'B', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = 0;
    a = add(qt, 1, longid, 0);
    ck_assert_uint_eq(a->qlen, PFS_QID_MAX);
    ck_assert_uint_eq(strlen(a->qid), PFS_QID_MAX);
    ck_assert(has(qt, 1, longid));
    pfs_qtable_free(qt);
}
END_TEST

START_TEST(qtable_grow)
{
    PFS_QTABLE *qt = pfs_qtable_create(1000);
    char    id[16];
    int     i;

    /* Beyond the first allocation of nodes. */
    for (i = 0; i < 1000; i++) {
	snprintf(id, sizeof(id), "%010X", i);
	add(qt, 0, id, 0);
    }
    ck_assert_uint_eq(pfs_qtable_count(qt), 1000);
    for (i = 0; i < 1000; i++) {
	snprintf(id, sizeof(id), "%010X", i);
	ck_assert_msg(has(qt, 0, id), "lost %s", id);
    }
    add(qt, 0, "NEWONE", 1);
    ck_assert(!has(qt, 0, "0000000000"));
    ck_assert(has(qt, 0, "0000000001"));
    pfs_qtable_free(qt);
}
END_TEST

/*
 * pfs_stats.
 */

/* flat_get - value of a counter by its flat name, -1 if absent */

struct lookup {
    const char *name;
    long long value;
};

static void find_name(const char *name, uint64_t value, void *ctx)
{
    struct lookup *l = ctx;

    if (strcmp(name, l->name) == 0)
	l->value = (long long) value;
}

static long long flat_get(const PFS_STATS *st, const char *name)
{
    struct lookup l = {name, -1};

    pfs_stats_visit(st, find_name, &l);
    return (l.value);
}

START_TEST(stats_cap_other)
{
    size_t  caps[PFS_TABLE_COUNT] = {3, 0, 0, 0};
    PFS_STATS *st = pfs_stats_create(caps);
    size_t  smtp, local, pipe, other;

    smtp = pfs_table_row(st, PFS_TBL_TRANSPORT, "smtp", 4);
    local = pfs_table_row(st, PFS_TBL_TRANSPORT, "local", 5);
    ck_assert_uint_ne(smtp, local);
    ck_assert_uint_eq(pfs_scalar_get(st, PFS_OVERFLOW_TRANSPORT), 0);
    /* The last place is the other row's. */
    pipe = pfs_table_row(st, PFS_TBL_TRANSPORT, "pipe", 4);
    ck_assert_str_eq(pfs_table_key(st, PFS_TBL_TRANSPORT, pipe), PFS_OTHER_KEY);
    ck_assert_uint_eq(pfs_scalar_get(st, PFS_OVERFLOW_TRANSPORT), 1);
    other = pfs_table_row(st, PFS_TBL_TRANSPORT, "virtual", 7);
    ck_assert_uint_eq(other, pipe);
    ck_assert_uint_eq(pfs_scalar_get(st, PFS_OVERFLOW_TRANSPORT), 2);
    /* Each line with a new key counts, even the same key again. */
    pfs_table_row(st, PFS_TBL_TRANSPORT, "pipe", 4);
    ck_assert_uint_eq(pfs_scalar_get(st, PFS_OVERFLOW_TRANSPORT), 3);
    /* Known keys keep their rows. */
    ck_assert_uint_eq(pfs_table_row(st, PFS_TBL_TRANSPORT, "local", 5), local);
    ck_assert_uint_eq(pfs_scalar_get(st, PFS_OVERFLOW_TRANSPORT), 3);
    ck_assert_uint_eq(pfs_table_rows(st, PFS_TBL_TRANSPORT), 3);
    ck_assert_uint_eq(pfs_table_cap(st, PFS_TBL_TRANSPORT), 3);

    pfs_table_add(st, PFS_TBL_TRANSPORT, smtp, PFS_TC_SENT, 5);
    pfs_table_add(st, PFS_TBL_TRANSPORT, other, PFS_TC_SENT, 2);
    ck_assert_int_eq(flat_get(st, "sent:smtp"), 5);
    ck_assert_int_eq(flat_get(st, "sent:(other)"), 2);
    ck_assert_int_eq(flat_get(st, "sent:pipe"), -1);
    /* Other tables keep their own (default) caps. */
    ck_assert_uint_eq(pfs_table_cap(st, PFS_TBL_DSN), PFS_DEF_CAP_DSN);
    pfs_stats_free(st);
}
END_TEST

START_TEST(stats_flat_names)
{
    PFS_STATS *st = pfs_stats_create(0);
    char    buf[PFS_KEY_MAX + 64];
    char    key[PFS_KEY_MAX + 50];
    size_t  row;

    pfs_scalar_inc(st, PFS_RECV);
    pfs_table_add(st, PFS_TBL_TRANSPORT,
		  pfs_table_row(st, PFS_TBL_TRANSPORT, "legal", 5), PFS_TC_5XX, 1);
    pfs_table_add(st, PFS_TBL_DSN, pfs_table_row(st, PFS_TBL_DSN, "5.7.1", 5), PFS_DC_REJECT, 2);
    pfs_table_add(st, PFS_TBL_DSN, pfs_table_row(st, PFS_TBL_DSN, "2.0.0", 5), PFS_DC_DELIVERY, 3);
    pfs_table_add(st, PFS_TBL_PROGRAM, pfs_table_row(st, PFS_TBL_PROGRAM, "smtpd", 5), PFS_PC_WARNING, 4);
    pfs_table_add(st, PFS_TBL_SOURCE, pfs_table_row(st, PFS_TBL_SOURCE, "mx1/postfix", 11), PFS_SC_RECV, 6);
    ck_assert_int_eq(flat_get(st, "recv"), 1);
    ck_assert_int_eq(flat_get(st, "5xx:legal"), 1);
    ck_assert_int_eq(flat_get(st, "reject-dsn:5.7.1"), 2);
    ck_assert_int_eq(flat_get(st, "dsn:2.0.0"), 3);
    ck_assert_int_eq(flat_get(st, "warning:smtpd"), 4);
    ck_assert_int_eq(flat_get(st, "source:mx1/postfix:recv"), 6);
    ck_assert_int_eq(flat_get(st, "source:mx1/postfix:lines"), 0);
    ck_assert_str_eq(pfs_scalar_name(PFS_LINES_OVERLONG), "lines:overlong");

    ck_assert_int_eq(pfs_stats_flat_name(buf, sizeof(buf), PFS_TBL_SOURCE, "-/postfix", PFS_SC_SENT), 21);
    ck_assert_str_eq(buf, "source:-/postfix:sent");
    ck_assert_int_lt(pfs_stats_flat_name(buf, 8, PFS_TBL_TRANSPORT, "smtp", PFS_TC_SENT), 0);

    /* Keys are cut at PFS_KEY_MAX bytes. */
    memset(key, 'k', sizeof(key));
    row = pfs_table_row(st, PFS_TBL_PROGRAM, key, sizeof(key));
    ck_assert_uint_eq(strlen(pfs_table_key(st, PFS_TBL_PROGRAM, row)), PFS_KEY_MAX);
    ck_assert_uint_eq(pfs_table_row(st, PFS_TBL_PROGRAM, key, PFS_KEY_MAX), row);
    pfs_stats_free(st);
}
END_TEST

/* copy_one - PFS_STATS_VISIT that sets every name in another store */

static void copy_one(const char *name, uint64_t value, void *ctx)
{
    ck_assert_msg(pfs_stats_set_by_name(ctx, name, value) == 0, "set %s", name);
}

/* dump_one - PFS_STATS_VISIT that appends "name=value " */

struct dump {
    char    buf[4096];
    size_t  len;
};

static void dump_one(const char *name, uint64_t value, void *ctx)
{
    struct dump *d = ctx;

    if (value == 0)
	return;
    d->len += snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "%s=%llu ",
		       name, (unsigned long long) value);
    ck_assert_uint_lt(d->len, sizeof(d->buf));
}

START_TEST(stats_set_by_name)
{
    PFS_STATS *a = pfs_stats_create(0);
    PFS_STATS *b = pfs_stats_create(0);
    struct dump da = {{0}, 0};
    struct dump db = {{0}, 0};

    ck_assert_int_eq(pfs_stats_set_by_name(a, "recv", 42), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "bytes:recv", UINT64_MAX), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "sent:smtp", 7), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "4xx:legal", 3), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "dsn:2.0.0", 9), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "reject-dsn:5.7.1", 8), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "panic:qmgr", 1), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "source:mx1/postfix:reject", 5), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "source:mx1:8080/postfix-out:lines", 11), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(a, "sent:(other)", 2), 0);

    ck_assert_int_eq(flat_get(a, "recv"), 42);
    ck_assert_uint_eq(pfs_scalar_get(a, PFS_BYTES_RECV), UINT64_MAX);
    ck_assert_int_eq(flat_get(a, "sent:smtp"), 7);
    ck_assert_int_eq(flat_get(a, "source:mx1:8080/postfix-out:lines"), 11);

    /* Names that are no counter. */
    ck_assert_int_lt(pfs_stats_set_by_name(a, "nosuch", 1), 0);
    ck_assert_int_lt(pfs_stats_set_by_name(a, "bogus:smtp", 1), 0);
    ck_assert_int_lt(pfs_stats_set_by_name(a, "sent:", 1), 0);
    ck_assert_int_lt(pfs_stats_set_by_name(a, "source:mx1/postfix", 1), 0);
    ck_assert_int_lt(pfs_stats_set_by_name(a, "source:mx1/postfix:nosuch", 1), 0);

    /* Round trip: what a visit prints, set_by_name restores. */
    pfs_stats_visit(a, copy_one, b);
    pfs_stats_visit(a, dump_one, &da);
    pfs_stats_visit(b, dump_one, &db);
    ck_assert_str_eq(da.buf, db.buf);
    ck_assert_uint_gt(da.len, 0);
    pfs_stats_free(a);
    pfs_stats_free(b);
}
END_TEST

/*
 * pfs_parser with small table caps.
 */

/* parse - feed literal lines to a parser */

static void parse(PFS_PARSER *p, const char *const *lines)
{
    for (; *lines; lines++)
	pfs_parser_line(p, *lines, strlen(*lines), 0);
}

START_TEST(parser_caps)
{
    size_t  caps[PFS_TABLE_COUNT] = {2, 2, 2, 2};
    PFS_STATS *st = pfs_stats_create(caps);
    char    err[256];
    PFS_PARSER *p = pfs_parser_create(st, 0, err, sizeof(err));
    static const char *const lines[] = {
	"Nov 22 10:00:01 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<a@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.5, delays=0.1/0.1/0.2/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
	"Nov 22 10:00:02 mx1 postfix/local[1260]: 3F2A41C0E6: to=<b@mx1.example.net>, relay=local, delay=0.1, delays=0.05/0.01/0/0.04, dsn=2.0.0, status=sent (delivered to mailbox)",
	"Nov 22 10:00:03 mx1 postfix/pipe[1290]: 3F2A41C0E7: to=<c@example.net>, relay=dovecot, delay=0.2, delays=0.1/0.01/0/0.09, dsn=5.3.0, status=bounced (Command died with status 1)",
	"Nov 22 10:00:04 mx2 postfix/smtpd[1234]: warning: hostname x does not resolve",
	"Nov 22 10:00:05 mx2 postfix/qmgr[900]: warning: something",
	0,
    };

    ck_assert_msg(p != 0, "parser: %s", err);
    parse(p, lines);
    /* Totals stay exact; the keys that found a full table go to (other). */
    ck_assert_int_eq(flat_get(st, "sent"), 2);
    ck_assert_int_eq(flat_get(st, "bounced"), 1);
    ck_assert_int_eq(flat_get(st, "sent:smtp"), 1);
    ck_assert_int_eq(flat_get(st, "sent:(other)"), 1);
    ck_assert_int_eq(flat_get(st, "bounced:(other)"), 1);
    ck_assert_int_eq(flat_get(st, "5xx:(other)"), 1);
    ck_assert_int_eq(flat_get(st, "overflow:transport"), 2);
    ck_assert_int_eq(flat_get(st, "dsn:2.0.0"), 2);
    ck_assert_int_eq(flat_get(st, "dsn:(other)"), 1);
    ck_assert_int_eq(flat_get(st, "overflow:dsn"), 1);
    ck_assert_int_eq(flat_get(st, "warning:smtpd"), 1);
    ck_assert_int_eq(flat_get(st, "warning:(other)"), 1);
    ck_assert_int_eq(flat_get(st, "overflow:program"), 1);
    ck_assert_int_eq(flat_get(st, "source:mx1/postfix:lines"), 3);
    ck_assert_int_eq(flat_get(st, "source:(other):lines"), 2);
    ck_assert_int_eq(flat_get(st, "overflow:source"), 2);
    pfs_parser_free(p);
    pfs_stats_free(st);
}
END_TEST

/* collect_event - PFS_EVENT_FN that keeps the last event's numbers */

struct last_event {
    int     n;
    enum pfs_event_type type;
    enum pfs_status status;
    int     dsn_class;
    uint64_t size, delay_ms, delays_ms[4];
    unsigned nrcpt;
    char    transport[32];
    char    relay[64];
};

static void collect_event(const struct pfs_event *ev, void *ctx)
{
    struct last_event *le = ctx;

    le->n++;
    le->type = ev->type;
    le->status = ev->status;
    le->dsn_class = ev->dsn_class;
    le->size = ev->size;
    le->nrcpt = ev->nrcpt;
    le->delay_ms = ev->delay_ms;
    memcpy(le->delays_ms, ev->delays_ms, sizeof(le->delays_ms));
    snprintf(le->transport, sizeof(le->transport), "%.*s",
	     (int) ev->transport.len, ev->transport.ptr);
    snprintf(le->relay, sizeof(le->relay), "%.*s", (int) ev->relay.len, ev->relay.ptr);
}

START_TEST(parser_events)
{
    PFS_STATS *st = pfs_stats_create(0);
    char    err[256];
    PFS_PARSER *p = pfs_parser_create(st, 0, err, sizeof(err));
    struct last_event le;
    static const char *const recv[] = {
	"Nov 22 10:00:01 mx1 postfix/smtpd[1234]: 3F2A41C0E5: client=mail.example.org[192.0.2.10]",
	"Nov 22 10:00:01 mx1 postfix/qmgr[900]: 3F2A41C0E5: from=<alice@example.org>, size=1834, nrcpt=3 (queue active)",
	0,
    };
    static const char *const deliv[] = {
	"Nov 22 10:00:02 mx1 postfix/legal/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, conn_use=2, delay=1234, delays=0.01/0.2/3/1230, dsn=4.4.2, status=deferred (conversation timed out)",
	0,
    };

    ck_assert_msg(p != 0, "parser: %s", err);
    memset(&le, 0, sizeof(le));
    pfs_parser_set_event(p, collect_event, &le);
    parse(p, recv);
    ck_assert_int_eq(le.n, 1);
    ck_assert_int_eq(le.type, PFS_EV_RECEIVED);
    ck_assert_uint_eq(le.size, 1834);
    ck_assert_uint_eq(le.nrcpt, 3);
    parse(p, deliv);
    ck_assert_int_eq(le.n, 2);
    ck_assert_int_eq(le.type, PFS_EV_DELIVERY);
    ck_assert_int_eq(le.status, PFS_ST_DEFERRED);
    ck_assert_int_eq(le.dsn_class, 4);
    ck_assert_str_eq(le.transport, "legal");
    ck_assert_str_eq(le.relay, "mx.example.net[198.51.100.7]:25");
    ck_assert_uint_eq(le.delay_ms, 1234000);
    ck_assert_uint_eq(le.delays_ms[0], 10);
    ck_assert_uint_eq(le.delays_ms[1], 200);
    ck_assert_uint_eq(le.delays_ms[2], 3000);
    ck_assert_uint_eq(le.delays_ms[3], 1230000);
    pfs_parser_free(p);
    pfs_stats_free(st);
}
END_TEST

/*
 * Issue 12: totals that do not depend on the source table's cap. 20,000
 * hosts (twice max_sources) each send messages whose queue IDs other
 * hosts use at the same time; every message is announced by smtpd and
 * taken by qmgr, so recv:smtp must be exact whatever the source table
 * holds.
 */
START_TEST(parser_sources_over_cap)
{
    PFS_STATS *st = pfs_stats_create(0);
    char    err[256];
    PFS_PARSER *p = pfs_parser_create(st, 0, err, sizeof(err));
    char    line[256];
    int     m, h, n;
    const int hosts = 20000, msgs = 10000, ids = 7;

    ck_assert_msg(p != 0, "parser: %s", err);
    /* Every host connects once: the source table fills up. */
    for (h = 0; h < hosts; h++) {
	n = snprintf(line, sizeof(line), "Nov 22 10:00:00 host%d postfix/smtpd[1]: "
		     "connect from mail.example.org[192.0.2.10]", h);
	pfs_parser_line(p, line, (size_t) n, 0);
    }
    /* Messages in waves of 50: announced first, then all taken by qmgr. */
    for (m = 0; m < msgs; m += 50) {
	for (h = m; h < m + 50; h++) {
	    n = snprintf(line, sizeof(line), "Nov 22 10:00:01 host%d postfix/smtpd[1]: "
			 "%010X: client=mail.example.org[192.0.2.10]",
			 (2 * h + 1) % hosts, 0x3F2A4100 + h % ids);
	    pfs_parser_line(p, line, (size_t) n, 0);
	}
	for (h = m; h < m + 50; h++) {
	    n = snprintf(line, sizeof(line), "Nov 22 10:00:02 host%d postfix/qmgr[2]: "
			 "%010X: from=<a@example.org>, size=100, nrcpt=1 (queue active)",
			 (2 * h + 1) % hosts, 0x3F2A4100 + h % ids);
	    pfs_parser_line(p, line, (size_t) n, 0);
	}
    }
    ck_assert_int_eq(flat_get(st, "recv:smtp"), msgs);
    ck_assert_int_eq(flat_get(st, "recv"), msgs);
    ck_assert_int_eq(flat_get(st, "bytes:recv"), 100LL * msgs);
    ck_assert_int_eq(flat_get(st, "overflow:queue"), 0);
    /* Only the per-source rows overflowed. */
    ck_assert_int_gt(flat_get(st, "overflow:source"), 0);
    ck_assert_int_gt(flat_get(st, "source:(other):recv"), 0);
    pfs_parser_free(p);
    pfs_stats_free(st);
}
END_TEST

/* Issue 12: numbers Postfix never writes reach no consumer. */
START_TEST(parser_bad_numbers)
{
    PFS_STATS *st = pfs_stats_create(0);
    char    err[256];
    PFS_PARSER *p = pfs_parser_create(st, 0, err, sizeof(err));
    struct last_event le;
    static const char *const recv[] = {
	"Nov 22 10:00:01 mx1 postfix/smtpd[1234]: 3F2A41C0E5: client=mail.example.org[192.0.2.10]",
	"Nov 22 10:00:01 mx1 postfix/qmgr[900]: 3F2A41C0E5: from=<alice@example.org>, size=9300000000000000000, nrcpt=-1 (queue active)",
	0,
    };
    static const char *const deliv[] = {
	"Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=1e308, delays=0.01/0.2/99999999999999999999/1.5, dsn=2.0.0, status=sent (250 Ok)",
	0,
    };
    static const char *const big[] = {
	"Nov 22 10:00:03 mx1 postfix/smtpd[1234]: 4F2A41C0E5: client=mail.example.org[192.0.2.10]",
	"Nov 22 10:00:03 mx1 postfix/qmgr[900]: 4F2A41C0E5: from=<alice@example.org>, size=1099511627776, nrcpt=2147483647 (queue active)",
	"Nov 22 10:00:04 mx1 postfix/smtp[1250]: 4F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=4294967295.999, delays=0/0/0/4294967295.999, dsn=2.0.0, status=sent (250 Ok)",
	0,
    };

    ck_assert_msg(p != 0, "parser: %s", err);
    memset(&le, 0, sizeof(le));
    pfs_parser_set_event(p, collect_event, &le);
    parse(p, recv);
    ck_assert_int_eq(le.n, 1);
    ck_assert_int_eq(le.type, PFS_EV_RECEIVED);
    ck_assert_uint_eq(le.size, 0);
    ck_assert_uint_eq(le.nrcpt, 0);
    parse(p, deliv);
    ck_assert_int_eq(le.n, 2);
    ck_assert_int_eq(le.type, PFS_EV_DELIVERY);
    ck_assert_uint_eq(le.delay_ms, 0);
    ck_assert_uint_eq(le.delays_ms[0], 10);
    ck_assert_uint_eq(le.delays_ms[1], 200);
    ck_assert_uint_eq(le.delays_ms[2], 0);
    ck_assert_uint_eq(le.delays_ms[3], 1500);
    ck_assert_int_eq(flat_get(st, "lines:bad-number"), 2);
    ck_assert_int_eq(flat_get(st, "bytes:recv"), 0);
    /* The largest numbers that are still taken. */
    parse(p, big);
    ck_assert_int_eq(le.n, 4);
    ck_assert_uint_eq(le.delay_ms, 4294967295999ULL);
    ck_assert_uint_eq(le.delays_ms[3], 4294967295999ULL);
    ck_assert_int_eq(flat_get(st, "bytes:recv"), 1099511627776LL);
    ck_assert_int_eq(flat_get(st, "lines:bad-number"), 2);
    pfs_parser_free(p);
    pfs_stats_free(st);
}
END_TEST

int     main(void)
{
    Suite  *s = suite_create("units");
    TCase  *tc;
    SRunner *sr;
    int     failed;

    tc = tcase_create("pfs_lines");
    tcase_add_test(tc, lines_complete);
    tcase_add_test(tc, lines_half_written);
    tcase_add_test(tc, lines_reset);
    tcase_add_test(tc, lines_exact_max);
    tcase_add_test(tc, lines_overlong_one_write);
    tcase_add_test(tc, lines_overlong_many_writes);
    tcase_add_test(tc, lines_overlong_ends_with_write);
    tcase_add_test(tc, lines_nul_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("pfs_syslog");
    tcase_add_test(tc, syslog_rfc3164);
    tcase_add_test(tc, syslog_rfc3339);
    tcase_add_test(tc, syslog_pri_and_tags);
    tcase_add_test(tc, syslog_journal_formats);
    tcase_add_test(tc, syslog_rfc5424);
    tcase_add_test(tc, syslog_refused);
    tcase_add_test(tc, syslog_bounded);
    suite_add_tcase(s, tc);

    tc = tcase_create("pfs_qtable");
    tcase_add_test(tc, qtable_fifo);
    tcase_add_test(tc, qtable_remove_reuse);
    tcase_add_test(tc, qtable_sources);
    tcase_add_test(tc, qtable_grow);
    suite_add_tcase(s, tc);

    tc = tcase_create("pfs_stats");
    tcase_add_test(tc, stats_cap_other);
    tcase_add_test(tc, stats_flat_names);
    tcase_add_test(tc, stats_set_by_name);
    suite_add_tcase(s, tc);

    tc = tcase_create("pfs_parser");
    tcase_add_test(tc, parser_caps);
    tcase_add_test(tc, parser_events);
    tcase_add_test(tc, parser_sources_over_cap);
    tcase_add_test(tc, parser_bad_numbers);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? 0 : 1);
}
