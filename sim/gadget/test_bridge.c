// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the gadget bridge's pure parts: the FunctionFS descriptor
 * blobs (literal bytes), where IN transfers end, and the tree scan (hand-built trees: settled,
 * half-built, FTDI only, hostile attributes). The USB side itself runs
 * in the usbvm rig (tests/usbvm).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/gadget/bridge.h"

void br_log(const struct br_opts *o, const char *fmt, ...)
{
	(void)o;
	(void)fmt;
}

static const struct br_iface at_if = { 2, 0xff,	     0x00,	  0x00,
				       3, "ttyUSB2", "/dev/pts/9" };
static const struct br_iface edl_if = { 0, 0xff,      0xff,	   0xff,
					2, "ttyUSB0", "/dev/pts/3" };
static const struct br_iface qmi_if = { 4, 0xff, 0xff, 0xff, 3, "", "" };

static void test_desc_edl_in_first(void **state)
{
	static const uint8_t
		want
			[] = {
				0x03, 0,    0,	  0,	0x42,
				0,    0,    0,	  0x03, 0,
				0,    0, /* V2, 66 bytes, FS|HS */
				0x03, 0,    0,	  0,	0x03,
				0,    0,    0, /* 3 + 3 descriptors */
				9,    4,    0,	  0,	2,
				0xff, 0xff, 0xff, 0, /* FS interface */
				7,    5,    0x81, 2,	64,
				0,    0, /* bulk IN first */
				7,    5,    0x02, 2,	64,
				0,    0,    9,	  4,	0,
				0,    2,    0xff, 0xff, 0xff,
				0, /* HS interface */
				7,    5,    0x81, 2,	0x00,
				0x02, 0, /* 512 */
				7,    5,    0x02, 2,	0x00,
				0x02, 0,
			};
	uint8_t buf[256];
	int n = br_desc_build(&edl_if, false, buf, sizeof(buf));

	(void)state;
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_desc_at_with_interrupt(void **state)
{
	uint8_t buf[256];
	int n = br_desc_build(&at_if, true, buf, sizeof(buf));

	(void)state;
	assert_int_equal(n, 20 + 2 * (9 + 3 * 7));
	assert_int_equal(buf[12], 4);	     /* fs_count */
	assert_int_equal(buf[16], 4);	     /* hs_count */
	assert_int_equal(buf[20 + 5], 0xff); /* class */
	assert_int_equal(buf[20 + 6], 0x00); /* subclass */
	/* FS interrupt endpoint: 0x83, interrupt, 16 bytes, interval 32 */
	assert_memory_equal(buf + 20 + 9 + 14,
			    ((const uint8_t[]){ 7, 5, 0x83, 3, 16, 0, 32 }), 7);
	/* without room for the interrupt endpoints: two per set */
	n = br_desc_build(&at_if, false, buf, sizeof(buf));
	assert_int_equal(n, 20 + 2 * (9 + 2 * 7));
	assert_int_equal(buf[20 + 4], 2);
}

static void test_desc_no_tty_no_endpoints(void **state)
{
	uint8_t buf[256];
	int n = br_desc_build(&qmi_if, true, buf, sizeof(buf));

	(void)state;
	assert_int_equal(n, 20 + 2 * 9);
	assert_int_equal(buf[20 + 4], 0); /* bNumEndpoints */
}

static void test_desc_too_small(void **state)
{
	uint8_t buf[40], str[8];

	(void)state;
	assert_int_equal(br_desc_build(&edl_if, false, buf, sizeof(buf)),
			 -ENOSPC);
	assert_int_equal(br_strings_build(str, sizeof(str)), -ENOSPC);
}

static void test_strings(void **state)
{
	static const uint8_t want[] = { 2, 0, 0, 0, 16, 0, 0, 0,
					0, 0, 0, 0, 0,	0, 0, 0 };
	uint8_t buf[32];

	(void)state;
	assert_int_equal(br_strings_build(buf, sizeof(buf)), 16);
	assert_memory_equal(buf, want, 16);
}

/* --- tree scan on hand-built trees --- */

struct tree {
	char root[64];
};

static void put(const char *root, const char *rel, const char *val)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static void mkdirs(const char *root, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(p), 0);
}

