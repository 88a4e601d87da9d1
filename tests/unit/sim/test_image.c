// SPDX-License-Identifier: BSD-3-Clause
/* Image header, programmer ELF/MBN: parsing with bounds, signing, checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "sim/edl/image.h"

#define ROOTS MF_TESTROOTS

static uint8_t *make_image(uint64_t payload, struct sim_img_hdr *h)
{
	uint8_t *b = malloc(SIM_IMG_HDR_LEN + payload);

	sim_img_make_hdr(h, SIM_IMG_MODEM, "MDM9205", 0x001070E1, "standard",
			 "BG95M3LAR02A03_01.014.01.014", payload, "seed");
	sim_img_write_hdr(h, b);
	sim_img_payload(payload, "seed", 0, b + SIM_IMG_HDR_LEN, payload);
	return b;
}

static void image_roundtrip(void **state)
{
	struct sim_img_hdr h, g;
	uint8_t *b = make_image(100000, &h);

	assert_int_equal(sim_img_verify(b, SIM_IMG_HDR_LEN + 100000, &g), 0);
	assert_string_equal(g.revision, "BG95M3LAR02A03_01.014.01.014");
	assert_string_equal(g.chip, "MDM9205");
	assert_string_equal(g.variant, "standard");
	assert_int_equal(g.kind, SIM_IMG_MODEM);
	assert_int_equal(g.msm_id, 0x001070E1);
	/* the on-disk bytes are the documented layout */
	assert_memory_equal(b, "MFSIMIMG", 8);
	assert_int_equal(get_le32(b + 8), 160);
	assert_int_equal(get_le64(b + 120), 100000);
	assert_memory_equal(b + 160 + 100000 - 16, "MFIMGEND", 8);
	assert_int_equal(get_le64(b + 160 + 100000 - 8), 160 + 100000);
	/* the zero middle is a hole */
	assert_true(sim_img_payload_is_hole(100000, 8192, 4096));
	assert_false(sim_img_payload_is_hole(100000, 0, 4096));
	assert_false(sim_img_payload_is_hole(100000, 100000 - 20, 10));
	free(b);
}

static void image_bad_magic(void **state)
{
	struct sim_img_hdr h;
	uint8_t *b = make_image(1000, &h);

	b[0] = 'X';
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	free(b);
}

static void image_truncated(void **state)
{
	struct sim_img_hdr h;
	uint8_t *b = make_image(1000, &h);

	assert_int_equal(sim_img_parse(b, 159, &h), -EAGAIN);
	assert_int_equal(sim_img_verify(b, 1159, &h), -EAGAIN);
	free(b);
}

static void image_lying_lengths(void **state)
{
	struct sim_img_hdr h;
	uint8_t *b = make_image(1000, &h);

	put_le32(b + 8, 161); /* header length */
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	put_le32(b + 8, 160);
	put_le64(b + 120, 15); /* shorter than the end marker */
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	put_le64(b + 120, 1ull << 41);
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	put_le64(b + 120, 2000); /* more than there is */
	assert_int_equal(sim_img_verify(b, 1160, &h), -EAGAIN);
	put_le64(b + 120, 900); /* end marker not where it says */
	assert_int_equal(sim_img_verify(b, 1160, &h), -EILSEQ);
	free(b);
}

static void image_bad_strings_kind(void **state)
{
	struct sim_img_hdr h;
	uint8_t *b = make_image(1000, &h);

	memset(b + 24, 'A', 16); /* chip without NUL */
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	free(b);
	b = make_image(1000, &h);
	b[60] = 0x01; /* control character in revision */
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	free(b);
	b = make_image(1000, &h);
	put_le32(b + 12, 4);
	assert_int_equal(sim_img_parse(b, 1160, &h), -EBADMSG);
	free(b);
}

static void image_tampered_head(void **state)
{
	struct sim_img_hdr h;
	uint8_t *b = make_image(5000, &h);

	b[SIM_IMG_HDR_LEN + 10] ^= 1;
	assert_int_equal(sim_img_verify(b, 5160, &h), -EILSEQ);
	free(b);
}

static uint8_t *prog(const char *root, size_t *n)
{
	char key[512], cert[512], err[128];
	uint8_t *b = NULL;

	snprintf(cert, sizeof(cert), "%s/%s.der", ROOTS, root);
	snprintf(key, sizeof(key), "%s/%s.key", ROOTS, root);
	assert_int_equal(sim_prog_build("MDM9205", 0x001070E1,
					root ? key : NULL, root ? cert : NULL,
					0x8000, &b, n, err, sizeof(err)),
			 0);
	return b;
}

static const uint8_t sha384_root[] = {
	0xa7, 0x39, 0xef, 0x79, 0xba, 0x18, 0x78, 0xba, 0xd8, 0x33, 0x9d, 0x11,
	0x5d, 0x2b, 0x7f, 0x60, 0x09, 0x6c, 0x73, 0x8d, 0xcc, 0x32, 0x01, 0x40,
	0x0d, 0x4d, 0x5c, 0x41, 0xec, 0x9e, 0xe6, 0x70, 0x4b, 0x3c, 0x09, 0xf8,
	0xbc, 0x37, 0x4e, 0x26, 0x52, 0x9a, 0x3c, 0xfc, 0xeb, 0xfa, 0xda, 0x99,
};

