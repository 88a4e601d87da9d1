// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash-sim-usb --root DIR [--udc NAME] [--configfs DIR] [--ffs-dir DIR]
 *                    [--name NAME] [--poll-ms N] [--verbose]
 *
 * Runs next to `modemflash-sim --root DIR` (inside a VM with dummy_hcd,
 * libcomposite and usb_f_fs) and presents the device of DIR's tree as a
 * real USB gadget. When the tree changes (the simulator re-enumerates:
 * normal -> EDL after the DIAG switch, EDL -> normal after a reset), the
 * UDC is unbound, the gadget rebuilt for the new tree and bound again.
 * SIGTERM or SIGINT: unbind, clean up, exit 0.
 *
 * modemflash-sim-usb --send SOCKET LINE: one command to the simulator's
 * control socket, its answer on stdout (the VM has no Unix socket client).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/gadget/bridge.h"

void br_log(const struct br_opts *o, const char *fmt, ...)
{
	va_list ap;

	(void)o;
	fputs("modemflash-sim-usb: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Exit status 0 for "ok" or a JSON answer, 1 otherwise. */
static int send_control(const char *path, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	char ans[4096];
	size_t got = 0;
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    dprintf(fd, "%s\n", line) < 0) {
		fprintf(stderr, "modemflash-sim-usb: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < sizeof(ans) - 1 && !memchr(ans, '\n', got) &&
	       poll(&pfd, 1, 5000) > 0) {
		n = read(fd, ans + got, sizeof(ans) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	ans[got] = 0;
	fputs(ans, stdout);
	return (!strncmp(ans, "ok", 2) || ans[0] == '{') ? 0 : 1;
}

static void usage(FILE *to)
{
	fputs("usage: modemflash-sim-usb --root DIR [--udc NAME] [--configfs "
	      "DIR]\n"
	      "                          [--ffs-dir DIR] [--name NAME] "
	      "[--poll-ms N] [--verbose]\n"
	      "       modemflash-sim-usb --send SOCKET LINE\n",
	      to);
}

static int parse(int argc, char **argv, struct br_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			o->verbose = true;
			continue;
		}
		if (!strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!v)
			return -EINVAL;
		if (!strcmp(a, "--root"))
			o->root = v;
		else if (!strcmp(a, "--udc"))
			o->udc = v;
		else if (!strcmp(a, "--configfs"))
			o->configfs = v;
		else if (!strcmp(a, "--ffs-dir"))
			o->ffs_dir = v;
		else if (!strcmp(a, "--name"))
			o->name = v;
		else if (!strcmp(a, "--poll-ms"))
			o->poll_ms = atoi(v);
		else
			return -EINVAL;
		i++;
	}
	if (!o->root || o->poll_ms < 1 || o->poll_ms > 10000 ||
	    strlen(o->name) > 16 || strchr(o->name, '/'))
		return -EINVAL;
	return 0;
}

/* Sleep one tick; true when SIGTERM/SIGINT arrived. */
static bool tick(const struct br_opts *o, const sigset_t *stop)
{
	struct timespec ts = { o->poll_ms / 1000,
			       (long)(o->poll_ms % 1000) * 1000000L };

	return sigtimedwait(stop, NULL, &ts) > 0;
}

static void run(const struct br_opts *o, const sigset_t *stop)
{
	struct br_dev cur, next;
	struct br_gadget g;
	bool up = false;
	int r;

	memset(&g, 0, sizeof(g));
	memset(&cur, 0, sizeof(cur));
	br_gadget_down(o, &g); /* leftovers of a crashed run */
	do {
		if (up && g.pid > 0 && waitpid(g.pid, NULL, WNOHANG) == g.pid) {
			br_log(o, "pump process died: rebuilding");
			g.pid = 0;
			br_gadget_down(o, &g);
			up = false;
			memset(&cur, 0, sizeof(cur));
		}
		r = br_tree_scan(o, &next);
		if (r == -EAGAIN)
			continue; /* half-built: next tick */
		if (r < 0) {
			br_log(o, "cannot read %s: %s", o->root, strerror(-r));
			continue;
		}
		if (r == 1 && up && br_dev_same(&cur, &next))
			continue;
		if (up) {
			br_gadget_down(o, &g);
			up = false;
		}
		if (r == 0)
			continue;
		if (br_gadget_up(o, &next, &g)) {
			br_gadget_down(o, &g);
			continue;
		}
		cur = next;
		up = true;
	} while (!tick(o, stop));
	br_gadget_down(o, &g);
}

int main(int argc, char **argv)
{
	struct br_opts o = {
		.configfs = "/sys/kernel/config",
		.ffs_dir = "/dev/ffs-mfsim",
		.name = "mfsim",
		.poll_ms = 50,
	};
	sigset_t stop;

	if (argc == 4 && !strcmp(argv[1], "--send"))
		return send_control(argv[2], argv[3]);
	if (parse(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	setvbuf(stderr, NULL, _IOLBF, 0);
	run(&o, &stop);
	return 0;
}
