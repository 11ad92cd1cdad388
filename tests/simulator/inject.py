"""Run-time fault injection (reference 10.5 T3). Transport-level switches live here; the
model-level ones (slow_jobs_s, fail_jobs, stuck_state) are forwarded to host.inject."""

from __future__ import annotations

import random
import threading

MODEL_SWITCHES = ("slow_jobs_s", "fail_jobs", "stuck_state")


class Injector:
    """Switches:

    latency_ms       added to every SOAP request (honours w:OperationTimeout -> w:TimedOut)
    fault_rate       probability of an HTTP 500 InternalError fault per SOAP request
    drop             the next N requests: close the connection without an answer
    http_status      status (500/503) for the next `count` requests (empty body for 503)
    malformed        the next N answers are cut-off XML
    expire_contexts  True: drop every open enumeration context now (one-shot)
    slow_jobs_s / fail_jobs / stuck_state   model-level, forwarded to host.inject
    """

    def __init__(self, seed=0):
        self._lock = threading.Lock()
        self.rng = random.Random(seed)
        self.latency_ms = 0.0
        self.fault_rate = 0.0
        self.drop = 0
        self.http_status = None
        self.http_count = 0
        self.malformed = 0

    def set(self, sim, **kw):
        """Apply switches; `sim` is the SimHost (for contexts and the model)."""
        with self._lock:
            for key, val in kw.items():
                if key == "latency_ms":
                    self.latency_ms = float(val or 0)
                elif key == "fault_rate":
                    self.fault_rate = float(val or 0)
                elif key == "drop":
                    self.drop = int(val or 0)
                elif key == "http_status":
                    self.http_status = int(val) if val else None
                    self.http_count = int(kw.get("count", 1)) if val else 0
                elif key == "count":
                    continue
                elif key == "malformed":
                    self.malformed = int(val or 0)
                elif key == "expire_contexts":
                    if val:
                        sim.contexts.expire_all()
                elif key in MODEL_SWITCHES:
                    with sim.host.lock:
                        cur = getattr(sim.host.inject, key)
                        setattr(sim.host.inject, key, type(cur)(val))
                elif key == "reset":
                    self.clear(sim)
                else:
                    raise ValueError(f"unknown injection switch {key!r}")

    def clear(self, sim=None):
        self.latency_ms = 0.0
        self.fault_rate = 0.0
        self.drop = 0
        self.http_status = None
        self.http_count = 0
        self.malformed = 0
        if sim is not None:
            with sim.host.lock:
                sim.host.inject.slow_jobs_s = 0.0
                sim.host.inject.fail_jobs = False
                sim.host.inject.stuck_state = False

    def state(self, sim=None) -> dict:
        out = {
            "latency_ms": self.latency_ms,
            "fault_rate": self.fault_rate,
            "drop": self.drop,
            "http_status": self.http_status,
            "count": self.http_count,
            "malformed": self.malformed,
        }
        if sim is not None:
            for k in MODEL_SWITCHES:
                out[k] = getattr(sim.host.inject, k)
        return out

    # one decision per request -------------------------------------------------------------
    def take_drop(self) -> bool:
        with self._lock:
            if self.drop > 0:
                self.drop -= 1
                return True
            return False

    def take_status(self):
        with self._lock:
            if self.http_status and self.http_count > 0:
                self.http_count -= 1
                return self.http_status
            return None

    def take_malformed(self) -> bool:
        with self._lock:
            if self.malformed > 0:
                self.malformed -= 1
                return True
            return False

    def roll_fault(self) -> bool:
        with self._lock:
            return self.fault_rate > 0 and self.rng.random() < self.fault_rate
