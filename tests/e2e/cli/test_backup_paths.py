# SPDX-License-Identifier: BSD-3-Clause
"""The backup destination is checked before the module is touched: an
existing empty folder is used, a non-empty one, a read-only one or one
without room is refused before the EDL switch (exit 1, the host's errno
named, the numbers said); a disk that fills up during the backup is
ENOSPC, never a link or verification failure, leaves no .partial and the
flash does not start; an abandoned .partial is never a backup."""
import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest

from flash_sim import MF, Sim, backups, built, mkpkg, result, run_v as run

pytestmark = pytest.mark.skipif(not built(),
                                reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


@pytest.fixture
def m3(tmp_path):
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    yield s, tmp_path
    s.stop()


@pytest.fixture
def mounts(tmp_path):
    """mount(dir, size, ro=False): a tmpfs of its own (root only)."""
    done = []

    def mount(path, size, ro=False):
        os.makedirs(path, exist_ok=True)
        opts = f"size={size}" + (",ro" if ro else "")
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs",
                            str(path)], capture_output=True, text=True)
        if p.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
        done.append(str(path))
        return str(path)

    yield mount
    for path in reversed(done):
        subprocess.run(["umount", "-l", path], capture_output=True)


def untouched(s, p):
    """The module never left normal mode: nothing was sent to switch it."""
    assert "== edl" not in p.stderr and "switching to EDL" not in p.stderr
    st = s.state_json()
    assert st["mode"] == "normal" and st["revision"] == OLD, st


def no_partial(top):
    left = [d for d, _, _ in os.walk(str(top)) if d.endswith(".partial")]
    assert left == []


