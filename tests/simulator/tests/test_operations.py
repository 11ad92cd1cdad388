"""Identify, Get, Invoke and the header / addressing faults: reference 2.1–2.9, 4, 10.2, 10.3."""

from __future__ import annotations

import time

import pytest
import requests

from .wsclient import CIMV2, CT, NS, V1, V2, Client, enumerate_body, envelope

CS = V2 + "Msvm_ComputerSystem"
VSMS = V2 + "Msvm_VirtualSystemManagementService"
IDENTIFY = (
    f'<s:Envelope xmlns:s="{NS["s"]}" xmlns:wsmid="{NS["wsmid"]}"><s:Header/>'
    "<s:Body><wsmid:Identify/></s:Body></s:Envelope>"
)


@pytest.fixture
def client(hyperv_host):
    return Client(hyperv_host.url)


def _vm(sim, index=0):
    vms = [
        i
        for i in sim.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["Name"] != sim.host.computer_name
    ]
    return vms[index]


def _epr_xml(uri, selectors):
    sels = "".join(f'<w:Selector Name="{k}">{v}</w:Selector>' for k, v in selectors.items())
    return (
        f'<a:Address xmlns:a="{NS["a"]}">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous'
        f'</a:Address><a:ReferenceParameters xmlns:a="{NS["a"]}" xmlns:w="{NS["w"]}">'
        f"<w:ResourceURI>{uri}</w:ResourceURI><w:SelectorSet>{sels}</w:SelectorSet></a:ReferenceParameters>"
    )


# ---- Identify -----------------------------------------------------------------------------------


def test_identify_authenticated_reports_persona(hyperv_sim):
    sim = hyperv_sim(persona="2016")
    r = Client(sim.url).post(IDENTIFY)
    assert r.status == 200
    assert len(r.one("/s:Envelope/s:Header")) == 0
    resp = r.one("/s:Envelope/s:Body/wsmid:IdentifyResponse")
    assert resp.findtext(f"{{{NS['wsmid']}}}ProtocolVersion") == "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
    assert resp.findtext(f"{{{NS['wsmid']}}}ProductVendor") == "Microsoft Corporation"
    assert resp.findtext(f"{{{NS['wsmid']}}}ProductVersion") == "OS: 10.0.14393 SP: 0.0 Stack: 3.0"


def test_identify_unauthenticated_form(hyperv_host):
    r = requests.post(
        hyperv_host.url, data=IDENTIFY, headers={"Content-Type": CT, "WSMANIDENTIFY": "unauthenticated"}, timeout=30
    )
    assert r.status_code == 200
    assert "OS: 0.0.0 SP: 0.0 Stack: 3.0" in r.text


def test_identify_2008r2(hyperv_sim):
    r = Client(hyperv_sim(persona="2008r2").url).post(IDENTIFY)
    assert "OS: 6.1.7601 SP: 1.0 Stack: 2.0" in r.text


# ---- Get ----------------------------------------------------------------------------------------


def test_get_vm_with_lowercase_guid_and_any_case_selector_names(hyperv_host, client):
    vm = _vm(hyperv_host)
    name = vm.properties["Name"]
    r = client.get(CS, {"creationclassname": "msvm_computersystem", "NAME": name.lower()})
    assert r.status == 200, r.text
    inst = r.one("/s:Envelope/s:Body/*")
    assert inst.tag == f"{{{CS}}}Msvm_ComputerSystem"
    assert inst.findtext(f"{{{CS}}}Name") == name
    assert r.root.nsmap == {k: NS[k] for k in ("s", "a", "x", "w")} | {"p": NS["pm"]}
    assert r.one("//a:Action/text()") == "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse"


