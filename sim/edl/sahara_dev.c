// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated PBL's Sahara side (docs/protocols.md, Sahara): HELLO,
 * programmer upload in the real request order with checks of chip and
 * signing root, command mode, then the Firehose programmer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "sim/edl/edl_priv.h"
#include "wire/sahara_msg.h"
#include "base/hex.h"

#define ST_PROTOCOL_MISMATCH	0x02
#define ST_INVALID_IMAGE_TYPE	0x09
#define ST_INVALID_ELF_HDR	0x14
#define ST_INVALID_HOST_MODE	0x18
#define ST_EXEC_UNSUPPORTED	0x1f
#define ST_EXEC_DATA_INVALID	0x20
#define ST_HASH_TABLE_NOT_FOUND 0x23
#define CHUNK			0x1000u

uint32_t edl_msm_id(const struct sim_edl *e)
{
	const char *v = sim_fault_value(e->s, "hwid");

	if (v && *v) {
		char *end;
		unsigned long x = strtoul(v, &end, 16);

		if (!*end)
			return (uint32_t)x;
	}
	return e->p->msm_id;
}

size_t edl_pk_hash(const struct sim_edl *e, uint8_t *out, size_t cap)
{
	const char *v = sim_fault_value(e->s, "pkhash");
	size_t n = 0;

	if (v) {
		for (; v[0] && v[1] && n < cap; v += 2) {
			int hi = mf_hexval(v[0]), lo = mf_hexval(v[1]);

			if (hi < 0 || lo < 0)
				break;
			out[n++] = (uint8_t)(hi << 4 | lo);
		}
		if (n == 32 || n == 48 || n == 64)
			return n;
	}
	n = e->p->pk_hash_len <= cap ? e->p->pk_hash_len : cap;
	memcpy(out, e->p->pk_hash, n);
	return n;
}

void edl_die(struct sim_edl *e)
{
	e->state = EDL_DEAD;
}

static void count(struct sim_edl *e, size_t n)
{
	e->sahara_bytes += n;
	if (e->state != EDL_DEAD &&
	    sim_fault_drop(e->s, "sahara", e->sahara_bytes)) {
		sim_debug(e->s, "sahara: link dropped after %llu bytes\n",
			  (unsigned long long)e->sahara_bytes);
		sim_drop_link(e->s);
		edl_die(e);
	} else if (e->state != EDL_DEAD &&
		   sim_fault_stall(e->s, "sahara", e->sahara_bytes)) {
		sim_port_stall(e->port);
	}
}

static void send_pkt(struct sim_edl *e, const struct sahara_msg_pkt *pkt)
{
	uint8_t buf[SAHARA_MSG_MAX_PACKET];
	int n = sahara_msg_encode(pkt, buf, sizeof(buf));

	if (n <= 0 || e->state == EDL_DEAD)
		return;
	sim_port_write(e->port, buf, (size_t)n);
	count(e, (size_t)n);
}

static void send_simple(struct sim_edl *e, uint32_t cmd)
{
	struct sahara_msg_pkt pkt = { .cmd = cmd };

	send_pkt(e, &pkt);
}

static void send_hello(struct sim_edl *e, uint32_t mode)
{
	struct sahara_msg_pkt pkt = { .cmd = SAHARA_MSG_HELLO };

	pkt.u.hello.version = e->p->sahara_version ? e->p->sahara_version : 2;
	pkt.u.hello.compatible = 1;
	pkt.u.hello.max_len = 0x400;
	pkt.u.hello.mode = mode;
	e->hello_mode = mode;
	e->state = EDL_HELLO;
	send_pkt(e, &pkt);
}

static void send_eoi(struct sim_edl *e, uint32_t status)
{
	struct sahara_msg_pkt pkt = { .cmd = SAHARA_MSG_END_OF_IMAGE };

	pkt.u.eoi.image_id = SAHARA_MSG_IMAGE_FIREHOSE;
	pkt.u.eoi.status = status;
	sim_debug(e->s, "sahara: END_OF_IMAGE %s\n",
		  sahara_msg_status_name(status));
	send_pkt(e, &pkt);
}

static void fail_image(struct sim_edl *e, uint32_t status)
{
	e->state = EDL_IMAGE_FAILED;
	send_eoi(e, status);
}

static int grow(struct sim_edl *e, uint64_t end)
{
	uint8_t *p;

	if (end > SIM_PROG_MAX_SIZE)
		return -EFBIG;
	if (end <= e->img_len)
		return 0;
	p = realloc(e->img, (size_t)end);
	if (!p)
		return -ENOMEM;
	memset(p + e->img_len, 0, (size_t)end - e->img_len);
	e->img = p;
	e->img_len = (size_t)end;
	return 0;
}

