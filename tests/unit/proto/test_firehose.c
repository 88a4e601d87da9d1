// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakelink.h"
#include "proto/firehose.h"

#define HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n"
#define LOG(t)	HEAD "<log value=\"" t "\" />\n</data>"
#define ACK	HEAD "<response value=\"ACK\" rawmode=\"false\" />\n</data>"
#define ACK_RAW HEAD "<response value=\"ACK\" rawmode=\"true\" />\n</data>"
#define NAK	HEAD "<response value=\"NAK\" />\n</data>"
/* RM500Q configure ACK (docs/protocols.md, Firehose) */
#define CFG_ACK                                                                \
	HEAD "<response value=\"ACK\" MemoryName=\"nand\" "                    \
	     "MinVersionSupported=\"1\" Version=\"1\" "                        \
	     "MaxPayloadSizeToTargetInBytes=\"8192\" "                         \
	     "MaxPayloadSizeToTargetInBytesSupported=\"8192\" "                \
	     "MaxXMLSizeInBytes=\"4096\" DateTime=\"Apr 19 2020 - 17:49:11\" " \
	     "/>\n</data>"

static const char *const funcs[] = {
	"program",
	"read",
	"nop",
	"patch",
	"configure",
	"setbootablestoragedrive",
	"erase",
	"power",
	"firmwarewrite",
	"getstorageinfo",
	"benchmark",
	"emmc",
	"ufs",
	"fixgpt",
	"getsha256digest",
};

static void startup(struct fakelink *f)
{
	char doc[256];

	fl_str(f, LOG("INFO: Binary build date: Apr 19 2020 @ 17:49:11"));
	fl_str(f, LOG("INFO: Chip serial num: 0 (0x0)"));
	fl_str(f, LOG("INFO: Supported Functions (15):"));
	for (size_t i = 0; i < 15; i++) {
		snprintf(doc, sizeof(doc),
			 HEAD "<log value=\"INFO: %s\" />\n</data>", funcs[i]);
		fl_str(f, doc);
	}
	fl_str(f, LOG("INFO: End of supported functions 15"));
}

static void session(struct fh_session *s, struct fakelink *f,
		    struct mf_err *err)
{
	assert_int_equal(fh_init(s, &f->link, NULL, err), 0);
	s->t.idle_ms = 20;
	s->t.startup_max_ms = 2000;
	s->t.cmd_ms = s->t.erase_ms = s->t.program_ack_ms = 200;
	s->t.data_ms = s->t.program_final_ms = s->t.digest_ms = 200;
}

static int tmpfile_with(const void *buf, size_t len)
{
	char path[] = "/tmp/mf-img-XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	if (len)
		assert_int_equal(write(fd, buf, len), (ssize_t)len);
	return fd;
}

static const struct fh_msg_attr *erase_attrs(char *start, size_t *n)
{
	static struct fh_msg_attr a[4];

	a[0] = (struct fh_msg_attr){ "SECTOR_SIZE_IN_BYTES", "4096" };
	a[1] = (struct fh_msg_attr){ "num_partition_sectors", "64" };
	a[2] = (struct fh_msg_attr){ "physical_partition_number", "0" };
	a[3] = (struct fh_msg_attr){ "start_sector", start };
	*n = 4;
	return a;
}

/* The RM500Q session of docs/field-data.md in small: logs, configure, 21
 * erases, 20 programs, power reset and the link dropping afterwards. */
