// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ops/update/flash_int.h"

static void stage_progress_cb(void *ctx, const struct fh_progress *p)
{
	struct stage_progress *s = ctx;

	mf_progress(s->up, s->stage, s->base + p->done, s->total);
}

void stage_progress_begin(struct stage_progress *s, struct fh_session *fh,
			  const struct mf_log *up, const char *stage,
			  uint64_t total)
{
	memset(s, 0, sizeof(*s));
	s->up = up;
	s->stage = stage;
	s->total = total;
	s->fh = fh;
	s->saved = fh->progress;
	s->saved_ctx = fh->progress_ctx;
	fh_set_progress(fh, stage_progress_cb, s);
}

void stage_progress_end(struct stage_progress *s)
{
	fh_set_progress(s->fh, s->saved, s->saved_ctx);
}

void hex_str(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

int sha256_fd(int fd, uint64_t len, uint64_t pad_to, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t buf[65536];
	uint64_t off = 0;
	int rc = 0;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = -ENOMEM;
		goto out;
	}
	while (off < len) {
		size_t want = len - off < sizeof(buf) ? (size_t)(len - off)
						      : sizeof(buf);
		ssize_t n = pread(fd, buf, want, (off_t)off);

		if (n <= 0) {
			rc = -EIO;
			goto out;
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
		off += (uint64_t)n;
	}
	memset(buf, 0, sizeof(buf));
	while (off < pad_to) {
		size_t want = pad_to - off < sizeof(buf)
				      ? (size_t)(pad_to - off)
				      : sizeof(buf);

		EVP_DigestUpdate(md, buf, want);
		off += want;
	}
	EVP_DigestFinal_ex(md, out, NULL);
out:
	EVP_MD_CTX_free(md);
	return rc;
}
