# SPDX-License-Identifier: BSD-3-Clause
# Scenarios inside the usbvm VM (busybox sh). Sourced by /init, and again by
# each scenario's own shell. One simulated module (modemflash-sim behind
# modemflash-sim-usb on dummy_hcd) is driven through them in this order, so
# a scenario may rely on the mode the previous one left. To add one: write
# sc_NAME (exit 0 pass, 77 skip, else fail; say why on the last line) and
# put NAME in USBVM_ALL. The tool runs with no --sysroot: real /sys, /dev.

USBVM_ALL="normal_enum at_ttyusb list info doctor
	edl_switch edl_list edl_echo_race edl_desync_recover edl_info_usb reenum_normal
	flash_tty flash_usb backup_restore_usb backup_tty_loss
	mm_detect"
SIM_ROOT=/run/sim
SIM_STATE=/run/state
SIM_PROFILE=ec25
D=/sys/bus/usb/devices
PKG=/usbvm/pkg
PKG2=/usbvm/pkg2
SC_TIMEOUT=120

fail() {
	[ -s /tmp/mf.trace ] && tail -n 12 /tmp/mf.trace | sed 's/^/trace: /'
	echo "FAIL: $*"
	exit 1
}
ok() { echo "OK: $*"; }
skip() { echo "SKIP: $*"; exit 77; }

# wait_for SECONDS COMMAND...: poll every 0.1 s
wait_for() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		usleep 100000
		n=$((n - 1))
	done
	return 1
}
vidpid() { echo "$(cat $D/1-1/idVendor 2>/dev/null):$(cat $D/1-1/idProduct 2>/dev/null)"; }
is_dev() { [ "$(vidpid)" = "$1" ]; }
exists() { [ -e "$1" ]; }
drv_of() { basename "$(readlink $D/$1/driver 2>/dev/null)" 2>/dev/null; }
sim_ctl() { modemflash-sim-usb --send $SIM_STATE/control "$1"; }
sim_mode() { sim_ctl state | sed -n 's/.*"mode":"\([a-z]*\)".*/\1/p'; }
sim_revision() { sim_ctl state | sed -n 's/.*"revision":"\([^"]*\)".*/\1/p'; }

# mf ARGS...: the tool, its output kept in /tmp/mf.out and shown; its status
mf() {
	echo "+ modemflash $*"
	rm -f /tmp/mf.trace
	modemflash --log /tmp/mf.trace "$@" > /tmp/mf.out 2>&1
	rc=$?
	cat /tmp/mf.out
	echo "(exit $rc)"
	grep -q "is not implemented yet" /tmp/mf.out && skip "modemflash $1: not implemented yet"
	return $rc
}

# Fresh usb-serial drivers: termios is kept per ttyUSB index while they stay
# loaded, so this gives every port the kernel's defaults again (ECHO on).
reload_serial() {
	for m in option qcserial usb_wwan usbserial; do rmmod $m 2>/dev/null; done
	for m in usbserial usb_wwan qcserial option; do insmod /lib/modules/$m.ko || return 1; done
}

wait_normal() {
	wait_for "${1:-20}" is_dev 2c7c:0125 || fail "no 2c7c:0125 on 1-1 (found '$(vidpid)')"
	for i in 0 1 2 3; do
		wait_for 5 exists /dev/ttyUSB$i || fail "no /dev/ttyUSB$i"
	done
}

# A scenario that needs normal mode after one that failed in EDL: restart.
to_normal() {
	is_dev 2c7c:0125 && return 0
	echo "module in '$(vidpid)': power cycle to normal mode"
	sim_ctl "boot-pin off" > /dev/null
	sim_ctl power-cycle > /dev/null || fail "power-cycle refused"
	wait_normal 30
}

wait_edl() {
	wait_for "${1:-20}" is_dev 05c6:9008 || fail "no 05c6:9008 on 1-1 (found '$(vidpid)')"
}

# --- normal mode -----------------------------------------------------------

