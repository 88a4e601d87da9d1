# SPDX-License-Identifier: BSD-3-Clause
"""SIGINT and SIGTERM (base/stop.h): a run stops at the next safe point
(never while the boot loader is erased and not yet programmed, unless
asked twice), says where the module is and the command that continues,
exits 130 (SIGINT) or 143 (SIGTERM), leaves no lock and no temporary
files; a plain re-run then completes."""
import json
import os
import signal
import subprocess
import time
import zipfile

import pytest

from flash_sim import BASELINES, MF, Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(),
                                reason="modemflash, sim or mkpkg not built")

OLD = f"{BASELINES['bg95-m3']}_01.009.01.009"
NEW = f"{BASELINES['bg95-m3']}_01.014.01.014"


@pytest.fixture
def env(tmp_path):
    sims = []

    def start(rev=OLD, timing=None):
        s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", rev,
                timing=timing or ("--timing", "fast"))
        sims.append(s)
        s.wait_mode("normal")
        return s
    (tmp_path / "tmp").mkdir()
    yield start, tmp_path
    for s in sims:
        s.stop()


def seen(ev, when):
    """when: ("log", "== sahara") or ("progress", "backup")."""
    kind, what = when
    if kind == "log":
        return ev.get("event") == "log" and ev.get("message") == what
    return (ev.get("event") == "progress" and ev.get("stage") == what
            and 0 < ev.get("done", 0))


def interrupt(tmp, args, when, sigs=(signal.SIGINT,), gap=0.3):
    """Run modemflash --json ARGS; at the first event matching when, send
    sigs (gap apart). Returns (exit code, result object, stderr, events)."""
    cmd = [MF, "--sysroot", str(tmp / "root"), "--json", *map(str, args)]
    env = dict(os.environ, XDG_DATA_HOME=str(tmp / "xdg"),
               TMPDIR=str(tmp / "tmp"))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    events, sent = [], False
    for line in p.stdout:
        if not line.strip():
            continue
        ev = json.loads(line)
        events.append(ev)
        if not sent and seen(ev, when):
            for i, sig in enumerate(sigs):
                if i:
                    time.sleep(gap)
                p.send_signal(sig)
            sent = True
    err = p.stderr.read()
    p.wait(timeout=120)
    assert sent, f"never saw {when}: {err}"
    return p.returncode, events[-1], err, events


def lock_files(tmp):
    d = tmp / "root" / "run" / "lock"
    return sorted(os.listdir(d)) if d.is_dir() else []


