# SPDX-License-Identifier: BSD-3-Clause
"""One run per module (ops/lock.h): a second run on a module that another
run holds is refused at once with exit 1, names the holder's pid and
module, and sends nothing, whatever stage the first run is in (also while
the module is off the bus during the EDL switch); different modules stay
parallel; the claim goes with the run."""
import fcntl
import json
import os
import subprocess
import time

import pytest

from flash_sim import BASELINES, MF, Sim, backups, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(),
                                reason="modemflash, sim or mkpkg not built")

OLD = f"{BASELINES['bg95-m3']}_01.009.01.009"
NEW = f"{BASELINES['bg95-m3']}_01.014.01.014"


@pytest.fixture
def env(tmp_path):
    sims = []

    def start(name="s", usb_path=None, rev=OLD):
        s = Sim(tmp_path / "root", tmp_path / f"state-{name}", "bg95-m3",
                rev, (), usb_path)
        sims.append(s)
        return s
    yield start, tmp_path
    for s in sims:
        s.stop()


def spawn(root, *args, xdg, log=None):
    cmd = [MF, "--sysroot", str(root), "--json"]
    if log:
        cmd += ["--log", str(log)]
    cmd += [str(a) for a in args]
    env = dict(os.environ, XDG_DATA_HOME=str(xdg))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def finish(p, timeout=240):
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


def sent_nothing(log):
    """The --log trace has every byte both ways: none for a refused run."""
    text = open(log).read()
    return "trace: -> " not in text and "trace: <- " not in text


def lock_files(root):
    d = os.path.join(str(root), "run", "lock")
    return sorted(f for f in os.listdir(d) if f.endswith(".lock")) \
        if os.path.isdir(d) else []


@pytest.mark.parametrize("offset", [0, 0.15, 0.3, 1, 2])
def test_second_flash_never_touches_the_module(env, offset):
    start, tmp = env
    s = start()
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    a = spawn(tmp / "root", "flash", pkg, "--boot-timeout", "60",
              xdg=tmp / "xdg-a", log=tmp / "a.log")
    time.sleep(offset)
    t0 = time.monotonic()
    b = spawn(tmp / "root", "flash", pkg, "--boot-timeout", "60",
              xdg=tmp / "xdg-b", log=tmp / "b.log")
    rb, outb, errb = finish(b, timeout=60)
    took = time.monotonic() - t0
    ra, outa, erra = finish(a)
    runs = {"a": (ra, outa, erra, a.pid, tmp / "a.log", tmp / "xdg-a"),
            "b": (rb, outb, errb, b.pid, tmp / "b.log", tmp / "xdg-b")}
    # at 0 s either may win the claim; later the first one has it
    won = "a" if offset or ra == 0 else "b"
    lost = "b" if won == "a" else "a"
    rw, outw, errw, pidw, _, xdgw = runs[won]
    rl, outl, errl, _, logl, xdgl = runs[lost]
    assert rw == 0, errw
    res, _ = result(subprocess.CompletedProcess([], rw, outw, errw))
    assert res["after"] == NEW and res["backup"]
    assert backups(xdgw) and not backups(xdgl)
    assert rl == 1, errl
    assert f"another modemflash (pid {pidw}) is updating 1-1.4" in errl
    assert "sent nothing" in errl
    resl = json.loads(outl.strip().splitlines()[-1])
    assert not resl["ok"] and resl["exit"] == 1
    assert sent_nothing(logl), "the refused run talked to the module"
    if lost == "b":
        assert took < 5, f"refusal took {took:.1f} s"
    assert s.state_json()["revision"] == NEW
    assert lock_files(tmp / "root") == []


def test_other_commands_while_a_flash_runs(env):
    """backup, reset and restore are refused; info and doctor name the
    holder and ask nothing; none of them sends a byte; the flash
    completes."""
    start, tmp = env
    s = start()
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    a = spawn(tmp / "root", "flash", pkg, "--boot-timeout", "60",
              xdg=tmp / "xdg-a")
    time.sleep(1)
    done = []
    for cmd in (["backup"], ["reset"], ["restore", pkg], ["info"],
                ["doctor"]):
        log = tmp / f"{cmd[0]}.log"
        done.append((cmd[0], log, run(tmp / "root", "--log", log, *cmd,
                                      xdg=tmp / "xdg-b", timeout=60,
                                      json_out=True)))
    ra, _, erra = finish(a)
    assert ra == 0, erra
    assert s.state_json()["revision"] == NEW
    for name, log, p in done:
        msg = f"another modemflash (pid {a.pid}) is updating 1-1.4 (flash)"
        assert msg in p.stderr, (name, p.stderr)
        assert sent_nothing(log), name
        res, _ = result(p)
        if name == "doctor":
            assert p.returncode == 0, p.stderr
            [f] = [f for f in res["findings"] if f["id"] == "in-use"]
            assert msg in f["message"]
            continue
        if name == "info":
            assert p.returncode == 0, p.stderr
            assert res["busy"]["pid"] == a.pid
            assert res["busy"]["command"] == "flash"
        else:
            assert p.returncode == 1, (name, p.stderr)
            assert not res["ok"] and res["exit"] == 1


