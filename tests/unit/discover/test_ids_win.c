// SPDX-License-Identifier: BSD-3-Clause
/*
 * Windows discovery without Windows: the strings SetupAPI gives for a
 * BG95 behind Quectel's driver, a module in EDL (QDLoader 9008), an FTDI,
 * a CP210x and a CH340 adapter, a module whose driver is missing, joined
 * into the scan the Linux code reads (roles by the same device table).
 * The ID shapes are those Device Manager shows (Details: Device instance
 * path, Hardware Ids, Compatible Ids, Location paths, Service).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "discover/ids_win.h"

#define LOC "PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(4)#USB(2)"

static void test_parse_ids(void **state)
{
	struct mf_win_ids ids;

	(void)state;
	assert_int_equal(
		mf_win_parse_ids("USB\\VID_2C7C&PID_0700&REV_0318&MI_02", &ids),
		0);
	assert_int_equal(ids.vid, 0x2c7c);
	assert_int_equal(ids.pid, 0x0700);
	assert_int_equal(ids.rev, 0x0318);
	assert_int_equal(ids.mi, 2);
	/* an instance ID: the serial component is not read as tokens */
	assert_int_equal(
		mf_win_parse_ids("USB\\VID_05C6&PID_9008\\5&2F6A1B&0&4", &ids),
		0);
	assert_int_equal(ids.pid, 0x9008);
	assert_int_equal(ids.mi, -1);
	assert_int_equal(ids.rev, -1);
	/* lower case, as some drivers write them */
	assert_int_equal(mf_win_parse_ids("usb\\vid_1a86&pid_7523", &ids), 0);
	assert_int_equal(ids.vid, 0x1a86);
	/* FTDI's bus driver joins with '+' */
	assert_int_equal(
		mf_win_parse_ids("FTDIBUS\\VID_0403+PID_6001+A50285BIA\\0000",
				 &ids),
		0);
	assert_int_equal(ids.vid, 0x0403);
	assert_int_equal(ids.pid, 0x6001);
	/* malformed: short, not hex, absent, a PID in the serial part */
	assert_int_equal(mf_win_parse_ids("USB\\VID_2C7&PID_0700", &ids),
			 -EINVAL);
	assert_int_equal(mf_win_parse_ids("USB\\VID_2C7G&PID_0700", &ids),
			 -EINVAL);
	assert_int_equal(mf_win_parse_ids("USB\\ROOT_HUB30\\4&1", &ids),
			 -EINVAL);
	assert_int_equal(mf_win_parse_ids("USB\\VID_2C7C\\PID_0700", &ids),
			 -EINVAL);
	assert_int_equal(mf_win_parse_ids("", &ids), -EINVAL);
	assert_int_equal(mf_win_parse_ids(NULL, &ids), -EINVAL);
}

static void test_parse_class(void **state)
{
	uint8_t c, s, p;

	(void)state;
	assert_int_equal(mf_win_parse_class("USB\\Class_ff&SubClass_fe&Prot_ff",
					    &c, &s, &p),
			 0);
	assert_int_equal(c, 0xff);
	assert_int_equal(s, 0xfe);
	assert_int_equal(p, 0xff);
	assert_int_equal(mf_win_parse_class("USB\\Class_02", &c, &s, &p), 0);
	assert_int_equal(c, 0x02);
	assert_int_equal(s, 0);
	/* "SubClass_" alone is not a class */
	assert_int_equal(mf_win_parse_class("USB\\SubClass_ff", &c, &s, &p),
			 -EINVAL);
	assert_int_equal(mf_win_parse_class("USB\\COMPOSITE", &c, &s, &p),
			 -EINVAL);
}

