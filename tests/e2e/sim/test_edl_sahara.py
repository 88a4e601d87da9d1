# SPDX-License-Identifier: BSD-3-Clause
"""The simulator's Sahara side through its pseudo-terminal, driven by an
independent client (edlclient.py): entering EDL, HELLO bytes, programmer
upload, command mode identity, refusals and faults."""
import hashlib
import os
import struct
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from simclient import Port  # noqa: E402
import edlclient as ec  # noqa: E402
from edlclient import mkpkg  # noqa: E402,F401  (fixture)

BG95_REV = "BG95M3LAR02A03_01.014.01.014"
EC25_REV = "EC25EFAR06A01M4G_01.002.01.002"
RM500_REV = "RM500QGLAAR01A01M4G_01.002.01.002"
BG95_PK = bytes.fromhex(
    "a739ef79ba1878bad8339d115d2b7f60096c738dcc3201400d4d5c41ec9ee6704b3c09f8bc374e26529a3cfcebfada99")


def test_diag_switch_reenumerates_as_9008(sim_factory):
    sim = sim_factory(timing="fast")
    assert sim.state()["vid"] == "2c7c"
    tty = ec.diag_switch(sim, Port)
    st = sim.state()
    assert (st["vid"], st["pid"], st["mode"]) == ("05c6", "9008", "sahara")
    assert st["roles"] == {"EDL": tty}
    # the tree: one device 05c6:9008, one interface ff/ff/ff (BG95), one ttyUSB
    name = st["usb_path"]
    assert sim.attr(name, "idVendor").strip() == "05c6"
    assert sim.attr(name, "idProduct").strip() == "9008"
    assert sim.attr(name + ":1.0", "bInterfaceProtocol").strip() == "ff"
    with Port(tty) as p:
        hello = ec.Sahara(p).hello()
    # HELLO v2, compatible 1, max 0x400, mode 0 (docs/protocols.md, Sahara): literal bytes
    assert hello["raw"] == bytes.fromhex(
        "01000000" "30000000" "02000000" "01000000" "00040000" "00000000") + bytes(24)


def test_boot_pin_power_cycle_gives_edl(sim_factory):
    sim = sim_factory(timing="fast")
    tty = ec.boot_pin_edl(sim)
    with Port(tty) as p:
        assert ec.Sahara(p).hello()["version"] == 2
    assert sim.state()["boot_pin"] is False


def test_rm500q_edl_is_usb2_protocol_11(sim_factory):
    sim = sim_factory(profile="rm500q", timing="fast")
    assert sim.state()["usb_path"] == "2-1.4"
    tty = ec.diag_switch(sim, Port)
    st = sim.state()
    assert st["usb_path"] == "1-1.4"
    assert sim.attr("1-1.4:1.0", "bInterfaceProtocol").strip() == "11"
    with Port(tty) as p:
        h = ec.Sahara(p).hello()
    assert (h["version"], h["compatible"], h["max_len"]) == (3, 1, 0x400)


@pytest.mark.parametrize("style", ["qdl", "qfirehose"])
def test_upload_programmer(sim_factory, mkpkg, style):
    pkg = mkpkg("bg95-m3", BG95_REV)
    prog = ec.programmer_of(pkg)
    sim = sim_factory(timing="fast")
    tty = ec.boot_pin_edl(sim)
    with Port(tty) as p:
        sh = ec.Sahara(p)
        h = sh.hello()
        if style == "qdl":
            sh.hello_resp(ec.MODE_IMAGE)
        else:   # echo version/compatible, reserved 1..6
            sh.hello_resp(ec.MODE_IMAGE, h["version"], h["compatible"],
                          reserved=(1, 2, 3, 4, 5, 6))
        assert sh.serve(prog) == 0
        # the real request order: ELF header, program headers, then 4 KiB pieces
        assert sh.requests[0] == (ec.READ_DATA, 13, 0, 0x34)
        assert sh.requests[1] == (ec.READ_DATA, 13, 0x34, 3 * 32)
        assert all(r[0] == ec.READ_DATA and r[3] <= 0x1000 for r in sh.requests[2:])
        assert sh.requests[2][2] == 0x1000
        assert sh.done() == 1
        assert sim.state()["mode"] == "firehose"
        logs = ec.Firehose(p).startup_logs()
        assert logs[-1] == "INFO: End of supported functions 15"


