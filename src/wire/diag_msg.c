// SPDX-License-Identifier: BSD-3-Clause
/*
 * HDLC-like framing of DIAG (docs/protocols.md, DIAG). Pure: no I/O.
 */
#include "wire/diag_msg.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "base/bytes.h"

/* CRC-16/X-25: reflected poly 0x1021 (= 0x8408), init and final XOR 0xFFFF. */
uint16_t diag_msg_crc16(const uint8_t *buf, size_t len)
{
	uint16_t crc = 0xffff;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= buf[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0x8408)
					: (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

size_t diag_msg_encoded_max(size_t len)
{
	/* every payload and CRC byte may double, plus the terminator */
	if (len > (SIZE_MAX - 5) / 2)
		return SIZE_MAX;
	return 2 * (len + 2) + 1;
}

static bool diag_msg_needs_escape(uint8_t b)
{
	return b == DIAG_MSG_FLAG || b == DIAG_MSG_ESC;
}

/* Append one escaped byte; false when it does not fit. */
static bool diag_msg_put(uint8_t *out, size_t cap, size_t *pos, uint8_t b)
{
	size_t need = diag_msg_needs_escape(b) ? 2 : 1;

	if (cap - *pos < need)
		return false;
	if (need == 2) {
		out[(*pos)++] = DIAG_MSG_ESC;
		b ^= DIAG_MSG_ESC_XOR;
	}
	out[(*pos)++] = b;
	return true;
}

int diag_msg_encode(const uint8_t *payload, size_t len, uint8_t *out,
		    size_t cap)
{
	uint8_t crc[2];
	size_t pos = 0;
	size_t i;

	/* the result is returned as an int */
	if (cap > INT_MAX)
		cap = INT_MAX;
	put_le16(crc, diag_msg_crc16(payload, len));
	for (i = 0; i < len; i++)
		if (!diag_msg_put(out, cap, &pos, payload[i]))
			return -ENOSPC;
	/* the CRC bytes are escaped like the payload */
	for (i = 0; i < sizeof(crc); i++)
		if (!diag_msg_put(out, cap, &pos, crc[i]))
			return -ENOSPC;
	if (pos >= cap)
		return -ENOSPC;
	out[pos++] = DIAG_MSG_FLAG;
	return (int)pos;
}

void diag_msg_decoder_init(struct diag_msg_decoder *dec)
{
	dec->len = 0;
	dec->escaped = false;
	dec->overflow = false;
}

/*
 * A flag ended the current frame: judge it and reset for the next one.
 * Returns 1 (frame), 0 (nothing: empty frame or leading flag) or an error.
 */
static int diag_msg_frame_end(struct diag_msg_decoder *dec,
			      const uint8_t **frame, size_t *frame_len)
{
	size_t len = dec->len;
	bool escaped = dec->escaped;
	bool overflow = dec->overflow;

	diag_msg_decoder_init(dec);
	if (overflow)
		return -EMSGSIZE;
	/* 7D 7E aborts the frame */
	if (escaped)
		return -EBADMSG;
	if (len == 0)
		return 0;
	if (len < 2)
		return -EBADMSG;
	if (diag_msg_crc16(dec->buf, len - 2) != get_le16(dec->buf + len - 2))
		return -EBADMSG;
	/* dec->buf stays intact until the next byte is fed */
	*frame = dec->buf;
	*frame_len = len - 2;
	return 1;
}

int diag_msg_decode_feed(struct diag_msg_decoder *dec, const uint8_t *in,
			 size_t len, size_t *consumed, const uint8_t **frame,
			 size_t *frame_len)
{
	size_t i;
	int ret;

	for (i = 0; i < len; i++) {
		uint8_t b = in[i];

		if (b == DIAG_MSG_FLAG) {
			ret = diag_msg_frame_end(dec, frame, frame_len);
			if (ret != 0) {
				*consumed = i + 1;
				return ret;
			}
			continue;
		}
		if (b == DIAG_MSG_ESC && !dec->escaped) {
			dec->escaped = true;
			continue;
		}
		if (dec->escaped) {
			b ^= DIAG_MSG_ESC_XOR;
			dec->escaped = false;
		}
		/* an overlong frame is swallowed up to its flag */
		if (dec->len >= DIAG_MSG_MAX_FRAME) {
			dec->overflow = true;
			continue;
		}
		dec->buf[dec->len++] = b;
	}
	*consumed = len;
	return 0;
}
