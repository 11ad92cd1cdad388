"""Enumerate / Pull / Release: reference 2.3–2.5, 3.4, 3.6, 10.3 O3/O5/O6."""

from __future__ import annotations

import time

import pytest

from .wsclient import NS, V1, V2, Client

CS = V2 + "Msvm_ComputerSystem"
STAR = V2 + "*"


@pytest.fixture
def client(hyperv_host):
    return Client(hyperv_host.url)


def _names(items):
    return [i.find(f"{{{CS}}}Name").text for i in items]


def test_enumerate_then_one_item_per_pull_with_new_contexts(hyperv_host, client):
    r = client.enumerate(CS)
    resp = r.one("/s:Envelope/s:Body/n:EnumerateResponse")
    assert [c.tag for c in resp] == [f"{{{NS['n']}}}EnumerationContext"]  # context only, no items
    ctx = resp[0].text
    seen_ctx = {ctx}
    names = []
    while True:
        p = client.pull(CS, ctx)
        pr = p.one("/s:Envelope/s:Body/n:PullResponse")
        items = p.x("/s:Envelope/s:Body/n:PullResponse/n:Items/*")
        assert len(items) == 1  # Pull without MaxElements -> exactly one item
        names.append(items[0].find(f"{{{CS}}}Name").text)
        if pr.find(f"{{{NS['n']}}}EndOfSequence") is not None:
            assert pr.find(f"{{{NS['n']}}}EnumerationContext") is None
            assert [c.tag.split("}")[1] for c in pr] == ["Items", "EndOfSequence"]
            break
        assert [c.tag.split("}")[1] for c in pr] == ["EnumerationContext", "Items"]
        ctx = pr[0].text
        assert ctx not in seen_ctx  # a new context every Pull
        seen_ctx.add(ctx)
    assert len(names) == 4  # host + 3 VMs
    assert hyperv_host.host.computer_name in names
    # the finished context is gone
    again = client.pull(CS, ctx)
    assert again.status == 500
    assert again.subcode() == "n:InvalidEnumerationContext"


def test_envelope_prefixes_and_header(client):
    r = client.enumerate(CS, optimize=True, max_elements=10)
    root = r.root
    assert root.prefix == "s"
    assert root.nsmap == {k: NS[k] for k in ("s", "a", "n", "w")}
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    hdr = r.one("/s:Envelope/s:Header")
    assert [c.tag.split("}")[1] for c in hdr] == ["Action", "MessageID", "To", "RelatesTo"]
    mid = r.one("/s:Envelope/s:Header/a:MessageID/text()")
    assert mid.startswith("uuid:") and mid[5:] == mid[5:].upper()
    assert r.one("/s:Envelope/s:Header/a:Action/text()").endswith("/enumeration/EnumerateResponse")


def test_relates_to_echoes_message_id_verbatim(hyperv_host):
    from .wsclient import enumerate_body, envelope

    c = Client(hyperv_host.url)
    r = c.post(
        envelope(
            "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate",
            CS,
            enumerate_body(),
            message_id="not-a-uuid-123",
        )
    )
    assert r.one("/s:Envelope/s:Header/a:RelatesTo/text()") == "not-a-uuid-123"


def test_optimized_everything_fits(client):
    r = client.enumerate(CS, optimize=True, max_elements=100)
    resp = r.one("/s:Envelope/s:Body/n:EnumerateResponse")
    assert [c.tag.split("}")[1] for c in resp] == ["EnumerationContext", "Items", "EndOfSequence"]
    assert resp[0].text is None  # empty context
    assert resp[2].tag == f"{{{NS['w']}}}EndOfSequence"
    assert resp[1].tag == f"{{{NS['w']}}}Items"
    assert len(resp[1]) == 4


def test_optimized_partial_then_pull_with_max_elements(client):
    r = client.enumerate(CS, optimize=True, max_elements=2)
    items = r.x("//w:Items/*")
    assert len(items) == 2
    assert not r.x("//w:EndOfSequence")
    ctx = r.one("//n:EnumerationContext/text()")
    p = client.pull(CS, ctx, max_elements=5)
    assert len(p.x("//n:Items/*")) == 2
    assert p.x("//n:EndOfSequence")
    assert not p.x("//n:EnumerationContext")


def test_optimized_no_match_has_no_items(client):
    r = client.enumerate(
        STAR, optimize=True, max_elements=10, wql="SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'no such vm'"
    )
    resp = r.one("/s:Envelope/s:Body/n:EnumerateResponse")
    assert [c.tag.split("}")[1] for c in resp] == ["EnumerationContext", "EndOfSequence"]


