"""Generation 2 boot sources: Msvm_BootSourceSettingData, VSSD.BootSourceOrder, Msvm_BootSourceComponent,
Msvm_LogicalIdentity (model/boot.py)."""

import json

import pytest

from tests.simulator.model import build_host
from tests.simulator.model.host import Host
from tests.simulator.model.paths import parse_path
from tests.simulator.model.vms import set_state

from .conftest import NS, VSMS, emb, finish, invoke, settings, vms, vssd_of

SVC = "Msvm_VirtualSystemManagementService"
SNAP = "Msvm_VirtualSystemSnapshotService"
BSSD = "Msvm_BootSourceSettingData"


def gen2(host, state=None):
    return [v for v in vms(host, state=state) if vssd_of(host, v).values.get("_gen") == 2]


def order(host, vm):
    return vssd_of(host, vm).properties["BootSourceOrder"]


def resolve_all(host, paths):
    out = []
    for p in paths:
        _server, ns, cls, keys = parse_path(p)
        assert (ns, cls, list(keys)) == (NS, BSSD, ["InstanceID"])
        out.append(host.get(NS, cls, keys))
    return out


def devices(host, vm):
    """Drive RASDs and synthetic NICs of a VM, by InstanceID."""
    rasds = settings(host, vm, "Msvm_ResourceAllocationSettingData") + settings(
        host, vm, "Msvm_SyntheticEthernetPortSettingData"
    )
    return {
        r.properties["InstanceID"]: r
        for r in rasds
        if r.properties["ResourceType"] in (16, 17) or r.class_name == "Msvm_SyntheticEthernetPortSettingData"
    }


def modify_order(host, vm, paths):
    iid = vssd_of(host, vm).properties["InstanceID"]
    return invoke(
        host,
        SVC,
        None,
        "ModifySystemSettings",
        SystemSettings=emb("Msvm_VirtualSystemSettingData", InstanceID=iid, BootSourceOrder=paths),
    )


def test_gen2_vssd_lists_its_boot_sources_in_order(host):
    checked = 0
    for vm in gen2(host):
        paths = order(host, vm)
        bssds = resolve_all(host, paths)
        devs = devices(host, vm)
        assert len(bssds) == len(devs) + 1  # every drive and NIC, plus the OS loader (populated VMs have a guest OS)
        assert (
            bssds[0].properties["BootSourceType"] == 3 and host.associators(NS, bssds[0], "Msvm_LogicalIdentity") == []
        )
        for b in bssds[1:]:
            p = b.properties
            dev = devs[p["InstanceID"][: -len("\\B")]]
            assert p["InstanceID"] == dev.properties["InstanceID"] + "\\B"
            if dev.class_name == "Msvm_SyntheticEthernetPortSettingData":
                assert (p["BootSourceType"], p["BootSourceDescription"]) == (2, "EFI Network")
                assert p["FirmwareDevicePath"].endswith(f"\\MAC({dev.properties['Address']},0)")
            else:
                assert (p["BootSourceType"], p["BootSourceDescription"]) == (1, "EFI SCSI Device")
                assert p["FirmwareDevicePath"].endswith(f"\\Scsi(0,{dev.properties['AddressOnParent']})")
        kinds = [b.properties["BootSourceType"] for b in bssds]
        assert kinds == sorted(kinds, key=lambda k: {3: 0, 1: 1, 2: 2}[k])  # loader, drives, NICs
        # rendered as WMI renders Parent: \\HOST\root\virtualization\v2:Class.InstanceID="…" with \\ doubled
        assert paths == [b.path() for b in bssds]
        assert paths[1].startswith('\\\\HV-SIM01\\root\\virtualization\\v2:Msvm_BootSourceSettingData.InstanceID="')
        assert "\\\\0\\\\" in paths[1] and paths[1].endswith('\\\\D\\\\B"')
        checked += 1
    assert checked >= 3
    types = {b.properties["BootSourceType"] for b in host.instances(NS, BSSD)}
    assert types == {1, 2, 3}
    descs = {b.properties["BootSourceDescription"] for b in host.instances(NS, BSSD)}
    assert "Windows Boot Manager" in descs


