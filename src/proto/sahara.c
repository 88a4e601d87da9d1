// SPDX-License-Identifier: BSD-3-Clause
/*
 * Sahara, host side: serve the programmer image, or read the identity in
 * command mode. The device speaks first (HELLO). Packets are read with
 * exact-length reads so that nothing after a packet is consumed early.
 */
#include "proto/sahara.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"

#define SH_XML	    1	 /* Firehose XML arrived instead of a packet */
#define SH_CHUNK    4096 /* image answers are written in 4 KiB pieces */
#define SH_EXEC_MAX 4096 /* largest command-mode answer we accept */
#define SH_ECHO_MS  500	 /* CMD_READY after an echo's END_OF_IMAGE */

struct sconv {
	struct link *l;
	struct sahara_opts o;
	const struct mf_log *log;
	struct mf_err *err;
	int resyncs;
};

void sahara_opts_default(struct sahara_opts *o)
{
	o->hello_timeout_ms = 5000;
	o->cmd_timeout_ms = 5000;
	o->max_resync = 3;
	o->image_id = 0;
}

static int sh_send(struct sconv *c, struct sahara_msg_pkt *pkt)
{
	uint8_t buf[SAHARA_MSG_MAX_PACKET];
	int n = sahara_msg_encode(pkt, buf, sizeof(buf));

	if (n < 0)
		return n;
	mf_log(c->log, MF_LOG_TRACE, "sahara -> %s",
	       sahara_msg_cmd_name(pkt->cmd));
	n = link_write(c->l, buf, (size_t)n, c->o.cmd_timeout_ms);
	return n < 0 ? n : 0;
}

static int sh_send_simple(struct sconv *c, uint32_t cmd)
{
	struct sahara_msg_pkt pkt = { .cmd = cmd };

	return sh_send(c, &pkt);
}

/*
 * len bytes within timeout_ms, in MF_WAIT_REPORT_MS slices: each one that
 * ends in silence says what the host waits for (the device's next packet:
 * a read request while the programmer is served, a HELLO ...).
 */
