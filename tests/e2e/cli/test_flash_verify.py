# SPDX-License-Identifier: BSD-3-Clause
"""--verify: digest by default where the programmer lists getsha256digest,
readback and none on request, a mismatch is exit 6, a programmer that
refuses the digest is verified by read-back instead."""
import hashlib
import os
import re

import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
MODEM_START = 20224     # NON-HLOS.ubi in the BG95 rawprogram (block 316)


@pytest.fixture
def sim(tmp_path):
    started = []

    def start(faults=()):
        s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD, faults)
        started.append(s)
        return s
    yield start
    for s in started:
        s.stop()


def flash(tmp_path, pkg, *extra):
    return run(tmp_path / "root", "flash", pkg, "--no-backup",
               "--boot-timeout", "60", *extra, xdg=tmp_path / "xdg",
               json_out=True)


def verify_events(events):
    return [e for e in events if e.get("event") == "progress"
            and e["stage"] == "verify"]


@pytest.mark.parametrize("how", ["readback", "none", "digest"])
def test_verify_modes_succeed(tmp_path, sim, how):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = sim()
    # -v: the per-partition lines are detail (one line per stage without)
    p = flash(tmp_path, pkg, f"--verify={how}", "-v")
    assert p.returncode == 0, p.stderr
    res, events = result(p)
    assert res["verified"] == how and res["after"] == NEW
    ev = verify_events(events)
    if how == "none":
        assert ev == []
        assert "verified modem" not in p.stderr
    else:
        assert ev and ev[-1]["done"] == ev[-1]["total"] > 0
        assert "verified modem" in p.stderr
    assert s.wait_mode("normal")["revision"] == NEW


def test_verify_is_digest_by_default(tmp_path, sim):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    sim()
    log = tmp_path / "trace.log"
    p = run(tmp_path / "root", "--log", log, "flash", pkg, "--no-backup",
            "--boot-timeout", "60", xdg=tmp_path / "xdg", json_out=True)
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    assert res["verified"] == "digest"
    assert "getsha256digest" in log.read_text()


def tamper(pkg):
    """A DISK patch inside the modem partition: the module then holds
    bytes the package image does not have (a real mismatch)."""
    xml = os.path.join(pkg, "update", "firehose", "patch_p2K_b128K.xml")
    text = open(xml).read().replace("</patches>", (
        '  <patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="16" filename="DISK" '
        'physical_partition_number="0" size_in_bytes="4" '
        f'start_sector="{MODEM_START + 3}" value="3735928559" '
        'what="test: change the modem image after it is programmed"/>\n'
        '</patches>'))
    open(xml, "w").write(text)
    md5 = os.path.join(pkg, "md5.txt")
    digest = hashlib.md5(text.encode()).hexdigest().upper()
    lines = [re.sub(r"(patch_p2K_b128K\.xml:)[0-9A-F]{32}", r"\g<1>" + digest, l)
             for l in open(md5).read().splitlines()]
    open(md5, "w").write("\n".join(lines) + "\n")


@pytest.mark.parametrize("how", ["digest", "readback"])
def test_mismatch_is_exit_6(tmp_path, sim, how):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    tamper(pkg)
    sim()
    args = [] if how == "digest" else ["--verify=readback"]
    p = flash(tmp_path, pkg, *args)
    assert p.returncode == 6, p.stdout + p.stderr
    assert "verification failed for modem" in p.stderr
    want = hashlib.sha256(open(os.path.join(pkg, "update", "NON-HLOS.ubi"),
                               "rb").read()).hexdigest()
    res, _ = result(p)
    assert res["ok"] is False and res["exit"] == 6
    assert res["verified"] == how and res["stage"] == "verify"
    assert "SHA-256" in res["error"]
    if how == "readback":   # the file's own hash (digest pads to pages)
        assert want in res["error"]
    assert res["hint"]


def test_refused_digest_falls_back_to_readback(tmp_path, sim):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = sim(faults=["nak:getsha256digest"])
    p = flash(tmp_path, pkg)
    assert p.returncode == 0, p.stderr
    assert "refused getsha256digest" in p.stderr
    res, _ = result(p)
    assert res["verified"] == "readback"
    assert s.wait_mode("normal")["revision"] == NEW


def test_refused_digest_when_asked_for_fails(tmp_path, sim):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    sim(faults=["nak:getsha256digest"])
    p = flash(tmp_path, pkg, "--verify=digest")
    assert p.returncode == 1, p.stderr
    res, _ = result(p)
    assert res["stage"] == "verify" and not res["ok"]
    assert "getsha256digest" in res["error"]
