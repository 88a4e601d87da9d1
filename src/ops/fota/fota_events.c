// SPDX-License-Identifier: BSD-3-Clause
/* FOTA: what a run reports to its caller (stages, restarts, URCs). */
#include "ops/fota/fota_int.h"

void fota_emit(struct fota_run *r, enum fota_event_kind kind, const char *text,
	       const struct fota_msg_urc *urc)
{
	struct fota_event ev = { .kind = kind, .text = text, .urc = urc };

	if (r->o->on_event)
		r->o->on_event(r->o->ctx, &ev);
}

void fota_stage(struct fota_run *r, const char *stage)
{
	fota_emit(r, FOTA_EV_STAGE, stage, NULL);
}

void fota_restart_seen(struct fota_run *r, const char *how, bool vanished)
{
	if (!vanished && r->boot_pending) {
		r->boot_pending = false;
		return;
	}
	r->boot_pending = vanished;
	r->res->reboots++;
	if (r->after_end)
		r->rebooted = true;
	fota_emit(r, FOTA_EV_RESTART, how, NULL);
}
