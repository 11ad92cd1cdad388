"""Checkpoints (reference 5.11, 9.4 J12; v1 snapshot methods of 5b.4).

A checkpoint is a VSSD `Microsoft:<SNAPSHOT-GUID>` (VirtualSystemType Snapshot:Realized) with
copies of the VM's device settings, linked by SnapshotOfVirtualSystem (VM), ParentChildSettingData
(parent checkpoint) and MostCurrentSnapshotInBranch (VM -> the checkpoint the VM derives from).
"""

from __future__ import annotations

from . import boot
from .jobs import start_job
from .registry import event, method
from .states import generation
from .vms import REALIZED, SNAPSHOT, add_nic, connect_port, set_state, vm_cs, vm_settings, vm_vssd

SNAP_SVC = "Msvm_VirtualSystemSnapshotService"


def snapshots_of(host, cs):
    return host.linked(cs, "Msvm_SnapshotOfVirtualSystem")


def current_snapshot(host, cs):
    cur = host.linked(cs, "Msvm_MostCurrentSnapshotInBranch")
    return cur[0] if cur else None


def _copy_settings(host, src_vssd, dst_vssd, src_owner, dst_owner):
    """Copy device settings (not guest network configuration) from one configuration to another."""
    ns = src_vssd.namespace
    twins = {}
    for s in vm_settings(host, src_vssd):
        vals = {}
        for k, v in s.values.items():
            if isinstance(v, str):
                v = v.replace(f"Microsoft:{src_owner}", f"Microsoft:{dst_owner}")
            elif isinstance(v, list):
                v = [
                    x.replace(f"Microsoft:{src_owner}", f"Microsoft:{dst_owner}") if isinstance(x, str) else x
                    for x in v
                ]
            vals[k] = v
        new = host.add(ns, s.class_def.name, vals, s.defaults)
        host.link("Msvm_VirtualSystemSettingDataComponent", "GroupComponent", dst_vssd, "PartComponent", new)
        twins[id(s)] = new
    # gen 2 boot sources and the BootSourceOrder of this moment (model/boot.py)
    boot.copy_sources(host, src_vssd, dst_vssd, src_owner, dst_owner, twins)


def create_snapshot(host, cs, name=None):
    ns = cs.namespace
    guid = cs.values["Name"]
    vssd = vm_vssd(host, ns, guid)
    snap_guid = host.new_guid()
    now = host.wall()
    parent = current_snapshot(host, cs)
    vals = {k: v for k, v in vssd.values.items() if not k.startswith("_") or k == "_gen"}
    vals.update(
        {
            "InstanceID": f"Microsoft:{snap_guid}",
            "ElementName": name or f"{cs.values['ElementName']} - ({now:%m/%d/%Y} - {now:%I:%M:%S %p})",
            "Description": "Snapshot settings for the virtual machine",
            "CreationTime": now,
            "Parent": parent.path() if parent is not None else None,
            "_vm_state": cs.values["_state"],
        }
    )
    if generation(ns) == "v2":
        vals["VirtualSystemType"] = SNAPSHOT
    else:
        vals["SettingType"] = 5
    snap = host.add(ns, "Msvm_VirtualSystemSettingData", vals)
    _copy_settings(host, vssd, snap, guid, snap_guid)
    host.link("Msvm_SnapshotOfVirtualSystem", "Antecedent", cs, "Dependent", snap)
    if parent is not None:
        host.link("Msvm_ParentChildSettingData", "Antecedent", parent, "Dependent", snap)
        host.unlink(cs, parent, "Msvm_MostCurrentSnapshotInBranch")
    host.link("Msvm_MostCurrentSnapshotInBranch", "Antecedent", cs, "Dependent", snap)
    vssd.values["Parent"] = snap.path()
    return snap


def apply_snapshot(host, cs, snap):
    ns = cs.namespace
    guid = cs.values["Name"]
    vssd = vm_vssd(host, ns, guid)
    from .vsms import _remove_setting

    for s in vm_settings(host, vssd):
        _remove_setting(host, s)
    snap_guid = snap.values["InstanceID"].split(":", 1)[1]
    _copy_settings(host, snap, vssd, snap_guid, guid)
    for s in vm_settings(host, vssd):
        kind = s.values.get("_kind")
        if kind == "nic" and generation(ns) == "v2":
            gnac = host.add(
                ns,
                "Msvm_GuestNetworkAdapterConfiguration",
                {
                    "InstanceID": f"Microsoft:GuestNetwork\\{guid}\\{s.values['_rest']}",
                    "_vm": guid,
                    "_nic": s.values["InstanceID"],
                },
            )
            host.link("Msvm_SettingDataComponent", "GroupComponent", s, "PartComponent", gnac)
        if kind == "connection" and s.values.get("HostResource"):
            sw = host.resolve(s.values["HostResource"][0])
            if sw is not None:
                connect_port(host, ns, sw, s)
    for k in (
        "Notes",
        "BootOrder",
        "SecureBootEnabled",
        "AutomaticStartupAction",
        "AutomaticShutdownAction",
        "AutomaticRecoveryAction",
    ):
        if k in snap.values:
            vssd.values[k] = snap.values[k]
    old = current_snapshot(host, cs)
    if old is not None:
        host.unlink(cs, old, "Msvm_MostCurrentSnapshotInBranch")
    host.link("Msvm_MostCurrentSnapshotInBranch", "Antecedent", cs, "Dependent", snap)
    vssd.values["Parent"] = snap.path()
    set_state(host, cs, "saved" if snap.values.get("_vm_state") in ("running", "paused") else "off")


