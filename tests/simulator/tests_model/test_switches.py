from .conftest import NS, emb, finish, invoke, settings, vms

SVC = "Msvm_VirtualEthernetSwitchManagementService"


def _define(host, name, ports=()):
    return invoke(
        host,
        SVC,
        None,
        "DefineSystem",
        SystemSettings=emb("Msvm_VirtualEthernetSwitchSettingData", ElementName=name),
        ResourceSettings=list(ports),
    )


def test_define_private_and_internal(host, clock):
    rv, out = _define(host, "priv")
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    sw = host.resolve(out["ResultingSystem"])
    assert sw.properties["ElementName"] == "priv" and sw.properties["EnabledState"] == 5
    vessd = host.associators(NS, sw, "Msvm_SettingsDefineState")[0]
    assert vessd.properties["InstanceID"] == f"Microsoft:{sw.properties['Name']}"
    assert host.associators(NS, vessd, "Msvm_VirtualEthernetSwitchSettingDataComponent") == []
    hcs = host.get(NS, "Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": host.computer_name})
    rv, out = _define(
        host,
        "int",
        [emb("Msvm_EthernetPortAllocationSettingData", ElementName="int_Internal", HostResource=[hcs.path()])],
    )
    sw = host.resolve(out["ResultingSystem"])
    ports = host.associators(NS, sw, "Msvm_SystemDevice", "Msvm_EthernetSwitchPort")
    assert len(ports) == 1
    assert any(p.properties["ElementName"] == "int" for p in host.instances(NS, "Msvm_InternalEthernetPort"))


def test_external_binds_host_nic_once(host, clock):
    free = [p for p in host.instances(NS, "Msvm_ExternalEthernetPort") if not p.properties["IsBound"]]
    bound = [p for p in host.instances(NS, "Msvm_ExternalEthernetPort") if p.properties["IsBound"]]
    assert bound
    rv, out = _define(host, "ext2", [emb("Msvm_EthernetPortAllocationSettingData", HostResource=[bound[0].path()])])
    job = finish(host, clock, out)
    assert rv == 4096 and job.properties["JobState"] == 10 and "already bound" in job.properties["ErrorDescription"]
    assert not free or free[0].properties["IsBound"] is False


def test_modify_add_remove_destroy(host, clock):
    _rv, out = _define(host, "lab")
    sw = host.resolve(out["ResultingSystem"])
    vessd = host.associators(NS, sw, "Msvm_SettingsDefineState")[0]
    rv, out = invoke(
        host,
        SVC,
        None,
        "ModifySystemSettings",
        SystemSettings=emb(
            "Msvm_VirtualEthernetSwitchSettingData",
            InstanceID=vessd.properties["InstanceID"],
            ElementName="lab2",
            Notes=["n"],
        ),
    )
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert sw.properties["ElementName"] == "lab2" and vessd.properties["Notes"] == ["n"]
    hcs = host.get(NS, "Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": host.computer_name})
    rv, out = invoke(
        host,
        SVC,
        None,
        "AddResourceSettings",
        AffectedConfiguration=vessd.ref(),
        ResourceSettings=[
            emb("Msvm_EthernetPortAllocationSettingData", ElementName="lab2_Internal", HostResource=[hcs.path()])
        ],
    )
    assert rv == 0
    port = host.resolve(out["ResultingResourceSettings"][0])
    assert port.properties["InstanceID"].startswith(f"Microsoft:{sw.properties['Name']}\\")
    assert invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[port.ref()]) == (0, {})
    assert host.associators(NS, sw, "Msvm_SystemDevice") == []
    rv, out = invoke(host, SVC, None, "DestroySystem", AffectedSystem=sw.ref())
    assert rv == 4096 and host.resolve(sw.ref()) is None


def test_destroying_a_switch_disconnects_vm_nics(host, clock):
    vm = vms(host)[0]
    conn = settings(host, vm, "Msvm_EthernetPortAllocationSettingData")[0]
    sw = host.resolve(conn.properties["HostResource"][0])
    invoke(host, SVC, None, "DestroySystem", AffectedSystem=sw.ref())
    assert conn.properties["HostResource"] is None
    assert conn.properties["LastKnownSwitchName"] == sw.properties["ElementName"]
    assert host.associators(NS, conn, "Msvm_ElementSettingData", "Msvm_EthernetSwitchPort") == []


def test_switch_refusals(host, clock):
    assert (
        invoke(
            host,
            SVC,
            None,
            "DefineSystem",
            SystemSettings=emb("Msvm_VirtualEthernetSwitchSettingData", ElementName="x" * 101),
        )[0]
        == 32773
    )
    assert (
        invoke(
            host,
            SVC,
            None,
            "DefineSystem",
            SystemSettings=emb("Msvm_VirtualEthernetSwitchSettingData", ElementName="bad"),
            ResourceSettings=[
                emb(
                    "Msvm_EthernetPortAllocationSettingData",
                    HostResource=['\\\\H\\root\\virtualization\\v2:Nope.Id="1"'],
                )
            ],
        )[0]
        == 32773
    )
    vm = vms(host)[0]
    conn = settings(host, vm, "Msvm_EthernetPortAllocationSettingData")[0]
    # a VM's connection is not a switch port
    assert invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[conn.ref()])[0] == 32773
    assert invoke(host, SVC, None, "DestroySystem", AffectedSystem=vm.ref())[0] == 32773
