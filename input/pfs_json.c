/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_json 3
 * SUMMARY
 *	the state file's JSON, streamed through yajl: no tree, exact bytes
 * SYNOPSIS
 *	#include "pfs_json.h"
 *
 *	void	pfs_jsonw_init(w, fd)
 *
 *	int	pfs_jsonw_finish(w)
 *
 *	void	pfs_jsonw_obj(w), pfs_jsonw_arr(w), pfs_jsonw_key(w, name)
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
 *	json_t	*pfs_jsonr_tree(r, tok)
 *
 *	ssize_t	pfs_jsonr_bytes(tok, out, max)
 *
 *	int	pfs_jsonr_u64(tok, value, wrap)
 * DESCRIPTION
 *	The state file (pfs_state(3)) is written and read with yajl's
 *	streaming generator and parser rather than through a jansson tree:
 *	a tree of a large state takes many times the state's size in memory
 *	and most of the time of a save or a load. This module adds only
 *	what the state needs on top of yajl: a buffered descriptor to write
 *	to, a pull interface to read with, and a convention for bytes.
 *
 *	pfs_jsonw_*() generate JSON through yajl_gen into a 128 KiB buffer
 *	that is written to the descriptor whenever it fills.
 *	pfs_jsonw_newline() puts a line break between two values (white
 *	space, so that the file reads one entry a line). pfs_jsonw_finish()
 *	writes the rest and frees the buffer; it returns -1 with errno set
 *	when any write failed, or EINVAL when yajl refused a value.
 *	Values always read back as they were: pfs_jsonw_u64() writes a
 *	number above 2^63-1 as a string of its digits (jansson and most
 *	readers stop at the signed range), and pfs_jsonw_str() writes any
 *	bytes: a byte that is not part of valid UTF-8 as the character
 *	U+10FF00 plus the byte, and a character of that range (U+10FF00 to
 *	U+10FFFF, private use) byte by byte the same way, so that the
 *	readers below give the bytes back. pfs_jsonw_tree() writes a
 *	jansson value with its strings so.
 *
 *	pfs_jsonr_*() read JSON text held in memory, one value at a time:
 *	yajl parses it 64 KiB at a time into a queue of events, which the
 *	caller takes in order. pfs_jsonr_value() takes the next value (for
 *	an object or array, only its opening); pfs_jsonr_member() then
 *	steps to the next member of the innermost object (1, with its key,
 *	or 0 at its end) and pfs_jsonr_element() to the next element of the
 *	innermost array; pfs_jsonr_skip() skips a value whose first event
 *	was taken, and pfs_jsonr_tree() builds it as a jansson value (the
 *	writer's escaped bytes given back); pfs_jsonr_end() checks that
 *	nothing but white space follows. pfs_jsonr_fini() frees the parser.
 *	pfs_jsonr_bytes() gives a string's bytes (the writer's escaped
 *	bytes back) into out[max + 1], NUL-terminated; pfs_jsonr_u64()
 *	reads a non-negative integer or a string of digits (with wrap, a
 *	negative integer as its two's complement), pfs_jsonr_i64() a signed
 *	integer, from the number's own digits.
 * DIAGNOSTICS
 *	The reader returns PFS_JSONR_ERROR or -1 and sets r->why (yajl's
 *	message for text that is not JSON); the decoders return -1 for a
 *	token of the wrong kind, out of range, or longer than max.
 * SECURITY
 *	The reader trusts nothing: yajl checks the grammar and UTF-8,
 *	nesting is limited to PFS_JSONR_DEPTH, the event queue holds one
 *	chunk's events at most, strings are copied only into caller buffers
 *	of a given size.
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
#define CHUNK		(64 * 1024)

/* Bytes that are not UTF-8 become U+10FF00 + byte: F4 8F BC..BF 80..BF. */
#define ESC_B0		0xF4
#define ESC_B1		0x8F

/* yajl allocates through the project's checked allocator. */

static void *yj_malloc(void *ctx, size_t n)
{
    (void) ctx;
    return (pfs_malloc(n));
}

static void *yj_realloc(void *ctx, void *p, size_t n)
{
    (void) ctx;
    return (pfs_reallocarray(p, n, 1));
}

static void yj_free(void *ctx, void *p)
{
    (void) ctx;
    free(p);
}

static yajl_alloc_funcs yj_alloc = {yj_malloc, yj_realloc, yj_free, 0};

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

/* flush - write out what the buffer holds */

static void flush(struct pfs_jsonw *w)
{
    if (w->len > 0 && w->err == 0 && write_all(w->fd, w->buf, w->len) < 0)
	w->err = errno ? errno : EIO;
    w->bytes += w->len;
    w->len = 0;
}

/* emit - yajl_print_t: append generated text to the buffer */

static void emit(void *ctx, const char *p, size_t n)
{
    struct pfs_jsonw *w = ctx;

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

/* gen - note the first value yajl refused */

static void gen(struct pfs_jsonw *w, yajl_gen_status st)
{
    if (st != yajl_gen_status_ok && w->gen_status == 0)
	w->gen_status = (int) st;
}

/* pfs_jsonw_init - a writer to fd */

void    pfs_jsonw_init(struct pfs_jsonw *w, int fd)
{
    w->fd = fd;
    w->buf = pfs_malloc(WBUF_SIZE);
    w->len = 0;
    w->err = 0;
    w->gen_status = 0;
    w->bytes = 0;
    if ((w->gen = yajl_gen_alloc(&yj_alloc)) == 0)
	fatalx("out of memory for the JSON generator");
    yajl_gen_config(w->gen, yajl_gen_print_callback, emit, (void *) w);
    yajl_gen_config(w->gen, yajl_gen_validate_utf8, 1);
}

/* pfs_jsonw_finish - write the rest, free the buffer and the generator */

int     pfs_jsonw_finish(struct pfs_jsonw *w)
{
    if (w->gen_status == 0)
	emit(w, "\n", 1);
    flush(w);
    yajl_gen_free(w->gen);
    w->gen = 0;
    free(w->buf);
    w->buf = 0;
    if (w->err != 0) {
	errno = w->err;
	return (-1);
    }
    if (w->gen_status != 0) {
	log_warnx("JSON generator refused a value (yajl_gen_status %d)", w->gen_status);
	errno = EINVAL;
	return (-1);
    }
    return (0);
}

/* pfs_jsonw_newline - a line break between two values */

void    pfs_jsonw_newline(struct pfs_jsonw *w)
{
    emit(w, "\n", 1);
}

/* pfs_jsonw_obj, _obj_end, _arr, _arr_end - containers */

void    pfs_jsonw_obj(struct pfs_jsonw *w)
{
    gen(w, yajl_gen_map_open(w->gen));
}

void    pfs_jsonw_obj_end(struct pfs_jsonw *w)
{
    gen(w, yajl_gen_map_close(w->gen));
}

void    pfs_jsonw_arr(struct pfs_jsonw *w)
{
    gen(w, yajl_gen_array_open(w->gen));
}

void    pfs_jsonw_arr_end(struct pfs_jsonw *w)
{
    gen(w, yajl_gen_array_close(w->gen));
}

/* pfs_jsonw_key - a member name the program chose (ASCII) */

void    pfs_jsonw_key(struct pfs_jsonw *w, const char *name)
{
    gen(w, yajl_gen_string(w->gen, (const unsigned char *) name, strlen(name)));
}

/* pfs_jsonw_bool - true or false */

void    pfs_jsonw_bool(struct pfs_jsonw *w, int value)
{
    gen(w, yajl_gen_bool(w->gen, value != 0));
}

/* digits - an unsigned number in decimal, at the end of d[24] */

static char *digits(char *d, uint64_t v)
{
    char   *p = d + 24;

    do {
	*--p = (char) ('0' + v % 10);
	v /= 10;
    } while (v > 0);
    return (p);
}

/* pfs_jsonw_u64 - a number; a string of digits above the signed range */

void    pfs_jsonw_u64(struct pfs_jsonw *w, uint64_t v)
{
    char    d[24];
    char   *p = digits(d, v);
    size_t  n = (size_t) (d + sizeof(d) - p);

    if (v > (uint64_t) INT64_MAX)
	gen(w, yajl_gen_string(w->gen, (const unsigned char *) p, n));
    else
	gen(w, yajl_gen_number(w->gen, p, n));
}

/* pfs_jsonw_i64 - a signed number */

void    pfs_jsonw_i64(struct pfs_jsonw *w, int64_t v)
{
    char    d[25];
    char   *p = digits(d + 1, v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v);

    if (v < 0)
	*--p = '-';
    gen(w, yajl_gen_number(w->gen, p, (size_t) (d + sizeof(d) - p)));
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

static size_t esc_byte(unsigned char *o, unsigned char b)
{
    o[0] = ESC_B0;
    o[1] = ESC_B1;
    o[2] = (unsigned char) (0xBC + (b >> 6));
    o[3] = (unsigned char) (0x80 | (b & 0x3F));
    return (4);
}

/* pfs_jsonw_str - a JSON string that reads back as exactly these bytes */

void    pfs_jsonw_str(struct pfs_jsonw *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *end = p + n;
    unsigned char stack[512];
    unsigned char *buf, *o;
    uint32_t cp;
    size_t  len;

    /* The common case: ASCII or UTF-8 outside the escape range, as it is. */
    while (p < end) {
	if (*p < 0x80)
	    p++;
	else if ((len = utf8_len(p, (size_t) (end - p), &cp)) != 0 && cp < 0x10FF00)
	    p += len;
	else
	    break;
    }
    if (p == end) {
	gen(w, yajl_gen_string(w->gen, (const unsigned char *) s, n));
	return;
    }
    /* Each byte takes 4 at most. */
    buf = n <= sizeof(stack) / 4 ? stack : pfs_reallocarray(0, n, 4);
    len = (size_t) (p - (const unsigned char *) s);
    memcpy(buf, s, len);
    o = buf + len;
    while (p < end) {
	if (*p < 0x80) {
	    *o++ = *p++;
	} else if ((len = utf8_len(p, (size_t) (end - p), &cp)) == 0) {
	    o += esc_byte(o, *p++);		/* not UTF-8 */
	} else if (cp >= 0x10FF00) {
	    while (len-- > 0)			/* our escape range: by byte */
		o += esc_byte(o, *p++);
	} else {
	    memcpy(o, p, len);
	    o += len;
	    p += len;
	}
    }
    gen(w, yajl_gen_string(w->gen, buf, (size_t) (o - buf)));
    if (buf != stack)
	free(buf);
}

/* pfs_jsonw_cstr - a NUL-terminated string */

void    pfs_jsonw_cstr(struct pfs_jsonw *w, const char *s)
{
    pfs_jsonw_str(w, s, strlen(s));
}

/* real - a real that reads back as a real, in any locale */

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
    gen(w, yajl_gen_number(w->gen, buf, (size_t) n));
}

/* pfs_jsonw_tree - a jansson value, strings as pfs_jsonw_str() writes them */

void    pfs_jsonw_tree(struct pfs_jsonw *w, const json_t *v)
{
    const char *key;
    json_t *m;
    size_t  i;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
	pfs_jsonw_obj(w);
	json_object_foreach((json_t *) v, key, m) {
	    pfs_jsonw_cstr(w, key);
	    pfs_jsonw_tree(w, m);
	}
	pfs_jsonw_obj_end(w);
	break;
    case JSON_ARRAY:
	pfs_jsonw_arr(w);
	json_array_foreach(v, i, m)
	    pfs_jsonw_tree(w, m);
	pfs_jsonw_arr_end(w);
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
    case JSON_FALSE:
	pfs_jsonw_bool(w, json_is_true(v));
	break;
    default:
	gen(w, yajl_gen_null(w->gen));
	break;
    }
}

/* ---- reading ---------------------------------------------------------- */

/* Events beyond the values: a member name, the end of a container. */
#define EV_KEY		(PFS_JSONR_NULL + 1)
#define EV_END_OBJECT	(PFS_JSONR_NULL + 2)
#define EV_END_ARRAY	(PFS_JSONR_NULL + 3)

struct pfs_jsonr_ev {
    int     kind;			/* a pfs_jsonr_type or EV_* */
    const char *p;			/* string, name or number text */
    size_t  len;
    size_t  end;			/* offset just past it */
};

/* Text yajl gave from its own buffers (escapes undone, chunk edges). */
struct pfs_jsonr_copy {
    struct pfs_jsonr_copy *next;
    char    text[];
};

/* fail - note the first error */

static int fail(struct pfs_jsonr *r, const char *why)
{
    if (r->why == 0)
	r->why = why;
    return (-1);
}

/* push - queue one event yajl reported; 1, as yajl's callbacks return */

static int push(struct pfs_jsonr *r, int kind, const char *p, size_t len)
{
    struct pfs_jsonr_ev *e;
    struct pfs_jsonr_copy *c;

    if (r->ev_len == r->ev_cap) {
	r->ev_cap = r->ev_cap ? 2 * r->ev_cap : 1024;
	r->ev = pfs_reallocarray(r->ev, r->ev_cap, sizeof(*r->ev));
    }
    /* Text outside the caller's buffer lives only as long as the callback. */
    if (len > 0 && (p < r->start || p >= r->end)) {
	c = pfs_malloc(sizeof(*c) + len);
	memcpy(c->text, p, len);
	c->next = r->copies;
	r->copies = c;
	p = c->text;
    }
    e = r->ev + r->ev_len++;
    e->kind = kind;
    e->p = p;
    e->len = len;
    e->end = r->base + yajl_get_bytes_consumed(r->yajl);
    return (1);
}

/* The yajl callbacks: each queues its event. */

static int on_null(void *ctx)
{
    return (push(ctx, PFS_JSONR_NULL, 0, 0));
}

static int on_boolean(void *ctx, int value)
{
    return (push(ctx, value ? PFS_JSONR_TRUE : PFS_JSONR_FALSE, 0, 0));
}

static int on_number(void *ctx, const char *text, size_t len)
{
    return (push(ctx, PFS_JSONR_NUMBER, text, len));
}

static int on_string(void *ctx, const unsigned char *text, size_t len)
{
    return (push(ctx, PFS_JSONR_STRING, (const char *) text, len));
}

static int on_key(void *ctx, const unsigned char *text, size_t len)
{
    return (push(ctx, EV_KEY, (const char *) text, len));
}

static int on_open(struct pfs_jsonr *r, int kind)
{
    if (r->parse_depth >= PFS_JSONR_DEPTH) {
	fail(r, "nested too deep");
	return (0);
    }
    r->parse_depth++;
    return (push(r, kind, 0, 0));
}

static int on_start_map(void *ctx)
{
    return (on_open(ctx, PFS_JSONR_OBJECT));
}

static int on_start_array(void *ctx)
{
    return (on_open(ctx, PFS_JSONR_ARRAY));
}

static int on_end_map(void *ctx)
{
    ((struct pfs_jsonr *) ctx)->parse_depth--;
    return (push(ctx, EV_END_OBJECT, 0, 0));
}

static int on_end_array(void *ctx)
{
    ((struct pfs_jsonr *) ctx)->parse_depth--;
    return (push(ctx, EV_END_ARRAY, 0, 0));
}

static const yajl_callbacks callbacks = {
    on_null, on_boolean, 0, 0, on_number, on_string,
    on_start_map, on_key, on_end_map, on_start_array, on_end_array,
};

/* pfs_jsonr_init - a reader over len bytes */

void    pfs_jsonr_init(struct pfs_jsonr *r, const char *buf, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->start = buf;
    r->end = buf + len;
    if ((r->yajl = yajl_alloc(&callbacks, &yj_alloc, (void *) r)) == 0)
	fatalx("out of memory for the JSON parser");
}

/* pfs_jsonr_fini - free the parser, its events and copies */

void    pfs_jsonr_fini(struct pfs_jsonr *r)
{
    struct pfs_jsonr_copy *c;

    if (r->yajl)
	yajl_free(r->yajl);
    r->yajl = 0;
    free(r->ev);
    r->ev = 0;
    r->ev_len = r->ev_cap = r->ev_next = 0;
    while ((c = r->copies) != 0) {
	r->copies = c->next;
	free(c);
    }
}

/* fill - parse until an event is queued; 0 at the end or on an error */

static int fill(struct pfs_jsonr *r)
{
    size_t  total = (size_t) (r->end - r->start);
    size_t  n;
    yajl_status st;
    unsigned char *msg;

    if (r->ev_next < r->ev_len)
	return (1);
    r->ev_len = r->ev_next = 0;
    while (r->ev_len == 0 && r->why == 0 && !r->done) {
	r->base = r->fed;
	if (r->fed < total) {
	    n = total - r->fed < CHUNK ? total - r->fed : CHUNK;
	    st = yajl_parse(r->yajl, (const unsigned char *) r->start + r->fed, n);
	    r->fed += n;
	} else {
	    st = yajl_complete_parse(r->yajl);
	    r->done = 1;
	}
	if (st == yajl_status_error) {
	    r->at = r->base + yajl_get_bytes_consumed(r->yajl);
	    msg = yajl_get_error(r->yajl, 0, 0, 0);
	    snprintf(r->why_buf, sizeof(r->why_buf), "%s", msg ? (char *) msg : "not JSON");
	    /* yajl's messages end in a line break. */
	    r->why_buf[strcspn(r->why_buf, "\n")] = 0;
	    if (msg)
		yajl_free_error(r->yajl, msg);
	    fail(r, r->why_buf);
	}
	/* A cancel (yajl_status_client_canceled) set why in the callback. */
    }
    return (r->ev_len > 0 && r->why == 0);
}

/* peek - the next event, or NULL at the end or on an error */

static struct pfs_jsonr_ev *peek(struct pfs_jsonr *r)
{
    if (r->why != 0 || !fill(r))
	return (0);
    return (r->ev + r->ev_next);
}

/* take - the event peek() gave is used */

static void take(struct pfs_jsonr *r)
{
    r->at = r->ev[r->ev_next++].end;
}

/* pfs_jsonr_value - the next value (of a container, its opening only) */

enum pfs_jsonr_type pfs_jsonr_value(struct pfs_jsonr *r, struct pfs_jsonr_tok *t)
{
    struct pfs_jsonr_ev *e;

    t->type = PFS_JSONR_ERROR;
    t->p = 0;
    t->len = 0;
    if ((e = peek(r)) == 0) {
	fail(r, "unexpected end");
	return (PFS_JSONR_ERROR);
    }
    if (e->kind > PFS_JSONR_NULL) {
	fail(r, "expected a value");
	return (PFS_JSONR_ERROR);
    }
    t->type = (enum pfs_jsonr_type) e->kind;
    t->p = e->p;
    t->len = e->len;
    take(r);
    if (t->type == PFS_JSONR_OBJECT || t->type == PFS_JSONR_ARRAY)
	r->depth++;
    return (t->type);
}

/* pfs_jsonr_member - the next member of the innermost object */

int     pfs_jsonr_member(struct pfs_jsonr *r, struct pfs_jsonr_tok *key)
{
    struct pfs_jsonr_ev *e;

    if (r->depth == 0)
	return (fail(r, "not in a container"));
    if ((e = peek(r)) == 0)
	return (fail(r, "unexpected end"));
    if (e->kind == EV_END_OBJECT) {
	take(r);
	r->depth--;
	return (0);
    }
    if (e->kind != EV_KEY)
	return (fail(r, "expected a member name"));
    key->type = PFS_JSONR_STRING;
    key->p = e->p;
    key->len = e->len;
    take(r);
    return (1);
}

/* pfs_jsonr_element - is there another element of the innermost array? */

int     pfs_jsonr_element(struct pfs_jsonr *r)
{
    struct pfs_jsonr_ev *e;

    if (r->depth == 0)
	return (fail(r, "not in a container"));
    if ((e = peek(r)) == 0)
	return (fail(r, "unexpected end"));
    if (e->kind == EV_END_ARRAY) {
	take(r);
	r->depth--;
	return (0);
    }
    if (e->kind > PFS_JSONR_NULL)
	return (fail(r, "expected an array element"));
    return (1);
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
    if (r->why != 0)
	return (-1);
    if (r->depth != 0)
	return (fail(r, "unclosed object or array"));
    if (peek(r) != 0)
	return (fail(r, "text after the end"));
    return (r->why != 0 ? -1 : 0);
}

/* pfs_jsonr_offset - where the reader is (or stopped) */

size_t  pfs_jsonr_offset(const struct pfs_jsonr *r)
{
    return (r->at);
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

/* pfs_jsonr_bytes - a string token as the bytes it stands for */

ssize_t pfs_jsonr_bytes(const struct pfs_jsonr_tok *t, char *out, size_t max)
{
    char   *buf;
    size_t  len;

    if (t->type != PFS_JSONR_STRING)
	return (-1);
    if (t->len <= max) {
	memcpy(out, t->p, t->len);
	len = unescape_bytes(out, t->len);
	out[len] = 0;
	return ((ssize_t) len);
    }
    /* Longer text may still stand for max bytes or fewer. */
    buf = pfs_malloc(t->len);
    memcpy(buf, t->p, t->len);
    len = unescape_bytes(buf, t->len);
    if (len <= max) {
	memcpy(out, buf, len);
	out[len] = 0;
    }
    free(buf);
    return (len <= max ? (ssize_t) len : -1);
}

/* pfs_jsonr_is - a string token equal to a NUL-free word */

int     pfs_jsonr_is(const struct pfs_jsonr_tok *t, const char *word)
{
    return (t->type == PFS_JSONR_STRING && t->len == strlen(word)
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

/* number_tree - a number as jansson holds it: integer or real */

static json_t *number_tree(struct pfs_jsonr *r, const struct pfs_jsonr_tok *t)
{
    char    buf[64];
    char   *end;
    int64_t i;
    double  d;

    if (memchr(t->p, '.', t->len) == 0 && memchr(t->p, 'e', t->len) == 0
	&& memchr(t->p, 'E', t->len) == 0) {
	if (pfs_jsonr_i64(t, &i) < 0) {
	    fail(r, "integer out of range");
	    return (0);
	}
	return (json_integer((json_int_t) i));
    }
    if (t->len >= sizeof(buf)) {
	fail(r, "number too long");
	return (0);
    }
    memcpy(buf, t->p, t->len);
    buf[t->len] = 0;
    d = strtod(buf, &end);
    if (*end != 0) {
	fail(r, "bad number");
	return (0);
    }
    return (json_real(d));
}

/* pfs_jsonr_tree - the value whose first token was read, as jansson's */

json_t *pfs_jsonr_tree(struct pfs_jsonr *r, const struct pfs_jsonr_tok *t)
{
    struct pfs_jsonr_tok k, v;
    json_t *tree = 0;
    json_t *m;
    char   *name;

    switch (t->type) {
    case PFS_JSONR_OBJECT:
	tree = json_object();
	while (tree && pfs_jsonr_member(r, &k) > 0) {
	    name = pfs_strndup(k.p, k.len);
	    name[unescape_bytes(name, strlen(name))] = 0;
	    m = pfs_jsonr_value(r, &v) == PFS_JSONR_ERROR ? 0 : pfs_jsonr_tree(r, &v);
	    if (m == 0 || json_object_set_new_nocheck(tree, name, m) < 0) {
		json_decref(tree);
		tree = 0;
	    }
	    free(name);
	}
	break;
    case PFS_JSONR_ARRAY:
	tree = json_array();
	while (tree && pfs_jsonr_element(r) > 0) {
	    m = pfs_jsonr_value(r, &v) == PFS_JSONR_ERROR ? 0 : pfs_jsonr_tree(r, &v);
	    if (m == 0 || json_array_append_new(tree, m) < 0) {
		json_decref(tree);
		tree = 0;
	    }
	}
	break;
    case PFS_JSONR_STRING:
	name = pfs_malloc(t->len + 1);
	memcpy(name, t->p, t->len);
	tree = json_stringn_nocheck(name, unescape_bytes(name, t->len));
	free(name);
	break;
    case PFS_JSONR_NUMBER:
	return (number_tree(r, t));
    case PFS_JSONR_TRUE:
	return (json_true());
    case PFS_JSONR_FALSE:
	return (json_false());
    case PFS_JSONR_NULL:
	return (json_null());
    default:
	fail(r, "bad value");
	return (0);
    }
    if (tree != 0 && r->why != 0) {
	json_decref(tree);
	tree = 0;
    }
    if (tree == 0 && r->why == 0)
	fatalx("out of memory reading the state");
    return (tree);
}
