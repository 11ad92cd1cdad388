"""Request log for tests and benchmarks: counts per action, per class, per HTTP status."""

from __future__ import annotations

import threading
from collections import Counter


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "_lock", threading.Lock()):
            self.total = 0
            self.actions = Counter()
            self.classes = Counter()
            self.statuses = Counter()
            self.faults = Counter()
            self.users = Counter()

    def record(self, action: str, class_name: str | None, status: int, fault: str | None = None, user=None):
        with self._lock:
            self.total += 1
            self.actions[action] += 1
            if class_name:
                self.classes[class_name] += 1
            self.statuses[status] += 1
            if fault:
                self.faults[fault] += 1
            if user:
                self.users[user] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": self.total,
                "actions": dict(self.actions),
                "classes": dict(self.classes),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "faults": dict(self.faults),
                "users": dict(self.users),
            }
