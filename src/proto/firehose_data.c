// SPDX-License-Identifier: BSD-3-Clause
/*
 * Firehose, host side: commands that move data (program, read), the
 * SHA-256 digest and the storage information (parsed in wire/).
 */
#include "proto/firehose_int.h"

#include "base/clock.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#define FH_SECTOR_MAX 65536

/*
 * The data phase of <program> and <read> in a trace (--log): the link
 * would trace every short read as hex, image bytes included. Below -vv
 * (MF_LOG_RAW) its trace is held back for the phase and one line sums it
 * up instead: the bytes and their SHA-256.
 */
struct fh_bulk {
	struct link *link;
	const struct mf_log *saved;
	struct mf_log quiet;
	EVP_MD_CTX *md; /* NULL: not summed (no trace, or -vv) */
	uint64_t bytes;
};

static void fh_bulk_begin(struct fh_session *s, struct fh_bulk *b)
{
	const struct mf_log *l = s->link ? s->link->log : NULL;

	memset(b, 0, sizeof(*b));
	b->link = s->link;
	b->saved = l;
	if (!l || l->max_level < MF_LOG_TRACE || l->max_level >= MF_LOG_RAW)
		return;
	b->md = EVP_MD_CTX_new();
	if (b->md && !EVP_DigestInit_ex(b->md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(b->md);
		b->md = NULL;
	}
	b->quiet = *l;
	b->quiet.max_level = MF_LOG_DEVICE;
	s->link->log = &b->quiet;
}

static void fh_bulk_add(struct fh_bulk *b, const uint8_t *p, size_t n)
{
	if (b->md)
		EVP_DigestUpdate(b->md, p, n);
	b->bytes += n;
}

static void fh_bulk_end(struct fh_session *s, struct fh_bulk *b,
			const char *dir, const struct fh_msg_attr *attrs,
			size_t nattrs)
{
	const char *at = fh_attrs_get(attrs, nattrs, "start_sector");
	uint8_t d[32];
	char hex[65];

	if (b->link)
		b->link->log = b->saved;
	if (!b->md)
		return;
	EVP_DigestFinal_ex(b->md, d, NULL);
	EVP_MD_CTX_free(b->md);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	mf_log(s->log, MF_LOG_TRACE,
	       "firehose %s data at sector %s: %" PRIu64 " bytes, sha256 %s",
	       dir, at ? at : "?", b->bytes, hex);
}

static int fh_sector_size(struct fh_session *s, const struct fh_msg_attr *attrs,
			  size_t n, unsigned *out)
{
	const char *v = fh_attrs_get(attrs, n, "SECTOR_SIZE_IN_BYTES");
	char *end;
	unsigned long x;

	if (!v)
		return -EINVAL;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || *end || x == 0 || x > FH_SECTOR_MAX)
		return -EINVAL;
	*out = (unsigned)x;
	s->sector_size = (unsigned)x;
	return 0;
}

static int fh_bad_attrs(struct fh_session *s, const char *tag, const char *why)
{
	mf_err_set(s->err, MF_BAD_PACKAGE, -EINVAL, "Firehose <%s>: %s", tag,
		   why);
	mf_err_hint(s->err, "check the rawprogram XML of the package");
	return -EINVAL;
}

/* attrs with num_partition_sectors set to sectors (added if missing). */
static size_t fh_with_sectors(const struct fh_msg_attr *attrs, size_t n,
			      struct fh_msg_attr *out, char *num, size_t numcap,
			      uint64_t sectors)
{
	size_t k = 0;

	snprintf(num, numcap, "%" PRIu64, sectors);
	for (size_t i = 0; i < n && k < FH_MSG_MAX_ATTRS - 1; i++) {
		if (!strcmp(attrs[i].name, "num_partition_sectors"))
			continue;
		out[k++] = attrs[i];
	}
	out[k++] = (struct fh_msg_attr){ "num_partition_sectors", num };
	return k;
}

/* Payload-sized chunks, a whole number of sectors. */
static size_t fh_chunk(size_t payload, unsigned sector)
{
	size_t c = payload - payload % sector;

	return c ? c : sector;
}

