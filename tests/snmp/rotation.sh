# SPDX-License-Identifier: BSD-2-Clause
# rotation.sh - rotation stories with the real daemon: every counter exact
#
# Sourced by tests/snmp/rotation-live.test (rename, copytrunc, overwrite)
# and tests/snmp/rotation-kill.test (down, killsave, firststart), which
# set ROT_STORIES; make check runs the two side by side.
#
# The real agent behind a private snmpd (tests/snmp/lib.sh) follows a
# real Postfix log (tests/data/postfix-e2e.log, repeated with its queue
# IDs renamed and its times moved on, so that every copy is new mail)
# written in chunks, through each story below. At the end of each run
# every counter read over SNMP must equal "--once" over everything that
# was written after the agent first started: a line lost or counted twice
# fails. Each story runs ROT_REPS (20) times; timing varies by itself and
# through short random pauses. The stories:
#
#   rename      logrotate-style shifting (mail.log.N to .N+1, mail.log to
#               .1), some lines still written to the renamed file, then a
#               new mail.log; the agent runs
#   copytrunc   logrotate's copytruncate (shift, cp to .1, truncate)
#   down        both kinds of rotation while the agent is down after a
#               kill -9, among them issue 12's: copytruncate, state saved
#               at position 0, lines written, kill -9, copytruncate again
#   killsave    kill -9 at random moments within the save interval, with
#               rotations of both kinds in between
#   firststart  kill -9 right after the very first start (before any
#               timed save), lines written meanwhile, on a log that had
#               lines before the start (those are not counted)
#   overwrite   rename rotation, then, within the rotation linger, the new
#               log copied onto the renamed name and truncated
#
# The agent saves every 2 s (every 3600 s in "firststart") and polls every
# second.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/snmp/lib.sh"
fx_init
fx_need od awk cp truncate

REPS=${ROT_REPS:-20}
CHUNK=60			# lines per write
COPIES=12			# copies of postfix-e2e.log in the source

log=$fx_dir/mail.log
src=$fx_dir/source.log

# make_source N OUT - N copies of the capture, each with its own queue IDs
# (the "A72" inside every Postfix 3.7 short ID of this capture becomes a
# per-copy code) and its own minutes. Its test clients connected from
# localhost; here they come from a documentation address, so that no
# receipt waits for a content-filter link (the daemon counts such a
# receipt once the log has been quiet for 10 s, --once at its end): the
# stories compare at once.
make_source() {
    awk -v n="$1" '
    { gsub(/localhost\[127\.0\.0\.1\]/, "mua.example[192.0.2.10]"); line[NR] = $0 }
    END {
        for (c = 0; c < n; c++)
            for (i = 1; i <= NR; i++) {
                s = line[i]
                code = sprintf("%03X", 2816 + c)
                while (match(s, /[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]A72[0-9A-F][0-9A-F][0-9A-F]/))
                    s = substr(s, 1, RSTART + 4) code substr(s, RSTART + 8)
                # "Nov 22 02:58:50": two minutes later with each copy
                m = substr(s, 8, 2) * 60 + substr(s, 11, 2) + 2 * c
                s = substr(s, 1, 7) sprintf("%02d:%02d", int(m / 60) % 24, m % 60) substr(s, 13)
                print s
            }
    }' "$top_srcdir/tests/data/postfix-e2e.log" >"$2"
}

make_source "$COPIES" "$src"
make_source 1 "$fx_dir/prefix.log"
sed -i 's/B00/CFF/g; s/^Nov 22/Nov 21/' "$fx_dir/prefix.log"
total=$(wc -l <"$src")
nchunks=$(((total + CHUNK - 1) / CHUNK))
split -l "$CHUNK" -a 3 -d "$src" "$fx_dir/chunk."

# The reference: --once over the source, every counter with its OID.
"$POSTFIX_STATS_AGENT" --once "$src" >"$fx_dir/once.out" || exit 1
"$POSTFIX_STATS_AGENT" --oids "$src" >"$fx_dir/oids.out" || exit 1
awk 'NR == FNR { oid[$1] = $3; next } ($1 in oid) { print $1, oid[$1], $2 }' \
    "$fx_dir/oids.out" "$fx_dir/once.out" >"$fx_dir/compare.in"
want_lines=$(awk '$1 == "lines" { print $2 }' "$fx_dir/once.out")
lines_oid=$(awk '$1 == "lines" { print $3 }' "$fx_dir/oids.out")
ncounters=$(wc -l <"$fx_dir/compare.in")
echo "# source: $total lines in $nchunks chunks, $ncounters counters compared per run"

# A loaded machine may keep snmpd or the agent from answering within 1 s:
# be patient rather than lose the subagent's registration.
FX_SNMPD_EXTRA="agentXTimeout 5"
check "private snmpd up" fx_start_snmpd

