"""Instance: one CIM object held by the model.

Values live in a small per-instance dict; class-wide default values (Caption, Description, ...)
come from a shared dict, and a few properties are computed on read from the lazy clock (job
state, VM uptime, guest data). Keys starting with "_" are model-private and never rendered.
"""

from __future__ import annotations

from ..values import Ref

_MISSING = object()


class Instance:
    __slots__ = ("class_def", "namespace", "values", "links", "host", "defaults", "__weakref__")

    def __init__(self, host, namespace, class_def, values, defaults=None):
        self.host = host
        self.namespace = namespace
        self.class_def = class_def
        self.values = values
        self.links = []  # (assoc class, my role, other role, other Instance, extra dict|None, stored-first)
        self.defaults = defaults if defaults is not None else {}

    @property
    def class_name(self) -> str:
        return self.class_def.name

    def get(self, name, default=None):
        """A property value (private `_x` values too), computed ones included."""
        props = self.properties if not name.startswith("_") else None
        if props is None:
            return self.values.get(name, default)
        for key, val in props.items():
            if key.lower() == name.lower():
                return val
        return default

    def raw(self, name):
        v = self.values.get(name, _MISSING)
        if v is _MISSING:
            v = self.defaults.get(name)
        return v

    @property
    def properties(self) -> dict:
        if self.host is not None:
            self.host.advance()
        values, defaults = self.values, self.defaults
        out = {}
        for p in self.class_def.properties:
            n = p.name
            v = values.get(n, _MISSING)
            if v is _MISSING:
                v = defaults.get(n)
            out[n] = v
        if self.host is not None:
            compute = self.host.computed.get(self.class_def.name)
            if compute is not None:
                compute(self, out)
        return out

    def key_selectors(self) -> dict:
        return {k: _key_str(self.raw(k)) for k in self.class_def.keys}

    def ref(self) -> Ref:
        return Ref(self.namespace, self.class_def.name, tuple((k, _key_str(self.raw(k))) for k in self.class_def.keys))

    def path(self) -> str:
        server = self.host.computer_name if self.host is not None else "."
        return ref_path(self.ref(), server)

    def __repr__(self):
        return f"<Instance {self.class_def.name} {self.key_selectors()}>"


def _key_str(v) -> str:
    if isinstance(v, Ref):
        return ref_path(v, None)
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def ref_path(ref: Ref, server: str | None) -> str:
    """WMI object path (reference 5.1): keys alphabetical, values double-quoted, backslashes doubled."""
    ns = ref.namespace.replace("/", "\\")
    keys = ",".join(
        f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in sorted(ref.keys, key=lambda kv: kv[0].lower())
    )
    prefix = f"\\\\{server}\\{ns}:" if server else ""
    return f"{prefix}{ref.class_name}.{keys}" if keys else f"{prefix}{ref.class_name}"
