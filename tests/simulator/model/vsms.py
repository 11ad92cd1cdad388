"""Msvm_VirtualSystemManagementService (v2, reference 5.5, 5.8, 9.4 J9-J11, G10, G11).

Return-code policy: DefineSystem / DestroySystem / ModifySystemSettings start a job (4096).
Add/Modify/RemoveResourceSettings and the feature methods complete synchronously (0, G10) when
valid; when a value is refused they answer 4096 with a job that ends in JobState 10 carrying
ErrorCode/ErrorDescription (G11), and nothing changes. Missing or malformed parameters -> 32773.
"""

from __future__ import annotations

from ..values import EmbeddedInstance
from . import boot
from . import devices as D
from . import validate as V
from .convert import BadValue, embedded_values
from .jobs import start_job
from .kvp import new_vm_guest
from .registry import method
from .states import ACTIVE
from .vms import (
    REALIZED,
    add_nic,
    add_setting,
    add_vlan,
    build_default_devices,
    connect_port,
    create_vm,
    disconnect_port,
    remove_mirror,
    settings_of_kind,
    vm_cs,
    vm_settings,
    vm_vssd,
)

VSMS = "Msvm_VirtualSystemManagementService"


class Refused(Exception):
    def __init__(self, code, text):
        super().__init__(text)
        self.code, self.text = code, text


def failed_job(host, ns, job_type, caption, code, text, affected=()):
    job = start_job(host, ns, job_type, caption, error=(code, text), affected=affected)
    return 4096, {"Job": job.ref()}


def ctx_for(host, vssd):
    return {
        "host_memory_mb": host.info.get("memory_mb", 262144),
        "host_logical": host.info.get("logical", 64),
        "generation": vssd.values.get("_gen", 1) if vssd is not None else 1,
    }


def owner_of(inst):
    """VM or checkpoint GUID a setting belongs to (from its InstanceID `Microsoft:<GUID>\\...`)."""
    iid = inst.values.get("InstanceID") or ""
    return iid.split(":", 1)[-1].split("\\", 1)[0]


def vm_of_vssd(host, vssd):
    guid = vssd.values.get("VirtualSystemIdentifier") or vssd.values.get("SystemName")
    return vm_cs(host, vssd.namespace, guid)


def _emb(host, ns, emb, default_class):
    if not isinstance(emb, EmbeddedInstance):
        raise Refused(32773, "The parameter is not an embedded instance.")
    cls = emb.class_name if host.schema.has_class(ns, emb.class_name) else default_class
    try:
        return cls, embedded_values(host.schema.get_class(ns, cls), emb)
    except BadValue as exc:
        raise Refused(32773, str(exc)) from None


# ---- systems ---------------------------------------------------------------------------------
@method(VSMS, "DefineSystem")
def define_system(host, ns, svc, params):
    emb = params.get("SystemSettings")
    if not isinstance(emb, EmbeddedInstance):
        return 32773, {}
    try:
        _cls, vals = _emb(host, ns, emb, "Msvm_VirtualSystemSettingData")
    except Refused:
        return 32773, {}
    sub = vals.get("VirtualSystemSubType") or "Microsoft:Hyper-V:SubType:1"
    ctx = {"generation": 2 if sub.endswith(":2") else 1}
    table = dict(V.VSSD_V2, **V.VSSD_DEFINE_ONLY)
    vals.setdefault("ElementName", "New Virtual Machine")
    err = V.check(
        table, {k: v for k, v in vals.items() if k not in ("InstanceID", "Caption", "Description")}, None, ctx
    )
    unknown = [k for k in vals if k not in table and k not in ("InstanceID", "Caption", "Description")]
    if err is None and unknown:
        err = f"The property '{unknown[0]}' cannot be set when defining a virtual machine."
    if err:
        return failed_job(host, ns, 1, "Defining Virtual Machine", 32773, err)
    if vals.get("BootSourceOrder"):
        return 32773, {}  # a new VM has no boot sources: only an empty order is a permutation of them [inf]
    cs = create_vm(
        host,
        vals["ElementName"],
        ctx["generation"],
        1,
        1024,
        False,
        (),
        None,
        (),
        "off",
        guest=new_vm_guest(host, vals["ElementName"]),
        scsi=False,
        os_loader=False,  # a new VM's firmware has no OS loader entry yet [inf]
    )
    # J10: a bare Gen1 VM has its IDE controllers and DVD drive; create_vm put an empty DVD on IDE 1:0
    vssd = vm_vssd(host, ns, cs.values["Name"])
    for k, v in vals.items():
        if k in table and k not in ("ElementName", "VirtualSystemSubType", "BootSourceOrder"):
            vssd.values[k] = v
    try:
        adds = []
        for emb in params.get("ResourceSettings") or []:
            cls, rvals = _emb(host, ns, emb, "Msvm_ResourceAllocationSettingData")
            kind = D.kind_of(ns, cls, rvals)
            if kind in ("processor", "memory"):  # the VM's own processor / memory: set, not add
                target = settings_of_kind(host, vssd, kind)[0]
                rvals.pop("InstanceID", None)
                _apply_modify(host, target, _check_modify(host, target, dict(rvals, InstanceID=None)))
            else:
                adds.append(emb)
        _add_resources(host, ns, vssd, adds)
    except Refused as exc:
        delete_vm(host, cs)
        return failed_job(host, ns, 1, "Defining Virtual Machine", exc.code, exc.text)
    job = start_job(host, ns, 1, "Defining Virtual Machine", affected=[(cs, [5])])
    return 4096, {"ResultingSystem": cs.ref(), "Job": job.ref()}


