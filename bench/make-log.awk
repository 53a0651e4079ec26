# SPDX-License-Identifier: BSD-2-Clause
# make-log.awk - generate a large, realistic Postfix mail log for benchmarks
#
# SYNOPSIS
#	awk -v lines=N -v seed=S -v counts=FILE -f make-log.awk > LOG
#
# DESCRIPTION
#	Writes at least N lines (default 1000000) of mail log in the RFC 3164
#	syslog format ("Nov 22 10:00:01 mx1 postfix/smtpd[1234]: ..."),
#	built from the line shapes of a real Postfix 3.7 capture
#	(tests/data/postfix-e2e.log) plus the usual neighbours of a mail
#	server's log: postscreen, amavis, dnsblog, and foreign programs
#	(cron, kernel, systemd, dovecot).
#
#	Each mail is a session: postscreen and smtpd (or pickup, or
#	submission with SASL and TLS), cleanup, qmgr, a trip through amavis
#	on 127.0.0.1:10024 and back through smtpd on :10025 for inbound
#	mail, delivery by local, lmtp or smtp (mostly sent, some deferred
#	and retried or expired, some bounced with a non-delivery
#	notification), qmgr removed, disconnect. Sessions without mail
#	carry NOQUEUE rejects (relay, RBL, unknown user, HELO, sender),
#	postscreen rejects and hangups, warnings and lost connections.
#	About a dozen sessions run at once and their lines interleave the
#	way concurrent smtpd processes do in a real log; timestamps only
#	rise (about 70 ms a line, so a million lines cover about a day).
#
#	Every queue ID is unique. The output depends only on N and S: the
#	random numbers come from our own Park-Miller generator, not from
#	awk's rand(), so mawk and gawk write the same bytes.
#
#	With -v counts=FILE, writes what was generated as "name value"
#	lines (status lines per transport, rejects, amavis verdicts, ...),
#	the ground truth for checking what each tool counts. Raw line
#	counts (status:sent, smtpd:client, sent:amavis-hop) include the
#	trip through amavis; the counts named like postfix-stats' counters
#	(recv:smtp, sent:smtp, hop:*) count each mail once, the way
#	doc/counters.md says: a hop into amavis that is answered with
#	"queued as NEWID" is hop:linked and its re-injection
#	hop:reinjected, not sent nor received; a hop of spam that amavis
#	discards (no queue ID) is hop:kept once a hop to that relay has
#	been linked, and sent:smtp (and loopback:unlinked) before. Since
#	that depends on the order in which the lines come out, hop lines
#	are counted when they are printed.
#
# SECURITY
#	Writes only standard output and FILE.

# rnd - uniform integer in [0, n)
function rnd(n) {
	rng = (rng * 48271) % 2147483647
	return rng % n
}

# pick - one of the words of a space-separated list
function pick(list,    n, w) {
	n = split(list, w, " ")
	return w[rnd(n) + 1]
}

# ip - a documentation address (RFC 5737) that looks like a client
function ip(    r) {
	r = rnd(3)
	return (r == 0 ? "192.0.2." : (r == 1 ? "198.51.100." : "203.0.113.")) (1 + rnd(254))
}

# qid - a unique short queue ID (11 upper-case hex digits, like 8BB80A7257E)
function qid() {
	nmsg++
	# an odd multiplier modulo 2^24 is a bijection: unique for 16M mails
	return sprintf("%06X%05X", (nmsg * 1103515) % 16777216, rnd(1048576))
}

# secs - a delay as Postfix prints it (0.52, 1.4, 12)
function secs(max,    v) {
	v = rnd(max * 100)
	if (v >= 1000)
		return int(v / 100)
	if (v >= 100)
		return sprintf("%.1f", v / 100)
	return sprintf("%.2f", v / 100)
}

# delays - the delays=a/b/c/d field
function delays(    a, b, c, d) {
	a = rnd(3) ? secs(0.2) : "0"
	b = rnd(2) ? secs(0.05) : "0"
	c = rnd(2) ? secs(0.8) : "0"
	d = secs(1.5)
	return a "/" b "/" c "/" d
}

# add - queue one line (without timestamp and host) on stream s
function add(s, text) {
	T[s]++
	B[s, T[s]] = text
}

