/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_XML_H
#define MF_PKG_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/*
 * rawprogram/patch XML as Quectel ships it, read with expat: no label,
 * Windows "..\" paths, vendor="quectel" lines, whole-disk erases,
 * expressions in start_sector and value. DTDs and entities are refused.
 */
#define PKG_MAX_CMDS  1024 /* real packages: about 30 lines */
#define PKG_MAX_ATTRS 24

/* A number or one of Qualcomm's expressions; trailing '.' = decimal. */
enum pkg_vkind {
	PKG_V_NUM,	    /* num */
	PKG_V_DISK_SECTORS, /* NUM_DISK_SECTORS - num */
	PKG_V_DISK_BLOCKS,  /* NUM_DISK_BLOCKS - num */
	PKG_V_CRC32,	    /* CRC32(num, len) over the patched data */
};

struct pkg_value {
	enum pkg_vkind kind;
	uint64_t num;
	uint64_t len;
	char text[48]; /* as written */
};

int pkg_value_parse(const char *s, struct pkg_value *v);
/*
 * Value given the disk size in sectors (pages) and pages per block; data
 * (may be NULL) is what CRC32(start,len) runs over (start in bytes).
 * -ERANGE on underflow or out of data, -EINVAL when it cannot be resolved.
 */
int pkg_value_resolve(const struct pkg_value *v, uint64_t disk_sectors,
		      uint32_t pages_per_block, const uint8_t *data,
		      size_t datalen, uint64_t *out);
/* zlib/IEEE CRC-32 (the MIBIB trailer) */
uint32_t pkg_crc32(uint32_t crc, const uint8_t *p, size_t n);

struct pkg_attr {
	char *name;
	char *value;
};

enum pkg_op { PKG_OP_PROGRAM, PKG_OP_ERASE, PKG_OP_OTHER };

struct pkg_cmd {
	enum pkg_op op;
	char *tag; /* element name, verbatim */
	unsigned line;
	struct pkg_attr attrs[PKG_MAX_ATTRS]; /* verbatim, in order */
	size_t nattrs;
	bool vendor;	      /* vendor="quectel": sent as is */
	bool whole_disk;      /* erase without num_partition_sectors */
	const char *filename; /* points into attrs, or NULL */
	const char *label;    /* points into attrs, or NULL */
	uint32_t sector_size; /* 0 when absent */
	uint32_t pages_per_block;
	uint32_t phys;
	struct pkg_value start;
	uint64_t start_sector; /* when start.kind == PKG_V_NUM */
	uint64_t part_sectors; /* XML num_partition_sectors */
	bool has_part_sectors;
	/* filled when the package is opened (program lines) */
	char *path; /* resolved, inside the package */
	bool present;
	uint64_t file_size;
	uint64_t file_sectors; /* ceil(file_size / sector_size) */
	bool fits;
	/*
	 * SHA-256 of the image as it was when the md5 list was checked, in
	 * the same pass as its md5: of the file (sha256_file) and of the file
	 * padded with zeros to file_sectors (sha256_padded, what
	 * getsha256digest over the image's sectors answers), so that verify
	 * and resume need not read it again. Unset (has_sha256 false) for an
	 * image the md5 list does not name.
	 */
	bool has_sha256;
	uint8_t sha256_file[32], sha256_padded[32];
};

struct pkg_patch {
	unsigned line;
	uint32_t sector_size, phys, size_in_bytes;
	uint64_t byte_offset;
	struct pkg_value start, value;
	char *filename, *what;
	bool disk; /* filename="DISK" */
};

struct pkg_geometry {
	char name[16];	    /* "p2K_b128K" */
	uint32_t page_size; /* bytes = Firehose sector */
	uint32_t block_size;
	uint32_t pages_per_block;
};

/* "rawprogram_nand_p4K_b256K_update.xml" -> 4096/262144/64; -ENOENT if none */
int pkg_geometry_from_name(const char *name, struct pkg_geometry *g);

int pkg_rawprogram_parse(const char *buf, size_t len, size_t max_cmds,
			 struct pkg_cmd **cmds, size_t *n, struct mf_err *err);
void pkg_cmds_free(struct pkg_cmd *cmds, size_t n);
int pkg_patch_parse(const char *buf, size_t len, struct pkg_patch **patches,
		    size_t *n, struct mf_err *err);
void pkg_patches_free(struct pkg_patch *p, size_t n);
/* contents.xml: product_name and flash_programmer/file_name */
int pkg_contents_parse(const char *buf, size_t len, char *product, size_t plen,
		       char *prog, size_t proglen);
const char *pkg_cmd_attr(const struct pkg_cmd *c, const char *name);

#endif