def test_existing_empty_folder_is_used(m3):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", OLD)
    out = tmp / "empty"
    out.mkdir()
    p = run(tmp / "root", "backup", "-o", out, pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 0, p.stderr
    assert "File exists" not in p.stderr
    res, _ = result(p)
    assert res["backup"] == str(out)
    man = json.load(open(out / "manifest.json"))
    assert {"SBL", "modem", "EFS2"} <= {i["partition"] for i in man["images"]}
    assert not os.path.exists(str(out) + ".partial")
    assert not (out / ".owner").exists()


def test_non_empty_folder_refused_before_edl(m3):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", OLD)
    out = tmp / "full"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    p = run(tmp / "root", "backup", "-o", out, pkg, xdg=tmp / "xdg",
            json_out=True)
    assert p.returncode == 1, p.stderr
    assert f"{out} exists and is not empty" in p.stderr
    assert ".partial" not in p.stderr
    untouched(s, p)
    assert os.listdir(out) == ["notes.txt"]
    res, _ = result(p)
    assert res["exit"] == 1 and not res["ok"] and res["backup"] == ""


def test_read_only_folder_refused_before_edl(m3, mounts):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    ro = mounts(tmp / "ro", "4m", ro=True)
    for args in (["backup", "-o", os.path.join(ro, "bk"), pkg],
                 ["backup", "-o", ro, pkg],
                 ["flash", pkg, "--backup-dir", ro]):
        p = run(tmp / "root", *args, xdg=tmp / "xdg")
        assert p.returncode == 1, (args, p.stderr)
        assert "EROFS" in p.stderr and "Read-only file system" in p.stderr
        assert "lost the link" not in p.stderr
        untouched(s, p)


def test_no_room_refused_before_edl_with_the_numbers(m3, mounts):
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    small = mounts(tmp / "small", "1m")
    for args in (["backup", "-o", os.path.join(small, "bk"), pkg],
                 ["flash", pkg, "--backup-dir", small]):
        p = run(tmp / "root", *args, xdg=tmp / "xdg")
        assert p.returncode == 1, (args, p.stderr)
        m = re.search(r"not enough free space for the backup in \S+ "
                      r"\(ENOSPC\): it needs (\d+) bytes .* the file system "
                      r"has (\d+) bytes", p.stderr)
        assert m, p.stderr
        need, have = int(m.group(1)), int(m.group(2))
        assert need > 100 << 20 and have <= 1 << 20
        untouched(s, p)
        assert os.listdir(small) == []


def test_disk_full_during_backup_is_enospc_and_flash_never_starts(
        m3, mounts):
    """The room was there at the check and went while reading: the host's
    ENOSPC (exit 1), no .partial, nothing written to the module."""
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    # how much the backup takes, from the refusal on a tiny file system
    tiny = mounts(tmp / "tiny", "64k")
    p = run(tmp / "root", "flash", pkg, "--backup-dir", tiny, xdg=tmp / "xdg")
    need = int(re.search(r"needs (\d+) bytes", p.stderr).group(1))
    disk = mounts(tmp / "disk", str(need + (4 << 20)))

    def fill_when_in_edl():
        # what else runs on the machine takes the room once the module is
        # in EDL (after the check, before the reads)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if s.state_json()["mode"] in ("sahara", "firehose"):
                break
            time.sleep(0.005)
        st = os.statvfs(disk)
        with open(os.path.join(disk, "hog"), "wb") as f:
            os.posix_fallocate(f.fileno(), 0,
                               st.f_bavail * st.f_frsize - (1 << 20))

    hog = threading.Thread(target=fill_when_in_edl)
    hog.start()
    p = run(tmp / "root", "flash", pkg, "--backup-dir", disk,
            "--boot-timeout", "30", xdg=tmp / "xdg", json_out=True)
    hog.join()
    assert p.returncode == 1, p.stderr
    assert "No space left on device (ENOSPC)" in p.stderr, p.stderr
    for wrong in ("lost the link", "data lost", "USB link", "mismatch"):
        assert wrong not in p.stderr, p.stderr
    res, events = result(p)
    assert not res["wrote"] and res["backup"] == "" and res["stage"] == "backup"
    assert not any(e.get("stage") == "program" for e in events)
    assert sorted(os.listdir(disk)) == ["hog"]
    # nothing was written: the module still boots the old firmware
    s.control("power-cycle")
    assert s.wait_mode("normal")["revision"] == OLD


def test_abandoned_partial_is_never_a_backup(m3):
    """A run killed during its backup leaves DIR.partial: the next backup
    to DIR removes it and reads again; a stale one under the data folder
    goes too. A live owner's .partial is left alone."""
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", OLD)
    out = tmp / "bk"
    stale = tmp / "bk.partial"
    stale.mkdir()
    (stale / "SBL.bin").write_bytes(b"\0" * 4096)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (stale / ".owner").write_text(f"{dead.pid}\n")
    base = tmp / "xdg" / "modemflash" / "backups" / "866349045000013"
    base.mkdir(parents=True)
    (base / "20200101T000000Z.partial").mkdir()
    # ownerless and old: abandoned (a fresh ownerless one may be a run
    # beside us that has not written its .owner yet)
    hour_ago = time.time() - 3600
    os.utime(base / "20200101T000000Z.partial", (hour_ago, hour_ago))
    live = base / "20200101T000001Z.partial"
    live.mkdir()
    (live / ".owner").write_text(f"{os.getpid()}\n")
    p = run(tmp / "root", "backup", "-o", out, pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert (out / "manifest.json").exists() and not stale.exists()
    p = run(tmp / "root", "backup", pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg")
    assert p.returncode == 0, p.stderr
    assert not (base / "20200101T000000Z.partial").exists()
    assert live.exists()  # someone is still writing it
    assert len(backups(tmp / "xdg")) == 1


def test_kill_during_backup_leaves_no_backup_named(m3):
    """SIGKILL while reading: its .partial is no backup; the module (its
    programmer cut off in the middle of a read: BOOT pin and power-cycle,
    as a user would) is backed up again from EDL before any write."""
    s, tmp = m3
    pkg = mkpkg(tmp, "bg95-m3", NEW)
    env = dict(os.environ, XDG_DATA_HOME=str(tmp / "xdg"))
    pr = subprocess.Popen([MF, "-v", "--sysroot", str(tmp / "root"), "flash", pkg],
                          env=env, stderr=subprocess.PIPE, text=True)
    for line in pr.stderr:
        if line.startswith("backup: reading EFS2"):
            break
    pr.send_signal(signal.SIGKILL)
    pr.wait()
    pr.stderr.close()
    assert backups(tmp / "xdg") == []
    assert s.control("boot-pin on") == "ok"
    assert s.control("power-cycle") == "ok"
    s.wait_mode("sahara")
    assert s.control("boot-pin off") == "ok"
    p = run(tmp / "root", "flash", pkg, "--boot-timeout", "30",
            xdg=tmp / "xdg", json_out=True)
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    [bk] = backups(tmp / "xdg")
    assert res["backup"] == bk and res["started_in_edl"]
    no_partial(tmp / "xdg")
    assert s.state_json()["revision"] == NEW
