// SPDX-License-Identifier: BSD-3-Clause
#include "proto/firehose_verify.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "proto/firehose_int.h"

/* A loss leaves the reader waiting for bytes that never come: a stream
 * that stalls this long on a tty is treated as short, not as slow. */
#define FH_TTY_DATA_MS 3000

static int sha256_range(int fd, off_t off, off_t end, uint8_t out[32])
{
	uint8_t buf[65536];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len = 0;
	int ret = -EIO;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out_free;
	while (off < end) {
		size_t want = end - off > (off_t)sizeof(buf)
				      ? sizeof(buf)
				      : (size_t)(end - off);
		ssize_t n = pread(fd, buf, want, off);

		if (n <= 0 || !EVP_DigestUpdate(ctx, buf, (size_t)n))
			goto out_free;
		off += n;
	}
	if (EVP_DigestFinal_ex(ctx, out, &len) && len == 32)
		ret = 0;
out_free:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* 0 when the bytes in fd from off0 match the device's digest, -EILSEQ
 * when not, another error when the digest could not be had. */
static int compare(struct fh_session *s, const struct fh_msg_attr *attrs,
		   size_t nattrs, int fd, off_t off0)
{
	uint8_t mine[32], dev[32];
	off_t end = lseek(fd, 0, SEEK_CUR);
	int ret;

	if (end < off0 || sha256_range(fd, off0, end, mine) < 0)
		return mf_err_set(s->err, MF_FAILED, -EIO,
				  "cannot hash the read-back data");
	ret = fh_sha256_digest(s, attrs, nattrs, dev);
	if (ret < 0)
		return ret;
	return memcmp(mine, dev, 32) ? -EILSEQ : 0;
}

/* Back to a clean conversation and an unwritten range for another try. */
static int rewind_try(struct fh_session *s, int fd, off_t off0)
{
	link_drain(s->link, 300, 3000);
	s->rx_off = s->rx_len = 0;
	fh_msg_reader_reset(s->rd); /* a half-read document is gone */
	mf_err_clear(s->err);
	if (ftruncate(fd, off0) < 0 || lseek(fd, off0, SEEK_SET) != off0)
		return -EIO;
	return fh_nop(s);
}

static int read_once(struct fh_session *s, const struct fh_msg_attr *attrs,
		     size_t nattrs, int fd, off_t off0)
{
	int ret = fh_read(s, attrs, nattrs, fd);

	return ret < 0 ? ret : compare(s, attrs, nattrs, fd, off0);
}

/*
 * Every try failed. A mismatch, or a stream that ran dry while the
 * programmer answered the nop before it, is data lost on the link.
 */
static int lost(struct fh_session *s, const struct fh_msg_attr *attrs,
		size_t nattrs, int ret, bool alive)
{
	const char *start = fh_attrs_get(attrs, nattrs, "start_sector");
	const char *num = fh_attrs_get(attrs, nattrs, "num_partition_sectors");

	if (ret != -EILSEQ && !(alive && ret != -ENODEV && ret != -EREMOTEIO))
		return ret; /* the last try's own error (vanished, NAK) */
	mf_err_clear(s->err);
	mf_err_set(s->err, MF_MISMATCH, -EILSEQ,
		   "data lost on the link %s: sectors %s+%s read %d times, %s",
		   s->link->name, start ? start : "?", num ? num : "?",
		   FH_READ_TRIES,
		   ret == -EILSEQ ? "never matching the device's SHA-256 digest"
				  : "the data ran short each time while the "
				    "programmer still answered");
	mf_err_hint(s->err, "use the USB link (run as root or install the udev "
			    "rule so that libusb can claim 05c6:9008), or stop "
			    "what loads the CPU and retry");
	return -EILSEQ;
}

int fh_read_checked(struct fh_session *s, const struct fh_msg_attr *attrs,
		    size_t nattrs, int fd)
{
	off_t off0 = lseek(fd, 0, SEEK_CUR);
	int data_ms = s->t.data_ms, ret = 0;
	bool alive = false;

	if (s->link->kind == LINK_USB || off0 < 0 ||
	    !fh_supports(s, "getsha256digest"))
		return fh_read(s, attrs, nattrs, fd);
	if (s->t.data_ms > FH_TTY_DATA_MS)
		s->t.data_ms = FH_TTY_DATA_MS;
	for (int i = 1; i <= FH_READ_TRIES; i++) {
		if (i > 1) {
			mf_log(s->log, MF_LOG_WARN,
			       "read of sectors %s+%s over %s: %s; reading it "
			       "again",
			       fh_attrs_get(attrs, nattrs, "start_sector"),
			       fh_attrs_get(attrs, nattrs,
					    "num_partition_sectors"),
			       s->link->name,
			       ret == -EILSEQ
				       ? "data lost (digest mismatch)"
				       : "data lost (the stream ran dry)");
			ret = rewind_try(s, fd, off0);
			alive = ret == 0;
			if (ret < 0)
				break;
		}
		ret = read_once(s, attrs, nattrs, fd, off0);
		if (ret == 0 || ret == -ENODEV || ret == -EREMOTEIO)
			break;
	}
	s->t.data_ms = data_ms;
	return ret < 0 ? lost(s, attrs, nattrs, ret, alive) : 0;
}
