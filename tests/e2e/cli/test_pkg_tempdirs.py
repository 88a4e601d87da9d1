# SPDX-License-Identifier: BSD-3-Clause
"""An archived package is extracted into $TMPDIR/modemflash-pkg-*: every
exit path removes it (a good package, a package that is refused, an
archive that is no package, a flash that fails on the module)."""
import os
import signal
import subprocess
import time
import zipfile

import pytest

from flash_sim import MF, Sim, built, mkpkg, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

NEW = "EC25EFAR06A01M4G_01.003.01.003"


def zip_dir(src, out, top):
    with zipfile.ZipFile(out, "w") as z:
        for dirpath, _, files in os.walk(src):
            for f in files:
                p = os.path.join(dirpath, f)
                z.write(p, os.path.join(top, os.path.relpath(p, src)))
    return out


def leftovers(tmpdir):
    return [n for n in os.listdir(tmpdir) if n.startswith("modemflash-pkg-")]


@pytest.fixture
def env_tmp(tmp_path, monkeypatch):
    d = tmp_path / "tmp"
    d.mkdir()
    monkeypatch.setenv("TMPDIR", str(d))
    return d


def test_inspect_paths_leave_nothing(tmp_path, env_tmp):
    good = zip_dir(mkpkg(tmp_path, "ec25", NEW), tmp_path / f"{NEW}.zip", NEW)
    p = run(tmp_path, "inspect", good, xdg=tmp_path / "xdg")
    assert p.returncode == 0, p.stderr
    assert leftovers(env_tmp) == []
    # refused for a module (a downgrade needs its override)
    p = run(tmp_path, "inspect", good, "--for", "EC25EFAR06A01M4G_01.005.01.005",
            xdg=tmp_path / "xdg")
    assert p.returncode == 3, p.stderr
    assert leftovers(env_tmp) == []
    # an archive that extracts but is no package
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "readme.txt").write_text("no firmware here\n")
    bad = zip_dir(junk, tmp_path / "junk.zip", "junk")
    p = run(tmp_path, "inspect", bad, xdg=tmp_path / "xdg")
    assert p.returncode == 7, p.stderr
    assert leftovers(env_tmp) == []


def test_failed_flash_of_an_archive_leaves_nothing(tmp_path, env_tmp):
    good = zip_dir(mkpkg(tmp_path, "ec25", NEW), tmp_path / f"{NEW}.zip", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "ec25",
            "EC25EFAR06A01M4G_01.001.01.001", faults=["nak:erase"])
    try:
        p = run(s.root, "flash", good, "--no-backup", xdg=tmp_path / "xdg")
        assert p.returncode == 1 and "refused <erase>" in p.stderr, p.stderr
        assert leftovers(env_tmp) == []
        p = run(s.root, "flash", good, "--no-backup", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert leftovers(env_tmp) == []
    finally:
        s.stop()


@pytest.fixture(scope="module")
def big_zip(tmp_path_factory):
    """A package with one large, well compressed image: extraction takes a
    while, the archive stays small."""
    tmp = tmp_path_factory.mktemp("bigzip")
    src = mkpkg(tmp, "ec25", NEW)
    big = os.path.join(src, "update", "padding.bin")
    with open(big, "wb") as f:
        f.truncate(128 << 20)
    out = tmp / f"{NEW}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for dirpath, _, files in os.walk(src):
            for f in files:
                path = os.path.join(dirpath, f)
                z.write(path, os.path.join(NEW, os.path.relpath(path, src)))
    return out


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_extraction_leaves_nothing(env_tmp, big_zip, sig, code):
    p = subprocess.Popen([MF, "inspect", str(big_zip)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not leftovers(env_tmp) and p.poll() is None:
        assert time.monotonic() < deadline, "no extraction directory seen"
        time.sleep(0.005)
    p.send_signal(sig)
    out, err = p.communicate(timeout=30)
    assert p.returncode == code, err
    assert "interrupted" in err, err
    assert leftovers(env_tmp) == []
