# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual switches: read with type, uplink, notes and connected adapters; create, change, remove.

v2 (reference 5.10): Msvm_VirtualEthernetSwitch + its settings (VESSD, notes) + switch-owned
ports (EPASDs ``Microsoft:<SWITCH>\\<PORT>``) whose HostResource[0] says what the port connects:
an Msvm_ExternalEthernetPort (uplink), the host Msvm_ComputerSystem (management OS port).
private = no port, internal = host port, external = uplink (+ host port when shared).
VM network adapters are the other EPASDs whose HostResource[0] is the switch.
Managed through Msvm_VirtualEthernetSwitchManagementService (DefineSystem, DestroySystem,
ModifySystemSettings, AddResourceSettings, RemoveResourceSettings).

v1 (2008 R2, reference 5b.7): Msvm_VirtualSwitch with CreateSwitch / DeleteSwitch; VM adapters
connect through Msvm_SwitchPort objects named in the adapter's Connection[0]. Only private
switches can be created this way; the switch type and notes of a v1 switch cannot be read.
"""

from __future__ import annotations

import re
import uuid as uuidlib

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError

SWITCH_V2 = "Msvm_VirtualEthernetSwitch"
SWITCH_V1 = "Msvm_VirtualSwitch"
VESSD = "Msvm_VirtualEthernetSwitchSettingData"
EPASD = "Msvm_EthernetPortAllocationSettingData"
SEPSD = "Msvm_SyntheticEthernetPortSettingData"
EXTERNAL_PORT = "Msvm_ExternalEthernetPort"
CS = "Msvm_ComputerSystem"
SERVICE_V2 = "Msvm_VirtualEthernetSwitchManagementService"
SERVICE_V1 = "Msvm_VirtualSwitchManagementService"
SWITCH_TYPES = ("external", "internal", "private")
NOT_ON_V1 = "not supported on Hyper-V 2008 R2"

_PATH_KEY = re.compile(r'(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*"(?P<value>(?:[^"\\]|\\.)*)"')
_GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


class SwitchError(HypervError):
    """A switch request that cannot be carried out."""


# ---- pure helpers ----------------------------------------------------------------------------
def parse_path(path):
    """(class name, keys) of a WMI object path ``\\\\HOST\\ns:Class.Key="v",...`` (keys undoubled)."""
    if not path:
        return None, {}
    text = str(path)
    if text.startswith("\\\\"):
        colon = text.find(":")
        text = text[colon + 1:] if colon >= 0 else text
    elif ":" in text.split(".", 1)[0]:
        text = text.split(":", 1)[1]
    class_name, _sep, rest = text.partition(".")
    keys = {m.group("key"): re.sub(r"\\(.)", r"\1", m.group("value")) for m in _PATH_KEY.finditer(rest)}
    return class_name or None, keys


def _key(keys, name):
    for k, v in keys.items():
        if k.lower() == name.lower():
            return v
    return None


def _first(values):
    if isinstance(values, (list, tuple)):
        return values[0] if values else None
    return values


def owner_guid(instance_id):
    """The GUID after ``Microsoft:`` in a setting InstanceID (``Microsoft:<GUID>\\...``), upper-case."""
    if not instance_id or not instance_id.lower().startswith("microsoft:"):
        return None
    head = instance_id[len("microsoft:"):].split("\\", 1)[0]
    return head.upper() if _GUID.match(head) else None


def notes_text(value):
    """VESSD Notes (string[] on v2) as one string; None and [] and [""] are all ''."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value if v is not None)
    return str(value)


def classify_ports(ports):
    """switch_type, uplink device id, management-OS port from the switch-owned port list."""
    uplinks = [p for p in ports if p["kind"] == "uplink"]
    host = any(p["kind"] == "host" for p in ports)
    if uplinks:
        return "external", uplinks[0]["device_id"], host
    if host:
        return "internal", None, True
    return "private", None, False


def wanted_ports(switch_type, adapter_device_id, allow_management_os):
    """The set of switch-owned ports a switch of this kind has: {("uplink", device id), ("host", None)}."""
    if switch_type == "private":
        return set()
    if switch_type == "internal":
        return {("host", None)}
    ports = {("uplink", adapter_device_id.lower())}
    if allow_management_os:
        ports.add(("host", None))
    return ports


def current_ports(switch):
    return {(p["kind"], (p["device_id"] or "").lower() or None) for p in switch["_ports"]
            if p["kind"] in ("uplink", "host")}


