// SPDX-License-Identifier: BSD-3-Clause
/*
 * Firehose XML codec on the documents of real QFirehose sessions
 * (tests/fixtures/real/logs, docs/protocols.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/firehose_msg.h"

#define XML_DECL  "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>"
#define DOC(body) XML_DECL "<data>" body "</data>"

/* Sent by QFirehose for NAND (rm500q and em20g logs, the double space is real). */
static const char configure_qfh[] =
	DOC("<configure MemoryName=\"nand\" Verbose=\"0\" AlwaysValidate=\"0\" "
	    "MaxDigestTableSizeInBytes=\"2048\" "
	    "MaxPayloadSizeToTargetInBytes=\"8192\"  "
	    "ZlpAwareHost=\"1\" SkipStorageInit=\"0\" />");

static const char configure_ack[] = DOC(
	"<response value=\"ACK\" MemoryName=\"nand\" MinVersionSupported=\"1\" "
	"Version=\"1\" "
	"MaxPayloadSizeToTargetInBytes=\"8192\" "
	"MaxPayloadSizeToTargetInBytesSupported=\"8192\" "
	"MaxXMLSizeInBytes=\"4096\" DateTime=\"Apr 19 2020 - 17:49:11\" />");

static const char *const supported[15] = {
	"program",
	"read",
	"nop",
	"patch",
	"configure",
	"setbootablestoragedrive",
	"erase",
	"power",
	"firmwarewrite",
	"getstorageinfo",
	"benchmark",
	"emmc",
	"ufs",
	"fixgpt",
	"getsha256digest",
};

/* What the rm500q log shows after one erase, one document per transfer. */
static const char erase_stream[] = DOC(
	"<log value=\"INFO: Calling handler for erase\" "
	"/>") "\n" DOC("<log value=\"INFO: NAND was "
		       "previously open, returning "
		       "existing handle 0.\" />") "\n" DOC("<log value=\"INFO: "
							   "Erasing start "
							   "sector 640, num "
							   "sectors 0\" "
							   "/>") "\n" DOC("<res"
									  "pons"
									  "e "
									  "valu"
									  "e="
									  "\"AC"
									  "K\" "
									  "rawm"
									  "ode="
									  "\"fa"
									  "lse"
									  "\" "
									  "/>") "\n";

#include "fh_fixture.h"

static void test_read_configure_command(void **state)
{
	struct fx *f = *state;
	struct fh_msg_event ev;

	assert_int_equal(feed_one(f->r, configure_qfh, strlen(configure_qfh)),
			 strlen(configure_qfh));
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_int_equal(ev.type, FH_MSG_EV_COMMAND);
	assert_string_equal(ev.tag, "configure");
	assert_null(ev.value);
	assert_int_equal(ev.nattrs, 7);
	assert_string_equal(ev.attrs[0].name, "MemoryName");
	assert_string_equal(ev.attrs[0].value, "nand");
	assert_string_equal(
		fh_msg_event_attr(&ev, "MaxPayloadSizeToTargetInBytes"),
		"8192");
	assert_string_equal(fh_msg_event_attr(&ev, "ZlpAwareHost"), "1");
	assert_string_equal(fh_msg_event_attr(&ev, "SkipStorageInit"), "0");
	assert_null(fh_msg_event_attr(&ev, "zlpawarehost"));
	assert_false(fh_msg_reader_next(f->r, &ev));
	assert_false(fh_msg_reader_partial(f->r));
}

static void test_read_configure_ack(void **state)
{
	struct fx *f = *state;
	struct fh_msg_event ev;

	feed_one(f->r, configure_ack, strlen(configure_ack));
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_int_equal(ev.type, FH_MSG_EV_RESPONSE);
	assert_string_equal(ev.value, "ACK");
	assert_true(fh_msg_response_is_ack(&ev));
	assert_false(fh_msg_response_rawmode(&ev));
	assert_int_equal(ev.nattrs, 8);
	assert_string_equal(fh_msg_event_attr(&ev, "MemoryName"), "nand");
	assert_string_equal(fh_msg_event_attr(&ev, "MinVersionSupported"), "1");
	assert_string_equal(fh_msg_event_attr(&ev, "Version"), "1");
	assert_string_equal(
		fh_msg_event_attr(&ev,
				  "MaxPayloadSizeToTargetInBytesSupported"),
		"8192");
	assert_string_equal(fh_msg_event_attr(&ev, "MaxXMLSizeInBytes"),
			    "4096");
	assert_string_equal(fh_msg_event_attr(&ev, "DateTime"),
			    "Apr 19 2020 - 17:49:11");
	assert_null(fh_msg_event_attr(&ev, "MaxPayloadSizeFromTargetInBytes"));
	assert_null(fh_msg_event_attr(&ev, "TargetName"));
}

