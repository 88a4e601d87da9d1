// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the FOTA line parsers: the +QIND: "FOTA" URC and
 * the AT+QFLDS / AT+QFUPL / AT+QFLST answers. The first byte chooses the
 * name buffer size of QFLST; the rest is one AT line (as the AT reader
 * hands it out: NUL-terminated, at most AT_MSG_LINE_MAX bytes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/at_msg.h"
#include "wire/fota_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_urc(const char *line)
{
	struct fota_msg_urc u;
	int rc = fota_msg_urc_parse(line, &u);

	check(rc == 1 || rc == 0 || rc == -EBADMSG);
	if (rc == 0)
		return;
	check(memchr(u.word, '\0', sizeof(u.word)) != NULL);
	check(fota_msg_urc_name(u.kind) != NULL);
	check(u.kind >= FOTA_MSG_URC_HTTPSTART && u.kind <= FOTA_MSG_URC_OTHER);
	if (rc == -EBADMSG) {
		check(u.value == -1);
		return;
	}
	check(u.value >= -1);
	if (u.kind == FOTA_MSG_URC_UPDATING || u.kind == FOTA_MSG_URC_RESTORE)
		check(u.value >= 0 && u.value <= 100);
	if (u.kind == FOTA_MSG_URC_END)
		check(u.value >= 0);
}

static void check_replies(const char *line, size_t name_len)
{
	uint64_t a = 0, b = 0;
	unsigned int sum = 0;
	char name[256];
	int rc;

	rc = fota_msg_parse_qflds(line, &a, &b);
	check(rc == 0 || rc == -EBADMSG);
	check(rc || a <= b);
	rc = fota_msg_parse_qfupl(line, &a, &sum);
	check(rc == 0 || rc == -EBADMSG);
	check(rc || sum <= 0xffff);
	memset(name, 0x55, sizeof(name));
	rc = fota_msg_parse_qflst(line, name, name_len, &a);
	check(rc == 0 || rc == -EBADMSG);
	if (!rc)
		check(strlen(name) < name_len);
	/* nothing written past the buffer the caller gave */
	for (size_t i = name_len; i < sizeof(name); i++)
		check(name[i] == 0x55);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[AT_MSG_LINE_MAX + 1];
	size_t name_len;

	if (size < 1)
		return 0;
	name_len = 1 + data[0] % 200;
	data++;
	size--;
	if (size > AT_MSG_LINE_MAX)
		size = AT_MSG_LINE_MAX;
	memcpy(line, data, size);
	line[size] = '\0';
	check_urc(line);
	check_replies(line, name_len);
	return 0;
}
