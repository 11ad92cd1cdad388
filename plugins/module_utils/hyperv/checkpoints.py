# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VM checkpoints (snapshots): list, create + name, remove one or a subtree, apply.

v2 (reference 5.11): checkpoint = Msvm_VirtualSystemSettingData with VirtualSystemType
``Microsoft:Hyper-V:Snapshot:Realized``; methods on Msvm_VirtualSystemSnapshotService.
v1 (2008 R2, reference 5b.3/5b.4): VSSD with SettingType 5; methods on the
Msvm_VirtualSystemManagementService (CreateVirtualSystemSnapshot, ...).
A new checkpoint cannot be named at creation (9.4 J12): it is renamed right after with
ModifySystemSettings (v2) / ModifyVirtualSystem (v1).
"""

from __future__ import annotations

import datetime
import re

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError

VSSD = "Msvm_VirtualSystemSettingData"
SNAPSHOT_TYPE_V2 = "Microsoft:Hyper-V:Snapshot:Realized"
REALIZED_TYPE_V2 = "Microsoft:Hyper-V:System:Realized"
SETTING_TYPE_SNAPSHOT_V1 = 5
SETTING_TYPE_CURRENT_V1 = 3

_PATH_KEY = re.compile(r'(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*"(?P<value>(?:[^"\\]|\\.)*)"')


class CheckpointError(HypervError):
    """A checkpoint request that cannot be carried out (ambiguous name, VM state, ...)."""


def path_keys(path):
    """Keys of a WMI object path (``\\\\HOST\\ns:Class.Key="v",...``) as a dict, backslashes undoubled."""
    if not path:
        return {}
    text = str(path)
    # skip the \\HOST\namespace: prefix and the class name
    colon = text.find(":", 2) if text.startswith("\\\\") else -1
    if colon >= 0:
        text = text[colon + 1:]
    dot = text.find(".")
    if dot >= 0:
        text = text[dot + 1:]
    keys = {}
    for match in _PATH_KEY.finditer(text):
        keys[match.group("key")] = re.sub(r"\\(.)", r"\1", match.group("value"))
    return keys


def path_instance_id(path):
    """The InstanceID named by a setting-data object path, or None."""
    keys = path_keys(path)
    for key, value in keys.items():
        if key.lower() == "instanceid":
            return value
    return None


def _iso(value):
    if isinstance(value, datetime.datetime):
        if value.year <= 1601:
            return None
        return value.isoformat()
    return value or None


def checkpoint_from_instance(inst):
    """One checkpoint dict (the shape of vm-facts.md ``checkpoints`` items) from a VSSD instance."""
    return {
        "name": inst.get("ElementName"),
        "id": inst.get("InstanceID"),
        "created": _iso(inst.get("CreationTime")),
        "parent_id": path_instance_id(inst.get("Parent")),
    }


def is_checkpoint(inst, v1):
    """True when a VSSD instance is a (realized) checkpoint and not the VM's own settings."""
    if v1:
        return inst.get("SettingType") in (SETTING_TYPE_SNAPSHOT_V1, str(SETTING_TYPE_SNAPSHOT_V1))
    return inst.get("VirtualSystemType") == SNAPSHOT_TYPE_V2


def order_tree(checkpoints):
    """Checkpoints in tree order: parents before children, siblings by creation time then name."""
    by_id = {cp["id"]: cp for cp in checkpoints}
    children = {}
    roots = []
    for cp in checkpoints:
        parent = cp.get("parent_id")
        if parent and parent in by_id and parent != cp["id"]:
            children.setdefault(parent, []).append(cp)
        else:
            roots.append(cp)

    def key(cp):
        return (cp.get("created") or "", cp.get("name") or "", cp["id"] or "")

    ordered = []
    seen = set()
    stack = sorted(roots, key=key, reverse=True)
    while stack:
        cp = stack.pop()
        if cp["id"] in seen:
            continue
        seen.add(cp["id"])
        ordered.append(cp)
        stack.extend(sorted(children.get(cp["id"], []), key=key, reverse=True))
    # anything left is part of a parent cycle (should not happen): keep it, never lose data
    ordered.extend(cp for cp in checkpoints if cp["id"] not in seen)
    return ordered


