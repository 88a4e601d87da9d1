/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_LOCK_H
#define MF_OPS_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/*
 * The per-module claim (docs/design.md "One run per module"): every command
 * that writes to a module holds it from before its first byte until after
 * its last (the post-check), so that a second run on the same module is
 * refused at once, whatever stage the first is in, and different modules
 * stay fully parallel.
 *
 * The key is the module's physical USB position, host controller and port
 * chain ("0000:00:14.0+1.4"): known from discovery before anything is
 * sent, and the same across the EDL switch and every re-enumeration (bus
 * and device numbers change, the position does not). The Sahara serial is
 * added once known, so that a module that moved to another port is still
 * one module. A port that belongs to no module (a UART adapter) is keyed by
 * its device number.
 *
 * A lock is a file, modemflash-<key>.lock, held with flock(): the kernel
 * releases it when the holder exits, however it exits, so there are no
 * stale locks. The file says who holds it (pid, module, command). Folder:
 * $MODEMFLASH_LOCK_DIR; else <sysroot>/run/lock for a --sysroot other
 * than "/" (tests stay private); else /run/lock when writable; else
 * $XDG_RUNTIME_DIR.
 */
struct mf_lock;

struct mf_lock_who {
	long pid;	  /* 0: the holder has not said yet */
	char module[256]; /* the USB path (or port) it updates, "1-1.4" */
	char command[16]; /* "flash", "backup", ... */
	char serial[24];  /* Sahara serial once known, "" */
};

/* The lock folder for sysroot (created). 0 or negative errno. */
int mf_lock_dir(const char *sysroot, char *out, size_t cap);

/*
 * Claim the module at usbpath (found under sysroot) for command. Returns 0
 * with *out, or -EBUSY (MF_FAILED) with "another modemflash (pid N) is
 * updating 1-1.4" in err, or another negative errno (the lock folder).
 */
int mf_lock_module(const char *sysroot, const char *usbpath,
		   const char *command, struct mf_lock **out,
		   struct mf_err *err);

/*
 * Claim a port that belongs to no module (by its device number). A port
 * that does not exist is not claimed (0, *out NULL): its open says why.
 */
int mf_lock_port(const char *sysroot, const char *port, const char *command,
		 struct mf_lock **out, struct mf_err *err);

/*
 * Add the module's serial to the claim (l may be NULL: nothing to do).
 * -EBUSY when another run holds that serial: the same module on another
 * port.
 */
int mf_lock_add_serial(struct mf_lock *l, const char *serial,
		       struct mf_err *err);

/* Let go (NULL is fine): the file is removed, then unlocked. */
void mf_lock_release(struct mf_lock *l);

/* Who holds the module at usbpath: true with *who, false when free. */
bool mf_lock_holder(const char *sysroot, const char *usbpath,
		    struct mf_lock_who *who);

/*
 * Every claim held under sysroot whose module is on chain (the part of a
 * USB path after the bus, mf_usb_chain(); NULL or "": any): for a module
 * that is not on the bus right now (re-enumerating). Returns the count
 * (at most cap filled).
 */
size_t mf_lock_holders(const char *sysroot, const char *chain,
		       struct mf_lock_who *out, size_t cap);

/* The refusal for a module held by who, into err. Returns -EBUSY. */
int mf_lock_busy(const struct mf_lock_who *who, const char *usbpath,
		 struct mf_err *err);

#endif