/* The device refuses 1 MiB and names its own maximum (docs/protocols.md). */
static void test_read_configure_nak(void **state)
{
	static const char s[] = DOC(
		"<log value=\"INFO: Calling handler for configure\" />")
		DOC("<log value=\"ERROR: Host's payload to target size "
		    "is too large\" />")
			DOC("<response value=\"NAK\" MemoryName=\"nand\" "
			    "MaxPayloadSizeToTargetInBytes=\"8192\" "
			    "MaxPayloadSizeToTargetInBytesSupported="
			    "\"8192\" MaxXMLSizeInBytes=\"4096\" />");
	struct fx *f = *state;
	struct fh_msg_event ev;
	size_t off = 0;

	off += feed_one(f->r, s + off, strlen(s) - off);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Calling handler for configure");
	off += feed_one(f->r, s + off, strlen(s) - off);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "ERROR: Host's payload to target size is too large");
	off += feed_one(f->r, s + off, strlen(s) - off);
	assert_int_equal(off, strlen(s));
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_false(fh_msg_response_is_ack(&ev));
	assert_string_equal(ev.value, "NAK");
	assert_string_equal(
		fh_msg_event_attr(&ev, "MaxPayloadSizeToTargetInBytes"),
		"8192");
}

/* Programmer start-up: build date, serial, 15 functions, end marker. */
static void test_read_supported_functions(void **state)
{
	struct fx *f = *state;
	char stream[8192];
	size_t len = 0, off = 0, i;
	struct fh_msg_event ev;
	int n;

	n = fh_msg_build_log(stream, sizeof(stream),
			     "INFO: Supported Functions (15):");
	assert_true(n > 0);
	len = (size_t)n;
	for (i = 0; i < 15; i++) {
		char text[64];

		snprintf(text, sizeof(text), "INFO: %s", supported[i]);
		n = fh_msg_build_log(stream + len, sizeof(stream) - len, text);
		assert_true(n > 0);
		len += (size_t)n;
	}
	n = fh_msg_build_log(stream + len, sizeof(stream) - len,
			     "INFO: End of supported functions 15");
	assert_true(n > 0);
	len += (size_t)n;

	off += feed_one(f->r, stream, len);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Supported Functions (15):");
	for (i = 0; i < 15; i++) {
		char text[64];

		off += feed_one(f->r, stream + off, len - off);
		assert_true(fh_msg_reader_next(f->r, &ev));
		snprintf(text, sizeof(text), "INFO: %s", supported[i]);
		assert_string_equal(ev.value, text);
		assert_false(fh_msg_reader_next(f->r, &ev));
	}
	off += feed_one(f->r, stream + off, len - off);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: End of supported functions 15");
	assert_int_equal(off, len);
}

static void test_read_erase_stream(void **state)
{
	struct fx *f = *state;
	size_t len = strlen(erase_stream), off = 0, used;
	struct fh_msg_event ev;

	off += feed_one(f->r, erase_stream, len);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Calling handler for erase");
	off += feed_one(f->r, erase_stream + off, len - off);
	expect_event(
		f->r, FH_MSG_EV_LOG, "log",
		"INFO: NAND was previously open, returning existing handle 0.");
	off += feed_one(f->r, erase_stream + off, len - off);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Erasing start sector 640, num sectors 0");
	off += feed_one(f->r, erase_stream + off, len - off);
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_true(fh_msg_response_is_ack(&ev));
	assert_string_equal(fh_msg_event_attr(&ev, "rawmode"), "false");
	assert_false(fh_msg_response_rawmode(&ev));
	/* the trailing newline is whitespace between documents */
	assert_int_equal(fh_msg_reader_feed(f->r,
					    (const uint8_t *)erase_stream + off,
					    len - off, &used),
			 0);
	assert_int_equal(off + used, len);
	assert_false(fh_msg_reader_partial(f->r));
}

