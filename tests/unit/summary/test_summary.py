# SPDX-License-Identifier: BSD-3-Clause
"""tests/summary.py on synthetic meson logs: it counts test cases (cmocka
TAP lines, pytest JUnit cases), and a program that dies without its report
counts as failed."""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "summary.py")

TAP_OK = "1..3\nok 1 - a\nok 2 - b\nnot ok 3 # SKIP c\n# ok - tests\n"
TAP_FAIL = "1..2\nok 1 - a\nnot ok 2 - b\n# 0x1 != 0x2\n# not ok - tests\n"
TAP_CRASH = "1..4\nok 1 - a\nok 2 - b\n"
JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite>
<testcase classname="t" name="a"/><testcase classname="t" name="b"/>
<testcase classname="t" name="c"><failure message="x"/></testcase>
<testcase classname="t" name="d"><error message="y"/></testcase>
<testcase classname="t" name="e"><skipped message="z"/></testcase>
</testsuite></testsuites>"""


def write_log(build, entries):
    os.makedirs(os.path.join(build, "meson-logs"), exist_ok=True)
    with open(os.path.join(build, "meson-logs", "testlog.json"), "w") as f:
        for e in entries:
            f.write(json.dumps(e) + "\n")


def last_line(build):
    p = subprocess.run([sys.executable, SCRIPT, str(build)],
                       capture_output=True, text=True, timeout=30)
    return p.stdout.strip().splitlines()[-1]


def entry(name, result, stdout="", command=None, start=None):
    return {"name": name, "result": result, "stdout": stdout,
            "command": command or ["/bin/" + name],
            "starttime": time.time() - 5 if start is None else start}


def test_counts_tap_cases(tmp_path):
    write_log(tmp_path, [entry("a", "OK", TAP_OK), entry("b", "FAIL", TAP_FAIL)])
    assert last_line(tmp_path) == "3 passed, 1 failed, 1 skipped"


def test_crash_counts_the_unreported_cases(tmp_path):
    write_log(tmp_path, [entry("a", "ERROR", TAP_CRASH)])
    assert last_line(tmp_path) == "2 passed, 2 failed, 0 skipped"


def test_failed_program_without_failed_case_adds_one(tmp_path):
    write_log(tmp_path, [entry("a", "FAIL", TAP_OK)])
    assert last_line(tmp_path) == "2 passed, 1 failed, 1 skipped"


def test_junit_cases(tmp_path):
    report = tmp_path / "r.xml"
    report.write_text(JUNIT)
    write_log(tmp_path, [entry("py", "FAIL", "",
                               ["python3", "-m", "pytest", f"--junitxml={report}"])])
    assert last_line(tmp_path) == "2 passed, 2 failed, 1 skipped"


def test_missing_or_stale_junit_is_a_failure(tmp_path):
    report = tmp_path / "old.xml"
    report.write_text(JUNIT.replace("<failure message=\"x\"/>", "")
                      .replace("<error message=\"y\"/>", ""))
    cmd = ["python3", "-m", "pytest", f"--junitxml={report}"]
    gone = ["python3", "-m", "pytest", f"--junitxml={tmp_path}/none.xml"]
    write_log(tmp_path, [entry("stale", "TIMEOUT", "", cmd, start=time.time() + 60),
                         entry("gone", "OK", "", gone)])
    assert last_line(tmp_path) == "0 passed, 2 failed, 0 skipped"


def test_plain_programs_count_once(tmp_path):
    write_log(tmp_path, [entry("a", "OK"), entry("b", "SKIP"), entry("c", "FAIL"),
                         entry("d", "TIMEOUT")])
    assert last_line(tmp_path) == "1 passed, 2 failed, 1 skipped"


def test_no_log_is_a_failure(tmp_path):
    assert last_line(tmp_path) == "0 passed, 1 failed, 0 skipped"
