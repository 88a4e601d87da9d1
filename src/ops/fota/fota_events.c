// SPDX-License-Identifier: BSD-3-Clause
/* FOTA: what a run reports to its caller (stages, restarts, URCs). */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "ops/fota/fota_int.h"

void fota_emit(struct fota_run *r, enum fota_event_kind kind, const char *text,
	       const struct fota_msg_urc *urc)
{
	struct fota_event ev = { .kind = kind, .text = text, .urc = urc };

	if (r->o->on_event)
		r->o->on_event(r->o->ctx, &ev);
}

void fota_stage_close(struct fota_run *r, bool ok)
{
	struct fota_event ev = { .kind = FOTA_EV_STAGE_END };

	if (!r->stage[0])
		return;
	ev.text = r->stage;
	ev.start_ms = r->stage_ms;
	ev.end_ms = mf_now_ms() - r->t0_ms;
	/* the bulk of a FOTA is the upload; the rest are AT commands */
	ev.bytes = !strcmp(r->stage, "upload") ? r->up_done : 0;
	ev.ok = ok;
	if (r->o->on_event)
		r->o->on_event(r->o->ctx, &ev);
	r->stage[0] = '\0';
}

void fota_stage(struct fota_run *r, const char *stage)
{
	struct fota_event ev = { .kind = FOTA_EV_STAGE, .text = stage };

	fota_stage_close(r, true);
	snprintf(r->stage, sizeof(r->stage), "%s", stage);
	r->stage_ms = mf_now_ms() - r->t0_ms;
	ev.start_ms = r->stage_ms;
	if (r->o->on_event)
		r->o->on_event(r->o->ctx, &ev);
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
