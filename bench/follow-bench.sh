#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# follow-bench.sh - CPU and memory of the log follower
#
# SYNOPSIS
#	bench/follow-bench.sh
#
# DESCRIPTION
#	Builds bench/follow-driver.c against the libpfs*.a libraries
#	(run "make" first) and measures the follower loop the daemon runs
#	(poll(2) on the inotify descriptor, pfs_follow_poll() every second,
#	the state saved every 5 s), in three phases:
#
#	idle	no traffic for FOLLOW_IDLE_SECONDS (60): CPU time and
#		wake-ups (voluntary context switches) per minute, with inotify
#		and with polling only.
#	rate	FOLLOW_RATE (1000) lines/s, one write(2) per line, for
#		FOLLOW_RATE_SECONDS (60): CPU as a share of one core; then the
#		driver's counters are compared with --once over the same file
#		(mismatches must be 0). Twice: lines in bursts every 10 ms, and
#		each line on its own (a wake-up per line, the worst case).
#	rss	FOLLOW_MILLIONS (10) million lines written as fast as possible,
#		the log renamed (rotated) after each million; VmRSS after each
#		million once the driver caught up, and the total line count.
#
#	CPU time comes from /proc/PID/schedstat (nanoseconds on the CPU),
#	wake-ups from voluntary_ctxt_switches in /proc/PID/status. Lines are
#	taken from a private 1,000,000-line log made by make-log.sh.
#	Everything is written under bench/out/follow.PID (the state file in
#	a directory of its own, as under /var/lib) and removed at the end;
#	the figures are printed on standard output. The driver saves the
#	state only when pfs_follow_changes() moved.
#
# DIAGNOSTICS
#	Exit status 0, or 1 if a step failed or a count did not match.

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
top=$(dirname "$here")
work=$here/out/follow.$$
idle_s=${FOLLOW_IDLE_SECONDS:-60}
rate=${FOLLOW_RATE:-1000}
rate_s=${FOLLOW_RATE_SECONDS:-60}
millions=${FOLLOW_MILLIONS:-10}
src=$work/source.log
agent=$top/postfix-stats-agent
status=0
driver_pid=

fail() { echo "follow-bench: $*" >&2; status=1; }

cleanup() {
	[ -n "$driver_pid" ] && kill "$driver_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/state" || exit 1
[ -f "$top/libpfsagent.a" ] && [ -x "$agent" ] || { echo "follow-bench: run make first" >&2; exit 1; }
"$here/make-log.sh" -n 1000000 "$src" > /dev/null || exit 1
# shellcheck disable=SC2046
${CC:-cc} -O2 -Wall -Wextra -Werror -I"$top" -I"$top/parser" -I"$top/input" -I"$top/alerts" -I"$top/agent" \
	"$here/follow-driver.c" "$top/libpfsagent.a" "$top/libpfsalerts.a" "$top/libpfsinput.a" "$top/libpfsparser.a" \
	$(pkg-config --libs jansson yajl libpcre2-8) -o "$work/follow-driver" || exit 1
drv=$work/follow-driver

# sample PID - "cpu_ns wakeups"
sample() {
	read -r ns _ _ < "/proc/$1/schedstat"
	vcs=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/status")
	echo "$ns $vcs"
}

# start_driver ARGS... - follower in the background
start_driver() {
	"$drv" follow "$@" > "$work/driver.out" 2> "$work/driver.err" &
	driver_pid=$!
	sleep 1
}

# stop_driver - SIGTERM, wait; its counters are in driver.out
stop_driver() {
	kill -TERM "$driver_pid"
	wait "$driver_pid"
	driver_pid=
}

# idle_phase LABEL ARGS...
idle_phase() {
	label=$1; shift
	: > "$work/idle.log"
	start_driver --state "$work/state/idle.json" "$@" "$work/idle.log"
	s0=$(sample "$driver_pid")
	sleep "$idle_s"
	s1=$(sample "$driver_pid")
	stop_driver
	echo "$s0 $s1" | awk -v l="$label" -v t="$idle_s" '{
	    printf "idle %-18s cpu %.3f ms/min (%.4f%% of a core), wake-ups %.0f/min\n",
		l, ($3 - $1) / 1e6 * 60 / t, ($3 - $1) / 1e7 / t, ($4 - $2) * 60 / t }'
	rm -f "$work/idle.log" "$work/state/idle.json"
}

