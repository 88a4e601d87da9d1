# SPDX-License-Identifier: BSD-3-Clause
"""Build test packages from the real EG25-G fixture files: the fixture has
the XML, md5.txt, MIBIB and tables but not the big images, so images of
the right sizes and a small programmer ELF are created here."""
import hashlib
import os
import shutil
import struct

SOURCE = os.environ.get("MF_SOURCE_DIR", ".")
FIXTURES = os.environ.get("MF_FIXTURES",
                          os.path.join(SOURCE, "tests", "fixtures", "real"))
A08 = "eg25g_mdm9607_EG25GGBR07A08M2G_30.006"
OCPU = "eg25g_mdm9607_EG25GGBR07A07M2G_OCPU_01.001.01.001"


def programmer(root_der=None, chip_tag=None):
    """ELF32 with an MBN v3 hash segment (p_flags type 2), optionally a
    dummy signature and a one-certificate chain."""
    sig = b"\x5a" * 256 if root_der else b""
    cert = root_der or b""
    mbn = struct.pack("<10I", 0x0D, 3, 0, 0, 40 + len(sig) + len(cert), 0,
                      0, len(sig), 0, len(cert)) + sig + cert
    code = b"\0" * 64 + (b"MF_TARGET_MSM_ID=0x%s\0" % chip_tag.encode()
                         if chip_tag else b"")
    hdr = b"\x7fELF" + bytes([1, 1, 1]) + b"\0" * 9
    hdr += struct.pack("<HHIIIIIHHHHHH", 2, 40, 1, 0x1000, 52, 0, 0, 52, 32,
                       2, 40, 0, 0)
    ph = struct.pack("<8I", 0, 0x1000, 0, 0, len(mbn), len(mbn), 0x02200000, 0)
    ph += struct.pack("<8I", 1, 0x2000, 0x8000000, 0, len(code), len(code), 5, 0x1000)
    b = bytearray(0x2000 + len(code))
    b[0:len(hdr)] = hdr
    b[52:52 + len(ph)] = ph
    b[0x1000:0x1000 + len(mbn)] = mbn
    b[0x2000:] = code
    return bytes(b)


def testroot(name="sim-root-sha384.der"):
    with open(os.path.join(SOURCE, "data", "testroots", name), "rb") as f:
        return f.read()


def build(dest, fixture=A08, prog_name="prog_nand_firehose_9x07.mbn",
          prog=None, image_size=4096, sizes=None, md5=True):
    """Copy the fixture into dest, add images and a programmer. sizes maps
    an image name to its size in bytes (sparse)."""
    shutil.copytree(os.path.join(FIXTURES, "xml", fixture), dest)
    for dirpath, dirs, files in os.walk(dest):
        os.chmod(dirpath, 0o755)
        for f in files:
            os.chmod(os.path.join(dirpath, f), 0o644)
    upd = os.path.join(dest, "update")
    images = ["sbl1.mbn", "tz.mbn", "appsboot.mbn", "mdm9607-boot.img",
              "NON-HLOS.ubi", "mdm9607-recovery.ubi", "usrdata.ubi",
              "mdm9607-sysfs.ubi", "rpm.mbn"]
    if fixture == OCPU:
        images.append("data.ubi")
    for name in images:
        size = (sizes or {}).get(name, image_size)
        with open(os.path.join(upd, name), "wb") as f:
            f.write(hashlib.sha256(name.encode()).digest() * 4)
            f.truncate(size)
    with open(os.path.join(upd, "firehose", prog_name), "wb") as f:
        f.write(prog if prog is not None else programmer())
    if md5:
        rewrite_md5(dest)
    return dest


def rewrite_md5(dest):
    """Keep md5.txt's lines, with the digests of the files now present."""
    path = os.path.join(dest, "md5.txt")
    out = []
    with open(path) as f:
        for line in f.read().splitlines():
            if line.startswith("FILE:\\"):
                name, _ = line.rsplit(":", 1)
                p = os.path.join(dest, *name[6:].split("\\"))
                if os.path.isfile(p):
                    with open(p, "rb") as g:
                        line = "%s:%s" % (name, hashlib.md5(g.read()).hexdigest().upper())
            out.append(line)
    with open(path, "w") as f:
        f.write("\r\n".join(out) + "\r\n")
