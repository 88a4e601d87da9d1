// SPDX-License-Identifier: BSD-3-Clause
/*
 * HDLC framing of DIAG: the frames real tools send (docs/protocols.md, DIAG),
 * the CRC check value, escaping and the incremental decoder's error and
 * recovery paths.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/diag_msg.h"

/* The EDL switch as QFirehose and fwupd send it (and the device echoes). */
static const uint8_t edl_payload[] = { 0x4b, 0x65, 0x01, 0x00 };
static const uint8_t edl_frame[] = { 0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e };
/* Extended build ID request and the legacy DLOAD command. */
static const uint8_t build_id_frame[] = { 0x7c, 0x93, 0x49, 0x7e };
static const uint8_t dload_frame[] = { 0x3a, 0xa1, 0x6e, 0x7e };

static void test_crc_check_value(void **state)
{
	const char *check = "123456789";

	(void)state;
	assert_int_equal(diag_msg_crc16((const uint8_t *)check, 9), 0x906e);
	assert_int_equal(diag_msg_crc16(edl_payload, 4), 0x0f54);
	assert_int_equal(diag_msg_crc16((const uint8_t[]){ 0x7c }, 1), 0x4993);
	assert_int_equal(diag_msg_crc16((const uint8_t[]){ 0x3a }, 1), 0x6ea1);
	/* the empty message: init XOR final */
	assert_int_equal(diag_msg_crc16(NULL, 0), 0x0000);
}

static void expect_encode(const uint8_t *payload, size_t len,
			  const uint8_t *want, size_t want_len)
{
	uint8_t out[64];
	int n;

	n = diag_msg_encode(payload, len, out, sizeof(out));
	assert_int_equal(n, (int)want_len);
	assert_memory_equal(out, want, want_len);
	/* exactly the needed capacity is enough, one less is not */
	assert_int_equal(diag_msg_encode(payload, len, out, want_len),
			 (int)want_len);
	assert_int_equal(diag_msg_encode(payload, len, out, want_len - 1),
			 -ENOSPC);
}

static void test_encode_vectors(void **state)
{
	(void)state;
	expect_encode(edl_payload, sizeof(edl_payload), edl_frame,
		      sizeof(edl_frame));
	expect_encode((const uint8_t[]){ 0x7c }, 1, build_id_frame,
		      sizeof(build_id_frame));
	expect_encode((const uint8_t[]){ 0x3a }, 1, dload_frame,
		      sizeof(dload_frame));
	/* empty payload: CRC 0000 and the flag */
	expect_encode(NULL, 0, (const uint8_t[]){ 0x00, 0x00, 0x7e }, 3);
}

static void test_encode_escapes_payload(void **state)
{
	const uint8_t payload[] = { 0x7e, 0x01, 0x7d, 0x5e };
	uint8_t out[32];
	int n;

	(void)state;
	n = diag_msg_encode(payload, sizeof(payload), out, sizeof(out));
	assert_true(n >= 7);
	assert_memory_equal(
		out, ((const uint8_t[]){ 0x7d, 0x5e, 0x01, 0x7d, 0x5d, 0x5e }),
		6);
	assert_int_equal(out[n - 1], 0x7e);
	/* the only flag is the terminator */
	assert_null(memchr(out, 0x7e, (size_t)n - 1));
}

/* Find a one-byte payload whose CRC contains a byte that needs escaping. */
static void test_encode_escapes_crc(void **state)
{
	uint8_t out[16];
	unsigned int v;
	int found_7e = 0, found_7d = 0;

	(void)state;
	for (v = 0; v < 256 * 256; v++) {
		uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
		uint16_t crc = diag_msg_crc16(p, 2);
		uint8_t lo = (uint8_t)crc, hi = (uint8_t)(crc >> 8);
		size_t expect = 2 + 2 + 1;
		int n;

		if (p[0] == 0x7e || p[0] == 0x7d || p[1] == 0x7e ||
		    p[1] == 0x7d)
			continue;
		if (lo != 0x7e && lo != 0x7d && hi != 0x7e && hi != 0x7d)
			continue;
		expect +=
			(lo == 0x7e || lo == 0x7d) + (hi == 0x7e || hi == 0x7d);
		n = diag_msg_encode(p, 2, out, sizeof(out));
		assert_int_equal(n, (int)expect);
		assert_null(memchr(out, 0x7e, (size_t)n - 1));
		assert_int_equal(out[n - 1], 0x7e);
		if (lo == 0x7e || hi == 0x7e)
			found_7e++;
		if (lo == 0x7d || hi == 0x7d)
			found_7d++;
		/* the exact bytes for the first case of each kind */
		if (lo == 0x7e && found_7e == 1) {
			assert_int_equal(out[2], 0x7d);
			assert_int_equal(out[3], 0x5e);
		}
	}
	assert_true(found_7e > 0);
	assert_true(found_7d > 0);
}

