// SPDX-License-Identifier: BSD-3-Clause
/*
 * What a Quectel module says during delta FOTA (docs/protocols.md, AT): the
 * +QIND: "FOTA" URCs and the answers of AT+QFLDS, AT+QFUPL and AT+QFLST.
 * Pure: no I/O. The simulator writes these lines; the host reads them.
 */
#include "wire/fota_msg.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Largest error code / percent we accept from a URC. */
#define FOTA_MSG_VALUE_MAX 99999

static const struct {
	const char *word;
	enum fota_msg_urc_kind kind;
} urc_words[] = {
	{ "HTTPSTART", FOTA_MSG_URC_HTTPSTART },
	{ "HTTPEND", FOTA_MSG_URC_HTTPEND },
	{ "FTPSTART", FOTA_MSG_URC_FTPSTART },
	{ "FTPEND", FOTA_MSG_URC_FTPEND },
	{ "START", FOTA_MSG_URC_START },
	{ "UPDATING", FOTA_MSG_URC_UPDATING },
	{ "RESTORE", FOTA_MSG_URC_RESTORE },
	{ "END", FOTA_MSG_URC_END },
};

/* Printed by a module that lost power mid-update, on its next boot. */
static const char continue_text[] =
	"Last upgrade was not finished,continue upgrade";

const char *fota_msg_urc_name(enum fota_msg_urc_kind kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(urc_words); i++)
		if (urc_words[i].kind == kind)
			return urc_words[i].word;
	return kind == FOTA_MSG_URC_CONTINUE ? "CONTINUE" : "OTHER";
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "45", "45%", " 7 %": the number, or -1 when malformed. */
static int parse_value(const char *s)
{
	long v = 0;
	int digits = 0;

	s = skip_spaces(s);
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		if (v > FOTA_MSG_VALUE_MAX)
			return -1;
		digits++;
	}
	s = skip_spaces(s);
	if (*s == '%')
		s = skip_spaces(s + 1);
	if (!digits || *s)
		return -1;
	return (int)v;
}

static bool is_pct_kind(enum fota_msg_urc_kind k)
{
	return k == FOTA_MSG_URC_UPDATING || k == FOTA_MSG_URC_RESTORE;
}

static bool has_value_kind(enum fota_msg_urc_kind k)
{
	return is_pct_kind(k) || k == FOTA_MSG_URC_END ||
	       k == FOTA_MSG_URC_HTTPEND || k == FOTA_MSG_URC_FTPEND;
}

static void classify(struct fota_msg_urc *u)
{
	u->kind = FOTA_MSG_URC_OTHER;
	if (!strcasecmp(u->word, continue_text)) {
		u->kind = FOTA_MSG_URC_CONTINUE;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(urc_words); i++)
		if (!strcasecmp(u->word, urc_words[i].word))
			u->kind = urc_words[i].kind;
}

int fota_msg_urc_parse(const char *line, struct fota_msg_urc *u)
{
	static const char head[] = "+QIND:";
	const char *p, *q;
	size_t n;

	p = skip_spaces(line);
	if (strncasecmp(p, head, sizeof(head) - 1))
		return 0;
	p = skip_spaces(p + sizeof(head) - 1);
	if (strncasecmp(p, "\"FOTA\"", 6))
		return 0;
	p = skip_spaces(p + 6);
	memset(u, 0, sizeof(*u));
	u->kind = FOTA_MSG_URC_OTHER;
	u->value = -1;
	if (*p != ',')
		return -EBADMSG;
	p = skip_spaces(p + 1);
	/* the word is quoted; the "continue" sentence contains a comma */
	if (*p != '"')
		return -EBADMSG;
	q = strchr(p + 1, '"');
	if (!q)
		return -EBADMSG;
	n = (size_t)(q - p - 1);
	if (n >= sizeof(u->word))
		n = sizeof(u->word) - 1;
	memcpy(u->word, p + 1, n);
	u->word[n] = '\0';
	classify(u);
	p = skip_spaces(q + 1);
	if (!*p)
		return has_value_kind(u->kind) ? -EBADMSG : 1;
	if (*p != ',')
		return -EBADMSG;
	u->value = parse_value(p + 1);
	if (u->value < 0 || (is_pct_kind(u->kind) && u->value > 100)) {
		u->value = -1;
		return -EBADMSG;
	}
	return 1;
}

/* Strict unsigned decimal; end gets the first byte after it. */
static int parse_u64(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	int digits = 0;

	s = skip_spaces(s);
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -EBADMSG;
		x = x * 10 + d;
		digits++;
	}
	if (!digits)
		return -EBADMSG;
	*v = x;
	*end = skip_spaces(s);
	return 0;
}

static const char *after_prefix(const char *line, const char *prefix)
{
	size_t n = strlen(prefix);

	line = skip_spaces(line);
	if (strncasecmp(line, prefix, n))
		return NULL;
	return skip_spaces(line + n);
}

int fota_msg_parse_qflds(const char *line, uint64_t *free_b, uint64_t *total_b)
{
	const char *p = after_prefix(line, "+QFLDS:");

	if (!p || parse_u64(p, free_b, &p) || *p != ',' ||
	    parse_u64(p + 1, total_b, &p) || *p || *free_b > *total_b)
		return -EBADMSG;
	return 0;
}

int fota_msg_parse_qfupl(const char *line, uint64_t *size, unsigned int *sum)
{
	const char *p = after_prefix(line, "+QFUPL:");
	char *end;
	unsigned long v;

	if (!p || parse_u64(p, size, &p) || *p != ',')
		return -EBADMSG;
	/* fwupd and the manuals print the checksum in hex */
	p = skip_spaces(p + 1);
	if (!isxdigit((unsigned char)*p))
		return -EBADMSG;
	v = strtoul(p, &end, 16);
	if (*skip_spaces(end) || v > 0xffff)
		return -EBADMSG;
	*sum = (unsigned int)v;
	return 0;
}

int fota_msg_parse_qflst(const char *line, char *name, size_t name_len,
			 uint64_t *size)
{
	const char *p = after_prefix(line, "+QFLST:"), *q;
	size_t n;

	if (!p || *p != '"')
		return -EBADMSG;
	q = strchr(p + 1, '"');
	if (!q)
		return -EBADMSG;
	n = (size_t)(q - p - 1);
	if (n >= name_len)
		return -EBADMSG;
	memcpy(name, p + 1, n);
	name[n] = '\0';
	p = skip_spaces(q + 1);
	if (*p != ',' || parse_u64(p + 1, size, &p) || *p)
		return -EBADMSG;
	return 0;
}
