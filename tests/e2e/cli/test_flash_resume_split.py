# SPDX-License-Identifier: BSD-3-Clause
"""A big image cut half way (a 48 MiB modem image, the link dropped at
24 MiB of program data): the re-run finds by the digests of a few 2 MiB
chunks how much of the image's start the module holds, erases and
programs only the rest, checks the whole image at once, and verifies all.
When the start only looked held (a bad block in it moves the data once
the rest of the partition is erased), the whole check catches it and the
image is written whole, before the SBL."""
import pytest

from flash_sim import Sim, built, mkpkg, run_v as run
from test_flash_resume import NEW, OLD, rerun

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

SIZE = 48 * 1024 * 1024
CUT = SIZE // 2
MODEM_PAGE = 316 * 64        # bg95-m3: modem starts at block 316


def cut_and_rerun(tmp_path, faults):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW, size=SIZE)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=faults + ["drop:program:%d" % CUT])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg")
        assert p.returncode != 0 and "lost the link" in p.stderr, p.stderr
        s.control("power-cycle")
        s.wait_mode("sahara")
        return rerun(tmp_path, s, pkg)
    finally:
        s.stop()


def test_cut_half_way_rerun_writes_the_rest_of_the_image(tmp_path):
    p, res = cut_and_rerun(tmp_path, [])
    assert "resume: modem cut half way" in p.stderr, p.stderr
    assert "program modem from sector " in p.stderr
    assert "does not check out whole" not in p.stderr
    # checked whole before the SBL: the verify stage does not read it again
    assert "verified modem (by digest, when its rest was written)" in p.stderr
    # the rest of the modem image and the small images, not the whole
    # (rerun: the module's own count agrees, and all is verified)
    assert SIZE * 0.4 < res["bytes_written"] < SIZE * 0.6, res["bytes_written"]


def test_cut_half_way_start_moved_by_a_bad_block_is_written_whole(tmp_path):
    # a bad block 2.5 MiB into the modem partition, inside the held start
    p, res = cut_and_rerun(tmp_path, ["badblock:%d" % (MODEM_PAGE + 20 * 64)])
    assert "resume: modem cut half way" in p.stderr, p.stderr
    assert "does not check out whole" in p.stderr, p.stderr
    # the image went whole at the end, and the SBL after it
    assert res["bytes_written"] >= SIZE
    progs = [l.split()[1] for l in p.stderr.splitlines() if l.startswith("program ")]
    assert progs[-1] == "SBL"
