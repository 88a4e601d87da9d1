// SPDX-License-Identifier: BSD-3-Clause
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

void mf_log(const struct mf_log *log, enum mf_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!log || !log->emit || level > log->max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log->emit(log->ctx, level, buf);
}

void mf_progress(const struct mf_log *log, const char *stage, uint64_t done,
		 uint64_t total)
{
	if (!log || !log->progress)
		return;
	log->progress(log->ctx, stage, done, total);
}

void mf_log_hex(const struct mf_log *log, const char *dir, const void *buf,
		size_t len)
{
	/* 64 bytes shown at most: a trace line, not a dump */
	char line[3 * 64 + 64];
	const unsigned char *p = buf;
	size_t n = len < 64 ? len : 64;
	size_t off = 0;

	if (!log || !log->emit || log->max_level < MF_LOG_TRACE)
		return;
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%02x ",
					p[i]);
	if (len > n)
		snprintf(line + off, sizeof(line) - off, "... (%zu bytes)",
			 len);
	mf_log(log, MF_LOG_TRACE, "%s %s", dir, line);
}
