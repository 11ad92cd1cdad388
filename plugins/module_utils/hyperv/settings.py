# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VM-wide settings: the VSSD (v1: VSSD + VSGSD), processor and memory (reference 5.3, 5.4, 5b.3, 5b.5).

``read_*`` turn instances into plain values; ``modify_*`` send only the changed properties
with the InstanceID (reference 9.4 J9).
"""

from __future__ import annotations

import datetime

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError

PROC_SUFFIX = "b637f346-6a0e-4dec-af52-bd70cb80a21d\\0"
MEM_SUFFIX = "4764334d-e001-4176-82ee-5594ec9b530e"
VSSD = "Msvm_VirtualSystemSettingData"
VSGSD = "Msvm_VirtualSystemGlobalSettingData"

START_ACTIONS = {False: {2: "nothing", 3: "start_if_running", 4: "always_start"},
                 True: {0: "nothing", 1: "start_if_running", 2: "always_start"}}
STOP_ACTIONS = {False: {2: "turn_off", 3: "save", 4: "shutdown"},
                True: {0: "turn_off", 1: "save", 2: "shutdown"}}
BOOT_DEVICES = {0: "floppy", 1: "cd", 2: "ide", 3: "net", 4: "scsi"}
BOOT_CODES = {v: k for k, v in BOOT_DEVICES.items()}
REALIZED = "Microsoft:Hyper-V:System:Realized"
SNAPSHOT = "Microsoft:Hyper-V:Snapshot:Realized"


def code_of(table, name):
    for code, n in table.items():
        if n == name:
            return code
    raise KeyError(name)


def vssd_id(guid):
    return "Microsoft:%s" % guid


def processor_id(guid):
    return "Microsoft:%s\\%s" % (guid, PROC_SUFFIX)


def memory_id(guid):
    return "Microsoft:%s\\%s" % (guid, MEM_SUFFIX)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def seconds(value):
    """An interval (timedelta or DMTF text) -> whole seconds."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    if isinstance(value, (int, float)):
        return int(value)
    try:
        parsed = cim.parse_cim_datetime(str(value))
    except Exception:  # pylint: disable=broad-except
        return None
    if isinstance(parsed, datetime.timedelta):
        return int(parsed.total_seconds())
    return None


def generation_of(vssd, v1):
    if v1 or vssd is None:
        return 1
    sub = vssd.get("VirtualSystemSubType") or ""
    return 2 if sub.endswith(":2") else 1


def notes_of(vssd):
    if vssd is None:
        return None
    notes = vssd.get("Notes")
    if isinstance(notes, (list, tuple)):
        return "\n".join(n for n in notes if n is not None)
    return notes if notes is not None else ""


def read_system(vssd, vsgsd, v1):
    """VSSD-level settings as facts values."""
    glob = vsgsd if v1 else vssd
    gen = generation_of(vssd, v1)
    out = {
        "generation": gen,
        "notes": notes_of(vssd),
        "automatic_start_action": None,
        "automatic_start_delay": None,
        "automatic_stop_action": None,
        "secure_boot": None,
        "boot_order": None,
    }
    if glob is not None:
        out["automatic_start_action"] = START_ACTIONS[v1].get(_int(glob.get("AutomaticStartupAction")))
        out["automatic_start_delay"] = seconds(glob.get("AutomaticStartupActionDelay"))
        out["automatic_stop_action"] = STOP_ACTIONS[v1].get(_int(glob.get("AutomaticShutdownAction")))
    if vssd is not None:
        if gen == 2:
            sb = vssd.get("SecureBootEnabled")
            out["secure_boot"] = None if sb is None else bool(sb)
        else:
            order = vssd.get("BootOrder")
            if order is not None:
                if not isinstance(order, list):
                    order = [order]
                out["boot_order"] = [BOOT_DEVICES.get(_int(c), str(c)) for c in order]
    return out


def read_processor(proc):
    return None if proc is None else _int(proc.get("VirtualQuantity"))


def read_memory(mem):
    """(memory_mb, memory dict) of the facts."""
    if mem is None:
        dyn = {"enabled": None, "minimum_mb": None, "maximum_mb": None, "buffer_percent": None}
        return None, {"startup_mb": None, "dynamic_memory": dyn}
    startup = _int(mem.get("VirtualQuantity"))
    dyn = mem.get("DynamicMemoryEnabled")
    return startup, {
        "startup_mb": startup,
        "dynamic_memory": {
            "enabled": bool(dyn) if dyn is not None else False,
            "minimum_mb": _int(mem.get("Reservation")),
            "maximum_mb": _int(mem.get("Limit")),
            "buffer_percent": _int(mem.get("TargetMemoryBuffer")),
        },
    }


# ---- changes ----------------------------------------------------------------------------------

