// SPDX-License-Identifier: BSD-3-Clause
/* File-backed NAND of the simulator (rules in nand.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/edl/nand.h"
#include "sim/profile.h"

struct sim_nand {
	int fd;
	uint32_t page, ppb, blocks;
	uint64_t pages;
	uint64_t data_bytes; /* bitmap starts here in the file */
	/*
	 * 1 bit per page: programmed. A shared mapping of the bitmap in the
	 * file: setting a bit is as durable as a pwrite (the page cache holds
	 * it if we are killed) without a system call per page.
	 */
	uint8_t *prog;
	uint8_t *map; /* the mapping (page-aligned, prog inside) */
	size_t map_len;
	uint8_t *bad; /* 1 byte per block */
	uint32_t nbad;
	/* the partition table: pages inside a partition skip its bad blocks */
	const struct sim_part *parts;
	size_t nparts;
};

uint32_t nand_page_size(const struct sim_nand *n)
{
	return n->page;
}
uint32_t nand_pages_per_block(const struct sim_nand *n)
{
	return n->ppb;
}
uint32_t nand_total_blocks(const struct sim_nand *n)
{
	return n->blocks;
}
uint64_t nand_total_pages(const struct sim_nand *n)
{
	return n->pages;
}

static int map_bits(struct sim_nand *n, size_t bm)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t at =
		n->data_bytes - n->data_bytes % (uint64_t)(pg > 0 ? pg : 4096);
	size_t skip = (size_t)(n->data_bytes - at);
	void *m = mmap(NULL, skip + bm, PROT_READ | PROT_WRITE, MAP_SHARED,
		       n->fd, (off_t)at);

	if (m == MAP_FAILED)
		return -errno;
	n->map = m;
	n->map_len = skip + bm;
	n->prog = n->map + skip;
	return 0;
}

struct sim_nand *sim_nand_open(const char *path, uint32_t page_size,
			       uint32_t pages_per_block, uint32_t total_blocks)
{
	struct sim_nand *n;
	size_t bm;

	/* page sizes of real parts are 512..16384; keep the file under 64 GiB */
	if (!path || page_size < 512 || page_size > 16384 ||
	    (page_size & (page_size - 1)) || !pages_per_block ||
	    pages_per_block > 1024 || !total_blocks ||
	    (uint64_t)page_size * pages_per_block * total_blocks >
		    (64ull << 30))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->page = page_size;
	n->ppb = pages_per_block;
	n->blocks = total_blocks;
	n->pages = (uint64_t)pages_per_block * total_blocks;
	n->data_bytes = n->pages * page_size;
	bm = (size_t)((n->pages + 7) / 8);
	n->bad = calloc(1, total_blocks);
	n->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (!n->bad || n->fd < 0)
		goto fail;
	if (ftruncate(n->fd, (off_t)(n->data_bytes + bm)) < 0)
		goto fail;
	if (map_bits(n, bm) < 0)
		goto fail;
	return n;
fail:
	sim_nand_close(n);
	return NULL;
}

void sim_nand_close(struct sim_nand *n)
{
	if (!n)
		return;
	if (n->map)
		munmap(n->map, n->map_len);
	if (n->fd >= 0)
		close(n->fd);
	free(n->bad);
	free(n);
}

int nand_mark_bad(struct sim_nand *n, uint32_t block)
{
	if (block >= n->blocks)
		return -ERANGE;
	if (!n->bad[block])
		n->nbad++;
	n->bad[block] = 1;
	return 0;
}

void nand_set_parts(struct sim_nand *n, const struct sim_part *parts,
		    size_t nparts)
{
	n->parts = parts;
	n->nparts = nparts;
}

/*
 * Disk page -> physical page. Inside a partition, the k-th block of the
 * partition is its k-th good block, as the real NAND programmers and boot
 * loaders skip bad blocks; -ENOSPC when the partition has no good block
 * left for it. Outside any partition (or with no bad block at all) pages
 * are where they say.
 */
