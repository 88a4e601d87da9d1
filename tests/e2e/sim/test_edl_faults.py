# SPDX-License-Identifier: BSD-3-Clause
"""Every one-shot EDL fault of the simulator contract (docs/design.md, "The
simulator") through the pseudo-terminals, driven by an independent client
(edlclient.py, faultclient.py): the fault fires once, then a re-run works.
drop:PHASE:BYTES for configure, erase, program, read; nak:, corrupt: and
silent: for Firehose commands; silent:firehose; badblock:PAGE."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import edlclient as ec  # noqa: E402
import faultclient as fc  # noqa: E402
from edlclient import mkpkg  # noqa: E402,F401  (fixture)

BG95_REV = "BG95M3LAR02A03_01.014.01.014"
USR_DATA = 996 * 64     # bg95-m3 usr_data, first page (sim/profiles.c)
PAGE = 2048
GONE = (EOFError, TimeoutError, OSError)


@pytest.fixture
def edl(sim_factory, mkpkg):
    """edl(faults) -> (sim, port, Firehose, programmer) on a BG95-M3 in
    Firehose, configured unless configure=False; rerun(sim, prog) starts a
    host again after a failure (BOOT pin, upload, configure)."""
    opened = []

    def start(faults=(), configure=True):
        sim = sim_factory(timing="fast", faults=list(faults))
        prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
        p, fh, _ = fc.firehose_session(sim, prog, configure=configure)
        opened.append(p)
        return sim, p, fh, prog

    def rerun(sim, prog, configure=True):
        p, fh, logs = fc.firehose_session(sim, prog, configure=configure)
        opened.append(p)
        assert logs[-1] == "INFO: End of supported functions 15"
        return p, fh

    start.rerun = rerun
    yield start
    for p in opened:
        p.close()


def doc_len(element):
    """Bytes of one document as Firehose.send writes it."""
    return len('%s\n<data>\n%s\n</data>' % (ec.XML_HEAD, element))


# ---- drop:PHASE:BYTES: the link vanishes once BYTES of PHASE went by ----

def test_drop_configure_after_its_bytes_then_rerun(edl):
    sim, p, fh, prog = edl(["drop:configure:2000"], configure=False)
    # fewer than 2000 XML bytes so far: this configure is answered
    assert fh.configure().ack
    for _ in range(2000 // doc_len("<nop />") + 1):
        assert fh.cmd("<nop />").ack       # nop is not configure: no drop
    with pytest.raises(GONE):
        fh.configure()
    assert fc.link_dropped(sim, p.path)
    p2, fh2 = edl.rerun(sim, prog)         # spent: configure ACKs again
    assert fh2.configure().ack


def test_drop_erase_counts_erased_bytes_then_rerun(edl):
    sim, p, fh, prog = edl(["drop:erase:1048576"])
    assert fh.erase(USR_DATA, 64).ack              # 128 KiB: below 1 MiB
    with pytest.raises(GONE):
        fh.erase(USR_DATA + 64, 512)               # 1 MiB more: over
    assert fc.link_dropped(sim, p.path)
    p2, fh2 = edl.rerun(sim, prog)
    assert fh2.erase(USR_DATA + 64, 512).ack
    assert fh2.erase(USR_DATA, 576).ack


def test_drop_program_then_rerun_writes_everything(edl):
    sim, p, fh, prog = edl(["drop:program:100000"])
    data = os.urandom(128 * PAGE)
    assert fh.erase(USR_DATA, 128).ack
    with pytest.raises(GONE):
        fh.program(USR_DATA, data)
    assert fc.link_dropped(sim, p.path)
    p2, fh2 = edl.rerun(sim, prog)
    assert fh2.erase(USR_DATA, 128).ack
    r0, r = fh2.program(USR_DATA, data)
    assert r0.ack and r.ack
    _, back, r = fh2.read(USR_DATA, 128)
    assert r.ack and back == data


def test_drop_read_keeps_a_prefix_then_rerun(edl):
    sim, p, fh, prog = edl(["drop:read:100000"])
    data = os.urandom(128 * PAGE)
    assert fh.erase(USR_DATA, 128).ack
    assert fh.program(USR_DATA, data)[1].ack
    r0 = fh.cmd("<read %s />" % fh.geo(PAGE, 64, USR_DATA, 128))
    assert r0.ack and r0.rawmode
    got, gone = fc.read_until_gone(p)
    assert gone, "the link should vanish during the read"
    # what arrived is the start of the range, and at most the two 64 KiB
    # pieces it took to pass 100000 bytes: no final response
    assert len(got) <= 2 * 65536 and data.startswith(got)
    assert fc.link_dropped(sim, p.path)
    p2, fh2 = edl.rerun(sim, prog)
    r0, back, r = fh2.read(USR_DATA, 128)
    assert r0.ack and r.ack and back == data


# ---- nak:COMMAND: one NAK, then the same command works ----

def test_nak_configure_once(edl):
    sim, p, fh, prog = edl(["nak:configure"], configure=False)
    r = fh.configure()
    assert not r.ack and r.attrs.get("rawmode") == "false"
    assert r.logs == ["INFO: Calling handler for configure", "ERROR: configure failed"]
    r = fh.configure()
    assert r.ack and r.attrs["MaxPayloadSizeToTargetInBytes"] == "8192"


def test_nak_program_once_nothing_written(edl):
    sim, p, fh, prog = edl(["nak:program"])
    assert fh.erase(USR_DATA, 64).ack
    data = os.urandom(64 * PAGE)
    r0, r = fh.program(USR_DATA, data)
    assert not r0.ack and not r0.rawmode and r is None
    assert r0.logs == ["INFO: Calling handler for program", "ERROR: program failed"]
    # the NAK came before raw mode: the pages are still erased
    _, back, _ = fh.read(USR_DATA, 64)
    assert back == b"\xff" * len(data)
    r0, r = fh.program(USR_DATA, data)
    assert r0.ack and r0.rawmode and r.ack
    assert fh.read(USR_DATA, 64)[1] == data


def test_nak_read_once(edl):
    sim, p, fh, prog = edl(["nak:read"])
    r0, data, r = fh.read(USR_DATA, 4)
    assert not r0.ack and data is None
    assert "ERROR: read failed" in r0.logs
    r0, data, r = fh.read(USR_DATA, 4)
    assert r0.ack and r.ack and len(data) == 4 * PAGE


def test_nak_power_once_then_reset(edl):
    sim, p, fh, prog = edl(["nak:power"])
    r = fh.power("reset")
    assert not r.ack
    assert sim.state()["mode"] == "firehose"     # still in the programmer
    assert fh.cmd("<nop />").ack
    assert fh.power("reset").ack
    st = sim.wait_usb("2c7c", 15)
    assert st["mode"] == "normal"


# ---- corrupt:COMMAND: the response arrives garbled, once ----

def garbled_answer(fh):
    """Logs, then the first document that is not a log: (logs, doc)."""
    logs = []
    while True:
        d = fh.doc()
        lg = fh.log_of(d)
        if lg is None:
            return logs, d
        logs.append(lg)


def assert_garbled(doc):
    assert "<response" not in doc and "<#esponse" in doc
    assert "\x01" in doc and doc.rstrip().endswith("</data>")
    assert not fc.well_formed(doc)


@pytest.mark.parametrize("cmd", ["configure", "erase", "getstorageinfo"])
def test_corrupt_response_once(edl, cmd):
    sim, p, fh, prog = edl(["corrupt:" + cmd], configure=False)
    elements = {
        "configure": '<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="8192" />',
        "erase": "<erase %s />" % fh.geo(PAGE, 64, USR_DATA, 64),
        "getstorageinfo": '<getstorageinfo physical_partition_number="0" />',
    }
    fh.send(elements[cmd])
    logs, doc = garbled_answer(fh)
    assert logs[0] == "INFO: Calling handler for " + cmd    # logs intact
    assert_garbled(doc)
    r = fh.cmd(elements[cmd])                 # spent: a clean answer
    assert r.ack and fc.well_formed(r.doc)


def test_corrupt_read_garbles_the_document_not_the_data(edl):
    sim, p, fh, prog = edl(["corrupt:read"])
    data = os.urandom(8 * PAGE)
    assert fh.erase(USR_DATA, 64).ack
    assert fh.program(USR_DATA, data)[1].ack
    fh.send("<read %s />" % fh.geo(PAGE, 64, USR_DATA, 8))
    _, doc = garbled_answer(fh)
    assert_garbled(doc)
    assert ec.read_exact(p, len(data), 15) == data
    assert fh.response().ack                  # the final response is clean
    r0, back, r = fh.read(USR_DATA, 8)
    assert r0.ack and r0.rawmode and back == data and r.ack


def test_corrupt_program_first_response_then_clean(edl):
    sim, p, fh, prog = edl(["corrupt:program"])
    data = os.urandom(8 * PAGE)
    assert fh.erase(USR_DATA, 64).ack
    fh.send('<program %s filename="x.bin" />' % fh.geo(PAGE, 64, USR_DATA, 8))
    _, doc = garbled_answer(fh)
    assert_garbled(doc)
    # the device is in raw mode whatever the host understood
    p.write(data)
    r = fh.response()
    assert r.ack and fc.well_formed(r.doc)
    assert fh.read(USR_DATA, 8)[1] == data


# ---- silent:PHASE: one command swallowed, then answered ----

@pytest.mark.parametrize("cmd", ["configure", "erase", "program", "read"])
def test_silent_command_once(edl, cmd):
    sim, p, fh, prog = edl(["silent:" + cmd], configure=cmd != "configure")
    elements = {
        "configure": '<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="8192" />',
        "erase": "<erase %s />" % fh.geo(PAGE, 64, USR_DATA, 64),
        "program": '<program %s filename="x.bin" />' % fh.geo(PAGE, 64, USR_DATA, 1),
        "read": "<read %s />" % fh.geo(PAGE, 64, USR_DATA, 1),
    }
    if cmd == "program":
        assert fh.erase(USR_DATA, 64).ack
    fh.send(elements[cmd])
    quiet, data = fc.quiet_for(p, 1.0)
    assert quiet, data
    r = fh.cmd(elements[cmd])
    assert r.ack and r.logs[0] == "INFO: Calling handler for " + cmd
    if cmd == "program":
        p.write(b"\x5a" * PAGE)
        assert fh.response().ack
        assert fh.read(USR_DATA, 1)[1] == b"\x5a" * PAGE
    elif cmd == "read":
        assert len(ec.read_exact(p, PAGE, 15)) == PAGE and fh.response().ack


def test_silent_firehose_programmer_never_speaks_once(sim_factory, mkpkg):
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    sim = sim_factory(timing="fast", faults=["silent:firehose"])
    from simclient import Port
    with Port(ec.boot_pin_edl(sim)) as p:
        assert ec.Sahara(p).upload(prog) == 1      # Sahara still answers
        quiet, data = fc.quiet_for(p, 1.0)
        assert quiet, data                          # no start-up logs
        ec.Firehose(p).send("<nop />")
        quiet, data = fc.quiet_for(p, 1.0)
        assert quiet, data                          # no answers
    p2, fh, logs = fc.firehose_session(sim, prog)
    with p2:
        assert logs[-1] == "INFO: End of supported functions 15"
        assert fh.cmd("<nop />").ack


# ---- badblock:PAGE: a property of the NAND, it stays ----

def test_badblock_skipped_by_erase_program_and_read_and_stays(edl):
    """A bad block inside a partition is skipped, as the real programmers
    do: the partition's k-th block is its k-th good one."""
    bad_page = USR_DATA + 64 + 5                    # inside block 997
    sim, p, fh, prog = edl(["badblock:%d" % bad_page])
    r = fh.erase(USR_DATA, 256)                     # blocks 996..999
    assert r.ack and "INFO: Skipping bad block 997" in r.logs
    assert "INFO: Skipping bad block 996" not in r.logs
    data = os.urandom(3 * 64 * PAGE)                # on blocks 996, 998, 999
    r0, r = fh.program(USR_DATA, data)
    assert r0.ack and r0.rawmode and r.ack
    assert fh.read(USR_DATA, 3 * 64)[1] == data
    assert fh.read(USR_DATA + 64, 64)[1] == data[64 * PAGE:128 * PAGE]
    assert fh.read(USR_DATA + 3 * 64, 1)[1] == b"\xff" * PAGE     # erased
    # a property, not a one-shot: after a power-cycle the block is still bad
    p2, fh2 = edl.rerun(sim, prog)
    assert fh2.read(USR_DATA, 3 * 64)[1] == data
    r = fh2.erase(USR_DATA + 64, 64)
    assert r.ack and "INFO: Skipping bad block 997" in r.logs
