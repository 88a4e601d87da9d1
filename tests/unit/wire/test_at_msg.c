// SPDX-License-Identifier: BSD-3-Clause
/*
 * AT line reader on the real answers of docs/protocols.md, AT and the bytes of
 * the fwupd EG25-GC emulation (tests/fixtures/real/usb).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/at_msg.h"

#ifndef MF_FIXTURES
#define MF_FIXTURES "tests/fixtures/real"
#endif

#define MAX_LINES 64

struct got {
	size_t n;
	int ret[MAX_LINES];
	enum at_msg_line_type type[MAX_LINES];
	char text[MAX_LINES][AT_MSG_LINE_MAX + 1];
	int code[MAX_LINES];
};

/* Feed len bytes in pieces of step bytes, collecting every result. */
static void feed_all(struct at_msg_reader *r, const void *data, size_t len,
		     size_t step, struct got *g)
{
	const uint8_t *p = data;
	size_t off = 0;

	while (off < len) {
		size_t piece = len - off < step ? len - off : step;
		size_t pos = 0;

		while (pos < piece) {
			struct at_msg_line line;
			size_t used = 0;
			int ret = at_msg_reader_feed(r, p + off + pos,
						     piece - pos, &used, &line);

			assert_true(used > 0 && used <= piece - pos);
			pos += used;
			if (ret == 0)
				continue;
			assert_true(g->n < MAX_LINES);
			g->ret[g->n] = ret;
			if (ret == 1) {
				g->type[g->n] = line.type;
				assert_int_equal(strlen(line.text), line.len);
				snprintf(g->text[g->n], sizeof(g->text[0]),
					 "%s", line.text);
				g->code[g->n] = line.code;
			}
			g->n++;
		}
		off += piece;
	}
}

static void expect_line(const struct got *g, size_t i,
			enum at_msg_line_type type, const char *text)
{
	assert_true(i < g->n);
	assert_int_equal(g->ret[i], 1);
	assert_int_equal(g->type[i], type);
	assert_string_equal(g->text[i], text);
}

static const size_t steps[] = { 1, 2, 3, 7, 1000 };
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static void test_ati_bg95(void **state)
{
	static const char s[] = "ATI\r\r\nQuectel\r\nBG95-M3\r\nRevision: "
				"BG95M3LAR02A03\r\n\r\nOK\r\n";
	size_t k;

	(void)state;
	for (k = 0; k < NSTEPS; k++) {
		struct at_msg_reader r;
		struct got g = { 0 };

		at_msg_reader_init(&r);
		at_msg_reader_expect_echo(&r, "ATI\r");
		feed_all(&r, s, strlen(s), steps[k], &g);
		assert_int_equal(g.n, 5);
		expect_line(&g, 0, AT_MSG_LINE_ECHO, "ATI");
		expect_line(&g, 1, AT_MSG_LINE_INFO, "Quectel");
		expect_line(&g, 2, AT_MSG_LINE_INFO, "BG95-M3");
		expect_line(&g, 3, AT_MSG_LINE_INFO,
			    "Revision: BG95M3LAR02A03");
		expect_line(&g, 4, AT_MSG_LINE_OK, "OK");
		assert_true(at_msg_line_is_final(g.type[4]));
		assert_false(at_msg_line_is_final(g.type[3]));
	}
}

static void test_qgmr(void **state)
{
	static const char s[] =
		"\r\nBG95M3LAR02A03_01.204.01.204\r\n\r\nOK\r\n";
	struct at_msg_reader r;
	struct got g = { 0 };

	(void)state;
	at_msg_reader_init(&r);
	at_msg_reader_expect_echo(&r, "AT+QGMR");
	feed_all(&r, s, strlen(s), 1000, &g);
	assert_int_equal(g.n, 2);
	expect_line(&g, 0, AT_MSG_LINE_INFO, "BG95M3LAR02A03_01.204.01.204");
	expect_line(&g, 1, AT_MSG_LINE_OK, "OK");
}

