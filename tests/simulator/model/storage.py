"""Msvm_ImageManagementService (reference 5.9; v1 methods of 5b.8): a model "filesystem" of
known VHD/ISO paths (Host.files); jobs are Msvm_StorageJob."""

from __future__ import annotations

import re

from ..values import EmbeddedInstance
from .convert import BadValue, embedded_values
from .jobs import start_job
from .registry import event, method

IMS = "Msvm_ImageManagementService"
WIN_PATH = re.compile(r"^[A-Za-z]:\\(?:[^\\/:*?\"<>|\r\n]+\\)*[^\\/:*?\"<>|\r\n]+$")
EXT_FORMAT = {".vhd": 2, ".vhdx": 3, ".vhds": 4}


def _fail(host, ns, code, text, job_type=90):
    job = start_job(host, ns, job_type, "Creating Virtual Hard Disk", error=(code, text), storage=True)
    return 4096, {"Job": job.ref()}


def create_disk(host, ns, path, fmt, vhd_type, size, parent=None, block=0, sector=512):
    """Validate and start creating a disk -> (ReturnValue, out)."""
    if not path or not WIN_PATH.match(path):
        return 32773, {}
    ext = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if ext not in EXT_FORMAT or (fmt is not None and EXT_FORMAT[ext] != fmt):
        return _fail(host, ns, 32773, f"The file extension of '{path}' does not match the virtual hard disk format.")
    if ext != ".vhd" and host.persona.level == 0:
        return _fail(host, ns, 32773, "This host supports VHD files only.")
    if vhd_type not in (2, 3, 4):
        return 32773, {}
    if vhd_type == 4:
        if not parent or parent.lower() not in host.files:
            return 32779, {}
        size = host.files[parent.lower()]["size"]
    elif not size or size % 512:
        return _fail(host, ns, 32773, f"The size {size} is not a positive multiple of 512 bytes.")
    if path.lower() in host.files:
        return _fail(host, ns, 32768, f"Failed to create the virtual hard disk '{path}': the file exists. (0x80070050)")
    folder = path.rsplit("\\", 1)[0].lower()
    if not any(f.startswith(folder + "\\") for f in host.files) and not folder.startswith(
        ("c:\\hyper-v", "c:\\programdata", "c:\\vms", "d:\\")
    ):
        return _fail(host, ns, 32768, f"The system cannot find the path specified: '{folder}'. (0x80070003)")
    job = start_job(
        host,
        ns,
        90,
        "Creating Virtual Hard Disk",
        storage=True,
        on_done=(
            "disk_created",
            {
                "path": path,
                "kind": ext[1:],
                "size": size,
                "type": vhd_type,
                "parent": parent,
                "block": block,
                "sector": sector,
            },
        ),
    )
    return 4096, {"Job": job.ref()}


@event("disk_created")
def _disk_created(host, p):
    from .populate import add_file

    add_file(host, p["path"], p["kind"], p["size"], p["type"], p.get("parent"))


@method(IMS, "CreateVirtualHardDisk")
def _create_vhd(host, ns, svc, params):
    emb = params.get("VirtualDiskSettingData")
    if not isinstance(emb, EmbeddedInstance):
        return 32773, {}
    try:
        vals = embedded_values(host.schema.get_class(ns, "Msvm_VirtualHardDiskSettingData"), emb)
    except BadValue:
        return 32773, {}
    return create_disk(
        host,
        ns,
        vals.get("Path"),
        vals.get("Format"),
        vals.get("Type") or 3,
        vals.get("MaxInternalSize"),
        vals.get("ParentPath"),
        vals.get("BlockSize") or 0,
        vals.get("LogicalSectorSize") or 512,
    )


def vhd_setting_data(host, ns, f):
    from .instance import Instance

    cd = host.schema.get_class(ns, "Msvm_VirtualHardDiskSettingData")
    vals = {
        "InstanceID": "Microsoft:" + f["disk_id"],
        "Caption": "Virtual Hard Disk Setting Data",
        "Path": f["path"],
        "Type": f["type"],
        "Format": f["format"],
        "MaxInternalSize": f["size"],
        "ParentPath": f.get("parent") or "",
        "BlockSize": 33554432 if f["format"] == 3 else 2097152,
        "LogicalSectorSize": 512,
        "PhysicalSectorSize": 4096 if f["format"] == 3 else 512,
        "VirtualDiskId": f["disk_id"],
        "DataAlignment": 1048576,
        "ElementName": "Virtual Hard Disk Setting Data",
    }
    return Instance(host, ns, cd, vals)


@method(IMS, "GetVirtualHardDiskSettingData")
def _get_vhd(host, ns, svc, params):
    path = params.get("Path")
    if not path:
        return 32773, {}
    f = host.files.get(str(path).lower())
    if f is None or f["kind"] not in ("vhd", "vhdx", "vhds"):
        return 32779, {}
    return 0, {"SettingData": vhd_setting_data(host, ns, f)}


@method(IMS, "ResizeVirtualHardDisk")
def _resize(host, ns, svc, params):
    f = host.files.get(str(params.get("Path") or "").lower())
    size = params.get("MaxInternalSize")
    if f is None:
        return 32779, {}
    if not size or size % 512:
        return 32773, {}
    if size < f["size"] and f["kind"] != "vhdx":
        return _fail(host, ns, 32773, "Only VHDX files can be shrunk.", 91)
    f["size"] = size
    job = start_job(host, ns, 91, "Resizing Virtual Hard Disk", storage=True)
    return 4096, {"Job": job.ref()}


# ---- v1 ----------------------------------------------------------------------------------------
@method(IMS, "CreateDynamicVirtualHardDisk")
def _v1_dynamic(host, ns, svc, params):
    return create_disk(host, ns, params.get("Path"), None, 3, params.get("MaxInternalSize"))


@method(IMS, "CreateFixedVirtualHardDisk")
def _v1_fixed(host, ns, svc, params):
    return create_disk(host, ns, params.get("Path"), None, 2, params.get("MaxInternalSize"))


@method(IMS, "CreateDifferencingVirtualHardDisk")
def _v1_diff(host, ns, svc, params):
    return create_disk(host, ns, params.get("Path"), None, 4, None, params.get("ParentPath"))


@method(IMS, "GetVirtualHardDiskInfo")
def _v1_info(host, ns, svc, params):
    from .instance import Instance

    f = host.files.get(str(params.get("Path") or "").lower())
    if f is None or f["kind"] not in ("vhd", "vhdx"):
        return 32779, {}
    cd = host.schema.get_class(ns, "Msvm_VirtualHardDiskInfo")
    info = Instance(
        host,
        ns,
        cd,
        {
            "Type": f["type"],
            "FileSize": f["size"] // 4,
            "MaxInternalSize": f["size"],
            "InUse": False,
            "InSavedState": False,
            "ParentPath": f.get("parent") or "",
        },
    )
    return 0, {"Info": info}
