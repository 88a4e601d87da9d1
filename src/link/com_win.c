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
 * deadline: a read takes what the driver has queued, else waits for
 * EV_RXCHAR in short slices until the deadline; a write that does not
 * finish in time is cancelled and reported as -ETIMEDOUT.
 */
#include "link/link.h"

#include <windows.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

/* the longest wait for EV_RXCHAR before the queue is looked at again */
#define COM_SLICE_MS 50

struct com_link {
	struct link link; /* first: the ops receive &link */
	HANDLE h;
	HANDLE ev;  /* manual-reset event of the overlapped calls */
	DWORD last; /* the Windows error behind the last failure, for the log */
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

static int com_fail(struct com_link *c, DWORD e)
{
	c->last = e;
	return com_errno(e);
}

/* What the log says when a read or write fails. */
static int com_logged(struct link *l, const char *what, int ret)
{
	mf_log(l->log, MF_LOG_TRACE, "%s: %s failed: %s (Windows error %lu)",
	       l->name, what, strerror(-ret),
	       (unsigned long)((struct com_link *)l)->last);
	return ret;
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
			       : com_fail(c, GetLastError());
	e = GetLastError();
	if (e != ERROR_IO_PENDING)
		return com_fail(c, e);
	left = mf_remaining_ms(deadline);
	w = WaitForSingleObject(c->ev, left < 0 ? INFINITE : (DWORD)left);
	if (w != WAIT_OBJECT_0)
		CancelIo(c->h);
	if (!GetOverlappedResult(c->h, ov, n, TRUE)) {
		e = GetLastError();
		if (e == ERROR_OPERATION_ABORTED)
			return *n ? 0 : -ETIMEDOUT;
		return com_fail(c, e);
	}
	return 0;
}

/*
 * Bytes waiting in the driver's queue, or -errno. A read of at most that
 * many completes at once, on Windows and under Wine alike (Wine leaves an
 * overlapped serial read pending past its COMMTIMEOUTS until CancelIo).
 */
static int com_queued(struct com_link *c)
{
	COMSTAT st;
	DWORD errs;

	if (!ClearCommError(c->h, &errs, &st))
		return com_fail(c, GetLastError());
	return st.cbInQue > 65536 ? 65536 : (int)st.cbInQue;
}

/*
 * Wait for EV_RXCHAR at most slice_ms. A byte that came between
 * com_queued() and here may not raise the event: the slice bounds what
 * that costs.
 */
static int com_wait_rx(struct com_link *c, int slice_ms)
{
	OVERLAPPED ov = { .hEvent = c->ev };
	DWORD mask = 0, n = 0;
	int64_t until = mf_deadline(slice_ms);
	int ret;

	ResetEvent(c->ev);
	ret = com_wait(c, &ov, WaitCommEvent(c->h, &mask, &ov), until, &n);
	/*
	 * ERROR_INVALID_PARAMETER: the wait cancelled a moment ago is still
	 * winding down (Wine says so until its wait thread has seen the
	 * cancel): look at the queue again shortly.
	 */
	if (ret < 0 && c->last == ERROR_INVALID_PARAMETER) {
		c->last = 0;
		mf_sleep_ms(1);
		return 0;
	}
	return ret == -ETIMEDOUT ? 0 : ret;
}

static int com_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct com_link *c = to_com(l);
	int64_t deadline = mf_deadline(timeout_ms);

	for (;;) {
		OVERLAPPED ov = { .hEvent = c->ev };
		DWORD n = 0;
		int q = com_queued(c), ret, left;

		if (q < 0)
			return com_logged(l, "ClearCommError", q);
		if (q > 0) {
			DWORD want = len < (size_t)q ? (DWORD)len : (DWORD)q;

			ResetEvent(c->ev);
			ret = com_wait(c, &ov,
				       ReadFile(c->h, buf, want, &n, &ov),
				       deadline, &n);
			if (ret < 0 && ret != -ETIMEDOUT)
				return com_logged(l, "ReadFile", ret);
			if (ret < 0)
				return ret;
			if (n > 0) {
				mf_log_hex(l->log, "<-", buf, n);
				return (int)n;
			}
		}
		left = mf_remaining_ms(deadline);
		if (left == 0)
			return -ETIMEDOUT;
		ret = com_wait_rx(c, left < 0 || left > COM_SLICE_MS
					     ? COM_SLICE_MS
					     : left);
		if (ret < 0)
			return com_logged(l, "WaitCommEvent", ret);
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
		if (ret < 0 && ret != -ETIMEDOUT)
			return com_logged(l, "WriteFile", ret);
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
		/* ReadFile asks only for what is queued: it returns at once */
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
	if (!SetCommState(h, &dcb) || !SetCommTimeouts(h, &to) ||
	    !SetCommMask(h, EV_RXCHAR))
		return -ENOTTY;
	/*
	 * Abort a write another program left pending, but keep the input
	 * queue: an EDL device sends its Sahara HELLO once, when the port
	 * opens (as link/tty.c keeps it). Not PURGE_RXABORT: Wine maps it to
	 * tcflush(TCIFLUSH), which drops that HELLO.
	 */
	PurgeComm(h, PURGE_TXABORT);
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
		mf_err_set(err, MF_NO_DEVICE, ret, "%s is not a serial port",
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
