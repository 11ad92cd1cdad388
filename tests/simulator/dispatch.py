"""One SOAP request in, one answer out: header checks, Identify, Get, Enumerate/Pull/Release,
Invoke, and the mapping of model errors to the faults of reference section 4."""

from __future__ import annotations

from lxml import etree

from . import errors, render, wql
from .cimxml import parse_instance_element, parse_instance_text
from .enumeration import EnumContext, take_batch
from .soap import (
    ACT_CREATE,
    ACT_DELETE,
    ACT_ENUMERATE,
    ACT_GET,
    ACT_PULL,
    ACT_PUT,
    ACT_RELEASE,
    DIALECT_ASSOC,
    DIALECT_SELECTOR,
    DIALECT_WQL,
    DMTF_PREFIX,
    ENV_DECL_ENUM,
    ENV_DECL_TRANSFER,
    NS_A,
    NS_B,
    NS_CIM,
    NS_N,
    NS_S,
    NS_W,
    NS_WSMID,
    NS_XSI,
    WMI_PREFIX,
    WsmanFault,
    envelope,
    f_action_not_supported,
    f_bad_header,
    f_cannot_process_filter,
    f_invalid_context,
    f_invalid_selectors,
    f_not_found,
    f_quota,
    f_schema,
    f_unsupported,
    parse_request,
)
from .values import Ref

_INT_TYPES = {"uint8", "uint16", "uint32", "uint64", "sint8", "sint16", "sint32", "sint64"}
ENV_DECL_INVOKE = (
    ENV_DECL_TRANSFER.replace("xmlns:w=", f'xmlns:n="{NS_N}" xmlns:w=')
    + f' xmlns:b="{NS_B}" xmlns:cim="{NS_CIM}" xmlns:xsi="{NS_XSI}"'
)


class Answer:
    __slots__ = ("status", "body", "action", "class_name", "fault")

    def __init__(self, status, body, action, class_name=None, fault=None):
        self.status = status
        self.body = body
        self.action = action  # short name for the request log
        self.class_name = class_name
        self.fault = fault


# ---- resource URIs ------------------------------------------------------------------------------


def split_uri(uri: str):
    """-> (namespace, class or "*") for `…/wmi/<ns>/<Class>`; DMTF URIs -> (None, Class)."""
    if not uri:
        raise WsmanFault(
            "Sender",
            "w:InvalidResourceURI",
            "The WS-Management service cannot process the request because the resource URI is missing. ",
            2150858811,
        )
    if uri.lower().startswith(WMI_PREFIX.lower()):
        rest = uri[len(WMI_PREFIX) :].split("?", 1)[0].strip("/")
        if "/" in rest:
            ns, cls = rest.rsplit("/", 1)
            return ns, cls
    if uri.lower().startswith(DMTF_PREFIX.lower()):
        return None, uri[len(DMTF_PREFIX) :]
    raise WsmanFault(
        "Sender",
        "a:DestinationUnreachable",
        "The WS-Management service cannot process the request because the resource URI is not valid or not supported. ",
        2150858752,
        "InvalidResourceURI",
    )


def _missing_namespace(ns) -> str:
    return f"The WS-Management service cannot process the request. The CIM namespace {ns} is invalid. "


def _ns_or_fault(sim, ns, wql_filter=False):
    canon = sim.host.schema.canonical_namespace(ns)
    if canon is None:
        if wql_filter:
            raise f_cannot_process_filter(_missing_namespace(ns), wmi=True)
        raise f_not_found(_missing_namespace(ns))
    return canon


def _class_or_fault(sim, ns, cls):
    try:
        return sim.host.schema.get_class(ns, cls)
    except errors.UnknownClass:
        raise f_not_found(
            "The WS-Management service cannot process the request. The WMI service or the WMI "
            "provider returned an unknown error: HRESULT 0x80041010 "
        ) from None