def modify_system(conn, guid, changes, vssd=None, vsgsd=None):
    """Change VSSD-level settings; ``changes`` keys as in read_system."""
    v1 = conn.v1
    sys_props, sys_types, glob_props, glob_types = {}, {}, {}, {}
    for key, value in changes.items():
        if key == "notes":
            if v1:
                sys_props["Notes"], sys_types["Notes"] = value, "string"
            else:
                sys_props["Notes"], sys_types["Notes"] = [value], "string"
        elif key == "secure_boot":
            sys_props["SecureBootEnabled"], sys_types["SecureBootEnabled"] = bool(value), "boolean"
        elif key == "boot_order":
            sys_props["BootOrder"], sys_types["BootOrder"] = [BOOT_CODES[d] for d in value], "uint16"
        elif key == "boot_source_order":
            # generation 2: the BSSD object paths as the host wrote them, in the new order
            sys_props["BootSourceOrder"], sys_types["BootSourceOrder"] = list(value), "string"
        else:
            target_p, target_t = (glob_props, glob_types) if v1 else (sys_props, sys_types)
            if key == "automatic_start_action":
                target_p["AutomaticStartupAction"] = code_of(START_ACTIONS[v1], value)
                target_t["AutomaticStartupAction"] = "uint16"
            elif key == "automatic_stop_action":
                target_p["AutomaticShutdownAction"] = code_of(STOP_ACTIONS[v1], value)
                target_t["AutomaticShutdownAction"] = "uint16"
            elif key == "automatic_start_delay":
                target_p["AutomaticStartupActionDelay"] = datetime.timedelta(seconds=int(value))
                target_t["AutomaticStartupActionDelay"] = "datetime"
            else:
                raise HypervError("internal error: unknown system setting %r" % key)
    what = "changing the settings of virtual machine %s" % guid
    if sys_props:
        iid = vssd.get("InstanceID") if vssd is not None else vssd_id(guid)
        sys_props["InstanceID"], sys_types["InstanceID"] = iid, "string"
        emb = cim.EmbeddedInstance(VSSD, sys_props, sys_types)
        _modify_system(conn, guid, emb, what)
    if glob_props:
        iid = vsgsd.get("InstanceID") if vsgsd is not None else "Microsoft:%s\\Global" % guid
        glob_props["InstanceID"], glob_types["InstanceID"] = iid, "string"
        _modify_system(conn, guid, cim.EmbeddedInstance(VSGSD, glob_props, glob_types), what)


def _modify_system(conn, guid, emb, what):
    if conn.v1:
        conn.vsms("ModifyVirtualSystem", {"ComputerSystem": conn.vm_ref(guid), "SystemSettingData": emb}, what=what)
    else:
        conn.vsms("ModifySystemSettings", {"SystemSettings": emb}, what=what)


def processor_settings(guid, cpu_count, proc=None):
    iid = proc.get("InstanceID") if proc is not None else processor_id(guid)
    return cim.EmbeddedInstance("Msvm_ProcessorSettingData", {"InstanceID": iid, "VirtualQuantity": cpu_count},
                                {"InstanceID": "string", "VirtualQuantity": "uint64"})


def memory_settings(guid, changes, mem=None):
    """changes: startup_mb, dynamic (bool), minimum_mb, maximum_mb, buffer_percent."""
    iid = mem.get("InstanceID") if mem is not None else memory_id(guid)
    props = {"InstanceID": iid}
    types = {"InstanceID": "string"}
    names = {"startup_mb": ("VirtualQuantity", "uint64"), "enabled": ("DynamicMemoryEnabled", "boolean"),
             "minimum_mb": ("Reservation", "uint64"), "maximum_mb": ("Limit", "uint64"),
             "buffer_percent": ("TargetMemoryBuffer", "uint32")}
    for key, value in changes.items():
        prop, ctype = names[key]
        props[prop] = value
        types[prop] = ctype
    return cim.EmbeddedInstance("Msvm_MemorySettingData", props, types)


def modify_resources(conn, guid, embedded, what):
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import devices

    devices.modify_resources(conn, guid, embedded, what)


# ---- reading --------------------------------------------------------------------------------

def read_vssd(conn, guid):
    """The realized VSSD of a VM (1 Get) — and on v1 the VSGSD too (1 more)."""
    vssd = conn.get(conn.setting_ref(VSSD, vssd_id(guid)))
    vsgsd = None
    if conn.v1:
        vsgsd = conn.get(conn.setting_ref(VSGSD, "Microsoft:%s\\Global" % guid))
    return vssd, vsgsd


def read_components(conn, guid):
    """Every setting object of the VM's configuration: one ASSOCIATORS OF (reference 11.1)."""
    ref = conn.setting_ref(VSSD, vssd_id(guid))
    return conn.query(cim.wql_associators(ref, assoc_class="Msvm_VirtualSystemSettingDataComponent"))
