// SPDX-License-Identifier: BSD-3-Clause
/*
 * USB link on libusb-1.0: one context per link (no globals), the device
 * found by its sysfs path ("1-1.4" = bus 1, ports 1.4), the interface's
 * bulk IN/OUT endpoints, the kernel driver (qcserial, option) detached.
 */
#include "link/link.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libusb.h>

#include "base/clock.h"

#define USB_CHUNK (1024 * 1024) /* bulk transfers are split at 1 MiB */

struct usb_link {
	struct link link; /* first: the ops receive &link */
	libusb_context *ctx;
	libusb_device_handle *h;
	int ifnum;
	uint8_t ep_in, ep_out;
	size_t in_max_packet;
	bool claimed;
	uint8_t rx[16384]; /* a whole number of packets; leftovers */
	size_t rx_off, rx_len;
};

static struct usb_link *to_usb(struct link *l)
{
	return (struct usb_link *)l;
}

static int usb_errno(int r)
{
	switch (r) {
	case LIBUSB_ERROR_TIMEOUT:
		return -ETIMEDOUT;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_PIPE: /* a halted endpoint on a device going away */
		return -ENODEV;
	case LIBUSB_ERROR_ACCESS:
		return -EACCES;
	case LIBUSB_ERROR_BUSY:
		return -EBUSY;
	case LIBUSB_ERROR_NO_MEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static unsigned usb_timeout(int timeout_ms)
{
	/* libusb: 0 means "forever"; a poll (0) becomes 1 ms */
	if (timeout_ms < 0)
		return 0;
	return timeout_ms ? (unsigned)timeout_ms : 1;
}

/*
 * Bulk IN reads are always a whole number of wMaxPacketSize: a device may
 * send a packet longer than what the caller asked for (a 48-byte Sahara
 * HELLO for an 8-byte header read), and a shorter request would end in
 * LIBUSB_ERROR_OVERFLOW with the packet lost. Small requests go through
 * rx[], whose leftovers serve the next reads; large ones (Firehose data)
 * go straight to the caller's buffer, rounded down to whole packets.
 */
static size_t usb_in_mps(const struct usb_link *u)
{
	return u->in_max_packet ? u->in_max_packet : 512;
}

static int usb_rx_take(struct usb_link *u, void *buf, size_t len)
{
	size_t n = u->rx_len < len ? u->rx_len : len;

	memcpy(buf, u->rx + u->rx_off, n);
	u->rx_off += n;
	u->rx_len -= n;
	if (!u->rx_len)
		u->rx_off = 0;
	return (int)n;
}

/* One bulk IN transfer; a zero-length packet is skipped (it only ends a
 * transfer), so this returns > 0 bytes or a negative errno. */
static int usb_in(struct usb_link *u, uint8_t *buf, size_t len, int timeout_ms)
{
	int64_t deadline = mf_deadline(timeout_ms);

	for (bool first = true;; first = false) {
		int got = 0, r, left = mf_remaining_ms(deadline);

		if (!first && left == 0)
			return -ETIMEDOUT;
		r = libusb_bulk_transfer(u->h, u->ep_in, buf, (int)len, &got,
					 usb_timeout(left));
		if (r == LIBUSB_ERROR_TIMEOUT && got > 0)
			r = 0;
		if (r < 0)
			return usb_errno(r);
		if (got > 0)
			return got;
	}
}

static int usb_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct usb_link *u = to_usb(l);
	size_t mps = usb_in_mps(u);
	int got;

	if (!len)
		return -EINVAL;
	if (u->rx_len) {
		got = usb_rx_take(u, buf, len);
	} else if (len >= mps) {
		size_t want = len > USB_CHUNK ? USB_CHUNK : len;

		got = usb_in(u, buf, want - want % mps, timeout_ms);
		if (got < 0)
			return got;
	} else {
		got = usb_in(u, u->rx, sizeof(u->rx) - sizeof(u->rx) % mps,
			     timeout_ms);
		if (got < 0)
			return got;
		u->rx_off = 0;
		u->rx_len = (size_t)got;
		got = usb_rx_take(u, buf, len);
	}
	mf_log_hex(l->log, "<-", buf, (size_t)got);
	return got;
}

/*
 * One bulk OUT transfer of up to USB_CHUNK bytes within timeout_ms, in
 * slices of MF_WAIT_REPORT_MS: a device that takes nothing is said on the
 * link's log (mf_waiting) while the deadline holds; what a timed-out slice
 * did take (whole packets) is not sent again.
 */
static int usb_out_chunk(struct usb_link *u, const uint8_t *p, size_t c,
			 int timeout_ms, size_t before, size_t len)
{
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(timeout_ms);
	size_t done = 0;

	while (done < c) {
		int left = timeout_ms < 0 ? MF_WAIT_REPORT_MS
					  : mf_remaining_ms(deadline);
		int slice = left > MF_WAIT_REPORT_MS ? MF_WAIT_REPORT_MS : left;
		int n = 0, r;

		if (timeout_ms >= 0 && left <= 0)
			return -ETIMEDOUT;
		r = libusb_bulk_transfer(u->h, u->ep_out, (uint8_t *)p + done,
					 (int)(c - done), &n,
					 usb_timeout(slice));
		done += n > 0 ? (size_t)n : 0;
		if (r == LIBUSB_ERROR_TIMEOUT && done < c) {
			char what[160];

			if (timeout_ms >= 0 && mf_remaining_ms(deadline) <= 0)
				return -ETIMEDOUT;
			snprintf(what, sizeof(what),
				 "the USB device to take our bytes (%zu of %zu "
				 "written; the module reads nothing)",
				 before + done, len);
			mf_waiting(u->link.log, what, mf_now_ms() - t0,
				   timeout_ms);
			continue;
		}
		if (r < 0 && r != LIBUSB_ERROR_TIMEOUT)
			return usb_errno(r);
	}
	return 0;
}

static int usb_write(struct link *l, const void *buf, size_t len,
		     int timeout_ms)
{
	struct usb_link *u = to_usb(l);
	const uint8_t *p = buf;
	size_t done = 0;
	int r, n;

	mf_log_hex(l->log, "->", buf, len);
	while (done < len) {
		size_t c = len - done > USB_CHUNK ? USB_CHUNK : len - done;

		r = usb_out_chunk(u, p + done, c, timeout_ms, done, len);
		if (r < 0)
			return r;
		done += c;
	}
	/* Firehose ZlpAwareHost: end a packet-aligned transfer with a ZLP */
	if (l->zlp && l->max_packet && len % l->max_packet == 0) {
		r = libusb_bulk_transfer(u->h, u->ep_out, (uint8_t *)p, 0, &n,
					 usb_timeout(timeout_ms));
		if (r < 0)
			return usb_errno(r);
	}
	return (int)len;
}

static void usb_close(struct link *l)
{
	struct usb_link *u = to_usb(l);

	if (u->h) {
		if (u->claimed)
			libusb_release_interface(u->h, u->ifnum);
		libusb_close(u->h);
	}
	if (u->ctx)
		libusb_exit(u->ctx);
	free(u);
}

static const struct link_ops usb_ops = {
	.read = usb_read,
	.write = usb_write,
	.close = usb_close,
};

/* "1-1.4" -> bus 1, ports {1, 4}. */
static int parse_usbpath(const char *path, int *bus, uint8_t *ports,
			 int *nports)
{
	const char *p = path;
	char *end;
	long v;

	v = strtol(p, &end, 10);
	if (end == p || *end != '-' || v < 1 || v > 255)
		return -EINVAL;
	*bus = (int)v;
	*nports = 0;
	p = end + 1;
	for (;;) {
		v = strtol(p, &end, 10);
		if (end == p || v < 1 || v > 255 || *nports >= 7)
			return -EINVAL;
		ports[(*nports)++] = (uint8_t)v;
		if (*end == '\0')
			return 0;
		if (*end != '.')
			return -EINVAL;
		p = end + 1;
	}
}

static libusb_device *usb_find(libusb_context *ctx, int bus,
			       const uint8_t *ports, int nports)
{
	libusb_device **list, *found = NULL;
	ssize_t n = libusb_get_device_list(ctx, &list);

	for (ssize_t i = 0; i < n && !found; i++) {
		uint8_t p[8];
		int k = libusb_get_port_numbers(list[i], p, sizeof(p));

		if (libusb_get_bus_number(list[i]) == bus && k == nports &&
		    !memcmp(p, ports, (size_t)k))
			found = libusb_ref_device(list[i]);
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return found;
}

static int usb_endpoints(struct usb_link *u, libusb_device *dev)
{
	struct libusb_config_descriptor *cfg;
	const struct libusb_interface_descriptor *alt;
	int r = libusb_get_active_config_descriptor(dev, &cfg);

	if (r < 0)
		return usb_errno(r);
	r = -ENOENT;
	if (u->ifnum >= cfg->bNumInterfaces ||
	    !cfg->interface[u->ifnum].num_altsetting)
		goto out_free;
	alt = &cfg->interface[u->ifnum].altsetting[0];
	for (int i = 0; i < alt->bNumEndpoints; i++) {
		const struct libusb_endpoint_descriptor *ep = &alt->endpoint[i];

		if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
			u->ep_in = ep->bEndpointAddress;
			u->in_max_packet = ep->wMaxPacketSize;
		} else {
			u->ep_out = ep->bEndpointAddress;
			u->link.max_packet = ep->wMaxPacketSize;
		}
	}
	if (u->ep_in && u->ep_out)
		r = 0;
out_free:
	libusb_free_config_descriptor(cfg);
	return r;
}

static int usb_claim(struct usb_link *u, const char *usbpath,
		     struct mf_err *err)
{
	int r;

	/* qcserial/option own the interface as ttyUSBn: take it over */
	if (libusb_kernel_driver_active(u->h, u->ifnum) == 1) {
		r = libusb_detach_kernel_driver(u->h, u->ifnum);
		if (r < 0 && r != LIBUSB_ERROR_NOT_FOUND) {
			mf_err_set(err, MF_FAILED, usb_errno(r),
				   "cannot detach the kernel driver from %s "
				   "interface %d: %s",
				   usbpath, u->ifnum, libusb_error_name(r));
			mf_err_hint(err, "run as root or install the "
					 "modemflash udev rule");
			return usb_errno(r);
		}
	}
	r = libusb_claim_interface(u->h, u->ifnum);
	if (r < 0) {
		mf_err_set(err, MF_FAILED, usb_errno(r),
			   "cannot claim %s interface %d: %s", usbpath,
			   u->ifnum, libusb_error_name(r));
		mf_err_hint(err, "close the other program using the module "
				 "(modemflash doctor names it; ModemManager "
				 "is kept off by modemflash itself)");
		return usb_errno(r);
	}
	u->claimed = true;
	return 0;
}

static int usb_open_dev(struct usb_link *u, const char *usbpath,
			struct mf_err *err)
{
	uint8_t ports[8];
	int bus, nports, r;
	libusb_device *dev;

	if (parse_usbpath(usbpath, &bus, ports, &nports) < 0)
		return mf_err_set(err, MF_USAGE, -EINVAL,
				  "not a USB path: %s (expected e.g. 1-1.4)",
				  usbpath);
	dev = usb_find(u->ctx, bus, ports, nports);
	if (!dev)
		return mf_err_set(err, MF_NO_DEVICE, -ENODEV,
				  "no USB device at %s", usbpath);
	r = usb_endpoints(u, dev);
	if (r < 0) {
		libusb_unref_device(dev);
		return mf_err_set(err, MF_NO_DEVICE, r,
				  "%s interface %d has no bulk IN/OUT pair",
				  usbpath, u->ifnum);
	}
	r = libusb_open(dev, &u->h);
	libusb_unref_device(dev);
	if (r < 0) {
		mf_err_set(err,
			   r == LIBUSB_ERROR_ACCESS ? MF_FAILED : MF_NO_DEVICE,
			   usb_errno(r), "cannot open USB device %s: %s",
			   usbpath, libusb_error_name(r));
		if (r == LIBUSB_ERROR_ACCESS)
			mf_err_hint(err,
				    "the EDL USB device needs the udev "
				    "rule 60-modemflash.rules and group "
				    "plugdev (modemflash doctor says how)");
		return usb_errno(r);
	}
	return usb_claim(u, usbpath, err);
}

struct link *link_usb_open(const char *usbpath, int ifnum,
			   const struct mf_log *log, struct mf_err *err)
{
	struct usb_link *u = calloc(1, sizeof(*u));
	int r;

	if (!u) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		return NULL;
	}
	u->link.ops = &usb_ops;
	u->link.kind = LINK_USB;
	u->link.log = log;
	u->link.zlp = 1;
	u->ifnum = ifnum;
	snprintf(u->link.name, sizeof(u->link.name), "usb:%.200s:if%d", usbpath,
		 ifnum);
	r = libusb_init(&u->ctx);
	if (r < 0) {
		mf_err_set(err, MF_FAILED, usb_errno(r),
			   "libusb_init failed: %s", libusb_error_name(r));
		u->ctx = NULL;
		goto out_free;
	}
	if (usb_open_dev(u, usbpath, err) < 0)
		goto out_free;
	return &u->link;
out_free:
	usb_close(&u->link);
	return NULL;
}
