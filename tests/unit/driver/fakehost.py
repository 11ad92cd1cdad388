"""Test doubles for the driver: a fake transport with pywinrm's send_message interface that
answers with XML built from the reference's shapes (sections 2-4), and records every request."""

from __future__ import annotations

import itertools
import re
import uuid
from xml.sax.saxutils import escape

from lxml import etree

from ansible_collections.wsman.hyperv.plugins.module_utils.uri import ConnectionSpec

S = "http://www.w3.org/2003/05/soap-envelope"
A = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
N = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
W = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
X = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
P = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
F = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CIM = "http://schemas.dmtf.org/wbem/wscim/1/common"
WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
V2 = "root/virtualization/v2"
V1 = "root/virtualization"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
NSX = {"s": S, "a": A, "n": N, "w": W, "x": X, "p": P, "f": F, "xsi": XSI, "cim": CIM}

PASSWORD = "Pa$$w0rd&<\"'%s3cr3t"


def spec(**over):
    values = dict(
        hostname="hv01.example.test", port=5986, transport="https", username="admin", password=PASSWORD,
        auth="basic", validate_certs=True, ca_path=None, client_cert=None, client_key=None,
        connection_timeout=5, operation_timeout=20, namespace="auto",
    )
    values.update(over)
    return ConnectionSpec(**values)


def class_uri(cls, ns=V2):
    return "%s%s/%s" % (WMI, ns, cls)


class Dt(str):
    """A cim:Datetime value in instance XML."""


class Iv(str):
    """A cim:Interval value in instance XML."""


class Epr:
    def __init__(self, uri, selectors):
        self.uri = uri
        self.selectors = selectors


def epr_children(epr):
    sels = "".join('<w:Selector Name="%s">%s</w:Selector>' % (k, escape(v)) for k, v in epr.selectors.items())
    return ('<a:Address xmlns:a="%s">%s</a:Address><a:ReferenceParameters xmlns:a="%s" xmlns:w="%s">'
            "<w:ResourceURI>%s</w:ResourceURI><w:SelectorSet>%s</w:SelectorSet></a:ReferenceParameters>"
            % (A, ANON, A, W, epr.uri, sels))


def prop_xml(name, value):
    if value is None:
        return '<p:%s xsi:nil="true"/>' % name
    if isinstance(value, list):
        return "".join(prop_xml(name, v) for v in value)
    if isinstance(value, Dt):
        return "<p:%s><cim:Datetime>%s</cim:Datetime></p:%s>" % (name, value, name)
    if isinstance(value, Iv):
        return "<p:%s><cim:Interval>%s</cim:Interval></p:%s>" % (name, value, name)
    if isinstance(value, Epr):
        return "<p:%s>%s</p:%s>" % (name, epr_children(value), name)
    if isinstance(value, bool):
        value = "true" if value else "false"
    return "<p:%s>%s</p:%s>" % (name, escape(str(value)), name)


def instance_xml(cls, props, ns=V2):
    """An instance rendered as a host renders it (3.4.1): xsi, p, cim declared on the element."""
    body = "".join(prop_xml(k, v) for k, v in sorted(props.items(), key=lambda kv: kv[0].lower()))
    return (f'<p:{cls} xmlns:xsi="{XSI}" xmlns:p="{class_uri(cls, ns)}" xmlns:cim="{CIM}" xsi:type="p:{cls}_Type">{body}</p:{cls}>'
            )


def vm_props(i, name=None, state=2):
    return {
        "Caption": "Virtual Machine",
        "CreationClassName": "Msvm_ComputerSystem",
        "Description": "Microsoft Virtual Machine",
        "ElementName": name or "vm%d" % i,
        "EnabledState": state,
        "HealthState": 5,
        "InstallDate": Dt("2024-01-02T03:04:05.123456Z"),
        "InstanceID": None,
        "Name": str(uuid.UUID(int=i)).upper(),
        "OnTimeInMilliseconds": 123456,
        "OperationalStatus": [2],
        "ProcessID": 4242,
        "RequestedState": 5,
        "TimeOfLastStateChange": Dt("2024-05-06T07:08:09-07:00"),
        "OtherEnabledState": None,
    }


