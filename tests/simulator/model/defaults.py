"""Class-wide default property values as an en-US host fills them (reference sections 5, 5b, 6).

Per-instance values override these; device kinds (devices.py) add their own shared templates.
"""

from __future__ import annotations

import datetime as dt

from ..personas import NS_CIMV2, NS_V1, NS_V2
from ..schema.types import norm_ns

NEVER = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)  # FILETIME 0, "never" (9.3 I9)
FIVE_MINUTES = dt.timedelta(minutes=5)

_OK = {"HealthState": 5, "OperationalStatus": [2], "Status": "OK", "StatusDescriptions": ["Operating normally"]}
_SERVICE = dict(
    _OK, EnabledState=2, EnabledDefault=2, RequestedState=12, Started=True, StartMode="Automatic",
    SystemCreationClassName="Msvm_ComputerSystem",
)
_DEVICE = {"SystemCreationClassName": "Msvm_ComputerSystem", "EnabledDefault": 2, "EnabledState": 2,
           "HealthState": 5, "OperationalStatus": [2], "RequestedState": 12, "StatusDescriptions": ["OK"]}
_JOB = {
    "Cancellable": True, "DeleteOnCompletion": True, "TimeBeforeRemoval": FIVE_MINUTES, "Priority": 0,
    "JobRunTimes": 1, "LocalOrUtcTime": 2, "RecoveryAction": 2, "RunDay": 0, "RunDayOfWeek": 0, "RunMonth": 0,
    "HealthState": 5, "OperationalStatus": [2], "Status": "OK", "StatusDescriptions": ["OK"],
}

