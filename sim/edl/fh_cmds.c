// SPDX-License-Identifier: BSD-3-Clause
/*
 * Firehose commands of the simulated NAND programmer. Log texts and ACK
 * attributes are copied from the real programmers (tests/fixtures/real/logs,
 * docs/protocols.md, Firehose); texts marked (sim) have no public
 * original.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "base/bytes.h"
#include "sim/edl/edl_priv.h"
#include "sim/edl/nand.h"
#include "wire/firehose_msg.h"

#define MAX_PAYLOAD 8192u
#define PROGRAM_BPS 3.0e6 /* real NAND program rate, docs/field-data.md */
#define READ_BPS    6.0e6

/*
 * A number attribute: decimal (a trailing '.' allowed, as in Qualcomm
 * XML), 0x hex, or NUM_DISK_SECTORS-N. / NUM_DISK_BLOCKS-N.
 */
static int num(struct sim_edl *e, const char *s, uint64_t *out)
{
	struct sim_nand *n = fh_nand(e);
	uint64_t base = 0, v;
	bool minus = false;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	if (!strncmp(s, "NUM_DISK_SECTORS", 16)) {
		base = nand_total_pages(n);
		s += 16;
		minus = true;
	} else if (!strncmp(s, "NUM_DISK_BLOCKS", 15)) {
		base = nand_total_blocks(n);
		s += 15;
		minus = true;
	}
	if (minus) {
		if (!*s) {
			*out = base;
			return 0;
		}
		if (*s != '-')
			return -EINVAL;
		s++;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || (*end && strcmp(end, ".")))
		return -EINVAL;
	if (minus) {
		if (v > base)
			return -EINVAL;
		v = base - v;
	}
	*out = v;
	return 0;
}

static void nak(struct sim_edl *e)
{
	fh_send_response(e, false, true, false, NULL, 0);
}

static void ack(struct sim_edl *e)
{
	fh_send_response(e, true, true, false, NULL, 0);
}

/* The "open" logs of the real programmer, before each NAND operation. */
static void open_nand(struct sim_edl *e, bool erase)
{
	if (e->nand_open) {
		fh_send_log(e, "INFO: NAND was previously open, returning "
			       "existing handle 0.");
		return;
	}
	e->nand_open = true;
	/* bad block table scan, about 0.4 s on the real module */
	sim_sleep(e->s, SIM_BUSY_OTHER, 0.4);
	fh_send_log(e, "INFO: %s bbt_size:100 blocks:800.", e->tx->bbt[0]);
	fh_send_log(e, "INFO: %s bbt_size:100 blocks:800.", e->tx->bbt[1]);
	(void)erase;
}

/*
 * SECTOR_SIZE_IN_BYTES, PAGES_PER_BLOCK, physical partition, start and
 * count; logs and NAKs as the real programmer on a mismatch.
 */
/*
 * need_sector: an erase (SECTOR_SIZE_IN_BYTES required, BG95 anti
 * misburning). PAGES_PER_BLOCK is checked by program and read only: the
 * 256 KiB-block EG25-G took the erases of a p2K_b128K package (64 pages per
 * block) until one was unaligned (Biktorgj/quectel_eg25_recovery#29), while
 * edl's reads and programs with a wrong PAGES_PER_BLOCK got the refusal
 * (bkerler/edl#714, #522).
 */
