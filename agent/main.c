/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	postfix-stats-agent 8
 * SUMMARY
 *	Postfix log counters as a Net-SNMP AgentX subagent
 * SYNOPSIS
 *	postfix-stats-agent [-f] [-d] [-x AGENTX-SOCKET] [-c CONFIG] [LOGFILE...]
 *
 *	postfix-stats-agent --once [--json] [--threads N] [-c CONFIG] FILE...
 *
 *	postfix-stats-agent --oids [-c CONFIG] [FILE...]
 * DESCRIPTION
 *	main() only parses the command line and hands over to the mode
 *	asked for; see postfix-stats-agent(8).
 *--*/

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_config.h"
#include "pfs_daemon.h"
#include "pfs_log.h"
#include "pfs_once.h"
#include "pfs_pread.h"
#include "pfs_util.h"

enum {
    OPT_ONCE = 256, OPT_JSON, OPT_HELP, OPT_VERSION, OPT_STATE, OPT_FROM_START,
    OPT_OIDS, OPT_THREADS,
};

static const struct option long_opts[] = {
    {"once", no_argument, 0, OPT_ONCE},
    {"json", no_argument, 0, OPT_JSON},
    {"oids", no_argument, 0, OPT_OIDS},
    {"foreground", no_argument, 0, 'f'},
    {"debug", no_argument, 0, 'd'},
    {"agentx-socket", required_argument, 0, 'x'},
    {"config", required_argument, 0, 'c'},
    {"state", required_argument, 0, OPT_STATE},
    {"from-start", no_argument, 0, OPT_FROM_START},
    {"threads", required_argument, 0, OPT_THREADS},
    {"help", no_argument, 0, OPT_HELP},
    {"version", no_argument, 0, OPT_VERSION},
    {0, 0, 0, 0},
};

/* print_token - one config token for --help */

static void print_token(const char *token, const char *arg, const char *help, void *ctx)
{
    fprintf((FILE *) ctx, "  %-22s %-10s %s\n", token, arg, help);
}

/* usage - --help text */

static void usage(FILE *fp)
{
    fprintf(fp,
	    "Usage: postfix-stats-agent [-f] [-d] [-x AGENTX-SOCKET] [-c CONFIG] [LOGFILE...]\n"
	    "       postfix-stats-agent --once [--json] [--threads N] [-c CONFIG] FILE...\n"
	    "       postfix-stats-agent --oids [-c CONFIG] [FILE...]\n"
	    "\n"
	    "Count what the Postfix mail log says: messages received, sent,\n"
	    "deferred, bounced and rejected, per transport and per reason.\n"
	    "Without --once or --oids, follow the LOGFILEs (default: logfile in\n"
	    "the configuration) and serve the counters to snmpd as an AgentX\n"
	    "subagent (POSTFIX-STATS-MIB).\n"
	    "\n"
	    "Options:\n"
	    "  -f, --foreground   stay in the foreground, log to standard error\n"
	    "  -d, --debug        log debugging messages; implies -f\n"
	    "  -x, --agentx-socket ADDRESS\n"
	    "                     snmpd's AgentX socket (default: agentx_socket, else %s)\n"
	    "  --once             read FILE... (\"-\" for standard input) to the end,\n"
	    "                     print every counter as \"name value\" lines, exit\n"
	    "  --json             with --once: print one JSON object instead\n"
	    "  --threads N        with --once: read on N threads (default: threads,\n"
	    "                     else one per processor); 1: on one\n"
	    "  --oids             print \"COUNTER OBJECT OID\" for every MIB object;\n"
	    "                     with FILE..., for every table row they produce\n"
	    "  -c, --config FILE  configuration file (default %s)\n"
	    "  --state FILE       state file (default: state_file, else %s)\n"
	    "  --from-start       with no saved position, read logs from their start\n"
	    "  --help             this text\n"
	    "  --version          the version\n"
	    "\n"
	    "Configuration tokens (one per line, \"token value...\"):\n",
	    PFS_DEF_AGENTX, PFS_DEF_CONFIG, PFS_DEF_STATE);
    pfs_config_usage(print_token, fp);
    fprintf(fp, "\nSee postfix-stats-agent(8) and doc/counters.md.\n");
}

