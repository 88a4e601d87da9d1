// SPDX-License-Identifier: BSD-3-Clause
/*
 * Sahara packet codec on the bytes real devices send (docs/protocols.md,
 * Sahara, the QFirehose log in tests/fixtures/real/logs), round trips of every
 * command, every decode/encode error path, names and the OEM PK hash trimming.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/sahara_msg.h"

/* HELLO v3 from a newer SoC (edl issue #813), reserved words zero. */
static const uint8_t hello_v3[0x30] = {
	0x01, 0x00, 0x00, 0x00,
	0x30, 0x00, 0x00, 0x00, /* cmd, length */
	0x03, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, /* version 3, compatible 1 */
	0x00, 0x04, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, /* max_len 0x400, mode 0 */
};

static void test_hello_v3(void **state)
{
	struct sahara_msg_pkt pkt;
	uint8_t out[SAHARA_MSG_MAX_PACKET];
	size_t i;

	(void)state;
	assert_int_equal(sahara_msg_decode(hello_v3, sizeof(hello_v3), &pkt),
			 0x30);
	assert_int_equal(pkt.cmd, SAHARA_MSG_HELLO);
	assert_int_equal(pkt.length, 0x30);
	assert_int_equal(pkt.u.hello.version, 3);
	assert_int_equal(pkt.u.hello.compatible, 1);
	assert_int_equal(pkt.u.hello.max_len, 0x400);
	assert_int_equal(pkt.u.hello.mode, SAHARA_MSG_MODE_IMAGE_TX_PENDING);
	for (i = 0; i < 6; i++)
		assert_int_equal(pkt.u.hello.reserved[i], 0);
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), 0x30);
	assert_memory_equal(out, hello_v3, sizeof(hello_v3));
}

/* QFirehose's answer: echo version/compatible, status 0, mode 0, reserved 1..6. */
static void test_hello_resp_qfirehose(void **state)
{
	static const uint8_t want[0x30] = {
		0x02, 0, 0, 0, 0x30, 0, 0, 0, 0x03, 0, 0, 0, 0x01, 0, 0, 0,
		0x00, 0, 0, 0, 0x00, 0, 0, 0, 0x01, 0, 0, 0, 0x02, 0, 0, 0,
		0x03, 0, 0, 0, 0x04, 0, 0, 0, 0x05, 0, 0, 0, 0x06, 0, 0, 0,
	};
	struct sahara_msg_pkt pkt = { .cmd = SAHARA_MSG_HELLO_RESP };
	struct sahara_msg_pkt back;
	uint8_t out[0x40];
	uint32_t i;

	(void)state;
	pkt.length = 0xdeadbeef; /* ignored */
	pkt.u.hello_resp.version = 3;
	pkt.u.hello_resp.compatible = 1;
	pkt.u.hello_resp.status = SAHARA_MSG_STATUS_SUCCESS;
	pkt.u.hello_resp.mode = SAHARA_MSG_MODE_IMAGE_TX_PENDING;
	for (i = 0; i < 6; i++)
		pkt.u.hello_resp.reserved[i] = i + 1;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), 0x30);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(sahara_msg_decode(out, 0x30, &back), 0x30);
	assert_int_equal(back.u.hello_resp.version, 3);
	assert_int_equal(back.u.hello_resp.status, 0);
	assert_int_equal(back.u.hello_resp.reserved[5], 6);
}

/* Command mode trace of edl #398: EXECUTE_RESP for MSM_HW_ID_READ, 24 bytes. */
static void test_execute_resp_trace(void **state)
{
	static const uint8_t rx[] = { 0x0e, 0, 0, 0, 0x10, 0, 0, 0,
				      0x02, 0, 0, 0, 0x18, 0, 0, 0 };
	static const uint8_t tx[] = { 0x0f, 0, 0,    0, 0x0c, 0,
				      0,    0, 0x02, 0, 0,    0 };
	struct sahara_msg_pkt pkt;
	struct sahara_msg_pkt data = { .cmd = SAHARA_MSG_EXECUTE_DATA };
	uint8_t out[16];

	(void)state;
	assert_int_equal(sahara_msg_decode(rx, sizeof(rx), &pkt), 16);
	assert_int_equal(pkt.cmd, SAHARA_MSG_EXECUTE_RESP);
	assert_int_equal(pkt.u.execute_resp.client_cmd,
			 SAHARA_MSG_EXEC_MSM_HW_ID_READ);
	assert_int_equal(pkt.u.execute_resp.data_len, 24);
	data.u.execute.client_cmd = pkt.u.execute_resp.client_cmd;
	assert_int_equal(sahara_msg_encode(&data, out, sizeof(out)), 12);
	assert_memory_equal(out, tx, sizeof(tx));
}

