/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	follow-driver 1
 * SUMMARY
 *	the agent's follower loop without SNMP, and a paced log writer
 * SYNOPSIS
 *	follow-driver follow [--no-inotify] [--poll SECONDS] [--save SECONDS]
 *		[--linger SECONDS] [--state FILE] [--from-start]
 *		[--progress FILE] LOGFILE...
 *
 *	follow-driver write --from SOURCE --to LOGFILE [--rate LINES_PER_S]
 *		[--burst LINES] [--seconds N] [--lines N] [--rotate SECONDS]
 * DESCRIPTION
 *	"follow" runs what the daemon's event loop runs, minus AgentX: one
 *	counter store and parser (pfs_engine_create() with the default
 *	configuration), pfs_state_load(), pfs_follow_start(), then poll(2)
 *	on the inotify descriptor with a timeout that is the next of the
 *	poll tick (pfs_follow_poll()) and the state save. SIGUSR1 writes
 *	"lines N rss_kb N backlog N" to the progress file; SIGTERM or SIGINT
 *	saves the state, prints every counter as --once does, and exits.
 *
 *	"write" appends lines of SOURCE (cycled) to LOGFILE, one write(2)
 *	per line as a syslog daemon does, at the given rate, sleeping after
 *	every --burst lines (default: 10 ms worth; 1 spreads the lines
 *	evenly, the worst case for wake-ups); with --rate 0, as fast as
 *	possible in 64 KiB writes. It
 *	stops after --seconds or --lines, and prints the lines written.
 *
 *	With --rotate, every SECONDS the log is rotated to LOGFILE.NNNN
 *	(NNNN counting from 0001), alternately by rename (then 100 more
 *	lines go to the renamed file, as a syslog daemon writes until told to
 *	reopen, before LOGFILE is created again) and by copytruncate (copy,
 *	then truncate; no line is written in between, so none is lost). The
 *	rotated files in name order followed by LOGFILE hold every line
 *	written, in order. The last line printed is then "N lines, R
 *	rotations".
 * DIAGNOSTICS
 *	Exit status 0, or 1 with a message.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfs_config.h"
#include "pfs_follow.h"
#include "pfs_log.h"
#include "pfs_once.h"
#include "pfs_state.h"
#include "pfs_util.h"

static volatile sig_atomic_t got_term, got_usr1;

/* on_signal - note the signal for the loop */

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
	got_usr1 = 1;
    else
	got_term = 1;
}

/* mono_ms - monotonic milliseconds */

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* rss_kb - VmRSS of this process */

static long rss_kb(void)
{
    FILE   *fp = fopen("/proc/self/status", "r");
    char    line[256];
    long    kb = -1;

    if (fp == 0)
	return (-1);
    while (fgets(line, sizeof(line), fp))
	if (sscanf(line, "VmRSS: %ld", &kb) == 1)
	    break;
    fclose(fp);
    return (kb);
}

/* progress - write the progress line */

static void progress(const char *path, const PFS_STATS *st, const PFS_FOLLOW *fw)
{
    FILE   *fp;

    if (path == 0 || (fp = fopen(path, "w")) == 0)
	return;
    fprintf(fp, "lines %llu rss_kb %ld backlog %d\n",
	    (unsigned long long) pfs_scalar_get(st, PFS_LINES), rss_kb(),
	    pfs_follow_backlog(fw));
    fclose(fp);
}

/* do_follow - the follower loop */

