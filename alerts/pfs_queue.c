/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_queue 3
 * SUMMARY
 *	mail queue gauges from postqueue -j, read in the background
 * SYNOPSIS
 *	#include "pfs_queue.h"
 *
 *	PFS_QUEUE *pfs_queue_create(opts)
 *
 *	void	pfs_queue_set_fd_callbacks(queue, opened, closing, ctx)
 *
 *	void	pfs_queue_set_done_callback(queue, done, ctx)
 *
 *	enum pfs_queue_status pfs_queue_last_read(queue, text)
 *
 *	void	pfs_queue_tick(queue, now)
 *
 *	int	pfs_queue_start(queue, now)
 *
 *	int	pfs_queue_fd(queue)
 *
 *	int	pfs_queue_input(queue, now)
 *
 *	void	pfs_queue_info(queue, id, now, info)
 *
 *	uint64_t pfs_queue_reads(queue, failed)
 *
 *	void	pfs_queue_feed(queue, now, buf, len, last, exit_status)
 * DESCRIPTION
 *	"mailq is the first place problems show." This module reads the
 *	queue the way Postfix means it to be read, through showq, by
 *	running "postqueue -j" (with "-c DIR" for another instance), and
 *	keeps, per queue (incoming, active, deferred, hold, maildrop):
 *	messages, recipients, bytes (message_size), the age of the oldest
 *	message (arrival_time) and how many messages are older than two
 *	thresholds (default 1 h and 1 d; strictly older). Ages are taken at
 *	the moment the read started.
 *
 *	showq does not list the corrupt queue. When opts->queue_dir is set,
 *	the child process counts the files in DIR/corrupt (size and mtime)
 *	before it executes postqueue, and writes them as lines of the same
 *	JSON shape with queue_name "corrupt", so they are parsed like the
 *	rest. The corrupt directory is readable by root and the postfix
 *	user only: without that access its row says why.
 *
 *	Nothing waits for the queue. pfs_queue_tick(), called from a timer,
 *	forks and executes postqueue when the last read started refresh
 *	seconds ago or more; its standard output and standard error go to a
 *	non-blocking pipe, which the "opened" callback hands to the daemon's
 *	loop (register_readfd()). Each pfs_queue_input() reads at most
 *	PFS_QUEUE_READ_MAX bytes and parses each complete line with jansson,
 *	so a large queue costs many short turns of the loop, never one long
 *	one. A line (one message) is kept up to PFS_QUEUE_LINE_MAX bytes; a
 *	longer one still counts its message, bytes and age, not its
 *	recipients (info.truncated says how many). At end of file the
 *	"closing" callback runs, the pipe is closed, and the child is reaped
 *	without blocking (now, or at a later tick). A read that takes longer
 *	than the timeout is ended: the child is killed (by its process ID)
 *	and the read fails.
 *
 *	A read succeeds when postqueue exits with status 0 and every line
 *	that looks like JSON parses; its numbers replace the previous ones.
 *	Otherwise the previous numbers stay, but not as current: the status
 *	says error, with postqueue's own message (its first line that is
 *	not JSON, e.g. "postqueue: fatal: ...") or the exit status. Numbers
 *	from a good read become stale once a newer read should have finished
 *	(refresh + timeout + 5 seconds). pfs_queue_info() sets valid only for
 *	status ok: readers must not serve the numbers otherwise.
 *
 *	The "done" callback (pfs_queue_set_done_callback()) runs after each
 *	read has finished, good or failed; pfs_queue_last_read() says which,
 *	and why it failed.
 *
 *	pfs_queue_feed() parses given output as one read, without a child,
 *	for unit tests.
 * DIAGNOSTICS
 *	pfs_queue_start() returns -1 with errno when pipe() or fork() fail;
 *	a postqueue that cannot be executed makes the read fail with a
 *	message that says so.
 * SECURITY
 *	postqueue's output is as trusted as the queue's senders: lines are
 *	bounded, parsed by jansson, and only numbers and known queue names
 *	are used; error text is cut to PFS_QUEUE_TEXT_MAX bytes and
 *	non-printable bytes are replaced. The child gets a fixed argument
 *	vector, no shell.
 *--*/

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "pfs_queue.h"
#include "pfs_util.h"