# addhop - queue a hop line into amavis, counted when it is printed:
# kind "linked" (answered with queued as) or "discarded"
function addhop(s, text, kind) {
	add(s, text)
	K[s, T[s]] = kind
}

# counthop - count a hop line as it is printed (see counts above)
function counthop(kind) {
	count("status:sent")
	count("sent:amavis-hop")
	if (kind == "linked") {
		count("hop:linked")
		filter_known = 1
	} else if (filter_known) {
		count("hop:kept")
	} else {
		count("sent:smtp")
		count("loopback:unlinked")
	}
}

# user, domain helpers
function luser() { return pick("alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor walter") }
function rdomain() { return pick("example.org example.net example.edu mail.example.info example.co.uk lists.example.org") }
function rhost(d) { return pick("mail mx mx1 smtp out") "." d }

# pidof - the PID of a stream's process
function pidof(s, prog) {
	if (!((s, prog) in PID))
		PID[s, prog] = 1000 + rnd(60000)
	return PID[s, prog]
}

# newpids - between sessions, some processes of stream s exit (max_use,
# max_idle) and new ones take over
function newpids(s,    n, p, i) {
	n = split("smtpd smtpd10025 submission cleanup smtp local lmtp bounce pickup dnsblog cron imap lmtpd", p, " ")
	for (i = 1; i <= n; i++)
		if (rnd(30) == 0)
			delete PID[s, p[i]]
}

function count(name) { C[name]++ }

# deliver - status lines for one recipient; returns the status
function deliver(s, id, prog, rcpt, relay, okreply,    st, r) {
	r = rnd(1000)
	if (r < deferp) {
		st = "deferred"
		if (rnd(2))
			add(s, "postfix/" prog "[" pidof(s, prog) "]: " id ": to=<" rcpt ">, relay=none, delay=" secs(30) ", delays=" delays() ", dsn=4.4.1, status=deferred (connect to " relay ": Connection timed out)")
		else
			add(s, "postfix/" prog "[" pidof(s, prog) "]: " id ": to=<" rcpt ">, relay=" relay ", delay=" secs(5) ", delays=" delays() ", dsn=4.2.0, status=deferred (host " relay " said: 450 4.2.0 <" rcpt ">: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.html (in reply to RCPT TO command))")
		count("smtp:4xx")
	} else if (r < deferp + bouncep) {
		st = "bounced"
		add(s, "postfix/" prog "[" pidof(s, prog) "]: " id ": to=<" rcpt ">, relay=" relay ", delay=" secs(3) ", delays=" delays() ", dsn=5.1.1, status=bounced (host " relay " said: 550 5.1.1 <" rcpt ">: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))")
		count("smtp:5xx")
	} else {
		st = "sent"
		add(s, "postfix/" prog "[" pidof(s, prog) "]: " id ": to=<" rcpt ">, relay=" relay ", delay=" secs(2) ", delays=" delays() ", dsn=2.0.0, status=sent (" okreply ")")
	}
	count("status:" st)
	count(st ":" prog)
	return st
}

# smtpd_in - postscreen and smtpd lines of an external client up to
# "connect from"; sets CLIENT, CIP, SPORT
function smtpd_in(s,    pp) {
	CIP = ip()
	CLIENT = rnd(5) ? rhost(rdomain()) : "unknown"
	SPORT = 1024 + rnd(64000)
	pp = 1100
	add(s, "postfix/postscreen[" pp "]: CONNECT from [" CIP "]:" SPORT " to [198.51.100.1]:25")
	count("postscreen:connect")
	if (rnd(10)) {
		add(s, "postfix/postscreen[" pp "]: PASS OLD [" CIP "]:" SPORT)
		count("postscreen:pass-old")
	} else {
		add(s, "postfix/postscreen[" pp "]: PASS NEW [" CIP "]:" SPORT)
		count("postscreen:pass-new")
	}
	add(s, "postfix/smtpd[" pidof(s, "smtpd") "]: connect from " CLIENT "[" CIP "]")
	count("smtpd:connect")
}

