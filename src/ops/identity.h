/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_IDENTITY_H
#define MF_OPS_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/stop.h"
#include "base/log.h"
#include "discover/discover.h"
#include "pkg/rules.h"
#include "proto/at.h"
#include "proto/sahara.h"

/*
 * What we know of a module (docs/design.md flash step 2): in normal mode from
 * ATI, AT+QGMR, AT+CGSN; in EDL from Sahara command mode; the NAND
 * geometry from Firehose getstorageinfo.
 */
struct mod_ident {
	bool normal; /* AT identity read */
	struct at_identity at;
	bool edl; /* Sahara identity read */
	struct sahara_identity sid;
	uint32_t page_size, block_size; /* 0 until getstorageinfo */
	char variant_hint[16];		/* "", or from a backup manifest */
	/*
	 * The revision the rules see: AT+QGMR, or, when a module answers it
	 * with a bare version ("01.009"), ATI's Revision line (the baseline,
	 * as AT+CGMR) joined to it: "BG95M3LAR02A03_01.009.01.009".
	 */
	char rules_rev[96];
};

/* ATI/AT+QGMR/AT+CGSN over m's AT port (at_open syncs first). */
int ident_normal(const struct mf_module *m, struct mod_ident *id,
		 const struct mf_log *log, struct mf_err *err);

/* The facts as the rules table wants them (strings point into id). */
void ident_to_rules(const struct mod_ident *id, const char *model_hint,
		    struct pkg_module *pm);

/*
 * Wait for the module at usbpath to come back in normal mode and read its
 * AT+QGMR into rev. Returns 0, -ETIMEDOUT (not back in time), -ENODEV.
 */
int ident_wait_normal(const char *sysroot, const char *usbpath, int timeout_ms,
		      struct mf_module *out, char *rev, size_t cap,
		      const struct mf_log *log, struct mf_err *err);
/* The same, ending with -EINTR (err filled) when stop is requested. */
int ident_wait_normal_stop(const char *sysroot, const char *usbpath,
			   int timeout_ms, const mf_stop_flag *stop,
			   struct mf_module *out, char *rev, size_t cap,
			   const struct mf_log *log, struct mf_err *err);

/* Fill id->rules_rev from id->at (done by ident_normal). */
void ident_rules_revision(struct mod_ident *id, const struct mf_log *log);

/* "01.009" / "01.009.01.009" (digits and dots): its parts, else 0. */
int ident_bare_version(const char *v);

/* A short key for backup folders: the IMEI, else "serial-0x...". */
void ident_key(const struct mod_ident *id, char *out, size_t cap);

#endif
