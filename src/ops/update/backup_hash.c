// SPDX-License-Identifier: BSD-3-Clause
#include "ops/update/backup_hash.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/*
 * A page that is all 0xFF is not hashed when it comes: it is counted
 * (ff), and hashed only once a page with data follows it. What has been
 * hashed (used) is then always the prefix up to the last page with data.
 */
struct part_hash {
	EVP_MD_CTX *md, *mark_md; /* mark: where the current try began */
	uint32_t page;
	uint8_t *pbuf, *ffpage; /* a page being filled; a page of 0xFF */
	size_t pfill;
	uint64_t ff, used, mark_ff, mark_used;
	bool failed;
};

struct part_hash *part_hash_new(uint32_t page)
{
	struct part_hash *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->page = page ? page : 1;
	h->md = EVP_MD_CTX_new();
	h->mark_md = EVP_MD_CTX_new();
	h->pbuf = malloc(h->page);
	h->ffpage = malloc(h->page);
	if (!h->md || !h->mark_md || !h->pbuf || !h->ffpage ||
	    !EVP_DigestInit_ex(h->md, EVP_sha256(), NULL)) {
		part_hash_free(h);
		return NULL;
	}
	memset(h->ffpage, 0xff, h->page);
	return h;
}

void part_hash_free(struct part_hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	EVP_MD_CTX_free(h->mark_md);
	free(h->pbuf);
	free(h->ffpage);
	free(h);
}

static bool all_ff(const uint8_t *p, size_t n)
{
	return n && p[0] == 0xff && !memcmp(p, p + 1, n - 1);
}

/* One whole page (or the short last one) */
static void page_in(struct part_hash *h, const uint8_t *p, size_t n)
{
	if (all_ff(p, n)) {
		h->ff += n;
		return;
	}
	h->used += h->ff + n;
	while (h->ff) {
		size_t k = h->ff < h->page ? (size_t)h->ff : h->page;

		if (!EVP_DigestUpdate(h->md, h->ffpage, k))
			h->failed = true;
		h->ff -= k;
	}
	if (!EVP_DigestUpdate(h->md, p, n))
		h->failed = true;
}

static void tap_data(void *ctx, const uint8_t *buf, size_t len)
{
	struct part_hash *h = ctx;

	while (len) {
		size_t k;

		if (!h->pfill && len >= h->page) {
			page_in(h, buf, h->page);
			buf += h->page;
			len -= h->page;
			continue;
		}
		k = h->page - h->pfill < len ? h->page - h->pfill : len;
		memcpy(h->pbuf + h->pfill, buf, k);
		h->pfill += k;
		buf += k;
		len -= k;
		if (h->pfill == h->page) {
			page_in(h, h->pbuf, h->page);
			h->pfill = 0;
		}
	}
}

/* Reads are whole pages: a try begins and ends on a page boundary. */
static void tap_attempt(void *ctx, int n)
{
	struct part_hash *h = ctx;

	h->pfill = 0;
	if (n <= 1) {
		if (!EVP_MD_CTX_copy_ex(h->mark_md, h->md))
			h->failed = true;
		h->mark_ff = h->ff;
		h->mark_used = h->used;
		return;
	}
	if (!EVP_MD_CTX_copy_ex(h->md, h->mark_md))
		h->failed = true;
	h->ff = h->mark_ff;
	h->used = h->mark_used;
}

struct fh_tap part_hash_tap(struct part_hash *h)
{
	return (struct fh_tap){ tap_data, tap_attempt, h };
}

bool part_hash_end(struct part_hash *h, uint64_t *len, uint8_t digest[32])
{
	if (h->pfill) {
		page_in(h, h->pbuf, h->pfill);
		h->pfill = 0;
	}
	*len = h->used;
	return !h->failed && EVP_DigestFinal_ex(h->md, digest, NULL);
}