def delete_vm(host, cs):
    ns, guid = cs.namespace, cs.values["Name"]
    from .snapshots import snapshots_of

    for snap in snapshots_of(host, cs):
        _delete_config(host, snap)
    vssd = vm_vssd(host, ns, guid)
    if vssd is not None:
        _delete_config(host, vssd)
    for dev in host.linked(cs, "Msvm_SystemDevice"):
        host.remove(dev)
    for gsd in host.linked(cs, "Msvm_ElementSettingData"):
        host.remove(gsd)
    remove_mirror(host, cs)
    host.remove(cs)


def _delete_config(host, vssd):
    for s in vm_settings(host, vssd):
        _remove_setting(host, s)
    boot.remove_all(host, vssd)
    host.remove(vssd)


def _remove_setting(host, s):
    for lk in list(s.links):
        other = lk[3]
        if (
            lk[0] in ("Msvm_SettingDataComponent", "Msvm_EthernetPortSettingDataComponent")
            and lk[1] == "GroupComponent"
        ):
            host.remove(other)
    disconnect_port(host, s)
    boot.device_removed(host, s)
    host.remove(s)


@method(VSMS, "DestroySystem")
def destroy_system(host, ns, svc, params):
    cs = host.resolve(params.get("AffectedSystem"))
    if cs is None or cs.values.get("_state") is None:
        return 32773, {}
    if cs.values["_state"] not in ("off", "saved"):
        return 32775, {}
    delete_vm(host, cs)
    job = start_job(host, ns, 3, "Destroying Virtual Machine")
    return 4096, {"Job": job.ref()}


@method(VSMS, "ModifySystemSettings")
def modify_system_settings(host, ns, svc, params):
    emb = params.get("SystemSettings")
    if not isinstance(emb, EmbeddedInstance):
        return 32773, {}
    try:
        _cls, vals = _emb(host, ns, emb, "Msvm_VirtualSystemSettingData")
    except Refused:
        return 32773, {}
    vssd = host.find(ns, "Msvm_VirtualSystemSettingData", vals.get("InstanceID") or "")
    if vssd is None:
        return 32773, {}
    cs = vm_of_vssd(host, vssd)
    current = vssd.properties
    # gen 2 BootSourceOrder: a permutation of the VM's boot sources, else ReturnValue 32773 and no job [inf]
    new_order = None
    if vals.get("BootSourceOrder") is not None and boot.supported(host, vssd):
        try:
            new_order = boot.resolve_order(host, vssd, vals["BootSourceOrder"])
        except boot.BadOrder:
            return 32773, {}
    err = V.check(V.VSSD_V2, vals, current, ctx_for(host, vssd), identity={"InstanceID", "Caption", "Description"})
    off = cs is None or cs.values["_state"] == "off"
    if (
        err is None
        and "SecureBootEnabled" in vals
        and vals["SecureBootEnabled"] != current.get("SecureBootEnabled")
        and not off
    ):
        err = "Secure Boot settings can only be changed while the virtual machine is off."
    if (
        err is None
        and new_order is not None
        and [b.values["InstanceID"].lower() for b in new_order] != boot.order_ids(vssd)
        and not off
    ):
        err = "The boot order can only be changed while the virtual machine is off."
    if err:
        return failed_job(
            host, ns, 2, "Modifying Virtual Machine Settings", 32773, err, affected=[(cs, [0])] if cs else ()
        )
    for k, v in vals.items():
        if k == "BootSourceOrder":
            if new_order is not None:  # stored as the host renders the paths, whatever form was sent
                vssd.values[k] = [b.path() for b in new_order]
        elif k in V.VSSD_V2:
            vssd.values[k] = v
    if "ElementName" in vals and cs is not None and vssd.values.get("VirtualSystemType") == REALIZED:
        cs.values["ElementName"] = vals["ElementName"]
    if cs is not None:
        cs.values["TimeOfLastConfigurationChange"] = host.wall()
    job = start_job(host, ns, 2, "Modifying Virtual Machine Settings", affected=[(cs, [0])] if cs else ())
    return 4096, {"Job": job.ref()}


