/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_state 3
 * SUMMARY
 *	save and restore counters, file positions and messages in flight
 * SYNOPSIS
 *	#include "pfs_state.h"
 *
 *	int	pfs_state_save(path, stats, parser, follow, err, errlen)
 *
 *	enum pfs_state_result pfs_state_load(path, stats, parser, follow,
 *					err, errlen)
 *
 *	int	pfs_state_save_cursor(path, stats, parser, follow, cursor,
 *					err, errlen)
 *
 *	enum pfs_state_result pfs_state_load_cursor(path, stats, parser,
 *					follow, cursor, cursor_len, found,
 *					err, errlen)
 *
 *	uint64_t pfs_state_saved_bytes(void)
 * DESCRIPTION
 *	pfs_state_save() writes one JSON object, compact, one counter and
 *	one message in flight a line:
 * .nf
 *
 *	{"format":"postfix-stats-state","version":2,"agent":"0.1.0",
 *	"saved":1700000000,
 *	"files":[{"path":"/var/log/mail.log","lines":166,"rotations":0,
 *	  "position":{"dev":2049,"ino":1234,"offset":20480,"skipping":false,
 *	    "fingerprint":"9c2f...","fingerprint_bytes":256,
 *	    "tail":"77a0...","tail_bytes":256,"mtime":1700000000123456789,
 *	    "previous":"51e3...","previous_bytes":256},
 *	  "rotated":{...}}],
 *	"journal":{"cursor":"s=...;i=...;b=...;m=...;t=...;x=..."},
 *	"counters":{
 *	"lines":166,
 *	"sent:smtp":9,
 *	...},
 *	"queue":[
 *	{"source":"mx1/postfix","sid":"5d1c...","qid":"3F2A41C0E5","origin":1,
 *	  "flags":0,"account":""},
 *	...],
 *	"filters":[{"source":"mx1/postfix","sid":"5d1c...",
 *	  "relay":"127.0.0.1[127.0.0.1]:10024"}],
 *	"alerts":{...}}
 * .fi
 *
 *	Every counter is saved under its flat name (pfs_stats_visit). A file's
 *	"position" is where reading resumes, always at a line start (or, with
 *	"skipping", inside an overlong line already counted), with what
 *	identifies the file by its content (pfs_follow(3)): a hash of its first
 *	bytes, of the bytes before the position, its modification time, and
 *	the first bytes of the file it replaced; "rotated" is
 *	there while a rotated file is still being read. "queue" holds the
 *	parser's messages in flight, oldest first, so that a message received
 *	before a restart and removed after it is counted once; "source" is
 *	its source's row and "sid" the source's identity
 *	(pfs_parser_source_id(), which a file without "sid" is read with),
 *	since sources beyond max_sources share one row. An entry whose
 *	receipt waits for a content-filter link (pfs_parser(3)) also has
 *	"size", "nrcpt", "line" and "when" (the time of its qmgr line as
 *	[year, month, day, hour, minute, second, microsecond, has_zone,
 *	zone_minutes]); a re-injected copy may have "hop_ms". "filters"
 *	holds the content-filter relays the parser learned, with their
 *	source's name and identity. All of these are optional, and absent
 *	in files of earlier agents. "journal" is
 *	there when the _cursor variants are given one (pfs_journal(3)). A part
 *	named by pfs_state_set_part() (the agent's "alerts": the alert
 *	modules' history) is saved under its name, checked with the rest and
 *	restored through its hooks.
 *
 *	Every value is written in a form that reads back exactly: a number
 *	above 9223372036854775807 (JSON readers such as jansson stop at the
 *	signed 64-bit range) is written as a string of its decimal digits,
 *	and a byte of a name that is not part of valid UTF-8 (logs carry
 *	any bytes) is written as the character U+10FF00 plus the byte (a
 *	character of that range in a name is written byte by byte the same
 *	way), and turned back into the byte on load (pfs_json(3)). The part
 *	is checked with its own check() before it is written: a state the
 *	agent could not read back is never saved (the save fails and the old
 *	file stays). The file is written as it is built, through a small
 *	buffer: saving takes no memory in proportion to the state, apart
 *	from the part's JSON tree.
 *
 *	The file is written to a temporary file in the same directory
 *	(mode 0600), flushed with fsync(), renamed over the old one, and the
 *	directory is flushed too: a crash leaves the old state or the new one,
 *	never a mix.
 *
 *	pfs_state_load() reads such a file into a fresh counter store, parser
 *	and follower (before pfs_follow_start()): into memory in large reads,
 *	then twice through a pull parser (pfs_json(3)), without building a
 *	tree (only the part is given to jansson): a first pass checks the
 *	whole file and changes nothing, so a bad file leaves everything as it
 *	was; a second applies it. The memory is given back to the system
 *	afterwards (malloc_trim()). A counter name this build does not know
 *	is skipped with a warning (one written twice keeps its last value);
 *	members this build does not know are skipped; a file path no longer
 *	configured is dropped. Version 1 files (indented; written by earlier
 *	agents, which saved a counter above the signed range as a negative
 *	number) load too, that negative number taken as the two's complement
 *	it was. Device and inode numbers are read in either form.
 *
 *	pfs_state_saved_bytes() is the size of the last file written.
 * DIAGNOSTICS
 *	pfs_state_save() returns 0, or -1 with the reason in err.
 *
 *	pfs_state_load() returns PFS_STATE_LOADED, PFS_STATE_ABSENT (no file:
 *	first start), PFS_STATE_BAD (not JSON, not a state file, a format
 *	version this agent does not know, or a value of the wrong type), with
 *	a sentence in err that says which and that the agent starts afresh,
 *	or PFS_STATE_UNREADABLE: the file is there but cannot be opened or
 *	read (permissions, an I/O error, not a regular file); it is left as
 *	it is, and the caller must not save over it. A file that is corrupt
 *	or from another version is renamed to PATH.bad, so that the next save
 *	does not destroy it.
 * SECURITY
 *	The state file is trusted no more than a log: its size is capped,
 *	types and ranges are checked, strings are bounded before use.
 *--*/

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "pfs_json.h"
#include "pfs_log.h"
#include "pfs_state.h"
#include "pfs_util.h"

#define STATE_FORMAT	"postfix-stats-state"
#define STATE_VERSION	2		/* written; 1 and 2 are read */
#define STATE_MAX_SIZE	((off_t) 1 << 30)
#define NAME_MAX_LEN	(PFS_KEY_MAX + 64)	/* longest counter name */

static uint64_t saved_bytes;

/* seterr - printf into the caller's error buffer */

static void PFS_PRINTF(3, 4) seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == 0 || errlen == 0)
	return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static struct pfs_state_part state_part;	/* name NULL: none */

