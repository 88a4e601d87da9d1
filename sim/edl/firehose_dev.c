// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated Firehose programmer: start-up logs, document framing, raw
 * data phases. The commands themselves are in fh_cmds.c. Texts are those of
 * the real SDX55 NAND programmer (fixtures/real/logs).
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
static void apply_badblocks(struct sim_edl *e)
{
	const char *v = sim_fault_value(e->s, "badblock");
	struct sim_nand *n = fh_nand(e);

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

void fh_dev_start(struct sim_edl *e)
{
	size_t nf = sizeof(functions) / sizeof(functions[0]);

	apply_badblocks(e);

	e->fh = fh_msg_reader_new();
	e->page = malloc(nand_page_size(fh_nand(e)) ? nand_page_size(fh_nand(e))
						    : 4096);
	e->payload = 8192;
	if (!e->fh || !e->page) {
		edl_die(e);
		return;
	}
	/* the programmer boots: about a second in the real log */
	sim_sleep(e->s, 1.0);
	fh_send_log(e, "INFO: Binary build date: Apr 19 2020 @ 17:49:11");
	fh_send_log(e, "INFO: Binary build date: Apr 19 2020 @ 17:49:11.");
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
