// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the Firehose reader. The first input byte seeds the
 * chunk sizes the rest is fed in; the stream is also fed in one piece and
 * byte by byte. Every call must make progress and stay within its input;
 * when no run reported an error, all runs must yield the same events.
 * The input is also used as a log text: when the builder accepts it,
 * reading the document back must give the same text.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/firehose_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

/* FNV-1a over everything a run yields: cheap transcript comparison. */
static void mix(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ull;
	}
}

static void mix_str(uint64_t *h, const char *s)
{
	check(s != NULL);
	mix(h, s, strlen(s) + 1);
}

struct run {
	uint64_t hash;
	size_t docs;
	bool error;
};

static void drain(struct fh_msg_reader *r, struct run *run)
{
	struct fh_msg_event ev;
	size_t i;

	while (fh_msg_reader_next(r, &ev)) {
		check(ev.type == FH_MSG_EV_LOG ||
		      ev.type == FH_MSG_EV_RESPONSE ||
		      ev.type == FH_MSG_EV_COMMAND);
		check(ev.nattrs <= FH_MSG_MAX_ATTRS);
		mix(&run->hash, &ev.type, sizeof(ev.type));
		mix_str(&run->hash, ev.tag);
		if (ev.value) {
			mix_str(&run->hash, ev.value);
			check(fh_msg_event_attr(&ev, "value") == ev.value);
		}
		for (i = 0; i < ev.nattrs; i++) {
			uint64_t v;
			int ret = fh_msg_event_attr_u64(&ev, ev.attrs[i].name,
							&v);

			check(ret == 0 || ret == -EINVAL || ret == -ERANGE);
			mix_str(&run->hash, ev.attrs[i].name);
			mix_str(&run->hash, ev.attrs[i].value);
		}
		(void)fh_msg_response_is_ack(&ev);
		(void)fh_msg_response_rawmode(&ev);
	}
}

/* seed == 0: one piece; seed == 1: byte by byte; else pseudo-random pieces */
static void run_stream(const uint8_t *p, size_t len, unsigned int seed,
		       struct run *run)
{
	struct fh_msg_reader *r = fh_msg_reader_new();
	unsigned int x = seed * 2654435761u + 1;
	size_t off = 0;

	check(r != NULL);
	memset(run, 0, sizeof(*run));
	run->hash = 14695981039346656037ull;
	while (off < len) {
		size_t piece = len - off, pos = 0;

		if (seed == 1) {
			piece = 1;
		} else if (seed) {
			x = x * 1103515245u + 12345u;
			piece = 1 + (x >> 16) % 97;
			if (piece > len - off)
				piece = len - off;
		}
		while (pos < piece) {
			size_t used = 99999999;
			int ret = fh_msg_reader_feed(r, p + off + pos,
						     piece - pos, &used);

			check(used <= piece - pos);
			check(ret == 0 || ret == 1 || ret == -EBADMSG ||
			      ret == -EMSGSIZE || ret == -EPERM ||
			      ret == -ENOMEM);
			if (ret == 0)
				check(used == piece - pos);
			else
				check(used > 0);
			pos += used;
			if (ret < 0) {
				run->error = true;
			} else if (ret == 1) {
				run->docs++;
				drain(r, run);
			} else {
				struct fh_msg_event ev;

				check(!fh_msg_reader_next(r, &ev));
			}
		}
		off += piece;
	}
	(void)fh_msg_reader_partial(r);
	fh_msg_reader_reset(r);
	check(!fh_msg_reader_partial(r));
	fh_msg_reader_free(r);
}

static void round_trip(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char *doc = malloc(8 * size + 256);
	struct fh_msg_reader *r = fh_msg_reader_new();
	struct fh_msg_event ev;
	size_t used = 0;
	int n;

	check(text && doc && r);
	memcpy(text, data, size);
	text[size] = '\0';
	n = fh_msg_build_log(doc, 8 * size + 256, text);
	if (n == -EINVAL)
		goto out;
	check(n > 0 && (size_t)n == strlen(doc));
	/* a too small buffer is -ENOSPC, never an overflow */
	check(fh_msg_build_log(doc, (size_t)n, text) == -ENOSPC);
	n = fh_msg_build_log(doc, (size_t)n + 1, text);
	check(n > 0);
	if ((size_t)n > FH_MSG_MAX_DOC)
		goto out;
	check(fh_msg_reader_feed(r, (const uint8_t *)doc, (size_t)n, &used) ==
	      1);
	check(used == (size_t)n);
	check(fh_msg_reader_next(r, &ev));
	check(ev.type == FH_MSG_EV_LOG);
	check(ev.value && strcmp(ev.value, text) == 0);
	check(!fh_msg_reader_next(r, &ev));
out:
	fh_msg_reader_free(r);
	free(doc);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, bytes, split;

	if (!size)
		return 0;
	run_stream(data + 1, size - 1, 0, &whole);
	run_stream(data + 1, size - 1, 1, &bytes);
	run_stream(data + 1, size - 1, 2 + data[0], &split);
	if (!whole.error && !bytes.error && !split.error) {
		check(whole.docs == bytes.docs && whole.docs == split.docs);
		check(whole.hash == bytes.hash && whole.hash == split.hash);
	}
	if (size < 4096)
		round_trip(data + 1, size - 1);
	return 0;
}
