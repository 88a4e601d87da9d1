// SPDX-License-Identifier: BSD-3-Clause
/*
 * Sahara packet codec (docs/protocols.md, Sahara). Pure: no I/O.
 * Fields are read and written one by one with get_le32()/put_le32().
 */
#include "wire/sahara_msg.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "base/bytes.h"

struct sahara_msg_cmd_info {
	const char *name;
	uint8_t size;
};

/* Indexed by command id; size 0 = unknown (0x00, 0x14 WRITE_DATA: unused). */
static const struct sahara_msg_cmd_info sahara_msg_cmds[] = {
	[SAHARA_MSG_HELLO] = { "HELLO", 0x30 },
	[SAHARA_MSG_HELLO_RESP] = { "HELLO_RESP", 0x30 },
	[SAHARA_MSG_READ_DATA] = { "READ_DATA", 0x14 },
	[SAHARA_MSG_END_OF_IMAGE] = { "END_OF_IMAGE_TX", 0x10 },
	[SAHARA_MSG_DONE] = { "DONE", 0x08 },
	[SAHARA_MSG_DONE_RESP] = { "DONE_RESP", 0x0c },
	[SAHARA_MSG_RESET] = { "RESET", 0x08 },
	[SAHARA_MSG_RESET_RESP] = { "RESET_RESP", 0x08 },
	[SAHARA_MSG_MEMORY_DEBUG] = { "MEMORY_DEBUG", 0x10 },
	[SAHARA_MSG_MEMORY_READ] = { "MEMORY_READ", 0x10 },
	[SAHARA_MSG_CMD_READY] = { "CMD_READY", 0x08 },
	[SAHARA_MSG_SWITCH_MODE] = { "SWITCH_MODE", 0x0c },
	[SAHARA_MSG_EXECUTE] = { "EXECUTE", 0x0c },
	[SAHARA_MSG_EXECUTE_RESP] = { "EXECUTE_RESP", 0x10 },
	[SAHARA_MSG_EXECUTE_DATA] = { "EXECUTE_DATA", 0x0c },
	[SAHARA_MSG_MEMORY_DEBUG_64] = { "MEMORY_DEBUG_64", 0x18 },
	[SAHARA_MSG_MEMORY_READ_64] = { "MEMORY_READ_64", 0x18 },
	[SAHARA_MSG_READ_DATA_64] = { "READ_DATA_64", 0x20 },
	[SAHARA_MSG_RESET_STATE_MACHINE] = { "RESET_STATE_MACHINE", 0x08 },
};

#define SAHARA_NCMDS (sizeof(sahara_msg_cmds) / sizeof(sahara_msg_cmds[0]))

/* The enum names (docs/protocols.md, Sahara), not edl's shifted texts. */
static const char *const sahara_msg_status_names[] = {
	[0x00] = "SUCCESS",
	[0x01] = "INVALID_CMD",
	[0x02] = "PROTOCOL_MISMATCH",
	[0x03] = "INVALID_TARGET_PROTOCOL",
	[0x04] = "INVALID_HOST_PROTOCOL",
	[0x05] = "INVALID_PACKET_SIZE",
	[0x06] = "UNEXPECTED_IMAGE_ID",
	[0x07] = "INVALID_HEADER_SIZE",
	[0x08] = "INVALID_DATA_SIZE",
	[0x09] = "INVALID_IMAGE_TYPE",
	[0x0a] = "INVALID_TX_LENGTH",
	[0x0b] = "INVALID_RX_LENGTH",
	[0x0c] = "GENERAL_TX_RX_ERROR",
	[0x0d] = "READ_DATA_ERROR",
	[0x0e] = "UNSUPPORTED_NUM_PHDRS",
	[0x0f] = "INVALID_PHDR_SIZE",
	[0x10] = "MULTIPLE_SHARED_SEG",
	[0x11] = "UNINIT_PHDR_LOC",
	[0x12] = "INVALID_DEST_ADDR",
	[0x13] = "INVALID_IMG_HDR_DATA_SIZE",
	[0x14] = "INVALID_ELF_HDR",
	[0x15] = "UNKNOWN_HOST_ERROR",
	[0x16] = "TIMEOUT_RX",
	[0x17] = "TIMEOUT_TX",
	[0x18] = "INVALID_HOST_MODE",
	[0x19] = "INVALID_MEMORY_READ",
	[0x1a] = "INVALID_DATA_SIZE_REQUEST",
	[0x1b] = "MEMORY_DEBUG_NOT_SUPPORTED",
	[0x1c] = "INVALID_MODE_SWITCH",
	[0x1d] = "CMD_EXEC_FAILURE",
	[0x1e] = "EXEC_CMD_INVALID_PARAM",
	[0x1f] = "EXEC_CMD_UNSUPPORTED",
	[0x20] = "EXEC_DATA_INVALID_CLIENT_CMD",
	[0x21] = "HASH_TABLE_AUTH_FAILURE",
	[0x22] = "HASH_VERIFICATION_FAILURE",
	[0x23] = "HASH_TABLE_NOT_FOUND",
	[0x24] = "TARGET_INIT_FAILURE",
	[0x25] = "IMAGE_AUTH_FAILURE",
	[0x26] = "INVALID_IMG_HASH_TABLE_SIZE",
	[0x27] = "ENUMERATION_FAILURE",
	[0x28] = "HW_BULK_TRANSFER_ERROR",
};

