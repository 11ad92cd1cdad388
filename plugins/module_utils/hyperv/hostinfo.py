# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about the Hyper-V host (reference 5.14, 5.7): name, OS, Hyper-V release, CPU, memory,
default folders, switches and the number of VMs, in a fixed number of requests.

v2/v1 classes give the host Msvm_ComputerSystem and the management service settings
(default folders); OS version, memory and processors only exist in root/cimv2.
"""

from __future__ import annotations

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import WSManFault

# OS Version (Win32_OperatingSystem.Version) -> Hyper-V release (reference 5.14)
RELEASES = (
    ("6.1.", "2008 R2"),
    ("6.2.", "2012"),
    ("6.3.", "2012 R2"),
)
BUILDS_10 = ((14393, "2016"), (17763, "2019"), (20348, "2022"), (26100, "2025"))


def hyperv_release(os_version, v1=False):
    """The Windows Server release of the Hyper-V role for an OS version string, else None."""
    if os_version:
        for prefix, name in RELEASES:
            if os_version.startswith(prefix):
                return name
        if os_version.startswith("10.0."):
            try:
                build = int(os_version.split(".")[2])
            except (IndexError, ValueError):
                build = None
            if build is not None:
                for known, name in BUILDS_10:
                    if build == known:
                        return name
    if v1:
        return "2008 R2"
    return None


def _mb_from_bytes(value):
    return int(value) // (1024 * 1024) if value is not None else None


def _mb_from_kib(value):
    return int(value) // 1024 if value is not None else None


def _is_guid(text):
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.vms import is_guid

    return is_guid(text)


def gather(conn, include_switches=True):
    """The host facts dict (see hyperv_host_info's RETURN)."""
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim, wsman
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import switch_manage

    # 1. every computer system: the host's own entry and the VMs (also settles v2/v1)
    systems = conn.query(cim.wql_select("Msvm_ComputerSystem"))
    host_cs = next((cs for cs in systems if not _is_guid(cs.get("Name"))), None)
    vm_names = {cs.get("Name").upper(): cs.get("ElementName") for cs in systems if _is_guid(cs.get("Name"))}
    vm_count = len(vm_names)
    if host_cs is not None:
        conn.remember_host(host_cs.get("Name"))
    # 2-3. root/cimv2: computer and operating system
    wcs = conn.client.first(cim.wql_select("Win32_ComputerSystem"), namespace=wsman.CIMV2)
    wos = conn.client.first(cim.wql_select("Win32_OperatingSystem"), namespace=wsman.CIMV2)
    # 4. default folders and MAC range of the management service
    try:
        vsmssd = conn.first(cim.wql_select("Msvm_VirtualSystemManagementServiceSettingData"))
    except WSManFault:
        vsmssd = None  # not published by this host (some 2008 R2 builds)
    wcs = wcs or {}
    wos = wos or {}
    vsmssd = vsmssd or {}
    os_version = wos.get("Version")
    facts = {
        "name": (host_cs or {}).get("Name") or wcs.get("Name"),
        "dns_hostname": wcs.get("DNSHostName"),
        "domain": wcs.get("Domain"),
        "os_name": wos.get("Caption"),
        "os_version": os_version,
        "os_build": wos.get("BuildNumber"),
        "hyperv_version": hyperv_release(os_version, conn.v1),
        "namespace": conn.namespace,
        "processor_sockets": _int(wcs.get("NumberOfProcessors")),
        "logical_processors": _int(wcs.get("NumberOfLogicalProcessors")),
        "numa_nodes": _int((host_cs or {}).get("NumberOfNumaNodes")),
        "memory_total_mb": _mb_from_bytes(wcs.get("TotalPhysicalMemory"))
        if wcs.get("TotalPhysicalMemory") is not None else _mb_from_kib(wos.get("TotalVisibleMemorySize")),
        "memory_free_mb": _mb_from_kib(wos.get("FreePhysicalMemory")),
        "default_vm_path": vsmssd.get("DefaultExternalDataRoot"),
        "default_vhd_path": vsmssd.get("DefaultVirtualHardDiskPath"),
        "mac_address_minimum": vsmssd.get("MinimumMacAddress"),
        "mac_address_maximum": vsmssd.get("MaximumMacAddress"),
        "numa_spanning": _bool(vsmssd.get("NumaSpanningEnabled")),
        "vm_count": vm_count,
        "switches": None,
    }
    if include_switches:
        facts["switches"] = [
            {k: sw[k] for k in ("name", "uuid", "switch_type", "net_adapter_name")}
            for sw in switch_manage.read(conn, vm_names=vm_names)
        ]
    return facts


def _int(value):
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(value):
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return None
