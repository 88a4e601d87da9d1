// SPDX-License-Identifier: BSD-3-Clause
/*
 * Selection (-d), following a module across re-enumeration (normal -> EDL,
 * USB3 -> USB2), port holders from a fake /proc, mode-bit access, models.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "discover/discover.h"
#include "tree.h"

static struct mf_scan scan;

static const struct tree_dev bg95 = {
	.path = "2-1.4",
	.vid = 0x2c7c,
	.pid = 0x0700,
	.busnum = 2,
	.devnum = 3,
	.speed = 5000,
	.ifs = { { 0, 0xff, 0xff, 0xff, "option", "ttyUSB0" },
		 { 1, 0xff, 0xff, 0xff, "option", "ttyUSB1" },
		 { 2, 0xff, 0xff, 0xff, "option", "ttyUSB2" },
		 { 4, 0xff, 0xfe, 0xff, "option", "ttyUSB3" } },
	.nifs = 4,
};

static const struct tree_dev edl = {
	.path = "1-1.4",
	.vid = 0x05c6,
	.pid = 0x9008,
	.busnum = 1,
	.devnum = 9,
	.ifs = { { 0, 0xff, 0xff, 0xff, "qcserial", "ttyUSB4" } },
	.nifs = 1,
};

static void test_select(void **state)
{
	struct tree_dev other = bg95;
	struct mf_err err = { 0 };
	char *root = tree_new();

	assert_int_equal(mf_discover_scan(root, &scan, NULL, &err), 0);
	assert_int_equal(mf_select(&scan, NULL, &err), -ENODEV);
	assert_int_equal(err.status, MF_NO_DEVICE);

	tree_add(root, &bg95);
	assert_int_equal(mf_discover_scan(root, &scan, NULL, &err), 0);
	assert_int_equal(mf_select(&scan, NULL, &err), 0);

	other.path = "1-2";
	other.busnum = 1;
	tree_add(root, &other);
	assert_int_equal(mf_discover_scan(root, &scan, NULL, &err), 0);
	mf_err_clear(&err);
	assert_int_equal(mf_select(&scan, NULL, &err), -E2BIG);
	assert_int_equal(err.status, MF_USAGE);
	assert_non_null(strstr(err.msg,
			       "2 modules found: 1-2 (2c7c:0700 normal), "
			       "2-1.4 (2c7c:0700 normal)"));
	assert_non_null(strstr(err.hint, "-d 1-2"));
	assert_int_equal(mf_select(&scan, "2-1.4", &err), 1);
	assert_int_equal(mf_select(&scan, "/dev/ttyUSB2", &err), 0);
	assert_int_equal(mf_select(&scan, "ttyUSB2", &err), 0);
	assert_int_equal(mf_select(&scan, "866123456789012", &err), -EAGAIN);
	assert_int_equal(mf_select(&scan, "0x0cf94c64", &err), -EAGAIN);
	mf_err_clear(&err);
	assert_int_equal(mf_select(&scan, "3-9", &err), -ENODEV);
	assert_string_equal(err.msg, "no module matches -d 3-9");
	assert_int_equal(mf_select_kind("/dev/ttyUSB2"), MF_SEL_PORT);
	assert_int_equal(mf_select_kind("1-1.4"), MF_SEL_USB);
	assert_int_equal(mf_select_kind("0xZZ"), MF_SEL_USB);
	tree_rm(root);
}

/* USB3 module at 2-1.4 comes back in EDL as USB2 at 1-1.4 */
static void test_follow_usb3_to_usb2(void **state)
{
	struct mf_follow f = { .usbpath = "2-1.4",
			       .want = MF_MODE_EDL,
			       .old_busnum = 2,
			       .old_devnum = 3,
			       .timeout_ms = 3000,
			       .poll_ms = 20 };
	struct mf_err err = { 0 };
	struct mf_module m;
	char *root = tree_new();
	pid_t child;
	int status;

	tree_add(root, &bg95);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		usleep(100 * 1000);
		tree_del(root, "2-1.4");
		usleep(100 * 1000);
		tree_add(root, &edl);
		_exit(0);
	}
	assert_int_equal(mf_follow(root, &f, &m, NULL, &err), 0);
	waitpid(child, &status, 0);
	assert_string_equal(m.usb.path, "1-1.4");
	assert_int_equal(m.mode, MF_MODE_EDL);
	assert_int_equal(m.usb.pid, 0x9008);
	tree_rm(root);
}