sc_normal_enum() {
	wait_normal 30
	tree=$SIM_ROOT/sys/bus/usb/devices/$(ls $SIM_ROOT/sys/bus/usb/devices | grep -v : | head -n1)
	for a in manufacturer product serial bcdDevice; do
		[ "$(cat $D/1-1/$a)" = "$(cat $tree/$a)" ] ||
			fail "$a: '$(cat $D/1-1/$a)', the simulator says '$(cat $tree/$a)'"
	done
	for i in 0 1 2 3 4; do
		for a in bInterfaceClass bInterfaceSubClass bInterfaceProtocol; do
			[ "$(cat $D/1-1:1.$i/$a)" = "$(cat $tree:1.$i/$a)" ] ||
				fail "interface $i $a: '$(cat $D/1-1:1.$i/$a)' vs '$(cat $tree:1.$i/$a)'"
		done
	done
	for i in 0 1 2 3; do
		[ "$(drv_of 1-1:1.$i)" = option ] || fail "interface $i bound to '$(drv_of 1-1:1.$i)', not option"
		ls $D/1-1:1.$i | grep -q '^ttyUSB' || fail "interface $i has no ttyUSB"
	done
	ok "2c7c:0125 with option on ttyUSB0..3, descriptors as in the simulator's tree"
}

# ATI straight through the kernel's option driver, no tool. The first
# open echoes what the module sent at boot (RDY) back to it (finding 1 on
# an AT port), so a bare CR ends that garbage line first.
sc_at_ttyusb() {
	stty -F /dev/ttyUSB2 raw -echo || fail "stty on ttyUSB2"
	timeout 3 cat /dev/ttyUSB2 > /tmp/ati.out &
	usleep 300000
	printf '\r' > /dev/ttyUSB2
	usleep 300000
	printf 'ATI\r' > /dev/ttyUSB2
	wait
	grep -q "mfsim2: 1 bytes from host: 52$" /tmp/bridge.log && echo "note: the module's RDY was echoed back to it (ECHO race)"
	cat /tmp/ati.out
	grep -q "EC25" /tmp/ati.out || fail "no ATI answer through /dev/ttyUSB2"
	grep -q "OK" /tmp/ati.out || fail "ATI answer without OK"
}

sc_list() {
	mf list || fail "list exited $rc"
	grep -q "2c7c:0125" /tmp/mf.out || fail "list does not show 2c7c:0125"
	grep -q "normal" /tmp/mf.out || fail "list does not say normal mode"
	grep -Eq "AT +if2 +/dev/ttyUSB2 +driver option" /tmp/mf.out || fail "AT port is not /dev/ttyUSB2 (option)"
	grep -Eq "DIAG +if0 +/dev/ttyUSB0" /tmp/mf.out || fail "DIAG port is not /dev/ttyUSB0"
}

sc_info() {
	rev=$(sim_revision)
	mf info || fail "info exited $rc"
	grep -q "revision: *$rev" /tmp/mf.out || fail "revision is not the simulator's '$rev'"
	grep -q "imei" /tmp/mf.out || fail "no IMEI"
}

sc_doctor() {
	mf doctor || fail "doctor exited $rc"
	grep -q "no blocking finding" /tmp/mf.out || fail "doctor reports a blocking finding"
}

# --- EDL: the switch, re-enumeration, finding 1 ------------------------------

# The BOOT pin pulled over a power cycle: a fresh 05c6:9008 (new devnum),
# which sends its HELLO again. The pin is read at power-on only.
edl_by_pin() {
	# a previous scenario may leave the module re-enumerating: wait for it,
	# so that the devnum compared below is not empty
	wait_for 20 has_dev || fail "no USB device on 1-1 before the power cycle"
	dn=$(cat $D/1-1/devnum 2>/dev/null)
	sim_ctl "boot-pin on" > /dev/null || fail "boot-pin refused"
	sim_ctl power-cycle > /dev/null || fail "power-cycle refused"
	sim_ctl "boot-pin off" > /dev/null
	wait_for 20 is_new_edl "$dn" || fail "no new 05c6:9008 after the power cycle ('$(vidpid)')"
	settle_edl
}