def map_error(exc: errors.SimError, op: str) -> WsmanFault:
    msg = exc.message or str(exc)
    if isinstance(exc, errors.UnknownNamespace):
        return f_cannot_process_filter(msg, wmi=True) if op == "enumerate" else f_not_found(msg)
    if isinstance(exc, errors.UnknownClass):
        if op == "enumerate":
            return f_cannot_process_filter(
                "The WS-Management service cannot process the request. The specified "
                "class does not exist in the given namespace. "
            )
        return f_not_found(msg)
    if isinstance(exc, errors.InvalidSelectors):
        return f_invalid_selectors(detail="InsufficientSelectors")
    if isinstance(exc, errors.NotFound):
        return f_not_found()
    if isinstance(exc, errors.InvalidQuery):
        return f_cannot_process_filter(
            f"The WS-Management service cannot process the request. The WQL query is invalid. {msg} "
        )
    if isinstance(exc, errors.MethodNotFound):
        return WsmanFault(
            "Sender", "a:ActionNotSupported", f"The action is not supported by the service. {msg} ", 2150858771
        )
    if isinstance(exc, errors.InvalidParameter):
        return WsmanFault(
            "Sender",
            "w:InvalidParameter",
            f"The WS-Management service cannot process the request. "
            f"The WMI provider returned an invalid parameter error. {msg} ",
            2150859038,
            "InvalidValue",
        )
    if isinstance(exc, errors.AccessDenied):
        return WsmanFault(
            "Sender",
            "w:AccessDenied",
            "The WS-Management service cannot process the request. The WMI service returned an 'access denied' error. ",
            2150859012,
        )
    return WsmanFault("Receiver", "w:InternalError", msg, 2150858752)


# ---- header checks ------------------------------------------------------------------------------


def check_headers(req, sim) -> int:
    """Validate the addressing headers (reference 1.6, 4.3); -> effective MaxEnvelopeSize in bytes."""
    if not req.message_id:
        raise f_bad_header(
            "The WS-Management service cannot process a SOAP header in the request that has "
            'mustUnderstand="true". The MessageID header is missing or empty. '
        )
    if not req.reply_to_present:
        raise WsmanFault(
            "Sender",
            "a:MessageInformationHeaderRequired",
            "The WS-Management service cannot process the request because the ReplyTo header is missing. ",
            2150858769,
        )
    if req.reply_to != "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous":
        raise f_unsupported(
            "AddressingMode",
            "The WS-Management service does not support the specified "
            "addressing mode: ReplyTo must be the anonymous address. ",
        )
    if req.locale_must_understand:
        raise f_unsupported(
            "Locale", 'The WS-Management service does not support the Locale header with mustUnderstand="true". '
        )
    if req.data_locale_must_understand:
        raise f_unsupported(
            "DataLocale",
            'The WS-Management service does not support the DataLocale header with mustUnderstand="true". ',
        )
    if req.bad_header:
        raise f_bad_header(
            f"The WS-Management service cannot process the request because the {req.bad_header} "
            "header value is not valid. "
        )
    if req.operation_timeout is not None and req.operation_timeout <= 0:
        raise f_bad_header(
            "The WS-Management service cannot process the request because the OperationTimeout "
            "header value is not valid. "
        )
    if req.unknown_must_understand:
        raise WsmanFault(
            "MustUnderstand",
            None,
            'The WS-Management service cannot process a SOAP header in the request that has mustUnderstand="true". ',
            not_understood=req.unknown_must_understand,
        )
    limit = sim.host.persona.max_envelope_kb * 1024
    if req.max_envelope_size is not None:
        if req.max_envelope_size < 8192:
            raise WsmanFault(
                "Sender",
                "w:EncodingLimit",
                "The WS-Management service cannot process the request "
                "because the MaxEnvelopeSize is smaller than the minimum of 8192. ",
                2150858805,
                "MinimumEnvelopeLimit",
            )
        limit = min(limit, req.max_envelope_size)
    return limit


# ---- entry point --------------------------------------------------------------------------------


