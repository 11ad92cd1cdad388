# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VM facts: one shape for hyperv_vm, hyperv_vm_info and the inventory plugin.

Contract: docs/developers/vm-facts.md. ``gather_vms`` reads any number of VMs in a constant
number of requests: one enumeration per class, joined client-side on the VM GUID
(reference 11.1, 9.3 I5), never a request per VM.
"""

from __future__ import annotations

import datetime
import fnmatch
import re

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import WSManFault
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import devices as devmod
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import kvp, settings, switches, vms
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import CS

INCLUDE_ALL = ("config", "devices", "guest", "checkpoints")

FACT_KEYS = (
    "name", "uuid", "state", "state_code", "generation", "cpu_count", "memory_mb", "memory", "uptime_seconds",
    "notes", "disks", "dvd", "network_adapters", "ip_addresses", "guest", "checkpoints",
    "automatic_start_action", "automatic_start_delay", "automatic_stop_action", "secure_boot", "host",
)


def empty_facts():
    memory = settings.read_memory(None)[1]
    return {
        "name": None, "uuid": None, "state": None, "state_code": None, "generation": None, "cpu_count": None,
        "memory_mb": None, "memory": memory, "uptime_seconds": None, "notes": None, "disks": [], "dvd": [],
        "network_adapters": [], "ip_addresses": [], "guest": {"fqdn": None, "os_name": None, "os_version": None},
        "checkpoints": [], "automatic_start_action": None, "automatic_start_delay": None,
        "automatic_stop_action": None, "secure_boot": None, "host": None,
    }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def vm_facts(cs, v1, vssd=None, vsgsd=None, dev=None, switch_name=None, host=None, ips=None, guest=None,
             checkpoints=None):
    """Facts of one VM from what was read; parts not read stay None / []."""
    out = empty_facts()
    code = _int(cs.get("EnabledState"))
    table = vms.STATES_V1 if v1 else vms.STATES_V2
    uptime = _int(cs.get("OnTimeInMilliseconds"))
    out.update(
        name=cs.get("ElementName"),
        uuid=(cs.get("Name") or "").upper() or None,
        state=table.get(code, "other") if code is not None else "unknown",
        state_code=code,
        uptime_seconds=uptime // 1000 if uptime is not None else None,
        host=host,
    )
    if vssd is not None or vsgsd is not None:
        system = settings.read_system(vssd, vsgsd, v1)
        for key in ("generation", "notes", "automatic_start_action", "automatic_start_delay",
                    "automatic_stop_action", "secure_boot"):
            out[key] = system[key]
    if dev is not None:
        out["cpu_count"] = settings.read_processor(dev.processor)
        out["memory_mb"], out["memory"] = settings.read_memory(dev.memory)
        out["disks"] = dev.disk_facts()
        out["dvd"] = dev.dvd_facts()
        nics = []
        for nic in dev.nics:
            name = None
            if nic["switch_id"]:
                name = switch_name(nic["switch_id"]) if switch_name else None
                if name is None:
                    name = nic.get("last_switch_name")
            nics.append({
                "name": nic["name"],
                "switch": name,
                "mac_address": nic["mac_address"],
                "static_mac": nic["static_mac"],
                "vlan_id": nic["vlan_id"],
            })
        out["network_adapters"] = nics
        if out["host"] is None:
            out["host"] = dev.host
    if ips is not None:
        out["ip_addresses"] = ips
    if guest is not None:
        out["guest"] = guest
    if checkpoints is not None:
        out["checkpoints"] = checkpoints
    return out


# ---- gathering many VMs -------------------------------------------------------------------------

GLOB_CHARS = re.compile(r"[*?\[]")


def split_names(names):
    """VM name filters -> (names, name_globs) for gather_vms. If any entry has a glob character, every entry is
    a glob (a plain name is a glob matching only itself), so the entries stay one OR; else all are exact names
    (pushed into the WQL). (None, None) without names."""
    if not names:
        return None, None
    names = list(names)
    if any(GLOB_CHARS.search(n) for n in names):
        return None, names
    return names, None


def glob_to_like(glob):
    """A shell glob as a WQL LIKE pattern, or None when it cannot be expressed ([...] sets)."""
    if "[" in glob:
        return None
    out = []
    for ch in glob:
        if ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        else:
            out.append(cim.like_escape(ch))
    return "".join(out)


def _vm_guid_of_iid(instance_id):
    """Microsoft:<GUID>\\... or Microsoft:<GUID> -> GUID upper-case, else None."""
    text = instance_id or ""
    if not text.lower().startswith("microsoft:"):
        return None
    rest = text[len("microsoft:"):]
    guid = rest.split("\\", 1)[0]
    return guid.upper() if vms.is_guid(guid) else None


def _state_codes(conn, states):
    table = vms.STATES_V1 if conn.v1 else vms.STATES_V2
    wanted = {s.lower() for s in states}
    return sorted(code for code, name in table.items() if name in wanted)


# ---- projections (reference 3.3, 3.4.6) ----------------------------------------------------------
# Each enumeration asks only for the properties the facts read: an Msvm_ComputerSystem item shrinks
# from ~2.4 KB to ~0.3 KB, so fewer Pulls (a host cuts batches at ~76 KB, reference 9.2) and less parsing.
# Items then come back as w:XmlFragment; the driver types them by the class of the FROM clause.
# Every name listed must exist in the class of that namespace (WMI refuses an unknown property).

CS_PROPS = ("Name", "ElementName", "EnabledState", "OnTimeInMilliseconds")
VSSD_PROPS_V2 = (
    "InstanceID", "ElementName", "VirtualSystemType", "VirtualSystemIdentifier", "VirtualSystemSubType", "Notes",
    "AutomaticStartupAction", "AutomaticStartupActionDelay", "AutomaticShutdownAction", "SecureBootEnabled",
    "BootOrder", "CreationTime", "Parent",
)
VSSD_PROPS_V1 = ("InstanceID", "ElementName", "SettingType", "SystemName", "Notes", "BootOrder", "CreationTime",
                 "Parent")
VSGSD_PROPS_V1 = ("InstanceID", "SystemName", "AutomaticStartupAction", "AutomaticStartupActionDelay",
                  "AutomaticShutdownAction")
PROC_PROPS = ("InstanceID", "ResourceType", "ResourceSubType", "Parent", "VirtualQuantity")
MEM_PROPS = PROC_PROPS + ("Reservation", "Limit", "DynamicMemoryEnabled", "TargetMemoryBuffer")
KVP_PROPS = ("SystemName", "GuestIntrinsicExchangeItems")
# device classes (disks, DVD, NICs) are read whole: parse_devices reads many properties of each


RASD_BASE = "CIM_ResourceAllocationSettingData"


def _run(conn, wql, only=None):
    """conn.query(wql); with ``only`` and a real WSManClient, properties not in ``only`` are skipped while
    parsing (the host still sends them: a client-side projection)."""
    client = getattr(conn, "client", None)
    if only and isinstance(client, wsman.WSManClient):
        return client.query(wql, only=only)
    return conn.query(wql)


def _query(conn, class_name, where=None, props=None, project=True):
    """One enumeration of ``class_name``, projected on ``props`` when ``project`` is true.

    A host that refuses a projection (a property missing from an older host's class, e.g.
    SecureBootEnabled before 2012 R2) is asked once more for every property, of which only ``props``
    are parsed: one extra request, same facts."""
    if not props or not project:
        return conn.query(cim.wql_select(class_name, where))
    if class_name == CS:
        # the first request (it settles the namespace); these four properties exist on every host
        return conn.query(cim.wql_select(class_name, where, properties=props))
    try:
        return conn.query(cim.wql_select(class_name, where, properties=props))
    except WSManFault:
        return _run(conn, cim.wql_select(class_name, where), only=props)


def _iso(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def gather_vms(conn, names=None, uuids=None, states=None, name_globs=None, include=INCLUDE_ALL, project=True):
    """Facts of every VM matching all given filters (each filter: any of its values).

    ``project``: True (default) asks each class only for the properties the facts read
    (``SELECT a, b FROM …``; the device classes, read by parse_devices, stay ``SELECT *``); False asks
    for and parses every property. The facts are the same in both cases; only the bytes, the number of
    Pulls and the parsing time differ."""
    include = tuple(include or ())
    conds = []
    if names:
        conds.append(cim.wql_or(*[cim.wql_eq("ElementName", n) for n in names]))
    if uuids:
        conds.append(cim.wql_or(*[cim.wql_eq("Name", u) for u in uuids]))
    if states:
        # the namespace (v1 or v2 codes) is not known before the first request: ask for both code sets,
        # they do not collide (reference 6.1); the client-side check below settles it
        wanted = {st.lower() for st in states}
        codes = sorted({c for table in (vms.STATES_V2, vms.STATES_V1) for c, n in table.items() if n in wanted})
        if codes:
            conds.append(cim.wql_or(*[cim.wql_eq("EnabledState", c) for c in codes]))
    client_globs = []
    if name_globs:
        likes = [glob_to_like(g) for g in name_globs]
        if all(like is not None for like in likes):
            conds.append(cim.wql_or(*["ElementName LIKE %s" % cim.wql_literal(like) for like in likes]))
        client_globs = list(name_globs)
    css = _query(conn, CS, cim.wql_and(*conds) if conds else None, CS_PROPS, project)
    # namespace is known from here on (the first request settles it)
    v1 = conn.v1
    host = None
    selected = []
    for cs in css:
        if not vms.is_guid(cs.get("Name")):
            host = cs.get("Name")
            continue
        if client_globs and not any(fnmatch.fnmatch((cs.get("ElementName") or "").lower(), g.lower())
                                    for g in client_globs):
            continue
        selected.append(cs)
    if states:
        codes = set(_state_codes(conn, states))
        selected = [cs for cs in selected if _int(cs.get("EnabledState")) in codes]
    if not selected:
        return []
    guids = {cs.get("Name").upper() for cs in selected}

    vssds, vsgsds, comps, snaps = {}, {}, {}, {}
    switch_names = {}
    if "config" in include or "checkpoints" in include:
        if v1:
            where = cim.wql_or(cim.wql_eq("SettingType", 3), cim.wql_eq("SettingType", 5))
        else:
            where = cim.wql_or(cim.wql_eq("VirtualSystemType", settings.REALIZED),
                               cim.wql_eq("VirtualSystemType", settings.SNAPSHOT))
        for vssd in _query(conn, settings.VSSD, where, VSSD_PROPS_V1 if v1 else VSSD_PROPS_V2, project):
            is_snap = (_int(vssd.get("SettingType")) == 5) if v1 else vssd.get("VirtualSystemType") == settings.SNAPSHOT
            if is_snap:
                owner = (vssd.get("SystemName") if v1 else vssd.get("VirtualSystemIdentifier")) or ""
                if owner.upper() in guids:
                    snaps.setdefault(owner.upper(), []).append(vssd)
            else:
                guid = _vm_guid_of_iid(vssd.get("InstanceID"))
                if guid in guids:
                    vssds[guid] = vssd
        if v1 and "config" in include:
            for g in _query(conn, settings.VSGSD, None, VSGSD_PROPS_V1, project):
                guid = _vm_guid_of_iid(g.get("InstanceID")) or (g.get("SystemName") or "").upper()
                if guid in guids:
                    vsgsds[guid] = g
    want_devices = "devices" in include
    if "config" in include or want_devices:
        classes = ["Msvm_ProcessorSettingData", "Msvm_MemorySettingData"]
        if want_devices:
            classes.append(devmod.RASD)
            if not v1:
                classes += [devmod.SASD, devmod.EPASD, devmod.VLAN]
            classes.append(devmod.SEPSD)
        projections = {"Msvm_ProcessorSettingData": PROC_PROPS, "Msvm_MemorySettingData": MEM_PROPS}
        rts = (5, 6, 16, 22, 21) if v1 else (5, 6, 16, 17)
        if want_devices:
            # one enumeration of the CIM base class returns every resource-allocation subclass
            # (processor, memory, drives, images, NICs, connections: WMI polymorphism, reference 2.3
            # PolymorphismMode / 9.2), joined client-side; the VLAN settings are not RASDs
            wanted = {c.lower() for c in classes if c != devmod.VLAN}
            queries = [(conn.query(cim.wql_select(RASD_BASE)), wanted)]
            if devmod.VLAN in classes:
                queries.append((_query(conn, devmod.VLAN, None, None, project), None))
        else:  # processor and memory only: two small queries beat every device of every VM
            queries = [(_query(conn, cls, None, projections.get(cls), project), None) for cls in classes]
        for insts, only_classes in queries:
            for inst in insts:
                cls = (inst.class_name or "").lower()
                if only_classes is not None and cls not in only_classes:
                    continue
                if cls == devmod.RASD.lower() and _int(inst.get("ResourceType")) not in rts:
                    continue
                guid = _vm_guid_of_iid(inst.get("InstanceID"))
                if guid in guids:
                    comps.setdefault(guid, []).append(inst)
        if want_devices:
            switch_names = {(s.id or "").lower(): s.name for s in switches.all_switches(conn)}
    ips_by, guest_by = {}, {}
    if "guest" in include:
        running = {cs.get("Name").upper() for cs in selected
                   if (vms.STATES_V1 if v1 else vms.STATES_V2).get(_int(cs.get("EnabledState"))) == "running"}
        if running:
            # the KVP intrinsic items carry NetworkAddressIPv4/IPv6 of every adapter: no separate
            # Msvm_GuestNetworkAdapterConfiguration enumeration (reference 11.2, "inventory with IPs")
            comps_of_running = [
                comp for comp in _query(conn, kvp.KVP_CLASS, None, KVP_PROPS, project)
                if (comp.get("SystemName") or "").upper() in running
            ]
            item_lists = [comp.get("GuestIntrinsicExchangeItems") for comp in comps_of_running]
            for comp, items in zip(comps_of_running, kvp.parse_items_many(item_lists, kvp.GUEST_ITEM_NAMES),
                                   strict=True):
                guid = comp.get("SystemName").upper()
                guest_by[guid] = kvp.guest_from_items(items)
                ips_by[guid] = kvp.ips_from_items(items)
    if host is None:
        for insts in comps.values():
            dev_host = devmod.parse_devices(insts, v1=v1).host
            if dev_host:
                host = dev_host
                break
    if host is None:
        host = conn.host_name
    result = []
    for cs in sorted(selected, key=lambda c: ((c.get("ElementName") or "").lower(), c.get("Name"))):
        guid = cs.get("Name").upper()
        dev = devmod.parse_devices(comps.get(guid, []), v1=v1) if ("config" in include or want_devices) else None
        cps = None
        if "checkpoints" in include:
            cps = checkpoint_facts(snaps.get(guid, []))
        facts = vm_facts(
            cs, v1,
            vssd=vssds.get(guid) if "config" in include else None,
            vsgsd=vsgsds.get(guid) if "config" in include else None,
            dev=dev,
            switch_name=lambda sid: switch_names.get((sid or "").lower()),
            host=host,
            ips=kvp.order_ips(ips_by.get(guid, [])) if "guest" in include else None,
            guest=guest_by.get(guid) if "guest" in include else None,
            checkpoints=cps,
        )
        if not want_devices:
            facts["disks"], facts["dvd"], facts["network_adapters"] = [], [], []
        result.append(facts)
    return result


def checkpoint_facts(snapshots):
    out = []
    for s in snapshots:
        parent = s.get("Parent")
        parent_id = devmod.path_keys(parent).get("instanceid") if parent else None
        out.append({
            "name": s.get("ElementName"),
            "id": s.get("InstanceID"),
            "created": _iso(s.get("CreationTime")),
            "parent_id": parent_id,
        })
    out.sort(key=lambda c: (c["created"] or "", c["name"] or ""))
    return out
