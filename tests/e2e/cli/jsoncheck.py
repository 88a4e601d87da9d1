# SPDX-License-Identifier: BSD-3-Clause
"""Every `modemflash --json` run an e2e test makes is checked against
docs/modemflash.schema.json: each stdout line is one JSON object valid under
the schema, and the last line, only it, is the result object. install()
wraps subprocess.run once per session; the counts are printed at the end."""
import json
import os
import subprocess

import jsonschema

SRC = os.environ.get("MF_SOURCE_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
SCHEMA = os.path.join(SRC, "docs", "modemflash.schema.json")

stats = {"runs": 0, "lines": 0}
_validator = None
_real_run = subprocess.run


def validator():
    global _validator
    if _validator is None:
        with open(SCHEMA) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        _validator = jsonschema.Draft202012Validator(schema)
    return _validator


def check_lines(stdout, what="modemflash --json"):
    """Validate a whole --json stdout; returns the parsed lines."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    assert lines, f"{what}: no JSON on stdout"
    objs = []
    for i, l in enumerate(lines):
        try:
            o = json.loads(l)
        except ValueError as e:
            raise AssertionError(f"{what}: line {i + 1} is not JSON: {l!r}") from e
        errs = sorted(validator().iter_errors(o), key=lambda e: list(e.path))
        if errs:
            best = jsonschema.exceptions.best_match(errs)
            raise AssertionError(
                f"{what}: line {i + 1} breaks docs/modemflash.schema.json at "
                f"{'/'.join(map(str, best.absolute_path)) or '(top)'}: "
                f"{best.message}\n{l}")
        objs.append(o)
    results = [i for i, o in enumerate(objs) if "schema" in o]
    assert results == [len(objs) - 1], \
        f"{what}: want one result object, last; got lines {results}"
    stats["runs"] += 1
    stats["lines"] += len(objs)
    return objs


def _is_mf_json(cmd):
    if isinstance(cmd, (list, tuple)) and cmd:
        words = [str(c) for c in cmd]
        return os.path.basename(words[0]) == "modemflash" and "--json" in words
    return False


def _run(*args, **kw):
    p = _real_run(*args, **kw)
    cmd = args[0] if args else kw.get("args")
    if _is_mf_json(cmd) and isinstance(p.stdout, str):
        check_lines(p.stdout, " ".join(os.path.basename(str(c)) if i == 0
                                        else str(c) for i, c in enumerate(cmd)))
    return p


def install():
    if subprocess.run is not _run:
        subprocess.run = _run


def summary(terminalreporter):
    terminalreporter.write_line(
        f"json schema: {stats['lines']} lines of {stats['runs']} "
        "modemflash --json runs validated")
