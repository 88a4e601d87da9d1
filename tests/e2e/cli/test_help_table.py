# SPDX-License-Identifier: BSD-3-Clause
"""The command table (src/cli/table.c): help for every command, global
options before or after the command, and every option a parser accepts or
a message names exists in the table (so help never lies and hints never
name an option that is not there)."""
import glob
import os
import re

import pytest

SRC = os.environ.get("MF_SOURCE_DIR", ".")
COMMANDS = ["list", "info", "doctor", "usb-enable", "inspect", "flash",
            "backup", "restore", "fota", "reset", "verify"]
# Options of other programs quoted in hints (mmcli, udevadm), not ours.
FOREIGN = ("mmcli", "udevadm", "<!")


def helped_options(mf):
    """Every --option the help of any command shows."""
    seen = set()
    for cmd in COMMANDS + [None]:
        r = mf("help", cmd) if cmd else mf("help")
        assert r.returncode == 0, r.stderr
        seen |= set(re.findall(r"--[a-z][a-z-]+", r.stdout))
    return seen


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_for_every_command(mf, cmd):
    a = mf("help", cmd)
    b = mf(cmd, "--help")
    c = mf(cmd, "-h")
    for r in (a, b, c):
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(f"Usage: modemflash {cmd}")
        assert "Global options" in r.stdout
        assert "Exit codes:" in r.stdout
    assert a.stdout == b.stdout == c.stdout


def test_help_lists_every_command(mf):
    r = mf("help")
    assert r.returncode == 0
    for cmd in COMMANDS:
        assert re.search(rf"^  {re.escape(cmd)} ", r.stdout, re.M), cmd
    assert mf("--help").stdout == r.stdout


def test_help_unknown_command_is_usage(mf):
    r = mf("help", "frobnicate")
    assert r.returncode == 2
    assert "no command 'frobnicate'" in r.stderr
    assert mf("frobnicate").returncode == 2


def test_flash_help_shows_defaults(mf):
    out = mf("flash", "--help").stdout
    assert re.search(r"--verify HOW .*\(default: auto\)", out)
    assert re.search(r"--boot-timeout SEC .*\(default: 90\)", out)


def test_global_options_after_the_command(mf, tmp_path):
    r = mf("list", "--json", "--sysroot", tmp_path)
    assert r.returncode == 0, r.stderr
    assert '"command":"list"' in r.stdout
    before = mf("--json", "--sysroot", tmp_path, "info", "-d", "1-1.4")
    after = mf("info", "-d", "1-1.4", "--json", "--sysroot", tmp_path)
    assert after.returncode == before.returncode == 4
    assert after.stdout == before.stdout
    assert "1-1.4" in after.stdout


def test_option_value_is_not_taken_for_a_global(mf, tmp_path):
    # -h after --verify is --verify's value (getopt's rule), not help
    r = mf("--sysroot", tmp_path, "backup", "--verify", "-h")
    assert r.returncode == 2
    assert "--verify takes" in r.stderr


def test_sysroot_must_exist(mf, tmp_path):
    r = mf("--sysroot", tmp_path / "absent", "list")
    assert r.returncode == 2
    assert "not a directory" in r.stderr


def test_every_parsed_option_is_in_the_table(mf):
    helped = helped_options(mf)
    parsed = set()
    for path in glob.glob(os.path.join(SRC, "src", "cli", "*.c")):
        text = open(path).read()
        parsed |= {"--" + m for m in re.findall(
            r'\{\s*"([a-z][a-z-]+)",\s*(?:no|required|optional)_argument',
            text)}
    assert parsed, "no getopt tables found: is MF_SOURCE_DIR right?"
    assert parsed - helped == set()


def test_every_option_a_message_names_exists(mf):
    helped = helped_options(mf)
    wrong = []
    for path in glob.glob(os.path.join(SRC, "src", "**", "*.[ch]"),
                          recursive=True):
        for n, line in enumerate(open(path), 1):
            for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
                for m in re.finditer(r"--[a-z][a-z-]+", lit):
                    if any(f in lit[:m.start()] for f in FOREIGN):
                        continue
                    if m.group(0) not in helped:
                        rel = os.path.relpath(path, SRC)
                        wrong.append(f"{rel}:{n}: {m.group(0)}")
    assert wrong == []