/* DFOTA progress arrives as +QIND URCs while AT+QFOTADL is pending. */
static void test_fota_urcs(void **state)
{
	static const char s[] =
		"AT+QFOTADL=\"/data/ufs/dfota_update.bin\"\r\r\nOK\r\n"
		"\r\n+QIND: \"FOTA\",\"START\"\r\n"
		"\r\n+QIND: \"FOTA\",\"UPDATING\",7%\r\n"
		"\r\n+QIND: \"FOTA\",\"UPDATING\",96\r\n"
		"\r\n+QIND: \"FOTA\",\"END\",0\r\n";
	size_t k;

	(void)state;
	for (k = 0; k < NSTEPS; k++) {
		struct at_msg_reader r;
		struct got g = { 0 };

		at_msg_reader_init(&r);
		at_msg_reader_expect_echo(
			&r, "AT+QFOTADL=\"/data/ufs/dfota_update.bin\"");
		feed_all(&r, s, strlen(s), steps[k], &g);
		assert_int_equal(g.n, 6);
		expect_line(&g, 0, AT_MSG_LINE_ECHO,
			    "AT+QFOTADL=\"/data/ufs/dfota_update.bin\"");
		expect_line(&g, 1, AT_MSG_LINE_OK, "OK");
		expect_line(&g, 2, AT_MSG_LINE_URC,
			    "+QIND: \"FOTA\",\"START\"");
		expect_line(&g, 3, AT_MSG_LINE_URC,
			    "+QIND: \"FOTA\",\"UPDATING\",7%");
		expect_line(&g, 4, AT_MSG_LINE_URC,
			    "+QIND: \"FOTA\",\"UPDATING\",96");
		expect_line(&g, 5, AT_MSG_LINE_URC,
			    "+QIND: \"FOTA\",\"END\",0");
	}
}

/* AT+QFUPL in ACK mode: CONNECT, one 'A' per KiB, then the summary. */
static void test_qfupl_session(void **state)
{
	static const char s[] =
		"AT+QFUPL=\"dfota_update.bin\",3000,5,1\r\r\nCONNECT\r\n"
		"AAA"
		"\r\n+QFUPL: 3000,3b2a\r\n\r\nOK\r\n";
	struct at_msg_reader r;
	struct got g = { 0 };
	size_t used;
	struct at_msg_line line;
	size_t off = 0;

	(void)state;
	at_msg_reader_init(&r);
	at_msg_reader_expect_echo(&r, "AT+QFUPL=\"dfota_update.bin\",3000,5,1");
	/* echo and CONNECT before ack mode is on */
	assert_int_equal(at_msg_reader_feed(&r, (const uint8_t *)s, strlen(s),
					    &used, &line),
			 1);
	assert_int_equal(line.type, AT_MSG_LINE_ECHO);
	off += used;
	assert_int_equal(at_msg_reader_feed(&r, (const uint8_t *)s + off,
					    strlen(s) - off, &used, &line),
			 1);
	assert_int_equal(line.type, AT_MSG_LINE_CONNECT);
	assert_string_equal(line.text, "CONNECT");
	assert_false(at_msg_line_is_final(line.type));
	off += used;
	at_msg_reader_set_ack_mode(&r, true);
	feed_all(&r, s + off, strlen(s) - off, 1, &g);
	assert_int_equal(g.n, 5);
	expect_line(&g, 0, AT_MSG_LINE_ACK, "A");
	expect_line(&g, 1, AT_MSG_LINE_ACK, "A");
	expect_line(&g, 2, AT_MSG_LINE_ACK, "A");
	expect_line(&g, 3, AT_MSG_LINE_INFO, "+QFUPL: 3000,3b2a");
	expect_line(&g, 4, AT_MSG_LINE_OK, "OK");
}

static void test_connect_text_and_finals(void **state)
{
	static const char s[] =
		"CONNECT 115200\r\nNO CARRIER\r\nERROR\r\n+CME ERROR: 425\r\n"
		"+CMS ERROR: 500\r\n+CME ERROR: 99999999\r\n+CME ERROR: SIM "
		"not inserted\r\n"
		"+CME ERROR: \r\nCONNECTED\r\n";
	struct at_msg_reader r;
	struct got g = { 0 };

	(void)state;
	at_msg_reader_init(&r);
	feed_all(&r, s, strlen(s), 5, &g);
	assert_int_equal(g.n, 9);
	expect_line(&g, 0, AT_MSG_LINE_CONNECT, "CONNECT 115200");
	expect_line(&g, 1, AT_MSG_LINE_NO_CARRIER, "NO CARRIER");
	assert_true(at_msg_line_is_final(g.type[1]));
	expect_line(&g, 2, AT_MSG_LINE_ERROR, "ERROR");
	assert_int_equal(g.code[2], -1);
	expect_line(&g, 3, AT_MSG_LINE_CME_ERROR, "+CME ERROR: 425");
	assert_int_equal(g.code[3], 425);
	assert_true(at_msg_line_is_final(g.type[3]));
	expect_line(&g, 4, AT_MSG_LINE_CMS_ERROR, "+CMS ERROR: 500");
	assert_int_equal(g.code[4], 500);
	assert_true(at_msg_line_is_final(g.type[4]));
	expect_line(&g, 5, AT_MSG_LINE_CME_ERROR, "+CME ERROR: 99999999");
	assert_int_equal(g.code[5], -1);
	expect_line(&g, 6, AT_MSG_LINE_CME_ERROR,
		    "+CME ERROR: SIM not inserted");
	assert_int_equal(g.code[6], -1);
	expect_line(&g, 7, AT_MSG_LINE_CME_ERROR, "+CME ERROR: ");
	assert_int_equal(g.code[7], -1);
	expect_line(&g, 8, AT_MSG_LINE_INFO, "CONNECTED");
}