static void test_rm500q_session(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint8_t img[5000];
	char start[16];
	size_t n;
	int fd;

	memset(img, 0xa5, sizeof(img));
	fd = tmpfile_with(img, sizeof(img));
	fl_init(&f);
	f.max_read = 61;
	startup(&f);
	fl_timeout(&f); /* one second of silence ends the start-up */
	fl_str(&f, CFG_ACK);
	for (int i = 0; i < 21; i++) {
		fl_str(&f, LOG("INFO: Calling handler for erase"));
		fl_str(&f, LOG("INFO: NAND was previously open, returning "
			       "existing handle 0."));
		if (i == 0) {
			fl_str(&f, LOG("INFO: [296] bbt_size:100 blocks:800."));
			fl_str(&f, LOG("INFO: [296] bbt_size:100 blocks:800."));
		}
		fl_str(&f, ACK);
	}
	for (int i = 0; i < 20; i++) {
		fl_str(&f, LOG("INFO: Calling handler for program"));
		fl_str(&f, ACK_RAW);
		fl_str(&f, ACK);
	}
	fl_str(&f, ACK);
	fl_str(&f, LOG("INFO: Will issue reset/power off 100 useconds, if this "
		       "hangs check if watchdog is enabled"));
	fl_disconnect(&f);

	session(&s, &f, &err);
	assert_int_equal(fh_open(&s), 0);
	assert_int_equal(s.nfuncs, 15);
	assert_true(fh_supports(&s, "getsha256digest"));
	assert_false(fh_supports(&s, "peek"));
	assert_int_equal(fh_configure(&s, "nand", 8192), 0);
	assert_int_equal(s.payload, 8192);
	assert_int_equal(s.max_xml, 4096);
	assert_true(fl_wrote_str(&f, "<configure MemoryName=\"nand\""));
	for (int i = 0; i < 21; i++) {
		snprintf(start, sizeof(start), "%d", i * 64);
		const struct fh_msg_attr *ea = erase_attrs(start, &n);

		assert_int_equal(fh_erase(&s, ea, n), 0);
	}
	for (int i = 0; i < 20; i++) {
		struct fh_msg_attr a[] = {
			{ "SECTOR_SIZE_IN_BYTES", "4096" },
			{ "num_partition_sectors", "9999" },
			{ "physical_partition_number", "0" },
			{ "start_sector", "128" },
		};

		assert_int_equal(fh_program(&s, a, 4, fd, 0, sizeof(img)), 0);
	}
	/* num_partition_sectors recomputed from the file: 5000 -> 2 sectors */
	assert_true(fl_wrote_str(&f, "num_partition_sectors=\"2\""));
	assert_false(fl_wrote_str(&f, "9999"));
	assert_int_equal(fh_power(&s, "reset", 0), 0);
	assert_true(fl_wrote_str(&f, "<power value=\"reset\""));
	assert_int_equal(err.status, MF_OK);
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

/* The last sector is zero-padded and the data follows the XML exactly. */
static void test_program_padding(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint8_t img[3000], expect[4096] = { 0 };
	int fd;

	memset(img, 0x5a, sizeof(img));
	memcpy(expect, img, sizeof(img));
	fd = tmpfile_with(img, sizeof(img));
	fl_init(&f);
	fl_str(&f, ACK_RAW);
	fl_str(&f, ACK);
	session(&s, &f, &err);
	{
		struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "4096" },
					   { "start_sector", "0" } };

		assert_int_equal(fh_program(&s, a, 2, fd, 0, sizeof(img)), 0);
	}
	assert_true(fl_wrote(&f, expect, sizeof(expect)));
	assert_memory_equal(f.w + f.wlen - 4096, expect, 4096);
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

static void test_erase_nak_quotes_logs(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	size_t n;

	fl_init(&f);
	/* quectel_eg25_recovery#29: wrong geometry */
	fl_str(&f,
	       LOG("start_sector = 13952 and num_partition_sectors =0x240)"));
	fl_str(&f, LOG("start_sector unaligned"));
	fl_str(&f, NAK);
	session(&s, &f, &err);
	const struct fh_msg_attr *ea = erase_attrs("13952", &n);

	assert_int_equal(fh_erase(&s, ea, n), -EREMOTEIO);
	assert_non_null(strstr(err.msg, "NAK"));
	assert_non_null(strstr(err.msg, "start_sector unaligned"));
	assert_non_null(strstr(err.msg, "13952"));
	fh_close(&s);
	fl_free(&f);
}

