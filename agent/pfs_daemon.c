/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_daemon 3
 * SUMMARY
 *	the AgentX subagent daemon: event loop, signals, pid file
 * SYNOPSIS
 *	#include "pfs_daemon.h"
 *
 *	int	pfs_daemon_run(opts)
 *
 *	int	pfs_oids_run(cfg, files, nfiles)
 * DESCRIPTION
 *	pfs_daemon_run() is postfix-stats-agent without --once: it loads the
 *	configuration (the command line wins over the file), detaches
 *	unless told to stay in the foreground, restores the saved state,
 *	follows the log files, and serves the counters to snmpd over AgentX
 *	until SIGTERM or SIGINT.
 *
 *	Everything runs on one thread, in Net-SNMP's event loop
 *	(agent_check_and_process()): the follower's inotify descriptor and
 *	a self-pipe for signals are registered with register_readfd(), the
 *	follower's poll and the state save are snmp_alarm timers, and
 *	Net-SNMP's own AgentX ping alarm reconnects to snmpd when it comes
 *	back. While snmpd is away the lines are still read and counted; the
 *	registrations are replayed on reconnection, so nothing is lost. When
 *	no state was loaded (first start, or a corrupt one set aside), the
 *	state is saved at once, as soon as the positions are set (so that a
 *	kill before the first timer loses nothing), then every
 *	save_interval seconds when something was
 *	read since the last save (pfs_follow_changes()), and at exit. A
 *	save is skipped while less than 200 times the CPU time of the last
 *	one has passed: a large state is saved less often, with at most
 *	half a percent of a core; each save is a consistent snapshot, so a
 *	restart after a kill reads again what came after it, never more or
 *	less. When
 *	the follower has more to read than one budget allows, the loop polls
 *	without blocking until it has caught up, answering requests in
 *	between; a large backlog is read on the configured number of
 *	threads (threads, pfs_follow_set_threads(); a reload applies a new
 *	number).
 *
 *	A receipt that may be a content filter's re-injected copy waits in
 *	the parser for the line that would link it (pfs_parser(3)); when
 *	no line at all has come for LINK_IDLE_SECONDS, the poll timer
 *	counts the waiting ones (pfs_parser_flush()): the hop line comes
 *	right after its copy, not after a silence. The first time the
 *	parser counts a delivery to a loopback relay that it could not
 *	link (loopback:unlinked), the daemon says once, at info level,
 *	which relay, and when ignore_relay helps.
 *
 *	The alert modules (pfs_events(3)) get every parser event; their
 *	state is saved with the counters, and pfs_alertmib(3) serves them
 *	and sends their notifications, which wait in a queue (saved with
 *	the state) until snmpd has taken them. The state is saved at once
 *	when some were raised or taken (once a second at most in a burst),
 *	so that a kill -9 cannot make the agent raise them again from lines
 *	it reads a second time. With queue_monitor, pfs_queue(3)
 *	reads the queue in the background: a 1-second alarm starts a
 *	postqueue -j when due, and its pipe is registered with the loop
 *	while a read runs (SIGCHLD keeps its default disposition, so the
 *	child can be reaped). After each read, its queue thresholds are
 *	checked (pfs_events_queue_read()), and a read that fails is logged
 *	once, as is the first good read after it. With journal yes,
 *	pfs_journal(3) reads
 *	Postfix's journal entries beside (or instead of) the log files: its
 *	descriptor is on the loop, the follower's poll timer polls it too,
 *	and its cursor is saved in the state file (pfs_state_save_cursor()).
 *
 *	Net-SNMP is kept quiet and self-contained: no MIB file is opened
 *	(MIBS and the MIB directories are emptied), none of its
 *	configuration files are read, no
 *	persistent state is written; the AgentX socket, ping interval and
 *	timeouts are set directly, after init_agent(), which resets them.
 *	The library's messages go through our log (SNMP_CALLBACK_LOGGING),
 *	with repeats of the same message folded.
 *
 *	SIGHUP reopens the log (syslog) and the followed files and reloads
 *	the configuration file. A file that does not load is reported and
 *	the running configuration stays. Of a new configuration, the save
 *	interval and the account limits (account_limit, account_limits,
 *	account_limit_unit) apply at once and the ping interval at the next
 *	connection to snmpd; a change to anything else (log files, socket,
 *	ignore lists, table caps, state file, ...) is reported as needing a
 *	restart. SIGTERM and SIGINT save the state and exit with status 0;
 *	the AgentX session is closed before the objects are taken down, so
 *	that an snmpd stopping at the same moment cannot catch the library
 *	inside one of its callbacks (leave_agentx()).
 *
 *	In daemon mode the parent process waits until the child has set
 *	everything up, so its exit status tells whether the daemon started;
 *	the child logs to syslog from the moment it is detached, and until
 *	it is up, to the parent as well, which prints those messages when
 *	the start fails.
 *	The pid file is locked while the daemon runs; a second daemon with
 *	the same pid file refuses to start.
 *
 *	Net-SNMP's own "Failed to connect to the agentx master agent"
 *	warning carries no reason, so it is turned off
 *	(NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS). Instead, after the first
 *	attempt and then every agentx_ping_interval seconds while no
 *	session is open, the daemon asks pfs_agentx_probe() why, and logs
 *	the socket and the system error whenever the reason changes.
 *
 *	pfs_oids_run() is --oids: it prints pfs_mib_print_oids(), after
 *	reading FILE... as --once would when files are named.
 * DIAGNOSTICS
 *	Problems at startup are fatal; they go to standard error, or to
 *	syslog once detached, and the parent prints them with a line saying
 *	that the daemon did not start. Problems while running (a state file that
 *	cannot be written, a bad configuration on SIGHUP) are logged and the
 *	daemon carries on.
 * SECURITY
 *	Needs no privileges: read access to the logs, write access to the
 *	state file's directory, and access to snmpd's AgentX socket.
 *--*/

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "pfs_agentx.h"
#include "pfs_alertmib.h"
#include "pfs_daemon.h"
#include "pfs_events.h"
#include "pfs_follow.h"
#include "pfs_journal.h"
#include "pfs_log.h"
#include "pfs_mib.h"
#include "pfs_once.h"
#include "pfs_queue.h"
#include "pfs_state.h"
#include "pfs_util.h"

