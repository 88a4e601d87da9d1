# SPDX-License-Identifier: BSD-3-Clause
"""Issue 20, the waits that were silent: every one says what it waits for
within 5 s of silence (a "waiting" event in JSON) and the command still
ends at its timeout, with the exit code and message of a timeout."""
import time

import pytest

from flash_sim import Sim, mkpkg, result, run

pytestmark = pytest.mark.skipif(
    not __import__("flash_sim").built(),
    reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
TIMEOUT = 5  # DESIGN.md: exit code of a timeout


def waits_of(lines):
    return [l for l in lines if l.get("event") == "waiting"]


def assert_in_view(waits, end_s):
    """The first report within 5 s, then one at least every 5 s, up to
    the end of the run."""
    assert waits and waits[0]["elapsed"] <= 5, waits
    gaps = [b["elapsed"] - a["elapsed"] for a, b in zip(waits, waits[1:])]
    assert all(g <= 5 for g in gaps), waits
    assert end_s - waits[-1]["elapsed"] <= 5, (end_s, waits)


def test_edl_probe_of_a_mute_boot_rom_is_reported(tmp_path):
    """A module in EDL whose boot ROM says nothing: the probe waits for a
    HELLO, asks with <nop/>, resets three times and pads for 8 s (some
    16 s in all); each 4 s of it names what it waits for, and info ends
    with the timeout exit code and the power-cycle message."""
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["silent:sahara"])
    try:
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        t0 = time.monotonic()
        p = run(tmp_path / "root", "info", xdg=tmp_path / "xdg",
                json_out=True, timeout=90)
        took = time.monotonic() - t0
        res, lines = result(p)
        assert p.returncode == TIMEOUT, p.stdout[-3000:]
        assert res["code"] == "timeout", res
        assert "answers neither Sahara nor Firehose" in res["error"], res
        assert "power-cycle" in res["hint"], res
        waits = waits_of(lines)
        assert_in_view(waits, took)
        whats = [w["for"] for w in waits]
        assert any("RESET_STATE_MACHINE" in w for w in whats), whats
        assert any("0xff padding" in w for w in whats), whats
        # the limit said is kept: the run ends before it
        assert {w["timeout"] for w in waits} == {waits[0]["timeout"]}
        assert took <= waits[0]["timeout"], (took, waits)
        assert took < 30, took
    finally:
        s.stop()


