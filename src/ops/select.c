// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/at_open.h"
#include "ops/select.h"

struct mf_scan *ops_scan(const char *sysroot, const struct mf_log *log,
			 struct mf_err *err)
{
	struct mf_scan *s = malloc(sizeof(*s));

	if (!s) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		return NULL;
	}
	if (mf_discover_scan(sysroot, s, log, err) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void ops_port_path(const char *sysroot, const char *port, char *out, size_t cap)
{
	char inside[MF_PATH_MAX];

	snprintf(out, cap, "%s", port);
	if (port[0] != '/' || !strcmp(sysroot, "/"))
		return;
	mf_sysroot_path(sysroot, port, inside, sizeof(inside));
	/* already below the sysroot, or only there */
	if (!strncmp(port, inside, strlen(inside) - strlen(port)) &&
	    access(port, F_OK) == 0)
		return;
	if (access(inside, F_OK) == 0)
		snprintf(out, cap, "%s", inside);
}

/* -d IMEI: ask every normal-mode module with an AT port. */
static int pick_by_imei(const struct mf_scan *s, const char *imei,
			const struct mf_log *log, struct mf_err *err)
{
	for (size_t i = 0; i < s->nmodules; i++) {
		const struct mf_port *p =
			mf_module_port(&s->modules[i], MF_ROLE_AT);
		struct mf_err e2 = { 0 };
		struct at_port at;
		char got[32] = "";

		if (s->modules[i].mode != MF_MODE_NORMAL || !p || !p->dev[0])
			continue;
		if (ops_at_open(p->dev, &at, log, &e2) < 0)
			continue;
		at_query_cgsn(&at, got, sizeof(got));
		ops_at_close(&at);
		if (!strcmp(got, imei))
			return (int)i;
	}
	mf_err_set(err, MF_NO_DEVICE, -ENODEV,
		   "no module answers AT+CGSN with IMEI %s", imei);
	mf_err_hint(err, "run 'modemflash info' on each module ('modemflash "
			 "list' shows them) to see their IMEIs");
	return -ENODEV;
}

int ops_pick(const struct mf_scan *s, const char *sel, const struct mf_log *log,
	     struct mf_err *err)
{
	int rc = mf_select(s, sel, err);

	if (rc != -EAGAIN)
		return rc;
	if (mf_select_kind(sel) == MF_SEL_IMEI)
		return pick_by_imei(s, sel, log, err);
	/* a Sahara serial: the EDL module, when there is only one */
	for (size_t i = 0, n = 0; i < s->nmodules; i++) {
		if (s->modules[i].mode != MF_MODE_EDL)
			continue;
		if (++n == 1)
			rc = (int)i;
		else
			rc = -E2BIG;
	}
	if (rc >= 0)
		return rc;
	mf_err_set(err, MF_NO_DEVICE, -ENODEV,
		   "-d %s (a Sahara serial) needs exactly one module in EDL",
		   sel);
	mf_err_hint(err, "select EDL modules by USB path: -d USBPATH "
			 "('modemflash list')");
	return -ENODEV;
}

int ops_find_module(const char *sysroot, const char *sel, struct mf_module *out,
		    const struct mf_log *log, struct mf_err *err)
{
	struct mf_scan *s = ops_scan(sysroot, log, err);
	int i;

	if (!s)
		return err->code ? err->code : -ENODEV;
	i = ops_pick(s, sel, log, err);
	if (i >= 0)
		*out = s->modules[i];
	free(s);
	return i < 0 ? i : 0;
}