/*
 * Bytes per read of the image and per link write. The device takes the
 * raw data as a byte stream in payload-sized pieces and answers only at
 * the end, so on a link without packet framing (a tty: the driver cuts
 * the bytes into its own transfers anyway) several payloads go in one
 * write: a few system calls per FH_STREAM_BYTES instead of per payload.
 * A write may take t.data_ms plus the time of its bytes at the slowest
 * link the module has (a 115200 baud UART, FH_SLOWEST_BPS), so a slow UART
 * is not cut off and a device that stopped reading is found in about 16 s
 * per 64 KiB, not 10 s per payload in it. On USB each payload stays one
 * transfer (with its ZLP), as programmers expect, within t.data_ms.
 */
#define FH_STREAM_BYTES (64u * 1024u)
#define FH_SLOWEST_BPS	11520u

void fh_report_progress(struct fh_session *s, const char *what,
			const char *label, uint64_t done, uint64_t total)
{
	struct fh_progress p = {
		.what = what, .label = label, .done = done, .total = total
	};

	if (s->progress)
		s->progress(s->progress_ctx, &p);
	else
		mf_progress(s->log, what, done, total);
}

static size_t fh_write_size(const struct fh_session *s, size_t chunk)
{
	if (s->link->max_packet || chunk >= FH_STREAM_BYTES)
		return chunk;
	return FH_STREAM_BYTES / chunk * chunk;
}

static int fh_stream_out(struct fh_session *s, const struct fh_msg_attr *attrs,
			 size_t nattrs, int fd, uint64_t offset,
			 uint64_t length, uint64_t total)
{
	const char *label = fh_attrs_get(attrs, nattrs, "label");
	size_t pay = fh_chunk(s->payload, s->sector_size);
	size_t chunk = fh_write_size(s, pay);
	uint8_t *buf = malloc(chunk);
	uint64_t done = 0;
	struct fh_bulk bulk;
	int ret = 0;

	if (!buf)
		return mf_err_set(s->err, MF_FAILED, -ENOMEM, "out of memory");
	fh_bulk_begin(s, &bulk);
	while (done < total) {
		size_t n =
			total - done > chunk ? chunk : (size_t)(total - done);
		size_t from_file =
			length > done
				? (length - done > n ? n
						     : (size_t)(length - done))
				: 0;
		ssize_t r = from_file ? pread(fd, buf, from_file,
					      (off_t)(offset + done))
				      : 0;

		if (r != (ssize_t)from_file) {
			ret = mf_err_set(
				s->err, MF_FAILED, -EIO,
				"cannot read the image at offset %" PRIu64,
				offset + done);
			goto out_free;
		}
		memset(buf + from_file, 0, n - from_file); /* last sector */
		/* a USB transfer is one payload at USB speed: its own allowance */
		int wait_ms =
			s->link->max_packet
				? s->t.data_ms
				: s->t.data_ms + (int)((uint64_t)n * 1000u /
						       FH_SLOWEST_BPS);

		fh_bulk_add(&bulk, buf, n);
		ret = link_write(s->link, buf, n, wait_ms);
		if (ret == -ETIMEDOUT) {
			/* a write that found no room: the device reads nothing */
			mf_err_set(s->err, MF_TIMEOUT, ret,
				   "Firehose: the module stopped reading the "
				   "data of <program>: not all of %zu bytes "
				   "taken within %d s (%" PRIu64 " of %" PRIu64
				   " bytes sent before)",
				   n, (wait_ms + 999) / 1000, done, total);
			mf_err_hint(
				s->err,
				"power-cycle the module into EDL and retry; "
				"the programmer may have crashed");
			goto out_free;
		}
		if (ret < 0) {
			fh_fail(s, "program", ret, s->t.data_ms);
			goto out_free;
		}
		done += n;
		fh_report_progress(s, "program", label, done, total);
	}
	ret = 0;
out_free:
	fh_bulk_end(s, &bulk, "->", attrs, nattrs);
	free(buf);
	return ret;
}

