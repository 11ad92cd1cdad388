#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: hyperv_vm
short_description: Manage Hyper-V virtual machines over WS-Management
version_added: "1.0.0"
description:
  - Create, configure, power and remove Hyper-V virtual machines, from Linux, over WS-Management
    (WinRM). Nothing runs on the host but the Hyper-V WMI provider; no PowerShell is used.
  - The module compares the wanted configuration with the current one and changes only the difference.
    A second run with the same options reports C(changed=false).
  - Works with Windows Server 2012 and later (C(root/virtualization/v2)) and with Windows Server 2008 R2
    (C(root/virtualization)), where only generation 1 VMs, VHD disks and no Secure Boot exist.
author:
  - wsman.hyperv contributors (@wsman-hyperv)
extends_documentation_fragment:
  - wsman.hyperv.connection
options:
  name:
    description:
      - The VM's display name (C(ElementName)). Required unless O(uuid) is given; needed to create a VM.
      - Hyper-V allows several VMs with one name; the module then refuses to act and asks for O(uuid).
    type: str
  uuid:
    description:
      - The VM's GUID (C(Msvm_ComputerSystem.Name)), for example V(4EA7033C-356C-4EBA-9F77-1A3399CFCD72).
      - Takes precedence over O(name) to find the VM. A VM that does not exist cannot be created with a
        given GUID (Hyper-V assigns it); use O(name) alone to create one.
    type: str
  state:
    description:
      - V(present) - the VM exists with the given configuration; its power state is not changed.
      - V(absent) - the VM is removed (its disk files are kept unless O(remove_disks=true)).
      - V(started) - the VM is running (started, resumed from pause, or restored from saved state).
      - V(stopped) or V(shutdown) - the guest is asked to shut down through the shutdown integration
        component and the module waits up to O(shutdown_timeout); if the guest cannot or does not shut
        down, the VM is turned off only when O(force=true).
      - V(poweredoff) - the VM is turned off at once (like pulling the plug).
      - V(restarted) - the guest is rebooted through the shutdown integration component (Windows Server 2016
        and later), or by a guest shutdown and a start; with O(force=true) the VM is reset instead.
        Always reports a change.
      - V(paused) - the VM is paused (started first if needed).
      - V(saved) - the VM's state is saved to disk (started first if needed).
    type: str
    default: present
    choices: [present, absent, started, stopped, shutdown, poweredoff, restarted, paused, saved]
  generation:
    description:
      - The VM generation, used when the VM is created only; V(1) (BIOS) or V(2) (UEFI).
      - A different value for an existing VM is an error (the generation cannot be changed).
      - Windows Server 2008 R2 supports generation 1 only.
      - New VMs are generation 1 when not given.
    type: int
    choices: [1, 2]
  cpu_count:
    description:
      - Number of virtual processors (1 to 240; 1 to 4 on Windows Server 2008 R2). Changing it needs the VM off.
    type: int
  memory_mb:
    description:
      - Startup memory in MiB, an even number from 32. Changing it needs the VM off.
    type: int
  dynamic_memory:
    description:
      - Dynamic memory settings. Only the given sub-options are compared.
    type: dict
    suboptions:
      enabled:
        description: Whether dynamic memory is on. Changing it needs the VM off.
        type: bool
      minimum_mb:
        description: Minimum memory in MiB (even number, not above O(memory_mb)).
        type: int
      maximum_mb:
        description: Maximum memory in MiB (even number, not below O(memory_mb)).
        type: int
      buffer_percent:
        description: Memory buffer in percent (5 to 2000); can change while the VM runs.
        type: int
  notes:
    description:
      - Free text stored with the VM. An empty string clears the notes.
    type: str
  disks:
    description:
      - The VM's hard disks, all of them. Disks attached to the VM but not listed are detached
        (their files are kept).
      - A disk whose file does not exist is created as a new VHDX (or VHD) when O(disks[].size_gb) is given.
      - Attaching or detaching a disk on an IDE controller needs the VM off; SCSI disks can change while it runs.
    type: list
    elements: dict
    suboptions:
      path:
        description:
          - Absolute Windows path of the VHD or VHDX file on the host, for example V(C:\\VMs\\web01.vhdx).
        type: str
        required: true
      size_gb:
        description:
          - Size in GiB of a disk to create if O(disks[].path) does not exist. An existing file is never resized.
        type: int
      type:
        description:
          - Kind of disk to create.
        type: str
        choices: [dynamic, fixed]
        default: dynamic
      controller_type:
        description:
          - The controller the disk is attached to. Defaults to V(ide) on generation 1 and V(scsi) on generation 2.
        type: str
        choices: [ide, scsi]
      controller_number:
        description:
          - Controller number (IDE 0-1, SCSI 0-3; missing SCSI controllers are added). Defaults to V(0).
        type: int
      controller_location:
        description:
          - Slot on the controller (IDE 0-1, SCSI 0-63). Defaults to the first free slot.
        type: int
  dvd:
    description:
      - Absolute Windows path of an ISO file to insert in the VM's DVD drive, or an empty string to eject.
      - A DVD drive is added when the VM has none (this needs the VM off).
    type: str
  network_adapters:
    description:
      - The VM's network adapters, all of them; adapters not described are removed.
      - Each entry is matched to an existing adapter by name when the name is unique on both sides,
        the others by position.
      - Adding or removing an adapter, or changing its name or MAC address, needs the VM off; its switch and
        VLAN can change while the VM runs.
    type: list
    elements: dict
    suboptions:
      name:
        description: The adapter's name.
        type: str
        default: Network Adapter
      switch:
        description:
          - Name of the virtual switch to connect to. Not connected when omitted.
          - A switch that does not exist is an error; nothing is changed.
        type: str
      mac:
        description:
          - A static MAC address such as V(00:15:5D:01:02:03), or V(dynamic) (the default) for one from the
            host's pool.
        type: str
      vlan_id:
        description:
          - Access VLAN ID (1 to 4094); none when omitted. Not supported on Windows Server 2008 R2.
        type: int
  secure_boot:
    description:
      - Whether Secure Boot is on. Generation 2 VMs only. Changing it needs the VM off.
    type: bool
  boot_order:
    description:
      - Boot order. Changing it needs the VM off.
      - Generation 1 (BIOS) - the whole device order, each of V(floppy), V(cd), V(ide) (IDE hard disk) and
        V(net) (PXE) at most once, for example V([ide, cd, net, floppy]).
      - Generation 2 (UEFI) - the device kinds to boot from first, in order, among V(cd) (DVD drive),
        V(disk) (hard disk), V(net) (network adapter) and V(file) (a firmware boot entry such as Windows
        Boot Manager), for example V([net, disk]). Boot entries of kinds not listed keep their order after
        them, and entries of one kind keep their relative order. The VM's boot entries belong to its
        devices, so the order is applied after the disks, DVD drive and adapters of the same task. The
        diff shows the VM's whole order, as it follows from the entries the VM has before the task.
    type: list
    elements: str
    choices: [floppy, cd, ide, net, disk, file]
  automatic_start_action:
    description:
      - What the VM does when the host starts.
    type: str
    choices: [nothing, start_if_running, always_start]
  automatic_start_delay:
    description:
      - Seconds to wait before the automatic start.
    type: int
  automatic_stop_action:
    description:
      - What happens to the VM when the host shuts down.
    type: str
    choices: [turn_off, save, shutdown]
  force:
    description:
      - Allow the module to power-cycle the VM when a change needs it off (the VM is returned to its
        previous running state afterwards), to turn it off when a guest shutdown fails, to reset rather
        than reboot with O(state=restarted), and to turn off a running VM before removing it.
    type: bool
    default: false
  shutdown_timeout:
    description:
      - Seconds to wait for a guest shutdown to finish.
    type: int
    default: 300
  state_timeout:
    description:
      - Seconds to wait for the VM to leave a transitional state (starting, saving, stopping, ...) and for jobs.
    type: int
    default: 300
  wait_for_ip:
    description:
      - After the VM is running, wait until the guest reports an IP address through its integration services.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for an IP address with O(wait_for_ip=true).
    type: int
    default: 300
  remove_disks:
    description:
      - With O(state=absent), also delete the files of the disks listed in O(disks) that are attached
        to the VM. Disks not listed are never deleted.
    type: bool
    default: false