static int sh_read_waiting(struct sconv *c, uint8_t *buf, size_t len,
			   int timeout_ms)
{
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(timeout_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;
	size_t got = 0;

	while (got < len) {
		int left = mf_remaining_ms(deadline);
		int due = mf_remaining_ms(report);
		bool cut = left < 0 || due < left;
		int n;

		if (left == 0)
			return -ETIMEDOUT;
		n = cut && due == 0 ? -ETIMEDOUT
				    : link_read(c->l, buf + got, len - got,
						cut ? due : left);
		if (n == -ETIMEDOUT && cut) {
			char what[sizeof(c->l->name) + 48];

			snprintf(what, sizeof(what),
				 "the device's next Sahara packet on %s",
				 c->l->name);
			mf_waiting(c->log, what, mf_now_ms() - t0, timeout_ms);
			report += MF_WAIT_REPORT_MS;
			continue;
		}
		if (n < 0)
			return n;
		got += (size_t)n;
	}
	return (int)len;
}

/*
 * Read one packet. Returns 0, SH_XML (hdr holds the first 8 bytes),
 * -EBADMSG for a header that is not a known packet (desync), or a link
 * error.
 */
static int sh_recv(struct sconv *c, struct sahara_msg_pkt *pkt, uint8_t hdr[8],
		   int timeout_ms)
{
	uint8_t buf[SAHARA_MSG_MAX_PACKET];
	int64_t deadline = mf_deadline(timeout_ms);
	size_t size;
	int n;

	n = sh_read_waiting(c, buf, SAHARA_MSG_HEADER_SIZE, timeout_ms);
	if (n < 0)
		return n;
	memcpy(hdr, buf, SAHARA_MSG_HEADER_SIZE);
	if (buf[0] == '<')
		return SH_XML;
	size = sahara_msg_pkt_size(get_le32(buf));
	if (size == 0 || get_le32(buf + 4) != size)
		return -EBADMSG;
	n = link_read_exact(
		c->l, buf + SAHARA_MSG_HEADER_SIZE,
		size - SAHARA_MSG_HEADER_SIZE,
		mf_remaining_ms(deadline) ? mf_remaining_ms(deadline) : 1);
	if (n < 0)
		return n;
	if (sahara_msg_decode(buf, size, pkt) < 0)
		return -EBADMSG;
	mf_log(c->log, MF_LOG_TRACE, "sahara <- %s",
	       sahara_msg_cmd_name(pkt->cmd));
	return 0;
}

static bool is_hello_hdr(const uint8_t *w)
{
	return get_le32(w) == SAHARA_MSG_HELLO && get_le32(w + 4) == 0x30;
}

/* Slide over garbage one byte at a time until a HELLO header shows up. */
static int sh_scan_hello(struct sconv *c, uint8_t w[8], int64_t deadline)
{
	while (!is_hello_hdr(w)) {
		int left = mf_remaining_ms(deadline);
		int n;

		if (left == 0)
			return -ETIMEDOUT;
		memmove(w, w + 1, 7);
		n = sh_read_waiting(c, w + 7, 1, left);
		if (n < 0)
			return n;
	}
	return 0;
}

static int sh_hello_body(struct sconv *c, const uint8_t w[8],
			 struct sahara_msg_pkt *pkt, int64_t deadline)
{
	uint8_t buf[0x30];
	int n;

	memcpy(buf, w, 8);
	n = link_read_exact(
		c->l, buf + 8, sizeof(buf) - 8,
		mf_remaining_ms(deadline) ? mf_remaining_ms(deadline) : 1);
	if (n < 0)
		return n;
	if (sahara_msg_decode(buf, sizeof(buf), pkt) < 0)
		return -EBADMSG;
	return 0;
}

/*
 * Wait for a HELLO within timeout_ms, skipping well-formed packets of
 * another kind and scanning past garbage. SH_XML only when xml_ok;
 * -EAGAIN for an END_OF_IMAGE when eoi_again (see sh_reset_hello).
 */
static int sh_wait_hello_once(struct sconv *c, struct sahara_msg_pkt *pkt,
			      uint8_t hdr[8], int timeout_ms, bool xml_ok,
			      bool eoi_again)
{
	int64_t deadline = mf_deadline(timeout_ms);

	for (;;) {
		int left = mf_remaining_ms(deadline);
		int ret;

		if (left == 0)
			return -ETIMEDOUT;
		ret = sh_recv(c, pkt, hdr, left);
		if (ret == SH_XML && xml_ok)
			return SH_XML;
		if (ret == 0 && pkt->cmd == SAHARA_MSG_HELLO)
			return 0;
		if (ret == 0 && eoi_again &&
		    pkt->cmd == SAHARA_MSG_END_OF_IMAGE)
			return -EAGAIN;
		if (ret == 0) {
			mf_log(c->log, MF_LOG_INFO,
			       "sahara: skipping %s while waiting for HELLO",
			       sahara_msg_cmd_name(pkt->cmd));
			continue;
		}
		if (ret != -EBADMSG && ret != SH_XML)
			return ret;
		ret = sh_scan_hello(c, hdr, deadline);
		if (ret < 0)
			return ret;
		return sh_hello_body(c, hdr, pkt, deadline);
	}
}

static int sh_fail_desync(struct sconv *c)
{
	mf_err_set(
		c->err, MF_FAILED, -EPROTO,
		"Sahara conversation out of step after %d resynchronisations",
		c->resyncs);
	mf_err_hint(c->err,
		    "power-cycle the module (or pull the BOOT pin again) and "
		    "retry; prefer the USB path over a ttyUSB if it repeats");
	return -EPROTO;
}

/*
 * Ask for a fresh HELLO with RESET_STATE_MACHINE: the boot ROM answers it
 * with HELLO in any state (it sends HELLO only once by itself, so a HELLO
 * that a prober read or that n_tty echoed back is otherwise gone until a
 * replug, docs/usbvm.md finding 1). An END_OF_IMAGE instead means
 * the device threw away what it had buffered - stray echoed bytes in front
 * of our request, and our request with them - so ask again at once.
 * Bounded by max_resync requests of cmd_timeout_ms each.
 */
static int sh_reset_hello(struct sconv *c, struct sahara_msg_pkt *pkt)
{
	uint8_t hdr[8];
	int ret = -ETIMEDOUT;

	while (++c->resyncs <= c->o.max_resync) {
		mf_log(c->log, MF_LOG_WARN,
		       "sahara: no HELLO: asking the device for a fresh one "
		       "(%d)",
		       c->resyncs);
		ret = sh_send_simple(c, SAHARA_MSG_RESET_STATE_MACHINE);
		if (ret < 0)
			return ret;
		ret = sh_wait_hello_once(c, pkt, hdr, c->o.cmd_timeout_ms,
					 false, true);
		if (ret != -EAGAIN && ret != -ETIMEDOUT)
			return ret;
	}
	return ret == -EAGAIN ? sh_fail_desync(c) : ret;
}

/*
 * Bring the device back to a fresh HELLO after garbage: wait for one (a
 * restarting device sends its own; asking at the same time would give
 * two), and if it does not come, ask for it. Bounded by max_resync.
 */
static int sh_resync(struct sconv *c, struct sahara_msg_pkt *pkt)
{
	uint8_t hdr[8];
	int ret;

	if (++c->resyncs > c->o.max_resync)
		return sh_fail_desync(c);
	mf_log(c->log, MF_LOG_WARN, "sahara: resynchronising (%d)", c->resyncs);
	ret = sh_wait_hello_once(c, pkt, hdr, c->o.cmd_timeout_ms, false,
				 false);
	if (ret != -ETIMEDOUT)
		return ret;
	return sh_reset_hello(c, pkt);
}

static int sh_link_fail(struct sconv *c, int ret, const char *what)
{
	if (ret == -ETIMEDOUT) {
		mf_err_set(c->err, MF_TIMEOUT, ret,
			   "Sahara: no answer from the device while %s", what);
		mf_err_hint(c->err,
			    "check that the module is in EDL (05c6:9008) and "
			    "that no other program uses the port");
	} else if (ret == -ENODEV) {
		mf_err_set(c->err, MF_NO_DEVICE, ret,
			   "Sahara: the device vanished while %s", what);
		mf_err_hint(c->err, "check the cable and power; the module may "
				    "have rebooted");
	} else if (ret == -EBADMSG || ret == SH_XML) {
		return sh_fail_desync(c);
	} else {
		mf_err_set(c->err, MF_FAILED, ret,
			   "Sahara: link error while %s: %s", what,
			   strerror(-ret));
	}
	return ret < 0 ? ret : -EPROTO;
}

static int sh_hello_resp(struct sconv *c, uint32_t mode)
{
	struct sahara_msg_pkt pkt = { .cmd = SAHARA_MSG_HELLO_RESP };

	pkt.u.hello_resp.version = 2;
	pkt.u.hello_resp.compatible = 1;
	pkt.u.hello_resp.status = SAHARA_MSG_STATUS_SUCCESS;
	pkt.u.hello_resp.mode = mode;
	return sh_send(c, &pkt);
}

/*
 * Firehose XML arrived instead of a HELLO: the programmer already runs.
 * Its first bytes go back into the link, so the Firehose session reads
 * the stream whole.
 */
static void sh_leave_xml(struct sconv *c, const uint8_t hdr[8])
{
	if (link_unread(c->l, hdr, SAHARA_MSG_HEADER_SIZE) < 0)
		mf_log(c->log, MF_LOG_WARN,
		       "sahara: no room to push back the programmer's first "
		       "bytes");
}

static void sh_keep_xml(struct sconv *c, const uint8_t hdr[8],
			struct sahara_result *res)
{
	sh_leave_xml(c, hdr);
	res->firehose_running = true;
	mf_log(c->log, MF_LOG_INFO,
	       "the Firehose programmer is already running: skipping Sahara");
}

static int sh_serve(struct sconv *c, int fd, uint64_t size,
		    const struct sahara_msg_pkt *pkt, struct sahara_result *res)
{
	uint64_t off = pkt->u.read.offset, len = pkt->u.read.length;
	uint8_t buf[SH_CHUNK];

	res->image_id = (uint32_t)pkt->u.read.image_id;
	if ((c->o.image_id && pkt->u.read.image_id != c->o.image_id) ||
	    off > size || len > size - off || len == 0) {
		sh_send_simple(c, SAHARA_MSG_RESET);
		mf_err_set(c->err, MF_FAILED, -ERANGE,
			   "Sahara: the device asked for image %" PRIu64
			   " bytes %" PRIu64 "+%" PRIu64 " outside the %" PRIu64
			   "-byte programmer",
			   pkt->u.read.image_id, off, len, size);
		mf_err_hint(c->err,
			    "the programmer does not match this chip; use the "
			    "programmer of the module's package");
		return -ERANGE;
	}
	while (len) {
		size_t n = len > sizeof(buf) ? sizeof(buf) : (size_t)len;
		ssize_t r = pread(fd, buf, n, (off_t)off);
		int w;

		if (r != (ssize_t)n)
			return mf_err_set(c->err, MF_FAILED, -EIO,
					  "cannot read the programmer file");
		w = link_write(c->l, buf, n, c->o.cmd_timeout_ms);
		if (w < 0)
			return sh_link_fail(c, w, "sending the programmer");
		off += n;
		len -= n;
		res->bytes_served += n;
	}
	mf_progress(c->log, "sahara", res->bytes_served, size);
	return 0;
}

static bool pending_ok(uint32_t image_id)
{
	static const uint32_t ids[] = { SAHARA_MSG_IMAGE_NPRG,
					SAHARA_MSG_IMAGE_FIREHOSE,
					SAHARA_MSG_IMAGE_SBL1 };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == image_id)
			return true;
	return false;
}

