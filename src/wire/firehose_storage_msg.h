/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_FIREHOSE_STORAGE_MSG_H
#define MF_WIRE_FIREHOSE_STORAGE_MSG_H

#include <stdint.h>

/*
 * The storage information a Firehose programmer logs on <getstorageinfo>:
 *   INFO: {"storage_info": {"total_blocks":2048, "block_size":262144,
 *          "page_size":4096, "num_physical":1, "manufacturer_id":44,
 *          "serial_num":0, "fw_version":"", "mem_type":"NAND",
 *          "prod_name":"MT29F4G"}}
 * Pure: no I/O. Absent numbers read as 0, absent texts as "".
 */
struct fh_msg_storage_info {
	uint64_t total_blocks;
	uint32_t block_size;
	uint32_t page_size;
	uint32_t num_physical;
	uint32_t manufacturer_id;
	uint64_t serial_num;
	char fw_version[32];
	char mem_type[16];
	char prod_name[32];
};

/*
 * Parse one storage_info JSON text (the log value after "INFO: ").
 * Returns 0, or -EBADMSG for text that is not JSON, has no storage_info
 * object, or sizes that are not powers of two (block <= 1 GiB, page <=
 * 1 MiB) or more than 64 physical partitions.
 */
int fh_msg_parse_storage_info(const char *json,
			      struct fh_msg_storage_info *out);

#endif
