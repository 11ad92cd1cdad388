"""Pure logic of hyperv_switch / hyperv_switch_info: paths, port classification, option checks."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import switch_manage as sm

EXT = ('\\\\HV01\\root\\virtualization\\v2:Msvm_ExternalEthernetPort.CreationClassName="Msvm_ExternalEthernetPort",'
       'DeviceID="Microsoft:{AB12}",SystemCreationClassName="Msvm_ComputerSystem",SystemName="HV01"')
HOST = '\\\\HV01\\root\\virtualization\\v2:Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="HV01"'


def test_parse_path():
    assert sm.parse_path(EXT) == ("Msvm_ExternalEthernetPort", {
        "CreationClassName": "Msvm_ExternalEthernetPort", "DeviceID": "Microsoft:{AB12}",
        "SystemCreationClassName": "Msvm_ComputerSystem", "SystemName": "HV01"})
    assert sm.parse_path('root\\virtualization:Msvm_SwitchPort.Name="p1",SystemName="S\\\\1"') == (
        "Msvm_SwitchPort", {"Name": "p1", "SystemName": "S\\1"})
    assert sm.parse_path(None) == (None, {})


def test_owner_guid():
    assert sm.owner_guid("Microsoft:c08cb7b8-9b3c-408e-8e30-5e16a3aeb444\\PORT") == \
        "C08CB7B8-9B3C-408E-8E30-5E16A3AEB444"
    assert sm.owner_guid("Microsoft:Definition\\x\\Default") is None
    assert sm.owner_guid(None) is None and sm.owner_guid("other:1") is None


@pytest.mark.parametrize("value, text", [(None, ""), ([], ""), ([""], ""), (["a", "b"], "a\nb"), ("x", "x")])
def test_notes_text(value, text):
    assert sm.notes_text(value) == text


def port(kind, device=None):
    return {"id": "Microsoft:S\\%s" % kind, "kind": kind, "device_id": device}


def test_classify_ports():
    assert sm.classify_ports([]) == ("private", None, False)
    assert sm.classify_ports([port("host")]) == ("internal", None, True)
    assert sm.classify_ports([port("uplink", "D1")]) == ("external", "D1", False)
    assert sm.classify_ports([port("host"), port("uplink", "D1")]) == ("external", "D1", True)


def test_wanted_and_current_ports():
    assert sm.wanted_ports("private", None, True) == set()
    assert sm.wanted_ports("internal", None, False) == {("host", None)}
    assert sm.wanted_ports("external", "D1", False) == {("uplink", "d1")}
    assert sm.wanted_ports("external", "D1", True) == {("uplink", "d1"), ("host", None)}
    switch = {"_ports": [port("host"), port("uplink", "D1"), port("other")]}
    assert sm.current_ports(switch) == {("host", None), ("uplink", "d1")}


def test_public_hides_internal_fields():
    assert sm.public({"name": "a", "_ports": [], "_vessd_id": "x"}) == {"name": "a"}


def params(**kw):
    base = {"name": "sw", "state": "present", "switch_type": None, "net_adapter_name": None,
            "allow_management_os": None}
    base.update(kw)
    return base


@pytest.mark.parametrize("kw, msg", [
    (dict(name=""), "non-empty"),
    (dict(name="x" * 101), "at most 100"),
    (dict(switch_type="external"), "needs net_adapter_name"),
    (dict(switch_type="internal", net_adapter_name="nic"), "only applies to switch_type=external"),
    (dict(net_adapter_name="nic"), "switch_type is not set"),
    (dict(switch_type="private", allow_management_os=True), "allow_management_os only applies"),
])
def test_validate_refuses(kw, msg):
    with pytest.raises(sm.SwitchError, match=msg):
        sm.validate(params(**kw))


def test_validate_accepts():
    sm.validate(params(switch_type="external", net_adapter_name="nic", allow_management_os=False))
    sm.validate(params(switch_type="private"))
    sm.validate(params(state="absent", switch_type="external"))  # absent ignores the rest
