# SPDX-License-Identifier: BSD-3-Clause
"""doctor --port on something that is not a serial port (a regular file,
a directory, /dev/null) is a blocking finding that says what it is, even
with a healthy module on USB (issue 13: it said "no blocking finding")."""
import os

import pytest

from conftest import json_lines


def findings(r):
    res = json_lines(r.stdout)[-1]
    return {f["id"]: f for f in res["findings"]}, res


@pytest.mark.parametrize("kind", ["file", "directory", "devnull"])
def test_not_a_serial_port_blocks(mf, sim, tmp_path, kind):
    s = sim(profile="ec25")
    if kind == "file":
        port = tmp_path / "notes.txt"
        port.write_text("AT\r\n")
        what = "it is a regular file"
    elif kind == "directory":
        port = tmp_path / "adir"
        port.mkdir()
        what = "it is a directory"
    else:
        port = "/dev/null"
        what = "a character device without a serial line"
    r = mf("--json", "doctor", "--port", port, sysroot=s.root)
    assert r.returncode == 1, r.stderr
    f, res = findings(r)
    assert res["updatable"] is False
    assert f["not-a-port"]["severity"] == "error"
    assert f"{port} is not a serial port" in f["not-a-port"]["message"]
    assert what in f["not-a-port"]["message"]
    assert "--port /dev/tty" in f["not-a-port"]["fix"]
    # the module itself is fine: only the port is blocking
    assert [k for k, v in f.items() if v["severity"] == "error"] == ["not-a-port"]


def test_a_real_port_is_not_flagged(mf, sim):
    s = sim(profile="ec25")
    r = mf("--json", "doctor", "--port", s.dev("ttyUSB2"), sysroot=s.root)
    f, _ = findings(r)
    assert "not-a-port" not in f and "no-port" not in f, f
    assert r.returncode == 0, f
