# SPDX-License-Identifier: BSD-3-Clause
"""An independent Sahara + Firehose host for tests of modemflash-sim's EDL
side (docs/protocols.md). Standard library only; it speaks raw
bytes on a simclient.Port and never uses the project's C host code.
"""
import os
import re
import select
import struct
import time
from xml.sax.saxutils import unescape

# Sahara commands (docs/protocols.md, Sahara)
HELLO, HELLO_RESP, READ_DATA, END_OF_IMAGE, DONE, DONE_RESP = 1, 2, 3, 4, 5, 6
RESET, RESET_RESP = 7, 8
CMD_READY, SWITCH_MODE, EXECUTE, EXECUTE_RESP, EXECUTE_DATA = 0x0B, 0x0C, 0x0D, 0x0E, 0x0F
READ_DATA_64 = 0x12
MODE_IMAGE, MODE_COMMAND = 0, 3
EXEC_SERIAL, EXEC_HWID, EXEC_PKHASH, EXEC_SBL_VERSION, EXEC_CHIPID_V3 = 1, 2, 3, 7, 0x0A
ST_IMAGE_AUTH_FAILURE = 0x25

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" ?>'
XML_ENTITIES = {"&quot;": '"', "&apos;": "'"}


def read_exact(port, n, timeout):
    """n bytes from a simclient.Port, for big reads: appends into one
    bytearray (Port.read_exact re-copies its buffer on every read)."""
    out = bytearray(port.buf[:n])
    port.buf = port.buf[len(out):]
    end = time.time() + timeout
    while len(out) < n:
        left = end - time.time()
        if left <= 0:
            raise TimeoutError("wanted %d bytes within %.1fs, got %d" % (n, timeout, len(out)))
        r, _, _ = select.select([port.fd], [], [], left)
        if not r:
            continue
        try:
            data = os.read(port.fd, min(1 << 20, n - len(out)))
        except BlockingIOError:
            continue
        except OSError:
            raise EOFError("port vanished: " + port.path) from None
        if not data:
            raise EOFError("port vanished: " + port.path)
        out += data
    return bytes(out)


class SaharaError(Exception):
    pass


