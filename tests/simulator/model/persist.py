"""to_json / from_json: the whole model as JSON-safe data (used by --state FILE).

Clock-based private values (`_*_at`) and pending events are stored relative to "now" so that a
model saved by one process resumes in another whose monotonic clock differs.
"""

from __future__ import annotations

import datetime as dt
import gc
import heapq

from ..values import EmbeddedInstance, Ref
from .devices import template

FORMAT = 1


_PLAIN = (str, int, bool, type(None))


def _enc(v):
    if type(v) in _PLAIN:
        return v
    if isinstance(v, Ref):
        return {"$ref": [v.namespace, v.class_name, [list(k) for k in v.keys]]}
    if isinstance(v, dt.datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, dt.timedelta):
        return {"$td": v.total_seconds()}
    if isinstance(v, EmbeddedInstance):
        return {"$emb": [v.class_name, {k: _enc(x) for k, x in v.properties.items()}]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, tuple):
        return {"$tuple": [_enc(x) for x in v]}
    if isinstance(v, dict):
        return {"$dict": {k: _enc(x) for k, x in v.items()}}
    if isinstance(v, float) and v == float("inf"):
        return {"$inf": 1}
    return v


def _dec(v):
    if type(v) in _PLAIN:
        return v
    if isinstance(v, list):
        return [_dec(x) for x in v]
    if isinstance(v, dict):
        if "$ref" in v:
            ns, cls, keys = v["$ref"]
            return Ref(ns, cls, tuple(tuple(k) for k in keys))
        if "$dt" in v:
            return dt.datetime.fromisoformat(v["$dt"])
        if "$td" in v:
            return dt.timedelta(seconds=v["$td"])
        if "$emb" in v:
            cls, props = v["$emb"]
            return EmbeddedInstance(cls, {k: _dec(x) for k, x in props.items()})
        if "$tuple" in v:
            return tuple(_dec(x) for x in v["$tuple"])
        if "$dict" in v:
            return {k: _dec(x) for k, x in v["$dict"].items()}
        if "$inf" in v:
            return float("inf")
    return v


def _is_clock(key):
    return key.startswith("_") and key.endswith("_at")


def dump(host) -> dict:
    enabled = gc.isenabled()
    gc.disable()  # see populate.build_host
    try:
        return _dump(host)
    finally:
        if enabled:
            gc.enable()


def _dump(host) -> dict:
    now = host.now()
    insts, index = [], {}
    for (_ns, _cls), bucket in host._index.items():
        for inst in bucket.values():
            index[id(inst)] = len(insts)
            vals = {}
            for k, v in inst.values.items():
                if _is_clock(k) and isinstance(v, (int, float)) and v is not None:
                    v = v - now if v != float("inf") else v
                vals[k] = _enc(v)
            insts.append([inst.namespace, inst.class_def.name, vals])
    links = []
    for (_ns, _cls), bucket in host._index.items():
        for inst in bucket.values():
            for assoc, role_a, role_b, other, extra, first in inst.links:
                if first and id(other) in index:
                    links.append([index[id(inst)], assoc, role_a, role_b, index[id(other)], _enc(extra)])
    events = [[due - now, seq, kind, _enc(payload)] for due, seq, kind, payload in sorted(host._events)]
    return {
        "format": FORMAT,
        "persona": host.persona.name,
        "computer_name": host.computer_name,
        "seed": host.seed,
        "rng": _enc(host.rng.getstate()),
        "epoch": host.epoch.isoformat(),
        "elapsed": now - host._t0,
        "info": host.info,
        "files": host.files,
        "timing": host.timing_dict(),
        "inject": vars(host.inject).copy(),
        "guest_os_for_new_vms": host.guest_os_for_new_vms,
        "seq": host._seq,
        "instances": insts,
        "links": links,
        "events": events,
    }


def load(cls, data: dict, clock=None):
    enabled = gc.isenabled()
    gc.disable()  # see populate.build_host
    try:
        return _load(cls, data, clock)
    finally:
        if enabled:
            gc.enable()


def _load(cls, data: dict, clock=None):
    if data.get("format") != FORMAT:
        raise ValueError(f"unsupported model state format {data.get('format')!r}")
    host = cls(data["persona"], data["computer_name"], data["seed"], clock)
    now = host.now()
    host.rng.setstate(_dec(data["rng"]))
    host.epoch = dt.datetime.fromisoformat(data["epoch"])
    host._t0 = now - data["elapsed"]
    host.info = dict(data["info"])
    host.files = {k: dict(v) for k, v in data["files"].items()}
    for k, v in data["timing"].items():
        setattr(host.timing, k, v)
    for k, v in data["inject"].items():
        setattr(host.inject, k, v)
    host._seq = data["seq"]
    host.guest_os_for_new_vms = data.get("guest_os_for_new_vms", True)
    objs = []
    for ns, cname, vals in data["instances"]:
        values = {}
        for k, v in vals.items():
            v = _dec(v)
            if _is_clock(k) and isinstance(v, (int, float)) and v is not None and v != float("inf"):
                v = v + now
            values[k] = v
        kind = values.get("_kind")
        defaults = None
        if kind == "physical_disk":
            kind = "disk_drive"
        if kind and kind not in ("external", "internal", "private"):
            try:
                defaults = template(ns, kind)
            except KeyError:
                defaults = None
        objs.append(host.add(ns, cname, values, defaults))
    for ia, assoc, role_a, role_b, ib, extra in data["links"]:
        host.link(assoc, role_a, objs[ia], role_b, objs[ib], _dec(extra))
    for rel, seq, kind, payload in data["events"]:
        heapq.heappush(host._events, (now + rel, seq, kind, _dec(payload)))
    return host
