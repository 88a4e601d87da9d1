/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PROTO_FIREHOSE_H
#define MF_PROTO_FIREHOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "link/link.h"
#include "wire/firehose_msg.h"
#include "wire/firehose_storage_msg.h"

/*
 * Host side of Firehose (docs/protocols.md, Firehose).
 *
 * Device documents are split on </data> by the wire reader; bytes that
 * follow a rawmode="true" ACK in the same read are kept in rx[] and served
 * to the raw-data reader first (the push-back of qdl's io). Logs may come
 * before and after a response; the last FH_LOG_KEEP log lines are kept so
 * that every NAK becomes an error whose message quotes them.
 */
#define FH_LOG_KEEP  6
#define FH_LOG_LINE  200
#define FH_FUNCS_MAX 512

/*
 * Progress of a data command (<program>, <read>): what ("program" or
 * "read"), the partition label when the command names one (its label
 * attribute, else NULL), and the bytes of this command done / in total.
 */
struct fh_progress {
	const char *what;
	const char *label;
	uint64_t done, total;
};

typedef void fh_progress_fn(void *ctx, const struct fh_progress *p);

/*
 * Timeouts per command class, milliseconds. The commands whose work grows
 * with the range (erase, the final ACK of a program, getsha256digest) wait
 * their base plus the range's bytes at slow_bps: a digest over 64 KiB is
 * due in seconds, one over 1 GiB may take minutes (fh_scaled_ms).
 */
struct fh_timeouts {
	int idle_ms;	    /* start-up logs end after this silence (1000) */
	int startup_max_ms; /* start-up drain at most (10000) */
	int cmd_ms;   /* configure, nop, patch, getstorageinfo ... (5000) */
	int erase_ms; /* erase ACK, base (10000) */
	int program_ack_ms;   /* rawmode="true" ACK of program / read (10000) */
	int data_ms;	      /* each raw chunk written or read (10000) */
	int program_final_ms; /* final ACK after the data, base (10000) */
	int digest_ms;	      /* getsha256digest, base (10000) */
	/*
	 * The slowest rate a programmer reads or hashes NAND at: half the
	 * low end of the field's "2 to 4 MB/s" (docs/field-data.md), 1 MB/s:
	 * a wait too long only waits (and says so), one too short aborts a
	 * flash. Erase goes 8 times faster (21 erases in 2.6 s, field data).
	 */
	uint32_t slow_bps;
};

struct fh_session {
	struct link *link;
	struct fh_msg_reader *rd;
	uint8_t rx[16384]; /* read but not yet consumed (push-back) */
	size_t rx_off, rx_len;
	char funcs
		[FH_FUNCS_MAX]; /* " program read nop ... " (space-delimited) */
	unsigned nfuncs;
	bool in_funcs; /* between "Supported Functions (n):" and its end */
	bool configured;
	char memory[16];      /* "nand" */
	size_t payload;	      /* negotiated MaxPayloadSizeToTargetInBytes */
	size_t payload_from;  /* MaxPayloadSizeFromTargetInBytes, or payload */
	size_t max_xml;	      /* MaxXMLSizeInBytes (4096 if absent) */
	unsigned sector_size; /* last SECTOR_SIZE_IN_BYTES used */
	char logs[FH_LOG_KEEP][FH_LOG_LINE]; /* ring of recent device logs */
	unsigned nlogs;	   /* total logs seen (ring index = nlogs % KEEP) */
	unsigned cmd_logs; /* logs since the current command was sent */
	char digest[65];   /* last "Digest <hex>" log, lower case */
	char cmd[24];	   /* tag of the last command sent ("configure") */
	char storage_json[1024]; /* last JSON storage_info log */
	struct fh_timeouts t;
	const struct mf_log *log;
	struct mf_err *err;
	/* NULL: mf_progress(log, what, done, total) per command */
	fh_progress_fn *progress;
	void *progress_ctx;
};

/*
 * Bind a session to link (not owned): defaults for timeouts, a new XML
 * reader. Returns 0 or -ENOMEM. fh_close() frees it.
 */
int fh_init(struct fh_session *s, struct link *l, const struct mf_log *log,
	    struct mf_err *err);
void fh_close(struct fh_session *s);

/*
 * Where the data commands report their progress from now on (fn NULL:
 * the log's progress, one bar per command).
 */
void fh_set_progress(struct fh_session *s, fh_progress_fn *fn, void *ctx);

/*
 * Drain the programmer's start-up logs (from the link, which holds first
 * any bytes Sahara read ahead and pushed back) until t.idle_ms of silence,
 * recording the supported functions (one log per function, or the
 * single-line "Supported Functions: a b c" form). If none were seen, send
 * <nop/> to provoke them. Returns 0, -ENODEV, -ETIMEDOUT (nothing at all
 * came and the nop went unanswered).
 */
