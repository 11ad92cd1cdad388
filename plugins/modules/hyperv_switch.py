#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperv_switch
short_description: Create, change and remove Hyper-V virtual switches
version_added: 1.0.0
description:
  - Manages one Hyper-V virtual switch, identified by its name, over WS-Management.
  - An V(external) switch is bound to a physical network adapter of the host; an V(internal) switch
    connects virtual machines with each other and with the host; a V(private) switch connects
    virtual machines only.
  - An existing switch is changed in place to the wanted type, adapter and notes.
  - A switch that still has connected virtual machine network adapters is only removed with O(force=true).
  - On Hyper-V 2008 R2 only private switches can be created, notes are not available, and the type of
    an existing switch cannot be read (it is reported as null and left alone); asking for anything else
    fails with a "not supported on Hyper-V 2008 R2" error.
author:
  - wsman.hyperv contributors (@wsman-hyperv)
extends_documentation_fragment:
  - wsman.hyperv.connection
options:
  name:
    description:
      - The name of the virtual switch (compared case-insensitively, as Hyper-V does), at most 100 characters.
    type: str
    required: true
  state:
    description:
      - V(present) creates the switch or changes it to match the options; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  switch_type:
    description:
      - The kind of switch. Required to create a switch; when not set, an existing switch keeps its type.
    type: str
    choices: [external, internal, private]
  net_adapter_name:
    description:
      - For O(switch_type=external), the host network adapter to bind the switch to, by its name as
        Hyper-V shows it (the adapter description, for example V(Intel(R\) Ethernet Controller X710 for 10GbE SFP+)).
      - Required with O(switch_type=external). The adapter must not be bound to another switch.
    type: str
  allow_management_os:
    description:
      - For O(switch_type=external), whether the host itself also gets a network port on the switch
        (shares the adapter with the management operating system).
      - Defaults to V(true) when an external switch is created; when not set, an existing external switch keeps
        its setting.
    type: bool
  notes:
    description:
      - Free text stored with the switch. V("") clears the notes; when not set, the notes are left alone.
    type: str
  force:
    description:
      - Remove the switch even though virtual machine network adapters are still connected to it
        (they are left disconnected).
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait for Hyper-V to finish a change.
    type: int
    default: 300
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
seealso:
  - module: wsman.hyperv.hyperv_switch_info
"""

EXAMPLES = r"""
- name: An external switch on the first 10 GbE port, shared with the host
  wsman.hyperv.hyperv_switch:
    hostname: hv01.example.com
    username: administrator
    password: "{{ hyperv_password }}"
    name: LAN
    switch_type: external
    net_adapter_name: Intel(R) Ethernet Controller X710 for 10GbE SFP+
    notes: Production LAN uplink
  delegate_to: localhost

- name: A private switch for a lab
  wsman.hyperv.hyperv_switch:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: lab-private
    switch_type: private
  delegate_to: localhost

- name: Remove a switch even if VMs are still connected
  wsman.hyperv.hyperv_switch:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: lab-private
    state: absent
    force: true
  delegate_to: localhost
"""

RETURN = r"""
switch:
  description: The switch after the task (as it would be in check mode); null when it is absent.
  returned: success
  type: dict
  contains:
    name:
      description: Switch name.
      type: str
      sample: LAN
    uuid:
      description: Switch GUID.
      type: str
      sample: 0E3C2A7D-5B0C-4F39-8D8A-7A3D7C9F0B11
    switch_type:
      description: V(external), V(internal) or V(private); null on Hyper-V 2008 R2 where it cannot be read.
      type: str
      sample: external
    net_adapter_name:
      description: The bound host network adapter (external switches), else null.
      type: str
      sample: Intel(R) Ethernet Controller X710 for 10GbE SFP+
    allow_management_os:
      description: Whether the host has a port on the switch; null on Hyper-V 2008 R2.
      type: bool
      sample: true
    notes:
      description: The switch notes; null on Hyper-V 2008 R2.
      type: str
      sample: Production LAN uplink
    connected_adapters:
      description: Number of virtual machine network adapters connected to the switch.
      type: int
      sample: 2
    connected_vms:
      description: Names of the virtual machines with an adapter connected to the switch.
      type: list
      elements: str
      sample: [web01, web02]