# rnd N - a random number below N
rnd() {
    echo $(($(od -An -N2 -tu2 /dev/urandom) % $1))
}

# pause - up to 0.3 s, sometimes none
pause() {
    _p=$(rnd 4)
    [ "$_p" -eq 0 ] || sleep "0.$(rnd 3)$(rnd 10)"
}

# feed FROM TO - append chunks FROM .. TO-1 to FILE (default the log)
feed() {
    _i=$1
    while [ "$_i" -lt "$2" ] && [ "$_i" -lt "$nchunks" ]; do
        cat "$fx_dir/chunk.$(printf '%03d' "$_i")" >>"${3:-$log}"
        _i=$((_i + 1))
    done
}

# shift_rotated - mail.log.N to mail.log.N+1, highest first
shift_rotated() {
    _n=$(ls "$log".[0-9]* 2>/dev/null | sed 's/.*\.//' | sort -n | tail -n 1)
    while [ -n "$_n" ] && [ "$_n" -ge 1 ]; do
        mv "$log.$_n" "$log.$((_n + 1))"
        _n=$((_n - 1))
    done
}

# rot_rename C - logrotate's create: the log becomes .1; chunk C is still
# written to it (the syslog daemon has not reopened yet); a new log
rot_rename() {
    shift_rotated
    mv "$log" "$log.1"
    feed "$1" "$(($1 + 1))" "$log.1"
    : >>"$log"
}

# rot_copytrunc - logrotate's copytruncate; nothing written in between
rot_copytrunc() {
    shift_rotated
    cp "$log" "$log.1"
    : >"$log"
}

# conf SAVE - the agent's configuration
conf() {
    cat >"$fx_dir/agent.conf" <<EOF
logfile              $log
agentx_socket        unix:$fx_dir/agentx.sock
agentx_ping_interval 5
state_file           $fx_dir/state.json
save_interval        $1
poll_interval        1
pidfile              $fx_dir/agent.pid
queue_monitor        no
EOF
}

# fresh - no agent, no state, no log
fresh() {
    rm -f "$log" "$log".* "$fx_dir/state.json" "$fx_dir/state.json".*
}

# kill9 - the agent, without a chance to save
kill9() {
    kill -KILL "$fx_agent_pid" 2>/dev/null
    wait "$fx_agent_pid" 2>/dev/null
    fx_agent_pid=
}

# start - the agent, until it says it started (state loaded, files open)
start() {
    _n=$(grep -c ' started: ' "$fx_dir/agent.log" 2>/dev/null)
    "$POSTFIX_STATS_AGENT" -f -c "$fx_dir/agent.conf" >>"$fx_dir/agent.log" 2>&1 </dev/null &
    fx_agent_pid=$!
    fx_pids="$fx_agent_pid $fx_pids"
    _i=0
    while [ "$(grep -c ' started: ' "$fx_dir/agent.log")" -le "${_n:-0}" ]; do
        _i=$((_i + 1))
        [ $_i -lt 3000 ] || { echo "# the agent did not start"; return 1; }
        sleep 0.02
    done
}

# wait_read C - until the agent counted the lines of chunks 0 .. C-1
wait_read() {
    _want=$(($1 * CHUNK))
    [ "$_want" -le "$total" ] || _want=$total
    _i=0
    while [ $_i -lt 1200 ]; do
        _got=$(fx_get "$lines_oid")
        [ "${_got:-0}" -ge "$_want" ] 2>/dev/null && return 0
        sleep 0.05
        _i=$((_i + 1))
    done
    echo "# the agent counted ${_got:-nothing}, not $_want lines"
    ls -li --full-time "$fx_dir" | grep mail.log | sed 's/^/#   /'
    grep -v ' snmp: ' "$fx_dir/agent.log" | tail -n 8 | sed 's/^/#   /'
    [ -z "${ROT_STOP:-}" ] || exit 1
}

# verdict STORY REP - every counter over SNMP against --once
verdict() {
    fx_wait_get "$lines_oid" "$want_lines" 60 >/dev/null
    _i=0
    while :; do
        : >"$fx_dir/snmp.out"
        awk '{ print $2 }' "$fx_dir/compare.in" | xargs -n 50 \
            snmpget -v2c -c public -Oqv -Ot "$fx_sock" >>"$fx_dir/snmp.out" 2>&1
        # Every value a number: the agent was registered all along.
        grep -qv '^[0-9][0-9]*$' "$fx_dir/snmp.out" || break
        _i=$((_i + 1))
        [ $_i -lt 30 ] || break
        sleep 1
    done
    paste -d ' ' "$fx_dir/compare.in" "$fx_dir/snmp.out" >"$fx_dir/compare.out"
    _bad=$(awk '$3 != $4' "$fx_dir/compare.out" | wc -l)
    _n=$(wc -l <"$fx_dir/compare.out")
    if [ "$_bad" -eq 0 ] && [ "$_n" -eq "$ncounters" ]; then
        ok "$1 $2: $_n counters over SNMP equal --once"
    else
        not_ok "$1 $2: $_bad of $ncounters counters differ from --once"
        awk '$3 != $4 { print "#   " $1 ": --once " $3 ", SNMP " $4 }' \
            "$fx_dir/compare.out" | head -n 10
        ls -l --full-time "$fx_dir" | grep -v chunk | sed 's/^/#   /'
        grep -v ' snmp: ' "$fx_dir/agent.log" | tail -n 30 | sed 's/^/#   /'
        # ROT_STOP=1: keep everything as it is for a look (with FX_KEEP=1)
        [ -z "${ROT_STOP:-}" ] || exit 1
    fi
    fx_stop_agent || true
}

