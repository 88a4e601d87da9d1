// SPDX-License-Identifier: BSD-3-Clause
/*
 * The partition plan: rawprogram and patch XML, every program image
 * resolved inside the package and checked to fit its partition; the
 * MIBIB and user tables; contents.xml; the package identity.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pkg/pkgint.h"

static int check_program(struct pkg *pkg, struct pkg_cmd *c, struct mf_err *err)
{
	struct stat st;
	int rc;

	rc = pkg_resolve(pkg->root, pkg->fhdir, c->filename, &c->path);
	if (rc == -EPERM || rc == -ENOMEM || (rc && !c->path))
		return mf_err_set(err, MF_BAD_PACKAGE, -EPERM,
				  "rawprogram line %u: image '%s' leaves the "
				  "package or is not a regular file",
				  c->line, c->filename);
	if (rc == -ENOENT) {
		pkg->absent++;
		return 0;
	}
	if (stat(c->path, &st))
		return mf_err_set(err, MF_BAD_PACKAGE, -errno, "cannot stat %s",
				  c->path);
	c->present = true;
	c->file_size = (uint64_t)st.st_size;
	c->file_sectors = (c->file_size + c->sector_size - 1) / c->sector_size;
	c->fits = c->file_sectors <= c->part_sectors;
	if (!c->fits)
		return mf_err_set(
			err, MF_BAD_PACKAGE, -EFBIG,
			"image %s (%llu bytes, %llu sectors) is larger than "
			"its partition (%llu sectors of %u bytes at %s)",
			c->filename, (unsigned long long)c->file_size,
			(unsigned long long)c->file_sectors,
			(unsigned long long)c->part_sectors, c->sector_size,
			c->start.text);
	return 0;
}

static int check_cmd(struct pkg *pkg, struct pkg_cmd *c, struct mf_err *err)
{
	if (c->op == PKG_OP_OTHER)
		return 0;
	if (c->start.kind == PKG_V_NUM && c->has_part_sectors &&
	    c->start_sector + c->part_sectors < c->start_sector)
		return mf_err_set(err, MF_BAD_PACKAGE, -ERANGE,
				  "rawprogram line %u: range overflows",
				  c->line);
	if (pkg->geo.page_size && c->sector_size &&
	    c->sector_size != pkg->geo.page_size)
		pkg_warn(pkg,
			 "rawprogram line %u: SECTOR_SIZE_IN_BYTES %u differs "
			 "from the %s page size",
			 c->line, c->sector_size, pkg->geo.name);
	if (c->whole_disk)
		pkg->writes_calibration = true;
	if (c->op == PKG_OP_PROGRAM)
		return check_program(pkg, c, err);
	return 0;
}

static int read_xml(const char *path, uint8_t **b, size_t *len,
		    struct mf_err *err)
{
	int rc = pkg_read_file(path, PKG_MAX_XML_BYTES, b, len);

	if (rc == -EFBIG)
		return mf_err_set(err, MF_BAD_PACKAGE, rc,
				  "%s is larger than %u bytes (bad package)",
				  path, PKG_MAX_XML_BYTES);
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc, "cannot read %s",
				  path);
	return 0;
}

int pkg_read_plan(struct pkg *pkg, struct mf_err *err)
{
	uint8_t *b;
	size_t len, i;
	int rc;

	rc = read_xml(pkg->rawprogram, &b, &len, err);
	if (rc)
		return rc;
	rc = pkg_rawprogram_parse((char *)b, len, PKG_MAX_CMDS, &pkg->cmds,
				  &pkg->ncmds, err);
	free(b);
	if (rc)
		return rc;
	if (!pkg->geo.page_size)
		for (i = 0; i < pkg->ncmds && !pkg->geo.page_size; i++)
			if (pkg->cmds[i].sector_size &&
			    pkg->cmds[i].pages_per_block) {
				pkg->geo.page_size = pkg->cmds[i].sector_size;
				pkg->geo.pages_per_block =
					pkg->cmds[i].pages_per_block;
				pkg->geo.block_size = pkg->geo.page_size *
						      pkg->geo.pages_per_block;
			}
	for (i = 0; i < pkg->ncmds; i++) {
		rc = check_cmd(pkg, &pkg->cmds[i], err);
		if (rc)
			return rc;
	}
	if (!pkg->patchxml)
		return 0;
	rc = read_xml(pkg->patchxml, &b, &len, err);
	if (rc)
		return rc;
	rc = pkg_patch_parse((char *)b, len, &pkg->patches, &pkg->npatches,
			     err);
	free(b);
	return rc;
}

static void read_contents(struct pkg *pkg)
{
	char *p;
	uint8_t *b;
	size_t len;

	if (asprintf(&p, "%s/contents.xml", pkg->root) < 0)
		return;
	if (pkg_read_file(p, 1u << 20, &b, &len) == 0) {
		if (pkg_contents_parse((char *)b, len, pkg->product,
				       sizeof(pkg->product),
				       pkg->flash_programmer,
				       sizeof(pkg->flash_programmer)))
			pkg_warn(pkg, "contents.xml unreadable");
		free(b);
	}
	free(p);
}

static bool mibib_matches(struct pkg *pkg)
{
	size_t i, j;
	const struct pkg_mibib_part *mp;
	uint32_t ppb = pkg->geo.pages_per_block;

	for (i = 0; i < pkg->ncmds; i++) {
		const struct pkg_cmd *c = &pkg->cmds[i];

		if (c->op == PKG_OP_OTHER || c->start.kind != PKG_V_NUM ||
		    !c->has_part_sectors || !ppb)
			continue;
		mp = pkg_mibib_find(&pkg->mibib,
				    (uint32_t)(c->start_sector / ppb));
		if (!mp)
			continue;
		j = (size_t)(mp - pkg->mibib.parts);
		if (pkg_is_calibration(pkg->mibib.parts[j].name))
			pkg->writes_calibration = true;
	}
	return true;
}

int pkg_read_tables(struct pkg *pkg, struct mf_err *err)
{
	uint8_t *b;
	size_t len;
	char *p;
	int rc;

	read_contents(pkg);
	if (pkg->mibib_file && pkg->geo.page_size &&
	    pkg_read_file(pkg->mibib_file, 1u << 20, &b, &len) == 0) {
		rc = pkg_mibib_parse(b, len, pkg->geo.page_size, &pkg->mibib,
				     err);
		free(b);
		if (rc)
			return rc;
		pkg->has_mibib = true;
		mibib_matches(pkg);
	}
	if (asprintf(&p, "%s/update/partition.mbn", pkg->root) < 0)
		return -ENOMEM;
	if (pkg_read_file(p, 1u << 20, &b, &len) == 0) {
		if (pkg_usertable_parse(b, len, &pkg->usertable, NULL) == 0)
			pkg->has_usertable = true;
		else
			pkg_warn(pkg, "update/partition.mbn is not a NAND user "
				      "partition table");
		free(b);
	}
	free(p);
	/* a label naming a calibration partition also counts */
	for (len = 0; len < pkg->ncmds; len++)
		if (pkg->cmds[len].op != PKG_OP_OTHER &&
		    pkg_is_calibration(pkg->cmds[len].label))
			pkg->writes_calibration = true;
	return 0;
}

