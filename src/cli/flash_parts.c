// SPDX-License-Identifier: BSD-3-Clause
/*
 * The partitions of a run: the closing table of a flash (partition, bytes,
 * seconds, MB/s, verified) and of a verify (partition, bytes, equal), and
 * the same as the report's "partitions" in JSON (docs/json.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_flash.h"

static double rate_mb(uint64_t bytes, int64_t ms)
{
	return ms > 0 ? (double)bytes / (double)ms / 1000.0 : 0.0;
}

json_object *flash_parts_json(const struct flash_report *r, bool compare)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->nparts; i++) {
		const struct flash_part_stat *p = &r->parts[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "partition",
				       json_object_new_string(p->name));
		json_object_object_add(
			j, "bytes", json_object_new_int64((int64_t)p->bytes));
		if (compare) {
			json_object_object_add(
				j, "equal", json_object_new_boolean(p->equal));
		} else {
			json_object_object_add(
				j, "seconds",
				json_object_new_double((double)p->ms / 1000.0));
			json_object_object_add(
				j, "rate",
				json_object_new_int64(
					p->ms > 0 ? (int64_t)((double)p->bytes *
							      1000.0 /
							      (double)p->ms)
						  : 0));
			json_object_object_add(
				j, "verified",
				json_object_new_boolean(p->verified));
		}
		json_object_array_add(a, j);
	}
	return a;
}

/* One row per partition and a total, for a person (cli_say's stream). */
void flash_say_parts(struct cli *cli, const char *cmd,
		     const struct flash_report *r)
{
	bool compare = !strcmp(cmd, "verify");
	uint64_t bytes = 0;
	int64_t ms = 0;

	if (!r->nparts || cli->verbosity < 0)
		return;
	if (compare)
		cli_say(cli, "  %-16s %12s  %s", "partition", "bytes",
			"module holds");
	else
		cli_say(cli, "  %-16s %12s %8s %8s  %s", "partition", "bytes",
			"seconds", "MB/s", "verified");
	for (size_t i = 0; i < r->nparts; i++) {
		const struct flash_part_stat *p = &r->parts[i];

		bytes += p->bytes;
		ms += p->ms;
		if (compare)
			cli_say(cli, "  %-16s %12llu  %s", p->name,
				(unsigned long long)p->bytes,
				p->equal ? "the same image"
					 : "a different one");
		else
			cli_say(cli, "  %-16s %12llu %8.1f %8.2f  %s", p->name,
				(unsigned long long)p->bytes,
				(double)p->ms / 1000.0,
				rate_mb(p->bytes, p->ms),
				p->verified ? r->verified : "no");
	}
	if (!compare && r->nparts > 1)
		cli_say(cli, "  %-16s %12llu %8.1f %8.2f", "total",
			(unsigned long long)bytes, (double)ms / 1000.0,
			rate_mb(bytes, ms));
}
