#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperv_host_info
short_description: Read facts about a Hyper-V host
version_added: 1.0.0
description:
  - Reads the facts of a Hyper-V host over WS-Management - its name, operating system and Hyper-V
    release, the WMI namespace it speaks, processors, memory, the default folders for virtual machines
    and virtual hard disks, its virtual switches and the number of virtual machines.
  - The number of requests is fixed; it does not grow with the number of virtual machines or switches.
  - Works with Hyper-V 2008 R2 and later. Values a host does not publish are null.
author:
  - wsman.hyperv contributors (@wsman-hyperv)
extends_documentation_fragment:
  - wsman.hyperv.connection
options:
  include_switches:
    description:
      - Also list the virtual switches (costs two to four more requests).
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads; it runs the same way in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
seealso:
  - module: wsman.hyperv.hyperv_vm_info
  - module: wsman.hyperv.hyperv_switch_info
"""

EXAMPLES = r"""
- name: Read the host facts
  wsman.hyperv.hyperv_host_info:
    hostname: hv01.example.com
    username: administrator
    password: "{{ hyperv_password }}"
  delegate_to: localhost
  register: hv

- name: Show the free memory
  ansible.builtin.debug:
    msg: "{{ hv.host.name }} runs Hyper-V {{ hv.host.hyperv_version }} with {{ hv.host.memory_free_mb }} MB free"
"""

RETURN = r"""
host:
  description: Facts about the Hyper-V host.
  returned: success
  type: dict
  contains:
    name:
      description: The host's computer (NetBIOS) name.
      type: str
      sample: HV01
    dns_hostname:
      description: The host's DNS host name.
      type: str
      sample: hv01
    domain:
      description: The domain or workgroup of the host.
      type: str
      sample: example.com
    os_name:
      description: The operating system name.
      type: str
      sample: Microsoft Windows Server 2022 Datacenter
    os_version:
      description: The operating system version.
      type: str
      sample: 10.0.20348
    os_build:
      description: The operating system build number.
      type: str
      sample: "20348"
    hyperv_version:
      description: The Windows Server release of the Hyper-V role (V(2008 R2) to V(2025)), null if not recognised.
      type: str
      sample: "2022"
    namespace:
      description: The Hyper-V WMI namespace the host speaks, V(root/virtualization/v2) or V(root/virtualization).
      type: str
      sample: root/virtualization/v2
    processor_sockets:
      description: Number of physical processors.
      type: int
      sample: 2
    logical_processors:
      description: Number of logical processors.
      type: int
      sample: 64
    numa_nodes:
      description: Number of NUMA nodes, when the host reports it.
      type: int
      sample: 2
    memory_total_mb:
      description: Physical memory in MiB.
      type: int
      sample: 262144
    memory_free_mb:
      description: Free physical memory in MiB.
      type: int
      sample: 157286
    default_vm_path:
      description: Default folder for virtual machine configuration files.
      type: str
      sample: C:\ProgramData\Microsoft\Windows\Hyper-V
    default_vhd_path:
      description: Default folder for virtual hard disks.
      type: str
      sample: C:\Users\Public\Documents\Hyper-V\Virtual Hard Disks
    mac_address_minimum:
      description: Lower end of the dynamic MAC address range.
      type: str
      sample: 00155D0A1B00
    mac_address_maximum:
      description: Upper end of the dynamic MAC address range.
      type: str
      sample: 00155D0A1BFF
    numa_spanning:
      description: Whether virtual machines may span NUMA nodes.
      type: bool
      sample: true
    vm_count:
      description: Number of virtual machines on the host.
      type: int
      sample: 12
    switches:
      description: The virtual switches (null with O(include_switches=false)).
      type: list
      elements: dict
      sample: [{"name": "LAN", "uuid": "0E3C2A7D-5B0C-4F39-8D8A-7A3D7C9F0B11", "switch_type": "external",
                "net_adapter_name": "Intel(R) Ethernet Controller X710 for 10GbE SFP+"}]
round_trips:
  description: The number of WS-Management requests the module sent.
  returned: always
  type: int
  sample: 8
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import hostinfo  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

ARGUMENT_SPEC = dict(
    include_switches=dict(type="bool", default=True),
)


def run(hm):
    facts = hostinfo.gather(hm.connection(), include_switches=hm.params["include_switches"])
    hm.exit(changed=False, host=facts)


def main():
    HypervModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).execute(run)


if __name__ == "__main__":
    main()