static void test_configure_nak_negotiates(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, LOG("ERROR: Host's payload to target size is too large"));
	fl_str(&f, HEAD "<response value=\"NAK\" "
			"MaxPayloadSizeToTargetInBytes=\"8192\" />\n</data>");
	fl_str(&f, CFG_ACK);
	session(&s, &f, &err);
	assert_int_equal(fh_configure(&s, "nand", 1048576), 0);
	assert_int_equal(s.payload, 8192);
	assert_true(
		fl_wrote_str(&f, "MaxPayloadSizeToTargetInBytes=\"1048576\""));
	assert_true(fl_wrote_str(&f, "MaxPayloadSizeToTargetInBytes=\"8192\""));
	fh_close(&s);
	fl_free(&f);
}

static void test_configure_ack_supported_smaller(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, HEAD
	       "<response value=\"ACK\" "
	       "MaxPayloadSizeToTargetInBytes=\"1048576\" "
	       "MaxPayloadSizeToTargetInBytesSupported=\"16384\" />\n</data>");
	fl_str(&f, HEAD "<response value=\"ACK\" "
			"MaxPayloadSizeToTargetInBytes=\"16384\" "
			"MaxPayloadSizeToTargetInBytesSupported=\"16384\" "
			"MaxPayloadSizeFromTargetInBytes=\"4096\" />\n</data>");
	session(&s, &f, &err);
	assert_int_equal(fh_configure(&s, "nand", 1048576), 0);
	assert_int_equal(s.payload, 16384);
	assert_int_equal(s.payload_from, 4096);
	fh_close(&s);
	fl_free(&f);
}

static void test_configure_bad_payload(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, HEAD "<response value=\"NAK\" "
			"MaxPayloadSizeToTargetInBytes=\"12\" />\n</data>");
	session(&s, &f, &err);
	assert_int_equal(fh_configure(&s, "nand", 8192), -EBADMSG);
	assert_non_null(strstr(err.msg, "malformed"));
	fh_close(&s);
	fl_free(&f);
}

/* Raw data arrives in the same read as the rawmode ACK (push-back). */
struct progress_seen {
	unsigned calls, log_calls;
	uint64_t done, total;
	char what[16], label[16];
};

static void on_progress(void *ctx, const struct fh_progress *p)
{
	struct progress_seen *ps = ctx;

	ps->calls++;
	ps->done = p->done;
	ps->total = p->total;
	snprintf(ps->what, sizeof(ps->what), "%s", p->what);
	snprintf(ps->label, sizeof(ps->label), "%s",
		 p->label ? p->label : "(none)");
}

static void on_log_progress(void *ctx, const char *stage, uint64_t done,
			    uint64_t total)
{
	struct progress_seen *ps = ctx;

	ps->log_calls++;
	ps->done = done;
	ps->total = total;
	snprintf(ps->what, sizeof(ps->what), "%s", stage);
}

/* The session reports to its callback, else to its log's progress. */
static void test_progress_callback(void **state)
{
	struct progress_seen ps = { 0 };
	struct mf_log log = { .progress = on_log_progress, .ctx = &ps };
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint8_t img[3000];
	struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "4096" },
				   { "label", "sbl" },
				   { "start_sector", "0" } };
	int fd;

	memset(img, 0x5a, sizeof(img));
	fd = tmpfile_with(img, sizeof(img));
	fl_init(&f);
	fl_str(&f, ACK_RAW);
	fl_str(&f, ACK);
	fl_str(&f, ACK_RAW);
	fl_str(&f, ACK);
	session(&s, &f, &err);
	s.log = &log;
	fh_set_progress(&s, on_progress, &ps);
	assert_int_equal(fh_program(&s, a, 3, fd, 0, sizeof(img)), 0);
	assert_true(ps.calls >= 1);
	assert_int_equal(ps.log_calls, 0);
	assert_string_equal(ps.what, "program");
	assert_string_equal(ps.label, "sbl");
	assert_int_equal(ps.done, 4096);
	assert_int_equal(ps.total, 4096);
	fh_set_progress(&s, NULL, NULL);
	ps = (struct progress_seen){ 0 };
	assert_int_equal(fh_program(&s, a, 3, fd, 0, sizeof(img)), 0);
	assert_int_equal(ps.calls, 0);
	assert_true(ps.log_calls >= 1);
	assert_string_equal(ps.what, "program");
	assert_int_equal(ps.done, 4096);
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