def identity(sim_factory, profile):
    sim = sim_factory(profile=profile, timing="fast")
    tty = ec.diag_switch(sim, Port)
    p = Port(tty)
    sh = ec.Sahara(p)
    h = sh.hello()
    sh.command_mode(h["version"])
    return sim, p, sh, h


def test_command_mode_bg95(sim_factory, mkpkg):
    sim, p, sh, h = identity(sim_factory, "bg95-m3")
    with p:
        assert sh.execute(ec.EXEC_SERIAL) == struct.pack("<I", 0x1b95a301)
        hw = struct.unpack("<Q", sh.execute(ec.EXEC_HWID)[:8])[0]
        assert hw >> 32 == 0x001070E1 and hw & 0xFFFFFFFF == 0
        pk = sh.execute(ec.EXEC_PKHASH)
        assert pk[:48] == BG95_PK
        # repeated per root slot: trimming the repetition gives the hash
        assert pk[48:96] in (b"", BG95_PK)
        # the PK hash is the SHA-384 of the programmer's root certificate
        root = os.path.join(ec.__file__.rsplit("/tests/", 1)[0], "data", "testroots",
                            "sim-root-sha384.der")
        with open(root, "rb") as f:
            assert hashlib.sha384(f.read()).digest() == BG95_PK
        # v2 device: no chip-id v3
        with pytest.raises(ec.SaharaError, match="status 0x1f"):
            sh.execute(ec.EXEC_CHIPID_V3)
        # back to image mode: a fresh HELLO, then a normal upload
        sh.switch_mode(ec.MODE_IMAGE)
        h2 = sh.hello()
        assert h2["mode"] == ec.MODE_IMAGE and h2["version"] == 2
        sh.hello_resp(ec.MODE_IMAGE)
        assert sh.serve(ec.programmer_of(mkpkg("bg95-m3", BG95_REV))) == 0
        assert sh.done() == 1


def test_command_mode_ec25(sim_factory):
    sim, p, sh, h = identity(sim_factory, "ec25")
    with p:
        hw = struct.unpack("<Q", sh.execute(ec.EXEC_HWID)[:8])[0]
        assert hw == 0x000480E1 << 32
        pk = sh.execute(ec.EXEC_PKHASH)
        assert pk[:32].hex() == "cc3153a80293939b90d02d3bf8b23e0292e452fef662c74998421adad42a380f"
        assert sh.execute(ec.EXEC_SERIAL) == struct.pack("<I", 0x0ec25a04)


def test_command_mode_rm500q_v3_and_64bit_reads(sim_factory, mkpkg):
    sim, p, sh, h = identity(sim_factory, "rm500q")
    with p:
        assert h["version"] == 3
        chip = sh.execute(ec.EXEC_CHIPID_V3)
        assert len(chip) >= 44
        assert struct.unpack_from("<I", chip, 36)[0] == 0x000E50E1
        with pytest.raises(ec.SaharaError, match="status 0x1f"):
            sh.execute(ec.EXEC_HWID)
        assert sh.execute(ec.EXEC_PKHASH)[:32].hex().startswith("69ec0e0f")
        sh.switch_mode(ec.MODE_IMAGE)
        assert sh.hello()["mode"] == 0
        sh.hello_resp(ec.MODE_IMAGE, 3, 1)
        assert sh.serve(ec.programmer_of(mkpkg("rm500q", RM500_REV))) == 0
        assert sh.done() == 1
        assert {r[0] for r in sh.requests} == {ec.READ_DATA_64}
        assert sh.requests[0][1:] == (13, 0, 0x34)


