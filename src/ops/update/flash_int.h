/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_INT_H
#define MF_OPS_FLASH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"
#include "ops/update/flash.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * One bar for a whole stage out of the per-command progress of a Firehose
 * session (one image at a time): done counts from base, the total is the
 * stage's. Begin hooks it into the session, end puts back what was there.
 */
struct stage_progress {
	const struct mf_log *up;
	const char *stage;
	uint64_t base, total;
	struct fh_session *fh;
	fh_progress_fn *saved;
	void *saved_ctx;
};

void stage_progress_begin(struct stage_progress *s, struct fh_session *fh,
			  const struct mf_log *up, const char *stage,
			  uint64_t total);
void stage_progress_end(struct stage_progress *s);

/*
 * A stage that tells its own progress image by image (verify, resume):
 * the per-command bars of its read-backs are held back until the end, so
 * that a person sees one bar for the stage. End with stage_progress_end.
 */
void stage_progress_quiet(struct stage_progress *s, struct fh_session *fh);

/*
 * Enter stage name: the one before it ends (ok), the new one starts; both
 * are told to r->events and kept in r->stages. r->stage follows.
 */
void flash_stage_enter(struct flash_report *r, const char *name);
/* End the running stage, if any (ok: no error). */
void flash_stage_close(struct flash_report *r, bool ok);

/*
 * The entry of partition name (NULL: "?") in r->parts, added when new;
 * NULL when the table is full.
 */
struct flash_part_stat *flash_part_get(struct flash_report *r,
				       const char *name);

/* Lowercase hex of n bytes into out (>= 2n+1). */
void hex_str(const uint8_t *b, size_t n, char *out);

/*
 * SHA-256 of the first len bytes of fd (from offset 0), zero-padded up to
 * pad_to bytes (the device hashes whole sectors). 0 or -EIO.
 */
int sha256_fd(int fd, uint64_t len, uint64_t pad_to, uint8_t out[32]);
/* The same of len bytes of fd from offset from (a piece of an image). */
int sha256_range(int fd, uint64_t from, uint64_t len, uint64_t pad_to,
		 uint8_t out[32]);

/* The package's erase of the range a program line starts at, or NULL. */
const struct pkg_cmd *flash_erase_of(const struct pkg *pkg,
				     const struct pkg_cmd *c);

/* Point attribute name's value (if a has it) at value. */
void flash_attr_set(struct fh_msg_attr *a, size_t na, const char *name,
		    const char *value);

/* The attributes of a package line the device sees (host-only ones out). */
size_t flash_cmd_attrs(const struct pkg_cmd *c, struct fh_msg_attr *a,
		       size_t cap);

/* Bytes of every present image to program: the progress total. */
uint64_t flash_program_total(const struct pkg *pkg);
/* The same without the lines skip[] marks (NULL: none). */
uint64_t flash_program_total_some(const struct pkg *pkg, const bool *skip);

#endif