def test_write_to_a_module_that_stops_reading_is_reported(tmp_path):
    """The programmer stops reading 100 KB into the first <program>: the
    tty fills and the 64 KiB write waits for room up to its deadline (10 s
    and the time of 64 KiB at 115200 baud: 16 s). Each 4 s of it names the port and how
    far the write got; the flash ends with a timeout (exit 5) that says the
    module stopped reading, not "no answer"."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["stall:program:100000"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg", json_out=True, timeout=200)
        res, lines = result(p)
        assert p.returncode == TIMEOUT, p.stdout[-3000:]
        assert res["stage"] == "program", res
        assert "stopped reading the data of <program>" in res["error"], res
        assert "within 16 s" in res["error"], res
        waits = waits_of(lines)
        assert waits, p.stdout[-3000:]
        assert all("ttyUSB" in w["for"] and "to take our bytes" in w["for"]
                   for w in waits), waits
        assert {w["timeout"] for w in waits} == {16}, waits
        # the write's own clock: 4 s in, then every 4 s up to its end
        assert waits[0]["elapsed"] <= 5, waits
        gaps = [b["elapsed"] - a["elapsed"] for a, b in zip(waits, waits[1:])]
        assert all(g <= 5 for g in gaps), waits
        assert 16 - waits[-1]["elapsed"] <= 5, waits
        # and in the events' own time: never 5 s without one
        t = [w["elapsed_ms"] for w in waits]
        assert all(b - a <= 5000 for a, b in zip(t, t[1:])), t
    finally:
        s.stop()


def test_fota_update_that_hangs_is_reported(tmp_path):
    """The module takes the delta, says START, then nothing (silent:fota):
    the wait for its next +QIND: says what it waits for at 4 and 8 s, on a
    terminal and in JSON, and fota ends at --urc-timeout 9 with the
    timeout exit code and the last report it had."""
    from fota_sim import Sim as UartSim, fota, json_lines, mkdelta
    s = UartSim(tmp_path / "root", faults=["silent:fota"])
    try:
        delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
        t0 = time.monotonic()
        r = fota("--json", "fota", delta, "--port", s.port,
                 "--urc-timeout", "9", timeout=120)
        took = time.monotonic() - t0
        lines = json_lines(r.stdout)
        res = lines[-1]
        assert r.returncode == TIMEOUT, r.stdout[-3000:]
        assert res["code"] == "timeout", res
        assert "no FOTA report from the module for 9 s" in res["error"]
        assert '"START"' in res["error"], res
        waits = waits_of(lines)
        assert [w["elapsed"] for w in waits] == [4, 8], waits
        assert all(w["for"] == "a URC +QIND: on " + s.port and
                   w["timeout"] == 9 for w in waits), waits
        start = [l for l in lines if l.get("urc") == "START"][0]
        assert waits[0]["elapsed_ms"] - start["elapsed_ms"] <= 5000
        assert took < 30, took
    finally:
        s.stop()


def test_fota_update_that_hangs_on_a_terminal(tmp_path):
    """The same on a terminal: a line on stderr that names the wait."""
    from fota_sim import Sim as UartSim, fota, mkdelta
    s = UartSim(tmp_path / "root", faults=["silent:fota"])
    try:
        delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
        r = fota("fota", delta, "--port", s.port, "--urc-timeout", "5",
                 timeout=120)
        assert r.returncode == TIMEOUT, r.stderr
        assert ("waiting for a URC +QIND: on %s: 4 s of at most 5 s"
                % s.port) in r.stderr, r.stderr
        assert "no FOTA report from the module for 5 s" in r.stderr
    finally:
        s.stop()


def test_sahara_device_that_stops_reading_is_reported(tmp_path):
    """The boot ROM stops reading 20 KB into the programmer's upload: the
    host has sent what it was asked for and waits for the next read
    request (5 s). It says so at 4 s and ends at 5 s with a timeout."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["stall:sahara:20000"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg", json_out=True, timeout=120)
        res, lines = result(p)
        assert p.returncode == TIMEOUT, p.stdout[-3000:]
        assert res["stage"] == "sahara", res
        assert "Sahara: no answer from the device" in res["error"], res
        waits = waits_of(lines)
        assert len(waits) == 1, waits
        assert waits[0]["for"].startswith("the device's next Sahara packet "
                                          "on "), waits
        assert (waits[0]["elapsed"], waits[0]["timeout"]) == (4, 5), waits
        sahara = [l for l in lines if l.get("event") == "stage" and
                  l["stage"] == "sahara"][0]
        assert waits[0]["elapsed_ms"] - sahara["elapsed_ms"] <= 5000
    finally:
        s.stop()


def test_diag_switch_nobody_answers_is_reported(tmp_path):
    """The DIAG port takes the EDL switch and says nothing (silent:diag,
    once per frame: five of them): five tries of 2 s. The tries past 4 s
    say what they wait for; the flash ends with the timeout exit code and
    names the switch."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["silent:diag"] * 5)
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg", json_out=True, timeout=120)
        res, lines = result(p)
        assert p.returncode == TIMEOUT, p.stdout[-3000:]
        assert res["stage"] == "edl", res
        assert "EDL switch" in res["error"], res
        waits = [w for w in waits_of(lines) if "DIAG EDL switch" in w["for"]]
        edl = [l for l in lines if l.get("event") == "stage" and
               l["stage"] == "edl"][0]
        end = [l for l in lines if l.get("event") == "stage_end" and
               l["stage"] == "edl"][0]
        t = [edl["elapsed_ms"]] + [w["elapsed_ms"] for w in waits] + \
            [end["elapsed_ms"]]
        assert len(waits) >= 2, waits
        assert all(b - a <= 5000 for a, b in zip(t, t[1:])), t
        assert waits[0]["for"].startswith(
            "the module's answer to the DIAG EDL switch on "), waits
    finally:
        s.stop()
