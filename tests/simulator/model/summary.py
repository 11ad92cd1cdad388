"""GetSummaryInformation (reference 5.6, 6.8, 11.1): codes -> Msvm_SummaryInformation properties."""

from __future__ import annotations

from .instance import Instance
from .kvp import guest_ready
from .registry import method
from .states import CODES, generation
from .vms import REALIZED, real_vm, vm_cs, vm_settings, vm_vssd

# code -> (property, getter(host, cs, vssd, ns)); 0-99: VMs and checkpoints, 100-199: VMs only
CODES_TABLE = {
    0: ("Name", lambda h, cs, s, ns: s.values.get("VirtualSystemIdentifier") or s.values.get("SystemName")),
    1: ("ElementName", lambda h, cs, s, ns: s.values.get("ElementName")),
    2: ("CreationTime", lambda h, cs, s, ns: s.values.get("CreationTime")),
    3: (
        "Notes",
        lambda h, cs, s, ns: (
            "\n".join(s.values.get("Notes") or []) if isinstance(s.values.get("Notes"), list) else s.values.get("Notes")
        ),
    ),
    4: (
        "NumberOfProcessors",
        lambda h, cs, s, ns: next(
            (x.values.get("VirtualQuantity") for x in vm_settings(h, s) if x.values.get("_kind") == "processor"), None
        ),
    ),
    9: (
        "VirtualSwitchNames",
        lambda h, cs, s, ns: [
            x.values.get("LastKnownSwitchName")
            for x in vm_settings(h, s)
            if x.values.get("_kind") == "connection" and x.values.get("HostResource")
        ],
    ),
    10: ("Version", lambda h, cs, s, ns: s.values.get("Version")),
    11: ("Shielded", lambda h, cs, s, ns: False),
    100: ("EnabledState", lambda h, cs, s, ns: CODES[generation(ns)][cs.values["_state"]]),
    101: ("ProcessorLoad", lambda h, cs, s, ns: 3 if cs.values["_state"] == "running" else 0),
    102: ("ProcessorLoadHistory", lambda h, cs, s, ns: [3] * 100 if cs.values["_state"] == "running" else [0] * 100),
    103: (
        "MemoryUsage",
        lambda h, cs, s, ns: (
            next((x.values.get("VirtualQuantity") for x in vm_settings(h, s) if x.values.get("_kind") == "memory"), 0)
            if cs.values["_state"] in ("running", "paused")
            else 0
        ),
    ),
    104: (
        "Heartbeat",
        lambda h, cs, s, ns: 2 if guest_ready(cs) else (12 if cs.values["_state"] == "running" else None),
    ),
    105: ("UpTime", lambda h, cs, s, ns: cs.properties.get("OnTimeInMilliseconds") or 0),
    106: (
        "GuestOperatingSystem",
        lambda h, cs, s, ns: (cs.values.get("_guest") or {}).get("os") if guest_ready(cs) else None,
    ),
    107: ("Snapshots", lambda h, cs, s, ns: list(h.linked(cs, "Msvm_SnapshotOfVirtualSystem"))),
    108: ("AsynchronousTasks", lambda h, cs, s, ns: []),
    109: ("HealthState", lambda h, cs, s, ns: 5),
    110: ("OperationalStatus", lambda h, cs, s, ns: cs.properties.get("OperationalStatus")),
    111: ("StatusDescriptions", lambda h, cs, s, ns: cs.properties.get("StatusDescriptions")),
    112: ("MemoryAvailable", lambda h, cs, s, ns: 40 if guest_ready(cs) else None),
    113: ("AvailableMemoryBuffer", lambda h, cs, s, ns: 20 if guest_ready(cs) else None),
    114: ("ReplicationMode", lambda h, cs, s, ns: 0),
    115: ("ReplicationState", lambda h, cs, s, ns: 0),
    116: ("ReplicationHealth", lambda h, cs, s, ns: 0),
    117: ("ApplicationHealth", lambda h, cs, s, ns: 2 if guest_ready(cs) else None),
    120: ("SwapFilesInUse", lambda h, cs, s, ns: False),
    121: ("IntegrationServicesVersionState", lambda h, cs, s, ns: 1 if guest_ready(cs) else 0),
    123: ("MemorySpansPhysicalNumaNodes", lambda h, cs, s, ns: False),
    132: ("OtherEnabledState", lambda h, cs, s, ns: None),
}


def summary(host, ns, vssd, codes):
    cd = host.schema.get_class(ns, "Msvm_SummaryInformation")
    cs = None
    if vssd is not None:
        guid = vssd.values.get("VirtualSystemIdentifier") or vssd.values.get("SystemName")
        cs = vm_cs(host, ns, guid)
        if cs is not None and cs.values.get("_mirror_of"):  # v1 view of a v2 VM (2012)
            cs = real_vm(cs)
            vssd = vm_vssd(host, cs.namespace, guid)
    vals = {"Name": ""}
    if cs is None:
        return Instance(host, ns, cd, vals)
    is_vm = vssd.values.get("VirtualSystemType", REALIZED) == REALIZED and vssd.values.get("SettingType", 3) == 3
    vals["Name"] = cs.values["Name"]
    vals["InstanceID"] = vssd.values["InstanceID"]
    if cd.prop("VirtualSystemSubType"):
        vals["VirtualSystemSubType"] = vssd.values.get("VirtualSystemSubType")
    vals["HostComputerSystemName"] = host.computer_name
    for code in codes:
        entry = CODES_TABLE.get(code)
        if entry is None or (code >= 100 and not is_vm) or cd.prop(entry[0]) is None:
            continue
        v = entry[1](host, cs, vssd, ns)
        if entry[0] == "Notes" and cd.prop("Notes").is_array is False and isinstance(v, list):
            v = "\n".join(v)
        vals[entry[0]] = v
    return Instance(host, ns, cd, vals)


@method("Msvm_VirtualSystemManagementService", "GetSummaryInformation")
def _get_summary(host, ns, svc, params):
    codes = params.get("RequestedInformation") or []
    refs = params.get("SettingData")
    if refs:
        targets = [host.resolve(r) for r in refs]
    else:
        targets = [
            s
            for s in host.all_of(ns, "Msvm_VirtualSystemSettingData")
            if s.values.get("VirtualSystemType", REALIZED) == REALIZED and s.values.get("SettingType", 3) == 3
        ]
    return 0, {"SummaryInformation": [summary(host, ns, t, codes) for t in targets]}