#define APP_NAME	"postfix-stats-agent"

/* AgentX request timeout and retries: the ping blocks the loop this long. */
#define AGENTX_TIMEOUT_US	(1000L * 1000L)
#define AGENTX_RETRIES		1

/* Library messages repeated within this many seconds are folded. */
#define LOG_FOLD_SECONDS	600

/* A log quiet this long: receipts that wait for a filter link are counted. */
#define LINK_IDLE_SECONDS	10

/* What the parent keeps of the child's startup messages (the last ones). */
#define STARTUP_LOG_MAX		4096

struct daemon {
    const struct pfs_daemon_opts *opts;
    struct pfs_config cfg;
    const char *state_path;
    PFS_STATS *st;
    PFS_PARSER *parser;
    PFS_FOLLOW *follow;
    PFS_AGENTX *ax;
    PFS_EVENTS *events;			/* the alert modules */
    PFS_QUEUE *queue;			/* or NULL: queue_monitor no */
    PFS_ALERTMIB *am;
    PFS_JOURNAL *journal;		/* or NULL: journal no */
    int     journal_fd;			/* registered, or -1 */
    unsigned poll_alarm;
    unsigned save_alarm;
    unsigned queue_alarm;
    unsigned agentx_alarm;
    int     agentx_err;			/* last reason logged, 0: none */
    int     save_failing;		/* a save failed; logged once */
    int     queue_failing;		/* postqueue failed; logged once */
    int     saved_once;			/* saved_changes is valid */
    uint64_t saved_changes;		/* pfs_follow_changes() at the last save */
    double  saved_at;			/* monotonic seconds of the last save */
    double  save_gap;			/* no save sooner after it (seconds) */
    uint64_t saved_notes;		/* notifications pushed and sent, then */
    unsigned notes_alarm;		/* a save for notifications is due */
    int     pidfd;
    char   *pidfile;
    uint64_t idle_lines;		/* "lines" when it last moved */
    time_t  idle_since;			/* and when that was */
    int     unlinked_said;		/* loopback:unlinked logged */
};

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_hup;

/* Folding of repeated library messages. */
static char last_msg[512];
static int last_pri;
static unsigned last_repeats;
static time_t last_time;

/* on_signal - note the signal and wake the loop */

static void on_signal(int sig)
{
    int     saved = errno;
    char    c = 0;

    if (sig == SIGHUP)
	got_hup = 1;
    else
	got_term = 1;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
	/* Full pipe: the loop wakes up anyway. */
    }
    errno = saved;
}

/* on_sig_pipe - drain the self-pipe; the loop acts on the flags */

static void on_sig_pipe(int fd, void *ctx)
{
    char    buf[64];

    (void) ctx;
    while (read(fd, buf, sizeof(buf)) > 0)
	 /* void */ ;
}

static int leaving;			/* in leave_agentx() */

/* snmp_log_bridge - Net-SNMP's messages into our log */

static int snmp_log_bridge(int major, int minor, void *serverarg, void *clientarg)
{
    const struct snmp_log_message *m = serverarg;
    char    buf[sizeof(last_msg)];
    size_t  len;
    time_t  now = time(0);

    (void) major;
    (void) minor;
    (void) clientarg;
    if (m == 0 || m->msg == 0)
	return (0);
    /* "master disconnected us, reconnecting": our own leave_agentx(). */
    if (leaving && m->priority >= LOG_INFO)
	return (0);
    snprintf(buf, sizeof(buf), "%s", m->msg);
    len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
	buf[--len] = 0;
    if (len == 0)
	return (0);
    if (m->priority == last_pri && strcmp(buf, last_msg) == 0
	&& now - last_time < LOG_FOLD_SECONDS) {
	last_repeats++;
	return (0);
    }
    if (last_repeats > 0)
	log_msg(last_pri, "snmp: last message repeated %u times", last_repeats);
    log_msg(m->priority, "snmp: %s", buf);
    snprintf(last_msg, sizeof(last_msg), "%s", buf);
    last_pri = m->priority;
    last_repeats = 0;
    last_time = now;
    return (0);
}

/* files_count - pfs_agentx_files glue */

static size_t files_count(void *ctx)
{
    return (pfs_follow_count(((struct daemon *) ctx)->follow));
}

/* files_status - pfs_agentx_files glue */

static void files_status(void *ctx, size_t i, struct pfs_follow_status *fs)
{
    pfs_follow_status(((struct daemon *) ctx)->follow, i, fs);
}

