# SPDX-License-Identifier: BSD-3-Clause
"""--factory: the package's factory XML erases the calibration partitions,
so it is refused unless --allow-calibration-write is given too; with both,
EFS2 and RAWDATA are erased as the XML says and the backup taken first
holds the original calibration data."""
import json
import os

import pytest

from flash_sim import Sim, backups, built, mkpkg, read_part, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def test_factory_needs_calibration_override(tmp_path):
    xdg = tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(tmp_path / "root", "flash", pkg, "--factory", xdg=xdg,
                json_out=True)
        assert p.returncode == 3, p.stderr
        assert "refused by rule calibration" in p.stderr
        assert "--factory --allow-calibration-write" in p.stderr
        assert "nothing was written" in p.stderr
        res, _ = result(p)
        assert [f["rule"] for f in res["findings"]] == ["calibration"]
        assert res["findings"][0]["package"] == "factory XML"
        assert not res["wrote"] and backups(xdg) == []
        assert s.state_json()["mode"] == "normal"

        # both flags: the factory XML runs, after a backup
        p = run(tmp_path / "root", "flash", pkg, "--factory",
                "--allow-calibration-write", "--boot-timeout", "60", xdg=xdg,
                json_out=True)
        assert p.returncode == 0, p.stderr
        assert "calibration overridden by --allow-calibration-write" in p.stderr
        res, _ = result(p)
        assert res["after"] == NEW and res["came_back"]
        [bk] = backups(xdg)
        man = json.load(open(os.path.join(bk, "manifest.json")))
        cal = {i["partition"]: i for i in man["images"] if i["calibration"]}
        assert set(cal) == {"EFS2", "RAWDATA"}
        efs2 = read_part(bk, "EFS2")
        assert efs2.startswith(b"MFCAL1 EFS2 IMEI=866349045000013")

        # what the module holds now, read without a package (the flash
        # put its programmer in the cache): EFS2 and RAWDATA erased
        p = run(tmp_path / "root", "backup", "-o", tmp_path / "after",
                "--boot-timeout", "60", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert read_part(tmp_path / "after", "EFS2") == b""
        assert read_part(tmp_path / "after", "RAWDATA") == b""
        assert read_part(tmp_path / "after", "modem") != b""

        # and the calibration data comes back from the first backup
        p = run(tmp_path / "root", "restore", bk, "--boot-timeout", "60",
                xdg=xdg)
        assert p.returncode == 0, p.stderr
        p = run(tmp_path / "root", "backup", "-o", tmp_path / "restored",
                "--boot-timeout", "60", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert read_part(tmp_path / "restored", "EFS2") == efs2
    finally:
        s.stop()
