/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_PROTO_FIREHOSE_VERIFY_H
#define MF_PROTO_FIREHOSE_VERIFY_H

#include <stddef.h>

#include "proto/firehose.h"

/*
 * A <read> that cannot silently go wrong (docs/usbvm.md finding 2:
 * a ttyUSB drops device->host data when the reader falls behind, and
 * nothing in the stream says so). Over any link but libusb, the bytes
 * written to fd are hashed and compared with the device's own
 * getsha256digest of the same range when the programmer lists it; a
 * mismatch, or a read that ran dry (lost bytes leave the reader waiting),
 * is read again up to FH_READ_TRIES times with fd rewound. Then: -EILSEQ,
 * MF_MISMATCH, "data lost on the link" (a timeout that persists keeps its
 * own error). Over libusb, or without getsha256digest, it is fh_read().
 * tap (NULL: none) sees the data of every try, each try announced.
 */
#define FH_READ_TRIES 3

int fh_read_checked(struct fh_session *s, const struct fh_msg_attr *attrs,
		    size_t nattrs, int fd, const struct fh_tap *tap);

#endif
