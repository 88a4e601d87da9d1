# SPDX-License-Identifier: BSD-3-Clause
"""A module whose AT+QGMR answers a bare version ("01.009"): the identity
takes the baseline from ATI's Revision line (as AT+CGMR says it), so the
preflight rules still apply. The simulator started with a bare --revision
says the bare version on ATI too; then the version is compared under the
package's baseline (with a warning that a baseline change is unseen):
downgrade and up-to-date hold either way."""
import pytest

from flash_sim import Sim, backups, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

BASE = "BG95M3LAR02A03"
NEW = f"{BASE}_01.014.01.014"


@pytest.fixture
def bare(tmp_path):
    started = []

    def start(rev):
        s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", rev)
        started.append(s)
        return s
    yield start
    for s in started:
        s.stop()


def test_bare_newer_revision_is_a_downgrade(tmp_path, bare):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = bare("01.020")
    assert s.state_json()["revision"] == "01.020"
    p = run(tmp_path / "root", "flash", pkg, xdg=tmp_path / "xdg",
            json_out=True)
    assert p.returncode == 3, p.stderr
    assert "downgrade" in p.stderr and "--allow-downgrade" in p.stderr
    assert f"{BASE}_01.020.01.020" in p.stderr
    assert ("ATI's Revision line" in p.stderr
            or "the module names no baseline" in p.stderr)
    res, _ = result(p)
    assert res["before"] == "01.020"
    [f] = res["findings"]
    assert f["rule"] == "downgrade" and f["module"] == f"{BASE}_01.020.01.020"
    assert backups(tmp_path / "xdg") == []


def test_bare_same_revision_is_up_to_date(tmp_path, bare):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    bare("01.014")
    p = run(tmp_path / "root", "flash", pkg, xdg=tmp_path / "xdg",
            json_out=True)
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    assert res["up_to_date"] and not res["wrote"]
    assert "nothing written" in p.stderr


def test_bare_other_baseline_refused(tmp_path, bare):
    """A BG95-M6 package on a BG95-M3 that says only 01.009."""
    pkg = mkpkg(tmp_path, "bg95-m6", "BG95M6LAR02A02_01.201.01.201")
    s = bare("01.009")
    p = run(tmp_path / "root", "flash", pkg, xdg=tmp_path / "xdg",
            json_out=True)
    assert p.returncode == 3, p.stderr
    res, _ = result(p)
    assert res["findings"] and not res["wrote"]
    assert s.state_json()["mode"] == "normal"     # refused before EDL
    assert "BG95-M3" in p.stderr and "BG95M6" in p.stderr


def test_bare_older_revision_updates(tmp_path, bare):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = bare("01.009")
    p = run(tmp_path / "root", "flash", pkg, "--no-backup", "--boot-timeout",
            "60", xdg=tmp_path / "xdg", json_out=True)
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    assert res["before"] == "01.009" and res["after"] == NEW
    assert s.wait_mode("normal")["revision"] == NEW
