/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_pread 1
 * SUMMARY
 *	a log read on several threads counts as one thread does
 * SYNOPSIS
 *	tests/unit/input/check_pread
 * DESCRIPTION
 *	pfs_pread(3) reads a file or a pipe to its end on several threads.
 *	Each test writes a log to a file in a private directory, reads it
 *	the way pfs_read_fd() does (read() in pieces of odd sizes through
 *	pfs_lines, the last line without a newline counted) and with
 *	pfs_pread_fd() on 1, 2 and 4 threads and blocks of 1 byte to the
 *	default size, and compares everything the parser shows
 *	(state_text.h: counters, events, messages in flight, waits, filter
 *	relays), before and after the final flush.
 *
 *	The logs: tests/data/postfix-e2e.log; every line of the parser's
 *	cases (check_cases.h: NUL bytes glued lines, overlong lines,
 *	content filters, ClamAV pairs, reused queue IDs, times that jump);
 *	those lines mixed with lines of 8,191 to 20,000 bytes, empty lines
 *	and runs of NUL bytes, so that block edges fall inside every kind
 *	of line, with and without a last newline; an empty file, newlines
 *	only, and one long line without a newline. Files are read from
 *	their start, from an offset inside a line and from a line start;
 *	the same bytes come through a pipe written in pieces of random
 *	sizes.
 *
 *	Under a thread sanitizer build this is the test of the threads.
 *--*/

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfs_lines.h"
#include "pfs_parser.h"
#include "pfs_pread.h"
#include "../parser/state_text.h"

struct expect {
    const char *name;
    unsigned long long value;
};

struct pcase {
    const char *name;
    const char *const *lines;
    const struct expect *expect;
    const struct pfs_parser_opts *opts;
};

struct raw_line {
    const char *ptr;
    size_t  len;
};

#define LINES(...) (const char *const[]){__VA_ARGS__, 0}
#define EXPECT(...) (const struct expect[]){__VA_ARGS__, {0, 0}}
#define NONE (const struct expect[]){{0, 0}}

#include "../parser/check_cases.h"

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static char dir[PATH_MAX - 64];

/* make_dir - a private directory for the logs */

static void make_dir(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/check_pread.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_msg(mkdtemp(dir) != 0, "mkdtemp %s: %s", dir, strerror(errno));
}

/* remove_dir - and what is in it */

