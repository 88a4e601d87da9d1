#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make bench: flash throughput vs the raw throughput of a pty pair moving
# the same bytes, peak RSS of a flash, and --all with 4 modules vs 1, all
# on the simulator at --timing fast. Prints the numbers.
set -euo pipefail
BUILD=${1:-build}
PROFILE=${MF_BENCH_PROFILE:-bg95-m3}
REV=BG95M3LAR02A03_01.014.01.014
OLD=BG95M3LAR02A03_01.009.01.009
SIZE=${MF_BENCH_SIZE:-$((48 * 1024 * 1024))}	# modem image bytes (fits the bg95 modem partition)
work=$(mktemp -d "${TMPDIR:-/tmp}/modemflash-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

start_sim() {	# root state usb-path
	mkdir -p "$1" "$2"
	"$BUILD/sim/modemflash-sim" --root "$1" --state "$2" --profile "$PROFILE" \
		--revision "$OLD" --usb-path "$3" --timing fast >"$2/log" 2>&1 &
	pids+=($!)
	for _ in $(seq 200); do [ -e "$2/control" ] && [ -e "$1/ready" ] && break; sleep 0.05; done
	sleep 0.2
}
mf() { "$BUILD/src/cli/modemflash" "$@"; }
now() { date +%s.%N; }

"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size "$SIZE" -o "$work/$REV" >/dev/null
bytes=$(find "$work/$REV/update" -name '*.ubi' -o -name '*.mbn' -o -name '*.img' | xargs stat -c %s | paste -sd+ | bc)

# 1. flash throughput (no backup, no verify: the link alone)
start_sim "$work/r1" "$work/s1" 1-1.4
t0=$(now)
/usr/bin/time -v -o "$work/time1" "$BUILD/src/cli/modemflash" --sysroot "$work/r1" --json flash "$work/$REV" \
	--no-backup --verify=none >"$work/out1" 2>"$work/err1"
t1=$(now)
prog_s=$(python3 - "$work/out1" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
p = [e for e in ev if e.get("event") == "progress" and e.get("stage") == "program"]
print(p[-1]["done"] if p else 0)
PY
)
rss=$(awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}' "$work/time1")

# the same bytes through a pty pair, raw, in this run
raw=$(python3 - "$bytes" <<'PY'
import os, pty, sys, time, tty, select
n = int(sys.argv[1]); m, s = pty.openpty(); tty.setraw(s)
buf = b"\x5a" * 8192
pid = os.fork()
if pid == 0:
    got = 0
    while got < n:
        got += len(os.read(s, 65536))
    os._exit(0)
t = time.monotonic(); left = n
while left > 0:
    left -= os.write(m, buf[:min(left, len(buf))])
os.waitpid(pid, 0)
print("%.1f" % (n / (time.monotonic() - t) / 1e6))
PY
)
total_s=$(echo "$t1 - $t0" | bc)
mbps=$(echo "scale=1; $bytes / $total_s / 1000000" | bc)
echo "flash: $bytes bytes of images in ${total_s}s (whole command): ${mbps} MB/s; raw pty ${raw} MB/s; ratio $(echo "scale=2; $mbps / $raw" | bc)"
echo "peak RSS of that flash: ${rss} KiB (package images: $((bytes / 1048576)) MiB)"

# 2. --all: 4 modules vs 1
start_sim "$work/r4" "$work/s4a" 1-1.2
start_sim "$work/r4" "$work/s4b" 1-1.3
start_sim "$work/r4" "$work/s4c" 1-1.4
start_sim "$work/r4" "$work/s4d" 1-1.5
start_sim "$work/rone" "$work/sone" 1-1.4
t0=$(now); mf --sysroot "$work/rone" flash "$work/$REV" --no-backup --verify=none >/dev/null 2>&1; t1=$(now)
one=$(echo "$t1 - $t0" | bc)
t0=$(now); mf --sysroot "$work/r4" flash --all "$work/$REV" --no-backup --verify=none >/dev/null 2>&1; t1=$(now)
four=$(echo "$t1 - $t0" | bc)
echo "--all: 1 module ${one}s, 4 modules ${four}s, ratio $(echo "scale=2; $four / $one" | bc)"
