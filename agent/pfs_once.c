/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_once 3
 * SUMMARY
 *	--once: read logs to their end and print every counter
 * SYNOPSIS
 *	#include "pfs_once.h"
 *
 *	int	pfs_once_run(cfg, files, nfiles, json)
 *
 *	PFS_PARSER *pfs_engine_create(cfg, stats)
 *
 *	int	pfs_print_counters(fp, stats, json)
 *
 *	int	pfs_read_files(parser, files, nfiles)
 *
 *	int	pfs_read_files_threads(parser, files, nfiles, threads)
 * DESCRIPTION
 *	pfs_once_run() reads each file ("-" is standard input) from its
 *	start to its end through one parser and one counter store, then
 *	prints every counter, as "name value" lines sorted by name or as one
 *	JSON object (jansson) with the same names and numbers. A last line
 *	without a newline is counted: at the end of a file read once, it is
 *	as complete as it will get.
 *
 *	pfs_read_files() feeds the named files to a parser, as --once and
 *	--oids FILE... read them; at the end of the last one, the receipts
 *	that still wait for a possible content-filter link are counted
 *	(pfs_parser_flush()): nothing more will come to link them.
 *	pfs_read_files_threads() does the same on threads threads
 *	(pfs_pread(3)), with the same result; 1 is pfs_read_files(). --once
 *	reads on the configured number of threads ("threads", --threads),
 *	by default one per processor.
 *
 *	pfs_engine_create() builds the counter store and the parser from the
 *	configuration (caps, ignore lists); the daemon uses it too, so both
 *	count alike.
 * DIAGNOSTICS
 *	A file that cannot be opened or read is reported with its name and
 *	the system's reason; nothing is printed and the status is 1, since
 *	partial numbers would look like real ones.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "pfs_log.h"
#include "pfs_lines.h"
#include "pfs_once.h"
#include "pfs_pread.h"
#include "pfs_util.h"

#define READ_CHUNK	(1 << 20)

/* feed_line - pfs_lines callback */

static void feed_line(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line((PFS_PARSER *) ctx, line, len, flags);
}

/* pfs_engine_create - counter store plus parser, as configured */

PFS_PARSER *pfs_engine_create(const struct pfs_config *cfg, PFS_STATS **stats)
{
    struct pfs_parser_opts opts;
    PFS_PARSER *p;
    char    err[256];

    *stats = pfs_stats_create(cfg->caps);
    memset(&opts, 0, sizeof(opts));
    opts.ignore_clients = (const char *const *) cfg->ignore_clients.v;
    opts.n_ignore_clients = cfg->ignore_clients.n;
    opts.ignore_relays = (const char *const *) cfg->ignore_relays.v;
    opts.n_ignore_relays = cfg->ignore_relays.n;
    opts.ignore_localhost = cfg->ignore_localhost;
    opts.queue_cap = cfg->queue_cap;
    if ((p = pfs_parser_create(*stats, &opts, err, sizeof(err))) == 0)
	fatalx("cannot set up the parser: %s", err);
    return (p);
}

/* pfs_read_fd - feed a descriptor to the parser until end of file */

int     pfs_read_fd(int fd, const char *name, PFS_PARSER *p, int flush_tail)
{
    PFS_LINEBUF *lb = pfs_malloc(sizeof(*lb));
    char   *buf = pfs_malloc(READ_CHUNK);
    ssize_t n;
    int     ret = 0;

    pfs_lines_init(lb, feed_line, p);
    for (;;) {
	n = read(fd, buf, READ_CHUNK);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    log_warn("cannot read %s", name);
	    ret = -1;
	    break;
	}
	if (n == 0)
	    break;
	pfs_lines_feed(lb, buf, (size_t) n);
    }
    if (ret == 0 && flush_tail && pfs_lines_pending(lb) > 0)
	pfs_lines_feed(lb, "\n", 1);
    free(buf);
    free(lb);
    return (ret);
}

struct flat {
    char  **names;
    uint64_t *values;
    size_t  n, alloc;
};

/* collect - PFS_STATS_VISIT into an array */

