// SPDX-License-Identifier: BSD-3-Clause
/*
 * The pump process of one enumeration: writes each function's descriptors
 * to its ep0, answers control requests, and moves bytes between the bulk
 * endpoints and the pty slave of the same interface, one thread per
 * direction. It never returns while the gadget is up: the parent ends it
 * with SIGKILL, which closes every file at once (endpoint I/O on a disabled
 * function can block for good, so threads are never joined one by one).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/usb/functionfs.h>

#include "sim/gadget/bridge.h"

#define CHUNK	 65536
#define EV_SIZE	 12 /* struct usb_functionfs_event */
#define RETRY_MS 20
#define LOG_OUT_MAX                                                            \
	64 /* --verbose: transfers from the host logged per function */
/*
 * wMaxPacketSize of the bulk endpoints at high speed (desc.c; dummy_hcd
 * runs at high speed). A bulk OUT read longer than one packet waits for
 * the rest of a transfer that ends on a packet boundary without a ZLP,
 * and usb_wwan (ttyUSB) never sends one: a 4096-byte Sahara answer would
 * sit in the endpoint until the host sent more. A real device reads the
 * length it expects; a byte pump cannot know it, so it reads packet by
 * packet.
 */
#define BR_MPS 512

struct fn {
	const struct br_opts *o;
	const struct br_iface *ifc;
	int ep0, ep_in, ep_out, pty;
	char dir[BR_PATH];
	uint64_t to_host, from_host;
	unsigned logged_out;
};

/*
 * --verbose: the first transfers from the host, with their first bytes. The
 * usbvm rig counts 1-byte transfers here: the kernel's n_tty echo of a fresh
 * ttyUSB sends what it echoes byte by byte (docs/usbvm.md, finding 1).
 */
static void log_out(struct fn *f, const uint8_t *p, size_t n)
{
	char hex[3 * 8 + 1];
	size_t i, k = n < 8 ? n : 8;

	if (!f->o->verbose || f->logged_out >= LOG_OUT_MAX)
		return;
	f->logged_out++;
	hex[0] = 0;
	for (i = 0; i < k; i++)
		snprintf(hex + 3 * i, 4, "%02x ", p[i]);
	hex[k ? 3 * k - 1 : 0] = 0;
	br_log(f->o, "%s: %zu bytes from host: %s%s", f->dir, n, hex,
	       n > k ? " ..." : "");
}

static void nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A pty hands out at most about 4 KiB per read; one USB transfer per read
 * made every Firehose data read a 4095-byte transfer (slow under TCG).
 * Gather what is already queued, up to CHUNK, before sending.
 */
static ssize_t read_gather(int fd, uint8_t *buf, size_t cap)
{
	ssize_t n = read(fd, buf, cap), m;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (n > 0 && (size_t)n < cap && poll(&pfd, 1, 0) == 1 &&
	       (pfd.revents & POLLIN)) {
		m = read(fd, buf + n, cap - (size_t)n);
		if (m <= 0)
			break;
		n += m;
	}
	return n;
}

/*
 * pty -> bulk IN, one transfer per Firehose document (br_transfer_len):
 * what the pty merged is sent in the pieces a device would send, the rest
 * kept for the next transfer. A write to a disabled endpoint fails
 * (ESHUTDOWN) or waits for the host to configure us again; the bytes are
 * kept and retried, as a device keeps its FIFO across a bus reset.
 */
static void *pump_in(void *arg)
{
	struct fn *f = arg;
	uint8_t *buf = malloc(CHUNK);
	int err, last = 0;
	size_t have = 0, n;
	ssize_t got;

	if (!buf)
		return NULL;
	for (;;) {
		if (!have) {
			got = read_gather(f->pty, buf, CHUNK);
			if (got <= 0) {
				/* EIO: the simulator closed its side
				 * (re-enumerating) */
				nap(RETRY_MS * 5);
				continue;
			}
			have = (size_t)got;
		}
		n = br_transfer_len(buf, have);
		while ((err = write_all(f->ep_in, buf, n))) {
			if (f->o->verbose && err != last)
				br_log(f->o, "%s: to host: %s (kept, retrying)",
				       f->dir, strerror(-err));
			last = err;
			nap(RETRY_MS);
		}
		last = 0;
		/* end a packet-aligned transfer with a ZLP, as devices do: a
		 * host read of more than this would wait for more otherwise */
		if (n % BR_MPS == 0)
			while (write(f->ep_in, buf, 0) < 0 && errno == EINTR)
				;
		if (f->o->verbose && f->to_host == 0)
			br_log(f->o, "%s: first %zu bytes to host", f->dir, n);
		f->to_host += (uint64_t)n;
		memmove(buf, buf + n, have - n);
		have -= n;
	}
	return NULL;
}

/* bulk OUT -> pty, one packet per read (BR_MPS); a ZLP reads as 0 */
static void *pump_out(void *arg)
{
	struct fn *f = arg;
	uint8_t *buf = malloc(CHUNK);
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		n = read(f->ep_out, buf, BR_MPS);
		if (n == 0)
			continue;
		if (n < 0) {
			nap(RETRY_MS);
			continue;
		}
		log_out(f, buf, (size_t)n);
		if (write_all(f->pty, buf, (size_t)n))
			nap(RETRY_MS); /* simulator gone: drop, as the wire would */
		f->from_host += (uint64_t)n;
	}
	return NULL;
}

