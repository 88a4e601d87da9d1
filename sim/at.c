// SPDX-License-Identifier: BSD-3-Clause
/*
 * Normal-mode AT engine, one per AT-capable port (USB AT, modem port,
 * UART). Answers as real Quectel modules do (docs/protocols.md, AT):
 * information text as CR LF <line> CR LF ..., then CR LF OK CR LF.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sim/core.h"

void sim_at_reply(struct sim_port *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void sim_at_reply(struct sim_port *p, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sim_port_puts(p, "\r\n");
	sim_port_puts(p, buf);
	sim_port_puts(p, "\r\n");
}

void sim_at_ok(struct sim_port *p)
{
	sim_port_puts(p, "\r\nOK\r\n");
}

void sim_at_error(struct sim_port *p)
{
	sim_port_puts(p, "\r\nERROR\r\n");
}

void sim_at_cme(struct sim_port *p, int code)
{
	sim_at_reply(p, "+CME ERROR: %d", code);
}

void sim_at_reset(struct sim_at *at)
{
	if (at->up_fd >= 0)
		close(at->up_fd);
	memset(at, 0, sizeof(*at));
	at->echo = true;
	at->up_fd = -1;
}

/*
 * Split "a","b",3 into fields (quotes removed). Returns the count, or -1
 * for an unterminated quote or too many fields.
 */
int sim_at_args(const char *in, char out[][128], int max)
{
	int n = 0;

	if (!*in)
		return 0;
	for (;;) {
		size_t k = 0;

		if (n >= max)
			return -1;
		while (*in == ' ')
			in++;
		if (*in == '"') {
			in++;
			while (*in && *in != '"') {
				if (k + 1 >= 128)
					return -1;
				out[n][k++] = *in++;
			}
			if (*in != '"')
				return -1;
			in++;
		} else {
			while (*in && *in != ',') {
				if (k + 1 >= 128)
					return -1;
				out[n][k++] = *in++;
			}
			while (k && out[n][k - 1] == ' ')
				k--;
		}
		out[n++][k] = 0;
		while (*in == ' ')
			in++;
		if (!*in)
			return n;
		if (*in != ',')
			return -1;
		in++;
	}
}

/* "BG95M3LAR02A03" out of "BG95M3LAR02A03_01.009.01.009" */
static void baseline(const struct sim *s, char *buf, size_t cap)
{
	size_t n = strcspn(s->revision, "_");

	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s->revision, n);
	buf[n] = 0;
}

static bool parse_int(const char *str, long lo, long hi, long *v)
{
	char *end;

	if (!*str)
		return false;
	*v = strtol(str, &end, 10);
	return !*end && *v >= lo && *v <= hi;
}

static void at_qcfgext(struct sim_port *p, const char *args)
{
	struct sim *s = p->s;
	char a[4][128];
	int n = sim_at_args(args, a, 4);
	long v;

	if (!s->prof->qcfgext || n < 1)
		goto err;
	if (!strcasecmp(a[0], "disusb")) {
		if (n == 1) {
			sim_at_reply(p, "+QCFGEXT: \"disusb\",%d",
				     s->usb_enabled ? 0 : 1);
		} else if (n == 2 && parse_int(a[1], 0, 1, &v)) {
			/* takes effect from the next restart: only the setting changes */
			s->usb_enabled = v == 0;
			sim_settings_save(s);
		} else {
			goto err;
		}
		sim_at_ok(p);
		return;
	}
	if (!strcasecmp(a[0], "usb/event") && n == 1) {
		sim_at_reply(p, "+QCFGEXT: \"usb/event\",%d",
			     s->usb.present ? 0 : 1);
		sim_at_ok(p);
		return;
	}
	if (!strcasecmp(a[0], "usbnet") && n == 1) {
		sim_at_reply(p, "+QCFGEXT: \"usbnet\",\"modem\"");
		sim_at_ok(p);
		return;
	}
err:
	sim_at_error(p);
}

