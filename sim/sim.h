/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_SIM_H
#define MF_SIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/profile.h"

/*
 * The interface between the simulator's core (process, ptys, sysfs tree,
 * control socket, normal mode: AT and DIAG, faults, timing; the sim/ folder) and its
 * EDL side (Sahara and Firehose device, NAND, boot ROM; sim/edl/ files).
 * The core is single-threaded: one poll loop; handlers are called from it.
 */
struct sim;
struct sim_port;
struct sim_nand;

/* --- provided by the core (sim/sim.c and friends) --- */

const struct sim_profile *sim_profile(const struct sim *s);
struct sim_nand *sim_get_nand(struct sim *s);
const char *sim_state_dir(const struct sim *s);

/* Queue bytes to the host on this port (never blocks the loop for long;
 * returns 0 or a negative errno, -ENODEV when the link was dropped). */
int sim_port_write(struct sim_port *port, const void *buf, size_t len);

/* Wait until the host has read everything queued on port (0), or
 * timeout_ms passed (-ETIMEDOUT); bounds memory of large transfers. */
int sim_port_flush(struct sim_port *port, int timeout_ms);

/* The device stops reading the port (the stall fault): the host's bytes
 * stay in the line until it is full, and its writes block. */
void sim_port_stall(struct sim_port *port);

/*
 * Faults (--fault SPEC). One-shot faults fire once and are then spent.
 *  sim_fault_once(s, "nak", "program")      nak:program
 *  sim_fault_once(s, "corrupt", "configure") corrupt:configure
 *  sim_fault_once(s, "silent", "sahara")    silent:PHASE
 * sim_fault_drop(s, phase, bytes) is true (once) when the link must vanish
 * now: drop:PHASE:BYTES with bytes >= BYTES; the caller then calls
 * sim_drop_link(). Property faults are read with sim_fault_value():
 *  "hwid" -> "0x000480E1", "pkhash" -> hex, "geometry" -> "p4K_b256K",
 *  "badblock" -> comma list of pages, "slow" -> factor; NULL when absent.
 */
bool sim_fault_once(struct sim *s, const char *kind, const char *arg);
bool sim_fault_drop(struct sim *s, const char *phase, uint64_t bytes);
/*
 * stall:PHASE:BYTES, once: true when bytes >= BYTES; the caller stops
 * reading its port for good (sim_port_stall).
 */
bool sim_fault_stall(struct sim *s, const char *phase, uint64_t bytes);
/*
 * lose:read:BYTES, once: the device->host bytes from BYTES on (a run of
 * SIM_LOSE_SPAN) never reach the host, as a ttyUSB without flow control
 * drops what a lagging reader has no room for (docs/usbvm.md, finding 2). True
 * when the piece ending at bytes holds BYTES; *at is its offset.
 */
#define SIM_LOSE_SPAN 4096u
bool sim_fault_lose(struct sim *s, const char *phase, uint64_t bytes,
		    uint64_t *at);
const char *sim_fault_value(const struct sim *s, const char *kind);

/* The USB link vanishes (unplug-like); the device stays powered and in
 * its state until power-cycle/plug. */
void sim_drop_link(struct sim *s);

/*
 * Timing. sim_sleep() waits seconds of *real module time*: nothing in
 * --timing fast, seconds * time-scale (* slow factor) in --timing real.
 * sim_throughput_sleep() paces a transfer: bytes at bytes_per_s. Every
 * wait is added to the module's busy time under its kind, which `state`
 * and the exit line report, so that a benchmark can tell the host's dead
 * time (total minus busy) from what the module itself needs.
 */
enum sim_busy {
	SIM_BUSY_BOOT, /* boot to normal mode, programmer start-up */
	SIM_BUSY_ENUM, /* re-enumeration into EDL */
	SIM_BUSY_ERASE,
	SIM_BUSY_PROGRAM,
	SIM_BUSY_READ,
	SIM_BUSY_OTHER, /* bad block scan, FOTA steps */
	SIM_BUSY_KINDS
};
void sim_sleep(struct sim *s, enum sim_busy kind, double seconds);
void sim_throughput_sleep(struct sim *s, enum sim_busy kind, uint64_t bytes,
			  double bytes_per_s);
/*
 * The storage works while the link moves data: a paced operation keeps a
 * clock (sim_pace_start), each piece adds its module time to the busy time
 * and to the clock (sim_pace), and waits only until the clock is due, so
 * that what the simulator spends meanwhile (sending the previous piece,
 * receiving the next one, hashing) overlaps with the module's time as on
 * a module with a read-ahead and a program buffer. Busy time is the
 * module's time in full whatever overlaps it.
 */
struct sim_pace {
	double due; /* monotonic seconds the storage is done by */
};
void sim_pace_start(struct sim_pace *p);
void sim_pace(struct sim *s, struct sim_pace *p, enum sim_busy kind,
	      uint64_t bytes, double bytes_per_s);
bool sim_timing_real(const struct sim *s);

/* What the host asked the storage to do over the simulator's life (erase
 * and program: commands and bytes), reported by `state` so that tests can
 * tell what a re-run wrote. */
void sim_count(struct sim *s, enum sim_busy kind, uint64_t bytes);

/* Requests from device code to the core, carried out after the handler
 * returns. */
enum sim_request {
	SIM_REQ_RESET, /* power reset: boot ROM decides the next mode */
	SIM_REQ_POWER_OFF,
	SIM_REQ_EDL, /* re-enumerate as 05c6:9008 (DIAG switch) */
};
void sim_request(struct sim *s, enum sim_request req);

/* Debug text to stderr when the simulator runs with --verbose. */
void sim_debug(const struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --- provided by the EDL side (sim/edl/ files) --- */

/* NAND file backed, sparse, geometry from profile (or the geometry fault). */
struct sim_nand *sim_nand_open(const char *path, uint32_t page_size,
			       uint32_t pages_per_block, uint32_t total_blocks);
void sim_nand_close(struct sim_nand *n);

/*
 * Before anything reads or writes the NAND: its partition table (pages
 * inside a partition skip its bad blocks) and the badblock fault's blocks.
 */
void sim_nand_prepare(struct sim *s);

/*
 * Fresh module: write a factory image of revision (e.g.
 * "BG95M3LAR02A03_01.009.01.009") into an empty NAND, with per-module
 * calibration data (EFS2, RAWDATA) derived from the IMEI/serial.
 */
int sim_nand_provision(struct sim *s, const char *revision);

/* Record a new firmware revision in the modem image (FOTA applied). */
int sim_nand_set_revision(struct sim *s, const char *revision);

/* Boot ROM at power-on (sim/edl/boot.c). */
enum sim_boot {
	SIM_BOOT_NORMAL, /* valid images: normal mode, revision filled */
	SIM_BOOT_EDL, /* no valid SBL (or BOOT pin): PBL emergency download */
	SIM_BOOT_SILENT, /* booted an image wrong for this hardware: no USB, no UART */
};
enum sim_boot sim_boot_check(struct sim *s, bool boot_pin, char *revision,
			     size_t cap);

/* One EDL session on one port: Sahara, then Firehose. */
struct sim_edl;
struct sim_edl *sim_edl_new(struct sim *s, struct sim_port *port);
/* The host opened the port (or the device enumerated): send HELLO. */
void sim_edl_start(struct sim_edl *e);
/* Bytes from the host. */
void sim_edl_input(struct sim_edl *e, const uint8_t *buf, size_t len);
void sim_edl_free(struct sim_edl *e);
/* "sahara" or "firehose", for the control socket's state. */
const char *sim_edl_phase(const struct sim_edl *e);

#endif
