#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make bench: on the simulator at --timing fast,
#  1. a 64 MiB package flashed RUNS times (fresh simulator each): the modem
#     image's own <program> (command, raw data, last ACK), the program stage
#     (every erase and program), the whole command, each in MB/s, next to the
#     raw throughput of a pty pair moving the same bytes with the same
#     chunking (64 KiB writes, 16 KiB reads) measured between the flashes;
#  2. peak RSS of modemflash and of the simulator, for 64 MiB and 1 GiB;
#  3. --all with 4 modules against 1.
# Medians are printed (the machine may be shared); every sample is in the
# table above them.
set -euo pipefail
BUILD=${1:-build}
PROFILE=${MF_BENCH_PROFILE:-bg95-m3-big}	# a modem partition that takes 1 GiB
REV=BG95M3LAR02A03_01.014.01.014
OLD=BG95M3LAR02A03_01.009.01.009
SIZE=${MF_BENCH_SIZE:-$((64 * 1024 * 1024))}
BIG=${MF_BENCH_BIG:-$((1024 * 1024 * 1024))}	# 0: skip the 1 GiB run
RUNS=${MF_BENCH_RUNS:-3}
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
stop_sims() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	pids=()
}
mf() { "$BUILD/src/cli/modemflash" "$@"; }
now() { date +%s.%N; }
sim_hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }	# KiB

# One flash with --json, every line time-stamped on arrival: prints
# "modem_s program_s program_bytes whole_s host_rss_kib sim_rss_kib".
flash_once() {	# tag package
	local r="$work/r-$1" s="$work/s-$1" sp
	start_sim "$r" "$s" 1-1.4
	sp=${pids[-1]}
	/usr/bin/time -f %M -o "$work/rss-$1" "$BUILD/src/cli/modemflash" --sysroot "$r" --json \
		flash "$2" --no-backup --verify=none 2>"$work/err-$1" |
		python3 -u -c 'import sys, time
for l in sys.stdin: print("%.6f %s" % (time.monotonic(), l.rstrip()))' >"$work/out-$1"
	python3 - "$work/out-$1" "$(cat "$work/rss-$1")" "$(sim_hwm "$sp")" <<'PY'
import json, sys
rows = [(float(l.split(" ", 1)[0]), json.loads(l.split(" ", 1)[1])) for l in open(sys.argv[1])]
logs = [(t, e["message"]) for t, e in rows if e.get("event") == "log"]
res = [e for t, e in rows if "ok" in e]
if not res or not res[-1]["ok"]:
    sys.exit("bench: the flash failed: %s" % (res[-1] if res else "no result"))
def at(pred):
    return next(i for i, (t, m) in enumerate(logs) if pred(m))
m = at(lambda m: m.startswith("program modem"))
p0, p1 = at(lambda m: m == "== program"), at(lambda m: m == "== reset")
prog = [e for t, e in rows if e.get("event") == "progress" and e.get("stage") == "program"]
print("%.3f %.3f %d %.3f %s %s" % (logs[m + 1][0] - logs[m][0], logs[p1][0] - logs[p0][0],
      prog[-1]["total"], rows[-1][0] - rows[0][0], sys.argv[2], sys.argv[3]))
PY
	stop_sims
}

# The same bytes through a pty pair, chunked as the flash does: the host
# writes 64 KiB pieces (non-blocking, poll when full), the reader polls and
# reads 16 KiB at a time until the pty is empty (the simulator's loop).
raw_pty() {	# bytes -> MB/s
	python3 - "$1" <<'PY'
import os, pty, select, sys, time, tty
n = int(sys.argv[1]); m, s = pty.openpty(); tty.setraw(s)
pid = os.fork()
if pid == 0:
    os.close(s); os.set_blocking(m, False); got = 0
    p = select.poll(); p.register(m, select.POLLIN)
    while got < n:
        p.poll()
        while got < n:
            try:
                got += len(os.read(m, 16384))
            except BlockingIOError:
                break
    os._exit(0)
os.close(m); os.set_blocking(s, False)
buf = b"\x5a" * 65536; p = select.poll(); p.register(s, select.POLLOUT)
t = time.monotonic(); left = n
while left > 0:
    try:
        w = os.write(s, buf[:min(left, len(buf))])
    except BlockingIOError:
        p.poll(); continue
    left -= w
os.waitpid(pid, 0)
print("%.1f" % (n / (time.monotonic() - t) / 1e6))
PY
}

