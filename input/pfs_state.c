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
 * DESCRIPTION
 *	pfs_state_save() writes one JSON object (jansson):
 * .nf
 *
 *	{ "format": "postfix-stats-state", "version": 1,
 *	  "agent": "0.1.0", "saved": 1700000000,
 *	  "counters": { "lines": 166, "sent:smtp": 9, ... },
 *	  "files": [ { "path": "/var/log/mail.log", "lines": 166,
 *		       "rotations": 0,
 *		       "position": { "dev": 2049, "ino": 1234,
 *			  "offset": 20480, "skipping": false,
 *			  "fingerprint": "9c2f...", "fingerprint_bytes": 256 },
 *		       "rotated": { ... } } ],
 *	  "queue": [ { "source": "mx1/postfix", "sid": "5d1c...",
 *		       "qid": "3F2A41C0E5", "origin": 1, "flags": 0,
 *		       "account": "" } ],
 *	  "filters": [ { "source": "mx1/postfix", "sid": "5d1c...",
 *			 "relay": "127.0.0.1[127.0.0.1]:10024" } ],
 *	  "journal": { "cursor": "s=...;i=...;b=...;m=...;t=...;x=..." } }
 * .fi
 *
 *	Every counter is saved under its flat name (pfs_stats_visit). A file's
 *	"position" is where reading resumes, always at a line start (or, with
 *	"skipping", inside an overlong line already counted); "rotated" is
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
 *	restored through its hooks. Device and
 *	inode numbers are stored as the two's complement of their 64 bits
 *	when they do not fit a signed integer.
 *
 *	The file is written to a temporary file in the same directory
 *	(mode 0600), flushed with fsync(), renamed over the old one, and the
 *	directory is flushed too: a crash leaves the old state or the new one,
 *	never a mix.
 *
 *	pfs_state_load() reads such a file into a fresh counter store, parser
 *	and follower (before pfs_follow_start()). The whole file is checked
 *	before anything is changed, so a bad file leaves everything as it
 *	was. A counter name this build does not know is skipped with a
 *	warning; a file path no longer configured is dropped.
 * DIAGNOSTICS
 *	pfs_state_save() returns 0, or -1 with the reason in err.
 *
 *	pfs_state_load() returns PFS_STATE_LOADED, PFS_STATE_ABSENT (no file:
 *	first start) or PFS_STATE_BAD (unreadable, not JSON, not a state
 *	file, a format version this agent does not know, or a value of the
 *	wrong type), with a sentence in err that says which and that the
 *	agent starts afresh. A file that is corrupt or from another version
 *	is renamed to PATH.bad, so that the next save does not destroy it.
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
#include "pfs_log.h"
#include "pfs_state.h"
#include "pfs_util.h"

#define STATE_FORMAT	"postfix-stats-state"
#define STATE_VERSION	1
#define STATE_MAX_SIZE	((off_t) 1 << 30)

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

/* add_counter - PFS_STATS_VISIT into the "counters" object */

static void add_counter(const char *name, uint64_t value, void *ctx)
{
    if (json_object_set_new((json_t *) ctx, name, json_integer((json_int_t) value)) < 0)
	fatalx("out of memory saving counter %s", name);
}

struct qctx {
    json_t *array;
    const PFS_STATS *stats;
};

/* add_link_members - what an entry holds for a content-filter link */

static void add_link_members(json_t *o, const struct pfs_qentry *e)
{
    const struct pfs_time *t = &e->when;

    if ((e->flags & PFS_QF_PENDING)
	&& (json_object_set_new(o, "size", json_integer((json_int_t) e->size)) < 0
	    || json_object_set_new(o, "nrcpt", json_integer((json_int_t) e->nrcpt)) < 0
	    || json_object_set_new(o, "line", json_integer((json_int_t) e->line)) < 0
	    || json_object_set_new(o, "when",
				   json_pack("[i,i,i,i,i,i,I,i,i]", t->year, t->mon,
				    t->mday, t->hour, t->min, t->sec, (json_int_t) t->usec,
					     t->has_tz, t->tz_min)) < 0))
	fatalx("cannot save queue entry %.40s", e->qid);
    if (e->hop_ms > 0
	&& json_object_set_new(o, "hop_ms", json_integer((json_int_t) e->hop_ms)) < 0)
	fatalx("cannot save queue entry %.40s", e->qid);
}

