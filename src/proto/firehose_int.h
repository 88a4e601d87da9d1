/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PROTO_FIREHOSE_INT_H
#define MF_PROTO_FIREHOSE_INT_H

/* Shared between firehose.c (session, framing) and firehose_data.c. */
#include "proto/firehose.h"

#define FH_RESP_ATTRS 16

/* A <response> copied out of the reader (its strings die on the next feed). */
struct fh_resp {
	bool ack;
	bool rawmode;
	size_t nattrs;
	char name[FH_RESP_ATTRS][48];
	char value[FH_RESP_ATTRS][96];
};

const char *fh_resp_attr(const struct fh_resp *r, const char *name);

/* Build and send one command document. */
int fh_send(struct fh_session *s, const char *tag,
	    const struct fh_msg_attr *attrs, size_t nattrs);

/*
 * Wait for the next <response>, recording logs on the way. Returns 0 with
 * *r filled (ACK or NAK), -ETIMEDOUT, -ENODEV, -EBADMSG.
 */
int fh_wait_response(struct fh_session *s, int timeout_ms, struct fh_resp *r);

/*
 * Send tag and wait for an ACK; NAKs and link failures become errors
 * naming tag and quoting the device logs. raw: expect rawmode="true".
 */
int fh_command(struct fh_session *s, const char *tag,
	       const struct fh_msg_attr *attrs, size_t nattrs, int timeout_ms,
	       struct fh_resp *r);

/* Turn a failure of command tag into the error context (returns ret). */
int fh_fail(struct fh_session *s, const char *tag, int ret, int timeout_ms);

/* Raw bytes: push-back first, then the link; never reads past len. */
int fh_read_raw(struct fh_session *s, uint8_t *buf, size_t len, int timeout_ms);
/* fh_read(), and the SHA-256 of the data as it arrived (sum: 32 bytes, or
 * NULL), so that a check against the device's digest need not read the
 * file back; tap (NULL: none) sees the data too. */
int fh_read_sha256(struct fh_session *s, const struct fh_msg_attr *attrs,
		   size_t nattrs, int fd, uint8_t *sum,
		   const struct fh_tap *tap);

/* Value of attribute name in attrs, NULL when absent. */
/* Report a data command's progress (fh_set_progress, or the log). */
void fh_report_progress(struct fh_session *s, const char *what,
			const char *label, uint64_t done, uint64_t total);

/* num_partition_sectors * SECTOR_SIZE_IN_BYTES of attrs, 0 when unknown. */
uint64_t fh_range_bytes(const struct fh_msg_attr *attrs, size_t n);

const char *fh_attrs_get(const struct fh_msg_attr *attrs, size_t n,
			 const char *name);

#endif
