"""Guest data of VMs created through DefineSystem (host.guest_os_for_new_vms) and root/cimv2
CIM_DataFile with its Delete method."""

import re

import pytest

from tests.simulator.errors import NotFound
from tests.simulator.model import Host
from tests.simulator.model.kvp import dns_label

from .conftest import NS, VSMS, emb, finish, invoke, settings, vssd_of

SVC = "Msvm_VirtualSystemManagementService"
CIMV2 = "root/cimv2"


def define(host, clock, name):
    rv, out = host.invoke(
        NS, SVC, VSMS, "DefineSystem", {"SystemSettings": emb("Msvm_VirtualSystemSettingData", ElementName=name)}
    )
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    return host.resolve(out["ResultingSystem"])


def add_nic(host, vm, switch=None):
    vssd = vssd_of(host, vm)
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
                ElementName="Network Adapter",
            )
        ],
    )
    assert rv == 0
    nic = host.resolve(out["ResultingResourceSettings"][0])
    if switch is not None:
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
                )
            ],
        )
        assert rv == 0
    return nic


def change_state(host, clock, vm, state):
    rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=str(state))
    assert rv == 4096
    assert finish(host, clock, out).properties["JobState"] == 7
    clock.advance(5)


def kvp(host, vm):
    comp = host.associators(NS, vm, "Msvm_SystemDevice", "Msvm_KvpExchangeComponent")
    if not comp:
        return None
    items = comp[0].properties["GuestIntrinsicExchangeItems"]
    if items is None:
        return None
    out = {}
    for text in items:
        name = re.search(r'NAME="Name"[^>]*><VALUE>([^<]*)', text).group(1)
        data = re.search(r'NAME="Data"[^>]*><VALUE>([^<]*)', text)
        out[name] = data.group(1) if data else ""
    return out


def guest_addresses(host, nic):
    confs = host.associators(NS, nic, "Msvm_SettingDataComponent", "Msvm_GuestNetworkAdapterConfiguration")
    return confs[0].properties["IPAddresses"]


def switches(host):
    return sorted(host.instances(NS, "Msvm_VirtualEthernetSwitch"), key=lambda s: s.properties["ElementName"])


def test_dns_label():
    assert dns_label("Web Server #1") == "web-server-1"
    assert dns_label("ünïcødé-名前") == "n-c-d"
    assert dns_label("---") == "vm" and len(dns_label("x" * 100)) == 63


def test_new_vm_gets_guest_data_after_the_guest_delay(host, clock):
    sw_a, sw_b = switches(host)[:2]
    vm = define(host, clock, "Demo VM_01")
    nic_a, nic_b, loose = add_nic(host, vm, sw_a), add_nic(host, vm, sw_b), add_nic(host, vm)
    assert kvp(host, vm) is None  # off: no KVP component at all
    rv, _out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState="2")
    assert rv == 4096
    clock.advance(host.timing.transition_s + 0.01)
    host.advance()
    assert vm.values["_state"] == "running"
    assert kvp(host, vm) is None and guest_addresses(host, nic_a) is None  # integration services not up yet
    clock.advance(host.timing.guest_ready_s)
    items = kvp(host, vm)
    assert items["FullyQualifiedDomainName"] == "demo-vm-01.corp.example"
    assert items["OSName"].startswith("Windows Server")
    ips_a, ips_b = guest_addresses(host, nic_a), guest_addresses(host, nic_b)
    assert ips_a[0].startswith("172.") and ips_a[1].startswith("fd53:")
    # one subnet per switch
    assert ips_a[0].split(".")[:2] != ips_b[0].split(".")[:2]
    assert guest_addresses(host, loose) is None  # not connected: no address
    assert items["NetworkAddressIPv4"] == f"{ips_a[0]};{ips_b[0]}"
    assert items["NetworkAddressIPv6"] == f"{ips_a[1]};{ips_b[1]}"
    conf = host.associators(NS, nic_a, "Msvm_SettingDataComponent", "Msvm_GuestNetworkAdapterConfiguration")[0]
    assert conf.properties["Subnets"] == ["255.255.0.0", "/64"]
    assert conf.properties["DefaultGateways"] == [".".join(ips_a[0].split(".")[:2]) + ".0.1"]
    # stable while running, gone when stopped, the same address again after a restart
    assert guest_addresses(host, nic_a) == ips_a
    change_state(host, clock, vm, 3)
    assert kvp(host, vm) is None and guest_addresses(host, nic_a) is None
    change_state(host, clock, vm, 2)
    assert guest_addresses(host, nic_a) == ips_a


def test_new_vm_addresses_are_distinct_and_deterministic(clock):
    def run(seed):
        host = Host.from_json(build(seed).to_json(), clock=clock)
        sw = switches(host)[0]
        out = []
        for _unused in range(4):
            vm = define(host, clock, "same-name")
            nic = add_nic(host, vm, sw)
            change_state(host, clock, vm, 2)
            out.append(guest_addresses(host, nic)[0])
        return out

    def build(seed):
        from tests.simulator.model import build_host

        return build_host("2022", vms=2, switches=2, seed=seed, clock=clock)

    first = run(3)
    assert len(set(first)) == 4 and len({ip.rsplit(".", 2)[0] for ip in first}) == 1
    assert run(3) == first