static void test_read_pushback(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	char blob[8192];
	uint8_t got[4096];
	size_t hl = strlen(ACK_RAW), al = strlen(ACK);
	struct fh_msg_attr a[] = {
		{ "SECTOR_SIZE_IN_BYTES", "2048" },
		{ "num_partition_sectors", "2" },
		{ "physical_partition_number", "0" },
		{ "start_sector", "640" },
	};
	int fd = tmpfile_with(NULL, 0);

	memcpy(blob, ACK_RAW, hl);
	for (int i = 0; i < 4096; i++)
		blob[hl + i] = (char)(i * 13);
	memcpy(blob + hl + 4096, ACK, al);
	fl_init(&f);
	fl_data(&f, blob, hl + 4096 + al);
	session(&s, &f, &err);
	assert_int_equal(fh_read(&s, a, 4, fd), 0);
	assert_int_equal(pread(fd, got, sizeof(got), 0), 4096);
	assert_memory_equal(got, blob + hl, 4096);
	assert_true(fl_done(&f));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

static void test_read_disconnect(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	struct fh_msg_attr a[] = {
		{ "SECTOR_SIZE_IN_BYTES", "2048" },
		{ "num_partition_sectors", "2" },
	};
	int fd = tmpfile_with(NULL, 0);

	fl_init(&f);
	fl_str(&f, ACK_RAW);
	fl_data(&f, "abc", 3);
	fl_disconnect(&f);
	session(&s, &f, &err);
	assert_int_equal(fh_read(&s, a, 2, fd), -ENODEV);
	assert_int_equal(err.status, MF_NO_DEVICE);
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

/* Over USB the device may drop off before its power ACK reaches us. */
static void test_power_gone_before_ack(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_disconnect(&f);
	session(&s, &f, &err);
	assert_int_equal(fh_power(&s, "reset", 1), 0);
	assert_true(fl_wrote_str(&f, "<power value=\"reset\""));
	assert_int_equal(err.status, MF_OK);
	fh_close(&s);
	fl_free(&f);
}

/* A NAK of power is still an error. */
static void test_power_nak(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, "<?xml version=\"1.0\" ?><data><response value=\"NAK\" "
		   "/></data>");
	session(&s, &f, &err);
	assert_int_equal(fh_power(&s, "reset", 0), -EREMOTEIO);
	assert_int_not_equal(err.status, MF_OK);
	fh_close(&s);
	fl_free(&f);
}

static void test_program_final_timeout(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint8_t img[100] = { 1 };
	struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "2048" } };
	int fd = tmpfile_with(img, sizeof(img));

	fl_init(&f);
	fl_str(&f, ACK_RAW);
	session(&s, &f, &err);
	assert_int_equal(fh_program(&s, a, 1, fd, 0, sizeof(img)), -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.msg, "no answer to <program>"));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

static void test_program_missing_sector_size(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	struct fh_msg_attr a[] = { { "start_sector", "0" } };

	fl_init(&f);
	session(&s, &f, &err);
	assert_int_equal(fh_program(&s, a, 1, 0, 0, 10), -EINVAL);
	assert_int_equal(f.wlen, 0);
	fh_close(&s);
	fl_free(&f);
}

