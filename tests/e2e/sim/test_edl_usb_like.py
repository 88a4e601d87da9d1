# SPDX-License-Identifier: BSD-3-Clause
"""The EDL port as clients written elsewhere see a real module's (issue 15):
the HELLO waits in the port before the host opens it (over USB it sits in
the IN endpoint until the host's first poll), one device message per host
read (one USB transfer each), a HELLO still there after an open and close
by someone else (stty), and the fresh-ttyUSB echo kept as an explicit
fault. The clients here are our own, small and strict: they check what a
pyserial or libusb client would rely on."""
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from simclient import Port  # noqa: E402
import edlclient as ec  # noqa: E402
from edlclient import mkpkg  # noqa: E402,F401  (fixture)

BG95_REV = "BG95M3LAR02A03_01.014.01.014"
HELLO = bytes.fromhex("01000000" "30000000" "02000000" "01000000" "00040000" "00000000") + bytes(24)


def fresh_edl(sim):
    """The BOOT pin and a power cycle: a new PBL, a new HELLO."""
    return ec.boot_pin_edl(sim)


def open_raw_nonblock(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    attr = termios.tcgetattr(fd)
    attr[0] = attr[1] = attr[3] = 0
    attr[6][termios.VMIN], attr[6][termios.VTIME] = 1, 0
    termios.tcsetattr(fd, termios.TCSANOW, attr)
    return fd


def test_hello_is_there_half_a_millisecond_after_open_100_of_100(sim_factory):
    """A client that reads 0.5 ms after open gets the whole HELLO, 100 times
    (fresh PBL each time: BOOT pin + power cycle)."""
    sim = sim_factory(timing="fast")
    got = []
    for _ in range(100):
        tty = fresh_edl(sim)
        fd = open_raw_nonblock(tty)
        try:
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.0005:
                pass
            try:
                data = os.read(fd, 4096)
            except BlockingIOError:
                data = b""
        finally:
            os.close(fd)
        got.append(data)
    bad = [len(d) for d in got if d != HELLO]
    assert not bad, "%d of 100 reads were not one whole HELLO: %r" % (len(bad), bad[:10])


def test_hello_waiting_for_a_pyserial_style_in_waiting(sim_factory):
    """pyserial asks in_waiting (TIOCINQ) a few ms after open, without a
    termios change: 48 bytes waiting."""
    sim = sim_factory(timing="fast")
    tty = fresh_edl(sim)
    fd = os.open(tty, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        time.sleep(0.003)
        import fcntl
        import array
        n = array.array("i", [0])
        fcntl.ioctl(fd, termios.FIONREAD, n)
        assert n[0] == 48
    finally:
        os.close(fd)


class StrictSahara:
    """A Sahara host that takes exactly one packet per read() with a large
    buffer and checks that the packet's length field equals the bytes the
    read returned: two packets in one read, or half of one, fail it."""

    def __init__(self, fd, timeout=5.0):
        self.fd = fd
        self.timeout = timeout

    def read_one(self, limit=65536):
        r, _, _ = select.select([self.fd], [], [], self.timeout)
        if not r:
            raise TimeoutError("no packet within %.1fs" % self.timeout)
        data = os.read(self.fd, limit)
        return data

    def packet(self):
        data = self.read_one()
        if len(data) < 8:
            raise AssertionError("a read of %d bytes: not a whole header" % len(data))
        cmd, length = struct.unpack_from("<II", data)
        if length != len(data):
            raise AssertionError("cmd %d: length field %d, the read returned %d bytes"
                                 % (cmd, length, len(data)))
        return cmd, data[8:]

    def send(self, cmd, *words):
        body = struct.pack("<" + "I" * len(words), *words)
        os.write(self.fd, struct.pack("<II", cmd, 8 + len(body)) + body)

    def write_all(self, data):
        off = 0
        while off < len(data):
            try:
                off += os.write(self.fd, data[off:])
            except BlockingIOError:
                select.select([], [self.fd], [], 0.05)

    def upload(self, image):
        cmd, body = self.packet()
        assert cmd == ec.HELLO, cmd
        self.send(ec.HELLO_RESP, 2, 1, 0, ec.MODE_IMAGE, 0, 0, 0, 0, 0, 0)
        reads = 0
        while True:
            cmd, body = self.packet()
            if cmd == ec.END_OF_IMAGE:
                iid, status = struct.unpack("<II", body)
                assert (iid, status) == (13, 0), (iid, status)
                break
            assert cmd == ec.READ_DATA, cmd
            iid, off, ln = struct.unpack("<III", body)
            self.write_all(image[off:off + ln])
            reads += 1
        self.send(ec.DONE)
        cmd, body = self.packet()
        assert cmd == ec.DONE_RESP and struct.unpack("<I", body)[0] == 1
        return reads

    def doc(self, timeout):
        """One read, one whole <data> document (None after timeout)."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return None
        data = os.read(self.fd, 65536).decode("latin-1")
        n = data.count("<?xml")
        assert n == 1 and data.rstrip().endswith("</data>"), \
            "one read held %d documents: %r" % (n, data[:200])
        return data

    def firehose_docs(self, quiet=0.3):
        """The programmer's start-up logs, one document per read."""
        docs = []
        while True:
            d = self.doc(quiet)
            if d is None:
                return docs
            docs.append(d)


def test_length_checking_sahara_client_completes_20_of_20(sim_factory, mkpkg):
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    sim = sim_factory(timing="fast")
    done = 0
    for run in range(20):
        tty = fresh_edl(sim)
        fd = open_raw_nonblock(tty)
        try:
            c = StrictSahara(fd)
            assert c.upload(prog) > 3
            docs = c.firehose_docs()
            logs = [re.search(r'value="([^"]*)"', d).group(1) for d in docs]
            assert logs[-1] == "INFO: End of supported functions 15", logs
            # a command's log lines and its answer: one read each
            os.write(fd, b'<?xml version="1.0" ?><data><nop /></data>')
            answer = []
            while not answer or "<response" not in answer[-1]:
                d = c.doc(5.0)
                assert d, "no answer to <nop>"
                answer.append(d)
            assert 'value="ACK"' in answer[-1] and len(answer) == 2
            done += 1
        finally:
            os.close(fd)
    assert done == 20


def test_hello_survives_an_stty_before_the_client(sim_factory):
    """stty opens, sets, closes: the HELLO stays queued for the client."""
    sim = sim_factory(timing="fast")
    tty = fresh_edl(sim)
    r = subprocess.run(["stty", "-F", tty, "raw", "-echo"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # a second prober that only looks at the settings
    fd = os.open(tty, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    termios.tcgetattr(fd)
    os.close(fd)
    with Port(tty) as p:
        assert ec.Sahara(p).hello()["raw"] == HELLO


def test_stolen_hello_a_fresh_host_resets_the_state_machine(sim_factory, mkpkg):
    """A prober read the HELLO and went away: the PBL answers the next host's
    RESET_STATE_MACHINE with a new HELLO, and the upload works."""
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    sim = sim_factory(timing="fast")
    tty = fresh_edl(sim)
    with Port(tty) as thief:
        assert thief.read_exact(48, 2.0) == HELLO
    with Port(tty) as p:
        assert p.read_for(0.2) == b""      # nothing more comes by itself
        sh = ec.Sahara(p)
        sh.send(0x13)                       # RESET_STATE_MACHINE
        assert sh.upload(prog) == 1


def test_client_that_never_touches_termios_works(sim_factory, mkpkg):
    """Without the echo fault the port is raw already: a client that never
    calls tcsetattr gets the HELLO byte for byte and uploads."""
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    sim = sim_factory(timing="fast")
    tty = fresh_edl(sim)
    fd = os.open(tty, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        c = StrictSahara(fd)
        assert c.upload(prog) > 3
    finally:
        os.close(fd)


def test_echo_fault_the_fresh_tty_echoes_the_hello(sim_factory):
    """--fault echo: the first EDL tty is cooked, ECHO on, when the HELLO
    arrives (docs/usbvm.md finding 1). The device gets the line discipline's echo
    (^A for 0x01, as n_tty writes control characters) and rejects it with
    END_OF_IMAGE(INVALID_CMD); the host, raw only after open, reads the HELLO
    as the canonical line discipline kept it, then that rejection."""
    sim = sim_factory(timing="fast", faults=["echo"])
    tty = fresh_edl(sim)
    with Port(tty) as p:
        sh = ec.Sahara(p)
        cmd, body = sh.packet()
        assert cmd == ec.HELLO
        # 0x04 (VEOF) in max_len ended a canonical line: it is gone
        assert struct.unpack_from("<I", body, 8)[0] != 0x400
        cmd, body = sh.packet()
        assert cmd == ec.END_OF_IMAGE
        assert struct.unpack("<II", body) == (13, 0x01)    # INVALID_CMD
        # the tty is raw now: a RESET_STATE_MACHINE brings a clean HELLO
        sh.send(0x13)   # RESET_STATE_MACHINE
        h = sh.hello()
        assert h["raw"] == HELLO


def test_echo_fault_fires_once(sim_factory):
    sim = sim_factory(timing="fast", faults=["echo"])
    tty = fresh_edl(sim)
    with Port(tty) as p:
        assert p.read_for(0.3)[:4] == b"\x01\x00\x00\x00"
    tty = fresh_edl(sim)
    with Port(tty) as p:
        assert ec.Sahara(p).hello()["raw"] == HELLO
        assert p.read_for(0.2) == b""


def slow_read_of(sim, prog, pages, pause):
    """Upload, configure, <read> pages of 2 KiB, reading 4 KiB every pause
    seconds: the bytes that came before the final ACK."""
    tty = fresh_edl(sim)
    fd = open_raw_nonblock(tty)
    try:
        c = StrictSahara(fd)
        c.upload(prog)
        c.firehose_docs()
        os.write(fd, b'<?xml version="1.0" ?><data><configure MemoryName="nand" '
                     b'MaxPayloadSizeToTargetInBytes="8192" /></data>')
        while "<response" not in (c.doc(5.0) or "<response"):
            pass
        os.write(fd, ('<?xml version="1.0" ?><data><read SECTOR_SIZE_IN_BYTES="2048" '
                      'num_partition_sectors="%d" physical_partition_number="0" '
                      'start_sector="0" /></data>' % pages).encode())
        while 'rawmode="true"' not in (c.doc(5.0) or 'rawmode="true"'):
            pass
        got = bytearray()
        while True:
            r, _, _ = select.select([fd], [], [], 3.0)
            assert r, "the read never ended"
            data = os.read(fd, 4096)
            if b"<?xml" in data:
                got += data[:data.index(b"<?xml")]
                return len(got)
            got += data
            time.sleep(pause)
    finally:
        os.close(fd)


def test_noflow_fault_loses_what_a_lagging_reader_has_no_room_for(sim_factory, mkpkg):
    """--fault noflow (docs/usbvm.md finding 2): a reader that takes 4 KiB every
    10 ms gets less than was read; without the fault it gets every byte."""
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    pages = 256     # 512 KiB
    sim = sim_factory(timing="fast")
    assert slow_read_of(sim, prog, pages, 0.002) == pages * 2048
    lossy = sim_factory(timing="fast", faults=["noflow"], root=sim.root + "2")
    assert slow_read_of(lossy, prog, pages, 0.01) < pages * 2048