# The bridge may re-bind once more while the simulator's tree fills in:
# wait until the same 05c6:9008 has stayed for a second.
settle_edl() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		d1=$(cat $D/1-1/devnum 2>/dev/null)
		usleep 1000000
		is_dev 05c6:9008 && [ -n "$d1" ] && [ "$(cat $D/1-1/devnum 2>/dev/null)" = "$d1" ] && return 0
		wait_for 10 is_dev 05c6:9008
	done
	fail "05c6:9008 does not stay on 1-1"
}
is_new_edl() { is_dev 05c6:9008 && [ "$(cat $D/1-1/devnum 2>/dev/null)" != "$1" ]; }
has_dev() { [ -e $D/1-1/devnum ]; }

# The DIAG switch (as the tool sends it) followed across re-enumeration.
sc_edl_switch() {
	is_dev 2c7c:0125 || fail "not in normal mode ('$(vidpid)')"
	dn=$(cat $D/1-1/devnum)
	stty -F /dev/ttyUSB0 raw -echo || fail "stty on the DIAG port"
	# DIAG subsystem EDL switch 4b 65 01 00, HDLC CRC 54 0f, 7e; the leading
	# 7e ends whatever stale bytes the module has before it
	printf '\176\113\145\001\000\124\017\176' > /dev/ttyUSB0 || fail "write to the DIAG port"
	wait_edl
	wait_for 5 exists /dev/ttyUSB0 || fail "no /dev/ttyUSB0 for 05c6:9008"
	# (qcserial's QDL probe binds only with bulk IN first: that checks the order)
	[ "$(drv_of 1-1:1.0)" = qcserial ] || fail "05c6:9008 bound to '$(drv_of 1-1:1.0)', not qcserial"
	[ "$(cat $D/1-1/devnum)" != "$dn" ] || fail "same devnum: no re-enumeration"
	[ -e $D/1-1/serial ] && fail "05c6:9008 has a serial number '$(cat $D/1-1/serial)'"
	[ "$(cat $D/1-1/product)" = "QUSB__BULK" ] || fail "product '$(cat $D/1-1/product)'"
	mf info || fail "info over ttyUSB0 (qcserial) exited $rc"
	grep -qi "serial" /tmp/mf.out || fail "no Sahara serial in the EDL info"
	ok "05c6:9008 on qcserial, Sahara info over ttyUSB0"
}

sc_edl_list() {
	is_dev 05c6:9008 || fail "not in EDL ('$(vidpid)')"
	mf list || fail "list exited $rc"
	grep -q "05c6:9008" /tmp/mf.out || fail "list does not show 05c6:9008"
	grep -qi "edl" /tmp/mf.out || fail "list does not say EDL"
}

# Finding 1 (docs/usbvm.md): a fresh ttyUSB has ECHO on, and the EDL device
# sends HELLO as soon as the port opens, so the kernel echoes it back
# byte by byte unless the tool goes raw at once and recovers a desync
# without a replug. Reloading the usb-serial drivers gives every ttyUSB
# index the kernel's default termios again, as on a freshly plugged module.
sc_edl_echo_race() {
	provoked=0
	# the window is a race under TCG too: up to three fresh EDL devices
	for try in 1 2 3; do
		reload_serial || fail "cannot reload the usb-serial drivers"
		edl_by_pin
		wait_for 5 exists /dev/ttyUSB0 || fail "no /dev/ttyUSB0 for 05c6:9008"
		# never open ttyUSB0 here: the first open is the tool's
		mark=$(wc -l < /tmp/bridge.log)
		mf info
		r=$rc
		# the gadget logs every transfer from the host: 1-byte ones are the echo
		echoed=$(tail -n +$((mark + 1)) /tmp/bridge.log | grep -c "mfsim0: 1 bytes from host")
		[ "$echoed" -gt 0 ] && echo "try $try: race provoked, $echoed echoed bytes reached the device"
		[ $r = 0 ] || fail "try $try: info over a fresh ttyUSB0 exited $r"
		grep -qi "serial" /tmp/mf.out || fail "try $try: no Sahara serial in the EDL info"
		[ "$echoed" -gt 0 ] && { provoked=$try; break; }
	done
	if [ $provoked -gt 0 ]; then
		ok "race provoked (try $provoked) and survived"
	else
		ok "EDL info over a fresh ttyUSB0 x3 (race not provoked this run)"
	fi
}

