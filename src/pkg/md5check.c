// SPDX-License-Identifier: BSD-3-Clause
/*
 * Checking md5.txt against the files: a mismatch is a damaged or lying
 * package; entries for files Quectel never ships (\upgrade\targetfiles.zip)
 * and images absent from a partial copy are reported, not fatal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "pkg/pkgint.h"

/* The zeros after the image in its last sector, into a SHA-256 copy. */
static bool sha_padded(const EVP_MD_CTX *data, const struct pkg_cmd *c,
		       uint8_t out[32])
{
	static const uint8_t zero[4096];
	uint64_t pad = c->file_sectors * (c->sector_size ? c->sector_size : 1);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_MD_CTX_copy_ex(ctx, data);

	for (uint64_t off = c->file_size; ok && off < pad;) {
		size_t n = pad - off < sizeof(zero) ? (size_t)(pad - off)
						    : sizeof(zero);

		ok = EVP_DigestUpdate(ctx, zero, n);
		off += n;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* The program lines of this file get its SHA-256 (xml.h). */
static void keep_sha(struct pkg *pkg, const char *path, const EVP_MD_CTX *sha,
		     uint64_t size)
{
	for (size_t i = 0; i < pkg->ncmds; i++) {
		struct pkg_cmd *c = &pkg->cmds[i];
		EVP_MD_CTX *f;

		if (c->op != PKG_OP_PROGRAM || !c->present || !c->path ||
		    strcmp(c->path, path) || c->file_size != size)
			continue; /* changed since its stat: hashed again */
		f = EVP_MD_CTX_new();
		c->has_sha256 = f && EVP_MD_CTX_copy_ex(f, sha) &&
				EVP_DigestFinal_ex(f, c->sha256_file, NULL) &&
				sha_padded(sha, c, c->sha256_padded);
		EVP_MD_CTX_free(f);
	}
}

/* One digest of a whole file, read by its own descriptor. */
struct file_digest {
	const char *path;
	const EVP_MD *md;
	EVP_MD_CTX *ctx;
	uint64_t size;
	int rc;
	const mf_stop_flag *stop; /* the CLI's stop request, may be NULL */
	const atomic_bool *quit;  /* pkg_close() before the end, may be NULL */
};

static bool cut_short(const struct file_digest *d)
{
	return mf_stop_requested(d->stop) || (d->quit && atomic_load(d->quit));
}

static void *digest_file(void *arg)
{
	struct file_digest *d = arg;
	unsigned char buf[65536];
	ssize_t r = 0;
	int fd = open(d->path, O_RDONLY | O_CLOEXEC);

	d->rc = fd < 0 ? -errno : 0;
	if (!d->rc && !EVP_DigestInit_ex(d->ctx, d->md, NULL))
		d->rc = -ENOMEM;
	while (!d->rc && (r = read(fd, buf, sizeof(buf))) > 0) {
		if (!EVP_DigestUpdate(d->ctx, buf, (size_t)r))
			d->rc = -EIO;
		else if (cut_short(d))
			d->rc = -EINTR;
		d->size += (uint64_t)r;
	}
	if (!d->rc && r < 0)
		d->rc = -errno;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/*
 * md5 of the file and the SHA-256 its images need. A big file gets its
 * SHA-256 from a second thread: md5 alone runs at half the speed of
 * SHA-256 on a CPU with SHA extensions, so the two together take the time
 * of the md5 (the second read comes from the page cache).
 */
enum { SHA_THREAD_MIN = 1 << 20 };

static int md5_file(struct pkg *pkg, const char *path, char hex[33],
		    bool with_sha, const mf_stop_flag *stop,
		    const atomic_bool *quit)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	struct file_digest m = { path, EVP_md5(), EVP_MD_CTX_new(), 0, 0,
				 stop, quit };
	struct file_digest s = { path, EVP_sha256(), EVP_MD_CTX_new(), 0, 0,
				 stop, quit };
	struct stat st;
	pthread_t t;
	bool apart = with_sha && !stat(path, &st) &&
		     st.st_size >= SHA_THREAD_MIN && m.ctx && s.ctx &&
		     !pthread_create(&t, NULL, digest_file, &s);

	if (!m.ctx || !s.ctx)
		m.rc = -ENOMEM;
	else
		digest_file(&m);
	if (apart)
		pthread_join(t, NULL);
	else if (!m.rc && with_sha)
		digest_file(&s);
	if (!m.rc)
		m.rc = s.rc;
	if (!m.rc && !EVP_DigestFinal_ex(m.ctx, md, &mdlen))
		m.rc = -EIO;
	if (!m.rc && with_sha && s.size == m.size)
		keep_sha(pkg, path, s.ctx, s.size);
	EVP_MD_CTX_free(m.ctx);
	EVP_MD_CTX_free(s.ctx);
	for (i = 0; i < mdlen && i < 16; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[32] = 0;
	return m.rc;
}

static int check_entry(struct pkg *pkg, struct pkg_md5_entry *e, bool with_sha,
		       const mf_stop_flag *stop, const atomic_bool *quit,
		       struct mf_err *err)
{
	const char *rel = e->name;
	char hex[33];
	int rc;

	while (*rel == '\\' || *rel == '/')
		rel++;
	rc = pkg_resolve(pkg->root, pkg->root, rel, &e->path);
	if (rc == -ENOENT || (rc == -EPERM && !e->path)) {
		bool shipped = !strcasestr(e->name, "targetfiles.zip");

		e->result = shipped ? PKG_MD5_ABSENT : PKG_MD5_NOT_SHIPPED;
		*(shipped ? &pkg->md5.absent : &pkg->md5.not_shipped) += 1;
		return 0;
	}
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc,
				  "md5 list names %s, which leaves the package",
				  e->name);
	rc = md5_file(pkg, e->path, hex, with_sha, stop, quit);
	if (rc == -EINTR)
		return rc; /* a stop, not a damaged package */
	if (rc)
		return mf_err_set(err, MF_BAD_PACKAGE, rc, "cannot read %s",
				  e->path);
	if (strcmp(hex, e->hex)) {
		e->result = PKG_MD5_MISMATCH;
		pkg->md5.mismatch++;
		return mf_err_set(
			err, MF_BAD_PACKAGE, -EBADMSG,
			"md5 of %s is %s, the package's md5 list says %s",
			e->name, hex, e->hex);
	}
	e->result = PKG_MD5_OK;
	pkg->md5.ok++;
	return 0;
}

/* md5.txt read and parsed: 0 with entries, 1 when there is none. */
static int read_list(struct pkg *pkg, struct mf_err *err)
{
	static const char *const names[] = { "md5.txt", "quectel.md5" };
	uint8_t *b;
	size_t len, i;
	char *p;
	int rc = -ENOENT;

	for (i = 0; i < 2 && rc; i++) {
		if (asprintf(&p, "%s/%s", pkg->root, names[i]) < 0)
			return -ENOMEM;
		rc = pkg_read_file(p, 1u << 20, &b, &len);
		if (rc)
			free(p);
		else
			pkg->md5.file = p;
	}
	if (rc) {
		pkg_warn(pkg,
			 "no md5.txt: images are not checked against a digest");
		return 1;
	}
	rc = pkg_md5_parse((char *)b, len, &pkg->md5, err);
	free(b);
	return rc;
}

static int check_entries(struct pkg *pkg, bool with_sha,
			 const mf_stop_flag *stop, const atomic_bool *quit,
			 struct mf_err *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < pkg->md5.n; i++)
		rc = check_entry(pkg, &pkg->md5.entries[i], with_sha, stop,
				 quit, err);
	if (!rc && pkg->md5.not_shipped)
		pkg_warn(pkg,
			 "md5 list names %zu file(s) never shipped in packages "
			 "(targetfiles.zip)",
			 pkg->md5.not_shipped);
	return rc;
}

int pkg_check_md5(struct pkg *pkg, struct mf_err *err)
{
	int rc = read_list(pkg, err);

	return rc ? (rc > 0 ? 0 : rc)
		  : check_entries(pkg, true, NULL, NULL, err);
}

/*
 * The entries checked by a thread of their own (pkg.h, md5_later): first
 * every md5, then, when asked, the SHA-256 of each image, while the
 * caller writes (the verification needs them only after the write).
 */
struct pkg_md5_job {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool md5_done, joined, sha;
	atomic_bool quit;
	struct pkg *pkg;
	const mf_stop_flag *stop;
	int rc;
	struct mf_err err;
};

static void hash_images(struct pkg_md5_job *j)
{
	for (size_t i = 0; i < j->pkg->md5.n; i++) {
		const struct pkg_md5_entry *e = &j->pkg->md5.entries[i];
		struct file_digest d = {
			e->path, EVP_sha256(), EVP_MD_CTX_new(), 0,
			0,	 j->stop,      &j->quit
		};

		if (e->result == PKG_MD5_OK && d.ctx) {
			digest_file(&d);
			if (!d.rc) /* else hashed where it is needed */
				keep_sha(j->pkg, e->path, d.ctx, d.size);
		}
		EVP_MD_CTX_free(d.ctx);
	}
}

static void *check_job(void *arg)
{
	struct pkg_md5_job *j = arg;
	int rc = check_entries(j->pkg, false, j->stop, &j->quit, &j->err);

	pthread_mutex_lock(&j->lock);
	j->rc = rc;
	j->md5_done = true;
	pthread_cond_broadcast(&j->done_cond);
	pthread_mutex_unlock(&j->lock);
	if (!rc && j->sha)
		hash_images(j);
	return NULL;
}

int pkg_check_md5_later(struct pkg *pkg, bool sha, const mf_stop_flag *stop,
			struct mf_err *err)
{
	struct pkg_md5_job *j;
	int rc = read_list(pkg, err);

	if (rc)
		return rc > 0 ? 0 : rc;
	j = calloc(1, sizeof(*j));
	if (!j)
		return check_entries(pkg, sha, stop, NULL, err);
	j->pkg = pkg;
	j->stop = stop;
	j->sha = sha;
	atomic_init(&j->quit, false);
	if (pthread_mutex_init(&j->lock, NULL)) {
		free(j);
		return check_entries(pkg, sha, stop, NULL, err);
	}
	if (pthread_cond_init(&j->done_cond, NULL) ||
	    pthread_create(&j->thread, NULL, check_job, j)) {
		pthread_mutex_destroy(&j->lock);
		free(j);
		return check_entries(pkg, sha, stop, NULL,
				     err); /* here, then */
	}
	pkg->md5_job = j;
	return 0;
}

bool pkg_md5_deferred(const struct pkg *pkg)
{
	return pkg->md5_job != NULL;
}

int pkg_md5_wait(struct pkg *pkg, bool block, struct mf_err *err)
{
	struct pkg_md5_job *j = pkg->md5_job;
	int rc;

	if (!j)
		return 0;
	pthread_mutex_lock(&j->lock);
	while (block && !j->md5_done)
		pthread_cond_wait(&j->done_cond, &j->lock);
	rc = j->md5_done ? j->rc : -EINPROGRESS;
	pthread_mutex_unlock(&j->lock);
	if (rc == -EINPROGRESS)
		return rc;
	if (rc == -EINTR)
		return rc; /* the caller names the stop */
	if (rc) {
		mf_err_set(err, j->err.status, rc, "%s", j->err.msg);
		if (j->err.hint[0])
			mf_err_hint(err, "%s", j->err.hint);
	}
	return rc;
}

void pkg_sha256_wait(struct pkg *pkg)
{
	struct pkg_md5_job *j = pkg->md5_job;

	if (!j || j->joined)
		return;
	/* not under the lock: the thread takes it to say its md5 is done;
	 * joined is only ever touched by the thread that owns the package */
	pthread_join(j->thread, NULL);
	j->joined = true;
}

void pkg_md5_job_end(struct pkg *pkg)
{
	struct pkg_md5_job *j = pkg->md5_job;

	if (!j)
		return;
	atomic_store(&j->quit, true);
	pkg_sha256_wait(pkg);
	pthread_cond_destroy(&j->done_cond);
	pthread_mutex_destroy(&j->lock);
	free(j);
	pkg->md5_job = NULL;
}
