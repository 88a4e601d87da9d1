/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_TEST_SIM_CORE_DOUBLE_H
#define MF_TEST_SIM_CORE_DOUBLE_H

/*
 * Test double of the simulator core (the functions sim.h says the core
 * provides), so the EDL side can be tested without the process around it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

struct sim {
	const struct sim_profile *p;
	struct sim_nand *nand;
	char state_dir[256];
	const char
		*faults[8]; /* "nak:program", "hwid:0x...", "drop:sahara:100" */
	bool spent[8];
	uint8_t *out; /* everything the device wrote */
	size_t out_len, out_cap;
	int requests[8];
	size_t nrequests;
	bool dropped;
	bool stalled; /* sim_port_stall(): the device reads no more */
	double slept;
	/* sim_port_flush: calls, bytes written since the last one, the most
	 * ever written between two, and what it returns (a stalled host) */
	size_t flushes, unflushed, max_unflushed;
	int flush_rc;
};

/* A BG95-like profile on a 32 MiB NAND (2 KiB pages, 64 pages/block). */
extern const struct sim_profile test_profile;
/* The same with an SDX55-like 64-bit reading, secure-boot, v3 Sahara. */
extern const struct sim_profile test_profile_secure;

/* A fresh double with a new NAND file in a temporary directory. */
struct sim *double_new(const struct sim_profile *p);
void double_free(struct sim *s);
/* Forget the output so far. */
void double_clear(struct sim *s);

#endif
