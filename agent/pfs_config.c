/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_config 3
 * SUMMARY
 *	postfix-stats-agent.conf: tokens, defaults, strict parsing
 * SYNOPSIS
 *	#include "pfs_config.h"
 *
 *	void	pfs_config_init(cfg)
 *
 *	int	pfs_config_load(cfg, path, must_exist, err, errlen)
 *
 *	void	pfs_config_events_opts(cfg, opts)
 *
 *	void	pfs_config_queue_opts(cfg, opts)
 * DESCRIPTION
 *	pfs_config_init() fills in the defaults. pfs_config_load() reads a
 *	file of "token value..." lines; "#" starts a comment, blank lines
 *	are ignored. List tokens (logfile, ignore_client, ignore_relay,
 *	account_limits, account_clients, inside_transport, ...) may repeat
 *	and take several values; queue_alert_messages and queue_alert_age
 *	take QUEUE=N pairs, the last one for a queue wins; every other
 *	token takes exactly one value and the last one wins.
 *
 *	pfs_config_events_opts() and pfs_config_queue_opts() hand the
 *	alert tokens to the alert modules (pfs_events(3), pfs_queue(3)),
 *	which know nothing of this file.
 *
 *	The parser refuses to guess: an unknown token, a missing or extra
 *	value, a number out of range or a malformed boolean is an error, and
 *	so are two settings that contradict each other: a low threshold
 *	above its high one (filter_spam_low and filter_spam_high,
 *	filter_virus_low and filter_virus_high), queue_age_short above
 *	queue_age_long, baseline_min_days above baseline_days.
 * DIAGNOSTICS
 *	pfs_config_load() returns 0, or -1 with a message in err of the form
 *	"FILE:LINE: bad value "VALUE" for TOKEN: expected ...", or for two
 *	contradictory settings "FILE:LINE: TOKEN N is above TOKEN M (line
 *	L): ...", LINE being the later of the two. When the file
 *	does not exist and must_exist is 0, the defaults stand and 0 is
 *	returned.
 * SECURITY
 *	Lines are read with a bounded buffer; a line longer than that is an
 *	error, not a silent truncation.
 *--*/

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_config.h"
#include "pfs_netlist.h"
#include "pfs_parser.h"
#include "pfs_pread.h"
#include "pfs_util.h"

enum type {
    T_STRING, T_LIST, T_BOOL, T_UINT, T_SIZE, T_LIMITS,
    T_UNIT,				/* recipients|messages */
    T_NETS,				/* address[/prefix]... */
    T_QLIMITS,				/* QUEUE=N|off...; min: the measure */
};

struct token {
    const char *name;
    enum type type;
    size_t  off;			/* offset in struct pfs_config */
    unsigned long min, max;
    const char *arg;			/* for usage */
    const char *help;
};

#define OFF(f) offsetof(struct pfs_config, f)

