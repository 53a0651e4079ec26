#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make-state-log.sh - a mail log that leaves the agent with a large state
#
# SYNOPSIS
#	bench/make-state-log.sh [-a ACCOUNTS] [-t TRANSPORTS] [-s SOURCES]
#		[-q IN_FLIGHT] [-d DATE] OUTFILE
#
# DESCRIPTION
#	Writes OUTFILE, real-shaped Postfix 3.7 lines (those of
#	tests/snmp/genlog.sh and tests/data/postfix-e2e.log) with RFC 3339
#	time stamps on DATE (default: today, UTC), so that an agent reading
#	it from its start ends up with a state of a known size:
#
#	- max(ACCOUNTS, TRANSPORTS, SOURCES) complete messages, message i
#	  sent by SASL user user<i mod ACCOUNTS> through source host
#	  mx<i mod SOURCES> (syslog_name postfix) and relayed outside by the
#	  master.cf service relay<i mod TRANSPORTS>: that many rows in the
#	  account table (the alert state), the transport table and the
#	  source table, each row with its counters;
#	- IN_FLIGHT more messages received (smtpd client=, cleanup, qmgr
#	  from=) and deferred once, never removed: the messages in flight
#	  that the state file carries.
#
#	Defaults: 10000 accounts, 1000 transports, 10000 sources, no
#	message in flight. The agent needs max_accounts, max_transports,
#	max_sources and max_queue_ids above these figures (bench/state-bench.sh
#	sets them). Needs only a POSIX shell, awk and date.
#
# DIAGNOSTICS
#	Exit status 0 on success, 1 on a usage or write error.

accounts=10000
transports=1000
sources=10000
inflight=0
day=$(date -u +%F)

usage() {
	echo "usage: $0 [-a ACCOUNTS] [-t TRANSPORTS] [-s SOURCES] [-q IN_FLIGHT] [-d YYYY-MM-DD] OUTFILE" >&2
	exit 1
}

while getopts a:t:s:q:d: opt; do
	case $opt in
	a) accounts=$OPTARG ;;
	t) transports=$OPTARG ;;
	s) sources=$OPTARG ;;
	q) inflight=$OPTARG ;;
	d) day=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
case $accounts$transports$sources$inflight in
*[!0-9]*) usage ;;
esac
[ "$accounts" -gt 0 ] && [ "$transports" -gt 0 ] && [ "$sources" -gt 0 ] || usage

LC_ALL=C awk -v na="$accounts" -v nt="$transports" -v ns="$sources" \
	-v nq="$inflight" -v day="$day" '
# ts - the k-th time stamp of the day, rising by 10 ms
function ts(k) {
	return sprintf("%sT%02d:%02d:%02d.%02d0000+00:00", day, int(k / 360000) % 24,
		int(k / 6000) % 60, int(k / 100) % 60, k % 100)
}
# head - start of a line of host h, program p
function head(h, p) {
	return ts(tick++) " " sprintf("mx%05d", h) " postfix/" p
}
# received - smtpd, cleanup and qmgr lines of message q
function received(q, h, u) {
	print head(h, "smtpd[2101]") ": connect from unknown[203.0.113.9]"
	print head(h, "smtpd[2101]") ": " q ": client=unknown[203.0.113.9], sasl_method=PLAIN, sasl_username=" u
	print head(h, "cleanup[2102]") ": " q ": message-id=<" q ".1234@example.org>"
	print head(h, "qmgr[1101]") ": " q ": from=<" u "@example.org>, size=2188, nrcpt=1 (queue active)"
	print head(h, "smtpd[2101]") ": disconnect from unknown[203.0.113.9] ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6"
}
BEGIN {
	n = na > nt ? na : nt
	n = ns > n ? ns : n
	for (i = 0; i < n; i++) {
		q = sprintf("4B%08X", i)
		h = i % ns
		received(q, h, sprintf("user%05d", i % na))
		print head(h, sprintf("relay%04d/smtp[2103]", i % nt)) ": " q ": to=<rcpt" i "@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.52, delays=0.1/0.02/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4XYZ" i ")"
		print head(h, "qmgr[1101]") ": " q ": removed"
	}
	for (i = 0; i < nq; i++) {
		q = sprintf("5C%08X", i)
		h = i % ns
		received(q, h, sprintf("user%05d", i % na))
		print head(h, sprintf("relay%04d/smtp[2103]", i % nt)) ": " q ": to=<rcpt" i "@example.net>, relay=none, delay=1.2, delays=0.1/0/1.1/0, dsn=4.4.1, status=deferred (connect to mx.example.net[198.51.100.7]:25: Connection timed out)"
	}
}' >"$1.tmp" && mv "$1.tmp" "$1" || { rm -f "$1.tmp"; exit 1; }
