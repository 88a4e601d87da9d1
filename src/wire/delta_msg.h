/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_DELTA_MSG_H
#define MF_WIRE_DELTA_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The delta FOTA file of modemflash (written by tools/mkdelta, checked by
 * the host before an upload, applied by modemflash-sim on AT+QFOTADL).
 * Real deltas are the vendor's secret format; this one carries only what
 * both sides check. Pure: no I/O.
 *
 *   offset  size  field
 *   0       8     magic "MFDELTA1"
 *   8       16    profile name, NUL padded ("bg95-m3")
 *   24      64    from revision, NUL padded ("BG95M3LAR02A03_01.009.01.009")
 *   88      64    to revision, NUL padded
 *   152     8     payload length, little-endian
 *   160     N     payload (opaque bytes)
 *   160+N   32    SHA-256 of bytes 0 .. 160+N-1
 *
 * A text field holds letters, digits and "._-", then only NULs; it may
 * fill its whole width. Untrusted input: every length and byte is checked.
 */
#define DELTA_MSG_MAGIC	      "MFDELTA1"
#define DELTA_MSG_MAGIC_LEN   8
#define DELTA_MSG_OFF_PROFILE 8
#define DELTA_MSG_OFF_FROM    24
#define DELTA_MSG_OFF_TO      88
#define DELTA_MSG_OFF_LEN     152
#define DELTA_MSG_HDR	      160 /* header bytes before the payload */
#define DELTA_MSG_NAME	      16  /* width of the profile field */
#define DELTA_MSG_REV	      64  /* width of a revision field */
#define DELTA_MSG_SHA	      32  /* SHA-256 trailer */

struct delta_msg_header {
	bool known; /* our magic: the fields below are valid */
	char profile[DELTA_MSG_NAME + 1];
	char from[DELTA_MSG_REV + 1]; /* revision the delta applies to */
	char to[DELTA_MSG_REV + 1];   /* revision it produces */
	uint64_t payload_len;	      /* bytes between header and SHA-256 */
};

/*
 * The framing of a delta of file_size bytes from its first len bytes:
 * magic, and a payload length that is exactly what the file holds between
 * header and SHA-256. Returns 1 for our format (*payload_len set), 0 when
 * the magic is not ours (another format: not ours to judge), -EBADMSG for
 * our magic with a header cut short or a length that disagrees.
 */
int delta_msg_frame(const uint8_t *buf, size_t len, uint64_t file_size,
		    uint64_t *payload_len);

/*
 * The whole header: framing and text fields. Returns 0 with h->known true
 * (ours) or false (another format), or -EBADMSG for our magic with a
 * broken header (h->known false).
 */
int delta_msg_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		    struct delta_msg_header *h);

/* Bytes covered by the SHA-256 (and where it starts): header + payload. */
static inline uint64_t delta_msg_digest_off(uint64_t payload_len)
{
	return DELTA_MSG_HDR + payload_len;
}

/*
 * Write the DELTA_MSG_HDR header bytes for h (known is ignored). Returns
 * DELTA_MSG_HDR, -ENOSPC when cap is too small, -EINVAL for an empty,
 * too long or not plain field.
 */
int delta_msg_build(const struct delta_msg_header *h, uint8_t *out, size_t cap);

#endif
