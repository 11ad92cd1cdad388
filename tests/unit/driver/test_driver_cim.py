"""Typed values, references, object paths, embedded CIM-XML and the WQL builder."""

from __future__ import annotations

import datetime

import pytest
from lxml import etree

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.cim import EmbeddedInstance, Reference
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import MalformedResponse, OptionError
from tests.unit.driver import fakehost as fh

UTC = datetime.UTC


def inst(cls, props):
    return cim.parse_instance(etree.fromstring(fh.instance_xml(cls, props)))


# -- typing -----------------------------------------------------------------------------------

def test_instance_typing_rules():
    i = inst("Msvm_ComputerSystem", {
        "EnabledState": 3, "ElementName": "007", "Caption": "", "OtherEnabledState": None,
        "InstallDate": fh.Dt("2013-04-29T11:43:11.203125-07:00"), "OnTimeInMilliseconds": 644472832000,
        "OperationalStatus": [2, 32768], "Roles": ["A", "B"], "UnknownProp": "42",
        "Repeated": ["x", "y"], "ProcessID": None,
    })
    assert i["EnabledState"] == 3
    assert i["ElementName"] == "007"  # strings stay strings even when numeric
    assert i["Caption"] == ""  # empty string without nil is an empty string
    assert i["OtherEnabledState"] is None and i["ProcessID"] is None
    assert i["InstallDate"] == datetime.datetime(2013, 4, 29, 11, 43, 11, 203125,
                                                 tzinfo=datetime.timezone(datetime.timedelta(hours=-7)))
    assert i["OnTimeInMilliseconds"] == 644472832000
    assert i["OperationalStatus"] == [2, 32768]
    assert i["Roles"] == ["A", "B"]
    assert i["UnknownProp"] == "42"  # unknown property: text
    assert i["Repeated"] == ["x", "y"]  # unknown but repeated: a list
    # a known array property absent from the answer (null arrays are omitted, 9.2 E6) reads as None
    assert i["Dedicated"] is None
    assert i.get("NotThere") is None


def test_single_element_of_known_array_is_a_list_and_booleans_interval():
    i = inst("Msvm_VirtualSystemSettingData", {
        "BootOrder": [2], "SecureBootEnabled": "true", "IsSaved": "false",
        "AutomaticStartupActionDelay": fh.Iv("P0DT0H1M40S"), "Notes": ["a note"], "CreationTime": fh.Dt("1601-01-01T00:00:00Z"),
    })
    assert i["BootOrder"] == [2]
    assert i["SecureBootEnabled"] is True and i["IsSaved"] is False
    assert i["AutomaticStartupActionDelay"] == datetime.timedelta(seconds=100)
    assert i["Notes"] == ["a note"]
    assert i["CreationTime"] == datetime.datetime(1601, 1, 1, tzinfo=UTC)


def test_bad_numeric_text_is_malformed():
    with pytest.raises(MalformedResponse, match="Msvm_ComputerSystem.EnabledState: expected an integer"):
        inst("Msvm_ComputerSystem", {"EnabledState": "two"})


def test_reference_property_and_equality():
    epr = fh.Epr(fh.class_uri("Msvm_ComputerSystem"), {"CreationClassName": "Msvm_ComputerSystem", "Name": "G"})
    i = inst("Msvm_AffectedJobElement", {"AffectedElement": epr, "ElementEffects": [0]})
    ref = i["AffectedElement"]
    assert isinstance(ref, Reference)
    assert ref.class_name == "Msvm_ComputerSystem" and ref.namespace == "root/virtualization/v2"
    same = {"name": "G", "creationclassname": "Msvm_ComputerSystem"}
    assert ref == Reference(fh.class_uri("Msvm_ComputerSystem").upper(), same)
    assert len({ref, Reference(ref.resource_uri, dict(ref.selectors))}) == 1
    assert i["ElementEffects"] == [0]


def test_instance_reference_uses_key_table():
    i = inst("Msvm_VirtualSystemSettingData", {"InstanceID": "Microsoft:G", "ElementName": "vm"})
    assert i.reference().selectors == {"InstanceID": "Microsoft:G"}
    with pytest.raises(OptionError):
        inst("Msvm_ComputerSystem", {"Name": "G"}).reference()  # CreationClassName missing


# -- datetimes ----------------------------------------------------------------------------