#define SAHARA_NSTATUS                                                         \
	(sizeof(sahara_msg_status_names) / sizeof(sahara_msg_status_names[0]))

size_t sahara_msg_pkt_size(uint32_t cmd)
{
	if (cmd >= SAHARA_NCMDS)
		return 0;
	return sahara_msg_cmds[cmd].size;
}

const char *sahara_msg_cmd_name(uint32_t cmd)
{
	if (cmd >= SAHARA_NCMDS || !sahara_msg_cmds[cmd].name)
		return "UNKNOWN";
	return sahara_msg_cmds[cmd].name;
}

const char *sahara_msg_status_name(uint32_t status)
{
	if (status >= SAHARA_NSTATUS || !sahara_msg_status_names[status])
		return "UNKNOWN";
	return sahara_msg_status_names[status];
}

static void get_le32_array(const uint8_t *p, uint32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = get_le32(p + 4 * i);
}

static void put_le32_array(uint8_t *p, const uint32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put_le32(p + 4 * i, v[i]);
}

/* Body fields of a packet whose header and size were already checked. */
static void sahara_msg_decode_body(const uint8_t *b, struct sahara_msg_pkt *out)
{
	switch (out->cmd) {
	case SAHARA_MSG_HELLO:
	case SAHARA_MSG_HELLO_RESP:
		/* hello and hello_resp share one layout of ten words */
		out->u.hello.version = get_le32(b);
		out->u.hello.compatible = get_le32(b + 4);
		out->u.hello.max_len = get_le32(b + 8);
		out->u.hello.mode = get_le32(b + 12);
		get_le32_array(b + 16, out->u.hello.reserved, 6);
		break;
	case SAHARA_MSG_READ_DATA:
		out->u.read.image_id = get_le32(b);
		out->u.read.offset = get_le32(b + 4);
		out->u.read.length = get_le32(b + 8);
		break;
	case SAHARA_MSG_READ_DATA_64:
		out->u.read.image_id = get_le64(b);
		out->u.read.offset = get_le64(b + 8);
		out->u.read.length = get_le64(b + 16);
		break;
	case SAHARA_MSG_END_OF_IMAGE:
		out->u.eoi.image_id = get_le32(b);
		out->u.eoi.status = get_le32(b + 4);
		break;
	case SAHARA_MSG_DONE_RESP:
		out->u.done_resp.status = get_le32(b);
		break;
	case SAHARA_MSG_MEMORY_DEBUG:
	case SAHARA_MSG_MEMORY_READ:
		out->u.mem.addr = get_le32(b);
		out->u.mem.len = get_le32(b + 4);
		break;
	case SAHARA_MSG_MEMORY_DEBUG_64:
	case SAHARA_MSG_MEMORY_READ_64:
		out->u.mem.addr = get_le64(b);
		out->u.mem.len = get_le64(b + 8);
		break;
	case SAHARA_MSG_SWITCH_MODE:
		out->u.switch_mode.mode = get_le32(b);
		break;
	case SAHARA_MSG_EXECUTE:
	case SAHARA_MSG_EXECUTE_DATA:
		out->u.execute.client_cmd = get_le32(b);
		break;
	case SAHARA_MSG_EXECUTE_RESP:
		out->u.execute_resp.client_cmd = get_le32(b);
		out->u.execute_resp.data_len = get_le32(b + 4);
		break;
	default:
		/* DONE, RESET, RESET_RESP, CMD_READY, RESET_STATE_MACHINE: no body */
		break;
	}
}

int sahara_msg_decode(const uint8_t *buf, size_t len,
		      struct sahara_msg_pkt *out)
{
	uint32_t cmd, length;
	size_t size;

	if (len < SAHARA_MSG_HEADER_SIZE)
		return -EAGAIN;
	cmd = get_le32(buf);
	length = get_le32(buf + 4);
	size = sahara_msg_pkt_size(cmd);
	if (size == 0)
		return -EPROTO;
	/*
	 * Checked before waiting for more bytes: a bogus length (too small,
	 * or huge) must not make the caller wait for data that never comes.
	 */
	if (length != size)
		return -EBADMSG;
	if (len < size)
		return -EAGAIN;
	memset(out, 0, sizeof(*out));
	out->cmd = cmd;
	out->length = length;
	sahara_msg_decode_body(buf + SAHARA_MSG_HEADER_SIZE, out);
	return (int)size;
}

