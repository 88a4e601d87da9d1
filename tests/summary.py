#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print 'N passed, N failed, N skipped' for a meson build's last test run."""
import json
import os
import sys

build = sys.argv[1] if len(sys.argv) > 1 else "build"
path = os.path.join(build, "meson-logs", "testlog.json")
passed = failed = skipped = 0
try:
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line).get("result", "")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    failed = 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