static void at_qcfg(struct sim_port *p, const char *args)
{
	const struct sim_profile *pr = p->s->prof;
	char a[12][128];
	int n = sim_at_args(args, a, 12);

	if (n < 1)
		goto err;
	if (!strcasecmp(a[0], "usbcfg") && n == 1) {
		sim_at_reply(p,
			     "+QCFG: \"usbcfg\",0x%04X,0x%04X,1,1,1,1,%d,0,0",
			     pr->vid, pr->pid, pr->nifaces > 4 ? 1 : 0);
		sim_at_ok(p);
		return;
	}
	if (!strcasecmp(a[0], "usbcfg") && n == 10) {
		sim_at_ok(
			p); /* accepted, never applied: keeps the sim's layout */
		return;
	}
	if (!strcasecmp(a[0], "secbootstat") && n == 1 &&
	    strstr(pr->secboot_cmd, "secbootstat")) {
		sim_at_reply(p, "+QCFG: \"secbootstat\",%d",
			     pr->secure_boot ? 1 : 0);
		sim_at_ok(p);
		return;
	}
	if (!strcasecmp(a[0], "usbnet") && n == 1) {
		sim_at_reply(p, "+QCFG: \"usbnet\",0");
		sim_at_ok(p);
		return;
	}
err:
	sim_at_error(p);
}

static void at_qsecboot(struct sim_port *p, const char *args)
{
	const struct sim_profile *pr = p->s->prof;
	char a[2][128];

	if (sim_at_args(args, a, 2) != 1 || strcasecmp(a[0], "status") ||
	    !strstr(pr->secboot_cmd, "QSECBOOT")) {
		sim_at_error(p);
		return;
	}
	sim_at_reply(p, "+QSECBOOT: \"status\",%d", pr->secure_boot ? 1 : 0);
	sim_at_ok(p);
}

static void at_qurccfg(struct sim_port *p, const char *args)
{
	char a[3][128];
	int n = sim_at_args(args, a, 3);

	if (n < 1 || strcasecmp(a[0], "urcport")) {
		sim_at_error(p);
		return;
	}
	if (n == 1)
		sim_at_reply(p, "+QURCCFG: \"urcport\",\"%s\"",
			     p->is_uart ? "uart1" : "usbat");
	else if (n != 2 ||
		 (strcasecmp(a[1], "usbat") && strcasecmp(a[1], "usbmodem") &&
		  strcasecmp(a[1], "uart1"))) {
		sim_at_error(p);
		return;
	}
	sim_at_ok(p);
}

static void at_cfun(struct sim_port *p, const char *rest)
{
	struct sim *s = p->s;
	char a[3][128];
	long fun, rst = 0;
	int n;

	if (!strcmp(rest, "?")) {
		sim_at_reply(p, "+CFUN: %d", s->cfun);
		sim_at_ok(p);
		return;
	}
	if (!strcmp(rest, "=?")) {
		sim_at_reply(p, "+CFUN: (0,1,4),(0,1)");
		sim_at_ok(p);
		return;
	}
	n = rest[0] == '=' ? sim_at_args(rest + 1, a, 3) : -1;
	if (n < 1 || n > 2 || !parse_int(a[0], 0, 4, &fun) || fun == 2 ||
	    fun == 3 || (n == 2 && !parse_int(a[1], 0, 1, &rst))) {
		sim_at_error(p);
		return;
	}
	sim_at_ok(p);
	if (rst) {
		sim_reboot(s,
			   p); /* the port vanishes once OK reached the host */
		return;
	}
	s->cfun = (int)fun;
}

/*
 * What ModemManager asks while it probes a port and builds its modem object
 * (docs/modemmanager.md): a module with an unlocked test SIM (it says
 * "+CPIN: READY" at boot), not registered, so MM lists it as "disabled"
 * with its identity loaded. Forms as in 3GPP TS 27.007 and Quectel's AT
 * manuals; the SIM's IMSI/ICCID are of the 3GPP test network (MCC 001).
 * Returns false for a command this table does not know.
 */
