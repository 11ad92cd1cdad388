"""Unit tests of the pure comparison logic of hyperv_vm (plugins/module_utils/hyperv/compare.py) and of the
device parsing it relies on (devices.parse_devices / path helpers)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import compare, devices, facts

GUID = "4EA7033C-356C-4EBA-9F77-1A3399CFCD72"


def current(**over):
    f = facts.empty_facts()
    f.update(
        name="vm1", uuid=GUID, state="running", state_code=2, generation=1, cpu_count=2, memory_mb=2048,
        notes="", automatic_start_action="nothing", automatic_start_delay=0, automatic_stop_action="save",
        boot_order=["floppy", "cd", "ide", "net"],
        disks=[{"path": "C:\\VMs\\a.vhdx", "controller_type": "ide", "controller_number": 0,
                "controller_location": 0}],
        dvd=[{"path": None, "controller_type": "ide", "controller_number": 1, "controller_location": 0}],
        network_adapters=[{"name": "Network Adapter", "switch": "LAN", "mac_address": "00:15:5D:00:00:01",
                           "static_mac": False, "vlan_id": None}],
    )
    f["memory"]["dynamic_memory"] = {"enabled": False, "minimum_mb": 2048, "maximum_mb": 2048, "buffer_percent": 20}
    f.update(over)
    return f


def want(**params):
    return compare.validate(params)


# ---- validate ------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    ({"cpu_count": 0}, "cpu_count must be between 1 and 240 on this host (got 0)"),
    ({"cpu_count": 241}, "cpu_count must be between 1 and 240"),
    ({"memory_mb": 31}, "memory_mb must be an even number between 32"),
    ({"memory_mb": 1025}, "(got 1025)"),
    ({"dynamic_memory": {"buffer_percent": 4}}, "buffer_percent must be between 5 and 2000"),
    ({"dynamic_memory": {"minimum_mb": 4096, "maximum_mb": 1024}}, "minimum_mb (4096) must not exceed maximum_mb"),
    ({"memory_mb": 1024, "dynamic_memory": {"maximum_mb": 512}}, "maximum_mb (512) must not be below memory_mb"),
    ({"dynamic_memory": {"enabled": False, "minimum_mb": 512}}, "only apply with enabled=true"),
    ({"automatic_start_delay": -1}, "automatic_start_delay must be 0 or more"),
    ({"boot_order": ["ide", "ide"]}, "distinct devices"),
    ({"disks": [{"path": "relative.vhdx"}]}, "disks[0].path: 'relative.vhdx' is not an absolute Windows path"),
    ({"disks": [{"path": "C:\\x\\a.vhdx"}, {"path": "c:\\X\\A.VHDX"}]}, "is listed twice"),
    ({"disks": [{"path": "C:\\a.iso"}]}, "must end with .vhd or .vhdx"),
    ({"disks": [{"path": "C:\\a.vhdx", "controller_type": "ide", "controller_number": 2}]}, "IDE controllers are 0"),
    ({"disks": [{"path": "C:\\a.vhdx", "controller_location": 2}]}, "controller_location: must be 0 to 1"),
    ({"disks": [{"path": "C:\\a.vhdx", "size_gb": 0}]}, "size_gb must be a positive"),
    ({"dvd": "C:\\a.vhdx"}, "dvd: 'C:\\\\a.vhdx' must end with .iso"),
    ({"network_adapters": [{"mac": "01:00:5E:00:00:01"}]}, "must be a unicast address"),
    ({"network_adapters": [{"mac": "00:00:00:00:00:00"}]}, "unicast address that is not all zeros"),
    ({"network_adapters": [{"vlan_id": 0}]}, "vlan_id must be between 1 and 4094"),
])
def test_validate_rejects(params, fragment):
    with pytest.raises(OptionError) as exc:
        compare.validate(params)
    assert fragment in str(exc.value)


def test_validate_host_and_generation_rules():
    with pytest.raises(OptionError, match="supports generation 1 only"):
        compare.validate({"generation": 2}, v1=True)
    with pytest.raises(OptionError, match="1 and 4 on this host"):
        compare.validate({"cpu_count": 8}, v1=True)
    with pytest.raises(OptionError, match="no Secure Boot"):
        compare.validate({"secure_boot": True}, v1=True)
    with pytest.raises(OptionError, match="generation 2 VMs only"):
        compare.validate({"secure_boot": True}, generation=1)
    with pytest.raises(OptionError, match="must end with .vhd"):
        compare.validate({"disks": [{"path": "C:\\a.vhdx"}]}, v1=True)
    with pytest.raises(OptionError, match="no IDE controller"):
        compare.validate({"disks": [{"path": "C:\\a.vhdx", "controller_type": "ide"}]}, generation=2)
    with pytest.raises(OptionError, match="generation 2 VMs boot from cd, disk, net, file; ide is not one"):
        compare.validate({"boot_order": ["cd", "ide"]}, generation=2)
    with pytest.raises(OptionError, match="generation 1 VMs boot from floppy, cd, ide, net; disk is not one"):
        compare.validate({"boot_order": ["disk"]}, generation=1)
    with pytest.raises(OptionError, match="generation 1 VMs boot from"):
        compare.validate({"boot_order": ["file"]}, v1=True)
    with pytest.raises(OptionError, match="bios is not among floppy, cd, ide, net, disk, file"):
        compare.validate({"boot_order": ["bios"]})
    assert compare.validate({"boot_order": ["net", "disk"]}, generation=2)["boot_order"] == ["net", "disk"]
    assert compare.validate({"boot_order": ["disk", "cd"]})["boot_order"] == ["disk", "cd"]
    with pytest.raises(OptionError, match="not supported on Windows Server 2008 R2"):
        compare.validate({"network_adapters": [{"vlan_id": 5}]}, v1=True)


def test_validate_normalizes():
    nics = [{"mac": "00-15-5d-0a-0b-0c"}, {"mac": "dynamic"}]
    w = compare.validate({"disks": [{"path": "C:/VMs/a.vhdx"}], "network_adapters": nics}, generation=2)
    assert w["disks"] == [{"path": "C:\\VMs\\a.vhdx", "size_gb": None, "type": "dynamic", "controller_type": "scsi",
                           "controller_number": 0, "controller_location": None}]
    assert w["network_adapters"][0]["mac"] == "00:15:5D:0A:0B:0C"
    assert w["network_adapters"][1]["mac"] is None
    assert w["network_adapters"][0]["name"] == "Network Adapter"
    assert compare.validate({}) == {}
    assert compare.validate({"dvd": ""}) == {"dvd": ""}


# ---- compare -------------------------------------------------------------------------------------

def test_no_difference_is_empty():
    cur = current()
    w = want(cpu_count=2, memory_mb=2048, notes="", automatic_start_action="nothing", automatic_start_delay=0,
             automatic_stop_action="save", boot_order=["floppy", "cd", "ide", "net"],
             disks=[{"path": "c:\\vms\\A.vhdx"}], dvd="",
             network_adapters=[{"switch": "lan"}], dynamic_memory={"enabled": False})
    changes, before, after = compare.compare(cur, w)
    assert changes == {}
    assert before == after


def test_scalar_changes_and_needs_off():
    changes, before, after = compare.compare(current(), want(cpu_count=4, notes="x", automatic_start_delay=10))
    assert set(changes) == {"cpu_count", "notes", "automatic_start_delay"}
    assert changes["cpu_count"]["needs_off"] is True
    assert changes["notes"]["needs_off"] is False
    assert changes["automatic_start_delay"]["needs_off"] is False
    assert (before["cpu_count"], after["cpu_count"]) == (2, 4)
    assert (before["notes"], after["notes"]) == ("", "x")


def test_notes_none_equals_empty():
    changes = compare.compare(current(notes=None), want(notes=""))[0]
    assert changes == {}


def test_dynamic_memory_only_given_keys():
    changes, before, after = compare.compare(current(), want(dynamic_memory={"buffer_percent": 30}))
    assert changes == {"dynamic_memory": {"needs_off": False, "set": {"buffer_percent": 30}}}
    assert before == {"dynamic_memory": {"buffer_percent": 20}}
    assert after == {"dynamic_memory": {"buffer_percent": 30}}
    changes = compare.compare(current(), want(dynamic_memory={"enabled": True, "buffer_percent": 20}))[0]
    assert changes["dynamic_memory"] == {"needs_off": True, "set": {"enabled": True}}


def test_disks_attach_detach():
    cur = current(disks=[
        {"path": "C:\\VMs\\a.vhdx", "controller_type": "scsi", "controller_number": 0, "controller_location": 0},
        {"path": "C:\\VMs\\b.vhdx", "controller_type": "scsi", "controller_number": 0, "controller_location": 1}],
        generation=2)
    w = compare.validate({"disks": [{"path": "C:\\VMs\\a.vhdx"}, {"path": "C:\\VMs\\c.vhdx", "size_gb": 1}]},
                         generation=2)
    changes, before, after = compare.compare(cur, w)
    ch = changes["disks"]
    assert ch["needs_off"] is False  # SCSI can change while running
    assert [d["path"] for d in ch["attach"]] == ["C:\\VMs\\c.vhdx"]
    assert [d["path"] for d in ch["detach"]] == ["C:\\VMs\\b.vhdx"]
    assert [d["path"] for d in after["disks"]] == ["C:\\VMs\\a.vhdx", "C:\\VMs\\c.vhdx"]


def test_disk_moved_location_is_a_change_and_ide_needs_off():
    w = want(disks=[{"path": "C:\\VMs\\a.vhdx", "controller_location": 1}])
    changes = compare.compare(current(), w)[0]
    assert changes["disks"]["needs_off"] is True
    assert [d["controller_location"] for d in changes["disks"]["attach"]] == [1]
    assert [d["controller_location"] for d in changes["disks"]["detach"]] == [0]


def test_dvd():
    changes, before, after = compare.compare(current(), want(dvd="C:\\ISO\\x.iso"))
    assert changes == {"dvd": {"needs_off": False, "has_drive": True}}
    assert (before["dvd"], after["dvd"]) == (None, "C:\\ISO\\x.iso")
    changes = compare.compare(current(dvd=[]), want(dvd="C:\\ISO\\x.iso"))[0]
    assert changes["dvd"]["needs_off"] is True  # a drive must be added
    changes = compare.compare(current(dvd=[]), want(dvd=""))[0]
    assert changes == {}


def test_network_adapters():
    cur = current()
    changes = compare.compare(cur, want(network_adapters=[{"switch": "LAN", "vlan_id": 5}]))[0]
    wanted = {"name": "Network Adapter", "switch": "LAN", "mac": None, "vlan_id": 5}
    assert changes["network_adapters"] == {"needs_off": False, "plan": [
        {"want_index": 0, "index": 0, "action": "modify", "want": wanted, "diff": ["vlan_id"]}]}
    changes = compare.compare(cur, want(network_adapters=[{"switch": "LAN", "mac": "00:15:5D:00:00:01"}]))[0]
    assert changes["network_adapters"]["plan"][0]["diff"] == ["mac"]  # dynamic -> static
    assert changes["network_adapters"]["needs_off"] is True
    changes = compare.compare(cur, want(network_adapters=[]))[0]
    assert changes["network_adapters"]["plan"] == [{"index": 0, "action": "remove"}]
    changes, dummy, after = compare.compare(cur, want(network_adapters=[{"switch": "LAN"}, {"name": "b"}]))
    assert [p["action"] for p in changes["network_adapters"]["plan"]] == ["add"]
    assert after["network_adapters"][1] == {"name": "b", "switch": None, "mac_address": None, "static_mac": False,
                                            "vlan_id": None}


def test_adapters_pair_by_unique_name_then_order():
    cur = [{"name": "a"}, {"name": "b"}, {"name": "x"}, {"name": "x"}]
    assert compare.pair_nics(cur, [{"name": "b"}, {"name": "a"}]) == [1, 0]
    assert compare.pair_nics(cur, [{"name": "x"}, {"name": "new"}, {"name": "b"}]) == [0, 2, 1]
    assert compare.pair_nics([], [{"name": "a"}]) == [None]
    changes, dummy, dummy2 = compare.compare(current(network_adapters=[
        {"name": "a", "switch": "LAN", "mac_address": None, "static_mac": False, "vlan_id": None},
        {"name": "b", "switch": "LAN", "mac_address": None, "static_mac": False, "vlan_id": None}]),
        want(network_adapters=[{"name": "b", "switch": "LAN"}]))
    assert changes["network_adapters"]["plan"] == [{"index": 0, "action": "remove"}]


def test_compare_does_not_mutate_inputs():
    cur = current()
    w = want(cpu_count=3, disks=[{"path": "C:\\z.vhdx"}], network_adapters=[{"switch": "x"}])
    cur0, w0 = copy.deepcopy(cur), copy.deepcopy(w)
    compare.compare(cur, w)
    assert cur == cur0 and w == w0


# ---- device parsing --------------------------------------------------------------------------------

def inst(cls, **props):
    return cim.Instance(cls, props)


def test_parse_devices_v2_relations():
    base = "Microsoft:%s\\" % GUID
    ide = base + "83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\1"
    path = cim.object_path("Msvm_ResourceAllocationSettingData", {"InstanceID": ide}, host="HV1",
                           namespace="root/virtualization/v2")
    drive = ide + "\\0\\D"
    nic = base + "ABC"
    items = [
        inst("Msvm_ResourceAllocationSettingData", InstanceID=ide, ResourceType=5,
             ResourceSubType="Microsoft:Hyper-V:Emulated IDE Controller", Address="1"),
        inst("Msvm_ResourceAllocationSettingData", InstanceID=drive, ResourceType=16, Parent=path,
             ResourceSubType="Microsoft:Hyper-V:Synthetic DVD Drive", AddressOnParent="0"),
        inst("Msvm_StorageAllocationSettingData", InstanceID=ide + "\\0\\L", ResourceType=31,
             ResourceSubType="Microsoft:Hyper-V:Virtual CD/DVD Disk", HostResource=["C:\\ISO\\a.iso"],
             Parent=cim.object_path("Msvm_ResourceAllocationSettingData", {"InstanceID": drive}, host="HV1",
                                    namespace="root/virtualization/v2")),
        inst("Msvm_SyntheticEthernetPortSettingData", InstanceID=nic, ElementName="lan", Address="00155D0A0B0C",
             StaticMacAddress=True, ResourceSubType="Microsoft:Hyper-V:Synthetic Ethernet Port"),
        inst("Msvm_EthernetPortAllocationSettingData", InstanceID=nic + "\\C", EnabledState=2,
             ResourceSubType="Microsoft:Hyper-V:Ethernet Connection", LastKnownSwitchName="LAN",
             Parent=cim.object_path("Msvm_SyntheticEthernetPortSettingData", {"InstanceID": nic}),
             HostResource=[cim.object_path("Msvm_VirtualEthernetSwitch", {
                 "CreationClassName": "Msvm_VirtualEthernetSwitch", "Name": "SW-GUID"}, host="HV1",
                 namespace="root/virtualization/v2")]),
        inst("Msvm_EthernetSwitchPortVlanSettingData", InstanceID=nic + "\\C\\952C5004", AccessVlanId=42),
    ]
    dev = devices.parse_devices(items)
    assert dev.host == "HV1"
    assert dev.dvd_facts() == [{"path": "C:\\ISO\\a.iso", "controller_type": "ide", "controller_number": 1,
                                "controller_location": 0}]
    assert dev.disk_facts() == []
    assert len(dev.nics) == 1
    n = dev.nics[0]
    assert (n["name"], n["mac_address"], n["static_mac"], n["switch_id"], n["vlan_id"]) == (
        "lan", "00:15:5D:0A:0B:0C", True, "SW-GUID", 42)
    f = facts.vm_facts(inst("Msvm_ComputerSystem", Name=GUID.lower(), ElementName="vm1", EnabledState=6,
                            OnTimeInMilliseconds=65000), False, dev=dev)
    assert f["uuid"] == GUID and f["state"] == "saved" and f["uptime_seconds"] == 65
    assert f["network_adapters"][0]["switch"] == "LAN"  # LastKnownSwitchName without a switch list
    assert set(f) == set(facts.FACT_KEYS)


def test_path_helpers_and_mac():
    p = 'root\\virtualization\\v2:Msvm_X.InstanceID="Microsoft:A\\\\B\\"q"'
    assert devices.path_keys("\\\\HOST\\" + p) == {"instanceid": 'Microsoft:A\\B"q'}
    assert devices.path_class("\\\\HOST\\" + p) == "Msvm_X"
    assert devices.format_mac("000000000000") is None
    assert devices.format_mac("00155d0a0b0c") == "00:15:5D:0A:0B:0C"
    assert devices.mac_to_wire("00:15:5d:0a:0b:0c") == "00155D0A0B0C"


def test_glob_to_like():
    assert facts.glob_to_like("web-*") == "web-%"
    assert facts.glob_to_like("a_b?") == "a[_]b_"
    assert facts.glob_to_like("[ab]*") is None


def test_compare_generation2_boot_order_is_a_preference_over_the_whole_order():
    sources = [("file", "p-file"), ("cd", "p-cd"), ("disk", "p-disk1"), ("net", "p-net"), ("disk", "p-disk2")]
    current = {"boot_order": [k for k, _p in sources], "boot_sources": sources}
    changes, before, after = compare.compare(current, {"boot_order": ["disk", "net"]})
    assert changes == {"boot_order": {"needs_off": True}}
    assert before["boot_order"] == ["file", "cd", "disk", "net", "disk"]
    assert after["boot_order"] == ["disk", "disk", "net", "file", "cd"]
    # already first, in that order: no change, whatever follows
    changes, before, after = compare.compare(current, {"boot_order": ["file", "cd"]})
    assert changes == {} and before == after
    # a kind the VM has no entry of changes nothing
    changes = compare.compare({"boot_order": ["cd"], "boot_sources": [("cd", "p")]}, {"boot_order": ["net"]})[0]
    assert changes == {}
