# SPDX-License-Identifier: BSD-2-Clause
# postfix-mix.sh - the mail mix of the end-to-end test and the counters it must give
#
# SYNOPSIS
#	. tests/e2e/postfix-instance.sh
#	. tests/e2e/postfix-mix.sh
#	pfse2e_send_mix		# after pfse2e_start
#	pfse2e_expected		# "name value" lines, sorted by name
#
# DESCRIPTION
#	The N_* variables below say how much of each kind of mail is sent.
#	pfse2e_expected derives every expected counter from them by
#	arithmetic, with the reason in a comment: never from running the
#	program under test. Change a number here and both the traffic and
#	the expectations follow.
#
#	Routing is set up by postfix-instance.sh: accept.test, legal.test
#	and lmtp.test are accepted by sinks, defer.test answers 450 and
#	bounce.test 550 to RCPT, pipe.test goes to a pipe(8) transport,
#	e2e.test is local, unknown.invalid is not ours (relay denied).

# --- the mix -------------------------------------------------------------
N_OK=4		# smtp-source: single-recipient mails to ok@accept.test
N_MULTI=3	# smtp-source: ONE mail with this many recipients @accept.test
N_DEFER=2	# smtp-source: mails to u@defer.test (sink: 450 to RCPT)
N_BOUNCE=2	# smtp-source: mails to u@bounce.test (sink: 550 to RCPT)
N_LEGAL=2	# smtp-source: mails to u@legal.test (custom smtp transport)
N_LMTP=2	# smtp-source: mails to u@lmtp.test (lmtp sink)
N_PIPE=2	# smtp-source: mails to u@pipe.test (pipe transport)
N_LOCAL=1	# smtp-source: mails to e2euser@e2e.test (local delivery)
N_RELAY=2	# smtp-source: rejected by smtpd, 554 relay access denied
N_UNKNOWN=1	# smtp-source: rejected by smtpd, 550 unknown local user
N_TEMPFAIL=2	# smtp-source: rejected by smtpd, 450 from an access map
N_PICKUP=2	# sendmail: mails to e2euser@e2e.test (pickup, local)
# Plus two fixed mixed messages, each counted explicitly below:
#  - SENDMAIL_MIXED: one sendmail mail to e2euser@e2e.test,
#    mixed@accept.test and mixed@lmtp.test (1 local + 1 smtp + 1 lmtp).
#  - SESSION_MIXED: one hand-made SMTP session: RCPT sess@accept.test
#    (250), sess@unknown.invalid (554, logged as "QUEUEID: reject:"
#    because a queue file already exists), sess@lmtp.test (250), DATA.

PFSE2E_SENDER=sender@e2e.test	# a local address: bounces come back here

# pfse2e_send_mix - send the mix; returns non-zero on any surprise
pfse2e_send_mix() {
	local f=$PFSE2E_SENDER rc=0 out

	# Accepted by smtpd. smtp-source must succeed for each.
	pfse2e_smtp_source -f $f -m $N_OK -t ok@accept.test || rc=1
	pfse2e_smtp_source -f $f -m 1 -r $N_MULTI -t multi@accept.test || rc=1
	pfse2e_smtp_source -f $f -m $N_DEFER -t u@defer.test || rc=1
	pfse2e_smtp_source -f $f -m $N_BOUNCE -t u@bounce.test || rc=1
	pfse2e_smtp_source -f $f -m $N_LEGAL -t u@legal.test || rc=1
	pfse2e_smtp_source -f $f -m $N_LMTP -t u@lmtp.test || rc=1
	pfse2e_smtp_source -f $f -m $N_PIPE -t u@pipe.test || rc=1
	pfse2e_smtp_source -f $f -m $N_LOCAL -t e2euser@e2e.test || rc=1

	# Rejected at RCPT by smtpd: -A keeps smtp-source going (it sends
	# RSET and QUIT); it prints a warning per rejected recipient.
	pfse2e_smtp_source -A -f $f -m $N_RELAY -t x@unknown.invalid 2>/dev/null || rc=1
	pfse2e_smtp_source -A -f $f -m $N_UNKNOWN -t nosuch@e2e.test 2>/dev/null || rc=1
	pfse2e_smtp_source -A -f $f -m $N_TEMPFAIL -t tempfail@accept.test 2>/dev/null || rc=1

	# Local submission: sendmail -> postdrop -> maildrop -> pickup.
	local i
	for i in $(seq $N_PICKUP); do
		printf 'Subject: pickup %s\n\nLocal submission %s.\n' "$i" "$i" |
			pfse2e_sendmail -f $f e2euser@e2e.test || rc=1
	done
	# SENDMAIL_MIXED
	printf 'Subject: mixed\n\nOne local, one smtp, one lmtp recipient.\n' |
		pfse2e_sendmail -f $f e2euser@e2e.test mixed@accept.test \
			mixed@lmtp.test || rc=1

	# SESSION_MIXED
	out=$(pfse2e_smtp_session client.test $f session-mixed \
		sess@accept.test sess@unknown.invalid sess@lmtp.test) || rc=1
	case $out in
	*"rcpt sess@accept.test 250"*"rcpt sess@unknown.invalid 554"*"rcpt sess@lmtp.test 250"*"data 250"*) ;;
	*) pfse2e_msg "mixed session went wrong: $out"; rc=1 ;;
	esac
	return $rc
}

