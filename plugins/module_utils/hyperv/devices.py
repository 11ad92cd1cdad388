# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A VM's devices: controllers, drives and their media (VHD/ISO), network adapters.

``parse_devices`` turns the setting objects of one VM (what ``ASSOCIATORS OF`` its VSSD, or
the per-class enumerations of facts.py, return) into a :class:`VmDevices`; the add/modify/
remove helpers build the embedded instances (reference 5.8, 5.9, 5b.6) and call the
management service with the v2 or v1 method names.
"""

from __future__ import annotations

import re
import uuid as uuidlib

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError

V2P = "Microsoft:Hyper-V:"
V1P = "Microsoft "

SUB = {
    False: {
        "ide": V2P + "Emulated IDE Controller",
        "scsi": V2P + "Synthetic SCSI Controller",
        "disk_drive": V2P + "Synthetic Disk Drive",
        "dvd_drive": V2P + "Synthetic DVD Drive",
        "vhd": V2P + "Virtual Hard Disk",
        "iso": V2P + "Virtual CD/DVD Disk",
        "nic": V2P + "Synthetic Ethernet Port",
        "connection": V2P + "Ethernet Connection",
        "processor": V2P + "Processor",
        "memory": V2P + "Memory",
    },
    True: {
        "ide": V1P + "Emulated IDE Controller",
        "scsi": V1P + "Synthetic SCSI Controller",
        "disk_drive": V1P + "Synthetic Disk Drive",
        "dvd_drive": V1P + "Synthetic DVD Drive",
        "vhd": V1P + "Virtual Hard Disk",
        "iso": V1P + "Virtual CD/DVD Disk",
        "nic": V1P + "Synthetic Ethernet Port",
        "processor": V1P + "Processor",
        "memory": V1P + "Virtual Machine Memory",
    },
}
RTYPE = {
    False: {"ide": 5, "scsi": 6, "disk_drive": 17, "dvd_drive": 16, "vhd": 31, "iso": 31, "nic": 10,
            "connection": 33},
    True: {"ide": 5, "scsi": 6, "disk_drive": 22, "dvd_drive": 16, "vhd": 21, "iso": 21, "nic": 10},
}
RASD = "Msvm_ResourceAllocationSettingData"
SASD = "Msvm_StorageAllocationSettingData"
SEPSD = "Msvm_SyntheticEthernetPortSettingData"
EPASD = "Msvm_EthernetPortAllocationSettingData"
VLAN = "Msvm_EthernetSwitchPortVlanSettingData"

_KEY_RE = re.compile(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"')


def path_keys(path):
    """Key values of a WMI object path string (backslash escapes undone), lower-case names."""
    if not path:
        return {}
    colon = path.find(":", 2) if path.startswith("\\\\") else -1
    body = path[colon + 1:] if colon >= 0 else path
    return {m.group(1).lower(): re.sub(r"\\(.)", r"\1", m.group(2)) for m in _KEY_RE.finditer(body)}


def path_class(path):
    if not path:
        return None
    colon = path.find(":", 2) if path.startswith("\\\\") else -1
    body = path[colon + 1:] if colon >= 0 else path
    return body.split(".", 1)[0].strip()


def norm_path(path):
    """A file path as Windows compares it: case-insensitive, backslashes."""
    return (path or "").replace("/", "\\").lower()


def first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def format_mac(raw):
    """00155D0A0B0C -> 00:15:5D:0A:0B:0C; None for empty or the all-zero placeholder (9.3 I7)."""
    text = re.sub(r"[^0-9A-Fa-f]", "", raw or "").upper()
    if len(text) != 12 or text == "000000000000":
        return None
    return ":".join(text[i:i + 2] for i in range(0, 12, 2))


def mac_to_wire(mac):
    return re.sub(r"[^0-9A-Fa-f]", "", mac).upper()


class VmDevices:
    """Setting objects of one VM, sorted by kind, with the relations resolved."""

    def __init__(self):
        self.processor = None
        self.memory = None
        self.controllers = []  # dicts: type, number, instance
        # drives: dicts kind (disk/dvd), controller_type/_number/_location, drive, media, path
        self.drives = []
        self.nics = []  # dicts: sepsd, epasd, vlan, name, mac_address, static_mac, switch_id, vlan_id
        self.others = []
        self.host = None

    def controller(self, ctype, number):
        for c in self.controllers:
            if c["type"] == ctype and c["number"] == number:
                return c
        return None

    def disk_facts(self):
        return [_drive_fact(d) for d in self.drives if d["kind"] == "disk" and d["path"]]

    def dvd_facts(self):
        return [_drive_fact(d) for d in self.drives if d["kind"] == "dvd"]

    def free_location(self, ctype, number, taken_extra=()):
        used = {d["controller_location"] for d in self.drives
                if d["controller_type"] == ctype and d["controller_number"] == number}
        used |= set(taken_extra)
        limit = 2 if ctype == "ide" else 64
        for loc in range(limit):
            if loc not in used:
                return loc
        return None


def _drive_fact(d):
    return dict(path=d["path"], controller_type=d["controller_type"], controller_number=d["controller_number"],
                controller_location=d["controller_location"])


def _iid(inst):
    return (inst.get("InstanceID") or "").lower()


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def parse_devices(instances, v1=False):
    """Sort one VM's setting objects (any order, any mix of classes) into a VmDevices."""
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import host_from_path

    dev = VmDevices()
    by_iid = {}
    drives, media, epasds, vlans = [], [], [], []
    subs = {v.lower(): k for k, v in SUB[v1].items()}
    for inst in instances:
        by_iid[_iid(inst)] = inst
        cls = inst.class_name
        sub = (inst.get("ResourceSubType") or "")
        kind = subs.get(sub.lower())
        if dev.host is None:
            dev.host = host_from_path(inst.get("Parent"))
        if cls == VLAN:
            vlans.append(inst)
        elif kind == "processor" or cls == "Msvm_ProcessorSettingData":
            dev.processor = inst
        elif kind == "memory" or cls == "Msvm_MemorySettingData":
            dev.memory = inst
        elif kind in ("ide", "scsi"):
            dev.controllers.append({"type": kind, "instance": inst, "number": None})
        elif kind in ("disk_drive", "dvd_drive"):
            drives.append(inst)
        elif kind in ("vhd", "iso"):
            media.append(inst)
        elif kind == "nic" or cls == SEPSD:
            dev.nics.append({"sepsd": inst, "epasd": None, "vlan": None})
        elif kind == "connection" or cls == EPASD:
            epasds.append(inst)
        else:
            dev.others.append(inst)
    # controller numbers: IDE by Address, SCSI in enumeration order (reference 5.8)
    scsi = 0
    for c in dev.controllers:
        if c["type"] == "ide":
            c["number"] = _int(str(c["instance"].get("Address") or "0")[:1], 0)
        else:
            c["number"] = scsi
            scsi += 1
    ctrl_by_iid = {_iid(c["instance"]): c for c in dev.controllers}
    drive_entries = {}
    for drv in drives:
        parent = path_keys(drv.get("Parent")).get("instanceid", "").lower()
        ctrl = ctrl_by_iid.get(parent)
        loc = drv.get("AddressOnParent")
        if loc in (None, "") and v1:
            loc = drv.get("Address")
        entry = {
            "kind": "dvd" if subs.get((drv.get("ResourceSubType") or "").lower()) == "dvd_drive" else "disk",
            "controller_type": ctrl["type"] if ctrl else None,
            "controller_number": ctrl["number"] if ctrl else None,
            "controller_location": _int(loc),
            "drive": drv,
            "media": None,
            "path": None,
        }
        drive_entries[_iid(drv)] = entry
        dev.drives.append(entry)
    for med in media:
        parent = path_keys(med.get("Parent")).get("instanceid", "").lower()
        entry = drive_entries.get(parent)
        path = first(med.get("Connection")) if v1 else first(med.get("HostResource"))
        if entry is None:
            dev.others.append(med)
            continue
        entry["media"] = med
        entry["path"] = path or None
    dev.drives.sort(key=lambda d: (d["controller_type"] or "", d["controller_number"] or 0,
                                   d["controller_location"] or 0))
    # network adapters
    nic_by_iid = {_iid(n["sepsd"]): n for n in dev.nics}
    for ep in epasds:
        parent = path_keys(ep.get("Parent")).get("instanceid", "").lower()
        nic = nic_by_iid.get(parent)
        if nic is None:
            # fall back to the InstanceID convention Microsoft:<VM>\<NIC>\C (reference 5.8)
            base = _iid(ep).rsplit("\\", 1)[0]
            nic = nic_by_iid.get(base)
        if nic is not None:
            nic["epasd"] = ep
    for vl in vlans:
        iid = _iid(vl)
        best = None
        for nic in dev.nics:
            ep = nic["epasd"]
            if ep is None or not iid.startswith(_iid(ep)):
                continue
            if best is None or len(_iid(ep)) > len(_iid(best["epasd"])):
                best = nic
        if best is not None:
            best["vlan"] = vl
    for nic in dev.nics:
        sep = nic["sepsd"]
        ep = nic["epasd"]
        nic["name"] = sep.get("ElementName")
        nic["mac_address"] = format_mac(sep.get("Address"))
        nic["static_mac"] = bool(sep.get("StaticMacAddress"))
        switch_id = None
        if v1:
            conn_path = first(sep.get("Connection"))
            keys = path_keys(conn_path)
            switch_id = keys.get("systemname")
            nic["port_path"] = conn_path
        elif ep is not None and (ep.get("EnabledState") in (None, 2)):
            hr = first(ep.get("HostResource"))
            if hr and (path_class(hr) or "").lower() == "msvm_virtualethernetswitch":
                switch_id = path_keys(hr).get("name")
        nic["switch_id"] = switch_id
        nic["last_switch_name"] = ep.get("LastKnownSwitchName") if ep is not None else None
        vl = nic["vlan"]
        nic["vlan_id"] = _int(vl.get("AccessVlanId")) if vl is not None and _int(vl.get("AccessVlanId")) else None
    # adapters stay in the order the host lists them (their InstanceIDs hold random GUIDs)
    return dev


