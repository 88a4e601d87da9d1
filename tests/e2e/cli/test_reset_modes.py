# SPDX-License-Identifier: BSD-3-Clause
"""reset: AT+CFUN=1,1 in normal mode, Firehose power reset in EDL."""
import time

import pytest

from flash_sim import Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"


def test_reset_normal_and_edl(tmp_path):
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(tmp_path / "root", "reset", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "AT+CFUN=1,1" in p.stdout
        time.sleep(0.3)
        s.wait_mode("normal")
        # into EDL by the BOOT pin; without a programmer for a Firehose
        # reset, the boot ROM's own (Sahara RESET) restarts it
        s.control("boot-pin on")
        s.control("power-cycle")
        s.wait_mode("sahara")
        s.control("boot-pin off")
        p = run(tmp_path / "root", "reset", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "Sahara RESET" in p.stdout + p.stderr
        time.sleep(0.3)
        assert s.wait_mode("normal")["revision"] == OLD
        s.control("boot-pin on")
        s.control("power-cycle")
        s.wait_mode("sahara")
        s.control("boot-pin off")
        pkg = mkpkg(tmp_path, "bg95-m3", OLD)
        p = run(tmp_path / "root", "reset", pkg, xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "Firehose power reset" in p.stdout
        st = s.wait_mode("normal")
        assert st["revision"] == OLD
    finally:
        s.stop()