/* files_waiting - pfs_agentx_files glue */

static size_t files_waiting(void *ctx)
{
    return (pfs_parser_pending(((struct daemon *) ctx)->parser));
}

/* files_last_line - pfs_agentx_files glue */

static time_t files_last_line(void *ctx)
{
    return (pfs_follow_last_line(((struct daemon *) ctx)->follow));
}

/* agentx_address - the AgentX socket in use */

static const char *agentx_address(const struct daemon *d)
{
    return (d->cfg.agentx_socket ? d->cfg.agentx_socket : PFS_DEF_AGENTX);
}

/* agentx_watch - not registered with snmpd: say why, once per reason */

static void agentx_watch(struct daemon *d)
{
    const char *addr = agentx_address(d);
    int     err;

    if (pfs_agentx_connected(d->ax)) {
	d->agentx_err = 0;
	return;
    }
    /* 0: the socket answers now; the library's next attempt will do. */
    if ((err = pfs_agentx_probe(addr)) == 0 || err == d->agentx_err)
	return;
    d->agentx_err = err;
    if (err < 0) {
	log_warnx("not connected to the AgentX master at %s; trying again every %u s",
		  addr, d->cfg.ping_interval);
	return;
    }
    log_warnx("cannot reach AgentX socket %s: %s (%s); trying again every %u s",
	      addr, strerror(err), err == EACCES || err == EPERM ?
	      "snmpd's agentXPerms must let this user in" :
	      "is snmpd running as an AgentX master?", d->cfg.ping_interval);
}

/* on_agentx_watch - the AgentX watch timer */

static void on_agentx_watch(unsigned reg, void *ctx)
{
    (void) reg;
    agentx_watch((struct daemon *) ctx);
}

/* changes_mark - moves whenever the logs or the journal were read */

static uint64_t changes_mark(const struct daemon *d)
{
    return (pfs_follow_changes(d->follow)
	    + (d->journal ? pfs_journal_changes(d->journal) : 0));
}

/* notes_mark - moves whenever a notification is queued or taken */

static uint64_t notes_mark(const struct daemon *d)
{
    return (pfs_notify_pushed(pfs_events_notify(d->events))
	    + (d->am ? pfs_alertmib_sent(d->am) : 0));
}

/* clock_s - seconds on a clock */

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return ((double) ts.tv_sec + (double) ts.tv_nsec / 1e9);
}

/*
 * save_state - write the state file; complain once per failure streak.
 * A save is skipped when nothing was read since the last one, and when
 * the last one was less than SAVE_CPU_FACTOR times its CPU time ago: a
 * large state is saved less often, with at most half a percent of a core.
 * Every save is a whole, consistent snapshot: saving less often costs
 * a restart more lines to read again, never a line lost or counted twice.
 */
#define SAVE_CPU_FACTOR	200

static void save_state(struct daemon *d, int force)
{
    char    err[1024];
    uint64_t changes = changes_mark(d);
    uint64_t notes = notes_mark(d);
    double  cpu0, now = clock_s(CLOCK_MONOTONIC);
    int     rc;

    /* Nothing read or notified since the last save: the file would be the same. */
    if (!force && d->saved_once && !d->save_failing && changes == d->saved_changes
	&& notes == d->saved_notes)
	return;
    if (!force && d->saved_once && now - d->saved_at < d->save_gap)
	return;
    cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    rc = pfs_state_save_cursor(d->state_path, d->st, d->parser, d->follow,
			       d->journal ? pfs_journal_cursor(d->journal) : 0,
			       err, sizeof(err));
    cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    d->saved_at = now;
    d->save_gap = cpu0 * SAVE_CPU_FACTOR;
    if (rc == 0)
	log_debug("state", "state saved to %s: %llu bytes, %.1f ms CPU",
		  d->state_path, (unsigned long long) pfs_state_saved_bytes(),
		  cpu0 * 1e3);
    if (rc < 0) {
	if (!d->save_failing)
	    log_warnx("cannot save the state: %s", err);
	d->save_failing = 1;
	return;
    }
    if (d->save_failing)
	log_info("state saved again to %s", d->state_path);
    d->save_failing = 0;
    d->saved_once = 1;
    d->saved_changes = changes;
    d->saved_notes = notes;
}

/*
 * notes_saved - after notifications were raised or taken, save soon. A
 * burst of them (a catch-up that takes many accounts over their limits)
 * is saved once a second at most, whatever the save costs: the window in
 * which a kill -9 could make the agent raise one again stays a second.
 */
#define NOTES_SAVE_GAP	1.0

static void on_notes_save(unsigned reg, void *ctx);

static void notes_saved(struct daemon *d)
{
    struct timeval tv;
    double  wait;

    if (!d->saved_once || d->save_failing || notes_mark(d) == d->saved_notes
	|| d->notes_alarm != 0)
	return;
    wait = d->saved_at + NOTES_SAVE_GAP - clock_s(CLOCK_MONOTONIC);
    if (wait <= 0) {
	save_state(d, 1);			/* whatever the cost spacing says */
	return;
    }
    tv.tv_sec = (time_t) wait;
    tv.tv_usec = (suseconds_t) ((wait - (double) tv.tv_sec) * 1e6) + 1;
    d->notes_alarm = snmp_alarm_register_hr(tv, 0, on_notes_save, d);
}

