// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated Firehose programmer: an ELF32 with an MBN v3 hash segment,
 * signed by a test root or unsigned (layout in image.h). Built by mkpkg,
 * checked by the simulated PBL in sahara_dev.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/bytes.h"
#include "sim/edl/image.h"

#define ELF_HDR	  0x34u
#define PHDR	  32u
#define NPHDR	  3u
#define MBN_HDR	  40u
#define PF_HASH	  0x02200000u
#define PF_ELFHDR 0x07000000u

int sim_prog_parse_elf(const uint8_t *b, size_t len, struct sim_prog_info *pi)
{
	static const uint8_t ident[] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };

	memset(pi, 0, sizeof(*pi));
	pi->hash_seg = -1;
	if (len < ELF_HDR)
		return -EAGAIN;
	if (memcmp(b, ident, sizeof(ident)) != 0 ||
	    get_le32(b + 28) != ELF_HDR || get_le16(b + 42) != PHDR)
		return -EBADMSG;
	pi->phnum = get_le16(b + 44);
	if (pi->phnum != NPHDR)
		return -EBADMSG;
	if (len < ELF_HDR + NPHDR * PHDR)
		return -EAGAIN;
	for (uint32_t i = 0; i < NPHDR; i++) {
		const uint8_t *p = b + ELF_HDR + i * PHDR;
		struct sim_prog_seg *s = &pi->seg[i];

		s->type = get_le32(p);
		s->offset = get_le32(p + 4);
		s->vaddr = get_le32(p + 8);
		s->filesz = get_le32(p + 16);
		s->memsz = get_le32(p + 20);
		s->flags = get_le32(p + 24);
		if (s->offset > SIM_PROG_MAX_SIZE ||
		    s->filesz > SIM_PROG_MAX_SIZE - s->offset)
			return -EBADMSG;
		if (s->type == 0 &&
		    (s->flags & 0x07000000u) == (PF_HASH & 0x07000000u) &&
		    pi->hash_seg < 0)
			pi->hash_seg = (int)i;
	}
	if (pi->hash_seg < 0 || pi->seg[pi->hash_seg].filesz < MBN_HDR)
		return -EBADMSG;
	return 0;
}

uint32_t sim_prog_file_end(const struct sim_prog_info *pi)
{
	uint32_t end = ELF_HDR + NPHDR * PHDR;

	for (uint32_t i = 0; i < pi->phnum && i < NPHDR; i++)
		if (pi->seg[i].offset + pi->seg[i].filesz > end)
			end = pi->seg[i].offset + pi->seg[i].filesz;
	return end;
}

static void find_target(const uint8_t *b, size_t len, struct sim_prog_info *pi)
{
	static const char kc[] = "MF_TARGET_CHIP=",
			  km[] = "MF_TARGET_MSM_ID=0x";
	const uint8_t *c = memmem(b, len, kc, sizeof(kc) - 1);
	const uint8_t *m = memmem(b, len, km, sizeof(km) - 1);
	size_t i, rest;
	char hex[9];

	if (!c || !m)
		return;
	c += sizeof(kc) - 1;
	rest = (size_t)(b + len - c);
	for (i = 0; i < rest && i < 16 && c[i] > 0x20 && c[i] < 0x7f; i++)
		pi->chip[i] = (char)c[i];
	pi->chip[i] = '\0';
	m += sizeof(km) - 1;
	if ((size_t)(b + len - m) < 8)
		return;
	memcpy(hex, m, 8);
	hex[8] = '\0';
	for (i = 0; i < 8; i++)
		if (!strchr("0123456789abcdefABCDEF", hex[i]))
			return;
	pi->msm_id = (uint32_t)strtoul(hex, NULL, 16);
	pi->has_target = pi->chip[0] != '\0';
}