echo "follow-bench: $(uname -sr), $(nproc) CPU(s), $(date -u +%Y-%m-%dT%H:%MZ)"
idle_phase "inotify" --poll 1 --save 5
idle_phase "polling only" --poll 1 --save 5 --no-inotify

# ---- rate ----------------------------------------------------------------
# rate_phase LABEL BURST
rate_phase() {
	log=$work/rate.log
	: > "$log"
	start_driver --state "$work/state/rate.json" --poll 1 --save 5 "$log"
	s0=$(sample "$driver_pid")
	n=$("$drv" write --from "$src" --to "$log" --rate "$rate" --burst "$2" \
		--seconds "$rate_s") || fail "writer"
	sleep 1
	s1=$(sample "$driver_pid")
	stop_driver
	echo "$s0 $s1" | awk -v l="$1" -v n="$n" -v t="$rate_s" '{
	    printf "rate %-16s %d lines in %d s (%.0f lines/s): cpu %.2f ms/s = %.3f%% of a core, wake-ups %.0f/s\n",
		l, n, t, n / t, ($3 - $1) / 1e6 / (t + 1), ($3 - $1) / 1e7 / (t + 1), ($4 - $2) / (t + 1) }'
	"$agent" --once "$log" > "$work/once.out" || fail "--once"
	mism=$(diff "$work/driver.out" "$work/once.out" | grep -c '^[<>]')
	echo "rate $1: counters vs --once over the same file: $(wc -l < "$work/once.out") counters, mismatches $mism"
	[ "$mism" -eq 0 ] || { fail "counters differ"; diff "$work/driver.out" "$work/once.out" | head; }
	rm -f "$log" "$work/state/rate.json"
}
rate_phase "10 ms bursts" $((rate / 100))
rate_phase "line by line" 1

# ---- rss -----------------------------------------------------------------
log=$work/rss.log
: > "$log"
start_driver --poll 1 --linger 1 --progress "$work/progress" "$log"
s0=$(sample "$driver_pid")
t0=$(date +%s)
i=0
while [ "$i" -lt "$millions" ]; do
	i=$((i + 1))
	"$drv" write --from "$src" --to "$log" --rate 0 --lines 1000000 > /dev/null || fail "writer"
	want=$((i * 1000000))
	got=0
	tries=0
	while [ "$got" -lt "$want" ] && [ "$tries" -lt 600 ]; do
		kill -USR1 "$driver_pid"
		sleep 0.2
		got=$(awk '{ print $2 }' "$work/progress" 2>/dev/null || echo 0)
		got=${got:-0}
		tries=$((tries + 1))
	done
	rss=$(awk '{ print $4 }' "$work/progress")
	echo "rss after $i million lines (read $got): VmRSS $rss kB"
	[ "$got" -eq "$want" ] || fail "driver read $got lines, expected $want"
	rm -f "$log.1"
	mv "$log" "$log.1"
done
s1=$(sample "$driver_pid")
t1=$(date +%s)
stop_driver
total=$(awk '$1 == "lines" { print $2 }' "$work/driver.out")
echo "$s0 $s1" | awk -v n="$total" -v t=$((t1 - t0)) '{
    printf "rss phase: %d lines, %d rotations, driver cpu %.1f s (%.0f lines per cpu-second), %d s wall\n",
	n, '"$millions"', ($3 - $1) / 1e9, n / (($3 - $1) / 1e9), t }'
[ "$total" -eq $((millions * 1000000)) ] || fail "lines $total, expected $((millions * 1000000))"
exit $status
