#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# make-example.sh - draw doc/graphs-example.png: a simulated day, polled live
#
# SYNOPSIS
#	tests/pollers/make-example.sh [OUTPUT.png]
#
# DESCRIPTION
#	Makes the picture README.md shows. A private snmpd and the agent
#	(tests/snmp/lib.sh) follow a log that grows by one simulated minute
#	at a time for a whole day: about 700,000 lines from bench/make-log.sh
#	(real Postfix 3.7 line shapes with postscreen, amavis spam and virus
#	verdicts, rejects, deferrals and bounces), handed out with more
#	lines in the afternoon than at night. After each minute
#	postfix-stats-graph polls the agent with --time set to that minute.
#	The queue graphs come from a real private Postfix instance
#	(tests/e2e/postfix-instance.sh) that the agent watches with
#	postqueue -j: a message to a destination that answers 450 is sent to
#	it every simulated half hour, so its deferred queue grows during the
#	day (the queue ages are real seconds: the whole run takes minutes).
#	Then the graphs are drawn and headless Chromium takes a screenshot of
#	the host's page: OUTPUT.png (default doc/graphs-example.png).
#
#	Run as root (postfix start needs it) from a built tree, with
#	top_builddir set when the build directory is not the source tree.
#	Takes about five minutes on two cores. Not part of make check.
#
# DIAGNOSTICS
#	Exit status 0 when the picture was written.

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
out=${1:-$top_srcdir/doc/graphs-example.png}
case $out in /*) ;; *) out=$PWD/$out ;; esac

. "$top_srcdir/tests/snmp/lib.sh"
. "$top_srcdir/tests/e2e/postfix-instance.sh" || exit 1
fx_init
trap 'pfse2e_cleanup; fx_cleanup' EXIT
GRAPH=$top_builddir/postfix-stats-graph
fx_need rrdtool chromium "$GRAPH"
R=$fx_root
T0=1795392000 # 2026-11-23 00:00 UTC
lines=700000

echo "# generating $lines log lines"
sh "$top_srcdir/bench/make-log.sh" -n $lines -s 7 "$fx_dir/day.log" >/dev/null || exit 1
# Split them into 1440 minutes, weighted like a working day: quiet at
# night, a morning rise, most in the early afternoon.
mkdir -p "$fx_dir/min"
awk -v dir="$fx_dir/min" -v total="$(wc -l <"$fx_dir/day.log")" '
    function w(m,    h) { h = m / 60
        return 0.18 + 0.9 * exp(-((h - 14) / 3.5) ^ 2) + 0.45 * exp(-((h - 9.5) / 1.2) ^ 2) }
    BEGIN { for (m = 0; m < 1440; m++) { s += w(m) }
        for (m = 0; m < 1440; m++) { acc += w(m) / s * total; end[m] = int(acc + 0.5) }
        m = 0 }
    { while (m < 1439 && NR > end[m]) m++; print > (dir "/" m) }' "$fx_dir/day.log"

pfse2e_init "${TMPDIR:-/tmp}" || exit 1
pfse2e_start || exit 1
fx_agent_conf "queue_monitor yes
queue_refresh 1
postqueue /usr/sbin/postqueue
queue_config_directory $PFSE2E_CONF"
fx_start_snmpd || exit 1
fx_start_agent || exit 1
echo "# postfix instance, snmpd and agent up"

# Generous SNMP timeouts: this runs for minutes on a busy machine.
G="$GRAPH -q -t 5 -r 3 -d $fx_dir/rrd -w $fx_dir/www"
host=mx1=$fx_sock
read_lines=0
$G --time $T0 poll "$host" || exit 1
for m in $(seq 0 1439); do
    if [ $((m % 30)) = 15 ] && [ "$m" -lt 1380 ]; then
        printf 'Subject: example %s\n\nstill waiting\n' "$m" |
            pfse2e_sendmail -f sender@e2e.test "user$m@defer.test" >/dev/null 2>&1
    fi
    if [ -f "$fx_dir/min/$m" ]; then
        cat "$fx_dir/min/$m" >>"$fx_dir/mail.log"
        read_lines=$((read_lines + $(wc -l <"$fx_dir/min/$m")))
    fi
    fx_wait_get $R.1.8.2.0 $read_lines 60 || exit 1
    # Let the queue reader catch up with what was just sent.
    [ $((m % 30)) = 16 ] && sleep 1.2
    $G --time $((T0 + 60 * (m + 1))) poll "$host" || exit 1
    [ $((m % 120)) = 0 ] && echo "# minute $m: $read_lines lines"
done
$G --time $((T0 + 86400)) draw || exit 1
mkdir -p "$fx_dir/chrome"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$fx_dir/chrome" --hide-scrollbars --window-size=1240,800 \
    --screenshot="$fx_dir/page.png" "file://$fx_dir/www/mx1/index.html" >/dev/null 2>&1
if [ -s "$fx_dir/page.png" ]; then
    cp "$fx_dir/page.png" "$out" && echo "# wrote $out"
else
    echo "# no screenshot" >&2
    exit 1
fi