/* pfs_state_set_part - save and restore another module's part too */

void    pfs_state_set_part(const struct pfs_state_part *part)
{
    if (part != 0)
	state_part = *part;
    else
	memset(&state_part, 0, sizeof(state_part));
}

/* ---- saving ----------------------------------------------------------- */

struct cctx {
    struct pfs_jsonw *w;
    int     n;
};

/* put_counter - PFS_STATS_VISIT: one "name":value line */

static void put_counter(const char *name, uint64_t value, void *ctx)
{
    struct cctx *cc = ctx;

    if (cc->n++ > 0)
	pfs_jsonw_newline(cc->w);
    pfs_jsonw_cstr(cc->w, name);
    pfs_jsonw_u64(cc->w, value);
}

/* put_hex - a 64-bit identity or hash, as 16 hex digits */

static void put_hex(struct pfs_jsonw *w, uint64_t v)
{
    char    hex[20];

    snprintf(hex, sizeof(hex), "%016" PRIx64, v);
    pfs_jsonw_str(w, hex, 16);
}

/* put_link_members - what an entry holds for a content-filter link */

static void put_link_members(struct pfs_jsonw *w, const struct pfs_qentry *e)
{
    const struct pfs_time *t = &e->when;
    int64_t when[9];
    int     i;

    if (e->flags & PFS_QF_PENDING) {
	pfs_jsonw_key(w, "size");
	pfs_jsonw_u64(w, e->size);
	pfs_jsonw_key(w, "nrcpt");
	pfs_jsonw_u64(w, e->nrcpt);
	pfs_jsonw_key(w, "line");
	pfs_jsonw_u64(w, e->line);
	when[0] = t->year;
	when[1] = t->mon;
	when[2] = t->mday;
	when[3] = t->hour;
	when[4] = t->min;
	when[5] = t->sec;
	when[6] = t->usec;
	when[7] = t->has_tz;
	when[8] = t->tz_min;
	pfs_jsonw_key(w, "when");
	pfs_jsonw_arr(w);
	for (i = 0; i < 9; i++)
	    pfs_jsonw_i64(w, when[i]);
	pfs_jsonw_arr_end(w);
    }
    if (e->hop_ms > 0) {
	pfs_jsonw_key(w, "hop_ms");
	pfs_jsonw_u64(w, e->hop_ms);
    }
}

/* put_queued - one message in flight (read by read_queued()) */

static void put_queued(struct pfs_jsonw *w, const struct pfs_qentry *e, const char *src)
{
    pfs_jsonw_obj(w);
    pfs_jsonw_key(w, "source");
    pfs_jsonw_cstr(w, src);
    pfs_jsonw_key(w, "sid");
    put_hex(w, e->sid);
    pfs_jsonw_key(w, "qid");
    pfs_jsonw_str(w, e->qid, e->qlen);
    pfs_jsonw_key(w, "origin");
    pfs_jsonw_u64(w, e->origin);
    pfs_jsonw_key(w, "flags");
    pfs_jsonw_u64(w, e->flags);
    pfs_jsonw_key(w, "account");
    pfs_jsonw_cstr(w, e->account);
    put_link_members(w, e);
    pfs_jsonw_obj_end(w);
}

struct qctx {
    struct pfs_jsonw *w;
    const PFS_STATS *stats;
    size_t  n;
};

/* add_queued - PFS_QTABLE_VISIT into the "queue" array */

static void add_queued(const struct pfs_qentry *e, void *ctx)
{
    struct qctx *qc = ctx;
    const char *src = pfs_table_key(qc->stats, PFS_TBL_SOURCE, e->source);

    if (qc->n++ > 0)
	pfs_jsonw_newline(qc->w);
    put_queued(qc->w, e, src ? src : "");
}

/* put_filters - the content-filter relays the parser learned */

static void put_filters(struct pfs_jsonw *w, const PFS_STATS *stats,
			        const PFS_PARSER *parser)
{
    const char *relay;
    const char *src;
    uint64_t sid;
    uint32_t row;
    size_t  i;

    pfs_jsonw_key(w, "filters");
    pfs_jsonw_arr(w);
    for (i = 0; (relay = pfs_parser_filter(parser, i, &sid, &row)) != 0; i++) {
	src = pfs_table_key(stats, PFS_TBL_SOURCE, row);
	if (i > 0)
	    pfs_jsonw_newline(w);
	pfs_jsonw_obj(w);
	pfs_jsonw_key(w, "source");
	pfs_jsonw_cstr(w, src ? src : "");
	pfs_jsonw_key(w, "sid");
	put_hex(w, sid);
	pfs_jsonw_key(w, "relay");
	pfs_jsonw_cstr(w, relay);
	pfs_jsonw_obj_end(w);
    }
    pfs_jsonw_arr_end(w);
}

/* put_hash - a fingerprint: 16 hex digits and a byte count */

static void put_hash(struct pfs_jsonw *w, const char *name, const char *bytes_name,
		             uint64_t hash, unsigned len)
{
    pfs_jsonw_key(w, name);
    put_hex(w, hash);
    pfs_jsonw_key(w, bytes_name);
    pfs_jsonw_u64(w, len);
}

/* put_pos - one file position (read by read_pos()) */