notes:
  - Check mode is supported; it reports what would change and changes nothing.
  - Diff mode shows the managed settings and the power state before and after.
  - A run that only checks the power state of an existing VM costs one WS-Management request on a
    Windows Server 2012 or later host; a no-op run with a full configuration costs at most four.
  - If creating a VM fails midway, what the run created (the VM and new disk files) is removed again.
seealso:
  - module: wsman.hyperv.hyperv_vm_info
"""

EXAMPLES = r"""
- name: Create a generation 2 VM with a new disk, on a switch, and start it
  wsman.hyperv.hyperv_vm:
    uri: hyperv://admin@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: web01
    state: started
    generation: 2
    cpu_count: 2
    memory_mb: 4096
    dynamic_memory:
      enabled: true
      minimum_mb: 1024
      maximum_mb: 8192
    disks:
      - path: 'D:\VMs\web01\os.vhdx'
        size_gb: 60
    dvd: 'D:\ISO\install.iso'
    network_adapters:
      - switch: LAN
        vlan_id: 20
    secure_boot: true
    automatic_start_action: start_if_running
    wait_for_ip: true
  delegate_to: localhost

- name: Add a CPU, restarting the VM if it runs
  wsman.hyperv.hyperv_vm:
    hostname: hv01.example.com
    username: admin
    password: "{{ hyperv_password }}"
    name: web01
    cpu_count: 4
    force: true
  delegate_to: localhost

