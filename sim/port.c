// SPDX-License-Identifier: BSD-3-Clause
/*
 * Ports: one pseudo-terminal each. The slave is put in raw mode by us
 * before its link is published (docs/usbvm.md: a fresh tty echoes
 * what arrives before the host's tcsetattr; the echo fault keeps it cooked
 * on purpose). The master is non-blocking; bytes to the host are queued and
 * drained by the poll loop, so a host that stops reading never blocks the
 * simulator.
 *
 * The simulator keeps a descriptor of the slave open itself (the pty and
 * what it holds outlive the host's closes, as a device's IN endpoint does)
 * and watches the slave with inotify: IN_OPEN and IN_CLOSE tell it the
 * host's opens and closes the instant they happen, IN_ACCESS each read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sim/core.h"

/* Above this many queued bytes, sim_port_write drains synchronously. */
#define PORT_QUEUE_SOFT (1u << 20)
/* A reader that takes longer than this for one MiB is gone: drop. */
#define PORT_STALL_MS 10000

/* inotify on the slave: what the host does with it */
#define PORT_INO_MASK (IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_ACCESS)

static int pty_open(struct sim_port *p)
{
	struct termios tio;
	int m, sl, ino;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m < 0)
		return -errno;
	if (grantpt(m) || unlockpt(m) ||
	    ptsname_r(m, p->slave, sizeof(p->slave)))
		goto fail;
	sl = open(p->slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (sl < 0)
		goto fail;
	if (tcgetattr(sl, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetispeed(&tio, B115200);
		cfsetospeed(&tio, B115200);
		tcsetattr(sl, TCSANOW, &tio);
	}
	/* watch after our own open: every event from now on is the host's */
	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino < 0 || inotify_add_watch(ino, p->slave, PORT_INO_MASK) < 0) {
		if (ino >= 0)
			close(ino);
		close(sl);
		goto fail;
	}
	p->master = m;
	p->peek = sl;
	p->ino = ino;
	return 0;
fail:
	close(m);
	return -EIO;
}

/*
 * The termios of a freshly created ttyUSB (the kernel's tty_std_termios
 * with usb-serial's c_cflag): canonical, ECHO on. What the device sends
 * now is echoed back to it by the line discipline (the echo fault).
 */
void sim_port_cooked(struct sim_port *p)
{
	struct termios tio;

	if (p->peek < 0 || tcgetattr(p->peek, &tio))
		return;
	tio.c_iflag = ICRNL | IXON;
	tio.c_oflag = OPOST | ONLCR;
	tio.c_cflag = CS8 | CREAD | HUPCL | CLOCAL;
	tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		      IEXTEN;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, B9600);
	cfsetospeed(&tio, B9600);
	tcsetattr(p->peek, TCSANOW, &tio);
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
	p->peek = -1;
	p->ino = -1;
	p->at.echo = true;
	p->at.up_fd = -1;
	diag_msg_decoder_init(&p->hdlc);
	if (pty_open(p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* The descriptors of a removed port, closed by a thread of their own. */
struct closing {
	int fd[4];
};

static void *close_all(void *arg)
{
	struct closing *c = arg;

	for (size_t i = 0; i < sizeof(c->fd) / sizeof(c->fd[0]); i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	free(c);
	return NULL;
}

/*
 * Closing a pty whose other side is open hangs it up, and the kernel waits
 * for its buffer work: 5-20 ms a port. A module's ports go when it leaves
 * the bus (reboot, EDL switch): done inline, their closes would delay the
 * next enumeration by tens of ms that no module takes, and the host's
 * measured dead time with them. The port is already unlinked from the
 * tree; its descriptors are closed beside the event loop.
 */
static void close_later(int a, int b, int c, int d)
{
	struct closing *cl = malloc(sizeof(*cl));
	pthread_attr_t at;
	pthread_t t;
	bool started = false;

	if (cl && !pthread_attr_init(&at)) {
		*cl = (struct closing){ { a, b, c, d } };
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		started = !pthread_create(&t, &at, close_all, cl);
		pthread_attr_destroy(&at);
	}
	if (started)
		return;
	free(cl);
	for (int i = 0, fds[4] = { a, b, c, d }; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]); /* no thread: here, as before */
}

void sim_port_free(struct sim_port *p)
{
	if (!p)
		return;
	if (p->edl)
		sim_edl_free(p->edl);
	close_later(p->at.up_fd, p->ino, p->peek, p->master);
	free(p->mlen);
	free(p->out);
	free(p);
}

/* Bytes in the slave the host has not read. */
static size_t slave_unread(const struct sim_port *p)
{
	int n = 0;

	if (p->peek < 0 || ioctl(p->peek, FIONREAD, &n) || n < 0)
		return 0;
	return (size_t)n;
}

static void port_opened(struct sim_port *p)
{
	bool first = !p->ever_opened;

	p->opened = true;
	p->ever_opened = true;
	sim_debug(p->s, "%s: opened by the host", p->name);
	if (p->role == ROLE_DIAG && first)
		sim_diag_opened(p);
}

/*
 * Take the inotify events (never blocks). Opens and closes are counted per
 * open file description; *opened is set on the host's first open.
 */
static void ino_drain(struct sim_port *p, bool *opened)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while (p->ino >= 0) {
		n = read(p->ino, buf, sizeof(buf));
		if (n <= 0)
			return;
		for (char *q = buf; q < buf + n;) {
			const struct inotify_event *ev = (const void *)q;

			if (ev->mask & IN_OPEN) {
				if (p->nopen++ == 0)
					*opened = true;
			}
			if (ev->mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)) {
				if (p->nopen > 0 && --p->nopen == 0) {
					p->opened = false;
					sim_debug(p->s,
						  "%s: closed by the host",
						  p->name);
				}
			}
			if (ev->mask & (IN_ACCESS | IN_Q_OVERFLOW))
				p->await_read = false;
			q += sizeof(*ev) + ev->len;
		}
	}
}