# ---- embedded instances ------------------------------------------------------------------------

def _emb(cls, **props):
    types = {}
    values = {}
    for name, (value, ctype) in props.items():
        if value is None:
            continue
        values[name] = value
        types[name] = ctype
    return cim.EmbeddedInstance(cls, values, types)


def add_resources(conn, guid, embedded, what):
    """AddResourceSettings (v2) / AddVirtualSystemResources (v1) → list of References."""
    if conn.v1:
        result = conn.vsms("AddVirtualSystemResources",
                           {"TargetSystem": conn.vm_ref(guid), "ResourceSettingData": list(embedded)}, what=what)
        refs = result.get("NewResources")
    else:
        result = conn.vsms("AddResourceSettings",
                           {"AffectedConfiguration": conn.vssd_ref(guid), "ResourceSettings": list(embedded)},
                           what=what)
        refs = result.get("ResultingResourceSettings")
    if refs is None:
        return []
    return refs if isinstance(refs, list) else [refs]


def modify_resources(conn, guid, embedded, what):
    if conn.v1:
        conn.vsms("ModifyVirtualSystemResources",
                  {"ComputerSystem": conn.vm_ref(guid), "ResourceSettingData": list(embedded)}, what=what)
    else:
        conn.vsms("ModifyResourceSettings", {"ResourceSettings": list(embedded)}, what=what)


