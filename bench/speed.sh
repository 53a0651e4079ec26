#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# speed.sh - --once on one thread, on every core, and wc -l, on one big log
#
# SYNOPSIS
#	bench/speed.sh [-n LINES] [-s SEED] [-r RUNS] [-t THREADS] [-c LINES]
#
# DESCRIPTION
#	Builds (or reuses) a mail log of LINES lines (default 10000000,
#	about 1.3 GB) with make-log.sh under bench/out/, reads it once into
#	the page cache, then times, RUNS times each (-r, default 5), in
#	turns so that a change of load hits all three alike:
#
#	wc -l LOG
#		what reading the bytes and finding the newlines costs: the
#		floor of any line-oriented tool;
#
#	postfix-stats-agent --once --threads 1 LOG
#		the one-thread path;
#
#	postfix-stats-agent --once --threads THREADS LOG
#		THREADS (-t) defaults to the processors this shell may use
#		(nproc).
#
#	and prints, for each, the median and the best wall time, the
#	median user and system CPU, the median lines per second, and the
#	ratios of the medians: THREADS threads against one, and each
#	against wc -l. The --once outputs of the two are compared (they
#	must be the same, byte for byte); the load average is printed
#	before and after. The agent is $POSTFIX_STATS_AGENT, else
#	./postfix-stats-agent of the build tree; it gets "-c /dev/null" so
#	that an installed configuration file cannot change what it does.
#
#	-c LINES (default 200000; 0 to skip) also counts the instructions
#	of --threads 1 on the log's first LINES lines with valgrind
#	--tool=callgrind, when valgrind is installed: a figure that does not
#	move with the load of a shared machine, to compare builds.
#
#	Then, if bench/state-bench.sh is there, it runs it: the figures of
#	loading and saving the agent's state, so that one command prints
#	every figure of issue 14.
#
#	Timing never makes the script fail: it prints figures and exits 0
#	unless the log cannot be built or the outputs differ.
#
# ENVIRONMENT
#	POSTFIX_STATS_AGENT	the agent to time
#	BENCH_WORK		where the log is kept (default bench/out)

here=$(cd "$(dirname "$0")" && pwd) || exit 1
top=$(cd "$here/.." && pwd) || exit 1
lines=10000000
seed=1
runs=5
threads=$(nproc 2>/dev/null || echo 2)
cg_lines=200000

usage() {
	echo "usage: $0 [-n LINES] [-s SEED] [-r RUNS] [-t THREADS] [-c LINES]" >&2
	exit 1
}

while getopts n:s:r:t:c: opt; do
	case $opt in
	n) lines=$OPTARG ;;
	s) seed=$OPTARG ;;
	r) runs=$OPTARG ;;
	t) threads=$OPTARG ;;
	c) cg_lines=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case $lines$seed$runs$threads$cg_lines in
*[!0-9]*) usage ;;
esac
if [ "$runs" -lt 1 ] || [ "$threads" -lt 1 ]; then usage; fi

