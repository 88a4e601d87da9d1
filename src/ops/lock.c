// SPDX-License-Identifier: BSD-3-Clause
/* The per-module claim: flock() on a file per physical USB position. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <sys/locking.h>
#else
#include <sys/file.h>
#endif

#include "base/clock.h"
#include "discover/discover.h"
#include "ops/lock.h"

#define LOCK_PREFIX "modemflash-"
#define LOCK_SUFFIX ".lock"
#define LOCK_TRIES  8

struct lock_file {
	int fd; /* -1: none */
	char path[MF_PATH_MAX + 80];
};

struct mf_lock {
	struct lock_file key, serial;
	struct mf_lock_who me;
};

static int mkdirs(const char *path)
{
	char tmp[MF_PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The folder; made when create (a claim), only looked up for a query. */
static int lock_dir(const char *sysroot, bool create, char *out, size_t cap)
{
	const char *env = getenv("MODEMFLASH_LOCK_DIR");

	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return create ? mkdirs(out) : 0;
	}
	if (sysroot && *sysroot && strcmp(sysroot, "/")) {
		mf_sysroot_path(sysroot, "/run/lock", out, cap);
		return create ? mkdirs(out) : 0;
	}
	/* FHS: /run/lock is for everyone's device locks (1777 on Debian) */
	if (!access("/run/lock", W_OK)) {
		snprintf(out, cap, "/run/lock");
		return 0;
	}
	env = getenv("XDG_RUNTIME_DIR");
#ifdef _WIN32
	if (!env || !*env)
		env = getenv("TEMP"); /* per user, as runs there are */
#endif
	if (env && *env && !access(env, W_OK)) {
		snprintf(out, cap, "%s", env);
		return 0;
	}
	return -EACCES;
}

int mf_lock_dir(const char *sysroot, char *out, size_t cap)
{
	return lock_dir(sysroot, true, out, cap);
}

static int try_lock(int fd)
{
#ifdef _WIN32
	/* a byte-range lock, released when the handle closes */
	if (lseek(fd, 0, SEEK_SET) < 0 || _locking(fd, _LK_NBLCK, 1))
		return errno == EACCES || errno == EDEADLOCK ? -EWOULDBLOCK
							     : -errno;
	return 0;
#else
	if (flock(fd, LOCK_EX | LOCK_NB))
		return errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
	return 0;
#endif
}

static void parse_who(const char *text, struct mf_lock_who *w)
{
	const char *p = text;

	memset(w, 0, sizeof(*w));
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		if (!strncmp(p, "pid=", 4))
			w->pid = strtol(p + 4, NULL, 10);
		else if (!strncmp(p, "module=", 7))
			snprintf(w->module, sizeof(w->module), "%.*s", n - 7,
				 p + 7);
		else if (!strncmp(p, "command=", 8))
			snprintf(w->command, sizeof(w->command), "%.*s", n - 8,
				 p + 8);
		else if (!strncmp(p, "serial=", 7))
			snprintf(w->serial, sizeof(w->serial), "%.*s", n - 7,
				 p + 7);
		p = nl ? nl + 1 : NULL;
	}
	if (w->pid < 0)
		w->pid = 0;
}

/*
 * The holder's note; it writes it just after taking the lock, so an empty
 * file is read again for a moment.
 */
static void read_who(int fd, struct mf_lock_who *w)
{
	char buf[1024];

	for (int i = 0; i < 10; i++) {
		ssize_t n;

		if (lseek(fd, 0, SEEK_SET) < 0)
			break;
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			parse_who(buf, w);
			if (w->pid)
				return;
		}
		mf_sleep_ms(20);
	}
	memset(w, 0, sizeof(*w));
}

