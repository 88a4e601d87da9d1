// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the delta header codec. The input is a whole delta
 * file. A header that parses must build back to the same bytes; the host's
 * view (the first FOTA_DELTA_HEAD_MAX bytes) and the module's view (the
 * whole file) must agree; framing and full parse must agree.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/delta_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD_MAX 512 /* what the host reads (ops/fota.h) */

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct delta_msg_header whole, head;
	uint8_t back[DELTA_MSG_HDR];
	uint64_t plen = 0;
	int rc, frame;

	rc = delta_msg_parse(data, size, size, &whole);
	check(rc == 0 || rc == -EBADMSG);
	check(rc == 0 || !whole.known);
	check(delta_msg_parse(data, size < HEAD_MAX ? size : HEAD_MAX, size,
			      &head) == rc);
	check(!memcmp(&head, &whole, sizeof(head)));
	frame = delta_msg_frame(data, size, size, &plen);
	check(frame == 1 || frame == 0 || frame == -EBADMSG);
	/* not ours for the parser exactly when not ours for the framing */
	check((frame == 0) == (rc == 0 && !whole.known));
	if (!whole.known)
		return 0;
	check(frame == 1 && plen == whole.payload_len);
	check(delta_msg_digest_off(plen) + DELTA_MSG_SHA == size);
	check(strlen(whole.profile) >= 1 &&
	      strlen(whole.profile) <= DELTA_MSG_NAME);
	check(strlen(whole.from) >= 1 && strlen(whole.from) <= DELTA_MSG_REV);
	check(strlen(whole.to) >= 1 && strlen(whole.to) <= DELTA_MSG_REV);
	check(delta_msg_build(&whole, back, sizeof(back)) == DELTA_MSG_HDR);
	check(!memcmp(back, data, DELTA_MSG_HDR));
	return 0;
}