static void test_malformed_answer(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, HEAD "<response value=\"ACK\" <<< /></data>");
	session(&s, &f, &err);
	assert_int_equal(fh_nop(&s), -EBADMSG);
	assert_non_null(strstr(err.msg, "malformed"));
	fh_close(&s);
	fl_free(&f);
}

static void test_storage_info_and_digest(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	struct fh_msg_storage_info si;
	uint8_t d[32];
	struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "4096" },
				   { "num_partition_sectors", "1" } };

	fl_init(&f);
	fl_str(&f,
	       LOG("INFO: {&quot;storage_info&quot;: "
		   "{&quot;total_blocks&quot;:2048, "
		   "&quot;block_size&quot;:262144, &quot;page_size&quot;:4096, "
		   "&quot;num_physical&quot;:1, "
		   "&quot;manufacturer_id&quot;:44, &quot;serial_num&quot;:0, "
		   "&quot;fw_version&quot;:&quot;&quot;, "
		   "&quot;mem_type&quot;:&quot;NAND&quot;, "
		   "&quot;prod_name&quot;:&quot;MT29F4G&quot;}}"));
	fl_str(&f, ACK);
	fl_str(&f, LOG("INFO: Digest "
		       "0x9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6"
		       "C15B0F00A08"));
	fl_str(&f, ACK);
	session(&s, &f, &err);
	assert_int_equal(fh_getstorageinfo(&s, 0, &si), 0);
	assert_int_equal(si.total_blocks, 2048);
	assert_int_equal(si.block_size, 262144);
	assert_int_equal(si.page_size, 4096);
	assert_string_equal(si.mem_type, "NAND");
	assert_string_equal(si.prod_name, "MT29F4G");
	assert_int_equal(fh_sha256_digest(&s, a, 2, d), 0);
	assert_int_equal(d[0], 0x9f);
	assert_int_equal(d[31], 0x08);
	fh_close(&s);
	fl_free(&f);
}

static void test_storage_info_missing(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	struct fh_msg_storage_info si;

	fl_init(&f);
	fl_str(&f, ACK);
	session(&s, &f, &err);
	assert_int_equal(fh_getstorageinfo(&s, 0, &si), -ENODATA);
	fh_close(&s);
	fl_free(&f);
}

/* 9x07 programmers list the functions on one line; no list -> nop. */
static void test_single_line_functions(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, LOG("INFO: Supported Functions: program configure power "
		       "benchmark read getstorageinfo erase nop"));
	session(&s, &f, &err);
	assert_int_equal(fh_open(&s), 0);
	assert_int_equal(s.nfuncs, 8);
	assert_true(fh_supports(&s, "getstorageinfo"));
	assert_false(fh_supports(&s, "getsha256digest"));
	assert_int_equal(f.wlen, 0);
	fh_close(&s);
	fl_free(&f);
}

static void test_open_pre_bytes_and_nop(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	const char *pre =
		LOG("INFO: Binary build date: Apr 19 2020 @ 17:49:11");

	fl_init(&f);
	fl_timeout(&f);
	fl_str(&f, LOG("INFO: Supported Functions: program read nop"));
	fl_str(&f, ACK);
	session(&s, &f, &err);
	/* what Sahara read ahead, left in the link */
	assert_int_equal(link_unread(&f.link, pre, strlen(pre)), 0);
	assert_int_equal(fh_open(&s), 0);
	assert_true(fl_wrote_str(&f, "<nop"));
	assert_int_equal(s.nfuncs, 3);
	assert_int_equal(s.nlogs, 2);
	fh_close(&s);
	fl_free(&f);
}

