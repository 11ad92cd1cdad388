"""root/virtualization/v2 classes (reference section 5; property sets from the v2 MOF pages, the
libvirt generator input and the captures listed in captures/README.md). `+2016` etc. marks the
release a property appeared in (class-version drift, section 5 "common facts")."""

V2 = """
class Msvm_ComputerSystem : CIM_ComputerSystem
  EnhancedSessionModeState uint16 +2012r2
  FailedOverReplicationType uint16
  HwThreadsPerCoreRealized uint32 +2016
  LastApplicationConsistentReplicationTime datetime
  LastReplicationTime datetime
  LastReplicationType uint16
  LastSuccessfulBackupTime datetime
  ManagementVtlImageFileName string +2025
  ManagementVtlImageVersion string +2025
  NumberOfNumaNodes uint16
  OnTimeInMilliseconds uint64
  ProcessID uint32
  ReplicationHealth uint16
  ReplicationMode uint16
  ReplicationState uint16
  TimeOfLastConfigurationChange datetime
  method RequestStateChange(in RequestedState uint16, in TimeoutPeriod datetime, out Job ref:CIM_ConcreteJob)
  method InjectNonMaskableInterrupt(out Job ref:CIM_ConcreteJob)

class Msvm_VirtualEthernetSwitch : CIM_ComputerSystem
  MaxIOVOffloads uint32
  MaxVMQOffloads uint32

class Msvm_VirtualSystemManagementService : CIM_Service
  method DefineSystem(
      in SystemSettings string@Msvm_VirtualSystemSettingData,
      in ResourceSettings string[]@CIM_ResourceAllocationSettingData,
      in ReferenceConfiguration ref:CIM_VirtualSystemSettingData,
      out ResultingSystem ref:CIM_ComputerSystem,
      out Job ref:CIM_ConcreteJob)
  method DestroySystem(in AffectedSystem ref:CIM_ComputerSystem, out Job ref:CIM_ConcreteJob)
  method ModifySystemSettings(
      in SystemSettings string@CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method AddResourceSettings(
      in AffectedConfiguration ref:CIM_VirtualSystemSettingData,
      in ResourceSettings string[]@CIM_ResourceAllocationSettingData,
      out ResultingResourceSettings ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method ModifyResourceSettings(
      in ResourceSettings string[]@CIM_ResourceAllocationSettingData,
      out ResultingResourceSettings ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method RemoveResourceSettings(
      in ResourceSettings ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method AddFeatureSettings(
      in AffectedConfiguration ref:CIM_SettingData,
      in FeatureSettings string[]@CIM_SettingData,
      out ResultingFeatureSettings ref:CIM_SettingData[],
      out Job ref:CIM_ConcreteJob)
  method ModifyFeatureSettings(
      in FeatureSettings string[]@CIM_SettingData,
      out ResultingFeatureSettings ref:CIM_SettingData[],
      out Job ref:CIM_ConcreteJob)
  method RemoveFeatureSettings(in FeatureSettings ref:CIM_SettingData[], out Job ref:CIM_ConcreteJob)
  method GetSummaryInformation(
      in SettingData ref:CIM_VirtualSystemSettingData[],
      in RequestedInformation uint32[],
      out SummaryInformation object@Msvm_SummaryInformation[])
  method GetVirtualSystemThumbnailImage(
      in TargetSystem ref:CIM_VirtualSystemSettingData,
      in WidthPixels uint16,
      in HeightPixels uint16,
      out ImageData uint8[])
  method AddKvpItems(
      in TargetSystem ref:CIM_ComputerSystem,
      in DataItems string[]@Msvm_KvpExchangeDataItem,
      out Job ref:CIM_ConcreteJob)
  method ModifyKvpItems(
      in TargetSystem ref:CIM_ComputerSystem,
      in DataItems string[]@Msvm_KvpExchangeDataItem,
      out Job ref:CIM_ConcreteJob)
  method RemoveKvpItems(
      in TargetSystem ref:CIM_ComputerSystem,
      in DataItems string[]@Msvm_KvpExchangeDataItem,
      out Job ref:CIM_ConcreteJob)

class Msvm_VirtualSystemSnapshotService : CIM_Service
  method CreateSnapshot(
      in AffectedSystem ref:CIM_ComputerSystem,
      in SnapshotSettings string@CIM_SettingData,
      in SnapshotType uint16,
      out ResultingSnapshot ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method DestroySnapshot(in AffectedSnapshot ref:CIM_VirtualSystemSettingData, out Job ref:CIM_ConcreteJob)
  method DestroySnapshotTree(
      in SnapshotSettingData ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method ApplySnapshot(in Snapshot ref:CIM_VirtualSystemSettingData, out Job ref:CIM_ConcreteJob)

class Msvm_VirtualEthernetSwitchManagementService : CIM_Service
  method DefineSystem(
      in SystemSettings string@Msvm_VirtualEthernetSwitchSettingData,
      in ResourceSettings string[]@Msvm_EthernetPortAllocationSettingData,
      in ReferenceConfiguration ref:CIM_VirtualSystemSettingData,
      out ResultingSystem ref:CIM_ComputerSystem,
      out Job ref:CIM_ConcreteJob)
  method DestroySystem(in AffectedSystem ref:CIM_ComputerSystem, out Job ref:CIM_ConcreteJob)
  method ModifySystemSettings(
      in SystemSettings string@Msvm_VirtualEthernetSwitchSettingData,
      out Job ref:CIM_ConcreteJob)
  method AddResourceSettings(
      in AffectedConfiguration ref:CIM_VirtualSystemSettingData,
      in ResourceSettings string[]@Msvm_EthernetPortAllocationSettingData,
      out ResultingResourceSettings ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method ModifyResourceSettings(
      in ResourceSettings string[]@Msvm_EthernetPortAllocationSettingData,
      out ResultingResourceSettings ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method RemoveResourceSettings(
      in ResourceSettings ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)

class Msvm_ImageManagementService : CIM_Service
  method CreateVirtualHardDisk(
      in VirtualDiskSettingData string@Msvm_VirtualHardDiskSettingData,
      out Job ref:CIM_ConcreteJob)
  method GetVirtualHardDiskSettingData(
      in Path string,
      out SettingData string@Msvm_VirtualHardDiskSettingData,
      out Job ref:CIM_ConcreteJob)
  method ResizeVirtualHardDisk(in Path string, in MaxInternalSize uint64, out Job ref:CIM_ConcreteJob)

class Msvm_VirtualSystemSettingData : CIM_VirtualSystemSettingData
  AdditionalRecoveryInformation string
  AllowFullSCSICommandSet boolean
  AllowReducedFcRedundancy boolean
  AutomaticSnapshotsEnabled boolean +2016
  BaseBoardSerialNumber string
  BIOSGUID string
  BIOSNumLock boolean
  BIOSSerialNumber string
  BootOrder uint16[]
  BootSourceOrder string[] +2012r2
  ChassisAssetTag string
  ChassisSerialNumber string
  DebugChannelId uint32
  DebugPort uint32
  DebugPortEnabled uint16
  GuestStateDataRoot string +2016
  HighMmioGapSize uint64 +2016
  IncrementalBackupEnabled boolean
  IsAutomaticSnapshot boolean +2016
  IsSaved boolean
  LowMmioGapSize uint64 +2016
  NetworkBootPreferredProtocol uint16 +2012r2
  Parent string
  PauseAfterBootFailure boolean +2012r2
  SecureBootEnabled boolean +2012r2
  SecureBootTemplateId string +2016
  UserSnapshotType uint16 +2016
  Version string
  VirtualNumaEnabled boolean
  VirtualSystemSubType string +2012r2

# generation 2 boot sources [doc Microsoft Msvm_BootSourceSettingData, 2012 R2+]: one per bootable
# drive / synthetic NIC of a gen 2 VM plus firmware file entries (model/boot.py)
class Msvm_BootSourceSettingData : CIM_SettingData +2012r2
  BootSourceDescription string
  BootSourceType uint32
  FirmwareDevicePath string
  OptionalData uint8[]
  OtherLocation string

class Msvm_VirtualSystemManagementServiceSettingData : CIM_SettingData
  BiosLockString string
  CurrentWWNNAddress string
  DefaultExternalDataRoot string
  DefaultVirtualHardDiskPath string
  EnhancedSessionModeEnabled boolean +2012r2
  MaximumMacAddress string
  MaximumWWPNAddress string
  MinimumMacAddress string
  MinimumWWPNAddress string
  NumaSpanningEnabled boolean
  PrimaryOwnerContact string
  PrimaryOwnerName string

class Msvm_ResourceAllocationSettingData : CIM_ResourceAllocationSettingData
  TargetVtl uint16 +2025
  VirtualSystemIdentifiers string[]

class Msvm_ProcessorSettingData : CIM_ResourceAllocationSettingData
  CpuGroupId string +2019
  EnableHostResourceProtection boolean +2016
  ExposeVirtualizationExtensions boolean +2016
  HideHypervisorPresent boolean +2016
  HwThreadsPerCore uint64 +2016
  LimitCPUID boolean
  LimitProcessorFeatures boolean
  MaxNumaNodesPerSocket uint64
  MaxProcessorsPerNumaNode uint64

class Msvm_MemorySettingData : CIM_ResourceAllocationSettingData
  DynamicMemoryEnabled boolean
  HugePagesEnabled boolean +2022
  IsVirtualized boolean
  MaxMemoryBlocksPerNumaNode uint64
  SgxEnabled boolean +2022
  SgxSize uint64 +2022
  SwapFilesInUse boolean
  TargetMemoryBuffer uint32

class Msvm_SerialPortSettingData : CIM_ResourceAllocationSettingData +2016
  DebuggerMode boolean

class CIM_StorageAllocationSettingData : CIM_ResourceAllocationSettingData
  Access uint16
  HostExtentName string
  HostExtentNameFormat uint16
  HostExtentNameNamespace uint16
  HostExtentStartingAddress uint64
  HostResourceBlockSize uint64
  OtherHostExtentNameFormat string
  OtherHostExtentNameNamespace string
  VirtualResourceBlockSize uint64

class Msvm_StorageAllocationSettingData : CIM_StorageAllocationSettingData
  CachingMode uint16 +2016
  IOPSAllocationUnits string +2012r2
  IOPSLimit uint64 +2012r2
  IOPSReservation uint64 +2012r2
  PersistentReservationsSupported boolean +2016
  SnapshotId string +2016

class CIM_EthernetPortAllocationSettingData : CIM_ResourceAllocationSettingData
  DesiredVLANEndpointMode uint16
  OtherEndpointMode string

class Msvm_SyntheticEthernetPortSettingData : CIM_EthernetPortAllocationSettingData
  AllowPacketDirect boolean +2016
  ClusterMonitored boolean +2012r2
  DeviceNamingEnabled boolean +2016
  StaticMacAddress boolean
  VirtualSystemIdentifiers string[]

class Msvm_EthernetPortAllocationSettingData : CIM_EthernetPortAllocationSettingData
  CompartmentGuid string +2016
  EnabledState uint16
  LastKnownSwitchName string
  RequiredFeatureHints string[]
  RequiredFeatures string[]
  TestReplicaPoolID string +2012r2
  TestReplicaSwitchName string +2012r2

class Msvm_EthernetSwitchPortVlanSettingData : CIM_SettingData
  AccessVlanId uint16
  NativeVlanId uint16
  OperationMode uint32
  PrimaryVlanId uint16
  PruneVlanIdArray uint16[]
  PvlanMode uint32
  SecondaryVlanId uint16
  SecondaryVlanIdArray uint16[]
  TrunkVlanIdArray uint16[]

class Msvm_VirtualEthernetSwitchSettingData : CIM_VirtualSystemSettingData
  AssociatedResourcePool string[]
  BandwidthReservationMode uint32
  ExtensionOrder string[]
  IOVPreferred boolean
  MaxNumMACAddress uint32
  PacketDirectEnabled boolean +2016
  TeamingEnabled boolean +2016
  VLANConnection string[]

class Msvm_VirtualHardDiskSettingData : CIM_SettingData
  BlockSize uint32
  DataAlignment uint64 +2016
  Format uint16
  IsPmemCompatible boolean +2019
  LogicalSectorSize uint32
  MaxInternalSize uint64
  ParentIdentifier string +2016
  ParentPath string
  ParentTimestamp datetime +2016
  Path string
  PhysicalSectorSize uint32
  PmemAddressAbstractionType uint16 +2019
  Type uint16
  VirtualDiskId string

class Msvm_KvpExchangeDataItem
  keys InstanceID
  Caption string
  Data string
  Description string
  ElementName string
  InstanceID string
  Name string
  Source uint16

class Msvm_KvpExchangeComponentSettingData : CIM_SettingData
  DisableHostKVPItems boolean +2012r2
  EnabledState uint16
  HostExchangeItems string[]
  HostOnlyItems string[]

class Msvm_ShutdownComponentSettingData : CIM_SettingData
  EnabledState uint16
class Msvm_HeartbeatComponentSettingData : CIM_SettingData
  EnabledState uint16

class Msvm_GuestNetworkAdapterConfiguration : CIM_SettingData
  DefaultGateways string[]
  DHCPEnabled boolean
  DNSServers string[]
  IPAddresses string[]
  IPAddressOrigins uint16[]
  ProtocolIFType uint16
  Subnets string[]

class Msvm_SummaryInformation
  AllocatedGPU string
  ApplicationHealth uint16
  AsynchronousTasks object[]
  AvailableMemoryBuffer sint32
  CreationTime datetime
  ElementName string
  EnabledState uint16
  EnhancedSessionModeState uint16 +2012r2
  GuestOperatingSystem string
  HealthState uint16
  Heartbeat uint16
  HostComputerSystemName string
  InstanceID string
  IntegrationServicesVersionState uint16
  MemoryAvailable sint32
  MemorySpansPhysicalNumaNodes boolean
  MemoryUsage uint64
  Name string
  Notes string
  NumberOfProcessors uint16
  OperationalStatus uint16[]
  OtherEnabledState string
  ProcessorLoad uint16
  ProcessorLoadHistory uint16[]
  ReplicationHealth uint16
  ReplicationMode uint16
  ReplicationState uint16
  Shielded boolean +2016
  Snapshots object[]
  StatusDescriptions string[]
  SwapFilesInUse boolean
  ThumbnailImage uint8[]
  ThumbnailImageHeight uint16
  ThumbnailImageWidth uint16
  UpTime uint64
  Version string +2016
  VirtualSwitchNames string[]
  VirtualSystemSubType string +2012r2

# logical devices of a VM
class Msvm_ShutdownComponent : CIM_LogicalDevice
  method InitiateShutdown(in Force boolean, in Reason string)
  method InitiateReboot(in Force boolean, in Reason string)
class Msvm_HeartbeatComponent : CIM_LogicalDevice
class Msvm_KvpExchangeComponent : CIM_LogicalDevice
  GuestExchangeItems string[]
  GuestIntrinsicExchangeItems string[]
class Msvm_Keyboard : CIM_LogicalDevice
  IsLocked boolean
  Layout string
  NumberOfFunctionKeys uint16
  Password uint16
  UnicodeSupported boolean
  method TypeText(in asciiText string)
  method TypeScancodes(in Scancodes uint8[])
  method TypeCtrlAltDel()
  method TypeKey(in keyCode uint32)
  method PressKey(in keyCode uint32)
  method ReleaseKey(in keyCode uint32)
class Msvm_Processor : CIM_LogicalDevice
  CurrentClockSpeed uint32
  LoadPercentage uint16
  MaxClockSpeed uint32
class Msvm_Memory : CIM_LogicalDevice
  BlockSize uint64
  NumberOfBlocks uint64
# video: a running VM's display controllers and their heads (libvirt's screenshot reads the head's
# resolution, then VSMS.GetVirtualSystemThumbnailImage) [doc Microsoft video classes; code libvirt]
class CIM_DisplayController : CIM_LogicalDevice
  AcceleratorCapabilities uint16[]
  CapabilityDescriptions string[]
  MaxMemorySupported uint32
  MaxNumberControlled uint32
  NumberOfVideoPages uint32
  OtherVideoArchitecture string
  OtherVideoMemoryType string
  ProtocolDescription string
  ProtocolSupported uint16
  TimeOfLastReset datetime
  VideoArchitecture uint16
  VideoMemoryType uint16
  VideoProcessor string
class Msvm_S3DisplayController : CIM_DisplayController
class Msvm_SyntheticDisplayController : CIM_DisplayController
class Msvm_VideoHead : CIM_LogicalDevice
  CurrentBitsPerPixel uint32
  CurrentHorizontalResolution uint32
  CurrentNumberOfColors uint64
  CurrentNumberOfColumns uint32
  CurrentNumberOfRows uint32
  CurrentRefreshRate uint32
  CurrentScanMode uint16
  CurrentVerticalResolution uint32
  MaxRefreshRate uint32
  MinRefreshRate uint32
  OtherCurrentScanMode string
class Msvm_DiskDrive : CIM_MediaAccessDevice
  DriveNumber uint32
class Msvm_DVDDrive : CIM_MediaAccessDevice
class Msvm_LogicalDisk : CIM_LogicalDevice
  BlockSize uint64
  NumberOfBlocks uint64
class Msvm_IDEController : CIM_LogicalDevice
class Msvm_SCSIProtocolController : CIM_LogicalDevice
class Msvm_SyntheticEthernetPort : CIM_EthernetPort
class Msvm_ExternalEthernetPort : CIM_EthernetPort
  IsBound boolean
class Msvm_InternalEthernetPort : CIM_EthernetPort
class Msvm_EthernetSwitchPort : CIM_NetworkPort

class Msvm_ConcreteJob : CIM_ConcreteJob
  Cancellable boolean
  ErrorSummaryDescription string
  JobType uint16
  method GetErrorEx(out Errors string[]@CIM_Error)
  method KillJob(in DeleteOnKill boolean)
class Msvm_StorageJob : CIM_ConcreteJob
  Cancellable boolean
  Child string
  ErrorSummaryDescription string
  JobCompletionStatusCode uint32
  JobType uint16
  Parent string

# resource pools and allocation capabilities (5.8 "How default templates are found", method 1)
class Msvm_ResourcePool : CIM_LogicalElement
  keys InstanceID
  AllocationUnits string
  Capacity uint64
  OtherResourceType string
  PoolID string
  Primordial boolean
  Reserved uint64
  ResourceSubType string
  ResourceType uint16
class Msvm_AllocationCapabilities : CIM_ManagedElement
  keys InstanceID
  OtherResourceType string
  RequestTypesSupported uint16
  ResourceSubType string
  ResourceType uint16
  SharingMode uint16
  SupportedAddStates uint16[]
  SupportedRemoveStates uint16[]
assoc Msvm_ElementCapabilities
  keys ManagedElement Capabilities
  Capabilities ref:CIM_ManagedElement
  Characteristics uint16[]
  ManagedElement ref:CIM_ManagedElement
assoc Msvm_SettingsDefineCapabilities : CIM_Component
  PropertyPolicy uint16
  ValueRange uint16
  ValueRole uint16

# associations
assoc Msvm_SettingsDefineState
  keys ManagedElement SettingData
  ManagedElement ref:CIM_ManagedElement
  SettingData ref:CIM_SettingData
assoc Msvm_ElementSettingData
  keys ManagedElement SettingData
  IsCurrent uint16
  IsDefault uint16
  IsNext uint16
  ManagedElement ref:CIM_ManagedElement
  SettingData ref:CIM_SettingData
assoc Msvm_VirtualSystemSettingDataComponent : CIM_Component
assoc Msvm_SystemDevice : CIM_Component
assoc Msvm_VideoHeadOnController : CIM_Dependency
  Antecedent ref:CIM_DisplayController
  Dependent ref:Msvm_VideoHead
assoc Msvm_HostedService : CIM_Dependency
assoc Msvm_SnapshotOfVirtualSystem : CIM_Dependency
assoc Msvm_ParentChildSettingData
  keys Antecedent Dependent
  Antecedent ref:CIM_SettingData
  Dependent ref:CIM_SettingData
assoc Msvm_MostCurrentSnapshotInBranch : CIM_Dependency
assoc Msvm_AffectedJobElement
  keys AffectedElement AffectingElement
  AffectedElement ref:CIM_ManagedElement
  AffectingElement ref:CIM_Job
  ElementEffects uint16[]
  OtherElementEffectsDescriptions string[]
assoc Msvm_EthernetPortSettingDataComponent : CIM_Component
assoc Msvm_VirtualEthernetSwitchSettingDataComponent : CIM_Component
assoc Msvm_SettingDataComponent : CIM_Component
# VSSD (GroupComponent) -> its boot sources (PartComponent) [doc Microsoft]
assoc Msvm_BootSourceComponent : CIM_Component +2012r2
# a drive / NIC setting (SystemElement) and its boot source (SameElement) [code os-win vmutils
# _drive_to_boot_source]
assoc Msvm_LogicalIdentity
  keys SystemElement SameElement
  SameElement ref:CIM_ManagedElement
  SystemElement ref:CIM_ManagedElement
"""