def handle(sim, data: bytes, user=None, authenticated=True) -> Answer:
    relates = None
    action_name = "unknown"
    class_name = None
    try:
        try:
            req = parse_request(data)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise WsmanFault(
                "Sender",
                "w:SchemaValidationError",
                f"The WS-Management service cannot process the request because the XML is invalid. {exc} ",
                2150858819,
            ) from None
        relates = req.message_id
        first = req.body_first
        if not req.action and first is not None and first.tag == f"{{{NS_WSMID}}}Identify":
            return Answer(200, identify(sim, authenticated), "Identify")
        if not authenticated:
            return Answer(401, "", "Unauthenticated")
        action = req.action or ""
        try:
            _unused, class_name = split_uri(req.resource_uri) if req.resource_uri else (None, None)
        except WsmanFault:
            class_name = None
        max_bytes = check_headers(req, sim)
        with sim.host.lock:
            if action == ACT_GET:
                action_name = "Get"
                return Answer(200, do_get(sim, req), action_name, class_name)
            if action == ACT_ENUMERATE:
                action_name = "Enumerate"
                body, class_name = do_enumerate(sim, req, user, max_bytes)
                return Answer(200, body, action_name, class_name)
            if action == ACT_PULL:
                action_name = "Pull"
                return Answer(200, do_pull(sim, req, user, max_bytes), action_name, class_name)
            if action == ACT_RELEASE:
                action_name = "Release"
                return Answer(200, do_release(sim, req, user), action_name, class_name)
            if action in (ACT_PUT, ACT_CREATE, ACT_DELETE):
                action_name = action.rsplit("/", 1)[-1]
                raise f_action_not_supported(action)
            if req.resource_uri and action.lower().startswith(req.resource_uri.lower() + "/"):
                method = action[len(req.resource_uri) + 1 :]
                action_name = f"Invoke:{method}"
                body = do_invoke(sim, req, method)
                sim.state_changed()
                return Answer(200, body, action_name, class_name)
            raise f_action_not_supported(action)
    except WsmanFault as fault:
        return Answer(
            fault.status, _fault_body(sim, fault, relates), action_name, class_name, fault.subcode or fault.code
        )


def _fault_body(sim, fault, relates):
    from .soap import fault_envelope

    return fault_envelope(fault, relates, sim.host.computer_name)


def identify(sim, authenticated) -> str:
    version = sim.host.persona.identify_product_version if authenticated else "OS: 0.0.0 SP: 0.0 Stack: 3.0"
    return (
        f'<s:Envelope xmlns:s="{NS_S}" xmlns:wsmid="{NS_WSMID}"><s:Header/><s:Body>'
        "<wsmid:IdentifyResponse>"
        "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>"
        "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>"
        f"<wsmid:ProductVersion>{version}</wsmid:ProductVersion>"
        "</wsmid:IdentifyResponse></s:Body></s:Envelope>"
    )


# ---- Get ----------------------------------------------------------------------------------------


def _selectors(req, cd):
    """Selector dict checked against the class keys (names case-insensitive)."""
    keys = {k.lower(): k for k in cd.keys}
    out = {}
    seen = set()
    for name, value in req.selector_list:
        low = name.lower()
        if low in seen:
            raise f_invalid_selectors(detail="DuplicateSelectors")
        seen.add(low)
        if low == "__cimnamespace":
            continue
        if low not in keys:
            raise f_invalid_selectors()
        if not isinstance(value, str):
            value = _epr_to_ref(value, None)
            from .model.instance import ref_path

            value = ref_path(value, None)
        out[keys[low]] = value
    return out


def _target(sim, req):
    ns, cls = split_uri(req.resource_uri)
    if ns is None:  # DMTF URI: __cimnamespace selector or root/hardware
        cimns = next((v for k, v in req.selector_list if k.lower() == "__cimnamespace"), "root/hardware")
        ns = cimns
    if cls == "*":
        raise WsmanFault(
            "Sender",
            "w:InvalidParameter",
            "The WS-Management service cannot process the request because the resource URI must name a class. ",
            2150858752,
        )
    ns = _ns_or_fault(sim, ns)
    cd = _class_or_fault(sim, ns, cls)
    return ns, cd, _selectors(req, cd)