static void test_encoded_max(void **state)
{
	uint8_t payload[300];
	uint8_t out[2 * 302 + 1];
	size_t i;

	(void)state;
	assert_int_equal(diag_msg_encoded_max(0), 5);
	assert_int_equal(diag_msg_encoded_max(4), 13);
	assert_int_equal(diag_msg_encoded_max(SIZE_MAX), SIZE_MAX);
	/* all-flag payload: the worst case, bar the CRC */
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = 0x7e;
	assert_true(diag_msg_encode(payload, sizeof(payload), out,
				    diag_msg_encoded_max(sizeof(payload))) >=
		    2 * (int)sizeof(payload) + 3);
}

/* Decode one whole buffer expecting exactly one frame. */
static void expect_decode(const uint8_t *in, size_t len, const uint8_t *want,
			  size_t want_len)
{
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 0, frame_len = 0;

	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec, in, len, &consumed, &frame,
					      &frame_len),
			 1);
	assert_int_equal(consumed, len);
	assert_int_equal(frame_len, want_len);
	if (want_len)
		assert_memory_equal(frame, want, want_len);
}

static void test_decode_vectors(void **state)
{
	(void)state;
	expect_decode(edl_frame, sizeof(edl_frame), edl_payload,
		      sizeof(edl_payload));
	expect_decode(build_id_frame, sizeof(build_id_frame),
		      (const uint8_t[]){ 0x7c }, 1);
	expect_decode(dload_frame, sizeof(dload_frame),
		      (const uint8_t[]){ 0x3a }, 1);
	/* edl's leading flag and QFirehose's build ID request as logged */
	expect_decode((const uint8_t[]){ 0x7e, 0x7c, 0x93, 0x49, 0x7e }, 5,
		      (const uint8_t[]){ 0x7c }, 1);
	/* several empty frames before it */
	expect_decode(
		(const uint8_t[]){ 0x7e, 0x7e, 0x7e, 0x3a, 0xa1, 0x6e, 0x7e },
		7, (const uint8_t[]){ 0x3a }, 1);
	/* empty payload with its CRC */
	expect_decode((const uint8_t[]){ 0x00, 0x00, 0x7e }, 3, NULL, 0);
}

static void test_decode_partial(void **state)
{
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 99, frame_len = 0;

	(void)state;
	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec, edl_frame, 6, &consumed,
					      &frame, &frame_len),
			 0);
	assert_int_equal(consumed, 6);
	assert_int_equal(diag_msg_decode_feed(&dec, NULL, 0, &consumed, &frame,
					      &frame_len),
			 0);
	assert_int_equal(consumed, 0);
	assert_int_equal(diag_msg_decode_feed(&dec, edl_frame + 6, 1, &consumed,
					      &frame, &frame_len),
			 1);
	assert_int_equal(consumed, 1);
	assert_int_equal(frame_len, 4);
	assert_memory_equal(frame, edl_payload, 4);
	/* only flags: nothing */
	assert_int_equal(diag_msg_decode_feed(&dec,
					      (const uint8_t[]){ 0x7e, 0x7e },
					      2, &consumed, &frame, &frame_len),
			 0);
	assert_int_equal(consumed, 2);
}

/* Every payload byte value, split before/after every byte of the encoding. */
static void test_roundtrip_all_bytes_split(void **state)
{
	uint8_t payload[256];
	uint8_t enc[2 * 258 + 1];
	struct diag_msg_decoder dec;
	size_t i, split;
	int n;

	(void)state;
	for (i = 0; i < 256; i++)
		payload[i] = (uint8_t)i;
	n = diag_msg_encode(payload, sizeof(payload), enc, sizeof(enc));
	/* 0x7d and 0x7e double, plus CRC bytes and flag */
	assert_true(n >= 256 + 2 + 2 + 1);
	assert_null(memchr(enc, 0x7e, (size_t)n - 1));

	for (split = 0; split <= (size_t)n; split++) {
		const uint8_t *frame = NULL;
		size_t consumed = 0, frame_len = 0;
		int ret;

		diag_msg_decoder_init(&dec);
		ret = diag_msg_decode_feed(&dec, enc, split, &consumed, &frame,
					   &frame_len);
		if (split == (size_t)n) {
			assert_int_equal(ret, 1);
		} else {
			assert_int_equal(ret, 0);
			assert_int_equal(consumed, split);
			ret = diag_msg_decode_feed(&dec, enc + split,
						   (size_t)n - split, &consumed,
						   &frame, &frame_len);
			assert_int_equal(ret, 1);
			assert_int_equal(consumed, (size_t)n - split);
		}
		assert_int_equal(frame_len, sizeof(payload));
		assert_memory_equal(frame, payload, sizeof(payload));
	}
}