# Finding 1, deterministic: something opened the fresh port before the tool
# (a modem manager probing, a terminal), so the HELLO is gone and its echo
# reached the device. The tool must recover without a replug.
sc_edl_desync_recover() {
	reload_serial || fail "cannot reload the usb-serial drivers"
	edl_by_pin
	wait_for 5 exists /dev/ttyUSB0 || fail "no /dev/ttyUSB0 for 05c6:9008"
	mark=$(wc -l < /tmp/bridge.log)
	timeout 1 cat /dev/ttyUSB0 > /tmp/stolen.bin
	echo "a prober read $(wc -c < /tmp/stolen.bin) bytes;" \
		"$(tail -n +$((mark + 1)) /tmp/bridge.log | grep -c 'mfsim0: 1 bytes from host') echoed to the device"
	mf info || fail "info after a desync exited $rc (no recovery without a replug)"
	grep -qi "serial" /tmp/mf.out || fail "no Sahara serial in the EDL info"
	ok "recovered from a stolen HELLO and an echoed one"
}

# libusb: no qcserial at all, the tool claims the interface itself
sc_edl_info_usb() {
	rmmod qcserial 2>/dev/null
	edl_by_pin
	mf info
	r=$rc
	insmod /lib/modules/qcserial.ko
	[ $r = 0 ] || fail "info over libusb exited $r"
	grep -qi "serial" /tmp/mf.out || fail "no Sahara serial in the EDL info"
	ok "Sahara info over libusb"
}

# EDL -> normal: the module restarts; the bridge re-enumerates it
sc_reenum_normal() {
	sim_ctl power-cycle || fail "power-cycle refused"
	wait_normal 30
	[ "$(sim_mode)" = normal ] || fail "simulator mode '$(sim_mode)'"
	ok "back to 2c7c:0125 after the restart"
}

# --- flash, backup, restore --------------------------------------------------

flash_check() {	# [PACKAGE]
	want=$(cat ${1:-$PKG}.revision)
	wait_normal 60
	[ "$(sim_revision)" = "$want" ] || fail "simulator reports '$(sim_revision)', package is '$want'"
}

sc_flash_tty() {
	[ -d $PKG ] || skip "no package (mkpkg failed on the host)"
	to_normal
	# the tool would take libusb (accessible as root): force the tty path
	export MODEMFLASH_EDL_LINK=tty
	# --no-backup: a backup reads whole partitions (about 450 MiB on the
	# EC25); backup_restore_usb and backup_tty_loss cover backups
	mf flash --no-backup $PKG || fail "flash over ttyUSB exited $rc"
	flash_check
}

# With qcserial not loaded, the tool must use libusb on 05c6:9008.
sc_flash_usb() {
	[ -d $PKG2 ] || skip "no second package (mkpkg failed on the host)"
	to_normal
	rmmod qcserial
	mf flash --no-backup $PKG2
	r=$rc
	insmod /lib/modules/qcserial.ko
	[ $r = 0 ] || fail "flash over libusb exited $r"
	grep -qi "libusb" /tmp/mf.out /tmp/mf.trace || fail "flash did not say it used libusb"
	flash_check $PKG2
}

