// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Sahara and Firehose device fed with literal host packets and
 * documents; answers compared with the real logs' texts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "core_double.h"
#include "sim/edl/edl_priv.h"
#include "sim/edl/image.h"
#include "sim/edl/nand.h"
#include "wire/sahara_msg.h"

#define HDR "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data>"

static uint8_t *programmer(const char *chip, uint32_t msm, const char *root,
			   size_t *n)
{
	char key[512], cert[512], err[128];
	uint8_t *b = NULL;

	snprintf(cert, sizeof(cert), "%s/%s.der", MF_TESTROOTS,
		 root ? root : "");
	snprintf(key, sizeof(key), "%s/%s.key", MF_TESTROOTS, root ? root : "");
	assert_int_equal(sim_prog_build(chip, msm, root ? key : NULL,
					root ? cert : NULL, 0x9000, &b, n, err,
					sizeof(err)),
			 0);
	return b;
}

static void host(struct sim_edl *e, const void *b, size_t n)
{
	sim_edl_input(e, b, n);
}

static void host_pkt(struct sim_edl *e, struct sahara_msg_pkt *pk)
{
	uint8_t b[64];
	int n = sahara_msg_encode(pk, b, sizeof(b));

	assert_true(n > 0);
	host(e, b, (size_t)n);
}

static void hello_resp(struct sim_edl *e, uint32_t mode, bool qfirehose)
{
	struct sahara_msg_pkt pk = { .cmd = SAHARA_MSG_HELLO_RESP };

	pk.u.hello_resp.version = 2;
	pk.u.hello_resp.compatible = 1;
	pk.u.hello_resp.mode = mode;
	for (int i = 0; qfirehose && i < 6; i++)
		pk.u.hello_resp.reserved[i] = (uint32_t)i + 1;
	host_pkt(e, &pk);
}

/* Serve READ_DATA requests until END_OF_IMAGE; returns its status. */
static uint32_t serve(struct sim *s, struct sim_edl *e, const uint8_t *img,
		      size_t n, uint64_t reqs[][2], size_t *nreq)
{
	for (int guard = 0; guard < 1000; guard++) {
		struct sahara_msg_pkt pk;
		int l = sahara_msg_decode(s->out, s->out_len, &pk);

		assert_true(l > 0);
		double_clear(s);
		if (pk.cmd == SAHARA_MSG_END_OF_IMAGE)
			return pk.u.eoi.status;
		assert_true(pk.cmd == SAHARA_MSG_READ_DATA ||
			    pk.cmd == SAHARA_MSG_READ_DATA_64);
		assert_int_equal(pk.u.read.image_id, 13);
		assert_true(pk.u.read.offset + pk.u.read.length <= n);
		if (reqs && *nreq < 64) {
			reqs[*nreq][0] = pk.u.read.offset;
			reqs[*nreq][1] = pk.u.read.length;
			(*nreq)++;
		}
		host(e, img + pk.u.read.offset, (size_t)pk.u.read.length);
	}
	fail();
	return 0;
}

static bool out_has(struct sim *s, const char *text)
{
	return memmem(s->out, s->out_len, text, strlen(text)) != NULL;
}

static struct sim_edl *to_firehose(struct sim *s)
{
	struct sim_edl *e = sim_edl_new(s, (struct sim_port *)s);
	size_t n;
	uint8_t *p = programmer("MDM9205", 0x001070E1, "sim-root-sha384", &n);
	struct sahara_msg_pkt done = { .cmd = SAHARA_MSG_DONE };

	sim_edl_start(e);
	double_clear(s);
	hello_resp(e, 0, true);
	assert_int_equal(serve(s, e, p, n, NULL, NULL), 0);
	host_pkt(e, &done);
	free(p);
	return e;
}

