#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# run-all.sh - the whole test suite, as CI runs it
#
# Usage (root, Debian 12): tests/run-all.sh
#
# 1. installs every package the build and the tests need;
# 2. builds out of tree in _build/default and runs make check: unit tests
#    (check), --once tests, the real-Postfix end-to-end test, and the
#    snmpd/AgentX integration tests; then the soak test
#    (tests/follow/soak.sh, about 100 s);
# 3. builds with AddressSanitizer + UndefinedBehaviorSanitizer in
#    _build/asan and runs the C unit tests; then with ThreadSanitizer in
#    _build/tsan and runs the test of the threads (check_pread);
# 4. builds the libFuzzer target with clang in _build/fuzz and fuzzes the
#    line parser for PFS_FUZZ_SECONDS (default 60);
# 5. runs make distcheck;
# 6. builds the Debian package, installs it, runs it behind Debian's own
#    snmpd and purges it (tests/package/deb.test).
#
# Every TAP result of every suite counts as one test, the soak test and
# each of stages 4-5 as one more; the last line is
# "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
logdir=$top/_build/logs
jobs=${PFS_JOBS:-2}
fuzz_seconds=${PFS_FUZZ_SECONDS:-60}
stage_pass=0
stage_fail=0
stage_skip=0
check_rc=0
asan_rc=0
tsan_rc=0

say() { printf '\n=== %s\n' "$*"; }

# stage NAME CMD... - run one step; a failing build step stops the suite
stage() {
    local name=$1
    shift
    say "$name"
    if "$@"; then
        echo "--- $name: ok"
        return 0
    fi
    echo "--- $name: FAILED"
    return 1
}

# count_trs DIR - add up automake's per-test results below DIR
count_trs() {
    find "$1" -name '*.trs' -exec cat {} + 2>/dev/null |
        awk '/^:test-result:/ { n[$2]++ }
             END { printf "%d %d %d\n", n["PASS"] + n["XFAIL"],
                   n["FAIL"] + n["XPASS"] + n["ERROR"], n["SKIP"] }'
}

# show_failures DIR - print the logs of failed tests
show_failures() {
    find "$1" -name '*.trs' | while read -r trs; do
        if grep -Eq '^:test-result: (FAIL|XPASS|ERROR)' "$trs"; then
            echo "----- ${trs%.trs}.log"
            tail -n 60 "${trs%.trs}.log"
        fi
    done
}

# make_failed NAME RC B LOG - a make run that failed with no failed test
# (a test program did not build) counts as one failure of its own
make_failed() {
    if [ "$2" != 0 ] && [ "$3" = 0 ]; then
        echo "----- $1 exited $2 without a failed test: a build step failed"
        grep -E 'error|Error' "$4" | head -n 20
        return 0
    fi
    return 1
}

finish() {
    local p=$stage_pass f=$stage_fail s=$stage_skip dir r a b c
    for dir in "$top/_build/default" "$top/_build/asan" "$top/_build/tsan"; do
        [ -d "$dir" ] || continue
        read -r a b c <<<"$(count_trs "$dir")"
        p=$((p + a)); f=$((f + b)); s=$((s + c))
        [ "$b" -gt 0 ] && show_failures "$dir"
        case $dir in
        */default) make_failed "make check" "$check_rc" "$b" "$logdir/check.out" && f=$((f + 1)) ;;
        */asan) make_failed "make check-unit (ASan+UBSan)" "$asan_rc" "$b" "$logdir/asan.out" && f=$((f + 1)) ;;
        */tsan) make_failed "check_pread (TSan)" "$tsan_rc" "$b" "$logdir/tsan.out" && f=$((f + 1)) ;;
        esac
    done
    echo
    echo "$p passed, $f failed, $s skipped"
    r=0
    [ "$f" -gt 0 ] && r=1
    exit $r
}

# fatal_stage - a build step failed: nothing after it can run
fatal_stage() {
    stage_fail=$((stage_fail + 1))
    finish
}

mkdir -p "$logdir"
stage "install packages" contrib/install-deps.sh test || fatal_stage

if [ -f config.status ]; then
    say "the source tree holds an in-tree build: make distclean (out-of-tree builds need a clean tree)"
    make distclean >/dev/null 2>&1 || true
fi
rm -rf _build/default _build/asan _build/tsan _build/fuzz
mkdir -p _build/default _build/asan _build/tsan _build/fuzz
stage "bootstrap" ./bootstrap || fatal_stage

# 2. default build and the full make check
stage "configure" sh -c "cd _build/default && ../../configure -q" || fatal_stage
stage "make" make -C _build/default -j"$jobs" || fatal_stage
say "make check"
make -C _build/default -j"$jobs" check >"$logdir/check.out" 2>&1
check_rc=$?
grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$logdir/check.out" | sed 's/^/  /'