# ---- resources -------------------------------------------------------------------------------
@method(VSMS, "AddResourceSettings")
def add_resource_settings(host, ns, svc, params):
    vssd = host.resolve(params.get("AffectedConfiguration"))
    if (
        vssd is None
        or vssd.class_def.name != "Msvm_VirtualSystemSettingData"
        or vssd.values.get("VirtualSystemType") != REALIZED
    ):
        return 32773, {}
    items = params.get("ResourceSettings")
    if not items:
        return 32773, {}
    cs = vm_of_vssd(host, vssd)
    try:
        made = _add_resources(host, ns, vssd, items)
    except Refused as exc:
        return failed_job(host, ns, 30, "Adding Virtual Machine Resources", exc.code, exc.text, [(cs, [0])])
    cs.values["TimeOfLastConfigurationChange"] = host.wall()
    return 0, {"ResultingResourceSettings": [m.ref() for m in made]}


def _add_resources(host, ns, vssd, items):
    """Create each embedded RASD in order; on a refusal undo this call's objects and raise Refused."""
    made = []
    try:
        for emb in items:
            cls, vals = _emb(host, ns, emb, "Msvm_ResourceAllocationSettingData")
            kind = D.kind_of(ns, cls, vals)
            made.extend(_add_one(host, ns, vssd, kind, vals))
    except Refused:
        for m in reversed(made):
            if host.exists(m):
                _remove_setting(host, m)
        raise
    return made


def _running(host, vssd):
    cs = vm_of_vssd(host, vssd)
    return cs is not None and cs.values.get("_state") in ACTIVE


def _parent(host, vssd, vals, kinds, what):
    parent = host.resolve(vals.get("Parent") or "")
    if parent is None or owner_of(parent).lower() != owner_of(vssd).lower():
        raise Refused(32773, f"The {what} needs a Parent that is a device of this virtual machine.")
    if parent.values.get("_kind") not in kinds:
        raise Refused(
            32768,
            f"The {what} cannot be attached to a {parent.values.get('ElementName')} "
            f"(0x80041001, the parent is not a {' or '.join(kinds)}).",
        )
    return parent


def _children(host, vssd, parent):
    path = parent.path().lower()
    return [s for s in vm_settings(host, vssd) if (s.values.get("Parent") or "").lower() == path]


