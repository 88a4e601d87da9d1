// SPDX-License-Identifier: BSD-3-Clause
/*
 * The whole FOTA operation against a scripted module (fake_module.c):
 * success across two restarts, every refusal and failure path, the clean
 * abort of an upload, resume after power loss, --url, no URCs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_module.h"
#include "ops/fota/fota.h"

struct capture {
	char warn[4096];
	char stages[256];
	char ended[256];   /* FOTA_EV_STAGE_END texts, in order */
	bool last_ok;	   /* the last stage_end's ok */
	uint64_t up_bytes; /* the upload stage's bytes */
	int urcs;
	int gone, back;
	char restarts[128]; /* FOTA_EV_RESTART texts */
	uint64_t up_done, up_total;
	int waits; /* waiting reports */
	unsigned wait_elapsed, wait_timeout;
	char wait_for[256];
};

static void cap_waiting(void *ctx, const char *what, unsigned elapsed_s,
			unsigned timeout_s)
{
	struct capture *c = ctx;

	c->waits++;
	c->wait_elapsed = elapsed_s;
	c->wait_timeout = timeout_s;
	snprintf(c->wait_for, sizeof(c->wait_for), "%s", what);
}

static void cap_emit(void *ctx, enum mf_level level, const char *msg)
{
	struct capture *c = ctx;

	if (level <= MF_LOG_WARN) {
		strncat(c->warn, msg, sizeof(c->warn) - strlen(c->warn) - 2);
		strcat(c->warn, "\n");
	}
}

static void cap_progress(void *ctx, const char *stage, uint64_t done,
			 uint64_t total)
{
	struct capture *c = ctx;

	if (!strcmp(stage, "upload")) {
		c->up_done = done;
		c->up_total = total;
	}
}

static void cap_event(void *ctx, const struct fota_event *ev)
{
	struct capture *c = ctx;

	switch (ev->kind) {
	case FOTA_EV_STAGE:
		strncat(c->stages, ev->text,
			sizeof(c->stages) - strlen(c->stages) - 2);
		strcat(c->stages, " ");
		break;
	case FOTA_EV_STAGE_END:
		assert_true(ev->end_ms >= ev->start_ms);
		strncat(c->ended, ev->text,
			sizeof(c->ended) - strlen(c->ended) - 2);
		strcat(c->ended, " ");
		c->last_ok = ev->ok;
		if (!strcmp(ev->text, "upload"))
			c->up_bytes = ev->bytes;
		break;
	case FOTA_EV_URC:
		c->urcs++;
		break;
	case FOTA_EV_PORT_GONE:
		c->gone++;
		break;
	case FOTA_EV_PORT_BACK:
		c->back++;
		break;
	case FOTA_EV_RESTART:
		strncat(c->restarts, ev->text,
			sizeof(c->restarts) - strlen(c->restarts) - 2);
		strcat(c->restarts, " ");
		break;
	}
}

struct env {
	struct fake_module m;
	struct capture cap;
	struct mf_log log;
	struct fota_opts o;
	struct fota_result res;
	struct mf_err err;
	char path[64];
};

enum head { H_GOOD, H_OTHER, H_FOREIGN, H_DAMAGED, H_NONE };

/* A delta file as tools/mkdelta writes it (wire/delta_msg.h), or another kind. */
static void write_delta(struct env *e, enum head h, size_t payload)
{
	uint8_t hdr[160] = { 0 };
	const char *from = h == H_OTHER ? "BG95M3LAR02A03_01.012.01.012"
					: "BG95M3LAR02A03_01.009.01.009";
	size_t hlen = 0, tail = 0;
	int fd;

	snprintf(e->path, sizeof(e->path), "/tmp/mf-fota-XXXXXX");
	fd = mkstemp(e->path);
	assert_true(fd >= 0);
	if (h == H_GOOD || h == H_OTHER || h == H_DAMAGED) {
		memcpy(hdr, "MFDELTA1", 8);
		memcpy(hdr + 8, "bg95-m3", 7);
		memcpy(hdr + 24, from, strlen(from));
		memcpy(hdr + 88, "BG95M3LAR02A03_01.014.01.014", 28);
		hdr[152] = (uint8_t)payload;
		hdr[153] = (uint8_t)(payload >> 8);
		hlen = h == H_DAMAGED ? 100 : 160;
		tail = h == H_DAMAGED ? 0 : 32;
	} else if (h == H_FOREIGN) {
		memcpy(hdr, "PK\003\004", 4);
		hlen = 4;
	}
	assert_int_equal(write(fd, hdr, hlen), (ssize_t)hlen);
	for (size_t i = 0; i < payload + tail; i++) {
		uint8_t b = (uint8_t)(i * 7 + 3);

		assert_int_equal(write(fd, &b, 1), 1);
	}
	close(fd);
}

