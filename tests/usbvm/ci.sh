#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The USB-VM tier as CI runs it: what `make usbvm` runs, once more if it failed (the
# VM runs under software emulation on a shared 2-core machine, and the
# second run reuses the cached kernel), and exit 0 on skip (77: QEMU cannot
# run here). The last "N passed, N failed" line printed is the one that
# counts.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
make deps build || exit 1
bash tests/usbvm/run.sh "$BUILD"
rc=$?
if [ "$rc" -eq 77 ]; then
	echo "usbvm: skipped, QEMU cannot run on this machine"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ "$rc" -ne 0 ]; then
	first=$(grep -E '^USBVM-SCENARIO: [^ ]* FAIL' "$BUILD/usbvm/console.log.txt" 2>/dev/null)
	echo "usbvm: failed once; running it again"
	bash tests/usbvm/run.sh "$BUILD"
	rc=$?
	[ -n "$first" ] && echo "$first" | sed 's/^USBVM-SCENARIO: /usbvm: the first run failed: /'
	[ "$rc" -eq 77 ] && rc=0
fi
exit "$rc"