static const struct token tokens[] = {
    {"logfile", T_LIST, OFF(logfiles), 0, 0, "PATH...",
    "log file to follow (repeat for several)"},
    {"agentx_socket", T_STRING, OFF(agentx_socket), 0, 0, "ADDRESS",
    "snmpd's AgentX socket (default " PFS_DEF_AGENTX ")"},
    {"agentx_ping_interval", T_UINT, OFF(ping_interval), 1, 3600, "SECONDS",
    "how often to check snmpd and reconnect (default 5)"},
    {"ignore_client", T_LIST, OFF(ignore_clients), 0, 0, "HOST...",
    "smtpd clients not counted as received: name, address or name[address]"},
    {"ignore_relay", T_LIST, OFF(ignore_relays), 0, 0, "HOST...",
    "relays not counted as sent: name, address, address:port or name[address]:port"},
    {"ignore_localhost", T_BOOL, OFF(ignore_localhost), 0, 1, "yes|no",
    "ignore 127.0.0.0/8 and ::1 as client and relay (default no)"},
    {"max_transports", T_SIZE, OFF(caps[PFS_TBL_TRANSPORT]), 2, 1000000, "N",
    "rows in the transport table (default 1000)"},
    {"max_dsn_codes", T_SIZE, OFF(caps[PFS_TBL_DSN]), 2, 1000000, "N",
    "rows in the status code table (default 1000)"},
    {"max_programs", T_SIZE, OFF(caps[PFS_TBL_PROGRAM]), 2, 1000000, "N",
    "rows in the per-program warning table (default 200)"},
    {"max_sources", T_SIZE, OFF(caps[PFS_TBL_SOURCE]), 2, 1000000, "N",
    "rows in the per-source table (default 10000)"},
    {"max_queue_ids", T_SIZE, OFF(queue_cap), 1, 100000000, "N",
    "messages in flight remembered (default 100000)"},
    {"state_file", T_STRING, OFF(state_file), 0, 0, "PATH",
    "where counters and positions are saved (default " PFS_DEF_STATE ")"},
    {"save_interval", T_UINT, OFF(save_interval), 1, 86400, "SECONDS",
    "how often the state is saved (default 5)"},
    {"poll_interval", T_UINT, OFF(poll_interval), 1, 3600, "SECONDS",
    "how often files are checked when inotify is silent (default 1)"},
    {"from_start", T_BOOL, OFF(from_start), 0, 1, "yes|no",
    "with no saved position, read logs from their start (default no)"},
    {"pidfile", T_STRING, OFF(pidfile), 0, 0, "PATH",
    "pid file in daemon mode (default " PFS_DEF_PIDFILE ")"},
    {"threads", T_UINT, OFF(threads), 0, PFS_PREAD_MAX_THREADS, "N",
    "threads for --once and for a backlog to catch up (default 0: one per processor)"},
    /* Alerts: doc/alerts.md. */
    {"account_tracking", T_BOOL, OFF(accounts), 0, 1, "yes|no",
    "keep the per-account table (default yes; no for privacy)"},
    {"max_accounts", T_SIZE, OFF(account_cap), 1, 10000000, "N",
    "rows in the per-account table, least recently seen evicted (default 10000)"},
    {"account_limit", T_UINT, OFF(account_limit), 0, 4000000000u, "N",
    "recipients an account may relay outside per day (default 100)"},
    {"account_limits", T_LIMITS, OFF(account_limits), 0, 4000000000u, "NAME=N...",
    "per-account daily limits (names compared without regard to case)"},
    {"account_limit_unit", T_UNIT, OFF(account_limit_unit), 0, 0, "recipients|messages",
    "what the account limits count (default recipients)"},
    {"account_clients", T_NETS, OFF(account_clients), 0, 0, "NETWORK...",
    "clients in these networks that relay without login are accounts, by address"},
    {"notify_queue", T_SIZE, OFF(notify_queue), 1, 1000000, "N",
    "notifications kept while snmpd is away, oldest dropped (default 1000)"},
    {"inside_transport", T_LIST, OFF(inside_transports), 0, 0, "NAME...",
    "smtp transports that deliver inside (not \"relayed outside\")"},
    {"baseline_days", T_UINT, OFF(baseline_days), 2, 31, "N",
    "days in the traffic baseline (default 15)"},
    {"baseline_sigma", T_UINT, OFF(baseline_sigma), 1, 100, "K",
    "deviations that make a traffic anomaly (default 3)"},
    {"baseline_min_days", T_UINT, OFF(baseline_min_days), 2, 31, "N",
    "complete days needed before anomalies are reported (default 7)"},
    {"baseline_hourly", T_BOOL, OFF(baseline_hourly), 0, 1, "yes|no",
    "also check each finished hour against the same hour (default yes)"},
    {"baseline_hourly_min", T_UINT, OFF(baseline_hourly_min), 1, 1000000, "N",
    "events an hour (or its mean) needs before it is checked (default 10)"},
    {"filter_spam_low", T_UINT, OFF(filter_low[0]), 0, 100, "PERCENT",
    "alert when the hour's spam share falls below (default 0: off)"},
    {"filter_spam_high", T_UINT, OFF(filter_high[0]), 0, 100, "PERCENT",
    "alert when the hour's spam share rises above (default 100: off)"},
    {"filter_virus_low", T_UINT, OFF(filter_low[1]), 0, 100, "PERCENT",
    "alert when the hour's virus share falls below (default 0: off)"},
    {"filter_virus_high", T_UINT, OFF(filter_high[1]), 0, 100, "PERCENT",
    "alert when the hour's virus share rises above (default 100: off)"},
    {"filter_min_scanned", T_UINT, OFF(filter_min_scanned), 1, 1000000, "N",
    "verdicts in the hour needed for a filter alert (default 20)"},
    {"queue_monitor", T_BOOL, OFF(queue_monitor), 0, 1, "yes|no",
    "read the mail queue with postqueue -j (default yes)"},
    {"postqueue", T_STRING, OFF(postqueue), 0, 0, "PATH",
    "the postqueue command (default " PFS_DEF_POSTQUEUE ")"},
    {"queue_config_directory", T_STRING, OFF(queue_config_directory), 0, 0, "DIR",
    "Postfix instance to watch: postqueue -c DIR (default: the default instance)"},
    {"queue_directory", T_STRING, OFF(queue_directory), 0, 0, "DIR",
    "Postfix queue_directory, to count the corrupt queue (default: not counted)"},
    {"queue_refresh", T_UINT, OFF(queue_refresh), 1, 86400, "SECONDS",
    "read the queue at most this often (default 60)"},
    {"queue_age_short", T_UINT, OFF(queue_age[0]), 1, 100000000, "SECONDS",
    "count queued messages older than this (default 3600)"},
    {"queue_age_long", T_UINT, OFF(queue_age[1]), 1, 100000000, "SECONDS",
    "and older than this (default 86400)"},
    {"queue_alert_messages", T_QLIMITS, OFF(queue_alert), PFS_QA_MESSAGES, 4000000000u,
	"QUEUE=N|off...",
    "notify when a queue holds more than N messages (default corrupt=0)"},
    {"queue_alert_age", T_QLIMITS, OFF(queue_alert), PFS_QA_AGE, 4000000000u,
	"QUEUE=SECONDS|off...",
    "notify when a queue's oldest message is older (default incoming=3600 maildrop=3600)"},
    /* The systemd journal. */
    {"journal", T_BOOL, OFF(journal), 0, 1, "yes|no",
    "also read Postfix's entries from the systemd journal (default no)"},
    {"journal_identifier", T_LIST, OFF(journal_identifiers), 0, 0, "NAME...",
    "syslog identifiers read from the journal, with NAME/* (default postfix)"},
    {"journal_directory", T_STRING, OFF(journal_directory), 0, 0, "DIR",
    "read journal files from DIR (default: the system journal)"},
};

