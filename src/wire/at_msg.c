// SPDX-License-Identifier: BSD-3-Clause
/*
 * AT line reader (docs/protocols.md, AT): splits the module's output into lines
 * and classifies them; plus the AT+QFUPL checksum.
 */
#include "wire/at_msg.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* Largest +CME/+CMS ERROR number accepted; beyond it the code is -1. */
#define AT_ERR_CODE_MAX 65535

/* Unsolicited result codes: whole lines, or prefixes ending in ':'. */
static const char *const at_msg_urc_exact[] = {
	"RDY",
	"APP RDY",
	"RING",
	"POWERED DOWN",
	"NORMAL POWER DOWN",
	"UNDER_VOLTAGE POWER DOWN",
	"UNDER_VOLTAGE WARNING",
	"OVER_VOLTAGE POWER DOWN",
	"OVER_VOLTAGE WARNING",
	"OVER_TEMPERATURE POWER DOWN",
};

static const char *const at_msg_urc_prefix[] = {
	"+QIND:",    "+CFUN:",	"+CPIN:",     "+QUSIM:",	 "+QFOTADL:",
	"+QGPSURC:", "+QIURC:", "+QSIMSTAT:", "+QNETDEVSTATUS:", "+CREG:",
	"+CGREG:",   "+CEREG:", "+CGEV:",     "+CMTI:",		 "+CMT:",
	"+CDS:",     "+CRING:", "+CUSD:",     "+QPSMTIMER:",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void at_msg_reader_init(struct at_msg_reader *r)
{
	memset(r, 0, sizeof(*r));
}

static bool at_msg_name_char(char c)
{
	return isalnum((unsigned char)c) != 0;
}

void at_msg_reader_expect_echo(struct at_msg_reader *r, const char *cmd)
{
	size_t n = strlen(cmd), i, j;

	/* the echo is compared without the line ending we sent */
	while (n && (cmd[n - 1] == '\r' || cmd[n - 1] == '\n'))
		n--;
	if (n > AT_MSG_LINE_MAX)
		n = AT_MSG_LINE_MAX;
	memcpy(r->echo, cmd, n);
	r->echo[n] = '\0';

	r->prefix[0] = '\0';
	if (n < 3 || toupper((unsigned char)cmd[0]) != 'A' ||
	    toupper((unsigned char)cmd[1]) != 'T' || cmd[2] != '+')
		return;
	r->prefix[0] = '+';
	for (i = 3, j = 1;
	     i < n && at_msg_name_char(cmd[i]) && j < sizeof(r->prefix) - 1;
	     i++)
		r->prefix[j++] = (char)toupper((unsigned char)cmd[i]);
	r->prefix[j] = '\0';
	if (j == 1)
		r->prefix[0] = '\0';
}

void at_msg_reader_set_ack_mode(struct at_msg_reader *r, bool on)
{
	r->ack_mode = on;
}

static bool starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

bool at_msg_is_urc(const char *text)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at_msg_urc_exact); i++)
		if (!strcmp(text, at_msg_urc_exact[i]))
			return true;
	for (i = 0; i < ARRAY_SIZE(at_msg_urc_prefix); i++)
		if (starts_with(text, at_msg_urc_prefix[i]))
			return true;
	return false;
}

bool at_msg_line_is_final(enum at_msg_line_type type)
{
	switch (type) {
	case AT_MSG_LINE_OK:
	case AT_MSG_LINE_ERROR:
	case AT_MSG_LINE_CME_ERROR:
	case AT_MSG_LINE_CMS_ERROR:
	case AT_MSG_LINE_NO_CARRIER:
		return true;
	default:
		return false;
	}
}

/* "<digits>" with optional surrounding blanks; -1 when not a number in range. */
static int at_msg_err_code(const char *s)
{
	long v = 0;

	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s - '0');
		if (v > AT_ERR_CODE_MAX)
			return -1;
		s++;
	}
	while (*s == ' ')
		s++;
	return *s ? -1 : (int)v;
}