def test_programmer_for_another_chip_refused(sim_factory, mkpkg):
    prog = ec.programmer_of(mkpkg("ec25", EC25_REV))
    assert b"MF_TARGET_MSM_ID=0x000480E1" in prog
    sim = sim_factory(timing="fast")
    with Port(ec.boot_pin_edl(sim)) as p:
        sh = ec.Sahara(p)
        sh.hello()
        sh.hello_resp()
        assert sh.serve(prog) == ec.ST_IMAGE_AUTH_FAILURE
        # after a failed image only RESET is taken: it answers and reboots
        sh.send(ec.RESET)
        sh.expect(ec.RESET_RESP)
    # the NAND was never touched: the factory firmware boots again
    st = sim.wait_usb("2c7c")
    assert (st["mode"], st["revision"]) == ("normal", "BG95M3LAR02A03_01.009.01.009")


def test_pkhash_fault_refuses_stock_programmer(sim_factory, mkpkg):
    other = "00" * 47 + "01"
    sim = sim_factory(timing="fast", faults=["pkhash:" + other])
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    with Port(ec.boot_pin_edl(sim)) as p:
        sh = ec.Sahara(p)
        sh.hello()
        sh.command_mode()
        assert sh.execute(ec.EXEC_PKHASH)[:48] == bytes.fromhex(other)
        sh.switch_mode(ec.MODE_IMAGE)
        sh.hello()
        sh.hello_resp()
        assert sh.serve(prog) == ec.ST_IMAGE_AUTH_FAILURE


def test_hwid_fault(sim_factory, mkpkg):
    sim = sim_factory(timing="fast", faults=["hwid:0x000480E1"])
    with Port(ec.boot_pin_edl(sim)) as p:
        sh = ec.Sahara(p)
        sh.hello()
        sh.command_mode()
        assert struct.unpack("<Q", sh.execute(ec.EXEC_HWID)[:8])[0] >> 32 == 0x000480E1
        sh.switch_mode(ec.MODE_IMAGE)
        sh.hello()
        sh.hello_resp()
        # the BG95 programmer no longer fits this "hardware"
        assert sh.serve(ec.programmer_of(mkpkg("bg95-m3", BG95_REV))) == ec.ST_IMAGE_AUTH_FAILURE


def test_drop_sahara_port_vanishes_power_cycle_recovers(sim_factory, mkpkg):
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    sim = sim_factory(timing="fast", faults=["drop:sahara:20000"])
    tty = ec.boot_pin_edl(sim)
    with Port(tty) as p:
        sh = ec.Sahara(p)
        sh.hello()
        sh.hello_resp()
        with pytest.raises((EOFError, TimeoutError, ec.SaharaError)):
            sh.serve(prog)
    st = sim.wait_gone()
    assert not os.path.exists(tty)
    assert st["plugged"] is False
    # the drop fault is spent: power-cycle with the pin, a full upload works
    with Port(ec.boot_pin_edl(sim)) as p:
        assert ec.Sahara(p).upload(prog) == 1


def test_silent_sahara_fault(sim_factory, mkpkg):
    sim = sim_factory(timing="fast", faults=["silent:sahara"])
    with Port(ec.boot_pin_edl(sim)) as p:
        with pytest.raises(TimeoutError):
            ec.Sahara(p).hello(1.0)
    with Port(ec.boot_pin_edl(sim)) as p:
        assert ec.Sahara(p).hello()["version"] == 2


def test_unknown_packet_answers_end_of_image_invalid_cmd(sim_factory):
    sim = sim_factory(timing="fast")
    with Port(ec.boot_pin_edl(sim)) as p:
        sh = ec.Sahara(p)
        sh.hello()
        sh.send(ec.DONE)    # DONE before any image
        body = sh.expect(ec.END_OF_IMAGE)
        assert struct.unpack("<II", body) == (13, 0x01)