static int sh_done(struct sconv *c, struct sahara_result *res)
{
	struct sahara_msg_pkt pkt;
	uint8_t hdr[8];
	int ret;

	ret = sh_send_simple(c, SAHARA_MSG_DONE);
	if (ret < 0)
		return sh_link_fail(c, ret, "sending DONE");
	ret = sh_recv(c, &pkt, hdr, c->o.cmd_timeout_ms);
	if (ret != 0)
		return sh_link_fail(c, ret, "waiting for DONE_RESP");
	if (pkt.cmd != SAHARA_MSG_DONE_RESP)
		return mf_err_set(c->err, MF_FAILED, -EPROTO,
				  "Sahara: %s instead of DONE_RESP",
				  sahara_msg_cmd_name(pkt.cmd));
	res->done_status = pkt.u.done_resp.status;
	if (res->done_status == 1 || pending_ok(res->image_id))
		return 0;
	mf_err_set(c->err, MF_FAILED, -EPROTO,
		   "Sahara: the device wants more images after image %u",
		   res->image_id);
	mf_err_hint(c->err, "this module needs a different boot flow; check "
			    "that the package is for this chip");
	return -EPROTO;
}

static int sh_eoi(struct sconv *c, const struct sahara_msg_pkt *pkt,
		  struct sahara_result *res)
{
	uint32_t st = pkt->u.eoi.status;
	int code;

