/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_EDL_NAND_H
#define MF_SIM_EDL_NAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/*
 * The simulated NAND (sim_nand_open() in sim.h). One sparse file: the data
 * area (page_size * pages_per_block * total_blocks bytes; erased and
 * all-zero pages are holes) followed by a bitmap, one bit per page, set when
 * the page was programmed. An unprogrammed page reads as 0xFF, as erased NAND
 * does. Rules enforced as real NAND does: program only erased pages, erase
 * whole blocks, bad blocks refuse program and erase.
 */
uint32_t nand_page_size(const struct sim_nand *n);
uint32_t nand_pages_per_block(const struct sim_nand *n);
uint32_t nand_total_blocks(const struct sim_nand *n);
uint64_t nand_total_pages(const struct sim_nand *n);

/* Mark a block bad (the badblock fault). -ERANGE when out of range. */
int nand_mark_bad(struct sim_nand *n, uint32_t block);
/*
 * The partition table (kept, not copied). From then on nand_read,
 * nand_program and nand_rewrite take disk pages: inside a partition they
 * skip its bad blocks (the k-th block is the k-th good one); a page beyond
 * the partition's good blocks reads erased (0xFF) and takes only erased
 * data (-ENOSPC otherwise). nand_erase and nand_page_erased stay physical.
 */
struct sim_part;
void nand_set_parts(struct sim_nand *n, const struct sim_part *parts,
		    size_t nparts);
bool nand_block_bad(const struct sim_nand *n, uint32_t block);

/* Read count pages from page. -ERANGE out of range, -EIO on file errors. */
int nand_read(struct sim_nand *n, uint64_t page, uint64_t count, uint8_t *buf);
/*
 * Program one page. -ERANGE out of range, -EEXIST when the page is not
 * erased (programmed since the last erase), -EIO in a bad block (outside
 * the partitions) or on file errors, -ENOSPC when the partition has no good
 * block left for the page.
 */
int nand_program(struct sim_nand *n, uint64_t page, const uint8_t *buf);
/* Erase blocks [block, block + count). -ERANGE, -EIO (bad block). */
int nand_erase(struct sim_nand *n, uint32_t block, uint32_t count);
bool nand_page_erased(const struct sim_nand *n, uint64_t page);

/*
 * Replace bytes of programmed pages in place, bypassing the program-once
 * rule (what the module's own software does with read-erase-rewrite: FOTA,
 * patch). -ERANGE out of range.
 */
int nand_rewrite(struct sim_nand *n, uint64_t byte_off, const uint8_t *buf,
		 size_t len);

/* "p2K_b128K" style name of the geometry into out. */
void nand_geometry_name(uint32_t page_size, uint32_t pages_per_block, char *out,
			size_t cap);
/*
 * Parse "p4K_b256K" (the geometry fault): page size and pages per block.
 * -EINVAL when malformed.
 */
int nand_geometry_parse(const char *s, uint32_t *page_size,
			uint32_t *pages_per_block);

#endif
