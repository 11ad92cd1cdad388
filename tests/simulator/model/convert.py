"""Typed values from wire text (method parameters, embedded instances) and CIM-XML text out."""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from ..values import EmbeddedInstance, Ref

_INT = {"uint8", "uint16", "uint32", "uint64", "sint8", "sint16", "sint32", "sint64"}
_INTERVAL = re.compile(r"^(\d{8})(\d{2})(\d{2})(\d{2})\.(\d{6}):000$")
_DMTF = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$")


class BadValue(ValueError):
    pass


def to_bool(v) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("true", "1"):
        return True
    if s in ("false", "0"):
        return False
    raise BadValue(f"not a boolean: {v!r}")


def scalar(v, cim_type):
    if v is None or isinstance(v, (Ref, EmbeddedInstance)):
        return v
    if cim_type in _INT:
        if isinstance(v, bool):
            raise BadValue(f"not an integer: {v!r}")
        try:
            return int(str(v).strip())
        except ValueError:
            raise BadValue(f"not an integer: {v!r}") from None
    if cim_type == "boolean":
        return to_bool(v)
    if cim_type in ("real32", "real64"):
        return float(v)
    if cim_type == "datetime":
        return parse_datetime(v)
    return v if not isinstance(v, (int, float)) or isinstance(v, bool) else str(v)


def value(v, cim_type, is_array):
    if v is None:
        return None
    if is_array:
        seq = v if isinstance(v, (list, tuple)) else [v]
        return [scalar(x, cim_type) for x in seq]
    if isinstance(v, (list, tuple)):
        v = v[0] if v else None
    return scalar(v, cim_type)


def parse_datetime(v):
    if isinstance(v, (dt.datetime, dt.timedelta)):
        return v
    s = str(v).strip()
    m = _INTERVAL.match(s)
    if m:
        d, h, mi, se, us = (int(x) for x in m.groups())
        return dt.timedelta(days=d, hours=h, minutes=mi, seconds=se, microseconds=us)
    m = _DMTF.match(s)
    if m:
        y, mo, d, h, mi, se, us, sign, off = m.groups()
        tz = dt.timezone(dt.timedelta(minutes=int(off) * (1 if sign == "+" else -1)))
        return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(se), int(us), tz).astimezone(dt.UTC)
    if s.startswith("P"):
        m = re.match(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$", s)
        if m:
            d, h, mi, se = m.groups()
            return dt.timedelta(days=int(d or 0), hours=int(h or 0), minutes=int(mi or 0), seconds=float(se or 0))
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise BadValue(f"not a datetime: {v!r}") from None


def dmtf(v) -> str:
    """DMTF text form of a datetime / interval (used inside CIM-XML)."""
    if isinstance(v, dt.timedelta):
        total = int(v.total_seconds())
        d, rem = divmod(total, 86400)
        h, rem = divmod(rem, 3600)
        m, s = divmod(rem, 60)
        return f"{d:08d}{h:02d}{m:02d}{s:02d}.{v.microseconds:06d}:000"
    v = v.astimezone(dt.UTC)
    return v.strftime("%Y%m%d%H%M%S.%f") + "+000"


def embedded_values(class_def, emb: EmbeddedInstance) -> dict:
    """Typed values of an embedded instance by the schema of `class_def`; unknown properties are
    kept as given (the caller decides whether they are an error). Names get the schema's case."""
    out = {}
    for name, raw in (emb.properties or {}).items():
        p = class_def.prop(name)
        if p is None:
            out[name] = raw
            continue
        if p.cim_type == "reference":
            out[p.name] = raw
            continue
        out[p.name] = value(raw, p.cim_type, p.is_array)
    return out


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.datetime, dt.timedelta)):
        return dmtf(v)
    return str(v)


def instance_xml(class_name: str, props: list) -> str:
    """CIM-XML INSTANCE text (DSP0201) as WMI's GetText(1) writes embedded instances.

    props: list of (name, cim_type, is_array, value)."""
    parts = [f'<INSTANCE CLASSNAME="{class_name}">']
    for name, cim_type, is_array, v in props:
        if is_array:
            parts.append(f'<PROPERTY.ARRAY NAME="{name}" TYPE="{cim_type}">')
            if v is not None:
                parts.append(
                    "<VALUE.ARRAY>" + "".join(f"<VALUE>{escape(_text(x))}</VALUE>" for x in v) + "</VALUE.ARRAY>"
                )
            parts.append("</PROPERTY.ARRAY>")
        else:
            parts.append(f'<PROPERTY NAME="{name}" TYPE="{cim_type}">')
            if v is not None:
                parts.append(f"<VALUE>{escape(_text(v))}</VALUE>")
            parts.append("</PROPERTY>")
    parts.append("</INSTANCE>")
    return "".join(parts)
