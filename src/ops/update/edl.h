/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_EDL_H
#define MF_OPS_EDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "discover/discover.h"
#include "link/link.h"
#include "proto/firehose.h"
#include "proto/sahara.h"

/*
 * Getting a module into Sahara/Firehose (docs/design.md flash steps 5-7): the
 * DIAG switch on the DM port and the wait for 05c6:9008 on the same
 * physical port, or a module already in EDL; Sahara command mode for the
 * identity, the programmer upload, and the Firehose session.
 */
struct edl_timeouts {
	int enum_ms;  /* DIAG switch -> 9008 on the bus (30000) */
	int hello_ms; /* first Sahara HELLO (8000) */
	/*
	 * The same for a module found in EDL: its HELLO is already waiting,
	 * or a prober took it, or a programmer runs and says nothing until
	 * asked (1500; then sahara_probe() asks).
	 */
	int found_hello_ms;
};

struct edl_session {
	char sysroot[MF_PATH_MAX];
	struct mf_module mod; /* the EDL instance */
	struct link *link;
	bool switched; /* edl_enter() switched it: a fresh boot ROM */
	bool identified;
	struct sahara_identity sid;
	bool firehose_running; /* the programmer already answered */
	bool fh_ready;
	struct fh_session fh;
	struct edl_timeouts t;
	const struct mf_log *log;
	struct mf_err *err;
};

void edl_init(struct edl_session *e, const char *sysroot,
	      const struct mf_log *log, struct mf_err *err);

/*
 * From normal mode: DIAG EDL frame on m's DM port, then follow the module
 * to 05c6:9008 on the same port chain. From EDL: nothing to do. Then open
 * the Sahara port. Returns 0, -ENODEV, -ETIMEDOUT, -EPROTO (err filled).
 */
int edl_enter(struct edl_session *e, const struct mf_module *m);

/*
 * Who answers (sahara_probe): a running programmer sets firehose_running
 * (no Sahara identity then); else Sahara command mode: serial, HW ID, PK
 * hash (0 also when refused). A module that answers nothing: -ETIMEDOUT
 * with the power-cycle hint.
 */
int edl_identify(struct edl_session *e);

/* Upload the programmer (skipped when it already runs), drain its
 * start-up logs and configure NAND. */
int edl_firehose(struct edl_session *e, const char *programmer,
		 const char *memory);

/*
 * After a Firehose command that failed before any write, with the
 * programmer still up (rc -ETIMEDOUT, -EBADMSG, -EREMOTEIO; others leave
 * err alone): the hint says a plain re-run carries on, or reset frees it.
 */
void edl_hint_rerun(struct edl_session *e, int rc);

/*
 * A module in Sahara (after edl_identify) restarted by its boot ROM, when
 * no programmer is at hand for a Firehose reset.
 */
int edl_reset_sahara(struct edl_session *e);

/* Close the port (the module stays where it is). */
void edl_close(struct edl_session *e);

#endif
