# SPDX-License-Identifier: BSD-3-Clause
"""AT+QFOTADL of modemflash-sim with deltas written by tools/mkdelta."""
import os
import subprocess

import pytest

from simclient import Port, tool

FROM = "BG95M3LAR02A03_01.009.01.009"
TO = "BG95M3LAR02A03_01.014.01.014"


def mkdelta(tmp_path, frm=FROM, to=TO, profile="bg95-m3", size=4096):
    out = tmp_path / "delta.bin"
    exe = tool("mkdelta")
    if not os.access(exe, os.X_OK):
        pytest.fail("tools/mkdelta not built: " + exe)
    subprocess.run([exe, "--profile", profile, "--from", frm, "--to", to, "-o", str(out),
                    "--size", str(size)], check=True, timeout=30)
    return out.read_bytes()


def put(p, name, data):
    p.at("ATE0")
    p.write('AT+QFUPL="%s",%d,5,1\r' % (name, len(data)))
    p.read_until(b"CONNECT\r\n")
    for off in range(0, len(data), 1024):
        p.write(data[off:off + 1024])
        if off + 1024 <= len(data):
            assert p.read_exact(1) == b"A"
    p.read_until(b"\r\nOK\r\n")


def wait_new(sim, old, timeout=10):
    """The module back on USB with a devnum other than old."""
    return sim.wait_state(lambda s: s["present"] and s["devnum"] != old and not s["rebooting"],
                          timeout, "re-enumeration")


def start_fota(sim, data, path="/cache/ufs/up.bin"):
    with Port(sim.port("AT")) as p:
        p.drain()
        put(p, "up.bin", data)
        old = sim.state()["devnum"]
        assert p.at('AT+QFOTADL="%s"' % path) == b"\r\nOK\r\n"
        with pytest.raises(EOFError):
            p.read_for(3)
    st = wait_new(sim, old)
    sim.fota_devnum = st["devnum"]
    return Port(st["roles"]["AT"])


def test_mkdelta_format(tmp_path):
    d = mkdelta(tmp_path, size=100)
    assert d[:8] == b"MFDELTA1" and len(d) == 160 + 100 + 32
    assert d[24:24 + len(FROM)] == FROM.encode()
    import hashlib
    assert hashlib.sha256(d[:-32]).digest() == d[-32:]
    r = subprocess.run([tool("mkdelta"), "--profile", "nope", "--from", "a", "--to", "b",
                        "-o", str(tmp_path / "x")], capture_output=True)
    assert r.returncode == 2


def test_dfota_success(sim, tmp_path):
    with start_fota(sim, mkdelta(tmp_path)) as p:
        got = p.read_until(b'+QIND: "FOTA","END",0\r\n', 10)
    lines = [l for l in got.decode().split("\r\n") if l]
    assert lines[0] == '+QIND: "FOTA","START"'
    assert lines[1:-1] == ['+QIND: "FOTA","UPDATING",%d%%' % n for n in range(10, 101, 10)]
    assert lines[-1] == '+QIND: "FOTA","END",0'
    st = wait_new(sim, sim.fota_devnum)
    assert st["revision"] == TO
    with Port(st["roles"]["AT"]) as p:
        p.read_until(b"APP RDY\r\n", 5)
        assert p.at_lines("AT+QGMR")[1:] == [TO, "OK"]
        assert p.at_lines('AT+QFLST="*"')[1:] == ["OK"]


def test_dfota_wrong_source_is_510(sim, tmp_path):
    d = mkdelta(tmp_path, frm="BG95M3LAR02A03_01.008.01.008")
    with start_fota(sim, d) as p:
        got = p.read_until(b'+QIND: "FOTA","END",510\r\n', 10)
    assert got == b'\r\n+QIND: "FOTA","START"\r\n\r\n+QIND: "FOTA","END",510\r\n'
    st = wait_new(sim, sim.fota_devnum)
    assert st["revision"] == FROM


def test_dfota_malformed_504_and_bad_hash_505(sim, tmp_path):
    with start_fota(sim, b"not a delta at all" * 20) as p:
        assert p.read_until(b'"END",504\r\n', 10).endswith(b'+QIND: "FOTA","END",504\r\n')
    wait_new(sim, sim.fota_devnum)
    d = bytearray(mkdelta(tmp_path))
    d[200] ^= 0xFF
    with Port(sim.port("AT")) as p:
        p.drain(0.2)
        p.at("ATE0")
        p.at('AT+QFDEL="*"')
    with start_fota(sim, bytes(d)) as p:
        assert p.read_until(b'"END",505\r\n', 10).endswith(b'+QIND: "FOTA","END",505\r\n')


def test_dfota_refuses_missing_file_and_other_dirs(sim):
    with Port(sim.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        assert p.at('AT+QFOTADL="/cache/ufs/none.bin"') == b"\r\n+CME ERROR: 405\r\n"
        assert p.at('AT+QFOTADL="/data/ufs/none.bin"') == b"\r\n+CME ERROR: 405\r\n"


def test_dfota_ec25_without_percent(sim_factory, tmp_path):
    s = sim_factory(profile="ec25")
    frm, to = "EC25EFAR06A01M4G_01.001.01.001", "EC25EFAR06A01M4G_01.002.01.002"
    with start_fota(s, mkdelta(tmp_path, frm, to, "ec25"), "/data/ufs/up.bin") as p:
        got = p.read_until(b'"END",0\r\n', 10)
    assert b'+QIND: "FOTA","UPDATING",50\r\n' in got
    assert wait_new(s, s.fota_devnum)["revision"] == to


def test_power_loss_during_updating_resumes(sim_factory, tmp_path):
    s = sim_factory(timing="real", time_scale=0.02)   # reboot 0.4 s, 20 ms per 10 %
    s.wait_usb(vid="2c7c", timeout=5)
    with start_fota(s, mkdelta(tmp_path)) as p:
        p.read_until(b'"UPDATING",30%\r\n', 10)
    assert s.ctl("power-cycle") == "ok"
    st = wait_new(s, s.fota_devnum)
    with Port(st["roles"]["AT"]) as p:
        got = p.read_until(b'"END",0\r\n', 10)
    lines = [l for l in got.decode().split("\r\n") if l]
    assert lines[0] == '+QIND: "FOTA","Last upgrade was not finished,continue upgrade"'
    assert '+QIND: "FOTA","START"' not in lines
    assert lines[-1] == '+QIND: "FOTA","END",0'
    assert wait_new(s, st["devnum"])["revision"] == TO