const char *const pfs_queue_name[PFS_Q_COUNT] = {
    "incoming", "active", "deferred", "hold", "maildrop", "corrupt",
};

const char *const pfs_queue_status_name[5] = {
    "unknown", "ok", "error", "stale", "off",
};

#define READ_CHUNK	(64 << 10)

/* What one read found in one queue. */
struct acc {
    uint64_t messages, recipients, bytes, truncated;
    uint64_t older[PFS_QUEUE_AGES];
    int64_t oldest;			/* arrival_time; INT64_MAX: none */
    int     err;			/* the queue could not be read */
    char    text[PFS_QUEUE_TEXT_MAX + 1];
};

struct PFS_QUEUE {
    char   *postqueue;
    char   *config_dir;
    char   *queue_dir;
    unsigned refresh, timeout;
    unsigned age[PFS_QUEUE_AGES];
    PFS_QUEUE_FD_FN opened, closing;
    void   *cb_ctx;
    PFS_QUEUE_DONE_FN done;
    void   *done_ctx;
    /* The read under way. */
    int     active;			/* a read is under way */
    pid_t   pid;			/* its child, or 0 */
    int     fd;				/* its pipe, or -1 */
    time_t  start;
    struct acc run[PFS_Q_COUNT];
    char   *line;			/* partial line */
    size_t  len, alloc;
    int     overlong;			/* discarding the rest of a line */
    int     parse_errors;
    char    text[PFS_QUEUE_TEXT_MAX + 1];	/* first non-JSON line */
    /* The last finished read. */
    time_t  last_start;			/* 0: never */
    enum pfs_queue_status status;
    char    status_text[PFS_QUEUE_TEXT_MAX + 1];
    struct acc cur[PFS_Q_COUNT];
    time_t  read_at;			/* start of the last good read */
    uint64_t reads, failed;
};

/* set_text - bounded, printable copy */

static void set_text(char *dst, const char *src, size_t len)
{
    size_t  i;

    if (len > PFS_QUEUE_TEXT_MAX)
	len = PFS_QUEUE_TEXT_MAX;
    for (i = 0; i < len; i++)
	dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    dst[len] = 0;
}

/* reset_acc - nothing found yet */

static void reset_acc(struct acc *a)
{
    int     i;

    for (i = 0; i < PFS_Q_COUNT; i++) {
	memset(a + i, 0, sizeof(a[i]));
	a[i].oldest = INT64_MAX;
    }
}

/* pfs_queue_create - nothing read yet */

PFS_QUEUE *pfs_queue_create(const struct pfs_queue_opts *opts)
{
    PFS_QUEUE *q = pfs_calloc(1, sizeof(*q));
    int     i;

    q->postqueue = pfs_strdup(opts->postqueue ? opts->postqueue : PFS_DEF_POSTQUEUE);
    q->config_dir = opts->config_dir ? pfs_strdup(opts->config_dir) : 0;
    q->queue_dir = opts->queue_dir ? pfs_strdup(opts->queue_dir) : 0;
    q->refresh = opts->refresh ? opts->refresh : 60;
    q->timeout = opts->timeout ? opts->timeout : (q->refresh > 30 ? q->refresh : 30);
    q->age[0] = opts->age[0] ? opts->age[0] : 3600;
    q->age[1] = opts->age[1] ? opts->age[1] : 86400;
    q->fd = -1;
    q->status = PFS_QS_UNKNOWN;
    snprintf(q->status_text, sizeof(q->status_text), "not read yet");
    reset_acc(q->cur);
    for (i = 0; i < PFS_Q_COUNT; i++)
	q->cur[i].oldest = INT64_MAX;
    return (q);
}

/* pfs_queue_set_fd_callbacks - how the daemon's loop learns of the pipe */

void    pfs_queue_set_fd_callbacks(PFS_QUEUE *q, PFS_QUEUE_FD_FN opened,
			                   PFS_QUEUE_FD_FN closing, void *ctx)
{
    q->opened = opened;
    q->closing = closing;
    q->cb_ctx = ctx;
}

/* pfs_queue_set_done_callback - told when a read has finished */

