// SPDX-License-Identifier: BSD-3-Clause
/* The bytes of a simulated firmware build (content.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/bytes.h"
#include "sim/edl/content.h"

/* CRC-32 (IEEE, reflected), as the MIBIB trailer uses. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

static enum sim_img_kind kind_of(const char *name)
{
	if (!strcmp(name, "SBL"))
		return SIM_IMG_SBL;
	if (!strcmp(name, "modem"))
		return SIM_IMG_MODEM;
	return SIM_IMG_OTHER;
}

static uint64_t default_payload(enum sim_img_kind k)
{
	return k == SIM_IMG_SBL ? 200u * 1024u : 64u * 1024u;
}

int sim_content_part(const struct sim_profile *p, const struct sim_part *part,
		     const char *revision, const char *variant,
		     uint64_t modem_size, struct sim_content *c)
{
	enum sim_img_kind k;
	uint64_t cap, payload;

	memset(c, 0, sizeof(*c));
	if (!part->image || part->calibration || !strcmp(part->name, "MIBIB"))
		return -ENOENT;
	k = kind_of(part->name);
	payload = default_payload(k);
	if (k == SIM_IMG_MODEM)
		payload = (modem_size ? modem_size : SIM_MODEM_DEFAULT_SIZE);
	if (payload < SIM_IMG_HDR_LEN + SIM_IMG_END_LEN)
		payload = SIM_IMG_HDR_LEN + SIM_IMG_END_LEN;
	payload -= SIM_IMG_HDR_LEN;
	cap = (uint64_t)part->num_blocks * p->pages_per_block * p->page_size;
	if (SIM_IMG_HDR_LEN + payload > cap)
		return -EFBIG;
	snprintf(c->seed, sizeof(c->seed), "%s:%s:%s:%s", p->name, revision,
		 part->name, variant);
	sim_img_make_hdr(&c->hdr, k, p->chip, p->msm_id, variant, revision,
			 payload, c->seed);
	c->total = SIM_IMG_HDR_LEN + payload;
	return 0;
}

void sim_content_fill(const struct sim_content *c, uint64_t off, uint8_t *buf,
		      size_t len)
{
	uint8_t hdr[SIM_IMG_HDR_LEN];

	if (off < SIM_IMG_HDR_LEN) {
		size_t n = SIM_IMG_HDR_LEN - (size_t)off;

		if (n > len)
			n = len;
		sim_img_write_hdr(&c->hdr, hdr);
		memcpy(buf, hdr + off, n);
		buf += n;
		len -= n;
		off += n;
	}
	if (len)
		sim_img_payload(c->hdr.payload_len, c->seed,
				off - SIM_IMG_HDR_LEN, buf, len);
}

bool sim_content_is_hole(const struct sim_content *c, uint64_t off, size_t len)
{
	return off >= SIM_IMG_HDR_LEN &&
	       sim_img_payload_is_hole(c->hdr.payload_len,
				       off - SIM_IMG_HDR_LEN, len);
}

int sim_mibib(const struct sim_profile *p, uint8_t *out, size_t cap)
{
	size_t ps = p->page_size, len = SIM_MIBIB_PAGES * ps;
	uint8_t *t = out + ps, *tr = out + 3 * ps;

	if (cap < len || ps < 512 || 16 + p->nparts * 28 > ps)
		return -ENOSPC;
	memset(out, 0xff, len);
	put_le32(out, 0xFE569FAC);
	put_le32(out + 4, 0xCD7F127A);
	put_le32(out + 8, 4);
	put_le32(out + 12, p->nparts);
	put_le32(t, 0x55EE73AA);
	put_le32(t + 4, 0xE35EBDDB);
	put_le32(t + 8, 4);
	put_le32(t + 12, (uint32_t)p->nparts);
	for (size_t i = 0; i < p->nparts; i++) {
		uint8_t *e = t + 16 + i * 28;

		memset(e, 0, 16);
		snprintf((char *)e, 16, "0:%s", p->parts[i].name);
		put_le32(e + 16, p->parts[i].start_block);
		put_le32(e + 20, p->parts[i].num_blocks);
		e[24] = 0xff;
		e[25] = 0x01;
		e[26] = p->parts[i].calibration ? 0xff : 0x00;
		e[27] = 0xff;
	}
	put_le32(tr, 0x9D41BEA1);
	put_le32(tr + 4, 0xF1DED2EA);
	put_le32(tr + 8, 4);
	put_le32(tr + 12, crc32_ieee(out, 4096 < len ? 4096 : len));
	return (int)len;
}

const char *sim_variant_of(const char *revision, const char *forced)
{
	if (forced)
		return forced;
	return revision && strstr(revision, "_OCPU_") ? "quecopen" : "standard";
}

void sim_calibration(const struct sim_profile *p, const char *part,
		     uint8_t *page, size_t page_size)
{
	uint64_t x = 1469598103934665603ull;
	int n;

	for (const char *s = p->imei ? p->imei : ""; *s; s++)
		x = (x ^ (uint8_t)*s) * 1099511628211ull;
	x ^= p->serial;
	for (const char *s = part; *s; s++)
		x = (x ^ (uint8_t)*s) * 1099511628211ull;
	for (size_t i = 0; i < page_size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		page[i] = (uint8_t)x;
	}
	n = snprintf((char *)page, page_size, "MFCAL1 %s IMEI=%s SN=%08x\n",
		     part, p->imei ? p->imei : "", p->serial);
	(void)n;
}