static int geometry_attrs(struct sim_edl *e, const struct fh_msg_event *ev,
			  uint64_t *start, uint64_t *count, bool need_sector)
{
	struct sim_nand *n = fh_nand(e);
	const char *ss = fh_msg_event_attr(ev, "SECTOR_SIZE_IN_BYTES");
	const char *ppb = fh_msg_event_attr(ev, "PAGES_PER_BLOCK");
	const char *ppn = fh_msg_event_attr(ev, "physical_partition_number");
	uint64_t v;

	if (!ss && need_sector) {
		/* BG95 anti-misburning: never a whole-disk erase (sim text) */
		fh_send_log(e, "ERROR: Attribute 'SECTOR_SIZE_IN_BYTES' is "
			       "missing, whole disk erase refused");
		return -EINVAL;
	}
	if (ss && (num(e, ss, &v) || v != nand_page_size(n))) {
		fh_send_log(e,
			    "Attribute 'SECTOR_SIZE_IN_BYTES'=%s must be equal "
			    "to disk sector size %u",
			    ss, nand_page_size(n));
		return -EINVAL;
	}
	if (!need_sector && ppb &&
	    (num(e, ppb, &v) || v != nand_pages_per_block(n))) {
		fh_send_log(e,
			    "Attribute 'PAGES_PER_BLOCK'=%s must be equal to "
			    "disk pages per block %u",
			    ppb, nand_pages_per_block(n));
		return -EINVAL;
	}
	if (ppn && (num(e, ppn, &v) || v != 0)) {
		fh_send_log(e, "ERROR: Invalid physical partition %s", ppn);
		return -EINVAL;
	}
	if (num(e, fh_msg_event_attr(ev, "start_sector"), start)) {
		fh_send_log(e, "ERROR: Invalid start_sector '%s'",
			    fh_msg_event_attr(ev, "start_sector")
				    ? fh_msg_event_attr(ev, "start_sector")
				    : "");
		return -EINVAL;
	}
	if (num(e, fh_msg_event_attr(ev, "num_partition_sectors"), count)) {
		fh_send_log(
			e, "ERROR: Invalid num_partition_sectors '%s'",
			fh_msg_event_attr(ev, "num_partition_sectors")
				? fh_msg_event_attr(ev, "num_partition_sectors")
				: "");
		return -EINVAL;
	}
	return 0;
}

static bool drop(struct sim_edl *e, const char *phase, uint64_t bytes)
{
	if (!sim_fault_drop(e->s, phase, bytes))
		return false;
	sim_debug(e->s,
		  "firehose: link dropped in %s after %" PRIu64 " bytes\n",
		  phase, bytes);
	sim_drop_link(e->s);
	edl_die(e);
	return true;
}

static void cmd_configure(struct sim_edl *e, const struct fh_msg_event *ev)
{
	const struct fh_texts *tx = e->tx;
	const char *mem = fh_msg_event_attr(ev, "MemoryName");
	const char *mp = fh_msg_event_attr(ev, "MaxPayloadSizeToTargetInBytes");
	uint64_t want = MAX_PAYLOAD;
	char agreed[16], sup[16];
	struct fh_msg_attr a[8];
	size_t na = 0;

	if (drop(e, "configure", e->xml_bytes))
		return;
	fh_send_log(e, "INFO: Calling handler for configure");
	if (mem && strcasecmp(mem, "nand")) {
		fh_send_log(e, "ERROR: Storage type %s is not supported", mem);
		nak(e);
		return;
	}
	fh_send_log(e, "INFO: Storage type set to value nand");
	snprintf(sup, sizeof(sup), "%u", MAX_PAYLOAD);
	if (mp && (num(e, mp, &want) || !want))
		want = MAX_PAYLOAD + 1;
	/* the attributes in the real ACK's order (docs/protocols.md) */
	if (tx->target)
		a[na++] = (struct fh_msg_attr){ "TargetName", tx->target };
	a[na++] = (struct fh_msg_attr){ "MemoryName", tx->memory };
	if (tx->version) {
		a[na++] = (struct fh_msg_attr){ "MinVersionSupported", "1" };
		a[na++] = (struct fh_msg_attr){ "Version", "1" };
	}
	a[na++] =
		(struct fh_msg_attr){ "MaxPayloadSizeToTargetInBytes", agreed };
	a[na++] =
		(struct fh_msg_attr){ "MaxPayloadSizeToTargetInBytesSupported",
				      sup };
	a[na++] = (struct fh_msg_attr){ "MaxXMLSizeInBytes", "4096" };
	if (tx->date_time)
		a[na++] = (struct fh_msg_attr){ "DateTime", tx->date_time };
	if (want > MAX_PAYLOAD) {
		fh_send_log(e, "Host's payload to target size is too large");
		snprintf(agreed, sizeof(agreed), "%u", MAX_PAYLOAD);
		fh_send_response(e, false, false, false, a, na);
		return;
	}
	e->payload = (uint32_t)want;
	snprintf(agreed, sizeof(agreed), "%u", e->payload);
	fh_send_response(e, true, false, false, a, na);
}

