"""Virtual machines: their object graph (reference 5.1-5.12, 5b), logical devices while running,
state changes (6.3) and guest-facing methods (InitiateShutdown, keyboard)."""

from __future__ import annotations

import datetime as dt

from ..personas import NS_V1
from . import boot, video
from . import devices as D
from .defaults import NEVER
from .jobs import start_job
from .kvp import guest_ready
from .registry import computed, event, method
from .states import ACTIVE, CODES, KNOWN, REQUESTS, TRANSITIONS, generation

REALIZED = "Microsoft:Hyper-V:System:Realized"
SNAPSHOT = "Microsoft:Hyper-V:Snapshot:Realized"
DATA_ROOT = "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V"


def vm_cs(host, namespace, guid):
    return host.find(namespace, "Msvm_ComputerSystem", "Msvm_ComputerSystem", guid)


def vm_vssd(host, namespace, guid):
    return host.find(namespace, "Msvm_VirtualSystemSettingData", f"Microsoft:{guid}")


def vm_settings(host, vssd, class_name=None):
    """Device settings of a VSSD (VirtualSystemSettingDataComponent), optionally of one class."""
    return host.linked(vssd, "Msvm_VirtualSystemSettingDataComponent", class_name)


def settings_of_kind(host, vssd, kind):
    return [s for s in vm_settings(host, vssd) if s.values.get("_kind") == kind]


def add_setting(host, namespace, vssd, kind, rest, values=None):
    """One device setting of a VM or checkpoint: InstanceID `Microsoft:<owner>\\<rest>`."""
    k = D.kinds(namespace)[kind]
    owner = vssd.values["InstanceID"].split(":", 1)[1]
    vals = {"InstanceID": f"Microsoft:{owner}\\{rest}", "_kind": kind, "_rest": rest}
    if values:
        vals.update(values)
    cls = k.cls
    if kind == "com" and host.schema.has_class(namespace, "Msvm_SerialPortSettingData"):
        cls = "Msvm_SerialPortSettingData"  # COM ports have their own class from 2016 on (5.8)
    inst = host.add(namespace, cls, vals, D.template(namespace, kind))
    host.link("Msvm_VirtualSystemSettingDataComponent", "GroupComponent", vssd, "PartComponent", inst)
    if kind in boot.DRIVE_KINDS or kind == "nic":
        boot.device_added(host, vssd, inst)  # gen 2: a boot source at the end of BootSourceOrder
    return inst


