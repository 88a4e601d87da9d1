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

#include "base/bytes.h"
#include "fakelink.h"
#include "proto/sahara.h"

#define PROG_SIZE 0x3000

static void pkt(struct fakelink *f, uint32_t cmd, const uint32_t *body,
		size_t n)
{
	uint8_t b[0x30] = { 0 };
	size_t len = sahara_msg_pkt_size(cmd);

	put_le32(b, cmd);
	put_le32(b + 4, (uint32_t)len);
	for (size_t i = 0; i < n; i++)
		put_le32(b + 8 + 4 * i, body[i]);
	fl_data(f, b, len);
}

static void hello(struct fakelink *f, uint32_t version)
{
	/* real shape: version, compatible 1, max_len 0x400, mode 0 */
	const uint32_t b[] = { version, 1, 0x400, 0 };

	pkt(f, SAHARA_MSG_HELLO, b, 4);
}

static void read32(struct fakelink *f, uint32_t id, uint32_t off, uint32_t len)
{
	const uint32_t b[] = { id, off, len };

	pkt(f, SAHARA_MSG_READ_DATA, b, 3);
}

static void read64(struct fakelink *f, uint32_t id, uint32_t off, uint32_t len)
{
	const uint32_t b[] = { id, 0, off, 0, len, 0 };

	pkt(f, SAHARA_MSG_READ_DATA_64, b, 6);
}

static void eoi(struct fakelink *f, uint32_t id, uint32_t status)
{
	const uint32_t b[] = { id, status };

	pkt(f, SAHARA_MSG_END_OF_IMAGE, b, 2);
}

static void done_resp(struct fakelink *f, uint32_t st)
{
	pkt(f, SAHARA_MSG_DONE_RESP, &st, 1);
}

static int prog_fd(void)
{
	char path[] = "/tmp/mf-prog-XXXXXX";
	int fd = mkstemp(path);
	uint8_t buf[PROG_SIZE];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	unlink(path);
	return fd;
}

static const uint8_t hello_resp[] = {
	0x02, 0, 0, 0, 0x30, 0, 0, 0, 0x02, 0, 0, 0,
	0x01, 0, 0, 0, 0,    0, 0, 0, 0,    0, 0, 0,
};
static const uint8_t done_pkt[] = { 0x05, 0, 0, 0, 0x08, 0, 0, 0 };
static const uint8_t reset_pkt[] = { 0x07, 0, 0, 0, 0x08, 0, 0, 0 };

static struct sahara_opts fast(void)
{
	struct sahara_opts o;

	sahara_opts_default(&o);
	o.hello_timeout_ms = 100;
	o.cmd_timeout_ms = 100;
	o.image_id = 13;
	return o;
}

static void check_served(struct fakelink *f, int fd, uint32_t off, uint32_t len)
{
	uint8_t buf[PROG_SIZE];

	assert_int_equal(pread(fd, buf, len, off), len);
	assert_true(fl_wrote(f, buf, len));
}

/* The RM500Q trace shape: 0/0x34, 0x34/0x80, 4 KiB chunks, 0x9d0 tail. */
static void test_image_ok(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	f.max_read = 5; /* packets split at arbitrary points */
	hello(&f, 2);
	read32(&f, 13, 0, 0x34);
	read32(&f, 13, 0x34, 0x80);
	read32(&f, 13, 0x1000, 0x1000);
	read64(&f, 13, 0x2000, 0x9d0);
	eoi(&f, 13, 0);
	done_resp(&f, 1);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 0);
	assert_true(fl_wrote(&f, hello_resp, sizeof(hello_resp)));
	check_served(&f, fd, 0, 0x34);
	check_served(&f, fd, 0x1000, 0x1000);
	check_served(&f, fd, 0x2000, 0x9d0);
	assert_true(fl_wrote(&f, done_pkt, sizeof(done_pkt)));
	assert_int_equal(res.bytes_served, 0x34 + 0x80 + 0x1000 + 0x9d0);
	assert_int_equal(res.image_id, 13);
	assert_int_equal(res.done_status, 1);
	assert_false(res.firehose_running);
	close(fd);
	fl_free(&f);
}

static void test_pending_done_accepted(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	read32(&f, 13, 0, 0x34);
	eoi(&f, 13, 0);
	done_resp(&f, 0); /* RM520N: pending, yet fine for id 13 */
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 0);
	assert_int_equal(res.done_status, 0);
	close(fd);
	fl_free(&f);
}

static void test_pending_done_other_id_fails(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	o.image_id = 0;
	fl_init(&f);
	hello(&f, 2);
	read32(&f, 9, 0, 0x34);
	eoi(&f, 9, 0);
	done_resp(&f, 0);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -EPROTO);
	assert_non_null(strstr(err.msg, "more images"));
	close(fd);
	fl_free(&f);
}

