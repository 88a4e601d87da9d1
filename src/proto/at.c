// SPDX-License-Identifier: BSD-3-Clause
/*
 * AT conversations (docs/protocols.md, AT): commands with INFO lines and a
 * final result, URCs on the side, and the AT+QFUPL raw upload.
 */
#include "proto/at.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

void at_init(struct at_port *p, struct link *l, const struct mf_log *log,
	     struct mf_err *err)
{
	memset(p, 0, sizeof(*p));
	p->link = l;
	p->log = log;
	p->err = err;
	p->guard_ms = 1000;
	p->ack_timeout_ms = 5000;
	at_msg_reader_init(&p->rd);
}

void at_set_urc(struct at_port *p, at_urc_fn fn, void *ctx)
{
	p->urc = fn;
	p->urc_ctx = ctx;
}

/*
 * A wait for a line: until deadline, cut at report times (every
 * MF_WAIT_REPORT_MS from t0): a slice that ends in silence says what it
 * waits for ("the answer to AT+CFUN=1,1", "the URC +QIND:").
 */
struct at_wait {
	int64_t t0, deadline, report;
	int timeout_ms;
	const char *what, *arg;
};

static void at_wait_init(struct at_wait *w, int timeout_ms, const char *what,
			 const char *arg)
{
	w->t0 = mf_now_ms();
	w->deadline = mf_deadline(timeout_ms);
	w->report = w->t0 + MF_WAIT_REPORT_MS;
	w->timeout_ms = timeout_ms;
	w->what = what;
	w->arg = arg;
}

static void at_wait_say(struct at_port *p, struct at_wait *w)
{
	char what[sizeof(p->link->name) + 200];

	snprintf(what, sizeof(what), "%s%s on %s", w->what, w->arg,
		 p->link->name);
	mf_waiting(p->log, what, mf_now_ms() - w->t0, w->timeout_ms);
	w->report += MF_WAIT_REPORT_MS;
}

/* Next line before the wait's deadline (URCs too: the callers sort). */
static int at_next_line(struct at_port *p, struct at_wait *w,
			struct at_msg_line *line)
{
	for (;;) {
		size_t used = 0;
		int ret, due;
		bool cut;

		if (p->rx_off < p->rx_len) {
			ret = at_msg_reader_feed(&p->rd, p->rx + p->rx_off,
						 p->rx_len - p->rx_off, &used,
						 line);
			p->rx_off += used;
			if (ret == 1)
				return 0;
			if (ret < 0)
				mf_log(p->log, MF_LOG_WARN,
				       "at: overlong line dropped");
			continue;
		}
		ret = mf_remaining_ms(w->deadline);
		if (ret == 0)
			return -ETIMEDOUT;
		due = mf_remaining_ms(w->report);
		cut = ret < 0 || due < ret;
		if (cut && due == 0) {
			at_wait_say(p, w);
			continue;
		}
		ret = link_read(p->link, p->rx, sizeof(p->rx), cut ? due : ret);
		if (ret == -ETIMEDOUT && cut) {
			at_wait_say(p, w);
			continue;
		}
		if (ret < 0)
			return ret;
		p->rx_off = 0;
		p->rx_len = (size_t)ret;
	}
}

static void at_urc(struct at_port *p, const char *text)
{
	mf_log(p->log, MF_LOG_DEVICE, "%s", text);
	if (p->urc)
		p->urc(p->urc_ctx, text);
}

static enum at_result at_final(enum at_msg_line_type t)
{
	switch (t) {
	case AT_MSG_LINE_OK:
		return AT_RES_OK;
	case AT_MSG_LINE_ERROR:
		return AT_RES_ERROR;
	case AT_MSG_LINE_CME_ERROR:
		return AT_RES_CME_ERROR;
	case AT_MSG_LINE_CMS_ERROR:
		return AT_RES_CMS_ERROR;
	case AT_MSG_LINE_NO_CARRIER:
		return AT_RES_NO_CARRIER;
	case AT_MSG_LINE_CONNECT:
		return AT_RES_CONNECT;
	default:
		return AT_RES_NONE;
	}
}

static void at_add_info(struct at_reply *r, const char *text)
{
	size_t len = strlen(r->text);

	snprintf(r->text + len, sizeof(r->text) - len, "%s%s",
		 r->nlines ? "\n" : "", text);
	r->nlines++;
}