/* add_queued - PFS_QTABLE_VISIT into the "queue" array */

static void add_queued(const struct pfs_qentry *e, void *ctx)
{
    struct qctx *qc = ctx;
    const char *src = pfs_table_key(qc->stats, PFS_TBL_SOURCE, e->source);
    char    sid[17];
    json_t *o;

    snprintf(sid, sizeof(sid), "%016" PRIx64, e->sid);
    o = json_pack("{s:s, s:s, s:s#, s:i, s:i, s:s}",
		  "source", src ? src : "", "sid", sid,
		  "qid", e->qid, (int) e->qlen,
		  "origin", (int) e->origin,
		  "flags", (int) e->flags,
		  "account", e->account);
    if (o == 0)
	fatalx("cannot save queue entry %.40s", e->qid);
    add_link_members(o, e);
    if (json_array_append_new(qc->array, o) < 0)
	fatalx("cannot save queue entry %.40s", e->qid);
}

/* filters_json - the content-filter relays the parser learned */

static json_t *filters_json(const PFS_STATS *stats, const PFS_PARSER *parser)
{
    json_t *a = json_array();
    const char *relay;
    const char *src;
    uint64_t sid;
    uint32_t row;
    char    hex[17];
    size_t  i;

    if (a == 0)
	fatalx("out of memory saving the state");
    for (i = 0; (relay = pfs_parser_filter(parser, i, &sid, &row)) != 0; i++) {
	src = pfs_table_key(stats, PFS_TBL_SOURCE, row);
	snprintf(hex, sizeof(hex), "%016" PRIx64, sid);
	if (json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "source", src ? src : "",
					       "sid", hex, "relay", relay)) < 0)
	    fatalx("out of memory saving the state");
    }
    return (a);
}

/* pos_json - one file position */

