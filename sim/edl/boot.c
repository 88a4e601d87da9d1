// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated boot ROM and the factory: what a module boots into after
 * power-on, given its NAND (field report 2: an image wrong for the hardware
 * leaves it silent), and the NAND of a fresh module.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/edl/boot.h"
#include "sim/edl/content.h"
#include "sim/edl/nand.h"

static uint64_t part_bytes(const struct sim_nand *n, const struct sim_part *pt)
{
	return (uint64_t)pt->num_blocks * nand_pages_per_block(n) *
	       nand_page_size(n);
}

/* Read bytes [off, off+len) of partition pt (page-granular reads). */
static int read_bytes(struct sim_nand *n, const struct sim_part *pt,
		      uint64_t off, uint8_t *buf, size_t len)
{
	uint32_t ps = nand_page_size(n);
	uint64_t base = (uint64_t)pt->start_block * nand_pages_per_block(n);
	uint8_t *page = malloc(ps);
	int rc = 0;

	if (!page)
		return -ENOMEM;
	if (off > part_bytes(n, pt) || len > part_bytes(n, pt) - off)
		rc = -ERANGE;
	while (!rc && len) {
		uint64_t pg = off / ps;
		size_t in = (size_t)(off % ps), l = ps - in;

		if (l > len)
			l = len;
		rc = nand_read(n, base + pg, 1, page);
		if (rc)
			break;
		memcpy(buf, page + in, l);
		buf += l;
		len -= l;
		off += l;
	}
	free(page);
	return rc;
}

int sim_boot_read_image(struct sim_nand *n, const struct sim_part *pt,
			struct sim_img_hdr *h)
{
	uint8_t hdr[SIM_IMG_HDR_LEN], end[SIM_IMG_END_LEN], *head;
	uint64_t hl;
	int rc;

	rc = read_bytes(n, pt, 0, hdr, sizeof(hdr));
	if (rc)
		return rc;
	rc = sim_img_parse(hdr, sizeof(hdr), h);
	if (rc)
		return -EBADMSG;
	if (SIM_IMG_HDR_LEN + h->payload_len > part_bytes(n, pt))
		return -EBADMSG; /* lies about its length */
	hl = h->payload_len < SIM_IMG_HEAD_HASHED ? h->payload_len
						  : SIM_IMG_HEAD_HASHED;
	head = malloc((size_t)hl);
	if (!head)
		return -ENOMEM;
	rc = read_bytes(n, pt, SIM_IMG_HDR_LEN, head, (size_t)hl);
	if (!rc)
		rc = read_bytes(n, pt,
				SIM_IMG_HDR_LEN + h->payload_len -
					SIM_IMG_END_LEN,
				end, sizeof(end));
	if (!rc)
		rc = sim_img_verify_parts(h, head, (size_t)hl, end);
	free(head);
	return rc;
}

enum sim_boot sim_boot_decide(const struct sim_profile *p, struct sim_nand *n,
			      bool boot_pin, char *revision, size_t cap,
			      const char **why)
{
	const struct sim_part *sbl = sim_profile_part(p, "SBL");
	const struct sim_part *modem = sim_profile_part(p, "modem");
	struct sim_img_hdr h;

	*why = "";
	if (boot_pin) {
		*why = "BOOT pin pulled at power-on";
		return SIM_BOOT_EDL;
	}
	if (!n || !sbl || !modem) {
		*why = "no NAND or no SBL/modem partition";
		return SIM_BOOT_EDL;
	}
	/* PBL: no SBL it can authenticate -> emergency download */
	if (sim_boot_read_image(n, sbl, &h) || h.kind != SIM_IMG_SBL ||
	    h.msm_id != p->msm_id || strcmp(h.chip, p->chip)) {
		*why = "no valid SBL for this chip";
		return SIM_BOOT_EDL;
	}
	/* SBL: a missing or half-written modem image -> download mode */
	if (sim_boot_read_image(n, modem, &h) || h.kind != SIM_IMG_MODEM) {
		*why = "no valid modem image";
		return SIM_BOOT_EDL;
	}
	/* booted, but the wrong software for this hardware: field report 2 */
	if (h.msm_id != p->msm_id || strcmp(h.chip, p->chip)) {
		*why = "modem image built for another chip";
		return SIM_BOOT_SILENT;
	}
	if (strcmp(h.variant, p->variant ? p->variant : "standard")) {
		*why = "modem image variant differs from the hardware's";
		return SIM_BOOT_SILENT;
	}
	if (revision && cap)
		snprintf(revision, cap, "%s", h.revision);
	return SIM_BOOT_NORMAL;
}

