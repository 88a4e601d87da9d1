// SPDX-License-Identifier: BSD-3-Clause
/*
 * AT+QFOTADL with a local file (docs/protocols.md, AT): OK, the module
 * reboots, +QIND: "FOTA","START", "UPDATING",<pct> ..., "END",<err>, and
 * reboots again (into the new revision on success). The progress is kept
 * in STATE/fota so that a power loss during UPDATING resumes on the next
 * boot with "Last upgrade was not finished,continue upgrade".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "base/bytes.h"
#include "sim/core.h"
#include "wire/delta_msg.h"

#define FOTA_STEP_MS 1000 /* module time per 10 % */

static void fota_path(const struct sim *s, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/fota", s->state);
}

static void fota_save(struct sim *s)
{
	char p[SIM_PATH_MAX + 8];
	FILE *f;

	fota_path(s, p, sizeof(p));
	f = fopen(p, "we");
	if (!f)
		return;
	fprintf(f, "%s\n%d\n", s->fota_file, s->fota_pct);
	fclose(f);
}

static void fota_clear(struct sim *s)
{
	char p[SIM_PATH_MAX + 8];

	fota_path(s, p, sizeof(p));
	unlink(p);
	s->fota = FOTA_NONE;
	s->fota_pct = 0;
	s->fota_resumed = false;
}

/* At start-up with --state: an update that was under way goes on. */
void sim_fota_load(struct sim *s)
{
	char p[SIM_PATH_MAX + 8], name[128] = "";
	int pct = 0;
	FILE *f;

	fota_path(s, p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return;
	if (fscanf(f, "%127s %d", name, &pct) >= 1) {
		snprintf(s->fota_file, sizeof(s->fota_file), "%s", name);
		s->fota_pct = pct >= 0 && pct <= 100 ? pct : 0;
		s->fota = FOTA_PENDING;
		s->fota_resumed = s->fota_pct > 0;
	}
	fclose(f);
}

static void urc(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void urc(struct sim *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sim_broadcast_at(s, buf);
}

/*
 * Check the delta against the running firmware: 0 or the END error code.
 * As a module does: the framing first (504), then the SHA-256 (505), then
 * what the header names (504 when unreadable, 510 for another source).
 */
static int delta_check(struct sim *s)
{
	char path[SIM_PATH_MAX + 160];
	uint8_t *buf = NULL, md[SHA256_DIGEST_LENGTH];
	struct delta_msg_header h;
	uint64_t plen, size;
	struct stat st;
	int err = 504;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ufs/%s", s->state, s->fota_file);
	f = fopen(path, "re");
	if (!f)
		return 502;
	if (fstat(fileno(f), &st) ||
	    st.st_size < DELTA_MSG_HDR + DELTA_MSG_SHA ||
	    (uint64_t)st.st_size > s->prof->ufs_total)
		goto out;
	size = (uint64_t)st.st_size;
	buf = malloc((size_t)size);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto out;
	if (delta_msg_frame(buf, (size_t)size, size, &plen) != 1)
		goto out;
	SHA256(buf, (size_t)delta_msg_digest_off(plen), md);
	if (memcmp(md, buf + delta_msg_digest_off(plen), DELTA_MSG_SHA)) {
		err = 505;
		goto out;
	}
	if (delta_msg_parse(buf, (size_t)size, size, &h) || !h.known)
		goto out;
	snprintf(s->fota_to, sizeof(s->fota_to), "%s", h.to);
	err = (strcmp(h.profile, s->prof->name) || strcmp(h.from, s->revision))
		      ? 510
		      : 0;
out:
	free(buf);
	fclose(f);
	return err;
}

static struct sim_port *urc_port(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->usb.nports; i++)
		if (s->usb.ports[i] && s->usb.ports[i]->urc)
			return s->usb.ports[i];
	return s->uart;
}

static void fota_finish(struct sim *s, int err)
{
	char p[SIM_PATH_MAX + 160];

	urc(s, "+QIND: \"FOTA\",\"END\",%d", err);
	if (!err) {
		sim_nand_set_revision(s, s->fota_to);
		snprintf(s->revision, sizeof(s->revision), "%s", s->fota_to);
		snprintf(p, sizeof(p), "%s/ufs/%s", s->state, s->fota_file);
		unlink(p);
	}
	fota_clear(s);
	sim_reboot(s, urc_port(s));
}

static void t_step(struct sim *s, long gen)
{
	if ((unsigned)gen != s->gen || s->fota != FOTA_RUNNING)
		return;
	if (sim_fault_once(s, "silent", "fota")) {
		sim_debug(s, "fota: silent (fault): the update hangs\n");
		return;
	}
	s->fota_pct += 10;
	if (s->fota_pct > 100)
		s->fota_pct = 100;
	fota_save(s);
	if (s->prof->fota_percent)
		urc(s, "+QIND: \"FOTA\",\"UPDATING\",%d%%", s->fota_pct);
	else
		urc(s, "+QIND: \"FOTA\",\"UPDATING\",%d", s->fota_pct);
	if (s->fota_pct >= 100) {
		fota_finish(s, 0);
		return;
	}
	sim_timer_add(s, sim_delay_ms(s, SIM_BUSY_OTHER, FOTA_STEP_MS), t_step,
		      gen);
}

/* Called once the module enumerated after the reboot QFOTADL asked for. */
void sim_fota_boot(struct sim *s)
{
	int err;

	if (s->fota_resumed)
		urc(s, "+QIND: \"FOTA\",\"Last upgrade was not "
		       "finished,continue upgrade\"");
	else
		urc(s, "+QIND: \"FOTA\",\"START\"");
	err = delta_check(s);
	if (err) {
		fota_finish(s, err);
		return;
	}
	s->fota = FOTA_RUNNING;
	s->fota_resumed = false;
	sim_timer_add(s, sim_delay_ms(s, SIM_BUSY_OTHER, FOTA_STEP_MS), t_step,
		      s->gen);
}

void sim_at_qfotadl(struct sim_port *p, const char *args)
{
	struct sim *s = p->s;
	const char *dir = s->prof->fota_dir;
	char a[2][128], path[SIM_PATH_MAX + 160];
	const char *name;
	struct stat st;

	if (sim_at_args(args, a, 2) != 1) {
		sim_at_error(p);
		return;
	}
	if (!strncasecmp(a[0], "http", 4) || !strncasecmp(a[0], "ftp", 3)) {
		sim_at_cme(p, 701); /* no network in the simulator */
		return;
	}
	if (strncmp(a[0], dir, strlen(dir))) {
		sim_at_cme(p, 405);
		return;
	}
	name = a[0] + strlen(dir);
	snprintf(path, sizeof(path), "%s/ufs/%s", s->state, name);
	if (!*name || strchr(name, '/') || name[0] == '.' || stat(path, &st) ||
	    !S_ISREG(st.st_mode)) {
		sim_at_cme(p, 405);
		return;
	}
	snprintf(s->fota_file, sizeof(s->fota_file), "%s", name);
	s->fota = FOTA_PENDING;
	s->fota_pct = 0;
	s->fota_resumed = false;
	fota_save(s);
	sim_at_ok(p);
	sim_reboot(s, p); /* "The module reboots immediately after OK" */
}
