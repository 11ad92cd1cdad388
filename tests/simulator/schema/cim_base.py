"""DMTF CIM base classes shared by the v1 and v2 Hyper-V namespaces (property names per the CIM
schema as the Hyper-V MOFs inherit them; reference 3.4.7, 5.2, 5.8, 5.10 and the captures' property
sets)."""

CIM_BASE = """
class CIM_ManagedElement
  Caption string
  Description string
  ElementName string
  InstanceID string

class CIM_ManagedSystemElement : CIM_ManagedElement
  CommunicationStatus uint16
  DetailedStatus uint16
  HealthState uint16
  InstallDate datetime
  Name string
  OperatingStatus uint16
  OperationalStatus uint16[]
  PrimaryStatus uint16
  Status string
  StatusDescriptions string[]

class CIM_LogicalElement : CIM_ManagedSystemElement

class CIM_EnabledLogicalElement : CIM_LogicalElement
  AvailableRequestedStates uint16[]
  EnabledDefault uint16
  EnabledState uint16
  OtherEnabledState string
  RequestedState uint16
  TimeOfLastStateChange datetime
  TransitioningToState uint16
  method RequestStateChange(in RequestedState uint16, in TimeoutPeriod datetime, out Job ref:CIM_ConcreteJob)

class CIM_System : CIM_EnabledLogicalElement
  keys CreationClassName Name
  CreationClassName string
  IdentifyingDescriptions string[]
  NameFormat string
  OtherIdentifyingInfo string[]
  PrimaryOwnerContact string
  PrimaryOwnerName string
  Roles string[]

class CIM_ComputerSystem : CIM_System
  Dedicated uint16[]
  OtherDedicatedDescriptions string[]
  PowerManagementCapabilities uint16[]
  ResetCapability uint16

class CIM_Service : CIM_EnabledLogicalElement
  keys CreationClassName Name SystemCreationClassName SystemName
  CreationClassName string
  LoSID string
  LoSOrgID string
  PrimaryOwnerContact string
  PrimaryOwnerName string
  Started boolean
  StartMode string
  SystemCreationClassName string
  SystemName string
  method StartService()
  method StopService()

class CIM_LogicalDevice : CIM_EnabledLogicalElement
  keys CreationClassName DeviceID SystemCreationClassName SystemName
  AdditionalAvailability uint16[]
  Availability uint16
  CreationClassName string
  DeviceID string
  ErrorCleared boolean
  ErrorDescription string
  IdentifyingDescriptions string[]
  LastErrorCode uint32
  MaxQuiesceTime uint64
  OtherIdentifyingInfo string[]
  PowerManagementCapabilities uint16[]
  PowerManagementSupported boolean
  PowerOnHours uint64
  StatusInfo uint16
  SystemCreationClassName string
  SystemName string
  TotalPowerOnHours uint64

class CIM_MediaAccessDevice : CIM_LogicalDevice
  Capabilities uint16[]
  CapabilityDescriptions string[]
  CompressionMethod string
  DefaultBlockSize uint64
  ErrorMethodology string
  LastCleaned datetime
  LoadTime uint64
  MaxAccessTime uint64
  MaxBlockSize uint64
  MaxMediaSize uint64
  MaxUnitsBeforeCleaning uint64
  MediaIsLocked boolean
  MinBlockSize uint64
  MountCount uint64
  NeedsCleaning boolean
  NumberOfMediaSupported uint32
  Security uint16
  TimeOfLastMount datetime
  TotalMountTime uint64
  UncompressedDataRate uint32
  UnitsDescription string
  UnitsUsed uint64
  UnloadTime uint64

class CIM_LogicalPort : CIM_LogicalDevice
  MaxSpeed uint64
  OtherPortType string
  PortType uint16
  RequestedSpeed uint64
  Speed uint64
  UsageRestriction uint16

class CIM_NetworkPort : CIM_LogicalPort
  ActiveMaximumTransmissionUnit uint64
  AutoSense boolean
  FullDuplex boolean
  LinkTechnology uint16
  NetworkAddresses string[]
  OtherLinkTechnology string
  OtherNetworkPortType string
  PermanentAddress string
  PortNumber uint16
  SupportedMaximumTransmissionUnit uint64

class CIM_EthernetPort : CIM_NetworkPort
  MaxDataSize uint32

class CIM_SettingData : CIM_ManagedElement
  keys InstanceID

class CIM_VirtualSystemSettingData : CIM_SettingData
  AutomaticRecoveryAction uint16
  AutomaticShutdownAction uint16
  AutomaticStartupAction uint16
  AutomaticStartupActionDelay datetime
  AutomaticStartupActionSequenceNumber uint16
  ConfigurationDataRoot string
  ConfigurationFile string
  ConfigurationID string
  CreationTime datetime
  LogDataRoot string
  Notes string[]
  RecoveryFile string
  SnapshotDataRoot string
  SuspendDataRoot string
  SwapFileDataRoot string
  VirtualSystemIdentifier string
  VirtualSystemType string

class CIM_ResourceAllocationSettingData : CIM_SettingData
  Address string
  AddressOnParent string
  AllocationUnits string
  AutomaticAllocation boolean
  AutomaticDeallocation boolean
  Connection string[]
  ConsumerVisibility uint16
  HostResource string[]
  Limit uint64
  MappingBehavior uint16
  OtherResourceType string
  Parent string
  PoolID string
  Reservation uint64
  ResourceSubType string
  ResourceType uint16
  VirtualQuantity uint64
  VirtualQuantityUnits string
  Weight uint32

class CIM_Job : CIM_LogicalElement
  DeleteOnCompletion boolean
  ElapsedTime datetime
  ErrorCode uint16
  ErrorDescription string
  JobRunTimes uint32
  JobStatus string
  LocalOrUtcTime uint16
  Notify string
  OtherRecoveryAction string
  Owner string
  PercentComplete uint16
  Priority uint32
  RecoveryAction uint16
  RunDay sint8
  RunDayOfWeek sint8
  RunMonth uint8
  RunStartInterval datetime
  ScheduledStartTime datetime
  StartTime datetime
  TimeSubmitted datetime
  UntilTime datetime

class CIM_ConcreteJob : CIM_Job
  keys InstanceID
  JobState uint16
  TimeBeforeRemoval datetime
  TimeOfLastStateChange datetime
  method GetError(out Error string@CIM_Error)
  method RequestStateChange(in RequestedState uint16, in TimeoutPeriod datetime)

class CIM_Error
  CIMStatusCode uint32
  CIMStatusCodeDescription string
  ErrorSource string
  ErrorSourceFormat uint16
  ErrorType uint16
  Message string
  MessageArguments string[]
  MessageID string
  OtherErrorSourceFormat string
  OtherErrorType string
  OwningEntity string
  PerceivedSeverity uint16
  ProbableCause uint16
  ProbableCauseDescription string
  RecommendedActions string[]

assoc CIM_Dependency
  keys Antecedent Dependent
  Antecedent ref:CIM_ManagedElement
  Dependent ref:CIM_ManagedElement

assoc CIM_Component
  keys GroupComponent PartComponent
  GroupComponent ref:CIM_ManagedElement
  PartComponent ref:CIM_ManagedElement
"""