/* oom - the parser's allocation failure handler */

static void oom(const char *what, size_t size)
{
    fatalx("out of memory in %s (%zu bytes)", what, size);
}

int     main(int argc, char **argv)
{
    struct pfs_config cfg;
    const char *config_path = 0;
    const char *state_path = 0;
    int     from_start = 0;
    long    threads = -1;
    char   *end;
    struct pfs_daemon_opts dopts;
    int     once = 0;
    int     oids = 0;
    int     json = 0;
    int     c;
    char    err[1400];
    int     status;

    log_init("postfix-stats-agent", 1, 0);
    pfs_set_oom_handler(oom);
    memset(&dopts, 0, sizeof(dopts));
    while ((c = getopt_long(argc, argv, "c:dfx:", long_opts, 0)) != -1) {
	switch (c) {
	case 'c':
	    config_path = optarg;
	    break;
	case 'd':
	    dopts.debug = 1;
	    dopts.foreground = 1;
	    break;
	case 'f':
	    dopts.foreground = 1;
	    break;
	case 'x':
	    dopts.agentx_socket = optarg;
	    break;
	case OPT_OIDS:
	    oids = 1;
	    break;
	case OPT_ONCE:
	    once = 1;
	    break;
	case OPT_JSON:
	    json = 1;
	    break;
	case OPT_STATE:
	    state_path = optarg;
	    break;
	case OPT_FROM_START:
	    from_start = 1;
	    break;
	case OPT_THREADS:
	    errno = 0;
	    threads = strtol(optarg, &end, 10);
	    if (errno || end == optarg || *end || threads < 1 || threads > PFS_PREAD_MAX_THREADS) {
		fprintf(stderr, "postfix-stats-agent: --threads takes a number from 1 to %d\n",
			PFS_PREAD_MAX_THREADS);
		return (2);
	    }
	    break;
	case OPT_HELP:
	    usage(stdout);
	    return (0);
	case OPT_VERSION:
	    printf("postfix-stats-agent %s\n", PFS_VERSION);
	    return (0);
	default:
	    /* getopt_long() named the option; the full text is one flag away. */
	    fprintf(stderr, "Try 'postfix-stats-agent --help' for more information.\n");
	    return (2);
	}
    }
    if (once && oids) {
	fprintf(stderr, "postfix-stats-agent: --once and --oids do not go together\n");
	return (2);
    }
    if (threads > 0 && !once) {
	fprintf(stderr, "postfix-stats-agent: --threads goes with --once\n");
	return (2);
    }
    if (!once && !oids) {
	if (json) {
	    fprintf(stderr, "postfix-stats-agent: --json goes with --once\n");
	    return (2);
	}
	dopts.config_path = config_path;
	dopts.state_file = state_path;
	dopts.from_start = from_start;
	dopts.logfiles = argv + optind;
	dopts.nlogfiles = argc - optind;
	return (pfs_daemon_run(&dopts));
    }
    pfs_config_init(&cfg);
    if (pfs_config_load(&cfg, config_path ? config_path : PFS_DEF_CONFIG,
			config_path != 0, err, sizeof(err)) < 0) {
	fprintf(stderr, "postfix-stats-agent: fatal: %s\n", err);
	return (1);
    }
    if (state_path) {
	free(cfg.state_file);
	cfg.state_file = pfs_strdup(state_path);
    }
    if (from_start)
	cfg.from_start = 1;
    if (threads > 0)
	cfg.threads = (unsigned) threads;
    if (json && !once) {
	fprintf(stderr, "postfix-stats-agent: --json goes with --once\n");
	return (2);
    }
    if (oids) {
	status = pfs_oids_run(&cfg, argv + optind, argc - optind);
	pfs_config_free(&cfg);
	return (status);
    }
    if (optind >= argc) {
	fprintf(stderr, "postfix-stats-agent: --once needs at least one FILE (\"-\" for standard input)\n");
	return (2);
    }
    status = pfs_once_run(&cfg, argv + optind, argc - optind, json);
    pfs_config_free(&cfg);
    return (status);
}