/* Boot after AT+CFUN=1,1: OK, then URCs; CR-only and LF-only endings too. */
static void test_boot_urcs(void **state)
{
	static const char s[] = "AT+CFUN=1,1\r\r\nOK\r\n\r\nRDY\r\rAPP "
				"RDY\n\n+CPIN: READY\r\n+QUSIM: 1\r\n"
				"+CFUN: 1\r\n+QIND: SMS DONE\r\n+QIND: PB "
				"DONE\r\nPOWERED DOWN\r\n";
	size_t k;

	(void)state;
	for (k = 0; k < NSTEPS; k++) {
		struct at_msg_reader r;
		struct got g = { 0 };
		size_t i;

		at_msg_reader_init(&r);
		at_msg_reader_expect_echo(&r, "AT+CFUN=1,1");
		feed_all(&r, s, strlen(s), steps[k], &g);
		assert_int_equal(g.n, 10);
		expect_line(&g, 0, AT_MSG_LINE_ECHO, "AT+CFUN=1,1");
		expect_line(&g, 1, AT_MSG_LINE_OK, "OK");
		expect_line(&g, 2, AT_MSG_LINE_URC, "RDY");
		expect_line(&g, 3, AT_MSG_LINE_URC, "APP RDY");
		expect_line(&g, 4, AT_MSG_LINE_URC, "+CPIN: READY");
		expect_line(&g, 5, AT_MSG_LINE_URC, "+QUSIM: 1");
		/* "+CFUN: 1" starts with the pending command's name: an answer */
		expect_line(&g, 6, AT_MSG_LINE_INFO, "+CFUN: 1");
		for (i = 7; i < 9; i++)
			assert_int_equal(g.type[i], AT_MSG_LINE_URC);
		expect_line(&g, 9, AT_MSG_LINE_URC, "POWERED DOWN");
	}
}

static void test_prefix_makes_info(void **state)
{
	struct at_msg_reader r;
	struct got g = { 0 };
	static const char s1[] = "+CFUN: 1\r\nOK\r\n";
	static const char s2[] = "+QCFGEXT: \"disusb\",0\r\n+CFUN: 1\r\nOK\r\n";

	(void)state;
	at_msg_reader_init(&r);
	feed_all(&r, s1, strlen(s1), 100, &g);
	expect_line(&g, 0, AT_MSG_LINE_URC, "+CFUN: 1"); /* nothing pending */

	memset(&g, 0, sizeof(g));
	at_msg_reader_expect_echo(&r, "at+cfun?");
	feed_all(&r, s1, strlen(s1), 100, &g);
	expect_line(&g, 0, AT_MSG_LINE_INFO, "+CFUN: 1");

	memset(&g, 0, sizeof(g));
	at_msg_reader_expect_echo(&r, "AT+QCFGEXT=\"disusb\"");
	feed_all(&r, s2, strlen(s2), 100, &g);
	expect_line(&g, 0, AT_MSG_LINE_INFO, "+QCFGEXT: \"disusb\",0");
	expect_line(&g, 1, AT_MSG_LINE_URC, "+CFUN: 1");
	expect_line(&g, 2, AT_MSG_LINE_OK, "OK");
}

static void test_overlong_line(void **state)
{
	char s[AT_MSG_LINE_MAX * 3];
	struct at_msg_reader r;
	struct got g = { 0 };
	size_t n = 0;

	(void)state;
	memset(s, 'x', AT_MSG_LINE_MAX + 10);
	n = AT_MSG_LINE_MAX + 10;
	memcpy(s + n, "\r\nOK\r\n", 6);
	n += 6;
	memset(s + n, 'y', AT_MSG_LINE_MAX);
	n += AT_MSG_LINE_MAX;
	memcpy(s + n, "\r\n", 2);
	n += 2;
	at_msg_reader_init(&r);
	feed_all(&r, s, n, 300, &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.ret[0], -EMSGSIZE);
	expect_line(&g, 1, AT_MSG_LINE_OK, "OK");
	/* exactly AT_MSG_LINE_MAX is still a line */
	assert_int_equal(g.ret[2], 1);
	assert_int_equal(strlen(g.text[2]), AT_MSG_LINE_MAX);
}