#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

/* pfs_strlist_add - append a copy */

void    pfs_strlist_add(struct pfs_strlist *l, const char *s)
{
    l->v = pfs_reallocarray(l->v, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = pfs_strdup(s);
}

/* pfs_strlist_free - release */

void    pfs_strlist_free(struct pfs_strlist *l)
{
    size_t  i;

    for (i = 0; i < l->n; i++)
	free(l->v[i]);
    free(l->v);
    l->v = 0;
    l->n = 0;
}

/* pfs_config_init - defaults */

void    pfs_config_init(struct pfs_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ping_interval = 5;
    cfg->caps[PFS_TBL_TRANSPORT] = PFS_DEF_CAP_TRANSPORT;
    cfg->caps[PFS_TBL_DSN] = PFS_DEF_CAP_DSN;
    cfg->caps[PFS_TBL_PROGRAM] = PFS_DEF_CAP_PROGRAM;
    cfg->caps[PFS_TBL_SOURCE] = PFS_DEF_CAP_SOURCE;
    cfg->queue_cap = PFS_DEF_QUEUE_CAP;
    cfg->save_interval = 5;
    cfg->poll_interval = 1;
    cfg->accounts = 1;
    cfg->account_cap = 10000;
    cfg->account_limit = 100;
    cfg->baseline_days = 15;
    cfg->baseline_sigma = 3;
    cfg->baseline_min_days = 7;
    cfg->baseline_hourly = 1;
    cfg->baseline_hourly_min = PFS_DEF_BL_HOURLY_MIN;
    cfg->notify_queue = PFS_DEF_NOTIFY_QUEUE;
    pfs_qa_defaults(&cfg->queue_alert);
    cfg->filter_high[0] = cfg->filter_high[1] = 100;
    cfg->filter_min_scanned = 20;
    cfg->queue_monitor = 1;
    cfg->queue_refresh = 60;
    cfg->queue_age[0] = 3600;
    cfg->queue_age[1] = 86400;
}

/* pfs_config_events_opts - what the alert modules take from the configuration */

void    pfs_config_events_opts(const struct pfs_config *cfg, struct pfs_events_opts *o)
{
    int     i;

    memset(o, 0, sizeof(*o));
    o->delay_rows = cfg->caps[PFS_TBL_TRANSPORT];
    o->accounts = cfg->accounts;
    o->account_cap = cfg->account_cap;
    o->account_limit = cfg->account_limit;
    o->account_limits = (const char *const *) cfg->account_limits.v;
    o->account_limits_n = cfg->account_limits.n;
    o->account_unit = (enum pfs_limit_unit) cfg->account_limit_unit;
    o->account_clients = (const char *const *) cfg->account_clients.v;
    o->account_clients_n = cfg->account_clients.n;
    o->notify_cap = cfg->notify_queue;
    o->queue_alert = &cfg->queue_alert;
    o->inside = (const char *const *) cfg->inside_transports.v;
    o->inside_n = cfg->inside_transports.n;
    o->baseline.days = cfg->baseline_days;
    o->baseline.sigma = cfg->baseline_sigma;
    o->baseline.min_days = cfg->baseline_min_days;
    o->baseline.hourly = cfg->baseline_hourly;
    o->baseline.hourly_min = cfg->baseline_hourly_min;
    for (i = 0; i < PFS_FH_KINDS; i++) {
	o->filter.low[i] = cfg->filter_low[i];
	o->filter.high[i] = cfg->filter_high[i];
    }
    o->filter.min_scanned = cfg->filter_min_scanned;
}

/* pfs_config_queue_opts - options from the configuration's queue_* tokens */

void    pfs_config_queue_opts(const struct pfs_config *cfg, struct pfs_queue_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->postqueue = cfg->postqueue;
    o->config_dir = cfg->queue_config_directory;
    o->queue_dir = cfg->queue_directory;
    o->refresh = cfg->queue_refresh;
    o->age[0] = cfg->queue_age[0];
    o->age[1] = cfg->queue_age[1];
}

/* pfs_config_free - release */

void    pfs_config_free(struct pfs_config *cfg)
{
    free(cfg->path);
    pfs_strlist_free(&cfg->logfiles);
    free(cfg->agentx_socket);
    pfs_strlist_free(&cfg->ignore_clients);
    pfs_strlist_free(&cfg->ignore_relays);
    free(cfg->state_file);
    free(cfg->pidfile);
    pfs_strlist_free(&cfg->account_limits);
    pfs_strlist_free(&cfg->account_clients);
    pfs_strlist_free(&cfg->inside_transports);
    free(cfg->postqueue);
    free(cfg->queue_config_directory);
    free(cfg->queue_directory);
    pfs_strlist_free(&cfg->journal_identifiers);
    free(cfg->journal_directory);
    memset(cfg, 0, sizeof(*cfg));
}

/* parse_number - strict unsigned decimal in [min, max] */

static int parse_number(const char *s, unsigned long min, unsigned long max,
			        unsigned long *out)
{
    char   *end;
    unsigned long v;

    if (!isdigit((unsigned char) *s))
	return (-1);
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != 0 || v < min || v > max)
	return (-1);
    *out = v;
    return (0);
}