def settle(s, timeout=30):
    """A module left restarting is back on the bus before the re-run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = s.state_json()
        if st["present"] and not st.get("rebooting"):
            return st
        time.sleep(0.1)
    raise AssertionError(f"module not settled: {s.state_json()}")


def rerun_completes(tmp, s, pkg, args=("flash",)):
    settle(s)
    p = run(tmp / "root", *args, pkg, "--boot-timeout", "60", xdg=tmp / "xdg",
            json_out=True)
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == NEW
    assert s.state_json()["mode"] == "normal"


REAL = ("--timing", "real", "--time-scale", "0.05")
BACK = "restarting in normal mode, unchanged"
NEW_FW = "restarting into the new firmware (not yet confirmed)"

# stage -> the event to stop at, the states the module may be left in, the
# simulator's timing and flash options (real timing, no backup: stages that
# last long enough to be hit, and a short test)
STAGES = {
    "before-edl": (("log", "== identify"),
                   ("in normal mode, unchanged",
                    "in EDL (Sahara), nothing written", BACK), None, ()),
    "sahara": (("log", "== sahara"),
               ("in EDL (Sahara), nothing written", BACK), None, ()),
    # nothing written: the programmer restarts it in normal mode
    "backup": (("progress", "backup"), (BACK,), None, ()),
    # the first line of the write erases SBL: the write, its verification
    # and the reset go on to the end (SBL is programmed last); the run
    # stops in the post-check
    # (a signal that lands before the first erase stops there: nothing
    # written, back to normal mode)
    "erase": (("log", "== program"), (NEW_FW, BACK), REAL, ("--no-backup",)),
    "program": (("progress", "program"), (NEW_FW,), REAL, ("--no-backup",)),
    "post-check": (("log", "== post-check"), (NEW_FW,), REAL,
                   ("--no-backup",)),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_sigint_at_each_stage_then_rerun(env, stage):
    start, tmp = env
    when, states, timing, opts = STAGES[stage]
    s = start(timing=timing)
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    args = ["flash", pkg, *opts, "--boot-timeout", "60"]
    rc, res, err, _ = interrupt(tmp, args, when)
    assert rc == 130, err
    assert not res["ok"] and res["exit"] == 130
    assert res["interrupted"] == "SIGINT"
    assert res["module_state"] in states, res
    assert "interrupted (SIGINT) during" in res["error"]
    assert f"continue with: modemflash -d 1-1.4 --sysroot {tmp / 'root'}" \
        f" --json {' '.join(map(str, args))}" in err
    assert "run the same command again to continue" in res["hint"]
    assert lock_files(tmp) == []
    assert os.listdir(tmp / "tmp") == []
    if res["module_state"] == BACK:
        assert s.wait_mode("normal")["revision"] == OLD
    rerun_completes(tmp, s, pkg)


def test_sigterm_exits_143_and_removes_the_extracted_package(env):
    start, tmp = env
    s = start()
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    zpath = tmp / "pkg.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for dirpath, _, files in os.walk(pkg):
            for f in files:
                full = os.path.join(dirpath, f)
                z.write(full, os.path.relpath(full, os.path.dirname(pkg)))
    rc, res, err, _ = interrupt(tmp, ["flash", zpath], ("progress", "backup"),
                                sigs=(signal.SIGTERM,))
    assert rc == 143, err
    assert res["interrupted"] == "SIGTERM" and res["exit"] == 143
    assert "interrupted (SIGTERM) during the backup" in res["error"]
    assert res["module_state"] == BACK
    assert os.listdir(tmp / "tmp") == []
    assert lock_files(tmp) == []
    rerun_completes(tmp, s, zpath)


def test_second_sigint_stops_inside_the_write(env):
    """Asked twice, the write stops between two commands although SBL is
    erased: the module stays in Firehose, and boots into EDL (no SBL),
    from where a plain re-run completes."""
    start, tmp = env
    s = start(timing=REAL)
    pkg = mkpkg(tmp, "bg95-m3", NEW, size=8 << 20)
    rc, res, err, events = interrupt(
        tmp, ["flash", pkg, "--no-backup"], ("progress", "program"),
        sigs=(signal.SIGINT, signal.SIGINT), gap=0.05)
    assert rc == 130, err
    assert "stopping once the write is complete and verified" in err
    assert res["module_state"] == ("in EDL with the programmer running, "
                                   "partly written (it boots into EDL "
                                   "until a flash completes)"), res
    assert res["wrote"] and not res["came_back"]
    assert lock_files(tmp) == []
    s.control("power-cycle")
    assert s.wait_mode("sahara")
    rerun_completes(tmp, s, pkg, args=("flash", "--no-backup"))


def test_sigint_during_backup_command(env):
    start, tmp = env
    s = start()
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    rc, res, err, _ = interrupt(tmp, ["backup", "-o", tmp / "bk", pkg],
                                ("progress", "backup"))
    assert rc == 130, err
    assert res["module_state"] == BACK
    assert lock_files(tmp) == []
    assert s.wait_mode("normal")["revision"] == OLD
    rerun_completes(tmp, s, pkg)


def test_sigint_during_fota_upload_then_rerun(tmp_path):
    """fota over the UART: the upload stops between two blocks, the
    partial file is deleted, the firmware is unchanged, the claim on the
    port is gone; a plain re-run completes."""
    import fota_sim
    if not fota_sim.have_sim():
        pytest.skip("modemflash-sim or tools/mkdelta not built")
    s = fota_sim.Sim(tmp_path / "root",
                     timing=("--timing", "real", "--time-scale", "0.1"))
    try:
        delta = fota_sim.mkdelta(tmp_path / "d.bin", "01.009", "01.014")
        (tmp_path / "tmp").mkdir()
        cmd = [MF, "--json", "fota", str(delta), "--port", s.port]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        sent = False
        for line in p.stdout:
            ev = json.loads(line)
            if not sent and ev.get("event") == "progress" and \
                    ev.get("stage") == "upload" and ev.get("done", 0) > 0:
                p.send_signal(signal.SIGINT)
                sent = True
        err = p.stderr.read()
        p.wait(timeout=120)
        assert sent, err
        assert p.returncode == 130, err
        assert "interrupted (SIGINT) during the upload" in err
        assert "the partial file was deleted, the firmware is unchanged" \
            in err
        assert f"continue with: modemflash --json fota {delta} --port " \
            f"{s.port}" in err
        files = s.at('AT+QFLST="*"')
        assert not any("dfota_update.bin" in ln for ln in files)
        assert s.qgmr().endswith("01.009.01.009")
        r = fota_sim.fota("fota", delta, "--port", s.port)
        assert r.returncode == 0, r.stderr
        assert s.qgmr().endswith("01.014.01.014")
    finally:
        s.stop()
