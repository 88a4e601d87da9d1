// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash inspect PKG [--for REVISION] [--factory]: read a package
 * exactly, print its identity, programmer, geometry, plan, md5 results and
 * warnings, and with --for the verdict for a module at that revision.
 * Module facts that need EDL (--msm, --pk-hash, --geometry) can be given
 * by hand until discovery provides them (-d).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "cli/cli.h"
#include "ops/query/inspect.h"
#include "pkg/pkg.h"
#include "pkg/rules.h"

struct inspect_args {
	struct pkg_opts opts;
	struct pkg_module mod;
	struct pkg_allow allow;
	bool have_module;
};

static void hexstr(char *out, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = 0;
}

static int parse_hex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	size_t len = strlen(s), i;

	if (len % 2 || len / 2 > cap)
		return -EINVAL;
	for (i = 0; i < len / 2; i++) {
		int hi = mf_hexval(s[2 * i]), lo = mf_hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

static json_object *ident_json(const struct pkg *p)
{
	json_object *o = json_object_new_object();
	const struct pkg_ident *id = &p->ident;

	json_object_object_add(o, "name", json_object_new_string(p->name));
	if (!p->has_ident)
		return o;
	json_object_object_add(o, "revision",
			       json_object_new_string(id->revision));
	json_object_object_add(o, "baseline",
			       json_object_new_string(id->baseline));
	json_object_object_add(o, "model", json_object_new_string(id->model));
	json_object_object_add(o, "hw", json_object_new_int((int)id->hw));
	json_object_object_add(o, "release", json_object_new_int((int)id->rel));
	json_object_object_add(o, "flash_gbit",
			       json_object_new_int((int)id->flash_gbit));
	json_object_object_add(
		o, "variant",
		json_object_new_string(pkg_variant_name(id->variant)));
	json_object_object_add(o, "version",
			       json_object_new_string(id->version));
	json_object_object_add(o, "beta", json_object_new_boolean(id->beta));
	return o;
}

static json_object *prog_json(const struct pkg *p)
{
	json_object *o = json_object_new_object();
	char h[2 * 48 + 1];

	json_object_object_add(o, "file",
			       json_object_new_string(p->programmer));
	json_object_object_add(o, "chip",
			       p->chip ? json_object_new_string(p->chip->name)
				       : NULL);
	json_object_object_add(o, "elf64",
			       json_object_new_boolean(p->prog.elf64));
	json_object_object_add(o, "mbn_version",
			       json_object_new_int((int)p->prog.mbn_version));
	json_object_object_add(o, "signed",
			       json_object_new_boolean(p->prog.is_signed));
	json_object_object_add(o, "signature_size",
			       json_object_new_int((int)p->prog.sig_size));
	json_object_object_add(o, "cert_chain_size",
			       json_object_new_int((int)p->prog.cert_size));
	json_object_object_add(o, "certs",
			       json_object_new_int((int)p->prog.ncerts));
	if (p->prog.has_root) {
		hexstr(h, p->prog.root_sha256, 32);
		json_object_object_add(o, "root_sha256",
				       json_object_new_string(h));
		hexstr(h, p->prog.root_sha384, 48);
		json_object_object_add(o, "root_sha384",
				       json_object_new_string(h));
	}
	if (p->programmer_why)
		json_object_object_add(
			o, "why", json_object_new_string(p->programmer_why));
	return o;
}

static json_object *plan_json(struct cli *cli, const struct pkg *p)
{
	json_object *a = json_object_new_array(), *o;
	const struct pkg_cmd *c;
	const char *part;
	size_t i;

	for (i = 0; i < p->ncmds; i++) {
		c = &p->cmds[i];
		part = pkg_cmd_partition(p, c);
		o = json_object_new_object();
		json_object_object_add(o, "op", json_object_new_string(c->tag));
		json_object_object_add(o, "partition",
				       part ? json_object_new_string(part)
					    : NULL);
		json_object_object_add(o, "start",
				       json_object_new_string(c->start.text));
		if (c->has_part_sectors)
			json_object_object_add(
				o, "sectors",
				json_object_new_int64(
					(int64_t)c->part_sectors));
		json_object_object_add(o, "whole_disk",
				       json_object_new_boolean(c->whole_disk));
		json_object_object_add(o, "vendor",
				       json_object_new_boolean(c->vendor));
		if (c->op == PKG_OP_PROGRAM) {
			json_object_object_add(
				o, "image",
				json_object_new_string(c->filename));
			json_object_object_add(
				o, "present",
				json_object_new_boolean(c->present));
			if (c->present) {
				json_object_object_add(
					o, "size",
					json_object_new_int64(
						(int64_t)c->file_size));
				json_object_object_add(
					o, "fits",
					json_object_new_boolean(c->fits));
			}
		}
		json_object_array_add(a, o);
		cli_say(cli, "  %-8s %-12s start %-10s sectors %-7llu %s%s%s",
			c->tag, part ? part : "-", c->start.text,
			(unsigned long long)c->part_sectors,
			c->op == PKG_OP_PROGRAM
				? c->filename
				: (c->whole_disk ? "(whole disk)" : ""),
			c->op == PKG_OP_PROGRAM && !c->present ? " ABSENT" : "",
			c->op == PKG_OP_PROGRAM && c->present ? " fits" : "");
	}
	return a;
}

static json_object *md5_json(struct cli *cli, const struct pkg *p)
{
	static const char *const res[] = { "ok", "mismatch", "absent",
					   "not shipped" };
	json_object *o = json_object_new_object(), *a = json_object_new_array(),
		    *e;
	size_t i;

	json_object_object_add(o, "file",
			       p->md5.file ? json_object_new_string(p->md5.file)
					   : NULL);
	json_object_object_add(o, "ok", json_object_new_int((int)p->md5.ok));
	json_object_object_add(o, "absent",
			       json_object_new_int((int)p->md5.absent));
	json_object_object_add(o, "not_shipped",
			       json_object_new_int((int)p->md5.not_shipped));
	for (i = 0; i < p->md5.n; i++) {
		e = json_object_new_object();
		json_object_object_add(
			e, "name",
			json_object_new_string(p->md5.entries[i].name));
		json_object_object_add(
			e, "result",
			json_object_new_string(res[p->md5.entries[i].result]));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "entries", a);
	if (p->md5.file)
		cli_say(cli, "md5: %zu ok, %zu absent, %zu never shipped",
			p->md5.ok, p->md5.absent, p->md5.not_shipped);
	return o;
}

static json_object *verdict_json(struct cli *cli, const struct pkg_verdict *v)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array(),
		    *f;
	size_t i;

	json_object_object_add(
		o, "verdict",
		json_object_new_string(pkg_verdict_name(v->kind)));
	for (i = 0; i < v->n; i++) {
		f = json_object_new_object();
		json_object_object_add(f, "rule",
				       json_object_new_string(v->f[i].rule));
		json_object_object_add(f, "package",
				       json_object_new_string(v->f[i].package));
		json_object_object_add(f, "module",
				       json_object_new_string(v->f[i].module));
		json_object_object_add(
			f, "override",
			v->f[i].override
				? json_object_new_string(v->f[i].override)
				: NULL);
		json_object_object_add(
			f, "overridden",
			json_object_new_boolean(v->f[i].overridden));
		json_object_object_add(f, "message",
				       json_object_new_string(v->f[i].msg));
		json_object_array_add(a, f);
		cli_say(cli, "%s [%s]: %s (package %s, module %s)%s%s",
			v->f[i].overridden ? "overridden" : "refused",
			v->f[i].rule, v->f[i].msg, v->f[i].package,
			v->f[i].module,
			v->f[i].override ? (v->f[i].overridden ? ": allowed by "
							       : "; override: ")
					 : "; no override",
			v->f[i].override ? v->f[i].override : "");
	}
	json_object_object_add(o, "findings", a);
	cli_say(cli, "verdict: %s", pkg_verdict_name(v->kind));
	return o;
}

