// SPDX-License-Identifier: BSD-3-Clause
/*
 * Ports: one pseudo-terminal each. The slave is put in raw mode by us
 * before its link is published (reference/usb-vm.md: a fresh tty echoes
 * what arrives before the host's tcsetattr). The master is non-blocking;
 * bytes to the host are queued and drained by the poll loop, so a host
 * that stops reading never blocks the simulator.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sim/core.h"

/* Above this many queued bytes, sim_port_write drains synchronously. */
#define PORT_QUEUE_SOFT (1u << 20)
/* A reader that takes longer than this for one MiB is gone: drop. */
#define PORT_STALL_MS 10000

static int pty_open(struct sim_port *p)
{
	struct termios tio;
	int m, sl;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (m < 0)
		return -errno;
	if (grantpt(m) || unlockpt(m) ||
	    ptsname_r(m, p->slave, sizeof(p->slave)))
		goto fail;
	sl = open(p->slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (sl < 0)
		goto fail;
	if (tcgetattr(sl, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetispeed(&tio, B115200);
		cfsetospeed(&tio, B115200);
		tcsetattr(sl, TCSANOW, &tio);
	}
	/* closing our slave makes the master report POLLHUP until the host opens it */
	close(sl);
	fcntl(m, F_SETFD, FD_CLOEXEC);
	p->master = m;
	return 0;
fail:
	close(m);
	return -EIO;
}

struct sim_port *sim_port_new(struct sim *s, enum sim_role role)
{
	struct sim_port *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->s = s;
	p->role = role;
	p->index = -1;
	p->master = -1;
	p->at.echo = true;
	p->at.up_fd = -1;
	diag_msg_decoder_init(&p->hdlc);
	if (pty_open(p)) {
		free(p);
		return NULL;
	}
	return p;
}

void sim_port_free(struct sim_port *p)
{
	if (!p)
		return;
	if (p->edl)
		sim_edl_free(p->edl);
	if (p->at.up_fd >= 0)
		close(p->at.up_fd);
	if (p->master >= 0)
		close(p->master);
	free(p->out);
	free(p);
}

/* Move queued bytes into the pty without blocking. */
static int port_push(struct sim_port *p)
{
	ssize_t n;

	while (p->out_len) {
		n = write(p->master, p->out, p->out_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			p->out_len = 0;
			return -errno;
		}
		memmove(p->out, p->out + n, p->out_len - (size_t)n);
		p->out_len -= (size_t)n;
	}
	return 0;
}

/* Drain the queue for at most timeout_ms (a reader that is there). */
int sim_port_flush(struct sim_port *p, int timeout_ms)
{
	int64_t end = sim_now_ms() + timeout_ms, left;
	struct pollfd pfd;

	while (p->master >= 0) {
		if (port_push(p))
			return -EIO;
		if (!p->out_len)
			return 0;
		left = end - sim_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		pfd.fd = p->master;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, left > 50 ? 50 : (int)left) < 0 &&
		    errno != EINTR)
			return -errno;
	}
	return 0;
}

int sim_port_write(struct sim_port *port, const void *buf, size_t len)
{
	struct sim_port *p = port;

	if (!p || p->master < 0)
		return -ENODEV;
	if (p->out_len + len > p->out_cap) {
		size_t cap = p->out_cap ? p->out_cap : 4096;
		uint8_t *n;

		while (cap < p->out_len + len)
			cap *= 2;
		n = realloc(p->out, cap);
		if (!n)
			return -ENOMEM;
		p->out = n;
		p->out_cap = cap;
	}
	memcpy(p->out + p->out_len, buf, len);
	p->out_len += len;
	port_push(p);
	if (p->out_len > PORT_QUEUE_SOFT &&
	    sim_port_flush(p, PORT_STALL_MS) == -ETIMEDOUT) {
		sim_debug(p->s, "%s: reader stalled, %zu bytes dropped",
			  p->name, p->out_len);
		p->out_len = 0;
		return -EIO;
	}
	return 0;
}

int sim_port_puts(struct sim_port *p, const char *str)
{
	return sim_port_write(p, str, strlen(str));
}

/*
 * Bytes written to the pty that the host has not read yet: opens the
 * slave for a moment to ask (the queue is shared by all openers).
 */
size_t sim_port_unread(const struct sim_port *p)
{
	int fd, n = 0;

	if (p->out_len)
		return p->out_len;
	fd = open(p->slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (ioctl(fd, FIONREAD, &n))
		n = 0;
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

static void port_opened(struct sim_port *p)
{
	bool first = !p->ever_opened;

	p->opened = true;
	p->ever_opened = true;
	sim_debug(p->s, "%s: opened by the host", p->name);
	if (p->role == ROLE_EDL && p->edl && first)
		sim_edl_start(p->edl);
	else if (p->role == ROLE_DIAG && first)
		sim_diag_opened(p);
}

/* For a port nobody has open: has the host opened it meanwhile? */
void sim_port_check_open(struct sim_port *p)
{
	struct pollfd pfd = { .fd = p->master, .events = POLLIN };

	if (p->master < 0)
		return;
	if (poll(&pfd, 1, 0) < 0)
		return;
	if (!(pfd.revents & POLLHUP))
		port_opened(p);
	else
		port_push(p);
}

static void port_dispatch(struct sim_port *p, const uint8_t *buf, size_t n)
{
	switch (p->role) {
	case ROLE_AT:
		sim_at_input(p, buf, n);
		break;
	case ROLE_DIAG:
		sim_diag_input(p, buf, n);
		break;
	case ROLE_EDL:
		if (p->edl)
			sim_edl_input(p->edl, buf, n);
		break;
	default:
		break;
	}
}

/* A handler asked for a reset, power-off, EDL or drop: back to the loop. */
static bool port_interrupted(const struct sim_port *p)
{
	const struct sim *s = p->s;

	return p->gone || !p->opened || s->req_reset || s->req_off ||
	       s->req_edl || s->req_drop;
}

/*
 * A pty hands out at most 4 KiB per read (the line discipline's buffer):
 * during a bulk transfer, keep reading what is already there (up to
 * PORT_READ_BURST) before going back to poll, one poll per burst instead of
 * one per 4 KiB.
 */
#define PORT_READ_BURST (256u * 1024u)

void sim_port_input(struct sim_port *p)
{
	uint8_t buf[16384];
	size_t total = 0;
	ssize_t n;

	port_push(p);
	do {
		n = read(p->master, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EIO) {
				/* the host closed its last descriptor */
				p->opened = false;
				sim_debug(p->s, "%s: closed by the host",
					  p->name);
			}
			return;
		}
		if (n == 0)
			return;
		port_dispatch(p, buf, (size_t)n);
		total += (size_t)n;
	} while (total < PORT_READ_BURST && !port_interrupted(p));
}
