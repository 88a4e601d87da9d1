# SPDX-License-Identifier: BSD-3-Clause
"""doctor asks ModemManager over D-Bus: does it run, does it manage this
module (on which ports), can it be asked to leave it alone. It never
inhibits anything itself."""
import json

import pytest

from conftest import need, run_mf, sysfs_device
from flash_sim import Sim

pytestmark = need

OLD = "BG95M3LAR02A03_01.009.01.009"


def findings(p):
    res = [json.loads(l) for l in p.stdout.splitlines() if l.strip()][-1]
    assert res["command"] == "doctor"
    return {f["id"]: f for f in res["findings"]}, res


@pytest.fixture
def sim(tmp_path):
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    yield s
    s.stop()


def modem(root):
    return {"device": sysfs_device(root), "revision": OLD,
            "ports": [["ttyUSB2", 3], ["ttyUSB3", 3]]}


def test_doctor_names_mm_and_its_ports(tmp_path, bus, sim):
    bus.start_mm([modem(tmp_path / "root")])
    p = run_mf(tmp_path / "root", "--json", "doctor", env=bus.env(),
               xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stdout + p.stderr
    f, res = findings(p)
    m = f["modemmanager"]
    assert m["severity"] == "info"
    assert "ModemManager 1.20.4 manages 1-1.4" in m["message"]
    assert "ttyUSB2, ttyUSB3" in m["message"]
    assert sysfs_device(tmp_path / "root") in m["evidence"]
    assert res["updatable"] is True
    # doctor looks, it does not inhibit
    assert bus.calls() == []
    assert bus.calls("GetManagedObjects")


def test_doctor_old_mm_blocks(tmp_path, bus, sim):
    bus.start_mm([modem(tmp_path / "root")], mode="old")
    p = run_mf(tmp_path / "root", "--json", "doctor", env=bus.env(),
               xdg=tmp_path / "xdg")
    assert p.returncode == 1, p.stdout + p.stderr
    f, _ = findings(p)
    assert "older than 1.10" in f["modemmanager-old"]["message"]
    assert "systemctl stop ModemManager" in f["modemmanager-old"]["fix"]


def test_doctor_mm_without_this_module(tmp_path, bus, sim):
    bus.start_mm([])
    p = run_mf(tmp_path / "root", "--json", "doctor", env=bus.env(),
               xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stdout + p.stderr
    f, _ = findings(p)
    assert "does not list 1-1.4" in f["modemmanager-unlisted"]["message"]


def test_doctor_without_mm_says_nothing_of_it(tmp_path, bus, sim):
    p = run_mf(tmp_path / "root", "--json", "doctor", env=bus.env(),
               xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "ModemManager" not in p.stdout + p.stderr


def test_port_held_by_mm_on_the_bus_is_not_blocking(tmp_path, bus, sim):
    """MM's own TIOCEXCL on the AT port is what InhibitDevice lifts; a
    holder that is not MM is still named by process."""
    root = tmp_path / "root"
    for pid, comm, tty in (("812", "ModemManager", "ttyUSB2"),
                           ("4242", "minicom", "ttyUSB0")):
        fd = root / "proc" / pid / "fd"
        fd.mkdir(parents=True)
        (root / "proc" / pid / "comm").write_text(comm + "\n")
        (fd / "11").symlink_to(root / "dev" / tty)
    bus.start_mm([modem(root)])
    p = run_mf(root, "--json", "doctor", env=bus.env(), xdg=tmp_path / "xdg")
    f, res = findings(p)
    assert "modemmanager" in f
    busy = [x for x in res["findings"] if x["id"] == "port-busy"]
    assert len(busy) == 1, res["findings"]
    assert "minicom (pid 4242)" in busy[0]["message"]
