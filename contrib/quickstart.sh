#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# quickstart.sh - build postfix-stats, start it, and show its counters over SNMP
#
# Usage (root, Debian 12): contrib/quickstart.sh [MAILLOG]
#
# Installs the packages it needs (apt's output goes to a log file, shown
# only when the installation fails), builds in _build/quickstart, starts a
# private snmpd (AgentX master on a socket in a temporary directory, SNMP
# on 127.0.0.1:$PFS_PORT, default 16161) unless the system snmpd is
# already an AgentX master, starts postfix-stats-agent on MAILLOG (the
# bundled sample of real Postfix lines if none is given) reading it from
# the start, and shows the snmpwalk of the postfix-stats subtree with the
# counter name beside each OID.
#
# On a terminal it keeps running (the counters follow the log) until
# Ctrl-C; otherwise it stops everything it started and exits. It prints
# its own progress and the counters, nothing else.
#
# PFS_AGENT=PATH runs that agent instead: nothing is installed or built.
#
# For a server, build and install the Debian package instead (README.md,
# "Install"): it sets up the system snmpd and a systemd unit.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
log=${1:-$top/tests/data/postfix-e2e.log}
port=${PFS_PORT:-16161}  # the first free one from here
community=${PFS_COMMUNITY:-public}

case $log in /*) ;; *) log=$PWD/$log ;; esac
if [ ! -r "$log" ]; then
    echo "quickstart: cannot read $log" >&2
    exit 1
fi

run=$(mktemp -d /tmp/pfs-quickstart.XXXXXX)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    done
    rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# quiet LOG CMD... - run CMD with its output in LOG; show LOG if it fails
quiet() {
    _log=$1
    shift
    if ! "$@" >"$_log" 2>&1; then
        echo "quickstart: failed: $*" >&2
        sed 's/^/  /' "$_log" >&2
        exit 1
    fi
}

if [ -n "${PFS_AGENT:-}" ]; then
    agent=$PFS_AGENT
else
    echo "== installing the packages it needs"
    quiet "$run/install.log" contrib/install-deps.sh build

    echo "== building"
    [ -x configure ] || quiet "$run/build.log" ./bootstrap
    if [ -f config.status ]; then
        # already configured in the source tree: build there
        bdir=$top
    else
        bdir=$top/_build/quickstart
        mkdir -p "$bdir"
        [ -f "$bdir/Makefile" ] || (cd "$bdir" && quiet "$run/build.log" ../../configure -q)
    fi
    quiet "$run/build.log" make -C "$bdir" -s -j2
    agent=$bdir/postfix-stats-agent
fi

# The system snmpd counts as configured for postfix-stats when it runs as
# an AgentX master and has the snippet (contrib/snmpd-postfix-stats.conf,
# which the package installs) that adds our subtree to Debian's view.
if [ -S "${PFS_AGENTX:-/var/agentx/master}" ] &&
    [ -f /etc/snmp/snmpd.conf.d/postfix-stats.conf ] &&
    snmpget -v2c -c "$community" -t 0.5 -r 0 udp:127.0.0.1:161 .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
    echo "== using the running system snmpd (AgentX master); community $community on 127.0.0.1:161"
    agentx=${PFS_AGENTX:-/var/agentx/master}
    peer=udp:127.0.0.1:161
else
    while ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
    echo "== starting a private snmpd on udp:127.0.0.1:$port"
    agentx=$run/agentx.sock
    peer=udp:127.0.0.1:$port
    mkdir -p "$run/persist"
    cat >"$run/snmpd.conf" <<CONF
agentaddress  udp:127.0.0.1:$port
master        agentx
agentXSocket  unix:$agentx
agentXPerms   0600 0700
rocommunity   $community 127.0.0.1
dontLogTCPWrappersConnects yes
[snmp] persistentDir $run/persist
CONF
    snmpd -f -Lf "$run/snmpd.log" -C -c "$run/snmpd.conf" -p "$run/snmpd.pid" -m '' -I -smux </dev/null &
    pids="$pids $!"
    for _ in $(seq 50); do
        snmpget -v2c -c "$community" -On -t 0.2 -r 0 "$peer" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
        sleep 0.1
    done
fi

echo "== starting postfix-stats-agent on $log"
cat >"$run/agent.conf" <<CONF
agentx_socket unix:$agentx
agentx_ping_interval 1
state_file $run/state.json
from_start yes
CONF
"$agent" -f -c "$run/agent.conf" "$log" 2>"$run/agent.log" &
pids="$pids $!"

"$agent" --oids "$log" >"$run/oids"
# the subtree: the longest common prefix of every OID the agent serves
root=$(awk '{ n = split($3, c, ".")
              if (NR == 1) { m = n; for (i = 1; i <= n; i++) p[i] = c[i] }
              else { for (i = 1; i <= m && i <= n && p[i] == c[i]; i++) ; m = i - 1 } }
            END { s = p[1]; for (i = 2; i <= m; i++) s = s "." p[i]; print s }' "$run/oids")
lines=$(grep -c '' "$log")
lines_oid=$(awk '$1 == "lines" { print $3 }' "$run/oids")
for _ in $(seq 100); do
    got=$(snmpget -v2c -c "$community" -Oqv -t 0.5 -r 0 "$peer" "$lines_oid" 2>/dev/null || true)
    [ "$got" = "$lines" ] && break
    sleep 0.1
done
# Mail from a loopback client may be a content filter's re-injected copy:
# the agent counts it once the log has been quiet for 10 s without a line
# that links it (doc/counters.md). Give it that long before the walk.
recv_oid=$(awk '$1 == "recv" { print $3 }' "$run/oids")
once_recv=$("$agent" --once "$log" | awk '$1 == "recv" { print $2 }')
for _ in $(seq 150); do
    got=$(snmpget -v2c -c "$community" -Oqv -t 0.5 -r 0 "$peer" "$recv_oid" 2>/dev/null || true)
    [ "$got" = "$once_recv" ] && break
    sleep 0.1
done

echo "== snmpwalk -v2c -c $community $peer (counter names from --oids)"
snmpwalk -v2c -c "$community" -On "$peer" "$root" |
    awk 'NR == FNR { name[$3] = $1; next }
         { oid = $1; n = (oid in name) ? name[oid] : ""; printf "%-40s %s\n", n, $0 }' "$run/oids" -

echo
echo "== the same numbers from the log directly: $agent --once $log"
"$agent" --once "$log" | grep -v ' 0$' | head -n 20

if [ -t 0 ]; then
    echo
    echo "Running. Append to $log and walk again:"
    echo "  snmpwalk -v2c -c $community $peer $root"
    echo "Ctrl-C stops the agent and the private snmpd."
    wait
fi