/* Write up to len queued bytes into the pty: bytes written or -errno. */
static ssize_t push_bytes(struct sim_port *p, size_t len)
{
	ssize_t n;

	for (;;) {
		n = write(p->master, p->out, len);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		p->out_len = 0;
		p->cur_left = 0;
		p->nmsg = 0;
		return -errno;
	}
	memmove(p->out, p->out + n, p->out_len - (size_t)n);
	p->out_len -= (size_t)n;
	return n;
}

/*
 * Move queued bytes into the pty without blocking. A gated port starts the
 * next message only when the host has read the last one (a read since it
 * went in, nothing unread): one message per read, as one USB transfer.
 */
static int port_push(struct sim_port *p)
{
	bool opened = false;
	ssize_t n;

	if (!p->gated) {
		while (p->out_len) {
			n = push_bytes(p, p->out_len);
			if (n <= 0)
				return (int)n;
		}
		return 0;
	}
	for (;;) {
		if (!p->cur_left) {
			if (!p->nmsg)
				return 0;
			/* a read event still queued must not count for this message */
			ino_drain(p, &opened);
			if (opened)
				port_opened(p);
			if (p->await_read || slave_unread(p))
				return 0;
			p->cur_left = p->mlen[0];
			memmove(p->mlen, p->mlen + 1,
				--p->nmsg * sizeof(p->mlen[0]));
		}
		n = push_bytes(p, p->cur_left);
		if (n <= 0)
			return (int)n;
		p->cur_left -= (size_t)n;
		if (!p->cur_left)
			p->await_read = true;
	}
}

bool sim_port_pending(const struct sim_port *p)
{
	return p->out_len > 0;
}

/* The host opened, closed or read the slave: take the events, push on. */
void sim_port_events(struct sim_port *p)
{
	bool opened = false;

	ino_drain(p, &opened);
	if (opened)
		port_opened(p);
	port_push(p);
}

/*
 * The noflow fault: a message the pty has had no room for during this long
 * loses its rest (usb_wwan resubmits its URBs whether the tty took the data
 * or not; at USB speed 2 ms are about 80 KB).
 */
#define PORT_NOFLOW_MS 2

/* The rest of the message in flight is lost (noflow). */
static void port_lose(struct sim_port *p)
{
	sim_debug(p->s, "%s: no room, %zu bytes lost (noflow)", p->name,
		  p->cur_left);
	memmove(p->out, p->out + p->cur_left, p->out_len - p->cur_left);
	p->out_len -= p->cur_left;
	p->lost += p->cur_left;
	p->cur_left = 0;
	p->await_read = true;
}

/* Drain the queue for at most timeout_ms (a reader that is there). */
int sim_port_flush(struct sim_port *p, int timeout_ms)
{
	int64_t end = sim_now_ms() + timeout_ms, left;
	struct pollfd pfd[2];
	int n, slice;

	while (p->master >= 0) {
		sim_port_events(p);
		if (!p->out_len)
			return 0;
		left = end - sim_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		/* room in the pty, or a read by the host (gated ports) */
		pfd[0] = (struct pollfd){ .fd = p->master, .events = POLLOUT };
		if (p->gated && !p->cur_left)
			pfd[0].fd = -1;
		pfd[1] = (struct pollfd){ .fd = p->ino, .events = POLLIN };
		slice = left > 50 ? 50 : (int)left;
		if (p->noflow && p->cur_left)
			slice = PORT_NOFLOW_MS;
		n = poll(pfd, 2, slice);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0 && p->noflow && p->cur_left)
			port_lose(p);
	}
	return 0;
}

int sim_port_write(struct sim_port *port, const void *buf, size_t len)
{
	struct sim_port *p = port;

	if (!p || p->master < 0)
		return -ENODEV;
	if (!len)
		return 0;
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
	if (p->gated && p->nmsg == p->mcap) {
		size_t cap = p->mcap ? 2 * p->mcap : 16;
		size_t *m = realloc(p->mlen, cap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		p->mlen = m;
		p->mcap = cap;
	}
	memcpy(p->out + p->out_len, buf, len);
	p->out_len += len;
	if (p->gated)
		p->mlen[p->nmsg++] = len;
	port_push(p);
	if (p->out_len > PORT_QUEUE_SOFT &&
	    sim_port_flush(p, PORT_STALL_MS) == -ETIMEDOUT) {
		sim_debug(p->s, "%s: reader stalled, %zu bytes dropped",
			  p->name, p->out_len);
		p->out_len = 0;
		p->cur_left = 0;
		p->nmsg = 0;
		return -EIO;
	}
	return 0;
}

int sim_port_puts(struct sim_port *p, const char *str)
{
	return sim_port_write(p, str, strlen(str));
}

/* Bytes written to the port that the host has not read yet. */
size_t sim_port_unread(const struct sim_port *p)
{
	return p->out_len + slave_unread(p);
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

	return p->gone || p->stalled || !p->opened || s->req_reset ||
	       s->req_off || s->req_edl || s->req_drop;
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
	if (p->stalled)
		return;
	do {
		n = read(p->master, buf, sizeof(buf));
		if (n <= 0)
			return; /* EAGAIN: all taken (our own slave fd keeps it open) */
		port_dispatch(p, buf, (size_t)n);
		total += (size_t)n;
	} while (total < PORT_READ_BURST && !port_interrupted(p));
}

void sim_port_stall(struct sim_port *p)
{
	sim_debug(p->s, "%s: the device stops reading (stall fault)\n",
		  p->name);
	p->stalled = true;
}
