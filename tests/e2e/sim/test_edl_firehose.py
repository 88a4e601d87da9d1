# SPDX-License-Identifier: BSD-3-Clause
"""The simulator's Firehose programmer through its pseudo-terminal, driven
by an independent client (edlclient.py): start-up logs and configure as the
real SDX55 programmer (tests/fixtures/real/logs), NAND erase/program/read, digest,
patch, geometry refusals, faults."""
import hashlib
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from simclient import SOURCE, Port  # noqa: E402
import edlclient as ec  # noqa: E402
from edlclient import mkpkg  # noqa: E402,F401  (fixture)

BG95_REV = "BG95M3LAR02A03_01.014.01.014"
FIXTURES = os.environ.get("MF_FIXTURES",
                          os.path.join(SOURCE, "tests", "fixtures", "real"))
REAL_LOG = os.path.join(FIXTURES, "logs",
                        "rm500q_qfirehose_nippynetworks-qfirehose-MCU_local.txt")
USR_DATA = 996 * 64     # bg95-m3 usr_data partition, first page (sim/profiles.c)


def real_lines():
    """The QFirehose log lines of the real RM500Q session (text after the time stamp)."""
    with open(REAL_LOG) as f:
        return [l.split("]: ", 1)[1].rstrip("\n") for l in f if "]: " in l]


def real_logs_between(first, last):
    out, on = [], False
    for l in real_lines():
        m = re.match(r'<log value="(.*)" />$', l)
        if not m:
            continue
        if m.group(1).startswith(first):
            on = True
        if on:
            out.append(m.group(1))
        if on and m.group(1).startswith(last):
            return out
    raise AssertionError("not in the real log: %s" % first)


@pytest.fixture
def session(sim_factory, mkpkg):
    """start(profile=..., faults=...) -> (sim, port, Firehose, start-up logs)."""
    opened = []

    def start(profile="bg95-m3", rev=BG95_REV, faults=(), configure=True):
        sim = sim_factory(profile=profile, timing="fast", faults=list(faults))
        p = Port(ec.boot_pin_edl(sim))
        opened.append(p)
        assert ec.Sahara(p).upload(ec.programmer_of(mkpkg(profile, rev))) == 1
        fh = ec.Firehose(p)
        logs = fh.startup_logs()
        if configure:
            assert fh.configure().ack
        return sim, p, fh, logs
    yield start
    for p in opened:
        p.close()


def test_startup_logs_as_the_real_programmer(session):
    sim, p, fh, logs = session(configure=False)
    real = real_logs_between("INFO: Binary build date", "INFO: End of supported functions")
    assert len(real) == 20 and real[4:-1] == [
        "INFO: program", "INFO: read", "INFO: nop", "INFO: patch", "INFO: configure",
        "INFO: setbootablestoragedrive", "INFO: erase", "INFO: power", "INFO: firmwarewrite",
        "INFO: getstorageinfo", "INFO: benchmark", "INFO: emmc", "INFO: ufs", "INFO: fixgpt",
        "INFO: getsha256digest"]
    # identical but the chip serial, which is this module's
    assert logs[:2] + logs[3:] == real[:2] + real[3:]
    assert logs[2] == "INFO: Chip serial num: %d (0x%x)" % (0x1b95a301, 0x1b95a301)
    assert sim.state()["mode"] == "firehose"


def test_configure_ack_is_the_real_one(session):
    sim, p, fh, _ = session(configure=False)
    r = fh.configure()
    real = [l for l in real_lines() if l.startswith('<response value="ACK" MemoryName')][0]
    assert re.search(r"<response [^>]*/>", r.doc).group(0) == real
    assert r.logs == ["INFO: Calling handler for configure", "INFO: Storage type set to value nand"]
    # the document envelope (docs/protocols.md, Firehose)
    assert r.doc.lstrip().startswith('<?xml version="1.0" encoding="UTF-8" ?>')


def test_configure_too_large_payload_nak_then_retry(session):
    sim, p, fh, _ = session(configure=False)
    r = fh.configure(1048576)
    assert not r.ack
    assert "Host's payload to target size is too large" in r.logs
    assert r.attrs["MaxPayloadSizeToTargetInBytes"] == "8192"
    r = fh.configure(int(r.attrs["MaxPayloadSizeToTargetInBytes"]))
    assert r.ack and r.attrs["MaxPayloadSizeToTargetInBytes"] == "8192"
    # a smaller payload is agreed as asked
    r = fh.configure(4096)
    assert r.ack and r.attrs["MaxPayloadSizeToTargetInBytes"] == "4096"


def test_configure_other_storage_nak(session):
    sim, p, fh, _ = session(configure=False)
    r = fh.configure(memory="ufs")
    assert not r.ack


def test_erase_program_read_round_trip(session):
    sim, p, fh, _ = session()
    r = fh.erase(USR_DATA, 128)
    assert r.ack and r.attrs == {"value": "ACK", "rawmode": "false"}
    # the first NAND operation scans the bad block table (real log lines)
    assert r.logs == ["INFO: Calling handler for erase", "INFO: [296] bbt_size:100 blocks:800.",
                      "INFO: [298] bbt_size:100 blocks:800.",
                      "INFO: Erasing start sector %d, num sectors 0" % USR_DATA]
    data = os.urandom(100 * 2048 + 777)
    r0, r = fh.program(USR_DATA, data)
    assert r0.ack and r0.rawmode and r0.logs == [
        "INFO: Calling handler for program",
        "INFO: NAND was previously open, returning existing handle 0."]
    assert r.ack and not r.rawmode
    r0, back, r = fh.read(USR_DATA, 128)
    assert r0.ack and r0.rawmode and r.ack
    padded = data + b"\0" * (101 * 2048 - len(data))
    assert back[:len(padded)] == padded
    assert back[len(padded):] == b"\xff" * (27 * 2048)     # still erased
    # programming a page twice without an erase fails as NAND does
    r0, r = fh.program(USR_DATA, b"x" * 2048)
    assert r0.ack and not r.ack
    assert any("not erased" in l for l in r.logs)


