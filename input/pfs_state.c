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
 *	{"source":"mx1/postfix","qid":"3F2A41C0E5","origin":1,"flags":0,"account":""},
 *	...],
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
 *	before a restart and removed after it is counted once. "journal" is
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
 *	way), and turned back into the byte on load. The part is checked with
 *	its own check() before it is written: a state the agent could not
 *	read back is never saved (the save fails and the old file stays).
 *	The file is written as it is built, through a small buffer: saving
 *	takes no memory in proportion to the state, apart from the part's
 *	JSON tree.
 *
 *	The file is written to a temporary file in the same directory
 *	(mode 0600), flushed with fsync(), renamed over the old one, and the
 *	directory is flushed too: a crash leaves the old state or the new one,
 *	never a mix.
 *
 *	pfs_state_load() reads such a file into a fresh counter store, parser
 *	and follower (before pfs_follow_start()), through a buffered reader,
 *	and gives the memory of the parsed tree back to the system afterwards
 *	(malloc_trim()). The whole file is checked before anything is changed,
 *	so a bad file leaves everything as it was. A counter name this build
 *	does not know is skipped with a warning; a file path no longer
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

#include "pfs_log.h"
#include "pfs_state.h"
#include "pfs_util.h"

#define STATE_FORMAT	"postfix-stats-state"
#define STATE_VERSION	2		/* written; 1 and 2 are read */
#define STATE_MAX_SIZE	((off_t) 1 << 30)
#define WBUF_SIZE	(128 * 1024)	/* write buffer */
#define RBUF_SIZE	(256 * 1024)	/* read buffer */
#define NAME_MAX_LEN	(PFS_KEY_MAX + 64)	/* longest counter name */

/* Bytes that are not UTF-8 become U+10FF00 + byte: F4 8F BC..BF 80..BF. */
#define ESC_B0		0xF4
#define ESC_B1		0x8F

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

/* ---- writing ---------------------------------------------------------- */

struct wbuf {
    int     fd;
    char   *buf;			/* WBUF_SIZE */
    size_t  len;
    int     err;			/* errno of the first failed write */
    uint64_t bytes;			/* written so far */
};

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

/* wb_flush - write out what the buffer holds */

static void wb_flush(struct wbuf *w)
{
    if (w->len > 0 && w->err == 0 && write_all(w->fd, w->buf, w->len) < 0)
	w->err = errno ? errno : EIO;
    w->bytes += w->len;
    w->len = 0;
}

/* wb_mem - append bytes */

static void wb_mem(struct wbuf *w, const char *p, size_t n)
{
    if (n > WBUF_SIZE - w->len) {
	wb_flush(w);
	if (n > WBUF_SIZE) {
	    if (w->err == 0 && write_all(w->fd, p, n) < 0)
		w->err = errno ? errno : EIO;
	    w->bytes += n;
	    return;
	}
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

#define wb_lit(w, s)	wb_mem((w), (s), sizeof(s) - 1)

/* wb_digits - an unsigned number in decimal */

static void wb_digits(struct wbuf *w, uint64_t v)
{
    char    d[24];
    char   *p = d + sizeof(d);

    do {
	*--p = (char) ('0' + v % 10);
	v /= 10;
    } while (v > 0);
    wb_mem(w, p, (size_t) (d + sizeof(d) - p));
}

/* wb_u64 - a number; a string of digits above the signed range */

static void wb_u64(struct wbuf *w, uint64_t v)
{
    if (v > (uint64_t) INT64_MAX) {
	wb_lit(w, "\"");
	wb_digits(w, v);
	wb_lit(w, "\"");
    } else {
	wb_digits(w, v);
    }
}

/* wb_i64 - a signed number */

static void wb_i64(struct wbuf *w, int64_t v)
{
    if (v < 0) {
	wb_lit(w, "-");
	wb_digits(w, (uint64_t) 0 - (uint64_t) v);
    } else {
	wb_digits(w, (uint64_t) v);
    }
}

/* utf8_len - length of a valid UTF-8 sequence at p, 0 if invalid */

static size_t utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    size_t  len, i;
    uint32_t v;

    if (c < 0xC2 || c > 0xF4)
	return (0);
    len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n < len)
	return (0);
    v = c & (0x3F >> (len - 1));
    for (i = 1; i < len; i++) {
	if ((p[i] & 0xC0) != 0x80)
	    return (0);
	v = (v << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)))
	|| (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
	return (0);
    *cp = v;
    return (len);
}

