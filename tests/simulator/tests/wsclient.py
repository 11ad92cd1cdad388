"""A deliberately plain WS-Man client for the simulator's tests: builds envelopes with openwsman's
and pywinrm's prefixes (not WinRM's), posts them, parses answers with lxml."""

from __future__ import annotations

import uuid

import requests
from lxml import etree

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "n": "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "b": "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "cim": "http://schemas.dmtf.org/wbem/wscim/1/common",
    "wsmid": "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd",
    "pm": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
}
WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
V2 = WMI + "root/virtualization/v2/"
V1 = WMI + "root/virtualization/"
CIMV2 = WMI + "root/cimv2/"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
ENUM = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"
CT = "application/soap+xml;charset=UTF-8"


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def envelope(action, uri, body="", selectors=None, message_id=None, extra_headers="", reply_to=ANON):
    sels = ""
    if selectors:
        sels = (
            "<wsman:SelectorSet>"
            + "".join(f'<wsman:Selector Name="{k}">{esc(v)}</wsman:Selector>' for k, v in selectors.items())
            + "</wsman:SelectorSet>"
        )
    mid = message_id if message_id is not None else f"uuid:{uuid.uuid4()}"
    act = f'<wsa:Action s:mustUnderstand="true">{action}</wsa:Action>' if action else ""
    rt = f"<wsa:ReplyTo><wsa:Address>{reply_to}</wsa:Address></wsa:ReplyTo>" if reply_to is not None else ""
    mid_el = f'<wsa:MessageID s:mustUnderstand="true">{mid}</wsa:MessageID>' if mid != "" else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<s:Envelope xmlns:s="{NS["s"]}" xmlns:wsa="{NS["a"]}" xmlns:wsman="{NS["w"]}" xmlns:wsen="{NS["n"]}" '
        f'xmlns:wsmb="{NS["b"]}">'
        f'<s:Header>{act}<wsa:To s:mustUnderstand="true">http://localhost/wsman</wsa:To>'
        f'<wsman:ResourceURI s:mustUnderstand="true">{uri}</wsman:ResourceURI>{mid_el}{rt}{sels}{extra_headers}'
        f"</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    )


def enumerate_body(wql=None, optimize=False, max_elements=None, mode=None, filter_xml=None):
    parts = []
    if optimize:
        parts.append("<wsman:OptimizeEnumeration/>")
    if max_elements is not None:
        parts.append(f"<wsman:MaxElements>{max_elements}</wsman:MaxElements>")
    if mode:
        parts.append(f"<wsman:EnumerationMode>{mode}</wsman:EnumerationMode>")
    if wql is not None:
        parts.append(f'<wsman:Filter Dialect="{WQL}">{esc(wql)}</wsman:Filter>')
    if filter_xml:
        parts.append(filter_xml)
    return f"<wsen:Enumerate>{''.join(parts)}</wsen:Enumerate>"


def pull_body(ctx, max_elements=None):
    me = f"<wsen:MaxElements>{max_elements}</wsen:MaxElements>" if max_elements is not None else ""
    return f"<wsen:Pull><wsen:EnumerationContext>{ctx}</wsen:EnumerationContext>{me}</wsen:Pull>"


class Reply:
    def __init__(self, resp):
        self.resp = resp
        self.status = resp.status_code
        self.text = resp.text
        self.root = etree.fromstring(resp.content) if resp.content else None

    def x(self, path):
        return self.root.xpath(path, namespaces=NS)

    def one(self, path):
        found = self.x(path)
        assert len(found) == 1, (path, len(found), self.text[:2000])
        return found[0]

    @property
    def body(self):
        return self.one("/s:Envelope/s:Body")

    @property
    def fault(self):
        f = self.x("/s:Envelope/s:Body/s:Fault")
        return f[0] if f else None

    def subcode(self):
        return self.one("/s:Envelope/s:Body/s:Fault/s:Code/s:Subcode/s:Value/text()")

    def wsman_code(self):
        codes = self.x("/s:Envelope/s:Body/s:Fault/s:Detail/f:WSManFault/@Code")
        return int(codes[0]) if codes else None


class Client:
    def __init__(self, url, user="admin", password="secret"):
        self.url = url
        self.session = requests.Session()
        self.session.verify = False
        self.auth = (user, password) if user is not None else None

    def post(self, xml, headers=None):
        h = {"Content-Type": CT}
        h.update(headers or {})
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        return Reply(self.session.post(self.url, data=data, headers=h, auth=self.auth, timeout=30, verify=False))

    def get(self, uri, selectors, **kw):
        return self.post(envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", uri, "", selectors, **kw))

    def enumerate(self, uri, **kw):
        headers = kw.pop("extra_headers", "")
        return self.post(envelope(ENUM + "Enumerate", uri, enumerate_body(**kw), extra_headers=headers))

    def pull(self, uri, ctx, max_elements=None, extra_headers=""):
        return self.post(envelope(ENUM + "Pull", uri, pull_body(ctx, max_elements), extra_headers=extra_headers))

    def release(self, uri, ctx):
        body = f"<wsen:Release><wsen:EnumerationContext>{ctx}</wsen:EnumerationContext></wsen:Release>"
        return self.post(envelope(ENUM + "Release", uri, body))

    def invoke(self, uri, method, selectors, params_xml=""):
        body = f'<p:{method}_INPUT xmlns:p="{uri}">{params_xml}</p:{method}_INPUT>'
        return self.post(envelope(f"{uri}/{method}", uri, body, selectors))

    def enum_all(self, uri, pull_uri=None, max_elements=None, **kw):
        """Enumerate + Pull to the end; -> (list of item elements, list of Reply)."""
        first = self.enumerate(uri, **kw)
        assert first.status == 200, first.text
        replies = [first]
        items = list(first.x("/s:Envelope/s:Body/n:EnumerateResponse/w:Items/*"))
        ctx = first.x("/s:Envelope/s:Body/n:EnumerateResponse/n:EnumerationContext/text()")
        if first.x("/s:Envelope/s:Body/n:EnumerateResponse/w:EndOfSequence"):
            return items, replies
        ctx = ctx[0]
        while True:
            r = self.pull(pull_uri or uri, ctx, max_elements)
            assert r.status == 200, r.text
            replies.append(r)
            items.extend(r.x("/s:Envelope/s:Body/n:PullResponse/n:Items/*"))
            if r.x("/s:Envelope/s:Body/n:PullResponse/n:EndOfSequence"):
                return items, replies
            ctx = r.one("/s:Envelope/s:Body/n:PullResponse/n:EnumerationContext/text()")
