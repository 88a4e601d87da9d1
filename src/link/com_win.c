// SPDX-License-Identifier: BSD-3-Clause
/*
 * COM-port link for Windows: the Windows sibling of link/tty.c, behind the
 * same ops table and the same entry point (link_tty_open), so that ops/
 * opens "COM7" where it opens "/dev/ttyUSB2" on Linux. Quectel's driver
 * presents AT, DM and NMEA as COM ports and EDL as "Qualcomm HS-USB
 * QDLoader 9008 (COMn)"; an FTDI or CP210x adapter is a COM port too.
 *
 * The port is raw 8N1 (no flow control, no XON/XOFF, no error
 * replacement). I/O is overlapped so that every read and write has a
 * deadline: a read waits for the first byte (COMMTIMEOUTS make ReadFile
 * return as soon as one came, or after a slice), a write that does not
 * finish in time is cancelled and reported as -ETIMEDOUT.
 */
#include "link/link.h"

#include <windows.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

/* ReadFile returns after this without a byte: then the deadline is checked */
#define COM_SLICE_MS 250

struct com_link {
	struct link link; /* first: the ops receive &link */
	HANDLE h;
	HANDLE ev; /* manual-reset event of the overlapped calls */
};

static struct com_link *to_com(struct link *l)
{
	return (struct com_link *)l;
}

/* A vanished device (USB unplugged, module re-enumerating) is -ENODEV. */
static int com_errno(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_DEVICE_REMOVED:
	case ERROR_BAD_COMMAND:
	case ERROR_GEN_FAILURE:
	case ERROR_ACCESS_DENIED: /* the handle of a removed port */
	case ERROR_DEVICE_NOT_CONNECTED:
		return -ENODEV;
	case ERROR_OPERATION_ABORTED:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

/*
 * One overlapped call: wait for it until the deadline; past it, cancel
 * and take what had already moved (a cancelled read may have bytes).
 */
static int com_wait(struct com_link *c, OVERLAPPED *ov, BOOL ok,
		    int64_t deadline, DWORD *n)
{
	DWORD e, w;
	int left;

	if (ok)
		return GetOverlappedResult(c->h, ov, n, FALSE)
			       ? 0
			       : com_errno(GetLastError());
	e = GetLastError();
	if (e != ERROR_IO_PENDING)
		return com_errno(e);
	left = mf_remaining_ms(deadline);
	w = WaitForSingleObject(c->ev, left < 0 ? INFINITE : (DWORD)left);
	if (w != WAIT_OBJECT_0)
		CancelIo(c->h);
	if (!GetOverlappedResult(c->h, ov, n, TRUE)) {
		e = GetLastError();
		if (e == ERROR_OPERATION_ABORTED)
			return *n ? 0 : -ETIMEDOUT;
		return com_errno(e);
	}
	return 0;
}

static int com_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct com_link *c = to_com(l);
	int64_t deadline = mf_deadline(timeout_ms);
	DWORD want = len > 65536 ? 65536 : (DWORD)len;

	for (;;) {
		OVERLAPPED ov = { .hEvent = c->ev };
		DWORD n = 0;
		int ret;

		ResetEvent(c->ev);
		ret = com_wait(c, &ov, ReadFile(c->h, buf, want, &n, &ov),
			       deadline, &n);
		if (ret < 0)
			return ret;
		if (n > 0) {
			mf_log_hex(l->log, "<-", buf, n);
			return (int)n;
		}
		/* a slice passed without a byte */
		if (mf_remaining_ms(deadline) == 0)
			return -ETIMEDOUT;
	}
}

static int com_write(struct link *l, const void *buf, size_t len,
		     int timeout_ms)
{
	struct com_link *c = to_com(l);
	int64_t deadline = mf_deadline(timeout_ms);
	const uint8_t *p = buf;
	size_t done = 0;

	mf_log_hex(l->log, "->", buf, len);
	while (done < len) {
		OVERLAPPED ov = { .hEvent = c->ev };
		DWORD chunk = len - done > 65536 ? 65536 : (DWORD)(len - done);
		DWORD n = 0;
		int ret;

		ResetEvent(c->ev);
		ret = com_wait(c, &ov,
			       WriteFile(c->h, p + done, chunk, &n, &ov),
			       deadline, &n);
		if (ret < 0)
			return ret;
		done += n;
		if (done < len && mf_remaining_ms(deadline) == 0)
			return -ETIMEDOUT;
	}
	return (int)len;
}