static void remove_dir(void)
{
    char    cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
	fprintf(stderr, "cannot remove %s\n", dir);
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

/* add - bytes to a log */

static void add(struct text *t, const char *s, size_t len)
{
    need(t, len + 1);
    memcpy(t->s + t->len, s, len);
    t->len += len;
    t->s[t->len] = 0;
}

/* add_cases - every line of every case, each with its newline */

static void add_cases(struct text *t)
{
    const char *const *l;
    size_t  i;

    for (i = 0; i < NCASES; i++)
	for (l = cases[i].lines; *l; l++) {
	    add(t, *l, line_len(*l));
	    add(t, "\n", 1);
	}
}

/* add_long - a syslog line of exactly len bytes (and its newline) */

static void add_long(struct text *t, size_t len)
{
    static const char head[] = "Nov 22 10:00:01 mx1 postfix/smtpd[1234]: connect from ";
    size_t  i;

    add(t, head, sizeof(head) - 1);
    need(t, len);
    for (i = sizeof(head) - 1; i < len; i++)
	t->s[t->len++] = (char) ('a' + i % 26);
    add(t, "\n", 1);
}

/* read_file - the contents of a file */

static void read_file(const char *path, struct text *t)
{
    char    buf[4096];
    ssize_t n;
    int     fd = open(path, O_RDONLY);

    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    while ((n = read(fd, buf, sizeof(buf))) > 0)
	add(t, buf, (size_t) n);
    close(fd);
}

/* write_log - a log file of these bytes; its path */

static char *write_log(const char *name, const char *s, size_t len)
{
    size_t  plen = strlen(dir) + strlen(name) + 2;
    char   *path = malloc(plen);
    int     fd;

    ck_assert(path != 0);
    snprintf(path, plen, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
    ck_assert(write(fd, s, len) == (ssize_t) len);
    close(fd);
    return (path);
}

/* A parser, its store and its events. */
struct run {
    PFS_STATS *st;
    PFS_PARSER *p;
    struct text ev;
};

/* run_init - a fresh parser that notes events */

static void run_init(struct run *r, int events)
{
    static const char *const relays[] = {"127.0.0.1:10026"};
    struct pfs_parser_opts opts;
    char    err[256];

    memset(&opts, 0, sizeof(opts));
    opts.ignore_relays = relays;
    opts.n_ignore_relays = 1;

    memset(r, 0, sizeof(*r));
    r->st = pfs_stats_create(0);
    r->p = pfs_parser_create(r->st, &opts, err, sizeof(err));
    ck_assert_msg(r->p != 0, "parser: %s", err);
    if (events)
	pfs_parser_set_event(r->p, on_event, &r->ev);
}

/* run_done - the state before and after the flush; release */

static void run_done(struct run *r, char *out[2])
{
    out[0] = parser_state(r->st, r->p, &r->ev);
    pfs_parser_flush(r->p);
    out[1] = parser_state(r->st, r->p, &r->ev);
    pfs_parser_free(r->p);
    pfs_stats_free(r->st);
    free(r->ev.s);
}

/* feed - pfs_lines callback */

static void feed(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line(ctx, line, len, flags);
}

/* reference - read from offset on one thread, as pfs_read_fd() does */

static void reference(const char *path, off_t offset, int events, char *out[2])
{
    PFS_LINEBUF lb;
    struct run r;
    char    buf[4099];
    ssize_t n;
    int     fd = open(path, O_RDONLY);

    ck_assert(fd >= 0);
    ck_assert(lseek(fd, offset, SEEK_SET) == offset);
    run_init(&r, events);
    pfs_lines_init(&lb, feed, r.p);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
	pfs_lines_feed(&lb, buf, (size_t) n);
    if (pfs_lines_pending(&lb) > 0)
	pfs_lines_feed(&lb, "\n", 1);
    close(fd);
    run_done(&r, out);
}

/* A pipe writer: the bytes in pieces of random sizes. */
struct writer {
    int     fd;
    const char *s;
    size_t  len;
    unsigned seed;
};

/* write_pipe - thread: write, then close */

static void *write_pipe(void *arg)
{
    struct writer *w = arg;
    size_t  off = 0, n;

    while (off < w->len) {
	w->seed = w->seed * 1103515245u + 12345u;
	n = 1 + (w->seed >> 16) % 9000;
	if (n > w->len - off)
	    n = w->len - off;
	if (write(w->fd, w->s + off, n) != (ssize_t) n)
	    break;
	off += n;
    }
    close(w->fd);
    return (0);
}

/* threaded - read with pfs_pread (a pipe if content is given) */

static void threaded(const char *path, off_t offset, const struct text *content,
		             int threads, size_t block, int events, char *out[2])
{
    struct writer w;
    pthread_t tid;
    PFS_PREAD *pr;
    struct run r;
    int     fds[2];
    int     fd;

    run_init(&r, events);
    ck_assert((pr = pfs_pread_create(r.p, threads, block)) != 0);
    if (content) {
	ck_assert(pipe(fds) == 0);
	w.fd = fds[1];
	w.s = content->s + offset;
	w.len = content->len - (size_t) offset;
	w.seed = (unsigned) (threads * 31 + block);
	ck_assert(pthread_create(&tid, 0, write_pipe, &w) == 0);
	ck_assert_int_eq(pfs_pread_fd(pr, fds[0], "a pipe"), 0);
	ck_assert(pthread_join(tid, 0) == 0);
	close(fds[0]);
    } else {
	ck_assert((fd = open(path, O_RDONLY)) >= 0);
	ck_assert(lseek(fd, offset, SEEK_SET) == offset);
	ck_assert_int_eq(pfs_pread_fd(pr, fd, path), 0);
	close(fd);
    }
    pfs_pread_free(pr);
    run_done(&r, out);
}

/* differ - where two states part, for the message */

static const char *differ(const char *a, const char *b)
{
    size_t  i;

    for (i = 0; a[i] && a[i] == b[i]; i++)
	 /* void */ ;
    while (i > 0 && a[i - 1] != '\n')
	i--;
    return (a + i);
}

/* compare - every thread count and block size against one thread */

static void compare(const char *name, const struct text *content, off_t offset,
		            const size_t *blocks, size_t nblocks, int events)
{
    static const int threads[] = {1, 2, 4};
    char   *path = write_log(name, content->s, content->len);
    char   *ref[2], *got[2];
    size_t  b, t;
    int     pass, use_pipe;

    reference(path, offset, events, ref);
    for (use_pipe = 0; use_pipe < 2; use_pipe++)
	for (b = 0; b < nblocks; b++)
	    for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		/* A pipe is cut into blocks of whole lines: a few sizes do. */
		if (use_pipe && b > 1 && b + 1 < nblocks)
		    continue;
		threaded(path, offset, use_pipe ? content : 0, threads[t], blocks[b], events,
			 got);
		for (pass = 0; pass < 2; pass++) {
		    ck_assert_msg(strcmp(ref[pass], got[pass]) == 0,
				  "%s%s from %ld, %d threads, blocks of %zu, %s: differs %s "
				  "the flush at\n  one thread: %.300s\n  threads:    %.300s",
				  name, use_pipe ? " through a pipe" : "", (long) offset,
				  threads[t], blocks[b], events ? "events" : "no events",
				  pass ? "after" : "before", differ(ref[pass], got[pass]),
				  differ(got[pass], ref[pass]));
		    free(got[pass]);
		}
	    }
    free(ref[0]);
    free(ref[1]);
    free(path);
}

static const size_t small_blocks[] = {7, 64, 333, 4096, 8191, 8192, 8193, 8194, 9001,
65536, 0};
static const size_t big_blocks[] = {97, 4096, 8193, 65536, 0};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_e2e)
{
    struct text t = {0, 0, 0};
    const char *top = getenv("top_srcdir");
    char    path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/tests/data/postfix-e2e.log", top ? top : "../..");
    read_file(path, &t);
    ck_assert(t.len > 10000);
    make_dir();
    compare("postfix-e2e.log", &t, 0, small_blocks, N(small_blocks), _i);
    compare("postfix-e2e.log", &t, 777, big_blocks, N(big_blocks), _i);
    /* From a line start: the newline before it is not a line. */
    compare("postfix-e2e.log", &t, (off_t) (strchr(t.s + 5000, '\n') + 1 - t.s),
	    big_blocks, N(big_blocks), _i);
    remove_dir();
    free(t.s);
}
END_TEST

