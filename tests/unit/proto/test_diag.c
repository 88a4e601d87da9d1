// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakelink.h"
#include "proto/diag.h"
#include "wire/diag_msg.h"

static const uint8_t edl[] = { 0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e };

static struct diag_opts fast(void)
{
	struct diag_opts o;

	diag_opts_default(&o);
	o.drain_idle_ms = 1;
	o.drain_max_ms = 50;
	o.reply_timeout_ms = 50;
	o.tries = 3;
	return o;
}

static void test_edl_echo(void **state)
{
	struct fakelink f;
	struct diag_opts o = fast();
	struct mf_err err = { 0 };
	const uint8_t log_frame[] = { 0x7e, 0x10, 0x00, 0x12, 0x34, 0x7e };

	fl_init(&f);
	fl_timeout(&f);				   /* drain ends */
	fl_data(&f, log_frame, sizeof(log_frame)); /* unsolicited chatter */
	fl_data(&f, edl, 3);
	fl_data(&f, edl + 3, 4);
	assert_int_equal(diag_switch_to_edl(&f.link, &o, NULL, &err), 0);
	assert_int_equal(f.wlen, 7);
	assert_memory_equal(f.w, edl, 7);
	fl_free(&f);
}

static void test_edl_no_echo_retries_then_times_out(void **state)
{
	struct fakelink f;
	struct diag_opts o = fast();
	struct mf_err err = { 0 };

	fl_init(&f);
	assert_int_equal(diag_switch_to_edl(&f.link, &o, NULL, &err),
			 -ETIMEDOUT);
	assert_int_equal(f.wlen, 21); /* three tries */
	assert_int_equal(err.status, MF_TIMEOUT);
	fl_free(&f);
}

static void test_edl_other_frame(void **state)
{
	struct fakelink f;
	struct diag_opts o = fast();
	struct mf_err err = { 0 };
	const uint8_t bad[] = {
		0x13, 0x4b, 0x65, 0x01, 0x00, 0xaa, 0xbb, 0x7e
	};

	fl_init(&f);
	for (int i = 0; i < 3; i++) {
		fl_timeout(&f);
		fl_data(&f, bad, sizeof(bad));
		fl_timeout(&f);
	}
	assert_int_equal(diag_switch_to_edl(&f.link, &o, NULL, &err), -EPROTO);
	assert_non_null(strstr(err.hint, "BOOT"));
	fl_free(&f);
}

static void test_edl_disconnect(void **state)
{
	struct fakelink f;
	struct diag_opts o = fast();
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_timeout(&f);
	fl_disconnect(&f);
	assert_int_equal(diag_switch_to_edl(&f.link, &o, NULL, &err), -ENODEV);
	fl_free(&f);
}

static void build_id_reply(struct fakelink *f, const char *rev, bool terminate)
{
	uint8_t p[128] = { 0x7c, 0x00, 0,    0, 0xe1, 0x50,
			   0x0e, 0x00, 0x01, 0, 0,    0 };
	uint8_t enc[300];
	size_t n = 12 + strlen(rev) + (terminate ? 1 : 0);
	int e;

	memcpy(p + 12, rev, strlen(rev));
	e = diag_msg_encode(p, n, enc, sizeof(enc));
	assert_true(e > 0);
	fl_data(f, enc, (size_t)e);
}

static void test_build_id(void **state)
{
	struct fakelink f;
	struct diag_opts o = fast();
	struct mf_err err = { 0 };
	struct diag_build_id id;
	const uint8_t req[] = { 0x7c, 0x93, 0x49, 0x7e };

	fl_init(&f);
	fl_timeout(&f);
	build_id_reply(&f, "RM500QGLAAR01A01M4G_BETA_20200428F", true);
	assert_int_equal(diag_build_id(&f.link, &o, &id, NULL, &err), 0);
	assert_string_equal(id.revision, "RM500QGLAAR01A01M4G_BETA_20200428F");
	assert_int_equal(id.msm, 0x000e50e1);
	assert_memory_equal(f.w, req, 4);
	fl_free(&f);
}

static void test_build_id_malformed(void **state)
{
	struct fakelink f;
	struct diag_opts o = fast();
	struct mf_err err = { 0 };
	struct diag_build_id id;

	fl_init(&f);
	fl_timeout(&f);
	build_id_reply(&f, "NOT_TERMINATED", false);
	assert_int_equal(diag_build_id(&f.link, &o, &id, NULL, &err), -EBADMSG);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edl_echo),
		cmocka_unit_test(test_edl_no_echo_retries_then_times_out),
		cmocka_unit_test(test_edl_other_frame),
		cmocka_unit_test(test_edl_disconnect),
		cmocka_unit_test(test_build_id),
		cmocka_unit_test(test_build_id_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