def destroy_snapshot(host, cs, snap, tree=False):
    from .vsms import _delete_config

    parents = host.linked(snap, "Msvm_ParentChildSettingData")
    parent = next((p for p in parents if any(lk[3] is snap and lk[1] == "Antecedent" for lk in p.links)), None)
    children = [c for c in parents if c is not parent]
    if tree:
        for c in children:
            destroy_snapshot(host, cs, c, tree=True)
        children = []
    for c in children:
        host.unlink(snap, c, "Msvm_ParentChildSettingData")
        c.values["Parent"] = parent.path() if parent is not None else None
        if parent is not None:
            host.link("Msvm_ParentChildSettingData", "Antecedent", parent, "Dependent", c)
    if current_snapshot(host, cs) is snap:
        vssd = vm_vssd(host, cs.namespace, cs.values["Name"])
        vssd.values["Parent"] = parent.path() if parent is not None else None
        if parent is not None:
            host.link("Msvm_MostCurrentSnapshotInBranch", "Antecedent", cs, "Dependent", parent)
    _delete_config(host, snap)


def _snap_and_vm(host, ref):
    snap = host.resolve(ref)
    if snap is None or snap.class_def.name != "Msvm_VirtualSystemSettingData":
        return None, None
    if snap.values.get("VirtualSystemType") == REALIZED or snap.values.get("SettingType") == 3:
        return None, None
    guid = snap.values.get("VirtualSystemIdentifier") or snap.values.get("SystemName")
    return snap, vm_cs(host, snap.namespace, guid)


# ---- v2 Msvm_VirtualSystemSnapshotService ------------------------------------------------------
@method(SNAP_SVC, "CreateSnapshot")
def _create(host, ns, svc, params):
    cs = host.resolve(params.get("AffectedSystem"))
    if cs is None or cs.values.get("_state") is None:
        return 32773, {}
    st = params.get("SnapshotType")
    if st not in (None, 2, 3):
        return 32773, {}
    if cs.values["_state"] not in ("off", "running", "saved", "paused"):
        return 32775, {}
    snap = create_snapshot(host, cs)
    job = start_job(host, ns, 70, "Creating Checkpoint", affected=[(cs, [0]), (snap, [5])])
    return 4096, {"ResultingSnapshot": snap.ref(), "Job": job.ref()}


@method(SNAP_SVC, "ApplySnapshot")
def _apply(host, ns, svc, params):
    snap, cs = _snap_and_vm(host, params.get("Snapshot"))
    if snap is None or cs is None:
        return 32773, {}
    if cs.values["_state"] not in ("off", "saved"):
        return 32775, {}
    job = start_job(
        host,
        ns,
        71,
        "Applying Checkpoint",
        affected=[(cs, [0])],
        on_done=("snapshot_apply", {"vm": cs.values["Name"], "snap": snap.values["InstanceID"], "ns": ns}),
    )
    return 4096, {"Job": job.ref()}


@event("snapshot_apply")
def _apply_done(host, payload):
    cs = vm_cs(host, payload["ns"], payload["vm"])
    snap = host.find(payload["ns"], "Msvm_VirtualSystemSettingData", payload["snap"])
    if cs is not None and snap is not None:
        apply_snapshot(host, cs, snap)


@method(SNAP_SVC, "DestroySnapshot", "DestroySnapshotTree")
def _destroy(host, ns, svc, params):
    tree = "SnapshotSettingData" in params
    snap, cs = _snap_and_vm(host, params.get("SnapshotSettingData" if tree else "AffectedSnapshot"))
    if snap is None or cs is None:
        return 32773, {}
    destroy_snapshot(host, cs, snap, tree=tree)
    job = start_job(
        host, ns, 72, "Deleting Checkpoint" if not tree else "Deleting Checkpoint Subtree", affected=[(cs, [0])]
    )
    return 4096, {"Job": job.ref()}


# ---- v1 (Msvm_VirtualSystemManagementService) ---------------------------------------------------
VSMS = "Msvm_VirtualSystemManagementService"


@method(VSMS, "CreateVirtualSystemSnapshot")
def _v1_create(host, ns, svc, params):
    cs = host.resolve(params.get("SourceSystem"))
    if cs is None or cs.values.get("_state") is None:
        return 32773, {}
    snap = create_snapshot(host, cs)
    job = start_job(host, ns, 70, "Taking Virtual Machine Snapshot", affected=[(cs, [0]), (snap, [5])])
    return 4096, {"SnapshotSettingData": snap.ref(), "Job": job.ref()}


@method(VSMS, "ApplyVirtualSystemSnapshot", "ApplyVirtualSystemSnapshotEx")
def _v1_apply(host, ns, svc, params):
    cs = host.resolve(params.get("ComputerSystem"))
    snap, owner = _snap_and_vm(host, params.get("SnapshotSettingData"))
    if cs is None or snap is None or owner is not cs:
        return 32773, {}
    if cs.values["_state"] not in ("off", "saved"):
        return 32775, {}
    apply_snapshot(host, cs, snap)
    return 0, {}


@method(VSMS, "RemoveVirtualSystemSnapshot")
def _v1_remove(host, ns, svc, params, tree=False):
    snap, cs = _snap_and_vm(host, params.get("SnapshotSettingData"))
    if snap is None or cs is None:
        return 32773, {}
    destroy_snapshot(host, cs, snap, tree=tree)
    job = start_job(host, ns, 72, "Deleting Snapshot", affected=[(cs, [0])])
    return 4096, {"Job": job.ref()}


@method(VSMS, "RemoveVirtualSystemSnapshotTree")
def _v1_remove_tree(host, ns, svc, params):
    return _v1_remove(host, ns, svc, params, tree=True)


_unused = add_nic
