/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_RULES_H
#define MF_PKG_RULES_H

#include "pkg/pkg.h"

/*
 * The preflight verdict: a package against a module identity. Every rule
 * that refuses names itself, both values and its override flag (NULL for
 * rules that nothing overrides: chip, PK hash, geometry).
 */
struct pkg_module {
	const char *model;    /* "BG95-M3" (ATI), or NULL */
	const char *revision; /* "BG95M3LAR02A03_01.009.01.009" (AT+QGMR) */
	int variant;	      /* -1 unknown, else enum pkg_variant */
	uint32_t msm_id;      /* Sahara HW id, 0 unknown */
	uint8_t pk_hash[64];
	size_t pk_hash_len; /* 0 unknown, 32 or 48 */
	uint32_t page_size; /* NAND geometry, 0 unknown */
	uint32_t block_size;
};

struct pkg_allow {
	bool downgrade, cross_baseline, variant_change, calibration_write;
};

struct pkg_finding {
	const char *rule;
	const char *override; /* "--allow-downgrade", or NULL: no override */
	bool overridden;
	char package[96];
	char module[96];
	char msg[256];
};

enum pkg_verdict_kind {
	PKG_VERDICT_OK,
	PKG_VERDICT_UP_TO_DATE,
	PKG_VERDICT_REFUSED
};

#define PKG_MAX_FINDINGS 16

struct pkg_verdict {
	enum pkg_verdict_kind kind;
	struct pkg_finding f[PKG_MAX_FINDINGS]; /* refusals and overrides */
	size_t n;
};

struct pkg_rule {
	const char *name;
	const char *override;
	/* fills f (values, msg) and returns true when the rule objects */
	bool (*check)(const struct pkg *pkg, const struct pkg_ident *mod_id,
		      const struct pkg_module *mod, struct pkg_finding *f);
};

extern const struct pkg_rule pkg_rules[];
extern const size_t pkg_nrules;

void pkg_evaluate(const struct pkg *pkg, const struct pkg_module *mod,
		  const struct pkg_allow *allow, struct pkg_verdict *v);
const char *pkg_verdict_name(enum pkg_verdict_kind k);

#endif