def test_empty_result_pull_has_empty_items_and_eos(client):
    r = client.enumerate(STAR, wql="SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'none'")
    p = client.pull(CS, r.one("//n:EnumerationContext/text()"))
    pr = p.one("//n:PullResponse")
    assert [c.tag.split("}")[1] for c in pr] == ["Items", "EndOfSequence"]
    assert len(pr[0]) == 0


def test_class_enumeration_includes_subclasses_with_own_element_names(hyperv_host, client):
    items, _unused = client.enum_all(V2 + "CIM_ResourceAllocationSettingData", max_elements=1000)
    tags = {i.tag.split("}")[1] for i in items}
    assert "Msvm_ResourceAllocationSettingData" in tags
    assert len(tags) > 1
    for i in items:
        cls = i.tag.split("}")[1]
        assert i.tag == f"{{{V2}{cls}}}{cls}"
        assert i.get(f"{{{NS['xsi']}}}type") == f"p:{cls}_Type"


def test_instance_rendering_rules(client):
    items, _unused = client.enum_all(CS, max_elements=50)
    vm = next(i for i in items if i.find(f"{{{CS}}}Description").text == "Microsoft Virtual Machine")
    names = [c.tag.split("}")[1] for c in vm]
    assert names == sorted(names, key=str.lower)  # case-insensitive alphabetical
    assert len(names) == len(set(names))
    assert vm.nsmap["p"] == CS and vm.nsmap["xsi"] == NS["xsi"] and vm.nsmap["cim"] == NS["cim"]
    nil = vm.find(f"{{{CS}}}InstanceID")
    assert nil.get(f"{{{NS['xsi']}}}nil") == "true" and nil.text is None and len(nil) == 0
    assert vm.find(f"{{{CS}}}AvailableRequestedStates") is None  # null array omitted
    dt = vm.find(f"{{{CS}}}InstallDate")
    assert dt[0].tag == f"{{{NS['cim']}}}Datetime"
    assert dt[0].text.endswith("Z")
    for c in vm:
        if c.text in ("True", "False", "TRUE", "FALSE"):
            pytest.fail(f"boolean not lower-case in {c.tag}")


def test_enumerate_epr_mode_first_pull_has_epr(client):
    r = client.enumerate(STAR, wql="SELECT * FROM Msvm_VirtualSystemManagementService", mode="EnumerateEPR")
    p = client.pull(V2 + "Msvm_VirtualSystemManagementService", r.one("//n:EnumerationContext/text()"))
    epr = p.one("/s:Envelope/s:Body/n:PullResponse/n:Items/a:EndpointReference")
    assert epr.find(f"{{{NS['a']}}}Address").text.endswith("/role/anonymous")
    assert p.one("//a:ReferenceParameters/w:ResourceURI/text()") == V2 + "Msvm_VirtualSystemManagementService"
    names = p.x("//a:ReferenceParameters/w:SelectorSet/w:Selector/@Name")
    assert names == ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"]


def test_enumerate_object_and_epr_mode(client):
    r = client.enumerate(CS, optimize=True, max_elements=10, mode="EnumerateObjectAndEPR")
    items = r.x("//w:Items/w:Item")
    assert len(items) == 4
    for it in items:
        assert it[0].tag == f"{{{CS}}}Msvm_ComputerSystem"
        assert it[1].tag == f"{{{NS['a']}}}EndpointReference"


def test_unsupported_enumeration_mode(client):
    r = client.enumerate(CS, mode="EnumerateBogus")
    assert r.status == 500 and r.subcode() == "w:UnsupportedFeature"


def test_selector_filter(hyperv_host, client):
    vm = next(
        i
        for i in hyperv_host.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["Name"] != hyperv_host.host.computer_name
    )
    flt = (
        '<wsman:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"><wsman:SelectorSet>'
        f'<wsman:Selector Name="Name">{vm.properties["Name"].lower()}</wsman:Selector></wsman:SelectorSet>'
        "</wsman:Filter>"
    )
    items, _unused = client.enum_all(CS, filter_xml=flt, optimize=True, max_elements=10)
    assert _names(items) == [vm.properties["Name"]]
    bad = flt.replace(vm.properties["Name"].lower(), "a'b")
    r = client.enumerate(CS, filter_xml=bad)
    assert r.subcode() == "n:CannotProcessFilter"


