# SPDX-License-Identifier: BSD-3-Clause
"""Normal-mode AT engine of modemflash-sim: exact answers (docs/protocols.md, AT)."""
import time

import pytest

from simclient import Port


def at_port(sim):
    return Port(sim.port("AT"))


def test_ati_exact_bytes(sim):
    with at_port(sim) as p:
        p.drain()
        assert p.at("ATI") == b"ATI\r\r\nQuectel\r\nBG95-M3\r\nRevision: BG95M3LAR02A03\r\n\r\nOK\r\n"


def test_identity_commands(sim):
    with at_port(sim) as p:
        p.drain()
        assert p.at_lines("AT+CGMR") == ["AT+CGMR", "BG95M3LAR02A03", "OK"]
        assert p.at_lines("AT+QGMR") == ["AT+QGMR", "BG95M3LAR02A03_01.009.01.009", "OK"]
        assert p.at_lines("AT+CGSN") == ["AT+CGSN", "866349045000013", "OK"]
        assert p.at_lines("AT+GSN") == ["AT+GSN", "866349045000013", "OK"]
        assert p.at_lines("AT") == ["AT", "OK"]


def test_echo_off_and_on(sim):
    with at_port(sim) as p:
        p.drain()
        assert p.at("ATE0") == b"ATE0\r\r\nOK\r\n"
        assert p.at("AT+CGMR") == b"\r\nBG95M3LAR02A03\r\n\r\nOK\r\n"
        assert p.at("ATE1") == b"\r\nOK\r\n"
        assert p.at("AT+CGMR") == b"AT+CGMR\r\r\nBG95M3LAR02A03\r\n\r\nOK\r\n"


def test_unknown_command_is_error(sim):
    with at_port(sim) as p:
        p.drain()
        assert p.at_lines("AT+NOSUCH") == ["AT+NOSUCH", "ERROR"]
        assert p.at_lines('AT+QCFG="secbootstat"') == ['AT+QCFG="secbootstat"', "ERROR"]


def test_config_queries(sim):
    with at_port(sim) as p:
        p.drain()
        assert p.at_lines('AT+QCFG="usbcfg"')[1] == '+QCFG: "usbcfg",0x2C7C,0x0700,1,1,1,1,0,0,0'
        assert p.at_lines('AT+QCFGEXT="usb/event"')[1:] == ['+QCFGEXT: "usb/event",0', "OK"]
        assert p.at_lines('AT+QURCCFG="urcport"')[1:] == ['+QURCCFG: "urcport","usbat"', "OK"]
        assert p.at_lines('AT+QURCCFG="urcport","uart1"')[1:] == ["OK"]
        assert p.at_lines('AT+QSECBOOT="status"')[1:] == ['+QSECBOOT: "status",0', "OK"]
        assert p.at_lines("AT+CFUN?")[1:] == ["+CFUN: 1", "OK"]
        assert p.at_lines('AT+QCFGEXT="disusb",7')[1:] == ["ERROR"]


def test_secbootstat_on_eg25_and_rm500q(sim_factory):
    s = sim_factory(profile="eg25-g")
    with Port(s.port("AT")) as p:
        p.drain()
        assert p.at_lines('AT+QCFG="secbootstat"')[1:] == ['+QCFG: "secbootstat",0', "OK"]
        assert p.at_lines('AT+QCFGEXT="disusb"')[1:] == ["ERROR"]
        assert p.at("ATI").endswith(b"Quectel\r\nEG25-G\r\nRevision: EG25GGBR07A08M2G\r\n\r\nOK\r\n")
        assert p.at_lines("AT+QGMR")[1] == "EG25GGBR07A08M2G_30.006.30.006"
    r = sim_factory(profile="rm500q", usb_path="1-1.6")
    with Port(r.port("AT")) as p:
        p.drain()
        assert p.at_lines('AT+QCFG="secbootstat"')[1:] == ['+QCFG: "secbootstat",1', "OK"]