static json_t *pos_json(const struct pfs_follow_pos *pos)
{
    char    fp[17];
    json_t *o;

    snprintf(fp, sizeof(fp), "%016" PRIx64, pos->fp_hash);
    o = json_pack("{s:I, s:I, s:I, s:b, s:s, s:i}",
		  "dev", (json_int_t) pos->dev,
		  "ino", (json_int_t) pos->ino,
		  "offset", (json_int_t) pos->offset,
		  "skipping", pos->skipping,
		  "fingerprint", fp,
		  "fingerprint_bytes", (int) pos->fp_len);
    if (o == 0)
	fatalx("out of memory saving a file position");
    return (o);
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

/* build - the whole state as JSON */

static json_t *build(const PFS_STATS *stats, PFS_PARSER *parser, const PFS_FOLLOW *fw,
		            const char *cursor)
{
    json_t *root = json_object();
    json_t *counters = json_object();
    json_t *files = json_array();
    struct qctx qc;
    size_t  i;

    qc.array = json_array();
    qc.stats = stats;
    if (root == 0 || counters == 0 || files == 0 || qc.array == 0)
	fatalx("out of memory saving the state");
    pfs_stats_visit(stats, add_counter, counters);
    if (parser)
	pfs_qtable_visit(pfs_parser_qtable(parser), add_queued, &qc);
    for (i = 0; fw != 0 && i < pfs_follow_count(fw); i++) {
	struct pfs_follow_status st;
	struct pfs_follow_pos cur, old;
	json_t *o;

	pfs_follow_status(fw, i, &st);
	pfs_follow_get_pos(fw, i, &cur, &old);
	o = json_pack("{s:s, s:I, s:I}", "path", st.path,
		      "lines", (json_int_t) st.lines,
		      "rotations", (json_int_t) st.rotations);
	if (o == 0)
	    fatalx("out of memory saving file %s", st.path);
	if (cur.valid)
	    json_object_set_new(o, "position", pos_json(&cur));
	if (old.valid)
	    json_object_set_new(o, "rotated", pos_json(&old));
	if (json_array_append_new(files, o) < 0)
	    fatalx("out of memory saving file %s", st.path);
    }
    if (json_object_set_new(root, "format", json_string(STATE_FORMAT)) < 0
	|| json_object_set_new(root, "version", json_integer(STATE_VERSION)) < 0
	|| json_object_set_new(root, "agent", json_string(PFS_VERSION)) < 0
	|| json_object_set_new(root, "saved", json_integer((json_int_t) time(0))) < 0
	|| json_object_set_new(root, "counters", counters) < 0
	|| json_object_set_new(root, "files", files) < 0
	|| json_object_set_new(root, "queue", qc.array) < 0
	|| (parser != 0 && json_object_set_new(root, "filters",
					       filters_json(stats, parser)) < 0)
	|| (cursor != 0 && json_object_set_new(root, "journal",
			  json_pack("{s:s}", "cursor", cursor)) < 0)
	|| (state_part.name != 0 && json_object_set_new(root, state_part.name,
				     state_part.save(state_part.ctx)) < 0))
	fatalx("out of memory saving the state");
    return (root);
}

/* write_all - write a buffer, retrying short writes */

static int write_all(int fd, const char *p, size_t len)
{
    ssize_t n;

    while (len > 0) {
	n = write(fd, p, len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0)
	    return (-1);
	p += n;
	len -= (size_t) n;
    }
    return (0);
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
    json_t *root = build(stats, parser, fw, cursor);
    char   *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    size_t  plen = strlen(path);
    char   *tmp = pfs_malloc(plen + 8);
    int     fd;
    int     saved;

    json_decref(root);
    if (text == 0)
	fatalx("cannot format the state");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", 8);
    if ((fd = mkstemp(tmp)) < 0) {
	seterr(err, errlen, "cannot create a temporary file for state file %s: %s",
	       path, strerror(errno));
	free(text);
	free(tmp);
	return (-1);
    }
    (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0
	|| fsync(fd) < 0) {
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
    free(text);
    free(tmp);
    return (0);

fail:
    seterr(err, errlen, "cannot write state file %s: %s", path, strerror(saved));
    (void) unlink(tmp);
    free(text);
    free(tmp);
    return (-1);
}

/* get_u64 - a non-negative integer member; -1 if absent or wrong */

static int get_u64(const json_t *obj, const char *key, uint64_t *val, int wrap)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v))
	return (-1);
    if (!wrap && json_integer_value(v) < 0)
	return (-1);
    *val = (uint64_t) json_integer_value(v);
    return (0);
}

/* opt_u64 - an optional member: absent, or a non-negative integer */

static int opt_u64(const json_t *obj, const char *key)
{
    uint64_t n;

    return (json_object_get(obj, key) == 0 || get_u64(obj, key, &n, 0) == 0 ? 0 : -1);
}

/* check_link_members - a queue entry's optional content-filter members */

static int check_link_members(const json_t *v)
{
    const json_t *w = json_object_get(v, "when");
    size_t  i;

    if (opt_u64(v, "size") < 0 || opt_u64(v, "nrcpt") < 0 || opt_u64(v, "line") < 0
	|| opt_u64(v, "hop_ms") < 0)
	return (-1);
    if (w == 0)
	return (0);
    if (!json_is_array(w) || json_array_size(w) != 9)
	return (-1);
    for (i = 0; i < 9; i++) {
	json_int_t n = json_integer_value(json_array_get(w, i));

	if (!json_is_integer(json_array_get(w, i)) || n < (i == 8 ? -1440 : 0)
	    || n > (i == 0 ? 9999 : i == 6 ? 999999 : 1440))
	    return (-1);
    }
    return (0);
}

/* get_sid - an entry's "sid", or the identity of its "source"; -1 if bad */