static void test_is_urc_table(void **state)
{
	(void)state;
	assert_true(at_msg_is_urc("RDY"));
	assert_true(at_msg_is_urc("APP RDY"));
	assert_true(at_msg_is_urc("+QIND: SMS DONE"));
	assert_true(at_msg_is_urc("+QFOTADL: \"FOTA\",\"END\",0"));
	assert_true(at_msg_is_urc("+QGPSURC: \"xtradata\""));
	assert_true(at_msg_is_urc("POWERED DOWN"));
	assert_false(at_msg_is_urc("RDYX"));
	assert_false(at_msg_is_urc("OK"));
	assert_false(at_msg_is_urc("Quectel"));
	assert_false(at_msg_is_urc("+QFUPL: 3000,3b2a"));
	assert_false(at_msg_is_urc(""));
}

static void test_qfupl_sum(void **state)
{
	static const uint8_t b3[] = { 0x01, 0x02, 0x03 };
	static const uint8_t b4[] = { 0x12, 0x34, 0xab, 0xcd };
	struct at_msg_qfupl_sum s;
	size_t i;

	(void)state;
	at_msg_qfupl_sum_init(&s);
	assert_int_equal(at_msg_qfupl_sum_final(&s), 0x0000);
	at_msg_qfupl_sum_update(&s, b3, 3);
	/* 0x0102 ^ 0x0300 */
	assert_int_equal(at_msg_qfupl_sum_final(&s), 0x0202);

	at_msg_qfupl_sum_init(&s);
	at_msg_qfupl_sum_update(&s, b4, 4);
	/* 0x1234 ^ 0xabcd */
	assert_int_equal(at_msg_qfupl_sum_final(&s), 0xb9f9);

	/* split at every byte, with empty updates in between */
	at_msg_qfupl_sum_init(&s);
	for (i = 0; i < 3; i++) {
		at_msg_qfupl_sum_update(&s, b3 + i, 1);
		at_msg_qfupl_sum_update(&s, b3, 0);
	}
	assert_int_equal(at_msg_qfupl_sum_final(&s), 0x0202);
	/* final does not consume: continuing gives 0x0102 ^ 0x0312 ^ 0x3400 */
	at_msg_qfupl_sum_update(&s, b4, 2);
	assert_int_equal(at_msg_qfupl_sum_final(&s), 0x0102 ^ 0x0312 ^ 0x3400);
	assert_int_equal(0x0102 ^ 0x0312 ^ 0x3400, 0x3610);
}

/* The echo may come after a URC; once seen, the same text is plain INFO. */
static void test_echo_order(void **state)
{
	static const char s[] = "RDY\r\nAT+QFLST=\"*\"\r\r\n+QFLST: "
				"\"UFS:dfota_update.bin\",3000\r\n"
				"\r\nOK\r\nAT+QFLST=\"*\"\r\nA\r\n";
	struct at_msg_reader r;
	struct got g = { 0 };

	(void)state;
	at_msg_reader_init(&r);
	at_msg_reader_expect_echo(&r, "AT+QFLST=\"*\"\r\n");
	feed_all(&r, s, strlen(s), 4, &g);
	assert_int_equal(g.n, 6);
	expect_line(&g, 0, AT_MSG_LINE_URC, "RDY");
	expect_line(&g, 1, AT_MSG_LINE_ECHO, "AT+QFLST=\"*\"");
	expect_line(&g, 2, AT_MSG_LINE_INFO,
		    "+QFLST: \"UFS:dfota_update.bin\",3000");
	expect_line(&g, 3, AT_MSG_LINE_OK, "OK");
	expect_line(&g, 4, AT_MSG_LINE_INFO, "AT+QFLST=\"*\"");
	/* not in ACK mode: a lone A is just text */
	expect_line(&g, 5, AT_MSG_LINE_INFO, "A");
}