class Sahara:
    """The host side of Sahara on a Port."""

    def __init__(self, port, timeout=5.0):
        self.port = port
        self.timeout = timeout
        self.requests = []      # (cmd, image_id, offset, length) served

    def packet(self, timeout=None):
        """One packet: (cmd, body bytes after the 8-byte header)."""
        t = timeout or self.timeout
        hdr = self.port.read_exact(8, t)
        cmd, length = struct.unpack("<II", hdr)
        if length < 8 or length > 0x400:
            raise SaharaError("bad packet length %d (cmd %d): %r" % (length, cmd, hdr))
        return cmd, self.port.read_exact(length - 8, t)

    def expect(self, want, timeout=None):
        cmd, body = self.packet(timeout)
        if cmd != want:
            raise SaharaError("wanted cmd 0x%x, got 0x%x %s" % (want, cmd, body.hex()))
        return body

    def send(self, cmd, *words, fmt=None):
        fmt = fmt or ("<" + "I" * len(words))
        body = struct.pack(fmt, *words)
        self.port.write(struct.pack("<II", cmd, 8 + len(body)) + body)

    def hello(self, timeout=None):
        """Read HELLO: dict of version, compatible, max_len, mode, raw."""
        body = self.expect(HELLO, timeout)
        v, c, m, mode = struct.unpack_from("<IIII", body)
        return {"version": v, "compatible": c, "max_len": m, "mode": mode,
                "raw": struct.pack("<II", HELLO, 8 + len(body)) + body}

    def hello_resp(self, mode=MODE_IMAGE, version=2, compatible=1, status=0,
                   reserved=(0, 0, 0, 0, 0, 0)):
        """qdl style by default; QFirehose style: echo version, reserved 1..6."""
        self.send(HELLO_RESP, version, compatible, status, mode, *reserved)

    def serve(self, image, image_id=13):
        """Answer READ_DATA(_64) from image until END_OF_IMAGE: its status."""
        while True:
            cmd, body = self.packet()
            if cmd == READ_DATA:
                iid, off, ln = struct.unpack("<III", body)
            elif cmd == READ_DATA_64:
                iid, off, ln = struct.unpack("<QQQ", body)
            elif cmd == END_OF_IMAGE:
                iid, status = struct.unpack("<II", body)
                if iid != image_id:
                    raise SaharaError("END_OF_IMAGE for image %d" % iid)
                return status
            else:
                raise SaharaError("unexpected cmd 0x%x during upload" % cmd)
            self.requests.append((cmd, iid, off, ln))
            if iid != image_id or off + ln > len(image):
                raise SaharaError("request outside the image: %d %#x+%#x" % (iid, off, ln))
            data = image[off:off + ln]
            # QFirehose streams answers in 4 KiB writes
            for i in range(0, len(data), 4096):
                self.port.write(data[i:i + 4096])

    def done(self):
        self.send(DONE)
        return struct.unpack("<I", self.expect(DONE_RESP))[0]

    def upload(self, image, **resp):
        """HELLO, HELLO_RESP mode 0, serve, DONE: returns DONE_RESP status."""
        h = self.hello()
        self.hello_resp(MODE_IMAGE, **resp)
        st = self.serve(image)
        if st != 0:
            raise SaharaError("END_OF_IMAGE status 0x%x" % st)
        if h["mode"] != MODE_IMAGE:
            raise SaharaError("HELLO mode %d" % h["mode"])
        return self.done()

    # command mode (B.3)
    def command_mode(self, version=2):
        self.hello_resp(MODE_COMMAND, version=version)
        self.expect(CMD_READY)

    def execute(self, client_cmd):
        """EXECUTE -> EXECUTE_RESP -> EXECUTE_DATA -> raw data."""
        self.send(EXECUTE, client_cmd)
        cmd, body = self.packet()
        if cmd == END_OF_IMAGE:
            raise SaharaError("EXECUTE %d refused, status 0x%x" % (
                client_cmd, struct.unpack("<II", body)[1]))
        if cmd != EXECUTE_RESP:
            raise SaharaError("wanted EXECUTE_RESP, got 0x%x" % cmd)
        ccmd, n = struct.unpack("<II", body)
        if ccmd != client_cmd:
            raise SaharaError("EXECUTE_RESP for %d" % ccmd)
        self.send(EXECUTE_DATA, client_cmd)
        return read_exact(self.port, n, self.timeout)

    def switch_mode(self, mode=MODE_IMAGE):
        self.send(SWITCH_MODE, mode)


# ---- Firehose (B.5, B.6) ----

ATTR_RE = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="([^"]*)"')


class FirehoseError(Exception):
    pass


class Response:
    def __init__(self, attrs, logs, doc):
        self.attrs = attrs
        self.logs = logs
        self.doc = doc

    @property
    def ack(self):
        return self.attrs.get("value") == "ACK"

    @property
    def rawmode(self):
        return self.attrs.get("rawmode") == "true"

    def __repr__(self):
        return "Response(%r, logs=%r)" % (self.attrs, self.logs)


