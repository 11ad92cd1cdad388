"""Pure logic of hyperv_checkpoint: object paths, the checkpoint tree, name lookups."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import checkpoints as c

UTC = datetime.UTC


def cp(id_, name, parent=None, created=None):
    return {"id": id_, "name": name, "parent_id": parent, "created": created}


def test_path_keys_undoubles_backslashes():
    path = ('\\\\HV01\\root\\virtualization\\v2:Msvm_VirtualSystemSettingData.'
            'InstanceID="Microsoft:ABC\\\\83F8\\\\0"')
    assert c.path_keys(path) == {"InstanceID": "Microsoft:ABC\\83F8\\0"}
    assert c.path_instance_id(path) == "Microsoft:ABC\\83F8\\0"


def test_path_keys_relative_and_several_keys():
    path = 'Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="X \\"q\\""'
    assert c.path_keys(path) == {"CreationClassName": "Msvm_ComputerSystem", "Name": 'X "q"'}
    assert c.path_instance_id(path) is None
    assert c.path_keys(None) == {} and c.path_instance_id("") is None


def test_checkpoint_from_instance():
    inst = {"ElementName": "before", "InstanceID": "Microsoft:S1",
            "CreationTime": datetime.datetime(2026, 1, 5, 10, 11, 12, tzinfo=UTC),
            "Parent": '\\\\H\\root\\virtualization\\v2:Msvm_VirtualSystemSettingData.InstanceID="Microsoft:S0"'}
    assert c.checkpoint_from_instance(inst) == {"name": "before", "id": "Microsoft:S1",
                                                "created": "2026-01-05T10:11:12+00:00", "parent_id": "Microsoft:S0"}
    never = dict(inst, CreationTime=datetime.datetime(1601, 1, 1, tzinfo=UTC), Parent=None)
    assert c.checkpoint_from_instance(never)["created"] is None
    assert c.checkpoint_from_instance(never)["parent_id"] is None


def test_is_checkpoint_v1_and_v2():
    assert c.is_checkpoint({"VirtualSystemType": c.SNAPSHOT_TYPE_V2}, v1=False)
    assert not c.is_checkpoint({"VirtualSystemType": c.REALIZED_TYPE_V2}, v1=False)
    assert c.is_checkpoint({"SettingType": 5}, v1=True) and c.is_checkpoint({"SettingType": "5"}, v1=True)
    assert not c.is_checkpoint({"SettingType": 3}, v1=True)


def test_order_tree_parents_first_siblings_by_time():
    cps = [cp("c", "c", "a", "3"), cp("b", "b", "a", "2"), cp("a", "a", None, "1"), cp("d", "d", None, "0"),
           cp("e", "e", "b", "4")]
    assert [x["id"] for x in c.order_tree(cps)] == ["d", "a", "b", "e", "c"]


def test_order_tree_keeps_orphans_and_cycles():
    cps = [cp("x", "x", "gone"), cp("p", "p", "q"), cp("q", "q", "p")]
    assert sorted(x["id"] for x in c.order_tree(cps)) == ["p", "q", "x"]


def test_find_by_name():
    cps = [cp("1", "a"), cp("2", "b"), cp("3", "b")]
    assert c.find_by_name(cps, "a")["id"] == "1"
    assert c.find_by_name(cps, "A") is None  # names are matched exactly
    assert c.find_by_name(cps, "zz") is None
    with pytest.raises(c.CheckpointError, match="2 checkpoints named 'b'.*2, 3"):
        c.find_by_name(cps, "b", "vm1")


def test_subtree():
    cps = [cp("a", "a"), cp("b", "b", "a"), cp("c", "c", "b"), cp("d", "d", "a"), cp("e", "e")]
    assert [x["id"] for x in c.subtree(cps, "a")] == ["a", "b", "c", "d"]
    assert [x["id"] for x in c.subtree(cps, "c")] == ["c"]
    assert c.subtree(cps, "nope") == []


@pytest.mark.parametrize("name, msg", [("", "non-empty"), ("  ", "non-empty"), ("x" * 101, "at most 100"),
                                       ("a\nb", "control character")])
def test_validate_name_refuses(name, msg):
    with pytest.raises(c.CheckpointError, match=msg):
        c.validate_name(name)


def test_validate_name_accepts():
    assert c.validate_name("x" * 100) == "x" * 100
    assert c.validate_name("before patch (\u00e9t\u00e9)") == "before patch (\u00e9t\u00e9)"
