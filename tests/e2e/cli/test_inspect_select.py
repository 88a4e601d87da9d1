# SPDX-License-Identifier: BSD-3-Clause
"""inspect PKG -d SEL: the verdict for the module that is plugged in, read
over AT (field report 2: the QuecOpen package for a standard BG95-M6)."""
import json

import pytest

from flash_sim import Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M6LAR02A03_01.200.01.200"
OCPU = "BG95M6LAR02A03_OCPU_01.204.01.204"
STD = "BG95M6LAR02A03_01.204.01.204"


@pytest.fixture
def m6(tmp_path):
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m6", OLD)
    yield s, tmp_path
    s.stop()


def test_quecopen_refused_for_the_plugged_module(m6):
    s, tmp = m6
    pkg = mkpkg(tmp, "bg95-m6", OCPU, variant="quecopen")
    p = run(tmp / "root", "-d", "1-1.4", "inspect", pkg, xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 3, p.stderr
    assert "--allow-variant-change" in p.stdout + p.stderr
    final = json.loads(p.stdout.strip().splitlines()[-1])
    assert final["exit"] == 3 and final["schema"] == 1


def test_standard_upgrade_ok_for_the_plugged_module(m6):
    s, tmp = m6
    pkg = mkpkg(tmp, "bg95-m6", STD)
    p = run(tmp / "root", "-d", "1-1.4", "inspect", pkg, xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert OLD in p.stdout + p.stderr


def test_unknown_selector_is_no_device(m6):
    s, tmp = m6
    pkg = mkpkg(tmp, "bg95-m6", STD)
    p = run(tmp / "root", "-d", "9-9", "inspect", pkg, xdg=tmp / "xdg")
    assert p.returncode == 4, p.stderr
