#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# agentx-bench.sh - the agent behind snmpd: GET latency, whole-subtree walks,
#                   and snmpd "extend" (a program per value) for comparison
#
# SYNOPSIS
#	bench/agentx-bench.sh [-t TRANSPORTS] [-s SOURCES] [-n GETS]
#
# DESCRIPTION
#	In one run, under bench/out/agentx.PID (removed at the end):
#
#	1. A log with one delivery line per source: SOURCES hosts (default
#	   10000) logging as "postfix", spread over TRANSPORTS master.cf
#	   services (default 1000), so the agent serves that many rows of
#	   pfsSourceTable and pfsTransportTable.
#	2. A private snmpd on 127.0.0.1 at a free UDP port (the path a poller
#	   takes), AgentX on a unix socket, and one "extend" entry whose
#	   program prints the number of sent deliveries of the log (grep -c):
#	   the way of serving counters with a program per value.
#	3. The agent (max_sources/max_transports raised to fit) reading the
#	   log from its start.
#	4. GET latency, GETS (default 2000) synchronous requests from one
#	   client process (bench/agentx-get.c): snmpd's own sysUpTime.0,
#	   pfsSent.0 through AgentX, a pfsTransportTable and a pfsSourceTable
#	   cell; then the extend value: 3 cold GETs, each after its 5 s cache
#	   expired, so that snmpd runs the program (Debian's snmpd refuses
#	   to change nsExtendCacheTime or to create entries by SET), and
#	   GETS warm ones served from the cache.
#	5. snmpbulkwalk of the whole POSTFIX-STATS-MIB subtree with
#	   max-repetitions 10, 50 and 100 (best of 3 by wall time), and one
#	   snmpwalk (GETNEXT) for reference.
#
#	The agent is $POSTFIX_STATS_AGENT, else ./postfix-stats-agent of the
#	build tree (run make first); snmpd is $SNMPD, else the one on PATH
#	or in /usr/sbin.
#
#	Results go to standard output; bench/RESULTS-agentx.md records a run.
# DIAGNOSTICS
#	Exit status 1 when a tool is missing or a step fails.

here=$(cd "$(dirname "$0")" && pwd) || exit 1
top=$(cd "$here/.." && pwd) || exit 1
transports=1000
sources=10000
gets=2000
while getopts t:s:n: opt; do
    case $opt in
    t) transports=$OPTARG ;;
    s) sources=$OPTARG ;;
    n) gets=$OPTARG ;;
    *) echo "usage: $0 [-t TRANSPORTS] [-s SOURCES] [-n GETS]" >&2; exit 1 ;;
    esac
done
agent=${POSTFIX_STATS_AGENT:-$top/postfix-stats-agent}
snmpd=${SNMPD:-$(PATH=$PATH:/usr/sbin command -v snmpd)}
for t in "$agent" "$snmpd" snmpget snmpset snmpbulkwalk snmpwalk perl pkg-config; do
    case $t in
    /*) [ -x "$t" ] || { echo "$0: $t not found" >&2; exit 1; } ;;
    *) command -v "$t" >/dev/null || { echo "$0: $t not found" >&2; exit 1; } ;;
    esac
done

mkdir -p "$here/out"
dir=$here/out/agentx.$$
mkdir -p "$dir/persist" "$dir/client/cert_indexes"
pids=
cleanup() {
    for p in $pids; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
SNMP_PERSISTENT_DIR=$dir/client
MIBS=
export SNMP_PERSISTENT_DIR MIBS
R=.1.3.6.1.4.1.8072.9999.9999.25

# sidx STRING - an OCTET STRING index: .LEN.C1.C2...
sidx() {
    printf '.%d' "${#1}"
    printf '%s' "$1" | od -An -v -tu1 | tr -s ' \n' '  ' |
        sed 's/^ *//; s/ *$//; s/ /./g; s/^/./'
}

# now - seconds, with fractions
now() {
    date +%s.%N
}

${CC:-cc} -O2 -Wall -o "$dir/agentx-get" "$here/agentx-get.c" \
    $(pkg-config --cflags --libs netsnmp) || exit 1

awk -v n="$sources" -v t="$transports" 'BEGIN {
    for (i = 0; i < n; i++)
        printf "Nov 22 04:00:00 h%05d postfix/t%03d/smtp[100]: 4A%06X: to=<u%d@example.org>, relay=mx.example.org[198.51.100.1]:25, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n", i, i % t, i, i
}' >"$dir/mail.log"

