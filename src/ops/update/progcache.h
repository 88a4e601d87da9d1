/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_PROGCACHE_H
#define MF_OPS_PROGCACHE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The programmer cache, filled by successful flashes so that backup works
 * without a package: <base>/<msm id as 0x%08x>/<file>, base being
 * $XDG_DATA_HOME/modemflash/programmers (or ~/.local/share/...).
 */
int progcache_dir(uint32_t msm_id, char *out, size_t cap);
/* The newest programmer for msm_id (0: any chip). 0, -ENOENT. */
int progcache_find(uint32_t msm_id, char *out, size_t cap);
/* Copy programmer into the cache (atomic rename). 0 or negative errno. */
int progcache_store(uint32_t msm_id, const char *programmer);

#endif
