# SPDX-License-Identifier: BSD-3-Clause
"""A flash cut in each stage (erase, program, verify, reset; a link drop
or a kill): the re-run finds what the module already holds (by its
SHA-256 digest), writes only the rest, SBL still last, and verifies all.
What the re-run wrote is read from the simulator's storage counters."""
import os
import signal
import subprocess
import time

import pytest

from flash_sim import MF, Sim, built, mkpkg, result, run_v as run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def written(s):
    return s.state_json()["storage"]["program"]["bytes"]


def programs(stderr):
    return [l.split()[1] for l in stderr.splitlines() if l.startswith("program ")]


def rerun(tmp_path, s, pkg, *extra):
    before = written(s)
    p = run(tmp_path / "root", "--json", "flash", pkg, "--no-backup",
            "--boot-timeout", "30", *extra, xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    res, _ = result(p)
    # the host's count and the module's agree: nothing written twice
    assert written(s) - before == res["bytes_written"]
    assert res["verified"] == "digest" and res["started_in_edl"]
    assert s.state_json()["revision"] == NEW
    return p, res


def full_size(tmp_path, pkg):
    """Bytes a whole flash of pkg programs (one uncut run)."""
    s = Sim(tmp_path / "full-root", tmp_path / "full-state", "bg95-m3", OLD)
    try:
        p = run(tmp_path / "full-root", "--json", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        return result(p)[0]["bytes_written"], programs(p.stderr)
    finally:
        s.stop()


@pytest.mark.parametrize("fault", [
    "drop:erase:2000000",      # in the second erase, before any program
    "drop:program:100000",     # in the first image
    "drop:program:1000000",    # in the modem image, half way
    "drop:program:2200000",    # in the last images, SBL not yet written
])
def test_cut_then_rerun_writes_only_the_rest(tmp_path, fault):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    total, order = full_size(tmp_path, pkg)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=[fault])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg")
        assert p.returncode != 0 and "lost the link" in p.stderr, p.stderr
        first = written(s)
        s.control("power-cycle")
        s.wait_mode("sahara")      # SBL was erased first: the boot ROM waits
        p, res = rerun(tmp_path, s, pkg)
        kept = [l for l in p.stderr.splitlines()
                if l.startswith("resume: ") and l.endswith(" already on the module")]
        wrote = programs(p.stderr)
        # SBL is written again, and last, whatever its digest said
        assert wrote[-1] == "SBL"
        if first > 100000:
            assert kept and res["bytes_written"] < total
        # everything the package has is either kept or written now
        names = {l.split()[1] for l in kept} | set(wrote)
        assert names == set(order)
    finally:
        s.stop()


def test_cut_in_verify_rerun_writes_nothing(tmp_path):
    """Cut after every image is written (verify by read-back, link drop):
    the module holds the whole package, the re-run only verifies it."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["drop:read:300000"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                "--verify=readback", xdg=tmp_path / "xdg")
        assert p.returncode != 0 and "verify" in p.stderr, p.stderr
        # the module ends up in EDL on its next power-on (BOOT pin held)
        s.control("boot-pin on")
        s.control("power-cycle")
        s.wait_mode("sahara")
        s.control("boot-pin off")
        p, res = rerun(tmp_path, s, pkg)
        assert "resume: all " in p.stderr, p.stderr
        assert res["wrote"] is False and res["bytes_written"] == 0
    finally:
        s.stop()


def test_whole_package_on_module_in_edl_writes_nothing(tmp_path):
    """Cut in the reset (or a module brought to EDL after a good flash):
    nothing to write, everything verified, the module boots the package."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD)
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        s.control("boot-pin on")
        s.control("power-cycle")
        s.wait_mode("sahara")
        s.control("boot-pin off")
        erased = s.state_json()["storage"]["erase"]["commands"]
        p, res = rerun(tmp_path, s, pkg)
        assert res["wrote"] is False and res["bytes_written"] == 0
        assert s.state_json()["storage"]["erase"]["commands"] == erased
        assert "nothing to write" in p.stderr
        assert p.stderr.count("verified ") >= 11
    finally:
        s.stop()


def kill_after_4_mib(tmp_path, s, pkg):
    """A flash from normal mode, SIGKILLed once 4 MiB are programmed."""
    s.wait_mode("normal")
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"))
    proc = subprocess.Popen([MF, "-v", "--sysroot", str(tmp_path / "root"),
                             "flash", pkg, "--no-backup"], env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while written(s) < 4 * 1024 * 1024 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL


def test_killed_host_then_rerun_writes_only_the_rest(tmp_path):
    """SIGKILL of modemflash in the program stage (a 16 MiB modem image,
    NAND programmed at the real module's speed, 20 times faster)."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW, size=16 * 1024 * 1024)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            timing=("--timing", "real", "--time-scale", "0.05"))
    try:
        kill_after_4_mib(tmp_path, s, pkg)
        first = written(s)
        s.control("power-cycle")
        s.wait_mode("sahara")
        p, res = rerun(tmp_path, s, pkg)
        assert "already on the module" in p.stderr
        # the image that was cut is written again (its rest, or whole),
        # nothing else twice
        assert res["bytes_written"] < 16 * 1024 * 1024 + 1024 * 1024
        assert first + res["bytes_written"] >= 16 * 1024 * 1024
    finally:
        s.stop()


def test_killed_in_the_data_phase_rerun_at_once(tmp_path):
    """SIGKILL while the data of a <program> goes out, and the same
    command again with no power cycle (as a user would): the programmer
    still takes every byte as that image's data, so the re-run first ends
    that <program> with erased bytes (the EDL probe does it when nothing
    answers; edl_firehose when the killed run left an answer unread and
    the programmer then went quiet), then flashes and verifies all."""
    pkg = mkpkg(tmp_path, "bg95-m3", NEW, size=16 * 1024 * 1024)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            timing=("--timing", "real", "--time-scale", "0.05"))
    try:
        kill_after_4_mib(tmp_path, s, pkg)
        assert s.state_json()["mode"] == "firehose"
        p = run(tmp_path / "root", "--json", "flash", pkg, "--no-backup",
                "--boot-timeout", "30", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert ("bytes of padding sent, the programmer answered" in p.stderr
                or "interrupted <program> ended (ACK)" in p.stderr), p.stderr
        res, _ = result(p)
        assert res["verified"] == "digest" and res["started_in_edl"]
        assert s.state_json()["revision"] == NEW
    finally:
        s.stop()