	if (st == SAHARA_MSG_STATUS_SUCCESS)
		return sh_done(c, res);
	code = (st == SAHARA_MSG_STATUS_HASH_TABLE_AUTH_FAILURE ||
		st == SAHARA_MSG_STATUS_HASH_VERIFICATION_FAILURE ||
		st == SAHARA_MSG_STATUS_IMAGE_AUTH_FAILURE)
		       ? -EPERM
		       : -EIO;
	mf_err_set(c->err, MF_FAILED, code,
		   "Sahara: the device rejected image %u with status 0x%02x %s",
		   pkt->u.eoi.image_id, st, sahara_msg_status_name(st));
	if (code == -EPERM)
		mf_err_hint(
			c->err,
			"the module only boots programmers signed for it: use "
			"the programmer from a package for this exact module");
	else
		mf_err_hint(c->err,
			    "power-cycle the module into EDL and retry");
	return code;
}

/* Garbage in hdr: scan on to a HELLO (2: it is in pkt) or fail. */
static int sh_hello_after(struct sconv *c, struct sahara_msg_pkt *pkt,
			  uint8_t hdr[8])
{
	int64_t deadline = mf_deadline(c->o.cmd_timeout_ms);
	int ret = sh_scan_hello(c, hdr, deadline);

	if (ret == 0)
		ret = sh_hello_body(c, hdr, pkt, deadline);
	if (ret == -ETIMEDOUT || ret == -EBADMSG)
		return 1; /* resynchronise: wait, then ask */
	if (ret < 0)
		return sh_link_fail(c, ret, "resynchronising");
	return 2;
}

/* The image loop after HELLO_RESP; returns 1 to restart at HELLO. */
static int sh_image_loop(struct sconv *c, int fd, uint64_t size,
			 struct sahara_result *res, struct sahara_msg_pkt *pkt)
{
	uint8_t hdr[8];
	int ret;

