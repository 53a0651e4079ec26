/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_follow 3
 * SUMMARY
 *	follow log files through rotation and feed their lines to the parser
 * SYNOPSIS
 *	#include "pfs_follow.h"
 *
 *	PFS_FOLLOW *pfs_follow_create(parser, paths, n, poll_interval, from_start)
 *
 *	void	pfs_follow_start(fw)
 *
 *	int	pfs_follow_fd(fw)
 *
 *	void	pfs_follow_event(fw)
 *
 *	void	pfs_follow_poll(fw)
 *
 *	void	pfs_follow_reopen(fw)
 *
 *	void	pfs_follow_get_pos(fw, i, cur, rotated)
 *
 *	int	pfs_follow_set_pos(fw, path, cur, rotated, lines, rotations)
 *
 *	void	pfs_follow_set_threads(fw, threads)
 *
 *	void	pfs_follow_set_catchup(fw, min_backlog, slice)
 *
 *	uint64_t pfs_follow_catchup_bytes(fw)
 * DESCRIPTION
 *	Each configured path is followed on its own, with its own position;
 *	all lines go to one parser, hence one set of counters. Bytes are read
 *	with pread() in bounded chunks and cut into lines by pfs_lines(3), one
 *	line buffer per open file, so that a half-written last line is held
 *	until its newline arrives. The position reported for the state file
 *	is the number of bytes consumed minus the bytes held: always the start
 *	of a line.
 *
 *	Change is noticed in two ways. With inotify, the open file and the
 *	directory of its path (and of a symbolic link's target) are watched;
 *	the caller reads pfs_follow_fd() and calls pfs_follow_event(). An
 *	event for the file itself (IN_MODIFY) reads the new bytes; any other
 *	event (create, move, delete, attribute change) also checks the path.
 *	pfs_follow_poll(), which the caller runs every poll_interval seconds,
 *	checks every path and file in full: the fallback for file systems
 *	where inotify sees nothing (NFS, sshfs) and the only way with
 *	PFS_FOLLOW_NO_INOTIFY or POSTFIX_STATS_NO_INOTIFY set. Nothing runs
 *	between calls: with no traffic the agent sleeps.
 *
 *	Rotation is told apart by what happened to the path and to the open
 *	file:
 * .IP \(bu
 *	The path names another inode (rename and create, delete and
 *	recreate, a symbolic link swapped): the old file, still open, is kept
 *	as the "rotated" file and read to its end before the new file, which
 *	is read from its start. The rotated file stays open, and is read as
 *	it grows (a syslog daemon writes to it until it is told to reopen),
 *	until it has been idle for the linger time (30 s). Then a last
 *	unfinished line is passed on as it is, as --once would. If the
 *	rotated file's first bytes change meanwhile (a copy of the log
 *	written onto its name), it is closed without reading on.
 * .IP \(bu
 *	The path is gone: the open file becomes the rotated file, and the
 *	path is read from its start when it comes back.
 * .IP \(bu
 *	The open file shrank below the position, or its first bytes no
 *	longer have the saved fingerprint (copytruncate, perhaps followed by
 *	writes past the old size): the copy is looked for in the directory
 *	(a file whose name starts with the log's name, with the same
 *	fingerprint, not compressed) and read from the old position to its
 *	end; then the file is read from its start.
 * .IP \(bu
 *	The file was empty (just truncated, or new after a rotation) when
 *	last looked at, and its modification time moved: lines may have
 *	been written, copied and truncated away before they were read. The
 *	directory is searched for such copies: rotated names of the log
 *	(NAME.1, NAME-20241122, ...: NAME, then "." "-" or "_", then digits,
 *	dots, dashes, underscores), not compressed, modified since, other than
 *	the current and the rotated file, and not starting with bytes the
 *	agent knows (the file before this one, the rotated file, the current
 *	file). Each is read whole, oldest first, before the file.
 * .PP
 *	A file is identified by its device and inode and by its content: a
 *	hash of its first 256 bytes (the fingerprint) and, for a saved
 *	position, of the 256 bytes before the position. A file whose first
 *	bytes or bytes before the position changed is another file, whatever
 *	its inode.
 * .PP
 *	A large backlog (a start after a long stop, a log read from its
 *	start, a stall) is caught up on several threads:
 *	pfs_follow_set_threads() sets how many (0: one per processor; 1,
 *	the default: one, reading as described above). When a file has at
 *	least min_backlog bytes (16 MiB) left to read and its line buffer
 *	holds nothing (its position is at a line start), the whole lines of
 *	the next slice of it (up to slice bytes, 16 MiB per thread up to
 *	four threads) are parsed by pfs_pread(3) on the threads and settled
 *	in log order on the caller's thread, with the counters, events,
 *	line counts, position and fingerprints that reading them through
 *	pfs_lines gives; a half-written last line is never part of a slice.
 *	A line buffer that holds part of a line is first read up to the
 *	line's end. A slice counts against the read budget like the bytes
 *	it holds, so a call still returns after about one slice and the
 *	caller's event loop goes on. 16 MiB is the budget of one call:
 *	a smaller backlog is read in one call anyway (some 30 ms on one
 *	core), and the traffic of a busy server between two reads (100,000
 *	lines a second are about 13 MB between two polls a second apart)
 *	stays below it, so a follower that keeps up does not start threads
 *	and stop them on every read, while a real backlog is worth the
 *	millisecond or so that starting them takes. They are started at the
 *	first slice (the info log says how far behind the file is) and
 *	stopped when every file has been caught up (the log says how many
 *	lines took how long). pfs_follow_set_catchup() changes min_backlog
 *	and slice (0: the default), for tests and benchmarks;
 *	pfs_follow_catchup_bytes() says how many bytes were read on the
 *	threads so far.
 * .PP
 *	pfs_follow_set_pos(), called by pfs_state_load() before
 *	pfs_follow_start(), gives each path its saved position. If the path
 *	still names the saved device and inode with the saved fingerprint,
 *	reading resumes there. Otherwise the log was rotated while the agent
 *	was down: the directory is searched for the saved file (same device
 *	and inode, or a copy with the same fingerprints), which is read from
 *	the saved position to its end; files rotated after it (the log's
 *	siblings last written no earlier than it: a second rotation while
 *	down) are read whole, oldest first; then the path is read from its
 *	start. A position saved at the start of an empty file also looks
 *	for copies made while the agent was down, as above, with the saved
 *	modification time.
 *	Names ending in .gz, .xz, .bz2, .zst, .lz4, .lzma, .Z or .zip are
 *	never opened. A path with no saved position is read from its end
 *	(the start of its last complete line) unless from_start is set; a
 *	path that appears after the start, or that the saved state names
 *	without a position (it did not exist then), is read from its start.
 * DIAGNOSTICS
 *	A missing or unreadable log file is reported once, with the reason,
 *	and again only when the reason changes; it is retried on every poll.
 *	Its coming back is logged. Rotations are logged at info level; a
 *	saved position that cannot be found again is a warning saying how
 *	many bytes of which file are not counted.
 * SECURITY
 *	Paths come from the configuration. Files are opened read-only and
 *	non-blocking (a FIFO is refused, never waited on); memory does not
 *	grow with the size of a file or the length of a line.
 *--*/

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfs_follow.h"
#include "pfs_lines.h"
#include "pfs_log.h"
#include "pfs_pread.h"
#include "pfs_util.h"

#define READ_CHUNK	(64 * 1024)
#define READ_BUDGET	((uint64_t) 16 << 20)	/* per file and call */
#define DEF_LINGER	30
#define DEF_THROTTLE_MS	200
#define MAX_DIRENTS	100000		/* entries looked at in a search */
#define MAX_BETWEEN	64		/* files rotated while stopped, read */
#define CU_MIN		READ_BUDGET	/* a backlog caught up on threads */
#define CU_SLICE_MAX	4		/* slice: READ_BUDGET per thread, up to this */
#define CU_SCAN		((uint64_t) 1 << 20)	/* a slice's last newline: this far back */

#define FILE_EVENTS	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVE_SELF \
			 | IN_DELETE_SELF)
#define DIR_EVENTS	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE \
			 | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct pfs_file;

/* One open file: the current one, or a rotated one still being read. */
struct stream {
    int     fd;				/* -1: none */
    int     wd;				/* inotify watch, -1: none */
    uint64_t dev, ino;
    uint64_t offset;			/* bytes consumed */
    uint64_t fp_hash;
    unsigned fp_len;
    uint64_t prev_hash;			/* first bytes of the file before */
    unsigned prev_len;			/* 0: none */
    int     prev_known;			/* prev_* say what was before */
    int64_t mtime_ns;			/* modification time last looked at */
    time_t  grew;			/* monotonic time of last growth */
    long long modified_ms;		/* monotonic time of last IN_MODIFY */
    int     backlog;			/* budget ran out */
    PFS_LINEBUF lb;
};

struct pfs_file {
    PFS_FOLLOW *fw;
    char   *path;			/* as configured */
    char   *dir;			/* directory of path */
    char   *base;			/* last component of path */
    char   *tdir;			/* symbolic link target: directory */
    char   *tbase;			/* symbolic link target: name */
    int     dir_wd, tdir_wd;
    struct stream cur;
    struct stream old;
    uint64_t lines;
    uint64_t rotations;
    int     warned;			/* errno last reported, 0: none */
    int     started;			/* pfs_follow_start() done for it */
    int     known;			/* the saved state names the path */
    struct {
	uint64_t dev, ino;
    }       done[2 * MAX_BETWEEN];	/* read whole in this catch-up */
    size_t  ndone;
    struct pfs_follow_pos saved_cur;
    struct pfs_follow_pos saved_old;
};

struct PFS_FOLLOW {
    PFS_PARSER *parser;
    struct pfs_file *files;
    size_t  n;
    unsigned poll_interval;
    unsigned linger;
    unsigned throttle_ms;
    int     from_start;
    int     ifd;			/* inotify, -1: polling only */
    time_t  last_line;
    uint64_t changes;			/* see pfs_follow_changes() */
    char   *buf;			/* READ_CHUNK */
    /* Catching a backlog up on threads: pfs_follow_set_threads(). */
    int     threads;			/* 1: one thread */
    uint64_t cu_min;			/* backlog that starts them */
    uint64_t cu_slice;			/* bytes parsed at a time */
    PFS_PREAD *pr;			/* running threads, or NULL */
    uint64_t cu_bytes;			/* read on threads, all time */
    uint64_t cu_ep_bytes;		/* this catch-up: bytes, */
    uint64_t cu_ep_lines;		/* lines, */
    long long cu_ep_start;		/* started (monotonic ms) */
};

static const char *const compressed_suffixes[] = {
    ".gz", ".xz", ".bz2", ".zst", ".lz4", ".lzma", ".Z", ".zip", ".br",
};

/* now_mono - seconds on the monotonic clock */

static time_t now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_sec);
}

/* now_ms - milliseconds on the monotonic clock */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* feed_line - pfs_lines callback: one line to the parser */

static void feed_line(const char *line, size_t len, int flags, void *ctx)
{
    struct pfs_file *f = ctx;

    f->lines++;
    pfs_parser_line(f->fw->parser, line, len, flags);
}

/* fnv64 - FNV-1a, the fingerprint hash */

static uint64_t fnv64(const unsigned char *p, size_t len)
{
    uint64_t h = 14695981039346656037ULL;

    while (len-- > 0) {
	h ^= *p++;
	h *= 1099511628211ULL;
    }
    return (h);
}

/* hash_at - hash of len bytes at offset; -1 if fewer can be read */

static int hash_at(int fd, uint64_t offset, unsigned len, uint64_t *hash)
{
    unsigned char buf[PFS_FOLLOW_FP_MAX];
    size_t  got = 0;
    ssize_t n;

    if (len > sizeof(buf))
	len = sizeof(buf);
    while (got < len) {
	n = pread(fd, buf + got, len - got, (off_t) (offset + got));
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0)
	    return (-1);
	got += (size_t) n;
    }
    *hash = fnv64(buf, len);
    return (0);
}