/* parse_bool - yes/no/true/false/on/off/1/0 */

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1"))
	*out = 1;
    else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0"))
	*out = 0;
    else
	return (-1);
    return (0);
}

/* set_qlimits - QUEUE=N or QUEUE=off for one measure; all or nothing */

static int set_qlimits(struct pfs_qa_opts *qa, const struct token *tk, char **argv,
		               int argc, const char *where, char *err, size_t errlen)
{
    int64_t v[PFS_Q_COUNT];
    int     given[PFS_Q_COUNT];
    unsigned long n;
    const char *eq;
    int     i, q;

    memset(given, 0, sizeof(given));
    for (i = 0; i < argc; i++) {
	eq = strchr(argv[i], '=');
	for (q = 0; eq != 0 && q < PFS_Q_COUNT; q++)
	    if (strlen(pfs_queue_name[q]) == (size_t) (eq - argv[i])
		&& strncmp(argv[i], pfs_queue_name[q], (size_t) (eq - argv[i])) == 0)
		break;
	if (eq == 0 || q == PFS_Q_COUNT
	    || (strcmp(eq + 1, "off") != 0 && parse_number(eq + 1, 0, tk->max, &n) < 0)) {
	    snprintf(err, errlen, "%s: bad value \"%.100s\" for %s: expected QUEUE=N or "
		     "QUEUE=off, QUEUE one of incoming, active, deferred, hold, maildrop, "
		     "corrupt, N from 0 to %lu", where, argv[i], tk->name, tk->max);
	    return (-1);
	}
	given[q] = 1;
	v[q] = strcmp(eq + 1, "off") == 0 ? PFS_QA_OFF : (int64_t) n;
    }
    for (q = 0; q < PFS_Q_COUNT; q++)
	if (given[q])
	    qa->limit[q][tk->min] = v[q];
    return (0);
}