int sim_prog_parse(const uint8_t *b, size_t len, struct sim_prog_info *pi)
{
	const struct sim_prog_seg *h;
	const uint8_t *m;
	uint64_t need;
	int rc = sim_prog_parse_elf(b, len, pi);

	if (rc)
		return rc;
	if (len < sim_prog_file_end(pi))
		return -EAGAIN;
	h = &pi->seg[pi->hash_seg];
	m = b + h->offset;
	pi->mbn_image_id = get_le32(m);
	pi->hash_table_len = get_le32(m + 20);
	pi->sig_size = get_le32(m + 28);
	pi->cert_size = get_le32(m + 36);
	if (get_le32(m + 4) != 3)
		return -EBADMSG;
	need = (uint64_t)MBN_HDR + pi->hash_table_len + pi->sig_size +
	       pi->cert_size;
	if (need > h->filesz)
		return -EBADMSG;
	if (pi->hash_table_len == NPHDR * 32)
		pi->digest_len = 32;
	else if (pi->hash_table_len == NPHDR * 48)
		pi->digest_len = 48;
	else
		return -EBADMSG;
	if ((pi->sig_size == 0) != (pi->cert_size == 0))
		return -EBADMSG;
	for (uint32_t i = 0; i < NPHDR; i++)
		if (pi->seg[i].type == 1)
			find_target(b + pi->seg[i].offset, pi->seg[i].filesz,
				    pi);
	return 0;
}

static const EVP_MD *md_for(size_t n)
{
	return n == 48 ? EVP_sha384() : EVP_sha256();
}

static int check_hashes(const uint8_t *b, const struct sim_prog_info *pi)
{
	const uint8_t *tab = b + pi->seg[pi->hash_seg].offset + MBN_HDR;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int dl;

	for (uint32_t i = 0; i < NPHDR; i++) {
		const uint8_t *want = tab + i * pi->digest_len;

		if ((int)i == pi->hash_seg) {
			for (size_t j = 0; j < pi->digest_len; j++)
				if (want[j])
					return -EILSEQ;
			continue;
		}
		if (!EVP_Digest(b + pi->seg[i].offset, pi->seg[i].filesz, md,
				&dl, md_for(pi->digest_len), NULL))
			return -ENOMEM;
		if (memcmp(md, want, pi->digest_len) != 0)
			return -EILSEQ;
	}
	return 0;
}

/* Verify the signature with the first certificate; hash the last one. */
static int check_sig(const uint8_t *b, const struct sim_prog_info *pi,
		     uint8_t *root_hash, size_t pk_len)
{
	const uint8_t *m = b + pi->seg[pi->hash_seg].offset;
	const uint8_t *sig = m + MBN_HDR + pi->hash_table_len;
	const uint8_t *chain = sig + pi->sig_size, *p = chain, *last = chain;
	X509 *leaf = NULL, *x;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *key;
	unsigned int dl;
	int rc = -EBADMSG;

	while (p < chain + pi->cert_size) {
		const uint8_t *start = p;

		x = d2i_X509(NULL, &p, chain + pi->cert_size - start);
		if (!x)
			break; /* padding after the chain */
		last = start;
		if (!leaf)
			leaf = x;
		else
			X509_free(x);
		if (p == chain + pi->cert_size)
			break;
		if (p[0] != 0x30)
			break;
	}
	if (!leaf)
		return -EBADMSG;
	{
		const uint8_t *q = last;
		X509 *root = d2i_X509(NULL, &q, chain + pi->cert_size - last);

		if (!root)
			goto out;
		if (!EVP_Digest(last, (size_t)(q - last), root_hash, &dl,
				md_for(pk_len), NULL)) {
			X509_free(root);
			goto out;
		}
		X509_free(root);
	}
	key = X509_get0_pubkey(leaf);
	ctx = EVP_MD_CTX_new();
	rc = -EACCES;
	if (key && ctx &&
	    EVP_DigestVerifyInit(ctx, NULL, md_for(pi->digest_len), NULL,
				 key) == 1 &&
	    EVP_DigestVerify(ctx, sig, pi->sig_size, m,
			     MBN_HDR + pi->hash_table_len) == 1)
		rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	X509_free(leaf);
	return rc;
}

int sim_prog_verify(const uint8_t *buf, size_t len,
		    const struct sim_prog_info *pi, bool *signed_out,
		    uint8_t *root_hash, size_t pk_len)
{
	int rc;

	*signed_out = false;
	if (len < sim_prog_file_end(pi))
		return -EAGAIN;
	rc = check_hashes(buf, pi);
	if (rc)
		return rc;
	if (!pi->sig_size)
		return 0;
	*signed_out = true;
	return check_sig(buf, pi, root_hash, pk_len);
}

