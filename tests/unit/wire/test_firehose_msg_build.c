// SPDX-License-Identifier: BSD-3-Clause
/*
 * Firehose XML builder: commands, responses, logs and attribute escaping.
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

#include "wire/firehose_msg.h"

#define XML_DECL  "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>"
#define DOC(body) XML_DECL "<data>" body "</data>"
#include "fh_fixture.h"

static void test_build_configure(void **state)
{
	static const struct fh_msg_attr a[] = {
		{ "MemoryName", "nand" },
		{ "Verbose", "0" },
		{ "AlwaysValidate", "0" },
		{ "MaxDigestTableSizeInBytes", "2048" },
		{ "MaxPayloadSizeToTargetInBytes", "8192" },
		{ "ZlpAwareHost", "1" },
		{ "SkipStorageInit", "0" },
	};
	static const char want[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n"
		"<configure MemoryName=\"nand\" Verbose=\"0\" "
		"AlwaysValidate=\"0\" "
		"MaxDigestTableSizeInBytes=\"2048\" "
		"MaxPayloadSizeToTargetInBytes=\"8192\" "
		"ZlpAwareHost=\"1\" SkipStorageInit=\"0\" />\n</data>";
	char buf[1024];
	int n;

	(void)state;
	n = fh_msg_build(buf, sizeof(buf), "configure", a, 7);
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
	/* exactly fitting (with the NUL) works, one byte less does not */
	assert_int_equal(fh_msg_build(buf, strlen(want) + 1, "configure", a, 7),
			 n);
	assert_int_equal(fh_msg_build(buf, strlen(want), "configure", a, 7),
			 -ENOSPC);
	assert_int_equal(fh_msg_build(buf, 0, "configure", a, 7), -ENOSPC);
	assert_int_equal(fh_msg_build(NULL, 0, "configure", a, 7), -ENOSPC);
}

static void test_build_response_and_log(void **state)
{
	static const struct fh_msg_attr extra[] = {
		{ "MemoryName", "nand" },
		{ "MaxPayloadSizeToTargetInBytes", "8192" },
	};
	char buf[512];

	(void)state;
	assert_true(fh_msg_build_response(buf, sizeof(buf), true, true, true,
					  NULL, 0) > 0);
	assert_non_null(
		strstr(buf, "<response value=\"ACK\" rawmode=\"true\" />"));
	assert_true(fh_msg_build_response(buf, sizeof(buf), false, false, false,
					  extra, 2) > 0);
	assert_non_null(strstr(buf,
			       "<response value=\"NAK\" MemoryName=\"nand\" "
			       "MaxPayloadSizeToTargetInBytes=\"8192\" />"));
	assert_true(fh_msg_build_log(buf, sizeof(buf),
				     "INFO: bsp_target_reset() 1") > 0);
	assert_non_null(
		strstr(buf, "<log value=\"INFO: bsp_target_reset() 1\" />"));
	assert_int_equal(fh_msg_build_response(buf, sizeof(buf), true, false,
					       false, NULL,
					       FH_MSG_MAX_ATTRS - 1),
			 -EINVAL);
	assert_int_equal(fh_msg_build_log(buf, sizeof(buf), NULL), -EINVAL);
}

static void test_build_bad_names(void **state)
{
	static const char *const bad[] = {
		"",   "1abc", "a b", "a\"b",	    "a>b",
		"<x", "a=b",  "-x",  "caf\xc3\xa9", "a/b",
	};
	struct fh_msg_attr a = { "value", "x" };
	struct fh_msg_attr dup[2] = { { "value", "1" }, { "value", "2" } };
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fh_msg_attr b = { bad[i], "x" };

		assert_int_equal(fh_msg_build(buf, sizeof(buf), bad[i], &a, 1),
				 -EINVAL);
		assert_int_equal(fh_msg_build(buf, sizeof(buf), "nop", &b, 1),
				 -EINVAL);
	}
	assert_int_equal(fh_msg_build(buf, sizeof(buf), NULL, NULL, 0),
			 -EINVAL);
	assert_int_equal(fh_msg_build(buf, sizeof(buf), "nop", NULL, 1),
			 -EINVAL);
	assert_int_equal(fh_msg_build(buf, sizeof(buf), "nop", dup, 2),
			 -EINVAL);
	assert_int_equal(
		fh_msg_build(buf, sizeof(buf), "nop", &a, FH_MSG_MAX_ATTRS + 1),
		-EINVAL);
	assert_true(fh_msg_build(buf, sizeof(buf), "get_sha256.digest-2", NULL,
				 0) > 0);
	assert_true(fh_msg_build(buf, sizeof(buf), "_x", NULL, 0) > 0);
}

static void test_build_bad_values(void **state)
{
	static const char *const bad[] = {
		"bell\x07", "esc\x1b[0m",   "\xff",	    "\xc3",
		"\xc0\xaf", "\xed\xa0\x80", "\xef\xbf\xbf",
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fh_msg_build_log(buf, sizeof(buf), bad[i]),
				 -EINVAL);
}

/* build then read gives back exactly the values */
static void test_escape_round_trip(void **state)
{
	static const char *const vals[] = {
		"..\\sbl1.mbn",
		"a & b < c > d \" e ' f",
		"&amp; literally",
		"tab\there\nnewline\r\ncrlf  two spaces",
		"del\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa1",
		"NUM_DISK_SECTORS-5.",
		"",
	};
	struct fx *f = *state;
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct fh_msg_attr a[2] = { { "filename", vals[i] },
					    { "value", vals[i] } };
		struct fh_msg_event ev;
		int n = fh_msg_build(buf, sizeof(buf), "program", a, 2);

		assert_true(n > 0);
		assert_int_equal(feed_one(f->r, buf, (size_t)n), (size_t)n);
		assert_true(fh_msg_reader_next(f->r, &ev));
		assert_int_equal(ev.type, FH_MSG_EV_COMMAND);
		assert_string_equal(ev.tag, "program");
		assert_string_equal(fh_msg_event_attr(&ev, "filename"),
				    vals[i]);
		assert_string_equal(ev.value, vals[i]);
	}
}

/* Every host command builds into a document the reader accepts. */
static void test_build_all_commands(void **state)
{
	static const char *const cmds[] = {
		"configure",
		"program",
		"read",
		"erase",
		"patch",
		"getstorageinfo",
		"getsha256digest",
		"power",
		"nop",
		"setbootablestoragedrive",
	};
	static const struct fh_msg_attr a[] = {
		{ "SECTOR_SIZE_IN_BYTES", "2048" },
		{ "num_partition_sectors", "640" },
		{ "physical_partition_number", "0" },
		{ "start_sector", "0" },
	};
	struct fx *f = *state;
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct fh_msg_event ev;
		int n = fh_msg_build(buf, sizeof(buf), cmds[i], a, 4);

		assert_true(n > 0);
		feed_one(f->r, buf, (size_t)n);
		assert_true(fh_msg_reader_next(f->r, &ev));
		assert_int_equal(ev.type, FH_MSG_EV_COMMAND);
		assert_string_equal(ev.tag, cmds[i]);
		assert_int_equal(ev.nattrs, 4);
		assert_string_equal(
			fh_msg_event_attr(&ev, "num_partition_sectors"), "640");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_configure),
		cmocka_unit_test(test_build_response_and_log),
		cmocka_unit_test(test_build_bad_names),
		cmocka_unit_test(test_build_bad_values),
		cmocka_unit_test_setup_teardown(test_escape_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_build_all_commands, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