static void com_close(struct link *l)
{
	struct com_link *c = to_com(l);

	if (c->h != INVALID_HANDLE_VALUE)
		CloseHandle(c->h);
	if (c->ev)
		CloseHandle(c->ev);
	free(c);
}

static const struct link_ops com_ops = {
	.read = com_read,
	.write = com_write,
	.close = com_close,
};

/* raw 8N1 at 115200 (a USB CDC port ignores the rate; a UART needs it) */
static int com_make_raw(HANDLE h)
{
	DCB dcb = { .DCBlength = sizeof(dcb) };
	COMMTIMEOUTS to = {
		/* return at once when a byte is there, else after a slice */
		.ReadIntervalTimeout = MAXDWORD,
		.ReadTotalTimeoutMultiplier = MAXDWORD,
		.ReadTotalTimeoutConstant = COM_SLICE_MS,
	};

	if (!GetCommState(h, &dcb))
		return -ENOTTY;
	dcb.BaudRate = CBR_115200;
	dcb.ByteSize = 8;
	dcb.Parity = NOPARITY;
	dcb.StopBits = ONESTOPBIT;
	dcb.fBinary = TRUE;
	dcb.fParity = FALSE;
	dcb.fOutxCtsFlow = FALSE;
	dcb.fOutxDsrFlow = FALSE;
	dcb.fDtrControl = DTR_CONTROL_ENABLE; /* modules want DTR to talk */
	dcb.fRtsControl = RTS_CONTROL_ENABLE;
	dcb.fDsrSensitivity = FALSE;
	dcb.fOutX = FALSE;
	dcb.fInX = FALSE;
	dcb.fErrorChar = FALSE;
	dcb.fNull = FALSE;
	dcb.fAbortOnError = FALSE;
	if (!SetCommState(h, &dcb) || !SetCommTimeouts(h, &to))
		return -ENOTTY;
	/*
	 * Abort whatever another program left pending, but keep the input
	 * queue: an EDL device sends its Sahara HELLO once, when the port
	 * opens (as link/tty.c keeps it).
	 */
	PurgeComm(h, PURGE_TXABORT | PURGE_RXABORT);
	return 0;
}

/* "COM7", "com7" or "\\.\COM7" -> "\\.\COM7" (needed from COM10 on) */
static void com_device_name(const char *path, char *out, size_t cap)
{
	if (!strncmp(path, "\\\\.\\", 4))
		snprintf(out, cap, "%s", path);
	else
		snprintf(out, cap, "\\\\.\\%s", path);
}

static void com_open_fail(const char *path, DWORD e, struct mf_err *err)
{
	if (e == ERROR_ACCESS_DENIED || e == ERROR_SHARING_VIOLATION) {
		mf_err_set(err, MF_FAILED, -EBUSY,
			   "%s is in use by another program", path);
		mf_err_hint(err, "close the program holding it (QFlash, "
				 "QCOM, a terminal) and run again");
		return;
	}
	if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) {
		mf_err_set(err, MF_NO_DEVICE, -ENODEV, "%s does not exist",
			   path);
		mf_err_hint(err, "check the port in Device Manager (Ports "
				 "(COM & LPT)) or run modemflash list");
		return;
	}
	mf_err_set(err, MF_FAILED, -EIO, "cannot open %s (Windows error %lu)",
		   path, (unsigned long)e);
}

struct link *link_tty_open(const char *path, const struct mf_log *log,
			   struct mf_err *err)
{
	char dev[300];
	struct com_link *c;
	HANDLE h;
	int ret;

	com_device_name(path, dev, sizeof(dev));
	/* no sharing: the exclusive lock of the Linux link */
	h = CreateFileA(dev, GENERIC_READ | GENERIC_WRITE, 0, NULL,
			OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		com_open_fail(path, GetLastError(), err);
		return NULL;
	}
	ret = com_make_raw(h);
	if (ret < 0) {
		mf_err_set(err, MF_FAILED, ret, "%s is not a serial port",
			   path);
		goto out_close;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		mf_err_set(err, MF_FAILED, -ENOMEM, "out of memory");
		goto out_close;
	}
	c->ev = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (!c->ev) {
		free(c);
		mf_err_set(err, MF_FAILED, -ENOMEM, "cannot create an event");
		goto out_close;
	}
	c->h = h;
	c->link.ops = &com_ops;
	c->link.kind = LINK_TTY;
	snprintf(c->link.name, sizeof(c->link.name), "%s", path);
	c->link.log = log;
	return &c->link;

out_close:
	CloseHandle(h);
	return NULL;
}