/* --- building --- */

static void put_phdr(uint8_t *p, uint32_t type, uint32_t off, uint32_t vaddr,
		     uint32_t sz, uint32_t flags, uint32_t align)
{
	put_le32(p, type);
	put_le32(p + 4, off);
	put_le32(p + 8, vaddr);
	put_le32(p + 12, vaddr);
	put_le32(p + 16, sz);
	put_le32(p + 20, sz);
	put_le32(p + 24, flags);
	put_le32(p + 28, align);
}

static void fill_code(uint8_t *c, uint32_t len, const char *chip,
		      uint32_t msm_id)
{
	char s[256];
	int n;
	uint64_t x = msm_id;

	for (uint32_t i = 0; i < len; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		c[i] = (uint8_t)(x >> 56);
	}
	n = snprintf(s, sizeof(s),
		     "QC_IMAGE_VERSION_STRING=BOOT.MF.1.0-%s%c"
		     "OEM_IMAGE_VERSION_STRING=modemflash-sim%c"
		     "MF_TARGET_CHIP=%s%cMF_TARGET_MSM_ID=0x%08X%c",
		     chip, 0, 0, chip, 0, msm_id, 0);
	if (n > 0 && (uint32_t)n < len)
		memcpy(c + 64, s, (size_t)n);
}

static int load_key(const char *key_path, const char *cert_path, EVP_PKEY **key,
		    uint8_t **der, int *der_len, size_t *dlen)
{
	FILE *f = fopen(key_path, "r");
	long sz;

	if (!f)
		return -errno;
	*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!*key)
		return -EBADMSG;
	f = fopen(cert_path, "rb");
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) <= 0 || sz > 65536 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EBADMSG;
	}
	*der = malloc((size_t)sz);
	if (!*der || fread(*der, 1, (size_t)sz, f) != (size_t)sz) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*der_len = (int)sz;
	/* the digest follows the root's strength: an EC P-384 key -> SHA-384 */
	*dlen = EVP_PKEY_get_bits(*key) > 256 ? 48 : 32;
	return 0;
}