/*
 * Erase blocks [b, end), skipping bad ones: each run of good blocks in one
 * nand_erase (one hole punched, not one per block).
 */
static int erase_good_blocks(struct sim_edl *e, uint32_t b, uint32_t end)
{
	struct sim_nand *n = fh_nand(e);

	while (b < end) {
		uint32_t run = 0;

		if (nand_block_bad(n, b)) {
			fh_send_log(e, "INFO: Skipping bad block %u",
				    b); /* sim */
			b++;
			continue;
		}
		while (b + run < end && !nand_block_bad(n, b + run))
			run++;
		if (nand_erase(n, b, run)) {
			fh_send_log(e, "ERROR: Failed to erase block %u", b);
			return -EIO;
		}
		b += run;
	}
	return 0;
}

static void cmd_erase(struct sim_edl *e, const struct fh_msg_event *ev)
{
	struct sim_nand *n = fh_nand(e);
	uint32_t ppb = nand_pages_per_block(n);
	uint64_t start, cnt;

	fh_send_log(e, "INFO: Calling handler for erase");
	if (geometry_attrs(e, ev, &start, &cnt, true)) {
		nak(e);
		return;
	}
	open_nand(e, true);
	if (start % ppb || cnt % ppb) {
		fh_send_log(e,
			    "start_sector = %" PRIu64
			    " and num_partition_sectors =0x%" PRIx64 ")",
			    start, cnt);
		fh_send_log(e, "start_sector unaligned");
		nak(e);
		return;
	}
	if (start / ppb + cnt / ppb > nand_total_blocks(n)) {
		fh_send_log(
			e,
			"Block erase request exceeding total number of blocks");
		nak(e);
		return;
	}
	if (drop(e, "erase", e->erase_bytes + cnt * nand_page_size(n)))
		return;
	/* the real programmer prints 0 here whatever the count */
	fh_send_log(e, "INFO: Erasing start sector %" PRIu64 ", num sectors 0",
		    start);
	if (erase_good_blocks(e, (uint32_t)(start / ppb),
			      (uint32_t)((start + cnt) / ppb))) {
		nak(e);
		return;
	}
	e->erase_bytes += cnt * nand_page_size(n);
	sim_count(e->s, SIM_BUSY_ERASE, cnt * nand_page_size(n));
	sim_sleep(e->s, SIM_BUSY_ERASE, 0.0016 * (double)(cnt / ppb));
	ack(e);
}

static int range_ok(struct sim_edl *e, uint64_t start, uint64_t cnt)
{
	uint64_t total = nand_total_pages(fh_nand(e));

	if (start > total || cnt > total - start) {
		fh_send_log(e,
			    "ERROR: Request exceeds disk size: start_sector "
			    "%" PRIu64 " + num_partition_sectors %" PRIu64
			    " > %" PRIu64,
			    start, cnt, total);
		return -ERANGE;
	}
	return 0;
}

