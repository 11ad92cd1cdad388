#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperv_checkpoint
short_description: Create, remove and apply checkpoints (snapshots) of Hyper-V virtual machines
version_added: 1.0.0
description:
  - Manages the checkpoints of one Hyper-V virtual machine by name over WS-Management.
  - V(present) takes a checkpoint and gives it the name O(checkpoint) unless one with that name exists.
  - V(absent) removes the named checkpoint (its children move up to its parent), or with O(subtree=true)
    the checkpoint and every checkpoint below it. Nothing happens if it does not exist.
  - V(applied) reverts the virtual machine to the named checkpoint. The virtual machine must not be
    running (turn it off or save it first).
  - Checkpoints are identified by name; if several checkpoints of the virtual machine have the same
    name the module fails instead of guessing.
  - Works on Hyper-V 2008 R2 (where checkpoints are called snapshots) and later.
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
      - The GUID of the virtual machine, instead of O(name).
    type: str
  checkpoint:
    description:
      - The name of the checkpoint, 1 to 100 characters.
    type: str
    required: true
  state:
    description:
      - V(present) creates the checkpoint if no checkpoint of this name exists.
      - V(absent) removes it if it exists.
      - V(applied) reverts the virtual machine to it; the checkpoint must exist.
    type: str
    choices: [present, absent, applied]
    default: present
  subtree:
    description:
      - With O(state=absent), also remove every checkpoint below the named one.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait for Hyper-V to finish creating, removing or applying the checkpoint.
    type: int
    default: 600
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The diff lists the checkpoint names of the virtual machine before and after.
notes:
  - O(state=applied) cannot tell whether the virtual machine changed since the checkpoint was last
    applied, so it reverts every time it runs and always reports a change.
seealso:
  - module: wsman.hyperv.hyperv_vm_info
    description: Lists the checkpoints of every virtual machine.
"""

EXAMPLES = r"""
- name: Take a checkpoint before patching
  wsman.hyperv.hyperv_checkpoint:
    hostname: hv01.example.com
    username: administrator
    password: "{{ hyperv_password }}"
    name: web01
    checkpoint: before-patching
  delegate_to: localhost

- name: Revert to it (the VM must be off or saved)
  wsman.hyperv.hyperv_checkpoint:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: web01
    checkpoint: before-patching
    state: applied
  delegate_to: localhost

- name: Remove it and every checkpoint taken after it
  wsman.hyperv.hyperv_checkpoint:
    uri: hyperv://administrator@hv01.example.com/
    password: "{{ hyperv_password }}"
    name: web01
    checkpoint: before-patching
    state: absent
    subtree: true
  delegate_to: localhost
"""

RETURN = r"""
checkpoint:
  description: The named checkpoint after the task; null once removed (or, in check mode, when it would be created).
  returned: success
  type: dict
  contains:
    name:
      description: Checkpoint name.
      type: str
      sample: before-patching
    id:
      description: The checkpoint's settings InstanceID.
      type: str
      sample: Microsoft:8F4B1D2C-0E5A-4C4E-9E3B-2B7D9C1A5E60
    created:
      description: Creation time (ISO 8601).
      type: str
      sample: "2026-01-05T10:11:12+00:00"
    parent_id:
      description: The id of the parent checkpoint, null for a first-level checkpoint.
      type: str
      sample: null
checkpoints:
  description: Every checkpoint of the virtual machine after the task, parents before children.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "before-patching", "id": "Microsoft:8F4B1D2C-0E5A-4C4E-9E3B-2B7D9C1A5E60",
            "created": "2026-01-05T10:11:12+00:00", "parent_id": null}]
removed:
  description: Names of the checkpoints removed (or, in check mode, that would be removed).
  returned: success
  type: list
  elements: str
  sample: ["before-patching", "after-patching"]
vm:
  description: The virtual machine.
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
round_trips:
  description: The number of WS-Management requests the module sent.
  returned: always
  type: int
  sample: 4
"""

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import checkpoints, vms  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.module import HypervModule  # noqa: E402

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    uuid=dict(type="str"),
    checkpoint=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent", "applied"]),
    subtree=dict(type="bool", default=False),
    timeout=dict(type="int", default=600),
)


def run(hm):

    p = hm.params
    name = checkpoints.validate_name(p["checkpoint"])
    hm.require_positive_seconds("timeout")
    if p["subtree"] and p["state"] != "absent":
        hm.fail("subtree only applies to state=absent")
    conn = hm.connection()
    vm = vms.find_existing(conn, name=p["name"], uuid=p["uuid"])
    vm_name, guid = vm.get("ElementName"), vm.get("Name")
    current, _current_id = checkpoints.list_for_vm(conn, guid)
    found = checkpoints.find_by_name(current, name, vm_name)
    before = [cp["name"] for cp in current]
    after = list(before)
    changed = False
    removed = []

    if p["state"] == "present" and found is None:
        changed = True
        after = before + [name]
        if not hm.check_mode:
            checkpoints.create(conn, guid, vm_name, name, {cp["id"] for cp in current}, timeout=p["timeout"])
    elif p["state"] == "absent" and found is not None:
        changed = True
        gone = checkpoints.subtree(current, found["id"]) if p["subtree"] else [found]
        removed = [cp["name"] for cp in gone]
        gone_ids = {cp["id"] for cp in gone}
        after = [cp["name"] for cp in current if cp["id"] not in gone_ids]
        if not hm.check_mode:
            checkpoints.remove(conn, found, vm_name, subtree=p["subtree"], timeout=p["timeout"])
    elif p["state"] == "applied":
        if found is None:
            hm.fail("virtual machine %r has no checkpoint named %r (it has: %s)"
                    % (vm_name, name, ", ".join(repr(n) for n in before) or "none"))
        state = vms.state_name(conn, vm.get("EnabledState"))
        if state not in ("off", "saved"):
            hm.fail("virtual machine %r is %s; turn it off or save it before applying checkpoint %r"
                    % (vm_name, state, name))
        changed = True
        if not hm.check_mode:
            checkpoints.apply(conn, guid, vm_name, found, timeout=p["timeout"])

    if changed and not hm.check_mode and p["state"] != "applied":
        current, _current_id = checkpoints.list_for_vm(conn, guid)
        after = [cp["name"] for cp in current]
    result_cp = None
    if p["state"] != "absent":
        result_cp = checkpoints.find_by_name(current, name, vm_name)
        if result_cp is None and not hm.check_mode:
            hm.fail("checkpoint %r of virtual machine %r was taken, but Hyper-V does not list it under that name "
                    "(checkpoints now: %s)" % (name, vm_name, ", ".join(repr(n) for n in after) or "none"))
    hm.exit(
        changed=changed,
        diff=dict(before={"checkpoints": before}, after={"checkpoints": after}),
        checkpoint=result_cp,
        checkpoints=current,
        removed=removed,
        vm=dict(name=vm_name, uuid=guid),
    )


def main():
    HypervModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        required_one_of=[("name", "uuid")],
    ).execute(run)


if __name__ == "__main__":
    main()
