// SPDX-License-Identifier: BSD-3-Clause
/*
 * rawprogram, patch and contents XML through expat. The files come from a
 * package: DTDs and entities are refused (no entity expansion at all), the
 * number of lines is bounded, every number is range-checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "pkg/xml.h"

enum xmode { X_RAWPROGRAM, X_PATCH, X_CONTENTS };

struct xctx {
	XML_Parser p;
	enum xmode mode;
	int depth;
	int rc;
	struct mf_err *err;
	size_t max;
	struct pkg_cmd *cmds;
	struct pkg_patch *patches;
	size_t n;
	/* contents.xml */
	int in_product, in_fprog, in_fname;
	char *product, *prog;
	size_t plen, proglen;
};

static void fail(struct xctx *x, int code, const char *msg)
{
	if (!x->rc) {
		x->rc = code;
		mf_err_set(x->err, MF_BAD_PACKAGE, code, "%s (line %lu)", msg,
			   (unsigned long)XML_GetCurrentLineNumber(x->p));
	}
	XML_StopParser(x->p, XML_FALSE);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
		       const XML_Char *pubid, int has_internal)
{
	fail(ud, -EPERM,
	     "package XML carries a DTD (refused: entities can expand without "
	     "bound)");
}

static void on_entity(void *ud, const XML_Char *name, int is_param,
		      const XML_Char *value, int len, const XML_Char *base,
		      const XML_Char *sysid, const XML_Char *pubid,
		      const XML_Char *notation)
{
	fail(ud, -EPERM, "package XML declares an entity (refused)");
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static int get_u32(const char *s, uint32_t max, uint32_t *out)
{
	struct pkg_value v;

	if (!s) {
		*out = 0;
		return 0;
	}
	if (pkg_value_parse(s, &v) || v.kind != PKG_V_NUM || v.num > max)
		return -EINVAL;
	*out = (uint32_t)v.num;
	return 0;
}

static int check_sector_size(uint32_t s)
{
	return s && (s < 512 || s > 65536 || (s & (s - 1))) ? -EINVAL : 0;
}

static int fill_cmd(struct pkg_cmd *c, const XML_Char **a)
{
	const char *s;
	struct pkg_value v;

	if (get_u32(attr(a, "SECTOR_SIZE_IN_BYTES"), 65536, &c->sector_size) ||
	    check_sector_size(c->sector_size) ||
	    get_u32(attr(a, "PAGES_PER_BLOCK"), 4096, &c->pages_per_block) ||
	    get_u32(attr(a, "physical_partition_number"), 64, &c->phys))
		return -EINVAL;
	s = attr(a, "start_sector");
	if (s) {
		if (pkg_value_parse(s, &c->start) ||
		    c->start.kind == PKG_V_CRC32)
			return -EINVAL;
		c->start_sector = c->start.num;
	}
	s = attr(a, "num_partition_sectors");
	if (s) {
		if (pkg_value_parse(s, &v) || v.kind != PKG_V_NUM)
			return -EINVAL;
		c->part_sectors = v.num;
		c->has_part_sectors = true;
	}
	s = attr(a, "vendor");
	c->vendor = s && strcasecmp(s, "quectel") == 0;
	c->whole_disk = c->op == PKG_OP_ERASE && !c->has_part_sectors;
	return 0;
}

static void start_cmd(struct xctx *x, const XML_Char *el, const XML_Char **a)
{
	struct pkg_cmd *c;
	size_t i;

	if (x->n >= x->max)
		return fail(
			x, -E2BIG,
			"too many lines in the rawprogram XML (bad package)");
	c = &x->cmds[x->n];
	memset(c, 0, sizeof(*c));
	c->line = (unsigned)XML_GetCurrentLineNumber(x->p);
	c->op = !strcmp(el, "program") ? PKG_OP_PROGRAM
		: !strcmp(el, "erase") ? PKG_OP_ERASE
				       : PKG_OP_OTHER;
	c->tag = strdup(el);
	x->n++;
	for (i = 0; a[0]; a += 2, i++) {
		if (i >= PKG_MAX_ATTRS)
			return fail(x, -E2BIG,
				    "rawprogram line with too many attributes");
		c->attrs[i].name = strdup(a[0]);
		c->attrs[i].value = strdup(a[1]);
		c->nattrs = i + 1;
		if (!c->attrs[i].name || !c->attrs[i].value || !c->tag)
			return fail(x, -ENOMEM, "out of memory");
	}
	c->filename = pkg_cmd_attr(c, "filename");
	c->label = pkg_cmd_attr(c, "label");
	a -= 2 * i;
	if (fill_cmd(c, a))
		fail(x, -EINVAL, "bad number in a rawprogram line");
	if (c->op == PKG_OP_PROGRAM &&
	    (!c->filename || !c->filename[0] || !c->has_part_sectors ||
	     !c->sector_size))
		fail(x, -EINVAL,
		     "program line without filename, sector size or "
		     "num_partition_sectors");
}

static void start_patch(struct xctx *x, const XML_Char *el, const XML_Char **a)
{
	struct pkg_patch *p;
	const char *s;

	if (strcmp(el, "patch"))
		return;
	if (x->n >= x->max)
		return fail(x, -E2BIG,
			    "too many lines in the patch XML (bad package)");
	p = &x->patches[x->n++];
	memset(p, 0, sizeof(*p));
	p->line = (unsigned)XML_GetCurrentLineNumber(x->p);
	s = attr(a, "filename");
	p->filename = strdup(s ? s : "");
	s = attr(a, "what");
	p->what = strdup(s ? s : "");
	if (!p->filename || !p->what)
		return fail(x, -ENOMEM, "out of memory");
	p->disk = strcmp(p->filename, "DISK") == 0;
	if (get_u32(attr(a, "SECTOR_SIZE_IN_BYTES"), 65536, &p->sector_size) ||
	    check_sector_size(p->sector_size) ||
	    get_u32(attr(a, "physical_partition_number"), 64, &p->phys) ||
	    get_u32(attr(a, "size_in_bytes"), 8, &p->size_in_bytes) ||
	    !attr(a, "start_sector") || !attr(a, "value") ||
	    pkg_value_parse(attr(a, "start_sector"), &p->start) ||
	    pkg_value_parse(attr(a, "value"), &p->value))
		return fail(x, -EINVAL, "bad patch line");
	{
		struct pkg_value off;

		if (pkg_value_parse(attr(a, "byte_offset")
					    ? attr(a, "byte_offset")
					    : "0",
				    &off) ||
		    off.kind != PKG_V_NUM)
			return fail(x, -EINVAL,
				    "bad byte_offset in a patch line");
		p->byte_offset = off.num;
	}
}

static void on_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct xctx *x = ud;

	x->depth++;
	if (x->depth > 64)
		return fail(x, -E2BIG, "XML nested too deep");
	if (x->mode == X_CONTENTS) {
		x->in_product += !strcmp(el, "product_name");
		x->in_fprog += !strcmp(el, "flash_programmer");
		x->in_fname += x->in_fprog && !strcmp(el, "file_name");
		return;
	}
	if (x->depth != 2)
		return;
	if (x->mode == X_RAWPROGRAM)
		start_cmd(x, el, a);
	else
		start_patch(x, el, a);
}

