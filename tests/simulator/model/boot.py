"""Generation 2 boot sources: Msvm_BootSourceSettingData and VSSD.BootSourceOrder.

Evidence (tags kept as in the reference):

* [doc Microsoft] `Msvm_BootSourceSettingData : CIM_SettingData` (root\\virtualization\\v2, 2012 R2+):
  BootSourceType 0 Unknown, 1 Drive, 2 Network, 3 File; `Msvm_BootSourceComponent` (GroupComponent the
  VSSD, PartComponent the boot source); `VSSD.BootSourceOrder` string[] = WMI object paths of the
  VM's boot sources in boot order. Generation 1 VMs have none (they use `BootOrder`); v1 has none.
* [code os-win vmutils `_set_boot_order_gen2` / `_drive_to_boot_source`] `Msvm_LogicalIdentity`
  links a drive's RASD (SystemElement; for a disk / DVD the drive is the Parent of the media SASD)
  to its boot source (SameElement); the order is changed by ModifySystemSettings with the same
  paths in a new order; entries compared upper-cased (hosts write `root`, clients may send `ROOT`).
* [code third-party Go client, confirmed by its authors on a real gen 2 VM] a boot source's
  InstanceID is its device's InstanceID + `\\B`; BootSourceDescription "EFI SCSI Device" (drives, 1),
  "EFI Network" (NICs, 2), "Windows Boot Manager" (File, 3; no device; VMs with an installed Windows).
* [inf] everything else: FirmwareDevicePath text, Caption/Description, the InstanceID of file
  entries, the distribution entries of Linux guests, new sources appended at the end, removed sources
  dropped, the 32773 rules of `resolve_order` (see ../README.md "Generation 2 boot sources").
"""

from __future__ import annotations

import uuid

from ..personas import NS_V2
from ..schema.types import norm_ns
from .paths import parse_path
from .registry import computed

BSSD = "Msvm_BootSourceSettingData"
COMPONENT = "Msvm_BootSourceComponent"
IDENTITY = "Msvm_LogicalIdentity"
REALIZED = "Microsoft:Hyper-V:System:Realized"
# [inf] vendor GUID of VMBus devices in the firmware device paths
VMBUS_VENDOR = "9B17E5A2-0891-42DD-B653-80B5C22809BA"
DRIVE_KINDS = ("disk_drive", "dvd_drive")
# guest OS name (start, lower case) -> (BootSourceDescription, loader path); Windows [code Go client],
# the Linux shim entries [inf]
OS_LOADERS = (
    ("windows", "Windows Boot Manager", "\\EFI\\Microsoft\\Boot\\bootmgfw.efi"),
    ("ubuntu", "ubuntu", "\\EFI\\ubuntu\\shimx64.efi"),
    ("red hat", "Red Hat Enterprise Linux", "\\EFI\\redhat\\shimx64.efi"),
)


def supported(host, vssd) -> bool:
    """Boot sources exist for generation 2 configurations on 2012 R2+ (v2 namespace only)."""
    return (
        vssd is not None
        and vssd.values.get("_gen") == 2
        and norm_ns(vssd.namespace) == norm_ns(NS_V2)
        and host.schema.has_class(vssd.namespace, BSSD)
    )


def sources(host, vssd) -> list:
    """The boot sources of a configuration in BootSourceOrder order (then any not listed)."""
    linked = host.linked(vssd, COMPONENT, BSSD)
    by_id = {s.values["InstanceID"].lower(): s for s in linked}
    out = []
    for iid in order_ids(vssd):
        s = by_id.pop(iid, None)
        if s is not None:
            out.append(s)
    return out + list(by_id.values())


def order_ids(vssd) -> list:
    """Lower-case InstanceIDs of the stored BootSourceOrder entries."""
    out = []
    for path in vssd.values.get("BootSourceOrder") or []:
        iid = _iid_of(path)
        if iid is not None:
            out.append(iid.lower())
    return out