def create_vm(
    host,
    name,
    generation_no=1,
    cpus=1,
    memory_mb=1024,
    dynamic=False,
    disks=(),
    iso=None,
    nics=(),
    state="off",
    notes="",
    guest=None,
    guid=None,
    scsi=None,
    os_loader=True,
):
    """Build a VM (Off) with its settings, then bring it to `state`.
    nics: [(switch Instance|None, mac, vlan, ipv4[, ipv6])]. os_loader: a gen 2 VM whose guest has an OS
    gets that OS's firmware file boot source (Windows Boot Manager) first in BootSourceOrder."""
    ns = host.persona.vm_namespace
    v1 = generation(ns) == "v1"
    guid = guid or host.new_guid()
    now = host.wall()
    cs = host.add(
        ns,
        "Msvm_ComputerSystem",
        {
            "Name": guid,
            "ElementName": name,
            "InstallDate": now,
            "TimeOfLastConfigurationChange": now,
            "TimeOfLastStateChange": NEVER,
            "_state": "off",
            "_guest": guest or {},
            "_typed": [],
        },
    )
    vssd_vals = {
        "InstanceID": f"Microsoft:{guid}",
        "ElementName": name,
        "CreationTime": now,
        "Description": "Active settings for the virtual machine",
        "Parent": None,
        "BIOSGUID": "{" + host.new_guid() + "}",
        "BIOSSerialNumber": _serial(host),
        "BaseBoardSerialNumber": _serial(host),
        "ChassisSerialNumber": _serial(host),
        "ChassisAssetTag": _serial(host)[:14],
        "_gen": generation_no,
    }
    if v1:
        vssd_vals.update(SystemName=guid, SettingType=3, Notes=notes or "", BootOrder=[1, 2, 3, 0])
    else:
        vssd_vals.update(
            VirtualSystemIdentifier=guid,
            VirtualSystemType=REALIZED,
            VirtualSystemSubType=f"Microsoft:Hyper-V:SubType:{generation_no}",
            Version=host.persona.vm_config_version,
            Notes=[notes] if notes else [""],
            ConfigurationID=guid,
            ConfigurationDataRoot=DATA_ROOT,
            SnapshotDataRoot=DATA_ROOT,
            SwapFileDataRoot=DATA_ROOT,
            SuspendDataRoot=DATA_ROOT,
            LogDataRoot=DATA_ROOT,
            GuestStateDataRoot=DATA_ROOT,
            ConfigurationFile=f"{DATA_ROOT}\\Virtual Machines\\{guid}.vmcx",
            BootOrder=[1, 2, 3, 0] if generation_no == 1 else None,
            BootSourceOrder=[] if generation_no == 2 else None,
            SecureBootEnabled=generation_no == 2,
            BIOSNumLock=False if generation_no == 1 else None,
            SecureBootTemplateId="1734C6E8-3154-4DDA-BA5F-A874CC483422" if generation_no == 2 else None,
        )
    vssd = host.add(ns, "Msvm_VirtualSystemSettingData", vssd_vals)
    host.link("Msvm_SettingsDefineState", "ManagedElement", cs, "SettingData", vssd)
    if v1:
        gsd = host.add(
            ns,
            "Msvm_VirtualSystemGlobalSettingData",
            {
                "InstanceID": f"Microsoft:{guid}\\Global",
                "ElementName": name,
                "SystemName": guid,
                "CreationTime": now,
                "ExternalDataRoot": DATA_ROOT,
                "SnapshotDataRoot": DATA_ROOT,
                "Version": "3.0",
            },
        )
        host.link("Msvm_ElementSettingData", "ManagedElement", cs, "SettingData", gsd)
    build_default_devices(host, ns, vssd, generation_no, cpus, memory_mb, dynamic)
    ctrl_kind = "ide" if generation_no == 1 or v1 else "scsi"
    if scsi is None:
        scsi = generation_no == 2
    ctrls = settings_of_kind(host, vssd, "ide")
    if scsi and not v1:
        ctrls = [add_setting(host, ns, vssd, "scsi", f"{host.new_guid()}\\0", {"ElementName": "SCSI Controller"})]
        ctrl_kind = "scsi"
    slot = 0
    for path in disks:
        c = ctrls[0] if ctrl_kind == "scsi" else ctrls[slot // 2]
        attach_disk(host, ns, vssd, c, slot if ctrl_kind == "scsi" else slot % 2, path, "vhd")
        slot += 1
    if iso is not None or generation_no == 1:
        if ctrl_kind == "scsi":
            c, s = ctrls[0], slot
        else:
            c, s = ctrls[1], 0
        attach_disk(host, ns, vssd, c, s, iso, "iso")
    for nic in nics:  # (switch, mac, vlan, ipv4[, ipv6])
        sw, mac, vlan, ipv4 = nic[:4]
        add_nic(host, ns, vssd, sw, mac, vlan, ipv4, nic[4] if len(nic) > 4 else None)
    for ic in ("shutdown_ic", "heartbeat_ic", "kvp_ic"):
        kind = D.kinds(ns)[ic]
        if kind.cls:
            guid_ic = kind.device_id.split(":", 1)[1].split("\\")[-1]
            add_setting(host, ns, vssd, ic, guid_ic)
    if os_loader and generation_no == 2:
        boot.add_os_loader(host, vssd, (guest or {}).get("os"))
    add_mirror(host, cs, vssd)
    if state != "off":
        set_state(host, cs, state, initial=True)
    return cs


def _serial(host):
    return "-".join(f"{host.rng.randrange(10000):04d}" for _unused in range(7))


def build_default_devices(host, ns, vssd, gen, cpus, memory_mb, dynamic):
    """The device set a VM of the generation has after DefineSystem (5.5 rules, J10)."""
    v1 = generation(ns) == "v1"
    add_setting(host, ns, vssd, "processor", f"{D.PROC}\\0", {"VirtualQuantity": cpus, "ElementName": "Processor"})
    mem = {
        "VirtualQuantity": memory_mb,
        "Reservation": memory_mb,
        "Limit": memory_mb if not dynamic else 1048576,
        "DynamicMemoryEnabled": bool(dynamic),
        "ElementName": "Memory",
    }
    if dynamic:
        mem["Reservation"] = 512
    add_setting(host, ns, vssd, "memory", D.MEM, mem)
    if gen == 1 or v1:
        for i in (0, 1):
            add_setting(
                host, ns, vssd, "ide", f"{D.IDE}\\{i}", {"Address": str(i), "ElementName": f"IDE Controller {i}"}
            )
        add_setting(host, ns, vssd, "floppy_drive", f"{D.FLOPPY}\\0\\0\\D", {"AddressOnParent": "0"})
        add_setting(host, ns, vssd, "s3_display", f"{D.S3}\\0")
        add_setting(host, ns, vssd, "mouse", f"{D.MOUSE}\\Mouse")
    if not v1:
        add_setting(host, ns, vssd, "synth_display", f"{D.SYNTH_DISPLAY}\\0")
    add_setting(host, ns, vssd, "keyboard", f"{D.KEYBOARD}\\Keyboard")
    for i in (0, 1):
        add_setting(host, ns, vssd, "com", f"{D.COM}\\{i}", {"ElementName": f"COM {i + 1}", "Connection": [""]})


def attach_disk(host, ns, vssd, ctrl, slot, path, media_kind):
    """Drive on `ctrl` at `slot` and, if `path`, its media (VHD or ISO)."""
    v1 = generation(ns) == "v1"
    drive_kind = "disk_drive" if media_kind == "vhd" else "dvd_drive"
    rest = f"{ctrl.values['_rest']}\\{slot}\\D"
    drive = add_setting(
        host,
        ns,
        vssd,
        drive_kind,
        rest,
        {"Parent": ctrl.path(), "AddressOnParent": str(slot), "Address": str(slot) if v1 else None},
    )
    if path:
        media_rest = rest[:-1] + "L"
        vals = {"Parent": drive.path()}
        if v1:
            vals["Connection"] = [path]
        else:
            vals["HostResource"] = [path]
        add_setting(host, ns, vssd, media_kind, media_rest, vals)
    return drive


def add_nic(host, ns, vssd, switch, mac, vlan=None, ipv4=None, ipv6=None, nic_guid=None, connect=True):
    v1 = generation(ns) == "v1"
    nic_guid = nic_guid or host.new_guid()
    owner = vssd.values["InstanceID"].split(":", 1)[1]
    vals = {
        "Address": mac,
        "StaticMacAddress": False,
        "VirtualSystemIdentifiers": ["{" + nic_guid + "}"],
        "ElementName": "Network Adapter",
        "_ipv4": ipv4,
        "_ipv6": ipv6,
    }
    if v1:
        vals["Connection"] = [switch_port_path(host, ns, switch)] if switch is not None else None
    nic = add_setting(host, ns, vssd, "nic", nic_guid, vals)
    if v1:
        return nic
    if vssd.values.get("VirtualSystemType") == REALIZED:
        gnac = host.add(
            ns,
            "Msvm_GuestNetworkAdapterConfiguration",
            {
                "InstanceID": f"Microsoft:GuestNetwork\\{owner}\\{nic_guid}",
                "_vm": owner,
                "_nic": nic.values["InstanceID"],
            },
        )
        host.link("Msvm_SettingDataComponent", "GroupComponent", nic, "PartComponent", gnac)
    if not connect:
        return nic
    conn_vals = {
        "Parent": nic.path(),
        "HostResource": [switch.path()] if switch is not None else None,
        "LastKnownSwitchName": switch.values["ElementName"] if switch is not None else None,
        "ElementName": "Dynamic Ethernet Switch Port",
    }
    conn = add_setting(host, ns, vssd, "connection", f"{nic_guid}\\C", conn_vals)
    if switch is not None:
        connect_port(host, ns, switch, conn)
    if vlan:
        add_vlan(host, ns, conn, vlan)
    return nic


def add_vlan(host, ns, conn, vlan_id):
    iid = conn.values["InstanceID"] + "\\" + D.VLAN_FEATURE
    vl = host.add(
        ns,
        "Msvm_EthernetSwitchPortVlanSettingData",
        {"InstanceID": iid, "OperationMode": 1, "AccessVlanId": int(vlan_id), "_kind": "vlan"},
    )
    host.link("Msvm_EthernetPortSettingDataComponent", "GroupComponent", conn, "PartComponent", vl)
    return vl


def connect_port(host, ns, switch, epasd):
    """A switch port (Msvm_EthernetSwitchPort) for a connection, linked as in 5.10."""
    port_guid = host.new_guid()
    port = host.add(
        ns,
        "Msvm_EthernetSwitchPort",
        {
            "DeviceID": f"Microsoft:{port_guid}",
            "SystemName": switch.values["Name"],
            "Name": port_guid,
            "ElementName": epasd.values.get("ElementName") or "Dynamic Ethernet Switch Port",
            "PermanentAddress": None,
        },
    )
    host.link("Msvm_SystemDevice", "GroupComponent", switch, "PartComponent", port)
    host.link("Msvm_ElementSettingData", "ManagedElement", port, "SettingData", epasd, {"IsCurrent": 1})
    return port


def disconnect_port(host, epasd):
    for port in host.linked(epasd, "Msvm_ElementSettingData", "Msvm_EthernetSwitchPort"):
        host.remove(port)


def switch_port_path(host, ns, switch):
    """v1: a Msvm_SwitchPort on the switch (CreateSwitchPort) for a NIC's Connection[0]."""
    port_guid = host.new_guid()
    port = host.add(
        ns,
        "Msvm_SwitchPort",
        {"Name": port_guid, "SystemName": switch.values["Name"], "ElementName": "Dynamic Switch Port"},
    )
    host.link("Msvm_SystemDevice", "GroupComponent", switch, "PartComponent", port)
    return port.path()


# ---- running state: logical devices -----------------------------------------------------------
def start_devices(host, cs):
    ns = cs.namespace
    guid = cs.values["Name"]
    vssd = vm_vssd(host, ns, guid)
    if vssd is None or host.linked(cs, "Msvm_SystemDevice"):
        return
    kinds = D.kinds(ns)
    settings = vm_settings(host, vssd)
    if generation(ns) == "v1":
        for ic in ("shutdown_ic", "heartbeat_ic", "kvp_ic"):
            _device(host, cs, kinds[ic], None, guid, "")
    for s in settings:
        k = kinds.get(s.values.get("_kind"))
        if s.values.get("_kind") == "processor":
            _perf_counters(host, cs, s.values.get("VirtualQuantity") or 1)
        if k is None or k.device is None:
            continue
        _device(host, cs, k, s, guid, s.values.get("_rest", ""))


def _device(host, cs, kind, setting, guid, rest):
    dev_id = kind.device_id.format(rest=rest, vm=guid)
    vals = {"DeviceID": dev_id, "SystemName": guid, "_vm": guid}
    if kind.device == "Msvm_SyntheticEthernetPort" and setting is not None:
        vals["PermanentAddress"] = setting.values.get("Address")
        vals["ElementName"] = setting.values.get("ElementName")
    if host.find(cs.namespace, kind.device, kind.device, dev_id, "Msvm_ComputerSystem", guid) is not None:
        return
    dev = host.add(cs.namespace, kind.device, vals)
    host.link("Msvm_SystemDevice", "GroupComponent", cs, "PartComponent", dev)
    if setting is not None:
        host.link("Msvm_SettingsDefineState", "ManagedElement", dev, "SettingData", setting)
    if kind.device in (video.S3, video.SYNTHETIC) and host.schema.has_class(cs.namespace, video.HEAD):
        video.add_head(host, cs, dev)


def stop_devices(host, cs):
    for dev in host.linked(cs, "Msvm_SystemDevice"):
        host.remove(dev)
    for vp in cs.values.pop("_perf", None) or []:
        inst = host.find("root/cimv2", PERF_VP, vp)
        if inst is not None:
            host.remove(inst)


PERF_VP = "Win32_PerfRawData_HvStats_HyperVHypervisorVirtualProcessor"


def _perf_counters(host, cs, vcpus):
    """libvirt's per-vCPU time (5.14): one `<vm name>:Hv VP <n>` row per virtual processor while active."""
    if not host.schema.has_class("root/cimv2", PERF_VP) or cs.values.get("_perf"):
        return
    names = []
    for n in range(vcpus):
        name, k = f"{cs.values['ElementName']}:Hv VP {n}", 1
        while host.find("root/cimv2", PERF_VP, name) is not None:  # VM names are not unique (M7)
            name, k = f"{cs.values['ElementName']}#{k}:Hv VP {n}", k + 1
        host.add("root/cimv2", PERF_VP, {"Name": name, "_vm": cs.values["Name"], "_vm_ns": cs.namespace})
        names.append(name)
    cs.values["_perf"] = names


def set_state(host, cs, state, initial=False):
    """Put a VM into a state now (no job): devices, uptime and guest readiness follow."""
    old = cs.values.get("_state")
    cs.values["_state"] = state
    cs.values["TimeOfLastStateChange"] = host.wall()
    now = host.now()
    if state in ACTIVE:
        start_devices(host, cs)
    else:
        stop_devices(host, cs)
    if state == "running" and (old != "running" or initial):
        if old not in ("paused", "resuming") or initial:
            cs.values["_on_at"] = now - (host.rng.randrange(60, 864000) if initial else 0)
            cs.values["_pid"] = 1000 + host.rng.randrange(60000)
        cs.values["_guest_at"] = now if initial else now + host.timing.guest_ready_s
    elif state == "paused":
        cs.values["_guest_at"] = None
    elif state in ("off", "saved"):
        cs.values["_on_at"] = None
        cs.values["_guest_at"] = None
        cs.values["_pid"] = None
    vssd = vm_vssd(host, cs.namespace, cs.values["Name"])
    if vssd is not None and "IsSaved" in {p.name for p in vssd.class_def.properties}:
        vssd.values["IsSaved"] = state == "saved"


# ---- a host answering both namespaces (2012, 5b.1): v1 mirrors of the v2 VMs ----------------------
def real_vm(cs):
    """The VM behind an instance: itself, or for a v1 mirror the v2 Msvm_ComputerSystem it shows."""
    guid = cs.values.get("_mirror_of")
    if guid is None:
        return cs
    return vm_cs(cs.host, cs.host.persona.vm_namespace, guid)


def add_mirror(host, cs, vssd):
    if NS_V1 not in host.persona.namespaces or generation(cs.namespace) == "v1":
        return
    guid = cs.values["Name"]
    m = host.add(
        NS_V1, "Msvm_ComputerSystem", {"Name": guid, "_mirror_of": guid, "InstallDate": cs.values.get("InstallDate")}
    )
    msd = host.add(
        NS_V1,
        "Msvm_VirtualSystemSettingData",
        {
            "InstanceID": f"Microsoft:{guid}",
            "SystemName": guid,
            "SettingType": 3,
            "_mirror_of": guid,
            "BIOSGUID": vssd.values.get("BIOSGUID"),
            "BIOSSerialNumber": vssd.values.get("BIOSSerialNumber"),
            "CreationTime": vssd.values.get("CreationTime"),
            "Description": "Active settings for the virtual machine",
        },
    )
    host.link("Msvm_SettingsDefineState", "ManagedElement", m, "SettingData", msd)


def remove_mirror(host, cs):
    if NS_V1 not in host.persona.namespaces or generation(cs.namespace) == "v1":
        return
    guid = cs.values["Name"]
    for inst in (vm_cs(host, NS_V1, guid), vm_vssd(host, NS_V1, guid)):
        if inst is not None:
            host.remove(inst)


@computed("Msvm_VirtualSystemSettingData")
def _vssd_props(vssd, out):
    guid = vssd.values.get("_mirror_of")
    if guid is not None:
        real = vm_vssd(vssd.host, vssd.host.persona.vm_namespace, guid)
        if real is not None:
            out["ElementName"] = real.values.get("ElementName")
            notes = real.values.get("Notes")
            out["Notes"] = "\n".join(notes) if isinstance(notes, list) else notes


@computed("Msvm_ComputerSystem")
def _cs_props(cs, out):
    if cs.values.get("_mirror_of"):
        real = real_vm(cs)
        if real is None:
            return
        _cs_props(real, out)
        out["ElementName"] = real.values.get("ElementName")
        out["EnabledState"] = CODES["v1"][real.values["_state"]]
        return
    v = cs.values
    state = v.get("_state")
    if state is None:  # the host
        return
    gen = generation(cs.namespace)
    out["EnabledState"] = CODES[gen][state]
    pending = v.get("_requested")
    idle = 5 if cs.host.persona.level >= 3 else 12
    out["RequestedState"] = pending if pending is not None else idle
    on_at = v.get("_on_at")
    if "OnTimeInMilliseconds" in out:
        out["OnTimeInMilliseconds"] = int((cs.host.now() - on_at) * 1000) if on_at is not None else 0
    out["ProcessID"] = v.get("_pid") if state in ACTIVE else None
    if "EnhancedSessionModeState" in out:
        out["EnhancedSessionModeState"] = 6 if state == "running" else 3
    if "HwThreadsPerCoreRealized" in out:
        out["HwThreadsPerCoreRealized"] = 2 if state in ACTIVE else None
    if state not in ("off", "running", "saved", "paused"):
        out["OperationalStatus"] = [11]
        out["Status"] = "Service"
        out["StatusDescriptions"] = ["In service"]
    # a running VM showed EnabledDefault 2, a never-started one 3 (captures CS-A/CS-B)
    out["EnabledDefault"] = 3 if state == "off" else 2


def request_state(host, cs, requested, via=None):
    """RequestStateChange on a VM -> (ReturnValue, Job Instance|None). `via`: the v1 mirror the request
    came through on a host that answers both namespaces (its codes and its namespace for the job)."""
    gen = generation((via or cs).namespace)
    action = REQUESTS[gen].get(requested)
    if action is None:
        return (32775 if requested in KNOWN[gen] else 32773), None
    cur = cs.values["_state"]
    if action == "enable" and cur == "running":
        return 32775, None
    step = TRANSITIONS.get((action, cur))
    if step is None:
        return 32775, None
    if action == "shutdown" and not guest_ready(cs):
        return 32775, None
    transitional, final, job_type, caption = step
    set_state(host, cs, transitional)
    cs.values["_requested"] = requested if via is None else None
    d = host.timing.transition_s
    job = start_job(
        host,
        (via or cs).namespace,
        job_type,
        caption,
        duration=d,
        affected=[(via or cs, [0])],
        on_done=(
            "vm_final",
            {"vm": cs.values["Name"], "ns": cs.namespace, "state": final, "from": cur, "on_fail": "vm_revert"},
        ),
    )
    return 4096, job


@event("vm_final")
def _vm_final(host, payload):
    lag = host.timing.state_lag_s
    if lag > 0 and not payload.get("lagged"):
        data = {k: v for k, v in payload.items() if not k.startswith("_")}
        host.schedule(lag - (host.now() - payload["_due"]), "vm_final", lagged=True, **data)
        return
    cs = vm_cs(host, payload["ns"], payload["vm"])
    if cs is None:
        return
    cs.values["_requested"] = None
    set_state(host, cs, payload["state"])


@event("vm_revert")
def _vm_revert(host, payload):
    cs = vm_cs(host, payload["ns"], payload["vm"])
    if cs is not None:
        cs.values["_requested"] = None
        set_state(host, cs, payload["from"])


@method("Msvm_ComputerSystem", "RequestStateChange")
def _rsc(host, ns, cs, params):
    via = None
    if cs.values.get("_mirror_of"):
        via, cs = cs, real_vm(cs)
    if cs is None or cs.values.get("_state") is None:
        return 32775, {}  # the host itself
    rs = params.get("RequestedState")
    if rs is None:
        return 32773, {}
    rv, job = request_state(host, cs, rs, via)
    return rv, {"Job": job.ref() if job is not None else None}


@method("Msvm_ShutdownComponent", "InitiateShutdown")
def _initiate_shutdown(host, ns, comp, params, reboot=False):
    """G16: 0 when running with the guest IC up (no job), 32780 while starting / IC not ready, 32782 while
    a shutdown is already in progress; the guest then goes Stopping (4) -> Off (3) (or restarts for a reboot)."""
    cs = vm_cs(host, ns, comp.values["SystemName"])
    if cs is None:
        return 32775, {}
    state = cs.values["_state"]
    if state == "stopping":
        return 32782, {}
    if state != "running" or not guest_ready(cs):
        return 32780, {}
    set_state(host, cs, "starting" if reboot else "stopping")
    cs.values["_requested"] = 10 if reboot else 3
    host.schedule(
        host.timing.transition_s, "vm_final", vm=cs.values["Name"], ns=ns, state="running" if reboot else "off"
    )
    return 0, {}


@method("Msvm_ShutdownComponent", "InitiateReboot")
def _initiate_reboot(host, ns, comp, params):
    return _initiate_shutdown(host, ns, comp, params, reboot=True)


@method("Msvm_Keyboard", "TypeText", "TypeScancodes", "TypeCtrlAltDel", "TypeKey", "PressKey", "ReleaseKey")
def _keyboard(host, ns, kb, params):
    cs = vm_cs(host, ns, kb.values["SystemName"])
    if cs is None or cs.values["_state"] != "running":
        return 32775, {}
    typed = cs.values.setdefault("_typed", [])
    if "asciiText" in params:
        typed.append(["text", params["asciiText"] or ""])
    elif "Scancodes" in params:
        typed.append(["scancodes", list(params["Scancodes"] or [])])
    elif "keyCode" in params:
        typed.append(["key", params["keyCode"]])
    else:
        typed.append(["ctrlaltdel", None])
    return 0, {}


@computed(PERF_VP)
def _perf_props(row, out):
    cs = vm_cs(row.host, row.values["_vm_ns"], row.values["_vm"])
    ticks = uptime_ms(cs) * 10000 if cs is not None else 0  # 100 ns units
    now = int(row.host.now() * 10_000_000)
    for base in ("PerfTime", "Sys100NS", "Object"):
        out["Frequency_" + base] = 10_000_000
        out["Timestamp_" + base] = now
    out["PercentTotalRunTime"] = ticks // 20
    out["PercentGuestRunTime"] = ticks // 25
    out["PercentHypervisorRunTime"] = ticks // 100


def uptime_ms(cs) -> int:
    on_at = cs.values.get("_on_at")
    return int((cs.host.now() - on_at) * 1000) if on_at is not None else 0


_unused = dt