def remove_resources(conn, guid, instances, what):
    refs = [conn.setting_ref(i.class_name, i.get("InstanceID")) for i in instances]
    if not refs:
        return
    if conn.v1:
        conn.vsms("RemoveVirtualSystemResources",
                  {"TargetSystem": conn.vm_ref(guid), "ResourceSettingData": refs}, what=what)
    else:
        conn.vsms("RemoveResourceSettings", {"ResourceSettings": refs}, what=what)


def _ref_iid(ref):
    return ref.selectors.get("InstanceID") if ref is not None else None


def add_scsi_controller(conn, guid):
    v1 = conn.v1
    props = dict(ResourceType=(6, "uint16"), ResourceSubType=(SUB[v1]["scsi"], "string"))
    if v1:
        props["VirtualSystemIdentifiers"] = (["{%s}" % str(uuidlib.uuid4()).upper()], "string")
    refs = add_resources(conn, guid, [_emb(RASD, **props)], "adding a SCSI controller")
    return _ref_iid(refs[0]) if refs else None


def attach_media(conn, guid, controller_iid, location, kind, path):
    """Add a drive (disk or DVD) on a controller slot and, if ``path``, the medium in it."""
    v1 = conn.v1
    drive_kind = "disk_drive" if kind == "disk" else "dvd_drive"
    parent = conn.object_path(RASD, InstanceID=controller_iid)
    props = dict(ResourceType=(RTYPE[v1][drive_kind], "uint16"), ResourceSubType=(SUB[v1][drive_kind], "string"),
                 Parent=(parent, "string"))
    if v1:
        props["Address"] = (str(location), "string")
    else:
        props["AddressOnParent"] = (str(location), "string")
    what = "adding a %s drive at %s" % ("hard disk" if kind == "disk" else "DVD", location)
    refs = add_resources(conn, guid, [_emb(RASD, **props)], what)
    drive_iid = _ref_iid(refs[0]) if refs else None
    if drive_iid is None:
        raise HypervError("Hyper-V did not return the new drive of %s" % what)
    if path:
        insert_media(conn, guid, drive_iid, kind, path)
    return drive_iid


