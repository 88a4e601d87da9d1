// SPDX-License-Identifier: BSD-3-Clause
/*
 * modemflash-sim: the virtual Quectel module (docs/design.md, "The simulator").
 * Command line, set-up and tear-down, and the single-threaded poll loop
 * over the pty masters, the control socket, the signal fd and timers.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/core.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: modemflash-sim --root DIR [--profile NAME] "
		   "[--revision REV] [--state DIR]\n"
		   "                      [--uart[=ftdi]] [--fault SPEC]... "
		   "[--timing fast|real]\n"
		   "                      [--time-scale F] [--usb-path 1-1.N] "
		   "[--verbose]\n"
		   "profiles:");
	for (i = 0; sim_profile_at(i); i++)
		fprintf(f, " %s", sim_profile_at(i)->name);
	fprintf(f, "\nfaults: disusb echo noflow drop:PHASE:BYTES "
		   "lose:read:BYTES nak:CMD corrupt:CMD "
		   "silent:PHASE hwid:0xID\n"
		   "        pkhash:HEX geometry:pNK_bMK badblock:PAGE[,PAGE] "
		   "slow:FACTOR\n"
		   "        stall:sahara|program:BYTES\n");
}

static int die_usage2(const char *pre, const char *arg, const char *post)
{
	fprintf(stderr, "modemflash-sim: %s%s%s\n", pre, arg, post);
	return EXIT_USAGE;
}

/* "1-1.N": bus digits, '-', port digits separated by dots */
static bool usb_path_ok(const char *p)
{
	const char *q = p;

	if (strlen(p) >= 24)
		return false;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q == p || *q != '-' || atoi(p) < 1 || atoi(p) > 7)
		return false;
	for (q++; *q; q++)
		if (!((*q >= '0' && *q <= '9') ||
		      (*q == '.' && q[1] && q[1] != '.')))
			return false;
	return q[-1] != '-' && q[-1] != '.';
}