static void on_end(void *ud, const XML_Char *el)
{
	struct xctx *x = ud;

	x->depth--;
	if (x->mode != X_CONTENTS)
		return;
	if (!strcmp(el, "product_name") && x->in_product)
		x->in_product--;
	if (!strcmp(el, "flash_programmer") && x->in_fprog)
		x->in_fprog--;
	if (!strcmp(el, "file_name") && x->in_fname)
		x->in_fname--;
}

static void append(char *dst, size_t cap, const char *s, int len)
{
	size_t have = strlen(dst);
	int i;

	for (i = 0; i < len && have + 1 < cap; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			dst[have++] = s[i];
	dst[have] = 0;
}

static void on_text(void *ud, const XML_Char *s, int len)
{
	struct xctx *x = ud;

	if (x->in_product)
		append(x->product, x->plen, s, len);
	else if (x->in_fname)
		append(x->prog, x->proglen, s, len);
}

static int run(struct xctx *x, const char *buf, size_t len)
{
	if (len > (size_t)1 << 30)
		return mf_err_set(x->err, MF_BAD_PACKAGE, -EFBIG,
				  "XML too large");
	x->p = XML_ParserCreate(NULL);
	if (!x->p)
		return mf_err_set(x->err, MF_FAILED, -ENOMEM, "out of memory");
	XML_SetUserData(x->p, x);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetElementHandler(x->p, on_start, on_end);
	if (x->mode == X_CONTENTS)
		XML_SetCharacterDataHandler(x->p, on_text);
	if (XML_Parse(x->p, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR &&
	    !x->rc) {
		x->rc = -EINVAL;
		mf_err_set(x->err, MF_BAD_PACKAGE, -EINVAL,
			   "malformed XML: %s at line %lu",
			   XML_ErrorString(XML_GetErrorCode(x->p)),
			   (unsigned long)XML_GetCurrentLineNumber(x->p));
	}
	XML_ParserFree(x->p);
	return x->rc;
}

int pkg_rawprogram_parse(const char *buf, size_t len, size_t max_cmds,
			 struct pkg_cmd **cmds, size_t *n, struct mf_err *err)
{
	struct xctx x = { .mode = X_RAWPROGRAM, .err = err };

	x.max = max_cmds ? max_cmds : PKG_MAX_CMDS;
	x.cmds = calloc(x.max, sizeof(*x.cmds));
	if (!x.cmds)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	if (run(&x, buf, len)) {
		pkg_cmds_free(x.cmds, x.n);
		return x.rc;
	}
	*cmds = x.cmds;
	*n = x.n;
	return 0;
}

void pkg_cmds_free(struct pkg_cmd *cmds, size_t n)
{
	size_t i, j;

	if (!cmds)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < cmds[i].nattrs; j++) {
			free(cmds[i].attrs[j].name);
			free(cmds[i].attrs[j].value);
		}
		free(cmds[i].tag);
		free(cmds[i].path);
	}
	free(cmds);
}

