# SPDX-License-Identifier: BSD-3-Clause
"""The close of a flash: a table of the partitions written (partition,
bytes, seconds, MB/s, verified) before the one-line result, the same in the
JSON report's partitions[], and stderr kept to one line per stage."""
import re

import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
ROW = re.compile(r"^  (\S+)\s+(\d+)\s+(\d+\.\d)\s+(\d+\.\d\d)\s+(\S+)$")


def test_flash_closes_with_a_partition_table(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--no-backup", xdg=xdg)
        assert p.returncode == 0, p.stderr
        out = p.stdout.splitlines()
        head = [i for i, l in enumerate(out) if l.split()[:5] ==
                ["partition", "bytes", "seconds", "MB/s", "verified"]]
        assert len(head) == 1, p.stdout
        rows = [ROW.match(l) for l in out[head[0] + 1:-2]]
        assert all(rows), out
        names = [m.group(1) for m in rows]
        assert "modem" in names and names[-1] == "SBL"   # SBL programmed last
        assert all(m.group(5) == "digest" for m in rows)
        total = out[-2].split()
        assert total[0] == "total"
        assert int(total[1]) == sum(int(m.group(2)) for m in rows)
        assert out[-1].startswith("1-1.4: updated ") and NEW in out[-1]
        # stderr: one line per stage, nothing per image at this level
        err = p.stderr.splitlines()
        assert len(err) <= 12, p.stderr
        assert all(l.startswith("1-1.4: ") for l in err), p.stderr
    finally:
        s.stop()


def test_flash_json_partitions(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "flash", pkg, "--no-backup", "--verify=none", xdg=xdg,
                json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        parts = res["partitions"]
        assert parts and sum(x["bytes"] for x in parts) == res["bytes_written"]
        assert all(x["seconds"] >= 0 and x["rate"] >= 0 for x in parts)
        assert all(x["verified"] is False for x in parts)  # --verify=none
        assert parts[-1]["partition"] == "SBL"
        # the same package again: up to date, nothing written, no rows
        s.control("power-cycle")
        s.wait_mode("normal")
        p = run(root, "flash", pkg, "--no-backup", "--allow-downgrade",
                xdg=xdg, json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        assert res["up_to_date"] and res["partitions"] == []
    finally:
        s.stop()


def test_quiet_flash_has_no_table(tmp_path):
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(root, "-q", "flash", pkg, "--no-backup", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert "partition" not in p.stdout
        assert p.stdout.splitlines()[-1].startswith("1-1.4: updated ")
    finally:
        s.stop()
