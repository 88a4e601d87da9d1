#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run every fuzz target of a -Dfuzz=true build for a number of seconds each,
starting from its committed seed corpus. Prints one line per target and
'N passed, N failed' at the end; exits 1 on any finding."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

build = sys.argv[1]
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
src = os.path.dirname(os.path.abspath(__file__))
passed = failed = 0
targets = sorted(glob.glob(os.path.join(build, "tests", "fuzz", "*", "fuzz-*")))
targets = [t for t in targets if os.access(t, os.X_OK) and os.path.isfile(t)]
for exe in targets:
    name = os.path.basename(exe)
    area = os.path.basename(os.path.dirname(exe))
    seeds = os.path.join(src, area, "corpus", name[len("fuzz-"):])
    work = tempfile.mkdtemp(prefix=name + "-")
    if os.path.isdir(seeds):
        for s in os.listdir(seeds):
            shutil.copy(os.path.join(seeds, s), work)
    cmd = [exe, f"-max_total_time={seconds}", "-max_len=65536", "-rss_limit_mb=2048",
           "-print_final_stats=0", work]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    ok = r.returncode == 0
    tail = r.stdout.strip().splitlines()[-3:]
    print(f"{'ok  ' if ok else 'FAIL'} {name} ({seconds}s): " + (tail[-1] if tail else ""))
    if not ok:
        print("\n".join(r.stdout.splitlines()[-40:]))
    shutil.rmtree(work, ignore_errors=True)
    passed += ok
    failed += not ok
if not targets:
    print("no fuzz targets found")
    failed += 1
print(f"fuzz: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