static bool fits_u32(uint64_t v)
{
	return v <= UINT32_MAX;
}

/* Body fields; -ERANGE when a widened field does not fit the 32-bit form. */
static int sahara_msg_encode_body(const struct sahara_msg_pkt *pkt, uint8_t *b)
{
	switch (pkt->cmd) {
	case SAHARA_MSG_HELLO:
	case SAHARA_MSG_HELLO_RESP:
		put_le32(b, pkt->u.hello.version);
		put_le32(b + 4, pkt->u.hello.compatible);
		put_le32(b + 8, pkt->u.hello.max_len);
		put_le32(b + 12, pkt->u.hello.mode);
		put_le32_array(b + 16, pkt->u.hello.reserved, 6);
		break;
	case SAHARA_MSG_READ_DATA:
		if (!fits_u32(pkt->u.read.image_id) ||
		    !fits_u32(pkt->u.read.offset) ||
		    !fits_u32(pkt->u.read.length))
			return -ERANGE;
		put_le32(b, (uint32_t)pkt->u.read.image_id);
		put_le32(b + 4, (uint32_t)pkt->u.read.offset);
		put_le32(b + 8, (uint32_t)pkt->u.read.length);
		break;
	case SAHARA_MSG_READ_DATA_64:
		put_le64(b, pkt->u.read.image_id);
		put_le64(b + 8, pkt->u.read.offset);
		put_le64(b + 16, pkt->u.read.length);
		break;
	case SAHARA_MSG_END_OF_IMAGE:
		put_le32(b, pkt->u.eoi.image_id);
		put_le32(b + 4, pkt->u.eoi.status);
		break;
	case SAHARA_MSG_DONE_RESP:
		put_le32(b, pkt->u.done_resp.status);
		break;
	case SAHARA_MSG_MEMORY_DEBUG:
	case SAHARA_MSG_MEMORY_READ:
		if (!fits_u32(pkt->u.mem.addr) || !fits_u32(pkt->u.mem.len))
			return -ERANGE;
		put_le32(b, (uint32_t)pkt->u.mem.addr);
		put_le32(b + 4, (uint32_t)pkt->u.mem.len);
		break;
	case SAHARA_MSG_MEMORY_DEBUG_64:
	case SAHARA_MSG_MEMORY_READ_64:
		put_le64(b, pkt->u.mem.addr);
		put_le64(b + 8, pkt->u.mem.len);
		break;
	case SAHARA_MSG_SWITCH_MODE:
		put_le32(b, pkt->u.switch_mode.mode);
		break;
	case SAHARA_MSG_EXECUTE:
	case SAHARA_MSG_EXECUTE_DATA:
		put_le32(b, pkt->u.execute.client_cmd);
		break;
	case SAHARA_MSG_EXECUTE_RESP:
		put_le32(b, pkt->u.execute_resp.client_cmd);
		put_le32(b + 4, pkt->u.execute_resp.data_len);
		break;
	default:
		break;
	}
	return 0;
}

int sahara_msg_encode(const struct sahara_msg_pkt *pkt, uint8_t *out,
		      size_t cap)
{
	size_t size = sahara_msg_pkt_size(pkt->cmd);
	int ret;

	if (size == 0)
		return -EPROTO;
	if (cap < size)
		return -ENOSPC;
	memset(out, 0, size);
	put_le32(out, pkt->cmd);
	put_le32(out + 4, (uint32_t)size);
	ret = sahara_msg_encode_body(pkt, out + SAHARA_MSG_HEADER_SIZE);
	if (ret < 0)
		return ret;
	return (int)size;
}

/*
 * Does buf consist of copies of its first d bytes, then only zeros?
 * A trailing partial copy is not accepted unless it is all zero.
 */
static bool pkhash_fits(const uint8_t *buf, size_t len, size_t d)
{
	size_t i = d;

	if (len < d)
		return false;
	while (len - i >= d && memcmp(buf + i, buf, d) == 0)
		i += d;
	for (; i < len; i++)
		if (buf[i] != 0)
			return false;
	return true;
}

size_t sahara_msg_pkhash_trim(const uint8_t *buf, size_t len)
{
	/* SHA-256, SHA-384, SHA-512; the smallest that explains the data wins */
	static const size_t digests[] = { 32, 48, 64 };
	size_t i;

	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (pkhash_fits(buf, len, digests[i]))
			return digests[i];
	return len;
}
