/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_FLASH_VERIFY_H
#define MF_OPS_FLASH_VERIFY_H

#include "ops/update/flash.h"
#include "pkg/pkg.h"
#include "proto/firehose.h"

/*
 * After flash_write: compare what the module holds with every image of
 * the package, by the programmer's SHA-256 digest or by reading it back
 * (how; AUTO: digest when offered). r->verified names what was done.
 * Returns 0, or a negative errno with err filled (MF_MISMATCH on a
 * difference).
 */
int flash_verify(struct fh_session *fh, const struct pkg *pkg,
		 enum flash_verify how, struct flash_report *r,
		 const struct mf_log *log, struct mf_err *err);

/*
 * The SHA-256 of c's image as the package has it (want) and as the module
 * holds it (got): by getsha256digest over the image's sectors when digest,
 * else by reading them back. 0 or a negative errno with err filled
 * (-EREMOTEIO: the programmer refused the digest).
 */
int flash_image_digests(struct fh_session *fh, const struct pkg_cmd *c,
			bool digest, uint8_t want[32], uint8_t got[32],
			struct mf_err *err);

#endif
