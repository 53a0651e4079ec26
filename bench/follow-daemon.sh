#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# follow-daemon.sh - CPU and wake-ups of the real agent behind a private snmpd
#
# SYNOPSIS
#	bench/follow-daemon.sh
#
# DESCRIPTION
#	The daemon-mode counterpart of follow-bench.sh: a private snmpd and
#	postfix-stats-agent started by tests/snmp/lib.sh (unix sockets, a
#	throw-away directory under tests/), the agent configured as shipped
#	(poll_interval 1, save_interval 5, agentx_ping_interval 5), then
#
#	idle	FOLLOW_IDLE_SECONDS (60) without traffic: CPU and wake-ups
#		(voluntary context switches) per minute;
#	rate	FOLLOW_RATE (1000) lines/s written one line per write(2) for
#		FOLLOW_RATE_SECONDS (60): CPU as a share of one core; then the
#		"lines" counter read over SNMP must equal the lines written.
#
#	Lines come from a 100,000-line log made by make-log.sh. The writer
#	is bench/follow-driver.c's "write" mode. Figures go to standard
#	output. Needs make, snmpd, snmpget.
#
# DIAGNOSTICS
#	Exit status 0, 1 when a step failed or the count differs, 77 when
#	snmpd or the clients are missing.

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
top_srcdir=${top_srcdir:-$(dirname "$here")}
top_builddir=${top_builddir:-$top_srcdir}
idle_s=${FOLLOW_IDLE_SECONDS:-60}
rate=${FOLLOW_RATE:-1000}
rate_s=${FOLLOW_RATE_SECONDS:-60}
export top_srcdir top_builddir

# shellcheck source=../tests/snmp/lib.sh
. "$top_srcdir/tests/snmp/lib.sh"
fx_init
status=0

${CC:-cc} -O2 -Wall -Wextra -Werror -I"$top_builddir" -I"$top_srcdir/parser" \
	-I"$top_srcdir/input" -I"$top_srcdir/alerts" -I"$top_srcdir/agent" "$here/follow-driver.c" "$top_builddir/libpfsagent.a" \
	"$top_builddir/libpfsalerts.a" "$top_builddir/libpfsinput.a" "$top_builddir/libpfsparser.a" $(pkg-config --libs jansson libpcre2-8) \
	-o "$fx_dir/follow-driver" || exit 1
"$here/make-log.sh" -n 100000 "$fx_dir/source.log" >/dev/null || exit 1

fx_start_snmpd || exit 1
FX_PING=5 fx_agent_conf "save_interval 5"
sed -i 's/^save_interval        1$//' "$fx_dir/agent.conf"
fx_start_agent || { cat "$fx_dir/agent.log"; exit 1; }
pid=$fx_agent_pid
lines_oid=$("$POSTFIX_STATS_AGENT" --oids | awk '$1 == "lines" { print $NF; exit }')

# sample - "cpu_ns wakeups" of the agent
sample() {
	read -r ns _ _ < "/proc/$pid/schedstat"
	vcs=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$pid/status")
	echo "$ns $vcs"
}

echo "follow-daemon: $(uname -sr), $(nproc) CPU(s), $(date -u +%Y-%m-%dT%H:%MZ)"
sleep 6
s0=$(sample)
sleep "$idle_s"
s1=$(sample)
echo "$s0 $s1" | awk -v t="$idle_s" '{
    printf "daemon idle: cpu %.3f ms/min (%.4f%% of a core), wake-ups %.0f/min\n",
	($3 - $1) / 1e6 * 60 / t, ($3 - $1) / 1e7 / t, ($4 - $2) * 60 / t }'

s0=$(sample)
n=$("$fx_dir/follow-driver" write --from "$fx_dir/source.log" --to "$fx_dir/mail.log" \
	--rate "$rate" --burst 1 --seconds "$rate_s") || status=1
sleep 1
s1=$(sample)
echo "$s0 $s1" | awk -v n="$n" -v t="$rate_s" '{
    printf "daemon rate: %d lines in %d s, one write each: cpu %.2f ms/s = %.3f%% of a core, wake-ups %.0f/s\n",
	n, t, ($3 - $1) / 1e6 / (t + 1), ($3 - $1) / 1e7 / (t + 1), ($4 - $2) / (t + 1) }'
if fx_wait_get "$lines_oid" "$n" 5; then
	echo "daemon rate: lines over SNMP = $n = lines written"
else
	echo "daemon rate: lines over SNMP = $(fx_get "$lines_oid"), written $n"
	status=1
fi
fx_stop_agent || status=1
exit $status
