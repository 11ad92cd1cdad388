"""WSManClient against a fake transport: every operation, request shapes, paging, Release,
Invoke arguments, namespace detection and round-trip counts."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.cim import EmbeddedInstance, Instance, Reference
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    MalformedResponse,
    OptionError,
    WSManFault,
)
from tests.unit.driver import fakehost as fh


def client(handler, **spec_over):
    transport = fh.FakeTransport(handler)
    return wsman.WSManClient(fh.spec(**spec_over), transport=transport), transport


def vm_items(n, ns=fh.V2):
    return [fh.instance_xml("Msvm_ComputerSystem", fh.vm_props(i), ns) for i in range(n)]


# -- headers and Identify ------------------------------------------------------------------

def test_identify_request_and_answer():
    def handler(req):
        body = ('<wsmid:IdentifyResponse xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/'
                'wsmanidentity.xsd"><wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd'
                "</wsmid:ProtocolVersion><wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>"
                "<wsmid:ProductVersion>OS: 10.0.20348 SP: 0.0 Stack: 3.0</wsmid:ProductVersion>"
                "</wsmid:IdentifyResponse>")
        return ('<s:Envelope xmlns:s="%s"><s:Header/><s:Body>%s</s:Body></s:Envelope>' % (fh.S, body)).encode()

    c, t = client(handler)
    info = c.identify()
    assert info["ProductVendor"] == "Microsoft Corporation"
    assert info["ProductVersion"].startswith("OS: 10.0.20348")
    req = t.requests[0]
    assert req.x("/s:Envelope/s:Body/*[local-name()='Identify']")
    assert req.action is None
    assert c.round_trips == 1


def test_get_request_headers_and_typed_instance():
    def handler(req):
        return fh.envelope(fh.instance_xml("Msvm_ComputerSystem", fh.vm_props(7)), fh.X + "/GetResponse",
                           req.message_id, decl="s a x w p")

    c, t = client(handler)
    inst = c.get("Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": "VM-7"})
    req = t.requests[0]
    assert req.action == "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
    assert req.resource_uri == fh.class_uri("Msvm_ComputerSystem")
    assert req.selectors == {"CreationClassName": "Msvm_ComputerSystem", "Name": "VM-7"}
    assert req.message_id.startswith("uuid:")
    assert req.text("/s:Envelope/s:Header/a:ReplyTo/a:Address") == fh.ANON
    assert req.text("/s:Envelope/s:Header/w:MaxEnvelopeSize") == "512000"
    assert req.text("/s:Envelope/s:Header/w:OperationTimeout") == "PT20S"
    locale = req.x("/s:Envelope/s:Header/w:Locale")[0]
    assert locale.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    assert locale.get("{%s}mustUnderstand" % fh.S) == "false"
    assert req.text("/s:Envelope/s:Header/a:To") == "https://hv01.example.test:5986/wsman"
    assert isinstance(inst, Instance)
    assert inst.class_name == "Msvm_ComputerSystem"
    assert inst["EnabledState"] == 2 and inst["ProcessID"] == 4242
    assert inst["InstanceID"] is None
    assert inst["InstallDate"] == datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.UTC)
    assert inst["OperationalStatus"] == [2]
    assert inst.reference() == Reference(fh.class_uri("Msvm_ComputerSystem"),
                                         {"CreationClassName": "Msvm_ComputerSystem", "Name": inst["Name"]})
    assert c.round_trips == 1


def test_get_by_reference_uses_its_uri_and_selectors():
    ref = Reference(fh.class_uri("Msvm_ConcreteJob"), {"InstanceID": "JOB-1"})

    def handler(req):
        return fh.envelope(fh.instance_xml("Msvm_ConcreteJob", {"InstanceID": "JOB-1", "JobState": 4}),
                           fh.X + "/GetResponse", req.message_id)

    c, t = client(handler)
    inst = c.get(ref)
    assert t.requests[0].resource_uri == ref.resource_uri
    assert t.requests[0].selectors == {"InstanceID": "JOB-1"}
    assert inst["JobState"] == 4


def test_relates_to_mismatch_is_malformed():
    def handler(req):
        return fh.envelope(fh.instance_xml("Msvm_ConcreteJob", {"InstanceID": "J"}), fh.X + "/GetResponse",
                           "uuid:SOMETHING-ELSE")

    c, _unused = client(handler)
    with pytest.raises(MalformedResponse, match="relates to another request"):
        c.get("Msvm_ConcreteJob", {"InstanceID": "J"})


def test_not_a_soap_envelope():
    c, _unused = client(lambda req: b"<html><body>hello</body></html>")
    with pytest.raises(MalformedResponse, match="not a SOAP 1.2 envelope"):
        c.get("Msvm_ConcreteJob", {"InstanceID": "J"})


def test_invalid_xml_answer():
    c, _unused = client(lambda req: b"<s:Envelope xmlns:s='x'><unclosed>")
    with pytest.raises(MalformedResponse, match="not well-formed"):
        c.get("Msvm_ConcreteJob", {"InstanceID": "J"})


# -- Enumerate / Pull / Release -----------------------------------------------------------

def test_wql_uses_wildcard_uri_filter_optimize_and_max_elements():
    host = fh.PagingHost(vm_items(3))
    c, t = client(host)
    query = "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'vm1'"
    result = c.query(query, max_elements=50)
    assert len(result) == 3
    req = t.requests[0]
    assert req.action == "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
    assert req.resource_uri == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/*"
    flt = req.x("//n:Enumerate/w:Filter")[0]
    assert flt.get("Dialect") == "http://schemas.microsoft.com/wbem/wsman/1/WQL"
    assert flt.text == query
    assert req.x("//n:Enumerate/w:OptimizeEnumeration")
    assert req.text("//n:Enumerate/w:MaxElements") == "50"
    assert t.ops() == ["Enumerate"]  # small result: no Pull
    assert c.round_trips == 1


def test_class_enumeration_uses_class_uri_without_filter():
    host = fh.PagingHost(vm_items(2))
    c, t = client(host)
    assert len(c.query("Msvm_ComputerSystem")) == 2
    req = t.requests[0]
    assert req.resource_uri == fh.class_uri("Msvm_ComputerSystem")
    assert not req.x("//n:Enumerate/w:Filter")


@pytest.mark.parametrize("count", [0, 1, 100, 101, 5000])
def test_paging_counts(count):
    max_el = 100
    host = fh.PagingHost(vm_items(count), first_batch=max_el)
    c, t = client(host)
    result = list(c.enumerate("SELECT * FROM Msvm_ComputerSystem", max_elements=max_el))
    assert [r["ElementName"] for r in result] == ["vm%d" % i for i in range(count)]
    pulls = max(0, -(-(count - max_el) // max_el))
    assert t.ops() == ["Enumerate"] + ["Pull"] * pulls
    assert c.round_trips == 1 + pulls
    # every Pull asks for MaxElements and uses the last context issued
    for req in t.requests[1:]:
        assert req.text("//n:Pull/n:MaxElements") == str(max_el)
    assert host.released == []


def test_pull_returning_fewer_than_asked_keeps_looping():
    host = fh.PagingHost(vm_items(10), first_batch=1, pull_cap=3)
    c, t = client(host)
    result = c.query("SELECT * FROM Msvm_ComputerSystem", max_elements=100)
    assert len(result) == 10
    assert host.pulls == [3, 3, 3]
    assert t.ops() == ["Enumerate", "Pull", "Pull", "Pull"]


def test_unoptimized_enumeration_pulls_everything():
    host = fh.PagingHost(vm_items(5))
    c, t = client(host)
    assert len(c.query("SELECT * FROM Msvm_ComputerSystem", optimize=False, max_elements=2)) == 5
    assert not t.requests[0].x("//n:Enumerate/w:OptimizeEnumeration")
    assert t.ops() == ["Enumerate", "Pull", "Pull", "Pull"]


def test_release_when_generator_closed_early():
    host = fh.PagingHost(vm_items(250), first_batch=100)
    c, t = client(host)
    gen = c.enumerate("SELECT * FROM Msvm_ComputerSystem", max_elements=100)
    seen = [next(gen) for _unused in range(150)]  # first batch + part of one Pull
    assert len(seen) == 150
    gen.close()
    assert t.ops() == ["Enumerate", "Pull", "Release"]
    # the context released is the one issued by the last PullResponse (each Pull gets a new one)
    assert t.requests[1].text("//n:Pull/n:EnumerationContext") == "uuid:CTX-1"
    assert host.released == ["uuid:CTX-2"]
    assert t.requests[2].resource_uri == t.requests[0].resource_uri
    assert host.contexts == {}
    assert c.round_trips == 3


def test_release_when_closed_before_any_item_is_taken():
    host = fh.PagingHost(vm_items(5), first_batch=2)
    c, t = client(host)
    items = c.enumerate("SELECT * FROM Msvm_ComputerSystem", max_elements=2)
    items.close()
    assert t.ops() == ["Enumerate", "Release"]
    assert host.released == ["uuid:CTX-1"] and host.contexts == {}  # the context the EnumerateResponse issued
    items.close()  # closing twice sends nothing more
    assert t.ops() == ["Enumerate", "Release"]
    with pytest.raises(StopIteration):
        next(items)


def test_enumeration_as_a_context_manager_releases_on_exit():
    host = fh.PagingHost(vm_items(5), first_batch=2)
    c, t = client(host)
    with c.enumerate("SELECT * FROM Msvm_ComputerSystem", max_elements=2) as items:
        assert next(items)["ElementName"] == "vm0"
    assert t.ops() == ["Enumerate", "Release"] and host.contexts == {}
    # to the end: no Release
    with c.enumerate("SELECT * FROM Msvm_ComputerSystem", max_elements=2) as items:
        assert [i["ElementName"] for i in items] == ["vm%d" % n for n in range(5)]
    assert t.ops()[2:] == ["Enumerate", "Pull", "Pull"]


def test_first_releases_the_rest_and_costs_two_requests():
    host = fh.PagingHost(vm_items(5), first_batch=1)
    c, t = client(host)
    inst = c.first("SELECT * FROM Msvm_ComputerSystem")
    assert inst["ElementName"] == "vm0"
    assert t.ops() == ["Enumerate", "Release"]
    assert host.contexts == {}


def test_no_release_when_enumeration_finished():
    host = fh.PagingHost(vm_items(1))
    c, t = client(host)
    assert c.first("SELECT * FROM Msvm_ComputerSystem")["ElementName"] == "vm0"
    assert t.ops() == ["Enumerate"]


def test_empty_context_means_end_even_without_end_of_sequence():
    def handler(req):
        body = ("<n:EnumerateResponse><n:EnumerationContext/><w:Items>%s</w:Items></n:EnumerateResponse>"
                % vm_items(1)[0])
        return fh.envelope(body, fh.N + "/EnumerateResponse", req.message_id)

    c, t = client(handler)
    assert len(c.query("SELECT * FROM Msvm_ComputerSystem")) == 1
    assert c.round_trips == 1


def test_end_of_sequence_in_either_namespace():
    items = vm_items(3)

    def handler(req):
        if req.op == "Enumerate":
            body = ("<n:EnumerateResponse><n:EnumerationContext>uuid:C1</n:EnumerationContext>"
                    "<w:Items>%s</w:Items></n:EnumerateResponse>" % items[0])
            return fh.envelope(body, fh.N + "/EnumerateResponse", req.message_id)
        # a PullResponse that (unusually) carries a context AND w:EndOfSequence: EOS wins
        body = ("<n:PullResponse><n:EnumerationContext>uuid:C2</n:EnumerationContext><n:Items>%s</n:Items>"
                "<w:EndOfSequence/></n:PullResponse>" % "".join(items[1:]))
        return fh.envelope(body, fh.N + "/PullResponse", req.message_id)

    c, t = client(handler)
    assert len(c.query("SELECT * FROM Msvm_ComputerSystem")) == 3
    assert t.ops() == ["Enumerate", "Pull"]


def test_projection_xml_fragment_items():
    frag = ('<w:XmlFragment xmlns:xsi="%s" xmlns:w="%s"><ElementName>vm1</ElementName>'
            '<EnabledState>3</EnabledState><InstallDate><Datetime>2024-01-02T03:04:05Z</Datetime></InstallDate>'
            '<Notes xsi:nil="true"/></w:XmlFragment>' % (fh.XSI, fh.W))

    def handler(req):
        body = ("<n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext><w:Items>%s</w:Items>"
                "<w:EndOfSequence/></n:EnumerateResponse>" % frag)
        return fh.envelope(body, fh.N + "/EnumerateResponse", req.message_id)

    c, _unused = client(handler)
    (inst,) = c.query("SELECT ElementName, EnabledState, InstallDate, Notes FROM Msvm_ComputerSystem")
    assert inst.class_name == "Msvm_ComputerSystem"
    assert inst["EnabledState"] == 3
    assert inst["InstallDate"].year == 2024
    assert inst["Notes"] is None


def test_enumerate_epr_mode_yields_references():
    epr = fh.Epr(fh.class_uri("Msvm_ComputerSystem"), {"CreationClassName": "Msvm_ComputerSystem", "Name": "G"})

    def handler(req):
        assert req.text("//n:Enumerate/w:EnumerationMode") == "EnumerateEPR"
        body = ("<n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext><w:Items>"
                "<a:EndpointReference>%s</a:EndpointReference></w:Items><w:EndOfSequence/></n:EnumerateResponse>"
                % fh.epr_children(epr))
        return fh.envelope(body, fh.N + "/EnumerateResponse", req.message_id)

    c, _unused = client(handler)
    (ref,) = c.query("SELECT * FROM Msvm_ComputerSystem WHERE Name = 'G'", mode="EnumerateEPR")
    assert isinstance(ref, Reference) and ref.selectors["Name"] == "G"


def test_pull_fault_is_raised_and_not_released():
    host = fh.PagingHost(vm_items(5), first_batch=1)
    c, t = client(host)
    gen = c.enumerate("SELECT * FROM Msvm_ComputerSystem")
    next(gen)
    host.contexts.clear()  # the host forgot the context (expired)
    with pytest.raises(WSManFault) as err:
        next(gen)
    assert err.value.subcode == "n:InvalidEnumerationContext"
    gen.close()
    assert t.ops() == ["Enumerate", "Pull"]


# -- Invoke ---------------------------------------------------------------------------------

VSMS = "Msvm_VirtualSystemManagementService"


def test_invoke_scalar_array_epr_and_embedded_arguments():
    seen = {}

    def handler(req):
        seen["req"] = req
        out = {"ResultingSystem": fh.Epr(fh.class_uri("Msvm_ComputerSystem"),
                                         {"CreationClassName": "Msvm_ComputerSystem", "Name": "NEW-GUID"}),
               "Job": fh.job_epr("JOB-9"), "ReturnValue": 4096}
        return fh.envelope(fh.output_xml(VSMS, "DefineSystem", out), fh.class_uri(VSMS) + "/DefineSystemResponse",
                           req.message_id, decl="s a x w p")

    c, t = client(handler)
    target = Reference(fh.class_uri(VSMS), {"CreationClassName": VSMS, "Name": "vmms",
                                            "SystemCreationClassName": "Msvm_ComputerSystem", "SystemName": "HV01"})
    vm = Reference(fh.class_uri("Msvm_ComputerSystem"), {"CreationClassName": "Msvm_ComputerSystem", "Name": "G1"})
    settings = EmbeddedInstance("Msvm_VirtualSystemSettingData",
                                {"ElementName": 'vm "1" <&>', "VirtualNumaEnabled": False,
                                 "BootOrder": [2, 1]}, {"BootOrder": "uint16[]"})
    result = c.invoke(target, "DefineSystem", {
        "SystemSettings": settings,
        "ResourceSettings": [EmbeddedInstance("Msvm_ProcessorSettingData", {"VirtualQuantity": 4})],
        "ReferenceConfiguration": None,
        "AffectedSystem": vm,
        "RequestedInformation": [0, 1, 100],
        "Force": True,
        "Name": "x&y",
    })
    req = seen["req"]
    uri = fh.class_uri(VSMS)
    ns = {"p": uri, "a": fh.A, "w": fh.W}
    assert req.action == uri + "/DefineSystem"
    assert req.resource_uri == uri
    assert req.selectors["Name"] == "vmms"
    inp = req.body.xpath("p:DefineSystem_INPUT", namespaces=ns)[0]
    assert [e.text for e in inp.xpath("p:RequestedInformation", namespaces=ns)] == ["0", "1", "100"]
    assert inp.xpath("string(p:Force)", namespaces=ns) == "true"
    assert inp.xpath("string(p:Name)", namespaces=ns) == "x&y"
    assert not inp.xpath("p:ReferenceConfiguration", namespaces=ns)
    # EPR argument: a:Address + a:ReferenceParameters/w:ResourceURI + selectors
    aff = inp.xpath("p:AffectedSystem", namespaces=ns)[0]
    assert aff.xpath("string(a:Address)", namespaces=ns) == fh.ANON
    assert aff.xpath("string(a:ReferenceParameters/w:ResourceURI)", namespaces=ns) == fh.class_uri(
        "Msvm_ComputerSystem")
    assert aff.xpath("string(a:ReferenceParameters/w:SelectorSet/w:Selector[@Name='Name'])", namespaces=ns) == "G1"
    # embedded instance: CIM-XML INSTANCE text with typed PROPERTY / PROPERTY.ARRAY
    text = inp.xpath("string(p:SystemSettings)", namespaces=ns)
    emb = EmbeddedInstance.parse(text)
    assert emb.class_name == "Msvm_VirtualSystemSettingData"
    assert emb.properties == {"ElementName": 'vm "1" <&>', "VirtualNumaEnabled": False, "BootOrder": [2, 1]}
    assert emb.types["BootOrder"] == "uint16[]" and emb.types["VirtualNumaEnabled"] == "boolean"
    assert len(inp.xpath("p:ResourceSettings", namespaces=ns)) == 1
    # outputs
    assert result.return_value == 4096
    assert result.job == Reference(fh.class_uri("Msvm_ConcreteJob"), {"InstanceID": "JOB-9"})
    assert result["ResultingSystem"].selectors["Name"] == "NEW-GUID"
    assert c.round_trips == 1


def test_invoke_by_class_name_with_selectors_and_array_output():
    def handler(req):
        out = ('<p:GetSummaryInformation_OUTPUT xmlns:p="{u}" xmlns:xsi="{xsi}">'
               '<p:SummaryInformation><q:Name xmlns:q="{s}">G1</q:Name><q:EnabledState xmlns:q="{s}">2</q:EnabledState>'
               '</p:SummaryInformation><p:SummaryInformation><q:Name xmlns:q="{s}">G2</q:Name>'
               '<q:EnabledState xmlns:q="{s}">3</q:EnabledState></p:SummaryInformation>'
               "<p:ReturnValue>0</p:ReturnValue></p:GetSummaryInformation_OUTPUT>").format(
            u=fh.class_uri(VSMS), xsi=fh.XSI, s=fh.class_uri("Msvm_SummaryInformation"))
        return fh.envelope(out, fh.class_uri(VSMS) + "/GetSummaryInformationResponse", req.message_id)

    c, t = client(handler)
    result = c.invoke(VSMS, "GetSummaryInformation", {"RequestedInformation": [0, 100]},
                      selectors={"CreationClassName": VSMS})
    assert t.requests[0].selectors == {"CreationClassName": VSMS}
    assert result.return_value == 0 and result.job is None
    infos = result["SummaryInformation"]
    assert [i.class_name for i in infos] == ["Msvm_SummaryInformation"] * 2
    assert [(i["Name"], i["EnabledState"]) for i in infos] == [("G1", 2), ("G2", 3)]


def test_invoke_without_output_element_is_malformed():
    c, _unused = client(lambda req: fh.envelope("", "x", req.message_id))
    with pytest.raises(MalformedResponse, match="no RequestStateChange_OUTPUT"):
        c.invoke("Msvm_ComputerSystem", "RequestStateChange", {"RequestedState": 2})


def test_invoke_rejects_bad_names_before_sending():
    c, t = client(lambda req: b"")
    with pytest.raises(OptionError):
        c.invoke("Msvm_ComputerSystem", "Request State", {})
    with pytest.raises(OptionError):
        c.invoke("Msvm_ComputerSystem", "RequestStateChange", {"bad name": 1})
    assert c.round_trips == 0


# -- namespace detection ---------------------------------------------------------------------

def v1_host(req):
    """A 2008 R2 host: anything under …/virtualization/v2/ faults (5b.1)."""
    uri = req.resource_uri or ""
    if "/root/virtualization/v2/" in uri:
        fh.raise_fault(fh.fault_xml("s:Sender", "n:CannotProcessFilter", "The WS-Management service cannot process "
                                    "the request because the WQL query is invalid. ", 2150858778,
                                    wmi_code=2150858778, relates_to=req.message_id))
    return fh.PagingHost(vm_items(2, fh.V1))(req)


def test_v1_detected_with_exactly_one_extra_request_and_remembered():
    c, t = client(v1_host)
    assert c.namespace == wsman.V2 and not c.namespace_confirmed
    first = c.query("SELECT * FROM Msvm_ComputerSystem")
    assert len(first) == 2
    assert c.round_trips == 2  # the v2 attempt + the v1 retry
    assert c.namespace == wsman.V1 and c.namespace_confirmed
    assert t.requests[1].resource_uri == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/*"
    assert first[0].resource_uri == fh.class_uri("Msvm_ComputerSystem", fh.V1)
    c.query("SELECT * FROM Msvm_ComputerSystem")
    assert c.round_trips == 3  # remembered: no second detection
    assert c.resource_uri("Msvm_ComputerSystem") == fh.class_uri("Msvm_ComputerSystem", fh.V1)


def test_v2_host_pays_no_extra_request():
    host = fh.PagingHost(vm_items(2))
    c, t = client(host)
    c.query("SELECT * FROM Msvm_ComputerSystem")
    c.query("SELECT * FROM Msvm_ComputerSystem")
    assert c.round_trips == 2
    assert c.namespace == wsman.V2 and c.namespace_confirmed


def test_fault_after_confirmation_is_not_retried_on_v1():
    calls = []

    def handler(req):
        calls.append(req)
        if len(calls) == 1:
            return fh.PagingHost(vm_items(1))(req)
        fh.raise_fault(fh.fault_xml("s:Sender", "n:CannotProcessFilter", "bad class. ", 2150858778,
                                    relates_to=req.message_id))

    c, _unused = client(handler)
    c.query("SELECT * FROM Msvm_ComputerSystem")
    with pytest.raises(WSManFault):
        c.query("SELECT * FROM Msvm_Nope")
    assert c.round_trips == 2 and c.namespace == wsman.V2


def test_when_v1_also_fails_the_v2_fault_is_raised_and_v2_kept():
    def handler(req):
        code = 2150858778 if "/v2/" in (req.resource_uri or "") else 2150858752
        fh.raise_fault(fh.fault_xml("s:Sender", "n:CannotProcessFilter", "no such class %s. " % code, code,
                                    relates_to=req.message_id))

    c, _unused = client(handler)
    with pytest.raises(WSManFault) as err:
        c.query("SELECT * FROM Msvm_Nope")
    assert err.value.wsman_code == 2150858778
    assert c.round_trips == 2
    assert c.namespace == wsman.V2 and not c.namespace_confirmed


def test_forced_namespace_never_switches():
    c, t = client(v1_host, namespace="root/virtualization/v2")
    with pytest.raises(WSManFault):
        c.query("SELECT * FROM Msvm_ComputerSystem")
    assert c.round_trips == 1
    c1, t1 = client(v1_host, namespace="root/virtualization")
    assert len(c1.query("SELECT * FROM Msvm_ComputerSystem")) == 2
    assert t1.requests[0].resource_uri.endswith("/root/virtualization/*")
    assert c1.round_trips == 1


def test_explicit_namespace_does_not_trigger_detection():
    c, t = client(v1_host)
    with pytest.raises(WSManFault):
        c.query("SELECT * FROM Msvm_ComputerSystem", namespace="root/virtualization/v2")
    assert c.round_trips == 1 and not c.namespace_confirmed


def test_v1_detection_on_get_and_invoke():
    def handler(req):
        if "/v2/" in req.resource_uri:
            fh.raise_fault(fh.fault_xml("s:Sender", "w:InvalidResourceURI", "The resource URI is not valid. ",
                                        2150858811, relates_to=req.message_id))
        if req.op == "RequestStateChange":
            return fh.envelope(fh.output_xml("Msvm_ComputerSystem", "RequestStateChange", {"ReturnValue": 0},
                                             fh.V1), "x", req.message_id)
        raise AssertionError(req.op)

    c, t = client(handler)
    result = c.invoke("Msvm_ComputerSystem", "RequestStateChange", {"RequestedState": 2},
                      selectors={"CreationClassName": "Msvm_ComputerSystem", "Name": "G"})
    assert result.return_value == 0
    assert t.requests[1].action == fh.class_uri("Msvm_ComputerSystem", fh.V1) + "/RequestStateChange"
    assert t.requests[1].body[0].tag == "{%s}RequestStateChange_INPUT" % fh.class_uri("Msvm_ComputerSystem", fh.V1)
    assert c.round_trips == 2 and c.namespace == wsman.V1


def test_close_closes_the_transport_session():
    host = fh.PagingHost(vm_items(1))
    c, t = client(host)
    with c:
        c.query("Msvm_ComputerSystem")
    assert t.closed == 1


def test_response_size_limit_is_enforced():
    host = fh.PagingHost(vm_items(50))
    transport = fh.FakeTransport(host)
    c = wsman.WSManClient(fh.spec(), transport=transport, max_envelope_size=16384)
    assert c.max_response_size == 16384 + 65536
    c2 = wsman.WSManClient(fh.spec(), transport=transport, max_response_size=20000)
    from ansible_collections.wsman.hyperv.plugins.module_utils.errors import ResponseTooLarge

    with pytest.raises(ResponseTooLarge, match="above the limit of 20000 bytes"):
        c2.query("SELECT * FROM Msvm_ComputerSystem", max_elements=50)


def test_locally_built_v2_reference_takes_part_in_detection():
    def handler(req):
        if "/v2/" in req.resource_uri:
            fh.raise_fault(fh.fault_xml("s:Sender", "w:InvalidResourceURI", "The resource URI is not valid. ",
                                        2150858811, relates_to=req.message_id))
        return fh.envelope(fh.instance_xml("Msvm_ComputerSystem", fh.vm_props(1), fh.V1), fh.X + "/GetResponse",
                           req.message_id)

    c, t = client(handler)
    ref = Reference(c.resource_uri("Msvm_ComputerSystem"), {"CreationClassName": "Msvm_ComputerSystem", "Name": "G"})
    assert ref.namespace == wsman.V2
    inst = c.get(ref)
    assert inst.namespace == wsman.V1 and c.namespace == wsman.V1
    expected = [fh.class_uri("Msvm_ComputerSystem"), fh.class_uri("Msvm_ComputerSystem", fh.V1)]
    assert [r.resource_uri for r in t.requests] == expected
    assert t.requests[1].selectors == {"CreationClassName": "Msvm_ComputerSystem", "Name": "G"}


def test_host_reference_is_used_verbatim_once_confirmed():
    host = fh.PagingHost(vm_items(1))
    c, t = client(host)
    (vm,) = c.query("Msvm_ComputerSystem")
    assert c.namespace_confirmed

    def handler(req):
        return fh.envelope(fh.output_xml("Msvm_ComputerSystem", "RequestStateChange", {"ReturnValue": 0}), "x",
                           req.message_id)

    t.handler = handler
    c.invoke(vm, "RequestStateChange", {"RequestedState": 3})  # an Instance as target
    assert t.requests[-1].selectors == {"CreationClassName": "Msvm_ComputerSystem", "Name": vm["Name"]}


def test_embedded_instance_output_string_is_parsed_by_caller():
    setting = ('<INSTANCE CLASSNAME="Msvm_VirtualHardDiskSettingData"><PROPERTY NAME="Format" TYPE="uint16">'
               '<VALUE>3</VALUE></PROPERTY><PROPERTY NAME="Path" TYPE="string"><VALUE>C:\\VMs\\a &amp; b.vhdx'
               "</VALUE></PROPERTY></INSTANCE>")

    def handler(req):
        return fh.envelope(fh.output_xml("Msvm_ImageManagementService", "GetVirtualHardDiskSettingData",
                                         {"SettingData": setting, "ReturnValue": 0}), "x", req.message_id)

    c, _unused = client(handler)
    result = c.invoke("Msvm_ImageManagementService", "GetVirtualHardDiskSettingData", {"Path": "C:\\VMs\\a & b.vhdx"})
    emb = EmbeddedInstance.parse(result["SettingData"])
    assert emb["Format"] == 3 and emb["Path"] == "C:\\VMs\\a & b.vhdx"
