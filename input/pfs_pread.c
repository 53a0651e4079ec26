/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_pread 3
 * SUMMARY
 *	read a log to its end on several threads
 * SYNOPSIS
 *	#include "pfs_pread.h"
 *
 *	PFS_PREAD *pfs_pread_create(parser, threads, block)
 *
 *	int	pfs_pread_fd(pr, fd, name)
 *
 *	int	pfs_pread_range(pr, fd, name, from, to, lines, upto)
 *
 *	void	pfs_pread_free(pr)
 *
 *	int	pfs_pread_cores()
 * DESCRIPTION
 *	pfs_pread_fd() reads what remains of an open log, up to its end,
 *	and feeds it to the parser as pfs_read_fd() (pfs_once.c) does: the
 *	same lines, the same counters, the same events, in the same order;
 *	a last line without a newline counts. The work is shared among
 *	threads: pfs_pread_create() starts threads - 1 of them, and the
 *	caller's thread is the last.
 *
 *	The log is cut into blocks of about block bytes
 *	(PFS_PREAD_BLOCK if 0). Any thread parses any block, with a parser
 *	worker of its own (pfs_parser_worker()) into the block's batch;
 *	the caller's thread, and only it, settles the batches on the
 *	parser in log order (pfs_parser_settle_batch()), and parses blocks
 *	while it has none to settle. So the parser, its events and
 *	whatever they reach run on the caller's thread only.
 *
 *	A regular file is read with pread(), each block by the thread that
 *	parses it: block k holds the lines that start in its k-th stretch
 *	of bytes, from the file's offset, and the thread reads a little
 *	beyond it to the end of the last of them (or the first
 *	PFS_LINE_MAX + 1 bytes of a line too long, which are all that
 *	count). The file is read up to the size it had when
 *	pfs_pread_fd() began. Anything else (a pipe) is read by the
 *	caller's thread through pfs_lines, as pfs_read_fd() does, into
 *	blocks of whole lines.
 *
 *	pfs_pread_range() reads the bytes from offset from to offset to of
 *	a regular file the same way, whatever its offset and size: from must
 *	be the start of a line and to the end of one (just after its
 *	newline), so that every line read is whole (a follower's catch-up:
 *	pfs_follow(3)). It adds the number of lines read to *lines (NULL: not
 *	wanted), and sets *upto where the lines counted end: to, or, after a
 *	failed read, the end of the stretch of the last block settled (the
 *	lines counted are those that start before it; from if none).
 *
 *	pfs_pread_cores() says how many processors the process may use.
 * DIAGNOSTICS
 *	pfs_pread_fd() and pfs_pread_range() return -1 when reading failed (logged with the
 *	name and the system's reason); the lines before the failure are
 *	counted. pfs_pread_create() returns NULL when it cannot start a
 *	thread or make a parser (logged).
 * SECURITY
 *	Lines are untrusted: they go to the parser as pfs_lines cuts
 *	them. Memory is bounded by the number of blocks in flight (two
 *	per thread), whatever the log.
 *--*/

#define _GNU_SOURCE			/* sched_getaffinity(), CPU_COUNT() */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfs_lines.h"
#include "pfs_log.h"
#include "pfs_pread.h"
#include "pfs_util.h"

enum slot_state {
    S_FREE,				/* the caller's to fill */
    S_QUEUED,				/* waits for a thread */
    S_BUSY,				/* a thread parses it */
    S_DONE,				/* parsed: waits to be settled */
};

struct slot {
    enum slot_state state;
    uint64_t off;			/* regular file: where the block starts */
    char   *buf;			/* the bytes read */
    size_t  cap;
    size_t  len;
    size_t  start;			/* the block's lines start at start, */
    size_t  limit;			/* before limit */
    int     err;			/* errno of a failed read, or 0 */
    size_t  lines;			/* lines the block holds, once parsed */
    PFS_BATCH *batch;
};

struct thread {
    PFS_PREAD *pr;
    PFS_PARSER *worker;
    pthread_t tid;
};

struct PFS_PREAD {
    PFS_PARSER *parser;
    int     nthreads;
    size_t  block;
    struct thread *threads;		/* [0] is the caller's */
    int     started;			/* threads running, besides the caller */
    pthread_mutex_t mu;
    pthread_cond_t work;		/* a block was queued, or quit */
    pthread_cond_t done;		/* a block was parsed */
    struct slot *slots;
    size_t  nslots;
    uint64_t queued;			/* blocks queued, ever */
    uint64_t taken;			/* blocks a thread took */
    uint64_t settled;			/* blocks settled */
    int     quit;
    /* The file being read: set before its blocks are queued. */
    int     fd;
    const char *name;
    int     regular;
    uint64_t first;			/* regular: where reading starts */
    uint64_t end;			/* regular: its size */
    int     failed;			/* a read failed: queue no more */
    uint64_t lines;			/* lines settled */
    uint64_t upto;			/* regular: the settled blocks end here */
    /* A pipe: the block being filled. */
    struct slot *fill;
};

#define SLOT(pr, seq)	((pr)->slots + (seq) % (pr)->nslots)

/* pfs_pread_cores - processors this process may run on */

int     pfs_pread_cores(void)
{
    cpu_set_t set;
    long    n;

    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
	return (CPU_COUNT(&set));
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return (n > 0 ? (int) n : 1);
}

/* read_window - read block s of a regular file, and say where its lines are */

static void read_window(PFS_PREAD *pr, struct slot *s)
{
    uint64_t from = s->off > 0 ? s->off - 1 : 0;
    uint64_t want = s->off + pr->block + PFS_LINE_MAX + 1;
    size_t  lim;
    ssize_t n;
    char   *nl;

    if (want > pr->end)
	want = pr->end;
    s->len = 0;
    s->err = 0;
    while (from + s->len < want) {
	n = pread(pr->fd, s->buf + s->len, (size_t) (want - from - s->len),
		  (off_t) (from + s->len));
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    s->err = errno;
	    break;
	}
	if (n == 0)
	    break;				/* the file shrank */
	s->len += (size_t) n;
    }
    /* In the buffer: the block's stretch ends at limit. */
    lim = (size_t) (s->off - from) + pr->block;
    s->limit = lim < s->len ? lim : s->len;
    /* The first block starts at the offset, not at the byte before it. */
    s->start = s->limit < (size_t) (s->off - from) ? s->limit : (size_t) (s->off - from);
    if (s->off > pr->first && s->limit > 0) {
	/* The first line that starts in the block follows a newline. */
	nl = memchr(s->buf, '\n', s->limit);
	s->start = nl ? (size_t) (nl + 1 - s->buf) : s->limit;
    }
}

