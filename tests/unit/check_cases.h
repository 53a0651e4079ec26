/*
 * check_cases.h - verbatim log lines and the counters they move.
 *
 * Included by check_parser.c only. Each entry: a name, the lines (fed in
 * order), the expected non-zero counters, and optional parser options.
 * Counters not named must stay zero ("lines" and "source:*" excepted).
 */

static const struct pfs_parser_opts amavis_opts = {
    .ignore_clients = (const char *const[]){"127.0.0.1"},
    .n_ignore_clients = 1,
    .ignore_relays = (const char *const[]){"127.0.0.1:10024"},
    .n_ignore_relays = 1,
};

static const struct pcase cases[] = {
    {"smtpd receives, smtp sends",
	LINES("Nov 22 10:00:01 mx1 postfix/smtpd[1234]: connect from mail.example.org[192.0.2.10]",
	      "Nov 22 10:00:01 mx1 postfix/smtpd[1234]: 3F2A41C0E5: client=mail.example.org[192.0.2.10]",
	      "Nov 22 10:00:01 mx1 postfix/cleanup[1240]: 3F2A41C0E5: message-id=<20261122100001.1@example.org>",
	      "Nov 22 10:00:01 mx1 postfix/qmgr[900]: 3F2A41C0E5: from=<alice@example.org>, size=1834, nrcpt=1 (queue active)",
	      "Nov 22 10:00:01 mx1 postfix/smtpd[1234]: disconnect from mail.example.org[192.0.2.10] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
	      "Nov 22 10:00:02 mx1 postfix/smtp[1250]: 3F2A41C0E5: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4B1C2D3E4F)",
	      "Nov 22 10:00:02 mx1 postfix/qmgr[900]: 3F2A41C0E5: removed"),
	EXPECT({"recv", 1}, {"recv:smtp", 1}, {"bytes:recv", 1834}, {"smtpd:connect", 1},
	       {"sent", 1}, {"sent:smtp", 1}, {"dsn:2.0.0", 1}),
    0},
};