void    pfs_queue_set_done_callback(PFS_QUEUE *q, PFS_QUEUE_DONE_FN done, void *ctx)
{
    q->done = done;
    q->done_ctx = ctx;
}

/* pfs_queue_last_read - how the last read ended */

enum pfs_queue_status pfs_queue_last_read(const PFS_QUEUE *q, const char **text)
{
    if (text)
	*text = q->status_text;
    return (q->status);
}

/* close_pipe - tell the loop, then close */

static void close_pipe(PFS_QUEUE *q)
{
    if (q->fd < 0)
	return;
    if (q->closing)
	q->closing(q->fd, q->cb_ctx);
    (void) close(q->fd);
    q->fd = -1;
}

/* begin - a new read, starting now */

static void begin(PFS_QUEUE *q, time_t now)
{
    q->active = 1;
    q->start = now;
    q->last_start = now;
    reset_acc(q->run);
    q->len = 0;
    q->overlong = 0;
    q->parse_errors = 0;
    q->text[0] = 0;
}

/* queue_of - a queue name's id, or -1 */

static int queue_of(const char *name)
{
    int     i;

    for (i = 0; name != 0 && i < PFS_Q_COUNT; i++)
	if (strcmp(name, pfs_queue_name[i]) == 0)
	    return (i);
    return (-1);
}

/* message - one parsed JSON line */

static void message(PFS_QUEUE *q, json_t *m, int truncated)
{
    const json_t *v;
    struct acc *a;
    json_int_t arrival;
    int64_t age;
    int     id, i;

    if ((id = queue_of(json_string_value(json_object_get(m, "queue_name")))) < 0)
	return;					/* a queue this agent does not know */
    a = q->run + id;
    if ((v = json_object_get(m, "error")) != 0) {
	a->err = 1;
	set_text(a->text, json_string_value(v) ? json_string_value(v) : "error",
		 strlen(json_string_value(v) ? json_string_value(v) : "error"));
	return;
    }
    a->messages++;
    if (truncated)
	a->truncated++;
    else if (json_is_array(v = json_object_get(m, "recipients")))
	a->recipients += json_array_size(v);
    if (json_is_integer(v = json_object_get(m, "message_size")) && json_integer_value(v) > 0)
	a->bytes += (uint64_t) json_integer_value(v);
    if (json_is_integer(v = json_object_get(m, "arrival_time"))) {
	arrival = json_integer_value(v);
	if (arrival < a->oldest)
	    a->oldest = arrival;
	age = (int64_t) q->start - arrival;
	for (i = 0; i < PFS_QUEUE_AGES; i++)
	    if (age > (int64_t) q->age[i])
		a->older[i]++;
    }
}

/* line - one complete line of output */

static void line(PFS_QUEUE *q, char *buf, size_t len, int truncated)
{
    static const char cut[] = "\"recipients\": [";
    json_error_t jerr;
    json_t *m;
    char   *p;
    char    msg[PFS_QUEUE_TEXT_MAX + 1];

    while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == ' '))
	len--;
    if (len == 0)
	return;
    if (buf[0] != '{') {
	if (q->text[0] == 0)
	    set_text(q->text, buf, len);
	return;
    }
    if (truncated) {
	/* Keep what comes before the recipients; close the object. */
	buf[len] = 0;
	if ((p = strstr(buf, cut)) == 0) {
	    q->parse_errors++;
	    return;
	}
	len = (size_t) (p - buf);
	if (len + sizeof("\"recipients\": []}") > q->alloc) {
	    q->parse_errors++;
	    return;
	}
	memcpy(buf + len, "\"recipients\": []}", sizeof("\"recipients\": []}") - 1);
	len += sizeof("\"recipients\": []}") - 1;
    }
    if ((m = json_loadb(buf, len, 0, &jerr)) == 0 || !json_is_object(m)) {
	if (q->parse_errors++ == 0 && q->text[0] == 0) {
	    snprintf(msg, sizeof(msg), "cannot parse postqueue output: %s", jerr.text);
	    set_text(q->text, msg, strlen(msg));
	}
	json_decref(m);
	return;
    }
    message(q, m, truncated);
    json_decref(m);
}

