/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_parser 3
 * SUMMARY
 *	classify Postfix and content-filter log lines into counters
 * SYNOPSIS
 *	#include "pfs_parser.h"
 *
 *	PFS_PARSER *pfs_parser_create(stats, opts, err, errlen)
 *
 *	void	pfs_parser_line(parser, line, len, flags)
 *
 *	void	pfs_parser_set_event(parser, fn, ctx)
 * DESCRIPTION
 *	pfs_parser_line() takes one log line and updates the counter store.
 *	doc/counters.md says, counter by counter, which line moves it; the
 *	tables in tests/unit/ hold a verbatim example of each.
 *
 *	The work per line, cheapest first:
 * .IP \(bu
 *	pfs_syslog_split() finds time, host, tag and text by hand.
 * .IP \(bu
 *	The tag's program picks a handler with a switch on a few bytes: a
 *	line from a program we do not follow (cron, kernel, dovecot) is
 *	counted as foreign and never reaches a regular expression.
 * .IP \(bu
 *	"warning:" and friends, "NOQUEUE:" and the queue ID are peeled off
 *	by hand (a queue ID is hex or Postfix's vowel-free long form).
 * .IP \(bu
 *	The handler tries its PCRE2 patterns, most frequent first; all are
 *	anchored, compiled once with JIT, and matched with the subject's
 *	length, so NUL bytes and invalid UTF-8 are just bytes.
 * .PP
 *	Messages are followed through a bounded queue-ID table
 *	(pfs_qtable.c) so that a message is received once: at qmgr's first
 *	"from=..., size=" line, if smtpd or pickup announced it, and never
 *	if cleanup rejected or discarded it.
 *
 *	After-queue content filters re-inject mail (amavis on
 *	127.0.0.1:10024 and back into smtpd on :10025; or a second smtpd of
 *	the same Postfix): the delivery to the filter (the hop) and the
 *	mail's re-injected copy are linked, on the same source, by the
 *	filter's reply "queued as NEWID" on the hop's status line, or by
 *	"orig_queue_id=OLDID" (XFORWARD) on the copy's "client=" line,
 *	whichever the log shows first (pfs_link.c finds them). A linked
 *	hop is not a delivery and a linked copy is not a receipt; the copy
 *	takes the original's account and its time so far (the event's
 *	filter_ms), so that the final delivery counts once, with them. A
 *	receipt that may yet turn out to be a copy (its client is on a
 *	loopback address and nothing linked it when qmgr took it) waits:
 *	until the hop line links it, or PFS_LINK_WAIT_SECONDS of log time
 *	or PFS_LINK_WAIT_LINES lines later, or pfs_parser_flush(), or its
 *	eviction from the table; then it is counted once, with the time
 *	and size qmgr logged. Counters never go back: a link found after
 *	the copy was counted is counted in overflow:link. A relay that
 *	linked once is a known filter of its source: a later mail it
 *	accepts without a copy coming back (discarded, quarantined) is
 *	counted in hop:kept, not as sent, and one that names a copy not
 *	logged yet makes it expected (PFS_QF_EXPECTED), linked when smtpd
 *	logs it. The ignore lists still drop what no link can explain (a
 *	filter that returns no queue ID).
 *
 *	Verdicts count once per mail too: clamd's, clamav-milter's (one
 *	line per recipient) and amavis's reports of one mail are paired by
 *	pfs_scans(3), and the second of a pair is marked "again".
 *
 *	The account of a message (pfs_qtable(3)) is the SASL username that
 *	smtpd logged, "uid=N" as pickup logs the submitting user, or, for a
 *	client that did not log in, the client's address, flagged
 *	PFS_QF_CLIENT (an account only if the alert layer says so). A
 *	linked copy takes its original's account and that flag.
 * DIAGNOSTICS
 *	pfs_parser_create() returns NULL and writes a message to err when
 *	a pattern does not compile (a bug, caught by the unit tests).
 *	Lines that no pattern recognises count in lines:unmatched.
 * SECURITY
 *	Every line is untrusted input. Nothing is copied unbounded; keys
 *	for the counter tables are length-limited by pfs_stats.
 *--*/

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "pfs_parser.h"
#include "pfs_batch.h"
#include "pfs_lines.h"
#include "pfs_link.h"
#include "pfs_scans.h"
#include "pfs_status.h"
#include "pfs_util.h"

/*
 * An address between "<" and ">" as Postfix logs it. By default
 * (info_log_address_format = external) a local part that needs it is
 * quoted, and may then hold ">", "," and spaces: "a>b"@example.com, with
 * "\"" and "\\" inside the quotes. Postfix before 3.5, or set to the
 * internal form, writes it unquoted: a ">" is then taken as part of the
 * address unless a comma, a space or the end of the line follows it, so
 * that an address never runs into the next field (or into a line glued
 * on after a crash). ADDR_IN has no capturing group.
 */
#define ADDR_IN "(?:(?:[^\">]++|\"(?:[^\"\\\\]++|\\\\.)*+\")*+|(?:[^>]|>(?![,\\s]|$))*)"
#define ADDR "<" ADDR_IN ">"

/*
 * Delivery status words: what Postfix's log_adhoc() is given (sent.c,
 * defer.c, bounce.c with soft_bounce, verify.c for address probes).
 * Anything else is not a status line.
 */
#define STATUS_WORDS "sent|deferred|bounced|SOFTBOUNCE|deliverable|undeliverable|" \
		"undeliverable-but-not-cached"

/*
 * Every pattern, once. The subject is the text after the syslog tag, with
 * "warning: " and the like, "NOQUEUE: " and "QUEUEID: " removed.
 */
#define PATTERNS(X) \
    /* smtpd */ \
    X(SMTPD_CONNECT, "^connect from ") \
    X(SMTPD_DISCONNECT, "^disconnect from ") \
    X(SMTPD_CLIENT, "^client=([^,\\s]+)(?:, sasl_method=[^,]*)?(?:, sasl_username=([^,]*))?") \
    X(ACTION, "^(reject|reject_warning|milter-reject|proxy-reject|hangup|hold|discard|" \
		"milter-discard|milter-hold): ([A-Z][A-Z-]*)" \
		"(?: from ([^\\s\\[]*\\[[^\\]]*\\](?::\\d+)?|[^:\\s]+(?::\\d+)?))?: " \
		"(?:(\\d)\\d\\d )?(?:(\\d\\.\\d{1,3}\\.\\d{1,3}) )?(.*)$") \
    X(SMTPD_LOST, "^lost connection after ([A-Z-]+)(?: \\(\\d+ bytes\\))? from ") \
    X(SMTPD_TIMEOUT, "^timeout after ([A-Z-]+)(?: \\(\\d+ bytes\\))? from ") \
    X(TLS_FROM, "^(?:Anonymous|Trusted|Untrusted|Verified) TLS connection established from ") \
    X(TLS_TO, "^(?:Anonymous|Trusted|Untrusted|Verified) TLS connection established to ") \
    X(SASL_FAILED, "^\\S+: SASL \\S+ authentication failed") \
    X(SMTPD_BENIGN, "^(?:too many errors after|improper command pipelining after|" \
		"filter: |redirect: |warn: |info: |permit: |bcc: |prepend: |proxy-accept: |" \
		"discarding EHLO keywords|" \
		"setting up TLS connection from|SSL_accept error from|Client certificate|" \
		"ETRN |abort: |Connection rate limit exceeded|Connection concurrency limit exceeded)") \
    /* postscreen */ \
    X(PS_CONNECT, "^CONNECT from \\[") \
    X(PS_PASS, "^PASS (NEW|OLD) \\[") \
    X(PS_LISTED, "^(WHITELISTED|ALLOWLISTED|BLACKLISTED|DENYLISTED) \\[") \
    X(PS_DNSBL, "^DNSBL rank \\d+ for \\[") \
    X(PS_PREGREET, "^PREGREET \\d+ after ") \
    X(PS_HANGUP, "^HANGUP after ") \
    X(PS_TEST, "^(COMMAND PIPELINING|NON-SMTP COMMAND|BARE NEWLINE|COMMAND TIME LIMIT) from \\[") \
    X(PS_BENIGN, "^(?:DISCONNECT \\[|WHITELIST VETO \\[|ALLOWLIST VETO \\[|COMMAND COUNT LIMIT from|" \
		"COMMAND LENGTH LIMIT from|cache \\S+ full cleanup:|DATA without valid RCPT from|" \
		"BDAT without valid RCPT from)") \
    /* cleanup */ \
    X(CLEANUP_MSGID, "^(?:resent-)?message-id=") \
    X(CLEANUP_ACTION, "^(reject|discard|hold|warning|redirect|filter|replace|prepend|info|strip|bcc|dunno|" \
		"pass): " \
		"(header|body|content|end-of-message) .*?(?:: (\\d\\.\\d{1,3}\\.\\d{1,3})(?: .*)?)?$") \
    /* pickup */ \
    X(PICKUP, "^uid=\\d+ from=<(" ADDR_IN ")>(?:$| orig_id=)") \
    /* qmgr; numbers are checked by hand (num_field) */ \
    X(QMGR_FROM, "^from=<(" ADDR_IN ")>, size=([^,\\s]*), nrcpt=(\\S*)") \
    X(QMGR_REMOVED, "^removed$") \
    X(QMGR_EXPIRED, "^from=" ADDR ", status=expired(?=,|$)") \
    X(QMGR_BENIGN, "^(?:skipped, still being delivered|from=" ADDR ", status=force-expired(?=,|$))") \
    /* delivery agents; tls= is Postfix 3.11's */ \
    X(DELIVERY, "^to=" ADDR ",(?: orig_to=" ADDR ",)? relay=([^,]+),(?: conn_use=\\d+,)? " \
		"delay=([^,\\s]*), delays=([^/,\\s]*)/([^/,\\s]*)/([^/,\\s]*)/([^,\\s]*)," \
		"(?: tls=[^,\\s]*,)? dsn=(\\d)\\.(\\d{1,3}\\.\\d{1,3}), " \
		"status=(" STATUS_WORDS ")(?= |$)") \
    X(DELIVERY_BENIGN, "^(?:host \\S+ said: |host \\S+ refused to talk to me|connect to |" \
		"lost connection with |conversation with |enabling PIX workarounds|" \
		"setting up TLS connection to|SSL_connect error to|Server certificate|" \
		"certificate verification failed|" \
		"(?:Anonymous|Trusted|Untrusted|Verified) TLS connection reused to )") \
    /* bounce */ \
    X(BOUNCE, "^(?:sender|postmaster) (non-delivery|delay|delivery status) notification: ") \
    /* postsuper */ \
    X(POSTSUPER_REMOVED, "^removed$") \
    /* content filters */ \
    X(AMAVIS, "^\\([\\w.-]+\\) (Passed|Blocked|Not-Delivered) " \
		"(CLEAN|SPAMMY|SPAM|INFECTED|BANNED|BAD-HEADER|UNCHECKED|OVERSIZED|MTA-BLOCKED|OTHER)") \
    X(SPAMD, "^spamd: (clean message|identified spam) \\(") \
    X(CLAMD_FOUND, "^(.*): (\\S+) FOUND$") \
    X(CLAMD_OK, "^(.*): OK$") \
    X(CLAMAV_MILTER, "^Message (?:(\\S+) )?from <([^>]*)> to .* infected by ") \
    X(CLAMAV_MILTER_CLEAN, "^Clean message (?:(\\S+) )?from <([^>]*)> to <") \
    X(RSPAMD, "\\(default: [TFS] \\((no action|greylist|add header|rewrite subject|soft reject|reject)\\): \\[") \
    /* reject reason classes, tried in this order */ \
    X(WHY_RBL, "blocked using |listed by |Service unavailable; client \\[") \
    X(WHY_GREYLIST, "(?i)greylist") \
    X(WHY_UNKNOWN_USER, "(?i)user unknown|unknown user|undeliverable address: .*unknown|mailbox unavailable|no such user") \
    X(WHY_RELAY, "Relay access denied") \
    X(WHY_HELO, "Helo command rejected") \
    X(WHY_SIZE, "(?i)message size exceeds|message file too big|message too large|size limit") \
    X(WHY_POLICY, "(?i)polic(?:y|ies)|\\bSPF\\b") \
    X(WHY_SENDER, "Sender address rejected") \
    X(WHY_CLIENT, "Client host rejected") \
    X(WHY_RECIPIENT, "Recipient address rejected")

enum pat_id {
#define X_ENUM(id, re) PAT_##id,
    PATTERNS(X_ENUM)
#undef X_ENUM
    PAT_COUNT
};

static const char *const pat_src[PAT_COUNT] = {
#define X_SRC(id, re) re,
    PATTERNS(X_SRC)
#undef X_SRC
};

static const char *const pat_name[PAT_COUNT] = {
#define X_NAME(id, re) #id,
    PATTERNS(X_NAME)
#undef X_NAME
};

/* Program classes; a tag's last part picks one. */
enum prog {
    PROG_FOREIGN, PROG_SMTPD, PROG_POSTSCREEN, PROG_CLEANUP, PROG_PICKUP,
    PROG_QMGR, PROG_BOUNCE, PROG_DELIVERY, PROG_POSTSUPER, PROG_OTHER,
    PROG_AMAVIS, PROG_SPAMD, PROG_CLAMD, PROG_CLAMAV_MILTER, PROG_RSPAMD,
};

struct PFS_PARSER {
    PFS_STATS *stats;
    PFS_QTABLE *qt;
    PFS_LINK *link;				/* filter relays learned */
    PFS_SCANS *scans;			/* ClamAV and front-ends, paired */
    pcre2_code *re[PAT_COUNT];
    pcre2_match_data *md[PAT_COUNT];
    int     jit[PAT_COUNT];
    /* Prefilters that spare PCRE2 calls (see pat_prefilter). */
    unsigned char first[PAT_COUNT][32];	/* possible first bytes */
    unsigned char has_first[PAT_COUNT];
    unsigned char lit_kind[PAT_COUNT];	/* LIT_* */
    unsigned char lit_len[PAT_COUNT];
    char    lit[PAT_COUNT][48];		/* anchored literal prefix */
    char  **ignore_clients;
    size_t  n_ignore_clients;
    char  **ignore_relays;
    size_t  n_ignore_relays;
    int     ignore_localhost;
    int     patterns_only;		/* no pfs_status_scan() */
    PFS_EVENT_FN event_fn;
    void   *event_ctx;
    /* Cache of the last line's source row. */
    char    src_host[PFS_KEY_MAX];
    char    src_inst[PFS_KEY_MAX];
    size_t  src_hlen;
    size_t  src_ilen;
    size_t  src_row;
    uint64_t src_sid;
    int     src_valid;
    /* A worker (pfs_parser_worker()) records what depends on earlier lines. */
    PFS_BATCH *batch;			/* the block being parsed, or NULL */
    int     wk_events;			/* record events for the settling parser */
    int     pt_live;			/* this line's wait check is not recorded yet */
    uint32_t pt_line;			/* its "lines" count */
    int64_t pt_secs;			/* its time (pfs_link_secs()) */
    uint32_t run_line;			/* wait checks not recorded yet: lines */
    uint32_t run_n;			/* run_line..run_line+run_n-1, */
    int64_t run_secs;			/* all of this time */
    /* Settling a batch: its rows' rows in this parser's store, per table. */
    size_t *map[PFS_TABLE_COUNT];
    size_t  map_alloc[PFS_TABLE_COUNT];
};

/* Per-line working state. */
struct line {
    struct pfs_syslog hdr;
    struct pfs_str qid;			/* empty: none */
    int     noqueue;			/* "NOQUEUE:" seen */
    const char *subj;			/* text handed to the patterns */
    size_t  slen;
    size_t  src;			/* source table row */
    uint64_t sid;			/* source identity (pfs_parser_source_id) */
    int     smtp_client;		/* program is smtp or lmtp */
};

/*
 * A delivery status line, as read (delivery_status()) and as counted
 * (deliver()), which may be in another thread's time (pfs_parser_batch()).
 */
struct dlv {
    struct pfs_str relay;
    struct pfs_str transport;		/* service, else program */
    struct pfs_str dsub;		/* the DSN code after its class */
    struct pfs_str id;			/* the reply's "queued as ID" */
    uint64_t ms[5];			/* delay=, delays=a/b/c/d */
    uint8_t status;			/* enum pfs_status */
    char    dclass;			/* the DSN class digit */
    uint8_t has_id;			/* id is a queue ID */
    uint8_t relay_lo;			/* the relay is on a loopback address */
    uint8_t ignored;			/* the relay is on the ignore list */
};

/*
 * What a worker records for pfs_parser_settle_batch(): the lines'
 * effects that depend on earlier lines (messages in flight, filter
 * relays, ClamAV pairs, the waits of receipts, rows that tables add in
 * log order), in log order. Every record starts with struct rec; one of
 * a line starts with struct r_line, then its kind's part, then bytes it
 * copied, then (RF_HDR) the line's header.
 */
enum rec_kind {
    R_TIME,				/* lines whose wait checks are due */
    R_ROW,				/* a row the block's store added */
    R_NEW,				/* smtpd client=, pickup uid=: take_msg() */
    R_FORGET,				/* forget_msg() */
    R_QFROM,				/* qmgr from=: qmgr_from() */
    R_DELIVERY,				/* a status line: deliver() */
    R_EVENT,				/* an event: emit() */
    R_CLAMAV,				/* clamav() */
    R_AMAVIS,				/* amavis_verdict() */
};

#define RF_EXPIRE	(1<<0)		/* check the waits at this line first */
#define RF_HDR		(1<<1)		/* the line's header is at the end */

struct rec {
    uint8_t kind;			/* enum rec_kind */
    uint8_t flags;			/* RF_* */
    uint16_t table;			/* R_ROW: the table */
    uint32_t size;			/* bytes, this header included */
    uint32_t line;			/* the block's "lines" count at the line */
    uint32_t n;				/* R_TIME: lines; R_ROW: the row */
    int64_t secs;			/* pfs_link_secs() of the line's time */
};

struct r_line {
    struct rec h;
    uint64_t sid;
    struct pfs_str qid;
    uint32_t src;			/* the block's source row */
    uint8_t smtp_client;
};

struct r_new {
    struct pfs_str account;
    struct pfs_str oid;
    uint8_t origin;
    uint8_t as_client;
    uint8_t loopback;
};

struct r_qfrom {
    struct pfs_str sender;
    uint64_t size;
    uint64_t nrcpt;
    struct pfs_time when;
};

struct r_event {
    struct pfs_event ev;
    int     lookup;				/* the event names the line's message */
};

struct r_clamav {
    struct pfs_str key;
    size_t  key_off;			/* key copied at this offset, or 0 */
    long    pid;
    uint8_t from;
    uint8_t virus;
};

struct r_amavis {
    uint8_t verdict;			/* enum pfs_verdict */
};

#define REC_ALIGN(n)	(((n) + 7) & ~(size_t) 7)

/* str_eq - counted string equals literal */

#define STR_EQ(s, lit) ((s).len == sizeof(lit) - 1 && memcmp((s).ptr, (lit), sizeof(lit) - 1) == 0)

/* match - run one pattern over subject; 1 if it matched */

#define LIT_NONE	0
#define LIT_PREFIX	1			/* literal, then more pattern */
#define LIT_WHOLE	2			/* the pattern is "^literal" */
#define LIT_EXACT	3			/* the pattern is "^literal$" */

static int match(PFS_PARSER *p, enum pat_id id, const char *subj, size_t len)
{
    int     rc;
    size_t  n;

    switch (p->lit_kind[id]) {
    case LIT_NONE:
	if (p->has_first[id] && (len == 0
	      || !(p->first[id][(unsigned char) subj[0] >> 3] & (1 << (subj[0] & 7)))))
	    return (0);
	break;
    default:
	n = p->lit_len[id];
	if (len < n || memcmp(subj, p->lit[id], n) != 0)
	    return (0);
	if (p->lit_kind[id] == LIT_WHOLE)
	    return (1);
	if (p->lit_kind[id] == LIT_EXACT)
	    return (len == n || (len == n + 1 && subj[n] == '\n'));
	break;
    }
    if (p->jit[id])
	rc = pcre2_jit_match(p->re[id], (PCRE2_SPTR) subj, len, 0, 0, p->md[id], 0);
    else
	rc = pcre2_match(p->re[id], (PCRE2_SPTR) subj, len, 0, 0, p->md[id], 0);
    if (rc >= 0)
	return (1);
    /* PCRE2_ERROR_NOMATCH is the common answer; limits count as no match. */
    return (0);
}

/* cap - capture group n of the last match of id */

static int cap(PFS_PARSER *p, enum pat_id id, const char *subj, int n,
	               struct pfs_str *out)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md[id]);

    /* Match data comes from the pattern: every group has a slot. */
    if (ov[2 * n] == PCRE2_UNSET) {
	out->ptr = subj;
	out->len = 0;
	return (0);
    }
    out->ptr = subj + ov[2 * n];
    out->len = ov[2 * n + 1] - ov[2 * n];
    return (1);
}

/*
 * Numbers Postfix writes, and their bounds. A field that is not such a
 * number (negative, not decimal, too large) is left out: the line still
 * counts, the field moves nothing, and lines:bad-number counts the line.
 * Bounds: size= is a queue file's length, and no message_size_limit or
 * file system in use for a mail queue comes near 2^40 bytes (1 TiB;
 * Postfix's default limit is 10,240,000 bytes); nrcpt= is an int; a
 * delay is a difference of two times since 1970, below 2^32 seconds.
 */
#define PFS_SIZE_MAX	(UINT64_C(1) << 40)
#define PFS_NRCPT_MAX	UINT64_C(2147483647)
#define PFS_DELAY_MAX_S	UINT64_C(4294967295)

#define DIGIT(c)	((unsigned) ((unsigned char) (c) - '0') < 10)

/* num_field - decimal digits, at most max; 0, or -1 if not such a number */

static int num_field(struct pfs_str s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t  i;

    if (s.len == 0)
	return (-1);
    for (i = 0; i < s.len; i++) {
	if (!DIGIT(s.ptr[i]))
	    return (-1);
	v = v * 10 + (uint64_t) (s.ptr[i] - '0');
	if (v > max)
	    return (-1);
    }
    *out = v;
    return (0);
}

/* ms_field - "12.34" seconds to milliseconds; 0, or -1 if no such delay */

static int ms_field(struct pfs_str s, uint64_t *ms)
{
    const char *p = s.ptr;
    const char *end = s.ptr + s.len;
    uint64_t secs = 0;
    uint64_t frac = 0;
    uint64_t scale = 100;

    if (p == end || !DIGIT(*p))
	return (-1);
    for (; p < end && DIGIT(*p); p++)
	if ((secs = secs * 10 + (uint64_t) (*p - '0')) > PFS_DELAY_MAX_S)
	    return (-1);
    if (p < end) {
	/* A fraction; digits beyond milliseconds are dropped. */
	if (*p != '.' || ++p == end)
	    return (-1);
	for (; p < end; p++, scale /= 10) {
	    if (!DIGIT(*p))
		return (-1);
	    frac += (uint64_t) (*p - '0') * scale;
	}
    }
    *ms = secs * 1000 + frac;
    return (0);
}

/* is_localhost - 127.0.0.0/8 or ::1 */

static int is_localhost(struct pfs_str a)
{
    return ((a.len >= 4 && memcmp(a.ptr, "127.", 4) == 0)
	    || (a.len == 3 && memcmp(a.ptr, "::1", 3) == 0)
	    || (a.len == 8 && memcmp(a.ptr, "ipv6:::1", 8) == 0));
}

/* list_has - is s one of the list's entries */

static int list_has(char **list, size_t n, const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < n; i++)
	if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
	    return (1);
    return (0);
}

/*
 * ignored_peer - does "name[addr]" or "name[addr]:port" match the list?
 * Entries may be the whole string, "addr:port", "addr" or "name".
 */
static int ignored_peer(PFS_PARSER *p, char **list, size_t n, struct pfs_str peer)
{
    const char *lb = memchr(peer.ptr, '[', peer.len);
    const char *rb;
    struct pfs_str name, addr, port;
    char    buf[PFS_KEY_MAX + 8];

    if (list_has(list, n, peer.ptr, peer.len))
	return (1);
    if (lb == 0 || (rb = memchr(lb, ']', peer.ptr + peer.len - lb)) == 0)
	return (0);
    name.ptr = peer.ptr;
    name.len = lb - peer.ptr;
    addr.ptr = lb + 1;
    addr.len = rb - (lb + 1);
    port.ptr = rb + 1;
    port.len = peer.ptr + peer.len - port.ptr;
    if (p->ignore_localhost && is_localhost(addr))
	return (1);
    if (list_has(list, n, addr.ptr, addr.len) || list_has(list, n, name.ptr, name.len))
	return (1);
    if (port.len > 1 && port.ptr[0] == ':' && addr.len + port.len < sizeof(buf)) {
	memcpy(buf, addr.ptr, addr.len);
	memcpy(buf + addr.len, port.ptr, port.len);
	if (list_has(list, n, buf, addr.len + port.len))
	    return (1);
    }
    return (0);
}

static void rec_event(PFS_PARSER *, const struct pfs_event *, const struct line *, int);

/* emit - pass an event on */

static void emit(PFS_PARSER *p, struct pfs_event *ev, const struct line *ln)
{
    if (p->batch) {
	if (p->wk_events)
	    rec_event(p, ev, ln, 0);
	return;
    }
    if (p->event_fn == 0)
	return;
    ev->hdr = &ln->hdr;
    ev->qid = ln->qid;
    p->event_fn(ev, p->event_ctx);
}

/* receipt - count a message as received; hdr dates the event */

static void receipt(PFS_PARSER *p, const struct pfs_qentry *e, const struct pfs_syslog *hdr,
		            struct pfs_str sender, uint64_t size, unsigned nrcpt)
{
    struct pfs_event ev;

    pfs_scalar_inc(p->stats, PFS_RECV);
    pfs_scalar_inc(p->stats, e->origin == PFS_ORIGIN_LOCAL ? PFS_RECV_LOCAL : PFS_RECV_SMTP);
    pfs_scalar_add(p->stats, PFS_BYTES_RECV, size);
    pfs_table_add(p->stats, PFS_TBL_SOURCE, e->source, PFS_SC_RECV, 1);
    if (p->event_fn == 0)
	return;
    memset(&ev, 0, sizeof(ev));
    ev.type = PFS_EV_RECEIVED;
    ev.hdr = hdr;
    ev.msg = e;
    ev.qid.ptr = e->qid;
    ev.qid.len = e->qlen;
    ev.sender = sender;
    ev.size = size;
    ev.nrcpt = nrcpt;
    p->event_fn(&ev, p->event_ctx);
}

/*
 * settle - a receipt waited long enough: count it, dated when qmgr took
 * the message. may_remove: forget it too if qmgr already removed it.
 */
static void settle(PFS_PARSER *p, struct pfs_qentry *e, int may_remove)
{
    struct pfs_syslog hdr;

    pfs_qtable_unpend(p->qt, e);
    e->flags = (uint8_t) ((e->flags & ~PFS_QF_PENDING) | PFS_QF_COUNTED);
    memset(&hdr, 0, sizeof(hdr));
    hdr.time = e->when;
    hdr.host.ptr = hdr.tag.ptr = hdr.instance.ptr = hdr.service.ptr = "";
    hdr.program.ptr = hdr.text.ptr = "";
    hdr.pid = -1;
    /* The sender is not kept while a receipt waits. */
    receipt(p, e, &hdr, (struct pfs_str) {0, 0}, e->size, e->nrcpt);
    if (may_remove && (e->flags & PFS_QF_GONE))
	pfs_qtable_remove(p->qt, e);
}

/* on_evict - the full table drops its oldest entry: a due receipt counts */

static void on_evict(struct pfs_qentry *e, void *ctx)
{
    if (e->flags & PFS_QF_PENDING)
	settle((PFS_PARSER *) ctx, e, 0);
}

/* expire_at - settle the receipts whose wait is over at a line (t: pfs_link_secs) */

static void expire_at(PFS_PARSER *p, int64_t t, uint64_t lines)
{
    struct pfs_qentry *e;

    while ((e = pfs_qtable_pending(p->qt)) != 0 && pfs_link_wait_over(e, t, lines))
	settle(p, e, 1);
}

/* expire - settle the receipts whose wait is over at a line of time now */

static void expire(PFS_PARSER *p, const struct pfs_time *now)
{
    expire_at(p, pfs_link_secs(now), pfs_scalar_get(p->stats, PFS_LINES));
}

/*
 * expire_lines - expire_at() at each of n lines of the same time, from
 * line first: only the line count can end another wait among them
 */
static void expire_lines(PFS_PARSER *p, int64_t t, uint64_t first, uint32_t n)
{
    struct pfs_qentry *e;
    uint64_t line = first;
    uint64_t last = first + n - 1;

    while ((e = pfs_qtable_pending(p->qt)) != 0) {
	if (pfs_link_wait_over(e, t, line)) {
	    settle(p, e, 1);
	    continue;
	}
	if (e->line + PFS_LINK_WAIT_LINES > last)
	    break;
	line = e->line + PFS_LINK_WAIT_LINES;
    }
}

static int is_qid(const char *, size_t);

/* find_msg - the in-flight entry for the line's queue ID */

static struct pfs_qentry *find_msg(PFS_PARSER *p, const struct line *ln)
{
    if (ln->qid.len == 0)
	return (0);
    return (pfs_qtable_find(p->qt, ln->sid, ln->qid.ptr, ln->qid.len));
}

static void *rec_line(PFS_PARSER *, enum rec_kind, const struct line *, size_t, size_t);

/* emit_msg - pass on an event about the line's message */

static void emit_msg(PFS_PARSER *p, struct pfs_event *ev, const struct line *ln)
{
    if (p->batch) {
	if (p->wk_events)
	    rec_event(p, ev, ln, 1);
	return;
    }
    ev->msg = find_msg(p, ln);
    emit(p, ev, ln);
}

/*
 * forget_msg - the message will not enter (or has left) the queue. One
 * whose receipt waits stays until it is counted.
 */
static void forget_msg(PFS_PARSER *p, const struct line *ln)
{
    struct pfs_qentry *e;

    if (p->batch) {
	if (ln->qid.len > 0)
	    rec_line(p, R_FORGET, ln, 0, 0);
	return;
    }
    if ((e = find_msg(p, ln)) == 0)
	return;
    if (e->flags & PFS_QF_PENDING)
	e->flags |= PFS_QF_GONE;
    else
	pfs_qtable_remove(p->qt, e);
}

/* new_msg - remember a message announced by smtpd or pickup */

static struct pfs_qentry *new_msg(PFS_PARSER *p, const struct line *ln,
			             enum pfs_origin origin, struct pfs_str account)
{
    struct pfs_qentry *e;
    struct pfs_qentry expected;
    int     evicted;

    if (ln->qid.len == 0)
	return (0);
    expected.flags = 0;
    if ((e = find_msg(p, ln)) != 0) {
	/* The ID comes back while the last message of that ID waits: count it. */
	if (e->flags & PFS_QF_PENDING)
	    settle(p, e, 1);
	/* A hop line named this copy already: keep what it carried. */
	else if (e->flags & PFS_QF_EXPECTED)
	    expected = *e;
    }
    e = pfs_qtable_add(p->qt, ln->sid, ln->qid.ptr, ln->qid.len, &evicted);
    if (evicted)
	pfs_scalar_inc(p->stats, PFS_OVERFLOW_QUEUE);
    e->source = (uint32_t) ln->src;
    e->origin = (uint8_t) origin;
    if (account.len > PFS_ACCOUNT_MAX)
	account.len = PFS_ACCOUNT_MAX;
    memcpy(e->account, account.ptr, account.len);
    e->account[account.len] = 0;
    if (expected.flags & PFS_QF_EXPECTED) {
	e->flags |= PFS_QF_COPY;
	if (expected.origin)
	    e->origin = expected.origin;
	if (expected.account[0]) {
	    memcpy(e->account, expected.account, sizeof(e->account));
	    e->flags = (uint8_t) ((e->flags & ~PFS_QF_CLIENT)
				  | (expected.flags & PFS_QF_CLIENT));
	}
	e->hop_ms = expected.hop_ms;
    }
    return (e);
}

/*
 * link_copy - c is the re-injected copy of o (NULL when the original is
 * not known any more): c is not a receipt, and takes o's account, origin
 * and time so far, plus hop_ms for the hop itself; o's hop lines that
 * name a copy are hops from now on.
 */
static void link_copy(PFS_PARSER *p, struct pfs_qentry *c, struct pfs_qentry *o,
		              uint64_t hop_ms)
{
    if (!(c->flags & PFS_QF_COPY))
	pfs_scalar_inc(p->stats, PFS_HOP_REINJECTED);
    if (c->flags & PFS_QF_PENDING)
	pfs_qtable_unpend(p->qt, c);
    c->flags = (uint8_t) ((c->flags & ~PFS_QF_PENDING) | PFS_QF_COPY);
    if (o != 0) {
	/* Its other recipients' hop lines name the same copy. */
	o->flags |= PFS_QF_FILTERED;
	memcpy(c->account, o->account, sizeof(c->account));
	c->flags = (uint8_t) ((c->flags & ~PFS_QF_CLIENT) | (o->flags & PFS_QF_CLIENT));
	c->origin = o->origin;
	hop_ms += o->hop_ms;
    }
    if (hop_ms > c->hop_ms)
	c->hop_ms = hop_ms;
}

/*
 * take_msg - a message announced by smtpd (client=) or pickup: its
 * account (as_client: the client's address, PFS_QF_CLIENT), whether its
 * client is on a loopback address (its receipt may have to wait), and,
 * with XFORWARD, the queue ID of the original it is a copy of (oid).
 */
static void take_msg(PFS_PARSER *p, const struct line *ln, enum pfs_origin origin,
		             struct pfs_str account, int as_client, int loopback,
		             struct pfs_str oid)
{
    struct pfs_qentry *e, *o;
    struct r_new *r;

    if (ln->qid.len == 0)
	return;
    if (p->batch) {
	r = rec_line(p, R_NEW, ln, sizeof(*r), 0);
	r->account = account;
	r->oid = oid;
	r->origin = (uint8_t) origin;
	r->as_client = (uint8_t) as_client;
	r->loopback = (uint8_t) loopback;
	return;
    }
    e = new_msg(p, ln, origin, account);
    /* No login: the client's address, an account only if configured. */
    if (as_client && e->account[0])
	e->flags |= PFS_QF_CLIENT;
    if (loopback)
	e->flags |= PFS_QF_LOOPBACK;
    if (oid.len > 0 && (o = pfs_qtable_find(p->qt, ln->sid, oid.ptr, oid.len)) != 0
	&& o != e)
	link_copy(p, e, o, 0);
}

/* client_addr - the address in "name[addr]" or "name[addr]:port", or empty */

static struct pfs_str client_addr(struct pfs_str client)
{
    const char *lb = memchr(client.ptr, '[', client.len);
    const char *rb;
    struct pfs_str addr = {client.ptr, 0};

    if (lb != 0 && (rb = memchr(lb, ']', client.ptr + client.len - lb)) != 0) {
	addr.ptr = lb + 1;
	addr.len = (size_t) (rb - (lb + 1));
    }
    return (addr);
}

/* reject_reason - classify reject text into a reason scalar */

static enum pfs_scalar reject_reason(PFS_PARSER *p, struct pfs_str text)
{
    static const struct {
	enum pat_id pat;
	enum pfs_scalar id;
    }       order[] = {
	{PAT_WHY_RBL, PFS_REJECT_RBL},
	{PAT_WHY_GREYLIST, PFS_REJECT_GREYLIST},
	{PAT_WHY_UNKNOWN_USER, PFS_REJECT_UNKNOWN_USER},
	{PAT_WHY_RELAY, PFS_REJECT_RELAY},
	{PAT_WHY_HELO, PFS_REJECT_HELO},
	{PAT_WHY_SIZE, PFS_REJECT_SIZE},
	{PAT_WHY_POLICY, PFS_REJECT_POLICY},
	{PAT_WHY_SENDER, PFS_REJECT_SENDER},
	{PAT_WHY_CLIENT, PFS_REJECT_CLIENT},
	{PAT_WHY_RECIPIENT, PFS_REJECT_RECIPIENT},
    };
    size_t  i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
	if (match(p, order[i].pat, text.ptr, text.len))
	    return (order[i].id);
    return (PFS_REJECT_OTHER);
}

/* count_dsn - one status code in the DSN table */

static void count_dsn(PFS_PARSER *p, struct pfs_str code, enum pfs_dsn_col col)
{
    if (code.len == 0)
	return;
    pfs_table_add(p->stats, PFS_TBL_DSN,
		  pfs_table_row(p->stats, PFS_TBL_DSN, code.ptr, code.len), col, 1);
}

/* count_reject - a reject of some reason */

static void count_reject(PFS_PARSER *p, const struct line *ln,
			         enum pfs_scalar why, struct pfs_str code)
{
    struct pfs_event ev;

    pfs_scalar_inc(p->stats, PFS_REJECT);
    pfs_scalar_inc(p->stats, why);
    pfs_table_add(p->stats, PFS_TBL_SOURCE, ln->src, PFS_SC_REJECT, 1);
    count_dsn(p, code, PFS_DC_REJECT);
    memset(&ev, 0, sizeof(ev));
    ev.type = PFS_EV_REJECT;
    emit_msg(p, &ev, ln);
}

/* is_data_stage - a reject or hang-up during the message content */

static int is_data_stage(struct pfs_str stage)
{
    return (STR_EQ(stage, "DATA") || STR_EQ(stage, "BDAT")
	    || STR_EQ(stage, "END-OF-MESSAGE"));
}

/*
 * do_action - "reject: RCPT from ...", "milter-reject: ...", "hold: ..."
 * logged by smtpd or postscreen. Returns 1 if the subject is such a line.
 */
static int do_action(PFS_PARSER *p, struct line *ln, int postscreen)
{
    struct pfs_str action, stage, klass, code, text;
    enum pfs_scalar why;

    if (!match(p, PAT_ACTION, ln->subj, ln->slen))
	return (0);
    cap(p, PAT_ACTION, ln->subj, 1, &action);
    cap(p, PAT_ACTION, ln->subj, 2, &stage);
    cap(p, PAT_ACTION, ln->subj, 4, &klass);
    cap(p, PAT_ACTION, ln->subj, 5, &code);
    cap(p, PAT_ACTION, ln->subj, 6, &text);

    if (STR_EQ(action, "reject_warning")) {
	pfs_scalar_inc(p->stats, PFS_REJECT_WARNING);
	return (1);
    }
    if (STR_EQ(action, "hold") || STR_EQ(action, "milter-hold")) {
	pfs_scalar_inc(p->stats, PFS_ACTION_HOLD);
	return (1);
    }
    if (STR_EQ(action, "discard") || STR_EQ(action, "milter-discard")) {
	pfs_scalar_inc(p->stats, PFS_ACTION_DISCARD);
	return (1);
    }
    /*
     * reject, milter-reject, proxy-reject, hangup. A reject without any
     * code ("too many connections", "all server ports busy") is answered
     * with 421 by postscreen and smtpd: count it as 4xx.
     */
    if (klass.len == 0 && code.len > 0)
	klass = code;				/* "5.7.1" without "550" */
    if (klass.len == 0 || klass.ptr[0] == '4')
	pfs_scalar_inc(p->stats, PFS_SMTPD_4XX);
    else
	pfs_scalar_inc(p->stats, PFS_SMTPD_5XX);
    if (postscreen)
	pfs_scalar_inc(p->stats, PFS_PS_REJECT);
    why = STR_EQ(action, "milter-reject") ? PFS_REJECT_MILTER : reject_reason(p, text);
    count_reject(p, ln, why, code);
    /* A message rejected during its content never enters the queue. */
    if (ln->qid.len > 0 && is_data_stage(stage))
	forget_msg(p, ln);
    return (1);
}

/* match_end - the subject after the last match of id */

static struct pfs_str match_end(PFS_PARSER *p, enum pat_id id, const struct line *ln)
{
    PCRE2_SIZE end = pcre2_get_ovector_pointer(p->md[id])[1];
    struct pfs_str rest;

    rest.ptr = ln->subj + end;
    rest.len = ln->slen - end;
    return (rest);
}

/* do_smtpd - smtpd (and qmqpd) lines */

static int do_smtpd(PFS_PARSER *p, struct line *ln)
{
    struct pfs_str client, user, stage, rest, oid;

    /* "NOQUEUE: client=" with a before-queue filter: nothing to follow. */
    if (match(p, PAT_SMTPD_CLIENT, ln->subj, ln->slen)) {
	cap(p, PAT_SMTPD_CLIENT, ln->subj, 1, &client);
	cap(p, PAT_SMTPD_CLIENT, ln->subj, 2, &user);
	if (ignored_peer(p, p->ignore_clients, p->n_ignore_clients, client)) {
	    pfs_scalar_inc(p->stats, PFS_IGNORED_CLIENT);
	    forget_msg(p, ln);
	    return (1);
	}
	if (user.len > 0)
	    pfs_scalar_inc(p->stats, PFS_SASL_AUTH);
	if (ln->qid.len > 0) {
	    /* With XFORWARD, the queue ID of the original this is a copy of. */
	    rest = match_end(p, PAT_SMTPD_CLIENT, ln);
	    if (!(rest.len > 0 && pfs_link_orig_queue_id(rest.ptr, rest.len, &oid)
		  && is_qid(oid.ptr, oid.len))) {
		oid.ptr = rest.ptr;
		oid.len = 0;
	    }
	    take_msg(p, ln, PFS_ORIGIN_SMTP, user.len > 0 ? user : client_addr(client),
		     user.len == 0, pfs_link_loopback(client), oid);
	}
	return (1);
    }
    if (match(p, PAT_SMTPD_CONNECT, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_SMTPD_CONNECT);
	return (1);
    }
    if (match(p, PAT_SMTPD_DISCONNECT, ln->subj, ln->slen))
	return (1);
    if (do_action(p, ln, 0))
	return (1);
    if (match(p, PAT_SMTPD_LOST, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_SMTPD_LOST);
	cap(p, PAT_SMTPD_LOST, ln->subj, 1, &stage);
	if (ln->qid.len > 0 && is_data_stage(stage) && !STR_EQ(stage, "END-OF-MESSAGE"))
	    forget_msg(p, ln);
	return (1);
    }
    if (match(p, PAT_SMTPD_TIMEOUT, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_SMTPD_TIMEOUT);
	cap(p, PAT_SMTPD_TIMEOUT, ln->subj, 1, &stage);
	if (ln->qid.len > 0 && is_data_stage(stage) && !STR_EQ(stage, "END-OF-MESSAGE"))
	    forget_msg(p, ln);
	return (1);
    }
    if (match(p, PAT_TLS_FROM, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_TLS_IN);
	return (1);
    }
    return (match(p, PAT_SMTPD_BENIGN, ln->subj, ln->slen));
}

/* do_postscreen - postscreen lines */

static int do_postscreen(PFS_PARSER *p, struct line *ln)
{
    struct pfs_str what;

    if (match(p, PAT_PS_CONNECT, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_PS_CONNECT);
	return (1);
    }
    if (match(p, PAT_PS_PASS, ln->subj, ln->slen)) {
	cap(p, PAT_PS_PASS, ln->subj, 1, &what);
	pfs_scalar_inc(p->stats, STR_EQ(what, "NEW") ? PFS_PS_PASS_NEW : PFS_PS_PASS_OLD);
	return (1);
    }
    if (match(p, PAT_PS_BENIGN, ln->subj, ln->slen))
	return (1);
    if (match(p, PAT_PS_DNSBL, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_PS_DNSBL);
	return (1);
    }
    if (match(p, PAT_PS_PREGREET, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_PS_PREGREET);
	return (1);
    }
    if (match(p, PAT_PS_HANGUP, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_PS_HANGUP);
	return (1);
    }
    if (match(p, PAT_PS_LISTED, ln->subj, ln->slen)) {
	cap(p, PAT_PS_LISTED, ln->subj, 1, &what);
	pfs_scalar_inc(p->stats, (what.ptr[0] == 'W' || what.ptr[0] == 'A')
		       ? PFS_PS_ALLOWLISTED : PFS_PS_DENYLISTED);
	return (1);
    }
    if (match(p, PAT_PS_TEST, ln->subj, ln->slen)) {
	cap(p, PAT_PS_TEST, ln->subj, 1, &what);
	pfs_scalar_inc(p->stats,
		       what.ptr[0] == 'N' ? PFS_PS_NON_SMTP :
		       what.ptr[0] == 'B' ? PFS_PS_BARE_NEWLINE :
		       what.len > 8 && what.ptr[8] == 'P' ? PFS_PS_PIPELINING :
		       PFS_PS_TIME_LIMIT);
	return (1);
    }
    return (do_action(p, ln, 1));
}

/* do_cleanup - cleanup lines */

static int do_cleanup(PFS_PARSER *p, struct line *ln)
{
    struct pfs_str action, part, code;

    if (match(p, PAT_CLEANUP_MSGID, ln->subj, ln->slen))
	return (1);
    if (match(p, PAT_CLEANUP_ACTION, ln->subj, ln->slen)) {
	cap(p, PAT_CLEANUP_ACTION, ln->subj, 1, &action);
	cap(p, PAT_CLEANUP_ACTION, ln->subj, 2, &part);
	cap(p, PAT_CLEANUP_ACTION, ln->subj, 3, &code);
	if (STR_EQ(action, "reject")) {
	    count_reject(p, ln, STR_EQ(part, "body") ? PFS_REJECT_BODY :
			 PFS_REJECT_HEADER, code);
	    forget_msg(p, ln);
	} else if (STR_EQ(action, "discard")) {
	    pfs_scalar_inc(p->stats, PFS_ACTION_DISCARD);
	    forget_msg(p, ln);
	} else if (STR_EQ(action, "hold")) {
	    pfs_scalar_inc(p->stats, PFS_ACTION_HOLD);
	}
	return (1);
    }
    if (match(p, PAT_ACTION, ln->subj, ln->slen)) {
	cap(p, PAT_ACTION, ln->subj, 1, &action);
	cap(p, PAT_ACTION, ln->subj, 5, &code);
	if (STR_EQ(action, "milter-reject") || STR_EQ(action, "reject")) {
	    count_reject(p, ln, PFS_REJECT_MILTER, code);
	    forget_msg(p, ln);
	} else if (STR_EQ(action, "milter-discard") || STR_EQ(action, "discard")) {
	    pfs_scalar_inc(p->stats, PFS_ACTION_DISCARD);
	    forget_msg(p, ln);
	} else if (STR_EQ(action, "milter-hold") || STR_EQ(action, "hold")) {
	    pfs_scalar_inc(p->stats, PFS_ACTION_HOLD);
	}
	return (1);
    }
    return (0);
}

/* do_pickup - pickup: a message submitted with sendmail */

static int do_pickup(PFS_PARSER *p, struct line *ln)
{
    struct pfs_str uid;

    if (ln->qid.len > 0 && match(p, PAT_PICKUP, ln->subj, ln->slen)) {
	/* The account is the submitting user: "uid=33", as pickup logs it. */
	const char *sp = memchr(ln->subj, ' ', ln->slen);

	struct pfs_str none = {ln->subj, 0};

	uid.ptr = ln->subj;
	uid.len = sp ? (size_t) (sp - ln->subj) : ln->slen;
	take_msg(p, ln, PFS_ORIGIN_LOCAL, uid, 0, 0, none);
	return (1);
    }
    return (0);
}

static int delivery_status(PFS_PARSER *, struct line *);

/*
 * qmgr_from - qmgr took a message (its first from= line counts): the
 * receipt, or, for smtpd's message from a loopback client, maybe a
 * filter's copy, a wait for the hop line to say
 */
static void qmgr_from(PFS_PARSER *p, const struct line *ln, struct pfs_str sender,
		              uint64_t nbytes, uint64_t n, const struct pfs_time *when)
{
    struct pfs_qentry *e;
    struct r_qfrom *r;

    if (p->batch) {
	r = rec_line(p, R_QFROM, ln, sizeof(*r), 0);
	r->sender = sender;
	r->size = nbytes;
	r->nrcpt = n;
	r->when = *when;
	return;
    }
    if ((e = find_msg(p, ln)) != 0
	&& !(e->flags & (PFS_QF_COUNTED | PFS_QF_COPY | PFS_QF_PENDING))) {
	if (e->origin == PFS_ORIGIN_SMTP && (e->flags & PFS_QF_LOOPBACK)) {
	    /* Maybe a filter's copy: wait for the hop line to say. */
	    e->flags |= PFS_QF_PENDING;
	    e->size = nbytes;
	    e->nrcpt = (uint32_t) n;
	    e->line = pfs_scalar_get(p->stats, PFS_LINES);
	    e->when = *when;
	    pfs_qtable_pend(p->qt, e);
	} else {
	    e->flags |= PFS_QF_COUNTED;
	    receipt(p, e, &ln->hdr, sender, nbytes, (unsigned) n);
	}
    }
}

/* do_qmgr - qmgr lines */

static int do_qmgr(PFS_PARSER *p, struct line *ln)
{
    struct pfs_str sender, size, nrcpt;
    struct pfs_event ev;
    uint64_t nbytes = 0, n = 0;
    int     bad;

    if (ln->qid.len == 0)
	return (0);
    if (match(p, PAT_QMGR_FROM, ln->subj, ln->slen)) {
	cap(p, PAT_QMGR_FROM, ln->subj, 1, &sender);
	cap(p, PAT_QMGR_FROM, ln->subj, 2, &size);
	cap(p, PAT_QMGR_FROM, ln->subj, 3, &nrcpt);
	bad = num_field(size, PFS_SIZE_MAX, &nbytes) < 0;
	bad |= num_field(nrcpt, PFS_NRCPT_MAX, &n) < 0;
	if (bad)
	    pfs_scalar_inc(p->stats, PFS_LINES_BAD_NUMBER);
	qmgr_from(p, ln, sender, nbytes, n, &ln->hdr.time);
	return (1);
    }
    if (match(p, PAT_QMGR_REMOVED, ln->subj, ln->slen)) {
	forget_msg(p, ln);
	return (1);
    }
    /* qmgr's own status lines: "relay=none, ... (mail transport unavailable)" */
    if (delivery_status(p, ln))
	return (1);
    if (match(p, PAT_QMGR_EXPIRED, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_EXPIRED);
	memset(&ev, 0, sizeof(ev));
	ev.type = PFS_EV_EXPIRED;
	emit_msg(p, &ev, ln);
	return (1);
    }
    return (match(p, PAT_QMGR_BENIGN, ln->subj, ln->slen));
}

/* do_delivery - lines of smtp, lmtp, local, virtual, pipe, ... */

static int do_delivery(PFS_PARSER *p, struct line *ln)
{
    if (match(p, PAT_TLS_TO, ln->subj, ln->slen)) {
	pfs_scalar_inc(p->stats, PFS_TLS_OUT);
	return (1);
    }
    if (delivery_status(p, ln))
	return (1);
    return (match(p, PAT_DELIVERY_BENIGN, ln->subj, ln->slen));
}

enum hop_kind {
    HOP_NONE,				/* a delivery */
    HOP_LINKED,				/* to a filter that handed the mail back */
    HOP_KEPT,				/* to a known filter, no copy came back */
};

/*
 * hop - is this status=sent line a mail's trip into a content filter? The
 * reply names the copy ("queued as NEWID"), a message of this source that
 * smtpd took from a loopback client, or that XFORWARD linked already; or
 * XFORWARD said the original had a copy come back. Links the copy; the
 * hop's delay becomes the copy's filter stage.
 */
static enum hop_kind hop(PFS_PARSER *p, const struct line *ln, const struct dlv *dv)
{
    struct pfs_str relay = dv->relay;
    struct pfs_str id = dv->id;
    struct pfs_qentry *o = find_msg(p, ln);
    struct pfs_qentry *c;
    uint32_t src = (uint32_t) ln->src;
    uint64_t sid = ln->sid;
    uint64_t delay_ms = dv->ms[0];
    int     has_id = dv->has_id;

    if (has_id && (c = pfs_qtable_find(p->qt, sid, id.ptr, id.len)) != 0 && c != o
	&& ((c->flags & PFS_QF_COPY)
	    || ((c->flags & PFS_QF_LOOPBACK) && c->origin == PFS_ORIGIN_SMTP
		&& dv->relay_lo))) {
	/* Its wait ended before this line: it was counted as received. */
	if ((c->flags & (PFS_QF_COPY | PFS_QF_COUNTED)) == PFS_QF_COUNTED)
	    pfs_scalar_inc(p->stats, PFS_OVERFLOW_LINK);
	link_copy(p, c, o, delay_ms);
	if (c->flags & PFS_QF_GONE)
	    pfs_qtable_remove(p->qt, c);
	pfs_link_learn(p->link, sid, src, relay.ptr, relay.len);
	return (HOP_LINKED);
    }
    /* A copy of this original was linked and is gone already (delivered first). */
    if (has_id && o != 0 && (o->flags & PFS_QF_FILTERED)) {
	pfs_link_learn(p->link, sid, src, relay.ptr, relay.len);
	return (HOP_LINKED);
    }
    if (pfs_link_known(p->link, sid, relay.ptr, relay.len)) {
	if (!has_id)
	    return (HOP_KEPT);
	/* A known filter's copy that smtpd logs later (or logged long ago). */
	if ((c = pfs_qtable_find(p->qt, sid, id.ptr, id.len)) == 0) {
	    int     evicted;

	    c = pfs_qtable_add(p->qt, sid, id.ptr, id.len, &evicted);
	    if (evicted)
		pfs_scalar_inc(p->stats, PFS_OVERFLOW_QUEUE);
	    c->source = src;
	    c->flags = PFS_QF_EXPECTED;
	} else if ((c->flags & (PFS_QF_COPY | PFS_QF_COUNTED)) == PFS_QF_COUNTED) {
	    pfs_scalar_inc(p->stats, PFS_OVERFLOW_LINK);
	}
	link_copy(p, c, o, delay_ms);
	return (HOP_LINKED);
    }
    return (HOP_NONE);
}

/* deliver - count a delivery status line (or its hop) */

static void deliver(PFS_PARSER *p, const struct line *ln, const struct dlv *dv)
{
    struct pfs_event ev;
    struct dlv *r;
    enum pfs_status st = (enum pfs_status) dv->status;
    enum hop_kind hk;
    char    code[PFS_KEY_MAX];
    size_t  trow;
    int     dsn_class;

    if (p->batch) {
	r = rec_line(p, R_DELIVERY, ln, sizeof(*r), 0);
	*r = *dv;
	return;
    }
    /* A hop into a content filter is neither a delivery nor ignored. */
    if (st == PFS_ST_SENT && (hk = hop(p, ln, dv)) != HOP_NONE) {
	pfs_scalar_inc(p->stats, hk == HOP_LINKED ? PFS_HOP_LINKED : PFS_HOP_KEPT);
	return;
    }
    if (dv->ignored) {
	pfs_scalar_inc(p->stats, PFS_IGNORED_RELAY);
	return;
    }
    dsn_class = dv->dclass - '0';

    if (st == PFS_ST_PROBE) {
	/* Address verification probe: not a delivery. */
	pfs_scalar_inc(p->stats, PFS_PROBE);
    } else {
	trow = pfs_table_row(p->stats, PFS_TBL_TRANSPORT, dv->transport.ptr, dv->transport.len);
	if (st == PFS_ST_SENT) {
	    pfs_scalar_inc(p->stats, PFS_SENT);
	    pfs_table_add(p->stats, PFS_TBL_TRANSPORT, trow, PFS_TC_SENT, 1);
	    pfs_table_add(p->stats, PFS_TBL_SOURCE, ln->src, PFS_SC_SENT, 1);
	    /* Maybe a filter that returns no queue ID: say so. */
	    if (dv->relay_lo) {
		pfs_scalar_inc(p->stats, PFS_LOOPBACK_UNLINKED);
		pfs_link_note_unlinked(p->link, dv->relay.ptr, dv->relay.len);
	    }
	} else if (st == PFS_ST_BOUNCED) {
	    pfs_scalar_inc(p->stats, PFS_BOUNCED);
	    pfs_table_add(p->stats, PFS_TBL_TRANSPORT, trow, PFS_TC_BOUNCED, 1);
	    pfs_table_add(p->stats, PFS_TBL_SOURCE, ln->src, PFS_SC_BOUNCED, 1);
	} else {
	    /* deferred, and SOFTBOUNCE: the message stays in the queue */
	    if (st == PFS_ST_SOFTBOUNCE)
		pfs_scalar_inc(p->stats, PFS_SOFTBOUNCE);
	    pfs_scalar_inc(p->stats, PFS_DEFERRED);
	    pfs_table_add(p->stats, PFS_TBL_TRANSPORT, trow, PFS_TC_DEFERRED, 1);
	    pfs_table_add(p->stats, PFS_TBL_SOURCE, ln->src, PFS_SC_DEFERRED, 1);
	}
	if (dsn_class == 4 || dsn_class == 5) {
	    pfs_table_add(p->stats, PFS_TBL_TRANSPORT, trow,
			  dsn_class == 4 ? PFS_TC_4XX : PFS_TC_5XX, 1);
	    if (ln->smtp_client)
		pfs_scalar_inc(p->stats, dsn_class == 4 ? PFS_SMTP_4XX : PFS_SMTP_5XX);
	}
	if (dv->dsub.len + 3 < sizeof(code)) {
	    code[0] = dv->dclass;
	    code[1] = '.';
	    memcpy(code + 2, dv->dsub.ptr, dv->dsub.len);
	    count_dsn(p, (struct pfs_str) {code, dv->dsub.len + 2}, PFS_DC_DELIVERY);
	}
    }
    /* The message matters only to event consumers. */
    if (p->event_fn) {
	memset(&ev, 0, sizeof(ev));
	ev.type = PFS_EV_DELIVERY;
	ev.delay_ms = dv->ms[0];
	memcpy(ev.delays_ms, dv->ms + 1, sizeof(ev.delays_ms));
	ev.transport = dv->transport;
	ev.relay = dv->relay;
	ev.status = st;
	ev.dsn_class = dsn_class;
	ev.msg = find_msg(p, ln);
	ev.filter_ms = ev.msg ? ev.msg->hop_ms : 0;
	emit(p, &ev, ln);
    }
}

/* delivery_status - "QID: to=<...>, relay=..., status=..." lines; 0 if not one */

static int delivery_status(PFS_PARSER *p, struct line *ln)
{
    struct pfs_status_fields sf;
    struct pfs_str status, rest;
    struct dlv dv;
    int     bad;
    int     i;

    if (ln->qid.len == 0)
	return (0);
    /* The usual shape by hand (pfs_status); the pattern decides the rest. */
    if (p->patterns_only || pfs_status_scan(ln->subj, ln->slen, &sf) < 0) {
	if (!match(p, PAT_DELIVERY, ln->subj, ln->slen))
	    return (0);
	cap(p, PAT_DELIVERY, ln->subj, 1, &sf.relay);
	cap(p, PAT_DELIVERY, ln->subj, 2, &sf.delay);
	for (i = 0; i < 4; i++)
	    cap(p, PAT_DELIVERY, ln->subj, 3 + i, sf.delays + i);
	cap(p, PAT_DELIVERY, ln->subj, 7, &sf.dclass);
	cap(p, PAT_DELIVERY, ln->subj, 8, &sf.dsub);
	cap(p, PAT_DELIVERY, ln->subj, 9, &sf.status);
	sf.end = (size_t) (match_end(p, PAT_DELIVERY, ln).ptr - ln->subj);
    }

    /* Delays matter to event consumers; a bad one is counted all the same. */
    memset(&dv, 0, sizeof(dv));
    bad = ms_field(sf.delay, dv.ms) < 0;
    for (i = 0; i < 4; i++)
	bad |= ms_field(sf.delays[i], dv.ms + 1 + i) < 0;
    if (bad)
	pfs_scalar_inc(p->stats, PFS_LINES_BAD_NUMBER);
    dv.relay = sf.relay;
    dv.dsub = sf.dsub;
    status = sf.status;
    dv.dclass = sf.dclass.ptr[0];
    if (STR_EQ(status, "sent"))
	dv.status = PFS_ST_SENT;
    else if (status.ptr[0] == 'd' ? STR_EQ(status, "deliverable") : status.ptr[0] == 'u')
	dv.status = PFS_ST_PROBE;
    else if (STR_EQ(status, "bounced"))
	dv.status = PFS_ST_BOUNCED;
    else if (STR_EQ(status, "SOFTBOUNCE"))
	dv.status = PFS_ST_SOFTBOUNCE;
    else
	dv.status = PFS_ST_DEFERRED;
    dv.transport = ln->hdr.service.len ? ln->hdr.service : ln->hdr.program;
    dv.relay_lo = (uint8_t) pfs_link_loopback(dv.relay);
    dv.ignored = (uint8_t) ignored_peer(p, p->ignore_relays, p->n_ignore_relays, dv.relay);
    if (dv.status == PFS_ST_SENT) {
	rest.ptr = ln->subj + sf.end;
	rest.len = ln->slen - sf.end;
	dv.has_id = pfs_link_queued_as(rest.ptr, rest.len, &dv.id) && is_qid(dv.id.ptr, dv.id.len);
    }
    deliver(p, ln, &dv);
    return (1);
}

/* do_bounce - notifications that Postfix generates */

static int do_bounce(PFS_PARSER *p, struct line *ln)
{
    struct pfs_str kind;

    if (!match(p, PAT_BOUNCE, ln->subj, ln->slen))
	return (0);
    cap(p, PAT_BOUNCE, ln->subj, 1, &kind);
    pfs_scalar_inc(p->stats, PFS_RECV);
    pfs_scalar_inc(p->stats, PFS_RECV_BOUNCE);
    pfs_table_add(p->stats, PFS_TBL_SOURCE, ln->src, PFS_SC_RECV, 1);
    pfs_scalar_inc(p->stats, kind.ptr[0] == 'n' ? PFS_BOUNCE_NDN :
		   STR_EQ(kind, "delay") ? PFS_BOUNCE_DELAY : PFS_BOUNCE_SUCCESS);
    return (1);
}

/*
 * verdict - count a content filter's verdict; again: the mail had a
 * verdict of another scanner already (pfs_scans), its virus counted.
 */
static void verdict(PFS_PARSER *p, const struct line *ln, enum pfs_verdict v, int again)
{
    struct pfs_event ev;

    if (v == PFS_VD_SPAM)
	pfs_scalar_inc(p->stats, PFS_SPAM);
    else if (v == PFS_VD_VIRUS && !again)
	pfs_scalar_inc(p->stats, PFS_VIRUS);
    else if (v == PFS_VD_CLEAN)
	pfs_scalar_inc(p->stats, PFS_CLEAN);
    memset(&ev, 0, sizeof(ev));
    ev.type = PFS_EV_VERDICT;
    ev.verdict = v;
    ev.again = again;
    emit(p, &ev, ln);
}

/*
 * clamav - a verdict of clamd or clamav-milter: once per mail, and once
 * with the front-end that asked (pfs_scans). copy: key is not part of
 * the line.
 */
static void clamav(PFS_PARSER *p, const struct line *ln, enum pfs_scan_from from,
		           long pid, struct pfs_str key, int virus, int copy)
{
    enum pfs_scan_from partner = PFS_SCAN_CLAMD;
    enum pfs_scan_result res;
    struct r_clamav *r;

    if (p->batch) {
	r = rec_line(p, R_CLAMAV, ln, sizeof(*r), copy ? key.len : 0);
	r->key = key;
	r->key_off = 0;
	if (copy) {
	    r->key_off = sizeof(struct r_line) + REC_ALIGN(sizeof(*r));
	    memcpy((char *) r + REC_ALIGN(sizeof(*r)), key.ptr, key.len);
	}
	r->pid = pid;
	r->from = (uint8_t) from;
	r->virus = (uint8_t) virus;
	return;
    }
    res = pfs_scans_verdict(p->scans, from, &ln->hdr, pid, key, virus, &partner);
    if (res == PFS_SCAN_REPEAT)
	return;
    /* ClamAV's own count, unless ClamAV reported this mail already. */
    if (res == PFS_SCAN_NEW || partner == PFS_SCAN_AMAVIS)
	pfs_scalar_inc(p->stats, virus ? PFS_CLAMAV_INFECTED : PFS_CLAMAV_CLEAN);
    verdict(p, ln, virus ? PFS_VD_VIRUS : PFS_VD_NOVIRUS, res == PFS_SCAN_AGAIN);
}

/* amavis_verdict - amavis's verdict of a mail, paired with clamd's (pfs_scans) */

static void amavis_verdict(PFS_PARSER *p, const struct line *ln, enum pfs_verdict v)
{
    struct pfs_str none = {"", 0};
    enum pfs_scan_result res;
    struct r_amavis *r;

    if (p->batch) {
	r = rec_line(p, R_AMAVIS, ln, sizeof(*r), 0);
	r->verdict = (uint8_t) v;
	return;
    }
    /* clamd may have reported this mail: its directory names our pid. */
    res = pfs_scans_verdict(p->scans, PFS_SCAN_AMAVIS, &ln->hdr, ln->hdr.pid,
			    none, v == PFS_VD_VIRUS, 0);
    verdict(p, ln, v, res == PFS_SCAN_AGAIN);
}

/* milter_key - a clamav-milter line's mail: its queue ID, else sender and second */

static struct pfs_str milter_key(PFS_PARSER *p, enum pat_id id, const struct line *ln,
				         char *buf, size_t len)
{
    struct pfs_str qid, sender;
    int     n;

    cap(p, id, ln->subj, 1, &qid);
    if (qid.len > 0 && !STR_EQ(qid, "UNKNOWN"))
	return (qid);
    cap(p, id, ln->subj, 2, &sender);
    n = snprintf(buf, len, "%.*s %02d:%02d:%02d", (int) (sender.len > 200 ? 200 : sender.len),
		 sender.ptr, ln->hdr.time.hour, ln->hdr.time.min, ln->hdr.time.sec);
    qid.ptr = buf;
    qid.len = n < 0 ? 0 : (size_t) n >= len ? len - 1 : (size_t) n;
    return (qid);
}

/* do_amavis - amavisd-new verdict lines */

static int do_amavis(PFS_PARSER *p, struct line *ln)
{
    static const struct {
	const char *name;
	enum pfs_scalar id;
	enum pfs_verdict v;
    }       kinds[] = {
	{"CLEAN", PFS_AMAVIS_CLEAN, PFS_VD_CLEAN},
	{"SPAMMY", PFS_AMAVIS_SPAMMY, PFS_VD_SPAM},
	{"SPAM", PFS_AMAVIS_SPAM, PFS_VD_SPAM},
	{"INFECTED", PFS_AMAVIS_INFECTED, PFS_VD_VIRUS},
	{"BANNED", PFS_AMAVIS_BANNED, PFS_VD_OTHER},
	{"BAD-HEADER", PFS_AMAVIS_BAD_HEADER, PFS_VD_OTHER},
	{"UNCHECKED", PFS_AMAVIS_UNCHECKED, PFS_VD_OTHER},
    };
    struct pfs_str how, what;
    size_t  i;

    if (!match(p, PAT_AMAVIS, ln->subj, ln->slen))
	return (1);				/* other amavis chatter */
    cap(p, PAT_AMAVIS, ln->subj, 1, &how);
    cap(p, PAT_AMAVIS, ln->subj, 2, &what);
    if (!STR_EQ(how, "Passed"))
	pfs_scalar_inc(p->stats, PFS_AMAVIS_BLOCKED);
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
	if (what.len == strlen(kinds[i].name)
	    && memcmp(what.ptr, kinds[i].name, what.len) == 0) {
	    pfs_scalar_inc(p->stats, kinds[i].id);
	    amavis_verdict(p, ln, kinds[i].v);
	    break;
	}
    }
    return (1);
}

