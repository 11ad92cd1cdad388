#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperv_switch_info
short_description: List the virtual switches of a Hyper-V host
version_added: 1.0.0
description:
  - Reads the virtual switches of a Hyper-V host over WS-Management, with their type, bound network
    adapter, notes and connected virtual machines.
  - The number of requests does not depend on the number of switches or virtual machines.
  - On Hyper-V 2008 R2 the type, adapter and notes of a switch cannot be read and are null.
author:
  - wsman.hyperv contributors (@wsman-hyperv)
extends_documentation_fragment:
  - wsman.hyperv.connection
options:
  name:
    description:
      - Only the switch with this name (compared case-insensitively). All switches when not set.
    type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads; it runs the same way in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
seealso:
  - module: wsman.hyperv.hyperv_switch
"""

EXAMPLES = r"""
- name: List the switches of a host
  wsman.hyperv.hyperv_switch_info:
    hostname: hv01.example.com
    username: administrator
    password: "{{ hyperv_password }}"
  delegate_to: localhost
  register: switches

- name: Show which VMs use the LAN switch
  ansible.builtin.debug:
    msg: "{{ (switches.switches | selectattr('name', 'equalto', 'LAN') | first).connected_vms }}"
"""

RETURN = r"""
switches:
  description: The virtual switches, sorted by name.
  returned: success
  type: list
  elements: dict
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
      description: V(external), V(internal) or V(private); null on Hyper-V 2008 R2.
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
  sample: 4
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import switch_manage as sm  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
)


def run(hm):
    conn = hm.connection()
    switches = sm.read(conn, hm.params["name"])
    hm.exit(changed=False, switches=[sm.public(s) for s in switches])


def main():
    HypervModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).execute(run)


if __name__ == "__main__":
    main()
