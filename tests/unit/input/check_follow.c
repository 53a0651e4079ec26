/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_follow 1
 * SUMMARY
 *	unit tests of log following and saved state, without SNMP
 * SYNOPSIS
 *	tests/unit/input/check_follow
 * DESCRIPTION
 *	Each test makes a private directory under tests/, writes real Postfix
 *	lines to log files there, drives pfs_follow(3) directly (inotify
 *	events through pfs_follow_event(), or pfs_follow_poll() with inotify
 *	off), rotates the files the way logrotate, syslog daemons and admins
 *	do, saves and restores pfs_state(3), and asserts exact counter
 *	values: a line lost or counted twice fails.
 *
 *	The restart test cuts tests/data/postfix-e2e.log at arbitrary byte
 *	offsets (inside lines too), restarts from the state file at each cut,
 *	and compares every counter with tests/data/postfix-e2e.expected.
 *
 *	The journal tests write journal files without journald: entries in
 *	journal export format go through systemd-journal-remote (found in
 *	$JOURNAL_REMOTE, or the usual places). Without it, or without
 *	libsystemd, they are left out, and the run says so.
 *--*/

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "pfs_follow.h"
#include "pfs_journal.h"
#include "pfs_json.h"
#include "pfs_log.h"
#include "pfs_state.h"
#include "pfs_util.h"

struct rig {
    char    dir[PATH_MAX];
    char    state[PATH_MAX];
    char   *paths[4];
    size_t  n;
    int     from_start;
    int     flags;
    unsigned throttle_ms;		/* 0 unless a test wants it */
    size_t  source_cap;			/* max_sources; 0: the default */
    PFS_STATS *st;
    PFS_PARSER *p;
    PFS_FOLLOW *fw;
};

static unsigned qid_seq;

/* path_in - name of a file in the rig's directory */

static char *path_in(const struct rig *r, const char *name)
{
    static char buf[4][PATH_MAX];
    static int slot;
    char   *b = buf[slot++ % 4];

    if (snprintf(b, PATH_MAX, "%s/%s", r->dir, name) >= PATH_MAX)
	ck_abort_msg("path too long");
    return (b);
}

/* sent_line - one real smtp delivery line, unique queue ID */

static void sent_line(char *buf, size_t len)
{
    unsigned q = qid_seq++;

    snprintf(buf, len, "Nov 22 10:%02u:%02u mx1 postfix/smtp[1250]: 3F2A4%05X: "
	     "to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, "
	     "delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, "
	     "status=sent (250 2.0.0 Ok)\n", (q / 60) % 60, q % 60, q);
}

/* put - append bytes to a file */

static void put(const char *path, const char *data, size_t len)
{
    int     fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    ck_assert_int_eq(write(fd, data, len), (ssize_t) len);
    close(fd);
}

/* put_sent - append n delivery lines */

static void put_sent(const char *path, int n)
{
    char    line[512];

    while (n-- > 0) {
	sent_line(line, sizeof(line));
	put(path, line, strlen(line));
    }
}

/* rig_setup - private directory; file names relative to it */

static void rig_setup(struct rig *r, size_t n, const char *const *names,
		              int from_start, int flags)
{
    char    cwd[PATH_MAX];
    size_t  i;

    memset(r, 0, sizeof(*r));
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    if (snprintf(r->dir, sizeof(r->dir), "%s/tests/tmp.follow.XXXXXX", cwd)
	>= (int) sizeof(r->dir))
	ck_abort_msg("path too long");
    ck_assert_ptr_nonnull(mkdtemp(r->dir));
    if (snprintf(r->state, sizeof(r->state), "%s/state.json", r->dir) >= (int) sizeof(r->state))
	ck_abort_msg("path too long");
    for (i = 0; i < n; i++)
	r->paths[i] = strdup(path_in(r, names[i]));
    r->n = n;
    r->from_start = from_start;
    r->flags = flags;
}

/* rig_up - counters, parser, follower; state loaded if asked */

static enum pfs_state_result rig_up(struct rig *r, int load)
{
    size_t  caps[PFS_TABLE_COUNT] = {PFS_DEF_CAP_TRANSPORT, PFS_DEF_CAP_DSN,
    PFS_DEF_CAP_PROGRAM, PFS_DEF_CAP_SOURCE};
    struct pfs_parser_opts opts;
    enum pfs_state_result res = PFS_STATE_ABSENT;
    char    err[512];

    memset(&opts, 0, sizeof(opts));
    if (r->source_cap)
	caps[PFS_TBL_SOURCE] = r->source_cap;
    r->st = pfs_stats_create(caps);
    r->p = pfs_parser_create(r->st, &opts, err, sizeof(err));
    ck_assert_msg(r->p != 0, "parser: %s", err);
    r->fw = pfs_follow_create_flags(r->p, r->paths, r->n, 1, r->from_start, r->flags);
    pfs_follow_set_throttle(r->fw, r->throttle_ms);
    if (load)
	res = pfs_state_load(r->state, r->st, r->p, r->fw, err, sizeof(err));
    pfs_follow_start(r->fw);
    return (res);
}

/* rig_save - write the state file */

static void rig_save(struct rig *r)
{
    char    err[512];

    ck_assert_msg(pfs_state_save(r->state, r->st, r->p, r->fw, err, sizeof(err)) == 0,
		  "save: %s", err);
}

/* rig_down - free everything (a stop, or a kill after the last save) */

static void rig_down(struct rig *r)
{
    pfs_follow_free(r->fw);
    pfs_parser_free(r->p);
    pfs_stats_free(r->st);
    r->fw = 0;
    r->p = 0;
    r->st = 0;
}

/* rig_teardown - remove the directory */

static void rig_teardown(struct rig *r)
{
    char    cmd[PATH_MAX + 16];
    size_t  i;

    if (r->fw)
	rig_down(r);
    for (i = 0; i < r->n; i++)
	free(r->paths[i]);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
    ck_assert_int_eq(system(cmd), 0);
}

struct lookup {
    const char *name;
    uint64_t value;
    int     found;
};

/* lookup_one - PFS_STATS_VISIT for counter() */

static void lookup_one(const char *name, uint64_t value, void *ctx)
{
    struct lookup *l = ctx;

    if (strcmp(name, l->name) == 0) {
	l->value = value;
	l->found = 1;
    }
}

/* counter - a counter by its flat name, 0 if absent */

static uint64_t counter(const PFS_STATS *st, const char *name)
{
    struct lookup l = {name, 0, 0};

    pfs_stats_visit(st, lookup_one, &l);
    return (l.value);
}

#define ck_counter(r, name, want) \
    ck_assert_uint_eq(counter((r)->st, (name)), (want))

/* file_status - one row */

static struct pfs_follow_status file_status(const struct rig *r, size_t i)
{
    struct pfs_follow_status s;

    pfs_follow_status(r->fw, i, &s);
    return (s);
}

/* Appends, read through inotify events; existing lines skipped (tail -f). */

START_TEST(test_appends)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    struct stat sb;

    rig_setup(&r, 1, names, 0, 0);
    put_sent(r.paths[0], 2);			/* before the first start */
    rig_up(&r, 0);
    ck_assert_int_ge(pfs_follow_fd(r.fw), 0);
    ck_counter(&r, "sent:smtp", 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 3);
    ck_counter(&r, "lines", 3);
    pfs_follow_event(r.fw);			/* nothing new */
    ck_counter(&r, "sent:smtp", 3);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 5);
    ck_counter(&r, "sent", 5);
    ck_assert_uint_eq(file_status(&r, 0).lines, 5);
    ck_assert_int_eq(stat(r.paths[0], &sb), 0);
    ck_assert_uint_eq(file_status(&r, 0).offset, (uint64_t) sb.st_size);
    ck_assert_int_ne(pfs_follow_last_line(r.fw), 0);
    rig_teardown(&r);
}
END_TEST

/* from_start reads what is there. */

START_TEST(test_from_start)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 1, 0);
    put_sent(r.paths[0], 4);
    rig_up(&r, 0);
    ck_counter(&r, "sent:smtp", 4);
    rig_teardown(&r);
}
END_TEST

/* A half-written line waits for its newline, across a restart too. */

START_TEST(test_half_line)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    char    line[512];
    size_t  len, cut;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    sent_line(line, sizeof(line));
    len = strlen(line);
    cut = 57;
    put(r.paths[0], line, cut);
    pfs_follow_event(r.fw);
    ck_counter(&r, "lines", 0);
    ck_assert_uint_eq(file_status(&r, 0).offset, 0);
    put(r.paths[0], line + cut, len - cut);
    pfs_follow_event(r.fw);
    ck_counter(&r, "lines", 1);
    ck_counter(&r, "sent:smtp", 1);
    ck_assert_uint_eq(file_status(&r, 0).offset, len);

    /* Now stop with half a line held, and resume. */
    sent_line(line, sizeof(line));
    put(r.paths[0], line, cut);
    pfs_follow_event(r.fw);
    ck_assert_uint_eq(file_status(&r, 0).offset, len);
    rig_save(&r);
    rig_down(&r);
    put(r.paths[0], line + cut, len - cut);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "lines", 2);
    ck_counter(&r, "sent:smtp", 2);
    ck_assert_uint_eq(file_status(&r, 0).offset, 2 * len);
    rig_teardown(&r);
}
END_TEST