export LC_ALL=C
work=${BENCH_WORK:-$here/out}
mkdir -p "$work" || exit 1
log=$work/postfix-$lines-s$seed.log
agent=${POSTFIX_STATS_AGENT:-$top/postfix-stats-agent}
[ -x "$agent" ] || { echo "no agent at $agent: build first (make)" >&2; exit 1; }
tmp=$(mktemp -d "$work/tmp.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

## ---- the log ---------------------------------------------------------------
if [ ! -s "$log" ] || [ "$here/make-log.awk" -nt "$log" ] || [ "$here/make-log.sh" -nt "$log" ]; then
	echo "building $log (about 40 s a 10 million lines) ..."
	"$here/make-log.sh" -n "$lines" -s "$seed" "$log" || exit 1
fi
total=$(wc -l < "$log")
bytes=$(wc -c < "$log")
cat "$log" > /dev/null			# into the page cache

## ---- timing ----------------------------------------------------------------
# timed NAME CMD... - run CMD once, append "wall user sys" to $tmp/NAME
timed() {
	local name=$1 t
	shift
	TIMEFORMAT='%3R %3U %3S'
	t=$( { time "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"; } 2>&1 )
	echo "$t" >> "$tmp/$name.times"
}

# median COLUMN FILE - the median of one column
median() {
	sort -n -k "$1" "$2" | awk -v c="$1" '{ v[NR] = $c }
		END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# best FILE - the shortest wall time
best() {
	sort -n -k 1 "$1" | awk 'NR == 1 { print $1 }'
}

echo "postfix-stats --once: one thread, $threads threads, and wc -l"
echo "log: $log"
printf 'lines: %d, bytes: %d\n' "$total" "$bytes"
echo "machine: $(nproc) processors available, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $runs of each, in turns"
for i in $(seq "$runs"); do
	timed wc wc -l "$log"
	timed one "$agent" -c /dev/null --once --threads 1 "$log"
	timed many "$agent" -c /dev/null --once --threads "$threads" "$log"
	if ! cmp -s "$tmp/one.out" "$tmp/many.out"; then
		echo "DIFFERENT OUTPUT: --threads 1 and --threads $threads disagree" >&2
		diff "$tmp/one.out" "$tmp/many.out" | head -20 >&2
		exit 1
	fi
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo

printf '%-28s %9s %9s %9s %9s %14s %9s\n' "" "median s" "best s" "user s" "sys s" "lines/s" "x wc -l"
wc_med=$(median 1 "$tmp/wc.times")
for name in wc one many; do
	case $name in
	wc) label="wc -l" ;;
	one) label="--once --threads 1" ;;
	many) label="--once --threads $threads" ;;
	esac
	med=$(median 1 "$tmp/$name.times")
	printf '%-28s %9s %9s %9s %9s %14s %9s\n' "$label" "$med" "$(best "$tmp/$name.times")" \
		"$(median 2 "$tmp/$name.times")" "$(median 3 "$tmp/$name.times")" \
		"$(awk -v n="$total" -v s="$med" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" \
		"$(awk -v a="$med" -v b="$wc_med" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
one_med=$(median 1 "$tmp/one.times")
many_med=$(median 1 "$tmp/many.times")
echo
awk -v a="$many_med" -v b="$one_med" -v t="$threads" 'BEGIN {
	printf "%d threads take %.2f of one thread'\''s wall time (%.2f times as fast)\n", t, a / b, b / a }'
echo "outputs of --threads 1 and --threads $threads: identical ($(wc -l < "$tmp/one.out") counters)"

## ---- instructions ----------------------------------------------------------
# instructions FILE THREADS - what callgrind counts for --once on FILE
instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
		"$agent" -c /dev/null --once --threads "$2" "$1" > /dev/null 2> "$tmp/cg.err"
	sed -n 's/.*Collected : *//p' "$tmp/cg.err"
}
if [ "$cg_lines" -gt 0 ] && command -v valgrind > /dev/null 2>&1; then
	head -n "$cg_lines" "$log" > "$tmp/head.log"
	: > "$tmp/empty.log"
	start=$(instructions "$tmp/empty.log" 1)
	startn=$(instructions "$tmp/empty.log" "$threads")
	ir=$(instructions "$tmp/head.log" 1)
	irn=$(instructions "$tmp/head.log" "$threads")
	echo
	echo "instructions (callgrind), start-up (an empty log) subtracted, first $cg_lines lines:"
	awk -v i="$ir" -v j="$irn" -v s="$start" -v sn="$startn" -v n="$cg_lines" -v t="$threads" 'BEGIN {
		printf "  --threads 1: %.0f a line (start-up %.1f M)\n", (i - s) / n, s / 1e6
		printf "  --threads %d: %.0f a line, all threads together: one thread'\''s work plus %.1f %% (start-up %.1f M)\n",
			t, (j - sn) / n, 100 * ((j - sn) - (i - s)) / (i - s), sn / 1e6 }'
fi

## ---- the state (issue 14, items 1 and 2) -----------------------------------
if [ -x "$here/state-bench.sh" ] || [ -f "$here/state-bench.sh" ]; then
	echo
	echo "---- bench/state-bench.sh"
	bash "$here/state-bench.sh" || echo "(bench/state-bench.sh exited $?)"
else
	echo
	echo "(no bench/state-bench.sh: the state figures are not part of this run)"
fi
exit 0
