# SPDX-License-Identifier: BSD-3-Clause
"""Field report 1 end to end: a BG95-M3 reachable only through an FTDI
adapter, USB switched off inside the module (AT+QCFGEXT="disusb",1).
doctor must name the adapter, the disabled USB and the fix in one run;
usb-enable must bring the module onto USB; info must then work over USB."""
from conftest import json_lines


def adapter_port(mf, root):
    res = json_lines(mf("--json", "list", sysroot=root).stdout)[-1]
    assert res["modules"] == []          # USB is off: no module yet
    (a,) = res["adapters"]
    assert a["id"] == "0403:6001"
    return a["ports"][0]["dev"]


def test_field_report_doctor(mf, sim):
    s = sim(profile="bg95-m3", uart="ftdi", faults=["disusb"])
    port = adapter_port(mf, s.root)
    r = mf("--json", "doctor", "--port", port, sysroot=s.root)
    assert r.returncode == 1, r.stderr
    res = json_lines(r.stdout)[-1]
    f = {x["id"]: x for x in res["findings"]}
    assert "is a FTDI USB-UART (0403:6001" in f["uart-adapter"]["message"]
    assert "flashing needs the module's USB DM port" in f["uart-adapter"]["message"]
    assert f["usb-disabled"]["severity"] == "error"
    assert '+QCFGEXT: "disusb",1' in f["usb-disabled"]["evidence"]
    assert "until USB is switched back on and the module restarts" in f["usb-disabled"]["message"]
    assert f["usb-disabled"]["fix"] == f"modemflash usb-enable --port {port}"
    assert f["no-usb-module"]["message"] == f"no module on USB, while BG95-M3 answers on {port}"
    assert f["no-usb-module"]["fix"].startswith(f"modemflash usb-enable --port {port}")
    # human form carries the same three findings
    h = mf("doctor", "--port", port, sysroot=s.root)
    assert h.returncode == 1
    assert "fix: modemflash usb-enable --port" in h.stdout


def test_field_report_usb_enable_then_list_and_info(mf, sim):
    s = sim(profile="bg95-m3", uart="ftdi", faults=["disusb"])
    port = adapter_port(mf, s.root)
    r = mf("--json", "usb-enable", "--port", port, sysroot=s.root,
           env={"MODEMFLASH_ENUM_TIMEOUT_S": "30"})
    assert r.returncode == 0, r.stderr
    assert json_lines(r.stdout)[-1]["module"]["mode"] == "normal"
    res = json_lines(mf("--json", "list", sysroot=s.root).stdout)[-1]
    (m,) = res["modules"]
    assert set(m["by_role"]) >= {"DIAG", "AT", "NMEA", "MODEM"}
    assert m["id"] == "2c7c:0700"
    assert res["adapters"][0]["id"] == "0403:6001"
    i = mf("--json", "info", sysroot=s.root)
    assert i.returncode == 0, i.stderr
    info = json_lines(i.stdout)[-1]
    assert info["model"] == "BG95-M3"
    assert info["revision"].startswith("BG95M3LAR02A03_")
    assert info["usb_enabled"] is True
    # and doctor over the adapter now finds nothing blocking
    d = mf("--json", "doctor", "--port", port, sysroot=s.root)
    ids = [x["id"] for x in json_lines(d.stdout)[-1]["findings"]]
    assert "usb-disabled" not in ids and "no-usb-module" not in ids


def test_usb_enable_needs_port(mf, tmp_path):
    r = mf("usb-enable", sysroot=tmp_path)
    assert r.returncode == 2
    assert "--port PATH is required" in r.stderr


def test_usb_enable_port_absent(mf, tmp_path):
    r = mf("usb-enable", "--port", "/dev/ttyUSB9", sysroot=tmp_path)
    assert r.returncode != 0


def test_usb_enable_module_that_never_enumerates_is_waited_for(mf, sim):
    """USB switched on, but the cable's data lines are cut (unplugged):
    the wait for the module on USB says what it waits for every 4 s and
    ends at MODEMFLASH_ENUM_TIMEOUT_S with the timeout exit code."""
    s = sim(profile="bg95-m3", uart="ftdi", faults=["disusb"])
    port = adapter_port(mf, s.root)
    assert s.control("unplug") == "ok"
    r = mf("--json", "usb-enable", "--port", port, sysroot=s.root,
           env={"MODEMFLASH_ENUM_TIMEOUT_S": "6"})
    lines = json_lines(r.stdout)
    assert r.returncode == 5, r.stdout[-2000:]
    assert "no module enumerated within 6 s" in lines[-1]["error"]
    waits = [l for l in lines if l.get("event") == "waiting"]
    assert [w["elapsed"] for w in waits] == [4], waits
    assert waits[0]["timeout"] == 6
    assert "a module in normal mode" in waits[0]["for"], waits