def test_getsha256digest_equals_hashlib(session):
    sim, p, fh, _ = session()
    assert fh.erase(USR_DATA, 64).ack
    data = os.urandom(64 * 2048)
    assert fh.program(USR_DATA, data)[1].ack
    r, dg = fh.digest(USR_DATA, 64)
    assert r.ack and dg == hashlib.sha256(data).hexdigest()
    r, dg = fh.digest(USR_DATA, 10)
    assert dg == hashlib.sha256(data[:10 * 2048]).hexdigest()


def test_getstorageinfo(session):
    sim, p, fh, _ = session()
    r = fh.storageinfo()
    assert r.ack
    js = [l for l in r.logs if "storage_info" in l][0]
    assert '"total_blocks":2048' in js and '"block_size":131072' in js
    assert '"page_size":2048' in js


def test_patch_disk(session):
    sim, p, fh, _ = session()
    assert fh.erase(USR_DATA, 64).ack
    assert fh.program(USR_DATA, b"\x11" * 2048)[1].ack
    r = fh.patch(USR_DATA, 8, 4, "NUM_DISK_BLOCKS-1476.")
    assert r.ack
    _, back, _ = fh.read(USR_DATA, 1)
    assert back[8:12] == (2048 - 1476).to_bytes(4, "little")
    assert back[:8] == b"\x11" * 8 and back[12:] == b"\x11" * 2036
    # a host-file patch is not for the target
    r = fh.patch(0, 0, 4, "0", filename="partition_complete_p2K_b128K.mbn")
    assert not r.ack


def test_wrong_sector_size_program_and_erase_nak(session):
    sim, p, fh, _ = session()
    r = fh.erase(USR_DATA, 64, sector=4096)
    assert not r.ack
    assert "Attribute 'SECTOR_SIZE_IN_BYTES'=4096 must be equal to disk sector size 2048" in r.logs
    r0, r = fh.program(USR_DATA, b"\0" * 4096, sector=4096)
    assert not r0.ack and r is None
    assert "Attribute 'SECTOR_SIZE_IN_BYTES'=4096 must be equal to disk sector size 2048" in r0.logs
    # PAGES_PER_BLOCK: program and read refuse it (edl#714, #522); an erase
    # goes by its alignment only, as the 256 KiB-block EG25-G took the
    # p2K_b128K package's erases until one was unaligned (Biktorgj#29)
    r0, r = fh.program(USR_DATA, b"\0" * 2048, ppb=2048)
    assert "Attribute 'PAGES_PER_BLOCK'=2048 must be equal to disk pages per block 64" in r0.logs
    assert not r0.ack and r is None
    r = fh.erase(USR_DATA, 64, ppb=2048)
    assert r.ack and not any("PAGES_PER_BLOCK" in l for l in r.logs)


def test_wrong_geometry_package_fails_before_writing(session):
    # EG25 with a 256 KiB-block chip fed a p2K_b128K package (docs/protocols.md, Firehose)
    sim, p, fh, _ = session(faults=["geometry:p2K_b256K"])
    r = fh.erase(13952, 0x240)
    assert not r.ack and r.attrs.get("rawmode") == "false"
    assert r.logs[-2:] == ["start_sector = 13952 and num_partition_sectors =0x240)",
                           "start_sector unaligned"]


def test_erase_beyond_the_disk(session):
    sim, p, fh, _ = session()
    r = fh.erase(2048 * 64 - 64, 128)
    assert not r.ack
    assert "Block erase request exceeding total number of blocks" in r.logs


def test_read_beyond_the_disk_nak(session):
    sim, p, fh, _ = session()
    r, data, _ = fh.read(2048 * 64 - 1, 2)
    assert not r.ack and data is None


def test_nak_fault_then_retry(session):
    sim, p, fh, _ = session(faults=["nak:erase"])
    assert not fh.erase(USR_DATA, 64).ack
    assert fh.erase(USR_DATA, 64).ack


def test_drop_program_port_vanishes_power_cycle_recovers(session):
    sim, p, fh, _ = session(faults=["drop:program:100000"])
    tty = p.path
    assert fh.erase(USR_DATA, 128).ack
    with pytest.raises((EOFError, TimeoutError, OSError)):
        fh.program(USR_DATA, os.urandom(128 * 2048))
    st = sim.wait_gone()
    assert st["plugged"] is False and not os.path.exists(tty)
    # only usr_data was touched: the module boots its firmware again
    assert sim.ctl("power-cycle") == "ok"
    st = sim.wait_usb("2c7c")
    assert st["mode"] == "normal"


def test_unknown_command_nak(session):
    sim, p, fh, _ = session()
    r = fh.cmd("<peekaboo />")
    assert not r.ack
    assert fh.cmd("<nop />").ack
