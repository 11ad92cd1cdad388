from tests.simulator.model.vms import set_state

from .conftest import NS, VSMS, emb, finish, invoke, job_of, settings, vms, vssd_of

SVC = "Msvm_VirtualSystemManagementService"


def define(host, **props):
    return host.invoke(NS, SVC, VSMS, "DefineSystem", {"SystemSettings": emb("Msvm_VirtualSystemSettingData", **props)})


def _new_vm(host, clock, gen=1, name="new"):
    rv, out = define(host, ElementName=name, VirtualSystemSubType=f"Microsoft:Hyper-V:SubType:{gen}")
    assert rv == 4096
    assert finish(host, clock, out).properties["JobState"] == 7
    return host.get(NS, "Msvm_ComputerSystem", out["ResultingSystem"].keys_dict())


def test_define_system_gen1_and_gen2_device_sets(host, clock):
    g1 = _new_vm(host, clock, 1, "g1")
    g2 = _new_vm(host, clock, 2, "g2")
    assert g1.properties["ElementName"] == "g1" and g1.properties["EnabledState"] == 3
    types1 = sorted(r.properties["ResourceType"] for r in settings(host, g1, "Msvm_ResourceAllocationSettingData"))
    types2 = sorted(r.properties["ResourceType"] for r in settings(host, g2, "Msvm_ResourceAllocationSettingData"))
    assert types1.count(5) == 2 and 6 not in types1  # two IDE controllers
    assert 5 not in types2 and 6 not in types2  # bare gen 2: no SCSI controller (J10)
    assert vssd_of(host, g2).properties["VirtualSystemSubType"] == "Microsoft:Hyper-V:SubType:2"
    job = finish(host, clock, define(host, ElementName="x")[1])
    assert [a.class_name for a in host.associators(NS, job, "Msvm_AffectedJobElement")] == ["Msvm_ComputerSystem"]


def test_define_system_validation(host, clock):
    rv, out = define(host, ElementName="bad", VirtualSystemSubType="Microsoft:Hyper-V:SubType:3")
    assert rv == 4096 and out.get("ResultingSystem") is None
    job = finish(host, clock, out)
    assert job.properties["JobState"] == 10 and job.properties["ErrorCode"] == 32773
    n = len(vms(host))
    assert define(host, ElementName="x" * 101)[0] == 4096 and len(vms(host)) == n
    assert host.invoke(NS, SVC, VSMS, "DefineSystem", {})[0] == 32773


def test_modify_system_settings(host, clock):
    vm = vms(host, state="off")[0]
    vssd = vssd_of(host, vm)
    iid = vssd.properties["InstanceID"]
    rv, out = invoke(
        host,
        SVC,
        None,
        "ModifySystemSettings",
        SystemSettings=emb(
            "Msvm_VirtualSystemSettingData",
            InstanceID=iid,
            ElementName="renamed",
            Notes=["a note"],
            AutomaticStartupAction="4",
        ),
    )
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert vm.properties["ElementName"] == "renamed"
    assert vssd.properties["Notes"] == ["a note"] and vssd.properties["AutomaticStartupAction"] == 4
    # read-only property with a different value -> job failure (G11); same value -> ignored
    _rv, out = invoke(
        host,
        SVC,
        None,
        "ModifySystemSettings",
        SystemSettings=emb(
            "Msvm_VirtualSystemSettingData", InstanceID=iid, VirtualSystemSubType="Microsoft:Hyper-V:SubType:9"
        ),
    )
    job = finish(host, clock, out)
    assert job.properties["JobState"] == 10 and job.properties["ErrorCode"] == 32773
    _rv, out = invoke(
        host,
        SVC,
        None,
        "ModifySystemSettings",
        SystemSettings=emb(
            "Msvm_VirtualSystemSettingData",
            InstanceID=iid,
            VirtualSystemType="Microsoft:Hyper-V:System:Realized",
            AutomaticStartupAction="9",
        ),
    )
    assert finish(host, clock, out).properties["ErrorCode"] == 32773
    assert vssd.properties["AutomaticStartupAction"] == 4


def _ide0(host, vm):
    return next(
        r
        for r in settings(host, vm, "Msvm_ResourceAllocationSettingData")
        if r.properties["ResourceType"] == 5 and r.properties["Address"] == "0"
    )


