# SPDX-License-Identifier: BSD-3-Clause
"""AT+QFUPL and the UFS commands of modemflash-sim."""
import os
import time

from simclient import Port, qfupl_sum


def upload(p, name, data, tmo=5, ack=False, chunk=1024):
    p.write('AT+QFUPL="%s",%d,%d,%d\r' % (name, len(data), tmo, 1 if ack else 0))
    p.read_until(b"\r\nCONNECT\r\n")
    for off in range(0, len(data), chunk):
        p.write(data[off:off + chunk])
        if ack and off + chunk <= len(data):
            assert p.read_exact(1) == b"A"
    return p.read_until(b"\r\nOK\r\n", 10)


def test_checksum_reference():
    assert qfupl_sum(b"\x12\x34\x56\x78") == 0x1234 ^ 0x5678
    assert qfupl_sum(b"\x12\x34\x56") == 0x1234 ^ 0x5600


def test_upload_ack_mode_and_checksum(sim):
    data = bytes((i * 7 + 3) & 0xFF for i in range(5000))
    with Port(sim.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        got = upload(p, "dfota_update.bin", data, ack=True)
        assert got == b"\r\n+QFUPL: 5000,%x\r\n\r\nOK\r\n" % qfupl_sum(data)
        assert p.at('AT+QFLST="*"') == b'\r\n+QFLST: "UFS:dfota_update.bin",5000\r\n\r\nOK\r\n'
        assert p.at('AT+QFLST="UFS:dfota_update.bin"') == \
            b'\r\n+QFLST: "UFS:dfota_update.bin",5000\r\n\r\nOK\r\n'
        assert p.at('AT+QFLDS="UFS"') == b"\r\n+QFLDS: %d,1048576\r\n\r\nOK\r\n" % (983040 - 5000)
        assert p.at('AT+QFUPL="dfota_update.bin",10') == b"\r\n+CME ERROR: 407\r\n"
        assert p.at('AT+QFDEL="dfota_update.bin"') == b"\r\nOK\r\n"
        assert p.at('AT+QFLST="UFS:dfota_update.bin"') == b"\r\n+CME ERROR: 405\r\n"
        assert p.at('AT+QFDEL="nothing"') == b"\r\n+CME ERROR: 405\r\n"
    with open(os.devnull, "rb"):
        pass


def test_upload_without_ack_on_uart_odd_size(sim):
    data = b"\x01\x02\x03"
    with Port(sim.state()["uart"]) as u:
        u.drain()
        got = upload(u, "UFS:odd.bin", data)
        assert got.endswith(b"\r\n+QFUPL: 3,%x\r\n\r\nOK\r\n" % (0x0102 ^ 0x0300))
        assert u.at_lines('AT+QFLST="*"')[1:] == ['+QFLST: "UFS:odd.bin",3', "OK"]


def test_upload_plus_escape_keeps_data(sim):
    with Port(sim.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        p.write('AT+QFUPL="part.bin",100,5\r')
        p.read_until(b"CONNECT\r\n")
        p.write(b"0123456789")
        time.sleep(0.05)
        p.write(b"+++")
        got = p.read_until(b"\r\nOK\r\n", 3)
        assert got == b"\r\n+QFUPL: 10,%x\r\n\r\nOK\r\n" % qfupl_sum(b"0123456789")
        assert p.at('AT+QFLST="part.bin"') == b'\r\n+QFLST: "UFS:part.bin",10\r\n\r\nOK\r\n'


def test_plus_signs_inside_data_are_data(sim):
    data = b"ab+++cd++++" + b"x" * 9
    with Port(sim.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        got = upload(p, "plus.bin", data)
        assert got == b"\r\n+QFUPL: 20,%x\r\n\r\nOK\r\n" % qfupl_sum(data)


def test_upload_timeout(sim):
    with Port(sim.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        p.write('AT+QFUPL="slow.bin",100,1\r')
        p.read_until(b"CONNECT\r\n")
        p.write(b"abc")
        t0 = time.time()
        assert p.read_until(b"+CME ERROR: 421\r\n", 3) == b"\r\n+CME ERROR: 421\r\n"
        assert 0.8 < time.time() - t0 < 2.5
        assert p.at('AT+QFLST="slow.bin"') == b"\r\n+CME ERROR: 405\r\n"
        assert p.at("AT") == b"\r\nOK\r\n"


def test_upload_refusals(sim):
    with Port(sim.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        assert p.at('AT+QFUPL="big.bin",2000000') == b"\r\n+CME ERROR: 420\r\n"
        assert p.at('AT+QFUPL="a/b",10') == b"\r\n+CME ERROR: 406\r\n"
        assert p.at('AT+QFUPL="x.bin",0') == b"\r\n+CME ERROR: 425\r\n"
        assert p.at('AT+QFUPL="x.bin",10,5,2') == b"\r\n+CME ERROR: 425\r\n"
        assert p.at('AT+QFLDS="EUFS"') == b"\r\n+CME ERROR: 425\r\n"


def test_drop_fota_upload_fault(sim_factory):
    s = sim_factory(faults=["drop:fota-upload:2048"])
    with Port(s.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        p.write('AT+QFUPL="d.bin",8192,5,1\r')
        p.read_until(b"CONNECT\r\n")
        p.write(b"\x00" * 1024)
        assert p.read_exact(1) == b"A"
        p.write(b"\x00" * 1024)
        try:
            p.read_for(1.0)
            vanished = False
        except EOFError:
            vanished = True
    assert vanished
    st = s.wait_gone()
    assert st["plugged"] is False
    s.ctl("plug")
    st = s.wait_usb(vid="2c7c")
    with Port(st["roles"]["AT"]) as p:
        p.drain()
        assert p.at_lines('AT+QFLST="*"')[-1] == "OK"
        assert len(p.at_lines('AT+QFLST="*"')) == 2   # echo + OK: nothing kept
        # one-shot: the second try goes through
        p.at("ATE0")
        assert upload(p, "d.bin", b"\x00" * 4096, ack=True).startswith(b"\r\n+QFUPL: 4096,0")


def test_drop_fota_upload_on_uart_goes_quiet(sim_factory):
    s = sim_factory(uart="plain", faults=["drop:fota-upload:10"])
    with Port(s.state()["uart"]) as u:
        u.drain()
        u.write('AT+QFUPL="d.bin",100\r')
        u.read_until(b"CONNECT\r\n")
        u.write(b"z" * 20)
        assert u.read_for(0.3) == b""
        u.write("AT\r")
        assert u.read_for(0.3) == b""
    s.ctl("power-cycle")
    s.wait_usb(vid="2c7c")
    with Port(s.state()["uart"]) as u:
        u.drain(0.2)
        assert u.at_lines("AT")[-1] == "OK"