class Firehose:
    """The host side of Firehose on a Port: documents split on </data>."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.logs = []          # every log seen, in order

    def doc(self, timeout=None):
        """One device document (text, up to and including </data>)."""
        return self.port.read_until(b"</data>", timeout or self.timeout).decode("latin-1")

    def docs_for(self, seconds):
        """Every document arriving within seconds (start-up logs), or until
        the port vanishes (after power: a read error then is normal)."""
        out = []
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                break
            try:
                out.append(self.doc(left))
            except (TimeoutError, EOFError):
                break
        return out

    @staticmethod
    def log_of(doc):
        m = re.search(r'<log value="([^"]*)"\s*/>', doc)
        return unescape(m.group(1), XML_ENTITIES) if m else None

    def startup_logs(self, seconds=1.5):
        logs = [self.log_of(d) for d in self.docs_for(seconds)]
        self.logs += logs
        return logs

    def response(self, timeout=None):
        """Documents up to the next <response>: Response with the logs before it."""
        logs = []
        while True:
            d = self.doc(timeout)
            m = re.search(r"<response\s([^>]*)/>", d)
            if m:
                return Response({k: unescape(v, XML_ENTITIES) for k, v in ATTR_RE.findall(m.group(1))}, logs, d)
            lg = self.log_of(d)
            if lg is None:
                raise FirehoseError("neither log nor response: %r" % d)
            logs.append(lg)
            self.logs.append(lg)

    def send(self, element):
        self.port.write('%s\n<data>\n%s\n</data>' % (XML_HEAD, element))

    def cmd(self, element, timeout=None):
        self.send(element)
        return self.response(timeout)

    @staticmethod
    def element(tag, **attrs):
        return "<%s %s />" % (tag, " ".join('%s="%s"' % (k, v) for k, v in attrs.items()))

    def configure(self, payload=8192, memory="nand"):
        """QFirehose's NAND configure (docs/protocols.md, Firehose)."""
        return self.cmd('<configure MemoryName="%s" Verbose="0" AlwaysValidate="0" '
                        'MaxDigestTableSizeInBytes="2048" MaxPayloadSizeToTargetInBytes="%d"  '
                        'ZlpAwareHost="1" SkipStorageInit="0" />' % (memory, payload))

    @staticmethod
    def geo(sector, ppb, start, count):
        return ('PAGES_PER_BLOCK="%d" SECTOR_SIZE_IN_BYTES="%d" num_partition_sectors="%s" '
                'physical_partition_number="0" start_sector="%s"' % (ppb, sector, count, start))

    def erase(self, start, count, sector=2048, ppb=64):
        return self.cmd("<erase %s />" % self.geo(sector, ppb, start, count))

    def program(self, start, data, sector=2048, ppb=64, payload=8192, filename="image.bin"):
        """program: data zero-padded to whole sectors, sent in payload pieces.
        Returns (first response, final response or None when NAKed)."""
        nsec = (len(data) + sector - 1) // sector
        data = bytes(data) + b"\0" * (nsec * sector - len(data))
        r = self.cmd('<program %s filename="%s" />' % (self.geo(sector, ppb, start, nsec), filename))
        if not (r.ack and r.rawmode):
            return r, None
        for i in range(0, len(data), payload):
            self.port.write(data[i:i + payload])
        return r, self.response(max(self.timeout, len(data) / 2e6))

    def read(self, start, count, sector=2048, ppb=64, timeout=None):
        """read: (first response, exact bytes, final response)."""
        r = self.cmd("<read %s />" % self.geo(sector, ppb, start, count))
        if not (r.ack and r.rawmode):
            return r, None, None
        n = count * sector
        data = read_exact(self.port, n, timeout or max(self.timeout, n / 2e6))
        return r, data, self.response()

    def digest(self, start, count, sector=2048, ppb=64):
        r = self.cmd("<getsha256digest %s />" % self.geo(sector, ppb, start, count))
        for lg in r.logs:
            if lg.startswith("Digest "):
                return r, lg[len("Digest "):].lower()
        return r, None

    def storageinfo(self):
        return self.cmd('<getstorageinfo physical_partition_number="0" />')

    def patch(self, start, byte_offset, size, value, sector=2048, filename="DISK"):
        return self.cmd('<patch SECTOR_SIZE_IN_BYTES="%d" byte_offset="%s" filename="%s" '
                        'physical_partition_number="0" size_in_bytes="%s" start_sector="%s" '
                        'value="%s" what="test" />' % (sector, byte_offset, filename, size,
                                                       start, value))

    def power(self, value="reset"):
        return self.cmd('<power value="%s" />' % value)


# ---- packages written by tools/mkpkg ----

PROG_RE = re.compile(r"<(program|erase)\s([^>]*)/>")


def package_steps(pkg, kind="update"):
    """The rawprogram XML of a package as a list of (tag, attrs dict)."""
    fh = os.path.join(pkg, "update", "firehose")
    xml = [f for f in os.listdir(fh) if f.startswith("rawprogram") and f.endswith("_%s.xml" % kind)]
    if len(xml) != 1:
        raise FileNotFoundError("no single rawprogram *_%s.xml in %s" % (kind, fh))
    with open(os.path.join(fh, xml[0])) as f:
        text = f.read()
    return [(m.group(1), dict(ATTR_RE.findall(m.group(2)))) for m in PROG_RE.finditer(text)]


def safe_order(steps):
    """QFirehose's NAND order (docs/protocols.md, NAND): erase start 0 first, other
    erases, programs except start 0, the start-0 program (SBL) last."""
    e0 = [s for s in steps if s[0] == "erase" and s[1]["start_sector"] == "0"]
    er = [s for s in steps if s[0] == "erase" and s[1]["start_sector"] != "0"]
    pr = [s for s in steps if s[0] == "program" and s[1]["start_sector"] != "0"]
    p0 = [s for s in steps if s[0] == "program" and s[1]["start_sector"] == "0"]
    return e0 + er + pr + p0


