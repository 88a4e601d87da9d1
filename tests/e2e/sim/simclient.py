# SPDX-License-Identifier: BSD-3-Clause
"""Independent client helpers for tests of modemflash-sim.

Only the standard library: raw bytes through the ptys (os, termios),
the sysfs-like tree, and the control socket. Nothing here uses the
project's host C code, so these tests check the simulator on its own.
"""
import json
import os
import select
import signal
import socket
import subprocess
import termios
import time

BUILD = os.environ.get("MF_BUILD_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "build")
SIM_BIN = os.path.join(BUILD, "sim", "modemflash-sim")
SOURCE = os.environ.get("MF_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..", "..")


def tool(name):
    """Path of a built tool (tools/mkdelta, tools/mkpkg)."""
    return os.path.join(BUILD, "tools", name)


# ---- HDLC / DIAG (docs/protocols.md, DIAG) ----

def crc16_x25(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return (~crc) & 0xFFFF


def hdlc_encode(payload):
    crc = crc16_x25(payload)
    raw = bytes(payload) + bytes([crc & 0xFF, crc >> 8])
    out = bytearray()
    for b in raw:
        if b in (0x7E, 0x7D):
            out += bytes([0x7D, b ^ 0x20])
        else:
            out.append(b)
    out.append(0x7E)
    return bytes(out)


def hdlc_frames(data):
    """Decode every complete frame in data: list of payloads (CRC checked)."""
    frames = []
    for chunk in data.split(b"\x7e"):
        if not chunk:
            continue
        raw = bytearray()
        esc = False
        for b in chunk:
            if esc:
                raw.append(b ^ 0x20)
                esc = False
            elif b == 0x7D:
                esc = True
            else:
                raw.append(b)
        if len(raw) < 3:
            continue
        body, crc = bytes(raw[:-2]), raw[-2] | (raw[-1] << 8)
        if crc16_x25(body) == crc:
            frames.append(body)
    return frames


def qfupl_sum(data):
    """AT+QFUPL checksum: XOR of big-endian 16-bit pairs, odd byte high."""
    s = 0
    for i in range(0, len(data) - 1, 2):
        s ^= (data[i] << 8) | data[i + 1]
    if len(data) % 2:
        s ^= data[-1] << 8
    return s


# ---- ports ----

class Port:
    """A pty slave opened raw (TCSANOW: never flush what is already there)."""

    def __init__(self, path):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        attr = termios.tcgetattr(self.fd)
        attr[0] = 0
        attr[1] = 0
        attr[2] = (attr[2] & ~(termios.CSIZE | termios.PARENB)) | termios.CS8 | termios.CREAD | termios.CLOCAL
        attr[3] = 0
        attr[6][termios.VMIN] = 0
        attr[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, attr)
        self.buf = b""

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        off = 0
        end = time.time() + 10
        while off < len(data):
            try:
                off += os.write(self.fd, data[off:])
            except BlockingIOError:
                if time.time() > end:
                    raise TimeoutError("write stalled")
                select.select([], [self.fd], [], 0.05)

    def _fill(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            raise EOFError("port vanished: " + self.path)
        if not data:
            raise EOFError("port vanished: " + self.path)
        self.buf += data
        return True

    def read_for(self, seconds):
        """Everything that arrives within seconds (and what was buffered)."""
        end = time.time() + seconds
        while time.time() < end:
            self._fill(end - time.time())
        out, self.buf = self.buf, b""
        return out

    def read_until(self, token, timeout=5.0):
        """Bytes up to and including token; raises TimeoutError."""
        if isinstance(token, str):
            token = token.encode()
        end = time.time() + timeout
        while token not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError("no %r within %.1fs; got %r" % (token, timeout, self.buf))
            self._fill(left)
        i = self.buf.index(token) + len(token)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n, timeout=5.0):
        end = time.time() + timeout
        while len(self.buf) < n:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError("wanted %d bytes, got %r" % (n, self.buf))
            self._fill(left)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def drain(self, seconds=0.1):
        return self.read_for(seconds)

    def at(self, cmd, timeout=5.0):
        """Send an AT command; return the raw answer up to the final result."""
        self.write(cmd + "\r")
        end = time.time() + timeout
        while True:
            for fin in (b"\r\nOK\r\n", b"\r\nERROR\r\n"):
                if fin in self.buf:
                    return self.read_until(fin, 0)
            if b"+CME ERROR:" in self.buf:
                i = self.buf.index(b"+CME ERROR:")
                if b"\r\n" in self.buf[i:]:
                    return self.read_until(self.buf[i:self.buf.index(b"\r\n", i) + 2], 0)
            left = end - time.time()
            if left <= 0:
                raise TimeoutError("no final result for %r: %r" % (cmd, self.buf))
            self._fill(left)

    def at_lines(self, cmd, timeout=5.0):
        """Non-empty lines of the answer, echo included."""
        raw = self.at(cmd, timeout)
        return [l for l in raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").decode(
            "latin-1").split("\n") if l]


# ---- the simulator process ----

class Sim:
    def __init__(self, root, profile="bg95-m3", state=None, uart=None, faults=(),
                 timing=None, time_scale=None, usb_path=None, revision=None, extra=()):
        self.root = str(root)
        self.state_dir = str(state) if state else None
        self.args = [SIM_BIN, "--root", self.root, "--profile", profile]
        if state:
            self.args += ["--state", str(state)]
        if uart == "plain" or uart is True:
            self.args.append("--uart")
        elif uart == "ftdi":
            self.args.append("--uart=ftdi")
        for f in faults:
            self.args += ["--fault", f]
        if timing:
            self.args += ["--timing", timing]
        if time_scale is not None:
            self.args += ["--time-scale", str(time_scale)]
        if usb_path:
            self.args += ["--usb-path", usb_path]
        if revision:
            self.args += ["--revision", revision]
        self.args += list(extra)
        self.proc = None
        self.ctl_dir = self.state_dir or self.root

    def start(self, timeout=10.0):
        ready = os.path.join(self.state_dir or self.root, "ready")
        if os.path.exists(ready) and not self.state_dir:
            os.unlink(ready)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        end = time.time() + timeout
        while not os.path.exists(ready):
            if self.proc.poll() is not None:
                raise RuntimeError("modemflash-sim exited %d: %s" % (
                    self.proc.returncode, self.proc.stderr.read().decode()))
            if time.time() > end:
                self.stop()
                raise TimeoutError("modemflash-sim not ready")
            time.sleep(0.01)
        return self

    def stop(self, timeout=10.0):
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc.stderr.close()
        self.proc = None
        return rc

    def ctl(self, cmd, timeout=5.0):
        """One control command; returns the answer line without newline."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(timeout)
            c.connect(os.path.join(self.ctl_dir, "control"))
            c.sendall(cmd.encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data.decode().rstrip("\n")

    def state(self):
        return json.loads(self.ctl("state"))

    def wait_state(self, pred, timeout=10.0, what="state"):
        end = time.time() + timeout
        st = None
        while time.time() < end:
            st = self.state()
            if pred(st):
                return st
            time.sleep(0.02)
        raise TimeoutError("%s not reached; last state %r" % (what, st))

    def wait_usb(self, vid=None, timeout=10.0):
        """Wait until the module is enumerated (optionally with this vid)."""
        return self.wait_state(lambda s: s["present"] and (vid is None or s["vid"] == vid)
                               and not s["rebooting"], timeout, "usb %s" % vid)

    def wait_gone(self, timeout=10.0):
        return self.wait_state(lambda s: not s["present"], timeout, "usb gone")

    def port(self, role):
        """dev path of the port with this role (DIAG, AT, MODEM, NMEA, EDL)."""
        return self.state()["roles"].get(role)

    # tree helpers
    def devices_dir(self):
        return os.path.join(self.root, "sys", "bus", "usb", "devices")

    def attr(self, name, attr):
        with open(os.path.join(self.devices_dir(), name, attr)) as f:
            return f.read()

    def uevent(self, name):
        out = {}
        for line in self.attr(name, "uevent").splitlines():
            k, _, v = line.partition("=")
            out[k] = v
        return out


def tree_files(root):
    """Every path under root (relative), for leak checks."""
    out = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)
