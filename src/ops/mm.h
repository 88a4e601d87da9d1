/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_MM_H
#define MF_OPS_MM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"

/*
 * Working beside ModemManager (docs/modemmanager.md). MM opens a module's
 * AT and DIAG ports with TIOCEXCL, probes every new tty and grabs the
 * module again after each reset. Since MM 1.10 a client can ask it to
 * leave one physical device alone: InhibitDevice(uid, true) on
 * org.freedesktop.ModemManager1. The inhibition lives as long as the
 * caller's D-Bus connection, so a struct mf_mm is one connection to the
 * system bus held for a whole run (across the EDL switch and every
 * re-enumeration) and closed at its end; a killed process closes it too.
 *
 * The bus is the one sd_bus_open_system() finds: DBUS_SYSTEM_BUS_ADDRESS
 * when set (tests hand a private bus), else the system socket.
 */

struct mf_mm;

#define MF_MM_MAX_MODEMS 16
#define MF_MM_MAX_PORTS	 12

/* One org.freedesktop.ModemManager1.Modem object. */
struct mf_mm_modem {
	char path[128];		   /* D-Bus object path */
	char device[MF_PATH_MAX];  /* Device: the inhibition UID */
	char physdev[MF_PATH_MAX]; /* Physdev (MM >= 1.22), "" when absent */
	char manufacturer[64], model[64], revision[96];
	char plugin[32];
	char primary_port[32];
	char ports[MF_MM_MAX_PORTS][32]; /* "ttyUSB2", "wwan0" ... */
	size_t nports;
	int state; /* MMModemState, -1 failed ... 11 connected */
};

/*
 * Connect to the system bus and see whether ModemManager owns its name.
 * Returns 1 with *out (MM is there), 0 with *out NULL (no bus, or no MM on
 * it: nothing to do, err untouched), or a negative errno with err filled
 * (the bus answered something unexpected).
 */
int mf_mm_open(struct mf_mm **out, struct mf_err *err);

/*
 * Release every inhibition taken on this connection (explicitly, so that
 * MM takes the module back at once) and close it. NULL is a no-op.
 */
void mf_mm_close(struct mf_mm *mm);

/* MM's Version property ("1.20.4"), "" when it has none (MM < 1.10). */
void mf_mm_version(struct mf_mm *mm, char *out, size_t cap);

/* The modem objects MM exports. Returns how many (at most cap) or <0. */
int mf_mm_modems(struct mf_mm *mm, struct mf_mm_modem *out, size_t cap,
		 struct mf_err *err);

/*
 * Which of MM's modems is module m (index, or -1): by the sysfs path of
 * its USB device (Device or Physdev equal to <sysroot>/sys/bus/usb/
 * devices/<usbpath> resolved, sysroot stripped) and, on the real system
 * (sysroot "/"), by the tty names of its ports.
 */
int mf_mm_match(const struct mf_mm_modem *v, size_t n, const char *sysroot,
		const struct mf_module *m);

/* True when MM lists tty (a name, "ttyUSB2") among the modem's ports. */
bool mf_mm_uses_port(const struct mf_mm_modem *v, const char *tty);

/*
 * InhibitDevice(uid, true). Returns 0, -EALREADY when another client
 * holds an inhibition on it (MM lets go of the ports all the same), or a
 * negative errno with err filled: one sentence naming why MM refused
 * (polkit, an MM older than 1.10, ...) and the fix.
 */
int mf_mm_inhibit(struct mf_mm *mm, const char *uid, struct mf_err *err);

/* InhibitDevice(uid, false) for an inhibition this connection holds. */
int mf_mm_uninhibit(struct mf_mm *mm, const char *uid);

/*
 * The hold of one run: created when a command is about to talk to module
 * m, freed at the end. When MM is absent or does not manage m it holds
 * nothing and says nothing. When MM manages m, it inhibits m and keeps
 * the connection open until mf_mm_release(). ports (tty names, NULL-
 * terminated) narrows that to runs that open one of those ports: info
 * reads ports MM may leave alone, and inhibiting a modem drops its data
 * connection; NULL means the whole module (flash, fota, reset).
 * Returns 0 (*out may be NULL), or a negative errno with err filled
 * when MM manages the module and refused to let go of it: going on
 * would fight MM for the port.
 */
struct mf_mm_hold;

int mf_mm_hold(const char *sysroot, const struct mf_module *m,
	       const char *const *ports, struct mf_mm_hold **out,
	       const struct mf_log *log, struct mf_err *err);
void mf_mm_release(struct mf_mm_hold *h);

#endif
