import re

import pytest

from tests.simulator.errors import InvalidSelectors, NotFound

from .conftest import NS, settings, vms, vssd_of

GUID = r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"


def test_vm_to_settings_and_back(host):
    vm = vms(host, state="running")[0]
    guid = vm.properties["Name"]
    vssd = vssd_of(host, vm)
    assert vssd.properties["InstanceID"] == f"Microsoft:{guid}"
    assert vssd.properties["VirtualSystemType"] == "Microsoft:Hyper-V:System:Realized"
    back = host.associators(NS, vssd, "Msvm_SettingsDefineState", "Msvm_ComputerSystem")
    assert back == [vm]
    parts = host.associators(NS, vssd, "Msvm_VirtualSystemSettingDataComponent")
    classes = {p.class_name for p in parts}
    assert {
        "Msvm_ProcessorSettingData",
        "Msvm_MemorySettingData",
        "Msvm_ResourceAllocationSettingData",
        "Msvm_StorageAllocationSettingData",
        "Msvm_SyntheticEthernetPortSettingData",
        "Msvm_EthernetPortAllocationSettingData",
    } <= classes
    for p in parts:
        assert host.associators(NS, p, "Msvm_VirtualSystemSettingDataComponent", role="PartComponent") == [vssd]
    refs = host.references(NS, vssd, "Msvm_VirtualSystemSettingDataComponent")
    assert len(refs) == len(parts)
    assert all(r.properties["GroupComponent"] == vssd.ref() for r in refs)


def test_instance_id_formats(host):
    vm = vms(host)[0]
    guid = vm.properties["Name"]
    proc = settings(host, vm, "Msvm_ProcessorSettingData")[0].properties
    mem = settings(host, vm, "Msvm_MemorySettingData")[0].properties
    assert proc["InstanceID"] == f"Microsoft:{guid}\\b637f346-6a0e-4dec-af52-bd70cb80a21d\\0"
    assert mem["InstanceID"] == f"Microsoft:{guid}\\4764334d-e001-4176-82ee-5594ec9b530e"
    assert mem["AllocationUnits"] == "byte * 2^20"
    nic = settings(host, vm, "Msvm_SyntheticEthernetPortSettingData")[0].properties
    assert re.fullmatch(rf"Microsoft:{guid}\\{GUID}", nic["InstanceID"])
    conn = settings(host, vm, "Msvm_EthernetPortAllocationSettingData")[0].properties
    assert conn["InstanceID"] == nic["InstanceID"] + "\\C"
    assert conn["Parent"].endswith(nic["InstanceID"].replace("\\", "\\\\") + '"')


def test_drive_parent_path_ends_with_controller_id(host):
    """libvirt matches a drive to its controller by the end of Parent (5.8)."""
    for vm in vms(host):
        rasds = settings(host, vm, "Msvm_ResourceAllocationSettingData")
        ctrls = [r for r in rasds if r.properties["ResourceType"] in (5, 6)]
        for d in (r for r in rasds if r.properties["ResourceType"] in (16, 17)):
            owners = [
                c
                for c in ctrls
                if d.properties["Parent"].endswith(c.properties["InstanceID"].replace("\\", "\\\\") + '"')
            ]
            assert len(owners) == 1
        for media in settings(host, vm, "Msvm_StorageAllocationSettingData"):
            assert media.properties["ResourceType"] == 31
            assert media.properties["InstanceID"].endswith("\\L")


def test_running_vm_devices(host):
    vm = vms(host, state="running")[0]
    devs = host.associators(NS, vm, "Msvm_SystemDevice")
    classes = {d.class_name for d in devs}
    assert {
        "Msvm_Keyboard",
        "Msvm_ShutdownComponent",
        "Msvm_KvpExchangeComponent",
        "Msvm_HeartbeatComponent",
        "Msvm_Processor",
        "Msvm_SyntheticEthernetPort",
    } <= classes
    kb = host.associators(NS, vm, result_class="Msvm_Keyboard")[0]
    assert kb.properties["DeviceID"] == "Microsoft:DE6CDC86-E1FB-4940-801B-C3C1A26C4DA4"
    rasd = host.associators(NS, kb, "Msvm_SettingsDefineState")[0]
    assert rasd.properties["InstanceID"].endswith("\\Keyboard")
    off = vms(host, state="off")[0]
    assert not host.associators(NS, off, "Msvm_SystemDevice")
    assert not host.associators(NS, off, result_class="Msvm_ShutdownComponent")


def test_nic_to_guest_config_and_switch(host):
    vm = vms(host, state="running")[0]
    nic = settings(host, vm, "Msvm_SyntheticEthernetPortSettingData")[0]
    gnac = host.associators(NS, nic, "Msvm_SettingDataComponent")[0]
    assert gnac.properties["InstanceID"] == (
        f"Microsoft:GuestNetwork\\{vm.properties['Name']}\\{nic.properties['InstanceID'].split(chr(92))[-1]}"
    )
    conn = settings(host, vm, "Msvm_EthernetPortAllocationSettingData")[0]
    port = host.associators(NS, conn, "Msvm_ElementSettingData", "Msvm_EthernetSwitchPort")[0]
    switch = host.associators(NS, port, "Msvm_SystemDevice", "Msvm_VirtualEthernetSwitch")[0]
    assert conn.properties["HostResource"] == [switch.path()]


