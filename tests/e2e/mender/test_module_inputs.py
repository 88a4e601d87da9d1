# SPDX-License-Identifier: BSD-3-Clause
"""The update module and modemflash-artifact on bad input, called the way
mender calls the module (STATE FILE_TREE), without mender: each mistake
gets its own message and exit code, and nothing is written."""
import os
import shutil
import subprocess

import pytest

from conftest import ARTIFACT_TOOL, MF, MODULE_SRC
from flash_sim import MKPKG, Sim, built

pytestmark = pytest.mark.skipif(
    not shutil.which("jq") or not os.access(MF, os.X_OK),
    reason="jq is not installed (make deps) or modemflash is not built")


@pytest.fixture
def module(tmp_path):
    tree = tmp_path / "tree"
    (tree / "files").mkdir(parents=True)
    (tree / "header").mkdir()
    (tree / "header" / "artifact_name").write_text("test-artifact")
    defaults = tmp_path / "defaults"
    settings = {
        "MODEMFLASH": os.path.abspath(MF),
        "MODEMFLASH_ARGS": f"--sysroot {tmp_path / 'empty-root'}",
        "MODEMFLASH_BACKUP_DIR": str(tmp_path / "backups"),
        "MODEMFLASH_STATE_DIR": str(tmp_path / "state"),
        "MODEMFLASH_ROLLBACK_WAIT": "0",
    }
    (tmp_path / "empty-root").mkdir()

    def call(state, **override):
        s = dict(settings, **override)
        defaults.write_text("".join(f'{k}="{v}"\n' for k, v in s.items()))
        env = dict(os.environ, MODEMFLASH_DEFAULTS=str(defaults))
        return subprocess.run([MODULE_SRC, state, str(tree)], capture_output=True,
                              text=True, timeout=60, env=env)
    call.tree = tree
    call.tmp = tmp_path
    return call


def test_queries_and_idle_states(module):
    assert module("SupportsRollback").stdout == "Yes\n"
    assert module("NeedsArtifactReboot").stdout == "No\n"
    for state in ("Download", "ArtifactVerifyReboot", "Sync", "SomeFutureState",
                  "ArtifactCommit", "Cleanup", "ArtifactFailure"):
        p = module(state)
        assert (p.returncode, p.stdout, p.stderr) == (0, "", ""), state


def test_rollback_without_an_install_does_nothing(module):
    p = module("ArtifactRollback")
    assert p.returncode == 0 and "nothing to roll back" in p.stdout
    assert p.stderr == ""


@pytest.mark.parametrize("names", [[], ["a.zip", "b.zip"]])
def test_payload_must_be_one_package(module, names):
    for n in names:
        (module.tree / "files" / n).write_text("x")
    p = module("ArtifactInstall")
    assert p.returncode == 1
    assert "exactly one firmware package" in p.stderr
    assert f"it carries {len(names)} files" in p.stderr
    assert module("ArtifactRollback").returncode == 0


@pytest.mark.parametrize("setting,value,words", [
    ("MODEMFLASH_BACKUP_KEEP", "0", "MODEMFLASH_BACKUP_KEEP must be a whole number"),
    ("MODEMFLASH_BACKUP_KEEP", "three", "MODEMFLASH_BACKUP_KEEP must be a whole number"),
    ("MODEMFLASH_ROLLBACK_WAIT", "1m", "MODEMFLASH_ROLLBACK_WAIT must be a whole number"),
    ("MODEMFLASH_BACKUP_DIR", "backups", "MODEMFLASH_BACKUP_DIR must be an absolute path"),
    ("MODEMFLASH", "/nonexistent/modemflash", "modemflash not found"),
])
def test_bad_setting_named(module, setting, value, words):
    (module.tree / "files" / "pkg.zip").write_text("x")
    p = module("ArtifactInstall", **{setting: value})
    assert p.returncode == 1, p.stderr
    assert words in p.stderr and p.stdout == ""
    assert not os.path.exists(module.tmp / "backups")


@pytest.mark.skipif(not built(), reason="mkpkg not built")
def test_no_module_exit_4_nothing_written(module, tmp_path):
    pkg = tmp_path / "pkg"
    subprocess.run([MKPKG, "--profile", "bg95-m3", "--revision",
                    "BG95M3LAR02A03_01.014.01.014", "--size", "65536",
                    "-o", str(pkg)], check=True, capture_output=True)
    subprocess.run(["tar", "-C", str(tmp_path), "-cf",
                    str(module.tree / "files" / "pkg.tar"), "pkg"], check=True)
    p = module("ArtifactInstall")
    assert p.returncode == 4, p.stderr
    assert "no module found" in p.stderr and "nothing was written" in p.stderr
    p = module("ArtifactRollback")
    assert p.returncode == 0 and "nothing to roll back" in p.stdout


@pytest.mark.skipif(not built(), reason="modemflash-sim or mkpkg not built")
def test_bad_package_exit_7(module):
    sim = Sim(module.tmp / "root", module.tmp / "sim-state", "bg95-m3",
              "BG95M3LAR02A03_01.009.01.009")
    try:
        (module.tree / "files" / "pkg.zip").write_bytes(b"this is not a zip")
        p = module("ArtifactInstall", MODEMFLASH_ARGS=f"--sysroot {sim.root}")
        assert p.returncode == 7, p.stderr
        assert "bad package" in p.stderr and "nothing was written" in p.stderr
        assert sim.state_json()["mode"] == "normal"
    finally:
        sim.stop()


def artifact_tool(*args):
    env = dict(os.environ, MODEMFLASH=os.path.abspath(MF))
    return subprocess.run([ARTIFACT_TOOL, *map(str, args)], capture_output=True,
                          text=True, timeout=60, env=env)


@pytest.mark.parametrize("args,words", [
    (["-t", "gw", "-o", "x.mender"], "which package?"),
    (["pkg.zip", "-o", "x.mender"], "which device type?"),
    (["pkg.zip", "-t", "gw"], "where to?"),
    (["pkg.zip", "-t", "gw", "-o"], "-o needs a value"),
    (["pkg.zip", "-t", "gw", "-o", "x", "--frob"], "unknown option '--frob'"),
])
def test_artifact_tool_usage(args, words):
    p = artifact_tool(*args)
    assert p.returncode == 2, p.stderr
    assert words in p.stderr


@pytest.mark.skipif(not shutil.which("mender-artifact"), reason="mender-artifact is not installed")
def test_artifact_tool_bad_packages(tmp_path):
    p = artifact_tool(tmp_path / "absent.zip", "-t", "gw", "-o", tmp_path / "x.mender")
    assert p.returncode == 7 and "no such package" in p.stderr
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    p = artifact_tool(bad, "-t", "gw", "-o", tmp_path / "x.mender")
    assert p.returncode == 7 and "modemflash cannot read" in p.stderr
    assert not (tmp_path / "x.mender").exists()
