# SPDX-License-Identifier: BSD-3-Clause
"""data/60-modemflash.rules tells ModemManager to leave EDL and crash-dump
devices alone (ID_MM_DEVICE_IGNORE on the USB device and its ports), and
never a module in normal mode: that one MM may manage, modemflash inhibits
it for each run."""
import os
import re

RULES = os.path.join(os.environ.get("MF_SOURCE_DIR", "."), "data",
                     "60-modemflash.rules")
TOKEN = re.compile(r'\s*([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|:=|=)\s*"([^"]*)"\s*,?')


def rules():
    out = []
    with open(RULES) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            toks, pos = [], 0
            while pos < len(line):
                m = TOKEN.match(line, pos)
                assert m, f"{RULES}:{n}: cannot parse at {line[pos:]!r}"
                toks.append(m.groups())
                pos = m.end()
            out.append(toks)
    return out


def ignoring(vid, pid):
    want = {("SUBSYSTEMS", "==", "usb"), ("ATTRS{idVendor}", "==", vid),
            ("ATTRS{idProduct}", "==", pid),
            ("ENV{ID_MM_DEVICE_IGNORE}", "=", "1")}
    return [r for r in rules() if want <= set(r)]


def test_edl_device_is_ignored_by_mm():
    assert len(ignoring("05c6", "9008")) == 1
    assert len(ignoring("05c6", "900e")) == 1


def test_normal_modules_stay_with_mm():
    for r in rules():
        if ("ENV{ID_MM_DEVICE_IGNORE}", "=", "1") in r:
            assert ("ATTRS{idVendor}", "==", "05c6") in r, r


def test_runs_before_mm_reads_it():
    # MM's own rules are 77-mm-*.rules and 80-mm-candidate.rules
    assert int(os.path.basename(RULES).split("-")[0]) < 77