def test_gen1_vms_have_no_boot_sources(host):
    g1 = [v for v in vms(host) if vssd_of(host, v).values.get("_gen") == 1]
    assert g1
    for vm in g1:
        vssd = vssd_of(host, vm)
        assert vssd.properties["BootSourceOrder"] is None and vssd.properties["BootOrder"]
        assert host.associators(NS, vssd, "Msvm_BootSourceComponent") == []


@pytest.mark.parametrize("persona", ["2008r2", "2012"])
def test_no_boot_source_class_before_2012r2(persona):
    host = build_host(persona, vms=3)
    ns = host.persona.vm_namespace
    assert not host.schema.has_class(ns, BSSD)
    assert not host.schema.has_class(ns, "Msvm_BootSourceComponent")


def test_associations_both_ways(host):
    vm = gen2(host)[0]
    vssd = vssd_of(host, vm)
    bssds = resolve_all(host, order(host, vm))
    assert {b.path() for b in host.associators(NS, vssd, "Msvm_BootSourceComponent", BSSD)} == set(order(host, vm))
    assert len(host.associators(NS, vssd, "Msvm_BootSourceComponent")) == len(bssds)
    for b in bssds:
        assert host.associators(NS, b, "Msvm_BootSourceComponent") == [vssd]
    devs = devices(host, vm)
    for iid, dev in devs.items():
        same = host.associators(NS, dev, "Msvm_LogicalIdentity", BSSD, role="SystemElement", result_role="SameElement")
        assert [b.properties["InstanceID"] for b in same] == [iid + "\\B"]
        assert host.associators(NS, same[0], "Msvm_LogicalIdentity") == [dev]
    refs = host.references(NS, bssds[1], "Msvm_LogicalIdentity")
    assert len(refs) == 1 and refs[0].properties["SameElement"] == bssds[1].ref()
    # os-win's walk: media SASD -> Parent (the drive) -> LogicalIdentity -> boot source
    sasd = settings(host, vm, "Msvm_StorageAllocationSettingData")[0]
    drive = host.resolve(sasd.properties["Parent"])
    assert host.associators(NS, drive, "Msvm_LogicalIdentity")[0].properties["InstanceID"].endswith("\\D\\B")


def test_add_nic_appends_and_remove_drive_drops(host, clock):
    vm = gen2(host, state="off")[0]
    before = order(host, vm)
    vssd = vssd_of(host, vm)
    nic = emb(
        "Msvm_SyntheticEthernetPortSettingData",
        ResourceType=10,
        ResourceSubType="Microsoft:Hyper-V:Synthetic Ethernet Port",
        ElementName="added",
    )
    rv, out = invoke(host, SVC, None, "AddResourceSettings", AffectedConfiguration=vssd.ref(), ResourceSettings=[nic])
    assert rv == 0
    new_nic = host.resolve(out["ResultingResourceSettings"][0])
    after = order(host, vm)
    assert after[:-1] == before
    added = resolve_all(host, after[-1:])[0]
    assert added.properties["InstanceID"] == new_nic.properties["InstanceID"] + "\\B"
    assert added.properties["BootSourceType"] == 2
    # remove the boot disk (its media and drive in one call): its entry leaves the order
    sasd = next(
        s for s in settings(host, vm, "Msvm_StorageAllocationSettingData") if s.properties["ResourceType"] == 31
    )
    drive = host.resolve(sasd.properties["Parent"])
    gone = drive.properties["InstanceID"] + "\\B"
    rv, _out = invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[sasd.ref(), drive.ref()])
    assert rv == 0
    assert [p for p in after if gone.replace("\\", "\\\\") not in p] == order(host, vm)
    assert len(order(host, vm)) == len(after) - 1
    assert host.find(NS, BSSD, gone) is None
    # and removing the NIC drops its entry too
    rv, _out = invoke(host, SVC, None, "RemoveResourceSettings", ResourceSettings=[new_nic.ref()])
    assert rv == 0 and added.path() not in order(host, vm) and len(order(host, vm)) == len(after) - 2


