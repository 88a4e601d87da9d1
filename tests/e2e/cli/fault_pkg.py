# SPDX-License-Identifier: BSD-3-Clause
"""An ec25 package trimmed for fault tests, and the calibration hash of a
simulator's NAND (test_fault_sweep.py, test_stuck_firehose.py)."""
import hashlib
import os
import re
import shutil

from flash_sim import mkpkg

NEW = "EC25EFAR06A01M4G_01.003.01.003"
BLOCK = 64 * 2048                    # the ec25 profile's NAND block
CALIBRATION = [(20, 136), (196, 10)]  # EFS2, RAWDATA: (first block, blocks)
# partitions left out of the sweep's package (recoveryfs, usr_data, system,
# boot, recovery: 380 MiB of backup the stages do not need), by start sector
TRIMMED = ("51968", "62336", "93312", "16320", "20288")


def trimmed_package(tmp):
    """NEW for the ec25 without its five largest images: the stages are all
    there, the backup is 75 MiB instead of 500."""
    src = mkpkg(tmp, "ec25", NEW)
    dst = src + "-trimmed"
    if os.path.isdir(dst):
        return dst
    shutil.copytree(src, dst)
    xml = os.path.join(dst, "update", "firehose",
                       "rawprogram_nand_p2K_b128K_update.xml")
    with open(xml) as f:
        lines = [l for l in f
                 if not re.search(r'start_sector="(%s)"' % "|".join(TRIMMED), l)]
    body = "".join(lines)
    with open(xml, "w") as f:
        f.write(body)
    digest = hashlib.md5(body.encode()).hexdigest().upper()
    md5 = os.path.join(dst, "md5.txt")
    with open(md5) as f:
        out = [re.sub(r"[0-9A-Fa-f]{32}$", digest, l.rstrip("\n")) + "\n"
               if "rawprogram_nand_p2K_b128K_update.xml" in l else l
               for l in f]
    with open(md5, "w") as f:
        f.writelines(out)
    return dst


def calibration_hash(state):
    h = hashlib.sha256()
    with open(os.path.join(state, "nand.bin"), "rb") as f:
        for first, n in CALIBRATION:
            f.seek(first * BLOCK)
            h.update(f.read(n * BLOCK))
    return h.hexdigest()
