#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - lines per second of postfix-stats and of other log counters
#
# SYNOPSIS
#	bench/run.sh [-n LINES] [-s SEED] [-r RUNS] [-R RUNS] [-t SECONDS]
#
# DESCRIPTION
#	Builds (or reuses) a mail log of LINES lines (default 1000000) with
#	make-log.sh under bench/out/, then measures how fast each tool
#	reads it from start to end, on this machine, in this order:
#
#	postfix-stats-agent --once LOG
#		best of RUNS (-r, default 3) by wall time. The agent is
#		$POSTFIX_STATS_AGENT, else ./postfix-stats-agent of the
#		build tree (run make first). It gets "-c /dev/null" so that
#		an installed configuration file cannot change what it counts.
#
#	prometheus-postfix-exporter (Debian's, postfix_exporter 0.3)
#		It only tails its log from the end, so it is started on an
#		empty file on 127.0.0.1 at a free port; the log is then
#		appended at once, and the time is taken until /metrics shows
#		all of the log's "removed" lines counted
#		(postfix_qmgr_messages_removed_total). User CPU is read from
#		/proc. The showq socket path points into a temp directory:
#		no Postfix is queried.
#
#	mtail --one_shot (Debian's mtail)
#		twice: with the postfix.mtail example that Debian ships in
#		/usr/share/doc/mtail/examples, and with bench/postfix-counts.mtail,
#		a minimal program that counts what the example lacks
#		(delivery status lines). Its HTTP listener is put on
#		127.0.0.1 at a port the kernel picks.
#
#	mailgraph --cat (Debian's mailgraph)
#		reads the file once from the start; its RRD files go to a
#		temp directory. -y is set to last year: the log has no year
#		and mailgraph drops lines more than a day in the future.
#
#	The other tools run RUNS times (-R, default 1), best kept. A tool
#	that is not installed is reported as "not installed"; this script
#	installs nothing. Each tool gets at most SECONDS (-t, default 600).
#
#	After the speeds, a table compares what each tool counted with
#	what make-log.sh generated (LOG.counts): a fast tool that counts
#	wrong is no win. "-" means the tool has no such counter.
#
#	Timing never makes the script fail: it prints figures and exits 0
#	unless the log cannot be built.
#
# SECURITY
#	Everything listens on 127.0.0.1 only; temp files live under
#	bench/out/ and are removed at exit; only processes started here
#	are stopped, by PID.

here=$(cd "$(dirname "$0")" && pwd) || exit 1
top=$(cd "$here/.." && pwd) || exit 1
lines=1000000
seed=1
runs=3
oruns=1
limit=600

usage() {
	echo "usage: $0 [-n LINES] [-s SEED] [-r RUNS] [-R RUNS] [-t SECONDS]" >&2
	exit 1
}

while getopts n:s:r:R:t: opt; do
	case $opt in
	n) lines=$OPTARG ;;
	s) seed=$OPTARG ;;
	r) runs=$OPTARG ;;
	R) oruns=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case $lines$seed$runs$oruns$limit in
*[!0-9]*) usage ;;
esac
if [ "$runs" -lt 1 ] || [ "$oruns" -lt 1 ]; then usage; fi

export LC_ALL=C
work=${BENCH_WORK:-$here/out}
mkdir -p "$work" || exit 1
log=$work/postfix-$lines-s$seed.log
agent=${POSTFIX_STATS_AGENT:-$top/postfix-stats-agent}