static void test_out_of_range_resets(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	read32(&f, 13, 0x2f00, 0x200); /* 0x100 bytes past the end */
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -ERANGE);
	assert_true(fl_wrote(&f, reset_pkt, sizeof(reset_pkt)));
	assert_non_null(strstr(err.msg, "outside"));
	close(fd);
	fl_free(&f);
}

static void test_wrong_image_id_resets(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	read32(&f, 21, 0, 0x34);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -ERANGE);
	assert_true(fl_wrote(&f, reset_pkt, sizeof(reset_pkt)));
	close(fd);
	fl_free(&f);
}

static void test_auth_failure_named(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	read32(&f, 13, 0, 0x34);
	eoi(&f, 13, 0x25);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -EPERM);
	assert_non_null(strstr(err.msg, "IMAGE_AUTH_FAILURE"));
	assert_non_null(strstr(err.hint, "signed"));
	close(fd);
	fl_free(&f);
}

/* docs/usbvm.md: the echoed HELLO makes the device answer INVALID_CMD. */
static void test_echo_desync_resyncs(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	const uint8_t garbage[] = { 0x01, 0x00, 0x30, 0x7e, 0x99 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	eoi(&f, 13, 1); /* INVALID_CMD before any data */
	fl_data(&f, garbage, sizeof(garbage));
	hello(&f, 2); /* the device starts over */
	read32(&f, 13, 0, 0x34);
	eoi(&f, 13, 0);
	done_resp(&f, 1);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 0);
	assert_int_equal(res.bytes_served, 0x34);
	close(fd);
	fl_free(&f);
}

static void test_desync_bounded(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	for (int i = 0; i < 6; i++) {
		hello(&f, 2);
		eoi(&f, 13, 1);
	}
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -EPROTO);
	assert_non_null(strstr(err.msg, "out of step"));
	close(fd);
	fl_free(&f);
}

static void test_silent_times_out(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	const uint8_t rsm[] = { 0x13, 0, 0, 0, 0x08, 0, 0, 0 };
	int fd = prog_fd();

	fl_init(&f);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	/* it asked for a fresh HELLO before giving up */
	assert_true(fl_wrote(&f, rsm, sizeof(rsm)));
	close(fd);
	fl_free(&f);
}

static void test_disconnect(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	read32(&f, 13, 0, 0x34);
	fl_disconnect(&f);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 -ENODEV);
	assert_int_equal(err.status, MF_NO_DEVICE);
	close(fd);
	fl_free(&f);
}

static void test_firehose_already_running(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" "
			  "?><data><log value=\"INFO: Binary build date: Apr "
			  "19 2020 @ 17:49:11\" /></data>";
	int fd = prog_fd();
	char back[256];

	fl_init(&f);
	fl_str(&f, xml);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 0);
	assert_true(res.firehose_running);
	/* the XML stays in the link, whole, for the Firehose session */
	assert_int_equal(link_read_exact(&f.link, back, strlen(xml), 100),
			 (int)strlen(xml));
	assert_memory_equal(back, xml, strlen(xml));
	assert_int_equal(f.wlen, 0); /* nothing sent to a running programmer */
	close(fd);
	fl_free(&f);
}

static void exec_resp(struct fakelink *f, uint32_t cmd, const void *data,
		      uint32_t len)
{
	const uint32_t b[] = { cmd, len };

	pkt(f, SAHARA_MSG_EXECUTE_RESP, b, 2);
	fl_data(f, data, len);
}