static void cmd_program(struct sim_edl *e, const struct fh_msg_event *ev)
{
	uint64_t start, cnt;

	fh_send_log(e, "INFO: Calling handler for program");
	open_nand(e, false);
	if (geometry_attrs(e, ev, &start, &cnt, false) ||
	    range_ok(e, start, cnt)) {
		nak(e);
		return;
	}
	e->raw_page = start;
	e->raw_left = cnt * nand_page_size(fh_nand(e));
	sim_count(e->s, SIM_BUSY_PROGRAM, e->raw_left);
	e->page_fill = 0;
	e->raw_err = 0;
	sim_pace_start(&e->raw_pace);
	fh_send_response(e, true, true, true, NULL, 0);
	if (e->state == EDL_DEAD)
		return;
	if (!e->raw_left) {
		ack(e);
		return;
	}
	e->state = EDL_FH_RAW;
}

static void raw_finish(struct sim_edl *e)
{
	e->state = EDL_FIREHOSE;
	if (e->raw_err == -EEXIST) {
		/* sim text: no public log of this failure */
		fh_send_log(e,
			    "ERROR: Failed to program page %" PRIu64
			    ", page is not erased",
			    e->raw_err_page);
	} else if (e->raw_err == -ENOSPC) {
		/* sim text: the real programmers' wording is not public */
		fh_send_log(e,
			    "ERROR: Failed to program page %" PRIu64
			    ", no good block left in the partition",
			    e->raw_err_page);
	} else if (e->raw_err) {
		fh_send_log(e,
			    "ERROR: Failed to program page %" PRIu64
			    " (bad block %" PRIu64 ")",
			    e->raw_err_page,
			    e->raw_err_page / nand_pages_per_block(fh_nand(e)));
	}
	fh_send_response(e, !e->raw_err, true, false, NULL, 0);
}

void fh_dev_raw(struct sim_edl *e, const uint8_t *buf, size_t len, size_t *used)
{
	struct sim_nand *n = fh_nand(e);
	uint32_t ps = nand_page_size(n);
	size_t done = 0;

	while (done < len && e->raw_left) {
		size_t l = ps - e->page_fill;

		if (l > len - done)
			l = len - done;
		if (l > e->raw_left)
			l = (size_t)e->raw_left;
		memcpy(e->page + e->page_fill, buf + done, l);
		e->page_fill += (uint32_t)l;
		e->raw_left -= l;
		e->program_bytes += l;
		done += l;
		if (e->page_fill == ps) {
			int rc = e->raw_err ? 0
					    : nand_program(n, e->raw_page,
							   e->page);

			if (rc) {
				e->raw_err = rc;
				e->raw_err_page = e->raw_page;
			}
			e->raw_page++;
			e->page_fill = 0;
		}
		if (drop(e, "program", e->program_bytes)) {
			*used = done;
			return;
		}
		if (sim_fault_stall(e->s, "program", e->program_bytes))
			sim_port_stall(e->port);
	}
	sim_pace(e->s, &e->raw_pace, SIM_BUSY_PROGRAM, done, PROGRAM_BPS);
	*used = done;
	if (!e->raw_left)
		raw_finish(e);
}

/*
 * The core's port queue (sim_port_write) grows with whatever is written, so
 * a read of a whole partition must not be written in one go: send a piece,
 * wait until the host has taken it (sim_port_flush), then the next. Memory
 * stays at one piece whatever the range; a host that stops reading for
 * READ_STALL_MS ends the transfer.
 */
#define READ_PIECE    (64u * 1024u)
#define READ_STALL_MS 10000