static bool at_mm_probe(struct sim_port *p, const char *name, const char *rest)
{
	static const struct {
		const char *name, *rest, *answer; /* answer NULL: bare OK */
	} tab[] = {
		{ "+CGMI", "", "Quectel" },
		{ "+GMI", "", "Quectel" },
		{ "+GCAP", "", "+GCAP: +CGSM" },
		{ "+WS46", "=?", "+WS46: (12,22,25,28,29,30,31)" },
		{ "+CREG", "?", "+CREG: 0,0" },
		{ "+CGREG", "?", "+CGREG: 0,0" },
		{ "+CEREG", "?", "+CEREG: 0,0" },
		{ "+CREG", "=?", "+CREG: (0-2)" },
		{ "+CGREG", "=?", "+CGREG: (0-2)" },
		{ "+CEREG", "=?", "+CEREG: (0-2,4)" },
		{ "+CNMI", "=?", "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)" },
		{ "+QFASTBOOT", "=?", NULL },
		{ "+CSQ", "", "+CSQ: 99,99" },
		{ "+COPS", "?", "+COPS: 0" },
		{ "+CMEE", "?", "+CMEE: 1" },
		{ "+CPIN", "?", "+CPIN: READY" },
		{ "+CIMI", "", "001010000000013" },
		{ "+CCID", "", "+CCID: 89001010000000000013" },
		{ "+QCCID", "", "+QCCID: 89001010000000000013" },
	};
	size_t i;
	long v;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(name, tab[i].name) || strcmp(rest, tab[i].rest))
			continue;
		if (tab[i].answer)
			sim_at_reply(p, "%s", tab[i].answer);
		sim_at_ok(p);
		return true;
	}
	if ((!strcmp(name, "+CGMM") || !strcmp(name, "+GMM")) && !*rest) {
		sim_at_reply(p, "%s", p->s->prof->model);
		sim_at_ok(p);
		return true;
	}
	/* the +CxREG=N URC settings and AT+CMEE=N are accepted as set */
	if ((!strcmp(name, "+CREG") || !strcmp(name, "+CGREG") ||
	     !strcmp(name, "+CEREG") || !strcmp(name, "+CMEE")) &&
	    rest[0] == '=' && parse_int(rest + 1, 0, 2, &v)) {
		sim_at_ok(p);
		return true;
	}
	return false;
}

static void at_ati(struct sim_port *p)
{
	char base[SIM_REV_MAX];

	baseline(p->s, base, sizeof(base));
	sim_at_reply(p, "Quectel\r\n%s\r\nRevision: %s", p->s->prof->model,
		     base);
	sim_at_ok(p);
}

/* name (upper case, up to '=' or '?') of an extended command */
static void cmd_name(const char *line, char *name, size_t cap,
		     const char **rest)
{
	size_t k = 0;

	while (line[k] && line[k] != '=' && line[k] != '?' && k + 1 < cap) {
		name[k] = (char)toupper((unsigned char)line[k]);
		k++;
	}
	name[k] = 0;
	*rest = line + k;
}