static void write_who(const struct lock_file *f, const struct mf_lock_who *w)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "pid=%ld\nmodule=%s\ncommand=%s\n%s%s%s",
		     w->pid, w->module, w->command,
		     w->serial[0] ? "serial=" : "", w->serial,
		     w->serial[0] ? "\n" : "");
	if (n < 0 || lseek(f->fd, 0, SEEK_SET) < 0 || ftruncate(f->fd, 0))
		return;
	/* a note for the humans and the refusal; the lock itself is flock */
	if (write(f->fd, buf, (size_t)n) != n)
		return;
}

/*
 * Take path. 0 (f->fd set), -EWOULDBLOCK with *who (the holder), or
 * another negative errno. A holder removes the file before it unlocks, so
 * a lock won on a file that is no longer the one at path is tried again.
 */
static int take(struct lock_file *f, const char *path, struct mf_lock_who *who)
{
	for (int i = 0; i < LOCK_TRIES; i++) {
		struct stat a, b;
		int fd, rc;

		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0644);
		if (fd < 0 &&
		    errno == EACCES) /* another user's: still lockable */
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return -errno;
		rc = try_lock(fd);
		if (rc == -EWOULDBLOCK) {
			read_who(fd, who);
			close(fd);
			return rc;
		}
		if (rc) {
			close(fd);
			return rc;
		}
		if (fstat(fd, &a) || stat(path, &b) || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev) {
			close(fd);
			continue;
		}
		f->fd = fd;
		snprintf(f->path, sizeof(f->path), "%s", path);
		return 0;
	}
	return -EAGAIN;
}

static void drop(struct lock_file *f)
{
	if (f->fd < 0)
		return;
	unlink(f->path);
	close(f->fd);
	f->fd = -1;
}

int mf_lock_busy(const struct mf_lock_who *who, const char *usbpath,
		 struct mf_err *err)
{
	const char *mod = who->module[0] ? who->module : usbpath;
	char pid[32] = "";

	if (who->pid)
		snprintf(pid, sizeof(pid), " (pid %ld)", who->pid);
	mf_err_set(err, MF_FAILED, -EBUSY,
		   "another modemflash%s is updating %s%s%s%s", pid, mod,
		   who->command[0] ? " (" : "", who->command,
		   who->command[0] ? ")" : "");
	if (who->pid)
		mf_err_hint(err,
			    "wait until it ends, or stop it with kill -INT %ld "
			    "(it stops where a re-run continues); this run "
			    "sent nothing to the module",
			    who->pid);
	else
		mf_err_hint(err, "wait until it ends; this run sent nothing "
				 "to the module");
	return -EBUSY;
}

static int lock_fail(int rc, const char *what, struct mf_err *err)
{
	mf_err_set(err, MF_FAILED, rc, "cannot take the lock %s: %s", what,
		   strerror(-rc));
	mf_err_hint(err, "set MODEMFLASH_LOCK_DIR to a writable folder (the "
			 "default is /run/lock, else $XDG_RUNTIME_DIR)");
	return rc;
}

static int lock_key(const char *sysroot, const char *key, const char *shown,
		    const char *command, struct mf_lock **out,
		    struct mf_err *err)
{
	char dir[MF_PATH_MAX], path[MF_PATH_MAX + 80];
	struct mf_lock_who who;
	struct mf_lock *l;
	int rc;

	*out = NULL;
	rc = mf_lock_dir(sysroot, dir, sizeof(dir));
	if (rc)
		return lock_fail(rc, "folder", err);
	snprintf(path, sizeof(path), "%s/" LOCK_PREFIX "%s" LOCK_SUFFIX, dir,
		 key);
	l = calloc(1, sizeof(*l));
	if (!l)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	l->key.fd = l->serial.fd = -1;
	rc = take(&l->key, path, &who);
	if (rc == -EWOULDBLOCK) {
		free(l);
		return mf_lock_busy(&who, shown, err);
	}
	if (rc) {
		free(l);
		return lock_fail(rc, path, err);
	}
	l->me.pid = (long)getpid();
	snprintf(l->me.module, sizeof(l->me.module), "%s", shown);
	snprintf(l->me.command, sizeof(l->me.command), "%s", command);
	write_who(&l->key, &l->me);
	*out = l;
	return 0;
}