static int at_fail(struct at_port *p, const char *cmd, int ret,
		   const struct at_reply *r)
{
	if (ret == -ETIMEDOUT) {
		mf_err_set(p->err, MF_TIMEOUT, ret, "no answer to %s on %s",
			   cmd, p->link->name);
		mf_err_hint(p->err, "check that this is the module's AT port "
				    "and that nothing else is using it");
	} else if (ret == -ENODEV) {
		mf_err_set(p->err, MF_NO_DEVICE, ret, "%s vanished during %s",
			   p->link->name, cmd);
	} else if (r && r->result == AT_RES_CME_ERROR) {
		mf_err_set(p->err, MF_FAILED, ret, "%s failed: +CME ERROR: %d",
			   cmd, r->code);
	} else if (r && r->result == AT_RES_CMS_ERROR) {
		mf_err_set(p->err, MF_FAILED, ret, "%s failed: +CMS ERROR: %d",
			   cmd, r->code);
	} else {
		mf_err_set(p->err, MF_FAILED, ret, "%s failed: ERROR", cmd);
	}
	return ret;
}

int at_cmd_finish(struct at_port *p, const char *cmd, int timeout_ms,
		  struct at_reply *r)
{
	struct at_wait w;
	struct at_msg_line line;
	int ret;

	at_wait_init(&w, timeout_ms, "the answer to ", cmd);
	memset(r, 0, sizeof(*r));
	r->code = -1;

	for (;;) {
		ret = at_next_line(p, &w, &line);
		if (ret < 0)
			return at_fail(p, cmd, ret, NULL);
		if (line.type == AT_MSG_LINE_ECHO ||
		    line.type == AT_MSG_LINE_ACK)
			continue;
		if (line.type == AT_MSG_LINE_URC) {
			at_urc(p, line.text);
			continue;
		}
		r->result = at_final(line.type);
		if (r->result == AT_RES_NONE) {
			at_add_info(r, line.text);
			continue;
		}
		r->code = line.code;
		if (r->result == AT_RES_OK || r->result == AT_RES_CONNECT)
			return 0;
		return at_fail(p, cmd, -EREMOTEIO, r);
	}
}

int at_cmd(struct at_port *p, const char *cmd, int timeout_ms,
	   struct at_reply *out)
{
	struct at_reply tmp;
	char line[AT_MSG_LINE_MAX + 2];
	int n;

	if (!out)
		out = &tmp;
	memset(out, 0, sizeof(*out));
	out->code = -1;
	n = snprintf(line, sizeof(line), "%s\r", cmd);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	at_msg_reader_expect_echo(&p->rd, cmd);
	mf_log(p->log, MF_LOG_TRACE, "at -> %s", cmd);
	n = link_write(p->link, line, (size_t)n, timeout_ms);
	if (n < 0)
		return at_fail(p, cmd, n, NULL);
	return at_cmd_finish(p, cmd, timeout_ms, out);
}

