# SPDX-License-Identifier: BSD-3-Clause
"""--all: three modules in parallel, one failing; each its own report."""
import pytest

from flash_sim import Sim, built, mkpkg, result, run_v as run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def test_all_three_one_failing(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    root = tmp_path / "root"
    sims = []
    try:
        for i, fault in enumerate([None, "drop:program:300000", None]):
            sims.append(Sim(root, tmp_path / f"state{i}", "bg95-m3", OLD,
                            faults=[fault] if fault else [],
                            usb_path=f"1-1.{i + 2}"))
        # generous: three modules at once on a loaded two-core machine
        p = run(root, "flash", "--all", pkg, "--boot-timeout", "120",
                xdg=tmp_path / "xdg", json_out=True)
        assert p.returncode == 1, p.stderr
        res, events = result(p)
        mods = {m["module"]: m for m in res["modules"]}
        assert set(mods) == {"1-1.2", "1-1.3", "1-1.4"}
        assert mods["1-1.2"]["ok"] and mods["1-1.4"]["ok"], (
            [(k, m.get("error"), m.get("hint")) for k, m in mods.items()],
            p.stderr[-3000:])
        assert not mods["1-1.3"]["ok"] and mods["1-1.3"]["backup"]
        assert "lost the link" in mods["1-1.3"]["error"]
        assert sims[0].state_json()["revision"] == NEW
        assert sims[2].state_json()["revision"] == NEW
        prog = {e["module"] for e in events if e.get("event") == "progress"}
        assert prog == {"1-1.2", "1-1.3", "1-1.4"}
    finally:
        for s in sims:
            s.stop()


def test_all_reads_the_package_once(tmp_path):
    """The package is opened and checked (md5 of every image) once for all
    modules, not once per module."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    root = tmp_path / "root"
    sims = []
    try:
        for i in range(2):
            sims.append(Sim(root, tmp_path / f"state{i}", "bg95-m3", OLD,
                            usb_path=f"1-1.{i + 2}"))
        p = run(root, "flash", "--all", pkg, "--no-backup", "--boot-timeout",
                "120", xdg=tmp_path / "xdg", json_out=True)
        assert p.returncode == 0, p.stderr
        assert p.stderr.count(" lines, programmer ") == 1, p.stderr
        assert all(s.state_json()["revision"] == NEW for s in sims)
    finally:
        for s in sims:
            s.stop()
