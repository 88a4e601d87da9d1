// SPDX-License-Identifier: BSD-3-Clause
/* Simulated boot images: header, hashed head, end marker (see image.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/bytes.h"
#include "sim/edl/image.h"

static int get_str(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n && p[i]; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return -EBADMSG;
	if (i == n)
		return -EBADMSG; /* no NUL: a field must keep one */
	for (size_t j = i; j < n; j++)
		if (p[j])
			return -EBADMSG; /* padding must be NUL */
	memcpy(out, p, i);
	out[i] = '\0';
	return 0;
}

int sim_img_parse(const uint8_t *buf, size_t len, struct sim_img_hdr *h)
{
	if (len < SIM_IMG_HDR_LEN)
		return -EAGAIN;
	memset(h, 0, sizeof(*h));
	if (memcmp(buf, SIM_IMG_MAGIC, 8) != 0 ||
	    get_le32(buf + 8) != SIM_IMG_HDR_LEN)
		return -EBADMSG;
	h->kind = get_le32(buf + 12);
	if (h->kind < SIM_IMG_SBL || h->kind > SIM_IMG_OTHER)
		return -EBADMSG;
	h->msm_id = get_le32(buf + 16);
	if (get_str(buf + 24, 16, h->chip) ||
	    get_str(buf + 40, 16, h->variant) ||
	    get_str(buf + 56, 64, h->revision))
		return -EBADMSG;
	h->payload_len = get_le64(buf + 120);
	/* a payload beyond 1 TiB is a lie, whatever the medium */
	if (h->payload_len < SIM_IMG_END_LEN || h->payload_len > (1ull << 40))
		return -EBADMSG;
	memcpy(h->head_sha256, buf + 128, 32);
	return 0;
}

static void put_str(uint8_t *p, size_t n, const char *s)
{
	size_t l = s ? strnlen(s, n - 1) : 0;

	memset(p, 0, n);
	memcpy(p, s ? s : "", l);
}

void sim_img_write_hdr(const struct sim_img_hdr *h, uint8_t *out)
{
	memset(out, 0, SIM_IMG_HDR_LEN);
	memcpy(out, SIM_IMG_MAGIC, 8);
	put_le32(out + 8, SIM_IMG_HDR_LEN);
	put_le32(out + 12, h->kind);
	put_le32(out + 16, h->msm_id);
	put_str(out + 24, 16, h->chip);
	put_str(out + 40, 16, h->variant);
	put_str(out + 56, 64, h->revision);
	put_le64(out + 120, h->payload_len);
	memcpy(out + 128, h->head_sha256, 32);
}

void sim_img_end_marker(uint64_t payload_len, uint8_t out[SIM_IMG_END_LEN])
{
	memcpy(out, SIM_IMG_END_MAGIC, 8);
	put_le64(out + 8, SIM_IMG_HDR_LEN + payload_len);
}

static uint64_t head_len(uint64_t payload_len)
{
	uint64_t n = payload_len - SIM_IMG_END_LEN;

	return n < 4096 ? n : 4096; /* pseudo-random part */
}

static uint64_t seed_hash(const char *seed)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; seed && *seed; seed++)
		h = (h ^ (uint8_t)*seed) * 0x100000001b3ull;
	return h;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void sim_img_payload(uint64_t payload_len, const char *seed, uint64_t off,
		     uint8_t *buf, size_t len)
{
	uint64_t sh = seed_hash(seed), hl = head_len(payload_len);
	uint64_t end_off = payload_len - SIM_IMG_END_LEN;
	uint8_t marker[SIM_IMG_END_LEN];

	sim_img_end_marker(payload_len, marker);
	for (size_t i = 0; i < len; i++) {
		uint64_t o = off + i;

		if (o < hl)
			buf[i] = (uint8_t)(mix(sh ^ (o >> 3)) >> (8 * (o & 7)));
		else if (o >= end_off && o < payload_len)
			buf[i] = marker[o - end_off];
		else
			buf[i] = 0;
	}
}

bool sim_img_payload_is_hole(uint64_t payload_len, uint64_t off, size_t len)
{
	return off >= head_len(payload_len) &&
	       off + len <= payload_len - SIM_IMG_END_LEN;
}

void sim_img_make_hdr(struct sim_img_hdr *h, enum sim_img_kind kind,
		      const char *chip, uint32_t msm_id, const char *variant,
		      const char *revision, uint64_t payload_len,
		      const char *seed)
{
	uint64_t n = payload_len < SIM_IMG_HEAD_HASHED ? payload_len
						       : SIM_IMG_HEAD_HASHED;
	uint8_t buf[4096];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int dl = 0;

	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->msm_id = msm_id;
	snprintf(h->chip, sizeof(h->chip), "%s", chip ? chip : "");
	snprintf(h->variant, sizeof(h->variant), "%s", variant ? variant : "");
	snprintf(h->revision, sizeof(h->revision), "%s",
		 revision ? revision : "");
	h->payload_len = payload_len;
	if (!ctx)
		return; /* header stays with a zero hash: it will not verify */
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (uint64_t o = 0; o < n; o += sizeof(buf)) {
		size_t l = n - o < sizeof(buf) ? (size_t)(n - o) : sizeof(buf);

		sim_img_payload(payload_len, seed, o, buf, l);
		EVP_DigestUpdate(ctx, buf, l);
	}
	EVP_DigestFinal_ex(ctx, h->head_sha256, &dl);
	EVP_MD_CTX_free(ctx);
}

int sim_img_verify(const uint8_t *buf, size_t len, struct sim_img_hdr *h)
{
	uint8_t md[32], marker[SIM_IMG_END_LEN];
	unsigned int dl = 0;
	uint64_t n;
	int rc = sim_img_parse(buf, len, h);

	if (rc)
		return rc;
	if (len - SIM_IMG_HDR_LEN < h->payload_len)
		return -EAGAIN;
	n = h->payload_len < SIM_IMG_HEAD_HASHED ? h->payload_len
						 : SIM_IMG_HEAD_HASHED;
	if (!EVP_Digest(buf + SIM_IMG_HDR_LEN, (size_t)n, md, &dl, EVP_sha256(),
			NULL))
		return -ENOMEM;
	if (memcmp(md, h->head_sha256, 32) != 0)
		return -EILSEQ;
	sim_img_end_marker(h->payload_len, marker);
	if (memcmp(buf + SIM_IMG_HDR_LEN + h->payload_len - SIM_IMG_END_LEN,
		   marker, SIM_IMG_END_LEN) != 0)
		return -EILSEQ;
	return 0;
}

int sim_img_verify_parts(const struct sim_img_hdr *h, const uint8_t *head,
			 size_t head_len_, const uint8_t *end16)
{
	uint8_t md[32], marker[SIM_IMG_END_LEN];
	unsigned int dl = 0;
	uint64_t n = h->payload_len < SIM_IMG_HEAD_HASHED ? h->payload_len
							  : SIM_IMG_HEAD_HASHED;

	if (head_len_ < n)
		return -EAGAIN;
	if (!EVP_Digest(head, (size_t)n, md, &dl, EVP_sha256(), NULL))
		return -ENOMEM;
	if (memcmp(md, h->head_sha256, 32) != 0)
		return -EILSEQ;
	sim_img_end_marker(h->payload_len, marker);
	return memcmp(end16, marker, SIM_IMG_END_LEN) ? -EILSEQ : 0;
}