#define GOOD  H_GOOD
#define OTHER H_OTHER

static struct env *setup_env(enum head head, size_t payload)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_module_init(&e->m);
	e->log.emit = cap_emit;
	e->log.progress = cap_progress;
	e->log.waiting = cap_waiting;
	e->log.ctx = &e->cap;
	e->log.max_level = MF_LOG_TRACE;
	e->o.port = "/dev/ttyS0";
	e->o.open = fake_module_open;
	e->o.open_ctx = &e->m;
	e->o.on_event = cap_event;
	e->o.ctx = &e->cap;
	e->o.cmd_timeout_ms = 500;
	e->o.upload_ack_ms = 500;
	e->o.reopen_ms = 2000;
	e->o.urc_ms = 500;
	e->o.total_ms = 20000;
	write_delta(e, head, payload);
	e->o.file = e->path;
	return e;
}

static int run(struct env *e)
{
	memset(&e->err, 0, sizeof(e->err));
	return fota_run(&e->o, &e->log, &e->res, &e->err);
}

static void done(struct env *e)
{
	unlink(e->path);
	free(e);
}

static void test_success_across_restarts(void **state)
{
	struct env *e = setup_env(GOOD, 5000);

	assert_int_equal(run(e), 0);
	assert_string_equal(e->res.model, "BG95-M3");
	assert_string_equal(e->res.from, "BG95M3LAR02A03_01.009.01.009");
	assert_string_equal(e->res.to, "BG95M3LAR02A03_01.014.01.014");
	assert_string_equal(e->res.expected, "BG95M3LAR02A03_01.014.01.014");
	assert_int_equal(e->res.fota_code, 0);
	assert_int_equal(e->res.bytes, 160 + 5000 + 32);
	assert_int_equal(e->res.reboots, 2);
	assert_false(e->res.resumed);
	assert_string_equal(e->m.last_qfotadl,
			    "\"/cache/ufs/dfota_update.bin\"");
	assert_int_equal(e->m.n_qfupl, 1);
	assert_int_equal(e->m.n_qfdel, 0);
	assert_int_equal(e->cap.up_done, e->cap.up_total);
	assert_string_equal(
		e->cap.stages,
		"identify preflight space upload start update verify ");
	/* every stage ends, once, in order; the upload counts the delta */
	assert_string_equal(e->cap.ended, e->cap.stages);
	assert_true(e->cap.last_ok);
	assert_int_equal(e->cap.up_bytes, e->res.bytes);
	assert_true(e->cap.urcs >= 5);
	assert_int_equal(e->cap.gone, 2);
	assert_int_equal(e->cap.back, 2);
	/* START and RDY after a vanished port are the same restarts */
	assert_string_equal(e->cap.restarts, "port port ");
	/* BG95's path is not confirmed on real modules: said so */
	assert_non_null(strstr(e->cap.warn, "not confirmed"));
	done(e);
}

static void test_payload_multiple_of_kib(void **state)
{
	struct env *e = setup_env(H_NONE, 4096);

	assert_int_equal(run(e), 0);
	assert_int_equal(e->res.bytes, 4096);
	done(e);
}

