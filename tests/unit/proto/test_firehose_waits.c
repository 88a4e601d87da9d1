// SPDX-License-Identifier: BSD-3-Clause
/*
 * Waits that are bounded by the work and speak (issue 20): the timeout of
 * a getsha256digest grows with its range, a silent wait is reported every
 * MF_WAIT_REPORT_MS, an error quotes only the failed command's logs, and a
 * host-side write error keeps its errno (no retry, no "link" blame).
 */
#include <errno.h>
#include <fcntl.h>
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
#include "proto/firehose_verify.h"

#define HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n"
#define LOG(t)	HEAD "<log value=\"" t "\" />\n</data>"
#define ACK	HEAD "<response value=\"ACK\" rawmode=\"false\" />\n</data>"
#define ACK_RAW HEAD "<response value=\"ACK\" rawmode=\"true\" />\n</data>"
#define NAK	HEAD "<response value=\"NAK\" />\n</data>"

struct waits {
	unsigned n, last_elapsed, timeout;
	char what[96];
};

static void on_wait(void *ctx, const char *what, unsigned elapsed_s,
		    unsigned timeout_s)
{
	struct waits *w = ctx;

	w->n++;
	w->last_elapsed = elapsed_s;
	w->timeout = timeout_s;
	snprintf(w->what, sizeof(w->what), "%s", what);
}

static void session(struct fh_session *s, struct fakelink *f,
		    const struct mf_log *log, struct mf_err *err)
{
	assert_int_equal(fh_init(s, &f->link, log, err), 0);
	s->t.cmd_ms = s->t.program_ack_ms = s->t.data_ms = 200;
}

static void digest_over(const char *sectors, struct waits *w,
			struct mf_err *err)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_log log = { .waiting = on_wait, .ctx = w };
	struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "2048" },
				   { "num_partition_sectors", sectors } };
	uint8_t d[32];

	fl_init(&f); /* nothing scripted: every read times out at once */
	session(&s, &f, &log, err);
	assert_int_equal(fh_sha256_digest(&s, a, 2, d), -ETIMEDOUT);
	fh_close(&s);
	fl_free(&f);
}

/* 10 s base plus the range at 1 MB/s: 64 KiB -> 11 s, 1 GiB -> 1084 s. */
static void test_digest_timeout_scales_with_the_range(void **state)
{
	struct waits small = { 0 }, big = { 0 };
	struct mf_err e1 = { 0 }, e2 = { 0 };

	(void)state;
	digest_over("32", &small, &e1);	  /* 64 KiB */
	digest_over("524288", &big, &e2); /* 1 GiB */
	assert_non_null(strstr(e1.msg, "no answer to <getsha256digest> "
				       "within 11 s"));
	assert_non_null(strstr(e2.msg, "no answer to <getsha256digest> "
				       "within 1084 s"));
	assert_int_equal(e1.status, MF_TIMEOUT);
	/* one report per MF_WAIT_REPORT_MS slice of the silence */
	assert_int_equal(small.n, 10065 / MF_WAIT_REPORT_MS);
	assert_int_equal(big.n, 1083741 / MF_WAIT_REPORT_MS);
	assert_int_equal(small.timeout, 11);
	assert_int_equal(big.timeout, 1084);
	assert_string_equal(big.what, "the answer to <getsha256digest>");
}

static void test_scaled_ms(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	(void)state;
	fl_init(&f);
	assert_int_equal(fh_init(&s, &f.link, NULL, &err), 0);
	assert_int_equal(fh_scaled_ms(&s, 10000, 0, 1), 10000);
	assert_int_equal(fh_scaled_ms(&s, 10000, 2000000, 1), 12000);
	assert_int_equal(fh_scaled_ms(&s, 10000, 16000000, 8), 12000);
	assert_true(fh_scaled_ms(&s, 0, UINT64_MAX / 2, 1) > 0); /* no wrap */
	fh_close(&s);
	fl_free(&f);
}

/* Logs of an earlier command never reach the error of the next. */
static void test_nak_quotes_only_its_own_logs(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };

	(void)state;
	fl_init(&f);
	fl_str(&f, LOG("INFO: Erasing start sector 89344, num sectors 0"));
	fl_str(&f, ACK);
	fl_str(&f, LOG("INFO: Calling handler for nop"));
	fl_str(&f, LOG("ERROR: nop failed"));
	fl_str(&f, NAK);
	session(&s, &f, NULL, &err);
	assert_int_equal(fh_nop(&s), 0);
	assert_int_equal(fh_nop(&s), -EREMOTEIO);
	assert_non_null(strstr(err.msg, "Calling handler for nop | "
					"ERROR: nop failed"));
	assert_null(strstr(err.msg, "Erasing"));
	fh_close(&s);
	fl_free(&f);
}

/* A NAK of a read gets a read's hint, not "check the package". */
static void test_read_nak_hint(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "2048" },
				   { "num_partition_sectors", "2" } };

	(void)state;
	fl_init(&f);
	fl_str(&f, NAK);
	session(&s, &f, NULL, &err);
	assert_int_equal(fh_read(&s, a, 2, 1), -EREMOTEIO);
	assert_null(strstr(err.hint, "package"));
	assert_non_null(strstr(err.hint, "refused to read this range"));
	fh_close(&s);
	fl_free(&f);
}

/* The backup's disk is full: ENOSPC travels up, the link is not blamed. */
static void test_host_write_error_keeps_its_errno(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	char blob[4096 + 512];
	size_t hl = strlen(ACK_RAW);
	struct fh_msg_attr a[] = { { "SECTOR_SIZE_IN_BYTES", "2048" },
				   { "num_partition_sectors", "2" } };
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip();
	memcpy(blob, ACK_RAW, hl);
	memset(blob + hl, 0x5a, 4096);
	fl_init(&f);
	fl_data(&f, blob, hl + 4096);
	fl_str(&f, ACK);
	session(&s, &f, NULL, &err);
	s.funcs[0] = '\0'; /* no list: getsha256digest "supported" */
	assert_int_equal(fh_read_checked(&s, a, 2, fd, NULL), -ENOSPC);
	assert_int_equal(err.status, MF_FAILED);
	assert_non_null(strstr(err.msg, "No space left on device"));
	assert_null(strstr(err.msg, "link"));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_timeout_scales_with_the_range),
		cmocka_unit_test(test_scaled_ms),
		cmocka_unit_test(test_nak_quotes_only_its_own_logs),
		cmocka_unit_test(test_read_nak_hint),
		cmocka_unit_test(test_host_write_error_keeps_its_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