def find_by_name(checkpoints, name, vm_name=None):
    """The one checkpoint called ``name`` (case-sensitive, as Hyper-V shows it), or None.

    Raises CheckpointError when several checkpoints share the name: the module is idempotent by
    name, so it refuses to guess.
    """
    matches = [cp for cp in checkpoints if cp.get("name") == name]
    if len(matches) > 1:
        raise CheckpointError(
            "VM %r has %d checkpoints named %r (ids: %s); rename or remove the duplicates first"
            % (vm_name, len(matches), name, ", ".join(cp["id"] for cp in matches))
        )
    return matches[0] if matches else None


def subtree(checkpoints, root_id):
    """The checkpoint ``root_id`` and all its descendants, in tree order."""
    children = {}
    for cp in checkpoints:
        if cp.get("parent_id"):
            children.setdefault(cp["parent_id"], []).append(cp)
    by_id = {cp["id"]: cp for cp in checkpoints}
    if root_id not in by_id:
        return []
    result = []
    stack = [by_id[root_id]]
    seen = set()
    while stack:
        cp = stack.pop()
        if cp["id"] in seen:
            continue
        seen.add(cp["id"])
        result.append(cp)
        stack.extend(reversed(children.get(cp["id"], [])))
    return result


def validate_name(name):
    """Checkpoint names: 1-100 characters (VSSD ElementName limit), no control characters."""
    if name is None or not str(name).strip():
        raise CheckpointError("name must be a non-empty checkpoint name")
    if len(name) > 100:
        raise CheckpointError(
            "checkpoint name %r is %d characters long; Hyper-V allows at most 100" % (name, len(name))
        )
    if any(ord(c) < 32 for c in name):
        raise CheckpointError("checkpoint name %r contains a control character" % (name,))
    return name


# ---- requests ------------------------------------------------------------------------------
SNAPSHOT_SERVICE = "Msvm_VirtualSystemSnapshotService"
SNAPSHOT_TYPE_FULL = 2


def _settings_query(conn, guid):
    # every settings object of the VM in one request: its own (realized / current) settings and
    # its checkpoints; split client-side (reference 11.1)
    if conn.v1:
        where = cim.wql_eq("SystemName", guid)
    else:
        where = cim.wql_eq("VirtualSystemIdentifier", guid)
    return conn.query(cim.wql_select(VSSD, where))


def list_for_vm(conn, guid):
    """(checkpoints in tree order, id of the checkpoint the VM's current state derives from)."""
    checkpoints = []
    current = None
    for inst in _settings_query(conn, guid):
        if is_checkpoint(inst, conn.v1):
            checkpoints.append(checkpoint_from_instance(inst))
        elif _is_own_settings(inst, conn.v1):
            current = path_instance_id(inst.get("Parent"))
    return order_tree(checkpoints), current


def _is_own_settings(inst, v1):
    if v1:
        return inst.get("SettingType") in (SETTING_TYPE_CURRENT_V1, str(SETTING_TYPE_CURRENT_V1))
    return inst.get("VirtualSystemType") == REALIZED_TYPE_V2


def _checkpoint_ref(conn, checkpoint_id):
    return conn.setting_ref(VSSD, checkpoint_id)


