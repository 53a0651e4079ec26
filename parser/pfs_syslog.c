/*++
 * NAME
 *	pfs_syslog 3
 * SUMMARY
 *	split a syslog line into time, host, tag and text
 * SYNOPSIS
 *	#include "pfs_syslog.h"
 *
 *	int	pfs_syslog_split(line, len, result)
 *	const char *line;
 *	size_t	len;
 *	struct pfs_syslog *result;
 * DESCRIPTION
 *	pfs_syslog_split() recognises the header of one log line, without
 *	the newline, and points the result's fields into the line:
 * .IP \(bu
 *	RFC 3164: "Nov 22 10:00:01 host tag[pid]: text" (day may be
 *	space- or zero-padded); Postfix's own maillog_file writes this
 *	form too;
 * .IP \(bu
 *	RFC 3339: "2026-11-22T10:00:01.123456+01:00 host tag[pid]: text",
 *	as rsyslog's high-precision format writes it (with "Z", an
 *	offset, or no zone; "T" or a space between date and time);
 * .IP \(bu
 *	either of the above without a host name.
 * .PP
 *	A syslog priority "<NN>" in front is skipped. The tag is split at
 *	"/": the first part is the instance (the syslog_name, e.g.
 *	"postfix-out"), the last the program, and what lies between the
 *	master.cf service ("postfix/legal/smtp" gives "legal").
 *
 *	This is a hand-written scanner: the header has a fixed shape and
 *	runs for every line, so it must cost tens of nanoseconds. Text
 *	classification is PCRE2's job (pfs_parser.c).
 * DIAGNOSTICS
 *	Returns 0 when the header was recognised, -1 otherwise (the line
 *	then counts as unmatched).
 * SECURITY
 *	The line is untrusted. Every access is bounded by len; the line
 *	may hold NUL bytes and need not be valid UTF-8.
 *--*/

#include <string.h>

#include "pfs_syslog.h"

#define IS_DIGIT(c) ((unsigned) ((c) - '0') < 10)

/* num - parse exactly n digits at p[0..n-1] */

static int num(const char *p, int n)
{
    int     v = 0;

    while (n-- > 0) {
	if (!IS_DIGIT(*p))
	    return (-1);
	v = v * 10 + (*p++ - '0');
    }
    return (v);
}

/* month - "Jan".."Dec" to 1..12, 0 if none */

static int month(const char *p)
{
    /* A switch on the first letter: this runs for every line. */
    switch (p[0]) {
    case 'J':
	return (p[1] == 'a' && p[2] == 'n' ? 1 : p[1] != 'u' ? 0 :
		p[2] == 'n' ? 6 : p[2] == 'l' ? 7 : 0);
    case 'F':
	return (p[1] == 'e' && p[2] == 'b' ? 2 : 0);
    case 'M':
	return (p[1] != 'a' ? 0 : p[2] == 'r' ? 3 : p[2] == 'y' ? 5 : 0);
    case 'A':
	return (p[1] == 'p' && p[2] == 'r' ? 4 : p[1] == 'u' && p[2] == 'g' ? 8 : 0);
    case 'S':
	return (p[1] == 'e' && p[2] == 'p' ? 9 : 0);
    case 'O':
	return (p[1] == 'c' && p[2] == 't' ? 10 : 0);
    case 'N':
	return (p[1] == 'o' && p[2] == 'v' ? 11 : 0);
    case 'D':
	return (p[1] == 'e' && p[2] == 'c' ? 12 : 0);
    default:
	return (0);
    }
}

/* hms - "HH:MM:SS" at p, 8 bytes */

static int hms(const char *p, struct pfs_time *t)
{
    /* Six digit tests folded into one branch: this runs for every line. */
    unsigned d0 = (unsigned char) p[0] - '0', d1 = (unsigned char) p[1] - '0';
    unsigned d3 = (unsigned char) p[3] - '0', d4 = (unsigned char) p[4] - '0';
    unsigned d6 = (unsigned char) p[6] - '0', d7 = (unsigned char) p[7] - '0';

    if (p[2] != ':' || p[5] != ':'
	|| ((d0 > 9) | (d1 > 9) | (d3 > 9) | (d4 > 9) | (d6 > 9) | (d7 > 9)))
	return (-1);
    t->hour = (int) (d0 * 10 + d1);
    t->min = (int) (d3 * 10 + d4);
    t->sec = (int) (d6 * 10 + d7);
    if (t->hour > 23 || t->min > 59 || t->sec > 60)
	return (-1);
    return (0);
}

/* rfc3164_time - "Mmm dd hh:mm:ss", returns bytes used or -1 */

static int rfc3164_time(const char *p, size_t len, struct pfs_time *t)
{
    if (len < 15 || p[3] != ' ' || p[6] != ' ')
	return (-1);
    if ((t->mon = month(p)) == 0)
	return (-1);
    if (p[4] == ' ')
	t->mday = num(p + 5, 1);
    else
	t->mday = num(p + 4, 2);
    if (t->mday < 1 || t->mday > 31 || hms(p + 7, t) < 0)
	return (-1);
    t->year = 0;
    return (15);
}