def test_get_case_insensitive_and_partial_selectors(host):
    vm = vms(host)[0]
    got = host.get(
        NS, "msvm_computersystem", {"name": vm.properties["Name"].lower(), "CREATIONCLASSNAME": "msvm_computersystem"}
    )
    assert got is vm
    svc = host.get(
        NS, "Msvm_VirtualSystemManagementService", {"CreationClassName": "Msvm_VirtualSystemManagementService"}
    )
    assert svc.properties["Name"] == "vmms" and svc.properties["SystemName"] == host.computer_name
    with pytest.raises(InvalidSelectors):
        host.get(NS, "Msvm_ComputerSystem", {"Bogus": "x"})
    with pytest.raises(InvalidSelectors):
        host.get(NS, "Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem"})
    with pytest.raises(NotFound):
        host.get(NS, "Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": "nope"})


def test_subclass_enumeration_and_association_enumeration(host):
    all_rasd = host.instances(NS, "CIM_ResourceAllocationSettingData")
    only = host.instances(NS, "Msvm_ResourceAllocationSettingData")
    assert {i.class_name for i in only} == {"Msvm_ResourceAllocationSettingData"}
    assert len(all_rasd) > len(only)
    sds = host.instances(NS, "Msvm_SettingsDefineState")
    assert all(set(i.properties) == {"ManagedElement", "SettingData"} for i in sds)
    assert len([i for i in sds if i.properties["ManagedElement"].class_name == "Msvm_ComputerSystem"]) == 12


def test_host_services(host):
    hcs = host.get(NS, "Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": host.computer_name})
    svcs = {s.properties["Name"] for s in host.associators(NS, hcs, "Msvm_HostedService")}
    assert svcs == {"vmms", "vssnapsvc", "nvspwmi", "vhdsvc"}


def test_invoke_errors(host):
    from tests.simulator.errors import InvalidParameter, MethodNotFound

    vm = vms(host)[0]
    with pytest.raises(MethodNotFound):
        host.invoke(NS, "Msvm_ComputerSystem", vm.key_selectors(), "Explode", {})
    with pytest.raises(InvalidParameter):
        host.invoke(NS, "Msvm_ComputerSystem", vm.key_selectors(), "RequestStateChange", {"Bogus": "1"})
    with pytest.raises(InvalidParameter):
        host.invoke(NS, "Msvm_ComputerSystem", vm.key_selectors(), "RequestStateChange", {"RequestedState": "x"})
    with pytest.raises(NotFound):
        host.invoke(
            NS,
            "Msvm_ComputerSystem",
            {"CreationClassName": "Msvm_ComputerSystem", "Name": "0"},
            "RequestStateChange",
            {"RequestedState": "2"},
        )
    # a method of the schema without an implementation answers "not supported"
    assert host.invoke(NS, "Msvm_ComputerSystem", vm.key_selectors(), "InjectNonMaskableInterrupt", {})[0] == 32770


@pytest.mark.parametrize(
    "persona, cls", [("2012r2", "Msvm_ResourceAllocationSettingData"), ("2019", "Msvm_SerialPortSettingData")]
)
def test_com_ports_class_per_persona(clock, persona, cls):
    from tests.simulator.model import build_host

    h = build_host(persona, vms=1, clock=clock)
    vm = vms(h)[0]
    coms = [s for s in settings(h, vm, cls) if s.properties["ResourceSubType"] == "Microsoft:Hyper-V:Serial Port"]
    assert [c.properties["ElementName"] for c in coms] == ["COM 1", "COM 2"]
    assert coms[0].properties["ResourceType"] == 21


def test_get_association_instance_by_its_references(host, monkeypatch):
    from tests.simulator.model.instance import Instance

    vm = vms(host)[0]
    vssd = vssd_of(host, vm)
    sds = host.instances(NS, "Msvm_SettingsDefineState")
    calls = []
    real = Instance.key_selectors

    def counting(self):
        calls.append(self)
        return real(self)

    monkeypatch.setattr(Instance, "key_selectors", counting)
    got = host.get(NS, "Msvm_SettingsDefineState", {"managedelement": vm.ref(), "SETTINGDATA": vssd.ref()})
    assert got.properties["ManagedElement"] == vm.ref() and got.properties["SettingData"] == vssd.ref()
    assert len(calls) == len(sds)  # once per instance, not once per key
    with pytest.raises(NotFound):
        host.get(NS, "Msvm_SettingsDefineState", {"ManagedElement": vm.ref(), "SettingData": vm.ref()})
