# SPDX-License-Identifier: BSD-3-Clause
"""EG21-G, the module added as one USB row and one model row of the
device table: discovery (list), identity and preflight (inspect --for),
and against its simulator profile: info and the whole update."""
import os

import pytest

from conftest import add_device, json_lines
from flash_sim import Sim, built, mkpkg, result, run
from test_inspect_pkg import inspect, pkg, rules_of

LTE_IFACES = [(0, "ff/ff/ff", "option", "ttyUSB0"),
              (1, "ff/00/00", "option", "ttyUSB1"),
              (2, "ff/00/00", "option", "ttyUSB2"),
              (3, "ff/00/00", "option", "ttyUSB3"),
              (4, "ff/ff/ff", "qmi_wwan", None)]
BASE = "EG21GGBR07A08M2G"


def test_list_finds_eg21g(mf, tmp_path):
    add_device(tmp_path, "1-1.4", 0x2c7c, 0x0121, LTE_IFACES,
               product="EG21-G", manufacturer="Quectel")
    r = mf("list", sysroot=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1-1.4    2c7c:0121  normal  EC21 / EG21-G" in r.stdout
    (m,) = json_lines(mf("--json", "list", sysroot=tmp_path).stdout)[-1]["modules"]
    assert m["chip"] == "MDM9x07"
    assert m["by_role"] == {"DIAG": f"{tmp_path}/dev/ttyUSB0",
                            "NMEA": f"{tmp_path}/dev/ttyUSB1",
                            "AT": f"{tmp_path}/dev/ttyUSB2",
                            "MODEM": f"{tmp_path}/dev/ttyUSB3"}


def test_inspect_for_eg21g_revision(tmp_path):
    p = pkg(tmp_path, name=f"{BASE}_30.006.30.006")
    code, res, err = inspect(p)
    assert code == 0, err
    # the EG21G prefix of the row: without it the model would read "EG21"
    assert res["package"]["model"] == "EG21G"
    assert res["package"]["baseline"] == BASE
    assert [w for w in res["warnings"] if "programmer" in w] == []
    code, res, _ = inspect(p, "--for", f"{BASE}_30.005.30.005")
    assert code == 0 and res["verdict"]["verdict"] == "ok"
    code, res, _ = inspect(p, "--for", f"{BASE}_30.006.30.006")
    assert res["verdict"]["verdict"] == "up to date"
    code, res, _ = inspect(p, "--for", f"{BASE}_30.007.30.007")
    assert code == 3 and "downgrade" in rules_of(res)
    code, res, _ = inspect(p, "--for", "EG25GGBR07A08M2G_30.005.30.005")
    assert code == 3 and "model" in rules_of(res)


def test_info_on_the_simulated_eg21g(mf, sim):
    s = sim(profile="eg21-g")
    r = mf("--json", "info", sysroot=s.root)
    assert r.returncode == 0, r.stderr
    info = json_lines(r.stdout)[-1]
    assert info["model"] == "EG21-G"
    assert info["revision"].startswith(BASE)
    (m,) = json_lines(mf("--json", "list", sysroot=s.root).stdout)[-1]["modules"]
    assert m["id"] == "2c7c:0121" and m["chip"] == "MDM9x07"


@pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")
def test_update_of_the_simulated_eg21g(tmp_path):
    old, new = f"{BASE}_01.001.01.001", f"{BASE}_01.002.01.002"
    p = mkpkg(tmp_path, "eg21-g", new)
    s = Sim(tmp_path / "root", tmp_path / "state", "eg21-g", old)
    try:
        r = run(tmp_path / "root", "flash", p, "--boot-timeout", "90",
                xdg=tmp_path / "xdg", json_out=True)
        assert r.returncode == 0, r.stderr
        res, _ = result(r)
        assert res["before"] == old and res["after"] == new
        assert res["came_back"] and res["findings"] == []
        assert s.wait_mode("normal")["revision"] == new
    finally:
        s.stop()
