# SPDX-License-Identifier: BSD-3-Clause
"""modemflash.exe under Wine against the simulator, over COM ports backed
by the simulator's ptys (conftest.py): discovery and -d COMn, info over
the AT and DM COM ports, field report 1 through an FTDI COM port (doctor,
usb-enable), the missing-driver finding, a package refused clearly, and a
full flash over the DM and EDL COM ports with the post-check."""
import os
import subprocess

import pytest

from conftest import com_of, json_last

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.010.01.010"


def module_of(wine, root):
    r = wine.run("--json", "list", sysroot=root)
    assert r.returncode == 0, r.stderr
    res = json_last(r.stdout)
    (m,) = res["modules"]
    return m, res


def test_list_maps_ttys_to_com_ports(wine, sim):
    s = sim(profile="bg95-m3", revision=OLD)
    m, _ = module_of(wine, s.root)
    assert m["id"] == "2c7c:0700"
    roles = m["by_role"]
    assert set(roles) >= {"DIAG", "NMEA", "AT", "MODEM"}
    for com in roles.values():
        assert com.startswith("COM")
    # the COM port is the tty the simulator gave the role
    for p in m["ports"]:
        tty = os.path.basename(os.readlink(os.path.join(
            wine.dosdevices(), p["dev"].lower())))
        assert com_of(tty) == p["dev"]


def test_info_over_at_and_dm_com_ports(wine, sim):
    s = sim(profile="bg95-m3", revision=OLD)
    m, _ = module_of(wine, s.root)
    at = m["by_role"]["AT"]
    r = wine.run("--json", "-d", at, "info", sysroot=s.root)
    assert r.returncode == 0, r.stderr
    info = json_last(r.stdout)
    assert info["model"] == "BG95-M3"
    assert info["revision"] == OLD
    assert info["imei"] and len(info["imei"]) == 15
    assert info["usb_enabled"] is True
    # the build id comes over DIAG, the DM COM port
    assert info["build_id"] == OLD
    assert f"diag: software revision {OLD}" in r.stderr


def test_select_by_com_port_and_usb_path(wine, sim):
    s = sim(profile="bg95-m3", revision=OLD)
    m, _ = module_of(wine, s.root)
    r = wine.run("--json", "-d", m["usb_path"], "info", sysroot=s.root)
    assert r.returncode == 0, r.stderr
    r = wine.run("-d", "COM19", "info", sysroot=s.root)
    assert r.returncode == 4
    assert "no module matches -d COM19" in r.stderr


def adapter_com(wine, root):
    r = wine.run("--json", "list", sysroot=root)
    res = json_last(r.stdout)
    assert res["modules"] == []
    (a,) = res["adapters"]
    assert a["id"] == "0403:6001"
    return a["ports"][0]["dev"]


def test_field_report_doctor_over_ftdi_com_port(wine, sim):
    s = sim(profile="bg95-m3", uart="ftdi", faults=["disusb"])
    port = adapter_com(wine, s.root)
    assert port.startswith("COM")
    r = wine.run("--json", "doctor", "--port", port, sysroot=s.root)
    assert r.returncode == 1, r.stderr
    f = {x["id"]: x for x in json_last(r.stdout)["findings"]}
    assert f"{port} is a FTDI USB-UART (0403:6001" in \
        f["uart-adapter"]["message"]
    assert "flashing needs the module's USB DM port" in \
        f["uart-adapter"]["message"]
    assert f["usb-disabled"]["fix"] == f"modemflash usb-enable --port {port}"
    assert f["no-usb-module"]["fix"].startswith(
        f"modemflash usb-enable --port {port}")


def test_field_report_usb_enable_over_ftdi_com_port(wine, sim):
    s = sim(profile="bg95-m3", uart="ftdi", faults=["disusb"])
    port = adapter_com(wine, s.root)
    r = wine.run("--json", "usb-enable", "--port", port, sysroot=s.root,
                 env={"MODEMFLASH_ENUM_TIMEOUT_S": "30"})
    assert r.returncode == 0, r.stderr
    assert json_last(r.stdout)["module"]["mode"] == "normal"
    m, res = module_of(wine, s.root)
    assert m["by_role"]["AT"].startswith("COM")
    assert res["adapters"][0]["ports"][0]["dev"] == port


def test_doctor_port_absent(wine, sim):
    s = sim(profile="bg95-m3", revision=OLD)
    r = wine.run("--json", "doctor", "--port", "COM19", sysroot=s.root)
    f = {x["id"]: x for x in json_last(r.stdout)["findings"]}
    assert f["no-port"]["message"] == "COM19 does not exist"