static void put_pos(struct pfs_jsonw *w, const struct pfs_follow_pos *pos)
{
    pfs_jsonw_obj(w);
    pfs_jsonw_key(w, "dev");
    pfs_jsonw_u64(w, pos->dev);
    pfs_jsonw_key(w, "ino");
    pfs_jsonw_u64(w, pos->ino);
    pfs_jsonw_key(w, "offset");
    pfs_jsonw_u64(w, pos->offset);
    pfs_jsonw_key(w, "skipping");
    pfs_jsonw_bool(w, pos->skipping);
    put_hash(w, "fingerprint", "fingerprint_bytes", pos->fp_hash, pos->fp_len);
    put_hash(w, "tail", "tail_bytes", pos->tail_hash, pos->tail_len);
    pfs_jsonw_key(w, "mtime");
    pfs_jsonw_i64(w, pos->mtime_ns);
    if (pos->prev_known)
	put_hash(w, "previous", "previous_bytes", pos->prev_hash, pos->prev_len);
    pfs_jsonw_obj_end(w);
}

/* put_files - the "files" array */

static void put_files(struct pfs_jsonw *w, const PFS_FOLLOW *fw)
{
    size_t  i;

    pfs_jsonw_key(w, "files");
    pfs_jsonw_arr(w);
    for (i = 0; fw != 0 && i < pfs_follow_count(fw); i++) {
	struct pfs_follow_status st;
	struct pfs_follow_pos cur, old;

	pfs_follow_status(fw, i, &st);
	pfs_follow_get_pos(fw, i, &cur, &old);
	if (i > 0)
	    pfs_jsonw_newline(w);
	pfs_jsonw_obj(w);
	pfs_jsonw_key(w, "path");
	pfs_jsonw_cstr(w, st.path);
	pfs_jsonw_key(w, "lines");
	pfs_jsonw_u64(w, st.lines);
	pfs_jsonw_key(w, "rotations");
	pfs_jsonw_u64(w, st.rotations);
	if (cur.valid) {
	    pfs_jsonw_key(w, "position");
	    put_pos(w, &cur);
	}
	if (old.valid) {
	    pfs_jsonw_key(w, "rotated");
	    put_pos(w, &old);
	}
	pfs_jsonw_obj_end(w);
    }
    pfs_jsonw_arr_end(w);
}

/* put_state - the whole state, as it is built */

static void put_state(struct pfs_jsonw *w, const PFS_STATS *stats, PFS_PARSER *parser,
		              const PFS_FOLLOW *fw, const char *cursor,
		              const json_t *part)
{
    struct cctx cc;
    struct qctx qc;

    pfs_jsonw_obj(w);
    pfs_jsonw_key(w, "format");
    pfs_jsonw_cstr(w, STATE_FORMAT);
    pfs_jsonw_key(w, "version");
    pfs_jsonw_u64(w, STATE_VERSION);
    pfs_jsonw_key(w, "agent");
    pfs_jsonw_cstr(w, PFS_VERSION);
    pfs_jsonw_key(w, "saved");
    pfs_jsonw_i64(w, (int64_t) time((time_t *) 0));
    pfs_jsonw_newline(w);
    put_files(w, fw);
    if (cursor != 0) {
	pfs_jsonw_newline(w);
	pfs_jsonw_key(w, "journal");
	pfs_jsonw_obj(w);
	pfs_jsonw_key(w, "cursor");
	pfs_jsonw_cstr(w, cursor);
	pfs_jsonw_obj_end(w);
    }
    pfs_jsonw_newline(w);
    pfs_jsonw_key(w, "counters");
    pfs_jsonw_obj(w);
    pfs_jsonw_newline(w);
    cc.w = w;
    cc.n = 0;
    pfs_stats_visit(stats, put_counter, &cc);
    pfs_jsonw_obj_end(w);
    pfs_jsonw_newline(w);
    pfs_jsonw_key(w, "queue");
    pfs_jsonw_arr(w);
    pfs_jsonw_newline(w);
    qc.w = w;
    qc.stats = stats;
    qc.n = 0;
    if (parser)
	pfs_qtable_visit(pfs_parser_qtable(parser), add_queued, &qc);
    pfs_jsonw_arr_end(w);
    if (parser) {
	pfs_jsonw_newline(w);
	put_filters(w, stats, parser);
    }
    if (part != 0) {
	pfs_jsonw_newline(w);
	pfs_jsonw_key(w, state_part.name);
	pfs_jsonw_tree(w, part);
    }
    pfs_jsonw_obj_end(w);
}

/* sync_dir - flush the directory holding path */

static int sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char   *dir;
    int     fd;
    int     ret = 0;

    if (slash == 0)
	dir = pfs_strdup(".");
    else if (slash == path)
	dir = pfs_strdup("/");
    else
	dir = pfs_strndup(path, (size_t) (slash - path));
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) < 0)
	ret = -1;
    if (fd >= 0)
	close(fd);
    free(dir);
    return (ret);
}

/* pfs_state_save - write the state atomically */

int     pfs_state_save(const char *path, const PFS_STATS *stats, PFS_PARSER *parser,
		               const PFS_FOLLOW *fw, char *err, size_t errlen)
{
    return (pfs_state_save_cursor(path, stats, parser, fw, 0, err, errlen));
}

/* pfs_state_save_cursor - write the state atomically, journal cursor too */

