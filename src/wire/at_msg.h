/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_AT_MSG_H
#define MF_WIRE_AT_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * AT line reader (host side). Pure: no I/O. Lines end in CR, LF or CRLF;
 * empty lines are skipped. Each line is classified:
 *  - ECHO: the command we sent coming back (set with at_msg_reader_expect_echo),
 *  - OK / ERROR / CME_ERROR / CMS_ERROR / NO_CARRIER: final results,
 *  - CONNECT (with optional text): data mode begins (QFUPL upload),
 *  - ACK: a bare 'A' in upload ACK mode (one per 1024 bytes); these come
 *    without CR/LF, so in ACK mode each 'A' byte is its own line,
 *  - URC: unsolicited codes (+QIND:, RDY, APP RDY, +CFUN:, +CPIN:, +QUSIM:,
 *    POWERED DOWN, +QFOTADL:, ...) unless the line answers the pending
 *    command (AT+CFUN? -> "+CFUN: 1" is INFO),
 *  - INFO: any other line (information text of the pending command).
 */
#define AT_MSG_LINE_MAX 1024

enum at_msg_line_type {
	AT_MSG_LINE_INFO,
	AT_MSG_LINE_ECHO,
	AT_MSG_LINE_OK,
	AT_MSG_LINE_ERROR,
	AT_MSG_LINE_CME_ERROR,
	AT_MSG_LINE_CMS_ERROR,
	AT_MSG_LINE_NO_CARRIER,
	AT_MSG_LINE_CONNECT,
	AT_MSG_LINE_ACK,
	AT_MSG_LINE_URC,
};

struct at_msg_line {
	enum at_msg_line_type type;
	const char *text; /* NUL-terminated, without CR/LF; inside the reader */
	size_t len;
	int code; /* +CME/+CMS ERROR number, else -1 */
};

struct at_msg_reader {
	char buf[AT_MSG_LINE_MAX + 1];
	size_t len;
	bool overflow;
	bool ack_mode;
	char echo[AT_MSG_LINE_MAX +
		  1];	 /* command awaiting its echo, "" if none */
	char prefix[64]; /* "+CFUN" of the pending command, for INFO vs URC */
	char line[AT_MSG_LINE_MAX + 1]; /* last line handed out */
};

void at_msg_reader_init(struct at_msg_reader *r);

/* The command just sent (without CR): its echo is recognised, and its
 * "+NAME" prefix marks lines answering it as INFO rather than URC. */
void at_msg_reader_expect_echo(struct at_msg_reader *r, const char *cmd);

/* Upload ACK mode: a bare 'A' is an acknowledgement. */
void at_msg_reader_set_ack_mode(struct at_msg_reader *r, bool on);

/*
 * Feed bytes. Stops after the first complete line.
 * *consumed = bytes used. Returns 1 with *line filled (valid until the next
 * call), 0 when all input is consumed without a complete line, -EMSGSIZE for
 * a line longer than AT_MSG_LINE_MAX (dropped up to its end).
 */
int at_msg_reader_feed(struct at_msg_reader *r, const uint8_t *in, size_t len,
		       size_t *consumed, struct at_msg_line *line);

/* True for a final result line type. */
bool at_msg_line_is_final(enum at_msg_line_type type);

/* True when text (without CR/LF) is a known unsolicited result code. */
bool at_msg_is_urc(const char *text);

/*
 * 16-bit XOR checksum of AT+QFUPL (docs/protocols.md, AT): XOR of big-endian
 * byte pairs, an odd last byte is the high byte. Incremental: pass the previous
 * value (0 to start) and whether an odd byte is pending.
 */
struct at_msg_qfupl_sum {
	uint16_t sum;
	bool odd;
	uint8_t pending;
};
void at_msg_qfupl_sum_init(struct at_msg_qfupl_sum *s);
void at_msg_qfupl_sum_update(struct at_msg_qfupl_sum *s, const uint8_t *buf,
			     size_t len);
uint16_t at_msg_qfupl_sum_final(const struct at_msg_qfupl_sum *s);

#endif
