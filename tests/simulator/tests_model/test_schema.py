import pytest

from tests.simulator.errors import UnknownClass, UnknownNamespace
from tests.simulator.personas import get_persona
from tests.simulator.schema import build_schema

NS = "root/virtualization/v2"


def test_properties_in_case_insensitive_alphabetical_order():
    cd = build_schema("2022").get_class(NS, "Msvm_ComputerSystem")
    names = [p.name for p in cd.properties]
    assert names == sorted(names, key=str.lower)
    assert names.count("ElementName") == 1


def test_vm_computer_system_property_set_matches_a_recent_host():
    # the element set of a real 2016+ VM instance (capture CS-A), null arrays included by the schema
    names = {p.name for p in build_schema("2025").get_class(NS, "Msvm_ComputerSystem").properties}
    for n in (
        "EnhancedSessionModeState",
        "HwThreadsPerCoreRealized",
        "ManagementVtlImageFileName",
        "OnTimeInMilliseconds",
        "ProcessID",
        "TimeOfLastConfigurationChange",
        "TransitioningToState",
    ):
        assert n in names


def test_class_version_drift():
    old = build_schema("2012r2").get_class(NS, "Msvm_SyntheticEthernetPortSettingData")
    new = build_schema("2016").get_class(NS, "Msvm_SyntheticEthernetPortSettingData")
    assert old.prop("DeviceNamingEnabled") is None and new.prop("DeviceNamingEnabled") is not None
    assert build_schema("2012r2").get_class(NS, "Msvm_VirtualSystemSettingData").prop("SecureBootTemplateId") is None
    assert build_schema("2016").get_class(NS, "Msvm_SummaryInformation").prop("Version") is not None


def test_device_setting_classes_are_siblings_not_subclasses_of_rasd():
    s = build_schema("2022")
    assert not s.is_a(NS, "Msvm_ProcessorSettingData", "Msvm_ResourceAllocationSettingData")
    assert s.is_a(NS, "Msvm_StorageAllocationSettingData", "CIM_ResourceAllocationSettingData")
    assert "Msvm_StorageAllocationSettingData" not in s.subclasses(NS, "Msvm_ResourceAllocationSettingData")
    assert s.is_a(NS, "Msvm_StorageJob", "CIM_ConcreteJob") and not s.is_a(NS, "Msvm_StorageJob", "Msvm_ConcreteJob")


def test_keys_and_methods():
    s = build_schema("2022")
    assert s.get_class(NS, "msvm_keyboard").keys == (
        "CreationClassName",
        "DeviceID",
        "SystemCreationClassName",
        "SystemName",
    )
    assert s.get_class(NS, "Msvm_ConcreteJob").keys == ("InstanceID",)
    ds = s.get_class(NS, "Msvm_VirtualSystemManagementService").method("definesystem")
    p = ds.param("ResourceSettings")
    assert (p.cim_type, p.is_array, p.embedded_instance) == ("string", True, "CIM_ResourceAllocationSettingData")
    gsi = s.get_class(NS, "Msvm_VirtualSystemManagementService").method("GetSummaryInformation")
    out = gsi.param("SummaryInformation")
    assert (out.direction, out.cim_type, out.embedded_instance) == ("out", "object", "Msvm_SummaryInformation")
    assert s.get_class(NS, "Msvm_SettingsDefineState").is_association


@pytest.mark.parametrize(
    "persona, has_v1, has_v2",
    [("2008r2", True, False), ("2012", True, True), ("2012r2", False, True), ("2025", False, True)],
)
def test_namespaces_per_persona(persona, has_v1, has_v2):
    s = build_schema(persona)
    assert s.has_class("root/virtualization", "Msvm_ComputerSystem") == has_v1
    assert s.has_class(NS, "Msvm_ComputerSystem") == has_v2
    if not has_v2:
        with pytest.raises(UnknownNamespace):
            s.get_class(NS, "Msvm_ComputerSystem")
    with pytest.raises(UnknownClass):
        s.get_class("root/cimv2", "Msvm_Nothing")