/* wb_esc_byte - one byte as the character U+10FF00 + byte */

static void wb_esc_byte(struct wbuf *w, unsigned char b)
{
    char    e[4];

    e[0] = (char) ESC_B0;
    e[1] = (char) ESC_B1;
    e[2] = (char) (0xBC + (b >> 6));
    e[3] = (char) (0x80 | (b & 0x3F));
    wb_mem(w, e, 4);
}

/* wb_str - a JSON string that reads back as exactly these bytes */

static void wb_str(struct wbuf *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *end = p + n;
    const unsigned char *run;
    char    esc[6];
    uint32_t cp;
    size_t  len;

    wb_lit(w, "\"");
    while (p < end) {
	/* The common case: printable ASCII, written as it is. */
	for (run = p; p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\'; p++)
	     /* void */ ;
	if (p > run)
	    wb_mem(w, (const char *) run, (size_t) (p - run));
	if (p >= end)
	    break;
	if (*p == '"' || *p == '\\') {
	    esc[0] = '\\';
	    esc[1] = (char) *p++;
	    wb_mem(w, esc, 2);
	} else if (*p < 0x20) {
	    memcpy(esc, "\\u00", 4);
	    esc[4] = hex[*p >> 4];
	    esc[5] = hex[*p & 0xF];
	    wb_mem(w, esc, 6);
	    p++;
	} else if ((len = utf8_len(p, (size_t) (end - p), &cp)) == 0) {
	    wb_esc_byte(w, *p++);		/* not UTF-8 */
	} else if (cp >= 0x10FF00) {
	    while (len-- > 0)			/* our escape range: by byte */
		wb_esc_byte(w, *p++);
	} else {
	    wb_mem(w, (const char *) p, len);
	    p += len;
	}
    }
    wb_lit(w, "\"");
}

/* wb_cstr - a NUL-terminated string */

static void wb_cstr(struct wbuf *w, const char *s)
{
    wb_str(w, s, strlen(s));
}

/* wb_real - a real as jansson writes it */

static void wb_real(struct wbuf *w, double d)
{
    char    buf[64];
    int     n = snprintf(buf, sizeof(buf), "%.17g", d);
    char   *c;

    if (n < 0 || (size_t) n >= sizeof(buf) - 3)
	n = snprintf(buf, sizeof(buf), "0.0");
    if ((c = strchr(buf, ',')) != 0)
	*c = '.';				/* a locale's decimal comma */
    if (strpbrk(buf, ".eE") == 0) {
	memcpy(buf + n, ".0", 3);
	n += 2;
    }
    wb_mem(w, buf, (size_t) n);
}

/* wb_json - a jansson value, strings as wb_str() writes them */

static void wb_json(struct wbuf *w, const json_t *v)
{
    const char *key;
    json_t *m;
    size_t  i;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
	wb_lit(w, "{");
	i = 0;
	json_object_foreach((json_t *) v, key, m) {
	    if (i++ > 0)
		wb_lit(w, ",");
	    wb_cstr(w, key);
	    wb_lit(w, ":");
	    wb_json(w, m);
	}
	wb_lit(w, "}");
	break;
    case JSON_ARRAY:
	wb_lit(w, "[");
	json_array_foreach(v, i, m) {
	    if (i > 0)
		wb_lit(w, ",");
	    wb_json(w, m);
	}
	wb_lit(w, "]");
	break;
    case JSON_STRING:
	wb_str(w, json_string_value(v), json_string_length(v));
	break;
    case JSON_INTEGER:
	wb_i64(w, (int64_t) json_integer_value(v));
	break;
    case JSON_REAL:
	wb_real(w, json_real_value(v));
	break;
    case JSON_TRUE:
	wb_lit(w, "true");
	break;
    case JSON_FALSE:
	wb_lit(w, "false");
	break;
    default:
	wb_lit(w, "null");
	break;
    }
}

struct cctx {
    struct wbuf *w;
    int     n;
};

/* put_counter - PFS_STATS_VISIT: one "name":value line */

static void put_counter(const char *name, uint64_t value, void *ctx)
{
    struct cctx *cc = ctx;

    if (cc->n++ > 0)
	wb_lit(cc->w, ",\n");
    wb_cstr(cc->w, name);
    wb_lit(cc->w, ":");
    wb_u64(cc->w, value);
}