/* fp_read - hash of the first len bytes; -1 if fewer can be read */

static int fp_read(int fd, unsigned len, uint64_t *hash)
{
    return (hash_at(fd, 0, len, hash));
}

/* tail_read - hash of the len bytes before offset; -1 if unreadable */

static int tail_read(int fd, uint64_t offset, unsigned len, uint64_t *hash)
{
    if (len > offset)
	return (-1);
    return (hash_at(fd, offset - len, len, hash));
}

/* mtime_ns - a file's modification time in nanoseconds */

static int64_t mtime_ns(const struct stat *st)
{
    return ((int64_t) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec);
}

/* fp_match - the file starts with the bytes of the fingerprint */

static int fp_match(int fd, uint64_t hash, unsigned len)
{
    uint64_t h;

    if (len == 0)
	return (1);
    return (fp_read(fd, len, &h) == 0 && h == hash);
}

/*
 * pos_match - the open file still holds what the position was taken in:
 * at least offset bytes, the same first bytes, the same bytes before the
 * position.
 */
static int pos_match(int fd, uint64_t size, const struct pfs_follow_pos *pos)
{
    uint64_t h;

    return (size >= pos->offset && fp_match(fd, pos->fp_hash, pos->fp_len)
	    && (pos->tail_len == 0
		|| (tail_read(fd, pos->offset, pos->tail_len, &h) == 0
		    && h == pos->tail_hash)));
}

/* twin - two open files start with the same bytes (as far as both go) */

static int twin(int fd1, uint64_t size1, int fd2, uint64_t size2)
{
    unsigned len = PFS_FOLLOW_FP_MAX;
    uint64_t h1, h2;

    if (size1 < len)
	len = (unsigned) size1;
    if (size2 < len)
	len = (unsigned) size2;
    return (len > 0 && fp_read(fd1, len, &h1) == 0 && fp_read(fd2, len, &h2) == 0
	    && h1 == h2);
}

/* fp_update - extend a short fingerprint as the file grows */

static void fp_update(struct stream *s, uint64_t size)
{
    unsigned want = size < PFS_FOLLOW_FP_MAX ? (unsigned) size : PFS_FOLLOW_FP_MAX;
    uint64_t h;

    if (want > s->fp_len && fp_read(s->fd, want, &h) == 0) {
	s->fp_hash = h;
	s->fp_len = want;
    }
}

/* is_compressed - a rotated file that is never read */

static int is_compressed(const char *name)
{
    size_t  len = strlen(name);
    size_t  i;

    for (i = 0; i < sizeof(compressed_suffixes) / sizeof(compressed_suffixes[0]); i++) {
	size_t  sl = strlen(compressed_suffixes[i]);

	if (len > sl && strcmp(name + len - sl, compressed_suffixes[i]) == 0)
	    return (1);
    }
    return (0);
}

/*
 * is_rotated_name - name is base followed by what logrotate and the
 * like append: ".1", "-20241122", ".2024-11-22", "-2024112213", ...
 */
static int is_rotated_name(const char *base, const char *name)
{
    size_t  blen = strlen(base);
    const char *p;

    if (strncmp(name, base, blen) != 0
	|| (name[blen] != '.' && name[blen] != '-' && name[blen] != '_')
	|| name[blen + 1] == 0)
	return (0);
    for (p = name + blen + 1; *p; p++)
	if ((*p < '0' || *p > '9') && *p != '.' && *p != '-' && *p != '_')
	    return (0);
    return (1);
}

/* split_path - directory and last component of a path */

static void split_path(const char *path, char **dir, char **base)
{
    const char *slash = strrchr(path, '/');

    if (slash == 0) {
	*dir = pfs_strdup(".");
	*base = pfs_strdup(path);
    } else if (slash == path) {
	*dir = pfs_strdup("/");
	*base = pfs_strdup(slash + 1);
    } else {
	*dir = pfs_strndup(path, (size_t) (slash - path));
	*base = pfs_strdup(slash + 1);
    }
}

/* done_has - a file already read whole in this catch-up */

static int done_has(const struct pfs_file *f, const struct stat *st)
{
    size_t  i;

    for (i = 0; i < f->ndone; i++)
	if (f->done[i].dev == (uint64_t) st->st_dev && f->done[i].ino == (uint64_t) st->st_ino)
	    return (1);
    return (0);
}

/* done_add - remember a file read whole in this catch-up */

static void done_add(struct pfs_file *f, const struct stat *st)
{
    if (f->ndone < sizeof(f->done) / sizeof(f->done[0])) {
	f->done[f->ndone].dev = (uint64_t) st->st_dev;
	f->done[f->ndone].ino = (uint64_t) st->st_ino;
	f->ndone++;
    }
}

