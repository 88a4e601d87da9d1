// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "link/link.h"

static int mkpty(char *name, int *slave)
{
	int m;

	assert_int_equal(openpty(&m, slave, name, NULL, NULL), 0);
	return m;
}

static void test_raw_roundtrip(void **state)
{
	char name[256];
	int s, m = mkpty(name, &s);
	struct mf_err err = { 0 };
	struct link *l = link_tty_open(name, NULL, &err);
	struct termios tio;
	uint8_t buf[16];
	const uint8_t hello[] = {
		0x01, 0, 0, 0, 0x30, 0, 0, 0, 0x0d, 0x0a, 0x03
	};

	assert_non_null(l);
	assert_int_equal(tcgetattr(s, &tio), 0);
	assert_int_equal(tio.c_lflag & ECHO, 0); /* raw: nothing echoed */
	assert_int_equal(write(m, hello, sizeof(hello)), sizeof(hello));
	assert_int_equal(link_read_exact(l, buf, sizeof(hello), 1000),
			 sizeof(hello));
	assert_memory_equal(buf, hello, sizeof(hello)); /* no CR/LF mangling */
	assert_int_equal(link_read(l, buf, 1, 50), -ETIMEDOUT);
	assert_int_equal(link_write(l, "ATI\r", 4, 1000), 4);
	assert_int_equal(read(m, buf, 4), 4);
	assert_memory_equal(buf, "ATI\r", 4);
	close(m); /* the other side goes away */
	assert_int_equal(link_read(l, buf, 1, 1000), -ENODEV);
	link_close(l);
	close(s);
}

static void test_lock_holder_named(void **state)
{
	char name[256];
	int s, m = mkpty(name, &s);
	int p[2];
	pid_t child;
	struct mf_err err = { 0 };
	char pidstr[32], c;

	assert_int_equal(pipe(p), 0);
	child = fork();
	if (child == 0) {
		struct link *l = link_tty_open(name, NULL, NULL);

		(void)!write(p[1], l ? "y" : "n", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	assert_null(link_tty_open(name, NULL, &err));
	assert_int_equal(err.code, -EBUSY);
	snprintf(pidstr, sizeof(pidstr), "pid %d", (int)child);
	assert_non_null(strstr(err.msg, pidstr));
	assert_non_null(strstr(err.msg, "in use by"));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(m);
	close(s);
	close(p[0]);
	close(p[1]);
}

static void test_vanished_node(void **state)
{
	char name[256], dir[] = "/tmp/mf-tty-XXXXXX", link_path[300];
	int s, m = mkpty(name, &s);
	struct mf_err err = { 0 };
	struct link *l;
	uint8_t b;

	assert_non_null(mkdtemp(dir));
	snprintf(link_path, sizeof(link_path), "%s/ttyUSB0", dir);
	assert_int_equal(symlink(name, link_path), 0);
	l = link_tty_open(link_path, NULL, &err);
	assert_non_null(l);
	unlink(link_path); /* re-enumeration: the node is gone */
	assert_int_equal(link_read(l, &b, 1, 2000), -ENODEV);
	link_close(l);
	rmdir(dir);
	close(m);
	close(s);
}

static void test_missing_and_not_a_tty(void **state)
{
	struct mf_err err = { 0 };

	assert_null(link_tty_open("/nonexistent/ttyUSB9", NULL, &err));
	assert_int_equal(err.status, MF_NO_DEVICE);
	mf_err_clear(&err);
	assert_null(link_tty_open("/dev/null", NULL, &err));
	assert_non_null(strstr(err.msg, "not a serial port"));
}

struct waits {
	int n;
	unsigned elapsed, timeout;
	char what[400];
};

static void on_wait(void *ctx, const char *what, unsigned elapsed_s,
		    unsigned timeout_s)
{
	struct waits *w = ctx;

	w->n++;
	w->elapsed = elapsed_s;
	w->timeout = timeout_s;
	snprintf(w->what, sizeof(w->what), "%s", what);
}

/*
 * A device that stops reading: the line fills and the write waits for
 * room. It says so after MF_WAIT_REPORT_MS (the port, how far it got) and
 * still gives up at its own deadline.
 */
static void test_write_stall_is_reported(void **state)
{
	char name[256];
	int s, m = mkpty(name, &s);
	struct waits w = { 0 };
	struct mf_log log = { .waiting = on_wait, .ctx = &w };
	struct mf_err err = { 0 };
	struct link *l = link_tty_open(name, &log, &err);
	size_t len = 4u << 20; /* far more than a pty holds */
	uint8_t *big = calloc(1, len);
	int64_t t0;

	assert_non_null(l);
	assert_non_null(big);
	t0 = mf_now_ms();
	assert_int_equal(link_write(l, big, len, 4500), -ETIMEDOUT);
	assert_true(mf_now_ms() - t0 >= 4500);
	assert_true(mf_now_ms() - t0 < 5500);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.elapsed, MF_WAIT_REPORT_MS / 1000);
	assert_int_equal(w.timeout, 5);
	assert_non_null(strstr(w.what, name));
	assert_non_null(strstr(w.what, "to take our bytes"));
	assert_non_null(strstr(w.what, " of 4194304 written"));
	free(big);
	link_close(l);
	close(s);
	close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_roundtrip),
		cmocka_unit_test(test_lock_holder_named),
		cmocka_unit_test(test_vanished_node),
		cmocka_unit_test(test_missing_and_not_a_tty),
		cmocka_unit_test(test_write_stall_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