struct qctx {
    struct wbuf *w;
    const PFS_STATS *stats;
    size_t  n;
};

/* put_queued - one message in flight (see check_queued(), apply_queued()) */

static void put_queued(struct wbuf *w, const struct pfs_qentry *e, const char *src)
{
    wb_lit(w, "{\"source\":");
    wb_cstr(w, src);
    wb_lit(w, ",\"qid\":");
    wb_str(w, e->qid, e->qlen);
    wb_lit(w, ",\"origin\":");
    wb_u64(w, e->origin);
    wb_lit(w, ",\"flags\":");
    wb_u64(w, e->flags);
    wb_lit(w, ",\"account\":");
    wb_cstr(w, e->account);
    wb_lit(w, "}");
}

/* add_queued - PFS_QTABLE_VISIT into the "queue" array */

static void add_queued(const struct pfs_qentry *e, void *ctx)
{
    struct qctx *qc = ctx;
    const char *src = pfs_table_key(qc->stats, PFS_TBL_SOURCE, e->source);

    if (qc->n++ > 0)
	wb_lit(qc->w, ",\n");
    put_queued(qc->w, e, src ? src : "");
}

/* put_hash - a fingerprint: 16 hex digits and a byte count */

static void put_hash(struct wbuf *w, const char *name, const char *bytes_name,
		             uint64_t hash, unsigned len)
{
    char    fp[20];

    snprintf(fp, sizeof(fp), "\"%016" PRIx64 "\"", hash);
    wb_lit(w, ",\"");
    wb_mem(w, name, strlen(name));
    wb_lit(w, "\":");
    wb_mem(w, fp, 18);
    wb_lit(w, ",\"");
    wb_mem(w, bytes_name, strlen(bytes_name));
    wb_lit(w, "\":");
    wb_u64(w, len);
}

/* put_pos - one file position */

static void put_pos(struct wbuf *w, const struct pfs_follow_pos *pos)
{
    wb_lit(w, "{\"dev\":");
    wb_u64(w, pos->dev);
    wb_lit(w, ",\"ino\":");
    wb_u64(w, pos->ino);
    wb_lit(w, ",\"offset\":");
    wb_u64(w, pos->offset);
    if (pos->skipping)
	wb_lit(w, ",\"skipping\":true");
    else
	wb_lit(w, ",\"skipping\":false");
    put_hash(w, "fingerprint", "fingerprint_bytes", pos->fp_hash, pos->fp_len);
    put_hash(w, "tail", "tail_bytes", pos->tail_hash, pos->tail_len);
    wb_lit(w, ",\"mtime\":");
    wb_i64(w, pos->mtime_ns);
    if (pos->prev_len > 0)
	put_hash(w, "previous", "previous_bytes", pos->prev_hash, pos->prev_len);
    wb_lit(w, "}");
}

/* put_files - the "files" array */

static void put_files(struct wbuf *w, const PFS_FOLLOW *fw)
{
    size_t  i;

    wb_lit(w, "\"files\":[");
    for (i = 0; fw != 0 && i < pfs_follow_count(fw); i++) {
	struct pfs_follow_status st;
	struct pfs_follow_pos cur, old;

	pfs_follow_status(fw, i, &st);
	pfs_follow_get_pos(fw, i, &cur, &old);
	if (i > 0)
	    wb_lit(w, ",\n");
	wb_lit(w, "{\"path\":");
	wb_cstr(w, st.path);
	wb_lit(w, ",\"lines\":");
	wb_u64(w, st.lines);
	wb_lit(w, ",\"rotations\":");
	wb_u64(w, st.rotations);
	if (cur.valid) {
	    wb_lit(w, ",\"position\":");
	    put_pos(w, &cur);
	}
	if (old.valid) {
	    wb_lit(w, ",\"rotated\":");
	    put_pos(w, &old);
	}
	wb_lit(w, "}");
    }
    wb_lit(w, "]");
}

/* write_state - the whole state, as it is built */