static void sahara_upload(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = sim_edl_new(s, (struct sim_port *)s);
	static const uint8_t hello[] = {
		0x01, 0, 0, 0, 0x30, 0,	   0, 0, 0x02, 0, 0, 0,
		0x01, 0, 0, 0, 0x00, 0x04, 0, 0, 0,    0, 0, 0,
	};
	static const uint8_t done_resp[] = {
		6, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0
	};
	uint64_t reqs[64][2];
	size_t nreq = 0, n;
	uint8_t *p = programmer("MDM9205", 0x001070E1, "sim-root-sha384", &n);
	struct sahara_msg_pkt done = { .cmd = SAHARA_MSG_DONE };

	sim_edl_start(e);
	assert_int_equal(s->out_len, 0x30);
	assert_memory_equal(s->out, hello, sizeof(hello));
	double_clear(s);
	hello_resp(e, 0, false);
	assert_int_equal(serve(s, e, p, n, reqs, &nreq), 0);
	/* the real order: ELF header, program headers, hash segment, 4 KiB */
	assert_int_equal(reqs[0][0], 0);
	assert_int_equal(reqs[0][1], 0x34);
	assert_int_equal(reqs[1][0], 0x34);
	assert_int_equal(reqs[1][1], 0x60);
	assert_int_equal(reqs[2][0], 0x1000);
	for (size_t i = 3; i < nreq; i++)
		assert_true(reqs[i][1] <= 0x1000);
	host_pkt(e, &done);
	assert_memory_equal(s->out, done_resp, sizeof(done_resp));
	assert_true(out_has(s, "<log value=\"INFO: Binary build date: Apr 19 "
			       "2020 @ 17:49:11\" />"));
	assert_true(out_has(s, "<log value=\"INFO: Chip serial num: 217664612 "
			       "(0xcf94c64)\" />"));
	assert_true(out_has(
		s, "<log value=\"INFO: Supported Functions (15):\" />"));
	assert_true(out_has(s, "<log value=\"INFO: getsha256digest\" />"));
	assert_true(out_has(
		s, "<log value=\"INFO: End of supported functions 15\" />"));
	sim_edl_free(e);
	free(p);
	double_free(s);
}

static void sahara_rejects(void **state)
{
	struct sim *s = double_new(&test_profile_secure);
	struct sim_edl *e;
	size_t n;
	uint8_t *p;

	/* another chip's programmer: IMAGE_AUTH_FAILURE */
	p = programmer("MDM9205", 0x001070E1, "sim-root-sha256", &n);
	e = sim_edl_new(s, (struct sim_port *)s);
	sim_edl_start(e);
	double_clear(s);
	hello_resp(e, 0, true);
	assert_int_equal(serve(s, e, p, n, NULL, NULL), 0x25);
	sim_edl_free(e);
	free(p);
	/* right chip, root not the OEM's: IMAGE_AUTH_FAILURE */
	p = programmer("SDX55", 0x000E50E1, "sim-root-sha384", &n);
	e = sim_edl_new(s, (struct sim_port *)s);
	sim_edl_start(e);
	double_clear(s);
	hello_resp(e, 0, true);
	assert_int_equal(serve(s, e, p, n, NULL, NULL), 0x25);
	sim_edl_free(e);
	free(p);
	/* unsigned on a fused module: refused */
	p = programmer("SDX55", 0x000E50E1, NULL, &n);
	e = sim_edl_new(s, (struct sim_port *)s);
	sim_edl_start(e);
	double_clear(s);
	hello_resp(e, 0, true);
	assert_int_equal(serve(s, e, p, n, NULL, NULL), 0x25);
	sim_edl_free(e);
	free(p);
	/* the right root, 64-bit reads: accepted */
	p = programmer("SDX55", 0x000E50E1, "sim-root-sha256", &n);
	e = sim_edl_new(s, (struct sim_port *)s);
	sim_edl_start(e);
	assert_int_equal(get_le32(s->out + 8), 3); /* HELLO version 3 */
	double_clear(s);
	hello_resp(e, 0, true);
	assert_int_equal(get_le32(s->out), SAHARA_MSG_READ_DATA_64);
	assert_int_equal(serve(s, e, p, n, NULL, NULL), 0);
	sim_edl_free(e);
	/* a corrupted programmer: hash verification failure */
	p[n - 10] ^= 1;
	e = sim_edl_new(s, (struct sim_port *)s);
	sim_edl_start(e);
	double_clear(s);
	hello_resp(e, 0, true);
	assert_int_equal(serve(s, e, p, n, NULL, NULL), 0x22);
	sim_edl_free(e);
	free(p);
	double_free(s);
}

