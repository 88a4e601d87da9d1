// SPDX-License-Identifier: BSD-3-Clause
#include "fakelink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

/* A read with nothing scripted: at once, or after its timeout (timed). */
static int fl_nothing(const struct fakelink *f, int timeout_ms)
{
	if (f->timed && timeout_ms > 0)
		mf_sleep_ms(timeout_ms);
	return -ETIMEDOUT;
}

static int fl_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct fakelink *f = (struct fakelink *)l;
	struct fl_step *s;
	size_t n;

	if (f->gone)
		return -ENODEV;
	if (f->cur >= f->nsteps)
		return fl_nothing(f, timeout_ms);
	s = &f->steps[f->cur];
	if (s->kind == FL_TIMEOUT) {
		f->cur++;
		return fl_nothing(f, timeout_ms);
	}
	if (s->kind == FL_SILENCE) {
		/* a read that never times out waits the silence out */
		if (timeout_ms >= 0 && (size_t)timeout_ms <= s->len) {
			mf_sleep_ms(timeout_ms);
			s->len -= (size_t)timeout_ms;
			if (!s->len)
				f->cur++;
			return -ETIMEDOUT;
		}
		mf_sleep_ms((int)s->len);
		f->cur++;
		return fl_read(l, buf, len, timeout_ms - (int)s->len);
	}
	if (s->kind == FL_DISCONNECT) {
		f->gone = true;
		return -ENODEV;
	}
	n = s->len - f->off;
	if (n > len)
		n = len;
	if (f->max_read && n > f->max_read)
		n = f->max_read;
	memcpy(buf, s->data + f->off, n);
	f->off += n;
	if (f->off == s->len) {
		f->cur++;
		f->off = 0;
	}
	return (int)n;
}

static int fl_write(struct link *l, const void *buf, size_t len, int timeout_ms)
{
	struct fakelink *f = (struct fakelink *)l;

	if (f->write_err)
		return f->write_err;
	if (f->gone)
		return -ENODEV;
	f->wlen += len;
	if (f->wkeep && f->wkept + len > f->wkeep)
		return (int)len; /* counted, not kept */
	if (f->wkept + len > f->wcap) {
		f->wcap = (f->wkept + len) * 2 + 4096;
		f->w = realloc(f->w, f->wcap);
	}
	memcpy(f->w + f->wkept, buf, len);
	f->wkept += len;
	return (int)len;
}

static void fl_close(struct link *l)
{
}

static const struct link_ops fl_ops = {
	.read = fl_read,
	.write = fl_write,
	.close = fl_close,
};

void fl_init(struct fakelink *f)
{
	memset(f, 0, sizeof(*f));
	f->link.ops = &fl_ops;
	f->link.kind = LINK_FAKE;
	strcpy(f->link.name, "fake");
}

void fl_free(struct fakelink *f)
{
	for (size_t i = 0; i < f->nsteps; i++)
		free(f->steps[i].data);
	free(f->w);
}

static void fl_add(struct fakelink *f, enum fl_kind k, const void *buf,
		   size_t len)
{
	struct fl_step *s = &f->steps[f->nsteps++];

	s->kind = k;
	s->len = len;
	s->data = NULL;
	if (len) {
		s->data = malloc(len);
		memcpy(s->data, buf, len);
	}
}

void fl_data(struct fakelink *f, const void *buf, size_t len)
{
	fl_add(f, FL_DATA, buf, len);
}

void fl_str(struct fakelink *f, const char *s)
{
	fl_add(f, FL_DATA, s, strlen(s));
}

void fl_timeout(struct fakelink *f)
{
	fl_add(f, FL_TIMEOUT, NULL, 0);
}

void fl_disconnect(struct fakelink *f)
{
	fl_add(f, FL_DISCONNECT, NULL, 0);
}

void fl_silence(struct fakelink *f, int ms)
{
	fl_add(f, FL_SILENCE, NULL, 0);
	f->steps[f->nsteps - 1].len = (size_t)ms;
}

bool fl_wrote(const struct fakelink *f, const void *buf, size_t len)
{
	return f->wkept >= len && memmem(f->w, f->wkept, buf, len) != NULL;
}

bool fl_wrote_str(const struct fakelink *f, const char *s)
{
	return fl_wrote(f, s, strlen(s));
}

bool fl_done(const struct fakelink *f)
{
	return f->cur >= f->nsteps;
}
