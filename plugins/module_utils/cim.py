# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed CIM values: instances, references (EPRs), embedded CIM-XML instances, WMI object
paths and a WQL builder that escapes every literal.

Typing rule. WS-Management renders every value as text and carries no types, so this module
types a property from, in order:

1. ``PROPERTY_TYPES[class][property]`` - a small table for the classes the collection reads;
2. ``COMMON_TYPES[property]`` - property names whose CIM type is the same in every Msvm and
   CIM class that has them (EnabledState, HealthState, JobState, ResourceType ...);
3. otherwise the value stays text (``str``).

Independent of the tables: ``xsi:nil`` and absent properties are ``None``; ``cim:Datetime``
becomes a timezone-aware ``datetime.datetime``; ``cim:Interval`` a ``datetime.timedelta``; an
element holding ``a:Address``/``a:ReferenceParameters`` a :class:`Reference`; an element with
other child elements (an embedded object such as ``Msvm_SummaryInformation``) an
:class:`Instance`; a repeated element a ``list``. A property typed as an array in a table is
always a list (an absent or nil array is ``None``, a single element a one-item list).
"""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Mapping

from ansible_collections.wsman.hyperv.plugins.module_utils import xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import MalformedResponse, OptionError

try:
    from lxml import etree
except ImportError:  # pragma: no cover - reported through xmlsafe.HAS_LXML
    etree = None

WMI_PREFIX = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

_A = xmlsafe.NS["a"]
_W = xmlsafe.NS["w"]
_CIM = xmlsafe.NS["cim"]
_XSI_NIL = "{%s}nil" % xmlsafe.NS["xsi"]
_DATETIME_TAG = "{%s}Datetime" % _CIM
_INTERVAL_TAG = "{%s}Interval" % _CIM
_ADDRESS_TAG = "{%s}Address" % _A
_REFPARAMS_TAG = "{%s}ReferenceParameters" % _A
_RESOURCE_URI_TAG = "{%s}ResourceURI" % _W
_SELECTOR_SET_TAG = "{%s}SelectorSet" % _W
_SELECTOR_TAG = "{%s}Selector" % _W
_XMLFRAGMENT_TAG = "{%s}XmlFragment" % _W

INTEGER_TYPES = frozenset(
    ("uint8", "uint16", "uint32", "uint64", "sint8", "sint16", "sint32", "sint64", "char16")
)
REAL_TYPES = frozenset(("real32", "real64"))

# -- type tables --------------------------------------------------------------------------

_U16 = "uint16"
_U32 = "uint32"
_U64 = "uint64"
_S = "string"
_B = "boolean"
_DT = "datetime"

COMMON_TYPES = {
    # CIM_ManagedSystemElement / CIM_EnabledLogicalElement, everywhere
    "EnabledState": _U16,
    "RequestedState": _U16,
    "EnabledDefault": _U16,
    "TransitioningToState": _U16,
    "HealthState": _U16,
    "CommunicationStatus": _U16,
    "DetailedStatus": _U16,
    "OperatingStatus": _U16,
    "PrimaryStatus": _U16,
    "OperationalStatus": "uint16[]",
    "StatusDescriptions": "string[]",
    "AvailableRequestedStates": "uint16[]",
    "InstallDate": _DT,
    "TimeOfLastStateChange": _DT,
    # jobs
    "JobState": _U16,
    "JobType": _U16,
    "PercentComplete": _U16,
    "ErrorCode": _U16,
    "Cancellable": _B,
    "DeleteOnCompletion": _B,
    "ElapsedTime": _DT,
    "TimeSubmitted": _DT,
    "StartTime": _DT,
    "TimeBeforeRemoval": _DT,
    "JobCompletionStatusCode": _U32,
    # resource allocation
    "ResourceType": _U16,
    "VirtualQuantity": _U64,
    "Reservation": _U64,
    "Limit": _U64,
    "Weight": _U32,
    "AutomaticAllocation": _B,
    "AutomaticDeallocation": _B,
    "ConsumerVisibility": _U16,
    "MappingBehavior": _U16,
    "HostResource": "string[]",
    "Connection": "string[]",
    "Address": _S,
    "AddressOnParent": _S,
    "VirtualSystemIdentifiers": "string[]",
    # method return
    "ReturnValue": _U32,
}

PROPERTY_TYPES = {
    "Msvm_ComputerSystem": {
        "Dedicated": "uint16[]",
        "EnhancedSessionModeState": _U16,
        "FailedOverReplicationType": _U16,
        "HwThreadsPerCoreRealized": _U32,
        "LastApplicationConsistentReplicationTime": _DT,
        "LastReplicationTime": _DT,
        "LastReplicationType": _U16,
        "LastSuccessfulBackupTime": _DT,
        "NumberOfNumaNodes": _U16,
        "OnTimeInMilliseconds": _U64,
        "PowerManagementCapabilities": "uint16[]",
        "ProcessID": _U32,
        "ReplicationHealth": _U16,
        "ReplicationMode": _U16,
        "ReplicationState": _U16,
        "ResetCapability": _U16,
        "TimeOfLastConfigurationChange": _DT,
        "Roles": "string[]",
        "IdentifyingDescriptions": "string[]",
        "OtherIdentifyingInfo": "string[]",
        "OtherDedicatedDescriptions": "string[]",
    },
    "Msvm_ConcreteJob": {
        "Priority": _U32,
        "JobRunTimes": _U32,
        "LocalOrUtcTime": _U16,
        "RecoveryAction": _U16,
        "ScheduledStartTime": _DT,
        "UntilTime": _DT,
        "RunStartInterval": _DT,
    },
    "Msvm_VirtualSystemSettingData": {
        "AutomaticStartupAction": _U16,
        "AutomaticStartupActionDelay": _DT,
        "AutomaticStartupActionSequenceNumber": _U16,
        "AutomaticShutdownAction": _U16,
        "AutomaticRecoveryAction": _U16,
        "BootOrder": "uint16[]",
        "BootSourceOrder": "string[]",
        "CreationTime": _DT,
        "Notes": "string[]",
        "SecureBootEnabled": _B,
        "TurnOffOnGuestRestart": _B,
        "IsSaved": _B,
        "VirtualNumaEnabled": _B,
        "EnhancedSessionTransportType": _U16,
        "LowMmioGapSize": _U64,
        "HighMmioGapSize": _U64,
        "SettingType": _U16,
        "Version": _S,
        "VirtualSystemSubType": _S,
        "VirtualSystemType": _S,
    },
    "Msvm_ProcessorSettingData": {
        "ExposeVirtualizationExtensions": _B,
        "HwThreadsPerCore": _U64,
        "LimitCPUID": _B,
        "LimitProcessorFeatures": _B,
        "MaxProcessorsPerNumaNode": _U64,
        "MaxNumaNodesPerSocket": _U64,
    },
    "Msvm_MemorySettingData": {
        "DynamicMemoryEnabled": _B,
        "TargetMemoryBuffer": _U32,
        "MaxMemoryBlocksPerNumaNode": _U64,
        "SgxEnabled": _B,
        "SgxSize": _U64,
    },
    "Msvm_SyntheticEthernetPortSettingData": {"StaticMacAddress": _B, "VirtualSystemIdentifiers": "string[]"},
    "Msvm_EmulatedEthernetPortSettingData": {"StaticMacAddress": _B},
    "Msvm_EthernetPortAllocationSettingData": {"EnabledState": _U16, "RequiredFeatures": "string[]"},
    "Msvm_StorageAllocationSettingData": {
        "HostExtentStartingAddress": _U64,
        "HostResourceBlockSize": _U64,
        "VirtualResourceBlockSize": _U64,
        "PersistentReservationsSupported": _B,
        "IOPSLimit": _U64,
        "IOPSReservation": _U64,
    },
    "Msvm_VirtualHardDiskSettingData": {
        "Type": _U16,
        "Format": _U16,
        "MaxInternalSize": _U64,
        "BlockSize": _U32,
        "LogicalSectorSize": _U32,
        "PhysicalSectorSize": _U32,
        "IsPmemCompatible": _B,
        "DataAlignment": _U64,
    },
    "Msvm_KvpExchangeComponent": {
        "GuestIntrinsicExchangeItems": "string[]",
        "GuestExchangeItems": "string[]",
    },
    "Msvm_KvpExchangeComponentSettingData": {"HostExchangeItems": "string[]", "HostOnlyItems": "string[]"},
    "Msvm_KvpExchangeDataItem": {"Source": _U16},
    "Msvm_GuestNetworkAdapterConfiguration": {
        "DHCPEnabled": _B,
        "IPAddresses": "string[]",
        "Subnets": "string[]",
        "DefaultGateways": "string[]",
        "DNSServers": "string[]",
        "IPAddressOrigins": "uint16[]",
        "ProtocolIFType": _U16,
    },
    "Msvm_SummaryInformation": {
        "CreationTime": _DT,
        "NumberOfProcessors": _U16,
        "ProcessorLoad": _U16,
        "ProcessorLoadHistory": "uint16[]",
        "MemoryUsage": _U64,
        "Heartbeat": _U16,
        "UpTime": _U64,
        "Snapshots": "string[]",
        "Notes": _S,
        "MemoryAvailable": "sint32",
        "AvailableMemoryBuffer": "sint32",
        "MemorySpansPhysicalNumaNodes": _B,
        "SwapFilesInUse": _B,
        "Shielded": _B,
        "VirtualSwitchNames": "string[]",
    },
    "Msvm_VirtualEthernetSwitch": {
        "Dedicated": "uint16[]",
        "IdentifyingDescriptions": "string[]",
        "OtherIdentifyingInfo": "string[]",
        "ResetCapability": _U16,
        "MaxVMQOffloads": _U32,
        "MaxChimneyOffloads": _U32,
    },
    "Msvm_AffectedJobElement": {"ElementEffects": "uint16[]"},
    "Msvm_ExternalEthernetPort": {"Speed": _U64, "MaxSpeed": _U64, "MaxDataSize": _U32, "IsBound": _B},
}

KEY_PROPERTIES = {
    "Msvm_ComputerSystem": ("CreationClassName", "Name"),
    "Msvm_VirtualEthernetSwitch": ("CreationClassName", "Name"),
    "Msvm_VirtualSystemManagementService": ("CreationClassName", "Name", "SystemCreationClassName", "SystemName"),
    "Msvm_ImageManagementService": ("CreationClassName", "Name", "SystemCreationClassName", "SystemName"),
    "Msvm_VirtualSystemSnapshotService": ("CreationClassName", "Name", "SystemCreationClassName", "SystemName"),
    "Msvm_VirtualEthernetSwitchManagementService": (
        "CreationClassName", "Name", "SystemCreationClassName", "SystemName"),
    "Msvm_VirtualSwitchManagementService": ("CreationClassName", "Name", "SystemCreationClassName", "SystemName"),
    "Msvm_ConcreteJob": ("InstanceID",),
    "Msvm_StorageJob": ("InstanceID",),
    "Msvm_MigrationJob": ("InstanceID",),
}
_DEVICE_KEYS = ("CreationClassName", "DeviceID", "SystemCreationClassName", "SystemName")
_DEVICE_CLASSES = (
    "Msvm_DiskDrive", "Msvm_LogicalDisk", "Msvm_Keyboard", "Msvm_ShutdownComponent", "Msvm_KvpExchangeComponent",
    "Msvm_HeartbeatComponent", "Msvm_SyntheticEthernetPort", "Msvm_EmulatedEthernetPort", "Msvm_Processor",
    "Msvm_Memory", "Msvm_ExternalEthernetPort", "Msvm_InternalEthernetPort", "Msvm_EthernetSwitchPort",
    "Msvm_SyntheticDisplayController", "Msvm_S3DisplayController", "Msvm_VideoHead",
    "Msvm_TimeSyncComponent", "Msvm_VssComponent", "Msvm_GuestServiceInterfaceComponent",
)
for _cls in _DEVICE_CLASSES:
    KEY_PROPERTIES[_cls] = _DEVICE_KEYS


def key_properties(class_name):
    """Key property names of a class: the table, else InstanceID for setting data, else None."""
    keys = KEY_PROPERTIES.get(class_name)
    if keys:
        return keys
    if class_name.endswith(("SettingData", "Job")):
        return ("InstanceID",)
    return None


def property_type(class_name, prop):
    """The CIM type name the tables give ``class_name.prop`` ('uint16', 'string[]' ...) or None."""
    table = PROPERTY_TYPES.get(class_name)
    if table is not None:
        t = table.get(prop)
        if t is not None:
            return t
    return COMMON_TYPES.get(prop)


# -- datetimes ----------------------------------------------------------------------------

_XS_DATETIME_RE = re.compile(
    r"^\s*(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?\s*$"
)
_XS_DURATION_RE = re.compile(
    r"^\s*(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?\s*$"
)
_DMTF_TS_RE = re.compile(r"^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\.(\d{6})([+-])(\d{3})$")
_DMTF_IV_RE = re.compile(r"^(\d{8})(\d\d)(\d\d)(\d\d)\.(\d{6}):000$")
_TZ_CACHE = {}


def _tz(minutes):
    tz = _TZ_CACHE.get(minutes)
    if tz is None:
        tz = datetime.timezone(datetime.timedelta(minutes=minutes))
        _TZ_CACHE[minutes] = tz
    return tz


def _micro(frac):
    if not frac:
        return 0
    return int((frac + "000000")[:6])


def parse_xs_datetime(text):
    """xs:dateTime (``2024-01-02T03:04:05.123Z``, ``…-07:00``) → aware datetime (naive → UTC)."""
    m = _XS_DATETIME_RE.match(text)
    if not m:
        raise MalformedResponse("unreadable cim:Datetime value %r" % (text[:60],))
    year, mon, day, hh, mm, ss, frac, zone = m.groups()
    if not zone or zone == "Z":
        offset = 0
    else:
        sign = -1 if zone[0] == "-" else 1
        offset = sign * (int(zone[1:3]) * 60 + int(zone[4:6]))
    try:
        return datetime.datetime(int(year), int(mon), int(day), int(hh), int(mm), int(ss), _micro(frac), _tz(offset))
    except ValueError:
        raise MalformedResponse("unreadable cim:Datetime value %r" % (text[:60],)) from None


def parse_xs_duration(text):
    """xs:duration (``P0DT0H1M40S``) → timedelta (a year counts 365 days, a month 30)."""
    m = _XS_DURATION_RE.match(text)
    if not m or text.strip() in ("P", "-P") or text.strip().endswith("T"):
        raise MalformedResponse("unreadable cim:Interval value %r" % (text[:60],))
    neg, years, months, days, hours, minutes, seconds, frac = m.groups()
    delta = datetime.timedelta(
        days=int(years or 0) * 365 + int(months or 0) * 30 + int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
        microseconds=_micro(frac),
    )
    return -delta if neg else delta


def parse_cim_datetime(text):
    """DMTF datetime text: ``yyyymmddHHMMSS.mmmmmmsUUU`` → datetime, ``ddddddddHHMMSS.mmmmmm:000`` →
    timedelta. xs:dateTime / xs:duration text is accepted too."""
    text = text.strip()
    m = _DMTF_IV_RE.match(text)
    if m:
        d, hh, mm, ss, us = m.groups()
        return datetime.timedelta(days=int(d), hours=int(hh), minutes=int(mm), seconds=int(ss), microseconds=int(us))
    m = _DMTF_TS_RE.match(text)
    if m:
        year, mon, day, hh, mm, ss, us, sign, off = m.groups()
        offset = int(off) * (-1 if sign == "-" else 1)
        try:
            return datetime.datetime(int(year), int(mon), int(day), int(hh), int(mm), int(ss), int(us), _tz(offset))
        except ValueError:
            raise MalformedResponse("unreadable CIM datetime %r" % (text[:60],)) from None
    if text.startswith(("P", "-P")):
        return parse_xs_duration(text)
    return parse_xs_datetime(text)


def format_cim_datetime(value):
    """datetime → ``yyyymmddHHMMSS.mmmmmm+UUU``; timedelta → ``ddddddddHHMMSS.mmmmmm:000`` (DMTF)."""
    if isinstance(value, datetime.timedelta):
        if value < datetime.timedelta(0):
            raise OptionError("a CIM interval cannot be negative: %s" % value)
        secs = value.seconds
        return "%08d%02d%02d%02d.%06d:000" % (
            value.days, secs // 3600, (secs // 60) % 60, secs % 60, value.microseconds)
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        minutes = 0 if offset is None else int(offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        return "%04d%02d%02d%02d%02d%02d.%06d%s%03d" % (
            value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond,
            sign, abs(minutes))
    raise OptionError("not a datetime or timedelta: %r" % (value,))


# -- scalar conversion --------------------------------------------------------------------

def convert_text(cim_type, text, where=""):
    """Convert the text of one value to the Python type of a CIM type name (without ``[]``)."""
    if cim_type is None or cim_type == "string":
        return text
    if cim_type in INTEGER_TYPES:
        stripped = text.strip()
        if not stripped:
            return None
        try:
            return int(stripped)
        except ValueError:
            raise MalformedResponse("%s: expected an integer, got %r" % (where or cim_type, text[:60])) from None
    if cim_type == "boolean":
        low = text.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        if not low:
            return None
        raise MalformedResponse("%s: expected a boolean, got %r" % (where or cim_type, text[:60]))
    if cim_type in REAL_TYPES:
        try:
            return float(text)
        except ValueError:
            raise MalformedResponse("%s: expected a number, got %r" % (where or cim_type, text[:60])) from None
    if cim_type == "datetime":
        if not text.strip():
            return None
        return parse_cim_datetime(text)
    return text


def convert(class_name, prop, text):
    """Type the text of ``class_name.prop`` according to the tables (scalar part only)."""
    t = property_type(class_name, prop)
    if t is not None and t.endswith("[]"):
        t = t[:-2]
    return convert_text(t, text, "%s.%s" % (class_name, prop))


# -- references ---------------------------------------------------------------------------

class Reference:
    """A reference to a CIM instance (WS-Addressing EndpointReference): resource URI + key selectors."""

    __slots__ = ("resource_uri", "selectors", "address")

    def __init__(self, resource_uri, selectors, address=ANONYMOUS):
        self.resource_uri = resource_uri
        self.selectors = dict(selectors or {})
        self.address = address or ANONYMOUS

    @property
    def class_name(self):
        """Class named by the resource URI's last segment."""
        return self.resource_uri.rstrip("/").rsplit("/", 1)[-1]

    @property
    def namespace(self):
        """WMI namespace of the resource URI ('root/virtualization/v2'), '' for non-WMI URIs."""
        if self.resource_uri.lower().startswith(WMI_PREFIX):
            return self.resource_uri[len(WMI_PREFIX):].rsplit("/", 1)[0]
        return ""

    def _key(self):
        return (self.resource_uri.lower(), tuple(sorted((k.lower(), str(v)) for k, v in self.selectors.items())))

    def __eq__(self, other):
        if not isinstance(other, Reference):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return "Reference(%r, %r)" % (self.resource_uri, self.selectors)

    def object_path(self, host=None):
        """WMI object path (reference 3.5) of the referenced instance."""
        return object_path(self.class_name, self.selectors, host=host, namespace=self.namespace or None)

    @classmethod
    def from_element(cls, el):
        """Read an EPR from an element whose children are a:Address / a:ReferenceParameters
        (or an a:EndpointReference element itself)."""
        params = el.find(_REFPARAMS_TAG)
        if params is None:
            raise MalformedResponse("an endpoint reference without a:ReferenceParameters")
        uri_el = params.find(_RESOURCE_URI_TAG)
        if uri_el is None or not (uri_el.text or "").strip():
            raise MalformedResponse("an endpoint reference without w:ResourceURI")
        selectors = {}
        sel_set = params.find(_SELECTOR_SET_TAG)
        if sel_set is not None:
            for sel in sel_set.iter(_SELECTOR_TAG):
                name = sel.get("Name")
                if name is None:
                    raise MalformedResponse("a w:Selector without a Name attribute")
                nested = sel.find("{%s}EndpointReference" % _A)
                selectors[name] = cls.from_element(nested) if nested is not None else (sel.text or "")
        addr = el.find(_ADDRESS_TAG)
        return cls(uri_el.text.strip(), selectors, address=(addr.text or "").strip() if addr is not None else ANONYMOUS)

    def append_to(self, parent):
        """Write a:Address and a:ReferenceParameters as children of ``parent`` (an lxml element)."""
        addr = etree.SubElement(parent, _ADDRESS_TAG, nsmap={"a": _A})
        addr.text = self.address or ANONYMOUS
        params = etree.SubElement(parent, _REFPARAMS_TAG)
        uri = etree.SubElement(params, _RESOURCE_URI_TAG, nsmap={"w": _W})
        uri.text = self.resource_uri
        if self.selectors:
            sel_set = etree.SubElement(params, _SELECTOR_SET_TAG)
            for name, value in self.selectors.items():
                sel = etree.SubElement(sel_set, _SELECTOR_TAG, Name=name)
                if isinstance(value, Reference):
                    epr = etree.SubElement(sel, "{%s}EndpointReference" % _A)
                    value.append_to(epr)
                else:
                    sel.text = _selector_text(value)
        return parent


