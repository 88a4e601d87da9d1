/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_DIAG_MSG_H
#define MF_WIRE_DIAG_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * HDLC-like framing of DIAG (docs/protocols.md, DIAG): payload, then its
 * CRC-16/X-25 little-endian, 0x7E and 0x7D escaped as 7D 5E / 7D 5D, then a
 * 0x7E terminator. No leading flag is written; a leading flag on input is
 * accepted (empty frames are skipped).
 */
#define DIAG_MSG_FLAG	   0x7e
#define DIAG_MSG_ESC	   0x7d
#define DIAG_MSG_ESC_XOR   0x20
#define DIAG_MSG_MAX_FRAME 4096 /* decoded payload + CRC, bytes */

/* CRC-16/X-25: check value 0x906E over "123456789". */
uint16_t diag_msg_crc16(const uint8_t *buf, size_t len);

/* Worst-case encoded size of a payload of len bytes. */
size_t diag_msg_encoded_max(size_t len);

/*
 * Encode payload into out. Returns the encoded size or -ENOSPC.
 * 4B 65 01 00 -> 4B 65 01 00 54 0F 7E.
 */
int diag_msg_encode(const uint8_t *payload, size_t len, uint8_t *out,
		    size_t cap);

struct diag_msg_decoder {
	uint8_t buf[DIAG_MSG_MAX_FRAME + 2];
	size_t len;
	bool escaped;
	bool overflow; /* current frame too long: dropped at its flag */
};

void diag_msg_decoder_init(struct diag_msg_decoder *dec);

/*
 * Feed bytes. Stops after the first complete frame.
 * *consumed is the number of input bytes used. Returns
 *   1        a frame is complete: *frame / *frame_len point to the payload
 *            without CRC inside dec (valid until the next call),
 *   0        all input consumed, no complete frame yet,
 *  -EBADMSG  a frame completed with a bad CRC or shorter than the CRC
 *            (consumed up to its flag; the decoder is ready for the next),
 *  -EMSGSIZE a frame longer than DIAG_MSG_MAX_FRAME ended (dropped).
 */
int diag_msg_decode_feed(struct diag_msg_decoder *dec, const uint8_t *in,
			 size_t len, size_t *consumed, const uint8_t **frame,
			 size_t *frame_len);

/* DIAG commands used by the host and the simulated DM port. */
#define DIAG_MSG_CMD_VERNO	   0x00
#define DIAG_MSG_CMD_LOG	   0x10
#define DIAG_MSG_CMD_BAD	   0x13 /* the module's "bad command" answer */
#define DIAG_MSG_CMD_EXT_BUILD_ID  0x7c
#define DIAG_MSG_CMD_SUBSYS	   0x4b
#define DIAG_MSG_SUBSYS_EDL_SWITCH 0x65

#endif
