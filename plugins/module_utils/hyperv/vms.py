# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual machines: find, power state, create, destroy (v2 and v1 behind one interface).

State names are the ones of docs/developers/vm-facts.md: running, off, saved, paused, and the
transitional starting, stopping, saving, pausing, resuming, resetting, other.
"""

from __future__ import annotations

import re
import time

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, jobs
from ansible_collections.wsman.hyperv.plugins.module_utils.codes import return_code_meaning
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError, MethodError, WSManFault
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import CS

GUID_RE = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")

# reference 6.1
STATES_V2 = {
    2: "running", 3: "off", 4: "stopping", 6: "saved", 9: "paused", 10: "starting", 11: "resetting",
    32773: "saving", 32776: "pausing", 32777: "resuming", 32779: "saved", 32780: "saving",
    32781: "running", 32782: "off", 32783: "stopping", 32784: "saved", 32785: "paused", 32786: "starting",
    32787: "resetting", 32788: "saving", 32789: "pausing", 32790: "resuming", 32791: "saved", 32792: "saving",
}
STATES_V1 = {
    2: "running", 3: "off", 32768: "paused", 32769: "saved", 32770: "starting", 32771: "other",
    32773: "saving", 32774: "stopping", 32776: "pausing", 32777: "resuming",
}
STABLE = ("running", "off", "saved", "paused")

# RequestStateChange values (reference 6.3)
REQUEST_V2 = {"running": 2, "off": 3, "saved": 6, "paused": 9, "reboot": 10, "reset": 11}
REQUEST_V1 = {"running": 2, "off": 3, "saved": 32769, "paused": 32768, "reboot": 10, "reset": 10}

# which stable states each request is allowed from (reference 6.3)
ALLOWED_FROM = {
    "running": ("off", "saved", "paused"),
    "off": ("running", "paused", "saved"),
    "saved": ("running", "paused"),
    "paused": ("running",),
    "reboot": ("running",),
    "reset": ("running",),
}

SHUTDOWN_IC = "9F8233AC-BE49-4C79-8EE3-E7E1985B2077"


def is_guid(text):
    return bool(text) and bool(GUID_RE.match(str(text)))


def state_name(conn, code):
    table = STATES_V1 if conn.v1 else STATES_V2
    if code is None:
        return "unknown"
    return table.get(int(code), "other")


def find(conn, name=None, uuid=None):
    """All VMs named ``name`` (or the one with GUID ``uuid``): one WQL request."""
    if uuid is not None:
        where = cim.wql_eq("Name", uuid)
    else:
        where = cim.wql_eq("ElementName", name)
    found = conn.query(cim.wql_select(CS, where))
    return [vm for vm in found if is_guid(vm.get("Name"))]


def find_one(conn, name=None, uuid=None):
    """The VM, None if absent; a clear error if the name is ambiguous (reference 9.3 I3)."""
    if uuid is not None and not is_guid(uuid):
        raise HypervError("uuid %r is not a VM GUID (expected the form 4EA7033C-356C-4EBA-9F77-1A3399CFCD72)" % uuid)
    found = find(conn, name=name, uuid=uuid)
    if len(found) > 1:
        raise HypervError(
            "%d virtual machines are named %r (%s); give the uuid option to choose one"
            % (len(found), name, ", ".join(sorted(vm.get("Name") for vm in found)))
        )
    return found[0] if found else None


def find_existing(conn, name=None, uuid=None):
    """The VM a module's ``name``/``uuid`` options select (uuid first); a clear error if there is none, or if
    both are given and the VM with that uuid has another name. One WQL request (see find_one)."""
    vm = find_one(conn, name=name, uuid=uuid)
    if vm is None:
        raise HypervError("virtual machine %r does not exist" % (name if uuid is None else uuid,))
    if name is not None and uuid is not None and vm.get("ElementName") != name:
        raise HypervError("uuid %s is virtual machine %r, not %r" % (vm.get("Name"), vm.get("ElementName"), name))
    return vm


def get(conn, guid):
    return conn.get(conn.vm_ref(guid))


def wait_stable(conn, vm, timeout, wanted=None, sleep=time.sleep, clock=time.monotonic):
    """Re-read the VM until its state is stable (or one of ``wanted``); returns the instance."""
    deadline = clock() + timeout
    delay = 0.2
    while True:
        st = state_name(conn, vm.get("EnabledState"))
        if (wanted and st in wanted) or (not wanted and st in STABLE):
            return vm
        if clock() >= deadline:
            raise HypervError(
                "virtual machine %r is still %s after %s seconds (waiting for %s)"
                % (vm.get("ElementName"), st, int(timeout), " or ".join(wanted or STABLE))
            )
        sleep(delay)
        delay = min(delay * 2, 2.0)
        vm = get(conn, vm.get("Name"))


def request_state(conn, vm, target, timeout):
    """RequestStateChange to ``target`` (running/off/saved/paused/reboot/reset) and wait for it."""
    table = REQUEST_V1 if conn.v1 else REQUEST_V2
    code = table[target]
    try:
        conn.run_method(conn.vm_ref(vm.get("Name")), "RequestStateChange", {"RequestedState": code},
                        timeout=timeout, what="changing the state of %r to %s" % (vm.get("ElementName"), target))
    except MethodError as exc:
        if exc.return_value != 32775:
            raise
        # 32775: invalid state — maybe already there (9.4 J1); re-read before deciding
        now = get(conn, vm.get("Name"))
        if state_name(conn, now.get("EnabledState")) != target:
            raise HypervError(
                "Hyper-V refused to change virtual machine %r from %s to %s (invalid state for this operation)"
                % (vm.get("ElementName"), state_name(conn, now.get("EnabledState")), target)
            ) from exc
        return now
    wanted = ("running",) if target in ("reboot", "reset") else (target,)
    return wait_stable(conn, get(conn, vm.get("Name")), timeout, wanted=wanted)


def shutdown_ref(conn, guid):
    device = "Microsoft:%s\\%s" % (guid, SHUTDOWN_IC) if conn.v1 else "Microsoft:%s" % SHUTDOWN_IC
    return conn.ref("Msvm_ShutdownComponent", CreationClassName="Msvm_ShutdownComponent", DeviceID=device,
                    SystemCreationClassName=CS, SystemName=guid)


SHUTDOWN_CODES = {
    32780: "the guest is not ready (the shutdown integration service is not running)",
    32781: "the guest is locked and cannot shut down without force",
    32782: "a shutdown is already in progress",
}


def guest_shutdown(conn, vm, reboot=False, reason="Shutdown requested by Ansible wsman.hyperv"):
    """Ask the guest to shut down (or reboot) through the shutdown integration component.

    Returns None when the guest accepted, else a sentence saying why not.
    """
    method = "InitiateReboot" if reboot else "InitiateShutdown"
    target = shutdown_ref(conn, vm.get("Name"))
    try:
        result = conn.invoke(target, method, {"Force": False, "Reason": reason})
    except WSManFault as exc:
        # no component (integration services off) or a fault while booting (9.4 J7)
        return "the shutdown integration component is not available (%s)" % (exc.reason or exc)
    rv = result.return_value
    if rv == 0:
        return None
    if rv == 4096 and result.job is not None:
        jobs.wait_for_job(conn.client, result.job, timeout=conn.job_timeout, context=method,
                          class_name=result.class_name, method=method)
        return None
    return SHUTDOWN_CODES.get(rv) or return_code_meaning(rv)


def define(conn, name, generation=None, notes=None, timeout=None):
    """Create an empty VM; returns its GUID."""
    if conn.v1:
        settings = cim.EmbeddedInstance("Msvm_VirtualSystemGlobalSettingData", {"ElementName": name},
                                        {"ElementName": "string"})
        result = conn.vsms("DefineVirtualSystem", {"SystemSettingData": settings, "ResourceSettingData": []},
                           timeout=timeout, what="creating virtual machine %r" % name)
        ref = result.get("DefinedSystem")
    else:
        props = {"ElementName": name}
        types = {"ElementName": "string"}
        if generation:
            props["VirtualSystemSubType"] = "Microsoft:Hyper-V:SubType:%d" % generation
            types["VirtualSystemSubType"] = "string"
        if notes is not None:
            props["Notes"] = [notes]
            types["Notes"] = "string"
        if generation == 2:
            props["SecureBootEnabled"] = False
            types["SecureBootEnabled"] = "boolean"
        settings = cim.EmbeddedInstance("Msvm_VirtualSystemSettingData", props, types)
        result = conn.vsms("DefineSystem", {"SystemSettings": settings}, timeout=timeout,
                           what="creating virtual machine %r" % name)
        ref = result.get("ResultingSystem")
    if ref is not None and ref.selectors.get("Name"):
        return ref.selectors["Name"]
    # fall back to the name (9.4 J10: ResultingSystem may be empty)
    found = find(conn, name=name)
    if len(found) != 1:
        raise HypervError("virtual machine %r was created but cannot be found by name" % name)
    return found[0].get("Name")


def destroy(conn, guid, timeout=None, what=None):
    if conn.v1:
        conn.vsms("DestroyVirtualSystem", {"ComputerSystem": conn.vm_ref(guid)}, timeout=timeout, what=what)
    else:
        conn.vsms("DestroySystem", {"AffectedSystem": conn.vm_ref(guid)}, timeout=timeout, what=what)