def _selector_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_epr(el):
    return el.find(_REFPARAMS_TAG) is not None


# -- instances ----------------------------------------------------------------------------

class Instance(Mapping):
    """A typed CIM instance: ``inst["EnabledState"] -> 2``. Absent properties read as None via get()."""

    __slots__ = ("class_name", "resource_uri", "properties", "raw_xml")

    def __init__(self, class_name, properties, resource_uri="", raw_xml=None):
        self.class_name = class_name
        self.resource_uri = resource_uri
        self.properties = properties
        self.raw_xml = raw_xml

    def __getitem__(self, key):
        return self.properties[key]

    def get(self, key, default=None):
        # Mapping.get goes through __getitem__ and a KeyError; facts read ~40 properties per VM this way
        return self.properties.get(key, default)

    def __contains__(self, key):
        return key in self.properties

    def __iter__(self):
        return iter(self.properties)

    def __len__(self):
        return len(self.properties)

    def __repr__(self):
        return "Instance(%r, %d properties)" % (self.class_name, len(self.properties))

    @property
    def namespace(self):
        """WMI namespace of the instance's class URI ('' when unknown)."""
        if self.resource_uri.lower().startswith(WMI_PREFIX):
            return self.resource_uri[len(WMI_PREFIX):].rsplit("/", 1)[0]
        return ""

    def reference(self, keys=None):
        """A :class:`Reference` to this instance built from its key properties."""
        keys = keys or key_properties(self.class_name)
        if not keys:
            raise OptionError("the key properties of %s are not known; pass keys=" % self.class_name)
        selectors = {}
        for key in keys:
            value = self.properties.get(key)
            if value is None:
                raise OptionError("%s has no value for its key property %s" % (self.class_name, key))
            selectors[key] = value
        if not self.resource_uri:
            raise OptionError("%s was read without a class URI (projection); it cannot be referenced" % self.class_name)
        return Reference(self.resource_uri, selectors)


