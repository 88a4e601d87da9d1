/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_UPDATE_BACKUP_HASH_H
#define MF_OPS_UPDATE_BACKUP_HASH_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/firehose.h"

/*
 * A partition's backup image, hashed as its <read>s bring it: the bytes
 * up to its last page that is not all 0xFF (erased NAND; the backup keeps
 * no empty tail), their length and SHA-256, without reading the file back
 * afterwards. A try of a <read> that is read again (fh_read_checked) is
 * taken back. tap() is what fh_read_checked() is given.
 */
struct part_hash;

struct part_hash *part_hash_new(uint32_t page);
void part_hash_free(struct part_hash *h);
struct fh_tap part_hash_tap(struct part_hash *h);
/* Length of the used bytes and their SHA-256; false when hashing failed. */
bool part_hash_end(struct part_hash *h, uint64_t *len, uint8_t digest[32]);

#endif
