// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/clock.h"
#include "ops/update/flash_int.h"

static uint64_t moved(const struct flash_report *r)
{
	return r->bytes_written + r->bytes_read;
}

static void tell_stage(const struct flash_report *r,
		       const struct flash_stage *s)
{
	if (r->events && r->events->stage)
		r->events->stage(r->events->ctx, r->usb_path, s);
}

void flash_stage_close(struct flash_report *r, bool ok)
{
	struct flash_stage *s;

	if (!r->nstages || r->stages[r->nstages - 1].end_ms >= 0)
		return;
	s = &r->stages[r->nstages - 1];
	s->end_ms = mf_now_ms() - r->t0_ms;
	/* bytes held the counter at the start until now */
	s->bytes = moved(r) - s->bytes;
	s->ok = ok;
	tell_stage(r, s);
}

void flash_stage_enter(struct flash_report *r, const char *name)
{
	struct flash_stage *s;

	snprintf(r->stage, sizeof(r->stage), "%s", name);
	flash_stage_close(r, true);
	if (r->nstages == FLASH_MAX_STAGES)
		return; /* more stages than any run has: keep the first ones */
	s = &r->stages[r->nstages++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->start_ms = mf_now_ms() - r->t0_ms;
	s->end_ms = -1;
	s->bytes = moved(r);
	tell_stage(r, s);
}

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

static void progress_none(void *ctx, const struct fh_progress *p)
{
	(void)ctx;
	(void)p;
}

void stage_progress_quiet(struct stage_progress *s, struct fh_session *fh)
{
	memset(s, 0, sizeof(*s));
	s->fh = fh;
	s->saved = fh->progress;
	s->saved_ctx = fh->progress_ctx;
	fh_set_progress(fh, progress_none, NULL);
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

int sha256_range(int fd, uint64_t from, uint64_t len, uint64_t pad_to,
		 uint8_t out[32])
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
		ssize_t n = pread(fd, buf, want, (off_t)(from + off));

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

int sha256_fd(int fd, uint64_t len, uint64_t pad_to, uint8_t out[32])
{
	return sha256_range(fd, 0, len, pad_to, out);
}

const struct pkg_cmd *flash_erase_of(const struct pkg *pkg,
				     const struct pkg_cmd *c)
{
	if (c->start.kind != PKG_V_NUM)
		return NULL;
	for (size_t i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *e = &pkg->cmds[i];

		if (e->op == PKG_OP_ERASE && e->start.kind == PKG_V_NUM &&
		    e->start_sector == c->start_sector && !e->whole_disk)
			return e;
	}
	return NULL;
}

void flash_attr_set(struct fh_msg_attr *a, size_t na, const char *name,
		    const char *value)
{
	for (size_t i = 0; i < na; i++)
		if (!strcmp(a[i].name, name))
			a[i].value = value;
}

struct flash_part_stat *flash_part_get(struct flash_report *r, const char *name)
{
	struct flash_part_stat *p;

	if (!name)
		name = "?";
	for (size_t i = 0; i < r->nparts; i++)
		if (!strcmp(r->parts[i].name, name))
			return &r->parts[i];
	if (r->nparts == FLASH_MAX_PARTS)
		return NULL;
	p = &r->parts[r->nparts++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->equal = true; /* until one of its images differs */
	return p;
}
