/*++
 * NAME
 *	fuzz_line 1
 * SUMMARY
 *	libFuzzer target for the line splitter and the line parser
 * SYNOPSIS
 *	tests/fuzz/fuzz_line [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Each input is fed as a byte stream through pfs_lines (so overlong,
 *	unterminated and NUL-holding lines all occur) into one parser whose
 *	tables have tiny caps, so the overflow paths run too. The store and
 *	the parser live across inputs, as they do in the daemon. After every
 *	input the flat view is walked, to catch corrupt keys.
 *
 *	Build with --enable-fuzzer and CC=clang; it links with
 *	-fsanitize=fuzzer,address,undefined.
 *--*/

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pfs_lines.h"
#include "pfs_parser.h"

int     LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static PFS_STATS *st;
static PFS_PARSER *parser;

/* feed - pfs_lines callback */

static void feed(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line((PFS_PARSER *) ctx, line, len, flags);
}

/* touch - read every name, so a bad key shows up under ASan */

static void touch(const char *name, uint64_t value, void *ctx)
{
    size_t *total = ctx;

    *total += strlen(name) + (size_t) (value & 1);
}

/* LLVMFuzzerTestOneInput - one input */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[PFS_TABLE_COUNT] = {4, 4, 4, 4};
    static const char *const relays[] = {"127.0.0.1:10024"};
    static const char *const clients[] = {"127.0.0.1"};
    static PFS_LINEBUF lb;
    size_t  total = 0;
    char    err[256];

    if (parser == 0) {
	struct pfs_parser_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.ignore_relays = relays;
	opts.n_ignore_relays = 1;
	opts.ignore_clients = clients;
	opts.n_ignore_clients = 1;
	opts.queue_cap = 8;
	st = pfs_stats_create(caps);
	if ((parser = pfs_parser_create(st, &opts, err, sizeof(err))) == 0)
	    __builtin_trap();
    }
    pfs_lines_init(&lb, feed, parser);
    pfs_lines_feed(&lb, (const char *) data, size);
    if (pfs_lines_pending(&lb) > 0)
	pfs_lines_feed(&lb, "\n", 1);
    pfs_stats_visit(st, touch, &total);
    return (0);
}
