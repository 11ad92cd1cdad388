#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperv_vm_keyboard
short_description: Type text, scan codes or Ctrl+Alt+Del into a Hyper-V virtual machine's console
version_added: 1.0.0
description:
  - Sends keyboard input to the console of a running Hyper-V virtual machine through its virtual
    keyboard device (C(Msvm_Keyboard)) over WS-Management, as if typed at the VM console.
  - Exactly one of O(text), O(scancodes) or O(ctrl_alt_del) is sent per task.
  - The virtual machine must be running; any other state is reported as an error and nothing is sent.
  - On Hyper-V 2008 R2 text is typed key by key with a US keyboard layout (that host has no
    C(TypeText) method), and O(scancodes) is not supported (an error says so).
author:
  - wsman.hyperv contributors (@wsman-hyperv)
extends_documentation_fragment:
  - wsman.hyperv.connection
options:
  name:
    description:
      - The name of the virtual machine.
      - If several virtual machines share the name, the module fails and asks for O(uuid).
      - One of O(name) or O(uuid) is required.
    type: str
  uuid:
    description:
      - The GUID of the virtual machine (C(Msvm_ComputerSystem.Name)), instead of or in addition to O(name).
    type: str
  text:
    description:
      - Text to type. Printable ASCII characters, newline (typed as Enter) and tab.
      - Any other character is refused before anything is sent.
    type: str
  scancodes:
    description:
      - Raw keyboard scan codes (integers from 0 to 255) sent in this order, for example
        V([0x1D, 0x38, 0x53, 0xD3, 0xB8, 0x9D]) for Ctrl+Alt+Del as make and break codes.
      - Not supported on Hyper-V 2008 R2.
    type: list
    elements: int
  ctrl_alt_del:
    description:
      - Send the Ctrl+Alt+Del key combination when V(true).
    type: bool
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: In check mode the virtual machine is looked up and its state checked, but no key is sent.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
notes:
  - Keyboard input is not idempotent; the module always reports RV(ignore:changed=true) when it sends input.
seealso:
  - module: wsman.hyperv.hyperv_vm
"""

EXAMPLES = r"""
- name: Log in on the console of a Linux guest
  wsman.hyperv.hyperv_vm_keyboard:
    hostname: hv01.example.com
    username: administrator
    password: "{{ hyperv_password }}"
    name: web01
    text: "root\n"
  delegate_to: localhost

- name: Send Ctrl+Alt+Del to a Windows guest
  wsman.hyperv.hyperv_vm_keyboard:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: win01
    ctrl_alt_del: true
  delegate_to: localhost

- name: Press Escape (scan code 0x01 make, 0x81 break)
  wsman.hyperv.hyperv_vm_keyboard:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: web01
    scancodes: [0x01, 0x81]
  delegate_to: localhost
"""

RETURN = r"""
vm:
  description: The virtual machine that received the input.
  returned: success
  type: dict
  contains:
    name:
      description: Name of the virtual machine.
      type: str
      sample: web01
    uuid:
      description: GUID of the virtual machine.
      type: str
      sample: 4EA7033C-356C-4EBA-9F77-1A3399CFCD72
action:
  description: What was sent.
  returned: success
  type: str
  sample: text
calls:
  description:
    - The number of keyboard method calls the input needed (one for a v2 host; on Hyper-V 2008 R2
      text takes one call per key). In check mode, the number that would have been made.
  returned: success
  type: int
  sample: 1
round_trips:
  description: The number of WS-Management requests the module sent.
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import keyboard, vms  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    uuid=dict(type="str"),
    text=dict(type="str"),
    scancodes=dict(type="list", elements="int"),
    ctrl_alt_del=dict(type="bool"),
)


def wanted_action(params):
    """(action, value) from the options, validated before anything is sent."""
    if params["text"] is not None:
        return "text", keyboard.validate_text(params["text"])
    if params["scancodes"] is not None:
        return "scancodes", keyboard.validate_scancodes(params["scancodes"])
    if params["ctrl_alt_del"]:
        return "ctrl_alt_del", True
    raise keyboard.KeyboardError("ctrl_alt_del is false and neither text nor scancodes is given: nothing to send")


def run(hm):

    action, value = wanted_action(hm.params)
    conn = hm.connection()
    vm = vms.find_existing(conn, name=hm.params["name"], uuid=hm.params["uuid"])
    vm_name, guid = vm.get("ElementName"), vm.get("Name")
    state = vms.state_name(conn, vm.get("EnabledState"))
    if state != "running":
        hm.fail("virtual machine %r is %s; keyboard input can only be sent to a running virtual machine"
                % (vm_name, state))
    calls = keyboard.plan_calls(action, value, conn.v1)
    result = dict(vm=dict(name=vm_name, uuid=guid), action=action, calls=len(calls))
    if not hm.check_mode:
        kb = keyboard.find_keyboard(conn, guid, vm_name)
        keyboard.send(conn, kb, calls, "sending %s to VM %r" % (action.replace("_", "-"), vm_name))
    hm.exit(changed=True, **result)


def main():
    HypervModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        required_one_of=[("name", "uuid"), ("text", "scancodes", "ctrl_alt_del")],
        mutually_exclusive=[("text", "scancodes", "ctrl_alt_del")],
    ).execute(run)


if __name__ == "__main__":
    main()
