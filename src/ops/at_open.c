// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>

#include "link/link.h"
#include "ops/at_open.h"

int ops_at_open(const char *dev, struct at_port *at, const struct mf_log *log,
		struct mf_err *err)
{
	struct link *l = link_tty_open(dev, log, err);
	int rc;

	at->link = NULL;
	if (!l)
		return err->code ? err->code : -EIO;
	rc = at_open(at, l, log, err);
	if (rc < 0) {
		link_close(l);
		at->link = NULL;
	}
	return rc;
}

int ops_at_open_module(const struct mf_module *m, struct at_port *at,
		       const struct mf_log *log, struct mf_err *err)
{
	const struct mf_port *p = mf_module_port(m, MF_ROLE_AT);

	at->link = NULL;
	if (!p || !p->dev[0])
		return mf_err_set(err, MF_NO_DEVICE, -ENODEV,
				  "module %s has no AT port", m->usb.path);
	return ops_at_open(p->dev, at, log, err);
}

void ops_at_close(struct at_port *at)
{
	link_close(at->link);
	at->link = NULL;
}
