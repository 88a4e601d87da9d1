/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_FIREHOSE_MSG_H
#define MF_WIRE_FIREHOSE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Firehose XML codec (docs/protocols.md, Firehose). Pure: no I/O.
 *
 * Building: every document is
 *   <?xml version="1.0" encoding="UTF-8" ?><data><TAG a="v" ... /></data>
 * with attribute values escaped (& < > " '). The same builder serves the host
 * (configure, program, ...) and the simulated device (log, response).
 *
 * Reading: an incremental reader on expat. Documents may arrive split at any
 * byte or several in one read. A document ends at its </data>. Events are
 * <log value="..."/> texts, <response .../> with all attributes, and any
 * other element directly under <data> (a host command, as the simulator sees
 * it). DTDs and entity declarations are refused (no entity expansion).
 */
#define FH_MSG_MAX_DOC	  65536 /* one document, bytes */
#define FH_MSG_MAX_ATTRS  32
#define FH_MSG_MAX_EVENTS 64 /* events of one document */

struct fh_msg_attr {
	const char *name;
	const char *value;
};

/*
 * Build one document with element tag and attrs. Returns its length
 * (excluding the NUL that is written), -ENOSPC when cap is too small,
 * -EINVAL for a tag or attribute name that is not a plain XML name.
 */
int fh_msg_build(char *out, size_t cap, const char *tag,
		 const struct fh_msg_attr *attrs, size_t nattrs);

/* Convenience forms of fh_msg_build for the device side. */
int fh_msg_build_log(char *out, size_t cap, const char *text);
int fh_msg_build_response(char *out, size_t cap, bool ack, bool rawmode_present,
			  bool rawmode, const struct fh_msg_attr *extra,
			  size_t nextra);

enum fh_msg_event_type {
	FH_MSG_EV_LOG,	    /* value = log text */
	FH_MSG_EV_RESPONSE, /* attrs of <response> */
	FH_MSG_EV_COMMAND,  /* tag + attrs of any other element under <data> */
};

struct fh_msg_event {
	enum fh_msg_event_type type;
	const char *tag;   /* "log", "response", "program", ... */
	const char *value; /* log text, or the value attribute if any */
	const struct fh_msg_attr *attrs;
	size_t nattrs;
};

struct fh_msg_reader;

struct fh_msg_reader *fh_msg_reader_new(void);
void fh_msg_reader_free(struct fh_msg_reader *r);

/*
 * Feed bytes. Consumes at most through the end of one document, so the
 * caller can look at that document's events before anything else is eaten
 * (bytes after a rawmode="true" ACK are raw data and must not be parsed).
 * Whitespace between documents is skipped.
 * *consumed = bytes used from buf. Returns
 *   1        a document completed: its events are available,
 *   0        all of buf consumed, the document is not complete yet,
 *  -EBADMSG  malformed XML (the reader resets to the next document),
 *  -EMSGSIZE a document longer than FH_MSG_MAX_DOC,
 *  -EPERM    a DTD or entity declaration,
 *  -ENOMEM   out of memory or too many attributes/events.
 */
int fh_msg_reader_feed(struct fh_msg_reader *r, const uint8_t *buf, size_t len,
		       size_t *consumed);

/*
 * Pop the next event of the completed document; false when none is left.
 * Event strings stay valid until the next fh_msg_reader_feed().
 */
bool fh_msg_reader_next(struct fh_msg_reader *r, struct fh_msg_event *ev);

/* True when a document has started but not completed. */
bool fh_msg_reader_partial(const struct fh_msg_reader *r);

/* Forget any partial document (after a timeout or a resync). */
void fh_msg_reader_reset(struct fh_msg_reader *r);

/* Attribute lookup by name (exact match); NULL when absent. */
const char *fh_msg_event_attr(const struct fh_msg_event *ev, const char *name);

/*
 * Numeric attribute: decimal (an optional trailing '.' as in rawprogram
 * files) or 0x hex, nothing else. Returns 0, -ENOENT when absent, -EINVAL
 * when not a plain number (e.g. "NUM_DISK_SECTORS-5."), -ERANGE on overflow.
 */
int fh_msg_event_attr_u64(const struct fh_msg_event *ev, const char *name,
			  uint64_t *out);

/* ACK / NAK / rawmode helpers on a FH_MSG_EV_RESPONSE event. */
bool fh_msg_response_is_ack(const struct fh_msg_event *ev);
bool fh_msg_response_rawmode(const struct fh_msg_event *ev);

#endif