static void cmd_read(struct sim_edl *e, const struct fh_msg_event *ev)
{
	struct sim_nand *n = fh_nand(e);
	uint32_t ps = nand_page_size(n);
	uint64_t start, cnt;
	uint8_t *buf;
	const uint64_t chunk_pages = READ_PIECE / ps ? READ_PIECE / ps : 1;
	struct sim_pace pace;

	fh_send_log(e, "INFO: Calling handler for read");
	open_nand(e, false);
	if (geometry_attrs(e, ev, &start, &cnt, false) ||
	    range_ok(e, start, cnt)) {
		nak(e);
		return;
	}
	buf = malloc(ps * chunk_pages);
	if (!buf) {
		nak(e);
		return;
	}
	fh_send_response(e, true, true, true, NULL, 0);
	sim_pace_start(&pace);
	for (uint64_t i = 0; i < cnt && e->state != EDL_DEAD;
	     i += chunk_pages) {
		uint64_t k = cnt - i < chunk_pages ? cnt - i : chunk_pages;
		size_t len = (size_t)(k * ps), at = 0, lost = 0;
		uint64_t off;

		if (nand_read(n, start + i, k, buf)) {
			free(buf);
			return;
		}
		/* the piece leaves once the NAND has read it; the next one is
		 * read while this one is on the link */
		sim_pace(e->s, &pace, SIM_BUSY_READ, k * ps, READ_BPS);
		/* lose:read:BYTES: a run of this piece never reaches the host */
		if (sim_fault_lose(e->s, "read", e->read_bytes + len, &off)) {
			at = (size_t)(off - e->read_bytes);
			lost = len - at < SIM_LOSE_SPAN ? len - at
							: SIM_LOSE_SPAN;
			memmove(buf + at, buf + at + lost, len - at - lost);
		}
		if (sim_port_write(e->port, buf, len - lost) ||
		    sim_port_flush(e->port, READ_STALL_MS)) {
			sim_debug(e->s,
				  "firehose: read stopped at page %" PRIu64
				  "\n",
				  start + i);
			free(buf);
			return;
		}
		e->read_bytes += k * ps;
		if (drop(e, "read", e->read_bytes))
			break;
	}
	free(buf);
	if (e->state != EDL_DEAD)
		ack(e);
}

#define DIGEST_PIECE (256u * 1024u)

static void cmd_digest(struct sim_edl *e, const struct fh_msg_event *ev)
{
	struct sim_nand *n = fh_nand(e);
	uint32_t ps = nand_page_size(n);
	uint64_t start, cnt;
	/* read as the programmer does, a run of pages at a time */
	const uint64_t run = DIGEST_PIECE / ps ? DIGEST_PIECE / ps : 1;
	uint8_t *page = malloc(ps * run), md[32];
	unsigned int dl = 0;
	char hex[65];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	struct sim_pace pace;

	fh_send_log(e, "INFO: Calling handler for getsha256digest");
	if (!page || !ctx || geometry_attrs(e, ev, &start, &cnt, false) ||
	    range_ok(e, start, cnt)) {
		nak(e);
		goto out;
	}
	sim_pace_start(&pace);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (uint64_t i = 0; i < cnt; i += run) {
		uint64_t k = cnt - i < run ? cnt - i : run;

		if (nand_read(n, start + i, k, page)) {
			nak(e);
			goto out;
		}
		EVP_DigestUpdate(ctx, page, (size_t)(k * ps));
	}
	/* the programmer reads every page of the range from the NAND */
	sim_pace(e->s, &pace, SIM_BUSY_READ, cnt * ps, READ_BPS);
	EVP_DigestFinal_ex(ctx, md, &dl);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	fh_send_log(e, "Digest %s", hex);
	ack(e);
out:
	EVP_MD_CTX_free(ctx);
	free(page);
}

static void cmd_patch(struct sim_edl *e, const struct fh_msg_event *ev)
{
	const char *file = fh_msg_event_attr(ev, "filename");
	const char *val = fh_msg_event_attr(ev, "value");
	uint64_t start, off, size, v;
	uint8_t le[8];

	fh_send_log(e, "INFO: Calling handler for patch");
	if (!file || strcmp(file, "DISK")) {
		fh_send_log(e,
			    "ERROR: Only DISK can be patched on the target, "
			    "not '%s'",
			    file ? file : "");
		nak(e);
		return;
	}
	if (num(e, fh_msg_event_attr(ev, "start_sector"), &start) ||
	    num(e, fh_msg_event_attr(ev, "byte_offset"), &off) ||
	    num(e, fh_msg_event_attr(ev, "size_in_bytes"), &size) || !size ||
	    size > 8 || num(e, val, &v)) {
		fh_send_log(e, "ERROR: Invalid patch attributes (value '%s')",
			    val ? val : "");
		nak(e);
		return;
	}
	put_le64(le, v);
	if (start > nand_total_pages(fh_nand(e)) ||
	    nand_rewrite(fh_nand(e), start * nand_page_size(fh_nand(e)) + off,
			 le, (size_t)size)) {
		fh_send_log(e, "ERROR: Patch outside the disk");
		nak(e);
		return;
	}
	ack(e);
}

