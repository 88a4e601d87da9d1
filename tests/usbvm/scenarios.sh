# SPDX-License-Identifier: BSD-3-Clause
# Scenarios inside the usbvm VM (busybox sh). Sourced by /init, and again by
# each scenario's own shell. One simulated module (modemflash-sim behind
# modemflash-sim-usb on dummy_hcd) is driven through them in this order, so
# a scenario may rely on the mode the previous one left. To add one: write
# sc_NAME (exit 0 pass, 77 skip, else fail; say why on the last line) and
# put NAME in USBVM_ALL. The tool runs with no --sysroot: real /sys, /dev.

USBVM_ALL="normal_enum at_ttyusb list info doctor
	edl_switch edl_list edl_echo_race edl_desync_recover edl_info_usb reenum_normal
	flash_tty flash_usb backup_restore_usb backup_tty_loss qdl_compare
	mm_detect mm_flash mm_fail_release mm_killed mm_refused mm_fota
	mm_sigkill mm_user_flash"
SIM_ROOT=/run/sim
SIM_STATE=/run/state
SIM_PROFILE=ec25
D=/sys/bus/usb/devices
PKG=/usbvm/pkg
PKG2=/usbvm/pkg2
SC_TIMEOUT=120
SC_TIMEOUT_LONG=300	# three runs in one, or a flash then MM probing anew

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
	# polkit before MM: MM asks it about every InhibitDevice (Debian's
	# build, "strict"); polkitd drops to its own user, so /run is open
	if [ -x /usr/lib/polkit-1/polkitd ]; then
		: > /tmp/polkitd.log
		/usr/lib/polkit-1/polkitd > /tmp/polkitd.log 2>&1 &
		wait_for 10 grep -q 'Acquired the name' /tmp/polkitd.log ||
			{ cat /tmp/polkitd.log; fail "polkitd did not come up on the system bus"; }
	fi
	/lib/systemd/systemd-udevd --daemon > /tmp/udevd.log 2>&1 || fail "systemd-udevd did not start"
	udevadm trigger --action=add --subsystem-match=usb --subsystem-match=tty
	udevadm settle -t 20 || echo "note: udevadm settle timed out"
	# a log file: without one MM logs to syslog, and with no syslogd
	# (LOG_CONS) every debug line goes to the serial console, which costs
	# seconds per probe under TCG
	/usr/sbin/ModemManager --debug --log-level=DEBUG --log-timestamps --log-file=/tmp/mm.log \
		> /tmp/mm.err 2>&1 &
	wait_for 20 mm_on_bus || { tail -n 20 /tmp/mm.log; fail "ModemManager did not come up on the system bus"; }
}
mm_on_bus() { mmcli -L > /dev/null 2>&1; }
mm_listed() { mmcli -L 2>/dev/null | grep -q '/Modem/'; }
mm_log_tail() { tail -n "${1:-15}" /tmp/mm.log | sed 's/^/mm: /'; }