def _value_of(el, class_name, name, scalar_type):
    """Typed value of one property element (None for nil)."""
    if el.get(_XSI_NIL) in ("true", "1"):
        return None
    if len(el):
        first = el[0]
        tag = first.tag
        if tag == _DATETIME_TAG or (isinstance(tag, str) and tag.endswith("}Datetime")) or tag == "Datetime":
            return parse_xs_datetime(first.text or "")
        if tag == _INTERVAL_TAG or tag == "Interval" or (isinstance(tag, str) and tag.endswith("}Interval")):
            return parse_xs_duration(first.text or "")
        if _is_epr(el):
            return Reference.from_element(el)
        if tag == "{%s}Date" % _CIM:
            return first.text
        return parse_instance(el, class_hint=name)
    return convert_text(scalar_type, el.text or "", "%s.%s" % (class_name, name)) if scalar_type else (el.text or "")


_TYPE_CACHE = {}


def _types_for(class_name):
    cached = _TYPE_CACHE.get(class_name)
    if cached is None:
        cached = dict(COMMON_TYPES)
        cached.update(PROPERTY_TYPES.get(class_name, {}))
        cached = {k: (v[:-2], True) if v.endswith("[]") else (None if v == "string" else v, False)
                  for k, v in cached.items()}
        _TYPE_CACHE[class_name] = cached
    return cached


