# SPDX-License-Identifier: BSD-3-Clause
"""A private D-Bus daemon standing in for the system bus, and a stand-in
ModemManager (fake_mm.py) on it that records every call. The CLI finds the
bus through DBUS_SYSTEM_BUS_ADDRESS, as sd_bus_open_system() reads it."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))

from flash_sim import MF, built  # noqa: E402
import jsoncheck  # noqa: E402

jsoncheck.install()


def pytest_terminal_summary(terminalreporter):
    jsoncheck.summary(terminalreporter)

FAKE_MM = os.path.join(HERE, "fake_mm.py")
PY = "/usr/bin/python3"


def have_dbus():
    if not shutil.which("dbus-daemon"):
        return False
    r = subprocess.run([PY, "-c", "import dbus, gi.repository.GLib"],
                       capture_output=True)
    return r.returncode == 0


need = pytest.mark.skipif(not built() or not have_dbus(),
                          reason="needs the build, dbus-daemon, python3-dbus")


def sysfs_device(root, usb_path="1-1.4"):
    """MM's Device for a simulated module: its USB device's sysfs path as
    the kernel names it, the sysroot taken off."""
    link = os.path.join(str(root), "sys/bus/usb/devices", usb_path)
    assert os.path.exists(link), f"{link}: the module is not on USB now"
    real = os.path.realpath(link)
    return real[len(os.path.realpath(str(root))):]


class Bus:
    def __init__(self, tmp):
        self.tmp = tmp
        self.sock = os.path.join(str(tmp), "system_bus_socket")
        self.proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1",
             f"--address=unix:path={self.sock}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.address = self.proc.stdout.readline().strip()
        assert self.address, "dbus-daemon printed no address"
        self.mm = None
        self.log = os.path.join(str(tmp), "mm-calls.jsonl")

    def env(self):
        return {"DBUS_SYSTEM_BUS_ADDRESS": self.address}

    def start_mm(self, modems, mode="normal", sim_control=None):
        cfg = os.path.join(str(self.tmp), "mm.json")
        self.config = {"modems": modems}
        with open(cfg, "w") as f:
            json.dump(self.config, f)
        cmd = [PY, FAKE_MM, "--bus", self.address, "--config", cfg,
               "--log", self.log, "--mode", mode]
        if sim_control:
            cmd += ["--sim-control", sim_control]
        self.mm = subprocess.Popen(cmd, stderr=open(self.log + ".err", "w"))
        deadline = time.monotonic() + 15
        while not any(e.get("event") == "ready" for e in self.events()):
            assert self.mm.poll() is None, open(self.log + ".err").read()
            assert time.monotonic() < deadline, "stand-in MM did not start"
            time.sleep(0.05)
        # BusName is taken right after "ready"; let it settle
        time.sleep(0.2)

    def events(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(l) for l in f if l.strip()]

    def calls(self, name="InhibitDevice"):
        return [e for e in self.events() if e.get("call") == name]

    def releases(self):
        return [e for e in self.events() if e.get("event") == "released"]

    def wait_release(self, n=1, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.releases()) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.releases()

    def stop(self):
        for p in (self.mm, self.proc):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture
def bus(tmp_path):
    b = Bus(tmp_path)
    yield b
    b.stop()


def run_mf(root, *args, env, xdg, timeout=240, json_out=False):
    cmd = [MF, "--sysroot", str(root)]
    if json_out:
        cmd.append("--json")
    cmd += [str(a) for a in args]
    e = dict(os.environ, XDG_DATA_HOME=str(xdg))
    e.update(env)
    return subprocess.run(cmd, capture_output=True, text=True,
                          timeout=timeout, env=e)
