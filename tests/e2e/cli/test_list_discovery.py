# SPDX-License-Identifier: BSD-3-Clause
"""list: modules and adapters on fake trees, on a real /sys, and on the
simulator in normal mode and in EDL."""
import pytest

from conftest import BG95_IFACES, add_device, json_lines


def test_list_no_modules_exits_0(mf, tmp_path):
    r = mf("list", sysroot=tmp_path)
    assert r.returncode == 0
    assert "no modules found" in r.stdout


def test_list_real_sys(mf):
    # this machine (and CI containers) may have no USB at all: still exit 0
    r = mf("--json", "list")
    assert r.returncode == 0
    res = json_lines(r.stdout)[-1]
    assert res["command"] == "list" and res["ok"] is True
    assert isinstance(res["modules"], list)


def test_list_tree_module_and_adapter(mf, tmp_path):
    add_device(tmp_path, "1-1.4", 0x2c7c, 0x0700, BG95_IFACES,
               product="Quectel LPWA Module")
    add_device(tmp_path, "3-2", 0x0403, 0x6001,
               [(0, "ff/ff/ff", "ftdi_sio", "ttyUSB5")], busnum=3, devnum=2)
    r = mf("list", sysroot=tmp_path)
    assert r.returncode == 0
    assert "1-1.4    2c7c:0700  normal  BG95 / BG77 / BG600L-M3 / BC69" in r.stdout
    assert f"DIAG     if0  {tmp_path}/dev/ttyUSB0" in r.stdout
    assert "UART adapters (not modules):" in r.stdout
    assert f"3-2      0403:6001  FTDI USB-UART  {tmp_path}/dev/ttyUSB5" in r.stdout
    r = mf("--json", "list", sysroot=tmp_path)
    res = json_lines(r.stdout)[-1]
    assert res["schema"] == 1
    (m,) = res["modules"]
    assert m["usb_path"] == "1-1.4" and m["id"] == "2c7c:0700"
    assert m["mode"] == "normal" and m["chip"] == "MDM9205"
    assert m["composition"] == "usbnet modem"
    assert m["by_role"] == {"DIAG": f"{tmp_path}/dev/ttyUSB0",
                            "NMEA": f"{tmp_path}/dev/ttyUSB1",
                            "AT": f"{tmp_path}/dev/ttyUSB2",
                            "MODEM": f"{tmp_path}/dev/ttyUSB3"}
    (a,) = res["adapters"]
    assert a["name"] == "FTDI USB-UART" and a["id"] == "0403:6001"


def test_list_tree_edl(mf, tmp_path):
    add_device(tmp_path, "1-2", 0x05c6, 0x9008,
               [(0, "ff/ff/ff", "qcserial", "ttyUSB0")], devnum=64,
               product="QHSUSB__BULK",
               manufacturer="Qualcomm CDMA Technologies MSM")
    res = json_lines(mf("--json", "list", sysroot=tmp_path).stdout)[-1]
    (m,) = res["modules"]
    assert m["mode"] == "edl"
    assert m["ports"][0]["role"] == "SAHARA"
    assert m["ports"][0]["driver"] == "qcserial"
    assert m["product"] == "QHSUSB__BULK"


def test_info_refuses_several_modules(mf, tmp_path):
    add_device(tmp_path, "1-1", 0x2c7c, 0x0700, BG95_IFACES)
    add_device(tmp_path, "1-2", 0x05c6, 0x9008,
               [(0, "ff/ff/ff", "qcserial", "ttyUSB9")], devnum=9)
    r = mf("info", sysroot=tmp_path)
    assert r.returncode == 2
    assert "2 modules found: 1-1 (2c7c:0700 normal), 1-2 (05c6:9008 edl)" in r.stderr
    assert "-d 1-1" in r.stderr


def test_info_no_module_exit_4(mf, tmp_path):
    r = mf("info", sysroot=tmp_path)
    assert r.returncode == 4
    assert "no module found on USB" in r.stderr


def test_info_no_match_exit_4(mf, tmp_path):
    add_device(tmp_path, "1-1", 0x2c7c, 0x0700, BG95_IFACES)
    r = mf("-d", "9-9", "info", sysroot=tmp_path)
    assert r.returncode == 4
    assert "no module matches -d 9-9" in r.stderr
