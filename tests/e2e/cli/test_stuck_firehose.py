# SPDX-License-Identifier: BSD-3-Clause
"""A module left in EDL with its Firehose programmer running (an earlier
run failed after the upload: here a NAK of the first erase, so nothing
was written): no Sahara HELLO comes any more, only Firehose answers. Every
command recognises it and carries on with that programmer, or restarts
it through Firehose, without a power-cycle (issue 13)."""
import json
import os
import time

import pytest

from fault_pkg import trimmed_package
from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "EC25EFAR06A01M4G_01.001.01.001"
NEW = "EC25EFAR06A01M4G_01.003.01.003"


@pytest.fixture
def stuck(tmp_path):
    """A simulated ec25 whose programmer runs, abandoned by a failed flash."""
    pkg = mkpkg(tmp_path, "ec25", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "ec25", OLD,
            faults=["nak:erase"])
    p = run(s.root, "flash", pkg, "--no-backup", xdg=tmp_path / "xdg")
    assert p.returncode == 1 and "refused <erase>" in p.stderr, p.stderr
    assert s.state_json()["mode"] == "firehose"
    yield s, pkg
    s.stop()


def test_info_says_programmer_runs_and_how_to_free_it(stuck, tmp_path):
    s, _ = stuck
    t = time.monotonic()
    p = run(s.root, "info", xdg=tmp_path / "xdg", json_out=True)
    assert time.monotonic() - t < 10, "the probe must not wait 23 s"
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    assert res["firehose_running"] is True
    assert "free it:   modemflash -d 1-1.4 reset" in p.stderr


def test_doctor_blocks_with_the_command_that_frees_it(stuck, tmp_path):
    s, _ = stuck
    p = run(s.root, "doctor", xdg=tmp_path / "xdg", json_out=True)
    assert p.returncode == 1, p.stderr
    res, _ = result(p)
    f = {x["id"]: x for x in res["findings"]}
    assert f["edl-firehose"]["severity"] == "error", f
    assert "Firehose programmer running" in f["edl-firehose"]["message"]
    assert "modemflash -d 1-1.4 reset" in f["edl-firehose"]["fix"]
    assert res["updatable"] is False
    # and the fix it names works, no power-cycle
    p = run(s.root, "-d", "1-1.4", "reset", xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    s.wait_mode("normal")
    p = run(s.root, "doctor", xdg=tmp_path / "xdg", json_out=True)
    res, _ = result(p)
    assert "edl-firehose" not in {x["id"] for x in res["findings"]}, res


def test_reset_restarts_it_through_firehose(stuck, tmp_path):
    s, _ = stuck
    p = run(s.root, "reset", xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    st = s.wait_mode("normal")
    assert st["revision"] == OLD  # nothing had been erased


def test_flash_carries_on_with_the_programmer(stuck, tmp_path):
    s, pkg = stuck
    t = time.monotonic()
    p = run(s.root, "-v", "flash", pkg, "--no-backup", xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert "carrying on with the Firehose programmer" in p.stderr
    assert time.monotonic() - t < 30
    assert s.state_json()["revision"] == NEW


def test_backup_carries_on_with_the_programmer(stuck, tmp_path):
    s, _ = stuck
    out = tmp_path / "bk"
    p = run(s.root, "backup", "-o", out, trimmed_package(tmp_path),
            xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    man = json.loads((out / "manifest.json").read_text())
    parts = {x["partition"] for x in man["images"]}
    assert {"SBL", "modem", "EFS2", "RAWDATA"} <= parts, parts
    for x in man["images"]:
        assert (out / x["file"]).exists(), x


def test_restore_carries_on_with_the_programmer(stuck, tmp_path):
    s, pkg = stuck
    p = run(s.root, "restore", pkg, xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.wait_mode("normal")["revision"] == NEW


def test_boot_rom_whose_hello_was_taken(tmp_path):
    """Not stuck, but the same probe: the BOOT pin put it in Sahara and a
    prober (doctor here) read its only HELLO; flash asks for a fresh one."""
    pkg = mkpkg(tmp_path, "ec25", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "ec25", OLD)
    try:
        s.control("boot-pin on")
        s.control("power-cycle")
        s.wait_mode("sahara")
        p = run(s.root, "doctor", xdg=tmp_path / "xdg", json_out=True)
        res, _ = result(p)
        assert "edl-firehose" not in {x["id"] for x in res["findings"]}
        s.control("boot-pin off")
        p = run(s.root, "flash", pkg, "--no-backup", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == NEW
    finally:
        s.stop()