static void write_state(struct wbuf *w, const PFS_STATS *stats, PFS_PARSER *parser,
			        const PFS_FOLLOW *fw, const char *cursor,
			        const json_t *part)
{
    struct cctx cc;
    struct qctx qc;

    wb_lit(w, "{\"format\":\"" STATE_FORMAT "\",\"version\":");
    wb_u64(w, STATE_VERSION);
    wb_lit(w, ",\"agent\":");
    wb_cstr(w, PFS_VERSION);
    wb_lit(w, ",\"saved\":");
    wb_i64(w, (int64_t) time((time_t *) 0));
    wb_lit(w, ",\n");
    put_files(w, fw);
    if (cursor != 0) {
	wb_lit(w, ",\n\"journal\":{\"cursor\":");
	wb_cstr(w, cursor);
	wb_lit(w, "}");
    }
    wb_lit(w, ",\n\"counters\":{\n");
    cc.w = w;
    cc.n = 0;
    pfs_stats_visit(stats, put_counter, &cc);
    wb_lit(w, "},\n\"queue\":[\n");
    qc.w = w;
    qc.stats = stats;
    qc.n = 0;
    if (parser)
	pfs_qtable_visit(pfs_parser_qtable(parser), add_queued, &qc);
    wb_lit(w, "]");
    if (part != 0) {
	wb_lit(w, ",\n");
	wb_cstr(w, state_part.name);
	wb_lit(w, ":");
	wb_json(w, part);
    }
    wb_lit(w, "}\n");
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
    char   *tmp;
    json_t *part = 0;
    struct wbuf w;
    char    why[256];
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
    if ((w.fd = mkstemp(tmp)) < 0) {
	seterr(err, errlen, "cannot create a temporary file for state file %s: %s",
	       path, strerror(errno));
	json_decref(part);
	free(tmp);
	return (-1);
    }
    (void) fcntl(w.fd, F_SETFD, FD_CLOEXEC);
    w.buf = pfs_malloc(WBUF_SIZE);
    w.len = 0;
    w.err = 0;
    w.bytes = 0;
    write_state(&w, stats, parser, fw, cursor, part);
    wb_flush(&w);
    free(w.buf);
    json_decref(part);
    if (w.err != 0 || fsync(w.fd) < 0) {
	saved = w.err ? w.err : errno;
	close(w.fd);
	goto fail;
    }
    if (close(w.fd) < 0) {
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

/* ---- reading ---------------------------------------------------------- */

/* unescape - the bytes a saved string stands for; -1 if more than max */

static ssize_t unescape(const char *s, size_t n, char *out, size_t max)
{
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *end = p + n;
    size_t  len = 0;
    unsigned char c;

    while (p < end) {
	if (p[0] == ESC_B0 && end - p >= 4 && p[1] == ESC_B1
	    && p[2] >= 0xBC && p[2] <= 0xBF) {
	    c = (unsigned char) (((p[2] - 0xBC) << 6) | (p[3] & 0x3F));
	    p += 4;
	} else {
	    c = *p++;
	}
	if (len >= max)
	    return (-1);
	out[len++] = (char) c;
    }
    out[len] = 0;
    return ((ssize_t) len);
}

/* has_escape - a string holds an escaped byte */

static int has_escape(const char *s, size_t n)
{
    const char *p = memchr(s, ESC_B0, n);

    return (p != 0);
}

/* get_str - a string member, unescaped into out[max + 1]; -1 if bad */

static ssize_t get_str(const json_t *obj, const char *key, char *out, size_t max)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
	return (-1);
    return (unescape(json_string_value(v), json_string_length(v), out, max));
}

/* parse_digits - a string of decimal digits that fits 64 bits */

static int parse_digits(const char *s, uint64_t *val)
{
    uint64_t v = 0;

    if (*s == 0)
	return (-1);
    for (; *s; s++) {
	if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t) (*s - '0')) / 10)
	    return (-1);
	v = v * 10 + (uint64_t) (*s - '0');
    }
    *val = v;
    return (0);
}

/* json_u64 - a saved number: integer, or digits in a string; -1 if wrong */

static int json_u64(const json_t *v, uint64_t *val, int wrap)
{
    if (json_is_string(v))
	return (parse_digits(json_string_value(v), val));
    if (!json_is_integer(v))
	return (-1);
    if (!wrap && json_integer_value(v) < 0)
	return (-1);
    *val = (uint64_t) json_integer_value(v);
    return (0);
}

/* get_u64 - a non-negative integer member; -1 if absent or wrong */