def do_get(sim, req) -> str:
    ns, cd, sels = _target(sim, req)
    if not sels:
        raise f_invalid_selectors(detail="InsufficientSelectors")
    try:
        inst = sim.host.get(ns, cd.name, sels)
    except errors.SimError as exc:
        raise map_error(exc, "get") from None
    return envelope(ENV_DECL_TRANSFER, ACT_GET + "Response", req.message_id, render.instance_xml(inst))


# ---- Enumerate / Pull / Release -------------------------------------------------------------------


def _child(el, ns, name):
    return el.find(f"{{{ns}}}{name}") if el is not None else None


def _epr_to_ref(el, sim) -> Ref:
    """An EPR element (a:Address + a:ReferenceParameters, or their parent) -> Ref."""
    rp = el.find(f".//{{{NS_A}}}ReferenceParameters")
    holder = rp if rp is not None else el
    uri_el = holder.find(f"{{{NS_W}}}ResourceURI")
    if uri_el is None:
        raise WsmanFault("Sender", "w:InvalidParameter", "The EPR has no ResourceURI. ", 2150859038, "InvalidValue")
    ns, cls = split_uri((uri_el.text or "").strip())
    keys = []
    for sel in holder.findall(f"{{{NS_W}}}SelectorSet/{{{NS_W}}}Selector"):
        keys.append((sel.get("Name") or "", (sel.text or "")))
    if sim is not None:
        canon = sim.host.schema.canonical_namespace(ns)
        if canon is not None:
            ns = canon
            try:
                cd = sim.host.schema.get_class(ns, cls)
                cls = cd.name
                order = {k.lower(): i for i, k in enumerate(cd.keys)}
                names = {k.lower(): k for k in cd.keys}
                keys = sorted(
                    ((names.get(k.lower(), k), v) for k, v in keys), key=lambda kv: order.get(kv[0].lower(), 99)
                )
            except errors.SimError:
                pass
    return Ref(ns, cls, tuple(keys))


def _item_renderer(mode, projection=None, keys_only=False, blank=False):
    def obj(inst):
        if projection:
            return render.fragment_xml(inst, projection)
        return render.instance_xml(inst, keys_only=keys_only, blank=blank)

    if mode == "EnumerateEPR":
        return lambda inst: render.epr(inst.ref())
    if mode == "EnumerateObjectAndEPR":
        return lambda inst: f"<w:Item>{obj(inst)}{render.epr(inst.ref())}</w:Item>"
    return obj


def _run_wql(sim, ns, text):
    host = sim.host
    q = wql.parse(text)
    if isinstance(q, wql.Select):
        try:
            cd = host.schema.get_class(ns, q.class_name)
        except errors.UnknownClass:
            raise f_cannot_process_filter(
                "The WS-Management service cannot process the request. The specified "
                "class does not exist in the given namespace. "
            ) from None
        if q.props:
            for p in q.props:
                if cd.prop(p) is None and not p.startswith("__"):
                    raise errors.InvalidQuery(f"no property {p} in {cd.name}")
        ev = wql.Evaluator(q.where, cd, host.computer_name)
        items = [i for i in host.instances(ns, cd.name) if ev.matches(i)]
        return items, cd.name, {"projection": q.props}
    # ASSOCIATORS OF / REFERENCES OF
    from .model.paths import parse_path

    try:
        _unused, path_ns, cls, keys = parse_path(q.path)
    except (ValueError, IndexError):
        raise errors.InvalidQuery(f"bad object path {q.path!r}") from None
    src_ns = sim.host.schema.canonical_namespace(path_ns) if path_ns else ns
    if src_ns is None:
        raise f_cannot_process_filter(_missing_namespace(path_ns), wmi=True)
    try:
        cd = host.schema.get_class(src_ns, cls)
    except errors.UnknownClass:
        raise errors.InvalidQuery(f"no class {cls}") from None
    if "" in keys and len(cd.keys) == 1:
        keys = {cd.keys[0]: keys.pop("")}
    try:
        source = host.get(src_ns, cd.name, keys)
    except errors.NotFound:
        raise f_cannot_process_filter(
            "The WS-Management service cannot process the request. The object named in the query does not exist. "
        ) from None
    except errors.InvalidSelectors:
        raise errors.InvalidQuery(f"bad keys in {q.path!r}") from None
    o = q.options
    for kw in ("assocclass", "resultclass"):
        if kw in o and not host.schema.has_class(ns, o[kw]):
            raise errors.InvalidQuery(f"no class {o[kw]}")
    if q.kind == "associators":
        items = host.associators(
            ns,
            source,
            assoc_class=o.get("assocclass"),
            result_class=o.get("resultclass"),
            role=o.get("role"),
            result_role=o.get("resultrole"),
        )
    else:
        items = host.references(ns, source, result_class=o.get("resultclass"), role=o.get("role"))
    blank = bool(o.get("classdefsonly"))
    if blank:
        seen, uniq = set(), []
        for i in items:
            if i.class_name not in seen:
                seen.add(i.class_name)
                uniq.append(i)
        items = uniq
    name = o.get("resultclass") or (items[0].class_name if items else None)
    return items, name, {"keys_only": bool(o.get("keysonly")), "blank": blank}


