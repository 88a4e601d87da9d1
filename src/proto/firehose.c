// SPDX-License-Identifier: BSD-3-Clause
/*
 * Firehose, host side: session, document framing, logs, configure and the
 * small commands. Data transfers are in firehose_data.c.
 */
#include "proto/firehose_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

#define FH_PAYLOAD_MIN 512
#define FH_PAYLOAD_MAX (16u << 20)
#define FH_SETTLE_MS   1 /* start-up: quiet time after the function list */

int fh_init(struct fh_session *s, struct link *l, const struct mf_log *log,
	    struct mf_err *err)
{
	memset(s, 0, sizeof(*s));
	s->link = l;
	s->log = log;
	s->err = err;
	s->rd = fh_msg_reader_new();
	if (!s->rd)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	s->payload = 8192;
	s->payload_from = 8192;
	s->max_xml = 4096;
	s->t = (struct fh_timeouts){
		.idle_ms = 1000,
		.startup_max_ms = 10000,
		.cmd_ms = 5000,
		.erase_ms = 10000,
		.program_ack_ms = 10000,
		.data_ms = 10000,
		.program_final_ms = 30000,
		.digest_ms = 10000,
		.slow_bps = 1000000,
	};
	return 0;
}

void fh_set_progress(struct fh_session *s, fh_progress_fn *fn, void *ctx)
{
	s->progress = fn;
	s->progress_ctx = ctx;
}

void fh_close(struct fh_session *s)
{
	fh_msg_reader_free(s->rd);
	s->rd = NULL;
}

const char *fh_attrs_get(const struct fh_msg_attr *attrs, size_t n,
			 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(attrs[i].name, name))
			return attrs[i].value;
	return NULL;
}

const char *fh_resp_attr(const struct fh_resp *r, const char *name)
{
	for (size_t i = 0; i < r->nattrs; i++)
		if (!strcmp(r->name[i], name))
			return r->value[i];
	return NULL;
}

int fh_scaled_ms(const struct fh_session *s, int base_ms, uint64_t bytes,
		 unsigned factor)
{
	uint64_t bps = (uint64_t)(s->t.slow_bps ? s->t.slow_bps : 1000000) *
		       (factor ? factor : 1);
	uint64_t ms = (uint64_t)base_ms + bytes * 1000 / bps;

	return ms > (1u << 30) ? (1 << 30) : (int)ms;
}

void fh_recent_logs(const struct fh_session *s, char *out, size_t cap)
{
	/* only what the device said since the command went out */
	unsigned n = s->cmd_logs < FH_LOG_KEEP ? s->cmd_logs : FH_LOG_KEEP;
	size_t len = 0;

	if (cap)
		out[0] = '\0';
	for (unsigned i = s->nlogs - n; i < s->nlogs && len < cap; i++) {
		int w = snprintf(out + len, cap - len, "%s%s", len ? " | " : "",
				 s->logs[i % FH_LOG_KEEP]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* ---- logs ---- */

static void fh_add_func(struct fh_session *s, const char *word, size_t n)
{
	size_t len = strlen(s->funcs);

	if (n == 0 || n > 40 || len + n + 2 >= sizeof(s->funcs))
		return;
	if (!len)
		s->funcs[len++] = ' ';
	memcpy(s->funcs + len, word, n);
	s->funcs[len + n] = ' ';
	s->funcs[len + n + 1] = '\0';
	s->nfuncs++;
}

static bool fh_is_word(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ||
		      *t == '_'))
			return false;
	return true;
}

/* Both forms: "Supported Functions (15):" + one log each, or one line. */
static void fh_parse_funcs(struct fh_session *s, const char *t)
{
	const char *p;

	if (!strncmp(t, "End of supported functions", 26)) {
		s->in_funcs = false;
		return;
	}
	if (!strncmp(t, "Supported Functions", 19)) {
		p = strchr(t, ':');
		s->in_funcs = true;
		if (!p)
			return;
		for (p++; *p;) {
			size_t n;

			p += strspn(p, " ,");
			n = strcspn(p, " ,");
			fh_add_func(s, p, n);
			p += n;
		}
		return;
	}
	if (s->in_funcs && fh_is_word(t))
		fh_add_func(s, t, strlen(t));
}

static void fh_parse_digest(struct fh_session *s, const char *t)
{
	const char *p = strstr(t, "Digest ");
	size_t n;

	if (!p)
		return;
	p += 7;
	p += strspn(p, " ");
	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2))
		p += 2;
	n = strspn(p, "0123456789abcdefABCDEF");
	if (n != 64)
		return;
	for (size_t i = 0; i < 64; i++)
		s->digest[i] =
			(char)((p[i] >= 'A' && p[i] <= 'F') ? p[i] + 32 : p[i]);
	s->digest[64] = '\0';
}