med() { python3 -c 'import statistics, sys; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
mbs() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) / float(sys.argv[2]) / 1e6))' "$@"; }

"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size "$SIZE" -o "$work/pkg" >/dev/null
image=$(stat -c %s "$work/pkg/update/NON-HLOS.ubi")

# 1. throughput, RUNS flashes with a raw pty measure after each
echo "64 MiB package ($image bytes of modem image), $RUNS runs:"
printf '  %-4s %10s %10s %10s %10s\n' run modem_MB/s stage_MB/s whole_MB/s raw_MB/s
ms=(); ps=(); ws=(); raws=(); hr=(); sr=()
for i in $(seq "$RUNS"); do
	read -r m p bytes w h s < <(flash_once "$i" "$work/pkg")
	raw=$(raw_pty "$image")
	ms+=("$m"); ps+=("$p"); ws+=("$w"); raws+=("$raw"); hr+=("$h"); sr+=("$s")
	printf '  %-4s %10s %10s %10s %10s\n' "$i" "$(mbs "$image" "$m")" "$(mbs "$bytes" "$p")" \
		"$(mbs "$bytes" "$w")" "$raw"
done
m=$(med "${ms[@]}"); p=$(med "${ps[@]}"); w=$(med "${ws[@]}"); raw=$(printf %.1f "$(med "${raws[@]}")")
echo "median: modem image $(mbs "$image" "$m") MB/s (${m}s), program stage $(mbs "$bytes" "$p") MB/s (${p}s)," \
	"whole command $(mbs "$bytes" "$w") MB/s (${w}s); raw pty ${raw} MB/s"
python3 -c 'import sys; i, b, m, p, w, r = map(float, sys.argv[1:]); r *= 1e6
print("ratio to raw pty: modem image %.2f, program stage %.2f, whole command %.2f" % (i / m / r, b / p / r, b / w / r))' \
	"$image" "$bytes" "$m" "$p" "$w" "$raw"
echo "peak RSS (64 MiB): modemflash $(med "${hr[@]}" | cut -d. -f1) KiB, simulator $(med "${sr[@]}" | cut -d. -f1) KiB"

# 2. 1 GiB: peak RSS whatever the image size
if [ "$BIG" -gt 0 ]; then
	rm -rf "$work/pkg-big"
	"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size "$BIG" -o "$work/pkg-big" >/dev/null
	read -r m p bytes w h s < <(flash_once big "$work/pkg-big")
	echo "1 GiB image: modem image $(mbs "$BIG" "$m") MB/s, whole command ${w}s;" \
		"peak RSS modemflash $h KiB, simulator $s KiB"
	rm -rf "$work/pkg-big"
fi

# 3. --all: 4 modules vs 1 (a 2-core machine shares its cores among 8 processes)
alls() {	# count -> seconds
	local i root="$work/all$1"
	for i in $(seq "$1"); do start_sim "$root" "$work/all$1-s$i" "1-1.$((i + 1))"; done
	local t0 t1
	t0=$(now)
	mf --sysroot "$root" flash --all "$work/pkg" --no-backup --verify=none >"$work/all$1.out" 2>&1 ||
		{ cat "$work/all$1.out" >&2; exit 1; }
	t1=$(now)
	stop_sims
	rm -rf "$root" "$work"/all"$1"-s*
	echo "$t1 - $t0" | bc
}
ones=(); fours=()
for i in $(seq "$RUNS"); do ones+=("$(alls 1)"); fours+=("$(alls 4)"); done
one=$(med "${ones[@]}"); four=$(med "${fours[@]}")
echo "--all: 1 module ${one}s, 4 modules ${four}s (medians of $RUNS; $(nproc) CPUs), ratio $(echo "scale=2; $four / $one" | bc)"