int fh_program(struct fh_session *s, const struct fh_msg_attr *attrs,
	       size_t nattrs, int fd, uint64_t offset, uint64_t length)
{
	struct fh_msg_attr a[FH_MSG_MAX_ATTRS];
	char num[24];
	unsigned sector;
	uint64_t sectors;
	struct fh_resp r;
	size_t n;
	int ret, final_ms;

	if (fh_sector_size(s, attrs, nattrs, &sector) < 0)
		return fh_bad_attrs(s, "program",
				    "SECTOR_SIZE_IN_BYTES missing or invalid");
	if (length == 0)
		return fh_bad_attrs(s, "program", "empty image");
	sectors = (length + sector - 1) / sector;
	n = fh_with_sectors(attrs, nattrs, a, num, sizeof(num), sectors);
	ret = fh_command(s, "program", a, n, s->t.program_ack_ms, &r);
	if (ret < 0)
		return ret;
	if (!r.rawmode)
		return fh_fail(s, "program", -EBADMSG, 0);
	ret = fh_stream_out(s, attrs, nattrs, fd, offset, length,
			    sectors * sector);
	if (ret < 0)
		return ret;
	/* the device may still be programming what it buffered */
	final_ms = fh_scaled_ms(s, s->t.program_final_ms, sectors * sector, 4);
	ret = fh_wait_response(s, final_ms, &r);
	if (ret == 0 && !r.ack)
		ret = -EREMOTEIO;
	return ret < 0 ? fh_fail(s, "program", ret, final_ms) : 0;
}

static int fh_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno; /* the host's own: ENOSPC, EROFS ... */
		if (w == 0)
			return -ENOSPC;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Raw bytes within t.data_ms, reporting every MF_WAIT_REPORT_MS of
 * silence (a stalled read says what it waits for).
 */
static int fh_read_raw_waiting(struct fh_session *s, uint8_t *buf, size_t len,
			       uint64_t done, uint64_t total)
{
	int64_t t0 = mf_now_ms();
	char what[80];

	/* counted in slices, as fh_wait_response(): each one a timeout */
	for (int waited = 0;; waited += MF_WAIT_REPORT_MS) {
		int left = s->t.data_ms - waited;
		int n = fh_read_raw(s, buf, len,
				    left > MF_WAIT_REPORT_MS ? MF_WAIT_REPORT_MS
							     : left);

		if (n != -ETIMEDOUT || left <= MF_WAIT_REPORT_MS)
			return n;
		snprintf(what, sizeof(what),
			 "the data of <read> (%" PRIu64 " of %" PRIu64
			 " bytes so far)",
			 done, total);
		mf_waiting(s->log, what, mf_now_ms() - t0, s->t.data_ms);
	}
}

/* sum (NULL: none): the SHA-256 of what arrived, hashed on arrival */
static int fh_stream_in(struct fh_session *s, const struct fh_msg_attr *attrs,
			size_t nattrs, int fd, uint64_t total, uint8_t *sum,
			const struct fh_tap *tap)
{
	const char *label = fh_attrs_get(attrs, nattrs, "label");
	size_t chunk = s->payload_from ? s->payload_from : 8192;
	EVP_MD_CTX *md = NULL;
	uint64_t done = 0;
	struct fh_bulk bulk;
	uint8_t *buf;
	int ret = 0;

	/* a tty has no packets: fewer, larger reads (USB keeps the size the
	 * programmer sends in) */
	if (s->link->kind != LINK_USB && chunk < 65536)
		chunk = 65536;
	buf = malloc(chunk);
	if (sum) {
		md = EVP_MD_CTX_new();
		if (md && !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
			EVP_MD_CTX_free(md);
			md = NULL;
		}
	}
	if (!buf || (sum && !md)) {
		free(buf);
		EVP_MD_CTX_free(md);
		return mf_err_set(s->err, MF_FAILED, -ENOMEM, "out of memory");
	}
	fh_bulk_begin(s, &bulk);
	while (done < total) {
		size_t want =
			total - done > chunk ? chunk : (size_t)(total - done);
		int n = fh_read_raw_waiting(s, buf, want, done, total);

		if (n < 0) {
			ret = fh_fail(s, "read", n, s->t.data_ms);
			goto out_free;
		}
		fh_bulk_add(&bulk, buf, (size_t)n);
		if (md)
			EVP_DigestUpdate(md, buf, (size_t)n);
		ret = fh_write_all(fd, buf, (size_t)n);
		if (ret < 0) {
			/* not the link's fault: the caller's file, its errno */
			mf_err_set(
				s->err, MF_FAILED, ret,
				"cannot write the data read from the module: "
				"%s",
				strerror(-ret));
			goto out_free;
		}
		if (tap && tap->data)
			tap->data(tap->ctx, buf, (size_t)n);
		done += (uint64_t)n;
		fh_report_progress(s, "read", label, done, total);
	}
	if (md && !EVP_DigestFinal_ex(md, sum, NULL))
		ret = mf_err_set(s->err, MF_FAILED, -EIO,
				 "cannot hash the read-back data");
out_free:
	fh_bulk_end(s, &bulk, "<-", attrs, nattrs);
	EVP_MD_CTX_free(md);
	free(buf);
	return ret;
}

