# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One VM task of hyperv_vm: find, create, configure, power, remove — with check mode, diff and
the request budget of reference 11 (state check: 1 request; no-op full configuration: ≤ 4)."""

from __future__ import annotations

import contextlib
import time

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError, WSManFault
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import compare, kvp, switches, vmconfig, vms

# state option of hyperv_vm -> the power state the VM must end in (None: leave it)
TARGET = {"present": None, "started": "running", "stopped": "off", "shutdown": "off", "poweredoff": "off",
          "restarted": "running", "paused": "paused", "saved": "saved"}

# boot_order: a generation 2 VM's boot sources are classified by its devices
DEVICE_OPTIONS = ("cpu_count", "memory_mb", "dynamic_memory", "disks", "dvd", "network_adapters", "boot_order")


class VmTask:
    def __init__(self, conn, params, check_mode, sleep=time.sleep, clock=time.monotonic):
        self.conn = conn
        self.p = params
        self.check = check_mode
        self.sleep = sleep
        self.clock = clock
        self.cs = None
        self.st = None
        self.changed = False
        self.changes = []
        self.before = {}
        self.after = {}
        self.created_disks = []
        self.switch_cache = switches.SwitchCache(conn)
        self.dirty = False
        self.read_config = False
        self.guest = None
        self.ips = None
        self.timeout = params.get("state_timeout") or 300
        self.warnings = []

    # ---- helpers ---------------------------------------------------------------------------
    @property
    def label(self):
        return repr(self.cs.get("ElementName") if self.cs is not None else self.p.get("name"))

    def state(self):
        return vms.state_name(self.conn, self.cs.get("EnabledState"))

    def _mark(self, key):
        self.changed = True
        if key not in self.changes:
            self.changes.append(key)

    def _settle(self):
        """Wait out a transitional state (starting, saving, stopping, ...)."""
        if self.state() not in vms.STABLE:
            self.cs = vms.wait_stable(self.conn, self.cs, self.timeout, sleep=self.sleep, clock=self.clock)

    def _request(self, target):
        self.cs = vms.request_state(self.conn, self.cs, target, self.timeout)
        self.dirty = True

    # ---- find --------------------------------------------------------------------------------
    def find(self):
        self.cs = vms.find_one(self.conn, name=self.p.get("name") if not self.p.get("uuid") else None,
                               uuid=self.p.get("uuid"))
        if self.cs is not None:
            self.before["state"] = self.state()
            self.after["state"] = self.state()
        else:
            self.before["state"] = "absent"
            self.after["state"] = "absent"
        return self.cs is not None

    # ---- create ------------------------------------------------------------------------------
    def require_creatable(self, want):
        p = self.p
        target = p["state"]
        if target in ("restarted", "paused", "saved", "stopped", "shutdown", "poweredoff", "started") and not any(
                k in want for k in compare.CONFIG_OPTIONS) and p.get("generation") is None:
            raise HypervError("virtual machine %s not found; give configuration options (or state=present) "
                              "to create it" % (repr(p["uuid"]) if p.get("uuid") else repr(p["name"])))
        if target in ("restarted", "paused", "saved"):
            raise HypervError("virtual machine %r not found; state=%s needs an existing VM"
                              % (p.get("name") or p.get("uuid"), target))
        if p.get("uuid"):
            raise HypervError("no virtual machine has uuid %r; Hyper-V assigns the GUID when it creates a VM, so "
                              "give only name to create one" % p.get("uuid"))

    def create(self):
        p = self.p
        gen = p.get("generation") or 1
        want = compare.validate(p, v1=self.conn.v1, generation=gen)
        vmconfig.validate_switches(self.conn, want, self.switch_cache)
        for d in want.get("disks", ()):
            if d["size_gb"] is None and not vmconfig.disk_exists(self.conn, d["path"]):
                raise HypervError("disk %s does not exist on the host; give size_gb to create it" % d["path"])
        self._mark("state")
        self.after = dict(state="off", generation=gen, **dict(want.items()))
        if self.check:
            return
        guid = vms.define(self.conn, p["name"], generation=gen, notes=want.get("notes"), timeout=self.timeout)
        try:
            self.cs = vms.get(self.conn, guid)
            self.st = vmconfig.read(self.conn, self.cs, need_devices=True, need_vlans="network_adapters" in want,
                                    switch_cache=self.switch_cache)
            changes = compare.compare(self.st.current(), want)[0]
            if changes:
                vmconfig.apply(self.conn, self.st, changes, want, self.created_disks)
        except Exception as exc:
            self._rollback(guid)
            if isinstance(exc, HypervError):
                raise HypervError("%s (the partly created virtual machine %r was removed again)"
                                  % (exc, p["name"])) from exc
            raise
        self.dirty = True
        self.read_config = True

    def _rollback(self, guid):
        with contextlib.suppress(HypervError):
            vms.destroy(self.conn, guid, timeout=self.timeout, what="removing the partly created VM")
        for path in self.created_disks:
            with contextlib.suppress(HypervError):
                vmconfig.delete_file(self.conn, path)

    # ---- configure ---------------------------------------------------------------------------
    def configure(self):
        p = self.p
        want = compare.validate(p, v1=self.conn.v1)
        if not any(k in want for k in compare.CONFIG_OPTIONS) and p.get("generation") is None:
            return
        need_devices = any(k in want for k in DEVICE_OPTIONS)
        self.st = vmconfig.read(self.conn, self.cs, need_devices=need_devices,
                                need_vlans="network_adapters" in want, switch_cache=self.switch_cache)
        self.read_config = True
        gen = vmconfig.settings.generation_of(self.st.vssd, self.conn.v1)
        if p.get("generation") is not None and p["generation"] != gen:
            raise HypervError("virtual machine %s is generation %d; the generation of an existing VM cannot be "
                              "changed (asked for %d)" % (self.label, gen, p["generation"]))
        want = compare.validate(p, v1=self.conn.v1, generation=gen)
        changes, before, after = compare.compare(self.st.current(), want)
        vmconfig.validate_switches(self.conn, want, self.switch_cache, changes)
        for d in (changes.get("disks") or {}).get("attach", ()):
            if d["size_gb"] is None and not vmconfig.disk_exists(self.conn, d["path"]):
                raise HypervError("disk %s does not exist on the host; give size_gb to create it" % d["path"])
        self.before.update(before)
        self.after.update(after)
        if not changes:
            return
        for key in changes:
            self._mark(key)
        needs_off = sorted(k for k, c in changes.items() if c["needs_off"])
        self._settle()
        state = self.state()
        if needs_off and state != "off":
            target = self._target()
            if target == "off":
                self.set_power("off", guest_shutdown=self.p["state"] in ("stopped", "shutdown"))
            elif not self.p["force"]:
                raise HypervError(
                    "changing %s of virtual machine %s needs it off, but it is %s; set force: true to allow "
                    "the module to turn it off and back on, or stop it first"
                    % (", ".join(needs_off), self.label, state))
            else:
                if self.check:
                    return
                self._power_off(guest_shutdown=True)
                vmconfig.apply(self.conn, self.st, changes, want, self.created_disks)
                self.dirty = True
                self._restore(state)
                return
        if self.check:
            return
        vmconfig.apply(self.conn, self.st, changes, want, self.created_disks)
        self.dirty = True

    def _target(self):
        return TARGET[self.p["state"]]

    def _restore(self, previous):
        if previous == "running":
            self._request("running")
        elif previous == "paused":
            self._request("running")
            self._request("paused")
        elif previous == "saved":
            self.warnings.append("virtual machine %s was saved; its saved state was discarded to apply the change"
                                 % self.label)

    # ---- remove ------------------------------------------------------------------------------
    def remove(self):
        self._mark("state")
        self.after["state"] = "absent"
        self._settle()
        state = self.state()
        if state in ("running", "paused") and not self.p["force"]:
            raise HypervError("virtual machine %s is %s; set force: true to turn it off and remove it, or stop it "
                              "first" % (self.label, state))
        files = []
        if self.p["remove_disks"] and self.p.get("disks"):
            listed = {d["path"].replace("/", "\\").lower() for d in self.p["disks"]}
            st = vmconfig.read(self.conn, self.cs, need_devices=True)
            files = [d["path"] for d in st.dev.disk_facts() if d["path"] and d["path"].lower() in listed]
        if self.check:
            return
        if state in ("running", "paused"):
            self._request("off")
        vms.destroy(self.conn, self.cs.get("Name"), timeout=self.timeout,
                    what="removing virtual machine %s" % self.label)
        for path in files:
            try:
                vmconfig.delete_file(self.conn, path)
            except HypervError as exc:
                raise HypervError("virtual machine %s was removed, but deleting its disk %s failed: %s"
                                  % (self.label, path, exc)) from exc

    # ---- power -------------------------------------------------------------------------------
    def set_power(self, target, restart=False, guest_shutdown=False):
        if self.cs is None:  # created in check mode
            if target is not None:
                self.after["state"] = target
            return
        if target is None and not restart:
            return
        self._settle()
        state = self.state()
        if restart:
            self._mark("state")
            self.after["state"] = "running"
            if self.check:
                return
            if state != "running":
                self._start()
            elif self.p["force"]:
                self._request("reset")
            else:
                self._guest_reboot()
            return
        if state == target:
            return
        self._mark("state")
        self.after["state"] = target
        if self.check:
            return
        if target == "running":
            self._start()
        elif target == "off":
            self._power_off(guest_shutdown)
        else:
            if state == "off" or (state == "saved" and target == "paused"):
                self._start()
            self._request(target)

    def _start(self):
        self._request("running")

    def _power_off(self, guest_shutdown):
        state = self.state()
        if state == "off":
            return
        if not guest_shutdown:
            self._request("off")
            return
        if state == "saved":
            if not self.p["force"]:
                raise HypervError("virtual machine %s is saved, so its guest cannot shut down; set force: true to "
                                  "turn it off (discarding the saved state) or use state=poweredoff" % self.label)
            self._request("off")
            return
        if state == "paused":
            self._request("running")
        timeout = self.p.get("shutdown_timeout") or 300
        deadline = self.clock() + timeout
        delay = 0.5
        while True:
            # 32780 "not ready": the guest's integration services are not up yet (just resumed or booting)
            reason = vms.guest_shutdown(self.conn, self.cs)
            if reason != vms.SHUTDOWN_CODES[32780] or self.clock() >= deadline:
                break
            self.sleep(delay)
            delay = min(delay * 2, 5.0)
        if reason is None:
            try:
                self.cs = vms.wait_stable(self.conn, vms.get(self.conn, self.cs.get("Name")),
                                          max(deadline - self.clock(), 1), wanted=("off",),
                                          sleep=self.sleep, clock=self.clock)
                self.dirty = True
                return
            except HypervError as exc:
                reason = str(exc)
        if not self.p["force"]:
            raise HypervError("the guest of virtual machine %s did not shut down: %s; set force: true to turn it "
                              "off instead" % (self.label, reason))
        self.cs = vms.get(self.conn, self.cs.get("Name"))
        self._request("off")

    def _guest_reboot(self):
        if not self.conn.v1:
            try:
                reason = vms.guest_shutdown(self.conn, self.cs, reboot=True)
            except WSManFault:
                reason = "InitiateReboot is not available"
            if reason is None:
                self.dirty = True
                self._wait_rebooted()
                return
        self._power_off(guest_shutdown=True)
        self._start()

    def _wait_rebooted(self):
        """After InitiateReboot: see the VM leave Running (or its uptime restart), then be Running again."""
        guid = self.cs.get("Name")
        uptime = self.cs.get("OnTimeInMilliseconds") or 0
        timeout = self.p.get("shutdown_timeout") or 300
        deadline = self.clock() + timeout
        delay = 0.2
        while True:
            self.cs = vms.get(self.conn, guid)
            now_up = self.cs.get("OnTimeInMilliseconds") or 0
            if self.state() != "running" or now_up < uptime:
                break
            if self.clock() >= deadline:
                raise HypervError("the guest of virtual machine %s did not reboot within %d seconds; set force: true "
                                  "to reset it instead" % (self.label, timeout))
            self.sleep(delay)
            delay = min(delay * 2, 2.0)
        self.cs = vms.wait_stable(self.conn, self.cs, self.timeout, wanted=("running",), sleep=self.sleep,
                                  clock=self.clock)

    # ---- guest -------------------------------------------------------------------------------
    def wait_for_ip(self):
        if self.cs is None:
            return
        timeout = self.p["wait_timeout"]
        deadline = self.clock() + timeout
        delay = 1.0
        while True:
            if self.state() == "running":
                self.ips, self.guest = kvp.read_guest(self.conn, self.cs.get("Name"))
                if self.ips:
                    return
            if self.clock() >= deadline:
                raise HypervError("virtual machine %s reported no IP address within %d seconds (state %s; are the "
                                  "integration services running in the guest?)" % (self.label, timeout, self.state()))
            self.sleep(delay)
            delay = min(delay * 2, 5.0)
            self.cs = vms.get(self.conn, self.cs.get("Name"))

    # ---- results -----------------------------------------------------------------------------
    def facts(self):
        from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import facts as factsmod

        if self.cs is None:
            out = factsmod.empty_facts()
            out["name"] = self.p.get("name")
            return out
        if self.dirty and not self.check:
            self.cs = vms.get(self.conn, self.cs.get("Name"))
            if self.read_config:
                self.st = vmconfig.read(self.conn, self.cs, need_devices=True, need_vlans=True,
                                        switch_cache=self.switch_cache)
        if self.st is not None:
            self.st.cs = self.cs
            out = self.st.facts()
        else:
            out = factsmod.vm_facts(self.cs, self.conn.v1)
        if self.ips is not None:
            out["ip_addresses"] = self.ips
            out["guest"] = self.guest
        return out

    def diff(self):
        return {"before": self.before, "after": self.after}