/* take - bytes of output; lines are handled as they complete */

static void take(PFS_QUEUE *q, const char *buf, size_t len)
{
    const char *nl;
    size_t  n, room;

    while (len > 0) {
	nl = memchr(buf, '\n', len);
	n = nl ? (size_t) (nl - buf) : len;
	if (!q->overlong) {
	    room = PFS_QUEUE_LINE_MAX - q->len;
	    if (n > room) {
		/* Keep the first part only; the rest of the line is dropped. */
		q->overlong = 1;
	    }
	    if (q->len + (n > room ? room : n) + 1 > q->alloc) {
		size_t  want = q->len + (n > room ? room : n) + 1;
		size_t  na = q->alloc ? q->alloc : 4096;

		while (na < want)
		    na *= 2;
		if (na > PFS_QUEUE_LINE_MAX + 1)
		    na = PFS_QUEUE_LINE_MAX + 1;
		q->line = pfs_reallocarray(q->line, na, 1);
		q->alloc = na;
	    }
	    memcpy(q->line + q->len, buf, n > room ? room : n);
	    q->len += n > room ? room : n;
	}
	if (nl == 0)
	    return;
	line(q, q->line, q->len, q->overlong);
	q->len = 0;
	q->overlong = 0;
	buf = nl + 1;
	len -= n + 1;
    }
}

/* finish - the read is over; exit_status < 0: unknown, 1000+: signal */

static void finish(PFS_QUEUE *q, int exit_status, const char *why)
{
    int     i;

    if (q->len > 0) {
	line(q, q->line, q->len, q->overlong);
	q->len = 0;
    }
    q->active = 0;
    q->pid = 0;
    q->reads++;
    if (why == 0 && exit_status <= 0 && q->parse_errors == 0) {
	memcpy(q->cur, q->run, sizeof(q->cur));
	q->read_at = q->start;
	q->status = PFS_QS_OK;
	snprintf(q->status_text, sizeof(q->status_text), "ok");
	if (q->done)
	    q->done(q, q->done_ctx);
	return;
    }
    q->failed++;
    q->status = PFS_QS_ERROR;
    if (why)
	snprintf(q->status_text, sizeof(q->status_text), "%s", why);
    else if (q->text[0])
	snprintf(q->status_text, sizeof(q->status_text), "%s", q->text);
    else if (exit_status >= 1000)
	snprintf(q->status_text, sizeof(q->status_text), "%.100s killed by signal %d",
		 q->postqueue, exit_status - 1000);
    else
	snprintf(q->status_text, sizeof(q->status_text), "%.100s exited with status %d",
		 q->postqueue, exit_status);
    for (i = 0; i < PFS_Q_COUNT; i++)
	q->cur[i].err = 0;
    if (q->done)
	q->done(q, q->done_ctx);
}

/* reap - collect the child without blocking; 1 when the read is over */

static int reap(PFS_QUEUE *q)
{
    int     st;
    pid_t   r;

    if (q->pid == 0) {
	finish(q, 0, 0);			/* pfs_queue_feed() */
	return (1);
    }
    while ((r = waitpid(q->pid, &st, WNOHANG)) < 0 && errno == EINTR)
	 /* void */ ;
    if (r == 0)
	return (0);				/* exiting: a later tick */
    if (r < 0)
	finish(q, -1, 0);			/* SIGCHLD ignored: status unknown */
    else if (WIFEXITED(st))
	finish(q, WEXITSTATUS(st), 0);
    else
	finish(q, 1000 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0), 0);
    return (1);
}

/* put - write all of a buffer (child) */

static void put(int fd, const char *buf, size_t len)
{
    ssize_t n;

    while (len > 0) {
	if ((n = write(fd, buf, len)) < 0) {
	    if (errno == EINTR)
		continue;
	    return;
	}
	buf += n;
	len -= (size_t) n;
    }
}

/* scan_corrupt - the corrupt queue as postqueue -j lines (child) */

