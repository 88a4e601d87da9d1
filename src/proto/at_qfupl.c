// SPDX-License-Identifier: BSD-3-Clause
/*
 * AT+QFUPL: upload a file into the module's UFS (docs/protocols.md, AT), in ACK
 * mode: the module sends one 'A' per 1024 bytes and we wait for it before
 * the next KiB, so a slow UART never overruns the module.
 */
#include "proto/at.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

#define QFUPL_BLOCK 1024

/* The 'A' after a block, said every MF_WAIT_REPORT_MS while it is due. */
static int qfupl_wait_ack(struct at_port *p, uint64_t done)
{
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(p->ack_timeout_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;

	for (;;) {
		size_t used = 0;
		struct at_msg_line line;
		int ret, due;
		bool cut;

		if (p->rx_off < p->rx_len) {
			ret = at_msg_reader_feed(&p->rd, p->rx + p->rx_off,
						 p->rx_len - p->rx_off, &used,
						 &line);
			p->rx_off += used;
			if (ret == 1 && line.type == AT_MSG_LINE_ACK)
				return 0;
			if (ret == 1 && at_msg_line_is_final(line.type))
				return -EREMOTEIO;
			continue;
		}
		ret = mf_remaining_ms(deadline);
		if (ret == 0)
			return -ETIMEDOUT;
		due = mf_remaining_ms(report);
		cut = ret < 0 || due < ret;
		ret = cut && !due ? -ETIMEDOUT
				  : link_read(p->link, p->rx, sizeof(p->rx),
					      cut ? due : ret);
		if (ret == -ETIMEDOUT && cut) {
			char what[sizeof(p->link->name) + 96];

			snprintf(what, sizeof(what),
				 "the module's acknowledgement of the upload "
				 "(%" PRIu64 " bytes sent) on %s",
				 done, p->link->name);
			mf_waiting(p->log, what, mf_now_ms() - t0,
				   p->ack_timeout_ms);
			report += MF_WAIT_REPORT_MS;
			continue;
		}
		if (ret < 0)
			return ret;
		p->rx_off = 0;
		p->rx_len = (size_t)ret;
	}
}

static int qfupl_send(struct at_port *p, int fd, uint64_t size,
		      struct at_msg_qfupl_sum *sum)
{
	uint8_t buf[QFUPL_BLOCK];
	uint64_t done = 0;

	while (done < size) {
		size_t n = size - done > sizeof(buf) ? sizeof(buf)
						     : (size_t)(size - done);
		ssize_t r;
		int ret;

		/* between blocks: the caller deletes what arrived */
		if (mf_stop_requested(p->stop))
			return -EINTR;
		r = read(fd, buf, n);
		if (r != (ssize_t)n)
			return -EIO;
		at_msg_qfupl_sum_update(sum, buf, n);
		ret = link_write(p->link, buf, n, p->ack_timeout_ms);
		if (ret < 0)
			return ret;
		done += n;
		if (n == QFUPL_BLOCK) {
			ret = qfupl_wait_ack(p, done);
			if (ret < 0)
				return ret;
		}
		mf_progress(p->log, "upload", done, size);
	}
	return 0;
}

static int qfupl_check(struct at_port *p, const struct at_reply *r,
		       uint64_t size, uint16_t sum, struct at_qfupl_result *res)
{
	char v[64];
	unsigned long long got;
	unsigned int cs;

	if (at_reply_find(r, "+QFUPL: ", v, sizeof(v)) < 0 ||
	    sscanf(v, "%llu,%x", &got, &cs) != 2)
		return mf_err_set(p->err, MF_FAILED, -EBADMSG,
				  "AT+QFUPL ended without its +QFUPL: "
				  "size,checksum line");
	res->size = got;
	res->checksum = (uint16_t)cs;
	if (got != size || cs != sum) {
		mf_err_set(p->err, MF_MISMATCH, -EBADMSG,
			   "upload damaged: module got %llu bytes checksum "
			   "%04x, sent %" PRIu64 " bytes checksum %04x",
			   got, cs, size, sum);
		mf_err_hint(p->err, "retry the upload; on a UART use hardware "
				    "flow control or a lower speed");
		return -EBADMSG;
	}
	return 0;
}

int at_qfupl(struct at_port *p, const char *name, int fd, uint64_t size,
	     int timeout_s, struct at_qfupl_result *res)
{
	struct at_msg_qfupl_sum sum;
	struct at_reply r;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = at_cmdf(p, AT_DEFAULT_TIMEOUT_MS, &r,
		      "AT+QFUPL=\"%s\",%" PRIu64 ",%d,1", name, size,
		      timeout_s);
	if (ret < 0)
		return ret;
	if (r.result != AT_RES_CONNECT)
		return mf_err_set(p->err, MF_FAILED, -EPROTO,
				  "AT+QFUPL answered OK without CONNECT");
	at_msg_qfupl_sum_init(&sum);
	at_msg_reader_set_ack_mode(&p->rd, true);
	ret = qfupl_send(p, fd, size, &sum);
	at_msg_reader_set_ack_mode(&p->rd, false);
	if (ret < 0) {
		at_data_abort(p);
		if (ret == -EIO)
			return mf_err_set(p->err, MF_FAILED, ret,
					  "cannot read the upload file");
		return mf_err_set(p->err, mf_status_from_errno(ret), ret,
				  "upload of %s failed: %s", name,
				  ret == -ETIMEDOUT
					  ? "the module stopped acknowledging"
					  : strerror(-ret));
	}
	memset(&r, 0, sizeof(r));
	at_msg_reader_expect_echo(&p->rd, "AT+QFUPL");
	ret = at_cmd_finish(p, "AT+QFUPL", (timeout_s + 5) * 1000, &r);
	if (ret < 0)
		return ret;
	return qfupl_check(p, &r, size, at_msg_qfupl_sum_final(&sum), res);
}
