// SPDX-License-Identifier: BSD-3-Clause
/*
 * The per-module claim (src/ops/lock.c) and its key (discover/phys.c) on a
 * private sysroot: the key is the controller and the port chain, the same
 * for the module's normal and EDL instances; a second claim is refused with
 * the holder's pid; a released claim leaves no file; the stop flag helpers
 * (base/stop.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/stop.h"
#include "discover/discover.h"
#include "ops/lock.h"

static char root[256];

static void mkdir_p(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	mkdir(tmp, 0755);
}

/* <root>/sys/devices/pci0000:00/0000:00:14.0/usbB/.../PATH + bus link */
static void add_dev(const char *bus, const char *hubs, const char *path)
{
	char dev[512], link[600], dir[512];

	snprintf(dev, sizeof(dev),
		 "%s/sys/devices/pci0000:00/0000:00:14.0/usb%s/%s%s", root, bus,
		 hubs, path);
	mkdir_p(dev);
	snprintf(dir, sizeof(dir), "%s/sys/bus/usb/devices", root);
	mkdir_p(dir);
	snprintf(link, sizeof(link), "%s/%s", dir, path);
	assert_int_equal(symlink(dev, link), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/mf-test-lock-XXXXXX");
	assert_non_null(mkdtemp(root));
	unsetenv("MODEMFLASH_LOCK_DIR");
	add_dev("1", "1-1/", "1-1.4"); /* normal mode, behind hub 1-1 */
	add_dev("2", "2-1/", "2-1.4"); /* the EDL instance on the USB2 bus */
	add_dev("1", "1-1/", "1-1.5"); /* another module */
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_key(void **state)
{
	char a[160], b[160], c[160];

	(void)state;
	mf_usb_phys_key(root, "1-1.4", a, sizeof(a));
	mf_usb_phys_key(root, "2-1.4", b, sizeof(b));
	mf_usb_phys_key(root, "1-1.5", c, sizeof(c));
	assert_string_equal(a, "0000:00:14.0+1.4");
	assert_string_equal(a, b); /* same position, other bus */
	assert_string_not_equal(a, c);
	/* not in sysfs (off the bus): the chain alone */
	mf_usb_phys_key(root, "3-2.1", a, sizeof(a));
	assert_string_equal(a, "2.1");
	/* never a path out of the lock folder */
	mf_usb_phys_key(root, "1-../../x", a, sizeof(a));
	assert_null(strchr(a, '/'));
}

static void test_claim(void **state)
{
	struct mf_lock *l = NULL, *l2 = NULL, *l3 = NULL;
	struct mf_err err = { 0 };
	struct mf_lock_who who;
	char dir[512], path[700], want[64];
	int rc;

	(void)state;
	rc = mf_lock_module(root, "1-1.4", "flash", &l, &err);
	assert_int_equal(rc, 0);
	assert_non_null(l);
	assert_int_equal(mf_lock_dir(root, dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/modemflash-0000:00:14.0+1.4.lock",
		 dir);
	assert_int_equal(access(path, F_OK), 0);

	/* the EDL instance is the same module: refused, holder named */
	rc = mf_lock_module(root, "2-1.4", "backup", &l2, &err);
	assert_int_equal(rc, -EBUSY);
	assert_null(l2);
	assert_int_equal(err.status, MF_FAILED);
	snprintf(want, sizeof(want), "another modemflash (pid %ld)",
		 (long)getpid());
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "is updating 1-1.4 (flash)"));
	assert_true(mf_lock_holder(root, "2-1.4", &who));
	assert_int_equal(who.pid, (long)getpid());
	assert_string_equal(who.command, "flash");
	assert_int_equal(mf_lock_holders(root, "1.4", &who, 1), 1);
	assert_int_equal(mf_lock_holders(root, "1.5", &who, 1), 0);

	/* another module: free */
	mf_err_clear(&err);
	assert_int_equal(mf_lock_module(root, "1-1.5", "flash", &l3, &err), 0);

	/* the serial: a second claim on it (the module elsewhere) refused */
	assert_int_equal(mf_lock_add_serial(l, "0x1b95a301", &err), 0);
	rc = mf_lock_add_serial(l3, "0x1b95a301", &err);
	assert_int_equal(rc, -EBUSY);
	assert_true(mf_lock_holder(root, "1-1.4", &who));
	assert_string_equal(who.serial, "0x1b95a301");

	/* released: no file left, the next claim succeeds */
	mf_lock_release(l);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_false(mf_lock_holder(root, "1-1.4", &who));
	mf_err_clear(&err);
	assert_int_equal(mf_lock_module(root, "2-1.4", "flash", &l2, &err), 0);
	mf_lock_release(l2);
	mf_lock_release(l3);
	mf_lock_release(NULL);
}

static void test_port_claim(void **state)
{
	struct mf_lock *l = NULL, *l2 = NULL;
	struct mf_err err = { 0 };
	char path[300];
	FILE *f;

	(void)state;
	/* a port that does not exist is not claimed: its open says why */
	assert_int_equal(
		mf_lock_port(root, "/nonexistent/ttyS9", "fota", &l, &err), 0);
	assert_null(l);
	snprintf(path, sizeof(path), "%s/ttyS0", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mf_lock_port(root, path, "fota", &l, &err), 0);
	assert_int_equal(mf_lock_port(root, path, "usb-enable", &l2, &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, path));
	mf_lock_release(l);
}

static void test_env_dir(void **state)
{
	char dir[512], want[300];

	(void)state;
	snprintf(want, sizeof(want), "%s/elsewhere/locks", root);
	setenv("MODEMFLASH_LOCK_DIR", want, 1);
	assert_int_equal(mf_lock_dir(root, dir, sizeof(dir)), 0);
	assert_string_equal(dir, want);
	assert_int_equal(access(want, W_OK), 0);
	unsetenv("MODEMFLASH_LOCK_DIR");
	assert_int_equal(mf_lock_dir(root, dir, sizeof(dir)), 0);
	snprintf(want, sizeof(want), "%s/run/lock", root);
	assert_string_equal(dir, want);
}

static void test_stop_flag(void **state)
{
	mf_stop_flag s = 0;
	struct mf_err err = { 0 };

	(void)state;
	assert_false(mf_stop_requested(NULL));
	assert_false(mf_stop_requested(&s));
	s = SIGINT;
	assert_true(mf_stop_requested(&s));
	assert_false(mf_stop_hard(&s));
	assert_int_equal(mf_stop_signal(&s), SIGINT);
	assert_int_equal(mf_stop_err(&s, &err, "the backup"), -EINTR);
	assert_int_equal(err.status, MF_INTERRUPTED);
	assert_string_equal(err.msg, "interrupted (SIGINT) during the backup");
	s = SIGTERM | MF_STOP_HARD;
	assert_true(mf_stop_hard(&s));
	mf_err_set(&err, MF_FAILED, -EIO, "an earlier failure");
	mf_stop_err(&s, &err, NULL);
	assert_int_equal(err.status, MF_TERMINATED);
	assert_int_equal((int)MF_TERMINATED, 143);
	assert_string_equal(err.msg, "interrupted (SIGTERM) during the run");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_port_claim),
		cmocka_unit_test(test_env_dir),
		cmocka_unit_test(test_stop_flag),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