def do_enumerate(sim, req, user, max_bytes):
    host = sim.host
    body = _child(req.body, NS_N, "Enumerate")
    if body is None:
        raise f_schema("The Enumerate body is missing. ")
    optimize = _child(body, NS_W, "OptimizeEnumeration") is not None
    max_el_el = _child(body, NS_W, "MaxElements")
    try:
        max_elements = int(max_el_el.text) if max_el_el is not None else 1
    except (TypeError, ValueError):
        raise f_schema("MaxElements is not a number. ") from None
    mode_el = _child(body, NS_W, "EnumerationMode")
    mode = (mode_el.text or "").strip() if mode_el is not None else None
    if mode not in (None, "EnumerateEPR", "EnumerateObjectAndEPR"):
        raise f_unsupported("EnumerationMode", "The WS-Management service does not support the enumeration mode. ")
    flt = _child(body, NS_W, "Filter")
    if flt is None:
        flt = _child(body, NS_N, "Filter")
    ns, cls = split_uri(req.resource_uri)
    if ns is None:
        raise f_not_found()
    opts = {}
    class_name = cls
    try:
        if flt is None:
            ns = _ns_or_fault(sim, ns)
            if cls == "*":
                raise f_cannot_process_filter(
                    "The WS-Management service cannot process the request. An "
                    "enumeration of all classes needs a filter. "
                )
            cd = _class_or_fault(sim, ns, cls)
            class_name = cd.name
            items = host.instances(ns, cd.name)
        else:
            dialect = (flt.get("Dialect") or DIALECT_WQL).strip()
            if dialect == DIALECT_WQL:
                if cls != "*":
                    raise WsmanFault(
                        "Sender",
                        "n:CannotProcessFilter",
                        "The WS-Management service cannot process "
                        "the request. The resource URI for an Enumerate operation with a WQL filter "
                        'must not contain keys and its class part must be "*". ',
                        2150859016,
                    )
                ns = _ns_or_fault(sim, ns, wql_filter=True)
                items, class_name, opts = _run_wql(sim, ns, "".join(flt.itertext()))
            elif dialect == DIALECT_SELECTOR:
                ns = _ns_or_fault(sim, ns)
                if cls == "*":
                    raise f_cannot_process_filter("A selector filter needs a class resource URI. ")
                cd = _class_or_fault(sim, ns, cls)
                class_name = cd.name
                items = _selector_filter(host, ns, cd, flt)
            elif dialect == DIALECT_ASSOC:
                ns = _ns_or_fault(sim, ns)
                items, class_name = _assoc_filter(sim, ns, flt)
            else:
                raise WsmanFault(
                    "Sender",
                    "n:FilterDialectRequestedUnavailable",
                    "The WS-Management service does not support the filter dialect. ",
                    2150858777,
                )
    except errors.SimError as exc:
        raise map_error(exc, "enumerate") from None
    render_item = _item_renderer(mode, opts.get("projection"), opts.get("keys_only", False), opts.get("blank", False))
    ctx = EnumContext(user, items, render_item)
    parts = []
    if optimize:
        batch = take_batch(ctx, max_elements, max_bytes)
        if ctx.remaining:
            _check_quota(sim, user)
            sim.contexts.add(ctx)
            parts.append(f"<n:EnumerationContext>{ctx.id}</n:EnumerationContext>")
        else:
            parts.append("<n:EnumerationContext></n:EnumerationContext>")
        if batch:
            parts.append(f"<w:Items>{''.join(batch)}</w:Items>")
        if not ctx.remaining:
            parts.append("<w:EndOfSequence/>")
    else:
        _check_quota(sim, user)
        sim.contexts.add(ctx)
        parts.append(f"<n:EnumerationContext>{ctx.id}</n:EnumerationContext>")
    body_xml = f"<n:EnumerateResponse>{''.join(parts)}</n:EnumerateResponse>"
    return envelope(ENV_DECL_ENUM, ACT_ENUMERATE + "Response", req.message_id, body_xml), class_name