/* Several files, each with its own position, one set of counters. */

START_TEST(test_several_files)
{
    static const char *const names[] = {"mail.log", "filter.log", "other.log"};
    struct rig r;

    rig_setup(&r, 3, names, 0, 0);
    put_sent(r.paths[0], 1);
    put_sent(r.paths[1], 1);
    rig_up(&r, 0);
    put_sent(r.paths[0], 2);
    put_sent(r.paths[1], 3);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 5);
    put_sent(r.paths[2], 4);		/* appeared after the start: from 0 */
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 9);
    ck_assert_uint_eq(pfs_follow_count(r.fw), 3);
    ck_assert_uint_eq(file_status(&r, 0).lines, 2);
    ck_assert_uint_eq(file_status(&r, 1).lines, 3);
    ck_assert_uint_eq(file_status(&r, 2).lines, 4);
    rig_save(&r);
    rig_down(&r);
    put_sent(r.paths[0], 1);
    put_sent(r.paths[1], 1);
    put_sent(r.paths[2], 1);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 12);
    ck_assert_uint_eq(file_status(&r, 2).lines, 5);
    rig_teardown(&r);
}
END_TEST

/* logrotate's default: rename, create; the old file is read to its end. */

START_TEST(test_rename_create)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    char    line[512];

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 2);
    put_sent(r.paths[0], 1);			/* not read before the rename */
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(path_in(&r, "mail.log.1"), 1);	/* syslog not told yet */
    put_sent(r.paths[0], 2);			/* the new file */
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 6);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 1);
    /* A late write to the old file, and half a line never finished. */
    put_sent(path_in(&r, "mail.log.1"), 1);
    sent_line(line, sizeof(line));
    put(path_in(&r, "mail.log.1"), line, strlen(line) - 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 7);
    pfs_follow_set_linger(r.fw, 0);
    pfs_follow_poll(r.fw);			/* old file closed: last line counted */
    ck_counter(&r, "sent:smtp", 8);
    put_sent(path_in(&r, "mail.log.1"), 1);	/* closed: not read any more */
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 9);
    ck_counter(&r, "lines", 9);
    rig_teardown(&r);
}
END_TEST

/* copytruncate: the unread tail is taken from the copy. */

START_TEST(test_copytruncate)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    char    cmd[3 * PATH_MAX];

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 3);
    put_sent(r.paths[0], 2);			/* unread when the copy is made */
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", r.paths[0], path_in(&r, "mail.log.1"));
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(truncate(r.paths[0], 0), 0);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 6);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 1);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 7);
    ck_counter(&r, "lines", 7);
    rig_teardown(&r);
}
END_TEST

/* copytruncate, then more bytes than before, before the agent looks. */

START_TEST(test_truncate_fast_writes)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 2);
    ck_assert_int_eq(truncate(r.paths[0], 0), 0);	/* copy lost: compressed */
    put_sent(r.paths[0], 5);			/* larger than the old size */
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 7);
    ck_counter(&r, "lines", 7);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 1);
    rig_teardown(&r);
}
END_TEST

/* Delete and recreate. */

START_TEST(test_delete_recreate)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    put_sent(r.paths[0], 1);			/* unread when deleted */
    ck_assert_int_eq(unlink(r.paths[0]), 0);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 3);
    ck_assert_int_eq(file_status(&r, 0).open, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 6);
    ck_assert_int_eq(file_status(&r, 0).open, 1);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 1);
    rig_teardown(&r);
}
END_TEST

/* The path is a symbolic link that is swapped to another file. */

START_TEST(test_symlink_swap)
{
    static const char *const names[] = {"current.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    ck_assert_int_eq(mkdir(path_in(&r, "real"), 0755), 0);
    put(path_in(&r, "real/a.log"), "", 0);
    ck_assert_int_eq(symlink("real/a.log", r.paths[0]), 0);
    rig_up(&r, 0);
    put_sent(path_in(&r, "real/a.log"), 2);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 2);
    put_sent(path_in(&r, "real/b.log"), 3);
    ck_assert_int_eq(symlink("real/b.log", path_in(&r, "tmp.link")), 0);
    ck_assert_int_eq(rename(path_in(&r, "tmp.link"), r.paths[0]), 0);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 5);
    put_sent(path_in(&r, "real/a.log"), 1);	/* late write to the old target */
    put_sent(path_in(&r, "real/b.log"), 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 7);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 1);
    rig_teardown(&r);
}
END_TEST

/* Rotated while the agent was down: rest of the old file, then the new. */

START_TEST(test_rotation_while_stopped)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    rig_save(&r);
    rig_down(&r);
    put_sent(r.paths[0], 2);			/* written after the last save */
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(r.paths[0], 4);
    put(path_in(&r, "mail.log.0.gz"), "\037\213", 2);	/* noise */
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 9);
    ck_counter(&r, "lines", 9);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 1);
    ck_assert_uint_eq(file_status(&r, 0).lines, 9);
    /* The state saved now holds both files; a second restart adds nothing. */
    rig_save(&r);
    rig_down(&r);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 9);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 10);
    rig_teardown(&r);
}
END_TEST

/* Rotated twice while down (dateext names): both rests, then the new. */

START_TEST(test_two_rotations_while_stopped)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    put_sent(r.paths[0], 1);
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log-20241121")), 0);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);			/* old file still being read */
    ck_counter(&r, "sent:smtp", 4);
    rig_save(&r);				/* saves both positions */
    rig_down(&r);
    put_sent(path_in(&r, "mail.log-20241121"), 1);
    put_sent(r.paths[0], 2);
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log-20241122")), 0);
    put_sent(r.paths[0], 3);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 10);
    rig_teardown(&r);
}
END_TEST

/* Rotated twice while down, logrotate numbering; an old sibling is left alone. */

START_TEST(test_rotations_unseen_while_stopped)
{
    static const char *const names[] = {"mail.log"};
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put_sent(path_in(&r, "mail.log.bak"), 7);	/* older than everything */
    ck_assert_int_eq(utimensat(AT_FDCWD, path_in(&r, "mail.log.bak"), old, 0), 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    rig_save(&r);				/* knows file A only */
    rig_down(&r);
    put_sent(r.paths[0], 1);			/* A, after the save */
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(r.paths[0], 3);			/* B, never seen */
    ck_assert_int_eq(rename(path_in(&r, "mail.log.1"), path_in(&r, "mail.log.2")), 0);
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(r.paths[0], 4);			/* C, the current file */
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 10);
    ck_counter(&r, "lines", 10);
    rig_teardown(&r);
}
END_TEST

struct expected {
    char    name[128];
    unsigned long long value;
};

/* load_expected - tests/data/postfix-e2e.expected */

static size_t load_expected(struct expected *e, size_t max)
{
    const char *srcdir = getenv("top_srcdir");
    char    path[PATH_MAX];
    FILE   *fp;
    size_t  n = 0;

    snprintf(path, sizeof(path), "%s/tests/data/postfix-e2e.expected", srcdir ? srcdir : ".");
    ck_assert_msg((fp = fopen(path, "r")) != 0, "%s: %s", path, strerror(errno));
    while (n < max && fscanf(fp, "%127s %llu", e[n].name, &e[n].value) == 2)
	n++;
    fclose(fp);
    ck_assert_uint_gt(n, 20);
    return (n);
}

/* read_e2e - tests/data/postfix-e2e.log into memory */

static char *read_e2e(size_t *len)
{
    const char *srcdir = getenv("top_srcdir");
    char    path[PATH_MAX];
    static char buf[1 << 20];
    int     fd;
    ssize_t n;

    snprintf(path, sizeof(path), "%s/tests/data/postfix-e2e.log", srcdir ? srcdir : ".");
    ck_assert_msg((fd = open(path, O_RDONLY)) >= 0, "%s: %s", path, strerror(errno));
    n = read(fd, buf, sizeof(buf));
    close(fd);
    ck_assert_int_gt(n, 0);
    ck_assert_int_lt(n, (ssize_t) sizeof(buf));
    *len = (size_t) n;
    return (buf);
}

/* check_e2e - every counter postfix-e2e.expected names */

static void check_e2e(const struct rig *r)
{
    static struct expected e[512];
    size_t  n = load_expected(e, 512);
    size_t  i;

    for (i = 0; i < n; i++)
	ck_assert_msg(counter(r->st, e[i].name) == e[i].value, "%s = %llu, expected %llu",
		      e[i].name, (unsigned long long) counter(r->st, e[i].name),
		      e[i].value);
    ck_counter(r, "lines", 166);
}

/*
 * Restart resumes exactly: the real capture is written in pieces cut at
 * arbitrary bytes; after each piece the state is saved, everything is
 * freed and built again from the state file. Messages in flight cross
 * the cuts, so recv:* is right only if the queue is saved too.
 */
START_TEST(test_restart_exact)
{
    static const char *const names[] = {"mail.log"};
    static const size_t cuts[] = {1, 500, 501, 2049, 4100, 7777, 9000, 12345,
    15000, 18000, 21000, 24001};
    struct rig r;
    size_t  len, done = 0, i;
    char   *data = read_e2e(&len);

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    for (i = 0; i <= sizeof(cuts) / sizeof(cuts[0]); i++) {
	size_t  to = i < sizeof(cuts) / sizeof(cuts[0]) && cuts[i] < len ? cuts[i] : len;

	put(r.paths[0], data + done, to - done);
	done = to;
	pfs_follow_event(r.fw);
	rig_save(&r);
	rig_down(&r);
	ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    }
    ck_assert_uint_eq(done, len);
    /*
     * smtp-source submits on 127.0.0.1: its 17 messages wait for a
     * content-filter link that never comes, across every restart, and
     * count at the end of the input, as with --once.
     */
    ck_assert_uint_eq(pfs_parser_pending(r.p), 17);
    pfs_parser_flush(r.p);
    check_e2e(&r);
    rig_teardown(&r);
}
END_TEST

