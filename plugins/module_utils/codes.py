# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Code tables of the Hyper-V WMI provider and WinRM (reference section 6 and 4.3)."""

from __future__ import annotations

# 6.4 Method ReturnValue codes (Msvm 32768 family plus the CIM generic 1-6 values).
RETURN_CODES = {
    0: "completed with no error",
    1: "not supported",
    2: "failed",
    3: "timeout",
    4: "failed (invalid parameter)",
    5: "invalid state or parameter",
    6: "incompatible parameters or in use",
    4096: "method parameters checked, job started",
    4097: "invalid state transition",
    4098: "use of timeout parameter not supported",
    4099: "busy",
    32768: "failed",
    32769: "access denied",
    32770: "not supported",
    32771: "status unknown",
    32772: "timeout",
    32773: "invalid parameter",
    32774: "system in use",
    32775: "invalid state for this operation",
    32776: "incorrect data type",
    32777: "system not available",
    32778: "out of memory",
    32779: "file not found",
    32780: "system not ready",
    32781: "machine locked; cannot shut down without Force",
    32782: "a system shutdown is already in progress",
    32783: "reboot required",
    32789: "object not found",
}

RETURN_OK = 0
RETURN_JOB_STARTED = 4096

# 6.5 Msvm_ConcreteJob.JobState
JOB_STATES = {
    2: "New",
    3: "Starting",
    4: "Running",
    5: "Suspended",
    6: "Shutting down",
    7: "Completed",
    8: "Terminated",
    9: "Killed",
    10: "Exception",
    11: "Service",
    32768: "Completed with warnings",
}
JOB_TERMINAL_OK = frozenset((7, 32768))
JOB_TERMINAL_FAILED = frozenset((8, 9, 10, 11))

# 6.1 Msvm_ComputerSystem.EnabledState
ENABLED_STATES_V2 = {
    0: "Unknown",
    1: "Other",
    2: "Running",
    3: "Off",
    4: "Shutting down",
    5: "Not applicable",
    6: "Saved",
    7: "In test",
    8: "Deferred",
    9: "Paused",
    10: "Starting",
    11: "Reset",
    32773: "Saving",
    32776: "Pausing",
    32777: "Resuming",
    32779: "Fast saved",
    32780: "Fast saving",
}
ENABLED_STATES_V1 = {
    0: "Unknown",
    2: "Running",
    3: "Off",
    32768: "Paused",
    32769: "Saved",
    32770: "Starting",
    32771: "Snapshotting",
    32773: "Saving",
    32774: "Stopping",
    32776: "Pausing",
    32777: "Resuming",
}

# 6.3 RequestStateChange RequestedState values (v2)
REQUESTED_STATES_V2 = {
    2: "Enabled (start, resume, restore)",
    3: "Disabled (turn off)",
    4: "Shut down",
    6: "Offline (save)",
    7: "Test",
    8: "Defer",
    9: "Quiesce (pause)",
    10: "Reboot",
    11: "Reset",
}

# 6.2 HealthState / OperationalStatus
HEALTH_STATES = {5: "OK", 20: "Major failure", 25: "Critical failure"}
OPERATIONAL_STATUS = {
    2: "OK",
    3: "Degraded",
    5: "Predictive failure",
    10: "Stopped",
    11: "In service",
    15: "Dormant",
    32768: "Creating snapshot",
    32769: "Applying snapshot",
    32770: "Deleting snapshot",
    32771: "Waiting to start",
    32772: "Merging disks",
    32773: "Exporting VM",
    32774: "Migrating VM",
}

# 4.3 WSManFault codes a client meets (decimal as sent in f:WSManFault@Code).
WSMAN_FAULT_CODES = {
    5: "access denied",
    87: "invalid parameter",
    2147942405: "access denied",
    2150858752: "the resource (instance, class or namespace) was not found",
    2150858767: "invalid message information header",
    2150858769: "a required message information header is missing",
    2150858771: "the action is not supported for this resource",
    2150858777: "the filter dialect is not supported",
    2150858778: "the filter cannot be processed (class or namespace does not exist, or invalid WQL)",
    2150858779: "the enumeration context is invalid or expired",
    2150858793: "the operation timed out",
    2150858805: "the MaxEnvelopeSize is too small",
    2150858811: "invalid resource URI",
    2150858817: "schema validation error (a value could not be converted)",
    2150858818: "unsupported feature",
    2150858824: "the response exceeds MaxEnvelopeSize",
    2150858842: "missing key selectors",
    2150858843: "unexpected selectors",
    2150858844: "selector type mismatch",
    2150858847: "duplicate selectors",
    2150859010: "the WMI provider could not perform the requested operation",
    2150859012: "the WMI service returned an access denied error",
    2150859013: "the WMI provider returned an access denied error",
    2150859016: "an Enumerate resource URI must not contain keys",
    2150859038: "the WMI provider rejected a parameter",
    2150859173: "too many shells for this user",
    2150859174: "too many concurrent operations for this user",
}

# Codes that say "this class or namespace does not exist here" (v1/v2 detection, 5b.1).
NAMESPACE_MISSING_CODES = frozenset((2150858778, 2150858752, 2150858811, 2147749902, 2147749904))


def return_code_meaning(code):
    """Human meaning of a method ReturnValue, e.g. ``invalid state for this operation (32775)``."""
    try:
        code = int(code)
    except (TypeError, ValueError):
        return "unreadable return value %r" % (code,)
    meaning = RETURN_CODES.get(code)
    if meaning is None:
        return "unknown return code %d" % code
    return "%s (%d)" % (meaning, code)


def job_state_name(state):
    """Name of a JobState value, e.g. ``Exception (10)``."""
    try:
        state = int(state)
    except (TypeError, ValueError):
        return "unknown job state %r" % (state,)
    return "%s (%d)" % (JOB_STATES.get(state, "unknown job state"), state)


def wsman_code_meaning(code):
    """Meaning of a WSManFault code, or an empty string when unknown."""
    try:
        return WSMAN_FAULT_CODES.get(int(code), "")
    except (TypeError, ValueError):
        return ""
