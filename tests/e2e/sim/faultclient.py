# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the fault tests of modemflash-sim (test_edl_faults.py,
test_faults_misc.py): an EDL session that waits on conditions rather than
fixed delays, and readers that keep what arrived before a link vanished.
Standard library only, on top of simclient/edlclient."""
import os
import select
import time
import xml.etree.ElementTree as ET

from simclient import Port
import edlclient as ec

END_OF_FUNCTIONS = "INFO: End of supported functions"


def wait_startup(fh, timeout=15.0):
    """Start-up logs of the programmer, up to the last one (no fixed wait)."""
    logs = []
    end = time.time() + timeout
    while True:
        lg = ec.Firehose.log_of(fh.doc(max(end - time.time(), 0.01)))
        logs.append(lg)
        if lg and lg.startswith(END_OF_FUNCTIONS):
            return logs


def firehose_session(sim, prog, tty=None, configure=True):
    """BOOT pin EDL (unless tty is given), programmer upload, start-up logs,
    configure: (Port, Firehose, start-up logs). The caller closes the Port."""
    p = Port(tty or ec.boot_pin_edl(sim))
    try:
        assert ec.Sahara(p, timeout=15.0).upload(prog) == 1
        fh = ec.Firehose(p, timeout=15.0)
        logs = wait_startup(fh)
        if configure:
            r = fh.configure()
            assert r.ack, r
    except BaseException:
        p.close()
        raise
    return p, fh, logs


def read_until_gone(port, timeout=15.0):
    """Every byte until the port vanishes: (bytes, True) or, when it is
    still there after timeout, (bytes, False)."""
    out = bytearray(port.buf)
    port.buf = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([port.fd], [], [], max(end - time.time(), 0))
        if not r:
            continue
        try:
            data = os.read(port.fd, 1 << 20)
        except BlockingIOError:
            continue
        except OSError:
            return bytes(out), True
        if not data:
            return bytes(out), True
        out += data
    return bytes(out), False


def quiet_for(port, seconds):
    """True when nothing at all arrives on port within seconds."""
    data = port.read_for(seconds)
    return data == b"", data


def well_formed(doc):
    """Does the document parse as XML (the standard library's parser)?"""
    try:
        ET.fromstring(doc.encode("latin-1").split(b"?>", 1)[-1])
        return True
    except ET.ParseError:
        return False


def link_dropped(sim, tty, timeout=15.0):
    """The module vanished from the bus and its tty from the tree."""
    st = sim.wait_gone(timeout)
    end = time.time() + timeout
    while os.path.exists(tty) and time.time() < end:
        time.sleep(0.02)
    return st["plugged"] is False and not os.path.exists(tty)


def elapsed(fn, *a, **kw):
    """(seconds, result) of one call."""
    t = time.monotonic()
    r = fn(*a, **kw)
    return time.monotonic() - t, r