static int do_follow(int argc, char **argv)
{
    static const struct option opts[] = {
	{"no-inotify", no_argument, 0, 'n'},
	{"poll", required_argument, 0, 'p'},
	{"save", required_argument, 0, 's'},
	{"linger", required_argument, 0, 'l'},
	{"state", required_argument, 0, 'S'},
	{"from-start", no_argument, 0, 'f'},
	{"progress", required_argument, 0, 'P'},
	{0, 0, 0, 0},
    };
    struct pfs_config cfg;
    const char *state = 0, *prog = 0;
    unsigned poll_s = 1, save_s = 5, linger = 30;
    int     flags = 0, from_start = 0, c;
    PFS_STATS *st;
    PFS_PARSER *p;
    PFS_FOLLOW *fw;
    char    err[1024];
    long long next_poll, next_save, now, wait;
    uint64_t saved_changes = 0;
    struct pollfd pfd;
    struct sigaction sa;

    while ((c = getopt_long(argc, argv, "", opts, 0)) != -1) {
	switch (c) {
	case 'n':
	    flags |= PFS_FOLLOW_NO_INOTIFY;
	    break;
	case 'p':
	    poll_s = (unsigned) atoi(optarg);
	    break;
	case 's':
	    save_s = (unsigned) atoi(optarg);
	    break;
	case 'l':
	    linger = (unsigned) atoi(optarg);
	    break;
	case 'S':
	    state = optarg;
	    break;
	case 'f':
	    from_start = 1;
	    break;
	case 'P':
	    prog = optarg;
	    break;
	default:
	    return (1);
	}
    }
    if (optind >= argc) {
	fprintf(stderr, "follow-driver follow: no log file\n");
	return (1);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, 0);
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGUSR1, &sa, 0);
    pfs_config_init(&cfg);
    p = pfs_engine_create(&cfg, &st);
    fw = pfs_follow_create_flags(p, argv + optind, (size_t) (argc - optind), poll_s,
				 from_start, flags);
    pfs_follow_set_linger(fw, linger);
    if (state && pfs_state_load(state, st, p, fw, err, sizeof(err)) != PFS_STATE_LOADED)
	log_info("%s", err);
    pfs_follow_start(fw);
    next_poll = mono_ms() + 1000LL * poll_s;
    next_save = mono_ms() + 1000LL * save_s;
    pfd.fd = pfs_follow_fd(fw);
    pfd.events = POLLIN;
    while (!got_term) {
	if (got_usr1) {
	    got_usr1 = 0;
	    progress(prog, st, fw);
	}
	now = mono_ms();
	if (now >= next_poll || pfs_follow_backlog(fw)) {
	    pfs_follow_poll(fw);
	    next_poll = now + 1000LL * poll_s;
	}
	if (state && now >= next_save) {
	    /* Nothing moved, nothing to write: no fsync wake-ups when idle. */
	    if (pfs_follow_changes(fw) != saved_changes) {
		saved_changes = pfs_follow_changes(fw);
		if (pfs_state_save(state, st, p, fw, err, sizeof(err)) < 0)
		    log_warnx("%s", err);
	    }
	    next_save = now + 1000LL * save_s;
	}
	wait = (next_poll < next_save || !state ? next_poll : next_save) - now;
	if (wait < 0)
	    wait = 0;
	if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, (int) wait) > 0)
	    pfs_follow_event(fw);
    }
    if (state && pfs_state_save(state, st, p, fw, err, sizeof(err)) < 0)
	log_warnx("%s", err);
    progress(prog, st, fw);
    pfs_print_counters(stdout, st, 0);
    pfs_follow_free(fw);
    pfs_parser_free(p);
    pfs_stats_free(st);
    pfs_config_free(&cfg);
    return (0);
}

/* rotate_log - rename (odd n) or copytruncate (even n) to path.NNNN */