def envelope(body, action, relates_to=None, decl="s a n w"):
    nss = {"s": S, "a": A, "n": N, "w": W, "x": X, "p": P}
    attrs = " ".join('xmlns:%s="%s"' % (k, nss[k]) for k in decl.split())
    rel = "<a:RelatesTo>%s</a:RelatesTo>" % relates_to if relates_to else ""
    return ('<s:Envelope xml:lang="en-US" %s><s:Header><a:Action>%s</a:Action><a:MessageID>uuid:%s</a:MessageID>'
            "<a:To>%s</a:To>%s</s:Header><s:Body>%s</s:Body></s:Envelope>"
            % (attrs, action, str(uuid.uuid4()).upper(), ANON, rel, body)).encode("utf-8")


def fault_xml(code="s:Sender", subcode="w:InvalidSelectors", reason="The selectors are not valid. ",
              wsman_code=2150858843, message=None, wmi_code=None, detail_uri=None, relates_to=None):
    detail = ""
    if detail_uri:
        detail += "<w:FaultDetail>%s</w:FaultDetail>" % detail_uri
    if wsman_code is not None:
        detail += ('<f:WSManFault xmlns:f="%s" Code="%d" Machine="hv01"><f:Message>%s</f:Message></f:WSManFault>'
                   % (F, wsman_code, escape(message or reason)))
    if wmi_code is not None:
        detail += ('<p:MSFT_WmiError xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError" '
                   'xmlns:b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" b:IsCIM_Error="true">'
                   "<p:error_Code>%d</p:error_Code><p:Message>%s</p:Message></p:MSFT_WmiError>"
                   % (wmi_code, escape(message or reason)))
    sub = "<s:Subcode><s:Value>%s</s:Value></s:Subcode>" % subcode if subcode else ""
    body = ('<s:Fault><s:Code><s:Value>%s</s:Value>%s</s:Code><s:Reason><s:Text xml:lang="en-US">%s</s:Text>'
            "</s:Reason><s:Detail>%s</s:Detail></s:Fault>" % (code, sub, escape(reason), detail))
    return envelope(body, "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relates_to, decl="s a x n w p")


class Request:
    """A recorded request, parsed with plain lxml for assertions."""

    def __init__(self, raw):
        self.raw = raw
        self.root = etree.fromstring(raw)

    def x(self, path):
        return self.root.xpath(path, namespaces=NSX)

    def text(self, path):
        found = self.x(path)
        if not found:
            return None
        el = found[0]
        return el if isinstance(el, str) else (el.text or "")

    @property
    def action(self):
        return self.text("/s:Envelope/s:Header/a:Action")

    @property
    def resource_uri(self):
        return self.text("/s:Envelope/s:Header/w:ResourceURI")

    @property
    def message_id(self):
        return self.text("/s:Envelope/s:Header/a:MessageID")

    @property
    def selectors(self):
        return {s.get("Name"): s.text for s in self.x("/s:Envelope/s:Header/w:SelectorSet/w:Selector")}

    @property
    def body(self):
        return self.x("/s:Envelope/s:Body")[0]

    @property
    def op(self):
        action = self.action or ""
        return action.rsplit("/", 1)[-1] if action else "Identify"


class FakeTransport:
    """send_message(bytes) -> bytes, answering through ``handler(request) -> bytes`` (or raising)."""

    def __init__(self, handler):
        self.handler = handler
        self.requests = []
        self.closed = 0

    def send_message(self, message):
        req = Request(message)
        self.requests.append(req)
        return self.handler(req)

    def close_session(self):
        self.closed += 1

    def ops(self):
        return [r.op for r in self.requests]


class PagingHost:
    """Enumerate / Pull / Release over a list of instance XML strings, like WinRM does (2.3, 2.4, 9.2):
    optimized first batch (capped by ``first_batch``), Pull batches capped by ``pull_cap`` (fewer than
    asked), a new context per PullResponse, w:EndOfSequence in EnumerateResponse, n:EndOfSequence
    (and no context) in the last PullResponse."""

    def __init__(self, items, first_batch=None, pull_cap=None, ns=V2, batch_eos_ns="w"):
        self.items = items
        self.first_batch = first_batch
        self.pull_cap = pull_cap
        self.ns = ns
        self.contexts = {}
        self.released = []
        self.pulls = []
        self.counter = itertools.count(1)
        self.enumerates = []

    def _new_context(self, pos):
        ctx = "uuid:CTX-%d" % next(self.counter)
        self.contexts[ctx] = pos
        return ctx

    def __call__(self, req):
        op = req.op
        if op == "Enumerate":
            self.enumerates.append(req)
            optimize = req.x("//n:Enumerate/w:OptimizeEnumeration")
            max_el = int(req.text("//n:Enumerate/w:MaxElements") or 1) if optimize else 0
            if self.first_batch is not None:
                max_el = min(max_el, self.first_batch)
            batch = self.items[:max_el]
            pos = len(batch)
            items = "<w:Items>%s</w:Items>" % "".join(batch) if optimize else ""
            if pos >= len(self.items) and optimize:
                body = "<n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext>%s<w:EndOfSequence/>" \
                       "</n:EnumerateResponse>" % items
            else:
                ctx = self._new_context(pos)
                body = "<n:EnumerateResponse><n:EnumerationContext>%s</n:EnumerationContext>%s" \
                       "</n:EnumerateResponse>" % (ctx, items)
            return envelope(body, N + "/EnumerateResponse", req.message_id)
        if op == "Pull":
            ctx = req.text("//n:Pull/n:EnumerationContext")
            if ctx not in self.contexts:
                return _raise_fault(fault_xml("s:Receiver", "n:InvalidEnumerationContext",
                                              "The enumeration context supplied in the message is not valid. ",
                                              2150858779, relates_to=req.message_id))
            pos = self.contexts.pop(ctx)
            asked = int(req.text("//n:Pull/n:MaxElements") or 1)
            size = min(asked, self.pull_cap) if self.pull_cap else asked
            batch = self.items[pos:pos + size]
            self.pulls.append(len(batch))
            pos += len(batch)
            if pos >= len(self.items):
                body = "<n:PullResponse><n:Items>%s</n:Items><n:EndOfSequence/></n:PullResponse>" % "".join(batch)
            else:
                body = "<n:PullResponse><n:EnumerationContext>%s</n:EnumerationContext><n:Items>%s</n:Items>" \
                       "</n:PullResponse>" % (self._new_context(pos), "".join(batch))
            return envelope(body, N + "/PullResponse", req.message_id)
        if op == "Release":
            ctx = req.text("//n:Release/n:EnumerationContext")
            self.released.append(ctx)
            self.contexts.pop(ctx, None)
            return envelope("", N + "/ReleaseResponse", req.message_id)
        raise AssertionError("unexpected operation %s" % op)


def _raise_fault(body):
    from winrm.exceptions import WinRMTransportError

    raise WinRMTransportError("http", 500, body.decode("utf-8"))


def raise_fault(body):
    _raise_fault(body)


def output_xml(cls, method, out, ns=V2):
    """A p:<Method>_OUTPUT body (2.6): out-params then ReturnValue last."""
    parts = []
    for name, value in out.items():
        if name == "ReturnValue":
            continue
        parts.append(prop_xml(name, value))
    parts.append("<p:ReturnValue>%d</p:ReturnValue>" % out.get("ReturnValue", 0))
    return ('<p:{m}_OUTPUT xmlns:p="{u}" xmlns:xsi="{xsi}" xmlns:cim="{cim}">{b}</p:{m}_OUTPUT>'
            .format(m=method, u=class_uri(cls, ns), xsi=XSI, cim=CIM, b="".join(parts)))


def job_epr(job_id, cls="Msvm_ConcreteJob", ns=V2):
    return Epr(class_uri(cls, ns), {"InstanceID": job_id})


def strip_ws(text):
    return re.sub(r">\s+<", "><", text)
