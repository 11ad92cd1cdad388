"""Performance defaults of WSManClient: big batches asked for, no XML kept in the instances."""

from __future__ import annotations

import gc

from lxml import etree

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, wsman
from tests.unit.driver import fakehost as fh


def client(handler, **kwargs):
    transport = fh.FakeTransport(handler)
    return wsman.WSManClient(fh.spec(), transport=transport, **kwargs), transport


def vm_items(n):
    return [fh.instance_xml("Msvm_ComputerSystem", fh.vm_props(i), fh.V2) for i in range(n)]


def test_enumerate_and_pull_ask_for_max_batch_items_by_default():
    host = fh.PagingHost(vm_items(7), first_batch=2, pull_cap=3)
    c, t = client(host)
    assert len(c.query("SELECT * FROM Msvm_ComputerSystem")) == 7
    assert t.ops() == ["Enumerate", "Pull", "Pull"]
    assert t.requests[0].text("//n:Enumerate/w:MaxElements") == str(wsman.DEFAULT_MAX_ELEMENTS) == "32000"
    assert all(r.text("//n:Pull/n:MaxElements") == "32000" for r in t.requests[1:])


def test_instances_keep_no_xml_by_default():
    c, _t = client(fh.PagingHost(vm_items(3)))
    insts = c.query("SELECT * FROM Msvm_ComputerSystem")
    assert [i["ElementName"] for i in insts] and all(i.raw_xml is None for i in insts)
    # nothing in an instance refers to the response's lxml tree (so it is freed once parsed)
    for inst in insts:
        assert not any(isinstance(ref, etree._Element) for ref in gc.get_referents(inst))
        for value in inst.properties.values():
            assert not isinstance(value, etree._Element)


def test_keep_raw_xml_on_request():
    c, _t = client(fh.PagingHost(vm_items(2)), keep_raw_xml=True)
    insts = c.query("SELECT * FROM Msvm_ComputerSystem")
    assert all(i.raw_xml is not None and i.raw_xml.tag.endswith("Msvm_ComputerSystem") for i in insts)
    # parse_instance on its own keeps the element as before
    assert cim.parse_instance(insts[0].raw_xml).raw_xml is insts[0].raw_xml


def test_only_skips_other_properties_while_parsing():
    c, t = client(fh.PagingHost(vm_items(4), first_batch=1, pull_cap=2))
    insts = c.query("SELECT * FROM Msvm_ComputerSystem", only=("Name", "EnabledState", "OperationalStatus"))
    assert len(insts) == 4 and t.ops() == ["Enumerate", "Pull", "Pull"]
    full = c.query("SELECT * FROM Msvm_ComputerSystem")
    for lean, whole in zip(insts, full, strict=True):
        assert set(lean.properties) <= {"Name", "EnabledState", "OperationalStatus"}
        assert {k: whole.get(k) for k in lean.properties} == lean.properties
        assert isinstance(lean["EnabledState"], int) and lean.get("ElementName") is None
        assert len(whole.properties) > len(lean.properties)