static void cmd_storageinfo(struct sim_edl *e)
{
	struct sim_nand *n = fh_nand(e);

	fh_send_log(e, "INFO: Calling handler for getstorageinfo");
	fh_send_log(e,
		    "INFO: {\"storage_info\": {\"total_blocks\":%u, "
		    "\"block_size\":%u, "
		    "\"page_size\":%u, \"num_physical\":1, "
		    "\"manufacturer_id\":173, "
		    "\"serial_num\":%u, \"fw_version\":\"1\", "
		    "\"mem_type\":\"NAND\", "
		    "\"prod_name\":\"SIM-NAND\"}}",
		    nand_total_blocks(n),
		    nand_page_size(n) * nand_pages_per_block(n),
		    nand_page_size(n), e->p->serial);
	ack(e);
}

static void cmd_power(struct sim_edl *e, const struct fh_msg_event *ev)
{
	const char *v = fh_msg_event_attr(ev, "value");
	enum sim_request req;

	fh_send_log(e, "INFO: Calling handler for power");
	if (v && !strcmp(v, "reset")) {
		req = SIM_REQ_RESET;
	} else if (v && (!strcmp(v, "off") || !strcmp(v, "poweroff"))) {
		req = SIM_REQ_POWER_OFF;
	} else if (v && !strcmp(v, "edl")) {
		req = SIM_REQ_EDL;
	} else {
		fh_send_log(e, "ERROR: Unknown power value '%s'", v ? v : "");
		nak(e);
		return;
	}
	ack(e);
	fh_send_log(e, "INFO: Will issue reset/power off 100 useconds, if this "
		       "hangs check if watchdog is enabled");
	fh_send_log(e, "INFO: bsp_target_reset() 1");
	edl_die(e);
	sim_request(e->s, req);
}

void fh_dev_command(struct sim_edl *e, const struct fh_msg_event *ev)
{
	const char *t = ev->tag;

	sim_debug(e->s, "firehose: <- %s\n", t);
	if (sim_fault_once(e->s, "silent", t))
		return;
	e->corrupt = sim_fault_once(e->s, "corrupt", t);
	if (sim_fault_once(e->s, "nak", t)) {
		fh_send_log(e, "INFO: Calling handler for %s", t);
		fh_send_log(e, "ERROR: %s failed", t); /* sim */
		nak(e);
		return;
	}
	if (!strcmp(t, "configure"))
		cmd_configure(e, ev);
	else if (!strcmp(t, "erase"))
		cmd_erase(e, ev);
	else if (!strcmp(t, "program"))
		cmd_program(e, ev);
	else if (!strcmp(t, "read"))
		cmd_read(e, ev);
	else if (!strcmp(t, "patch"))
		cmd_patch(e, ev);
	else if (!strcmp(t, "getstorageinfo"))
		cmd_storageinfo(e);
	else if (!strcmp(t, "getsha256digest"))
		cmd_digest(e, ev);
	else if (!strcmp(t, "power"))
		cmd_power(e, ev);
	else if (!strcmp(t, "nop") || !strcmp(t, "setbootablestoragedrive")) {
		fh_send_log(e, "INFO: Calling handler for %s", t);
		ack(e);
	} else {
		fh_send_log(e, "ERROR: Unrecognized tag '%s'", t); /* sim */
		nak(e);
	}
	e->corrupt = false;
}
