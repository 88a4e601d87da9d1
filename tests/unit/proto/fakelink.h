/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_TEST_FAKELINK_H
#define MF_TEST_FAKELINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"

/*
 * A scripted link for protocol tests: canned reads (split wherever the
 * script splits them, or every max_read bytes), a timeout or a disconnect
 * at any point, and a log of everything written. When the script is used
 * up, reads time out at once, so no test can hang.
 */
enum fl_kind { FL_DATA, FL_TIMEOUT, FL_DISCONNECT };

struct fl_step {
	enum fl_kind kind;
	uint8_t *data;
	size_t len;
};

struct fakelink {
	struct link link;
	struct fl_step steps[512];
	size_t nsteps, cur, off;
	size_t max_read; /* 0: as much as asked */
	bool gone;
	uint8_t *w; /* written bytes */
	size_t wlen, wcap;
	int write_err; /* returned by every write when set */
};

void fl_init(struct fakelink *f);
void fl_free(struct fakelink *f);
void fl_data(struct fakelink *f, const void *buf, size_t len);
void fl_str(struct fakelink *f, const char *s);
void fl_timeout(struct fakelink *f);
void fl_disconnect(struct fakelink *f);
/* Did the host write these bytes (anywhere)? */
bool fl_wrote(const struct fakelink *f, const void *buf, size_t len);
bool fl_wrote_str(const struct fakelink *f, const char *s);
/* Everything scripted was read. */
bool fl_done(const struct fakelink *f);

#endif