- name: Shut the guest down cleanly, turning it off after 2 minutes if needed
  wsman.hyperv.hyperv_vm:
    uri: hyperv://admin@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: web01
    state: stopped
    shutdown_timeout: 120
    force: true
  delegate_to: localhost

- name: Remove a VM and delete its disk
  wsman.hyperv.hyperv_vm:
    uri: hyperv://admin@hv01.example.com/
    password: "{{ hyperv_password }}"
    uuid: 4EA7033C-356C-4EBA-9F77-1A3399CFCD72
    state: absent
    force: true
    remove_disks: true
    disks:
      - path: 'D:\VMs\web01\os.vhdx'
  delegate_to: localhost
"""

RETURN = r"""
vm:
  description:
    - The VM's facts after the run, in the shape of M(wsman.hyperv.hyperv_vm_info) (all keys always present).
    - Parts the run did not need to read are V(null) or empty (for example the configuration when only the
      power state was managed); C(ip_addresses) and C(guest) are filled with O(wait_for_ip=true).
    - Empty (V({})) after O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The display name.
      type: str
      sample: web01
    uuid:
      description: The VM GUID, upper-case.
      type: str
      sample: 4EA7033C-356C-4EBA-9F77-1A3399CFCD72
    state:
      description: running, off, saved, paused, or a transitional state.
      type: str
      sample: running
    state_code:
      description: C(EnabledState) as the host reported it.
      type: int
      sample: 2
    generation:
      description: 1 or 2.
      type: int
    cpu_count:
      description: Number of virtual processors.
      type: int
    memory_mb:
      description: Startup memory in MiB.
      type: int
    memory:
      description: Startup memory and dynamic memory settings.
      type: dict
    uptime_seconds:
      description: Seconds since the VM started.
      type: int
    notes:
      description: The VM notes.
      type: str
    disks:
      description: Attached hard disks (path, controller_type, controller_number, controller_location).
      type: list
      elements: dict
    dvd:
      description: DVD drives and the ISO in each.
      type: list
      elements: dict
    network_adapters:
      description: Network adapters (name, switch, mac_address, static_mac, vlan_id).
      type: list
      elements: dict
    ip_addresses:
      description: Guest IP addresses, IPv4 first.
      type: list
      elements: str
    guest:
      description: fqdn, os_name, os_version reported by the guest.
      type: dict
    checkpoints:
      description: Checkpoints (not read by this module; always empty here).
      type: list
      elements: dict
    automatic_start_action:
      description: nothing, start_if_running or always_start.
      type: str
    automatic_start_delay:
      description: Seconds.
      type: int
    automatic_stop_action:
      description: turn_off, save or shutdown.
      type: str
    secure_boot:
      description: Secure Boot on a generation 2 VM, else null.
      type: bool
    host:
      description: The Hyper-V host's computer name, when known.
      type: str