/* SC20 refusing command mode: END_IMAGE_TX image 13, status 1 (openpst/sahara#6). */
static void test_sc20_end_image_tx(void **state)
{
	static const uint8_t rx[] = {
		0x04, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
		0x0d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	struct sahara_msg_pkt pkt;

	(void)state;
	assert_int_equal(sahara_msg_decode(rx, sizeof(rx), &pkt), 16);
	assert_int_equal(pkt.cmd, SAHARA_MSG_END_OF_IMAGE);
	assert_int_equal(pkt.u.eoi.image_id, SAHARA_MSG_IMAGE_FIREHOSE);
	assert_int_equal(pkt.u.eoi.status, SAHARA_MSG_STATUS_INVALID_CMD);
	assert_string_equal(sahara_msg_status_name(pkt.u.eoi.status),
			    "INVALID_CMD");
}

/* The first READ_DATA requests of the RM500Q log (rm500q_*MCU_local.txt). */
static void test_read_data_rm500q_log(void **state)
{
	static const struct {
		uint32_t offset, length;
	} log[] = {
		{ 0x00000000, 0x00000034 }, { 0x00000034, 0x00000080 },
		{ 0x00001000, 0x00001000 }, { 0x00002000, 0x000009d0 },
		{ 0x00003000, 0x00001000 }, { 0x00042580, 0x00000800 },
	};
	/* "0x0000000d 0x00000034 0x00000080" on the wire */
	static const uint8_t phdrs[] = {
		0x03, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x0d, 0x00,
		0x00, 0x00, 0x34, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
	};
	struct sahara_msg_pkt pkt;
	uint8_t buf[0x14];
	size_t i;

	(void)state;
	assert_int_equal(sahara_msg_decode(phdrs, sizeof(phdrs), &pkt), 0x14);
	assert_int_equal(pkt.cmd, SAHARA_MSG_READ_DATA);
	assert_true(pkt.u.read.image_id == 13);
	assert_true(pkt.u.read.offset == 0x34);
	assert_true(pkt.u.read.length == 0x80);

	for (i = 0; i < sizeof(log) / sizeof(log[0]); i++) {
		struct sahara_msg_pkt req = { .cmd = SAHARA_MSG_READ_DATA };

		req.u.read.image_id = SAHARA_MSG_IMAGE_FIREHOSE;
		req.u.read.offset = log[i].offset;
		req.u.read.length = log[i].length;
		assert_int_equal(sahara_msg_encode(&req, buf, sizeof(buf)),
				 0x14);
		assert_int_equal(buf[0], 0x03);
		assert_int_equal(buf[4], 0x14);
		assert_int_equal(buf[8], 0x0d);
		assert_int_equal(buf[12] | buf[13] << 8 | buf[14] << 16,
				 log[i].offset);
		assert_int_equal(buf[16] | buf[17] << 8 | buf[18] << 16,
				 log[i].length);
		assert_int_equal(sahara_msg_decode(buf, sizeof(buf), &pkt),
				 0x14);
		assert_true(pkt.u.read.offset == log[i].offset);
		assert_true(pkt.u.read.length == log[i].length);
	}
}

/* SDX35 asks with READ_DATA_64 (cmd 0x12 = 18). */
static void test_read_data_64(void **state)
{
	static const uint8_t
		rx
			[0x20] = {
				0x12, 0,    0,	  0, 0x20, 0, 0, 0,    0x0d,
				0,    0,    0,	  0, 0,	   0, 0, 0x00, 0x10,
				0,    0,    0x01, 0, 0,	   0, /* offset 0x1_0000_1000 */
				0x00, 0x10, 0,	  0, 0,	   0, 0, 0,
			};
	struct sahara_msg_pkt pkt;
	uint8_t out[0x20];

	(void)state;
	assert_int_equal(sahara_msg_decode(rx, sizeof(rx), &pkt), 0x20);
	assert_int_equal(pkt.cmd, SAHARA_MSG_READ_DATA_64);
	assert_true(pkt.u.read.image_id == 13);
	assert_true(pkt.u.read.offset == 0x100001000ULL);
	assert_true(pkt.u.read.length == 0x1000);
	assert_string_equal(sahara_msg_cmd_name(pkt.cmd), "READ_DATA_64");
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), 0x20);
	assert_memory_equal(out, rx, sizeof(rx));
}

