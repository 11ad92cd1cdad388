import pytest

from tests.simulator.errors import UnknownNamespace
from tests.simulator.model import build_host

from .conftest import V1, emb, finish, invoke, vms, vssd_of

SVC = "Msvm_VirtualSystemManagementService"


@pytest.fixture
def v1host(clock):
    return build_host("2008r2", vms=6, switches=2, seed=2, clock=clock)


def test_v1_namespace_only(v1host):
    assert v1host.persona.max_envelope_kb == 150 and v1host.persona.max_ops_per_user == 15
    with pytest.raises(UnknownNamespace):
        v1host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
    assert v1host.instances("root/cimv2", "Win32_OperatingSystem")[0].properties["Version"] == "6.1.7601"
    assert [s.properties["ElementName"] for s in v1host.instances(V1, "Msvm_VirtualSwitch")]
    assert v1host.instances(V1, "Msvm_VirtualSystemGlobalSettingData")


def test_v1_settings_model(v1host):
    vm = vms(v1host, V1)[0]
    vssd = vssd_of(v1host, vm, V1)
    assert vssd.properties["SettingType"] == 3 and vssd.properties["VirtualSystemType"] == 301
    assert isinstance(vssd.properties["Notes"], str)
    parts = v1host.associators(V1, vssd, "Msvm_VirtualSystemSettingDataComponent")
    subtypes = {p.properties["ResourceSubType"] for p in parts}
    assert "Microsoft Synthetic Disk Drive" in subtypes and "Microsoft Virtual Hard Disk" in subtypes
    image = next(p for p in parts if p.properties["ResourceSubType"] == "Microsoft Virtual Hard Disk")
    assert image.class_name == "Msvm_ResourceAllocationSettingData" and image.properties["ResourceType"] == 21
    assert image.properties["Connection"][0].endswith(".vhd") and image.properties["HostResource"] is None
    drive = v1host.resolve(image.properties["Parent"])
    assert drive.properties["ResourceType"] == 22


def test_v1_state_codes(v1host, clock):
    vm = next(v for v in vms(v1host, V1) if v.values["_state"] == "off")
    assert invoke(v1host, "Msvm_ComputerSystem", vm, "RequestStateChange", V1, RequestedState=2)[0] == 4096
    assert vm.properties["EnabledState"] == 32770
    clock.advance(60)
    assert vm.properties["EnabledState"] == 2
    assert invoke(v1host, "Msvm_ComputerSystem", vm, "RequestStateChange", V1, RequestedState=9)[0] == 32775
    rv, out = invoke(v1host, "Msvm_ComputerSystem", vm, "RequestStateChange", V1, RequestedState=32768)
    assert rv == 4096 and out["Job"].class_name == "Msvm_ConcreteJob"
    clock.advance(60)
    assert vm.properties["EnabledState"] == 32768
    invoke(v1host, "Msvm_ComputerSystem", vm, "RequestStateChange", V1, RequestedState=32769)
    clock.advance(60)
    assert vm.properties["EnabledState"] == 32769


def test_v1_define_add_modify(v1host, clock):
    rv, out = invoke(
        v1host,
        SVC,
        None,
        "DefineVirtualSystem",
        V1,
        SystemSettingData=emb("Msvm_VirtualSystemGlobalSettingData", ElementName="legacy"),
    )
    assert rv == 0 and out["DefinedSystem"].class_name == "Msvm_ComputerSystem"
    vm = v1host.resolve(out["DefinedSystem"])
    assert vm.properties["ElementName"] == "legacy"
    mem = v1host.associators(
        V1, vssd_of(v1host, vm, V1), "Msvm_VirtualSystemSettingDataComponent", "Msvm_MemorySettingData"
    )[0]
    rv, _unused = invoke(
        v1host,
        SVC,
        None,
        "ModifyVirtualSystemResources",
        V1,
        ComputerSystem=vm.ref(),
        ResourceSettingData=[
            emb("Msvm_MemorySettingData", InstanceID=mem.properties["InstanceID"], VirtualQuantity="2048")
        ],
    )
    assert rv == 0 and mem.properties["VirtualQuantity"] == 2048
    rv, _unused = invoke(
        v1host,
        SVC,
        None,
        "ModifyVirtualSystemResources",
        V1,
        ComputerSystem=vm.ref(),
        ResourceSettingData=[
            emb("Msvm_MemorySettingData", InstanceID=mem.properties["InstanceID"], VirtualQuantity="2049")
        ],
    )
    assert rv == 32773
    ide = next(
        r
        for r in v1host.associators(
            V1, vssd_of(v1host, vm, V1), "Msvm_VirtualSystemSettingDataComponent", "Msvm_ResourceAllocationSettingData"
        )
        if r.properties["ResourceType"] == 5
    )
    rv, out = invoke(
        v1host,
        SVC,
        None,
        "AddVirtualSystemResources",
        V1,
        TargetSystem=vm.ref(),
        ResourceSettingData=[
            emb(
                "Msvm_ResourceAllocationSettingData",
                ResourceType="22",
                ResourceSubType="Microsoft Synthetic Disk Drive",
                Parent=ide.path(),
                Address="1",
            )
        ],
    )
    assert rv == 0 and len(out["NewResources"]) == 1
    rv, _unused = invoke(
        v1host,
        SVC,
        None,
        "ModifyVirtualSystem",
        V1,
        ComputerSystem=vm.ref(),
        SystemSettingData=emb("Msvm_VirtualSystemGlobalSettingData", ElementName="legacy2", AutomaticStartupAction="2"),
    )
    assert rv == 0 and vm.properties["ElementName"] == "legacy2"
    rv, out = invoke(v1host, SVC, None, "CreateVirtualSystemSnapshot", V1, SourceSystem=vm.ref())
    assert rv == 4096 and v1host.resolve(out["SnapshotSettingData"]).properties["SettingType"] == 5
    rv, out = invoke(v1host, SVC, None, "DestroyVirtualSystem", V1, ComputerSystem=vm.ref())
    assert rv == 4096 and v1host.resolve(vm.ref()) is None