def test_add_disk_libvirt_style(host, clock):
    vm = _new_vm(host, clock)
    vssd = vssd_of(host, vm)
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_ResourceAllocationSettingData",
                Parent=_ide0(host, vm).path(),
                AddressOnParent="1",
                ResourceType="17",
                ResourceSubType="Microsoft:Hyper-V:Synthetic Disk Drive",
            )
        ],
    )
    assert rv == 0 and "Job" not in out
    drive = host.resolve(out["ResultingResourceSettings"][0])
    assert drive.properties["InstanceID"].endswith("\\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\0\\1\\D")
    # media labelled as RASD (libvirt) become a Msvm_StorageAllocationSettingData
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_ResourceAllocationSettingData",
                Parent=drive.path(),
                ResourceType="31",
                ResourceSubType="Microsoft:Hyper-V:Virtual Hard Disk",
                HostResource=["C:\\Hyper-V\\Virtual Hard Disks\\base-2022.vhdx"],
            )
        ],
    )
    assert rv == 0
    media = host.resolve(out["ResultingResourceSettings"][0])
    assert media.class_name == "Msvm_StorageAllocationSettingData" and media.properties["InstanceID"].endswith("\\L")


def test_add_resources_refusals(host, clock):
    vm = _new_vm(host, clock)
    vssd = vssd_of(host, vm)
    ide0 = _ide0(host, vm)
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_StorageAllocationSettingData",
                Parent=ide0.path(),
                ResourceType="31",
                ResourceSubType="Microsoft:Hyper-V:Virtual Hard Disk",
                HostResource=["C:\\x.vhdx"],
            )
        ],
    )
    job = finish(host, clock, out)
    assert rv == 4096 and job.properties["JobState"] == 10 and job.properties["ErrorCode"] == 32768
    _rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_ResourceAllocationSettingData",
                Parent=ide0.path(),
                AddressOnParent="1",
                ResourceType="17",
                ResourceSubType="Microsoft:Hyper-V:Synthetic Disk Drive",
            )
        ],
    )
    drive = host.resolve(out["ResultingResourceSettings"][0])
    before = len(settings(host, vm, "Msvm_StorageAllocationSettingData"))
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_StorageAllocationSettingData",
                Parent=drive.path(),
                ResourceType="31",
                ResourceSubType="Microsoft:Hyper-V:Virtual Hard Disk",
                HostResource=["C:\\missing\\disk.vhdx"],
            )
        ],
    )
    job = finish(host, clock, out)
    assert rv == 4096 and job.properties["ErrorCode"] == 32779 and "cannot find" in job.properties["ErrorDescription"]
    assert len(settings(host, vm, "Msvm_StorageAllocationSettingData")) == before
    rv, _out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_ResourceAllocationSettingData",
                Parent=ide0.path(),
                AddressOnParent="1",
                ResourceType="17",
                ResourceSubType="Microsoft:Hyper-V:Synthetic Disk Drive",
            )
        ],
    )
    assert rv == 4096  # slot taken


def test_add_nic_and_connect_mixed_in_one_call_keeps_order(host, clock):
    vm = _new_vm(host, clock, 2)
    vssd = vssd_of(host, vm)
    switch = host.instances(NS, "Msvm_VirtualEthernetSwitch")[0]
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_SyntheticEthernetPortSettingData",
                ResourceType="10",
                ResourceSubType="Microsoft:Hyper-V:Synthetic Ethernet Port",
                VirtualSystemIdentifiers=["{11111111-2222-3333-4444-555555555555}"],
                Address="00155D0A0B0C",
                StaticMacAddress="true",
            ),
            emb(
                "Msvm_ResourceAllocationSettingData",
                ResourceType="6",
                ResourceSubType="Microsoft:Hyper-V:Synthetic SCSI Controller",
            ),
        ],
    )
    assert rv == 0
    nic_ref, scsi_ref = out["ResultingResourceSettings"]
    assert nic_ref.class_name == "Msvm_SyntheticEthernetPortSettingData"
    assert scsi_ref.class_name == "Msvm_ResourceAllocationSettingData"
    nic = host.resolve(nic_ref)
    assert nic.properties["InstanceID"].endswith("\\11111111-2222-3333-4444-555555555555")
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vssd.ref(),
        ResourceSettings=[
            emb(
                "Msvm_EthernetPortAllocationSettingData",
                Parent=nic.path(),
                HostResource=[switch.path()],
                ResourceType="33",
                ResourceSubType="Microsoft:Hyper-V:Ethernet Connection",
                EnabledState="2",
            )
        ],
    )
    assert rv == 0
    conn = host.resolve(out["ResultingResourceSettings"][0])
    assert conn.properties["InstanceID"] == nic.properties["InstanceID"] + "\\C"
    assert host.associators(NS, conn, "Msvm_ElementSettingData", "Msvm_EthernetSwitchPort")