static void test_small_parsers(void **state)
{
	char out[80];

	(void)state;
	mf_win_instance_serial("USB\\VID_0403&PID_6001\\A50285BI", out,
			       sizeof(out));
	assert_string_equal(out, "A50285BI");
	mf_win_instance_serial("USB\\VID_2C7C&PID_0700\\5&2F6A1B&0&4", out,
			       sizeof(out));
	assert_string_equal(out, "");
	mf_win_instance_serial("USB", out, sizeof(out));
	assert_string_equal(out, "");

	assert_int_equal(
		mf_win_device_location(LOC "#USBMI(2)", out, sizeof(out)), 0);
	assert_string_equal(out, LOC);
	assert_int_equal(mf_win_device_location(LOC, out, sizeof(out)), 0);
	assert_string_equal(out, LOC);
	assert_int_equal(mf_win_device_location("ACPI(_SB_)#ACPI(PCI0)", out,
						sizeof(out)),
			 -EINVAL);
	assert_int_equal(mf_win_device_location(LOC, out, 10), -ENAMETOOLONG);

	mf_win_enumerator("FTDIBUS\\VID_0403+PID_6001+X\\0000", out,
			  sizeof(out));
	assert_string_equal(out, "FTDIBUS");
	mf_win_enumerator("nobackslash", out, sizeof(out));
	assert_string_equal(out, "");

	assert_true(mf_win_is_com_name("COM7"));
	assert_true(mf_win_is_com_name("com12"));
	assert_true(mf_win_is_com_name("\\\\.\\COM255"));
	assert_false(mf_win_is_com_name("COM"));
	assert_false(mf_win_is_com_name("COM0"));
	assert_false(mf_win_is_com_name("COM7x"));
	assert_false(mf_win_is_com_name("LPT1"));
	assert_false(mf_win_is_com_name("/dev/ttyUSB2"));
	assert_false(mf_win_is_com_name(NULL));
}

/* BG95 (Quectel driver: interfaces 0, 1, 2 are COM ports, 4 is the modem) */
static const struct mf_win_dev bg95[] = {
	{ .instance = "USB\\VID_2C7C&PID_0700\\5&2F6A1B&0&2",
	  .hwid = "USB\\VID_2C7C&PID_0700&REV_0318",
	  .compat = "USB\\COMPOSITE",
	  .location = LOC,
	  .service = "usbccgp",
	  .mfg = "Quectel" },
	{ .instance = "USB\\VID_2C7C&PID_0700&MI_00\\6&1A2B3C&0&0000",
	  .parent = "USB\\VID_2C7C&PID_0700\\5&2F6A1B&0&2",
	  .hwid = "USB\\VID_2C7C&PID_0700&REV_0318&MI_00",
	  .compat = "USB\\Class_ff&SubClass_ff&Prot_ff",
	  .location = LOC "#USBMI(0)",
	  .service = "qcusbser",
	  .port = "COM5",
	  .friendly = "Quectel USB DM Port (COM5)" },
	{ .instance = "USB\\VID_2C7C&PID_0700&MI_01\\6&1A2B3C&0&0001",
	  .parent = "USB\\VID_2C7C&PID_0700\\5&2F6A1B&0&2",
	  .compat = "USB\\Class_ff&SubClass_ff&Prot_ff",
	  .location = LOC "#USBMI(1)",
	  .service = "qcusbser",
	  .port = "COM6" },
	{ .instance = "USB\\VID_2C7C&PID_0700&MI_02\\6&1A2B3C&0&0002",
	  .parent = "USB\\VID_2C7C&PID_0700\\5&2F6A1B&0&2",
	  .compat = "USB\\Class_ff&SubClass_ff&Prot_ff",
	  .location = LOC "#USBMI(2)",
	  .service = "qcusbser",
	  .port = "COM7" },
	{ .instance = "USB\\VID_2C7C&PID_0700&MI_04\\6&1A2B3C&0&0004",
	  .parent = "USB\\VID_2C7C&PID_0700\\5&2F6A1B&0&2",
	  .compat = "USB\\Class_ff&SubClass_fe&Prot_ff",
	  .location = LOC "#USBMI(4)",
	  .service = "qcusbwwan" },
	/* noise: a hub, a mouse, an interface whose parent is elsewhere */
	{ .instance = "USB\\ROOT_HUB30\\4&3A1B&0&0",
	  .location = "PCIROOT(0)#PCI(1400)#USBROOT(0)" },
	{ .instance = "HID\\VID_046D&PID_C077\\7&1&0&0000" },
	{ .instance = "USB\\VID_2C7C&PID_0700&MI_03\\6&FFFF&0&0003",
	  .parent = "USB\\VID_2C7C&PID_0700\\OTHER",
	  .port = "COM99" },
};

