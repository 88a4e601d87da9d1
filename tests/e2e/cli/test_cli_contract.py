# SPDX-License-Identifier: BSD-3-Clause
"""The command-line contract that does not need a module: help, version,
usage errors and their exit codes, --json result objects."""
import json
import os
import subprocess

BUILD = os.environ.get("MF_BUILD_DIR", "build")
MF = os.path.join(BUILD, "src", "cli", "modemflash")


def run(*args):
    return subprocess.run([MF, *args], capture_output=True, text=True, timeout=30)


def test_help_lists_every_command():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("list", "info", "doctor", "usb-enable", "inspect", "flash",
                "backup", "restore", "fota", "reset", "verify"):
        assert f"  {cmd} " in r.stdout


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("modemflash ")


def test_no_command_is_usage_error():
    assert run().returncode == 2


def test_unknown_command_is_usage_error():
    r = run("frobnicate")
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in r.stderr


def test_unknown_global_option_is_usage_error():
    assert run("--bogus", "list").returncode == 2


def test_log_file_unwritable_is_usage_error(tmp_path):
    r = run("--log", str(tmp_path / "no" / "such" / "dir" / "log"), "list")
    assert r.returncode == 2
