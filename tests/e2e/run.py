#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run one shard of an e2e folder under pytest, in a private temp folder.

    run.py DIR SHARD/COUNT [pytest arguments...]

The folder's test_*.py files are dealt to COUNT shards by their time in
weights.json (longest first, each to the shard with the least so far; a file
not listed there counts as the median; weights.py rewrites it from a run's
reports); this runs shard SHARD (1-based). Each run gets its own
--basetemp (pytest keeps only its last three folders under one shared
parent, so runs side by side would delete each other's), short enough for
the simulators' Unix sockets, removed afterwards. New files in DIR join a
shard without touching meson.build.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile


def weights(folder):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "weights.json")
    try:
        with open(path) as f:
            return json.load(f).get(os.path.basename(os.path.normpath(folder)), {})
    except (OSError, ValueError):
        return {}


def shard_files(folder, shard, count):
    files = sorted(f for f in os.listdir(folder)
                   if f.startswith("test_") and f.endswith(".py"))
    w = weights(folder)
    known = sorted(w[f] for f in files if f in w)
    median = known[len(known) // 2] if known else 1.0
    load = [0.0] * count
    mine = []
    for f in sorted(files, key=lambda f: (-w.get(f, median), f)):
        k = min(range(count), key=lambda i: (load[i], i))
        load[k] += w.get(f, median)
        if k == shard - 1:
            mine.append(os.path.join(folder, f))
    return sorted(mine)


def main(argv):
    if len(argv) < 3 or "/" not in argv[2]:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    shard, count = (int(x) for x in argv[2].split("/", 1))
    files = shard_files(folder, shard, count)
    if not files:
        print(f"run.py: shard {shard}/{count} of {folder} is empty")
        return 77  # meson: skipped
    # a timeout's SIGTERM still removes the temp folder
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base = tempfile.mkdtemp(prefix="mf-e2e-")
    try:
        cmd = [sys.executable, "-m", "pytest", *argv[3:],
               "--basetemp=" + os.path.join(base, "t"), *files]
        return subprocess.call(cmd)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
