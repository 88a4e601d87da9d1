#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make bench: on the simulator at --timing fast,
#  1. a 64 MiB package flashed RUNS times (fresh simulator each): the modem
#     image's own <program> (command, raw data, last ACK), the program stage
#     (every erase and program), the whole command, each in MB/s, next to the
#     raw throughput of a pty pair moving the same bytes with the same
#     chunking (64 KiB writes, 16 KiB reads) measured between the flashes;
#  2. peak RSS of modemflash and of the simulator, for 64 MiB and 1 GiB;
#  3. --all with 4 modules against 1 (wall time, and the CPU seconds
#     of all processes, which a shared machine does not inflate), and
#     again at --timing real (time-scale MF_BENCH_ALL_SCALE, 0.1) with a
#     1 MiB package, where the modules' own time dominates;
#  4. the fixed cost of a whole command: a 1 MiB package end to end, and
#     the 64 MiB one minus its program stage;
#  5. --timing real (time-scale 1, bg95-m3, backup on): the host's dead
#     time, total minus the simulator's own busy time (state busy_s);
#  6. resume: a flash cut at half its program bytes (drop fault), then the
#     re-run against half of an uncut run's program stage (RUNS of each).
# MF_BENCH_REAL=0 skips 5 (it takes about 30 s), MF_BENCH_RESUME=0 skips 6.
# MF_BENCH_SMOKE=1 (the meson test of suite "bench"): every part once, at
# small sizes (4 MiB, no 1 GiB run), 5 at time-scale 0.05 without the
# backup; it shows that the bench still runs and prints its numbers, not
# what they are.
# Medians are printed (the machine may be shared); every sample is in the
# table above them.
# The simulators' trees (their sysfs and /dev, the --sysroot) go to a tmpfs
# (/dev/shm, or MF_BENCH_ROOTS): the kernel's sysfs lives in memory, and on
# a disk file system each file the simulator creates at an enumeration can
# cost half a millisecond (measured on ext4 here: 500 us against 28 us on
# tmpfs), which would count as the host's fixed cost. Packages and the
# simulated NAND stay in the work directory (TMPDIR).
set -euo pipefail
BUILD=${1:-build}
PROFILE=${MF_BENCH_PROFILE:-bg95-m3-big}	# a modem partition that takes 1 GiB
REV=BG95M3LAR02A03_01.014.01.014
OLD=BG95M3LAR02A03_01.009.01.009
SMOKE=${MF_BENCH_SMOKE:-0}
if [ "$SMOKE" != 0 ]; then
	: "${MF_BENCH_SIZE:=$((4 * 1024 * 1024))}" "${MF_BENCH_BIG:=0}" "${MF_BENCH_RUNS:=1}"
	: "${MF_BENCH_REAL_SCALE:=0.05}" "${MF_BENCH_REAL_BACKUP:=0}" "${MF_BENCH_ALL_SCALE:=0.02}"
