// SPDX-License-Identifier: BSD-3-Clause
/*
 * A backup image hashed as it arrives (src/ops/update/backup_hash.c): the
 * length and SHA-256 are those of the bytes up to the last page that is
 * not all 0xFF, whatever the pieces the link brings, and a try that is
 * read again leaves no trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "ops/update/backup_hash.h"

#define PAGE 2048u

static void sha(const uint8_t *b, size_t n, uint8_t out[32])
{
	EVP_Digest(b, n, out, NULL, EVP_sha256(), NULL);
}

/* pages: 'd' data, 'f' all 0xFF, 'p' data whose last byte only is not FF */
static uint8_t *image(const char *pages, size_t *len)
{
	size_t n = strlen(pages);
	uint8_t *b = malloc(n * PAGE);

	for (size_t i = 0; i < n; i++) {
		memset(b + i * PAGE, pages[i] == 'd' ? (int)(i + 1) : 0xff,
		       PAGE);
		if (pages[i] == 'p')
			b[i * PAGE + PAGE - 1] = 0x00;
	}
	*len = n * PAGE;
	return b;
}

/* fed in pieces of step bytes; the expected used length in pages */
static void check(const char *pages, size_t step, size_t used_pages)
{
	size_t len;
	uint8_t *b = image(pages, &len), want[32], got[32];
	struct part_hash *h = part_hash_new(PAGE);
	struct fh_tap tap = part_hash_tap(h);
	uint64_t used = 0;

	tap.attempt(tap.ctx, 1);
	for (size_t off = 0; off < len; off += step)
		tap.data(tap.ctx, b + off, len - off < step ? len - off : step);
	assert_true(part_hash_end(h, &used, got));
	assert_int_equal(used, used_pages * PAGE);
	sha(b, used_pages * PAGE, want);
	assert_memory_equal(got, want, 32);
	part_hash_free(h);
	free(b);
}

static void trailing_erased_pages_are_not_kept(void **state)
{
	(void)state;
	check("ddff", PAGE, 2);
	check("ddff", 1000, 2); /* pieces that cut pages */
	check("ddff", 65536, 2);
}

static void erased_pages_between_data_are_kept(void **state)
{
	(void)state;
	check("dffdf", 3000, 4);
	check("fffp", 7, 4); /* one byte that is not FF keeps its page */
}

static void an_erased_partition_is_empty(void **state)
{
	(void)state;
	check("ffff", 4096, 0);
}

static void a_try_read_again_is_taken_back(void **state)
{
	size_t len;
	uint8_t *b = image("ddfdff", &len), bad[PAGE], want[32], got[32];
	struct part_hash *h = part_hash_new(PAGE);
	struct fh_tap tap = part_hash_tap(h);
	uint64_t used = 0;

	(void)state;
	memset(bad, 0x5a, sizeof(bad));
	tap.attempt(tap.ctx, 1); /* chunk 1: pages 0-2, right first time */
	tap.data(tap.ctx, b, 3 * PAGE);
	tap.attempt(tap.ctx, 1); /* chunk 2: pages 3-5, garbled, cut short */
	tap.data(tap.ctx, bad, PAGE);
	tap.data(tap.ctx, bad, 100);
	tap.attempt(tap.ctx, 2); /* read again */
	tap.data(tap.ctx, b + 3 * PAGE, 3 * PAGE);
	assert_true(part_hash_end(h, &used, got));
	assert_int_equal(used, 4 * PAGE);
	sha(b, 4 * PAGE, want);
	assert_memory_equal(got, want, 32);
	part_hash_free(h);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trailing_erased_pages_are_not_kept),
		cmocka_unit_test(erased_pages_between_data_are_kept),
		cmocka_unit_test(an_erased_partition_is_empty),
		cmocka_unit_test(a_try_read_again_is_taken_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
