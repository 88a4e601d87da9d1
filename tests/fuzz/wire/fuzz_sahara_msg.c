// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the Sahara decoder: decode, re-encode and compare
 * with the input bytes; every shorter prefix must ask for more (-EAGAIN);
 * names and the PK hash trim must stay in bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/sahara_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_packet(const uint8_t *data, size_t size)
{
	struct sahara_msg_pkt pkt, again;
	uint8_t out[SAHARA_MSG_MAX_PACKET];
	size_t i;
	int n, m;

	n = sahara_msg_decode(data, size, &pkt);
	check(n > 0 || n == -EAGAIN || n == -EPROTO || n == -EBADMSG);
	if (n == -EAGAIN) {
		check(size < SAHARA_MSG_HEADER_SIZE ||
		      size < sahara_msg_pkt_size(data[0] | data[1] << 8 |
						 data[2] << 16 |
						 (uint32_t)data[3] << 24));
		return;
	}
	if (n < 0)
		return;
	check((size_t)n <= size && (size_t)n <= SAHARA_MSG_MAX_PACKET &&
	      n >= SAHARA_MSG_HEADER_SIZE);
	check((size_t)n == sahara_msg_pkt_size(pkt.cmd) &&
	      pkt.length == (uint32_t)n);
	check(strcmp(sahara_msg_cmd_name(pkt.cmd), "UNKNOWN") != 0);
	/* every byte of the packet is a decoded field */
	m = sahara_msg_encode(&pkt, out, sizeof(out));
	check(m == n);
	check(memcmp(out, data, (size_t)n) == 0);
	check(sahara_msg_encode(&pkt, out, (size_t)n - 1) == -ENOSPC);
	check(sahara_msg_decode(out, (size_t)m, &again) == n);
	check(memcmp(&again, &pkt, sizeof(pkt)) == 0);
	for (i = 0; i < (size_t)n; i++)
		check(sahara_msg_decode(data, i, &again) == -EAGAIN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t t;

	check_packet(data, size);
	/* the same bytes as an OEM PK hash answer */
	t = sahara_msg_pkhash_trim(data, size);
	check(t == size || ((t == 32 || t == 48 || t == 64) && t <= size));
	if (size >= 4) {
		uint32_t v = data[0] | data[1] << 8 | data[2] << 16 |
			     (uint32_t)data[3] << 24;

		check(sahara_msg_status_name(v) != NULL &&
		      sahara_msg_cmd_name(v) != NULL);
	}
	return 0;
}