def test_v1_class_and_method_names():
    s = build_schema("2008r2")
    vsms = s.get_class("root/virtualization", "Msvm_VirtualSystemManagementService")
    assert vsms.method("DefineVirtualSystem") and vsms.method("DefineSystem") is None
    assert s.has_class("root/virtualization", "Msvm_VirtualSwitch")
    assert not s.has_class("root/virtualization", "Msvm_VirtualEthernetSwitch")
    assert s.get_class("root/virtualization", "Msvm_VirtualSystemSettingData").prop("Notes").is_array is False
    assert build_schema("2022").get_class(NS, "Msvm_VirtualSystemSettingData").prop("Notes").is_array is True


def test_persona_limits():
    assert (get_persona("2008r2").max_envelope_kb, get_persona("2008r2").max_ops_per_user) == (150, 15)
    assert (get_persona("2019").max_envelope_kb, get_persona("2019").max_ops_per_user) == (500, 1500)
    assert get_persona("2008R2").identify_product_version == "OS: 6.1.7601 SP: 1.0 Stack: 2.0"
    assert get_persona("2022").identify_product_version == "OS: 10.0.20348 SP: 0.0 Stack: 3.0"


def test_serial_port_class_from_2016():
    assert not build_schema("2012r2").has_class(NS, "Msvm_SerialPortSettingData")
    assert build_schema("2016").is_a(NS, "Msvm_SerialPortSettingData", "CIM_ResourceAllocationSettingData")


# The one namespace matcher (Schema.canonical_namespace), used by the front for resource URIs,
# WMI object paths (WQL ASSOCIATORS OF, REF parameters as text) and EPRs. Namespace names are
# case-insensitive (reference 3.1); the answer is always the persona's spelling.
NAMESPACE_ACCEPTED = [
    ("root/virtualization/v2", NS),  # resource URI form
    ("root\\virtualization\\v2", NS),  # WMI path form
    ("ROOT/Virtualization/V2", NS),
    ("Root\\VIRTUALIZATION/v2", NS),  # mixed separators
    ("/root/virtualization/v2", NS),  # leading / trailing separators
    ("root/virtualization/v2/", NS),
    ("\\root\\virtualization\\v2\\", NS),
    ("root/cimv2", "root/cimv2"),
    ("ROOT\\CIMV2", "root/cimv2"),
]
NAMESPACE_REFUSED = [
    None,
    "",
    "/",
    "root",
    "root/virtualization",  # v1 only: not on a 2022 host
    "root//virtualization/v2",  # doubled inner separator
    "root/virtualization/v2/Msvm_ComputerSystem",
    " root/cimv2",
    "root/cimv2 ",
    "root.cimv2",
]


@pytest.mark.parametrize("given, canonical", NAMESPACE_ACCEPTED)
def test_canonical_namespace_accepted_forms(given, canonical):
    s = build_schema("2022")
    assert s.canonical_namespace(given) == canonical
    assert s.has_class(given, "Msvm_ComputerSystem") == (canonical == NS)


@pytest.mark.parametrize("given", NAMESPACE_REFUSED)
def test_canonical_namespace_refused_forms(given):
    assert build_schema("2022").canonical_namespace(given) is None


def test_canonical_namespace_follows_the_persona():
    assert build_schema("2008r2").canonical_namespace("ROOT\\Virtualization") == "root/virtualization"
    assert build_schema("2008r2").canonical_namespace(NS) is None
    assert build_schema("2012").canonical_namespace("root\\virtualization\\") == "root/virtualization"
    assert build_schema("2012").canonical_namespace("root/virtualization/v2") == NS


def test_method_lookup_is_case_insensitive_and_inherited():
    cd = build_schema("2022").get_class(NS, "Msvm_ComputerSystem")
    m = cd.method("RequestStateChange")
    assert m is not None and m.name == "RequestStateChange"
    assert cd.method("requeststatechange") is m and cd.method("REQUESTSTATECHANGE") is m
    assert cd.method("NoSuchMethod") is None
    for name, md in cd.methods.items():
        assert cd.method(name.swapcase()) is md