static void prog_signed(void **state)
{
	size_t n;
	uint8_t *b = prog("sim-root-sha384", &n), root[64];
	struct sim_prog_info pi;
	bool sig;

	assert_int_equal(sim_prog_parse(b, n, &pi), 0);
	assert_int_equal(pi.phnum, 3);
	assert_int_equal(pi.hash_seg, 1);
	assert_int_equal(pi.seg[1].offset, 0x1000);
	assert_int_equal(pi.mbn_image_id, 0x0D);
	assert_int_equal(pi.digest_len, 48);
	assert_true(pi.sig_size > 0);
	assert_int_equal(pi.cert_size, 579);
	assert_true(pi.has_target);
	assert_string_equal(pi.chip, "MDM9205");
	assert_int_equal(pi.msm_id, 0x001070E1);
	assert_int_equal(sim_prog_verify(b, n, &pi, &sig, root, 48), 0);
	assert_true(sig);
	/* the root hash is the one data/testroots/README.md documents */
	assert_memory_equal(root, sha384_root, 48);
	assert_non_null(memmem(b, n, "QC_IMAGE_VERSION_STRING=", 24));
	free(b);
}

static void prog_unsigned(void **state)
{
	size_t n;
	uint8_t *b = NULL, root[64];
	char err[64];
	struct sim_prog_info pi;
	bool sig = true;

	assert_int_equal(sim_prog_build("MDM9207", 0x000480E1, NULL, NULL,
					0x4000, &b, &n, err, sizeof(err)),
			 0);
	assert_int_equal(sim_prog_parse(b, n, &pi), 0);
	assert_int_equal(pi.sig_size, 0);
	assert_int_equal(pi.cert_size, 0);
	assert_int_equal(pi.digest_len, 32);
	assert_int_equal(pi.msm_id, 0x000480E1);
	assert_int_equal(sim_prog_verify(b, n, &pi, &sig, root, 32), 0);
	assert_false(sig);
	free(b);
}

static void prog_tampered(void **state)
{
	size_t n;
	uint8_t *b = prog("sim-root-sha256", &n), root[64];
	struct sim_prog_info pi;
	bool sig;

	assert_int_equal(sim_prog_parse(b, n, &pi), 0);
	b[pi.seg[2].offset + 5000] ^= 0x80; /* code changed: hash fails */
	assert_int_equal(sim_prog_verify(b, n, &pi, &sig, root, 32), -EILSEQ);
	b[pi.seg[2].offset + 5000] ^= 0x80;
	/* hash table changed consistently with the code, signature fails */
	b[0x1000 + 40 + 64] ^= 1;
	assert_int_equal(sim_prog_verify(b, n, &pi, &sig, root, 32), -EILSEQ);
	b[0x1000 + 40 + 64] ^= 1;
	b[0x1000 + 8] ^= 1; /* MBN image_src: covered by the signature */
	assert_int_equal(sim_prog_verify(b, n, &pi, &sig, root, 32), -EACCES);
	free(b);
}

static void prog_bad_elf(void **state)
{
	size_t n;
	uint8_t *b = prog(NULL, &n);
	struct sim_prog_info pi;

	assert_int_equal(sim_prog_parse_elf(b, 0x33, &pi), -EAGAIN);
	assert_int_equal(sim_prog_parse_elf(b, 0x34, &pi), -EAGAIN);
	put_le16(b + 44, 4); /* phnum */
	assert_int_equal(sim_prog_parse_elf(b, n, &pi), -EBADMSG);
	put_le16(b + 44, 3);
	put_le32(b + 0x34 + 32 + 16, 0xfffffff0); /* hash segment filesz */
	assert_int_equal(sim_prog_parse_elf(b, n, &pi), -EBADMSG);
	put_le32(b + 0x34 + 32 + 16, 0x100);
	put_le32(b + 0x1000 + 20, 0x80); /* hash table size */
	assert_int_equal(sim_prog_parse(b, n, &pi), -EBADMSG);
	b[1] = 'X';
	assert_int_equal(sim_prog_parse_elf(b, n, &pi), -EBADMSG);
	free(b);
	b = prog(NULL, &n);
	assert_int_equal(sim_prog_parse(b, n - 1, &pi), -EAGAIN);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(image_roundtrip),
		cmocka_unit_test(image_bad_magic),
		cmocka_unit_test(image_truncated),
		cmocka_unit_test(image_lying_lengths),
		cmocka_unit_test(image_bad_strings_kind),
		cmocka_unit_test(image_tampered_head),
		cmocka_unit_test(prog_signed),
		cmocka_unit_test(prog_unsigned),
		cmocka_unit_test(prog_tampered),
		cmocka_unit_test(prog_bad_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