# 2b. the soak test: 20,000 lines/s for 70 s with rotations (rename and
# copytruncate), the agent killed with -9 and snmpd restarted 5 times each;
# every counter over SNMP must equal --once over everything written
soak() {
    local rc=0
    top_srcdir=$top top_builddir=$top/_build/default tests/follow/soak.sh \
        >"$logdir/soak.out" 2>&1 || rc=$?
    tail -n 20 "$logdir/soak.out"
    return $rc
}
if stage "soak test" soak; then
    stage_pass=$((stage_pass + 1))
else
    stage_fail=$((stage_fail + 1))
fi

# 3. sanitizers
san="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
if stage "configure (ASan+UBSan)" sh -c "cd _build/asan && ../../configure -q --disable-hardening CFLAGS='$san' LDFLAGS='-fsanitize=address,undefined'" &&
    stage "make (ASan+UBSan)" make -C _build/asan -j"$jobs"; then
    say "make check-unit (ASan+UBSan)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        make -C _build/asan -j"$jobs" check-unit >"$logdir/asan.out" 2>&1
    asan_rc=$?
    grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$logdir/asan.out" | sed 's/^/  /'
else
    stage_fail=$((stage_fail + 1))
fi

# 3b. the thread sanitizer on the test of the threads (pfs_pread). GCC
# warns of maybe-uninitialized values at -O1 that -O2 does not see: the
# warnings stay warnings here.
if stage "configure (TSan)" sh -c "cd _build/tsan && ../../configure -q --disable-hardening --disable-werror CFLAGS='-O1 -g -fsanitize=thread' LDFLAGS='-fsanitize=thread'" &&
    stage "make (TSan)" make -C _build/tsan -j"$jobs" tests/unit/input/check_pread; then
    say "check_pread (TSan)"
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        make -C _build/tsan check TESTS=tests/unit/input/check_pread \
        check_PROGRAMS=tests/unit/input/check_pread >"$logdir/tsan.out" 2>&1
    tsan_rc=$?
    grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$logdir/tsan.out" | sed 's/^/  /'
else
    stage_fail=$((stage_fail + 1))
fi

# 4. fuzzing
fuzz() {
    (cd _build/fuzz && CC=clang ../../configure -q --disable-hardening --enable-fuzzer \
        CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all') &&
        make -C _build/fuzz -j"$jobs" tests/fuzz/fuzz_line >/dev/null || return 1
    rm -rf _build/fuzz/corpus && mkdir -p _build/fuzz/corpus
    cp tests/fuzz/corpus/* _build/fuzz/corpus/
    # seed with real lines, a few per file
    split -l 8 tests/data/postfix-e2e.log _build/fuzz/corpus/e2e.
    local rc=0
    (cd _build/fuzz && ./tests/fuzz/fuzz_line -max_total_time="$fuzz_seconds" \
        -max_len=20000 -print_final_stats=1 corpus) >"$logdir/fuzz.out" 2>&1 || rc=$?
    tail -n 12 "$logdir/fuzz.out"
    return $rc
}
if stage "fuzz the line parser for ${fuzz_seconds}s" fuzz; then
    stage_pass=$((stage_pass + 1))
else
    stage_fail=$((stage_fail + 1))
fi

# 5. distcheck (its own make check runs inside; only its verdict counts here)
if stage "make distcheck" sh -c "make -C _build/default -j$jobs distcheck >'$logdir/distcheck.out' 2>&1 || { tail -n 80 '$logdir/distcheck.out'; exit 1; }"; then
    stage_pass=$((stage_pass + 1))
else
    stage_fail=$((stage_fail + 1))
fi

# 6. the Debian package on Debian's snmpd; each TAP result counts, and a
# run that stops early (a bail-out, a crash) counts as one failure more
package_test() {
    local rc=0 a b c
    PFS_JOBS=$jobs top_srcdir=$top bash tests/package/deb.test >"$logdir/deb.out" 2>&1 || rc=$?
    grep -E '^(ok|not ok|Bail out!|1\.\.)' "$logdir/deb.out" | sed 's/^/  /'
    read -r a b c <<<"$(awk '/^ok / { p++ } /^not ok / { f++ } /^1\.\.0 # SKIP/ { s++ }
                             END { print p + 0, f + 0, s + 0 }' "$logdir/deb.out")"
    stage_pass=$((stage_pass + a))
    stage_fail=$((stage_fail + b))
    stage_skip=$((stage_skip + c))
    if [ "$rc" != 0 ] && [ "$b" = 0 ]; then
        stage_fail=$((stage_fail + 1))
        tail -n 30 "$logdir/deb.out"
    elif [ "$b" != 0 ]; then
        grep -A 6 '^not ok' "$logdir/deb.out" | grep '^#' | head -n 40
    fi
    return $rc
}
stage "the Debian package (tests/package/deb.test)" package_test

finish
