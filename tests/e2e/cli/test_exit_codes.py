# SPDX-License-Identifier: BSD-3-Clause
"""The same cause gives the same exit code in every command (DESIGN.md,
docs/json.md): a missing package or delta is 7, a missing argument file 2,
no module or a path that is no port 4, a bad option 2 with the option named;
under --json each ends with one result carrying the code's name (the schema
check in jsoncheck.py runs on every one)."""
import pytest

from conftest import json_lines

CODES = {1: "failed", 2: "usage", 3: "refused", 4: "no-device",
         5: "timeout", 6: "mismatch", 7: "bad-package"}


def check(mf, args, code, sysroot=None, says=None):
    r = mf("--json", *args, sysroot=sysroot)
    assert r.returncode == code, (args, r.stdout, r.stderr)
    res = json_lines(r.stdout)[-1]
    assert res["exit"] == code and res["ok"] is False
    assert res["code"] == CODES[code], res
    if says:
        assert says in res["error"], res
        assert says in r.stderr, r.stderr
    return res


@pytest.fixture
def empty_root(tmp_path):
    root = tmp_path / "root"
    (root / "sys" / "bus" / "usb" / "devices").mkdir(parents=True)
    (root / "dev").mkdir()
    return root


def test_missing_package_is_7_everywhere(mf, tmp_path, empty_root):
    gone = str(tmp_path / "gone")
    check(mf, ["inspect", gone], 7, says="gone")
    check(mf, ["fota", gone, "--port", "/dev/null"], 7, says="gone")


def test_not_a_port_is_4_everywhere(mf, tmp_path, empty_root):
    f = tmp_path / "plain-file"
    f.write_text("not a tty")
    delta = tmp_path / "d.bin"
    delta.write_bytes(b"x" * 100)
    check(mf, ["usb-enable", "--port", f], 4, sysroot=empty_root,
          says="is not a serial port")
    check(mf, ["fota", delta, "--port", f], 4, sysroot=empty_root,
          says="is not a serial port")
    check(mf, ["usb-enable", "--port", tmp_path / "nope"], 4,
          sysroot=empty_root)
    check(mf, ["fota", delta, "--port", tmp_path / "nope"], 4,
          sysroot=empty_root)


def test_doctor_names_a_path_that_is_no_port(mf, tmp_path, empty_root):
    f = tmp_path / "plain-file"
    f.write_text("not a tty")
    r = mf("--json", "doctor", "--port", f, sysroot=empty_root)
    assert r.returncode == 1, r.stderr
    ids = {x["id"]: x for x in json_lines(r.stdout)[-1]["findings"]}
    assert "is not a serial port" in ids["not-a-port"]["message"]
    assert "--port" in ids["not-a-port"]["fix"]


@pytest.mark.parametrize("cmd", [["info"], ["flash", "P"], ["backup"],
                                 ["restore", "D"], ["reset"]])
def test_no_module_is_4(mf, empty_root, cmd):
    check(mf, cmd, 4, sysroot=empty_root)


def test_list_of_nothing_is_an_answer(mf, empty_root):
    r = mf("--json", "list", sysroot=empty_root)
    assert r.returncode == 0
    assert json_lines(r.stdout)[-1]["modules"] == []


@pytest.mark.parametrize("cmd", [["info"], ["flash", "P"], ["backup"],
                                 ["reset"]])
def test_no_module_matches_is_4(mf, empty_root, cmd):
    check(mf, ["-d", "9-9", *cmd], 4, sysroot=empty_root,
          says="no module matches -d 9-9")


@pytest.mark.parametrize("cmd", [["list"], ["info"], ["doctor"],
                                 ["usb-enable", "--port", "/dev/null"],
                                 ["inspect", "P"], ["flash", "P"], ["backup"],
                                 ["restore", "D"], ["reset"],
                                 ["fota", "F", "--port", "/dev/null"]])
def test_bad_option_is_2_and_named(mf, empty_root, cmd):
    res = check(mf, [*cmd, "--frobnicate"], 2, sysroot=empty_root)
    assert "'--frobnicate'" in res["error"] or "takes no arguments" in res["error"]
    assert res["hint"] == f"Try 'modemflash {cmd[0]} --help'."


def test_global_usage_errors_answer_in_json(mf, tmp_path):
    res = check(mf, ["frobnicate"], 2, says="unknown command 'frobnicate'")
    assert res["command"] == ""
    check(mf, ["--frobnicate", "list"], 2, says="'--frobnicate'")
    check(mf, ["--sysroot", tmp_path / "nowhere", "list"], 2,
          says="is not a directory")
    check(mf, ["help", "frobnicate"], 2, says="no command 'frobnicate'")
    check(mf, ["flash", "--verify"], 2, says="'--verify'")