int pkg_patch_parse(const char *buf, size_t len, struct pkg_patch **patches,
		    size_t *n, struct mf_err *err)
{
	struct xctx x = { .mode = X_PATCH, .err = err, .max = PKG_MAX_CMDS };

	x.patches = calloc(x.max, sizeof(*x.patches));
	if (!x.patches)
		return mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
	if (run(&x, buf, len)) {
		pkg_patches_free(x.patches, x.n);
		return x.rc;
	}
	*patches = x.patches;
	*n = x.n;
	return 0;
}

void pkg_patches_free(struct pkg_patch *p, size_t n)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < n; i++) {
		free(p[i].filename);
		free(p[i].what);
	}
	free(p);
}

int pkg_contents_parse(const char *buf, size_t len, char *product, size_t plen,
		       char *prog, size_t proglen)
{
	struct xctx x = { .mode = X_CONTENTS,
			  .product = product,
			  .plen = plen,
			  .prog = prog,
			  .proglen = proglen };

	product[0] = 0;
	prog[0] = 0;
	/* contents.xml starts with a UTF-8 BOM in real packages: expat takes it */
	return run(&x, buf, len);
}

const char *pkg_cmd_attr(const struct pkg_cmd *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nattrs; i++)
		if (strcmp(c->attrs[i].name, name) == 0)
			return c->attrs[i].value;
	return NULL;
}