def _iid_of(path):
    try:
        _server, _ns, _cls, keys = parse_path(path)
    except (ValueError, IndexError):
        return None
    for k, v in keys.items():
        if k.lower() == "instanceid":
            return v
    return None


def _add(host, vssd, iid, vals, device=None, first=False):
    bssd = host.add(vssd.namespace, BSSD, dict(vals, InstanceID=iid))
    host.link(COMPONENT, "GroupComponent", vssd, "PartComponent", bssd)
    if device is not None:
        host.link(IDENTITY, "SystemElement", device, "SameElement", bssd)
    order = list(vssd.values.get("BootSourceOrder") or [])
    if first:
        order.insert(0, bssd.path())
    else:
        order.append(bssd.path())
    vssd.values["BootSourceOrder"] = order
    return bssd


def _nic_path(port_guid, mac):
    return f"\\AcpiEx(VMBus,0,0)\\VenHw({VMBUS_VENDOR},{port_guid.replace('-', '').upper()})\\MAC({mac or '000000000000'},0)"


def device_added(host, vssd, setting):
    """A drive or synthetic NIC was added to a configuration: append its boot source [inf]."""
    kind = setting.values.get("_kind")
    if kind not in DRIVE_KINDS + ("nic",) or not supported(host, vssd):
        return None
    if vssd.values.get("VirtualSystemType") != REALIZED:
        return None
    iid = setting.values["InstanceID"] + "\\B"
    if kind == "nic":
        vals = {
            "BootSourceType": 2,
            "BootSourceDescription": "EFI Network",
            "FirmwareDevicePath": _nic_path(setting.values.get("_rest", ""), setting.values.get("Address")),
        }
    else:
        rest = setting.values.get("_rest", "")  # <controller GUID>\0\<location>\D
        parts = rest.split("\\")
        ctrl, loc = parts[0], parts[2] if len(parts) > 2 else "0"
        vals = {
            "BootSourceType": 1,
            "BootSourceDescription": "EFI SCSI Device",
            "FirmwareDevicePath": f"\\AcpiEx(VMBus,0,0)\\VenHw({VMBUS_VENDOR},{ctrl.replace('-', '').upper()})"
            f"\\Scsi(0,{loc})",
        }
    vals["ElementName"] = vals["BootSourceDescription"]
    return _add(host, vssd, iid, vals, device=setting)


def add_os_loader(host, vssd, os_name):
    """The firmware file entry an installed OS leaves first in the boot order (Windows Boot Manager)."""
    if not supported(host, vssd) or not os_name:
        return None
    low = os_name.lower()
    hit = next((x for x in OS_LOADERS if low.startswith(x[0])), None)
    if hit is None:
        return None
    _prefix, desc, loader = hit
    owner = vssd.values["InstanceID"].split(":", 1)[1]
    # [inf] InstanceID of a file entry: Microsoft:<VM>\<GUID>\B, the GUID derived from the VM (no rng draw,
    # so the populated host stays the same otherwise)
    entry = str(uuid.uuid5(uuid.NAMESPACE_URL, f"hyperv-sim-boot:{owner.lower()}:{desc}")).upper()
    part = str(uuid.uuid5(uuid.NAMESPACE_URL, f"hyperv-sim-esp:{owner.lower()}")).upper()
    vals = {
        "BootSourceType": 3,
        "BootSourceDescription": desc,
        "ElementName": desc,
        "FirmwareDevicePath": f"\\HD(1,GPT,{part},0x800,0x32000){loader}",
    }
    return _add(host, vssd, f"Microsoft:{owner}\\{entry}\\B", vals, first=True)


def _drop(host, bssd):
    for vssd in host.linked(bssd, COMPONENT):
        low = bssd.values["InstanceID"].lower()
        kept = [p for p in vssd.values.get("BootSourceOrder") or [] if (_iid_of(p) or "").lower() != low]
        vssd.values["BootSourceOrder"] = kept
    host.remove(bssd)