/* on_notes_save - the deferred save for notifications */

static void on_notes_save(unsigned reg, void *ctx)
{
    struct daemon *d = ctx;

    (void) reg;
    d->notes_alarm = 0;
    notes_saved(d);
}

/* on_follow_fd - inotify says something changed */

static void on_follow_fd(int fd, void *ctx)
{
    struct daemon *d = ctx;

    (void) fd;
    pfs_follow_event(d->follow);
    pfs_agentx_sync(d->ax);
}

/* on_journal_fd - the journal changed */

static void on_journal_fd(int fd, void *ctx)
{
    struct daemon *d = ctx;

    (void) fd;
    pfs_journal_event(d->journal);
    pfs_agentx_sync(d->ax);
}

/* link_upkeep - count waiting receipts of a quiet log; name an unlinked relay */

static void link_upkeep(struct daemon *d)
{
    uint64_t lines = pfs_scalar_get(d->st, PFS_LINES);
    uint64_t unlinked = pfs_scalar_get(d->st, PFS_LOOPBACK_UNLINKED);
    time_t  now = time((time_t *) 0);
    const char *relay;

    if (lines != d->idle_lines || d->idle_since == 0) {
	d->idle_lines = lines;
	d->idle_since = now;
    } else if (now - d->idle_since >= LINK_IDLE_SECONDS && pfs_parser_pending(d->parser) > 0) {
	log_debug("link", "log quiet for %d s: counting %zu waiting receipt(s)",
		  LINK_IDLE_SECONDS, pfs_parser_pending(d->parser));
	pfs_parser_flush(d->parser);
    }
    if (!d->unlinked_said && unlinked > 0) {
	relay = pfs_parser_unlinked_relay(d->parser);
	log_info("%llu delivery(ies) to a loopback relay, such as %.100s, could not be "
		 "linked to a mail re-injected by a content filter and count as sent "
		 "(loopback:unlinked); if it is a content filter whose replies carry no "
		 "queue ID, list it in ignore_relay and its re-injecting client in "
		 "ignore_client", (unsigned long long) unlinked, relay ? relay : "?");
	d->unlinked_said = 1;
    }
}

/* on_poll - the follower's timer */

static void on_poll(unsigned reg, void *ctx)
{
    struct daemon *d = ctx;

    (void) reg;
    pfs_follow_poll(d->follow);
    if (d->journal)
	pfs_journal_poll(d->journal);
    link_upkeep(d);
    pfs_agentx_sync(d->ax);
    pfs_alertmib_flush(d->am);
}

/* on_queue_fd - postqueue's output is readable */

static void on_queue_fd(int fd, void *ctx)
{
    struct daemon *d = ctx;

    (void) fd;
    (void) pfs_queue_input(d->queue, time((time_t *) 0));
}

/* queue_opened - a read started: watch its pipe */

static void queue_opened(int fd, void *ctx)
{
    register_readfd(fd, on_queue_fd, ctx);
}

/* queue_closing - a read ended: forget its pipe before it is closed */

static void queue_closing(int fd, void *ctx)
{
    (void) ctx;
    unregister_readfd(fd);
}

/* queue_done - a read of the queue finished: log a change, check thresholds */

static void queue_done(PFS_QUEUE *q, void *ctx)
{
    struct daemon *d = ctx;
    const char *text;

    if (pfs_queue_last_read(q, &text) == PFS_QS_OK) {
	if (d->queue_failing)
	    log_info("the queue can be read again");
	d->queue_failing = 0;
    } else if (!d->queue_failing) {
	log_warnx("cannot read the queue: %s", text);
	d->queue_failing = 1;
    }
    pfs_events_queue_read(d->events, q, time((time_t *) 0));
}

/* on_queue_tick - start a queue read when due, end one that hangs */

static void on_queue_tick(unsigned reg, void *ctx)
{
    (void) reg;
    pfs_queue_tick(((struct daemon *) ctx)->queue, time((time_t *) 0));
}

/* set_account_limits - the default limit and the overrides */

static void set_account_limits(struct daemon *d, const struct pfs_config *cfg)
{
    PFS_ACCOUNTS *a = pfs_events_accounts(d->events);
    const char *bad;

    if (a != 0 && pfs_accounts_apply_limits(a, cfg->account_limit,
				      (const char *const *) cfg->account_limits.v,
					    cfg->account_limits.n, &bad) > 0)
	log_warnx("account_limits: bad entry \"%.100s\"", bad);
    if (a != 0)
	pfs_accounts_set_unit(a, (enum pfs_limit_unit) cfg->account_limit_unit);
}

/* on_save - the save timer */

static void on_save(unsigned reg, void *ctx)
{
    (void) reg;
    save_state((struct daemon *) ctx, 0);
}

/* apply_opts - the command line over a loaded configuration */

static void apply_opts(struct pfs_config *cfg, const struct pfs_daemon_opts *o)
{
    int     i;

    if (o->nlogfiles > 0) {
	pfs_strlist_free(&cfg->logfiles);
	for (i = 0; i < o->nlogfiles; i++)
	    pfs_strlist_add(&cfg->logfiles, o->logfiles[i]);
    }
    if (o->agentx_socket) {
	free(cfg->agentx_socket);
	cfg->agentx_socket = pfs_strdup(o->agentx_socket);
    }
    if (o->state_file) {
	free(cfg->state_file);
	cfg->state_file = pfs_strdup(o->state_file);
    }
    if (o->from_start)
	cfg->from_start = 1;
}

