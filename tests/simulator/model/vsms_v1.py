"""Msvm_VirtualSystemManagementService of Hyper-V 2008 R2 (v1, reference 5b.4-5b.6): the
*VirtualSystem* methods. Following the observed v1 host (nova's recording), define/add/modify
finish synchronously with 0; destroy and snapshot removal start a job."""

from __future__ import annotations

from ..values import EmbeddedInstance
from . import devices as D
from . import validate as V
from .jobs import start_job
from .kvp import new_vm_guest
from .registry import method
from .vms import add_setting, create_vm, settings_of_kind, vm_settings, vm_vssd
from .vsms import Refused, _emb, _remove_setting, _setting_by_id, ctx_for, delete_vm, owner_of

VSMS = "Msvm_VirtualSystemManagementService"


@method(VSMS, "DefineVirtualSystem")
def _define(host, ns, svc, params):
    emb = params.get("SystemSettingData")
    name = "New Virtual Machine"
    vals = {}
    if isinstance(emb, EmbeddedInstance):
        try:
            _cls, vals = _emb(host, ns, emb, "Msvm_VirtualSystemGlobalSettingData")
        except Refused:
            return 32773, {}
        err = V.check(V.VSGSD_V1, {k: v for k, v in vals.items() if k in V.VSGSD_V1}, None, {"generation": 1})
        if err:
            return 32773, {}
        name = vals.get("ElementName") or name
    cs = create_vm(host, name, 1, 1, 512, False, (), None, (), "off", guest=new_vm_guest(host, name))
    for gsd in host.linked(cs, "Msvm_ElementSettingData"):
        for k, v in vals.items():
            if k in V.VSGSD_V1 and k != "Notes":
                gsd.values[k] = v
    try:
        _add(host, ns, cs, params.get("ResourceSettingData") or [])
    except Refused:
        delete_vm(host, cs)
        return 32773, {}
    return 0, {"DefinedSystem": cs.ref()}


@method(VSMS, "DestroyVirtualSystem")
def _destroy(host, ns, svc, params):
    cs = host.resolve(params.get("ComputerSystem"))
    if cs is None or cs.values.get("_state") is None:
        return 32773, {}
    if cs.values["_state"] not in ("off", "saved"):
        return 32775, {}
    delete_vm(host, cs)
    job = start_job(host, ns, 3, "Deleting Virtual Machine")
    return 4096, {"Job": job.ref()}


@method(VSMS, "ModifyVirtualSystem")
def _modify(host, ns, svc, params):
    cs = host.resolve(params.get("ComputerSystem"))
    emb = params.get("SystemSettingData")
    if cs is None or not isinstance(emb, EmbeddedInstance):
        return 32773, {}
    try:
        cls, vals = _emb(host, ns, emb, "Msvm_VirtualSystemSettingData")
    except Refused:
        return 32773, {}
    if cls == "Msvm_VirtualSystemSettingData":
        # the VSSD named by InstanceID: the VM's own or one of its snapshots (renaming a snapshot)
        target = (
            host.find(ns, cls, vals["InstanceID"]) if vals.get("InstanceID") else vm_vssd(host, ns, cs.values["Name"])
        )
        if target is None or str(target.values.get("SystemName")).lower() != cs.values["Name"].lower():
            return 32773, {}
    else:
        target = (host.linked(cs, "Msvm_ElementSettingData") or [None])[0]
    err = V.check(
        V.VSGSD_V1,
        vals,
        target.properties,
        {"generation": 1},
        identity={"InstanceID", "Caption", "Description", "SystemName", "SettingType", "VirtualSystemType"},
    )
    if err:
        return 32773, {}
    for k, v in vals.items():
        if k in V.VSGSD_V1:
            target.values[k] = v
    snapshot = cls == "Msvm_VirtualSystemSettingData" and target.values.get("SettingType") == 5
    if "ElementName" in vals and not snapshot:
        cs.values["ElementName"] = vals["ElementName"]
        vm_vssd(host, ns, cs.values["Name"]).values["ElementName"] = vals["ElementName"]
        for gsd in host.linked(cs, "Msvm_ElementSettingData"):
            gsd.values["ElementName"] = vals["ElementName"]
    return 0, {"ModifiedSettingData": target.ref()}


@method(VSMS, "AddVirtualSystemResources")
def _add_resources(host, ns, svc, params):
    cs = host.resolve(params.get("TargetSystem"))
    if cs is None or cs.values.get("_state") is None:
        return 32773, {}
    try:
        made = _add(host, ns, cs, params.get("ResourceSettingData") or [])
    except Refused as exc:
        return exc.code if exc.code != 32779 else 32768, {}
    return 0, {"NewResources": [m.ref() for m in made]}