# bounce_notice - the non-delivery notification for a bounced mail,
# delivered to the local sender
function bounce_notice(s, id, sender,    nid) {
	nid = qid()
	add(s, "postfix/cleanup[" pidof(s, "cleanup") "]: " nid ": message-id=<" STAMPID "." nid "@mx1.example.com>")
	add(s, "postfix/bounce[" pidof(s, "bounce") "]: " id ": sender non-delivery notification: " nid)
	count("bounce:non-delivery")
	add(s, "postfix/qmgr[900]: " nid ": from=<>, size=" (2200 + rnd(3000)) ", nrcpt=1 (queue active)")
	count("qmgr:from")
	add(s, "postfix/local[" pidof(s, "local") "]: " nid ": to=<" sender ">, relay=local, delay=" secs(0.1) ", delays=" delays() ", dsn=2.0.0, status=sent (delivered to mailbox)")
	count("status:sent")
	count("sent:local")
	add(s, "postfix/qmgr[900]: " nid ": removed")
	count("qmgr:removed")
}

# inbound - a mail from the Internet through postscreen, smtpd, amavis
# and back in on 127.0.0.1:10025, delivered by local or lmtp
function inbound(s,    amp, id, id2, sender, n, i, rc, spam, size, ms, tls, prog, relay, am, st) {
	smtpd_in(s)
	tls = rnd(10) < 6
	if (tls)
		add(s, "postfix/smtpd[" pidof(s, "smtpd") "]: Anonymous TLS connection established from " CLIENT "[" CIP "]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256")
	id = qid()
	sender = luser() rnd(100) "@" rdomain()
	n = rnd(10) ? 1 : 2 + rnd(3)
	add(s, "postfix/smtpd[" pidof(s, "smtpd") "]: " id ": client=" CLIENT "[" CIP "]")
	count("recv:smtp")
	count("smtpd:client")
	add(s, "postfix/cleanup[" pidof(s, "cleanup") "]: " id ": message-id=<" (100000 + rnd(900000)) "." rnd(10000) "@" rdomain() ">")
	size = 800 + rnd(60000)
	add(s, "postfix/qmgr[900]: " id ": from=<" sender ">, size=" size ", nrcpt=" n " (queue active)")
	count("qmgr:from")
	C["bytes:recv"] += size
	add(s, "postfix/smtpd[" pidof(s, "smtpd") "]: disconnect from " CLIENT "[" CIP "] ehlo=" (tls ? "2 starttls=1" : "1") " mail=1 rcpt=" n " data=1 quit=1 commands=" (tls ? 6 + n : 4 + n))
	spam = rnd(100) < 9
	am = sprintf("%05d-%02d", 2001 + rnd(4), 1 + rnd(40))
	amp = substr(am, 1, 5) + 0
	ms = 200 + rnd(3000)
	for (i = 1; i <= n; i++)
		rc[i] = luser() "@example.com"
	if (spam) {
		add(s, "amavis[" amp "]: (" am ") Blocked SPAM {DiscardedInbound,Quarantined}, [" CIP "]:" SPORT " [" CIP "] <" sender "> -> <" rc[1] ">, quarantine: spam-" sprintf("%08x", rnd(2147483647)) ".gz, Queue-ID: " id ", Message-ID: <" rnd(1000000) "@" rdomain() ">, mail_id: " sprintf("%08x%04x", rnd(2147483647), rnd(65536)) ", Hits: " (6 + rnd(20)) "." rnd(10) ", size: " size ", " ms " ms")
		count("amavis:spam")
		for (i = 1; i <= n; i++) {
			addhop(s, "postfix/smtp[" pidof(s, "smtp") "]: " id ": to=<" rc[i] ">, relay=127.0.0.1[127.0.0.1]:10024, delay=" secs(4) ", delays=" delays() ", dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id=" am " - spam)", "discarded")
		}
		add(s, "postfix/qmgr[900]: " id ": removed")
		count("qmgr:removed")
		return
	}
	# re-injection from amavis through the :10025 smtpd
	id2 = qid()
	add(s, "postfix/smtpd[" pidof(s, "smtpd10025") "]: connect from localhost[127.0.0.1]")
	count("smtpd:connect")
	add(s, "postfix/smtpd[" pidof(s, "smtpd10025") "]: " id2 ": client=localhost[127.0.0.1]")
	count("hop:reinjected")
	count("smtpd:client")
	count("smtpd:client-localhost")
	add(s, "postfix/cleanup[" pidof(s, "cleanup") "]: " id2 ": message-id=<" (100000 + rnd(900000)) "." rnd(10000) "@" rdomain() ">")
	add(s, "postfix/qmgr[900]: " id2 ": from=<" sender ">, size=" (size + 900) ", nrcpt=" n " (queue active)")
	count("qmgr:from")
	add(s, "postfix/smtpd[" pidof(s, "smtpd10025") "]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=" n " data=1 quit=1 commands=" (4 + n))
	add(s, "amavis[" amp "]: (" am ") Passed CLEAN {RelayedInbound}, [" CIP "]:" SPORT " [" CIP "] <" sender "> -> <" rc[1] ">, Queue-ID: " id ", Message-ID: <" rnd(1000000) "@" rdomain() ">, mail_id: " sprintf("%08x%04x", rnd(2147483647), rnd(65536)) ", Hits: " (rnd(4) ? "-" : "") rnd(3) "." rnd(10) ", size: " size ", queued_as: " id2 ", " ms " ms")
	count("amavis:clean")
	for (i = 1; i <= n; i++) {
		addhop(s, "postfix/smtp[" pidof(s, "smtp") "]: " id ": to=<" rc[i] ">, relay=127.0.0.1[127.0.0.1]:10024, delay=" secs(4) ", delays=" delays() ", dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as " id2 ")", "linked")
	}
	add(s, "postfix/qmgr[900]: " id ": removed")
	count("qmgr:removed")
	prog = rnd(10) < 7 ? "local" : "lmtp"
	for (i = 1; i <= n; i++) {
		if (prog == "local")
			add(s, "postfix/local[" pidof(s, "local") "]: " id2 ": to=<" rc[i] ">, orig_to=<" substr(rc[i], 1, index(rc[i], "@") - 1) ">, relay=local, delay=" secs(0.3) ", delays=" delays() ", dsn=2.0.0, status=sent (delivered to mailbox)")
		else if (rnd(200) == 0) {
			add(s, "postfix/lmtp[" pidof(s, "lmtp") "]: " id2 ": to=<" rc[i] ">, relay=mx1.example.com[private/dovecot-lmtp], delay=" secs(1) ", delays=" delays() ", dsn=4.2.2, status=deferred (host mx1.example.com[private/dovecot-lmtp] said: 452 4.2.2 <" rc[i] "> Mailbox is full (in reply to end of DATA command))")
			count("status:deferred")
			count("deferred:lmtp")
			count("smtp:4xx")
			continue
		} else
			add(s, "postfix/lmtp[" pidof(s, "lmtp") "]: " id2 ": to=<" rc[i] ">, relay=mx1.example.com[private/dovecot-lmtp], delay=" secs(0.5) ", delays=" delays() ", dsn=2.0.0, status=sent (250 2.0.0 <" rc[i] "> " sprintf("%08x", rnd(2147483647)) " Saved)")
		count("status:sent")
		count("sent:" prog)
	}
	add(s, "postfix/qmgr[900]: " id2 ": removed")
	count("qmgr:removed")
}

