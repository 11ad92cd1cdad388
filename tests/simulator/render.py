"""Instances, EPRs and method outputs as WinRM renders them (reference 3.4, 3.6, 2.6).

XML is built as strings with explicit escaping (measured: several times faster than lxml trees
for 1000-instance enumerations).
"""

from __future__ import annotations

import base64
import datetime as dt

from .soap import ANONYMOUS, NS_A, NS_CIM, NS_W, NS_XSI, WMI_PREFIX, esc
from .values import EmbeddedInstance, Ref


def class_uri(namespace: str, class_name: str) -> str:
    return f"{WMI_PREFIX}{namespace}/{class_name}"


def xs_datetime(v: dt.datetime) -> str:
    """cim:Datetime text: fraction only when non-zero (trailing zeros dropped), Z for UTC."""
    s = v.strftime("%Y-%m-%dT%H:%M:%S")
    if v.microsecond:
        s += f".{v.microsecond:06d}".rstrip("0")
    off = v.utcoffset()
    if off is None or off == dt.timedelta(0):
        return s + "Z"
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{s}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def xs_duration(v: dt.timedelta) -> str:
    """cim:Interval text with every component present: P0DT0H1M40S."""
    total_us = v.days * 86400_000000 + v.seconds * 1_000000 + v.microseconds
    days, rem = divmod(total_us, 86400_000000)
    hours, rem = divmod(rem, 3600_000000)
    minutes, rem = divmod(rem, 60_000000)
    secs, us = divmod(rem, 1_000000)
    sec = f"{secs}.{us:06d}".rstrip("0") if us else str(secs)
    return f"P{days}DT{hours}H{minutes}M{sec}S"


def selectors_xml(ref: Ref) -> str:
    sels = "".join(
        f'<w:Selector Name="{esc(k)}">{esc(v)}</w:Selector>' for k, v in sorted(ref.keys, key=lambda kv: kv[0].lower())
    )
    return f"<w:SelectorSet>{sels}</w:SelectorSet>"


def epr_inner(ref: Ref) -> str:
    return (
        f"<a:Address>{ANONYMOUS}</a:Address><a:ReferenceParameters>"
        f"<w:ResourceURI>{class_uri(ref.namespace, ref.class_name)}</w:ResourceURI>"
        f"{selectors_xml(ref)}</a:ReferenceParameters>"
    )


def epr(ref: Ref) -> str:
    return f"<a:EndpointReference>{epr_inner(ref)}</a:EndpointReference>"


def cimxml_text(value) -> str:
    """CIM-XML INSTANCE text of an Instance or EmbeddedInstance (reference 2.8, 5.12)."""
    from .model.convert import instance_xml

    if isinstance(value, EmbeddedInstance):
        props = [(k, "string", isinstance(v, list), v) for k, v in value.properties.items()]
        return instance_xml(value.class_name, props)
    values = value.properties
    props = []
    for p in value.class_def.properties:
        v = values.get(p.name)
        if isinstance(v, Ref):
            from .model.instance import ref_path

            v = ref_path(v, None)
        props.append((p.name, "string" if p.cim_type == "reference" else p.cim_type, p.is_array, v))
    return instance_xml(value.class_def.name, props)


def _scalar(v, prefix: str, name: str, cim_type: str, dt_prefix: str = "cim:") -> str:
    """One property element `<prefix:name>…</prefix:name>` for a non-null scalar value."""
    if v is True:
        text = "true"
    elif v is False:
        text = "false"
    elif isinstance(v, str):
        text = esc(v)
    elif isinstance(v, int):
        text = str(v)
    elif isinstance(v, float):
        text = repr(v) if v != int(v) else str(int(v))
    elif isinstance(v, dt.datetime):
        return f"<{prefix}{name}><{dt_prefix}Datetime>{xs_datetime(v)}</{dt_prefix}Datetime></{prefix}{name}>"
    elif isinstance(v, dt.timedelta):
        return f"<{prefix}{name}><{dt_prefix}Interval>{xs_duration(v)}</{dt_prefix}Interval></{prefix}{name}>"
    elif isinstance(v, Ref):
        return f'<{prefix}{name} xmlns:a="{NS_A}" xmlns:w="{NS_W}">{epr_inner(v)}</{prefix}{name}>'
    elif isinstance(v, EmbeddedInstance):
        text = esc(cimxml_text(v))
    elif hasattr(v, "class_def"):  # an Instance: object-typed value (e.g. SummaryInformation)
        if cim_type == "object":
            uri = class_uri(v.namespace, v.class_def.name)
            body = properties_xml(v.properties, v.class_def.properties, prefix="c:")
            return f'<{prefix}{name} xmlns:c="{uri}" xsi:type="c:{v.class_def.name}_Type">{body}</{prefix}{name}>'
        text = esc(cimxml_text(v))
    else:
        text = esc(v)
    return f"<{prefix}{name}>{text}</{prefix}{name}>"


