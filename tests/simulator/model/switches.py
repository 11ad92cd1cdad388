"""Virtual switches (reference 5.10, 5b.7): v2 Msvm_VirtualEthernetSwitch with its settings and
switch-owned ports, v1 Msvm_VirtualSwitch; the switch management services' methods."""

from __future__ import annotations

from . import devices as D
from .convert import embedded_values
from .jobs import start_job
from .registry import method
from .vms import connect_port, disconnect_port

DEFAULT_SWITCH_GUID = "C08CB7B8-9B3C-408E-8E30-5E16A3AEB444"


def host_cs(host, ns):
    return host.find(ns, "Msvm_ComputerSystem", "Msvm_ComputerSystem", host.computer_name)


def create_switch(host, ns, name, kind="private", ext_port=None, guid=None, notes=None):
    """kind: private | internal | external (external binds `ext_port`, shared with the host)."""
    guid = guid or host.new_guid()
    if ns.endswith("virtualization"):
        sw = host.add(ns, "Msvm_VirtualSwitch", {"Name": guid, "ElementName": name, "_kind": kind})
        return sw
    sw = host.add(
        ns,
        "Msvm_VirtualEthernetSwitch",
        {"Name": guid, "ElementName": name, "OtherIdentifyingInfo": ["{" + guid + "}"], "_kind": kind},
    )
    vessd = host.add(
        ns,
        "Msvm_VirtualEthernetSwitchSettingData",
        {
            "InstanceID": f"Microsoft:{guid}",
            "ElementName": name,
            "VirtualSystemIdentifier": guid,
            "Notes": [notes] if notes else [""],
            "ExtensionOrder": [],
        },
    )
    host.link("Msvm_SettingsDefineState", "ManagedElement", sw, "SettingData", vessd)
    if kind == "external" and ext_port is not None:
        add_switch_port(host, ns, sw, vessd, f"{name}_External", ext_port)
    if kind in ("internal", "external"):
        add_switch_port(host, ns, sw, vessd, f"{name}_Internal", host_cs(host, ns))
    return sw


def vessd_of(host, sw):
    return host.find(sw.namespace, "Msvm_VirtualEthernetSwitchSettingData", f"Microsoft:{sw.values['Name']}")


def add_switch_port(host, ns, sw, vessd, element_name, target, extra=None):
    """Switch-owned EPASD `Microsoft:<SWITCH>\\<PORT>` whose HostResource[0] is `target`."""
    port_guid = host.new_guid()
    vals = {
        "InstanceID": f"Microsoft:{sw.values['Name']}\\{port_guid}",
        "ElementName": element_name,
        "HostResource": [target.path()],
        "_kind": "switch_port",
    }
    if extra:
        vals.update({k: v for k, v in extra.items() if k not in ("InstanceID", "HostResource")})
    epasd = host.add(ns, "Msvm_EthernetPortAllocationSettingData", vals, D.template(ns, "switch_port"))
    host.link("Msvm_VirtualEthernetSwitchSettingDataComponent", "GroupComponent", vessd, "PartComponent", epasd)
    connect_port(host, ns, sw, epasd)
    if target.class_def.name == "Msvm_ExternalEthernetPort":
        target.values["IsBound"] = True
    elif target.class_def.name == "Msvm_ComputerSystem":
        nic = host.add(
            ns,
            "Msvm_InternalEthernetPort",
            {
                "DeviceID": f"Microsoft:{port_guid}",
                "SystemName": host.computer_name,
                "ElementName": sw.values["ElementName"],
                "PermanentAddress": _mac(host),
                "_epasd": vals["InstanceID"],
            },
        )
        host.link("Msvm_SystemDevice", "GroupComponent", target, "PartComponent", nic)
    return epasd


def _mac(host):
    return "00155D" + "".join(f"{host.rng.randrange(256):02X}" for _unused in range(3))


def remove_switch_port(host, epasd):
    for target_path in epasd.values.get("HostResource") or []:
        target = host.resolve(target_path)
        if target is not None and target.class_def.name == "Msvm_ExternalEthernetPort":
            target.values["IsBound"] = False
    for nic in host.all_of(epasd.namespace, "Msvm_InternalEthernetPort"):
        if nic.values.get("_epasd") == epasd.values["InstanceID"]:
            host.remove(nic)
    disconnect_port(host, epasd)
    host.remove(epasd)


