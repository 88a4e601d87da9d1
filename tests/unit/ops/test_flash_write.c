// SPDX-License-Identifier: BSD-3-Clause
/*
 * The writing half of a flash on a scripted Firehose link (issue 20): a
 * program the module refuses is erased and tried once more; refused again
 * it is a persistent failure (SBL stays unwritten in a flash, comes last
 * in a restore); images are checked before the first erase.
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

#include "fakelink.h"
#include "ops/update/flash.h"
#include "ops/update/flash_write.h"
#include "pkg/pkg.h"

#define HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n"
#define LOG(t)	HEAD "<log value=\"" t "\" />\n</data>"
#define ACK	HEAD "<response value=\"ACK\" rawmode=\"false\" />\n</data>"
#define ACK_RAW HEAD "<response value=\"ACK\" rawmode=\"true\" />\n</data>"
#define NAK	HEAD "<response value=\"NAK\" />\n</data>"
#define NO_ROOM                                                                \
	LOG("ERROR: Failed to program page 54720, no good block left in "      \
	    "the partition")

struct rig {
	struct fakelink f;
	struct fh_session fh;
	struct mf_err err;
	struct flash_report r;
	struct pkg pkg;
	struct pkg_cmd cmds[4];
	char img[32];
};

static void line(struct pkg_cmd *c, enum pkg_op op, const char *label,
		 const char *start, const char *path)
{
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->attrs[n++] = (struct pkg_attr){ "SECTOR_SIZE_IN_BYTES", "2048" };
	c->attrs[n++] = (struct pkg_attr){ "PAGES_PER_BLOCK", "64" };
	c->attrs[n++] = (struct pkg_attr){ "num_partition_sectors", "640" };
	c->attrs[n++] = (struct pkg_attr){ "physical_partition_number", "0" };
	c->attrs[n++] = (struct pkg_attr){ "start_sector", (char *)start };
	c->attrs[n++] = (struct pkg_attr){ "label", (char *)label };
	c->nattrs = n;
	c->label = label;
	c->sector_size = 2048;
	c->start.kind = PKG_V_NUM;
	c->start_sector = strtoull(start, NULL, 10);
	if (op == PKG_OP_PROGRAM) {
		c->path = (char *)path;
		c->filename = "image.bin";
		c->present = true;
		c->file_size = 4096;
		c->file_sectors = 2;
		c->fits = true;
	}
}

static void rig_up(struct rig *g, const char *modem_path)
{
	static const uint8_t data[4096];
	int fd;

	memset(g, 0, sizeof(*g));
	snprintf(g->img, sizeof(g->img), "/tmp/mf-fw-XXXXXX");
	fd = mkstemp(g->img);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	line(&g->cmds[0], PKG_OP_ERASE, "SBL", "0", NULL);
	line(&g->cmds[1], PKG_OP_PROGRAM, "SBL", "0", g->img);
	line(&g->cmds[2], PKG_OP_ERASE, "modem", "20224", NULL);
	line(&g->cmds[3], PKG_OP_PROGRAM, "modem", "20224",
	     modem_path ? modem_path : g->img);
	g->pkg.cmds = g->cmds;
	g->pkg.ncmds = 4;
	fl_init(&g->f);
	assert_int_equal(fh_init(&g->fh, &g->f.link, NULL, &g->err), 0);
	snprintf(g->fh.memory, sizeof(g->fh.memory), "nand");
	g->fh.t.cmd_ms = g->fh.t.program_ack_ms = g->fh.t.data_ms = 200;
}

static void rig_down(struct rig *g)
{
	fh_close(&g->fh);
	fl_free(&g->f);
	unlink(g->img);
}

static unsigned count(const struct fakelink *f, const char *s)
{
	size_t n = strlen(s);
	unsigned k = 0;

	for (size_t i = 0; i + n <= f->wlen; i++)
		if (!memcmp(f->w + i, s, n))
			k++;
	return k;
}

static void program_ok(struct fakelink *f)
{
	fl_str(f, ACK_RAW);
	fl_str(f, ACK);
}

/* A refusal that does not come back: erased again, written, done. */
static void test_refused_once_is_tried_again(void **state)
{
	struct rig g;

	(void)state;
	rig_up(&g, NULL);
	fl_str(&g.f, ACK);     /* erase SBL */
	fl_str(&g.f, ACK);     /* erase modem */
	fl_str(&g.f, ACK_RAW); /* program modem ... */
	fl_str(&g.f, NAK);     /* ... refused */
	fl_str(&g.f, ACK);     /* erase modem again */
	program_ok(&g.f);      /* program modem */
	program_ok(&g.f);      /* program SBL */
	assert_int_equal(flash_write(&g.fh, &g.pkg, NULL, &g.r, NULL, &g.err),
			 0);
	assert_int_equal(count(&g.f, "<erase"), 3);
	assert_int_equal(count(&g.f, "<program"), 3);
	assert_false(g.r.persistent);
	assert_int_equal(g.err.status, MF_OK);
	rig_down(&g);
}