def _add_one(host, ns, vssd, kind, vals):
    gen = vssd.values.get("_gen", 1)
    if kind in ("scsi",):
        if _running(host, vssd):
            raise Refused(32775, "A SCSI controller cannot be added while the virtual machine is running.")
        if len(settings_of_kind(host, vssd, "scsi")) >= 4:
            raise Refused(32773, "A virtual machine can have at most 4 SCSI controllers.")
        return [add_setting(host, ns, vssd, "scsi", f"{host.new_guid()}\\0", {"ElementName": "SCSI Controller"})]
    if kind in ("disk_drive", "dvd_drive"):
        ctrl = _parent(host, vssd, vals, ("ide", "scsi"), "drive")
        try:
            slot = int(vals.get("AddressOnParent") if vals.get("AddressOnParent") not in (None, "") else -1)
        except ValueError:
            raise Refused(32773, "AddressOnParent is not a number.") from None
        maxslot = 1 if ctrl.values["_kind"] == "ide" else 63
        used = {int(c.values.get("AddressOnParent") or 0) for c in _children(host, vssd, ctrl)}
        if slot < 0:
            free = [s for s in range(maxslot + 1) if s not in used]
            if not free:
                raise Refused(32773, "The controller has no free location.")
            slot = free[0]
        if slot > maxslot or slot in used:
            raise Refused(32773, f"Location {slot} on the controller is not available.")
        if ctrl.values["_kind"] == "ide" and _running(host, vssd):
            raise Refused(32775, "IDE drives cannot be added while the virtual machine is running.")
        rest = f"{ctrl.values['_rest']}\\{slot}\\D"
        return [add_setting(host, ns, vssd, kind, rest, {"Parent": ctrl.path(), "AddressOnParent": str(slot)})]
    if kind in ("vhd", "iso", "floppy"):
        drive_kind = {"vhd": ("disk_drive",), "iso": ("dvd_drive",), "floppy": ("floppy_drive",)}[kind]
        drive = _parent(host, vssd, vals, drive_kind, "media")
        if _children(host, vssd, drive):
            raise Refused(32773, "The drive already holds media.")
        path = (vals.get("HostResource") or [None])[0]
        check_media_path(host, path, kind)
        rest = drive.values["_rest"][:-1] + "L"
        return [add_setting(host, ns, vssd, kind, rest, {"Parent": drive.path(), "HostResource": [path]})]
    if kind == "nic":
        if _running(host, vssd) and gen == 1:
            raise Refused(32775, "Network adapters cannot be added to a running generation 1 virtual machine.")
        if len(settings_of_kind(host, vssd, "nic")) >= 8:
            raise Refused(32773, "A virtual machine can have at most 8 network adapters.")
        static = bool(vals.get("StaticMacAddress"))
        mac = vals.get("Address")
        if static and (not mac or not V.MAC.match(mac)):
            raise Refused(32773, f"The MAC address {mac!r} is not valid.")
        if not static:
            mac = "000000000000"
        ident = (vals.get("VirtualSystemIdentifiers") or [None])[0]
        nic_guid = ident.strip("{}").upper() if ident else None
        nic = add_nic(host, ns, vssd, None, mac, nic_guid=nic_guid, connect=False)
        nic.values["StaticMacAddress"] = static
        if vals.get("ElementName"):
            nic.values["ElementName"] = vals["ElementName"]
        made = [nic]
        made.extend(host.linked(nic, "Msvm_SettingDataComponent"))
        return [nic]
    if kind == "connection":
        nic = _parent(host, vssd, vals, ("nic",), "connection")
        if _children(host, vssd, nic):
            raise Refused(32773, "The network adapter is already connected.")
        sw = _switch(host, vals)
        nic_guid = nic.values["_rest"]
        conn = add_setting(
            host,
            ns,
            vssd,
            "connection",
            f"{nic_guid}\\C",
            {
                "Parent": nic.path(),
                "HostResource": [sw.path()] if sw is not None else None,
                "LastKnownSwitchName": sw.values["ElementName"] if sw is not None else None,
                "EnabledState": vals.get("EnabledState") or 2,
                "ElementName": "Dynamic Ethernet Switch Port",
            },
        )
        if sw is not None:
            connect_port(host, ns, sw, conn)
        return [conn]
    raise Refused(32773, f"The resource type {kind or 'given'} cannot be added to a virtual machine.")


def _switch(host, vals):
    hr = vals.get("HostResource") or []
    if not hr or not hr[0]:
        return None
    sw = host.resolve(hr[0])
    if sw is None or sw.class_def.name != "Msvm_VirtualEthernetSwitch":
        raise Refused(32773, f"The virtual switch {hr[0]!r} does not exist.")
    return sw


def check_media_path(host, path, kind):
    if not path:
        raise Refused(32773, "The media needs a HostResource path.")
    f = host.files.get(str(path).lower())
    if f is None:
        raise Refused(32779, f"The system cannot find the file '{path}'. (0x80070002)")
    if kind == "iso" and f["kind"] != "iso":
        raise Refused(32773, f"'{path}' is not an ISO image.")
    if kind == "vhd" and f["kind"] not in ("vhd", "vhdx", "vhds"):
        raise Refused(32773, f"'{path}' is not a virtual hard disk.")
    if kind != "vhd":
        return
    for s in host.all_of(host.persona.vm_namespace, "Msvm_StorageAllocationSettingData"):
        if s.values.get("_kind") == "vhd" and [p.lower() for p in s.values.get("HostResource") or []] == [
            str(path).lower()
        ]:
            vssd = host.find(s.namespace, "Msvm_VirtualSystemSettingData", "Microsoft:" + owner_of(s))
            if vssd is not None and vssd.values.get("VirtualSystemType") == REALIZED:
                raise Refused(32768, f"'{path}' is in use by another virtual machine.")