_TAGMAPS = {}
_TYPE_CACHES = {"xs:dateTime": {}}  # CIM type -> {text: converted value} (values are immutable)
_CLASS_ARRAYS = {}
_MISSING = object()


def _tag_info(class_name, ctag):
    """(property name, value cache of its type or None for text, scalar type, is array) of a child tag."""
    name = ctag[ctag.index("}") + 1:] if ctag[0] == "{" else ctag
    spec = _types_for(class_name).get(name)
    if spec is None:
        return sys.intern(name), None, None, False
    scalar_type = spec[0]
    tcache = None if scalar_type is None else _TYPE_CACHES.setdefault(scalar_type, {})
    return sys.intern(name), tcache, scalar_type, spec[1]


def _class_arrays(class_name):
    names = _CLASS_ARRAYS.get(class_name)
    if names is None:
        table = PROPERTY_TYPES.get(class_name, {})
        names = _CLASS_ARRAYS[class_name] = tuple(k for k, v in table.items() if v.endswith("[]"))
    return names


def _embedded_class(el, class_hint):
    for sub in el:
        tag = sub.tag
        if isinstance(tag, str) and tag.startswith("{"):
            ns = tag[1:].split("}", 1)[0]
            if ns.lower().startswith(WMI_PREFIX):
                return ns.rsplit("/", 1)[-1], ns
            break
    xsi_type = el.get("{%s}type" % xmlsafe.NS["xsi"]) or ""
    name = xsi_type.rsplit(":", 1)[-1]
    if name.endswith("_Type"):
        return name[:-5], ""
    return class_hint or "", ""


