# SPDX-License-Identifier: BSD-2-Clause
# postfix-filter.sh - an after-queue content filter in the private Postfix, its mix, its counts
#
# SYNOPSIS
#	. tests/e2e/postfix-instance.sh
#	. tests/e2e/postfix-filter.sh
#	pfse2e_init DIR
#	pffilter_setup XFORWARD SYSLOG_NAME REJECTS	# before pfse2e_start
#	pfse2e_start
#	pffilter_send_mix
#	pffilter_expected			# "name value" lines, sorted
#
# DESCRIPTION
#	Turns the instance of postfix-instance.sh into one with an
#	after-queue content filter, the way amavis is set up, with a second
#	smtpd of the same instance as the filter:
#
#	    main.cf     content_filter = scan:[127.0.0.1]:FILTER_PORT
#	    master.cf   scan (smtp), -o smtp_send_xforward_command=XFORWARD
#	                [-o syslog_name=SYSLOG_NAME]
#	                127.0.0.1:FILTER_PORT smtpd, -o content_filter=
#	                (re-injection; XFORWARD allowed from 127.0.0.0/8)
#
#	With REJECTS = yes the filter smtpd answers 550 to RCPT for
#	filter-reject@accept.test and 450 for filter-defer@accept.test:
#	a filter that rejects some mail and defers some.
#
#	A submission smtpd on 127.0.0.1:SUBMIT_PORT offers SMTP AUTH and
#	relays for authenticated clients only: a webmail on localhost. Its
#	SASL server is a private Dovecot auth service (dovecot -F with a
#	configuration, a password file and a socket in the temp dir, no
#	mail protocols; Postfix's smtpd_sasl_type dovecot), with one user,
#	bob@e2e.test. (Debian's Postfix reads Cyrus SASL's smtpd.conf only
#	from /etc/postfix/sasl, so Cyrus cannot be kept in the temp dir.)
#	Dovecot's PID joins the sinks', so pfse2e_stop stops it. smtp-sink on the OK port dumps each
#	transaction into $PFSE2E_DIR/sink (one file per message, one
#	X-Rcpt-Args header per recipient) so that the test can count what
#	came out.
#
#	pffilter_expected derives every expected counter from the N_*
#	numbers below by arithmetic, with the reason in a comment.
#
# DIAGNOSTICS
#	Functions return non-zero and print "pffilter: ..." on failure.
#
# SECURITY
#	Loopback addresses only; the SASL password is a throw-away one in
#	the temp dir.

# --- the mix -------------------------------------------------------------
FN_OK=2		# smtp-source: single-recipient mails to ok@accept.test
FN_MULTI=3	# smtp-source: ONE mail with this many recipients @accept.test
FN_LOCAL=1	# smtp-source: mails to e2euser@e2e.test (local delivery)
FN_PICKUP=1	# sendmail: mails to e2euser@e2e.test (pickup)
FN_SASL=2	# AUTH as bob@e2e.test on localhost (webmail): each mail to
		# one @accept.test and one local recipient
# REJECTS=yes only: one mail to filter-reject@accept.test (550 from the
# filter: bounced, a non-delivery notification to the local sender) and
# one to filter-defer@accept.test (450: deferred, tried once).

PFFILTER_USER=bob@e2e.test
PFFILTER_PASS=e2e-secret

# pffilter_msg - complain on stderr
pffilter_msg() {
	echo "pffilter: $*" >&2
}

# pffilter_pick_port - a free high port that the instance does not use
pffilter_pick_port() {
	local p tries=0
	while :; do
		tries=$((tries + 1))
		[ $tries -gt 200 ] && { pffilter_msg "no free port"; return 1; }
		p=$((20000 + RANDOM % 12000))
		case " $PFSE2E_SMTPD_PORT $PFSE2E_SINK_OK_PORT $PFSE2E_SINK_4XX_PORT $PFSE2E_SINK_5XX_PORT $PFSE2E_SINK_LMTP_PORT ${PFFILTER_PORT:-} " in
		*" $p "*) continue ;;
		esac
		pfse2e_port_busy "$p" && continue
		echo "$p"
		return 0
	done
}

