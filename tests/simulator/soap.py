"""SOAP envelope in and out: parse a WS-Man request by namespace; build responses and faults.

Responses use WinRM's prefixes (reference 1.5) declared on the Envelope, because openwsman
resolves libvirt's XPaths only against declarations in scope there (10.2 S2).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from lxml import etree

NS_S = "http://www.w3.org/2003/05/soap-envelope"
NS_A = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_N = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
NS_X = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
NS_E = "http://schemas.xmlsoap.org/ws/2004/08/eventing"
NS_W = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
NS_P = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
NS_B = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"
NS_CIM = "http://schemas.dmtf.org/wbem/wscim/1/common"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_F = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
NS_WSMID = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
NS_XML = "http://www.w3.org/XML/1998/namespace"

ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
WMI_PREFIX = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
DMTF_PREFIX = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"

ACT_GET = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
ACT_PUT = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put"
ACT_CREATE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
ACT_DELETE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete"
ACT_ENUMERATE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
ACT_PULL = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull"
ACT_RELEASE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release"

FAULT_WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
FAULT_ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
FAULT_ENUMERATION = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"
FAULT_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"

DIALECT_WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
DIALECT_SELECTOR = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
DIALECT_ASSOC = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"

ENV_DECL_ENUM = f'xmlns:s="{NS_S}" xmlns:a="{NS_A}" xmlns:n="{NS_N}" xmlns:w="{NS_W}"'
ENV_DECL_TRANSFER = f'xmlns:s="{NS_S}" xmlns:a="{NS_A}" xmlns:x="{NS_X}" xmlns:w="{NS_W}" xmlns:p="{NS_P}"'
ENV_DECL_FAULT = (
    f'xmlns:s="{NS_S}" xmlns:a="{NS_A}" xmlns:x="{NS_X}" xmlns:e="{NS_E}" '
    f'xmlns:n="{NS_N}" xmlns:w="{NS_W}" xmlns:p="{NS_P}"'
)

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def esc(text) -> str:
    """Escape XML text the way WinRM 2008+ does (& < > " ' as entities; C0 controls as '?')."""
    s = str(text)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "'" in s:
        s = s.replace("'", "&apos;")
    if _CTRL.search(s):
        s = _CTRL.sub("?", s)
    return s


_CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def new_message_id() -> str:
    return "uuid:" + str(uuid.uuid4()).upper()


class WsmanFault(Exception):
    """A SOAP fault to send back (HTTP 500 unless status says otherwise)."""

    def __init__(
        self,
        code,
        subcode,
        reason,
        wsman_code=None,
        detail_uri=None,
        action=None,
        provider=False,
        wmi_error=None,
        not_understood=None,
        status=500,
    ):
        super().__init__(reason)
        self.code = code  # "Sender" / "Receiver" / "MustUnderstand"
        self.subcode = subcode  # "w:InvalidSelectors" or None
        self.reason = reason
        self.wsman_code = wsman_code
        self.detail_uri = detail_uri
        self.provider = provider  # wrap the message in a WMI ProviderFault (detail form B)
        self.wmi_error = wmi_error  # MSFT_WmiError error_Code (detail form C), or None
        self.not_understood = not_understood  # qname for s:NotUnderstood
        self.status = status
        if action is None:
            prefix = (subcode or "a:").split(":", 1)[0]
            action = {"a": FAULT_ADDRESSING, "n": FAULT_ENUMERATION}.get(prefix, FAULT_WSMAN)
            if code == "MustUnderstand":
                action = FAULT_ADDRESSING
        self.action = action


@dataclass
class Request:
    root: object
    header: object
    body: object
    action: str | None = None
    to: str | None = None
    resource_uri: str | None = None
    message_id: str | None = None
    message_id_present: bool = False
    reply_to: str | None = None
    reply_to_present: bool = False
    selectors: dict = field(default_factory=dict)
    selector_list: list = field(default_factory=list)
    max_envelope_size: int | None = None
    operation_timeout: float | None = None
    locale_must_understand: bool = False
    data_locale_must_understand: bool = False
    options: dict = field(default_factory=dict)
    unknown_must_understand: str | None = None
    bad_header: str | None = None

    @property
    def body_first(self):
        for child in self.body:
            if isinstance(child.tag, str):
                return child
        return None


_KNOWN_HEADERS = {
    (NS_A, "Action"),
    (NS_A, "To"),
    (NS_A, "MessageID"),
    (NS_A, "ReplyTo"),
    (NS_A, "FaultTo"),
    (NS_W, "ResourceURI"),
    (NS_W, "SelectorSet"),
    (NS_W, "MaxEnvelopeSize"),
    (NS_W, "OperationTimeout"),
    (NS_W, "Locale"),
    (NS_W, "OptionSet"),
    (NS_W, "RequestTotalItemsCountEstimate"),
    (NS_W, "FragmentTransfer"),
    (NS_P, "DataLocale"),
    (NS_P, "SessionId"),
    (NS_P, "OperationID"),
    (NS_P, "SequenceId"),
    (NS_P, "ActivityId"),
}

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?$")


def parse_duration(text: str) -> float:
    """xs:duration (days/hours/minutes/seconds) -> seconds; raises ValueError."""
    m = _DURATION.match(text.strip())
    if not m or text.strip() in ("P", "PT"):
        raise ValueError(text)
    d, h, mi, s = m.groups()
    return int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


def _must_understand(el) -> bool:
    v = el.get(f"{{{NS_S}}}mustUnderstand")
    if v is None:
        v = el.get("mustUnderstand")
    return v is not None and v.strip().lower() in ("true", "1")


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def parse_request(data: bytes) -> Request:
    """Parse an envelope; raises etree.XMLSyntaxError or ValueError for non-SOAP input."""
    root = etree.fromstring(data, _PARSER)
    if root.tag != f"{{{NS_S}}}Envelope":
        raise ValueError("not a SOAP 1.2 envelope")
    header = root.find(f"{{{NS_S}}}Header")
    body = root.find(f"{{{NS_S}}}Body")
    if body is None:
        raise ValueError("no SOAP Body")
    req = Request(root=root, header=header, body=body)
    if header is None:
        return req
    for el in header:
        if not isinstance(el.tag, str):
            continue
        qn = etree.QName(el)
        key = (qn.namespace, qn.localname)
        if key == (NS_A, "Action"):
            req.action = _text(el)
        elif key == (NS_A, "To"):
            req.to = _text(el)
        elif key == (NS_W, "ResourceURI"):
            req.resource_uri = _text(el)
        elif key == (NS_A, "MessageID"):
            req.message_id_present = True
            req.message_id = (el.text or "").strip()
        elif key == (NS_A, "ReplyTo"):
            req.reply_to_present = True
            req.reply_to = _text(el.find(f"{{{NS_A}}}Address"))
        elif key == (NS_W, "SelectorSet"):
            for sel in el.findall(f"{{{NS_W}}}Selector"):
                name = sel.get("Name") or ""
                epr = sel.find(f"{{{NS_A}}}EndpointReference")
                value = epr if epr is not None else (sel.text or "")
                req.selector_list.append((name, value))
                req.selectors[name] = value
        elif key == (NS_W, "MaxEnvelopeSize"):
            try:
                req.max_envelope_size = int(_text(el))
            except ValueError:
                req.bad_header = "MaxEnvelopeSize"
        elif key == (NS_W, "OperationTimeout"):
            try:
                req.operation_timeout = parse_duration(_text(el))
            except ValueError:
                req.bad_header = "OperationTimeout"
        elif key == (NS_W, "Locale"):
            req.locale_must_understand = _must_understand(el)
        elif key == (NS_P, "DataLocale"):
            req.data_locale_must_understand = _must_understand(el)
        elif key == (NS_W, "OptionSet"):
            for opt in el.findall(f"{{{NS_W}}}Option"):
                req.options[opt.get("Name") or ""] = opt.text or ""
        elif key not in _KNOWN_HEADERS and _must_understand(el) and req.unknown_must_understand is None:
            req.unknown_must_understand = qn.localname
    return req


def _header(action, message_id, relates_to) -> str:
    rel = f"<a:RelatesTo>{esc(relates_to)}</a:RelatesTo>" if relates_to else ""
    act = f"<a:Action>{esc(action)}</a:Action>" if action else ""
    return f"<s:Header>{act}<a:MessageID>{message_id}</a:MessageID><a:To>{ANONYMOUS}</a:To>{rel}</s:Header>"


def envelope(decl: str, action: str, relates_to, body: str, lang: str = "en-US") -> str:
    return (
        f'<s:Envelope xml:lang="{lang}" {decl}>'
        f"{_header(action, new_message_id(), relates_to)}<s:Body>{body}</s:Body></s:Envelope>"
    )


def fault_envelope(fault: WsmanFault, relates_to, machine: str) -> str:
    sub = f"<s:Subcode><s:Value>{fault.subcode}</s:Value></s:Subcode>" if fault.subcode else ""
    text = esc(fault.reason)
    detail = ""
    if fault.detail_uri:
        detail += f"<w:FaultDetail>{FAULT_DETAIL}{fault.detail_uri}</w:FaultDetail>"
    if fault.wsman_code is not None:
        if fault.provider:
            msg = (
                '<f:ProviderFault provider="WMI Provider" path="%systemroot%\\system32\\WsmWmiPl.dll">'
                f'<f:WSManFault xmlns:f="{NS_F}" Code="{fault.wsman_code}" Machine="{esc(machine)}">'
                f"<f:Message>{text}</f:Message></f:WSManFault></f:ProviderFault>"
            )
        else:
            msg = text
        detail += (
            f'<f:WSManFault xmlns:f="{NS_F}" Code="{fault.wsman_code}" Machine="{esc(machine)}">'
            f"<f:Message>{msg}</f:Message></f:WSManFault>"
        )
    if fault.wmi_error is not None:
        detail += wmi_error_xml(fault.wmi_error, fault.reason)
    detail_el = f"<s:Detail>{detail}</s:Detail>" if detail else ""
    code = f"s:{fault.code}"
    body = (
        f"<s:Fault><s:Code><s:Value>{code}</s:Value>{sub}</s:Code>"
        f'<s:Reason><s:Text xml:lang="en-US">{text}</s:Text></s:Reason>{detail_el}</s:Fault>'
    )
    hdr = _header(fault.action, new_message_id(), relates_to)
    if fault.not_understood:
        hdr = hdr.replace(
            "</s:Header>",
            f'<s:NotUnderstood qname="wsman:{fault.not_understood}" xmlns:wsman="{NS_W}"/></s:Header>',
        )
    return f'<s:Envelope xml:lang="en-US" {ENV_DECL_FAULT}>{hdr}<s:Body>{body}</s:Body></s:Envelope>'


def wmi_error_xml(code: int, message: str) -> str:
    """`p:MSFT_WmiError` detail (reference 4.2 C), fields in ordinal order."""
    ns = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError"
    m = esc(message)

    def f(name, typ, val=None):
        if val is None:
            return f'<p:{name} xsi:type="cim:{typ}" xsi:nil="true"/>'
        return f'<p:{name} xsi:type="cim:{typ}">{val}</p:{name}>'

    return (
        f'<p:MSFT_WmiError b:IsCIM_Error="true" xmlns:xsi="{NS_XSI}" xmlns:b="{NS_B}" '
        f'xmlns:p="{ns}" xmlns:cim="{NS_CIM}" xsi:type="p:MSFT_WmiError_Type">'
        + f("CIMStatusCode", "cimUnsignedInt", 27)
        + f("CIMStatusCodeDescription", "cimString")
        + f("ErrorSource", "cimString")
        + f("ErrorSourceFormat", "cimUnsignedShort", 0)
        + f("ErrorType", "cimUnsignedShort", 0)
        + f("Message", "cimString", m)
        + f("MessageID", "cimString", f"HRESULT 0x{code:x}")
        + f("OtherErrorSourceFormat", "cimString")
        + f("OtherErrorType", "cimString")
        + f("OwningEntity", "cimString")
        + f("PerceivedSeverity", "cimUnsignedShort", 0)
        + f("ProbableCause", "cimUnsignedShort", 0)
        + f("ProbableCauseDescription", "cimString")
        + f("error_Category", "cimUnsignedInt", 30)
        + f("error_Code", "cimUnsignedInt", code)
        + f("error_Type", "cimString", "HRESULT")
        + f("error_WindowsErrorMessage", "cimString", m)
        + "</p:MSFT_WmiError>"
    )


# ---- the faults of reference section 4.3, by name ---------------------------------------------


def f_invalid_selectors(
    reason="The WS-Management service cannot process the request because the request "
    "contained invalid selectors for the resource. ",
    detail="UnexpectedSelectors",
):
    code = {
        "UnexpectedSelectors": 2150858843,
        "InsufficientSelectors": 2150858842,
        "DuplicateSelectors": 2150858847,
        "TypeMismatch": 2150858844,
    }[detail]
    return WsmanFault("Sender", "w:InvalidSelectors", reason, code, detail)


def f_not_found(
    reason="The WS-Management service cannot process the request. The service cannot find "
    "the resource identified by the resource URI and selectors. ",
):
    return WsmanFault("Sender", "a:DestinationUnreachable", reason, 2150858752, "InvalidResourceURI", provider=True)


def f_cannot_process_filter(reason, wmi=False):
    return WsmanFault(
        "Sender", "n:CannotProcessFilter", reason, 2150858778, provider=True, wmi_error=2150858778 if wmi else None
    )


def f_invalid_context():
    return WsmanFault(
        "Receiver",
        "n:InvalidEnumerationContext",
        "The WS-Management service cannot process the request because the enumeration "
        "context supplied in the message is not valid. ",
        2150858779,
    )


def f_timed_out():
    return WsmanFault(
        "Receiver",
        "w:TimedOut",
        "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ",
        2150858793,
    )


def f_bad_header(reason):
    return WsmanFault("Sender", "a:InvalidMessageInformationHeader", reason, 2150858767)


def f_unsupported(detail, reason):
    return WsmanFault("Sender", "w:UnsupportedFeature", reason, 2150858818, detail)


def f_action_not_supported(action):
    return WsmanFault(
        "Sender", "a:ActionNotSupported", f"The action is not supported by the service: {action} ", 2150858771
    )


def f_quota(limit):
    return WsmanFault(
        "Receiver",
        "w:InternalError",
        f"The WS-Management service cannot process the request. This user is allowed a maximum "
        f"number of {limit} concurrent operations, which has been exceeded. Close existing "
        "operations for this user, or raise the quota for this user. ",
        2150859174,
        wmi_error=2150859174,
    )


def f_schema(reason):
    return WsmanFault("Sender", "w:SchemaValidationError", reason, 2150858817)
