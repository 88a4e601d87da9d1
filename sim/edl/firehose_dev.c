// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated Firehose programmer: start-up logs, document framing, raw
 * data phases. The commands themselves are in fh_cmds.c. Texts are those of
 * the real NAND programmers, per chip (fh_texts below).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/edl/edl_priv.h"
#include "sim/edl/nand.h"
#include "wire/firehose_msg.h"

static const char *const functions[] = {
	"program",
	"read",
	"nop",
	"patch",
	"configure",
	"setbootablestoragedrive",
	"erase",
	"power",
	"firmwarewrite",
	"getstorageinfo",
	"benchmark",
	"emmc",
	"ufs",
	"fixgpt",
	"getsha256digest",
};

/*
 * Per chip, what its programmer prints (first matching row; the last is
 * the default):
 *  SDX55: prog_firehose_sdx55.mbn of the RM500Q-GL log
 *         (tests/fixtures/real/logs/rm500q_..._MCU_local.txt), build
 *         Apr 19 2020, bad block table lines [296]/[298]; the same build in
 *         the PCIe SDX55-class log is Dec 29 2020 (another package).
 *  SDX24: prog_firehose_sdx24.mbn of the EM20-G log (em20g_..._remote.txt):
 *         build Apr 15 2019, [295]/[297].
 *  MDM9207 (9x07): docs/protocols.md, Firehose (bkerler/edl#714,
 *         Biktorgj#29): the ACK carries TargetName="MSM9x07"
 *         MemoryName="NAND" and no Version.
 *         No public log of its start-up lines or build date: those of the
 *         SDX programmers are kept.
 *  MDM9205/9206 (9x05): no public log at all; the SDX55 texts.
 */
static const struct fh_texts texts[] = {
	{ "SDX24",
	  "Apr 15 2019 @ 00:24:50",
	  "Apr 15 2019 - 00:24:50",
	  { "[295]", "[297]" },
	  NULL,
	  "nand",
	  true },
	{ "MDM9207",
	  "Apr 19 2020 @ 17:49:11",
	  NULL,
	  { "[296]", "[298]" },
	  "MSM9x07",
	  "NAND",
	  false },
	{ "SDX55",
	  "Apr 19 2020 @ 17:49:11",
	  "Apr 19 2020 - 17:49:11",
	  { "[296]", "[298]" },
	  NULL,
	  "nand",
	  true },
};

const struct fh_texts *fh_texts_for(const char *chip)
{
	size_t n = sizeof(texts) / sizeof(texts[0]);

	for (size_t i = 0; chip && i < n; i++)
		if (!strcmp(texts[i].chip, chip))
			return &texts[i];
	return &texts[n - 1];
}

struct sim_nand *fh_nand(struct sim_edl *e)
{
	return sim_get_nand(e->s);
}

static void send_doc(struct sim_edl *e, char *doc, int n)
{
	if (n <= 0 || e->state == EDL_DEAD)
		return;
	sim_port_write(e->port, doc, (size_t)n);
}

void fh_send_log(struct sim_edl *e, const char *fmt, ...)
{
	char text[1024], doc[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	send_doc(e, doc, fh_msg_build_log(doc, sizeof(doc), text));
}

/* corrupt:COMMAND: the document arrives, but garbled inside */
static void garble(char *doc, int n)
{
	char *r = strstr(doc, "<response");

	if (!r || n < 40)
		return;
	r[1] = '#'; /* "<#esponse": not an element any more */
	for (char *q = r + 10; *q && q < doc + n - 10; q += 7)
		*q = '\x01';
}

void fh_send_response(struct sim_edl *e, bool ack, bool rawmode_present,
		      bool rawmode, const void *extra, size_t nextra)
{
	char doc[2048];
	int n = fh_msg_build_response(doc, sizeof(doc), ack, rawmode_present,
				      rawmode, extra, nextra);

	if (e->corrupt && n > 0) {
		e->corrupt = false;
		garble(doc, n);
	}
	send_doc(e, doc, n);
}

/* badblock:PAGE[,PAGE...]: the blocks holding those pages are bad */
static void mark_badblocks(struct sim *s, struct sim_nand *n)
{
	const char *v = sim_fault_value(s, "badblock");

	while (v && *v && n) {
		char *end;
		unsigned long long page = strtoull(v, &end, 0);

		if (end == v)
			break;
		if (page < nand_total_pages(n))
			nand_mark_bad(
				n, (uint32_t)(page / nand_pages_per_block(n)));
		v = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
}

void sim_nand_prepare(struct sim *s)
{
	struct sim_nand *n = sim_get_nand(s);
	const struct sim_profile *p = sim_profile(s);

	if (!n)
		return;
	nand_set_parts(n, p->parts, p->nparts);
	mark_badblocks(s, n);
}

void fh_dev_start(struct sim_edl *e)
{
	size_t nf = sizeof(functions) / sizeof(functions[0]);

	sim_nand_prepare(e->s);

	e->tx = fh_texts_for(e->p->chip);
	e->fh = fh_msg_reader_new();
	e->page = malloc(nand_page_size(fh_nand(e)) ? nand_page_size(fh_nand(e))
						    : 4096);
	e->payload = 8192;
	if (!e->fh || !e->page) {
		edl_die(e);
		return;
	}
	/* the programmer boots: about a second in the real log */
	sim_sleep(e->s, SIM_BUSY_BOOT, 1.0);
	/* twice, the second with a full stop: as in every real log */
	fh_send_log(e, "INFO: Binary build date: %s", e->tx->build);
	fh_send_log(e, "INFO: Binary build date: %s.", e->tx->build);
	fh_send_log(e, "INFO: Chip serial num: %u (0x%x)", e->p->serial,
		    e->p->serial);
	fh_send_log(e, "INFO: Supported Functions (%zu):", nf);
	for (size_t i = 0; i < nf; i++)
		fh_send_log(e, "INFO: %s", functions[i]);
	fh_send_log(e, "INFO: End of supported functions %zu", nf);
}

void fh_dev_input(struct sim_edl *e, const uint8_t *buf, size_t len)
{
	while (len && e->state != EDL_DEAD) {
		size_t used = 0;
		int rc;

		if (e->state == EDL_FH_RAW) {
			fh_dev_raw(e, buf, len, &used);
			buf += used;
			len -= used;
			continue;
		}
		rc = fh_msg_reader_feed(e->fh, buf, len, &used);
		e->xml_bytes += used;
		buf += used;
		len -= used;
		if (rc == 1) {
			struct fh_msg_event ev;

			while (e->state == EDL_FIREHOSE &&
			       fh_msg_reader_next(e->fh, &ev))
				if (ev.type == FH_MSG_EV_COMMAND)
					fh_dev_command(e, &ev);
			/*
			 * The line end some hosts put after </data> (qdl's
			 * libxml2 does) came with the document, in its
			 * transfer: the host cannot have sent raw data before
			 * it read the ACK just sent, so it is not data.
			 */
			while (e->state == EDL_FH_RAW && len &&
			       (*buf == '\n' || *buf == '\r')) {
				buf++;
				len--;
				e->xml_bytes++;
			}
		} else if (rc < 0) {
			fh_send_log(e, "ERROR: XML not formed correctly (%d)",
				    rc);
			fh_send_response(e, false, true, false, NULL, 0);
			if (!used)
				break;
		} else if (!used) {
			break;
		}
	}
}

void fh_dev_free(struct sim_edl *e)
{
	fh_msg_reader_free(e->fh);
	e->fh = NULL;
	free(e->page);
	e->page = NULL;
}