def _add(host, ns, cs, items):
    vssd = vm_vssd(host, ns, cs.values["Name"])
    made = []
    try:
        for emb in items:
            cls, vals = _emb(host, ns, emb, "Msvm_ResourceAllocationSettingData")
            kind = D.kind_of(ns, cls, vals)
            made.append(_add_one(host, ns, cs, vssd, kind, vals))
    except Refused:
        for m in made:
            _remove_setting(host, m)
        raise
    return made


def _add_one(host, ns, cs, vssd, kind, vals):
    if kind in ("disk_drive", "dvd_drive"):
        ctrl = host.resolve(vals.get("Parent") or "")
        if ctrl is None or ctrl.values.get("_kind") not in ("ide", "scsi"):
            raise Refused(32773, "The drive needs a controller as Parent.")
        slot = str(vals.get("Address") or vals.get("AddressOnParent") or "0")
        rest = f"{ctrl.values['_rest']}\\{slot}\\D"
        return add_setting(host, ns, vssd, kind, rest, {"Parent": ctrl.path(), "Address": slot})
    if kind in ("vhd", "iso"):
        drive = host.resolve(vals.get("Parent") or "")
        if drive is None or drive.values.get("_kind") not in ("disk_drive", "dvd_drive"):
            raise Refused(32773, "The image needs a drive as Parent.")
        path = (vals.get("Connection") or [None])[0]
        if not path or str(path).lower() not in host.files:
            raise Refused(32779, f"The file '{path}' does not exist.")
        rest = drive.values["_rest"][:-1] + "L"
        return add_setting(host, ns, vssd, kind, rest, {"Parent": drive.path(), "Connection": [path]})
    if kind == "nic":
        ident = (vals.get("VirtualSystemIdentifiers") or ["{" + host.new_guid() + "}"])[0]
        nic_guid = ident.strip("{}").upper()
        return add_setting(
            host,
            ns,
            vssd,
            "nic",
            nic_guid,
            {
                "Address": vals.get("Address") or "000000000000",
                "StaticMacAddress": bool(vals.get("StaticMacAddress")),
                "VirtualSystemIdentifiers": [ident],
                "Connection": vals.get("Connection"),
                "ElementName": vals.get("ElementName") or "Network Adapter",
            },
        )
    if kind == "scsi":
        if len(settings_of_kind(host, vssd, "scsi")) >= 4:
            raise Refused(32773, "Too many SCSI controllers.")
        return add_setting(host, ns, vssd, "scsi", f"{host.new_guid()}\\0")
    raise Refused(32773, f"Resources of kind {kind} cannot be added.")


@method(VSMS, "ModifyVirtualSystemResources")
def _modify_resources(host, ns, svc, params):
    cs = host.resolve(params.get("ComputerSystem"))
    items = params.get("ResourceSettingData") or []
    if cs is None or not items:
        return 32773, {}
    plan = []
    for emb in items:
        try:
            _cls, vals = _emb(host, ns, emb, "Msvm_ResourceAllocationSettingData")
        except Refused:
            return 32773, {}
        target = _setting_by_id(host, ns, vals.get("InstanceID"))
        if target is None or owner_of(target).lower() != cs.values["Name"].lower():
            return 32773, {}
        table = V.RESOURCE.get(target.values.get("_kind"), {})
        ctx = ctx_for(host, vm_vssd(host, ns, cs.values["Name"]))
        if V.check(table, vals, target.properties, ctx, V.IDENTITY):
            return 32773, {}
        if (
            target.values.get("_kind") == "processor"
            and cs.values["_state"] != "off"
            and vals.get("VirtualQuantity", target.values.get("VirtualQuantity"))
            != target.values.get("VirtualQuantity")
        ):
            return 32775, {}
        plan.append((target, vals))
    for target, vals in plan:
        table = V.RESOURCE.get(target.values.get("_kind"), {})
        target.values.update({k: v for k, v in vals.items() if k in table})
    return 0, {}


@method(VSMS, "RemoveVirtualSystemResources")
def _remove_resources(host, ns, svc, params):
    cs = host.resolve(params.get("TargetSystem"))
    targets = [host.resolve(r) for r in params.get("ResourceSettingData") or []]
    if cs is None or not targets or any(t is None for t in targets):
        return 32773, {}
    for t in targets:
        if t.values.get("_kind") in ("processor", "memory", "ide", None):
            return 32773, {}
    for t in targets:
        _remove_setting(host, t)
    job = start_job(host, ns, 32, "Removing Virtual Machine Resources")
    return 4096, {"Job": job.ref()}


_unused = vm_settings
