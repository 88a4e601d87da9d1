# SPDX-License-Identifier: BSD-3-Clause
"""The link dropped at each phase: a clear error, a module that can be
restored, and a re-run that completes."""
import pytest

from flash_sim import Sim, backups, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


@pytest.mark.parametrize("phase,bytes_", [
    ("sahara", 4096), ("configure", 10), ("read", 300000),
    ("erase", 2000000), ("program", 300000),
])
def test_drop_then_rerun_completes(tmp_path, phase, bytes_):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=[f"drop:{phase}:{bytes_}"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=tmp_path / "xdg")
        assert p.returncode not in (0, 3), p.stderr
        assert "lost the link" in p.stderr or "vanished" in p.stderr, p.stderr
        if phase in ("erase", "program"):
            assert "restore" in p.stderr and backups(tmp_path / "xdg")
        # the user replugs / power-cycles; the same command completes
        s.control("power-cycle")
        st = s.wait_mode("sahara" if phase in ("erase", "program")
                         else "normal")
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert s.state_json()["revision"] == NEW
    finally:
        s.stop()
