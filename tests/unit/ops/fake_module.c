// SPDX-License-Identifier: BSD-3-Clause
/* A scripted module for the FOTA operation tests (see fake_module.h). */
#include "fake_module.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_link {
	struct link l;
	struct fake_module *m;
	unsigned gen;
};

/* URC script positions */
enum {
	S_IDLE = -1,
	S_REBOOT1 = 0,
	S_START,
	S_UPD10,
	S_UPD40,
	S_UPD100,
	S_END,
	S_REBOOT2,
	S_RDY,
	S_CONTINUE = 20,
	S_HTTPSTART = 30,
	S_HTTPEND,
	S_FAIL_REBOOT = 40,
	S_FAIL_RDY
};

void fake_module_init(struct fake_module *m)
{
	memset(m, 0, sizeof(*m));
	m->model = "BG95-M3";
	snprintf(m->rev, sizeof(m->rev), "BG95M3LAR02A03_01.009.01.009");
	m->target = "BG95M3LAR02A03_01.014.01.014";
	m->ufs_free = 8 * 1024 * 1024;
	m->ufs_total = 16 * 1024 * 1024;
	m->drop_upload_at = -1;
	m->mute_upload_at = -1;
	m->fota_step = S_IDLE;
}

static void put(struct fake_module *m, const char *s)
{
	size_t n = strlen(s);

	if (m->out_len + n <= sizeof(m->out)) {
		memcpy(m->out + m->out_len, s, n);
		m->out_len += n;
	}
}

static void putf(struct fake_module *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct fake_module *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(m, buf);
}

static void urc(struct fake_module *m, const char *body)
{
	putf(m, "\r\n+QIND: \"FOTA\",%s\r\n", body);
}

static void restart(struct fake_module *m)
{
	m->gen++;
	m->out_len = 0;
	m->uploading = false;
	m->cmd_len = 0;
}

static bool step(struct fake_module *m);

/*
 * A restart of the update script: on USB the link vanishes (true); on a
 * UART (m->uart) it stays and only the boot reports that follow show it.
 */
static bool boot(struct fake_module *m)
{
	if (!m->uart) {
		restart(m);
		return true;
	}
	m->out_len = 0;
	m->cmd_len = 0;
	m->uploading = false;
	return step(m); /* the next report of the script at once */
}

/* One step of the update script; true when the link vanished. */
static bool step(struct fake_module *m)
{
	switch (m->fota_step) {
	case S_REBOOT1:
		m->fota_step = S_START;
		return boot(m);
	case S_START:
		urc(m, "\"START\"");
		m->fota_step = m->end_code == 510 ? S_END : S_UPD10;
		return false;
	case S_UPD10:
		urc(m, "\"UPDATING\",10%");
		m->fota_step = S_UPD40;
		return false;
	case S_UPD40:
		urc(m, "\"UPDATING\",40%");
		m->fota_step = S_UPD100;
		if (m->power_cut) {
			m->power_cut = false;
			m->fota_step = S_CONTINUE;
			return boot(m);
		}
		return false;
	case S_CONTINUE:
		urc(m, "\"Last upgrade was not finished,continue upgrade\"");
		m->fota_step = S_UPD40;
		return false;
	case S_UPD100:
		urc(m, "\"UPDATING\",100");
		m->fota_step = S_END;
		return false;
	case S_END:
		putf(m, "\r\n+QIND: \"FOTA\",\"END\",%d\r\n", m->end_code);
		if (!m->end_code)
			snprintf(m->rev, sizeof(m->rev), "%s", m->target);
		m->fota_step = S_REBOOT2;
		return false;
	case S_REBOOT2:
		m->fota_step = S_RDY;
		return boot(m);
	case S_RDY:
		put(m, "\r\nRDY\r\n\r\nAPP RDY\r\n");
		m->fota_step = S_IDLE;
		return false;
	case S_HTTPSTART:
		urc(m, "\"HTTPSTART\"");
		m->fota_step = S_HTTPEND;
		return false;
	case S_HTTPEND:
		putf(m, "\r\n+QIND: \"FOTA\",\"HTTPEND\",%d\r\n", m->http_end);
		m->fota_step = m->http_end ? S_IDLE : S_REBOOT1;
		return false;
	default:
		return false;
	}
}

static int fake_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct fake_link *fl = (struct fake_link *)l;
	struct fake_module *m = fl->m;
	size_t n;

	if (fl->gen != m->gen)
		return -ENODEV;
	if (m->mute)
		return -ETIMEDOUT;
	if (!m->out_len && step(m))
		return -ENODEV;
	if (!m->out_len)
		return -ETIMEDOUT;
	n = len < m->out_len ? len : m->out_len;
	memcpy(buf, m->out, n);
	memmove(m->out, m->out + n, m->out_len - n);
	m->out_len -= n;
	return (int)n;
}

static void sum_byte(struct fake_module *m, uint8_t b)
{
	if (m->up_has_odd) {
		m->up_sum ^= (uint16_t)(m->up_odd << 8 | b);
		m->up_has_odd = false;
	} else {
		m->up_odd = b;
		m->up_has_odd = true;
	}
}

