/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PKG_PKGINT_H
#define MF_PKG_PKGINT_H

/* Steps of pkg_open(), one file each (internal to src/pkg). */
#include "pkg/pkg.h"

int pkg_read_file(const char *path, size_t max, uint8_t **out, size_t *len);
int pkg_read_plan(struct pkg *pkg, struct mf_err *err);
int pkg_read_tables(struct pkg *pkg, struct mf_err *err);
void pkg_read_identity(struct pkg *pkg, const struct pkg_opts *o);
int pkg_check_md5(struct pkg *pkg, struct mf_err *err);
/*
 * md5.txt read here, its entries checked by a thread (pkg_opts.md5_later),
 * which then hashes the images with SHA-256 when sha is set.
 */
int pkg_check_md5_later(struct pkg *pkg, bool sha, const mf_stop_flag *stop,
			struct mf_err *err);
/* The thread stopped and joined, its job freed (pkg_close). */
void pkg_md5_job_end(struct pkg *pkg);

/* pkg_extract with other bounds (the unit test and fuzz target use small ones). */
struct pkg_limits {
	uint64_t max_total; /* bytes written in all */
	unsigned max_entries;
	const mf_stop_flag *stop; /* pkg_opts.stop, may be NULL */
};
int pkg_extract_limited(const char *archive, const char *parent,
			const struct pkg_limits *lim, char **out,
			const struct mf_log *log, struct mf_err *err);

#endif
