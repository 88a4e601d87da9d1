# SPDX-License-Identifier: BSD-3-Clause
"""modemflash inspect on packages written by tools/mkpkg, one per profile,
and field report 2: a QuecOpen package refused for a standard BG95-M6."""
import os

import pytest

from test_inspect_pkg import BUILD, inspect, rules_of

MKPKG = os.path.join(BUILD, "tools", "mkpkg")
SHA384_ROOT = "a739ef79ba1878bad8339d115d2b7f60096c738dcc3201400d4d5c41ec9ee6704b3c09f8bc374e26529a3cfcebfada99"
SHA256_ROOT = "69ec0e0f0f32fe8fadaea54100243a0615a1b42338bbe47f096f3abe07633216"
PROFILES = [
    # profile, revision, model, chip, geometry, root hash or None (unsigned)
    ("bg95-m3", "BG95M3LAR02A03_01.014.01.014", "BG95M3", "MDM9205", "p2K_b128K", SHA384_ROOT),
    ("bg95-m6", "BG95M6LAR02A02_01.204.01.204", "BG95M6", "MDM9205", "p2K_b128K", SHA384_ROOT),
    ("bg96", "BG96MAR02A07M1G_01.017.01.017", "BG96", None, None, None),
    ("ec25", "EC25EFAR06A01M4G_01.002.01.002", "EC25", "MDM9x07", None, None),
    ("eg25-g", "EG25GGBR07A08M2G_30.007.30.007", "EG25G", "MDM9x07", "p2K_b128K", None),
    ("rm500q", "RM500QGLAAR01A01M4G_01.002.01.002", "RM500Q", "SDX55", "p4K_b256K", SHA256_ROOT),
]

pytestmark = pytest.mark.skipif(not os.path.exists(MKPKG), reason="tools/mkpkg not built")


def mkpkg(tmp_path, profile, rev, *extra):
    import subprocess
    out = tmp_path / rev
    r = subprocess.run([MKPKG, "--profile", profile, "--revision", rev,
                        "--size", "65536", *extra, "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.parametrize("profile,rev,model,chip,geo,root", PROFILES)
def test_mkpkg_profile(tmp_path, profile, rev, model, chip, geo, root):
    p = mkpkg(tmp_path, profile, rev)
    code, res, err = inspect(p)
    assert code == 0, err
    assert res["package"]["revision"] == rev
    assert res["package"]["model"] == model
    if chip:
        assert res["programmer"]["chip"] == chip
    if geo:
        assert res["geometry"] == geo
    assert all(x["fits"] for x in res["plan"] if x["op"] == "program")
    older = rev.split("_")[0] + "_01.001.01.001"
    code, res, _ = inspect(p, "--for", older)
    assert code == 0 and res["verdict"]["verdict"] == "ok"
    code, res, _ = inspect(p, "--for", rev)
    assert res["verdict"]["verdict"] == "up to date"
    if root:
        assert res["programmer"]["signed"] is True
        code, res, _ = inspect(p, "--pk-hash", root)
        assert code == 0
        wrong = "00" * (len(root) // 2)
        code, res, _ = inspect(p, "--pk-hash", wrong)
        assert code == 3 and "pk-hash" in rules_of(res)


def test_field_report_2_quecopen_on_standard_bg95m6(tmp_path):
    p = mkpkg(tmp_path, "bg95-m6", "BG95M6LAR02A02_01.204.01.204", "--variant", "quecopen")
    code, res, _ = inspect(p, "--for", "BG95M6LAR02A02_01.200.01.200")
    assert code == 3
    assert res["package"]["variant"] == "QuecOpen"
    f = rules_of(res)["variant"]
    assert f["override"] == "--allow-variant-change"
    assert (f["package"], f["module"]) == ("QuecOpen", "standard")


def test_m3_package_on_m6(tmp_path):
    p = mkpkg(tmp_path, "bg95-m3", "BG95M3LAR02A03_01.014.01.014")
    code, res, _ = inspect(p, "--for", "BG95M6LAR02A02_01.200.01.200")
    assert code == 3
    assert rules_of(res)["model"]["override"] is None