port=$(perl -MIO::Socket::INET -e \
    'my $s = IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1:0") or die; print $s->sockport')
peer=udp:127.0.0.1:$port
cat >"$dir/sent.sh" <<EOF
#!/bin/sh
grep -c 'status=sent' '$dir/mail.log'
EOF
chmod +x "$dir/sent.sh"
cat >"$dir/snmpd.conf" <<EOF
agentaddress  $peer
master        agentx
agentXSocket  unix:$dir/agentx.sock
agentXTimeout 1
agentXRetries 1
rocommunity   public 127.0.0.1
extend        pfs-sent $dir/sent.sh
dontLogTCPWrappersConnects yes
[snmp] persistentDir $dir/persist
EOF
"$snmpd" -f -Lf "$dir/snmpd.log" -C -c "$dir/snmpd.conf" -p "$dir/snmpd.pid" -m '' -I -smux \
    </dev/null >/dev/null 2>&1 &
pids="$pids $!"
cat >"$dir/agent.conf" <<EOF
logfile              $dir/mail.log
agentx_socket        unix:$dir/agentx.sock
agentx_ping_interval 1
max_transports       $((transports + 1))
max_sources          $((sources + 1))
from_start           yes
state_file           $dir/state.json
EOF
t0=$(now)
"$agent" -f -c "$dir/agent.conf" >"$dir/agent.log" 2>&1 </dev/null &
apid=$!
pids="$apid $pids"
i=0
until [ "$(snmpget -v2c -c public -Oqv "$peer" $R.1.8.2.0 2>/dev/null)" = "$sources" ]; do
    i=$((i + 1))
    if [ $i -gt 600 ]; then
        echo "$0: the agent did not read $sources lines" >&2
        cat "$dir/agent.log" >&2
        exit 1
    fi
    sleep 0.1
done
echo "setup: $sources lines read and served $(echo "$t0 $(now)" | awk '{ printf "%.2f", $2 - $1 }') s after start"
echo "agent RSS: $(awk '/^VmRSS/ { print $2, $3 }' /proc/$apid/status)"
echo "rows: transports $(snmpwalk -v2c -c public -Oqv "$peer" $R.1.3.1.2 | wc -l)," \
    "sources $(snmpbulkwalk -v2c -c public -Cr100 -Oqv "$peer" $R.1.7.1.3 | wc -l)"

echo
echo "== GET latency, $gets requests each, one client, microseconds"
"$dir/agentx-get" "$peer" public "$gets" .1.3.6.1.2.1.1.3.0 $R.1.1.6.0 \
    $R.1.3.1.3$(sidx t000) $R.1.7.1.4$(sidx h00000)$(sidx postfix) || exit 1

ext=.1.3.6.1.4.1.8072.1.3.2.3.1.1$(sidx pfs-sent)
echo "== snmpd extend (nsExtendOutput1Line.\"pfs-sent\": $dir/sent.sh, grep -c over the log)"
echo "   cold: the first GET after the 5 s cache expired runs the program:"
for k in 1 2 3; do
    sleep 5.2
    "$dir/agentx-get" "$peer" public 1 "$ext" | sed 's/^/   /' || exit 1
done
echo "   warm: GETs within the cache time, answered from snmpd's copy:"
"$dir/agentx-get" "$peer" public "$gets" "$ext" | sed 's/^/   /' || exit 1
echo
echo "== whole subtree $R"
for r in 10 50 100; do
    best=
    for k in 1 2 3; do
        t0=$(now)
        snmpbulkwalk -v2c -c public -On -Cr$r "$peer" $R >"$dir/walk" || exit 1
        t=$(echo "$t0 $(now)" | awk '{ printf "%.3f", $2 - $1 }')
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$t
        fi
    done
    n=$(wc -l <"$dir/walk")
    echo "snmpbulkwalk -Cr$r: $n varbinds in $best s ($(echo "$n $best" |
        awk '{ printf "%.0f", $1 / $2 }') varbinds/s, best of 3)"
done
t0=$(now)
snmpwalk -v2c -c public -On "$peer" $R >"$dir/walk" || exit 1
t=$(echo "$t0 $(now)" | awk '{ printf "%.3f", $2 - $1 }')
echo "snmpwalk (GETNEXT): $(wc -l <"$dir/walk") varbinds in $t s"
echo "agent CPU (user+sys, whole run): $(awk '{ printf "%.2f s", ($14 + $15) / 100 }' /proc/$apid/stat)"
echo "agent RSS at the end: $(awk '/^VmRSS/ { print $2, $3 }' /proc/$apid/status)"