# Backup, restore, backup again over libusb: the two backups must agree.
digests() { (cd "$1" && find . -type f ! -name '*.xml' ! -name '*.txt' ! -name '*.json' | sort | xargs md5sum); }
sc_backup_restore_usb() {
	[ -d $PKG-bk ] || skip "no package (backup takes the programmer and partition table from it)"
	to_normal
	rmmod qcserial
	mf backup -o /tmp/bk1 $PKG-bk || { r=$rc; insmod /lib/modules/qcserial.ko; fail "backup exited $r"; }
	wait_normal 60
	mf restore /tmp/bk1 || { r=$rc; insmod /lib/modules/qcserial.ko; fail "restore exited $r"; }
	wait_normal 60
	mf backup -o /tmp/bk2 $PKG-bk || { r=$rc; insmod /lib/modules/qcserial.ko; fail "second backup exited $r"; }
	insmod /lib/modules/qcserial.ko
	digests /tmp/bk1 > /tmp/bk1.md5
	digests /tmp/bk2 > /tmp/bk2.md5
	[ -s /tmp/bk1.md5 ] || fail "backup holds no image"
	cmp -s /tmp/bk1.md5 /tmp/bk2.md5 || { diff /tmp/bk1.md5 /tmp/bk2.md5; fail "backups differ"; }
	ok "$(wc -l < /tmp/bk1.md5) images, identical digests"
}

# Finding 2 (docs/usbvm.md): usb_wwan drops device->host data when the reader
# lags (no flow control). Two CPU hogs make the tool's reader fall behind.
# The backup over ttyUSB must either match the libusb backup or fail
# saying so: a silently bad backup is the failure.
sc_backup_tty_loss() {
	[ -d $PKG-bk ] || skip "no package (backup takes the programmer and partition table from it)"
	to_normal
	(while :; do :; done) & h1=$!
	(while :; do :; done) & h2=$!
	export MODEMFLASH_EDL_LINK=tty
	mf backup -o /tmp/bk-tty $PKG-bk
	r=$rc
	kill $h1 $h2
	if [ $r != 0 ]; then
		grep -Eqi "lost|loss|missing|short|mismatch|digest" /tmp/mf.out ||
			fail "backup over ttyUSB failed ($r) without naming a data loss"
		ok "loss detected and reported (exit $r)"
		return 0
	fi
	[ -s /tmp/bk1.md5 ] || skip "backup over ttyUSB done, but no libusb backup to compare it with"
	digests /tmp/bk-tty > /tmp/bk-tty.md5
	cmp -s /tmp/bk1.md5 /tmp/bk-tty.md5 || { diff /tmp/bk1.md5 /tmp/bk-tty.md5; fail "silently bad backup over ttyUSB"; }
	ok "backup over ttyUSB matches the libusb backup ($(grep -c 'reading it again' /tmp/mf.out) chunks lost and read again)"
}

# --- ModemManager (Debian's, with udev and a system bus) --------------------

# Started by the first mm_ scenario, after the others: MM would otherwise
# probe every port those open by hand. Logs to /tmp/mm.log (--debug).
mm_start() {
	[ -x /usr/sbin/ModemManager ] || skip "no ModemManager in the image (packages unavailable on the host)"
	pidof ModemManager > /dev/null && return 0
	export PATH=$PATH:/usr/sbin
	mkdir -p /run/dbus /run/udev /var
	# clients look for the system bus under /var/run
	[ -e /var/run ] || ln -s /run /var/run
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
	dbus-daemon --config-file=/usbvm/system-bus.conf --fork --nopidfile > /tmp/dbus.log 2>&1 ||
		{ cat /tmp/dbus.log; fail "dbus-daemon did not start"; }
	wait_for 5 exists /run/dbus/system_bus_socket || fail "no system bus socket"
	/lib/systemd/systemd-udevd --daemon > /tmp/udevd.log 2>&1 || fail "systemd-udevd did not start"
	udevadm trigger --action=add --subsystem-match=usb --subsystem-match=tty
	udevadm settle -t 20 || echo "note: udevadm settle timed out"
	/usr/sbin/ModemManager --debug --log-level=DEBUG --log-timestamps > /tmp/mm.log 2>&1 &
	wait_for 20 mm_on_bus || { tail -n 20 /tmp/mm.log; fail "ModemManager did not come up on the system bus"; }
}
mm_on_bus() { mmcli -L > /dev/null 2>&1; }
mm_listed() { mmcli -L 2>/dev/null | grep -q '/Modem/'; }
mm_log_tail() { tail -n "${1:-15}" /tmp/mm.log | sed 's/^/mm: /'; }