changes:
  description: The options whose value differed (and were changed, or would be in check mode).
  returned: always
  type: list
  elements: str
  sample: [cpu_count, network_adapters]
round_trips:
  description: Number of WS-Management requests the run sent.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import compare, power  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    uuid=dict(type="str"),
    state=dict(type="str", default="present",
               choices=["present", "absent", "started", "stopped", "shutdown", "poweredoff", "restarted",
                        "paused", "saved"]),
    generation=dict(type="int", choices=[1, 2]),
    cpu_count=dict(type="int"),
    memory_mb=dict(type="int"),
    dynamic_memory=dict(type="dict", options=dict(
        enabled=dict(type="bool"),
        minimum_mb=dict(type="int"),
        maximum_mb=dict(type="int"),
        buffer_percent=dict(type="int"),
    )),
    notes=dict(type="str"),
    disks=dict(type="list", elements="dict", options=dict(
        path=dict(type="str", required=True),
        size_gb=dict(type="int"),
        type=dict(type="str", default="dynamic", choices=["dynamic", "fixed"]),
        controller_type=dict(type="str", choices=["ide", "scsi"]),
        controller_number=dict(type="int"),
        controller_location=dict(type="int"),
    )),
    dvd=dict(type="str"),
    network_adapters=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", default="Network Adapter"),
        switch=dict(type="str"),
        mac=dict(type="str"),
        vlan_id=dict(type="int"),
    )),
    secure_boot=dict(type="bool"),
    boot_order=dict(type="list", elements="str", choices=["floppy", "cd", "ide", "net", "disk", "file"]),
    automatic_start_action=dict(type="str", choices=["nothing", "start_if_running", "always_start"]),
    automatic_start_delay=dict(type="int"),
    automatic_stop_action=dict(type="str", choices=["turn_off", "save", "shutdown"]),
    force=dict(type="bool", default=False),
    shutdown_timeout=dict(type="int", default=300),
    state_timeout=dict(type="int", default=300),
    wait_for_ip=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=300),
    remove_disks=dict(type="bool", default=False),
)


def run(hm):
    p = hm.params
    hm.require_positive_seconds("shutdown_timeout", "state_timeout", "wait_timeout")
    if p["name"] is not None and not 0 < len(p["name"]) <= 100:
        raise OptionError("name must be 1 to 100 characters long (got %d)" % len(p["name"]))
    want = compare.validate(p)  # host-independent checks, before any request
    vm = power.VmTask(hm.connection(), p, hm.check_mode)

    if not vm.find():
        if p["state"] == "absent":
            hm.exit(changed=False, vm={}, changes=[], diff=vm.diff())
        vm.require_creatable(want)
        vm.create()
    elif p["state"] == "absent":
        vm.remove()
        hm.exit(changed=True, vm={}, changes=vm.changes, diff=vm.diff())
    else:
        vm.configure()

    vm.set_power(power.TARGET[p["state"]], restart=p["state"] == "restarted",
                 guest_shutdown=p["state"] in ("stopped", "shutdown"))
    if p["wait_for_ip"]:
        vm.wait_for_ip()
    facts = vm.facts()
    for warning in vm.warnings:
        hm.warn(warning)
    hm.exit(changed=vm.changed, vm=facts, changes=vm.changes, diff=vm.diff())


def main():
    HypervModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        required_one_of=[("name", "uuid")],
    ).execute(run)


if __name__ == "__main__":
    main()