/* After rawmode="true" the bytes that follow are sector data: not eaten. */
static void test_rawmode_leaves_data(void **state)
{
	static const char s[] = DOC(
		"<log value=\"INFO: Calling handler for program\" />")
		DOC("<response value=\"ACK\" rawmode=\"true\" />") "<?xml "
								   "\x00\xff</"
								   "data>\x7e";
	struct fx *f = *state;
	size_t len = sizeof(s) - 1, off = 0;
	struct fh_msg_event ev;

	off += feed_one(f->r, s, len);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Calling handler for program");
	off += feed_one(f->r, s + off, len - off);
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_true(fh_msg_response_is_ack(&ev));
	assert_true(fh_msg_response_rawmode(&ev));
	assert_int_equal(len - off, 16);
	assert_memory_equal(s + off, "<?xml \x00\xff</data>\x7e", 16);
}

static void test_read_power_reset(void **state)
{
	static const char s[] = DOC(
		"<log value=\"INFO: Calling handler for power\" />")
		DOC("<response value=\"ACK\" rawmode=\"false\" />") DOC(
			"<log value=\"INFO: Will issue reset/power off 100 "
			"useconds, if this hangs "
			"check if watchdog is enabled\" />")
			DOC("<log value=\"INFO: bsp_target_reset() 1\" />");
	struct fx *f = *state;
	size_t len = strlen(s), off = 0;
	struct fh_msg_event ev;

	off += feed_one(f->r, s, len);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Calling handler for power");
	off += feed_one(f->r, s + off, len - off);
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_true(fh_msg_response_is_ack(&ev));
	off += feed_one(f->r, s + off, len - off);
	expect_event(f->r, FH_MSG_EV_LOG, "log",
		     "INFO: Will issue reset/power off 100 useconds, if this "
		     "hangs check if "
		     "watchdog is enabled");
	off += feed_one(f->r, s + off, len - off);
	expect_event(f->r, FH_MSG_EV_LOG, "log", "INFO: bsp_target_reset() 1");
	assert_int_equal(off, len);
}

/* One document holding a log and the response, with escaped characters. */
static void test_read_several_elements(void **state)
{
	static const char s[] = "<?xml version=\"1.0\" ?>\n<data>\n"
				"<log value=\"said &quot;hi&quot; &amp; "
				"&lt;left&gt; it&apos;s\" />\n"
				"<response value=\"ACK\" />\n</data>";
	struct fx *f = *state;

	feed_one(f->r, s, strlen(s));
	expect_event(f->r, FH_MSG_EV_LOG, "log", "said \"hi\" & <left> it's");
	expect_event(f->r, FH_MSG_EV_RESPONSE, "response", "ACK");
}

/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Streams: splits, joins, errors and resynchronisation.              */

#define MAX_OUT 64

struct out {
	size_t n;
	int ret[MAX_OUT];
	char text[MAX_OUT][160]; /* "tag=value" of the document's first event */
	size_t nev[MAX_OUT];
};

/* Feed len bytes in pieces of step, collecting every non-zero result. */
static void collect(struct fh_msg_reader *r, const void *data, size_t len,
		    size_t step, struct out *o)
{
	const uint8_t *p = data;
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	while (off < len) {
		size_t piece = len - off < step ? len - off : step, pos = 0;

		while (pos < piece) {
			size_t used = 0;
			int ret = fh_msg_reader_feed(r, p + off + pos,
						     piece - pos, &used);
			struct fh_msg_event ev;

			assert_true(used <= piece - pos);
			/* every result, errors included, eats at least one byte */
			assert_true(used > 0 || (ret == 0 && pos == piece));
			pos += used;
			if (!ret) {
				assert_int_equal(pos, piece);
				continue;
			}
			assert_true(o->n < MAX_OUT);
			o->ret[o->n] = ret;
			while (ret == 1 && fh_msg_reader_next(r, &ev)) {
				if (!o->nev[o->n]++)
					snprintf(o->text[o->n],
						 sizeof(o->text[0]), "%s=%s",
						 ev.tag,
						 ev.value ? ev.value : "");
			}
			o->n++;
		}
		off += piece;
	}
}

