# SPDX-License-Identifier: BSD-3-Clause
"""modemflash fota over the UART of a BG95-M3 whose USB is disabled
(field report 1): 01.009 -> 01.014, refusals, the module's own 510, a link
dropped mid-upload, power lost while updating, --json events."""
import json
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import fota_sim  # noqa: E402
from fota_sim import MF, Sim, fota, json_lines, mkdelta  # noqa: E402

pytestmark = pytest.mark.skipif(not fota_sim.have_sim(),
                                reason="modemflash-sim or tools/mkdelta not built")


@pytest.fixture
def sim(tmp_path):
    s = Sim(tmp_path / "root")
    yield s
    s.stop()


def test_fota_updates_009_to_014(sim, tmp_path):
    delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
    assert "01.009" in sim.qgmr()
    r = fota("fota", delta, "--port", sim.port)
    assert r.returncode == 0, r.stderr
    assert "01.014" in r.stdout
    assert sim.qgmr().endswith("01.014.01.014")


def test_fota_wrong_revision_refused_before_upload(sim, tmp_path):
    delta = mkdelta(tmp_path / "d.bin", "01.012", "01.014")
    r = fota("fota", delta, "--port", sim.port)
    assert r.returncode == 3, r.stderr
    assert "01.012" in r.stderr and "01.009" in r.stderr
    assert "--force" in r.stderr
    # nothing was uploaded, nothing changed
    files = sim.at('AT+QFLST="*"')
    assert not any("dfota_update.bin" in ln for ln in files)
    assert sim.qgmr().endswith("01.009.01.009")


def test_fota_forced_mismatch_module_says_510(sim, tmp_path):
    delta = mkdelta(tmp_path / "d.bin", "01.012", "01.014")
    r = fota("fota", delta, "--port", sim.port, "--force")
    assert r.returncode == 1, r.stderr
    assert "510" in r.stderr
    assert "does not match the module's current firmware" in r.stderr
    assert sim.qgmr().endswith("01.009.01.009")


def test_fota_already_at_target_refused(sim, tmp_path):
    delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
    assert fota("fota", delta, "--port", sim.port).returncode == 0
    r = fota("fota", delta, "--port", sim.port)
    assert r.returncode == 3
    assert "already runs" in r.stderr and "01.014" in r.stderr


def test_fota_link_dropped_mid_upload_then_rerun(tmp_path):
    s = Sim(tmp_path / "root", faults=["drop:fota-upload:5000"])
    try:
        delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
        r = fota("fota", delta, "--port", s.port)
        assert r.returncode in (1, 5), r.stderr
        assert "upload" in r.stderr and "stopped after" in r.stderr
        assert "firmware is unchanged" in r.stderr
        assert "re-running the same command is safe" in r.stderr
        # a UART that went quiet stays so until the module restarts (the
        # hint says so); a USB AT port comes back by itself
        if "power-cycle it" in r.stderr:
            assert s.control("power-cycle") == "ok"
        assert s.qgmr().endswith("01.009.01.009")
        r = fota("fota", delta, "--port", s.port)
        assert r.returncode == 0, r.stderr
        assert s.qgmr().endswith("01.014.01.014")
    finally:
        s.stop()


def test_fota_power_lost_while_updating_resumes(tmp_path):
    # real pacing, shrunk: time to pull the plug between UPDATING reports
    s = Sim(tmp_path / "root", timing=("--timing", "real", "--time-scale", "0.1"))
    try:
        delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
        # at real timing the module boots for a while after the simulator
        # is up: start once it answers, as a user would
        assert s.qgmr().endswith("01.009.01.009")
        p = subprocess.Popen([MF, "--json", "fota", delta, "--port", s.port],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        events = []
        cut = False
        for line in p.stdout:
            ev = json.loads(line)
            events.append(ev)
            if not cut and ev.get("event") == "urc" and ev.get("urc") == "UPDATING":
                assert s.control("power-cycle") == "ok"
                cut = True
        p.wait(timeout=300)
        err = p.stderr.read()
        assert cut, err
        assert p.returncode == 0, err
        final = events[-1]
        assert final["ok"] is True and final["resumed"] is True
        # a UART stays open across restarts: the module's boot reports
        # show them (the updater's boot, the one after the power loss, the
        # new image's RDY)
        seen = [e["seen"] for e in events if e.get("event") == "restart"]
        assert seen == ["START", "CONTINUE", "RDY"], events
        assert final["reboots"] == 3
        assert not any(e.get("event") == "port" for e in events)
        assert s.qgmr().endswith("01.014.01.014")
    finally:
        s.stop()


def test_fota_json_events(sim, tmp_path):
    delta = mkdelta(tmp_path / "d.bin", "01.009", "01.014")
    r = fota("--json", "fota", delta, "--port", sim.port)
    assert r.returncode == 0, r.stderr
    evs = json_lines(r.stdout)
    stages = [e["stage"] for e in evs if e.get("event") == "stage"]
    assert stages == ["identify", "preflight", "space", "upload", "start",
                      "update", "verify"]
    # each stage ends, as flash's do: in order, before the next begins
    told = [(e["event"], e["stage"]) for e in evs
            if e.get("event") in ("stage", "stage_end")]
    assert told == [(k, s) for s in stages for k in ("stage", "stage_end")]
    ends = {e["stage"]: e for e in evs if e.get("event") == "stage_end"}
    assert all(e["ok"] and e["port"] == sim.port for e in ends.values())
    assert all(e["ms"] == e["end_ms"] - e["start_ms"] for e in ends.values())
    assert ends["upload"]["bytes"] == os.path.getsize(delta)
    assert ends["identify"]["bytes"] == 0
    up = [e for e in evs if e.get("event") == "progress" and e["stage"] == "upload"]
    assert up and up[-1]["done"] == up[-1]["total"] == os.path.getsize(delta)
    urcs = [e for e in evs if e.get("event") == "urc"]
    assert any(e["urc"] == "START" for e in urcs)
    assert urcs[-1]["urc"] == "END" and urcs[-1]["value"] == 0
    final = evs[-1]
    assert final["command"] == "fota" and final["ok"] is True
    assert final["exit"] == 0 and final["schema"] == 1
    assert final["from"].endswith("01.009.01.009")
    assert final["to"].endswith("01.014.01.014")
    assert final["expected"].endswith("01.014.01.014")
    assert final["model"] == "BG95-M3"
    assert final["bytes"] == os.path.getsize(delta)


def test_fota_json_refusal(sim, tmp_path):
    delta = mkdelta(tmp_path / "d.bin", "01.012", "01.014")
    r = fota("--json", "fota", delta, "--port", sim.port)
    assert r.returncode == 3
    final = json_lines(r.stdout)[-1]
    assert final["ok"] is False and final["exit"] == 3
    assert "01.012" in final["error"] and "--force" in final["hint"]
    # the stage that refused ends, not ok
    ends = [e for e in json_lines(r.stdout) if e.get("event") == "stage_end"]
    assert ends and ends[-1]["stage"] == "preflight" and not ends[-1]["ok"]