static int get_sid(const json_t *v, uint64_t *sid)
{
    const json_t *o = json_object_get(v, "sid");
    const char *s;
    char   *end;

    if (o == 0) {
	s = json_string_value(json_object_get(v, "source"));
	*sid = pfs_parser_source_id(s, strlen(s));
	return (0);
    }
    if ((s = json_string_value(o)) == 0 || strlen(s) != 16)
	return (-1);
    errno = 0;
    *sid = strtoull(s, &end, 16);
    return (*end != 0 || errno != 0 ? -1 : 0);
}

/* check_filters - the "filters" array */

static int check_filters(const json_t *a)
{
    const json_t *v;
    const char *s;
    uint64_t sid;
    size_t  i;

    if (!json_is_array(a))
	return (-1);
    json_array_foreach(a, i, v) {
	if (!json_is_object(v)
	    || (s = json_string_value(json_object_get(v, "source"))) == 0
	    || strlen(s) >= PFS_KEY_MAX
	    || (s = json_string_value(json_object_get(v, "relay"))) == 0 || *s == 0
	    || get_sid(v, &sid) < 0)
	    return (-1);
    }
    return (0);
}

/* parse_pos - one saved file position */

static int parse_pos(const json_t *o, struct pfs_follow_pos *pos)
{
    const char *fp;
    uint64_t fplen;
    json_t *sk;
    char   *end;

    memset(pos, 0, sizeof(*pos));
    if (o == 0)
	return (0);
    if (!json_is_object(o)
	|| get_u64(o, "dev", &pos->dev, 1) < 0
	|| get_u64(o, "ino", &pos->ino, 1) < 0
	|| get_u64(o, "offset", &pos->offset, 0) < 0
	|| get_u64(o, "fingerprint_bytes", &fplen, 0) < 0
	|| fplen > PFS_FOLLOW_FP_MAX
	|| (fp = json_string_value(json_object_get(o, "fingerprint"))) == 0
	|| strlen(fp) != 16
	|| ((sk = json_object_get(o, "skipping")) != 0 && !json_is_boolean(sk)))
	return (-1);
    errno = 0;
    pos->fp_hash = strtoull(fp, &end, 16);
    if (*end != 0 || errno != 0)
	return (-1);
    pos->fp_len = (unsigned) fplen;
    pos->skipping = sk != 0 && json_is_true(sk);
    pos->valid = 1;
    return (0);
}

/* check - the whole file, before anything is changed */

