// SPDX-License-Identifier: BSD-3-Clause
/*
 * A backup without a package: the partition table read from the module
 * (its MIBIB). The programmer comes from the cache (progcache.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bytes.h"
#include "ops/update/backup.h"
#include "ops/update/flash_int.h"
#include "pkg/image.h"

/* The MIBIB image: header page, table page, (spare), trailer page. */
#define MIBIB_PAGES 4u

static int tmp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/modemflash-mibib-XXXXXX",
		 dir && *dir == '/' ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* npages from page start into buf (cap >= npages * page size). */
static int read_pages(struct fh_session *fh, const struct backup_src *src,
		      int fd, uint64_t start, uint32_t npages, uint8_t *buf)
{
	char ss[16], ppb[16], st[24], num[16];
	struct fh_msg_attr a[5];
	size_t len = (size_t)npages * src->page_size;
	int rc;

	snprintf(ss, sizeof(ss), "%u", src->page_size);
	snprintf(ppb, sizeof(ppb), "%u", src->pages_per_block);
	snprintf(st, sizeof(st), "%" PRIu64, start);
	snprintf(num, sizeof(num), "%u", npages);
	a[0] = (struct fh_msg_attr){ "PAGES_PER_BLOCK", ppb };
	a[1] = (struct fh_msg_attr){ "SECTOR_SIZE_IN_BYTES", ss };
	a[2] = (struct fh_msg_attr){ "num_partition_sectors", num };
	a[3] = (struct fh_msg_attr){ "physical_partition_number", "0" };
	a[4] = (struct fh_msg_attr){ "start_sector", st };
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		return -EIO;
	rc = fh_read(fh, a, 5, fd);
	if (rc)
		return rc;
	if (pread(fd, buf, len, 0) != (ssize_t)len)
		return -EIO;
	return 0;
}

/* "0:EFS2" -> "EFS2"; anything but [A-Za-z0-9_-] becomes '_'. */
static void safe_name(const char *raw, size_t i, char *out, size_t cap)
{
	size_t k = 0;

	if (raw[0] && raw[1] == ':')
		raw += 2;
	for (; *raw && k + 1 < cap; raw++) {
		char c = *raw;

		out[k++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					   (c >= '0' && c <= '9') || c == '_' ||
					   c == '-'
				   ? c
				   : '_';
	}
	out[k] = '\0';
	if (!k)
		snprintf(out, cap, "part%u", (unsigned)(i & 31));
}

static bool name_taken(const struct plan_part *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return true;
	return false;
}

static size_t to_parts(const struct pkg_mibib *m, const struct backup_src *src,
		       uint64_t total_blocks, struct plan_part *out, size_t cap,
		       const struct mf_log *log)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n && n < cap; i++) {
		const struct pkg_mibib_part *e = &m->parts[i];
		uint64_t start = e->start, len = e->length;
		char name[24];

		safe_name(e->name, i, name, sizeof(name));
		if (name_taken(out, n, name))
			snprintf(name + (strlen(name) > 18 ? 18 : strlen(name)),
				 6, "_%u", (unsigned)(i & 31));
		if (total_blocks && start >= total_blocks) {
			mf_log(log, MF_LOG_WARN,
			       "partition table: %s starts at block %" PRIu64
			       ", past the end (%" PRIu64 "): skipped",
			       name, start, total_blocks);
			continue;
		}
		if (total_blocks && len > total_blocks - start)
			len = total_blocks - start;
		if (!len)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		out[n].start = start * src->pages_per_block;
		out[n].sectors = len * src->pages_per_block;
		out[n].calibration = pkg_is_calibration(name);
		n++;
	}
	return n;
}

static int find_mibib(struct fh_session *fh, const struct backup_src *src,
		      uint64_t total_blocks, int fd, uint8_t *buf,
		      uint32_t *block)
{
	uint32_t last = BACKUP_MIBIB_SCAN;
	int rc;

	if (total_blocks && total_blocks - 1 < last)
		last = (uint32_t)(total_blocks - 1);
	for (uint32_t b = 1; b <= last; b++) {
		rc = read_pages(fh, src, fd, (uint64_t)b * src->pages_per_block,
				1, buf);
		if (rc)
			return rc;
		if (get_le32(buf) == PKG_MIBIB_MAGIC1 &&
		    get_le32(buf + 4) == PKG_MIBIB_MAGIC2) {
			*block = b;
			return 0;
		}
	}
	return -ENOENT;
}

int backup_module_parts(struct fh_session *fh, const struct backup_src *src,
			uint64_t total_blocks, struct plan_part *out,
			size_t cap, size_t *n, const struct mf_log *log,
			struct mf_err *err)
{
	uint8_t *buf = malloc((size_t)MIBIB_PAGES * src->page_size);
	struct pkg_mibib *m = calloc(1, sizeof(*m));
	struct stage_progress sp;
	uint32_t block = 0;
	int fd = tmp_fd(), rc;

	*n = 0;
	if (!buf || !m || fd < 0) {
		rc = mf_err_set(err, MF_FAILED, fd < 0 ? -errno : -ENOMEM,
				"cannot make room to read the partition table");
		goto out;
	}
	stage_progress_begin(&sp, fh, log, "partition-table", 0);
	rc = find_mibib(fh, src, total_blocks, fd, buf, &block);
	if (!rc && src->pages_per_block < MIBIB_PAGES)
		rc = -ENOENT;
	if (!rc)
		rc = read_pages(fh, src, fd,
				(uint64_t)block * src->pages_per_block,
				MIBIB_PAGES, buf);
	stage_progress_end(&sp);
	if (rc == -ENOENT) {
		rc = mf_err_set(err, MF_FAILED, -ENOENT,
				"no partition table (MIBIB) in the first %u "
				"blocks of the module",
				BACKUP_MIBIB_SCAN);
		mf_err_hint(err, "give a package made for this module: backup "
				 "[-o DIR] PKG");
		goto out;
	}
	if (rc)
		goto out;
	rc = pkg_mibib_parse(buf, (size_t)MIBIB_PAGES * src->page_size,
			     src->page_size, m, err);
	if (rc) {
		err->status = MF_FAILED;
		mf_err_hint(err, "give a package made for this module: backup "
				 "[-o DIR] PKG");
		goto out;
	}
	*n = to_parts(m, src, total_blocks, out, cap, log);
	mf_log(log, MF_LOG_INFO, "partition table at block %u: %zu partitions",
	       block, *n);
	if (!*n)
		rc = mf_err_set(
			err, MF_FAILED, -ENOENT,
			"the module's partition table lists no partitions");
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(m);
	return rc;
}
