# SPDX-License-Identifier: BSD-3-Clause
"""--log FILE keeps the protocol trace but sums up bulk data: each <read>
and <program> data phase is one line with its bytes and SHA-256, never the
image bytes as hex; -vv shows them."""
import hashlib
import os
import re

import pytest

from flash_sim import Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
HEX = re.compile(r"\] (trace|raw): (<-|->) ((?:[0-9a-f]{2} ?)+)")
DATA = re.compile(r"firehose (<-|->) data at sector (\d+): (\d+) bytes, "
                  r"sha256 ([0-9a-f]{64})$")


def hex_lines(text):
    return [m for m in map(HEX.search, text.splitlines()) if m]


def test_log_sums_up_bulk_data(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        log = tmp_path / "trace.log"
        p = run(root, "--log", log, "flash", pkg, xdg=xdg)
        assert p.returncode == 0, p.stderr
        text = log.read_text()
        assert "firehose -> <?xml" in text        # the protocol trace is kept
        data = [m.groups() for m in map(DATA.search, text.splitlines()) if m]
        reads = [d for d in data if d[0] == "<-"]
        progs = [d for d in data if d[0] == "->"]
        assert len(progs) == 11 and len(reads) > 11, (len(progs), len(reads))
        # the modem image as sent (whole sectors): its digest is the line's
        with open(os.path.join(pkg, "update", "NON-HLOS.ubi"), "rb") as f:
            img = f.read()
        sizes = {int(d[2]) for d in progs}
        padded = next(n for n in sorted(sizes) if n >= len(img))
        want = hashlib.sha256(img + b"\0" * (padded - len(img))).hexdigest()
        assert want in {d[3] for d in progs}
        # no image bytes as hex: what is left are short protocol packets
        hx = hex_lines(text)
        assert len(hx) < 300, len(hx)
        assert not any(re.fullmatch(r"(ff ?)+", m.group(3).strip())
                       for m in hx if len(m.group(3)) > 12)
        assert os.path.getsize(log) < 1_000_000
    finally:
        s.stop()


def test_log_vv_keeps_the_hex(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        log = tmp_path / "trace.log"
        p = run(root, "-vv", "--log", log, "flash", pkg, "--no-backup",
                xdg=xdg)
        assert p.returncode == 0, p.stderr[-2000:]
        text = log.read_text()
        assert "] raw: -> " in text
        assert not any(DATA.search(l) for l in text.splitlines())
    finally:
        s.stop()