int     pfs_state_save_cursor(const char *path, const PFS_STATS *stats,
			              PFS_PARSER *parser, const PFS_FOLLOW *fw,
			              const char *cursor, char *err, size_t errlen)
{
    size_t  plen = strlen(path);
    struct pfs_jsonw w;
    json_t *part = 0;
    char   *tmp;
    char    why[256];
    int     fd;
    int     saved;

    /* What could not be read back is not written. */
    if (cursor != 0 && strlen(cursor) > PFS_STATE_CURSOR_MAX) {
	seterr(err, errlen, "not saving state file %s: the journal cursor is "
	       "longer than %d bytes", path, PFS_STATE_CURSOR_MAX);
	return (-1);
    }
    if (state_part.name != 0) {
	why[0] = 0;
	if ((part = state_part.save(state_part.ctx)) == 0
	    || state_part.check(part, why, sizeof(why)) < 0) {
	    seterr(err, errlen, "not saving state file %s: the %s part %s%s", path,
		   state_part.name, part ? "fails its own check: " : "cannot be built",
		   why);
	    json_decref(part);
	    return (-1);
	}
    }
    tmp = pfs_malloc(plen + 8);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", 8);
    if ((fd = mkstemp(tmp)) < 0) {
	seterr(err, errlen, "cannot create a temporary file for state file %s: %s",
	       path, strerror(errno));
	json_decref(part);
	free(tmp);
	return (-1);
    }
    (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
    pfs_jsonw_init(&w, fd);
    put_state(&w, stats, parser, fw, cursor, part);
    json_decref(part);
    if (pfs_jsonw_finish(&w) < 0 || fsync(fd) < 0) {
	saved = errno;
	close(fd);
	goto fail;
    }
    if (close(fd) < 0) {
	saved = errno;
	goto fail;
    }
    if (rename(tmp, path) < 0) {
	saved = errno;
	goto fail;
    }
    if (sync_dir(path) < 0)
	log_warn("cannot flush the directory of state file %s", path);
    saved_bytes = w.bytes;
    free(tmp);
    return (0);

fail:
    seterr(err, errlen, "cannot write state file %s: %s", path, strerror(saved));
    (void) unlink(tmp);
    free(tmp);
    return (-1);
}

/* pfs_state_saved_bytes - size of the last file written */

uint64_t pfs_state_saved_bytes(void)
{
    return (saved_bytes);
}

/* ---- loading ---------------------------------------------------------- */

/*
 * The file is read twice by one walker: a first pass checks everything
 * and changes nothing, a second applies. Members not known here are
 * skipped; the part is parsed by jansson from its bytes, in the first
 * pass, checked, and kept for the second.
 */
enum {
    M_FORMAT = 1 << 0,
    M_VERSION = 1 << 1,
    M_COUNTERS = 1 << 2,
    M_FILES = 1 << 3,
    M_QUEUE = 1 << 4,
    M_JOURNAL = 1 << 5,
    M_PART = 1 << 6,
    M_FILTERS = 1 << 7,
};

struct walk {
    struct pfs_jsonr r;
    int     apply;			/* second pass */
    const char *path;			/* of the state file */
    char   *err;
    size_t  errlen;
    int     bad;			/* err says why */
    int     version;			/* 0: not seen (yet) */
    int     negative;			/* a counter in the old negative form */
    unsigned seen;			/* M_* */
    PFS_STATS *stats;
    PFS_PARSER *parser;
    PFS_FOLLOW *fw;
    json_t *part;			/* the part, from the first pass */
    char    cursor[PFS_STATE_CURSOR_MAX + 1];
    int     has_cursor;
    size_t  unknown;			/* counters this build does not know */
    char    first_unknown[101];
};

/* complain - the first semantic error, in err */

static int PFS_PRINTF(2, 3) complain(struct walk *wk, const char *fmt, ...)
{
    va_list ap;

    if (!wk->bad && wk->err != 0 && wk->errlen > 0) {
	va_start(ap, fmt);
	vsnprintf(wk->err, wk->errlen, fmt, ap);
	va_end(ap);
    }
    wk->bad = 1;
    return (-1);
}

/* value_of - the next value; -1 on a syntax error */

static int value_of(struct walk *wk, struct pfs_jsonr_tok *t)
{
    return (pfs_jsonr_value(&wk->r, t) == PFS_JSONR_ERROR ? -1 : 0);
}

/* read_counters - "counters": {"name": value, ...} */

static int read_counters(struct walk *wk)
{
    struct pfs_jsonr_tok k, v;
    char    name[NAME_MAX_LEN + 1];
    uint64_t n;
    int     rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	return (complain(wk, "state file %s lacks counters, files or queue", wk->path));
    while ((rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (value_of(wk, &v) < 0)
	    return (-1);
	/* Version 1 wrote counters above the signed range as negative. */
	if (pfs_jsonr_bytes(&k, name, NAME_MAX_LEN) < 0
	    || pfs_jsonr_u64(&v, &n, wk->version != STATE_VERSION) < 0) {
	    pfs_jsonr_bytes(&k, name, NAME_MAX_LEN);
	    return (complain(wk, "state file %s: counter %.100s is not a "
			     "non-negative integer", wk->path, name));
	}
	if (v.type == PFS_JSONR_NUMBER && *v.p == '-')
	    wk->negative = 1;
	if (wk->apply && pfs_stats_set_by_name(wk->stats, name, n) < 0
	    && wk->unknown++ == 0)
	    snprintf(wk->first_unknown, sizeof(wk->first_unknown), "%.100s", name);
    }
    return (rc);
}

/* read_hash - a fingerprint string */

static int read_hash(const struct pfs_jsonr_tok *t, uint64_t *hash)
{
    char    fp[17];
    char   *end;

    if (pfs_jsonr_bytes(t, fp, 16) != 16)
	return (-1);
    errno = 0;
    *hash = strtoull(fp, &end, 16);
    return (*end != 0 || errno != 0 ? -1 : 0);
}

/* read_count - a fingerprint's byte count */

static int read_count(const struct pfs_jsonr_tok *t, unsigned *len)
{
    uint64_t n;

    if (pfs_jsonr_u64(t, &n, 0) < 0 || n > PFS_FOLLOW_FP_MAX)
	return (-1);
    *len = (unsigned) n;
    return (0);
}

/* read_pos - one saved file position (see put_pos()); -1 if malformed */

static int read_pos(struct walk *wk, struct pfs_follow_pos *pos)
{
    struct pfs_jsonr_tok k, v;
    unsigned have = 0;
    int     rc, ok;

#define P_DEV	(1 << 0)
#define P_INO	(1 << 1)
#define P_OFF	(1 << 2)
#define P_FP	(1 << 3)
#define P_FPLEN	(1 << 4)
#define P_TAIL	(1 << 5)
#define P_TLEN	(1 << 6)
#define P_PREV	(1 << 7)
#define P_PLEN	(1 << 8)
    memset(pos, 0, sizeof(*pos));
    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	return (-2);
    while ((rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (value_of(wk, &v) < 0)
	    return (-1);
	ok = 1;
	if (pfs_jsonr_is(&k, "dev"))
	    ok = pfs_jsonr_u64(&v, &pos->dev, 1) == 0 && (have |= P_DEV);
	else if (pfs_jsonr_is(&k, "ino"))
	    ok = pfs_jsonr_u64(&v, &pos->ino, 1) == 0 && (have |= P_INO);
	else if (pfs_jsonr_is(&k, "offset"))
	    ok = pfs_jsonr_u64(&v, &pos->offset, 0) == 0 && (have |= P_OFF);
	else if (pfs_jsonr_is(&k, "skipping"))
	    ok = (v.type == PFS_JSONR_TRUE || v.type == PFS_JSONR_FALSE)
		&& ((pos->skipping = v.type == PFS_JSONR_TRUE), 1);
	else if (pfs_jsonr_is(&k, "fingerprint"))
	    ok = read_hash(&v, &pos->fp_hash) == 0 && (have |= P_FP);
	else if (pfs_jsonr_is(&k, "fingerprint_bytes"))
	    ok = read_count(&v, &pos->fp_len) == 0 && (have |= P_FPLEN);
	else if (pfs_jsonr_is(&k, "tail"))
	    ok = read_hash(&v, &pos->tail_hash) == 0 && (have |= P_TAIL);
	else if (pfs_jsonr_is(&k, "tail_bytes"))
	    ok = read_count(&v, &pos->tail_len) == 0 && (have |= P_TLEN);
	else if (pfs_jsonr_is(&k, "previous"))
	    ok = read_hash(&v, &pos->prev_hash) == 0 && (have |= P_PREV);
	else if (pfs_jsonr_is(&k, "previous_bytes"))
	    ok = read_count(&v, &pos->prev_len) == 0 && (have |= P_PLEN);
	else if (pfs_jsonr_is(&k, "mtime"))
	    ok = pfs_jsonr_i64(&v, &pos->mtime_ns) == 0;
	else if (pfs_jsonr_skip(&wk->r, &v) < 0)
	    return (-1);
	if (!ok)
	    return (-2);
    }
    if (rc < 0)
	return (-1);
    if ((have & (P_DEV | P_INO | P_OFF | P_FP | P_FPLEN)) != (P_DEV | P_INO | P_OFF | P_FP | P_FPLEN)
	|| !(have & P_TAIL) != !(have & P_TLEN) || !(have & P_PREV) != !(have & P_PLEN)
	|| pos->tail_len > pos->offset)
	return (-2);
    pos->prev_known = (have & P_PREV) != 0;
    pos->valid = 1;
    return (0);
}

/* read_file - one entry of "files"; -1 syntax, -2 malformed */

static int read_file(struct walk *wk)
{
    struct pfs_jsonr_tok k, v;
    struct pfs_follow_pos cur, old;
    char    fpath[PATH_MAX];
    uint64_t lines = 0, rotations = 0;
    unsigned have = 0;
    int     ok, rc;

    memset(&cur, 0, sizeof(cur));
    memset(&old, 0, sizeof(old));
    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	return (-2);
    while ((rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (pfs_jsonr_is(&k, "position") || pfs_jsonr_is(&k, "rotated")) {
	    if ((rc = read_pos(wk, pfs_jsonr_is(&k, "position") ? &cur : &old)) < 0)
		return (rc);
	    continue;
	}
	if (value_of(wk, &v) < 0)
	    return (-1);
	ok = 1;
	if (pfs_jsonr_is(&k, "path"))
	    ok = pfs_jsonr_bytes(&v, fpath, sizeof(fpath) - 1) >= 0 && (have |= 1);
	else if (pfs_jsonr_is(&k, "lines"))
	    ok = pfs_jsonr_u64(&v, &lines, 0) == 0 && (have |= 2);
	else if (pfs_jsonr_is(&k, "rotations"))
	    ok = pfs_jsonr_u64(&v, &rotations, 0) == 0 && (have |= 4);
	else if (pfs_jsonr_skip(&wk->r, &v) < 0)
	    return (-1);
	if (!ok)
	    return (-2);
    }
    if (rc < 0)
	return (-1);
    if (have != 7)
	return (-2);
    if (wk->apply && (wk->fw == 0
		      || pfs_follow_set_pos(wk->fw, fpath, &cur, &old, lines, rotations) < 0))
	log_info("state file %s: %.200s is no longer followed; its position "
		 "is dropped", wk->path, fpath);
    return (0);
}

/* read_files - "files": [ ... ] */

static int read_files(struct walk *wk)
{
    struct pfs_jsonr_tok v;
    size_t  i = 0;
    int     rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_ARRAY)
	return (complain(wk, "state file %s lacks counters, files or queue", wk->path));
    while ((rc = pfs_jsonr_element(&wk->r)) > 0) {
	if ((rc = read_file(wk)) == -2)
	    return (complain(wk, "state file %s: file entry %zu is malformed", wk->path, i));
	if (rc < 0)
	    return (-1);
	i++;
    }
    return (rc);
}

struct queued {
    char    source[PFS_KEY_MAX + 1];
    ssize_t slen;
    uint64_t sid;
    char    qid[PFS_QID_MAX + 1];
    ssize_t qlen;
    char    account[PFS_ACCOUNT_MAX + 1];
    uint64_t origin;
    uint64_t flags;
    /* Optional: a content-filter link (see put_link_members()). */
    unsigned have;			/* Q_* */
    uint64_t size, nrcpt, line, hop_ms;
    int64_t when[9];
};

#define Q_SOURCE	(1 << 0)
#define Q_QID		(1 << 1)
#define Q_ACCOUNT	(1 << 2)
#define Q_ORIGIN	(1 << 3)
#define Q_FLAGS		(1 << 4)
#define Q_SID		(1 << 5)
#define Q_SIZE		(1 << 6)
#define Q_NRCPT		(1 << 7)
#define Q_LINE		(1 << 8)
#define Q_HOP		(1 << 9)
#define Q_WHEN		(1 << 10)
#define Q_NEEDED	(Q_SOURCE | Q_QID | Q_ACCOUNT | Q_ORIGIN | Q_FLAGS)

/* read_sid - a source identity: 16 hex digits */

static int read_sid(const struct pfs_jsonr_tok *t, uint64_t *sid)
{
    return (read_hash(t, sid));
}

/* read_when - the time of a qmgr line: 9 integers in range */

static int read_when(struct walk *wk, int64_t *when)
{
    struct pfs_jsonr_tok v;
    int     i = 0, rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_ARRAY)
	return (-2);
    while ((rc = pfs_jsonr_element(&wk->r)) > 0) {
	if (value_of(wk, &v) < 0)
	    return (-1);
	if (i >= 9 || pfs_jsonr_i64(&v, when + i) < 0
	    || when[i] < (i == 8 ? -1440 : 0)
	    || when[i] > (i == 0 ? 9999 : i == 6 ? 999999 : 1440))
	    return (-2);
	i++;
    }
    if (rc < 0)
	return (-1);
    return (i == 9 ? 0 : -2);
}

/* read_queued - one message in flight (see put_queued()); -1 syntax, -2 malformed */

static int read_queued(struct walk *wk, struct queued *q)
{
    struct pfs_jsonr_tok k, v;
    int     ok, rc;

    q->have = 0;
    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	return (-2);
    while ((rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (pfs_jsonr_is(&k, "when")) {
	    if ((rc = read_when(wk, q->when)) < 0)
		return (rc);
	    q->have |= Q_WHEN;
	    continue;
	}
	if (value_of(wk, &v) < 0)
	    return (-1);
	ok = 1;
	if (pfs_jsonr_is(&k, "source"))
	    ok = (q->slen = pfs_jsonr_bytes(&v, q->source, PFS_KEY_MAX - 1)) >= 0
		&& (q->have |= Q_SOURCE);
	else if (pfs_jsonr_is(&k, "sid"))
	    ok = read_sid(&v, &q->sid) == 0 && (q->have |= Q_SID);
	else if (pfs_jsonr_is(&k, "qid"))
	    ok = (q->qlen = pfs_jsonr_bytes(&v, q->qid, PFS_QID_MAX)) > 0
		&& (q->have |= Q_QID);
	else if (pfs_jsonr_is(&k, "account"))
	    ok = pfs_jsonr_bytes(&v, q->account, PFS_ACCOUNT_MAX) >= 0
		&& (q->have |= Q_ACCOUNT);
	else if (pfs_jsonr_is(&k, "origin"))
	    ok = pfs_jsonr_u64(&v, &q->origin, 0) == 0 && q->origin <= 255
		&& (q->have |= Q_ORIGIN);
	else if (pfs_jsonr_is(&k, "flags"))
	    ok = pfs_jsonr_u64(&v, &q->flags, 0) == 0 && q->flags <= 255
		&& (q->have |= Q_FLAGS);
	else if (pfs_jsonr_is(&k, "size"))
	    ok = pfs_jsonr_u64(&v, &q->size, 0) == 0 && (q->have |= Q_SIZE);
	else if (pfs_jsonr_is(&k, "nrcpt"))
	    ok = pfs_jsonr_u64(&v, &q->nrcpt, 0) == 0 && q->nrcpt <= UINT32_MAX
		&& (q->have |= Q_NRCPT);
	else if (pfs_jsonr_is(&k, "line"))
	    ok = pfs_jsonr_u64(&v, &q->line, 0) == 0 && (q->have |= Q_LINE);
	else if (pfs_jsonr_is(&k, "hop_ms"))
	    ok = pfs_jsonr_u64(&v, &q->hop_ms, 0) == 0 && (q->have |= Q_HOP);
	else if (pfs_jsonr_skip(&wk->r, &v) < 0)
	    return (-1);
	if (!ok)
	    return (-2);
    }
    if (rc < 0)
	return (-1);
    if ((q->have & Q_NEEDED) != Q_NEEDED)
	return (-2);
    /* Files of earlier agents: the identity of the source's name. */
    if (!(q->have & Q_SID))
	q->sid = pfs_parser_source_id(q->source, (size_t) q->slen);
    return (0);
}

/* apply_queued - restore one checked message in flight */

static void apply_queued(struct walk *wk, const struct queued *q)
{
    struct pfs_qentry *e;
    size_t  row;

    row = pfs_table_row(wk->stats, PFS_TBL_SOURCE, q->source, (size_t) q->slen);
    e = pfs_qtable_add(pfs_parser_qtable(wk->parser), q->sid, q->qid,
		       (size_t) q->qlen, (int *) 0);
    e->source = (uint32_t) row;
    e->origin = (uint8_t) q->origin;
    e->flags = (uint8_t) q->flags;
    snprintf(e->account, sizeof(e->account), "%s", q->account);
    if (q->have & Q_SIZE)
	e->size = q->size;
    if (q->have & Q_NRCPT)
	e->nrcpt = (uint32_t) q->nrcpt;
    if (q->have & Q_LINE)
	e->line = q->line;
    if (q->have & Q_HOP)
	e->hop_ms = q->hop_ms;
    if (q->have & Q_WHEN) {
	e->when.year = (int) q->when[0];
	e->when.mon = (int) q->when[1];
	e->when.mday = (int) q->when[2];
	e->when.hour = (int) q->when[3];
	e->when.min = (int) q->when[4];
	e->when.sec = (int) q->when[5];
	e->when.usec = (long) q->when[6];
	e->when.has_tz = (int) q->when[7];
	e->when.tz_min = (int) q->when[8];
    }
}

#define RELAY_MAX	511		/* longest filter relay read */

/* read_filter - one entry of "filters"; -1 syntax, -2 malformed */

static int read_filter(struct walk *wk)
{
    struct pfs_jsonr_tok k, v;
    char    src[PFS_KEY_MAX + 1];
    char    relay[RELAY_MAX + 1];
    ssize_t slen = -1, rlen = -1;
    uint64_t sid = 0;
    int     have_sid = 0, ok, rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	return (-2);
    while ((rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (value_of(wk, &v) < 0)
	    return (-1);
	ok = 1;
	if (pfs_jsonr_is(&k, "source"))
	    ok = (slen = pfs_jsonr_bytes(&v, src, PFS_KEY_MAX - 1)) >= 0;
	else if (pfs_jsonr_is(&k, "relay"))
	    ok = (rlen = pfs_jsonr_bytes(&v, relay, RELAY_MAX)) > 0;
	else if (pfs_jsonr_is(&k, "sid"))
	    ok = read_sid(&v, &sid) == 0 && (have_sid = 1);
	else if (pfs_jsonr_skip(&wk->r, &v) < 0)
	    return (-1);
	if (!ok)
	    return (-2);
    }
    if (rc < 0)
	return (-1);
    if (slen < 0 || rlen <= 0)
	return (-2);
    if (!have_sid)
	sid = pfs_parser_source_id(src, (size_t) slen);
    if (wk->apply && wk->parser != 0)
	pfs_parser_add_filter(wk->parser, sid,
		(uint32_t) pfs_table_row(wk->stats, PFS_TBL_SOURCE, src, (size_t) slen),
			      relay);
    return (0);
}

/* read_filters - "filters": [ ... ] */

static int read_filters(struct walk *wk)
{
    struct pfs_jsonr_tok v;
    int     rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_ARRAY)
	return (complain(wk, "state file %s: the filter relays are malformed", wk->path));
    while ((rc = pfs_jsonr_element(&wk->r)) > 0) {
	if ((rc = read_filter(wk)) == -2)
	    return (complain(wk, "state file %s: the filter relays are malformed", wk->path));
	if (rc < 0)
	    return (-1);
    }
    return (rc);
}

/* read_queue - "queue": [ ... ] */

static int read_queue(struct walk *wk)
{
    struct pfs_jsonr_tok v;
    struct queued q;
    size_t  i = 0;
    int     rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_ARRAY)
	return (complain(wk, "state file %s lacks counters, files or queue", wk->path));
    while ((rc = pfs_jsonr_element(&wk->r)) > 0) {
	if ((rc = read_queued(wk, &q)) == -2)
	    return (complain(wk, "state file %s: queue entry %zu is malformed", wk->path, i));
	if (rc < 0)
	    return (-1);
	if (wk->apply && wk->parser != 0)
	    apply_queued(wk, &q);
	i++;
    }
    return (rc);
}

/* read_journal - "journal": {"cursor": "..."} */

static int read_journal(struct walk *wk)
{
    struct pfs_jsonr_tok k, v;
    int     rc = 0, ok = 1;

    wk->has_cursor = 0;
    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	ok = 0;
    while (ok && (rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (value_of(wk, &v) < 0)
	    return (-1);
	if (pfs_jsonr_is(&k, "cursor"))
	    ok = pfs_jsonr_bytes(&v, wk->cursor, PFS_STATE_CURSOR_MAX) >= 0
		&& (wk->has_cursor = 1);
	else if (pfs_jsonr_skip(&wk->r, &v) < 0)
	    return (-1);
    }
    if (ok && rc < 0)
	return (-1);
    if (!ok || !wk->has_cursor)
	return (complain(wk, "state file %s: the journal cursor is malformed", wk->path));
    return (0);
}

/* read_part - the part's value: built as jansson's, its check() judges it */

static int read_part(struct walk *wk)
{
    struct pfs_jsonr_tok v;
    char    why[256];

    if (value_of(wk, &v) < 0)
	return (-1);
    if (wk->apply)
	return (pfs_jsonr_skip(&wk->r, &v));
    /* Its check and load see the bytes the names had. */
    if ((wk->part = pfs_jsonr_tree(&wk->r, &v)) == 0)
	return (-1);
    why[0] = 0;
    if (state_part.check(wk->part, why, sizeof(why)) < 0)
	return (complain(wk, "state file %s: %s", wk->path, why));
    return (0);
}

/* once - a member may appear once */

static int once(struct walk *wk, unsigned m)
{
    if (wk->seen & m)
	return (complain(wk, "state file %s: a member appears twice", wk->path));
    wk->seen |= m;
    return (0);
}

/* read_root - the top-level object */

static int read_root(struct walk *wk)
{
    struct pfs_jsonr_tok k, v;
    uint64_t version;
    int     rc;

    if (value_of(wk, &v) < 0)
	return (-1);
    if (v.type != PFS_JSONR_OBJECT)
	return (complain(wk, "%s is not a postfix-stats state file", wk->path));
    while ((rc = pfs_jsonr_member(&wk->r, &k)) > 0) {
	if (pfs_jsonr_is(&k, "format")) {
	    if (once(wk, M_FORMAT) < 0 || value_of(wk, &v) < 0)
		return (-1);
	    if (!pfs_jsonr_is(&v, STATE_FORMAT))
		return (complain(wk, "%s is not a postfix-stats state file", wk->path));
	} else if (pfs_jsonr_is(&k, "version")) {
	    if (once(wk, M_VERSION) < 0 || value_of(wk, &v) < 0)
		return (-1);
	    if (v.type != PFS_JSONR_NUMBER || pfs_jsonr_u64(&v, &version, 0) < 0
		|| (version != 1 && version != STATE_VERSION))
		return (complain(wk, "state file %s has format version %.*s; this "
				 "agent (%s) reads versions 1 to %d only", wk->path,
				 (int) (v.len < 20 ? v.len : 20), v.p, PFS_VERSION,
				 STATE_VERSION));
	    wk->version = (int) version;
	} else if (pfs_jsonr_is(&k, "counters")) {
	    if (once(wk, M_COUNTERS) < 0 || read_counters(wk) < 0)
		return (-1);
	} else if (pfs_jsonr_is(&k, "files")) {
	    if (once(wk, M_FILES) < 0 || read_files(wk) < 0)
		return (-1);
	} else if (pfs_jsonr_is(&k, "queue")) {
	    if (once(wk, M_QUEUE) < 0 || read_queue(wk) < 0)
		return (-1);
	} else if (pfs_jsonr_is(&k, "filters")) {
	    if (once(wk, M_FILTERS) < 0 || read_filters(wk) < 0)
		return (-1);
	} else if (pfs_jsonr_is(&k, "journal")) {
	    if (once(wk, M_JOURNAL) < 0 || read_journal(wk) < 0)
		return (-1);
	} else if (state_part.name != 0 && pfs_jsonr_is(&k, state_part.name)) {
	    if (once(wk, M_PART) < 0 || read_part(wk) < 0)
		return (-1);
	} else if (value_of(wk, &v) < 0 || pfs_jsonr_skip(&wk->r, &v) < 0) {
	    return (-1);
	}
    }
    if (rc < 0 || pfs_jsonr_end(&wk->r) < 0)
	return (-1);
    if (!(wk->seen & M_FORMAT))
	return (complain(wk, "%s is not a postfix-stats state file", wk->path));
    if (!(wk->seen & M_VERSION))
	return (complain(wk, "state file %s has no format version", wk->path));
    if ((wk->seen & (M_COUNTERS | M_FILES | M_QUEUE)) != (M_COUNTERS | M_FILES | M_QUEUE))
	return (complain(wk, "state file %s lacks counters, files or queue", wk->path));
    if (wk->negative && wk->version == STATE_VERSION)
	return (complain(wk, "state file %s: a counter is negative", wk->path));
    return (0);
}

/* walk - one pass over the file; -1 with err set */

static int walk(struct walk *wk, const char *buf, size_t len)
{
    int     ret = 0;

    pfs_jsonr_init(&wk->r, buf, len);
    wk->seen = 0;
    wk->bad = 0;
    if (read_root(wk) < 0) {
	if (!wk->bad)
	    seterr(wk->err, wk->errlen, "state file %s is corrupt at byte %zu: %s",
		   wk->path, pfs_jsonr_offset(&wk->r), wk->r.why ? wk->r.why : "?");
	ret = -1;
    }
    pfs_jsonr_fini(&wk->r);
    return (ret);
}

/* set_aside - keep a bad state file for inspection */

static void set_aside(const char *path, char *err, size_t errlen)
{
    size_t  plen = strlen(path);
    size_t  elen = err ? strlen(err) : 0;
    char   *bad = pfs_malloc(plen + 5);

    memcpy(bad, path, plen);
    memcpy(bad + plen, ".bad", 5);
    if (rename(path, bad) == 0 && err != 0 && elen < errlen)
	snprintf(err + elen, errlen - elen, " (kept as %s)", bad);
    free(bad);
}

/* read_all - the whole file into memory, in large reads */

static char *read_all(int fd, size_t size, size_t *len, int *err)
{
    char   *buf = pfs_malloc(size + 1);
    size_t  got = 0;
    ssize_t n;

    for (;;) {
	if (got == size) {
	    char    probe;

	    /* At the size fstat() gave: the end, or did it grow? */
	    do {
		n = read(fd, &probe, 1);
	    } while (n < 0 && errno == EINTR);
	    if (n == 0)
		break;
	    if (n < 0) {
		*err = errno;
		free(buf);
		return (0);
	    }
	    if ((off_t) size >= STATE_MAX_SIZE) {
		*err = EFBIG;
		free(buf);
		return (0);
	    }
	    size = size * 2 + 4096;
	    buf = pfs_reallocarray(buf, size + 1, 1);
	    buf[got++] = probe;
	}
	n = read(fd, buf + got, size - got);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    *err = errno;
	    free(buf);
	    return (0);
	}
	if (n == 0)
	    break;
	got += (size_t) n;
    }
    *len = got;
    return (buf);
}

/* give_back - return the memory of what was freed to the system */

static void give_back(void)
{
#ifdef HAVE_MALLOC_TRIM
    (void) malloc_trim(0);
#endif
}

/* pfs_state_load - restore, or say why not */

enum pfs_state_result pfs_state_load(const char *path, PFS_STATS *stats,
			               PFS_PARSER *parser, PFS_FOLLOW *fw,
				             char *err, size_t errlen)
{
    return (pfs_state_load_cursor(path, stats, parser, fw, 0, 0, 0, err, errlen));
}

/* pfs_state_load_cursor - restore, journal cursor too */

enum pfs_state_result pfs_state_load_cursor(const char *path, PFS_STATS *stats,
			               PFS_PARSER *parser, PFS_FOLLOW *fw,
				             char *cursor, size_t cursor_len,
				             int *cursor_found, char *err, size_t errlen)
{
    struct walk *wk;
    struct stat st;
    char   *buf;
    size_t  len, elen;
    int     fd, rerr = 0;

    if (cursor_found)
	*cursor_found = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
	if (errno == ENOENT) {
	    seterr(err, errlen, "no state file %s: first start", path);
	    return (PFS_STATE_ABSENT);
	}
	seterr(err, errlen, "cannot open state file %s: %s", path, strerror(errno));
	goto unreadable;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
	seterr(err, errlen, "state file %s is not a regular file", path);
	close(fd);
	goto unreadable;
    }
    if (st.st_size > STATE_MAX_SIZE) {
	seterr(err, errlen, "state file %s is larger than 1 GiB", path);
	close(fd);
	goto bad;
    }
    buf = read_all(fd, (size_t) st.st_size, &len, &rerr);
    close(fd);
    if (buf == 0 && rerr == EFBIG) {
	seterr(err, errlen, "state file %s is larger than 1 GiB", path);
	goto bad;
    }
    if (buf == 0) {
	seterr(err, errlen, "cannot read state file %s: %s", path, strerror(rerr));
	goto unreadable;
    }
    wk = pfs_calloc(1, sizeof(*wk));
    wk->path = path;
    wk->err = err;
    wk->errlen = errlen;
    wk->stats = stats;
    wk->parser = parser;
    wk->fw = fw;
    if (walk(wk, buf, len) < 0) {
	json_decref(wk->part);
	free(wk);
	free(buf);
	give_back();
	goto bad;
    }
    wk->apply = 1;
    (void) walk(wk, buf, len);
    free(buf);
    /* Receipts that wait for a content-filter link back in line. */
    if (parser != 0)
	pfs_parser_restore(parser);
    if (wk->unknown > 0)
	log_warnx("state file %s: %zu counter(s) unknown to this agent, such as "
		  "\"%.100s\", are dropped", path, wk->unknown, wk->first_unknown);
    if (wk->part != 0)
	state_part.load(state_part.ctx, wk->part);
    json_decref(wk->part);
    if (wk->has_cursor && cursor_found != 0 && cursor != 0
	&& strlen(wk->cursor) < cursor_len) {
	strcpy(cursor, wk->cursor);
	*cursor_found = 1;
    }
    free(wk);
    give_back();
    seterr(err, errlen, "state restored from %s", path);
    return (PFS_STATE_LOADED);

bad:
    set_aside(path, err, errlen);
    elen = err ? strlen(err) : 0;
    if (err != 0 && elen < errlen)
	snprintf(err + elen, errlen - elen, "; starting afresh");
    return (PFS_STATE_BAD);

unreadable:
    elen = err ? strlen(err) : 0;
    if (err != 0 && elen < errlen)
	snprintf(err + elen, errlen - elen, "; the file is left as it is");
    return (PFS_STATE_UNREADABLE);
}