/*
 * Across a restart: a receipt that waits for a content-filter link, a
 * filter relay learned, and a webmail receipt that never links.
 */
START_TEST(test_filter_saved)
{
    static const char *const names[] = {"mail.log"};
    static const char before[] =
    "Nov 22 10:00:00 mx1 postfix/smtpd[1200]: 3F2A41C0E5: client=client.example.org[192.0.2.10]\n"
    "Nov 22 10:00:00 mx1 postfix/qmgr[1100]: 3F2A41C0E5: from=<alice@example.org>, size=1000, nrcpt=1 (queue active)\n"
    "Nov 22 10:00:01 mx1 postfix/smtpd[1300]: 8D9E0F1A2B: client=localhost[127.0.0.1]\n"
    "Nov 22 10:00:01 mx1 postfix/qmgr[1100]: 8D9E0F1A2B: from=<alice@example.org>, size=1500, nrcpt=1 (queue active)\n"
    "Nov 22 10:00:01 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=1.4, delays=0.05/0.01/0.01/1.3, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 8D9E0F1A2B)\n"
    "Nov 22 10:00:02 mx1 postfix/smtpd[1200]: 4A5B6C7D8E: client=client.example.org[192.0.2.10]\n"
    "Nov 22 10:00:02 mx1 postfix/qmgr[1100]: 4A5B6C7D8E: from=<alice@example.org>, size=2000, nrcpt=1 (queue active)\n"
    "Nov 22 10:00:03 mx1 postfix/smtpd[1300]: 9E0F1A2B3C: client=localhost[127.0.0.1]\n"
    "Nov 22 10:00:03 mx1 postfix/qmgr[1100]: 9E0F1A2B3C: from=<alice@example.org>, size=2500, nrcpt=1 (queue active)\n"
    "Nov 22 10:00:03 mx1 postfix/smtpd[1301]: 5B6C7D8E9F: client=localhost[127.0.0.1], sasl_method=PLAIN, sasl_username=webmail\n"
    "Nov 22 10:00:03 mx1 postfix/qmgr[1100]: 5B6C7D8E9F: from=<webmail@example.net>, size=700, nrcpt=1 (queue active)\n";
    static const char after[] =
    "Nov 22 10:00:04 mx1 postfix/smtp[1250]: 4A5B6C7D8E: to=<bob@example.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=2, delays=0.05/0.01/0.01/1.9, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 9E0F1A2B3C)\n"
    "Nov 22 10:00:05 mx1 postfix/smtp[1250]: 6C7D8E9FA0: to=<bob@example.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=2.4, delays=0.05/0.01/0.01/2.3, dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id=12346-01 - spam)\n";
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put(r.paths[0], before, strlen(before));
    pfs_follow_event(r.fw);
    ck_assert_uint_eq(pfs_parser_pending(r.p), 2);
    ck_counter(&r, "recv:smtp", 2);
    rig_save(&r);
    rig_down(&r);
    put(r.paths[0], after, strlen(after));
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    /* The copy was linked after the restart; the relay is still a filter. */
    ck_counter(&r, "hop:linked", 2);
    ck_counter(&r, "hop:reinjected", 2);
    ck_counter(&r, "hop:kept", 1);
    ck_counter(&r, "sent", 0);
    ck_assert_uint_eq(pfs_parser_pending(r.p), 1);
    /* The webmail receipt counts with the size saved for it. */
    pfs_parser_flush(r.p);
    ck_counter(&r, "recv:smtp", 3);
    ck_counter(&r, "bytes:recv", 3700);
    ck_counter(&r, "overflow:link", 0);
    rig_teardown(&r);
}
END_TEST

/* A message received before a restart and taken by qmgr after: once. */

START_TEST(test_queue_saved)
{
    static const char *const names[] = {"mail.log"};
    static const char client[] = "Nov 22 10:00:00 mx1 postfix/smtpd[1200]: 3F2A41C0E5: "
    "client=client.example.org[192.0.2.10]\n";
    static const char from[] = "Nov 22 10:00:01 mx1 postfix/qmgr[1100]: 3F2A41C0E5: "
    "from=<alice@example.org>, size=1234, nrcpt=1 (queue active)\n";
    static const char removed[] = "Nov 22 10:00:02 mx1 postfix/qmgr[1100]: 3F2A41C0E5: removed\n";
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put(r.paths[0], client, strlen(client));
    pfs_follow_event(r.fw);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 1);
    rig_save(&r);
    rig_down(&r);
    put(r.paths[0], from, strlen(from));
    put(r.paths[0], from, strlen(from));	/* qmgr again: counted once */
    put(r.paths[0], removed, strlen(removed));
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "recv:smtp", 1);
    ck_counter(&r, "recv", 1);
    ck_counter(&r, "bytes:recv", 1234);
    ck_counter(&r, "source:mx1/postfix:recv", 1);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 0);
    rig_teardown(&r);
}
END_TEST

/*
 * Issue 12: messages in flight of sources beyond max_sources share the
 * "(other)" row but not their identity, across a restart too.
 */
START_TEST(test_queue_saved_over_cap)
{
    static const char *const names[] = {"mail.log"};
    static const char before[] =
    "Nov 22 10:00:00 mx1 postfix/smtpd[1200]: 3F2A41C0E5: client=a.example.org[192.0.2.10]\n"
    "Nov 22 10:00:00 mx2 postfix/smtpd[1200]: 3F2A41C0E5: client=b.example.org[192.0.2.11]\n"
    "Nov 22 10:00:00 mx3 postfix/smtpd[1200]: 3F2A41C0E5: client=c.example.org[192.0.2.12]\n";
    static const char after[] =
    "Nov 22 10:00:01 mx3 postfix/qmgr[1100]: 3F2A41C0E5: from=<c@example.org>, size=300, nrcpt=1 (queue active)\n"
    "Nov 22 10:00:01 mx2 postfix/qmgr[1100]: 3F2A41C0E5: from=<b@example.org>, size=200, nrcpt=1 (queue active)\n"
    "Nov 22 10:00:01 mx1 postfix/qmgr[1100]: 3F2A41C0E5: from=<a@example.org>, size=100, nrcpt=1 (queue active)\n";
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    r.source_cap = 2;				/* mx1, then (other) */
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put(r.paths[0], before, strlen(before));
    pfs_follow_event(r.fw);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 3);
    rig_save(&r);
    rig_down(&r);
    put(r.paths[0], after, strlen(after));
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 3);
    pfs_follow_event(r.fw);
    ck_counter(&r, "recv:smtp", 3);
    ck_counter(&r, "bytes:recv", 600);
    ck_counter(&r, "source:mx1/postfix:recv", 1);
    ck_counter(&r, "source:(other):recv", 2);
    rig_teardown(&r);
}
END_TEST

/* A missing, corrupt or foreign state file: fresh start, file kept aside. */

START_TEST(test_state_bad)
{
    static const char *const names[] = {"mail.log"};
    static const char *const bad[] = {
	"{\"format\": \"postfix-stats-state\", \"version\": 1, \"counters\": {\"sent\": 5",
	"not json at all",
	"{\"format\": \"postfix-stats-state\", \"version\": 99, \"counters\": {}, "
	"\"files\": [], \"queue\": []}",
	"{\"format\": \"something-else\", \"version\": 1}",
	"{\"format\": \"postfix-stats-state\", \"version\": 2, \"counters\": "
	"{\"sent\": 5, \"recv\": -1}, \"files\": [], \"queue\": []}",
	"{\"format\": \"postfix-stats-state\", \"version\": 1, \"counters\": "
	"{\"sent\": 5}, \"files\": [{\"path\": \"x\"}], \"queue\": []}",
	"",
    };
    struct rig r;
    char    err[512];
    struct stat st;
    size_t  i;
    enum pfs_state_result res;

    rig_setup(&r, 1, names, 0, 0);
    put_sent(r.paths[0], 2);
    /* Missing. */
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_ABSENT);
    ck_counter(&r, "sent:smtp", 0);		/* first start: from the end */
    rig_down(&r);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	unlink(r.state);
	put(r.state, bad[i], strlen(bad[i]));
	ck_assert_int_eq(rig_up(&r, 0), PFS_STATE_ABSENT);
	pfs_follow_free(r.fw);
	r.fw = pfs_follow_create_flags(r.p, r.paths, r.n, 1, 0, 0);
	res = pfs_state_load(r.state, r.st, r.p, r.fw, err, sizeof(err));
	ck_assert_msg(res == PFS_STATE_BAD, "case %zu: %d %s", i, res, err);
	ck_assert_msg(strstr(err, "afresh") != 0, "case %zu: %s", i, err);
	ck_assert_msg(strstr(err, ".bad") != 0, "case %zu: %s", i, err);
	ck_assert_int_eq(stat(r.state, &st), -1);
	ck_assert_int_eq(stat(path_in(&r, "state.json.bad"), &st), 0);
	pfs_follow_start(r.fw);
	ck_counter(&r, "sent", 0);		/* nothing half-applied */
	ck_counter(&r, "sent:smtp", 0);
	put_sent(r.paths[0], 1);
	pfs_follow_event(r.fw);
	ck_counter(&r, "sent:smtp", 1);
	rig_down(&r);
    }
    ck_assert_int_eq(strstr(bad[2], "99") != 0, 1);
    /* The version message names both versions. */
    unlink(r.state);
    put(r.state, bad[2], strlen(bad[2]));
    rig_up(&r, 0);
    ck_assert_int_eq(pfs_state_load(r.state, r.st, r.p, r.fw, err, sizeof(err)),
		     PFS_STATE_BAD);
    ck_assert_msg(strstr(err, "version 99") && strstr(err, "versions 1 to 2"), "%s", err);
    rig_teardown(&r);
}
END_TEST

