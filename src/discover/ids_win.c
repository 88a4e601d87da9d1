// SPDX-License-Identifier: BSD-3-Clause
/*
 * Windows discovery without Win32 (discover/ids_win.h): parsing the
 * strings SetupAPI gives (instance, hardware and compatible IDs, location
 * paths) and joining the records into a scan. Every string is untrusted:
 * parsed with bounds; a token that does not parse leaves the field unset.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discover/ids_win.h"

/* Hex digits of s up to len (exactly len when exact), or -1. */
static int hex_field(const char *s, size_t len, bool exact)
{
	char buf[8];
	size_t n = 0;

	while (n < len && isxdigit((unsigned char)s[n]))
		n++;
	if (!n || (exact && n != len) || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (int)strtol(buf, NULL, 16);
}

static bool token_is(const char *t, size_t tlen, const char *key)
{
	size_t k = strlen(key);

	if (tlen <= k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (toupper((unsigned char)t[i]) != key[i])
			return false;
	return true;
}

int mf_win_parse_ids(const char *id, struct mf_win_ids *out)
{
	const char *p, *end;
	int parts = 0;

	out->vid = out->pid = out->rev = out->mi = -1;
	if (!id)
		return -EINVAL;
	/* skip the enumerator ("USB\"), read the device part only */
	p = strchr(id, '\\');
	p = p ? p + 1 : id;
	end = p + strcspn(p, "\\");
	while (p < end && parts++ < 16) {
		size_t t = strcspn(p, "&+\\");

		if (p + t > end)
			t = (size_t)(end - p);
		if (token_is(p, t, "VID_"))
			out->vid = hex_field(p + 4, 4, true);
		else if (token_is(p, t, "PID_"))
			out->pid = hex_field(p + 4, 4, true);
		else if (token_is(p, t, "REV_"))
			out->rev = hex_field(p + 4, 4, true);
		else if (token_is(p, t, "MI_"))
			out->mi = hex_field(p + 3, 2, true);
		p += t;
		if (p < end)
			p++;
	}
	return out->vid < 0 || out->pid < 0 ? -EINVAL : 0;
}

/* the hex after key ("Class_") anywhere in s, or -1 */
static int class_field(const char *s, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = s; *p; p++) {
		if (p != s && p[-1] != '\\' && p[-1] != '&')
			continue;
		if (!strncasecmp(p, key, k))
			return hex_field(p + k, 2, true);
	}
	return -1;
}

int mf_win_parse_class(const char *compat, uint8_t *cls, uint8_t *sub,
		       uint8_t *proto)
{
	int c, s, pr;

	if (!compat)
		return -EINVAL;
	c = class_field(compat, "Class_");
	if (c < 0)
		return -EINVAL;
	s = class_field(compat, "SubClass_");
	pr = class_field(compat, "Prot_");
	*cls = (uint8_t)c;
	*sub = s < 0 ? 0 : (uint8_t)s;
	*proto = pr < 0 ? 0 : (uint8_t)pr;
	return 0;
}

void mf_win_enumerator(const char *id, char *out, size_t cap)
{
	size_t n = strcspn(id ? id : "", "\\");

	if (!id || !id[n] || n >= cap)
		n = 0;
	snprintf(out, cap, "%.*s", (int)n, n ? id : "");
}

void mf_win_instance_serial(const char *instance, char *out, size_t cap)
{
	const char *last = instance ? strrchr(instance, '\\') : NULL;

	out[0] = '\0';
	if (!last || !last[1] || strchr(last, '&') || strlen(last + 1) >= cap)
		return;
	snprintf(out, cap, "%s", last + 1);
}

int mf_win_device_location(const char *loc, char *out, size_t cap)
{
	const char *mi;
	size_t n;

	if (!loc || !strstr(loc, "#USB("))
		return -EINVAL;
	mi = strstr(loc, "#USBMI(");
	n = mi ? (size_t)(mi - loc) : strlen(loc);
	if (n >= cap)
		return -ENAMETOOLONG;
	snprintf(out, cap, "%.*s", (int)n, loc);
	return 0;
}

bool mf_win_is_com_name(const char *s)
{
	size_t i = 3;

	if (!s)
		return false;
	if (!strncmp(s, "\\\\.\\", 4))
		s += 4;
	if (strncasecmp(s, "COM", 3) || !isdigit((unsigned char)s[3]) ||
	    s[3] == '0')
		return false;
	while (isdigit((unsigned char)s[i]))
		i++;
	return !s[i] && i <= 6;
}

/* Is dev (an interface or port node) below the device node usb? */
static bool child_of(const struct mf_win_dev *c, const struct mf_win_dev *usb,
		     const char *usbloc)
{
	char loc[200];

	if (c == usb)
		return false;
	if (c->parent[0])
		return !strcasecmp(c->parent, usb->instance);
	/* no parent known (an older API, Wine): an interface of the same
	 * device sits at the same location plus #USBMI(n) */
	return usbloc[0] && c->location[0] &&
	       mf_win_device_location(c->location, loc, sizeof(loc)) == 0 &&
	       !strcmp(loc, usbloc) && strcmp(c->location, usbloc) != 0;
}

static void add_port(struct mf_usb_dev *d, const struct mf_win_dev *r, int num)
{
	struct mf_port *p;

	if (d->nports >= MF_MAX_IFACES)
		return;
	p = &d->ports[d->nports++];
	memset(p, 0, sizeof(*p));
	p->num = num;
	mf_win_parse_class(r->compat, &p->cls, &p->sub, &p->proto);
	snprintf(p->driver, sizeof(p->driver), "%s", r->service);
	if (r->port[0]) {
		snprintf(p->tty, sizeof(p->tty), "%s", r->port);
		snprintf(p->dev, sizeof(p->dev), "%s", r->port);
	}
}

static int cmp_port(const void *a, const void *b)
{
	return ((const struct mf_port *)a)->num -
	       ((const struct mf_port *)b)->num;
}

/* Text fields are informative: a long one is cut, never overrun. */
static void copy(char *out, size_t cap, const char *s)
{
	size_t n = strnlen(s, cap - 1);

	memcpy(out, s, n);
	out[n] = '\0';
}

/*
 * The USB path is the location path, as Device Manager shows it (-d takes
 * it). One behind many hubs may not fit: then from the root hub on, which
 * is still unique on most machines (one USB controller).
 */
static void set_path(struct mf_usb_dev *d, const char *loc)
{
	const char *root = strstr(loc, "USBROOT(");

	copy(d->path, sizeof(d->path),
	     strlen(loc) >= sizeof(d->path) && root ? root : loc);
}

/* One USB device node (no MI_) and what hangs below it. */
static void build_device(const struct mf_win_dev *devs, size_t n,
			 const struct mf_win_dev *u,
			 const struct mf_win_ids *ids, struct mf_usb_dev *d)
{
	char usbloc[200] = "";
	struct mf_win_ids ci;
	char en[16];

	memset(d, 0, sizeof(*d));
	d->vid = (uint16_t)ids->vid;
	d->pid = (uint16_t)ids->pid;
	if (mf_win_parse_ids(u->hwid, &ci) == 0 && ci.rev >= 0)
		d->bcd = (uint16_t)ci.rev;
	d->busnum = d->devnum = -1;
	if (mf_win_device_location(u->location, usbloc, sizeof(usbloc)) == 0)
		set_path(d, usbloc);
	else /* no location path: the instance ID is still unique */
		copy(d->path, sizeof(d->path), u->instance);
	mf_win_instance_serial(u->instance, d->serial, sizeof(d->serial));
	copy(d->manufacturer, sizeof(d->manufacturer), u->mfg);
	copy(d->product, sizeof(d->product), u->friendly);
	/* a single-function device is its own port (QDLoader, CP210x) */
	if (u->port[0])
		add_port(d, u, 0);
	for (size_t i = 0; i < n; i++) {
		const struct mf_win_dev *c = &devs[i];

		if (!child_of(c, u, usbloc))
			continue;
		mf_win_enumerator(c->instance, en, sizeof(en));
		if (mf_win_parse_ids(c->instance, &ci) == 0 && ci.mi >= 0 &&
		    !strcasecmp(en, "USB"))
			add_port(d, c, ci.mi);
		else if (c->port[0] && !u->port[0]) /* FTDIBUS\...\0000 */
			add_port(d, c, 0);
	}
	qsort(d->ports, d->nports, sizeof(d->ports[0]), cmp_port);
}

int mf_win_build_scan(const struct mf_win_dev *devs, size_t n,
		      struct mf_scan *out, const struct mf_log *log)
{
	struct mf_usb_dev *d = malloc(sizeof(*d));
	struct mf_win_ids ids;
	char en[16];

	memset(out, 0, sizeof(*out));
	snprintf(out->sysroot, sizeof(out->sysroot), "/");
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		mf_win_enumerator(devs[i].instance, en, sizeof(en));
		/* USB device nodes only: interfaces (MI_) are their ports */
		if (strcasecmp(en, "USB") ||
		    mf_win_parse_ids(devs[i].instance, &ids) < 0 || ids.mi >= 0)
			continue;
		build_device(devs, n, &devs[i], &ids, d);
		mf_scan_add(out, d, log);
	}
	free(d);
	mf_scan_sort(out);
	return 0;
}

