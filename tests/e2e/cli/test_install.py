# SPDX-License-Identifier: BSD-3-Clause
"""meson install into a DESTDIR: modemflash, a man page per command of the
table (and modemflash.1 with all of them), the bash completion and the udev
rule, and nothing of the simulator unless -Dsimulator=true. The completion
completes commands, options, option values and -d from the modules present;
the rule keeps ttys in their group; the polkit rule gives the EDL device's
group ModemManager's Control action (InhibitDevice)."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import MF

BUILD = os.environ.get("MF_BUILD_DIR", "build")
SRC = os.environ.get("MF_SOURCE_DIR", ".")


def commands():
    out = subprocess.run([MF, "--help"], capture_output=True, text=True).stdout
    part = out.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    return [l.split()[0] for l in part.splitlines()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not shutil.which("meson"):
        pytest.skip("meson is not installed")
    dest = tmp_path_factory.mktemp("destdir")
    r = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild",
                        "--destdir", str(dest)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    files = set()
    for d, _, names in os.walk(dest):
        for n in names:
            files.add(os.path.relpath(os.path.join(d, n), dest))
    return dest, files


def find(files, tail):
    hits = [f for f in files if f.endswith(tail)]
    assert len(hits) == 1, (tail, sorted(files))
    return hits[0]


def test_install_lists_the_expected_files(installed):
    dest, files = installed
    assert find(files, "/bin/modemflash")
    find(files, "/man/man1/modemflash.1")
    for c in commands():
        find(files, f"/man/man1/modemflash-{c}.1")
    assert "udev/rules.d/60-modemflash.rules" in find(files, "60-modemflash.rules")
    assert "polkit-1/rules.d/50-modemflash.rules" in find(files, "50-modemflash.rules")
    assert "bash-completion/completions/modemflash" in find(
        files, "completions/modemflash")
    sim = [f for f in files if re.search(r"/(modemflash-sim[^/]*|mkpkg|mkdelta)$", f)]
    with open(os.path.join(BUILD, "meson-info", "intro-buildoptions.json")) as f:
        opts = {o["name"]: o["value"] for o in json.load(f)}
    if not opts.get("simulator"):
        assert sim == [], sim

def test_man_page_is_the_table(installed):
    dest, files = installed
    top = open(os.path.join(dest, find(files, "/man1/modemflash.1"))).read()
    for sec in ("SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                "EXAMPLES"):
        assert f".SH {sec}" in top or f'.SH "{sec}"' in top, sec
    for c in commands():
        assert f'.SS "{c.replace("-", chr(92) + "-")}' in top, c
    flash = open(os.path.join(dest, find(files, "/man1/modemflash-flash.1"))).read()
    help_ = subprocess.run([MF, "flash", "--help"], capture_output=True,
                           text=True).stdout
    for opt in re.findall(r"^  (?:-\w, )?--([\w-]+)", help_, re.M):
        assert "\\-\\-" + opt.replace("-", "\\-") in flash, opt
    assert ".B 7" in flash and "bad\\-package" in flash
    if shutil.which("man"):
        r = subprocess.run(["man", "-l", "-P", "cat",
                            os.path.join(dest, find(files, "/man1/modemflash-flash.1"))],
                           capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="100"))
        assert "--allow-downgrade" in r.stdout, r.stderr


def complete(completion, line, sysroot=None):
    """What bash completion offers for line (the cursor at its end)."""
    words = line.split(" ")
    script = f"""
source {completion}
COMP_WORDS=({' '.join(repr(w) if w else "''" for w in words)})
COMP_CWORD={len(words) - 1}
_modemflash
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(MF)) + ":" + os.environ["PATH"])
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                       env=env, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_completion_from_the_table(installed, sim):
    dest, files = installed
    comp = os.path.join(dest, find(files, "completions/modemflash"))
    assert complete(comp, "modemflash fl") == ["flash"]
    assert set(commands()) <= set(complete(comp, "modemflash "))
    assert "--allow-downgrade" in complete(comp, "modemflash flash --al")
    assert "--json" in complete(comp, "modemflash flash --j")
    assert complete(comp, "modemflash flash --verify ") == [
        "auto", "digest", "readback", "none"]
    assert complete(comp, "modemflash help re") == ["restore", "reset"]
    s = sim(profile="bg95-m3")
    assert complete(comp, f"modemflash --sysroot {s.root} -d ") == ["1-1.4"]


def test_udev_rule_keeps_ttys_in_their_group():
    rules = open(os.path.join(SRC, "data", "60-modemflash.rules")).read()
    for line in rules.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if 'SUBSYSTEM=="tty"' in line:
            assert "GROUP=" not in line and "MODE=" not in line, line
            assert 'TAG+="uaccess"' in line, line
        if 'SUBSYSTEM=="usb"' in line:
            assert 'GROUP="plugdev"' in line and 'TAG+="uaccess"' in line, line


def test_polkit_rule_lets_the_edl_group_inhibit_mm():
    """The group the polkit rule names is the one the udev rule gives the
    EDL device to, and it only answers ModemManager's Control action."""
    pk = open(os.path.join(SRC, "data", "50-modemflash.rules")).read()
    udev = open(os.path.join(SRC, "data", "60-modemflash.rules")).read()
    code = "\n".join(l for l in pk.splitlines() if not l.lstrip().startswith("//"))
    assert re.findall(r'action\.id == "([^"]+)"', code) == [
        "org.freedesktop.ModemManager1.Control"], code
    groups = re.findall(r'isInGroup\("([^"]+)"\)', code)
    assert groups == ["plugdev"], code
    assert set(re.findall(r'GROUP="([^"]+)"', udev)) == set(groups), udev
    assert code.count("polkit.Result.YES") == 1 and "polkit.Result." not in code.replace(
        "polkit.Result.YES", ""), code
