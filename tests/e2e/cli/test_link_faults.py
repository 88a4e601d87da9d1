# SPDX-License-Identifier: BSD-3-Clause
"""The two fresh-ttyUSB findings of the VM (docs/usbvm.md findings 1 and 2)
against the tool, as explicit simulator faults: --fault echo (the HELLO
arrives while the tty is still cooked and is echoed to the device) and
--fault lose:read:BYTES / noflow (device->host bytes dropped without flow
control). The tool must come through both, never silently wrong."""
import hashlib
import json
import os

import pytest

from flash_sim import Sim, built, mkpkg, read_part, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"
PROG = "prog_firehose_nand_mdm9x05.elf"


def edl_by_pin(s):
    assert s.control("boot-pin on") == "ok"
    assert s.control("power-cycle") == "ok"
    s.wait_mode("sahara")
    assert s.control("boot-pin off") == "ok"


def test_echo_fault_info_in_edl_recovers(tmp_path):
    """The echo fault: the device rejects its own echoed HELLO; the tool
    resynchronises and reads the Sahara identity."""
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["echo"])
    try:
        edl_by_pin(s)
        p = run(tmp_path / "root", "info", xdg=tmp_path / "xdg", json_out=True)
        assert p.returncode == 0, p.stderr
        res, _ = result(p)
        assert res["serial"] == "0x1b95a301", res
    finally:
        s.stop()


def test_echo_fault_flash_from_edl(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["echo"])
    try:
        edl_by_pin(s)
        p = run(tmp_path / "root", "restore", pkg, "--boot-timeout", "60",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == NEW
    finally:
        s.stop()


def images(bk):
    man = json.load(open(os.path.join(str(bk), "manifest.json")))
    return {i["partition"]: i["sha256"] for i in man["images"]}


def test_lost_read_bytes_are_read_again(tmp_path):
    """lose:read:BYTES drops 4 KiB of one <read> once: the tool notices
    (digest of the range), reads it again, and the backup equals a clean
    one byte for byte."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    prog = os.path.join(pkg, "update", "firehose", PROG)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["lose:read:200000"])
    try:
        bk1, bk2 = tmp_path / "bk1", tmp_path / "bk2"
        p = run(tmp_path / "root", "backup", "-o", bk1, "--programmer", prog,
                "--boot-timeout", "60", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "reading it again" in p.stderr, p.stderr
        s.wait_mode("normal")
        p = run(tmp_path / "root", "backup", "-o", bk2, "--programmer", prog,
                "--boot-timeout", "60", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "reading it again" not in p.stderr
        assert images(bk1) == images(bk2)
        for part, digest in images(bk1).items():
            assert hashlib.sha256(read_part(str(bk1), part)).hexdigest() == digest
    finally:
        s.stop()


def test_noflow_backup_right_or_named(tmp_path):
    """noflow: whatever a lagging reader has no room for is lost. The
    backup is either identical to a clean one or fails naming the loss."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    prog = os.path.join(pkg, "update", "firehose", PROG)
    clean = Sim(tmp_path / "root0", tmp_path / "state0", "bg95-m3", OLD)
    try:
        p = run(tmp_path / "root0", "backup", "-o", tmp_path / "bk0",
                "--programmer", prog, "--boot-timeout", "60",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
    finally:
        clean.stop()
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["noflow"])
    try:
        p = run(tmp_path / "root", "backup", "-o", tmp_path / "bk",
                "--programmer", prog, "--boot-timeout", "60",
                xdg=tmp_path / "xdg")
        if p.returncode:
            assert "lost" in p.stderr, p.stderr
        else:
            a, b = images(tmp_path / "bk0"), images(tmp_path / "bk")
            # the calibration partitions are per module: same IMEI here
            assert a == b
    finally:
        s.stop()


@pytest.mark.parametrize("bad", [
    996 * 64 + 70,          # usr_data, its second block
    "%d,%d" % (20 * 64, 21 * 64 + 3),   # two in a row early in the disk
])
def test_backup_restore_with_bad_blocks_byte_identical(tmp_path, bad):
    """A module with bad blocks inside partitions (the programmer and the
    boot chain skip them): backup, restore, backup again; every image the
    same, and the module boots the restored firmware."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    prog = os.path.join(pkg, "update", "firehose", PROG)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["badblock:%s" % bad])
    try:
        assert s.state_json()["mode"] == "normal"
        bk1, bk2 = tmp_path / "bk1", tmp_path / "bk2"
        p = run(tmp_path / "root", "backup", "-o", bk1, "--programmer", prog,
                "--boot-timeout", "60", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        s.wait_mode("normal")
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                "--boot-timeout", "60", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == NEW
        p = run(tmp_path / "root", "restore", bk1, "--boot-timeout", "60",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == OLD
        p = run(tmp_path / "root", "backup", "-o", bk2, "--programmer", prog,
                "--boot-timeout", "60", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert images(bk1) == images(bk2)
    finally:
        s.stop()
