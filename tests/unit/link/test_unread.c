// SPDX-License-Identifier: BSD-3-Clause
/*
 * The link's push-back (link_unread): order, several pushes, reads of any
 * size across pushed and device bytes, timeouts, and a full push-back
 * room. On the scripted fake link of the protocol tests.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../proto/fakelink.h"
#include "base/clock.h"
#include "link/link.h"

static void read_str(struct link *l, size_t len, int timeout_ms,
		     const char *want)
{
	char buf[64] = { 0 };

	assert_int_equal(link_read(l, buf, len, timeout_ms), strlen(want));
	assert_string_equal(buf, want);
}

static void test_unread_before_device(void **state)
{
	struct fakelink f;

	fl_init(&f);
	fl_str(&f, "DEF");
	assert_int_equal(link_unread(&f.link, "ABC", 3), 0);
	assert_int_equal(link_unread_pending(&f.link), 3);
	/* a read returns pushed-back bytes only, never mixed with new ones */
	read_str(&f.link, 10, 100, "ABC");
	assert_int_equal(link_unread_pending(&f.link), 0);
	read_str(&f.link, 10, 100, "DEF");
	assert_true(fl_done(&f));
	fl_free(&f);
}

static void test_unread_small_reads(void **state)
{
	struct fakelink f;

	fl_init(&f);
	assert_int_equal(link_unread(&f.link, "ABCDE", 5), 0);
	read_str(&f.link, 2, 100, "AB");
	read_str(&f.link, 1, 100, "C");
	read_str(&f.link, 8, 100, "DE");
	fl_free(&f);
}

static void test_unread_several_pushes(void **state)
{
	struct fakelink f;
	char buf[16] = { 0 };

	fl_init(&f);
	fl_str(&f, "GH");
	/* pushed back in the reverse order of reading: the stream is whole */
	assert_int_equal(link_unread(&f.link, "EF", 2), 0);
	assert_int_equal(link_unread(&f.link, "CD", 2), 0);
	assert_int_equal(link_unread(&f.link, "AB", 2), 0);
	assert_int_equal(link_read_exact(&f.link, buf, 8, 100), 8);
	assert_string_equal(buf, "ABCDEFGH");
	/* a push after a partial read goes in front of the rest */
	assert_int_equal(link_unread(&f.link, "xyz", 3), 0);
	read_str(&f.link, 1, 100, "x");
	assert_int_equal(link_unread(&f.link, "12", 2), 0);
	read_str(&f.link, 10, 100, "12yz");
	assert_true(fl_done(&f));
	fl_free(&f);
}

static void test_unread_ignores_timeouts(void **state)
{
	struct fakelink f;
	char buf[8];
	int64_t t0;

	fl_init(&f);
	fl_timeout(&f);
	fl_str(&f, "late");
	assert_int_equal(link_unread(&f.link, "now", 3), 0);
	/* pushed-back bytes come at once, even with a poll (0) or forever */
	t0 = mf_now_ms();
	read_str(&f.link, 1, 0, "n");
	read_str(&f.link, 1, -1, "o");
	read_str(&f.link, 4, 5000, "w");
	assert_true(mf_now_ms() - t0 < 1000);
	/* then the device as it is: its timeout first, then its bytes */
	assert_int_equal(link_read(&f.link, buf, sizeof(buf), 10), -ETIMEDOUT);
	read_str(&f.link, 8, 100, "late");
	assert_int_equal(link_read(&f.link, buf, sizeof(buf), 10), -ETIMEDOUT);
	fl_free(&f);
}

static void test_unread_exact_and_drain(void **state)
{
	struct fakelink f;
	char buf[16] = { 0 };

	fl_init(&f);
	fl_str(&f, "3456");
	assert_int_equal(link_unread(&f.link, "012", 3), 0);
	/* an exact read spans the push-back and the device */
	assert_int_equal(link_read_exact(&f.link, buf, 5, 100), 5);
	assert_string_equal(buf, "01234");
	/* a drain discards pushed-back bytes too */
	assert_int_equal(link_unread(&f.link, "ab", 2), 0);
	assert_int_equal(link_drain(&f.link, 10, 100), 4);
	assert_int_equal(link_unread_pending(&f.link), 0);
	fl_free(&f);
}

static void test_unread_full(void **state)
{
	static uint8_t big[LINK_UNREAD_MAX];
	struct fakelink f;
	uint8_t b;

	fl_init(&f);
	memset(big, 'x', sizeof(big));
	assert_int_equal(link_unread(&f.link, big, sizeof(big) - 1), 0);
	/* what does not fit is refused whole, the rest stays */
	assert_int_equal(link_unread(&f.link, "ab", 2), -ENOSPC);
	assert_int_equal(link_unread_pending(&f.link), sizeof(big) - 1);
	assert_int_equal(link_unread(&f.link, "a", 1), 0);
	assert_int_equal(link_read(&f.link, &b, 1, 0), 1);
	assert_int_equal(b, 'a');
	assert_int_equal(link_unread(&f.link, "", 0), 0);
	assert_int_equal(link_unread_pending(&f.link), sizeof(big) - 1);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unread_before_device),
		cmocka_unit_test(test_unread_small_reads),
		cmocka_unit_test(test_unread_several_pushes),
		cmocka_unit_test(test_unread_ignores_timeouts),
		cmocka_unit_test(test_unread_exact_and_drain),
		cmocka_unit_test(test_unread_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
