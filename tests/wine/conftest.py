# SPDX-License-Identifier: BSD-3-Clause
"""The Wine tier: modemflash.exe (make windows) under Debian's wine64,
against modemflash-sim on Linux. The simulator's ttys are reached as COM
ports: each dosdevices/comN of the Wine prefix links to <root>/dev/ttyX
(which the simulator points at a fresh pty whenever a port comes back),
and <root>/windows/com-ports tells the exe which COM port is which tty.
Everything skips, with the reason, when wine64 or the exe is missing or
Wine cannot start; none of this runs on Windows itself (docs/windows.md)."""
import json
import os
import shutil
import socket
import subprocess
import time

import pytest

BUILD = os.environ.get("MF_BUILD_DIR", "build")
SRC = os.environ.get("MF_SOURCE_DIR", ".")
SIM = os.path.join(BUILD, "sim", "modemflash-sim")
MKPKG = os.path.join(BUILD, "tools", "mkpkg")
EXE = os.environ.get("MF_WIN_EXE",
                     os.path.join(SRC, "build-win", "src", "cli",
                                  "modemflash.exe"))
# COM3.. for ttyUSB0..9; COM20 for the board UART (ttyS0)
COM_TTYS = [(f"COM{i + 3}", f"ttyUSB{i}") for i in range(10)] + \
    [("COM20", "ttyS0")]


def find_wine():
    for name in ("wine64", "wine"):
        p = shutil.which(name)
        if p:
            return p
    for p in ("/usr/lib/wine/wine64", "/usr/lib/wine/wine"):
        if os.access(p, os.X_OK):
            return p
    return None


class Wine:
    def __init__(self, wine, prefix, log):
        self.wine = wine
        self.prefix = prefix
        self.log = log
        self.server = os.path.join(os.path.dirname(os.path.realpath(wine)),
                                   "wineserver")
        self.env = dict(os.environ, WINEPREFIX=prefix, WINEDEBUG="-all",
                        WINEDLLOVERRIDES="mscoree,mshtml=")

    def dosdevices(self):
        return os.path.join(self.prefix, "dosdevices")

    def map_ports(self, root):
        """COM ports -> the simulator's tty links (dangling until the tty
        exists: CreateFile then fails as for an absent port)."""
        os.makedirs(os.path.join(root, "windows"), exist_ok=True)
        with open(os.path.join(root, "windows", "com-ports"), "w") as f:
            for com, tty in COM_TTYS:
                link = os.path.join(self.dosdevices(), com.lower())
                if os.path.lexists(link):
                    os.unlink(link)
                os.symlink(os.path.join(root, "dev", tty), link)
                f.write(f"{com} {tty}\n")

    def run(self, *args, sysroot=None, timeout=120, env=None):
        cmd = [self.wine, EXE]
        if sysroot is not None:
            cmd += ["--sysroot", str(sysroot)]
        cmd += [str(a) for a in args]
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, env=e)


@pytest.fixture(scope="session")
def wine(tmp_path_factory):
    w = find_wine()
    if not w:
        pytest.skip("wine64 is not installed (apt-get install wine wine64)")
    if not os.path.isfile(EXE):
        pytest.skip(f"{EXE} is not built (make windows)")
    prefix = os.environ.get("MF_WINE_PREFIX") or str(
        tmp_path_factory.mktemp("wine") / "prefix")
    log = open(os.path.join(os.path.dirname(prefix) or ".",
                            "wineserver.log"), "a")
    wn = Wine(w, prefix, log)
    if not os.path.exists(os.path.join(prefix, "system.reg")):
        boot = subprocess.run([w, "wineboot", "-i"], env=wn.env,
                              capture_output=True, text=True, timeout=300)
        if not os.path.isdir(wn.dosdevices()):
            pytest.skip(f"Wine cannot start (wineboot exit "
                        f"{boot.returncode}): "
                        + (boot.stderr.strip().splitlines() or ["?"])[-1])
        # the wineserver wineboot started must be gone before ours
        subprocess.run([wn.server, "-w"], env=wn.env, capture_output=True,
                       timeout=60)
    # one persistent wineserver, its object dumps (on a pty's hangup) in
    # a log rather than in the exe's stderr
    srv = subprocess.Popen([wn.server, "-f", "-p"], env=wn.env,
                           stdout=log, stderr=log)
    time.sleep(0.3)
    # Wine's own services (services.exe, plugplay, explorer) start with
    # the first program and inherit its stdio: start them here, on the log,
    # so that no test's pipes stay open after its exe has exited
    subprocess.run([w, "wineboot"], env=wn.env, stdout=log, stderr=log,
                   timeout=300)
    yield wn
    subprocess.run([wn.server, "-k"], env=wn.env, capture_output=True)
    try:
        srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        srv.wait()
    log.close()


class Sim:
    def __init__(self, root, state, proc):
        self.root, self.state, self.proc = root, state, proc

    def control(self, command, timeout=10):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(os.path.join(self.state, "control"))
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

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def sim(tmp_path, wine):
    """Factory: sim(profile=None, revision=None, uart=None, faults=())."""
    if not os.access(SIM, os.X_OK):
        pytest.skip(f"{SIM} is not built")
    started = []

    def start(profile=None, revision=None, uart=None, faults=()):
        root = str(tmp_path / "root")
        state = str(tmp_path / "state")
        os.makedirs(root)
        os.makedirs(state)
        wine.map_ports(root)
        cmd = [SIM, "--root", root, "--state", state, "--timing", "fast"]
        if profile:
            cmd += ["--profile", profile]
        if revision:
            cmd += ["--revision", revision]
        if uart == "plain":
            cmd += ["--uart"]
        elif uart:
            cmd += [f"--uart={uart}"]
        for f in faults:
            cmd += ["--fault", f]
        log = open(tmp_path / "sim.log", "w")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        s = Sim(root, state, proc)
        started.append(s)
        deadline = time.monotonic() + 20
        while not (os.path.exists(os.path.join(root, "ready")) and
                   os.path.exists(os.path.join(state, "control"))):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("modemflash-sim did not start: "
                            + (tmp_path / "sim.log").read_text())
            time.sleep(0.05)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def mkpkg(tmp_path):
    if not os.access(MKPKG, os.X_OK):
        pytest.skip(f"{MKPKG} is not built")

    def make(profile, rev, size=None):
        out = str(tmp_path / rev)
        cmd = [MKPKG, "--profile", profile, "--revision", rev, "-o", out]
        if size:
            cmd += ["--size", str(size)]
        subprocess.run(cmd, check=True, capture_output=True)
        return out
    return make


def json_last(stdout):
    lines = [json.loads(l) for l in stdout.splitlines() if l.strip()]
    return lines[-1] if lines else None


def com_of(tty):
    return dict((t, c) for c, t in COM_TTYS)[tty]