# pffilter_setup XFORWARD SYSLOG_NAME REJECTS - add the filter and SASL
pffilter_setup() {
	PFFILTER_XFORWARD=$1
	PFFILTER_SYSLOG=$2
	PFFILTER_REJECTS=$3
	PFFILTER_PORT=$(pffilter_pick_port) || return 1
	PFFILTER_SUBMIT_PORT=$(pffilter_pick_port) || return 1
	# The hop's transport as the log names it: the service part of the
	# tag (postfix/scan/smtp) or, under the default name, the program.
	case $PFFILTER_SYSLOG in
	*/*) PFFILTER_HOP_T=${PFFILTER_SYSLOG#*/} ;;
	*) PFFILTER_HOP_T=smtp ;;
	esac
	[ -n "$PFSE2E_DIR" ] && [ -d "$PFSE2E_DIR" ] || { pffilter_msg "no instance"; return 1; }
	mkdir -p "$PFSE2E_DIR/sink" || return 1
	chown "$PFSE2E_USER" "$PFSE2E_DIR/sink"
	pffilter_start_dovecot || return 1

	cat >>"$PFSE2E_CONF/main.cf" <<EOF

# After-queue content filter (tests/e2e/postfix-filter.sh).
content_filter = scan:[127.0.0.1]:$PFFILTER_PORT
EOF
	{
		echo "# The hop into the filter and the filter itself."
		echo "scan      unix  -       -       n       -       -       smtp"
		echo "  -o smtp_send_xforward_command=$PFFILTER_XFORWARD"
		[ -n "$PFFILTER_SYSLOG" ] && echo "  -o syslog_name=$PFFILTER_SYSLOG"
		echo "127.0.0.1:$PFFILTER_PORT inet n - n - - smtpd"
		echo "  -o content_filter="
		echo "  -o smtpd_authorized_xforward_hosts=127.0.0.0/8"
		echo "  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks"
		if [ "$PFFILTER_REJECTS" = yes ]; then
			echo "  -o { smtpd_recipient_restrictions = check_recipient_access inline:{" \
				"{ filter-reject@accept.test = 550 5.7.1 rejected by the filter }," \
				"{ filter-defer@accept.test = 450 4.7.1 the filter is busy } } }"
		fi
		echo "# Submission with SMTP AUTH: a webmail on localhost."
		echo "127.0.0.1:$PFFILTER_SUBMIT_PORT inet n - n - - smtpd"
		echo "  -o syslog_name=postfix/submission"
		echo "  -o smtpd_sasl_auth_enable=yes"
		echo "  -o smtpd_sasl_type=dovecot"
		echo "  -o smtpd_sasl_path=$PFSE2E_DIR/dovecot/auth"
		echo "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
		echo "  -o smtpd_recipient_restrictions="
	} >>"$PFSE2E_CONF/master.cf"
}

# pffilter_start_dovecot - a private Dovecot that does SASL auth only
pffilter_start_dovecot() {
	local d=$PFSE2E_DIR/dovecot i
	local dovecot=${PFFILTER_DOVECOT:-/usr/sbin/dovecot}

	[ -x "$dovecot" ] || { pffilter_msg "no $dovecot (dovecot-core)"; return 1; }
	mkdir -p "$d/run" "$d/state" || return 1
	chmod 755 "$d"
	printf '%s:{PLAIN}%s\n' "$PFFILTER_USER" "$PFFILTER_PASS" >"$d/users"
	chmod 644 "$d/users"
	cat >"$d/dovecot.conf" <<EOF
# Private Dovecot for the postfix-stats filter test: SASL auth only.
instance_name = pfse2e-${PFSE2E_DIR##*.}
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols =
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $PFSE2E_USER
default_login_user = $PFSE2E_USER
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = static
  args = uid=$(id -u "$PFSE2E_USER") gid=$(id -g "$PFSE2E_USER") home=/nonexistent
}
service auth {
  unix_listener $d/auth {
    mode = 0666
  }
}
EOF
	"$dovecot" -F -c "$d/dovecot.conf" </dev/null >>"$d/dovecot.out" 2>&1 &
	PFSE2E_SINK_PIDS="$PFSE2E_SINK_PIDS $!"
	for i in $(seq 50); do
		[ -S "$d/auth" ] && return 0
		kill -0 $! 2>/dev/null || break
		sleep 0.1
	done
	pffilter_msg "dovecot did not come up: $(tail -3 "$d/dovecot.log" "$d/dovecot.out" 2>/dev/null)"
	return 1
}