static void test_done_resp_and_memory_debug(void **state)
{
	static const uint8_t done_resp[] = { 0x06, 0, 0,    0, 0x0c, 0,
					     0,	   0, 0x01, 0, 0,    0 };
	static const uint8_t memdbg[] = {
		0x09, 0,    0,	  0,	0x10, 0,    0, 0,
		0x00, 0x00, 0xa0, 0x86, 0x34, 0x01, 0, 0,
	};
	static const uint8_t memdbg64[] = {
		0x10, 0, 0, 0, 0x18, 0, 0, 0, 0x00, 0x00, 0xa0, 0x86,
		0x01, 0, 0, 0, 0x80, 0, 0, 0, 0,    0,	  0,	0,
	};
	struct sahara_msg_pkt pkt;

	(void)state;
	assert_int_equal(sahara_msg_decode(done_resp, sizeof(done_resp), &pkt),
			 12);
	assert_int_equal(pkt.u.done_resp.status, 1);
	assert_int_equal(sahara_msg_decode(memdbg, sizeof(memdbg), &pkt), 16);
	assert_true(pkt.u.mem.addr == 0x86a00000ULL);
	assert_true(pkt.u.mem.len == 0x134);
	assert_int_equal(sahara_msg_decode(memdbg64, sizeof(memdbg64), &pkt),
			 24);
	assert_true(pkt.u.mem.addr == 0x186a00000ULL);
	assert_true(pkt.u.mem.len == 0x80);
}

/* Fill every body field with distinct values the packet's width can carry. */
static void fill_pkt(struct sahara_msg_pkt *pkt, uint32_t cmd)
{
	uint32_t i;
	bool wide = cmd == SAHARA_MSG_READ_DATA_64 ||
		    cmd == SAHARA_MSG_MEMORY_DEBUG_64 ||
		    cmd == SAHARA_MSG_MEMORY_READ_64;

	memset(pkt, 0, sizeof(*pkt));
	pkt->cmd = cmd;
	switch (cmd) {
	case SAHARA_MSG_HELLO:
	case SAHARA_MSG_HELLO_RESP:
		pkt->u.hello.version = 0x11223344;
		pkt->u.hello.compatible = 2;
		pkt->u.hello.max_len = 0x400;
		pkt->u.hello.mode = 3;
		for (i = 0; i < 6; i++)
			pkt->u.hello.reserved[i] = 0xa0 + i;
		break;
	case SAHARA_MSG_READ_DATA:
	case SAHARA_MSG_READ_DATA_64:
		pkt->u.read.image_id = wide ? 0x0102030405060708ULL : 0x0d;
		pkt->u.read.offset = wide ? 0x1112131415161718ULL : 0xfffffff0;
		pkt->u.read.length = wide ? 0x2122232425262728ULL : 0x1000;
		break;
	case SAHARA_MSG_END_OF_IMAGE:
		pkt->u.eoi.image_id = 13;
		pkt->u.eoi.status = 0x25;
		break;
	case SAHARA_MSG_DONE_RESP:
		pkt->u.done_resp.status = 1;
		break;
	case SAHARA_MSG_MEMORY_DEBUG:
	case SAHARA_MSG_MEMORY_READ:
	case SAHARA_MSG_MEMORY_DEBUG_64:
	case SAHARA_MSG_MEMORY_READ_64:
		pkt->u.mem.addr = wide ? 0x8877665544332211ULL : 0x87654321;
		pkt->u.mem.len = wide ? 0x0000000100000000ULL : 0x00080000;
		break;
	case SAHARA_MSG_SWITCH_MODE:
		pkt->u.switch_mode.mode = SAHARA_MSG_MODE_COMMAND;
		break;
	case SAHARA_MSG_EXECUTE:
	case SAHARA_MSG_EXECUTE_DATA:
		pkt->u.execute.client_cmd = SAHARA_MSG_EXEC_OEM_PK_HASH_READ;
		break;
	case SAHARA_MSG_EXECUTE_RESP:
		pkt->u.execute_resp.client_cmd =
			SAHARA_MSG_EXEC_READ_CHIP_ID_V3;
		pkt->u.execute_resp.data_len = 0x60;
		break;
	default:
		break;
	}
}

