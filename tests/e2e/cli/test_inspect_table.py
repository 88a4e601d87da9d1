# SPDX-License-Identifier: BSD-3-Clause
"""inspect checks a package against the device table's row of the model
it names: a programmer for another chip, or another programmer than that
model's packages carry, is a warning before any module is found."""
from test_inspect_pkg import inspect, pkg


def table_warnings(res):
    return [w for w in res["warnings"] if "programmer" in w]


def test_programmer_of_another_chip_is_named(tmp_path):
    code, res, err = inspect(pkg(tmp_path, prog_name="prog_firehose_sdx55.mbn"))
    assert code == 0, err
    assert res["programmer"]["chip"] == "SDX55"
    w = table_warnings(res)
    assert "the package is for EG25 (MDM9x07), its programmer for SDX55" in w
    assert ("the programmer prog_firehose_sdx55.mbn is not the "
            "prog_nand_firehose_9x07.mbn that EG25 packages carry") in w


def test_the_models_own_programmer_is_quiet(tmp_path):
    code, res, err = inspect(pkg(tmp_path))
    assert code == 0, err
    assert table_warnings(res) == []