/* stream_init - no file */

static void stream_init(struct pfs_file *f, struct stream *s)
{
    memset(s, 0, sizeof(*s));
    s->fd = -1;
    s->wd = -1;
    pfs_lines_init(&s->lb, feed_line, f);
}

/* wd_in_use - another stream or directory of any file uses this watch */

static int wd_in_use(const PFS_FOLLOW *fw, const struct stream *except, int wd)
{
    size_t  i;

    for (i = 0; i < fw->n; i++) {
	const struct pfs_file *f = fw->files + i;

	if ((&f->cur != except && f->cur.wd == wd)
	    || (&f->old != except && f->old.wd == wd)
	    || f->dir_wd == wd || f->tdir_wd == wd)
	    return (1);
    }
    return (0);
}

/* stream_watch - inotify watch on the open file (by name if no /proc) */

static void stream_watch(struct pfs_file *f, struct stream *s, const char *name)
{
    char    self[64];

    if (f->fw->ifd < 0 || s->wd >= 0 || s->fd < 0)
	return;
    snprintf(self, sizeof(self), "/proc/self/fd/%d", s->fd);
    if ((s->wd = inotify_add_watch(f->fw->ifd, self, FILE_EVENTS)) < 0
	&& (s->wd = inotify_add_watch(f->fw->ifd, name, FILE_EVENTS)) < 0)
	log_debug("follow", "cannot watch %s: %s (polling covers it)",
		  name, strerror(errno));
}

/* stream_unwatch - drop the file's watch until the next poll */

static void stream_unwatch(struct pfs_file *f, struct stream *s)
{
    if (s->wd < 0 || f->fw->ifd < 0)
	return;
    if (!wd_in_use(f->fw, s, s->wd))
	(void) inotify_rm_watch(f->fw->ifd, s->wd);
    s->wd = -1;
}

/* stream_throttle - a file written to all the time is left to the poll */

static void stream_throttle(struct pfs_file *f, struct stream *s)
{
    long long now = now_ms();

    if (s->fd >= 0 && f->fw->throttle_ms > 0
	&& now - s->modified_ms < (long long) f->fw->throttle_ms)
	stream_unwatch(f, s);
    s->modified_ms = now;
}

/* stream_attach - take an open descriptor, position at offset */

static void stream_attach(struct pfs_file *f, struct stream *s, int fd,
			          const struct stat *st, const char *name,
			          uint64_t offset, int skipping)
{
    stream_init(f, s);
    s->fd = fd;
    s->dev = (uint64_t) st->st_dev;
    s->ino = (uint64_t) st->st_ino;
    s->offset = offset;
    s->lb.skipping = skipping;
    s->grew = now_mono();
    s->mtime_ns = mtime_ns(st);
    fp_update(s, (uint64_t) st->st_size);
    stream_watch(f, s, name);
    f->fw->changes++;
}

/* stream_close - end a file; a last unfinished line is passed on */

static void stream_close(struct pfs_file *f, struct stream *s)
{
    if (s->fd < 0)
	return;
    if (s->lb.len > 0 || s->lb.skipping)
	pfs_lines_feed(&s->lb, "\n", 1);
    if (s->wd >= 0 && f->fw->ifd >= 0 && !wd_in_use(f->fw, s, s->wd))
	(void) inotify_rm_watch(f->fw->ifd, s->wd);
    close(s->fd);
    stream_init(f, s);
    f->fw->changes++;
}

/* catch_up_end - the backlog is read: stop the threads, say how it went */

static void catch_up_end(PFS_FOLLOW *fw)
{
    long long ms = now_ms() - fw->cu_ep_start;

    if (fw->pr == 0)
	return;
    pfs_pread_free(fw->pr);
    fw->pr = 0;
    log_info("caught up: %llu lines (%llu MiB) read on %d threads in %lld.%03lld s",
	     (unsigned long long) fw->cu_ep_lines,
	     (unsigned long long) (fw->cu_ep_bytes >> 20), fw->threads,
	     ms / 1000, ms % 1000);
}

/*
 * slice_end - where the whole lines of s between its offset and end end
 * (just after the last newline); 0 if none ends in the last CU_SCAN bytes
 */
static uint64_t slice_end(struct pfs_file *f, struct stream *s, uint64_t end)
{
    uint64_t stop = end - s->offset > CU_SCAN ? end - CU_SCAN : s->offset;
    uint64_t at = end;
    size_t  want;
    ssize_t n;
    size_t  i;

    while (at > stop) {
	want = at - stop < READ_CHUNK ? (size_t) (at - stop) : READ_CHUNK;
	n = pread(s->fd, f->fw->buf, want, (off_t) (at - want));
	if (n < 0 && errno == EINTR)
	    continue;
	if (n != (ssize_t) want)
	    return (0);				/* the old way will say why */
	for (i = want; i > 0; i--)
	    if (f->fw->buf[i - 1] == '\n')
		return (at - want + i);
	at -= want;
    }
    return (0);
}

/*
 * catch_up - the whole lines of the next slice of a large backlog, on
 * the threads (s at a line start). Returns the bytes consumed (added to
 * *done), 0 when the slice was left to the old way, -1 when a read failed.
 */
static ssize_t catch_up(struct pfs_file *f, struct stream *s, uint64_t size,
			        uint64_t *done)
{
    PFS_FOLLOW *fw = f->fw;
    uint64_t from = s->offset;
    uint64_t to, upto;
    uint64_t lines = 0;
    int     rc;

    to = size - from > fw->cu_slice ? from + fw->cu_slice : size;
    if ((to = slice_end(f, s, to)) <= from)
	return (0);
    if (fw->pr == 0) {
	if ((fw->pr = pfs_pread_create(fw->parser, fw->threads, 0)) == 0) {
	    log_warnx("log files are caught up on one thread");
	    fw->threads = 1;
	    return (0);
	}
	fw->cu_ep_bytes = fw->cu_ep_lines = 0;
	fw->cu_ep_start = now_ms();
	log_info("log file %s: %llu MiB to read: catching up on %d threads",
		 f->path, (unsigned long long) ((size - from) >> 20), fw->threads);
    }
    rc = pfs_pread_range(fw->pr, s->fd, f->path, from, to, &lines, &upto);
    f->lines += lines;
    fw->cu_ep_lines += lines;
    if (rc < 0) {
	/* Lines that start before upto are counted: resume after them. */
	if (upto > from) {
	    s->offset = upto - 1;
	    s->lb.skipping = 1;
	    *done += s->offset - from;
	    fw->cu_bytes += s->offset - from;
	    fw->cu_ep_bytes += s->offset - from;
	}
	return (-1);
    }
    s->offset = to;
    *done += to - from;
    fw->cu_bytes += to - from;
    fw->cu_ep_bytes += to - from;
    return ((ssize_t) (to - from));
}

/* stream_read - read what was added, up to the budget (or all) */

static void stream_read(struct pfs_file *f, struct stream *s, uint64_t size,
			        int unbounded)
{
    PFS_FOLLOW *fw = f->fw;
    uint64_t done = 0;
    uint64_t before = f->lines;
    ssize_t n;
    size_t  want;
    char   *nl;
    int     big;

    s->backlog = 0;
    while (s->offset < size) {
	if (!unbounded && done >= READ_BUDGET) {
	    s->backlog = 1;
	    break;
	}
	big = fw->threads > 1 && size - s->offset >= fw->cu_min;
	if (big && s->lb.len == 0 && !s->lb.skipping) {
	    if ((n = catch_up(f, s, size, &done)) < 0)
		break;				/* a read failed (logged) */
	    if (n > 0)
		continue;
	}
	want = size - s->offset < READ_CHUNK ? (size_t) (size - s->offset) : READ_CHUNK;
	n = pread(s->fd, fw->buf, want, (off_t) s->offset);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    log_warn("cannot read %s", f->path);
	    break;
	}
	if (n == 0)
	    break;
	/* To catch up on threads, first end the line held. */
	if (big && (s->lb.len > 0 || s->lb.skipping)
	    && (nl = memchr(fw->buf, '\n', (size_t) n)) != 0)
	    n = nl + 1 - fw->buf;
	s->offset += (uint64_t) n;
	done += (uint64_t) n;
	pfs_lines_feed(&s->lb, fw->buf, (size_t) n);
    }
    if (done > 0) {
	fw->changes++;
	s->grew = now_mono();
	if (s->fp_len < PFS_FOLLOW_FP_MAX)
	    fp_update(s, s->offset);
    }
    if (f->lines != before)
	fw->last_line = time((time_t *) 0);
    if (fw->pr && !s->backlog && !pfs_follow_backlog(fw))
	catch_up_end(fw);
}