/* The wait is for a change in the tree, not a sleep: with a rescan
 * interval longer than the whole timeout, only the new device's event can
 * end it in time. */
static void test_follow_wakes_on_tree_change(void **state)
{
	struct mf_follow f = { .usbpath = "2-1.4",
			       .want = MF_MODE_EDL,
			       .old_busnum = 2,
			       .old_devnum = 3,
			       .timeout_ms = 3000,
			       .poll_ms = 60000 };
	struct mf_err err = { 0 };
	struct mf_module m;
	char *root = tree_new();
	struct mf_watch *w;
	int64_t t0;
	pid_t child;
	int status;

	tree_add(root, &bg95);
	w = mf_watch_open(root);
	assert_true(mf_watch_has_events(w));
	assert_int_equal(mf_watch_wait(w, 0), 0); /* nothing changed yet */
	mf_watch_close(w);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		usleep(100 * 1000);
		tree_del(root, "2-1.4");
		tree_add(root, &edl);
		_exit(0);
	}
	t0 = mf_now_ms();
	assert_int_equal(mf_follow(root, &f, &m, NULL, &err), 0);
	/* a sleeping follow would only rescan at its 3 s deadline */
	assert_true(mf_now_ms() - t0 < 2000);
	waitpid(child, &status, 0);
	assert_string_equal(m.usb.path, "1-1.4");
	tree_rm(root);
}

static int open_fds(void)
{
	char p[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		n += access(p, F_OK) == 0;
	}
	return n;
}

/* A closed watch hands its inotify descriptor to a thread (the kernel may
 * take 15 ms to let it go): the descriptor is still closed, every time. */
static void test_watch_close_leaves_no_descriptor(void **state)
{
	char *root = tree_new();
	int before, now = 0;

	tree_add(root, &bg95);
	before = open_fds();
	for (int i = 0; i < 50; i++) {
		struct mf_watch *w = mf_watch_open(root);

		assert_true(mf_watch_has_events(w));
		mf_watch_close(w);
	}
	for (int i = 0; i < 200; i++) {
		now = open_fds();
		if (now <= before)
			break;
		usleep(10 * 1000);
	}
	assert_int_equal(now, before);
	tree_rm(root);
}

static void test_follow_ignores_old_instance_and_times_out(void **state)
{
	struct mf_follow f = { .usbpath = "2-1.4",
			       .want = MF_MODE_UNKNOWN,
			       .old_busnum = 2,
			       .old_devnum = 3,
			       .timeout_ms = 150,
			       .poll_ms = 20 };
	struct tree_dev elsewhere = edl;
	struct mf_err err = { 0 };
	struct mf_module m;
	char *root = tree_new();

	tree_add(root, &bg95);	  /* still the old instance */
	elsewhere.path = "1-1.3"; /* another port chain */
	tree_add(root, &elsewhere);
	assert_int_equal(mf_follow(root, &f, &m, NULL, &err), -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.msg, "port chain 1.4"));
	/* a new instance on the same port (re-plugged): devnum differs */
	mf_err_clear(&err);
	f.old_devnum = 2;
	assert_int_equal(mf_follow(root, &f, &m, NULL, &err), 0);
	assert_string_equal(m.usb.path, "2-1.4");
	tree_rm(root);
}