def insert_media(conn, guid, drive_iid, kind, path):
    v1 = conn.v1
    media_kind = "vhd" if kind == "disk" else "iso"
    parent = conn.object_path(RASD, InstanceID=drive_iid)
    props = dict(ResourceType=(RTYPE[v1][media_kind], "uint16"), ResourceSubType=(SUB[v1][media_kind], "string"),
                 Parent=(parent, "string"))
    if v1:
        props["Connection"] = ([path], "string")
        cls = RASD
    else:
        props["HostResource"] = ([path], "string")
        cls = SASD
    add_resources(conn, guid, [_emb(cls, **props)], "attaching %s" % path)


def change_media(conn, guid, media_inst, path):
    v1 = conn.v1
    if v1:
        emb = _emb(RASD, InstanceID=(media_inst.get("InstanceID"), "string"), Connection=([path], "string"))
    else:
        emb = _emb(SASD, InstanceID=(media_inst.get("InstanceID"), "string"), HostResource=([path], "string"))
    modify_resources(conn, guid, [emb], "changing the medium to %s" % path)


def detach(conn, guid, entry):
    """Remove a drive and its medium: the medium first (reference 9.4 J11)."""
    if entry.get("media") is not None:
        remove_resources(conn, guid, [entry["media"]], "removing %s" % entry.get("path"))
    remove_resources(conn, guid, [entry["drive"]], "removing a drive")


# ---- network adapters -----------------------------------------------------------------------

def add_nic(conn, guid, name, mac, switch, vlan_id):
    """Add a synthetic NIC connected to ``switch`` (a switches.Switch or None)."""
    v1 = conn.v1
    nic_guid = str(uuidlib.uuid4()).upper()
    props = dict(ResourceType=(10, "uint16"), ResourceSubType=(SUB[v1]["nic"], "string"),
                 ElementName=(name or "Network Adapter", "string"),
                 VirtualSystemIdentifiers=(["{%s}" % nic_guid], "string"),
                 StaticMacAddress=(bool(mac), "boolean"))
    if mac:
        props["Address"] = (mac_to_wire(mac), "string")
    if v1 and switch is not None:
        from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import switches

        props["Connection"] = ([switches.create_port_v1(conn, switch, name)], "string")
    refs = add_resources(conn, guid, [_emb(SEPSD, **props)], "adding network adapter %r" % (name or ""))
    sep_iid = _ref_iid(refs[0]) if refs else None
    if v1 or switch is None:
        return sep_iid
    if sep_iid is None:
        raise HypervError("Hyper-V did not return the new network adapter %r" % name)
    connect_nic(conn, guid, sep_iid, switch, None, vlan_id)
    return sep_iid


