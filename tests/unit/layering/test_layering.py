# SPDX-License-Identifier: BSD-3-Clause
"""tests/layering.py on small synthetic trees: a tree that keeps the layers
passes, and each kind of include against them fails, naming file:line and
the rule."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "layering.py")

# one file per layer, each including what the design allows it
GOOD = {
    "src/base/err.h": ['<stdio.h>'],
    "src/base/log.c": ['"base/err.h"', '"log.h"'],
    "src/devices/devices.c": ['"base/err.h"', '"devices/devices.h"'],
    "src/link/tty.c": ['<termios.h>', '"base/log.h"', '"devices/devices.h"',
                       '"link/link.h"'],
    "src/link/usb.c": ['<libusb.h>', '"link/link.h"'],
    "src/wire/sahara.c": ['"base/bytes.h"', '"wire/sahara.h"'],
    "src/proto/sahara.c": ['"wire/sahara.h"', '"link/link.h"',
                           '"devices/devices.h"', '"base/err.h"'],
    "src/discover/sysfs.c": ['<termios.h>', '"devices/devices.h"',
                             '"base/err.h"'],
    "src/pkg/pkg.c": ['"devices/devices.h"', '"base/err.h"'],
    "src/ops/flash.c": ['"pkg/pkg.h"', '"discover/discover.h"',
                        '"proto/sahara.h"', '"link/link.h"', '"ops/sub/x.h"',
                        '"devices/devices.h"', '"base/err.h"'],
    "src/ops/sub/x.h": ['"ops/flash.h"'],
    "src/cli/main.c": ['"ops/flash.h"', '"pkg/pkg.h"', '"discover/discover.h"',
                       '"devices/devices.h"', '"base/log.h"', '"out.h"'],
    "sim/port.c": ['<termios.h>', '"sim/sim.h"', '"wire/sahara.h"',
                   '"base/err.h"'],
    "sim/edl/nand.c": ['"sim/edl/nand.h"', '"nand.h"'],
    "tools/mkpkg.c": ['"sim/profile.h"', '"wire/delta.h"', '"base/err.h"'],
}

# (file, include, a word the rule must name)
BAD = [
    ("src/base/err.c", '"wire/sahara.h"', "base/"),
    ("src/devices/devices.c", '"link/link.h"', "devices/"),
    ("src/link/tty.c", '"proto/sahara.h"', "link/"),
    ("src/link/tty.c", '"wire/at.h"', "link/"),
    ("src/wire/sahara.c", '"link/link.h"', "pure"),
    ("src/wire/sahara.c", '"devices/devices.h"', "pure"),
    ("src/wire/sahara.c", '"proto/sahara.h"', "pure"),
    ("src/proto/at.c", '"pkg/pkg.h"', "proto/"),
    ("src/proto/at.c", '"ops/flash.h"', "proto/"),
    ("src/discover/sysfs.c", '"pkg/pkg.h"', "discover/"),
    ("src/pkg/pkg.c", '"ops/plan.h"', "pkg/"),
    ("src/ops/flash.c", '"cli/cli.h"', "ops/"),
    ("src/ops/flash.c", '"link/edl.h"', "link/link.h"),
    ("src/ops/flash.c", '"link/tty.h"', "link/link.h"),
    ("src/cli/cmd_info.c", '"proto/sahara.h"', "never includes proto/"),
    ("src/cli/cmd_info.c", '"link/link.h"', "never includes proto/ or link/"),
    ("sim/diag.c", '"devices/devices.h"', "only wire/ and base/"),
    ("sim/diag.c", '"proto/diag.h"', "only wire/ and base/"),
    ("sim/edl/nand.c", '"pkg/pkg.h"', "only wire/ and base/"),
    ("tools/mkpkg.c", '"pkg/pkg.h"', "tools/"),
    ("tools/mkdelta.c", '"ops/fota.h"', "tools/"),
    ("src/ops/flash.c", '"nosuch/x.h"', "not a layer"),
    ("src/ops/flash.c", '"../link/tty.h"', "'..'"),
    ("src/proto/sahara.c", '<libusb.h>', "link/ only"),
    ("src/wire/at.c", '<termios.h>', "termios.h"),
    ("src/cli/main.c", '<libusb-1.0/libusb.h>', "link/ only"),
    ("src/gadgets/x.c", '"base/err.h"', "not a layer"),
]


def write_tree(root, files):
    for rel, includes in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("/* SPDX-License-Identifier: BSD-3-Clause */\n")
            for inc in includes:
                f.write(f"#include {inc}\n")
            f.write("int x;\n")


def run(root):
    p = subprocess.run([sys.executable, SCRIPT, str(root)],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout


def test_good_tree_passes(tmp_path):
    write_tree(tmp_path, GOOD)
    rc, out = run(tmp_path)
    assert rc == 0, out
    assert f"layering: {len(GOOD)} files" in out
    assert "0 against the layers" in out


@pytest.mark.parametrize("rel,inc,word", BAD,
                         ids=[f"{r}:{i}" for r, i, _ in BAD])
def test_each_violation_fails(tmp_path, rel, inc, word):
    files = dict(GOOD)
    files[rel] = files.get(rel, []) + [inc]
    write_tree(tmp_path, files)
    rc, out = run(tmp_path)
    assert rc == 1, out
    bad = [l for l in out.splitlines() if not l.startswith("layering:")]
    assert len(bad) == 1, out
    # file:line (the include is the file's last line) or file: for a folder
    line = len(files[rel]) + 1
    if word == "not a layer" and inc.startswith('"base/'):
        assert bad[0].startswith(f"{rel}: "), out
    else:
        assert bad[0].startswith(f"{rel}:{line}: #include {inc}"), out
    assert word in bad[0], out
    assert "1 against the layers" in out


def test_spaced_and_local_includes(tmp_path):
    """Indented and spaced directives count; names without a folder are the file's
    own folder."""
    write_tree(tmp_path, {"src/wire/a.c": ['"a.h"'],
                          "src/wire/b.c": []})
    with open(tmp_path / "src/wire/b.c", "a") as f:
        f.write('  #  include "proto/at.h"\n')
    rc, out = run(tmp_path)
    assert rc == 1
    assert out.startswith("src/wire/b.c:3: #  include \"proto/at.h\""), out


def test_empty_tree_fails(tmp_path):
    rc, out = run(tmp_path)
    assert rc == 1
    assert "no C files" in out