# pfse2e_expected_deferred - messages that must sit in the deferred queue
pfse2e_expected_deferred() {
	echo $N_DEFER
}

# pfse2e_expected_mailbox - messages that must be in the local mailbox:
#	everything local(8) delivered (all local recipients alias to one user)
pfse2e_expected_mailbox() {
	echo $((N_LOCAL + N_PICKUP + 1 + N_BOUNCE))
}

# pfse2e_expected - every asserted counter, "name value", sorted by name
pfse2e_expected() {
	local recv_smtp recv_local recv_bounce sent_smtp sent_local sent_legal
	local sent_lmtp sent_pipe smtpd_4xx smtpd_5xx

	# recv:smtp - one per message smtpd put in the queue ("QUEUEID:
	# client=" lines): every smtp-source mail that was not rejected
	# (N_MULTI recipients still make one message), plus SESSION_MIXED.
	recv_smtp=$((N_OK + 1 + N_DEFER + N_BOUNCE + N_LEGAL + N_LMTP + N_PIPE + N_LOCAL + 1))
	# recv:local - one per sendmail mail taken in by pickup: N_PICKUP
	# plus SENDMAIL_MIXED.
	recv_local=$((N_PICKUP + 1))
	# recv:bounce - one non-delivery notification per bounced message:
	# each bounce.test mail has one recipient, and it bounces.
	recv_bounce=$N_BOUNCE

	# sent:TRANSPORT - one per "to=<...>, ... status=sent" line; the
	# transport is the syslog tag's program (postfix/legal/smtp -> legal).
	# smtp: the N_OK mails, the N_MULTI recipients of the multi mail
	# (one line each), and one recipient each of SENDMAIL_MIXED and
	# SESSION_MIXED.
	sent_smtp=$((N_OK + N_MULTI + 1 + 1))
	# local: N_LOCAL smtp mails, N_PICKUP sendmail mails, the local
	# recipient of SENDMAIL_MIXED, and the N_BOUNCE notifications, which
	# go to the (local) sender.
	sent_local=$((N_LOCAL + N_PICKUP + 1 + N_BOUNCE))
	sent_legal=$N_LEGAL
	# lmtp: N_LMTP mails plus one recipient each of SENDMAIL_MIXED and
	# SESSION_MIXED.
	sent_lmtp=$((N_LMTP + 1 + 1))
	sent_pipe=$N_PIPE

	# smtpd:4xx/5xx - smtpd reject lines by reply code, NOQUEUE or not:
	# 4xx: the access map's 450; 5xx: relay denied (554, N_RELAY plus
	# the one in SESSION_MIXED) and unknown user (550).
	smtpd_4xx=$N_TEMPFAIL
	smtpd_5xx=$((N_RELAY + 1 + N_UNKNOWN))

	{
	echo "recv:smtp $recv_smtp"
	echo "recv:local $recv_local"
	echo "recv:bounce $recv_bounce"
	# recv - all messages that entered the queue, by any source.
	echo "recv $((recv_smtp + recv_local + recv_bounce))"

	echo "sent:smtp $sent_smtp"
	echo "sent:local $sent_local"
	echo "sent:legal $sent_legal"
	echo "sent:lmtp $sent_lmtp"
	echo "sent:pipe $sent_pipe"
	# sent - all status=sent lines, any transport.
	echo "sent $((sent_smtp + sent_local + sent_legal + sent_lmtp + sent_pipe))"

	# deferred:smtp - one "status=deferred" line per delivery ATTEMPT.
	# Each defer.test mail has one recipient and is tried exactly once:
	# it is tried when it arrives, and then the retry timers
	# (queue_run_delay, minimal_backoff_time: one hour) keep it in the
	# deferred queue until the instance is stopped. The harness checks
	# that it is still there, so N_DEFER attempts were logged.
	echo "deferred:smtp $N_DEFER"
	echo "deferred $N_DEFER"
	# bounced:smtp - one "status=bounced" line per bounce.test mail.
	echo "bounced:smtp $N_BOUNCE"
	echo "bounced $N_BOUNCE"
	# bounce:non-delivery - bounce(8)'s "sender non-delivery
	# notification" lines: one per bounced message.
	echo "bounce:non-delivery $N_BOUNCE"

	# smtp:4xx/5xx - smtp/lmtp delivery lines (deferred or bounced) by
	# the class of their dsn=: 4.2.0 for each deferral attempt, 5.1.1
	# for each bounce. Successful lines (dsn=2.x.x) count in neither.
	echo "smtp:4xx $N_DEFER"
	echo "smtp:5xx $N_BOUNCE"

	echo "smtpd:4xx $smtpd_4xx"
	echo "smtpd:5xx $smtpd_5xx"
	# reject - every smtpd reject line.
	echo "reject $((smtpd_4xx + smtpd_5xx))"
	# reject:relay - "Relay access denied".
	echo "reject:relay $((N_RELAY + 1))"
	# reject:unknown-user - "User unknown in local recipient table".
	echo "reject:unknown-user $N_UNKNOWN"
	# reject:recipient - the check_recipient_access 450 ("Recipient
	# address rejected: try again later").
	echo "reject:recipient $N_TEMPFAIL"

	# Per-transport columns: 4xx:smtp/5xx:smtp are the smtp transport's
	# share of smtp:4xx/smtp:5xx (all of it: lmtp only succeeds).
	echo "4xx:smtp $N_DEFER"
	echo "5xx:smtp $N_BOUNCE"

	# dsn:X - delivery lines by their dsn= value. The sinks' replies
	# were chosen in postfix-instance.sh: 450 4.2.0 (defer.test), 550
	# 5.1.1 (bounce.test); smtp-sink in LMTP mode answers "250 2.2.0"
	# (a smtp-sink quirk); every other delivery (smtp 250 2.0.0, local,
	# pipe) logs dsn=2.0.0.
	echo "dsn:2.2.0 $sent_lmtp"
	echo "dsn:2.0.0 $((sent_smtp + sent_local + sent_legal + sent_pipe))"
	echo "dsn:4.2.0 $N_DEFER"
	echo "dsn:5.1.1 $N_BOUNCE"
	# reject-dsn:X - smtpd reject lines by enhanced status code.
	echo "reject-dsn:4.7.1 $N_TEMPFAIL"
	echo "reject-dsn:5.1.1 $N_UNKNOWN"
	echo "reject-dsn:5.7.1 $((N_RELAY + 1))"

	# source:HOST/INSTANCE:X - everything comes from one instance: host
	# field "e2e" (the first label of myhostname e2e.test), syslog
	# instance "postfix" (postfix/legal/smtp belongs to it too).
	echo "source:e2e/postfix:recv $((recv_smtp + recv_local + recv_bounce))"
	echo "source:e2e/postfix:sent $((sent_smtp + sent_local + sent_legal + sent_lmtp + sent_pipe))"
	echo "source:e2e/postfix:deferred $N_DEFER"
	echo "source:e2e/postfix:bounced $N_BOUNCE"
	echo "source:e2e/postfix:reject $((smtpd_4xx + smtpd_5xx))"

	# Things that must not happen in this mix: nothing expires (queue
	# lifetime one day), no session is cut short (smtp-source -A ends
	# rejected sessions with RSET/QUIT), and every line is a known
	# Postfix line (a real log of ordinary traffic must parse fully).
	echo "expired 0"
	echo "smtpd:lost 0"
	echo "lines:unmatched 0"

	# smtpd:connect - one per SMTP session: smtp-source opens one
	# session per message (no -d), including the rejected ones, and
	# SESSION_MIXED is one more. The harness never probes smtpd by
	# connecting to it.
	echo "smtpd:connect $((N_OK + 1 + N_DEFER + N_BOUNCE + N_LEGAL + N_LMTP + N_PIPE + N_LOCAL + N_RELAY + N_UNKNOWN + N_TEMPFAIL + 1))"
	} | LC_ALL=C sort
}
