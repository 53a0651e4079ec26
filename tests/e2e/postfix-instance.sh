# SPDX-License-Identifier: BSD-2-Clause
# postfix-instance.sh - a private, throw-away Postfix instance for end-to-end tests
#
# SYNOPSIS
#	. tests/e2e/postfix-instance.sh
#	pfse2e_init [PARENT_DIR]	# temp dir, free ports, main.cf, master.cf
#	pfse2e_start			# smtp-sinks, then "postfix -c DIR start"
#	pfse2e_smtp_source [smtp-source options]	# to the instance's smtpd
#	pfse2e_sendmail [sendmail options]		# via postdrop/pickup
#	pfse2e_smtp_session HELO FROM SUBJECT RCPT...	# one hand-made session
#	pfse2e_wait_settled SECONDS DEFERRED		# queue holds DEFERRED, all deferred
#	pfse2e_stop			# postfix stop, sinks killed by PID
#	pfse2e_cleanup			# pfse2e_stop + remove the temp dir
#
# DESCRIPTION
#	Sourced by bash scripts (it uses bash's /dev/tcp and arrays). It
#	builds a complete Postfix instance with its own config_directory,
#	queue_directory, data_directory and pid files under one temp dir,
#	logging through postlogd to $PFSE2E_DIR/maillog (maillog_file), so
#	neither syslog nor a system Postfix is involved or disturbed. It
#	listens on 127.0.0.1 high ports only and sends mail only to
#	smtp-sink processes it starts on 127.0.0.1 high ports:
#
#	    domain          transport (service)            where to
#	    e2e.test        local (mydestination)           $PFSE2E_DIR/mail/<user>
#	    accept.test     smtp                            sink: 250 to all
#	    defer.test      smtp                            sink: 450 to RCPT
#	    bounce.test     smtp                            sink: 550 to RCPT
#	    legal.test      legal (smtp, syslog_name        sink: 250 to all
#	                    postfix/legal)
#	    lmtp.test       lmtp                            LMTP sink: 250 to all
#	    pipe.test       devnull (pipe, user nobody)     /bin/dd of=/dev/null
#	    anything else   relay denied to SMTP clients (mynetworks is empty;
#	                    the domains above are relay_domains)
#
#	Local users (alias_maps): e2euser and sender, both delivered to the
#	mailbox of the unprivileged system user "nobody" in the instance's
#	own mail_spool_directory; so the test needs no user of its own.
#	tempfail@accept.test is rejected by smtpd with 450 4.7.1
#	(check_recipient_access), nosuch@e2e.test with 550 5.1.1.
#
#	Retry timers are one hour: a deferred message is tried exactly once
#	(when it arrives) during a test run and then sits in the deferred
#	queue. Bounces (5xx) make a non-delivery notification at once.
#
#	Variables set by pfse2e_init: PFSE2E_DIR (the temp dir),
#	PFSE2E_CONF (config_directory), PFSE2E_LOG (maillog file),
#	PFSE2E_SMTPD_PORT, PFSE2E_SINK_OK_PORT, PFSE2E_SINK_4XX_PORT,
#	PFSE2E_SINK_5XX_PORT, PFSE2E_SINK_LMTP_PORT, PFSE2E_HOST (myhostname).
#	Optional input: PFSE2E_USER (unprivileged user for the sinks, the
#	pipe and local delivery; default nobody), PFSE2E_POSTFIX_SBIN
#	(where postfix, smtp-source, smtp-sink live; default /usr/sbin),
#	PFSE2E_KEEP=1 (keep the temp dir on cleanup, for debugging),
#	PFSE2E_SINK_OK_ARGS (more smtp-sink options for the accepting sink).
#
# DIAGNOSTICS
#	Functions return non-zero and print "pfse2e: ..." to stderr on failure.
#	Every wait has a time limit.
#
# SECURITY
#	Must run as root (postfix start does). Only loopback addresses
#	are used. Only processes started here are signalled, by PID.