static int get_u64(const json_t *obj, const char *key, uint64_t *val, int wrap)
{
    return (json_u64(json_object_get(obj, key), val, wrap));
}

/* get_hash - an optional fingerprint; -1 if present and wrong */

static int get_hash(const json_t *o, const char *name, const char *bytes_name,
		            uint64_t *hash, unsigned *len, int required)
{
    const char *fp;
    uint64_t n;
    char   *end;

    *hash = 0;
    *len = 0;
    if (json_object_get(o, name) == 0 && json_object_get(o, bytes_name) == 0)
	return (required ? -1 : 0);
    if (get_u64(o, bytes_name, &n, 0) < 0 || n > PFS_FOLLOW_FP_MAX
	|| (fp = json_string_value(json_object_get(o, name))) == 0
	|| strlen(fp) != 16)
	return (-1);
    errno = 0;
    *hash = strtoull(fp, &end, 16);
    if (*end != 0 || errno != 0)
	return (-1);
    *len = (unsigned) n;
    return (0);
}

/* parse_pos - one saved file position */

static int parse_pos(const json_t *o, struct pfs_follow_pos *pos)
{
    const json_t *v = 0;
    const json_t *sk = 0;

    memset(pos, 0, sizeof(*pos));
    if (o == 0)
	return (0);
    if (!json_is_object(o)
	|| get_u64(o, "dev", &pos->dev, 1) < 0
	|| get_u64(o, "ino", &pos->ino, 1) < 0
	|| get_u64(o, "offset", &pos->offset, 0) < 0
	|| get_hash(o, "fingerprint", "fingerprint_bytes", &pos->fp_hash,
		    &pos->fp_len, 1) < 0
	|| get_hash(o, "tail", "tail_bytes", &pos->tail_hash, &pos->tail_len, 0) < 0
	|| pos->tail_len > pos->offset
	|| get_hash(o, "previous", "previous_bytes", &pos->prev_hash,
		    &pos->prev_len, 0) < 0
	|| ((v = json_object_get(o, "mtime")) != 0 && !json_is_integer(v))
	|| ((sk = json_object_get(o, "skipping")) != 0 && !json_is_boolean(sk)))
	return (-1);
    pos->mtime_ns = v ? (int64_t) json_integer_value(v) : 0;
    pos->skipping = sk != 0 && json_is_true(sk);
    pos->valid = 1;
    return (0);
}

/* check_queued - one saved message in flight (see put_queued()) */

static int check_queued(const json_t *v)
{
    char    buf[PFS_KEY_MAX + 1];
    uint64_t origin, flags;

    return (!json_is_object(v)
	    || get_str(v, "source", buf, PFS_KEY_MAX - 1) < 0
	    || get_str(v, "qid", buf, PFS_QID_MAX) <= 0
	    || get_str(v, "account", buf, PFS_ACCOUNT_MAX) < 0
	    || get_u64(v, "origin", &origin, 0) < 0 || origin > 255
	    || get_u64(v, "flags", &flags, 0) < 0 || flags > 255 ? -1 : 0);
}

/* check - the whole file, before anything is changed */

