#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make usbvm: the simulator as a USB gadget (dummy_hcd + configfs + FunctionFS)
# inside a QEMU VM running a stock Debian kernel; the tool talks to it through
# the kernel's own host drivers (option, qcserial) and libusb, with no
# --sysroot. See docs/usbvm.md.
#
#   tests/usbvm/run.sh [BUILD]      exit 0 all passed, 1 a failure, 77 skip
#
# Environment: USBVM_KERNEL (pinned linux-image-*-amd64 package, falls back
# to the current one), USBVM_SCENARIOS (space-separated subset),
# USBVM_TIMEOUT (seconds for the whole VM run, default 1200: the scenarios
# take 9-10 minutes on an idle 2-core machine under TCG, and each has its own
# timeout inside the VM).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$src/$build ;; esac
out=$build/usbvm
mkdir -p "$out"
t0=$(date +%s.%N)

say() { printf 'usbvm: %s\n' "$*"; }
skip() { say "SKIP: $*"; exit 77; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# 1. host packages (only what is missing)
pkgs="qemu-system-x86 busybox-static cpio kmod xz-utils zstd"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || skip "missing packages:$missing (run as root to install them)"
	say "installing:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		skip "apt-get install failed:$missing"
fi
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not available"
qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg || skip "QEMU has no TCG accelerator"

for b in src/cli/modemflash sim/modemflash-sim sim/gadget/modemflash-sim-usb tools/mkpkg; do
	[ -x "$build/$b" ] || { say "FAIL: $build/$b not built"; echo "0 passed, 1 failed"; exit 1; }
done

# 2. kernel: the package linux-image-amd64 depends on now (or a pinned one)
resolve_kernel() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
fetch_kernel() {	# $1 package -> $out/kernel/$1/{vmlinux,root}
	local pkg=$1 dir=$out/kernel/$1 deb kver vmlinuz off
	[ -s "$dir/vmlinux" ] && [ -s "$dir/kver" ] && return 0
	rm -rf "$dir" && mkdir -p "$dir/dl"
	(cd "$dir/dl" && apt-get download "$pkg" >/dev/null 2>&1) || return 1
	deb=$(ls "$dir"/dl/*.deb | head -n1)
	dpkg-deb -x "$deb" "$dir/root"
	rm -rf "$dir/dl"
	kver=$(ls "$dir/root/lib/modules" | head -n1)
	depmod -b "$dir/root" "$kver"
	vmlinuz=$dir/root/boot/vmlinuz-$kver
	# the PVH entry of the uncompressed vmlinux boots fast under TCG
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1 || true)
	if [ -n "$off" ]; then
		tail -c +"$((off + 1))" "$vmlinuz" > "$dir/payload"
		xz -dc --single-stream < "$dir/payload" > "$dir/vmlinux" 2>/dev/null || true
	fi
	if [ ! -s "$dir/vmlinux" ]; then
		off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$vmlinuz" | head -n1 | cut -d: -f1 || true)
		[ -n "$off" ] && tail -c +"$((off + 1))" "$vmlinuz" > "$dir/payload" &&
			zstd -dcq < "$dir/payload" > "$dir/vmlinux" 2>/dev/null || true
	fi
	rm -f "$dir/payload"
	[ -s "$dir/vmlinux" ] || { say "cannot extract vmlinux from $vmlinuz"; return 1; }
	echo "$kver" > "$dir/kver"
}
tk=$(date +%s.%N)
kpkg=
for cand in ${USBVM_KERNEL:-} "$(resolve_kernel)"; do
	[ -n "$cand" ] || continue
	if fetch_kernel "$cand"; then kpkg=$cand; break; fi
	say "kernel package $cand unavailable, falling back"
done
if [ -z "$kpkg" ]; then
	# last resort: the newest linux-image-*-amd64 the archive still has
	for cand in $(apt-cache search --names-only '^linux-image-[0-9][0-9.+~a-z-]*-amd64$' |
			awk '{ print $1 }' | grep -v -- '-dbg$' | sort -rV | head -n3); do
		if fetch_kernel "$cand"; then kpkg=$cand; break; fi
	done
fi
[ -n "$kpkg" ] || { say "FAIL: no Debian kernel package could be downloaded"; echo "0 passed, 1 failed"; exit 1; }
kdir=$out/kernel/$kpkg
kver=$(cat "$kdir/kver")
say "kernel $kpkg ($kver) ready in $(elapsed "$tk") s"

# 3. initramfs, part 1 (cached per kernel): busybox and the modules
base=$out/base-$kver.cpio.gz
mods="dummy_hcd libcomposite usb_f_fs usbserial usb_wwan qcserial option"
if [ ! -s "$base" ]; then
	stage=$out/stage-base
	rm -rf "$stage" && mkdir -p "$stage"/{bin,sbin,lib/modules,proc,sys,dev,tmp,run,etc}
	cp /bin/busybox "$stage/bin/busybox"
	for a in $("$stage/bin/busybox" --list); do
		[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
	done
	: > "$stage/lib/modules/order"
	modprobe -a -d "$kdir/root" -S "$kver" --show-depends $mods |
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		name=$(basename "$path")
		name=${name%.xz}; name=${name%.zst}
		grep -qx "$name" "$stage/lib/modules/order" && continue
		case $path in
		*.xz) xz -dc "$path" > "$stage/lib/modules/$name" ;;
		*.zst) zstd -dcq "$path" > "$stage/lib/modules/$name" ;;
		*) cp "$path" "$stage/lib/modules/$name" ;;
		esac
		echo "$name" >> "$stage/lib/modules/order"
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$base.tmp"
	mv "$base.tmp" "$base"
	rm -rf "$stage"
fi

# The backup scenarios read whole partitions: the EC25's modem, recoveryfs,
# usr_data and system (about 450 MiB) neither fit the VM's RAM nor take
# seconds under TCG. Their copy of the package keeps the boot chain (SBL,
# partition table, TZ, RPM, aboot); calibration (EFS2, RAWDATA) is read anyway.
small_package() {	# $1 package -> $2 the same without the big images [$3: keep the modem image]
	local xml sec big='NON-HLOS|boot\.img|recovery\.ubi|usrdata|sysfs'
	[ -n "${3:-}" ] && big='boot\.img|recovery\.ubi|usrdata|sysfs'
	cp -a "$1" "$2"
	xml=$(ls "$2"/update/firehose/rawprogram_*_update.xml)
	sec=$(grep -E "filename=\"[^\"]*($big)" "$xml" |
		sed -n 's/.*start_sector="\([0-9]*\)".*/\1/p')
	for n in $sec; do
		grep -v "start_sector=\"$n\"" "$xml" > "$xml.tmp" && mv "$xml.tmp" "$xml"
	done
	local sum name
	sum=$(md5sum "$xml" | cut -d' ' -f1 | tr a-f A-F)
	name=$(basename "$xml")
	sed -i "s|^\(FILE:.*\\\\$name:\).*|\1$sum|" "$2/md5.txt"
}

# 4. initramfs, part 2 (every run): the project's programs, their libraries, the rig
stage=$out/stage-proj
rm -rf "$stage" && mkdir -p "$stage/usr/bin" "$stage/usbvm"
bins="$build/src/cli/modemflash $build/sim/modemflash-sim $build/sim/gadget/modemflash-sim-usb $build/tools/mkpkg $build/tools/mkdelta"
for b in $bins; do cp "$b" "$stage/usr/bin/"; done
for f in $(ldd $bins 2>/dev/null | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | sort -u); do
	mkdir -p "$stage$(dirname "$f")"
	cp -L "$f" "$stage$f"
done
# lib64 loader path as the binaries name it
mkdir -p "$stage/lib64"
[ -e "$stage/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$stage/lib64/"
# ModemManager beside the tool (docs/usbvm.md): Debian's modemmanager, udev,
# polkitd and their libraries, downloaded and unpacked once (never installed
# on the host), with the host's dbus-daemon; without them the mm_* scenarios skip.
mmroot=$out/mm/root
if { [ ! -x "$mmroot/usr/sbin/ModemManager" ] || [ ! -x "$mmroot/usr/lib/polkit-1/polkitd" ]; } &&
	[ -z "${USBVM_NO_MM:-}" ]; then
	rm -rf "$out/mm" && mkdir -p "$out/mm/dl"
	if (cd "$out/mm/dl" && apt-get download modemmanager libmm-glib0 udev libqmi-glib5 \
		libmbim-glib4 libqrtr-glib0 libgudev-1.0-0 libpolkit-gobject-1-0 \
		polkitd libduktape207 >/dev/null 2>&1); then
		for d in "$out"/mm/dl/*.deb; do dpkg-deb -x "$d" "$mmroot"; done
	else
		say "ModemManager packages unavailable: the mm scenarios will skip"
	fi
	rm -rf "$out/mm/dl"
fi
if [ -x "$mmroot/usr/sbin/ModemManager" ] && command -v dbus-daemon >/dev/null; then
	mmlib=$mmroot/usr/lib/x86_64-linux-gnu
	mmbins="$mmroot/usr/sbin/ModemManager $mmroot/usr/bin/mmcli $mmroot/bin/udevadm $(command -v dbus-daemon)
		$mmroot/usr/lib/polkit-1/polkitd"
	mkdir -p "$stage/usr/sbin" "$stage/lib/systemd" "$stage/lib/udev/rules.d" "$stage/etc/udev/rules.d" \
		"$stage/usr/lib/x86_64-linux-gnu/ModemManager" "$stage/run/dbus"
	cp "$mmroot/usr/sbin/ModemManager" "$stage/usr/sbin/"
	cp "$mmroot/usr/bin/mmcli" "$mmroot/bin/udevadm" "$(command -v dbus-daemon)" "$stage/usr/bin/"
	ln -sf /usr/bin/udevadm "$stage/lib/systemd/systemd-udevd"
	cp "$mmlib"/ModemManager/*.so "$stage/usr/lib/x86_64-linux-gnu/ModemManager/"
	# udev's own rules (device links, usb_id) and MM's port-type and filter rules, then ours
	cp "$mmroot"/lib/udev/rules.d/50-udev-default.rules "$mmroot"/lib/udev/rules.d/60-serial.rules \
		"$mmroot"/lib/udev/rules.d/*-mm-*.rules "$stage/lib/udev/rules.d/"
	cp "$src/data/60-modemflash.rules" "$stage/lib/udev/rules.d/"
	for f in $(LD_LIBRARY_PATH=$mmlib ldd $mmbins "$mmlib"/ModemManager/*.so 2>/dev/null |
			awk '/=> \// { print $3 }' | sort -u); do
		case $f in "$mmroot"/*) d=${f#"$mmroot"} ;; *) d=$f ;; esac
		mkdir -p "$stage$(dirname "$d")"
		cp -L "$f" "$stage$d"
	done
	# polkit, as Debian ships it: MM's actions, the default rules, polkitd
	# (it drops to its own user); the scenarios add and remove local rules
	mkdir -p "$stage/usr/lib/polkit-1" "$stage/usr/share/polkit-1/actions" \
		"$stage/usr/share/polkit-1/rules.d" "$stage/etc/polkit-1/rules.d"
	cp "$mmroot/usr/lib/polkit-1/polkitd" "$stage/usr/lib/polkit-1/"
	cp "$mmroot"/usr/share/polkit-1/actions/*.policy "$stage/usr/share/polkit-1/actions/"
	cp "$mmroot"/usr/share/polkit-1/rules.d/*.rules "$stage/usr/share/polkit-1/rules.d/"
	# mfuser: a user without sudo, in dialout (the ttys, data/60-modemflash.rules) and plugdev (the EDL device)
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'messagebus:x:100:101::/run/dbus:/bin/false' \
		'polkitd:x:102:102::/nonexistent:/bin/false' 'mfuser:x:1000:1000::/tmp/mfuser:/bin/sh' > "$stage/etc/passwd"
	printf '%s\n' 'root:x:0:' 'dialout:x:20:mfuser' 'plugdev:x:46:mfuser' 'messagebus:x:101:' \
		'polkitd:x:102:' 'mfuser:x:1000:' > "$stage/etc/group"
	cp "$here/system-bus.conf" "$stage/usbvm/"
	# the polkit rule modemflash installs (mm_fota and mm_user_flash put it in place)
	cp "$src/data/50-modemflash.rules" "$stage/usbvm/"
fi
. "$here/qdl.sh"
qdl_prepare "$stage"
cp "$here/init" "$stage/init"
cp "$here"/scenarios.sh "$here"/scenario_*.sh "$stage/usbvm/"
chmod +x "$stage/init"
echo "${USBVM_SCENARIOS:-}" > "$stage/usbvm/select"
# a small package for the flash scenarios, another revision than the simulator's
pkgrev=${USBVM_PKG_REVISION:-EC25EFAR06A02M4G_01.002.01.002}
if "$build/tools/mkpkg" --profile ec25 --revision "$pkgrev" -o "$stage/usbvm/pkg" >/dev/null 2>&1; then
	echo "$pkgrev" > "$stage/usbvm/pkg.revision"
	# flash_usb needs a revision flash_tty did not already put there; the
	# backups come after it (the newest revision: no downgrade refusal)
	pkg2rev=${USBVM_PKG2_REVISION:-EC25EFAR06A02M4G_01.003.01.003}
	if "$build/tools/mkpkg" --profile ec25 --revision "$pkg2rev" -o "$stage/usbvm/pkg2" >/dev/null 2>&1; then
		echo "$pkg2rev" > "$stage/usbvm/pkg2.revision"
		small_package "$stage/usbvm/pkg2" "$stage/usbvm/pkg-bk"
	fi
	# the flash with ModemManager running: another baseline, so that MM's
	# Revision (AT+CGMR, the part before "_") changes too
	pkg3rev=${USBVM_PKG3_REVISION:-EC25EFAR06A03M4G_01.001.01.001}
	if "$build/tools/mkpkg" --profile ec25 --revision "$pkg3rev" -o "$stage/usbvm/pkg3" >/dev/null 2>&1; then
		echo "$pkg3rev" > "$stage/usbvm/pkg3.revision"
	fi
	# mm_sigkill's (killed while it writes, then run again) and, newer
	# still, mm_user_flash's (with a backup: a small copy, but with the
	# modem image, which holds the revision the post-check looks for)
	pkg4rev=${USBVM_PKG4_REVISION:-EC25EFAR06A07M4G_01.001.01.001}
	if "$build/tools/mkpkg" --profile ec25 --revision "$pkg4rev" -o "$stage/usbvm/pkg4" >/dev/null 2>&1; then
		echo "$pkg4rev" > "$stage/usbvm/pkg4.revision"
	fi
	pkg5rev=${USBVM_PKG5_REVISION:-EC25EFAR06A08M4G_01.001.01.001}
	rm -rf "$out/pkg5-full"
	if "$build/tools/mkpkg" --profile ec25 --revision "$pkg5rev" -o "$out/pkg5-full" >/dev/null 2>&1; then
		small_package "$out/pkg5-full" "$stage/usbvm/pkg5" keep-modem
		echo "$pkg5rev" > "$stage/usbvm/pkg5.revision"
	fi
	rm -rf "$out/pkg5-full"
	# qdl_compare: the same package for qdl and for modemflash, two
	# revisions (the second run must write, not find its image there)
	for n in 6 7; do
		rev=EC25EFAR06A02M4G_01.00$n.01.00$n
		rm -rf "$out/pkg$n"
		"$build/tools/mkpkg" --profile ec25 --revision "$rev" -o "$out/pkg$n" >/dev/null 2>&1 || continue
		qdl_package "$out/pkg$n" "$stage/usbvm/pkg$n"
		echo "$rev" > "$stage/usbvm/pkg$n.revision"
		rm -rf "$out/pkg$n"
	done
else
	rm -rf "$stage/usbvm/pkg"
	say "mkpkg failed: the flash scenarios will skip"
fi
proj=$out/proj.cpio.gz
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$proj"
cat "$base" "$proj" > "$out/initramfs.cpio.gz"
setup_s=$(elapsed "$t0")
say "setup done in $setup_s s"

# 5. boot
log=$out/console.log
tb=$(date +%s.%N)
set +e
timeout "${USBVM_TIMEOUT:-1200}" qemu-system-x86_64 -accel tcg -M pc -m 1024 -smp 2 \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kdir/vmlinux" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1" < /dev/null > "$log" 2>&1
qrc=$?
set -e
tr -d '\r' < "$log" > "$log.txt"
boot_s=$(elapsed "$tb")
if [ $qrc -ne 0 ] && ! grep -q 'USBVM-BOOT' "$log.txt"; then
	sed -n 1,20p "$log.txt"
	[ $qrc -eq 124 ] && { say "FAIL: VM timed out before /init"; echo "0 passed, 1 failed"; exit 1; }
	skip "QEMU could not run (exit $qrc)"
fi

# 6. results
grep -E '^(USBVM-SCENARIO|USBVM-NOTE|USBVM-LOG)' "$log.txt" | sed 's/^USBVM-SCENARIO: /  /; s/^USBVM-NOTE: /  note: /; s/^USBVM-LOG: /      /' || true
pass=$(grep -c '^USBVM-SCENARIO: [^ ]* PASS' "$log.txt" || true)
fail=$(grep -c '^USBVM-SCENARIO: [^ ]* FAIL' "$log.txt" || true)
skipn=$(grep -c '^USBVM-SCENARIO: [^ ]* SKIP' "$log.txt" || true)
result=$(sed -n 's/^USBVM-RESULT: //p' "$log.txt" | tail -n1)
say "boot+scenarios $boot_s s, total $(elapsed "$t0") s (console: $log.txt)"
if [ -z "$result" ]; then
	say "no USBVM-RESULT line (qemu exit $qrc); last console lines:"
	tail -n 25 "$log.txt"
	fail=$((fail + 1))
fi
# the failures again beside the tally, where a log's tail shows them
grep -E '^USBVM-SCENARIO: [^ ]* FAIL' "$log.txt" | sed 's/^USBVM-SCENARIO: /usbvm: failed: /' || true
echo "$pass passed, $fail failed, $skipn skipped"
[ "$fail" -eq 0 ] && [ "$result" = PASS ]
