// SPDX-License-Identifier: BSD-3-Clause
/*
 * The <getstorageinfo> answer (wire/firehose_storage_msg.h): the JSON text
 * of a 9x07 NAND programmer and of the simulator, and broken ones.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/firehose_storage_msg.h"

static void test_storage_info_programmer(void **state)
{
	struct fh_msg_storage_info si;

	assert_int_equal(
		fh_msg_parse_storage_info(
			"{\"storage_info\": {\"total_blocks\":2048, "
			"\"block_size\":262144, \"page_size\":4096, "
			"\"num_physical\":1, \"manufacturer_id\":44, "
			"\"serial_num\":0, \"fw_version\":\"\", "
			"\"mem_type\":\"NAND\", \"prod_name\":\"MT29F4G\"}}",
			&si),
		0);
	assert_int_equal(si.total_blocks, 2048);
	assert_int_equal(si.block_size, 262144);
	assert_int_equal(si.page_size, 4096);
	assert_int_equal(si.num_physical, 1);
	assert_int_equal(si.manufacturer_id, 44);
	assert_string_equal(si.mem_type, "NAND");
	assert_string_equal(si.prod_name, "MT29F4G");
	assert_string_equal(si.fw_version, "");
}

static void test_storage_info_strings_and_absent(void **state)
{
	struct fh_msg_storage_info si;

	/* some programmers quote their numbers, some in hex */
	assert_int_equal(
		fh_msg_parse_storage_info(
			"{\"storage_info\": {\"block_size\":\"0x20000\", "
			"\"page_size\":\"2048\"}}",
			&si),
		0);
	assert_int_equal(si.block_size, 131072);
	assert_int_equal(si.page_size, 2048);
	assert_int_equal(si.total_blocks, 0);
	assert_string_equal(si.prod_name, "");
	/* a text too long for its field is cut, not overrun */
	assert_int_equal(
		fh_msg_parse_storage_info("{\"storage_info\": {\"mem_type\":"
					  "\"NAND-NAND-NAND-NAND-NAND\"}}",
					  &si),
		0);
	assert_int_equal(strlen(si.mem_type), sizeof(si.mem_type) - 1);
}

static void test_storage_info_broken(void **state)
{
	struct fh_msg_storage_info si;

	assert_int_equal(
		fh_msg_parse_storage_info(
			"{\"storage_info\": {\"block_size\": 1000}}", &si),
		-EBADMSG);
	assert_int_equal(fh_msg_parse_storage_info("not json", &si), -EBADMSG);
	assert_int_equal(fh_msg_parse_storage_info("{\"other\": {}}", &si),
			 -EBADMSG);
	assert_int_equal(
		fh_msg_parse_storage_info("{\"storage_info\": 3}", &si),
		-EBADMSG);
	assert_int_equal(
		fh_msg_parse_storage_info(
			"{\"storage_info\": {\"page_size\": 3072}}", &si),
		-EBADMSG);
	assert_int_equal(
		fh_msg_parse_storage_info(
			"{\"storage_info\": {\"num_physical\": 65}}", &si),
		-EBADMSG);
	assert_int_equal(
		fh_msg_parse_storage_info("{\"storage_info\": {\"block_size\": "
					  "2147483648}}",
					  &si),
		-EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storage_info_programmer),
		cmocka_unit_test(test_storage_info_strings_and_absent),
		cmocka_unit_test(test_storage_info_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
