/* SPDX-License-Identifier: BSD-2-Clause */
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
 *	form too, and journalctl -o short; with microseconds
 *	("10:00:01.123456") as journalctl -o short-precise writes it;
 * .IP \(bu
 *	RFC 3339: "2026-11-22T10:00:01.123456+01:00 host tag[pid]: text",
 *	as rsyslog's high-precision format writes it (with "Z", an
 *	offset, or no zone; "T" or a space between date and time); the
 *	offset may also be "+0100" or "+01", as journalctl -o short-iso
 *	and -o short-iso-precise write it;
 * .IP \(bu
 *	journalctl -o short-full: "Sat 2026-11-22 10:00:01 CET host
 *	tag[pid]: text", a weekday, the date and time and the zone's name
 *	(local time; "UTC", "GMT" and numeric zones such as "+04" are
 *	understood as such);
 * .IP \(bu
 *	journalctl -o short-unix: "1763805601.123456 host tag[pid]: text",
 *	seconds since the epoch, turned into the UTC date and time;
 * .IP \(bu
 *	any of the above without a host name;
 * .IP \(bu
 *	RFC 5424: "<22>1 2026-11-22T10:00:01Z host app procid msgid sd
 *	text": the app name is the tag, procid the pid, and host, procid,
 *	msgid and the structured data may be "-" (a nil time leaves the
 *	time zero); a UTF-8 byte order mark before the text is skipped.
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
#define IS_ALPHA(c) ((unsigned) (((c) | 0x20) - 'a') < 26)

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

/* token_len - bytes up to the next space or the end */

static size_t token_len(const char *p, const char *end)
{
    const char *sp = memchr(p, ' ', end - p);

    return ((sp ? sp : end) - p);
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

/* fraction - ".ddd" at p[i]: microseconds; bytes used up to its end, or -1 */

static int fraction(const char *p, size_t len, size_t i, struct pfs_time *t)
{
    int     digits;

    t->usec = 0;
    for (i++, digits = 0; i < len && IS_DIGIT(p[i]); i++, digits++)
	if (digits < 6)
	    t->usec = t->usec * 10 + (p[i] - '0');
    if (digits == 0)
	return (-1);
    for (; digits < 6; digits++)
	t->usec *= 10;
    return ((int) i);
}

/* zone - "Z", "+hh:mm", "+hhmm" or "+hh" at p[i]; bytes used up to its end */

static size_t zone(const char *p, size_t len, size_t i, struct pfs_time *t)
{
    int     hh, mm = 0;
    size_t  j;

    t->has_tz = 0;
    if (i < len && p[i] == 'Z') {
	t->has_tz = 1;
	t->tz_min = 0;
	return (i + 1);
    }
    if (i + 3 > len || (p[i] != '+' && p[i] != '-') || (hh = num(p + i + 1, 2)) < 0)
	return (i);
    j = i + 3;
    if (j + 3 <= len && p[j] == ':' && IS_DIGIT(p[j + 1]))
	j++;					/* "+01:00" */
    if (j + 2 <= len && IS_DIGIT(p[j])) {
	if ((mm = num(p + j, 2)) < 0)
	    return (i);
	j += 2;
    } else if (p[j - 1] == ':') {
	return (i);
    }
    t->has_tz = 1;
    t->tz_min = (p[i] == '-' ? -1 : 1) * (hh * 60 + mm);
    return (j);
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
    /* journalctl -o short-precise: microseconds. */
    if (len > 15 && p[15] == '.')
	return (fraction(p, len, 15, t));
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
    /* "Z", "+01:00", and journalctl's "+0100"; the caller wants a space next. */
    return ((int) zone(p, len, i, t));
}

/* weekday_time - "Www yyyy-mm-dd hh:mm:ss ZONE" (short-full), bytes used or -1 */

static int weekday_time(const char *p, size_t len, struct pfs_time *t)
{
    size_t  i;
    const char *z;
    size_t  zlen;

    /* systemd writes English weekday names whatever the locale. */
    if (len < 26 || !IS_ALPHA(p[0]) || !IS_ALPHA(p[1]) || !IS_ALPHA(p[2])
	|| p[14] != ' ' || rfc3339_time(p + 4, len - 4, t) != 19)
	return (-1);
    i = 4 + 19;
    if (i >= len || p[i] != ' ')
	return (-1);
    z = p + i + 1;
    zlen = token_len(z, p + len);
    if (zlen == 0)
	return (-1);
    /* A zone name is local time; a numeric one or UTC is exact. */
    if ((zlen == 3 && (memcmp(z, "UTC", 3) == 0 || memcmp(z, "GMT", 3) == 0))
	|| (zlen == 1 && z[0] == 'Z')) {
	t->has_tz = 1;
	t->tz_min = 0;
    } else if ((z[0] == '+' || z[0] == '-') && zone(z, zlen, 0, t) != zlen) {
	return (-1);
    }
    return ((int) (i + 1 + zlen));
}

/* civil - days since 1970-01-01 to a proleptic Gregorian date */

static void civil(long long day, struct pfs_time *t)
{
    long long z = day + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long m = mp < 10 ? mp + 3 : mp - 9;

    t->mday = (int) (doy - (153 * mp + 2) / 5 + 1);
    t->mon = (int) m;
    t->year = (int) (yoe + era * 400 + (m <= 2));
}

/* unix_time - "seconds[.frac]" (short-unix), bytes used or -1 */

static int unix_time(const char *p, size_t len, struct pfs_time *t)
{
    long long secs = 0;
    size_t  i;
    int     n;

    /* Up to 11 digits: the year stays below 5000. */
    for (i = 0; i < len && IS_DIGIT(p[i]); i++) {
	if (i == 11)
	    return (-1);
	secs = secs * 10 + (p[i] - '0');
    }
    if (i == 0)
	return (-1);
    t->usec = 0;
    if (i < len && p[i] == '.' && (n = fraction(p, len, i, t)) > 0)
	i = (size_t) n;
    else if (i < len && p[i] == '.')
	return (-1);
    civil(secs / 86400, t);
    secs %= 86400;
    t->hour = (int) (secs / 3600);
    t->min = (int) (secs % 3600 / 60);
    t->sec = (int) (secs % 60);
    t->has_tz = 1;
    t->tz_min = 0;
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

/* sd_end - end of RFC 5424 structured data at p ("-" or "[...]..."), or NULL */

static const char *sd_end(const char *p, const char *end)
{
    int     quoted;

    if (p < end && *p == '-')
	return (p + 1);
    if (p >= end || *p != '[')
	return (0);
    while (p < end && *p == '[') {
	for (p++, quoted = 0; p < end && (quoted || *p != ']'); p++) {
	    if (*p == '"')
		quoted = !quoted;
	    else if (quoted && *p == '\\' && p + 1 < end)
		p++;				/* \", \\, \] */
	}
	if (p >= end)
	    return (0);
	p++;					/* past "]" */
    }
    return (p);
}

/*
 * rfc5424 - "TIME HOST APP PROCID MSGID SD [MSG]" after "<PRI>1 "; 0 or -1.
 * The fields are single tokens; "-" is the nil value. The caller splits
 * the tag.
 */
static int rfc5424(const char *p, const char *end, struct pfs_syslog *r)
{
    const char *fld[4];
    size_t  flen[4];
    const char *q;
    const char *d;
    int     i, n;

    r->time.year = r->time.mon = r->time.mday = 0;
    r->time.hour = r->time.min = r->time.sec = 0;
    if (p < end && *p == '-' && (p + 1 == end || p[1] == ' ')) {
	p++;					/* nil time: left zero */
    } else {
	if (end - p < 19 || !IS_DIGIT(p[0]) || p[4] != '-' || p[10] != 'T'
	    || (n = rfc3339_time(p, end - p, &r->time)) < 0)
	    return (-1);
	p += n;
    }
    /* HOSTNAME APP-NAME PROCID MSGID, one space before each. */
    for (i = 0; i < 4; i++) {
	if (p >= end || *p != ' ' || (flen[i] = token_len(p + 1, end)) == 0)
	    return (-1);
	fld[i] = p + 1;
	p = fld[i] + flen[i];
    }
    if (p >= end || *p != ' ' || (q = sd_end(p + 1, end)) == 0)
	return (-1);
    if (!(flen[0] == 1 && fld[0][0] == '-')) {
	r->host.ptr = fld[0];
	r->host.len = flen[0];
    }
    if (flen[1] == 1 && fld[1][0] == '-')
	return (-1);				/* no app name: no tag */
    r->tag.ptr = fld[1];
    r->tag.len = flen[1];
    if (IS_DIGIT(fld[2][0])) {
	long    pid = 0;

	for (d = fld[2]; d < fld[2] + flen[2] && IS_DIGIT(*d); d++)
	    if (pid < 100000000)
		pid = pid * 10 + (*d - '0');
	r->pid = pid;
    }
    /* The message follows the structured data after one space. */
    if (q < end && *q != ' ')
	return (-1);
    if (q < end)
	q++;
    /* A UTF-8 byte order mark may open the message. */
    if (end - q >= 3 && memcmp(q, "\xef\xbb\xbf", 3) == 0)
	q += 3;
    r->text.ptr = q;
    r->text.len = end - q;
    return (0);
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
	if (end - p >= 2 && p[0] == '1' && p[1] == ' ') {
	    if (rfc5424(p + 2, end, r) < 0)
		return (-1);
	    goto tag;
	}
    }
    if (end - p >= 5 && IS_DIGIT(p[0]) && p[4] == '-')
	n = rfc3339_time(p, end - p, &r->time);
    else if (end - p >= 9 && p[3] == ' ' && p[8] == '-')
	n = weekday_time(p, end - p, &r->time);
    else if (end - p >= 1 && IS_DIGIT(p[0]))
	n = unix_time(p, end - p, &r->time);
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
    p = e;
    if (p < end && *p == ' ')
	p++;
    r->text.ptr = p;
    r->text.len = end - p;
tag:
    split_tag(r);
    return (0);
}
