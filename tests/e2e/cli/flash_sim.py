# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the flash/backup/restore/reset tests: packages from
tools/mkpkg, simulators sharing one sysroot (each with its own state and
USB path), the CLI with a private XDG_DATA_HOME."""
import json
import os
import socket
import subprocess
import time

BUILD = os.environ.get("MF_BUILD_DIR", "build")
MF = os.path.join(BUILD, "src", "cli", "modemflash")
SIM = os.path.join(BUILD, "sim", "modemflash-sim")
MKPKG = os.path.join(BUILD, "tools", "mkpkg")

BASELINES = {"bg95-m3": "BG95M3LAR02A03", "bg95-m6": "BG95M6LAR02A03"}


def built():
    return all(os.access(p, os.X_OK) for p in (MF, SIM, MKPKG))


def mkpkg(tmp, profile, rev, variant=None, size=None):
    out = os.path.join(str(tmp), rev)
    if os.path.isdir(out):
        return out
    cmd = [MKPKG, "--profile", profile, "--revision", rev, "-o", out]
    if variant:
        cmd += ["--variant", variant]
    if size:
        cmd += ["--size", str(size)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, f"mkpkg exit {r.returncode}: {r.stderr}"
    return out


class Sim:
    def __init__(self, root, state, profile, rev, faults=(), usb_path=None,
                 timing=("--timing", "fast")):
        self.root, self.state = str(root), str(state)
        os.makedirs(self.root, exist_ok=True)
        os.makedirs(self.state, exist_ok=True)
        cmd = [SIM, "--root", self.root, "--state", self.state,
               "--profile", profile, "--revision", rev, *timing]
        if usb_path:
            cmd += ["--usb-path", usb_path]
        for f in faults:
            cmd += ["--fault", f]
        self.log = open(os.path.join(self.state, "sim.log"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        ctl = os.path.join(self.state, "control")
        while not os.path.exists(ctl) or not os.path.exists(
                os.path.join(self.root, "ready")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("modemflash-sim did not start")
            time.sleep(0.05)
        time.sleep(0.1)

    def control(self, cmd):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(os.path.join(self.state, "control"))
            s.sendall(cmd.encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        return data.decode().strip()

    def state_json(self):
        return json.loads(self.control("state"))

    def wait_mode(self, mode, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.state_json()
            if st["mode"] == mode and not st.get("rebooting"):
                return st
            time.sleep(0.1)
        raise AssertionError(f"simulator not in {mode}: {self.state_json()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run(root, *args, xdg, timeout=240, json_out=False):
    cmd = [MF, "--sysroot", str(root)]
    if json_out:
        cmd.append("--json")
    cmd += [str(a) for a in args]
    env = dict(os.environ, XDG_DATA_HOME=str(xdg))
    return subprocess.run(cmd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def result(p):
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return lines[-1], lines


def backups(xdg):
    base = os.path.join(str(xdg), "modemflash", "backups")
    out = []
    for dirpath, dirs, files in os.walk(base):
        if "manifest.json" in files:
            out.append(dirpath)
    return sorted(out)


def read_part(path, name):
    with open(os.path.join(path, name + ".bin"), "rb") as f:
        return f.read()


def run_v(root, *args, **kw):
    """run() with -v: the info lines (stage detail, resume and backup
    decisions) that a plain run keeps off stderr."""
    return run(root, "-v", *args, **kw)
