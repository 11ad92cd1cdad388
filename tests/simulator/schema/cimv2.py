"""root/cimv2 host classes clients read (reference 5.14, 10.4 M1)."""

# the raw uint64 counters of Win32_PerfRawData_HvStats_HyperVHypervisorVirtualProcessor
_PERF_TABLE = """
AddressDomainFlushesPersec AddressSpaceEvictionsPersec AddressSpaceFlushesPersec AddressSpaceSwitchesPersec
APICEOIAccessesPersec APICIPIsSentPersec APICMMIOAccessesPersec APICSelfIPIsSentPersec APICTPRAccessesPersec
ControlRegisterAccessesCost ControlRegisterAccessesCost_Base ControlRegisterAccessesPersec CPUIDInstructionsCost
CPUIDInstructionsCost_Base CPUIDInstructionsPersec CPUWaitTimePerDispatch CPUWaitTimePerDispatch_Base
DebugRegisterAccessesCost DebugRegisterAccessesCost_Base DebugRegisterAccessesPersec EmulatedInstructionsCost
EmulatedInstructionsCost_Base EmulatedInstructionsPersec ExternalInterruptsCost ExternalInterruptsCost_Base
ExternalInterruptsPersec Frequency_Object Frequency_PerfTime Frequency_Sys100NS GlobalGVARangeFlushesPersec
GPASpaceHypercallsPersec GuestPageTableMapsPersec HardwareInterruptsPersec HLTInstructionsCost HLTInstructionsCost_Base
HLTInstructionsPersec HypercallsCost HypercallsCost_Base HypercallsPersec IOInstructionsCost IOInstructionsCost_Base
IOInstructionsPersec IOInterceptMessagesPersec LargePageTLBFillsPersec LocalFlushedGVARangesPersec
LogicalProcessorDispatchesPersec LogicalProcessorHypercallsPersec LogicalProcessorMigrationsPersec
LongSpinWaitHypercallsPersec MemoryInterceptMessagesPersec MSRAccessesCost MSRAccessesCost_Base MSRAccessesPersec
MWAITInstructionsCost MWAITInstructionsCost_Base MWAITInstructionsPersec NestedPageFaultInterceptsCost
NestedPageFaultInterceptsCost_Base NestedPageFaultInterceptsPersec OtherHypercallsPersec OtherInterceptsCost
OtherInterceptsCost_Base OtherInterceptsPersec OtherMessagesPersec PageFaultInterceptsCost PageFaultInterceptsCost_Base
PageFaultInterceptsPersec PageInvalidationsCost PageInvalidationsCost_Base PageInvalidationsPersec
PageTableAllocationsPersec PageTableEvictionsPersec PageTableReclamationsPersec PageTableResetsPersec
PageTableValidationsPersec PageTableWriteInterceptsPersec PendingInterruptsCost PendingInterruptsCost_Base
PendingInterruptsPersec PercentGuestRunTime PercentGuestRunTime_Base PercentHypervisorRunTime
PercentHypervisorRunTime_Base PercentRemoteRunTime PercentRemoteRunTime_Base PercentTotalRunTime PercentTotalRunTime_Base
ReflectedGuestPageFaultsPersec SmallPageTLBFillsPersec SyntheticInterruptHypercallsPersec SyntheticInterruptsPersec
Timestamp_Object Timestamp_PerfTime Timestamp_Sys100NS TotalInterceptsCost TotalInterceptsCost_Base
TotalInterceptsPersec TotalMessagesPersec VirtualInterruptHypercallsPersec VirtualInterruptsPersec
VirtualMMUHypercallsPersec VirtualProcessorHypercallsPersec
"""
PERF_COUNTERS = tuple(_PERF_TABLE.split())

