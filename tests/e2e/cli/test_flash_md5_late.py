# SPDX-License-Identifier: BSD-3-Clause
"""The package's md5 check runs in a thread of its own while a flash
reaches the module (identify, EDL switch, Sahara, backup) and is waited for
in the stage "package-check", before the first erase (found damaged
sooner, the run ends before the EDL switch or the backup). A damaged image
still ends the run with exit 7 and nothing written; a module that came
from normal mode is sent back there, unchanged, one found in EDL stays in
EDL; either way the next command with a good package flashes it."""
import os

import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def damage(pkg):
    """One byte of the modem image flipped, its md5.txt line kept: the
    size and every XML still match, only the md5 tells."""
    path = os.path.join(pkg, "update", "NON-HLOS.ubi")
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) // 2)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0x5A]))
    return path, b


def repair(path, b):
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) // 2)
        f.write(b)


def storage(s):
    st = s.state_json()["storage"]
    return st["erase"]["commands"], st["program"]["bytes"]


def refused(p):
    assert p.returncode == 7, p.stdout + p.stderr
    res, _ = result(p)
    assert res["code"] == "bad-package" and res["stage"] == "package-check"
    assert "md5 of \\update\\NON-HLOS.ubi" in res["error"], res["error"]
    assert res["bytes_written"] == 0
    assert "nothing was written" in res["hint"], res["hint"]
    stages = [x["stage"] for x in res["stages"]]
    assert "program" not in stages and stages[-1] == "package-check"
    return res, stages


def test_damaged_image_from_normal_mode(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    path, b = damage(pkg)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--boot-timeout", "60", xdg=xdg,
                json_out=True)
        res, stages = refused(p)
        # the check ran while the module was reached: it failed before
        # the EDL switch, or in EDL (then the module is sent back)
        assert stages[:2] == ["package", "identify"], stages
        if "edl" in stages:
            assert "restarts in normal mode, unchanged" in res["hint"]
        else:
            assert "the module is unchanged" in res["hint"], res["hint"]
        assert storage(s) == (0, 0)
        assert s.wait_mode("normal")["revision"] == OLD
        # the next command finds it where a flash starts
        repair(path, b)
        p = run(root, "flash", pkg, "--no-backup", "--boot-timeout", "60",
                xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        assert not res["started_in_edl"]
        assert "package-check" in [x["stage"] for x in res["stages"]]
        assert s.wait_mode("normal")["revision"] == NEW
    finally:
        s.stop()


def test_damaged_image_found_in_edl(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    path, b = damage(pkg)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        assert s.control("boot-pin off") == "ok"
        p = run(root, "flash", pkg, "--no-backup", "--boot-timeout", "60",
                xdg=xdg, json_out=True)
        res, _ = refused(p)
        assert res["started_in_edl"]
        assert "waits in EDL, as it was found" in res["hint"]
        assert storage(s) == (0, 0)
        assert s.state_json()["mode"] in ("sahara", "firehose")
        repair(path, b)
        p = run(root, "flash", pkg, "--no-backup", "--boot-timeout", "60",
                xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == NEW
    finally:
        s.stop()


def test_damaged_package_on_an_up_to_date_module(tmp_path):
    """Nothing to write, but the package is still judged: not "up to
    date" with an image that does not match its md5."""
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    damage(pkg)
    s = Sim(root, tmp_path / "state", "bg95-m3", NEW)
    try:
        p = run(root, "flash", pkg, xdg=xdg, json_out=True)
        res, stages = refused(p)
        assert "edl" not in stages and res["ok"] is False
        assert s.state_json()["mode"] == "normal"
    finally:
        s.stop()


def test_damaged_image_dry_run(tmp_path):
    """A dry run checks the package before it answers, as before."""
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    damage(pkg)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--dry-run", xdg=xdg, json_out=True)
        assert p.returncode == 7, p.stdout + p.stderr
        res, _ = result(p)
        assert res["stage"] == "package" and "md5 of" in res["error"]
        assert s.state_json()["mode"] == "normal"
    finally:
        s.stop()