	for (;;) {
		ret = sh_recv(c, pkt, hdr, c->o.cmd_timeout_ms);
		if (ret == -EBADMSG || ret == SH_XML)
			return 1;
		if (ret < 0)
			return sh_link_fail(c, ret,
					    "waiting for a read request");
		switch (pkt->cmd) {
		case SAHARA_MSG_HELLO: /* the device restarted: answer again */
			return 2;
		case SAHARA_MSG_READ_DATA:
		case SAHARA_MSG_READ_DATA_64:
			ret = sh_serve(c, fd, size, pkt, res);
			if (ret < 0)
				return ret;
			break;
		case SAHARA_MSG_END_OF_IMAGE:
			if (pkt->u.eoi.status !=
				    SAHARA_MSG_STATUS_INVALID_CMD ||
			    res->bytes_served != 0)
				return sh_eoi(c, pkt, res);
			/*
			 * Before any data: the device rejected an echo of its
			 * own HELLO (its request for our answer follows at
			 * once), or our HELLO_RESP was mangled: start over.
			 */
			ret = sh_recv(c, pkt, hdr, SH_ECHO_MS);
			if (ret == 0 && (pkt->cmd == SAHARA_MSG_READ_DATA ||
					 pkt->cmd == SAHARA_MSG_READ_DATA_64)) {
				ret = sh_serve(c, fd, size, pkt, res);
				if (ret < 0)
					return ret;
				break;
			}
			if (ret == 0 && pkt->cmd == SAHARA_MSG_HELLO)
				return 2;
			if (ret == -EBADMSG) /* garbage, then a HELLO? */
				return sh_hello_after(c, pkt, hdr);
			return 1;
		default:
			sh_send_simple(c, SAHARA_MSG_RESET);
			return mf_err_set(
				c->err, MF_FAILED, -EPROTO,
				"Sahara: unexpected %s during image transfer",
				sahara_msg_cmd_name(pkt->cmd));
		}
	}
}

int sahara_run_image_fd(struct link *l, int fd, uint64_t size,
			const struct sahara_opts *o, struct sahara_result *res,
			const struct mf_log *log, struct mf_err *err)
{
	struct sconv c = { .l = l, .log = log, .err = err };
	struct sahara_msg_pkt pkt;
	uint8_t hdr[8];
	int ret;

	if (o)
		c.o = *o;
	else
		sahara_opts_default(&c.o);
	memset(res, 0, sizeof(*res));
	ret = sh_wait_hello_once(&c, &pkt, hdr, c.o.hello_timeout_ms, true,
				 false);
	if (ret == SH_XML) {
		sh_keep_xml(&c, hdr, res);
		return 0;
	}
	if (ret == -ETIMEDOUT) /* a swallowed HELLO: ask for a new one */
		ret = sh_reset_hello(&c, &pkt);
	for (;;) {
		if (ret < 0)
			return sh_link_fail(&c, ret, "waiting for HELLO");
		res->version = pkt.u.hello.version;
		mf_log(log, MF_LOG_INFO,
		       "sahara: HELLO version %u (compatible %u) mode %u",
		       pkt.u.hello.version, pkt.u.hello.compatible,
		       pkt.u.hello.mode);
		ret = sh_hello_resp(&c, SAHARA_MSG_MODE_IMAGE_TX_PENDING);
		if (ret < 0)
			return sh_link_fail(&c, ret, "answering HELLO");
		ret = sh_image_loop(&c, fd, size, res, &pkt);
		if (ret <= 0)
			return ret;
		if (ret == 2) { /* a fresh HELLO is already in pkt */
			if (++c.resyncs > c.o.max_resync)
				return sh_fail_desync(&c);
			ret = 0;
			continue;
		}
		res->bytes_served = 0;
		ret = sh_resync(&c, &pkt);
	}
}

int sahara_run_image(struct link *l, const char *path,
		     const struct sahara_opts *o, struct sahara_result *res,
		     const struct mf_log *log, struct mf_err *err)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = mf_err_set(err, MF_BAD_PACKAGE, -ENOENT,
				 "cannot open the programmer %s", path);
		if (fd >= 0)
			close(fd);
		return ret;
	}
	ret = sahara_run_image_fd(l, fd, (uint64_t)st.st_size, o, res, log,
				  err);
	close(fd);
	return ret;
}

/* ---- command mode ---- */

