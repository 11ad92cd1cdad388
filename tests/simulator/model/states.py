"""VM state tables: EnabledState codes per object model and the legal RequestStateChange
transitions (reference 6.1, 6.3, G8; v1 codes of 5b.2)."""

from __future__ import annotations

# canonical state -> EnabledState
CODES = {
    "v2": {
        "off": 3,
        "running": 2,
        "saved": 6,
        "paused": 9,
        "starting": 10,
        "stopping": 4,
        "saving": 32773,
        "pausing": 32776,
        "resuming": 32777,
    },
    "v1": {
        "off": 3,
        "running": 2,
        "saved": 32769,
        "paused": 32768,
        "starting": 32770,
        "stopping": 32774,
        "saving": 32773,
        "pausing": 32776,
        "resuming": 32777,
    },
}
STABLE = ("off", "running", "saved", "paused")
ACTIVE = ("running", "paused", "starting", "stopping", "saving", "pausing", "resuming")  # worker process exists

# RequestedState code -> action, per object model
REQUESTS = {
    "v2": {2: "enable", 3: "off", 4: "shutdown", 6: "save", 9: "pause", 10: "reboot", 11: "reset"},
    "v1": {2: "enable", 3: "off", 10: "reboot", 11: "reset", 32768: "pause", 32769: "save"},
}
# RequestedState values a host knows but refuses for a VM (-> 32775 rather than 32773)
KNOWN = {
    "v2": {5, 7, 8, 12, 32768, 32769, 32773, 32776, 32777, 32779, 32780},
    "v1": {4, 5, 6, 9, 32770, 32771, 32773, 32774, 32776, 32777},
}

# (action, from state) -> (transitional state, final state, JobType, job caption)   [6.3 / G8]
TRANSITIONS = {
    ("enable", "off"): ("starting", "running", 12, "Initializing and Starting Virtual Machine"),
    ("enable", "saved"): ("starting", "running", 15, "Restoring Virtual Machine"),
    ("enable", "paused"): ("resuming", "running", 27, "Resuming Virtual Machine"),
    ("off", "running"): ("stopping", "off", 13, "Turning Off Virtual Machine"),
    ("off", "paused"): ("stopping", "off", 13, "Turning Off Virtual Machine"),
    ("off", "saved"): ("stopping", "off", 13, "Turning Off Virtual Machine"),
    ("shutdown", "running"): ("stopping", "off", 16, "Shutting Down Virtual Machine"),
    ("save", "running"): ("saving", "saved", 14, "Saving Virtual Machine"),
    ("save", "paused"): ("saving", "saved", 14, "Saving Virtual Machine"),
    ("pause", "running"): ("pausing", "paused", 26, "Pausing Virtual Machine"),
    ("reboot", "running"): ("starting", "running", 29, "Rebooting Virtual Machine"),
    ("reset", "running"): ("starting", "running", 28, "Resetting Virtual Machine"),
}


def generation(namespace) -> str:
    return "v1" if namespace.replace("\\", "/").strip("/").lower() == "root/virtualization" else "v2"