_COMMON = {
    "Msvm_ComputerSystem": dict(
        _OK, CreationClassName="Msvm_ComputerSystem", Caption="Virtual Machine",
        Description="Microsoft Virtual Machine", EnabledDefault=2, ResetCapability=1, NumberOfNumaNodes=1,
        ReplicationHealth=0, ReplicationMode=0, ReplicationState=0, FailedOverReplicationType=0,
        LastReplicationType=0, LastReplicationTime=NEVER, LastApplicationConsistentReplicationTime=NEVER,
        LastSuccessfulBackupTime=None,
    ),
    "Msvm_VirtualSystemManagementService": dict(
        _SERVICE, CreationClassName="Msvm_VirtualSystemManagementService", Name="vmms",
        Caption="Virtual System Management Service",
        Description="Service that manages virtual machines on the host",
        ElementName="Hyper-V Virtual System Management Service",
    ),
    "Msvm_VirtualSystemSnapshotService": dict(
        _SERVICE, CreationClassName="Msvm_VirtualSystemSnapshotService", Name="vssnapsvc",
        Caption="Hyper-V Virtual System Snapshot Service", ElementName="Hyper-V Virtual System Snapshot Service",
        Description="Service that manages virtual machine checkpoints",
    ),
    "Msvm_VirtualEthernetSwitchManagementService": dict(
        _SERVICE, CreationClassName="Msvm_VirtualEthernetSwitchManagementService", Name="nvspwmi",
        Caption="Hyper-V Networking Management Service", ElementName="Hyper-V Networking Management Service",
        Description="Service that manages virtual switches",
    ),
    "Msvm_VirtualSwitchManagementService": dict(
        _SERVICE, CreationClassName="Msvm_VirtualSwitchManagementService", Name="nvspwmi",
        Caption="Hyper-V Networking Management Service", ElementName="Hyper-V Networking Management Service",
        Description="Service that manages virtual switches",
    ),
    "Msvm_ImageManagementService": dict(
        _SERVICE, CreationClassName="Msvm_ImageManagementService", Name="vhdsvc",
        Caption="Hyper-V Image Management Service", ElementName="Hyper-V Image Management Service",
        Description="Service that manages virtual hard disks",
    ),
    "Msvm_VirtualEthernetSwitch": dict(
        _OK, CreationClassName="Msvm_VirtualEthernetSwitch", Caption="Virtual Switch",
        Description="Microsoft Virtual Switch", EnabledState=5, EnabledDefault=2, RequestedState=12,
        ResetCapability=5, Dedicated=[38], IdentifyingDescriptions=["Virtual Switch Extension Miniport Adapter ID"],
        MaxIOVOffloads=0, MaxVMQOffloads=0, TimeOfLastStateChange=None, StatusDescriptions=["OK"],
    ),
    "Msvm_VirtualSwitch": dict(
        _OK, CreationClassName="Msvm_VirtualSwitch", Caption="Virtual Switch",
        Description="Microsoft Virtual Switch", EnabledState=2, EnabledDefault=2, RequestedState=12,
        ResetCapability=5, Dedicated=[38], NumLearnableAddresses=1024, ScopeOfResidence="",
    ),
    "Msvm_VirtualEthernetSwitchSettingData": dict(
        Caption="Virtual Ethernet Switch Settings", Description="Microsoft Virtual Ethernet Switch Settings",
        VirtualSystemType="DMTF:VirtualEthernetSwitch", BandwidthReservationMode=1, IOVPreferred=False,
        MaxNumMACAddress=1024, TeamingEnabled=False, PacketDirectEnabled=False,
    ),
    "Msvm_ExternalEthernetPort": dict(
        CreationClassName="Msvm_ExternalEthernetPort", SystemCreationClassName="Msvm_ComputerSystem",
        Caption="Ethernet Port", Description="Microsoft External Ethernet Port", Status="OK",
        EnabledState=2, EnabledDefault=2, RequestedState=12, HealthState=5, OperationalStatus=[2],
        StatusDescriptions=["OK"], ActiveMaximumTransmissionUnit=1500, SupportedMaximumTransmissionUnit=1500,
        FullDuplex=True, AutoSense=True, LinkTechnology=2, PortType=53, UsageRestriction=4, MaxSpeed=0,
        Speed=1000000000, RequestedSpeed=1000000000, MaxDataSize=1500, PortNumber=0,
    ),
    "Msvm_InternalEthernetPort": dict(
        CreationClassName="Msvm_InternalEthernetPort", Caption="Internal Ethernet Port",
        Description="Microsoft Internal Ethernet Port", **_DEVICE,
    ),
    "Msvm_EthernetSwitchPort": dict(
        CreationClassName="Msvm_EthernetSwitchPort", Caption="Ethernet Switch Port",
        Description="Microsoft Virtual Switch Port", SystemCreationClassName="Msvm_VirtualEthernetSwitch",
        EnabledState=2, EnabledDefault=2, RequestedState=12, HealthState=5, OperationalStatus=[2],
        StatusDescriptions=["OK"],
    ),
    "Msvm_VirtualSystemManagementServiceSettingData": dict(
        Caption="Hyper-V Virtual System Management Service Setting Data",
        Description="Hyper-V Virtual System Management Service Setting Data",
        ElementName="Hyper-V Virtual System Management Service Setting Data",
        DefaultExternalDataRoot="C:\\ProgramData\\Microsoft\\Windows\\Hyper-V",
        DefaultVirtualHardDiskPath="C:\\ProgramData\\Microsoft\\Windows\\Virtual Hard Disks",
        MinimumMacAddress="00155D000000", MaximumMacAddress="00155DFFFFFF", NumaSpanningEnabled=True,
        EnhancedSessionModeEnabled=False, PrimaryOwnerName="Administrators",
    ),
    "Msvm_ConcreteJob": dict(_JOB),
    "Msvm_StorageJob": dict(_JOB),
    "Msvm_ShutdownComponent": dict(_DEVICE, CreationClassName="Msvm_ShutdownComponent",
                                   Caption="Shutdown", Description="Microsoft Shutdown Component",
                                   ElementName="Shutdown"),
    "Msvm_HeartbeatComponent": dict(_DEVICE, CreationClassName="Msvm_HeartbeatComponent",
                                    Caption="Heartbeat", Description="Microsoft Heartbeat Component",
                                    ElementName="Heartbeat"),
    "Msvm_KvpExchangeComponent": dict(_DEVICE, CreationClassName="Msvm_KvpExchangeComponent",
                                      Caption="Key-Value Pair Exchange",
                                      Description="Microsoft Key-Value Pair Exchange Component",
                                      ElementName="Key-Value Pair Exchange"),
    "Msvm_Keyboard": dict(_DEVICE, CreationClassName="Msvm_Keyboard", Caption="Keyboard",
                          Description="Microsoft Virtual Keyboard", ElementName="Keyboard", IsLocked=False,
                          Layout="00000409", NumberOfFunctionKeys=12, Password=3, UnicodeSupported=False),
    "Msvm_Processor": dict(_DEVICE, CreationClassName="Msvm_Processor", Caption="Processor",
                           Description="Microsoft Virtual Processor", ElementName="Processor",
                           LoadPercentage=1),
    "Msvm_Memory": dict(_DEVICE, CreationClassName="Msvm_Memory", Caption="Memory",
                        Description="Microsoft Virtual Memory", ElementName="Memory", BlockSize=1048576),
    "Msvm_SyntheticEthernetPort": dict(_DEVICE, CreationClassName="Msvm_SyntheticEthernetPort",
                                       Caption="Synthetic Ethernet Port",
                                       Description="Microsoft Synthetic Ethernet Port", ElementName="Network Adapter"),
    "Msvm_EthernetSwitchPortVlanSettingData": dict(
        Caption="Ethernet Switch Port VLAN Settings", Description="Represents the VLAN settings of a port",
        ElementName="Ethernet Switch Port VLAN Settings", NativeVlanId=0, PrimaryVlanId=0, SecondaryVlanId=0,
        PvlanMode=0,
    ),
    "Msvm_GuestNetworkAdapterConfiguration": dict(ProtocolIFType=0, DHCPEnabled=True),
    "Msvm_ShutdownComponentSettingData": dict(Caption="Shutdown", Description="Microsoft Shutdown Component",
                                              ElementName="Shutdown", EnabledState=2),
    "Msvm_HeartbeatComponentSettingData": dict(Caption="Heartbeat", Description="Microsoft Heartbeat Component",
                                               ElementName="Heartbeat", EnabledState=2),
    "Msvm_KvpExchangeComponentSettingData": dict(
        Caption="Key-Value Pair Exchange", Description="Microsoft Key-Value Pair Exchange Component",
        ElementName="Key-Value Pair Exchange", EnabledState=2, DisableHostKVPItems=False,
    ),
    "Msvm_ElementSettingData": {"IsCurrent": 1, "IsDefault": 2, "IsNext": 2},
    "Msvm_AffectedJobElement": {"ElementEffects": [0]},
}