/* load_config - file, defaults and command line; -1 with err */

static int load_config(struct pfs_config *cfg, const struct pfs_daemon_opts *o,
		               char *err, size_t errlen)
{
    pfs_config_init(cfg);
    if (pfs_config_load(cfg, o->config_path ? o->config_path : PFS_DEF_CONFIG,
			o->config_path != 0, err, errlen) < 0) {
	pfs_config_free(cfg);
	return (-1);
    }
    apply_opts(cfg, o);
    return (0);
}

/* same_str - NULL-safe string equality */

static int same_str(const char *a, const char *b)
{
    return ((a == 0 && b == 0) || (a && b && strcmp(a, b) == 0));
}

/* same_list - string list equality */

static int same_list(const struct pfs_strlist *a, const struct pfs_strlist *b)
{
    size_t  i;

    if (a->n != b->n)
	return (0);
    for (i = 0; i < a->n; i++)
	if (strcmp(a->v[i], b->v[i]) != 0)
	    return (0);
    return (1);
}

/* reload - SIGHUP */

static void reload(struct daemon *d)
{
    struct pfs_config nc;
    const struct pfs_config *oc = &d->cfg;
    char    err[1400];
    char    changed[300];
    size_t  len = 0;
    int     t;

#define NOTE(cond, name) do { \
	if (cond) \
	    len += (size_t) snprintf(changed + len, len < sizeof(changed) ? \
				     sizeof(changed) - len : 0, " %s", (name)); \
    } while (0)

    if (!d->opts->foreground)
	log_to_syslog();			/* reopen */
    pfs_follow_reopen(d->follow);
    pfs_agentx_sync(d->ax);
    if (load_config(&nc, d->opts, err, sizeof(err)) < 0) {
	log_warnx("%s; keeping the running configuration", err);
	return;
    }
    changed[0] = 0;
    NOTE(!same_list(&nc.logfiles, &oc->logfiles), "logfile");
    NOTE(!same_str(nc.agentx_socket, oc->agentx_socket), "agentx_socket");
    NOTE(!same_list(&nc.ignore_clients, &oc->ignore_clients), "ignore_client");
    NOTE(!same_list(&nc.ignore_relays, &oc->ignore_relays), "ignore_relay");
    NOTE(nc.ignore_localhost != oc->ignore_localhost, "ignore_localhost");
    for (t = 0; t < PFS_TABLE_COUNT; t++)
	NOTE(nc.caps[t] != oc->caps[t], "max_*");
    NOTE(nc.queue_cap != oc->queue_cap, "max_queue_ids");
    NOTE(!same_str(nc.state_file, oc->state_file), "state_file");
    NOTE(nc.poll_interval != oc->poll_interval, "poll_interval");
    NOTE(nc.from_start != oc->from_start, "from_start");
    NOTE(!same_str(nc.pidfile, oc->pidfile), "pidfile");
    NOTE(nc.accounts != oc->accounts || nc.account_cap != oc->account_cap,
	 "account_tracking/max_accounts");
    NOTE(!same_list(&nc.account_clients, &oc->account_clients), "account_clients");
    NOTE(nc.notify_queue != oc->notify_queue, "notify_queue");
    NOTE(memcmp(&nc.queue_alert, &oc->queue_alert, sizeof(nc.queue_alert)) != 0,
	 "queue_alert_*");
    NOTE(!same_list(&nc.inside_transports, &oc->inside_transports), "inside_transport");
    NOTE(nc.baseline_days != oc->baseline_days || nc.baseline_sigma != oc->baseline_sigma
	 || nc.baseline_min_days != oc->baseline_min_days
	 || nc.baseline_hourly != oc->baseline_hourly
	 || nc.baseline_hourly_min != oc->baseline_hourly_min, "baseline_*");
    NOTE(memcmp(nc.filter_low, oc->filter_low, sizeof(nc.filter_low)) != 0
	 || memcmp(nc.filter_high, oc->filter_high, sizeof(nc.filter_high)) != 0
	 || nc.filter_min_scanned != oc->filter_min_scanned, "filter_*");
    NOTE(nc.queue_monitor != oc->queue_monitor || nc.queue_refresh != oc->queue_refresh
	 || !same_str(nc.postqueue, oc->postqueue)
	 || !same_str(nc.queue_config_directory, oc->queue_config_directory)
	 || !same_str(nc.queue_directory, oc->queue_directory)
	 || nc.queue_age[0] != oc->queue_age[0] || nc.queue_age[1] != oc->queue_age[1],
	 "queue_*");
    NOTE(nc.journal != oc->journal
	 || !same_list(&nc.journal_identifiers, &oc->journal_identifiers)
	 || !same_str(nc.journal_directory, oc->journal_directory), "journal*");