# pffilter_dump_args - smtp-sink options for the OK sink: dump each message
pffilter_dump_args() {
	echo "-d $PFSE2E_DIR/sink/%H%M%S."
}

# pffilter_auth_session PORT FROM SUBJECT RCPT... - one AUTH PLAIN session
pffilter_auth_session() {
	local port=$1 from=$2 subject=$3 fd rcpt auth
	shift 3
	auth=$(printf '\0%s\0%s' "$PFFILTER_USER" "$PFFILTER_PASS" | base64 -w0)
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
	{
		pfse2e_smtp_reply $fd && [ "$PFSE2E_CODE" = 220 ] &&
		pfse2e_smtp_cmd $fd "EHLO webmail.e2e.test" && [ "$PFSE2E_CODE" = 250 ] &&
		pfse2e_smtp_cmd $fd "AUTH PLAIN $auth" && [ "$PFSE2E_CODE" = 235 ] &&
		pfse2e_smtp_cmd $fd "MAIL FROM:<$from>" && [ "$PFSE2E_CODE" = 250 ]
	} || { pffilter_msg "AUTH session failed: $PFSE2E_REPLY"; exec {fd}>&-; return 1; }
	for rcpt; do
		pfse2e_smtp_cmd $fd "RCPT TO:<$rcpt>" && [ "$PFSE2E_CODE" = 250 ] ||
			{ pffilter_msg "RCPT $rcpt: $PFSE2E_REPLY"; exec {fd}>&-; return 1; }
	done
	pfse2e_smtp_cmd $fd "DATA" && [ "$PFSE2E_CODE" = 354 ] &&
	printf '%s\r\n' "From: <$from>" "To: undisclosed-recipients:;" \
		"Subject: $subject" "Message-ID: <$subject.$$.$RANDOM@webmail.e2e.test>" "" \
		"Written in a webmail, submitted on localhost." "." >&$fd &&
	pfse2e_smtp_reply $fd && [ "$PFSE2E_CODE" = 250 ] ||
		{ pffilter_msg "DATA: $PFSE2E_REPLY"; exec {fd}>&-; return 1; }
	pfse2e_smtp_cmd $fd "QUIT"
	exec {fd}>&-
	return 0
}

# pffilter_send_mix - send the mix; non-zero on any surprise
pffilter_send_mix() {
	local f=$PFSE2E_SENDER rc=0 i
	pfse2e_smtp_source -f $f -m $FN_OK -t ok@accept.test || rc=1
	pfse2e_smtp_source -f $f -m 1 -r $FN_MULTI -t multi@accept.test || rc=1
	pfse2e_smtp_source -f $f -m $FN_LOCAL -t e2euser@e2e.test || rc=1
	for i in $(seq $FN_PICKUP); do
		printf 'Subject: pickup %s\n\nLocal submission %s.\n' "$i" "$i" |
			pfse2e_sendmail -f $f e2euser@e2e.test || rc=1
	done
	for i in $(seq $FN_SASL); do
		pffilter_auth_session "$PFFILTER_SUBMIT_PORT" "$PFFILTER_USER" "webmail-$i" \
			"sasl$i@accept.test" e2euser@e2e.test || rc=1
	done
	if [ "$PFFILTER_REJECTS" = yes ]; then
		pfse2e_smtp_source -f $f -m 1 -t filter-reject@accept.test || rc=1
		pfse2e_smtp_source -f $f -m 1 -t filter-defer@accept.test || rc=1
	fi
	return $rc
}

