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
 *	The follower's catch-up (pfs_follow(3)): two followers on the same
 *	file, one on one thread and one on 2 or 3, each with its own parser,
 *	read a backlog of several times the size that starts the threads
 *	(copies of tests/data/postfix-e2e.log, each with its own queue IDs,
 *	among the parser's cases and overlong lines) ending in a half-written
 *	line, polled until caught up; then the rest of that line and a second
 *	backlog are appended. At each stage everything must be the same:
 *	what the parsers show, the follower's line counts and status, and
 *	the positions saved for the state file (offset, fingerprint and tail
 *	hashes, inode); the half-written line is held by both; the threads
 *	must have read most of the bytes, in more than one call. Once with
 *	the default sizes (backlogs of 56 and 17 MiB against 16 MiB, slices
 *	of 32 MiB; no events, for speed) and once with small ones and
 *	events, so that dozens of slices end at every kind of line.
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

#include "pfs_follow.h"
#include "pfs_lines.h"
#include "pfs_parser.h"
#include "pfs_pread.h"
#include "../parser/state_text.h"

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

/* add_copy - the captured log with copy c's own queue IDs and minutes */

static void add_copy(struct text *t, const struct text *e2e, unsigned c)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t  at = t->len;
    size_t  i;

    add(t, e2e->s, e2e->len);
    /* "8009BA72BDB": the A72 of every queue ID becomes the copy's code. */
    for (i = at + 5; i + 6 <= t->len; i++)
	if (memcmp(t->s + i, "A72", 3) == 0 && strspn(t->s + i - 5, "0123456789ABCDEF") >= 5) {
	    t->s[i] = hex[(c >> 8) & 15];
	    t->s[i + 1] = hex[(c >> 4) & 15];
	    t->s[i + 2] = hex[c & 15];
	}
}

/* make_backlog - about len bytes: copies of the capture among odd lines */

static void make_backlog(struct text *t, const struct text *e2e, size_t len,
			         unsigned *copy)
{
    static const size_t longs[] = {8191, 8192, 8193, 20000, 70000};

    while (t->len < len) {
	add_copy(t, e2e, (*copy)++ % 4096);
	if (*copy % 97 == 0)
	    add_cases(t);
	if (*copy % 13 == 0)
	    add_long(t, longs[*copy % N(longs)]);
	if (*copy % 29 == 0)
	    add(t, "\n\0\0\n", 4);
    }
}

/* A follower and its parser. */
struct follower {
    struct run r;
    PFS_FOLLOW *fw;
    int     behind;			/* the start left a backlog */
};

/* follower_up - follow path from its start on threads threads */

static void follower_up(struct follower *f, char *path, int threads, int small)
{
    char   *paths[1] = {path};

    memset(f, 0, sizeof(*f));
    run_init(&f->r, small);			/* events: text of every one */
    f->fw = pfs_follow_create_flags(f->r.p, paths, 1, 1, 1, PFS_FOLLOW_NO_INOTIFY);
    ck_assert(f->fw != 0);
    pfs_follow_set_threads(f->fw, threads);
    if (small)
	pfs_follow_set_catchup(f->fw, 100000, 60001);
    pfs_follow_start(f->fw);
    f->behind = pfs_follow_backlog(f->fw);
}

/* follower_read - poll until caught up */

static void follower_read(struct follower *f)
{
    do {
	pfs_follow_poll(f->fw);
    } while (pfs_follow_backlog(f->fw));
}

/* same_follow - everything the two followers keep is the same */