CIMV2 = """
class Win32_ComputerSystem : CIM_ComputerSystem
  keys Name
  AdminPasswordStatus uint16
  AutomaticManagedPagefile boolean
  AutomaticResetBootOption boolean
  AutomaticResetCapability boolean
  BootOptionOnLimit uint16
  BootOptionOnWatchDog uint16
  BootROMSupported boolean
  BootupState string
  ChassisBootupState uint16
  CurrentTimeZone sint16
  DaylightInEffect boolean
  DNSHostName string
  Domain string
  DomainRole uint16
  EnableDaylightSavingsTime boolean
  FrontPanelResetStatus uint16
  HypervisorPresent boolean +2012
  InfraredSupported boolean
  KeyboardPasswordStatus uint16
  LastLoadInfo string
  Manufacturer string
  Model string
  NetworkServerModeEnabled boolean
  NumberOfLogicalProcessors uint32
  NumberOfProcessors uint32
  OEMLogoBitmap uint8[]
  OEMStringArray string[]
  PartOfDomain boolean
  PauseAfterReset sint64
  PCSystemType uint16
  PCSystemTypeEx uint16 +2012
  PowerManagementSupported boolean
  PowerOnPasswordStatus uint16
  PowerState uint16
  PowerSupplyState uint16
  ResetCount sint16
  ResetLimit sint16
  SupportContactDescription string[]
  SystemStartupDelay uint16
  SystemStartupOptions string[]
  SystemStartupSetting uint8
  SystemType string
  ThermalState uint16
  TotalPhysicalMemory uint64
  UserName string
  WakeUpType uint16
  Workgroup string

class Win32_ComputerSystemProduct : CIM_ManagedElement
  keys IdentifyingNumber Name Version
  IdentifyingNumber string
  Name string
  SKUNumber string
  UUID string
  Vendor string
  Version string

class Win32_OperatingSystem : CIM_EnabledLogicalElement
  keys CreationClassName CSCreationClassName CSName Name
  BootDevice string
  BuildNumber string
  BuildType string
  CodeSet string
  CountryCode string
  CreationClassName string
  CSCreationClassName string
  CSDVersion string
  CSName string
  CurrentTimeZone sint16
  DataExecutionPrevention_32BitApplications boolean
  DataExecutionPrevention_Available boolean
  DataExecutionPrevention_Drivers boolean
  DataExecutionPrevention_SupportPolicy uint8
  Debug boolean
  Distributed boolean
  EncryptionLevel uint32
  ForegroundApplicationBoost uint8
  FreePhysicalMemory uint64
  FreeSpaceInPagingFiles uint64
  FreeVirtualMemory uint64
  LargeSystemCache uint32
  LastBootUpTime datetime
  LocalDateTime datetime
  Locale string
  Manufacturer string
  MaxNumberOfProcesses uint32
  MaxProcessMemorySize uint64
  MUILanguages string[]
  NumberOfLicensedUsers uint32
  NumberOfProcesses uint32
  NumberOfUsers uint32
  OperatingSystemSKU uint32
  Organization string
  OSArchitecture string
  OSLanguage uint32
  OSProductSuite uint32
  OSType uint16
  OtherTypeDescription string
  PAEEnabled boolean
  PlusProductID string
  PlusVersionNumber string
  PortableOperatingSystem boolean +2012
  Primary boolean
  ProductType uint32
  RegisteredUser string
  SerialNumber string
  ServicePackMajorVersion uint16
  ServicePackMinorVersion uint16
  SizeStoredInPagingFiles uint64
  SuiteMask uint32
  SystemDevice string
  SystemDirectory string
  SystemDrive string
  TotalSwapSpaceSize uint64
  TotalVirtualMemorySize uint64
  TotalVisibleMemorySize uint64
  Version string
  WindowsDirectory string

class Win32_Processor : CIM_LogicalDevice
  keys DeviceID
  AddressWidth uint16
  Architecture uint16
  ConfigManagerErrorCode uint32
  ConfigManagerUserConfig boolean
  CpuStatus uint16
  CurrentClockSpeed uint32
  CurrentVoltage uint16
  DataWidth uint16
  ExtClock uint32
  Family uint16
  L2CacheSize uint32
  L2CacheSpeed uint32
  L3CacheSize uint32
  L3CacheSpeed uint32
  Level uint16
  LoadPercentage uint16
  Manufacturer string
  MaxClockSpeed uint32
  NumberOfCores uint32
  NumberOfEnabledCore uint32 +2016
  NumberOfLogicalProcessors uint32
  OtherFamilyDescription string
  PNPDeviceID string
  ProcessorId string
  ProcessorType uint16
  Revision uint16
  Role string
  SecondLevelAddressTranslationExtensions boolean +2012
  SocketDesignation string
  Stepping string
  ThreadCount uint32 +2016
  UniqueId string
  UpgradeMethod uint16
  Version string
  VirtualizationFirmwareEnabled boolean +2012
  VMMonitorModeExtensions boolean +2012
  VoltageCaps uint32

# the raw counters of one virtual processor (PERF_COUNTERS below, all uint64), as libvirt's vcpuinfo reads them
class Win32_PerfRawData_HvStats_HyperVHypervisorVirtualProcessor
  keys Name
  Caption string
  Description string
  Name string
{perf_counters}

assoc Win32_ComputerSystemProcessor : CIM_Component

# files of the host's disks (model/datafiles.py: one instance per Host.files entry; WMI's key is Name)
class CIM_LogicalFile : CIM_LogicalElement
  keys Name
  AccessMask uint32
  Archive boolean
  Compressed boolean
  CompressionMethod string
  CreationClassName string
  CreationDate datetime
  CSCreationClassName string
  CSName string
  Drive string
  EightDotThreeFileName string
  Encrypted boolean
  EncryptionMethod string
  Extension string
  FileName string
  FileSize uint64
  FileType string
  FSCreationClassName string
  FSName string
  Hidden boolean
  InUseCount uint64
  LastAccessed datetime
  LastModified datetime
  Path string
  Readable boolean
  System boolean
  Writeable boolean
  method Delete()

class CIM_DataFile : CIM_LogicalFile
  Manufacturer string
  Version string
""".format(perf_counters="\n".join("  %s uint64" % name for name in PERF_COUNTERS))
