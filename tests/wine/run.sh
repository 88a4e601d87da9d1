#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Wine tier (make wine-test): modemflash.exe under wine64 against the
# simulator. Exit 77 with the reason when it cannot run here (no wine64,
# no exe, Wine does not start); otherwise pytest's exit status.
# usage: run.sh BUILD_DIR EXE
set -u
build=$(realpath "$1")
exe=$(realpath -m "$2")
src=$(cd "$(dirname "$0")/../.." && pwd)
wine=$(command -v wine64 || command -v wine ||
	{ [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || true)
if [ -z "$wine" ]; then
	echo "wine-test: skipped: wine64 is not installed (apt-get install wine64)"
	exit 77
fi
if [ ! -f "$exe" ]; then
	echo "wine-test: skipped: $exe is not built (make windows)"
	exit 77
fi
tmp=${MF_WINE_TMP:-/tmp/pt-wine-$(id -u)}
mkdir -p "$tmp"
# one prefix per checkout, kept: wineboot of a new one takes about a minute
export MF_WINE_PREFIX=${MF_WINE_PREFIX:-$build/wine-prefix}
export WINEPREFIX=$MF_WINE_PREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
start=$(date +%s)
if [ ! -f "$WINEPREFIX/system.reg" ]; then
	if ! out=$(timeout 300 "$wine" wineboot -i 2>&1) || [ ! -d "$WINEPREFIX/dosdevices" ]; then
		echo "wine-test: skipped: Wine cannot start: $(echo "$out" | tail -1)"
		exit 77
	fi
	"$(dirname "$(realpath "$wine")")/wineserver" -w
	echo "wine-test: new Wine prefix in $(($(date +%s) - start)) s"
fi
rm -f "$tmp/junit.xml"
MF_BUILD_DIR=$build MF_SOURCE_DIR=$src MF_WIN_EXE=$exe \
	/usr/bin/python3 -m pytest -q -p no:cacheprovider -rs --basetemp="$tmp" \
	--junitxml="$tmp/junit.xml" "$src/tests/wine"
rc=$?
# the line CI counts (pytest -q says nothing of what did not fail)
/usr/bin/python3 - "$tmp/junit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    sys.exit(0)
n = f = s = 0
for suite in root.iter("testsuite"):
    n += int(suite.get("tests", 0))
    f += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    s += int(suite.get("skipped", 0))
print(f"wine-test: {n - f - s} passed, {f} failed, {s} skipped")
PY
echo "wine-test: $(($(date +%s) - start)) s (prefix $WINEPREFIX)"
exit $rc
