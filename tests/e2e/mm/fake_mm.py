#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A stand-in ModemManager on a private bus, for the everyday suite.

It owns org.freedesktop.ModemManager1, exports the modems of a JSON
config through org.freedesktop.DBus.ObjectManager (the Modem interface
with Device, Physdev, Revision, Ports, State ... as in ModemManager's
introspection XML), and answers InhibitDevice(uid, b) the way
ModemManager 1.10+ does: the inhibited modem leaves the bus, the
inhibition ends on InhibitDevice(uid, false) from the same caller or when
that caller leaves the bus. Every call and every release is one JSON line
in --log, with the simulator's state at that moment when --sim-control
names its control socket (so a test sees what the module was doing when
the inhibition began and ended).

Modes (--mode): normal; unauthorized (polkit says no); old (MM < 1.10:
no InhibitDevice method); busy (another client inhibits already).
"""
import argparse
import json
import socket
import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

NAME = "org.freedesktop.ModemManager1"
PATH = "/org/freedesktop/ModemManager1"
MODEM = "org.freedesktop.ModemManager1.Modem"
OM = "org.freedesktop.DBus.ObjectManager"
PROPS = "org.freedesktop.DBus.Properties"
CORE = "org.freedesktop.ModemManager1.Error.Core."


class Log:
    def __init__(self, path, sim_control):
        self.f = open(path, "a", buffering=1)
        self.sim_control = sim_control

    def sim_state(self):
        if not self.sim_control:
            return None
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(5)
                s.connect(self.sim_control)
                s.sendall(b"state\n")
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            return json.loads(data.decode())
        except (OSError, ValueError) as e:
            return {"error": str(e)}

    def write(self, **event):
        event["t"] = time.monotonic()
        event["sim"] = self.sim_state()
        self.f.write(json.dumps(event) + "\n")


def modem_props(m):
    return dbus.Dictionary({
        "Device": dbus.String(m["device"]),
        "Physdev": dbus.String(m.get("physdev", m["device"])),
        "Manufacturer": dbus.String(m.get("manufacturer", "Quectel")),
        "Model": dbus.String(m.get("model", "BG95-M3")),
        "Revision": dbus.String(m.get("revision", "")),
        "Plugin": dbus.String("quectel"),
        "PrimaryPort": dbus.String(m.get("primary", "ttyUSB2")),
        "Ports": dbus.Array([dbus.Struct((dbus.String(p), dbus.UInt32(t)))
                             for p, t in m.get("ports", [])],
                            signature="(su)"),
        "Drivers": dbus.Array(["option"], signature="s"),
        "State": dbus.Int32(m.get("state", 8)),
        "EquipmentIdentifier": dbus.String(m.get("imei", "")),
    }, signature="sv")


class Manager(dbus.service.Object):
    def __init__(self, bus, cfg, log, mode):
        super().__init__(bus, PATH)
        self.bus = bus
        self.log = log
        self.mode = mode
        self.modems = {f"{PATH}/Modem/{i}": m
                       for i, m in enumerate(cfg.get("modems", []))}
        self.inhibited = {}  # uid -> (sender, watch, object path)

    @dbus.service.method(OM, in_signature="", out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        self.log.write(call="GetManagedObjects")
        hidden = {p for _, _, p in self.inhibited.values()}
        return dbus.Dictionary(
            {dbus.ObjectPath(p): {MODEM: modem_props(m)}
             for p, m in self.modems.items() if p not in hidden},
            signature="oa{sa{sv}}")

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, iface, prop):
        if iface == NAME and prop == "Version" and self.mode != "old":
            return dbus.String("1.20.4")
        raise dbus.exceptions.DBusException(
            f"no property {prop}",
            name="org.freedesktop.DBus.Error.InvalidArgs")

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        if iface == NAME and self.mode != "old":
            return {"Version": dbus.String("1.20.4")}
        return dbus.Dictionary({}, signature="sv")

    @dbus.service.method(NAME, in_signature="sb", out_signature="",
                         sender_keyword="sender")
    def InhibitDevice(self, uid, inhibit, sender=None):
        self.log.write(call="InhibitDevice", uid=str(uid),
                       inhibit=bool(inhibit), sender=str(sender))
        if self.mode == "old":
            raise dbus.exceptions.DBusException(
                "No such method 'InhibitDevice'",
                name="org.freedesktop.DBus.Error.UnknownMethod")
        if self.mode == "unauthorized":
            raise dbus.exceptions.DBusException(
                "PolicyKit authorization failed: not authorized for "
                "'org.freedesktop.ModemManager1.Control'",
                name=CORE + "Unauthorized")
        path = next((p for p, m in self.modems.items()
                     if m["device"] == uid), None)
        if not inhibit:
            held = self.inhibited.get(uid)
            if not held or held[0] != sender:
                raise dbus.exceptions.DBusException(
                    f"No inhibition found for uid '{uid}'",
                    name=CORE + "NotFound")
            self.release(uid, "uninhibit")
            return
        if self.mode == "busy" or uid in self.inhibited:
            raise dbus.exceptions.DBusException(
                f"Device '{uid}' is already inhibited",
                name=CORE + "InProgress")
        if path is None:
            raise dbus.exceptions.DBusException(
                f"No device found with uid '{uid}'", name=CORE + "NotFound")

        def lost(owner, uid=uid):
            if owner == "" and uid in self.inhibited:
                self.release(uid, "vanished")

        watch = self.bus.watch_name_owner(sender, lost)
        self.inhibited[uid] = (sender, watch, path)
        self.InterfacesRemoved(dbus.ObjectPath(path), [MODEM])

    def release(self, uid, how):
        sender, watch, path = self.inhibited.pop(uid)
        watch.cancel()
        self.log.write(event="released", uid=uid, how=how,
                       sender=str(sender))
        self.InterfacesAdded(dbus.ObjectPath(path),
                             {MODEM: modem_props(self.modems[path])})

    @dbus.service.signal(OM, signature="oas")
    def InterfacesRemoved(self, path, ifaces):
        pass

    @dbus.service.signal(OM, signature="oa{sa{sv}}")
    def InterfacesAdded(self, path, ifaces):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bus", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--sim-control")
    ap.add_argument("--mode", default="normal",
                    choices=["normal", "unauthorized", "old", "busy"])
    a = ap.parse_args()
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(a.bus)
    with open(a.config) as f:
        cfg = json.load(f)
    log = Log(a.log, a.sim_control)
    mgr = Manager(bus, cfg, log, a.mode)
    name = dbus.service.BusName(NAME, bus)
    log.write(event="ready")
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
    loop.run()
    del name, mgr
    return 0


if __name__ == "__main__":
    sys.exit(main())
