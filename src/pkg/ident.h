/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_IDENT_H
#define MF_PKG_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Quectel revision names (docs/field-data.md):
 *   <MODEL><VARIANT>R<hw>A<rel>[M<n>G][_OCPU]_<a>.<bbb>.<a>.<bbb>
 * plus beta forms (_BETA0614, _BETA_20200428F) and BG95 names without the
 * M field (BG95M3LAR02A03_01.014.01.014).
 */
enum pkg_variant {
	PKG_VARIANT_STANDARD = 0,
	PKG_VARIANT_QUECOPEN = 1, /* QuecOpen, OCPU, open SDK */
};

struct pkg_ident {
	char revision[80];   /* the whole name as parsed */
	char baseline[40];   /* "BG95M3LAR02A03" */
	char model[16];	     /* "BG95M3", "EG25G" */
	char vcode[12];	     /* variant letters between model and R: "LA" */
	char line[40];	     /* baseline without the A<rel> digits */
	unsigned hw;	     /* R07 -> 7 */
	unsigned rel;	     /* A08 -> 8 */
	unsigned flash_gbit; /* M2G -> 2, 0 when absent */
	enum pkg_variant variant;
	bool beta;
	char beta_tag[24]; /* "0614", "20200428F" */
	unsigned ver[4];   /* 01.014.01.014 -> 1,14,1,14 */
	unsigned nver;	   /* 0, 2 or 4 */
	char version[24];  /* "01.014.01.014" */
};

/* Parse s exactly (it must start with the model). 0 or -EINVAL. */
int pkg_ident_parse(const char *s, struct pkg_ident *id);
/*
 * Find a revision inside a longer name, trying each '_'-separated start:
 * "eg25g_mdm9607_EG25GGBR07A08M2G_30.006" -> EG25GGBR07A08M2G_30.006.
 */
int pkg_ident_find(const char *name, struct pkg_ident *id);
/* Total order of releases within one line: <0, 0, >0. */
int pkg_ident_cmp(const struct pkg_ident *a, const struct pkg_ident *b);
const char *pkg_variant_name(enum pkg_variant v);
/* "BG95-M3" and "BG95M3" compare equal; case-insensitive. */
bool pkg_model_eq(const char *a, const char *b);

#endif
