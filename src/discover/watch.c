// SPDX-License-Identifier: BSD-3-Clause
/*
 * Waiting for the device tree to change instead of sleeping: inotify on
 * <sysroot>/sys/bus/usb/devices and <sysroot>/dev (the simulator's tree,
 * and devtmpfs on a real system, where a tty or usb node appears), plus
 * the kernel's uevent netlink socket when the sysroot is the real root
 * (sysfs itself sends no inotify events). A wait ends at the first change
 * or at its timeout; the caller rescans.
 *
 * Closing an inotify instance that had watches waits for the kernel's
 * fsnotify grace period (SRCU): measured here, one close in four takes 7
 * to 15 ms. A watch's descriptor is closed by a short detached thread, so
 * that a module that is back is not kept waiting for the close of the
 * watch that saw it.
 */
#include "discover/discover.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"

/* with no event source at all: rescan this often (ms) */
#define WATCH_POLL_MS 10

struct mf_watch {
	int ino; /* inotify, -1 if none */
	int nl;	 /* uevent netlink, -1 if none */
	int nwatch;
};

static bool is_real_root(const char *sysroot)
{
	return !sysroot || !sysroot[0] || !strcmp(sysroot, "/");
}

static void add_dir(struct mf_watch *w, const char *sysroot, const char *rel)
{
	char p[4096];
	const uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_TO |
			      IN_MOVED_FROM | IN_ATTRIB | IN_DELETE_SELF;

	snprintf(p, sizeof(p), "%s/%s", is_real_root(sysroot) ? "" : sysroot,
		 rel);
	if (w->ino >= 0 && inotify_add_watch(w->ino, p, mask) >= 0)
		w->nwatch++;
}

struct mf_watch *mf_watch_open(const char *sysroot)
{
	struct mf_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->nl = -1;
	w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	add_dir(w, sysroot, "sys/bus/usb/devices");
	add_dir(w, sysroot, "dev");
	add_dir(w, sysroot, "dev/bus/usb");
	if (is_real_root(sysroot)) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
					  .nl_groups = 1 };

		/* kernel uevents reach unprivileged listeners too */
		w->nl = socket(AF_NETLINK,
			       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       NETLINK_KOBJECT_UEVENT);
		if (w->nl >= 0 &&
		    bind(w->nl, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(w->nl);
			w->nl = -1;
		}
	}
	return w;
}

bool mf_watch_has_events(const struct mf_watch *w)
{
	return w && (w->nwatch > 0 || w->nl >= 0);
}

/* Empty both sources: one change is enough to rescan. */
static void drain(int fd)
{
	char buf[4096];

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int mf_watch_wait(struct mf_watch *w, int timeout_ms)
{
	struct pollfd pfd[2];
	int n = 0, rc;

	if (!mf_watch_has_events(w)) {
		mf_sleep_ms(timeout_ms < 0 || timeout_ms > WATCH_POLL_MS
				    ? WATCH_POLL_MS
				    : timeout_ms);
		return 0;
	}
	if (w->nwatch > 0)
		pfd[n++] = (struct pollfd){ .fd = w->ino, .events = POLLIN };
	if (w->nl >= 0)
		pfd[n++] = (struct pollfd){ .fd = w->nl, .events = POLLIN };
	do
		rc = poll(pfd, (nfds_t)n, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return rc < 0 ? -errno : 0;
	drain(w->ino);
	drain(w->nl);
	return 1;
}

static void *close_fd(void *arg)
{
	close((int)(intptr_t)arg);
	return NULL;
}

/* close(fd) off the caller's path; inline when no thread can be had */
static void close_later(int fd)
{
	pthread_attr_t a;
	pthread_t t;
	int rc;

	if (pthread_attr_init(&a)) {
		close(fd);
		return;
	}
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 * 1024);
	rc = pthread_create(&t, &a, close_fd, (void *)(intptr_t)fd);
	pthread_attr_destroy(&a);
	if (rc)
		close(fd);
}

void mf_watch_close(struct mf_watch *w)
{
	if (!w)
		return;
	if (w->ino >= 0) {
		if (w->nwatch > 0)
			close_later(w->ino);
		else
			close(w->ino);
	}
	if (w->nl >= 0)
		close(w->nl);
	free(w);
}
