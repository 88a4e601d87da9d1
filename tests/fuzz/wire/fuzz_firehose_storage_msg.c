// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the <getstorageinfo> JSON parser. The input is the
 * log text as the Firehose reader hands it out (NUL-terminated, at most
 * one FH_MSG_MAX_DOC). A text that parses has sane sizes and terminated
 * strings; parsing twice gives the same result.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/firehose_msg.h"
#include "wire/firehose_storage_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

static int pow2_or_0(uint64_t v)
{
	return (v & (v - 1)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[FH_MSG_MAX_DOC + 1];
	struct fh_msg_storage_info a, b;
	int rc;

	if (size > FH_MSG_MAX_DOC)
		size = FH_MSG_MAX_DOC;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = fh_msg_parse_storage_info(text, &a);
	check(rc == 0 || rc == -EBADMSG);
	check(fh_msg_parse_storage_info(text, &b) == rc);
	check(!memcmp(&a, &b, sizeof(a)));
	if (rc)
		return 0;
	check(pow2_or_0(a.block_size) && a.block_size <= (1u << 30));
	check(pow2_or_0(a.page_size) && a.page_size <= (1u << 20));
	check(a.num_physical <= 64);
	check(memchr(a.fw_version, '\0', sizeof(a.fw_version)) != NULL);
	check(memchr(a.mem_type, '\0', sizeof(a.mem_type)) != NULL);
	check(memchr(a.prod_name, '\0', sizeof(a.prod_name)) != NULL);
	return 0;
}
