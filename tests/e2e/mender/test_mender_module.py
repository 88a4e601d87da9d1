# SPDX-License-Identifier: BSD-3-Clause
"""The modem-firmware update module under the real mender-client: an update
that commits, a refusal that writes nothing, a cut flash that mender rolls
back, and a forced package that bricks the module (field report 2), whose
rollback tells the operator about the BOOT pin and the restore command."""
import json
import os
import subprocess
import threading
import time

from conftest import FIRST_ARTIFACT, module_lines
from flash_sim import BASELINES

OLD = f"{BASELINES['bg95-m3']}_01.009.01.009"
NEW = f"{BASELINES['bg95-m3']}_01.014.01.014"
M6_OLD = "BG95M6LAR02A03_01.200.01.200"
OCPU = "BG95M6LAR02A03_OCPU_01.204.01.204"


def nand_head(sim, n=32 << 20):
    """The first 32 MiB of the simulated NAND (nand.bin is the flash page by
    page): SBL, MIBIB and the calibration partitions of the BG95."""
    with open(os.path.join(sim.state, "nand.bin"), "rb") as f:
        return f.read(n)


def nand_mtime(sim):
    return os.stat(os.path.join(sim.state, "nand.bin")).st_mtime_ns


def provides(gw):
    return dict(l.split("=", 1) for l in gw.show("show-provides") if "=" in l)


def test_update_commits_and_keeps_the_backup(gw):
    s = gw.start("bg95-m3", OLD)
    imei = s.state_json()["imei"]
    # retention: two older backups of this module and a stray directory
    mod_dir = gw.backups / imei
    for old in ("20240101T000000Z", "20250101T000000Z"):
        (mod_dir / old).mkdir(parents=True)
        (mod_dir / old / "manifest.json").write_text("{}")
    (mod_dir / "notes").mkdir()
    gw.configure(MODEMFLASH_BACKUP_KEEP="2")

    art = gw.artifact(gw.zipped(gw.package("bg95-m3", NEW)))
    rc, log = gw.mender("install", str(art))
    assert rc == 0, log
    assert f"package {NEW}.zip" in module_lines(log)
    out = module_lines(log)
    assert f"updated {OLD} -> {NEW}" in out, log
    assert "backup: 100%" in out and "program: 100%" in out, out
    assert module_lines(log, "stderr") == "", log  # stderr only on failure
    assert s.state_json()["revision"] == NEW

    rc, log = gw.mender("commit")
    assert rc == 0, log
    assert gw.show("show-artifact") == [NEW]
    p = provides(gw)
    assert p["modem-firmware.revision"] == NEW
    assert p["modem-firmware.model"] == "BG95M3"
    assert p["modem-firmware.variant"] == "standard"

    # the backup stays (the user's data), the newest two are kept, the
    # directory that is not a backup is left alone; the install state is gone
    bks = gw.backup_dirs()
    assert len(bks) == 2 and bks[0].endswith("20250101T000000Z"), bks
    man = json.load(open(os.path.join(bks[1], "manifest.json")))
    assert man["module"]["revision"] == OLD
    assert (mod_dir / "notes").is_dir()
    assert not (gw.mstate / "install").exists()
    assert "updated" in (gw.mstate / "history").read_text()


def test_quecopen_for_standard_module_refused_nothing_written(gw):
    s = gw.start("bg95-m6", M6_OLD)
    head, mtime = nand_head(s), nand_mtime(s)
    art = gw.artifact(gw.package("bg95-m6", OCPU, variant="quecopen"))
    rc, log = gw.mender("install", str(art))
    assert rc != 0, log
    err = module_lines(log, "stderr")
    assert "refused by preflight, nothing written" in err, log
    assert "[variant]" in err and "--allow-variant-change" in err, err
    assert "quecopen" in err.lower() and "standard" in err.lower(), err
    assert "exit status 3" in log
    assert "nothing to roll back" in module_lines(log, "stdout"), log
    # mender keeps the old artifact; the module is untouched
    assert gw.show("show-artifact") == [FIRST_ARTIFACT]
    assert gw.backup_dirs() == []
    st = s.state_json()
    assert st["mode"] == "normal" and st["revision"] == M6_OLD
    assert nand_mtime(s) == mtime and nand_head(s) == head