/* do_filter - spamd, clamd, clamav-milter, rspamd */

static int do_filter(PFS_PARSER *p, struct line *ln, enum prog prog)
{
    struct pfs_str what, path;
    char    key[256];

    switch (prog) {
    case PROG_SPAMD:
	if (match(p, PAT_SPAMD, ln->subj, ln->slen)) {
	    cap(p, PAT_SPAMD, ln->subj, 1, &what);
	    if (what.ptr[0] == 'c') {
		pfs_scalar_inc(p->stats, PFS_SPAMD_CLEAN);
		verdict(p, ln, PFS_VD_CLEAN, 0);
	    } else {
		pfs_scalar_inc(p->stats, PFS_SPAMD_SPAM);
		verdict(p, ln, PFS_VD_SPAM, 0);
	    }
	}
	return (1);
    case PROG_CLAMD:
	if (match(p, PAT_CLAMD_FOUND, ln->subj, ln->slen)) {
	    cap(p, PAT_CLAMD_FOUND, ln->subj, 1, &path);
	    clamav(p, ln, PFS_SCAN_CLAMD, pfs_scans_amavis_pid(path), path, 1, 0);
	} else if (match(p, PAT_CLAMD_OK, ln->subj, ln->slen)) {
	    cap(p, PAT_CLAMD_OK, ln->subj, 1, &path);
	    clamav(p, ln, PFS_SCAN_CLAMD, pfs_scans_amavis_pid(path), path, 0, 0);
	}
	return (1);
    case PROG_CLAMAV_MILTER:
	if (match(p, PAT_CLAMAV_MILTER, ln->subj, ln->slen)) {
	    path = milter_key(p, PAT_CLAMAV_MILTER, ln, key, sizeof(key));
	    clamav(p, ln, PFS_SCAN_MILTER, -1, path, 1, path.ptr == key);
	} else if (match(p, PAT_CLAMAV_MILTER_CLEAN, ln->subj, ln->slen)) {
	    path = milter_key(p, PAT_CLAMAV_MILTER_CLEAN, ln, key, sizeof(key));
	    clamav(p, ln, PFS_SCAN_MILTER, -1, path, 0, path.ptr == key);
	}
	return (1);
    case PROG_RSPAMD:
	if (match(p, PAT_RSPAMD, ln->subj, ln->slen)) {
	    cap(p, PAT_RSPAMD, ln->subj, 1, &what);
	    if (STR_EQ(what, "no action")) {
		pfs_scalar_inc(p->stats, PFS_RSPAMD_NO_ACTION);
		verdict(p, ln, PFS_VD_CLEAN, 0);
	    } else if (STR_EQ(what, "greylist")) {
		pfs_scalar_inc(p->stats, PFS_RSPAMD_GREYLIST);
	    } else if (STR_EQ(what, "add header")) {
		pfs_scalar_inc(p->stats, PFS_RSPAMD_ADD_HEADER);
		verdict(p, ln, PFS_VD_SPAM, 0);
	    } else if (STR_EQ(what, "rewrite subject")) {
		pfs_scalar_inc(p->stats, PFS_RSPAMD_REWRITE_SUBJECT);
		verdict(p, ln, PFS_VD_SPAM, 0);
	    } else if (STR_EQ(what, "soft reject")) {
		pfs_scalar_inc(p->stats, PFS_RSPAMD_SOFT_REJECT);
	    } else {
		pfs_scalar_inc(p->stats, PFS_RSPAMD_REJECT);
		verdict(p, ln, PFS_VD_SPAM, 0);
	    }
	}
	return (1);
    default:
	return (0);
    }
}