tmp=$(mktemp -d "$work/tmp.XXXXXX") || exit 1
exporter_pid=
cleanup() {
	if [ -n "$exporter_pid" ]; then
		kill "$exporter_pid" 2>/dev/null
		wait "$exporter_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

## ---- the log ---------------------------------------------------------------
if [ ! -s "$log" ] || [ ! -s "$log.counts" ] \
	|| [ "$here/make-log.awk" -nt "$log" ] || [ "$here/make-log.sh" -nt "$log" ]; then
	echo "building $log ..."
	"$here/make-log.sh" -n "$lines" -s "$seed" "$log" || exit 1
fi
total=$(wc -l < "$log")
bytes=$(wc -c < "$log")
removed=$(awk '$1 == "qmgr:removed" { print $2 }' "$log.counts")
cat "$log" > /dev/null			# into the page cache for everyone

## ---- helpers ---------------------------------------------------------------
# rate LINES SECONDS - lines per second, as an integer
rate() {
	awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'
}

# row NAME RUNS WALL USER [NOTE] - one line of the speed table
row() {
	local r=-
	[ "$3" != - ] && r=$(rate "$total" "$3")
	printf '%-52s %4s %9s %9s %10s  %s\n' "$1" "$2" "$3" "$4" "$r" "$5"
}

# timed OUT CMD... - run CMD with a time limit; sets WALL and USER (seconds)
timed() {
	local out=$1 t rc
	shift
	TIMEFORMAT='%3R %3U'
	t=$( { time timeout "$limit" "$@" > "$out" 2> "$out.err"; } 2>&1 )
	rc=$?
	WALL=${t% *}
	USER=${t#* }
	return $rc
}

# best BESTWALL BESTUSER - keep the faster of the previous best and WALL/USER
best() {
	if [ "$BWALL" = - ] || awk -v a="$WALL" -v b="$BWALL" 'BEGIN { exit !(a < b) }'; then
		BWALL=$WALL
		BUSER=$USER
	fi
}

# pkgver PACKAGE - Debian version of an installed package
pkgver() {
	dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"
}

# prom_sum FILE REGEX - sum of the samples whose name matches REGEX
prom_sum() {
	awk -v re="$2" '!/^#/ { n = $1; sub(/\{.*/, "", n); if (n ~ re) s += $NF; f = 1 }
		END { if (f) printf "%.0f", s; else print "-" }' "$1"
}

# prom_sum_label FILE NAME LABEL=VALUE... - sum of NAME samples with those labels
prom_sum_label() {
	local f=$1 name=$2
	shift 2
	awk -v name="$name" -v want="$*" '
		!/^#/ {
			n = $1; sub(/\{.*/, "", n)
			if (n != name) next
			k = split(want, w, " ")
			for (i = 1; i <= k; i++) {
				split(w[i], kv, "=")
				if (index($0, kv[1] "=\"" kv[2] "\"") == 0) next
			}
			s += $NF; f = 1
		}
		END { if (f) printf "%.0f", s; else print 0 }' "$f"
}

# truth NAME... - sum of generated counts
truth() {
	awk -v want=" $* " 'index(want, " " $1 " ") { s += $2 } END { printf "%.0f", s }' "$log.counts"
}

# pfs NAME - a counter of postfix-stats --once
pfs() {
	awk -v n="$1" '$1 == n { v = $2 } END { print (v == "" ? "-" : v) }' "$tmp/pfs.out"
}

# sub A B - A minus B, "-" if either is missing
sub() {
	case "$1$2" in *-*) echo - ;; *) echo $(($1 - $2)) ;; esac
}

# free_port - a TCP port on 127.0.0.1 that nothing listens on
free_port() {
	local p
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + (RANDOM % 20000)))
		if command -v ss > /dev/null; then
			ss -ltnH "sport = :$p" 2>/dev/null | grep -q . && continue
		fi
		(exec 3<> "/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		echo "$p"
		return 0
	done
	return 1
}

## ---- header ----------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
echo "postfix-stats bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "log: $log"
echo "     $total lines, $bytes bytes (seed $seed)"
echo
printf '%-52s %4s %9s %9s %10s\n' "tool" "runs" "wall s" "user s" "lines/s"

## ---- postfix-stats-agent --once --------------------------------------------
if [ -x "$agent" ]; then
	name="postfix-stats-agent $("$agent" --version 2>/dev/null | awk '{ print $NF }') --once"
	BWALL=- BUSER=- ok=1
	for _ in $(seq "$runs"); do
		if timed "$tmp/pfs.out" "$agent" --once -c /dev/null "$log"; then
			best
		else
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		row "$name" "$runs" "$BWALL" "$BUSER"
		# Wall time on a shared machine varies; instructions do not.
		if command -v perf > /dev/null \
			&& perf stat -x, -e instructions:u -o "$tmp/perf.csv" \
				"$agent" --once -c /dev/null "$log" > /dev/null 2>&1; then
			ins=$(awk -F, '$3 ~ /^instructions/ { print $1 }' "$tmp/perf.csv")
			case $ins in
			'' | *[!0-9]*) ;;
			*) printf '%-52s %s\n' "" "($((ins / total)) user-space instructions a line, perf stat)" ;;
			esac
		fi
	else
		row "$name" "$runs" - - "failed: $(head -c 200 "$tmp/pfs.out.err")"
		: > "$tmp/pfs.out"
	fi
