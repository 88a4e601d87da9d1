/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_CORE_H
#define MF_SIM_CORE_H

/*
 * Internals of the simulator core (the sim/ files, not sim/edl/): the process
 * state, ports, timers, the sysfs tree. One struct sim per process; no
 * globals: main() owns it and passes it everywhere.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "wire/at_msg.h"
#include "wire/diag_msg.h"

#define SIM_MAX_FAULTS	32
#define SIM_MAX_PORTS	8
#define SIM_MAX_TIMERS	16
#define SIM_MAX_CLIENTS 8
#define SIM_REV_MAX	128
#define SIM_PATH_MAX	512

enum sim_mode {
	SIM_MODE_OFF,
	SIM_MODE_NORMAL,
	SIM_MODE_EDL,
	SIM_MODE_SILENT,
};

enum sim_role {
	ROLE_NONE, /* NMEA, unused interfaces: bytes are swallowed */
	ROLE_AT,
	ROLE_DIAG,
	ROLE_EDL,
};

enum sim_uart_kind {
	UART_NONE,
	UART_PLAIN, /* DIR/dev/ttyS0 */
	UART_FTDI,  /* behind a simulated 0403:6001 adapter */
};

struct sim_fault {
	char kind[16];
	char arg[112];	/* phase, command or property value (pkhash: 96 hex) */
	uint64_t bytes; /* drop:PHASE:BYTES */
	bool spent;
};

/* AT engine of one port (USB AT, modem port, UART). */
struct sim_at {
	bool echo;
	char line[AT_MSG_LINE_MAX + 1];
	size_t len;
	bool overflow;
	/* AT+QFUPL data mode */
	bool upload;
	char up_name[96];
	uint64_t up_size, up_got, up_last_ack;
	int up_timeout_s;
	bool up_ack;
	int up_fd;
	int64_t up_deadline; /* host stopped sending */
	int64_t up_plus_at;  /* "+++" seen last: abort at this time */
	struct at_msg_qfupl_sum up_sum;
	uint8_t up_tail[3]; /* last bytes held back (possible "+++") */
	size_t up_ntail;
	bool dead; /* upload dropped: answer nothing more */
};

struct sim_port {
	struct sim *s;
	int master;		 /* -1 when closed */
	char slave[64];		 /* /dev/pts/N */
	char link[SIM_PATH_MAX]; /* DIR/dev/ttyUSBk or DIR/dev/ttyS0 */
	char name[16];		 /* ttyUSBk or ttyS0 */
	int index;		 /* k, -1 for ttyS0 */
	enum sim_role role;
	bool opened; /* the host has the slave open */
	bool ever_opened;
	/*
	 * The simulator's own descriptor of the slave (FIONREAD: what the host
	 * has not read yet) and an inotify watch on it: the host's opens,
	 * closes and reads arrive as events, at once, without polling.
	 */
	int peek;
	int ino;
	int nopen; /* open file descriptions of the host */
	/*
	 * EDL ports: one device message per host read, as one USB transfer
	 * each. A message goes into the pty only when the host has read the
	 * one before it (an IN_ACCESS since, and nothing left unread).
	 */
	bool gated;
	bool await_read;
	bool noflow;	 /* the noflow fault: what finds no room is lost */
	uint64_t lost;	 /* bytes lost so far (noflow) */
	size_t cur_left; /* bytes of the message in flight not in the pty yet */
	size_t *mlen;	 /* lengths of the queued messages after it */
	size_t nmsg, mcap;
	bool is_uart;
	bool urc;     /* boot and FOTA URCs go here */
	bool gone;    /* link dropped: writes fail, input ignored */
	bool stalled; /* the stall fault: the host's bytes are not read */
	uint8_t *out;
	size_t out_len, out_cap;
	struct sim_at at;
	struct diag_msg_decoder hdlc;
	uint64_t diag_bytes;
	struct sim_edl *edl;
};

struct sim_usbdev {
	bool present;
	char path[32]; /* 1-1.4 */
	int busnum, devnum;
	uint16_t vid, pid, bcd;
	const char *manufacturer, *product, *serial;
	int speed;
	struct sim_port *ports[SIM_MAX_PORTS];
	size_t nports;
	char ifdirs[SIM_MAX_PORTS + 2][48];
	size_t nifdirs;
};

typedef void (*sim_timer_fn)(struct sim *s, long arg);

struct sim_timer {
	bool used;
	int64_t due;
	sim_timer_fn fn;
	long arg;
};

/* What a reboot leads to (timer argument of the power-on timer). */
enum sim_fota_phase {
	FOTA_NONE,
	FOTA_PENDING, /* QFOTADL accepted: the next boot applies it */
	FOTA_RUNNING, /* UPDATING URCs are being sent */
};

struct sim {
	const struct sim_profile *prof;
	/* prof as this instance runs it (its own Sahara serial, main.c) */
	struct sim_profile own;
	char root[SIM_PATH_MAX];
	char state[SIM_PATH_MAX]; /* --state or a private dir */
	bool state_private;
	char ctl_dir[SIM_PATH_MAX];
	bool has_state_arg;
	char rev_arg[SIM_REV_MAX];
	char normal_path[32], edl_path[32];
	enum sim_uart_kind uart_kind;
	bool timing_real;
	double time_scale;
	bool verbose;

