/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_OPS_QUERY_INSPECT_H
#define MF_OPS_QUERY_INSPECT_H

#include <stdbool.h>

#include "base/err.h"
#include "base/log.h"
#include "ops/identity.h"
#include "pkg/pkg.h"
#include "pkg/rules.h"

/*
 * inspect: open a package and, when a module is named (-d SEL over AT) or
 * described (--for, --model, --msm ...), the verdict flash would reach for
 * it, from the same preflight (ops/update/preflight.h).
 */
struct inspect_opts {
	const char *sysroot;
	const char *select; /* -d SEL, or NULL */
	const char *path;   /* the package */
	struct pkg_opts pkg;
	struct pkg_allow allow;
	struct pkg_module mod; /* facts given by hand; they win over -d's */
	bool have_module;      /* some fact was given by hand */
};

struct inspect_report {
	struct pkg pkg;
	bool have_module;      /* verdict is set */
	struct mod_ident id;   /* -d: what the module said */
	struct pkg_module mod; /* as evaluated; strings in opts or id */
	struct pkg_verdict verdict;
	/* what the inspection implies: 0, MF_REFUSED, MF_BAD_PACKAGE */
	enum mf_status status;
};

/*
 * Returns 0 with r filled (close it with inspect_close) or a negative
 * errno with err filled: the module could not be read, the package could
 * not be opened. r is safe to close either way.
 */
int inspect_run(const struct inspect_opts *o, struct inspect_report *r,
		const struct mf_log *log, struct mf_err *err);
void inspect_close(struct inspect_report *r);

#endif
