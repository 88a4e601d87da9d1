#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write tests/e2e/weights.json from the JUnit reports of a test run.

    weights.py BUILD_DIR

Sums each e2e test file's time over BUILD_DIR/test-reports/e2e-*.xml
(as meson test leaves them) and writes the seconds per file, per folder,
next to this script. run.py deals the files to shards by these weights, so
that no shard waits on another; rerun this after adding slow tests.
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    times = {}
    for path in glob.glob(os.path.join(argv[1], "test-reports", "e2e-*.xml")):
        folder = os.path.basename(path)[len("e2e-"):].rsplit("-", 1)[0]
        for case in ET.parse(path).getroot().iter("testcase"):
            # classname: "test_x" or "tests.e2e.cli.test_x[.Class]"
            parts = case.get("classname", "").split(".")
            mod = next((p for p in parts if p.startswith("test_")), None)
            if not mod:
                continue
            per = times.setdefault(folder, {})
            per[mod + ".py"] = per.get(mod + ".py", 0.0) + float(case.get("time", 0))
    if not times:
        print(f"weights.py: no e2e reports under {argv[1]}", file=sys.stderr)
        return 1
    out = {f: {k: round(v, 1) for k, v in sorted(t.items())}
           for f, t in sorted(times.items())}
    dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.json")
    with open(dest, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"weights.py: {sum(len(t) for t in out.values())} files -> {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