/* parse_slot - parse one block (any thread) */

static void parse_slot(PFS_PREAD *pr, PFS_PARSER *w, struct slot *s)
{
    if (pr->regular)
	read_window(pr, s);
    s->lines = 0;
    if (s->err == 0 && s->start < s->limit)
	s->lines = pfs_parser_batch(w, s->batch, s->buf + s->start, s->len - s->start,
				    s->limit - s->start);
}

/* thread_main - a thread besides the caller's: parse blocks until told to quit */

static void *thread_main(void *arg)
{
    struct thread *t = arg;
    PFS_PREAD *pr = t->pr;
    struct slot *s;

    pthread_mutex_lock(&pr->mu);
    for (;;) {
	while (!pr->quit && pr->taken == pr->queued)
	    pthread_cond_wait(&pr->work, &pr->mu);
	if (pr->quit)
	    break;
	s = SLOT(pr, pr->taken++);
	s->state = S_BUSY;
	pthread_mutex_unlock(&pr->mu);
	parse_slot(pr, t->worker, s);
	pthread_mutex_lock(&pr->mu);
	s->state = S_DONE;
	pthread_cond_signal(&pr->done);
    }
    pthread_mutex_unlock(&pr->mu);
    return (0);
}

/* settle_slot - the caller's thread: settle the next block in log order */

static void settle_slot(PFS_PREAD *pr, struct slot *s)
{
    if (s->err) {
	if (!pr->failed) {
	    errno = s->err;
	    log_warn("cannot read %s", pr->name);
	}
	pr->failed = 1;
    }
    /* After a failure, the blocks queued behind it are dropped. */
    if (!pr->failed) {
	pfs_parser_settle_batch(pr->parser, s->batch);
	pr->lines += s->lines;
	if (pr->regular)
	    pr->upto = s->off + pr->block < pr->end ? s->off + pr->block : pr->end;
    }
    pfs_batch_reset(s->batch);
    s->err = 0;
}

/*
 * serve - the caller's share, mutex held: settle the next block if it is
 * parsed, else parse a queued one, else wait; 0 when nothing is in flight
 */