static int rotate_log(const char *path, unsigned n, int out)
{
    char    name[4096];
    char    buf[65536];
    ssize_t len;
    int     in, copy;

    snprintf(name, sizeof(name), "%s.%04u", path, n);
    if (n % 2 == 1)
	return (rename(path, name));
    if ((in = open(path, O_RDONLY)) < 0
	|| (copy = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
	return (-1);
    while ((len = read(in, buf, sizeof(buf))) > 0)
	if (write(copy, buf, (size_t) len) != len)
	    return (-1);
    close(in);
    if (close(copy) < 0 || len < 0)
	return (-1);
    return (ftruncate(out, 0));
}

/* do_write - the paced writer */

static int do_write(int argc, char **argv)
{
    static const struct option opts[] = {
	{"from", required_argument, 0, 'f'},
	{"to", required_argument, 0, 't'},
	{"rate", required_argument, 0, 'r'},
	{"seconds", required_argument, 0, 's'},
	{"lines", required_argument, 0, 'n'},
	{"burst", required_argument, 0, 'b'},
	{"rotate", required_argument, 0, 'R'},
	{0, 0, 0, 0},
    };
    double  rotate = 0;
    long long next_rotate = 0;
    unsigned rotations = 0;
    int     tail = 0;
    const char *from = 0, *to = 0;
    long    rate = 1000;
    long    burst = 0;
    double  seconds = 0;
    unsigned long long max_lines = 0, written = 0;
    FILE   *in;
    int     out, c;
    char   *line = 0;
    size_t  cap = 0;
    ssize_t len;
    char   *buf = pfs_malloc(1 << 16);
    size_t  blen = 0;
    long long start;

    while ((c = getopt_long(argc, argv, "", opts, 0)) != -1) {
	switch (c) {
	case 'f':
	    from = optarg;
	    break;
	case 't':
	    to = optarg;
	    break;
	case 'r':
	    rate = atol(optarg);
	    break;
	case 's':
	    seconds = atof(optarg);
	    break;
	case 'n':
	    max_lines = strtoull(optarg, 0, 10);
	    break;
	case 'b':
	    burst = atol(optarg);
	    break;
	case 'R':
	    rotate = atof(optarg);
	    break;
	default:
	    return (1);
	}
    }
    if (from == 0 || to == 0 || (seconds <= 0 && max_lines == 0)) {
	fprintf(stderr, "follow-driver write: --from, --to and --seconds or --lines\n");
	return (1);
    }
    if ((in = fopen(from, "r")) == 0 || (out = open(to, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0) {
	perror(from);
	return (1);
    }
    if (burst <= 0)
	burst = rate / 100 > 0 ? rate / 100 : 1;
    start = mono_ms();
    if (rotate > 0)
	next_rotate = start + (long long) (rotate * 1000);
    for (;;) {
	if (tail > 0 && --tail == 0) {
	    /* The syslog daemon was told to reopen. */
	    close(out);
	    if ((out = open(to, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0) {
		perror(to);
		return (1);
	    }
	}
	if (rotate > 0 && tail == 0 && mono_ms() >= next_rotate) {
	    if (blen > 0 && write(out, buf, blen) != (ssize_t) blen)
		return (1);
	    blen = 0;
	    if (rotate_log(to, ++rotations, out) < 0)
		return (1);
	    if (rotations % 2 == 1)
		tail = 100;
	    next_rotate += (long long) (rotate * 1000);
	}
	if (max_lines && written >= max_lines)
	    break;
	if (seconds > 0 && mono_ms() - start >= (long long) (seconds * 1000))
	    break;
	if ((len = getline(&line, &cap, in)) <= 0) {
	    rewind(in);
	    continue;
	}
	if (rate == 0) {
	    if (blen + (size_t) len > (1 << 16)) {
		if (write(out, buf, blen) != (ssize_t) blen)
		    return (1);
		blen = 0;
	    }
	    memcpy(buf + blen, line, (size_t) len);
	    blen += (size_t) len;
	} else {
	    if (write(out, line, (size_t) len) != len)
		return (1);
	    /* After each burst, sleep until the next one is due. */
	    if ((written + 1) % (unsigned long long) burst == 0) {
		long long due = start + (long long) ((written + 1) * 1000 / rate);
		long long now = mono_ms();

		if (due > now)
		    usleep((useconds_t) ((due - now) * 1000));
	    }
	}
	written++;
    }
    if (blen > 0 && write(out, buf, blen) != (ssize_t) blen)
	return (1);
    close(out);
    if (tail > 0 && (out = open(to, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0)
	close(out);				/* reopened at the end */
    fclose(in);
    free(line);
    free(buf);
    if (rotate > 0)
	printf("%llu lines, %u rotations\n", written, rotations);
    else
	printf("%llu\n", written);
    return (0);
}

int     main(int argc, char **argv)
{
    log_init("follow-driver", 1, 0);
    if (argc >= 2 && strcmp(argv[1], "follow") == 0)
	return (do_follow(argc - 1, argv + 1));
    if (argc >= 2 && strcmp(argv[1], "write") == 0)
	return (do_write(argc - 1, argv + 1));
    fprintf(stderr, "usage: follow-driver follow|write ...\n");
    return (1);
}