#undef NOTE
    if (changed[0])
	log_warnx("reload: changes to%s take effect at the next restart", changed);
    if (nc.save_interval != oc->save_interval) {
	snmp_alarm_unregister(d->save_alarm);
	d->save_alarm = snmp_alarm_register(nc.save_interval, SA_REPEAT, on_save, d);
    }
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		       NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, (int) nc.ping_interval);
    set_account_limits(d, &nc);
    pfs_follow_set_threads(d->follow, (int) nc.threads);
    /* Keep what the running parts were built from; take the rest. */
    pfs_strlist_free(&nc.logfiles);
    nc.logfiles = d->cfg.logfiles;
    d->cfg.logfiles.v = 0;
    d->cfg.logfiles.n = 0;
    /* d->state_path points into the running configuration: keep it. */
    free(nc.state_file);
    nc.state_file = d->cfg.state_file;
    d->cfg.state_file = 0;
    pfs_config_free(&d->cfg);
    d->cfg = nc;
    log_info("configuration reloaded from %s",
	     d->opts->config_path ? d->opts->config_path : PFS_DEF_CONFIG);
}

/* pidfile_busy - fatal if a running agent holds the pid file */

static void pidfile_busy(const char *path, int fd, int how)
{
    char    buf[32];
    int     n;

    if (lockf(fd, how, 0) == 0)
	return;
    n = (int) pread(fd, buf, sizeof(buf) - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    buf[strcspn(buf, "\n")] = 0;
    fatalx("another postfix-stats-agent holds %s (pid %s)", path,
	   buf[0] ? buf : "unknown");
}

/* check_pidfile - before detaching, so that the message reaches the user */

static void check_pidfile(const struct pfs_config *cfg)
{
    const char *path = cfg->pidfile ? cfg->pidfile : PFS_DEF_PIDFILE;
    int     fd;

    if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
	return;
    pidfile_busy(path, fd, F_TEST);
    close(fd);
}

/* write_pidfile - create, lock and fill the pid file */

static void write_pidfile(struct daemon *d)
{
    char    buf[32];
    int     n;

    d->pidfile = pfs_strdup(d->cfg.pidfile ? d->cfg.pidfile : PFS_DEF_PIDFILE);
    if ((d->pidfd = open(d->pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
	fatalx("cannot open pid file %s: %s (its directory must exist and be "
	       "writable by this user; or set pidfile, or run with -f)",
	       d->pidfile, strerror(errno));
    pidfile_busy(d->pidfile, d->pidfd, F_TLOCK);
    n = snprintf(buf, sizeof(buf), "%ld\n", (long) getpid());
    if (ftruncate(d->pidfd, 0) < 0 || write(d->pidfd, buf, (size_t) n) != n)
	fatal("cannot write pid file %s", d->pidfile);
}

/* wait_child - the parent: relay the child's startup messages on failure */

static void wait_child(int fd)
{
    char    buf[STARTUP_LOG_MAX];
    size_t  len = 0;
    ssize_t n;

    for (;;) {
	if (len == sizeof(buf)) {
	    /* Keep the latest half: the reason for a failure comes last. */
	    memmove(buf, buf + sizeof(buf) / 2, sizeof(buf) / 2);
	    len = sizeof(buf) / 2;
	}
	n = read(fd, buf + len, sizeof(buf) - len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0)
	    break;
	/* A NUL byte, which no log line holds, says the daemon is up. */
	if (memchr(buf + len, 0, (size_t) n) != 0)
	    _exit(0);
	len += (size_t) n;
    }
    if (len > 0) {
	size_t  done = fwrite(buf, 1, len, stderr);

	(void) done;
    }
    fprintf(stderr, "%s: fatal: the daemon did not start\n", APP_NAME);
    _exit(PFS_EXIT_FATAL);
}

/* detach - fork; the parent exits when the child reports success */

static int detach(void)
{
    int     ready[2];
    pid_t   pid;
    int     fd;

    /* Close-on-exec: postqueue must not hold the parent's wait open. */
    if (pipe(ready) < 0)
	fatal("pipe");
    fcntl(ready[0], F_SETFD, FD_CLOEXEC);
    fcntl(ready[1], F_SETFD, FD_CLOEXEC);
    if ((pid = fork()) < 0)
	fatal("fork");
    if (pid > 0) {
	close(ready[1]);
	wait_child(ready[0]);
    }
    close(ready[0]);
    if (setsid() < 0)
	fatal("setsid");
    if (chdir("/") < 0)
	fatal("chdir /");
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(ready[1], 2);
	if (fd > 2)
	    close(fd);
    }
    /* Until detach_done(), every message goes to the parent too. */
    log_to_syslog();
    openlog(APP_NAME, LOG_PID | LOG_NDELAY | LOG_PERROR, LOG_DAEMON);
    return (ready[1]);
}

/* detach_done - tell the parent we are up; syslog only from now on */

static void detach_done(int ready)
{
    int     fd;

    if (ready < 0)
	return;
    log_to_syslog();
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
	dup2(fd, 2);
	if (fd > 2)
	    close(fd);
    }
    if (write(ready, "", 1) != 1)
	log_warn("cannot tell the parent process that startup is done");
    close(ready);
}

/* setup_signals - self-pipe and handlers without SA_RESTART */

static void setup_signals(void)
{
    struct sigaction sa;
    int     i;

    if (pipe(sig_pipe) < 0)
	fatal("pipe");
    for (i = 0; i < 2; i++) {
	fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
	fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, 0);
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGHUP, &sa, 0);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, 0);
}

