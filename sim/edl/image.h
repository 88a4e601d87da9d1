/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MF_SIM_EDL_IMAGE_H
#define MF_SIM_EDL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Images written by tools/mkpkg and understood by the simulated boot ROM.
 * All integers little-endian. These are simulator formats: a package reader
 * may parse them to learn chip, variant and revision of a package, but real
 * packages carry none of this.
 *
 * 1. Boot/firmware image header ("sim image"), at offset 0 of sbl1.mbn,
 *    NON-HLOS.ubi (modem) and the other images of a package:
 *
 *   off size field
 *     0    8 magic "MFSIMIMG"
 *     8    4 header length, SIM_IMG_HDR_LEN (160)
 *    12    4 kind: 1 SBL, 2 modem, 3 other
 *    16    4 MSM id of the chip the image is built for (0x001070E1)
 *    20    4 reserved, 0
 *    24   16 chip, NUL-padded ASCII ("MDM9205")
 *    40   16 variant, NUL-padded ("standard" or "quecopen")
 *    56   64 revision, NUL-padded ("BG95M3LAR02A03_01.014.01.014")
 *   120    8 payload length P (bytes after the header, >= 16)
 *   128   32 SHA-256 of the first min(P, SIM_IMG_HEAD_HASHED) payload bytes
 *   160    P payload; its last 16 bytes are the end marker
 *            "MFIMGEND" + u64 (160 + P), so a truncated or half-programmed
 *            image is detected without hashing a gigabyte (images may be
 *            sparse: only the hashed head and the marker carry data).
 *
 * 2. The Firehose programmer (update/firehose/<profile programmer name>),
 *    an ELF32 little-endian ARM executable with exactly 3 program headers:
 *      [0] PT_NULL, p_flags 0x07000000: the ELF header + program headers
 *      [1] PT_NULL, p_flags 0x02200000: the MBN hash segment at 0x1000:
 *          MBN header v3 (10 x u32: image_id 0x0D, header version 3,
 *          image_src 0, dest_ptr, image_size, code_size (hash table bytes),
 *          signature_ptr, signature_size, cert_chain_ptr, cert_chain_size),
 *          the hash table (one digest per program header, the hash segment's
 *          own entry all zero; SHA-384 when the signing root is SHA-384,
 *          otherwise SHA-256), the signature (EVP over header + hash table
 *          with the same digest) and the DER certificate chain (one
 *          self-signed root, data/testroots/<root>.der). Unsigned programmers
 *          (MDM9x07) have signature and cert chain size 0.
 *      [2] PT_LOAD: code, page aligned after the hash segment. It contains
 *          NUL-terminated ASCII strings a reader can search for:
 *            "QC_IMAGE_VERSION_STRING=BOOT.MF.1.0-<chip>"
 *            "OEM_IMAGE_VERSION_STRING=modemflash-sim"
 *            "MF_TARGET_CHIP=<chip>"          e.g. MF_TARGET_CHIP=MDM9205
 *            "MF_TARGET_MSM_ID=0x<8 hex>"      e.g. MF_TARGET_MSM_ID=0x001070E1
 *    As in real packages, the chip is also in the file name
 *    (prog_firehose_nand_mdm9x05.elf, prog_nand_firehose_9x07.mbn).
 *    The OEM PK hash a module compares is the hash (SHA-384 for a 48-byte
 *    PK hash, SHA-256 for 32) of the last certificate of the chain.
 */
#define SIM_IMG_MAGIC	    "MFSIMIMG"
#define SIM_IMG_HDR_LEN	    160u
#define SIM_IMG_END_LEN	    16u
#define SIM_IMG_END_MAGIC   "MFIMGEND"
#define SIM_IMG_HEAD_HASHED 65536u

enum sim_img_kind {
	SIM_IMG_SBL = 1,
	SIM_IMG_MODEM = 2,
	SIM_IMG_OTHER = 3,
};

struct sim_img_hdr {
	uint32_t kind;
	uint32_t msm_id;
	char chip[17];
	char variant[17];
	char revision[65];
	uint64_t payload_len;
	uint8_t head_sha256[32];
};

/*
 * Parse the header at buf (at least SIM_IMG_HDR_LEN bytes). Returns 0,
 * -EAGAIN when len is too short, -EBADMSG on a wrong magic, header length,
 * kind, unterminated or non-printable string, or a payload length < 16.
 */
int sim_img_parse(const uint8_t *buf, size_t len, struct sim_img_hdr *h);

/* Serialize h (head_sha256 as given) into out[SIM_IMG_HDR_LEN]. */
void sim_img_write_hdr(const struct sim_img_hdr *h, uint8_t *out);

