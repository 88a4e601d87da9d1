// SPDX-License-Identifier: BSD-3-Clause
/*
 * Where one bulk IN transfer ends. The pty merges what the simulator
 * wrote in pieces; a real Firehose device sends each XML document as a
 * transfer of its own (a <log> and the <response> after it are two), and
 * raw sector data apart from the documents around it. Hosts that parse one
 * transfer as one document (qdl) depend on that.
 */
#include <string.h>

#include "sim/gadget/bridge.h"

#define XML_START "<?xml"
#define XML_END	  "</data>"

static const uint8_t *find(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	const uint8_t *q;

	for (size_t i = 0; i + k <= n; i++) {
		q = memchr(p + i, s[0], n - k + 1 - i);
		if (!q)
			return NULL;
		i = (size_t)(q - p);
		if (!memcmp(q, s, k))
			return q;
	}
	return NULL;
}

size_t br_transfer_len(const uint8_t *buf, size_t n)
{
	const size_t ks = strlen(XML_START), ke = strlen(XML_END);
	const uint8_t *end, *next;
	size_t len;

	if (n >= ks && !memcmp(buf, XML_START, ks)) {
		/* a document: up to its </data> and the line end after it */
		end = find(buf, n, XML_END);
		if (!end)
			return n;
		len = (size_t)(end - buf) + ke;
		while (len < n && (buf[len] == '\n' || buf[len] == '\r'))
			len++;
		return len;
	}
	/* raw data (or text): up to the next document */
	next = n > 1 ? find(buf + 1, n - 1, XML_START) : NULL;
	return next ? (size_t)(next - buf) : n;
}