/* "COM7 ttyUSB2" lines: the COM name of tty, or NULL */
static const char *map_lookup(const char *map, const char *tty, char *com,
			      size_t cap)
{
	for (const char *l = map; l && *l; l += strcspn(l, "\n"), l += !!*l) {
		char c[16], t[32];

		if (sscanf(l, "%15s %31s", c, t) != 2 || strcmp(t, tty) ||
		    !mf_win_is_com_name(c))
			continue;
		snprintf(com, cap, "%s", c);
		return com;
	}
	return NULL;
}

static void map_dev(struct mf_usb_dev *d, const char *map)
{
	for (size_t i = 0; i < d->nports; i++) {
		struct mf_port *p = &d->ports[i];
		char com[16];

		if (!p->tty[0])
			continue;
		if (map_lookup(map, p->tty, com, sizeof(com))) {
			snprintf(p->tty, sizeof(p->tty), "%s", com);
			snprintf(p->dev, sizeof(p->dev), "%s", com);
		} else {
			p->dev[0] = '\0';
		}
	}
}

void mf_win_map_ports(struct mf_scan *s, const char *map)
{
	for (size_t i = 0; i < s->nmodules; i++)
		map_dev(&s->modules[i].usb, map);
	for (size_t i = 0; i < s->nadapters; i++)
		map_dev(&s->adapters[i].usb, map);
}
