/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_INT_H
#define MF_OPS_FLASH_INT_H

#include <stdint.h>

#include "base/log.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * A log that forwards text unchanged and turns the per-command progress
 * of proto/ (one image at a time) into one bar for a whole stage: done
 * counts from base, the total is the stage's.
 */
struct stage_log {
	struct mf_log log;
	const struct mf_log *up;
	const char *stage;
	uint64_t base, total;
};

void stage_log_init(struct stage_log *s, const struct mf_log *up,
		    const char *stage, uint64_t total);

/* Lowercase hex of n bytes into out (>= 2n+1). */
void hex_str(const uint8_t *b, size_t n, char *out);

/*
 * SHA-256 of the first len bytes of fd (from offset 0), zero-padded up to
 * pad_to bytes (the device hashes whole sectors). 0 or -EIO.
 */
int sha256_fd(int fd, uint64_t len, uint64_t pad_to, uint8_t out[32]);

/* The attributes of a package line the device sees (host-only ones out). */
size_t flash_cmd_attrs(const struct pkg_cmd *c, struct fh_msg_attr *a,
		       size_t cap);

/* Bytes of every present image to program: the progress total. */
uint64_t flash_program_total(const struct pkg *pkg);

#endif
