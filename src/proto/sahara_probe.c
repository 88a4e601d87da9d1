// SPDX-License-Identifier: BSD-3-Clause
/*
 * Who answers on an EDL port: the boot ROM (Sahara) or a Firehose
 * programmer that an earlier run uploaded and left running (the host went
 * away after a NAK, a timeout, a kill). The boot ROM speaks first (one
 * HELLO); a programmer speaks only when spoken to, so silence is asked
 * about with a Firehose <nop/> (a programmer answers it at once; the boot
 * ROM rejects it with END_OF_IMAGE) and then with RESET_STATE_MACHINE (the
 * boot ROM answers with a fresh HELLO). Whatever identified the device is
 * pushed back into the link for the protocol that follows, so that it
 * reads the stream as the device sent it.
 *
 * The whole probe of a silent device takes some 20 s: the reads are cut
 * at the report times of one schedule for the whole probe, so that every
 * MF_WAIT_REPORT_MS of it says what it waits for (mf_waiting), the
 * silence of one phase running on into the next.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "proto/sahara.h"

#define PROBE_WIN LINK_UNREAD_MAX
#define PROBE_NOP                                                              \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data><nop /></data>"
#define QUIET_MS	200 /* the rest of a rejection, before asking again */
#define PROBE_PAD_CHUNK 65536
#define HELLO_SIZE	0x30

enum seen {
	SEEN_NOTHING,
	SEEN_HELLO,  /* a whole HELLO at off */
	SEEN_XML,    /* Firehose XML starts at off */
	SEEN_SAHARA, /* another Sahara packet: the boot ROM, not at HELLO */
};

struct probe {
	struct link *l;
	const struct mf_log *log;
	uint8_t win[PROBE_WIN];
	size_t n, off;
	uint8_t ff[PROBE_PAD_CHUNK]; /* padding for a raw-data phase */
	int64_t t0, report;	     /* start, the next report's time */
	int bound_ms;		     /* the longest the probe can take */
	const char *what;	     /* what the phase waits for */
};

/*
 * At most: every phase its full time, each write (nop, resets, the last
 * piece of padding) its ask_ms, each drain its ask_ms and a last quiet read.
 */