/* set_token - apply one token's values */

static int set_token(struct pfs_config *cfg, const struct token *tk, char **argv,
		             int argc, const char *where, char *err, size_t errlen)
{
    char   *base = (char *) cfg;
    unsigned long v;
    int     i;

    if (argc < 1) {
	snprintf(err, errlen, "%s: missing value for %s: expected %s",
		 where, tk->name, tk->arg);
	return (-1);
    }
    if (tk->type != T_LIST && tk->type != T_LIMITS && tk->type != T_NETS
	&& tk->type != T_QLIMITS && argc > 1) {
	snprintf(err, errlen, "%s: too many values for %s: \"%.100s\" (expected %s)",
		 where, tk->name, argv[1], tk->arg);
	return (-1);
    }
    switch (tk->type) {
    case T_STRING:
	free(*(char **) (base + tk->off));
	*(char **) (base + tk->off) = pfs_strdup(argv[0]);
	return (0);
    case T_LIST:
	for (i = 0; i < argc; i++)
	    pfs_strlist_add((struct pfs_strlist *) (base + tk->off), argv[i]);
	return (0);
    case T_LIMITS:
	/* NAME=N: the name may hold "=", the number after the last one may not. */
	for (i = 0; i < argc; i++) {
	    const char *eq = strrchr(argv[i], '=');

	    if (eq == 0 || eq == argv[i] || parse_number(eq + 1, tk->min, tk->max, &v) < 0) {
		snprintf(err, errlen, "%s: bad value \"%.100s\" for %s: expected "
			 "NAME=N, N from %lu to %lu", where, argv[i], tk->name,
			 tk->min, tk->max);
		return (-1);
	    }
	}
	for (i = 0; i < argc; i++)
	    pfs_strlist_add((struct pfs_strlist *) (base + tk->off), argv[i]);
	return (0);
    case T_UNIT:
	if (strcmp(argv[0], "recipients") == 0)
	    *(int *) (base + tk->off) = PFS_LIMIT_RECIPIENTS;
	else if (strcmp(argv[0], "messages") == 0)
	    *(int *) (base + tk->off) = PFS_LIMIT_MESSAGES;
	else {
	    snprintf(err, errlen, "%s: bad value \"%.100s\" for %s: expected recipients "
		     "or messages", where, argv[0], tk->name);
	    return (-1);
	}
	return (0);
    case T_NETS:
	for (i = 0; i < argc; i++) {
	    if (!pfs_netlist_valid(argv[i])) {
		snprintf(err, errlen, "%s: bad value \"%.100s\" for %s: expected an "
			 "address or address/prefix", where, argv[i], tk->name);
		return (-1);
	    }
	}
	for (i = 0; i < argc; i++)
	    pfs_strlist_add((struct pfs_strlist *) (base + tk->off), argv[i]);
	return (0);
    case T_QLIMITS:
	return (set_qlimits((struct pfs_qa_opts *) (base + tk->off), tk, argv, argc,
			    where, err, errlen));
    case T_BOOL:
	if (parse_bool(argv[0], (int *) (base + tk->off)) < 0) {
	    snprintf(err, errlen, "%s: bad value \"%.100s\" for %s: expected yes or no",
		     where, argv[0], tk->name);
	    return (-1);
	}
	return (0);
    case T_UINT:
    case T_SIZE:
	if (parse_number(argv[0], tk->min, tk->max, &v) < 0) {
	    snprintf(err, errlen, "%s: bad value \"%.100s\" for %s: expected a number "
		     "from %lu to %lu", where, argv[0], tk->name, tk->min, tk->max);
	    return (-1);
	}
	if (tk->type == T_UINT)
	    *(unsigned *) (base + tk->off) = (unsigned) v;
	else
	    *(size_t *) (base + tk->off) = (size_t) v;
	return (0);
    }
    return (-1);
}

/*
 * Settings that must keep an order: the low one at most the high one.
 * Both are unsigned members of struct pfs_config.
 */
static const struct pair {
    const char *low, *high;		/* token names */
    size_t  low_off, high_off;
    const char *why;
}       pairs[] = {
    {"filter_spam_low", "filter_spam_high", OFF(filter_low[0]), OFF(filter_high[0]),
    "no spam share can be both below the one and above the other"},
    {"filter_virus_low", "filter_virus_high", OFF(filter_low[1]), OFF(filter_high[1]),
    "no virus share can be both below the one and above the other"},
    {"queue_age_short", "queue_age_long", OFF(queue_age[0]), OFF(queue_age[1]),
    "the short age must not be the longer one"},
    {"baseline_min_days", "baseline_days", OFF(baseline_min_days), OFF(baseline_days),
    "no day could ever be checked"},
};