def test_held_claim_refuses_before_the_first_byte(env):
    """A claim held by another process (here: this test, with flock on
    the lock file the way modemflash takes it): refused at once."""
    start, tmp = env
    s = start()
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    lockdir = tmp / "root" / "run" / "lock"
    lockdir.mkdir(parents=True, exist_ok=True)
    path = lockdir / "modemflash-0000:00:14.0+1.4.lock"
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(f"pid={os.getpid()}\nmodule=1-1.4\ncommand=flash\n")
        f.flush()
        p = run(tmp / "root", "--log", tmp / "b.log", "flash", pkg,
                xdg=tmp / "xdg", timeout=30)
        assert p.returncode == 1, p.stderr
        assert f"another modemflash (pid {os.getpid()}) is updating 1-1.4" \
            in p.stderr
        assert sent_nothing(tmp / "b.log")
    assert s.state_json()["revision"] == OLD
    assert s.state_json()["mode"] == "normal"
    # released: the same command now runs, and leaves no lock behind
    p = run(tmp / "root", "flash", pkg, "--boot-timeout", "60",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == NEW
    assert lock_files(tmp / "root") == []


def test_serial_claim_follows_the_module_to_another_port(env):
    """The Sahara serial is part of the claim: a run that finds, in EDL,
    a module whose serial another run holds (the module moved to another
    port) stops before the programmer upload."""
    start, tmp = env
    s = start()
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    s.control("boot-pin on")
    s.control("power-cycle")
    s.wait_mode("sahara")
    info = run(tmp / "root", "info", xdg=tmp / "xdg", json_out=True)
    serial = result(info)[0].get("serial") or \
        json.dumps(result(info)[0]).split('"serial": "')[1].split('"')[0]
    lockdir = tmp / "root" / "run" / "lock"
    lockdir.mkdir(parents=True, exist_ok=True)
    with open(lockdir / f"modemflash-serial-{serial}.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(f"pid={os.getpid()}\nmodule=1-1.7\ncommand=flash\n")
        f.flush()
        p = run(tmp / "root", "flash", pkg, xdg=tmp / "xdg", timeout=60)
        assert p.returncode == 1, p.stderr
        assert f"another modemflash (pid {os.getpid()}) is updating 1-1.7" \
            in p.stderr
    assert s.state_json()["mode"] == "sahara"
    assert s.state_json()["revision"] == OLD


def test_different_modules_run_in_parallel(env):
    start, tmp = env
    s4 = start("a", "1-1.4")
    s5 = start("b", "1-1.5")
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    t0 = time.monotonic()
    a = spawn(tmp / "root", "-d", "1-1.4", "flash", pkg, "--boot-timeout",
              "60", xdg=tmp / "xdg-a")
    b = spawn(tmp / "root", "-d", "1-1.5", "flash", pkg, "--boot-timeout",
              "60", xdg=tmp / "xdg-b")
    ra, _, erra = finish(a)
    ta = time.monotonic() - t0
    rb, _, errb = finish(b)
    tb = time.monotonic() - t0
    assert ra == 0, erra
    assert rb == 0, errb
    assert s4.state_json()["revision"] == NEW
    assert s5.state_json()["revision"] == NEW
    # side by side, not one after the other
    assert max(ta, tb) < 1.6 * min(ta, tb), (ta, tb)


def test_second_fota_on_the_same_port_is_refused(tmp_path):
    """A UART that belongs to no module is claimed by its device."""
    import fota_sim
    if not fota_sim.have_sim():
        pytest.skip("modemflash-sim or tools/mkdelta not built")
    s = fota_sim.Sim(tmp_path / "root",
                     timing=("--timing", "real", "--time-scale", "0.1"))
    try:
        delta = fota_sim.mkdelta(tmp_path / "d.bin", "01.009", "01.014")
        a = subprocess.Popen([MF, "fota", str(delta), "--port", s.port],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        time.sleep(1)
        b = fota_sim.fota("fota", delta, "--port", s.port, timeout=30)
        out, err = a.communicate(timeout=300)
        assert a.returncode == 0, err
        assert b.returncode == 1, b.stderr
        assert f"another modemflash (pid {a.pid}) is updating {s.port} " \
            "(fota)" in b.stderr
        assert s.qgmr().endswith("01.014.01.014")
    finally:
        s.stop()