static int sh_execute(struct sconv *c, uint32_t cmd, uint8_t *buf, size_t cap,
		      size_t *len)
{
	struct sahara_msg_pkt pkt = { .cmd = SAHARA_MSG_EXECUTE };
	uint8_t hdr[8];
	uint32_t dlen;
	int ret;

	pkt.u.execute.client_cmd = cmd;
	ret = sh_send(c, &pkt);
	if (ret < 0)
		return ret;
	ret = sh_recv(c, &pkt, hdr, c->o.cmd_timeout_ms);
	if (ret > 0)
		return -EBADMSG;
	if (ret < 0)
		return ret;
	if (pkt.cmd == SAHARA_MSG_END_OF_IMAGE)
		return -EOPNOTSUPP;
	if (pkt.cmd != SAHARA_MSG_EXECUTE_RESP ||
	    pkt.u.execute_resp.client_cmd != cmd)
		return -EBADMSG;
	dlen = pkt.u.execute_resp.data_len;
	if (dlen > cap)
		return -EBADMSG;
	pkt = (struct sahara_msg_pkt){ .cmd = SAHARA_MSG_EXECUTE_DATA };
	pkt.u.execute.client_cmd = cmd;
	ret = sh_send(c, &pkt);
	if (ret < 0)
		return ret;
	if (dlen) {
		ret = link_read_exact(c->l, buf, dlen, c->o.cmd_timeout_ms);
		if (ret < 0)
			return ret;
	}
	*len = dlen;
	return dlen ? 0 : -EOPNOTSUPP;
}

static int sh_id_hwid(struct sconv *c, struct sahara_identity *id, uint8_t *buf,
		      size_t cap)
{
	size_t n;
	int ret;

	/* v3 targets answer the chip id query; older ones the HW id */
	if (id->version >= 3) {
		ret = sh_execute(c, SAHARA_MSG_EXEC_READ_CHIP_ID_V3, buf, cap,
				 &n);
		if (ret == 0 && n >= 44) {
			id->msm_id = get_le32(buf + 36);
			id->oem_id = get_le16(buf + 40);
			if (!id->oem_id && n >= 46)
				id->oem_id = get_le16(buf + 44);
			id->model_id = get_le16(buf + 42);
			goto out_ok;
		}
		if (ret == -ENODEV || ret == -ETIMEDOUT)
			return ret;
	}
	ret = sh_execute(c, SAHARA_MSG_EXEC_MSM_HW_ID_READ, buf, cap, &n);
	if (ret < 0)
		return ret;
	if (n < 8)
		return -EBADMSG;
	id->msm_id = (uint32_t)(get_le64(buf) >> 32);
	id->oem_id = (uint16_t)(get_le64(buf) >> 16);
	id->model_id = (uint16_t)get_le64(buf);
out_ok:
	id->hwid = ((uint64_t)id->msm_id << 32) | ((uint64_t)id->oem_id << 16) |
		   id->model_id;
	id->have_hwid = true;
	return 0;
}

static bool fatal(int ret)
{
	return ret == -ENODEV || ret == -ETIMEDOUT;
}

static int sh_id_queries(struct sconv *c, struct sahara_identity *id)
{
	uint8_t buf[SH_EXEC_MAX];
	size_t n;
	int ret;

	ret = sh_execute(c, SAHARA_MSG_EXEC_SERIAL_NUM_READ, buf, sizeof(buf),
			 &n);
	if (ret == 0 && n >= 4) {
		id->serial = get_le32(buf);
		id->have_serial = true;
	} else if (fatal(ret)) {
		return ret;
	}
	ret = sh_id_hwid(c, id, buf, sizeof(buf));
	if (fatal(ret))
		return ret;
	ret = sh_execute(c, SAHARA_MSG_EXEC_OEM_PK_HASH_READ, buf, sizeof(buf),
			 &n);
	if (ret == 0) {
		n = sahara_msg_pkhash_trim(buf, n);
		if (n > sizeof(id->pkhash))
			n = sizeof(id->pkhash);
		memcpy(id->pkhash, buf, n);
		id->pkhash_len = n;
	} else if (fatal(ret)) {
		return ret;
	}
	return 0;
}

/*
 * END_OF_IMAGE(INVALID_CMD) before CMD_READY is either a refusal (SC20) or
 * the device rejecting its own HELLO that n_tty echoed back before raw
 * mode (docs/usbvm.md finding 1), in which case our HELLO_RESP is
 * answered right after it: look for that CMD_READY briefly.
 */
