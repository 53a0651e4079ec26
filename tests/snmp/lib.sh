# SPDX-License-Identifier: BSD-2-Clause
# tests/snmp/lib.sh - private snmpd and agent for the SNMP integration tests
#
# Sourced by tests/snmp/*.test. Every test gets its own directory under
# tests/ (tests/tmp.XXXXXX, removed at exit unless FX_KEEP=1), its own
# snmpd listening on a unix socket (SNMP and AgentX: no ports, so
# parallel "make -j check" runs cannot collide), and its own agent.
# Processes are stopped by the PIDs recorded here, never by name.
#
# Functions:
#   fx_init                  temp dir, tool lookup, TAP counter
#   fx_need TOOL...          "1..0 # SKIP" and exit when a tool is absent
#   fx_base_mibs             SNMPv2-SMI/TC/CONF (npm package net-snmp) and
#                            NET-SNMP-MIB into $fx_mibs; skips if impossible
#   fx_start_snmpd [UDPPORT] private snmpd (and udp:127.0.0.1:PORT);
#                            FX_SNMPD_EXTRA: more lines for its snmpd.conf
#   fx_stop_snmpd [KILL]     stop it (SIGTERM, or SIGKILL)
#   fx_start_trapd           private snmptrapd on unix:$fx_dir/trapd.sock,
#                            logging to $fx_dir/traps.log; for snmpd use
#                            FX_SNMPD_EXTRA="trap2sink unix:$fx_dir/trapd.sock public"
#   fx_traps SUFFIX          notifications $fx_root.0.SUFFIX received so far
#   fx_wait_traps SUFFIX N [SECONDS]  poll until N of them arrived
#   fx_start_agent [ARGS]    the agent in the foreground on $fx_dir/mail.log
#   fx_stop_agent            SIGTERM; returns its exit status
#   fx_get OID               value of OID (v2c), "" on error
#   fx_wait_get OID VALUE [SECONDS]  poll until OID reads VALUE
#   fx_wait_settled [SECONDS] until no receipt waits for a content-filter link
#   ok / not_ok / is A B MSG TAP output
#
# Variables: fx_dir, fx_sock (SNMP peer), fx_root (our numeric root),
# fx_mibs (-M path), SNMPD, POSTFIX_STATS_AGENT.

fx_root=.1.3.6.1.4.1.8072.9999.9999.25
fx_n=0
fx_failed=0
fx_pids=
fx_snmpd_pid=
fx_agent_pid=

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${POSTFIX_STATS_AGENT:=$top_builddir/postfix-stats-agent}"
if [ -z "${SNMPD:-}" ]; then
    SNMPD=$(PATH=$PATH:/usr/sbin:/usr/local/sbin:/sbin command -v snmpd || true)
fi

# ok MSG / not_ok MSG - one TAP result
ok() {
    fx_n=$((fx_n + 1))
    echo "ok $fx_n - $*"
}
not_ok() {
    fx_n=$((fx_n + 1))
    fx_failed=$((fx_failed + 1))
    echo "not ok $fx_n - $*"
}

# is GOT WANT MSG - equality, with both values on failure
is() {
    if [ "$1" = "$2" ]; then
        ok "$3"
    else
        not_ok "$3"
        echo "#   got:  '$1'"
        echo "#   want: '$2'"
    fi
}

# check MSG CMD... - ok if CMD succeeds
check() {
    _msg=$1
    shift
    if "$@"; then ok "$_msg"; else not_ok "$_msg"; fi
}