def test_dmtf_datetime_round_trip():
    dt = datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(minutes=-420)))
    text = cim.format_cim_datetime(dt)
    assert text == "20240102030405.000006-420"
    assert cim.parse_cim_datetime(text) == dt
    iv = datetime.timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=7)
    assert cim.format_cim_datetime(iv) == "00000003040506.000007:000"
    assert cim.parse_cim_datetime("00000000000500.000000:000") == datetime.timedelta(minutes=5)
    assert cim.parse_cim_datetime("P1DT2H") == datetime.timedelta(days=1, hours=2)
    with pytest.raises(MalformedResponse):
        cim.parse_cim_datetime("yesterday")


# -- object paths ---------------------------------------------------------------------------

def test_object_path_escaping_and_order():
    path = cim.object_path("Msvm_ResourceAllocationSettingData", {"InstanceID": 'Microsoft:G\\83F8\\0\\"x"'},
                           host="HV01", namespace="root/virtualization/v2")
    assert path == ('\\\\HV01\\root\\virtualization\\v2:Msvm_ResourceAllocationSettingData.'
                    'InstanceID="Microsoft:G\\\\83F8\\\\0\\\\\\"x\\""')
    path = cim.object_path("Msvm_ComputerSystem", {"Name": "G", "CreationClassName": "Msvm_ComputerSystem"})
    assert path == 'Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="G"'
    ref = Reference(fh.class_uri("Msvm_VirtualEthernetSwitch"), {"CreationClassName": "Msvm_VirtualEthernetSwitch",
                                                                 "Name": "SW"})
    assert ref.object_path("HV") == ('\\\\HV\\root\\virtualization\\v2:Msvm_VirtualEthernetSwitch.'
                                     'CreationClassName="Msvm_VirtualEthernetSwitch",Name="SW"')
    with pytest.raises(OptionError):
        cim.object_path("Bad Class", {"a": 1})


# -- embedded instances -------------------------------------------------------------------

def test_embedded_instance_cimxml_shape():
    sw = Reference(fh.class_uri("Msvm_VirtualEthernetSwitch"), {"CreationClassName": "Msvm_VirtualEthernetSwitch",
                                                                "Name": "SW"})
    emb = EmbeddedInstance("Msvm_EthernetPortAllocationSettingData", {
        "ElementName": "nic <1> & \"q\"", "HostResource": [sw], "Parent": None, "EnabledState": 2,
        "Address": "00155D000001", "StaticMacAddress": True,
    })
    text = emb.to_cimxml(host="HV01")
    root = etree.fromstring(text)
    assert root.tag == "INSTANCE" and root.get("CLASSNAME") == "Msvm_EthernetPortAllocationSettingData"
    assert root.nsmap == {}
    props = {p.get("NAME"): p for p in root}
    assert "Parent" not in props  # None is omitted
    assert props["ElementName"].tag == "PROPERTY" and props["ElementName"].get("TYPE") == "string"
    assert props["ElementName"].findtext("VALUE") == 'nic <1> & "q"'
    assert props["EnabledState"].get("TYPE") == "uint16" and props["EnabledState"].findtext("VALUE") == "2"
    assert props["StaticMacAddress"].get("TYPE") == "boolean" and props["StaticMacAddress"].findtext("VALUE") == "true"
    hr = props["HostResource"]
    assert hr.tag == "PROPERTY.ARRAY" and hr.get("TYPE") == "string"
    assert [v.text for v in hr.findall("VALUE.ARRAY/VALUE")] == [
        '\\\\HV01\\root\\virtualization\\v2:Msvm_VirtualEthernetSwitch.'
        'CreationClassName="Msvm_VirtualEthernetSwitch",Name="SW"']


def test_embedded_instance_parse_wmi_output_with_extra_attributes():
    text = ('<INSTANCE CLASSNAME="Msvm_VirtualHardDiskSettingData">'
            '<PROPERTY NAME="__PATH" CLASSORIGIN="___SYSTEM" TYPE="string"><VALUE>x</VALUE></PROPERTY>'
            '<PROPERTY NAME="Type" PROPAGATED="true" TYPE="uint16"><VALUE>3</VALUE></PROPERTY>'
            '<PROPERTY NAME="Format" TYPE="uint16"><VALUE>3</VALUE></PROPERTY>'
            '<PROPERTY NAME="MaxInternalSize" TYPE="uint64"><VALUE>42949672960</VALUE></PROPERTY>'
            '<PROPERTY NAME="IsPmemCompatible" TYPE="boolean"><VALUE>FALSE</VALUE></PROPERTY>'
            '<PROPERTY NAME="ParentPath" TYPE="string"></PROPERTY>'
            '<PROPERTY NAME="Path" TYPE="string"><VALUE>C:\\VMs\\d.vhdx</VALUE></PROPERTY>'
            '<PROPERTY.ARRAY NAME="Tags" TYPE="string"><VALUE.ARRAY><VALUE>a</VALUE><VALUE>b</VALUE>'
            "</VALUE.ARRAY></PROPERTY.ARRAY></INSTANCE>")
    emb = EmbeddedInstance.parse(text)
    assert emb.class_name == "Msvm_VirtualHardDiskSettingData"
    assert emb["Type"] == 3 and emb["MaxInternalSize"] == 42949672960 and emb["IsPmemCompatible"] is False
    assert emb["ParentPath"] is None and emb["Path"] == "C:\\VMs\\d.vhdx" and emb["Tags"] == ["a", "b"]


