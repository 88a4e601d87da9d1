# SPDX-License-Identifier: BSD-3-Clause
"""modemflash beside ModemManager: a stand-in MM on a private bus sees one
InhibitDevice(uid, true) before the first byte, no release until the run
is over (the EDL switch, re-enumeration and post-check included), and the
release at the end: explicit on success and failure, by the connection
closing on SIGINT. An absent MM changes nothing; a refusal is one sentence
with the fix, and the module is not touched."""
import os
import signal
import subprocess
import time

import pytest

from conftest import need, run_mf, sysfs_device
from flash_sim import MF, Sim, mkpkg, result

pytestmark = need

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def modem(root, rev=OLD):
    return {"device": sysfs_device(root), "revision": rev,
            "ports": [["ttyUSB2", 3], ["ttyUSB3", 3], ["ttyUSB0", 2]]}


@pytest.fixture
def mod(tmp_path):
    sims = []

    def start(rev=OLD, faults=(), timing=("--timing", "fast")):
        s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", rev,
                faults=faults, timing=timing)
        sims.append(s)
        return s

    yield start
    for s in sims:
        s.stop()


def ctl(tmp_path):
    return str(tmp_path / "state" / "control")


def one_hold(bus, root):
    """The one inhibition of a run: (the call, its release). The uid is
    the one MM was given (the module's sysfs path while it was up: a
    failed run may leave it gone from the tree)."""
    on = [c for c in bus.calls() if c["inhibit"]]
    assert len(on) == 1, bus.events()
    modems = bus.config["modems"]
    assert on[0]["uid"] in [m["device"] for m in modems]
    rel = bus.wait_release()
    assert len(rel) == 1, bus.events()
    assert rel[0]["uid"] == on[0]["uid"]
    assert rel[0]["sender"] == on[0]["sender"]
    return on[0], rel[0]


def test_flash_inhibits_once_across_edl(tmp_path, bus, mod):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod()
    bus.start_mm([modem(tmp_path / "root")], sim_control=ctl(tmp_path))
    p = run_mf(tmp_path / "root", "flash", pkg, "-v", env=bus.env(),
               xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    on, rel = one_hold(bus, tmp_path / "root")
    # taken before the first byte: the module still in normal mode on OLD
    assert on["sim"]["mode"] == "normal" and on["sim"]["revision"] == OLD
    # held through EDL and the reboot: released once it runs NEW
    assert rel["sim"]["mode"] == "normal", rel
    assert rel["sim"]["revision"] == NEW, rel
    assert rel["how"] == "uninhibit"
    assert "ModemManager leaves 1-1.4 alone" in p.stderr


@pytest.mark.parametrize("cmd", ["backup", "restore"])
def test_backup_restore_inhibit(tmp_path, bus, mod, cmd):
    mod()
    bus.start_mm([modem(tmp_path / "root")], sim_control=ctl(tmp_path))
    if cmd == "backup":
        args = ["backup", "-o", tmp_path / "bk",
                mkpkg(tmp_path, "bg95-m3", OLD)]
    else:
        args = ["restore", mkpkg(tmp_path, "bg95-m3", NEW)]
    p = run_mf(tmp_path / "root", *args, env=bus.env(), xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    on, rel = one_hold(bus, tmp_path / "root")
    assert on["sim"]["mode"] == "normal"
    assert rel["sim"]["mode"] == "normal", rel
    assert rel["sim"]["revision"] == (OLD if cmd == "backup" else NEW)


def test_failed_flash_releases(tmp_path, bus, mod):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod(faults=["drop:program:300000"])
    bus.start_mm([modem(tmp_path / "root")], sim_control=ctl(tmp_path))
    p = run_mf(tmp_path / "root", "flash", "--no-backup", pkg,
               "--boot-timeout", "20", env=bus.env(), xdg=tmp_path / "xdg")
    assert p.returncode not in (0, 3), p.stderr
    assert "lost the link" in p.stderr, p.stderr
    on, rel = one_hold(bus, tmp_path / "root")
    assert rel["how"] == "uninhibit"


def test_sigint_releases_by_closing(tmp_path, bus, mod):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod(faults=["slow:200"])
    bus.start_mm([modem(tmp_path / "root")], sim_control=ctl(tmp_path))
    e = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"), **bus.env())
    proc = subprocess.Popen([MF, "--sysroot", str(tmp_path / "root"),
                             "flash", pkg], env=e, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while not [c for c in bus.calls() if c["inhibit"]]:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    # 130 once the CLI handles SIGINT; killed by it until then
    assert proc.returncode in (130, -signal.SIGINT), err
    on, rel = one_hold(bus, tmp_path / "root")
    # explicit on the way out, or the bus telling MM the caller left
    assert rel["how"] in ("uninhibit", "vanished"), rel


def test_absent_mm_changes_nothing(tmp_path, bus, mod):
    """A bus without ModemManager, and no bus at all: same output."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod()
    p = run_mf(tmp_path / "root", "--json", "flash", "--no-backup", pkg,
               env=bus.env(), xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert "ModemManager" not in p.stderr + p.stdout
    q = run_mf(tmp_path / "root", "--json", "flash", "--no-backup",
               mkpkg(tmp_path, "bg95-m3", OLD), "--allow-downgrade", env={"DBUS_SYSTEM_BUS_ADDRESS":
                         "unix:path=" + str(tmp_path / "nobus")},
               xdg=tmp_path / "xdg")
    assert q.returncode == 0, q.stderr
    assert "ModemManager" not in q.stderr + q.stdout


def test_mm_without_this_module_changes_nothing(tmp_path, bus, mod):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod()
    other = {"device": "/sys/devices/pci0000:00/usb3/3-2", "ports": [
        ["ttyUSB9", 3]]}
    bus.start_mm([other])
    p = run_mf(tmp_path / "root", "flash", "--no-backup", pkg,
               env=bus.env(), xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert bus.calls() == [] and "ModemManager" not in p.stderr


@pytest.mark.parametrize("mode,words", [
    ("unauthorized", "refused to leave it alone"),
    ("old", "older than 1.10"),
])
def test_refused_inhibit_is_one_sentence(tmp_path, bus, mod, mode, words):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod()
    bus.start_mm([modem(tmp_path / "root")], mode=mode,
                 sim_control=ctl(tmp_path))
    p = run_mf(tmp_path / "root", "--json", "flash", pkg, env=bus.env(),
               xdg=tmp_path / "xdg")
    assert p.returncode == 1, p.stderr
    res, _ = result(p)
    assert words in res["error"], res
    assert "systemctl stop ModemManager" in res["hint"], res
    if mode == "unauthorized":
        # the fix as shipped: the polkit rule and the group it names
        assert "plugdev" in res["hint"] and "50-modemflash.rules" in res["hint"], res
        assert "ModemManager1.Control" in res["hint"], res
    errs = [l for l in p.stderr.splitlines() if "error" in l or ": flash:" in l]
    assert len(errs) == 1, p.stderr
    # nothing was sent: no backup, the module untouched
    assert res["stage"] == "package" and res["before"] == "", res
    assert not res["wrote"], res
    assert not os.path.exists(tmp_path / "xdg" / "modemflash" / "backups")


def test_inhibited_by_another_client_goes_on(tmp_path, bus, mod):
    """fwupd or `mmcli --inhibit-device` holds it already: MM has let go
    of the ports, so the run goes on."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    mod()
    bus.start_mm([modem(tmp_path / "root")], mode="busy")
    p = run_mf(tmp_path / "root", "flash", "--no-backup", pkg, "-v",
               env=bus.env(), xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert "another program inhibits it" in p.stderr