def public(switch):
    """The switch as returned to the user (no internal fields)."""
    return {k: v for k, v in switch.items() if not k.startswith("_")}


def validate(params):
    """Refuse contradictory options before any request (params of hyperv_switch)."""
    state = params.get("state", "present")
    name = params.get("name")
    if not name or not name.strip():
        raise SwitchError("name must be a non-empty switch name")
    if len(name) > 100:
        raise SwitchError("switch name %r is %d characters long; Hyper-V allows at most 100" % (name, len(name)))
    if state != "present":
        return
    st = params.get("switch_type")
    if st == "external" and not params.get("net_adapter_name"):
        raise SwitchError("switch_type=external needs net_adapter_name, the host network adapter to bind the switch to")
    if params.get("net_adapter_name") and st != "external":
        raise SwitchError("net_adapter_name only applies to switch_type=external (switch_type is %s)" % (st or "not set"))
    if params.get("allow_management_os") is not None and st != "external":
        raise SwitchError("allow_management_os only applies to switch_type=external (an internal switch always "
                          "has a host port, a private switch never)")


# ---- reading ---------------------------------------------------------------------------------
def _vm_names(conn):
    names = {}
    host = None
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    for cs in conn.query(cim.wql_select(CS)):
        guid = (cs.get("Name") or "")
        if _GUID.match(guid):
            names[guid.upper()] = cs.get("ElementName")
        else:
            host = guid
    conn.remember_host(host)
    return names


def read(conn, name=None, vm_names=None):
    """Switches of the host (all, or those named ``name``, case-insensitive) as dicts.

    ``vm_names`` ({VM GUID: name}) saves the VM list request when the caller already has it.
    """
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    if vm_names is None and not conn.client.namespace_confirmed:
        # the switch classes differ between v2 and v1: settle the namespace with a class both
        # have (the VM list, needed anyway to name the connected VMs)
        vm_names = _vm_names(conn)
    cls = SWITCH_V1 if conn.v1 else SWITCH_V2
    where = cim.wql_eq("ElementName", name) if name is not None else None
    found = conn.query(cim.wql_select(cls, where))
    if conn.v1:
        return _read_v1(conn, found, vm_names)
    return _read_v2(conn, found, vm_names)


def _base(sw):
    return {
        "name": sw.get("ElementName"),
        "uuid": (sw.get("Name") or "").upper(),
        "switch_type": None,
        "net_adapter_name": None,
        "allow_management_os": None,
        "notes": None,
        "connected_adapters": 0,
        "connected_vms": [],
        "_ports": [],
        "_vessd_id": None,
    }


def _read_v2(conn, found, vm_names=None):
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    if not found:
        return []
    switches = {(_base(sw))["uuid"]: _base(sw) for sw in found}
    if len(switches) == 1:
        guid = next(iter(switches))
        settings = conn.query(cim.wql_select(VESSD, cim.wql_eq("InstanceID", "Microsoft:%s" % guid)))
    else:
        settings = conn.query(cim.wql_select(VESSD))
    for sd in settings:
        sw = switches.get(owner_guid(sd.get("InstanceID")) or "")
        if sw is not None:
            sw["notes"] = notes_text(sd.get("Notes"))
            sw["_vessd_id"] = sd.get("InstanceID")
    vm_ports = {}
    for ep in conn.query(cim.wql_select(EPASD)):
        iid = ep.get("InstanceID") or ""
        owner = owner_guid(iid)
        target_class, keys = parse_path(_first(ep.get("HostResource")))
        if owner in switches:
            if target_class and target_class.lower() == EXTERNAL_PORT.lower():
                kind = "uplink"
            elif target_class and target_class.lower() == CS.lower():
                kind = "host"
                conn.remember_host(_key(keys, "Name"))
            else:
                kind = "other"
            switches[owner]["_ports"].append({"id": iid, "kind": kind, "device_id": _key(keys, "DeviceID")})
        elif owner and target_class and target_class.lower() == SWITCH_V2.lower():
            target = (_key(keys, "Name") or "").upper()
            if target in switches and ep.get("EnabledState") != 3:
                vm_ports.setdefault(target, []).append(owner)
    uplink_ids = set()
    for sw in switches.values():
        sw["switch_type"], device_id, host_port = classify_ports(sw["_ports"])
        if device_id:
            uplink_ids.add(device_id.lower())
        sw["allow_management_os"] = host_port
    if uplink_ids:
        adapters = {(a.get("DeviceID") or "").lower(): a for a in conn.query(cim.wql_select(EXTERNAL_PORT))}
        for sw in switches.values():
            for p in sw["_ports"]:
                if p["kind"] == "uplink":
                    adapter = adapters.get((p["device_id"] or "").lower())
                    sw["net_adapter_name"] = adapter.get("ElementName") if adapter is not None else p["device_id"]
    _fill_connected(conn, switches, vm_ports, vm_names)
    return sorted(switches.values(), key=lambda s: ((s["name"] or "").lower(), s["uuid"]))


