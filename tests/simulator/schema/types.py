"""Class-table types and the parser of the compact class tables (v2.py, v1.py, cimv2.py).

Table syntax (one item per line, `#` starts a comment):

    class Msvm_X : CIM_Y          a class and its superclass (`assoc` instead of `class` for an association;
                                  a trailing `+2016` when the class exists from that persona on)
    keys A B                      key properties, in key order (inherited when absent)
    Name type                     a property; type is a CIM type, `type[]` for arrays, `ref:Class` for references
    Name type +2016               ... that exists from that persona on
    Name type -2012r2             ... that exists up to that persona only
    method Name(in A uint16, out Job ref:CIM_ConcreteJob, in S string@Msvm_Emb, out O object@Cls[])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import UnknownClass, UnknownNamespace

CIM_TYPES = {
    "string",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "sint8",
    "sint16",
    "sint32",
    "sint64",
    "boolean",
    "datetime",
    "real32",
    "real64",
    "char16",
    "reference",
    "object",
}


@dataclass(frozen=True)
class PropDef:
    name: str
    cim_type: str
    is_array: bool = False
    ref_class: str | None = None
    since: int = 0
    until: int = 99


@dataclass(frozen=True)
class ParamDef:
    name: str
    cim_type: str
    is_array: bool = False
    direction: str = "in"
    embedded_instance: str | None = None
    ref_class: str | None = None


@dataclass(frozen=True)
class MethodDef:
    name: str
    params: tuple = ()

    def param(self, name):
        low = name.lower()
        for p in self.params:
            if p.name.lower() == low:
                return p
        return None

    @property
    def in_params(self):
        return [p for p in self.params if p.direction == "in"]

    @property
    def out_params(self):
        return [p for p in self.params if p.direction == "out"]


@dataclass
class ClassDef:
    name: str
    superclass: str | None
    keys: tuple
    properties: list  # PropDef, in the order a host renders them (case-insensitive alphabetical)
    methods: dict  # name -> MethodDef
    is_association: bool = False
    _by_lower: dict = field(default_factory=dict, repr=False)
    _methods_by_lower: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if not self._by_lower:
            self._by_lower = {p.name.lower(): p for p in self.properties}
        if not self._methods_by_lower:
            # first name wins when two differ only in case (what the former scan of `methods` returned)
            for m in self.methods.values():
                self._methods_by_lower.setdefault(m.name.lower(), m)

    def prop(self, name):
        """PropDef by case-insensitive name, or None."""
        return self._by_lower.get(name.lower())

    def method(self, name):
        """MethodDef by case-insensitive name, or None."""
        return self._methods_by_lower.get(name.lower())

    @property
    def ref_props(self):
        return [p for p in self.properties if p.cim_type == "reference"]


@dataclass
class _RawClass:
    name: str
    superclass: str | None
    keys: tuple | None
    props: list
    methods: list
    is_association: bool
    since: int = 0


def _level(token, levels):
    return levels[token]


def _parse_type(tok):
    is_array = "[]" in tok
    tok = tok.replace("[]", "")
    emb = None
    if "@" in tok:
        tok, emb = tok.split("@", 1)
    ref = None
    if tok.startswith("ref:"):
        ref = tok[4:]
        tok = "reference"
    if tok not in CIM_TYPES:
        raise ValueError(f"unknown CIM type {tok!r}")
    return tok, is_array, ref, emb


_METHOD = re.compile(r"method\s+(\w+)\s*\((.*)\)\s*$")


def _joined_lines(text):
    """Lines of the table, a method's parameter list joined when it spans several lines."""
    pending, start = None, 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        if pending is not None:
            pending += " " + raw.split("#", 1)[0].strip()
            if ")" in raw:
                yield start, pending
                pending = None
            continue
        if "(" in raw and ")" not in raw:
            pending, start = raw.split("#", 1)[0].rstrip(), lineno
            continue
        yield lineno, raw