static void sahara_command_mode(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = sim_edl_new(s, (struct sim_port *)s);
	struct sahara_msg_pkt ex = { .cmd = SAHARA_MSG_EXECUTE };
	static const uint8_t ready[] = { 0x0b, 0, 0, 0, 8, 0, 0, 0 };
	static const uint8_t resp[] = { 0x0e, 0, 0, 0, 0x10, 0, 0, 0,
					2,    0, 0, 0, 8,    0, 0, 0 };

	sim_edl_start(e);
	double_clear(s);
	hello_resp(e, 3, false);
	assert_memory_equal(s->out, ready, 8);
	double_clear(s);
	ex.u.execute.client_cmd = 2;
	host_pkt(e, &ex);
	assert_memory_equal(s->out, resp, sizeof(resp));
	double_clear(s);
	ex.cmd = SAHARA_MSG_EXECUTE_DATA;
	host_pkt(e, &ex);
	assert_int_equal(s->out_len, 8);
	assert_int_equal(get_le64(s->out), 0x001070E100000000ull);
	/* OEM PK hash, repeated */
	double_clear(s);
	ex.cmd = SAHARA_MSG_EXECUTE;
	ex.u.execute.client_cmd = 3;
	host_pkt(e, &ex);
	assert_int_equal(get_le32(s->out + 12), 96);
	double_clear(s);
	ex.cmd = SAHARA_MSG_EXECUTE_DATA;
	host_pkt(e, &ex);
	assert_int_equal(s->out_len, 96);
	assert_memory_equal(s->out, s->out + 48, 48);
	assert_int_equal(s->out[0], 0xa7);
	/* serial */
	double_clear(s);
	ex.cmd = SAHARA_MSG_EXECUTE;
	ex.u.execute.client_cmd = 1;
	host_pkt(e, &ex);
	double_clear(s);
	ex.cmd = SAHARA_MSG_EXECUTE_DATA;
	host_pkt(e, &ex);
	assert_int_equal(get_le32(s->out), 0x0cf94c64);
	/* chip id v3 is not on a v2 device */
	double_clear(s);
	ex.cmd = SAHARA_MSG_EXECUTE;
	ex.u.execute.client_cmd = 0x0a;
	host_pkt(e, &ex);
	assert_int_equal(get_le32(s->out), SAHARA_MSG_END_OF_IMAGE);
	assert_int_equal(get_le32(s->out + 12), 0x1f);
	/* SWITCH_MODE 0: HELLO again */
	double_clear(s);
	{
		struct sahara_msg_pkt sw = { .cmd = SAHARA_MSG_SWITCH_MODE };

		host_pkt(e, &sw);
	}
	assert_int_equal(get_le32(s->out), SAHARA_MSG_HELLO);
	/* garbage: INVALID_CMD */
	double_clear(s);
	host(e, "\x55\x00\x00\x00\x08\x00\x00\x00", 8);
	assert_int_equal(get_le32(s->out), SAHARA_MSG_END_OF_IMAGE);
	assert_int_equal(get_le32(s->out + 12), 1);
	/* RESET */
	double_clear(s);
	host(e, "\x07\x00\x00\x00\x08\x00\x00\x00", 8);
	assert_memory_equal(s->out, "\x08\x00\x00\x00\x08\x00\x00\x00", 8);
	assert_int_equal(s->nrequests, 1);
	assert_int_equal(s->requests[0], SIM_REQ_RESET);
	sim_edl_free(e);
	double_free(s);
}

static void sahara_faults(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = sim_edl_new(s, (struct sim_port *)s);

	s->faults[0] = "silent:sahara";
	sim_edl_start(e);
	assert_int_equal(s->out_len, 0);
	sim_edl_free(e);
	s->faults[1] = "drop:sahara:150";
	e = sim_edl_new(s, (struct sim_port *)s);
	sim_edl_start(e);
	hello_resp(e, 0, false);
	assert_false(s->dropped);
	host(e, "0123456789012345678901234567890123456789012345678901", 52);
	assert_true(s->dropped);
	sim_edl_free(e);
	double_free(s);
}

