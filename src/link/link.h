/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_LINK_LINK_H
#define MF_LINK_LINK_H

#include <stdbool.h>
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

/* ---- the transport for a device in EDL (link/edl.c) ---- */

/*
 * Which transport reaches a module in EDL (05c6:9008). The default is the
 * usb link (libusb, the kernel driver detached) when the device node is
 * accessible, else the Sahara port's tty (qcserial): libusb has no ECHO
 * race and no silent loss on reads (docs/usbvm.md), and without qcserial
 * there is no tty at all. Under a sysroot other than "/" the device is
 * simulated and only its tty exists. MODEMFLASH_EDL_LINK=tty|usb in the
 * environment forces one (tests, and a way out when one path misbehaves
 * on a given host).
 */
enum link_edl_kind {
	LINK_EDL_AUTO,
	LINK_EDL_TTY,
	LINK_EDL_USB,
};

#define LINK_EDL_PATH_MAX 512

/*
 * A device in EDL as the link sees it (filled by discovery,
 * mf_module_edl_dev()): where it is on the bus, its Sahara interface and
 * that interface's tty node if one is bound.
 */
struct link_edl_dev {
	char sysroot[LINK_EDL_PATH_MAX]; /* "/": a real host */
	char usbpath[64];		 /* "1-1.4" */
	int busnum, devnum;		 /* /dev/bus/usb/BBB/DDD, 0 unknown */
	int ifnum;			 /* the Sahara interface */
	char tty[LINK_EDL_PATH_MAX];	 /* its tty node, "" none (yet) */
	/*
	 * Look again for the tty (the serial driver binds a moment after the
	 * device appears): update tty and ifnum, true when the tty is there.
	 * NULL: never wait for it.
	 */
	bool (*refresh)(struct link_edl_dev *d);
};

/* The choice for d (pure apart from the device node's access check). */
enum link_edl_kind link_edl_choose(const struct link_edl_dev *d,
				   enum link_edl_kind forced);

/* MODEMFLASH_EDL_LINK parsed; AUTO when unset or unknown. */
enum link_edl_kind link_edl_from_env(void);

/*
 * Open the Sahara/Firehose interface of d as chosen above (the
 * environment's choice first). When libusb cannot reach a device that has
 * no tty yet, wait up to wait_ms for its tty (d->refresh); the tty node may
 * also lag behind the USB device by up to wait_ms. libusb failing on a
 * device with a tty falls back to the tty unless usb was forced. NULL with
 * err filled.
 */
struct link *link_edl_open(struct link_edl_dev *d, int wait_ms,
			   const struct mf_log *log, struct mf_err *err);

#endif
