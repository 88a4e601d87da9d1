# SPDX-License-Identifier: BSD-3-Clause
"""--json for flash, backup, restore and reset: stdout is JSON Lines only,
every run ends with exactly one result object carrying the schema, and
every progress event has stage, done and total."""
import json

import pytest

from flash_sim import Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def lines_of(p, command, code):
    assert p.returncode == code, p.stdout + p.stderr
    lines = [json.loads(l) for l in p.stdout.splitlines()]   # all JSON
    results = [l for l in lines if "schema" in l]
    assert len(results) == 1 and results[0] is lines[-1], p.stdout
    res = results[0]
    assert res["schema"] == 1 and res["command"] == command
    assert res["exit"] == code and res["ok"] is (code == 0)
    if code:
        assert res["error"]
    for e in lines[:-1]:
        assert e["event"] in ("progress", "log", "stage", "stage_end"), e
        if e["event"] == "progress":
            assert isinstance(e["stage"], str) and e["stage"]
            assert isinstance(e["done"], int) and isinstance(e["total"], int)
            assert 0 <= e["done"] <= max(e["total"], e["done"])
        elif e["event"] == "log":
            assert e["level"] and "message" in e
        else:
            assert e["stage"] and e["module"]
    return res, lines


def stages(lines):
    return [l["stage"] for l in lines if l.get("event") == "progress"]


def test_every_command_ends_with_one_result(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        # usage errors too
        res, _ = lines_of(run(root, "flash", xdg=xdg, json_out=True),
                          "flash", 2)
        assert "which package" in res["error"]
        lines_of(run(root, "flash", pkg, "--verify=maybe", xdg=xdg,
                     json_out=True), "flash", 2)
        lines_of(run(root, "restore", pkg, "--programmer", "x", xdg=xdg,
                     json_out=True), "restore", 2)
        # a failure before the module is touched
        res, _ = lines_of(run(root, "backup", xdg=xdg, json_out=True),
                          "backup", 1)
        assert "--programmer" in res["hint"]
        res, _ = lines_of(run(root, "restore", tmp_path / "nowhere", xdg=xdg,
                              json_out=True), "restore", 7)

        # the update: progress per stage, monotonic within a stage
        res, lines = lines_of(run(root, "flash", pkg, "--boot-timeout", "60",
                                  xdg=xdg, json_out=True), "flash", 0)
        st = stages(lines)
        assert {"backup", "sahara", "program", "verify"} <= set(st)
        last = {}
        for l in lines:
            if l.get("event") == "progress":
                assert l["done"] >= last.get(l["stage"], 0)
                last[l["stage"]] = l["done"]
        prog = [l for l in lines if l.get("stage") == "program"
                and l["event"] == "progress"]
        assert prog[-1]["done"] == prog[-1]["total"] == res["bytes_written"]

        # up to date: still one result
        res, _ = lines_of(run(root, "flash", pkg, xdg=xdg, json_out=True),
                          "flash", 0)
        assert res["up_to_date"]

        # backup and restore
        res, lines = lines_of(run(root, "backup", "-o", tmp_path / "bk",
                                  "--boot-timeout", "60", xdg=xdg,
                                  json_out=True), "backup", 0)
        assert "backup" in stages(lines) and res["backup"] == str(tmp_path / "bk")
        res, lines = lines_of(run(root, "restore", tmp_path / "bk",
                                  "--boot-timeout", "60", xdg=xdg,
                                  json_out=True), "restore", 0)
        assert "program" in stages(lines) and res["after"] == NEW

        # reset in normal mode
        res, _ = lines_of(run(root, "reset", xdg=xdg, json_out=True),
                          "reset", 0)
        assert res["mode"] == "normal"
        s.wait_mode("normal")

        # --all: one result for all modules
        res, _ = lines_of(run(root, "flash", pkg, "--all", xdg=xdg,
                              json_out=True), "flash", 0)
        assert [m["up_to_date"] for m in res["modules"]] == [True]
    finally:
        s.stop()