def test_modify_memory_and_cpu(host, clock):
    vm = vms(host, state="off")[0]
    mem = settings(host, vm, "Msvm_MemorySettingData")[0]
    proc = settings(host, vm, "Msvm_ProcessorSettingData")[0]

    def modify(inst, **props):
        return invoke(
            host,
            SVC,
            None,
            "ModifyResourceSettings",
            ResourceSettings=[emb(inst.class_name, InstanceID=inst.properties["InstanceID"], **props)],
        )

    modify(mem, DynamicMemoryEnabled="false")
    rv, out = modify(mem, VirtualQuantity="2048")
    assert rv == 0 and mem.properties["VirtualQuantity"] == 2048 and out["ResultingResourceSettings"] == [mem.ref()]
    assert mem.properties["Reservation"] == mem.properties["Limit"] == 2048  # static memory
    rv, out = modify(mem, VirtualQuantity="2047")
    job = finish(host, clock, out)
    assert rv == 4096 and job.properties["JobState"] == 10 and "multiple of 2" in job.properties["ErrorDescription"]
    assert mem.properties["VirtualQuantity"] == 2048
    rv, out = modify(mem, DynamicMemoryEnabled="true", Reservation="512", Limit="8192", TargetMemoryBuffer="20")
    assert rv == 0 and mem.properties["DynamicMemoryEnabled"] is True and mem.properties["Limit"] == 8192
    rv, out = modify(proc, VirtualQuantity=str(host.info["logical"] + 1))
    assert rv == 4096 and "logical processors" in finish(host, clock, out).properties["ErrorDescription"]
    assert modify(proc, VirtualQuantity="4")[0] == 0 and proc.properties["VirtualQuantity"] == 4
    set_state(host, vm, "running", initial=True)
    rv, out = modify(proc, VirtualQuantity="2")
    assert finish(host, clock, out).properties["ErrorCode"] == 32775
    rv, out = modify(proc, ResourceType="4")
    assert "read-only" in finish(host, clock, out).properties["ErrorDescription"]


def test_move_nic_to_other_switch_and_vlan(host, clock):
    vm = vms(host)[0]
    conn = settings(host, vm, "Msvm_EthernetPortAllocationSettingData")[0]
    switches = host.instances(NS, "Msvm_VirtualEthernetSwitch")
    other = next(s for s in switches if s.path() not in (conn.properties["HostResource"] or []))
    rv, _unused = invoke(
        host,
        SVC,
        None,
        "ModifyResourceSettings",
        ResourceSettings=[
            emb(
                "Msvm_EthernetPortAllocationSettingData",
                InstanceID=conn.properties["InstanceID"],
                HostResource=[other.path()],
            )
        ],
    )
    assert rv == 0 and conn.properties["HostResource"] == [other.path()]
    port = host.associators(NS, conn, "Msvm_ElementSettingData", "Msvm_EthernetSwitchPort")[0]
    assert host.associators(NS, port, "Msvm_SystemDevice")[0] is other
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddFeatureSettings",
        AffectedConfiguration=conn.ref(),
        FeatureSettings=[emb("Msvm_EthernetSwitchPortVlanSettingData", OperationMode="1", AccessVlanId="42")],
    )
    assert rv == 0
    vlan = host.associators(NS, conn, "Msvm_EthernetPortSettingDataComponent")[0]
    assert vlan.properties["AccessVlanId"] == 42 and out["ResultingFeatureSettings"] == [vlan.ref()]
    rv, _unused = invoke(
        host,
        SVC,
        None,
        "ModifyFeatureSettings",
        FeatureSettings=[
            emb("Msvm_EthernetSwitchPortVlanSettingData", InstanceID=vlan.properties["InstanceID"], AccessVlanId="43")
        ],
    )
    assert rv == 0 and vlan.properties["AccessVlanId"] == 43