/* rfc3339_time - "yyyy-mm-ddThh:mm:ss[.frac][Z|+hh:mm]", bytes used or -1 */

static int rfc3339_time(const char *p, size_t len, struct pfs_time *t)
{
    size_t  i;
    int     digits;

    if (len < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' '))
	return (-1);
    if ((t->year = num(p, 4)) < 0 || (t->mon = num(p + 5, 2)) < 1 || t->mon > 12
	|| (t->mday = num(p + 8, 2)) < 1 || t->mday > 31 || hms(p + 11, t) < 0)
	return (-1);
    i = 19;
    t->usec = 0;
    if (i < len && (p[i] == '.' || p[i] == ',')) {
	for (i++, digits = 0; i < len && IS_DIGIT(p[i]); i++, digits++)
	    if (digits < 6)
		t->usec = t->usec * 10 + (p[i] - '0');
	for (; digits < 6; digits++)
	    t->usec *= 10;
    }
    t->has_tz = 0;
    if (i < len && p[i] == 'Z') {
	t->has_tz = 1;
	t->tz_min = 0;
	i++;
    } else if (i + 6 <= len && (p[i] == '+' || p[i] == '-') && p[i + 3] == ':') {
	int     hh = num(p + i + 1, 2);
	int     mm = num(p + i + 4, 2);

	if (hh < 0 || mm < 0)
	    return (-1);
	t->has_tz = 1;
	t->tz_min = (p[i] == '-' ? -1 : 1) * (hh * 60 + mm);
	i += 6;
    }
    return ((int) i);
}

/* token_end - first space at or after p, or end */

static const char *token_end(const char *p, const char *end)
{
    const char *sp = memchr(p, ' ', end - p);

    return (sp ? sp : end);
}

/* is_tag - does [p, e) look like "tag:" or "tag[pid]:" */

static int is_tag(const char *p, const char *e)
{
    if (e - p < 2 || e[-1] != ':')
	return (0);
    if (e[-2] == ']')
	return (memchr(p, '[', e - p) != 0);
    return (1);
}

/* split_tag - fill instance/service/program from tag */

static void split_tag(struct pfs_syslog *r)
{
    const char *t = r->tag.ptr;
    const char *e = t + r->tag.len;
    const char *first = memchr(t, '/', r->tag.len);
    const char *last;

    if (first == 0) {
	r->instance.ptr = t;
	r->instance.len = 0;
	r->service = r->instance;
	r->program = r->tag;
	return;
    }
    for (last = e - 1; *last != '/'; last--)
	 /* void */ ;
    r->instance.ptr = t;
    r->instance.len = first - t;
    r->program.ptr = last + 1;
    r->program.len = e - (last + 1);
    r->service.ptr = first + 1;
    r->service.len = last > first ? (size_t) (last - (first + 1)) : 0;
}

/* pfs_syslog_split - recognise the line's header */

int     pfs_syslog_split(const char *line, size_t len, struct pfs_syslog *r)
{
    const char *p = line;
    const char *end = line + len;
    const char *e;
    const char *lb;
    int     n;

    /* Fields set below; the rest cleared one by one (no memset per line). */
    r->host.ptr = line;
    r->host.len = 0;
    r->time.usec = 0;
    r->time.has_tz = 0;
    r->time.tz_min = 0;
    r->pid = -1;

    /* Optional <PRI>. */
    if (p < end && *p == '<') {
	const char *gt = memchr(p, '>', end - p < 6 ? end - p : 6);

	if (gt == 0)
	    return (-1);
	p = gt + 1;
    }
    if (end - p >= 5 && IS_DIGIT(p[0]) && p[4] == '-')
	n = rfc3339_time(p, end - p, &r->time);
    else
	n = rfc3164_time(p, end - p, &r->time);
    if (n < 0)
	return (-1);
    p += n;
    if (p >= end || *p != ' ')
	return (-1);
    while (p < end && *p == ' ')
	p++;

    /* Host name, unless the next token already is the tag. */
    e = token_end(p, end);
    if (!is_tag(p, e)) {
	r->host.ptr = p;
	r->host.len = e - p;
	p = e;
	while (p < end && *p == ' ')
	    p++;
	e = token_end(p, end);
	if (!is_tag(p, e))
	    return (-1);
    }
    /* Tag: "name[pid]:" or "name:". */
    r->tag.ptr = p;
    if ((lb = memchr(p, '[', e - p)) != 0 && e[-2] == ']') {
	long    pid = 0;
	const char *q;

	r->tag.len = lb - p;
	for (q = lb + 1; q < e - 2 && IS_DIGIT(*q); q++)
	    if (pid < 100000000)
		pid = pid * 10 + (*q - '0');
	r->pid = pid;
    } else {
	r->tag.len = (e - 1) - p;
    }
    if (r->tag.len == 0)
	return (-1);
    split_tag(r);
    p = e;
    if (p < end && *p == ' ')
	p++;
    r->text.ptr = p;
    r->text.len = end - p;
    return (0);
}
