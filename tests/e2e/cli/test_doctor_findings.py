# SPDX-License-Identifier: BSD-3-Clause
"""doctor: one test per finding. Trees built here for the host-side
findings; the simulator for the field report (test_usb_enable_*.py)."""
import os
import tempfile

import pytest

from conftest import BG95_IFACES, MF, add_device, json_lines


def findings(r):
    res = json_lines(r.stdout)[-1]
    assert res["command"] == "doctor"
    events = [e for e in json_lines(r.stdout) if e.get("event") == "finding"]
    assert [e["id"] for e in events] == [f["id"] for f in res["findings"]]
    return {f["id"]: f for f in res["findings"]}, res


def test_nothing_anywhere(mf, tmp_path):
    r = mf("--json", "doctor", sysroot=tmp_path)
    assert r.returncode == 1
    f, res = findings(r)
    assert res["updatable"] is False
    assert "no module found: nothing on USB (no --port given)" in f["nothing"]["message"]
    assert "BOOT pin" in f["nothing"]["fix"]


def test_uart_adapter_that_does_not_answer(mf, tmp_path):
    master, slave = os.openpty()
    try:
        add_device(tmp_path, "3-1", 0x0403, 0x6001,
                   [(0, "ff/ff/ff", "ftdi_sio", "ttyUSB5")], busnum=3)
        node = tmp_path / "dev" / "ttyUSB5"
        node.unlink()
        node.symlink_to(os.ttyname(slave))
        r = mf("--json", "doctor", "--port", "/dev/ttyUSB5", sysroot=tmp_path)
    finally:
        os.close(master)
        os.close(slave)
    assert r.returncode == 1
    f, _ = findings(r)
    assert f["uart-adapter"]["severity"] == "warning"
    assert "is a FTDI USB-UART (0403:6001 at USB 3-1)" in f["uart-adapter"]["message"]
    assert "modemflash fota FILE --port /dev/ttyUSB5" in f["uart-adapter"]["fix"]
    assert "nothing answers AT on /dev/ttyUSB5" in f["nothing"]["message"]


def test_missing_port(mf, tmp_path):
    r = mf("--json", "doctor", "--port", "/dev/ttyUSB7", sysroot=tmp_path)
    assert r.returncode == 1
    f, _ = findings(r)
    assert f["no-port"]["message"] == "/dev/ttyUSB7 does not exist"


def test_no_tty_names_new_id_line(mf, tmp_path):
    add_device(tmp_path, "1-1.4", 0x2c7c, 0x0700,
               [(n, c, None, None) for n, c, _, _ in BG95_IFACES])
    r = mf("--json", "doctor", sysroot=tmp_path)
    assert r.returncode == 1
    f, _ = findings(r)
    assert "the option driver does not know this product ID" in f["no-tty"]["message"]
    assert ("echo 2c7c 0700 | sudo tee /sys/bus/usb-serial/drivers/option1/new_id"
            in f["no-tty"]["fix"])


def test_edl_only_and_qcserial(mf, tmp_path):
    add_device(tmp_path, "1-2", 0x05c6, 0x9008,
               [(0, "ff/ff/ff", "qcserial", "ttyUSB0")], devnum=64)
    r = mf("--json", "doctor", sysroot=tmp_path)
    f, res = findings(r)
    assert "emergency download mode" in f["edl"]["message"]
    assert "modemflash -d 1-2 flash PKG" in f["edl"]["fix"]
    assert "modemflash -d 1-2 restore DIR" in f["edl"]["fix"]
    assert "detaches it automatically" in f["qcserial-edl"]["message"]
    assert f["qcserial-edl"]["severity"] == "info"
    # a module in EDL can be flashed as it is
    assert r.returncode == 0 and res["updatable"] is True


def test_single_interface_0122_edl(mf, tmp_path):
    add_device(tmp_path, "2-1", 0x2c7c, 0x0122, [(0, "ff/ff/10", None, None)],
               busnum=2)
    f, _ = findings(mf("--json", "doctor", sysroot=tmp_path))
    assert "2-1 is in emergency download mode" in f["edl"]["message"]
    assert "ff/ff/10" in f["edl"]["evidence"]


def test_port_held_by_modemmanager(mf, tmp_path):
    add_device(tmp_path, "1-1.4", 0x2c7c, 0x0700, BG95_IFACES)
    fd = tmp_path / "proc" / "812" / "fd"
    fd.mkdir(parents=True)
    (tmp_path / "proc" / "812" / "comm").write_text("ModemManager\n")
    (fd / "11").symlink_to("/dev/ttyUSB2")
    r = mf("--json", "doctor", sysroot=tmp_path)
    assert r.returncode == 1
    f, _ = findings(r)
    assert f["port-busy"]["message"] == \
        f"{tmp_path}/dev/ttyUSB2 is held open by ModemManager (pid 812)"
    assert "mmcli --inhibit-device=" in f["port-busy"]["fix"]
    assert "/sys/bus/usb/devices/1-1.4" in f["port-busy"]["fix"]


def test_port_held_by_other_program(mf, tmp_path):
    add_device(tmp_path, "1-1.4", 0x2c7c, 0x0700, BG95_IFACES)
    fd = tmp_path / "proc" / "4242" / "fd"
    fd.mkdir(parents=True)
    (tmp_path / "proc" / "4242" / "comm").write_text("minicom\n")
    (fd / "3").symlink_to(tmp_path / "dev" / "ttyUSB0")
    f, _ = findings(mf("--json", "doctor", sysroot=tmp_path))
    assert f["port-busy"]["fix"] == "close minicom (kill 4242) and run again"


def test_healthy_module_exit_0(mf, tmp_path):
    add_device(tmp_path, "1-1.4", 0x2c7c, 0x0700, BG95_IFACES)
    r = mf("doctor", sysroot=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no blocking finding: the module can be updated" in r.stdout


def test_permission_denied_names_udev_rule(mf):
    if os.geteuid() != 0:
        pytest.skip("needs root to run the CLI as another user")
    root = tempfile.mkdtemp(prefix="mf-perm-")
    os.chmod(root, 0o755)
    import pathlib
    add_device(pathlib.Path(root), "1-1.4", 0x2c7c, 0x0700, BG95_IFACES)
    for name in ("ttyUSB0", "ttyUSB2"):
        os.chmod(os.path.join(root, "dev", name), 0o660)
    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    try:
        r = mf("--json", "doctor", sysroot=root, preexec=drop)
    finally:
        import shutil
        shutil.rmtree(root)
    if "Permission denied" in r.stderr and not r.stdout:
        pytest.skip(f"{MF} is not executable by nobody here")
    assert r.returncode == 1
    f, _ = findings(r)
    assert "permission denied on" in f["permission"]["message"]
    assert "mode 0660, owner 0, group 0; you are uid 65534" == f["permission"]["evidence"]
    # ttys: group dialout, as every serial port; said once, not per port
    assert "usermod -aG dialout" in f["permission"]["fix"]
    assert "60-modemflash.rules" in f["permission"]["fix"]
    assert [x["id"] for x in _["findings"]].count("permission") == 1