static void collect(const char *name, uint64_t value, void *ctx)
{
    struct flat *f = ctx;

    if (f->n == f->alloc) {
	f->alloc = f->alloc ? 2 * f->alloc : 256;
	f->names = pfs_reallocarray(f->names, f->alloc, sizeof(*f->names));
	f->values = pfs_reallocarray(f->values, f->alloc, sizeof(*f->values));
    }
    f->names[f->n] = pfs_strdup(name);
    f->values[f->n] = value;
    f->n++;
}

static struct flat *sort_ctx;

/* by_name - qsort order of indices by name */

static int by_name(const void *a, const void *b)
{
    return (strcmp(sort_ctx->names[*(const size_t *) a],
		   sort_ctx->names[*(const size_t *) b]));
}

/* pfs_print_counters - every counter, sorted, as text or JSON */

int     pfs_print_counters(FILE *fp, const PFS_STATS *st, int json)
{
    struct flat f;
    size_t *order;
    size_t  i;
    int     ret = 0;

    memset(&f, 0, sizeof(f));
    pfs_stats_visit(st, collect, &f);
    order = pfs_calloc(f.n, sizeof(*order));
    for (i = 0; i < f.n; i++)
	order[i] = i;
    sort_ctx = &f;
    qsort(order, f.n, sizeof(*order), by_name);
    if (json) {
	json_t *obj = json_object();
	char   *text;

	if (obj == 0)
	    fatalx("out of memory building JSON");
	for (i = 0; i < f.n; i++)
	    if (json_object_set_new(obj, f.names[order[i]],
				    json_integer((json_int_t) f.values[order[i]])) < 0)
		fatalx("cannot add %s to the JSON output", f.names[order[i]]);
	if ((text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == 0)
	    fatalx("cannot format the JSON output");
	if (fprintf(fp, "%s\n", text) < 0)
	    ret = -1;
	free(text);
	json_decref(obj);
    } else {
	for (i = 0; i < f.n; i++)
	    if (fprintf(fp, "%s %llu\n", f.names[order[i]],
			(unsigned long long) f.values[order[i]]) < 0)
		ret = -1;
    }
    for (i = 0; i < f.n; i++)
	free(f.names[i]);
    free(f.names);
    free(f.values);
    free(order);
    if (fflush(fp) != 0)
	ret = -1;
    return (ret);
}

/* read_one - one descriptor, on one thread or through pr */

static int read_one(int fd, const char *name, PFS_PARSER *p, PFS_PREAD *pr)
{
    return (pr ? pfs_pread_fd(pr, fd, name) : pfs_read_fd(fd, name, p, 1));
}

/* pfs_read_files_threads - feed named files ("-": standard input); -1 if any failed */

int     pfs_read_files_threads(PFS_PARSER *p, char **files, int nfiles, int threads)
{
    PFS_PREAD *pr = 0;
    int     i;
    int     fd;
    int     ret = 0;

    if (threads > 1 && (pr = pfs_pread_create(p, threads, 0)) == 0)
	return (-1);
    for (i = 0; i < nfiles; i++) {
	if (strcmp(files[i], "-") == 0) {
	    if (read_one(0, "standard input", p, pr) < 0)
		ret = -1;
	    continue;
	}
	if ((fd = open(files[i], O_RDONLY | O_CLOEXEC)) < 0) {
	    log_warn("cannot open log file %s", files[i]);
	    ret = -1;
	    continue;
	}
	if (read_one(fd, files[i], p, pr) < 0)
	    ret = -1;
	close(fd);
    }
    pfs_pread_free(pr);
    pfs_parser_flush(p);
    return (ret);
}

/* pfs_read_files - feed named files on one thread */

int     pfs_read_files(PFS_PARSER *p, char **files, int nfiles)
{
    return (pfs_read_files_threads(p, files, nfiles, 1));
}

/* pfs_once_run - the --once mode */

int     pfs_once_run(const struct pfs_config *cfg, char **files, int nfiles, int json)
{
    PFS_STATS *st;
    PFS_PARSER *p = pfs_engine_create(cfg, &st);
    int     status = 0;

    if (pfs_read_files_threads(p, files, nfiles,
			       cfg->threads ? (int) cfg->threads : pfs_pread_cores()) < 0)
	status = 1;
    if (status == 0 && pfs_print_counters(stdout, st, json) < 0) {
	log_warn("cannot write the counters");
	status = 1;
    }
    pfs_parser_free(p);
    pfs_stats_free(st);
    return (status);
}