def test_association_filter(hyperv_host, client):
    vm = next(
        i
        for i in hyperv_host.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["Name"] != hyperv_host.host.computer_name
    )
    flt = (
        '<wsman:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter">'
        "<wsmb:AssociatedInstances><wsmb:Object>"
        "<wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address>"
        f"<wsa:ReferenceParameters><wsman:ResourceURI>{CS}</wsman:ResourceURI><wsman:SelectorSet>"
        '<wsman:Selector Name="CreationClassName">Msvm_ComputerSystem</wsman:Selector>'
        f'<wsman:Selector Name="Name">{vm.properties["Name"]}</wsman:Selector></wsman:SelectorSet>'
        "</wsa:ReferenceParameters></wsmb:Object>"
        "<wsmb:AssociationClassName>Msvm_SettingsDefineState</wsmb:AssociationClassName>"
        "<wsmb:ResultClassName>Msvm_VirtualSystemSettingData</wsmb:ResultClassName>"
        "</wsmb:AssociatedInstances></wsman:Filter>"
    )
    items, _unused = client.enum_all(STAR, filter_xml=flt, optimize=True, max_elements=10)
    assert len(items) == 1
    assert items[0].tag.endswith("}Msvm_VirtualSystemSettingData")


def test_unknown_dialect(client):
    flt = '<wsman:Filter Dialect="urn:bogus">x</wsman:Filter>'
    r = client.enumerate(STAR, filter_xml=flt)
    assert r.subcode() == "n:FilterDialectRequestedUnavailable"


def test_release(client):
    ctx = client.enumerate(CS).one("//n:EnumerationContext/text()")
    r = client.release(CS, ctx)
    assert r.status == 200
    assert r.one("/s:Envelope/s:Header/a:Action/text()").endswith("/enumeration/ReleaseResponse")
    assert len(r.body) == 0
    assert client.pull(CS, ctx).subcode() == "n:InvalidEnumerationContext"
    assert client.release(CS, ctx).subcode() == "n:InvalidEnumerationContext"


def test_invalid_context_fault_shape(client):
    r = client.pull(CS, "uuid:00000000-0000-0000-0000-000000000000")
    assert r.status == 500
    assert r.one("//s:Fault/s:Code/s:Value/text()") == "s:Receiver"
    assert r.wsman_code() == 2150858779
    assert r.one("/s:Envelope/s:Header/a:Action/text()") == "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"


def test_context_expiry(hyperv_sim):
    sim = hyperv_sim(enum_timeout_s=0.3)
    c = Client(sim.url)
    ctx = c.enumerate(CS).one("//n:EnumerationContext/text()")
    time.sleep(0.5)
    assert c.pull(CS, ctx).subcode() == "n:InvalidEnumerationContext"


def test_quota_per_user_on_2008r2(hyperv_sim):
    sim = hyperv_sim(persona="2008r2", users={"admin": "secret", "other": "pw"})
    c = Client(sim.url)
    uri = V1 + "Msvm_ComputerSystem"
    ctxs = [c.enumerate(uri).one("//n:EnumerationContext/text()") for _unused in range(15)]
    r = c.enumerate(uri)
    assert r.status == 500
    assert r.one("//s:Fault/s:Code/s:Value/text()") == "s:Receiver"
    assert r.subcode() == "w:InternalError"
    assert r.wsman_code() == 2150859174
    assert Client(sim.url, "other", "pw").enumerate(uri).status == 200  # quota is per user
    c.release(uri, ctxs[0])
    assert c.enumerate(uri).status == 200


def test_pull_honours_max_envelope_size(hyperv_sim):
    sim = hyperv_sim(vms=40)
    c = Client(sim.url)
    ctx = c.enumerate(CS).one("//n:EnumerationContext/text()")
    hdr = '<wsman:MaxEnvelopeSize s:mustUnderstand="true">12000</wsman:MaxEnvelopeSize>'
    p = c.pull(CS, ctx, max_elements=32000, extra_headers=hdr)
    n = len(p.x("//n:Items/*"))
    assert 1 <= n < 41
    assert len(p.resp.content) <= 12000 + 3000
    assert p.x("//n:PullResponse/n:EnumerationContext")


def test_wildcard_without_filter_faults(client):
    assert client.enumerate(STAR).status == 500


