// SPDX-License-Identifier: BSD-3-Clause
/*
 * Checking md5.txt against the files: a mismatch is a damaged or lying
 * package; entries for files Quectel never ships (\upgrade\targetfiles.zip)
 * and images absent from a partial copy are reported, not fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "pkg/pkgint.h"

/* The zeros after the image in its last sector, into a SHA-256 copy. */
static bool sha_padded(const EVP_MD_CTX *data, const struct pkg_cmd *c,
		       uint8_t out[32])
{
	static const uint8_t zero[4096];
	uint64_t pad = c->file_sectors * (c->sector_size ? c->sector_size : 1);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_MD_CTX_copy_ex(ctx, data);

	for (uint64_t off = c->file_size; ok && off < pad;) {
		size_t n = pad - off < sizeof(zero) ? (size_t)(pad - off)
						    : sizeof(zero);

		ok = EVP_DigestUpdate(ctx, zero, n);
		off += n;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* The program lines of this file get its SHA-256 (xml.h). */
static void keep_sha(struct pkg *pkg, const char *path, const EVP_MD_CTX *sha,
		     uint64_t size)
{
	for (size_t i = 0; i < pkg->ncmds; i++) {
		struct pkg_cmd *c = &pkg->cmds[i];
		EVP_MD_CTX *f;

		if (c->op != PKG_OP_PROGRAM || !c->present || !c->path ||
		    strcmp(c->path, path) || c->file_size != size)
			continue; /* changed since its stat: hashed again */
		f = EVP_MD_CTX_new();
		c->has_sha256 = f && EVP_MD_CTX_copy_ex(f, sha) &&
				EVP_DigestFinal_ex(f, c->sha256_file, NULL) &&
				sha_padded(sha, c, c->sha256_padded);
		EVP_MD_CTX_free(f);
	}
}

/* md5 of the file, and in the same read the SHA-256 its images need. */
static int md5_file(struct pkg *pkg, const char *path, char hex[33])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx, *sha;
	uint64_t size = 0;
	ssize_t r;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ctx = EVP_MD_CTX_new();
	sha = EVP_MD_CTX_new();
	if (!ctx || !sha || !EVP_DigestInit_ex(ctx, EVP_md5(), NULL) ||
	    !EVP_DigestInit_ex(sha, EVP_sha256(), NULL))
		rc = -ENOMEM;
	while (!rc && (r = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		EVP_DigestUpdate(sha, buf, (size_t)r);
		size += (uint64_t)r;
	}
	if (!rc && r < 0)
		rc = -errno;
	if (!rc && !EVP_DigestFinal_ex(ctx, md, &mdlen))
		rc = -EIO;
	if (!rc)
		keep_sha(pkg, path, sha, size);
	EVP_MD_CTX_free(ctx);
	EVP_MD_CTX_free(sha);
	close(fd);
	for (i = 0; i < mdlen && i < 16; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[32] = 0;
	return rc;
}

static int check_entry(struct pkg *pkg, struct pkg_md5_entry *e,
		       struct mf_err *err)
{
	const char *rel = e->name;
	char hex[33];
	int rc;

	while (*rel == '\\' || *rel == '/')
		rel++;
	rc = pkg_resolve(pkg->root, pkg->root, rel, &e->path);
	if (rc == -ENOENT || (rc == -EPERM && !e->path)) {
		bool shipped = !strcasestr(e->name, "targetfiles.zip");

		e->result = shipped ? PKG_MD5_ABSENT : PKG_MD5_NOT_SHIPPED;
		*(shipped ? &pkg->md5.absent : &pkg->md5.not_shipped) += 1;
		return 0;
	}
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc,
				  "md5 list names %s, which leaves the package",
				  e->name);
	rc = md5_file(pkg, e->path, hex);
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc, "cannot read %s",
				  e->path);
	if (strcmp(hex, e->hex)) {
		e->result = PKG_MD5_MISMATCH;
		pkg->md5.mismatch++;
		return mf_err_set(
			err, MF_BAD_PACKAGE, -EBADMSG,
			"md5 of %s is %s, the package's md5 list says %s",
			e->name, hex, e->hex);
	}
	e->result = PKG_MD5_OK;
	pkg->md5.ok++;
	return 0;
}

int pkg_check_md5(struct pkg *pkg, struct mf_err *err)
{
	static const char *const names[] = { "md5.txt", "quectel.md5" };
	uint8_t *b;
	size_t len, i;
	char *p;
	int rc = -ENOENT;

	for (i = 0; i < 2 && rc; i++) {
		if (asprintf(&p, "%s/%s", pkg->root, names[i]) < 0)
			return -ENOMEM;
		rc = pkg_read_file(p, 1u << 20, &b, &len);
		if (rc)
			free(p);
		else
			pkg->md5.file = p;
	}
	if (rc) {
		pkg_warn(pkg,
			 "no md5.txt: images are not checked against a digest");
		return 0;
	}
	rc = pkg_md5_parse((char *)b, len, &pkg->md5, err);
	free(b);
	for (i = 0; !rc && i < pkg->md5.n; i++)
		rc = check_entry(pkg, &pkg->md5.entries[i], err);
	if (!rc && pkg->md5.not_shipped)
		pkg_warn(pkg,
			 "md5 list names %zu file(s) never shipped in packages "
			 "(targetfiles.zip)",
			 pkg->md5.not_shipped);
	return rc;
}
