// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
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
#include "proto/at.h"

static int urcs;

static void on_urc(void *ctx, const char *line)
{
	urcs++;
}

/* A port that still echoes, with boot URCs in between. */
static void test_open_and_identify(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct at_identity id;
	struct mf_err err = { 0 };

	fl_init(&f);
	f.max_read = 3;
	fl_str(&f, "AT\r\r\nOK\r\n");
	fl_str(&f, "ATE0\r\r\nOK\r\n");
	fl_str(&f, "\r\nRDY\r\n\r\nQuectel\r\nBG95-M3\r\nRevision: "
		   "BG95M3LAR02A03\r\n\r\nOK\r\n");
	fl_str(&f, "\r\nAPP RDY\r\n\r\n+QGMR: "
		   "BG95M3LAR02A03_01.204.01.204\r\n\r\nOK\r\n");
	fl_str(&f, "\r\n866349041234567\r\n\r\nOK\r\n");
	assert_int_equal(at_open(&p, &f.link, NULL, &err), 0);
	urcs = 0;
	at_set_urc(&p, on_urc, NULL);
	assert_int_equal(at_identify(&p, &id), 0);
	assert_string_equal(id.manufacturer, "Quectel");
	assert_string_equal(id.model, "BG95-M3");
	assert_string_equal(id.revision, "BG95M3LAR02A03");
	assert_string_equal(id.full_revision, "BG95M3LAR02A03_01.204.01.204");
	assert_string_equal(id.imei, "866349041234567");
	assert_int_equal(urcs, 2);
	assert_true(fl_wrote_str(&f, "ATE0\r"));
	assert_true(fl_wrote_str(&f, "AT+CGSN\r"));
	fl_free(&f);
}

/* Old EC20: AT+QGMR answers ERROR; full revision falls back to ATI. */
static void test_qgmr_error_fallback(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct at_identity id;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, "\r\nQuectel\r\nEC20\r\nRevision: "
		   "EC20EQAR02A04E2G\r\n\r\nOK\r\n");
	fl_str(&f, "\r\nERROR\r\n");
	fl_str(&f, "\r\n+CME ERROR: 100\r\n");
	fl_str(&f, "\r\n861234567890123\r\n\r\nOK\r\n");
	at_init(&p, &f.link, NULL, &err);
	assert_int_equal(at_identify(&p, &id), 0);
	assert_string_equal(id.full_revision, "EC20EQAR02A04E2G");
	assert_string_equal(id.imei, "861234567890123");
	assert_int_equal(err.status, MF_OK);
	fl_free(&f);
}

static void test_cme_error(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct at_reply r;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, "\r\n+CME ERROR: 425\r\n");
	at_init(&p, &f.link, NULL, &err);
	assert_int_equal(at_cmd(&p, "AT+QFLDS=\"EUFS\"", 100, &r), -EREMOTEIO);
	assert_int_equal(r.result, AT_RES_CME_ERROR);
	assert_int_equal(r.code, 425);
	assert_non_null(strstr(err.msg, "+CME ERROR: 425"));
	fl_free(&f);
}

static void test_silent_port(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct mf_err err = { 0 };

	fl_init(&f);
	assert_int_equal(at_open(&p, &f.link, NULL, &err), -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.hint, "115200"));
	fl_free(&f);
}

static void test_vanishes(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_str(&f, "\r\nOK\r\n");
	fl_disconnect(&f);
	at_init(&p, &f.link, NULL, &err);
	assert_int_equal(at_cmd(&p, "AT+CFUN=1,1", 100, NULL), 0);
	assert_int_equal(at_cmd(&p, "AT", 100, NULL), -ENODEV);
	assert_int_equal(err.status, MF_NO_DEVICE);
	fl_free(&f);
}

