# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures for the discovery commands (list, info, doctor, usb-enable):
the built CLI, a simulator started under a temporary sysroot, and fake
sysfs trees for cases the simulator does not model (missing ttys, holders,
permissions)."""
import json
import os
import socket
import subprocess
import time

import pytest

import jsoncheck

jsoncheck.install()


def pytest_terminal_summary(terminalreporter):
    jsoncheck.summary(terminalreporter)

BUILD = os.environ.get("MF_BUILD_DIR", "build")
MF = os.path.join(BUILD, "src", "cli", "modemflash")
SIM = os.path.join(BUILD, "sim", "modemflash-sim")


def run_mf(*args, sysroot=None, timeout=60, env=None, preexec=None):
    cmd = [MF]
    if sysroot is not None:
        cmd += ["--sysroot", str(sysroot)]
    cmd += [str(a) for a in args]
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=e, preexec_fn=preexec)


def json_lines(stdout):
    """Every JSON line of stdout; the last one is the result object."""
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def mf():
    if not os.access(MF, os.X_OK):
        pytest.skip(f"{MF} is not built yet")
    return run_mf


class Sim:
    def __init__(self, root, state, proc):
        self.root = root
        self.state = state
        self.proc = proc

    def control(self, command, timeout=10):
        for path in (self.state / "control", self.root / "control"):
            if path.exists():
                break
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(path))
            s.sendall((command + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        return data.decode().strip()

    def state_json(self):
        return json.loads(self.control("state"))

    def dev(self, name):
        return str(self.root / "dev" / name)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def sim(tmp_path, mf):
    """Factory: sim(profile=None, uart=None|"plain"|"ftdi", faults=())."""
    if not os.access(SIM, os.X_OK):
        pytest.skip(f"{SIM} is not built yet (the simulator is being written)")
    started = []

    def start(profile=None, uart=None, faults=(), name="sim"):
        root = tmp_path / f"{name}-root"
        state = tmp_path / f"{name}-state"
        root.mkdir()
        state.mkdir()
        cmd = [SIM, "--root", str(root), "--state", str(state),
               "--timing", "fast"]
        if profile:
            cmd += ["--profile", profile]
        if uart == "plain":
            cmd += ["--uart"]
        elif uart:
            cmd += [f"--uart={uart}"]
        for f in faults:
            cmd += ["--fault", f]
        log = open(tmp_path / f"{name}.log", "w")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        s = Sim(root, state, proc)
        started.append(s)
        deadline = time.monotonic() + 20
        while not (root / "ready").exists():
            if proc.poll() is not None:
                pytest.fail(f"modemflash-sim exited {proc.returncode}: "
                            + (tmp_path / f"{name}.log").read_text())
            if time.monotonic() > deadline:
                pytest.fail("modemflash-sim did not write ready in 20 s")
            time.sleep(0.05)
        return s

    yield start
    for s in started:
        s.stop()


# --- fake sysfs trees (same shape as the kernel's, see tests/unit/discover) ---

def add_device(root, path, vid, pid, ifaces, busnum=1, devnum=5,
               product="", manufacturer="", serial=None):
    """ifaces: list of (num, "ff/ff/ff", driver or None, tty or None)."""
    dev = root / "sys" / "devices" / f"usb{busnum}" / path
    dev.mkdir(parents=True)
    attrs = {"idVendor": f"{vid:04x}", "idProduct": f"{pid:04x}",
             "bcdDevice": "0318", "busnum": str(busnum),
             "devnum": str(devnum), "speed": "480",
             "product": product, "manufacturer": manufacturer}
    if serial is not None:
        attrs["serial"] = serial
    for k, v in attrs.items():
        (dev / k).write_text(v + "\n")
    for num, cls, driver, tty in ifaces:
        c, s, p = cls.split("/")
        ifd = dev / f"{path}:1.{num}"
        ifd.mkdir()
        for k, v in (("bInterfaceNumber", f"{num:02x}"),
                     ("bInterfaceClass", c), ("bInterfaceSubClass", s),
                     ("bInterfaceProtocol", p)):
            (ifd / k).write_text(v + "\n")
        (ifd / "uevent").write_text(f"DRIVER={driver}\n" if driver else "")
        if tty:
            (ifd / tty).mkdir()
            (root / "dev").mkdir(exist_ok=True)
            (root / "dev" / tty).write_text("")
    bus = root / "sys" / "bus" / "usb" / "devices"
    bus.mkdir(parents=True, exist_ok=True)
    (bus / path).symlink_to(dev)
    usbnode = root / "dev" / "bus" / "usb" / f"{busnum:03d}" / f"{devnum:03d}"
    usbnode.parent.mkdir(parents=True, exist_ok=True)
    usbnode.write_text("")
    return dev


BG95_IFACES = [(0, "ff/ff/ff", "option", "ttyUSB0"),
               (1, "ff/ff/ff", "option", "ttyUSB1"),
               (2, "ff/ff/ff", "option", "ttyUSB2"),
               (4, "ff/fe/ff", "option", "ttyUSB3")]
