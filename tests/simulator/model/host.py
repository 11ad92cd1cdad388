"""Host: the model's store (instances, association links, timed events) and the contract API
of DESIGN.md (instances/get/invoke/associators/references/to_json/from_json)."""

from __future__ import annotations

import datetime as dt
import heapq
import random
import threading
import time
import uuid
from dataclasses import asdict, dataclass

from ..errors import InvalidParameter, InvalidSelectors, MethodNotFound, NotFound, SimError
from ..personas import get_persona
from ..schema import build_schema
from ..schema.types import norm_ns
from ..values import EmbeddedInstance, Ref
from . import convert
from .defaults import defaults_for
from .instance import Instance, _key_str
from .paths import parse_path
from .registry import COMPUTED, EVENTS, METHODS


@dataclass
class Timing:
    """Durations in seconds of the lazy clock (reference 10.4 M4, 9.4 J5, G7)."""

    transition_s: float = 1.0  # VM transitional states (Starting, Stopping, Saving, ...)
    job_s: float = 0.5  # jobs without a state change (define, modify, snapshot, disk)
    guest_ready_s: float = 3.0  # KVP items / guest IPs appear this long after Running
    state_lag_s: float = 0.0  # EnabledState lags this long behind a completed job
    job_retention_s: float = 300.0  # TimeBeforeRemoval (5 minutes)


@dataclass
class Inject:
    """Model-level fault switches (DESIGN.md host.inject)."""

    slow_jobs_s: float = 0.0  # added to every job's duration
    fail_jobs: bool = False  # jobs end in JobState 10 (Exception), ErrorCode 32768
    stuck_state: bool = False  # VMs stay in the transitional state, their jobs never end


