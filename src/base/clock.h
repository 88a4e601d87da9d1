/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_BASE_CLOCK_H
#define MF_BASE_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC: deadlines never jump with wall time. */
int64_t mf_now_ms(void);

/* A deadline timeout_ms from now; a negative timeout means "never". */
int64_t mf_deadline(int timeout_ms);

/* Milliseconds left until deadline (0 when passed, -1 for "never"). */
int mf_remaining_ms(int64_t deadline);

void mf_sleep_ms(int ms);

#endif