# fx_need TOOL... - skip the whole test unless every tool is there
fx_need() {
    for _t in "$@"; do
        case $_t in
        /*) [ -x "$_t" ] && continue ;;
        *) command -v "$_t" >/dev/null 2>&1 && continue ;;
        esac
        echo "1..0 # SKIP $_t not found"
        exit 0
    done
}

# fx_cleanup - stop what we started, by PID; remove the directory
fx_cleanup() {
    for _p in $fx_pids; do
        kill -TERM "$_p" 2>/dev/null || continue
        _i=0
        while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do
            sleep 0.1
            _i=$((_i + 1))
        done
        kill -KILL "$_p" 2>/dev/null || true
    done
    if [ "${FX_KEEP:-0}" = 1 ]; then
        echo "# kept $fx_dir"
    else
        rm -rf "$fx_dir"
    fi
}

# fx_init - directory, environment for the clients
fx_init() {
    fx_need "$SNMPD" snmpget snmpwalk "$POSTFIX_STATS_AGENT"
    mkdir -p "$top_builddir/tests"
    fx_dir=$(mktemp -d "$top_builddir/tests/tmp.XXXXXX")
    trap fx_cleanup EXIT
    trap 'exit 1' INT TERM
    mkdir -p "$fx_dir/persist" "$fx_dir/client/cert_indexes"
    fx_sock=unix:$fx_dir/snmp.sock
    # Clients: no MIBs unless asked, persistent files in the temp dir.
    SNMP_PERSISTENT_DIR=$fx_dir/client
    MIBS=
    export SNMP_PERSISTENT_DIR MIBS
    : >"$fx_dir/mail.log"
}

# fx_base_mibs - the IETF base modules Debian does not ship, plus NET-SNMP-MIB
fx_base_mibs() {
    fx_mibs=$fx_dir/mibs:$top_srcdir/mibs
    mkdir -p "$fx_dir/mibs"
    _cache=$top_builddir/tests/snmp/base-mibs
    if [ -n "${PFS_BASE_MIBS:-}" ]; then
        _cache=$PFS_BASE_MIBS
    elif [ ! -f "$_cache/SNMPv2-CONF.txt" ]; then
        fx_need npm tar
        mkdir -p "$_cache.tmp"
        if (cd "$_cache.tmp" && npm pack --silent net-snmp >npm.out 2>&1 &&
            tar xzf net-snmp-*.tgz); then
            for _m in SNMPv2-SMI SNMPv2-TC SNMPv2-CONF; do
                cp "$_cache.tmp/package/lib/mibs/$_m.mib" "$_cache.tmp/$_m.txt" || break
            done
        fi
        if [ -f "$_cache.tmp/SNMPv2-CONF.txt" ]; then
            mkdir -p "$_cache"
            mv "$_cache.tmp"/SNMPv2-*.txt "$_cache/"
        fi
        rm -rf "$_cache.tmp"
    fi
    if [ ! -f "$_cache/SNMPv2-CONF.txt" ]; then
        echo "1..0 # SKIP no SNMPv2-SMI/TC/CONF: npm pack net-snmp failed (offline?)"
        exit 0
    fi
    cp "$_cache"/SNMPv2-*.txt "$fx_dir/mibs/"
    for _d in /usr/share/snmp/mibs /usr/share/mibs/netsnmp /usr/local/share/snmp/mibs; do
        if [ -f "$_d/NET-SNMP-MIB.txt" ]; then
            cp "$_d/NET-SNMP-MIB.txt" "$fx_dir/mibs/"
            break
        fi
    done
    if [ ! -f "$fx_dir/mibs/NET-SNMP-MIB.txt" ]; then
        echo "1..0 # SKIP NET-SNMP-MIB.txt not found (Debian package snmp / libsnmp-base)"
        exit 0
    fi
}

# fx_start_snmpd [UDPPORT] - private master agent; waits until it answers
fx_start_snmpd() {
    _addr="unix:$fx_dir/snmp.sock"
    _udp=
    if [ -n "${1:-}" ]; then
        _addr="$_addr,udp:127.0.0.1:$1"
        _udp="rocommunity public 127.0.0.1"
    fi
    cat >"$fx_dir/snmpd.conf" <<EOF
agentaddress  $_addr
master        agentx
agentXSocket  unix:$fx_dir/agentx.sock
agentXPerms   0660 0770
agentXTimeout 1
agentXRetries 1
com2secunix   rosec $fx_dir/snmp.sock public
com2secunix   rwsec $fx_dir/snmp.sock private
group         rogroup v1  rosec
group         rogroup v2c rosec
group         rwgroup v2c rwsec
view          all included .1
access        rogroup "" any noauth exact all none none
access        rwgroup "" any noauth exact all all  none
createUser    testv3 SHA "authpass123" AES "privpass123"
rouser        testv3 priv
$_udp
${FX_SNMPD_EXTRA:-}
dontLogTCPWrappersConnects yes
[snmp] persistentDir $fx_dir/persist
EOF
    "$SNMPD" -f -Lf "$fx_dir/snmpd.log" -C -c "$fx_dir/snmpd.conf" \
        -p "$fx_dir/snmpd.pid" -m '' -I -smux </dev/null >/dev/null 2>&1 &
    fx_snmpd_pid=$!
    fx_pids="$fx_pids $fx_snmpd_pid"
    _i=0
    while [ $_i -lt 100 ]; do
        if snmpget -v2c -c public -Oqv "$fx_sock" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# snmpd did not come up:"
    sed 's/^/#   /' "$fx_dir/snmpd.log"
    return 1
}

# fx_start_trapd - private snmptrapd on a unix socket; waits for the socket
fx_start_trapd() {
    if [ -z "${SNMPTRAPD:-}" ]; then
        SNMPTRAPD=$(PATH=$PATH:/usr/sbin:/usr/local/sbin:/sbin command -v snmptrapd || true)
    fi
    mkdir -p "$fx_dir/trapd"
    cat >"$fx_dir/snmptrapd.conf" <<EOF
snmpTrapdAddr unix:$fx_dir/trapd.sock
authCommunity log public
doNotRetainNotificationLogs yes
[snmp] persistentDir $fx_dir/trapd
EOF
    "$SNMPTRAPD" -f -Lf "$fx_dir/traps.log" -C -c "$fx_dir/snmptrapd.conf" \
        -p "$fx_dir/trapd.pid" -m '' -On </dev/null >/dev/null 2>&1 &
    fx_pids="$fx_pids $!"
    _i=0
    while [ ! -S "$fx_dir/trapd.sock" ] && [ $_i -lt 50 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    [ -S "$fx_dir/trapd.sock" ]
}

# fx_traps SUFFIX - how many notifications $fx_root.0.SUFFIX arrived
fx_traps() {
    grep -c "OID: $fx_root\\.0\\.$1	" "$fx_dir/traps.log" 2>/dev/null
}

# fx_wait_traps SUFFIX N [SECONDS] - poll every 0.1 s until N arrived
fx_wait_traps() {
    _limit=$(( ${3:-10} * 10 ))
    _i=0
    while [ $_i -lt $_limit ]; do
        [ "$(fx_traps "$1")" = "$2" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# $(fx_traps "$1") notification(s) .0.$1 after ${3:-10} s, want $2"
    return 1
}

# fx_stop_snmpd [KILL] - stop the private snmpd and wait for it
fx_stop_snmpd() {
    [ -n "$fx_snmpd_pid" ] || return 0
    kill "-${1:-TERM}" "$fx_snmpd_pid" 2>/dev/null
    wait "$fx_snmpd_pid" 2>/dev/null
    fx_snmpd_pid=
}

# fx_agent_conf [EXTRA LINES] - the agent's configuration file
fx_agent_conf() {
    cat >"$fx_dir/agent.conf" <<EOF
# written by tests/snmp/lib.sh
logfile              $fx_dir/mail.log
agentx_socket        unix:$fx_dir/agentx.sock
agentx_ping_interval ${FX_PING:-1}
state_file           $fx_dir/state.json
save_interval        1
poll_interval        1
pidfile              $fx_dir/agent.pid
queue_monitor        no
${1:-}
EOF
}

# fx_start_agent [ARGS] - the agent in the foreground; waits until served
fx_start_agent() {
    [ -f "$fx_dir/agent.conf" ] || fx_agent_conf
    "$POSTFIX_STATS_AGENT" -f -c "$fx_dir/agent.conf" "$@" \
        >>"$fx_dir/agent.log" 2>&1 </dev/null &
    fx_agent_pid=$!
    fx_pids="$fx_agent_pid $fx_pids"
    fx_wait_get "$fx_root.1.8.1.0" "$("$POSTFIX_STATS_AGENT" --version | sed 's/.* //')" 10
}

# fx_stop_agent - SIGTERM and wait; returns the agent's exit status
fx_stop_agent() {
    [ -n "$fx_agent_pid" ] || return 0
    kill -TERM "$fx_agent_pid" 2>/dev/null
    wait "$fx_agent_pid"
    _st=$?
    fx_agent_pid=
    return $_st
}

# fx_get OID - one value (v2c), quoted strings unquoted; empty on error
fx_get() {
    snmpget -v2c -c public -Oqv -Ot "$fx_sock" "$1" 2>/dev/null | sed 's/^"\(.*\)"$/\1/'
}

# fx_wait_get OID VALUE [SECONDS] - poll every 0.1 s
fx_wait_get() {
    _limit=$(( ${3:-5} * 10 ))
    _i=0
    while [ $_i -lt $_limit ]; do
        [ "$(fx_get "$1")" = "$2" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "# $1 is '$(fx_get "$1")' after ${3:-5} s, want '$2'"
    return 1
}

# fx_wait_settled [SECONDS] - until no receipt waits for a content-filter
# link (pfsAgentReceiptsWaiting.0 = 0; default 30 s): mail from a loopback
# client is counted once the log has been quiet for 10 s (doc/counters.md),
# as --once counts it at the end of its input
fx_wait_settled() {
    fx_wait_get "$fx_root.1.8.16.0" 0 "${1:-30}"
}

# fx_done - plan line, exit status
fx_done() {
    echo "1..$fx_n"
    if [ "$fx_failed" -gt 0 ] && [ -f "$fx_dir/agent.log" ]; then
        echo "# agent log:"
        sed 's/^/#   /' "$fx_dir/agent.log"
    fi
    [ "$fx_failed" -eq 0 ]
}