@method(VSMS, "ModifyResourceSettings")
def modify_resource_settings(host, ns, svc, params):
    items = params.get("ResourceSettings")
    if not items:
        return 32773, {}
    plan = []
    try:
        for emb in items:
            _cls, vals = _emb(host, ns, emb, "Msvm_ResourceAllocationSettingData")
            target = _setting_by_id(host, ns, vals.get("InstanceID"))
            if target is not None and target.values.get("_definition"):
                raise Refused(32773, "Resource definitions (templates) cannot be modified.")
            if target is None:
                raise Refused(32773, f"No resource has the InstanceID {vals.get('InstanceID')!r}.")
            plan.append((target, _check_modify(host, target, vals)))
    except Refused as exc:
        return failed_job(host, ns, 31, "Modifying Virtual Machine Resources", exc.code, exc.text)
    for target, vals in plan:
        _apply_modify(host, target, vals)
    return 0, {"ResultingResourceSettings": [t.ref() for t, _v in plan]}


def _setting_by_id(host, ns, iid):
    if not iid:
        return None
    for cls in host.schema.subclasses(ns, "CIM_ResourceAllocationSettingData"):
        hit = host.find(ns, cls, iid)
        if hit is not None:
            return hit
    return None


def _check_modify(host, target, vals):
    kind = target.values.get("_kind")
    table = V.RESOURCE.get(kind, {})
    vssd = host.find(target.namespace, "Msvm_VirtualSystemSettingData", "Microsoft:" + owner_of(target))
    ctx = ctx_for(host, vssd)
    current = target.properties
    err = V.check(table, vals, current, ctx, V.IDENTITY)
    if err:
        raise Refused(32773, err)
    running = vssd is not None and _running(host, vssd)
    if (
        kind == "processor"
        and running
        and "VirtualQuantity" in vals
        and vals["VirtualQuantity"] != current["VirtualQuantity"]
    ):
        raise Refused(32775, "The number of virtual processors cannot be changed while the virtual machine is running.")
    if kind == "memory":
        merged = dict(current, **vals)
        if (
            running
            and "DynamicMemoryEnabled" in vals
            and vals["DynamicMemoryEnabled"] != current["DynamicMemoryEnabled"]
        ):
            raise Refused(32775, "Dynamic memory cannot be turned on or off while the virtual machine is running.")
        if merged.get("DynamicMemoryEnabled") and not (
            merged["Reservation"] <= merged["VirtualQuantity"] <= merged["Limit"]
        ):
            raise Refused(32773, "With dynamic memory, minimum <= startup <= maximum memory is required.")
    if kind in ("vhd", "iso") and "HostResource" in vals:
        path = (vals["HostResource"] or [None])[0]
        same = [str(x).lower() for x in current.get("HostResource") or []] == [str(path).lower()]
        if (path or kind == "vhd") and not same:
            check_media_path(host, path, kind)
    if kind == "connection" and "HostResource" in vals:
        _switch(host, vals)
    if kind == "nic" and vals.get("StaticMacAddress") is False and "Address" in vals:
        raise Refused(32773, "A dynamic MAC address cannot be set.")
    return vals


def _apply_modify(host, target, vals):
    kind = target.values.get("_kind")
    table = V.RESOURCE.get(kind, {})
    for k, v in vals.items():
        if k in table:
            target.values[k] = v
    if kind == "connection" and "HostResource" in vals:
        disconnect_port(host, target)
        sw = _switch(host, vals)
        if sw is not None:
            target.values["LastKnownSwitchName"] = sw.values["ElementName"]
            connect_port(host, target.namespace, sw, target)
        else:
            target.values["HostResource"] = None
    if kind == "memory" and not target.values.get("DynamicMemoryEnabled"):
        # static memory: minimum and maximum follow the startup value [inf]
        target.values["Reservation"] = target.values.get("VirtualQuantity")
        target.values["Limit"] = target.values.get("VirtualQuantity")


