# SPDX-License-Identifier: BSD-3-Clause
"""Whole packages written by tools/mkpkg, flashed into modemflash-sim by an
independent client (edlclient.py) in QFirehose's safe order, then what the
simulated boot ROM makes of them."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from simclient import Port  # noqa: E402
import edlclient as ec  # noqa: E402
from edlclient import mkpkg  # noqa: E402,F401  (fixture)

OLD = "BG95M3LAR02A03_01.009.01.009"       # the profile's factory revision
NEW = "BG95M3LAR02A03_01.014.01.014"
EFS2 = (20 * 64, 100 * 64)                   # bg95-m3 EFS2: first page, pages


def firehose(sim, pkg, tty):
    p = Port(tty)
    assert ec.Sahara(p).upload(ec.programmer_of(pkg)) == 1
    fh = ec.Firehose(p)
    fh.startup_logs(1.0)
    assert fh.configure().ack
    return p, fh


def read_efs2(fh):
    # 12.5 MB through a pty to Python: seconds alone, more beside the
    # fault sweep's simulators (once 1.2 MB/s); a check of content, not speed
    r0, data, r = fh.read(EFS2[0], EFS2[1], timeout=60)
    assert r0.ack and r.ack
    return data


def reset_and_wait_normal(sim, fh):
    r = fh.power("reset")
    assert r.ack
    logs = fh.docs_for(0.5)
    assert any("Will issue reset/power off 100 useconds" in d for d in logs)
    return sim.wait_usb("2c7c", 15)


def test_full_package_safe_order_boots_new_revision(sim_factory, mkpkg):
    pkg = mkpkg("bg95-m3", NEW)
    sim = sim_factory(timing="fast")
    assert sim.state()["revision"] == OLD
    p, fh = firehose(sim, pkg, ec.diag_switch(sim, Port))
    with p:
        before = read_efs2(fh)
        assert before.startswith(b"MFCAL1 EFS2 IMEI=866349045000013")
        order = ec.flash_package(fh, pkg, 2048)
        # erase SBL first, program SBL last (docs/protocols.md, NAND)
        assert order[0] == ("erase", 0) and order[-1] == ("program", 0)
        assert read_efs2(fh) == before      # the update XML keeps calibration
        st = reset_and_wait_normal(sim, fh)
    assert (st["mode"], st["revision"]) == ("normal", NEW)
    with Port(sim.port("AT")) as at:
        lines = at.at_lines("AT+QGMR")
    assert "01.014.01.014" in "".join(lines) and lines[-1] == "OK"
    assert NEW in lines


def test_interrupted_after_sbl_erase_stays_in_edl(sim_factory, mkpkg):
    pkg = mkpkg("bg95-m3", NEW)
    sim = sim_factory(timing="fast")
    p, fh = firehose(sim, pkg, ec.boot_pin_edl(sim))
    with p:
        assert fh.erase(0, 640).ack     # SBL gone, nothing written yet
        fh.power("reset")
    st = sim.wait_usb("05c6", 15)
    assert st["mode"] == "sahara"


def test_quecopen_package_leaves_module_silent(sim_factory, mkpkg):
    pkg = mkpkg("bg95-m3", NEW, "--variant", "quecopen")
    sim = sim_factory(timing="fast")
    p, fh = firehose(sim, pkg, ec.diag_switch(sim, Port))
    with p:
        ec.flash_package(fh, pkg, 2048)
        assert fh.power("reset").ack
    st = sim.wait_state(lambda s: s["mode"] == "silent", 15, "silent")
    assert st["present"] is False and st["ports"] == []


def test_boot_pin_restores_original_with_calibration(sim_factory, mkpkg):
    sim = sim_factory(timing="fast")
    bad = mkpkg("bg95-m3", NEW, "--variant", "quecopen")
    good = mkpkg("bg95-m3", OLD)
    p, fh = firehose(sim, bad, ec.diag_switch(sim, Port))
    with p:
        efs_before = read_efs2(fh)
        ec.flash_package(fh, bad, 2048)
        fh.power("reset")
    sim.wait_state(lambda s: s["mode"] == "silent", 15, "silent")
    # field report 2: only the BOOT pin brings it back
    p, fh = firehose(sim, good, ec.boot_pin_edl(sim))
    with p:
        ec.flash_package(fh, good, 2048)
        assert read_efs2(fh) == efs_before
        st = reset_and_wait_normal(sim, fh)
    assert (st["mode"], st["revision"]) == ("normal", OLD)
    with Port(sim.port("AT")) as at:
        assert OLD in at.at_lines("AT+QGMR")


def test_factory_xml_erases_calibration(sim_factory, mkpkg):
    """The factory XML (docs/protocols.md, NAND) erases EFS2: the calibration is gone."""
    pkg = mkpkg("bg95-m3", NEW)
    steps = ec.package_steps(pkg, "factory")
    assert any(t == "erase" and a["start_sector"] == str(EFS2[0]) for t, a in steps)
    sim = sim_factory(timing="fast")
    p, fh = firehose(sim, pkg, ec.boot_pin_edl(sim))
    with p:
        ec.flash_package(fh, pkg, 2048, kind="factory")
        assert read_efs2(fh) == b"\xff" * (EFS2[1] * 2048)


def test_mkpkg_writes_the_real_eg25_rawprogram(tmp_path):
    """tools/mkpkg's EG25-G rawprogram holds the real package's elements in
    the real order with the real attributes (tests/fixtures/real/xml): hosts are
    tested on the order real packages use (programs of SBL, MIBIB, TZ before
    their erases, RPM programmed last)."""
    import re

    import pytest
    import subprocess
    from simclient import tool
    fixtures = os.environ.get("MF_FIXTURES")
    if not fixtures:
        pytest.skip("MF_FIXTURES not set")
    real = os.path.join(fixtures, "xml", "eg25g_mdm9607_EG25GGBR07A08M2G_30.006",
                        "update", "firehose", "rawprogram_nand_p2K_b128K_update.xml")
    out = tmp_path / "pkg"
    subprocess.run([tool("mkpkg"), "--profile", "eg25-g", "--revision",
                    "EG25GGBR07A08M2G_30.006.30.006", "-o", str(out)], check=True,
                   capture_output=True)
    ours = out / "update" / "firehose" / "rawprogram_nand_p2K_b128K_update.xml"
    elements = re.compile(r"<(?:erase|program) [^>]*>")
    assert elements.findall(ours.read_text()) == elements.findall(open(real).read())
