# SPDX-License-Identifier: BSD-2-Clause
# tests/lib.sh - TAP helpers for the shell tests (sourced)
#
# t_plan N            print the plan
# t_ok COND NAME      "ok"/"not ok" from the exit status of COND (a command string)
# t_eq GOT WANT NAME  compare two strings, print both on failure
# t_tmpdir            a private temporary directory, removed at exit
# t_skip_all WHY      skip the whole file (a tool is genuinely missing)

t_n=0
t_failed=0

t_plan() {
    echo "1..$1"
}

t_result() {
    t_n=$((t_n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $t_n - $2"
    else
        echo "not ok $t_n - $2"
        t_failed=$((t_failed + 1))
    fi
}

t_ok() {
    if eval "$1" >/dev/null 2>&1; then t_result 0 "$2"; else t_result 1 "$2"; fi
}

t_eq() {
    if [ "$1" = "$2" ]; then
        t_result 0 "$3"
    else
        t_result 1 "$3"
        printf '# got:  %s\n# want: %s\n' "$1" "$2" | head -40
    fi
}

t_tmpdir() {
    t_dir=$(mktemp -d "${TMPDIR:-/tmp}/pfs-test.XXXXXX") || exit 1
    trap 'rm -rf "$t_dir"' EXIT
}

t_skip_all() {
    echo "1..0 # SKIP $1"
    exit 0
}
