# SPDX-License-Identifier: BSD-3-Clause
"""The normal update of each simulated profile, with backup and post-check
(issue 7, tests): mkpkg packages one release apart. rm500q is the hard
one: a USB3 module that comes back in EDL on the USB2 bus (another sysfs
path), Sahara v3 with 64-bit reads, secure boot with the SHA-256 root."""
import hashlib
import json
import os

import pytest

from flash_sim import Sim, backups, built, mkpkg, read_part, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

# profile: (baseline, old version, new version, calibration partitions)
PROFILES = {
    "ec25": ("EC25EFAR06A01M4G", "01.001.01.001", "01.003.01.003"),
    "eg25-g": ("EG25GGBR07A08M2G", "30.006.30.006", "30.007.30.007"),
    "bg96": ("BG96MAR02A07M1G", "01.016.01.016", "01.019.01.019"),
    "rm500q": ("RM500QGLAAR01A01M4G", "01.001.01.001", "01.002.01.002"),
    "bg95-m6": ("BG95M6LAR02A02", "01.200.01.200", "01.201.01.201"),
}


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_update_with_backup_and_post_check(tmp_path, profile):
    base, v_old, v_new = PROFILES[profile]
    old, new = f"{base}_{v_old}", f"{base}_{v_new}"
    xdg = tmp_path / "xdg"
    pkg = mkpkg(tmp_path, profile, new)
    s = Sim(tmp_path / "root", tmp_path / "state", profile, old)
    try:
        before = s.state_json()
        assert before["revision"] == old
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "90",
                xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res, events = result(p)
        assert res["ok"] and res["exit"] == 0 and res["command"] == "flash"
        assert res["before"] == old and res["package_revision"] == new
        assert res["after"] == new and res["came_back"]
        assert res["verified"] == "digest" and res["wrote"]
        assert res["findings"] == []
        st = s.wait_mode("normal")
        assert st["revision"] == new
        stages = [e["stage"] for e in events if e.get("event") == "progress"]
        assert {"backup", "program", "verify"} <= set(stages)
        assert stages.index("backup") < stages.index("program")

        [bk] = backups(xdg)
        assert res["backup"] == bk
        man = json.load(open(os.path.join(bk, "manifest.json")))
        assert man["module"]["revision"] == old
        assert man["module"]["imei"] == st["imei"]
        cal = {i["partition"] for i in man["images"] if i["calibration"]}
        assert {"EFS2", "RAWDATA"} <= cal
        for i in man["images"]:
            data = read_part(bk, i["partition"])
            assert hashlib.sha256(data).hexdigest() == i["sha256"]
        assert read_part(bk, "EFS2").startswith(b"MFCAL1 EFS2 IMEI=" +
                                                st["imei"].encode())
    finally:
        s.stop()


def test_rm500q_path_change_sahara_v3_secure_boot(tmp_path):
    """The facts of the hard profile, seen in the protocol trace."""
    base, v_old, v_new = PROFILES["rm500q"]
    old, new = f"{base}_{v_old}", f"{base}_{v_new}"
    pkg = mkpkg(tmp_path, "rm500q", new)
    s = Sim(tmp_path / "root", tmp_path / "state", "rm500q", old)
    try:
        log = tmp_path / "trace.log"
        p = run(tmp_path / "root", "--log", log, "flash", pkg, "--no-backup",
                "--boot-timeout", "90", xdg=tmp_path / "xdg", json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        assert res["module"] == "2-1.4" and res["after"] == new
        trace = log.read_text()
        assert "in EDL at 1-1.4" in trace          # USB3 -> USB2 path
        assert "HELLO version 3" in trace
        assert s.wait_mode("normal")["revision"] == new
    finally:
        s.stop()
