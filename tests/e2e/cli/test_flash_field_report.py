# SPDX-License-Identifier: BSD-3-Clause
"""Field report 2: a BG95-M6 at 01.200 and a QuecOpen 01.204 package."""
import pytest

from flash_sim import Sim, backups, built, mkpkg, read_part, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M6LAR02A03_01.200.01.200"
OCPU = "BG95M6LAR02A03_OCPU_01.204.01.204"


@pytest.fixture
def m6(tmp_path):
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m6", OLD)
    yield s, tmp_path
    s.stop()


def test_quecopen_package_refused_nothing_written(m6):
    s, tmp = m6
    pkg = mkpkg(tmp, "bg95-m6", OCPU, variant="quecopen")
    p = run(tmp / "root", "flash", pkg, xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 3, p.stderr
    assert "variant" in p.stderr and "--allow-variant-change" in p.stderr
    assert "quecopen" in p.stderr.lower() and "standard" in p.stderr.lower()
    res, _ = result(p)
    assert res["exit"] == 3 and not res["wrote"]
    assert backups(tmp / "xdg") == []
    assert s.state_json()["revision"] == OLD


def test_forced_silent_then_boot_pin_and_restore(m6):
    s, tmp = m6
    pkg = mkpkg(tmp, "bg95-m6", OCPU, variant="quecopen")
    p = run(tmp / "root", "flash", pkg, "--allow-variant-change",
            "--boot-timeout", "8", xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 1, p.stderr
    [bk] = backups(tmp / "xdg")
    assert "did not come back" in p.stderr
    assert bk in p.stderr and f"restore {bk}" in p.stderr
    res, _ = result(p)
    assert res["backup"] == bk and not res["came_back"]
    assert s.state_json()["mode"] == "silent"
    cal = read_part(bk, "EFS2")

    # BOOT pin, EDL, restore
    assert s.control("boot-pin on") == "ok"
    assert s.control("power-cycle") == "ok"
    s.wait_mode("sahara")
    assert s.control("boot-pin off") == "ok"
    p = run(tmp / "root", "restore", bk, "--boot-timeout", "30", xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == OLD
    # calibration intact: read it again through a fresh backup
    pkg_old = mkpkg(tmp, "bg95-m6", OLD)
    p = run(tmp / "root", "backup", "-o", tmp / "after", pkg_old,
            "--boot-timeout", "30", xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert read_part(tmp / "after", "EFS2") == cal
    assert cal.startswith(b"MFCAL1 EFS2 IMEI=")