round_trips:
  description: The number of WS-Management requests the module sent.
  returned: always
  type: int
  sample: 5
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import switch_manage as sm  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    switch_type=dict(type="str", choices=list(sm.SWITCH_TYPES)),
    net_adapter_name=dict(type="str"),
    allow_management_os=dict(type="bool"),
    notes=dict(type="str"),
    force=dict(type="bool", default=False),
    timeout=dict(type="int", default=300),
)

MANAGED = ("name", "switch_type", "net_adapter_name", "allow_management_os", "notes")


def settings(switch):
    return {k: switch.get(k) for k in MANAGED} if switch else {}


def run(hm):
    p = hm.params
    sm.validate(p)
    hm.require_positive_seconds("timeout")
    conn = hm.connection()
    current = sm.read_one(conn, p["name"])
    before = settings(current)

    if p["state"] == "absent":
        if current is None:
            hm.exit(changed=False, switch=None, diff=dict(before={}, after={}))
        if current["connected_adapters"] and not p["force"]:
            hm.fail("virtual switch %r still has %d connected network adapter(s) (virtual machines: %s); "
                    "disconnect them first or set force=true"
                    % (current["name"], current["connected_adapters"], ", ".join(current["connected_vms"]) or "?"))
        if not hm.check_mode:
            sm.destroy(conn, current, timeout=p["timeout"])
        hm.exit(changed=True, switch=None, diff=dict(before=before, after={}))

    wanted_type = p["switch_type"] or (current or {}).get("switch_type")
    if current is None and not wanted_type:
        hm.fail("switch_type is required to create virtual switch %r" % p["name"])
    if conn.v1:
        if p["switch_type"] not in (None, "private"):
            hm.fail("%s virtual switches are %s (only private switches can be created there)"
                    % (p["switch_type"], sm.NOT_ON_V1))
        if p["notes"] is not None:
            hm.fail("switch notes are %s" % sm.NOT_ON_V1)
    adapter = None
    if p["net_adapter_name"]:
        adapter = sm.find_adapter(conn, p["net_adapter_name"], current)

    if current is None:
        allow = p["allow_management_os"] if p["allow_management_os"] is not None else wanted_type != "private"
        after = dict(name=p["name"], switch_type=None if conn.v1 else wanted_type,
                     net_adapter_name=adapter.get("ElementName") if adapter is not None else None,
                     allow_management_os=None if conn.v1 else allow,
                     notes=None if conn.v1 else (p["notes"] or ""))
        if not hm.check_mode:
            sm.create(conn, p["name"], wanted_type, notes=p["notes"], adapter=adapter,
                      allow_management_os=allow, timeout=p["timeout"])
        finish(hm, conn, p, before, after)

    after = dict(before)
    notes_change = p["notes"] is not None and p["notes"] != (current["notes"] or "")
    ports_change = False
    allow = None
    if not conn.v1 and p["switch_type"]:
        if wanted_type == "external":
            allow = p["allow_management_os"]
            if allow is None:
                allow = current["allow_management_os"] if current["switch_type"] == "external" else True
        else:
            allow = wanted_type == "internal"
        wanted = sm.wanted_ports(wanted_type, adapter.get("DeviceID") if adapter is not None else None, allow)
        ports_change = wanted != sm.current_ports(current)
        after.update(switch_type=wanted_type, allow_management_os=allow,
                     net_adapter_name=adapter.get("ElementName") if adapter is not None else None)
    if notes_change:
        after["notes"] = p["notes"]
    changed = notes_change or ports_change
    if changed and not hm.check_mode:
        if ports_change:
            sm.reconfigure_ports(conn, current, wanted_type, adapter=adapter, allow_management_os=allow,
                                 timeout=p["timeout"])
        if notes_change:
            sm.set_notes(conn, current, p["notes"], timeout=p["timeout"])
    if not changed:
        hm.exit(changed=False, switch=sm.public(current), diff=dict(before=before, after=before))
    finish(hm, conn, p, before, after, current)


def finish(hm, conn, p, before, after, current=None):
    """Exit with changed=True and the switch as it now is (or, in check mode, would be)."""
    if hm.check_mode:
        switch = dict(sm.public(current) if current else dict(uuid=None, connected_adapters=0, connected_vms=[]))
        switch.update(after)
    else:
        switch = sm.public(sm.read_one(conn, p["name"]))
    hm.exit(changed=True, switch=switch, diff=dict(before=before, after=after))


def main():
    HypervModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).execute(run)


if __name__ == "__main__":
    main()
