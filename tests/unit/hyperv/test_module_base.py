"""Unit tests of plugins/module_utils/module.py: argument spec merge and the diff helper."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import module
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import CONNECTION_ARGUMENT_SPEC
from ansible_collections.wsman.hyperv.plugins.modules import hyperv_vm


def test_merge_keeps_connection_options_and_adds_the_module_ones():
    spec = module.merge_argument_spec({"name": {"type": "str"}})
    assert set(spec) == set(CONNECTION_ARGUMENT_SPEC) | {"name"}
    assert spec["password"]["no_log"] is True


def test_merge_refuses_a_clash():
    with pytest.raises(ValueError, match="clash with the connection options: hostname"):
        module.merge_argument_spec({"hostname": {"type": "str"}})


def test_hyperv_vm_spec_does_not_clash():
    spec = module.merge_argument_spec(hyperv_vm.ARGUMENT_SPEC)
    assert "state" in spec and "uri" in spec


def test_diff_dicts():
    assert module.diff_dicts({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": (2, 3), "c": (None, 4)}
    assert module.diff_dicts({}, {}) == {}


class _Params:
    def __init__(self, **params):
        self.params = params


def bare_module(**params):
    hm = module.HypervModule.__new__(module.HypervModule)
    hm.module = _Params(**params)
    return hm


def test_require_positive_seconds_accepts_positive_and_unset():
    bare_module(timeout=1, wait_timeout=None).require_positive_seconds("timeout", "wait_timeout")


@pytest.mark.parametrize("value", [0, -1])
def test_require_positive_seconds_names_the_option_and_value(value):
    hm = bare_module(timeout=600, wait_timeout=value)
    with pytest.raises(OptionError) as err:
        hm.require_positive_seconds("timeout", "wait_timeout")
    assert str(err.value) == "wait_timeout must be a positive number of seconds, got %d" % value