static int map_page(const struct sim_nand *n, uint64_t page, uint64_t *phys)
{
	uint32_t blk = (uint32_t)(page / n->ppb);

	*phys = page;
	if (!n->nbad)
		return 0;
	for (size_t i = 0; i < n->nparts; i++) {
		const struct sim_part *pt = &n->parts[i];
		uint32_t end = pt->start_block + pt->num_blocks, b, k;

		if (blk < pt->start_block || blk >= end)
			continue;
		if (end > n->blocks)
			end = n->blocks;
		k = blk - pt->start_block; /* the k-th good block */
		for (b = pt->start_block; b < end; b++) {
			if (n->bad[b])
				continue;
			if (!k--) {
				*phys = (uint64_t)b * n->ppb + page % n->ppb;
				return 0;
			}
		}
		return -ENOSPC;
	}
	return 0;
}

bool nand_block_bad(const struct sim_nand *n, uint32_t block)
{
	return block < n->blocks && n->bad[block];
}

bool nand_page_erased(const struct sim_nand *n, uint64_t page)
{
	return page < n->pages && !(n->prog[page / 8] & (1u << (page % 8)));
}

/*
 * len bytes of the file at off. A page programmed with zeros is a hole
 * (nand_program): holes are found with SEEK_DATA/SEEK_HOLE and filled
 * here, not read through the kernel, which zero-fills every page of a
 * hole it reads once more (a 1 GiB image of zeros took seconds to digest).
 */
static int read_run(struct sim_nand *n, uint8_t *buf, off_t off, size_t len)
{
	off_t end = off + (off_t)len;

	while (off < end) {
		off_t d = lseek(n->fd, off, SEEK_DATA), h;
		size_t k;

		if (d < 0)
			d = errno == ENXIO ? end
					   : off; /* no data / no SEEK_DATA */
		if (d > off) {
			k = (size_t)((d < end ? d : end) - off);
			memset(buf, 0, k);
			buf += k;
			off += (off_t)k;
			continue;
		}
		h = lseek(n->fd, off, SEEK_HOLE);
		if (h <= off || h > end)
			h = end;
		k = (size_t)(h - off);
		if (pread(n->fd, buf, k, off) != (ssize_t)k)
			return -EIO;
		buf += k;
		off += (off_t)k;
	}
	return 0;
}

int nand_read(struct sim_nand *n, uint64_t page, uint64_t count, uint8_t *buf)
{
	uint64_t ph;

	if (page > n->pages || count > n->pages - page)
		return -ERANGE;
	for (uint64_t i = 0; i < count;) {
		uint64_t run = 1, next;
		size_t len;

		/* past the partition's last good block: nothing, erased */
		if (map_page(n, page + i, &ph) || nand_page_erased(n, ph)) {
			memset(buf, 0xff, n->page);
			buf += n->page;
			i++;
			continue;
		}
		/* programmed pages that follow on the disk: one read */
		while (i + run < count && !map_page(n, page + i + run, &next) &&
		       next == ph + run && !nand_page_erased(n, next))
			run++;
		len = (size_t)(run * n->page);
		if (read_run(n, buf, (off_t)(ph * n->page), len))
			return -EIO;
		buf += len;
		i += run;
	}
	return 0;
}

static bool all_ff(const uint8_t *p, size_t n)
{
	return p[0] == 0xff && !memcmp(p, p + 1, n - 1);
}

/* n > 0: the first byte is zero and every byte equals the next one */
static bool all_zero(const uint8_t *p, size_t n)
{
	return !p[0] && !memcmp(p, p + 1, n - 1);
}

int nand_program(struct sim_nand *n, uint64_t page, const uint8_t *buf)
{
	if (page >= n->pages)
		return -ERANGE;
	if (map_page(n, page, &page))
		/* an erased page needs no block; data does */
		return all_ff(buf, n->page) ? 0 : -ENOSPC;
	if (n->bad[page / n->ppb])
		return -EIO;
	if (!nand_page_erased(n, page))
		return -EEXIST;
	/* an erased page is a hole: zeros need no write (keeps the file sparse) */
	if (!all_zero(buf, n->page) &&
	    pwrite(n->fd, buf, n->page, (off_t)(page * n->page)) !=
		    (ssize_t)n->page)
		return -EIO;
	n->prog[page / 8] |= (uint8_t)(1u << (page % 8));
	return 0;
}

