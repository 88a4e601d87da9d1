// SPDX-License-Identifier: BSD-3-Clause
/*
 * Discovery on built sysfs trees: every row of the identity table, EDL,
 * the single-interface 0122 case, adapters, missing ttys, odd entries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "discover/discover.h"
#include "tree.h"

static struct mf_scan scan;

static void scan_ok(const char *root)
{
	struct mf_err err = { 0 };

	assert_int_equal(mf_discover_scan(root, &scan, NULL, &err), 0);
}

static const struct mf_port *port_num(const struct mf_module *m, int num)
{
	for (size_t i = 0; i < m->usb.nports; i++)
		if (m->usb.ports[i].num == num)
			return &m->usb.ports[i];
	return NULL;
}

static uint8_t pat(uint16_t v, uint8_t dflt)
{
	return v == DEV_ANY ? dflt : (uint8_t)v;
}

/* A tree device for row id: its layout, class bytes from the patterns. */
static void row_tree(const struct dev_usb *id, struct tree_dev *d,
		     char names[][16])
{
	memset(d, 0, sizeof(*d));
	d->path = "1-1.4";
	d->vid = id->vid;
	d->pid = id->pid;
	d->busnum = 1;
	d->devnum = 5;
	for (size_t i = 0; i < dev_usb_nroles(id); i++) {
		const struct dev_iface *r = &id->roles[i];
		struct tree_if *t = &d->ifs[d->nifs++];
		bool net = r->role == MF_ROLE_NET;

		t->num = r->num;
		t->cls = pat(r->cls, 0xff);
		t->sub = pat(r->sub, net ? 0x06 : 0xff);
		t->proto = pat(r->proto, net ? 0x00 : 0xff);
		t->driver = net ? "cdc_ether" : "option";
		if (!net && r->role != MF_ROLE_QMI) {
			snprintf(names[i], 16, "ttyUSB%d", r->num);
			t->tty = names[i];
		}
	}
}

static void test_every_table_row(void **state)
{
	const struct dev_usb *id;
	char names[DEV_MAX_ROLES][16];
	struct tree_dev d;
	size_t rows = 0;

	for (size_t i = 0; (id = dev_usb_at(i)); i++, rows++) {
		char *root = tree_new();
		const struct mf_module *m;

		row_tree(id, &d, names);
		tree_add(root, &d);
		scan_ok(root);
		assert_int_equal(scan.nmodules, 1);
		assert_int_equal(scan.nadapters, 0);
		m = &scan.modules[0];
		assert_string_equal(m->usb.path, "1-1.4");
		assert_ptr_equal(m->id, id); /* the right composition row */
		assert_int_equal(m->mode, id->mode);
		for (size_t k = 0; k < dev_usb_nroles(id); k++) {
			const struct mf_port *p = port_num(m, id->roles[k].num);
			char dev[700];

			assert_non_null(p);
			assert_int_equal(p->role, id->roles[k].role);
			if (d.ifs[k].tty) {
				snprintf(dev, sizeof(dev), "%s/dev/%s", root,
					 d.ifs[k].tty);
				assert_string_equal(p->dev, dev);
			} else {
				assert_string_equal(p->dev, "");
			}
		}
		tree_rm(root);
	}
	assert_true(rows >= 30);
}

/* Every VID/PID of the fixture table is a row of ours. */
static void test_fixture_tsv_covered(void **state)
{
	char line[1024], path[512];
	int checked = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/usb/quectel-usb-identities.tsv",
		 MF_FIXTURES);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *vid, *pids, *save = NULL, *p;
		bool found;

		if (line[0] == '#' || !strncmp(line, "PCI", 3) ||
		    line[0] == '\n')
			continue;
		vid = strtok_r(line, "\t", &save);
		pids = strtok_r(NULL, "\t", &save);
		assert_non_null(pids);
		for (p = strtok_r(pids, ",", &save); p;
		     p = strtok_r(NULL, ",", &save)) {
			unsigned v = (unsigned)strtoul(vid, NULL, 16);
			unsigned pid = (unsigned)strtoul(p, NULL, 16);
			const struct dev_usb *id;

			found = false;
			for (size_t i = 0; (id = dev_usb_at(i)); i++)
				found |= id->vid == v && id->pid == pid;
			if (!found)
				fprintf(stderr, "missing %04x:%04x\n", v, pid);
			assert_true(found);
			checked++;
		}
	}
	fclose(f);
	assert_int_equal(checked, 33);
}