static int parse_args(struct sim *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "profile", required_argument, NULL, 'p' },
		{ "revision", required_argument, NULL, 'R' },
		{ "state", required_argument, NULL, 's' },
		{ "uart", optional_argument, NULL, 'u' },
		{ "fault", required_argument, NULL, 'f' },
		{ "timing", required_argument, NULL, 't' },
		{ "time-scale", required_argument, NULL, 'T' },
		{ "usb-path", required_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *profile = "bg95-m3", *usb_path = NULL;
	char why[160], *end;
	int c;

	while ((c = getopt_long(argc, argv, "r:p:R:s:f:t:T:U:vh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'r':
			if (!realpath(optarg, s->root))
				return die_usage2("--root ", optarg,
						  ": no such directory");
			break;
		case 'p':
			profile = optarg;
			break;
		case 'R':
			if (strlen(optarg) >= SIM_REV_MAX ||
			    strchr(optarg, '\n'))
				return die_usage2("--revision ", optarg,
						  ": too long");
			strcpy(s->rev_arg, optarg);
			break;
		case 's':
			if (mkdir(optarg, 0755) && errno != EEXIST)
				return die_usage2("--state ", optarg,
						  ": cannot create it");
			if (!realpath(optarg, s->state))
				return die_usage2("--state ", optarg,
						  ": no such directory");
			s->has_state_arg = true;
			break;
		case 'u':
			if (!optarg)
				s->uart_kind = UART_PLAIN;
			else if (!strcmp(optarg, "ftdi"))
				s->uart_kind = UART_FTDI;
			else
				return die_usage2(
					"--uart=", optarg,
					": only --uart or --uart=ftdi");
			break;
		case 'f':
			if (sim_fault_parse(s, optarg, why, sizeof(why)))
				return die_usage2("--fault: ", why, "");
			break;
		case 't':
			if (!strcmp(optarg, "fast"))
				s->timing_real = false;
			else if (!strcmp(optarg, "real"))
				s->timing_real = true;
			else
				return die_usage2("--timing ", optarg,
						  ": use fast or real");
			break;
		case 'T':
			s->time_scale = strtod(optarg, &end);
			if (*end || !(s->time_scale > 0) || s->time_scale > 100)
				return die_usage2("--time-scale ", optarg,
						  ": a number above 0");
			break;
		case 'U':
			if (!usb_path_ok(optarg))
				return die_usage2(
					"--usb-path ", optarg,
					": expected a path like 1-1.4");
			usb_path = optarg;
			break;
		case 'v':
			s->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return die_usage2("unexpected argument '", argv[optind], "'");
	if (!s->root[0])
		return die_usage2("", "--root DIR is required", "");
	s->prof = sim_profile_find(profile);
	if (!s->prof)
		return die_usage2("--profile ", profile,
				  ": unknown (see --help)");
	if (usb_path) {
		/* same port, the profile's buses: a USB3 module comes back on USB2 */
		const char *tail = strchr(usb_path, '-');
		const char *dflt = strchr(s->prof->usb_path, '-');

		snprintf(s->edl_path, sizeof(s->edl_path), "%d%s",
			 atoi(s->prof->edl_usb_path), tail);
		snprintf(s->normal_path, sizeof(s->normal_path), "%d%s",
			 atoi(s->prof->usb_path), tail);
		/*
		 * Another module of the same profile on another port is
		 * another chip: its own Sahara serial (stable per port, so
		 * --state restarts keep it), as hosts key claims by it.
		 */
		if (!dflt || strcmp(tail, dflt)) {
			uint32_t h = 2166136261u;

			for (const char *q = tail; *q; q++)
				h = (h ^ (uint8_t)*q) * 16777619u;
			s->own = *s->prof;
			s->own.serial ^= (h & 0x00ffff00u) | 0x100u;
			s->prof = &s->own;
		}
	} else {
		snprintf(s->edl_path, sizeof(s->edl_path), "%s",
			 s->prof->edl_usb_path);
		snprintf(s->normal_path, sizeof(s->normal_path), "%s",
			 s->prof->usb_path);
	}
	return 0;
}

static void settings_load(struct sim *s)
{
	char p[SIM_PATH_MAX + 16];
	int v;
	FILE *f;

	snprintf(p, sizeof(p), "%s/settings", s->state);
	f = fopen(p, "re");
	if (!f) {
		/* fresh module: the disusb fault is its factory setting */
		s->usb_enabled = !sim_fault_value(s, "disusb");
		sim_settings_save(s);
		return;
	}
	if (fscanf(f, "disusb=%d", &v) == 1)
		s->usb_enabled = v == 0;
	fclose(f);
	if (sim_fault_value(s, "disusb"))
		s->usb_enabled = false;
}

/* geometry:pNK_bMK overrides the profile's NAND geometry, same total size */
static void nand_geometry(const struct sim *s, uint32_t *page, uint32_t *ppb,
			  uint32_t *blocks)
{
	const struct sim_profile *pr = s->prof;
	const char *g = sim_fault_value(s, "geometry");
	uint64_t total = (uint64_t)pr->page_size * pr->pages_per_block *
			 pr->total_blocks;
	unsigned pk, bk;

	*page = pr->page_size;
	*ppb = pr->pages_per_block;
	*blocks = pr->total_blocks;
	if (g && sscanf(g, "p%uK_b%uK", &pk, &bk) == 2 && pk && bk % pk == 0) {
		*page = pk * 1024;
		*ppb = bk / pk;
		*blocks = (uint32_t)(total / ((uint64_t)bk * 1024));
	}
}

static int state_setup(struct sim *s)
{
	char p[SIM_PATH_MAX + 16];
	uint32_t page, ppb, blocks;
	struct stat st;
	bool fresh;

	if (!s->has_state_arg) {
		if ((size_t)snprintf(s->state, sizeof(s->state),
				     "%.480s/.sim-state-XXXXXX",
				     s->root) >= sizeof(s->state) ||
		    !mkdtemp(s->state))
			return -errno;
		s->state_private = true;
	}
	snprintf(s->ctl_dir, sizeof(s->ctl_dir), "%s",
		 s->has_state_arg ? s->state : s->root);
	settings_load(s);
	sim_fota_load(s);
	snprintf(p, sizeof(p), "%s/nand.bin", s->state);
	fresh = stat(p, &st) != 0;
	nand_geometry(s, &page, &ppb, &blocks);
	s->nand = sim_nand_open(p, page, ppb, blocks);
	sim_nand_prepare(s);
	if (s->rev_arg[0])
		snprintf(s->revision, sizeof(s->revision), "%s", s->rev_arg);
	else
		snprintf(s->revision, sizeof(s->revision), "%s_%s",
			 s->prof->baseline, s->prof->default_version);
	if (fresh && s->nand && sim_nand_provision(s, s->revision))
		fprintf(stderr,
			"modemflash-sim: cannot provision the NAND in %s\n",
			s->state);
	return 0;
}

static int uart_setup(struct sim *s)
{
	struct sim_port *p;

	if (s->uart_kind == UART_NONE)
		return 0;
	p = sim_port_new(s, ROLE_AT);
	if (!p)
		return -EIO;
	p->is_uart = true;
	s->uart = p;
	if (s->uart_kind == UART_PLAIN)
		return sim_tree_link_uart(s, p);
	/* an FTDI FT232R adapter on its own port of the hub */
	snprintf(s->ftdi.path, sizeof(s->ftdi.path), "%d-1.2",
		 atoi(s->normal_path));
	if (!strcmp(s->ftdi.path, s->normal_path) ||
	    !strcmp(s->ftdi.path, s->edl_path))
		snprintf(s->ftdi.path, sizeof(s->ftdi.path), "%d-1.3",
			 atoi(s->normal_path));
	s->ftdi.vid = 0x0403;
	s->ftdi.pid = 0x6001;
	s->ftdi.bcd = 0x0600;
	s->ftdi.manufacturer = "FTDI";
	s->ftdi.product = "FT232R USB UART";
	s->ftdi.serial = "A10KZ3QB";
	s->ftdi.speed = 12;
	s->ftdi.ports[0] = p;
	s->ftdi.nports = 1;
	return sim_tree_add_device(s, &s->ftdi);
}

static int write_ready(const char *dir)
{
	char p[SIM_PATH_MAX + 16];
	FILE *f;

	snprintf(p, sizeof(p), "%s/ready", dir);
	f = fopen(p, "we");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) ? -EIO : 0;
}

/* All ports that exist now, for the poll set. */
static size_t all_ports(struct sim *s, struct sim_port **out)
{
	size_t n = 0, i;

	for (i = 0; i < s->usb.nports; i++)
		if (s->usb.ports[i])
			out[n++] = s->usb.ports[i];
	if (s->uart)
		out[n++] = s->uart;
	return n;
}

/* Is p still one of the ports (a handler may have freed it)? */
static bool port_alive(struct sim *s, const struct sim_port *p)
{
	struct sim_port *cur[SIM_MAX_PORTS + 1];
	size_t k, m = all_ports(s, cur);

	for (k = 0; k < m; k++)
		if (cur[k] == p)
			return true;
	return false;
}

static void loop(struct sim *s, int sfd)
{
	struct pollfd pfd[2 + SIM_MAX_CLIENTS + 2 * (SIM_MAX_PORTS + 1)];
	struct sim_port *ports[SIM_MAX_PORTS + 1];
	const size_t base = 2 + SIM_MAX_CLIENTS;
	size_t np, i, n;
	int64_t now, dl;
	int tmo, r;

	while (!s->quit) {
		np = all_ports(s, ports);
		n = 0;
		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = s->ctl_fd, .events = POLLIN };
		for (i = 0; i < SIM_MAX_CLIENTS; i++)
			pfd[n++] = (struct pollfd){ .fd = s->clients[i],
						    .events = POLLIN };
		now = sim_now_ms();
		tmo = sim_timer_next(s, now);
		for (i = 0; i < np; i++) {
			struct sim_port *p = ports[i];

			/* the master never hangs up: our own slave fd holds it */
			pfd[n++] = (struct pollfd){
				.fd = p->master,
				.events = (p->stalled ? 0 : POLLIN) |
					  (sim_port_pending(p) ? POLLOUT : 0)
			};
			/* opens, closes and reads of the host, at once */
			pfd[n++] = (struct pollfd){ .fd = p->ino,
						    .events = POLLIN };
			dl = sim_at_deadline(p);
			if (dl >= 0 && (tmo < 0 || dl - now < tmo))
				tmo = dl - now < 0 ? 0 : (int)(dl - now);
		}
		r = poll(pfd, n, tmo);
		if (r < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) > 0)
				s->quit = true;
		}
		if (pfd[1].revents & POLLIN)
			sim_control_accept(s);
		for (i = 0; i < SIM_MAX_CLIENTS; i++)
			if (s->clients[i] >= 0 && pfd[2 + i].revents)
				sim_control_input(s, (int)i);
		/* ports may vanish in a handler: check each one is still there */
		for (i = 0; i < np; i++) {
			struct pollfd *q = &pfd[base + 2 * i];

			if (!port_alive(s, ports[i]))
				continue;
			if (q[1].revents)
				sim_port_events(ports[i]);
			if (!port_alive(s, ports[i]))
				continue;
			if (q[0].revents & POLLIN)
				sim_port_input(ports[i]);
			else if (q[0].revents & POLLOUT)
				sim_port_events(ports[i]);
			sim_handle_requests(s);
		}
		now = sim_now_ms();
		np = all_ports(s, ports);
		for (i = 0; i < np; i++)
			sim_at_poll(ports[i], now);
		sim_timer_run(s, now);
		sim_handle_requests(s);
	}
}

