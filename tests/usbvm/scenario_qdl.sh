# SPDX-License-Identifier: BSD-3-Clause
# qdl_compare (sourced by scenarios.sh): the same package size flashed over
# the same USB path (libusb/usbfs through dummy_hcd) by linux-msm/qdl and
# by modemflash, both starting in EDL, side by side. Each time runs until
# the module is back in normal mode with the package's revision: qdl only
# erases, programs and resets; modemflash also runs its preflight,
# verifies every image and waits for the post-check. modemflash also runs
# with --verify none, the work qdl does (plus the preflight and the
# post-check): first, before qdl (pkg7), and verified after it (pkg7
# again: qdl wrote pkg6 over it, so it is written in full).

dt1() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# the MB the last modemflash run programmed (its program stage line)
mf_programmed() { sed -n 's/.*: program  *[0-9.]* s  *\([0-9.]*\) MB.*/\1/p' /tmp/mf.out | tail -n1; }
wrote_all() {	# what: the run wrote the whole package, it did not find it there
	awk -v m="$(mf_programmed)" 'BEGIN { exit !(m + 0 > 1) }' ||
		fail "modemflash $1 programmed '$(mf_programmed)' MB: not a whole flash to compare"
}

sc_qdl_compare() {
	[ -x /usr/bin/qdl ] || skip "no qdl in the image (neither its source nor its package could be fetched)"
	[ -d /usbvm/pkg6 ] && [ -d /usbvm/pkg7 ] || skip "no package (mkpkg failed on the host)"
	to_normal
	echo "qdl: $(cat /usbvm/qdl.how)"
	# modemflash --verify none first, qdl in the middle, modemflash with
	# its default verification last: neither tool gets the first EDL entry
	edl_by_pin
	t=$(now)
	mf flash --no-backup --verify none /usbvm/pkg7 || fail "modemflash --verify none exited $rc"
	flash_check /usbvm/pkg7
	tn=$(dt1 $t)
	wrote_all "--verify none"
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
	# modemflash: the other package (not on the module: written), verified
	edl_by_pin
	t=$(now)
	mf flash --no-backup /usbvm/pkg7 || fail "modemflash after qdl exited $rc"
	flash_check /usbvm/pkg7
	tm=$(dt1 $t)
	wrote_all "(verify all)"
	ok "qdl ${tq}s, modemflash ${tm}s (verify all), modemflash --verify none ${tn}s, each from EDL to normal mode with its new revision (qdl: $(cut -d, -f1 /usbvm/qdl.how))"
}
