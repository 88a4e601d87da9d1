// SPDX-License-Identifier: BSD-3-Clause
/*
 * Windows discovery, the Win32 part: one record per present device node
 * of the USB and FTDIBUS enumerators, as SetupAPI and the configuration
 * manager give it (instance ID, parent, first hardware and compatible ID,
 * location path, service, COM port name). Joining them into modules and
 * ports is discover/ids_win.c, which the unit tests run on Linux; this
 * file only copies strings and cannot be exercised there (nor fully under
 * Wine, which enumerates no USB devices).
 */
#include <windows.h>

#include <cfgmgr32.h>
#include <setupapi.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/ids_win.h"
#include "discover/join.h"
#include "discover/scan_win.h"

#define MAX_RECORDS 512

/* The first string of a REG_MULTI_SZ or REG_SZ property, "" when absent. */
static void prop(HDEVINFO h, SP_DEVINFO_DATA *di, DWORD what, char *out,
		 size_t cap)
{
	DWORD type = 0, need = 0;

	out[0] = '\0';
	if (!SetupDiGetDeviceRegistryPropertyA(h, di, what, &type, (BYTE *)out,
					       (DWORD)cap - 1, &need) ||
	    (type != REG_SZ && type != REG_MULTI_SZ)) {
		out[0] = '\0';
		return;
	}
	out[cap - 1] = '\0';
}

static void port_name(HDEVINFO h, SP_DEVINFO_DATA *di, char *out, size_t cap)
{
	DWORD type = 0, len = (DWORD)cap - 1;
	HKEY key;

	out[0] = '\0';
	key = SetupDiOpenDevRegKey(h, di, DICS_FLAG_GLOBAL, 0, DIREG_DEV,
				   KEY_READ);
	if (key == INVALID_HANDLE_VALUE)
		return;
	if (RegQueryValueExA(key, "PortName", NULL, &type, (BYTE *)out, &len) !=
		    ERROR_SUCCESS ||
	    type != REG_SZ)
		len = 0;
	out[len < cap ? len : cap - 1] = '\0';
	RegCloseKey(key);
	/* LPT ports share the class; only COMn is ours */
	if (!mf_win_is_com_name(out))
		out[0] = '\0';
}

static void parent_id(SP_DEVINFO_DATA *di, char *out, size_t cap)
{
	DEVINST parent;

	out[0] = '\0';
	if (CM_Get_Parent(&parent, di->DevInst, 0) != CR_SUCCESS ||
	    CM_Get_Device_IDA(parent, out, (ULONG)cap, 0) != CR_SUCCESS)
		out[0] = '\0';
}

static bool wanted(const char *instance)
{
	return !strncasecmp(instance, "USB\\", 4) ||
	       !strncasecmp(instance, "FTDIBUS\\", 8);
}

int mf_win_scan(struct mf_scan *out, const struct mf_log *log,
		struct mf_err *err)
{
	SP_DEVINFO_DATA di = { .cbSize = sizeof(di) };
	struct mf_win_dev *recs, *r;
	size_t n = 0;
	HDEVINFO h;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->sysroot, sizeof(out->sysroot), "/");
	h = SetupDiGetClassDevsA(NULL, NULL, NULL,
				 DIGCF_ALLCLASSES | DIGCF_PRESENT);
	if (h == INVALID_HANDLE_VALUE)
		return mf_err_set(err, MF_FAILED, -EIO,
				  "cannot list the devices (SetupAPI error "
				  "%lu)",
				  (unsigned long)GetLastError());
	recs = calloc(MAX_RECORDS, sizeof(*recs));
	if (!recs) {
		SetupDiDestroyDeviceInfoList(h);
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	}
	for (DWORD i = 0; n < MAX_RECORDS && SetupDiEnumDeviceInfo(h, i, &di);
	     i++) {
		r = &recs[n];
		if (!SetupDiGetDeviceInstanceIdA(h, &di, r->instance,
						 sizeof(r->instance), NULL) ||
		    !wanted(r->instance))
			continue;
		prop(h, &di, SPDRP_HARDWAREID, r->hwid, sizeof(r->hwid));
		prop(h, &di, SPDRP_COMPATIBLEIDS, r->compat, sizeof(r->compat));
		prop(h, &di, SPDRP_LOCATION_PATHS, r->location,
		     sizeof(r->location));
		prop(h, &di, SPDRP_SERVICE, r->service, sizeof(r->service));
		prop(h, &di, SPDRP_FRIENDLYNAME, r->friendly,
		     sizeof(r->friendly));
		prop(h, &di, SPDRP_MFG, r->mfg, sizeof(r->mfg));
		port_name(h, &di, r->port, sizeof(r->port));
		parent_id(&di, r->parent, sizeof(r->parent));
		mf_log(log, MF_LOG_TRACE, "%s: %s %s %s %s", r->instance,
		       r->port[0] ? r->port : "-", r->service,
		       r->location[0] ? r->location : "-", r->compat);
		n++;
	}
	SetupDiDestroyDeviceInfoList(h);
	rc = mf_win_build_scan(recs, n, out, log);
	free(recs);
	if (rc < 0)
		return mf_err_set(err, MF_FAILED, rc, "out of memory");
	mf_log(log, MF_LOG_TRACE,
	       "SetupAPI: %zu USB node(s), %zu module(s), "
	       "%zu adapter(s)",
	       n, out->nmodules, out->nadapters);
	return 0;
}

void mf_win_sysroot_map(const char *sysroot, struct mf_scan *s)
{
	char dir[MF_PATH_MAX], path[MF_PATH_MAX + 16], map[4096];
	size_t len = 0;
	FILE *f;

	mf_sysroot_path(sysroot, "/windows", dir, sizeof(dir));
	map[0] = '\0';
	if (mf_join(path, sizeof(path), dir, "com-ports") == 0 &&
	    (f = fopen(path, "r"))) {
		len = fread(map, 1, sizeof(map) - 1, f);
		fclose(f);
	}
	map[len] = '\0';
	mf_win_map_ports(s, map);
}