	struct sim_fault faults[SIM_MAX_FAULTS];
	size_t nfaults;

	/* device */
	enum sim_mode mode;
	char revision[SIM_REV_MAX];
	bool usb_enabled; /* persisted disusb setting, inverted */
	bool boot_pin;
	bool plugged;
	bool rebooting;
	int cfun;
	struct sim_nand *nand;
	struct sim_usbdev usb;
	struct sim_usbdev ftdi;
	struct sim_port *uart;
	unsigned gen;	    /* power-on generation: stale timers check it */
	int last_devnum[8]; /* per bus */

	/* FOTA */
	enum sim_fota_phase fota;
	char fota_file[128];
	int fota_pct;
	int fota_err;
	char fota_to[SIM_REV_MAX];
	bool fota_resumed;

	/* requests from handlers, carried out by the loop */
	bool req_reset, req_off, req_edl, req_drop;
	struct sim_port *drain_port; /* port whose answer must reach the host */
	int64_t drain_until;
	int drain_next; /* enum sim_after */
	bool draining;

	struct sim_timer timers[SIM_MAX_TIMERS];
	int ctl_fd;
	char ctl_path[SIM_PATH_MAX];
	int clients[SIM_MAX_CLIENTS];
	char cbuf[SIM_MAX_CLIENTS][256];
	size_t clen[SIM_MAX_CLIENTS];
	int lock_fd;
	bool wrote_ready;
	bool quit;
	double busy_ms[SIM_BUSY_KINDS]; /* module time imposed, wall ms */
	uint64_t count_cmds[SIM_BUSY_KINDS], count_bytes[SIM_BUSY_KINDS];
};

/* time */
int64_t sim_now_ms(void);
int sim_delay_ms(struct sim *s, enum sim_busy kind, int real_ms);
const char *sim_busy_name(enum sim_busy kind);
double sim_busy_total(const struct sim *s);

/* timers (timer.c) */
void sim_timer_add(struct sim *s, int delay_ms, sim_timer_fn fn, long arg);
void sim_timer_cancel_all(struct sim *s);
int sim_timer_next(const struct sim *s, int64_t now);
void sim_timer_run(struct sim *s, int64_t now);

/* ports (port.c) */
struct sim_port *sim_port_new(struct sim *s, enum sim_role role);
void sim_port_free(struct sim_port *p);
int sim_port_puts(struct sim_port *p, const char *str);
size_t sim_port_unread(const struct sim_port *p);
void sim_port_events(struct sim_port *p);
void sim_port_input(struct sim_port *p);
void sim_port_cooked(struct sim_port *p);
bool sim_port_pending(const struct sim_port *p);

/* tree (tree.c) */
int sim_tree_init(struct sim *s);
int sim_tree_lock(struct sim *s);
void sim_tree_unlock(struct sim *s);
int sim_tree_add_device(struct sim *s, struct sim_usbdev *d);
void sim_tree_remove_device(struct sim *s, struct sim_usbdev *d);
int sim_tree_link_uart(struct sim *s, struct sim_port *p);
void sim_tree_unlink_port(struct sim *s, struct sim_port *p);
void sim_tree_cleanup(struct sim *s);

/* device life (device.c) */
void sim_power_on(struct sim *s);
void sim_power_off(struct sim *s);
void sim_enumerate_normal(struct sim *s);
void sim_enumerate_edl(struct sim *s);
void sim_usb_remove(struct sim *s);
void sim_reboot(struct sim *s, struct sim_port *from);
void sim_shutdown(struct sim *s, struct sim_port *from);
void sim_handle_requests(struct sim *s);
void sim_broadcast_at(struct sim *s, const char *line);
const char *sim_mode_name(const struct sim *s);
int sim_settings_save(struct sim *s);

/* AT (at.c, ufs.c, fota.c) */
void sim_at_input(struct sim_port *p, const uint8_t *buf, size_t len);
void sim_at_poll(struct sim_port *p, int64_t now);
int64_t sim_at_deadline(const struct sim_port *p);
int sim_ufs_dir(const struct sim *s, char *buf, size_t cap);
uint64_t sim_ufs_used(const struct sim *s);
void sim_at_reply(struct sim_port *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sim_at_ok(struct sim_port *p);
void sim_at_error(struct sim_port *p);
void sim_at_cme(struct sim_port *p, int code);
void sim_at_reset(struct sim_at *at);
int sim_at_args(const char *in, char out[][128], int max);
void sim_at_ufs(struct sim_port *p, const char *name, const char *rest);
void sim_at_qfupl(struct sim_port *p, const char *args);
size_t sim_upload_input(struct sim_port *p, const uint8_t *buf, size_t len);
void sim_at_qfotadl(struct sim_port *p, const char *args);
void sim_fota_boot(struct sim *s);
void sim_fota_load(struct sim *s);

/* DIAG (diag.c) */
void sim_diag_input(struct sim_port *p, const uint8_t *buf, size_t len);
void sim_diag_opened(struct sim_port *p);

/* control socket (control.c) */
int sim_control_open(struct sim *s);
void sim_control_close(struct sim *s);
void sim_control_accept(struct sim *s);
void sim_control_input(struct sim *s, int i);

/* faults (fault.c) */
int sim_fault_parse(struct sim *s, const char *spec, char *why, size_t cap);

#endif