def test_item_larger_than_max_envelope_is_encoding_limit(hyperv_host, client):
    ctx = client.enumerate(CS).one("//n:EnumerationContext/text()")
    hdr = '<wsman:MaxEnvelopeSize s:mustUnderstand="true">8192</wsman:MaxEnvelopeSize>'
    # one Msvm_ComputerSystem (~3 KB) fits the minimum envelope
    p = client.pull(CS, ctx, extra_headers=hdr)
    assert p.status == 200
    big = "x" * 9000
    vm = next(
        i
        for i in hyperv_host.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["Name"] != hyperv_host.host.computer_name
    )
    vm.values["ElementName"] = big  # a VM name longer than the envelope
    ctx = client.enumerate(STAR, wql=f"SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '{big}'").one(
        "//n:EnumerationContext/text()"
    )
    r = client.pull(CS, ctx, extra_headers=hdr)
    assert r.status == 500 and r.subcode() == "w:EncodingLimit"
    assert r.wsman_code() == 2150858824
    ok = client.pull(CS, ctx)  # the context survives; without the limit the item comes through
    assert ok.status == 200 and ok.x("//n:EndOfSequence")


# ---- take_batch: batch boundaries, and each item rendered once -----------------------------------


def _reference_batches(sizes, max_elements, max_bytes):
    """Batch boundaries as take_batch computes them (re-rendering the overflowing item)."""
    from tests.simulator.enumeration import ENVELOPE_OVERHEAD, MAX_BATCH_ITEMS

    limit = min(max(max_elements, 1), MAX_BATCH_ITEMS)
    pos, batches = 0, []
    while pos < len(sizes):
        n, size = 0, ENVELOPE_OVERHEAD
        while pos + n < len(sizes) and n < limit and size + sizes[pos + n] <= max_bytes:
            size += sizes[pos + n]
            n += 1
        assert n, "an item larger than the envelope"
        batches.append(n)
        pos += n
    return batches


@pytest.mark.parametrize("max_elements", [1, 3, 32000])
@pytest.mark.parametrize("max_bytes", [8192, 12000, 20000, 512000])
def test_take_batch_boundaries_and_one_render_per_item(max_elements, max_bytes):
    from tests.simulator.enumeration import EnumContext, take_batch

    sizes = [(i * 7919) % 5000 + 300 for i in range(60)]
    calls = []

    def render(i):
        calls.append(i)
        return "x" * sizes[i]

    ctx = EnumContext(None, list(range(len(sizes))), render)
    got, seen = [], []
    while ctx.remaining:
        batch = take_batch(ctx, max_elements, max_bytes)
        got.append(len(batch))
        seen.extend(batch)
    assert got == _reference_batches(sizes, max_elements, max_bytes)
    assert seen == ["x" * s for s in sizes]
    assert sorted(calls) == list(range(len(sizes)))  # no item rendered twice


def test_take_batch_too_large_item_is_kept_for_the_retry():
    from tests.simulator.enumeration import EnumContext, take_batch
    from tests.simulator.soap import WsmanFault

    calls = []

    def render(i):
        calls.append(i)
        return "y" * (9000 if i == 1 else 100)

    ctx = EnumContext(None, [0, 1, 2], render)
    assert take_batch(ctx, 32000, 8192) == ["y" * 100]
    with pytest.raises(WsmanFault) as exc:
        take_batch(ctx, 32000, 8192)
    assert exc.value.wsman_code == 2150858824
    assert ctx.pos == 1
    assert take_batch(ctx, 32000, 512000) == ["y" * 9000, "y" * 100]
    assert calls == [0, 1, 2] and not ctx.remaining


def test_max_envelope_size_counts_octets_of_non_ascii_items(hyperv_sim):
    """MaxEnvelopeSize is in octets: items with multi-byte names (UTF-8) still fit every PullResponse."""
    sim = hyperv_sim(vms=40)
    for n, vm in enumerate(sim.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")):
        vm.values["ElementName"] = "虚拟机-Ünïcødé-∑-%02d-" % n + "漢字" * 500  # 3 octets a character
    c = Client(sim.url)
    for limit in (8192, 12000, 30000):
        ctx = c.enumerate(CS).one("//n:EnumerationContext/text()")
        hdr = f'<wsman:MaxEnvelopeSize s:mustUnderstand="true">{limit}</wsman:MaxEnvelopeSize>'
        pulls = 0
        while ctx:
            p = c.pull(CS, ctx, max_elements=32000, extra_headers=hdr)
            assert p.status == 200, p.body()
            assert len(p.resp.content) <= limit, (limit, len(p.resp.content))
            pulls += 1
            found = p.x("//n:PullResponse/n:EnumerationContext/text()")
            ctx = found[0] if found else None
        assert pulls > 1, limit
