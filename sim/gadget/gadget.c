// SPDX-License-Identifier: BSD-3-Clause
/*
 * The configfs side: one gadget, one configuration, one FunctionFS function
 * per interface of the simulated device (in interface order, so that the
 * composite layer numbers them as the tree does). Bringing it up forks the
 * pump process (pump.c), which writes the descriptors; only then is the UDC
 * bound. Taking it down unbinds the UDC first (the host sees an unplug),
 * kills the pump process (the kernel closes every endpoint file) and
 * removes what was made, tolerating half-made state so that it can also
 * clean up after a crashed run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/gadget/bridge.h"

#define READY_MS 5000

static int fmt(char *buf, size_t cap, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static int fmt(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, cap, f, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= cap) ? -ENAMETOOLONG : 0;
}

static int put_attr(const char *dir, const char *name, const char *val)
{
	char p[BR_PATH + 64];
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	if (fmt(p, sizeof(p), "%s/%s", dir, name))
		return -ENAMETOOLONG;
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

static int mk(const char *path)
{
	return (mkdir(path, 0755) && errno != EEXIST) ? -errno : 0;
}

static void gadget_dir(const struct br_opts *o, char *buf, size_t cap)
{
	fmt(buf, cap, "%s/usb_gadget/%s", o->configfs, o->name);
}

/* The UDC to bind: the one asked for, or the first the kernel lists. */
static int find_udc(const struct br_opts *o, char *buf, size_t cap)
{
	struct dirent *de;
	DIR *d;

	if (o->udc)
		return fmt(buf, cap, "%s", o->udc);
	d = opendir("/sys/class/udc");
	if (!d)
		return -ENODEV;
	buf[0] = 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && !buf[0])
			fmt(buf, cap, "%s", de->d_name);
	closedir(d);
	return buf[0] ? 0 : -ENODEV;
}

static int build_identity(const struct br_dev *d, const char *g)
{
	char p[BR_PATH + 64], v[16];
	int err = 0;

	snprintf(v, sizeof(v), "0x%04x", d->vid);
	err = err ?: put_attr(g, "idVendor", v);
	snprintf(v, sizeof(v), "0x%04x", d->pid);
	err = err ?: put_attr(g, "idProduct", v);
	snprintf(v, sizeof(v), "0x%04x", d->bcd);
	err = err ?: put_attr(g, "bcdDevice", v);
	err = err ?: put_attr(g, "bcdUSB", "0x0200");
	if (err || fmt(p, sizeof(p), "%s/strings/0x409", g))
		return err ?: -ENAMETOOLONG;
	err = mk(p);
	err = err ?: put_attr(p, "manufacturer", d->manufacturer);
	err = err ?: put_attr(p, "product", d->product);
	/* no serialnumber attribute at all for a device without one (05c6:9008) */
	if (!err && d->has_serial)
		err = put_attr(p, "serialnumber", d->serial);
	if (err || fmt(p, sizeof(p), "%s/configs/c.1", g))
		return err ?: -ENAMETOOLONG;
	err = mk(p);
	err = err ?: put_attr(p, "MaxPower", "500");
	if (err || fmt(p, sizeof(p), "%s/configs/c.1/strings/0x409", g))
		return err ?: -ENAMETOOLONG;
	err = mk(p);
	return err ?: put_attr(p, "configuration", "modemflash-sim");
}

static int build_function(const struct br_opts *o, const char *g, size_t i)
{
	char fn[BR_PATH + 64], ln[BR_PATH + 64], mnt[BR_PATH + 64], inst[64];
	int err;

	snprintf(inst, sizeof(inst), "%s%zu", o->name, i);
	if (fmt(fn, sizeof(fn), "%s/functions/ffs.%s", g, inst) ||
	    fmt(ln, sizeof(ln), "%s/configs/c.1/ffs.%s", g, inst) ||
	    fmt(mnt, sizeof(mnt), "%s/%s", o->ffs_dir, inst))
		return -ENAMETOOLONG;
	err = mk(fn);
	if (err)
		return err;
	if (symlink(fn, ln) && errno != EEXIST)
		return -errno;
	err = mk(o->ffs_dir) ?: mk(mnt);
	if (err)
		return err;
	if (mount(inst, mnt, "functionfs", 0, NULL) && errno != EBUSY)
		return -errno;
	return 0;
}