def test_remove_resources_media_before_drive(host, clock):
    vm = vms(host, state="off")[0]
    media = settings(host, vm, "Msvm_StorageAllocationSettingData")[0]
    drive = host.resolve(media.properties["Parent"])
    rv, out = invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[drive.ref()])
    assert rv == 4096 and finish(host, clock, out).properties["ErrorCode"] == 32768
    assert invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[media.ref(), drive.ref()]) == (0, {})
    assert host.resolve(drive.ref()) is None and host.resolve(media.ref()) is None
    proc = settings(host, vm, "Msvm_ProcessorSettingData")[0]
    assert invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[proc.ref()])[0] == 4096


def test_destroy_system(host, clock):
    running = vms(host, state="running")[0]
    assert invoke(host, SVC, None, "DestroySystem", AffectedSystem=running.ref())[0] == 32775
    off = vms(host, state="off")[0]
    guid = off.properties["Name"]
    rv, out = invoke(host, SVC, None, "DestroySystem", AffectedSystem=off.ref())
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert host.resolve(off.ref()) is None
    assert not [
        i for i in host.instances(NS, "CIM_ResourceAllocationSettingData") if guid in i.properties["InstanceID"]
    ]


def test_get_summary_information(host, clock):
    rv, out = invoke(host, SVC, None, "GetSummaryInformation", RequestedInformation=[0, 1, 4, 100, 104, 105, 106])
    assert rv == 0
    infos = out["SummaryInformation"]
    assert len(infos) == len(vms(host))
    by_name = {i.properties["Name"]: i.properties for i in infos}
    for vm in vms(host):
        p = by_name[vm.properties["Name"]]
        assert p["ElementName"] == vm.properties["ElementName"]
        assert p["EnabledState"] == vm.properties["EnabledState"]
        assert p["NumberOfProcessors"] >= 1
        assert p["MemoryUsage"] is None  # not requested
        if vm.properties["EnabledState"] == 2:
            assert p["Heartbeat"] == 2 and p["UpTime"] > 0 and p["GuestOperatingSystem"]
    one = vms(host)[0]
    rv, out = invoke(
        host, SVC, None, "GetSummaryInformation", SettingData=[vssd_of(host, one).ref()], RequestedInformation=[1]
    )
    assert [i.properties["ElementName"] for i in out["SummaryInformation"]] == [one.properties["ElementName"]]


def test_job_is_enumerable_right_away(host):
    vm = vms(host, state="off")[0]
    _rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    ids = [j.properties["InstanceID"] for j in host.instances(NS, "Msvm_ConcreteJob")]
    assert out["Job"].keys_dict()["InstanceID"] in ids
    assert job_of(host, out).properties["JobState"] == 4


def test_disk_in_use_and_iso_swap(host, clock):
    a, b = vms(host, state="off")[:2]
    vhd_a = next(
        m
        for m in settings(host, a, "Msvm_StorageAllocationSettingData")
        if m.properties["ResourceSubType"] == "Microsoft:Hyper-V:Virtual Hard Disk"
    )
    vhd_b = next(
        m
        for m in settings(host, b, "Msvm_StorageAllocationSettingData")
        if m.properties["ResourceSubType"] == "Microsoft:Hyper-V:Virtual Hard Disk"
    )

    def swap(media, path):
        return invoke(
            host,
            SVC,
            None,
            "ModifyResourceSettings",
            ResourceSettings=[
                emb("Msvm_StorageAllocationSettingData", InstanceID=media.properties["InstanceID"], HostResource=[path])
            ],
        )

    rv, out = swap(vhd_b, vhd_a.properties["HostResource"][0])
    assert rv == 4096 and "in use" in finish(host, clock, out).properties["ErrorDescription"]
    assert swap(vhd_a, vhd_a.properties["HostResource"][0])[0] == 0  # unchanged value is not a change
    assert swap(vhd_a, "C:\\ISO\\virtio-win.iso")[0] == 4096  # an ISO is not a disk