def test_kvp_items_from_an_instance_parse():
    item = ('<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><PROPERTY NAME="Data" TYPE="string">'
            "<VALUE>192.0.2.10;198.51.100.7</VALUE></PROPERTY><PROPERTY NAME=\"Name\" TYPE=\"string\">"
            '<VALUE>NetworkAddressIPv4</VALUE></PROPERTY><PROPERTY NAME="Source" TYPE="uint16"><VALUE>2</VALUE>'
            "</PROPERTY></INSTANCE>")
    i = inst("Msvm_KvpExchangeComponent", {"GuestIntrinsicExchangeItems": [item]})
    (text,) = i["GuestIntrinsicExchangeItems"]
    kv = EmbeddedInstance.parse(text)
    assert (kv["Name"], kv["Data"], kv["Source"]) == ("NetworkAddressIPv4", "192.0.2.10;198.51.100.7", 2)


def test_embedded_parse_refuses_entities():
    from ansible_collections.wsman.hyperv.plugins.module_utils.errors import UnsafeXML

    with pytest.raises(UnsafeXML):
        EmbeddedInstance.parse('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><INSTANCE>&e;</INSTANCE>')


# -- WQL ---------------------------------------------------------------------------------------

def tokenize_wql(query):
    """A WQL tokenizer following reference 3.3.1: quoted strings with \\\\ \\' \\" escapes."""
    tokens = []
    i = 0
    while i < len(query):
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "'\"":
            quote, i, buf = c, i + 1, []
            while True:
                if i >= len(query):
                    raise ValueError("unterminated string")
                ch = query[i]
                if ch == "\\":
                    nxt = query[i + 1]
                    if nxt not in "\\'\"":
                        raise ValueError("bad escape \\%s" % nxt)
                    buf.append(nxt)
                    i += 2
                elif ch == quote:
                    i += 1
                    break
                else:
                    buf.append(ch)
                    i += 1
            tokens.append(("STR", "".join(buf)))
        elif c.isalnum() or c == "_":
            j = i
            while j < len(query) and (query[j].isalnum() or query[j] == "_"):
                j += 1
            tokens.append(("WORD", query[i:j]))
            i = j
        else:
            j = i + 2 if query[i:i + 2] in ("!=", "<>", "<=", ">=") else i + 1
            tokens.append(("OP", query[i:j]))
            i = j
    return tokens