def test_new_gen2_vm_gets_sources_as_devices_are_added(host, clock):
    rv, out = host.invoke(
        NS,
        SVC,
        VSMS,
        "DefineSystem",
        {
            "SystemSettings": emb(
                "Msvm_VirtualSystemSettingData", ElementName="fresh", VirtualSystemSubType="Microsoft:Hyper-V:SubType:2"
            )
        },
    )
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    vm = host.resolve(out["ResultingSystem"])
    assert order(host, vm) == []  # a new VM: no drive, no NIC, no OS loader yet
    vssd = vssd_of(host, vm)
    scsi = emb(
        "Msvm_ResourceAllocationSettingData",
        ResourceType=6,
        ResourceSubType="Microsoft:Hyper-V:Synthetic SCSI Controller",
    )
    rv, out = invoke(host, SVC, None, "AddResourceSettings", AffectedConfiguration=vssd.ref(), ResourceSettings=[scsi])
    ctrl = host.resolve(out["ResultingResourceSettings"][0])
    dvd = emb(
        "Msvm_ResourceAllocationSettingData",
        ResourceType=16,
        ResourceSubType="Microsoft:Hyper-V:Synthetic DVD Drive",
        Parent=ctrl.path(),
        AddressOnParent="0",
    )
    rv, out = invoke(host, SVC, None, "AddResourceSettings", AffectedConfiguration=vssd.ref(), ResourceSettings=[dvd])
    assert rv == 0
    drive = host.resolve(out["ResultingResourceSettings"][0])
    [b] = resolve_all(host, order(host, vm))
    assert b.properties["InstanceID"] == drive.properties["InstanceID"] + "\\B"
    # a BootSourceOrder at DefineSystem that is not empty is not a permutation of a new VM's sources
    rv, _out = host.invoke(
        NS,
        SVC,
        VSMS,
        "DefineSystem",
        {
            "SystemSettings": emb(
                "Msvm_VirtualSystemSettingData",
                ElementName="bad",
                VirtualSystemSubType="Microsoft:Hyper-V:SubType:2",
                BootSourceOrder=[b.path()],
            )
        },
    )
    assert rv == 32773


def test_modify_system_settings_reorders(host, clock):
    vm = gen2(host, state="off")[0]
    cur = order(host, vm)
    wanted = cur[1:] + cur[:1]
    rv, out = modify_order(host, vm, wanted)
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert order(host, vm) == wanted
    # any case, no \\HOST\namespace: prefix, single backslashes: stored as the host renders them
    forms = [
        wanted[0].replace("root", "ROOT").replace("HV-SIM01", "hv-sim01").replace("Microsoft", "MICROSOFT"),
        wanted[1].split(":", 1)[1],
    ] + [p.replace("\\\\", "\\").replace("\\HV-SIM01\\", "\\\\HV-SIM01\\") for p in wanted[2:]]
    back = list(reversed(forms))
    rv, out = modify_order(host, vm, back)
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert order(host, vm) == list(reversed(wanted))


@pytest.mark.parametrize("case", ["unknown", "duplicate", "missing", "other_vm", "other_class", "empty"])
def test_modify_system_settings_refuses_non_permutations(host, clock, case):
    vm, other = gen2(host, state="off")[:2]
    cur = order(host, vm)
    bad = {
        "unknown": cur[:-1] + [cur[-1].replace('\\\\B"', '\\\\X\\\\B"')],
        "duplicate": cur[:-1] + [cur[0]],
        "missing": cur[:-1],
        "other_vm": cur[:-1] + [order(host, other)[-1]],
        "other_class": cur[:-1] + [cur[-1].replace(BSSD, "Msvm_ResourceAllocationSettingData")],
        "empty": [],
    }[case]
    jobs = len(host.instances(NS, "Msvm_ConcreteJob"))
    assert modify_order(host, vm, bad) == (32773, {})
    assert order(host, vm) == cur
    assert len(host.instances(NS, "Msvm_ConcreteJob")) == jobs


