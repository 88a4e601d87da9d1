/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_QUERY_DOCTOR_H
#define MF_OPS_QUERY_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"

#define DOCTOR_MAX_FINDINGS 24

struct doctor_finding {
	const char *id;
	const char *severity; /* "error" blocks the update; "warning", "info" */
	char message[512];
	char evidence[512];
	char fix[512];
};

struct doctor_report {
	struct doctor_finding f[DOCTOR_MAX_FINDINGS];
	size_t n;
	bool blocked;	      /* an "error" finding: cannot be updated as is */
	struct mf_scan *scan; /* what was found (doctor_report_free) */
};

/*
 * Every check: the modules under sysroot, their ports (holders,
 * permissions, drivers), EDL, and with port (--port, may be NULL) what
 * answers there. Returns 0 (findings are the answer, not a failure) or a
 * negative errno with err filled when the scan itself failed.
 */
int doctor_run(const char *sysroot, const char *port, struct doctor_report *r,
	       const struct mf_log *log, struct mf_err *err);
void doctor_report_free(struct doctor_report *r);

struct usb_enable_report {
	bool switched_on;	 /* AT+QCFGEXT="disusb",0 answered OK */
	struct mf_module module; /* the module that enumerated */
};

/*
 * The fix for "USB switched off": AT+QCFGEXT="disusb",0 and AT+CFUN=1,1
 * over port, then wait up to timeout_ms for a normal-mode module with an
 * AT port. Returns 0 or a negative errno with err filled.
 */
int usb_enable_run(const char *sysroot, const char *port, int timeout_ms,
		   struct usb_enable_report *out, const struct mf_log *log,
		   struct mf_err *err);

#endif
