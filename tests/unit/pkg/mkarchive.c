// SPDX-License-Identifier: BSD-3-Clause
/*
 * mkarchive FORMAT OUT DIR NAME: pack the tree DIR as NAME/... into OUT
 * (FORMAT zip, 7z, tar, tar.gz, tar.xz) with libarchive. The e2e tests use
 * it for 7z, which Python's standard library cannot write.
 */
#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

static int set_format(struct archive *w, const char *f)
{
	if (!strcmp(f, "zip"))
		return archive_write_set_format_zip(w);
	if (!strcmp(f, "7z"))
		return archive_write_set_format_7zip(w);
	if (archive_write_set_format_pax_restricted(w) != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	if (!strcmp(f, "tar.gz"))
		return archive_write_add_filter_gzip(w);
	if (!strcmp(f, "tar.xz"))
		return archive_write_add_filter_xz(w);
	return strcmp(f, "tar") ? ARCHIVE_FATAL : ARCHIVE_OK;
}

static int copy_data(struct archive *w, const char *src)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(src, "rb");

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (archive_write_data(w, buf, n) != (la_ssize_t)n)
			break;
	fclose(f);
	return 0;
}

static int pack(struct archive *w, const char *dir, const char *name)
{
	struct archive *d = archive_read_disk_new();
	struct archive_entry *e;
	char rel[4096];
	size_t dl = strlen(dir);
	int r = ARCHIVE_OK;

	archive_read_disk_set_standard_lookup(d);
	if (archive_read_disk_open(d, dir) != ARCHIVE_OK)
		return fprintf(stderr, "%s\n", archive_error_string(d)), 1;
	for (;;) {
		e = archive_entry_new();
		r = archive_read_next_header2(d, e);
		if (r != ARCHIVE_OK) {
			archive_entry_free(e);
			break;
		}
		archive_read_disk_descend(d);
		snprintf(rel, sizeof(rel), "%s%s", name,
			 archive_entry_sourcepath(e) + dl);
		archive_entry_set_pathname(e, rel);
		if (archive_write_header(w, e) != ARCHIVE_OK) {
			fprintf(stderr, "%s\n", archive_error_string(w));
			archive_entry_free(e);
			break;
		}
		if (archive_entry_filetype(e) == AE_IFREG)
			copy_data(w, archive_entry_sourcepath(e));
		archive_entry_free(e);
	}
	archive_read_free(d);
	return r == ARCHIVE_EOF ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct archive *w;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: mkarchive zip|7z|tar|tar.gz|tar.xz OUT "
				"DIR NAME\n");
		return 2;
	}
	w = archive_write_new();
	if (set_format(w, argv[1]) != ARCHIVE_OK ||
	    archive_write_open_filename(w, argv[2]) != ARCHIVE_OK) {
		fprintf(stderr, "%s\n", archive_error_string(w));
		return 1;
	}
	rc = pack(w, argv[3], argv[4]);
	if (archive_write_close(w) != ARCHIVE_OK)
		rc = 1;
	archive_write_free(w);
	return rc;
}