static void expect_out(const struct out *o, size_t i, int ret, const char *text)
{
	assert_true(i < o->n);
	assert_int_equal(o->ret[i], ret);
	if (text)
		assert_string_equal(o->text[i], text);
}

static void test_split_every_byte(void **state)
{
	struct fx *f = *state;
	char s[4096];
	size_t step, len;

	len = (size_t)snprintf(s, sizeof(s), "%s\r\n%s%s\n\n", configure_ack,
			       erase_stream, configure_qfh);
	for (step = 1; step <= len; step = step < 16 ? step + 1 : step * 2) {
		struct out o;

		collect(f->r, s, len, step, &o);
		assert_int_equal(o.n, 6);
		expect_out(&o, 0, 1, "response=ACK");
		expect_out(&o, 1, 1, "log=INFO: Calling handler for erase");
		expect_out(&o, 2, 1,
			   "log=INFO: NAND was previously open, returning "
			   "existing "
			   "handle 0.");
		expect_out(&o, 3, 1,
			   "log=INFO: Erasing start sector 640, num sectors 0");
		expect_out(&o, 4, 1, "response=ACK");
		expect_out(&o, 5, 1, "configure=");
		assert_false(fh_msg_reader_partial(f->r));
	}
}

/* A document cut short: the next declaration starts a new one. */
static void test_unterminated(void **state)
{
	static const char s[] =
		XML_DECL "<data><log value=\"cut" XML_DECL
			 "<data><response value=\"ACK\" /></data>";
	struct fx *f = *state;
	size_t steps[] = { 1, 3, 1000 }, k;

	for (k = 0; k < 3; k++) {
		struct out o;

		collect(f->r, s, strlen(s), steps[k], &o);
		assert_int_equal(o.n, 2);
		expect_out(&o, 0, -EBADMSG, NULL);
		expect_out(&o, 1, 1, "response=ACK");
	}
}

static void test_partial_and_reset(void **state)
{
	struct fx *f = *state;
	struct fh_msg_event ev;
	size_t used;
	struct out o;

	assert_false(fh_msg_reader_partial(f->r));
	assert_int_equal(fh_msg_reader_feed(f->r,
					    (const uint8_t *)configure_ack, 100,
					    &used),
			 0);
	assert_int_equal(used, 100);
	assert_true(fh_msg_reader_partial(f->r));
	fh_msg_reader_reset(f->r);
	assert_false(fh_msg_reader_partial(f->r));
	/* the rest alone is garbage up to its </data> */
	collect(f->r, configure_ack + 100, strlen(configure_ack) - 100, 1000,
		&o);
	assert_int_equal(o.n, 1);
	expect_out(&o, 0, -EBADMSG, NULL);
	collect(f->r, configure_ack, strlen(configure_ack), 1000, &o);
	assert_int_equal(o.n, 1);
	expect_out(&o, 0, 1, "response=ACK");
	/* events of a document are gone once the reader is fed again */
	assert_int_equal(
		fh_msg_reader_feed(f->r, (const uint8_t *)"", 0, &used), 0);
	assert_int_equal(used, 0);
	assert_false(fh_msg_reader_next(f->r, &ev));
}

static void test_garbage_resync(void **state)
{
	static const char s[] =
		"\xff\xfe junk </data>\n"
		"noise" DOC("<log value=\"after noise\" />")
			DOC("<log value=\"unquoted=x />")
				DOC("<log value=unquoted />")
					DOC("<log value=\"&undefined;\" "
					    "/>") "<?xml version=\"1.0\" "
						  "?><other><log "
						  "value=\"x\" "
						  "/></other></data>" DOC(
							  "<response "
							  "value=\"ACK\" "
							  "rawmode="
							  "\"false\" />");
	struct fx *f = *state;
	size_t steps[] = { 1, 2, 5, 1000 }, k, i;

	for (k = 0; k < 4; k++) {
		struct out o;

		collect(f->r, s, strlen(s), steps[k], &o);
		assert_true(o.n >= 7);
		expect_out(&o, 0, -EBADMSG, NULL);
		/* "noise" then a declaration: the noise is dropped */
		expect_out(&o, 1, -EBADMSG, NULL);
		expect_out(&o, 2, 1, "log=after noise");
		expect_out(&o, o.n - 1, 1, "response=ACK");
		for (i = 3; i < o.n - 1; i++)
			assert_int_equal(o.ret[i], -EBADMSG);
	}
}

