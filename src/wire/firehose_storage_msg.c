// SPDX-License-Identifier: BSD-3-Clause
/*
 * The answer to <getstorageinfo>: a JSON text in a <log> (after "INFO: "),
 * as 9x07/9x05 NAND programmers write it. Parsed with json-c; every number
 * is untrusted (sizes must be sane powers of two).
 */
#include "wire/firehose_storage_msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static uint64_t js_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_string))
		return strtoull(json_object_get_string(v), NULL, 0);
	return (uint64_t)json_object_get_int64(v);
}

static void js_str(struct json_object *o, const char *key, char *out,
		   size_t cap)
{
	struct json_object *v;

	out[0] = '\0';
	if (json_object_object_get_ex(o, key, &v))
		snprintf(out, cap, "%s", json_object_get_string(v));
}

int fh_msg_parse_storage_info(const char *json, struct fh_msg_storage_info *out)
{
	struct json_object *root = json_tokener_parse(json), *si;
	uint64_t bs, ps, np;

	memset(out, 0, sizeof(*out));
	if (!root)
		return -EBADMSG;
	if (!json_object_object_get_ex(root, "storage_info", &si) ||
	    !json_object_is_type(si, json_type_object)) {
		json_object_put(root);
		return -EBADMSG;
	}
	out->total_blocks = js_u64(si, "total_blocks");
	bs = js_u64(si, "block_size");
	ps = js_u64(si, "page_size");
	np = js_u64(si, "num_physical");
	out->manufacturer_id = (uint32_t)js_u64(si, "manufacturer_id");
	out->serial_num = js_u64(si, "serial_num");
	js_str(si, "fw_version", out->fw_version, sizeof(out->fw_version));
	js_str(si, "mem_type", out->mem_type, sizeof(out->mem_type));
	js_str(si, "prod_name", out->prod_name, sizeof(out->prod_name));
	json_object_put(root);
	/* untrusted: sizes must be sane powers of two */
	if (bs > (1u << 30) || ps > (1u << 20) || np > 64 || (bs & (bs - 1)) ||
	    (ps & (ps - 1)))
		return -EBADMSG;
	out->block_size = (uint32_t)bs;
	out->page_size = (uint32_t)ps;
	out->num_physical = (uint32_t)np;
	return 0;
}
