// SPDX-License-Identifier: BSD-3-Clause
/*
 * Replays of real Firehose sessions against the simulated programmer: the
 * host's documents are taken from a real log (tests/fixtures/real/logs), the
 * device's answers must be what the real module answered, element for
 * element (the <log> and <response> lines between one host command and the
 * next). And the EG25-G with 256 KiB blocks fed the erases of the real
 * p2K_b128K package (tests/fixtures/real/xml,
 * Biktorgj/quectel_eg25_recovery#29).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_double.h"
#include "sim/edl/edl_priv.h"
#include "sim/edl/image.h"
#include "wire/sahara_msg.h"

#define MAX_LINES 4096

static const struct sim_part no_parts[] = {
	{ "SBL", 0, 10, "sbl1.mbn", false },
};

/* The RM500Q-GL of the log: SDX55, 4 KiB pages, 2048 blocks of 256 KiB,
 * chip serial 0 ("Chip serial num: 0 (0x0)"). */
static const struct sim_profile sdx55 = {
	.name = "replay-sdx55",
	.chip = "SDX55",
	.msm_id = 0x000E50E1,
	.sahara_version = 3,
	.read64 = true,
	.page_size = 4096,
	.pages_per_block = 64,
	.total_blocks = 2048,
	.parts = no_parts,
	.nparts = 1,
};

/* The EM20-G of the other log: SDX24, same geometry. */
static const struct sim_profile sdx24 = {
	.name = "replay-sdx24",
	.chip = "SDX24",
	.msm_id = 0x000960E1,
	.sahara_version = 2,
	.page_size = 4096,
	.pages_per_block = 64,
	.total_blocks = 2048,
	.parts = no_parts,
	.nparts = 1,
};

/* The EG25-G lot with 256 KiB blocks: 2 KiB pages, 128 per block. */
static const struct sim_profile eg25_256k = {
	.name = "replay-eg25g-b256k",
	.chip = "MDM9207",
	.msm_id = 0x000480E1,
	.sahara_version = 2,
	.page_size = 2048,
	.pages_per_block = 128,
	.total_blocks = 1024,
	.parts = no_parts,
	.nparts = 1,
};

static char *fixture(const char *rel)
{
	const char *dir = getenv("MF_FIXTURES");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : MF_FIXTURES,
		 rel);
	f = fopen(path, "rb");
	if (!f) {
		print_error("cannot open fixture %s\n", path);
		fail();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The XML elements of a QFirehose log, in order ("[t]: <...>" lines). */
static size_t log_elements(char *text, char **out, size_t max)
{
	size_t n = 0;

	for (char *line = strtok(text, "\n"); line && n < max;
	     line = strtok(NULL, "\n")) {
		char *lt, *end;

		if (line[0] != '[' || !(lt = strchr(line, ']')))
			continue;
		lt += strspn(lt + 1, ": ") + 1;
		if (lt[0] != '<' || lt[1] < 'a' || lt[1] > 'z')
			continue;
		end = lt + strlen(lt);
		while (end > lt && (end[-1] == '\r' || end[-1] == ' '))
			*--end = 0;
		out[n++] = lt;
	}
	return n;
}

static bool is_device(const char *el)
{
	return !strncmp(el, "<log ", 5) || !strncmp(el, "<response ", 10);
}

/* The device's documents in s->out, each reduced to its one element. */
static size_t device_elements(struct sim *s, char out[][1024], size_t max)
{
	const char *p = (const char *)s->out, *end = p + s->out_len;
	size_t n = 0;

	while (n < max) {
		const char *a = memmem(p, (size_t)(end - p), "<data>", 6);
		const char *b;

		if (!a)
			break;
		a += 6;
		b = memmem(a, (size_t)(end - a), "</data>", 7);
		assert_non_null(b);
		while (a < b && (*a == '\n' || *a == ' '))
			a++;
		while (b > a && (b[-1] == '\n' || b[-1] == ' '))
			b--;
		assert_true(b - a < 1024);
		memcpy(out[n], a, (size_t)(b - a));
		out[n][b - a] = 0;
		n++;
		p = b;
	}
	return n;
}

static uint64_t attr_u64(const char *el, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(el, key);
	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 0);
}

static void host_doc(struct sim_edl *e, const char *el)
{
	char doc[2048];
	int n = snprintf(doc, sizeof(doc),
			 "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data>%s"
			 "</data>",
			 el);

	sim_edl_input(e, (const uint8_t *)doc, (size_t)n);
}