_V2 = dict(
    _COMMON,
    Msvm_VirtualSystemSettingData=dict(
        Caption="Virtual Machine Settings", AutomaticRecoveryAction=3, AutomaticShutdownAction=3,
        AutomaticStartupAction=3, AutomaticStartupActionDelay=dt.timedelta(0), AutomaticStartupActionSequenceNumber=0,
        AllowFullSCSICommandSet=False, AllowReducedFcRedundancy=False, DebugChannelId=0, DebugPort=0,
        DebugPortEnabled=0, IncrementalBackupEnabled=False, VirtualNumaEnabled=True, IsSaved=False,
        AutomaticSnapshotsEnabled=False, IsAutomaticSnapshot=False, UserSnapshotType=3, NetworkBootPreferredProtocol=4096,
        PauseAfterBootFailure=False, LowMmioGapSize=128, HighMmioGapSize=512,
    ),
)

_V1 = dict(
    _COMMON,
    Msvm_VirtualSystemSettingData=dict(Caption="Virtual Machine", VirtualSystemType=301,
                                       BIOSNumLock=False),
    Msvm_VirtualSystemGlobalSettingData=dict(
        Caption="Global Virtual Machine Settings", Description="Global settings for the virtual machine",
        SettingType=32768, VirtualSystemType=301, AutomaticRecoveryAction=1, AutomaticShutdownAction=1,
        AutomaticStartupAction=1, AutomaticStartupActionDelay=dt.timedelta(0), AllowFullSCSICommandSet=False,
        DebugChannelId=0, DebugPort=0, DebugPortEnabled=0, ScopeOfResidence="",
    ),
    Msvm_SwitchPort=dict(CreationClassName="Msvm_SwitchPort", SystemCreationClassName="Msvm_VirtualSwitch",
                         Caption="Switch Port", Description="Microsoft Virtual Switch Port", ScopeOfResidence="",
                         HealthState=5, OperationalStatus=[2], StatusDescriptions=["OK"]),
)

_CIMV2 = {
    "Win32_ComputerSystem": dict(
        _OK, CreationClassName="Win32_ComputerSystem", Description="AT/AT COMPATIBLE", Domain="WORKGROUP",
        PartOfDomain=False, Workgroup="WORKGROUP", Manufacturer="Contoso Hardware", Model="Simulated Server",
        SystemType="x64-based PC", PrimaryOwnerName="Windows User",
    ),
    "Win32_OperatingSystem": dict(
        Status="OK", CreationClassName="Win32_OperatingSystem", CSCreationClassName="Win32_ComputerSystem",
        Manufacturer="Microsoft Corporation", OSArchitecture="64-bit", OSType=18, ProductType=3, BuildType="Multiprocessor Free",
    ),
    "Win32_Processor": dict(
        Status="OK", CreationClassName="Win32_Processor", SystemCreationClassName="Win32_ComputerSystem",
        Architecture=9, AddressWidth=64, DataWidth=64, Family=179, ProcessorType=3, Manufacturer="GenuineIntel",
        Availability=3, VirtualizationFirmwareEnabled=True,
    ),
    "Win32_ComputerSystemProduct": dict(Vendor="Contoso Hardware", Caption="Computer System Product",
                                        Description="Computer System Product"),
}

_BY_NS = {norm_ns(NS_V2): _V2, norm_ns(NS_V1): _V1, norm_ns(NS_CIMV2): _CIMV2}
_EMPTY: dict = {}


def defaults_for(namespace: str, class_name: str) -> dict:
    return _BY_NS.get(norm_ns(namespace), _EMPTY).get(class_name, _EMPTY)