int fh_open(struct fh_session *s);

/* True if the programmer listed func ("getsha256digest"); true when no
 * list was seen at all (old programmers: just try). */
bool fh_supports(const struct fh_session *s, const char *func);

/*
 * <configure MemoryName=memory MaxPayloadSizeToTargetInBytes=payload ...>.
 * A NAK carrying MaxPayloadSizeToTargetInBytes -> retry once with it; an
 * ACK whose MaxPayloadSizeToTargetInBytesSupported differs -> adopt the
 * smaller of (supported, asked) within [512, 16 MiB]. Returns 0, -EREMOTEIO
 * (NAK, logs quoted), -ETIMEDOUT, -ENODEV, -EBADMSG.
 */
int fh_configure(struct fh_session *s, const char *memory, size_t payload);

/*
 * <program>: attrs as in the rawprogram XML (SECTOR_SIZE_IN_BYTES
 * required; num_partition_sectors is replaced by ceil(length / sector)),
 * then length bytes of fd from offset, streamed in payload-sized chunks,
 * the last sector zero-padded. Memory use does not depend on length.
 * Progress: stage "program". Returns 0, -EREMOTEIO (NAK), -ETIMEDOUT,
 * -ENODEV, -EINVAL (bad attrs), -EIO (file).
 */
int fh_program(struct fh_session *s, const struct fh_msg_attr *attrs,
	       size_t nattrs, int fd, uint64_t offset, uint64_t length);

/*
 * <read>: attrs with SECTOR_SIZE_IN_BYTES and num_partition_sectors; the
 * raw sectors are written to fd at its current position until the byte
 * count is met, then the final ACK is checked. Progress: stage "read".
 */
int fh_read(struct fh_session *s, const struct fh_msg_attr *attrs,
	    size_t nattrs, int fd);

/*
 * What a caller sees of a <read>'s data as it arrives, besides the file:
 * data() each piece once it is written to fd; attempt(n) before each try
 * of fh_read_checked (n > 1: what the tries before it fed is void).
 */
struct fh_tap {
	void (*data)(void *ctx, const uint8_t *buf, size_t len);
	void (*attempt)(void *ctx, int n);
	void *ctx;
};

/* <erase> with attrs as given (erase timeout class). */
int fh_erase(struct fh_session *s, const struct fh_msg_attr *attrs,
	     size_t nattrs);

/*
 * <patch>: only filename="DISK" is sent; any other filename patches a
 * host file and is skipped with a log (returns 1). 0 when ACKed.
 */
int fh_patch(struct fh_session *s, const struct fh_msg_attr *attrs,
	     size_t nattrs);

/* <getstorageinfo physical_partition_number=N/>, JSON log parsed by
 * wire/firehose_storage_msg.
 * -ENODATA when the ACK came without a JSON storage_info log. */
int fh_getstorageinfo(struct fh_session *s, unsigned partition,
		      struct fh_msg_storage_info *out);

/* <getsha256digest> with program-like attrs; "Digest <hex>" log -> out. */
int fh_sha256_digest(struct fh_session *s, const struct fh_msg_attr *attrs,
		     size_t nattrs, uint8_t out[32]);

int fh_nop(struct fh_session *s);

/*
 * A programmer that an earlier run left in the data phase of a <program>
 * (killed while it wrote: SIGKILL, a crash, the host lost power) takes
 * every byte as image data until the range is full, so a <nop/> goes
 * unanswered. Send erased-NAND bytes (0xff: programming them changes
 * nothing), FH_FINISH_BLOCK bytes at a time, until the
 * programmer answers that <program> (ACK or NAK) or max_bytes went out,
 * then drain what it says about the bytes past the range's end. The
 * caller writes that range again. *sent: the bytes sent. Returns 0,
 * -ETIMEDOUT (no answer), -ENODEV or a link error (err set on those).
 */
#define FH_FINISH_BLOCK 4096
int fh_finish_raw(struct fh_session *s, uint64_t max_bytes, uint64_t *sent);

/*
 * <power value=mode DelayInSeconds=delay_s/>, mode "reset" or "off".
 * The link dropping after the ACK (a read error) is normal and not
 * reported. Returns 0 on ACK.
 */
int fh_power(struct fh_session *s, const char *mode, unsigned delay_s);

/*
 * The device logs of the command in flight (since it was sent; the last
 * FH_LOG_KEEP), oldest first, joined with " | ": what an error quotes.
 */
void fh_recent_logs(const struct fh_session *s, char *out, size_t cap);

/* base_ms plus bytes at t.slow_bps * factor (the timeout of a range). */
int fh_scaled_ms(const struct fh_session *s, int base_ms, uint64_t bytes,
		 unsigned factor);

#endif