/* A rotated file that was compressed is never read, even if its inode matches. */

START_TEST(test_compressed_ignored)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    rig_save(&r);
    rig_down(&r);
    put_sent(r.paths[0], 1);			/* lost: only in the .gz */
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1.gz")), 0);
    put_sent(r.paths[0], 2);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 5);
    rig_teardown(&r);
}
END_TEST

/* Same inode, other content: the fingerprint tells (restart and live). */

START_TEST(test_inode_reuse)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    struct stat a, b;
    int     fd;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    rig_save(&r);
    rig_down(&r);
    ck_assert_int_eq(stat(r.paths[0], &a), 0);
    fd = open(r.paths[0], O_WRONLY | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    close(fd);
    put_sent(r.paths[0], 5);			/* longer than the old offset */
    ck_assert_int_eq(stat(r.paths[0], &b), 0);
    ck_assert_uint_eq(a.st_ino, b.st_ino);
    ck_assert_int_gt(b.st_size, a.st_size);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 8);
    ck_counter(&r, "lines", 8);
    ck_counter(&r, "lines:unmatched", 0);
    rig_teardown(&r);
}
END_TEST

/* Polling only: everything still works, through pfs_follow_poll(). */

START_TEST(test_poll_fallback)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    char    cmd[3 * PATH_MAX];

    rig_setup(&r, 1, names, 0, PFS_FOLLOW_NO_INOTIFY);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    ck_assert_int_eq(pfs_follow_fd(r.fw), -1);
    put_sent(r.paths[0], 2);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 2);
    put_sent(r.paths[0], 1);
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(r.paths[0], 3);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 6);
    put_sent(r.paths[0], 1);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", r.paths[0], path_in(&r, "mail.log.2"));
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(truncate(r.paths[0], 0), 0);
    put_sent(r.paths[0], 1);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 8);
    ck_assert_uint_eq(file_status(&r, 0).rotations, 2);
    rig_down(&r);

    /* The environment variable has the same effect. */
    setenv(PFS_FOLLOW_ENV_NO_INOTIFY, "1", 1);
    r.flags = 0;
    rig_up(&r, 0);
    ck_assert_int_eq(pfs_follow_fd(r.fw), -1);
    unsetenv(PFS_FOLLOW_ENV_NO_INOTIFY);
    rig_teardown(&r);
}
END_TEST

/* A log that is not there yet, in a directory not there yet. */

START_TEST(test_missing_file)
{
    static const char *const names[] = {"sub/mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    rig_up(&r, 0);
    ck_assert_int_eq(file_status(&r, 0).open, 0);
    pfs_follow_poll(r.fw);
    pfs_follow_event(r.fw);
    ck_assert_int_eq(mkdir(path_in(&r, "sub"), 0755), 0);
    pfs_follow_poll(r.fw);			/* now the directory is watched */
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);			/* IN_CREATE: read from 0 */
    ck_counter(&r, "sent:smtp", 2);
    ck_assert_int_eq(file_status(&r, 0).open, 1);
    rig_teardown(&r);
}
END_TEST

/* An overlong line cut before a save: its tail is not a line after restart. */

START_TEST(test_overlong_across_restart)
{
    static const char *const names[] = {"mail.log"};
    static char big[10000];
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    memset(big, 'x', sizeof(big));
    put(r.paths[0], big, 9000);
    pfs_follow_event(r.fw);
    ck_counter(&r, "lines:overlong", 1);
    rig_save(&r);
    rig_down(&r);
    put(r.paths[0], big, 100);
    put(r.paths[0], "\n", 1);
    put_sent(r.paths[0], 1);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "lines:overlong", 1);
    ck_counter(&r, "lines", 2);
    ck_counter(&r, "sent:smtp", 1);
    rig_teardown(&r);
}
END_TEST

/* A busy file loses its watch until the next poll, which re-arms it. */

START_TEST(test_throttle)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    r.throttle_ms = 60000;
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);			/* first: read at once */
    ck_counter(&r, "sent:smtp", 1);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);			/* again: read, then unwatched */
    ck_counter(&r, "sent:smtp", 2);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);			/* no event: left to the poll */
    ck_counter(&r, "sent:smtp", 2);
    pfs_follow_poll(r.fw);			/* read, watch re-armed */
    ck_counter(&r, "sent:smtp", 4);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 5);
    /* Rotation is still seen through the directory while unwatched. */
    put_sent(r.paths[0], 1);
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 8);
    rig_teardown(&r);
}
END_TEST

/* copy_file - cp SRC DST (onto an existing DST: same inode, new bytes) */

static void copy_file(const char *src, const char *dst)
{
    char    cmd[3 * PATH_MAX];

    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, dst);
    ck_assert_int_eq(system(cmd), 0);
}

/* copy_only - the first half of a copytruncate: .N to .N+1, the log to .1 */

static void copy_only(struct rig *r)
{
    struct stat st;
    char    from[32], to[32];
    int     n;

    for (n = 8; n >= 1; n--) {
	snprintf(from, sizeof(from), "mail.log.%d", n);
	snprintf(to, sizeof(to), "mail.log.%d", n + 1);
	if (stat(path_in(r, from), &st) == 0)
	    ck_assert_int_eq(rename(path_in(r, from), path_in(r, to)), 0);
    }
    copy_file(r->paths[0], path_in(r, "mail.log.1"));
}

/* copytruncate - what logrotate's copytruncate does, shifting .N to .N+1 */

static void copytruncate(struct rig *r)
{
    copy_only(r);
    ck_assert_int_eq(truncate(r->paths[0], 0), 0);
}

/*
 * First start: the positions saved at once (the daemon saves right after
 * pfs_follow_start()) carry a kill before any other save.
 */
START_TEST(test_first_start_saved)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put_sent(r.paths[0], 4);			/* before the first start: skipped */
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_ABSENT);
    rig_save(&r);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    rig_down(&r);				/* kill -9: nothing saved since */
    put_sent(r.paths[0], 2);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 5);
    ck_counter(&r, "lines", 5);
    rig_teardown(&r);
}
END_TEST

/* A path the state names without a position appeared later: all of it. */

START_TEST(test_known_path_appears)
{
    static const char *const names[] = {"mail.log", "other.log"};
    struct rig r;

    rig_setup(&r, 2, names, 0, 0);
    put(r.paths[0], "", 0);			/* other.log: not there yet */
    rig_up(&r, 1);
    rig_save(&r);				/* the start-up save */
    rig_down(&r);				/* killed */
    put_sent(r.paths[1], 3);			/* appears while stopped */
    put_sent(r.paths[0], 2);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 5);
    ck_assert_uint_eq(file_status(&r, 1).lines, 3);
    rig_teardown(&r);
}
END_TEST

/*
 * Issue 12, item 2: copytruncate, the state saved at position 0, lines
 * written and never read, the agent killed, copytruncate again while it
 * is down. The second copy holds those lines: found by its content.
 */
START_TEST(test_copytruncate_at_zero_while_stopped)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 3);
    copytruncate(&r);
    pfs_follow_poll(r.fw);
    ck_assert_uint_eq(file_status(&r, 0).offset, 0);
    rig_save(&r);				/* position 0 */
    put_sent(r.paths[0], 4);			/* never read */
    rig_down(&r);				/* kill -9 */
    copytruncate(&r);				/* mail.log.1 now holds the 4 */
    put_sent(r.paths[0], 2);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 9);
    ck_counter(&r, "lines", 9);
    /* Nothing is read twice after another restart. */
    rig_save(&r);
    rig_down(&r);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    put_sent(r.paths[0], 1);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 10);
    ck_counter(&r, "lines", 10);
    rig_teardown(&r);
}
END_TEST

/* The same while the agent runs but has not looked yet (polling only). */

START_TEST(test_copytruncate_at_zero_live)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, PFS_FOLLOW_NO_INOTIFY);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_poll(r.fw);
    copytruncate(&r);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 3);
    put_sent(r.paths[0], 4);			/* not looked at yet */
    copytruncate(&r);
    put_sent(r.paths[0], 2);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 9);
    put_sent(r.paths[0], 1);			/* and nothing twice afterwards */
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 10);
    ck_counter(&r, "lines", 10);
    rig_teardown(&r);
}
END_TEST

/*
 * The very first start on an empty log: the start-up save, lines, a
 * copytruncate, a kill before any other save. The copy is read on
 * restart; a rotated file that was there before the start is not, even
 * when written to after it (its syslog daemon not told yet).
 */
