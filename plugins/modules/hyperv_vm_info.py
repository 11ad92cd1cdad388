#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperv_vm_info
short_description: Read the virtual machines of a Hyper-V host
version_added: 1.0.0
description:
  - Reads all virtual machines of a Hyper-V host, or those matching O(names), O(uuids) and O(states),
    over WS-Management.
  - For each virtual machine - name, GUID, state, generation, processors, memory (startup and dynamic
    memory settings), uptime, notes, disks, DVD drives, network adapters (switch, MAC address, VLAN),
    guest IP addresses and the guest's FQDN and operating system (from the integration services, while
    the virtual machine runs), its checkpoints and the Hyper-V host.
  - The number of requests does not grow with the number of virtual machines - every class is read
    once for all of them and joined locally; there is no request per virtual machine.
  - Works with Hyper-V 2008 R2 and later; what a host cannot report is null or empty.
author:
  - wsman.hyperv contributors (@wsman-hyperv)
extends_documentation_fragment:
  - wsman.hyperv.connection
options:
  names:
    description:
      - Only virtual machines with one of these names. An entry with V(*), V(?) or V([...]) is a shell
        glob, for example V(web-*); names and globs are compared case-insensitively, as Hyper-V does.
      - All virtual machines when not set.
    type: list
    elements: str
  uuids:
    description:
      - Only the virtual machines with these GUIDs.
    type: list
    elements: str
  states:
    description:
      - Only virtual machines in one of these states.
    type: list
    elements: str
    choices: [running, "off", saved, paused, starting, stopping, saving, pausing, resuming, resetting, other]
  include:
    description:
      - Which parts to read besides name, GUID, state and uptime. Leaving parts out saves requests.
      - V(config) - generation, processors, memory, notes, automatic start and stop actions, secure boot.
      - V(devices) - disks, DVD drives and network adapters.
      - V(guest) - guest IP addresses, FQDN and operating system of running virtual machines.
      - V(checkpoints) - the checkpoints of each virtual machine.
    type: list
    elements: str
    choices: [config, devices, guest, checkpoints]
    default: [config, devices, guest, checkpoints]
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads; it runs the same way in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
seealso:
  - module: wsman.hyperv.hyperv_vm
  - module: wsman.hyperv.hyperv_host_info
"""

EXAMPLES = r"""
- name: Every VM of the host
  wsman.hyperv.hyperv_vm_info:
    hostname: hv01.example.com
    username: administrator
    password: "{{ hyperv_password }}"
  delegate_to: localhost
  register: all_vms

- name: Running web servers, with their IP addresses
  wsman.hyperv.hyperv_vm_info:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    names: ["web-*"]
    states: [running]
    include: [guest]
  delegate_to: localhost
  register: web

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.ip_addresses | join(', ') }}"
  loop: "{{ web.vms }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
