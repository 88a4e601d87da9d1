// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the incremental HDLC decoder. The first input byte
 * seeds the chunk sizes the rest is fed in; the same stream is also fed in
 * one piece and byte by byte, and all three must yield the same results.
 * Every decoded frame must survive encode -> decode unchanged.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/diag_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 512

struct event {
	int ret;
	size_t len;
	uint16_t crc; /* of the frame, to compare cheaply */
};

struct run {
	struct event ev[MAX_EVENTS];
	size_t n;
};

static void check(int cond)
{
	if (!cond)
		abort();
}

/* Encode a decoded frame again and decode that: must be identical. */
static void check_reencode(const uint8_t *frame, size_t len)
{
	static uint8_t enc[2 * (DIAG_MSG_MAX_FRAME + 2) + 1];
	struct diag_msg_decoder *dec = malloc(sizeof(*dec));
	const uint8_t *back = NULL;
	size_t consumed = 0, back_len = 0;
	int n;

	check(dec != NULL);
	n = diag_msg_encode(frame, len, enc, sizeof(enc));
	check(n > 0 && (size_t)n <= diag_msg_encoded_max(len));
	check(enc[n - 1] == DIAG_MSG_FLAG);
	check(memchr(enc, DIAG_MSG_FLAG, (size_t)n - 1) == NULL);
	check(diag_msg_encode(frame, len, enc, (size_t)n - 1) == -ENOSPC);
	diag_msg_decoder_init(dec);
	check(diag_msg_decode_feed(dec, enc, (size_t)n, &consumed, &back,
				   &back_len) == 1);
	check(consumed == (size_t)n);
	check(back_len == len && memcmp(back, frame, len) == 0);
	free(dec);
}

/* Feed data in chunks (chunk 0 = all at once), recording every result. */
static void run_chunks(const uint8_t *data, size_t size, unsigned int seed,
		       struct run *r)
{
	struct diag_msg_decoder *dec = malloc(sizeof(*dec));
	size_t pos = 0;

	check(dec != NULL);
	diag_msg_decoder_init(dec);
	r->n = 0;
	while (pos < size) {
		size_t chunk = size - pos;
		const uint8_t *frame = NULL;
		size_t consumed = 0, frame_len = 0;
		int ret;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			chunk = 1 + (seed >> 16) % 64;
			if (seed & 0x100)
				chunk = 1;
			if (chunk > size - pos)
				chunk = size - pos;
		}
		ret = diag_msg_decode_feed(dec, data + pos, chunk, &consumed,
					   &frame, &frame_len);
		check(consumed <= chunk);
		check(ret == 0 || ret == 1 || ret == -EBADMSG ||
		      ret == -EMSGSIZE);
		check(ret != 0 || consumed == chunk);
		check(ret == 0 || consumed > 0);
		pos += consumed;
		if (ret == 0)
			continue;
		/* the flag ending a frame is its last consumed byte */
		check(data[pos - 1] == DIAG_MSG_FLAG);
		if (r->n < MAX_EVENTS) {
			r->ev[r->n].ret = ret;
			r->ev[r->n].len = ret == 1 ? frame_len : 0;
			r->ev[r->n].crc =
				ret == 1 ? diag_msg_crc16(frame, frame_len) : 0;
			r->n++;
		}
		if (ret == 1) {
			check(frame_len + 2 <= DIAG_MSG_MAX_FRAME);
			check_reencode(frame, frame_len);
		}
	}
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, split;
	unsigned int seed;
	size_t i;

	if (size < 1)
		return 0;
	seed = data[0] | 1u;
	data++;
	size--;
	run_chunks(data, size, 0, &whole);
	run_chunks(data, size, seed, &split);
	check(whole.n == split.n &&
	      memcmp(whole.ev, split.ev, whole.n * sizeof(whole.ev[0])) == 0);
	/* byte by byte is the slow tty case; bounded to keep the fuzzer fast */
	if (size <= 2048) {
		struct diag_msg_decoder *dec = malloc(sizeof(*dec));
		size_t n = 0;

		check(dec != NULL);
		diag_msg_decoder_init(dec);
		for (i = 0; i < size; i++) {
			const uint8_t *frame = NULL;
			size_t consumed = 0, frame_len = 0;
			int ret = diag_msg_decode_feed(dec, data + i, 1,
						       &consumed, &frame,
						       &frame_len);

			check(consumed == 1);
			if (ret == 0)
				continue;
			check(n < whole.n || n >= MAX_EVENTS);
			if (n < MAX_EVENTS) {
				check(whole.ev[n].ret == ret);
				if (ret == 1)
					check(whole.ev[n].len == frame_len &&
					      whole.ev[n].crc ==
						      diag_msg_crc16(
							      frame,
							      frame_len));
			}
			n++;
		}
		check(n == whole.n || whole.n == MAX_EVENTS);
		free(dec);
	}
	return 0;
}