static int probe_bound_ms(const struct sahara_probe_opts *o)
{
	int64_t ms = (int64_t)o->hello_ms + o->ask_ms + o->answer_ms +
		     (int64_t)o->tries * (3 * o->ask_ms + QUIET_MS);

	if (o->pad_ms > 0)
		ms += (int64_t)o->pad_ms + o->ask_ms + o->answer_ms;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* Say what the probe waits for; the next report MF_WAIT_REPORT_MS on. */
static void report(struct probe *p)
{
	int64_t now = mf_now_ms();

	mf_waiting(p->log, p->what, now - p->t0, p->bound_ms);
	do
		p->report += MF_WAIT_REPORT_MS;
	while (p->report <= now);
}

/* Report if the time for it passed (between the reads of padding). */
static void report_due(struct probe *p)
{
	if (mf_now_ms() >= p->report)
		report(p);
}

void sahara_probe_opts_default(struct sahara_probe_opts *o)
{
	o->hello_ms = 5000;
	o->answer_ms = 1500;
	o->ask_ms = 1000;
	o->tries = 3;
	o->pad_ms = 8000;
}

/*
 * "<?xml": every document a programmer sends starts so. 1: here, 0: not
 * here, -1: the bytes so far are a prefix (the rest is coming). Stricter
 * than a '<' alone, which raw data of an interrupted <read> holds often.
 */
static int xml_at(const uint8_t *p, size_t left)
{
	static const char tag[] = "<?xml";
	size_t n = left < sizeof(tag) - 1 ? left : sizeof(tag) - 1;

	if (memcmp(p, tag, n))
		return 0;
	return n == sizeof(tag) - 1 ? 1 : -1;
}

/*
 * The first thing in win that tells who speaks. A HELLO must be whole; a
 * header of another known packet with its exact size is enough.
 */
static enum seen classify(struct probe *p)
{
	for (size_t i = 0; i < p->n; i++) {
		size_t left = p->n - i;
		uint32_t cmd, len;

		int x = xml_at(p->win + i, left);

		if (x > 0) {
			p->off = i;
			return SEEN_XML;
		}
		if (x < 0)
			return SEEN_NOTHING;
		if (left < 8)
			continue;
		cmd = get_le32(p->win + i);
		len = get_le32(p->win + i + 4);
		if (cmd == SAHARA_MSG_HELLO && len == HELLO_SIZE) {
			if (left < HELLO_SIZE)
				return SEEN_NOTHING; /* the rest is coming */
			p->off = i;
			return SEEN_HELLO;
		}
		if (cmd != SAHARA_MSG_HELLO && sahara_msg_pkt_size(cmd) &&
		    sahara_msg_pkt_size(cmd) == len) {
			p->off = i;
			return SEEN_SAHARA;
		}
	}
	return SEEN_NOTHING;
}

/*
 * Read until the bytes tell who speaks or timeout_ms pass. Unclassified
 * bytes (stale raw data of an interrupted read) slide out of the window.
 * A read ends at the next report time at the latest: a silent one is
 * reported there, and the wait goes on until its own end.
 */
static int collect(struct probe *p, int timeout_ms, enum seen *what)
{
	int64_t end = mf_deadline(timeout_ms);

	*what = SEEN_NOTHING;
	p->n = 0;
	for (;;) {
		int left = mf_remaining_ms(end);
		int64_t due = p->report - mf_now_ms();
		bool cut = left < 0 || due < left;
		int r;

		if (left == 0)
			return 0;
		if (due <= 0) {
			report(p);
			continue;
		}
		if (p->n == sizeof(p->win)) {
			memmove(p->win, p->win + p->n / 2, p->n - p->n / 2);
			p->n -= p->n / 2;
		}
		r = link_read(p->l, p->win + p->n, sizeof(p->win) - p->n,
			      cut ? (int)due : left);
		if (r == -ETIMEDOUT && cut) {
			report(p);
			continue;
		}
		if (r == -ETIMEDOUT)
			return 0;
		if (r < 0)
			return r;
		p->n += (size_t)r;
		*what = classify(p);
		if (*what != SEEN_NOTHING)
			return 0;
	}
}

/* Throw away the rest of a rejection: read until QUIET_MS of silence. */
static void drain(struct probe *p, int max_ms)
{
	int64_t end = mf_deadline(max_ms);

	while (mf_remaining_ms(end) > 0) {
		int r = link_read(p->l, p->win, sizeof(p->win), QUIET_MS);

		if (r <= 0)
			return;
	}
}

/* Give the identifying bytes (and what followed) to the next protocol. */
static void keep(struct probe *p)
{
	if (link_unread(p->l, p->win + p->off, p->n - p->off) < 0)
		mf_log(p->log, MF_LOG_WARN,
		       "edl probe: no room to push back %zu bytes",
		       p->n - p->off);
}

static int verdict(struct probe *p, enum seen what)
{
	keep(p);
	if (what == SEEN_XML) {
		mf_log(p->log, MF_LOG_INFO,
		       "a Firehose programmer is already running on this "
		       "port (an earlier run left it there)");
		return SAHARA_PROBE_FIREHOSE;
	}
	return SAHARA_PROBE_SAHARA;
}

/*
 * Silent to <nop/> and to the boot ROM's reset: a programmer may still be
 * in the raw-data phase of an interrupted <program>, taking everything as
 * sector data until the length it was promised. Finish that write with
 * erased-NAND bytes (0xff: programming them changes nothing), in pieces,
 * until it answers (its ACK or NAK of that <program>), a write stalls, or
 * pad_ms pass. The pages it writes belong to the interrupted command's
 * range, which the next update rewrites anyway.
 */
static int pad_raw(struct probe *p, const struct sahara_probe_opts *o,
		   enum seen *what)
{
	int64_t end = mf_deadline(o->pad_ms);
	uint64_t sent = 0;

	*what = SEEN_NOTHING;
	if (o->pad_ms <= 0)
		return 0;
	memset(p->ff, 0xff, sizeof(p->ff));
	p->what = "an answer to the 0xff padding (a programmer still in "
		  "the raw data of an interrupted <program>)";
	mf_log(p->log, MF_LOG_INFO,
	       "edl probe: no answer; a programmer may be waiting for the "
	       "rest of an interrupted <program>: completing it with erased "
	       "(0xff) bytes");
	while (mf_remaining_ms(end) > 0) {
		int w = link_write(p->l, p->ff, sizeof(p->ff), o->ask_ms);
		int rc;

		if (w == -ENODEV)
			return w;
		if (w < 0)
			return 0; /* nobody takes our bytes: nothing runs */
		sent += (uint64_t)w;
		rc = collect(p, 1, what);
		if (rc < 0)
			return rc;
		if (*what == SEEN_SAHARA)
			return 0; /* the boot ROM after all, rejecting it */
		if (*what != SEEN_NOTHING)
			break;
		report_due(p);
	}
	if (*what == SEEN_NOTHING)
		(void)collect(p, o->answer_ms, what);
	mf_log(p->log, MF_LOG_INFO, "edl probe: %llu bytes of padding sent%s",
	       (unsigned long long)sent,
	       *what == SEEN_XML ? ", the programmer answered" : "");
	return 0;
}

static int dead(struct probe *p, struct mf_err *err)
{
	mf_err_set(err, MF_TIMEOUT, -ETIMEDOUT,
		   "the module is in EDL but answers neither Sahara nor "
		   "Firehose (no HELLO, no answer to <nop/>, to a Sahara "
		   "reset or to padding in %lld s)",
		   (long long)((mf_now_ms() - p->t0 + 500) / 1000));
	mf_err_hint(err, "only a power-cycle brings it back from here: "
			 "power-cycle the module (or pull the BOOT pin and "
			 "power it on again), then run the same command again");
	return -ETIMEDOUT;
}

static int gone(int rc, struct mf_err *err)
{
	mf_err_set(err, MF_NO_DEVICE, rc,
		   "the EDL port vanished while asking who answers on it");
	mf_err_hint(err,
		    "check the cable and power; the module may have rebooted");
	return rc;
}

int sahara_probe(struct link *l, const struct sahara_probe_opts *o,
		 const struct mf_log *log, struct mf_err *err)
{
	static const uint8_t rsm[8] = {
		SAHARA_MSG_RESET_STATE_MACHINE, 0, 0, 0, 8, 0, 0, 0
	};
	struct sahara_probe_opts d;
	struct probe *p = calloc(1, sizeof(*p));
	enum seen what;
	int rc;

	if (!p)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	if (!o) {
		sahara_probe_opts_default(&d);
		o = &d;
	}
	p->l = l;
	p->log = log;
	p->t0 = mf_now_ms();
	p->report = p->t0 + MF_WAIT_REPORT_MS;
	p->bound_ms = probe_bound_ms(o);
	/* the boot ROM's own HELLO, or what a programmer still had to say */
	p->what = "the boot ROM's HELLO on the EDL port";
	rc = collect(p, o->hello_ms, &what);
	if (rc < 0 || what == SEEN_HELLO || what == SEEN_XML)
		goto out;
	if (what == SEEN_NOTHING) {
		mf_log(log, MF_LOG_INFO,
		       "edl probe: no HELLO; asking with a Firehose <nop/>");
		rc = link_write(l, PROBE_NOP, strlen(PROBE_NOP), o->ask_ms);
		p->what = "an answer to <nop/> on the EDL port";
		if (rc >= 0)
			rc = collect(p, o->answer_ms, &what);
		if (rc < 0 || what == SEEN_XML || what == SEEN_HELLO)
			goto out;
	}
	for (int i = 0; i < o->tries; i++) {
		if (what == SEEN_SAHARA) /* let the rejection end first */
			drain(p, o->ask_ms);
		mf_log(log, MF_LOG_INFO,
		       "edl probe: asking the boot ROM for a fresh HELLO (%d)",
		       i + 1);
		rc = link_write(l, rsm, sizeof(rsm), o->ask_ms);
		p->what = "a fresh HELLO after RESET_STATE_MACHINE on the EDL "
			  "port";
		if (rc >= 0)
			rc = collect(p, o->ask_ms, &what);
		if (rc < 0 || what == SEEN_HELLO || what == SEEN_XML)
			goto out;
	}
	rc = pad_raw(p, o, &what);
	if (rc < 0 || what == SEEN_XML || what == SEEN_HELLO)
		goto out;
	rc = dead(p, err);
	free(p);
	return rc;
out:
	if (rc >= 0)
		rc = verdict(p, what);
	else if (rc == -ENODEV)
		rc = gone(rc, err);
	else
		rc = mf_err_set(err, MF_FAILED, rc,
				"link error while asking who answers on the "
				"EDL port: %s",
				strerror(-rc));
	free(p);
	return rc;
}

/*
 * Restart the chip from the boot ROM: RESET, answered by RESET_RESP (or
 * by the port vanishing as the chip restarts). For a module in Sahara
 * with no programmer at hand: it boots its firmware again, or comes back
 * in EDL if that firmware does not boot.
 */
int sahara_reset(struct link *l, int timeout_ms, const struct mf_log *log,
		 struct mf_err *err)
{
	static const uint8_t reset[8] = {
		SAHARA_MSG_RESET, 0, 0, 0, 8, 0, 0, 0
	};
	int64_t end = mf_deadline(timeout_ms);
	uint8_t w[8];
	size_t n = 0;
	int rc;

	mf_log(log, MF_LOG_INFO, "sahara: RESET");
	rc = link_write(l, reset, sizeof(reset), timeout_ms);
	while (rc >= 0) {
		int left = mf_remaining_ms(end);

		if (left == 0) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = link_read(l, w + n, 1, left);
		if (rc < 0)
			break;
		n++;
		if (n == sizeof(w)) {
			if (get_le32(w) == SAHARA_MSG_RESET_RESP &&
			    get_le32(w + 4) == 8)
				return 0;
			memmove(w, w + 1, --n); /* a HELLO or garbage first */
		}
	}
	if (rc == -ENODEV)
		return 0; /* gone: the restart began */
	return mf_err_set(err, rc == -ETIMEDOUT ? MF_TIMEOUT : MF_FAILED, rc,
			  "the boot ROM did not answer the Sahara RESET");
}