_SKIP = ("", None, None, False)


def parse_instance(el, class_hint=None, keep_xml=True, only=None):
    """Turn one instance element (``p:<Class>``, ``w:XmlFragment`` or an embedded object) into an Instance.

    ``keep_xml=False`` leaves ``raw_xml`` None: the instance then holds no reference to the lxml tree of
    its response, which is freed as soon as its items are parsed (WSManClient does this by default).
    ``only`` (a frozenset of property names): the other properties are skipped, neither converted nor
    stored (a client-side projection, for queries that cannot be projected on the host)."""
    tag = el.tag
    if tag == _XMLFRAGMENT_TAG:
        class_name = class_hint or ""
        resource_uri = ""
    else:
        ns, _sep, local = tag[1:].partition("}") if tag[0] == "{" else ("", "", tag)
        resource_uri = ns if ns.lower().startswith(WMI_PREFIX) else ""
        # an embedded object element is named after the property; its namespace names the class
        class_name = local
        if not resource_uri.endswith("/" + local):
            # an embedded object held in a property element: its children name the class (2.8)
            class_name, resource_uri = _embedded_class(el, class_hint)
    map_key = class_name if only is None else (class_name, only)
    tagmap = _TAGMAPS.get(map_key)
    if tagmap is None:
        tagmap = _TAGMAPS[map_key] = {}
    props = {}
    arrays = None
    missing = _MISSING
    nil_attr = _XSI_NIL
    tagmap_get = tagmap.get
    for child in el:
        ctag = child.tag
        info = tagmap_get(ctag)
        if info is None:
            if not isinstance(ctag, str):
                continue
            info = _tag_info(class_name, ctag)
            if only is not None and info[0] not in only:
                info = _SKIP
            tagmap[ctag] = info
        if info is _SKIP:
            continue
        name, tcache, scalar_type, is_array = info
        text = child.text
        if text is not None and not (text.isspace() and len(child)):
            # the common, fast case: a text-only element
            if tcache is None:
                value = text
            else:
                value = tcache.get(text, missing)
                if value is missing:
                    value = convert_text(scalar_type, text, "%s.%s" % (class_name, name))
                    if len(tcache) > 5000:
                        tcache.clear()
                    tcache[text] = value
        elif text is None and child.get(nil_attr) in ("true", "1"):
            value = None
        elif not len(child):
            value = "" if scalar_type is None else convert_text(scalar_type, "", "%s.%s" % (class_name, name))
        else:
            first = child[0]
            if first.tag == _DATETIME_TAG and not len(first):
                dtext = first.text or ""
                dcache = _TYPE_CACHES["xs:dateTime"]
                value = dcache.get(dtext, _MISSING)
                if value is _MISSING:
                    if len(dcache) > 5000:
                        dcache.clear()
                    value = dcache[dtext] = parse_xs_datetime(dtext)
            else:
                value = _value_of(child, class_name, name, scalar_type)
        if name in props:
            if arrays is None:
                arrays = set()
            existing = props[name]
            if name in arrays:
                if value is not None:
                    existing.append(value)
            else:
                props[name] = [existing] if existing is not None else []
                arrays.add(name)
                if value is not None:
                    props[name].append(value)
        elif is_array:
            props[name] = [value] if value is not None else None
            if value is not None:
                if arrays is None:
                    arrays = set()
                arrays.add(name)
        else:
            props[name] = value
    for name in _class_arrays(class_name):
        if name not in props and (only is None or name in only):
            props[name] = None
    return Instance(class_name, props, resource_uri, el if keep_xml else None)


