#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# baseline-sim.sh - false alarms of the traffic checks on simulated normal days
#
# SYNOPSIS
#	bench/baseline-sim.sh [BUILDDIR]
#
# DESCRIPTION
#	Builds bench/baseline-sim.c against BUILDDIR's libpfsalerts.a and
#	libpfsparser.a (default: the source tree; run "make" first) and
#	runs 400 days at five volumes (peaks of 6 to 3,000 mails an hour)
#	and three day-to-day dispersions (0, 10 and 20 %), with
#	baseline_sigma 2 and 3. Every count it prints is a false alarm: the
#	traffic is normal. doc/alerts.md quotes these figures.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top}
work=$(mktemp -d -t baseline-sim.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
${CC:-cc} -O2 -Wall -I"$top/parser" -I"$top/alerts" -o "$work/baseline-sim" \
    "$here/baseline-sim.c" "$build/libpfsalerts.a" "$build/libpfsparser.a" \
    $(pkg-config --libs jansson) -lm || exit 1
for sigma in 2 3; do
    for scale in 2 10 50 200 1000; do
        for disp in 0 0.1 0.2; do
            "$work/baseline-sim" 400 "$scale" 1 "$disp" "$sigma"
        done
    done
done