def test_running_vm_cannot_change_its_boot_order(host, clock):
    vm = gen2(host, state="running")[0]
    cur = order(host, vm)
    rv, out = modify_order(host, vm, list(reversed(cur)))
    job = finish(host, clock, out)
    assert rv == 4096 and job.properties["JobState"] == 10 and job.properties["ErrorCode"] == 32773
    assert order(host, vm) == cur
    rv, out = modify_order(host, vm, cur)  # the same order is not a change
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    set_state(host, vm, "off")
    rv, out = modify_order(host, vm, list(reversed(cur)))
    assert finish(host, clock, out).properties["JobState"] == 7 and order(host, vm) == list(reversed(cur))


def test_gen1_boot_source_order_only_empty(host, clock):
    vm = next(v for v in vms(host, state="off") if vssd_of(host, v).values.get("_gen") == 1)
    rv, out = modify_order(host, vm, [])
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert order(host, vm) is None
    rv, out = modify_order(host, vm, ['Msvm_BootSourceSettingData.InstanceID="x"'])
    assert finish(host, clock, out).properties["ErrorCode"] == 32773


def test_checkpoints_keep_the_order_of_their_moment(host, clock):
    vm = gen2(host, state="off")[0]
    guid = vm.properties["Name"]
    cur = order(host, vm)
    rv, out = invoke(host, SNAP, None, "CreateSnapshot", AffectedSystem=vm.ref(), SnapshotType=2)
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    snap = host.resolve(out["ResultingSnapshot"])
    sid = snap.properties["InstanceID"].split(":", 1)[1]
    snap_order = snap.properties["BootSourceOrder"]
    assert snap_order == [p.replace(guid, sid) for p in cur]
    snap_bssds = resolve_all(host, snap_order)
    assert host.associators(NS, snap, "Msvm_BootSourceComponent", BSSD) != []
    assert all(b.properties["InstanceID"].startswith(f"Microsoft:{sid}\\") for b in snap_bssds)
    # the checkpoint's drive settings are linked to the checkpoint's boot sources
    for b in snap_bssds:
        dev = host.associators(NS, b, "Msvm_LogicalIdentity")
        if b.properties["BootSourceType"] != 3:
            assert [d.properties["InstanceID"] + "\\B" for d in dev] == [b.properties["InstanceID"]]
    rv, out = modify_order(host, vm, list(reversed(cur)))
    assert finish(host, clock, out).properties["JobState"] == 7
    assert snap.properties["BootSourceOrder"] == snap_order  # unchanged by the VM's reorder
    rv, out = invoke(host, SNAP, None, "ApplySnapshot", Snapshot=snap.ref())
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert order(host, vm) == cur
    assert [b.properties["InstanceID"] for b in resolve_all(host, order(host, vm))] == [
        p.properties["InstanceID"].replace(sid, guid) for p in snap_bssds
    ]
    assert len(host.associators(NS, vssd_of(host, vm), "Msvm_BootSourceComponent")) == len(cur)
    # destroying the checkpoint removes its boot sources
    rv, out = invoke(host, SNAP, None, "DestroySnapshot", AffectedSnapshot=snap.ref())
    assert rv == 4096
    assert all(host.find(NS, BSSD, b.values["InstanceID"]) is None for b in snap_bssds)


def test_destroy_vm_removes_its_boot_sources(host, clock):
    vm = gen2(host, state="off")[0]
    iids = [b.properties["InstanceID"] for b in resolve_all(host, order(host, vm))]
    rv, out = invoke(host, SVC, None, "DestroySystem", AffectedSystem=vm.ref())
    assert rv == 4096
    assert all(host.find(NS, BSSD, i) is None for i in iids)


def test_persist_round_trip_keeps_boot_sources(clock):
    host = build_host("2022", vms=6, switches=1, seed=3, clock=clock)
    again = Host.from_json(json.loads(json.dumps(host.to_json())), clock=clock)
    for vm in gen2(again):
        bssds = resolve_all(again, order(again, vm))
        assert len(again.associators(NS, vssd_of(again, vm), "Msvm_BootSourceComponent")) == len(bssds)
        assert bssds[0].properties["Caption"] == "Boot Source Settings"