START_TEST(test_first_start_copytruncate)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put_sent(path_in(&r, "mail.log.1"), 4);	/* yesterday's */
    put(r.paths[0], "", 0);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_ABSENT);
    rig_save(&r);				/* the start-up save */
    put_sent(path_in(&r, "mail.log.1"), 1);	/* late, to the old file */
    put_sent(r.paths[0], 3);
    rig_down(&r);				/* kill -9 */
    copytruncate(&r);
    put_sent(r.paths[0], 2);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "sent:smtp", 5);
    ck_counter(&r, "lines", 5);
    rig_teardown(&r);
}
END_TEST

/* Copytruncate three times before the agent looks: every copy is read. */

/*
 * The agent looks in the middle of a copytruncate: the copy of the new
 * lines is made, the log not yet truncated. That copy is the current
 * file's twin, not a rotated file to read on its own (the rotation
 * stories over SNMP counted such a generation twice, 1 run in 60).
 */
START_TEST(test_copytruncate_caught_midway)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, PFS_FOLLOW_NO_INOTIFY);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_poll(r.fw);
    put_sent(r.paths[0], 2);			/* unread */
    copytruncate(&r);
    put_sent(r.paths[0], 4);
    copy_only(&r);				/* cp done, truncate to come */
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 9);
    ck_assert_int_eq(truncate(r.paths[0], 0), 0);
    put_sent(r.paths[0], 1);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 10);
    ck_counter(&r, "lines", 10);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_copytruncate_unseen_twice)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, PFS_FOLLOW_NO_INOTIFY);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_poll(r.fw);
    put_sent(r.paths[0], 2);			/* unread */
    copytruncate(&r);
    put_sent(r.paths[0], 4);
    copytruncate(&r);
    put_sent(r.paths[0], 5);
    copytruncate(&r);
    put_sent(r.paths[0], 6);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 20);
    put_sent(r.paths[0], 1);
    pfs_follow_poll(r.fw);
    ck_counter(&r, "sent:smtp", 21);
    ck_counter(&r, "lines", 21);
    rig_teardown(&r);
}
END_TEST

/*
 * Issue 12, item 3: rename rotation, then within the linger the new log
 * is copied onto the rotated name (same inode, new bytes) and truncated.
 * The rotated file must not be read on from its old position.
 */
START_TEST(test_overwritten_in_linger)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 3);
    pfs_follow_event(r.fw);
    ck_assert_int_eq(rename(r.paths[0], path_in(&r, "mail.log.1")), 0);
    put_sent(r.paths[0], 5);			/* the new file, longer than the old */
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 8);
    copy_file(r.paths[0], path_in(&r, "mail.log.1"));
    ck_assert_int_eq(truncate(r.paths[0], 0), 0);
    put_sent(r.paths[0], 1);
    pfs_follow_poll(r.fw);
    pfs_follow_event(r.fw);
    ck_counter(&r, "sent:smtp", 9);
    ck_counter(&r, "lines", 9);
    rig_teardown(&r);
}
END_TEST

/*
 * The same first bytes, other bytes before the saved position (the log
 * rewritten in place while stopped): the position is not resumed in the
 * middle of a line; the file is read as a new one.
 */
START_TEST(test_rewritten_same_head)
{
    static const char *const names[] = {"mail.log"};
    static const char deferred[] = "Nov 22 11:00:00 mx1 postfix/smtp[1251]: 4D2A41C0E5: "
    "to=<carol@example.net>, relay=none, delay=3600, delays=3599/0.01/0.1/0, "
    "dsn=4.4.1, status=deferred (connect to mx.example.net[198.51.100.7]:25: "
    "Connection timed out)\n";
    struct rig r;
    char    head[2048];
    ssize_t n;
    int     fd, i;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    put_sent(r.paths[0], 5);
    pfs_follow_event(r.fw);
    rig_save(&r);
    rig_down(&r);
    /* The first two lines stay, byte for byte; other lines follow. */
    fd = open(r.paths[0], O_RDWR);
    ck_assert_int_ge(fd, 0);
    n = pread(fd, head, sizeof(head), 0);
    ck_assert_int_gt(n, 0);
    n = strchr(strchr(head, '\n') + 1, '\n') + 1 - head;
    ck_assert_int_eq(ftruncate(fd, 0), 0);
    ck_assert_int_eq(pwrite(fd, head, (size_t) n, 0), n);
    close(fd);
    for (i = 0; i < 5; i++)
	put(r.paths[0], deferred, strlen(deferred));
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "lines:unmatched", 0);
    ck_counter(&r, "deferred:smtp", 5);
    ck_counter(&r, "sent:smtp", 7);
    ck_counter(&r, "lines", 12);
    rig_teardown(&r);
}
END_TEST

/* read_text - a small file into a static buffer */

static const char *read_text(const char *path)
{
    static char buf[64 * 1024];
    int     fd = open(path, O_RDONLY);
    ssize_t n;

    ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    ck_assert_int_ge(n, 0);
    buf[n] = 0;
    return (buf);
}

/*
 * The state's JSON writer and reader: any bytes round-trip, numbers of
 * the whole unsigned range too, and jansson (an independent reader)
 * takes the writer's output as valid JSON.
 */