static int serve(PFS_PREAD *pr)
{
    struct slot *s = SLOT(pr, pr->settled);

    if (pr->settled < pr->queued && s->state == S_DONE) {
	pthread_mutex_unlock(&pr->mu);
	settle_slot(pr, s);
	pthread_mutex_lock(&pr->mu);
	s->state = S_FREE;
	pr->settled++;
	return (1);
    }
    if (pr->taken < pr->queued) {
	s = SLOT(pr, pr->taken++);
	s->state = S_BUSY;
	pthread_mutex_unlock(&pr->mu);
	parse_slot(pr, pr->threads[0].worker, s);
	pthread_mutex_lock(&pr->mu);
	s->state = S_DONE;
	return (1);
    }
    if (pr->settled < pr->queued) {
	pthread_cond_wait(&pr->done, &pr->mu);
	return (1);
    }
    return (0);
}

/* free_slot - mutex held: the next slot to fill, once it is free */

static struct slot *free_slot(PFS_PREAD *pr)
{
    while (SLOT(pr, pr->queued)->state != S_FREE)
	serve(pr);
    return (SLOT(pr, pr->queued));
}

/* queue - mutex held: hand the next slot to the threads */

static void queue(PFS_PREAD *pr)
{
    SLOT(pr, pr->queued)->state = S_QUEUED;
    pr->queued++;
    pthread_cond_signal(&pr->work);
}

/* read_regular - a regular file, from offset start to its size */

static void read_regular(PFS_PREAD *pr)
{
    uint64_t off;
    struct slot *s;

    pthread_mutex_lock(&pr->mu);
    for (off = pr->first; off < pr->end && !pr->failed; off += pr->block) {
	s = free_slot(pr);
	s->off = off;
	s->err = 0;
	queue(pr);
    }
    while (serve(pr))
	 /* void */ ;
    pthread_mutex_unlock(&pr->mu);
}

/* push_fill - a pipe: queue the block being filled, if it holds lines */

static void push_fill(PFS_PREAD *pr)
{
    struct slot *s = pr->fill;

    if (s == 0 || s->len == 0)
	return;
    s->start = 0;
    s->limit = s->len;
    s->err = 0;
    pthread_mutex_lock(&pr->mu);
    queue(pr);
    pr->fill = free_slot(pr);
    pr->fill->len = 0;
    pthread_mutex_unlock(&pr->mu);
}

/*
 * pipe_line - pfs_lines callback: one line into the block being filled.
 * A line that was cut keeps one byte more, so that the worker cuts it
 * again and counts it as overlong.
 */
static void pipe_line(const char *line, size_t len, int flags, void *ctx)
{
    PFS_PREAD *pr = ctx;
    struct slot *s = pr->fill;
    size_t  n = (flags & PFS_LINE_OVERLONG) ? len + 1 : len;

    if (s->len + n + 1 > s->cap) {
	push_fill(pr);
	s = pr->fill;
    }
    memcpy(s->buf + s->len, line, len);
    if (n > len)
	s->buf[s->len + len] = 'x';
    s->buf[s->len + n] = '\n';
    s->len += n + 1;
    if (s->len >= pr->block)
	push_fill(pr);
}

/* read_pipe - anything else: read in order by the caller's thread */

static int read_pipe(PFS_PREAD *pr)
{
    PFS_LINEBUF *lb = pfs_malloc(sizeof(*lb));
    char   *buf = pfs_malloc(PFS_PREAD_BLOCK);
    ssize_t n;
    int     ret = 0;

    pfs_lines_init(lb, pipe_line, pr);
    pthread_mutex_lock(&pr->mu);
    pr->fill = free_slot(pr);
    pr->fill->len = 0;
    pthread_mutex_unlock(&pr->mu);
    for (;;) {
	n = read(pr->fd, buf, PFS_PREAD_BLOCK);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    log_warn("cannot read %s", pr->name);
	    ret = -1;
	    break;
	}
	if (n == 0)
	    break;
	pfs_lines_feed(lb, buf, (size_t) n);
    }
    if (ret == 0 && pfs_lines_pending(lb) > 0)
	pfs_lines_feed(lb, "\n", 1);
    push_fill(pr);
    pthread_mutex_lock(&pr->mu);
    pr->fill = 0;
    while (serve(pr))
	 /* void */ ;
    pthread_mutex_unlock(&pr->mu);
    free(buf);
    free(lb);
    return (ret);
}

