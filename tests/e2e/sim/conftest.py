# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures for the simulator tests: start modemflash-sim in a temporary
root (and state dir), wait for DIR/ready, stop it afterwards."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from simclient import SIM_BIN, Sim  # noqa: E402


@pytest.fixture
def sim_factory(tmp_path):
    """start(profile=..., uart=..., faults=[...], ...) -> a running Sim.

    Each call gets its own state dir unless state= is given; all root
    paths share tmp_path/root unless root= is given. Everything is stopped
    at the end of the test."""
    if not os.access(SIM_BIN, os.X_OK):
        pytest.fail("modemflash-sim not built: %s (set MF_BUILD_DIR)" % SIM_BIN)
    started = []
    count = [0]

    def start(root=None, state=True, **kw):
        count[0] += 1
        root = root or tmp_path / "root"
        os.makedirs(root, exist_ok=True)
        if state is True:
            state = tmp_path / ("state%d" % count[0])
        sim = Sim(root, state=state or None, **kw)
        sim.start()
        started.append(sim)
        return sim

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def sim(sim_factory):
    """A BG95-M3 with a plain UART, fast timing."""
    return sim_factory(uart="plain")