START_TEST(test_json_roundtrip)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    struct pfs_jsonw w;
    struct pfs_jsonr rd;
    struct pfs_jsonr_tok t;
    static char strs[200][40];
    size_t  lens[200];
    char    out[64];
    const char *text;
    json_error_t jerr;
    json_t *j;
    uint64_t v;
    unsigned seed = 12345;
    size_t  i, k;
    int     fd;

    rig_setup(&r, 1, names, 0, 0);
    for (i = 0; i < 200; i++) {
	lens[i] = i % 40;
	for (k = 0; k < lens[i]; k++) {
	    seed = seed * 1103515245 + 12345;
	    /* Mostly the bytes that matter: high bytes, F4 8F, quotes, controls. */
	    strs[i][k] = (char) "\xf4\x8f\xbc\xbf\x80\xc3\xa9\"\\\n\x01\x7f a\xff\xe2\x82\xac"
		[(seed >> 16) % 18];
	}
    }
    fd = open(path_in(&r, "t.json"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    pfs_jsonw_init(&w, fd);
    pfs_jsonw_arr(&w);
    for (i = 0; i < 200; i++)
	pfs_jsonw_str(&w, strs[i], lens[i]);
    pfs_jsonw_u64(&w, UINT64_MAX);
    pfs_jsonw_u64(&w, (uint64_t) INT64_MAX);
    pfs_jsonw_i64(&w, INT64_MIN);
    pfs_jsonw_arr_end(&w);
    ck_assert_int_eq(pfs_jsonw_finish(&w), 0);
    close(fd);
    text = read_text(path_in(&r, "t.json"));
    /* jansson agrees that it is JSON, with as many elements. */
    j = json_loads(text, 0, &jerr);
    ck_assert_msg(j != 0, "jansson: %s", jerr.text);
    ck_assert_uint_eq(json_array_size(j), 203);
    json_decref(j);
    pfs_jsonr_init(&rd, text, strlen(text));
    ck_assert_int_eq(pfs_jsonr_value(&rd, &t), PFS_JSONR_ARRAY);
    for (i = 0; i < 200; i++) {
	ck_assert_int_eq(pfs_jsonr_element(&rd), 1);
	ck_assert_int_eq(pfs_jsonr_value(&rd, &t), PFS_JSONR_STRING);
	ck_assert_int_eq(pfs_jsonr_bytes(&t, out, sizeof(out) - 1), (ssize_t) lens[i]);
	ck_assert_msg(memcmp(out, strs[i], lens[i]) == 0, "string %zu", i);
    }
    ck_assert_int_eq(pfs_jsonr_element(&rd), 1);
    pfs_jsonr_value(&rd, &t);
    ck_assert_int_eq(pfs_jsonr_u64(&t, &v, 0), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(pfs_jsonr_element(&rd), 1);
    pfs_jsonr_value(&rd, &t);
    ck_assert_int_eq(pfs_jsonr_u64(&t, &v, 0), 0);
    ck_assert_uint_eq(v, (uint64_t) INT64_MAX);
    ck_assert_int_eq(pfs_jsonr_element(&rd), 1);
    pfs_jsonr_value(&rd, &t);
    ck_assert_int_eq(pfs_jsonr_u64(&t, &v, 0), -1);	/* negative */
    ck_assert_int_eq(pfs_jsonr_u64(&t, &v, 1), 0);	/* two's complement */
    ck_assert_uint_eq(v, (uint64_t) INT64_MAX + 1);
    ck_assert_int_eq(pfs_jsonr_element(&rd), 0);
    ck_assert_int_eq(pfs_jsonr_end(&rd), 0);
    pfs_jsonr_fini(&rd);
    rig_teardown(&r);
}
END_TEST

/* read_big - a whole file into memory (free it) */

static char *read_big(const char *path, size_t *len)
{
    struct stat st;
    char   *buf;
    int     fd = open(path, O_RDONLY);

    ck_assert_msg(fd >= 0 && fstat(fd, &st) == 0, "%s: %s", path, strerror(errno));
    buf = pfs_malloc((size_t) st.st_size + 1);
    ck_assert_int_eq(read(fd, buf, (size_t) st.st_size), st.st_size);
    close(fd);
    buf[st.st_size] = 0;
    *len = (size_t) st.st_size;
    return (buf);
}

/*
 * Text far longer than the parser's 64 KiB chunks, strings cut at chunk
 * edges and with escapes, and a jansson tree: all read back as written.
 */
START_TEST(test_json_chunks_tree)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    struct pfs_jsonw w;
    struct pfs_jsonr rd;
    struct pfs_jsonr_tok t;
    char    want[40], out[64];
    char   *text;
    size_t  len;
    json_t *tree, *back;
    size_t  i, n = 20000;
    int     fd;

    rig_setup(&r, 1, names, 0, 0);
    /* Names and strings that are not UTF-8, as the account table has. */
    tree = json_pack("{s:i, s:f, s:b, s:n, s:[s, o], s:o}",
		     "count", 42, "share", 0.25, "on", 1, "none",
		     "list", "a\"b", json_stringn_nocheck("x\377y\0z", 5),
		     "caf\303\251", json_object());
    ck_assert_ptr_nonnull(tree);
    ck_assert_int_eq(json_object_set_new_nocheck(json_object_get(tree, "caf\303\251"),
						 "acc\376ount", json_integer(INT64_MIN)), 0);
    ck_assert_ptr_nonnull(tree);
    fd = open(path_in(&r, "c.json"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    pfs_jsonw_init(&w, fd);
    pfs_jsonw_obj(&w);
    pfs_jsonw_key(&w, "strings");
    pfs_jsonw_arr(&w);
    for (i = 0; i < n; i++) {
	snprintf(want, sizeof(want), "\"%zu\\\t\xff%zu", i, n - i);
	pfs_jsonw_cstr(&w, want);
	if (i % 1000 == 0)
	    pfs_jsonw_newline(&w);
    }
    pfs_jsonw_arr_end(&w);
    pfs_jsonw_key(&w, "tree");
    pfs_jsonw_tree(&w, tree);
    pfs_jsonw_obj_end(&w);
    ck_assert_int_eq(pfs_jsonw_finish(&w), 0);
    close(fd);
    text = read_big(path_in(&r, "c.json"), &len);
    ck_assert_uint_gt(len, 4 * 64 * 1024);
    pfs_jsonr_init(&rd, text, len);
    ck_assert_int_eq(pfs_jsonr_value(&rd, &t), PFS_JSONR_OBJECT);
    ck_assert_int_eq(pfs_jsonr_member(&rd, &t), 1);
    ck_assert(pfs_jsonr_is(&t, "strings"));
    ck_assert_int_eq(pfs_jsonr_value(&rd, &t), PFS_JSONR_ARRAY);
    for (i = 0; i < n; i++) {
	snprintf(want, sizeof(want), "\"%zu\\\t\xff%zu", i, n - i);
	ck_assert_int_eq(pfs_jsonr_element(&rd), 1);
	ck_assert_int_eq(pfs_jsonr_value(&rd, &t), PFS_JSONR_STRING);
	ck_assert_int_eq(pfs_jsonr_bytes(&t, out, sizeof(out) - 1), (ssize_t) strlen(want));
	ck_assert_str_eq(out, want);
    }
    ck_assert_int_eq(pfs_jsonr_element(&rd), 0);
    ck_assert_int_eq(pfs_jsonr_member(&rd, &t), 1);
    ck_assert(pfs_jsonr_is(&t, "tree"));
    ck_assert_int_eq(pfs_jsonr_value(&rd, &t), PFS_JSONR_OBJECT);
    back = pfs_jsonr_tree(&rd, &t);
    ck_assert_msg(back != 0, "tree: %s", rd.why ? rd.why : "?");
    ck_assert_msg(json_equal(tree, back), "the tree reads back as written");
    ck_assert_int_eq(pfs_jsonr_member(&rd, &t), 0);
    ck_assert_int_eq(pfs_jsonr_end(&rd), 0);
    pfs_jsonr_fini(&rd);
    json_decref(back);
    json_decref(tree);
    free(text);
    rig_teardown(&r);
}
END_TEST


/* read_one - the first string member of an object, or "ERR" */

static const char *read_one(const char *text)
{
    static char out[256];
    struct pfs_jsonr rd;
    struct pfs_jsonr_tok k, t;
    int     bad = 0;

    pfs_jsonr_init(&rd, text, strlen(text));
    if (pfs_jsonr_value(&rd, &t) != PFS_JSONR_OBJECT)
	bad = 1;
    while (!bad && pfs_jsonr_member(&rd, &k) > 0) {
	if (pfs_jsonr_value(&rd, &t) == PFS_JSONR_ERROR)
	    bad = 1;
	else if (pfs_jsonr_is(&k, "s"))
	    bad = pfs_jsonr_bytes(&t, out, sizeof(out) - 1) < 0;
	else
	    bad = pfs_jsonr_skip(&rd, &t) < 0;
    }
    if (!bad)
	bad = pfs_jsonr_end(&rd) < 0;
    pfs_jsonr_fini(&rd);
    return (bad ? "ERR" : out);
}

/* The reader follows the JSON grammar, escapes and all, and no further. */

START_TEST(test_json_grammar)
{
    static const struct {
	const char *in;
	const char *want;
    } cases[] = {
	{" { \"x\" : [1, -2.5e+3, true, false, null, {\"y\": []}], \"s\": \"a\\u00e9\\n\" } ",
	    "a\xc3\xa9\n"},
	{"{\"s\":\"\\ud83d\\ude00\\/\\\"\"}", "\xf0\x9f\x98\x80/\""},
	{"{\"s\":\"\\udbff\\udf41\"}", "A"},		/* U+10FF41, an escaped byte */
	{"{\"s\":\"x\"}\n", "x"},
	{"{\"s\":\"x\"", "ERR"},
	{"{\"s\":\"x\",}", "ERR"},
	{"{\"s\" \"x\"}", "ERR"},
	{"{\"s\":\"x\"} x", "ERR"},
	{"{\"s\":\"a\nb\"}", "ERR"},
	{"{\"s\":\"\\x\"}", "ERR"},
	{"{\"s\":\"\\u12\"}", "ERR"},
	{"{\"n\":01,\"s\":\"x\"}", "ERR"},
	{"{\"n\":1.,\"s\":\"x\"}", "ERR"},
	{"{\"n\":tru,\"s\":\"x\"}", "ERR"},
	{"[", "ERR"},
	{"", "ERR"},
    };
    char    deep[2 * PFS_JSONR_DEPTH + 16];
    size_t  i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	ck_assert_msg(strcmp(read_one(cases[i].in), cases[i].want) == 0,
		      "case %zu: got \"%s\"", i, read_one(cases[i].in));
    /* Nesting is bounded. */
    memset(deep, '[', sizeof(deep));
    memcpy(deep, "{\"n\":", 5);
    deep[sizeof(deep) - 1] = 0;
    ck_assert_str_eq(read_one(deep), "ERR");
}
END_TEST

/* Counters above the signed 64-bit range save and load exactly. */

START_TEST(test_state_big_counters)
{
    static const char *const names[] = {"mail.log"};
    static const char v1[] = "{\"format\": \"postfix-stats-state\", \"version\": 1, "
    "\"counters\": {\"bytes:recv\": -9146744073709551616}, \"files\": [], \"queue\": []}";
    struct rig r;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    ck_assert_int_eq(pfs_stats_set_by_name(r.st, "bytes:recv", 9300000000000000000ULL), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(r.st, "sent:smtp", UINT64_MAX), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(r.st, "lines", (uint64_t) INT64_MAX), 0);
    ck_assert_int_eq(pfs_stats_set_by_name(r.st, "recv", (uint64_t) INT64_MAX + 1), 0);
    rig_save(&r);
    ck_assert_ptr_nonnull(strstr(read_text(r.state), "\"bytes:recv\":\"9300000000000000000\""));
    rig_down(&r);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "bytes:recv", 9300000000000000000ULL);
    ck_counter(&r, "sent:smtp", UINT64_MAX);
    ck_counter(&r, "lines", (uint64_t) INT64_MAX);
    ck_counter(&r, "recv", (uint64_t) INT64_MAX + 1);
    rig_down(&r);
    /* What an earlier agent saved for size=9300000000000000000. */
    unlink(r.state);
    put(r.state, v1, strlen(v1));
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "bytes:recv", 9300000000000000000ULL);
    rig_teardown(&r);
}
END_TEST

static char part_seen[64];
static size_t part_seen_len;

/* odd_part_save - a part whose names are not UTF-8 */

static json_t *odd_part_save(const void *ctx)
{
    (void) ctx;
    return (json_pack("{s:o}", "who", json_stringn_nocheck("b\xff\xf4\x8f\xbd\x81x", 7)));
}

/* odd_part_check - anything goes */

static int odd_part_check(const json_t *o, char *err, size_t len)
{
    (void) o;
    (void) err;
    (void) len;
    return (0);
}

/* odd_part_load - keep what came back */

static void odd_part_load(void *ctx, const json_t *o)
{
    const json_t *v = json_object_get(o, "who");

    (void) ctx;
    part_seen_len = json_string_length(v);
    memcpy(part_seen, json_string_value(v), part_seen_len);
}

/*
 * Logs carry any bytes: names that are not UTF-8, cut in the middle of a
 * character, or holding the characters the escape uses, save and load as
 * the same bytes (counters, messages in flight, a part).
 */
START_TEST(test_state_any_bytes)
{
    static const char *const names[] = {"mail.log"};
    static const char *const lines[] = {
	"Nov 22 10:00:00 mx\xe9 postfix/smtpd[1200]: 3F2A41C0E5: "
	"client=c.example.org[192.0.2.10], sasl_method=PLAIN, sasl_username=b\xff\xfe",
	"Nov 22 10:00:00 mx\xf4\x8f\xbd\x81 postfix/smtpd[1200]: connect from a[192.0.2.1]",
	"Nov 22 10:00:00 mx\xc3 postfix/smtpd[1200]: connect from a[192.0.2.1]",
    };
    static const char from[] = "Nov 22 10:00:01 mx\xe9 postfix/qmgr[1100]: 3F2A41C0E5: "
    "from=<alice@example.org>, size=1234, nrcpt=1 (queue active)\n";
    struct pfs_state_part part = {"odd", odd_part_save, odd_part_check, odd_part_load, 0};
    struct rig r;
    size_t  i;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
	pfs_parser_line(r.p, lines[i], strlen(lines[i]), 0);
    ck_counter(&r, "source:mx\xe9/postfix:lines", 1);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 1);
    pfs_state_set_part(&part);
    rig_save(&r);
    rig_down(&r);
    part_seen_len = 0;
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    pfs_state_set_part(0);
    ck_counter(&r, "source:mx\xe9/postfix:lines", 1);
    ck_counter(&r, "source:mx\xf4\x8f\xbd\x81/postfix:lines", 1);
    ck_counter(&r, "source:mx\xc3/postfix:lines", 1);
    ck_counter(&r, "smtpd:connect", 2);
    ck_assert_uint_eq(part_seen_len, 7);
    ck_assert_int_eq(memcmp(part_seen, "b\xff\xf4\x8f\xbd\x81x", 7), 0);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 1);
    /* The message in flight is the same one: same source, same account. */
    put(r.paths[0], from, strlen(from));
    pfs_follow_event(r.fw);
    ck_counter(&r, "recv:smtp", 1);
    ck_counter(&r, "source:mx\xe9/postfix:recv", 1);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 1);
    rig_teardown(&r);
}
END_TEST

