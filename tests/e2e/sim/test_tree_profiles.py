# SPDX-License-Identifier: BSD-3-Clause
"""The sysfs-like tree modemflash-sim builds, per profile; process hygiene."""
import os
import subprocess
import time

import pytest

from simclient import SIM_BIN, Port, Sim, tree_files

# profile -> (path, vid, pid, bcd, interfaces {num: (cls, sub, proto, driver, tty)})
LTE = {0: ("ff", "ff", "ff", "option", True), 1: ("ff", "00", "00", "option", True),
       2: ("ff", "00", "00", "option", True), 3: ("ff", "00", "00", "option", True),
       4: ("ff", "ff", "ff", "qmi_wwan", False)}
BG95 = {0: ("ff", "ff", "ff", "option", True), 1: ("ff", "ff", "ff", "option", True),
        2: ("ff", "ff", "ff", "option", True), 4: ("ff", "fe", "ff", "option", True)}
RM = dict(LTE)
RM[0] = ("ff", "ff", "30", "option", True)
EXPECT = {
    "bg95-m3": ("1-1.4", "2c7c", "0700", "0000", BG95, "480"),
    "bg95-m6": ("1-1.4", "2c7c", "0700", "0000", BG95, "480"),
    "bg96": ("1-1.4", "2c7c", "0296", "0000", LTE, "480"),
    "ec25": ("1-1.4", "2c7c", "0125", "0318", LTE, "480"),
    "eg25-g": ("1-1.4", "2c7c", "0125", "0318", LTE, "480"),
    "rm500q": ("2-1.4", "2c7c", "0800", "0414", RM, "5000"),
}


@pytest.mark.parametrize("profile", sorted(EXPECT))
def test_profile_tree(sim_factory, profile):
    path, vid, pid, bcd, ifs, speed = EXPECT[profile]
    s = sim_factory(profile=profile)
    assert s.attr(path, "idVendor") == vid + "\n"
    assert s.attr(path, "idProduct") == pid + "\n"
    assert s.attr(path, "bcdDevice") == bcd + "\n"
    assert s.attr(path, "speed") == speed + "\n"
    assert s.attr(path, "bNumInterfaces") == "%2d\n" % len(ifs)
    ue = s.uevent(path)
    bus, dev = int(s.attr(path, "busnum")), int(s.attr(path, "devnum"))
    assert ue["MAJOR"] == "189" and ue["DEVTYPE"] == "usb_device" and ue["DRIVER"] == "usb"
    assert ue["PRODUCT"] == "%x/%x/%x" % (int(vid, 16), int(pid, 16), int(bcd, 16))
    assert ue["DEVNAME"] == "bus/usb/%03d/%03d" % (bus, dev)
    assert ue["BUSNUM"] == "%03d" % bus and ue["DEVNUM"] == "%03d" % dev
    assert ue["MINOR"] == str((bus - 1) * 128 + dev - 1)
    assert bus == int(path.split("-")[0])
    ttys = []
    for n, (cls, sub, proto, drv, tty) in ifs.items():
        ifd = "%s:1.%d" % (path, n)
        assert s.attr(ifd, "bInterfaceNumber") == "%02x\n" % n
        assert (s.attr(ifd, "bInterfaceClass"), s.attr(ifd, "bInterfaceSubClass"),
                s.attr(ifd, "bInterfaceProtocol")) == (cls + "\n", sub + "\n", proto + "\n")
        iu = s.uevent(ifd)
        assert iu["DEVTYPE"] == "usb_interface" and iu["DRIVER"] == drv
        assert iu["INTERFACE"] == "%d/%d/%d" % (int(cls, 16), int(sub, 16), int(proto, 16))
        kids = [k for k in os.listdir(os.path.join(s.devices_dir(), ifd)) if k.startswith("ttyUSB")]
        assert len(kids) == (1 if tty else 0)
        if tty:
            link = os.path.join(s.root, "dev", kids[0])
            assert os.readlink(link).startswith("/dev/pts/")
            ttys.append(kids[0])
    assert sorted(ttys) == ["ttyUSB%d" % i for i in range(len(ttys))]
    assert sorted(os.path.basename(p) for p in s.state()["ports"]) == sorted(ttys)
    assert not os.path.exists(os.path.join(s.devices_dir(), "%s:1.3" % path)) or 3 in ifs


