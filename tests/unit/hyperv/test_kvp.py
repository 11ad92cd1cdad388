"""KVP intrinsic items (GuestIntrinsicExchangeItems): read by name, many VMs per XML document, and one broken
item never hides the others."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import kvp

GUEST = kvp.GUEST_ITEM_NAMES


def _item(name, data):
    return cim.EmbeddedInstance("Msvm_KvpExchangeDataItem", {"Name": name, "Data": data, "Source": 2}).to_cimxml()


def _vm(index):
    return [_item("OSName", "Windows %d" % index), _item("ProcessorArchitecture", "9"),
            _item("NetworkAddressIPv4", "10.0.%d.%d" % (index // 250, index % 250)),
            _item("IntegrationServicesVersion", "10.0")]


@pytest.fixture
def parses(monkeypatch):
    """The XML documents parsed (xmlsafe.parse_fragment calls) and the items read."""
    seen = {"docs": 0, "items": 0}
    real_parse, real_read = xmlsafe.parse_fragment, kvp._name_and_data

    def parse(text, *args, **kwargs):
        seen["docs"] += 1
        return real_parse(text, *args, **kwargs)

    def read(inst):
        seen["items"] += 1
        return real_read(inst)

    monkeypatch.setattr(xmlsafe, "parse_fragment", parse)
    monkeypatch.setattr(kvp, "_name_and_data", read)
    return seen


def test_items_filtered_by_name_before_parsing(parses):
    items = _vm(5) + ["not xml at all <"]
    assert kvp.parse_items(items[:4]) == {"OSName": "Windows 5", "ProcessorArchitecture": "9",
                                          "NetworkAddressIPv4": "10.0.0.5", "IntegrationServicesVersion": "10.0"}
    parses.update(docs=0, items=0)
    assert kvp.parse_items(items, names=GUEST) == {"OSName": "Windows 5", "NetworkAddressIPv4": "10.0.0.5"}
    assert parses == {"docs": 1, "items": 2}  # the other items were not parsed, the two wanted ones together
    # an item whose Data is a wanted name is parsed, then dropped by its real Name
    parses.update(docs=0, items=0)
    assert kvp.parse_items([_item("Comment", "OSName")], names=GUEST) == {}
    assert parses == {"docs": 1, "items": 1}
    # the prefilter tolerates an attribute on VALUE and CDATA around the name
    odd = _item("OSName", "Linux").replace("<VALUE>OSName", '<VALUE xml:space="preserve"><![CDATA[OSName]]>')
    assert kvp.parse_items([odd], names=GUEST) == {"OSName": "Linux"}


def test_many_vms_in_one_document_same_as_one_by_one(parses):
    lists = [_vm(i) for i in range(450)] + [[], None]
    one_by_one = [kvp.parse_items(items, names=GUEST) for items in lists]
    parses.update(docs=0, items=0)
    together = kvp.parse_items_many(lists, GUEST)
    assert together == one_by_one
    assert together[7] == {"OSName": "Windows 7", "NetworkAddressIPv4": "10.0.0.7"}
    assert together[-1] == together[-2] == {}
    # 452 VMs in documents of at most CHUNK_VMS VMs; no item read twice
    assert parses["docs"] == -(-len(lists) // kvp.CHUNK_VMS)
    assert parses["items"] == 2 * 450


@pytest.mark.parametrize("bad", [
    "<INSTANCE CLASSNAME='x'><PROPERTY NAME='Name'><VALUE>OSName",
    '<!DOCTYPE x [<!ENTITY e "v">]><x><VALUE>OSName</VALUE></x>',
    "<NOTINSTANCE><VALUE>OSName</VALUE></NOTINSTANCE>",
    "</ITEMS><ITEMS><VALUE>OSName</VALUE>",
    "<!-- c --><INSTANCE><VALUE>OSName</VALUE></INSTANCE>",
])
def test_one_bad_item_hides_nothing_else(bad, parses):
    assert kvp.parse_items([bad], names=GUEST) == {}
    assert parses["docs"] >= 1  # the bad item passed the name prefilter: it was really tried
    good = [_item("OSName", "Windows"), _item("OSVersion", "10.0.20348")]
    expected = {"OSName": "Windows", "OSVersion": "10.0.20348"}
    assert kvp.parse_items([good[0], bad, good[1]], names=GUEST) == expected
    # in a batch, the other VMs keep their items too, and keep them apart
    lists = [_vm(1), [good[0], bad, good[1]], _vm(2)]
    assert kvp.parse_items_many(lists, GUEST) == [
        {"OSName": "Windows 1", "NetworkAddressIPv4": "10.0.0.1"},
        expected,
        {"OSName": "Windows 2", "NetworkAddressIPv4": "10.0.0.2"},
    ]


def test_xml_declaration_and_typed_values():
    decl = '<?xml version="1.0" encoding="utf-16"?>' + _item("OSName", "Linux")
    assert kvp.parse_items([decl, _item("OSVersion", "6.1")], names=GUEST) == {"OSName": "Linux", "OSVersion": "6.1"}
    assert kvp.parse_items([decl]) == {"OSName": "Linux"}
    # Data with markup characters comes back as text; an empty VALUE is ""; no VALUE is None
    assert kvp.parse_items([_item("OSName", "a <b> & 'c'")]) == {"OSName": "a <b> & 'c'"}
    empty = ('<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><PROPERTY NAME="Name" TYPE="string">'
             '<VALUE>OSName</VALUE></PROPERTY><PROPERTY NAME="Data" TYPE="string"><VALUE></VALUE></PROPERTY>'
             '</INSTANCE>')
    assert kvp.parse_items([empty]) == {"OSName": ""}
    assert kvp.parse_items([empty.replace("<VALUE></VALUE>", "")]) == {"OSName": None}


def test_guest_and_addresses_from_items():
    items = kvp.parse_items([_item("FullyQualifiedDomainName", "vm1.example.com"),
                             _item("NetworkAddressIPv4", "10.0.0.5;192.168.1.9"),
                             _item("NetworkAddressIPv6", "fe80::1;10.0.0.5"), _item("OSName", "Windows")], GUEST)
    assert kvp.guest_from_items(items) == {"fqdn": "vm1.example.com", "os_name": "Windows", "os_version": None}
    assert kvp.ips_from_items(items) == ["10.0.0.5", "192.168.1.9", "fe80::1"]