static void test_mismatch_refused_before_upload(void **state)
{
	struct env *e = setup_env(OTHER, 3000);

	assert_int_equal(run(e), -EPERM);
	assert_int_equal(e->err.status, MF_REFUSED);
	assert_non_null(strstr(e->err.msg, "BG95M3LAR02A03_01.012.01.012"));
	assert_non_null(strstr(e->err.msg, "BG95M3LAR02A03_01.009.01.009"));
	assert_non_null(strstr(e->err.hint, "--force"));
	assert_int_equal(e->m.n_qfupl, 0);
	assert_int_equal(e->m.n_qfotadl, 0);
	done(e);
}

static void test_already_at_target(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	snprintf(e->m.rev, sizeof(e->m.rev), "BG95M3LAR02A03_01.014.01.014");
	assert_int_equal(run(e), -EALREADY);
	assert_int_equal(e->err.status, MF_REFUSED);
	assert_non_null(strstr(e->err.msg,
			       "already runs BG95M3LAR02A03_01.014.01.014"));
	assert_int_equal(e->m.n_qfupl, 0);
	done(e);
}

static void test_forced_mismatch_module_says_510(void **state)
{
	struct env *e = setup_env(OTHER, 3000);

	e->o.force = true;
	e->m.end_code = 510;
	assert_int_equal(run(e), -EIO);
	assert_int_equal(e->err.status, MF_FAILED);
	assert_non_null(strstr(e->err.msg, "error 510"));
	assert_non_null(strstr(e->err.msg,
			       "does not match the module's current firmware"));
	assert_int_equal(e->res.fota_code, 510);
	assert_non_null(strstr(e->cap.warn, "--force"));
	assert_string_equal(e->m.rev, "BG95M3LAR02A03_01.009.01.009");
	done(e);
}

static void test_no_space(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.ufs_free = 10000;
	assert_int_equal(run(e), -ENOSPC);
	assert_int_equal(e->err.status, MF_FAILED);
	assert_non_null(strstr(e->err.msg, "only 10000 of 16777216 are free"));
	assert_non_null(strstr(e->err.hint, "AT+QFDEL"));
	assert_int_equal(e->m.n_qfupl, 0);
	done(e);
}

static void test_stale_copy_deleted_and_counted(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.file_present = true;
	e->m.stale = 200000;
	e->m.ufs_free = 1000; /* fits only once the old copy is gone */
	assert_int_equal(run(e), 0);
	assert_int_equal(e->m.n_qfdel, 1);
	assert_int_equal(e->m.n_qfupl, 1);
	done(e);
}

static void test_checksum_mismatch_cleans_up(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.bad_sum = true;
	assert_true(run(e) < 0);
	assert_int_equal(e->err.status, MF_MISMATCH);
	assert_non_null(strstr(e->err.msg, "checksum"));
	assert_non_null(strstr(e->err.msg, "partial file was deleted"));
	assert_non_null(
		strstr(e->err.hint, "re-running the same command is safe"));
	assert_int_equal(e->m.n_qfdel, 1);
	assert_false(e->m.file_present);
	assert_int_equal(e->m.n_qfotadl, 0);
	done(e);
}

static void test_drop_mid_upload_then_rerun(void **state)
{
	struct env *e = setup_env(GOOD, 5000);

	e->m.drop_upload_at = 2500;
	assert_int_equal(run(e), -ENODEV);
	assert_int_equal(e->err.status, MF_FAILED);
	assert_non_null(strstr(e->err.msg, "the port vanished"));
	assert_non_null(strstr(e->err.msg, "stopped after"));
	assert_non_null(strstr(e->err.msg, "partial file was deleted"));
	assert_false(e->m.file_present);
	assert_int_equal(e->m.n_qfotadl, 0);
	/* the fault fires once: the same command now succeeds */
	assert_int_equal(run(e), 0);
	assert_string_equal(e->res.to, "BG95M3LAR02A03_01.014.01.014");
	done(e);
}