/* EC25 in EDL as the fwupd emulation shows it: 05c6:9008, one ff/ff/ff */
static void test_edl_9008(void **state)
{
	struct tree_dev d = {
		.path = "1-2",
		.vid = 0x05c6,
		.pid = 0x9008,
		.busnum = 1,
		.devnum = 64,
		.manufacturer = "Qualcomm CDMA Technologies MSM",
		.product = "QHSUSB__BULK",
		.ifs = { { 0, 0xff, 0xff, 0xff, "qcserial", "ttyUSB0" } },
		.nifs = 1,
	};
	char *root = tree_new();
	const struct mf_port *p;

	tree_add(root, &d);
	scan_ok(root);
	assert_int_equal(scan.nmodules, 1);
	assert_int_equal(scan.modules[0].mode, MF_MODE_EDL);
	assert_string_equal(mf_mode_name(scan.modules[0].mode), "edl");
	assert_string_equal(scan.modules[0].usb.product, "QHSUSB__BULK");
	assert_string_equal(scan.modules[0].usb.serial, "");
	assert_int_equal(scan.modules[0].usb.devnum, 64);
	p = mf_module_port(&scan.modules[0], MF_ROLE_SAHARA);
	assert_non_null(p);
	assert_string_equal(p->driver, "qcserial");
	assert_string_equal(p->tty, "ttyUSB0");
	tree_rm(root);
}

/* RM551E keeps 2c7c:0122 in EDL with one ff/ff/10 interface */
static void test_0122_single_interface_edl(void **state)
{
	struct tree_dev d = {
		.path = "2-1",
		.vid = 0x2c7c,
		.pid = 0x0122,
		.busnum = 2,
		.devnum = 3,
		.ifs = { { 0, 0xff, 0xff, 0x10, NULL, NULL } },
		.nifs = 1,
	};
	struct tree_dev n = {
		.path = "2-1",
		.vid = 0x2c7c,
		.pid = 0x0122,
		.busnum = 2,
		.devnum = 4,
		.ifs = { { 0, 0xff, 0xff, 0x30, "option", "ttyUSB0" },
			 { 1, 0xff, 0x00, 0x40, "option", "ttyUSB1" },
			 { 2, 0xff, 0xff, 0x50, "qmi_wwan", NULL },
			 { 3, 0xff, 0x00, 0x60, "option", "ttyUSB2" } },
		.nifs = 4,
	};
	char *root = tree_new();

	tree_add(root, &d);
	scan_ok(root);
	assert_int_equal(scan.nmodules, 1);
	assert_int_equal(scan.modules[0].mode, MF_MODE_EDL);
	assert_int_equal(scan.modules[0].usb.ports[0].role, MF_ROLE_SAHARA);
	tree_rm(root);

	/* the same PID in normal mode: roles by protocol */
	root = tree_new();
	tree_add(root, &n);
	scan_ok(root);
	assert_int_equal(scan.modules[0].mode, MF_MODE_NORMAL);
	assert_string_equal(mf_module_port(&scan.modules[0], MF_ROLE_DIAG)->tty,
			    "ttyUSB0");
	assert_string_equal(mf_module_port(&scan.modules[0], MF_ROLE_AT)->tty,
			    "ttyUSB1");
	assert_int_equal(mf_module_port(&scan.modules[0], MF_ROLE_QMI)->num, 2);
	assert_string_equal(mf_module_port(&scan.modules[0], MF_ROLE_NMEA)->tty,
			    "ttyUSB2");
	tree_rm(root);
}

