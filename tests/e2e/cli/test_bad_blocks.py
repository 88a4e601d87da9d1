# SPDX-License-Identifier: BSD-3-Clause
"""Bad NAND blocks inside the partitions being written (issue 20): the
programmer skips them inside a partition's spare blocks, as real NAND
programmers do, so flash, backup and restore succeed and verify byte for
byte. A partition that really cannot hold its image (no good block left
for it) is a persistent failure with its own message, never "run the same
command again", and the backup that was taken restores the module."""
import glob
import hashlib
import json
import os

import pytest

from flash_sim import Sim, backups, built, mkpkg, run_v as run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

REVS = {
    "bg95-m3": ("BG95M3LAR02A03_01.009.01.009", "BG95M3LAR02A03_01.014.01.014"),
    "ec25": ("EC25EFAR06A01M4G_01.001.01.001", "EC25EFAR06A01M4G_01.003.01.003"),
}
MODEM_BLOCKS = 540                  # bg95-m3 modem: blocks 316..855
BLOCK = 64 * 2048
EMPTY = hashlib.sha256(b"").hexdigest()     # an erased partition's image


def images(bk):
    """partition -> SHA-256 of the image file, checked against the manifest."""
    man = json.load(open(os.path.join(str(bk), "manifest.json")))
    out = {}
    for i in man["images"]:
        with open(os.path.join(str(bk), i["file"]), "rb") as f:
            h = hashlib.sha256(f.read()).hexdigest()
        assert h == i["sha256"], i
        out[i["partition"]] = h
    return out


@pytest.mark.parametrize("profile,bad", [
    ("bg95-m3", 20300),     # modem, its second block (317)
    ("ec25", 24300),        # modem, its first block (379)
    ("bg95-m3", 5),         # SBL, its first block
])
def test_flash_backup_restore_with_a_bad_block(tmp_path, profile, bad):
    old, new = REVS[profile]
    pkg = mkpkg(tmp_path, profile, new)
    prog = glob.glob(os.path.join(pkg, "update", "firehose", "prog_*"))[0]
    s = Sim(tmp_path / "root", tmp_path / "state", profile, old,
            faults=["badblock:%d" % bad])
    xdg = tmp_path / "xdg"
    try:
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "60",
                xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert "verified: digest" in p.stdout + p.stderr
        assert s.wait_mode("normal")["revision"] == new
        auto = backups(xdg)
        assert len(auto) == 1
        p = run(tmp_path / "root", "restore", auto[0], "--boot-timeout",
                "60", xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == old
        bk = tmp_path / "after-restore"
        p = run(tmp_path / "root", "backup", "-o", bk, "--programmer", prog,
                "--boot-timeout", "60", xdg=xdg)
        assert p.returncode == 0, p.stderr
        # the automatic backup (package partitions + calibration) equals
        # the same partitions read after its restore, byte for byte; the
        # module-table backup has more partitions, all of them empty
        a, b = images(auto[0]), images(bk)
        assert a == {k: b[k] for k in a}
        assert {b[k] for k in b if k not in a} <= {EMPTY}
    finally:
        s.stop()


def test_partition_without_good_blocks_left_is_a_persistent_failure(tmp_path):
    """A modem image that needs every block of its partition, one of them
    bad: the programmer refuses it, again after a fresh erase. The error
    says the flash memory cannot hold it and that a re-run will not help;
    the backup taken before restores the old firmware."""
    old, new = REVS["bg95-m3"]
    pkg = mkpkg(tmp_path, "bg95-m3", new, size=MODEM_BLOCKS * BLOCK - 4096)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", old,
            faults=["badblock:20300"])
    xdg = tmp_path / "xdg"
    try:
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=xdg)
        assert p.returncode == 1, p.stderr
        assert "the module cannot store modem: the programmer refused it " \
               "twice" in p.stderr, p.stderr
        assert "no good block left in the partition" in p.stderr
        assert "a re-run will not help" in p.stderr
        assert "run the same command again" not in p.stderr
        # only the refused command's own log lines are quoted
        err = [l for l in p.stderr.splitlines()
               if l.startswith("modemflash: flash:")][0]
        assert "Erasing start sector" not in err, err
        bk = backups(xdg)
        assert len(bk) == 1 and ("restore " + bk[0]) in p.stderr
        s.control("power-cycle")
        s.wait_mode("sahara")
        p = run(tmp_path / "root", "restore", bk[0], "--boot-timeout", "30",
                xdg=xdg)
        assert p.returncode == 0, p.stderr
        assert s.wait_mode("normal")["revision"] == old
    finally:
        s.stop()


def test_restore_goes_on_past_a_refused_partition_and_writes_sbl(tmp_path):
    """A backup whose modem image fills the partition, restored after a
    block of it went bad: the modem is refused for good, the restore
    writes the rest and SBL last (the module boots whatever it holds) and
    fails with the persistent message."""
    old, new = REVS["bg95-m3"]
    pkg = mkpkg(tmp_path, "bg95-m3", new, size=MODEM_BLOCKS * BLOCK - 4096)
    prog = glob.glob(os.path.join(pkg, "update", "firehose", "prog_*"))[0]
    root, state, xdg = tmp_path / "root", tmp_path / "state", tmp_path / "xdg"
    bk = tmp_path / "full-modem"
    s = Sim(root, state, "bg95-m3", old)
    try:
        p = run(root, "flash", pkg, "--no-backup", "--boot-timeout", "30",
                xdg=xdg)
        assert p.returncode == 0, p.stderr
        s.wait_mode("normal")
        p = run(root, "backup", "-o", bk, "--programmer", prog,
                "--boot-timeout", "30", xdg=xdg)
        assert p.returncode == 0, p.stderr
        s.wait_mode("normal")
    finally:
        s.stop()
    # the same module (its NAND kept), now with a bad block in modem
    s = Sim(root, state, "bg95-m3", new, faults=["badblock:20300"])
    try:
        p = run(root, "restore", bk, "--boot-timeout", "30", xdg=xdg)
        assert p.returncode == 1, p.stderr
        assert "the module cannot store modem" in p.stderr, p.stderr
        assert "a re-run will not help" in p.stderr
        assert "run the same command again" not in p.stderr
        going = p.stderr.index("restoring the other partitions and SBL")
        assert p.stderr.index("program SBL", going) > going, p.stderr
    finally:
        s.stop()
