/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_DELTA_H
#define MF_SIM_DELTA_H

/*
 * Delta FOTA file of the simulator (written by tools/mkdelta, applied by
 * modemflash-sim on AT+QFOTADL). Real deltas are Quectel/Redbend secrets;
 * this one only carries what the simulated module checks:
 *
 *   offset  size  field
 *   0       8     magic "MFDELTA1"
 *   8       16    profile name, NUL padded ("bg95-m3")
 *   24      64    from revision, NUL padded ("BG95M3LAR02A03_01.009.01.009")
 *   88      64    to revision, NUL padded
 *   152     8     payload length, little-endian
 *   160     N     payload (opaque bytes)
 *   160+N   32    SHA-256 of bytes 0 .. 160+N-1
 *
 * The module answers +QIND: "FOTA","END",504 for a file that is not of
 * this shape (short, bad magic, length mismatch), 505 for a bad SHA-256,
 * 510 when profile or from revision do not match the running firmware.
 */
#define DELTA_MAGIC	  "MFDELTA1"
#define DELTA_OFF_PROFILE 8
#define DELTA_OFF_FROM	  24
#define DELTA_OFF_TO	  88
#define DELTA_OFF_LEN	  152
#define DELTA_HDR	  160
#define DELTA_NAME	  16
#define DELTA_REV	  64
#define DELTA_SHA	  32

#endif