static void test_roundtrip_every_command(void **state)
{
	static const uint8_t sizes[] = {
		0,    0x30, 0x30, 0x14, 0x10, 0x08, 0x0c, 0x08, 0x08, 0x10,
		0x10, 0x08, 0x0c, 0x0c, 0x10, 0x0c, 0x18, 0x18, 0x20, 0x08,
	};
	uint8_t out[64], again[64];
	uint32_t cmd;

	(void)state;
	for (cmd = SAHARA_MSG_HELLO; cmd <= SAHARA_MSG_RESET_STATE_MACHINE;
	     cmd++) {
		struct sahara_msg_pkt pkt, back;
		int n;

		assert_int_equal(sahara_msg_pkt_size(cmd), sizes[cmd]);
		assert_string_not_equal(sahara_msg_cmd_name(cmd), "UNKNOWN");
		fill_pkt(&pkt, cmd);
		n = sahara_msg_encode(&pkt, out, sizeof(out));
		assert_int_equal(n, sizes[cmd]);
		assert_int_equal(out[0], cmd);
		assert_int_equal(out[4], sizes[cmd]);
		assert_int_equal(sahara_msg_decode(out, (size_t)n, &back), n);
		assert_int_equal(back.cmd, cmd);
		assert_int_equal(back.length, (uint32_t)n);
		pkt.length = (uint32_t)n;
		assert_memory_equal(&back, &pkt, sizeof(pkt));
		assert_int_equal(sahara_msg_encode(&back, again, sizeof(again)),
				 n);
		assert_memory_equal(again, out, (size_t)n);
	}
}

static void test_sizes_and_names(void **state)
{
	(void)state;
	assert_int_equal(sahara_msg_pkt_size(0x00), 0);
	assert_int_equal(sahara_msg_pkt_size(0x14), 0); /* WRITE_DATA: unused */
	assert_int_equal(sahara_msg_pkt_size(0xffffffff), 0);
	assert_int_equal(sahara_msg_pkt_size(SAHARA_MSG_HELLO),
			 SAHARA_MSG_MAX_PACKET);
	assert_string_equal(sahara_msg_cmd_name(SAHARA_MSG_HELLO), "HELLO");
	assert_string_equal(sahara_msg_cmd_name(SAHARA_MSG_END_OF_IMAGE),
			    "END_OF_IMAGE_TX");
	assert_string_equal(sahara_msg_cmd_name(SAHARA_MSG_RESET_STATE_MACHINE),
			    "RESET_STATE_MACHINE");
	assert_string_equal(sahara_msg_cmd_name(0), "UNKNOWN");
	assert_string_equal(sahara_msg_cmd_name(0x14), "UNKNOWN");
	assert_string_equal(sahara_msg_cmd_name(0x80000000), "UNKNOWN");

	assert_string_equal(sahara_msg_status_name(0x00), "SUCCESS");
	assert_string_equal(sahara_msg_status_name(0x01), "INVALID_CMD");
	/* edl's table calls this one "Cannot receive specified number of program headers" */
	assert_string_equal(sahara_msg_status_name(0x0d), "READ_DATA_ERROR");
	assert_string_equal(sahara_msg_status_name(0x21),
			    "HASH_TABLE_AUTH_FAILURE");
	assert_string_equal(sahara_msg_status_name(0x22),
			    "HASH_VERIFICATION_FAILURE");
	assert_string_equal(sahara_msg_status_name(0x25), "IMAGE_AUTH_FAILURE");
	assert_string_equal(sahara_msg_status_name(SAHARA_MSG_STATUS_MAX),
			    "HW_BULK_TRANSFER_ERROR");
	assert_string_equal(sahara_msg_status_name(0x29), "UNKNOWN");
	assert_string_equal(sahara_msg_status_name(0xffffffff), "UNKNOWN");
}