def test_bg95_strings(sim_factory):
    s = sim_factory()
    assert s.attr("1-1.4", "product") == "Quectel LPWA Module\n"
    assert s.attr("1-1.4", "manufacturer") == "Quectel, Incorporated\n"


def test_ptys_are_raw_before_anyone_opens_them(sim_factory):
    import termios
    s = sim_factory()
    for p in s.state()["ports"]:
        fd = os.open(p, os.O_RDWR | os.O_NOCTTY)
        try:
            lflag = termios.tcgetattr(fd)[3]
            assert not lflag & termios.ECHO and not lflag & termios.ICANON
        finally:
            os.close(fd)


def test_uart_plain(sim_factory):
    s = sim_factory(uart="plain")
    link = os.path.join(s.root, "dev", "ttyS0")
    assert os.readlink(link).startswith("/dev/pts/")
    assert s.state()["uart"] == link


def test_uart_ftdi(sim_factory):
    s = sim_factory(uart="ftdi")
    assert s.attr("1-1.2", "idVendor") == "0403\n"
    assert s.attr("1-1.2", "idProduct") == "6001\n"
    assert s.attr("1-1.2", "product") == "FT232R USB UART\n"
    assert s.attr("1-1.2", "serial").strip()
    assert s.uevent("1-1.2:1.0")["DRIVER"] == "ftdi_sio"
    kids = [k for k in os.listdir(os.path.join(s.devices_dir(), "1-1.2:1.0")) if k.startswith("ttyUSB")]
    uart = os.path.join(s.root, "dev", kids[0])
    assert s.state()["uart"] == uart
    assert uart not in s.state()["ports"]
    assert not os.path.exists(os.path.join(s.root, "dev", "ttyS0"))
    with Port(uart) as u:
        u.drain()
        assert u.at_lines("AT+CGMR")[1:] == ["BG95M3LAR02A03", "OK"]
    # the adapter stays when the module's USB goes
    s.ctl("unplug")
    assert s.attr("1-1.2", "idVendor") == "0403\n"


def test_two_simulators_share_a_root(sim_factory, tmp_path):
    a = sim_factory(usb_path="1-1.4")
    b = sim_factory(usb_path="1-1.5", profile="ec25")
    pa, pb = set(a.state()["ports"]), set(b.state()["ports"])
    assert pa and pb and not pa & pb
    names = sorted(os.path.basename(p) for p in pa | pb)
    assert names == ["ttyUSB%d" % i for i in range(8)]
    assert a.attr("1-1.4", "devnum") != b.attr("1-1.5", "devnum")
    assert (tmp_path / "state1" / "control").exists() and (tmp_path / "state2" / "control").exists()
    a.stop()
    assert not os.path.exists(os.path.join(a.devices_dir(), "1-1.4"))
    assert os.path.exists(os.path.join(b.devices_dir(), "1-1.5"))
    assert set(os.listdir(os.path.join(b.root, "dev"))) == {os.path.basename(p) for p in pb}


def sim_children():
    """pids of running modemflash-sim processes that are our children."""
    me = str(os.getpid())
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if fields[1] == me and b"modemflash-sim" in cmd and fields[0] != "Z":
            out.append(pid)
    return out


