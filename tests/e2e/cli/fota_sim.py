# SPDX-License-Identifier: BSD-3-Clause
"""A BG95-M3 reachable only through its UART (USB disabled), as in field
report 1, for the fota tests: start modemflash-sim, make deltas with
tools/mkdelta, talk raw AT on the pty, pull the control socket."""
import json
import os
import select
import socket
import subprocess
import termios
import time

BUILD = os.environ.get("MF_BUILD_DIR", "build")
MF = os.path.join(BUILD, "src", "cli", "modemflash")
SIM = os.path.join(BUILD, "sim", "modemflash-sim")
MKDELTA = os.path.join(BUILD, "tools", "mkdelta")
BASE = "BG95M3LAR02A03"
START_REV = BASE + "_01.009.01.009"


def full_rev(rev):
    """AT+QGMR form of a short revision: "01.014" -> BG95M3LAR02A03_01.014.01.014.
    The simulator and the delta header carry the full string, as a real
    module does."""
    if "_" in rev:
        return rev
    return "%s_%s.%s" % (BASE, rev, rev)


class Sim:
    def __init__(self, root, faults=(), timing=("--timing", "fast")):
        self.root = str(root)
        os.makedirs(self.root, exist_ok=True)
        args = [SIM, "--root", self.root, "--profile", "bg95-m3",
                "--revision", START_REV, "--uart", "--fault", "disusb",
                *timing]
        for f in faults:
            args += ["--fault", f]
        self.log = open(os.path.join(self.root, "sim.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        while not os.path.exists(os.path.join(self.root, "ready")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("modemflash-sim did not start: " +
                                   open(os.path.join(self.root, "sim.log")).read())
            time.sleep(0.05)
        self.port = os.path.join(self.root, "dev", "ttyS0")
        # DIR/ready comes before the module has booted (at real timing, a
        # while before): the tests start from a module that answers
        try:
            self.at("AT", timeout=60)
        except Exception:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def control(self, cmd):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(os.path.join(self.root, "control"))
        s.sendall(cmd.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        return data.decode().strip()

    def state(self):
        return json.loads(self.control("state"))

    def at(self, cmd, timeout=30.0):
        """Our own raw AT exchange on the pty: bytes in, lines out. The
        module may be restarting (after an update, a refused one, a power
        cycle): it ignores what it is sent until it booted, so first wait
        until it answers a plain AT, then ask."""
        deadline = time.monotonic() + timeout
        with RawPort(self.port) as p:
            p.sync(deadline)
            return p.command(cmd, deadline)

    def qgmr(self, timeout=30.0):
        """The AT+QGMR revision line, asked again until one comes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            lines = self.at("AT+QGMR", max(left, 0.1))
            for line in lines:
                if "_" in line and not line.startswith("AT"):
                    return line
            if time.monotonic() > deadline:
                raise AssertionError("no AT+QGMR answer: %r" % lines)


class RawPort:
    """The pty opened raw (TCSANOW: keep what is already buffered)."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        attrs = termios.tcgetattr(self.fd)
        attrs[0] = 0
        attrs[1] = 0
        attrs[3] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, attrs)
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)

    def _read(self, wait):
        r, _, _ = select.select([self.fd], [], [], max(wait, 0))
        if not r:
            return False
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return False
        self.buf += data
        return bool(data)

    def lines(self):
        return [ln.strip() for ln in self.buf.decode(errors="replace")
                .replace("\r", "\n").split("\n") if ln.strip()]

    def final(self):
        return any(ln == "OK" or "ERROR" in ln for ln in self.lines())

    def sync(self, deadline, every=1.0):
        """Send AT until an OK comes, then let late answers pass."""
        while True:
            self.buf = b""
            os.write(self.fd, b"AT\r")
            end = min(time.monotonic() + every, deadline)
            while not self.final() and time.monotonic() < end:
                self._read(end - time.monotonic())
            if self.final():
                break
            if time.monotonic() >= deadline:
                raise TimeoutError("the module does not answer AT: %r" % self.buf)
        # ATs sent while it booted may be answered now: wait for quiet
        while self._read(0.3):
            pass
        self.buf = b""

    def command(self, cmd, deadline):
        os.write(self.fd, cmd.encode() + b"\r")
        while not self.final():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{cmd}: no final result, got {self.buf!r}")
            self._read(min(left, 0.5))
        return self.lines()


def mkdelta(out, frm, to):
    subprocess.run([MKDELTA, "--profile", "bg95-m3", "--from", full_rev(frm),
                    "--to", full_rev(to),
                    "-o", str(out)], check=True, capture_output=True, timeout=60)
    return str(out)


def fota(*args, timeout=300):
    return subprocess.run([MF, *args], capture_output=True, text=True,
                          timeout=timeout)


def json_lines(text):
    return [json.loads(ln) for ln in text.splitlines() if ln.strip()]


def have_sim():
    return os.path.exists(SIM) and os.path.exists(MKDELTA)