static void fh_record_log(struct fh_session *s, const char *text)
{
	const char *t = text;

	mf_log(s->log, MF_LOG_DEVICE, "%s", text);
	snprintf(s->logs[s->nlogs % FH_LOG_KEEP], FH_LOG_LINE, "%s", text);
	s->nlogs++;
	s->cmd_logs++;
	if (!strncmp(t, "INFO: ", 6))
		t += 6;
	fh_parse_funcs(s, t);
	fh_parse_digest(s, t);
	if (t[0] == '{' && strstr(t, "storage_info"))
		snprintf(s->storage_json, sizeof(s->storage_json), "%s", t);
}

/* ---- framing ---- */

static int fh_fill(struct fh_session *s, int timeout_ms)
{
	int n;

	if (s->rx_off < s->rx_len)
		return 0;
	s->rx_off = s->rx_len = 0;
	n = link_read(s->link, s->rx, sizeof(s->rx), timeout_ms);
	if (n < 0)
		return n;
	s->rx_len = (size_t)n;
	return 0;
}

static void fh_copy_resp(const struct fh_msg_event *ev, struct fh_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->ack = fh_msg_response_is_ack(ev);
	r->rawmode = fh_msg_response_rawmode(ev);
	for (size_t i = 0; i < ev->nattrs && r->nattrs < FH_RESP_ATTRS; i++) {
		snprintf(r->name[r->nattrs], sizeof(r->name[0]), "%s",
			 ev->attrs[i].name);
		snprintf(r->value[r->nattrs], sizeof(r->value[0]), "%s",
			 ev->attrs[i].value);
		r->nattrs++;
	}
}

