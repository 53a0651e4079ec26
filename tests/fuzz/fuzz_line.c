/* SPDX-License-Identifier: BSD-2-Clause */
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
 *	The same input also goes, in blocks, to a second parser of the same
 *	caps through a worker (pfs_parser_batch(), pfs_parser_settle_batch():
 *	a log read on several threads): a block starts at a line whose
 *	first byte the input itself picks. Both parsers hear events; after
 *	every input their counters (name and value, in the store's order),
 *	their events, the messages in flight and the waiting receipts must
 *	be the same, or the target traps.
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

static PFS_STATS *st, *st2;
static PFS_PARSER *parser, *parser2, *worker;
static PFS_BATCH *batch;
static uint64_t ev_hash[2];

/* feed - pfs_lines callback */

static void feed(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line((PFS_PARSER *) ctx, line, len, flags);
}

/* mix - FNV-1a over bytes */

static uint64_t mix(uint64_t h, const void *p, size_t len)
{
    const unsigned char *c = p;

    while (len-- > 0)
	h = (h ^ *c++) * UINT64_C(1099511628211);
    return (h);
}

/* on_event - what an event says, into its parser's hash */

static void on_event(const struct pfs_event *ev, void *ctx)
{
    uint64_t *h = ctx;
    uint64_t v[8];

    v[0] = (uint64_t) ev->type;
    v[1] = ev->msg ? ev->msg->flags | (uint64_t) ev->msg->source << 8 : 0xff;
    v[2] = ev->delay_ms + ev->size + ev->nrcpt;
    v[3] = (uint64_t) ev->status | (uint64_t) ev->dsn_class << 8 | (uint64_t) ev->verdict << 16
	| (uint64_t) ev->again << 24;
    v[4] = ev->filter_ms;
    v[5] = (uint64_t) ev->hdr->time.sec | (uint64_t) ev->hdr->time.min << 8;
    v[6] = ev->qid.len + ev->transport.len + ev->relay.len + ev->sender.len;
    v[7] = ev->hdr->host.len;
    *h = mix(*h, v, sizeof(v));
    *h = mix(*h, ev->qid.ptr, ev->qid.len);
    if (ev->msg)
	*h = mix(*h, ev->msg->account, strlen(ev->msg->account));
}

/* touch - read every name, so a bad key shows up under ASan */

static void touch(const char *name, uint64_t value, void *ctx)
{
    size_t *total = ctx;

    *total += strlen(name) + (size_t) (value & 1);
}

/* sum - PFS_STATS_VISIT: every name and value, in order */

static void sum(const char *name, uint64_t value, void *ctx)
{
    uint64_t *h = ctx;

    *h = mix(*h, name, strlen(name) + 1);
    *h = mix(*h, &value, sizeof(value));
}

/* sum_msg - PFS_QTABLE_VISIT: the messages in flight */

static void sum_msg(const struct pfs_qentry *e, void *ctx)
{
    uint64_t *h = ctx;

    *h = mix(*h, e->qid, e->qlen);
    *h = mix(*h, e->account, strlen(e->account));
    *h = mix(*h, &e->flags, 1);
    *h = mix(*h, &e->hop_ms, sizeof(e->hop_ms));
    *h = mix(*h, &e->line, sizeof(e->line));
}

/* state - a hash of what a parser shows */

static uint64_t state(const PFS_STATS *s, PFS_PARSER *p)
{
    uint64_t h = UINT64_C(14695981039346656037);
    size_t  n = pfs_parser_pending(p);

    pfs_stats_visit(s, sum, &h);
    pfs_qtable_visit(pfs_parser_qtable(p), sum_msg, &h);
    return (mix(h, &n, sizeof(n)));
}

/* in_blocks - the input to parser2 through the worker, in blocks */

static void in_blocks(const char *data, size_t size)
{
    size_t  from = 0, at;
    const char *nl;

    /* Blocks begin at line starts; a line whose first byte is odd, say. */
    while (from < size) {
	for (at = from; (nl = memchr(data + at, '\n', size - at)) != 0;) {
	    at = (size_t) (nl - data) + 1;
	    if (at >= size || (data[at] & 1))
		break;
	}
	if (nl == 0)
	    at = size;
	pfs_parser_batch(worker, batch, data + from, size - from, at - from);
	pfs_parser_settle_batch(parser2, batch);
	pfs_batch_reset(batch);
	from = at;
    }
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
	st2 = pfs_stats_create(caps);
	if ((parser = pfs_parser_create(st, &opts, err, sizeof(err))) == 0
	    || (parser2 = pfs_parser_create(st2, &opts, err, sizeof(err))) == 0)
	    __builtin_trap();
	pfs_parser_set_event(parser, on_event, ev_hash);
	pfs_parser_set_event(parser2, on_event, ev_hash + 1);
	if ((worker = pfs_parser_worker(parser2, err, sizeof(err))) == 0)
	    __builtin_trap();
	batch = pfs_batch_create();
    }
    pfs_lines_init(&lb, feed, parser);
    pfs_lines_feed(&lb, (const char *) data, size);
    if (pfs_lines_pending(&lb) > 0)
	pfs_lines_feed(&lb, "\n", 1);
    pfs_stats_visit(st, touch, &total);
    in_blocks((const char *) data, size);
    if (ev_hash[0] != ev_hash[1] || state(st, parser) != state(st2, parser2))
	__builtin_trap();
    return (0);
}
