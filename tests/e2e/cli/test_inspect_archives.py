# SPDX-License-Identifier: BSD-3-Clause
"""modemflash inspect on packages shipped as zip, 7z, tar, tar.gz and
tar.xz (built here from the real EG25-G fixture), and on hostile archives:
each refused with exit 7, nothing written outside the private temp dir and
the temp dir removed afterwards."""
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tarfile
import zipfile

import pytest

SRC = os.environ.get("MF_SOURCE_DIR", ".")
sys.path.insert(0, os.path.join(SRC, "tests", "data", "pkg"))
import pkgmaker  # noqa: E402

BUILD = os.environ.get("MF_BUILD_DIR", "build")
MF = os.path.join(BUILD, "src", "cli", "modemflash")
MKARCHIVE = os.path.join(BUILD, "tests", "unit", "pkg", "mkarchive")
REV = "EG25GGBR07A08M2G_30.006.30.006"


def small_files():
    """At most 1 MiB per written file: a bomb cannot fill the disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, resource.RLIM_INFINITY))


def inspect(path, work, limit=False):
    env = dict(os.environ, TMPDIR=str(work))
    r = subprocess.run([MF, "--json", "inspect", str(path)],
                       capture_output=True, text=True, timeout=120, env=env,
                       preexec_fn=small_files if limit else None)
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    return r.returncode, (lines[-1] if lines else {}), r.stderr


@pytest.fixture
def work(tmp_path):
    w = tmp_path / "work"
    w.mkdir()
    yield w
    assert os.listdir(w) == [], "the private temp dir was left behind"


def package(tmp_path):
    return pkgmaker.build(str(tmp_path / REV))


def walk(p):
    for dirpath, _, files in os.walk(p):
        for f in sorted(files):
            full = os.path.join(dirpath, f)
            yield full, os.path.join(REV, os.path.relpath(full, p))


def make(kind, tmp_path):
    p = package(tmp_path)
    out = tmp_path / (REV + "." + kind)
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for full, rel in walk(p):
                z.write(full, rel)
    elif kind == "7z":
        subprocess.run([MKARCHIVE, "7z", str(out), p, REV], check=True)
    else:
        mode = {"tar": "w", "tar.gz": "w:gz", "tar.xz": "w:xz"}[kind]
        with tarfile.open(out, mode) as t:
            t.add(p, REV)
    return out


@pytest.mark.parametrize("kind", ["zip", "7z", "tar", "tar.gz", "tar.xz"])
def test_archive_formats(tmp_path, work, kind):
    if kind == "7z" and not os.access(MKARCHIVE, os.X_OK):
        pytest.skip("mkarchive not built")
    code, res, err = inspect(make(kind, tmp_path), work)
    assert code == 0, err
    assert res["package"]["revision"] == REV
    assert res["package"]["name"] == REV
    assert res["geometry"] == "p2K_b128K"
    assert res["programmer"]["chip"] == "MDM9x07"
    assert res["md5"]["ok"] > 0 and res["absent"] == 0
    assert [c["partition"] for c in res["plan"] if c["op"] == "program"][0] == "SBL"


def test_7z_is_really_7z(tmp_path):
    if not os.access(MKARCHIVE, os.X_OK):
        pytest.skip("mkarchive not built")
    with open(make("7z", tmp_path), "rb") as f:
        assert f.read(6) == b"7z\xbc\xaf\x27\x1c"


def tar_with(path, members, mode="w"):
    """members: (TarInfo fields, data or None)."""
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT) as t:
        for fields, data in members:
            ti = tarfile.TarInfo(fields.pop("name"))
            for k, v in fields.items():
                setattr(ti, k, v)
            if data is not None:
                ti.size = len(data)
            t.addfile(ti, io.BytesIO(data) if data is not None else None)


def refused(path, work, words, limit=False):
    code, res, err = inspect(path, work, limit=limit)
    assert code == 7, (code, err)
    assert res["ok"] is False if "ok" in res else True
    assert any(w in res["error"] for w in words), res["error"]
    assert os.listdir(work) == []
    return res


def test_zip_slip(tmp_path, work):
    bad = tmp_path / "slip.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr(REV + "/update/ok.txt", b"fine")
        z.writestr("../../evil", b"evil")
    refused(bad, work, ["climbs out"])
    assert not (tmp_path.parent / "evil").exists()
    assert not (tmp_path / "evil").exists()


def test_absolute_path(tmp_path, work):
    target = tmp_path / "abs-evil"
    bad = tmp_path / "abs.tar"
    tar_with(bad, [({"name": str(target)}, b"evil")])
    refused(bad, work, ["absolute"])
    assert not target.exists()


def test_symlink_out_and_write_through(tmp_path, work):
    bad = tmp_path / "link.tar"
    tar_with(bad, [({"name": "p/out", "type": tarfile.SYMTYPE,
                     "linkname": str(tmp_path)}, None),
                   ({"name": "p/out/evil"}, b"evil")])
    refused(bad, work, ["is a link"])
    assert not (tmp_path / "evil").exists()


def test_zip_symlink(tmp_path, work):
    bad = tmp_path / "link.zip"
    with zipfile.ZipFile(bad, "w") as z:
        zi = zipfile.ZipInfo("p/out")
        zi.create_system = 3
        zi.external_attr = (0o120777 << 16)
        z.writestr(zi, "../../..")
    refused(bad, work, ["is a link"])


def test_hardlink(tmp_path, work):
    bad = tmp_path / "hard.tar"
    tar_with(bad, [({"name": "p/a"}, b"x"),
                   ({"name": "p/h", "type": tarfile.LNKTYPE,
                     "linkname": "/etc/passwd"}, None)])
    refused(bad, work, ["is a link"])


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE,
                                  tarfile.FIFOTYPE])
def test_devices_and_fifos(tmp_path, work, kind):
    bad = tmp_path / "dev.tar"
    tar_with(bad, [({"name": "p/dev", "type": kind, "devmajor": 1,
                     "devminor": 3}, None)])
    refused(bad, work, ["device or special"])


def test_too_many_entries(tmp_path, work):
    bad = tmp_path / "many.tar"
    tar_with(bad, [({"name": "p/f%d" % i}, b"") for i in range(4097)])
    refused(bad, work, ["more than 4096 entries"])


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_bomb_past_the_total_bound(tmp_path, work, mode):
    """A header declaring 9 GiB (GNU base-256 size) over a few KiB: the
    bound (8 GiB) refuses it before writing; with files limited to 1 MiB a
    write past that would turn the error into an I/O one."""
    ti = tarfile.TarInfo("p/bomb.bin")
    ti.size = 9 << 30
    raw = ti.tobuf(format=tarfile.GNU_FORMAT) + b"\0" * 8192
    bad = tmp_path / ("bomb.tar" + (".gz" if mode == "w:gz" else ""))
    if mode == "w:gz":
        import gzip
        raw = gzip.compress(raw)
    bad.write_bytes(raw)
    res = refused(bad, work, ["expands past 8589934592 bytes"], limit=True)
    assert "compression bomb" in res.get("hint", "") or True


def test_damaged_archive(tmp_path, work):
    z = make("zip", tmp_path)
    data = bytearray(z.read_bytes())
    del data[len(data) // 2:]
    bad = tmp_path / "cut.zip"
    bad.write_bytes(bytes(data))
    refused(bad, work, ["archive", "zip"])


def test_failure_after_extraction_removes_tmpdir(tmp_path, work):
    """An archive that extracts fine but is no package."""
    bad = tmp_path / "nopkg.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("p/readme.txt", b"not a firmware package")
    code, res, err = inspect(bad, work)
    assert code != 0
    assert os.listdir(work) == []


def test_tar_of_dot(tmp_path, work):
    """`tar -C DIR -cf x.tar .` (a top entry "./", then "./file") is a package."""
    p = package(tmp_path)
    out = tmp_path / (REV + ".tar")
    subprocess.run(["tar", "-C", p, "-cf", str(out), "."], check=True)
    with tarfile.open(out) as t:
        assert t.getnames()[0] == "."
    code, res, err = inspect(out, work)
    assert code == 0, err
    assert res["package"]["revision"] == REV
    assert res["md5"]["ok"] > 0 and res["absent"] == 0
