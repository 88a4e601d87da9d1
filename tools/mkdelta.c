// SPDX-License-Identifier: BSD-3-Clause
/*
 * mkdelta: write a delta FOTA file that modemflash-sim applies on
 * AT+QFOTADL (format in wire/delta_msg.h).
 *   mkdelta --profile P --from REV --to REV -o FILE [--size N]
 * The payload is N deterministic pseudo-random bytes (default 65536).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "sim/profile.h"
#include "wire/delta_msg.h"

#define MAX_PAYLOAD (256u << 20)

static int usage(void)
{
	fprintf(stderr, "usage: mkdelta --profile P --from REV --to REV -o "
			"FILE [--size N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ 0 },
	};
	const char *prof = NULL, *from = NULL, *to = NULL, *out = NULL;
	struct delta_msg_header hdr = { 0 };
	unsigned long long size = 65536;
	uint8_t *buf, x = 0x5a;
	uint32_t seed = 0x2545f491;
	size_t total, i;
	char *end;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "p:f:t:o:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prof = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			size = strtoull(optarg, &end, 10);
			if (*end || !optarg[0] || size > MAX_PAYLOAD) {
				fprintf(stderr,
					"mkdelta: --size %s: 0 .. %u bytes\n",
					optarg, MAX_PAYLOAD);
				return 2;
			}
			break;
		default:
			return usage();
		}
	}
	if (!prof || !from || !to || !out || optind != argc)
		return usage();
	if (!sim_profile_find(prof)) {
		fprintf(stderr, "mkdelta: unknown profile '%s'\n", prof);
		return 2;
	}
	if (strlen(prof) >= DELTA_MSG_NAME || strlen(from) >= DELTA_MSG_REV ||
	    strlen(to) >= DELTA_MSG_REV || !to[0] || !from[0]) {
		fprintf(stderr, "mkdelta: profile or revision too long\n");
		return 2;
	}
	snprintf(hdr.profile, sizeof(hdr.profile), "%s", prof);
	snprintf(hdr.from, sizeof(hdr.from), "%s", from);
	snprintf(hdr.to, sizeof(hdr.to), "%s", to);
	hdr.payload_len = size;
	total = DELTA_MSG_HDR + (size_t)size + DELTA_MSG_SHA;
	buf = calloc(1, total);
	if (!buf) {
		fprintf(stderr, "mkdelta: out of memory\n");
		return 1;
	}
	if (delta_msg_build(&hdr, buf, total) < 0) {
		fprintf(stderr, "mkdelta: a revision may hold only letters, "
				"digits and ._-\n");
		free(buf);
		return 2;
	}
	for (i = 0; i < size; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		x = (uint8_t)(seed >> 24);
		buf[DELTA_MSG_HDR + i] = x;
	}
	SHA256(buf, delta_msg_digest_off(size),
	       buf + delta_msg_digest_off(size));
	f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, total, f) != total || fclose(f)) {
		fprintf(stderr, "mkdelta: cannot write %s: %s\n", out,
			strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}
