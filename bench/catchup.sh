#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# catchup.sh - how long the daemon takes to catch a big backlog up, on one thread and on several
#
# SYNOPSIS
#	bench/catchup.sh [-n LINES] [-r RUNS] [-t THREADS]
#
# DESCRIPTION
#	Builds (or reuses, as speed.sh does) a mail log of LINES lines
#	(default 10000000, about 1.3 GB) with make-log.sh under bench/out/
#	and reads it once into the page cache. Then, RUNS times (-r, default
#	3), in turns, a private snmpd and postfix-stats-agent are started by
#	tests/snmp/lib.sh with no saved state, from_start yes and threads 1,
#	then threads THREADS (-t, default: the processors this shell may
#	use), on that log; the time from the agent's start to pfsLines
#	reading the log's line count (polled over SNMP every 50 ms) is the
#	catch-up time. For the threaded runs the agent's own figure ("caught
#	up: N lines ... in S s", from the first slice to the last) is
#	printed too. In the same turns, --once --threads 1 and --threads
#	THREADS on the same log are timed, for the same load: what the
#	daemon adds (its start, alerts, state saves, the event loop between
#	slices) shows against them. Prints each run, the medians and their
#	ratios, and the load average before and after.
#
#	Timing never makes the script fail.
#
# DIAGNOSTICS
#	Exit status 0, 1 when the log cannot be built or a run does not
#	reach the line count within 10 minutes; without snmpd or the
#	clients, a "1..0 # SKIP" line and 0 (tests/snmp/lib.sh).

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
top_srcdir=${top_srcdir:-$(dirname "$here")}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
lines=10000000
runs=3
threads=$(nproc 2>/dev/null || echo 2)

while getopts n:r:t: opt; do
	case $opt in
	n) lines=$OPTARG ;;
	r) runs=$OPTARG ;;
	t) threads=$OPTARG ;;
	*) echo "usage: $0 [-n LINES] [-r RUNS] [-t THREADS]" >&2; exit 1 ;;
	esac
done

work=${BENCH_WORK:-$here/out}
mkdir -p "$work" || exit 1
log=$work/postfix-$lines-s1.log
if [ ! -s "$log" ] || [ "$here/make-log.awk" -nt "$log" ] || [ "$here/make-log.sh" -nt "$log" ]; then
	echo "building $log (about 40 s a 10 million lines) ..."
	"$here/make-log.sh" -n "$lines" -s 1 "$log" || exit 1
fi
total=$(wc -l < "$log")
cat "$log" > /dev/null

# shellcheck source=../tests/snmp/lib.sh
. "$top_srcdir/tests/snmp/lib.sh"
fx_init
FX_SNMPD_EXTRA="agentXTimeout 5"
fx_start_snmpd || exit 1
lines_oid=$fx_root.1.8.2.0

now() {
	date +%s.%N
}

# run N - one catch-up on N threads: prints its seconds
run() {
	rm -f "$fx_dir/state.json" "$fx_dir/mail.log"
	ln -s "$log" "$fx_dir/mail.log"
	fx_agent_conf "threads $1
from_start yes"
	: >"$fx_dir/agent.log"
	t0=$(now)
	"$POSTFIX_STATS_AGENT" -f -c "$fx_dir/agent.conf" >>"$fx_dir/agent.log" 2>&1 </dev/null &
	fx_agent_pid=$!
	fx_pids="$fx_agent_pid $fx_pids"
	_i=0
	while [ "$(fx_get "$lines_oid")" != "$total" ]; do
		sleep 0.05
		_i=$((_i + 1))
		[ $_i -lt 12000 ] || { echo "run on $1 threads: no catch-up in 10 min" >&2; return 1; }
	done
	t1=$(now)
	fx_stop_agent || true
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

# once N - --once on N threads: prints its seconds
once() {
	t0=$(now)
	"$POSTFIX_STATS_AGENT" -c /dev/null --once --threads "$1" "$log" >/dev/null || return 1
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "the daemon's catch-up: one thread and $threads threads"
echo "log: $log, $total lines"
echo "machine: $(nproc) processors available, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$fx_dir/one"
: >"$fx_dir/many"
: >"$fx_dir/once1"
: >"$fx_dir/oncen"
for r in $(seq "$runs"); do
	s1=$(run 1) || exit 1
	echo "$s1" >>"$fx_dir/one"
	sn=$(run "$threads") || exit 1
	echo "$sn" >>"$fx_dir/many"
	own=$(sed -n 's/.*caught up: \([0-9]*\) lines .* in \([0-9.]*\) s$/\1 lines in \2 s/p' "$fx_dir/agent.log")
	o1=$(once 1) || exit 1
	echo "$o1" >>"$fx_dir/once1"
	on=$(once "$threads") || exit 1
	echo "$on" >>"$fx_dir/oncen"
	echo "run $r: daemon threads 1 $s1 s, threads $threads $sn s (agent: ${own:-no catch-up logged});" \
		"--once threads 1 $o1 s, threads $threads $on s"
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"

# line LABEL - medians of $fx_dir/LABEL1 and LABELn: seconds, lines/s, ratio
line() {
	m1=$(median <"$fx_dir/$2")
	mn=$(median <"$fx_dir/$3")
	awk -v l="$1" -v t="$total" -v a="$m1" -v b="$mn" -v n="$threads" 'BEGIN {
		printf "%-8s threads 1: %.3f s (%.2f M lines/s); threads %d: %.3f s (%.2f M lines/s); ratio %.2f\n",
			l, a, t / a / 1e6, n, b, t / b / 1e6, b / a }'
}
echo "medians:"
line daemon one many
line --once once1 oncen
exit 0
