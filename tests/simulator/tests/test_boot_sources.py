"""Generation 2 boot sources on the wire: Msvm_BootSourceSettingData enumerated, got, reached by
ASSOCIATORS OF, and BootSourceOrder changed by ModifySystemSettings (model/boot.py)."""

from __future__ import annotations

import pytest

from tests.simulator.model.vms import set_state

from .wsclient import V2, Client

NS = "root/virtualization/v2"
BSSD = "Msvm_BootSourceSettingData"
VSMS = V2 + "Msvm_VirtualSystemManagementService"
VSMS_SEL = {"CreationClassName": "Msvm_VirtualSystemManagementService"}


@pytest.fixture
def sim(hyperv_sim):
    return hyperv_sim(vms=8)


def _vssds(sim, gen):
    out = []
    for cs in sim.host.instances(NS, "Msvm_ComputerSystem"):
        if not cs.values.get("_state"):
            continue
        vssd = sim.host.associators(NS, cs, "Msvm_SettingsDefineState", "Msvm_VirtualSystemSettingData")[0]
        if vssd.values.get("_gen") == gen:
            out.append((cs, vssd))
    return out


def _texts(el, name):
    return [x.text for x in el.iter() if isinstance(x.tag, str) and x.tag.split("}")[-1] == name]


def _wql(client, query):
    items, _replies = client.enum_all(V2 + "*", max_elements=100, wql=query)
    return items


def _order(client, vssd_iid):
    r = client.get(V2 + "Msvm_VirtualSystemSettingData", {"InstanceID": vssd_iid})
    assert r.status == 200, r.text
    return r.x("//*[local-name()='BootSourceOrder']/text()")


def test_vssd_order_entries_resolve_to_boot_sources(sim):
    client = Client(sim.url)
    for cs, vssd in _vssds(sim, 2):
        iid = vssd.values["InstanceID"]
        order = _order(client, iid)
        assert order
        for entry in order:
            # \\HV-SIM01\root\virtualization\v2:Msvm_BootSourceSettingData.InstanceID="Microsoft:…\\…\\B"
            prefix = '\\\\HV-SIM01\\root\\virtualization\\v2:Msvm_BootSourceSettingData.InstanceID="'
            assert entry.startswith(prefix) and entry.endswith('\\\\B"')
            value = entry[len(prefix) : -1].replace("\\\\", "\\")
            assert value.startswith(iid + "\\")
            got = client.get(V2 + BSSD, {"InstanceID": value})
            assert got.status == 200, got.text
            assert got.one("//*[local-name()='InstanceID']/text()") == value
            assert got.one("//*[local-name()='BootSourceType']/text()") in ("1", "2", "3")
        # enumerable with WQL by the VM's InstanceID prefix: the same set
        items = _wql(client, f"SELECT * FROM {BSSD} WHERE InstanceID LIKE 'Microsoft:{cs.values['Name']}%'")
        got_ids = sorted(t for it in items for t in _texts(it, "InstanceID"))
        want = sorted(e[len(prefix) : -1].replace("\\\\", "\\") for e in order)
        assert got_ids == want


def test_gen1_vssd_has_no_boot_source_order(sim):
    client = Client(sim.url)
    _cs, vssd = _vssds(sim, 1)[0]
    assert _order(client, vssd.values["InstanceID"]) == []
    items = _wql(client, f"ASSOCIATORS OF {{{vssd.path()}}} WHERE AssocClass = Msvm_BootSourceComponent")
    assert items == []


def test_associators_of_vssd_and_drive(sim):
    client = Client(sim.url)
    _cs, vssd = _vssds(sim, 2)[0]
    items = _wql(client, f"ASSOCIATORS OF {{{vssd.path()}}} WHERE AssocClass = Msvm_BootSourceComponent")
    assert {it.tag.split("}")[-1] for it in items} == {BSSD}
    ids = [t for it in items for t in _texts(it, "InstanceID")]
    assert len(ids) == len(_order(client, vssd.values["InstanceID"]))
    drive_bssd = next(i for i in ids if i.endswith("\\D\\B"))
    drive_path = (
        '\\\\HV-SIM01\\root\\virtualization\\v2:Msvm_ResourceAllocationSettingData.InstanceID="'
        + drive_bssd[:-2].replace("\\", "\\\\")
        + '"'
    )
    items = _wql(client, f"ASSOCIATORS OF {{{drive_path}}} WHERE AssocClass = Msvm_LogicalIdentity")
    assert [t for it in items for t in _texts(it, "InstanceID")] == [drive_bssd]
    bssd_path = f'{BSSD}.InstanceID="{drive_bssd.replace(chr(92), chr(92) * 2)}"'
    items = _wql(
        client, f"ASSOCIATORS OF {{{bssd_path}}} WHERE AssocClass = Msvm_LogicalIdentity ResultRole = SystemElement"
    )
    assert [t for it in items for t in _texts(it, "InstanceID")] == [drive_bssd[:-2]]
    items = _wql(client, f"ASSOCIATORS OF {{{bssd_path}}} WHERE AssocClass = Msvm_BootSourceComponent")
    assert [t for it in items for t in _texts(it, "InstanceID")] == [vssd.values["InstanceID"]]
    refs = _wql(client, f"REFERENCES OF {{{bssd_path}}} WHERE ResultClass = Msvm_LogicalIdentity")
    assert len(refs) == 1 and refs[0].tag.split("}")[-1] == "Msvm_LogicalIdentity"


def _modify(client, iid, order):
    values = "".join(f"<VALUE>{v}</VALUE>" for v in order)
    inst = (
        '<p:SystemSettings><![CDATA[<INSTANCE CLASSNAME="Msvm_VirtualSystemSettingData">'
        f'<PROPERTY NAME="InstanceID" TYPE="string"><VALUE>{iid}</VALUE></PROPERTY>'
        f'<PROPERTY.ARRAY NAME="BootSourceOrder" TYPE="string"><VALUE.ARRAY>{values}</VALUE.ARRAY>'
        "</PROPERTY.ARRAY></INSTANCE>]]></p:SystemSettings>"
    )
    r = client.invoke(VSMS, "ModifySystemSettings", VSMS_SEL, inst)
    assert r.status == 200, r.text
    return int(r.one("//*[local-name()='ReturnValue']/text()"))


def test_modify_system_settings_reorders_and_refuses(sim):
    client = Client(sim.url)
    cs, vssd = _vssds(sim, 2)[0]
    with sim.host.lock:
        set_state(sim.host, cs, "off")
    iid = vssd.values["InstanceID"]
    order = _order(client, iid)
    assert len(order) >= 3
    wanted = [order[-1]] + order[:-1]
    # os-win compares upper-cased entries; a client may send them so
    assert _modify(client, iid, [w.upper() for w in wanted]) == 4096
    assert _order(client, iid) == wanted
    for bad in (wanted[:-1], wanted[:-1] + [wanted[0]], wanted[:-1] + [wanted[-1].replace('\\\\B"', '\\\\Z\\\\B"')]):
        assert _modify(client, iid, bad) == 32773
        assert _order(client, iid) == wanted