/* classify - program class of a tag; sets smtp_client */

static enum prog classify(const struct pfs_syslog *h, int *smtp_client)
{
    const struct pfs_str pr = h->program;

    *smtp_client = 0;
    if (h->instance.len == 0) {
	/* No "/": a content filter, or not ours. */
	if (STR_EQ(pr, "amavis") || STR_EQ(pr, "amavisd") || STR_EQ(pr, "amavisd-new"))
	    return (PROG_AMAVIS);
	if (STR_EQ(pr, "spamd"))
	    return (PROG_SPAMD);
	if (STR_EQ(pr, "clamd"))
	    return (PROG_CLAMD);
	if (STR_EQ(pr, "clamav-milter"))
	    return (PROG_CLAMAV_MILTER);
	if (STR_EQ(pr, "rspamd"))
	    return (PROG_RSPAMD);
	return (PROG_FOREIGN);
    }
    switch (pr.len ? pr.ptr[0] : 0) {
    case 's':
	if (STR_EQ(pr, "smtpd"))
	    return (PROG_SMTPD);
	if (STR_EQ(pr, "smtp")) {
	    *smtp_client = 1;
	    return (PROG_DELIVERY);
	}
	break;
    case 'c':
	if (STR_EQ(pr, "cleanup"))
	    return (PROG_CLEANUP);
	break;
    case 'q':
	if (STR_EQ(pr, "qmgr"))
	    return (PROG_QMGR);
	if (STR_EQ(pr, "qmqpd"))
	    return (PROG_SMTPD);
	break;
    case 'l':
	if (STR_EQ(pr, "local"))
	    return (PROG_DELIVERY);
	if (STR_EQ(pr, "lmtp")) {
	    *smtp_client = 1;
	    return (PROG_DELIVERY);
	}
	break;
    case 'v':
	if (STR_EQ(pr, "virtual"))
	    return (PROG_DELIVERY);
	break;
    case 'p':
	if (STR_EQ(pr, "pipe"))
	    return (PROG_DELIVERY);
	if (STR_EQ(pr, "postscreen"))
	    return (PROG_POSTSCREEN);
	if (STR_EQ(pr, "pickup"))
	    return (PROG_PICKUP);
	if (STR_EQ(pr, "postsuper"))
	    return (PROG_POSTSUPER);
	break;
    case 'e':
	if (STR_EQ(pr, "error"))
	    return (PROG_DELIVERY);
	break;
    case 'd':
	if (STR_EQ(pr, "discard"))
	    return (PROG_DELIVERY);
	if (STR_EQ(pr, "defer"))
	    return (PROG_BOUNCE);
	break;
    case 'r':
	if (STR_EQ(pr, "retry"))
	    return (PROG_DELIVERY);
	break;
    case 'b':
	if (STR_EQ(pr, "bounce"))
	    return (PROG_BOUNCE);
	break;
    case 't':
	if (STR_EQ(pr, "trace"))
	    return (PROG_BOUNCE);
	break;
    case 'n':
	if (STR_EQ(pr, "nqmgr"))
	    return (PROG_QMGR);
	break;
    case 'o':
	if (STR_EQ(pr, "oqmgr"))
	    return (PROG_QMGR);
	break;
    }
    return (PROG_OTHER);
}