static void fh(struct sim *s, struct sim_edl *e, const char *cmd)
{
	char doc[1024];
	int n = snprintf(doc, sizeof(doc), HDR "%s</data>", cmd);

	double_clear(s);
	host(e, doc, (size_t)n);
}

static void firehose_configure(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = to_firehose(s);

	fh(s, e,
	   "<configure MemoryName=\"nand\" Verbose=\"0\" AlwaysValidate=\"0\" "
	   "MaxDigestTableSizeInBytes=\"2048\" "
	   "MaxPayloadSizeToTargetInBytes=\"1048576\" ZlpAwareHost=\"1\" "
	   "SkipStorageInit=\"0\" />");
	assert_true(out_has(s, "<log value=\"Host&apos;s payload to target "
			       "size is too large\" />") ||
		    out_has(s, "Host's payload to target size is too large"));
	assert_true(out_has(s, "<response value=\"NAK\" MemoryName=\"nand\" "
			       "MinVersionSupported=\"1\" Version=\"1\" "
			       "MaxPayloadSizeToTargetInBytes=\"8192\""));
	fh(s, e,
	   "<configure MemoryName=\"nand\" Verbose=\"0\" AlwaysValidate=\"0\" "
	   "MaxDigestTableSizeInBytes=\"2048\" "
	   "MaxPayloadSizeToTargetInBytes=\"8192\"  ZlpAwareHost=\"1\" "
	   "SkipStorageInit=\"0\" />");
	assert_true(out_has(
		s, "<log value=\"INFO: Calling handler for configure\" />"));
	assert_true(out_has(
		s, "<log value=\"INFO: Storage type set to value nand\" />"));
	assert_true(out_has(s, "<response value=\"ACK\" MemoryName=\"nand\" "
			       "MinVersionSupported=\"1\" Version=\"1\" "
			       "MaxPayloadSizeToTargetInBytes=\"8192\" "
			       "MaxPayloadSizeToTargetInBytesSupported="
			       "\"8192\" MaxXMLSizeInBytes=\"4096\" "
			       "DateTime=\"Apr 19 2020 - 17:49:11\" />"));
	fh(s, e, "<frobnicate />");
	assert_true(out_has(s, "<response value=\"NAK\" rawmode=\"false\" />"));
	sim_edl_free(e);
	double_free(s);
}

/*
 * A host that ends its <program> with a line end after </data> (qdl's
 * libxml2 output): the line end is part of the document, not the first
 * byte of the data; the sectors read back as sent.
 */
static void firehose_program_line_end(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = to_firehose(s);
	const char *ack = "<response value=\"ACK\" rawmode=\"true\" />";
	uint8_t data[2048], *p;
	char doc[512];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"64\" physical_partition_number=\"0\" "
	   "start_sector=\"64\" />");
	n = snprintf(
		doc, sizeof(doc),
		"<?xml version=\"1.0\"?>\n<data><program "
		"SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"1\" "
		"physical_partition_number=\"0\" start_sector=\"64\" "
		"filename=\"x\" PAGES_PER_BLOCK=\"64\" "
		"last_sector=\"127\"/></data>\n");
	double_clear(s);
	host(e, doc, (size_t)n);
	assert_true(out_has(s, ack));
	double_clear(s);
	host(e, data, sizeof(data));
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	assert_false(out_has(s, "not formed"));
	fh(s, e,
	   "<read PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"1\" physical_partition_number=\"0\" "
	   "start_sector=\"64\" />");
	p = memmem(s->out, s->out_len, ack, strlen(ack));
	assert_non_null(p);
	p += strlen(ack) + strlen("\n</data>");
	assert_memory_equal(p, data, sizeof(data));
	sim_edl_free(e);
	double_free(s);
}

