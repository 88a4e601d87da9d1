// SPDX-License-Identifier: BSD-3-Clause
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_double.h"
#include "sim/edl/nand.h"

static const struct sim_part parts[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
	{ "MIBIB", 10, 10, "partition.mbn", false },
	{ "EFS2", 20, 40, NULL, true },
	{ "RAWDATA", 60, 10, NULL, true },
	{ "TZ", 70, 6, "tz.mbn", false },
	{ "RPM", 76, 5, "rpm.mbn", false },
	{ "aboot", 81, 6, "appsboot.mbn", false },
	{ "boot", 87, 20, "mdm9205-boot.img", false },
	{ "modem", 107, 100, "NON-HLOS.ubi", false },
	{ "system", 207, 49, "mdm9205-sysfs.ubi", false },
};

const struct sim_profile test_profile = {
	.name = "test-bg95",
	.model = "BG95-M3",
	.baseline = "BG95M3LAR02A03",
	.default_version = "01.009.01.009",
	.variant = "standard",
	.chip = "MDM9205",
	.msm_id = 0x001070E1,
	.pk_hash = { 0xa7, 0x39 },
	.pk_hash_len = 48,
	.root = "sim-root-sha384.der",
	.secure_boot = false,
	.serial = 0x0cf94c64,
	.sahara_version = 2,
	.read64 = false,
	.page_size = 2048,
	.pages_per_block = 64,
	.total_blocks = 256,
	.parts = parts,
	.nparts = sizeof(parts) / sizeof(parts[0]),
	.programmer = "prog_firehose_nand_mdm9x05.elf",
	.imei = "866425030000123",
};

/* SHA-256 of data/testroots/sim-root-sha256.der */
const struct sim_profile test_profile_secure = {
	.name = "test-sdx55",
	.model = "RM500Q-GL",
	.variant = "standard",
	.chip = "SDX55",
	.msm_id = 0x000E50E1,
	.oem_id = 0x0004,
	.pk_hash = { 0x69, 0xec, 0x0e, 0x0f, 0x0f, 0x32, 0xfe, 0x8f,
		     0xad, 0xae, 0xa5, 0x41, 0x00, 0x24, 0x3a, 0x06,
		     0x15, 0xa1, 0xb4, 0x23, 0x38, 0xbb, 0xe4, 0x7f,
		     0x09, 0x6f, 0x3a, 0xbe, 0x07, 0x63, 0x32, 0x16 },
	.pk_hash_len = 32,
	.root = "sim-root-sha256.der",
	.secure_boot = true,
	.serial = 0x12345678,
	.sahara_version = 3,
	.read64 = true,
	.page_size = 2048,
	.pages_per_block = 64,
	.total_blocks = 256,
	.parts = parts,
	.nparts = sizeof(parts) / sizeof(parts[0]),
	.programmer = "prog_firehose_sdx55.mbn",
	.imei = "866425030000999",
};

const struct sim_part *sim_profile_part(const struct sim_profile *p,
					const char *name)
{
	for (size_t i = 0; i < p->nparts; i++)
		if (!strcmp(p->parts[i].name, name))
			return &p->parts[i];
	return NULL;
}

struct sim *double_new(const struct sim_profile *p)
{
	struct sim *s = calloc(1, sizeof(*s));
	char path[300];

	s->p = p;
	snprintf(s->state_dir, sizeof(s->state_dir), "/tmp/mf-simedl-XXXXXX");
	if (!mkdtemp(s->state_dir))
		abort();
	snprintf(path, sizeof(path), "%s/nand.bin", s->state_dir);
	s->nand = sim_nand_open(path, p->page_size, p->pages_per_block,
				p->total_blocks);
	if (!s->nand)
		abort();
	return s;
}

void double_free(struct sim *s)
{
	char path[300];

	sim_nand_close(s->nand);
	snprintf(path, sizeof(path), "%s/nand.bin", s->state_dir);
	unlink(path);
	rmdir(s->state_dir);
	free(s->out);
	free(s);
}

void double_clear(struct sim *s)
{
	s->out_len = 0;
}

const struct sim_profile *sim_profile(const struct sim *s)
{
	return s->p;
}
struct sim_nand *sim_get_nand(struct sim *s)
{
	return s->nand;
}
const char *sim_state_dir(const struct sim *s)
{
	return s->state_dir;
}

