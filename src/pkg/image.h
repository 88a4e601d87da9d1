/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_IMAGE_H
#define MF_PKG_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/*
 * Binary files of a package: the NAND partition tables (MIBIB image
 * partition_complete_*.mbn and the user table partition.mbn, see
 * docs/field-data.md, packages) and the Firehose programmer (ELF32/ELF64 with
 * a Qualcomm MBN hash segment and an optional DER certificate chain).
 */

#define PKG_MIBIB_MAX_PARTS 32

struct pkg_mibib_part {
	char name[17];	 /* "0:SBL" */
	uint32_t start;	 /* blocks (MIBIB) or size (user table) */
	uint32_t length; /* blocks; user table: size_blks/size_kb */
	uint8_t attr[4];
};

struct pkg_mibib {
	bool user_table; /* partition.mbn (0xAA7D1B9A) */
	uint32_t version;
	uint32_t age; /* MIBIB header page */
	struct pkg_mibib_part parts[PKG_MIBIB_MAX_PARTS];
	size_t n;
	bool has_trailer;
	uint32_t crc; /* stored after the trailer magic */
};

#define PKG_MIBIB_MAGIC1   0xFE569FACu
#define PKG_MIBIB_MAGIC2   0xCD7F127Au
#define PKG_PTABLE_MAGIC1  0x55EE73AAu
#define PKG_PTABLE_MAGIC2  0xE35EBDDBu
#define PKG_TRAILER_MAGIC1 0x9D41BEA1u
#define PKG_TRAILER_MAGIC2 0xF1DED2EAu
#define PKG_USER_MAGIC1	   0xAA7D1B9Au
#define PKG_USER_MAGIC2	   0x1F7D48BCu

/* partition_complete image: header in page 0, table in page 1, trailer page 3 */
int pkg_mibib_parse(const uint8_t *buf, size_t len, uint32_t page_size,
		    struct pkg_mibib *m, struct mf_err *err);
/* partition.mbn user table */
int pkg_usertable_parse(const uint8_t *buf, size_t len, struct pkg_mibib *m,
			struct mf_err *err);
/* Partition containing block (MIBIB), or NULL. Name without "0:". */
const struct pkg_mibib_part *pkg_mibib_find(const struct pkg_mibib *m,
					    uint32_t block);

#define PKG_PROG_MAX_SIZE (16u << 20)
#define PKG_MAX_CERTS	  8

struct pkg_prog {
	bool elf64;
	uint16_t machine;
	uint32_t phnum;
	int hash_seg; /* index, -1 when none */
	bool has_mbn;
	uint32_t image_id;
	uint32_t mbn_version; /* 3, 5, 6 */
	uint32_t image_size, code_size;
	uint32_t sig_size, cert_size;	      /* OEM (v3/v5) */
	uint32_t qti_sig_size, qti_cert_size; /* v5/v6 */
	uint32_t metadata_size;		      /* v6: common + qti + oem */
	bool is_signed;
	unsigned ncerts;
	bool has_root;
	uint8_t root_sha256[32];
	uint8_t root_sha384[48];
	/* simulator programmers name their chip (sim/edl/image.h) */
	char target_chip[17];
	uint32_t target_msm;
};

/* Parse a programmer held in memory. -EBADMSG when it is not one. */
int pkg_prog_parse(const uint8_t *buf, size_t len, struct pkg_prog *p,
		   struct mf_err *err);
/* Whether the programmer's root hashes to pk (32: SHA-256, 48: SHA-384). */
bool pkg_prog_root_matches(const struct pkg_prog *p, const uint8_t *pk,
			   size_t pklen);

/* Simulator image header (sim/edl/image.h "MFSIMIMG"), for identity. */
struct pkg_simimg {
	uint32_t kind, msm_id;
	char chip[17], variant[17], revision[65];
};
int pkg_simimg_parse(const uint8_t *buf, size_t len, struct pkg_simimg *s);

#endif
