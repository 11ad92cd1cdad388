"""root/virtualization classes of Hyper-V 2008 R2 ("v1", reference section 5b)."""

V1 = """
class Msvm_ComputerSystem : CIM_ComputerSystem
  LastApplicationConsistentReplicationTime datetime
  LastReplicationTime datetime
  NumberOfNumaNodes uint16
  OnTimeInMilliseconds uint64
  ProcessID uint32
  TimeOfLastConfigurationChange datetime
  method RequestStateChange(in RequestedState uint16, in TimeoutPeriod datetime, out Job ref:CIM_ConcreteJob)

class Msvm_VirtualSwitch : CIM_ComputerSystem
  ScopeOfResidence string
  NumLearnableAddresses uint32
  MaxVMQOffloads uint32
  MaxChimneyOffloads uint32

class Msvm_VirtualSystemManagementService : CIM_Service
  method DefineVirtualSystem(
      in SystemSettingData string@Msvm_VirtualSystemGlobalSettingData,
      in ResourceSettingData string[]@CIM_ResourceAllocationSettingData,
      in SourceSetting ref:CIM_VirtualSystemSettingData,
      out DefinedSystem ref:CIM_ComputerSystem,
      out Job ref:CIM_ConcreteJob)
  method DestroyVirtualSystem(in ComputerSystem ref:CIM_ComputerSystem, out Job ref:CIM_ConcreteJob)
  method ModifyVirtualSystem(
      in ComputerSystem ref:CIM_ComputerSystem,
      in SystemSettingData string@CIM_VirtualSystemSettingData,
      out ModifiedSettingData ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method AddVirtualSystemResources(
      in TargetSystem ref:CIM_ComputerSystem,
      in ResourceSettingData string[]@CIM_ResourceAllocationSettingData,
      out NewResources ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method ModifyVirtualSystemResources(
      in ComputerSystem ref:CIM_ComputerSystem,
      in ResourceSettingData string[]@CIM_ResourceAllocationSettingData,
      out Job ref:CIM_ConcreteJob)
  method RemoveVirtualSystemResources(
      in TargetSystem ref:CIM_ComputerSystem,
      in ResourceSettingData ref:CIM_ResourceAllocationSettingData[],
      out Job ref:CIM_ConcreteJob)
  method CreateVirtualSystemSnapshot(
      in SourceSystem ref:CIM_ComputerSystem,
      out SnapshotSettingData ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method ApplyVirtualSystemSnapshot(
      in ComputerSystem ref:CIM_ComputerSystem,
      in SnapshotSettingData ref:CIM_VirtualSystemSettingData)
  method ApplyVirtualSystemSnapshotEx(
      in ComputerSystem ref:CIM_ComputerSystem,
      in SnapshotSettingData ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method RemoveVirtualSystemSnapshot(
      in SnapshotSettingData ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method RemoveVirtualSystemSnapshotTree(
      in SnapshotSettingData ref:CIM_VirtualSystemSettingData,
      out Job ref:CIM_ConcreteJob)
  method GetSummaryInformation(
      in SettingData ref:CIM_VirtualSystemSettingData[],
      in RequestedInformation uint32[],
      out SummaryInformation object@Msvm_SummaryInformation[])
  method AddKvpItems(
      in TargetSystem ref:CIM_ComputerSystem,
      in DataItems string[]@Msvm_KvpExchangeDataItem,
      out Job ref:CIM_ConcreteJob)

class Msvm_VirtualSwitchManagementService : CIM_Service
  method CreateSwitch(
      in Name string,
      in FriendlyName string,
      in NumLearnableAddresses uint32,
      in ScopeOfResidence string,
      out CreatedVirtualSwitch ref:Msvm_VirtualSwitch)
  method DeleteSwitch(in VirtualSwitch ref:Msvm_VirtualSwitch)
  method CreateSwitchPort(
      in VirtualSwitch ref:Msvm_VirtualSwitch,
      in Name string,
      in FriendlyName string,
      in ScopeOfResidence string,
      out CreatedSwitchPort ref:Msvm_SwitchPort)
  method DeleteSwitchPort(in SwitchPort ref:Msvm_SwitchPort)

class Msvm_ImageManagementService : CIM_Service
  method CreateDynamicVirtualHardDisk(in Path string, in MaxInternalSize uint64, out Job ref:CIM_ConcreteJob)
  method CreateFixedVirtualHardDisk(in Path string, in MaxInternalSize uint64, out Job ref:CIM_ConcreteJob)
  method CreateDifferencingVirtualHardDisk(in Path string, in ParentPath string, out Job ref:CIM_ConcreteJob)
  method GetVirtualHardDiskInfo(
      in Path string,
      out Info string@Msvm_VirtualHardDiskInfo,
      out Job ref:CIM_ConcreteJob)

class Msvm_VirtualSystemSettingData : CIM_VirtualSystemSettingData
  BaseBoardSerialNumber string
  BIOSGUID string
  BIOSNumLock boolean
  BIOSSerialNumber string
  BootOrder uint16[]
  ChassisAssetTag string
  ChassisSerialNumber string
  NumaNodeList uint16[]
  NumaNodesAreRequired boolean
  OtherVirtualSystemType string
  Parent string
  SettingType uint16
  SystemName string
  Notes string
  VirtualSystemType uint16

class Msvm_VirtualSystemGlobalSettingData : CIM_SettingData
  AdditionalRecoveryInformation string
  AllowFullSCSICommandSet boolean
  AutomaticRecoveryAction uint16
  AutomaticShutdownAction uint16
  AutomaticStartupAction uint16
  AutomaticStartupActionDelay datetime
  CreationTime datetime
  DebugChannelId uint32
  DebugPort uint32
  DebugPortEnabled uint16
  ExternalDataRoot string
  OtherVirtualSystemType string
  ScopeOfResidence string
  SettingType uint16
  SnapshotDataRoot string
  SystemName string
  Version string
  VirtualSystemType uint16

class Msvm_ResourceAllocationSettingData : CIM_ResourceAllocationSettingData
  VirtualSystemIdentifiers string[]

class Msvm_ProcessorSettingData : CIM_ResourceAllocationSettingData
  DeviceID string
  DeviceIDFormat string
  IsVirtualized boolean
  LimitCPUID boolean
  LimitProcessorFeatures boolean
  ProcessorsPerSocket uint16
  SocketCount uint16
  ThreadsEnabled boolean

class Msvm_MemorySettingData : CIM_ResourceAllocationSettingData
  DeviceID string
  DeviceIDFormat string
  DynamicMemoryEnabled boolean
  IsVirtualized boolean
  TargetMemoryBuffer uint32

class Msvm_SyntheticEthernetPortSettingData : CIM_ResourceAllocationSettingData
  StaticMacAddress boolean
  VirtualSystemIdentifiers string[]

class Msvm_KvpExchangeDataItem
  Caption string
  Data string
  Description string
  ElementName string
  Name string
  Source uint16

class Msvm_VirtualHardDiskInfo
  FileSize uint64
  InSavedState boolean
  InUse boolean
  MaxInternalSize uint64
  ParentPath string
  Type uint16

class Msvm_SummaryInformation
  CreationTime datetime
  ElementName string
  EnabledState uint16
  GuestOperatingSystem string
  HealthState uint16
  Heartbeat uint16
  MemoryUsage uint64
  Name string
  Notes string
  NumberOfProcessors uint16
  OperationalStatus uint16[]
  ProcessorLoad uint16
  ProcessorLoadHistory uint16[]
  Snapshots object[]
  StatusDescriptions string[]
  ThumbnailImage uint8[]
  UpTime uint64

class Msvm_ShutdownComponent : CIM_LogicalDevice
  method InitiateShutdown(in Force boolean, in Reason string)
class Msvm_HeartbeatComponent : CIM_LogicalDevice
class Msvm_KvpExchangeComponent : CIM_LogicalDevice
  GuestExchangeItems string[]
  GuestIntrinsicExchangeItems string[]
class Msvm_Keyboard : CIM_LogicalDevice
  IsLocked boolean
  Layout string
  NumberOfFunctionKeys uint16
  Password uint16
  method TypeKey(in keyCode uint32)
  method PressKey(in keyCode uint32)
  method ReleaseKey(in keyCode uint32)
  method TypeCtrlAltDel()
class Msvm_ExternalEthernetPort : CIM_EthernetPort
  IsBound boolean
class Msvm_SwitchPort : CIM_LogicalElement
  keys CreationClassName Name SystemCreationClassName SystemName
  CreationClassName string
  ScopeOfResidence string
  SystemCreationClassName string
  SystemName string

class Msvm_ConcreteJob : CIM_ConcreteJob
  Cancellable boolean
  ErrorSummaryDescription string
class Msvm_StorageJob : CIM_ConcreteJob
  Cancellable boolean
  Child string
  JobCompletionStatusCode uint32
  Parent string

assoc Msvm_SettingsDefineState
  keys ManagedElement SettingData
  ManagedElement ref:CIM_ManagedElement
  SettingData ref:CIM_SettingData
assoc Msvm_ElementSettingData
  keys ManagedElement SettingData
  ManagedElement ref:CIM_ManagedElement
  SettingData ref:CIM_SettingData
assoc Msvm_VirtualSystemSettingDataComponent : CIM_Component
assoc Msvm_SystemDevice : CIM_Component
assoc Msvm_HostedService : CIM_Dependency
assoc Msvm_PreviousSettingData : CIM_Dependency
assoc Msvm_SnapshotOfVirtualSystem : CIM_Dependency
assoc Msvm_MostCurrentSnapshotInBranch : CIM_Dependency
assoc Msvm_ParentChildSettingData
  keys Antecedent Dependent
  Antecedent ref:CIM_SettingData
  Dependent ref:CIM_SettingData
assoc Msvm_AffectedJobElement
  keys AffectedElement AffectingElement
  AffectedElement ref:CIM_ManagedElement
  AffectingElement ref:CIM_Job
  ElementEffects uint16[]
  OtherElementEffectsDescriptions string[]
"""
