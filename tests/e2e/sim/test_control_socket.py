# SPDX-License-Identifier: BSD-3-Clause
"""Control socket of modemflash-sim: commands, state JSON, BOOT pin."""
import json
import os
import socket

from simclient import Port


def test_state_json(sim):
    raw = sim.ctl("state")
    st = json.loads(raw)
    assert "\n" not in raw
    assert st["mode"] == "normal"
    assert st["revision"] == "BG95M3LAR02A03_01.009.01.009"
    assert st["usb"] is True
    assert st["usb_path"] == "1-1.4" and st["vid"] == "2c7c" and st["pid"] == "0700"
    assert len(st["ports"]) == 4
    assert all(p.startswith(os.path.join(sim.root, "dev", "ttyUSB")) for p in st["ports"])
    assert set(st["roles"]) == {"DIAG", "NMEA", "AT", "MODEM"}
    assert st["roles"]["DIAG"] in st["ports"]


def test_unknown_command(sim):
    assert sim.ctl("explode").startswith("error: ")
    assert sim.ctl("boot-pin maybe").startswith("error: ")


def test_several_commands_on_one_connection(sim):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
        c.settimeout(5)
        c.connect(os.path.join(sim.ctl_dir, "control"))
        c.sendall(b"boot-pin on\nboot-pin off\nstate\n")
        data = b""
        while data.count(b"\n") < 3:
            data += c.recv(4096)
    lines = data.decode().splitlines()
    assert lines[:2] == ["ok", "ok"]
    assert json.loads(lines[2])["boot_pin"] is False


def test_control_in_root_without_state(sim_factory, tmp_path):
    s = sim_factory(state=None)
    assert (tmp_path / "root" / "control").exists()
    assert s.state()["mode"] == "normal"


def test_boot_pin_read_at_power_on_only(sim):
    assert sim.ctl("boot-pin on") == "ok"
    assert sim.state()["mode"] == "normal"      # not before the next power-on
    assert sim.ctl("power-cycle") == "ok"
    st = sim.wait_usb(vid="05c6")
    assert st["mode"] in ("sahara", "firehose") and st["pid"] == "9008"
    assert sim.ctl("boot-pin off") == "ok"
    assert sim.state()["vid"] == "05c6"          # still in EDL
    assert sim.ctl("power-cycle") == "ok"
    st = sim.wait_usb(vid="2c7c")
    assert st["mode"] == "normal"


def test_uart_silent_in_edl(sim):
    sim.ctl("boot-pin on")
    sim.ctl("power-cycle")
    sim.wait_usb(vid="05c6")
    with Port(sim.state()["uart"]) as u:
        u.drain()
        u.write("ATI\r")
        assert u.read_for(0.3) == b""


def test_unplug_and_plug(sim):
    st0 = sim.state()
    assert sim.ctl("unplug") == "ok"
    st = sim.state()
    assert st["present"] is False and st["ports"] == [] and st["plugged"] is False
    assert st["mode"] == "normal"
    assert not os.path.exists(os.path.join(sim.devices_dir(), "1-1.4"))
    assert [n for n in os.listdir(os.path.join(sim.root, "dev")) if n.startswith("ttyUSB")] == []
    # the UART still answers: the module stays powered
    with Port(st["uart"]) as u:
        u.drain()
        assert u.at_lines("AT+CGMR")[1:] == ["BG95M3LAR02A03", "OK"]
    assert sim.ctl("plug") == "ok"
    st = sim.wait_usb(vid="2c7c")
    assert st["devnum"] != st0["devnum"]
    assert sim.ctl("plug").startswith("error: ")


def test_power_cycle_renews_device(sim):
    st0 = sim.state()
    assert sim.ctl("power-cycle") == "ok"
    st = sim.wait_usb(vid="2c7c")
    assert st["devnum"] != st0["devnum"]
    with Port(st["roles"]["AT"]) as p:
        assert p.read_until(b"APP RDY\r\n", 3).endswith(b"APP RDY\r\n")


def test_real_timing_keeps_control_responsive(sim_factory):
    s = sim_factory(timing="real", time_scale=0.05)   # reboot 1 s, EDL enumeration 0.15 s
    st = s.wait_usb(vid="2c7c", timeout=5)
    with Port(st["roles"]["AT"]) as p:
        p.drain()
        p.at("AT+CFUN=1,1")
    st = s.wait_gone(timeout=3)
    assert st["rebooting"] is True and s.ctl("boot-pin off") == "ok"
    s.wait_usb(vid="2c7c", timeout=5)


def test_busy_time_zero_in_fast_timing(sim):
    st = sim.state()
    assert st["busy_s"] == 0
    assert set(st["busy"]) == {"boot", "enumerate", "erase", "program", "read", "other"}
    assert all(v == 0 for v in st["busy"].values())


def test_busy_time_sums_the_timing_model(sim_factory):
    # real timing at 1/100: boot 20 s -> 0.2 s, EDL enumeration 3 s -> 0.03 s
    s = sim_factory(timing="real", time_scale=0.01)
    st = s.state()
    assert abs(st["busy"]["boot"] - 0.2) < 0.002
    assert st["busy"]["enumerate"] == 0
    assert s.ctl("boot-pin on") == "ok"
    s.wait_usb(vid="2c7c")
    assert s.ctl("power-cycle") == "ok"
    s.wait_usb(vid="05c6")
    st = s.state()
    assert abs(st["busy"]["enumerate"] - 0.03) < 0.002
    assert abs(st["busy_s"] - sum(st["busy"].values())) < 1e-6
    proc = s.proc
    s.proc.send_signal(15)
    proc.wait(10)
    err = proc.stderr.read().decode()
    assert "modemflash-sim: busy " in err and "enumerate 0.03" in err
    s.proc = None
    proc.stderr.close()
