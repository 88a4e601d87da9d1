# SPDX-License-Identifier: BSD-3-Clause
"""backup [-o DIR] without a package: the partition table is read from the
module (its MIBIB), the programmer comes from --programmer or from the
cache that a successful flash fills; the result restores."""
import hashlib
import json
import os

import pytest

from flash_sim import Sim, built, mkpkg, read_part, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
PROG = "prog_firehose_nand_mdm9x05.elf"
# every partition of the simulated BG95 MIBIB (sim/profiles.c parts_9205)
PARTS = ["SBL", "MIBIB", "EFS2", "sys_rev", "RAWDATA", "TZ", "RPM", "aboot",
         "boot", "recovery", "modem", "recoveryfs", "usr_data", "system"]


def check_backup(bk, revision):
    man = json.load(open(os.path.join(bk, "manifest.json")))
    assert man["kind"] == "modemflash-backup" and man["schema"] == 1
    assert man["time"].endswith("Z")
    assert man["module"]["revision"] == revision
    assert man["module"]["hwid"].startswith("0x001070e1")
    assert man["geometry"] == "p2K_b128K" and man["programmer"] == PROG
    assert [i["partition"] for i in man["images"]] == PARTS
    cal = {i["partition"] for i in man["images"] if i["calibration"]}
    assert cal == {"EFS2", "RAWDATA"}
    for i in man["images"]:
        data = read_part(bk, i["partition"])
        assert hashlib.sha256(data).hexdigest() == i["sha256"]
        assert len(data) == i["size"]
    # the MIBIB as the module holds it: header and table magics
    mibib = read_part(bk, "MIBIB")
    assert mibib[:8] == bytes.fromhex("ac9f56fe7a127fcd")
    assert mibib[2048:2056] == bytes.fromhex("aa73ee55dbbd5ee3")
    assert read_part(bk, "EFS2").startswith(b"MFCAL1 EFS2 IMEI=")
    assert os.path.isfile(os.path.join(bk, PROG))
    assert os.path.isfile(os.path.join(bk, "rawprogram_nand_p2K_b128K_update.xml"))
    return man


def test_backup_without_package(tmp_path):
    xdg = tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        # no programmer anywhere: refused before the module is touched
        p = run(tmp_path / "root", "backup", xdg=xdg, json_out=True)
        assert p.returncode == 1, p.stderr
        assert "--programmer" in p.stderr
        cache = os.path.join(str(xdg), "modemflash", "programmers",
                             "0x001070e1")
        assert cache in p.stderr
        res, _ = result(p)
        assert res["ok"] is False and res["exit"] == 1
        assert s.state_json()["mode"] == "normal"

        # (a) --programmer FILE
        prog = os.path.join(pkg, "update", "firehose", PROG)
        bk1 = tmp_path / "bk1"
        p = run(tmp_path / "root", "backup", "-o", bk1, "--programmer", prog,
                "--boot-timeout", "60", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert f"backup of {OLD} in {bk1}" in p.stdout
        check_backup(str(bk1), OLD)
        assert s.wait_mode("normal")["revision"] == OLD
        assert not os.path.isdir(cache)     # a backup does not fill the cache

        # a flash fills the cache with the package's programmer
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                "--boot-timeout", "60", xdg=xdg)
        assert p.returncode == 0, p.stderr
        with open(os.path.join(cache, PROG), "rb") as a, open(prog, "rb") as b:
            assert a.read() == b.read()

        # (b) the cache, picked by the MSM HW ID Sahara reports
        bk2 = tmp_path / "bk2"
        p = run(tmp_path / "root", "backup", "-o", bk2, "--boot-timeout", "60",
                xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert "programmer from the cache" in p.stderr
        check_backup(str(bk2), NEW)

        # the module-table backup restores: back to the old firmware
        p = run(tmp_path / "root", "restore", bk1, "--boot-timeout", "60",
                xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == OLD
    finally:
        s.stop()


def test_backup_without_package_from_edl(tmp_path):
    """A module held in EDL by the BOOT pin: no identity but Sahara's."""
    xdg = tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    prog = os.path.join(pkg, "update", "firehose", PROG)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        assert s.control("boot-pin on") == "ok"
        assert s.control("power-cycle") == "ok"
        s.wait_mode("sahara")
        bad = tmp_path / "missing.elf"
        p = run(tmp_path / "root", "backup", "--programmer", bad, xdg=xdg)
        assert p.returncode == 2, p.stderr
        assert "cannot read the programmer" in p.stderr
        p = run(tmp_path / "root", "backup", "-o", tmp_path / "bk",
                "--programmer", prog, xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        assert res["started_in_edl"] and res["serial"] == "0x1b95a301"
        man = json.load(open(tmp_path / "bk" / "manifest.json"))
        assert man["module"]["serial"] == "0x1b95a301"
        assert [i["partition"] for i in man["images"]] == PARTS
    finally:
        s.stop()
