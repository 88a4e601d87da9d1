# SPDX-License-Identifier: BSD-3-Clause
"""restore refuses what flash refuses: a package restored is judged by
the same preflight with the same overrides and backed up first (unless
--no-backup); a backup must be this module's own (IMEI in normal mode,
Sahara serial in EDL), another module's needs --allow-foreign-backup and
is then judged as a package."""
import json
import os
import shutil

import pytest

from flash_sim import BASELINES, Sim, backups, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(),
                                reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
M6 = BASELINES["bg95-m6"] + "_01.200.01.200"


@pytest.fixture
def m3(tmp_path):
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    yield s, tmp_path
    s.stop()


def untouched(s, rev=OLD):
    st = s.state_json()
    assert st["mode"] == "normal" and st["revision"] == rev, st


def test_restore_refuses_the_package_flash_refuses(m3):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m6", M6)
    f = run(tmp / "root", "flash", pkg, xdg=tmp / "xdg")
    assert f.returncode == 3, f.stderr
    r = run(tmp / "root", "restore", pkg, xdg=tmp / "xdg", json_out=True)
    assert r.returncode == 3, r.stderr
    rule = [l for l in f.stderr.splitlines() if "refused by rule" in l]
    assert rule and rule[0].split(": ", 2)[2] in r.stderr
    res, _ = result(r)
    assert not res["wrote"] and res["backup"] == ""
    untouched(s)
    assert backups(tmp / "xdg") == []


def test_restore_package_same_overrides_and_a_backup_first(m3):
    s, tmp = m3
    old = mkpkg(tmp, "bg95-m3", OLD)
    new = mkpkg(tmp, "bg95-m3", NEW)
    p = run(tmp / "root", "restore", new, "--boot-timeout", "30",
            xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 0, p.stderr
    res, events = result(p)
    [bk] = backups(tmp / "xdg")
    assert res["backup"] == bk
    stages = [e.get("stage") for e in events if e.get("event") == "progress"]
    assert stages.index("backup") < stages.index("program")
    man = json.load(open(os.path.join(bk, "manifest.json")))
    assert man["module"]["revision"] == OLD
    assert s.state_json()["revision"] == NEW
    # a downgrade needs the flash's override here too
    p = run(tmp / "root", "restore", old, xdg=tmp / "xdg")
    assert p.returncode == 3, p.stderr
    assert "--allow-downgrade" in p.stderr
    untouched(s, NEW)
    p = run(tmp / "root", "restore", old, "--allow-downgrade", "--no-backup",
            "--boot-timeout", "30", xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    assert res["backup"] == "" and len(backups(tmp / "xdg")) == 1
    assert s.state_json()["revision"] == OLD


def foreign_copy(bk, dst, imei=None, serial=None):
    shutil.copytree(bk, dst)
    path = os.path.join(dst, "manifest.json")
    man = json.load(open(path))
    if imei is not None:
        man["module"]["imei"] = imei
    if serial is not None:
        man["module"]["serial"] = serial
    json.dump(man, open(path, "w"))
    return dst


def test_foreign_backup_needs_the_override(m3):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", OLD)
    own = tmp / "own"
    p = run(tmp / "root", "backup", "-o", own, pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    other = foreign_copy(own, tmp / "other", imei="866349045999999",
                         serial="0x0badcafe")
    p = run(tmp / "root", "restore", other, xdg=tmp / "xdg")
    assert p.returncode == 3, p.stderr
    assert "IMEI 866349045999999" in p.stderr
    assert "--allow-foreign-backup" in p.stderr
    assert "== edl" not in p.stderr  # refused before the EDL switch
    untouched(s)
    # allowed, it is judged as a package: another module's calibration
    p = run(tmp / "root", "restore", other, "--allow-foreign-backup",
            "--no-backup", xdg=tmp / "xdg")
    assert p.returncode == 3, p.stderr
    assert "--allow-calibration-write" in p.stderr
    assert "allowed by --allow-foreign-backup" in p.stderr
    p = run(tmp / "root", "restore", other, "--allow-foreign-backup",
            "--allow-calibration-write", "--no-backup", "--boot-timeout",
            "30", xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == OLD
    # the module's own backup needs nothing
    p = run(tmp / "root", "restore", own, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    # a .partial is never a backup, even one that looks whole
    cut = tmp / "cut.partial"
    shutil.copytree(own, cut)
    p = run(tmp / "root", "restore", cut, xdg=tmp / "xdg")
    assert p.returncode == 7, p.stderr
    assert "is an unfinished backup" in p.stderr
    untouched(s)


def test_foreign_backup_refused_in_edl_by_serial(m3):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", OLD)
    own = tmp / "own"
    p = run(tmp / "root", "backup", "-o", own, pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    other = foreign_copy(own, tmp / "other", serial="0x0badcafe")
    assert s.control("boot-pin on") == "ok"
    assert s.control("power-cycle") == "ok"
    s.wait_mode("sahara")
    assert s.control("boot-pin off") == "ok"
    p = run(tmp / "root", "restore", other, xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 3, p.stderr
    assert "serial 0x0badcafe, this module is 0x1b95a301" in p.stderr
    res, _ = result(p)
    assert not res["wrote"]
    # its own backup goes back from EDL as before
    p = run(tmp / "root", "restore", own, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == OLD


def test_allow_foreign_backup_is_for_restore_only(m3):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    for cmd in ("flash", "backup"):
        p = run(tmp / "root", cmd, pkg, "--allow-foreign-backup",
                xdg=tmp / "xdg")
        assert p.returncode == 2, p.stderr
        assert "--allow-foreign-backup is for restore" in p.stderr
    untouched(s)
