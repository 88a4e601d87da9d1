# SPDX-License-Identifier: BSD-3-Clause
"""modemflash fota: the command line and failures that need no module."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from fota_sim import fota  # noqa: E402


def test_fota_no_such_port(tmp_path):
    delta = tmp_path / "d.bin"
    delta.write_bytes(b"x" * 100)
    r = fota("fota", str(delta), "--port", str(tmp_path / "ttyNOPE"))
    assert r.returncode == 4
    assert "ttyNOPE" in r.stderr


def test_fota_usage_errors(tmp_path):
    assert fota("fota", "--port", "/dev/null").returncode == 2
    assert fota("fota", "x.bin").returncode == 2
    assert fota("fota", "x.bin", "--url", "http://h/x", "--port", "/dev/null").returncode == 2
    assert fota("fota", "x.bin", "--port", "/dev/null", "--timeout", "abc").returncode == 2


def test_fota_unknown_file_is_checked_before_the_port(tmp_path):
    r = fota("fota", str(tmp_path / "missing.bin"), "--port", "/dev/null")
    assert r.returncode == 7   # a missing delta is a bad package, as for flash
    assert "missing.bin" in r.stderr


def test_fota_damaged_header_is_bad_package(tmp_path):
    delta = tmp_path / "d.bin"
    delta.write_bytes(b"MFDELTA1" + bytes(40))
    r = fota("fota", str(delta), "--port", "/dev/null")
    assert r.returncode == 7
    assert "damaged header" in r.stderr


def test_fota_help(tmp_path):
    r = fota("fota", "--help")
    assert r.returncode == 0
    # help is the answer: on stdout, from the command table
    assert "--port PATH" in r.stdout and "--url URL" in r.stdout