def test_get_unknown_selector_is_invalid_selectors(hyperv_host, client):
    vm = _vm(hyperv_host)
    r = client.get(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": vm.properties["Name"], "Bogus": "1"})
    assert r.status == 500
    assert r.subcode() == "w:InvalidSelectors"
    assert r.one("//s:Detail/w:FaultDetail/text()").endswith("/faultDetail/UnexpectedSelectors")
    assert r.wsman_code() == 2150858843
    assert r.one("//a:Action/text()") == "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
    assert r.root.nsmap["e"] == "http://schemas.xmlsoap.org/ws/2004/08/eventing"


def test_get_missing_key_is_insufficient_selectors(client):
    r = client.get(CS, {"CreationClassName": "Msvm_ComputerSystem"})
    assert r.subcode() == "w:InvalidSelectors"
    assert r.wsman_code() == 2150858842


def test_get_no_such_instance_is_destination_unreachable_with_provider_fault(client):
    r = client.get(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": "00000000-0000-0000-0000-000000000000"})
    assert r.status == 500
    assert r.one("//s:Fault/s:Code/s:Value/text()") == "s:Sender"
    assert r.subcode() == "a:DestinationUnreachable"
    assert r.one("//w:FaultDetail/text()").endswith("/faultDetail/InvalidResourceURI")
    assert r.wsman_code() == 2150858752
    assert r.x("//f:WSManFault/f:Message/f:ProviderFault[@provider='WMI Provider']")
    assert r.one("//a:Action/text()") == "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"


def test_get_unknown_class(client):
    r = client.get(V2 + "Msvm_NoSuchClass", {"Name": "x"})
    assert r.status == 500 and r.subcode() == "a:DestinationUnreachable"


def test_get_cimv2_operating_system_version(hyperv_sim):
    sim = hyperv_sim(persona="2019")
    c = Client(sim.url)
    items, _unused = c.enum_all(
        CIMV2 + "*", pull_uri=CIMV2 + "Win32_OperatingSystem", wql="SELECT * FROM Win32_OperatingSystem "
    )
    assert items[0].findtext(f"{{{CIMV2}Win32_OperatingSystem}}Version") == "10.0.17763"


# ---- personas and namespaces --------------------------------------------------------------------


def test_v1_persona_faults_v2_namespace(hyperv_sim):
    c = Client(hyperv_sim(persona="2008r2").url)
    r = c.enumerate(V2 + "*", wql="SELECT * FROM Msvm_ComputerSystem")
    assert r.status == 500
    assert r.subcode() == "n:CannotProcessFilter"
    assert r.one("//s:Detail//*[local-name()='error_Code']/text()") == "2150858778"
    r = c.get(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": "X"})
    assert r.status == 500 and r.subcode() == "a:DestinationUnreachable"
    items, _unused = c.enum_all(V1 + "*", pull_uri=V1 + "Msvm_ComputerSystem", wql="SELECT * FROM Msvm_ComputerSystem")
    assert items and items[0].tag == f"{{{V1}Msvm_ComputerSystem}}Msvm_ComputerSystem"


def test_v2_persona_faults_v1_namespace(client):
    r = client.enumerate(V1 + "*", wql="SELECT * FROM Msvm_ComputerSystem")
    assert r.status == 500 and r.subcode() == "n:CannotProcessFilter"


def test_2012_answers_both_namespaces(hyperv_sim):
    c = Client(hyperv_sim(persona="2012").url)
    for ns in (V1, V2):
        assert c.enumerate(ns + "*", wql="SELECT * FROM Msvm_ComputerSystem").status == 200


# ---- WQL faults ---------------------------------------------------------------------------------


def test_wql_with_class_uri_faults(client):
    r = client.enumerate(CS, wql="SELECT * FROM Msvm_ComputerSystem")
    assert r.status == 500
    assert r.wsman_code() == 2150859016


def test_wql_unknown_class_cannot_process_filter(client):
    r = client.enumerate(V2 + "*", wql="SELECT * FROM Msvm_Nope")
    assert r.status == 500
    assert r.subcode() == "n:CannotProcessFilter"
    assert r.wsman_code() == 2150858778
    assert r.one("//a:Action/text()") == "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM",
        "SELECT * FROM Msvm_ComputerSystem WHERE",
        "SELECT * FROM Msvm_ComputerSystem WHERE Bogus = 1",
        "SELECT * FROM Msvm_ComputerSystem WHERE Name IS 5",
        "ASSOCIATORS OF {Msvm_ComputerSystem.Name='x'} WHERE A=B",
    ],
)
def test_bad_wql(client, query):
    r = client.enumerate(V2 + "*", wql=query)
    assert r.status == 500 and r.subcode() == "n:CannotProcessFilter"


def test_projection_renders_xml_fragment(client):
    items, _unused = client.enum_all(
        V2 + "*",
        pull_uri=CS,
        max_elements=10,
        # the host's own InstallDate is nil (capture); a VM's is set
        wql="select Name, ElementName, InstallDate from Msvm_ComputerSystem where Caption = 'Virtual Machine'",
    )
    frag = items[0]
    assert frag.tag == f"{{{NS['w']}}}XmlFragment"
    assert [c.tag for c in frag] == ["ElementName", "InstallDate", "Name"]
    assert frag.find("InstallDate")[0].tag == "Datetime"


# ---- Invoke -------------------------------------------------------------------------------------


def test_request_state_change_returns_job(hyperv_host, client):
    vm = _vm(hyperv_host, 1)
    sels = {"CreationClassName": "Msvm_ComputerSystem", "Name": vm.properties["Name"].lower()}
    r = client.invoke(CS, "RequestStateChange", sels, "<p:RequestedState>3</p:RequestedState>")
    assert r.status == 200, r.text
    out = r.one("/s:Envelope/s:Body/*")
    assert out.tag == f"{{{CS}}}RequestStateChange_OUTPUT"
    assert out.nsmap["p"] == CS
    for prefix in ("s", "a", "w", "p"):
        assert prefix in r.root.nsmap  # openwsman resolves libvirt's XPaths from the Envelope
    assert [c.tag.split("}")[1] for c in out] == ["Job", "ReturnValue"]
    assert out[-1].text == "4096"
    job_id = r.one(
        "/s:Envelope/s:Body/*/*[local-name()='Job']/a:ReferenceParameters/w:SelectorSet/"
        "w:Selector[@Name='InstanceID']/text()"
    )
    job_uri = r.one("//a:ReferenceParameters/w:ResourceURI/text()")
    assert job_uri == V2 + "Msvm_ConcreteJob"
    assert r.one("//a:Action/text()") == CS + "/RequestStateChangeResponse"
    job = client.get(job_uri, {"InstanceID": job_id})
    assert job.status == 200
    assert int(job.one("//*[local-name()='JobState']/text()")) in (3, 4, 7)
    # the job is enumerable by WQL from the moment 4096 is answered
    items, _unused = client.enum_all(
        V2 + "*", pull_uri=job_uri, max_elements=10, wql=f"SELECT * FROM Msvm_ConcreteJob WHERE InstanceID = '{job_id}'"
    )
    assert len(items) == 1


def test_invoke_illegal_transition_returns_code_not_fault(hyperv_host, client):
    vm = _vm(hyperv_host, 1)
    sels = {"CreationClassName": "Msvm_ComputerSystem", "Name": vm.properties["Name"]}
    state = vm.properties["EnabledState"]
    r = client.invoke(CS, "RequestStateChange", sels, f"<p:RequestedState>{state}</p:RequestedState>")
    assert r.status == 200
    assert r.one("//*[local-name()='ReturnValue']/text()") != "0" or state is None


def test_invoke_non_numeric_parameter_is_schema_validation_error(hyperv_host, client):
    vm = _vm(hyperv_host)
    sels = {"CreationClassName": "Msvm_ComputerSystem", "Name": vm.properties["Name"]}
    r = client.invoke(CS, "RequestStateChange", sels, "<p:RequestedState>true</p:RequestedState>")
    assert r.status == 500 and r.subcode() == "w:SchemaValidationError"
    assert r.wsman_code() == 2150858817


def test_invoke_unknown_method_and_unknown_parameter(hyperv_host, client):
    vm = _vm(hyperv_host)
    sels = {"CreationClassName": "Msvm_ComputerSystem", "Name": vm.properties["Name"]}
    r = client.invoke(CS, "Explode", sels)
    assert r.status == 500 and r.subcode() == "a:ActionNotSupported"
    r = client.invoke(CS, "RequestStateChange", sels, "<p:Bogus>1</p:Bogus>")
    assert r.status == 500 and r.subcode() == "w:InvalidParameter"


def test_invoke_on_missing_instance(client):
    sels = {"CreationClassName": "Msvm_ComputerSystem", "Name": "00000000-0000-0000-0000-000000000000"}
    r = client.invoke(CS, "RequestStateChange", sels, "<p:RequestedState>2</p:RequestedState>")
    assert r.status == 500 and r.subcode() == "a:DestinationUnreachable"


def _define_system(client, name, form):
    if form == "cdata":
        settings = (
            '<p:SystemSettings><![CDATA[<INSTANCE CLASSNAME="Msvm_VirtualSystemSettingData">'
            f'<PROPERTY NAME="ElementName" TYPE="string"><VALUE>{name}</VALUE></PROPERTY>'
            "</INSTANCE>]]></p:SystemSettings>"
        )
    elif form == "escaped":
        settings = (
            '<p:SystemSettings>&lt;INSTANCE CLASSNAME="Msvm_VirtualSystemSettingData"&gt;'
            f'&lt;PROPERTY NAME="ElementName" TYPE="string"&gt;&lt;VALUE&gt;{name}&lt;/VALUE&gt;'
            "&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;</p:SystemSettings>"
        )
    else:  # DSP0227 element form
        emb = V2 + "Msvm_VirtualSystemSettingData"
        settings = (
            f'<p:SystemSettings><q:Msvm_VirtualSystemSettingData xmlns:q="{emb}">'
            f"<q:ElementName>{name}</q:ElementName></q:Msvm_VirtualSystemSettingData></p:SystemSettings>"
        )
    return client.invoke(VSMS, "DefineSystem", {"CreationClassName": "Msvm_VirtualSystemManagementService"}, settings)


@pytest.mark.parametrize("form", ["cdata", "escaped", "element"])
def test_define_system_embedded_instance_forms(hyperv_host, client, form):
    name = f"new-{form}"
    r = _define_system(client, name, form)
    assert r.status == 200, r.text
    rv = int(r.one("//*[local-name()='ReturnValue']/text()"))
    assert rv in (0, 4096)
    sys_name = r.one("//*[local-name()='ResultingSystem']//w:Selector[@Name='Name']/text()")
    vm = client.get(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": sys_name})
    assert vm.one("//*[local-name()='ElementName']/text()") == name


def test_ref_parameter_as_epr_destroys_system(hyperv_host, client):
    made = _define_system(client, "to-destroy", "cdata")  # a new VM is off, so it can be destroyed
    name = made.one("//*[local-name()='ResultingSystem']//w:Selector[@Name='Name']/text()")
    epr = _epr_xml(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": name.lower()})
    r = client.invoke(
        VSMS,
        "DestroySystem",
        {"CreationClassName": "Msvm_VirtualSystemManagementService"},
        f"<p:AffectedSystem>{epr}</p:AffectedSystem>",
    )
    assert r.status == 200, r.text
    assert int(r.one("//*[local-name()='ReturnValue']/text()")) in (0, 4096)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        g = client.get(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": name})
        if g.status == 500:
            break
        time.sleep(0.1)
    assert g.subcode() == "a:DestinationUnreachable"


# ---- header faults ------------------------------------------------------------------------------


def _enum_env(**kw):
    return envelope("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", CS, enumerate_body(), **kw)


def test_missing_message_id(client):
    r = client.post(_enum_env(message_id=""))
    assert r.status == 500 and r.subcode() == "a:InvalidMessageInformationHeader"
    assert r.wsman_code() == 2150858767


def test_reply_to_not_anonymous(client):
    r = client.post(_enum_env(reply_to="http://elsewhere/"))
    assert r.subcode() == "w:UnsupportedFeature"
    assert r.one("//w:FaultDetail/text()").endswith("/AddressingMode")
    r = client.post(_enum_env(reply_to=None))
    assert r.subcode() == "a:MessageInformationHeaderRequired"


def test_locale_must_understand(client):
    loc = '<wsman:Locale xml:lang="en-US" s:mustUnderstand="true"/>'
    r = client.post(_enum_env(extra_headers=loc))
    assert r.subcode() == "w:UnsupportedFeature"
    assert r.one("//w:FaultDetail/text()").endswith("/Locale")
    ok = client.post(_enum_env(extra_headers=loc.replace('"true"', '"false"')))
    assert ok.status == 200


def test_max_envelope_size_too_small(client):
    r = client.post(
        _enum_env(extra_headers='<wsman:MaxEnvelopeSize s:mustUnderstand="true">8191</wsman:MaxEnvelopeSize>')
    )
    assert r.subcode() == "w:EncodingLimit"


def test_unknown_must_understand_header(client):
    r = client.post(_enum_env(extra_headers='<x:Weird xmlns:x="urn:x" s:mustUnderstand="true"/>'))
    assert r.status == 500
    assert r.one("//s:Fault/s:Code/s:Value/text()") == "s:MustUnderstand"
    assert r.x("/s:Envelope/s:Header/s:NotUnderstood")


def test_bad_operation_timeout(client):
    r = client.post(_enum_env(extra_headers="<wsman:OperationTimeout>PT-1S</wsman:OperationTimeout>"))
    assert r.subcode() == "a:InvalidMessageInformationHeader"


def test_unsupported_actions(client):
    r = client.post(envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete", CS, ""))
    assert r.subcode() == "a:ActionNotSupported"
    r = client.post(envelope("urn:bogus", CS, ""))
    assert r.subcode() == "a:ActionNotSupported"


def test_malformed_xml_request(client):
    r = client.post(b"<s:Envelope")
    assert r.status == 500 and r.fault is not None


def test_get_summary_information_object_out_param(hyperv_host, client):
    vm = _vm(hyperv_host)
    vssd = hyperv_host.host.associators("root/virtualization/v2", vm, assoc_class="Msvm_SettingsDefineState")[0]
    iid = vssd.properties["InstanceID"]
    params = (
        f"<p:SettingData>{_epr_xml(V2 + 'Msvm_VirtualSystemSettingData', {'InstanceID': iid})}</p:SettingData>"
        "<p:RequestedInformation>1</p:RequestedInformation><p:RequestedInformation>100</p:RequestedInformation>"
    )
    r = client.invoke(
        VSMS, "GetSummaryInformation", {"CreationClassName": "Msvm_VirtualSystemManagementService"}, params
    )
    assert r.status == 200, r.text
    out = r.one("/s:Envelope/s:Body/*")
    assert [c.tag.split("}")[1] for c in out] == ["SummaryInformation", "ReturnValue"]
    summary = out[0]
    emb = V2 + "Msvm_SummaryInformation"
    assert summary.get(f"{{{NS['xsi']}}}type").endswith("Msvm_SummaryInformation_Type")
    assert summary.findtext(f"{{{emb}}}Name") == vm.properties["Name"]
    assert summary.findtext(f"{{{emb}}}ElementName") == vm.properties["ElementName"]


def test_embedded_instance_out_param_is_escaped_cim_xml(hyperv_host, client):
    from lxml import etree

    path = next(f["path"] for f in hyperv_host.host.files.values() if f.get("kind") == "vhdx")
    ims = V2 + "Msvm_ImageManagementService"
    r = client.invoke(
        ims,
        "GetVirtualHardDiskSettingData",
        {"CreationClassName": "Msvm_ImageManagementService"},
        f"<p:Path>{path}</p:Path>",
    )
    assert r.status == 200, r.text
    rv = int(r.one("//*[local-name()='ReturnValue']/text()"))
    assert rv in (0, 4096)
    text = r.one("//*[local-name()='SettingData']/text()")  # a string holding CIM-XML, not child elements
    inst = etree.fromstring(text.encode())
    assert inst.tag == "INSTANCE" and inst.get("CLASSNAME") == "Msvm_VirtualHardDiskSettingData"
    assert inst.xpath("PROPERTY[@NAME='Path']/VALUE/text()") == [path]
    assert "&lt;INSTANCE" in r.text  # entity-escaped on the wire


def test_cim_datafile_query_get_and_delete_on_the_wire(hyperv_host, client):
    """A client deletes a disk file through root/cimv2 CIM_DataFile.Delete (captures/WinRb-WinRM/invoke_1.xml)."""
    from tests.simulator.model.populate import add_file

    df = CIMV2 + "CIM_DataFile"
    path = "C:\\Hyper-V\\Virtual Hard Disks\\it's-new.vhdx"
    add_file(hyperv_host.host, path, size=4096)
    wql_path = path.replace("\\", "\\\\").replace("'", "\\'")
    items, _unused = client.enum_all(
        CIMV2 + "*", pull_uri=df, max_elements=10, wql=f"SELECT * FROM CIM_DataFile WHERE Name = '{wql_path}'"
    )
    assert len(items) == 1 and items[0].tag == f"{{{df}}}CIM_DataFile"
    assert items[0].find(f"{{{df}}}FileSize").text == "4096"
    r = client.get(df, {"Name": path})
    assert r.status == 200 and r.one("/s:Envelope/s:Body/*").find(f"{{{df}}}Name").text == path.lower()
    r = client.invoke(df, "Delete", {"Name": path})
    assert r.status == 200, r.text
    assert r.one("/s:Envelope/s:Header/a:Action/text()") == df + "/DeleteResponse"
    out = r.one("/s:Envelope/s:Body/*")
    assert out.tag == f"{{{df}}}Delete_OUTPUT" and [c.tag for c in out] == [f"{{{df}}}ReturnValue"]
    assert out[0].text == "0"
    assert path.lower() not in hyperv_host.host.files
    r = client.invoke(df, "Delete", {"Name": path})
    assert r.status == 500 and r.subcode() == "a:DestinationUnreachable"


@pytest.mark.parametrize("persona", ["2012r2", "2022"])
def test_virt_who_reads_the_hyperv_version_from_vmms_exe(hyperv_sim, persona):
    """virt-who's version probe (reference 5.14): the management service binary in CIM_DataFile, its Version
    the host's build; protected from Delete like every file under C:\\Windows."""
    sim = hyperv_sim(persona=persona, vms=1)
    client = Client(sim.url)
    df = CIMV2 + "CIM_DataFile"
    wql = "select * from CIM_DataFile where Path = '\\\\windows\\\\system32\\\\' and FileName='vmms'"
    items, _unused = client.enum_all(CIMV2 + "*", pull_uri=df, wql=wql)
    assert len(items) == 1
    assert items[0].find(f"{{{df}}}Name").text == "c:\\windows\\system32\\vmms.exe"
    version = items[0].find(f"{{{df}}}Version").text
    assert version.startswith(sim.host.persona.os_version + "."), version
    r = client.invoke(df, "Delete", {"Name": "C:\\Windows\\System32\\vmms.exe"})
    assert r.status == 200 and r.x("//*[local-name()='ReturnValue']/text()") == ["2"], r.text