static void firehose_erase_program_read(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = to_firehose(s);
	uint8_t data[3 * 2048];
	size_t off;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"640\" physical_partition_number=\"0\" "
	   "start_sector=\"0\"    />");
	assert_true(out_has(
		s, "<log value=\"INFO: Calling handler for erase\" />"));
	assert_true(out_has(
		s, "<log value=\"INFO: [296] bbt_size:100 blocks:800.\" />"));
	assert_true(out_has(s, "<log value=\"INFO: Erasing start sector 0, num "
			       "sectors 0\" />"));
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	fh(s, e,
	   "<program PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "filename=\"..\\sbl1.mbn\" num_partition_sectors=\"3\"  "
	   "physical_partition_number=\"0\" start_sector=\"64\" />");
	assert_true(out_has(
		s, "<log value=\"INFO: Calling handler for program\" />"));
	assert_true(out_has(s, "<log value=\"INFO: NAND was previously open, "
			       "returning existing handle 0.\" />"));
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"true\" />"));
	double_clear(s);
	for (off = 0; off < sizeof(data); off += 1000)
		host(e, data + off,
		     sizeof(data) - off < 1000 ? sizeof(data) - off : 1000);
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	fh(s, e,
	   "<read PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"3\" physical_partition_number=\"0\" "
	   "start_sector=\"64\" />");
	{
		const char *ack = "<response value=\"ACK\" rawmode=\"true\" />";
		uint8_t *p = memmem(s->out, s->out_len, ack, strlen(ack));

		assert_non_null(p);
		p += strlen(ack) + strlen("\n</data>");
		assert_memory_equal(p, data, sizeof(data));
		assert_non_null(
			memmem(p + sizeof(data),
			       s->out_len - (size_t)(p - s->out) - sizeof(data),
			       "rawmode=\"false\"", 15));
	}
	/* programming the same pages again: not erased -> NAK */
	fh(s, e,
	   "<program PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "filename=\"x\" num_partition_sectors=\"1\" "
	   "physical_partition_number=\"0\" start_sector=\"64\" />");
	host(e, data, 2048);
	assert_true(out_has(s, "page is not erased"));
	assert_true(out_has(s, "<response value=\"NAK\" rawmode=\"false\" />"));
	/* digest */
	fh(s, e,
	   "<getsha256digest SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"1\" physical_partition_number=\"0\" "
	   "start_sector=\"64\" />");
	assert_true(out_has(s, "<log value=\"Digest "));
	/* storage info */
	fh(s, e, "<getstorageinfo physical_partition_number=\"0\" />");
	assert_true(out_has(
		s,
		"&quot;total_blocks&quot;:256, &quot;block_size&quot;:131072, "
		"&quot;page_size&quot;:2048"));
	/* patch DISK only */
	fh(s, e,
	   "<patch SECTOR_SIZE_IN_BYTES=\"2048\" byte_offset=\"4\" "
	   "filename=\"DISK\" physical_partition_number=\"0\" "
	   "size_in_bytes=\"4\" start_sector=\"64\" "
	   "value=\"NUM_DISK_BLOCKS-6.\" what=\"x\"/>");
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	{
		uint8_t page[2048];

		nand_read(s->nand, 64, 1, page);
		assert_int_equal(get_le32(page + 4), 250);
	}
	fh(s, e,
	   "<patch SECTOR_SIZE_IN_BYTES=\"2048\" byte_offset=\"484\" "
	   "filename=\"partition_complete_p2K_b128K.mbn\" "
	   "physical_partition_number=\"0\" size_in_bytes=\"4\" "
	   "start_sector=\"1\" value=\"NUM_DISK_BLOCKS-1458.\" what=\"x\"/>");
	assert_true(out_has(s, "<response value=\"NAK\" rawmode=\"false\" />"));
	sim_edl_free(e);
	double_free(s);
}

/* A read of a large range goes out in pieces, each taken by the host
 * (sim_port_flush) before the next: the queue never holds more than one. */
