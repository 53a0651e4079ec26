/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	check_alerts_queue 1
 * SUMMARY
 *	unit tests of the queue reader, with and without a child process
 * SYNOPSIS
 *	tests/unit/alerts/check_alerts_queue
 * DESCRIPTION
 *	pfs_queue_feed() parses verbatim "postqueue -j" output (captured
 *	from Postfix 3.7 with deferred and held mail) as one read; the
 *	other tests run small shell scripts in place of postqueue to drive
 *	the fork, pipe, timeout and error paths exactly as the daemon's
 *	loop would. tests/e2e/postfix-queue.test reads a real queue.
 *--*/

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pfs_log.h"
#include "pfs_queue.h"

/* Postfix 3.7.11, postqueue -j: two held messages, one deferred. */
static const char real_output[] =
"{\"queue_name\": \"hold\", \"queue_id\": \"D31E9A743F3\", \"arrival_time\": 1795316911, "
"\"message_size\": 248, \"forced_expire\": false, \"sender\": \"sender@e2e.test\", "
"\"recipients\": [{\"address\": \"u@defer.test\", \"delay_reason\": \"host 127.0.0.1"
"[127.0.0.1] said: 450 4.2.0 mailbox temporarily unavailable (in reply to RCPT TO "
"command)\"}]}\n"
"{\"queue_name\": \"hold\", \"queue_id\": \"B1367A743CF\", \"arrival_time\": 1795316911, "
"\"message_size\": 346, \"forced_expire\": false, \"sender\": \"a@b.test\", "
"\"recipients\": [{\"address\": \"u@defer.test\", \"delay_reason\": \"host 127.0.0.1"
"[127.0.0.1] said: 450 4.2.0 mailbox temporarily unavailable (in reply to RCPT TO "
"command)\"}, {\"address\": \"v@defer.test\", \"delay_reason\": \"host 127.0.0.1"
"[127.0.0.1] said: 450 4.2.0 mailbox temporarily unavailable (in reply to RCPT TO "
"command)\"}]}\n"
"{\"queue_name\": \"deferred\", \"queue_id\": \"C0429A742E3\", \"arrival_time\": 1795230000, "
"\"message_size\": 365, \"forced_expire\": false, \"sender\": \"a@b.test\", "
"\"recipients\": [{\"address\": \"u@defer.test\", \"delay_reason\": \"host 127.0.0.1"
"[127.0.0.1] said: 450 4.2.0 mailbox temporarily unavailable (in reply to RCPT TO "
"command)\"}]}\n"
"{\"queue_name\": \"active\", \"queue_id\": \"4SxQ3K6ZcGz9vjR\", \"arrival_time\": 1795316990, "
"\"message_size\": 1200, \"forced_expire\": false, \"sender\": \"\", "
"\"recipients\": [{\"address\": \"x@example.net\"}, {\"address\": \"y@example.net\"}, "
"{\"address\": \"z@example.net\"}]}\n";

#define NOW	((time_t) 1795317000)

/* feed_str - a whole read from a string */

static void feed_str(PFS_QUEUE *q, time_t now, const char *text, int exit_status)
{
    pfs_queue_feed(q, now, text, strlen(text), 1, exit_status);
}