START_TEST(test_cases)
{
    struct text t = {0, 0, 0};

    add_cases(&t);
    make_dir();
    compare("cases.log", &t, 0, big_blocks, N(big_blocks), _i);
    /* Without the last newline. */
    t.len--;
    compare("cases-noeol.log", &t, 0, big_blocks, N(big_blocks), _i);
    remove_dir();
    free(t.s);
}
END_TEST

/* Long lines, empty lines and NUL runs among the cases, at every distance. */

START_TEST(test_edges)
{
    static const size_t lens[] = {8191, 8192, 8193, 8194, 8200, 20000};
    struct text t = {0, 0, 0};
    size_t  i;

    for (i = 0; i < N(lens); i++) {
	add_cases(&t);
	add_long(&t, lens[i % N(lens)]);
	if (i % 2)
	    add(&t, "\n\n", 2);
	else
	    add(&t, "\0\0\0\0", 4);
    }
    add_long(&t, 20000);
    t.len--;					/* a long last line without newline */
    make_dir();
    compare("edges.log", &t, 0, big_blocks + 1, N(big_blocks) - 1, _i);
    compare("edges.log", &t, 12345, big_blocks + 1, N(big_blocks) - 1, _i);
    remove_dir();
    free(t.s);
}
END_TEST

START_TEST(test_tiny)
{
    static const size_t blocks[] = {1, 2, 8192, 0};
    static const char few[] =
	"Nov 22 10:00:01 mx1 postfix/smtpd[1234]: 3F2A41C0E5: client=localhost[127.0.0.1]\n"
	"Nov 22 10:00:01 mx1 postfix/qmgr[900]: 3F2A41C0E5: from=<a@example.org>, size=10, nrcpt=1 (queue active)\n"
	"\0\0\0Nov 22 10:00:02 mx1 postfix/smtpd[1234]: connect from a[192.0.2.1]\n\n"
	"Nov 22 10:00:03 mx1 postfix/smtp[1250]: 4B1C2D3E4F: to=<b@example.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 3F2A41C0E5)";
    struct text t = {0, 0, 0};

    make_dir();
    add(&t, "", 0);
    compare("empty.log", &t, 0, blocks, N(blocks), _i);
    add(&t, "\n\n\n", 3);
    compare("newlines.log", &t, 0, blocks, N(blocks), _i);
    t.len = 0;
    add(&t, few, sizeof(few) - 1);
    compare("few.log", &t, 0, blocks, N(blocks), _i);
    t.len = 0;
    add_long(&t, 30000);
    t.len--;
    compare("long.log", &t, 0, blocks, N(blocks), _i);
    remove_dir();
    free(t.s);
}
END_TEST

int     main(void)
{
    Suite  *s = suite_create("pread");
    TCase  *tc = tcase_create("logs");
    SRunner *sr;
    int     failed;

    tcase_set_timeout(tc, 60);
    /* _i: without events (as --once), with events. */
    tcase_add_loop_test(tc, test_e2e, 0, 2);
    tcase_add_loop_test(tc, test_cases, 0, 2);
    tcase_add_loop_test(tc, test_edges, 0, 2);
    tcase_add_loop_test(tc, test_tiny, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    (void) held_cases;
    return (failed == 0 ? 0 : 1);
}
