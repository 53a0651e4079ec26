#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# install-deps.sh - install the Debian packages postfix-stats builds and tests with
#
# Usage: contrib/install-deps.sh [build|package|test]
#   build    what building and running the agent needs
#   package  that plus what building the Debian package needs
#   test     all of that plus every tool the test suite starts (default)
#
# dovecot-core gives the content-filter end-to-end test's private Postfix
# a SASL server of its own (a private Dovecot auth service in a temp dir;
# the package's own daemon is never started).
#
# Runs apt-get as root (Debian 12). Postfix is preseeded to "No
# configuration" so that installing it neither configures nor starts a
# system mail server: the tests start private instances of their own.
set -eu

what=${1:-test}
build_pkgs="gcc make autoconf automake pkg-config libsnmp-dev libpcre2-dev libjansson-dev libyajl-dev
 libsystemd-dev snmpd snmp procps iproute2"
test_pkgs="check snmptrapd smitools libsnmp-base postfix mrtg clang libclang-rt-14-dev
 systemd systemd-journal-remote groff-base man-db valgrind strace
 dovecot-core"

# Building the .deb (dpkg-buildpackage), and tests/package/deb.test, which
# takes a clean copy of the tree with git and runs lintian.
package_pkgs="build-essential debhelper lintian git check"

# The pollers' tests (issue 13): graphs, the browser that screenshots
# them, the Prometheus SNMP exporter and its generator, JSON tools.
poller_pkgs="rrdtool chromium prometheus-snmp-exporter jq curl"
test_pkgs="$test_pkgs $poller_pkgs"

# The MIB tests take the IETF base MIBs from the npm registry (npm pack
# net-snmp); use the machine's npm if it has one, else Debian's.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs npm"

case $what in
build) pkgs=$build_pkgs ;;
package) pkgs="$build_pkgs $package_pkgs" ;;
test) pkgs="$build_pkgs $test_pkgs $package_pkgs" ;;
*) echo "usage: $0 [build|package|test]" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
    echo "$0: needs root to run apt-get (try: sudo $0 $what)" >&2
    exit 1
fi

missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
