// SPDX-License-Identifier: BSD-3-Clause
/*
 * FunctionFS descriptor blobs (format: linux/usb/functionfs.h, V2 header),
 * one interface per function, full- and high-speed sets. The bulk IN
 * endpoint comes first: qcserial's QDL probe of a one-interface 05c6:9008
 * takes endpoint[0] as bulk IN and endpoint[1] as bulk OUT, as on real
 * devices (docs/usbvm.md). FunctionFS names the files ep1, ep2, ep3
 * in this order. Written byte by byte, no struct overlays.
 */
#include <errno.h>
#include <string.h>

#include <linux/usb/functionfs.h>

#include "sim/gadget/bridge.h"

struct blob {
	uint8_t *p;
	size_t len, cap;
	bool over;
};

static void put8(struct blob *b, uint8_t v)
{
	if (b->len >= b->cap) {
		b->over = true;
		return;
	}
	b->p[b->len++] = v;
}

static void put16(struct blob *b, uint16_t v)
{
	put8(b, v & 0xff);
	put8(b, v >> 8);
}

static void put32(struct blob *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void put_ep(struct blob *b, uint8_t addr, uint8_t attr, uint16_t mps,
		   uint8_t interval)
{
	put8(b, 7); /* USB_DT_ENDPOINT_SIZE */
	put8(b, 5); /* USB_DT_ENDPOINT */
	put8(b, addr);
	put8(b, attr);
	put16(b, mps);
	put8(b, interval);
}

/* One speed's set; returns how many descriptors it holds. */
static uint32_t put_set(struct blob *b, const struct br_iface *ifc,
			bool with_int, bool hs)
{
	bool bulk = ifc->tty[0] != 0;
	uint8_t nep = bulk ? (with_int ? 3 : 2) : 0;

	put8(b, 9); /* USB_DT_INTERFACE_SIZE */
	put8(b, 4); /* USB_DT_INTERFACE */
	put8(b, 0); /* bInterfaceNumber: composite renumbers */
	put8(b, 0);
	put8(b, nep);
	put8(b, ifc->cls);
	put8(b, ifc->sub);
	put8(b, ifc->proto);
	put8(b, 0); /* iInterface */
	if (!bulk)
		return 1;
	put_ep(b, 0x81, 2, hs ? 512 : 64, 0);
	put_ep(b, 0x02, 2, hs ? 512 : 64, 0);
	if (with_int)
		put_ep(b, 0x83, 3, hs ? 64 : 16,
		       hs ? 5 : 32); /* notifications, never sent */
	return 1u + nep;
}

static void patch32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

int br_desc_build(const struct br_iface *ifc, bool with_int, uint8_t *buf,
		  size_t cap)
{
	struct blob b = { buf, 0, cap, false };
	uint32_t nfs, nhs;

	put32(&b, FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	put32(&b, 0); /* length, patched below */
	put32(&b, FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	put32(&b, 0); /* fs_count, patched */
	put32(&b, 0); /* hs_count, patched */
	nfs = put_set(&b, ifc, with_int, false);
	nhs = put_set(&b, ifc, with_int, true);
	if (b.over)
		return -ENOSPC;
	patch32(buf + 4, (uint32_t)b.len);
	patch32(buf + 12, nfs);
	patch32(buf + 16, nhs);
	return (int)b.len;
}

int br_strings_build(uint8_t *buf, size_t cap)
{
	struct blob b = { buf, 0, cap, false };

	put32(&b, FUNCTIONFS_STRINGS_MAGIC);
	put32(&b, 16);
	put32(&b, 0); /* str_count */
	put32(&b, 0); /* lang_count */
	return b.over ? -ENOSPC : (int)b.len;
}