def properties_xml(props: dict, prop_defs, prefix: str = "p:", dt_prefix: str = "cim:") -> str:
    parts = []
    for pd in prop_defs:
        name = pd.name
        v = props.get(name)
        if v is None:
            if not pd.is_array:
                parts.append(f'<{prefix}{name} xsi:nil="true"/>')
            continue
        if isinstance(v, list):
            for item in v:
                if item is not None:
                    parts.append(_scalar(item, prefix, name, pd.cim_type, dt_prefix))
            continue
        parts.append(_scalar(v, prefix, name, pd.cim_type, dt_prefix))
    return "".join(parts)


def instance_xml(inst, keys_only: bool = False, blank: bool = False) -> str:
    """`<p:Class xmlns:xsi xmlns:p xmlns:cim xsi:type>` + properties (reference 3.4.1)."""
    cd = inst.class_def
    cls = cd.name
    props = {} if blank else inst.properties
    if keys_only:
        keys = {k.lower() for k in cd.keys}
        props = {k: v for k, v in props.items() if k.lower() in keys}
    body = properties_xml(props, cd.properties)
    uri = class_uri(inst.namespace, cls)
    return (
        f'<p:{cls} xmlns:xsi="{NS_XSI}" xmlns:p="{uri}" xmlns:cim="{NS_CIM}" xsi:type="p:{cls}_Type">{body}</p:{cls}>'
    )


def fragment_xml(inst, names: list) -> str:
    """A projection item: `w:XmlFragment`, unqualified children in case-insensitive alphabetical order."""
    cd = inst.class_def
    props = inst.properties
    defs = []
    seen = set()
    for n in names:
        pd = cd.prop(n)
        if pd is not None and pd.name not in seen:
            seen.add(pd.name)
            defs.append(pd)
    defs.sort(key=lambda p: p.name.lower())
    body = properties_xml(props, defs, prefix="", dt_prefix="")
    return f'<w:XmlFragment xmlns:xsi="{NS_XSI}" xmlns:w="{NS_W}">{body}</w:XmlFragment>'


def output_xml(namespace: str, class_name: str, method: str, method_def, return_value, out: dict) -> str:
    """`p:<Method>_OUTPUT` with the out-params (schema order) then `p:ReturnValue` (reference 2.6)."""
    uri = class_uri(namespace, class_name)
    parts = []
    done = set()
    params = list(method_def.out_params) if method_def is not None else []
    for pd in params:
        if pd.name.lower() == "returnvalue":
            continue
        v = _lookup(out, pd.name)
        done.add(pd.name.lower())
        if v is None:
            continue
        parts.append(_param_xml(pd.name, v, pd))
    for k, v in (out or {}).items():
        if k.lower() in done or k.lower() == "returnvalue" or v is None:
            continue
        parts.append(_param_xml(k, v, None))
    rv = "" if return_value is None else f"<p:ReturnValue>{int(return_value)}</p:ReturnValue>"
    return (
        f'<p:{method}_OUTPUT xmlns:p="{uri}" xmlns:xsi="{NS_XSI}" xmlns:cim="{NS_CIM}">'
        f"{''.join(parts)}{rv}</p:{method}_OUTPUT>"
    )


def _lookup(d, name):
    if not d:
        return None
    if name in d:
        return d[name]
    low = name.lower()
    for k, v in d.items():
        if k.lower() == low:
            return v
    return None


def _param_xml(name, v, pd) -> str:
    if isinstance(v, (bytes, bytearray)):
        # a uint8[] out-parameter (GetVirtualSystemThumbnailImage's ImageData): one element, base64 text, as
        # libvirt reads it (xpath value of p:ImageData, g_base64_decode) [code libvirt; inf for WinRM itself]
        return f"<p:{name}>{base64.b64encode(bytes(v)).decode('ascii')}</p:{name}>"
    cim_type = pd.cim_type if pd is not None else "string"
    items = v if isinstance(v, list) else [v]
    out = []
    for item in items:
        if item is None:
            continue
        if hasattr(item, "class_def") and (pd is None or pd.cim_type != "object"):
            out.append(f"<p:{name}>{esc(cimxml_text(item))}</p:{name}>")
        else:
            out.append(_scalar(item, "p:", name, cim_type))
    return "".join(out)