def test_v1_image_and_switch_services(v1host, clock):
    rv, out = invoke(
        v1host,
        "Msvm_ImageManagementService",
        None,
        "CreateDynamicVirtualHardDisk",
        V1,
        Path="C:\\Hyper-V\\Virtual Hard Disks\\v1.vhd",
        MaxInternalSize=str(1 << 30),
    )
    assert rv == 4096 and out["Job"].class_name == "Msvm_StorageJob"
    assert finish(v1host, clock, out, V1).properties["JobState"] == 7
    rv, out = invoke(
        v1host,
        "Msvm_ImageManagementService",
        None,
        "GetVirtualHardDiskInfo",
        V1,
        Path="C:\\Hyper-V\\Virtual Hard Disks\\v1.vhd",
    )
    assert rv == 0 and out["Info"].properties["MaxInternalSize"] == 1 << 30
    rv, out = invoke(
        v1host,
        "Msvm_VirtualSwitchManagementService",
        None,
        "CreateSwitch",
        V1,
        Name="A0A0A0A0-0000-4000-8000-000000000001",
        FriendlyName="v1sw",
        NumLearnableAddresses="1024",
        ScopeOfResidence="",
    )
    assert rv == 0 and v1host.resolve(out["CreatedVirtualSwitch"]).properties["ElementName"] == "v1sw"
    sw = v1host.resolve(out["CreatedVirtualSwitch"])
    rv, out = invoke(
        v1host,
        "Msvm_VirtualSwitchManagementService",
        None,
        "CreateSwitchPort",
        V1,
        VirtualSwitch=sw.ref(),
        Name="p1",
        FriendlyName="port",
        ScopeOfResidence="",
    )
    assert rv == 0 and out["CreatedSwitchPort"].class_name == "Msvm_SwitchPort"


def test_2012_answers_both_namespaces(clock):
    h = build_host("2012", vms=4, switches=1, seed=3, clock=clock)
    v2 = {v.properties["Name"]: v for v in vms(h)}
    v1 = [c for c in h.instances(V1, "Msvm_ComputerSystem") if c.properties["Name"] in v2]
    assert len(v1) == 4
    # virt-who's v1 probe: realized settings by SettingType = 3
    sds = [s for s in h.instances(V1, "Msvm_VirtualSystemSettingData") if s.properties["SettingType"] == 3]
    assert {s.properties["ElementName"] for s in sds} == {v.properties["ElementName"] for v in v2.values()}
    mirror = next(c for c in v1 if v2[c.properties["Name"]].properties["EnabledState"] == 3)
    rv, out = invoke(h, "Msvm_ComputerSystem", mirror, "RequestStateChange", V1, RequestedState=2)
    assert rv == 4096 and out["Job"].namespace == V1
    clock.advance(60)
    assert mirror.properties["EnabledState"] == 2 and v2[mirror.properties["Name"]].properties["EnabledState"] == 2
    invoke(h, "Msvm_ComputerSystem", mirror, "RequestStateChange", V1, RequestedState=32768)
    clock.advance(60)
    assert mirror.properties["EnabledState"] == 32768 and v2[mirror.properties["Name"]].properties["EnabledState"] == 9
    rv, out = invoke(h, SVC, None, "GetSummaryInformation", V1, RequestedInformation=[0, 1, 100])
    states = {s.properties["Name"]: s.properties["EnabledState"] for s in out["SummaryInformation"]}
    assert states[mirror.properties["Name"]] == 32768


def test_v1_summary_information(v1host):
    rv, out = invoke(v1host, SVC, None, "GetSummaryInformation", V1, RequestedInformation=[0, 1, 3, 100])
    assert rv == 0 and len(out["SummaryInformation"]) == 6
    assert all(isinstance(s.properties["Notes"], str) for s in out["SummaryInformation"])


def test_v1_rename_snapshot_through_modify_virtual_system(v1host, clock):
    vm = vms(v1host, V1)[0]
    name = vm.properties["ElementName"]
    _rv, out = invoke(v1host, SVC, None, "CreateVirtualSystemSnapshot", V1, SourceSystem=vm.ref())
    snap = v1host.resolve(out["SnapshotSettingData"])
    rv, res = invoke(
        v1host,
        SVC,
        None,
        "ModifyVirtualSystem",
        V1,
        ComputerSystem=vm.ref(),
        SystemSettingData=emb(
            "Msvm_VirtualSystemSettingData", InstanceID=snap.properties["InstanceID"], ElementName="before patch"
        ),
    )
    assert rv == 0 and res["ModifiedSettingData"] == snap.ref()
    assert snap.properties["ElementName"] == "before patch" and vm.properties["ElementName"] == name
    other = vms(v1host, V1)[1]
    assert (
        invoke(
            v1host,
            SVC,
            None,
            "ModifyVirtualSystem",
            V1,
            ComputerSystem=other.ref(),
            SystemSettingData=emb(
                "Msvm_VirtualSystemSettingData", InstanceID=snap.properties["InstanceID"], ElementName="x"
            ),
        )[0]
        == 32773
    )