# outbound - a mail submitted by a local user (submission with SASL and
# TLS, or pickup) and relayed to a remote MX: sent, deferred (retried
# later, or expired) or bounced
function outbound(s, viapickup,    id, sender, rcpt, d, relay, spid, st, tries, size, user) {
	user = luser()
	sender = user "@example.com"
	id = qid()
	if (viapickup) {
		add(s, "postfix/pickup[" pidof(s, "pickup") "]: " id ": uid=" (1000 + rnd(20)) " from=<" user ">")
		count("recv:local")
	} else {
		CIP = "192.0.2." (200 + rnd(50))
		CLIENT = rnd(2) ? "unknown" : "laptop" rnd(50) ".example.com"
		spid = pidof(s, "submission")
		add(s, "postfix/submission/smtpd[" spid "]: connect from " CLIENT "[" CIP "]")
		count("smtpd:connect")
		add(s, "postfix/submission/smtpd[" spid "]: Anonymous TLS connection established from " CLIENT "[" CIP "]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256")
		add(s, "postfix/submission/smtpd[" spid "]: " id ": client=" CLIENT "[" CIP "], sasl_method=PLAIN, sasl_username=" sender)
		count("recv:smtp")
		count("smtpd:client")
	}
	add(s, "postfix/cleanup[" pidof(s, "cleanup") "]: " id ": message-id=<" STAMPID "." id "@mx1.example.com>")
	size = 600 + rnd(200000)
	add(s, "postfix/qmgr[900]: " id ": from=<" sender ">, size=" size ", nrcpt=1 (queue active)")
	count("qmgr:from")
	C["bytes:recv"] += size
	if (!viapickup)
		add(s, "postfix/submission/smtpd[" spid "]: disconnect from " CLIENT "[" CIP "] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8")
	d = rdomain()
	rcpt = luser() "@" d
	relay = rhost(d) "[" ip() "]:25"
	if (rnd(4))
		add(s, "postfix/smtp[" pidof(s, "smtp") "]: Trusted TLS connection established to " relay ": TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256")
	for (tries = 0; ; tries++) {
		st = deliver(s, id, "smtp", rcpt, relay, "250 2.0.0 Ok: queued as " sprintf("%010X", rnd(2147483647)))
		if (st != "deferred")
			break
		if (rnd(20) == 0) {
			add(s, "postfix/qmgr[900]: " id ": from=<" sender ">, status=expired, returned to sender")
			count("expired")
			st = "expired"
			break
		}
		if (rnd(2))
			return		# stays in the queue past the end of the log
		add(s, "postfix/qmgr[900]: " id ": from=<" sender ">, size=" size ", nrcpt=1 (queue active)")
		count("qmgr:from")
	}
	if (st == "bounced" || st == "expired")
		bounce_notice(s, id, sender)
	add(s, "postfix/qmgr[900]: " id ": removed")
	count("qmgr:removed")
}

