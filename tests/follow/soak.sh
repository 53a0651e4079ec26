#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# soak.sh - rotation, agent kills and snmpd restarts under load; exact counts
#
# SYNOPSIS
#	tests/follow/soak.sh
#
# DESCRIPTION
#	A private snmpd and postfix-stats-agent (tests/snmp/lib.sh; state
#	saved every second). A writer (bench/follow-driver.c "write")
#	appends real-shaped Postfix lines (bench/make-log.sh) at SOAK_RATE
#	(20,000) lines/s for SOAK_SECONDS (70) s, one write(2) per line in
#	10 ms bursts, and rotates the log every SOAK_ROTATE (3) s,
#	alternately by rename (with 100 late lines into the renamed file)
#	and by copytruncate. Meanwhile the agent is killed with SIGKILL and
#	restarted 5 times (rotations happen while it is down) and snmpd is
#	stopped and restarted 5 times.
#
#	At the end every counter that --once prints for all the files
#	written (rotated ones in order, then the log) is read over SNMP
#	and must be equal. Prints the figures and a TAP result.
#
#	Not part of "make check" (it runs for about 100 s):
#	run it after "make", as root or not.
#
# DIAGNOSTICS
#	Exit status 0 when nothing differs, 1 otherwise; 77 (skip) when
#	snmpd or the Net-SNMP clients are missing.

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
rate=${SOAK_RATE:-20000}
seconds=${SOAK_SECONDS:-70}
rotate=${SOAK_ROTATE:-3}
export top_srcdir top_builddir

# shellcheck source=../snmp/lib.sh
. "$top_srcdir/tests/snmp/lib.sh"
command -v "$SNMPD" >/dev/null 2>&1 && command -v snmpget >/dev/null 2>&1 || {
	echo "1..0 # SKIP snmpd or snmpget not found"
	exit 77
}
fx_init
echo "1..1"

${CC:-cc} -O2 -Wall -Wextra -Werror -I"$top_builddir" -I"$top_srcdir/parser" \
	-I"$top_srcdir/input" -I"$top_srcdir/alerts" -I"$top_srcdir/agent" "$top_srcdir/bench/follow-driver.c" \
	"$top_builddir/libpfsagent.a" "$top_builddir/libpfsalerts.a" \
	"$top_builddir/libpfsinput.a" "$top_builddir/libpfsparser.a" \
	$(pkg-config --libs jansson yajl libpcre2-8) -o "$fx_dir/follow-driver" || exit 1
"$top_srcdir/bench/make-log.sh" -n 300000 "$fx_dir/source.log" >/dev/null || exit 1
log=$fx_dir/mail.log

fx_start_snmpd || exit 1
fx_agent_conf
fx_start_agent || { sed 's/^/# /' "$fx_dir/agent.log"; exit 1; }

"$fx_dir/follow-driver" write --from "$fx_dir/source.log" --to "$log" \
	--rate "$rate" --burst $((rate / 100)) --seconds "$seconds" \
	--rotate "$rotate" > "$fx_dir/writer.out" &
writer=$!
fx_pids="$writer $fx_pids"

# Agent kills at 5, 17, 29, 41, 53 s; snmpd restarts at 11, 23, 35, 47, 59 s.
kills=0
snmpd_restarts=0
t=0
while [ $t -lt 60 ] && [ $t -lt "$seconds" ]; do
	sleep 1
	t=$((t + 1))
	case $(( (t - 5) % 12 )) in
	0)
		kill -KILL "$fx_agent_pid"
		wait "$fx_agent_pid" 2>/dev/null
		sleep 2				# a rotation may happen meanwhile
		fx_start_agent >/dev/null || echo "# agent restart $kills: slow to serve"
		kills=$((kills + 1))
		t=$((t + 2))
		;;
	6)
		fx_stop_snmpd
		sleep 1
		fx_start_snmpd >/dev/null || echo "# snmpd restart failed"
		snmpd_restarts=$((snmpd_restarts + 1))
		t=$((t + 1))
		;;
	esac
done
wait "$writer"
written=$(sed 's/ .*//' "$fx_dir/writer.out")
rotations=$(sed 's/.*, \([0-9]*\) rotations/\1/' "$fx_dir/writer.out")

# The reference: every file written, in order.
files=$(ls "$log".[0-9][0-9][0-9][0-9] 2>/dev/null | sort)
[ -f "$log" ] && files="$files $log"
# shellcheck disable=SC2086
"$POSTFIX_STATS_AGENT" --once $files > "$fx_dir/once.out" || exit 1
# shellcheck disable=SC2086
"$POSTFIX_STATS_AGENT" --oids $files > "$fx_dir/oids.out" || exit 1
want_lines=$(awk '$1 == "lines" { print $2 }' "$fx_dir/once.out")
lines_oid=$(awk '$1 == "lines" { print $3 }' "$fx_dir/oids.out")
fx_wait_get "$lines_oid" "$want_lines" 60 || true
# Receipts from 127.0.0.1 (amavis' re-injections) that still wait for a
# content-filter link are counted once the log has been quiet for 10 s,
# as --once counts them at the end of its input.
recv_oid=$(awk '$1 == "recv" { print $3 }' "$fx_dir/oids.out")
fx_wait_get "$recv_oid" "$(awk '$1 == "recv" { print $2 }' "$fx_dir/once.out")" 60 || true

# Every counter over SNMP, 50 OIDs per request.
awk 'NR == FNR { oid[$1] = $3; next } ($1 in oid) { print $1, oid[$1], $2 }' \
	"$fx_dir/oids.out" "$fx_dir/once.out" > "$fx_dir/compare.in"
: > "$fx_dir/snmp.out"
awk '{ print $2 }' "$fx_dir/compare.in" | xargs -n 50 \
	snmpget -v2c -c public -Oqv -Ot "$fx_sock" >> "$fx_dir/snmp.out" 2>&1
paste -d ' ' "$fx_dir/compare.in" "$fx_dir/snmp.out" > "$fx_dir/compare.out"
compared=$(wc -l < "$fx_dir/compare.out")
mismatches=$(awk '$3 != $4' "$fx_dir/compare.out" | wc -l)
awk '$3 != $4 { print "# " $1 ": --once " $3 ", SNMP " $4 }' "$fx_dir/compare.out" | head -20

echo "# lines written $written, rotations $rotations (rename and copytruncate alternately),"
echo "# agent killed -9 and restarted $kills times, snmpd restarted $snmpd_restarts times,"
echo "# lines over SNMP $(fx_get "$lines_oid"), --once $want_lines,"
echo "# counters compared $compared, mismatches $mismatches"
if [ "$mismatches" -eq 0 ] && [ "$compared" -gt 50 ] && [ "$want_lines" -eq "$written" ] \
	&& [ "$kills" -eq 5 ] && [ "$snmpd_restarts" -eq 5 ]; then
	echo "ok 1 - soak: counters over SNMP equal --once over everything written"
	exit 0
fi
echo "not ok 1 - soak: counters over SNMP differ from --once"
FX_KEEP=1
exit 1
