# SPDX-License-Identifier: BSD-3-Clause
"""flash --dry-run and restore --dry-run: identity, verdict, the backup and
the write plan in flash's order, bytes and an estimate; the module never
leaves normal mode, nothing is written, no backup is made."""
import json
import os

import pytest

from flash_sim import Sim, backups, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
VERBOSE = ("--timing", "fast", "--verbose")  # the simulator logs each command


def last(p):
    return json.loads(p.stdout.splitlines()[-1])


def test_flash_dry_run_plans_and_sends_nothing(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--dry-run", xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res = last(p)
        assert res["dry_run"] is True and res["before"] == OLD
        assert res["package_revision"] == NEW and res["after"] == ""
        assert not res["wrote"] and res["bytes_written"] == 0
        names = [x["stage"] for x in res["stages"]]
        assert "edl" not in names and "program" not in names, names
        plan = res["plan"]
        back = [x["partition"] for x in plan["backup"]]
        assert "SBL" in back and "EFS2" in back          # calibration too
        assert plan["backup_bytes"] == sum(x["bytes"] for x in plan["backup"])
        w = plan["write"]
        assert (w[0]["op"], w[0]["partition"]) == ("erase", "SBL")
        assert (w[-1]["op"], w[-1]["partition"]) == ("program", "SBL")
        assert plan["write_bytes"] == sum(x["bytes"] for x in w) > 0
        assert plan["estimated_seconds"] > 0
        st = s.state_json()
        assert st["mode"] == "normal" and st["revision"] == OLD
        assert backups(xdg) == []
        # the person's version
        p = run(root, "flash", pkg, "--dry-run", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert "dry run: would update" in p.stdout
        assert "backup first: " in p.stdout and "erase SBL" in p.stdout
        assert "estimated time" in p.stdout
        assert s.state_json()["revision"] == OLD
    finally:
        s.stop()


def test_dry_run_refusal_is_3_and_names_the_flag(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", "BG95M3LAR02A03_01.008.01.008")
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--dry-run", xdg=xdg, json_out=True)
        assert p.returncode == 3, p.stderr
        assert "--allow-downgrade" in p.stderr
        assert s.state_json()["mode"] == "normal"
    finally:
        s.stop()


def test_restore_dry_run(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        # any package can be restored; a dry run reads no backup first
        p = run(root, "restore", pkg, "--dry-run", xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res = last(p)
        assert res["dry_run"] and res["plan"]["backup"] == []
        assert res["plan"]["write"] and not res["wrote"]
        assert s.state_json()["revision"] == OLD
        p = run(root, "backup", "--dry-run", xdg=xdg, json_out=True)
        assert p.returncode == 2 and "--dry-run is for flash and restore" in p.stderr
    finally:
        s.stop()


def test_all_dry_run_plans_every_module_and_sends_nothing(tmp_path):
    """flash --all --dry-run: a plan for each module; none leaves normal
    mode, nothing is written, no backup is made."""
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    sims = []
    try:
        for i in range(2):
            sims.append(Sim(root, tmp_path / f"state{i}", "bg95-m3", OLD,
                            usb_path=f"1-1.{i + 2}", timing=VERBOSE))
        p = run(root, "flash", "--all", pkg, "--dry-run", xdg=xdg,
                json_out=True)
        assert p.returncode == 0, p.stderr
        res = last(p)
        mods = {m["usb_path"]: m for m in res["modules"]}
        assert set(mods) == {"1-1.2", "1-1.3"}
        for m in mods.values():
            assert m["ok"] and m["dry_run"] and not m["wrote"]
            assert m["plan"]["write"] and m["plan"]["backup"]
            assert m["before"] == OLD and m["after"] == ""
            assert "edl" not in [x["stage"] for x in m["stages"]]
        for s in sims:
            st = s.state_json()
            assert st["mode"] == "normal" and st["revision"] == OLD
            with open(os.path.join(s.state, "sim.log")) as f:
                log = f.read()
            assert "EDL switch" not in log and "firehose" not in log
        assert backups(xdg) == []
        # the person's version: one plan per module
        p = run(root, "flash", "--all", pkg, "--dry-run", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert p.stdout.count("dry run: would update") == 2, p.stdout
        assert "1-1.2: dry run" in p.stdout and "1-1.3: dry run" in p.stdout
    finally:
        for s in sims:
            s.stop()