enum sim_boot sim_boot_check(struct sim *s, bool boot_pin, char *revision,
			     size_t cap)
{
	const char *why;
	enum sim_boot b = sim_boot_decide(sim_profile(s), sim_get_nand(s),
					  boot_pin, revision, cap, &why);

	sim_debug(s, "boot ROM: %s%s%s\n",
		  b == SIM_BOOT_NORMAL ? "normal"
		  : b == SIM_BOOT_EDL  ? "EDL"
				       : "silent",
		  *why ? ": " : "", why);
	return b;
}

/* Write a generated image into its partition, page by page. */
static int write_content(struct sim_nand *n, const struct sim_part *pt,
			 const struct sim_content *c)
{
	uint32_t ps = nand_page_size(n);
	uint64_t base = (uint64_t)pt->start_block * nand_pages_per_block(n);
	uint64_t pages = (c->total + ps - 1) / ps;
	uint8_t *page = malloc(ps);
	int rc = 0;

	if (!page)
		return -ENOMEM;
	for (uint64_t i = 0; i < pages && !rc; i++) {
		uint64_t off = i * ps;
		size_t l = c->total - off < ps ? (size_t)(c->total - off) : ps;

		memset(page, 0, ps);
		if (!sim_content_is_hole(c, off, l))
			sim_content_fill(c, off, page, l);
		rc = nand_program(n, base + i, page);
	}
	free(page);
	return rc;
}

int sim_provision(const struct sim_profile *p, struct sim_nand *n,
		  const char *revision, const char *variant)
{
	uint32_t ps = nand_page_size(n), ppb = nand_pages_per_block(n);
	uint8_t *buf = malloc((size_t)ps * SIM_MIBIB_PAGES);
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	for (uint32_t b = 0; b < nand_total_blocks(n) && !rc; b++)
		if (!nand_block_bad(n, b))
			rc = nand_erase(n, b, 1);
	for (size_t i = 0; i < p->nparts && !rc; i++) {
		const struct sim_part *pt = &p->parts[i];
		uint64_t first = (uint64_t)pt->start_block * ppb;
		struct sim_content c;

		if (!strcmp(pt->name, "MIBIB")) {
			struct sim_profile q = *p;

			q.page_size = ps;
			rc = sim_mibib(&q, buf, (size_t)ps * SIM_MIBIB_PAGES);
			for (uint32_t k = 0; rc >= 0 && k < SIM_MIBIB_PAGES;
			     k++)
				rc = nand_program(n, first + k, buf + k * ps);
		} else if (pt->calibration) {
			sim_calibration(p, pt->name, buf, ps);
			rc = nand_program(n, first, buf);
		} else if (sim_content_part(p, pt, revision, variant, 0, &c) ==
			   0) {
			rc = write_content(n, pt, &c);
		}
		if (rc > 0)
			rc = 0;
	}
	free(buf);
	return rc;
}

int sim_nand_provision(struct sim *s, const char *revision)
{
	const struct sim_profile *p = sim_profile(s);
	struct sim_nand *n = sim_get_nand(s);

	if (!p || !n || !revision)
		return -EINVAL;
	return sim_provision(p, n, revision,
			     sim_variant_of(revision, p->variant));
}

int sim_set_revision(const struct sim_profile *p, struct sim_nand *n,
		     const char *revision)
{
	const struct sim_part *modem = sim_profile_part(p, "modem");
	uint64_t off;
	struct sim_img_hdr h;
	uint8_t hdr[SIM_IMG_HDR_LEN];
	int rc;

	if (!modem || !revision || strlen(revision) >= sizeof(h.revision))
		return -EINVAL;
	rc = sim_boot_read_image(n, modem, &h);
	if (rc)
		return rc;
	snprintf(h.revision, sizeof(h.revision), "%s", revision);
	sim_img_write_hdr(&h, hdr);
	off = (uint64_t)modem->start_block * nand_pages_per_block(n) *
	      nand_page_size(n);
	return nand_rewrite(n, off, hdr, sizeof(hdr));
}

int sim_nand_set_revision(struct sim *s, const char *revision)
{
	return sim_set_revision(sim_profile(s), sim_get_nand(s), revision);
}