# noqueue - an smtpd session that ends in a reject, without a queue ID
function noqueue(s,    r, rcpt, sender, helo, pid, what) {
	smtpd_in(s)
	pid = pidof(s, "smtpd")
	sender = pick("info news promo sales admin") rnd(1000) "@" pick("example.biz example.top example.xyz")
	helo = rnd(2) ? CLIENT : "[" CIP "]"
	r = rnd(100)
	if (r < 35) {
		rcpt = luser() "@" rdomain()
		add(s, "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " CLIENT "[" CIP "]: 554 5.7.1 <" rcpt ">: Relay access denied; from=<" sender "> to=<" rcpt "> proto=ESMTP helo=<" helo ">")
		what = "relay"; count("smtpd:5xx")
	} else if (r < 60) {
		rcpt = luser() "@example.com"
		add(s, "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " CLIENT "[" CIP "]: 554 5.7.1 Service unavailable; Client host [" CIP "] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/" CIP "; from=<" sender "> to=<" rcpt "> proto=ESMTP helo=<" helo ">")
		what = "rbl"; count("smtpd:5xx")
	} else if (r < 85) {
		rcpt = pick("nosuch noreply test webmaster") rnd(100) "@example.com"
		add(s, "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " CLIENT "[" CIP "]: 550 5.1.1 <" rcpt ">: Recipient address rejected: User unknown in local recipient table; from=<" sender "> to=<" rcpt "> proto=ESMTP helo=<" helo ">")
		what = "unknown-user"; count("smtpd:5xx")
	} else if (r < 93) {
		rcpt = luser() "@example.com"
		add(s, "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " CLIENT "[" CIP "]: 450 4.7.1 <" helo ">: Helo command rejected: Host not found; from=<" sender "> to=<" rcpt "> proto=ESMTP helo=<" helo ">")
		what = "helo"; count("smtpd:4xx")
	} else {
		rcpt = luser() "@example.com"
		add(s, "postfix/smtpd[" pid "]: NOQUEUE: reject: RCPT from " CLIENT "[" CIP "]: 450 4.1.8 <" sender ">: Sender address rejected: Domain not found; from=<" sender "> to=<" rcpt "> proto=ESMTP helo=<" helo ">")
		what = "sender"; count("smtpd:4xx")
	}
	count("reject:" what)
	count("reject:smtpd")
	add(s, "postfix/smtpd[" pid "]: disconnect from " CLIENT "[" CIP "] ehlo=1 mail=1 rcpt=0/1 rset=1 quit=1 commands=4/5")
}