int mf_lock_module(const char *sysroot, const char *usbpath,
		   const char *command, struct mf_lock **out,
		   struct mf_err *err)
{
	char key[160];

	mf_usb_phys_key(sysroot, usbpath, key, sizeof(key));
	return lock_key(sysroot, key, usbpath, command, out, err);
}

int mf_lock_port(const char *sysroot, const char *port, const char *command,
		 struct mf_lock **out, struct mf_err *err)
{
	struct stat st;
	char key[64];

	/* the node, however it is named (/dev/ttyS0, a by-id link); none:
	 * nothing to claim, and opening it will say why */
	*out = NULL;
	if (stat(port, &st))
		return 0;
	snprintf(key, sizeof(key), "tty-%llu",
		 (unsigned long long)(S_ISCHR(st.st_mode) ? st.st_rdev
							  : st.st_ino));
	return lock_key(sysroot, key, port, command, out, err);
}

int mf_lock_add_serial(struct mf_lock *l, const char *serial,
		       struct mf_err *err)
{
	char path[MF_PATH_MAX + 80], *slash;
	struct mf_lock_who who;
	int rc;

	if (!l || !serial || !*serial || l->serial.fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s", l->key.path);
	slash = strrchr(path, '/');
	if (!slash)
		return 0;
	snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path),
		 LOCK_PREFIX "serial-%.20s" LOCK_SUFFIX, serial);
	rc = take(&l->serial, path, &who);
	if (rc == -EWOULDBLOCK)
		return mf_lock_busy(&who, l->me.module, err);
	if (rc)
		return lock_fail(rc, path, err);
	snprintf(l->me.serial, sizeof(l->me.serial), "%s", serial);
	write_who(&l->serial, &l->me);
	write_who(&l->key, &l->me);
	return 0;
}

void mf_lock_release(struct mf_lock *l)
{
	if (!l)
		return;
	drop(&l->serial);
	drop(&l->key);
	free(l);
}

/* Is the lock at path held? true with *who. */
static bool probe(const char *path, struct mf_lock_who *who)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc;

	if (fd < 0)
		return false;
	rc = try_lock(fd);
	if (rc == -EWOULDBLOCK)
		read_who(fd, who);
	close(fd); /* a lock we took here goes with the descriptor */
	return rc == -EWOULDBLOCK;
}

bool mf_lock_holder(const char *sysroot, const char *usbpath,
		    struct mf_lock_who *who)
{
	char dir[MF_PATH_MAX], path[MF_PATH_MAX + 240], key[160];

	if (lock_dir(sysroot, false, dir, sizeof(dir)))
		return false;
	mf_usb_phys_key(sysroot, usbpath, key, sizeof(key));
	snprintf(path, sizeof(path), "%s/" LOCK_PREFIX "%s" LOCK_SUFFIX, dir,
		 key);
	return probe(path, who);
}

size_t mf_lock_holders(const char *sysroot, const char *chain,
		       struct mf_lock_who *out, size_t cap)
{
	char dir[MF_PATH_MAX], path[MF_PATH_MAX + 300];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (lock_dir(sysroot, false, dir, sizeof(dir)))
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while (n < cap && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct mf_lock_who w;

		if (strncmp(de->d_name, LOCK_PREFIX, strlen(LOCK_PREFIX)) ||
		    len < strlen(LOCK_SUFFIX) ||
		    strcmp(de->d_name + len - strlen(LOCK_SUFFIX),
			   LOCK_SUFFIX) ||
		    !strncmp(de->d_name, LOCK_PREFIX "serial-",
			     strlen(LOCK_PREFIX "serial-")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!probe(path, &w))
			continue;
		if (chain && *chain && w.module[0] &&
		    strcmp(mf_usb_chain(w.module), chain))
			continue;
		out[n++] = w;
	}
	closedir(d);
	return n;
}