/* Does text answer the pending command ("+CFUN: 1" after AT+CFUN?)? */
static bool at_msg_answers_pending(const struct at_msg_reader *r,
				   const char *text)
{
	size_t n = strlen(r->prefix);

	return n && !strncmp(text, r->prefix, n) && text[n] == ':';
}

static void at_msg_classify(struct at_msg_reader *r, struct at_msg_line *line)
{
	const char *t = r->line;

	line->code = -1;
	if (r->echo[0] && !strcmp(t, r->echo)) {
		line->type = AT_MSG_LINE_ECHO;
		r->echo[0] = '\0';
	} else if (!strcmp(t, "OK")) {
		line->type = AT_MSG_LINE_OK;
	} else if (!strcmp(t, "ERROR")) {
		line->type = AT_MSG_LINE_ERROR;
	} else if (starts_with(t, "+CME ERROR:")) {
		line->type = AT_MSG_LINE_CME_ERROR;
		line->code = at_msg_err_code(t + strlen("+CME ERROR:"));
	} else if (starts_with(t, "+CMS ERROR:")) {
		line->type = AT_MSG_LINE_CMS_ERROR;
		line->code = at_msg_err_code(t + strlen("+CMS ERROR:"));
	} else if (!strcmp(t, "NO CARRIER")) {
		line->type = AT_MSG_LINE_NO_CARRIER;
	} else if (!strcmp(t, "CONNECT") || starts_with(t, "CONNECT ")) {
		line->type = AT_MSG_LINE_CONNECT;
	} else if (at_msg_answers_pending(r, t)) {
		line->type = AT_MSG_LINE_INFO;
	} else if (at_msg_is_urc(t)) {
		line->type = AT_MSG_LINE_URC;
	} else {
		line->type = AT_MSG_LINE_INFO;
	}
}

static void at_msg_emit(struct at_msg_reader *r, struct at_msg_line *line)
{
	memcpy(r->line, r->buf, r->len);
	r->line[r->len] = '\0';
	line->text = r->line;
	line->len = r->len;
	r->len = 0;
	at_msg_classify(r, line);
}

int at_msg_reader_feed(struct at_msg_reader *r, const uint8_t *in, size_t len,
		       size_t *consumed, struct at_msg_line *line)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (c == '\r' || c == '\n') {
			if (r->overflow) {
				/* the end of a line already reported too long */
				r->overflow = false;
				r->len = 0;
				continue;
			}
			if (!r->len)
				continue; /* empty line, or LF of CRLF */
			at_msg_emit(r, line);
			*consumed = i + 1;
			return 1;
		}
		/* a NUL would cut the C string the line is handed out as */
		if (r->overflow || c == '\0')
			continue;
		if (r->ack_mode && !r->len && c == 'A') {
			r->buf[0] = 'A';
			r->len = 1;
			at_msg_emit(r, line);
			line->type = AT_MSG_LINE_ACK;
			*consumed = i + 1;
			return 1;
		}
		if (r->len >= AT_MSG_LINE_MAX) {
			r->overflow = true;
			r->len = 0;
			*consumed = i + 1;
			return -EMSGSIZE;
		}
		r->buf[r->len++] = (char)c;
	}
	*consumed = len;
	return 0;
}

void at_msg_qfupl_sum_init(struct at_msg_qfupl_sum *s)
{
	memset(s, 0, sizeof(*s));
}

void at_msg_qfupl_sum_update(struct at_msg_qfupl_sum *s, const uint8_t *buf,
			     size_t len)
{
	size_t i = 0;

	if (len && s->odd) {
		s->sum ^= (uint16_t)(s->pending << 8 | buf[0]);
		s->odd = false;
		i = 1;
	}
	for (; i + 1 < len; i += 2)
		s->sum ^= (uint16_t)(buf[i] << 8 | buf[i + 1]);
	if (i < len) {
		s->pending = buf[i];
		s->odd = true;
	}
}

uint16_t at_msg_qfupl_sum_final(const struct at_msg_qfupl_sum *s)
{
	return s->odd ? (uint16_t)(s->sum ^ (s->pending << 8)) : s->sum;
}
