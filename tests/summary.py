#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print 'N passed, N failed, N skipped' over the test cases of a meson
build's last test run (not over its test programs).

Per test program (one line of meson-logs/testlog.json):
  - a pytest program (its command has --junitxml=FILE): the cases of FILE,
    which must have been written by this run (not older than the test's
    start);
  - a cmocka program (CMOCKA_MESSAGE_OUTPUT=TAP): the TAP lines of its
    stdout; cases its plan announces but it never reported (it crashed)
    count as failed;
  - anything else: one case, the program's own result.
A program that failed without reporting a failed case (killed by a
timeout, crashed before its report, a sanitizer abort after the last case)
adds one failed case; so does a pytest program whose report is missing.
With -v, one line per program first.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

OK = ("OK", "EXPECTEDFAIL")
SKIP = ("SKIP",)
PLAN = re.compile(r"^1\.\.(\d+)")
CASE = re.compile(r"^(not )?ok\b(?:\s+\d+)?([^#]*)(#.*)?$")


def junit_counts(path, since):
    """(passed, failed, skipped) of a JUnit file written at or after since,
    or None when it is missing, stale or unreadable."""
    try:
        if os.path.getmtime(path) < since - 1:
            return None
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    p = f = s = 0
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            f += 1
        elif "skipped" in tags:
            s += 1
        else:
            p += 1
    return p, f, s


def tap_counts(text):
    """(passed, failed, skipped) of the TAP lines in text, or None when it
    holds none. Several plans (several cmocka groups) add up."""
    planned = seen = p = f = s = 0
    found = False
    for line in (text or "").splitlines():
        m = PLAN.match(line)
        if m:
            planned += int(m.group(1))
            found = True
            continue
        m = CASE.match(line)
        if not m:
            continue
        found = True
        seen += 1
        directive = (m.group(3) or "").upper()
        if "# SKIP" in directive:
            s += 1
        elif "# TODO" in directive or not m.group(1):
            p += 1
        else:
            f += 1
    if not found:
        return None
    f += max(0, planned - seen)  # announced, never reported: it crashed
    return p, f, s


def junit_arg(command):
    for arg in command or []:
        if arg.startswith("--junitxml="):
            return arg.split("=", 1)[1]
    return None


def program_counts(entry):
    """(passed, failed, skipped, how) of one testlog.json entry."""
    result = entry.get("result", "")
    report = junit_arg(entry.get("command"))
    if report:
        counts = junit_counts(report, entry.get("starttime", 0))
        how = "junit"
        if counts is None:
            return 0, 1, 0, "junit report missing"
    else:
        counts = tap_counts(entry.get("stdout"))
        how = "tap"
        if counts is None:
            if result in OK:
                return 1, 0, 0, "exit code"
            if result in SKIP:
                return 0, 0, 1, "exit code"
            return 0, 1, 0, "exit code"
    p, f, s = counts
    if result not in OK + SKIP and f == 0:
        f += 1  # the program failed beyond its cases
        how += ", program " + result
    return p, f, s, how


def summarise(build, verbose=False, out=sys.stdout):
    path = os.path.join(build, "meson-logs", "testlog.json")
    passed = failed = skipped = programs = 0
    try:
        with open(path) as fh:
            lines = [l for l in fh if l.strip()]
    except FileNotFoundError:
        print(f"summary: no {path}", file=out)
        lines = None
    if lines is None:
        failed = 1
    for line in lines or []:
        entry = json.loads(line)
        p, f, s, how = program_counts(entry)
        programs += 1
        if verbose:
            print(f"  {entry.get('name', '?')}: {p} passed, {f} failed, "
                  f"{s} skipped ({how})", file=out)
        passed += p
        failed += f
        skipped += s
    if programs:
        print(f"summary: {passed + failed + skipped} test cases in "
              f"{programs} test programs", file=out)
    print(f"{passed} passed, {failed} failed, {skipped} skipped", file=out)
    return failed


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    summarise(args[0] if args else "build", verbose="-v" in sys.argv[1:])