# story_rename - rotations by rename while the agent runs
story_rename() {
    fresh; conf 2; : >"$log"; start
    c=0
    while [ $c -lt "$nchunks" ]; do
        step=$((3 + $(rnd 8)))
        feed $c $((c + step)); c=$((c + step))
        [ $c -eq $step ] && wait_read 1
        pause
        if [ $c -lt "$nchunks" ]; then
            rot_rename $c; c=$((c + 1))
        fi
    done
}

# story_copytrunc - rotations by copytruncate while the agent runs
story_copytrunc() {
    fresh; conf 2; : >"$log"; start
    c=0
    while [ $c -lt "$nchunks" ]; do
        step=$((3 + $(rnd 8)))
        feed $c $((c + step)); c=$((c + step))
        [ $c -eq $step ] && wait_read 1
        pause
        [ $c -lt "$nchunks" ] && rot_copytrunc
    done
}

# story_down - kill -9, rotations of both kinds while down, restart
story_down() {
    fresh; conf 1; : >"$log"; start
    feed 0 6; wait_read 6
    # Issue 12 item 2: copytruncate, a save at position 0, lines, kill -9,
    # copytruncate while down.
    rot_copytrunc
    sleep 1.3
    feed 6 8; kill9
    rot_copytrunc
    feed 8 10
    start
    c=10
    while [ $c -lt "$nchunks" ]; do
        step=$((6 + $(rnd 8)))
        feed $c $((c + step)); c=$((c + step))
        pause; kill9
        case $(rnd 4) in
        0) rot_rename $c; c=$((c + 1)) ;;
        1) rot_copytrunc ;;
        2) rot_rename $c; c=$((c + 1)); feed $c $((c + 2)); c=$((c + 2)); rot_copytrunc ;;
        3) rot_copytrunc; feed $c $((c + 2)); c=$((c + 2)); rot_rename $c; c=$((c + 1)) ;;
        esac
        feed $c $((c + 1)); c=$((c + 1))
        start
    done
}

# story_killsave - kill -9 within the save interval, live rotations too
story_killsave() {
    fresh; conf 2; : >"$log"; start
    c=0
    while [ $c -lt "$nchunks" ]; do
        step=$((4 + $(rnd 8)))
        feed $c $((c + step)); c=$((c + step))
        [ $c -eq $step ] && wait_read 1
        pause
        case $(rnd 3) in
        0) rot_rename $c; c=$((c + 1)) ;;
        1) rot_copytrunc ;;
        esac
        pause
        kill9
        feed $c $((c + 1)); c=$((c + 1))
        start
    done
}

# story_firststart - kill -9 before the first timed save
story_firststart() {
    fresh; conf 3600
    cp "$fx_dir/prefix.log" "$log"	# before the first start: not counted
    start
    kill9
    feed 0 4
    start
    c=4
    while [ $c -lt "$nchunks" ]; do
        step=$((4 + $(rnd 8)))
        feed $c $((c + step)); c=$((c + step))
        pause
    done
}

# story_overwrite - within the linger, the new log copied onto the renamed one
story_overwrite() {
    fresh; conf 2; : >"$log"; start
    c=0
    while [ $c -lt "$nchunks" ]; do
        step=$((3 + $(rnd 6)))
        feed $c $((c + step)); c=$((c + step))
        [ $c -eq $step ] && wait_read 1
        [ $c -lt "$nchunks" ] || break
        shift_rotated
        mv "$log" "$log.1"
        : >>"$log"
        step=$((step + 2))			# more than the renamed file held
        feed $c $((c + step)); c=$((c + step))
        # What the cp destroys must have been read: only the rest can count.
        wait_read $c
        pause
        cp "$log" "$log.1"			# onto the renamed name, same inode
        : >"$log"
        pause
    done
}

for story in $ROT_STORIES; do
    rep=1
    t0=$(date +%s)
    while [ $rep -le "$REPS" ]; do
        "story_$story"
        verdict "$story" "$rep"
        rep=$((rep + 1))
    done
    echo "# $story: $REPS runs in $(($(date +%s) - t0)) s"
done

fx_done
