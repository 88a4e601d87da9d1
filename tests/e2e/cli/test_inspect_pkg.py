# SPDX-License-Identifier: BSD-3-Clause
"""modemflash inspect on packages built from the real EG25-G fixture files:
the plan of docs/field-data.md, packages, the verdict rules, and hostile
packages refused with exit 7 and nothing written outside the temp dir."""
import json
import os
import subprocess
import sys

SRC = os.environ.get("MF_SOURCE_DIR", ".")
sys.path.insert(0, os.path.join(SRC, "tests", "data", "pkg"))
import pkgmaker  # noqa: E402

BUILD = os.environ.get("MF_BUILD_DIR", "build")
MF = os.path.join(BUILD, "src", "cli", "modemflash")
REV = "EG25GGBR07A08M2G_30.006.30.006"
PLAN = [("SBL", 0, 640), ("MIBIB", 640, 640), ("TZ", 13184, 768),
        ("RPM", 13952, 576), ("aboot", 15552, 768), ("boot", 16320, 3968),
        ("recovery", 20288, 3968), ("modem", 24256, 27392),
        ("recoveryfs", 51968, 10368), ("usr_data", 62336, 30720),
        ("system", 93312, 37760)]


def inspect(*args, tmp=None):
    env = dict(os.environ)
    if tmp:
        env["TMPDIR"] = str(tmp)
    r = subprocess.run([MF, "--json", "inspect", *map(str, args)],
                       capture_output=True, text=True, timeout=60, env=env)
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    return r.returncode, (lines[-1] if lines else {}), r.stderr


def pkg(tmp_path, name=REV, **kw):
    return pkgmaker.build(str(tmp_path / name), **kw)


def test_plan_of_the_real_eg25g_package(tmp_path):
    code, res, err = inspect(pkg(tmp_path))
    assert code == 0, err
    assert res["package"]["baseline"] == "EG25GGBR07A08M2G"
    assert res["geometry"] == "p2K_b128K"
    assert res["programmer"]["chip"] == "MDM9x07"
    assert res["programmer"]["signed"] is False
    assert res["mibib_entries"] == 17
    progs = [p for p in res["plan"] if p["op"] == "program"]
    seen = {(p["partition"], int(p["start"]), p["sectors"]) for p in res["plan"]}
    for row in PLAN:
        assert row in seen
    assert all(p["fits"] for p in progs)
    end = max(int(p["start"]) + p["sectors"] for p in res["plan"])
    assert end == 131072
    md5 = {e["name"]: e["result"] for e in res["md5"]["entries"]}
    assert md5["\\upgrade\\targetfiles.zip"] == "not shipped"
    assert md5["\\update\\firehose\\rawprogram_nand_p2K_b128K_update.xml"] == "ok"
    assert md5["\\update\\NPRG9x07.mbn"] == "absent"


def test_ocpu_package_is_quecopen(tmp_path):
    code, res, err = inspect(pkg(tmp_path, "EG25GGBR07A07M2G_OCPU_01.001.01.001",
                                 fixture=pkgmaker.OCPU))
    assert code == 0, err
    assert res["package"]["variant"] == "QuecOpen"
    assert ("data", 83200, 11008) in {(p["partition"], int(p["start"]), p["sectors"])
                                      for p in res["plan"]}


def test_up_to_date(tmp_path):
    code, res, _ = inspect(pkg(tmp_path), "--for", REV)
    assert code == 0
    assert res["verdict"]["verdict"] == "up to date"


def rules_of(res):
    return {f["rule"]: f for f in res["verdict"]["findings"]}


def test_refusals(tmp_path):
    p = pkg(tmp_path)
    cases = [
        (["--for", "EG25GGBR07A08M2G_30.007.30.007"], "downgrade", "--allow-downgrade"),
        (["--for", "EG25GGBR06A08M2G_30.006.30.006"], "baseline", "--allow-cross-baseline"),
        (["--for", "EG25GGBR07A08M2G_OCPU_30.006.30.006"], "variant", "--allow-variant-change"),
        (["--for", "BG95M6LAR02A02_01.200.01.200"], "model", None),
        (["--msm", "0x000E50E1"], "chip", None),
        (["--geometry", "p4K_b256K"], "geometry", None),
    ]
    for args, rule, flag in cases:
        code, res, err = inspect(p, *args)
        assert code == 3, (args, err)
        f = rules_of(res)[rule]
        assert f["override"] == flag
        assert f["package"] and f["module"]
        if flag:
            code, res, _ = inspect(p, *args, flag)
            assert code == 0, args


def test_pk_hash_mismatch(tmp_path):
    root = pkgmaker.testroot()
    p = pkg(tmp_path, prog=pkgmaker.programmer(root))
    code, res, _ = inspect(p, "--pk-hash", "d40eee56f3194665574109a39267724ae7944134cd53cb767e293d3c40497955bc8a4519ff992b031fadc6355015ac87")
    assert code == 3
    f = rules_of(res)["pk-hash"]
    assert f["override"] is None
    assert f["package"].startswith("a739ef79ba1878ba")
    code, res, _ = inspect(p, "--pk-hash", "a739ef79ba1878bad8339d115d2b7f60096c738dcc3201400d4d5c41ec9ee6704b3c09f8bc374e26529a3cfcebfada99")
    assert code == 0
    assert res["programmer"]["signed"] is True