/* Wait for the pump process to report its descriptors written. */
static int wait_ready(int fd, int pid)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c = 0;

	if (poll(&pfd, 1, READY_MS) <= 0)
		return -ETIMEDOUT;
	if (read(fd, &c, 1) != 1 || c != 'R')
		return -EIO;
	return waitpid(pid, NULL, WNOHANG) == 0 ? 0 : -ECHILD;
}

static int start_pump(const struct br_opts *o, const struct br_dev *d,
		      struct br_gadget *g)
{
	int fds[2], err, pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		close(fds[0]);
		_exit(br_pump_run(o, d, fds[1]) ? 1 : 0);
	}
	close(fds[1]);
	g->pid = pid;
	err = wait_ready(fds[0], pid);
	close(fds[0]);
	return err;
}

int br_gadget_up(const struct br_opts *o, const struct br_dev *d,
		 struct br_gadget *g)
{
	char gd[BR_PATH];
	size_t i;
	int err;

	memset(g, 0, sizeof(*g));
	gadget_dir(o, gd, sizeof(gd));
	err = mk(gd);
	if (err) {
		br_log(o,
		       "cannot create %s: %s (configfs mounted? libcomposite "
		       "loaded?)",
		       gd, strerror(-err));
		return err;
	}
	g->built = true;
	err = build_identity(d, gd);
	for (i = 0; !err && i < d->nifs; i++, g->nfunc++)
		err = build_function(o, gd, i);
	if (err) {
		br_log(o, "gadget setup failed: %s (usb_f_fs loaded?)",
		       strerror(-err));
		return err;
	}
	err = start_pump(o, d, g);
	if (err) {
		br_log(o, "pump process did not start: %s", strerror(-err));
		return err;
	}
	err = find_udc(o, g->udc, sizeof(g->udc));
	err = err ?: put_attr(gd, "UDC", g->udc);
	if (err) {
		br_log(o, "cannot bind UDC %s: %s (dummy_hcd loaded?)", g->udc,
		       strerror(-err));
		return err;
	}
	g->bound = true;
	br_log(o, "%04x:%04x (%zu interfaces, devnum %d in the tree) on %s",
	       d->vid, d->pid, d->nifs, d->devnum, g->udc);
	return 0;
}

static void remove_function(const struct br_opts *o, const char *gd, size_t i)
{
	char p[BR_PATH + 64];

	if (!fmt(p, sizeof(p), "%s/configs/c.1/ffs.%s%zu", gd, o->name, i))
		unlink(p);
	if (!fmt(p, sizeof(p), "%s/%s%zu", o->ffs_dir, o->name, i)) {
		umount2(p, MNT_DETACH);
		rmdir(p);
	}
	if (!fmt(p, sizeof(p), "%s/functions/ffs.%s%zu", gd, o->name, i))
		rmdir(p);
}

#define BR_LAST_WORDS_MS 300

void br_gadget_down(const struct br_opts *o, struct br_gadget *g)
{
	static const char *const dirs[] = { "configs/c.1/strings/0x409",
					    "configs/c.1", "strings/0x409",
					    "" };
	char gd[BR_PATH], p[BR_PATH + 64];
	size_t i;

	gadget_dir(o, gd, sizeof(gd));
	/*
	 * The simulator drops off once its pty is drained, but the pump may
	 * still hold its last answer (a <power> ACK) for the host's next IN
	 * transfer: let it go out, as a device's controller sends its last
	 * packet before the reset does.
	 */
	if (g->bound && g->pid > 0)
		usleep(BR_LAST_WORDS_MS * 1000);
	/* unbind first: the host sees the device go, like a module resetting */
	put_attr(gd, "UDC", "\n");
	if (g->pid > 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	for (i = 0; i < BR_MAX_IFACES; i++)
		remove_function(o, gd, i);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!fmt(p, sizeof(p), "%s/%s", gd, dirs[i]))
			rmdir(p);
	if (g->bound)
		br_log(o, "unbound from %s", g->udc);
	memset(g, 0, sizeof(*g));
}