/* is_qid - a Postfix queue ID: hex, or the long vowel-free form */

static int is_qid(const char *s, size_t len)
{
    size_t  i;
    int     hex = 1;
    unsigned char c;

    if (len < 5 || len > PFS_QID_MAX)
	return (0);
    for (i = 0; i < len; i++) {
	c = (unsigned char) s[i];
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))
	    continue;
	hex = 0;
	/* Long form: letters and digits, no vowels. */
	switch (c | 0x20) {
	case 'a':
	case 'e':
	case 'i':
	case 'o':
	case 'u':
	    return (0);
	}
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
	    return (0);
    }
    return (hex || len >= 10);
}

/* severity - "warning: " etc. at the start of text; column or -1 */

static int severity(const struct pfs_str *t, size_t *skip)
{
    static const struct {
	const char *word;
	size_t  len;
	int     col;
    }       sev[] = {
	{"warning: ", 9, PFS_PC_WARNING},
	{"error: ", 7, PFS_PC_ERROR},
	{"fatal: ", 7, PFS_PC_FATAL},
	{"panic: ", 7, PFS_PC_PANIC},
    };
    size_t  i;

    if (t->len < 7)
	return (-1);
    for (i = 0; i < 4; i++) {
	if (t->ptr[0] == sev[i].word[0] && t->len >= sev[i].len
	    && memcmp(t->ptr, sev[i].word, sev[i].len) == 0) {
	    *skip = sev[i].len;
	    return (sev[i].col);
	}
    }
    return (-1);
}