static int check(const json_t *root, char *err, size_t errlen, const char *path)
{
    const json_t *counters, *files, *queue, *v;
    const char *format, *key;
    size_t  i;
    json_int_t version;
    char    why[256];

    if (!json_is_object(root)
	|| (format = json_string_value(json_object_get(root, "format"))) == 0
	|| strcmp(format, STATE_FORMAT) != 0) {
	seterr(err, errlen, "%s is not a postfix-stats state file", path);
	return (-1);
    }
    if (!json_is_integer(json_object_get(root, "version"))) {
	seterr(err, errlen, "state file %s has no format version", path);
	return (-1);
    }
    version = json_integer_value(json_object_get(root, "version"));
    if (version != STATE_VERSION) {
	seterr(err, errlen, "state file %s has format version %lld; this agent "
	       "(%s) reads version %d only", path, (long long) version,
	       PFS_VERSION, STATE_VERSION);
	return (-1);
    }
    counters = json_object_get(root, "counters");
    files = json_object_get(root, "files");
    queue = json_object_get(root, "queue");
    if (!json_is_object(counters) || !json_is_array(files) || !json_is_array(queue)) {
	seterr(err, errlen, "state file %s lacks counters, files or queue", path);
	return (-1);
    }
    json_object_foreach((json_t *) counters, key, v) {
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
	    seterr(err, errlen, "state file %s: counter %.100s is not a "
		   "non-negative integer", path, key);
	    return (-1);
	}
    }
    json_array_foreach(files, i, v) {
	struct pfs_follow_pos pos;
	uint64_t n;

	if (!json_is_object(v) || !json_is_string(json_object_get(v, "path"))
	    || get_u64(v, "lines", &n, 0) < 0 || get_u64(v, "rotations", &n, 0) < 0
	    || parse_pos(json_object_get(v, "position"), &pos) < 0
	    || parse_pos(json_object_get(v, "rotated"), &pos) < 0) {
	    seterr(err, errlen, "state file %s: file entry %zu is malformed", path, i);
	    return (-1);
	}
    }
    if ((v = json_object_get(root, "journal")) != 0
	&& (!json_is_object(v) || (key = json_string_value(json_object_get(v, "cursor"))) == 0
	    || strlen(key) > PFS_STATE_CURSOR_MAX)) {
	seterr(err, errlen, "state file %s: the journal cursor is malformed", path);
	return (-1);
    }
    if (state_part.name != 0 && (v = json_object_get(root, state_part.name)) != 0
	&& state_part.check(v, why, sizeof(why)) < 0) {
	seterr(err, errlen, "state file %s: %s", path, why);
	return (-1);
    }
    json_array_foreach(queue, i, v) {
	uint64_t origin, flags, sid;
	const char *s;

	if (!json_is_object(v)
	    || (s = json_string_value(json_object_get(v, "source"))) == 0
	    || strlen(s) >= PFS_KEY_MAX
	    || (s = json_string_value(json_object_get(v, "qid"))) == 0
	    || *s == 0 || strlen(s) > PFS_QID_MAX
	    || (s = json_string_value(json_object_get(v, "account"))) == 0
	    || strlen(s) > PFS_ACCOUNT_MAX
	    || get_u64(v, "origin", &origin, 0) < 0 || origin > 255
	    || get_u64(v, "flags", &flags, 0) < 0 || flags > 255
	    || check_link_members(v) < 0
	    || get_sid(v, &sid) < 0) {
	    seterr(err, errlen, "state file %s: queue entry %zu is malformed", path, i);
	    return (-1);
	}
    }
    if ((v = json_object_get(root, "filters")) != 0 && check_filters(v) < 0) {
	seterr(err, errlen, "state file %s: the filter relays are malformed", path);
	return (-1);
    }
    return (0);
}

/* apply_link_members - restore what check_link_members() accepted */

static void apply_link_members(const json_t *v, struct pfs_qentry *e)
{
    const json_t *w = json_object_get(v, "when");
    uint64_t n;

    if (get_u64(v, "size", &n, 0) == 0)
	e->size = n;
    if (get_u64(v, "nrcpt", &n, 0) == 0)
	e->nrcpt = (uint32_t) n;
    if (get_u64(v, "line", &n, 0) == 0)
	e->line = n;
    if (get_u64(v, "hop_ms", &n, 0) == 0)
	e->hop_ms = n;
    if (json_is_array(w)) {
	e->when.year = (int) json_integer_value(json_array_get(w, 0));
	e->when.mon = (int) json_integer_value(json_array_get(w, 1));
	e->when.mday = (int) json_integer_value(json_array_get(w, 2));
	e->when.hour = (int) json_integer_value(json_array_get(w, 3));
	e->when.min = (int) json_integer_value(json_array_get(w, 4));
	e->when.sec = (int) json_integer_value(json_array_get(w, 5));
	e->when.usec = (long) json_integer_value(json_array_get(w, 6));
	e->when.has_tz = (int) json_integer_value(json_array_get(w, 7));
	e->when.tz_min = (int) json_integer_value(json_array_get(w, 8));
    }
}

/* apply - restore a checked file */