# MM finds the simulated EC25 on the gadget as a modem, by its AT probing.
sc_mm_detect() {
	to_normal
	# all mm_ scenarios run on a quarter of the module's real times: FOTA
	# needs them (sim_retime), and a restart with MM running costs a probe
	sim_real
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

# Flash and fota with MM running: modemflash must inhibit the module through
# MM (InhibitDevice, checked by polkitd) before its first byte, hold it
# across the EDL switch and every re-enumeration, release it at the end or
# on failure, and MM must then find the module again with the new revision.
# MM's debug log shows every AT command it sends ("-->"): none may appear
# while the inhibition is held.
mm_mark() { wc -l < /tmp/mm.log; }
now() { cut -d' ' -f1 /proc/uptime; }
dt() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
mm_since() { tail -n +$(($1 + 1)) /tmp/mm.log; }
mm_uid1() { mmcli -m any 2>/dev/null | sed -n 's/.*device: \(\/sys\/[^ ]*\).*/\1/p' | head -n1; }
mm_has_uid() { [ -n "$(mm_uid1)" ]; }
mm_uid() {	# the modem's Device property (what InhibitDevice takes); never empty
	wait_for 20 mm_has_uid || { echo "FAIL: mmcli -m any shows no device uid" >&2; echo /nonexistent; return; }
	mm_uid1
}
mm_rev() { mmcli -m any 2>/dev/null | sed -n 's/.*firmware revision: \([^ ]*\).*/\1/p' | head -n1; }
mm_ready() {	# MM lists the module with revision $1 (the part before "_")
	to_normal
	mm_start
	wait_for 120 mm_has_rev "$1" || {
		mm_log_tail 20
		mmcli -m any
		fail "MM does not list the module with revision '$1' (found '$(mm_rev)')"
	}
}
mm_has_rev() { mm_listed && [ "$(mm_rev)" = "$1" ]; }
base_of() { echo "${1%%_*}"; }

# The inhibition as MM logged it between mark $1 and now: set up for uid $2,
# torn down afterwards (by the call, or MM seeing the caller leave), and no
# AT command from MM in between (no port fight, no probe of the EDL port).
mm_check_hold() {
	mm_since "$1" > /tmp/mm-window.log
	on=$(grep -n "device inhibition setup for uid '$2'" /tmp/mm-window.log | head -n1 | cut -d: -f1)
	off=$(grep -n "device inhibition teardown for uid '$2'" /tmp/mm-window.log | head -n1 | cut -d: -f1)
	[ -n "$on" ] || { tail -n 20 /tmp/mm-window.log; fail "MM logged no inhibition of '$2'"; }
	[ -n "$off" ] && [ "$off" -gt "$on" ] || { tail -n 20 /tmp/mm-window.log; fail "MM logged no release of '$2'"; }
	sed -n "${on},${off}p" /tmp/mm-window.log > /tmp/mm-held.log
	if grep -q -- "-->" /tmp/mm-held.log; then
		grep -- "-->" /tmp/mm-held.log | head -n 5
		fail "MM sent AT commands while the module was inhibited"
	fi
	held_lines=$((off - on))
}

# The tool's side: the inhibition is in its trace before the first byte it
# sends to the module, and it says so once.
mf_check_first() {
	first=$(grep -n 'trace: -> ' /tmp/mf.trace | head -n1 | cut -d: -f1)
	inh=$(grep -n 'ModemManager leaves .* alone until the end of this run' /tmp/mf.trace | head -n1 | cut -d: -f1)
	[ -n "$inh" ] || fail "the trace does not say that ModemManager was inhibited"
	[ -n "$first" ] && [ "$inh" -lt "$first" ] || fail "the inhibition came after the first byte to the module"
}

sc_mm_flash() {
	[ -d /usbvm/pkg3 ] || skip "no package (mkpkg failed on the host)"
	want=$(cat /usbvm/pkg3.revision)
	mm_ready "$(base_of "$(sim_revision)")"
	uid=$(mm_uid)
	[ -n "$uid" ] || fail "mmcli -m any shows no device uid"
	mark=$(mm_mark)
	t=$(now)
	mf flash --no-backup /usbvm/pkg3 || { mm_log_tail 20; fail "flash with MM running exited $rc"; }
	tool=$(dt $t)
	t=$(now)
	grep -Eqi "busy|ModemManager .*(refused|did not)" /tmp/mf.out && fail "the flash met MM on the port"
	flash_check /usbvm/pkg3
	mf_check_first
	wait_for 120 mm_has_rev "$(base_of "$want")" || {
		mm_log_tail 20
		fail "MM did not pick the module up again with revision '$(base_of "$want")' (found '$(mm_rev)')"
	}
	back=$(dt $t)
	mm_check_hold "$mark" "$uid"
	grep -c "while inhibited" /tmp/mm-held.log | sed 's/^/ports MM saw come and go while inhibited: /'
	ok "inhibited before the first byte, held through EDL (no AT from MM); flash ${tool}s, MM lists $(mm_rev) ${back}s later"
}

# SIGTERM in the middle of a fota: the inhibition must end, by the tool's
# own release on the signal or, were it to die without one, by MM seeing
# its bus connection close ("owner disappeared from bus"). The module
# finishes the update on its own; MM then finds it with the delta's revision.
sc_mm_killed() {
	sim_real
	from=$(sim_revision)
	to=EC25EFAR06A05M4G_01.001.01.001
	mkdelta --profile $SIM_PROFILE --from "$from" --to "$to" -o /tmp/delta-k.bin > /dev/null ||
		fail "mkdelta failed"
	mm_ready "$(base_of "$from")"
	uid=$(mm_uid)
	mark=$(mm_mark)
	echo "+ modemflash fota /tmp/delta-k.bin --port /dev/ttyUSB2 (SIGTERM once the update runs)"
	modemflash fota /tmp/delta-k.bin --port /dev/ttyUSB2 > /tmp/mf.out 2>&1 &
	pid=$!
	wait_for 60 grep -q "update started" /tmp/mf.out || { kill $pid; cat /tmp/mf.out; fail "the update did not start"; }
	kill -TERM $pid
	wait $pid
	rc=$?
	cat /tmp/mf.out
	echo "(exit $rc)"
	[ $rc = 143 ] || fail "the tool did not die of SIGTERM (exit $rc)"
	# the tool's handler releases it (teardown by the call); without one the
	# kernel closes the socket and MM sees the caller leave the bus
	wait_for 60 mm_since_has "$mark" "device inhibition teardown for uid '$uid'" || {
		mm_since "$mark" | grep -E 'inhibit|teardown' | sed 's/^/mm: /'
		fail "MM did not end the inhibition of '$uid' when the tool died"
	}
	wait_for 60 sim_at "$to" || fail "the module did not finish the update ('$(sim_revision)')"
	wait_for 120 mm_has_rev "$(base_of "$to")" || { mm_log_tail 20; fail "MM did not pick the module up again"; }
	mm_check_hold "$mark" "$uid"
	how="by the tool's call"
	mm_since_has "$mark" "(owner disappeared from bus)" && how="MM saw the tool leave the bus"
	ok "SIGTERM mid-update: released ($how), MM took the module back ($(mm_rev))"
}
mm_since_has() { mm_since "$1" | grep -qF "$2"; }
sim_at() { [ "$(sim_revision)" = "$1" ]; }

# A failure after the inhibition (a downgrade, refused once the module's
# revision is read): released all the same, MM takes the module back.
sc_mm_fail_release() {
	[ -d $PKG ] || skip "no package (mkpkg failed on the host)"
	rev=$(sim_revision)
	mm_ready "$(base_of "$rev")"
	uid=$(mm_uid)
	mark=$(mm_mark)
	mf flash --no-backup $PKG && fail "a downgrade with MM running was not refused"
	[ "$(sim_revision)" = "$rev" ] || fail "the module changed to '$(sim_revision)'"
	wait_for 60 mm_has_rev "$(base_of "$rev")" || { mm_log_tail 20; fail "MM did not take the module back"; }
	mm_check_hold "$mark" "$uid"
	ok "exit $rc, inhibition released, MM lists the module again"
}

# A user polkit does not let inhibit MM (no sudo, no rule): one sentence
# with the fix, nothing sent to the module, MM keeps it.
as_user() {	# COMMAND...: as mfuser, the tool's trace in /tmp/mf.trace
	mkdir -p /tmp/mfuser && chown mfuser:mfuser /tmp/mfuser
	rm -f /tmp/mf.trace
	echo "+ (mfuser) $*"
	su -s /bin/sh mfuser -c "HOME=/tmp/mfuser $*" > /tmp/mf.out 2>&1
	rc=$?
	cat /tmp/mf.out
	echo "(exit $rc)"
	return $rc
}
sc_mm_refused() {
	[ -d /usbvm/pkg3 ] || skip "no package (mkpkg failed on the host)"
	rev=$(sim_revision)
	mm_ready "$(base_of "$rev")"
	rm -f /etc/polkit-1/rules.d/50-modemflash.rules
	mark=$(mm_mark)
	as_user modemflash --log /tmp/mf.trace flash --no-backup /usbvm/pkg3 && fail "the flash went ahead without the inhibition"
	[ $rc = 1 ] || fail "exit $rc, not 1"
	grep -q "refused to leave it alone" /tmp/mf.out || fail "no sentence saying MM refused"
	grep -q "ModemManager1.Control" /tmp/mf.out || fail "the hint does not name the polkit action"
	[ "$(grep -Ec 'error|: flash:' /tmp/mf.out)" = 1 ] || fail "not one sentence"
	grep -q '^hint: .*sudo' /tmp/mf.out || fail "no hint with the fix"
	grep -Eqi "busy|resource" /tmp/mf.out && fail "the tool went on to the port"
	[ -s /tmp/mf.trace ] && grep -q 'trace: -> ' /tmp/mf.trace && fail "the tool sent bytes to the module"
	[ "$(sim_mode)" = normal ] && [ "$(sim_revision)" = "$rev" ] || fail "the module changed"
	mm_since "$mark" | grep -q "device inhibition setup" && fail "MM inhibited the module all the same"
	mm_listed || fail "MM lost the module"
	ok "nothing sent, MM keeps the module; the tool said: $(grep -m1 -o 'refused to leave it alone[^:]*: .*' /tmp/mf.out | cut -c1-110)"
}

# fota over the USB AT port MM uses as its primary, as a user without sudo
# with the fix the hint names: the polkit rule modemflash installs
# (data/50-modemflash.rules: plugdev, the group the udev rule gives the EDL
# device to, gets ModemManager1.Control). Held through both
# restarts (QFOTADL's, then the end of the update), the tool follows the
# URCs to the END, MM reports the delta's revision.
sc_mm_fota() {
	sim_real
	from=$(sim_revision)
	to=EC25EFAR06A06M4G_01.001.01.001
	mkdelta --profile $SIM_PROFILE --from "$from" --to "$to" -o /tmp/delta.bin > /dev/null ||
		fail "mkdelta failed"
	chmod 644 /tmp/delta.bin
	mm_ready "$(base_of "$from")"
	uid=$(mm_uid)
	mmcli -m any | grep -q "ttyUSB2 (at)" || echo "note: MM does not list ttyUSB2 as an AT port"
	polkit_rule
	ls -l /dev/ttyUSB2
	mark=$(mm_mark)
	t=$(now)
	as_user modemflash --log /tmp/mf.trace fota /tmp/delta.bin --port /dev/ttyUSB2 --timeout 90 ||
		{ mm_log_tail 20; fail "fota as mfuser with the polkit rule exited $rc"; }
	tool=$(dt $t)
	t=$(now)
	[ "$(sim_revision)" = "$to" ] || fail "simulator reports '$(sim_revision)', the delta is to '$to'"
	grep -q '"FOTA","END",0' /tmp/mf.out || fail "the tool did not follow the update to its END report"
	mf_check_first
	wait_for 120 mm_has_rev "$(base_of "$to")" ||
		{ mm_log_tail 20; fail "MM did not pick the module up again with '$(base_of "$to")' (found '$(mm_rev)')"; }
	back=$(dt $t)
	mm_check_hold "$mark" "$uid"
	ok "mfuser with the rule: inhibited through both restarts (no AT from MM); fota ${tool}s, MM lists $(mm_rev) ${back}s later"
}

# The shipped polkit rule in place (polkitd reads its rules directory anew).
polkit_rule() {
	[ -s /usbvm/50-modemflash.rules ] || fail "no data/50-modemflash.rules in the image"
	cmp -s /usbvm/50-modemflash.rules /etc/polkit-1/rules.d/50-modemflash.rules && return 0
	cp /usbvm/50-modemflash.rules /etc/polkit-1/rules.d/
	wait_for 10 grep -q 'executing 2 rules' /tmp/polkitd.log ||
		echo "note: polkitd did not say it reloaded its rules"
}

# SIGKILL while the tool writes (after the EDL switch): no handler runs, so
# the inhibition can only end by MM seeing the tool's bus connection close;
# the flock on the module goes with the process. The module stays in EDL,
# partly written; MM must leave the EDL device alone (ID_MM_DEVICE_IGNORE
# from data/60-modemflash.rules); the same command run again finishes the
# update and MM lists the new revision.
sc_mm_sigkill() {
	[ -d /usbvm/pkg4 ] || skip "no package (mkpkg failed on the host)"
	want=$(cat /usbvm/pkg4.revision)
	sim_real
	from=$(sim_revision)
	mm_ready "$(base_of "$from")"
	uid=$(mm_uid)
	mark=$(mm_mark)
	rm -f /tmp/mf.trace
	echo "+ modemflash flash --no-backup /usbvm/pkg4 (SIGKILL once it writes)"
	modemflash --log /tmp/mf.trace flash --no-backup /usbvm/pkg4 > /tmp/mf.out 2>&1 &
	pid=$!
	wait_for 120 grep -q '<program ' /tmp/mf.trace ||
		{ kill -KILL $pid; cat /tmp/mf.out; fail "the tool did not start writing"; }
	kill -KILL $pid
	wait $pid
	rc=$?
	cat /tmp/mf.out
	echo "(exit $rc)"
	[ $rc = 137 ] || fail "the tool did not die of SIGKILL (exit $rc)"
	wrote=$(grep -c '<program ' /tmp/mf.trace)
	echo "killed after $wrote <program> commands; module: $(vidpid), simulator mode '$(sim_mode)', revision '$(sim_revision)'"
	wait_for 30 mm_since_has "$mark" "device inhibition teardown for uid '$uid'" || {
		mm_since "$mark" | grep -E 'inhibit|teardown' | sed 's/^/mm: /'
		fail "MM kept the inhibition of '$uid' after the tool was killed"
	}
	mm_since_has "$mark" "(owner disappeared from bus)" ||
		fail "the teardown was not MM seeing the tool leave the bus"
	gone=$(mm_mark)
	is_dev 05c6:9008 || fail "the module left EDL by itself ('$(vidpid)', mode '$(sim_mode)')"
	[ "$(sim_revision)" = "$want" ] && fail "the simulator already reports the new revision"
	udevadm info /sys/bus/usb/devices/1-1 | grep -q 'ID_MM_DEVICE_IGNORE=1' ||
		fail "the EDL device is not tagged ID_MM_DEVICE_IGNORE"
	ttys=$(ls -d $D/1-1:1.0/ttyUSB* 2>/dev/null | wc -l)
	[ -e /dev/ttyUSB0 ] && [ "$ttys" -gt 0 ] &&
		{ udevadm info /dev/ttyUSB0 | grep -q 'ID_MM_DEVICE_IGNORE=1' || fail "the EDL tty is not tagged ID_MM_DEVICE_IGNORE"; }
	# MM, free again, must not take the EDL device: no modem, no AT command
	usleep 8000000
	mm_listed && { mmcli -L; fail "MM lists a modem while the module is in EDL"; }
	if mm_since "$gone" | grep -q -- "-->"; then
		mm_since "$gone" | grep -- "-->" | head -n 5
		fail "MM sent commands to the EDL device"
	fi
	# the user runs the same command again
	mf flash --no-backup /usbvm/pkg4 || { mm_log_tail 20; fail "the re-run exited $rc"; }
	how="no programmer left waiting"
	grep -q "padding sent, the programmer answered" /tmp/mf.trace && how="the EDL probe ended the <program>"
	grep -q "interrupted <program> ended" /tmp/mf.trace && how="the programmer's ACK was left unread; configure ended the <program>"
	echo "re-run: $how"
	flash_check /usbvm/pkg4
	wait_for 120 mm_has_rev "$(base_of "$want")" ||
		{ mm_log_tail 20; fail "MM did not pick the module up again with '$(base_of "$want")' (found '$(mm_rev)')"; }
	ok "killed after $wrote <program>s: MM dropped the inhibition (owner left the bus), left the EDL device alone ($ttys tty); re-run: $how; MM lists $(mm_rev)"
}

# The whole safe update (preflight, backup, flash, verify, post-check) as
# mfuser, a user without sudo in dialout (the ttys) and plugdev (the EDL
# device, data/60-modemflash.rules), with the shipped polkit rule: the tool
# inhibits MM (polkit allows it), flashes and releases it.
sc_mm_user_flash() {
	[ -d /usbvm/pkg5 ] || skip "no package (mkpkg failed on the host)"
	want=$(cat /usbvm/pkg5.revision)
	sim_real
	mm_ready "$(base_of "$(sim_revision)")"
	uid=$(mm_uid)
	polkit_rule
	chmod -R a+rX /usbvm/pkg5
	ls -l /dev/ttyUSB0 /dev/ttyUSB2
	mark=$(mm_mark)
	t=$(now)
	as_user modemflash --log /tmp/mf.trace flash /usbvm/pkg5 ||
		{ mm_log_tail 20; fail "flash as mfuser with the polkit rule exited $rc"; }
	tool=$(dt $t)
	t=$(now)
	grep -Eqi "refused|busy|permission denied" /tmp/mf.out && fail "the flash met a refusal on the way"
	# the rule opens the EDL device to plugdev: libusb, not the tty, even
	# when the tool looks before udev has run the rule
	grep -q "EDL over libusb" /tmp/mf.trace || fail "mfuser (plugdev) got the tty link, not libusb"
	udev=$(grep -o "udev [a-z ]* after [0-9]* ms" /tmp/mf.trace | head -n1)
	flash_check /usbvm/pkg5
	mf_check_first
	bk=$(find /tmp/mfuser -name '*.xml' -path '*backups*' 2>/dev/null | head -n1)
	[ -n "$bk" ] || fail "no backup under mfuser's XDG data directory"
	[ "$(stat -c %U "$bk")" = mfuser ] || fail "the backup belongs to '$(stat -c %U "$bk")'"
	grep -qi "post-check" /tmp/mf.out /tmp/mf.trace || fail "no post-check in the output"
	wait_for 120 mm_has_rev "$(base_of "$want")" ||
		{ mm_log_tail 20; fail "MM did not pick the module up again with '$(base_of "$want")' (found '$(mm_rev)')"; }
	back=$(dt $t)
	mm_check_hold "$mark" "$uid"
	mm_since "$mark" | grep -q "(owner disappeared from bus)" && fail "released by leaving the bus, not by the call"
	ok "mfuser with the shipped rule: inhibited, libusb${udev:+ ($udev)}, backup + flash + post-check ${tool}s, released by the call; MM lists $(mm_rev) ${back}s later"
}

# --- runner ------------------------------------------------------------------

usbvm_start_sim() {	# [SIMULATOR OPTIONS...] (default: --timing fast)
	mkdir -p $SIM_ROOT $SIM_STATE
	modemflash-sim --root $SIM_ROOT --state $SIM_STATE --profile $SIM_PROFILE \
		${*:---timing fast} --verbose >> /tmp/sim.log 2>&1 &
	echo $! > /run/sim.pid
	echo "${*:---timing fast}" > /run/sim.opts
	modemflash-sim-usb --root $SIM_ROOT --verbose >> /tmp/bridge.log 2>&1 &
	echo $! > /run/bridge.pid
}

# The same module (its NAND in $SIM_STATE) with other timing: the module is
# unplugged and plugged again. Fast timing runs a whole FOTA (START ..
# END and the second restart) in no time, before the host has even
# enumerated the first restart; scaled real timing gives it seconds.
sim_retime() {	# SIMULATOR OPTIONS...
	rev=$(sim_revision)
	[ -n "$rev" ] || fail "no revision from the simulator"
	kill "$(cat /run/bridge.pid)" "$(cat /run/sim.pid)" 2>/dev/null
	wait_for 10 gone_pid "$(cat /run/sim.pid)" || fail "the simulator does not stop"
	wait_for 10 gone_pid "$(cat /run/bridge.pid)" || fail "the gadget does not stop"
	rm -f $SIM_STATE/control
	usbvm_start_sim --revision "$rev" "$@"
	wait_for 10 exists $SIM_STATE/control || fail "no simulator control socket after the restart"
	wait_normal 60
}
gone_pid() { ! kill -0 "$1" 2>/dev/null; }
# FOTA: a quarter of the module's real times (5 s restarts, 2.5 s update)
sim_real() { grep -q real /run/sim.opts || sim_retime --timing real --time-scale 0.25; }

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
		to=$SC_TIMEOUT
		case $s in mm_* | backup_restore_usb) to=$SC_TIMEOUT_LONG ;; esac
		timeout $to sh -c ". /usbvm/scenarios.sh; sc_$s" > /tmp/sc-$s.log 2>&1
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
			if [ $rc = 143 ]; then
				why="timed out after ${to}s"
				# the tool's output is only shown when it exits
				tail -n 15 /tmp/mf.out 2>/dev/null | sed "s/^/USBVM-LOG: $s tool | /"
				tail -n 15 /tmp/mf.trace 2>/dev/null | sed "s/^/USBVM-LOG: $s trace | /"
			fi
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

# scenarios kept in files of their own
for f in /usbvm/scenario_*.sh; do if [ -e "$f" ]; then . "$f"; fi; done