# MM finds the simulated EC25 on the gadget as a modem, by its AT probing.
sc_mm_detect() {
	to_normal
	mm_start
	udevadm info /dev/ttyUSB0 | grep -q 'ID_MM_PORT_TYPE_QCDM=1' ||
		echo "note: MM's port-type rules did not tag ttyUSB0"
	wait_for 100 mm_listed || { mm_log_tail 25; fail "mmcli -L lists no modem after 100 s"; }
	mmcli -L
	mmcli -m any > /tmp/mm-modem.txt 2>&1 || { cat /tmp/mm-modem.txt; fail "mmcli -m any failed"; }
	cat /tmp/mm-modem.txt
	base=$(sim_revision | cut -d_ -f1)
	grep -q "revision: $base" /tmp/mm-modem.txt || fail "mmcli -m any does not show revision '$base'"
	grep -qi "quectel" /tmp/mm-modem.txt || fail "mmcli -m any does not name Quectel"
	ok "MM lists the module, revision $base ($(grep -o "plugin: [^ ]*" /tmp/mm-modem.txt | head -n1))"
}

# --- runner ------------------------------------------------------------------

usbvm_start_sim() {
	mkdir -p $SIM_ROOT $SIM_STATE
	modemflash-sim --root $SIM_ROOT --state $SIM_STATE --profile $SIM_PROFILE \
		--timing fast --verbose > /tmp/sim.log 2>&1 &
	modemflash-sim-usb --root $SIM_ROOT --verbose > /tmp/bridge.log 2>&1 &
}

usbvm_main() {
	sel=$(cat /usbvm/select 2>/dev/null)
	[ -n "$sel" ] || sel=$USBVM_ALL
	usbvm_start_sim
	# a subset may start with a scenario that needs the simulator's socket
	wait_for 10 exists $SIM_STATE/control || echo "USBVM-NOTE: no simulator control socket after 10 s"
	fails=0
	passes=0
	for s in $sel; do
		t0=$(cut -d' ' -f1 /proc/uptime)
		timeout $SC_TIMEOUT sh -c ". /usbvm/scenarios.sh; sc_$s" > /tmp/sc-$s.log 2>&1
		rc=$?
		t1=$(cut -d' ' -f1 /proc/uptime)
		dt=$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.1f", b - a }')
		why=$(grep -E '^(FAIL|SKIP): ' /tmp/sc-$s.log | tail -n1 | sed 's/^[A-Z]*: //')
		case $rc in
		0)
			what=$(sed -n 's/^OK: //p' /tmp/sc-$s.log | tail -n1)
			echo "USBVM-SCENARIO: $s PASS ${dt}s${what:+ ($what)}"
			passes=$((passes + 1))
			;;
		77) echo "USBVM-SCENARIO: $s SKIP ${dt}s ($why)" ;;
		*)
			[ $rc = 143 ] && why="timed out after ${SC_TIMEOUT}s"
			echo "USBVM-SCENARIO: $s FAIL ${dt}s (${why:-exit $rc})"
			fails=$((fails + 1))
			tail -n 25 /tmp/sc-$s.log | sed "s/^/USBVM-LOG: $s | /"
			tail -n 8 /tmp/bridge.log | sed "s/^/USBVM-LOG: $s bridge | /"
			tail -n 8 /tmp/sim.log | sed "s/^/USBVM-LOG: $s sim | /"
			;;
		esac
	done
	if [ $fails = 0 ] && [ $passes -gt 0 ]; then
		echo "USBVM-RESULT: PASS"
	else
		echo "USBVM-RESULT: FAIL"
	fi
}
