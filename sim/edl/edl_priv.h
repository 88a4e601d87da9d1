/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_EDL_EDL_PRIV_H
#define MF_SIM_EDL_EDL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/edl/image.h"
#include "sim/sim.h"

/* One EDL session (sim_edl_new): Sahara device, then Firehose device. */
enum edl_state {
	EDL_IDLE,	  /* not started */
	EDL_HELLO,	  /* HELLO sent, waiting for HELLO_RESP */
	EDL_IMAGE,	  /* READ_DATA sent, receiving raw image bytes */
	EDL_IMAGE_DONE,	  /* END_OF_IMAGE sent, waiting for DONE */
	EDL_IMAGE_FAILED, /* END_OF_IMAGE with an error: RESET only */
	EDL_COMMAND,	  /* command mode */
	EDL_FIREHOSE,	  /* programmer running: XML documents */
	EDL_FH_RAW,	  /* receiving <program> data */
	EDL_DEAD,	  /* link dropped, silent or rebooting */
};

#define EDL_PKT_BUF 256

struct fh_msg_reader;
struct sim_nand;

/*
 * What one real NAND programmer prints and answers (firehose_dev.c has the
 * rows and the logs each follows).
 */
struct fh_texts {
	const char *chip;      /* profile chip: "SDX55", "MDM9207" */
	const char *build;     /* "Apr 19 2020 @ 17:49:11"; NULL: no such log */
	const char *date_time; /* ACK DateTime; NULL: no attribute */
	const char *bbt[2];    /* "[296]", "[298]": the bad block table scan */
	const char *target;    /* ACK TargetName; NULL: no attribute */
	const char *memory;    /* ACK MemoryName: "nand" or "NAND" */
	bool version;	       /* ACK MinVersionSupported="1" Version="1" */
};

struct sim_edl {
	struct sim *s;
	struct sim_port *port;
	const struct sim_profile *p;
	enum edl_state state;
	uint64_t sahara_bytes; /* both directions, for drop:sahara */

	/* Sahara packets being assembled */
	uint8_t pkt[EDL_PKT_BUF];
	size_t npkt;
	uint32_t hello_mode;

	/* programmer upload */
	uint8_t *img;
	size_t img_len; /* bytes allocated and zeroed */
	struct sim_prog_info pi;
	int step;	   /* 0 ELF header, 1 phdrs, 2 segments */
	int seg;	   /* segment being read */
	uint32_t seg_done; /* bytes of it received */
	uint64_t req_off, req_len, req_got;

	/* command mode */
	uint32_t exec_cmd;
	uint8_t exec_data[128];
	uint32_t exec_len;

	/* Firehose */
	struct fh_msg_reader *fh;
	const struct fh_texts *tx;
	bool nand_open;
	uint32_t payload; /* agreed MaxPayloadSizeToTargetInBytes */
	uint64_t xml_bytes, program_bytes, read_bytes, erase_bytes;
	/* <program> raw data */
	uint8_t *page;
	uint32_t page_fill;
	uint64_t raw_page, raw_left;
	struct sim_pace raw_pace; /* the NAND programs while data arrives */
	int raw_err;
	uint64_t raw_err_page;
	bool corrupt; /* garble the next response */
};

/*
 * The phase the control socket's `state` reports in EDL mode: "sahara"
 * or "firehose" (declared for the core in sim/core.h).
 */
const char *sim_edl_phase(const struct sim_edl *e);

/* firehose_dev.c */
const struct fh_texts *fh_texts_for(const char *chip);
void fh_dev_start(struct sim_edl *e);
void fh_dev_input(struct sim_edl *e, const uint8_t *buf, size_t len);
void fh_dev_free(struct sim_edl *e);

/* fh_cmds.c: one handler per command, called from fh_dev_input */
struct fh_msg_event;
void fh_dev_command(struct sim_edl *e, const struct fh_msg_event *ev);
void fh_dev_raw(struct sim_edl *e, const uint8_t *buf, size_t len,
		size_t *used);
/* output helpers (firehose_dev.c) */
void fh_send_log(struct sim_edl *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fh_send_response(struct sim_edl *e, bool ack, bool rawmode_present,
		      bool rawmode, const void *extra, size_t nextra);
struct sim_nand *fh_nand(struct sim_edl *e);
void edl_die(struct sim_edl *e);

/* The module's MSM id (the hwid fault overrides the profile). */
uint32_t edl_msm_id(const struct sim_edl *e);
/* The module's OEM PK hash (the pkhash fault overrides); returns its length. */
size_t edl_pk_hash(const struct sim_edl *e, uint8_t *out, size_t cap);

#endif