# pffilter_expected_deferred - messages left in the deferred queue
pffilter_expected_deferred() {
	[ "$PFFILTER_REJECTS" = yes ] && echo 1 || echo 0
}

# pffilter_expected_sink - recipients the OK sink must have received
pffilter_expected_sink() {
	echo $((FN_OK + FN_MULTI + FN_SASL))
}

# pffilter_expected_mailbox - messages in the local mailbox
pffilter_expected_mailbox() {
	local ndn=0
	[ "$PFFILTER_REJECTS" = yes ] && ndn=1
	echo $((FN_LOCAL + FN_PICKUP + FN_SASL + ndn))
}

# pffilter_expected - every asserted counter, "name value", sorted by name
pffilter_expected() {
	local rej=0 ndn=0 recv_smtp recv_local passed rcpts sent_smtp sent_local
	[ "$PFFILTER_REJECTS" = yes ] && rej=1 && ndn=1
	# recv:smtp - each mail smtpd took from a client, once: smtp-source's
	# (FN_OK, the multi-recipient one, FN_LOCAL, and with REJECTS the two
	# the filter refuses) and the webmail's. Their re-injected copies are
	# not received: the filter's reply "queued as NEWID" (and with
	# XFORWARD orig_queue_id=) links each to its original.
	recv_smtp=$((FN_OK + 1 + FN_LOCAL + FN_SASL + 2 * rej))
	recv_local=$FN_PICKUP
	# Mail that passed the filter: every message but the two refused;
	# one hop line per recipient.
	passed=$((FN_OK + 1 + FN_LOCAL + FN_PICKUP + FN_SASL))
	rcpts=$((FN_OK + FN_MULTI + FN_LOCAL + FN_PICKUP + 2 * FN_SASL))
	# Final deliveries, once each under their real transport: the sink
	# (smtp) and the local mailbox; the non-delivery notification of the
	# refused mail goes to the local sender. Postfix makes it itself
	# (bounce(8)), and such mail does not pass the content filter.
	sent_smtp=$((FN_OK + FN_MULTI + FN_SASL))
	sent_local=$((FN_LOCAL + FN_PICKUP + FN_SASL + ndn))
	{
	echo "recv:smtp $recv_smtp"
	echo "recv:local $recv_local"
	echo "recv:bounce $ndn"
	echo "recv $((recv_smtp + recv_local + ndn))"
	echo "bounce:non-delivery $ndn"
	echo "sasl:auth $FN_SASL"
	echo "hop:reinjected $passed"
	echo "hop:linked $rcpts"
	echo "hop:kept 0"
	echo "overflow:link 0"
	echo "sent:smtp $sent_smtp"
	echo "sent:local $sent_local"
	echo "sent $((sent_smtp + sent_local))"
	# The sink listens on 127.0.0.1 and answers without a queue ID.
	echo "loopback:unlinked $sent_smtp"
	echo "source:e2e/postfix:recv $((recv_smtp + recv_local + ndn))"
	echo "source:e2e/postfix:sent $((sent_smtp + sent_local))"
	# The filter's refusals: a 550 and a 450 to RCPT, logged by the
	# filter smtpd as rejects, and by the hop as bounced and deferred
	# under the hop's transport; the deferred mail is tried once (retry
	# timers of one hour).
	echo "bounced $rej"
	echo "deferred $rej"
	if [ $rej = 1 ]; then
		echo "bounced:$PFFILTER_HOP_T 1"
		echo "deferred:$PFFILTER_HOP_T 1"
	fi
	echo "smtpd:5xx $rej"
	echo "smtpd:4xx $rej"
	echo "reject $((2 * rej))"
	echo "reject:recipient $((2 * rej))"
	echo "lines:unmatched 0"
	} | LC_ALL=C sort
}