def destroy_switch(host, sw):
    ns = sw.namespace
    vessd = vessd_of(host, sw)
    if vessd is not None:
        for ep in host.linked(vessd, "Msvm_VirtualEthernetSwitchSettingDataComponent"):
            remove_switch_port(host, ep)
        host.remove(vessd)
    path = sw.path().lower()
    for ep in host.all_of(ns, "Msvm_EthernetPortAllocationSettingData"):
        if [p.lower() for p in ep.values.get("HostResource") or []] == [path]:
            ep.values["HostResource"] = None
            disconnect_port(host, ep)
    for port in host.linked(sw, "Msvm_SystemDevice"):
        host.remove(port)
    host.remove(sw)


# ---- v2 Msvm_VirtualEthernetSwitchManagementService --------------------------------------------
def _emb(host, ns, emb, cls):
    return embedded_values(host.schema.get_class(ns, cls), emb)


@method("Msvm_VirtualEthernetSwitchManagementService", "DefineSystem")
def _define_switch(host, ns, svc, params):
    emb = params.get("SystemSettings")
    if emb is None or isinstance(emb, str):
        return 32773, {}
    vals = _emb(host, ns, emb, "Msvm_VirtualEthernetSwitchSettingData")
    name = vals.get("ElementName")
    if not name or len(name) > 100:
        return 32773, {}
    ports = []
    for p in params.get("ResourceSettings") or []:
        pv = _emb(host, ns, p, "Msvm_EthernetPortAllocationSettingData")
        target = host.resolve((pv.get("HostResource") or [None])[0] or "")
        if target is None:
            return 32773, {}
        if target.class_def.name == "Msvm_ExternalEthernetPort" and target.values.get("IsBound"):
            job = start_job(
                host,
                ns,
                1,
                "Creating Virtual Switch",
                error=(
                    32768,
                    f"The network adapter '{target.values.get('ElementName')}' is already bound to a virtual switch.",
                ),
            )
            return 4096, {"Job": job.ref()}
        ports.append((pv, target))
    notes = vals.get("Notes")
    sw = create_switch(host, ns, name, "private", notes=(notes or [None])[0])
    vessd = vessd_of(host, sw)
    kinds = set()
    for pv, target in ports:
        add_switch_port(host, ns, sw, vessd, pv.get("ElementName") or name, target, pv)
        kinds.add("external" if target.class_def.name == "Msvm_ExternalEthernetPort" else "internal")
    sw.values["_kind"] = "external" if "external" in kinds else ("internal" if kinds else "private")
    job = start_job(host, ns, 1, "Creating Virtual Switch", affected=[(sw, [5])])
    return 4096, {"ResultingSystem": sw.ref(), "Job": job.ref()}


@method("Msvm_VirtualEthernetSwitchManagementService", "DestroySystem")
def _destroy_switch(host, ns, svc, params):
    sw = host.resolve(params.get("AffectedSystem"))
    if sw is None or sw.class_def.name != "Msvm_VirtualEthernetSwitch":
        return 32773, {}
    destroy_switch(host, sw)
    job = start_job(host, ns, 3, "Deleting Virtual Switch")
    return 4096, {"Job": job.ref()}


@method("Msvm_VirtualEthernetSwitchManagementService", "ModifySystemSettings")
def _modify_switch(host, ns, svc, params):
    emb = params.get("SystemSettings")
    if emb is None or isinstance(emb, str):
        return 32773, {}
    vals = _emb(host, ns, emb, "Msvm_VirtualEthernetSwitchSettingData")
    vessd = host.find(ns, "Msvm_VirtualEthernetSwitchSettingData", vals.get("InstanceID") or "")
    if vessd is None:
        return 32773, {}
    sw = host.find(
        ns, "Msvm_VirtualEthernetSwitch", "Msvm_VirtualEthernetSwitch", vessd.values["VirtualSystemIdentifier"]
    )
    if "ElementName" in vals:
        if not vals["ElementName"] or len(vals["ElementName"]) > 100:
            job = start_job(host, ns, 2, "Modifying Virtual Switch", error=(32773, "The switch name is not valid."))
            return 4096, {"Job": job.ref()}
        vessd.values["ElementName"] = vals["ElementName"]
        sw.values["ElementName"] = vals["ElementName"]
    for key in ("Notes", "IOVPreferred", "BandwidthReservationMode"):
        if key in vals:
            vessd.values[key] = vals[key]
    job = start_job(host, ns, 2, "Modifying Virtual Switch", affected=[(sw, [0])])
    return 4096, {"Job": job.ref()}