static void test_wait_urc(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct mf_err err = { 0 };
	char line[128];

	fl_init(&f);
	fl_str(&f, "\r\n+QIND: \"FOTA\",\"HTTPSTART\"\r\n\r\n+QIND: "
		   "\"FOTA\",\"END\",0\r\n");
	at_init(&p, &f.link, NULL, &err);
	urcs = 0;
	at_set_urc(&p, on_urc, NULL);
	assert_int_equal(at_wait_urc(&p, "+QIND: \"FOTA\",\"END\"", 100, line,
				     sizeof(line)),
			 0);
	assert_string_equal(line, "+QIND: \"FOTA\",\"END\",0");
	assert_int_equal(urcs, 1);
	assert_int_equal(at_wait_urc(&p, "+QIND", 10, line, sizeof(line)),
			 -ETIMEDOUT);
	fl_free(&f);
}

static int data_fd(size_t n, uint16_t *sum)
{
	char path[] = "/tmp/mf-up-XXXXXX";
	int fd = mkstemp(path);
	uint8_t b[4096];
	struct at_msg_qfupl_sum s;

	unlink(path);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	lseek(fd, 0, SEEK_SET);
	at_msg_qfupl_sum_init(&s);
	at_msg_qfupl_sum_update(&s, b, n);
	*sum = at_msg_qfupl_sum_final(&s);
	return fd;
}

static void test_qfupl_ack_mode(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct mf_err err = { 0 };
	struct at_qfupl_result res;
	uint16_t sum;
	char fin[64];
	int fd = data_fd(2500, &sum);

	snprintf(fin, sizeof(fin), "\r\n+QFUPL: 2500,%x\r\n\r\nOK\r\n", sum);
	fl_init(&f);
	fl_str(&f, "\r\nCONNECT\r\n");
	fl_str(&f, "A");
	fl_str(&f, "A");
	fl_str(&f, fin);
	at_init(&p, &f.link, NULL, &err);
	assert_int_equal(at_qfupl(&p, "dfota_update.bin", fd, 2500, 5, &res),
			 0);
	assert_int_equal(res.size, 2500);
	assert_int_equal(res.checksum, sum);
	assert_true(
		fl_wrote_str(&f, "AT+QFUPL=\"dfota_update.bin\",2500,5,1\r"));
	assert_int_equal(f.wlen,
			 strlen("AT+QFUPL=\"dfota_update.bin\",2500,5,1\r") +
				 2500);
	close(fd);
	fl_free(&f);
}

static void test_qfupl_no_ack_aborts(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct mf_err err = { 0 };
	struct at_qfupl_result res;
	uint16_t sum;
	int fd = data_fd(2048, &sum);

	fl_init(&f);
	fl_str(&f, "\r\nCONNECT\r\n");
	at_init(&p, &f.link, NULL, &err);
	p.guard_ms = 1;
	p.ack_timeout_ms = 20;
	assert_int_equal(at_qfupl(&p, "x.bin", fd, 2048, 5, &res), -ETIMEDOUT);
	assert_true(fl_wrote_str(&f, "+++"));
	assert_int_equal(err.status, MF_TIMEOUT);
	close(fd);
	fl_free(&f);
}

static void test_qfupl_checksum_mismatch(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct mf_err err = { 0 };
	struct at_qfupl_result res;
	uint16_t sum;
	char fin[64];
	int fd = data_fd(100, &sum);

	snprintf(fin, sizeof(fin), "\r\n+QFUPL: 100,%x\r\n\r\nOK\r\n", sum ^ 1);
	fl_init(&f);
	fl_str(&f, "\r\nCONNECT\r\n");
	fl_str(&f, fin);
	at_init(&p, &f.link, NULL, &err);
	assert_int_equal(at_qfupl(&p, "x.bin", fd, 100, 5, &res), -EBADMSG);
	assert_int_equal(err.status, MF_MISMATCH);
	close(fd);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_identify),
		cmocka_unit_test(test_qgmr_error_fallback),
		cmocka_unit_test(test_cme_error),
		cmocka_unit_test(test_silent_port),
		cmocka_unit_test(test_vanishes),
		cmocka_unit_test(test_wait_urc),
		cmocka_unit_test(test_qfupl_ack_mode),
		cmocka_unit_test(test_qfupl_no_ack_aborts),
		cmocka_unit_test(test_qfupl_checksum_mismatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