def _fill_connected(conn, switches, vm_ports, names=None):
    if not vm_ports:
        return
    if names is None:
        names = _vm_names(conn)
    for guid, owners in vm_ports.items():
        # only adapters of existing VMs (checkpoint copies carry other owner GUIDs)
        live = [o for o in owners if o in names]
        switches[guid]["connected_adapters"] = len(live)
        switches[guid]["connected_vms"] = sorted({names[o] for o in live if names[o]})


def _read_v1(conn, found, vm_names=None):
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    if not found:
        return []
    switches = {(_base(sw))["uuid"]: _base(sw) for sw in found}
    vm_ports = {}
    for sd in conn.query(cim.wql_select(SEPSD)):
        owner = owner_guid(sd.get("InstanceID"))
        target_class, keys = parse_path(_first(sd.get("Connection")))
        if owner and target_class and target_class.lower() == "msvm_switchport":
            target = (_key(keys, "SystemName") or "").upper()
            if target in switches:
                vm_ports.setdefault(target, []).append(owner)
    _fill_connected(conn, switches, vm_ports, vm_names)
    return sorted(switches.values(), key=lambda s: ((s["name"] or "").lower(), s["uuid"]))


def read_one(conn, name):
    found = read(conn, name)
    if len(found) > 1:
        raise SwitchError("%d virtual switches are named %r (%s); rename or remove the duplicates first"
                          % (len(found), name, ", ".join(s["uuid"] for s in found)))
    return found[0] if found else None


def find_adapter(conn, adapter_name, switch=None):
    """The host network adapter (Msvm_ExternalEthernetPort) named ``adapter_name`` (ElementName or Name)."""
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    adapters = conn.query(cim.wql_select(EXTERNAL_PORT))
    wanted = adapter_name.lower()
    match = [a for a in adapters if (a.get("ElementName") or "").lower() == wanted
             or (a.get("Name") or "").lower() == wanted]
    if not match:
        names = sorted({a.get("ElementName") or a.get("Name") for a in adapters if a.get("ElementName") or a.get("Name")})
        raise SwitchError("host network adapter %r not found; the host has: %s"
                          % (adapter_name, ", ".join(repr(n) for n in names) or "no external network adapter"))
    adapter = match[0]
    conn.remember_host(adapter.get("SystemName"))
    bound_here = switch is not None and any(
        p["kind"] == "uplink" and (p["device_id"] or "").lower() == (adapter.get("DeviceID") or "").lower()
        for p in switch["_ports"])
    if adapter.get("IsBound") and not bound_here:
        raise SwitchError("host network adapter %r is already bound to another virtual switch; remove that "
                          "switch or choose another adapter" % (adapter.get("ElementName") or adapter_name,))
    return adapter


# ---- changing (v2) ---------------------------------------------------------------------------
def _port_settings(conn, switch_name, kind, adapter):
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    if kind == "uplink":
        path = conn.object_path(EXTERNAL_PORT, CreationClassName=EXTERNAL_PORT, DeviceID=adapter.get("DeviceID"),
                                SystemCreationClassName=CS, SystemName=adapter.get("SystemName") or conn.host_name)
        element = "%s_External" % switch_name
    else:
        path = conn.object_path(CS, CreationClassName=CS, Name=conn.host_name)
        element = "%s_Internal" % switch_name
    return cim.EmbeddedInstance(EPASD, {"ElementName": element, "HostResource": [path]},
                                {"ElementName": "string", "HostResource": "string"})


