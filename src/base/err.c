// SPDX-License-Identifier: BSD-3-Clause
#include "base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mf_err_clear(struct mf_err *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
}

int mf_err_set(struct mf_err *err, enum mf_status status, int code,
	       const char *fmt, ...)
{
	va_list ap;

	if (code > 0)
		code = -code;
	if (code == 0)
		code = -EIO;
	if (!err || err->status != MF_OK)
		return code;
	err->status = status;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->hint[0] = '\0';
	return code;
}

void mf_err_hint(struct mf_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

enum mf_status mf_status_from_errno(int code)
{
	if (code < 0)
		code = -code;
	switch (code) {
	case 0:
		return MF_OK;
	case ETIMEDOUT:
		return MF_TIMEOUT;
	case ENODEV:
	case ENOENT:
	case ENXIO:
		return MF_NO_DEVICE;
	default:
		return MF_FAILED;
	}
}
