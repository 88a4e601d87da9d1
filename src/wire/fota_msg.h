/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_WIRE_FOTA_MSG_H
#define MF_WIRE_FOTA_MSG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Lines of a module during delta FOTA (docs/protocols.md, AT). Pure: no I/O.
 * Every parser takes one AT line without CR/LF.
 */
enum fota_msg_urc_kind {
	FOTA_MSG_URC_HTTPSTART,
	FOTA_MSG_URC_HTTPEND, /* value: HTTP(S) error, 0 ok */
	FOTA_MSG_URC_FTPSTART,
	FOTA_MSG_URC_FTPEND, /* value: FTP error, 0 ok */
	FOTA_MSG_URC_START,
	FOTA_MSG_URC_UPDATING, /* value: percent */
	FOTA_MSG_URC_RESTORE,  /* value: percent */
	FOTA_MSG_URC_END,      /* value: error code, 0 ok */
	FOTA_MSG_URC_CONTINUE, /* "Last upgrade was not finished,continue upgrade" */
	FOTA_MSG_URC_OTHER, /* a "FOTA" URC we do not know: logged, ignored */
};

struct fota_msg_urc {
	enum fota_msg_urc_kind kind;
	int value;     /* percent or error code, -1 when absent */
	char word[48]; /* the status word as sent ("UPDATING") */
};

/*
 * Returns 1 for a +QIND: "FOTA" URC (u filled), 0 for any other line,
 * -EBADMSG for a FOTA URC whose number is malformed or out of range
 * (u->kind still set, value -1).
 */
int fota_msg_urc_parse(const char *line, struct fota_msg_urc *u);

/* Short stable name of a kind ("UPDATING"), for logs and JSON. */
const char *fota_msg_urc_name(enum fota_msg_urc_kind kind);

/*
 * Answers of the UFS file commands; each returns 0 or -EBADMSG.
 * +QFLDS: <free>,<total>   (free <= total)
 * +QFUPL: <size>,<hex sum> (sum at most 0xffff)
 * +QFLST: "<name>",<size>  (name must fit name_len with its NUL)
 */
int fota_msg_parse_qflds(const char *line, uint64_t *free_b, uint64_t *total_b);
int fota_msg_parse_qfupl(const char *line, uint64_t *size, unsigned int *sum);
int fota_msg_parse_qflst(const char *line, char *name, size_t name_len,
			 uint64_t *size);

#endif
