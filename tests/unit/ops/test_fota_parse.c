// SPDX-License-Identifier: BSD-3-Clause
/*
 * Pure parts of delta FOTA: the +QIND: "FOTA" URCs (texts as in
 * field-data.md 4), the error table, the mkdelta header,
 * AT answers and revision matching.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ops/fota/fota.h"

static void urc_ok(const char *line, enum fota_urc_kind kind, int value)
{
	struct fota_urc u;

	assert_int_equal(fota_urc_parse(line, &u), 1);
	assert_int_equal(u.kind, kind);
	assert_int_equal(u.value, value);
}

static void test_urc_words(void **state)
{
	urc_ok("+QIND: \"FOTA\",\"HTTPSTART\"", FOTA_URC_HTTPSTART, -1);
	urc_ok("+QIND: \"FOTA\",\"HTTPEND\",0", FOTA_URC_HTTPEND, 0);
	urc_ok("+QIND: \"FOTA\",\"FTPEND\",601", FOTA_URC_FTPEND, 601);
	urc_ok("+QIND: \"FOTA\",\"START\"", FOTA_URC_START, -1);
	urc_ok("+QIND: \"FOTA\",\"END\",0", FOTA_URC_END, 0);
	urc_ok("+QIND: \"FOTA\",\"END\",510", FOTA_URC_END, 510);
	urc_ok("+QIND: \"FOTA\",\"RESTORE\",30", FOTA_URC_RESTORE, 30);
	urc_ok("+QIND:\"FOTA\",\"START\"", FOTA_URC_START, -1);
	urc_ok("+QIND: \"FOTA\",\"Last upgrade was not finished,continue "
	       "upgrade\"",
	       FOTA_URC_CONTINUE, -1);
	urc_ok("+QIND: \"FOTA\",\"SOMETHING\"", FOTA_URC_OTHER, -1);
}

static void test_urc_percent_both_forms(void **state)
{
	urc_ok("+QIND: \"FOTA\",\"UPDATING\",7%", FOTA_URC_UPDATING, 7);
	urc_ok("+QIND: \"FOTA\",\"UPDATING\",96", FOTA_URC_UPDATING, 96);
	urc_ok("+QIND: \"FOTA\",\"UPDATING\", 100 %", FOTA_URC_UPDATING, 100);
}

static void test_urc_not_fota(void **state)
{
	struct fota_urc u;

	assert_int_equal(fota_urc_parse("+QIND: SMS DONE", &u), 0);
	assert_int_equal(fota_urc_parse("+QIND: PB DONE", &u), 0);
	assert_int_equal(fota_urc_parse("APP RDY", &u), 0);
	assert_int_equal(fota_urc_parse("+QIND: \"csq\",20,99", &u), 0);
	assert_int_equal(fota_urc_parse("", &u), 0);
}

static void test_urc_malformed(void **state)
{
	struct fota_urc u;

	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",\"UPDATING\",101", &u),
			 -EBADMSG);
	assert_int_equal(u.value, -1);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",\"UPDATING\",x%", &u),
			 -EBADMSG);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",\"END\"", &u),
			 -EBADMSG);
	assert_int_equal(u.kind, FOTA_URC_END);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",\"END\",99999999", &u),
			 -EBADMSG);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",\"END", &u), -EBADMSG);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\"", &u), -EBADMSG);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",END,0", &u), -EBADMSG);
	assert_int_equal(fota_urc_parse("+QIND: \"FOTA\",\"END\",0,", &u),
			 -EBADMSG);
}

static void test_urc_names(void **state)
{
	assert_string_equal(fota_urc_name(FOTA_URC_UPDATING), "UPDATING");
	assert_string_equal(fota_urc_name(FOTA_URC_END), "END");
	assert_string_equal(fota_urc_name(FOTA_URC_CONTINUE), "CONTINUE");
	assert_string_equal(fota_urc_name(FOTA_URC_OTHER), "OTHER");
}

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

/* A delta as tools/mkdelta writes it (sim/delta.h), payload plen bytes. */
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
	struct fota_delta_info d;

	make_delta(b, "BG95M3LAR02A03_01.009.01.009",
		   "BG95M3LAR02A03_01.014.01.014", 7);
	assert_int_equal(fota_delta_parse(b, 160, 160 + 7 + 32, &d), 0);
	assert_true(d.known);
	assert_string_equal(d.from, "BG95M3LAR02A03_01.009.01.009");
	assert_string_equal(d.to, "BG95M3LAR02A03_01.014.01.014");
	assert_int_equal(d.payload_len, 7);
}

