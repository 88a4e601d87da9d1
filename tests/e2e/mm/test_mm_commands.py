# SPDX-License-Identifier: BSD-3-Clause
"""The other commands that talk to a module ModemManager manages: fota over
the USB AT port (held through the module's restarts), reset; and fota over
a UART, which MM does not probe: no call at all."""
from conftest import need, run_mf, sysfs_device
from flash_sim import Sim
from fota_sim import Sim as UartSim, mkdelta

pytestmark = need

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def modem(root):
    return {"device": sysfs_device(root), "revision": OLD,
            "ports": [["ttyUSB2", 3], ["ttyUSB3", 3]]}


def test_fota_usb_at_port_holds_through_restart(tmp_path, bus):
    delta = mkdelta(tmp_path / "d.bin", OLD, NEW)
    root = tmp_path / "root"
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        bus.start_mm([modem(root)],
                     sim_control=str(tmp_path / "state" / "control"))
        p = run_mf(root, "fota", delta, "--port", root / "dev" / "ttyUSB2",
                   env=bus.env(), xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        on = [c for c in bus.calls() if c["inhibit"]]
        assert len(on) == 1 and on[0]["uid"] == sysfs_device(root)
        assert on[0]["sim"]["revision"] == OLD
        rel = bus.wait_release()
        assert len(rel) == 1 and rel[0]["how"] == "uninhibit"
        assert rel[0]["sim"]["revision"] == NEW, rel
    finally:
        s.stop()


def test_reset_inhibits_and_releases(tmp_path, bus):
    root = tmp_path / "root"
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        bus.start_mm([modem(root)],
                     sim_control=str(tmp_path / "state" / "control"))
        p = run_mf(root, "reset", env=bus.env(), xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        on = [c for c in bus.calls() if c["inhibit"]]
        assert len(on) == 1 and on[0]["sim"]["mode"] == "normal"
        assert len(bus.wait_release()) == 1
    finally:
        s.stop()


def test_fota_over_uart_asks_nothing(tmp_path, bus):
    delta = mkdelta(tmp_path / "d.bin", OLD, NEW)
    s = UartSim(tmp_path / "uart")
    try:
        bus.start_mm([{"device": "/sys/devices/pci0000:00/usb1/1-1.4",
                       "ports": [["ttyUSB2", 3]]}])
        p = run_mf(tmp_path / "uart", "fota", delta, "--port", s.port,
                   env=bus.env(), xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert bus.calls() == [] and "ModemManager" not in p.stderr
    finally:
        s.stop()


def test_info_inhibits_only_when_mm_holds_its_port(tmp_path, bus):
    root = tmp_path / "root"
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        # MM drives this modem over QMI only: info leaves it connected
        bus.start_mm([{"device": sysfs_device(root), "revision": OLD,
                       "ports": [["cdc-wdm0", 6], ["wwan0", 2]]},
                      {"device": sysfs_device(root) + "-x",
                       "ports": [["ttyUSB7", 3]]}])
        p = run_mf(root, "info", env=bus.env(), xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert OLD in p.stdout
        assert bus.calls() == [], bus.events()
    finally:
        s.stop()


def test_info_on_a_port_mm_holds(tmp_path, bus):
    root = tmp_path / "root"
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        bus.start_mm([modem(root)])
        p = run_mf(root, "info", env=bus.env(), xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert OLD in p.stdout
        assert len([c for c in bus.calls() if c["inhibit"]]) == 1
        assert len(bus.wait_release()) == 1
    finally:
        s.stop()


def test_all_one_connection_per_module(tmp_path, bus):
    """--all: each thread inhibits its own module on its own connection
    and releases it; a module MM does not list is left out."""
    from flash_sim import mkpkg
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    root = tmp_path / "root"
    sims = []
    try:
        for i in range(3):
            sims.append(Sim(root, tmp_path / f"state{i}", "bg95-m3", OLD,
                            usb_path=f"1-1.{i + 2}"))
        bus.start_mm([{"device": sysfs_device(root, f"1-1.{i + 2}"),
                       "revision": OLD, "ports": []} for i in (0, 1)])
        p = run_mf(root, "flash", "--all", "--no-backup", pkg,
                   "--boot-timeout", "120", env=bus.env(),
                   xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        on = [c for c in bus.calls() if c["inhibit"]]
        assert sorted(c["uid"] for c in on) == sorted(
            sysfs_device(root, f"1-1.{i + 2}") for i in (0, 1))
        assert len({c["sender"] for c in on}) == 2
        rel = bus.wait_release(2)
        assert sorted(r["uid"] for r in rel) == sorted(c["uid"] for c in on)
    finally:
        for s in sims:
            s.stop()
