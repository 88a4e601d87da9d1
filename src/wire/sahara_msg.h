/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_SAHARA_MSG_H
#define MF_WIRE_SAHARA_MSG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sahara packet codec (docs/protocols.md, Sahara). Pure: no I/O.
 * Every packet is {u32 cmd, u32 length, body}, little-endian, length counting
 * the whole packet. Raw image data and EXECUTE_DATA payloads have no header
 * and are not handled here.
 */
enum sahara_msg_cmd {
	SAHARA_MSG_HELLO = 0x01,
	SAHARA_MSG_HELLO_RESP = 0x02,
	SAHARA_MSG_READ_DATA = 0x03,
	SAHARA_MSG_END_OF_IMAGE = 0x04,
	SAHARA_MSG_DONE = 0x05,
	SAHARA_MSG_DONE_RESP = 0x06,
	SAHARA_MSG_RESET = 0x07,
	SAHARA_MSG_RESET_RESP = 0x08,
	SAHARA_MSG_MEMORY_DEBUG = 0x09,
	SAHARA_MSG_MEMORY_READ = 0x0a,
	SAHARA_MSG_CMD_READY = 0x0b,
	SAHARA_MSG_SWITCH_MODE = 0x0c,
	SAHARA_MSG_EXECUTE = 0x0d,
	SAHARA_MSG_EXECUTE_RESP = 0x0e,
	SAHARA_MSG_EXECUTE_DATA = 0x0f,
	SAHARA_MSG_MEMORY_DEBUG_64 = 0x10,
	SAHARA_MSG_MEMORY_READ_64 = 0x11,
	SAHARA_MSG_READ_DATA_64 = 0x12,
	SAHARA_MSG_RESET_STATE_MACHINE = 0x13,
};

enum sahara_msg_mode {
	SAHARA_MSG_MODE_IMAGE_TX_PENDING = 0,
	SAHARA_MSG_MODE_IMAGE_TX_COMPLETE = 1,
	SAHARA_MSG_MODE_MEMORY_DEBUG = 2,
	SAHARA_MSG_MODE_COMMAND = 3,
};

/* Client commands of command mode (EXECUTE.client_cmd). */
enum sahara_msg_exec {
	SAHARA_MSG_EXEC_NOP = 0x00,
	SAHARA_MSG_EXEC_SERIAL_NUM_READ = 0x01,
	SAHARA_MSG_EXEC_MSM_HW_ID_READ = 0x02,
	SAHARA_MSG_EXEC_OEM_PK_HASH_READ = 0x03,
	SAHARA_MSG_EXEC_SWITCH_DMSS = 0x04,
	SAHARA_MSG_EXEC_SWITCH_STREAMING = 0x05,
	SAHARA_MSG_EXEC_READ_DEBUG_DATA = 0x06,
	SAHARA_MSG_EXEC_GET_SOFTWARE_VERSION_SBL = 0x07,
	SAHARA_MSG_EXEC_GET_COMMAND_ID_LIST = 0x08,
	SAHARA_MSG_EXEC_GET_TRAINING_DATA = 0x09,
	SAHARA_MSG_EXEC_READ_CHIP_ID_V3 = 0x0a,
};

/* Status codes 0x00..0x28, names as in docs/protocols.md, Sahara. */
enum sahara_msg_status {
	SAHARA_MSG_STATUS_SUCCESS = 0x00,
	SAHARA_MSG_STATUS_INVALID_CMD = 0x01,
	SAHARA_MSG_STATUS_HASH_TABLE_AUTH_FAILURE = 0x21,
	SAHARA_MSG_STATUS_HASH_VERIFICATION_FAILURE = 0x22,
	SAHARA_MSG_STATUS_IMAGE_AUTH_FAILURE = 0x25,
	SAHARA_MSG_STATUS_MAX = 0x28,
};

#define SAHARA_MSG_HEADER_SIZE 8
#define SAHARA_MSG_MAX_PACKET  0x30 /* the largest fixed-size packet (HELLO) */

/* Image ids that matter to us. */
#define SAHARA_MSG_IMAGE_NPRG	  7
#define SAHARA_MSG_IMAGE_FIREHOSE 13
#define SAHARA_MSG_IMAGE_SBL1	  21

/*
 * A decoded packet. Which union member is valid follows cmd; for
 * READ_DATA the 32-bit fields are widened into read.*; for MEMORY_DEBUG
 * and MEMORY_READ likewise into mem.*.
 */
struct sahara_msg_pkt {
	uint32_t cmd;
	uint32_t length;
	union {
		struct {
			uint32_t version;
			uint32_t compatible;
			uint32_t max_len; /* HELLO: max command packet length */
			uint32_t mode;
			uint32_t reserved[6];
		} hello;
		struct {
			uint32_t version;
			uint32_t compatible;
			uint32_t status;
			uint32_t mode;
			uint32_t reserved[6];
		} hello_resp;
		struct {
			uint64_t image_id;
			uint64_t offset;
			uint64_t length;
		} read; /* READ_DATA and READ_DATA_64 */
		struct {
			uint32_t image_id;
			uint32_t status;
		} eoi; /* END_OF_IMAGE */
		struct {
			uint32_t
				status; /* image_tx_status: 1 complete, 0 pending */
		} done_resp;
		struct {
			uint64_t addr;
			uint64_t len;
		} mem; /* MEMORY_DEBUG(_64), MEMORY_READ(_64) */
		struct {
			uint32_t mode;
		} switch_mode;
		struct {
			uint32_t client_cmd;
		} execute; /* EXECUTE and EXECUTE_DATA */
		struct {
			uint32_t client_cmd;
			uint32_t data_len;
		} execute_resp;
	} u;
};

/* Exact packet size for a command, 0 for an unknown command. */
size_t sahara_msg_pkt_size(uint32_t cmd);

/*
 * Decode one packet from the start of buf.
 * Returns the number of bytes it occupies (> 0), or
 *  -EAGAIN    fewer bytes than the header or the declared length,
 *  -EPROTO    unknown command,
 *  -EBADMSG   declared length differs from the command's size.
 */
int sahara_msg_decode(const uint8_t *buf, size_t len,
		      struct sahara_msg_pkt *out);

/*
 * Encode pkt (pkt->length is ignored and set from the command).
 * Returns the size written, -EPROTO for an unknown command, -ENOSPC when
 * cap is too small.
 */
int sahara_msg_encode(const struct sahara_msg_pkt *pkt, uint8_t *out,
		      size_t cap);

/* "SUCCESS", "IMAGE_AUTH_FAILURE", ... or "UNKNOWN". Never NULL. */
const char *sahara_msg_status_name(uint32_t status);
/* "HELLO", "READ_DATA_64", ... or "UNKNOWN". Never NULL. */
const char *sahara_msg_cmd_name(uint32_t cmd);

/*
 * Trim an OEM PK hash as read in command mode: the digest is often repeated
 * once per root or zero-padded. Returns the digest length (32, 48 or 64, or
 * len when no pattern fits).
 */
size_t sahara_msg_pkhash_trim(const uint8_t *buf, size_t len);

#endif