int at_cmdf(struct at_port *p, int timeout_ms, struct at_reply *out,
	    const char *fmt, ...)
{
	char cmd[AT_MSG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -EINVAL;
	return at_cmd(p, cmd, timeout_ms, out);
}

int at_open(struct at_port *p, struct link *l, const struct mf_log *log,
	    struct mf_err *err)
{
	int ret = -ETIMEDOUT;

	at_init(p, l, log, NULL);
	/* the first answers may be lost in boot chatter: try a few times */
	for (int i = 0; i < 3 && ret < 0; i++) {
		ret = at_cmd(p, "AT", 1000, NULL);
		if (ret == -ENODEV)
			break;
	}
	if (ret == 0)
		ret = at_cmd(p, "ATE0", AT_DEFAULT_TIMEOUT_MS, NULL);
	p->err = err;
	if (ret == -ETIMEDOUT) {
		mf_err_set(err, MF_TIMEOUT, ret, "%s does not answer AT",
			   l->name);
		mf_err_hint(
			err,
			"check the baud rate (115200), that this is the AT "
			"port (not DM/NMEA) and that the module is powered; a "
			"module with USB disabled answers only on its UART");
	} else if (ret < 0) {
		at_fail(p, "AT", ret, NULL);
	}
	return ret;
}

int at_wait_urc(struct at_port *p, const char *prefix, int timeout_ms,
		char *out, size_t cap)
{
	size_t plen = strlen(prefix);
	struct at_wait w;
	struct at_msg_line line;
	int ret;

	at_wait_init(&w, timeout_ms, "a URC ", prefix);
	at_msg_reader_expect_echo(&p->rd, "");
	for (;;) {
		ret = at_next_line(p, &w, &line);
		if (ret < 0)
			return ret;
		if (!strncmp(line.text, prefix, plen)) {
			mf_log(p->log, MF_LOG_DEVICE, "%s", line.text);
			if (cap)
				snprintf(out, cap, "%s", line.text);
			return 0;
		}
		at_urc(p, line.text);
	}
}

int at_reply_find(const struct at_reply *r, const char *prefix, char *out,
		  size_t cap)
{
	size_t plen = strlen(prefix);
	const char *l = r->text;

	for (unsigned i = 0; i < r->nlines && *l; i++) {
		size_t n = strcspn(l, "\n");

		if (n >= plen && !strncmp(l, prefix, plen)) {
			snprintf(out, cap, "%.*s", (int)(n - plen), l + plen);
			return 0;
		}
		l += n + (l[n] ? 1 : 0);
	}
	return -ENOENT;
}

static void at_parse_ati(const struct at_reply *r, struct at_identity *id)
{
	const char *l = r->text;

	for (unsigned i = 0; i < r->nlines && *l; i++) {
		size_t n = strcspn(l, "\n");

		if (n > 10 && !strncmp(l, "Revision: ", 10))
			snprintf(id->revision, sizeof(id->revision), "%.*s",
				 (int)(n - 10), l + 10);
		else if (i == 0)
			snprintf(id->manufacturer, sizeof(id->manufacturer),
				 "%.*s", (int)n, l);
		else if (i == 1)
			snprintf(id->model, sizeof(id->model), "%.*s", (int)n,
				 l);
		l += n + (l[n] ? 1 : 0);
	}
}

int at_query_qgmr(struct at_port *p, char *out, size_t cap)
{
	struct at_reply r;
	int ret = at_cmd(p, "AT+QGMR", AT_DEFAULT_TIMEOUT_MS, &r);

	if (ret < 0)
		return ret;
	if (at_reply_find(&r, "+QGMR: ", out, cap) == 0)
		return 0;
	return at_reply_find(&r, "", out, cap);
}

int at_query_cgsn(struct at_port *p, char *out, size_t cap)
{
	struct at_reply r;
	int ret = at_cmd(p, "AT+CGSN", AT_DEFAULT_TIMEOUT_MS, &r);

	if (ret == -EREMOTEIO)
		ret = at_cmd(p, "AT+GSN", AT_DEFAULT_TIMEOUT_MS, &r);
	if (ret < 0)
		return ret;
	if (at_reply_find(&r, "+CGSN: ", out, cap) == 0)
		return 0;
	return at_reply_find(&r, "", out, cap);
}

int at_identify(struct at_port *p, struct at_identity *id)
{
	struct mf_err *keep = p->err;
	struct at_reply r;
	int ret;

	memset(id, 0, sizeof(*id));
	ret = at_cmd(p, "ATI", AT_DEFAULT_TIMEOUT_MS, &r);
	if (ret < 0)
		return ret;
	at_parse_ati(&r, id);
	/* optional answers: a failure here is not the caller's error */
	p->err = NULL;
	ret = at_query_qgmr(p, id->full_revision, sizeof(id->full_revision));
	if (ret < 0 && ret != -EREMOTEIO)
		goto out;
	if (ret < 0)
		snprintf(id->full_revision, sizeof(id->full_revision), "%s",
			 id->revision);
	ret = at_query_cgsn(p, id->imei, sizeof(id->imei));
	if (ret == -EREMOTEIO)
		ret = 0;
out:
	p->err = keep;
	if (ret < 0)
		at_fail(p, "ATI/AT+QGMR/AT+CGSN", ret, NULL);
	return ret;
}

int at_data_abort(struct at_port *p)
{
	int ret;

	mf_sleep_ms(p->guard_ms);
	ret = link_write(p->link, "+++", 3, 1000);
	if (ret < 0)
		return ret;
	mf_sleep_ms(p->guard_ms);
	return 0;
}