static int check(const json_t *root, char *err, size_t errlen, const char *path)
{
    const json_t *counters, *files, *queue, *v;
    const char *format, *key;
    char    name[NAME_MAX_LEN + 1];
    char    fpath[PATH_MAX];
    size_t  i;
    json_int_t version;
    uint64_t n;
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
    if (version != 1 && version != STATE_VERSION) {
	seterr(err, errlen, "state file %s has format version %lld; this agent "
	       "(%s) reads versions 1 to %d only", path, (long long) version,
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
	/* Version 1 wrote counters above the signed range as negative. */
	if (json_u64(v, &n, version == 1) < 0
	    || unescape(key, strlen(key), name, NAME_MAX_LEN) < 0) {
	    seterr(err, errlen, "state file %s: counter %.100s is not a "
		   "non-negative integer", path, key);
	    return (-1);
	}
    }
    json_array_foreach(files, i, v) {
	struct pfs_follow_pos pos;

	if (!json_is_object(v) || get_str(v, "path", fpath, sizeof(fpath) - 1) < 0
	    || get_u64(v, "lines", &n, 0) < 0 || get_u64(v, "rotations", &n, 0) < 0
	    || parse_pos(json_object_get(v, "position"), &pos) < 0
	    || parse_pos(json_object_get(v, "rotated"), &pos) < 0) {
	    seterr(err, errlen, "state file %s: file entry %zu is malformed", path, i);
	    return (-1);
	}
    }
    if ((v = json_object_get(root, "journal")) != 0
	&& (!json_is_object(v) || get_str(v, "cursor", fpath, PFS_STATE_CURSOR_MAX) < 0)) {
	seterr(err, errlen, "state file %s: the journal cursor is malformed", path);
	return (-1);
    }
    if (state_part.name != 0 && (v = json_object_get(root, state_part.name)) != 0
	&& state_part.check(v, why, sizeof(why)) < 0) {
	seterr(err, errlen, "state file %s: %s", path, why);
	return (-1);
    }
    json_array_foreach(queue, i, v) {
	if (check_queued(v) < 0) {
	    seterr(err, errlen, "state file %s: queue entry %zu is malformed", path, i);
	    return (-1);
	}
    }
    return (0);
}

/* apply_queued - restore one checked message in flight */

static void apply_queued(const json_t *v, PFS_STATS *stats, PFS_QTABLE *qt)
{
    char    src[PFS_KEY_MAX + 1];
    char    qid[PFS_QID_MAX + 1];
    char    account[PFS_ACCOUNT_MAX + 1];
    ssize_t slen = get_str(v, "source", src, PFS_KEY_MAX - 1);
    ssize_t qlen = get_str(v, "qid", qid, PFS_QID_MAX);
    uint64_t origin = 0, flags = 0;
    struct pfs_qentry *e;
    size_t  row;

    (void) get_str(v, "account", account, PFS_ACCOUNT_MAX);
    (void) get_u64(v, "origin", &origin, 0);
    (void) get_u64(v, "flags", &flags, 0);
    row = pfs_table_row(stats, PFS_TBL_SOURCE, src, (size_t) slen);
    e = pfs_qtable_add(qt, (uint32_t) row, qid, (size_t) qlen, (int *) 0);
    e->origin = (uint8_t) origin;
    e->flags = (uint8_t) flags;
    snprintf(e->account, sizeof(e->account), "%s", account);
}

/* unescape_tree - turn escaped bytes back into bytes, in place */

static void unescape_tree(json_t *v)
{
    const char *key;
    char  **keys = 0;
    size_t  nkeys = 0;
    char   *buf;
    json_t *m;
    size_t  i, klen;
    ssize_t n;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
	json_object_foreach(v, key, m) {
	    unescape_tree(m);
	    if (has_escape(key, strlen(key))) {
		keys = pfs_reallocarray(keys, nkeys + 1, sizeof(*keys));
		keys[nkeys++] = pfs_strdup(key);
	    }
	}
	/* Renamed after the walk, so that no value is visited twice. */
	for (i = 0; i < nkeys; i++) {
	    klen = strlen(keys[i]);
	    buf = pfs_malloc(klen + 1);
	    (void) unescape(keys[i], klen, buf, klen);
	    m = json_incref(json_object_get(v, keys[i]));
	    if (json_object_del(v, keys[i]) < 0 || json_object_set_new_nocheck(v, buf, m) < 0)
		fatalx("out of memory loading the state");
	    free(buf);
	    free(keys[i]);
	}
	free(keys);
	break;
    case JSON_ARRAY:
	json_array_foreach(v, i, m)
	    unescape_tree(m);
	break;
    case JSON_STRING:
	if (has_escape(json_string_value(v), json_string_length(v))) {
	    buf = pfs_malloc(json_string_length(v) + 1);
	    n = unescape(json_string_value(v), json_string_length(v), buf,
			 json_string_length(v));
	    if (json_string_setn_nocheck(v, buf, (size_t) n) < 0)
		fatalx("out of memory loading the state");
	    free(buf);
	}
	break;
    default:
	break;
    }
}

/* apply - restore a checked file */

