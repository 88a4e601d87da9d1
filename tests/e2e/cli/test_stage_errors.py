# SPDX-License-Identifier: BSD-3-Clause
"""Errors tell the truth (issue 20): they name the stage that failed, quote
only the device's lines of the command that failed, and give a hint about
that command (a NAK in the backup is not a package problem)."""
import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def flash(tmp_path, fault, json_out=False):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=[fault])
    try:
        return run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                   xdg=tmp_path / "xdg", json_out=json_out)
    finally:
        s.stop()


def error_line(p):
    return [l for l in p.stderr.splitlines()
            if l.startswith("modemflash: flash:")][0]


def test_drop_in_configure_is_named_configure(tmp_path):
    p = flash(tmp_path, "drop:configure:10", json_out=True)
    res, _ = result(p)
    assert p.returncode != 0
    assert "lost the link to the module during configure" in p.stderr
    assert "during sahara" not in p.stderr
    assert res["stage"] == "configure", res


def test_nak_in_the_backup_names_the_backup_and_not_the_package(tmp_path):
    p = flash(tmp_path, "nak:read")
    assert p.returncode == 1, p.stderr
    err = error_line(p)
    assert err.startswith("modemflash: flash: the backup failed (nothing "
                          "written): Firehose: the device refused <read>"), err
    # the read's own lines, none of the commands before it
    assert "ERROR: read failed" in err
    assert "getstorageinfo" not in err and "configure" not in err, err
    hint = [l for l in p.stderr.splitlines() if l.startswith("hint:")][0]
    assert "package" not in hint and "refused to read" in hint, hint
    assert "restore" not in p.stderr