static void firehose_read_paced(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = to_firehose(s);
	const char *fin = "<response value=\"ACK\" rawmode=\"false\" />";

	/* 8 MiB: pages 0..4095, erased (0xFF) */
	s->unflushed = s->max_unflushed = 0;
	fh(s, e,
	   "<read PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"4096\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	assert_true(out_has(s, fin));
	assert_true(s->out_len > 8u << 20);
	assert_int_equal(s->flushes, (8u << 20) / (64u * 1024u));
	assert_true(s->max_unflushed <= 64u * 1024u + 1024u);
	/* a host that stops reading: the transfer ends, no final ACK */
	s->flush_rc = -110;
	s->flushes = 0;
	fh(s, e,
	   "<read PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"4096\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	assert_int_equal(s->flushes, 1);
	assert_false(out_has(s, fin));
	assert_true(s->out_len < 70u * 1024u);
	sim_edl_free(e);
	double_free(s);
}

static void firehose_refusals(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = to_firehose(s);

	fh(s, e,
	   "<program PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"512\" "
	   "filename=\"x\" num_partition_sectors=\"1\" "
	   "physical_partition_number=\"0\" start_sector=\"0\" />");
	assert_true(out_has(
		s,
		"<log value=\"Attribute &apos;SECTOR_SIZE_IN_BYTES&apos;=512 "
		"must be equal to disk sector size 2048\" />"));
	assert_true(out_has(s, "value=\"NAK\""));
	/* program and read check PAGES_PER_BLOCK (edl#714, #522) ... */
	fh(s, e,
	   "<program PAGES_PER_BLOCK=\"2048\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "filename=\"x\" num_partition_sectors=\"64\" "
	   "physical_partition_number=\"0\" start_sector=\"0\" />");
	assert_true(out_has(s, "Attribute &apos;PAGES_PER_BLOCK&apos;=2048 "
			       "must be equal to disk pages per block 64"));
	assert_true(out_has(s, "value=\"NAK\""));
	double_clear(s);
	fh(s, e,
	   "<read PAGES_PER_BLOCK=\"128\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"1\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	assert_true(out_has(s, "Attribute &apos;PAGES_PER_BLOCK&apos;=128 "
			       "must be equal to disk pages per block 64"));
	assert_true(out_has(s, "value=\"NAK\""));
	/* ... an erase only its alignment (Biktorgj#29) */
	double_clear(s);
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"2048\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"64\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	assert_false(out_has(s, "PAGES_PER_BLOCK"));
	assert_true(out_has(s, "<response value=\"ACK\""));
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"640\" physical_partition_number=\"0\" "
	   "start_sector=\"16000\" />");
	assert_true(out_has(
		s, "Block erase request exceeding total number of blocks"));
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"0x240\" physical_partition_number=\"0\" "
	   "start_sector=\"32\" />");
	assert_true(out_has(s, "<log value=\"start_sector = 32 and "
			       "num_partition_sectors =0x240)\" />"));
	assert_true(out_has(s, "<log value=\"start_sector unaligned\" />"));
	assert_true(out_has(s, "<response value=\"NAK\" rawmode=\"false\" />"));
	fh(s, e,
	   "<erase label=\"erase whole disk\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	assert_true(out_has(s, "whole disk erase refused"));
	assert_true(out_has(s, "value=\"NAK\""));
	fh(s, e,
	   "<read SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"2\" "
	   "physical_partition_number=\"0\" start_sector=\"16383\" />");
	assert_true(out_has(s, "value=\"NAK\""));
	sim_edl_free(e);
	double_free(s);
}

static void firehose_badblock(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e;
	uint8_t data[2048] = { 1 };

	s->faults[0] = "badblock:130,200"; /* pages of blocks 2 and 3 */
	e = to_firehose(s);
	assert_true(nand_block_bad(s->nand, 2));
	assert_true(nand_block_bad(s->nand, 3));
	assert_false(nand_block_bad(s->nand, 4));
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"256\" physical_partition_number=\"0\" "
	   "start_sector=\"128\" />");
	assert_true(out_has(s, "INFO: Skipping bad block 2"));
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	fh(s, e,
	   "<program SECTOR_SIZE_IN_BYTES=\"2048\" filename=\"x\" "
	   "num_partition_sectors=\"1\" physical_partition_number=\"0\" "
	   "start_sector=\"130\" />");
	host(e, data, sizeof(data));
	/* SBL (blocks 0-9) skips its bad blocks: its block 2 is block 4 */
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	{
		uint8_t back[2048];

		assert_int_equal(nand_read(s->nand, 130, 1, back), 0);
		assert_memory_equal(back, data, sizeof(data));
		assert_false(nand_page_erased(s->nand, 4 * 64 + 2));
		assert_true(nand_page_erased(s->nand, 130));
	}
	/* 8 good blocks of 10: its blocks 8 and 9 do not exist */
	fh(s, e,
	   "<program SECTOR_SIZE_IN_BYTES=\"2048\" filename=\"x\" "
	   "num_partition_sectors=\"1\" physical_partition_number=\"0\" "
	   "start_sector=\"576\" />");
	host(e, data, sizeof(data));
	assert_true(out_has(s, "no good block left in the partition"));
	assert_true(out_has(s, "<response value=\"NAK\" rawmode=\"false\" />"));
	{
		uint8_t back[2048], ff[2048];

		memset(ff, 0xff, sizeof(ff));
		assert_int_equal(nand_read(s->nand, 576, 1, back), 0);
		assert_memory_equal(back, ff, sizeof(ff));
	}
	sim_edl_free(e);
	double_free(s);
}

static void firehose_faults_power(void **state)
{
	struct sim *s = double_new(&test_profile);
	struct sim_edl *e = to_firehose(s);
	uint8_t data[4096] = { 1 };

	s->faults[0] = "nak:configure";
	s->faults[1] = "corrupt:nop";
	s->faults[2] = "silent:getstorageinfo";
	s->faults[3] = "drop:program:3000";
	fh(s, e,
	   "<configure MemoryName=\"nand\" "
	   "MaxPayloadSizeToTargetInBytes=\"8192\" />");
	assert_true(out_has(s, "value=\"NAK\""));
	fh(s, e, "<nop />");
	assert_false(out_has(s, "<response"));
	assert_true(out_has(s, "</data>"));
	fh(s, e, "<getstorageinfo />");
	assert_int_equal(s->out_len, 0);
	fh(s, e,
	   "<erase PAGES_PER_BLOCK=\"64\" SECTOR_SIZE_IN_BYTES=\"2048\" "
	   "num_partition_sectors=\"64\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	fh(s, e,
	   "<program SECTOR_SIZE_IN_BYTES=\"2048\" filename=\"x\" "
	   "num_partition_sectors=\"2\" physical_partition_number=\"0\" "
	   "start_sector=\"0\" />");
	host(e, data, sizeof(data));
	assert_true(s->dropped);
	sim_edl_free(e);
	double_free(s);

	s = double_new(&test_profile);
	e = to_firehose(s);
	fh(s, e, "<power value=\"reset\" />");
	assert_true(out_has(
		s, "<log value=\"INFO: Calling handler for power\" />"));
	assert_true(out_has(s, "<response value=\"ACK\" rawmode=\"false\" />"));
	assert_true(out_has(
		s,
		"<log value=\"INFO: Will issue reset/power off 100 useconds, "
		"if this hangs check if watchdog is enabled\" />"));
	assert_true(out_has(s, "<log value=\"INFO: bsp_target_reset() 1\" />"));
	assert_int_equal(s->nrequests, 1);
	assert_int_equal(s->requests[0], SIM_REQ_RESET);
	sim_edl_free(e);
	double_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sahara_upload),
		cmocka_unit_test(sahara_rejects),
		cmocka_unit_test(sahara_command_mode),
		cmocka_unit_test(sahara_faults),
		cmocka_unit_test(firehose_configure),
		cmocka_unit_test(firehose_erase_program_read),
		cmocka_unit_test(firehose_program_line_end),
		cmocka_unit_test(firehose_read_paced),
		cmocka_unit_test(firehose_refusals),
		cmocka_unit_test(firehose_badblock),
		cmocka_unit_test(firehose_faults_power),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