static void scan_corrupt(const char *queue_dir)
{
    char    path[4096];
    char    buf[512];
    struct dirent *de;
    struct stat st;
    DIR    *dir;
    int     n;
    const char *s;

    if (snprintf(path, sizeof(path), "%s/corrupt", queue_dir) >= (int) sizeof(path)) {
	n = snprintf(buf, sizeof(buf), "{\"queue_name\": \"corrupt\", \"error\": "
		     "\"queue_directory is too long\"}\n");
	put(1, buf, (size_t) n);
	return;
    }
    if ((dir = opendir(path)) == 0) {
	n = snprintf(buf, sizeof(buf), "{\"queue_name\": \"corrupt\", \"error\": "
		     "\"cannot open the corrupt queue: %s\"}\n", strerror(errno));
	put(1, buf, (size_t) n);
	return;
    }
    while ((de = readdir(dir)) != 0) {
	if (de->d_name[0] == '.' || fstatat(dirfd(dir), de->d_name, &st,
					     AT_SYMLINK_NOFOLLOW) < 0)
	    continue;
	for (s = de->d_name; *s && strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz", *s); s++)
	     /* void */ ;
	n = snprintf(buf, sizeof(buf), "{\"queue_name\": \"corrupt\", \"queue_id\": "
		     "\"%.40s\", \"arrival_time\": %lld, \"message_size\": %lld, "
		     "\"recipients\": []}\n", *s ? "?" : de->d_name,
		     (long long) st.st_mtime, (long long) st.st_size);
	put(1, buf, (size_t) n);
    }
    closedir(dir);
}

/* child - set up and execute postqueue; never returns */

static void child(const PFS_QUEUE *q, int wfd)
{
    char   *argv[5];
    char    buf[300];
    int     argc = 0;
    int     n, devnull;

    if (dup2(wfd, 1) < 0 || dup2(wfd, 2) < 0)
	_exit(126);
    if (wfd > 2)
	(void) close(wfd);
    if ((devnull = open("/dev/null", O_RDONLY)) >= 0 && devnull != 0) {
	(void) dup2(devnull, 0);
	(void) close(devnull);
    }
    signal(SIGPIPE, SIG_DFL);
    if (q->queue_dir)
	scan_corrupt(q->queue_dir);
    argv[argc++] = "postqueue";
    argv[argc++] = "-j";
    if (q->config_dir) {
	argv[argc++] = "-c";
	argv[argc++] = q->config_dir;
    }
    argv[argc] = 0;
    execv(q->postqueue, argv);
    n = snprintf(buf, sizeof(buf), "cannot execute %.200s: %s\n", q->postqueue,
		 strerror(errno));
    put(1, buf, (size_t) n);
    _exit(127);
}

/* pfs_queue_start - fork and execute postqueue, unless a read is running */

int     pfs_queue_start(PFS_QUEUE *q, time_t now)
{
    int     fds[2];
    pid_t   pid;

    if (q->active)
	return (0);
    if (pipe(fds) < 0)
	return (-1);
    (void) fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void) fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    if ((pid = fork()) < 0) {
	(void) close(fds[0]);
	(void) close(fds[1]);
	return (-1);
    }
    if (pid == 0) {
	(void) close(fds[0]);
	child(q, fds[1]);
    }
    (void) close(fds[1]);
    (void) fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    begin(q, now);
    q->pid = pid;
    q->fd = fds[0];
    if (q->opened)
	q->opened(q->fd, q->cb_ctx);
    return (0);
}

/* kill_read - end a read that takes too long */

static void kill_read(PFS_QUEUE *q)
{
    char    why[PFS_QUEUE_TEXT_MAX + 1];
    int     st;

    close_pipe(q);
    if (q->pid > 0) {
	(void) kill(q->pid, SIGKILL);
	while (waitpid(q->pid, &st, 0) < 0 && errno == EINTR)
	     /* void */ ;
    }
    q->pid = 0;
    q->len = 0;
    snprintf(why, sizeof(why), "%.100s did not finish within %u s", q->postqueue,
	     q->timeout);
    finish(q, -1, why);
}

/* pfs_queue_tick - timer: reap, time out, or start a read when due */