class Host:
    def __init__(self, persona="2022", computer_name="HV-SIM01", seed=0, clock=None):
        self.persona = get_persona(persona)
        self.schema = build_schema(self.persona.name)
        self.computer_name = computer_name
        self.lock = threading.RLock()
        self.seed = seed
        self.rng = random.Random(seed)
        self.clock = clock or time.monotonic
        self.timing = Timing()
        self.inject = Inject()
        self.computed = COMPUTED
        self.files: dict = {}  # lower-case path -> dict(path, kind, size, format, type, parent)
        self.epoch = dt.datetime(2025, 1, 6, 9, 0, 0, tzinfo=dt.UTC) + dt.timedelta(days=seed % 300)
        self._t0 = self.clock()
        self._index: dict = {}  # (ns, class lower) -> {key tuple: Instance}
        self._events: list = []
        self._seq = 0
        self._advancing = False
        # a VM created through DefineSystem behaves like one with an installed OS and integration
        # services: FQDN / OS name in KVP and an address per connected NIC (model/kvp.py)
        self.guest_os_for_new_vms = True
        self.info: dict = {}  # host hardware: memory_mb, sockets, cores, logical processors, cpu model

    # ---- time ------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock()

    def wall(self, t: float | None = None) -> dt.datetime:
        t = self.now() if t is None else t
        return self.epoch + dt.timedelta(seconds=round(t - self._t0, 6))

    def new_guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4)).upper()

    def schedule(self, delay: float, kind: str, **payload):
        self._seq += 1
        heapq.heappush(self._events, (self.now() + max(0.0, delay), self._seq, kind, payload))

    def advance(self):
        """Apply every timed event that is due (the model's lazy clock)."""
        if self._advancing or not self._events:
            return
        with self.lock:
            self._advancing = True
            try:
                now = self.now()
                while self._events and self._events[0][0] <= now:
                    due, _seq, kind, payload = heapq.heappop(self._events)
                    EVENTS[kind](self, dict(payload, _due=due))
            finally:
                self._advancing = False

    # ---- store -----------------------------------------------------------------------------
    def _key(self, inst) -> tuple:
        values, defaults = inst.values, inst.defaults
        out = []
        for k in inst.class_def.keys:
            v = values[k] if k in values else defaults.get(k)
            out.append(v.lower() if type(v) is str else _key_str(v).lower())  # pylint: disable=unidiomatic-typecheck  # hot path
        return tuple(out)

    def add(self, namespace, class_name, values, defaults=None) -> Instance:
        cd = self.schema.get_class(namespace, class_name)
        inst = Instance(
            self, namespace, cd, values, defaults if defaults is not None else defaults_for(namespace, cd.name)
        )
        bucket = self._index.setdefault((norm_ns(namespace), cd.name.lower()), {})
        bucket[self._key(inst)] = inst
        return inst

    def rekey(self, inst, **changes):
        """Change key values of an instance (e.g. InstanceID of a new checkpoint)."""
        bucket = self._index[(norm_ns(inst.namespace), inst.class_def.name.lower())]
        bucket.pop(self._key(inst), None)
        inst.values.update(changes)
        bucket[self._key(inst)] = inst

    def remove(self, inst):
        bucket = self._index.get((norm_ns(inst.namespace), inst.class_def.name.lower()), {})
        bucket.pop(self._key(inst), None)
        for link in inst.links:
            other = link[3]
            other.links = [lk for lk in other.links if lk[3] is not inst]
        inst.links = []

    def exists(self, inst) -> bool:
        bucket = self._index.get((norm_ns(inst.namespace), inst.class_def.name.lower()), {})
        return bucket.get(self._key(inst)) is inst

    def link(self, assoc, role_a, a, role_b, b, extra=None):
        a.links.append((assoc, role_a, role_b, b, extra, True))
        b.links.append((assoc, role_b, role_a, a, extra, False))

    def unlink(self, a, b=None, assoc=None):
        def keep(lk, other):
            return not ((b is None or lk[3] is other) and (assoc is None or lk[0] == assoc))

        partners = [lk[3] for lk in a.links if not keep(lk, lk[3])]
        a.links = [lk for lk in a.links if keep(lk, lk[3])]
        for p in partners:
            p.links = [lk for lk in p.links if not (lk[3] is a and (assoc is None or lk[0] == assoc))]

    def linked(self, inst, assoc, result_class=None) -> list:
        out = []
        for lk in inst.links:
            if lk[0] == assoc and (result_class is None or lk[3].class_def.name == result_class):
                out.append(lk[3])
        return out

    def find(self, namespace, class_name, *key_values):
        bucket = self._index.get((norm_ns(namespace), class_name.lower()))
        if not bucket:
            return None
        return bucket.get(tuple(str(v).lower() for v in key_values))

    def all_of(self, namespace, class_name) -> list:
        return list(self._index.get((norm_ns(namespace), class_name.lower()), {}).values())

    def resolve(self, ref):
        """Ref, object-path text or Instance -> the model's Instance (or None)."""
        if isinstance(ref, Instance):
            return ref if self.exists(ref) else None
        if isinstance(ref, str):
            try:
                _server, ns, cls, keys = parse_path(ref)
            except ValueError:
                return None
            ns = ns or self.persona.vm_namespace
        elif isinstance(ref, Ref):
            ns, cls, keys = ref.namespace, ref.class_name, ref.keys_dict()
        else:
            return None
        try:
            return self._get(ns, cls, keys)
        except SimError:
            return None

    # ---- contract API ----------------------------------------------------------------------
    def _sync_cimv2(self, namespace):
        """root/cimv2 CIM_DataFile instances follow Host.files (model/datafiles.py)."""
        if norm_ns(namespace) == "root/cimv2":
            from .datafiles import sync

            sync(self)

    def instances(self, namespace, class_name) -> list:
        with self.lock:
            self.advance()
            self._sync_cimv2(namespace)
            cd = self.schema.get_class(namespace, class_name)
            out = []
            if cd.is_association:
                for name in self.schema.subclasses(namespace, cd.name):
                    out.extend(self._assoc_instances(namespace, name))
                return out
            for name in self.schema.subclasses(namespace, cd.name):
                out.extend(self.all_of(namespace, name))
            return out

    def _assoc_instances(self, namespace, assoc_name):
        ns = norm_ns(namespace)
        out = []
        for (bns, _cls), bucket in self._index.items():
            if bns != ns:
                continue
            for inst in bucket.values():
                for lk in inst.links:
                    if lk[5] and lk[0] == assoc_name:
                        out.append(self._assoc_instance(namespace, inst, lk))
        return out

    def _assoc_instance(self, namespace, inst, lk):
        cd = self.schema.get_class(namespace, lk[0])
        values = {lk[1]: inst.ref(), lk[2]: lk[3].ref()}
        if lk[4]:
            values.update(lk[4])
        return Instance(self, namespace, cd, values, defaults_for(namespace, cd.name))

    def get(self, namespace, class_name, selectors) -> Instance:
        with self.lock:
            self.advance()
            return self._get(namespace, class_name, selectors)

    def _get(self, namespace, class_name, selectors):
        self._sync_cimv2(namespace)
        cd = self.schema.get_class(namespace, class_name)
        keys = {k.lower(): k for k in cd.keys}
        sel = {}
        for name, val in (selectors or {}).items():
            if name.lower() not in keys:
                raise InvalidSelectors(f"The selector {name} is not a key of {cd.name}.")
            sel[keys[name.lower()]] = _key_str(val) if isinstance(val, Ref) else str(val)
        if not sel:
            raise InvalidSelectors(f"No selectors were given for {cd.name}.")
        if cd.is_association:
            wanted = [(k, v.lower()) for k, v in sel.items()]
            matches = []
            for i in self.instances(namespace, cd.name):
                ks = i.key_selectors()  # once per instance (it renders both references)
                if all(ks[k].lower() == v for k, v in wanted):
                    matches.append(i)
        elif len(sel) == len(cd.keys):
            key = tuple(sel[k].lower() for k in cd.keys)
            matches = []
            for name in self.schema.subclasses(namespace, cd.name):
                hit = self._index.get((norm_ns(namespace), name.lower()), {}).get(key)
                if hit is not None:
                    matches.append(hit)
        else:
            matches = [
                i
                for name in self.schema.subclasses(namespace, cd.name)
                for i in self.all_of(namespace, name)
                if all(_key_str(i.raw(k)).lower() == v.lower() for k, v in sel.items())
            ]
        if not matches:
            raise NotFound(f"No instance of {cd.name} matches {sel}.")
        if len(matches) > 1:
            raise InvalidSelectors(f"The selectors {sel} match more than one instance of {cd.name}.")
        return matches[0]

    def associators(self, namespace, source, assoc_class=None, result_class=None, role=None, result_role=None):
        with self.lock:
            self.advance()
            src = self.resolve(source)
            if src is None:
                raise NotFound(f"The source object {source!r} does not exist.")
            out, seen = [], set()
            for lk in src.links:
                if not self._link_matches(namespace, lk, assoc_class, role):
                    continue
                if result_role and lk[2].lower() != result_role.lower():
                    continue
                other = lk[3]
                if result_class and not self._is_a(other, result_class):
                    continue
                if id(other) not in seen:
                    seen.add(id(other))
                    out.append(other)
            return out

    def references(self, namespace, source, result_class=None, role=None):
        with self.lock:
            self.advance()
            src = self.resolve(source)
            if src is None:
                raise NotFound(f"The source object {source!r} does not exist.")
            out = []
            for lk in src.links:
                if self._link_matches(namespace, lk, result_class, role):
                    out.append(self._assoc_instance(src.namespace, src, lk))
            return out

    def _link_matches(self, namespace, lk, assoc_class, role):
        if assoc_class and not self.schema.is_a(namespace, lk[0], assoc_class):
            return False
        return not (role and lk[1].lower() != role.lower())

    def _is_a(self, inst, cls):
        return self.schema.has_class(inst.namespace, cls) and self.schema.is_a(inst.namespace, inst.class_def.name, cls)

    def invoke(self, namespace, class_name, selectors, method, params):
        with self.lock:
            self.advance()
            self._sync_cimv2(namespace)
            cd = self.schema.get_class(namespace, class_name)
            md = cd.method(method)
            if md is None:
                raise MethodNotFound(f"The method {method} does not exist on {cd.name}.")
            target = None
            if selectors:
                target = self._get(namespace, cd.name, selectors)
            else:
                found = [i for n in self.schema.subclasses(namespace, cd.name) for i in self.all_of(namespace, n)]
                if len(found) == 1:
                    target = found[0]
            typed = {}
            for name, val in (params or {}).items():
                p = md.param(name)
                if p is None:
                    raise InvalidParameter(f"The parameter {name} is not a parameter of {cd.name}.{md.name}.")
                if p.direction != "in":
                    continue  # e.g. CreateSnapshot's in/out ResultingSnapshot sent as input: ignored
                if p.cim_type in ("reference", "string", "object") or isinstance(val, (Ref, EmbeddedInstance)):
                    typed[p.name] = val
                else:
                    try:
                        typed[p.name] = convert.value(val, p.cim_type, p.is_array)
                    except convert.BadValue as exc:
                        raise InvalidParameter(str(exc)) from None
            fn = self._method_impl(namespace, cd.name, md.name)
            if fn is None:
                return 32770, {}
            if target is None:
                raise InvalidSelectors(f"{cd.name}.{md.name} needs the selectors of an instance.")
            return fn(self, namespace, target, typed)

    def _method_impl(self, namespace, class_name, method_name):
        classes = self.schema.classes(namespace)
        cur = classes.get(class_name.lower())
        while cur is not None:
            fn = METHODS.get((cur.name, method_name))
            if fn is not None:
                return fn
            cur = classes.get(cur.superclass.lower()) if cur.superclass else None
        return None

    # ---- persistence -----------------------------------------------------------------------
    def to_json(self) -> dict:
        from .persist import dump

        with self.lock:
            return dump(self)

    @classmethod
    def from_json(cls, data: dict, clock=None) -> Host:
        from .persist import load

        return load(cls, data, clock)

    def timing_dict(self):
        return asdict(self.timing)