else
	row "postfix-stats-agent --once" - - - "not built ($agent): run make"
	: > "$tmp/pfs.out"
fi

## ---- prometheus-postfix-exporter -------------------------------------------
# exporter_once - one timed run; sets WALL, USER and EXPORTER_DONE
exporter_once() {
	local port url in t0 t1 u0 u1 tck n
	in=$tmp/exporter/mail.log
	mkdir -p "$tmp/exporter" && : > "$in"
	EXPORTER_DONE=0
	for _ in 1 2 3; do
		port=$(free_port) || return 1
		url=http://127.0.0.1:$port/metrics
		prometheus-postfix-exporter --web.listen-address="127.0.0.1:$port" \
			--postfix.logfile_path="$in" \
			--postfix.showq_path="$tmp/exporter/showq" \
			> "$tmp/exporter.err" 2>&1 &
		exporter_pid=$!
		for n in $(seq 100); do
			curl -sf -o /dev/null "$url" && break
			kill -0 "$exporter_pid" 2>/dev/null || break
			sleep 0.1
		done
		curl -sf -o /dev/null "$url" && break
		kill "$exporter_pid" 2>/dev/null
		wait "$exporter_pid" 2>/dev/null
		exporter_pid=
	done
	[ -n "$exporter_pid" ] || return 1
	tck=$(getconf CLK_TCK)
	u0=$(awk '{ print $14 + $15 }' "/proc/$exporter_pid/stat")
	t0=$(date +%s.%N)
	cat "$log" >> "$in"
	while :; do
		curl -sf "$url" > "$tmp/exporter.prom" 2>/dev/null
		n=$(prom_sum "$tmp/exporter.prom" '^postfix_qmgr_messages_removed_total$')
		[ "$n" = "$removed" ] && { EXPORTER_DONE=1; break; }
		t1=$(date +%s.%N)
		awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN { exit !(b - a > l) }' && break
		kill -0 "$exporter_pid" 2>/dev/null || break
		sleep 0.1
	done
	t1=$(date +%s.%N)
	u1=$(awk '{ print $14 + $15 }' "/proc/$exporter_pid/stat" 2>/dev/null)
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	USER=$(awk -v a="$u0" -v b="${u1:-$u0}" -v t="$tck" 'BEGIN { printf "%.3f", (b - a) / t }')
	kill "$exporter_pid" 2>/dev/null
	wait "$exporter_pid" 2>/dev/null
	exporter_pid=
	rm -f "$in"
	return 0
}

name="prometheus-postfix-exporter $(pkgver prometheus-postfix-exporter)"
: > "$tmp/exporter.final"
if ! command -v prometheus-postfix-exporter > /dev/null; then
	row "prometheus-postfix-exporter" - - - "not installed"
elif ! command -v curl > /dev/null; then
	row "$name" - - - "curl not installed"
else
	BWALL=- BUSER=- note=
	for _ in $(seq "$oruns"); do
		if ! exporter_once; then
			note="could not start: $(head -c 200 "$tmp/exporter.err")"
		elif [ "$EXPORTER_DONE" = 1 ]; then
			best
			cp "$tmp/exporter.prom" "$tmp/exporter.final"
		else
			note="stopped after $WALL s: $(prom_sum "$tmp/exporter.prom" '^postfix_qmgr_messages_removed_total$') of $removed removed lines seen"
			cp "$tmp/exporter.prom" "$tmp/exporter.final"
		fi
	done
	row "$name" "$oruns" "$BWALL" "$BUSER" "$note"
fi

## ---- mtail --one_shot ------------------------------------------------------
# mtail_runs LABEL PROGRAM OUT - best of oruns with one program
mtail_runs() {
	local label=$1 prog=$2 out=$3 ok=0
	mkdir -p "$tmp/mtail-$out" && cp "$prog" "$tmp/mtail-$out/" || return
	BWALL=- BUSER=-
	for _ in $(seq "$oruns"); do
		if timed "$tmp/$out.prom" mtail --one_shot --one_shot_format prometheus \
			--progs "$tmp/mtail-$out" --logs "$log" --logtostderr \
			--address 127.0.0.1 --port 0; then
			best
			ok=1
			cp "$tmp/$out.prom" "$tmp/$out.final"
		fi
	done
	if [ $ok = 1 ]; then
		row "$label" "$oruns" "$BWALL" "$BUSER"
	else
		row "$label" "$oruns" - - "failed: $(grep -m1 -E '^[EF][0-9]' "$tmp/$out.prom.err" | head -c 200)"
	fi
}

