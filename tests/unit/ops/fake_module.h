/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_TESTS_FAKE_MODULE_H
#define MF_TESTS_FAKE_MODULE_H

/*
 * A scripted module behind a fake link, for the FOTA operation: answers
 * the AT commands fota uses, takes an AT+QFUPL upload in ACK mode, and
 * plays the +QIND: "FOTA" URCs of an update with its restarts (the link
 * vanishes with -ENODEV; the next open gets a new one; with uart set the
 * link stays, as a UART does, and only the boot reports show a restart).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"

#define FAKE_OUT_MAX 65536

struct fake_module {
	/* configuration */
	const char *model;  /* "BG95-M3" */
	char rev[96];	    /* AT+QGMR */
	const char *target; /* AT+QGMR after a good update */
	uint64_t ufs_free, ufs_total;
	uint64_t stale;	     /* size of an old dfota_update.bin, 0 none */
	long drop_upload_at; /* vanish after this many bytes, -1 never */
	long mute_upload_at; /* go quiet after this many bytes, -1 never */
	bool mute;	     /* the wire is quiet (a dead UART) */
	bool bad_sum;	     /* +QFUPL answers a wrong checksum */
	int end_code;	     /* END,<code> */
	bool power_cut;	     /* lose power once at UPDATING 40% */
	bool no_urcs;	     /* URCs go to another port */
	bool uart;	     /* the link stays across restarts */
	int http_end;	     /* --url: HTTPEND,<code> */
	/* state */
	unsigned gen; /* bumps at each restart */
	bool opened_once;
	int fota_step; /* position in the URC script, -1 idle */
	bool uploading;
	uint64_t up_size, up_got;
	uint16_t up_sum;
	uint8_t up_odd;
	bool up_has_odd;
	bool file_present;
	char cmd[512];
	size_t cmd_len;
	uint8_t out[FAKE_OUT_MAX];
	size_t out_len;
	/* what the host did */
	int n_qfupl, n_qfdel, n_qfotadl, n_open;
	char last_qfotadl[300];
};

void fake_module_init(struct fake_module *m);

/* fota_opts.open */
struct link *fake_module_open(const char *path, const struct mf_log *log,
			      struct mf_err *err, void *ctx);

#endif