static int report(struct cli *cli, struct inspect_report *r)
{
	json_object *res = json_object_new_object();
	struct pkg *p = &r->pkg;
	json_object *w = json_object_new_array();
	size_t i;

	cli_say(cli, "package: %s (%s%s)",
		p->has_ident ? p->ident.revision : p->name,
		p->has_ident ? p->ident.model : "unknown model",
		p->ident.variant == PKG_VARIANT_QUECOPEN ? ", QuecOpen" : "");
	cli_say(cli, "programmer: %s, chip %s, %s", p->programmer,
		p->chip ? p->chip->name : "unknown",
		p->prog.is_signed ? "signed" : "unsigned");
	cli_say(cli, "geometry: %s, rawprogram %s",
		p->geo.name[0] ? p->geo.name : "unknown", p->rawprogram);
	json_object_object_add(res, "package", ident_json(p));
	json_object_object_add(res, "programmer", prog_json(p));
	json_object_object_add(res, "geometry",
			       json_object_new_string(p->geo.name));
	json_object_object_add(res, "page_size",
			       json_object_new_int((int)p->geo.page_size));
	json_object_object_add(res, "rawprogram",
			       json_object_new_string(p->rawprogram));
	json_object_object_add(res, "factory",
			       json_object_new_boolean(p->factory));
	json_object_object_add(res, "plan", plan_json(cli, p));
	json_object_object_add(res, "mibib_entries",
			       json_object_new_int((int)p->mibib.n));
	json_object_object_add(res, "md5", md5_json(cli, p));
	json_object_object_add(res, "absent",
			       json_object_new_int((int)p->absent));
	for (i = 0; i < p->nwarn; i++) {
		json_object_array_add(w, json_object_new_string(p->warn[i]));
		cli_note(cli, "warning: %s", p->warn[i]);
	}
	json_object_object_add(res, "warnings", w);
	if (r->have_module)
		json_object_object_add(res, "verdict",
				       verdict_json(cli, &r->verdict));
	if (r->status == MF_BAD_PACKAGE)
		cli_say(cli, "incomplete: %zu image(s) of the plan are absent",
			p->absent);
	return cli_result(cli, "inspect", res, (int)r->status);
}