static int sign(EVP_PKEY *key, size_t dlen, const uint8_t *msg, size_t n,
		uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx &&
		 EVP_DigestSignInit(ctx, NULL, md_for(dlen), NULL, key) == 1 &&
		 EVP_DigestSign(ctx, sig, siglen, msg, n) == 1;

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int sim_prog_build(const char *chip, uint32_t msm_id, const char *key_path,
		   const char *cert_path, uint32_t code_len, uint8_t **out,
		   size_t *out_len, char *errbuf, size_t errcap)
{
	EVP_PKEY *key = NULL;
	uint8_t *der = NULL, *b = NULL, sig[512];
	int der_len = 0, rc = 0;
	size_t dlen = 32, siglen = sizeof(sig);
	uint32_t hash_len, code_off, total, vbase = 0x08000000u;
	unsigned int l;

	if (key_path && cert_path) {
		rc = load_key(key_path, cert_path, &key, &der, &der_len, &dlen);
		if (rc) {
			snprintf(errbuf, errcap,
				 "cannot load signing root %s / %s", key_path,
				 cert_path);
			goto out;
		}
	}
	if (code_len < 1024)
		code_len = 1024;
	/* ECDSA signatures vary in length: reserve the maximum */
	hash_len = MBN_HDR + NPHDR * (uint32_t)dlen + (key ? 160u : 0) +
		   (uint32_t)der_len;
	code_off = (SIM_PROG_HASH_OFF + hash_len + 0xfffu) & ~0xfffu;
	total = code_off + code_len;
	if (total > SIM_PROG_MAX_SIZE) {
		snprintf(errbuf, errcap, "programmer too large");
		rc = -EFBIG;
		goto out;
	}
	b = calloc(1, total);
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(b,
	       "\x7f"
	       "ELF\x01\x01\x01",
	       7);
	put_le16(b + 16, 2);
	put_le16(b + 18, 40); /* ARM */
	put_le32(b + 20, 1);
	put_le32(b + 24, vbase + 0xc00000u);
	put_le32(b + 28, ELF_HDR);
	put_le32(b + 36, 0x05000000u);
	put_le16(b + 40, ELF_HDR);
	put_le16(b + 42, PHDR);
	put_le16(b + 44, NPHDR);
	fill_code(b + code_off, code_len, chip, msm_id);

	uint8_t *m = b + SIM_PROG_HASH_OFF, *tab = m + MBN_HDR;
	uint32_t sig_size = 0, cert_size = 0;

	/* hash table: ELF header segment, zero for itself, code */
	put_phdr(b + ELF_HDR, 0, 0, 0, ELF_HDR + NPHDR * PHDR, PF_ELFHDR, 0);
	put_phdr(b + ELF_HDR + PHDR, 0, SIM_PROG_HASH_OFF, vbase, 0, PF_HASH,
		 0x1000);
	put_phdr(b + ELF_HDR + 2 * PHDR, 1, code_off, vbase + 0xc00000u,
		 code_len, 5, 0x1000);
	for (int pass = 0; pass < 2; pass++) {
		uint32_t hs =
			MBN_HDR + NPHDR * (uint32_t)dlen + sig_size + cert_size;

		put_le32(b + ELF_HDR + PHDR + 16, hs);
		put_le32(b + ELF_HDR + PHDR + 20, hs);
		EVP_Digest(b, ELF_HDR + NPHDR * PHDR, tab, &l, md_for(dlen),
			   NULL);
		memset(tab + dlen, 0, dlen);
		EVP_Digest(b + code_off, code_len, tab + 2 * dlen, &l,
			   md_for(dlen), NULL);
		put_le32(m, SIM_MBN_IMAGE_ID);
		put_le32(m + 4, 3);
		put_le32(m + 8, 0);
		put_le32(m + 12, vbase + MBN_HDR);
		put_le32(m + 16, NPHDR * (uint32_t)dlen + sig_size + cert_size);
		put_le32(m + 20, NPHDR * (uint32_t)dlen);
		put_le32(m + 24, vbase + MBN_HDR + NPHDR * (uint32_t)dlen);
		put_le32(m + 28, sig_size);
		put_le32(m + 32,
			 vbase + MBN_HDR + NPHDR * (uint32_t)dlen + sig_size);
		put_le32(m + 36, cert_size);
		if (!key)
			break;
		if (pass == 0) {
			/*
			 * Learn the signature length, then sign the final
			 * header. An ECDSA signature's DER length varies with
			 * its random nonce (P-384: 104, 103 or 102 bytes with
			 * 1/4, 1/2, 1/4, shorter ones rarely): aim at the
			 * longest of a few, which one try in four or more
			 * gives again; a rare short one taken as the aim
			 * made one package in a few hundred fail.
			 */
			for (int tries = 0; tries < 8; tries++) {
				siglen = sizeof(sig);
				rc = sign(key, dlen, m, MBN_HDR + NPHDR * dlen,
					  sig, &siglen);
				if (rc)
					goto sign_fail;
				if (siglen > sig_size)
					sig_size = (uint32_t)siglen;
			}
			cert_size = (uint32_t)der_len;
			continue;
		}
		/* sign until the length is the one the header holds */
		for (int tries = 0; tries < 1024; tries++) {
			siglen = sizeof(sig);
			rc = sign(key, dlen, m, MBN_HDR + NPHDR * dlen, sig,
				  &siglen);
			if (rc)
				goto sign_fail;
			if (siglen == sig_size)
				break;
		}
		if (siglen != sig_size)
			goto sign_fail;
		memcpy(tab + NPHDR * dlen, sig, siglen);
		memcpy(tab + NPHDR * dlen + siglen, der, (size_t)der_len);
	}
	*out = b;
	*out_len = total;
	b = NULL;
	rc = 0;
	goto out;
sign_fail:
	snprintf(errbuf, errcap, "cannot sign the programmer with %s",
		 key_path);
	rc = -EIO;
out:
	free(b);
	free(der);
	EVP_PKEY_free(key);
	return rc;
}