static void test_holders(void **state)
{
	char *root = tree_new();
	char dev[600], full[600];
	struct mf_holder h[4];

	tree_add(root, &bg95);
	snprintf(dev, sizeof(dev), "%s/dev/ttyUSB2", root);
	tree_file(root, "proc/812/comm", "ModemManager\n");
	tree_symlink(root, "proc/812/fd/0", "/dev/null");
	tree_symlink(root, "proc/812/fd/9", "/dev/ttyUSB2");
	tree_file(root, "proc/900/comm", "minicom\n");
	tree_symlink(root, "proc/900/fd/3", "/dev/ttyUSB1");
	tree_file(root, "proc/self/comm", "self\n");
	tree_file(root, "proc/901/comm", "picocom\n");
	snprintf(full, sizeof(full), "%s/dev/ttyUSB2", root);
	tree_symlink(root, "proc/901/fd/4", full);
	assert_int_equal(mf_port_holders(root, dev, h, 4), 2);
	assert_true((h[0].pid == 812 && !strcmp(h[0].comm, "ModemManager")) ||
		    (h[1].pid == 812 && !strcmp(h[1].comm, "ModemManager")));
	assert_int_equal(mf_port_holders(root, dev, h, 1), 1);
	snprintf(dev, sizeof(dev), "%s/dev/ttyUSB0", root);
	assert_int_equal(mf_port_holders(root, dev, h, 4), 0);
	tree_rm(root);
	/* no proc in the sysroot: nobody */
	assert_int_equal(
		mf_port_holders("/nonexistent", "/nonexistent/dev/x", h, 4), 0);
}

static void test_node_access(void **state)
{
	char *root = tree_new();
	char path[600];
	struct stat st;
	gid_t grp[2] = { 20, 4242 };

	tree_file(root, "dev/ttyUSB2", "");
	snprintf(path, sizeof(path), "%s/dev/ttyUSB2", root);
	assert_int_equal(chown(path, 0, 4242), 0);
	assert_int_equal(chmod(path, 0660), 0);
	assert_int_equal(mf_node_access(path, 1000, grp, 1, &st), -EACCES);
	assert_int_equal(st.st_gid, 4242);
	assert_int_equal(mf_node_access(path, 1000, grp, 2, NULL), 0);
	assert_int_equal(mf_node_access(path, 0, NULL, 0, NULL), 0);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(mf_node_access(path, 1000, grp, 2, NULL), -EACCES);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(mf_node_access(path, 1000, NULL, 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/dev/none", root);
	assert_int_equal(mf_node_access(path, 1000, NULL, 0, NULL), -ENOENT);
	tree_rm(root);
}

static void test_usb_node_and_paths(void **state)
{
	struct mf_usb_dev d = { .busnum = 1, .devnum = 64 };
	char out[128];

	mf_usb_node("/tmp/r/", &d, out, sizeof(out));
	assert_string_equal(out, "/tmp/r/dev/bus/usb/001/064");
	mf_usb_node("/", &d, out, sizeof(out));
	assert_string_equal(out, "/dev/bus/usb/001/064");
	mf_sysroot_path("", "/proc", out, sizeof(out));
	assert_string_equal(out, "/proc");
}

/*
 * A module seen half way through its enumeration (the AT port bound, the
 * MODEM port not yet; an interface not there yet) is not settled.
 */
static void test_settled(void **state)
{
	struct mf_module m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.usb.nifaces = 4;
	m.usb.nports = 4;
	for (int i = 0; i < 4; i++) {
		m.usb.ports[i].num = i;
		m.usb.ports[i].role =
			(enum mf_role[]){ MF_ROLE_DIAG, MF_ROLE_NMEA,
					  MF_ROLE_AT, MF_ROLE_MODEM }[i];
		snprintf(m.usb.ports[i].dev, sizeof(m.usb.ports[i].dev),
			 "/dev/ttyUSB%d", i);
	}
	assert_true(mf_module_settled(&m));
	m.usb.ports[3].dev[0] = '\0'; /* MODEM: no tty yet */
	assert_false(mf_module_settled(&m));
	m.usb.ports[3].role = MF_ROLE_QMI; /* a network interface: no tty */
	assert_true(mf_module_settled(&m));
	m.usb.nports = 3; /* the fourth interface not there yet */
	assert_false(mf_module_settled(&m));
	m.usb.nifaces = -1; /* bNumInterfaces unknown: the ttys decide */
	assert_true(mf_module_settled(&m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_settled),
		cmocka_unit_test(test_follow_usb3_to_usb2),
		cmocka_unit_test(test_follow_wakes_on_tree_change),
		cmocka_unit_test(test_watch_close_leaves_no_descriptor),
		cmocka_unit_test(
			test_follow_ignores_old_instance_and_times_out),
		cmocka_unit_test(test_holders),
		cmocka_unit_test(test_node_access),
		cmocka_unit_test(test_usb_node_and_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