/* The trace of a response as text (its bytes are hex only at -vv). */
static void fh_trace_resp(struct fh_session *s, const struct fh_msg_event *ev)
{
	char line[512];
	size_t off = 0;

	if (!s->log || s->log->max_level < MF_LOG_TRACE)
		return;
	for (size_t i = 0; i < ev->nattrs && off < sizeof(line) - 1; i++) {
		int n = snprintf(line + off, sizeof(line) - off, " %s=\"%s\"",
				 ev->attrs[i].name, ev->attrs[i].value);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	line[off < sizeof(line) ? off : sizeof(line) - 1] = '\0';
	mf_log(s->log, MF_LOG_TRACE, "firehose <- <response%s />", line);
}

/*
 * Read one whole document and handle its events. Returns 1 when it held
 * a response (copied to r, if r), 0 otherwise, or a negative error.
 */
static int fh_next_doc(struct fh_session *s, int64_t deadline,
		       struct fh_resp *r)
{
	struct fh_msg_event ev;
	int got = 0;

	for (;;) {
		size_t used = 0;
		int ret, left = mf_remaining_ms(deadline);

		if (left == 0)
			return -ETIMEDOUT;
		ret = fh_fill(s, left);
		if (ret < 0)
			return ret;
		ret = fh_msg_reader_feed(s->rd, s->rx + s->rx_off,
					 s->rx_len - s->rx_off, &used);
		s->rx_off += used;
		if (ret < 0)
			return -EBADMSG;
		if (ret == 1)
			break;
	}
	while (fh_msg_reader_next(s->rd, &ev)) {
		if (ev.type == FH_MSG_EV_LOG && ev.value) {
			fh_record_log(s, ev.value);
		} else if (ev.type == FH_MSG_EV_RESPONSE && !got) {
			fh_trace_resp(s, &ev);
			if (r)
				fh_copy_resp(&ev, r);
			got = 1;
		}
	}
	return got;
}

/*
 * The deadline is cut into MF_WAIT_REPORT_MS slices; each silent one is
 * reported (what we wait for, how long, the limit). A document half read
 * when a slice ends stays in the reader and is completed by the next.
 */
int fh_wait_response(struct fh_session *s, int timeout_ms, struct fh_resp *r)
{
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(timeout_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;
	char what[64];

	for (;;) {
		int64_t until = report < deadline ? report : deadline;
		int ret = fh_next_doc(s, until, r);

		if (ret == -ETIMEDOUT && until < deadline) {
			snprintf(what, sizeof(what), "the answer to <%s>",
				 s->cmd[0] ? s->cmd : "command");
			mf_waiting(s->log, what, mf_now_ms() - t0, timeout_ms);
			report += MF_WAIT_REPORT_MS;
			continue;
		}
		if (ret != 0)
			return ret < 0 ? ret : 0;
	}
}

int fh_send(struct fh_session *s, const char *tag,
	    const struct fh_msg_attr *attrs, size_t nattrs)
{
	char doc[4096];
	int n = fh_msg_build(doc, sizeof(doc), tag, attrs, nattrs);

	if (n < 0)
		return n;
	if ((size_t)n > s->max_xml)
		return -EMSGSIZE;
	mf_log(s->log, MF_LOG_TRACE, "firehose -> %s", doc);
	s->cmd_logs = 0;
	snprintf(s->cmd, sizeof(s->cmd), "%s", tag);
	n = link_write(s->link, doc, (size_t)n, s->t.cmd_ms);
	return n < 0 ? n : 0;
}

/* A refusal's hint: what the refused command tells about the cause. */
static const char *fh_nak_hint(const char *tag)
{
	static const struct {
		const char *tag, *hint;
	} hints[] = {
		{ "configure", "the programmer does not take this storage or "
			       "payload: check that it is the one made for "
			       "this module's chip" },
		{ "erase", "check that the package matches this module "
			   "(geometry, chip)" },
		{ "program", "check that the package matches this module "
			     "(geometry, chip)" },
		{ "patch", "check that the package matches this module "
			   "(geometry, chip)" },
		{ "read", "the programmer refused to read this range: check "
			  "that it is the one made for this module, then run "
			  "the same command again" },
		{ "getsha256digest", "the programmer refused to hash this "
				     "range: check that it is the one made "
				     "for this module, then run the same "
				     "command again" },
		{ "power", "power-cycle the module" },
	};

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (!strcmp(hints[i].tag, tag))
			return hints[i].hint;
	return "power-cycle the module into EDL and retry; if it repeats, "
	       "the programmer does not match the module";
}

int fh_fail(struct fh_session *s, const char *tag, int ret, int timeout_ms)
{
	char logs[400];

	fh_recent_logs(s, logs, sizeof(logs));
	switch (ret) {
	case -ETIMEDOUT:
		mf_err_set(s->err, MF_TIMEOUT, ret,
			   "Firehose: no answer to <%s> within %d s%s%s", tag,
			   (timeout_ms + 999) / 1000,
			   logs[0] ? "; device said: " : "", logs);
		mf_err_hint(s->err, "power-cycle the module into EDL and "
				    "retry; the programmer may have crashed");
		break;
	case -ENODEV:
		mf_err_set(s->err, MF_NO_DEVICE, ret,
			   "Firehose: the device vanished during <%s>", tag);
		mf_err_hint(s->err, "check the cable and power, then run the "
				    "same command again");
		break;
	case -EBADMSG:
		mf_err_set(s->err, MF_FAILED, ret,
			   "Firehose: malformed answer to <%s>", tag);
		mf_err_hint(s->err, "retry; if it repeats, the programmer does "
				    "not match the module");
		break;
	case -EREMOTEIO:
		mf_err_set(s->err, MF_FAILED, ret,
			   "Firehose: the device refused <%s> (NAK): %s", tag,
			   logs[0] ? logs : "no log");
		mf_err_hint(s->err, "%s", fh_nak_hint(tag));
		break;
	default:
		mf_err_set(s->err, MF_FAILED, ret, "Firehose: <%s> failed: %s",
			   tag, strerror(ret < 0 ? -ret : ret));
	}
	return ret;
}

int fh_command(struct fh_session *s, const char *tag,
	       const struct fh_msg_attr *attrs, size_t nattrs, int timeout_ms,
	       struct fh_resp *r)
{
	int ret = fh_send(s, tag, attrs, nattrs);

	if (ret == 0)
		ret = fh_wait_response(s, timeout_ms, r);
	if (ret == 0 && !r->ack)
		ret = -EREMOTEIO;
	return ret < 0 ? fh_fail(s, tag, ret, timeout_ms) : 0;
}

int fh_read_raw(struct fh_session *s, uint8_t *buf, size_t len, int timeout_ms)
{
	size_t have = s->rx_len - s->rx_off;
	int n;

	if (have) {
		if (have > len)
			have = len;
		memcpy(buf, s->rx + s->rx_off, have);
		s->rx_off += have;
		return (int)have;
	}
	n = link_read(s->link, buf, len, timeout_ms);
	return n;
}

/* ---- start-up and small commands ---- */

/*
 * The programmer listed its functions one log each and closed the list
 * ("End of supported functions 15"): the last start-up log of the real
 * programmers (tests/fixtures/real/logs), so a short settle replaces the full
 * idle wait (a straggler would only be read before the next response).
 */
static bool fh_list_ended(const struct fh_session *s)
{
	return s->nfuncs && !s->in_funcs;
}

int fh_open(struct fh_session *s)
{
	int64_t end = mf_deadline(s->t.startup_max_ms);
	unsigned seen;
	struct fh_resp r;
	int ret;

	s->rx_off = 0;
	s->rx_len = 0;
	for (;;) {
		int left = mf_remaining_ms(end);
		int wait = fh_list_ended(s) && s->t.idle_ms > FH_SETTLE_MS
				   ? FH_SETTLE_MS
				   : s->t.idle_ms;

		if (left == 0)
			break;
		if (left < wait)
			wait = left;
		ret = fh_next_doc(s, mf_deadline(wait), NULL);
		if (ret == -ETIMEDOUT && !fh_msg_reader_partial(s->rd))
			break;
		if (ret == -ENODEV)
			return fh_fail(s, "start-up", ret, 0);
		if (ret == -EBADMSG)
			mf_log(s->log, MF_LOG_WARN,
			       "firehose: skipped a malformed start-up "
			       "document");
	}
	fh_msg_reader_reset(s->rd);
	seen = s->nlogs;
	if (s->nfuncs)
		goto out_ok;
	/* nothing listed: a <nop/> makes programmers list their functions */
	ret = fh_send(s, "nop", NULL, 0);
	if (ret == 0)
		ret = fh_wait_response(s, s->t.cmd_ms, &r);
	if (ret < 0 && !seen)
		return fh_fail(s, "nop", ret, s->t.cmd_ms);
	if (ret < 0)
		mf_log(s->log, MF_LOG_WARN,
		       "firehose: <nop/> unanswered, continuing");
out_ok:
	mf_log(s->log, MF_LOG_INFO, "firehose: programmer up, %u functions",
	       s->nfuncs);
	return 0;
}

bool fh_supports(const struct fh_session *s, const char *func)
{
	char key[64];

	if (!s->nfuncs)
		return true;
	snprintf(key, sizeof(key), " %s ", func);
	return strstr(s->funcs, key) != NULL;
}

static int fh_parse_size(const char *v, size_t *out)
{
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return -ENOENT;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n < FH_PAYLOAD_MIN || n > FH_PAYLOAD_MAX)
		return -EBADMSG;
	*out = (size_t)n;
	return 0;
}

static int fh_configure_once(struct fh_session *s, const char *memory,
			     size_t payload, struct fh_resp *r)
{
	char pl[24];
	struct fh_msg_attr a[] = {
		{ "MemoryName", memory },
		{ "Verbose", "0" },
		{ "AlwaysValidate", "0" },
		{ "MaxDigestTableSizeInBytes", "2048" },
		{ "MaxPayloadSizeToTargetInBytes", pl },
		{ "ZlpAwareHost", "1" },
		{ "SkipStorageInit", "0" },
	};
	int ret;

	snprintf(pl, sizeof(pl), "%zu", payload);
	ret = fh_send(s, "configure", a, sizeof(a) / sizeof(a[0]));
	if (ret == 0)
		ret = fh_wait_response(s, s->t.cmd_ms, r);
	return ret;
}

static void fh_adopt(struct fh_session *s, const struct fh_resp *r)
{
	size_t v;

	if (fh_parse_size(fh_resp_attr(r, "MaxPayloadSizeFromTargetInBytes"),
			  &v) == 0)
		s->payload_from = v;
	else
		s->payload_from = s->payload;
	if (fh_parse_size(fh_resp_attr(r, "MaxXMLSizeInBytes"), &v) == 0 &&
	    v <= 65536)
		s->max_xml = v;
}

int fh_configure(struct fh_session *s, const char *memory, size_t payload)
{
	struct fh_resp r;
	size_t want = payload, v;
	int ret, tries;

	for (tries = 0; tries < 3; tries++) {
		ret = fh_configure_once(s, memory, want, &r);
		if (ret < 0)
			return fh_fail(s, "configure", ret, s->t.cmd_ms);
		if (!r.ack) {
			/* NAK carrying the device's own maximum: retry with it */
			ret = fh_parse_size(
				fh_resp_attr(&r,
					     "MaxPayloadSizeToTargetInBytes"),
				&v);
			if (ret < 0 || v == want)
				return fh_fail(s, "configure",
					       ret == -EBADMSG ? -EBADMSG
							       : -EREMOTEIO,
					       s->t.cmd_ms);
			/* the normal negotiation, not a failure */
			mf_log(s->log, MF_LOG_INFO,
			       "firehose: the programmer takes payloads of "
			       "%zu bytes (offered %zu)",
			       v, want);
			want = v;
			continue;
		}
		ret = fh_parse_size(
			fh_resp_attr(&r,
				     "MaxPayloadSizeToTargetInBytesSupported"),
			&v);
		if (ret == -EBADMSG)
			return fh_fail(s, "configure", ret, s->t.cmd_ms);
		if (ret == 0 && v < want) {
			mf_log(s->log, MF_LOG_INFO,
			       "firehose: device supports %zu, reconfiguring",
			       v);
			want = v;
			continue;
		}
		s->payload = want;
		fh_adopt(s, &r);
		snprintf(s->memory, sizeof(s->memory), "%s", memory);
		s->configured = true;
		mf_log(s->log, MF_LOG_INFO,
		       "firehose: configured %s, payload %zu", memory, want);
		return 0;
	}
	return fh_fail(s, "configure", -EREMOTEIO, s->t.cmd_ms);
}

/* Bytes of a range: num_partition_sectors * SECTOR_SIZE_IN_BYTES, or 0. */
uint64_t fh_range_bytes(const struct fh_msg_attr *attrs, size_t n)
{
	const char *ss = fh_attrs_get(attrs, n, "SECTOR_SIZE_IN_BYTES");
	const char *num = fh_attrs_get(attrs, n, "num_partition_sectors");
	unsigned long long a, b;
	char *end;

	if (!ss || !num)
		return 0;
	errno = 0;
	a = strtoull(ss, &end, 10);
	if (errno || *end || a > 65536)
		return 0;
	b = strtoull(num, &end, 0);
	if (errno || (*end && strcmp(end, ".")) || b > (1ull << 40))
		return 0;
	return (uint64_t)a * b;
}

int fh_erase(struct fh_session *s, const struct fh_msg_attr *attrs,
	     size_t nattrs)
{
	struct fh_resp r;

	/* erase runs about 8 times faster than a read of the same range */
	return fh_command(s, "erase", attrs, nattrs,
			  fh_scaled_ms(s, s->t.erase_ms,
				       fh_range_bytes(attrs, nattrs), 8),
			  &r);
}

int fh_patch(struct fh_session *s, const struct fh_msg_attr *attrs,
	     size_t nattrs)
{
	const char *f = fh_attrs_get(attrs, nattrs, "filename");
	struct fh_resp r;

	if (!f || strcmp(f, "DISK")) {
		mf_log(s->log, MF_LOG_INFO,
		       "firehose: patch of host file %s skipped",
		       f ? f : "(none)");
		return 1;
	}
	return fh_command(s, "patch", attrs, nattrs, s->t.cmd_ms, &r);
}

int fh_nop(struct fh_session *s)
{
	struct fh_resp r;

	return fh_command(s, "nop", NULL, 0, s->t.cmd_ms, &r);
}

int fh_finish_raw(struct fh_session *s, uint64_t max_bytes, uint64_t *sent)
{
	uint8_t ff[FH_FINISH_BLOCK];
	struct fh_resp r;
	uint64_t n = 0;
	int ret = -ETIMEDOUT;

	*sent = 0;
	memset(ff, 0xff, sizeof(ff));
	while (n < max_bytes) {
		int w = link_write(s->link, ff, sizeof(ff), s->t.cmd_ms);

		if (w < 0)
			return fh_fail(s, "program", w, s->t.cmd_ms);
		n += (uint64_t)w;
		/* a short look: the answer comes as soon as the range is full */
		ret = fh_next_doc(s, mf_deadline(1), &r);
		if (ret == -ENODEV)
			return fh_fail(s, "program", ret, 0);
		if (ret == 1)
			break;
	}
	*sent = n;
	if (ret != 1) {
		/* the range may end just now: give the answer its time */
		ret = fh_wait_response(s, s->t.cmd_ms, &r);
		if (ret < 0)
			return ret;
	}
	mf_log(s->log, MF_LOG_INFO,
	       "firehose: the interrupted <program> ended (%s) after %llu "
	       "erased (0xff) bytes",
	       r.ack ? "ACK" : "NAK", (unsigned long long)n);
	/* what came after the range's end was no document: let the
	 * programmer say so, and take its answers out of the way */
	for (;;) {
		ret = fh_next_doc(s, mf_deadline(s->t.idle_ms), NULL);
		if (ret == -ETIMEDOUT)
			break;
		if (ret == -ENODEV)
			return fh_fail(s, "program", ret, 0);
	}
	return 0;
}

int fh_power(struct fh_session *s, const char *mode, unsigned delay_s)
{
	char d[16];
	struct fh_msg_attr a[] = { { "value", mode }, { "DelayInSeconds", d } };
	struct fh_resp r;

	int ret;

	snprintf(d, sizeof(d), "%u", delay_s);
	ret = fh_send(s, "power", a, delay_s ? 2 : 1);
	if (ret < 0)
		return fh_fail(s, "power", ret, s->t.cmd_ms);
	ret = fh_wait_response(s, s->t.cmd_ms, &r);
	/*
	 * After the ACK the device drops off; over USB it may drop off
	 * before its ACK reaches us. Sent and then gone is done: the caller
	 * checks that the module comes back.
	 */
	if (ret == -ENODEV) {
		mf_log(s->log, MF_LOG_INFO,
		       "the device dropped off before acknowledging <power "
		       "value=\"%s\">",
		       mode);
		return 0;
	}
	if (ret == 0 && !r.ack)
		ret = -EREMOTEIO;
	return ret < 0 ? fh_fail(s, "power", ret, s->t.cmd_ms) : 0;
}