/* pfs_parser_source_id - the identity of a source named by its key */

uint64_t pfs_parser_source_id(const char *key, size_t len)
{
    uint64_t h = UINT64_C(14695981039346656037);

    while (len-- > 0)
	h = (h ^ (unsigned char) *key++) * UINT64_C(1099511628211);
    return (h);
}

/*
 * source_row - the per-source row of this line, cached; *sid is the
 * source's identity, which messages in flight are keyed by: a source
 * whose row is "(other)" (the table was full) keeps its own.
 */
static size_t source_row(PFS_PARSER *p, const struct pfs_syslog *h,
			         enum prog prog, uint64_t *sid)
{
    char    key[PFS_KEY_MAX];
    struct pfs_str host = h->host;
    struct pfs_str inst = prog >= PROG_AMAVIS ? h->program : h->instance;
    size_t  len;

    if (host.len == 0) {
	host.ptr = "-";
	host.len = 1;
    }
    /* Same host and instance as the last line: no key to build. */
    if (p->src_valid && host.len == p->src_hlen && inst.len == p->src_ilen
	&& memcmp(host.ptr, p->src_host, host.len) == 0
	&& memcmp(inst.ptr, p->src_inst, inst.len) == 0) {
	*sid = p->src_sid;
	return (p->src_row);
    }
    if (host.len < sizeof(p->src_host) && inst.len < sizeof(p->src_inst)) {
	memcpy(p->src_host, host.ptr, host.len);
	memcpy(p->src_inst, inst.ptr, inst.len);
	p->src_hlen = host.len;
	p->src_ilen = inst.len;
	p->src_valid = 1;
    } else {
	p->src_valid = 0;
    }
    /* Each part gets at least half the key; never more than it has. */
    if (host.len > sizeof(key) / 2 && host.len + 1 + inst.len > sizeof(key))
	host.len = inst.len < sizeof(key) / 2 ? sizeof(key) - 1 - inst.len : sizeof(key) / 2;
    if (inst.len > sizeof(key) - 1 - host.len)
	inst.len = sizeof(key) - 1 - host.len;
    memcpy(key, host.ptr, host.len);
    key[host.len] = '/';
    memcpy(key + host.len + 1, inst.ptr, inst.len);
    len = host.len + 1 + inst.len;
    *sid = p->src_sid = pfs_parser_source_id(key, len);
    p->src_row = pfs_table_row(p->stats, PFS_TBL_SOURCE, key, len);
    /* A source that found the table full counts in overflow:source per line. */
    if (strcmp(pfs_table_key(p->stats, PFS_TBL_SOURCE, p->src_row), PFS_OTHER_KEY) == 0)
	p->src_valid = 0;
    return (p->src_row);
}