static void request(struct sim_edl *e, uint64_t off, uint64_t len)
{
	struct sahara_msg_pkt pkt = {
		.cmd = e->p->read64 ? SAHARA_MSG_READ_DATA_64
				    : SAHARA_MSG_READ_DATA,
	};

	if (grow(e, off + len)) {
		fail_image(e, ST_INVALID_ELF_HDR);
		return;
	}
	e->req_off = off;
	e->req_len = len;
	e->req_got = 0;
	e->state = EDL_IMAGE;
	pkt.u.read.image_id = SAHARA_MSG_IMAGE_FIREHOSE;
	pkt.u.read.offset = off;
	pkt.u.read.length = len;
	send_pkt(e, &pkt);
}

/* Skip segments already read (the ELF header one) or empty. */
static bool next_segment(struct sim_edl *e)
{
	uint32_t hdr_end = 0x34 + e->pi.phnum * 32;

	for (; e->seg < (int)e->pi.phnum; e->seg++) {
		const struct sim_prog_seg *s = &e->pi.seg[e->seg];

		if (s->filesz && s->offset + s->filesz > hdr_end)
			return true;
	}
	return false;
}

static uint32_t verdict(struct sim_edl *e)
{
	uint8_t root[64], pk[64];
	size_t pklen = edl_pk_hash(e, pk, sizeof(pk));
	bool is_signed = false;
	int rc = sim_prog_parse(e->img, e->img_len, &e->pi);

	if (rc)
		return ST_HASH_TABLE_NOT_FOUND;
	if (e->pi.mbn_image_id != SIM_MBN_IMAGE_ID)
		return ST_INVALID_IMAGE_TYPE;
	rc = sim_prog_verify(e->img, e->img_len, &e->pi, &is_signed, root,
			     pklen);
	if (rc == -EILSEQ)
		return SAHARA_MSG_STATUS_HASH_VERIFICATION_FAILURE;
	if (rc == -EACCES)
		return SAHARA_MSG_STATUS_HASH_TABLE_AUTH_FAILURE;
	if (rc)
		return SAHARA_MSG_STATUS_IMAGE_AUTH_FAILURE;
	if (!e->pi.has_target || e->pi.msm_id != edl_msm_id(e)) {
		sim_debug(e->s,
			  "sahara: programmer for MSM 0x%08X, module 0x%08X\n",
			  e->pi.msm_id, edl_msm_id(e));
		return SAHARA_MSG_STATUS_IMAGE_AUTH_FAILURE;
	}
	if (e->p->secure_boot || sim_fault_value(e->s, "pkhash")) {
		if (!is_signed || memcmp(root, pk, pklen) != 0) {
			sim_debug(
				e->s,
				"sahara: programmer %s, root %02x%02x..%02x is "
				"not the OEM PK hash %02x%02x..%02x (%zu)\n",
				is_signed ? "signed" : "unsigned", root[0],
				root[1], root[pklen - 1], pk[0], pk[1],
				pk[pklen - 1], pklen);
			return SAHARA_MSG_STATUS_IMAGE_AUTH_FAILURE;
		}
	}
	return SAHARA_MSG_STATUS_SUCCESS;
}

/* A requested piece arrived completely: ask for the next one. */
static void piece_done(struct sim_edl *e)
{
	int rc;

	if (e->step == 0) {
		rc = sim_prog_parse_elf(e->img, 0x34, &e->pi);
		if (rc != -EAGAIN) {
			fail_image(e, ST_INVALID_ELF_HDR);
			return;
		}
		e->step = 1;
		request(e, 0x34, (uint64_t)e->pi.phnum * 32);
		return;
	}
	if (e->step == 1) {
		if (sim_prog_parse_elf(e->img, e->img_len, &e->pi)) {
			fail_image(e, ST_INVALID_ELF_HDR);
			return;
		}
		e->step = 2;
		e->seg = 0;
		e->seg_done = 0;
	} else {
		e->seg_done += (uint32_t)e->req_len;
		if (e->seg_done >= e->pi.seg[e->seg].filesz) {
			e->seg++;
			e->seg_done = 0;
		}
	}
	if (next_segment(e)) {
		const struct sim_prog_seg *s = &e->pi.seg[e->seg];
		uint32_t left = s->filesz - e->seg_done;

		request(e, s->offset + e->seg_done,
			left < CHUNK ? left : CHUNK);
		return;
	}
	{
		uint32_t st = verdict(e);

		if (st) {
			fail_image(e, st);
			return;
		}
		e->state = EDL_IMAGE_DONE;
		send_eoi(e, SAHARA_MSG_STATUS_SUCCESS);
	}
}