def device_removed(host, setting):
    """A drive / NIC leaves its configuration: its boot source goes, and leaves BootSourceOrder [inf]."""
    for bssd in host.linked(setting, IDENTITY, BSSD):
        _drop(host, bssd)


def remove_all(host, vssd):
    for bssd in host.linked(vssd, COMPONENT, BSSD):
        host.remove(bssd)
    if vssd.values.get("BootSourceOrder"):
        vssd.values["BootSourceOrder"] = []


def copy_sources(host, src_vssd, dst_vssd, src_owner, dst_owner, setting_map):
    """Checkpoint create / apply: the destination gets copies of the source's boot sources (InstanceIDs
    re-owned like the device settings) and the source's order of that moment. setting_map: id(source
    device setting) -> its copy."""
    remove_all(host, dst_vssd)
    if not supported(host, src_vssd):
        return
    old, new = f"Microsoft:{src_owner}", f"Microsoft:{dst_owner}"
    order, listed = [], set(order_ids(src_vssd))
    for s in sources(host, src_vssd):
        vals = {k: v for k, v in s.values.items() if k != "InstanceID"}
        iid = s.values["InstanceID"].replace(old, new, 1)
        copy = host.add(dst_vssd.namespace, BSSD, dict(vals, InstanceID=iid), s.defaults)
        host.link(COMPONENT, "GroupComponent", dst_vssd, "PartComponent", copy)
        for dev in host.linked(s, IDENTITY):
            twin = setting_map.get(id(dev))
            if twin is not None:
                host.link(IDENTITY, "SystemElement", twin, "SameElement", copy)
        if s.values["InstanceID"].lower() in listed:
            order.append(copy.path())
    dst_vssd.values["BootSourceOrder"] = order


class BadOrder(ValueError):
    pass


def resolve_order(host, vssd, value) -> list:
    """A BootSourceOrder sent by a client -> the boot sources in that order; BadOrder unless it is a
    permutation of the configuration's boot sources [inf]. Each entry is a WMI object path of a
    Msvm_BootSourceSettingData, in any case, with or without `\\\\HOST\\namespace:`, the quoted
    InstanceID with doubled or single backslashes."""
    if not isinstance(value, list):
        value = [value]
    current = {s.values["InstanceID"].lower(): s for s in host.linked(vssd, COMPONENT, BSSD)}
    out, seen = [], set()
    for entry in value:
        if not isinstance(entry, str):
            raise BadOrder(f"The boot source {entry!r} is not an object path.")
        try:
            _server, ns, cls, keys = parse_path(entry)
        except (ValueError, IndexError):
            raise BadOrder(f"The boot source {entry!r} is not an object path.") from None
        if cls.lower() != BSSD.lower() or (ns is not None and norm_ns(ns) != norm_ns(vssd.namespace)):
            raise BadOrder(f"{entry!r} is not a boot source of this virtual machine.")
        if len(keys) != 1 or next(iter(keys)).lower() != "instanceid":
            raise BadOrder(f"{entry!r} does not name a boot source by InstanceID.")
        iid = next(iter(keys.values())).lower()
        if iid not in current:
            raise BadOrder(f"{entry!r} is not a boot source of this virtual machine.")
        if iid in seen:
            raise BadOrder(f"The boot source {entry!r} is listed twice.")
        seen.add(iid)
        out.append(current[iid])
    if len(out) != len(current):
        raise BadOrder("BootSourceOrder must list every boot source of the virtual machine.")
    return out


@computed(BSSD)
def _bssd_props(bssd, out):
    """A network boot source shows the adapter's current MAC address in its device path [inf]."""
    if bssd.values.get("BootSourceType") != 2:
        return
    for dev in bssd.host.linked(bssd, IDENTITY):
        out["FirmwareDevicePath"] = _nic_path(dev.values.get("_rest", ""), dev.raw("Address"))