static void test_identify(void **state)
{
	/* BG95 (MDM9205): HW ID 0x001070e1 00000000, SHA-384 PK hash */
	static const uint8_t h[48] = {
		0xd4, 0x0e, 0xee, 0x56, 0xf3, 0x19, 0x46, 0x65, 0x57, 0x41,
		0x09, 0xa3, 0x92, 0x67, 0x72, 0x4a, 0xe7, 0x94, 0x41, 0x34,
		0xcd, 0x53, 0xcb, 0x76, 0x7e, 0x29, 0x3d, 0x3c, 0x40, 0x49,
		0x79, 0x55, 0xbc, 0x8a, 0x45, 0x19, 0xff, 0x99, 0x2b, 0x03,
		0x1f, 0xad, 0xc6, 0x35, 0x50, 0x15, 0xac, 0x87,
	};
	const uint8_t serial[4] = { 0x64, 0x4c, 0xf9, 0x0c };
	const uint8_t hwid[8] = { 0, 0, 0, 0, 0xe1, 0x70, 0x10, 0x00 };
	const uint8_t sw[] = { 0x0c, 0, 0, 0, 0x0c, 0, 0, 0, 0, 0, 0, 0 };
	const uint8_t mode3[] = { 0x02, 0, 0, 0, 0x30, 0, 0, 0, 2, 0, 0, 0,
				  1,	0, 0, 0, 0,    0, 0, 0, 3, 0, 0, 0 };
	uint8_t twice[96];
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };
	char s[140];

	memcpy(twice, h, 48);
	memcpy(twice + 48, h, 48);
	fl_init(&f);
	f.max_read = 7;
	hello(&f, 2);
	pkt(&f, SAHARA_MSG_CMD_READY, NULL, 0);
	exec_resp(&f, 1, serial, 4);
	exec_resp(&f, 2, hwid, 8);
	exec_resp(&f, 3, twice, 96);
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err), 0);
	assert_true(id.cmd_mode);
	assert_true(id.have_serial);
	assert_int_equal(id.serial, 0x0cf94c64);
	assert_int_equal(id.msm_id, 0x001070e1);
	sahara_hwid_str(&id, s, sizeof(s));
	assert_string_equal(s, "0x001070e100000000");
	assert_int_equal(id.pkhash_len, 48);
	sahara_pkhash_str(&id, s, sizeof(s));
	assert_string_equal(s,
			    "d40eee56f3194665574109a39267724ae7944134cd53cb767e"
			    "293d3c40497955bc8a4519ff992b031fadc6355015ac87");
	assert_true(fl_wrote(&f, mode3, sizeof(mode3)));
	assert_true(fl_wrote(&f, sw, sizeof(sw)));
	fl_free(&f);
}

/* SC20: END_OF_IMAGE 13/INVALID_CMD instead of CMD_READY is not fatal. */
static void test_identify_refused(void **state)
{
	static const uint8_t sc20[] = { 0x04, 0, 0, 0, 0x10, 0, 0, 0,
					0x0d, 0, 0, 0, 0x01, 0, 0, 0 };
	const uint8_t rsm[] = { 0x13, 0, 0, 0, 0x08, 0, 0, 0 };
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };

	fl_init(&f);
	hello(&f, 2);
	fl_data(&f, sc20, sizeof(sc20));
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err), 0);
	assert_false(id.cmd_mode);
	assert_false(id.have_hwid);
	assert_true(fl_wrote(&f, rsm, sizeof(rsm)));
	assert_int_equal(err.status, MF_OK);
	fl_free(&f);
}

static void test_identify_v3_chip_id(void **state)
{
	uint8_t chip[48] = { 0 };
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };
	const uint8_t serial[4] = { 1, 2, 3, 4 };

	put_le32(chip + 36, 0x001990e1);
	put_le16(chip + 40, 0x0004);
	fl_init(&f);
	hello(&f, 3);
	pkt(&f, SAHARA_MSG_CMD_READY, NULL, 0);
	exec_resp(&f, 1, serial, 4);
	exec_resp(&f, 0x0a, chip, sizeof(chip));
	fl_timeout(&f); /* no PK hash answer */
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err),
			 -ETIMEDOUT);
	assert_int_equal(id.msm_id, 0x001990e1);
	assert_int_equal(id.oem_id, 4);
	fl_free(&f);
}

static const uint8_t rsm2[] = { 0x13, 0, 0, 0, 0x08, 0, 0, 0,
				0x13, 0, 0, 0, 0x08, 0, 0, 0 };

/*
 * docs/usbvm.md finding 1: a prober read the HELLO and its echo reached the
 * device. The HELLO never comes again by itself: RESET_STATE_MACHINE; the
 * device rejects echo + request with END_OF_IMAGE(INVALID_CMD) and
 * empties its buffer; the second request gets the HELLO.
 */
static void test_identify_hello_swallowed(void **state)
{
	const uint8_t serial[4] = { 0x64, 0x4c, 0xf9, 0x0c };
	const uint8_t hwid[8] = { 0, 0, 0, 0, 0xe1, 0x70, 0x10, 0x00 };
	const uint8_t h[32] = { 0xd4, 0x0e };
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_timeout(&f); /* the HELLO went to somebody else */
	eoi(&f, 13, 1); /* "5e 41 5e 40 5e" + our request rejected */
	hello(&f, 2);
	pkt(&f, SAHARA_MSG_CMD_READY, NULL, 0);
	exec_resp(&f, 1, serial, 4);
	exec_resp(&f, 2, hwid, 8);
	exec_resp(&f, 3, h, 32);
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err), 0);
	assert_true(id.cmd_mode);
	assert_int_equal(id.serial, 0x0cf94c64);
	assert_true(fl_wrote(&f, rsm2, sizeof(rsm2)));
	fl_free(&f);
}

