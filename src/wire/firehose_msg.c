// SPDX-License-Identifier: BSD-3-Clause
/*
 * Firehose XML codec: a builder for one-command documents and an
 * incremental reader on expat that splits a byte stream into documents.
 */
#include "wire/firehose_msg.h"
#include "base/hex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

/* ------------------------------------------------------------------ */
/* Building                                                           */
/* ------------------------------------------------------------------ */

static const char fh_msg_head[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n";
static const char fh_msg_tail[] = " />\n</data>";

struct fh_msg_out {
	char *p;
	size_t cap;
	size_t len;
	bool full;
};

static void out_mem(struct fh_msg_out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void out_str(struct fh_msg_out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

/* Plain ASCII XML names only: that is all Firehose uses. */
static bool fh_msg_name_ok(const char *s)
{
	if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    *s == '_'))
		return false;
	for (s++; *s; s++) {
		char c = *s;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0];
	size_t n, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong, surrogates, beyond Unicode, and U+FFFE/U+FFFF (not XML chars) */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
	    cp == 0xFFFF)
		return 0;
	return n;
}

/*
 * Escape an attribute value. Tab, LF and CR become numeric references
 * (a literal one would be normalised to a space by the reader); other C0
 * controls cannot appear in an XML 1.0 document at all, so they are refused
 * like invalid UTF-8.
 */
static int out_value(struct fh_msg_out *o, const char *v)
{
	const unsigned char *s = (const unsigned char *)v;

	while (*s) {
		size_t n;

		switch (*s) {
		case '&':
			out_str(o, "&amp;");
			break;
		case '<':
			out_str(o, "&lt;");
			break;
		case '>':
			out_str(o, "&gt;");
			break;
		case '"':
			out_str(o, "&quot;");
			break;
		case '\'':
			out_str(o, "&apos;");
			break;
		case '\t':
			out_str(o, "&#9;");
			break;
		case '\n':
			out_str(o, "&#10;");
			break;
		case '\r':
			out_str(o, "&#13;");
			break;
		case 0x7F:
			out_str(o, "&#127;");
			break;
		default:
			if (*s < 0x20)
				return -EINVAL;
			n = utf8_len(s);
			if (!n)
				return -EINVAL;
			out_mem(o, (const char *)s, n);
			s += n;
			continue;
		}
		s++;
	}
	return 0;
}

static int fh_msg_check_attrs(const struct fh_msg_attr *attrs, size_t nattrs)
{
	size_t i, j;

	if (nattrs > FH_MSG_MAX_ATTRS || (nattrs && !attrs))
		return -EINVAL;
	for (i = 0; i < nattrs; i++) {
		if (!fh_msg_name_ok(attrs[i].name) || !attrs[i].value)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(attrs[i].name, attrs[j].name))
				return -EINVAL;
	}
	return 0;
}

int fh_msg_build(char *out, size_t cap, const char *tag,
		 const struct fh_msg_attr *attrs, size_t nattrs)
{
	struct fh_msg_out o = { .p = out, .cap = cap ? cap - 1 : 0 };
	size_t i;
	int ret;

	if (!fh_msg_name_ok(tag))
		return -EINVAL;
	ret = fh_msg_check_attrs(attrs, nattrs);
	if (ret)
		return ret;
	if (!out || !cap)
		return -ENOSPC;

	out_str(&o, fh_msg_head);
	out_str(&o, "<");
	out_str(&o, tag);
	for (i = 0; i < nattrs; i++) {
		out_str(&o, " ");
		out_str(&o, attrs[i].name);
		out_str(&o, "=\"");
		ret = out_value(&o, attrs[i].value);
		if (ret) {
			out[0] = '\0';
			return ret;
		}
		out_str(&o, "\"");
	}
	out_str(&o, fh_msg_tail);
	if (o.full) {
		out[0] = '\0';
		return -ENOSPC;
	}
	out[o.len] = '\0';
	return (int)o.len;
}

int fh_msg_build_log(char *out, size_t cap, const char *text)
{
	struct fh_msg_attr a = { "value", text };

	return fh_msg_build(out, cap, "log", &a, 1);
}