void    pfs_queue_tick(PFS_QUEUE *q, time_t now)
{
    if (q->active) {
	if (q->fd < 0 && reap(q))
	    return;
	if (now - q->start >= (time_t) q->timeout)
	    kill_read(q);
	return;
    }
    if (q->last_start == 0 || now - q->last_start >= (time_t) q->refresh
	|| now < q->last_start) {
	if (pfs_queue_start(q, now) < 0) {
	    begin(q, now);
	    snprintf(q->text, sizeof(q->text), "cannot start %.100s: %s", q->postqueue,
		     strerror(errno));
	    finish(q, -1, q->text);
	}
    }
}

/* pfs_queue_fd - the running read's pipe, or -1 */

int     pfs_queue_fd(const PFS_QUEUE *q)
{
    return (q->fd);
}

/* pfs_queue_input - read what the pipe holds, up to a bound */

int     pfs_queue_input(PFS_QUEUE *q, time_t now)
{
    char    buf[READ_CHUNK];
    size_t  total = 0;
    ssize_t n;

    (void) now;
    if (!q->active)
	return (1);
    while (q->fd >= 0 && total < PFS_QUEUE_READ_MAX) {
	n = read(q->fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
	    return (0);
	if (n <= 0) {
	    close_pipe(q);			/* end of file, or an error */
	    break;
	}
	take(q, buf, (size_t) n);
	total += (size_t) n;
    }
    if (q->fd >= 0)
	return (0);
    return (reap(q));
}

/* pfs_queue_feed - parse given output as one read (tests) */

void    pfs_queue_feed(PFS_QUEUE *q, time_t now, const char *buf, size_t len,
		               int last, int exit_status)
{
    if (!q->active)
	begin(q, now);
    take(q, buf, len);
    if (last)
	finish(q, exit_status, 0);
}

/* pfs_queue_info - one queue as a reader sees it */

void    pfs_queue_info(const PFS_QUEUE *q, enum pfs_queue_id id, time_t now,
		               struct pfs_queue_info *info)
{
    const struct acc *a = q->cur + id;
    int     i;

    memset(info, 0, sizeof(*info));
    for (i = 0; i < PFS_QUEUE_AGES; i++)
	info->age[i] = q->age[i];
    if (id == PFS_Q_CORRUPT && q->queue_dir == 0) {
	info->status = PFS_QS_OFF;
	snprintf(info->text, sizeof(info->text), "not counted: queue_directory is not set");
	return;
    }
    info->status = q->status;
    snprintf(info->text, sizeof(info->text), "%s", q->status_text);
    if (q->status == PFS_QS_OK && a->err) {
	info->status = PFS_QS_ERROR;
	snprintf(info->text, sizeof(info->text), "%s", a->text);
    } else if (q->status == PFS_QS_OK
	       && now - q->read_at > (time_t) (q->refresh + q->timeout + 5)) {
	info->status = PFS_QS_STALE;
	snprintf(info->text, sizeof(info->text), "last good read %lld s ago",
		 (long long) (now - q->read_at));
    }
    info->valid = info->status == PFS_QS_OK;
    info->read_at = q->read_at;
    info->messages = a->messages;
    info->recipients = a->recipients;
    info->bytes = a->bytes;
    info->truncated = a->truncated;
    for (i = 0; i < PFS_QUEUE_AGES; i++)
	info->older[i] = a->older[i];
    if (a->messages > 0 && a->oldest != INT64_MAX && (int64_t) q->read_at > a->oldest)
	info->oldest_age = (uint64_t) ((int64_t) q->read_at - a->oldest);
}

/* pfs_queue_reads - reads finished, and how many of them failed */

uint64_t pfs_queue_reads(const PFS_QUEUE *q, uint64_t *failed)
{
    if (failed)
	*failed = q->failed;
    return (q->reads);
}

/* pfs_queue_free - end a running read, release */

void    pfs_queue_free(PFS_QUEUE *q)
{
    int     st;

    if (q == 0)
	return;
    close_pipe(q);
    if (q->pid > 0) {
	(void) kill(q->pid, SIGKILL);
	while (waitpid(q->pid, &st, 0) < 0 && errno == EINTR)
	     /* void */ ;
    }
    free(q->postqueue);
    free(q->config_dir);
    free(q->queue_dir);
    free(q->line);
    free(q);
}