/* token_index - a token's place in tokens[] */

static size_t token_index(const char *name)
{
    size_t  i;

    for (i = 0; i < NTOKENS && strcmp(tokens[i].name, name) != 0; i++)
	 /* void */ ;
    return (i);
}

/* check_pairs - contradictory settings, named with the later line */

static int check_pairs(const struct pfs_config *cfg, const char *path,
		               const int *line_of, char *err, size_t errlen)
{
    const char *base = (const char *) cfg;
    const struct pair *pr;
    unsigned lo, hi;
    int     llo, lhi;

    for (pr = pairs; pr < pairs + sizeof(pairs) / sizeof(pairs[0]); pr++) {
	lo = *(const unsigned *) (base + pr->low_off);
	hi = *(const unsigned *) (base + pr->high_off);
	if (lo <= hi)
	    continue;
	llo = line_of[token_index(pr->low)];
	lhi = line_of[token_index(pr->high)];
	if (lhi > llo)
	    snprintf(err, errlen, "%.1000s:%d: %s %u is below %s %u%s%.0d%s: %s",
		     path, lhi, pr->high, hi, pr->low, lo, llo ? " (line " : " (default",
		     llo, ")", pr->why);
	else
	    snprintf(err, errlen, "%.1000s:%d: %s %u is above %s %u%s%.0d%s: %s",
		     path, llo, pr->low, lo, pr->high, hi, lhi ? " (line " : " (default",
		     lhi, ")", pr->why);
	return (-1);
    }
    return (0);
}

/* pfs_config_load - read a config file */

int     pfs_config_load(struct pfs_config *cfg, const char *path, int must_exist,
			        char *err, size_t errlen)
{
    FILE   *fp;
    char    line[4096];
    char   *argv[64];
    char   *cp;
    char    where[1100];
    int     argc;
    int     lineno = 0;
    int     line_of[NTOKENS];		/* where each token was last set */
    size_t  i;

    memset(line_of, 0, sizeof(line_of));

    if ((fp = fopen(path, "r")) == 0) {
	if (errno == ENOENT && !must_exist)
	    return (0);
	snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
	return (-1);
    }
    free(cfg->path);
    cfg->path = pfs_strdup(path);
    while (fgets(line, sizeof(line), fp) != 0) {
	lineno++;
	snprintf(where, sizeof(where), "%.1000s:%d", path, lineno);
	if (strchr(line, '\n') == 0 && !feof(fp)) {
	    snprintf(err, errlen, "%s: line too long (limit %zu bytes)",
		     where, sizeof(line) - 2);
	    fclose(fp);
	    return (-1);
	}
	if ((cp = strchr(line, '#')) != 0)
	    *cp = 0;
	argc = 0;
	for (cp = strtok(line, " \t\r\n"); cp != 0; cp = strtok(0, " \t\r\n")) {
	    if (argc == (int) (sizeof(argv) / sizeof(argv[0]))) {
		snprintf(err, errlen, "%s: too many values (limit %zu)", where,
			 sizeof(argv) / sizeof(argv[0]) - 1);
		fclose(fp);
		return (-1);
	    }
	    argv[argc++] = cp;
	}
	if (argc == 0)
	    continue;
	for (i = 0; i < NTOKENS; i++)
	    if (strcmp(argv[0], tokens[i].name) == 0)
		break;
	if (i == NTOKENS) {
	    snprintf(err, errlen, "%s: unknown token \"%.100s\"", where, argv[0]);
	    fclose(fp);
	    return (-1);
	}
	if (set_token(cfg, tokens + i, argv + 1, argc - 1, where, err, errlen) < 0) {
	    fclose(fp);
	    return (-1);
	}
	line_of[i] = lineno;
    }
    if (ferror(fp)) {
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	fclose(fp);
	return (-1);
    }
    fclose(fp);
    return (check_pairs(cfg, path, line_of, err, errlen));
}

/* pfs_config_usage - list tokens */

void    pfs_config_usage(void (*fn) (const char *, const char *, const char *, void *),
			         void *ctx)
{
    size_t  i;

    for (i = 0; i < NTOKENS; i++)
	fn(tokens[i].name, tokens[i].arg, tokens[i].help, ctx);
}
