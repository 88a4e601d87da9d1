// SPDX-License-Identifier: BSD-3-Clause
/*
 * AT waits that speak (issue 20): a command or a URC waited for longer
 * than MF_WAIT_REPORT_MS says what it waits for every 4 s and still ends
 * at its deadline. On the test's own clock (fakeclock.c) and a timed
 * fake link: the seconds of silence are scripted and measured exactly.
 */
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

#include "base/clock.h"
#include "fakelink.h"
#include "proto/at.h"

struct waits {
	int n;
	int64_t at[8];
	unsigned timeout;
	char what[160];
};

static void on_wait(void *ctx, const char *what, unsigned elapsed_s,
		    unsigned timeout_s)
{
	struct waits *w = ctx;

	if (w->n < 8)
		w->at[w->n] = mf_now_ms();
	w->n++;
	w->timeout = timeout_s;
	snprintf(w->what, sizeof(w->what), "%s", what);
	assert_int_equal(elapsed_s % 4, 0);
}

static void port(struct at_port *p, struct fakelink *f, struct waits *w,
		 struct mf_log *log, struct mf_err *err)
{
	fl_init(f);
	f->timed = true;
	*log = (struct mf_log){ .waiting = on_wait, .ctx = w };
	at_init(p, &f->link, log, err);
}

/* A restart command nobody answers: 15 s, said at 4, 8 and 12 s. */
static void test_unanswered_command_is_reported(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct waits w = { 0 };
	struct mf_log log;
	struct mf_err err = { 0 };
	int64_t t0;

	(void)state;
	port(&p, &f, &w, &log, &err);
	t0 = mf_now_ms();
	assert_int_equal(at_cmd(&p, "AT+CFUN=1,1", 15000, NULL), -ETIMEDOUT);
	assert_int_equal(mf_now_ms() - t0, 15000);
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.msg, "no answer to AT+CFUN=1,1"));
	assert_int_equal(w.n, 3);
	for (int i = 0; i < w.n; i++)
		assert_int_equal(w.at[i] - t0, (i + 1) * MF_WAIT_REPORT_MS);
	assert_int_equal(w.timeout, 15);
	assert_string_equal(w.what, "the answer to AT+CFUN=1,1 on fake");
	fl_free(&f);
}

/* A short command is over before anything is said. */
static void test_short_wait_says_nothing(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct waits w = { 0 };
	struct mf_log log;
	struct mf_err err = { 0 };

	(void)state;
	port(&p, &f, &w, &log, &err);
	assert_int_equal(at_cmd(&p, "AT", 3000, NULL), -ETIMEDOUT);
	assert_int_equal(w.n, 0);
	fl_free(&f);
}

/*
 * A URC after 9 s of silence: reported at 4 and 8 s, and the line that
 * comes in the third slice is still taken whole; other URCs before it go
 * on as URCs, not as silence.
 */
static void test_late_urc_across_reports(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct waits w = { 0 };
	struct mf_log log;
	struct mf_err err = { 0 };
	char line[128];
	int64_t t0;

	(void)state;
	port(&p, &f, &w, &log, &err);
	fl_silence(&f, 9000);
	fl_str(&f, "\r\n+QIND: \"FOTA\",\"END\",0\r\n");
	t0 = mf_now_ms();
	assert_int_equal(at_wait_urc(&p, "+QIND:", 30000, line, sizeof(line)),
			 0);
	assert_int_equal(mf_now_ms() - t0, 9000);
	assert_string_equal(line, "+QIND: \"FOTA\",\"END\",0");
	assert_int_equal(w.n, 2);
	assert_int_equal(w.timeout, 30);
	assert_string_equal(w.what, "a URC +QIND: on fake");
	/* unanswered to the end: the deadline holds */
	assert_int_equal(at_wait_urc(&p, "+QIND:", 10000, line, sizeof(line)),
			 -ETIMEDOUT);
	assert_int_equal(mf_now_ms() - t0, 19000);
	assert_int_equal(w.n, 4);
	fl_free(&f);
}

/*
 * An upload whose module stops acknowledging after the first block: the
 * wait for its 'A' (9 s here) is said at 4 and 8 s, with how far it got,
 * and the upload still ends at 9 s with the timeout.
 */
static void test_upload_ack_wait_is_reported(void **state)
{
	struct fakelink f;
	struct at_port p;
	struct waits w = { 0 };
	struct mf_log log;
	struct mf_err err = { 0 };
	struct at_qfupl_result res;
	char path[] = "/tmp/mf-at-waits-XXXXXX";
	int fd = mkstemp(path);
	uint8_t data[2048] = { 0 };
	int64_t t0;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, sizeof(data)), (int)sizeof(data));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	port(&p, &f, &w, &log, &err);
	fl_str(&f, "\r\nCONNECT\r\n");
	p.guard_ms = 1;
	p.ack_timeout_ms = 9000;
	t0 = mf_now_ms();
	assert_int_equal(at_qfupl(&p, "x.bin", fd, sizeof(data), 5, &res),
			 -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.msg, "stopped acknowledging"));
	assert_int_equal(w.n, 2);
	assert_int_equal(w.at[0] - t0, MF_WAIT_REPORT_MS);
	assert_int_equal(w.at[1] - t0, 2 * MF_WAIT_REPORT_MS);
	assert_int_equal(w.timeout, 9);
	assert_string_equal(w.what, "the module's acknowledgement of the "
				    "upload (1024 bytes sent) on fake");
	close(fd);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unanswered_command_is_reported),
		cmocka_unit_test(test_short_wait_says_nothing),
		cmocka_unit_test(test_late_urc_across_reports),
		cmocka_unit_test(test_upload_ack_wait_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
