# SPDX-License-Identifier: BSD-3-Clause
"""One preflight per run: flash evaluates the verdict again as it learns
the module (AT, then Sahara, then the Firehose storage info), but says each
override once; and inspect -d reaches the same verdict as flash for a
module that names only a bare version (the revision completed under the
package's baseline in both)."""
import json

import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

BASE = "BG95M3LAR02A03"


@pytest.fixture
def sim(tmp_path):
    started = []

    def start(rev):
        s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", rev)
        started.append(s)
        return s
    yield start
    for s in started:
        s.stop()


def test_allow_downgrade_says_overridden_once(tmp_path, sim):
    old = f"{BASE}_01.009.01.009"
    pkg = mkpkg(tmp_path, "bg95-m3", old)
    s = sim(f"{BASE}_01.014.01.014")
    p = run(tmp_path / "root", "flash", pkg, "--allow-downgrade",
            "--no-backup", "--boot-timeout", "60", xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("overridden") == 1, p.stderr
    assert p.stderr.count("--allow-downgrade") == 1, p.stderr
    assert s.wait_mode("normal")["revision"] == old


def test_inspect_d_agrees_with_flash_on_a_bare_revision(tmp_path, sim):
    pkg = mkpkg(tmp_path, "bg95-m3", f"{BASE}_01.014.01.014")
    s = sim("01.020")
    p = run(tmp_path / "root", "-d", "1-1.4", "inspect", pkg,
            xdg=tmp_path / "xdg", json_out=True)
    ins = json.loads(p.stdout.strip().splitlines()[-1])
    assert p.returncode == 3, p.stderr
    f = run(tmp_path / "root", "flash", pkg, xdg=tmp_path / "xdg",
            json_out=True)
    assert f.returncode == 3, f.stderr
    fl, _ = result(f)
    got = [(x["rule"], x["module"]) for x in ins["verdict"]["findings"]]
    assert got == [(x["rule"], x["module"]) for x in fl["findings"]]
    assert got == [("downgrade", f"{BASE}_01.020.01.020")]
    assert s.state_json()["mode"] == "normal"