static void add_device(const char *root, const char *path, const char *vid,
		       const char *pid, bool serial)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s", path);
	mkdirs(root, rel);
	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s/idVendor", path);
	put(root, rel, vid);
	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s/idProduct", path);
	put(root, rel, pid);
	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s/devnum", path);
	put(root, rel, "7\n");
	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s/product", path);
	put(root, rel, "QUSB__BULK\n");
	if (serial) {
		snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s/serial",
			 path);
		put(root, rel, "0123\n");
	}
}

static void add_iface(const char *root, const char *path, int n,
		      const char *proto, const char *tty)
{
	char rel[256], num[8];

	snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s:1.%d", path, n);
	mkdirs(root, rel);
	snprintf(num, sizeof(num), "%02x\n", n);
#define IFA(name, val)                                                         \
	do {                                                                   \
		snprintf(rel, sizeof(rel),                                     \
			 "sys/bus/usb/devices/%s:1.%d/" name, path, n);        \
		put(root, rel, val);                                           \
	} while (0)
	IFA("bInterfaceNumber", num);
	IFA("bInterfaceClass", "ff\n");
	IFA("bInterfaceSubClass", proto);
	IFA("bInterfaceProtocol", proto);
	IFA("bNumEndpoints", "02\n");
#undef IFA
	if (tty) {
		snprintf(rel, sizeof(rel), "sys/bus/usb/devices/%s:1.%d/%s",
			 path, n, tty);
		mkdirs(root, rel);
	}
}

static void link_tty(const char *root, const char *tty, const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/dev", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/dev/%s", root, tty);
	assert_int_equal(symlink(target, p), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	strcpy(t->root, "/tmp/mf-gadget-XXXXXX");
	if (!t || !mkdtemp(t->root))
		return -1;
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	if (system(cmd))
		return -1;
	free(t);
	return 0;
}

static int scan(struct tree *t, struct br_dev *d)
{
	struct br_opts o = { .root = t->root, .name = "t", .poll_ms = 50 };

	return br_tree_scan(&o, d);
}

static void test_scan_empty(void **state)
{
	struct br_dev d;

	assert_int_equal(scan(*state, &d), 0);
}

static void test_scan_edl(void **state)
{
	struct tree *t = *state;
	struct br_dev d, d2;

	add_device(t->root, "1-1.4", "05c6\n", "9008\n", false);
	add_iface(t->root, "1-1.4", 0, "ff\n", "ttyUSB0");
	/* the tty directory is there but its /dev link not yet: not settled */
	assert_int_equal(scan(t, &d), -EAGAIN);
	link_tty(t->root, "ttyUSB0", "/dev/pts/5");
	assert_int_equal(scan(t, &d), 1);
	assert_int_equal(d.vid, 0x05c6);
	assert_int_equal(d.pid, 0x9008);
	assert_int_equal(d.devnum, 7);
	assert_false(d.has_serial);
	assert_string_equal(d.product, "QUSB__BULK");
	assert_int_equal(d.nifs, 1);
	assert_string_equal(d.ifs[0].tty, "ttyUSB0");
	assert_string_equal(d.ifs[0].pty, "/dev/pts/5");
	assert_int_equal(d.ifs[0].proto, 0xff);
	/* the same scan again is the same device; a new devnum is not */
	assert_int_equal(scan(t, &d2), 1);
	assert_true(br_dev_same(&d, &d2));
	d2.devnum = 8;
	assert_false(br_dev_same(&d, &d2));
}

static void test_scan_ftdi_only(void **state)
{
	struct tree *t = *state;
	struct br_dev d;

	add_device(t->root, "1-2", "0403\n", "6001\n", true);
	add_iface(t->root, "1-2", 0, "ff\n", NULL);
	assert_int_equal(scan(t, &d), 0);
	/* the module next to it is the one presented, interfaces in order */
	add_device(t->root, "1-1.4", "2c7c\n", "0125\n", true);
	add_iface(t->root, "1-1.4", 1, "00\n", NULL);
	add_iface(t->root, "1-1.4", 0, "ff\n", NULL);
	assert_int_equal(scan(t, &d), 1);
	assert_int_equal(d.vid, 0x2c7c);
	assert_true(d.has_serial);
	assert_string_equal(d.serial, "0123");
	assert_int_equal(d.ifs[0].num, 0);
	assert_int_equal(d.ifs[1].num, 1);
	assert_int_equal(d.ifs[1].sub, 0);
}

