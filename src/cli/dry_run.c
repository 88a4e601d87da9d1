// SPDX-License-Identifier: BSD-3-Clause
/*
 * flash --dry-run and restore --dry-run: the identity and verdict come in
 * the report as for a real run; here the plan is rendered, with a time
 * estimated from the speeds of real modules (DESIGN.md "Timing": about
 * 3 s per re-enumeration, 2-4 MB/s NAND program and read).
 */
#include <stdio.h>
#include <string.h>

#include "cli/dry_run.h"

#define EST_BYTES_PER_S 3e6  /* NAND read and program, real modules */
#define EST_FIXED_S	15.0 /* EDL switch, Sahara, reset, boot */

static double estimate_s(const struct flash_plan *p)
{
	return (double)(p->backup_bytes + p->write_bytes) / EST_BYTES_PER_S +
	       EST_FIXED_S;
}

static json_object *steps_json(const struct flash_step *s, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "op",
				       json_object_new_string(s[i].op));
		json_object_object_add(j, "partition",
				       json_object_new_string(s[i].part));
		json_object_object_add(
			j, "bytes", json_object_new_int64((int64_t)s[i].bytes));
		json_object_array_add(a, j);
	}
	return a;
}

json_object *flash_plan_json(const struct flash_plan *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "backup", steps_json(p->backup, p->nbackup));
	json_object_object_add(o, "write", steps_json(p->write, p->nwrite));
	json_object_object_add(o, "write_steps",
			       json_object_new_int64((int64_t)p->nwrite_all));
	json_object_object_add(o, "backup_bytes",
			       json_object_new_int64((int64_t)p->backup_bytes));
	json_object_object_add(o, "write_bytes",
			       json_object_new_int64((int64_t)p->write_bytes));
	json_object_object_add(
		o, "estimated_seconds",
		json_object_new_int64((int64_t)(estimate_s(p) + 0.5)));
	return o;
}

void flash_say_plan(struct cli *cli, const char *cmd,
		    const struct flash_report *r)
{
	const struct flash_plan *p = &r->plan;
	char line[4096];
	size_t off = 0;

	cli_say(cli,
		"%s: dry run: would %s %s%s%s (nothing was sent beyond "
		"identification)",
		r->usb_path, !strcmp(cmd, "restore") ? "restore" : "update",
		r->before[0] ? r->before : "the module (in EDL)",
		r->package_rev[0] ? " -> " : "", r->package_rev);
	for (size_t i = 0; i < r->verdict.n; i++)
		cli_say(cli, "  %s: %s%s", r->verdict.f[i].rule,
			r->verdict.f[i].msg,
			r->verdict.f[i].overridden ? " (overridden)" : "");
	if (p->nbackup) {
		for (size_t i = 0; i < p->nbackup && off < sizeof(line); i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off,
						"%s%s", i ? ", " : "",
						p->backup[i].part);
		cli_say(cli, "  backup first: %zu partitions, %.1f MB: %s",
			p->nbackup, (double)p->backup_bytes / 1e6, line);
	} else {
		cli_say(cli, "  no backup first%s",
			!strcmp(cmd, "restore") ? " (restore writes one back)"
			: r->started_in_edl	? " (the module is in EDL)"
						: " (--no-backup)");
	}
	off = 0;
	line[0] = '\0';
	for (size_t i = 0; i < p->nwrite && off < sizeof(line); i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off,
					"%s%s %s", i ? ", " : "",
					p->write[i].op, p->write[i].part);
	cli_say(cli, "  then write, in this order (%zu steps, %.1f MB): %s%s",
		p->nwrite_all, (double)p->write_bytes / 1e6, line,
		p->nwrite_all > p->nwrite ? ", ..." : "");
	cli_say(cli, "  estimated time on a real module: %.0f s",
		estimate_s(p));
}