/*
 * Check a whole image in memory: header, hashed head and end marker.
 * Returns 0, -EAGAIN when len < header + payload, -EBADMSG when the header is
 * bad, -EILSEQ when the head hash or the end marker does not match.
 */
int sim_img_verify(const uint8_t *buf, size_t len, struct sim_img_hdr *h);

/*
 * The same check from pieces, for images read from NAND: head holds the
 * first min(payload_len, SIM_IMG_HEAD_HASHED) payload bytes, end16 the
 * last 16 payload bytes.
 */
int sim_img_verify_parts(const struct sim_img_hdr *h, const uint8_t *head,
			 size_t head_len, const uint8_t *end16);

/* Fill the end marker for an image of header + payload_len bytes. */
void sim_img_end_marker(uint64_t payload_len, uint8_t out[SIM_IMG_END_LEN]);

/* --- programmer (ELF + MBN hash segment) --- */

#define SIM_PROG_MAX_SIZE (8u << 20) /* larger programmers are refused */
#define SIM_PROG_HASH_OFF 0x1000u
#define SIM_MBN_IMAGE_ID  0x0Du

struct sim_prog_seg {
	uint32_t type, offset, vaddr, filesz, memsz, flags;
};

struct sim_prog_info {
	uint32_t phnum;
	struct sim_prog_seg seg[3];
	int hash_seg; /* index of the hash segment */
	/* MBN header v3 fields */
	uint32_t mbn_image_id;
	uint32_t hash_table_len; /* code_size */
	uint32_t sig_size, cert_size;
	size_t digest_len; /* 32 or 48 */
	char chip[17];
	uint32_t msm_id;
	bool has_target; /* MF_TARGET_* strings found */
};

/*
 * Parse the ELF header and program headers (the first 0x34 + phnum * 32
 * bytes are enough): ELF32 LE, 3 program headers, offsets within
 * SIM_PROG_MAX_SIZE. Returns 0, -EAGAIN, -EBADMSG.
 */
int sim_prog_parse_elf(const uint8_t *buf, size_t len,
		       struct sim_prog_info *pi);
/* End of the file as the program headers describe it. */
uint32_t sim_prog_file_end(const struct sim_prog_info *pi);

/*
 * Parse a whole programmer: ELF, MBN header, target strings. Returns 0 or
 * -EBADMSG (not a sane programmer), -EAGAIN (shorter than described).
 */
int sim_prog_parse(const uint8_t *buf, size_t len, struct sim_prog_info *pi);

/*
 * Verify a parsed programmer: the hash table against the segments
 * (-EILSEQ), then, when signed, the signature against the last certificate
 * (-EACCES; -EBADMSG for an unreadable certificate). When signed, root_hash
 * gets the hash of the root certificate's DER, computed like the module's
 * PK hash of pk_len bytes (48: SHA-384, otherwise SHA-256), and *signed_out
 * is true.
 */
int sim_prog_verify(const uint8_t *buf, size_t len,
		    const struct sim_prog_info *pi, bool *signed_out,
		    uint8_t *root_hash, size_t pk_len);

/*
 * Build a programmer for chip/msm_id into a malloc'd buffer (*out, *out_len).
 * key_path/cert_path: PEM/DER private key and DER root certificate, both
 * NULL for an unsigned programmer. code_len: bytes of the code segment.
 * Returns 0 or a negative errno; errbuf gets one sentence on failure.
 */
int sim_prog_build(const char *chip, uint32_t msm_id, const char *key_path,
		   const char *cert_path, uint32_t code_len, uint8_t **out,
		   size_t *out_len, char *errbuf, size_t errcap);

/*
 * Contents of a simulated image: header for kind/chip/msm/variant/revision
 * and a payload of payload_len bytes whose first SIM_IMG_HEAD_HASHED
 * bytes are derived from seed (pseudo-random) and whose middle is zero.
 * sim_img_head_fill() fills the payload bytes [off, off+len) (the zero
 * middle and end marker included), so callers can stream or write sparsely.
 */
void sim_img_make_hdr(struct sim_img_hdr *h, enum sim_img_kind kind,
		      const char *chip, uint32_t msm_id, const char *variant,
		      const char *revision, uint64_t payload_len,
		      const char *seed);
void sim_img_payload(uint64_t payload_len, const char *seed, uint64_t off,
		     uint8_t *buf, size_t len);
/* Whether payload [off, off+len) is all zero (can be left as a hole). */
bool sim_img_payload_is_hole(uint64_t payload_len, uint64_t off, size_t len);

#endif
