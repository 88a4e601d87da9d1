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

void mf_waiting(const struct mf_log *log, const char *what, int64_t elapsed_ms,
		int64_t timeout_ms)
{
	unsigned el = (unsigned)((elapsed_ms + 500) / 1000),
		 to = (unsigned)((timeout_ms + 999) / 1000);

	if (log && log->waiting)
		log->waiting(log->ctx, what, el, to);
	else
		mf_log(log, MF_LOG_INFO, "waiting for %s: %u s of at most %u s",
		       what, el, to);
}

void mf_log_hex(const struct mf_log *log, const char *dir, const void *buf,
		size_t len)
{
	/* 64 bytes shown at most: a trace line, not a dump */
	char line[3 * 64 + 64];
	const unsigned char *p = buf;
	size_t n = len < 64 ? len : 64;
	size_t off = 0;

	enum mf_level level = len <= 64 ? MF_LOG_TRACE : MF_LOG_RAW;

	if (!log || !log->emit || log->max_level < level)
		return;
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%02x ",
					p[i]);
	if (len > n)
		snprintf(line + off, sizeof(line) - off, "... (%zu bytes)",
			 len);
	mf_log(log, level, "%s %s", dir, line);
}
