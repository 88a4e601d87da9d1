/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_LOG_H
#define MF_BASE_LOG_H

#include <stddef.h>
#include <stdint.h>

/*
 * The one output funnel. Library code never prints: it calls mf_log() and
 * mf_progress() on the sink it was handed, and the CLI decides where the
 * text goes (terminal, stderr, JSON Lines, a --log file). A NULL sink or a
 * NULL callback drops the message. No globals: each module being flashed
 * may have its own sink.
 */
enum mf_level {
	MF_LOG_ERROR = 0,
	MF_LOG_WARN = 1,
	MF_LOG_INFO = 2,
	MF_LOG_DEVICE = 3, /* text the device said (Firehose <log>, URCs) */
	MF_LOG_TRACE = 4,  /* every protocol byte/document both ways */
};

struct mf_log {
	void (*emit)(void *ctx, enum mf_level level, const char *msg);
	/* stage names are short stable words: "sahara", "erase", "program" ... */
	void (*progress)(void *ctx, const char *stage, uint64_t done,
			 uint64_t total);
	void *ctx;
	enum mf_level max_level; /* messages above this are not built */
};

void mf_log(const struct mf_log *log, enum mf_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mf_progress(const struct mf_log *log, const char *stage, uint64_t done,
		 uint64_t total);
/* Trace a buffer as hex, prefixed with dir ("<-" or "->"); capped in length. */
void mf_log_hex(const struct mf_log *log, const char *dir, const void *buf,
		size_t len);

#endif