static int sh_echo_rejected(struct sconv *c, struct sahara_msg_pkt *pkt,
			    uint8_t hdr[8])
{
	struct sahara_msg_pkt next;
	int ret;

	if (pkt->cmd != SAHARA_MSG_END_OF_IMAGE ||
	    pkt->u.eoi.status != SAHARA_MSG_STATUS_INVALID_CMD)
		return 0;
	ret = sh_recv(c, &next, hdr,
		      c->o.cmd_timeout_ms < SH_ECHO_MS ? c->o.cmd_timeout_ms
						       : SH_ECHO_MS);
	if (ret == -ETIMEDOUT || ret == -EBADMSG || ret == SH_XML)
		return 0; /* a real refusal */
	if (ret < 0)
		return ret;
	if (next.cmd == SAHARA_MSG_CMD_READY)
		mf_log(c->log, MF_LOG_INFO,
		       "sahara: the device rejected an echo of its HELLO; "
		       "command mode follows");
	*pkt = next;
	return 0;
}

int sahara_identify(struct link *l, const struct sahara_opts *o,
		    struct sahara_identity *id, const struct mf_log *log,
		    struct mf_err *err)
{
	struct sconv c = { .l = l, .log = log, .err = err };
	struct sahara_msg_pkt pkt;
	uint8_t hdr[8];
	int ret;

	if (o)
		c.o = *o;
	else
		sahara_opts_default(&c.o);
	memset(id, 0, sizeof(*id));
	ret = sh_wait_hello_once(&c, &pkt, hdr, c.o.hello_timeout_ms, true,
				 false);
	if (ret == SH_XML) {
		sh_leave_xml(&c, hdr);
		mf_log(log, MF_LOG_INFO,
		       "the Firehose programmer is already running: no Sahara "
		       "identity");
		return -EALREADY;
	}
	if (ret == -ETIMEDOUT) /* a swallowed HELLO: ask for a new one */
		ret = sh_reset_hello(&c, &pkt);
	if (ret < 0)
		return sh_link_fail(&c, ret, "waiting for HELLO");
	id->version = pkt.u.hello.version;
	ret = sh_hello_resp(&c, SAHARA_MSG_MODE_COMMAND);
	if (ret < 0)
		return sh_link_fail(&c, ret, "answering HELLO");
	ret = sh_recv(&c, &pkt, hdr, c.o.cmd_timeout_ms);
	if (ret != 0)
		return sh_link_fail(&c, ret, "entering command mode");
	ret = sh_echo_rejected(&c, &pkt, hdr);
	if (ret < 0)
		return sh_link_fail(&c, ret, "entering command mode");
	if (pkt.cmd != SAHARA_MSG_CMD_READY) {
		/* refused (SC20: END_OF_IMAGE 13/1): ask for a fresh HELLO */
		mf_log(log, MF_LOG_INFO, "sahara: command mode refused (%s)",
		       sahara_msg_cmd_name(pkt.cmd));
		ret = sh_send_simple(&c, SAHARA_MSG_RESET_STATE_MACHINE);
		return ret < 0 ? sh_link_fail(&c, ret, "leaving command mode")
			       : 0;
	}
	id->cmd_mode = true;
	ret = sh_id_queries(&c, id);
	if (ret < 0)
		return sh_link_fail(&c, ret, "reading the identity");
	pkt = (struct sahara_msg_pkt){ .cmd = SAHARA_MSG_SWITCH_MODE };
	pkt.u.switch_mode.mode = SAHARA_MSG_MODE_IMAGE_TX_PENDING;
	ret = sh_send(&c, &pkt);
	return ret < 0 ? sh_link_fail(&c, ret, "leaving command mode") : 0;
}

void sahara_hwid_str(const struct sahara_identity *id, char *out, size_t cap)
{
	snprintf(out, cap, "0x%016" PRIx64, id->hwid);
}

void sahara_pkhash_str(const struct sahara_identity *id, char *out, size_t cap)
{
	size_t i;

	if (cap)
		out[0] = '\0';
	for (i = 0; i < id->pkhash_len && 2 * i + 2 < cap; i++)
		snprintf(out + 2 * i, 3, "%02x", id->pkhash[i]);
}
