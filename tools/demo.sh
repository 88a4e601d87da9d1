#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's first command (make demo): a simulated BG95-M3 at 01.009
# with real module timings (shrunk), updated to 01.014 with a backup, as a
# user would see it. The backup it takes, and the simulated module's NAND,
# are kept in BUILD/demo (replaced by the next demo), so that the restore
# it names can really be run; everything else is cleaned up. Exits non-zero
# on failure.
set -euo pipefail
BUILD=${1:-build}
SCALE=${MF_DEMO_TIME_SCALE:-0.05}
OLD=BG95M3LAR02A03_01.009.01.009
NEW=BG95M3LAR02A03_01.014.01.014
work=$(mktemp -d "${TMPDIR:-/tmp}/modemflash-demo.XXXXXX")
keep=$(cd "$BUILD" && pwd)/demo
rm -rf "$keep"
mkdir -p "$keep/data" "$keep/state"
sim_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "== building a firmware package $NEW (tools/mkpkg)"
"$BUILD/tools/mkpkg" --profile bg95-m3 --revision "$NEW" -o "$work/$NEW" >/dev/null
echo "== starting a simulated BG95-M3 at $OLD (--timing real --time-scale $SCALE)"
mkdir -p "$work/root"
"$BUILD/sim/modemflash-sim" --root "$work/root" --state "$keep/state" \
	--profile bg95-m3 --revision "$OLD" --timing real --time-scale "$SCALE" \
	>"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 200); do [ -e "$work/root/ready" ] && break; sleep 0.1; done
[ -e "$work/root/ready" ] || { echo "the simulator did not start"; cat "$work/sim.log"; exit 1; }

mf() { "$BUILD/src/cli/modemflash" --sysroot "$work/root" "$@"; }
# the module boots (and enumerates) in its own time
for _ in $(seq 300); do mf list 2>/dev/null | grep -q normal && break; sleep 0.1; done
echo "== modemflash list"
mf list
echo "== modemflash flash $NEW"
XDG_DATA_HOME="$keep/data" mf flash "$work/$NEW"
echo "== modemflash info (after)"
mf info || true
backup=$(ls -d "$keep"/data/modemflash/backups/*/* | head -n 1)
echo "== the backup, kept in $backup"
ls "$backup"
echo "to restore it onto the simulated module (its NAND is kept in $keep/state):"
echo "  $BUILD/sim/modemflash-sim --root ROOT --state $keep/state --profile bg95-m3 &"
echo "  $BUILD/src/cli/modemflash --sysroot ROOT restore $backup"
echo "demo done (rm -rf $keep removes the backup)"
