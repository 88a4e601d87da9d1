// SPDX-License-Identifier: BSD-3-Clause
/*
 * Weak stand-ins for the EDL side (sim/edl/): the real definitions there
 * override them at link time. They let the core run in normal mode alone.
 */
#include <stdio.h>

#include "sim/core.h"

__attribute__((weak)) struct sim_nand *sim_nand_open(const char *path,
						     uint32_t page_size,
						     uint32_t pages_per_block,
						     uint32_t total_blocks)
{
	return NULL;
}

__attribute__((weak)) void sim_nand_close(struct sim_nand *n)
{
}

__attribute__((weak)) int sim_nand_provision(struct sim *s,
					     const char *revision)
{
	return 0;
}

__attribute__((weak)) int sim_nand_set_revision(struct sim *s,
						const char *revision)
{
	return 0;
}

/* Without a boot ROM: always normal mode, the revision the core tracks. */
__attribute__((weak)) enum sim_boot sim_boot_check(struct sim *s, bool boot_pin,
						   char *revision, size_t cap)
{
	if (s->revision[0])
		snprintf(revision, cap, "%s", s->revision);
	else
		snprintf(revision, cap, "%s_%s", s->prof->baseline,
			 s->prof->default_version);
	return boot_pin ? SIM_BOOT_EDL : SIM_BOOT_NORMAL;
}

__attribute__((weak)) struct sim_edl *sim_edl_new(struct sim *s,
						  struct sim_port *port)
{
	return NULL;
}

__attribute__((weak)) void sim_edl_start(struct sim_edl *e)
{
}

__attribute__((weak)) void sim_edl_input(struct sim_edl *e, const uint8_t *buf,
					 size_t len)
{
}

__attribute__((weak)) void sim_edl_free(struct sim_edl *e)
{
}

__attribute__((weak)) const char *sim_edl_phase(const struct sim_edl *e)
{
	return "sahara";
}