def create(conn, vm_guid, vm_name, name, known_ids, timeout=None):
    """Take a checkpoint of the VM and name it; returns the new checkpoint's id."""
    what = "creating checkpoint %r of VM %r" % (name, vm_name)
    vm = conn.vm_ref(vm_guid)
    if conn.v1:
        result = conn.vsms("CreateVirtualSystemSnapshot", {"SourceSystem": vm}, timeout=timeout, what=what)
        ref = result.get("SnapshotSettingData")
    else:
        result = conn.run_method(conn.service_ref(SNAPSHOT_SERVICE), "CreateSnapshot",
                                 {"AffectedSystem": vm, "SnapshotType": SNAPSHOT_TYPE_FULL},
                                 timeout=timeout, what=what)
        ref = result.get("ResultingSnapshot")
    new_id = None
    if isinstance(ref, cim.Reference):
        new_id = next((v for k, v in ref.selectors.items() if k.lower() == "instanceid"), None)
    if not new_id:
        # ResultingSnapshot may be empty when the method ran as a job (9.4 J12): the new
        # checkpoint is the one that was not there before
        fresh = [cp for cp in list_for_vm(conn, vm_guid)[0] if cp["id"] not in known_ids]
        if len(fresh) != 1:
            raise CheckpointError(
                "the checkpoint of VM %r was taken but could not be identified to name it %r" % (vm_name, name)
            )
        new_id = fresh[0]["id"]
    try:
        rename(conn, vm_guid, new_id, name, timeout=timeout)
    except HypervError as exc:
        # an unnamed checkpoint would make the next run take another one: take it back
        try:
            remove(conn, {"id": new_id, "name": new_id}, vm_name, timeout=timeout)
            undone = "it was removed again"
        except HypervError as exc2:
            undone = "removing it again failed too (%s); remove checkpoint %s by hand" % (exc2, new_id)
        raise CheckpointError(
            "a checkpoint of VM %r was taken but could not be named %r (%s); %s" % (vm_name, name, exc, undone)
        ) from exc
    return new_id


def rename(conn, vm_guid, checkpoint_id, name, timeout=None):
    settings = cim.EmbeddedInstance(VSSD, {"InstanceID": checkpoint_id, "ElementName": name},
                                    {"InstanceID": "string", "ElementName": "string"})
    what = "naming checkpoint %s %r" % (checkpoint_id, name)
    if conn.v1:
        conn.vsms("ModifyVirtualSystem", {"ComputerSystem": conn.vm_ref(vm_guid), "SystemSettingData": settings},
                  timeout=timeout, what=what)
    else:
        conn.vsms("ModifySystemSettings", {"SystemSettings": settings}, timeout=timeout, what=what)


def remove(conn, checkpoint, vm_name, subtree=False, timeout=None):
    """Remove one checkpoint (its children move up to its parent) or the checkpoint and its subtree."""
    ref = _checkpoint_ref(conn, checkpoint["id"])
    what = "removing checkpoint %r%s of VM %r" % (checkpoint["name"], " and its subtree" if subtree else "", vm_name)
    if conn.v1:
        method = "RemoveVirtualSystemSnapshotTree" if subtree else "RemoveVirtualSystemSnapshot"
        conn.vsms(method, {"SnapshotSettingData": ref}, timeout=timeout, what=what)
    elif subtree:
        conn.run_method(conn.service_ref(SNAPSHOT_SERVICE), "DestroySnapshotTree", {"SnapshotSettingData": ref},
                        timeout=timeout, what=what)
    else:
        conn.run_method(conn.service_ref(SNAPSHOT_SERVICE), "DestroySnapshot", {"AffectedSnapshot": ref},
                        timeout=timeout, what=what)


def apply(conn, vm_guid, vm_name, checkpoint, timeout=None):
    """Revert the VM to the checkpoint (the VM must not be running)."""
    ref = _checkpoint_ref(conn, checkpoint["id"])
    what = "applying checkpoint %r to VM %r" % (checkpoint["name"], vm_name)
    if conn.v1:
        conn.vsms("ApplyVirtualSystemSnapshot", {"ComputerSystem": conn.vm_ref(vm_guid), "SnapshotSettingData": ref},
                  timeout=timeout, what=what)
    else:
        conn.run_method(conn.service_ref(SNAPSHOT_SERVICE), "ApplySnapshot", {"Snapshot": ref},
                        timeout=timeout, what=what)
