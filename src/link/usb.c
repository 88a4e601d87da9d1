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

#define USB_CHUNK (1024 * 1024)	/* bulk transfers are split at 1 MiB */

struct usb_link {
	struct link link;	/* first: the ops receive &link */
	libusb_context *ctx;
	libusb_device_handle *h;
	int ifnum;
	uint8_t ep_in, ep_out;
	size_t in_max_packet;
	bool claimed;
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
	case LIBUSB_ERROR_PIPE:	/* a halted endpoint on a device going away */
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

static int usb_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct usb_link *u = to_usb(l);
	int got = 0, r;

	if (len > USB_CHUNK)
		len = USB_CHUNK;
	/* a bare ZLP (0 bytes) ends a transfer: read again, never return 0 */
	for (int tries = 0; got == 0 && tries < 4; tries++) {
		r = libusb_bulk_transfer(u->h, u->ep_in, buf, (int)len, &got,
					 usb_timeout(timeout_ms));
		if (r == LIBUSB_ERROR_TIMEOUT && got > 0)
			r = 0;
		if (r < 0)
			return usb_errno(r);
	}
	if (got == 0)
		return -ETIMEDOUT;
	/*
	 * A read that fills the buffer exactly on a packet boundary may be
	 * followed by the device's ZLP: consume it so that the next read
	 * does not return 0 bytes.
	 */
	if ((size_t)got == len && u->in_max_packet &&
	    len % u->in_max_packet == 0) {
		uint8_t zb[1];
		int z = 0;

		libusb_bulk_transfer(u->h, u->ep_in, zb, 0, &z, 1);
	}
	mf_log_hex(l->log, "<-", buf, (size_t)got);
	return got;
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

		n = 0;
		r = libusb_bulk_transfer(u->h, u->ep_out, (uint8_t *)p + done,
					 (int)c, &n, usb_timeout(timeout_ms));
		if (r < 0)
			return usb_errno(r);
		done += (size_t)n;
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
static int parse_usbpath(const char *path, int *bus, uint8_t *ports, int *nports)
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
	if (u->ifnum >= cfg->bNumInterfaces || !cfg->interface[u->ifnum].num_altsetting)
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

static int usb_claim(struct usb_link *u, const char *usbpath, struct mf_err *err)
{
	int r;

	/* qcserial/option own the interface as ttyUSBn: take it over */
	if (libusb_kernel_driver_active(u->h, u->ifnum) == 1) {
		r = libusb_detach_kernel_driver(u->h, u->ifnum);
		if (r < 0 && r != LIBUSB_ERROR_NOT_FOUND) {
			mf_err_set(err, MF_FAILED, usb_errno(r),
				   "cannot detach the kernel driver from %s interface %d: %s",
				   usbpath, u->ifnum, libusb_error_name(r));
			mf_err_hint(err, "run as root or install the modemflash udev rule");
			return usb_errno(r);
		}
	}
	r = libusb_claim_interface(u->h, u->ifnum);
	if (r < 0) {
		mf_err_set(err, MF_FAILED, usb_errno(r),
			   "cannot claim %s interface %d: %s", usbpath, u->ifnum,
			   libusb_error_name(r));
		mf_err_hint(err, "close other programs using the module (ModemManager: --inhibit-mm)");
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
				  "not a USB path: %s (expected e.g. 1-1.4)", usbpath);
	dev = usb_find(u->ctx, bus, ports, nports);
	if (!dev)
		return mf_err_set(err, MF_NO_DEVICE, -ENODEV,
				  "no USB device at %s", usbpath);
	r = usb_endpoints(u, dev);
	if (r < 0) {
		libusb_unref_device(dev);
		return mf_err_set(err, MF_NO_DEVICE, r,
				  "%s interface %d has no bulk IN/OUT pair", usbpath,
				  u->ifnum);
	}
	r = libusb_open(dev, &u->h);
	libusb_unref_device(dev);
	if (r < 0) {
		mf_err_set(err, r == LIBUSB_ERROR_ACCESS ? MF_FAILED : MF_NO_DEVICE,
			   usb_errno(r), "cannot open USB device %s: %s", usbpath,
			   libusb_error_name(r));
		if (r == LIBUSB_ERROR_ACCESS)
			mf_err_hint(err, "install the modemflash udev rule or run as root");
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
	snprintf(u->link.name, sizeof(u->link.name), "usb:%.200s:if%d", usbpath, ifnum);
	r = libusb_init(&u->ctx);
	if (r < 0) {
		mf_err_set(err, MF_FAILED, usb_errno(r), "libusb_init failed: %s",
			   libusb_error_name(r));
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