# screened - a client that postscreen stops: DNSBL reject, pregreet, hangup
function screened(s,    pp, c, port, r, rcpt) {
	pp = 1100
	c = ip()
	port = 1024 + rnd(64000)
	add(s, "postfix/postscreen[" pp "]: CONNECT from [" c "]:" port " to [198.51.100.1]:25")
	count("postscreen:connect")
	r = rnd(10)
	if (r < 5) {
		add(s, "postfix/dnsblog[" pidof(s, "dnsblog") "]: addr " c " listed by domain zen.spamhaus.org as 127.0.0." (2 + rnd(3)))
		add(s, "postfix/postscreen[" pp "]: DNSBL rank " (2 + rnd(4)) " for [" c "]:" port)
		count("postscreen:dnsbl")
		rcpt = luser() "@example.com"
		add(s, "postfix/postscreen[" pp "]: NOQUEUE: reject: RCPT from [" c "]:" port ": 550 5.7.1 Service unavailable; client [" c "] blocked using zen.spamhaus.org; from=<" pick("x y z") rnd(999) "@example.top>, to=<" rcpt ">, proto=ESMTP, helo=<" pick("User localhost WIN-7H2K") ">")
		count("postscreen:reject")
		count("smtpd:5xx")
		count("reject:rbl")
		count("reject:postscreen")
		add(s, "postfix/postscreen[" pp "]: DISCONNECT [" c "]:" port)
	} else if (r < 8) {
		add(s, "postfix/postscreen[" pp "]: PREGREET 11 after 0." rnd(10) rnd(10) " from [" c "]:" port ": EHLO User\\r\\n")
		count("postscreen:pregreet")
		add(s, "postfix/postscreen[" pp "]: DISCONNECT [" c "]:" port)
	} else {
		add(s, "postfix/postscreen[" pp "]: HANGUP after " secs(5) " from [" c "]:" port " in tests before SMTP handshake")
		count("postscreen:hangup")
		add(s, "postfix/postscreen[" pp "]: DISCONNECT [" c "]:" port)
	}
}

# trouble - warnings and sessions that go wrong
function trouble(s,    r, pid, u) {
	r = rnd(4)
	if (r == 0) {
		smtpd_in(s)
		pid = pidof(s, "smtpd")
		add(s, "postfix/smtpd[" pid "]: lost connection after " pick("CONNECT EHLO AUTH DATA RCPT") " from " CLIENT "[" CIP "]")
		count("smtpd:lost")
		add(s, "postfix/smtpd[" pid "]: disconnect from " CLIENT "[" CIP "] ehlo=1 commands=1")
	} else if (r == 1) {
		smtpd_in(s)
		pid = pidof(s, "smtpd")
		add(s, "postfix/smtpd[" pid "]: warning: hostname " rhost(rdomain()) " does not resolve to address " CIP ": Name or service not known")
		count("warning")
		add(s, "postfix/smtpd[" pid "]: disconnect from unknown[" CIP "] ehlo=1 quit=1 commands=2")
	} else if (r == 2) {
		u = ip()
		pid = pidof(s, "submission")
		add(s, "postfix/submission/smtpd[" pid "]: connect from unknown[" u "]")
		count("smtpd:connect")
		add(s, "postfix/submission/smtpd[" pid "]: warning: unknown[" u "]: SASL LOGIN authentication failed: UGFzc3dvcmQ6")
		count("warning")
		count("sasl:failed")
		add(s, "postfix/submission/smtpd[" pid "]: lost connection after AUTH from unknown[" u "]")
		count("smtpd:lost")
		add(s, "postfix/submission/smtpd[" pid "]: disconnect from unknown[" u "] ehlo=1 auth=0/1 commands=1/2")
	} else {
		add(s, "postfix/smtp[" pidof(s, "smtp") "]: warning: TLS library problem: error:0A000086:SSL routines::certificate verify failed:../ssl/statem/statem_clnt.c:1889:")
		count("warning")
	}
}

