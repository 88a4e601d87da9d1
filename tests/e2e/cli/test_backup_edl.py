# SPDX-License-Identifier: BSD-3-Clause
"""A complete backup exists before the first erase on every path: a link
dropped in each stage before it, then a re-run from EDL that backs the
module up first; a kill after the EDL switch, then the same; a kill after
the first erase, then a re-run that keeps the backup taken before it
(never the half-written module read again, never a second one)."""
import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

from flash_sim import MF, Sim, backups, built, mkpkg, result, run_v as run

pytestmark = pytest.mark.skipif(not built(),
                                reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def partials(xdg):
    return [d for d, _, _ in os.walk(str(xdg)) if d.endswith(".partial")]


def assert_backup_of_old(bk, old_pkg):
    """Every image of the backup matches its manifest, and the modem
    partition holds the old firmware: it was read before any erase."""
    man = json.load(open(os.path.join(bk, "manifest.json")))
    names = {i["partition"] for i in man["images"]}
    assert {"SBL", "modem", "EFS2", "RAWDATA"} <= names
    for i in man["images"]:
        data = open(os.path.join(bk, i["file"]), "rb").read()
        assert hashlib.sha256(data).hexdigest() == i["sha256"], i
    modem = open(os.path.join(bk, "modem.bin"), "rb").read()
    mine = open(os.path.join(old_pkg, "update", "NON-HLOS.ubi"), "rb").read()
    assert modem[:4096] == mine[:4096]
    assert OLD.encode() in modem[:4096]
    assert NEW.encode() not in modem[:4096]
    assert open(os.path.join(bk, "EFS2.bin"), "rb").read().startswith(
        b"MFCAL1 EFS2 IMEI=")


def flash_json(tmp, pkg):
    p = run(tmp / "root", "flash", pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg", json_out=True)
    res, events = result(p)
    return p, res, events


def backup_before_first_write(events, writes=True):
    stages = [e.get("stage") for e in events if e.get("event") == "progress"]
    assert "backup" in stages, stages
    if not writes:  # resume found the package already on the module
        assert "program" not in stages, stages
        return
    assert "program" in stages, stages
    assert stages.index("backup") < stages.index("program")


@pytest.mark.parametrize("phase,bytes_", [
    ("sahara", 4096), ("configure", 10), ("read", 300000),
    ("read", 30000000),
])
def test_drop_before_first_erase_then_rerun_backs_up_from_edl(
        tmp_path, phase, bytes_):
    old_pkg = mkpkg(tmp_path, "bg95-m3", OLD)
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=[f"drop:{phase}:{bytes_}"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=tmp_path / "xdg", json_out=True)
        assert p.returncode == 1, p.stderr
        res, _ = result(p)
        assert not res["wrote"] and res["backup"] == ""
        # a hint names a backup only when there is one
        assert "restore" not in res["hint"], res["hint"]
        assert "nothing was written" in res["hint"], res["hint"]
        assert backups(tmp_path / "xdg") == []
        assert partials(tmp_path / "xdg") == []
        # the module comes back on the bus in EDL (replugged, not
        # power-cycled): the re-run starts there
        if not s.state_json()["present"]:
            assert s.control("plug") == "ok"
        st = s.wait_mode("sahara")
        assert st["present"], st
        p, res, events = flash_json(tmp_path, pkg)
        assert p.returncode == 0, p.stderr
        assert res["started_in_edl"]
        [bk] = backups(tmp_path / "xdg")
        assert res["backup"] == bk
        backup_before_first_write(events)
        assert_backup_of_old(bk, old_pkg)
        assert not os.path.exists(os.path.join(bk, ".flashing"))
        assert partials(tmp_path / "xdg") == []
        assert s.state_json()["revision"] == NEW
        # and it restores: the module runs the old firmware again
        p = run(tmp_path / "root", "restore", bk, "--boot-timeout", "30",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert s.state_json()["revision"] == OLD
    finally:
        s.stop()


def start_and_kill(tmp, pkg, s, when):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp / "xdg"))
    pr = subprocess.Popen([MF, "-v", "--sysroot", str(tmp / "root"), "flash", pkg],
                          env=env, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in pr.stderr:
        seen.append(line)
        if line.startswith(when):
            break
    pr.send_signal(signal.SIGKILL)
    pr.wait()
    pr.stderr.close()
    assert any(l.startswith(when) for l in seen), "".join(seen)


@pytest.mark.parametrize("when", ["diag: EDL switch accepted",
                                  "firehose: configured"])
def test_kill_after_edl_switch_then_rerun_backs_up_from_edl(tmp_path, when):
    old_pkg = mkpkg(tmp_path, "bg95-m3", OLD)
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        start_and_kill(tmp_path, pkg, s, when)
        # killed right after the switch was accepted: the module may still
        # be on its way into EDL
        deadline = time.monotonic() + 20
        while (s.state_json()["mode"] not in ("sahara", "firehose")
               and time.monotonic() < deadline):
            time.sleep(0.1)
        assert s.state_json()["mode"] in ("sahara", "firehose")
        assert backups(tmp_path / "xdg") == []
        p, res, events = flash_json(tmp_path, pkg)
        assert p.returncode == 0, p.stderr
        assert "no new backup taken" not in p.stderr
        assert res["started_in_edl"]
        [bk] = backups(tmp_path / "xdg")
        assert res["backup"] == bk
        backup_before_first_write(events)
        assert_backup_of_old(bk, old_pkg)
        assert partials(tmp_path / "xdg") == []
        assert s.state_json()["revision"] == NEW
    finally:
        s.stop()


def rerun_keeps(tmp, s, pkg, old_pkg, bk, how):
    p, res, events = flash_json(tmp, pkg)
    assert p.returncode == 0, p.stderr
    assert "kept, not read again" in p.stderr and how in p.stderr
    assert res["backup"] == bk and res["bytes_read"] == 0
    assert not any(e.get("stage") == "backup" for e in events
                   if e.get("event") == "progress")
    assert backups(tmp / "xdg") == [bk]
    assert partials(tmp / "xdg") == []
    assert not os.path.exists(os.path.join(bk, ".flashing"))
    assert s.state_json()["revision"] == NEW
    assert_backup_of_old(bk, old_pkg)
    p = run(tmp / "root", "restore", bk, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == OLD


@pytest.mark.parametrize("when", ["erase SBL", "erase modem",
                                  "program modem"])
def test_kill_after_first_erase_then_rerun_keeps_the_backup(tmp_path, when):
    """The first run's backup (taken before its first erase) is the one:
    after the kill the module is brought to EDL (BOOT pin, power-cycle);
    the re-run matches the backup by Sahara serial, HW ID and PK hash and
    reads nothing again; the backup restores the old firmware."""
    old_pkg = mkpkg(tmp_path, "bg95-m3", OLD)
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        start_and_kill(tmp_path, pkg, s, when)
        [bk] = backups(tmp_path / "xdg")
        assert os.path.exists(os.path.join(bk, ".flashing"))
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        assert s.control("boot-pin off") == "ok"
        rerun_keeps(tmp_path, s, pkg, old_pkg, bk, "same Sahara serial")
    finally:
        s.stop()


def kill_in_firehose(tmp, pkg, s):
    """A run killed right after its programmer upload: the programmer runs
    and waits, Sahara will not answer again."""
    env = dict(os.environ, XDG_DATA_HOME=str(tmp / "xdg"))
    pr = subprocess.Popen([MF, "-v", "--sysroot", str(tmp / "root"), "flash", pkg],
                          env=env, stderr=subprocess.DEVNULL)
    try:
        while pr.poll() is None:
            st = s.state_json()
            if st["mode"] == "firehose" and st["present"]:
                break
    finally:
        pr.send_signal(signal.SIGKILL)
        pr.wait()
    assert s.state_json()["mode"] == "firehose"


def test_kill_then_rerun_in_firehose_matches_by_calibration(tmp_path):
    """A kill after the first erase, then one after the programmer upload
    of the next run: the third run finds the programmer running (no Sahara
    identity) and matches the backup by the device's digests of its
    calibration partitions, which no flash writes."""
    old_pkg = mkpkg(tmp_path, "bg95-m3", OLD)
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        start_and_kill(tmp_path, pkg, s, "erase SBL")
        [bk] = backups(tmp_path / "xdg")
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        assert s.control("boot-pin off") == "ok"
        kill_in_firehose(tmp_path, pkg, s)
        rerun_keeps(tmp_path, s, pkg, old_pkg, bk, "same calibration digests")
    finally:
        s.stop()


def test_completed_flash_backup_is_not_reused(tmp_path):
    """After a flash that finished, its backup is history: a later flash
    from EDL (BOOT pin) reads the module again."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        p, res, _ = flash_json(tmp_path, pkg)
        assert p.returncode == 0, p.stderr
        [first] = backups(tmp_path / "xdg")
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        assert s.control("boot-pin off") == "ok"
        p, res, events = flash_json(tmp_path, pkg)
        assert p.returncode == 0, p.stderr
        assert "kept, not read again" not in p.stderr
        assert len(backups(tmp_path / "xdg")) == 2
        assert res["backup"] != first and res["bytes_read"] > 0
        # the same package again: the resume writes nothing, after the
        # new backup was read
        backup_before_first_write(events, writes=False)
        assert res["bytes_written"] == 0, res
    finally:
        s.stop()