/* Asking is bounded: a device that never answers is a timeout. */
static void test_identify_hello_never(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };

	fl_init(&f);
	fl_timeout(&f);
	for (int i = 0; i < 8; i++)
		eoi(&f, 13, 1);
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err),
			 -EPROTO);
	assert_non_null(strstr(err.msg, "out of step"));
	assert_int_equal(f.wlen, 3 * 8); /* max_resync requests, no more */
	fl_free(&f);
}

/* The device's own HELLO echoed back to it: END_OF_IMAGE, then CMD_READY. */
static void test_identify_echo_rejected(void **state)
{
	const uint8_t serial[4] = { 1, 2, 3, 4 };
	const uint8_t hwid[8] = { 0, 0, 0, 0, 0xe1, 0x70, 0x10, 0x00 };
	const uint8_t h[32] = { 0xd4, 0x0e };
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };

	fl_init(&f);
	hello(&f, 2);
	eoi(&f, 13, 1);
	pkt(&f, SAHARA_MSG_CMD_READY, NULL, 0);
	exec_resp(&f, 1, serial, 4);
	exec_resp(&f, 2, hwid, 8);
	exec_resp(&f, 3, h, 32);
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err), 0);
	assert_true(id.cmd_mode);
	assert_true(id.have_serial);
	fl_free(&f);
}

/* The same in image mode: the request for our answer follows the EOI. */
static void test_image_echo_rejected(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	const uint8_t rsm[] = { 0x13, 0, 0, 0, 0x08, 0, 0, 0 };
	int fd = prog_fd();

	fl_init(&f);
	hello(&f, 2);
	eoi(&f, 13, 1);
	read32(&f, 13, 0, 0x34);
	eoi(&f, 13, 0);
	done_resp(&f, 1);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 0);
	assert_int_equal(res.bytes_served, 0x34);
	check_served(&f, fd, 0, 0x34);
	assert_false(fl_wrote(&f, rsm, sizeof(rsm)));
	close(fd);
	fl_free(&f);
}

/* Image mode with a swallowed HELLO: asked for twice, then served. */
static void test_image_hello_swallowed(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_result res;
	struct mf_err err = { 0 };
	int fd = prog_fd();

	fl_init(&f);
	fl_timeout(&f);
	eoi(&f, 13, 1);
	hello(&f, 2);
	read32(&f, 13, 0, 0x34);
	eoi(&f, 13, 0);
	done_resp(&f, 1);
	assert_int_equal(sahara_run_image_fd(&f.link, fd, PROG_SIZE, &o, &res,
					     NULL, &err),
			 0);
	assert_int_equal(res.bytes_served, 0x34);
	assert_true(fl_wrote(&f, rsm2, sizeof(rsm2)));
	close(fd);
	fl_free(&f);
}

/* Identify meets a running programmer: -EALREADY, the XML left whole. */
static void test_identify_firehose_running(void **state)
{
	struct fakelink f;
	struct sahara_opts o = fast();
	struct sahara_identity id;
	struct mf_err err = { 0 };
	const char *xml = "<?xml version=\"1.0\" ?><data><log value=\"x\" "
			  "/></data>";
	char back[128];

	fl_init(&f);
	fl_str(&f, xml);
	assert_int_equal(sahara_identify(&f.link, &o, &id, NULL, &err),
			 -EALREADY);
	assert_int_equal(link_unread_pending(&f.link), 8);
	assert_int_equal(link_read_exact(&f.link, back, strlen(xml), 100),
			 (int)strlen(xml));
	assert_memory_equal(back, xml, strlen(xml));
	assert_int_equal(f.wlen, 0);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_ok),
		cmocka_unit_test(test_pending_done_accepted),
		cmocka_unit_test(test_pending_done_other_id_fails),
		cmocka_unit_test(test_out_of_range_resets),
		cmocka_unit_test(test_wrong_image_id_resets),
		cmocka_unit_test(test_auth_failure_named),
		cmocka_unit_test(test_echo_desync_resyncs),
		cmocka_unit_test(test_desync_bounded),
		cmocka_unit_test(test_silent_times_out),
		cmocka_unit_test(test_disconnect),
		cmocka_unit_test(test_firehose_already_running),
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_identify_refused),
		cmocka_unit_test(test_identify_v3_chip_id),
		cmocka_unit_test(test_identify_hello_swallowed),
		cmocka_unit_test(test_identify_hello_never),
		cmocka_unit_test(test_identify_echo_rejected),
		cmocka_unit_test(test_identify_firehose_running),
		cmocka_unit_test(test_image_echo_rejected),
		cmocka_unit_test(test_image_hello_swallowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
