// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Firehose programmer: ELF32/ELF64 header and program headers, the
 * Qualcomm hash segment (p_flags segment type 2 in bits 24-26), its MBN
 * header, signature and certificate chain sizes, and the root certificate
 * (the last of the DER chain) hashed with SHA-256 and SHA-384 to compare
 * with a module's OEM PK hash. Every offset is checked against the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/bytes.h"
#include "pkg/image.h"

#define MAX_PHNUM   64
#define SEG_TYPE(f) (((f) >> 24) & 7u)
#define SEG_HASH    2u

struct seg {
	uint64_t offset, filesz;
	uint32_t flags;
};

static int bad(struct mf_err *err, const char *what)
{
	return mf_err_set(err, MF_BAD_PACKAGE, -EBADMSG,
			  "programmer is not a valid ELF/MBN image: %s", what);
}

static int read_phdrs(const uint8_t *b, size_t len, struct pkg_prog *p,
		      struct seg *segs, struct mf_err *err)
{
	uint64_t phoff;
	uint16_t phentsize;
	uint32_t i;
	const uint8_t *ph;

	if (p->elf64) {
		if (len < 64)
			return bad(err, "short ELF64 header");
		phoff = get_le64(b + 32);
		phentsize = get_le16(b + 54);
		p->phnum = get_le16(b + 56);
	} else {
		if (len < 52)
			return bad(err, "short ELF32 header");
		phoff = get_le32(b + 28);
		phentsize = get_le16(b + 42);
		p->phnum = get_le16(b + 44);
	}
	if (phentsize != (p->elf64 ? 56 : 32))
		return bad(err, "unexpected program header size");
	if (!p->phnum || p->phnum > MAX_PHNUM)
		return bad(err, "program header count out of range");
	if (phoff > len || (uint64_t)p->phnum * phentsize > len - phoff)
		return bad(err, "program headers past the end of the file");
	for (i = 0; i < p->phnum; i++) {
		ph = b + phoff + (uint64_t)i * phentsize;
		if (p->elf64) {
			segs[i].flags = get_le32(ph + 4);
			segs[i].offset = get_le64(ph + 8);
			segs[i].filesz = get_le64(ph + 32);
		} else {
			segs[i].flags = get_le32(ph + 24);
			segs[i].offset = get_le32(ph + 4);
			segs[i].filesz = get_le32(ph + 16);
		}
		if (segs[i].offset > len ||
		    segs[i].filesz > len - segs[i].offset)
			return bad(err, "segment past the end of the file");
	}
	return 0;
}

static bool looks_like_mbn(const uint8_t *m, uint64_t avail)
{
	uint32_t v;

	if (avail < 40)
		return false;
	v = get_le32(m + 4);
	return (v == 3 || v == 5 || v == 6) &&
	       (uint64_t)get_le32(m + 20) <= avail;
}

/* Hash every certificate of the chain; the last one is the root. */
static void read_chain(const uint8_t *c, uint64_t n, struct pkg_prog *p)
{
	const unsigned char *q = c, *start;
	X509 *x;
	unsigned int dl;

	while ((uint64_t)(q - c) < n && *q == 0x30 &&
	       p->ncerts < PKG_MAX_CERTS) {
		start = q;
		x = d2i_X509(NULL, &q, (long)(n - (uint64_t)(q - c)));
		if (!x)
			break;
		X509_free(x);
		p->ncerts++;
		EVP_Digest(start, (size_t)(q - start), p->root_sha256, &dl,
			   EVP_sha256(), NULL);
		EVP_Digest(start, (size_t)(q - start), p->root_sha384, &dl,
			   EVP_sha384(), NULL);
		p->has_root = true;
	}
}

static int read_mbn(const uint8_t *m, uint64_t avail, struct pkg_prog *p,
		    struct mf_err *err)
{
	uint64_t hdr = 40, sig_off, need;