def _check_quota(sim, user):
    limit = sim.host.persona.max_ops_per_user
    if sim.contexts.open_count(user) >= limit:
        raise f_quota(limit)


def _selector_filter(host, ns, cd, flt):
    wanted = {}
    for sel in flt.iter(f"{{{NS_W}}}Selector"):
        name = sel.get("Name") or ""
        pd = cd.prop(name)
        value = sel.text or ""
        if (
            name.lower() in wanted
            or pd is None
            or pd.is_array
            or pd.cim_type in ("datetime", "reference")
            or '"' in value
            or "'" in value
        ):
            raise f_cannot_process_filter(
                "The WS-Management service cannot process the request. The selector filter is not valid. "
            )
        wanted[pd.name] = value.lower()
    out = []
    for inst in host.instances(ns, cd.name):
        props = inst.properties
        if all(_text(props.get(k)).lower() == v for k, v in wanted.items()):
            out.append(inst)
    return out


def _text(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    return "" if v is None else str(v)


def _assoc_filter(sim, ns, flt):
    host = sim.host
    node = _child(flt, NS_B, "AssociatedInstances")
    kind = "associators"
    if node is None:
        node = _child(flt, NS_B, "AssociationInstances")
        kind = "references"
    if node is None:
        raise f_cannot_process_filter("The association filter is not valid. ")
    obj = _child(node, NS_B, "Object")
    if obj is None:
        raise f_cannot_process_filter("The association filter has no Object. ")
    ref = _epr_to_ref(obj, sim)
    src_ns = sim.host.schema.canonical_namespace(ref.namespace) or ns
    source = host.get(src_ns, ref.class_name, dict(ref.keys))

    def opt(name):
        el = _child(node, NS_B, name)
        return (el.text or "").strip() if el is not None and (el.text or "").strip() else None

    if kind == "associators":
        items = host.associators(
            ns,
            source,
            assoc_class=opt("AssociationClassName"),
            result_class=opt("ResultClassName"),
            role=opt("Role"),
            result_role=opt("ResultRole"),
        )
    else:
        items = host.references(ns, source, result_class=opt("ResultClassName"), role=opt("Role"))
    return items, opt("ResultClassName")


def do_pull(sim, req, user, max_bytes) -> str:
    body = _child(req.body, NS_N, "Pull")
    ctx_el = _child(body, NS_N, "EnumerationContext")
    if ctx_el is None:
        raise f_invalid_context()
    max_el = _child(body, NS_N, "MaxElements")
    try:
        max_elements = int(max_el.text) if max_el is not None else 1
    except (TypeError, ValueError):
        raise f_schema("MaxElements is not a number. ") from None
    ctx = sim.contexts.take(ctx_el.text or "", user)
    if ctx is None:
        raise f_invalid_context()
    try:
        batch = take_batch(ctx, max_elements, max_bytes)
    except WsmanFault:
        sim.contexts.add(ctx)  # the context stays usable with a larger MaxEnvelopeSize
        raise
    items = f"<n:Items>{''.join(batch)}</n:Items>"
    if ctx.remaining:
        sim.contexts.renew(ctx)
        inner = f"<n:EnumerationContext>{ctx.id}</n:EnumerationContext>{items}"
    else:
        inner = f"{items}<n:EndOfSequence/>"
    return envelope(ENV_DECL_ENUM, ACT_PULL + "Response", req.message_id, f"<n:PullResponse>{inner}</n:PullResponse>")


def do_release(sim, req, user) -> str:
    body = _child(req.body, NS_N, "Release")
    ctx_el = _child(body, NS_N, "EnumerationContext")
    if ctx_el is None or sim.contexts.take(ctx_el.text or "", user) is None:
        raise f_invalid_context()
    return envelope(ENV_DECL_ENUM, ACT_RELEASE + "Response", req.message_id, "")


# ---- Invoke -------------------------------------------------------------------------------------


def _decode_param(sim, pd, el):
    if (el.get(f"{{{NS_XSI}}}nil") or "").lower() == "true":
        return None
    if pd.cim_type == "reference":
        if el.find(f".//{{{NS_A}}}ReferenceParameters") is not None or el.find(f"{{{NS_W}}}ResourceURI") is not None:
            return _epr_to_ref(el, sim)
        text = (el.text or "").strip()
        from .model.paths import parse_path

        try:
            _unused, pns, cls, keys = parse_path(text)
        except (ValueError, IndexError):
            raise f_schema(f"The value of {pd.name} is not a reference. ") from None
        return Ref(
            sim.host.schema.canonical_namespace(pns) if pns else sim.host.persona.vm_namespace, cls, tuple(keys.items())
        )
    if pd.embedded_instance or pd.cim_type == "object":
        elements = [c for c in el if isinstance(c.tag, str)]
        if elements:
            return parse_instance_element(elements[0])
        text = el.text or ""
        if not text.strip():
            return None
        try:
            return parse_instance_text(text)
        except errors.InvalidParameter as exc:
            raise f_schema(exc.message + " ") from None
    text = el.text or ""
    if pd.cim_type in _INT_TYPES:
        try:
            int(text.strip())
        except ValueError:
            raise f_schema(
                "The WS-Management service cannot process the request because the XML is invalid for "
                f"the schema: cannot convert the string {text!r} to a number ({pd.name}). "
            ) from None
    elif pd.cim_type == "boolean" and text.strip().lower() not in ("true", "false", "1", "0"):
        raise f_schema(f"The value of {pd.name} is not a boolean. ")
    return text


def do_invoke(sim, req, method) -> str:
    ns, cd, sels = _target(sim, req)
    md = cd.method(method)
    if md is None:
        raise f_action_not_supported(req.action)
    method = md.name
    body = req.body_first
    wrong = body is None or etree.QName(body).localname.lower() != f"{method}_INPUT".lower()
    if wrong and (body is not None or md.in_params):
        raise f_schema(f"The body must hold {method}_INPUT. ")
    params: dict = {}
    for child in body if body is not None else ():
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        pd = md.param(name)
        if pd is None or pd.direction != "in":
            raise WsmanFault(
                "Sender",
                "w:InvalidParameter",
                f"The WS-Management service cannot process the "
                f"request. The parameter {name} is not an input of {cd.name}.{method}. ",
                2150859038,
                "InvalidValue",
            )
        value = _decode_param(sim, pd, child)
        if pd.is_array:
            params.setdefault(pd.name, [])
            if value is not None:
                params[pd.name].append(value)
        else:
            params[pd.name] = value
    try:
        rv, out = sim.host.invoke(ns, cd.name, sels, method, params)
    except errors.SimError as exc:
        raise map_error(exc, "invoke") from None
    xml = render.output_xml(ns, cd.name, method, md, rv, out)
    return envelope(ENV_DECL_INVOKE, f"{req.resource_uri}/{method}Response", req.message_id, xml)