def test_no_guest_os_option(clock):
    from tests.simulator.model import build_host

    host = build_host("2022", vms=2, switches=1, seed=1, clock=clock, guest_os_for_new_vms=False)
    assert Host.from_json(host.to_json()).guest_os_for_new_vms is False
    vm = define(host, clock, "bare")
    nic = add_nic(host, vm, switches(host)[0])
    change_state(host, clock, vm, 2)
    items = kvp(host, vm)
    assert items["FullyQualifiedDomainName"] == "" and items["NetworkAddressIPv4"] == ""
    assert guest_addresses(host, nic) is None


def test_no_guest_os_cli_flag():
    from tests.simulator.__main__ import parse_args

    assert parse_args([]).no_guest_os is False and parse_args(["--no-guest-os"]).no_guest_os is True


# ---- CIM_DataFile ------------------------------------------------------------------------------
def test_datafile_get_query_and_delete(host, clock):
    from tests.simulator.model.populate import add_file

    path = "C:\\ISO\\Unused-Tools.iso"
    add_file(host, path, "iso", 1000)
    inst = host.get(CIMV2, "CIM_DataFile", {"name": path.upper()})
    assert inst.properties["Name"] == path.lower() and inst.properties["Extension"] == "iso"
    assert inst.properties["FileSize"] == host.files[path.lower()]["size"]
    assert [i.properties["Name"] for i in host.instances(CIMV2, "CIM_LogicalFile")].count(path.lower()) == 1
    assert invoke(host, "CIM_DataFile", inst, "Delete", ns=CIMV2) == (0, {})
    assert path.lower() not in host.files
    with pytest.raises(NotFound):
        host.get(CIMV2, "CIM_DataFile", {"Name": path})
    with pytest.raises(NotFound):
        host.invoke(CIMV2, "CIM_DataFile", {"Name": path}, "Delete", {})


def test_datafile_follows_new_files_and_refuses_files_in_use(host, clock):
    from tests.simulator.model.populate import add_file

    add_file(host, "C:\\Temp\\new.vhdx", size=42)
    assert host.get(CIMV2, "CIM_DataFile", {"Name": "c:\\temp\\new.vhdx"}).properties["FileSize"] == 42
    running = next(v for v in host.instances(NS, "Msvm_ComputerSystem") if v.values.get("_state") == "running")
    disk = next(
        m.properties["HostResource"][0]
        for m in settings(host, running, "Msvm_StorageAllocationSettingData")
        if m.properties["ResourceSubType"] == "Microsoft:Hyper-V:Virtual Hard Disk"
    )
    assert host.invoke(CIMV2, "CIM_DataFile", {"Name": disk}, "Delete", {})[0] == 15  # sharing violation
    change_state(host, clock, running, 3)
    assert host.invoke(CIMV2, "CIM_DataFile", {"Name": disk}, "Delete", {})[0] == 0
    host.files["c:\\windows\\system32\\vmms.exe"] = {
        "path": "C:\\Windows\\System32\\vmms.exe",
        "kind": None,
        "size": 1,
        "parent": None,
    }
    assert host.invoke(CIMV2, "CIM_DataFile", {"Name": "c:\\windows\\system32\\vmms.exe"}, "Delete", {})[0] == 2


def test_host_computer_system_nil_properties(host):
    cs = host.get(NS, "Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": host.computer_name})
    for name in (
        "FailedOverReplicationType",
        "InstallDate",
        "LastApplicationConsistentReplicationTime",
        "LastReplicationTime",
        "LastReplicationType",
        "LastSuccessfulBackupTime",
        "PrimaryOwnerName",
        "ReplicationHealth",
        "ReplicationMode",
        "ReplicationState",
        "TimeOfLastConfigurationChange",
        "TimeOfLastStateChange",
    ):
        assert cs.properties[name] is None, name
    vm = next(v for v in host.instances(NS, "Msvm_ComputerSystem") if v.values.get("_state"))
    assert vm.properties["LastSuccessfulBackupTime"] is None and vm.properties["InstallDate"] is not None
    assert all(s.properties["TimeOfLastStateChange"] is None for s in switches(host))


def test_new_vm_address_follows_the_switch(host, clock):
    sw_a, sw_b = switches(host)[:2]
    vm = define(host, clock, "mover")
    nic = add_nic(host, vm, sw_a)
    change_state(host, clock, vm, 2)
    before = guest_addresses(host, nic)[0]
    conn = host.find(NS, "Msvm_EthernetPortAllocationSettingData", nic.properties["InstanceID"] + "\\C")
    rv, _out = invoke(
        host,
        SVC,
        None,
        "ModifyResourceSettings",
        ResourceSettings=[
            emb(
                "Msvm_EthernetPortAllocationSettingData",
                InstanceID=conn.properties["InstanceID"],
                HostResource=[sw_b.path()],
            )
        ],
    )
    assert rv == 0
    after = guest_addresses(host, nic)[0]
    assert after.split(".")[:2] != before.split(".")[:2]
    rv, _out = invoke(
        host,
        SVC,
        None,
        "ModifyResourceSettings",
        ResourceSettings=[
            emb("Msvm_EthernetPortAllocationSettingData", InstanceID=conn.properties["InstanceID"], EnabledState="3")
        ],
    )
    assert rv == 0 and guest_addresses(host, nic) is None  # connection disabled
