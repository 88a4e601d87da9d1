# SPDX-License-Identifier: BSD-3-Clause
# qdl_compare (sourced by scenarios.sh): the same package size flashed over
# the same USB path (libusb/usbfs through dummy_hcd) by linux-msm/qdl and
# by modemflash, both starting in EDL, side by side. Each time runs until
# the module is back in normal mode with the package's revision: qdl only
# erases, programs and resets; modemflash also runs its preflight,
# verifies every image and waits for the post-check. A third run,
# modemflash --verify none (pkg6 again: not on the module, so written),
# does the work qdl does, plus the preflight and the post-check.

dt1() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

sc_qdl_compare() {
	[ -x /usr/bin/qdl ] || skip "no qdl in the image (neither its source nor its package could be fetched)"
	[ -d /usbvm/pkg6 ] && [ -d /usbvm/pkg7 ] || skip "no package (mkpkg failed on the host)"
	to_normal
	echo "qdl: $(cat /usbvm/qdl.how)"
	# qdl: the EDL device as it comes, its own usbfs claim (it detaches qcserial)
	edl_by_pin
	t=$(now)
	(cd /usbvm/pkg6/update/firehose &&
		timeout 90 qdl --storage nand prog_nand_firehose_9x07.mbn rawprogram_qdl.xml) > /tmp/qdl.out 2>&1
	qrc=$?
	tail -n 15 /tmp/qdl.out
	[ $qrc = 0 ] || fail "qdl exited $qrc: $(grep -v '^ *$' /tmp/qdl.out | tail -n1)"
	wait_normal 60
	tq=$(dt1 $t)
	[ "$(sim_revision)" = "$(cat /usbvm/pkg6.revision)" ] ||
		fail "after qdl the simulator reports '$(sim_revision)', qdl's package is '$(cat /usbvm/pkg6.revision)'"
	# modemflash: the same size of package, from EDL, over libusb
	edl_by_pin
	t=$(now)
	mf flash --no-backup /usbvm/pkg7 || fail "modemflash after qdl exited $rc"
	flash_check /usbvm/pkg7
	tm=$(dt1 $t)
	edl_by_pin
	t=$(now)
	mf flash --no-backup --verify none /usbvm/pkg6 || fail "modemflash --verify none exited $rc"
	flash_check /usbvm/pkg6
	tn=$(dt1 $t)
	ok "qdl ${tq}s, modemflash ${tm}s (verify all), modemflash --verify none ${tn}s, each from EDL to normal mode with its new revision (qdl: $(cut -d, -f1 /usbvm/qdl.how))"
}