@method("Msvm_VirtualEthernetSwitchManagementService", "AddResourceSettings")
def _switch_add_ports(host, ns, svc, params):
    vessd = host.resolve(params.get("AffectedConfiguration"))
    if vessd is None or vessd.class_def.name != "Msvm_VirtualEthernetSwitchSettingData":
        return 32773, {}
    sw = host.find(
        ns, "Msvm_VirtualEthernetSwitch", "Msvm_VirtualEthernetSwitch", vessd.values["VirtualSystemIdentifier"]
    )
    made = []
    for p in params.get("ResourceSettings") or []:
        pv = _emb(host, ns, p, "Msvm_EthernetPortAllocationSettingData")
        target = host.resolve((pv.get("HostResource") or [None])[0] or "")
        if target is None or (target.class_def.name == "Msvm_ExternalEthernetPort" and target.values.get("IsBound")):
            return 32773, {}
        made.append(add_switch_port(host, ns, sw, vessd, pv.get("ElementName") or sw.values["ElementName"], target, pv))
    kinds = {
        (ep.values.get("HostResource") or [""])[0].split(":")[-1].split(".")[0]
        for ep in host.linked(vessd, "Msvm_VirtualEthernetSwitchSettingDataComponent")
    }
    sw.values["_kind"] = "external" if "Msvm_ExternalEthernetPort" in kinds else "internal"
    return 0, {"ResultingResourceSettings": [m.ref() for m in made]}


@method("Msvm_VirtualEthernetSwitchManagementService", "RemoveResourceSettings")
def _switch_remove_ports(host, ns, svc, params):
    targets = [host.resolve(r) for r in params.get("ResourceSettings") or []]
    if not targets or any(t is None or t.values.get("_kind") != "switch_port" for t in targets):
        return 32773, {}
    for t in targets:
        remove_switch_port(host, t)
    return 0, {}


# ---- v1 Msvm_VirtualSwitchManagementService ----------------------------------------------------
@method("Msvm_VirtualSwitchManagementService", "CreateSwitch")
def _v1_create_switch(host, ns, svc, params):
    name = params.get("FriendlyName")
    if not name:
        return 32773, {}
    guid = (params.get("Name") or host.new_guid()).upper()
    if host.find(ns, "Msvm_VirtualSwitch", "Msvm_VirtualSwitch", guid) is not None:
        return 32773, {}
    sw = create_switch(host, ns, name, guid=guid)
    return 0, {"CreatedVirtualSwitch": sw.ref()}


@method("Msvm_VirtualSwitchManagementService", "DeleteSwitch")
def _v1_delete_switch(host, ns, svc, params):
    sw = host.resolve(params.get("VirtualSwitch"))
    if sw is None:
        return 32773, {}
    for port in host.linked(sw, "Msvm_SystemDevice"):
        host.remove(port)
    host.remove(sw)
    return 0, {}


@method("Msvm_VirtualSwitchManagementService", "CreateSwitchPort")
def _v1_create_port(host, ns, svc, params):
    sw = host.resolve(params.get("VirtualSwitch"))
    if sw is None:
        return 32773, {}
    guid = params.get("Name") or host.new_guid()
    port = host.add(
        ns,
        "Msvm_SwitchPort",
        {"Name": guid, "SystemName": sw.values["Name"], "ElementName": params.get("FriendlyName") or guid},
    )
    host.link("Msvm_SystemDevice", "GroupComponent", sw, "PartComponent", port)
    return 0, {"CreatedSwitchPort": port.ref()}


@method("Msvm_VirtualSwitchManagementService", "DeleteSwitchPort")
def _v1_delete_port(host, ns, svc, params):
    port = host.resolve(params.get("SwitchPort"))
    if port is None:
        return 32773, {}
    host.remove(port)
    return 0, {}