static void apply(const json_t *root, PFS_STATS *stats, PFS_PARSER *parser,
		          PFS_FOLLOW *fw, const char *path)
{
    const json_t *v;
    const char *key;
    size_t  i;
    size_t  unknown = 0;
    const char *first_unknown = 0;

    json_object_foreach(json_object_get(root, "counters"), key, v) {
	if (pfs_stats_set_by_name(stats, key, (uint64_t) json_integer_value(v)) < 0) {
	    if (unknown++ == 0)
		first_unknown = key;
	}
    }
    if (unknown > 0)
	log_warnx("state file %s: %zu counter(s) unknown to this agent, such as "
		  "\"%.100s\", are dropped", path, unknown, first_unknown);
    json_array_foreach(json_object_get(root, "files"), i, v) {
	struct pfs_follow_pos cur, old;
	uint64_t lines = 0, rotations = 0;
	const char *fpath = json_string_value(json_object_get(v, "path"));

	(void) parse_pos(json_object_get(v, "position"), &cur);
	(void) parse_pos(json_object_get(v, "rotated"), &old);
	(void) get_u64(v, "lines", &lines, 0);
	(void) get_u64(v, "rotations", &rotations, 0);
	if (fw == 0 || pfs_follow_set_pos(fw, fpath, &cur, &old, lines, rotations) < 0)
	    log_info("state file %s: %.200s is no longer followed; its position "
		     "is dropped", path, fpath);
    }
    if (state_part.name != 0 && (v = json_object_get(root, state_part.name)) != 0)
	state_part.load(state_part.ctx, v);
    if (parser == 0)
	return;
    json_array_foreach(json_object_get(root, "queue"), i, v) {
	const char *src = json_string_value(json_object_get(v, "source"));
	const char *qid = json_string_value(json_object_get(v, "qid"));
	const char *account = json_string_value(json_object_get(v, "account"));
	uint64_t origin = 0, flags = 0, sid = 0;
	struct pfs_qentry *e;
	size_t  row;

	(void) get_u64(v, "origin", &origin, 0);
	(void) get_u64(v, "flags", &flags, 0);
	(void) get_sid(v, &sid);
	row = pfs_table_row(stats, PFS_TBL_SOURCE, src, strlen(src));
	e = pfs_qtable_add(pfs_parser_qtable(parser), sid, qid, strlen(qid), (int *) 0);
	e->source = (uint32_t) row;
	e->origin = (uint8_t) origin;
	e->flags = (uint8_t) flags;
	snprintf(e->account, sizeof(e->account), "%s", account);
	apply_link_members(v, e);
    }
    /* Waiting receipts back in line, then the filters learned. */
    pfs_parser_restore(parser);
    json_array_foreach(json_object_get(root, "filters"), i, v) {
	const char *src = json_string_value(json_object_get(v, "source"));
	uint64_t sid = 0;

	(void) get_sid(v, &sid);
	pfs_parser_add_filter(parser, sid,
			      (uint32_t) pfs_table_row(stats, PFS_TBL_SOURCE, src, strlen(src)),
			      json_string_value(json_object_get(v, "relay")));
    }
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
    const char *saved_cursor;
    json_error_t jerr;
    json_t *root;
    struct stat st;
    int     fd;
    size_t  elen;

    if (cursor_found)
	*cursor_found = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
	if (errno == ENOENT) {
	    seterr(err, errlen, "no state file %s: first start", path);
	    return (PFS_STATE_ABSENT);
	}
	seterr(err, errlen, "cannot open state file %s: %s", path, strerror(errno));
	goto bad_kept;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_MAX_SIZE) {
	seterr(err, errlen, "state file %s is not a regular file of at most 1 GiB", path);
	close(fd);
	goto bad_kept;
    }
    root = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
    close(fd);
    if (root == 0) {
	seterr(err, errlen, "state file %s is corrupt: line %d: %.100s",
	       path, jerr.line, jerr.text);
	goto bad;
    }
    if (check(root, err, errlen, path) < 0) {
	json_decref(root);
	goto bad;
    }
    apply(root, stats, parser, fw, path);
    saved_cursor = json_string_value(json_object_get(json_object_get(root, "journal"),
						     "cursor"));
    if (cursor_found)
	*cursor_found = saved_cursor != 0 && cursor != 0
	    && strlen(saved_cursor) < cursor_len;
    if (cursor_found && *cursor_found)
	strcpy(cursor, saved_cursor);
    json_decref(root);
    seterr(err, errlen, "state restored from %s", path);
    return (PFS_STATE_LOADED);

bad:
    set_aside(path, err, errlen);
bad_kept:
    elen = err ? strlen(err) : 0;
    if (err != 0 && elen < errlen)
	snprintf(err + elen, errlen - elen, "; starting afresh");
    return (PFS_STATE_BAD);
}
