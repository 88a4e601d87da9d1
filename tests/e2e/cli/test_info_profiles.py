# SPDX-License-Identifier: BSD-3-Clause
"""list and info --json for each simulator profile, in normal mode and in
EDL (BOOT pin held at power-on)."""
import time

import pytest

from conftest import json_lines

PROFILES = ["bg95-m3", "bg95-m6", "bg96", "ec25", "eg25-g", "rm500q"]  # the simulator's profile table


def wait_mode(mf, root, mode, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        res = json_lines(mf("--json", "list", sysroot=root).stdout)[-1]
        if any(m["mode"] == mode for m in res["modules"]):
            return res
        time.sleep(0.1)
    pytest.fail(f"no module in {mode} mode after {timeout} s")


@pytest.mark.parametrize("profile", PROFILES)
def test_list_and_info_normal(mf, sim, profile):
    s = sim(profile=profile)
    res = wait_mode(mf, s.root, "normal")
    (m,) = res["modules"]
    assert "DIAG" in m["by_role"] and "AT" in m["by_role"]
    r = mf("--json", "info", sysroot=s.root)
    assert r.returncode == 0, r.stderr
    info = json_lines(r.stdout)[-1]
    for key in ("model", "revision", "imei", "mode", "usb_path", "ports"):
        assert info.get(key), key
    assert info["mode"] == "normal"
    assert len(info["imei"]) == 15 and info["imei"].isdigit()
    assert info["usb_path"] == m["usb_path"]


@pytest.mark.parametrize("profile", PROFILES)
def test_list_and_info_edl(mf, sim, profile):
    s = sim(profile=profile)
    assert s.control("boot-pin on") == "ok"
    assert s.control("power-cycle") == "ok"
    res = wait_mode(mf, s.root, "edl")
    (m,) = [x for x in res["modules"] if x["mode"] == "edl"]
    assert m["id"] == "05c6:9008" or m["ports"][0]["class"].endswith("/10")
    r = mf("--json", "info", sysroot=s.root)
    assert r.returncode == 0, r.stderr
    info = json_lines(r.stdout)[-1]
    assert info["mode"] == "edl"
    assert info["serial"].startswith("0x")
    assert info["hwid"].startswith("0x") and len(info["hwid"]) == 18
    assert info["msm_id"].startswith("0x")
    assert len(info["pk_hash"]) in (64, 96)