/* RM520N: protocol bytes override the interface numbers */
static void test_roles_by_protocol(void **state)
{
	struct tree_dev d = {
		.path = "4-1",
		.vid = 0x2c7c,
		.pid = 0x0801,
		.busnum = 4,
		.devnum = 2,
		.speed = 5000,
		.ifs = { { 0, 0xff, 0xff, 0x30, "option", "ttyUSB0" },
			 { 1, 0xff, 0x00, 0x40, "option", "ttyUSB1" },
			 { 2, 0xff, 0x00, 0x00, "option", "ttyUSB2" },
			 { 4, 0xff, 0xff, 0x50, "qmi_wwan", NULL } },
		.nifs = 4,
	};
	char *root = tree_new();

	tree_add(root, &d);
	scan_ok(root);
	assert_int_equal(scan.modules[0].usb.speed, 5000);
	assert_int_equal(port_num(&scan.modules[0], 1)->role, MF_ROLE_AT);
	assert_int_equal(port_num(&scan.modules[0], 2)->role, MF_ROLE_AT);
	assert_int_equal(port_num(&scan.modules[0], 4)->role, MF_ROLE_QMI);
	assert_string_equal(scan.modules[0].model->chip, "SDX62");
	tree_rm(root);
}

static void test_adapters_are_not_modules(void **state)
{
	static const uint16_t vids[] = { 0x0403, 0x10c4, 0x1a86, 0x067b };
	char *root = tree_new();
	char paths[4][16], tty[4][16];

	for (int i = 0; i < 4; i++) {
		struct tree_dev d = {
			.vid = vids[i],
			.pid = 0x6001,
			.busnum = 3,
			.devnum = 10 + i,
			.product = "USB Serial",
			.nifs = 1,
		};

		snprintf(paths[i], 16, "3-%d", i + 1);
		snprintf(tty[i], 16, "ttyUSB%d", i);
		d.path = paths[i];
		d.ifs[0] = (struct tree_if){ 0,	   0xff,       0xff,
					     0xff, "ftdi_sio", tty[i] };
		tree_add(root, &d);
	}
	scan_ok(root);
	assert_int_equal(scan.nmodules, 0);
	assert_int_equal(scan.nadapters, 4);
	assert_string_equal(scan.adapters[0].id->name, "FTDI USB-UART");
	assert_string_equal(scan.adapters[3].id->name,
			    "Prolific PL2303 USB-UART");
	assert_string_equal(mf_adapter_port(&scan.adapters[0])->tty, "ttyUSB0");
	assert_ptr_equal(mf_scan_adapter_by_port(&scan, "/dev/ttyUSB2"),
			 &scan.adapters[2]);
	assert_null(mf_scan_adapter_by_port(&scan, "/dev/ttyUSB9"));
	assert_null(mf_scan_module_by_port(&scan, "/dev/ttyUSB0"));
	tree_rm(root);
}

/* Known PID, interfaces present, but the option driver did not bind */
static void test_missing_ttys(void **state)
{
	struct tree_dev d = {
		.path = "1-1.4",
		.vid = 0x2c7c,
		.pid = 0x0700,
		.busnum = 1,
		.devnum = 7,
		.ifs = { { 0, 0xff, 0xff, 0xff, NULL, NULL },
			 { 1, 0xff, 0xff, 0xff, NULL, NULL },
			 { 2, 0xff, 0xff, 0xff, NULL, NULL },
			 { 4, 0xff, 0xfe, 0xff, NULL, NULL } },
		.nifs = 4,
	};
	char *root = tree_new();
	const struct mf_module *m;

	tree_add(root, &d);
	scan_ok(root);
	m = &scan.modules[0];
	assert_int_equal(m->usb.nports, 4);
	assert_int_equal(mf_module_port(m, MF_ROLE_DIAG)->num, 0);
	assert_string_equal(mf_module_port(m, MF_ROLE_DIAG)->dev, "");
	assert_string_equal(mf_module_port(m, MF_ROLE_DIAG)->driver, "");
	/* 0x0700 is any BG95 or a BG77: the family's chip, no model row
	 * until ATI names one (it once carried the BG95-M3 row) */
	assert_null(m->model);
	assert_string_equal(m->chip->name, "MDM9205");
	tree_rm(root);
}

