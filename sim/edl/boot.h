/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_EDL_BOOT_H
#define MF_SIM_EDL_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/edl/image.h"
#include "sim/sim.h"

/*
 * The pure parts of boot.c (no struct sim): testable with a profile and a
 * NAND alone. sim_boot_check() and friends in sim.h wrap them.
 */

/* Read and verify the image at the start of partition pt. */
int sim_boot_read_image(struct sim_nand *n, const struct sim_part *pt,
			struct sim_img_hdr *h);

/* The boot ROM's decision; *why is a short reason for debug output. */
enum sim_boot sim_boot_decide(const struct sim_profile *p, struct sim_nand *n,
			      bool boot_pin, char *revision, size_t cap,
			      const char **why);

/* Erase everything and write a factory build of revision/variant. */
int sim_provision(const struct sim_profile *p, struct sim_nand *n,
		  const char *revision, const char *variant);

/* Change the revision recorded in the modem image header (FOTA). */
int sim_set_revision(const struct sim_profile *p, struct sim_nand *n,
		     const char *revision);

#endif
