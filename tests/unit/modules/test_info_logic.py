"""Pure logic of hyperv_host_info and hyperv_vm_info."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import hostinfo
from ansible_collections.wsman.hyperv.plugins.modules import hyperv_vm_info


@pytest.mark.parametrize("version, v1, release", [
    ("6.1.7601", True, "2008 R2"), ("6.2.9200", False, "2012"), ("6.3.9600", False, "2012 R2"),
    ("10.0.14393", False, "2016"), ("10.0.17763", False, "2019"), ("10.0.20348", False, "2022"),
    ("10.0.26100", False, "2025"), ("10.0.22631", False, None), ("10.0", False, None), (None, True, "2008 R2"),
    (None, False, None), ("5.2.3790", False, None),
])
def test_hyperv_release(version, v1, release):
    assert hostinfo.hyperv_release(version, v1) == release


@pytest.mark.parametrize("value, out", [(None, None), (True, True), ("true", True), ("FALSE", False), ("1", True),
                                        ("0", False), ("maybe", None)])
def test_bool(value, out):
    assert hostinfo._bool(value) is out


def test_int():
    assert hostinfo._int("64") == 64 and hostinfo._int(None) is None and hostinfo._int("x") is None


@pytest.mark.parametrize("names, exact, globs", [
    (None, None, None),
    (["web-01", "db"], ["web-01", "db"], None),
    (["web-*", "db"], None, ["web-*", "db"]),
    (["a?"], None, ["a?"]),
    (["[ab]x"], None, ["[ab]x"]),
])
def test_name_filters(names, exact, globs):
    assert hyperv_vm_info.name_filters(names) == (exact, globs)


def test_name_filters_refuse_empty():
    with pytest.raises(ValueError, match="empty name"):
        hyperv_vm_info.name_filters(["a", ""])
