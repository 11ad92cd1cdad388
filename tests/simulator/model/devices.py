"""Device kinds of a VM: settings class, ResourceType/SubType, InstanceID suffix and the logical
device a running VM shows for it (reference 5.1 identifier table, 5.8, 5.12, 5b.6, 6.6).

One table per object model; every value shared by all devices of a kind lives in the kind's
template (the instance only stores what differs: InstanceID, Parent, HostResource, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ..personas import NS_V1
from ..schema.types import norm_ns
from .defaults import defaults_for

IDE = "83F8638B-8DCA-4152-9EDA-2CA8B33039B4"
PROC = "b637f346-6a0e-4dec-af52-bd70cb80a21d"
MEM = "4764334d-e001-4176-82ee-5594ec9b530e"
KEYBOARD = "DE6CDC86-E1FB-4940-801B-C3C1A26C4DA4"
MOUSE = "655BC5C5-A784-46B7-81BC-E26328F7EB0E"
S3 = "7D80D3DB-61EE-4879-8879-5609F1100AD0"
SYNTH_DISPLAY = "F3CF6965-E8D3-44A9-9B7D-A04245EA7525"
COM = "8E3A359F-559A-4B6A-98A9-1690A6100ED7"
FLOPPY = "8F0D2762-0B00-4E04-AF4F-19010527CB93"
HEARTBEAT = "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"
SHUTDOWN = "9F8233AC-BE49-4C79-8EE3-E7E1985B2077"
KVP = "2A34B1C2-FD73-4043-8A5B-DD2159BC743F"
VLAN_FEATURE = "952C5004-4465-451C-8CB8-FA9AB382B773"  # [inf] VLAN setting InstanceID is a gap (5.16 #9)


@dataclass(frozen=True)
class Kind:
    name: str
    cls: str
    rt: int | None
    sub: str | None
    caption: str
    template: dict = field(default_factory=dict)
    device: str | None = None  # logical device class shown while the VM runs
    device_id: str | None = None  # DeviceID format: {rest} = InstanceID after "Microsoft:<VM>\"


_RASD = {
    "ConsumerVisibility": 3,
    "AutomaticAllocation": True,
    "AutomaticDeallocation": True,
    "MappingBehavior": None,
    "PoolID": "",
    "VirtualQuantity": 1,
    "Reservation": 1,
    "Limit": 1,
    "Weight": 0,
    "AllocationUnits": "count",
    "VirtualQuantityUnits": "count",
    "TargetVtl": 0,
}


def _k(name, cls, rt, sub, caption, device=None, device_id=None, **template):
    t = dict(_RASD) if rt is not None else {}
    t.update(template)
    return Kind(name, cls, rt, sub, caption, t, device, device_id)


P = "Microsoft:Hyper-V:"
V2_KINDS = {
    k.name: k
    for k in (
        _k(
            "processor",
            "Msvm_ProcessorSettingData",
            3,
            P + "Processor",
            "Processor",
            "Msvm_Processor",
            "Microsoft:{rest}",
            AllocationUnits="percent / 1000",
            Reservation=0,
            Limit=100000,
            Weight=100,
            LimitCPUID=False,
            LimitProcessorFeatures=False,
            MaxProcessorsPerNumaNode=32,
            MaxNumaNodesPerSocket=1,
            HwThreadsPerCore=0,
            EnableHostResourceProtection=False,
            ExposeVirtualizationExtensions=False,
            HideHypervisorPresent=False,
            Description="Settings for Microsoft Virtual Processor.",
        ),
        _k(
            "memory",
            "Msvm_MemorySettingData",
            4,
            P + "Memory",
            "Memory",
            "Msvm_Memory",
            "Microsoft:" + MEM.upper() + "\\0",
            AllocationUnits="byte * 2^20",
            VirtualQuantityUnits="byte * 2^20",
            Weight=5000,
            IsVirtualized=True,
            SwapFilesInUse=False,
            MaxMemoryBlocksPerNumaNode=0,
            TargetMemoryBuffer=20,
            HugePagesEnabled=False,
            SgxEnabled=False,
            SgxSize=0,
            Description="Settings for Microsoft Virtual Machine Memory.",
        ),
        _k(
            "ide",
            "Msvm_ResourceAllocationSettingData",
            5,
            P + "Emulated IDE Controller",
            "IDE Controller",
            Description="Settings for the Microsoft Emulated IDE Controller.",
        ),
        _k(
            "scsi",
            "Msvm_ResourceAllocationSettingData",
            6,
            P + "Synthetic SCSI Controller",
            "SCSI Controller",
            Description="Settings for the Microsoft Synthetic SCSI Controller.",
        ),
        _k(
            "disk_drive",
            "Msvm_ResourceAllocationSettingData",
            17,
            P + "Synthetic Disk Drive",
            "Hard Drive",
            "Msvm_DiskDrive",
            "Microsoft:{rest}",
            Description="Settings for the Microsoft Synthetic Disk Drive.",
        ),
        _k(
            "dvd_drive",
            "Msvm_ResourceAllocationSettingData",
            16,
            P + "Synthetic DVD Drive",
            "DVD Drive",
            "Msvm_DVDDrive",
            "Microsoft:{rest}",
            Description="Settings for the Microsoft Synthetic DVD Drive.",
        ),
        _k(
            "floppy_drive",
            "Msvm_ResourceAllocationSettingData",
            14,
            P + "Synthetic Diskette Drive",
            "Diskette Drive",
            Description="Settings for the Microsoft Synthetic Diskette Drive.",
        ),
        _k(
            "vhd",
            "Msvm_StorageAllocationSettingData",
            31,
            P + "Virtual Hard Disk",
            "Hard Disk Image",
            "Msvm_LogicalDisk",
            "Microsoft:{rest}",
            Access=3,
            HostResourceBlockSize=None,
            VirtualResourceBlockSize=512,
            VirtualQuantityUnits="count(fixed size block)",
            IOPSAllocationUnits="count(fixed size block)",
            IOPSLimit=0,
            IOPSReservation=0,
            CachingMode=0,
            PersistentReservationsSupported=False,
            HostExtentStartingAddress=0,
            Description="Settings for the Microsoft Hard Disk Image.",
        ),
        _k(
            "iso",
            "Msvm_StorageAllocationSettingData",
            31,
            P + "Virtual CD/DVD Disk",
            "ISO Disk Image",
            "Msvm_LogicalDisk",
            "Microsoft:{rest}",
            Access=1,
            VirtualQuantityUnits="count(fixed size block)",
            Description="Settings for the Microsoft ISO Disk Image.",
        ),
        _k(
            "floppy",
            "Msvm_StorageAllocationSettingData",
            31,
            P + "Virtual Floppy Disk",
            "Virtual Floppy Disk",
            Description="Settings for the Microsoft Virtual Floppy Disk.",
        ),
        _k(
            "keyboard",
            "Msvm_ResourceAllocationSettingData",
            13,
            P + "Synthetic Keyboard",
            "Keyboard",
            "Msvm_Keyboard",
            "Microsoft:" + KEYBOARD,
            Description="Settings for the Microsoft Synthetic Keyboard.",
        ),
        _k(
            "mouse",
            "Msvm_ResourceAllocationSettingData",
            13,
            P + "Synthetic Mouse",
            "Mouse",
            Description="Settings for the Microsoft Synthetic Mouse.",
        ),
        _k(
            "s3_display",
            "Msvm_ResourceAllocationSettingData",
            24,
            P + "S3 Display Controller",
            "Video",
            "Msvm_S3DisplayController",
            "Microsoft:" + S3,  # [inf] by analogy with the keyboard's observed DeviceID
            Description="Settings for the Microsoft S3 Display Controller.",
        ),
        _k(
            "synth_display",
            "Msvm_ResourceAllocationSettingData",
            24,
            P + "Synthetic Display Controller",
            "Video",
            "Msvm_SyntheticDisplayController",
            "Microsoft:" + SYNTH_DISPLAY,  # [inf] as above
            Description="Settings for the Microsoft Synthetic Display Controller.",
        ),
        _k(
            "com",
            "Msvm_ResourceAllocationSettingData",
            21,
            P + "Serial Port",
            "COM",
            Description="Settings for the COM port.",
        ),
        _k(
            "nic",
            "Msvm_SyntheticEthernetPortSettingData",
            10,
            P + "Synthetic Ethernet Port",
            "Network Adapter",
            "Msvm_SyntheticEthernetPort",
            "Microsoft:{rest}",
            DesiredVLANEndpointMode=None,
            ClusterMonitored=True,
            DeviceNamingEnabled=False,
            AllowPacketDirect=False,
            Description="Settings for the Microsoft Synthetic Ethernet Port.",
        ),
        _k(
            "connection",
            "Msvm_EthernetPortAllocationSettingData",
            33,
            P + "Ethernet Connection",
            "Ethernet Switch Port Settings",
            EnabledState=2,
            Description="Ethernet Switch Port Settings",
            RequiredFeatureHints=None,
        ),
        _k(
            "switch_port",
            "Msvm_EthernetPortAllocationSettingData",
            33,
            P + "Ethernet Connection",
            "Ethernet Switch Port Settings",
            EnabledState=2,
            Description="Ethernet Switch Port Settings",
        ),
        _k("vlan", "Msvm_EthernetSwitchPortVlanSettingData", None, None, "Ethernet Switch Port VLAN Settings"),
        _k(
            "shutdown_ic",
            "Msvm_ShutdownComponentSettingData",
            None,
            None,
            "Shutdown",
            "Msvm_ShutdownComponent",
            "Microsoft:" + SHUTDOWN,
        ),
        _k(
            "heartbeat_ic",
            "Msvm_HeartbeatComponentSettingData",
            None,
            None,
            "Heartbeat",
            "Msvm_HeartbeatComponent",
            "Microsoft:" + HEARTBEAT,
        ),
        _k(
            "kvp_ic",
            "Msvm_KvpExchangeComponentSettingData",
            None,
            None,
            "Key-Value Pair Exchange",
            "Msvm_KvpExchangeComponent",
            "Microsoft:" + KVP,
        ),
    )
}

M = "Microsoft "
V1_KINDS = {
    k.name: k
    for k in (
        _k(
            "processor",
            "Msvm_ProcessorSettingData",
            3,
            M + "Processor",
            "Processor",
            AllocationUnits="Processor Cores",
            Reservation=0,
            Limit=100000,
            Weight=100,
            LimitCPUID=False,
            LimitProcessorFeatures=False,
            IsVirtualized=True,
            SocketCount=1,
            ThreadsEnabled=False,
            Description="Settings for Microsoft Virtual Processor.",
        ),
        _k(
            "memory",
            "Msvm_MemorySettingData",
            4,
            M + "Virtual Machine Memory",
            "Memory",
            AllocationUnits="MB",
            VirtualQuantityUnits="MB",
            Weight=5000,
            IsVirtualized=True,
            TargetMemoryBuffer=20,
            Description="Settings for Microsoft Virtual Machine Memory.",
        ),
        _k("ide", "Msvm_ResourceAllocationSettingData", 5, M + "Emulated IDE Controller", "IDE Controller"),
        _k("scsi", "Msvm_ResourceAllocationSettingData", 6, M + "Synthetic SCSI Controller", "SCSI Controller"),
        _k(
            "disk_drive",
            "Msvm_ResourceAllocationSettingData",
            22,
            M + "Synthetic Disk Drive",
            "Hard Drive",
            AllocationUnits="Hard Drives",
        ),
        _k("dvd_drive", "Msvm_ResourceAllocationSettingData", 16, M + "Synthetic DVD Drive", "DVD Drive"),
        _k("floppy_drive", "Msvm_ResourceAllocationSettingData", 14, M + "Synthetic Diskette Drive", "Diskette Drive"),
        _k(
            "vhd",
            "Msvm_ResourceAllocationSettingData",
            21,
            M + "Virtual Hard Disk",
            "Hard Disk Image",
            AllocationUnits="Disks",
        ),
        _k(
            "iso",
            "Msvm_ResourceAllocationSettingData",
            21,
            M + "Virtual CD/DVD Disk",
            "ISO Disk Image",
            AllocationUnits="Disks",
        ),
        _k(
            "keyboard",
            "Msvm_ResourceAllocationSettingData",
            13,
            M + "Virtual Keyboard",
            "Keyboard",
            "Msvm_Keyboard",
            "Microsoft:{vm}\\" + KEYBOARD,
        ),
        _k("mouse", "Msvm_ResourceAllocationSettingData", 13, M + "Virtual PS2 Mouse", "Mouse"),
        _k("s3_display", "Msvm_ResourceAllocationSettingData", 24, M + "S3 Display Controller", "Video"),
        _k("com", "Msvm_ResourceAllocationSettingData", 17, M + "Serial Port", "COM"),
        _k(
            "nic",
            "Msvm_SyntheticEthernetPortSettingData",
            10,
            M + "Synthetic Ethernet Port",
            "Network Adapter",
            AllocationUnits="Ports",
        ),
        _k("shutdown_ic", None, None, None, "Shutdown", "Msvm_ShutdownComponent", "Microsoft:{vm}\\" + SHUTDOWN),
        _k("heartbeat_ic", None, None, None, "Heartbeat", "Msvm_HeartbeatComponent", "Microsoft:{vm}\\" + HEARTBEAT),
        _k(
            "kvp_ic", None, None, None, "Key-Value Pair Exchange", "Msvm_KvpExchangeComponent", "Microsoft:{vm}\\" + KVP
        ),
    )
}


def kinds(namespace) -> dict:
    return V1_KINDS if norm_ns(namespace) == norm_ns(NS_V1) else V2_KINDS


@cache
def _template(ns_norm, kind_name):
    ns = NS_V1 if ns_norm == norm_ns(NS_V1) else "root/virtualization/v2"
    k = kinds(ns)[kind_name]
    out = dict(defaults_for(ns, k.cls)) if k.cls else {}
    out.update(k.template)
    if k.rt is not None:
        out.update(ResourceType=k.rt, ResourceSubType=k.sub)
    out.setdefault("Caption", k.caption)
    out.setdefault("ElementName", k.caption)
    return out


def template(namespace, kind_name) -> dict:
    """Shared default values of a device kind (one dict for every device of that kind)."""
    return _template(norm_ns(namespace), kind_name)


def kind_of(namespace, class_name, values) -> str | None:
    """The device kind an embedded RASD describes: by ResourceType/ResourceSubType, not CLASSNAME
    (reference 5.8: libvirt labels media as Msvm_ResourceAllocationSettingData)."""
    sub = str(values.get("ResourceSubType") or "")
    rt = values.get("ResourceType")
    for k in kinds(namespace).values():
        if k.sub and sub and k.sub.lower() == sub.lower():
            if k.name in ("connection", "switch_port"):
                return "connection"
            return k.name
    if rt is not None and sub == "":
        for k in kinds(namespace).values():
            if k.rt == rt and k.cls and k.cls.lower() == class_name.lower():
                return k.name
    low = class_name.lower()
    if low == "msvm_ethernetswitchportvlansettingdata":
        return "vlan"
    if low == "msvm_ethernetportallocationsettingdata":
        return "connection"
    return None
