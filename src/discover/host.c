// SPDX-License-Identifier: BSD-3-Clause
/*
 * Host-side obstacles: who holds a port open (read from <sysroot>/proc),
 * and whether the mode bits of a node let a user in.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover/discover.h"
#include "discover/join.h"

void mf_usb_node(const char *sysroot, const struct mf_usb_dev *d, char *out,
		 size_t cap)
{
	char abs[64];

	snprintf(abs, sizeof(abs), "/dev/bus/usb/%03d/%03d",
		 d->busnum < 0 ? 0 : d->busnum, d->devnum < 0 ? 0 : d->devnum);
	mf_sysroot_path(sysroot, abs, out, cap);
}

struct dev_names {
	const char *inside;  /* "/dev/ttyUSB2" */
	const char *full;    /* "<sysroot>/dev/ttyUSB2" */
	char real[PATH_MAX]; /* what it resolves to ("/dev/pts/3"), or "" */
};

static bool link_matches(const char *target, const struct dev_names *n)
{
	return !strcmp(target, n->full) ||
	       (n->inside && !strcmp(target, n->inside)) ||
	       (n->real[0] && !strcmp(target, n->real));
}

static void read_comm(const char *piddir, char *out, size_t cap)
{
	char path[MF_PATH_MAX + 16];
	ssize_t n;
	int fd;

	snprintf(out, cap, "?");
	if (mf_join(path, sizeof(path), piddir, "comm") < 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n <= 0) {
		snprintf(out, cap, "?");
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

static bool pid_holds(const char *piddir, const struct dev_names *n)
{
	char fddir[MF_PATH_MAX + 8], link[MF_PATH_MAX + 300], target[PATH_MAX];
	struct dirent *e;
	bool found = false;
	ssize_t len;
	DIR *d;

	if (mf_join(fddir, sizeof(fddir), piddir, "fd") < 0)
		return false;
	d = opendir(fddir);
	if (!d)
		return false; /* gone, or not ours to look at */
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (mf_join(link, sizeof(link), fddir, e->d_name) < 0)
			continue;
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		found = link_matches(target, n);
	}
	closedir(d);
	return found;
}

int mf_port_holders(const char *sysroot, const char *dev, struct mf_holder *out,
		    size_t cap)
{
	char procdir[MF_PATH_MAX], piddir[MF_PATH_MAX + 300], root[MF_PATH_MAX];
	struct dev_names n = { .full = dev };
	size_t rlen, found = 0;
	struct dirent *e;
	DIR *d;

	mf_sysroot_path(sysroot, "", root, sizeof(root));
	rlen = strlen(root);
	if (rlen && !strncmp(dev, root, rlen) && dev[rlen] == '/')
		n.inside = dev + rlen;
	if (!realpath(dev, n.real))
		n.real[0] = '\0';
	mf_sysroot_path(sysroot, "/proc", procdir, sizeof(procdir));
	d = opendir(procdir);
	if (!d)
		return 0;
	while (found < cap && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (!isdigit((unsigned char)e->d_name[0]) || *end || pid <= 0 ||
		    pid == (long)getpid())
			continue;
		if (mf_join(piddir, sizeof(piddir), procdir, e->d_name) < 0)
			continue;
		if (!pid_holds(piddir, &n))
			continue;
		out[found].pid = (pid_t)pid;
		read_comm(piddir, out[found].comm, sizeof(out[found].comm));
		found++;
	}
	closedir(d);
	return (int)found;
}

int mf_node_access(const char *path, uid_t uid, const gid_t *groups,
		   size_t ngroups, struct stat *st_out)
{
	struct stat st;
	mode_t need;

	if (stat(path, &st) < 0)
		return -errno;
	if (st_out)
		*st_out = st;
	if (uid == 0)
		return 0;
	if (st.st_uid == uid) {
		need = S_IRUSR | S_IWUSR;
	} else {
		need = S_IROTH | S_IWOTH;
		for (size_t i = 0; i < ngroups; i++) {
			if (groups[i] == st.st_gid) {
				need = S_IRGRP | S_IWGRP;
				break;
			}
		}
	}
	return (st.st_mode & need) == need ? 0 : -EACCES;
}
