/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_EDL_CONTENT_H
#define MF_SIM_EDL_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/edl/image.h"
#include "sim/profile.h"

/*
 * What a firmware build of a profile contains, partition by partition:
 * shared by tools/mkpkg (files of a package) and sim_nand_provision()
 * (a fresh module's NAND), so both write the same bytes.
 */
struct sim_content {
	struct sim_img_hdr hdr;
	char seed[160];
	uint64_t total; /* header + payload bytes */
};

#define SIM_MODEM_DEFAULT_SIZE (1536u * 1024u)
#define SIM_MIBIB_PAGES	       4u

/*
 * The image of partition part (kind from its name: SBL -> SBL image,
 * modem -> modem image of modem_size bytes (0: default), the others
 * "other"). -ENOENT for partitions without an image (MIBIB, calibration),
 * -EFBIG when the image does not fit the partition.
 */
int sim_content_part(const struct sim_profile *p, const struct sim_part *part,
		     const char *revision, const char *variant,
		     uint64_t modem_size, struct sim_content *c);

/* Bytes [off, off+len) of that image. */
void sim_content_fill(const struct sim_content *c, uint64_t off, uint8_t *buf,
		      size_t len);
/* True when [off, off+len) is all zero. */
bool sim_content_is_hole(const struct sim_content *c, uint64_t off, size_t len);

/*
 * The MIBIB (partition_complete_<geometry>.mbn): SIM_MIBIB_PAGES pages of
 * the profile's page size into out (cap >= 4 pages): page 0 the MIBIB
 * header (0xFE569FAC 0xCD7F127A, version 4), page 1 the partition table
 * (0x55EE73AA 0xE35EBDDB, version 4, count, 28-byte entries: name[16]
 * "0:SBL", start block, length in blocks, attributes FF 01 00 FF), page 2
 * erased, page 3 the trailer (0x9D41BEA1 0xF1DED2EA, version 4, CRC32 of the
 * first 4096 bytes at byte 12). Returns the length or -ENOSPC.
 */
int sim_mibib(const struct sim_profile *p, uint8_t *out, size_t cap);

/* "standard", or "quecopen" for a revision containing _OCPU_. */
const char *sim_variant_of(const char *revision, const char *forced);

/*
 * Calibration data of a module (EFS2, RAWDATA): one page that starts with
 * "MFCAL1 <part> IMEI=<imei> SN=<serial hex>\n", then bytes derived from
 * both. A test reads it back to prove a flash kept it.
 */
void sim_calibration(const struct sim_profile *p, const char *part,
		     uint8_t *page, size_t page_size);

#endif
