// SPDX-License-Identifier: BSD-3-Clause
#include "proto/firehose_verify.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "proto/firehose_int.h"

/* A loss leaves the reader waiting for bytes that never come: a stream
 * that stalls this long on a tty is treated as short, not as slow. */
#define FH_TTY_DATA_MS 3000

/* 0 when the bytes that arrived (their SHA-256 mine, hashed on arrival)
 * match the device's digest, -EILSEQ when not, another error when the
 * digest could not be had. */
static int compare(struct fh_session *s, const struct fh_msg_attr *attrs,
		   size_t nattrs, const uint8_t mine[32])
{
	uint8_t dev[32];
	int ret = fh_sha256_digest(s, attrs, nattrs, dev);

	if (ret < 0)
		return ret;
	return memcmp(mine, dev, 32) ? -EILSEQ : 0;
}

/* Errors of the file the data goes to, never of the link. */
static bool host_file_error(int ret)
{
	return ret == -ENOSPC || ret == -EDQUOT || ret == -EROFS ||
	       ret == -EFBIG || ret == -EACCES || ret == -EPERM ||
	       ret == -EBADF;
}

/* Back to a clean conversation and an unwritten range for another try. */
static int rewind_try(struct fh_session *s, int fd, off_t off0)
{
	link_drain(s->link, 300, 3000);
	s->rx_off = s->rx_len = 0;
	fh_msg_reader_reset(s->rd); /* a half-read document is gone */
	mf_err_clear(s->err);
	if (ftruncate(fd, off0) < 0 || lseek(fd, off0, SEEK_SET) != off0)
		return -errno;
	return fh_nop(s);
}

static int read_once(struct fh_session *s, const struct fh_msg_attr *attrs,
		     size_t nattrs, int fd, const struct fh_tap *tap)
{
	uint8_t mine[32];
	int ret = fh_read_sha256(s, attrs, nattrs, fd, mine, tap);

	return ret < 0 ? ret : compare(s, attrs, nattrs, mine);
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

	if (host_file_error(ret))
		return ret; /* the host's own error, said by fh_read */
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
		    size_t nattrs, int fd, const struct fh_tap *tap)
{
	off_t off0 = lseek(fd, 0, SEEK_CUR);
	int data_ms = s->t.data_ms, ret = 0;
	bool alive = false;

	if (s->link->kind == LINK_USB || off0 < 0 ||
	    !fh_supports(s, "getsha256digest")) {
		if (tap && tap->attempt)
			tap->attempt(tap->ctx, 1);
		return fh_read_sha256(s, attrs, nattrs, fd, NULL, tap);
	}
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
			       ret == -EILSEQ ? "data lost (digest mismatch)"
			       : !strcmp(s->cmd, "getsha256digest")
				       ? "no answer to <getsha256digest>"
				       : "data lost (the stream ran dry)");
			ret = rewind_try(s, fd, off0);
			alive = ret == 0;
			if (ret < 0)
				break;
		}
		if (tap && tap->attempt)
			tap->attempt(tap->ctx, i);
		ret = read_once(s, attrs, nattrs, fd, tap);
		if (ret == 0 || ret == -ENODEV || ret == -EREMOTEIO)
			break;
		if (host_file_error(ret))
			break; /* the caller's file: reading again cannot help */
	}
	s->t.data_ms = data_ms;
	return ret < 0 ? lost(s, attrs, nattrs, ret, alive) : 0;
}