static void test_uart_goes_quiet_mid_upload(void **state)
{
	struct env *e = setup_env(GOOD, 5000);

	e->m.mute_upload_at = 2048;
	assert_int_equal(run(e), -ETIMEDOUT);
	assert_int_equal(e->err.status, MF_TIMEOUT);
	assert_non_null(strstr(e->err.msg, "stopped acknowledging"));
	assert_non_null(strstr(e->err.msg, "could not be deleted yet"));
	assert_non_null(strstr(e->err.msg, "firmware is unchanged"));
	assert_non_null(strstr(e->err.hint, "power-cycle"));
	assert_int_equal(e->m.n_qfotadl, 0);
	/* after a power-cycle the re-run deletes the partial copy first */
	e->m.mute = false;
	e->m.uploading = false;
	e->m.out_len = 0;
	e->m.cmd_len = 0;
	e->m.gen++;
	assert_int_equal(run(e), 0);
	assert_int_equal(e->m.n_qfdel, 1);
	done(e);
}

/* The port never comes back after AT+QFOTADL's restart: said every 4 s. */
static struct link *open_once(const char *path, const struct mf_log *log,
			      struct mf_err *err, void *ctx)
{
	struct fake_module *m = ctx;

	if (m->n_qfotadl)
		return NULL; /* gone for good after the restart */
	return fake_module_open(path, log, err, ctx);
}

static void test_port_that_never_comes_back_is_waited_for_in_view(void **s)
{
	struct env *e = setup_env(GOOD, 3000);

	(void)s;
	e->o.open = open_once;
	e->o.reopen_ms = 4500;
	assert_int_equal(run(e), -ETIMEDOUT);
	assert_int_equal(e->err.status, MF_TIMEOUT);
	assert_non_null(strstr(e->err.msg, "did not come back within 4 s"));
	assert_int_equal(e->cap.waits, 1);
	assert_int_equal(e->cap.wait_elapsed, 4);
	assert_int_equal(e->cap.wait_timeout, 5);
	assert_string_equal(e->cap.wait_for,
			    "/dev/ttyS0 to come back after the restart");
	done(e);
}

/* Back after the update, but its AT port says nothing: said every 4 s. */
static struct link *open_mute_after(const char *path, const struct mf_log *log,
				    struct mf_err *err, void *ctx)
{
	struct fake_module *m = ctx;

	if (!strcmp(m->rev, m->target))
		m->mute = true; /* the new firmware came up deaf */
	return fake_module_open(path, log, err, ctx);
}

static void test_mute_after_update_is_waited_for_in_view(void **s)
{
	struct env *e = setup_env(GOOD, 3000);

	(void)s;
	e->o.open = open_mute_after;
	e->o.reopen_ms = 4500;
	assert_int_equal(run(e), -ETIMEDOUT);
	assert_int_equal(e->err.status, MF_TIMEOUT);
	assert_non_null(strstr(e->err.msg, "did not answer AT+QGMR after"));
	assert_true(e->cap.waits >= 1);
	assert_string_equal(e->cap.wait_for,
			    "the module to answer AT+QGMR after the update");
	assert_int_equal(e->cap.wait_timeout, 5);
	done(e);
}

static void test_power_lost_while_updating_resumes(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.power_cut = true;
	assert_int_equal(run(e), 0);
	assert_true(e->res.resumed);
	assert_int_equal(e->res.reboots, 3);
	assert_string_equal(e->cap.restarts, "port port port ");
	assert_string_equal(e->res.to, "BG95M3LAR02A03_01.014.01.014");
	done(e);
}

/* A UART stays open across restarts: the boot reports count them. */
static void test_uart_restarts_seen_in_boot_reports(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.uart = true;
	e->m.power_cut = true;
	assert_int_equal(run(e), 0);
	assert_true(e->res.resumed);
	assert_int_equal(e->cap.gone, 0);
	assert_int_equal(e->m.n_open, 1);
	assert_string_equal(e->cap.restarts, "START CONTINUE RDY ");
	assert_int_equal(e->res.reboots, 3);
	assert_string_equal(e->res.to, "BG95M3LAR02A03_01.014.01.014");
	done(e);
}

static void test_url_download_error(void **state)
{
	struct env *e = setup_env(H_NONE, 1);

	e->o.file = NULL;
	e->o.url = "http://example.invalid/d.bin";
	e->m.http_end = 701;
	assert_int_equal(run(e), -EIO);
	assert_non_null(strstr(e->err.msg, "HTTP"));
	assert_non_null(strstr(e->err.msg, "701"));
	assert_string_equal(e->m.last_qfotadl,
			    "\"http://example.invalid/d.bin\"");
	assert_int_equal(e->m.n_qfupl, 0);
	done(e);
}

