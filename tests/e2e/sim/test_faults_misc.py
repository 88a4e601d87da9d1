# SPDX-License-Identifier: BSD-3-Clause
"""The property faults of the simulator contract (hwid, pkhash, geometry,
disusb, slow) hold across a re-run, unlike the one-shot ones; and a whole
Firehose round trip on the rm500q profile (4 KiB pages, 64-bit Sahara
reads, Sahara v3, SHA-256 secure boot that refuses foreign programmers with
0x25) and on the ec25 profile (unsigned programmer accepted). Independent
client: edlclient.py, faultclient.py, raw bytes on the ptys."""
import hashlib
import os
import struct
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from simclient import SOURCE, Port  # noqa: E402
import edlclient as ec  # noqa: E402
import faultclient as fc  # noqa: E402
from edlclient import mkpkg  # noqa: E402,F401  (fixture)

BG95_REV = "BG95M3LAR02A03_01.014.01.014"
EC25_REV = "EC25EFAR06A01M4G_01.002.01.002"
RM500_REV = "RM500QGLAAR01A01M4G_01.002.01.002"
ROOT384 = os.path.join(SOURCE, "data", "testroots", "sim-root-sha384.der")


def refused(sim, prog, version=2):
    """BOOT pin EDL, upload: the END_OF_IMAGE status; then RESET."""
    with Port(ec.boot_pin_edl(sim)) as p:
        sh = ec.Sahara(p, timeout=15.0)
        h = sh.hello()
        assert h["version"] == version
        sh.hello_resp(ec.MODE_IMAGE, version=version)
        st = sh.serve(prog)
        if st:
            sh.send(ec.RESET)
            sh.expect(ec.RESET_RESP)
        return st, sh.requests


# ---- rm500q and ec25 round trips ----

def test_rm500q_secure_boot_refuses_foreign_programmers(sim_factory, mkpkg):
    sim = sim_factory(profile="rm500q", timing="fast")
    for pkg in (mkpkg("rm500q", RM500_REV, "--unsigned"),
                mkpkg("rm500q", RM500_REV, "--programmer-root", ROOT384),
                mkpkg("ec25", EC25_REV)):
        st, reqs = refused(sim, ec.programmer_of(pkg), version=3)
        assert st == ec.ST_IMAGE_AUTH_FAILURE, pkg
        assert {r[0] for r in reqs} == {ec.READ_DATA_64}
        # the NAND was not touched: the stock firmware boots
        st = sim.wait_usb("2c7c", 15)
        assert st["mode"] == "normal"


def test_rm500q_firehose_round_trip_4k_pages(sim_factory, mkpkg):
    sim = sim_factory(profile="rm500q", timing="fast")
    prog = ec.programmer_of(mkpkg("rm500q", RM500_REV))
    usr = 822 * 64                  # sdx55 usr_data, first page
    with Port(ec.boot_pin_edl(sim)) as p:
        sh = ec.Sahara(p, timeout=15.0)
        h = sh.hello()
        assert (h["version"], h["max_len"]) == (3, 0x400)
        sh.hello_resp(ec.MODE_IMAGE, version=3)
        assert sh.serve(prog) == 0
        assert sh.done() == 1
        assert {r[0] for r in sh.requests} == {ec.READ_DATA_64}
        fh = ec.Firehose(p, timeout=15.0)
        fc.wait_startup(fh)
        assert fh.configure().ack
        r = fh.storageinfo()
        assert '"page_size":4096' in "".join(r.logs)
        assert '"block_size":262144' in "".join(r.logs)
        # 2 KiB sectors do not fit this NAND
        r = fh.erase(usr, 64, sector=2048)
        assert not r.ack and ("Attribute 'SECTOR_SIZE_IN_BYTES'=2048 must be equal to "
                              "disk sector size 4096") in r.logs
        assert fh.erase(usr, 128, sector=4096).ack
        data = os.urandom(100 * 4096 + 123)
        r0, r = fh.program(usr, data, sector=4096)
        assert r0.ack and r.ack
        padded = data + b"\0" * (101 * 4096 - len(data))
        _, back, r = fh.read(usr, 128, sector=4096)
        assert r.ack and back[:len(padded)] == padded
        assert back[len(padded):] == b"\xff" * (27 * 4096)
        r, dg = fh.digest(usr, 101, sector=4096)
        assert dg == hashlib.sha256(padded).hexdigest()


