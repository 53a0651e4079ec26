#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# state-bench.sh - a big saved state: start-up time, memory, cost of saves
#
# SYNOPSIS
#	bench/state-bench.sh [-r RATE] [-T SECONDS] [small|large...]
#
# DESCRIPTION
#	Measures, for two states built the way an agent builds them (by
#	reading a log: bench/make-state-log.sh), what issue 14 asks for,
#	each as a figure and as a ratio:
#
#	small	10,000 accounts, 1,000 transports, 10,000 sources;
#	large	the same plus 100,000 messages in flight.
#
#	For each, behind a private snmpd (tests/snmp/lib.sh):
#
#	1. parse	postfix-stats-agent --once on the log (best of 3):
#			what a start without a state costs;
#	2. steady	the agent reads the log from its start, then runs;
#			its RSS is the steady state; SIGTERM saves the state;
#	3. restart	the agent starts on that state, three times: time from
#			its start to the first SNMP answer (the lines counter,
#			read in a loop every 10 ms), best, median and worst, and
#			the median as a multiple of the parse time; after the
#			third, its RSS a second later and after its first save,
#			as a share of the steady RSS;
#	4. saves	RATE (100,000) lines/s of bench/make-log.sh lines are
#			appended for SECONDS (20) three times: with
#			save_interval 5 and account_limit out of reach
#			("quiet"), with save_interval 5 and the default
#			account_limit ("notes": the traffic takes some 25
#			accounts over it, and every notification is saved
#			at once, once a second at most), then with saves
#			off (save_interval 86400). The CPU the saves take is
#			the difference with the last, as a share of one core,
#			and the agent's own figures ("state saved" debug
#			lines: bytes and CPU per save) are summed. After the
#			quiet run, the agent idle, one line and one save: the
#			RSS peak of that save (VmHWM after clear_refs)
#			against the RSS before it.
#
#	Without arguments both states are measured. The agent is
#	$POSTFIX_STATS_AGENT, else the build tree's. Figures go to standard
#	output; bench/RESULTS-state.md records a run. Takes a few minutes.
#
# DIAGNOSTICS
#	Exit status 0, 1 when a step failed, 77 when snmpd or the clients
#	are missing. Timings never fail the run.

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
top_srcdir=${top_srcdir:-$(dirname "$here")}
top_builddir=${top_builddir:-$top_srcdir}
rate=100000
secs=20
while getopts r:T: opt; do
	case $opt in
	r) rate=$OPTARG ;;
	T) secs=$OPTARG ;;
	*) echo "usage: $0 [-r RATE] [-T SECONDS] [small|large...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
sizes=${*:-small large}
export top_srcdir top_builddir

# shellcheck source=../tests/snmp/lib.sh
. "$top_srcdir/tests/snmp/lib.sh"
fx_need "$SNMPD" snmpget pkg-config
fx_init
status=0

${CC:-cc} -O2 -Wall -Wextra -Werror -I"$top_builddir" -I"$top_srcdir/parser" \
	-I"$top_srcdir/input" -I"$top_srcdir/alerts" -I"$top_srcdir/agent" "$here/follow-driver.c" \
	"$top_builddir/libpfsagent.a" "$top_builddir/libpfsalerts.a" \
	"$top_builddir/libpfsinput.a" "$top_builddir/libpfsparser.a" \
	$(pkg-config --libs jansson yajl libpcre2-8) -o "$fx_dir/follow-driver" || exit 1
"$here/make-log.sh" -n 300000 "$fx_dir/traffic.log" >/dev/null || exit 1
fx_start_snmpd || exit 1
lines_oid=$("$POSTFIX_STATS_AGENT" --oids | awk '$1 == "lines" { print $NF; exit }')

echo "state-bench: $(uname -sr), $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"$(date -u +%Y-%m-%dT%H:%MZ)"

# now - seconds since the epoch, with fractions
now() {
	date +%s.%N
}

# rss PID / hwm PID - kB
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

# cpu PID - nanoseconds on the CPU so far
cpu() { cut -d' ' -f1 "/proc/$1/schedstat"; }

# conf SAVE_INTERVAL [LINES] - the agent's configuration for these states
conf() {
	fx_agent_conf "max_accounts 20000
max_transports 2000
max_sources 20000
max_queue_ids 200000
from_start yes${2:+
$2}"
	sed -i "s/^save_interval .*/save_interval $1/" "$fx_dir/agent.conf"
}

# start_agent - in the foreground with debug messages; sets $pid
start_agent() {
	"$POSTFIX_STATS_AGENT" -d -c "$fx_dir/agent.conf" >>"$fx_dir/agent.log" 2>&1 </dev/null &
	pid=$!
	fx_agent_pid=$pid
	fx_pids="$pid $fx_pids"
}

# wait_lines N SECONDS - poll the lines counter every 10 ms until it reads N
wait_lines() {
	_end=$(($(date +%s) + $2))
	while [ "$(snmpget -v2c -c public -Oqv -t 0.2 -r 0 "$fx_sock" "$lines_oid" 2>/dev/null)" != "$1" ]; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.01
	done
}

# one_save - append one line, wait for the next "state saved" (60 s at most)
one_save() {
	_n=$(grep -c 'state saved' "$fx_dir/agent.log")
	tail -n 1 "$fx_dir/traffic.log" >>"$fx_dir/mail.log"
	_i=0
	while [ "$(grep -c 'state saved' "$fx_dir/agent.log")" -le "$_n" ] && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# save_figures FROM - saves logged since line FROM of the agent's log
save_figures() {
	tail -n +"$1" "$fx_dir/agent.log" | awk '/state saved/ {
		for (i = 1; i <= NF; i++) {
			if ($(i + 1) == "bytes,") b = $i
			if ($(i + 1) == "ms" && $(i + 2) == "CPU") { n++; ms += $i }
		}
	} END { printf "%d %.1f %d\n", n, ms, b }'
}

