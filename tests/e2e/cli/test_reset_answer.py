# SPDX-License-Identifier: BSD-3-Clause
"""The module decides the outcome: a garbled answer to the final
<power value="reset"/> is a warning when the module comes back running the
new revision (exit 0), and a failure naming it when it does not."""
import pytest

from flash_sim import Sim, built, mkpkg, result, run

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def test_corrupt_power_answer_with_new_revision_running_is_success(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["corrupt:power"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--boot-timeout", "30",
                xdg=tmp_path / "xdg", json_out=True)
        res, lines = result(p)
        assert p.returncode == 0, p.stdout[-3000:] + p.stderr
        assert res["ok"] and res["after"] == NEW
        warns = [l["message"] for l in lines if l.get("event") == "log"
                 and l.get("level") == "warning"]
        assert any("malformed answer to <power>" in w for w in warns), warns
        assert any("module runs " + NEW in w for w in warns), warns
        assert s.wait_mode("normal")["revision"] == NEW
    finally:
        s.stop()


def test_corrupt_power_answer_terminal_says_warning_not_restore(tmp_path):
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["corrupt:power"])
    try:
        p = run(tmp_path / "root", "flash", pkg, "--no-backup",
                "--boot-timeout", "30", xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "warning: Firehose: malformed answer to <power>" in p.stderr
        assert "restore" not in p.stderr and "hint:" not in p.stderr
        assert s.wait_mode("normal")["revision"] == NEW
    finally:
        s.stop()


def test_reset_command_garbled_answer_but_module_restarted(tmp_path):
    """reset in EDL: the answer to <power value="reset"/> is garbled, the
    module restarts anyway: a warning, exit 0."""
    s = Sim(tmp_path / "root", tmp_path / "state", "bg95-m3", OLD,
            faults=["corrupt:power"])
    try:
        s.control("boot-pin on")
        s.control("power-cycle")
        s.wait_mode("sahara")
        s.control("boot-pin off")
        pkg = mkpkg(tmp_path, "bg95-m3", OLD)
        p = run(tmp_path / "root", "reset", pkg, xdg=tmp_path / "xdg")
        assert p.returncode == 0, p.stderr
        assert "malformed answer to <power>, but the module restarted" \
            in p.stderr, p.stderr
        assert s.wait_mode("normal")["revision"] == OLD
    finally:
        s.stop()
