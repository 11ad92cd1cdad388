"""Parse WMI object paths found in string properties (Parent, HostResource, Connection) and in
REF parameters given as text (reference 3.5)."""

from __future__ import annotations

import re

_HEAD = re.compile(r"^\s*(?:\\\\([^\\]+)\\([^:]+):)?([A-Za-z_][A-Za-z0-9_]*)\s*(.*)$", re.S)


def parse_path(text: str):
    """-> (server or None, namespace or None, class name, dict key -> value); raises ValueError."""
    m = _HEAD.match(text or "")
    if not m:
        raise ValueError(f"not an object path: {text!r}")
    server, ns, cls, rest = m.groups()
    keys = {}
    rest = rest.strip()
    if rest.startswith("."):
        rest = rest[1:]
        i = 0
        while i < len(rest):
            eq = rest.index("=", i)
            name = rest[i:eq].strip()
            i = eq + 1
            q = rest[i]
            if q in "\"'":
                j = i + 1
                buf = []
                while rest[j] != q:
                    if rest[j] == "\\" and j + 1 < len(rest) and rest[j + 1] in "\\\"'":
                        buf.append(rest[j + 1])
                        j += 2
                        continue
                    buf.append(rest[j])
                    j += 1
                keys[name] = "".join(buf)
                i = j + 1
            else:
                j = rest.find(",", i)
                j = len(rest) if j < 0 else j
                keys[name] = rest[i:j].strip()
                i = j
            while i < len(rest) and rest[i] in ", ":
                i += 1
    elif rest.startswith("="):
        keys[""] = rest[1:].strip().strip("\"'")
    if ns:
        ns = ns.replace("\\", "/")
    return server, ns, cls, keys
