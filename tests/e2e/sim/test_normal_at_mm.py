# SPDX-License-Identifier: BSD-3-Clause
"""What ModemManager sends when it probes a port and builds its modem
object (docs/modemmanager.md), answered as a Quectel module with an
unlocked SIM does: exact lines, errors for what the module does not know."""
import time

from simclient import Port


def at_port(sim):
    p = Port(sim.port("AT"))
    return p


def test_mm_probe_sequence(sim):
    with at_port(sim) as p:
        p.drain()
        assert p.at_lines("AT") == ["AT", "OK"]
        assert p.at("ATE0") == b"ATE0\r\r\nOK\r\n"
        assert p.at("ATV1") == b"\r\nOK\r\n"
        assert p.at("AT+CMEE=1") == b"\r\nOK\r\n"
        assert p.at("ATX4") == b"\r\nOK\r\n"
        assert p.at("AT&C1") == b"\r\nOK\r\n"
        assert p.at("AT+CGMI") == b"\r\nQuectel\r\n\r\nOK\r\n"
        assert p.at("AT+GMI") == b"\r\nQuectel\r\n\r\nOK\r\n"
        assert p.at("AT+CGMM") == b"\r\nBG95-M3\r\n\r\nOK\r\n"
        assert p.at("AT+GMM") == b"\r\nBG95-M3\r\n\r\nOK\r\n"
        assert p.at("AT+CGMR") == b"\r\nBG95M3LAR02A03\r\n\r\nOK\r\n"
        assert p.at("AT+GMR") == b"\r\nBG95M3LAR02A03\r\n\r\nOK\r\n"
        assert p.at("AT+QGMR?") == b"\r\nBG95M3LAR02A03_01.009.01.009\r\n\r\nOK\r\n"
        assert p.at("AT+CGSN") == b"\r\n866349045000013\r\n\r\nOK\r\n"
        assert p.at("AT+GCAP") == b"\r\n+GCAP: +CGSM\r\n\r\nOK\r\n"
        assert p.at("AT+CFUN?") == b"\r\n+CFUN: 1\r\n\r\nOK\r\n"
        assert p.at("AT+CPIN?") == b"\r\n+CPIN: READY\r\n\r\nOK\r\n"
        assert p.at("AT+WS46=?") == b"\r\n+WS46: (12,22,25,28,29,30,31)\r\n\r\nOK\r\n"
        assert p.at("AT+CNMI=?") == b"\r\n+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n"
        assert p.at("AT+QFASTBOOT=?") == b"\r\nOK\r\n"
        assert p.at("AT+CSQ") == b"\r\n+CSQ: 99,99\r\n\r\nOK\r\n"
        assert p.at("AT+COPS?") == b"\r\n+COPS: 0\r\n\r\nOK\r\n"
        assert p.at("AT+CIMI") == b"\r\n001010000000013\r\n\r\nOK\r\n"
        assert p.at("AT+QCCID") == b"\r\n+QCCID: 89001010000000000013\r\n\r\nOK\r\n"
        assert p.at("AT+CCID") == b"\r\n+CCID: 89001010000000000013\r\n\r\nOK\r\n"


def test_registration_queries_and_settings(sim):
    with at_port(sim) as p:
        p.drain()
        p.at("ATE0")
        for reg in ("CREG", "CGREG", "CEREG"):
            assert p.at(f"AT+{reg}?") == f"\r\n+{reg}: 0,0\r\n\r\nOK\r\n".encode()
            assert p.at(f"AT+{reg}=2") == b"\r\nOK\r\n"
            assert p.at(f"AT+{reg}=0") == b"\r\nOK\r\n"
            assert p.at(f"AT+{reg}=9") == b"\r\nERROR\r\n"
        assert p.at("AT+CREG=?") == b"\r\n+CREG: (0-2)\r\n\r\nOK\r\n"
        assert p.at("AT+CEREG=?") == b"\r\n+CEREG: (0-2,4)\r\n\r\nOK\r\n"


def test_unknown_and_malformed_are_errors_promptly(sim):
    with at_port(sim) as p:
        p.drain()
        p.at("ATE0")
        for cmd in ("AT+CGMM=1", "AT+CPIN", "AT+CSQ?", "AT+QNOSUCH", "AT+CNMI?",
                    "AT+CGMI?", "AT+CMEE=7", "AT+WS46?"):
            t0 = time.monotonic()
            assert p.at(cmd) == b"\r\nERROR\r\n", cmd
            assert time.monotonic() - t0 < 1.0, cmd


def test_other_profile_names_its_model(sim_factory):
    s = sim_factory(profile="ec25")
    with Port(s.port("AT")) as p:
        p.drain()
        p.at("ATE0")
        assert p.at("AT+CGMM") == b"\r\nEC25\r\n\r\nOK\r\n"
        assert p.at("AT+CGMI") == b"\r\nQuectel\r\n\r\nOK\r\n"