# -- embedded instances (DMTF CIM-XML, reference 2.8) -------------------------------------

def _infer_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "sint64" if value < 0 else "uint64"
    if isinstance(value, float):
        return "real64"
    if isinstance(value, (datetime.datetime, datetime.timedelta)):
        return "datetime"
    return "string"


def _cimxml_text(value, host):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.timedelta)):
        return format_cim_datetime(value)
    if isinstance(value, Reference):
        return value.object_path(host=host)
    return str(value)


class EmbeddedInstance:
    """A CIM instance serialized as DMTF CIM-XML INSTANCE text, for string parameters that carry an
    EmbeddedInstance qualifier (DefineSystem, ModifyResourceSettings, AddResourceSettings ...)."""

    def __init__(self, class_name, properties=(), types=()):
        _check_name(class_name, "class name")
        self.class_name = class_name
        self.properties = dict(properties)
        self.types = dict(types)
        for name in self.properties:
            _check_name(name, "property name")

    def __repr__(self):
        return "EmbeddedInstance(%r, %r)" % (self.class_name, sorted(self.properties))

    def __getitem__(self, key):
        return self.properties[key]

    def get(self, key, default=None):
        """Property value or ``default``."""
        return self.properties.get(key, default)

    def type_of(self, name):
        """CIM type used for ``name`` (explicit types, then the tables, then inferred from the value)."""
        t = self.types.get(name) or property_type(self.class_name, name)
        if t:
            return t[:-2] if t.endswith("[]") else t
        value = self.properties.get(name)
        if isinstance(value, (list, tuple)):
            value = next((v for v in value if v is not None), "")
        return _infer_type(value)

    def to_cimxml(self, host=None):
        """The INSTANCE text; None values are omitted; Reference values become WMI path strings."""
        root = etree.Element("INSTANCE", CLASSNAME=self.class_name)
        for name, value in self.properties.items():
            if value is None:
                continue
            cim_type = self.type_of(name)
            if cim_type == "reference":
                cim_type = "string"
            if isinstance(value, (list, tuple)):
                prop = etree.SubElement(root, "PROPERTY.ARRAY", NAME=name, TYPE=cim_type)
                arr = etree.SubElement(prop, "VALUE.ARRAY")
                for item in value:
                    if item is None:
                        continue
                    etree.SubElement(arr, "VALUE").text = _cimxml_text(item, host)
            else:
                prop = etree.SubElement(root, "PROPERTY", NAME=name, TYPE=cim_type)
                etree.SubElement(prop, "VALUE").text = _cimxml_text(value, host)
        return etree.tostring(root, encoding="unicode")

    @classmethod
    def parse(cls, text):
        """Read CIM-XML INSTANCE text (KVP items, GetVirtualHardDiskSettingData output), typed by TYPE."""
        return cls.from_element(xmlsafe.parse_fragment(text))

    @classmethod
    def from_element(cls, root):
        """Read a parsed CIM-XML INSTANCE element (see :meth:`parse`)."""
        if root.tag != "INSTANCE":
            raise MalformedResponse("embedded instance text does not start with INSTANCE (got %r)" % root.tag)
        class_name = root.get("CLASSNAME") or ""
        props = {}
        types = {}
        for prop in root:
            tag = prop.tag
            if not isinstance(tag, str):
                continue
            name = prop.get("NAME")
            if not name:
                continue
            cim_type = prop.get("TYPE") or ("reference" if tag == "PROPERTY.REFERENCE" else "string")
            where = "%s.%s" % (class_name, name)
            if tag == "PROPERTY":
                value_el = prop.find("VALUE")
                props[name] = None if value_el is None else convert_text(cim_type, value_el.text or "", where)
                types[name] = cim_type
            elif tag == "PROPERTY.ARRAY":
                arr = prop.find("VALUE.ARRAY")
                if arr is None:
                    props[name] = None
                else:
                    props[name] = [convert_text(cim_type, v.text or "", where) for v in arr.findall("VALUE")]
                types[name] = cim_type + "[]"
            elif tag == "PROPERTY.REFERENCE":
                props[name] = xmlsafe.text(prop).strip() or None
                types[name] = "reference"
        return cls(class_name, props, types)


