"""root/cimv2 host classes clients read (reference 5.14, 10.4 M1)."""

CIMV2 = """
class Win32_ComputerSystem : CIM_ComputerSystem
  keys Name
  DNSHostName string
  Domain string
  Manufacturer string
  Model string
  NumberOfLogicalProcessors uint32
  NumberOfProcessors uint32
  PartOfDomain boolean
  SystemType string
  TotalPhysicalMemory uint64
  UserName string
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
  BuildNumber string
  BuildType string
  CreationClassName string
  CSCreationClassName string
  CSDVersion string
  CSName string
  FreePhysicalMemory uint64
  FreeVirtualMemory uint64
  LastBootUpTime datetime
  LocalDateTime datetime
  Manufacturer string
  NumberOfProcessors uint32
  OSArchitecture string
  OSType uint16
  ProductType uint32
  SerialNumber string
  ServicePackMajorVersion uint16
  ServicePackMinorVersion uint16
  TotalVirtualMemorySize uint64
  TotalVisibleMemorySize uint64
  Version string

class Win32_Processor : CIM_LogicalDevice
  keys DeviceID
  AddressWidth uint16
  Architecture uint16
  CurrentClockSpeed uint32
  DataWidth uint16
  Family uint16
  L2CacheSize uint32
  L3CacheSize uint32
  Manufacturer string
  MaxClockSpeed uint32
  NumberOfCores uint32
  NumberOfEnabledCore uint32 +2016
  NumberOfLogicalProcessors uint32
  ProcessorId string
  ProcessorType uint16
  SocketDesignation string
  ThreadCount uint32 +2016
  VirtualizationFirmwareEnabled boolean

class Win32_PerfRawData_HvStats_HyperVHypervisorVirtualProcessor
  keys Name
  Caption string
  Description string
  Frequency_PerfTime uint64
  Name string
  PercentGuestRunTime uint64
  PercentHypervisorRunTime uint64
  PercentTotalRunTime uint64
  Timestamp_PerfTime uint64

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
"""