/*
 * Recording (a worker, pfs_parser_batch()). Each line with a header has
 * its wait check (expire()): the line's first record carries it
 * (RF_EXPIRE); the checks of lines without a record are kept as runs
 * of lines of the same time (R_TIME), written before the next record.
 */

/* run_flush - write the run of wait checks kept so far */

static void run_flush(PFS_PARSER *p)
{
    struct rec *r;

    if (p->run_n == 0)
	return;
    r = pfs_batch_append(p->batch, sizeof(*r));
    r->kind = R_TIME;
    r->flags = 0;
    r->size = sizeof(*r);
    r->line = p->run_line;
    r->n = p->run_n;
    r->secs = p->run_secs;
    p->run_n = 0;
}

/* pt_to_run - the last line's wait check, not taken by a record, joins the run */

static void pt_to_run(PFS_PARSER *p)
{
    if (!p->pt_live)
	return;
    p->pt_live = 0;
    if (p->run_n > 0 && p->run_secs == p->pt_secs && p->run_line + p->run_n == p->pt_line) {
	p->run_n++;
	return;
    }
    run_flush(p);
    p->run_line = p->pt_line;
    p->run_n = 1;
    p->run_secs = p->pt_secs;
}

/* note_point - a line's wait check, due at its time */

static void note_point(PFS_PARSER *p, const struct pfs_time *t)
{
    pt_to_run(p);
    p->pt_live = 1;
    p->pt_line = (uint32_t) pfs_scalar_get(p->stats, PFS_LINES);
    p->pt_secs = pfs_link_secs(t);
}

