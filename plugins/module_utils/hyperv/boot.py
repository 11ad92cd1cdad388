# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Boot order of generation 2 VMs: ``Msvm_VirtualSystemSettingData.BootSourceOrder``.

Generation 1 VMs keep a list of device classes (``BootOrder`` uint16[], settings.py). A generation 2
VM keeps ``BootSourceOrder``: WMI object paths of its ``Msvm_BootSourceSettingData`` objects, one per
bootable device plus firmware file entries such as "Windows Boot Manager" [doc Microsoft, 2012 R2+].
A boot source's InstanceID is its device's InstanceID followed by ``\\B`` (drive RASD
``Microsoft:<VM>\\<ctrl>\\0\\<loc>\\D`` -> ``…\\D\\B``, synthetic NIC ``Microsoft:<VM>\\<port>`` ->
``…\\<port>\\B``) [code: a third-party Go WS-Man client, checked by its authors on a real host], so
each entry is classified with the VM's devices, which the module reads anyway: no extra request.
The order is changed by ModifySystemSettings with the same path strings in a new order [code os-win
``_set_boot_order_gen2``].

Kinds: ``cd`` (DVD drive), ``disk`` (hard disk drive), ``net`` (network adapter), ``file`` (a boot
entry with no device of the VM: a firmware file such as Windows Boot Manager).
"""

from __future__ import annotations

import re

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError

KINDS = ("cd", "disk", "net", "file")
_IID_RE = re.compile(r'InstanceID\s*=\s*"((?:[^"\\]|\\.)*)"', re.IGNORECASE)
_SUFFIX = "\\b"


def instance_id_of(path):
    """InstanceID in a BSSD object path. Paths WMI renders double each backslash inside the quoted value
    (reference 3.5); a path with single backslashes is read as written."""
    match = _IID_RE.search(path or "")
    if not match:
        return None
    raw = match.group(1)
    if "\\\\" in raw or '\\"' in raw:
        return re.sub(r"\\(.)", r"\1", raw)
    return raw


def _device_kinds(dev):
    """{device InstanceID (lower-case): kind} for the VM's drives and network adapters."""
    kinds = {}
    if dev is None:
        return kinds
    for drive in dev.drives:
        iid = (drive["drive"].get("InstanceID") or "").lower()
        kinds[iid] = "cd" if drive["kind"] == "dvd" else "disk"
    for nic in dev.nics:
        kinds[(nic["sepsd"].get("InstanceID") or "").lower()] = "net"
    for other in dev.others:
        # e.g. a pass-through disk drive (ResourceType 17 with another subtype)
        if str(other.get("ResourceType")) == "17":
            kinds[(other.get("InstanceID") or "").lower()] = "disk"
    return kinds


def sources(vssd, dev):
    """The VM's boot sources in boot order: [(kind, path as the host wrote it)]."""
    order = vssd.get("BootSourceOrder") if vssd is not None else None
    if order is None:
        return []
    if not isinstance(order, (list, tuple)):
        order = [order]
    kinds = _device_kinds(dev)
    out = []
    for path in order:
        if not path:
            continue
        iid = (instance_id_of(path) or "").lower()
        device = iid[: -len(_SUFFIX)] if iid.endswith(_SUFFIX) else iid
        out.append((kinds.get(device, "file"), path))
    return out


def validate(order):
    """The boot_order option of a generation 2 VM: distinct kinds among KINDS."""
    bad = [kind for kind in order if kind not in KINDS]
    if bad:
        raise OptionError(
            "boot_order: generation 2 VMs boot from %s; %s %s not one of them (floppy and ide are generation 1 "
            "devices)" % (", ".join(KINDS), ", ".join(bad), "is" if len(bad) == 1 else "are")
        )
    if len(set(order)) != len(order):
        raise OptionError("boot_order must list each device kind once (got %s)" % ", ".join(order))
    return list(order)


def reorder(current, wanted):
    """``current`` [(kind, path)] rearranged so the kinds in ``wanted`` come first, in that order; each
    kind keeps the relative order of its entries, and kinds not listed follow in their current order."""
    rank = {kind: index for index, kind in enumerate(wanted)}
    indexed = list(enumerate(current))
    indexed.sort(key=lambda item: (rank.get(item[1][0], len(rank)), item[0]))
    return [entry for _index, entry in indexed]


def kinds(entries):
    return [kind for kind, _path in entries]