static void same_follow(struct follower *a, struct follower *b, const char *stage,
			        uint64_t held)
{
    struct pfs_follow_status sa, sb;
    struct pfs_follow_pos ca, ra, cb, rb;
    char   *ta, *tb;

    pfs_follow_status(a->fw, 0, &sa);
    pfs_follow_status(b->fw, 0, &sb);
    ck_assert_msg(sa.open && sb.open, "%s: the file is open", stage);
    ck_assert_msg(sa.lines == sb.lines, "%s: lines %llu, on threads %llu", stage,
		  (unsigned long long) sa.lines, (unsigned long long) sb.lines);
    ck_assert_msg(sa.lines > 0, "%s: lines were read", stage);
    ck_assert_msg(sa.offset == sb.offset && sa.rotations == sb.rotations
		  && sa.dev == sb.dev && sa.ino == sb.ino,
		  "%s: status offset %llu, on threads %llu", stage,
		  (unsigned long long) sa.offset, (unsigned long long) sb.offset);
    pfs_follow_get_pos(a->fw, 0, &ca, &ra);
    pfs_follow_get_pos(b->fw, 0, &cb, &rb);
    ck_assert_msg(ca.valid && cb.valid, "%s: positions", stage);
    ck_assert_msg(ca.offset == cb.offset && ca.skipping == cb.skipping
		  && ca.dev == cb.dev && ca.ino == cb.ino,
		  "%s: saved offset %llu, on threads %llu", stage,
		  (unsigned long long) ca.offset, (unsigned long long) cb.offset);
    ck_assert_msg(ca.fp_hash == cb.fp_hash && ca.fp_len == cb.fp_len
		  && ca.fp_len == PFS_FOLLOW_FP_MAX, "%s: fingerprints", stage);
    ck_assert_msg(ca.tail_hash == cb.tail_hash && ca.tail_len == cb.tail_len
		  && ca.tail_len == PFS_FOLLOW_FP_MAX, "%s: tail hashes", stage);
    ck_assert_msg(ca.mtime_ns == cb.mtime_ns && ca.prev_known == cb.prev_known
		  && ca.prev_hash == cb.prev_hash && ca.prev_len == cb.prev_len,
		  "%s: the rest of the position", stage);
    ck_assert_msg(!ra.valid && !rb.valid, "%s: no rotated file", stage);
    ck_assert_msg(pfs_follow_last_line(a->fw) != 0 && pfs_follow_last_line(b->fw) != 0,
		  "%s: last line times", stage);
    ck_assert_msg(pfs_follow_changes(a->fw) > 0 && pfs_follow_changes(b->fw) > 0,
		  "%s: changes moved", stage);
    ck_assert_msg(!pfs_follow_backlog(a->fw) && !pfs_follow_backlog(b->fw),
		  "%s: no backlog left", stage);
    /* The half-written last line is held, not counted. */
    {
	struct stat st;

	ck_assert(stat(pfs_follow_path(a->fw, 0), &st) == 0);
	ck_assert_msg(ca.offset + held == (uint64_t) st.st_size,
		      "%s: position %llu + %llu held != size %lld", stage,
		      (unsigned long long) ca.offset, (unsigned long long) held,
		      (long long) st.st_size);
    }
    ta = parser_state(a->r.st, a->r.p, &a->r.ev);
    tb = parser_state(b->r.st, b->r.p, &b->r.ev);
    ck_assert_msg(strcmp(ta, tb) == 0, "%s: the parsers differ at\n  one thread: %.300s\n"
		  "  threads:    %.300s", stage, differ(ta, tb), differ(tb, ta));
    free(ta);
    free(tb);
}

/* follower_down - the state after the flush; release */

static char *follower_down(struct follower *f)
{
    char   *out[2];

    pfs_follow_free(f->fw);
    run_done(&f->r, out);
    free(out[0]);
    return (out[1]);
}

/* A backlog caught up on threads: _i 0 default sizes, 1 small ones. */

START_TEST(test_follow)
{
    static const char half[] = "Nov 22 10:00:03 mx1 postfix/smtpd[1]: connect from half";
    static const char rest[] = "[192.0.2.4]\n";
    uint64_t backlog = _i ? 2000000 : (uint64_t) 56 << 20;
    uint64_t more = _i ? 2000000 : (uint64_t) 17 << 20;
    struct text e2e = {0, 0, 0};
    struct text t = {0, 0, 0};
    struct follower one, many;
    const char *top = getenv("top_srcdir");
    char    path[PATH_MAX];
    char   *log, *fa, *fb;
    unsigned copy = 0;
    uint64_t first;
    int     fd;

    snprintf(path, sizeof(path), "%s/tests/data/postfix-e2e.log", top ? top : "../..");
    read_file(path, &e2e);
    ck_assert(e2e.len > 10000);
    make_dir();
    make_backlog(&t, &e2e, backlog, &copy);
    add(&t, half, sizeof(half) - 1);
    log = write_log("follow.log", t.s, t.len);

    follower_up(&one, log, 1, _i);
    follower_up(&many, log, _i ? 3 : 2, _i);
    follower_read(&one);
    follower_read(&many);
    same_follow(&one, &many, "first backlog", sizeof(half) - 1);
    ck_assert_msg(pfs_follow_catchup_bytes(one.fw) == 0, "one thread: no catch-up on threads");
    ck_assert_msg(pfs_follow_catchup_bytes(many.fw) > t.len / 2,
		  "threads read %llu of %zu bytes", (unsigned long long)
		  pfs_follow_catchup_bytes(many.fw), t.len);
    if (!_i)
	ck_assert_msg(many.behind && one.behind, "the read budget still bounds a call");

    /* The rest of the held line, and more. */
    t.len = 0;
    add(&t, rest, sizeof(rest) - 1);
    make_backlog(&t, &e2e, more, &copy);
    add(&t, half, sizeof(half) - 1);
    ck_assert((fd = open(log, O_WRONLY | O_APPEND)) >= 0);
    ck_assert(write(fd, t.s, t.len) == (ssize_t) t.len);
    close(fd);
    first = pfs_follow_catchup_bytes(many.fw);
    follower_read(&one);
    follower_read(&many);
    same_follow(&one, &many, "second backlog", sizeof(half) - 1);
    ck_assert_msg(pfs_follow_catchup_bytes(many.fw) - first > t.len / 2,
		  "threads read %llu of the second backlog's %zu bytes", (unsigned long long)
		  (pfs_follow_catchup_bytes(many.fw) - first), t.len);

    fa = follower_down(&one);
    fb = follower_down(&many);
    ck_assert_msg(strcmp(fa, fb) == 0, "after the flush: the parsers differ at\n"
		  "  one thread: %.300s\n  threads:    %.300s", differ(fa, fb), differ(fb, fa));
    free(fa);
    free(fb);
    free(log);
    remove_dir();
    free(t.s);
    free(e2e.s);
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
    tc = tcase_create("follow");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_follow, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    (void) held_cases;
    return (failed == 0 ? 0 : 1);
}
