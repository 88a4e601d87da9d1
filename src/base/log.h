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
	MF_LOG_TRACE = 4,  /* every protocol document and packet both ways */
	MF_LOG_RAW = 5,	   /* bulk link bytes as hex (image data): -vv only */
};

struct mf_log {
	void (*emit)(void *ctx, enum mf_level level, const char *msg);
	/* stage names are short stable words: "sahara", "erase", "program" ... */
	void (*progress)(void *ctx, const char *stage, uint64_t done,
			 uint64_t total);
	void *ctx;
	enum mf_level max_level; /* messages above this are not built */
	/*
	 * A bounded wait still running: what for ("the answer to
	 * <getsha256digest>"), seconds so far and the timeout. Called at least
	 * every MF_WAIT_REPORT_MS of silence; NULL: an INFO line instead.
	 */
	void (*waiting)(void *ctx, const char *what, unsigned elapsed_s,
			unsigned timeout_s);
};

/* Silence longer than this is reported (mf_waiting), on every wait. */
#define MF_WAIT_REPORT_MS 4000

void mf_log(const struct mf_log *log, enum mf_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mf_progress(const struct mf_log *log, const char *stage, uint64_t done,
		 uint64_t total);
/*
 * Trace a buffer as hex, prefixed with dir ("<-" or "->"); capped in length.
 * Up to 64 bytes (Sahara, DIAG, AT) at MF_LOG_TRACE; larger buffers are
 * bulk data or documents the protocols trace as text: MF_LOG_RAW, so that
 * a trace of a 256 MiB flash is not a hex dump of the image.
 */
void mf_log_hex(const struct mf_log *log, const char *dir, const void *buf,
		size_t len);

/* A wait still running (log->waiting, or an INFO line): what, how long. */
void mf_waiting(const struct mf_log *log, const char *what, int64_t elapsed_ms,
		int64_t timeout_ms);

#endif