/* Refused twice: persistent, and SBL is not written in a flash. */
static void test_refused_twice_is_persistent(void **state)
{
	struct rig g;

	(void)state;
	rig_up(&g, NULL);
	fl_str(&g.f, ACK);
	fl_str(&g.f, ACK);
	fl_str(&g.f, ACK_RAW);
	fl_str(&g.f, NO_ROOM);
	fl_str(&g.f, NAK);
	fl_str(&g.f, ACK);
	fl_str(&g.f, ACK_RAW);
	fl_str(&g.f, NO_ROOM);
	fl_str(&g.f, NAK);
	assert_int_equal(flash_write(&g.fh, &g.pkg, NULL, &g.r, NULL, &g.err),
			 -EREMOTEIO);
	assert_true(g.r.persistent);
	assert_int_equal(g.err.status, MF_FAILED);
	assert_non_null(strstr(g.err.msg, "cannot store modem: the programmer "
					  "refused it twice"));
	assert_non_null(strstr(g.err.msg, "no good block left"));
	assert_non_null(strstr(g.err.hint, "will not help"));
	assert_int_equal(count(&g.f, "<program"), 2); /* no SBL */
	rig_down(&g);
}

/* A restore goes on past the refused partition: SBL comes last. */
static void test_restore_writes_sbl_after_a_refusal(void **state)
{
	struct rig g;

	(void)state;
	rig_up(&g, NULL);
	g.r.restoring = true;
	fl_str(&g.f, ACK);
	fl_str(&g.f, ACK);
	fl_str(&g.f, ACK_RAW);
	fl_str(&g.f, NAK);
	fl_str(&g.f, ACK);
	fl_str(&g.f, ACK_RAW);
	fl_str(&g.f, NAK);
	program_ok(&g.f); /* SBL */
	assert_int_equal(flash_write(&g.fh, &g.pkg, NULL, &g.r, NULL, &g.err),
			 -EREMOTEIO);
	assert_true(g.r.persistent);
	assert_int_equal(count(&g.f, "<program"), 3);
	assert_true(fl_done(&g.f));
	assert_non_null(strstr(g.err.msg, "cannot store modem"));
	rig_down(&g);
}

/* An image gone before the first erase: nothing is sent at all. */
static void test_unreadable_image_before_any_erase(void **state)
{
	struct rig g;

	(void)state;
	rig_up(&g, "/nonexistent/modem.ubi");
	assert_int_equal(flash_write(&g.fh, &g.pkg, NULL, &g.r, NULL, &g.err),
			 -ENOENT);
	assert_int_equal(g.err.status, MF_BAD_PACKAGE);
	assert_non_null(strstr(g.err.msg, "nothing was written"));
	assert_int_equal(g.f.wlen, 0);
	assert_false(g.r.wrote);
	rig_down(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_once_is_tried_again),
		cmocka_unit_test(test_refused_twice_is_persistent),
		cmocka_unit_test(test_restore_writes_sbl_after_a_refusal),
		cmocka_unit_test(test_unreadable_image_before_any_erase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