def test_doctor_names_the_missing_dm_driver(wine, sim):
    s = sim(profile="bg95-m3", revision=OLD)
    m, _ = module_of(wine, s.root)
    dm = m["by_role"]["DIAG"]
    # the DM interface without a COM port: Quectel's driver is missing
    path = os.path.join(s.root, "windows", "com-ports")
    lines = open(path).read().splitlines()
    with open(path, "w") as f:
        f.write("\n".join(l for l in lines if not l.startswith(dm + " ")))
    r = wine.run("--json", "doctor", sysroot=s.root)
    assert r.returncode == 1, r.stdout
    f = {x["id"]: x for x in json_last(r.stdout)["findings"]}
    assert "Quectel's USB driver is not installed" in \
        f["no-dm-driver"]["message"]
    assert "Quectel USB DM Port (COMn)" in f["no-dm-driver"]["fix"]
    assert "no-tty" not in f  # the Linux finding (option, modprobe)


def test_package_that_is_no_package(wine, sim, tmp_path):
    s = sim(profile="bg95-m3", revision=OLD)
    bad = tmp_path / "notapkg.zip"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    r = wine.run("flash", str(bad), sysroot=s.root)
    assert r.returncode == 7, r.stderr
    assert "cannot open archive" in r.stderr or "package" in r.stderr


def test_inspect_zip_package(wine, mkpkg, tmp_path):
    """A zipped package is extracted on Windows too (directory handles
    stand in for the directory fds of the Linux extraction)."""
    import shutil
    pkg = mkpkg("bg95-m3", NEW)
    z = shutil.make_archive(str(tmp_path / "pkgzip"), "zip", pkg)
    r = wine.run("--json", "inspect", z)
    assert r.returncode == 0, r.stderr + r.stdout
    assert NEW in r.stdout


def test_flash_over_dm_and_edl_com_ports(wine, sim, mkpkg, tmp_path):
    s = sim(profile="bg95-m3", revision=OLD)
    pkg = mkpkg("bg95-m3", NEW)
    r = wine.run("--json", "-v", "flash", "--no-backup", pkg, sysroot=s.root,
                 env={"XDG_DATA_HOME": str(tmp_path / "data")}, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json_last(r.stdout)
    assert res["ok"] is True
    assert "switching to EDL over DIAG (COM" in r.stderr
    assert f"now running {NEW}" in r.stderr
    assert s.state_json()["revision"] == NEW


def test_flash_with_backup_over_com_ports(wine, sim, mkpkg, tmp_path):
    """The whole safe update over COM ports: the backup of the module's
    NAND (about 280 MB read over the EDL COM port, some 30 s under Wine),
    the write, the verification and the post-check."""
    s = sim(profile="bg95-m3", revision=OLD)
    pkg = mkpkg("bg95-m3", NEW)
    r = wine.run("--json", "flash", pkg, sysroot=s.root,
                 env={"XDG_DATA_HOME": str(tmp_path / "data")}, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json_last(r.stdout)
    assert res["ok"] is True and res["came_back"] is True, res
    assert res["after"] == NEW, res
    assert s.state_json()["revision"] == NEW
    backups = os.path.join(str(tmp_path / "data"), "modemflash", "backups")
    made = [os.path.join(d, f) for d, _, fs in os.walk(backups) for f in fs]
    assert any(f.endswith("manifest.json") for f in made), made
    assert any(f.endswith("SBL.bin") for f in made), made


def test_fota_over_the_uart_com_port(wine, sim, tmp_path):
    """Field report 1's way out without USB: the delta over the board UART
    (ttyS0 as COM20), the module restarting into the new revision."""
    mkdelta = os.path.join(os.environ.get("MF_BUILD_DIR", "build"), "tools",
                           "mkdelta")
    if not os.access(mkdelta, os.X_OK):
        pytest.skip(f"{mkdelta} is not built")
    s = sim(profile="bg95-m3", revision=OLD, uart="plain", faults=["disusb"])
    to = "BG95M3LAR02A03_01.014.01.014"
    delta = str(tmp_path / "d.bin")
    subprocess.run([mkdelta, "--profile", "bg95-m3", "--from", OLD, "--to",
                    to, "-o", delta], check=True, capture_output=True)
    r = wine.run("--json", "fota", delta, "--port", com_of("ttyS0"),
                 sysroot=s.root, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "01.014" in r.stdout
    assert s.state_json()["revision"] == to