/* rec_start - append a record of this line, after the checks due before it */

static struct rec *rec_start(PFS_PARSER *p, enum rec_kind kind, size_t size)
{
    struct rec *r;
    int     point = p->pt_live;

    p->pt_live = 0;
    run_flush(p);
    r = pfs_batch_append(p->batch, size);
    r->kind = (uint8_t) kind;
    r->flags = point ? RF_EXPIRE : 0;
    r->size = (uint32_t) size;
    r->line = (uint32_t) pfs_scalar_get(p->stats, PFS_LINES);
    r->secs = p->pt_secs;
    return (r);
}

/*
 * rec_line - append a record of this line with size bytes of its kind's
 * part and extra bytes after it; returns the kind's part
 */
static void *rec_line(PFS_PARSER *p, enum rec_kind kind, const struct line *ln,
		              size_t size, size_t extra)
{
    int     hdr = kind >= R_EVENT || (p->wk_events && (kind == R_QFROM || kind == R_DELIVERY));
    size_t  total = sizeof(struct r_line) + REC_ALIGN(size) + REC_ALIGN(extra)
    + (hdr ? sizeof(struct pfs_syslog) : 0);
    struct r_line *r = (struct r_line *) rec_start(p, kind, total);

    if (hdr) {
	r->h.flags |= RF_HDR;
	memcpy((char *) r + total - sizeof(struct pfs_syslog), &ln->hdr, sizeof(ln->hdr));
    }
    r->sid = ln->sid;
    r->qid = ln->qid;
    r->src = (uint32_t) ln->src;
    r->smtp_client = (uint8_t) ln->smtp_client;
    return (r + 1);
}

/* rec_event - an event, for the parser that settles (lookup: its message) */

static void rec_event(PFS_PARSER *p, const struct pfs_event *ev, const struct line *ln,
		              int lookup)
{
    struct r_event *r = rec_line(p, R_EVENT, ln, sizeof(*r), 0);

    r->ev = *ev;
    r->ev.hdr = 0;
    r->ev.msg = 0;
    r->lookup = lookup;
}

/* row_hook - the block's store added a row: the main store adds it then too */

static void row_hook(enum pfs_table_id t, size_t row, void *ctx)
{
    PFS_PARSER *p = ctx;
    struct rec *r;

    pt_to_run(p);
    run_flush(p);
    r = pfs_batch_append(p->batch, sizeof(*r));
    r->kind = R_ROW;
    r->flags = 0;
    r->size = sizeof(*r);
    r->table = (uint16_t) t;
    r->n = (uint32_t) row;
}

/* parse_line - classify one line, NUL runs already dealt with */

static void parse_line(PFS_PARSER *p, const char *line, size_t len)
{
    struct line ln;
    struct pfs_str t;
    enum prog prog;
    size_t  skip = 0;
    int     sev;
    int     ok;

    pfs_scalar_inc(p->stats, PFS_LINES);
    if (pfs_syslog_split(line, len, &ln.hdr) < 0) {
	pfs_scalar_inc(p->stats, PFS_LINES_UNMATCHED);
	return;
    }
    if (p->batch)
	note_point(p, &ln.hdr.time);
    else if (pfs_qtable_npending(p->qt) > 0)
	expire(p, &ln.hdr.time);
    if ((prog = classify(&ln.hdr, &ln.smtp_client)) == PROG_FOREIGN) {
	pfs_scalar_inc(p->stats, PFS_LINES_FOREIGN);
	return;
    }
    ln.src = source_row(p, &ln.hdr, prog, &ln.sid);
    pfs_table_add(p->stats, PFS_TBL_SOURCE, ln.src, PFS_SC_LINES, 1);
    ln.qid.ptr = 0;
    ln.qid.len = 0;
    ln.noqueue = 0;
    t = ln.hdr.text;

    if (prog >= PROG_AMAVIS) {
	ln.subj = t.ptr;
	ln.slen = t.len;
	ok = prog == PROG_AMAVIS ? do_amavis(p, &ln) : do_filter(p, &ln, prog);
	if (!ok)
	    pfs_scalar_inc(p->stats, PFS_LINES_UNMATCHED);
	return;
    }
    /* warning: error: fatal: panic: count per program. */
    if ((sev = severity(&t, &skip)) >= 0) {
	pfs_table_add(p->stats, PFS_TBL_PROGRAM,
		      pfs_table_row(p->stats, PFS_TBL_PROGRAM, ln.hdr.program.ptr,
				    ln.hdr.program.len), (size_t) sev, 1);
	t.ptr += skip;
	t.len -= skip;
	if (prog == PROG_SMTPD && match(p, PAT_SASL_FAILED, t.ptr, t.len))
	    pfs_scalar_inc(p->stats, PFS_SASL_FAILED);
	return;
    }
    /* Queue ID or NOQUEUE. */
    if (t.len > 9 && memcmp(t.ptr, "NOQUEUE: ", 9) == 0) {
	ln.noqueue = 1;
	t.ptr += 9;
	t.len -= 9;
    } else {
	const char *colon = memchr(t.ptr, ':', t.len < PFS_QID_MAX + 1 ? t.len : PFS_QID_MAX + 1);

	if (colon && (size_t) (colon - t.ptr) + 1 < t.len && colon[1] == ' '
	    && is_qid(t.ptr, colon - t.ptr)) {
	    ln.qid.ptr = t.ptr;
	    ln.qid.len = colon - t.ptr;
	    t.ptr = colon + 2;
	    t.len -= ln.qid.len + 2;
	}
    }
    ln.subj = t.ptr;
    ln.slen = t.len;

    switch (prog) {
    case PROG_SMTPD:
	ok = do_smtpd(p, &ln);
	break;
    case PROG_POSTSCREEN:
	ok = do_postscreen(p, &ln);
	break;
    case PROG_CLEANUP:
	ok = do_cleanup(p, &ln);
	break;
    case PROG_PICKUP:
	ok = do_pickup(p, &ln);
	break;
    case PROG_QMGR:
	ok = do_qmgr(p, &ln);
	break;
    case PROG_DELIVERY:
	ok = do_delivery(p, &ln);
	break;
    case PROG_BOUNCE:
	ok = do_bounce(p, &ln);
	break;
    case PROG_POSTSUPER:
	if (ln.qid.len > 0 && match(p, PAT_POSTSUPER_REMOVED, ln.subj, ln.slen))
	    forget_msg(p, &ln);
	ok = 1;
	break;
    default:
	ok = 1;					/* master, anvil, ...: nothing to count */
	break;
    }
    if (!ok)
	pfs_scalar_inc(p->stats, PFS_LINES_UNMATCHED);
}

/*
 * nul_line - a line that holds NUL bytes. A crash can leave a cut line
 * and a run of NULs (space the file system had allocated) with the next
 * line glued on: where the bytes after a run of NULs start a syslog
 * header, the line is cut, and each piece is a line of its own (a piece
 * of NULs only is dropped). NULs inside a line's text stay: the line is
 * classified with them.
 */
static void nul_line(PFS_PARSER *p, const char *line, size_t len)
{
    const char *end = line + len;
    const char *start = line;
    const char *q = line;
    const char *nul;
    const char *after;
    struct pfs_syslog hdr;

    while (q < end && (nul = memchr(q, 0, (size_t) (end - q))) != 0) {
	for (after = nul; after < end && *after == 0; after++)
	     /* void */ ;
	if (after < end && pfs_syslog_split(after, (size_t) (end - after), &hdr) == 0) {
	    if (nul > start)
		parse_line(p, start, (size_t) (nul - start));
	    start = after;
	}
	q = after;
    }
    parse_line(p, start, (size_t) (end - start));
}

/* pfs_parser_line - classify one line */

void    pfs_parser_line(PFS_PARSER *p, const char *line, size_t len, int flags)
{
    /* The common line: nothing to note, straight on (a tail call). */
    if ((flags & (PFS_LINE_OVERLONG | PFS_LINE_NUL_CHECKED | PFS_LINE_NUL))
	== PFS_LINE_NUL_CHECKED) {
	parse_line(p, line, len);
	return;
    }
    if (flags & PFS_LINE_OVERLONG)
	pfs_scalar_inc(p->stats, PFS_LINES_OVERLONG);
    if ((flags & PFS_LINE_NUL_CHECKED) ? (flags & PFS_LINE_NUL) != 0
	: memchr(line, 0, len) != 0) {
	pfs_scalar_inc(p->stats, PFS_LINES_NUL);
	nul_line(p, line, len);
	return;
    }
    parse_line(p, line, len);
}

/* copy_list - private copy of a string list */

static char **copy_list(const char *const *src, size_t n)
{
    char  **dst;
    size_t  i;

    if (n == 0)
	return (0);
    dst = pfs_calloc(n, sizeof(*dst));
    for (i = 0; i < n; i++)
	dst[i] = pfs_strdup(src[i]);
    return (dst);
}

/* free_list - release a copied list */

static void free_list(char **list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++)
	free(list[i]);
    free(list);
}

/*
 * pat_prefilter - what can be decided without PCRE2: an anchored pattern's
 * literal start (whole pattern, "^lit$", or a prefix), else the set of
 * possible first bytes that PCRE2 computed (anchored patterns only).
 */
static void pat_prefilter(PFS_PARSER *p, int id)
{
    const char *src = pat_src[id];
    const char *q;
    char    buf[sizeof(p->lit[0])];
    size_t  n = 0;
    int     depth = 0;
    int     kind;
    uint32_t type = 0;
    uint32_t cu = 0;
    const uint8_t *bm = 0;

    p->lit_kind[id] = LIT_NONE;
    p->has_first[id] = 0;
    if (src[0] != '^')
	return;
    /* A top-level alternative would not be anchored by the '^'. */
    for (q = src; *q; q++) {
	if (*q == '\\' && q[1])
	    q++;
	else if (*q == '(')
	    depth++;
	else if (*q == ')')
	    depth--;
	else if (*q == '|' && depth == 0)
	    return;
    }
    for (q = src + 1; *q && n < sizeof(buf); q++) {
	if (*q == '\\') {
	    if (q[1] == 0 || isalnum((unsigned char) q[1]))
		break;
	    buf[n++] = *++q;
	} else if (strchr(".[]()|?*+{}^$", *q)) {
	    break;
	} else {
	    buf[n++] = *q;
	}
    }
    if (*q == '?' || *q == '*' || *q == '+' || *q == '{') {
	/* The last literal is quantified: not part of the prefix. */
	if (n > 0 && q[-1] != '\\')
	    n--;
	else if (n > 0)
	    n--;
	kind = LIT_PREFIX;
    } else if (*q == 0) {
	kind = LIT_WHOLE;
    } else if (*q == '$' && q[1] == 0) {
	kind = LIT_EXACT;
    } else {
	kind = LIT_PREFIX;
    }
    if (n > 0 && n < sizeof(buf)) {
	memcpy(p->lit[id], buf, n);
	p->lit_len[id] = (unsigned char) n;
	p->lit_kind[id] = (unsigned char) kind;
	return;
    }
    pcre2_pattern_info(p->re[id], PCRE2_INFO_FIRSTBITMAP, &bm);
    pcre2_pattern_info(p->re[id], PCRE2_INFO_FIRSTCODETYPE, &type);
    pcre2_pattern_info(p->re[id], PCRE2_INFO_FIRSTCODEUNIT, &cu);
    if (bm) {
	memcpy(p->first[id], bm, 32);
	p->has_first[id] = 1;
    } else if (type == 1 && cu < 256) {
	memset(p->first[id], 0, 32);
	p->first[id][cu >> 3] |= 1 << (cu & 7);
	p->has_first[id] = 1;
    }
}