# foreign - lines of other programs that share the mail log
function foreign(s,    r, c) {
	r = rnd(5)
	if (r == 0)
		add(s, "CRON[" pidof(s, "cron") "]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
	else if (r == 1) {
		c = ip()
		add(s, "kernel: [" (100000 + rnd(900000)) "." sprintf("%06d", rnd(1000000)) "] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=" c " DST=198.51.100.1 LEN=40 TOS=0x00 PREC=0x00 TTL=243 ID=54321 PROTO=TCP SPT=" (1024 + rnd(64000)) " DPT=" pick("23 445 3389 8080") " WINDOW=1024 RES=0x00 SYN URGP=0")
	} else if (r == 2)
		add(s, "systemd[1]: Started session-" rnd(100000) ".scope - Session " rnd(100000) " of User root.")
	else if (r == 3)
		add(s, "dovecot: imap-login: Login: user=<" luser() "@example.com>, method=PLAIN, rip=192.0.2." (200 + rnd(50)) ", lip=198.51.100.1, mpid=" pidof(s, "imap") ", TLS, session=<" sprintf("%08x", rnd(2147483647)) ">")
	else
		add(s, "dovecot: lmtp(" luser() "@example.com)<" pidof(s, "lmtpd") "><" sprintf("%08x", rnd(2147483647)) ">: msgid=<" rnd(1000000) "@" rdomain() ">: saved mail to INBOX")
	count("foreign")
}

# session - fill stream s with the lines of one session of a random kind
function session(s,    r) {
	newpids(s)
	r = rnd(1000)
	if (r < 420)
		inbound(s)
	else if (r < 640)
		outbound(s, 0)
	else if (r < 690)
		outbound(s, 1)
	else if (r < 820)
		noqueue(s)
	else if (r < 900)
		screened(s)
	else if (r < 940)
		trouble(s)
	else
		foreign(s)
}

# stamp - the syslog timestamp of the current clock
function stamp(    sec, d, mon, mday, hms) {
	sec = int(clock / 1000)
	if (sec == lastsec)
		return laststamp
	lastsec = sec
	d = int(sec / 86400)
	# day 0 is Nov 22; then December, then January (the year rolls over)
	if (d < 9) {
		mon = 11; mday = 22 + d
	} else if (d < 40) {
		mon = 12; mday = d - 8
	} else {
		mon = 1; mday = (d - 40) % 28 + 1
	}
	sec = sec % 86400
	hms = sprintf("%02d:%02d:%02d", int(sec / 3600), int(sec % 3600 / 60), sec % 60)
	laststamp = (mon == 11 ? "Nov" : (mon == 12 ? "Dec" : "Jan")) sprintf(" %2d ", mday) hms
	STAMPID = sprintf("%d%02d%02d", mon == 1 ? 2027 : 2026, mon, mday) hms
	gsub(/:/, "", STAMPID)
	return laststamp
}

BEGIN {
	if (lines == "")
		lines = 1000000
	if (seed == "")
		seed = 1
	rng = (seed * 7919 + 12345) % 2147483647
	if (rng <= 0)
		rng += 2147483646
	deferp = 60		# per mille of smtp attempts deferred
	bouncep = 25		# per mille bounced
	NS = 12			# sessions in flight
	clock = 0
	lastsec = -1
	stamp()
	out = 0
	for (s = 1; s <= NS; s++) {
		H[s] = 1
		T[s] = 0
	}
	active = NS
	while (active > 0) {
		s = 1 + rnd(NS)
		if (H[s] > T[s]) {
			if (out >= lines) {
				if (!(s in DONE)) {
					DONE[s] = 1
					active--
				}
				continue
			}
			H[s] = 1
			T[s] = 0
			session(s)
		}
		clock += rnd(145)
		print stamp() " mx1 " B[s, H[s]]
		delete B[s, H[s]]
		if ((s, H[s]) in K) {
			counthop(K[s, H[s]])
			delete K[s, H[s]]
		}
		H[s]++
		out++
	}
	C["lines"] = out
	if (counts != "") {
		for (k in C)
			printf "%s %.0f\n", k, C[k] > counts
		close(counts)
	}
}