static bool upload_byte(struct fake_module *m, uint8_t b)
{
	if (m->drop_upload_at >= 0 && (long)m->up_got >= m->drop_upload_at) {
		m->drop_upload_at = -1;
		m->file_present = true; /* the partial file stays */
		m->stale = m->up_got;
		restart(m);
		return false;
	}
	if (m->mute_upload_at >= 0 && (long)m->up_got >= m->mute_upload_at) {
		m->mute_upload_at = -1;
		m->mute = true;
		m->file_present = true;
		m->stale = m->up_got;
	}
	if (m->mute)
		return false;
	sum_byte(m, b);
	m->up_got++;
	/* one 'A' per 1024 bytes received, the last full KiB included */
	if (m->up_got % 1024 == 0)
		put(m, "A");
	if (m->up_got == m->up_size) {
		uint16_t sum = m->up_sum;

		if (m->up_has_odd)
			sum ^= (uint16_t)(m->up_odd << 8);
		if (m->bad_sum)
			sum ^= 0x1234;
		putf(m, "\r\n+QFUPL: %llu,%x\r\n\r\nOK\r\n",
		     (unsigned long long)m->up_size, sum);
		m->uploading = false;
		m->file_present = true;
		m->stale = m->up_size;
	}
	return true;
}

static void cmd_qfupl(struct fake_module *m, const char *args)
{
	const char *comma = strchr(args, ',');

	m->n_qfupl++;
	if (m->file_present || !comma) {
		put(m, "\r\n+CME ERROR: 407\r\n");
		return;
	}
	m->up_size = strtoull(comma + 1, NULL, 10);
	m->up_got = 0;
	m->up_sum = 0;
	m->up_has_odd = false;
	m->uploading = true;
	put(m, "\r\nCONNECT\r\n");
}

static void command(struct fake_module *m, const char *c)
{
	if (!strcmp(c, "AT") || !strcmp(c, "ATE0")) {
		put(m, "\r\nOK\r\n");
	} else if (!strcmp(c, "ATI")) {
		putf(m,
		     "\r\nQuectel\r\n%s\r\nRevision: "
		     "BG95M3LAR02A03\r\n\r\nOK\r\n",
		     m->model);
	} else if (!strcmp(c, "AT+QGMR")) {
		putf(m, "\r\n%s\r\n\r\nOK\r\n", m->rev);
	} else if (!strcmp(c, "AT+CGSN") || !strcmp(c, "AT+GSN")) {
		put(m, "\r\n866123456789012\r\n\r\nOK\r\n");
	} else if (!strncmp(c, "AT+QFLST=", 9)) {
		if (m->file_present)
			putf(m,
			     "\r\n+QFLST: "
			     "\"UFS:dfota_update.bin\",%llu\r\n\r\nOK\r\n",
			     (unsigned long long)m->stale);
		else
			put(m, "\r\n+CME ERROR: 417\r\n");
	} else if (!strncmp(c, "AT+QFLDS=", 9)) {
		putf(m, "\r\n+QFLDS: %llu,%llu\r\n\r\nOK\r\n",
		     (unsigned long long)m->ufs_free,
		     (unsigned long long)m->ufs_total);
	} else if (!strncmp(c, "AT+QFDEL=", 9)) {
		m->n_qfdel++;
		put(m,
		    m->file_present ? "\r\nOK\r\n" : "\r\n+CME ERROR: 417\r\n");
		m->file_present = false;
	} else if (!strncmp(c, "AT+QFUPL=", 9)) {
		cmd_qfupl(m, c + 9);
	} else if (!strncmp(c, "AT+QFOTADL=", 11)) {
		m->n_qfotadl++;
		snprintf(m->last_qfotadl, sizeof(m->last_qfotadl), "%s",
			 c + 11);
		put(m, "\r\nOK\r\n");
		if (m->no_urcs)
			snprintf(m->rev, sizeof(m->rev), "%s", m->target);
		else
			m->fota_step =
				c[11] == '"' && !strncmp(c + 12, "http", 4)
					? S_HTTPSTART
					: S_REBOOT1;
	} else {
		put(m, "\r\nERROR\r\n");
	}
}

static int fake_write(struct link *l, const void *buf, size_t len,
		      int timeout_ms)
{
	struct fake_link *fl = (struct fake_link *)l;
	struct fake_module *m = fl->m;
	const uint8_t *p = buf;

	/* a module about to restart goes down before it answers */
	if (!m->out_len && !m->uploading &&
	    (m->fota_step == S_REBOOT1 || m->fota_step == S_REBOOT2))
		step(m);
	for (size_t i = 0; i < len; i++) {
		if (fl->gen != m->gen)
			return -ENODEV;
		if (m->mute)
			continue;
		if (m->uploading) {
			upload_byte(m, p[i]);
			continue;
		}
		if (p[i] == '\r') {
			m->cmd[m->cmd_len] = '\0';
			if (m->cmd_len)
				command(m, m->cmd);
			m->cmd_len = 0;
		} else if (p[i] != '\n' && m->cmd_len < sizeof(m->cmd) - 1) {
			m->cmd[m->cmd_len++] = (char)p[i];
		}
	}
	return fl->gen != m->gen ? -ENODEV : (int)len;
}

static void fake_close(struct link *l)
{
	free(l);
}

static const struct link_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
	.close = fake_close,
};

struct link *fake_module_open(const char *path, const struct mf_log *log,
			      struct mf_err *err, void *ctx)
{
	struct fake_module *m = ctx;
	struct fake_link *fl = calloc(1, sizeof(*fl));

	if (!fl)
		return NULL;
	fl->l.ops = &fake_ops;
	fl->l.kind = LINK_FAKE;
	snprintf(fl->l.name, sizeof(fl->l.name), "%s", path);
	fl->l.log = log;
	fl->m = m;
	fl->gen = m->gen;
	m->n_open++;
	return &fl->l;
}