START_TEST(test_feed_real)
{
    struct pfs_queue_opts o;
    struct pfs_queue_info in;
    PFS_QUEUE *q;
    uint64_t failed;

    memset(&o, 0, sizeof(o));
    q = pfs_queue_create(&o);
    pfs_queue_info(q, PFS_Q_HOLD, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_UNKNOWN);
    ck_assert_int_eq(in.valid, 0);

    /* In two pieces, cut inside a line. */
    pfs_queue_feed(q, NOW, real_output, 300, 0, 0);
    pfs_queue_feed(q, NOW, real_output + 300, sizeof(real_output) - 1 - 300, 1, 0);
    ck_assert_uint_eq(pfs_queue_reads(q, &failed), 1);
    ck_assert_uint_eq(failed, 0);

    /* hold: 2 messages, 1 + 2 recipients, 248 + 346 bytes, 1795317000 - 1795316911 s old. */
    pfs_queue_info(q, PFS_Q_HOLD, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    ck_assert_str_eq(in.text, "ok");
    ck_assert_int_eq(in.valid, 1);
    ck_assert_uint_eq(in.messages, 2);
    ck_assert_uint_eq(in.recipients, 3);
    ck_assert_uint_eq(in.bytes, 594);
    ck_assert_uint_eq(in.oldest_age, 89);
    ck_assert_uint_eq(in.older[0], 0);
    ck_assert_int_eq(in.read_at, NOW);

    /* deferred: 87000 s old: over 1 h and over 1 d (86400 s). */
    pfs_queue_info(q, PFS_Q_DEFERRED, NOW, &in);
    ck_assert_uint_eq(in.messages, 1);
    ck_assert_uint_eq(in.recipients, 1);
    ck_assert_uint_eq(in.bytes, 365);
    ck_assert_uint_eq(in.oldest_age, 87000);
    ck_assert_uint_eq(in.older[0], 1);
    ck_assert_uint_eq(in.older[1], 1);
    ck_assert_uint_eq(in.age[0], 3600);
    ck_assert_uint_eq(in.age[1], 86400);

    pfs_queue_info(q, PFS_Q_ACTIVE, NOW, &in);
    ck_assert_uint_eq(in.messages, 1);
    ck_assert_uint_eq(in.recipients, 3);
    ck_assert_uint_eq(in.oldest_age, 10);

    pfs_queue_info(q, PFS_Q_INCOMING, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    ck_assert_uint_eq(in.messages, 0);
    ck_assert_uint_eq(in.oldest_age, 0);

    /* No queue_directory: the corrupt queue is not counted, and says so. */
    pfs_queue_info(q, PFS_Q_CORRUPT, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_OFF);
    ck_assert_int_eq(in.valid, 0);

    /* refresh 60 + timeout 60 + 5: stale after 125 s. */
    pfs_queue_info(q, PFS_Q_HOLD, NOW + 125, &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    pfs_queue_info(q, PFS_Q_HOLD, NOW + 126, &in);
    ck_assert_int_eq(in.status, PFS_QS_STALE);
    ck_assert_int_eq(in.valid, 0);
    ck_assert_str_eq(in.text, "last good read 126 s ago");

    /* A failed read: the numbers stay but are not current. */
    feed_str(q, NOW + 60, "postqueue: fatal: Queue report unavailable - mail "
	     "system is down\n", 69);
    pfs_queue_info(q, PFS_Q_HOLD, NOW + 60, &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_int_eq(in.valid, 0);
    ck_assert_str_eq(in.text, "postqueue: fatal: Queue report unavailable - mail system is down");
    ck_assert_uint_eq(in.messages, 2);
    ck_assert_int_eq(in.read_at, NOW);
    ck_assert_uint_eq(pfs_queue_reads(q, &failed), 2);
    ck_assert_uint_eq(failed, 1);

    /* A warning with exit status 0 is fine; garbage JSON is not. */
    feed_str(q, NOW + 120, "postqueue: warning: Mail system is down -- accessing "
	     "queue directly\n", 0);
    pfs_queue_info(q, PFS_Q_HOLD, NOW + 120, &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    ck_assert_uint_eq(in.messages, 0);
    feed_str(q, NOW + 180, "{\"queue_name\": \"hold\", \"queue_\n", 0);
    pfs_queue_info(q, PFS_Q_HOLD, NOW + 180, &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_ptr_nonnull(strstr(in.text, "cannot parse postqueue output"));
    pfs_queue_free(q);
}
END_TEST

START_TEST(test_feed_overlong)
{
    struct pfs_queue_opts o;
    struct pfs_queue_info in;
    static const char head[] = "{\"queue_name\": \"deferred\", \"queue_id\": \"C0429A742E3\", "
    "\"arrival_time\": 1795200000, \"message_size\": 99999, \"forced_expire\": false, "
    "\"sender\": \"bulk@example.org\", \"recipients\": [";
    static const char rcpt[] = "{\"address\": \"member@example.net\", \"delay_reason\": "
    "\"host mx.example.net[198.51.100.7] said: 450 4.2.0 try again later\"}, ";
    PFS_QUEUE *q;
    size_t  i, n = (PFS_QUEUE_LINE_MAX / (sizeof(rcpt) - 1)) + 100;

    memset(&o, 0, sizeof(o));
    q = pfs_queue_create(&o);
    /* One message whose line is longer than PFS_QUEUE_LINE_MAX, then one more. */
    pfs_queue_feed(q, NOW, head, sizeof(head) - 1, 0, 0);
    for (i = 0; i < n; i++)
	pfs_queue_feed(q, NOW, rcpt, sizeof(rcpt) - 1, 0, 0);
    pfs_queue_feed(q, NOW, "{\"address\": \"last@example.net\"}]}\n",
		   strlen("{\"address\": \"last@example.net\"}]}\n"), 0, 0);
    pfs_queue_feed(q, NOW, real_output, sizeof(real_output) - 1, 1, 0);
    pfs_queue_info(q, PFS_Q_DEFERRED, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    ck_assert_uint_eq(in.messages, 2);
    ck_assert_uint_eq(in.truncated, 1);
    ck_assert_uint_eq(in.recipients, 1);	/* the second message only */
    ck_assert_uint_eq(in.bytes, 99999 + 365);
    /* The long one arrived 117000 s before NOW, the other 87000 s: both over 1 d. */
    ck_assert_uint_eq(in.oldest_age, 117000);
    ck_assert_uint_eq(in.older[1], 2);
    pfs_queue_free(q);
}
END_TEST

/* A scratch directory with fake postqueue scripts. */
static char dir[PATH_MAX];

/* scratch - make the directory */

static void scratch(void)
{
    char    cwd[PATH_MAX];

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_int_lt(snprintf(dir, sizeof(dir), "%s/tests/tmp.queue.XXXXXX", cwd),
		     (int) sizeof(dir));
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* rm_tree - remove a directory and what is in it (no symlinks followed) */

static void rm_tree(const char *path)
{
    char    sub[PATH_MAX];
    struct dirent *de;
    struct stat st;
    DIR    *d;

    ck_assert_ptr_nonnull(d = opendir(path));
    while ((de = readdir(d)) != 0) {
	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
	    continue;
	ck_assert_int_lt(snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name),
			 (int) sizeof(sub));
	ck_assert_int_eq(lstat(sub, &st), 0);
	if (S_ISDIR(st.st_mode))
	    rm_tree(sub);
	else
	    ck_assert_int_eq(unlink(sub), 0);
    }
    closedir(d);
    ck_assert_int_eq(rmdir(path), 0);
}

/* unscratch - remove the scratch directory */

static void unscratch(void)
{
    rm_tree(dir);
}

/* script - write an executable shell script, return its path */

static const char *script(const char *name, const char *body)
{
    static char path[PATH_MAX];
    FILE   *fp;

    ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", dir, name), (int) sizeof(path));
    ck_assert_ptr_nonnull(fp = fopen(path, "w"));
    fprintf(fp, "#!/bin/sh\n%s\n", body);
    fclose(fp);
    ck_assert_int_eq(chmod(path, 0755), 0);
    return (path);
}

static int opened_fd = -1, closed_fd = -1;

/* on_open - the daemon would register_readfd() here */

static void on_open(int fd, void *ctx)
{
    (void) ctx;
    opened_fd = fd;
}

/* on_close - and unregister_readfd() here */

static void on_close(int fd, void *ctx)
{
    (void) ctx;
    closed_fd = fd;
}

/* run - one read as the daemon's loop does it; returns input turns */

static unsigned run(PFS_QUEUE *q, time_t now)
{
    struct pollfd pfd;
    unsigned turns = 0;
    uint64_t before = pfs_queue_reads(q, 0);
    int     spins = 0;

    opened_fd = closed_fd = -1;
    pfs_queue_tick(q, now);
    while (pfs_queue_reads(q, 0) == before) {
	ck_assert_int_lt(spins++, 3000);
	if (pfs_queue_fd(q) >= 0) {
	    pfd.fd = pfs_queue_fd(q);
	    pfd.events = POLLIN;
	    if (poll(&pfd, 1, 10) > 0) {
		turns++;
		(void) pfs_queue_input(q, now);
		continue;
	    }
	} else {
	    usleep(10000);
	}
	pfs_queue_tick(q, now);
    }
    return (turns);
}

START_TEST(test_child_big)
{
    struct pfs_queue_opts o;
    struct pfs_queue_info in;
    char    body[PATH_MAX + 1024];
    char    args[PATH_MAX + 8];
    PFS_QUEUE *q;
    FILE   *fp;
    unsigned turns;

    scratch();
    ck_assert_int_lt(snprintf(args, sizeof(args), "%s/args", dir), (int) sizeof(args));
    /* 30000 deferred messages of 2 recipients, arrived 7200 s before NOW. */
    ck_assert_int_lt(snprintf(body, sizeof(body), "echo \"$@\" > %s\n"
	     "awk 'BEGIN { for (i = 0; i < 30000; i++) printf \"{\\\"queue_name\\\": "
	     "\\\"deferred\\\", \\\"queue_id\\\": \\\"4B%%08X\\\", \\\"arrival_time\\\": %lld, "
	     "\\\"message_size\\\": 1000, \\\"recipients\\\": [{\\\"address\\\": \\\"a@x\\\"}, "
	     "{\\\"address\\\": \\\"b@x\\\"}]}\\n\", i }'", args, (long long) NOW - 7200),
		     (int) sizeof(body));
    memset(&o, 0, sizeof(o));
    o.postqueue = script("postqueue", body);
    o.config_dir = "/etc/postfix-out";
    q = pfs_queue_create(&o);
    pfs_queue_set_fd_callbacks(q, on_open, on_close, 0);
    turns = run(q, NOW);
    pfs_queue_info(q, PFS_Q_DEFERRED, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    ck_assert_uint_eq(in.messages, 30000);
    ck_assert_uint_eq(in.recipients, 60000);
    ck_assert_uint_eq(in.bytes, 30000000);
    ck_assert_uint_eq(in.oldest_age, 7200);
    ck_assert_uint_eq(in.older[0], 30000);	/* 7200 > 3600 */
    ck_assert_uint_eq(in.older[1], 0);
    /* About 4 MB of output, at most 256 KiB per turn: many turns. */
    ck_assert_uint_gt(turns, 10);
    ck_assert_int_ge(opened_fd, 0);
    ck_assert_int_eq(closed_fd, opened_fd);
    ck_assert_int_eq(pfs_queue_fd(q), -1);
    /* The child got exactly "-j -c DIR". */
    ck_assert_ptr_nonnull(fp = fopen(args, "r"));
    ck_assert_ptr_nonnull(fgets(body, sizeof(body), fp));
    fclose(fp);
    ck_assert_str_eq(body, "-j -c /etc/postfix-out\n");

    /* Not due again before queue_refresh (60 s); due after. */
    pfs_queue_tick(q, NOW + 59);
    ck_assert_int_eq(pfs_queue_fd(q), -1);
    pfs_queue_tick(q, NOW + 60);
    ck_assert_int_ge(pfs_queue_fd(q), 0);
    pfs_queue_free(q);				/* kills the running child */
    unscratch();
}
END_TEST

START_TEST(test_child_errors)
{
    struct pfs_queue_opts o;
    struct pfs_queue_info in;
    PFS_QUEUE *q;
    uint64_t failed;

    scratch();
    memset(&o, 0, sizeof(o));

    /* postqueue's own complaint and exit status. */
    o.postqueue = script("fails", "echo 'postqueue: fatal: bad -c option' >&2; exit 1");
    q = pfs_queue_create(&o);
    run(q, NOW);
    pfs_queue_info(q, PFS_Q_DEFERRED, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_str_eq(in.text, "postqueue: fatal: bad -c option");
    pfs_queue_free(q);

    /* Silent failure: the exit status says it. */
    o.postqueue = script("silent", "exit 3");
    q = pfs_queue_create(&o);
    run(q, NOW);
    pfs_queue_info(q, PFS_Q_DEFERRED, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_ptr_nonnull(strstr(in.text, "exited with status 3"));
    pfs_queue_free(q);

    /* No such program. */
    o.postqueue = "/nonexistent/postqueue";
    q = pfs_queue_create(&o);
    run(q, NOW);
    pfs_queue_info(q, PFS_Q_DEFERRED, NOW, &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_ptr_nonnull(strstr(in.text, "cannot execute /nonexistent/postqueue"));
    pfs_queue_free(q);

    /* A read that hangs is ended after the timeout. */
    o.postqueue = script("hangs", "echo '{\"queue_name\": \"hold\"}'; exec sleep 60");
    o.timeout = 2;
    q = pfs_queue_create(&o);
    pfs_queue_tick(q, NOW);
    ck_assert_int_ge(pfs_queue_fd(q), 0);
    pfs_queue_tick(q, NOW + 1);
    ck_assert_int_ge(pfs_queue_fd(q), 0);
    pfs_queue_tick(q, NOW + 2);
    ck_assert_int_eq(pfs_queue_fd(q), -1);
    ck_assert_uint_eq(pfs_queue_reads(q, &failed), 1);
    ck_assert_uint_eq(failed, 1);
    pfs_queue_info(q, PFS_Q_HOLD, NOW + 2, &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_ptr_nonnull(strstr(in.text, "did not finish within 2 s"));
    pfs_queue_free(q);
    unscratch();
}
END_TEST

START_TEST(test_child_corrupt)
{
    struct pfs_queue_opts o;
    struct pfs_queue_info in;
    char    path[PATH_MAX + 32];
    PFS_QUEUE *q;
    FILE   *fp;

    scratch();
    memset(&o, 0, sizeof(o));
    o.postqueue = script("empty", "exit 0");
    /* No corrupt directory: that row says why, the others are fine. */
    o.queue_dir = dir;
    q = pfs_queue_create(&o);
    run(q, time(0));
    pfs_queue_info(q, PFS_Q_CORRUPT, time(0), &in);
    ck_assert_int_eq(in.status, PFS_QS_ERROR);
    ck_assert_ptr_nonnull(strstr(in.text, "cannot open the corrupt queue"));
    pfs_queue_info(q, PFS_Q_DEFERRED, time(0), &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    pfs_queue_free(q);

    /* Two files of 10 and 25 bytes in DIR/corrupt. */
    snprintf(path, sizeof(path), "%s/corrupt", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/corrupt/3F2A41C0E5", dir);
    ck_assert_ptr_nonnull(fp = fopen(path, "w"));
    fprintf(fp, "0123456789");
    fclose(fp);
    snprintf(path, sizeof(path), "%s/corrupt/4SxQ3K6ZcGz9vjR", dir);
    ck_assert_ptr_nonnull(fp = fopen(path, "w"));
    fprintf(fp, "0123456789012345678901234");
    fclose(fp);
    q = pfs_queue_create(&o);
    run(q, time(0));
    pfs_queue_info(q, PFS_Q_CORRUPT, time(0), &in);
    ck_assert_int_eq(in.status, PFS_QS_OK);
    ck_assert_uint_eq(in.messages, 2);
    ck_assert_uint_eq(in.bytes, 35);
    ck_assert_uint_eq(in.recipients, 0);
    pfs_queue_free(q);
    unscratch();
}
END_TEST

/* queue_suite - every test above */

static Suite *queue_suite(void)
{
    Suite  *s = suite_create("queue");
    TCase  *tc = tcase_create("queue");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_feed_real);
    tcase_add_test(tc, test_feed_overlong);
    tcase_add_test(tc, test_child_big);
    tcase_add_test(tc, test_child_errors);
    tcase_add_test(tc, test_child_corrupt);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    SRunner *sr = srunner_create(queue_suite());
    int     failed;

    log_init("check_alerts_queue", 1, 0);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? EXIT_FAILURE : EXIT_SUCCESS);
}
