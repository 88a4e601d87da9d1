// SPDX-License-Identifier: BSD-3-Clause
/*
 * ModemManager on Windows: there is none (no D-Bus, no system bus), so
 * the Windows build answers as ops/mm.c does on a Linux host without MM:
 * nothing to inhibit, nothing holding a port.
 */
#include "ops/mm.h"

#include <errno.h>
#include <stdio.h>

int mf_mm_open(struct mf_mm **out, struct mf_err *err)
{
	(void)err;
	*out = NULL;
	return 0;
}

void mf_mm_close(struct mf_mm *mm)
{
	(void)mm;
}

void mf_mm_version(struct mf_mm *mm, char *out, size_t cap)
{
	(void)mm;
	snprintf(out, cap, "%s", "");
}

int mf_mm_modems(struct mf_mm *mm, struct mf_mm_modem *out, size_t cap,
		 struct mf_err *err)
{
	(void)mm, (void)out, (void)cap, (void)err;
	return 0;
}

bool mf_mm_uses_port(const struct mf_mm_modem *v, const char *tty)
{
	(void)v, (void)tty;
	return false;
}

int mf_mm_match(const struct mf_mm_modem *v, size_t n, const char *sysroot,
		const struct mf_module *m)
{
	(void)v, (void)n, (void)sysroot, (void)m;
	return -1;
}

int mf_mm_inhibit(struct mf_mm *mm, const char *uid, struct mf_err *err)
{
	(void)mm, (void)uid, (void)err;
	return 0;
}

int mf_mm_uninhibit(struct mf_mm *mm, const char *uid)
{
	(void)mm, (void)uid;
	return 0;
}

int mf_mm_hold(const char *sysroot, const struct mf_module *m,
	       const char *const *ports, struct mf_mm_hold **out,
	       const struct mf_log *log, struct mf_err *err)
{
	(void)sysroot, (void)m, (void)ports, (void)log, (void)err;
	*out = NULL;
	return 0;
}

void mf_mm_release(struct mf_mm_hold *h)
{
	(void)h;
}