/*
 * leave_agentx - close the AgentX session before anything is taken down.
 * The library's own way out talks to snmpd: an Unregister-PDU per object,
 * a Close-PDU in snmp_shutdown(), each waiting for the answer from inside
 * a Net-SNMP callback. When snmpd stops at the same moment, that wait
 * ends with the socket's end, whose handling changes the very callback
 * list being run: "netsnmp_assert lock_holded < 100 failed", after a
 * tenth of a second. So the AgentX socket is shut down here and its end
 * taken in by the event loop, outside any callback, as when snmpd goes
 * away by itself; the objects then come off the registry, and
 * snmp_shutdown() runs, without a word to snmpd, which drops a closed
 * session's objects. The library's sockets are its sessions'
 * (snmp_select_info2()); ours are unregistered before.
 */
static void leave_agentx(void)
{
    netsnmp_large_fd_set fds;
    struct timeval tv = {0, 0};
    int     numfds = 0;
    int     block = 0;
    int     fd;
    int     i;

    leaving = 1;
    netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
    snmp_select_info2(&numfds, &fds, &tv, &block);
    for (fd = 0; fd < numfds; fd++)
	if (NETSNMP_LARGE_FD_ISSET(fd, &fds))
	    (void) shutdown(fd, SHUT_RDWR);
    netsnmp_large_fd_set_cleanup(&fds);
    for (i = 0; i < 8 && agent_check_and_process(0) > 0; i++)
	 /* void */ ;
    leaving = 0;
}

/* setup_snmp - Net-SNMP as a quiet AgentX subagent, MIB registered */

static void setup_snmp(struct daemon *d, int state_loaded)
{
    struct pfs_agentx_files files = {
	files_count, files_status, files_last_line, files_waiting, d
    };

    /*
     * No MIB module is read (MIBS), and no MIB directory is searched: with
     * MIBS alone, init_snmp() still opened every file of each directory
     * in MIBDIRS to index the modules they hold.
     */
    setenv("MIBS", "", 1);
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS, "");
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
			   snmp_log_bridge, 0);
    snmp_enable_calllog();
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			   NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			   NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
			  agentx_address(d));
    /* Its warning has no reason in it; agentx_watch() gives one. */
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);
    if (init_agent(APP_NAME) != 0)
	log_debug("agentx", "init_agent: no /dev/kmem (harmless)");
    /* init_agent() set its defaults: ours go after it. */
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		       NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, (int) d->cfg.ping_interval);
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		       NETSNMP_DS_AGENT_AGENTX_TIMEOUT, AGENTX_TIMEOUT_US);
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		       NETSNMP_DS_AGENT_AGENTX_RETRIES, AGENTX_RETRIES);
    d->ax = pfs_agentx_create(d->st, &files);
    d->am = pfs_alertmib_create(d->events, d->queue);
    if (!state_loaded)
	pfs_agentx_discontinuity(d->ax);
    /* Connects to snmpd, or arms the ping alarm to retry. */
    init_snmp(APP_NAME);
}

/* pfs_daemon_run - the daemon */

