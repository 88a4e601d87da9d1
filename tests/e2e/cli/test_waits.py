# SPDX-License-Identifier: BSD-3-Clause
"""Every wait is bounded by a timeout scaled to the work and says what it
waits for at least every 5 s: an unanswered getsha256digest during the
backup gives "waiting" events (JSON) or lines (terminal) within 5 s, and
a timeout of seconds for a 1.25 MiB partition (12 s), not two minutes."""
import time

import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
SBL_BYTES = 10 * 128 * 1024     # the first partition the backup reads
SLOW_BPS = 1_000_000            # proto/firehose.h: t.slow_bps


def test_unanswered_digest_waits_in_view_and_in_proportion(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["silent:getsha256digest"])
    try:
        t0 = time.monotonic()
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=tmp_path / "xdg", json_out=True)
        took = time.monotonic() - t0
        res, lines = result(p)
        assert p.returncode == 0 and res["after"] == NEW, p.stderr
        waits = [l for l in lines if l.get("event") == "waiting"]
        assert waits, p.stdout[-2000:]
        assert all(w["for"] == "the answer to <getsha256digest>"
                   for w in waits), waits
        # the first report comes within 5 s of silence, then every <= 5 s
        assert waits[0]["elapsed"] <= 5, waits
        gaps = [b["elapsed"] - a["elapsed"] for a, b in zip(waits, waits[1:])]
        assert all(g <= 5 for g in gaps), waits
        # 10 s base + 1.25 MiB at 1 MB/s: 12 s, not the 120 s of before
        want = 10 + SBL_BYTES / SLOW_BPS
        assert {w["timeout"] for w in waits} == {int(want + 0.999)}, waits
        assert len(waits) == int(want // 4), waits
        assert took < 60, took
    finally:
        s.stop()


def test_unanswered_digest_on_a_terminal_says_what_it_waits_for(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["silent:getsha256digest"])
    try:
        p = run(tmp_path / "root", "backup", "-o", tmp_path / "bk", pkg,
                "--boot-timeout", "30", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert ("waiting for the answer to <getsha256digest>: 4 s of at "
                "most 12 s") in p.stderr, p.stderr
        assert "no answer to <getsha256digest>" in p.stderr, p.stderr
    finally:
        s.stop()


def test_module_that_never_comes_back_is_waited_for_in_view(tmp_path):
    """The BOOT pin is held: after the reset the module comes back in EDL,
    never in normal mode. The post-check says what it waits for every
    4 s, up to --boot-timeout, and the answer to a garbled reset is named
    in the error."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["corrupt:power"])
    try:
        s.control("boot-pin on")
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                "--boot-timeout", "12", xdg=tmp_path / "xdg", json_out=True)
        res, lines = result(p)
        assert p.returncode == 1, p.stderr
        waits = [l for l in lines if l.get("event") == "waiting"]
        back = [w for w in waits if w["for"].startswith(
            "the module to come back in normal mode at 1-1")]
        assert back and back[0]["elapsed"] <= 5, waits
        assert {w["timeout"] for w in back} == {12}, waits
        gaps = [b["elapsed"] - a["elapsed"] for a, b in zip(back, back[1:])]
        assert all(g <= 5 for g in gaps), waits
        assert "did not come back in normal mode within 12 s" in p.stderr
        assert "after the reset: Firehose: malformed answer to <power>" \
            in p.stderr
    finally:
        s.stop()


def test_module_that_does_not_come_back_in_edl_is_waited_for_in_view(tmp_path):
    """A DIAG switch the module never confirmed (its port dropped) makes
    the host wait up to 10 s for 05c6:9008: that wait is reported too."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["drop:diag:3"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=tmp_path / "xdg", json_out=True)
        assert p.returncode != 0, p.stdout[-2000:]
        waits = [l for l in result(p)[1] if l.get("event") == "waiting"]
        follow = [w for w in waits if "USB port chain" in w["for"]]
        assert follow, p.stdout[-3000:]
        assert follow[0]["elapsed"] <= 5 and "edl mode" in follow[0]["for"]
    finally:
        s.stop()