/* stream_drain - read a file to its current end, whatever its size */

static void stream_drain(struct pfs_file *f, struct stream *s)
{
    struct stat st;

    if (s->fd >= 0 && fstat(s->fd, &st) == 0)
	stream_read(f, s, (uint64_t) st.st_size, 1);
}

/* open_regular - open a log read-only; errno set on failure */

static int open_regular(const char *name, struct stat *st)
{
    int     fd;

    if ((fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0)
	return (-1);
    if (fstat(fd, st) < 0) {
	int     saved = errno;

	close(fd);
	errno = saved;
	return (-1);
    }
    if (!S_ISREG(st->st_mode)) {
	close(fd);
	errno = EINVAL;
	return (-1);
    }
    return (fd);
}

/* report_missing - log a missing or unreadable file once per reason */

static void report_missing(struct pfs_file *f, int err)
{
    if (f->warned == err)
	return;
    f->warned = err;
    if (err == EINVAL)
	log_warnx("log file %s is not a regular file; will retry", f->path);
    else
	log_warnx("cannot open log file %s: %s; will retry", f->path, strerror(err));
}

/* report_found - the file is readable (again) */

static void report_found(struct pfs_file *f)
{
    if (f->warned != 0)
	log_info("log file %s is readable now", f->path);
    f->warned = 0;
}

/*
 * locate - find the saved file again: same device and inode, or a copy
 * (name starting with the log's name, not the file excl) with the same
 * non-empty fingerprint and at least offset bytes. Returns an open
 * descriptor or -1.
 */
static int locate(struct pfs_file *f, const struct pfs_follow_pos *pos,
		          int copies_only, const struct stat *excl,
		          struct stat *st_out, char *name_out, size_t name_len)
{
    DIR    *dp;
    struct dirent *de;
    struct stat st;
    char    name[PATH_MAX];
    size_t  blen = strlen(f->base);
    size_t  seen = 0;
    int     fd;
    int     pass;

    for (pass = copies_only ? 1 : 0; pass < (pos->fp_len > 0 ? 2 : 1); pass++) {
	if ((dp = opendir(f->dir)) == 0)
	    return (-1);
	while ((de = readdir(dp)) != 0 && seen++ < MAX_DIRENTS) {
	    if (de->d_name[0] == '.' && (de->d_name[1] == 0
			       || (de->d_name[1] == '.' && de->d_name[2] == 0)))
		continue;
	    if (is_compressed(de->d_name))
		continue;
	    if (pass == 1 && strncmp(de->d_name, f->base, blen) != 0)
		continue;
	    if (snprintf(name, sizeof(name), "%s/%s", f->dir, de->d_name) >= (int) sizeof(name))
		continue;
	    if (stat(name, &st) < 0 || !S_ISREG(st.st_mode))
		continue;
	    if (pass == 0 && ((uint64_t) st.st_dev != pos->dev
			      || (uint64_t) st.st_ino != pos->ino))
		continue;
	    if (pass == 1 && (((uint64_t) st.st_dev == pos->dev
			       && (uint64_t) st.st_ino == pos->ino)
			      || (excl && st.st_dev == excl->st_dev
				  && st.st_ino == excl->st_ino)
			      || (uint64_t) st.st_size < pos->offset))
		continue;
	    if ((fd = open_regular(name, st_out)) < 0)
		continue;
	    if (pos_match(fd, (uint64_t) st_out->st_size, pos)
		&& (pass == 1 || ((uint64_t) st_out->st_dev == pos->dev
				  && (uint64_t) st_out->st_ino == pos->ino))) {
		closedir(dp);
		snprintf(name_out, name_len, "%s", name);
		return (fd);
	    }
	    close(fd);
	}
	closedir(dp);
    }
    return (-1);
}

static void find_copies(struct pfs_file *, struct stream *, const struct stat *,
			        int64_t, int64_t, const struct pfs_follow_pos *);

/*
 * read_saved_elsewhere - the rest of a saved file now under another
 * name. With other (the rotated file's position), a file that was empty
 * when saved is the current file of then: copies made of lines written
 * to it after the save, and truncated away, are read first.
 */
static int read_saved_elsewhere(struct pfs_file *f, const struct pfs_follow_pos *pos,
				        int copies_only, const struct stat *excl,
				        struct stream *into, const struct pfs_follow_pos *other)
{
    struct stat st;
    char    name[PATH_MAX];
    int     fd;

    if ((fd = locate(f, pos, copies_only, excl, &st, name, sizeof(name))) < 0) {
	log_warnx("log file %s: the file read before (device %llu, inode %llu) "
		  "is gone or compressed; what it held after byte %llu is not counted",
		  f->path, (unsigned long long) pos->dev,
		  (unsigned long long) pos->ino, (unsigned long long) pos->offset);
	return (-1);
    }
    log_info("log file %s was rotated: reading the rest of %s from byte %llu",
	     f->path, name, (unsigned long long) pos->offset);
    stream_attach(f, into, fd, &st, name, pos->offset, pos->skipping);
    into->fp_hash = pos->fp_hash;
    into->fp_len = pos->fp_len;
    into->prev_hash = pos->prev_hash;
    into->prev_len = pos->prev_len;
    into->prev_known = pos->prev_known;
    if (other != 0 && pos->offset == 0 && pos->fp_len == 0 && !pos->skipping
	&& pos->mtime_ns != 0 && pos->prev_known)
	find_copies(f, into, &st, pos->mtime_ns, mtime_ns(&st), other);
    fp_update(into, (uint64_t) st.st_size);
    stream_drain(f, into);
    return (0);
}

struct between {
    char    name[PATH_MAX];
    struct timespec mtime;
    dev_t   dev;
    ino_t   ino;
};

/* by_mtime - qsort: oldest last write first */

static int by_mtime(const void *a, const void *b)
{
    const struct timespec *x = &((const struct between *) a)->mtime;
    const struct timespec *y = &((const struct between *) b)->mtime;

    if (x->tv_sec != y->tv_sec)
	return (x->tv_sec < y->tv_sec ? -1 : 1);
    return (x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec);
}

/*
 * read_between - files rotated after the saved one while the agent was
 * stopped (a second rotation renamed or copied the log again): the
 * log's siblings, not compressed, last written no earlier than the saved
 * file, other than the saved, the earlier and the current file, and not
 * a twin of the current file (open as cur_fd, or -1): a copytruncate
 * caught between its copy and its truncation leaves a copy of what the
 * current file still holds, which is read there. Each is read from its
 * start, oldest first; last gets the fingerprint of the last one read (it
 * is left alone when none is).
 */
static void read_between(struct pfs_file *f, const struct stream *saved,
			         const struct pfs_follow_pos *earlier,
			         const struct stat *cur, int cur_fd,
			         struct pfs_follow_pos *last)
{
    struct between *b = 0;
    struct stat sst, st;
    struct dirent *de;
    DIR    *dp;
    size_t  blen = strlen(f->base);
    size_t  n = 0, i, seen = 0;
    int     fd;

    if (saved->fd < 0 || fstat(saved->fd, &sst) < 0 || (dp = opendir(f->dir)) == 0)
	return;
    while ((de = readdir(dp)) != 0 && seen++ < MAX_DIRENTS) {
	struct between c;

	if (strncmp(de->d_name, f->base, blen) != 0 || de->d_name[blen] == 0
	    || is_compressed(de->d_name))
	    continue;
	if (snprintf(c.name, sizeof(c.name), "%s/%s", f->dir, de->d_name)
	    >= (int) sizeof(c.name))
	    continue;
	if (stat(c.name, &st) < 0 || !S_ISREG(st.st_mode)
	    || (st.st_dev == sst.st_dev && st.st_ino == sst.st_ino)
	    || (cur && st.st_dev == cur->st_dev && st.st_ino == cur->st_ino)
	    || (earlier->valid && (uint64_t) st.st_dev == earlier->dev
		&& (uint64_t) st.st_ino == earlier->ino))
	    continue;
	c.mtime = st.st_mtim;
	if (by_mtime(&c, &(struct between) {.mtime = sst.st_mtim}) < 0)
	    continue;
	if (n == MAX_BETWEEN) {
	    log_warnx("log file %s: more than %d files rotated while the agent "
		      "was stopped; the newest are not read", f->path, MAX_BETWEEN);
	    break;
	}
	c.dev = st.st_dev;
	c.ino = st.st_ino;
	b = pfs_reallocarray(b, n + 1, sizeof(*b));
	b[n++] = c;
    }
    closedir(dp);
    if (n > 1)					/* b is NULL when n is 0 */
	qsort(b, n, sizeof(*b), by_mtime);
    for (i = 0; i < n; i++) {
	struct stream tmp;

	if ((fd = open_regular(b[i].name, &st)) < 0)
	    continue;
	if (st.st_dev != b[i].dev || st.st_ino != b[i].ino || done_has(f, &st)
	    || (saved->fp_len > 0 && fp_match(fd, saved->fp_hash, saved->fp_len))
	    || (cur != 0 && cur_fd >= 0
		&& twin(fd, (uint64_t) st.st_size, cur_fd, (uint64_t) cur->st_size))) {
	    close(fd);				/* replaced, or a twin */
	    continue;
	}
	log_info("log file %s: reading %s, rotated before the agent looked",
		 f->path, b[i].name);
	done_add(f, &st);
	stream_attach(f, &tmp, fd, &st, b[i].name, 0, 0);
	stream_drain(f, &tmp);
	last->fp_hash = tmp.fp_hash;
	last->fp_len = tmp.fp_len;
	stream_close(f, &tmp);
    }
    free(b);
}

/*
 * find_copies - copies made of the current file while the agent did not
 * look: the file (s, open, stat cst) was empty or unread when the agent
 * last looked at it, at modification time ref (live, or the saved
 * position); since then lines were written to it, copied to a rotated
 * name and truncated away (copytruncate), perhaps more than once. Such a
 * copy has a rotated name of the log (is_rotated_name()), is not
 * compressed, was modified no earlier than ref and no later than upto
 * (the file's own last change, when it was renamed away since: what
 * is newer came after it), is neither the current
 * nor the rotated file (other), and starts with bytes the agent does not
 * know: not those of the file before (s->prev_*), of the rotated file,
 * or of the current file (a copy of what is still there). Each is read
 * whole, oldest first, before the current file.
 */
static void find_copies(struct pfs_file *f, struct stream *s, const struct stat *cst,
			        int64_t ref, int64_t upto, const struct pfs_follow_pos *other)
{
    struct between *b = 0;
    struct stat st;
    struct dirent *de;
    DIR    *dp;
    size_t  n = 0, i, seen = 0;
    int     fd;

    if ((dp = opendir(f->dir)) == 0)
	return;
    while ((de = readdir(dp)) != 0 && seen++ < MAX_DIRENTS) {
	struct between c;

	if (!is_rotated_name(f->base, de->d_name) || is_compressed(de->d_name)
	    || snprintf(c.name, sizeof(c.name), "%s/%s", f->dir, de->d_name)
	    >= (int) sizeof(c.name))
	    continue;
	if (stat(c.name, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0
	    || mtime_ns(&st) < ref || mtime_ns(&st) > upto
	    || (st.st_dev == cst->st_dev && st.st_ino == cst->st_ino)
	    || (other->valid && (uint64_t) st.st_dev == other->dev
		&& (uint64_t) st.st_ino == other->ino))
	    continue;
	if (n == MAX_BETWEEN) {
	    log_warnx("log file %s: more than %d recent copies; the newest are "
		      "not read", f->path, MAX_BETWEEN);
	    break;
	}
	c.mtime = st.st_mtim;
	c.dev = st.st_dev;
	c.ino = st.st_ino;
	b = pfs_reallocarray(b, n + 1, sizeof(*b));
	b[n++] = c;
    }
    closedir(dp);
    if (n > 1)
	qsort(b, n, sizeof(*b), by_mtime);
    for (i = 0; i < n; i++) {
	struct stream tmp;

	if ((fd = open_regular(b[i].name, &st)) < 0)
	    continue;
	if (st.st_dev != b[i].dev || st.st_ino != b[i].ino || done_has(f, &st)
	    || (s->prev_len > 0 && fp_match(fd, s->prev_hash, s->prev_len))
	    || (other->valid && other->fp_len > 0
		&& fp_match(fd, other->fp_hash, other->fp_len))
	    || twin(fd, (uint64_t) st.st_size, s->fd, (uint64_t) cst->st_size)) {
	    close(fd);
	    continue;
	}
	log_info("log file %s: reading %s, a copy of lines written to the log "
		 "and truncated away before they were read", f->path, b[i].name);
	done_add(f, &st);
	stream_attach(f, &tmp, fd, &st, b[i].name, 0, 0);
	stream_drain(f, &tmp);
	s->prev_hash = tmp.fp_hash;		/* now the file before this one */
	s->prev_len = tmp.fp_len;
	s->prev_known = 1;
	stream_close(f, &tmp);
    }
    free(b);
}

/*
 * note_prev - what the file before the current one started with, when
 * not known: the newest rotated file of the log, or none. Copies that
 * find_copies() may read later must not start like it (a renamed log
 * that its syslog daemon still writes to is newer than the new one).
 */
static void note_prev(struct pfs_file *f, struct stream *s)
{
    struct stat st;
    struct dirent *de;
    DIR    *dp;
    char    name[PATH_MAX], best[PATH_MAX];
    int64_t newest = INT64_MIN;
    size_t  seen = 0;
    unsigned len;
    uint64_t h;
    int     fd;

    if (s->prev_known || s->fd < 0)
	return;
    s->prev_known = 1;
    s->prev_len = 0;
    if ((dp = opendir(f->dir)) == 0)
	return;
    while ((de = readdir(dp)) != 0 && seen++ < MAX_DIRENTS) {
	if (!is_rotated_name(f->base, de->d_name) || is_compressed(de->d_name)
	    || snprintf(name, sizeof(name), "%s/%s", f->dir, de->d_name) >= (int) sizeof(name)
	    || stat(name, &st) < 0 || !S_ISREG(st.st_mode)
	    || ((uint64_t) st.st_dev == s->dev && (uint64_t) st.st_ino == s->ino)
	    || mtime_ns(&st) <= newest)
	    continue;
	newest = mtime_ns(&st);
	memcpy(best, name, sizeof(best));
    }
    closedir(dp);
    if (newest != INT64_MIN && (fd = open_regular(best, &st)) >= 0) {
	len = (uint64_t) st.st_size < PFS_FOLLOW_FP_MAX ? (unsigned) st.st_size
	    : PFS_FOLLOW_FP_MAX;
	if (fp_read(fd, len, &h) == 0) {
	    s->prev_hash = h;
	    s->prev_len = len;
	}
	close(fd);
    }
}

/* old_identity - the rotated file, as find_copies() wants it */

static void old_identity(const struct pfs_file *f, struct pfs_follow_pos *pos)
{
    memset(pos, 0, sizeof(*pos));
    if (f->old.fd < 0)
	return;
    pos->valid = 1;
    pos->dev = f->old.dev;
    pos->ino = f->old.ino;
    pos->fp_hash = f->old.fp_hash;
    pos->fp_len = f->old.fp_len;
}

/* retire_cur - the current file becomes the rotated one */

static void retire_cur(struct pfs_file *f)
{
    if (f->old.fd >= 0) {
	stream_drain(f, &f->old);
	stream_close(f, &f->old);
    }
    stream_drain(f, &f->cur);
    f->old = f->cur;
    f->old.lb.ctx = f;
    f->old.grew = now_mono();
    stream_init(f, &f->cur);
    f->fw->changes++;
}

/* tail_start - position of the last line start, as tail -f would */

static uint64_t tail_start(int fd, uint64_t size, int *skipping)
{
    char    buf[PFS_LINE_MAX + 1];
    uint64_t from = size > sizeof(buf) ? size - sizeof(buf) : 0;
    size_t  len = (size_t) (size - from);
    ssize_t n;
    size_t  i;

    *skipping = 0;
    if (size == 0)
	return (0);
    n = pread(fd, buf, len, (off_t) from);
    if (n != (ssize_t) len)
	return (size);
    for (i = len; i > 0; i--)
	if (buf[i - 1] == '\n')
	    return (from + i);
    if (from == 0)
	return (0);
    *skipping = 1;				/* inside an overlong line */
    return (size);
}

/* watch_target - watch a symbolic link's target directory too */

static void watch_target(struct pfs_file *f)
{
    char    target[PATH_MAX];
    char   *dir, *base;

    if (realpath(f->path, target) == 0)
	return;
    split_path(target, &dir, &base);
    if (f->tdir == 0 || strcmp(dir, f->tdir) != 0 || strcmp(base, f->tbase) != 0) {
	free(f->tdir);
	free(f->tbase);
	f->tdir = dir;
	f->tbase = base;
	f->tdir_wd = -1;
	if (f->fw->ifd >= 0 && strcmp(dir, f->dir) != 0)
	    f->tdir_wd = inotify_add_watch(f->fw->ifd, dir, DIR_EVENTS);
    } else {
	free(dir);
	free(base);
    }
}

/* watch_dir - watch the directory of the path */

static void watch_dir(struct pfs_file *f)
{
    if (f->fw->ifd >= 0 && f->dir_wd < 0)
	f->dir_wd = inotify_add_watch(f->fw->ifd, f->dir, DIR_EVENTS);
}

/* file_first_open - the first time the path is opened after the start */

static void file_first_open(struct pfs_file *f, int fd, const struct stat *st)
{
    struct pfs_follow_pos *sc = &f->saved_cur;
    struct pfs_follow_pos last;
    uint64_t off = 0;
    int     skipping = 0;
    int     resumed = 0;

    memset(&last, 0, sizeof(last));
    f->ndone = 0;

    if (f->saved_old.valid) {
	struct stream tmp;

	if (read_saved_elsewhere(f, &f->saved_old, 0, fd >= 0 ? st : 0, &tmp, 0) == 0)
	    stream_close(f, &tmp);
    }
    if (sc->valid) {
	if (fd >= 0 && (uint64_t) st->st_dev == sc->dev
	    && (uint64_t) st->st_ino == sc->ino
	    && pos_match(fd, (uint64_t) st->st_size, sc)) {
	    off = sc->offset;
	    skipping = sc->skipping;
	    resumed = 1;
	} else {
	    int     same = fd >= 0 && (uint64_t) st->st_dev == sc->dev
	    && (uint64_t) st->st_ino == sc->ino;

	    if (same)
		log_info("log file %s: truncated or replaced (same inode, "
		      "different first bytes) while the agent was stopped", f->path);
	    /* A rename leaves the inode elsewhere; a copy leaves a twin. */
	    if (read_saved_elsewhere(f, sc, same, fd >= 0 ? st : 0, &f->old,
				     &f->saved_old) == 0) {
		last.fp_hash = f->old.fp_hash;
		last.fp_len = f->old.fp_len;
		read_between(f, &f->old, &f->saved_old, fd >= 0 ? st : 0, fd, &last);
	    }
	    f->rotations++;
	}
    } else if (fd >= 0 && !f->fw->from_start && !f->known) {
	off = tail_start(fd, (uint64_t) st->st_size, &skipping);
    }
    /* A path the state names without a position appeared after the save. */
    if (fd >= 0) {
	stream_attach(f, &f->cur, fd, st, f->path, off, skipping);
	if (resumed) {
	    f->cur.prev_hash = sc->prev_hash;
	    f->cur.prev_len = sc->prev_len;
	    f->cur.prev_known = sc->prev_known;
	} else if (last.fp_len > 0) {
	    f->cur.prev_hash = last.fp_hash;	/* the newest file read before it */
	    f->cur.prev_len = last.fp_len;
	    f->cur.prev_known = 1;
	}
	if (off == 0 && !skipping)
	    note_prev(f, &f->cur);
	/* Empty when saved: copies of what came after, made while stopped. */
	if (resumed && off == 0 && !skipping && sc->mtime_ns != 0 && sc->prev_known)
	    find_copies(f, &f->cur, st, sc->mtime_ns, INT64_MAX, &f->saved_old);
    }
    f->saved_cur.valid = f->saved_old.valid = 0;
}

/* file_open - open the path: at the saved place, its end, or its start */

static void file_open(struct pfs_file *f)
{
    struct stat st;
    int     fd;

    fd = open_regular(f->path, &st);
    if (fd < 0 && errno == ENOENT && f->old.fd >= 0)
	log_debug("follow", "%s: not recreated yet", f->path);
    else if (fd < 0)
	report_missing(f, errno);
    if (!f->started) {
	f->started = 1;
	file_first_open(f, fd, &st);
    } else if (fd >= 0) {
	stream_attach(f, &f->cur, fd, &st, f->path, 0, 0);
	/* A new file: what the one before started with is known. */
	if (f->old.fd >= 0) {
	    f->cur.prev_hash = f->old.fp_hash;
	    f->cur.prev_len = f->old.fp_len;
	    f->cur.prev_known = 1;
	}
	note_prev(f, &f->cur);
    }
    if (fd >= 0)
	report_found(f);
}

/* cur_truncated - copytruncate: the file shrank or was rewritten */

static void cur_truncated(struct pfs_file *f, const struct stat *cst)
{
    struct pfs_follow_pos pos;
    uint64_t size = (uint64_t) cst->st_size;

    log_info("log file %s was truncated (size %llu, position %llu)",
	     f->path, (unsigned long long) size,
	     (unsigned long long) f->cur.offset);
    f->ndone = 0;
    /* The copy holds what was not read yet; continue the same line buffer. */
    memset(&pos, 0, sizeof(pos));
    pos.dev = f->cur.dev;
    pos.ino = f->cur.ino;
    pos.offset = f->cur.offset;
    pos.fp_hash = f->cur.fp_hash;
    pos.fp_len = f->cur.fp_len;
    if (f->cur.fp_len > 0) {
	struct stat st;
	char    name[PATH_MAX];
	int     fd;

	if ((fd = locate(f, &pos, 1, 0, &st, name, sizeof(name))) >= 0) {
	    if ((uint64_t) st.st_size > pos.offset)
		log_info("log file %s: reading the rest of its copy %s from byte %llu",
			 f->path, name, (unsigned long long) pos.offset);
	    /* Read the copy through the current stream's line buffer. */
	    {
		int     keep = f->cur.fd;

		f->cur.fd = fd;
		stream_read(f, &f->cur, (uint64_t) st.st_size, 1);
		f->cur.fd = keep;
	    }
	    if (f->cur.lb.len > 0 || f->cur.lb.skipping)
		pfs_lines_feed(&f->cur.lb, "\n", 1);
	    /* Copied and truncated again before the agent looked: those too. */
	    {
		struct stream copy;
		struct pfs_follow_pos other;

		stream_init(f, &copy);
		copy.fd = fd;
		copy.fp_hash = pos.fp_hash;
		copy.fp_len = pos.fp_len;
		old_identity(f, &other);
		read_between(f, &copy, &other, cst, f->cur.fd, &pos);
	    }
	    close(fd);
	}
    }
    if (f->cur.lb.len > 0 || f->cur.lb.skipping)
	pfs_lines_feed(&f->cur.lb, "\n", 1);
    pfs_lines_reset(&f->cur.lb);
    /* What was truncated away is in the copies just read: the newest one. */
    f->cur.prev_hash = pos.fp_hash;
    f->cur.prev_len = pos.fp_len;
    f->cur.prev_known = 1;
    f->cur.offset = 0;
    f->cur.fp_len = 0;
    f->cur.fp_hash = 0;
    f->cur.mtime_ns = mtime_ns(cst);
    f->rotations++;
    f->fw->changes++;
}

/* cur_service - read the current file, noticing truncation */

static void cur_service(struct pfs_file *f, int full)
{
    struct stat st;

    if (f->cur.fd < 0 || fstat(f->cur.fd, &st) < 0)
	return;
    if ((uint64_t) st.st_size < f->cur.offset
	|| ((full || (uint64_t) st.st_size != f->cur.offset)
	    && !fp_match(f->cur.fd, f->cur.fp_hash, f->cur.fp_len)))
	cur_truncated(f, &st);
    /* Nothing read since it was empty: were lines copied and truncated away? */
    if (f->cur.prev_known && f->cur.offset == 0 && mtime_ns(&st) != f->cur.mtime_ns) {
	struct pfs_follow_pos other;

	old_identity(f, &other);
	f->ndone = 0;
	find_copies(f, &f->cur, &st, f->cur.mtime_ns, INT64_MAX, &other);
	f->cur.mtime_ns = mtime_ns(&st);
    }
    if (f->old.fd >= 0 && f->old.backlog)
	return;					/* old lines first */
    stream_read(f, &f->cur, (uint64_t) st.st_size, 0);
}

/* old_service - read the rotated file; close it once idle */

static void old_service(struct pfs_file *f, int full)
{
    struct stat st;

    if (f->old.fd < 0 || fstat(f->old.fd, &st) < 0)
	return;
    if ((uint64_t) st.st_size < f->old.offset) {
	stream_close(f, &f->old);		/* truncated after rotation */
	return;
    }
    /* Overwritten (a copy of the log put on its name): not ours to read. */
    if ((uint64_t) st.st_size > f->old.offset
	&& ((f->old.fp_len > 0 && !fp_match(f->old.fd, f->old.fp_hash, f->old.fp_len))
	    || (f->old.fp_len == 0 && f->cur.fd >= 0 && f->cur.fp_len > 0
		&& fp_match(f->old.fd, f->cur.fp_hash, f->cur.fp_len)))) {
	log_info("log file %s: the rotated file was overwritten with other "
		 "content; it is no longer read", f->path);
	pfs_lines_reset(&f->old.lb);
	stream_close(f, &f->old);
	return;
    }
    stream_read(f, &f->old, (uint64_t) st.st_size, 0);
    if (full && !f->old.backlog && now_mono() - f->old.grew >= (time_t) f->fw->linger)
	stream_close(f, &f->old);
}

/* path_check - has the path moved on to another file? */

static void path_check(struct pfs_file *f)
{
    struct stat st;

    watch_dir(f);
    if (f->cur.fd < 0) {
	file_open(f);
	if (f->cur.fd >= 0)
	    watch_target(f);
	return;
    }
    if (stat(f->path, &st) < 0) {
	/* Gone (deleted, or renamed and not yet recreated). */
	log_info("log file %s was removed or renamed", f->path);
	retire_cur(f);
	f->rotations++;
	return;
    }
    if ((uint64_t) st.st_dev == f->cur.dev && (uint64_t) st.st_ino == f->cur.ino)
	return;
    log_info("log file %s was rotated", f->path);
    retire_cur(f);
    f->rotations++;
    file_open(f);
    watch_target(f);
}

/* file_service - everything for one path */

static void file_service(struct pfs_file *f, int full)
{
    old_service(f, full);
    if (full || f->cur.fd < 0)
	path_check(f);
    cur_service(f, full);
    if (full) {
	/* Re-arm watches dropped by stream_throttle(). */
	if (f->cur.fd >= 0 && f->cur.wd < 0)
	    stream_watch(f, &f->cur, f->path);
	if (f->old.fd >= 0 && f->old.wd < 0)
	    stream_watch(f, &f->old, f->path);
    }
}

/* pfs_follow_create_flags - follower for n paths */

PFS_FOLLOW *pfs_follow_create_flags(PFS_PARSER *parser, char *const *paths, size_t n,
			              unsigned poll_interval, int from_start, int flags)
{
    PFS_FOLLOW *fw = pfs_calloc(1, sizeof(*fw));
    const char *env = getenv(PFS_FOLLOW_ENV_NO_INOTIFY);
    size_t  i;

    fw->parser = parser;
    fw->n = n;
    fw->poll_interval = poll_interval ? poll_interval : 1;
    fw->linger = DEF_LINGER;
    fw->throttle_ms = DEF_THROTTLE_MS;
    fw->from_start = from_start;
    fw->buf = pfs_malloc(READ_CHUNK);
    fw->ifd = -1;
    fw->threads = 1;
    fw->cu_min = CU_MIN;
    fw->cu_slice = READ_BUDGET;
    if (env != 0 && *env != 0 && strcmp(env, "0") != 0)
	flags |= PFS_FOLLOW_NO_INOTIFY;
    if ((flags & PFS_FOLLOW_NO_INOTIFY) == 0
	&& (fw->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
	log_warn("inotify unavailable; polling the log files every %u s",
		 fw->poll_interval);
    fw->files = pfs_calloc(n ? n : 1, sizeof(*fw->files));
    for (i = 0; i < n; i++) {
	struct pfs_file *f = fw->files + i;

	f->fw = fw;
	f->path = pfs_strdup(paths[i]);
	split_path(f->path, &f->dir, &f->base);
	f->dir_wd = f->tdir_wd = -1;
	stream_init(f, &f->cur);
	stream_init(f, &f->old);
    }
    return (fw);
}

/* pfs_follow_create - follower for n paths, inotify unless disabled */

PFS_FOLLOW *pfs_follow_create(PFS_PARSER *parser, char *const *paths, size_t n,
			              unsigned poll_interval, int from_start)
{
    return (pfs_follow_create_flags(parser, paths, n, poll_interval, from_start, 0));
}

/* pfs_follow_free - close everything; unfinished lines are dropped */

void    pfs_follow_free(PFS_FOLLOW *fw)
{
    size_t  i;

    if (fw == 0)
	return;
    pfs_pread_free(fw->pr);
    for (i = 0; i < fw->n; i++) {
	struct pfs_file *f = fw->files + i;

	if (f->cur.fd >= 0)
	    close(f->cur.fd);
	if (f->old.fd >= 0)
	    close(f->old.fd);
	free(f->path);
	free(f->dir);
	free(f->base);
	free(f->tdir);
	free(f->tbase);
    }
    if (fw->ifd >= 0)
	close(fw->ifd);
    free(fw->files);
    free(fw->buf);
    free(fw);
}

/* pfs_follow_set_linger - how long a rotated file is still read */

void    pfs_follow_set_linger(PFS_FOLLOW *fw, unsigned seconds)
{
    fw->linger = seconds;
}

/* pfs_follow_set_throttle - IN_MODIFY rate above which the poll reads */

void    pfs_follow_set_throttle(PFS_FOLLOW *fw, unsigned ms)
{
    fw->throttle_ms = ms;
}

/* cu_slice_default - READ_BUDGET per thread, up to CU_SLICE_MAX of them */

static uint64_t cu_slice_default(int threads)
{
    return (READ_BUDGET * (uint64_t) (threads < CU_SLICE_MAX ? threads : CU_SLICE_MAX));
}

/* pfs_follow_set_threads - threads that catch a large backlog up */

void    pfs_follow_set_threads(PFS_FOLLOW *fw, int threads)
{
    int     slice_default = fw->cu_slice == cu_slice_default(fw->threads);

    if (threads <= 0)
	threads = pfs_pread_cores();
    if (threads > PFS_PREAD_MAX_THREADS)
	threads = PFS_PREAD_MAX_THREADS;
    if (fw->pr && threads != fw->threads) {
	pfs_pread_free(fw->pr);			/* restarted at the next slice */
	fw->pr = 0;
    }
    fw->threads = threads;
    if (slice_default)
	fw->cu_slice = cu_slice_default(threads);
}

/* pfs_follow_set_catchup - backlog that starts the threads, slice size */

void    pfs_follow_set_catchup(PFS_FOLLOW *fw, uint64_t min_backlog, uint64_t slice)
{
    fw->cu_min = min_backlog ? min_backlog : CU_MIN;
    fw->cu_slice = slice ? slice : cu_slice_default(fw->threads);
}

/* pfs_follow_catchup_bytes - bytes read on the threads so far */

uint64_t pfs_follow_catchup_bytes(const PFS_FOLLOW *fw)
{
    return (fw->cu_bytes);
}

/* pfs_follow_start - open every path and read what is there */

void    pfs_follow_start(PFS_FOLLOW *fw)
{
    size_t  i;

    for (i = 0; i < fw->n; i++) {
	struct pfs_file *f = fw->files + i;

	watch_dir(f);
	file_open(f);
	if (f->cur.fd >= 0)
	    watch_target(f);
	file_service(f, 0);
    }
}

/* pfs_follow_fd - the inotify descriptor, or -1 */

int     pfs_follow_fd(const PFS_FOLLOW *fw)
{
    return (fw->ifd);
}

/* pfs_follow_poll_interval - seconds between pfs_follow_poll() calls */

unsigned pfs_follow_poll_interval(const PFS_FOLLOW *fw)
{
    return (fw->poll_interval);
}

/* pfs_follow_poll - check every path and file in full */

void    pfs_follow_poll(PFS_FOLLOW *fw)
{
    size_t  i;

    for (i = 0; i < fw->n; i++)
	file_service(fw->files + i, 1);
}

/* pfs_follow_reopen - SIGHUP: check everything, report problems afresh */

void    pfs_follow_reopen(PFS_FOLLOW *fw)
{
    size_t  i;

    for (i = 0; i < fw->n; i++)
	fw->files[i].warned = 0;
    pfs_follow_poll(fw);
}

#define T_READ		(1<<0)		/* read the open files */
#define T_FULL		(1<<1)		/* also check the path */
#define T_CUR_MOD	(1<<2)		/* IN_MODIFY on the current file */
#define T_OLD_MOD	(1<<3)		/* IN_MODIFY on the rotated file */

/* mark - note which files an inotify event concerns */

static void mark(PFS_FOLLOW *fw, const struct inotify_event *ev, char *todo)
{
    size_t  i;

    for (i = 0; i < fw->n; i++) {
	struct pfs_file *f = fw->files + i;

	if (ev->mask & IN_Q_OVERFLOW) {
	    todo[i] |= T_FULL;
	    continue;
	}
	if (ev->mask & IN_IGNORED) {
	    if (f->cur.wd == ev->wd)
		f->cur.wd = -1;
	    if (f->old.wd == ev->wd)
		f->old.wd = -1;
	    if (f->dir_wd == ev->wd)
		f->dir_wd = -1;
	    if (f->tdir_wd == ev->wd)
		f->tdir_wd = -1;
	    continue;
	}
	if (f->cur.wd == ev->wd || f->old.wd == ev->wd) {
	    todo[i] |= T_READ;
	    if (ev->mask & IN_MODIFY)
		todo[i] |= f->cur.wd == ev->wd ? T_CUR_MOD : T_OLD_MOD;
	    if (ev->mask & ~(IN_MODIFY | IN_CLOSE_WRITE))
		todo[i] |= T_FULL;
	}
	if (ev->len > 0 && ((f->dir_wd == ev->wd && strcmp(ev->name, f->base) == 0)
			    || (f->tdir_wd == ev->wd && f->tbase != 0
				&& strcmp(ev->name, f->tbase) == 0)))
	    todo[i] |= T_FULL;
	if (ev->len == 0 && (f->dir_wd == ev->wd || f->tdir_wd == ev->wd))
	    todo[i] |= T_FULL;			/* the directory itself */
    }
}

/* pfs_follow_event - the inotify descriptor is readable */

void    pfs_follow_event(PFS_FOLLOW *fw)
{
    char    buf[16 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    char    todo_small[64];
    char   *todo = fw->n <= sizeof(todo_small) ? todo_small : pfs_malloc(fw->n);
    const struct inotify_event *ev;
    ssize_t n;
    char   *p;
    size_t  i;

    memset(todo, 0, fw->n);
    if (fw->ifd >= 0) {
	for (;;) {
	    n = read(fw->ifd, buf, sizeof(buf));
	    if (n < 0 && errno == EINTR)
		continue;
	    if (n <= 0)
		break;
	    for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
		ev = (const struct inotify_event *) p;
		mark(fw, ev, todo);
	    }
	    if ((size_t) n < sizeof(buf) - sizeof(*ev) - NAME_MAX - 1)
		break;				/* drained: skip the EAGAIN read */
	}
    }
    for (i = 0; i < fw->n; i++) {
	struct pfs_file *f = fw->files + i;

	if (todo[i] || f->cur.backlog || f->old.backlog)
	    file_service(f, (todo[i] & T_FULL) != 0);
	if ((todo[i] & T_CUR_MOD) && !(todo[i] & T_FULL))
	    stream_throttle(f, &f->cur);
	if ((todo[i] & T_OLD_MOD) && !(todo[i] & T_FULL))
	    stream_throttle(f, &f->old);
    }
    if (todo != todo_small)
	free(todo);
}

/* pfs_follow_backlog - a file has more to read than one call reads */

int     pfs_follow_backlog(const PFS_FOLLOW *fw)
{
    size_t  i;

    for (i = 0; i < fw->n; i++)
	if (fw->files[i].cur.backlog || fw->files[i].old.backlog)
	    return (1);
    return (0);
}

/* pfs_follow_changes - a number that moves when the state may have */

uint64_t pfs_follow_changes(const PFS_FOLLOW *fw)
{
    return (fw->changes);
}

/* pfs_follow_count - number of paths */

size_t  pfs_follow_count(const PFS_FOLLOW *fw)
{
    return (fw->n);
}

/* pfs_follow_path - a path as configured */

const char *pfs_follow_path(const PFS_FOLLOW *fw, size_t i)
{
    return (i < fw->n ? fw->files[i].path : 0);
}

/* pfs_follow_status - one row of the file table */

void    pfs_follow_status(const PFS_FOLLOW *fw, size_t i, struct pfs_follow_status *st)
{
    const struct pfs_file *f = fw->files + i;

    memset(st, 0, sizeof(*st));
    if (i >= fw->n)
	return;
    st->path = f->path;
    st->open = f->cur.fd >= 0;
    if (st->open) {
	st->dev = f->cur.dev;
	st->ino = f->cur.ino;
	st->offset = f->cur.offset - pfs_lines_pending(&f->cur.lb);
    }
    st->lines = f->lines;
    st->rotations = f->rotations;
}

/* pfs_follow_last_line - when a line was last read */

time_t  pfs_follow_last_line(const PFS_FOLLOW *fw)
{
    return (fw->last_line);
}

/* get_pos - the position of one stream */

static void get_pos(const struct stream *s, struct pfs_follow_pos *pos)
{
    struct stat st;

    memset(pos, 0, sizeof(*pos));
    if (s->fd < 0)
	return;
    pos->valid = 1;
    pos->dev = s->dev;
    pos->ino = s->ino;
    pos->offset = s->offset - pfs_lines_pending(&s->lb);
    pos->skipping = s->lb.skipping;
    pos->fp_hash = s->fp_hash;
    pos->fp_len = s->fp_len;
    pos->tail_len = pos->offset < PFS_FOLLOW_FP_MAX ? (unsigned) pos->offset
	: PFS_FOLLOW_FP_MAX;
    if (tail_read(s->fd, pos->offset, pos->tail_len, &pos->tail_hash) < 0)
	pos->tail_len = 0;
    pos->mtime_ns = fstat(s->fd, &st) == 0 ? mtime_ns(&st) : 0;
    pos->prev_hash = s->prev_hash;
    pos->prev_len = s->prev_len;
    pos->prev_known = s->prev_known;
}

/* pfs_follow_get_pos - positions to save */

void    pfs_follow_get_pos(const PFS_FOLLOW *fw, size_t i, struct pfs_follow_pos *cur,
			           struct pfs_follow_pos *rotated)
{
    const struct pfs_file *f = fw->files + i;

    memset(cur, 0, sizeof(*cur));
    memset(rotated, 0, sizeof(*rotated));
    if (i >= fw->n)
	return;
    if (!f->started) {
	/* Not opened yet: keep what was loaded. */
	*cur = f->saved_cur;
	*rotated = f->saved_old;
	return;
    }
    get_pos(&f->cur, cur);
    get_pos(&f->old, rotated);
}

/* pfs_follow_set_pos - a saved position, before the start */

int     pfs_follow_set_pos(PFS_FOLLOW *fw, const char *path,
			           const struct pfs_follow_pos *cur,
			           const struct pfs_follow_pos *rotated,
			           uint64_t lines, uint64_t rotations)
{
    size_t  i;

    for (i = 0; i < fw->n; i++) {
	struct pfs_file *f = fw->files + i;

	if (strcmp(f->path, path) != 0)
	    continue;
	if (cur)
	    f->saved_cur = *cur;
	if (rotated)
	    f->saved_old = *rotated;
	if (f->saved_cur.fp_len > PFS_FOLLOW_FP_MAX)
	    f->saved_cur.fp_len = PFS_FOLLOW_FP_MAX;
	if (f->saved_old.fp_len > PFS_FOLLOW_FP_MAX)
	    f->saved_old.fp_len = PFS_FOLLOW_FP_MAX;
	f->lines = lines;
	f->rotations = rotations;
	f->known = 1;
	return (0);
    }
    return (-1);
}