static void apply(json_t *root, PFS_STATS *stats, PFS_PARSER *parser,
		          PFS_FOLLOW *fw, const char *path)
{
    const json_t *v;
    const char *key;
    char    name[NAME_MAX_LEN + 1];
    char    fpath[PATH_MAX];
    size_t  i;
    size_t  unknown = 0;
    char    first_unknown[101] = "";
    int     wrap = json_integer_value(json_object_get(root, "version")) == 1;

    json_object_foreach(json_object_get(root, "counters"), key, v) {
	uint64_t value = 0;

	(void) json_u64(v, &value, wrap);
	(void) unescape(key, strlen(key), name, NAME_MAX_LEN);
	if (pfs_stats_set_by_name(stats, name, value) < 0) {
	    if (unknown++ == 0)
		snprintf(first_unknown, sizeof(first_unknown), "%.100s", name);
	}
    }
    if (unknown > 0)
	log_warnx("state file %s: %zu counter(s) unknown to this agent, such as "
		  "\"%.100s\", are dropped", path, unknown, first_unknown);
    json_array_foreach(json_object_get(root, "files"), i, v) {
	struct pfs_follow_pos cur, old;
	uint64_t lines = 0, rotations = 0;

	(void) get_str(v, "path", fpath, sizeof(fpath) - 1);
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
    json_array_foreach(json_object_get(root, "queue"), i, v)
	apply_queued(v, stats, pfs_parser_qtable(parser));
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

struct reader {
    int     fd;
    char   *buf;			/* RBUF_SIZE */
    size_t  len, pos;
    off_t   total;
    int     err;			/* errno of a failed read */
};

/* read_more - json_load_callback(): serve the file from a large buffer */

static size_t read_more(void *out, size_t want, void *ctx)
{
    struct reader *r = ctx;
    ssize_t n;

    if (r->pos == r->len) {
	do {
	    n = read(r->fd, r->buf, RBUF_SIZE);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
	    r->err = errno;
	    return ((size_t) -1);
	}
	if ((r->total += n) > STATE_MAX_SIZE) {
	    r->err = EFBIG;
	    return ((size_t) -1);
	}
	r->len = (size_t) n;
	r->pos = 0;
	if (n == 0)
	    return (0);
    }
    if (want > r->len - r->pos)
	want = r->len - r->pos;
    memcpy(out, r->buf + r->pos, want);
    r->pos += want;
    return (want);
}

/* give_back - return the memory of a freed tree to the system */

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
    char    saved_cursor[PFS_STATE_CURSOR_MAX + 1];
    const json_t *jc;
    json_error_t jerr;
    json_t *root;
    struct reader rd;
    struct stat st;
    size_t  elen;

    if (cursor_found)
	*cursor_found = 0;
    if ((rd.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
	if (errno == ENOENT) {
	    seterr(err, errlen, "no state file %s: first start", path);
	    return (PFS_STATE_ABSENT);
	}
	seterr(err, errlen, "cannot open state file %s: %s", path, strerror(errno));
	goto unreadable;
    }
    if (fstat(rd.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
	seterr(err, errlen, "state file %s is not a regular file", path);
	close(rd.fd);
	goto unreadable;
    }
    if (st.st_size > STATE_MAX_SIZE) {
	seterr(err, errlen, "state file %s is larger than 1 GiB", path);
	close(rd.fd);
	goto bad;
    }
    rd.buf = pfs_malloc(RBUF_SIZE);
    rd.len = rd.pos = 0;
    rd.total = 0;
    rd.err = 0;
    root = json_load_callback(read_more, &rd, 0, &jerr);
    free(rd.buf);
    close(rd.fd);
    if (rd.err != 0 && rd.err != EFBIG) {
	json_decref(root);
	give_back();
	seterr(err, errlen, "cannot read state file %s: %s", path, strerror(rd.err));
	goto unreadable;
    }
    if (root == 0) {
	give_back();
	seterr(err, errlen, "state file %s is corrupt: line %d: %.100s",
	       path, jerr.line, jerr.text);
	goto bad;
    }
    /* The part's own check and load see the bytes the names had. */
    if (state_part.name != 0 && json_object_get(root, state_part.name) != 0)
	unescape_tree(json_object_get(root, state_part.name));
    if (check(root, err, errlen, path) < 0) {
	json_decref(root);
	give_back();
	goto bad;
    }
    apply(root, stats, parser, fw, path);
    jc = json_object_get(json_object_get(root, "journal"), "cursor");
    if (jc != 0 && cursor_found != 0 && cursor != 0
	&& unescape(json_string_value(jc), json_string_length(jc), saved_cursor,
		    PFS_STATE_CURSOR_MAX) >= 0
	&& strlen(saved_cursor) < cursor_len) {
	strcpy(cursor, saved_cursor);
	*cursor_found = 1;
    }
    json_decref(root);
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
