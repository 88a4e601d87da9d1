// SPDX-License-Identifier: BSD-3-Clause
/*
 * tty link: serial ports, USB serial (qcserial/option ttyUSBn) and ptys.
 *
 * The port goes raw before anything is read: a fresh ttyUSB starts with
 * ECHO on, and the kernel would echo the device's Sahara HELLO straight
 * back to it (docs/usbvm.md).
 */
#include "link/link.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/clock.h"

struct tty_link {
	struct link link; /* first: the ops receive &link */
	int fd;
	char path[256];
	dev_t rdev;
};

static struct tty_link *to_tty(struct link *l)
{
	return (struct tty_link *)l;
}

/* The node vanished or was replaced (re-enumeration): the device is gone. */
static bool tty_node_gone(struct tty_link *t)
{
	struct stat st;

	if (stat(t->path, &st) < 0)
		return true;
	return st.st_rdev != t->rdev;
}

static int tty_poll(struct tty_link *t, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = t->fd, .events = events };
	int64_t deadline = mf_deadline(timeout_ms);

	for (;;) {
		int left = mf_remaining_ms(deadline);
		/* wake up now and then to notice a vanished node */
		int slice = (left < 0 || left > 250) ? 250 : left;
		int n = poll(&pfd, 1, slice);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0) {
			if (pfd.revents & events)
				return 0;
			if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
				return -ENODEV;
		}
		if (tty_node_gone(t))
			return -ENODEV;
		if (mf_remaining_ms(deadline) == 0)
			return -ETIMEDOUT;
	}
}

static int tty_errno(int e)
{
	if (e == EIO || e == ENXIO || e == ENODEV || e == EPIPE)
		return -ENODEV;
	return -e;
}

static int tty_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct tty_link *t = to_tty(l);

	for (;;) {
		ssize_t n = read(t->fd, buf, len);
		int ret;

		if (n > 0) {
			mf_log_hex(l->log, "<-", buf, (size_t)n);
			return (int)n;
		}
		if (n == 0) /* end of file: the other side hung up */
			return -ENODEV;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return tty_errno(errno);
		ret = tty_poll(t, POLLIN, timeout_ms);
		if (ret < 0)
			return ret;
	}
}

/*
 * A device that stops reading fills the line's buffer and the write
 * waits for room, up to timeout_ms: in MF_WAIT_REPORT_MS slices, each one
 * that ends still blocked said on the link's log (mf_waiting).
 */
static int tty_write(struct link *l, const void *buf, size_t len,
		     int timeout_ms)
{
	struct tty_link *t = to_tty(l);
	int64_t t0 = mf_now_ms(), deadline = mf_deadline(timeout_ms);
	int64_t report = t0 + MF_WAIT_REPORT_MS;
	const uint8_t *p = buf;
	size_t done = 0;

	mf_log_hex(l->log, "->", buf, len);
	while (done < len) {
		ssize_t n = write(t->fd, p + done, len - done);
		int ret, left, due;

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return tty_errno(errno);
		left = mf_remaining_ms(deadline);
		due = mf_remaining_ms(report);
		if (left < 0 || due < left) {
			ret = due ? tty_poll(t, POLLOUT, due) : -ETIMEDOUT;
			if (ret == -ETIMEDOUT) {
				char what[sizeof(t->path) + 128];

				snprintf(what, sizeof(what),
					 "%s to take our bytes (%zu of %zu "
					 "written; the module reads nothing)",
					 t->path, done, len);
				mf_waiting(l->log, what, mf_now_ms() - t0,
					   timeout_ms);
				report += MF_WAIT_REPORT_MS;
				continue;
			}
		} else {
			ret = tty_poll(t, POLLOUT, left);
		}
		if (ret < 0)
			return ret;
	}
	return (int)len;
}

static void tty_close(struct link *l)
{
	struct tty_link *t = to_tty(l);

	if (t->fd >= 0)
		close(t->fd); /* also drops the flock */
	free(t);
}

static const struct link_ops tty_ops = {
	.read = tty_read,
	.write = tty_write,
	.close = tty_close,
};

static int tty_make_raw(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio) < 0)
		return -errno;
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, B115200);
	cfsetospeed(&tio, B115200);
	if (tcsetattr(fd, TCSANOW, &tio) < 0)
		return -errno;
	/*
	 * No flush: an EDL device sends its Sahara HELLO as soon as the port
	 * opens and never repeats it, so bytes already queued are kept. If
	 * the line discipline mangled them before raw mode, the protocol
	 * layer resynchronises (docs/usbvm.md, finding 1).
	 */
	return 0;
}

