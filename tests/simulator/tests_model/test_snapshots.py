from tests.simulator.model.vms import set_state

from .conftest import NS, finish, invoke, settings, vms, vssd_of

SNAP = "Msvm_VirtualSystemSnapshotService"


def _create(host, clock, vm):
    rv, out = invoke(host, SNAP, None, "CreateSnapshot", AffectedSystem=vm.ref(), SnapshotType=2)
    assert rv == 4096
    job = finish(host, clock, out)
    assert job.properties["JobState"] == 7
    return host.resolve(out["ResultingSnapshot"]), job


def test_create_snapshot_links_and_job_elements(host, clock):
    vm = vms(host, state="running")[0]
    snap, job = _create(host, clock, vm)
    guid = vm.properties["Name"]
    p = snap.properties
    assert p["VirtualSystemType"] == "Microsoft:Hyper-V:Snapshot:Realized"
    assert p["VirtualSystemIdentifier"] == guid and p["InstanceID"] != f"Microsoft:{guid}"
    assert p["ElementName"].startswith(vm.properties["ElementName"] + " - (")
    refs = host.references(NS, job, "Msvm_AffectedJobElement")
    effects = {r.properties["AffectedElement"].class_name: r.properties["ElementEffects"] for r in refs}
    assert effects == {"Msvm_ComputerSystem": [0], "Msvm_VirtualSystemSettingData": [5]}
    created = host.associators(NS, job, "Msvm_AffectedJobElement", "Msvm_VirtualSystemSettingData")
    assert created == [snap]
    assert snap in host.associators(NS, vm, "Msvm_SnapshotOfVirtualSystem")
    assert host.associators(NS, vm, "Msvm_MostCurrentSnapshotInBranch") == [snap]
    assert vssd_of(host, vm).properties["Parent"] == snap.path()
    snap_rasds = host.associators(NS, snap, "Msvm_VirtualSystemSettingDataComponent")
    assert len(snap_rasds) == len(host.associators(NS, vssd_of(host, vm), "Msvm_VirtualSystemSettingDataComponent"))
    assert all(r.properties["InstanceID"].startswith(p["InstanceID"] + "\\") for r in snap_rasds)


def test_snapshot_chain_and_destroy_reparents(host, clock):
    vm = next(v for v in vms(host, state="off") if not host.associators(NS, v, "Msvm_SnapshotOfVirtualSystem"))
    a, _unused = _create(host, clock, vm)
    b, _unused = _create(host, clock, vm)
    c, _unused = _create(host, clock, vm)
    assert b.properties["Parent"] == a.path() and c.properties["Parent"] == b.path()
    assert host.associators(NS, a, "Msvm_ParentChildSettingData", role="Antecedent") == [b]
    rv, out = invoke(host, SNAP, None, "DestroySnapshot", AffectedSnapshot=b.ref())
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert host.resolve(b.ref()) is None
    assert c.properties["Parent"] == a.path()
    assert host.associators(NS, a, "Msvm_ParentChildSettingData", role="Antecedent") == [c]
    rv, out = invoke(host, SNAP, None, "DestroySnapshotTree", SnapshotSettingData=a.ref())
    assert rv == 4096
    assert host.associators(NS, vm, "Msvm_SnapshotOfVirtualSystem") == []
    assert host.associators(NS, vm, "Msvm_MostCurrentSnapshotInBranch") == []
    assert vssd_of(host, vm).properties["Parent"] is None


def test_apply_snapshot_restores_settings_and_state(host, clock):
    vm = vms(host, state="running")[0]
    mem = settings(host, vm, "Msvm_MemorySettingData")[0]
    before = mem.properties["VirtualQuantity"]
    snap, _unused = _create(host, clock, vm)
    rv, _out = invoke(host, SNAP, None, "ApplySnapshot", Snapshot=snap.ref())
    assert rv == 32775  # running VM
    set_state(host, vm, "off")
    mem.values["VirtualQuantity"] = before * 2
    rv, out = invoke(host, SNAP, None, "ApplySnapshot", Snapshot=snap.ref())
    assert rv == 4096
    finish(host, clock, out)
    assert settings(host, vm, "Msvm_MemorySettingData")[0].properties["VirtualQuantity"] == before
    assert vm.properties["EnabledState"] == 6  # a checkpoint of a running VM comes back saved
    nic = settings(host, vm, "Msvm_SyntheticEthernetPortSettingData")[0]
    assert host.associators(NS, nic, "Msvm_SettingDataComponent")


def test_rename_snapshot_and_refusals(host, clock):
    vm = vms(host, state="off")[0]
    snap, _unused = _create(host, clock, vm)
    from .conftest import emb

    rv, out = invoke(
        host,
        "Msvm_VirtualSystemManagementService",
        None,
        "ModifySystemSettings",
        SystemSettings=emb(
            "Msvm_VirtualSystemSettingData", InstanceID=snap.properties["InstanceID"], ElementName="before upgrade"
        ),
    )
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert snap.properties["ElementName"] == "before upgrade"
    assert vm.properties["ElementName"] != "before upgrade"
    assert invoke(host, SNAP, None, "CreateSnapshot", AffectedSystem=vm.ref(), SnapshotType=9)[0] == 32773
    assert invoke(host, SNAP, None, "DestroySnapshot", AffectedSnapshot=vssd_of(host, vm).ref())[0] == 32773
