"""Value rules a host enforces on settings (reference 5.3, 5.4, 6.7, G11), as tables:
property -> check(value, context) returning an error text or None."""

from __future__ import annotations

import re

MAC = re.compile(r"^[0-9A-Fa-f]{12}$")


def _in(*allowed):
    return lambda v, ctx: None if v in allowed else f"The value {v} is not one of {', '.join(map(str, allowed))}."


def _range(lo, hi):
    return lambda v, ctx: None if v is not None and lo <= v <= hi else f"The value {v} is outside the range {lo}-{hi}."


def _mem_mb(v, ctx):
    if v is None or v < 32:
        return f"The memory quantity {v} MB is below the minimum of 32 MB."
    if v % 2:
        return f"The memory quantity {v} MB is not a multiple of 2 MB."
    if v > ctx["host_memory_mb"]:
        return f"The memory quantity {v} MB exceeds the memory of the host ({ctx['host_memory_mb']} MB)."
    return None


def _vcpus(v, ctx):
    if v is None or v < 1:
        return "A virtual machine needs at least one virtual processor."
    if v > ctx["host_logical"]:
        return (
            f"The virtual machine cannot have {v} virtual processors: the host has "
            f"{ctx['host_logical']} logical processors."
        )
    return None


def _boot_order(v, ctx):
    if ctx.get("generation") == 2:
        return "BootOrder applies to generation 1 virtual machines; use BootSourceOrder."
    if v is None or sorted(v) != sorted(set(v)) or not set(v) <= {0, 1, 2, 3, 4}:
        return f"The boot order {v} is not valid."
    return None


def _boot_source_order(v, ctx):
    """Generation 1 VMs have no boot sources (an empty / null value equals theirs); a generation 2 order
    is checked against the VM's boot sources by vsms.ModifySystemSettings (model/boot.py resolve_order)."""
    if ctx.get("generation") != 2 and v:
        return "BootSourceOrder needs generation 2."
    return None


def _secure_boot(v, ctx):
    if v and ctx.get("generation") != 2:
        return "Secure Boot is only available to generation 2 virtual machines."
    return None


def _name(v, ctx):
    if v is None or len(v) > 100:
        return "The name must be 1 to 100 characters long."
    return None


def _mac(v, ctx):
    return None if v and MAC.match(v) else f"The MAC address {v!r} is not valid."


VSSD_V2 = {
    "ElementName": _name,
    "Notes": lambda v, ctx: None,
    "AutomaticStartupAction": _in(2, 3, 4),
    "AutomaticShutdownAction": _in(2, 3, 4),
    "AutomaticRecoveryAction": _in(2, 3, 4),
    "AutomaticStartupActionDelay": lambda v, ctx: None,
    "AutomaticStartupActionSequenceNumber": lambda v, ctx: None,
    "BootOrder": _boot_order,
    "BootSourceOrder": _boot_source_order,
    "SecureBootEnabled": _secure_boot,
    "SecureBootTemplateId": lambda v, ctx: None,
    "VirtualNumaEnabled": lambda v, ctx: None,
    "BIOSNumLock": lambda v, ctx: None,
    "BIOSSerialNumber": lambda v, ctx: None,
    "BaseBoardSerialNumber": lambda v, ctx: None,
    "ChassisSerialNumber": lambda v, ctx: None,
    "ChassisAssetTag": lambda v, ctx: None,
    "ConfigurationDataRoot": lambda v, ctx: None,
    "SnapshotDataRoot": lambda v, ctx: None,
    "SwapFileDataRoot": lambda v, ctx: None,
    "SuspendDataRoot": lambda v, ctx: None,
    "LogDataRoot": lambda v, ctx: None,
    "UserSnapshotType": _in(2, 3, 4, 5),
    "NetworkBootPreferredProtocol": _in(4096, 4097),
    "PauseAfterBootFailure": lambda v, ctx: None,
    "LowMmioGapSize": lambda v, ctx: None,
    "HighMmioGapSize": lambda v, ctx: None,
    "AutomaticSnapshotsEnabled": lambda v, ctx: None,
    "AllowFullSCSICommandSet": lambda v, ctx: None,
    "DebugPortEnabled": _in(0, 1, 2),
    "IncrementalBackupEnabled": lambda v, ctx: None,
}
# settable only at DefineSystem
VSSD_DEFINE_ONLY = {
    "VirtualSystemSubType": _in("Microsoft:Hyper-V:SubType:1", "Microsoft:Hyper-V:SubType:2"),
    "Version": lambda v, ctx: None,
}

