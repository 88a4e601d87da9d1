/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the Firehose codec tests: a reader per test and two helpers. */
#ifndef MF_TEST_FH_FIXTURE_H
#define MF_TEST_FH_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "wire/firehose_msg.h"

struct fx {
	struct fh_msg_reader *r;
};

static inline int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->r = fh_msg_reader_new();
	assert_non_null(f->r);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	fh_msg_reader_free(f->r);
	free(f);
	return 0;
}

/* Feed a whole string expecting exactly one complete document. */
static inline size_t feed_one(struct fh_msg_reader *r, const char *s,
			      size_t len)
{
	size_t used = 0;

	assert_int_equal(fh_msg_reader_feed(r, (const uint8_t *)s, len, &used),
			 1);
	return used;
}

static inline void expect_event(struct fh_msg_reader *r,
				enum fh_msg_event_type type, const char *tag,
				const char *value)
{
	struct fh_msg_event ev;

	assert_true(fh_msg_reader_next(r, &ev));
	assert_int_equal(ev.type, type);
	assert_string_equal(ev.tag, tag);
	if (value)
		assert_string_equal(ev.value, value);
	else
		assert_null(ev.value);
}

#endif