/* refusing_check - a part that fails its own check */

static int refusing_check(const json_t *o, char *err, size_t len)
{
    (void) o;
    snprintf(err, len, "out of range");
    return (-1);
}

/* A state the agent could not read back is not saved; the old file stays. */

START_TEST(test_state_part_refused)
{
    static const char *const names[] = {"mail.log"};
    struct pfs_state_part part = {"odd", odd_part_save, refusing_check, odd_part_load, 0};
    struct rig r;
    char    err[512];
    char   *before;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    rig_save(&r);
    before = strdup(read_text(r.state));
    put_sent(r.paths[0], 2);
    pfs_follow_event(r.fw);
    pfs_state_set_part(&part);
    ck_assert_int_eq(pfs_state_save(r.state, r.st, r.p, r.fw, err, sizeof(err)), -1);
    pfs_state_set_part(0);
    ck_assert_msg(strstr(err, "out of range") != 0, "%s", err);
    ck_assert_str_eq(read_text(r.state), before);
    free(before);
    rig_teardown(&r);
}
END_TEST

/* load_in_child - pfs_state_load() as user nobody (or not at all: -1) */

static int load_in_child(struct rig *r)
{
    char    err[512];
    pid_t   pid;
    int     status;

    if ((pid = fork()) == 0) {
	if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
	    _exit(100);
	_exit(pfs_state_load(r->state, r->st, r->p, r->fw, err, sizeof(err)));
    }
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return (WEXITSTATUS(status));
}

/*
 * Issue 12, item 8: a state file that cannot be opened or read is never
 * replaced: the load says so, names the file and the error, and leaves
 * it as it is (the daemon then refuses to start).
 */
