// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ops/update/flash_int.h"

static void sl_emit(void *ctx, enum mf_level level, const char *msg)
{
	struct stage_log *s = ctx;

	if (s->up && s->up->emit && level <= s->up->max_level)
		s->up->emit(s->up->ctx, level, msg);
}

static void sl_progress(void *ctx, const char *stage, uint64_t done,
			uint64_t total)
{
	struct stage_log *s = ctx;

	(void)stage;
	(void)total;
	mf_progress(s->up, s->stage, s->base + done, s->total);
}

void stage_log_init(struct stage_log *s, const struct mf_log *up,
		    const char *stage, uint64_t total)
{
	memset(s, 0, sizeof(*s));
	s->up = up;
	s->stage = stage;
	s->total = total;
	s->log.emit = sl_emit;
	s->log.progress = sl_progress;
	s->log.ctx = s;
	s->log.max_level = up ? up->max_level : MF_LOG_ERROR;
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