/* One byte at a time, as a slow tty would deliver it. */
static void test_decode_byte_by_byte(void **state)
{
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t i, consumed, frame_len = 0;
	int ret = 0;

	(void)state;
	diag_msg_decoder_init(&dec);
	for (i = 0; i < sizeof(edl_frame); i++) {
		ret = diag_msg_decode_feed(&dec, edl_frame + i, 1, &consumed,
					   &frame, &frame_len);
		assert_int_equal(consumed, 1);
		if (i + 1 < sizeof(edl_frame))
			assert_int_equal(ret, 0);
	}
	assert_int_equal(ret, 1);
	assert_int_equal(frame_len, 4);
	assert_memory_equal(frame, edl_payload, 4);
}

static void test_two_frames_one_buffer(void **state)
{
	uint8_t in[sizeof(edl_frame) + sizeof(build_id_frame)];
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 0, frame_len = 0;

	(void)state;
	memcpy(in, edl_frame, sizeof(edl_frame));
	memcpy(in + sizeof(edl_frame), build_id_frame, sizeof(build_id_frame));
	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec, in, sizeof(in), &consumed,
					      &frame, &frame_len),
			 1);
	assert_int_equal(consumed, sizeof(edl_frame));
	assert_int_equal(frame_len, 4);
	assert_memory_equal(frame, edl_payload, 4);
	assert_int_equal(diag_msg_decode_feed(&dec, in + consumed,
					      sizeof(in) - sizeof(edl_frame),
					      &consumed, &frame, &frame_len),
			 1);
	assert_int_equal(consumed, sizeof(build_id_frame));
	assert_int_equal(frame_len, 1);
	assert_int_equal(frame[0], 0x7c);
}

static void test_bad_crc_then_recovery(void **state)
{
	uint8_t in[sizeof(edl_frame) * 2];
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 0, frame_len = 0;

	(void)state;
	memcpy(in, edl_frame, sizeof(edl_frame));
	in[4] ^= 0x01; /* corrupt the CRC */
	memcpy(in + sizeof(edl_frame), edl_frame, sizeof(edl_frame));
	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec, in, sizeof(in), &consumed,
					      &frame, &frame_len),
			 -EBADMSG);
	assert_int_equal(consumed, sizeof(edl_frame));
	assert_int_equal(diag_msg_decode_feed(&dec, in + consumed,
					      sizeof(in) - consumed, &consumed,
					      &frame, &frame_len),
			 1);
	assert_int_equal(frame_len, 4);
	assert_memory_equal(frame, edl_payload, 4);

	/* a corrupted payload byte is caught too */
	memcpy(in, edl_frame, sizeof(edl_frame));
	in[1] = 0x66;
	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec, in, sizeof(edl_frame),
					      &consumed, &frame, &frame_len),
			 -EBADMSG);
}

static void test_too_short_frames(void **state)
{
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 0, frame_len = 0;

	(void)state;
	/* one byte cannot hold a CRC */
	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec,
					      (const uint8_t[]){ 0x7c, 0x7e },
					      2, &consumed, &frame, &frame_len),
			 -EBADMSG);
	assert_int_equal(consumed, 2);
	/* an escape right before the flag aborts the frame */
	assert_int_equal(diag_msg_decode_feed(&dec,
					      (const uint8_t[]){ 0x7d, 0x7e },
					      2, &consumed, &frame, &frame_len),
			 -EBADMSG);
	assert_int_equal(consumed, 2);
	/* the decoder is clean again */
	assert_int_equal(diag_msg_decode_feed(&dec, dload_frame,
					      sizeof(dload_frame), &consumed,
					      &frame, &frame_len),
			 1);
	assert_int_equal(frame_len, 1);
	assert_int_equal(frame[0], 0x3a);
}

