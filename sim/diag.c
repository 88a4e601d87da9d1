// SPDX-License-Identifier: BSD-3-Clause
/*
 * DM port in normal mode: DIAG over HDLC (docs/protocols.md, DIAG). Extended
 * build ID (0x7C), version (0x00), the EDL switch 4B 65 01 00 (echoed byte for
 * byte, then the module re-enumerates as 05c6:9008); anything else gets the
 * DIAG "bad command" frame 0x13.
 */
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "sim/core.h"

static void diag_send(struct sim_port *p, const uint8_t *payload, size_t len)
{
	uint8_t out[2 * DIAG_MSG_MAX_FRAME + 8];
	int n = diag_msg_encode(payload, len, out, sizeof(out));

	if (n > 0)
		sim_port_write(p, out, (size_t)n);
}

/* Real DM ports spit log frames before anyone asks: one, at the first open. */
void sim_diag_opened(struct sim_port *p)
{
	static const uint8_t log[] = {
		DIAG_MSG_CMD_LOG,
		0x00,
		0x12,
		0x00,
		0x12,
		0x00,
		0xc0,
		0x11,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
	};

	diag_send(p, log, sizeof(log));
}

static void build_id(struct sim_port *p)
{
	const struct sim *s = p->s;
	uint8_t r[16 + SIM_REV_MAX + 1];
	size_t n = strlen(s->revision);

	memset(r, 0, 12);
	r[0] = DIAG_MSG_CMD_EXT_BUILD_ID;
	r[1] = 0; /* version */
	put_le32(r + 4, s->prof->msm_id);
	put_le32(r + 8, s->prof->model_id);
	memcpy(r + 12, s->revision, n + 1);
	diag_send(p, r, 12 + n + 1);
}

static void verno(struct sim_port *p)
{
	uint8_t r[55];

	memset(r, 0, sizeof(r));
	r[0] = DIAG_MSG_CMD_VERNO;
	memcpy(r + 1, "Jan 01 2024", 11);  /* comp date */
	memcpy(r + 12, "00:00:00", 8);	   /* comp time */
	memcpy(r + 20, "Jan 01 2024", 11); /* release date */
	memcpy(r + 31, "00:00:00", 8);
	memcpy(r + 39, p->s->prof->chip, strnlen(p->s->prof->chip, 8));
	diag_send(p, r, sizeof(r));
}

static void diag_frame(struct sim_port *p, const uint8_t *f, size_t len)
{
	static const uint8_t edl_echo[] = { 0x4b, 0x65, 0x01, 0x00,
					    0x54, 0x0f, 0x7e };
	uint8_t bad[1 + DIAG_MSG_MAX_FRAME];

	if (sim_fault_once(p->s, "silent", "diag")) {
		sim_debug(p->s, "DIAG: silent fault swallows a frame");
		return;
	}
	if (len == 1 && f[0] == DIAG_MSG_CMD_EXT_BUILD_ID) {
		build_id(p);
	} else if (len == 1 && f[0] == DIAG_MSG_CMD_VERNO) {
		verno(p);
	} else if (len == 4 && f[0] == DIAG_MSG_CMD_SUBSYS &&
		   f[1] == DIAG_MSG_SUBSYS_EDL_SWITCH && f[2] == 0x01 &&
		   f[3] == 0x00) {
		sim_debug(p->s, "DIAG: EDL switch");
		sim_port_write(p, edl_echo, sizeof(edl_echo));
		sim_request(p->s, SIM_REQ_EDL);
	} else {
		bad[0] = DIAG_MSG_CMD_BAD;
		memcpy(bad + 1, f, len);
		diag_send(p, bad, len + 1);
	}
}

void sim_diag_input(struct sim_port *p, const uint8_t *buf, size_t len)
{
	const uint8_t *frame;
	size_t used, flen;
	int r;

	if (p->gone || p->s->mode != SIM_MODE_NORMAL || p->s->draining)
		return;
	p->diag_bytes += len;
	if (sim_fault_drop(p->s, "diag", p->diag_bytes)) {
		sim_drop_link(p->s);
		return;
	}
	while (len) {
		r = diag_msg_decode_feed(&p->hdlc, buf, len, &used, &frame,
					 &flen);
		buf += used;
		len -= used;
		if (r == 1 && flen)
			diag_frame(p, frame, flen);
		if (r == 0 || used == 0)
			break;
	}
}