@method(VSMS, "RemoveResourceSettings")
def remove_resource_settings(host, ns, svc, params):
    refs = params.get("ResourceSettings")
    if not refs:
        return 32773, {}
    targets = [host.resolve(r) for r in refs]
    if any(t is None for t in targets):
        return 32773, {}
    ids = {id(t) for t in targets}
    for t in targets:
        kind = t.values.get("_kind")
        if kind in ("processor", "memory", "ide", "keyboard", "shutdown_ic", "heartbeat_ic", "kvp_ic", None):
            return failed_job(
                host,
                ns,
                32,
                "Removing Virtual Machine Resources",
                32773,
                f"The resource {t.values.get('InstanceID')} cannot be removed.",
            )
        vssd = host.find(ns, "Msvm_VirtualSystemSettingData", "Microsoft:" + owner_of(t))
        kids = [c for c in _children(host, vssd, t) if id(c) not in ids] if vssd is not None else []
        if kids and kind != "nic":
            return failed_job(
                host,
                ns,
                32,
                "Removing Virtual Machine Resources",
                32768,
                "Remove the attached media before the drive (0x80041001).",
            )
        if (
            kind in ("disk_drive", "dvd_drive", "scsi", "nic")
            and vssd is not None
            and _running(host, vssd)
            and vssd.values.get("_gen", 1) == 1
        ):
            return failed_job(
                host,
                ns,
                32,
                "Removing Virtual Machine Resources",
                32775,
                "The device cannot be removed while the virtual machine is running.",
            )
    for t in targets:
        if not host.exists(t):
            continue
        if t.values.get("_kind") == "nic":
            vssd = host.find(ns, "Msvm_VirtualSystemSettingData", "Microsoft:" + owner_of(t))
            for c in _children(host, vssd, t):
                _remove_setting(host, c)
        _remove_setting(host, t)
    return 0, {}


# ---- features (VLAN) -------------------------------------------------------------------------
@method(VSMS, "AddFeatureSettings")
def add_feature_settings(host, ns, svc, params):
    conn = host.resolve(params.get("AffectedConfiguration"))
    items = params.get("FeatureSettings")
    if conn is None or conn.class_def.name != "Msvm_EthernetPortAllocationSettingData" or not items:
        return 32773, {}
    made = []
    for emb in items:
        try:
            cls, vals = _emb(host, ns, emb, "Msvm_EthernetSwitchPortVlanSettingData")
        except Refused:
            return 32773, {}
        if cls != "Msvm_EthernetSwitchPortVlanSettingData" or host.linked(
            conn, "Msvm_EthernetPortSettingDataComponent"
        ):
            return failed_job(host, ns, 30, "Adding Feature Settings", 32773, "The feature cannot be added.")
        err = V.check(V.RESOURCE["vlan"], vals, None, {}, V.IDENTITY)
        if err:
            return failed_job(host, ns, 30, "Adding Feature Settings", 32773, err)
        vl = add_vlan(host, ns, conn, vals.get("AccessVlanId") or 0)
        vl.values.update({k: v for k, v in vals.items() if k in V.RESOURCE["vlan"]})
        made.append(vl)
    return 0, {"ResultingFeatureSettings": [m.ref() for m in made]}


@method(VSMS, "ModifyFeatureSettings")
def modify_feature_settings(host, ns, svc, params):
    done = []
    for emb in params.get("FeatureSettings") or []:
        try:
            _cls, vals = _emb(host, ns, emb, "Msvm_EthernetSwitchPortVlanSettingData")
        except Refused:
            return 32773, {}
        vl = host.find(ns, "Msvm_EthernetSwitchPortVlanSettingData", vals.get("InstanceID") or "")
        if vl is None:
            return 32773, {}
        err = V.check(V.RESOURCE["vlan"], vals, vl.properties, {}, V.IDENTITY)
        if err:
            return failed_job(host, ns, 31, "Modifying Feature Settings", 32773, err)
        done.append((vl, vals))
    for vl, vals in done:
        vl.values.update({k: v for k, v in vals.items() if k in V.RESOURCE["vlan"]})
    return 0, {"ResultingFeatureSettings": [vl.ref() for vl, _v in done]}


@method(VSMS, "RemoveFeatureSettings")
def remove_feature_settings(host, ns, svc, params):
    targets = [host.resolve(r) for r in params.get("FeatureSettings") or []]
    if not targets or any(t is None for t in targets):
        return 32773, {}
    for t in targets:
        host.remove(t)
    return 0, {}


_unused = build_default_devices