VSGSD_V1 = {
    "ElementName": _name,
    "AutomaticStartupAction": _in(0, 1, 2),
    "AutomaticShutdownAction": _in(0, 1, 2),
    "AutomaticRecoveryAction": _in(0, 1, 2),
    "AutomaticStartupActionDelay": lambda v, ctx: None,
    "ExternalDataRoot": lambda v, ctx: None,
    "SnapshotDataRoot": lambda v, ctx: None,
    "Notes": lambda v, ctx: None,
    "BootOrder": _boot_order,
    "BIOSNumLock": lambda v, ctx: None,
    "BIOSSerialNumber": lambda v, ctx: None,
}

# device kind -> property -> check; a property absent here is read-only
RESOURCE = {
    "processor": {
        "VirtualQuantity": _vcpus,
        "Reservation": _range(0, 100000),
        "Limit": _range(0, 100000),
        "Weight": _range(0, 10000),
        "LimitCPUID": None,
        "LimitProcessorFeatures": None,
        "ExposeVirtualizationExtensions": None,
        "EnableHostResourceProtection": None,
        "HwThreadsPerCore": None,
        "MaxProcessorsPerNumaNode": None,
        "MaxNumaNodesPerSocket": None,
        "HideHypervisorPresent": None,
        "ElementName": None,
    },
    "memory": {
        "VirtualQuantity": _mem_mb,
        "Reservation": _mem_mb,
        "Limit": _mem_mb,
        "DynamicMemoryEnabled": None,
        "TargetMemoryBuffer": _range(5, 2000),
        "Weight": _range(0, 10000),
        "MaxMemoryBlocksPerNumaNode": None,
        "ElementName": None,
    },
    "nic": {
        "Address": _mac,
        "StaticMacAddress": None,
        "ElementName": None,
        "VirtualSystemIdentifiers": None,
        "ClusterMonitored": None,
        "DeviceNamingEnabled": None,
        "AllowPacketDirect": None,
        "Connection": None,
    },
    "connection": {"HostResource": None, "EnabledState": _in(2, 3), "ElementName": None, "LastKnownSwitchName": None},
    "vhd": {"HostResource": None, "IOPSLimit": None, "IOPSReservation": None, "CachingMode": None, "Connection": None},
    "iso": {"HostResource": None, "Connection": None},
    "floppy": {"HostResource": None},
    "disk_drive": {"ElementName": None},
    "dvd_drive": {"ElementName": None},
    "scsi": {"ElementName": None},
    "com": {"Connection": None, "ElementName": None},
    "vlan": {
        "OperationMode": _in(1, 2, 3),
        "AccessVlanId": _range(0, 4094),
        "NativeVlanId": _range(0, 4094),
        "TrunkVlanIdArray": None,
        "PruneVlanIdArray": None,
        "PvlanMode": _in(0, 1, 2, 3),
        "PrimaryVlanId": _range(0, 4094),
        "SecondaryVlanId": _range(0, 4094),
        "SecondaryVlanIdArray": None,
    },
}

# the property that selects the object; every other read-only property may be sent only unchanged (G11)
IDENTITY = frozenset({"InstanceID"})


def check(table, values, current, ctx, identity=frozenset()):
    """Errors for `values` against `table`: read-only properties that differ from `current`, and
    values a check refuses. -> error text or None."""
    for name, v in values.items():
        if name.startswith("_") or (name in identity and v is None):
            continue
        if name in table:
            fn = table[name]
            err = fn(v, ctx) if fn is not None else None
            if err:
                return f"{name}: {err}"
        elif name not in identity and current is not None and _norm(current.get(name)) != _norm(v):
            return f"The property '{name}' is read-only and cannot be changed."
    return None


def _norm(v):
    if isinstance(v, list):
        return [_norm(x) for x in v]
    if isinstance(v, str):
        return v.lower()
    return v
