// SPDX-License-Identifier: BSD-3-Clause
/*
 * The transport for a device in EDL (link/link.h): the choice, the
 * environment's override, waiting for a tty that binds late, and the
 * refusal when a forced tty does not exist. Ttys are pseudo-terminals.
 */
#include <errno.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "link/link.h"

static char pty_name[256];
static unsigned refreshes;

static void dev_init(struct link_edl_dev *d, const char *sysroot,
		     const char *tty)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->sysroot, sizeof(d->sysroot), "%s", sysroot);
	snprintf(d->usbpath, sizeof(d->usbpath), "1-1.4");
	snprintf(d->tty, sizeof(d->tty), "%s", tty);
	d->ifnum = 0;
}

static void test_choose(void **state)
{
	struct link_edl_dev d;

	/* a simulated tree: its tty */
	dev_init(&d, "/tmp/root", "/tmp/root/dev/ttyUSB0");
	assert_int_equal(link_edl_choose(&d, LINK_EDL_AUTO), LINK_EDL_TTY);
	/* no tty at all: only libusb can reach it */
	d.tty[0] = '\0';
	assert_int_equal(link_edl_choose(&d, LINK_EDL_AUTO), LINK_EDL_USB);
	/* the real root, but no such device node: the tty */
	dev_init(&d, "/", "/dev/ttyUSB0");
	d.busnum = 999;
	d.devnum = 999;
	assert_int_equal(link_edl_choose(&d, LINK_EDL_AUTO), LINK_EDL_TTY);
	/* forced either way */
	assert_int_equal(link_edl_choose(&d, LINK_EDL_USB), LINK_EDL_USB);
	d.tty[0] = '\0';
	assert_int_equal(link_edl_choose(&d, LINK_EDL_TTY), LINK_EDL_TTY);
}

static void test_from_env(void **state)
{
	setenv("MODEMFLASH_EDL_LINK", "tty", 1);
	assert_int_equal(link_edl_from_env(), LINK_EDL_TTY);
	setenv("MODEMFLASH_EDL_LINK", "usb", 1);
	assert_int_equal(link_edl_from_env(), LINK_EDL_USB);
	setenv("MODEMFLASH_EDL_LINK", "serial", 1);
	assert_int_equal(link_edl_from_env(), LINK_EDL_AUTO);
	unsetenv("MODEMFLASH_EDL_LINK");
	assert_int_equal(link_edl_from_env(), LINK_EDL_AUTO);
}

static void test_open_tty(void **state)
{
	struct link_edl_dev d;
	struct mf_err err = { 0 };
	struct link *l;
	int m, s;

	unsetenv("MODEMFLASH_EDL_LINK");
	assert_int_equal(openpty(&m, &s, pty_name, NULL, NULL), 0);
	dev_init(&d, "/tmp/root", pty_name);
	l = link_edl_open(&d, 100, NULL, &err);
	assert_non_null(l);
	assert_int_equal(l->kind, LINK_TTY);
	assert_string_equal(l->name, pty_name);
	link_close(l);
	close(s);
	close(m);
}

/* The tty binds after the device shows: found on the third look. */
static bool late_tty(struct link_edl_dev *d)
{
	if (++refreshes < 3)
		return false;
	snprintf(d->tty, sizeof(d->tty), "%s", pty_name);
	d->ifnum = 0;
	return true;
}

static void test_open_waits_for_tty(void **state)
{
	struct link_edl_dev d;
	struct mf_err err = { 0 };
	struct link *l;
	int m, s;

	unsetenv("MODEMFLASH_EDL_LINK");
	assert_int_equal(openpty(&m, &s, pty_name, NULL, NULL), 0);
	dev_init(&d, "/tmp/root", "");
	d.refresh = late_tty;
	refreshes = 0;
	l = link_edl_open(&d, 2000, NULL, &err);
	assert_non_null(l);
	assert_int_equal(refreshes, 3);
	assert_int_equal(l->kind, LINK_TTY);
	assert_string_equal(l->name, pty_name);
	link_close(l);
	close(s);
	close(m);
}

static void test_forced_tty_missing(void **state)
{
	struct link_edl_dev d;
	struct mf_err err = { 0 };

	setenv("MODEMFLASH_EDL_LINK", "tty", 1);
	dev_init(&d, "/tmp/root", "");
	assert_null(link_edl_open(&d, 100, NULL, &err));
	assert_int_equal(err.status, MF_NO_DEVICE);
	assert_non_null(strstr(err.msg, "no Sahara tty"));
	assert_non_null(strstr(err.hint, "qcserial"));
	unsetenv("MODEMFLASH_EDL_LINK");
}

static bool never_tty(struct link_edl_dev *d)
{
	(void)d;
	refreshes++;
	return false;
}

static unsigned said, said_elapsed, said_timeout;
static char said_what[300];

static void on_wait(void *ctx, const char *what, unsigned elapsed_s,
		    unsigned timeout_s)
{
	(void)ctx;
	said++;
	said_elapsed = elapsed_s;
	said_timeout = timeout_s;
	snprintf(said_what, sizeof(said_what), "%s", what);
}

/* No driver binds the tty: the wait for it says so after 4 s, then ends. */
static void test_wait_for_tty_is_reported(void **state)
{
	struct link_edl_dev d;
	struct mf_err err = { 0 };
	struct mf_log log = { .waiting = on_wait };

	unsetenv("MODEMFLASH_EDL_LINK");
	dev_init(&d, "/tmp/root", "");
	d.refresh = never_tty;
	refreshes = 0;
	said = 0;
	assert_null(link_edl_open(&d, 4500, &log, &err));
	assert_true(refreshes > 100); /* polled all along */
	assert_int_equal(said, 1);
	assert_int_equal(said_elapsed, 4);
	assert_int_equal(said_timeout, 5);
	assert_string_equal(said_what, "the tty of the EDL device at 1-1.4 "
				       "(the driver binding it)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_from_env),
		cmocka_unit_test(test_open_tty),
		cmocka_unit_test(test_wait_for_tty_is_reported),
		cmocka_unit_test(test_open_waits_for_tty),
		cmocka_unit_test(test_forced_tty_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
