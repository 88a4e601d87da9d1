// SPDX-License-Identifier: BSD-3-Clause
/*
 * The modemflash delta header (wire/delta_msg.h): parsed as the host reads
 * it, built as tools/mkdelta writes it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wire/delta_msg.h"

/* A delta as tools/mkdelta writes it (wire/delta_msg.h), payload plen bytes. */
static size_t make_delta(uint8_t *buf, const char *from, const char *to,
			 uint64_t plen)
{
	memset(buf, 0, 160);
	memcpy(buf, "MFDELTA1", 8);
	memcpy(buf + 8, "bg95-m3", 7);
	memcpy(buf + 24, from, strlen(from));
	memcpy(buf + 88, to, strlen(to));
	for (int i = 0; i < 8; i++)
		buf[152 + i] = (uint8_t)(plen >> (8 * i));
	return 160;
}

static void test_delta_header(void **state)
{
	uint8_t b[256];
	struct delta_msg_header d;

	make_delta(b, "BG95M3LAR02A03_01.009.01.009",
		   "BG95M3LAR02A03_01.014.01.014", 7);
	assert_int_equal(delta_msg_parse(b, 160, 160 + 7 + 32, &d), 0);
	assert_true(d.known);
	assert_string_equal(d.from, "BG95M3LAR02A03_01.009.01.009");
	assert_string_equal(d.to, "BG95M3LAR02A03_01.014.01.014");
	assert_int_equal(d.payload_len, 7);
}

static void test_delta_unknown_format(void **state)
{
	static const uint8_t zip[] = { 'P', 'K', 3, 4, 0, 0 };
	struct delta_msg_header d;

	assert_int_equal(delta_msg_parse(zip, sizeof(zip), 1000, &d), 0);
	assert_false(d.known);
	assert_int_equal(delta_msg_parse(zip, 0, 0, &d), 0);
	assert_false(d.known);
}

static void bad_delta(const uint8_t *b, size_t len, uint64_t size)
{
	struct delta_msg_header d;

	assert_int_equal(delta_msg_parse(b, len, size, &d), -EBADMSG);
	assert_false(d.known);
}

static void test_delta_broken(void **state)
{
	uint8_t b[256];

	make_delta(b, "01.009", "01.014", 7);
	bad_delta(b, 100, 100);		 /* header cut short */
	bad_delta(b, 160, 160 + 8 + 32); /* length disagrees with the file */
	bad_delta(b, 160, 160 + 6 + 32);
	bad_delta(b, 160, 170); /* no room for the SHA-256 */
	make_delta(b, "01.009", "01.014", UINT64_MAX);
	bad_delta(b, 160, 160 + 32); /* huge length */
	make_delta(b, "", "01.014", 7);
	bad_delta(b, 160, 160 + 7 + 32); /* empty from */
	make_delta(b, "01 009", "01.014", 7);
	bad_delta(b, 160, 160 + 7 + 32); /* space */
	make_delta(b, "01.009\"", "01.014", 7);
	bad_delta(b, 160, 160 + 7 + 32); /* quote */
	make_delta(b, "01.009", "01.014", 7);
	b[24 + 10] = 'x'; /* text after the padding */
	bad_delta(b, 160, 160 + 7 + 32);
}

static void test_delta_full_width_fields(void **state)
{
	struct delta_msg_header d;
	uint8_t b[256];

	/* fields may fill their width without a NUL */
	make_delta(b, "01.009", "01.014", 7);
	memset(b + 88, 'A', 64);
	memset(b + 8, 'p', 16);
	assert_int_equal(delta_msg_parse(b, 160, 160 + 7 + 32, &d), 0);
	assert_int_equal(strlen(d.to), 64);
	b[88 + 63] = 0x01; /* but not a control byte */
	bad_delta(b, 160, 160 + 7 + 32);
}

static void test_delta_build_roundtrip(void **state)
{
	struct delta_msg_header h = { 0 }, back;
	uint8_t b[DELTA_MSG_HDR], ref[256];

	snprintf(h.profile, sizeof(h.profile), "bg95-m3");
	snprintf(h.from, sizeof(h.from), "01.009");
	snprintf(h.to, sizeof(h.to), "01.014");
	h.payload_len = 7;
	assert_int_equal(delta_msg_build(&h, b, sizeof(b)), DELTA_MSG_HDR);
	/* byte for byte what the hand-made header above holds */
	make_delta(ref, "01.009", "01.014", 7);
	assert_memory_equal(b, ref, DELTA_MSG_HDR);
	assert_int_equal(delta_msg_parse(b, sizeof(b), 160 + 7 + 32, &back), 0);
	assert_true(back.known);
	assert_string_equal(back.profile, "bg95-m3");
	assert_string_equal(back.to, "01.014");
}

static void test_delta_build_refuses(void **state)
{
	struct delta_msg_header h = { 0 };
	uint8_t b[DELTA_MSG_HDR];

	snprintf(h.profile, sizeof(h.profile), "bg95-m3");
	snprintf(h.from, sizeof(h.from), "01.009");
	snprintf(h.to, sizeof(h.to), "01.014");
	assert_int_equal(delta_msg_build(&h, b, sizeof(b) - 1), -ENOSPC);
	snprintf(h.to, sizeof(h.to), "01 014");
	assert_int_equal(delta_msg_build(&h, b, sizeof(b)), -EINVAL);
	h.to[0] = '\0';
	assert_int_equal(delta_msg_build(&h, b, sizeof(b)), -EINVAL);
}

static void test_delta_frame_only(void **state)
{
	uint64_t plen = 0;
	uint8_t b[256];

	/* the framing holds even when a text field does not (the module
	 * checks the SHA-256 between the two) */
	make_delta(b, "01 009", "01.014", 7);
	assert_int_equal(delta_msg_frame(b, 160, 160 + 7 + 32, &plen), 1);
	assert_int_equal(plen, 7);
	assert_int_equal(delta_msg_digest_off(plen), 167);
	assert_int_equal(delta_msg_frame(b, 160, 160 + 8 + 32, &plen),
			 -EBADMSG);
	assert_int_equal(delta_msg_frame((const uint8_t *)"PK", 2, 2, &plen),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta_header),
		cmocka_unit_test(test_delta_unknown_format),
		cmocka_unit_test(test_delta_broken),
		cmocka_unit_test(test_delta_full_width_fields),
		cmocka_unit_test(test_delta_build_roundtrip),
		cmocka_unit_test(test_delta_build_refuses),
		cmocka_unit_test(test_delta_frame_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