def test_factory_xml_needs_flag_and_writes_calibration(tmp_path):
    p = pkg(tmp_path)
    fh = os.path.join(p, "update", "firehose")
    os.rename(os.path.join(fh, "rawprogram_nand_p2K_b128K_update.xml"),
              os.path.join(fh, "rawprogram_nand_p2K_b128K_factory.xml"))
    with open(os.path.join(fh, "rawprogram_nand_p2K_b128K_factory.xml")) as f:
        xml = f.read().replace("</data>", '  <erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="1088" physical_partition_number="0" start_sector="1280"/>\n</data>')
    with open(os.path.join(fh, "rawprogram_nand_p2K_b128K_factory.xml"), "w") as f:
        f.write(xml)
    code, res, err = inspect(p, "--no-md5")
    assert code == 3 and "--factory" in err
    code, res, _ = inspect(p, "--no-md5", "--factory", "--for", REV)
    assert code == 3
    assert rules_of(res)["calibration"]["override"] == "--allow-calibration-write"
    code, res, _ = inspect(p, "--no-md5", "--factory", "--for", REV,
                           "--allow-calibration-write")
    assert code == 0


def edit_xml(p, old, new):
    x = os.path.join(p, "update", "firehose", "rawprogram_nand_p2K_b128K_update.xml")
    with open(x) as f:
        s = f.read()
    assert old in s
    with open(x, "w") as f:
        f.write(s.replace(old, new))


def hostile(tmp_path, p, *args):
    before = set(os.listdir(tmp_path))
    code, res, err = inspect(p, "--no-md5", *args, tmp=tmp_path)
    assert code == 7, err
    assert res["ok"] is False and res["error"]
    assert set(os.listdir(tmp_path)) == before
    return res["error"]


def test_path_traversal(tmp_path):
    p = pkg(tmp_path)
    edit_xml(p, "..\\tz.mbn", "..\\..\\..\\..\\..\\etc\\passwd")
    assert "leaves the package" in hostile(tmp_path, p)


def test_absolute_path(tmp_path):
    p = pkg(tmp_path)
    edit_xml(p, "..\\tz.mbn", "/etc/passwd")
    assert "leaves the package" in hostile(tmp_path, p)


def test_symlink_out(tmp_path):
    p = pkg(tmp_path)
    os.remove(os.path.join(p, "update", "tz.mbn"))
    os.symlink("/etc/passwd", os.path.join(p, "update", "tz.mbn"))
    assert "leaves the package" in hostile(tmp_path, p)


def test_entity_bomb(tmp_path):
    p = pkg(tmp_path)
    x = os.path.join(p, "update", "firehose", "rawprogram_nand_p2K_b128K_update.xml")
    with open(x, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE data [<!ENTITY a "aaaaaaaaaa">'
                + "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10)
                          for i in range(9))
                + ']>\n<data><program filename="&j;"/></data>\n')
    assert "DTD" in hostile(tmp_path, p)


def test_billion_program_lines(tmp_path):
    p = pkg(tmp_path)
    x = os.path.join(p, "update", "firehose", "rawprogram_nand_p2K_b128K_update.xml")
    line = '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="64" physical_partition_number="0" start_sector="0"/>\n'
    with open(x, "w") as f:
        f.write("<data>\n" + line * 5000 + "</data>\n")
    assert "too many lines" in hostile(tmp_path, p)
    with open(x, "w") as f:
        f.write("<data>\n")
        for _ in range(40):
            f.write(line * 1000)
    assert "larger than" in hostile(tmp_path, p)


def test_image_larger_than_partition(tmp_path):
    p = pkg(tmp_path, sizes={"rpm.mbn": 576 * 2048 + 1})
    assert "larger than its partition" in hostile(tmp_path, p)


def test_lying_md5(tmp_path):
    p = pkg(tmp_path)
    with open(os.path.join(p, "update", "tz.mbn"), "ab") as f:
        f.write(b"x")
    before = set(os.listdir(tmp_path))
    code, res, err = inspect(p)
    assert code == 7
    assert "md5 of \\update\\tz.mbn" in res["error"]
    assert set(os.listdir(tmp_path)) == before


def test_zip_package_and_zip_slip(tmp_path):
    import zipfile
    p = pkg(tmp_path)
    z = tmp_path / (REV + ".zip")
    with zipfile.ZipFile(z, "w") as zf:
        for dirpath, _, files in os.walk(p):
            for f in files:
                full = os.path.join(dirpath, f)
                zf.write(full, os.path.join(REV, os.path.relpath(full, p)))
    work = tmp_path / "work"
    work.mkdir()
    code, res, err = inspect(z, tmp=work)
    assert code == 0, err
    assert res["package"]["revision"] == REV
    assert os.listdir(work) == []
    bad = tmp_path / "slip.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../../x", b"evil")
    code, res, err = inspect(bad, tmp=work)
    assert code == 7 and ".." in res["error"]
    assert os.listdir(work) == []
    assert not (tmp_path.parent / "x").exists()


def test_d_without_module_is_no_device(tmp_path):
    root = tmp_path / "emptyroot"
    (root / "sys" / "bus" / "usb" / "devices").mkdir(parents=True)
    r = subprocess.run([MF, "--sysroot", str(root), "-d", "1-1", "inspect", pkg(tmp_path)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 4, r.stderr