/* Root hubs, interface links, other vendors and tty/ttyACMn */
static void test_odd_entries(void **state)
{
	struct tree_dev hub = { .path = "usb1",
				.vid = 0x1d6b,
				.pid = 0x0002,
				.busnum = 1,
				.devnum = 1 };
	struct tree_dev mouse = { .path = "1-3",
				  .vid = 0x046d,
				  .pid = 0xc077,
				  .busnum = 1,
				  .devnum = 4 };
	struct tree_dev acm = {
		.path = "1-5",
		.vid = 0x2c7c,
		.pid = 0x0999,
		.busnum = 1,
		.devnum = 9,
		.ifs = { { 0, 0xff, 0xff, 0x30, "option", "ttyUSB0" },
			 { 2, 0x02, 0x02, 0x01, "cdc_acm", "tty/ttyACM0" } },
		.nifs = 2,
	};
	char *root = tree_new();
	const struct mf_module *m;

	tree_add(root, &hub);
	tree_add(root, &mouse);
	tree_add(root, &acm);
	tree_file(root, "sys/bus/usb/devices/1-9/idVendor", "zzzz\n");
	scan_ok(root);
	assert_int_equal(scan.nmodules, 1);
	m = &scan.modules[0];
	assert_null(m->id);
	assert_int_equal(m->mode, MF_MODE_UNKNOWN);
	assert_int_equal(mf_module_port(m, MF_ROLE_DIAG)->num, 0);
	assert_string_equal(port_num(m, 2)->tty, "ttyACM0");
	assert_string_equal(port_num(m, 2)->driver, "cdc_acm");
	tree_rm(root);
}

static void test_no_usb_at_all(void **state)
{
	struct mf_err err = { 0 };

	assert_int_equal(
		mf_discover_scan("/nonexistent-sysroot", &scan, NULL, &err), 0);
	assert_int_equal(scan.nmodules, 0);
	assert_int_equal(scan.nadapters, 0);
}

static void test_sorted_and_chain(void **state)
{
	struct tree_dev a = { .path = "2-1.4",
			      .vid = 0x2c7c,
			      .pid = 0x0800,
			      .busnum = 2,
			      .devnum = 3,
			      .nifs = 0 };
	struct tree_dev b = { .path = "1-1.2",
			      .vid = 0x05c6,
			      .pid = 0x9008,
			      .busnum = 1,
			      .devnum = 8,
			      .nifs = 1,
			      .ifs = { { 0, 0xff, 0xff, 0x11, "qcserial",
					 "ttyUSB0" } } };
	char *root = tree_new();

	tree_add(root, &a);
	tree_add(root, &b);
	scan_ok(root);
	assert_int_equal(scan.nmodules, 2);
	assert_string_equal(scan.modules[0].usb.path, "1-1.2");
	assert_string_equal(mf_usb_chain("2-1.4"), "1.4");
	assert_string_equal(mf_usb_chain("1-1.4"), "1.4");
	assert_string_equal(mf_usb_chain("usb1"), "");
	tree_rm(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_row),
		cmocka_unit_test(test_fixture_tsv_covered),
		cmocka_unit_test(test_edl_9008),
		cmocka_unit_test(test_0122_single_interface_edl),
		cmocka_unit_test(test_roles_by_protocol),
		cmocka_unit_test(test_adapters_are_not_modules),
		cmocka_unit_test(test_missing_ttys),
		cmocka_unit_test(test_odd_entries),
		cmocka_unit_test(test_no_usb_at_all),
		cmocka_unit_test(test_sorted_and_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
