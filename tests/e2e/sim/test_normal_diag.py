# SPDX-License-Identifier: BSD-3-Clause
"""DM port of modemflash-sim: DIAG build ID, error frame, the EDL switch."""
import os
import struct

from simclient import Port, hdlc_encode, hdlc_frames

EDL_SWITCH = bytes.fromhex("4b65010054 0f7e".replace(" ", ""))


def diag_request(port, payload, want_cmd, timeout=3.0):
    port.write(b"\x7e" + hdlc_encode(payload))
    buf = b""
    import time
    end = time.time() + timeout
    while time.time() < end:
        buf += port.read_for(0.05)
        for f in hdlc_frames(buf):
            if f[0] == want_cmd:
                return f
    raise TimeoutError("no DIAG 0x%02x reply in %r" % (want_cmd, buf))


def test_frames_match_reference_bytes():
    assert hdlc_encode(b"\x7c") == bytes.fromhex("7c93497e")
    assert hdlc_encode(bytes.fromhex("4b650100")) == EDL_SWITCH


def test_ext_build_id(sim):
    with Port(sim.port("DIAG")) as p:
        f = diag_request(p, b"\x7c", 0x7C)
    cmd, ver, _res, msm, model = struct.unpack_from("<BBHII", f)
    assert (cmd, ver, msm) == (0x7C, 0, 0x001070E1)
    assert f[12:] == b"BG95M3LAR02A03_01.009.01.009\x00"


def test_ext_build_id_rm500q(sim_factory):
    s = sim_factory(profile="rm500q")
    with Port(s.port("DIAG")) as p:
        f = diag_request(p, b"\x7c", 0x7C)
    assert struct.unpack_from("<I", f, 4)[0] == 0x000E50E1
    assert f[12:] == b"RM500QGLAAR01A01M4G_01.001.01.001\x00"


def test_unknown_diag_command_gets_error_frame(sim):
    with Port(sim.port("DIAG")) as p:
        f = diag_request(p, b"\x55\x01\x02", 0x13)
    assert f == b"\x13\x55\x01\x02"


def test_edl_switch_echo_and_reenumeration(sim):
    st0 = sim.state()
    old_ports = set(st0["ports"])
    with Port(sim.port("DIAG")) as p:
        p.drain(0.1)
        p.write(EDL_SWITCH)
        assert p.read_exact(7) == EDL_SWITCH
    st = sim.wait_usb(vid="05c6")
    assert st["pid"] == "9008" and st["usb_path"] == "1-1.4"
    assert st["mode"] in ("sahara", "firehose")
    assert len(st["ports"]) == 1
    d = sim.devices_dir()
    assert sim.attr("1-1.4", "idVendor") == "05c6\n"
    assert sim.attr("1-1.4", "idProduct") == "9008\n"
    assert sim.attr("1-1.4", "product") == "QUSB__BULK\n"
    assert sim.attr("1-1.4", "manufacturer") == "Qualcomm CDMA Technologies MSM\n"
    assert not os.path.exists(os.path.join(d, "1-1.4", "serial"))
    assert sim.attr("1-1.4", "bNumInterfaces") == " 1\n"
    assert sim.attr("1-1.4:1.0", "bInterfaceProtocol") == "ff\n"
    assert sim.uevent("1-1.4:1.0")["DRIVER"] == "qcserial"
    assert sim.uevent("1-1.4")["PRODUCT"] == "5c6/9008/0"
    assert not os.path.exists(os.path.join(d, "1-1.4:1.2"))
    assert int(sim.attr("1-1.4", "devnum")) != st0["devnum"]
    # the kernel gives the lowest free number: the old ones were freed
    new = st["ports"][0]
    assert os.path.basename(new).startswith("ttyUSB")
    assert os.path.islink(new)
    assert set(os.listdir(os.path.join(sim.root, "dev"))) >= {os.path.basename(new)}
    assert old_ports - {new} == {x for x in old_ports if x != new}


def test_edl_switch_with_leading_flag_rm500q_path_change(sim_factory):
    s = sim_factory(profile="rm500q")
    assert s.state()["usb_path"] == "2-1.4"
    assert s.attr("2-1.4", "speed") == "5000\n"
    with Port(s.port("DIAG")) as p:
        p.drain(0.1)
        p.write(b"\x7e" + EDL_SWITCH)
        assert p.read_exact(7) == EDL_SWITCH
    st = s.wait_usb(vid="05c6")
    assert st["usb_path"] == "1-1.4"
    assert not os.path.exists(os.path.join(s.devices_dir(), "2-1.4"))
    assert s.attr("1-1.4", "speed") == "480\n"
    assert s.attr("1-1.4:1.0", "bInterfaceProtocol") == "11\n"


def test_drop_diag_fault(sim_factory):
    s = sim_factory(faults=["drop:diag:1"])
    with Port(s.port("DIAG")) as p:
        p.drain(0.1)
        p.write(hdlc_encode(b"\x7c"))
    st = s.wait_gone()
    assert st["plugged"] is False and st["mode"] == "normal"
    assert s.ctl("plug") == "ok"
    s.wait_usb(vid="2c7c")
    with Port(s.port("DIAG")) as p:
        assert diag_request(p, b"\x7c", 0x7C)[0] == 0x7C


def test_silent_diag_fault_swallows_one_frame(sim_factory):
    s = sim_factory(faults=["silent:diag"])
    with Port(s.port("DIAG")) as p:
        p.drain(0.1)
        p.write(EDL_SWITCH)
        assert [f for f in hdlc_frames(p.read_for(0.3)) if f[0] != 0x10] == []
        assert b"\x4b\x65" not in p.read_for(0.1)
        p.write(EDL_SWITCH)
        assert p.read_until(EDL_SWITCH, 3).endswith(EDL_SWITCH)
    s.wait_usb(vid="05c6")