static int zero_range(struct sim_nand *n, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[16384];

	if (fallocate(n->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) == 0)
		return 0;
	/* file systems without holes: write zeros */
	for (uint64_t o = 0; o < len; o += sizeof(zeros)) {
		size_t l = len - o < sizeof(zeros) ? (size_t)(len - o)
						   : sizeof(zeros);

		if (pwrite(n->fd, zeros, l, (off_t)(off + o)) != (ssize_t)l)
			return -EIO;
	}
	return 0;
}

int nand_erase(struct sim_nand *n, uint32_t block, uint32_t count)
{
	uint64_t first, last;

	if (block > n->blocks || count > n->blocks - block)
		return -ERANGE;
	if (!count)
		return 0;
	for (uint32_t b = block; b < block + count; b++)
		if (n->bad[b])
			return -EIO;
	first = (uint64_t)block * n->ppb;
	last = first + (uint64_t)count * n->ppb - 1;
	if (zero_range(n, first * n->page, (last - first + 1) * n->page))
		return -EIO;
	for (uint64_t p = first; p <= last; p++)
		n->prog[p / 8] &= (uint8_t) ~(1u << (p % 8));
	return 0;
}

int nand_rewrite(struct sim_nand *n, uint64_t off, const uint8_t *buf,
		 size_t len)
{
	uint64_t p0, p1;
	uint8_t *page;
	int rc = 0;

	if (off > n->data_bytes || len > n->data_bytes - off)
		return -ERANGE;
	if (!len)
		return 0;
	page = malloc(n->page);
	if (!page)
		return -ENOMEM;
	p0 = off / n->page;
	p1 = (off + len - 1) / n->page;
	for (uint64_t p = p0; p <= p1 && !rc; p++) {
		uint64_t base = p * n->page;
		uint64_t a = off > base ? off - base : 0;
		uint64_t b =
			off + len < base + n->page ? off + len - base : n->page;

		uint64_t ph;

		rc = nand_read(n, p, 1, page);
		if (rc)
			break;
		memcpy(page + a, buf + (base + a - off), (size_t)(b - a));
		rc = map_page(n, p, &ph);
		if (rc)
			break;
		if (pwrite(n->fd, page, n->page, (off_t)(ph * n->page)) !=
		    (ssize_t)n->page)
			rc = -EIO;
		n->prog[ph / 8] |= (uint8_t)(1u << (ph % 8));
	}
	free(page);
	return rc;
}

static void size_name(uint32_t v, char *out, size_t cap)
{
	if (v % 1024 == 0)
		snprintf(out, cap, "%uK", v / 1024);
	else
		snprintf(out, cap, "%u", v);
}

void nand_geometry_name(uint32_t page_size, uint32_t ppb, char *out, size_t cap)
{
	char p[16], b[16];

	size_name(page_size, p, sizeof(p));
	size_name(page_size * ppb, b, sizeof(b));
	snprintf(out, cap, "p%s_b%s", p, b);
}

static int parse_k(const char *s, char **end, uint32_t *v)
{
	unsigned long x;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	x = strtoul(s, end, 10);
	if (**end == 'K') {
		x *= 1024;
		(*end)++;
	}
	if (!x || x > (16u << 20))
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

int nand_geometry_parse(const char *s, uint32_t *page_size, uint32_t *ppb)
{
	uint32_t p, b;
	char *e;

	if (!s || s[0] != 'p' || parse_k(s + 1, &e, &p) ||
	    strncmp(e, "_b", 2) || parse_k(e + 2, &e, &b) || *e || b % p ||
	    b / p > 1024 || p < 512)
		return -EINVAL;
	*page_size = p;
	*ppb = b / p;
	return 0;
}
