// SPDX-License-Identifier: BSD-3-Clause
/*
 * sahara_probe(): who answers on an EDL port. The boot ROM's HELLO, a
 * Firehose programmer left running by an earlier run (silent until asked),
 * a boot ROM whose HELLO somebody else read, and a module that answers
 * nothing at all.
 *
 * The link is timed (fakelink.h) and the clock the test's own
 * (fakeclock.c): the device's silences are scripted in milliseconds, not
 * in read calls, so the probe may cut its reads where it likes; the 20 s
 * of a silent device run in no time and are measured exactly.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "fakelink.h"
#include "proto/sahara.h"

static const uint8_t rsm[] = { 0x13, 0, 0, 0, 0x08, 0, 0, 0 };

static void pkt(struct fakelink *f, uint32_t cmd, const uint32_t *body,
		size_t n)
{
	uint8_t b[0x30] = { 0 };
	size_t len = sahara_msg_pkt_size(cmd);

	put_le32(b, cmd);
	put_le32(b + 4, (uint32_t)len);
	for (size_t i = 0; i < n; i++)
		put_le32(b + 8 + 4 * i, body[i]);
	fl_data(f, b, len);
}

static void hello(struct fakelink *f)
{
	const uint32_t b[] = { 2, 1, 0x400, 0 };

	pkt(f, SAHARA_MSG_HELLO, b, 4);
}

static void eoi_invalid(struct fakelink *f)
{
	const uint32_t b[] = { 13, 1 };

	pkt(f, SAHARA_MSG_END_OF_IMAGE, b, 2);
}

static void timed(struct fakelink *f)
{
	fl_init(f);
	f->timed = true;
	f->wkeep = 1 << 20; /* seconds of padding are counted, not kept */
}

static struct sahara_probe_opts fast(void)
{
	struct sahara_probe_opts o;

	sahara_probe_opts_default(&o);
	o.hello_ms = o.answer_ms = o.ask_ms = 100;
	o.pad_ms = 50;
	return o;
}

/* A fresh boot ROM: its HELLO decides, nothing is sent, HELLO kept. */
static void test_hello(void **state)
{
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	struct fakelink f;
	uint8_t back[0x30];

	timed(&f);
	hello(&f);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err),
			 SAHARA_PROBE_SAHARA);
	assert_int_equal(f.wlen, 0);
	assert_int_equal(link_unread_pending(&f.link), 0x30);
	assert_int_equal(link_read_exact(&f.link, back, sizeof(back), 100),
			 0x30);
	assert_int_equal(get_le32(back), SAHARA_MSG_HELLO);
	fl_free(&f);
}

/* A programmer left running says nothing; it answers the <nop/>. */
static void test_programmer_running(void **state)
{
	const char *ack = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>"
			  "<data><response value=\"ACK\" /></data>";
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	struct fakelink f;
	char back[256] = { 0 };

	timed(&f);
	fl_silence(&f, o.hello_ms); /* no HELLO: nothing to say unasked */
	fl_str(&f, ack);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err),
			 SAHARA_PROBE_FIREHOSE);
	assert_true(fl_wrote_str(&f, "<nop />"));
	assert_false(fl_wrote(&f, rsm, sizeof(rsm)));
	/* the answer is left whole for the Firehose session */
	assert_int_equal(link_read_exact(&f.link, back, strlen(ack), 100),
			 (int)strlen(ack));
	assert_string_equal(back, ack);
	assert_int_equal(err.status, MF_OK);
	fl_free(&f);
}

/* Stale XML of an interrupted command decides at once, nothing sent. */
static void test_stale_xml(void **state)
{
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	const char *doc = "<?xml version=\"1.0\" ?><data><log value=\"x\" "
			  "/></data>";
	struct fakelink f;

	timed(&f);
	fl_data(&f, "\x01\x02", 2); /* the tail of raw data nobody read */
	fl_str(&f, doc);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err),
			 SAHARA_PROBE_FIREHOSE);
	assert_int_equal(f.wlen, 0);
	assert_int_equal(link_unread_pending(&f.link), strlen(doc));
	fl_free(&f);
}

/*
 * The HELLO went to somebody else: the boot ROM rejects the <nop/>
 * (END_OF_IMAGE, invalid command) and answers RESET_STATE_MACHINE with a
 * fresh HELLO.
 */
static void test_boot_rom_rejects_nop(void **state)
{
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	struct fakelink f;

	timed(&f);
	fl_silence(&f, o.hello_ms); /* its HELLO went to somebody else */
	eoi_invalid(&f);
	fl_silence(&f, 200); /* the rejection is over (QUIET_MS) */
	hello(&f);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err),
			 SAHARA_PROBE_SAHARA);
	assert_true(fl_wrote_str(&f, "<nop />"));
	assert_true(fl_wrote(&f, rsm, sizeof(rsm)));
	assert_int_equal(link_unread_pending(&f.link), 0x30);
	fl_free(&f);
}

/* Nothing answers: bounded, and the error says only a power-cycle helps. */
static void test_nothing_answers(void **state)
{
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	struct fakelink f;

	timed(&f);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err), -ETIMEDOUT);
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.msg, "neither Sahara nor Firehose"));
	assert_non_null(strstr(err.hint, "power-cycle"));
	/* one <nop/>, o.tries requests, then whole pieces of padding */
	size_t asked = strlen("<?xml version=\"1.0\" encoding="
			      "\"UTF-8\" ?>\n<data><nop /></data>") +
		       3 * sizeof(rsm);
	assert_true(f.wlen > asked);
	assert_int_equal((f.wlen - asked) % 65536, 0);
	fl_free(&f);
}