static void host_pkt(struct sim_edl *e, struct sahara_msg_pkt *pk)
{
	uint8_t b[64];
	int n = sahara_msg_encode(pk, b, sizeof(b));

	assert_true(n > 0);
	sim_edl_input(e, b, (size_t)n);
}

/* Sahara: an unsigned programmer for the profile's chip, up to DONE. */
static struct sim_edl *upload(struct sim *s, const struct sim_profile *p)
{
	struct sim_edl *e = sim_edl_new(s, (struct sim_port *)s);
	struct sahara_msg_pkt pk = { .cmd = SAHARA_MSG_HELLO_RESP };
	char err[128];
	uint8_t *img = NULL;
	size_t n;

	assert_int_equal(sim_prog_build(p->chip, p->msm_id, NULL, NULL, 0x9000,
					&img, &n, err, sizeof(err)),
			 0);
	sim_edl_start(e);
	double_clear(s);
	pk.u.hello_resp.version = 2;
	pk.u.hello_resp.compatible = 1;
	host_pkt(e, &pk);
	for (int guard = 0; guard < 1000; guard++) {
		struct sahara_msg_pkt r;

		assert_true(sahara_msg_decode(s->out, s->out_len, &r) > 0);
		double_clear(s);
		if (r.cmd == SAHARA_MSG_END_OF_IMAGE) {
			assert_int_equal(r.u.eoi.status, 0);
			break;
		}
		sim_edl_input(e, img + r.u.read.offset,
			      (size_t)r.u.read.length);
	}
	pk = (struct sahara_msg_pkt){ .cmd = SAHARA_MSG_DONE };
	host_pkt(e, &pk);
	/* DONE_RESP first, then the programmer's start-up documents */
	{
		struct sahara_msg_pkt r;
		int l = sahara_msg_decode(s->out, s->out_len, &r);

		assert_true(l > 0);
		assert_int_equal(r.cmd, SAHARA_MSG_DONE_RESP);
		memmove(s->out, s->out + l, s->out_len - (size_t)l);
		s->out_len -= (size_t)l;
	}
	free(img);
	return e;
}

/*
 * Replay the host's elements of log in order; after each, the device's
 * elements must equal the log's up to the next host element. <program>
 * data is num_partition_sectors pages of filler after the rawmode ACK.
 */
static void replay(const struct sim_profile *p, const char *rel,
		   size_t *checked)
{
	struct sim *s = double_new(p);
	char *text = fixture(rel);
	char **el = calloc(MAX_LINES, sizeof(*el));
	static char got[256][1024];
	size_t n, i = 0, ng, k;
	struct sim_edl *e;

	assert_non_null(el);
	n = log_elements(text, el, MAX_LINES);
	assert_true(n > 20);
	e = upload(s, p);
	*checked = 0;
	while (i < n) {
		const char *cmd = NULL;

		/* the start-up documents come before the first host element */
		if (!is_device(el[i]))
			cmd = el[i++];
		if (cmd) {
			double_clear(s);
			host_doc(e, cmd);
			if (!strncmp(cmd, "<program ", 9)) {
				size_t len =
					attr_u64(cmd, "num_partition_sectors") *
					p->page_size;
				uint8_t *fill = malloc(len);

				assert_non_null(fill);
				memset(fill, 0x5a, len);
				sim_edl_input(e, fill, len);
				free(fill);
			}
		}
		ng = device_elements(s, got, 256);
		for (k = 0; i < n && is_device(el[i]); i++, k++) {
			if (k >= ng || strcmp(got[k], el[i])) {
				print_error(
					"after %s\n  real: %s\n  sim:  %s\n",
					cmd ? cmd : "(start-up)", el[i],
					k < ng ? got[k] : "(nothing)");
				fail();
			}
			(*checked)++;
		}
		assert_int_equal(k,
				 ng); /* and nothing more than the real one */
	}
	/* the power reset was asked for */
	assert_int_equal(s->nrequests, 1);
	assert_int_equal(s->requests[0], SIM_REQ_RESET);
	sim_edl_free(e);
	free(el);
	free(text);
	double_free(s);
}

static void replay_rm500q_sdx55(void **state)
{
	size_t checked;

	replay(&sdx55,
	       "logs/rm500q_qfirehose_nippynetworks-qfirehose-MCU_local.txt",
	       &checked);
	/* start-up 20, configure 3, 21 erases, 20 programs, power 4 */
	assert_true(checked > 150);
}

