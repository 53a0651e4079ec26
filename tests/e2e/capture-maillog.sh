#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# capture-maillog.sh - regenerate tests/data/postfix-e2e.log from a real Postfix
#
# SYNOPSIS
#	tests/e2e/capture-maillog.sh [OUTDIR]		(as root; default tests/data)
#
# DESCRIPTION
#	Runs the same private instance and mail mix as postfix-e2e.test
#	and writes:
#
#	OUTDIR/postfix-e2e.log		the instance's maillog_file, verbatim
#					except that the temp config directory
#					in master's "daemon started" line reads
#					/etc/postfix
#	OUTDIR/postfix-e2e.expected	the counters this mix must give, as
#					derived by pfse2e_expected (the same
#					"name value" lines postfix-e2e.test
#					asserts), for tests that read the
#					captured file instead of a live Postfix
#
#	Queue IDs, PIDs, ports and times change from run to run; the
#	expected counts do not.

here=$(cd "$(dirname "$0")" && pwd) || exit 1
. "$here/postfix-instance.sh" || exit 1
. "$here/postfix-mix.sh" || exit 1

out=${1:-$here/../data}
mkdir -p "$out" || exit 1
pfse2e_have_postfix || { pfse2e_msg "Postfix is not installed"; exit 1; }

trap 'pfse2e_cleanup' EXIT
trap 'exit 1' INT TERM HUP

pfse2e_init || exit 1
pfse2e_start || exit 1
pfse2e_send_mix || exit 1
pfse2e_wait_settled 90 "$(pfse2e_expected_deferred)" || exit 1
pfse2e_stop

sed "s|$PFSE2E_CONF|/etc/postfix|g; s|$PFSE2E_DIR|/var/spool/postfix|g" \
	"$PFSE2E_LOG" >"$out/postfix-e2e.log" || exit 1
if grep -q "$PFSE2E_DIR" "$out/postfix-e2e.log"; then
	pfse2e_msg "temp dir still in the log"
	exit 1
fi
pfse2e_expected >"$out/postfix-e2e.expected" || exit 1
echo "wrote $out/postfix-e2e.log ($(wc -l <"$out/postfix-e2e.log") lines) and $out/postfix-e2e.expected"