int fh_read(struct fh_session *s, const struct fh_msg_attr *attrs,
	    size_t nattrs, int fd)
{
	return fh_read_sha256(s, attrs, nattrs, fd, NULL, NULL);
}

int fh_read_sha256(struct fh_session *s, const struct fh_msg_attr *attrs,
		   size_t nattrs, int fd, uint8_t *sum,
		   const struct fh_tap *tap)
{
	const char *num = fh_attrs_get(attrs, nattrs, "num_partition_sectors");
	unsigned sector;
	unsigned long long sectors;
	struct fh_resp r;
	char *end;
	int ret;

	if (fh_sector_size(s, attrs, nattrs, &sector) < 0)
		return fh_bad_attrs(s, "read",
				    "SECTOR_SIZE_IN_BYTES missing or invalid");
	errno = 0;
	sectors = num ? strtoull(num, &end, 10) : 0;
	if (!num || errno || *end || sectors == 0 ||
	    sectors > (1ull << 40) / sector)
		return fh_bad_attrs(s, "read",
				    "num_partition_sectors missing or invalid");
	ret = fh_command(s, "read", attrs, nattrs, s->t.program_ack_ms, &r);
	if (ret < 0)
		return ret;
	if (!r.rawmode)
		return fh_fail(s, "read", -EBADMSG, 0);
	ret = fh_stream_in(s, attrs, nattrs, fd, (uint64_t)sectors * sector,
			   sum, tap);
	if (ret < 0)
		return ret;
	ret = fh_wait_response(s, s->t.program_final_ms, &r);
	if (ret == 0 && !r.ack)
		ret = -EREMOTEIO;
	return ret < 0 ? fh_fail(s, "read", ret, s->t.program_final_ms) : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int fh_sha256_digest(struct fh_session *s, const struct fh_msg_attr *attrs,
		     size_t nattrs, uint8_t out[32])
{
	struct fh_resp r;
	int ret;

	s->digest[0] = '\0';
	/* the programmer reads the whole range before it answers */
	ret = fh_command(s, "getsha256digest", attrs, nattrs,
			 fh_scaled_ms(s, s->t.digest_ms,
				      fh_range_bytes(attrs, nattrs), 1),
			 &r);
	if (ret < 0)
		return ret;
	if (strlen(s->digest) != 64)
		return fh_fail(s, "getsha256digest", -EBADMSG, 0);
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(hexval(s->digest[2 * i]) << 4 |
				   hexval(s->digest[2 * i + 1]));
	return 0;
}

int fh_getstorageinfo(struct fh_session *s, unsigned partition,
		      struct fh_msg_storage_info *out)
{
	char p[16];
	struct fh_msg_attr a[] = { { "physical_partition_number", p } };
	struct fh_resp r;
	int ret;

	snprintf(p, sizeof(p), "%u", partition);
	s->storage_json[0] = '\0';
	ret = fh_command(s, "getstorageinfo", a, 1, s->t.cmd_ms, &r);
	if (ret < 0)
		return ret;
	if (!s->storage_json[0]) {
		mf_err_set(s->err, MF_FAILED, -ENODATA,
			   "Firehose: <getstorageinfo> gave no storage_info");
		return -ENODATA;
	}
	ret = fh_msg_parse_storage_info(s->storage_json, out);
	return ret < 0 ? fh_fail(s, "getstorageinfo", ret, 0) : 0;
}