static int signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void teardown(struct sim *s)
{
	char p[SIM_PATH_MAX + 16];

	sim_timer_cancel_all(s);
	sim_usb_remove(s);
	sim_tree_remove_device(s, &s->ftdi);
	if (s->uart) {
		if (s->uart_kind == UART_PLAIN)
			sim_tree_unlink_port(s, s->uart);
		else
			s->uart = NULL; /* freed with the FTDI device */
	}
	sim_port_free(s->uart);
	s->uart = NULL;
	sim_control_close(s);
	if (s->nand)
		sim_nand_close(s->nand);
	s->nand = NULL;
	if (s->has_state_arg) {
		snprintf(p, sizeof(p), "%s/ready", s->state);
		unlink(p);
	}
	sim_tree_cleanup(s);
}

int main(int argc, char **argv)
{
	static struct sim
		sim; /* large: not on the stack; main's only instance */
	struct sim *s = &sim;
	int rc, sfd, err;

	s->time_scale = 1.0;
	s->ctl_fd = -1;
	s->lock_fd = -1;
	s->plugged = true;
	rc = parse_args(s, argc, argv);
	if (rc)
		return rc;
	sfd = signals();
	if (sfd < 0) {
		perror("modemflash-sim: signalfd");
		return 1;
	}
	err = sim_tree_init(s);
	if (!err)
		err = state_setup(s);
	if (!err)
		err = sim_control_open(s);
	if (!err)
		err = uart_setup(s);
	if (err) {
		fprintf(stderr, "modemflash-sim: set-up under %s failed: %s\n",
			s->root, strerror(-err));
		teardown(s);
		return 1;
	}
	sim_power_on(s);
	/* the first enumeration happens before "ready" (fast timing: at once) */
	sim_timer_run(s, sim_now_ms() + (s->timing_real ? 0 : 1));
	if (write_ready(s->root) == 0)
		s->wrote_ready = true;
	if (s->has_state_arg)
		write_ready(s->state);
	sim_debug(s, "ready: %s, usb path %s", s->prof->name, s->normal_path);
	loop(s, sfd);
	/* the module's own time, so that a benchmark can subtract it */
	fprintf(stderr,
		"modemflash-sim: busy %.3f s (boot %.3f, enumerate %.3f, "
		"erase %.3f, program %.3f, read %.3f, other %.3f)\n",
		sim_busy_total(s), s->busy_ms[SIM_BUSY_BOOT] / 1000.0,
		s->busy_ms[SIM_BUSY_ENUM] / 1000.0,
		s->busy_ms[SIM_BUSY_ERASE] / 1000.0,
		s->busy_ms[SIM_BUSY_PROGRAM] / 1000.0,
		s->busy_ms[SIM_BUSY_READ] / 1000.0,
		s->busy_ms[SIM_BUSY_OTHER] / 1000.0);
	teardown(s);
	close(sfd);
	return 0;
}