# -- WMI object paths (reference 3.5) -----------------------------------------------------

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_name(name, what):
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise OptionError("invalid CIM %s %r: only letters, digits and _ are allowed" % (what, name))
    return name


def _path_value(value):
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def object_path(class_name, keys, host=None, namespace=None):
    """WMI object path: ``\\\\HOST\\root\\virtualization\\v2:Class.Key="v",…`` (keys alphabetical,
    backslashes and double quotes in values escaped). Without host/namespace: ``Class.Key="v"``."""
    _check_name(class_name, "class name")
    parts = []
    for name in sorted(keys, key=str.lower):
        _check_name(name, "key name")
        parts.append("%s=%s" % (name, _path_value(keys[name])))
    path = class_name + ("." + ",".join(parts) if parts else "")
    if namespace:
        ns = namespace.replace("/", "\\")
        path = "%s:%s" % (ns, path)
        if host:
            path = "\\\\%s\\%s" % (host, path)
    return path


# -- WQL -----------------------------------------------------------------------------------

_WQL_OPS = ("=", "!=", "<>", "<", ">", "<=", ">=")


def wql_name(name):
    """Validate a class or property name for WQL (letters, digits, _; system properties like __PATH)."""
    return _check_name(name, "name")


def wql_literal(value):
    """A WQL constant: strings quoted with ' and \\\\ \\' \\" escaped; ints bare; booleans TRUE/FALSE."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise OptionError("WQL has no portable real literal; compare with an integer or a string")
    text = str(value)
    if "\x00" in text:
        raise OptionError("a WQL string cannot contain a NUL character")
    return "'%s'" % text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')


def like_escape(text):
    """Make ``text`` match itself in a WQL LIKE pattern: [ % _ are bracketed."""
    return str(text).replace("[", "[[]").replace("%", "[%]").replace("_", "[_]")


def wql_compare(prop, op, value):
    """``prop op literal`` with IS NULL / IS NOT NULL for None."""
    wql_name(prop)
    if op not in _WQL_OPS:
        raise OptionError("invalid WQL operator %r (allowed: %s)" % (op, ", ".join(_WQL_OPS)))
    if value is None:
        if op == "=":
            return "%s IS NULL" % prop
        if op in ("!=", "<>"):
            return "%s IS NOT NULL" % prop
        raise OptionError("NULL can only be compared with = or !=")
    return "%s %s %s" % (prop, op, wql_literal(value))


def wql_eq(prop, value):
    """``prop = literal`` (``prop IS NULL`` for None)."""
    return wql_compare(prop, "=", value)


def wql_ne(prop, value):
    """``prop != literal`` (``prop IS NOT NULL`` for None)."""
    return wql_compare(prop, "!=", value)


def wql_like(prop, prefix="", suffix="", contains=None, any_middle=True):
    """``prop LIKE 'prefix%suffix'`` with every part matched literally (contains → ``%part%``)."""
    wql_name(prop)
    if contains is not None:
        pattern = "%" + like_escape(contains) + "%"
    else:
        pattern = like_escape(prefix) + ("%" if any_middle else "") + like_escape(suffix)
    return "%s LIKE %s" % (prop, wql_literal(pattern))


def wql_and(*conds):
    """Conjunction of conditions, each parenthesised."""
    conds = [c for c in conds if c]
    if len(conds) == 1:
        return conds[0]
    return " AND ".join("(%s)" % c for c in conds)


def wql_or(*conds):
    """Disjunction of conditions, each parenthesised."""
    conds = [c for c in conds if c]
    if len(conds) == 1:
        return conds[0]
    return " OR ".join("(%s)" % c for c in conds)


def wql_select(class_name, where=None, properties=None):
    """``SELECT * FROM Class [WHERE …]`` (or a projection of validated property names)."""
    wql_name(class_name)
    if properties:
        cols = ", ".join(wql_name(p) for p in properties)
    else:
        cols = "*"
    query = "SELECT %s FROM %s" % (cols, class_name)
    if where:
        query += " WHERE " + where
    return query


def wql_associators(ref, assoc_class=None, result_class=None, role=None, result_role=None):
    """``ASSOCIATORS OF {path} WHERE AssocClass = A ResultClass = R …`` for a Reference or Instance."""
    if isinstance(ref, Instance):
        ref = ref.reference()
    path = object_path(ref.class_name, ref.selectors)
    words = []
    for kw, val in (("AssocClass", assoc_class), ("ResultClass", result_class), ("Role", role),
                    ("ResultRole", result_role)):
        if val:
            words.append("%s = %s" % (kw, wql_name(val)))
    query = "ASSOCIATORS OF {%s}" % path
    if words:
        query += " WHERE " + " ".join(words)
    return query


_FROM_RE = re.compile(r"\bFROM\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_RESULTCLASS_RE = re.compile(r"\bResultClass\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def wql_class(query):
    """Class a WQL query reads (FROM clause or ResultClass), or None."""
    m = _FROM_RE.search(query) if query.lstrip()[:6].upper() == "SELECT" else _RESULTCLASS_RE.search(query)
    return m.group(1) if m else None