static size_t image_bytes(struct sim_edl *e, const uint8_t *buf, size_t len)
{
	uint64_t want = e->req_len - e->req_got;
	size_t n = len < want ? len : (size_t)want;

	memcpy(e->img + e->req_off + e->req_got, buf, n);
	e->req_got += n;
	count(e, n);
	if (e->state != EDL_DEAD && e->req_got == e->req_len)
		piece_done(e);
	return n;
}

static void exec_cmd(struct sim_edl *e, uint32_t cmd)
{
	struct sahara_msg_pkt pkt = { .cmd = SAHARA_MSG_EXECUTE_RESP };
	uint8_t *d = e->exec_data;
	uint32_t msm = edl_msm_id(e);
	bool v3 = e->p->sahara_version >= 3;
	size_t n;

	memset(d, 0, sizeof(e->exec_data));
	switch (cmd) {
	case SAHARA_MSG_EXEC_SERIAL_NUM_READ:
		put_le32(d, e->p->serial);
		e->exec_len = 4;
		break;
	case SAHARA_MSG_EXEC_MSM_HW_ID_READ:
		if (v3)
			goto unsupported;
		put_le64(d, (uint64_t)msm << 32 | (uint32_t)e->p->oem_id << 16 |
				    e->p->model_id);
		e->exec_len = 8;
		break;
	case SAHARA_MSG_EXEC_READ_CHIP_ID_V3:
		if (!v3)
			goto unsupported;
		put_le32(d + 36, msm);
		put_le16(d + 40, e->p->oem_id);
		put_le16(d + 42, e->p->model_id);
		e->exec_len = 48;
		break;
	case SAHARA_MSG_EXEC_OEM_PK_HASH_READ:
		/* real devices repeat the digest (one per root slot) */
		n = edl_pk_hash(e, d, 64);
		for (e->exec_len = (uint32_t)n; n && e->exec_len + n <= 96;
		     e->exec_len += (uint32_t)n)
			memcpy(d + e->exec_len, d, n);
		break;
	case SAHARA_MSG_EXEC_GET_SOFTWARE_VERSION_SBL:
		put_le32(d, 2);
		e->exec_len = 4;
		break;
	default:
		goto unsupported;
	}
	e->exec_cmd = cmd;
	pkt.u.execute_resp.client_cmd = cmd;
	pkt.u.execute_resp.data_len = e->exec_len;
	send_pkt(e, &pkt);
	return;
unsupported:
	e->exec_cmd = UINT32_MAX;
	send_eoi(e, ST_EXEC_UNSUPPORTED);
}

static void on_hello_resp(struct sim_edl *e, const struct sahara_msg_pkt *pk)
{
	if (pk->u.hello_resp.version < 1 || pk->u.hello_resp.status != 0) {
		fail_image(e, ST_PROTOCOL_MISMATCH);
		return;
	}
	switch (pk->u.hello_resp.mode) {
	case SAHARA_MSG_MODE_IMAGE_TX_PENDING:
		free(e->img);
		e->img = NULL;
		e->img_len = 0;
		e->step = 0;
		request(e, 0, 0x34);
		break;
	case SAHARA_MSG_MODE_COMMAND:
		e->state = EDL_COMMAND;
		send_simple(e, SAHARA_MSG_CMD_READY);
		break;
	default:
		fail_image(e, ST_INVALID_HOST_MODE);
	}
}

