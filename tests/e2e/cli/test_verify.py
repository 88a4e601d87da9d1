# SPDX-License-Identifier: BSD-3-Clause
"""verify PKG: the module's partitions against a package by digest (read
back where the programmer has no digest), through EDL and back to normal
mode, writing nothing: exit 0 when every partition the package programs
holds its image, 6 naming those that differ, 7 for a missing package.
Nothing written is proven by the simulator's NAND (its hash) and its log
(no program, erase or patch)."""
import hashlib
import json
import os
import signal
import subprocess

import pytest

from flash_sim import MF, Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
VERBOSE = ("--timing", "fast", "--verbose")  # the simulator logs each command


def nand_hash(sim):
    h = hashlib.sha256()
    with open(os.path.join(sim.state, "nand.bin"), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sim_log(sim):
    sim.log.flush()
    with open(os.path.join(sim.state, "sim.log")) as f:
        return f.read()


def writes_in(log):
    return [l for l in log.splitlines()
            if any(f"firehose: <- {w}" in l for w in ("program", "erase", "patch"))]


def stages(res):
    return [s["stage"] for s in res["stages"]]


def test_verify_equal_after_flash(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD, timing=VERBOSE)
    try:
        p = run(root, "flash", pkg, "--no-backup", xdg=xdg)
        assert p.returncode == 0, p.stderr
        s.wait_mode("normal")
        before, mark = nand_hash(s), len(sim_log(s))
        p = run(root, "verify", pkg, xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res, lines = result(p)
        assert res["command"] == "verify" and res["ok"] is True
        assert res["differ"] == [] and res["verified"] == "digest"
        parts = {x["partition"]: x for x in res["partitions"]}
        assert {"SBL", "modem", "MIBIB"} <= set(parts)
        assert all(x["equal"] is True for x in parts.values())
        assert res["bytes_read"] == sum(x["bytes"] for x in parts.values()) > 0
        assert not res["wrote"] and res["bytes_written"] == 0
        assert res["came_back"] and res["after"] == NEW
        names = stages(res)
        assert names[-3:] == ["verify", "reset", "post-check"], names
        assert "edl" in names and "program" not in names and "backup" not in names
        # a stage_end event for every stage, all ok
        ends = [e for e in lines if e.get("event") == "stage_end"]
        assert [e["stage"] for e in ends] == names
        assert all(e["ok"] for e in ends)
        st = s.wait_mode("normal")
        assert st["revision"] == NEW
        assert nand_hash(s) == before
        log = sim_log(s)[mark:]
        assert "getsha256digest" in log and "DIAG: EDL switch" in log
        assert writes_in(log) == [], writes_in(log)
        # the person's version: the table and one line
        p = run(root, "verify", pkg, xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert "the module holds " + NEW in p.stdout
        assert "partition" in p.stdout and "the same image" in p.stdout
        assert "a different one" not in p.stdout
        assert nand_hash(s) == before
    finally:
        s.stop()


def test_verify_differ_names_partitions(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD, timing=VERBOSE)
    try:
        before = nand_hash(s)
        p = run(root, "verify", pkg, xdg=xdg, json_out=True)
        assert p.returncode == 6, p.stderr
        res, _ = result(p)
        assert res["ok"] is False and res["code"] == "mismatch"
        assert "modem" in res["differ"] and "SBL" in res["differ"]
        parts = {x["partition"]: x["equal"] for x in res["partitions"]}
        assert sorted(k for k, v in parts.items() if not v) == sorted(res["differ"])
        assert "modem" in res["error"] and "differ" in res["error"]
        assert "flash" in res["hint"] and "nothing was written" in res["hint"]
        # the reset and the post-check still ran, and succeeded
        assert res["came_back"] and res["after"] == OLD
        assert all(x["ok"] for x in res["stages"]), res["stages"]
        assert not res["wrote"]
        st = s.wait_mode("normal")
        assert st["revision"] == OLD
        assert nand_hash(s) == before
        assert writes_in(sim_log(s)) == []
        # human: the differing partitions named on stderr, the table on stdout
        p = run(root, "verify", pkg, xdg=xdg)
        assert p.returncode == 6
        err = [l for l in p.stderr.splitlines() if "differ from the package" in l]
        assert len(err) == 1 and "modem" in err[0], p.stderr
        assert "a different one" in p.stdout
        assert nand_hash(s) == before
    finally:
        s.stop()


def test_verify_reads_back_without_digest(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD, timing=VERBOSE,
            faults=["nak:getsha256digest"])
    try:
        before = nand_hash(s)
        p = run(root, "verify", pkg, xdg=xdg, json_out=True)
        assert p.returncode == 6, p.stderr
        res, _ = result(p)
        assert res["verified"] == "readback"
        assert "modem" in res["differ"]
        log = sim_log(s)
        assert "firehose: <- read" in log
        assert writes_in(log) == []
        assert nand_hash(s) == before
    finally:
        s.stop()


def test_verify_missing_package_is_7(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD, timing=VERBOSE)
    try:
        p = run(root, "verify", tmp_path / "no-such-package", xdg=xdg,
                json_out=True)
        assert p.returncode == 7, p.stderr
        res, _ = result(p)
        assert res["code"] == "bad-package"
        assert s.state_json()["mode"] == "normal"
        assert "EDL switch" not in sim_log(s)
    finally:
        s.stop()


@pytest.mark.parametrize("args,want", [
    ((), "which package?"),
    (("a", "b"), "unexpected argument 'b'"),
    (("pkg", "--no-backup"), "'--no-backup' is unknown"),
    (("pkg", "--boot-timeout", "x"), "--boot-timeout takes seconds"),
])
def test_verify_usage(tmp_path, args, want):
    p = run(tmp_path, "verify", *args, xdg=tmp_path, json_out=True)
    assert p.returncode == 2, p.stderr
    assert want in p.stderr
    res, _ = result(p)
    assert res["code"] == "usage"


def test_verify_without_module_is_4(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    p = run(tmp_path, "verify", pkg, xdg=tmp_path, json_out=True)
    assert p.returncode == 4, p.stderr


def test_verify_interrupted_restarts_the_module_unchanged(tmp_path):
    """SIGINT once the programmer runs: the module is sent back to normal
    mode (nothing was written), exit 130."""
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD, timing=VERBOSE)
    try:
        before = nand_hash(s)
        p = subprocess.Popen([MF, "--sysroot", str(root), "--json", "verify",
                              pkg], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, XDG_DATA_HOME=str(xdg)))
        lines, sent = [], False
        for line in p.stdout:
            ev = json.loads(line)
            lines.append(ev)
            if not sent and ev.get("event") == "stage" and \
                    ev.get("stage") == "configure":
                p.send_signal(signal.SIGINT)
                sent = True
        err = p.stderr.read()
        assert p.wait(timeout=60) == 130, err
        res = lines[-1]
        assert res["code"] == "interrupted"
        assert "normal mode, unchanged" in res["module_state"], res
        assert "continue with:" in err and " verify " in err
        st = s.wait_mode("normal")
        assert st["revision"] == OLD
        assert nand_hash(s) == before
        assert writes_in(sim_log(s)) == []
    finally:
        s.stop()


def test_verify_from_edl_leaves_it_there(tmp_path):
    """A module found in EDL (BOOT pin) is compared from Sahara on and left
    in EDL, as backup leaves it: no post-check, nothing written."""
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD, timing=VERBOSE)
    try:
        assert run(root, "flash", pkg, "--no-backup", xdg=xdg).returncode == 0
        s.wait_mode("normal")
        before, mark = nand_hash(s), len(sim_log(s))
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        assert s.control("boot-pin off") == "ok"
        p = run(root, "verify", pkg, xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        assert res["started_in_edl"] and res["differ"] == []
        names = stages(res)
        assert names[0] == "package" and "identify" not in names
        assert "verify" in names and "post-check" not in names, names
        assert s.state_json()["mode"] == "firehose"
        assert nand_hash(s) == before
        assert writes_in(sim_log(s)[mark:]) == []
    finally:
        s.stop()
