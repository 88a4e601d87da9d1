# SPDX-License-Identifier: BSD-3-Clause
"""Stage events of flash, backup and restore (docs/json.md): every stage
starts ("stage") and ends ("stage_end") with times and bytes, the final
result lists the same stages, progress events name the module and carry a
rate, and a failure ends its stage with ok false and an exit-code name."""
import json

import pytest

from flash_sim import Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def events(p):
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    return lines[:-1], lines[-1]


def check_pairs(evs, res):
    """Every start has its end, in order, matching the result's stages."""
    open_, seen = None, []
    for e in evs:
        if e["event"] == "stage":
            assert open_ is None, (open_, e)
            open_ = e
            assert e["usb_path"] == e["module"] == res["usb_path"]
            assert isinstance(e["start_ms"], int) and e["time"] > 1e9
        elif e["event"] == "stage_end":
            assert open_ and open_["stage"] == e["stage"], (open_, e)
            assert e["start_ms"] == open_["start_ms"] <= e["end_ms"]
            assert e["ms"] == e["end_ms"] - e["start_ms"]
            assert isinstance(e["bytes"], int) and isinstance(e["rate"], int)
            seen.append(e)
            open_ = None
    assert open_ is None
    got = [(s["stage"], s["start_ms"], s["end_ms"], s["bytes"], s["ok"])
           for s in res["stages"]]
    assert got == [(e["stage"], e["start_ms"], e["end_ms"], e["bytes"],
                    e["ok"]) for e in seen]
    return [s["stage"] for s in res["stages"]]


def test_flash_backup_restore_stages(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--boot-timeout", "60", xdg=xdg,
                json_out=True)
        assert p.returncode == 0, p.stderr
        evs, res = events(p)
        names = check_pairs(evs, res)
        assert names == ["package", "identify", "edl", "sahara", "configure",
                         "backup", "package-check", "program", "patch",
                         "verify", "reset", "post-check"]
        by = {s["stage"]: s for s in res["stages"]}
        assert by["program"]["bytes"] == res["bytes_written"] > 0
        assert by["backup"]["bytes"] == res["bytes_read"] > 0
        assert all(s["ok"] for s in res["stages"])
        prog = [e for e in evs if e["event"] == "progress"]
        assert prog and all(e["module"] == "1-1.4" for e in prog)
        assert all(isinstance(e["rate"], int) and e["time"] > 1e9
                   and isinstance(e["elapsed_ms"], int) for e in prog)
        # the human log no longer carries "== stage" lines at info level
        assert "== edl" not in p.stderr

        p = run(root, "backup", "-o", tmp_path / "bk", "--boot-timeout",
                "60", xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        evs, res = events(p)
        names = check_pairs(evs, res)
        assert "backup" in names and "program" not in names

        p = run(root, "restore", tmp_path / "bk", "--boot-timeout", "60",
                xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        evs, res = events(p)
        names = check_pairs(evs, res)
        assert "program" in names and "backup" not in names
    finally:
        s.stop()


def test_failed_stage_ends_not_ok(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD,
            faults=["drop:program:65536"])
    try:
        p = run(root, "flash", pkg, "--no-backup", xdg=xdg, json_out=True)
        assert p.returncode == 1, p.stderr
        evs, res = events(p)
        check_pairs(evs, res)
        last = res["stages"][-1]
        assert last["stage"] == "program" and last["ok"] is False
        assert res["code"] == "failed" and res["exit"] == 1
    finally:
        s.stop()