/* Does /proc/<pid>/fd/<n> point at our character device? */
static bool fd_is_dev(const char *fdpath, dev_t rdev)
{
	struct stat st;

	if (stat(fdpath, &st) < 0)
		return false;
	return S_ISCHR(st.st_mode) && st.st_rdev == rdev;
}

static bool pid_holds(const char *pid, dev_t rdev)
{
	char dir[64];
	struct dirent *de;
	DIR *d;
	bool found = false;

	snprintf(dir, sizeof(dir), "/proc/%.32s/fd", pid);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char p[320];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%.64s", dir, de->d_name);
		found = fd_is_dev(p, rdev);
	}
	closedir(d);
	return found;
}

static void pid_comm(const char *pid, char *out, size_t cap)
{
	char p[64];
	FILE *f;

	snprintf(out, cap, "?");
	snprintf(p, sizeof(p), "/proc/%.32s/comm", pid);
	f = fopen(p, "r");
	if (!f)
		return;
	if (fgets(out, (int)cap, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/*
 * Name the process (other than us) that has the device open: "ModemManager
 * (pid 812)". Empty when none is found (other user's /proc is unreadable).
 */
static void find_holder(dev_t rdev, char *out, size_t cap)
{
	struct dirent *de;
	char self[16];
	DIR *d = opendir("/proc");

	out[0] = '\0';
	if (!d)
		return;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while ((de = readdir(d))) {
		char comm[64];

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (!strcmp(de->d_name, self) || !pid_holds(de->d_name, rdev))
			continue;
		pid_comm(de->d_name, comm, sizeof(comm));
		snprintf(out, cap, "%.60s (pid %.32s)", comm, de->d_name);
		break;
	}
	closedir(d);
}

static int tty_busy(const char *path, dev_t rdev, struct mf_err *err)
{
	char holder[128];

	find_holder(rdev, holder, sizeof(holder));
	if (!holder[0]) {
		mf_err_set(err, MF_FAILED, -EBUSY,
			   "%s is locked by another process", path);
		mf_err_hint(err, "close the program using it (fuser -v %s)",
			    path);
		return -EBUSY;
	}
	mf_err_set(err, MF_FAILED, -EBUSY, "%s is in use by %s", path, holder);
	if (strstr(holder, "ModemManager"))
		/*
		 * ops/ inhibits the module through ModemManager before it
		 * opens a port; MM still holding one means that found no
		 * MM modem for this port (another bus, an unlisted port)
		 */
		mf_err_hint(err,
			    "modemflash asks ModemManager over D-Bus to leave "
			    "the module alone, but MM lists no modem on this "
			    "port: sudo systemctl stop ModemManager for the "
			    "update (modemflash doctor shows what MM says)");
	else
		mf_err_hint(err, "stop %s while flashing", holder);
	return -EBUSY;
}

static int tty_open_fail(const char *path, int e, struct mf_err *err)
{
	if (e == EACCES || e == EPERM) {
		mf_err_set(err, MF_FAILED, -EACCES,
			   "permission denied opening %s", path);
		/* the same story as doctor's (README "Permissions") */
		mf_err_hint(err, "serial ports belong to group dialout: sudo "
				 "usermod -aG dialout $USER, then log in "
				 "again (modemflash doctor checks every port)");
		return -EACCES;
	}
	if (e == ENOENT || e == ENXIO || e == ENODEV) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV, "%s does not exist",
			   path);
		mf_err_hint(err, "check that the module is connected and "
				 "powered (modemflash list)");
		return -ENODEV;
	}
	return mf_err_set(err, MF_FAILED, -e, "cannot open %s: %s", path,
			  strerror(e));
}

struct link *link_tty_open(const char *path, const struct mf_log *log,
			   struct mf_err *err)
{
	struct tty_link *t;
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		tty_open_fail(path, errno, err);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		mf_err_set(err, MF_FAILED, -errno, "cannot stat %s", path);
		goto out_close;
	}
	/* lock before touching the settings of a port someone else uses */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		tty_busy(path, st.st_rdev, err);
		goto out_close;
	}
	/* raw at once, before the line discipline can echo anything */
	ret = tty_make_raw(fd);
	if (ret < 0) {
		/* not a port at all: "no port found", exit 4 everywhere */
		mf_err_set(err, MF_NO_DEVICE, ret,
			   "%s is not a serial port: %s", path, strerror(-ret));
		goto out_close;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out_close;
	}
	t->fd = fd;
	t->rdev = st.st_rdev;
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->link.ops = &tty_ops;
	t->link.kind = LINK_TTY;
	snprintf(t->link.name, sizeof(t->link.name), "%s", path);
	t->link.log = log;
	return &t->link;

out_close:
	close(fd);
	return NULL;
}
