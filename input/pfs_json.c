/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_json 3
 * SUMMARY
 *	JSON as the state file writes and reads it: no tree, exact bytes
 * SYNOPSIS
 *	#include "pfs_json.h"
 *
 *	void	pfs_jsonw_init(w, fd)
 *
 *	int	pfs_jsonw_finish(w)
 *
 *	void	pfs_jsonw_u64(w, value)
 *
 *	void	pfs_jsonw_str(w, bytes, len)
 *
 *	void	pfs_jsonw_tree(w, json)
 *
 *	void	pfs_jsonr_init(r, buf, len)
 *
 *	enum pfs_jsonr_type pfs_jsonr_value(r, tok)
 *
 *	int	pfs_jsonr_member(r, key)
 *
 *	int	pfs_jsonr_element(r)
 *
 *	ssize_t	pfs_jsonr_bytes(tok, out, max)
 *
 *	int	pfs_jsonr_u64(tok, value, wrap)
 * DESCRIPTION
 *	The state file (pfs_state(3)) is written and read with these
 *	functions rather than through a jansson tree: a tree of a large
 *	state takes many times the state's size in memory and most of the
 *	time of a save or a load.
 *
 *	pfs_jsonw_*() append JSON text to a 128 KiB buffer that is written
 *	to the descriptor whenever it fills; the caller writes the
 *	punctuation (pfs_jsonw_lit()) and the values. pfs_jsonw_finish()
 *	writes the rest and frees the buffer; it returns -1 with errno set
 *	when any write failed. Values always read back as they were:
 *	pfs_jsonw_u64() writes a number above 2^63-1 as a string of its
 *	digits (jansson and most readers stop at the signed range), and
 *	pfs_jsonw_str() writes any bytes: a byte that is not part of valid
 *	UTF-8 as the character U+10FF00 plus the byte, and a character of
 *	that range (U+10FF00 to U+10FFFF, private use) byte by byte the
 *	same way, so that the readers below give the bytes back.
 *	pfs_jsonw_tree() writes a jansson value with its strings so.
 *
 *	pfs_jsonr_*() read JSON text held in memory, one value at a time,
 *	checking the grammar as they go: pfs_jsonr_value() reads the next
 *	value (for an object or array, only its opening bracket);
 *	pfs_jsonr_member() then steps to the next member of the innermost
 *	object (1, with its key, or 0 at its end) and pfs_jsonr_element()
 *	to the next element of the innermost array; pfs_jsonr_skip() skips
 *	a value whose first token was read; pfs_jsonr_end() checks that only
 *	white space follows. pfs_jsonr_bytes() decodes a string token
 *	(JSON escapes, then the writer's escaped bytes) into out[max + 1],
 *	NUL-terminated; pfs_jsonr_u64() reads a non-negative integer or a
 *	string of digits (with wrap, a negative integer as its two's
 *	complement), pfs_jsonr_i64() a signed integer.
 *
 *	pfs_json_unescape_tree() gives the bytes back in a tree jansson
 *	built from text this writer wrote (keys and strings).
 * DIAGNOSTICS
 *	The reader returns PFS_JSONR_ERROR or -1 and sets r->why; the
 *	decoders return -1 for a token of the wrong kind, out of range, or
 *	longer than max.
 * SECURITY
 *	The reader trusts nothing: every step is bounded by the buffer,
 *	nesting is limited to PFS_JSONR_DEPTH, strings are copied only into
 *	caller buffers of a given size.
 *--*/

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfs_json.h"
#include "pfs_log.h"
#include "pfs_util.h"

#define WBUF_SIZE	(128 * 1024)

/* Bytes that are not UTF-8 become U+10FF00 + byte: F4 8F BC..BF 80..BF. */
#define ESC_B0		0xF4
#define ESC_B1		0x8F

/* ---- writing ---------------------------------------------------------- */

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

/* pfs_jsonw_init - a writer to fd */

void    pfs_jsonw_init(struct pfs_jsonw *w, int fd)
{
    w->fd = fd;
    w->buf = pfs_malloc(WBUF_SIZE);
    w->len = 0;
    w->err = 0;
    w->bytes = 0;
}

/* flush - write out what the buffer holds */

static void flush(struct pfs_jsonw *w)
{
    if (w->len > 0 && w->err == 0 && write_all(w->fd, w->buf, w->len) < 0)
	w->err = errno ? errno : EIO;
    w->bytes += w->len;
    w->len = 0;
}

/* pfs_jsonw_finish - write the rest, free the buffer */

int     pfs_jsonw_finish(struct pfs_jsonw *w)
{
    flush(w);
    free(w->buf);
    w->buf = 0;
    if (w->err != 0) {
	errno = w->err;
	return (-1);
    }
    return (0);
}

/* pfs_jsonw_raw - append bytes as they are */

void    pfs_jsonw_raw(struct pfs_jsonw *w, const char *p, size_t n)
{
    if (n > WBUF_SIZE - w->len) {
	flush(w);
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

/* digits - an unsigned number in decimal */

static void digits(struct pfs_jsonw *w, uint64_t v)
{
    char    d[24];
    char   *p = d + sizeof(d);

    do {
	*--p = (char) ('0' + v % 10);
	v /= 10;
    } while (v > 0);
    pfs_jsonw_raw(w, p, (size_t) (d + sizeof(d) - p));
}

/* pfs_jsonw_u64 - a number; a string of digits above the signed range */

void    pfs_jsonw_u64(struct pfs_jsonw *w, uint64_t v)
{
    if (v > (uint64_t) INT64_MAX) {
	pfs_jsonw_lit(w, "\"");
	digits(w, v);
	pfs_jsonw_lit(w, "\"");
    } else {
	digits(w, v);
    }
}

/* pfs_jsonw_i64 - a signed number */

void    pfs_jsonw_i64(struct pfs_jsonw *w, int64_t v)
{
    if (v < 0) {
	pfs_jsonw_lit(w, "-");
	digits(w, (uint64_t) 0 - (uint64_t) v);
    } else {
	digits(w, (uint64_t) v);
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

/* esc_byte - one byte as the character U+10FF00 + byte */

static void esc_byte(struct pfs_jsonw *w, unsigned char b)
{
    char    e[4];

    e[0] = (char) ESC_B0;
    e[1] = (char) ESC_B1;
    e[2] = (char) (0xBC + (b >> 6));
    e[3] = (char) (0x80 | (b & 0x3F));
    pfs_jsonw_raw(w, e, 4);
}

/* pfs_jsonw_str - a JSON string that reads back as exactly these bytes */

void    pfs_jsonw_str(struct pfs_jsonw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *end = p + n;
    const unsigned char *run;
    char    esc[6];
    uint32_t cp;
    size_t  len;

    pfs_jsonw_lit(w, "\"");
    while (p < end) {
	/* The common case: printable ASCII, written as it is. */
	for (run = p; p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\'; p++)
	     /* void */ ;
	if (p > run)
	    pfs_jsonw_raw(w, (const char *) run, (size_t) (p - run));
	if (p >= end)
	    break;
	if (*p == '"' || *p == '\\') {
	    esc[0] = '\\';
	    esc[1] = (char) *p++;
	    pfs_jsonw_raw(w, esc, 2);
	} else if (*p < 0x20) {
	    memcpy(esc, "\\u00", 4);
	    esc[4] = hex[*p >> 4];
	    esc[5] = hex[*p & 0xF];
	    pfs_jsonw_raw(w, esc, 6);
	    p++;
	} else if ((len = utf8_len(p, (size_t) (end - p), &cp)) == 0) {
	    esc_byte(w, *p++);			/* not UTF-8 */
	} else if (cp >= 0x10FF00) {
	    while (len-- > 0)			/* our escape range: by byte */
		esc_byte(w, *p++);
	} else {
	    pfs_jsonw_raw(w, (const char *) p, len);
	    p += len;
	}
    }
    pfs_jsonw_lit(w, "\"");
}

/* pfs_jsonw_cstr - a NUL-terminated string */

void    pfs_jsonw_cstr(struct pfs_jsonw *w, const char *s)
{
    pfs_jsonw_str(w, s, strlen(s));
}

/* real - a real as jansson writes it */

static void real(struct pfs_jsonw *w, double d)
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
    pfs_jsonw_raw(w, buf, (size_t) n);
}

/* pfs_jsonw_tree - a jansson value, strings as pfs_jsonw_str() writes them */

void    pfs_jsonw_tree(struct pfs_jsonw *w, const json_t *v)
{
    const char *key;
    json_t *m;
    size_t  i;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
	pfs_jsonw_lit(w, "{");
	i = 0;
	json_object_foreach((json_t *) v, key, m) {
	    if (i++ > 0)
		pfs_jsonw_lit(w, ",");
	    pfs_jsonw_cstr(w, key);
	    pfs_jsonw_lit(w, ":");
	    pfs_jsonw_tree(w, m);
	}
	pfs_jsonw_lit(w, "}");
	break;
    case JSON_ARRAY:
	pfs_jsonw_lit(w, "[");
	json_array_foreach(v, i, m) {
	    if (i > 0)
		pfs_jsonw_lit(w, ",");
	    pfs_jsonw_tree(w, m);
	}
	pfs_jsonw_lit(w, "]");
	break;
    case JSON_STRING:
	pfs_jsonw_str(w, json_string_value(v), json_string_length(v));
	break;
    case JSON_INTEGER:
	pfs_jsonw_i64(w, (int64_t) json_integer_value(v));
	break;
    case JSON_REAL:
	real(w, json_real_value(v));
	break;
    case JSON_TRUE:
	pfs_jsonw_lit(w, "true");
	break;
    case JSON_FALSE:
	pfs_jsonw_lit(w, "false");
	break;
    default:
	pfs_jsonw_lit(w, "null");
	break;
    }
}

/* ---- reading ---------------------------------------------------------- */

/* pfs_jsonr_init - a reader over len bytes */

void    pfs_jsonr_init(struct pfs_jsonr *r, const char *buf, size_t len)
{
    r->start = r->p = buf;
    r->end = buf + len;
    r->depth = 0;
    r->why = 0;
}

/* fail - note the first error */

static int fail(struct pfs_jsonr *r, const char *why)
{
    if (r->why == 0)
	r->why = why;
    return (-1);
}

/* ws - skip white space */

static void ws(struct pfs_jsonr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\t'
			     || *r->p == '\r'))
	r->p++;
}

/* lit - a literal word */

static int lit(struct pfs_jsonr *r, const char *word)
{
    size_t  n = strlen(word);

    if ((size_t) (r->end - r->p) < n || memcmp(r->p, word, n) != 0)
	return (fail(r, "not a JSON value"));
    r->p += n;
    return (0);
}

/* ishex - a hex digit */

static int ishex(int c)
{
    return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

/* string - a string token; r->p at the opening quote */

static int string(struct pfs_jsonr *r, struct pfs_jsonr_tok *t)
{
    const char *p = r->p + 1;
    int     i;

    t->type = PFS_JSONR_STRING;
    t->p = p;
    t->escaped = 0;
    while (p < r->end && *p != '"') {
	if ((unsigned char) *p < 0x20)
	    return (fail(r, "control character in a string"));
	if (*p == '\\') {
	    t->escaped = 1;
	    if (++p >= r->end)
		break;
	    if (*p == 'u') {
		for (i = 1; i <= 4; i++)
		    if (p + i >= r->end || !ishex(p[i]))
			return (fail(r, "bad \\u escape"));
		p += 4;
	    } else if (strchr("\"\\/bfnrt", *p) == 0 || *p == 0) {
		return (fail(r, "bad escape"));
	    }
	}
	p++;
    }
    if (p >= r->end)
	return (fail(r, "unterminated string"));
    t->len = (size_t) (p - t->p);
    r->p = p + 1;
    return (0);
}

/* number - a number token, by the JSON grammar */

static int number(struct pfs_jsonr *r, struct pfs_jsonr_tok *t)
{
    const char *p = r->p;

#define DIGIT(c) ((c) >= '0' && (c) <= '9')
    t->type = PFS_JSONR_NUMBER;
    t->p = p;
    if (p < r->end && *p == '-')
	p++;
    if (p < r->end && *p == '0')
	p++;
    else if (p < r->end && DIGIT(*p))
	while (p < r->end && DIGIT(*p))
	    p++;
    else
	return (fail(r, "bad number"));
    if (p < r->end && *p == '.') {
	if (++p >= r->end || !DIGIT(*p))
	    return (fail(r, "bad number"));
	while (p < r->end && DIGIT(*p))
	    p++;
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
	p++;
	if (p < r->end && (*p == '+' || *p == '-'))
	    p++;
	if (p >= r->end || !DIGIT(*p))
	    return (fail(r, "bad number"));
	while (p < r->end && DIGIT(*p))
	    p++;
    }
#undef DIGIT
    t->len = (size_t) (p - t->p);
    r->p = p;
    return (0);
}

/* pfs_jsonr_value - the next value (of a container, its opening only) */

enum pfs_jsonr_type pfs_jsonr_value(struct pfs_jsonr *r, struct pfs_jsonr_tok *t)
{
    int     rc = 0;

    ws(r);
    t->type = PFS_JSONR_ERROR;
    t->p = r->p;
    t->len = 0;
    t->escaped = 0;
    if (r->why != 0 || r->p >= r->end) {
	fail(r, "unexpected end");
	return (PFS_JSONR_ERROR);
    }
    switch (*r->p) {
    case '{':
    case '[':
	if (r->depth >= PFS_JSONR_DEPTH) {
	    fail(r, "nested too deep");
	    return (PFS_JSONR_ERROR);
	}
	t->type = *r->p == '{' ? PFS_JSONR_OBJECT : PFS_JSONR_ARRAY;
	r->first[r->depth++] = 1;
	r->p++;
	return (t->type);
    case '"':
	rc = string(r, t);
	break;
    case 't':
	t->type = PFS_JSONR_TRUE;
	rc = lit(r, "true");
	break;
    case 'f':
	t->type = PFS_JSONR_FALSE;
	rc = lit(r, "false");
	break;
    case 'n':
	t->type = PFS_JSONR_NULL;
	rc = lit(r, "null");
	break;
    default:
	rc = number(r, t);
	break;
    }
    if (rc < 0)
	t->type = PFS_JSONR_ERROR;
    return (t->type);
}

/* step - past the comma before the next item, or the closing bracket */

static int step(struct pfs_jsonr *r, char close)
{
    ws(r);
    if (r->why != 0 || r->depth == 0)
	return (fail(r, "not in a container"));
    if (r->p < r->end && *r->p == close) {
	r->p++;
	r->depth--;
	return (0);
    }
    if (!r->first[r->depth - 1]) {
	if (r->p >= r->end || *r->p != ',')
	    return (fail(r, "expected ',' or a closing bracket"));
	r->p++;
    }
    r->first[r->depth - 1] = 0;
    return (1);
}

/* pfs_jsonr_member - the next member of the innermost object */

int     pfs_jsonr_member(struct pfs_jsonr *r, struct pfs_jsonr_tok *key)
{
    int     rc = step(r, '}');

    if (rc <= 0)
	return (rc);
    ws(r);
    if (r->p >= r->end || *r->p != '"')
	return (fail(r, "expected a member name"));
    if (string(r, key) < 0)
	return (-1);
    ws(r);
    if (r->p >= r->end || *r->p != ':')
	return (fail(r, "expected ':'"));
    r->p++;
    return (1);
}

/* pfs_jsonr_element - is there another element of the innermost array? */

int     pfs_jsonr_element(struct pfs_jsonr *r)
{
    return (step(r, ']'));
}

/* pfs_jsonr_skip - skip a value whose first token was read */

int     pfs_jsonr_skip(struct pfs_jsonr *r, const struct pfs_jsonr_tok *t)
{
    struct pfs_jsonr_tok k, v;
    int     rc;

    switch (t->type) {
    case PFS_JSONR_ERROR:
	return (fail(r, "bad value"));
    case PFS_JSONR_OBJECT:
	while ((rc = pfs_jsonr_member(r, &k)) > 0)
	    if (pfs_jsonr_value(r, &v) == PFS_JSONR_ERROR || pfs_jsonr_skip(r, &v) < 0)
		return (-1);
	return (rc);
    case PFS_JSONR_ARRAY:
	while ((rc = pfs_jsonr_element(r)) > 0)
	    if (pfs_jsonr_value(r, &v) == PFS_JSONR_ERROR || pfs_jsonr_skip(r, &v) < 0)
		return (-1);
	return (rc);
    default:
	return (0);
    }
}

/* pfs_jsonr_end - nothing but white space is left */

int     pfs_jsonr_end(struct pfs_jsonr *r)
{
    ws(r);
    if (r->why != 0)
	return (-1);
    if (r->p != r->end)
	return (fail(r, "text after the end"));
    return (0);
}

/* pfs_jsonr_offset - where the reader is (or stopped) */

size_t  pfs_jsonr_offset(const struct pfs_jsonr *r)
{
    return ((size_t) (r->p - r->start));
}

/* put_utf8 - a code point as UTF-8 */

static size_t put_utf8(char *o, uint32_t c)
{
    if (c < 0x80) {
	o[0] = (char) c;
	return (1);
    }
    if (c < 0x800) {
	o[0] = (char) (0xC0 | (c >> 6));
	o[1] = (char) (0x80 | (c & 0x3F));
	return (2);
    }
    if (c < 0x10000) {
	o[0] = (char) (0xE0 | (c >> 12));
	o[1] = (char) (0x80 | ((c >> 6) & 0x3F));
	o[2] = (char) (0x80 | (c & 0x3F));
	return (3);
    }
    o[0] = (char) (0xF0 | (c >> 18));
    o[1] = (char) (0x80 | ((c >> 12) & 0x3F));
    o[2] = (char) (0x80 | ((c >> 6) & 0x3F));
    o[3] = (char) (0x80 | (c & 0x3F));
    return (4);
}

/* hex4 - four hex digits */

static uint32_t hex4(const char *p)
{
    uint32_t v = 0;
    int     i;

    for (i = 0; i < 4; i++) {
	int     c = p[i];

	v = v * 16 + (uint32_t) (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return (v);
}

/* unescape_bytes - the writer's escaped bytes back, in place */

static size_t unescape_bytes(char *s, size_t n)
{
    unsigned char *p = (unsigned char *) s;
    unsigned char *end = p + n;
    unsigned char *o = p;

    if (memchr(s, ESC_B0, n) == 0)
	return (n);
    while (p < end) {
	if (p[0] == ESC_B0 && end - p >= 4 && p[1] == ESC_B1
	    && p[2] >= 0xBC && p[2] <= 0xBF && (p[3] & 0xC0) == 0x80) {
	    *o++ = (unsigned char) (((p[2] - 0xBC) << 6) | (p[3] & 0x3F));
	    p += 4;
	} else {
	    *o++ = *p++;
	}
    }
    return ((size_t) (o - (unsigned char *) s));
}

/* decode - a string token's JSON escapes into buf (never longer) */

static size_t decode(const struct pfs_jsonr_tok *t, char *buf)
{
    const char *p = t->p;
    const char *end = t->p + t->len;
    size_t  len = 0;
    uint32_t c, lo;

    if (!t->escaped) {
	memcpy(buf, t->p, t->len);
	return (t->len);
    }
    while (p < end) {
	if (*p != '\\') {
	    buf[len++] = *p++;
	    continue;
	}
	switch (*++p) {
	case 'b':
	    buf[len++] = '\b';
	    break;
	case 'f':
	    buf[len++] = '\f';
	    break;
	case 'n':
	    buf[len++] = '\n';
	    break;
	case 'r':
	    buf[len++] = '\r';
	    break;
	case 't':
	    buf[len++] = '\t';
	    break;
	case 'u':
	    c = hex4(p + 1);
	    p += 4;
	    /* A surrogate pair is one character. */
	    if (c >= 0xD800 && c <= 0xDBFF && end - p >= 7 && p[1] == '\\'
		&& p[2] == 'u' && (lo = hex4(p + 3)) >= 0xDC00 && lo <= 0xDFFF) {
		c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	    }
	    len += put_utf8(buf + len, c);
	    break;
	default:				/* " \\ / */
	    buf[len++] = *p;
	    break;
	}
	p++;
    }
    return (len);
}

/* pfs_jsonr_bytes - a string token as the bytes it stands for */

ssize_t pfs_jsonr_bytes(const struct pfs_jsonr_tok *t, char *out, size_t max)
{
    char    stack[512];
    char   *buf;
    size_t  len;

    /* Nothing shrinks more than 12 to 1 (an escaped byte as \\u pairs). */
    if (t->type != PFS_JSONR_STRING || t->len / 12 > max + 1)
	return (-1);
    buf = t->len < sizeof(stack) ? stack : pfs_malloc(t->len + 1);
    len = unescape_bytes(buf, decode(t, buf));
    if (len <= max) {
	memcpy(out, buf, len);
	out[len] = 0;
    }
    if (buf != stack)
	free(buf);
    return (len <= max ? (ssize_t) len : -1);
}

/* pfs_jsonr_is - a string token equal to a NUL-free word */

int     pfs_jsonr_is(const struct pfs_jsonr_tok *t, const char *word)
{
    return (t->type == PFS_JSONR_STRING && !t->escaped && t->len == strlen(word)
	    && memcmp(t->p, word, t->len) == 0);
}

/* pfs_jsonr_u64 - a non-negative integer, or a string of digits */

int     pfs_jsonr_u64(const struct pfs_jsonr_tok *t, uint64_t *val, int wrap)
{
    const char *p = t->p;
    const char *end = t->p + t->len;
    int     neg = 0;
    uint64_t v = 0;

    if (t->type == PFS_JSONR_NUMBER && p < end && *p == '-') {
	if (!wrap)
	    return (-1);
	neg = 1;
	p++;
    } else if (t->type != PFS_JSONR_NUMBER && t->type != PFS_JSONR_STRING) {
	return (-1);
    }
    if (p >= end)
	return (-1);
    for (; p < end; p++) {
	if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
	    return (-1);
	v = v * 10 + (uint64_t) (*p - '0');
    }
    /* Negative: the two's complement of a number that fitted 64 signed bits. */
    if (neg && v > (uint64_t) INT64_MAX + 1)
	return (-1);
    *val = neg ? (uint64_t) 0 - v : v;
    return (0);
}

/* pfs_jsonr_i64 - a signed integer */

int     pfs_jsonr_i64(const struct pfs_jsonr_tok *t, int64_t *val)
{
    uint64_t v;

    if (t->type != PFS_JSONR_NUMBER || pfs_jsonr_u64(t, &v, 1) < 0)
	return (-1);
    *val = (int64_t) v;
    return (0);
}

/* pfs_json_unescape_tree - the writer's escaped bytes back, in a tree */

void    pfs_json_unescape_tree(json_t *v)
{
    const char *key;
    char  **keys = 0;
    size_t  nkeys = 0;
    char   *buf;
    json_t *m;
    size_t  i, n;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
	json_object_foreach(v, key, m) {
	    pfs_json_unescape_tree(m);
	    if (strchr(key, (char) ESC_B0) != 0) {
		keys = pfs_reallocarray(keys, nkeys + 1, sizeof(*keys));
		keys[nkeys++] = pfs_strdup(key);
	    }
	}
	/* Renamed after the walk, so that no value is visited twice. */
	for (i = 0; i < nkeys; i++) {
	    buf = pfs_strdup(keys[i]);
	    buf[unescape_bytes(buf, strlen(buf))] = 0;
	    m = json_incref(json_object_get(v, keys[i]));
	    if (json_object_del(v, keys[i]) < 0 || json_object_set_new_nocheck(v, buf, m) < 0)
		fatalx("out of memory reading the state");
	    free(buf);
	    free(keys[i]);
	}
	free(keys);
	break;
    case JSON_ARRAY:
	json_array_foreach(v, i, m)
	    pfs_json_unescape_tree(m);
	break;
    case JSON_STRING:
	n = json_string_length(v);
	if (memchr(json_string_value(v), ESC_B0, n) != 0) {
	    buf = pfs_malloc(n + 1);
	    memcpy(buf, json_string_value(v), n);
	    n = unescape_bytes(buf, n);
	    if (json_string_setn_nocheck(v, buf, n) < 0)
		fatalx("out of memory reading the state");
	    free(buf);
	}
	break;
    default:
	break;
    }
}
