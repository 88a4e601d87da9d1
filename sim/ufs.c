// SPDX-License-Identifier: BSD-3-Clause
/*
 * The module's user file system (UFS) as seen over AT: AT+QFUPL upload
 * (CONNECT, raw bytes, ACK mode, +++, timeout), AT+QFLST, AT+QFDEL,
 * AT+QFLDS. Files live in STATE/ufs/, bounded by the profile's ufs_free.
 * Error numbers are Quectel's file error codes: 405 not found, 406 bad
 * name, 407 exists, 409 write failed, 420 no space, 421 timeout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/core.h"

#define UFS_NAME_MAX  80
#define PLUS_GUARD_MS 300 /* silence after "+++" that makes it an escape */

int sim_ufs_dir(const struct sim *s, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/ufs", s->state);

	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool ufs_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > UFS_NAME_MAX || name[0] == '.')
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == '\\' ||
		    (unsigned char)*name < 0x20)
			return false;
	return true;
}

/* "UFS:x" and "x" name the same file */
static const char *ufs_strip(const char *name)
{
	return strncasecmp(name, "UFS:", 4) ? name : name + 4;
}

static int ufs_path(const struct sim *s, const char *name, char *buf,
		    size_t cap)
{
	char dir[SIM_PATH_MAX];
	int n;

	if (sim_ufs_dir(s, dir, sizeof(dir)))
		return -EIO;
	n = snprintf(buf, cap, "%s/%s", dir, name);
	return (n < 0 || (size_t)n >= cap) ? -ENAMETOOLONG : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the stored files (the caller frees), count in *n. */
static char **ufs_list(const struct sim *s, size_t *n)
{
	char dir[SIM_PATH_MAX];
	char **names = NULL, **nn;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (sim_ufs_dir(s, dir, sizeof(dir)))
		return NULL;
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (*n + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

static long long ufs_size(const struct sim *s, const char *name)
{
	char p[SIM_PATH_MAX + 128];
	struct stat st;

	if (ufs_path(s, name, p, sizeof(p)) || stat(p, &st) ||
	    !S_ISREG(st.st_mode))
		return -1;
	return st.st_size;
}

uint64_t sim_ufs_used(const struct sim *s)
{
	char **names;
	uint64_t used = 0;
	size_t n, i;

	names = ufs_list(s, &n);
	for (i = 0; i < n; i++) {
		long long sz = ufs_size(s, names[i]);

		if (sz > 0)
			used += (uint64_t)sz;
		free(names[i]);
	}
	free(names);
	return used;
}

static uint64_t ufs_free(const struct sim *s)
{
	uint64_t used = sim_ufs_used(s);

	return used >= s->prof->ufs_free ? 0 : s->prof->ufs_free - used;
}

static void qflst(struct sim_port *p, const char *rest)
{
	char a[2][128];
	char **names;
	size_t n, i;
	long long sz;

	if (!strcmp(rest, "=?") || !*rest) {
		sim_at_ok(p);
		return;
	}
	if (rest[0] != '=' || sim_at_args(rest + 1, a, 2) != 1) {
		sim_at_error(p);
		return;
	}
	if (!strcmp(ufs_strip(a[0]), "*")) {
		names = ufs_list(p->s, &n);
		for (i = 0; i < n; i++) {
			sz = ufs_size(p->s, names[i]);
			if (sz >= 0)
				sim_at_reply(p, "+QFLST: \"UFS:%s\",%lld",
					     names[i], sz);
			free(names[i]);
		}
		free(names);
		sim_at_ok(p);
		return;
	}
	sz = ufs_name_ok(ufs_strip(a[0])) ? ufs_size(p->s, ufs_strip(a[0]))
					  : -1;
	if (sz < 0) {
		sim_at_cme(p, 405);
		return;
	}
	sim_at_reply(p, "+QFLST: \"UFS:%s\",%lld", ufs_strip(a[0]), sz);
	sim_at_ok(p);
}

static void qfdel(struct sim_port *p, const char *rest)
{
	char a[2][128], path[SIM_PATH_MAX + 128];
	const char *name;
	char **names;
	size_t n, i;

	if (rest[0] != '=' || sim_at_args(rest + 1, a, 2) != 1) {
		sim_at_error(p);
		return;
	}
	name = ufs_strip(a[0]);
	if (!strcmp(name, "*")) {
		names = ufs_list(p->s, &n);
		for (i = 0; i < n; i++) {
			if (!ufs_path(p->s, names[i], path, sizeof(path)))
				unlink(path);
			free(names[i]);
		}
		free(names);
		sim_at_ok(p);
		return;
	}
	if (!ufs_name_ok(name) || ufs_path(p->s, name, path, sizeof(path)) ||
	    unlink(path)) {
		sim_at_cme(p, 405);
		return;
	}
	sim_at_ok(p);
}

static void qflds(struct sim_port *p, const char *rest)
{
	char a[2][128];

	if (rest[0] != '=' || sim_at_args(rest + 1, a, 2) != 1 ||
	    strcasecmp(a[0], "UFS")) {
		sim_at_cme(p, 425);
		return;
	}
	sim_at_reply(p, "+QFLDS: %llu,%llu", (unsigned long long)ufs_free(p->s),
		     (unsigned long long)p->s->prof->ufs_total);
	sim_at_ok(p);
}

void sim_at_ufs(struct sim_port *p, const char *name, const char *rest)
{
	if (!strcmp(name, "+QFLST"))
		qflst(p, rest);
	else if (!strcmp(name, "+QFDEL"))
		qfdel(p, rest);
	else
		qflds(p, rest);
}

/* ---- AT+QFUPL ---- */

static int part_path(struct sim_port *p, char *buf, size_t cap)
{
	char tmp[128];

	snprintf(tmp, sizeof(tmp), ".%s.part", p->at.up_name);
	return ufs_path(p->s, tmp, buf, cap);
}

static void upload_end(struct sim_port *p, bool keep)
{
	struct sim_at *at = &p->at;
	char part[SIM_PATH_MAX + 128], final[SIM_PATH_MAX + 128];

	if (at->up_fd >= 0)
		close(at->up_fd);
	at->up_fd = -1;
	at->upload = false;
	if (part_path(p, part, sizeof(part)))
		return;
	if (keep && !ufs_path(p->s, at->up_name, final, sizeof(final)) &&
	    !rename(part, final))
		return;
	unlink(part);
}

void sim_at_qfupl(struct sim_port *p, const char *args)
{
	struct sim_at *at = &p->at;
	char a[5][128], path[SIM_PATH_MAX + 128];
	const char *name;
	long long size;
	long tmo = 5, ack = 0;
	char *end;
	int n = sim_at_args(args, a, 5);

	if (n < 2 || n > 4)
		goto bad;
	name = ufs_strip(a[0]);
	size = strtoll(a[1], &end, 10);
	if (*end || !a[1][0] || size <= 0)
		goto bad;
	if (n >= 3 &&
	    (tmo = strtol(a[2], &end, 10), *end || tmo < 1 || tmo > 3600))
		goto bad;
	if (n == 4 &&
	    (ack = strtol(a[3], &end, 10), *end || (ack != 0 && ack != 1)))
		goto bad;
	if (!ufs_name_ok(name)) {
		sim_at_cme(p, 406);
		return;
	}
	if (ufs_size(p->s, name) >= 0) {
		sim_at_cme(p, 407);
		return;
	}
	if ((uint64_t)size > ufs_free(p->s)) {
		sim_at_cme(p, 420);
		return;
	}
	memcpy(at->up_name, name,
	       strlen(name) + 1); /* ufs_name_ok: at most 80 bytes */
	if (part_path(p, path, sizeof(path)) ||
	    (at->up_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644)) < 0) {
		sim_at_cme(p, 409);
		return;
	}
	at->upload = true;
	at->up_size = (uint64_t)size;
	at->up_got = 0;
	at->up_last_ack = 0;
	at->up_timeout_s = (int)tmo;
	at->up_ack = ack == 1;
	at->up_ntail = 0;
	at->up_plus_at = 0;
	at->up_deadline = sim_now_ms() + tmo * 1000;
	at_msg_qfupl_sum_init(&at->up_sum);
	sim_port_puts(p, "\r\nCONNECT\r\n");
	return;
bad:
	sim_at_cme(p, 425);
}

static int commit(struct sim_port *p, const uint8_t *buf, size_t len)
{
	struct sim_at *at = &p->at;
	size_t off = 0;
	ssize_t w;

	at_msg_qfupl_sum_update(&at->up_sum, buf, len);
	while (off < len) {
		w = write(at->up_fd, buf + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	return 0;
}

static void upload_done(struct sim_port *p, uint64_t kept)
{
	uint16_t sum = at_msg_qfupl_sum_final(&p->at.up_sum);

	upload_end(p, true);
	sim_at_reply(p, "+QFUPL: %llu,%x", (unsigned long long)kept, sum);
	sim_at_ok(p);
}

/* Bytes of an upload; returns how many were consumed (the rest are commands). */
size_t sim_upload_input(struct sim_port *p, const uint8_t *buf, size_t len)
{
	struct sim_at *at = &p->at;
	static const uint8_t plus[3] = { '+', '+', '+' };
	uint64_t want = at->up_size - at->up_got - at->up_ntail;
	size_t take = len < want ? len : (size_t)want;
	size_t i, held;

	at->up_deadline = sim_now_ms() + at->up_timeout_s * 1000;
	at->up_plus_at = 0;
	/* trailing '+' bytes are held back: "+++" then silence is the escape */
	for (i = 0; i < take; i++) {
		if (buf[i] == '+' && at->up_ntail < 3) {
			at->up_ntail++;
			continue;
		}
		if (at->up_ntail) {
			held = at->up_ntail;
			at->up_ntail = 0;
			if (buf[i] ==
			    '+') { /* a fourth '+': the oldest is data */
				held = 1;
				at->up_ntail = 3;
			}
			if (commit(p, plus, held))
				goto fail;
			at->up_got += held;
			if (buf[i] == '+')
				continue;
		}
		if (commit(p, buf + i, 1))
			goto fail;
		at->up_got++;
	}
	/* ACK mode: one 'A' per KiB received */
	while (at->up_ack &&
	       (at->up_got + at->up_ntail) / 1024 > at->up_last_ack) {
		at->up_last_ack++;
		sim_port_puts(p, "A");
	}
	if (sim_fault_drop(p->s, "fota-upload", at->up_got + at->up_ntail)) {
		upload_end(p, false);
		if (p->is_uart)
			at->dead =
				true; /* the wire goes quiet until power-cycle */
		else
			sim_drop_link(p->s);
		return len;
	}
	if (at->up_got + at->up_ntail == at->up_size) {
		if (at->up_ntail && commit(p, plus, at->up_ntail))
			goto fail;
		at->up_got += at->up_ntail;
		at->up_ntail = 0;
		upload_done(p, at->up_got);
	} else if (at->up_ntail == 3) {
		at->up_plus_at = sim_now_ms() + PLUS_GUARD_MS;
	}
	return take;
fail:
	upload_end(p, false);
	sim_at_cme(p, 409);
	return len;
}

int64_t sim_at_deadline(const struct sim_port *p)
{
	if (!p->at.upload)
		return -1;
	if (p->at.up_plus_at && p->at.up_plus_at < p->at.up_deadline)
		return p->at.up_plus_at;
	return p->at.up_deadline;
}

void sim_at_poll(struct sim_port *p, int64_t now)
{
	struct sim_at *at = &p->at;

	if (!at->upload)
		return;
	if (at->up_plus_at && now >= at->up_plus_at) {
		/* "+++": abort, the data before it is kept */
		at->up_ntail = 0;
		upload_done(p, at->up_got);
		return;
	}
	if (now >= at->up_deadline) {
		upload_end(p, false);
		sim_at_cme(p, 421);
	}
}
