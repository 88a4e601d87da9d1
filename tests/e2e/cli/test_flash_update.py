# SPDX-License-Identifier: BSD-3-Clause
"""flash: the normal update with backup and post-check, the up-to-date
re-run, refusals before any write, restore of the backup."""
import json
import os

import pytest

from flash_sim import (BASELINES, Sim, backups, built, mkpkg, read_part,
                       result, run)

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")


@pytest.fixture
def env(tmp_path):
    sims = []

    def start(profile, rev, faults=(), name="s", usb_path=None, root=None):
        s = Sim(root or tmp_path / "root", tmp_path / f"state-{name}", profile,
                rev, faults, usb_path)
        sims.append(s)
        return s
    yield start, tmp_path
    for s in sims:
        s.stop()


def rev(profile, v):
    return f"{BASELINES[profile]}_{v}.{v}"


def test_bg95_m3_update_with_backup_and_post_check(env):
    start, tmp = env
    old, new = rev("bg95-m3", "01.009"), rev("bg95-m3", "01.014")
    pkg = mkpkg(tmp, "bg95-m3", new)
    s = start("bg95-m3", old)
    p = run(tmp / "root", "flash", pkg, "--boot-timeout", "30", xdg=tmp / "xdg",
            json_out=True)
    assert p.returncode == 0, p.stderr
    res, events = result(p)
    assert res["ok"] and res["command"] == "flash"
    assert res["before"] == old and res["after"] == new
    assert res["came_back"] and res["verified"] == "digest"
    stages = {e["stage"] for e in events if e.get("event") == "progress"}
    assert {"backup", "program", "verify"} <= stages
    assert s.state_json()["revision"] == new
    # the backup: a package with the old firmware, per-image SHA-256
    [bk] = backups(tmp / "xdg")
    assert res["backup"] == bk
    man = json.load(open(os.path.join(bk, "manifest.json")))
    assert man["module"]["revision"] == old
    assert man["module"]["imei"] == s.state_json()["imei"]
    names = {i["partition"] for i in man["images"]}
    assert {"SBL", "modem", "EFS2", "RAWDATA"} <= names
    import hashlib
    for i in man["images"]:
        data = read_part(bk, i["partition"])
        assert hashlib.sha256(data).hexdigest() == i["sha256"]
    assert read_part(bk, "EFS2").startswith(b"MFCAL1 EFS2 IMEI=")

    # up to date: says so, exits 0, writes nothing (no new backup)
    p = run(tmp / "root", "flash", pkg, xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert "already runs" in p.stdout and "nothing written" in p.stdout
    assert len(backups(tmp / "xdg")) == 1

    # restore the backup: back to the old revision
    p = run(tmp / "root", "restore", bk, "--boot-timeout", "30", xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == old


def test_downgrade_refused_before_anything(env):
    start, tmp = env
    pkg = mkpkg(tmp, "bg95-m3", rev("bg95-m3", "01.009"))
    s = start("bg95-m3", rev("bg95-m3", "01.014"))
    p = run(tmp / "root", "flash", pkg, xdg=tmp / "xdg")
    assert p.returncode == 3, p.stderr
    assert "downgrade" in p.stderr and "--allow-downgrade" in p.stderr
    assert backups(tmp / "xdg") == []
    assert s.state_json()["mode"] == "normal"


@pytest.mark.parametrize("fault,rule", [
    ("geometry:p4K_b256K", "geometry"),
    ("hwid:0x000480E1", "chip"),
    ("pkhash:" + "ab" * 48, "pk"),
])
def test_hardware_mismatch_refused_before_erase(env, fault, rule):
    start, tmp = env
    old = rev("bg95-m3", "01.009")
    pkg = mkpkg(tmp, "bg95-m3", rev("bg95-m3", "01.014"))
    s = start("bg95-m3", old, faults=[fault])
    p = run(tmp / "root", "flash", pkg, "--no-backup", xdg=tmp / "xdg")
    assert p.returncode == 3, p.stdout + p.stderr
    assert rule in p.stderr.lower()
    assert "nothing was written" in p.stderr
    # nothing erased: a power-cycle boots the old firmware
    s.control("power-cycle")
    st = s.wait_mode("normal")
    assert st["revision"] == old
