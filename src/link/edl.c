// SPDX-License-Identifier: BSD-3-Clause
/* The transport for a device in EDL: libusb or its tty (link/link.h). */
#include "link/link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

enum link_edl_kind link_edl_from_env(void)
{
	const char *v = getenv("MODEMFLASH_EDL_LINK");

	if (v && !strcmp(v, "tty"))
		return LINK_EDL_TTY;
	if (v && !strcmp(v, "usb"))
		return LINK_EDL_USB;
	return LINK_EDL_AUTO;
}

/* libusb opens /dev/bus/usb/BBB/DDD: only on the real root. */
static bool usb_accessible(const struct link_edl_dev *d)
{
	char node[64];

	if (strcmp(d->sysroot, "/") != 0)
		return false;
	if (d->busnum < 1 || d->devnum < 1)
		return false;
	snprintf(node, sizeof(node), "/dev/bus/usb/%03d/%03d", d->busnum,
		 d->devnum);
	return access(node, R_OK | W_OK) == 0;
}

enum link_edl_kind link_edl_choose(const struct link_edl_dev *d,
				   enum link_edl_kind forced)
{
	if (forced != LINK_EDL_AUTO)
		return forced;
	if (usb_accessible(d) || !d->tty[0])
		return LINK_EDL_USB;
	return LINK_EDL_TTY;
}

/* link/ sees no device tree events: the node is polled, 10 ms apart */
#define LINK_EDL_POLL_MS 10

/* A poll for the tty still running: said every MF_WAIT_REPORT_MS. */
struct edl_wait {
	int64_t t0, report;
	int wait_ms;
};

static void edl_wait_init(struct edl_wait *w, int wait_ms)
{
	w->t0 = mf_now_ms();
	w->report = w->t0 + MF_WAIT_REPORT_MS;
	w->wait_ms = wait_ms;
}

static void edl_wait_due(struct edl_wait *w, const struct mf_log *log,
			 const char *what)
{
	if (mf_now_ms() < w->report)
		return;
	mf_waiting(log, what, mf_now_ms() - w->t0, w->wait_ms);
	w->report += MF_WAIT_REPORT_MS;
}

static struct link *open_tty(const char *dev, int wait_ms,
			     const struct mf_log *log, struct mf_err *err)
{
	int64_t until = mf_deadline(wait_ms);
	struct edl_wait w;
	struct link *l;
	char what[300];

	edl_wait_init(&w, wait_ms);
	snprintf(what, sizeof(what), "%s to open (the EDL port's tty)", dev);
	/* the tty node can lag behind the USB device by a moment */
	for (;;) {
		l = link_tty_open(dev, log, err);
		if (l || !mf_remaining_ms(until))
			break;
		edl_wait_due(&w, log, what);
		mf_sleep_ms(LINK_EDL_POLL_MS);
	}
	if (l)
		mf_err_clear(err);
	return l;
}

/*
 * The ttyUSB node comes a moment after the USB device (the driver binds
 * later). When libusb cannot reach the device, wait for the tty rather
 * than fail. True when it came.
 */
static bool wait_for_tty(struct link_edl_dev *d, int wait_ms,
			 const struct mf_log *log)
{
	int64_t until = mf_deadline(wait_ms);
	struct edl_wait w;
	char what[300];

	if (!d->refresh)
		return false;
	edl_wait_init(&w, wait_ms);
	snprintf(what, sizeof(what),
		 "the tty of the EDL device at %s (the driver binding it)",
		 d->usbpath);
	for (;;) {
		if (d->refresh(d) && d->tty[0])
			return true;
		if (mf_remaining_ms(until) <= 0)
			return false;
		edl_wait_due(&w, log, what);
		mf_sleep_ms(LINK_EDL_POLL_MS);
	}
}

/*
 * udev still working on the device: it runs, and has not yet written its
 * database entry (/run/udev/data/cMAJ:MIN, written once the rules ran,
 * the MODE and GROUP of ours included). Before that the node may still
 * be root's 0600 although the rule will open it to the user.
 */
static bool udev_pending(const struct link_edl_dev *d)
{
	char path[LINK_EDL_PATH_MAX + 96], dev[32] = "";
	FILE *f;

	if (strcmp(d->sysroot, "/") != 0 || access("/run/udev/control", F_OK))
		return false;
	snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/dev", d->usbpath);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(dev, sizeof(dev), f))
		dev[0] = '\0';
	fclose(f);
	dev[strcspn(dev, "\n")] = '\0';
	if (!dev[0])
		return false;
	snprintf(path, sizeof(path), "/run/udev/data/c%s", dev);
	return access(path, F_OK) != 0;
}

/* at most this long for udev, of the caller's wait */
#define LINK_EDL_UDEV_MS 5000

/*
 * A device just enumerated that libusb cannot open yet: let udev finish
 * (its rule may give the user the node) before the choice falls to the
 * tty, which loses data when the host is loaded.
 */
static void wait_for_udev(const struct link_edl_dev *d, int wait_ms,
			  const struct mf_log *log)
{
	int64_t until = mf_deadline(
		wait_ms < LINK_EDL_UDEV_MS ? wait_ms : LINK_EDL_UDEV_MS);
	struct edl_wait w;
	char what[160];

	if (usb_accessible(d) || !udev_pending(d))
		return;
	edl_wait_init(&w, wait_ms);
	snprintf(what, sizeof(what), "udev to set up the EDL device at %s",
		 d->usbpath);
	while (mf_remaining_ms(until) > 0 && !usb_accessible(d) &&
	       udev_pending(d)) {
		edl_wait_due(&w, log, what);
		mf_sleep_ms(LINK_EDL_POLL_MS);
	}
	mf_log(log, MF_LOG_TRACE, "%s: udev %s after %lld ms", d->usbpath,
	       udev_pending(d) ? "still busy" : "done",
	       (long long)(mf_now_ms() - w.t0));
}

struct link *link_edl_open(struct link_edl_dev *d, int wait_ms,
			   const struct mf_log *log, struct mf_err *err)
{
	enum link_edl_kind forced = link_edl_from_env();
	enum link_edl_kind k;
	struct link *l;

	if (forced == LINK_EDL_AUTO)
		wait_for_udev(d, wait_ms, log);
	k = link_edl_choose(d, forced);

	if (k == LINK_EDL_USB && !d->tty[0] && forced == LINK_EDL_AUTO &&
	    !usb_accessible(d) && wait_for_tty(d, wait_ms, log))
		k = LINK_EDL_TTY;

	if (k == LINK_EDL_TTY && !d->tty[0]) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV,
			   "module %s is in EDL but has no Sahara tty "
			   "(MODEMFLASH_EDL_LINK=tty)",
			   d->usbpath);
		mf_err_hint(err, "load qcserial (modprobe qcserial), or unset "
				 "MODEMFLASH_EDL_LINK to use libusb");
		return NULL;
	}
	if (k == LINK_EDL_TTY)
		return open_tty(d->tty, wait_ms, log, err);
	mf_log(log, MF_LOG_INFO, "%s: EDL over libusb (interface %d)%s",
	       d->usbpath, d->ifnum, d->tty[0] ? ", its tty detached" : "");
	l = link_usb_open(d->usbpath, d->ifnum, log, err);
	if (l || !d->tty[0] || forced == LINK_EDL_USB)
		return l;
	mf_log(log, MF_LOG_WARN, "%s: libusb failed (%s); using %s", d->usbpath,
	       err->msg, d->tty);
	mf_err_clear(err);
	return open_tty(d->tty, wait_ms, log, err);
}