vms:
  description: The matching virtual machines, sorted by name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Virtual machine name.
      type: str
      sample: web-01
    uuid:
      description: Virtual machine GUID (upper-case).
      type: str
      sample: 4EA7033C-356C-4EBA-9F77-1A3399CFCD72
    state:
      description: V(running), V(off), V(saved), V(paused) or a transitional state (V(starting), V(stopping) ...).
      type: str
      sample: running
    state_code:
      description: The EnabledState code the host reported.
      type: int
      sample: 2
    generation:
      description: Virtual machine generation, 1 or 2.
      type: int
      sample: 2
    cpu_count:
      description: Number of virtual processors.
      type: int
      sample: 4
    memory_mb:
      description: Startup memory in MiB.
      type: int
      sample: 4096
    memory:
      description: Memory settings - C(startup_mb) and C(dynamic_memory) (C(enabled), C(minimum_mb), C(maximum_mb), C(buffer_percent)).
      type: dict
      sample: {"startup_mb": 4096, "dynamic_memory": {"enabled": false, "minimum_mb": null, "maximum_mb": null, "buffer_percent": null}}
    uptime_seconds:
      description: Seconds since the virtual machine was started (0 when off).
      type: int
      sample: 3600
    notes:
      description: The notes of the virtual machine.
      type: str
      sample: Web server
    disks:
      description: Virtual hard disks - C(path), C(controller_type) (V(ide) or V(scsi)), C(controller_number), C(controller_location).
      type: list
      elements: dict
      sample: [{"path": "C:\\VMs\\web-01.vhdx", "controller_type": "scsi", "controller_number": 0, "controller_location": 0}]
    dvd:
      description: DVD drives - C(path) (the ISO file, null when empty) and the controller position.
      type: list
      elements: dict
      sample: []
    network_adapters:
      description: Network adapters - C(name), C(switch), C(mac_address), C(static_mac), C(vlan_id).
      type: list
      elements: dict
      sample: [{"name": "Network Adapter", "switch": "LAN", "mac_address": "00:15:5D:0A:0B:0C", "static_mac": false, "vlan_id": null}]
    ip_addresses:
      description: Guest IP addresses (IPv4 first) reported by the integration services while the virtual machine runs.
      type: list
      elements: str
      sample: ["192.0.2.10", "fe80::215:5dff:fe0a:b0c"]
    guest:
      description: C(fqdn), C(os_name) and C(os_version) reported by the guest while it runs, else null values.
      type: dict
      sample: {"fqdn": "web-01.example.com", "os_name": "Windows Server 2022 Datacenter", "os_version": "10.0.20348"}
    checkpoints:
      description: Checkpoints - C(name), C(id), C(created), C(parent_id).
      type: list
      elements: dict
      sample: [{"name": "before-patching", "id": "Microsoft:8F4B1D2C-0E5A-4C4E-9E3B-2B7D9C1A5E60", "created": "2026-01-05T10:11:12+00:00", "parent_id": null}]
    automatic_start_action:
      description: What the virtual machine does when the host starts (V(nothing), V(start_if_running), V(always_start)).
      type: str
      sample: nothing
    automatic_start_delay:
      description: Seconds of delay before an automatic start.
      type: int
      sample: 0
    automatic_stop_action:
      description: What the virtual machine does when the host shuts down (V(turn_off), V(save), V(shutdown)).
      type: str
      sample: save
    secure_boot:
      description: Whether secure boot is on (generation 2 only, else null).
      type: bool
      sample: true
    host:
      description: The computer name of the Hyper-V host.
      type: str
      sample: HV01
round_trips:
  description: The number of WS-Management requests the module sent.
  returned: always
  type: int
  sample: 6
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import facts  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.vms import is_guid  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

STATES = ["running", "off", "saved", "paused", "starting", "stopping", "saving", "pausing", "resuming",
          "resetting", "other"]
PARTS = ["config", "devices", "guest", "checkpoints"]

ARGUMENT_SPEC = dict(
    names=dict(type="list", elements="str"),
    uuids=dict(type="list", elements="str"),
    states=dict(type="list", elements="str", choices=STATES),
    include=dict(type="list", elements="str", choices=PARTS, default=PARTS),
)


def name_filters(names):
    """(exact names, globs) for gather_vms (facts.split_names); an empty name is refused."""
    if any(not n for n in names or ()):
        raise ValueError("names must not contain an empty name")
    return facts.split_names(names)


def run(hm):
    p = hm.params
    try:
        exact, globs = name_filters(p["names"])
    except ValueError as exc:
        hm.fail(str(exc))
    bad = [u for u in p["uuids"] or [] if not is_guid(u)]
    if bad:
        hm.fail("uuids must be VM GUIDs such as 4EA7033C-356C-4EBA-9F77-1A3399CFCD72; not: %s" % ", ".join(bad))
    vms = facts.gather_vms(hm.connection(), names=exact, uuids=p["uuids"], states=p["states"], name_globs=globs,
                           include=tuple(p["include"] or ()))
    hm.exit(changed=False, vms=vms)


def main():
    HypervModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).execute(run)


if __name__ == "__main__":
    main()