static void test_prefix_derivation(void **state)
{
	char big[AT_MSG_LINE_MAX * 2];
	struct at_msg_reader r;

	(void)state;
	at_msg_reader_init(&r);
	at_msg_reader_expect_echo(&r, "at+cfun?");
	assert_string_equal(r.prefix, "+CFUN");
	assert_string_equal(r.echo, "at+cfun?");
	at_msg_reader_expect_echo(&r, "AT+QCFGEXT=\"disusb\"");
	assert_string_equal(r.prefix, "+QCFGEXT");
	at_msg_reader_expect_echo(&r, "ATI");
	assert_string_equal(r.prefix, "");
	at_msg_reader_expect_echo(&r, "AT+");
	assert_string_equal(r.prefix, "");
	at_msg_reader_expect_echo(&r, "");
	assert_string_equal(r.echo, "");
	/* overlong commands and names are cut, never overflow */
	memset(big, 'Q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "AT+", 3);
	at_msg_reader_expect_echo(&r, big);
	assert_int_equal(strlen(r.echo), AT_MSG_LINE_MAX);
	assert_int_equal(strlen(r.prefix), sizeof(r.prefix) - 1);
}

/* NUL bytes never reach a line; ACK mode only counts an A at line start. */
static void test_nul_and_ack_mode(void **state)
{
	static const char s[] = "\0O\0K\r\nA\0AAPP RDY";
	struct at_msg_reader r;
	struct got g = { 0 };

	(void)state;
	at_msg_reader_init(&r);
	at_msg_reader_set_ack_mode(&r, true);
	feed_all(&r, s, sizeof(s) - 1, 1, &g);
	assert_int_equal(g.n, 4);
	expect_line(&g, 0, AT_MSG_LINE_OK, "OK");
	expect_line(&g, 1, AT_MSG_LINE_ACK, "A");
	expect_line(&g, 2, AT_MSG_LINE_ACK, "A");
	expect_line(&g, 3, AT_MSG_LINE_ACK, "A");
	/* "PP RDY" is still pending: switch ACK mode off and end the line */
	memset(&g, 0, sizeof(g));
	at_msg_reader_set_ack_mode(&r, false);
	feed_all(&r, "\r\nAPP RDY\r\n", 11, 100, &g);
	assert_int_equal(g.n, 2);
	expect_line(&g, 0, AT_MSG_LINE_INFO, "PP RDY");
	expect_line(&g, 1, AT_MSG_LINE_URC, "APP RDY");
}

/* ------------------------------------------------------------------ */
/* fwupd's EG25-GC emulation: the exact bytes the module answered.    */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static size_t b64dec(const char *in, size_t n, uint8_t *out)
{
	size_t i, o = 0;
	unsigned int acc = 0;
	int bits = 0;

	for (i = 0; i < n && in[i] != '='; i++) {
		int v = b64val(in[i]);

		assert_true(v >= 0);
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_fwupd_eg25gc(void **state)
{
	size_t len, k;
	char *json = slurp(MF_FIXTURES
			   "/usb/eg25ggc_at_secbootstat_fwupd-emulation.json",
			   &len);
	uint8_t stream[4096];
	size_t slen = 0, nerr = 0, i;
	const char *p = json;

	(void)state;
	while ((p = strstr(p, "\"Data\": \"")) != NULL) {
		const char *b = p + strlen("\"Data\": \"");
		const char *e = strchr(b, '"');

		assert_non_null(e);
		assert_true(slen + (size_t)(e - b) < sizeof(stream));
		slen += b64dec(b, (size_t)(e - b), stream + slen);
		p = e;
	}
	free(json);
	/* six "\r\nERROR\r\n" then the secbootstat answer */
	assert_int_equal(slen, 6 * 9 + 32);
	for (k = 0; k < NSTEPS; k++) {
		struct at_msg_reader r;
		struct got g = { 0 };

		at_msg_reader_init(&r);
		feed_all(&r, stream, slen, steps[k], &g);
		assert_int_equal(g.n, 8);
		for (i = 0, nerr = 0; i < 6; i++)
			nerr += g.ret[i] == 1 && g.type[i] == AT_MSG_LINE_ERROR;
		assert_int_equal(nerr, 6);
		expect_line(&g, 6, AT_MSG_LINE_INFO,
			    "+QCFG: \"secbootstat\",0");
		expect_line(&g, 7, AT_MSG_LINE_OK, "OK");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ati_bg95),
		cmocka_unit_test(test_qgmr),
		cmocka_unit_test(test_fota_urcs),
		cmocka_unit_test(test_qfupl_session),
		cmocka_unit_test(test_connect_text_and_finals),
		cmocka_unit_test(test_boot_urcs),
		cmocka_unit_test(test_prefix_makes_info),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_is_urc_table),
		cmocka_unit_test(test_qfupl_sum),
		cmocka_unit_test(test_echo_order),
		cmocka_unit_test(test_prefix_derivation),
		cmocka_unit_test(test_nul_and_ack_mode),
		cmocka_unit_test(test_fwupd_eg25gc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