def test_ten_start_stop_cycles_leave_nothing(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    before = tree_files(root)
    for i in range(10):
        uart = ["plain", "ftdi", None][i % 3]
        state = tmp_path / "st" if i % 2 else None
        s = Sim(root, state=state, uart=uart, profile=["bg95-m3", "ec25", "rm500q"][i % 3])
        s.start()
        assert (root / "ready").exists()
        assert s.ctl("power-cycle") == "ok"
        assert s.stop() == 0
        assert tree_files(root) == before, "cycle %d left %r" % (i, tree_files(root))
        if state:
            assert not (state / "ready").exists() and not (state / "control").exists()
    assert sim_children() == []


def test_sigint_also_cleans_up(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    s = Sim(root, uart="plain").start()
    s.proc.send_signal(2)
    assert s.proc.wait(10) == 0
    s.proc.stderr.close()
    s.proc = None
    assert tree_files(root) == []


@pytest.mark.parametrize("spec", [
    "bogus", "drop:diag", "drop:nowhere:5", "drop:diag:x", "silent:nowhere", "hwid:1234",
    "hwid:0xZZ", "pkhash:abcd", "geometry:p4K", "geometry:4K_b256K", "badblock:", "badblock:1,,2",
    "slow:0", "slow:fast", "nak:", "disusb:1", "echo:1", "noflow:2", "lose:erase:100",
    "lose:read", "lose:read:x", "stall:erase:1", "stall:sahara", "stall:sahara:x",
])
def test_bad_fault_spec_exits_2(tmp_path, spec):
    r = subprocess.run([SIM_BIN, "--root", str(tmp_path), "--fault", spec],
                       capture_output=True, timeout=10)
    assert r.returncode == 2
    assert b"--fault" in r.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("spec", [
    "disusb", "drop:program:4096", "drop:fota-upload:100", "nak:program", "corrupt:configure",
    "silent:sahara", "hwid:0x000480E1", "pkhash:" + "ab" * 32, "pkhash:" + "cd" * 48,
    "geometry:p4K_b256K", "badblock:64,128", "slow:2.5", "echo", "noflow", "lose:read:4096",
    "stall:sahara:4096", "stall:program:100000", "silent:fota",
])
def test_good_fault_specs_start(sim_factory, spec):
    s = sim_factory(faults=[spec])
    assert s.state()["mode"] == "normal"


@pytest.mark.parametrize("args", [
    [], ["--root", "/nonexistent/x"], ["--profile", "nope"], ["--timing", "slowish"],
    ["--time-scale", "0"], ["--usb-path", "x-1"], ["--uart=serial"], ["extra"],
])
def test_bad_command_lines_exit_2(tmp_path, args):
    full = [SIM_BIN] + (["--root", str(tmp_path)] if "--root" not in args else []) + args
    if not args:
        full = [SIM_BIN]
    r = subprocess.run(full, capture_output=True, timeout=10)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(b"modemflash-sim: ") or b"usage" in r.stderr


@pytest.mark.parametrize("profile,path,bus_dir", [
    ("ec25", "1-1.4", "usb1/1-1/1-1.4"),
    ("rm500q", "2-1.4", "usb2/2-1/2-1.4"),
])
def test_tree_as_the_kernel_draws_it(sim_factory, profile, path, bus_dir):
    """bus/usb/devices/<path> is a link to the physical path under
    sys/devices (udev's and ModemManager's identity of the device), the
    interfaces are its subdirectories, driver links resolve both ways, and
    class/tty links to the tty."""
    s = sim_factory(profile=profile)
    sysd = os.path.join(s.root, "sys")
    link = os.path.join(s.devices_dir(), path)
    assert os.path.islink(link)
    phys = os.path.realpath(link)
    assert phys == os.path.join(os.path.realpath(sysd), "devices", "pci0000:00",
                                "0000:00:14.0", bus_dir)
    for attr in ("busnum", "devnum", "speed", "manufacturer", "product",
                 "idVendor", "idProduct", "bcdDevice", "devpath"):
        assert os.path.isfile(os.path.join(phys, attr)), attr
    assert open(os.path.join(phys, "busnum")).read().strip() == path.split("-")[0]
    assert os.path.basename(os.path.realpath(os.path.join(phys, "driver"))) == "usb"
    ifs = sorted(n for n in os.listdir(phys) if n.startswith(path + ":"))
    assert ifs and all(os.path.isdir(os.path.join(phys, n)) for n in ifs)
    for n in ifs:
        ifd = os.path.join(phys, n)
        assert os.path.realpath(os.path.join(s.devices_dir(), n)) == ifd
        assert os.path.isfile(os.path.join(ifd, "bInterfaceNumber"))
        drv = os.path.realpath(os.path.join(ifd, "driver"))
        assert os.path.dirname(drv) == os.path.join(os.path.realpath(sysd), "bus", "usb", "drivers")
        assert os.path.realpath(os.path.join(drv, n)) == ifd
        for t in (k for k in os.listdir(ifd) if k.startswith("ttyUSB")):
            assert os.path.realpath(os.path.join(sysd, "class", "tty", t)) == \
                os.path.join(ifd, t, "tty", t)