static void on_packet(struct sim_edl *e, const struct sahara_msg_pkt *pk)
{
	sim_debug(e->s, "sahara: <- %s\n", sahara_msg_cmd_name(pk->cmd));
	if (pk->cmd == SAHARA_MSG_RESET) {
		send_simple(e, SAHARA_MSG_RESET_RESP);
		edl_die(e);
		sim_request(e->s, SIM_REQ_RESET);
		return;
	}
	if (pk->cmd == SAHARA_MSG_RESET_STATE_MACHINE) {
		send_hello(e, SAHARA_MSG_MODE_IMAGE_TX_PENDING);
		return;
	}
	if (e->state == EDL_HELLO && pk->cmd == SAHARA_MSG_HELLO_RESP) {
		on_hello_resp(e, pk);
	} else if (e->state == EDL_IMAGE_DONE && pk->cmd == SAHARA_MSG_DONE) {
		struct sahara_msg_pkt r = { .cmd = SAHARA_MSG_DONE_RESP };

		r.u.done_resp.status = 1;
		send_pkt(e, &r);
		if (e->state == EDL_DEAD)
			return;
		if (sim_fault_once(e->s, "silent", "firehose")) {
			/* the programmer runs but never speaks: no start-up logs, no answers */
			sim_debug(e->s, "firehose: silent (fault)\n");
			edl_die(e);
			return;
		}
		e->state = EDL_FIREHOSE;
		fh_dev_start(e);
	} else if (e->state == EDL_COMMAND && pk->cmd == SAHARA_MSG_EXECUTE) {
		exec_cmd(e, pk->u.execute.client_cmd);
	} else if (e->state == EDL_COMMAND &&
		   pk->cmd == SAHARA_MSG_EXECUTE_DATA) {
		if (pk->u.execute.client_cmd != e->exec_cmd) {
			send_eoi(e, ST_EXEC_DATA_INVALID);
			return;
		}
		sim_port_write(e->port, e->exec_data, e->exec_len);
		count(e, e->exec_len);
	} else if (e->state == EDL_COMMAND &&
		   pk->cmd == SAHARA_MSG_SWITCH_MODE) {
		send_hello(e, pk->u.switch_mode.mode);
	} else {
		send_eoi(e, SAHARA_MSG_STATUS_INVALID_CMD);
	}
}

/* Parse whole packets from e->pkt. */
static void packets(struct sim_edl *e)
{
	while (e->npkt && e->state != EDL_DEAD && e->state != EDL_IMAGE &&
	       e->state != EDL_FIREHOSE) {
		struct sahara_msg_pkt pk;
		int n = sahara_msg_decode(e->pkt, e->npkt, &pk);
		size_t used;

		if (n == -EAGAIN && e->npkt >= 8 &&
		    get_le32(e->pkt + 4) <= SAHARA_MSG_MAX_PACKET)
			return; /* the rest of a sane packet is coming */
		if (n == -EAGAIN && e->npkt < 8)
			return;
		if (n > 0) {
			used = (size_t)n;
			count(e, used);
			memmove(e->pkt, e->pkt + used, e->npkt - used);
			e->npkt -= used;
			if (e->state != EDL_DEAD)
				on_packet(e, &pk);
			continue;
		}
		/* unknown or malformed: drop what was buffered */
		count(e, e->npkt);
		e->npkt = 0;
		if (e->state != EDL_DEAD)
			send_eoi(e, SAHARA_MSG_STATUS_INVALID_CMD);
	}
}

struct sim_edl *sim_edl_new(struct sim *s, struct sim_port *port)
{
	struct sim_edl *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->s = s;
	e->port = port;
	e->p = sim_profile(s);
	e->state = EDL_IDLE;
	return e;
}

void sim_edl_start(struct sim_edl *e)
{
	if (!e || e->state != EDL_IDLE)
		return;
	if (sim_fault_once(e->s, "silent", "sahara")) {
		sim_debug(e->s, "sahara: silent (fault)\n");
		edl_die(e);
		return;
	}
	send_hello(e, SAHARA_MSG_MODE_IMAGE_TX_PENDING);
}

void sim_edl_input(struct sim_edl *e, const uint8_t *buf, size_t len)
{
	while (e && len && e->state != EDL_DEAD) {
		size_t n;

		switch (e->state) {
		case EDL_IMAGE:
			n = image_bytes(e, buf, len);
			break;
		case EDL_FIREHOSE:
		case EDL_FH_RAW:
			fh_dev_input(e, buf, len);
			return;
		case EDL_IDLE:
			return; /* not enumerated yet: nobody listens */
		default:
			n = sizeof(e->pkt) - e->npkt;
			if (n > len)
				n = len;
			memcpy(e->pkt + e->npkt, buf, n);
			e->npkt += n;
			packets(e);
			/* a state change may leave bytes for the new state */
			if (e->npkt && (e->state == EDL_IMAGE ||
					e->state == EDL_FIREHOSE)) {
				uint8_t rest[EDL_PKT_BUF];
				size_t r = e->npkt;

				memcpy(rest, e->pkt, r);
				e->npkt = 0;
				sim_edl_input(e, rest, r);
			}
			break;
		}
		buf += n;
		len -= n;
	}
}

const char *sim_edl_phase(const struct sim_edl *e)
{
	if (e && (e->state == EDL_FIREHOSE || e->state == EDL_FH_RAW ||
		  (e->state == EDL_DEAD && e->fh)))
		return "firehose";
	return "sahara";
}

void sim_edl_free(struct sim_edl *e)
{
	if (!e)
		return;
	fh_dev_free(e);
	free(e->img);
	free(e);
}