static void test_bg95(void **state)
{
	static struct mf_scan s;
	const struct mf_module *m;

	(void)state;
	assert_int_equal(mf_win_build_scan(bg95, sizeof(bg95) / sizeof(bg95[0]),
					   &s, NULL),
			 0);
	assert_int_equal(s.nmodules, 1);
	assert_int_equal(s.nadapters, 0);
	m = &s.modules[0];
	assert_string_equal(m->usb.path, LOC);
	assert_int_equal(m->usb.vid, 0x2c7c);
	assert_int_equal(m->usb.bcd, 0x0318);
	assert_int_equal(m->mode, MF_MODE_NORMAL);
	assert_string_equal(m->usb.serial, "");
	assert_string_equal(m->usb.manufacturer, "Quectel");
	assert_int_equal(m->usb.nports, 4);
	assert_string_equal(mf_module_port(m, MF_ROLE_DIAG)->dev, "COM5");
	assert_string_equal(mf_module_port(m, MF_ROLE_NMEA)->dev, "COM6");
	assert_string_equal(mf_module_port(m, MF_ROLE_AT)->dev, "COM7");
	assert_string_equal(mf_module_port(m, MF_ROLE_DIAG)->driver,
			    "qcusbser");
	/* the modem interface has no COM port: present, no tty */
	assert_int_equal(m->usb.ports[3].num, 4);
	assert_string_equal(m->usb.ports[3].tty, "");
	assert_int_equal(m->usb.ports[3].sub, 0xfe);
	/* -d COM7, -d LOCATION, -d com7 is no match (ports are as named) */
	assert_int_equal(mf_select_kind("COM7"), MF_SEL_PORT);
	assert_int_equal(mf_select(&s, "COM7", NULL), 0);
	assert_int_equal(mf_select(&s, LOC, NULL), 0);
	assert_int_equal(mf_select(&s, "COM99", NULL), -ENODEV);
	assert_ptr_equal(mf_scan_module_by_port(&s, "COM5"), m);
	/* the chain after the root hub survives a USB3 -> USB2 change */
	assert_string_equal(mf_usb_chain(LOC), "USB(4)#USB(2)");
	assert_string_equal(mf_usb_chain("1-1.4"), "1.4");
}

/* no parent IDs (Wine, older APIs): interfaces joined by location */
static void test_by_location(void **state)
{
	struct mf_win_dev d[5];
	static struct mf_scan s;

	(void)state;
	memcpy(d, bg95, sizeof(d));
	for (size_t i = 0; i < 5; i++)
		d[i].parent[0] = '\0';
	assert_int_equal(mf_win_build_scan(d, 5, &s, NULL), 0);
	assert_int_equal(s.nmodules, 1);
	assert_int_equal(s.modules[0].usb.nports, 4);
	assert_string_equal(mf_module_port(&s.modules[0], MF_ROLE_AT)->dev,
			    "COM7");
}

