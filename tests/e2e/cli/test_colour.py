# SPDX-License-Identifier: BSD-3-Clause
"""Colour only on a terminal and never with NO_COLOR (https://no-color.org)
or TERM=dumb: the result line green, errors red, warnings yellow. Each
stream is judged on its own (stdout piped, stderr a terminal: only stderr
is coloured)."""
import os
import pty
import re
import select
import subprocess
import time

import pytest

from flash_sim import MF, Sim, built, mkpkg

pytestmark = pytest.mark.skipif(not built(), reason="modemflash, sim or mkpkg not built")

SGR = re.compile(r"\x1b\[(\d+)m")
OLD = "BG95M3LAR02A03_01.009.01.009"
NEW = "BG95M3LAR02A03_01.014.01.014"


def run_tty(args, env=None, out_tty=True, err_tty=True, timeout=120):
    """Run modemflash with stdout and/or stderr on pseudo-terminals (the
    others piped); returns (exit code, stdout, stderr)."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e["TERM"] = "xterm"
    e.update(env or {})
    fds, ours = {}, []
    for name, tty in (("out", out_tty), ("err", err_tty)):
        if tty:
            m, s = pty.openpty()
            fds[name] = (m, s)
            ours.append(m)
    p = subprocess.Popen(
        [MF, *[str(a) for a in args]],
        stdout=fds["out"][1] if out_tty else subprocess.PIPE,
        stderr=fds["err"][1] if err_tty else subprocess.PIPE,
        stdin=subprocess.DEVNULL, env=e)
    for m, s in fds.values():
        os.close(s)
    got = {"out": b"", "err": b""}
    readers = {fds[n][0]: n for n in fds}
    if not out_tty:
        readers[p.stdout.fileno()] = "out"
    if not err_tty:
        readers[p.stderr.fileno()] = "err"
    deadline = time.monotonic() + timeout
    while readers and time.monotonic() < deadline:
        r, _, _ = select.select(list(readers), [], [], 0.2)
        for fd in r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                chunk = b""
            if chunk:
                got[readers[fd]] += chunk
            else:
                del readers[fd]
    p.wait(timeout=10)
    for m in ours:
        os.close(m)
    return p.returncode, got["out"].decode(), got["err"].decode()


def colours(text):
    return {int(c) for c in SGR.findall(text)} - {0}


def test_error_is_red_on_a_terminal(tmp_path):
    rc, out, err = run_tty(["--sysroot", tmp_path, "info"])
    assert rc == 4, err
    line = [l for l in err.splitlines() if "modemflash: info:" in l]
    assert line and line[0].startswith("\x1b[31m"), repr(err)
    assert line[0].rstrip("\r").endswith("\x1b[0m")
    # a usage error too
    rc, out, err = run_tty(["frobnicate"])
    assert rc == 2 and 31 in colours(err), repr(err)


@pytest.mark.parametrize("env,out_tty,err_tty", [
    ({"NO_COLOR": "1"}, True, True),
    ({"NO_COLOR": "yes please"}, True, True),
    ({"TERM": "dumb"}, True, True),
    ({}, False, False),  # both piped
])
def test_no_colour(tmp_path, env, out_tty, err_tty):
    rc, out, err = run_tty(["--sysroot", tmp_path, "info"], env=env,
                           out_tty=out_tty, err_tty=err_tty)
    assert rc == 4
    assert "modemflash: info:" in err
    assert not SGR.search(out) and not SGR.search(err), repr(err)


def test_empty_no_colour_is_unset(tmp_path):
    rc, out, err = run_tty(["--sysroot", tmp_path, "info"],
                           env={"NO_COLOR": ""})
    assert rc == 4 and 31 in colours(err), repr(err)


def test_flash_result_green_warning_yellow(tmp_path):
    """On a terminal: the result green, the warning yellow; and (the same
    run) one bar per stage, none for the read-back's single reads."""
    root, xdg = tmp_path / "root", tmp_path / "xdg"
    pkg = mkpkg(tmp_path, "bg95-m3", NEW)
    # a programmer that refuses the digest: a warning, then read back
    s = Sim(root, tmp_path / "state", "bg95-m3", OLD,
            faults=["nak:getsha256digest"])
    try:
        rc, out, err = run_tty(["--sysroot", root, "flash", pkg,
                                "--no-backup"], env={"XDG_DATA_HOME": str(xdg)})
        assert rc == 0, err
        result = [l for l in out.splitlines() if "updated " in l]
        assert result and result[0].startswith("\x1b[32m1-1.4: updated"), repr(out)
        warn = [l for l in err.splitlines() if "warning:" in l]
        # after the bar's own "clear the line" (\r ESC[K, not a colour)
        warn = [re.sub(r"^\r*(\x1b\[K)?", "", l) for l in warn]
        assert warn and all(l.startswith("\x1b[33mwarning:") for l in warn), \
            repr(err)
        # one bar per stage: the read-back's own bars are held back
        assert re.search(r"\x1b\[Kverify\s+\[", err), repr(err)
        assert not re.search(r"\x1b\[Kread\s+\[", err), repr(err)
        # the table itself is not coloured
        rows = [l for l in out.splitlines() if l.startswith("  ")]
        assert rows and not any(SGR.search(l) for l in rows)
        # stdout piped, stderr a terminal: the result line plain
        s.control("power-cycle")
        s.wait_mode("normal")
        rc, out, err = run_tty(["--sysroot", root, "flash", pkg,
                                "--no-backup", "--allow-downgrade"],
                               env={"XDG_DATA_HOME": str(xdg)}, out_tty=False)
        assert rc == 0, err
        assert "already runs" in out and not SGR.search(out), repr(out)
    finally:
        s.stop()