static void replay_em20g_sdx24(void **state)
{
	size_t checked;

	replay(&sdx24,
	       "logs/em20g_qfirehose_nippynetworks-qfirehose-Ubuntu_remote.txt",
	       &checked);
	assert_true(checked > 100);
}

/*
 * The real EG25-G package's erases in QFirehose's order (the one at sector
 * 0 first, then the rest in file order) on the 256 KiB-block lot: SBL's is
 * aligned either way, RPM's 576 sectors are not a whole number of
 * 128-page blocks; the programmer's answer from issue #29, nothing erased
 * after it.
 */
static void eg25_b256k_geometry_mismatch(void **state)
{
	struct sim *s = double_new(&eg25_256k);
	char *xml = fixture("xml/eg25g_mdm9607_EG25GGBR07A08M2G_30.006/update/"
			    "firehose/rawprogram_nand_p2K_b128K_update.xml");
	char *erases[32], *q;
	size_t ne = 0, first = 0;
	struct sim_edl *e = upload(s, &eg25_256k);
	static char got[64][1024];
	size_t ng;

	for (q = strstr(xml, "<erase "); q && ne < 32;
	     q = strstr(q + 1, "<erase ")) {
		char *end = strstr(q, "/>");

		assert_non_null(end);
		end[2] = 0;
		erases[ne] = q;
		if (attr_u64(q, "start_sector") == 0)
			first = ne;
		ne++;
		q = end + 2;
	}
	assert_true(ne >= 10);
	host_doc(e,
		 "<configure MemoryName=\"nand\" Verbose=\"0\" "
		 "AlwaysValidate=\"0\" MaxDigestTableSizeInBytes=\"2048\" "
		 "MaxPayloadSizeToTargetInBytes=\"8192\"  ZlpAwareHost=\"1\" "
		 "SkipStorageInit=\"0\" />");
	/* the 9x07 ACK: TargetName, upper-case NAND, no Version (edl#714) */
	ng = device_elements(s, got, 64);
	assert_true(ng >= 3);
	assert_non_null(strstr(got[ng - 1], "<response value=\"ACK\" "
					    "TargetName=\"MSM9x07\" "
					    "MemoryName=\"NAND\" "
					    "MaxPayloadSizeToTargetInBytes="));
	assert_null(strstr(got[ng - 1], "Version="));
	double_clear(s);
	host_doc(e, erases[first]);
	ng = device_elements(s, got, 64);
	assert_string_equal(got[ng - 1], "<response value=\"ACK\" "
					 "rawmode=\"false\" />");
	for (size_t i = 0; i < ne; i++) {
		if (i == first)
			continue;
		double_clear(s);
		host_doc(e, erases[i]);
		ng = device_elements(s, got, 64);
		assert_true(ng >= 3);
		if (strstr(got[ng - 1], "ACK"))
			continue;
		assert_int_equal(attr_u64(erases[i], "start_sector"), 13952);
		assert_string_equal(got[ng - 3],
				    "<log value=\"start_sector = 13952 and "
				    "num_partition_sectors =0x240)\" />");
		assert_string_equal(got[ng - 2],
				    "<log value=\"start_sector unaligned\" />");
		assert_string_equal(got[ng - 1], "<response value=\"NAK\" "
						 "rawmode=\"false\" />");
		/* the package's programs then hit the geometry check */
		double_clear(s);
		host_doc(e, "<program PAGES_PER_BLOCK=\"64\" "
			    "SECTOR_SIZE_IN_BYTES=\"2048\" "
			    "filename=\"..\\sbl1.mbn\" "
			    "num_partition_sectors=\"640\" "
			    "physical_partition_number=\"0\" "
			    "start_sector=\"0\"/>");
		ng = device_elements(s, got, 64);
		assert_string_equal(
			got[ng - 2],
			"<log value=\"Attribute &apos;PAGES_PER_BLOCK&apos;=64 "
			"must be equal to disk pages per block 128\" />");
		assert_string_equal(got[ng - 1], "<response value=\"NAK\" "
						 "rawmode=\"false\" />");
		sim_edl_free(e);
		free(xml);
		double_free(s);
		return;
	}
	fail_msg("no erase of the p2K_b128K package was refused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_rm500q_sdx55),
		cmocka_unit_test(replay_em20g_sdx24),
		cmocka_unit_test(eg25_b256k_geometry_mismatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