HOSTILE = [
    "it's", 'say "hi"', "back\\slash", "trail\\", "\\'", "' OR '1'='1", '" OR ""="', "100%", "under_score",
    "[abc]", "ünïcødé 名前 🚀", "new\nline", "tab\there", "a' AND Name LIKE '%", "x\\' OR 1=1 --",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_wql_literal_cannot_change_the_query(name):
    where = cim.wql_and(cim.wql_eq("ElementName", name), cim.wql_ne("EnabledState", 3))
    query = cim.wql_select("Msvm_ComputerSystem", where)
    tokens = tokenize_wql(query)
    assert tokens == [("WORD", "SELECT"), ("OP", "*"), ("WORD", "FROM"), ("WORD", "Msvm_ComputerSystem"),
                      ("WORD", "WHERE"), ("OP", "("), ("WORD", "ElementName"), ("OP", "="), ("STR", name),
                      ("OP", ")"), ("WORD", "AND"), ("OP", "("), ("WORD", "EnabledState"), ("OP", "!="),
                      ("WORD", "3"), ("OP", ")")]


def like_matches(pattern, text):
    """WQL LIKE semantics (3.3.1): % any run, _ one char, [set] one char of the set."""
    import re

    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        elif c == "[":
            j = pattern.index("]", i + 2) if pattern[i + 1] == "]" else pattern.index("]", i + 1)
            body = pattern[i + 1:j]
            out.append("[%s]" % ("^" + re.escape(body[1:]) if body.startswith("^") else re.escape(body)))
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.fullmatch("".join(out), text, re.S | re.I) is not None


@pytest.mark.parametrize("name", HOSTILE + ["50%_off[1]", "%", "_", "[", "]"])
def test_like_escape_matches_literally(name):
    cond = cim.wql_like("InstanceID", prefix=name)
    tokens = tokenize_wql(cond)
    assert tokens[:2] == [("WORD", "InstanceID"), ("WORD", "LIKE")] and len(tokens) == 3
    pattern = tokens[2][1]
    assert like_matches(pattern, name + "anything")
    assert like_matches(pattern, name)
    if len(name) > 1:
        assert not like_matches(pattern, "x" + name[1:] + "y") or name[0] == "x"
    assert like_matches(cim.like_escape(name), name)
    assert not like_matches(cim.like_escape("a_c"), "abc")
    assert not like_matches(cim.like_escape("a%"), "abc")


def test_wql_like_forms():
    assert cim.wql_like("InstanceID", prefix="Microsoft:G") == "InstanceID LIKE 'Microsoft:G%'"
    assert cim.wql_like("InstanceID", contains="Default") == "InstanceID LIKE '%Default%'"
    assert cim.wql_like("InstanceID", prefix="Microsoft:Definition", suffix="Maximum") == \
        "InstanceID LIKE 'Microsoft:Definition%Maximum'"
    assert cim.wql_like("InstanceID", prefix="Microsoft:G\\x") == "InstanceID LIKE 'Microsoft:G\\\\x%'"


def test_wql_names_are_validated_and_values_typed():
    for bad in ("Msvm_ComputerSystem WHERE 1=1", "a b", "x'", "", "1abc", None):
        with pytest.raises(OptionError):
            cim.wql_select(bad)
        with pytest.raises(OptionError):
            cim.wql_eq(bad, "v")
    assert cim.wql_eq("EnabledState", 2) == "EnabledState = 2"
    assert cim.wql_eq("Enabled", True) == "Enabled = TRUE"
    assert cim.wql_eq("Notes", None) == "Notes IS NULL"
    assert cim.wql_ne("Notes", None) == "Notes IS NOT NULL"
    assert cim.wql_select("Msvm_ComputerSystem", properties=["Name", "EnabledState"]) == \
        "SELECT Name, EnabledState FROM Msvm_ComputerSystem"
    assert cim.wql_or(cim.wql_eq("A", 1), cim.wql_eq("B", 2)) == "(A = 1) OR (B = 2)"
    with pytest.raises(OptionError):
        cim.wql_literal("nul\x00")
    with pytest.raises(OptionError):
        cim.wql_compare("A", "LIKE", "x")


def test_wql_associators():
    ref = Reference(fh.class_uri("Msvm_VirtualSystemSettingData"), {"InstanceID": 'Microsoft:G"\\x'})
    q = cim.wql_associators(ref, assoc_class="Msvm_VirtualSystemSettingDataComponent",
                            result_class="Msvm_ResourceAllocationSettingData")
    assert q == ('ASSOCIATORS OF {Msvm_VirtualSystemSettingData.InstanceID="Microsoft:G\\"\\\\x"} '
                 "WHERE AssocClass = Msvm_VirtualSystemSettingDataComponent "
                 "ResultClass = Msvm_ResourceAllocationSettingData")
    assert cim.wql_class(q) == "Msvm_ResourceAllocationSettingData"
    assert cim.wql_class("select * from Msvm_ComputerSystem where x = 1") == "Msvm_ComputerSystem"


def test_pretty_printed_and_nil_one_forms():
    xml = ('<p:Msvm_ComputerSystem xmlns:xsi="{xsi}" xmlns:p="{uri}" xmlns:cim="{cim}">\n'
           '  <p:Caption xsi:nil="1"/>\n'
           '  <p:InstallDate>\n    <cim:Datetime>2024-01-02T03:04:05Z</cim:Datetime>\n  </p:InstallDate>\n'
           '  <p:Notes>\n    <cim:Interval>P1D</cim:Interval>\n  </p:Notes>\n'
           '  <p:Owner>  padded  </p:Owner>\n'
           "</p:Msvm_ComputerSystem>").format(xsi=fh.XSI, uri=fh.class_uri("Msvm_ComputerSystem"), cim=fh.CIM)
    i = cim.parse_instance(etree.fromstring(xml))
    assert i["Caption"] is None
    assert i["InstallDate"] == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert i["Notes"] == datetime.timedelta(days=1)
    assert i["Owner"] == "  padded  "