def test_host_kvp_items(host, clock):
    vm = vms(host)[0]

    def call(method, **items):
        return invoke(
            host,
            SVC,
            None,
            method,
            TargetSystem=vm.ref(),
            DataItems=[emb("Msvm_KvpExchangeDataItem", Name=k, Data=v, Source="0") for k, v in items.items()],
        )

    rv, out = call("AddKvpItems", role="web")
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    sd = next(s for s in settings(host, vm, "Msvm_KvpExchangeComponentSettingData"))
    assert "<VALUE>role</VALUE>" in sd.properties["HostExchangeItems"][0]
    assert finish(host, clock, call("AddKvpItems", role="db")[1]).properties["JobState"] == 10
    assert finish(host, clock, call("ModifyKvpItems", role="db")[1]).properties["JobState"] == 7
    assert "<VALUE>db</VALUE>" in sd.properties["HostExchangeItems"][0]
    assert finish(host, clock, call("RemoveKvpItems", role="")[1]).properties["JobState"] == 7
    assert sd.properties["HostExchangeItems"] == []


def test_define_system_with_processor_memory_and_disk(host, clock):
    rv, out = host.invoke(
        NS,
        SVC,
        VSMS,
        "DefineSystem",
        {
            "SystemSettings": emb("Msvm_VirtualSystemSettingData", ElementName="full"),
            "ResourceSettings": [
                emb(
                    "Msvm_ProcessorSettingData",
                    ResourceType="3",
                    ResourceSubType="Microsoft:Hyper-V:Processor",
                    VirtualQuantity="4",
                ),
                emb(
                    "Msvm_MemorySettingData",
                    ResourceType="4",
                    ResourceSubType="Microsoft:Hyper-V:Memory",
                    VirtualQuantity="4096",
                ),
            ],
        },
    )
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    vm = host.resolve(out["ResultingSystem"])
    assert settings(host, vm, "Msvm_ProcessorSettingData")[0].properties["VirtualQuantity"] == 4
    assert settings(host, vm, "Msvm_MemorySettingData")[0].properties["VirtualQuantity"] == 4096
    n = len(vms(host))
    rv, out = host.invoke(
        NS,
        SVC,
        VSMS,
        "DefineSystem",
        {
            "SystemSettings": emb("Msvm_VirtualSystemSettingData", ElementName="bad-mem"),
            "ResourceSettings": [
                emb(
                    "Msvm_MemorySettingData",
                    ResourceType="4",
                    ResourceSubType="Microsoft:Hyper-V:Memory",
                    VirtualQuantity="1023",
                )
            ],
        },
    )
    assert finish(host, clock, out).properties["ErrorCode"] == 32773 and len(vms(host)) == n


def test_boot_order_and_secure_boot_rules(host, clock):
    g1 = _new_vm(host, clock, 1, "boot1")
    g2 = _new_vm(host, clock, 2, "boot2")

    def modify(vm, **props):
        iid = vssd_of(host, vm).properties["InstanceID"]
        _rv, out = invoke(
            host,
            SVC,
            None,
            "ModifySystemSettings",
            SystemSettings=emb("Msvm_VirtualSystemSettingData", InstanceID=iid, **props),
        )
        return finish(host, clock, out).properties

    assert modify(g1, BootOrder=["2", "1", "3", "0"])["JobState"] == 7
    assert vssd_of(host, g1).properties["BootOrder"] == [2, 1, 3, 0]
    assert modify(g1, BootOrder=["2", "2"])["ErrorCode"] == 32773
    assert modify(g1, SecureBootEnabled="true")["ErrorCode"] == 32773
    assert modify(g2, BootOrder=["1"])["ErrorCode"] == 32773
    assert modify(g2, SecureBootEnabled="false")["JobState"] == 7
    set_state(host, g2, "running", initial=True)
    assert modify(g2, SecureBootEnabled="true")["ErrorCode"] == 32773
    assert (
        modify(g2, AutomaticShutdownAction="4", AutomaticStartupActionDelay="00000000000130.000000:000")["JobState"]
        == 7
    )
    assert vssd_of(host, g2).properties["AutomaticStartupActionDelay"].total_seconds() == 90
