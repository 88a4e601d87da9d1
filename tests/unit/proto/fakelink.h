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
 *
 * Timed scripts (fl_silence, or timed set): the link honours each read's
 * timeout as a device would. A silence of N ms is spent by the reads that
 * wait through it (mf_sleep_ms: real time, or a test's own clock), however
 * they slice it: a read whose timeout ends inside the silence times out
 * after its timeout, one that outlasts it gets the bytes that follow. With
 * timed set, a read that finds the script used up (or an FL_TIMEOUT step)
 * waits its whole timeout before it times out.
 */
enum fl_kind { FL_DATA, FL_TIMEOUT, FL_DISCONNECT, FL_SILENCE };

struct fl_step {
	enum fl_kind kind;
	uint8_t *data;
	size_t len; /* FL_SILENCE: milliseconds of it not spent yet */
};

struct fakelink {
	struct link link;
	struct fl_step steps[512];
	size_t nsteps, cur, off;
	size_t max_read; /* 0: as much as asked */
	bool gone;
	bool timed;   /* reads wait their timeout (above) */
	uint8_t *w;   /* written bytes: the first wkeep of them (0: all) */
	size_t wlen;  /* bytes written in all */
	size_t wkept; /* of them in w */
	size_t wkeep; /* keep at most this many (long padding phases) */
	size_t wcap;
	int write_err; /* returned by every write when set */
};

void fl_init(struct fakelink *f);
void fl_free(struct fakelink *f);
void fl_data(struct fakelink *f, const void *buf, size_t len);
void fl_str(struct fakelink *f, const char *s);
void fl_timeout(struct fakelink *f);
void fl_disconnect(struct fakelink *f);
/* ms of silence before the next step (a timed script, see above). */
void fl_silence(struct fakelink *f, int ms);
/* Did the host write these bytes (anywhere in what was kept)? */
bool fl_wrote(const struct fakelink *f, const void *buf, size_t len);
bool fl_wrote_str(const struct fakelink *f, const char *s);
/* Everything scripted was read. */
bool fl_done(const struct fakelink *f);

#endif
