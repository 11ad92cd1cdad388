"""build_host: a realistic, seeded host (reference 10.4 M1, M7; issue "Populate")."""

from __future__ import annotations

import gc

from ..personas import NS_CIMV2, NS_V1
from .host import Host
from .switches import DEFAULT_SWITCH_GUID, create_switch
from .vms import create_vm

NAME_STEMS = (
    "web",
    "db",
    "app",
    "dc",
    "build",
    "test",
    "k8s-node",
    "sql",
    "file",
    "mail",
    "proxy",
    "cache",
    "ci-runner",
    "jump",
    "monitor",
    "backup",
)
AWKWARD = ('it\'s "quoted"', "back\\slash\\vm", "100% cpu", "ünïcødé-名前", "a & b <c>", "  padded  ", "semi;colon")
GUEST_OS = (
    ("Windows Server 2022 Datacenter", "10.0.20348"),
    ("Windows Server 2019 Standard", "10.0.17763"),
    ("Ubuntu 24.04 LTS", "6.8.0"),
    ("Red Hat Enterprise Linux 9.4", "5.14.0"),
    ("Windows 11 Enterprise", "10.0.22631"),
)
SEED_FILES = (
    ("C:\\ISO\\WindowsServer2022.iso", "iso", 5_368_709_120),
    ("C:\\ISO\\ubuntu-24.04-live-server-amd64.iso", "iso", 2_754_981_888),
    ("C:\\ISO\\virtio-win.iso", "iso", 612_368_384),
    ("C:\\Hyper-V\\Virtual Hard Disks\\base-2022.vhdx", "vhdx", 136_365_211_648),
    ("C:\\Hyper-V\\Virtual Hard Disks\\base-ubuntu.vhdx", "vhdx", 34_359_738_368),
)
VHD_DIR = "C:\\Hyper-V\\Virtual Hard Disks"


def add_file(host, path, kind="vhdx", size=0, vhd_type=3, parent=None, version=None, disk_id=None):
    fmt = {"vhd": 2, "vhdx": 3, "vhds": 4}.get(kind)
    host.files[path.lower()] = {
        "path": path,
        "kind": kind,
        "size": size,
        "format": fmt,
        "type": vhd_type,
        "parent": parent,
        "disk_id": host.new_guid() if disk_id is None else disk_id,
        "version": version,
    }


def build_host(
    persona="2022",
    vms=3,
    switches=1,
    computer_name="HV-SIM01",
    seed=0,
    awkward_names=False,
    clock=None,
    checkpoints=True,
    guest_os_for_new_vms=True,
) -> Host:
    # the object graph is full of reference cycles (links); the cyclic collector would rescan it
    # again and again while it grows, so it is paused during the build (10,000 VMs: ~3x faster)
    enabled = gc.isenabled()
    gc.disable()
    try:
        host = _build(persona, vms, switches, computer_name, seed, awkward_names, clock, checkpoints)
        host.guest_os_for_new_vms = guest_os_for_new_vms
        return host
    finally:
        if enabled:
            gc.enable()