START_TEST(test_state_unreadable)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    char    err[512];
    char   *before;
    struct stat st;

    rig_setup(&r, 1, names, 0, 0);
    put_sent(r.paths[0], 2);
    rig_up(&r, 0);
    rig_save(&r);
    before = strdup(read_text(r.state));
    rig_down(&r);

    /* Permission: as user nobody when run as root, else mode 000. */
    ck_assert_int_eq(chmod(r.dir, 0755), 0);
    ck_assert_int_eq(chmod(r.state, geteuid() == 0 ? 0600 : 0), 0);
    rig_up(&r, 0);
    ck_assert_int_eq(load_in_child(&r), PFS_STATE_UNREADABLE);
    rig_down(&r);
    ck_assert_int_eq(chmod(r.state, 0600), 0);
    ck_assert_str_eq(read_text(r.state), before);
    ck_assert_int_eq(stat(path_in(&r, "state.json.bad"), &st), -1);

    /* Another reason open() fails: a symbolic link loop. */
    ck_assert_int_eq(rename(r.state, path_in(&r, "kept.json")), 0);
    ck_assert_int_eq(symlink("state.json", r.state), 0);
    ck_assert_int_eq(rig_up(&r, 0), PFS_STATE_ABSENT);
    ck_assert_int_eq(pfs_state_load(r.state, r.st, r.p, r.fw, err, sizeof(err)),
		     PFS_STATE_UNREADABLE);
    ck_assert_msg(strstr(err, r.state) != 0 && strstr(err, strerror(ELOOP)) != 0, "%s", err);
    ck_assert_int_eq(lstat(r.state, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    rig_down(&r);

    /* Not a regular file. */
    ck_assert_int_eq(unlink(r.state), 0);
    ck_assert_int_eq(mkdir(r.state, 0755), 0);
    ck_assert_int_eq(rig_up(&r, 0), PFS_STATE_ABSENT);
    ck_assert_int_eq(pfs_state_load(r.state, r.st, r.p, r.fw, err, sizeof(err)),
		     PFS_STATE_UNREADABLE);
    ck_assert_int_eq(stat(r.state, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(rmdir(r.state), 0);
    free(before);
    rig_teardown(&r);
}
END_TEST

/*
 * An old-format state (version 1, indented, as earlier agents wrote it:
 * tests/data/state-v1.json, made from postfix-e2e.log with the path,
 * device and inode replaced by placeholders) still loads; the next save
 * writes the current format, which loads too.
 */
START_TEST(test_state_v1_upgrade)
{
    static const char *const names[] = {"mail.log"};
    const char *srcdir = getenv("top_srcdir");
    char    path[PATH_MAX], num[32];
    struct rig r;
    struct stat st;
    size_t  len;
    char   *data = read_e2e(&len);
    const char *tmpl;
    char   *out, *o;
    const char *p;

    rig_setup(&r, 1, names, 0, 0);
    put(r.paths[0], data, len);
    ck_assert_int_eq(stat(r.paths[0], &st), 0);
    snprintf(path, sizeof(path), "%s/tests/data/state-v1.json", srcdir ? srcdir : ".");
    tmpl = read_text(path);
    ck_assert_ptr_nonnull(strstr(tmpl, "\"version\": 1"));
    out = o = malloc(strlen(tmpl) + PATH_MAX + 64);
    for (p = tmpl; *p; p++) {
	if (strncmp(p, "@LOG@", 5) == 0) {
	    o += sprintf(o, "%s", r.paths[0]);
	    p += 4;
	} else if (strncmp(p, "@DEV@", 5) == 0 || strncmp(p, "@INO@", 5) == 0) {
	    snprintf(num, sizeof(num), "%llu", (unsigned long long) (p[1] == 'D'
						   ? st.st_dev : st.st_ino));
	    o += sprintf(o, "%s", num);
	    p += 4;
	} else {
	    *o++ = *p;
	}
    }
    *o = 0;
    put(r.state, out, strlen(out));
    free(out);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    check_e2e(&r);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 2);
    ck_assert_uint_eq(file_status(&r, 0).offset, len);
    put_sent(r.paths[0], 1);
    pfs_follow_event(r.fw);
    ck_counter(&r, "lines", 167);
    rig_save(&r);
    ck_assert_ptr_nonnull(strstr(read_text(r.state), "\"version\":2"));
    rig_down(&r);
    ck_assert_int_eq(rig_up(&r, 1), PFS_STATE_LOADED);
    ck_counter(&r, "lines", 167);
    ck_assert_uint_eq(pfs_qtable_count(pfs_parser_qtable(r.p)), 2);
    rig_teardown(&r);
}
END_TEST

#ifdef HAVE_LIBSYSTEMD

struct jentry {
    const char *ident;
    const char *msg;
};

static unsigned long long jseq;

/* journal_remote - path of systemd-journal-remote, or 0 */

static const char *journal_remote(void)
{
    static const char *const where[] = {
	"/usr/lib/systemd/systemd-journal-remote", "/lib/systemd/systemd-journal-remote",
    };
    const char *env = getenv("JOURNAL_REMOTE");
    size_t  i;

    if (env && *env && access(env, X_OK) == 0)
	return (env);
    for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
	if (access(where[i], X_OK) == 0)
	    return (where[i]);
    return (0);
}

/* put_journal - append entries to DIR/system.journal via export format */

static void put_journal(const struct rig *r, const struct jentry *e, size_t n)
{
    char    cmd[3 * PATH_MAX];
    FILE   *fp;
    size_t  i;

    ck_assert_ptr_nonnull(fp = fopen(path_in(r, "in.export"), "w"));
    for (i = 0; i < n; i++, jseq++)
	fprintf(fp, "__REALTIME_TIMESTAMP=%llu\n__MONOTONIC_TIMESTAMP=%llu\n"
		"_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=mx1\n"
		"SYSLOG_IDENTIFIER=%s\nSYSLOG_PID=%llu\n_PID=%llu\nPRIORITY=6\n"
		"MESSAGE=%s\n\n", 1700000000000000ULL + jseq * 1000, 1000000 + jseq,
		e[i].ident, 1000 + jseq, 1000 + jseq, e[i].msg);
    ck_assert_int_eq(fclose(fp), 0);
    snprintf(cmd, sizeof(cmd), "'%s' --output='%s' - < '%s' 2>/dev/null",
	     journal_remote(), path_in(r, "journal/system.journal"),
	     path_in(r, "in.export"));
    ck_assert_int_eq(system(cmd), 0);
}

#define SENT_MSG "3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net" \
	"[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, " \
	"status=sent (250 2.0.0 Ok)"

static const struct jentry jmix[] = {
    {"postfix/smtp", SENT_MSG},
    {"sshd", "Accepted publickey for root from 192.0.2.1 port 22"},
    {"postfix/qmgr", "3F2A41C0E5: removed"},
    {"postfix-out/smtp", SENT_MSG},
    {"postfixnot/smtp", SENT_MSG},
    {"postfix/lmtp", "4B1A11C0E6: to=<carol@example.org>, relay=127.0.0.1[127.0.0.1]:24, "
    "delay=0.1, delays=0.01/0/0.04/0.05, dsn=2.0.0, status=sent (250 2.0.0 Ok)"},
};

/* jopen - a journal reader on the rig's journal directory */

static PFS_JOURNAL *jopen(struct rig *r, const char *const *names, size_t n, int from_start)
{
    char    err[512];
    PFS_JOURNAL *jr = pfs_journal_create(r->p, path_in(r, "journal"), names, n,
					 from_start, err, sizeof(err));

    ck_assert_msg(jr != 0, "%s", err);
    return (jr);
}

/* Entries of postfix/...: a syslog line each; others ignored. */

START_TEST(test_journal_read)
{
    static const char *const names[] = {"mail.log"};
    static const char *const two[] = {"postfix", "postfix-out"};
    struct rig r;
    PFS_JOURNAL *jr;

    rig_setup(&r, 1, names, 0, 0);
    ck_assert_int_eq(mkdir(path_in(&r, "journal"), 0755), 0);
    rig_up(&r, 0);
    put_journal(&r, jmix, 6);
    jr = jopen(&r, 0, 0, 1);
    pfs_journal_start(jr);
    ck_counter(&r, "lines", 3);
    ck_counter(&r, "lines:unmatched", 0);
    ck_counter(&r, "sent:smtp", 1);
    ck_counter(&r, "sent:lmtp", 1);
    ck_counter(&r, "source:mx1/postfix:lines", 3);
    ck_assert_uint_eq(pfs_journal_lines(jr), 3);
    pfs_journal_free(jr);
    rig_down(&r);

    /* Two names; first start without from_start: only new entries. */
    rig_up(&r, 0);
    jr = jopen(&r, two, 2, 0);
    pfs_journal_start(jr);
    ck_counter(&r, "lines", 0);
    ck_assert_int_ge(pfs_journal_fd(jr), 0);
    put_journal(&r, jmix, 6);
    pfs_journal_event(jr);
    ck_counter(&r, "lines", 4);
    ck_counter(&r, "sent:smtp", 2);
    ck_counter(&r, "source:mx1/postfix-out:lines", 1);
    pfs_journal_free(jr);
    rig_teardown(&r);
}
END_TEST

/* The cursor is saved with the state: a restart resumes exactly. */

START_TEST(test_journal_restart)
{
    static const char *const names[] = {"mail.log"};
    struct rig r;
    PFS_JOURNAL *jr;
    char    err[512], cursor[PFS_STATE_CURSOR_MAX + 1];
    int     found;
    int     i;

    rig_setup(&r, 1, names, 0, 0);
    ck_assert_int_eq(mkdir(path_in(&r, "journal"), 0755), 0);
    put(r.paths[0], "", 0);
    rig_up(&r, 0);
    jr = jopen(&r, 0, 0, 0);
    pfs_journal_start(jr);			/* empty journal */
    ck_assert_str_eq(pfs_journal_cursor(jr), "");
    ck_assert_int_eq(pfs_state_save_cursor(r.state, r.st, r.p, r.fw,
				 pfs_journal_cursor(jr), err, sizeof(err)), 0);
    pfs_journal_free(jr);
    rig_down(&r);
    put_journal(&r, jmix, 6);			/* while stopped */
    for (i = 0; i < 3; i++) {
	rig_up(&r, 0);
	ck_assert_int_eq(pfs_state_load_cursor(r.state, r.st, r.p, r.fw, cursor,
					       sizeof(cursor), &found, err, sizeof(err)),
			 PFS_STATE_LOADED);
	ck_assert_int_eq(found, 1);
	jr = jopen(&r, 0, 0, 0);
	pfs_journal_set_cursor(jr, cursor);
	pfs_journal_start(jr);
	ck_assert_uint_eq(counter(r.st, "lines"), 3 * (unsigned) (i + 1));
	ck_assert_uint_eq(counter(r.st, "sent:smtp"), (unsigned) (i + 1));
	ck_assert_str_ne(pfs_journal_cursor(jr), "");
	ck_assert_int_eq(pfs_state_save_cursor(r.state, r.st, r.p, r.fw,
				 pfs_journal_cursor(jr), err, sizeof(err)), 0);
	pfs_journal_free(jr);
	rig_down(&r);
	put_journal(&r, jmix, 6);
    }
    /* A state file without a cursor says so. */
    rig_up(&r, 0);
    rig_save(&r);
    ck_assert_int_eq(pfs_state_load_cursor(r.state, r.st, r.p, r.fw, cursor,
					   sizeof(cursor), &found, err, sizeof(err)),
		     PFS_STATE_LOADED);
    ck_assert_int_eq(found, 0);
    rig_teardown(&r);
}
END_TEST

#endif

/* follow_suite - every scenario */

static Suite *follow_suite(void)
{
    Suite  *s = suite_create("follow");
    TCase  *tc = tcase_create("follow");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_appends);
    tcase_add_test(tc, test_from_start);
    tcase_add_test(tc, test_half_line);
    tcase_add_test(tc, test_several_files);
    tcase_add_test(tc, test_rename_create);
    tcase_add_test(tc, test_copytruncate);
    tcase_add_test(tc, test_truncate_fast_writes);
    tcase_add_test(tc, test_delete_recreate);
    tcase_add_test(tc, test_symlink_swap);
    tcase_add_test(tc, test_rotation_while_stopped);
    tcase_add_test(tc, test_two_rotations_while_stopped);
    tcase_add_test(tc, test_rotations_unseen_while_stopped);
    tcase_add_test(tc, test_restart_exact);
    tcase_add_test(tc, test_queue_saved);
    tcase_add_test(tc, test_filter_saved);
    tcase_add_test(tc, test_queue_saved_over_cap);
    tcase_add_test(tc, test_state_bad);
    tcase_add_test(tc, test_compressed_ignored);
    tcase_add_test(tc, test_inode_reuse);
    tcase_add_test(tc, test_poll_fallback);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_overlong_across_restart);
    tcase_add_test(tc, test_throttle);
    tcase_add_test(tc, test_first_start_saved);
    tcase_add_test(tc, test_known_path_appears);
    tcase_add_test(tc, test_copytruncate_at_zero_while_stopped);
    tcase_add_test(tc, test_copytruncate_at_zero_live);
    tcase_add_test(tc, test_copytruncate_unseen_twice);
    tcase_add_test(tc, test_copytruncate_caught_midway);
    tcase_add_test(tc, test_first_start_copytruncate);
    tcase_add_test(tc, test_overwritten_in_linger);
    tcase_add_test(tc, test_rewritten_same_head);
    tcase_add_test(tc, test_json_roundtrip);
    tcase_add_test(tc, test_json_chunks_tree);
    tcase_add_test(tc, test_json_grammar);
    tcase_add_test(tc, test_state_big_counters);
    tcase_add_test(tc, test_state_any_bytes);
    tcase_add_test(tc, test_state_part_refused);
    tcase_add_test(tc, test_state_unreadable);
    tcase_add_test(tc, test_state_v1_upgrade);
    suite_add_tcase(s, tc);
#ifdef HAVE_LIBSYSTEMD
    if (journal_remote() != 0) {
	tc = tcase_create("journal");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_journal_read);
	tcase_add_test(tc, test_journal_restart);
	suite_add_tcase(s, tc);
    } else {
	fprintf(stderr, "check_follow: systemd-journal-remote not found: "
		"journal tests left out\n");
    }
#else
    fprintf(stderr, "check_follow: built without libsystemd: journal tests left out\n");
#endif
    return (s);
}

int     main(void)
{
    SRunner *sr = srunner_create(follow_suite());
    int     failed;

    log_init("check_follow", 1, 0);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? EXIT_FAILURE : EXIT_SUCCESS);
}