/* pfs_parser_create - compile every pattern once */

PFS_PARSER *pfs_parser_create(PFS_STATS *stats, const struct pfs_parser_opts *opts,
			              char *err, size_t errlen)
{
    PFS_PARSER *p = pfs_calloc(1, sizeof(*p));
    int     i;
    int     ecode;
    PCRE2_SIZE eoff;
    PCRE2_UCHAR emsg[120];
    static const struct pfs_parser_opts none;

    if (opts == 0)
	opts = &none;
    p->stats = stats;
    p->qt = pfs_qtable_create(opts->queue_cap ? opts->queue_cap : PFS_DEF_QUEUE_CAP);
    pfs_qtable_set_evict(p->qt, on_evict, p);
    p->link = pfs_link_create();
    p->scans = pfs_scans_create();
    p->ignore_clients = copy_list(opts->ignore_clients, opts->n_ignore_clients);
    p->n_ignore_clients = opts->n_ignore_clients;
    p->ignore_relays = copy_list(opts->ignore_relays, opts->n_ignore_relays);
    p->n_ignore_relays = opts->n_ignore_relays;
    p->ignore_localhost = opts->ignore_localhost;
    p->patterns_only = opts->patterns_only;

    for (i = 0; i < PAT_COUNT; i++) {
	p->re[i] = pcre2_compile((PCRE2_SPTR) pat_src[i], PCRE2_ZERO_TERMINATED,
				 0, &ecode, &eoff, 0);
	if (p->re[i] == 0) {
	    pcre2_get_error_message(ecode, emsg, sizeof(emsg));
	    snprintf(err, errlen, "pattern %s: %s at offset %zu",
		     pat_name[i], (char *) emsg, (size_t) eoff);
	    pfs_parser_free(p);
	    return (0);
	}
	p->jit[i] = pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE) == 0;
	pat_prefilter(p, i);
	p->md[i] = pcre2_match_data_create_from_pattern(p->re[i], 0);
	if (p->md[i] == 0) {
	    snprintf(err, errlen, "pattern %s: no memory for match data", pat_name[i]);
	    pfs_parser_free(p);
	    return (0);
	}
    }
    return (p);
}

/* pfs_parser_set_event - where events go */

void    pfs_parser_set_event(PFS_PARSER *p, PFS_EVENT_FN fn, void *ctx)
{
    p->event_fn = fn;
    p->event_ctx = ctx;
}

/* pfs_parser_qtable - messages in flight */

PFS_QTABLE *pfs_parser_qtable(PFS_PARSER *p)
{
    return (p->qt);
}

/* pfs_parser_flush - count every receipt that waits */

void    pfs_parser_flush(PFS_PARSER *p)
{
    struct pfs_qentry *e;

    while ((e = pfs_qtable_pending(p->qt)) != 0)
	settle(p, e, 1);
}

/* pfs_parser_pending - receipts that wait */

size_t  pfs_parser_pending(const PFS_PARSER *p)
{
    return (pfs_qtable_npending(p->qt));
}

struct restore {
    struct pfs_qentry **v;
    size_t  n, alloc;
};

/* collect_pending - PFS_QTABLE_VISIT: entries flagged as waiting */

static void collect_pending(const struct pfs_qentry *e, void *ctx)
{
    struct restore *r = ctx;

    if (!(e->flags & PFS_QF_PENDING))
	return;
    if (r->n == r->alloc) {
	r->alloc = r->alloc ? 2 * r->alloc : 64;
	r->v = pfs_reallocarray(r->v, r->alloc, sizeof(*r->v));
    }
    /* The visitor is read-only; the table is ours to change. */
    r->v[r->n++] = (struct pfs_qentry *) e;
}

/* by_line - order of waiting entries: when qmgr took them */

static int by_line(const void *a, const void *b)
{
    const struct pfs_qentry *x = *(struct pfs_qentry *const *) a;
    const struct pfs_qentry *y = *(struct pfs_qentry *const *) b;

    return (x->line < y->line ? -1 : x->line > y->line);
}

/* pfs_parser_restore - put restored waiting entries back in line */

void    pfs_parser_restore(PFS_PARSER *p)
{
    struct restore r;
    size_t  i;

    memset(&r, 0, sizeof(r));
    pfs_qtable_visit(p->qt, collect_pending, &r);
    if (r.n > 1)
	qsort(r.v, r.n, sizeof(*r.v), by_line);
    for (i = 0; i < r.n; i++)
	pfs_qtable_pend(p->qt, r.v[i]);
    free(r.v);
}

/* pfs_parser_filter - the i-th filter relay learned, oldest first */

const char *pfs_parser_filter(const PFS_PARSER *p, size_t i, uint64_t *sid,
			             uint32_t *source)
{
    return (pfs_link_get(p->link, i, sid, source));
}

/* pfs_parser_add_filter - restore a filter relay */

void    pfs_parser_add_filter(PFS_PARSER *p, uint64_t sid, uint32_t source,
			              const char *relay)
{
    pfs_link_learn(p->link, sid, source, relay, strlen(relay));
}

/* pfs_parser_unlinked_relay - first loopback relay not linked, or NULL */

const char *pfs_parser_unlinked_relay(const PFS_PARSER *p)
{
    return (pfs_link_unlinked(p->link));
}

/* pfs_parser_worker - a parser that parses blocks for p (pfs_parser_batch()) */

PFS_PARSER *pfs_parser_worker(const PFS_PARSER *p, char *err, size_t errlen)
{
    struct pfs_parser_opts opts;
    PFS_PARSER *w;

    memset(&opts, 0, sizeof(opts));
    opts.ignore_clients = (const char *const *) p->ignore_clients;
    opts.n_ignore_clients = p->n_ignore_clients;
    opts.ignore_relays = (const char *const *) p->ignore_relays;
    opts.n_ignore_relays = p->n_ignore_relays;
    opts.ignore_localhost = p->ignore_localhost;
    opts.patterns_only = p->patterns_only;
    /* Its own table stays empty: a small one. */
    opts.queue_cap = 1;
    if ((w = pfs_parser_create(0, &opts, err, errlen)) == 0)
	return (0);
    w->wk_events = p->event_fn != 0;
    return (w);
}

/* batch_line - pfs_lines_split() callback */

static void batch_line(const char *line, size_t len, int flags, void *ctx)
{
    pfs_parser_line((PFS_PARSER *) ctx, line, len, flags);
}

/* pfs_parser_batch - a worker parses the lines of a block into a batch */

size_t  pfs_parser_batch(PFS_PARSER *w, PFS_BATCH *b, const char *buf, size_t len,
			         size_t limit)
{
    size_t  n;

    w->stats = pfs_batch_stats(b);
    w->src_valid = 0;
    w->batch = b;
    w->pt_live = 0;
    w->run_n = 0;
    pfs_stats_on_row(w->stats, row_hook, w);
    n = pfs_lines_split(buf, len, limit, batch_line, w);
    pt_to_run(w);
    run_flush(w);
    pfs_stats_on_row(w->stats, 0, 0);
    w->batch = 0;
    w->src_valid = 0;
    return (n);
}

/* blank_hdr - the header of a line whose record carries none */

static void blank_hdr(struct pfs_syslog *h)
{
    memset(h, 0, sizeof(*h));
    h->host.ptr = h->tag.ptr = h->instance.ptr = h->service.ptr = "";
    h->program.ptr = h->text.ptr = "";
    h->pid = -1;
}

/*
 * settle_line - what a recorded line does to the messages in flight. The
 * line ln is the caller's, blank but for what records set: a record
 * without a header is one whose effects never read it.
 */
static void settle_line(PFS_PARSER *p, struct line *ln, const struct r_line *r,
			        uint64_t base)
{
    const void *part = r + 1;
    struct pfs_str key;

    if (r->h.flags & RF_HDR)
	memcpy(&ln->hdr, (const char *) r + r->h.size - sizeof(ln->hdr), sizeof(ln->hdr));
    ln->qid = r->qid;
    ln->sid = r->sid;
    ln->src = p->map[PFS_TBL_SOURCE][r->src];
    ln->smtp_client = r->smtp_client;
    /* The counter as it read at that line, for the waits. */
    pfs_scalar_set(p->stats, PFS_LINES, base + r->h.line);
    if ((r->h.flags & RF_EXPIRE) && pfs_qtable_npending(p->qt) > 0)
	expire_at(p, r->h.secs, base + r->h.line);

    switch (r->h.kind) {
    case R_NEW:{
	    const struct r_new *n = part;

	    take_msg(p, ln, (enum pfs_origin) n->origin, n->account, n->as_client,
		     n->loopback, n->oid);
	    break;
	}
    case R_FORGET:
	forget_msg(p, ln);
	break;
    case R_QFROM:{
	    const struct r_qfrom *q = part;

	    qmgr_from(p, ln, q->sender, q->size, q->nrcpt, &q->when);
	    break;
	}
    case R_DELIVERY:
	deliver(p, ln, part);
	break;
    case R_EVENT:{
	    const struct r_event *e = part;
	    struct pfs_event ev = e->ev;

	    if (e->lookup)
		emit_msg(p, &ev, ln);
	    else
		emit(p, &ev, ln);
	    break;
	}
    case R_CLAMAV:{
	    const struct r_clamav *c = part;

	    key = c->key;
	    if (c->key_off)
		key.ptr = (const char *) r + c->key_off;
	    clamav(p, ln, (enum pfs_scan_from) c->from, c->pid, key, c->virus, 0);
	    break;
	}
    case R_AMAVIS:
	amavis_verdict(p, ln, (enum pfs_verdict) ((const struct r_amavis *) part)->verdict);
	break;
    }
    if (r->h.flags & RF_HDR)
	blank_hdr(&ln->hdr);
}

/* row_calls - how often one thread would have looked a block row's key up */

static uint64_t row_calls(const PFS_STATS *bs, enum pfs_table_id t, size_t row)
{
    uint64_t n = 0;
    size_t  c;

    /* Each lookup adds 1 to one column; the source row's is "lines". */
    if (t == PFS_TBL_SOURCE)
	return (pfs_table_get(bs, t, row, PFS_SC_LINES));
    if (t == PFS_TBL_TRANSPORT)
	return (pfs_table_get(bs, t, row, PFS_TC_SENT) + pfs_table_get(bs, t, row, PFS_TC_DEFERRED)
		+ pfs_table_get(bs, t, row, PFS_TC_BOUNCED));
    for (c = 0; c < pfs_table_ncols(t); c++)
	n += pfs_table_get(bs, t, row, c);
    return (n);
}

/* pfs_parser_settle_batch - a worker's batch, in log order after the last */

void    pfs_parser_settle_batch(PFS_PARSER *p, PFS_BATCH *b)
{
    PFS_STATS *bs = pfs_batch_stats(b);
    uint64_t base = pfs_scalar_get(p->stats, PFS_LINES);
    const unsigned char *recs, *q;
    const struct rec *r;
    struct line ln;
    size_t  len;
    size_t  rows;
    size_t  i;
    int     t;

    for (t = 0; t < PFS_TABLE_COUNT; t++) {
	rows = pfs_table_rows(bs, t);
	if (rows > p->map_alloc[t]) {
	    p->map[t] = pfs_reallocarray(p->map[t], rows, sizeof(*p->map[t]));
	    p->map_alloc[t] = rows;
	}
    }
    memset(&ln, 0, sizeof(ln));
    blank_hdr(&ln.hdr);
    ln.subj = "";
    recs = pfs_batch_records(b, &len);
    for (q = recs; len > 0 && q < recs + len; q += r->size) {
	r = (const struct rec *) q;
	switch (r->kind) {
	case R_TIME:
	    if (pfs_qtable_npending(p->qt) > 0)
		expire_lines(p, r->secs, base + r->line, r->n);
	    break;
	case R_ROW:
	    p->map[r->table][r->n] = pfs_stats_row_from(p->stats, r->table, bs, r->n);
	    break;
	default:
	    settle_line(p, &ln, (const struct r_line *) r, base);
	    break;
	}
    }
    /* The block's counters; "lines" is where the block ends. */
    for (t = 0; t < PFS_TABLE_COUNT; t++)
	for (i = 0; i < pfs_table_rows(bs, t); i++)
	    pfs_stats_add_row(p->stats, t, p->map[t][i], bs, i, row_calls(bs, t, i));
    for (i = 0; i < PFS_SCALAR_COUNT; i++)
	if (i != PFS_LINES)
	    pfs_scalar_add(p->stats, i, pfs_scalar_get(bs, i));
    pfs_scalar_set(p->stats, PFS_LINES, base + pfs_scalar_get(bs, PFS_LINES));
}

/* pfs_parser_free - release */

void    pfs_parser_free(PFS_PARSER *p)
{
    int     i;

    if (p == 0)
	return;
    for (i = 0; i < PAT_COUNT; i++) {
	pcre2_match_data_free(p->md[i]);
	pcre2_code_free(p->re[i]);
    }
    for (i = 0; i < PFS_TABLE_COUNT; i++)
	free(p->map[i]);
    pfs_qtable_free(p->qt);
    pfs_link_free(p->link);
    pfs_scans_free(p->scans);
    free_list(p->ignore_clients, p->n_ignore_clients);
    free_list(p->ignore_relays, p->n_ignore_relays);
    free(p);
}
