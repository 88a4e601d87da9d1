// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the AT line reader. Input: one flag byte (bit 0:
 * ACK mode, bit 1: expect the first line as echo), then the module's
 * output. It is fed in one piece, byte by byte and in pseudo-random pieces;
 * the reader works byte by byte, so all three transcripts (results, line
 * types, texts, codes) must be identical. The QFUPL checksum must not
 * depend on how its input is split either.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/at_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

static void mix(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ull;
	}
}

static void check_line(const struct at_msg_line *l)
{
	size_t i;

	check(l->text != NULL && strlen(l->text) == l->len);
	check(l->len > 0 && l->len <= AT_MSG_LINE_MAX);
	for (i = 0; i < l->len; i++)
		check(l->text[i] != '\r' && l->text[i] != '\n');
	check(l->type >= AT_MSG_LINE_INFO && l->type <= AT_MSG_LINE_URC);
	if (l->type == AT_MSG_LINE_CME_ERROR ||
	    l->type == AT_MSG_LINE_CMS_ERROR)
		check(l->code >= -1 && l->code <= 65535);
	else
		check(l->code == -1);
	if (l->type == AT_MSG_LINE_ACK)
		check(l->len == 1 && l->text[0] == 'A');
	if (l->type == AT_MSG_LINE_URC)
		check(at_msg_is_urc(l->text));
	(void)at_msg_line_is_final(l->type);
}

static uint64_t run(const uint8_t *p, size_t len, uint8_t flags,
		    const char *echo, unsigned int seed)
{
	struct at_msg_reader *r = malloc(sizeof(*r));
	unsigned int x = seed * 2654435761u + 1;
	uint64_t h = 14695981039346656037ull;
	size_t off = 0;

	check(r != NULL);
	at_msg_reader_init(r);
	at_msg_reader_set_ack_mode(r, flags & 1);
	if (flags & 2)
		at_msg_reader_expect_echo(r, echo);
	while (off < len) {
		size_t piece = len - off, pos = 0;

		if (seed == 1) {
			piece = 1;
		} else if (seed) {
			x = x * 1103515245u + 12345u;
			piece = 1 + (x >> 16) % 67;
			if (piece > len - off)
				piece = len - off;
		}
		while (pos < piece) {
			struct at_msg_line line;
			size_t used = 0;
			int ret = at_msg_reader_feed(r, p + off + pos,
						     piece - pos, &used, &line);

			check(used > 0 && used <= piece - pos);
			check(ret == 0 || ret == 1 || ret == -EMSGSIZE);
			if (ret == 0)
				check(used == piece - pos);
			pos += used;
			if (ret) /* how often 0 comes depends on the split */
				mix(&h, &ret, sizeof(ret));
			if (ret == 1) {
				check_line(&line);
				mix(&h, &line.type, sizeof(line.type));
				mix(&h, &line.code, sizeof(line.code));
				mix(&h, line.text, line.len + 1);
			}
		}
		off += piece;
	}
	free(r);
	return h;
}

static uint16_t qfupl(const uint8_t *p, size_t len, unsigned int seed)
{
	struct at_msg_qfupl_sum s;
	unsigned int x = seed;
	size_t off = 0;

	at_msg_qfupl_sum_init(&s);
	while (off < len) {
		size_t piece =
			seed ? 1 + (x = x * 1103515245u + 12345u) % 5 : len;

		if (piece > len - off)
			piece = len - off;
		at_msg_qfupl_sum_update(&s, p + off, piece);
		off += piece;
	}
	return at_msg_qfupl_sum_final(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char echo[AT_MSG_LINE_MAX + 1];
	const uint8_t *p = data + 1;
	size_t len, n;
	uint64_t h;

	if (!size)
		return 0;
	len = size - 1;
	/* the echo is the input's first line (as the module would repeat it) */
	for (n = 0; n < len && n < AT_MSG_LINE_MAX && p[n] != '\r' &&
		    p[n] != '\n' && p[n];
	     n++)
		echo[n] = (char)p[n];
	echo[n] = '\0';

	h = run(p, len, data[0], echo, 0);
	check(run(p, len, data[0], echo, 1) == h);
	check(run(p, len, data[0], echo, 2 + data[0]) == h);
	check(qfupl(p, len, 0) == qfupl(p, len, 1 + data[0]));
	return 0;
}