int     pfs_daemon_run(const struct pfs_daemon_opts *o)
{
    struct daemon d;
    char    err[1400];
    int     ready = -1;
    int     fd;
    enum pfs_state_result sr;
    char    cursor[PFS_STATE_CURSOR_MAX + 1];
    int     cursor_found = 0;
    struct pfs_events_opts eo;
    struct pfs_state_part alerts_part = {
	"alerts", pfs_events_save_ctx, pfs_events_check, pfs_events_load_ctx, 0
    };

    memset(&d, 0, sizeof(d));
    d.opts = o;
    d.pidfd = -1;
    d.journal_fd = -1;
    log_init(APP_NAME, 1, o->debug);
    if (load_config(&d.cfg, o, err, sizeof(err)) < 0)
	fatalx("%s", err);
    if (d.cfg.logfiles.n == 0 && !d.cfg.journal)
	fatalx("no log file to follow: name one on the command line or "
	       "with \"logfile\" in %s",
	       o->config_path ? o->config_path : PFS_DEF_CONFIG);
    d.state_path = d.cfg.state_file ? d.cfg.state_file : PFS_DEF_STATE;
    if (!o->foreground) {
	check_pidfile(&d.cfg);
	ready = detach();
	write_pidfile(&d);
    }
    setup_signals();

    d.parser = pfs_engine_create(&d.cfg, &d.st);
    pfs_config_events_opts(&d.cfg, &eo);
    d.events = pfs_events_create(&eo);
    pfs_parser_set_event(d.parser, pfs_events_fn, d.events);
    alerts_part.ctx = d.events;
    pfs_state_set_part(&alerts_part);
    if (d.cfg.queue_monitor) {
	struct pfs_queue_opts qo;

	pfs_config_queue_opts(&d.cfg, &qo);
	d.queue = pfs_queue_create(&qo);
	pfs_queue_set_fd_callbacks(d.queue, queue_opened, queue_closing, &d);
	pfs_queue_set_done_callback(d.queue, queue_done, &d);
    }
    d.follow = pfs_follow_create(d.parser, d.cfg.logfiles.v, d.cfg.logfiles.n,
				 d.cfg.poll_interval, d.cfg.from_start);
    /* A large backlog is caught up on these (0: one per processor). */
    pfs_follow_set_threads(d.follow, (int) d.cfg.threads);
    if (d.cfg.journal) {
	d.journal = pfs_journal_create(d.parser, d.cfg.journal_directory,
				       (const char *const *) d.cfg.journal_identifiers.v,
				       d.cfg.journal_identifiers.n, d.cfg.from_start,
				       err, sizeof(err));
	if (d.journal == 0)
	    fatalx("journal: %s", err);
    }
    sr = pfs_state_load_cursor(d.state_path, d.st, d.parser, d.follow, cursor,
			       sizeof(cursor), &cursor_found, err, sizeof(err));
    switch (sr) {
    case PFS_STATE_LOADED:
	log_info("counters restored from %s", d.state_path);
	break;
    case PFS_STATE_ABSENT:
	log_info("no saved state in %s: counting from zero", d.state_path);
	break;
    case PFS_STATE_BAD:
	log_warnx("%s", err);
	break;
    case PFS_STATE_UNREADABLE:
	/* Saving would replace a state that may well be good. */
	fatalx("%s; refusing to start", err);
    }
    if (sr == PFS_STATE_LOADED) {
	/*
	 * The file holds what was just loaded: from now on a save is due
	 * when something moves, notifications raised in the catch-up too.
	 */
	d.saved_once = 1;
	d.saved_changes = changes_mark(&d);
	d.saved_notes = notes_mark(&d);
	d.saved_at = clock_s(CLOCK_MONOTONIC);
    }
    pfs_follow_start(d.follow);
    if (d.journal) {
	if (sr == PFS_STATE_LOADED && cursor_found)
	    pfs_journal_set_cursor(d.journal, cursor);
	pfs_journal_start(d.journal);
    }
    /*
     * No state was loaded: save the positions now, before anything else,
     * so that a kill before the first timer loses nothing. (A loaded
     * state is on disk already; a restart from it reads the same lines.)
     */
    if (sr != PFS_STATE_LOADED)
	save_state(&d, 1);
    setup_snmp(&d, sr == PFS_STATE_LOADED);

    if ((fd = pfs_follow_fd(d.follow)) >= 0)
	register_readfd(fd, on_follow_fd, &d);
    if (d.journal && (d.journal_fd = pfs_journal_fd(d.journal)) >= 0)
	register_readfd(d.journal_fd, on_journal_fd, &d);
    register_readfd(sig_pipe[0], on_sig_pipe, 0);
    if (d.queue) {
	d.queue_alarm = snmp_alarm_register(1, SA_REPEAT, on_queue_tick, &d);
	pfs_queue_tick(d.queue, time((time_t *) 0));
    }
    d.poll_alarm = snmp_alarm_register(pfs_follow_poll_interval(d.follow),
				       SA_REPEAT, on_poll, &d);
    d.save_alarm = snmp_alarm_register(d.cfg.save_interval, SA_REPEAT, on_save, &d);
    d.agentx_alarm = snmp_alarm_register(d.cfg.ping_interval, SA_REPEAT,
					 on_agentx_watch, &d);
    pfs_agentx_sync(d.ax);
    log_info("started: %zu log file(s), AgentX socket %s, ping every %u s",
	     d.cfg.logfiles.n, agentx_address(&d), d.cfg.ping_interval);
    agentx_watch(&d);
    detach_done(ready);

    while (!got_term) {
	int     backlog = pfs_follow_backlog(d.follow);
	int     jbacklog = d.journal ? pfs_journal_backlog(d.journal) : 0;

	agent_check_and_process(backlog || jbacklog ? 0 : 1);
	if (backlog && !got_term)
	    pfs_follow_poll(d.follow);
	if (jbacklog && !got_term)
	    pfs_journal_poll(d.journal);
	if ((backlog || jbacklog) && !got_term)
	    pfs_agentx_sync(d.ax);
	if (got_hup) {
	    got_hup = 0;
	    reload(&d);
	}
	notes_saved(&d);
    }

    log_info("shutting down");
    save_state(&d, 1);
    if ((fd = pfs_follow_fd(d.follow)) >= 0)
	unregister_readfd(fd);
    if (d.journal_fd >= 0)
	unregister_readfd(d.journal_fd);
    unregister_readfd(sig_pipe[0]);
    snmp_alarm_unregister(d.poll_alarm);
    snmp_alarm_unregister(d.save_alarm);
    snmp_alarm_unregister(d.agentx_alarm);
    if (d.queue)
	snmp_alarm_unregister(d.queue_alarm);
    leave_agentx();
    pfs_alertmib_free(d.am);
    pfs_agentx_free(d.ax);
    /* Ends a running read; its pipe is unregistered through queue_closing. */
    pfs_queue_free(d.queue);
    snmp_shutdown(APP_NAME);
    pfs_journal_free(d.journal);
    pfs_follow_free(d.follow);
    pfs_state_set_part(0);
    pfs_events_free(d.events);
    pfs_parser_free(d.parser);
    pfs_stats_free(d.st);
    if (d.pidfile) {
	unlink(d.pidfile);
	close(d.pidfd);
	free(d.pidfile);
    }
    pfs_config_free(&d.cfg);
    return (0);
}

/* pfs_oids_run - the --oids listing */

int     pfs_oids_run(const struct pfs_config *cfg, char **files, int nfiles)
{
    PFS_STATS *st = 0;
    PFS_PARSER *p = 0;
    int     status = 0;

    if (nfiles > 0) {
	p = pfs_engine_create(cfg, &st);
	if (pfs_read_files(p, files, nfiles) < 0)
	    status = 1;
    }
    if (status == 0 && pfs_mib_print_oids(stdout, st) < 0) {
	log_warn("cannot write the list");
	status = 1;
    }
    pfs_parser_free(p);
    pfs_stats_free(st);
    return (status);
}