const char *pkg_cmd_partition(const struct pkg *pkg, const struct pkg_cmd *c)
{
	const struct pkg_mibib_part *mp;

	if (pkg->has_mibib && c->start.kind == PKG_V_NUM &&
	    pkg->geo.pages_per_block) {
		mp = pkg_mibib_find(
			&pkg->mibib,
			(uint32_t)(c->start_sector / pkg->geo.pages_per_block));
		if (mp)
			return mp->name[0] && mp->name[1] == ':' ? mp->name + 2
								 : mp->name;
	}
	return c->label;
}

/* Simulator images name their revision and variant (sim/edl/image.h). */
static void read_simimg(struct pkg *pkg, struct pkg_simimg *si)
{
	uint8_t head[160];
	size_t i;
	FILE *f;

	memset(si, 0, sizeof(*si));
	for (i = 0; i < pkg->ncmds; i++) {
		if (!pkg->cmds[i].present)
			continue;
		f = fopen(pkg->cmds[i].path, "rb");
		if (!f)
			continue;
		if (fread(head, 1, sizeof(head), f) == sizeof(head) &&
		    pkg_simimg_parse(head, sizeof(head), si) == 0 &&
		    si->revision[0]) {
			fclose(f);
			return;
		}
		fclose(f);
	}
	memset(si, 0, sizeof(*si));
}

/*
 * The package against the table's row of the model it names. A chip,
 * programmer or NAND geometry other than that model's is worth a word
 * before any module is found; the module's own Sahara id and storage info
 * decide later (some EG25 carry 256 KiB blocks).
 */
static void check_table(struct pkg *pkg)
{
	const struct dev_model *m = dev_model_by_rev(pkg->ident.model);
	const struct dev_chip *c = dev_model_chip(m);
	const char *prog =
		pkg->programmer ? strrchr(pkg->programmer, '/') : NULL;
	uint32_t page, block;

	pkg->model = m;
	if (!m)
		return;
	if (c && pkg->chip && c != pkg->chip)
		pkg_warn(pkg,
			 "the package is for %s (%s), its programmer for %s",
			 m->name, c->name, pkg->chip->name);
	prog = prog ? prog + 1 : pkg->programmer;
	if (m->programmer && prog && strcmp(prog, m->programmer))
		pkg_warn(pkg,
			 "the programmer %s is not the %s that %s packages "
			 "carry",
			 prog, m->programmer, m->name);
	if (m->geometry && pkg->geo.page_size &&
	    !dev_geometry_parse(m->geometry, &page, &block) &&
	    (page != pkg->geo.page_size || block != pkg->geo.block_size))
		pkg_warn(pkg,
			 "the package's NAND geometry p%uK_b%uK is not the %s "
			 "the table has for %s; the module's storage info "
			 "decides",
			 pkg->geo.page_size / 1024, pkg->geo.block_size / 1024,
			 m->geometry, m->name);
}

void pkg_read_identity(struct pkg *pkg, const struct pkg_opts *o)
{
	struct pkg_simimg si;

	read_simimg(pkg, &si);
	if (o->revision && pkg_ident_parse(o->revision, &pkg->ident) == 0)
		pkg->has_ident = true;
	else if (pkg_ident_find(pkg->name, &pkg->ident) == 0)
		pkg->has_ident = true;
	else if (si.revision[0] &&
		 pkg_ident_parse(si.revision, &pkg->ident) == 0)
		pkg->has_ident = true;
	else
		pkg_warn(pkg, "no revision in the package name %s", pkg->name);
	if (si.variant[0] && strcasecmp(si.variant, "quecopen") == 0)
		pkg->ident.variant = PKG_VARIANT_QUECOPEN;
	if (strcasestr(pkg->name, "quecopen") ||
	    strcasestr(pkg->name, "opensdk"))
		pkg->ident.variant = PKG_VARIANT_QUECOPEN;
	if (si.msm_id && pkg->chip && !dev_chip_has_msm(pkg->chip, si.msm_id))
		pkg_warn(pkg,
			 "images are built for MSM 0x%08X, the programmer for "
			 "%s",
			 si.msm_id, pkg->chip->name);
	if (pkg->has_ident)
		check_table(pkg);
}