/* pfs_pread_fd - read what remains of fd, on every thread */

int     pfs_pread_fd(PFS_PREAD *pr, int fd, const char *name)
{
    struct stat st;
    off_t   start;

    pr->fd = fd;
    pr->name = name;
    pr->failed = 0;
    pr->lines = 0;
    pr->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
	&& (start = lseek(fd, 0, SEEK_CUR)) >= 0;
    if (pr->regular) {
	pr->first = (uint64_t) start;
	pr->end = (uint64_t) st.st_size;
	read_regular(pr);
	return (pr->failed ? -1 : 0);
    }
    return (read_pipe(pr) < 0 || pr->failed ? -1 : 0);
}

/* pfs_pread_range - whole lines of a regular file, from offset from to offset to */

int     pfs_pread_range(PFS_PREAD *pr, int fd, const char *name, uint64_t from,
			        uint64_t to, uint64_t *lines, uint64_t *upto)
{
    pr->fd = fd;
    pr->name = name;
    pr->failed = 0;
    pr->lines = 0;
    pr->regular = 1;
    pr->first = from;
    pr->end = to;
    pr->upto = from;
    read_regular(pr);
    if (lines)
	*lines += pr->lines;
    if (upto)
	*upto = pr->failed ? pr->upto : to;
    return (pr->failed ? -1 : 0);
}

/* pfs_pread_create - threads - 1 threads, and blocks for them */

PFS_PREAD *pfs_pread_create(PFS_PARSER *parser, int threads, size_t block)
{
    PFS_PREAD *pr = pfs_calloc(1, sizeof(*pr));
    char    err[256];
    size_t  i;
    int     t;
    int     rc;

    if (threads < 1)
	threads = 1;
    if (threads > PFS_PREAD_MAX_THREADS)
	threads = PFS_PREAD_MAX_THREADS;
    pr->parser = parser;
    pr->nthreads = threads;
    pr->block = block ? block : PFS_PREAD_BLOCK;
    pthread_mutex_init(&pr->mu, 0);
    pthread_cond_init(&pr->work, 0);
    pthread_cond_init(&pr->done, 0);
    pr->nslots = 2 * (size_t) threads;
    pr->slots = pfs_calloc(pr->nslots, sizeof(*pr->slots));
    for (i = 0; i < pr->nslots; i++) {
	pr->slots[i].cap = pr->block + PFS_LINE_MAX + 2;
	pr->slots[i].buf = pfs_malloc(pr->slots[i].cap);
	pr->slots[i].batch = pfs_batch_create();
    }
    pr->threads = pfs_calloc((size_t) threads, sizeof(*pr->threads));
    for (t = 0; t < threads; t++) {
	pr->threads[t].pr = pr;
	if ((pr->threads[t].worker = pfs_parser_worker(parser, err, sizeof(err))) == 0) {
	    log_warnx("cannot set up a parser: %s", err);
	    pfs_pread_free(pr);
	    return (0);
	}
    }
    for (t = 1; t < threads; t++) {
	if ((rc = pthread_create(&pr->threads[t].tid, 0, thread_main, pr->threads + t)) != 0) {
	    errno = rc;
	    log_warn("cannot start a thread");
	    pfs_pread_free(pr);
	    return (0);
	}
	pr->started++;
    }
    return (pr);
}

/* pfs_pread_free - stop the threads, release */

void    pfs_pread_free(PFS_PREAD *pr)
{
    size_t  i;
    int     t;

    if (pr == 0)
	return;
    pthread_mutex_lock(&pr->mu);
    pr->quit = 1;
    pthread_cond_broadcast(&pr->work);
    pthread_mutex_unlock(&pr->mu);
    for (t = 1; t <= pr->started; t++)
	pthread_join(pr->threads[t].tid, 0);
    for (t = 0; t < pr->nthreads; t++)
	pfs_parser_free(pr->threads[t].worker);
    for (i = 0; i < pr->nslots; i++) {
	free(pr->slots[i].buf);
	pfs_batch_free(pr->slots[i].batch);
    }
    free(pr->slots);
    free(pr->threads);
    pthread_cond_destroy(&pr->work);
    pthread_cond_destroy(&pr->done);
    pthread_mutex_destroy(&pr->mu);
    free(pr);
}
