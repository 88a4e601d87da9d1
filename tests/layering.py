#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The house keeps its shape: every #include of src/, sim/ and tools/ against
the layers of docs/design.md. Prints one line per violation (file:line, the
include, the rule it breaks) and exits 1 if there is any.

Usage: layering.py [ROOT]   (ROOT: the source tree, default: this checkout)

The rules, as a table. A file's layer is its top folder (src/<layer>/...,
sim/..., tools/...). A quoted include "x/..." names layer x; a layer may
include itself and what its row lists, nothing else. Quoted includes without
a folder are the file's own folder; ".." in an include is refused (it would
walk around the rules).

Host layers, bottom up (each may use the ones below it, docs/design.md):
    base, devices, link, wire, proto, discover, pkg, ops, cli
with these words of the design made explicit:
  - every layer may use base/; every host layer may use devices/;
  - wire/ is pure and shared with the simulator, so it may use base/ only
    (anything more would reach the simulator through it);
  - ops/ may open a link (it picks the port) and nothing else of link/:
    of link/ only link/link.h;
  - cli/ never includes proto/ or link/;
  - sim/ shares only wire/ and base/ with the host (it keeps its own
    profiles; a wrong row in devices/ must not be mirrored by the simulator);
  - tools/ (mkpkg, mkdelta) write what the simulator reads: sim/, wire/,
    base/ (not the host's pkg/, or the tools would test the host with itself).
System headers: libusb only in link/; termios only in link/, discover/ and
sim/ (POSIX specifics stay there, so a Windows link can stand beside them).
"""
import os
import re
import sys

# layer: the other layers it may include
RULES = {
    "base": [],
    "devices": ["base"],
    "link": ["devices", "base"],
    "wire": ["base"],
    "proto": ["wire", "link", "devices", "base"],
    "discover": ["proto", "wire", "link", "devices", "base"],
    "pkg": ["discover", "proto", "wire", "link", "devices", "base"],
    "ops": ["pkg", "discover", "proto", "wire", "link", "devices", "base"],
    "cli": ["ops", "pkg", "discover", "wire", "devices", "base"],
    "sim": ["wire", "base"],
    "tools": ["sim", "wire", "base"],
}

# (layer, included layer): the only headers of it that may be included
ONLY = {
    ("ops", "link"): ["link/link.h"],
}

# system header: the layers that may include it
SYSTEM = {
    "libusb.h": ["link"],
    "libusb-1.0/libusb.h": ["link"],
    "termios.h": ["link", "discover", "sim"],
}

WHY = {
    "cli": "cli/ never includes proto/ or link/; it calls ops/ and renders",
    "wire": "wire/ is pure and shared with sim/: base/ only",
    "sim": "sim/ shares only wire/ and base/ with the host (no devices/)",
    "tools": "tools/ may use sim/, wire/ and base/",
}

# the folders whose C files are checked, and how a path maps to its layer
TREES = ("src", "sim", "tools")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def layer_of(rel):
    """'src/ops/flash.c' -> 'ops', 'sim/edl/nand.c' -> 'sim'."""
    parts = rel.split("/")
    if parts[0] == "src":
        return parts[1] if len(parts) > 2 else None
    return parts[0]


def rule_text(layer):
    allowed = RULES[layer]
    below = ", ".join(a + "/" for a in allowed) or "nothing but itself"
    text = f"{layer}/ may include only {below}"
    return WHY.get(layer, text)


def check_include(layer, kind, name):
    """The rule an include breaks, or None."""
    if kind == "<":
        if name in SYSTEM and layer not in SYSTEM[name]:
            where = ", ".join(x + "/" for x in SYSTEM[name])
            return f"<{name}> belongs in {where} only"
        return None
    if ".." in name.split("/"):
        return "no '..' in includes: name the layer (\"x/...\")"
    if "/" not in name:
        return None  # the file's own folder
    target = name.split("/", 1)[0]
    if target == layer:
        return None
    if target not in RULES:
        return f"\"{target}/\" is not a layer of docs/design.md"
    if target not in RULES[layer]:
        return rule_text(layer)
    only = ONLY.get((layer, target))
    if only is not None and name not in only:
        return (f"{layer}/ may use of {target}/ only "
                + ", ".join(only) + " (it opens a link, nothing else)")
    return None


def check_tree(root):
    """(violations, files, includes) for the tree at root; a violation is
    (rel path, line number, include text, rule)."""
    bad, files, includes = [], 0, 0
    for top in TREES:
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for dirpath, dirs, names in os.walk(base):
            dirs.sort()
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, n)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                layer = layer_of(rel)
                files += 1
                if layer not in RULES:
                    bad.append((rel, 0, "", f"\"{layer}\" is not a layer "
                                "of docs/design.md (add it to the design and "
                                "to tests/layering.py first)"))
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    for no, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        includes += 1
                        why = check_include(layer, m.group(1), m.group(2))
                        if why:
                            bad.append((rel, no, line.strip(), why))
    return bad, files, includes


def main(argv):
    root = argv[1] if len(argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    bad, files, includes = check_tree(root)
    for rel, no, inc, why in bad:
        print(f"{rel}:{no}: {inc}: {why}" if inc else f"{rel}: {why}")
    if files == 0:
        print(f"layering: no C files under {root}")
        return 1
    print(f"layering: {files} files, {includes} includes, "
          f"{len(bad)} against the layers")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