static void test_delta_unknown_format(void **state)
{
	static const uint8_t zip[] = { 'P', 'K', 3, 4, 0, 0 };
	struct fota_delta_info d;

	assert_int_equal(fota_delta_parse(zip, sizeof(zip), 1000, &d), 0);
	assert_false(d.known);
	assert_int_equal(fota_delta_parse(zip, 0, 0, &d), 0);
	assert_false(d.known);
}

static void bad_delta(const uint8_t *b, size_t len, uint64_t size)
{
	struct fota_delta_info d;

	assert_int_equal(fota_delta_parse(b, len, size, &d), -EBADMSG);
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
	struct fota_delta_info d;
	uint8_t b[256];

	/* fields may fill their width without a NUL */
	make_delta(b, "01.009", "01.014", 7);
	memset(b + 88, 'A', 64);
	memset(b + 8, 'p', 16);
	assert_int_equal(fota_delta_parse(b, 160, 160 + 7 + 32, &d), 0);
	assert_int_equal(strlen(d.to), 64);
	b[88 + 63] = 0x01; /* but not a control byte */
	bad_delta(b, 160, 160 + 7 + 32);
}

static void test_rev_matches(void **state)
{
	const char *q = "BG95M3LAR02A03_01.009.01.009";

	assert_true(fota_rev_matches(q, "01.009"));
	assert_true(fota_rev_matches(q, "01.009.01.009"));
	assert_true(fota_rev_matches(q, q));
	assert_true(fota_rev_matches(q, "bg95m3lar02a03_01.009.01.009"));
	assert_false(fota_rev_matches(q, "01.014"));
	assert_false(fota_rev_matches(q, "01.00"));
	assert_false(fota_rev_matches(q, "01.009.01.01"));
	assert_false(fota_rev_matches(q, ""));
	assert_false(fota_rev_matches("", "01.009"));
	assert_true(
		fota_rev_matches("BG96MAR02A07M1G_01.007.01.007", "01.007"));
}

static void test_answers(void **state)
{
	uint64_t a, b;
	unsigned int sum;
	char name[64];

	assert_int_equal(fota_parse_qflds("+QFLDS: 12940736,14483456", &a, &b),
			 0);
	assert_int_equal(a, 12940736);
	assert_int_equal(b, 14483456);
	assert_int_equal(fota_parse_qflds("+QFLDS: 2,1", &a, &b), -EBADMSG);
	assert_int_equal(fota_parse_qflds("+QFLDS: 12,", &a, &b), -EBADMSG);
	assert_int_equal(
		fota_parse_qflds("+QFLDS: 99999999999999999999,1", &a, &b),
		-EBADMSG);
	assert_int_equal(fota_parse_qfupl("+QFUPL: 441472,2c5b", &a, &sum), 0);
	assert_int_equal(a, 441472);
	assert_int_equal(sum, 0x2c5b);
	assert_int_equal(fota_parse_qfupl("+QFUPL: 10,12345", &a, &sum),
			 -EBADMSG);
	assert_int_equal(fota_parse_qfupl("+QFUPL: 10", &a, &sum), -EBADMSG);
	assert_int_equal(
		fota_parse_qflst("+QFLST: \"UFS:dfota_update.bin\",1024", name,
				 sizeof(name), &a),
		0);
	assert_string_equal(name, "UFS:dfota_update.bin");
	assert_int_equal(a, 1024);
	assert_int_equal(
		fota_parse_qflst("+QFLST: \"UFS:x\"", name, sizeof(name), &a),
		-EBADMSG);
	assert_int_equal(fota_parse_qflst("+QFLST: \"UFS:x\",1", name, 4, &a),
			 -EBADMSG);
}

static void test_space_margin(void **state)
{
	assert_int_equal(fota_space_needed(1000), 1000 + 65536);
	assert_int_equal(fota_space_needed(100000000), 101000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urc_words),
		cmocka_unit_test(test_urc_percent_both_forms),
		cmocka_unit_test(test_urc_not_fota),
		cmocka_unit_test(test_urc_malformed),
		cmocka_unit_test(test_urc_names),
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_delta_header),
		cmocka_unit_test(test_delta_unknown_format),
		cmocka_unit_test(test_delta_broken),
		cmocka_unit_test(test_delta_full_width_fields),
		cmocka_unit_test(test_rev_matches),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_space_margin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
