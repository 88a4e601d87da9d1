// SPDX-License-Identifier: BSD-3-Clause
/*
 * DIAG on the DM port: extended build id and the switch to EDL
 * (docs/protocols.md, DIAG).
 */
#include "proto/diag.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "wire/diag_msg.h"

const uint8_t diag_edl_frame[7] = { 0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e };
const uint8_t diag_build_id_frame[4] = { 0x7c, 0x93, 0x49, 0x7e };

void diag_opts_default(struct diag_opts *o)
{
	/* stale bytes already buffered are dropped; waiting for silence
	 * is not needed, the replies are matched frame by frame */
	o->drain_idle_ms = 0;
	o->drain_max_ms = 2000;
	o->reply_timeout_ms = 2000;
	o->tries = 5;
}

int diag_drain(struct link *l, int idle_ms, int max_ms)
{
	int n = link_drain(l, idle_ms, max_ms);

	return n == -ENODEV ? -ENODEV : (n < 0 ? 0 : n);
}

/*
 * Read frames until one satisfies want() or the deadline passes. The
 * decoded payload (without CRC) is copied to out.
 */
static int diag_read_frame(struct link *l, struct diag_msg_decoder *dec,
			   int timeout_ms,
			   bool (*want)(const uint8_t *f, size_t n),
			   uint8_t *out, size_t cap, size_t *outlen)
{
	int64_t deadline = mf_deadline(timeout_ms);
	uint8_t buf[1];

	for (;;) {
		const uint8_t *frame;
		size_t flen, used;
		int left = mf_remaining_ms(deadline), n, ret;

		if (left == 0)
			return -ETIMEDOUT;
		/* one byte at a time: never eat past the frame we want */
		n = link_read(l, buf, 1, left);
		if (n < 0)
			return n;
		ret = diag_msg_decode_feed(dec, buf, 1, &used, &frame, &flen);
		if (ret != 1 || !want(frame, flen))
			continue;
		if (flen > cap)
			flen = cap;
		memcpy(out, frame, flen);
		*outlen = flen;
		return 0;
	}
}

static bool want_build_id(const uint8_t *f, size_t n)
{
	return n >= 1 && f[0] == DIAG_MSG_CMD_EXT_BUILD_ID;
}

static int diag_link_err(struct mf_err *err, int ret, const char *what)
{
	if (ret == -ETIMEDOUT) {
		mf_err_set(err, MF_TIMEOUT, ret,
			   "the DM port did not answer %s", what);
		mf_err_hint(err, "check that this is the module's DM (DIAG) "
				 "port, interface 0");
	} else if (ret == -ENODEV) {
		mf_err_set(err, MF_NO_DEVICE, ret,
			   "the DM port vanished during %s", what);
	} else {
		mf_err_set(err, MF_FAILED, ret, "DIAG %s failed", what);
	}
	return ret;
}

int diag_build_id(struct link *l, const struct diag_opts *o,
		  struct diag_build_id *out, const struct mf_log *log,
		  struct mf_err *err)
{
	struct diag_opts def;
	struct diag_msg_decoder dec;
	uint8_t f[DIAG_MSG_MAX_FRAME];
	size_t n, slen;
	int ret;

	if (!o) {
		diag_opts_default(&def);
		o = &def;
	}
	memset(out, 0, sizeof(*out));
	ret = diag_drain(l, o->drain_idle_ms, o->drain_max_ms);
	if (ret < 0)
		return diag_link_err(err, ret, "the build id query");
	ret = link_write(l, diag_build_id_frame, sizeof(diag_build_id_frame),
			 o->reply_timeout_ms);
	diag_msg_decoder_init(&dec);
	if (ret >= 0)
		ret = diag_read_frame(l, &dec, o->reply_timeout_ms,
				      want_build_id, f, sizeof(f), &n);
	if (ret < 0)
		return diag_link_err(err, ret, "the build id query");
	/* cmd(1) ver(1) reserved(2) msm(4) model(4) revision NUL ... */
	if (n < 13)
		goto out_bad;
	slen = strnlen((const char *)f + 12, n - 12);
	if (slen == n - 12 || slen == 0 || slen >= sizeof(out->revision))
		goto out_bad;
	out->msm = get_le32(f + 4);
	out->model = get_le32(f + 8);
	memcpy(out->revision, f + 12, slen);
	mf_log(log, MF_LOG_INFO, "diag: software revision %s", out->revision);
	return 0;
out_bad:
	return mf_err_set(err, MF_FAILED, -EBADMSG,
			  "malformed DIAG build id answer (%zu bytes)", n);
}

/* Compare raw bytes against the echo, ignoring a leading flag. */
static int diag_wait_echo(struct link *l, int timeout_ms)
{
	int64_t deadline = mf_deadline(timeout_ms);
	size_t match = 0;
	bool other = false;

	while (match < sizeof(diag_edl_frame)) {
		uint8_t c;
		int left = mf_remaining_ms(deadline);
		int n;

		if (left == 0)
			return other ? -EPROTO : -ETIMEDOUT;
		n = link_read(l, &c, 1, left);
		if (n == -ETIMEDOUT && other)
			return -EPROTO;
		if (n < 0)
			return n;
		if (c == diag_edl_frame[match]) {
			match++;
			continue;
		}
		/* an unsolicited frame: start over at its end */
		if (match > 0 || c != DIAG_MSG_FLAG)
			other = true;
		match = c == diag_edl_frame[0] ? 1 : 0;
	}
	return 0;
}

int diag_switch_to_edl(struct link *l, const struct diag_opts *o,
		       const struct mf_log *log, struct mf_err *err)
{
	struct diag_opts def;
	int ret = -ETIMEDOUT;
	int64_t t0 = mf_now_ms(), report = t0 + MF_WAIT_REPORT_MS;

	if (!o) {
		diag_opts_default(&def);
		o = &def;
	}
	for (int i = 0; i < o->tries; i++) {
		/* tries of seconds each: said at the first one past a report */
		if (i && mf_now_ms() >= report) {
			char what[sizeof(l->name) + 64];

			snprintf(what, sizeof(what),
				 "the module's answer to the DIAG EDL switch "
				 "on %s",
				 l->name);
			mf_waiting(log, what, mf_now_ms() - t0,
				   (int64_t)o->tries *
					   (o->drain_max_ms +
					    2 * o->reply_timeout_ms));
			report += MF_WAIT_REPORT_MS;
		}
		ret = diag_drain(l, o->drain_idle_ms, o->drain_max_ms);
		if (ret < 0)
			break;
		mf_log(log, MF_LOG_INFO, "diag: switching to EDL (try %d)",
		       i + 1);
		ret = link_write(l, diag_edl_frame, sizeof(diag_edl_frame),
				 o->reply_timeout_ms);
		if (ret >= 0)
			ret = diag_wait_echo(l, o->reply_timeout_ms);
		if (ret == 0) {
			mf_log(log, MF_LOG_INFO,
			       "diag: EDL switch accepted, module reboots");
			return 0;
		}
		if (ret == -ENODEV)
			break;
	}
	if (ret == -EPROTO) {
		mf_err_set(err, MF_FAILED, ret,
			   "the module answered the EDL switch with another "
			   "DIAG frame %d times",
			   o->tries);
		mf_err_hint(err,
			    "this firmware may not allow the DIAG EDL switch: "
			    "pull the BOOT pin to 1.8 V at power-on instead");
		return ret;
	}
	return diag_link_err(err, ret, "the EDL switch");
}