int sim_port_write(struct sim_port *port, const void *buf, size_t len)
{
	struct sim *s = (struct sim *)port; /* tests pass the double as port */

	if (s->dropped)
		return -19;
	if (s->out_len + len > s->out_cap) {
		s->out_cap = (s->out_len + len) * 2;
		s->out = realloc(s->out, s->out_cap);
	}
	memcpy(s->out + s->out_len, buf, len);
	s->out_len += len;
	s->unflushed += len;
	if (s->unflushed > s->max_unflushed)
		s->max_unflushed = s->unflushed;
	return 0;
}

/* The core's flush (sim/core.h), which the Firehose read uses for pacing. */
int sim_port_flush(struct sim_port *port, int timeout_ms);
int sim_port_flush(struct sim_port *port, int timeout_ms)
{
	struct sim *s = (struct sim *)port;

	(void)timeout_ms;
	s->flushes++;
	if (s->flush_rc)
		return s->flush_rc;
	s->unflushed = 0;
	return 0;
}

static int find(struct sim *s, const char *kind, const char *arg)
{
	char want[128];

	snprintf(want, sizeof(want), "%s:%s", kind, arg);
	for (int i = 0; i < 8 && s->faults[i]; i++)
		if (!s->spent[i] && !strcmp(s->faults[i], want))
			return i;
	return -1;
}

bool sim_fault_once(struct sim *s, const char *kind, const char *arg)
{
	int i = find(s, kind, arg);

	if (i < 0)
		return false;
	s->spent[i] = true;
	return true;
}

static bool fault_at(struct sim *s, const char *kind, const char *phase,
		     uint64_t bytes)
{
	char pre[64];
	size_t l = (size_t)snprintf(pre, sizeof(pre), "%s:%s:", kind, phase);

	for (int i = 0; i < 8 && s->faults[i]; i++)
		if (!s->spent[i] && !strncmp(s->faults[i], pre, l) &&
		    bytes >= strtoull(s->faults[i] + l, NULL, 10)) {
			s->spent[i] = true;
			return true;
		}
	return false;
}

bool sim_fault_drop(struct sim *s, const char *phase, uint64_t bytes)
{
	return fault_at(s, "drop", phase, bytes);
}

bool sim_fault_stall(struct sim *s, const char *phase, uint64_t bytes)
{
	return fault_at(s, "stall", phase, bytes);
}

void sim_port_stall(struct sim_port *port)
{
	((struct sim *)port)->stalled = true;
}

bool sim_fault_lose(struct sim *s, const char *phase, uint64_t bytes,
		    uint64_t *at)
{
	char pre[64];
	size_t l = (size_t)snprintf(pre, sizeof(pre), "lose:%s:", phase);

	for (int i = 0; i < 8 && s->faults[i]; i++)
		if (!s->spent[i] && !strncmp(s->faults[i], pre, l) &&
		    bytes > strtoull(s->faults[i] + l, NULL, 10)) {
			s->spent[i] = true;
			*at = strtoull(s->faults[i] + l, NULL, 10);
			return true;
		}
	return false;
}

const char *sim_fault_value(const struct sim *s, const char *kind)
{
	size_t l = strlen(kind);

	for (int i = 0; i < 8 && s->faults[i]; i++)
		if (!strncmp(s->faults[i], kind, l) && s->faults[i][l] == ':')
			return s->faults[i] + l + 1;
	return NULL;
}

void sim_drop_link(struct sim *s)
{
	s->dropped = true;
}
void sim_sleep(struct sim *s, enum sim_busy kind, double seconds)
{
	(void)kind;
	s->slept += seconds;
}
void sim_throughput_sleep(struct sim *s, enum sim_busy kind, uint64_t bytes,
			  double bps)
{
	(void)kind;
	s->slept += (double)bytes / bps;
}
void sim_pace_start(struct sim_pace *p)
{
	p->due = 0;
}
void sim_pace(struct sim *s, struct sim_pace *p, enum sim_busy kind,
	      uint64_t bytes, double bps)
{
	(void)kind;
	p->due += (double)bytes / bps;
	s->slept += (double)bytes / bps;
}
void sim_count(struct sim *s, enum sim_busy kind, uint64_t bytes)
{
	(void)s;
	(void)kind;
	(void)bytes;
}
bool sim_timing_real(const struct sim *s)
{
	return false;
}

void sim_request(struct sim *s, enum sim_request req)
{
	if (s->nrequests < 8)
		s->requests[s->nrequests++] = (int)req;
}

void sim_debug(const struct sim *s, const char *fmt, ...)
{
	if (getenv("MF_TEST_VERBOSE")) {
		va_list ap;

		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
}