static void at_command(struct sim_port *p, char *line)
{
	struct sim *s = p->s;
	char name[32], base[SIM_REV_MAX];
	const char *rest;

	sim_debug(s, "%s: AT '%s'", p->name, line);
	if (strncasecmp(line, "AT", 2))
		return; /* not a command: modules stay quiet */
	line += 2;
	cmd_name(line, name, sizeof(name), &rest);
	if (!*line || !strcmp(name, "Z") || !strcmp(name, "V1") ||
	    !strcmp(name, "Q0") || !strcmp(name, "X4") ||
	    !strcmp(name, "&C1") || !strcmp(name, "&D2")) {
		sim_at_ok(p);
	} else if (!strcmp(name, "E0") || !strcmp(name, "E1") ||
		   !strcmp(name, "E")) {
		p->at.echo = name[1] == '1';
		sim_at_ok(p);
	} else if ((!strcmp(name, "I") || !strcmp(name, "I0")) && !*rest) {
		at_ati(p);
	} else if ((!strcmp(name, "+CGMR") || !strcmp(name, "+GMR")) &&
		   !*rest) {
		baseline(s, base, sizeof(base));
		sim_at_reply(p, "%s", base);
		sim_at_ok(p);
	} else if (!strcmp(name, "+QGMR") && (!*rest || !strcmp(rest, "?"))) {
		sim_at_reply(p, "%s", s->revision);
		sim_at_ok(p);
	} else if ((!strcmp(name, "+CGSN") || !strcmp(name, "+GSN")) &&
		   !*rest) {
		sim_at_reply(p, "%s", s->prof->imei);
		sim_at_ok(p);
	} else if (!strcmp(name, "+QCFGEXT") && *rest == '=') {
		at_qcfgext(p, rest + 1);
	} else if (!strcmp(name, "+QCFG") && *rest == '=') {
		at_qcfg(p, rest + 1);
	} else if (!strcmp(name, "+QSECBOOT") && *rest == '=') {
		at_qsecboot(p, rest + 1);
	} else if (!strcmp(name, "+QURCCFG") && *rest == '=') {
		at_qurccfg(p, rest + 1);
	} else if (!strcmp(name, "+CFUN")) {
		at_cfun(p, rest);
	} else if (!strcmp(name, "+QPOWD") &&
		   (!*rest || !strcmp(rest, "=1") || !strcmp(rest, "=0"))) {
		sim_at_ok(p);
		sim_at_reply(p, "POWERED DOWN");
		sim_shutdown(s, p);
	} else if (!strcmp(name, "+QFUPL") && *rest == '=') {
		sim_at_qfupl(p, rest + 1);
	} else if (!strcmp(name, "+QFOTADL") && *rest == '=') {
		sim_at_qfotadl(p, rest + 1);
	} else if (!strcmp(name, "+QFLST") || !strcmp(name, "+QFDEL") ||
		   !strcmp(name, "+QFLDS")) {
		sim_at_ufs(p, name, rest);
	} else if (!at_mm_probe(p, name, rest)) {
		sim_at_error(p);
	}
}

/* May this port take commands now? */
static bool at_live(const struct sim_port *p)
{
	const struct sim *s = p->s;

	if (p->gone || p->at.dead || s->mode != SIM_MODE_NORMAL || s->draining)
		return false;
	if (s->fota == FOTA_RUNNING)
		return false;
	return !(p->is_uart && s->rebooting);
}

void sim_at_input(struct sim_port *p, const uint8_t *buf, size_t len)
{
	struct sim_at *at = &p->at;
	size_t i = 0, start;

	while (i < len) {
		if (!at_live(p))
			return;
		if (at->upload) {
			i += sim_upload_input(p, buf + i, len - i);
			continue;
		}
		start = i;
		for (; i < len; i++) {
			uint8_t c = buf[i];

			if (c == '\r' || c == '\n') {
				i++;
				break;
			}
			if (c == 8 || c == 127) {
				if (at->len)
					at->len--;
			} else if (at->len < AT_MSG_LINE_MAX) {
				at->line[at->len++] = (char)c;
			} else {
				at->overflow = true;
			}
		}
		if (at->echo)
			sim_port_write(p, buf + start, i - start);
		if (i > start && (buf[i - 1] == '\r' || buf[i - 1] == '\n')) {
			bool over = at->overflow;

			at->line[at->len] = 0;
			at->len = 0;
			at->overflow = false;
			if (over)
				sim_at_error(p);
			else if (at->line[0])
				at_command(p, at->line);
		}
	}
}