def power_cycle_when_rollback_starts(gw, sim):
    """The link dropped mid-program and the module is off the bus; it comes
    back (here: power-cycled) while the rollback waits for it, once the
    rollback's first restore has found no module (its exit code is kept)."""
    marker = gw.mstate / "install" / "restore.rc"
    deadline = time.monotonic() + 120

    def watch():
        while time.monotonic() < deadline:
            if marker.exists():
                sim.control("power-cycle")
                return
            time.sleep(0.05)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def calibration(sim, manifest, head):
    """The calibration partitions, whole, from the head of the simulated
    NAND; the backup's manifest says where each starts and how long it is."""
    assert manifest["geometry"] == "p2K_b128K"
    out = {}
    for i in manifest["images"]:
        if i["calibration"]:
            a = i["start_sector"] * 2048
            b = a + i["num_sectors"] * 2048
            assert b <= len(head), i
            out[i["partition"]] = head[a:b]
    return out


def test_cut_mid_program_rolls_back_to_old_revision(gw):
    s = gw.start("bg95-m3", OLD, faults=["drop:program:300000"])
    head_before = nand_head(s)
    art = gw.artifact(gw.package("bg95-m3", NEW))
    watcher = power_cycle_when_rollback_starts(gw, s)
    rc, log = gw.mender("install", str(art))
    watcher.join(timeout=1)
    assert rc != 0, log
    err = module_lines(log, "stderr")
    assert "flash failed" in err and "rollback restores the backup" in err, log
    out = module_lines(log, "stdout")
    assert "no module found yet; waiting up to 20 s" in out, log
    assert f"rolled back: the module runs {OLD} again" in out, log
    st = s.state_json()
    assert st["mode"] == "normal" and st["revision"] == OLD
    assert gw.show("show-artifact") == [FIRST_ARTIFACT]

    # calibration byte-identical to what the module had before the update
    [bk] = gw.backup_dirs()
    man = json.load(open(os.path.join(bk, "manifest.json")))
    before = calibration(s, man, head_before)
    after = calibration(s, man, nand_head(s))
    assert set(before) == {"EFS2", "RAWDATA"}, before.keys()
    assert before["EFS2"].startswith(b"MFCAL1 EFS2 IMEI=")
    for part in before:
        assert after[part] == before[part], part


def test_forced_variant_change_bricks_rollback_names_boot_pin(gw):
    s = gw.start("bg95-m6", M6_OLD)
    gw.configure(MODEMFLASH_FLASH_ARGS="--allow-variant-change --boot-timeout 3",
                 MODEMFLASH_ROLLBACK_WAIT="0")
    art = gw.artifact(gw.package("bg95-m6", OCPU, variant="quecopen"))
    rc, log = gw.mender("install", str(art))
    assert rc != 0, log
    [bk] = gw.backup_dirs()
    err = module_lines(log, "stderr")
    assert "did not come back" in err, log
    assert "rollback failed" in err and "BOOT pin" in err, log
    assert "did not come back after the flash" in err, log
    # the command stands on a line of its own
    cmd = next(l.strip() for l in err.splitlines()
               if l.startswith("  ") and l.endswith(f" restore {bk}"))
    assert s.state_json()["mode"] == "silent"

    # the operator follows the log: BOOT pin, then the command it gave
    assert s.control("boot-pin on") == "ok"
    assert s.control("power-cycle") == "ok"
    s.wait_mode("sahara")
    assert s.control("boot-pin off") == "ok"
    p = subprocess.run(cmd.split(), capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stderr
    assert s.state_json()["revision"] == M6_OLD