static const char *const ev_names[] = { "bind",	 "unbind",  "enable", "disable",
					"setup", "suspend", "resume" };

/*
 * Control requests addressed to our interface: SET_CONTROL_LINE_STATE
 * (option and usb_wwan send it on open/close) and other OUT requests are
 * acknowledged; IN requests we do not know are stalled, as a real device
 * would answer an unknown request.
 */
static void on_setup(struct fn *f, const uint8_t *ev)
{
	uint8_t type = ev[0], req = ev[1];
	uint16_t value = (uint16_t)(ev[2] | ev[3] << 8);
	uint16_t len = (uint16_t)(ev[6] | ev[7] << 8);
	uint8_t buf[256];

	if (f->o->verbose)
		br_log(f->o, "%s: setup type %02x req %02x value %04x len %u",
		       f->dir, type, req, value, len);
	if (type & 0x80) {
		if (read(f->ep0, buf, 0) < 0 && errno != EL2HLT)
			br_log(f->o, "%s: stall failed: %s", f->dir,
			       strerror(errno));
		return;
	}
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (read(f->ep0, buf, len) < 0)
		br_log(f->o, "%s: control OUT: %s", f->dir, strerror(errno));
}

static void *ep0_loop(void *arg)
{
	struct fn *f = arg;
	uint8_t ev[EV_SIZE * 4];
	ssize_t n, i;

	for (;;) {
		n = read(f->ep0, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			nap(RETRY_MS * 5);
			continue;
		}
		for (i = 0; i + EV_SIZE <= n; i += EV_SIZE) {
			uint8_t type = ev[i + 8];

			if (type == FUNCTIONFS_SETUP)
				on_setup(f, ev + i);
			else if (f->o->verbose &&
				 type < sizeof(ev_names) / sizeof(ev_names[0]))
				br_log(f->o, "%s: %s", f->dir, ev_names[type]);
		}
	}
	return NULL;
}

static int open_ep(struct fn *f, const char *name)
{
	char p[BR_PATH + 16];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", f->dir, name);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		br_log(f->o, "open %s: %s", p, strerror(errno));
	return fd;
}

/* The pty slave in raw mode, at once: a fresh tty echoes (docs/usbvm.md). */
static int open_pty(struct fn *f)
{
	struct termios tio;
	int fd = open(f->ifc->pty, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		br_log(f->o, "open %s (%s): %s", f->ifc->pty, f->ifc->tty,
		       strerror(errno));
		return -1;
	}
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(fd, TCSANOW, &tio);
	}
	return fd;
}

static int setup_fn(struct fn *f, bool with_int)
{
	uint8_t desc[256], str[32];
	int len, slen;

	f->ep0 = open_ep(f, "ep0");
	if (f->ep0 < 0)
		return -1;
	len = br_desc_build(f->ifc, with_int, desc, sizeof(desc));
	slen = br_strings_build(str, sizeof(str));
	if (len < 0 || slen < 0 || write_all(f->ep0, desc, (size_t)len) ||
	    write_all(f->ep0, str, (size_t)slen)) {
		br_log(f->o, "%s: descriptors refused: %s", f->dir,
		       strerror(errno));
		return -1;
	}
	if (!f->ifc->tty[0])
		return 0;
	f->ep_in = open_ep(f, "ep1");
	f->ep_out = open_ep(f, "ep2");
	f->pty = open_pty(f);
	return (f->ep_in < 0 || f->ep_out < 0 || f->pty < 0) ? -1 : 0;
}

/*
 * dummy_hcd has 4 bulk IN, 4 bulk OUT and 3 interrupt IN endpoints: the
 * notification endpoints are kept only while they fit.
 */
static bool int_fits(const struct br_dev *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->nifs; i++)
		if (d->ifs[i].tty[0] && d->ifs[i].nep == 3)
			n++;
	return n <= 3;
}

static int start(pthread_t *t, void *(*fn)(void *), struct fn *f)
{
	return pthread_create(t, NULL, fn, f) ? -1 : 0;
}

int br_pump_run(const struct br_opts *o, const struct br_dev *d, int ready_fd)
{
	struct fn fns[BR_MAX_IFACES];
	bool with_int = int_fits(d);
	pthread_t t;
	size_t i;

	memset(fns, 0, sizeof(fns));
	for (i = 0; i < d->nifs; i++) {
		struct fn *f = &fns[i];

		f->o = o;
		f->ifc = &d->ifs[i];
		f->ep_in = f->ep_out = f->pty = -1;
		snprintf(f->dir, sizeof(f->dir), "%s/%s%zu", o->ffs_dir,
			 o->name, i);
		if (setup_fn(f, with_int && f->ifc->nep == 3))
			return -1;
	}
	for (i = 0; i < d->nifs; i++) {
		if (start(&t, ep0_loop, &fns[i]))
			return -1;
		if (!fns[i].ifc->tty[0])
			continue;
		if (start(&t, pump_in, &fns[i]) || start(&t, pump_out, &fns[i]))
			return -1;
	}
	if (write(ready_fd, "R", 1) != 1)
		return -1;
	close(ready_fd);
	for (;;)
		pause();
}
