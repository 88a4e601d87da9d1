// SPDX-License-Identifier: BSD-3-Clause
#include "link/link.h"

#include <errno.h>
#include <string.h>

#include "base/clock.h"

int link_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	size_t n = l->unread_len;

	if (!n || !len)
		return l->ops->read(l, buf, len, timeout_ms);
	if (n > len)
		n = len;
	memcpy(buf, l->unread + LINK_UNREAD_MAX - l->unread_len, n);
	l->unread_len -= n;
	return (int)n;
}

int link_unread(struct link *l, const void *buf, size_t len)
{
	if (len > LINK_UNREAD_MAX - l->unread_len)
		return -ENOSPC;
	l->unread_len += len;
	memcpy(l->unread + LINK_UNREAD_MAX - l->unread_len, buf, len);
	return 0;
}

int link_read_exact(struct link *l, void *buf, size_t len, int timeout_ms)
{
	int64_t deadline = mf_deadline(timeout_ms);
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		int left = mf_remaining_ms(deadline);
		int n;

		if (left == 0)
			return -ETIMEDOUT;
		n = link_read(l, p + got, len - got, left);
		if (n < 0)
			return n;
		got += (size_t)n;
	}
	return (int)len;
}

int link_drain(struct link *l, int idle_ms, int max_ms)
{
	int64_t deadline = mf_deadline(max_ms);
	uint8_t buf[4096];
	int total = 0;

	for (;;) {
		int left = mf_remaining_ms(deadline);
		int wait = idle_ms;
		int n;

		if (left == 0)
			return total;
		if (left > 0 && left < wait)
			wait = left;
		n = link_read(l, buf, sizeof(buf), wait);
		if (n == -ETIMEDOUT)
			return total;
		if (n < 0)
			return n;
		total += n;
	}
}
