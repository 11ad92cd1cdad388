"""Enumeration contexts: paging, expiry (EnumerationTimeoutms) and the per-user quota
(MaxConcurrentOperationsPerUser) — reference 2.3–2.5, 10.3 O5/O6, 9.2 E2–E7."""

from __future__ import annotations

import threading
import time
import uuid

from .soap import WsmanFault

MAX_BATCH_ITEMS = 32000
ENVELOPE_OVERHEAD = 1200  # bytes of envelope/header around the items


class EnumContext:
    __slots__ = ("id", "user", "items", "pos", "render", "last_used", "pending")

    def __init__(self, user, items, render):
        self.id = "uuid:" + str(uuid.uuid4()).upper()
        self.user = user
        self.items = items  # list of opaque items, rendered lazily by `render(item) -> str`
        self.pos = 0
        self.render = render
        self.last_used = time.monotonic()
        self.pending = None  # rendered XML of items[pos] when it did not fit the previous batch

    @property
    def remaining(self) -> int:
        return len(self.items) - self.pos


class ContextStore:
    def __init__(self, timeout_s: float = 240.0, clock=time.monotonic):
        self.timeout_s = timeout_s
        self.clock = clock
        self._by_id: dict = {}
        self._lock = threading.Lock()

    def _purge(self, now):
        dead = [k for k, c in self._by_id.items() if now - c.last_used > self.timeout_s]
        for k in dead:
            del self._by_id[k]

    def open_count(self, user) -> int:
        with self._lock:
            self._purge(self.clock())
            return sum(1 for c in self._by_id.values() if c.user == user)

    def add(self, ctx: EnumContext):
        with self._lock:
            ctx.last_used = self.clock()
            self._by_id[ctx.id] = ctx

    def take(self, ctx_id: str, user):
        """Remove and return the context (callers re-add it under a new id); None if unknown/expired."""
        with self._lock:
            now = self.clock()
            self._purge(now)
            ctx = self._by_id.get((ctx_id or "").strip())
            if ctx is None or (user is not None and ctx.user is not None and ctx.user != user):
                return None
            del self._by_id[ctx.id]
            return ctx

    def renew(self, ctx: EnumContext):
        """Re-issue the context under a new id (every PullResponse carries a new context)."""
        ctx.id = "uuid:" + str(uuid.uuid4()).upper()
        self.add(ctx)

    def expire_all(self):
        with self._lock:
            self._by_id.clear()

    def __len__(self):
        with self._lock:
            return len(self._by_id)


def take_batch(ctx: EnumContext, max_elements: int, max_bytes: int) -> list:
    """Render the next batch: at most max_elements (and MaxBatchItems), within max_bytes, >= 1 item."""
    limit = min(max(max_elements, 1), MAX_BATCH_ITEMS)
    out = []
    size = ENVELOPE_OVERHEAD
    while ctx.pos < len(ctx.items) and len(out) < limit:
        # Each item is rendered once: the one that overflows a batch (or is too large on its own) is kept
        # for the next Pull, which starts with it. It then shows the state of the earlier Pull, as a host's
        # results are gathered when the enumeration runs, not when each item is sent.
        xml = ctx.pending
        ctx.pending = None
        if xml is None:
            xml = ctx.render(ctx.items[ctx.pos])
        octets = len(xml) if xml.isascii() else len(xml.encode("utf-8"))  # MaxEnvelopeSize counts octets
        if size + octets > max_bytes:
            ctx.pending = xml
            if not out:
                raise WsmanFault(
                    "Sender",
                    "w:EncodingLimit",
                    "The WS-Management service cannot process the request "
                    "because the response would exceed MaxEnvelopeSize. ",
                    2150858824,
                    "MaxEnvelopeSize",
                )
            break
        out.append(xml)
        size += octets
        ctx.pos += 1
    return out