static int geometry_arg(const char *s, struct pkg_module *m)
{
	struct pkg_geometry g;
	char buf[64];

	snprintf(buf, sizeof(buf), "_%s", s);
	if (pkg_geometry_from_name(buf, &g))
		return -EINVAL;
	m->page_size = g.page_size;
	m->block_size = g.block_size;
	return 0;
}

enum {
	O_FOR = 256,
	O_FACTORY,
	O_JSON,
	O_MSM,
	O_PK,
	O_GEO,
	O_MODEL,
	O_VARIANT,
	O_ADOWN,
	O_ACROSS,
	O_AVAR,
	O_ACAL,
	O_NOMD5
};

static int parse_args(struct cli *cli, int argc, char **argv,
		      struct inspect_args *ia, const char **path)
{
	static const struct option opts[] = {
		{ "for", required_argument, NULL, O_FOR },
		{ "factory", no_argument, NULL, O_FACTORY },
		{ "json", no_argument, NULL, O_JSON },
		{ "msm", required_argument, NULL, O_MSM },
		{ "pk-hash", required_argument, NULL, O_PK },
		{ "geometry", required_argument, NULL, O_GEO },
		{ "model", required_argument, NULL, O_MODEL },
		{ "variant", required_argument, NULL, O_VARIANT },
		{ "allow-downgrade", no_argument, NULL, O_ADOWN },
		{ "allow-cross-baseline", no_argument, NULL, O_ACROSS },
		{ "allow-variant-change", no_argument, NULL, O_AVAR },
		{ "allow-calibration-write", no_argument, NULL, O_ACAL },
		{ "no-md5", no_argument, NULL, O_NOMD5 },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	ia->mod.variant = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_FOR:
			ia->mod.revision = optarg;
			ia->have_module = true;
			break;
		case O_FACTORY:
			ia->opts.factory = true;
			break;
		case O_JSON:
			cli->json = true;
			break;
		case O_MSM:
			ia->mod.msm_id = (uint32_t)strtoul(optarg, NULL, 0);
			ia->have_module = true;
			break;
		case O_PK:
			if (parse_hex(optarg, ia->mod.pk_hash, 64,
				      &ia->mod.pk_hash_len) ||
			    (ia->mod.pk_hash_len != 32 &&
			     ia->mod.pk_hash_len != 48))
				return cli_usage(
					cli, "inspect",
					"--pk-hash takes 64 or 96 hex digits");
			ia->have_module = true;
			break;
		case O_GEO:
			if (geometry_arg(optarg, &ia->mod))
				return cli_usage(cli, "inspect",
						 "--geometry takes p2K_b128K "
						 "or p4K_b256K");
			ia->have_module = true;
			break;
		case O_MODEL:
			ia->mod.model = optarg;
			ia->have_module = true;
			break;
		case O_VARIANT:
			ia->mod.variant = strcasecmp(optarg, "standard")
						  ? PKG_VARIANT_QUECOPEN
						  : PKG_VARIANT_STANDARD;
			ia->have_module = true;
			break;
		case O_ADOWN:
			ia->allow.downgrade = true;
			break;
		case O_ACROSS:
			ia->allow.cross_baseline = true;
			break;
		case O_AVAR:
			ia->allow.variant_change = true;
			break;
		case O_ACAL:
			ia->allow.calibration_write = true;
			break;
		case O_NOMD5:
			ia->opts.no_md5 = true;
			break;
		default:
			return cli_bad_option(cli, "inspect", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(
			cli, "inspect",
			"takes exactly one package (folder, .zip or .7z)");
	*path = argv[optind];
	return 0;
}

int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	struct inspect_args ia = { 0 };
	struct inspect_report r;
	struct mf_err err = { 0 };
	const char *path = NULL;
	int rc;

	rc = parse_args(cli, argc, argv, &ia, &path);
	if (rc)
		return rc;
	ia.opts.stop = cli->stop; /* an archive's extraction stops on it */
	struct inspect_opts o = {
		.sysroot = cli->sysroot,
		.select = cli->select,
		.path = path,
		.pkg = ia.opts,
		.allow = ia.allow,
		.mod = ia.mod,
		.have_module = ia.have_module,
	};
	rc = inspect_run(&o, &r, &cli->log, &err);
	if (rc < 0) {
		inspect_close(&r);
		return cli_fail(cli, "inspect", &err);
	}
	rc = report(cli, &r);
	inspect_close(&r);
	return rc;
}