def test_ec25_unsigned_programmer_round_trip(sim_factory, mkpkg):
    sim = sim_factory(profile="ec25", timing="fast")
    pkg = mkpkg("ec25", EC25_REV)
    prog = ec.programmer_of(pkg)
    p, fh, logs = fc.firehose_session(sim, prog)
    with p:
        assert logs[2] == "INFO: Chip serial num: %d (0x%x)" % (0x0ec25a04, 0x0ec25a04)
        usr = 974 * 64              # ec25 usr_data, first page
        assert fh.erase(usr, 64).ack
        data = os.urandom(64 * 2048)
        assert fh.program(usr, data)[1].ack
        assert fh.read(usr, 64)[1] == data
        assert fh.digest(usr, 64)[1] == hashlib.sha256(data).hexdigest()


# ---- property faults: still there after a re-run ----

@pytest.mark.parametrize("fault", ["hwid:0x000480E1", "pkhash:" + "00" * 47 + "01"])
def test_identity_faults_hold_across_power_cycles(sim_factory, mkpkg, fault):
    sim = sim_factory(timing="fast", faults=[fault])
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    for _ in range(2):
        assert refused(sim, prog)[0] == ec.ST_IMAGE_AUTH_FAILURE
        sim.wait_state(lambda s: not s["rebooting"], 15, "reset done")
    if fault.startswith("hwid"):
        # the module now claims the EC25's chip: that programmer fits
        with Port(ec.boot_pin_edl(sim)) as p:
            assert ec.Sahara(p).upload(ec.programmer_of(mkpkg("ec25", EC25_REV))) == 1


def test_geometry_fault_holds_across_power_cycles(sim_factory, mkpkg):
    sim = sim_factory(timing="fast", faults=["geometry:p4K_b256K"])
    prog = ec.programmer_of(mkpkg("bg95-m3", BG95_REV))
    for _ in range(2):
        p, fh, _ = fc.firehose_session(sim, prog)
        with p:
            js = "".join(fh.storageinfo().logs)
            # same 256 MiB chip, other geometry
            assert '"page_size":4096' in js and '"block_size":262144' in js
            assert '"total_blocks":1024' in js
            r0, r = fh.program(996 * 64, b"\0" * 2048)
            assert not r0.ack
            assert fh.power("reset").ack
        sim.wait_state(lambda s: not s["rebooting"] and s["mode"] != "firehose", 15, "reset")


def test_disusb_holds_across_power_cycle(sim_factory):
    sim = sim_factory(uart="plain", faults=["disusb"])
    assert sim.ctl("power-cycle") == "ok"
    st = sim.wait_state(lambda s: s["mode"] == "normal" and not s["rebooting"], 15, "booted")
    assert st["usb"] is False and st["present"] is False and st["ports"] == []
    with Port(st["uart"]) as u:
        u.drain()
        assert u.at_lines('AT+QCFGEXT="disusb"')[1:] == ['+QCFGEXT: "disusb",1', "OK"]


def edl_enum_seconds(sim):
    """Wall time from a BOOT pin power-cycle to the 05c6:9008 device."""
    assert sim.ctl("boot-pin on") == "ok"
    t, _ = fc.elapsed(lambda: (sim.ctl("power-cycle"), sim.wait_usb("05c6", 30)))
    assert sim.ctl("boot-pin off") == "ok"
    return t


def test_slow_fault_stretches_every_delay(sim_factory):
    # --timing real shrunk 1000x: EDL enumeration 3000 ms -> 3 ms, and
    # slow:300 makes it 0.9 s, at each power-cycle (a property)
    fast = sim_factory(timing="real", time_scale=0.001)
    slow = sim_factory(timing="real", time_scale=0.001, faults=["slow:300"])
    base = edl_enum_seconds(fast)
    first = edl_enum_seconds(slow)
    second = edl_enum_seconds(slow)
    assert first >= 0.85 and second >= 0.85, (first, second)
    assert base < 0.6, base
    # in fast timing there are no delays to stretch
    quick = sim_factory(timing="fast", faults=["slow:1000"])
    assert edl_enum_seconds(quick) < 0.6