static void test_scan_hostile(void **state)
{
	struct tree *t = *state;
	struct br_dev d;

	/* not hex, out of range, too many endpoints: never taken as a device */
	add_device(t->root, "1-1", "zz\n", "9008\n", false);
	assert_int_equal(scan(t, &d), -EAGAIN);
	put(t->root, "sys/bus/usb/devices/1-1/idVendor", "123456\n");
	assert_int_equal(scan(t, &d), -EAGAIN);
	put(t->root, "sys/bus/usb/devices/1-1/idVendor", "05c6\n");
	add_iface(t->root, "1-1", 0, "ff\n", NULL);
	put(t->root, "sys/bus/usb/devices/1-1:1.0/bNumEndpoints", "1f\n");
	assert_int_equal(scan(t, &d), -EAGAIN);
	put(t->root, "sys/bus/usb/devices/1-1:1.0/bNumEndpoints", "02\n");
	assert_int_equal(scan(t, &d), 1);
}

/* the length of each transfer br_transfer_len cuts from s, in order */
static void cuts(const char *s, size_t n, const size_t *want, size_t nwant)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, len;

	while (n) {
		assert_true(i < nwant);
		len = br_transfer_len(p, n);
		assert_int_equal(len, want[i]);
		p += len;
		n -= len;
		i++;
	}
	assert_int_equal(i, nwant);
}

#define LOG "<?xml version=\"1.0\" ?>\n<data>\n<log value=\"x\" />\n</data>"
#define RESP                                                                   \
	"<?xml version=\"1.0\" ?>\n<data>\n<response value=\"ACK\" "           \
	"/>\n</data>"

/* a <log> and the <response> the pty merged: two transfers, as from a device */
static void test_split_documents(void **state)
{
	const char s[] = LOG "\n" RESP;
	const size_t want[] = { sizeof(LOG), sizeof(RESP) - 1 };

	(void)state;
	cuts(s, sizeof(s) - 1, want, 2);
}

/* a response with rawmode, the raw sectors, the final response: three */
static void test_split_raw_between(void **state)
{
	char s[512];
	size_t n = 0;

	(void)state;
	memcpy(s + n, RESP "\r\n", sizeof(RESP) + 1);
	n += sizeof(RESP) + 1;
	memset(s + n, 0xa5, 200); /* data with a '<' in it, not a document */
	s[n + 10] = '<';
	n += 200;
	memcpy(s + n, RESP, sizeof(RESP) - 1);
	n += sizeof(RESP) - 1;
	const size_t want[] = { sizeof(RESP) + 1, 200, sizeof(RESP) - 1 };
	cuts(s, n, want, 3);
}

/* no boundary: AT text, a Sahara packet, a document cut short: all of it */
static void test_split_none(void **state)
{
	const char at[] = "\r\nOK\r\n", part[] = "<?xml version=\"1.0\" ?><da";
	const uint8_t hello[] = { 0x01, 0, 0, 0, 0x30, 0, 0, 0 };

	(void)state;
	assert_int_equal(br_transfer_len((const uint8_t *)at, 6), 6);
	assert_int_equal(br_transfer_len(hello, sizeof(hello)), sizeof(hello));
	assert_int_equal(
		br_transfer_len((const uint8_t *)part, sizeof(part) - 1),
		sizeof(part) - 1);
	assert_int_equal(br_transfer_len((const uint8_t *)"<", 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_edl_in_first),
		cmocka_unit_test(test_desc_at_with_interrupt),
		cmocka_unit_test(test_desc_no_tty_no_endpoints),
		cmocka_unit_test(test_desc_too_small),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_split_documents),
		cmocka_unit_test(test_split_raw_between),
		cmocka_unit_test(test_split_none),
		cmocka_unit_test_setup_teardown(test_scan_empty, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_scan_edl, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_scan_ftdi_only, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_scan_hostile, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
