/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_QUERY_INFO_H
#define MF_OPS_QUERY_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"
#include "ops/lock.h"

/*
 * info: the identity of one module. Normal mode: ATI, AT+QGMR, AT+CGSN and
 * the USB switch over the AT port, the build id over DIAG on the DM port
 * (a second opinion: its absence is not fatal). EDL: Sahara command mode
 * (serial, HW ID, PK hash), which leaves the module waiting in image
 * mode, ready for a flash.
 */
struct info_report {
	bool found; /* module holds the selected module */
	struct mf_module module;
	/* another run holds the module (ops/lock.h): nothing was sent */
	bool busy;
	struct mf_lock_who holder;
	/* normal mode */
	bool normal;
	char manufacturer[32];
	char model[32];
	char revision[96]; /* AT+QGMR, else ATI's Revision */
	char baseline[64]; /* ATI's Revision */
	char imei[32];
	const char *chip; /* from the model table, NULL unknown */
	int disusb;	  /* AT+QCFGEXT="disusb": 0, 1; -1 not asked */
	bool have_build_id;
	char build_id[128];
	uint32_t build_msm;
	/* EDL */
	bool edl;
	bool cmd_mode; /* false: the boot ROM refused command mode */
	/* a Firehose programmer an earlier run left running: no identity */
	bool firehose_running;
	bool have_serial, have_hwid;
	uint32_t serial, msm_id;
	char hwid[32];	   /* "0x..." as sahara_hwid_str */
	char pk_hash[132]; /* hex, "" unknown */
	uint32_t sahara_version;
};

/*
 * Find the module sel names (or the only one) under sysroot and read its
 * identity. Returns 0 or a negative errno with err filled; r->found says
 * whether r->module is set (also on failure after the pick). A module
 * that another run holds is not asked anything: r->busy and r->holder
 * say who holds it (0). Otherwise info holds it while it asks, so that a
 * flash starting meanwhile waits for nothing and is refused.
 */
int info_run(const char *sysroot, const char *sel, struct info_report *r,
	     const struct mf_log *log, struct mf_err *err);

#endif