static void test_every_status_named(void **state)
{
	uint32_t s;

	(void)state;
	for (s = 0; s <= SAHARA_MSG_STATUS_MAX; s++)
		assert_string_not_equal(sahara_msg_status_name(s), "UNKNOWN");
}

static void test_decode_truncated(void **state)
{
	struct sahara_msg_pkt pkt;
	size_t len;

	(void)state;
	/* short of the header, then short of the declared length */
	for (len = 0; len < sizeof(hello_v3); len++)
		assert_int_equal(sahara_msg_decode(hello_v3, len, &pkt),
				 -EAGAIN);
	/* extra bytes after the packet are not consumed */
	{
		uint8_t two[0x30 + 8];

		memcpy(two, hello_v3, 0x30);
		memcpy(two + 0x30,
		       (const uint8_t[]){ 0x05, 0, 0, 0, 0x08, 0, 0, 0 }, 8);
		assert_int_equal(sahara_msg_decode(two, sizeof(two), &pkt),
				 0x30);
		assert_int_equal(sahara_msg_decode(two + 0x30, 8, &pkt), 8);
		assert_int_equal(pkt.cmd, SAHARA_MSG_DONE);
	}
}

static void test_decode_unknown_command(void **state)
{
	static const uint8_t zero[8] = { 0x00, 0, 0, 0, 0x08, 0, 0, 0 };
	static const uint8_t write_data[8] = { 0x14, 0, 0, 0, 0x08, 0, 0, 0 };
	static const uint8_t big[8] = { 0x03, 0, 0, 0x01, 0x14, 0, 0, 0 };
	/* a firehose XML line where a Sahara packet was expected */
	static const char *xml = "<?xml version=\"1.0\" ?>";
	struct sahara_msg_pkt pkt;

	(void)state;
	assert_int_equal(sahara_msg_decode(zero, sizeof(zero), &pkt), -EPROTO);
	assert_int_equal(
		sahara_msg_decode(write_data, sizeof(write_data), &pkt),
		-EPROTO);
	assert_int_equal(sahara_msg_decode(big, sizeof(big), &pkt), -EPROTO);
	assert_int_equal(
		sahara_msg_decode((const uint8_t *)xml, strlen(xml), &pkt),
		-EPROTO);
}

static void test_decode_bad_length(void **state)
{
	uint8_t buf[0x40];
	struct sahara_msg_pkt pkt;
	static const uint32_t bad[] = { 0,	4,	    7,
					8,	0x2f,	    0x31,
					0x1000, 0x7fffffff, 0xffffffff };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, hello_v3, sizeof(hello_v3));
		buf[4] = (uint8_t)bad[i];
		buf[5] = (uint8_t)(bad[i] >> 8);
		buf[6] = (uint8_t)(bad[i] >> 16);
		buf[7] = (uint8_t)(bad[i] >> 24);
		/* judged on the header alone: no waiting for bytes that never come */
		assert_int_equal(sahara_msg_decode(buf, 8, &pkt), -EBADMSG);
		assert_int_equal(sahara_msg_decode(buf, sizeof(buf), &pkt),
				 -EBADMSG);
	}
	/* READ_DATA announced with the 64-bit size */
	memcpy(buf, (const uint8_t[]){ 0x03, 0, 0, 0, 0x20, 0, 0, 0 }, 8);
	assert_int_equal(sahara_msg_decode(buf, 0x20, &pkt), -EBADMSG);
	/* DONE with a body */
	memcpy(buf, (const uint8_t[]){ 0x05, 0, 0, 0, 0x0c, 0, 0, 0 }, 8);
	assert_int_equal(sahara_msg_decode(buf, 0x0c, &pkt), -EBADMSG);
}