def parse_tables(text: str, levels: dict) -> list:
    """Parse one table text into raw class records (order kept)."""
    out = []
    cur = None
    for lineno, raw in _joined_lines(text):
        line = raw.split("#", 1)[0].strip().replace("( ", "(")
        if not line:
            continue
        words = line.split()
        try:
            if words[0] in ("class", "assoc"):
                sup = words[3] if len(words) > 3 and words[2] == ":" else None
                since = next((_level(w[1:], levels) for w in words[2:] if w.startswith("+")), 0)
                cur = _RawClass(words[1], sup, None, [], [], words[0] == "assoc", since)
                out.append(cur)
            elif words[0] == "keys":
                cur.keys = tuple(words[1:])
            elif words[0] == "method":
                m = _METHOD.match(line)
                params = []
                for chunk in filter(None, (c.strip() for c in m.group(2).split(","))):
                    direction, pname, ptype = chunk.split()
                    t, arr, ref, emb = _parse_type(ptype)
                    params.append(ParamDef(pname, t, arr, direction, emb, ref))
                cur.methods.append(MethodDef(m.group(1), tuple(params)))
            else:
                since, until = 0, 99
                for extra in words[2:]:
                    if extra.startswith("+"):
                        since = _level(extra[1:], levels)
                    elif extra.startswith("-"):
                        until = _level(extra[1:], levels)
                t, arr, ref, _emb = _parse_type(words[1])
                cur.props.append(PropDef(words[0], t, arr, ref, since, until))
        except Exception as exc:  # pragma: no cover - table authoring error
            raise ValueError(f"class table line {lineno}: {raw!r}: {exc}") from exc
    return out


def build_namespace(raw_classes: list, level: int) -> dict:
    """Resolve inheritance and persona level; -> dict lower name -> ClassDef."""
    raw_by = {r.name.lower(): r for r in raw_classes}
    done: dict = {}

    def resolve(name):
        low = name.lower()
        if low in done:
            return done[low]
        r = raw_by[low]
        props: dict = {}
        keys: tuple = ()
        methods: dict = {}
        assoc = r.is_association
        if r.superclass:
            base = resolve(r.superclass)
            props = {p.name.lower(): p for p in base.properties}
            keys = base.keys
            methods = dict(base.methods)
            assoc = assoc or base.is_association
        for p in r.props:
            if p.since <= level <= p.until:
                props[p.name.lower()] = p
            else:
                props.pop(p.name.lower(), None)
        for m in r.methods:
            methods[m.name] = m
        if r.keys is not None:
            keys = r.keys
        ordered = sorted(props.values(), key=lambda p: p.name.lower())
        cd = ClassDef(r.name, r.superclass, keys, ordered, methods, assoc)
        done[low] = cd
        return cd

    for r in raw_classes:
        if r.since <= level:
            resolve(r.name)
    return {k: v for k, v in done.items() if raw_by[k].since <= level}


@lru_cache(maxsize=256)
def norm_ns(namespace: str) -> str:
    return namespace.replace("\\", "/").strip("/").lower()


class Schema:
    """The classes of every namespace a persona answers."""

    def __init__(self, namespaces: dict):
        # namespaces: canonical name -> dict lower class name -> ClassDef
        self._ns = {norm_ns(k): v for k, v in namespaces.items()}
        self._canonical = {norm_ns(k): k for k in namespaces}
        self._sub_cache: dict = {}

    @property
    def namespaces(self):
        return tuple(self._canonical.values())

    def canonical_namespace(self, namespace: str | None) -> str | None:
        """The persona's spelling of `namespace` (`root/virtualization/v2`), or None when this host has no
        such namespace (the caller raises the fault that fits: a WS-Man fault in the front, UnknownNamespace
        in the model). The one place where a namespace name from a request is matched: any case, `\\` or
        `/` separators (mixed too: a WMI path gives `root\\virtualization\\v2`, a resource URI
        `root/virtualization/v2`), leading/trailing separators ignored; None, empty, inner doubled
        separators, blanks and unknown namespaces are refused (tests_model/test_schema.py lists the forms)."""
        if not namespace:
            return None
        return self._canonical.get(norm_ns(namespace))

    def classes(self, namespace: str) -> dict:
        try:
            return self._ns[norm_ns(namespace)]
        except KeyError:
            raise UnknownNamespace(f"The WMI namespace {namespace} is invalid.") from None

    def has_class(self, namespace: str, name: str) -> bool:
        return name.lower() in self._ns.get(norm_ns(namespace), {})

    def get_class(self, namespace: str, name: str) -> ClassDef:
        classes = self.classes(namespace)
        try:
            return classes[name.lower()]
        except KeyError:
            raise UnknownClass(f"The class {name} does not exist in the namespace {namespace}.") from None

    def is_a(self, namespace: str, cls: str, base: str) -> bool:
        classes = self.classes(namespace)
        cur = classes.get(cls.lower())
        base = base.lower()
        while cur is not None:
            if cur.name.lower() == base:
                return True
            cur = classes.get(cur.superclass.lower()) if cur.superclass else None
        return False

    def subclasses(self, namespace: str, base: str) -> list:
        """Names (exact case) of `base` and every class derived from it."""
        key = (norm_ns(namespace), base.lower())
        hit = self._sub_cache.get(key)
        if hit is None:
            hit = [c.name for c in self.classes(namespace).values() if self.is_a(namespace, c.name, base)]
            self._sub_cache[key] = hit
        return hit