/* Billion laughs and external entities: refused before any expansion. */
static void test_entities_refused(void **state)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE data [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 "
		"\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 "
		"\"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
		"\">\n"
		" <!ENTITY lol3 "
		"\"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
		"\">\n"
		" <!ENTITY lol4 "
		"\"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
		"\">\n"
		" <!ENTITY lol5 "
		"\"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
		"\">\n"
		" <!ENTITY lol6 "
		"\"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
		"\">\n"
		" <!ENTITY lol7 "
		"\"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
		"\">\n"
		" <!ENTITY lol8 "
		"\"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
		"\">\n"
		" <!ENTITY lol9 "
		"\"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
		"\">\n"
		"]>\n<data><log value=\"&lol9;\" /></data>" DOC(
			"<response value=\"ACK\" />");
	static const char external[] =
		"<?xml version=\"1.0\"?><!DOCTYPE data SYSTEM "
		"\"file:///etc/passwd\">"
		"<data><log value=\"x\" /></data>"
		"<?xml version=\"1.0\"?><!DOCTYPE data [<!ENTITY x SYSTEM "
		"\"file:///etc/passwd\">]>"
		"<data><log value=\"&x;\" /></data>" DOC(
			"<log value=\"still here\" />");
	struct fx *f = *state;
	struct out o;

	collect(f->r, laughs, strlen(laughs), 1000, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -EPERM, NULL);
	expect_out(&o, 1, 1, "response=ACK");
	collect(f->r, laughs, strlen(laughs), 1, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -EPERM, NULL);
	expect_out(&o, 1, 1, "response=ACK");

	collect(f->r, external, strlen(external), 1000, &o);
	assert_int_equal(o.n, 3);
	expect_out(&o, 0, -EPERM, NULL);
	expect_out(&o, 1, -EPERM, NULL);
	expect_out(&o, 2, 1, "log=still here");
}

static const char log_head[] = XML_DECL "<data><log value=\"";

static void test_oversized(void **state)
{
	static const char over_tail[] =
		"\" /></data>" DOC("<response value=\"ACK\" />");
	struct fx *f = *state;
	char *s = malloc(FH_MSG_MAX_DOC + 256);
	struct out o;
	size_t n;

	assert_non_null(s);
	n = sizeof(log_head) - 1;
	memcpy(s, log_head, n);
	memset(s + n, 'x', FH_MSG_MAX_DOC);
	n += FH_MSG_MAX_DOC;
	memcpy(s + n, over_tail, sizeof(over_tail));
	n += sizeof(over_tail) - 1;
	collect(f->r, s, n, 4096, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -EMSGSIZE, NULL);
	expect_out(&o, 1, 1, "response=ACK");
	collect(f->r, s, n, n, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -EMSGSIZE, NULL);
	expect_out(&o, 1, 1, "response=ACK");
	/* the limit reached at the first byte of a feed still eats that byte */
	collect(f->r, s, n, FH_MSG_MAX_DOC, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -EMSGSIZE, NULL);
	expect_out(&o, 1, 1, "response=ACK");
	free(s);
}

/* A document of exactly FH_MSG_MAX_DOC bytes is still accepted. */
static void test_max_size_accepted(void **state)
{
	static const char tail[] = "\" /></data>";
	struct fx *f = *state;
	char *s = malloc(FH_MSG_MAX_DOC + 1);
	size_t head;
	struct out o;

	assert_non_null(s);
	head = sizeof(log_head) - 1;
	memcpy(s, log_head, head);
	memset(s + head, 'y', FH_MSG_MAX_DOC - head - strlen(tail));
	memcpy(s + FH_MSG_MAX_DOC - strlen(tail), tail, strlen(tail));
	collect(f->r, s, FH_MSG_MAX_DOC, 7777, &o);
	assert_int_equal(o.n, 1);
	expect_out(&o, 0, 1, NULL);
	free(s);
}

