// SPDX-License-Identifier: BSD-3-Clause
/*
 * The lines of a module during delta FOTA: +QIND: "FOTA" URCs (texts as in
 * docs/protocols.md, AT) and the answers of AT+QFLDS, AT+QFUPL, AT+QFLST.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/fota_msg.h"

static void urc_ok(const char *line, enum fota_msg_urc_kind kind, int value)
{
	struct fota_msg_urc u;

	assert_int_equal(fota_msg_urc_parse(line, &u), 1);
	assert_int_equal(u.kind, kind);
	assert_int_equal(u.value, value);
}

static void test_urc_words(void **state)
{
	urc_ok("+QIND: \"FOTA\",\"HTTPSTART\"", FOTA_MSG_URC_HTTPSTART, -1);
	urc_ok("+QIND: \"FOTA\",\"HTTPEND\",0", FOTA_MSG_URC_HTTPEND, 0);
	urc_ok("+QIND: \"FOTA\",\"FTPEND\",601", FOTA_MSG_URC_FTPEND, 601);
	urc_ok("+QIND: \"FOTA\",\"START\"", FOTA_MSG_URC_START, -1);
	urc_ok("+QIND: \"FOTA\",\"END\",0", FOTA_MSG_URC_END, 0);
	urc_ok("+QIND: \"FOTA\",\"END\",510", FOTA_MSG_URC_END, 510);
	urc_ok("+QIND: \"FOTA\",\"RESTORE\",30", FOTA_MSG_URC_RESTORE, 30);
	urc_ok("+QIND:\"FOTA\",\"START\"", FOTA_MSG_URC_START, -1);
	urc_ok("+QIND: \"FOTA\",\"Last upgrade was not finished,continue "
	       "upgrade\"",
	       FOTA_MSG_URC_CONTINUE, -1);
	urc_ok("+QIND: \"FOTA\",\"SOMETHING\"", FOTA_MSG_URC_OTHER, -1);
}

static void test_urc_percent_both_forms(void **state)
{
	urc_ok("+QIND: \"FOTA\",\"UPDATING\",7%", FOTA_MSG_URC_UPDATING, 7);
	urc_ok("+QIND: \"FOTA\",\"UPDATING\",96", FOTA_MSG_URC_UPDATING, 96);
	urc_ok("+QIND: \"FOTA\",\"UPDATING\", 100 %", FOTA_MSG_URC_UPDATING,
	       100);
}

static void test_urc_not_fota(void **state)
{
	struct fota_msg_urc u;

	assert_int_equal(fota_msg_urc_parse("+QIND: SMS DONE", &u), 0);
	assert_int_equal(fota_msg_urc_parse("+QIND: PB DONE", &u), 0);
	assert_int_equal(fota_msg_urc_parse("APP RDY", &u), 0);
	assert_int_equal(fota_msg_urc_parse("+QIND: \"csq\",20,99", &u), 0);
	assert_int_equal(fota_msg_urc_parse("", &u), 0);
}

static void test_urc_malformed(void **state)
{
	struct fota_msg_urc u;

	assert_int_equal(
		fota_msg_urc_parse("+QIND: \"FOTA\",\"UPDATING\",101", &u),
		-EBADMSG);
	assert_int_equal(u.value, -1);
	assert_int_equal(
		fota_msg_urc_parse("+QIND: \"FOTA\",\"UPDATING\",x%", &u),
		-EBADMSG);
	assert_int_equal(fota_msg_urc_parse("+QIND: \"FOTA\",\"END\"", &u),
			 -EBADMSG);
	assert_int_equal(u.kind, FOTA_MSG_URC_END);
	assert_int_equal(
		fota_msg_urc_parse("+QIND: \"FOTA\",\"END\",99999999", &u),
		-EBADMSG);
	assert_int_equal(fota_msg_urc_parse("+QIND: \"FOTA\",\"END", &u),
			 -EBADMSG);
	assert_int_equal(fota_msg_urc_parse("+QIND: \"FOTA\"", &u), -EBADMSG);
	assert_int_equal(fota_msg_urc_parse("+QIND: \"FOTA\",END,0", &u),
			 -EBADMSG);
	assert_int_equal(fota_msg_urc_parse("+QIND: \"FOTA\",\"END\",0,", &u),
			 -EBADMSG);
}

static void test_urc_names(void **state)
{
	assert_string_equal(fota_msg_urc_name(FOTA_MSG_URC_UPDATING),
			    "UPDATING");
	assert_string_equal(fota_msg_urc_name(FOTA_MSG_URC_END), "END");
	assert_string_equal(fota_msg_urc_name(FOTA_MSG_URC_CONTINUE),
			    "CONTINUE");
	assert_string_equal(fota_msg_urc_name(FOTA_MSG_URC_OTHER), "OTHER");
}

static void test_answers(void **state)
{
	uint64_t a, b;
	unsigned int sum;
	char name[64];

	assert_int_equal(
		fota_msg_parse_qflds("+QFLDS: 12940736,14483456", &a, &b), 0);
	assert_int_equal(a, 12940736);
	assert_int_equal(b, 14483456);
	assert_int_equal(fota_msg_parse_qflds("+QFLDS: 2,1", &a, &b), -EBADMSG);
	assert_int_equal(fota_msg_parse_qflds("+QFLDS: 12,", &a, &b), -EBADMSG);
	assert_int_equal(
		fota_msg_parse_qflds("+QFLDS: 99999999999999999999,1", &a, &b),
		-EBADMSG);
	assert_int_equal(fota_msg_parse_qfupl("+QFUPL: 441472,2c5b", &a, &sum),
			 0);
	assert_int_equal(a, 441472);
	assert_int_equal(sum, 0x2c5b);
	assert_int_equal(fota_msg_parse_qfupl("+QFUPL: 10,12345", &a, &sum),
			 -EBADMSG);
	assert_int_equal(fota_msg_parse_qfupl("+QFUPL: 10", &a, &sum),
			 -EBADMSG);
	assert_int_equal(
		fota_msg_parse_qflst("+QFLST: \"UFS:dfota_update.bin\",1024",
				     name, sizeof(name), &a),
		0);
	assert_string_equal(name, "UFS:dfota_update.bin");
	assert_int_equal(a, 1024);
	assert_int_equal(fota_msg_parse_qflst("+QFLST: \"UFS:x\"", name,
					      sizeof(name), &a),
			 -EBADMSG);
	assert_int_equal(
		fota_msg_parse_qflst("+QFLST: \"UFS:x\",1", name, 4, &a),
		-EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urc_words),
		cmocka_unit_test(test_urc_percent_both_forms),
		cmocka_unit_test(test_urc_not_fota),
		cmocka_unit_test(test_urc_malformed),
		cmocka_unit_test(test_urc_names),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