int fh_msg_build_response(char *out, size_t cap, bool ack, bool rawmode_present,
			  bool rawmode, const struct fh_msg_attr *extra,
			  size_t nextra)
{
	struct fh_msg_attr a[FH_MSG_MAX_ATTRS];
	size_t n = 0;

	if (nextra > FH_MSG_MAX_ATTRS - 2 || (nextra && !extra))
		return -EINVAL;
	a[n++] = (struct fh_msg_attr){ "value", ack ? "ACK" : "NAK" };
	if (rawmode_present)
		a[n++] = (struct fh_msg_attr){ "rawmode",
					       rawmode ? "true" : "false" };
	if (nextra)
		memcpy(a + n, extra, nextra * sizeof(*extra));
	return fh_msg_build(out, cap, "response", a, n + nextra);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

/*
 * Decoded strings never exceed the UTF-8 input, plus one NUL per string;
 * a Latin-1 document can double in size. Overflow is -ENOMEM.
 */
#define FH_ARENA (2 * FH_MSG_MAX_DOC + 256)

static const char fh_msg_end_mark[] = "</data>";
static const char fh_msg_decl_mark[] = "<?xml";

enum fh_msg_state {
	FH_IDLE, /* between documents: whitespace is skipped */
	FH_DOC,	 /* inside a document, feeding expat */
	FH_SKIP, /* after an error: discard through </data> or up to <?xml */
	FH_DONE, /* a document completed, its events wait */
};

struct fh_msg_reader {
	XML_Parser xp;
	enum fh_msg_state state;
	size_t doc_len;	   /* bytes of the current document so far */
	size_t end_match;  /* chars of "</data>" matched */
	size_t decl_match; /* chars of "<?xml" matched */
	int depth;
	int err; /* set by a handler that stopped the parser */
	size_t nev, next;
	struct fh_msg_event ev[FH_MSG_MAX_EVENTS];
	struct fh_msg_attr attrs[FH_MSG_MAX_EVENTS][FH_MSG_MAX_ATTRS];
	size_t arena_len;
	char arena[FH_ARENA];
};

static const char *arena_dup(struct fh_msg_reader *r, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (n > FH_ARENA - r->arena_len)
		return NULL;
	d = r->arena + r->arena_len;
	memcpy(d, s, n);
	r->arena_len += n;
	return d;
}

static void fh_msg_fail(struct fh_msg_reader *r, int err)
{
	if (!r->err)
		r->err = err;
	XML_StopParser(r->xp, XML_FALSE);
}

static int fh_msg_add_event(struct fh_msg_reader *r, const XML_Char *name,
			    const XML_Char **atts)
{
	struct fh_msg_event *ev;
	size_t i, n = 0;

	if (r->nev >= FH_MSG_MAX_EVENTS)
		return -ENOMEM;
	ev = &r->ev[r->nev];
	memset(ev, 0, sizeof(*ev));
	ev->tag = arena_dup(r, name);
	if (!ev->tag)
		return -ENOMEM;
	if (!strcmp(name, "log"))
		ev->type = FH_MSG_EV_LOG;
	else if (!strcmp(name, "response"))
		ev->type = FH_MSG_EV_RESPONSE;
	else
		ev->type = FH_MSG_EV_COMMAND;
	for (i = 0; atts[i]; i += 2) {
		struct fh_msg_attr *a;

		if (n >= FH_MSG_MAX_ATTRS)
			return -ENOMEM;
		a = &r->attrs[r->nev][n];
		a->name = arena_dup(r, atts[i]);
		a->value = arena_dup(r, atts[i + 1]);
		if (!a->name || !a->value)
			return -ENOMEM;
		if (!ev->value && !strcmp(a->name, "value"))
			ev->value = a->value;
		n++;
	}
	ev->attrs = r->attrs[r->nev];
	ev->nattrs = n;
	r->nev++;
	return 0;
}

static void XMLCALL fh_msg_start(void *ud, const XML_Char *name,
				 const XML_Char **atts)
{
	struct fh_msg_reader *r = ud;
	int ret;

	r->depth++;
	if (r->depth == 1) {
		if (strcmp(name, "data"))
			fh_msg_fail(r, -EBADMSG);
		return;
	}
	if (r->depth != 2)
		return; /* nested elements carry nothing we use */
	ret = fh_msg_add_event(r, name, atts);
	if (ret)
		fh_msg_fail(r, ret);
}

static void XMLCALL fh_msg_end(void *ud, const XML_Char *name)
{
	struct fh_msg_reader *r = ud;

	r->depth--;
}

static void XMLCALL fh_msg_doctype(void *ud, const XML_Char *name,
				   const XML_Char *sysid, const XML_Char *pubid,
				   int has_internal_subset)
{
	fh_msg_fail(ud, -EPERM);
}

static void XMLCALL fh_msg_entity(void *ud, const XML_Char *name, int is_param,
				  const XML_Char *value, int value_len,
				  const XML_Char *base, const XML_Char *sysid,
				  const XML_Char *pubid,
				  const XML_Char *notation)
{
	fh_msg_fail(ud, -EPERM);
}

/* Start a fresh document: expat is reset and its handlers installed again. */
static int fh_msg_begin(struct fh_msg_reader *r)
{
	if (!XML_ParserReset(r->xp, NULL))
		return -ENOMEM;
	XML_SetUserData(r->xp, r);
	XML_SetElementHandler(r->xp, fh_msg_start, fh_msg_end);
	XML_SetStartDoctypeDeclHandler(r->xp, fh_msg_doctype);
	XML_SetEntityDeclHandler(r->xp, fh_msg_entity);
	/* no external entity handler: nothing outside the stream is ever read */
	XML_SetParamEntityParsing(r->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	r->state = FH_DOC;
	r->doc_len = 0;
	r->depth = 0;
	r->err = 0;
	r->nev = 0;
	r->next = 0;
	r->arena_len = 0;
	return 0;
}

struct fh_msg_reader *fh_msg_reader_new(void)
{
	struct fh_msg_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->xp = XML_ParserCreate(NULL);
	if (!r->xp) {
		free(r);
		return NULL;
	}
	fh_msg_reader_reset(r);
	return r;
}

void fh_msg_reader_free(struct fh_msg_reader *r)
{
	if (!r)
		return;
	XML_ParserFree(r->xp);
	free(r);
}

void fh_msg_reader_reset(struct fh_msg_reader *r)
{
	r->state = FH_IDLE;
	r->doc_len = 0;
	r->end_match = 0;
	r->decl_match = 0;
	r->nev = 0;
	r->next = 0;
	r->arena_len = 0;
}

bool fh_msg_reader_partial(const struct fh_msg_reader *r)
{
	return r->state == FH_DOC;
}

/* Advance a literal matcher by one byte; true when the mark is complete. */
static bool mark_step(size_t *m, const char *mark, uint8_t c)
{
	if ((char)c == mark[*m]) {
		(*m)++;
	} else {
		*m = (char)c == mark[0] ? 1 : 0;
	}
	if (mark[*m] == '\0') {
		*m = 0;
		return true;
	}
	return false;
}

static bool fh_msg_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Hand buf[0..n) to expat; fin marks the document's last bytes. */
static int fh_msg_parse(struct fh_msg_reader *r, const uint8_t *buf, size_t n,
			bool fin)
{
	if (XML_Parse(r->xp, (const char *)buf, (int)n, fin) != XML_STATUS_OK)
		return r->err ? r->err : -EBADMSG;
	return 0;
}

/* Discard bytes of a broken document; stops before a new declaration. */
static size_t fh_msg_skip(struct fh_msg_reader *r, const uint8_t *buf,
			  size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (mark_step(&r->end_match, fh_msg_end_mark, buf[i])) {
			r->decl_match = 0;
			r->state = FH_IDLE;
			return i + 1;
		}
		if (mark_step(&r->decl_match, fh_msg_decl_mark, buf[i])) {
			r->end_match = 0;
			/* the declaration's first bytes may lie in an earlier buffer */
			fh_msg_begin(r);
			if (fh_msg_parse(r, (const uint8_t *)fh_msg_decl_mark,
					 5, false))
				r->state = FH_SKIP;
			r->doc_len = 5;
			return i + 1;
		}
	}
	return len;
}

/*
 * Scan the document part of buf for its end, a new declaration (the
 * current document was unterminated) or the size limit, and feed expat.
 */
static int fh_msg_doc(struct fh_msg_reader *r, const uint8_t *buf, size_t len,
		      size_t *used)
{
	size_t i;
	int ret;

	for (i = 0; i < len; i++) {
		if (r->doc_len + i >= FH_MSG_MAX_DOC) {
			/* eat the offending byte so every error makes progress */
			r->state = FH_SKIP;
			*used = i + fh_msg_skip(r, buf + i, 1);
			return -EMSGSIZE;
		}
		if (mark_step(&r->end_match, fh_msg_end_mark, buf[i])) {
			r->decl_match = 0;
			*used = i + 1;
			r->state = FH_IDLE;
			ret = fh_msg_parse(r, buf, i + 1, true);
			if (ret)
				return ret;
			r->state = FH_DONE;
			return 1;
		}
		if (mark_step(&r->decl_match, fh_msg_decl_mark, buf[i]) &&
		    r->doc_len + i + 1 > sizeof(fh_msg_decl_mark) - 1) {
			/* a second declaration: this one never ended */
			r->end_match = 0;
			*used = i + 1;
			fh_msg_begin(r);
			if (fh_msg_parse(r, (const uint8_t *)fh_msg_decl_mark,
					 5, false))
				r->state = FH_SKIP;
			r->doc_len = 5;
			return -EBADMSG;
		}
	}
	*used = len;
	ret = fh_msg_parse(r, buf, len, false);
	r->doc_len += len;
	if (ret) {
		r->state = FH_SKIP;
		return ret;
	}
	return 0;
}

int fh_msg_reader_feed(struct fh_msg_reader *r, const uint8_t *buf, size_t len,
		       size_t *consumed)
{
	size_t pos = 0, used;
	int ret;

	*consumed = 0;
	if (r->state == FH_DONE) {
		/* events of the last document are dropped now */
		r->state = FH_IDLE;
		r->nev = r->next = 0;
		r->arena_len = 0;
	}
	while (pos < len) {
		switch (r->state) {
		case FH_IDLE:
			if (fh_msg_space(buf[pos])) {
				pos++;
				break;
			}
			ret = fh_msg_begin(r);
			if (ret) {
				*consumed = pos;
				return ret;
			}
			break;
		case FH_SKIP:
			pos += fh_msg_skip(r, buf + pos, len - pos);
			break;
		case FH_DOC:
			ret = fh_msg_doc(r, buf + pos, len - pos, &used);
			pos += used;
			if (ret) {
				*consumed = pos;
				return ret;
			}
			break;
		case FH_DONE:
			*consumed = pos;
			return 1;
		}
	}
	*consumed = pos;
	return 0;
}

bool fh_msg_reader_next(struct fh_msg_reader *r, struct fh_msg_event *ev)
{
	if (r->state != FH_DONE || r->next >= r->nev)
		return false;
	*ev = r->ev[r->next++];
	return true;
}

const char *fh_msg_event_attr(const struct fh_msg_event *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->nattrs; i++)
		if (!strcmp(ev->attrs[i].name, name))
			return ev->attrs[i].value;
	return NULL;
}

int fh_msg_event_attr_u64(const struct fh_msg_event *ev, const char *name,
			  uint64_t *out)
{
	const char *s = fh_msg_event_attr(ev, name);
	unsigned int base = 10;
	uint64_t v = 0;
	size_t digits = 0;
	int d;

	if (!s)
		return -ENOENT;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		d = mf_hexval(*s);
		if (base == 10 && *s == '.' && !s[1])
			break;
		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	*out = v;
	return 0;
}

bool fh_msg_response_is_ack(const struct fh_msg_event *ev)
{
	return ev->type == FH_MSG_EV_RESPONSE && ev->value &&
	       !strcmp(ev->value, "ACK");
}

bool fh_msg_response_rawmode(const struct fh_msg_event *ev)
{
	const char *v;

	if (ev->type != FH_MSG_EV_RESPONSE)
		return false;
	v = fh_msg_event_attr(ev, "rawmode");
	return v && !strcmp(v, "true");
}