static void test_limits(void **state)
{
	struct fx *f = *state;
	char *s = malloc(16384);
	size_t n, i;
	struct out o;

	assert_non_null(s);
	/* FH_MSG_MAX_ATTRS + 1 attributes */
	n = (size_t)sprintf(s, "%s<data><program", XML_DECL);
	for (i = 0; i <= FH_MSG_MAX_ATTRS; i++)
		n += (size_t)sprintf(s + n, " a%zu=\"%zu\"", i, i);
	n += (size_t)sprintf(s + n, " /></data>%s", DOC("<nop />"));
	collect(f->r, s, n, 1000, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -ENOMEM, NULL);
	expect_out(&o, 1, 1, "nop=");

	/* FH_MSG_MAX_EVENTS + 1 elements in one document */
	n = (size_t)sprintf(s, "%s<data>", XML_DECL);
	for (i = 0; i <= FH_MSG_MAX_EVENTS; i++)
		n += (size_t)sprintf(s + n, "<log value=\"%zu\" />", i);
	n += (size_t)sprintf(s + n, "</data>");
	collect(f->r, s, n, 1000, &o);
	assert_int_equal(o.n, 1);
	expect_out(&o, 0, -ENOMEM, NULL);

	/* exactly at the limit is fine; nested elements are ignored */
	n = (size_t)sprintf(s, "%s<data>", XML_DECL);
	for (i = 0; i < FH_MSG_MAX_EVENTS; i++)
		n += (size_t)sprintf(
			s + n, "<log value=\"%zu\"><inner a=\"b\" /></log>", i);
	n += (size_t)sprintf(s + n, "</data>");
	collect(f->r, s, n, 1000, &o);
	assert_int_equal(o.n, 1);
	expect_out(&o, 0, 1, "log=0");
	assert_int_equal(o.nev[0], FH_MSG_MAX_EVENTS);
	free(s);
}

/* The root must be <data>. */
static void test_root_not_data(void **state)
{
	static const char s[] =
		XML_DECL "<response value=\"ACK\" /></data>" DOC(
			"<response value=\"NAK\" />");
	struct fx *f = *state;
	struct out o;

	collect(f->r, s, strlen(s), 1000, &o);
	assert_int_equal(o.n, 2);
	expect_out(&o, 0, -EBADMSG, NULL);
	expect_out(&o, 1, 1, "response=NAK");
}

static void test_attr_u64(void **state)
{
	static const char s[] = DOC("<erase a=\"8192\" b=\"0x240\" c=\"640.\" "
				    "d=\"NUM_DISK_SECTORS-5.\" e=\"\" "
				    "f=\"-1\" g=\"18446744073709551615\" "
				    "h=\"18446744073709551616\" i=\" 1\" "
				    "j=\".\" k=\"0x\" l=\"0xFFFFFFFFFFFFFFFF\" "
				    "m=\"0x10000000000000000\" "
				    "n=\"0xg\" o=\"1.5\" p=\"0\" />");
	struct fx *f = *state;
	struct fh_msg_event ev;
	uint64_t v = 7;

	feed_one(f->r, s, strlen(s));
	assert_true(fh_msg_reader_next(f->r, &ev));
	assert_int_equal(fh_msg_event_attr_u64(&ev, "a", &v), 0);
	assert_int_equal(v, 8192);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "b", &v), 0);
	assert_int_equal(v, 0x240);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "c", &v), 0);
	assert_int_equal(v, 640);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "g", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "l", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "p", &v), 0);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(fh_msg_event_attr_u64(&ev, "d", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "e", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "f", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "h", &v), -ERANGE);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "i", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "j", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "k", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "m", &v), -ERANGE);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "n", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "o", &v), -EINVAL);
	assert_int_equal(fh_msg_event_attr_u64(&ev, "absent", &v), -ENOENT);
	assert_int_equal(v, 7); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_configure_command,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_configure_ack, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_configure_nak, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_supported_functions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_erase_stream, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rawmode_leaves_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_power_reset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_several_elements,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_every_byte, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unterminated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_partial_and_reset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_garbage_resync, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_entities_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_oversized, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_max_size_accepted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_not_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_attr_u64, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