static void test_edl_and_adapters(void **state)
{
	static const struct mf_win_dev d[] = {
		{ .instance = "USB\\VID_05C6&PID_9008\\5&2F6A1B&0&2",
		  .hwid = "USB\\VID_05C6&PID_9008&REV_0000",
		  .compat = "USB\\Class_ff&SubClass_ff&Prot_ff",
		  .location = LOC,
		  .service = "qcusbser",
		  .port = "COM9",
		  .friendly = "Qualcomm HS-USB QDLoader 9008 (COM9)" },
		{ .instance = "USB\\VID_0403&PID_6001\\A50285BI",
		  .location = "PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(1)",
		  .service = "FTDIBUS" },
		{ .instance = "FTDIBUS\\VID_0403+PID_6001+A50285BIA\\0000",
		  .parent = "USB\\VID_0403&PID_6001\\A50285BI",
		  .service = "FTSER2K",
		  .port = "COM3" },
		{ .instance = "USB\\VID_10C4&PID_EA60\\0001",
		  .location = "PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(3)",
		  .compat = "USB\\Class_ff&SubClass_00&Prot_00",
		  .service = "silabser",
		  .port = "COM4" },
		{ .instance = "USB\\VID_1A86&PID_7523\\5&1&0&5",
		  .location = "PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(5)",
		  .service = "CH341SER_A64",
		  .port = "COM8" },
	};
	static struct mf_scan s;
	const struct mf_adapter *a;

	(void)state;
	assert_int_equal(mf_win_build_scan(d, 5, &s, NULL), 0);
	assert_int_equal(s.nmodules, 1);
	assert_int_equal(s.modules[0].mode, MF_MODE_EDL);
	assert_string_equal(mf_module_port(&s.modules[0], MF_ROLE_SAHARA)->dev,
			    "COM9");
	assert_int_equal(s.nadapters, 3);
	a = mf_scan_adapter_by_port(&s, "COM3");
	assert_non_null(a);
	assert_int_equal(a->usb.vid, 0x0403);
	assert_string_equal(a->usb.serial, "A50285BI");
	assert_string_equal(mf_adapter_port(a)->driver, "FTSER2K");
	a = mf_scan_adapter_by_port(&s, "COM4");
	assert_non_null(a);
	assert_int_equal(a->usb.vid, 0x10c4);
	a = mf_scan_adapter_by_port(&s, "COM8");
	assert_non_null(a);
	assert_string_equal(a->id->name, "WCH CH34x USB-UART");
	assert_null(mf_scan_module_by_port(&s, "COM3"));
}

/* Quectel's driver not installed: the interfaces are there, no COM port */
static void test_no_driver(void **state)
{
	struct mf_win_dev d[5];
	static struct mf_scan s;

	(void)state;
	memcpy(d, bg95, sizeof(d));
	for (size_t i = 1; i < 5; i++) {
		d[i].port[0] = '\0';
		d[i].service[0] = '\0';
	}
	assert_int_equal(mf_win_build_scan(d, 5, &s, NULL), 0);
	assert_int_equal(s.nmodules, 1);
	assert_int_equal(s.modules[0].usb.nports, 4);
	assert_non_null(mf_module_port(&s.modules[0], MF_ROLE_DIAG));
	assert_string_equal(mf_module_port(&s.modules[0], MF_ROLE_DIAG)->dev,
			    "");
}

/* the Wine tier's sysroot: ttys reached as COM ports */
static void test_map_ports(void **state)
{
	static struct mf_scan s;
	struct mf_port *p;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.nmodules = 1;
	s.modules[0].usb.nports = 3;
	p = s.modules[0].usb.ports;
	snprintf(p[0].tty, sizeof(p[0].tty), "ttyUSB0");
	snprintf(p[0].dev, sizeof(p[0].dev), "/r/dev/ttyUSB0");
	snprintf(p[1].tty, sizeof(p[1].tty), "ttyUSB2");
	snprintf(p[1].dev, sizeof(p[1].dev), "/r/dev/ttyUSB2");
	s.nadapters = 1;
	s.adapters[0].usb.nports = 1;
	snprintf(s.adapters[0].usb.ports[0].tty, 32, "ttyUSB9");
	mf_win_map_ports(&s, "COM5 ttyUSB0\n# a comment\nNOTCOM ttyUSB2\n"
			     "COM3 ttyUSB9");
	assert_string_equal(p[0].dev, "COM5");
	assert_string_equal(p[0].tty, "COM5");
	/* "NOTCOM" is no COM name: the tty stays, unreachable */
	assert_string_equal(p[1].tty, "ttyUSB2");
	assert_string_equal(p[1].dev, "");
	assert_string_equal(p[2].tty, "");
	assert_string_equal(s.adapters[0].usb.ports[0].dev, "COM3");
	mf_win_map_ports(&s, "");
	assert_string_equal(p[0].dev, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ids),
		cmocka_unit_test(test_parse_class),
		cmocka_unit_test(test_small_parsers),
		cmocka_unit_test(test_bg95),
		cmocka_unit_test(test_by_location),
		cmocka_unit_test(test_edl_and_adapters),
		cmocka_unit_test(test_no_driver),
		cmocka_unit_test(test_map_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