static void test_url_success(void **state)
{
	struct env *e = setup_env(H_NONE, 1);

	e->o.file = NULL;
	e->o.url = "http://example.invalid/d.bin";
	assert_int_equal(run(e), 0);
	assert_string_equal(e->res.to, "BG95M3LAR02A03_01.014.01.014");
	assert_string_equal(e->res.expected, "");
	done(e);
}

static void test_unknown_model_needs_dir(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.model = "EC200U-CN";
	assert_int_equal(run(e), -ENOTSUP);
	assert_non_null(strstr(e->err.msg, "EC200U-CN"));
	assert_non_null(strstr(e->err.hint, "--fota-dir"));
	e->o.fota_dir = "/data/ufs";
	assert_int_equal(run(e), 0);
	assert_string_equal(e->m.last_qfotadl,
			    "\"/data/ufs/dfota_update.bin\"");
	done(e);
}

static void test_urcs_elsewhere_still_confirmed(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.no_urcs = true;
	assert_int_equal(run(e), 0);
	assert_non_null(strstr(e->cap.warn, "AT+QURCCFG"));
	done(e);
}

static void test_foreign_delta_uploaded_with_warning(void **state)
{
	struct env *e = setup_env(H_FOREIGN, 3000);

	assert_int_equal(run(e), 0);
	assert_non_null(strstr(e->cap.warn, "module will judge"));
	assert_string_equal(e->res.expected, "");
	done(e);
}

static void test_damaged_header_is_bad_package(void **state)
{
	struct env *e = setup_env(H_DAMAGED, 0);

	assert_int_equal(run(e), -EBADMSG);
	assert_int_equal(e->err.status, MF_BAD_PACKAGE);
	assert_int_equal(e->m.n_open, 0);
	done(e);
}

static void test_success_but_old_revision(void **state)
{
	struct env *e = setup_env(GOOD, 3000);

	e->m.target = "BG95M3LAR02A03_01.009.01.009";
	assert_int_equal(run(e), -EIO);
	assert_int_equal(e->err.status, MF_MISMATCH);
	assert_non_null(
		strstr(e->err.msg, "expected BG95M3LAR02A03_01.014.01.014"));
	done(e);
}

static void test_bad_options(void **state)
{
	struct env *e = setup_env(GOOD, 10);

	e->o.url = "http://x/y";
	assert_int_equal(run(e), -EINVAL);
	assert_int_equal(e->err.status, MF_USAGE);
	e->o.url = NULL;
	e->o.name = "a\"b";
	assert_int_equal(run(e), -EINVAL);
	done(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_across_restarts),
		cmocka_unit_test(test_payload_multiple_of_kib),
		cmocka_unit_test(test_mismatch_refused_before_upload),
		cmocka_unit_test(test_already_at_target),
		cmocka_unit_test(test_forced_mismatch_module_says_510),
		cmocka_unit_test(test_no_space),
		cmocka_unit_test(test_stale_copy_deleted_and_counted),
		cmocka_unit_test(test_checksum_mismatch_cleans_up),
		cmocka_unit_test(test_drop_mid_upload_then_rerun),
		cmocka_unit_test(test_uart_goes_quiet_mid_upload),
		cmocka_unit_test(
			test_port_that_never_comes_back_is_waited_for_in_view),
		cmocka_unit_test(test_mute_after_update_is_waited_for_in_view),
		cmocka_unit_test(test_power_lost_while_updating_resumes),
		cmocka_unit_test(test_uart_restarts_seen_in_boot_reports),
		cmocka_unit_test(test_url_download_error),
		cmocka_unit_test(test_url_success),
		cmocka_unit_test(test_unknown_model_needs_dir),
		cmocka_unit_test(test_urcs_elsewhere_still_confirmed),
		cmocka_unit_test(test_foreign_delta_uploaded_with_warning),
		cmocka_unit_test(test_damaged_header_is_bad_package),
		cmocka_unit_test(test_success_but_old_revision),
		cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