def test_modem_port_and_uart_answer_too(sim):
    with Port(sim.port("MODEM")) as p:
        p.drain()
        assert p.at_lines("AT+CGMR")[1:] == ["BG95M3LAR02A03", "OK"]
    with Port(sim.state()["uart"]) as u:
        u.drain()
        assert u.at_lines("ATI")[1:] == ["Quectel", "BG95-M3", "Revision: BG95M3LAR02A03", "OK"]


def test_cfun_reboot_sends_boot_urcs(sim):
    with at_port(sim) as p:
        p.drain()
        dev0 = sim.state()["devnum"]
        assert p.at("AT+CFUN=1,1") == b"AT+CFUN=1,1\r\r\nOK\r\n"
        with pytest.raises(EOFError):
            p.read_for(2)
    st = sim.wait_usb(vid="2c7c")
    assert st["devnum"] != dev0
    with at_port(sim) as p:
        assert p.read_until(b"APP RDY\r\n", 5) == b"\r\nRDY\r\n\r\nAPP RDY\r\n"


def test_lte_boot_urcs(sim_factory):
    s = sim_factory(profile="ec25")
    with Port(s.port("AT")) as p:
        p.drain()
        p.at("AT+CFUN=1,1")
    s.wait_usb(vid="2c7c")
    with Port(s.port("AT")) as p:
        got = p.read_until(b"+QIND: PB DONE\r\n", 5)
    assert got == (b"\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+CFUN: 1\r\n"
                   b"\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n")


def test_qpowd_powers_off_until_power_cycle(sim):
    with at_port(sim) as p:
        p.drain()
        p.write("AT+QPOWD\r")
        assert p.read_until(b"POWERED DOWN\r\n") == b"AT+QPOWD\r\r\nOK\r\n\r\nPOWERED DOWN\r\n"
    st = sim.wait_state(lambda s: s["mode"] == "off")
    assert st["ports"] == []
    with Port(st["uart"]) as u:
        u.drain()
        u.write("ATI\r")
        assert u.read_for(0.3) == b""
    assert sim.ctl("power-cycle") == "ok"
    sim.wait_usb(vid="2c7c")
    assert sim.state()["mode"] == "normal"


def test_disusb_persists_and_usb_enable_flow(sim):
    uart = sim.state()["uart"]
    with Port(uart) as u:
        u.drain()
        assert u.at_lines('AT+QCFGEXT="disusb",1')[1:] == ["OK"]
        assert u.at_lines('AT+QCFGEXT="disusb"')[1:] == ['+QCFGEXT: "disusb",1', "OK"]
    # takes effect at the next restart only
    assert sim.state()["present"]
    assert sim.ctl("power-cycle") == "ok"
    st = sim.wait_state(lambda s: s["mode"] == "normal" and not s["rebooting"])
    time.sleep(0.2)
    st = sim.state()
    assert st["present"] is False and st["usb"] is False and st["ports"] == []
    assert not [n for n in __import__("os").listdir(sim.devices_dir()) if n.startswith("1-1.4")]
    with Port(uart) as u:
        u.drain(0.2)
        assert u.at_lines('AT+QCFGEXT="usb/event"')[1:] == ['+QCFGEXT: "usb/event",1', "OK"]
        assert u.at_lines('AT+QCFGEXT="disusb",0')[1:] == ["OK"]
        assert u.at("AT+CFUN=1,1").endswith(b"OK\r\n")
    st = sim.wait_usb(vid="2c7c")
    assert st["usb"] is True and len(st["ports"]) == 4


def test_disusb_fault_is_factory_setting(sim_factory):
    s = sim_factory(uart="plain", faults=["disusb"])
    time.sleep(0.1)
    st = s.state()
    assert st["usb"] is False and st["present"] is False
    with Port(st["uart"]) as u:
        u.drain()
        assert u.at_lines('AT+QCFGEXT="disusb"')[1:] == ['+QCFGEXT: "disusb",1', "OK"]


def test_line_too_long_is_error(sim):
    with at_port(sim) as p:
        p.drain()
        p.at("ATE0")
        assert p.at("AT" + "X" * 1100) == b"\r\nERROR\r\n"
