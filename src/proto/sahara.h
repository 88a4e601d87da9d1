/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PROTO_SAHARA_H
#define MF_PROTO_SAHARA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "link/link.h"
#include "wire/sahara_msg.h"

/*
 * Host side of Sahara (docs/protocols.md, Sahara;
 * docs/field-data.md, chips and secure boot).
 *
 * We answer HELLO with version 2, compatible 1 (as qdl and fwupd do).
 * A fresh ttyUSB may echo our own HELLO_RESP back to the device
 * (docs/usbvm.md), and a device may answer garbage or
 * END_OF_IMAGE(INVALID_CMD): the conversation then resynchronises (waits for a
 * fresh HELLO, or sends RESET_STATE_MACHINE) a bounded number of times rather
 * than hanging.
 */
struct sahara_opts {
	int hello_timeout_ms; /* first HELLO (default 5000) */
	int cmd_timeout_ms;   /* each further packet (default 5000) */
	int max_resync;	      /* resynchronisations before giving up (3) */
	uint32_t image_id;    /* expected image id, 0 = any (13 for Firehose) */
};

void sahara_opts_default(struct sahara_opts *o);

/* What happened, for the caller's report and the next stage. */
struct sahara_result {
	uint32_t version;  /* the device's HELLO version */
	uint32_t image_id; /* the image the device asked for */
	uint64_t bytes_served;
	uint32_t done_status; /* DONE_RESP image_tx_status */
	/*
	 * Set when Firehose XML arrived where a HELLO was expected: the
	 * programmer already runs (a previous run got this far), so skip
	 * Sahara. The bytes read are pushed back into the link
	 * (link_unread) for the Firehose session.
	 */
	bool firehose_running;
};

/*
 * Serve one image from the file at path (the Firehose programmer) over
 * link: HELLO -> HELLO_RESP(mode 0) -> READ_DATA / READ_DATA_64 answered
 * from the file (a request outside the file: RESET sent, -ERANGE) ->
 * END_OF_IMAGE (status != 0: -EPERM for the auth failures 0x21/0x22/0x25,
 * -EIO otherwise, both naming sahara_msg_status_name()) -> DONE -> DONE_RESP
 * (pending accepted for image ids 7, 13, 21).
 * Returns 0 (res->firehose_running tells if Sahara was skipped),
 * -ETIMEDOUT, -ENODEV, -EPROTO (desync not recovered), -ERANGE, -EPERM,
 * -EIO, -ENOENT (file).
 */
int sahara_run_image(struct link *l, const char *path,
		     const struct sahara_opts *o, struct sahara_result *res,
		     const struct mf_log *log, struct mf_err *err);

/* The same from an open fd of size bytes (read with pread; not closed). */
int sahara_run_image_fd(struct link *l, int fd, uint64_t size,
			const struct sahara_opts *o, struct sahara_result *res,
			const struct mf_log *log, struct mf_err *err);

struct sahara_identity {
	uint32_t version; /* HELLO version */
	bool cmd_mode;	  /* false: command mode refused (not fatal) */
	bool have_serial;
	uint32_t serial;
	bool have_hwid;
	uint64_t hwid; /* MSM_ID << 32 | OEM_ID << 16 | MODEL_ID */
	uint32_t msm_id;
	uint16_t oem_id;
	uint16_t model_id;
	size_t pkhash_len; /* 0 when unknown */
	uint8_t pkhash[64];
};

/*
 * Command mode: HELLO -> HELLO_RESP(mode 3) -> CMD_READY, then serial,
 * HW ID (MSM_HW_ID_READ on v1/v2, READ_CHIP_ID_V3 on v3, each falling back
 * to the other), OEM PK hash (trimmed with sahara_msg_pkhash_trim), then
 * SWITCH_MODE(0): the device re-sends HELLO and stays ready for
 * sahara_run_image() without a reset. Command mode refused (END_OF_IMAGE
 * instead of CMD_READY) returns 0 with id->cmd_mode false; the device is
 * then re-synchronised with RESET_STATE_MACHINE where possible.
 * The HELLO the device re-sends is left unread, for sahara_run_image().
 * Returns 0, -EALREADY (Firehose XML instead of HELLO: the programmer
 * already runs; err is not set; the XML stays in the link), -ETIMEDOUT,
 * -ENODEV, -EPROTO.
 */
int sahara_identify(struct link *l, const struct sahara_opts *o,
		    struct sahara_identity *id, const struct mf_log *log,
		    struct mf_err *err);

/*
 * Who answers on an EDL port (sahara_probe.c): wait hello_ms for the boot
 * ROM's HELLO (or for Firehose XML); on silence send a Firehose <nop/> and
 * wait answer_ms; then up to tries RESET_STATE_MACHINE, ask_ms each; then
 * 0xff padding for a programmer waiting for raw <program> data. The
 * bytes that decided stay in the link (link_unread) for sahara_identify()
 * or the Firehose session. Returns SAHARA_PROBE_SAHARA (a HELLO is
 * pending), SAHARA_PROBE_FIREHOSE (a programmer runs), -ETIMEDOUT (nothing
 * answers: err says that only a power-cycle helps), -ENODEV.
 */
struct sahara_probe_opts {
	int hello_ms;  /* the device's own first word (5000) */
	int answer_ms; /* a programmer's answer to <nop/> (1500) */
	int ask_ms;    /* HELLO after each RESET_STATE_MACHINE (1000) */
	int tries;     /* RESET_STATE_MACHINE requests (3) */
	/*
	 * Then, still silent: 0xff padding for a programmer stuck in the
	 * raw data of an interrupted <program>, at most this long (8000; 0
	 * never).
	 */
	int pad_ms;
};

enum { SAHARA_PROBE_SAHARA = 1, SAHARA_PROBE_FIREHOSE = 2 };

void sahara_probe_opts_default(struct sahara_probe_opts *o);
int sahara_probe(struct link *l, const struct sahara_probe_opts *o,
		 const struct mf_log *log, struct mf_err *err);

/*
 * Sahara RESET: the boot ROM restarts the chip. Returns 0 on RESET_RESP
 * or when the port vanishes (the restart began), -ETIMEDOUT, -EIO.
 */
int sahara_reset(struct link *l, int timeout_ms, const struct mf_log *log,
		 struct mf_err *err);

/* "0x001070e100000000" style hex of the HW ID; out >= 19 bytes. */
void sahara_hwid_str(const struct sahara_identity *id, char *out, size_t cap);
/* Lower-case hex of the PK hash; out >= 2 * pkhash_len + 1. */
void sahara_pkhash_str(const struct sahara_identity *id, char *out, size_t cap);

#endif