def create(conn, name, switch_type, notes=None, adapter=None, allow_management_os=True, timeout=None):
    """Create a switch; returns its GUID."""
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    what = "creating virtual switch %r" % name
    if conn.v1:
        if switch_type != "private":
            raise SwitchError("creating an %s virtual switch is %s (only private switches can be created there)"
                              % (switch_type, NOT_ON_V1))
        if notes:
            raise SwitchError("switch notes are %s" % NOT_ON_V1)
        guid = str(uuidlib.uuid4()).upper()
        result = conn.run_method(conn.service_ref(SERVICE_V1), "CreateSwitch", {
            "Name": guid, "FriendlyName": name, "NumLearnableAddresses": 1024, "ScopeOfResidence": "",
        }, timeout=timeout, what=what)
        ref = result.get("CreatedVirtualSwitch")
        return (ref.selectors.get("Name") if ref is not None else None) or guid
    props = {"ElementName": name}
    types = {"ElementName": "string"}
    if notes:
        props["Notes"] = [notes]
        types["Notes"] = "string"
    ports = []
    for kind, _device in sorted(wanted_ports(switch_type, adapter.get("DeviceID") if adapter is not None else None,
                                             allow_management_os), key=lambda p: p[0], reverse=True):
        ports.append(_port_settings(conn, name, kind, adapter))
    params = {"SystemSettings": cim.EmbeddedInstance(VESSD, props, types)}
    if ports:
        params["ResourceSettings"] = ports
    result = conn.run_method(conn.service_ref(SERVICE_V2), "DefineSystem", params, timeout=timeout, what=what)
    ref = result.get("ResultingSystem")
    guid = ref.selectors.get("Name") if ref is not None else None
    if not guid:
        made = read_one(conn, name)
        if made is None:
            raise SwitchError("virtual switch %r was created but cannot be found by name" % name)
        guid = made["uuid"]
    return guid


def set_notes(conn, switch, notes, timeout=None):
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    if conn.v1:
        raise SwitchError("switch notes are %s" % NOT_ON_V1)
    settings = cim.EmbeddedInstance(VESSD, {"InstanceID": switch["_vessd_id"] or "Microsoft:%s" % switch["uuid"],
                                            "Notes": [notes]}, {"InstanceID": "string", "Notes": "string"})
    conn.run_method(conn.service_ref(SERVICE_V2), "ModifySystemSettings", {"SystemSettings": settings},
                    timeout=timeout, what="changing the notes of virtual switch %r" % switch["name"])


def reconfigure_ports(conn, switch, switch_type, adapter=None, allow_management_os=True, timeout=None):
    """Remove the switch-owned ports that are not wanted, then add the missing ones."""
    if conn.v1:
        raise SwitchError("changing the type of a virtual switch is %s" % NOT_ON_V1)
    wanted = wanted_ports(switch_type, adapter.get("DeviceID") if adapter is not None else None, allow_management_os)
    remove = [p for p in switch["_ports"]
              if (p["kind"], (p["device_id"] or "").lower() or None) not in wanted]
    have = current_ports(switch) - {(p["kind"], (p["device_id"] or "").lower() or None) for p in remove}
    add = sorted(wanted - have, key=lambda p: p[0], reverse=True)
    svc = conn.service_ref(SERVICE_V2)
    what = "reconfiguring virtual switch %r as %s" % (switch["name"], switch_type)
    if remove:
        conn.run_method(svc, "RemoveResourceSettings",
                        {"ResourceSettings": [conn.setting_ref(EPASD, p["id"]) for p in remove]},
                        timeout=timeout, what=what)
    if add:
        conn.run_method(svc, "AddResourceSettings", {
            "AffectedConfiguration": conn.setting_ref(VESSD, switch["_vessd_id"] or "Microsoft:%s" % switch["uuid"]),
            "ResourceSettings": [_port_settings(conn, switch["name"], kind, adapter) for kind, _d in add],
        }, timeout=timeout, what=what)
    return bool(remove or add)


def destroy(conn, switch, timeout=None):
    what = "removing virtual switch %r" % switch["name"]
    if conn.v1:
        ref = conn.ref(SWITCH_V1, CreationClassName=SWITCH_V1, Name=switch["uuid"])
        conn.run_method(conn.service_ref(SERVICE_V1), "DeleteSwitch", {"VirtualSwitch": ref},
                        timeout=timeout, what=what)
    else:
        ref = conn.ref(SWITCH_V2, CreationClassName=SWITCH_V2, Name=switch["uuid"])
        conn.run_method(conn.service_ref(SERVICE_V2), "DestroySystem", {"AffectedSystem": ref},
                        timeout=timeout, what=what)