static void test_overlong_then_recovery(void **state)
{
	static uint8_t junk[DIAG_MSG_MAX_FRAME + 100];
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 0, frame_len = 0;

	(void)state;
	memset(junk, 0x11, sizeof(junk));
	diag_msg_decoder_init(&dec);
	/* no error before the flag: the frame is swallowed */
	assert_int_equal(diag_msg_decode_feed(&dec, junk, sizeof(junk),
					      &consumed, &frame, &frame_len),
			 0);
	assert_int_equal(consumed, sizeof(junk));
	assert_int_equal(
		diag_msg_decode_feed(
			&dec, (const uint8_t[]){ 0x7e, 0x7c, 0x93, 0x49, 0x7e },
			5, &consumed, &frame, &frame_len),
		-EMSGSIZE);
	assert_int_equal(consumed, 1);
	assert_int_equal(diag_msg_decode_feed(&dec, build_id_frame,
					      sizeof(build_id_frame), &consumed,
					      &frame, &frame_len),
			 1);
	assert_int_equal(frame_len, 1);
	assert_int_equal(frame[0], 0x7c);
}

/* The largest accepted frame: DIAG_MSG_MAX_FRAME bytes of payload + CRC. */
static void test_max_frame_boundary(void **state)
{
	static uint8_t payload[DIAG_MSG_MAX_FRAME - 1];
	static uint8_t enc[2 * (DIAG_MSG_MAX_FRAME + 1) + 1];
	struct diag_msg_decoder dec;
	const uint8_t *frame = NULL;
	size_t consumed = 0, frame_len = 0;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	n = diag_msg_encode(payload, DIAG_MSG_MAX_FRAME - 2, enc, sizeof(enc));
	assert_true(n > 0);
	diag_msg_decoder_init(&dec);
	assert_int_equal(diag_msg_decode_feed(&dec, enc, (size_t)n, &consumed,
					      &frame, &frame_len),
			 1);
	assert_int_equal(frame_len, DIAG_MSG_MAX_FRAME - 2);
	assert_memory_equal(frame, payload, DIAG_MSG_MAX_FRAME - 2);

	/* one byte more is too long */
	n = diag_msg_encode(payload, DIAG_MSG_MAX_FRAME - 1, enc, sizeof(enc));
	assert_true(n > 0);
	assert_int_equal(diag_msg_decode_feed(&dec, enc, (size_t)n, &consumed,
					      &frame, &frame_len),
			 -EMSGSIZE);
	assert_int_equal(consumed, (size_t)n);
}

/*
 * A stream mixing good frames, a bad CRC, an abort and empty frames, fed in
 * two pieces split at every position: the results never depend on the split.
 */
static void test_mixed_stream_split_everywhere(void **state)
{
	static const uint8_t stream[] = {
		0x7e, 0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f,
		0x7e, /* EDL switch, leading flag */
		0x4b, 0x65, 0x01, 0x00, 0x54, 0x0e, 0x7e, /* bad CRC */
		0x7e, 0x7e,				  /* empty frames */
		0x7c, 0x7d, 0x7e,			  /* aborted by 7D 7E */
		0x7c, 0x93, 0x49, 0x7e,			  /* build ID */
		0x3a, 0xa1, 0x6e, 0x7e,			  /* DLOAD */
	};
	static const int want_ret[] = { 1, -EBADMSG, -EBADMSG, 1, 1 };
	static const uint8_t want_first[] = { 0x4b, 0x00, 0x00, 0x7c, 0x3a };
	size_t split;

	(void)state;
	for (split = 0; split <= sizeof(stream); split++) {
		struct diag_msg_decoder dec;
		size_t pos = 0, piece_end = split, nev = 0;

		diag_msg_decoder_init(&dec);
		while (pos < sizeof(stream)) {
			const uint8_t *frame = NULL;
			size_t consumed = 0, frame_len = 0;
			size_t end =
				pos < piece_end ? piece_end : sizeof(stream);
			int ret;

			ret = diag_msg_decode_feed(&dec, stream + pos,
						   end - pos, &consumed, &frame,
						   &frame_len);
			pos += consumed;
			if (ret == 0) {
				assert_int_equal(pos, end);
				continue;
			}
			assert_true(nev < 5);
			assert_int_equal(ret, want_ret[nev]);
			assert_int_equal(stream[pos - 1], 0x7e);
			if (ret == 1)
				assert_int_equal(frame[0], want_first[nev]);
			nev++;
		}
		assert_int_equal(nev, 5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_encode_vectors),
		cmocka_unit_test(test_encode_escapes_payload),
		cmocka_unit_test(test_encode_escapes_crc),
		cmocka_unit_test(test_encoded_max),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_decode_partial),
		cmocka_unit_test(test_roundtrip_all_bytes_split),
		cmocka_unit_test(test_decode_byte_by_byte),
		cmocka_unit_test(test_two_frames_one_buffer),
		cmocka_unit_test(test_bad_crc_then_recovery),
		cmocka_unit_test(test_too_short_frames),
		cmocka_unit_test(test_overlong_then_recovery),
		cmocka_unit_test(test_max_frame_boundary),
		cmocka_unit_test(test_mixed_stream_split_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
