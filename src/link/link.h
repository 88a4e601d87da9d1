/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_LINK_LINK_H
#define MF_LINK_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"

/*
 * A transport: one small ops table. Protocols (proto/) see only this.
 *
 * read:  wait up to timeout_ms (< 0: forever, 0: poll) for at least one
 *        byte; returns the byte count (> 0), -ETIMEDOUT when nothing came,
 *        -ENODEV when the device vanished (EIO, hang-up, node gone), another
 *        negative errno otherwise. Never returns 0.
 * write: write all len bytes within timeout_ms; returns len, -ETIMEDOUT,
 *        -ENODEV, or another negative errno. A USB link appends a
 *        zero-length packet after a transfer that is a multiple of
 *        max_packet when zlp is set (Firehose ZlpAwareHost).
 * close: release everything; the struct is freed.
 *
 * Above the ops, every link has a push-back: bytes a protocol read ahead
 * and does not own (Sahara meeting Firehose XML where it expected a HELLO)
 * go back with link_unread(), and the next link_read() returns them first,
 * at once, whatever its timeout. The next protocol then reads the stream
 * as the device sent it.
 */
struct link;

/* Push-back room: a Sahara header plus what a read ahead may hold. */
#define LINK_UNREAD_MAX 4096

struct link_ops {
	int (*read)(struct link *l, void *buf, size_t len, int timeout_ms);
	int (*write)(struct link *l, const void *buf, size_t len,
		     int timeout_ms);
	void (*close)(struct link *l);
};

enum link_kind {
	LINK_TTY,
	LINK_USB,
	LINK_FAKE, /* scripted, for tests */
};

struct link {
	const struct link_ops *ops;
	enum link_kind kind;
	char name[256];		  /* "/dev/ttyUSB0" or "usb:1-1.4:if0" */
	size_t max_packet;	  /* wMaxPacketSize of bulk OUT, 0 for ttys */
	int zlp;		  /* send ZLPs (usb only) */
	const struct mf_log *log; /* trace sink, may be NULL */
	/*
	 * Pushed-back bytes: the last unread_len bytes of unread[] (so that
	 * a push goes in front of what is already there). Zero-initialised
	 * with the struct; only link.c touches them.
	 */
	size_t unread_len;
	uint8_t unread[LINK_UNREAD_MAX];
};

/*
 * Read as the ops table describes; pushed-back bytes come first (up to
 * len of them, without waiting and without touching the device).
 */
int link_read(struct link *l, void *buf, size_t len, int timeout_ms);

/*
 * Push len bytes back in front of the stream: the next reads return them,
 * in order, before anything pushed earlier or still in the device. Returns
 * 0, or -ENOSPC when they do not fit beside what is already pushed back
 * (nothing is pushed then).
 */
int link_unread(struct link *l, const void *buf, size_t len);

/* Bytes pushed back and not read yet. */
static inline size_t link_unread_pending(const struct link *l)
{
	return l->unread_len;
}

static inline int link_write(struct link *l, const void *buf, size_t len,
			     int timeout_ms)
{
	return l->ops->write(l, buf, len, timeout_ms);
}

static inline void link_close(struct link *l)
{
	if (l)
		l->ops->close(l);
}

/*
 * Read exactly len bytes before the deadline implied by timeout_ms
 * (total, not per read). Returns len or the first negative error.
 */
int link_read_exact(struct link *l, void *buf, size_t len, int timeout_ms);

/* Discard whatever arrives until idle_ms of silence or max_ms in total. */
int link_drain(struct link *l, int idle_ms, int max_ms);

/* Open a tty (or pty) in raw mode with an exclusive lock (link/tty.c). */
struct link *link_tty_open(const char *path, const struct mf_log *log,
			   struct mf_err *err);

/*
 * Open USB interface ifnum of the device at sysfs path usbpath ("1-1.4")
 * with libusb, detaching a bound kernel driver (link/usb.c).
 */
struct link *link_usb_open(const char *usbpath, int ifnum,
			   const struct mf_log *log, struct mf_err *err);

#endif