/*
 * The host went away in the middle of a <program>'s data: the programmer
 * takes the <nop/> and the resets as sector data and answers only when
 * the promised length is complete. Erased-NAND padding completes it.
 */
static void test_programmer_in_raw_data(void **state)
{
	const char *nak = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>"
			  "<data><response value=\"NAK\" /></data>";
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	struct fakelink f;
	uint8_t ff[64];

	o.pad_ms = 5000;
	timed(&f);
	/* HELLO, nop, 3 resets: 500 ms, then half a second of padding */
	fl_silence(&f, 1000);
	fl_str(&f, nak);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err),
			 SAHARA_PROBE_FIREHOSE);
	memset(ff, 0xff, sizeof(ff));
	assert_true(fl_wrote(&f, ff, sizeof(ff)));
	assert_int_equal(link_unread_pending(&f.link), strlen(nak));
	fl_free(&f);
}

struct waits {
	int n;
	int64_t at[16]; /* when, on the test's clock */
	unsigned elapsed[16], timeout;
	char what[16][128];
};

static void on_wait(void *ctx, const char *what, unsigned elapsed_s,
		    unsigned timeout_s)
{
	struct waits *w = ctx;

	if (w->n < 16) {
		w->at[w->n] = mf_now_ms();
		w->elapsed[w->n] = elapsed_s;
		snprintf(w->what[w->n], sizeof(w->what[0]), "%s", what);
	}
	w->n++;
	w->timeout = timeout_s;
}

/*
 * A module in EDL that answers nothing, with the real timeouts: some 19 s
 * of HELLO wait, <nop/>, three resets and 8 s of padding. Every 4 s of it
 * says what it waits for (never 5 s of silence), and the probe still
 * gives up when its last wait ends, with the power-cycle error.
 */
static void test_silent_device_is_reported(void **state)
{
	struct sahara_probe_opts o;
	struct waits w = { 0 };
	struct mf_log log = { .waiting = on_wait, .ctx = &w };
	struct mf_err err = { 0 };
	struct fakelink f;
	int64_t t0, took, last;

	sahara_probe_opts_default(&o);
	timed(&f);
	t0 = mf_now_ms();
	assert_int_equal(sahara_probe(&f.link, &o, &log, &err), -ETIMEDOUT);
	took = mf_now_ms() - t0;
	assert_int_equal(err.status, MF_TIMEOUT);
	assert_non_null(strstr(err.msg, "neither Sahara nor Firehose"));
	assert_non_null(strstr(err.msg, "in 19 s"));
	/* every wait ran its full time, and not a moment longer */
	assert_int_equal(took, o.hello_ms + 2 * o.answer_ms +
				       o.tries * o.ask_ms + o.pad_ms);
	assert_true(w.n >= 4 && w.n <= 16);
	last = t0;
	for (int i = 0; i < w.n; i++) {
		assert_true(w.at[i] - last <= 5000);
		assert_int_equal(w.elapsed[i], (w.at[i] - t0 + 500) / 1000);
		last = w.at[i];
	}
	assert_true(t0 + took - last <= 5000);
	/* the limit said is one the probe keeps */
	assert_true(w.timeout * 1000 >= took);
	assert_true(w.timeout <= 30);
	/* each report names the phase it falls in */
	assert_string_equal(w.what[0], "the boot ROM's HELLO on the EDL port");
	assert_non_null(strstr(w.what[1], "RESET_STATE_MACHINE"));
	assert_non_null(strstr(w.what[w.n - 1], "0xff padding"));
	fl_free(&f);
}

/*
 * A late HELLO (4.5 s of the 5 s wait): the read cut at the report time
 * is reported, and the HELLO after it still decides, whole, nothing sent.
 */
static void test_late_hello_across_a_report(void **state)
{
	struct sahara_probe_opts o;
	struct waits w = { 0 };
	struct mf_log log = { .waiting = on_wait, .ctx = &w };
	struct mf_err err = { 0 };
	struct fakelink f;

	sahara_probe_opts_default(&o);
	timed(&f);
	fl_silence(&f, 4500);
	hello(&f);
	assert_int_equal(sahara_probe(&f.link, &o, &log, &err),
			 SAHARA_PROBE_SAHARA);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.elapsed[0], MF_WAIT_REPORT_MS / 1000);
	assert_int_equal(f.wlen, 0);
	assert_int_equal(link_unread_pending(&f.link), 0x30);
	assert_true(fl_done(&f));
	fl_free(&f);
}

static void test_vanished(void **state)
{
	struct sahara_probe_opts o = fast();
	struct mf_err err = { 0 };
	struct fakelink f;

	timed(&f);
	fl_disconnect(&f);
	assert_int_equal(sahara_probe(&f.link, &o, NULL, &err), -ENODEV);
	assert_int_equal(err.status, MF_NO_DEVICE);
	fl_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_programmer_running),
		cmocka_unit_test(test_stale_xml),
		cmocka_unit_test(test_boot_rom_rejects_nop),
		cmocka_unit_test(test_nothing_answers),
		cmocka_unit_test(test_programmer_in_raw_data),
		cmocka_unit_test(test_vanished),
		cmocka_unit_test(test_silent_device_is_reported),
		cmocka_unit_test(test_late_hello_across_a_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
