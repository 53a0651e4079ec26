/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	queue_probe 1
 * SUMMARY
 *	read the mail queue once through pfs_queue(3) and print it
 * SYNOPSIS
 *	tests/unit/alerts/queue_probe [-p POSTQUEUE] [-c CONFIG_DIR] [-q QUEUE_DIR]
 *		[-s AGE_SHORT] [-l AGE_LONG] [-t TIMEOUT]
 * DESCRIPTION
 *	Drives one read the way the daemon's loop does: pfs_queue_start(),
 *	poll(2) on the pipe, pfs_queue_input() per readable turn,
 *	pfs_queue_tick() while the child is reaped. Then prints one line
 *	per queue:
 *
 *	QUEUE STATUS MESSAGES RECIPIENTS BYTES OLDEST_AGE OLDER_SHORT OLDER_LONG
 *
 *	and, when the read failed, "text: ..." lines with the reason, and
 *	"turns N" (pfs_queue_input() calls). tests/e2e/postfix-queue.test
 *	runs it against a real Postfix instance.
 * DIAGNOSTICS
 *	Exit status 0 when the read succeeded, 1 when it failed, 2 for a
 *	usage error.
 *--*/

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfs_queue.h"

/* usage - complain */

static void usage(void)
{
    fprintf(stderr, "usage: queue_probe [-p POSTQUEUE] [-c CONFIG_DIR] [-q QUEUE_DIR] "
	    "[-s AGE_SHORT] [-l AGE_LONG] [-t TIMEOUT]\n");
    exit(2);
}

int     main(int argc, char **argv)
{
    struct pfs_queue_opts opts;
    struct pfs_queue_info info;
    struct pollfd pfd;
    PFS_QUEUE *q;
    uint64_t reads, failed;
    unsigned turns = 0;
    time_t  t0;
    int     c, i;

    memset(&opts, 0, sizeof(opts));
    while ((c = getopt(argc, argv, "p:c:q:s:l:t:")) != -1) {
	switch (c) {
	case 'p':
	    opts.postqueue = optarg;
	    break;
	case 'c':
	    opts.config_dir = optarg;
	    break;
	case 'q':
	    opts.queue_dir = optarg;
	    break;
	case 's':
	    opts.age[0] = (unsigned) atoi(optarg);
	    break;
	case 'l':
	    opts.age[1] = (unsigned) atoi(optarg);
	    break;
	case 't':
	    opts.timeout = (unsigned) atoi(optarg);
	    break;
	default:
	    usage();
	}
    }
    if (optind != argc)
	usage();
    q = pfs_queue_create(&opts);
    t0 = time((time_t *) 0);
    pfs_queue_tick(q, t0);
    while (pfs_queue_reads(q, &failed) == 0) {
	if (pfs_queue_fd(q) >= 0) {
	    pfd.fd = pfs_queue_fd(q);
	    pfd.events = POLLIN;
	    if (poll(&pfd, 1, 100) > 0) {
		turns++;
		(void) pfs_queue_input(q, time((time_t *) 0));
		continue;
	    }
	} else {
	    usleep(10000);
	}
	pfs_queue_tick(q, time((time_t *) 0));
    }
    reads = pfs_queue_reads(q, &failed);
    for (i = 0; i < PFS_Q_COUNT; i++) {
	pfs_queue_info(q, (enum pfs_queue_id) i, time((time_t *) 0), &info);
	printf("%s %s %llu %llu %llu %llu %llu %llu\n", pfs_queue_name[i],
	       pfs_queue_status_name[info.status],
	       (unsigned long long) info.messages, (unsigned long long) info.recipients,
	       (unsigned long long) info.bytes, (unsigned long long) info.oldest_age,
	       (unsigned long long) info.older[0], (unsigned long long) info.older[1]);
	if (info.status != PFS_QS_OK)
	    printf("text: %s %s\n", pfs_queue_name[i], info.text);
    }
    printf("turns %u\n", turns);
    pfs_queue_free(q);
    return (reads == 1 && failed == 0 ? 0 : 1);
}
