"""root/cimv2 CIM_DataFile: the model filesystem (Host.files) as WMI shows it, and its Delete
method (reference 03-04 section on URI prefixes, captures/WinRb-WinRM/invoke_1.xml).

Instances are kept in step with Host.files lazily: every contract call on root/cimv2 first
syncs them (Host._sync_cimv2), so files created by the image service or removed by Delete show
up on the next request. WMI reports file paths in lower case (Name, Path, FileName, Extension).
"""

from __future__ import annotations

from ..personas import NS_CIMV2
from ..schema.types import norm_ns
from .registry import computed, method
from .states import ACTIVE

CLS = "CIM_DataFile"

# Return values of CIM_DataFile.Delete, as Microsoft documents them ("Delete method of the
# CIM_DataFile class", learn.microsoft.com/windows/win32/cimwin32prov/delete-method-in-class-cim-datafile):
# 0 Success, 2 Access denied, 8 Unspecified failure, 9 Invalid object, 10 Object already exists,
# 11 File system not NTFS, 12 Platform not Windows, 13 Drive not the same, 14 Directory not empty,
# 15 Sharing violation, 16 Invalid start file, 17 Privilege not held, 21 Invalid parameter.
# A path that does not exist never reaches the method: WMI cannot bind the object path and the
# request fails like a Get of a missing instance (a:DestinationUnreachable, reference 4).
SUCCESS = 0
ACCESS_DENIED = 2
SHARING_VIOLATION = 15

# files Windows itself protects (TrustedInstaller-owned): Delete answers Access denied
PROTECTED = ("c:\\windows\\", "c:\\program files\\")


def sync(host):
    """Make the CIM_DataFile instances match Host.files (add new paths, drop removed ones)."""
    if not host.schema.has_class(NS_CIMV2, CLS):
        return
    bucket = host._index.setdefault((norm_ns(NS_CIMV2), CLS.lower()), {})
    files = host.files
    for key in [k for k in bucket if k[0] not in files]:
        host.remove(bucket[key])
    for low, f in files.items():
        if (low,) not in bucket:
            host.add(NS_CIMV2, CLS, _values(host, f["path"], f.get("version")), {})


def _values(host, path, version=None):
    low = path.lower()
    drive, _sep, rest = low.partition(":")
    folder, _sep, leaf = rest.rpartition("\\")
    stem, dot, ext = leaf.rpartition(".")
    if not dot:
        stem, ext = leaf, ""
    when = host.epoch
    return {
        "Name": low,
        "Caption": low,
        "Description": low,
        "Drive": drive + ":",
        "Path": folder + "\\",
        "FileName": stem,
        "Extension": ext,
        "FileType": f"{ext.upper()} File" if ext else "File",
        "CreationClassName": "CIM_LogicalFile",
        "CSCreationClassName": "Win32_ComputerSystem",
        "CSName": host.computer_name,
        "FSCreationClassName": "Win32_FileSystem",
        "FSName": "NTFS",
        "AccessMask": 2032127,
        "Archive": True,
        "Compressed": False,
        "Encrypted": False,
        "Hidden": False,
        "System": False,
        "Readable": True,
        "Writeable": True,
        "Status": "OK",
        "CreationDate": when,
        "InstallDate": when,
        "LastAccessed": when,
        "LastModified": when,
        "Version": version or "",
    }


@computed(CLS)
def _size(inst, out):
    f = inst.host.files.get(str(inst.values.get("Name")).lower())
    out["FileSize"] = f.get("size") if f else None


def in_use(host, path) -> bool:
    """True when a VM whose worker runs (running, paused, transitional) has the file open: attached
    as a disk or DVD image, or as the parent of a differencing disk it uses."""
    from .vms import real_vm, vm_settings, vm_vssd

    low = path.lower()
    ns = host.persona.vm_namespace
    for cs in host.all_of(ns, "Msvm_ComputerSystem"):
        if cs.values.get("_state") not in ACTIVE or real_vm(cs) is not cs:
            continue
        vssd = vm_vssd(host, ns, cs.values["Name"])
        if vssd is None:
            continue
        for s in vm_settings(host, vssd):
            for used in (s.values.get("HostResource") or []) + (s.values.get("Connection") or []):
                if isinstance(used, str) and low in _chain(host, used.lower()):
                    return True
    return False


def _chain(host, low):
    seen = []
    while low and low not in seen:
        seen.append(low)
        f = host.files.get(low)
        low = (f.get("parent") or "").lower() if f else ""
    return seen


@method("CIM_LogicalFile", "Delete")
def _delete(host, ns, target, params):
    path = str(target.values.get("Name"))
    if path.lower() not in host.files:
        return 9, {}  # Invalid object: the file went away since the instance was read
    if path.lower().startswith(PROTECTED):
        return ACCESS_DENIED, {}
    if in_use(host, path):
        return SHARING_VIOLATION, {}
    del host.files[path.lower()]
    host.remove(target)
    return SUCCESS, {}