fi
SIZE=${MF_BENCH_SIZE:-$((64 * 1024 * 1024))}
BIG=${MF_BENCH_BIG:-$((1024 * 1024 * 1024))}	# 0: skip the 1 GiB run
RUNS=${MF_BENCH_RUNS:-3}
REAL_SCALE=${MF_BENCH_REAL_SCALE:-1}
REAL_BACKUP=${MF_BENCH_REAL_BACKUP:-1}
MIB=$((SIZE >> 20))
work=$(mktemp -d "${TMPDIR:-/tmp}/modemflash-bench.XXXXXX")
rbase=${MF_BENCH_ROOTS:-}
if [ -z "$rbase" ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
	rbase=/dev/shm
fi
roots=$(mktemp -d "${rbase:-$work}/modemflash-bench-roots.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$work" "$roots"
}
trap cleanup EXIT

start_sim() {	# root state usb-path [sim args...]
	local r=$1 st=$2 up=$3
	shift 3
	mkdir -p "$r" "$st"
	"$BUILD/sim/modemflash-sim" --root "$r" --state "$st" --profile "$PROFILE" \
		--revision "$OLD" --usb-path "$up" --timing fast "$@" >"$st/log" 2>&1 &
	pids+=($!)
	for _ in $(seq 200); do [ -e "$st/control" ] && [ -e "$r/ready" ] && break; sleep 0.05; done
	sleep 0.2
}
sim_ctl() {	# state-dir command -> the answer line
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode() + b"\n")
print(s.makefile().readline().strip())' "$1/control" "$2"
}
cpu_s() {	# pid -> user+system CPU seconds so far (of the process only)
	awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
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
	local r="$roots/r-$1" s="$work/s-$1" sp
	start_sim "$r" "$s" 1-1.4
	sp=${pids[-1]}
	# the time-stamper starts the flash itself: a reader that comes up
	# late on a loaded machine would stamp every line at once
	python3 -u -c 'import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
for l in p.stdout: print("%.6f %s" % (time.monotonic(), l.rstrip()))
p.wait()' /usr/bin/time -f %M -o "$work/rss-$1" "$BUILD/src/cli/modemflash" --sysroot "$r" --json \
		flash "$2" --no-backup --verify=none 2>"$work/err-$1" >"$work/out-$1"
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

# awk, not python: these run dozens of times, and start in a millisecond
med() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
	printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f\n", b / s / 1e6}'; }

"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size "$SIZE" -o "$work/pkg" >/dev/null
image=$(stat -c %s "$work/pkg/update/NON-HLOS.ubi")

# 1. throughput, RUNS flashes with a raw pty measure after each
echo "simulated trees in $(stat -f -c %T "$roots") ($roots), packages and NAND in $(stat -f -c %T "$work")"
echo "$MIB MiB package ($image bytes of modem image), $RUNS runs:"
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
w64=$w; p64=$p
echo "median: modem image $(mbs "$image" "$m") MB/s (${m}s), program stage $(mbs "$bytes" "$p") MB/s (${p}s)," \
	"whole command $(mbs "$bytes" "$w") MB/s (${w}s); raw pty ${raw} MB/s"
python3 -c 'import sys; i, b, m, p, w, r = map(float, sys.argv[1:]); r *= 1e6
print("ratio to raw pty: modem image %.2f, program stage %.2f, whole command %.2f" % (i / m / r, b / p / r, b / w / r))' \
	"$image" "$bytes" "$m" "$p" "$w" "$raw"
echo "peak RSS ($MIB MiB): modemflash $(med "${hr[@]}" | cut -d. -f1) KiB, simulator $(med "${sr[@]}" | cut -d. -f1) KiB"

# 2. 1 GiB: peak RSS whatever the image size
if [ "$BIG" -gt 0 ]; then
	rm -rf "$work/pkg-big"
	"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size "$BIG" -o "$work/pkg-big" >/dev/null
	read -r m p bytes w h s < <(flash_once big "$work/pkg-big")
	echo "1 GiB image: modem image $(mbs "$BIG" "$m") MB/s, whole command ${w}s;" \
		"peak RSS modemflash $h KiB, simulator $s KiB"
	rm -rf "$work/pkg-big"
fi

# 3. --all: 4 modules vs 1 (a 2-core machine shares its cores among 8
# processes), at --timing fast (CPU-bound) and at --timing real scaled
# (the modules' own time dominates, as on real hardware)
booted() {	# state-dir: wait for the first boot of a --timing real module
	for _ in $(seq 600); do
		sim_ctl "$1" state | grep -q '"mode":"normal".*"rebooting":false' && return 0
		sleep 0.05
	done
}
alls() {	# count package [simulator args...] -> seconds, CPU seconds
	local n=$1 pkg=$2 i root="$roots/all$1"
	shift 2
	for i in $(seq "$n"); do start_sim "$root" "$work/all$n-s$i" "1-1.$((i + 1))" "$@"; done
	for i in $(seq "$n"); do booted "$work/all$n-s$i"; done
	local t0 t1 simcpu=0 p
	t0=$(now)
	/usr/bin/time -f "%U %S" -o "$work/all$n.cpu" "$BUILD/src/cli/modemflash" --sysroot "$root" \
		flash --all "$pkg" --no-backup --verify=none >"$work/all$n.out" 2>&1 ||
		{ cat "$work/all$n.out" >&2; exit 1; }
	t1=$(now)
	for p in "${pids[@]}"; do simcpu=$(echo "$simcpu + $(cpu_s "$p")" | bc); done
	stop_sims
	rm -rf "$root" "$work"/all"$n"-s*
	echo "$(echo "$t1 - $t0" | bc) $(awk -v s="$simcpu" '{printf "%.2f", $1 + $2 + s}' "$work/all$n.cpu")"
}
ones=(); fours=(); onec=(); fourc=()
for i in $(seq "$RUNS"); do
	read -r w c < <(alls 1 "$work/pkg"); ones+=("$w"); onec+=("$c")
	read -r w c < <(alls 4 "$work/pkg"); fours+=("$w"); fourc+=("$c")
done
one=$(med "${ones[@]}"); four=$(med "${fours[@]}")
echo "--all: 1 module ${one}s, 4 modules ${four}s (medians of $RUNS; $(nproc) CPUs), ratio $(echo "scale=2; $four / $one" | bc)"
echo "--all CPU seconds (modemflash + simulators): 1 module $(med "${onec[@]}"), 4 modules $(med "${fourc[@]}")"
ascale=${MF_BENCH_ALL_SCALE:-0.1}
"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size $((1024 * 1024)) -o "$work/pkg-all" >/dev/null
ones=(); fours=()
for i in $(seq "$RUNS"); do
	read -r w c < <(alls 1 "$work/pkg-all" --timing real --time-scale "$ascale"); ones+=("$w")
	read -r w c < <(alls 4 "$work/pkg-all" --timing real --time-scale "$ascale"); fours+=("$w")
done
one=$(med "${ones[@]}"); four=$(med "${fours[@]}")
echo "--all at --timing real (time-scale $ascale, 1 MiB): 1 module ${one}s, 4 modules ${four}s" \
	"(medians of $RUNS), ratio $(echo "scale=2; $four / $one" | bc)"

# 4. fixed cost: a 1 MiB package end to end, and 64 MiB minus its program stage
"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size $((1024 * 1024)) -o "$work/pkg1" >/dev/null
smalls=()
for i in $(seq "$RUNS"); do
	read -r m p bytes w h s < <(flash_once "small$i" "$work/pkg1")
	smalls+=("$w")
done
echo "fixed cost: 1 MiB package, whole command $(med "${smalls[@]}")s (median of $RUNS);" \
	"$MIB MiB whole command minus its program stage $(echo "$w64 - $p64" | bc)s"

# 5. --timing real: the host's dead time = total - the simulator's busy time
if [ "${MF_BENCH_REAL:-1}" != 0 ]; then
	"$BUILD/tools/mkpkg" --profile bg95-m3 --revision "$REV" -o "$work/pkg-real" >/dev/null
	PROFILE=bg95-m3 start_sim "$roots/real-r" "$work/real-s" 1-1.4 --timing real --time-scale "$REAL_SCALE"
	bk=(--backup-dir "$work/real-backup")
	[ "$REAL_BACKUP" != 0 ] || bk=(--no-backup)
	for _ in $(seq 600); do	# the first boot takes the module's 20 s
		sim_ctl "$work/real-s" state | grep -q '"mode":"normal".*"rebooting":false' && break
		sleep 0.1
	done
	b0=$(sim_ctl "$work/real-s" state | python3 -c 'import json, sys; print(json.load(sys.stdin)["busy_s"])')
	t0=$(now)
	mf --sysroot "$roots/real-r" flash "$work/pkg-real" "${bk[@]}" \
		>"$work/real.out" 2>&1 || { cat "$work/real.out" >&2; exit 1; }
	t1=$(now)
	sim_ctl "$work/real-s" state | python3 -c 'import json, sys
st = json.load(sys.stdin); t, b0 = float(sys.argv[1]), float(sys.argv[2]); b = st["busy_s"] - b0
print("--timing real (bg95-m3, time-scale %s, %s, post-check): total %.2fs, module busy %.2fs, host dead time %.2fs"
      % (sys.argv[3], sys.argv[4], t, b, t - b))' \
		"$(echo "$t1 - $t0" | bc)" "$b0" "$REAL_SCALE" "$([ "$REAL_BACKUP" != 0 ] && echo backup || echo no backup)"
	stop_sims
fi

# 6. resume: cut at half the program bytes, re-run; against an uncut run
if [ "${MF_BENCH_RESUME:-1}" != 0 ]; then
	rsize=${MF_BENCH_RESUME_SIZE:-$BIG}
	[ "$rsize" -gt 0 ] || rsize=$SIZE
	rm -rf "$work/pkg-res"
	"$BUILD/tools/mkpkg" --profile "$PROFILE" --revision "$REV" --size "$rsize" -o "$work/pkg-res" >/dev/null
	reruns=(); fulls=(); fullps=()
	for i in $(seq "$RUNS"); do
		read -r m full_p bytes full_w h s < <(flash_once "resfull$i" "$work/pkg-res")
		fulls+=("$full_w"); fullps+=("$full_p")
		rm -rf "$roots/res-r" "$work/res-s"
		start_sim "$roots/res-r" "$work/res-s" 1-1.4 --fault "drop:program:$((bytes / 2))"
		if mf --sysroot "$roots/res-r" flash "$work/pkg-res" --no-backup --verify=none >"$work/res1.out" 2>&1; then
			echo "bench: the cut flash did not fail" >&2; exit 1
		fi
		sim_ctl "$work/res-s" power-cycle >/dev/null
		sleep 0.5
		t0=$(now)
		mf --sysroot "$roots/res-r" flash "$work/pkg-res" --no-backup --verify=none >"$work/res2.out" 2>&1 ||
			{ cat "$work/res2.out" >&2; exit 1; }
		t1=$(now)
		reruns+=("$(echo "$t1 - $t0" | bc)")
		stop_sims
	done
	python3 -c 'import sys; t, p, w = map(float, sys.argv[1:4]); print(
    "resume (%d MiB cut at half, medians of %s): re-run %.2fs; uncut run %.2fs, its program stage %.2fs;"
    " target (uncut minus half its program stage, + 1 s) %.2fs" % (int(sys.argv[4]) >> 20, sys.argv[5], t, w, p, w - p / 2 + 1))' \
		"$(med "${reruns[@]}")" "$(med "${fullps[@]}")" "$(med "${fulls[@]}")" "$rsize" "$RUNS"
	echo "resume samples: re-run ${reruns[*]}; uncut ${fulls[*]}"
	rm -rf "$work/pkg-res"
fi