for size in $sizes; do
	case $size in
	small) q=0 ;;
	large) q=100000 ;;
	*) echo "unknown state size $size" >&2; exit 1 ;;
	esac
	"$here/make-state-log.sh" -q "$q" "$fx_dir/state.log" || exit 1
	n=$(wc -l <"$fx_dir/state.log")
	echo
	echo "== $size state: 10000 accounts, 1000 transports, 10000 sources, $q in flight ($n log lines)"

	# 1. parsing the log from scratch
	best=
	for _ in 1 2 3; do
		t0=$(now)
		"$POSTFIX_STATS_AGENT" --once "$fx_dir/state.log" >/dev/null || status=1
		t1=$(now)
		best=$(echo "$t0 $t1 ${best:-999}" | awk '{ d = $2 - $1; print d < $3 ? d : $3 }')
	done
	echo "parse: --once on the log: $best s"

	# 2. steady state
	rm -f "$fx_dir/state.json" "$fx_dir/mail.log"
	cp "$fx_dir/state.log" "$fx_dir/mail.log"
	conf 5
	start_agent
	wait_lines "$n" 300 || { echo "the agent did not read the log"; status=1; continue; }
	sleep 6
	steady=$(rss "$pid")
	fx_stop_agent || status=1
	bytes=$(wc -c <"$fx_dir/state.json")
	echo "steady: RSS $steady kB; state file $bytes bytes"

	# 3. restart on the state, three times
	times=
	for r in 1 2 3; do
		[ "$r" = 1 ] || fx_stop_agent || status=1
		t0=$(now)
		start_agent
		wait_lines "$n" 60 || { echo "the restarted agent did not answer"; status=1; break; }
		t1=$(now)
		times="$times $(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')"
	done
	sleep 1
	after=$(rss "$pid")
	one_save
	saved=$(rss "$pid")
	n=$((n + 1))
	echo "$times" | tr ' ' '\n' | sort -n | awk -v p="$best" 'NF { t[++k] = $1 } END {
		printf "restart: first SNMP answer after %.3f / %.3f / %.3f s (best / median / worst) = %.1f x the parse time\n",
			t[1], t[2], t[3], t[2] / p }'
	echo "$after $steady $saved" | awk '{
		printf "restart: RSS %d kB = %.2f x the steady state; after its first save %d kB = %.2f x\n",
			$1, $1 / $2, $3, $3 / $2 }'
	fx_stop_agent || status=1

	# 4. saves under load: with saves, then without; the traffic's
	# accounts go over the default account_limit (25 of them in 20 s),
	# and each notification is saved at once (once a second at most),
	# so the saves are measured with the limit out of reach ("quiet"),
	# then with the default limit ("notes"), then without saves.
	for run in quiet notes off; do
		case $run in
		quiet) conf 5 "account_limit 1000000000" ;;
		notes) conf 5 ;;
		off) conf 86400 "account_limit 1000000000" ;;
		esac
		start_agent
		wait_lines "$n" 60 || { echo "the agent did not answer"; status=1; break; }
		sleep 1
		from=$(($(wc -l <"$fx_dir/agent.log") + 1))
		r0=$(rss "$pid")
		echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
		c0=$(cpu "$pid")
		w=$("$fx_dir/follow-driver" write --from "$fx_dir/traffic.log" --to "$fx_dir/mail.log" \
			--rate "$rate" --burst $((rate / 100)) --seconds "$secs") || status=1
		wait_lines $((n + w)) 60 || { echo "the agent fell behind"; status=1; }
		c1=$(cpu "$pid")
		peak=$(hwm "$pid")
		n=$((n + w))
		case $run in
		quiet | notes)
			eval "cpu_$run=$((c1 - c0))"
			nnotes=$(tail -n +"$from" "$fx_dir/agent.log" | grep -c 'notification .* sent')
			set -- $(save_figures "$from")
			echo "$run $w $secs $r0 $peak $1 $2 $3 $nnotes" | awk '{
				printf "saves (%s): %d lines in %d s with save_interval 5, %d notifications: RSS %d kB before, peak %d kB (traffic and saves)\n",
					$1, $2, $3, $9, $4, $5
				if ($6 > 0)
					printf "saves (%s): the agent logged %d saves of %d bytes, %.1f ms CPU each, %.2f%% of a core\n",
						$1, $6, $8, $7 / $6, $7 / 10 / $3 }'
			;;
		esac
		if [ "$run" = quiet ]; then
			sleep 2
			r1=$(rss "$pid")
			echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
			one_save
			n=$((n + 1))
			echo "$r1 $(hwm "$pid")" | awk '{
				printf "saves: one save, the agent idle: RSS %d kB before, peak %d kB (+%.1f%%)\n",
					$1, $2, ($2 - $1) * 100 / $1 }'
		elif [ "$run" = off ]; then
			without=$((c1 - c0))
			echo "$cpu_quiet $cpu_notes $without $secs" | awk '{
				printf "saves: agent CPU %.1f%% of a core with saves, %.1f%% without: saves take %.2f%% of a core\n",
					$1 / 1e7 / $4, $3 / 1e7 / $4, ($1 - $3) / 1e7 / $4
				printf "saves: with the notifications of the default account_limit, agent CPU %.1f%%: saves take %.2f%% of a core\n",
					$2 / 1e7 / $4, ($2 - $3) / 1e7 / $4 }'
		fi
		fx_stop_agent || status=1
	done
done
exit $status