	p->image_id = get_le32(m);
	p->mbn_version = get_le32(m + 4);
	p->image_size = get_le32(m + 16);
	p->code_size = get_le32(m + 20);
	p->sig_size = get_le32(m + 28);
	p->cert_size = get_le32(m + 36);
	if (p->mbn_version >= 5) {
		p->qti_sig_size = get_le32(m + 8);
		p->qti_cert_size = get_le32(m + 12);
	}
	if (p->mbn_version == 6) {
		/* v6 adds two metadata sizes after the v5 fields */
		hdr = 48;
		if (avail < hdr)
			return bad(err, "short MBN v6 header");
		p->metadata_size = get_le32(m + 40) + get_le32(m + 44);
		if (p->metadata_size > avail)
			return bad(err, "MBN metadata past the hash segment");
	}
	sig_off = hdr + p->metadata_size + p->code_size;
	need = sig_off + (uint64_t)p->sig_size + p->cert_size +
	       p->qti_sig_size + p->qti_cert_size;
	if (need > avail)
		return bad(
			err,
			"MBN signature or certificates past the hash segment");
	p->has_mbn = true;
	p->is_signed = p->sig_size || p->qti_sig_size;
	if (p->cert_size)
		read_chain(m + sig_off + p->sig_size, p->cert_size, p);
	else if (p->qti_cert_size)
		read_chain(m + sig_off + p->sig_size + p->qti_sig_size,
			   p->qti_cert_size, p);
	if (p->is_signed && !p->has_root)
		return bad(err, "signed, but no readable certificate chain");
	return 0;
}

static void read_target(const uint8_t *b, size_t len, struct pkg_prog *p)
{
	static const char chip[] = "MF_TARGET_CHIP=",
			  msm[] = "MF_TARGET_MSM_ID=0x";
	const uint8_t *s;
	size_t i;

	if (!b || !len)
		return;
	s = memmem(b, len, chip, sizeof(chip) - 1);
	if (s) {
		s += sizeof(chip) - 1;
		for (i = 0;
		     i < 16 && s + i < b + len && s[i] > 0x20 && s[i] < 0x7f;
		     i++)
			p->target_chip[i] = (char)s[i];
	}
	s = memmem(b, len, msm, sizeof(msm) - 1);
	if (s) {
		s += sizeof(msm) - 1;
		for (i = 0; i < 8 && s + i < b + len; i++) {
			uint8_t c = s[i];
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				     : c >= 'a' && c <= 'f'
					     ? (unsigned)(c - 'a' + 10)
				     : c >= 'A' && c <= 'F'
					     ? (unsigned)(c - 'A' + 10)
					     : 16;
			if (d > 15)
				break;
			p->target_msm = p->target_msm << 4 | d;
		}
	}
}

int pkg_prog_parse(const uint8_t *b, size_t len, struct pkg_prog *p,
		   struct mf_err *err)
{
	struct seg segs[MAX_PHNUM];
	uint32_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	p->hash_seg = -1;
	if (len > PKG_PROG_MAX_SIZE)
		return bad(err, "larger than any programmer");
	if (len < 16 || memcmp(b,
			       "\x7f"
			       "ELF",
			       4))
		return bad(err, "no ELF magic");
	if (b[4] != 1 && b[4] != 2)
		return bad(err, "unknown ELF class");
	if (b[5] != 1)
		return bad(err, "not little-endian");
	p->elf64 = b[4] == 2;
	p->machine = len >= 20 ? get_le16(b + 18) : 0;
	rc = read_phdrs(b, len, p, segs, err);
	if (rc)
		return rc;
	for (i = 0; i < p->phnum && p->hash_seg < 0; i++)
		if (SEG_TYPE(segs[i].flags) == SEG_HASH)
			p->hash_seg = (int)i;
	/* otherwise the segment that holds an MBN header */
	for (i = 0; i < p->phnum && p->hash_seg < 0; i++)
		if (looks_like_mbn(b + segs[i].offset, segs[i].filesz))
			p->hash_seg = (int)i;
	read_target(b, len, p);
	if (p->hash_seg < 0)
		return 0; /* an ELF without hash segment: unsigned */
	i = (uint32_t)p->hash_seg;
	if (!looks_like_mbn(b + segs[i].offset, segs[i].filesz))
		return bad(err, "hash segment without an MBN header");
	return read_mbn(b + segs[i].offset, segs[i].filesz, p, err);
}

bool pkg_prog_root_matches(const struct pkg_prog *p, const uint8_t *pk,
			   size_t pklen)
{
	if (!p->has_root)
		return false;
	if (pklen == 32)
		return memcmp(p->root_sha256, pk, 32) == 0;
	if (pklen == 48)
		return memcmp(p->root_sha384, pk, 48) == 0;
	return false;
}