static void test_open_silent(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	fl_init(&f);
	session(&s, &f, &err);
	assert_int_equal(fh_open(&s), -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	fh_close(&s);
	fl_free(&f);
}

static void test_patch_host_file_skipped(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	struct fh_msg_attr host[] = { { "filename",
					"partition_complete_p2K_b128K.mbn" } };
	struct fh_msg_attr disk[] = { { "filename", "DISK" },
				      { "SECTOR_SIZE_IN_BYTES", "512" } };

	fl_init(&f);
	fl_str(&f, ACK);
	session(&s, &f, &err);
	assert_int_equal(fh_patch(&s, host, 1), 1);
	assert_int_equal(f.wlen, 0);
	assert_int_equal(fh_patch(&s, disk, 2), 0);
	assert_true(fl_wrote_str(&f, "<patch filename=\"DISK\""));
	fh_close(&s);
	fl_free(&f);
}

/* A programmer killed mid-<program> (SIGKILL): it answers once the range
 * is full; what went past its end is NAKed and drained. */
static void test_finish_raw_until_answer(void **state)
{
	uint8_t ff[FH_FINISH_BLOCK];
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint64_t sent = 0;

	memset(ff, 0xff, sizeof(ff));
	fl_init(&f);
	fl_timeout(&f);
	fl_timeout(&f);
	fl_str(&f, ACK);
	fl_str(&f, LOG("ERROR: XML not formed correctly"));
	fl_str(&f, NAK);
	session(&s, &f, &err);
	assert_int_equal(fh_finish_raw(&s, 1u << 20, &sent), 0);
	assert_int_equal(sent, 3 * FH_FINISH_BLOCK);
	assert_int_equal(f.wlen, 3 * FH_FINISH_BLOCK);
	assert_memory_equal(f.w + 2 * FH_FINISH_BLOCK, ff, FH_FINISH_BLOCK);
	assert_true(fl_done(&f));
	fh_close(&s);
	fl_free(&f);
	(void)state;
}

/* Nothing answers: it stops after max_bytes (rounded up to a block). */
static void test_finish_raw_no_answer(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint64_t sent = 0;

	fl_init(&f);
	session(&s, &f, &err);
	s.t.cmd_ms = 50;
	assert_int_equal(fh_finish_raw(&s, 5 * FH_FINISH_BLOCK - 1, &sent),
			 -ETIMEDOUT);
	assert_int_equal(sent, 5 * FH_FINISH_BLOCK);
	fh_close(&s);
	fl_free(&f);
	(void)state;
}

/* The link fails: the error names the interrupted command. */
static void test_finish_raw_link_gone(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	uint64_t sent = 1;

	fl_init(&f);
	f.write_err = -ENODEV;
	session(&s, &f, &err);
	assert_int_equal(fh_finish_raw(&s, 1u << 20, &sent), -ENODEV);
	assert_int_equal(sent, 0);
	assert_non_null(strstr(err.msg, "program"));
	fh_close(&s);
	fl_free(&f);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rm500q_session),
		cmocka_unit_test(test_power_gone_before_ack),
		cmocka_unit_test(test_power_nak),
		cmocka_unit_test(test_program_padding),
		cmocka_unit_test(test_erase_nak_quotes_logs),
		cmocka_unit_test(test_configure_nak_negotiates),
		cmocka_unit_test(test_configure_ack_supported_smaller),
		cmocka_unit_test(test_configure_bad_payload),
		cmocka_unit_test(test_progress_callback),
		cmocka_unit_test(test_read_pushback),
		cmocka_unit_test(test_read_disconnect),
		cmocka_unit_test(test_program_final_timeout),
		cmocka_unit_test(test_program_missing_sector_size),
		cmocka_unit_test(test_malformed_answer),
		cmocka_unit_test(test_storage_info_and_digest),
		cmocka_unit_test(test_storage_info_missing),
		cmocka_unit_test(test_single_line_functions),
		cmocka_unit_test(test_open_pre_bytes_and_nop),
		cmocka_unit_test(test_finish_raw_until_answer),
		cmocka_unit_test(test_finish_raw_no_answer),
		cmocka_unit_test(test_finish_raw_link_gone),
		cmocka_unit_test(test_open_silent),
		cmocka_unit_test(test_patch_host_file_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