def _build(persona, vms, switches, computer_name, seed, awkward_names, clock, checkpoints) -> Host:
    host = Host(persona, computer_name, seed, clock)
    p = host.persona
    host.info = {
        "sockets": 2,
        "cores": 16,
        "logical": 64,
        "memory_mb": 262144,
        "cpu": "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
        "mhz": 2000,
    }
    for path, kind, size in SEED_FILES:
        add_file(host, path, kind if p.level > 0 or kind != "vhdx" else "vhd", size)
    # the Virtual Machine Management Service binary: virt-who reads the Hyper-V version from its file version
    # (reference 5.14, CIM_DataFile); the revision after the build number is a plausible one [inf]. Not a
    # disk, so no disk GUID: drawing one would move the seeded random sequence of everything built after it.
    add_file(host, "C:\\Windows\\System32\\vmms.exe", "exe", 5_242_880, version=p.os_version + ".1", disk_id="")
    ns = p.vm_namespace
    _host_objects(host, ns)
    add_definitions(host, ns)
    if NS_V1 in p.namespaces and ns != NS_V1:  # 2012 answers both namespaces (5b.1)
        _host_objects(host, NS_V1)
    _cimv2(host)
    sws = []
    if switches >= 1:
        sws.append(create_switch(host, ns, "Default Switch", "internal", guid=DEFAULT_SWITCH_GUID))
    nics_ext = [_external_port(host, ns, i) for i in range(max(1, switches - 1))]
    for i in range(1, switches):
        kind = "external" if i == 1 else ("private" if i % 2 == 0 else "internal")
        sws.append(
            create_switch(
                host,
                ns,
                f"vSwitch-{i}" if i > 1 else "External",
                kind,
                ext_port=nics_ext[0] if kind == "external" else None,
            )
        )
    rng = host.rng
    names = []
    for i in range(vms):
        if awkward_names and i < len(AWKWARD):
            name = AWKWARD[i]
        elif names and i % 37 == 5:
            name = names[rng.randrange(len(names))]  # names are not unique (M7)
        else:
            name = f"{NAME_STEMS[i % len(NAME_STEMS)]}-{i // len(NAME_STEMS) + 1:02d}"
        names.append(name)
        roll = rng.random()
        state = "running" if roll < 0.45 else "off" if roll < 0.85 else "saved" if roll < 0.93 else "paused"
        gen = 1 if p.is_v1 or p.level < 2 or rng.random() < 0.4 else 2
        cpus = rng.choice((1, 1, 2, 2, 4, 8))
        mem = rng.choice((512, 1024, 2048, 2048, 4096, 8192))
        dynamic = not p.is_v1 and rng.random() < 0.3
        disk = f"{VHD_DIR}\\{_safe(name)}-{i:05d}.{'vhd' if p.is_v1 else 'vhdx'}"
        add_file(host, disk, "vhd" if p.is_v1 else "vhdx", 4_294_967_296 + rng.randrange(1 << 34))
        disks = [disk]
        if rng.random() < 0.1:
            extra = disk.rsplit(".", 1)[0] + "-data." + disk.rsplit(".", 1)[1]
            add_file(host, extra, "vhd" if p.is_v1 else "vhdx", 10_737_418_240)
            disks.append(extra)
        iso = SEED_FILES[rng.randrange(3)][0] if rng.random() < 0.2 else None
        nics = []
        for n in range(2 if rng.random() < 0.1 else 1):
            sw = sws[(i + n) % len(sws)] if sws and i % 17 != 16 else None  # a few adapters are not connected
            vlan = (100 + i % 20) if sw is not None and sw.values.get("_kind") == "external" and i % 3 == 0 else None
            mac = _mac(host)
            ipv6 = None
            if i % 3 == 1:  # link-local address derived from the MAC (EUI-64)
                b = bytes.fromhex(mac)
                groups = (((b[0] ^ 2) << 8) | b[1], (b[2] << 8) | 0xFF, 0xFE00 | b[3], (b[4] << 8) | b[5])
                ipv6 = "fe80::" + ":".join(f"{g:x}" for g in groups)
            nics.append((sw, mac, vlan, f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{(i & 255) or 1}", ipv6))
        os_name, os_ver = GUEST_OS[i % len(GUEST_OS)]
        guest = {"fqdn": f"{_safe(name).lower()}.corp.example", "os": os_name, "os_version": os_ver}
        cs = create_vm(
            host,
            name,
            gen,
            cpus,
            mem,
            dynamic,
            disks,
            iso,
            nics,
            "off",
            notes="" if i % 4 else f"Managed by team {i % 7}",
            guest=guest,
        )
        if checkpoints and not p.is_v1 and rng.random() < 0.1:
            from .snapshots import create_snapshot

            for _unused in range(1 + rng.randrange(3)):
                create_snapshot(host, cs)
        if state != "off":
            from .vms import set_state

            set_state(host, cs, state, initial=True)
    return host


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_") or "vm"


def _mac(host):
    return "00155D" + "".join(f"{host.rng.randrange(256):02X}" for _unused in range(3))


def _host_objects(host, ns):
    name = host.computer_name
    cs = host.add(
        ns,
        "Msvm_ComputerSystem",
        {
            "Name": name,
            "ElementName": name,
            "Caption": "Hosting Computer System",
            "Description": "Microsoft Hosting Computer System",
            "EnabledState": 2,
            "RequestedState": 12,
            "EnabledDefault": 2,
            "NumberOfNumaNodes": 1,
            "StatusDescriptions": ["OK"],
            "ResetCapability": 1,
            # the host instance carries no VM-only values (capture CS-A step 2, r4sd
            # recorded_computersystem_pull_host.xml: these are nil)
            **dict.fromkeys(
                (
                    "InstallDate",
                    "PrimaryOwnerName",
                    "LastSuccessfulBackupTime",
                    "TimeOfLastStateChange",
                    "TimeOfLastConfigurationChange",
                    "OnTimeInMilliseconds",
                    "FailedOverReplicationType",
                    "LastReplicationType",
                    "LastReplicationTime",
                    "LastApplicationConsistentReplicationTime",
                    "ReplicationHealth",
                    "ReplicationMode",
                    "ReplicationState",
                    "EnhancedSessionModeState",
                )
            ),
        },
    )
    if ns.endswith("v2"):
        services = (
            "Msvm_VirtualSystemManagementService",
            "Msvm_VirtualSystemSnapshotService",
            "Msvm_VirtualEthernetSwitchManagementService",
            "Msvm_ImageManagementService",
        )
    else:
        services = (
            "Msvm_VirtualSystemManagementService",
            "Msvm_VirtualSwitchManagementService",
            "Msvm_ImageManagementService",
        )
    for svc in services:
        from .defaults import defaults_for

        inst = host.add(
            ns,
            svc,
            {
                "CreationClassName": svc,
                "Name": defaults_for(ns, svc)["Name"],
                "SystemName": name,
                "InstallDate": host.epoch,
                "TimeOfLastStateChange": host.epoch,
            },
        )
        host.link("Msvm_HostedService", "Antecedent", cs, "Dependent", inst)
        if svc == "Msvm_VirtualSystemManagementService" and ns.endswith("v2"):
            sd = host.add(ns, "Msvm_VirtualSystemManagementServiceSettingData", {"InstanceID": f"Microsoft:{name}"})
            host.link("Msvm_ElementSettingData", "ManagedElement", inst, "SettingData", sd, {"IsCurrent": 1})
    return cs


def _external_port(host, ns, i):
    guid = host.new_guid()
    cs = host.find(ns, "Msvm_ComputerSystem", "Msvm_ComputerSystem", host.computer_name)
    port = host.add(
        ns,
        "Msvm_ExternalEthernetPort",
        {
            "DeviceID": "Microsoft:{" + guid + "}",
            "SystemName": host.computer_name,
            "Name": f"Intel(R) Ethernet Controller X710 for 10GbE SFP+{'' if i == 0 else f' #{i + 1}'}",
            "ElementName": f"Intel(R) Ethernet Controller X710 for 10GbE SFP+{'' if i == 0 else f' #{i + 1}'}",
            "PermanentAddress": "3CFDFE" + "".join(f"{host.rng.randrange(256):02X}" for _unused in range(3)),
            "IsBound": False,
            "Speed": 10_000_000_000,
            "MaxSpeed": 10_000_000_000,
            "RequestedSpeed": 10_000_000_000,
        },
    )
    host.link("Msvm_SystemDevice", "GroupComponent", cs, "PartComponent", port)
    return port


def _cimv2(host):
    p, info, ns = host.persona, host.info, NS_CIMV2
    name = host.computer_name
    wcs = host.add(
        ns,
        "Win32_ComputerSystem",
        {
            "Name": name,
            "Caption": name,
            "DNSHostName": name.lower(),
            "TotalPhysicalMemory": info["memory_mb"] << 20,
            "NumberOfProcessors": info["sockets"],
            "NumberOfLogicalProcessors": info["logical"],
            "UserName": None,
        },
    )
    host.add(
        ns,
        "Win32_ComputerSystemProduct",
        {
            "IdentifyingNumber": "SIM" + f"{host.rng.randrange(10**9):09d}",
            "Name": "Simulated Server",
            "Version": "1.0",
            "UUID": host.new_guid(),
            "SKUNumber": "SIM-1",
        },
    )
    major, minor = (int(x) for x in p.service_pack.split("."))
    host.add(
        ns,
        "Win32_OperatingSystem",
        {
            "Name": f"{p.os_caption}|C:\\Windows|\\Device\\Harddisk0\\Partition2",
            "Caption": p.os_caption,
            "Version": p.os_version,
            "BuildNumber": p.build_number,
            "CSName": name,
            "TotalVisibleMemorySize": info["memory_mb"] * 1024,
            "FreePhysicalMemory": info["memory_mb"] * 1024 * 3 // 5,
            "TotalVirtualMemorySize": info["memory_mb"] * 1024 + 4194304,
            "FreeVirtualMemory": info["memory_mb"] * 700,
            "LastBootUpTime": host.epoch,
            "NumberOfProcessors": info["sockets"],
            "ServicePackMajorVersion": major,
            "ServicePackMinorVersion": minor,
            "CSDVersion": "Service Pack 1" if major else None,
            "SerialNumber": "00454-60000-00001-AA123",
        },
    )
    for s in range(info["sockets"]):
        cpu = host.add(
            ns,
            "Win32_Processor",
            {
                "DeviceID": f"CPU{s}",
                "Name": info["cpu"],
                "Caption": "Intel64 Family 6 Model 106 Stepping 6",
                "MaxClockSpeed": info["mhz"],
                "CurrentClockSpeed": info["mhz"],
                "NumberOfCores": info["cores"],
                "NumberOfEnabledCore": info["cores"],
                "ThreadCount": info["logical"] // info["sockets"],
                "NumberOfLogicalProcessors": info["logical"] // info["sockets"],
                "SocketDesignation": f"CPU{s}",
                "SystemName": name,
                "L2CacheSize": 40960,
                "L3CacheSize": 49152,
                "ProcessorId": "BFEBFBFF000606A6",
            },
        )
        host.link("Win32_ComputerSystemProcessor", "GroupComponent", wcs, "PartComponent", cpu)


# definition rows (reference 5.8 "How default templates are found", 5b.6): one Default / Minimum /
# Maximum / Increment RASD per resource subtype, InstanceID `Microsoft:Definition\<POOL-GUID>\<Role>`
TEMPLATE_KINDS = (
    "processor",
    "memory",
    "ide",
    "scsi",
    "disk_drive",
    "dvd_drive",
    "vhd",
    "iso",
    "nic",
    "connection",
    "physical_disk",
)
ROLES = ("Default", "Minimum", "Maximum", "Increment")


def _limits(host, kind):
    info = host.info
    return {
        "processor": {"Default": 1, "Minimum": 1, "Maximum": min(info["logical"], 240), "Increment": 1},
        "memory": {"Default": 1024, "Minimum": 32, "Maximum": info["memory_mb"], "Increment": 2},
    }.get(kind, {"Default": 1, "Minimum": 1, "Maximum": 1, "Increment": 1})


def add_definitions(host, ns):
    import uuid

    from . import devices as D

    kinds = D.kinds(ns)
    for name in TEMPLATE_KINDS:
        kind = kinds.get(name if name != "physical_disk" else "disk_drive")
        if kind is None or kind.cls is None:
            continue
        sub = kind.sub if name != "physical_disk" else kind.sub.replace("Synthetic Disk Drive", "Physical Disk Drive")
        pool = str(uuid.uuid5(uuid.NAMESPACE_URL, f"hyperv-sim-pool:{sub}")).upper()
        caps = None
        if host.schema.has_class(ns, "Msvm_ResourcePool"):
            pool_inst = host.add(
                ns,
                "Msvm_ResourcePool",
                {
                    "InstanceID": f"Microsoft:{pool}",
                    "PoolID": "",
                    "Primordial": True,
                    "ResourceType": kind.rt,
                    "ResourceSubType": sub,
                    "ElementName": kind.caption,
                    "Caption": "Resource Pool",
                    "AllocationUnits": kind.template.get("AllocationUnits"),
                    "HealthState": 5,
                    "OperationalStatus": [2],
                },
            )
            caps = host.add(
                ns,
                "Msvm_AllocationCapabilities",
                {
                    "InstanceID": f"Microsoft:{pool}",
                    "ResourceType": kind.rt,
                    "ResourceSubType": sub,
                    "ElementName": kind.caption,
                    "Caption": "Allocation Capabilities",
                    "RequestTypesSupported": 3,
                    "SharingMode": 3,
                    "SupportedAddStates": [2, 3],
                    "SupportedRemoveStates": [2, 3],
                },
            )
            host.link(
                "Msvm_ElementCapabilities", "ManagedElement", pool_inst, "Capabilities", caps, {"Characteristics": [2]}
            )
        for role, qty in _limits(host, name).items():
            what = sub.split(":")[-1]
            vals = {
                "InstanceID": f"Microsoft:Definition\\{pool}\\{role}",
                "VirtualQuantity": qty,
                "ResourceSubType": sub,
                "_kind": name,
                "_definition": role,
                "ElementName": None,
                "Caption": f"{what} {role.lower()} settings",
                "Description": f"Describes the {role.lower()} settings for the {what} resources.",
                "ConsumerVisibility": 2,
                "Reservation": 0,
            }
            if name == "processor":
                vals.update(
                    Limit=100000,
                    Reservation=0 if role != "Maximum" else 100000,
                    SocketCount=1 if role != "Maximum" else host.info["sockets"],
                    ProcessorsPerSocket=qty if role != "Maximum" else qty // max(1, host.info["sockets"]),
                )
            if name == "memory":
                vals.update(Reservation=qty, Limit=qty)
            cd = host.schema.get_class(ns, kind.cls)
            row = host.add(
                ns,
                kind.cls,
                {k: v for k, v in vals.items() if k.startswith("_") or cd.prop(k)},
                D.template(ns, kind.name),
            )
            if caps is not None:  # ValueRole 0 default / 3 supported; ValueRange 0 point, 1 min, 2 max, 3 increment
                rng = ROLES.index(role)
                host.link(
                    "Msvm_SettingsDefineCapabilities",
                    "GroupComponent",
                    caps,
                    "PartComponent",
                    row,
                    {"ValueRole": 0 if role == "Default" else 3, "ValueRange": rng, "PropertyPolicy": 0},
                )