def package_file(pkg, name):
    """A rawprogram filename (Windows '..\\' paths relative to update/firehose)."""
    return os.path.normpath(os.path.join(pkg, "update", "firehose", name.replace("\\", "/")))


def programmer_of(pkg):
    fh = os.path.join(pkg, "update", "firehose")
    for f in sorted(os.listdir(fh)):
        if f.startswith("prog_"):
            with open(os.path.join(fh, f), "rb") as fp:
                return fp.read()
    raise FileNotFoundError("no programmer in " + fh)


def flash_package(fh, pkg, sector, ppb=64, kind="update"):
    """Run a package's rawprogram in the safe order; every answer must ACK."""
    done = []
    for tag, a in safe_order(package_steps(pkg, kind)):
        start = int(a["start_sector"])
        if tag == "erase":
            r = fh.erase(start, int(a["num_partition_sectors"]), sector, ppb)
        else:
            with open(package_file(pkg, a["filename"]), "rb") as f:
                data = f.read()
            r0, r = fh.program(start, data, sector, ppb, filename=a["filename"])
            r = r or r0
        if not r.ack:
            raise FirehoseError("%s at %d NAKed: %r" % (tag, start, r))
        done.append((tag, start))
    return done


# ---- getting a simulated module into EDL (simclient.Sim) ----

EDL_SWITCH = bytes.fromhex("4B650100540F7E")    # docs/protocols.md, DIAG


def edl_tty_from_tree(sim):
    """dev path of the 05c6:9008 port, read from the sysfs-like tree."""
    devs = sim.devices_dir()
    for name in sorted(os.listdir(devs)):
        if ":" in name:
            continue
        d = os.path.join(devs, name)
        try:
            with open(os.path.join(d, "idVendor")) as f:
                vid = f.read().strip()
            with open(os.path.join(d, "idProduct")) as f:
                pid = f.read().strip()
        except FileNotFoundError:
            continue
        if (vid, pid) != ("05c6", "9008"):
            continue
        for ifc in sorted(os.listdir(devs)):
            if not ifc.startswith(name + ":"):
                continue
            for t in os.listdir(os.path.join(devs, ifc)):
                if t.startswith("ttyUSB"):
                    return os.path.join(sim.root, "dev", t)
    return None


def wait_edl_tty(sim, timeout=10.0):
    sim.wait_usb("05c6", timeout)
    end = time.time() + timeout
    while time.time() < end:
        t = edl_tty_from_tree(sim)
        if t and os.path.exists(t):
            return t
        time.sleep(0.02)
    raise TimeoutError("no 05c6:9008 tty in the tree")


def diag_switch(sim, Port):
    """DIAG EDL switch on the DM port; the echo must come back. Returns
    the EDL tty path (from the tree)."""
    with Port(sim.port("DIAG")) as dm:
        dm.write(EDL_SWITCH)
        dm.read_until(EDL_SWITCH, 5.0)
    sim.wait_state(lambda s: s["present"] is False or s["vid"] == "05c6", 10, "DM gone")
    return wait_edl_tty(sim)


def boot_pin_edl(sim):
    """BOOT pin + power-cycle: the boot ROM goes to EDL."""
    assert sim.ctl("boot-pin on") == "ok"
    assert sim.ctl("power-cycle") == "ok"
    tty = wait_edl_tty(sim)
    assert sim.ctl("boot-pin off") == "ok"
    return tty


# ---- pytest fixtures (import them into a test module) ----

try:
    import pytest
except ImportError:     # the client itself needs only the standard library
    pytest = None

if pytest:
    @pytest.fixture(scope="session")
    def mkpkg(tmp_path_factory):
        """mkpkg(profile, revision, *extra) -> package dir (cached per session)."""
        import subprocess
        from simclient import tool
        cache = {}
        base = tmp_path_factory.mktemp("pkgs")

        def make(profile, revision, *extra):
            key = (profile, revision) + tuple(extra)
            if key not in cache:
                out = base / ("p%d" % len(cache))
                r = subprocess.run([tool("mkpkg"), "--profile", profile, "--revision", revision,
                                    *extra, "-o", str(out)], capture_output=True, text=True)
                if r.returncode:
                    raise RuntimeError("mkpkg failed: %s" % r.stderr)
                cache[key] = str(out)
            return cache[key]
        return make
