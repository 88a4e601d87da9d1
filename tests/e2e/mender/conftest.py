# SPDX-License-Identifier: BSD-3-Clause
"""The real mender-client (standalone mode: mender install/commit/rollback)
running contrib/mender/modem-firmware against modemflash-sim.

mender 3.4 reads its update modules only from /usr/share/mender/modules/v3
and the first artifact name only from /etc/mender/artifact_info (neither is
a configuration setting), so the session puts the module and that file
there, under a lock, and puts back whatever was there before. Everything
else is private to each test: mender's configuration, data directory and
device_type, modemflash's defaults file, backups and module state."""
import fcntl
import glob
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("MF_SOURCE_DIR", os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e", "cli"))

from flash_sim import MF, Sim, built, mkpkg  # noqa: E402

MODULE_SRC = os.path.join(SOURCE, "contrib", "mender", "modem-firmware")
ARTIFACT_TOOL = os.path.join(SOURCE, "contrib", "mender", "modemflash-artifact")
MODULES_DIR = "/usr/share/mender/modules/v3"
ARTIFACT_INFO = "/etc/mender/artifact_info"
LOCK = "/tmp/modemflash-e2e-mender.lock"
DEVICE_TYPE = "modemflash-test-gateway"
FIRST_ARTIFACT = "gateway-image-1"


def why_skip():
    for tool in ("mender", "mender-artifact", "jq"):
        if not shutil.which(tool):
            return (f"{tool} is not installed (make deps installs Debian's "
                    "mender-client, mender-artifact and jq)")
    if not built():
        return "modemflash, modemflash-sim or mkpkg not built"
    if os.geteuid() != 0:
        return (f"mender 3.4 runs update modules only from {MODULES_DIR} and "
                f"reads {ARTIFACT_INFO}; installing them there needs root")
    return None


class Placed:
    """Put a file at path for the session; put the old one back after."""

    def __init__(self, path, content=None, copy_of=None, mode=0o644):
        self.path = path
        self.saved = None
        self.made_dirs = []
        d = os.path.dirname(path)
        while not os.path.isdir(d):
            self.made_dirs.insert(0, d)
            d = os.path.dirname(d)
        for m in self.made_dirs:
            os.mkdir(m)
        self.recover(path)
        if os.path.lexists(path):
            self.saved = path + f".saved-by-modemflash-tests-{os.getpid()}"
            os.rename(path, self.saved)
        if copy_of:
            shutil.copyfile(copy_of, path)
        else:
            with open(path, "w") as f:
                f.write(content)
        os.chmod(path, mode)

    @staticmethod
    def recover(path):
        """A session that was killed left its file at path and the
        original beside it: put the original back."""
        for saved in glob.glob(glob.escape(path) + ".saved-by-modemflash-tests-*"):
            pid = int(saved.rsplit("-", 1)[1])
            try:
                os.kill(pid, 0)
                continue  # still running (it holds the lock: not reached)
            except ProcessLookupError:
                pass
            if os.path.lexists(path):
                os.unlink(path)
            os.rename(saved, path)

    def undo(self):
        if os.path.lexists(self.path):
            os.unlink(self.path)
        if self.saved:
            os.rename(self.saved, self.path)
        for m in reversed(self.made_dirs):
            try:
                os.rmdir(m)
            except OSError:
                pass


@pytest.fixture(scope="session")
def system_files():
    reason = why_skip()
    if reason:
        pytest.skip(reason)
    lock = open(LOCK, "w")
    # another checkout's suite may be using the same system paths
    fcntl.flock(lock, fcntl.LOCK_EX)
    placed = []
    try:
        placed.append(Placed(os.path.join(MODULES_DIR, "modem-firmware"),
                             copy_of=MODULE_SRC, mode=0o755))
        placed.append(Placed(ARTIFACT_INFO,
                             content=f"artifact_name={FIRST_ARTIFACT}\n"))
        yield
    finally:
        for p in reversed(placed):
            p.undo()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


class Gateway:
    """One simulated gateway: a module (modemflash-sim), mender with its
    own data directory, the update module's defaults file."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.root = tmp / "root"
        self.data = tmp / "mender-data"
        self.backups = tmp / "backups"
        self.mstate = tmp / "module-state"
        self.defaults = tmp / "default-modemflash"
        self.data.mkdir()
        (self.data / "device_type").write_text(f"device_type={DEVICE_TYPE}\n")
        self.conf = tmp / "mender.conf"
        self.conf.write_text(json.dumps({
            "DeviceTypeFile": str(self.data / "device_type"),
            "UpdatePollIntervalSeconds": 1800,
            "InventoryPollIntervalSeconds": 28800,
            "RetryPollIntervalSeconds": 300,
        }))
        self.sim = None
        self.settings = {}
        self.configure()

    def configure(self, **extra):
        """Write the defaults file (shell syntax, as in /etc/default)."""
        self.settings = {
            "MODEMFLASH": os.path.abspath(MF),
            "MODEMFLASH_ARGS": f"--sysroot {self.root}",
            "MODEMFLASH_BACKUP_DIR": str(self.backups),
            "MODEMFLASH_STATE_DIR": str(self.mstate),
            "MODEMFLASH_ROLLBACK_WAIT": "20",
        }
        self.settings.update(extra)
        self.defaults.write_text("# written by tests/e2e/mender\n" + "".join(
            f'{k}="{v}"\n' for k, v in self.settings.items()))

    def start(self, profile, rev, faults=()):
        self.sim = Sim(self.root, self.tmp / "sim-state", profile, rev, faults)
        return self.sim

    def package(self, profile, rev, variant=None):
        return mkpkg(self.tmp / "pkgs", profile, rev, variant=variant)

    def zipped(self, pkg):
        """The package as Quectel ships it: a zip with its folder on top."""
        out = self.tmp / (os.path.basename(pkg) + ".zip")
        top = os.path.dirname(pkg)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for dirpath, _, files in os.walk(pkg):
                for f in sorted(files):
                    path = os.path.join(dirpath, f)
                    z.write(path, os.path.relpath(path, top))
        return out

    def artifact(self, pkg, *extra):
        out = self.tmp / (os.path.basename(pkg) + ".mender")
        env = dict(os.environ, MODEMFLASH=os.path.abspath(MF))
        p = subprocess.run([ARTIFACT_TOOL, str(pkg), "-t", DEVICE_TYPE,
                            "-o", str(out), *extra],
                           capture_output=True, text=True, timeout=120, env=env)
        assert p.returncode == 0, p.stdout + p.stderr
        return out

    def mender(self, *args, timeout=240):
        """mender in standalone mode; returns (exit code, its whole log)."""
        env = dict(os.environ, MODEMFLASH_DEFAULTS=str(self.defaults))
        env.pop("XDG_DATA_HOME", None)
        p = subprocess.run(
            ["mender", "--config", str(self.conf),
             "--fallback-config", str(self.tmp / "no-fallback.conf"),
             "--data", str(self.data), "--no-syslog", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=timeout, env=env)
        return p.returncode, p.stdout

    def show(self, what):
        rc, out = self.mender(what)
        assert rc == 0, out
        return [l for l in out.splitlines() if "level=" not in l]

    def backup_dirs(self):
        out = []
        for dirpath, _, files in os.walk(self.backups):
            if "manifest.json" in files:
                out.append(dirpath)
        return sorted(out)

    def stop(self):
        if self.sim:
            self.sim.stop()


@pytest.fixture
def gw(system_files, tmp_path):
    g = Gateway(tmp_path)
    yield g
    g.stop()


def module_lines(log, stream=None):
    """What the update module printed, as mender logged it: one entry per
    'Output (stdout|stderr) from command' record (a record may hold several
    lines), with mender's quoting undone."""
    out = []
    for line in log.splitlines():
        i = line.find('msg="Output (')
        if i < 0 or "modem-firmware" not in line:
            continue
        s = line[i + 5:]
        kind = "stderr" if s.startswith("Output (stderr)") else "stdout"
        j = s.find(': ')
        msg = s[j + 2:].rsplit('"', 1)[0]
        msg = msg.replace('\\n', '\n').replace('\\"', '"').replace('\\\\', '\\')
        if stream in (None, kind):
            out.append(msg)
    return "\n".join(out)