: > "$tmp/mtail-example.final"
: > "$tmp/mtail-counts.final"
if ! command -v mtail > /dev/null; then
	row "mtail" - - - "not installed"
else
	v=$(pkgver mtail)
	example=
	for f in /usr/share/doc/mtail/examples/postfix.mtail /usr/share/mtail/examples/postfix.mtail; do
		[ -r "$f" ] && { example=$f; break; }
		[ -r "$f.gz" ] && { gzip -dc "$f.gz" > "$tmp/postfix.mtail"; example=$tmp/postfix.mtail; break; }
	done
	if [ -n "$example" ]; then
		mtail_runs "mtail $v (Debian's postfix.mtail)" "$example" mtail-example
	else
		row "mtail $v (Debian's postfix.mtail)" - - - "example program not found"
	fi
	mtail_runs "mtail $v (bench/postfix-counts.mtail)" "$here/postfix-counts.mtail" mtail-counts
fi

## ---- mailgraph --cat -------------------------------------------------------
: > "$tmp/mailgraph.final"
if ! command -v mailgraph > /dev/null; then
	row "mailgraph" - - - "not installed"
else
	name="mailgraph $(pkgver mailgraph) --cat"
	BWALL=- BUSER=- ok=0
	year=$(($(date +%Y) - 1))
	for _ in $(seq "$oruns"); do
		rm -rf "$tmp/rrd" && mkdir -p "$tmp/rrd"
		if timed "$tmp/mailgraph.out" mailgraph --cat -l "$log" -y "$year" \
			--daemon-rrd="$tmp/rrd" -v; then
			best
			ok=1
			cp "$tmp/mailgraph.out" "$tmp/mailgraph.final"
		fi
	done
	if [ $ok = 1 ]; then
		row "$name" "$oruns" "$BWALL" "$BUSER"
	else
		row "$name" "$oruns" - - "failed: $(head -c 200 "$tmp/mailgraph.out.err")"
	fi
fi

## ---- what each tool counted ------------------------------------------------
# mailgraph prints each minute's sums as it closes it (-v):
# "update TIME:sent:received:bounced:rejected:virus:spam:greylisted:delayed".
# It never closes the last minute, so it misses the log's last minute.
mg() {
	awk -v c="$1" '$1 == "update" && $NF != "(SKIP)" { split($2, a, ":"); s += a[c]; f = 1 }
		END { if (f) print s; else print "-" }' "$tmp/mailgraph.final"
}

E=$tmp/exporter.final
M=$tmp/mtail-example.final
K=$tmp/mtail-counts.final
have() { [ -s "$1" ]; }
val() { if have "$1"; then shift; "$@"; else echo -; fi; }

# Raw lines: what the other tools count. The generator's recv:smtp and
# sent:smtp count each mail once (the trip through amavis is hop:*), as
# postfix-stats does; the lines they leave out are added back for the
# line-counting tools.
t_recv=$(truth smtpd:client)
t_recv_once=$(truth recv:smtp)
t_sent=$(truth status:sent)
t_sent_smtp=$(truth sent:smtp sent:amavis-hop)
t_sent_smtp_once=$(truth sent:smtp)
t_hops=$(truth hop:linked hop:kept)
t_smtp_all=$(truth sent:smtp sent:amavis-hop deferred:smtp bounced:smtp)
t_deferred=$(truth status:deferred)
t_bounced=$(truth status:bounced)
t_rej_smtpd=$(truth reject:smtpd)
t_rej_all=$(truth reject:smtpd reject:postscreen)

