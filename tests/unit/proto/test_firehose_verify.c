// SPDX-License-Identifier: BSD-3-Clause
/*
 * fh_read_checked: docs/usbvm.md finding 2 (a ttyUSB drops device->host bytes
 * when the reader falls behind). A short stream or a digest mismatch is
 * read again; a persistent one is "data lost", never a silently bad file.
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
#include <openssl/evp.h>

#include "fakelink.h"
#include "proto/firehose.h"
#include "proto/firehose_verify.h"

#define HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n"
#define ACK	HEAD "<response value=\"ACK\" rawmode=\"false\" />\n</data>"
#define ACK_RAW HEAD "<response value=\"ACK\" rawmode=\"true\" />\n</data>"
#define LEN	4096

static uint8_t data[LEN];
static const struct fh_msg_attr attrs[] = {
	{ "SECTOR_SIZE_IN_BYTES", "2048" },
	{ "num_partition_sectors", "2" },
	{ "physical_partition_number", "0" },
	{ "start_sector", "640" },
};

static void session(struct fh_session *s, struct fakelink *f,
		    struct mf_err *err)
{
	assert_int_equal(fh_init(s, &f->link, NULL, err), 0);
	s->t.idle_ms = 20;
	s->t.cmd_ms = s->t.erase_ms = s->t.program_ack_ms = 200;
	s->t.data_ms = s->t.program_final_ms = s->t.digest_ms = 200;
}

static int tmpfd(void)
{
	char path[] = "/tmp/mf-rd-XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	return fd;
}

/* The device's answer to <read>: rawmode ACK, len bytes of data, ACK. */
static void read_answer(struct fakelink *f, size_t len)
{
	fl_str(f, ACK_RAW);
	fl_data(f, data, len);
	fl_str(f, ACK);
}

static void digest_answer(struct fakelink *f, bool right)
{
	uint8_t d[32];
	unsigned n = 0;
	char doc[256];
	int k;

	EVP_Digest(data, LEN, d, &n, EVP_sha256(), NULL);
	if (!right)
		d[0] ^= 1;
	k = snprintf(doc, sizeof(doc), HEAD "<log value=\"INFO: Digest 0x");
	for (int i = 0; i < 32; i++)
		k += snprintf(doc + k, sizeof(doc) - (size_t)k, "%02X", d[i]);
	snprintf(doc + k, sizeof(doc) - (size_t)k, "\" />\n</data>");
	fl_str(f, doc);
	fl_str(f, ACK);
}

/* drain ends on silence, then the nop is answered */
static void rewound(struct fakelink *f)
{
	fl_timeout(f);
	fl_str(f, ACK);
}

static void check_file(int fd)
{
	uint8_t got[LEN + 1];

	assert_int_equal(lseek(fd, 0, SEEK_END), LEN);
	assert_int_equal(pread(fd, got, sizeof(got), 0), LEN);
	assert_memory_equal(got, data, LEN);
}

static int setup(void **state)
{
	for (int i = 0; i < LEN; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	return 0;
}

/* 300 bytes lost: the reader takes the final ACK as data and runs dry. */
static void test_short_stream_read_again(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	int fd = tmpfd();

	fl_init(&f);
	read_answer(&f, LEN - 300);
	fl_timeout(&f);
	rewound(&f);
	read_answer(&f, LEN);
	digest_answer(&f, true);
	session(&s, &f, &err);
	assert_int_equal(fh_read_checked(&s, attrs, 4, fd, NULL), 0);
	assert_int_equal(err.status, MF_OK);
	check_file(fd);
	assert_true(fl_wrote_str(&f, "getsha256digest"));
	assert_true(fl_done(&f));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

/* The right count of wrong bytes: only the digest can tell. */
static void test_mismatch_read_again(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	int fd = tmpfd();

	fl_init(&f);
	read_answer(&f, LEN);
	digest_answer(&f, false);
	rewound(&f);
	read_answer(&f, LEN);
	digest_answer(&f, true);
	session(&s, &f, &err);
	assert_int_equal(fh_read_checked(&s, attrs, 4, fd, NULL), 0);
	check_file(fd);
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

static void test_persistent_loss_named(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	int fd = tmpfd();

	fl_init(&f);
	for (int i = 0; i < FH_READ_TRIES; i++) {
		if (i)
			rewound(&f);
		read_answer(&f, LEN);
		digest_answer(&f, false);
	}
	session(&s, &f, &err);
	assert_int_equal(fh_read_checked(&s, attrs, 4, fd, NULL), -EILSEQ);
	assert_int_equal(err.status, MF_MISMATCH);
	assert_non_null(strstr(err.msg, "data lost"));
	assert_non_null(strstr(err.msg, "640+2"));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

static void test_persistent_short_named(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	int fd = tmpfd();

	fl_init(&f);
	for (int i = 0; i < FH_READ_TRIES; i++) {
		if (i)
			rewound(&f);
		read_answer(&f, LEN - 300);
		fl_timeout(&f);
	}
	session(&s, &f, &err);
	assert_int_equal(fh_read_checked(&s, attrs, 4, fd, NULL), -EILSEQ);
	assert_non_null(strstr(err.msg, "data lost"));
	assert_non_null(strstr(err.msg, "ran short"));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

/* libusb does not lose data: no digest round trip per read. */
static void test_usb_link_plain_read(void **state)
{
	struct fakelink f;
	struct fh_session s;
	struct mf_err err = { 0 };
	int fd = tmpfd();

	fl_init(&f);
	f.link.kind = LINK_USB;
	read_answer(&f, LEN);
	session(&s, &f, &err);
	assert_int_equal(fh_read_checked(&s, attrs, 4, fd, NULL), 0);
	check_file(fd);
	assert_false(fl_wrote_str(&f, "getsha256digest"));
	fh_close(&s);
	close(fd);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_stream_read_again),
		cmocka_unit_test(test_mismatch_read_again),
		cmocka_unit_test(test_persistent_loss_named),
		cmocka_unit_test(test_persistent_short_named),
		cmocka_unit_test(test_usb_link_plain_read),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
