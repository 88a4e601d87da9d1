# SPDX-License-Identifier: BSD-3-Clause
"""make bench as a smoke (MF_BENCH_SMOKE=1, small sizes): every part of
tools/bench.sh runs and prints its numbers. No timing target is asserted
(a shared CI machine decides those); only that each number is there and
is a number, so that the bench cannot rot unnoticed."""
import os
import re
import subprocess

SRC = os.environ["MF_SOURCE_DIR"]
BUILD = os.environ["MF_BUILD_DIR"]
NUM = r"(\.?\d+(?:\.\d+)?)"

# one pattern per part of the bench, each with the numbers it must print
PARTS = {
    "throughput": r"ratio to raw pty: modem image {0}, program stage {0}, whole command {0}",
    "raw pty": r"whole command {0} MB/s \({0}s\); raw pty {0} MB/s",
    "rss": r"peak RSS \(4 MiB\): modemflash {0} KiB, simulator {0} KiB",
    "all": r"--all: 1 module {0}s, 4 modules {0}s \(medians of 1; \d+ CPUs\), ratio {0}",
    "all cpu": r"--all CPU seconds \(modemflash \+ simulators\): 1 module {0}, 4 modules {0}",
    "all real": r"--all at --timing real \(time-scale 0.02, 1 MiB\): 1 module {0}s, 4 modules {0}s "
                r"\(medians of 1\), ratio {0}",
    "fixed": r"fixed cost: 1 MiB package, whole command {0}s .*minus its program stage -?{0}s",
    "dead": r"--timing real \(bg95-m3, time-scale 0.05, no backup, post-check\): total {0}s, "
            r"module busy {0}s, host dead time -?{0}s",
    "resume": r"resume \(4 MiB cut at half, medians of 1\): re-run {0}s; uncut run {0}s, its program stage {0}s",
}


def test_bench_smoke():
    env = dict(os.environ, MF_BENCH_SMOKE="1")
    p = subprocess.run(["bash", os.path.join(SRC, "tools", "bench.sh"), BUILD],
                       cwd=SRC, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    for part, pat in PARTS.items():
        m = re.search(pat.format(NUM), p.stdout)
        assert m, "bench part %s: no line like %r in:\n%s" % (part, pat, p.stdout)
        for g in m.groups():
            float(g)
    # the busy time of the module is counted: a dead time equal to the
    # total would mean the simulator reported none
    m = re.search(PARTS["dead"].format(NUM), p.stdout)
    assert float(m.group(2)) > 0, p.stdout