echo
echo "what each tool counted (truth: what make-log.sh generated; - : no such counter)"
printf '%-34s %9s %9s %9s %9s %9s %9s\n' "" truth postfix-s exporter "mtail ex" "mtail bn" mailgraph
cmp_row() {
	printf '%-34s %9s %9s %9s %9s %9s %9s\n' "$@"
}
pfs_recv_lines=$(pfs recv:smtp)
case "$pfs_recv_lines" in -) ;; *) pfs_recv_lines=$((pfs_recv_lines + $(pfs hop:reinjected))) ;; esac
pfs_sent_lines=$(pfs sent)
case "$pfs_sent_lines" in -) ;; *) pfs_sent_lines=$((pfs_sent_lines + $(pfs hop:linked) + $(pfs hop:kept))) ;; esac
pfs_smtp_lines=$(pfs sent:smtp)
case "$pfs_smtp_lines" in -) ;; *) pfs_smtp_lines=$((pfs_smtp_lines + $(pfs hop:linked) + $(pfs hop:kept))) ;; esac
cmp_row "received, each mail once" "$t_recv_once" "$(pfs recv:smtp)" - - - -
cmp_row "sent by smtp (hops apart)" "$t_sent_smtp_once" "$(pfs sent:smtp)" - - - -
cmp_row "hops into amavis (linked+kept)" "$t_hops" "$(sub "$pfs_smtp_lines" "$(pfs sent:smtp)")" - - - -
cmp_row "received by smtpd (client=)" "$t_recv" "$pfs_recv_lines" \
	"$(val "$E" prom_sum "$E" '^postfix_smtpd_messages_processed_total$')" \
	"$(val "$M" prom_sum "$M" '^postfix_smtpd_messages_processed_total$')" \
	"$(val "$K" prom_sum "$K" '^postfix_received_total$')" \
	"$(val "$tmp/mailgraph.final" mg 3)"
cmp_row "status=sent, all transports" "$t_sent" "$pfs_sent_lines" - - \
	"$(val "$K" prom_sum_label "$K" postfix_delivery_status_total status=sent)" -
cmp_row "status=sent by smtp" "$t_sent_smtp" "$pfs_smtp_lines" - - \
	"$(val "$K" prom_sum_label "$K" postfix_delivery_status_total status=sent transport=smtp)" \
	"$(val "$tmp/mailgraph.final" mg 2)"
pfs_smtp_all=$pfs_smtp_lines
case "$pfs_smtp_all" in -) ;; *) pfs_smtp_all=$((pfs_smtp_all + $(pfs deferred:smtp) + $(pfs bounced:smtp))) ;; esac
e_smtp_all=$(val "$E" prom_sum "$E" '^postfix_smtp_delivery_delay_seconds_count$')
m_smtp_all=$(val "$M" prom_sum "$M" '^postfix_smtp_delivery_delay_seconds_count$')
[ "$e_smtp_all" != - ] && e_smtp_all=$((e_smtp_all / 4))	# one sample per stage
[ "$m_smtp_all" != - ] && m_smtp_all=$((m_smtp_all / 4))
cmp_row "smtp status lines (any status)" "$t_smtp_all" "$pfs_smtp_all" "$e_smtp_all" "$m_smtp_all" \
	"$(val "$K" prom_sum_label "$K" postfix_delivery_status_total transport=smtp)" -
cmp_row "status=deferred" "$t_deferred" "$(pfs deferred)" \
	"$(val "$E" prom_sum "$E" '^postfix_smtp_status_deferred$')" - \
	"$(val "$K" prom_sum_label "$K" postfix_delivery_status_total status=deferred)" -
cmp_row "status=bounced" "$t_bounced" "$(pfs bounced)" - - \
	"$(val "$K" prom_sum_label "$K" postfix_delivery_status_total status=bounced)" \
	"$(val "$tmp/mailgraph.final" mg 4)"
cmp_row "rejects by smtpd (NOQUEUE)" "$t_rej_smtpd" "$(sub "$(pfs reject)" "$(pfs postscreen:reject)")" \
	"$(val "$E" prom_sum "$E" '^postfix_smtpd_messages_rejected_total$')" \
	"$(val "$M" prom_sum "$M" '^postfix_smtpd_messages_rejected_total$')" \
	"$(val "$K" prom_sum "$K" '^postfix_smtpd_reject_total$')" -
cmp_row "rejects by smtpd and postscreen" "$t_rej_all" "$(pfs reject)" - - - \
	"$(val "$tmp/mailgraph.final" mg 5)"
echo
echo "notes: the exporter and the mtail example count smtp delivery lines through"
echo "their delay histograms (shown divided by 4 stages); mailgraph counts sent for"
echo "smtp only and loses the log's last minute; the exporter and mailgraph do not"
echo "read postfix/submission/smtpd lines as smtpd."
exit 0
