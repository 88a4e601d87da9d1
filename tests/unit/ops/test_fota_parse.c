// SPDX-License-Identifier: BSD-3-Clause
/*
 * Pure parts of delta FOTA: the error table, the space
 * margin and revision matching (URCs and answers: tests/unit/wire).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ops/fota/fota.h"

static void test_error_table(void **state)
{
	assert_string_equal(fota_err_text(0), "the update succeeded");
	assert_non_null(strstr(fota_err_text(510), "510"));
	assert_non_null(strstr(fota_err_text(510), "current firmware"));
	assert_non_null(strstr(fota_err_text(511), "space"));
	assert_non_null(strstr(fota_err_text(504), "bad"));
	assert_string_equal(fota_err_text(505), fota_err_text(504));
	assert_string_equal(fota_err_text(520), fota_err_text(530));
	assert_string_equal(fota_err_text(540), fota_err_text(546));
	assert_non_null(strstr(fota_err_text(502), "unpredictably"));
	assert_non_null(strstr(fota_err_text(601), "FTP"));
	assert_non_null(strstr(fota_err_text(701), "HTTP"));
	assert_non_null(strstr(fota_err_text(702), "stalled"));
	assert_non_null(strstr(fota_err_text(531), "unknown"));
	assert_non_null(strstr(fota_err_text(547), "unknown"));
	assert_non_null(strstr(fota_err_text(-1), "unknown"));
	assert_true(fota_err_is_package(510));
	assert_true(fota_err_is_package(504));
	assert_false(fota_err_is_package(520));
	assert_false(fota_err_is_package(0));
}

static void test_space_margin(void **state)
{
	assert_int_equal(fota_space_needed(1000), 1000 + 65536);
	assert_int_equal(fota_space_needed(100000000), 101000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_space_margin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
