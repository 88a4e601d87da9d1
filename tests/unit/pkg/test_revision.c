// SPDX-License-Identifier: BSD-3-Clause
/* The revision spellings a module and a package use for one firmware. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pkg/revision.h"

static void test_rev_matches(void **state)
{
	const char *q = "BG95M3LAR02A03_01.009.01.009";

	assert_true(pkg_rev_matches(q, "01.009"));
	assert_true(pkg_rev_matches(q, "01.009.01.009"));
	assert_true(pkg_rev_matches(q, q));
	assert_true(pkg_rev_matches(q, "bg95m3lar02a03_01.009.01.009"));
	assert_false(pkg_rev_matches(q, "01.014"));
	assert_false(pkg_rev_matches(q, "01.00"));
	assert_false(pkg_rev_matches(q, "01.009.01.01"));
	assert_false(pkg_rev_matches(q, ""));
	assert_false(pkg_rev_matches("", "01.009"));
	assert_true(pkg_rev_matches("BG96MAR02A07M1G_01.007.01.007", "01.007"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rev_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
