// SPDX-License-Identifier: BSD-3-Clause
/*
 * Windows siblings of discover/host.c: there is no /proc to name the
 * programs holding a port, and no device-node mode bits. A busy COM port
 * is reported by link/com_win.c when CreateFile is refused.
 */
#include <errno.h>
#include <stdio.h>

#include "discover/discover.h"

void mf_usb_node(const char *sysroot, const struct mf_usb_dev *d, char *out,
		 size_t cap)
{
	(void)sysroot;
	snprintf(out, cap, "usb:%s", d->path);
}

int mf_port_holders(const char *sysroot, const char *dev, struct mf_holder *out,
		    size_t cap)
{
	(void)sysroot, (void)dev, (void)out, (void)cap;
	return 0;
}

int mf_node_access(const char *path, uid_t uid, const gid_t *groups,
		   size_t ngroups, struct stat *st_out)
{
	(void)uid, (void)groups, (void)ngroups;
	if (stat(path, st_out) != 0)
		return -ENOENT;
	return 0;
}
