"""Embedded instances coming in (reference 2.8): CIM-XML INSTANCE text (CDATA or escaped, bare or
wrapped in a DTD 2.0 <CIM><MESSAGE>... document) and the DSP0227 element form."""

from __future__ import annotations

import re

from lxml import etree

from .errors import InvalidParameter
from .soap import NS_XSI
from .values import EmbeddedInstance

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>", re.S)


def _values(prop):
    va = prop.find("VALUE.ARRAY")
    if va is not None:
        return [v.text or "" for v in va.findall("VALUE")]
    return None


def parse_instance_text(text: str) -> EmbeddedInstance:
    """CIM-XML `INSTANCE` text -> EmbeddedInstance (values as strings / lists / None)."""
    raw = (text or "").strip()
    raw = re.sub(r"^<\?xml[^>]*\?>", "", raw).strip()
    raw = _DOCTYPE.sub("", raw)
    try:
        root = etree.fromstring(raw.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InvalidParameter(f"embedded instance is not CIM-XML: {exc}") from None
    inst = root if root.tag == "INSTANCE" else next(root.iter("INSTANCE"), None)
    if inst is None or not inst.get("CLASSNAME"):
        raise InvalidParameter("embedded instance has no INSTANCE CLASSNAME")
    props = {}
    for p in inst:
        if not isinstance(p.tag, str):
            continue
        name = p.get("NAME")
        if not name:
            continue
        if p.tag == "PROPERTY":
            v = p.find("VALUE")
            props[name] = None if v is None else (v.text or "")
        elif p.tag == "PROPERTY.ARRAY":
            props[name] = _values(p)
        elif p.tag == "PROPERTY.REFERENCE":
            vr = p.find("VALUE.REFERENCE")
            props[name] = None if vr is None else "".join(vr.itertext()).strip()
    return EmbeddedInstance(inst.get("CLASSNAME"), props)


def parse_instance_element(el) -> EmbeddedInstance:
    """DSP0227 form: an element named after the class, one child per property (repeated = array)."""
    props: dict = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        nil = (child.get(f"{{{NS_XSI}}}nil") or "").lower() == "true"
        val = None if nil else (child.text or "")
        if name in props:
            cur = props[name]
            props[name] = (cur if isinstance(cur, list) else [cur]) + [val]
        else:
            props[name] = val
    return EmbeddedInstance(etree.QName(el).localname, props)