def connect_nic(conn, guid, sep_iid, switch, epasd, vlan_id, old_vlan=None):
    """v2: connect (or re-connect) a NIC to a switch and set its VLAN."""
    switch_path = conn.object_path("Msvm_VirtualEthernetSwitch", CreationClassName="Msvm_VirtualEthernetSwitch",
                                   Name=switch.id)
    if epasd is None:
        props = dict(ResourceType=(33, "uint16"), ResourceSubType=(SUB[False]["connection"], "string"),
                     Parent=(conn.object_path(SEPSD, InstanceID=sep_iid), "string"),
                     HostResource=([switch_path], "string"), EnabledState=(2, "uint16"))
        refs = add_resources(conn, guid, [_emb(EPASD, **props)], "connecting to switch %r" % switch.name)
        ep_iid = _ref_iid(refs[0]) if refs else None
    else:
        ep_iid = epasd.get("InstanceID")
        emb = _emb(EPASD, InstanceID=(ep_iid, "string"), HostResource=([switch_path], "string"),
                   EnabledState=(2, "uint16"))
        modify_resources(conn, guid, [emb], "connecting to switch %r" % switch.name)
    set_vlan(conn, ep_iid, vlan_id, old_vlan)
    return ep_iid


def disconnect_nic(conn, guid, epasd):
    remove_resources(conn, guid, [epasd], "disconnecting a network adapter")


def set_vlan(conn, ep_iid, vlan_id, old_vlan):
    """Access-mode VLAN feature on a port (v2): add, modify or remove."""
    if vlan_id is None:
        if old_vlan is not None:
            ref = conn.setting_ref(VLAN, old_vlan.get("InstanceID"))
            conn.vsms("RemoveFeatureSettings", {"FeatureSettings": [ref]}, what="removing the VLAN")
        return
    if old_vlan is not None:
        emb = _emb(VLAN, InstanceID=(old_vlan.get("InstanceID"), "string"), OperationMode=(1, "uint32"),
                   AccessVlanId=(vlan_id, "uint16"))
        conn.vsms("ModifyFeatureSettings", {"FeatureSettings": [emb]}, what="setting VLAN %d" % vlan_id)
        return
    if ep_iid is None:
        raise HypervError("cannot set VLAN %d: the adapter is not connected to a switch" % vlan_id)
    emb = _emb(VLAN, OperationMode=(1, "uint32"), AccessVlanId=(vlan_id, "uint16"))
    conn.vsms("AddFeatureSettings", {"AffectedConfiguration": conn.setting_ref(EPASD, ep_iid),
                                     "FeatureSettings": [emb]}, what="setting VLAN %d" % vlan_id)


def modify_nic(conn, guid, sepsd, name=None, mac=None, dynamic=False):
    props = dict(InstanceID=(sepsd.get("InstanceID"), "string"))
    if name is not None:
        props["ElementName"] = (name, "string")
    if mac:
        props["Address"] = (mac_to_wire(mac), "string")
        props["StaticMacAddress"] = (True, "boolean")
    elif dynamic:
        props["StaticMacAddress"] = (False, "boolean")
    modify_resources(conn, guid, [_emb(sepsd.class_name, **props)], "changing network adapter %r"
                     % sepsd.get("ElementName"))


def remove_nic(conn, guid, nic):
    items = [i for i in (nic.get("epasd"), nic["sepsd"]) if i is not None]
    for inst in items:
        remove_resources(conn, guid, [inst], "removing network adapter %r" % nic.get("name"))
