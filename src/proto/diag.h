/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PROTO_DIAG_H
#define MF_PROTO_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "link/link.h"

/*
 * Host side of DIAG over HDLC on the DM port (docs/protocols.md, DIAG): the
 * extended build id query and the switch to EDL.
 */

/* The exact frames (HDLC-encoded, CRC included, no leading flag). */
extern const uint8_t diag_edl_frame[7];	     /* 4B 65 01 00 54 0F 7E */
extern const uint8_t diag_build_id_frame[4]; /* 7C 93 49 7E */

struct diag_opts {
	int drain_idle_ms; /* silence that ends a drain (default 0: what is buffered) */
	int drain_max_ms; /* a chattering port is drained this long at most (2000) */
	int reply_timeout_ms; /* per request (default 2000) */
	int tries;	      /* EDL switch attempts (default 5) */
};

/* Fill opts with the defaults above. */
void diag_opts_default(struct diag_opts *o);

/*
 * Discard unsolicited bytes (the DM port "keeps spitting logs") until
 * idle_ms of silence or max_ms in total. Returns bytes dropped or -ENODEV.
 */
int diag_drain(struct link *l, int idle_ms, int max_ms);

struct diag_build_id {
	uint32_t msm;	    /* msm_hw_version */
	uint32_t model;	    /* mobile_model */
	char revision[128]; /* "RM500QGLAAR01A01M4G_BETA_20200428F" */
};

/*
 * Extended build id (0x7C). Unsolicited frames that are not a 0x7C reply
 * are skipped. Returns 0, -ETIMEDOUT, -ENODEV, -EBADMSG (a 0x7C reply too
 * short or without a terminated revision string).
 */
int diag_build_id(struct link *l, const struct diag_opts *o,
		  struct diag_build_id *out, const struct mf_log *log,
		  struct mf_err *err);

/*
 * Switch to EDL: drain, send 4B 65 01 00 54 0F 7E, require the identical 7
 * bytes back (other DIAG frames in between are skipped), retry up to
 * o->tries. After success the device drops off the bus; the caller waits
 * for 05c6:9008. Returns 0, -ETIMEDOUT (never echoed), -ENODEV (the port
 * vanished before an echo: may still have worked, the caller looks for
 * 9008), -EPROTO (answered with a different frame every time, e.g.
 * 13 .. "bad command").
 */
int diag_switch_to_edl(struct link *l, const struct diag_opts *o,
		       const struct mf_log *log, struct mf_err *err);

#endif