static void test_encode_errors(void **state)
{
	struct sahara_msg_pkt pkt;
	uint8_t out[0x30];

	(void)state;
	fill_pkt(&pkt, SAHARA_MSG_HELLO);
	assert_int_equal(sahara_msg_encode(&pkt, out, 0x2f), -ENOSPC);
	assert_int_equal(sahara_msg_encode(&pkt, out, 0), -ENOSPC);
	fill_pkt(&pkt, SAHARA_MSG_DONE);
	assert_int_equal(sahara_msg_encode(&pkt, out, 7), -ENOSPC);
	assert_int_equal(sahara_msg_encode(&pkt, out, 8), 8);

	memset(&pkt, 0, sizeof(pkt));
	pkt.cmd = 0x14;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -EPROTO);
	pkt.cmd = 0;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -EPROTO);
	pkt.cmd = 0x100;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -EPROTO);

	/* widened values that the 32-bit packets cannot carry */
	fill_pkt(&pkt, SAHARA_MSG_READ_DATA);
	pkt.u.read.offset = 0x100000000ULL;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -ERANGE);
	fill_pkt(&pkt, SAHARA_MSG_READ_DATA);
	pkt.u.read.image_id = 0x100000000ULL;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -ERANGE);
	fill_pkt(&pkt, SAHARA_MSG_READ_DATA);
	pkt.u.read.length = 0x100000000ULL;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -ERANGE);
	fill_pkt(&pkt, SAHARA_MSG_MEMORY_READ);
	pkt.u.mem.len = 0x100000000ULL;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -ERANGE);
	fill_pkt(&pkt, SAHARA_MSG_MEMORY_DEBUG);
	pkt.u.mem.addr = 0x100000000ULL;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), -ERANGE);
	/* the 64-bit forms can */
	fill_pkt(&pkt, SAHARA_MSG_READ_DATA_64);
	pkt.u.read.offset = 0x100000000ULL;
	assert_int_equal(sahara_msg_encode(&pkt, out, sizeof(out)), 0x20);
}

/* A SHA-384 digest (bytes 0x30..0x5f) as some devices return it: twice. */
static void test_pkhash_sha384_repeated(void **state)
{
	uint8_t buf[96];
	size_t i;

	(void)state;
	for (i = 0; i < 48; i++)
		buf[i] = buf[48 + i] = (uint8_t)(0x30 + i);
	assert_int_equal(sahara_msg_pkhash_trim(buf, sizeof(buf)), 48);
	/* once, or twice and zero-padded */
	assert_int_equal(sahara_msg_pkhash_trim(buf, 48), 48);
	{
		uint8_t padded[128] = { 0 };

		memcpy(padded, buf, 96);
		assert_int_equal(sahara_msg_pkhash_trim(padded, sizeof(padded)),
				 48);
	}
}

static void test_pkhash_sha256_padded(void **state)
{
	uint8_t buf[64] = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)(0xc0 ^ (i * 13));
	buf[31] = 0x00; /* a digest may itself end in zero */
	assert_int_equal(sahara_msg_pkhash_trim(buf, sizeof(buf)), 32);
	assert_int_equal(sahara_msg_pkhash_trim(buf, 32), 32);
	/* four roots, four copies */
	{
		uint8_t four[128];

		for (i = 0; i < 4; i++)
			memcpy(four + 32 * i, buf, 32);
		assert_int_equal(sahara_msg_pkhash_trim(four, sizeof(four)),
				 32);
	}
}

static void test_pkhash_sha512_and_no_pattern(void **state)
{
	uint8_t buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		buf[i] = buf[64 + i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(sahara_msg_pkhash_trim(buf, sizeof(buf)), 64);
	/* no repetition, no padding: left alone */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 5 + 2);
	assert_int_equal(sahara_msg_pkhash_trim(buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(sahara_msg_pkhash_trim(buf, 20), 20);
	assert_int_equal(sahara_msg_pkhash_trim(buf, 0), 0);
	/* a truncated second copy is not a pattern */
	for (i = 0; i < 48; i++)
		buf[i] = buf[48 + i] = (uint8_t)(0x30 + i);
	assert_int_equal(sahara_msg_pkhash_trim(buf, 80), 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_v3),
		cmocka_unit_test(test_hello_resp_qfirehose),
		cmocka_unit_test(test_execute_resp_trace),
		cmocka_unit_test(test_sc20_end_image_tx),
		cmocka_unit_test(test_read_data_rm500q_log),
		cmocka_unit_test(test_read_data_64),
		cmocka_unit_test(test_done_resp_and_memory_debug),
		cmocka_unit_test(test_roundtrip_every_command),
		cmocka_unit_test(test_sizes_and_names),
		cmocka_unit_test(test_every_status_named),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_unknown_command),
		cmocka_unit_test(test_decode_bad_length),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_pkhash_sha384_repeated),
		cmocka_unit_test(test_pkhash_sha256_padded),
		cmocka_unit_test(test_pkhash_sha512_and_no_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