PFSE2E_HOST=e2e.test
: "${PFSE2E_USER:=nobody}"
: "${PFSE2E_POSTFIX_SBIN:=/usr/sbin}"
PFSE2E_SINK_PIDS=""
PFSE2E_STARTED=0

# pfse2e_msg - complain on stderr
pfse2e_msg() {
	echo "pfse2e: $*" >&2
}

# pfse2e_have_postfix - true when everything this library needs is installed
pfse2e_have_postfix() {
	local p
	for p in postfix postconf postqueue sendmail smtp-source smtp-sink; do
		[ -x "$PFSE2E_POSTFIX_SBIN/$p" ] || return 1
	done
	return 0
}

# pfse2e_port_busy - true when a TCP socket is bound to port $1 (any state)
#	Reads /proc/net/tcp instead of connecting: a probe connection to the
#	instance's smtpd would show up in the maillog.
pfse2e_port_busy() {
	local hex
	hex=$(printf ':%04X ' "$1")
	grep -q -i -- "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# pfse2e_port_listening - true when something listens on TCP port $1
pfse2e_port_listening() {
	local hex
	hex=$(printf ':%04X ' "$1")
	awk -v p="$hex" 'index($2 " ", p) && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# pfse2e_pick_ports - choose 5 distinct, currently unused high ports
pfse2e_pick_ports() {
	local ports="" p tries=0
	while [ "$(echo $ports | wc -w)" -lt 5 ]; do
		tries=$((tries + 1))
		[ $tries -gt 200 ] && { pfse2e_msg "no free ports"; return 1; }
		# Below the kernel's default ephemeral range (32768-60999),
		# so that outgoing connections do not take our ports.
		p=$((20000 + RANDOM % 12000))
		case " $ports " in *" $p "*) continue ;; esac
		pfse2e_port_busy "$p" && continue
		ports="$ports $p"
	done
	set -- $ports
	PFSE2E_SMTPD_PORT=$1
	PFSE2E_SINK_OK_PORT=$2
	PFSE2E_SINK_4XX_PORT=$3
	PFSE2E_SINK_5XX_PORT=$4
	PFSE2E_SINK_LMTP_PORT=$5
}

# pfse2e_init - make the temp dir and write the configuration
pfse2e_init() {
	local parent="${1:-${TMPDIR:-/tmp}}"

	[ "$(id -u)" = 0 ] || { pfse2e_msg "must run as root"; return 1; }
	getent passwd "$PFSE2E_USER" >/dev/null ||
		{ pfse2e_msg "no user $PFSE2E_USER"; return 1; }
	getent passwd postfix >/dev/null ||
		{ pfse2e_msg "no postfix user"; return 1; }
	# UNIX-domain socket paths (sun_path: 107 bytes) live under the
	# queue directory, e.g. DIR/spool/private/proxywrite: keep DIR short.
	[ ${#parent} -gt 40 ] && parent=/tmp
	PFSE2E_DIR=$(mktemp -d "$parent/pfse2e.XXXXXX") || return 1
	# Postfix daemons (user postfix) and local delivery (user nobody)
	# must be able to reach their directories below this one.
	chmod 755 "$PFSE2E_DIR"
	PFSE2E_CONF=$PFSE2E_DIR/etc
	PFSE2E_LOG=$PFSE2E_DIR/maillog
	mkdir -p "$PFSE2E_CONF" "$PFSE2E_DIR/spool" "$PFSE2E_DIR/data" \
		"$PFSE2E_DIR/mail" || return 1
	chmod 1777 "$PFSE2E_DIR/mail"
	chown postfix "$PFSE2E_DIR/data"
	pfse2e_pick_ports || return 1
	pfse2e_write_main_cf && pfse2e_write_master_cf
}

# pfse2e_write_main_cf - the instance's main.cf
pfse2e_write_main_cf() {
	local s=127.0.0.1
	cat >"$PFSE2E_CONF/main.cf" <<EOF
# Private Postfix instance for the postfix-stats end-to-end test.
# Generated by tests/e2e/postfix-instance.sh; removed after the test.
compatibility_level = 3.6
queue_directory = $PFSE2E_DIR/spool
data_directory = $PFSE2E_DIR/data
mail_owner = postfix
setgid_group = postdrop

# Logging: postlogd writes this file itself (service postlog in master.cf).
maillog_file = $PFSE2E_LOG
maillog_file_prefixes = $PFSE2E_DIR

myhostname = $PFSE2E_HOST
mydomain = $PFSE2E_HOST
myorigin = \$myhostname
mydestination = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_banner = \$myhostname ESMTP
biff = no

# Nobody is trusted: relaying only to relay_domains, anything else is
# "Relay access denied".
mynetworks =
relay_domains = accept.test defer.test bounce.test legal.test lmtp.test pipe.test
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
    check_recipient_access inline:{ { tempfail@accept.test = 450 4.7.1 try again later } }

transport_maps = inline:{
    { accept.test = smtp:[$s]:$PFSE2E_SINK_OK_PORT },
    { defer.test = smtp:[$s]:$PFSE2E_SINK_4XX_PORT },
    { bounce.test = smtp:[$s]:$PFSE2E_SINK_5XX_PORT },
    { legal.test = legal:[$s]:$PFSE2E_SINK_OK_PORT },
    { lmtp.test = lmtp:inet:[$s]:$PFSE2E_SINK_LMTP_PORT },
    { pipe.test = devnull: } }
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled

# Local delivery: aliases to an existing unprivileged user, mailboxes in
# the temp dir.
alias_maps = inline:{ { e2euser = $PFSE2E_USER }, { sender = $PFSE2E_USER } }
alias_database =
local_recipient_maps = proxy:unix:passwd.byname \$alias_maps
mail_spool_directory = $PFSE2E_DIR/mail
default_privs = $PFSE2E_USER

# Try deferred mail once, then leave it alone for the rest of the test.
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 3600s
maximal_queue_lifetime = 1d
bounce_queue_lifetime = 1d
delay_warning_time = 0
EOF
}

# pfse2e_write_master_cf - the instance's master.cf: loopback smtpd, no chroot
pfse2e_write_master_cf() {
	cat >"$PFSE2E_CONF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$PFSE2E_SMTPD_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
  -o syslog_name=postfix/\$service_name
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
# A custom smtp transport: its lines are tagged postfix/legal/smtp.
legal     unix  -       -       n       -       -       smtp
  -o syslog_name=postfix/legal
# A pipe transport that swallows the message.
devnull   unix  -       n       n       -       -       pipe
  flags=q user=$PFSE2E_USER argv=/bin/dd of=/dev/null status=none
EOF
}

# pfse2e_start_sink - start one smtp-sink in the background, remember its PID
pfse2e_start_sink() {
	local port=$1 i
	shift
	"$PFSE2E_POSTFIX_SBIN/smtp-sink" -u "$PFSE2E_USER" "$@" \
		"127.0.0.1:$port" 64 </dev/null >>"$PFSE2E_DIR/sinks.out" 2>&1 &
	PFSE2E_SINK_PIDS="$PFSE2E_SINK_PIDS $!"
	for i in $(seq 50); do
		pfse2e_port_listening "$port" && return 0
		kill -0 $! 2>/dev/null || break
		sleep 0.1
	done
	pfse2e_msg "smtp-sink on port $port did not come up"
	return 1
}

# pfse2e_postfix - run the postfix command against this instance
pfse2e_postfix() {
	timeout 60 "$PFSE2E_POSTFIX_SBIN/postfix" -c "$PFSE2E_CONF" "$@"
}

# pfse2e_start - start the sinks and the instance; wait until smtpd answers
pfse2e_start() {
	local i
	# shellcheck disable=SC2086
	pfse2e_start_sink "$PFSE2E_SINK_OK_PORT" -h sink-ok.test ${PFSE2E_SINK_OK_ARGS:-} || return 1
	pfse2e_start_sink "$PFSE2E_SINK_4XX_PORT" -h sink-4xx.test -r RCPT \
		-b "450 4.2.0 mailbox temporarily unavailable" || return 1
	pfse2e_start_sink "$PFSE2E_SINK_5XX_PORT" -h sink-5xx.test -f RCPT \
		-B "550 5.1.1 no such user here" || return 1
	pfse2e_start_sink "$PFSE2E_SINK_LMTP_PORT" -h sink-lmtp.test -L || return 1

	pfse2e_postfix check || { pfse2e_msg "postfix check failed"; return 1; }
	pfse2e_postfix start || { pfse2e_msg "postfix start failed"; return 1; }
	PFSE2E_STARTED=1
	for i in $(seq 100); do
		if pfse2e_port_listening "$PFSE2E_SMTPD_PORT" && [ -s "$PFSE2E_LOG" ]; then
			return 0
		fi
		sleep 0.1
	done
	pfse2e_msg "postfix smtpd on port $PFSE2E_SMTPD_PORT did not come up"
	return 1
}

# pfse2e_master_running - true while this instance's master process lives
pfse2e_master_running() {
	local pid
	pid=$(cat "$PFSE2E_DIR/spool/pid/master.pid" 2>/dev/null) || return 1
	pid=${pid// /}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# pfse2e_stop - stop the instance and kill the sinks (by PID)
pfse2e_stop() {
	local pid i
	if [ "$PFSE2E_STARTED" = 1 ]; then
		# "postfix stop" waits for the master itself, but not forever.
		timeout 30 "$PFSE2E_POSTFIX_SBIN/postfix" -c "$PFSE2E_CONF" stop \
			>/dev/null 2>&1
		for i in $(seq 100); do
			pfse2e_master_running || break
			sleep 0.1
		done
		if pfse2e_master_running; then
			pfse2e_msg "postfix did not stop, aborting it"
			pfse2e_postfix abort >/dev/null 2>&1
		fi
		PFSE2E_STARTED=0
	fi
	for pid in $PFSE2E_SINK_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $PFSE2E_SINK_PIDS; do
		wait "$pid" 2>/dev/null
	done
	PFSE2E_SINK_PIDS=""
}

# pfse2e_cleanup - stop everything and remove the temp dir
pfse2e_cleanup() {
	pfse2e_stop
	if [ -n "$PFSE2E_DIR" ] && [ -d "$PFSE2E_DIR" ]; then
		if [ "${PFSE2E_KEEP:-0}" = 1 ]; then
			pfse2e_msg "keeping $PFSE2E_DIR"
		else
			rm -rf "$PFSE2E_DIR"
		fi
	fi
	PFSE2E_DIR=""
}

# pfse2e_postqueue - postqueue against this instance
pfse2e_postqueue() {
	MAIL_CONFIG=$PFSE2E_CONF timeout 30 \
		"$PFSE2E_POSTFIX_SBIN/postqueue" -c "$PFSE2E_CONF" "$@"
}

# pfse2e_queue_count - number of queued messages, optionally in one queue
#	(maildrop, incoming, active, deferred, hold)
pfse2e_queue_count() {
	local q=${1:-}
	pfse2e_postqueue -j | if [ -n "$q" ]; then
		grep -c "\"queue_name\": *\"$q\""
	else
		grep -c '"queue_name"'
	fi
}

# pfse2e_log_quiet - wait (at most $1 s) until the maillog stops growing for 1 s
pfse2e_log_quiet() {
	local limit=$(($1 * 10)) i=0 last=-1 size still=0
	while [ $i -lt $limit ]; do
		size=$(wc -c <"$PFSE2E_LOG")
		if [ "$size" = "$last" ]; then
			still=$((still + 1))
			[ $still -ge 10 ] && return 0
		else
			still=0
			last=$size
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# pfse2e_wait_settled - wait (at most $1 s) until the queue holds exactly
#	$2 messages, all of them in the deferred queue, and the log is quiet
pfse2e_wait_settled() {
	local limit=$(($1 * 5)) want=$2 i=0 all def
	while [ $i -lt $limit ]; do
		all=$(pfse2e_queue_count)
		def=$(pfse2e_queue_count deferred)
		if [ "$all" = "$want" ] && [ "$def" = "$want" ]; then
			pfse2e_log_quiet 10 && return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	pfse2e_msg "queue did not settle: $all queued, $def deferred, want $want deferred"
	return 1
}

# pfse2e_smtp_source - smtp-source against the instance's smtpd
pfse2e_smtp_source() {
	timeout 60 "$PFSE2E_POSTFIX_SBIN/smtp-source" -M client.test "$@" \
		"127.0.0.1:$PFSE2E_SMTPD_PORT"
}

# pfse2e_sendmail - Postfix sendmail (postdrop, pickup) into the instance
pfse2e_sendmail() {
	MAIL_CONFIG=$PFSE2E_CONF timeout 60 "$PFSE2E_POSTFIX_SBIN/sendmail" "$@"
}

# pfse2e_smtp_reply - read one (multi-line) SMTP reply from fd $1 into
#	PFSE2E_REPLY (last line) and PFSE2E_CODE (its 3-digit code)
pfse2e_smtp_reply() {
	local line
	PFSE2E_CODE=""
	while IFS= read -r -t 20 -u "$1" line; do
		line=${line%$'\r'}
		PFSE2E_REPLY=$line
		case $line in
		[0-9][0-9][0-9]-*) continue ;;
		[0-9][0-9][0-9]*) PFSE2E_CODE=${line:0:3}; return 0 ;;
		esac
	done
	pfse2e_msg "no SMTP reply"
	return 1
}

# pfse2e_smtp_cmd - send one command on fd $1, read the reply
pfse2e_smtp_cmd() {
	printf '%s\r\n' "$2" >&"$1" && pfse2e_smtp_reply "$1"
}

# pfse2e_smtp_session - one SMTP session with several recipients, in which
#	some recipients may be rejected (smtp-source gives up or resets on
#	the first rejected RCPT, so it cannot make "QUEUEID: reject:" lines).
#	Usage: pfse2e_smtp_session HELO FROM SUBJECT RCPT... Prints one line
#	"rcpt ADDRESS CODE" per recipient and "data CODE"; returns 0 when
#	the session ran to QUIT.
pfse2e_smtp_session() {
	local helo=$1 from=$2 subject=$3 fd rcpt ok=0
	shift 3
	exec {fd}<>"/dev/tcp/127.0.0.1/$PFSE2E_SMTPD_PORT" || return 1
	{
		pfse2e_smtp_reply $fd && [ "$PFSE2E_CODE" = 220 ] &&
		pfse2e_smtp_cmd $fd "EHLO $helo" && [ "$PFSE2E_CODE" = 250 ] &&
		pfse2e_smtp_cmd $fd "MAIL FROM:<$from>" && [ "$PFSE2E_CODE" = 250 ]
	} || { pfse2e_msg "session setup failed: $PFSE2E_REPLY"; exec {fd}>&-; return 1; }
	for rcpt; do
		pfse2e_smtp_cmd $fd "RCPT TO:<$rcpt>" || { exec {fd}>&-; return 1; }
		echo "rcpt $rcpt $PFSE2E_CODE"
		[ "$PFSE2E_CODE" = 250 ] && ok=$((ok + 1))
	done
	if [ $ok -gt 0 ]; then
		pfse2e_smtp_cmd $fd "DATA" && [ "$PFSE2E_CODE" = 354 ] &&
		printf '%s\r\n' "From: <$from>" "To: undisclosed-recipients:;" \
			"Subject: $subject" \
			"Message-ID: <$subject.$$.$RANDOM@$helo>" "" \
			"Test message for the postfix-stats end-to-end test." \
			"." >&$fd &&
		pfse2e_smtp_reply $fd || { exec {fd}>&-; return 1; }
		echo "data $PFSE2E_CODE"
	fi
	pfse2e_smtp_cmd $fd "QUIT"
	exec {fd}>&-
	return 0
}
