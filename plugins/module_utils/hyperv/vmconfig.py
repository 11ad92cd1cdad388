# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read one VM's managed configuration and apply the differences compare.py found.

Reading costs (v2): a Get of the VSSD and one ``ASSOCIATORS OF`` the VSSD for every setting
object (reference 11.1/11.2), plus the switch list when network adapters are managed.
"""

from __future__ import annotations

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError, MethodError, WSManFault
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import boot, settings, switches
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import devices as devmod
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import facts as factsmod

GIB = 1024 * 1024 * 1024


class VmState:
    """What was read about one VM: its instances and the facts built from them."""

    def __init__(self, conn, cs):
        self.conn = conn
        self.cs = cs
        self.guid = cs.get("Name")
        self.vssd = None
        self.vsgsd = None
        self.dev = None
        self.switches = None

    def facts(self):
        sw = self.switches
        loaded = sw is not None and sw.loaded
        f = factsmod.vm_facts(
            self.cs, self.conn.v1, vssd=self.vssd, vsgsd=self.vsgsd, dev=self.dev,
            switch_name=(lambda sid: (sw.by_id(sid).name if sw.by_id(sid) else None)) if loaded else None,
            host=self.conn._host_name,  # pylint: disable=protected-access
        )
        return f

    def generation(self):
        return settings.generation_of(self.vssd, self.conn.v1)

    def current(self):
        """Facts plus boot_order (and boot_sources on generation 2) for the comparison."""
        f = self.facts()
        f["boot_order"] = settings.read_system(self.vssd, self.vsgsd, self.conn.v1)["boot_order"] \
            if self.vssd is not None else None
        if self.vssd is not None and self.generation() == 2:
            f["boot_sources"] = boot.sources(self.vssd, self.dev)
            f["boot_order"] = boot.kinds(f["boot_sources"])
        return f


def read(conn, cs, need_devices=True, need_vlans=False, need_switches=False, switch_cache=None):
    """Read the VM's settings: VSSD (+ VSGSD on v1), its components, VLAN settings, switches."""
    st = VmState(conn, cs)
    st.vssd, st.vsgsd = settings.read_vssd(conn, st.guid)
    if need_devices:
        comps = read_components(conn, st.guid)
        if need_vlans and not conn.v1 and any(c.class_name == devmod.EPASD for c in comps):
            # port features hang off the EPASD (Msvm_EthernetPortSettingDataComponent), not the VSSD
            comps = comps + conn.query(cim.wql_select(devmod.VLAN, cim.wql_like(
                "InstanceID", prefix="Microsoft:%s\\" % st.guid)))
        st.dev = devmod.parse_devices(comps, v1=conn.v1)
    st.switches = switch_cache
    if need_vlans and conn.v1:
        # v1 has no LastKnownSwitchName: switch names come from the switch list
        need_switches = True
    if need_switches:
        st.switches = switch_cache or switches.SwitchCache(conn)
        st.switches.all()
    return st


def read_components(conn, guid):
    """ASSOCIATORS OF the VSSD; per-class WQL if the host refuses the mixed-class form (G4)."""
    try:
        return settings.read_components(conn, guid)
    except WSManFault:
        classes = ["Msvm_ProcessorSettingData", "Msvm_MemorySettingData", devmod.RASD, devmod.SEPSD]
        if not conn.v1:
            classes += [devmod.SASD, devmod.EPASD, devmod.VLAN]
        out = []
        for cls in classes:
            out.extend(conn.query(cim.wql_select(cls, cim.wql_like("InstanceID", prefix="Microsoft:%s\\" % guid))))
        return out


# ---- creation -------------------------------------------------------------------------------

def create(conn, name, generation, want, job_timeout=None):
    """DefineSystem with the VSSD-level options; returns the new GUID."""
    notes = want.get("notes")
    guid = _define(conn, name, generation, notes)
    return guid


def _define(conn, name, generation, notes):
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import vms

    return vms.define(conn, name, generation=None if conn.v1 else generation, notes=notes)


def disk_exists(conn, path):
    """Whether a virtual disk file exists (GetVirtualHardDiskSettingData / v1 GetVirtualHardDiskInfo)."""
    svc = conn.service_ref("Msvm_ImageManagementService")
    method = "GetVirtualHardDiskInfo" if conn.v1 else "GetVirtualHardDiskSettingData"
    try:
        conn.run_method(svc, method, {"Path": path}, what="reading %s" % path)
    except (MethodError, HypervError):
        return False
    return True


def create_disk(conn, path, size_gb, disk_type):
    svc = conn.service_ref("Msvm_ImageManagementService")
    size = int(size_gb * GIB)
    what = "creating virtual disk %s" % path
    if conn.v1:
        method = "CreateFixedVirtualHardDisk" if disk_type == "fixed" else "CreateDynamicVirtualHardDisk"
        conn.run_method(svc, method, {"Path": path, "MaxInternalSize": size}, what=what)
        return
    emb = cim.EmbeddedInstance("Msvm_VirtualHardDiskSettingData", {
        "Type": 2 if disk_type == "fixed" else 3,
        "Format": 3 if path.lower().endswith(".vhdx") else 2,
        "Path": path,
        "MaxInternalSize": size,
    }, {"Type": "uint16", "Format": "uint16", "Path": "string", "MaxInternalSize": "uint64"})
    conn.run_method(svc, "CreateVirtualHardDisk", {"VirtualDiskSettingData": emb}, what=what)


def delete_file(conn, path):
    """Delete a file on the host (root/cimv2 CIM_DataFile.Delete): one request. Its ReturnValue is a Win32
    code, never a job (so conn.invoke, not run_method, whose codes and job wait are Hyper-V's)."""
    from ansible_collections.wsman.hyperv.plugins.module_utils import wsman

    ref = cim.Reference(conn.client.resource_uri("CIM_DataFile", namespace=wsman.CIMV2), {"Name": path})
    result = conn.invoke(ref, "Delete")
    if result.return_value not in (0, None):
        raise HypervError("could not delete %s on the host (Win32 error %s)" % (path, result.return_value))


# ---- applying changes ------------------------------------------------------------------------

def apply(conn, st, changes, want, created_disks):
    """Apply every change; ``created_disks`` collects the disk files this run created."""
    guid = st.guid
    gen2 = st.generation() == 2
    system = {k: want[k] for k in ("notes", "automatic_start_action", "automatic_start_delay",
                                   "automatic_stop_action", "secure_boot", "boot_order") if k in changes}
    if gen2:
        system.pop("boot_order", None)  # set after the devices (below)
    if system:
        settings.modify_system(conn, guid, system, vssd=st.vssd, vsgsd=st.vsgsd)
    resources = []
    if "cpu_count" in changes:
        resources.append(settings.processor_settings(guid, want["cpu_count"], st.dev.processor if st.dev else None))
    mem = {}
    if "memory_mb" in changes:
        mem["startup_mb"] = want["memory_mb"]
    if "dynamic_memory" in changes:
        mem.update(changes["dynamic_memory"]["set"])
    if mem:
        resources.append(settings.memory_settings(guid, mem, st.dev.memory if st.dev else None))
    if resources:
        devmod.modify_resources(conn, guid, resources, "changing processor/memory of virtual machine %r"
                                % st.cs.get("ElementName"))
    if "disks" in changes:
        _apply_disks(conn, st, changes["disks"], created_disks)
    if "dvd" in changes:
        _apply_dvd(conn, st, want["dvd"])
    if "network_adapters" in changes:
        _apply_nics(conn, st, changes["network_adapters"]["plan"])
    if gen2 and "boot_order" in want:
        _apply_boot_sources(conn, st, want["boot_order"], reread=any(
            k in changes for k in ("disks", "dvd", "network_adapters")))


def _apply_boot_sources(conn, st, wanted, reread):
    """Generation 2: put the ``wanted`` kinds first in BootSourceOrder. Devices added or removed in this run
    added or removed boot sources, so the VSSD and its components are read again first (2 requests)."""
    if reread:
        st.vssd = settings.read_vssd(conn, st.guid)[0]
        st.dev = devmod.parse_devices(read_components(conn, st.guid), v1=conn.v1)
    current = boot.sources(st.vssd, st.dev)
    order = boot.reorder(current, wanted)
    if order != current:
        settings.modify_system(conn, st.guid, {"boot_source_order": [path for _kind, path in order]}, vssd=st.vssd)


def _controller(conn, st, ctype, number):
    ctrl = st.dev.controller(ctype, number)
    if ctrl is not None:
        return ctrl["instance"].get("InstanceID")
    if ctype == "ide":
        raise HypervError("the VM has no IDE controller %d" % number)
    have = len([c for c in st.dev.controllers if c["type"] == "scsi"])
    iid = None
    while have <= number:
        iid = devmod.add_scsi_controller(conn, st.guid)
        if iid is None:
            raise HypervError("Hyper-V did not return the new SCSI controller")
        st.dev.controllers.append({"type": "scsi", "number": have, "instance": cim.Instance(
            devmod.RASD, {"InstanceID": iid, "ResourceSubType": devmod.SUB[conn.v1]["scsi"]})})
        have += 1
    return iid


def _apply_disks(conn, st, change, created_disks):
    for cur in change["detach"]:
        entry = next(d for d in st.dev.drives if d["kind"] == "disk" and d["path"] == cur["path"])
        devmod.detach(conn, st.guid, entry)
        st.dev.drives.remove(entry)
    for w in change["attach"]:
        if not disk_exists(conn, w["path"]):
            if w["size_gb"] is None:
                raise HypervError("disk %s does not exist on the host; give size_gb to create it" % w["path"])
            create_disk(conn, w["path"], w["size_gb"], w["type"])
            created_disks.append(w["path"])
        ctrl_iid = _controller(conn, st, w["controller_type"], w["controller_number"])
        loc = w["controller_location"]
        if loc is None:
            loc = st.dev.free_location(w["controller_type"], w["controller_number"])
        else:
            busy = next((d for d in st.dev.drives if d["controller_type"] == w["controller_type"]
                         and d["controller_number"] == w["controller_number"]
                         and d["controller_location"] == loc), None)
            if busy is not None:
                raise HypervError("%s %d:%d is already used by %s" % (w["controller_type"], w["controller_number"],
                                                                      loc, busy["path"] or "an empty drive"))
        if loc is None:
            raise HypervError("no free slot on %s controller %d for %s"
                              % (w["controller_type"], w["controller_number"], w["path"]))
        devmod.attach_media(conn, st.guid, ctrl_iid, loc, "disk", w["path"])
        st.dev.drives.append({"kind": "disk", "controller_type": w["controller_type"],
                              "controller_number": w["controller_number"], "controller_location": loc,
                              "drive": None, "media": None, "path": w["path"]})


def _apply_dvd(conn, st, path):
    drive = next((d for d in st.dev.drives if d["kind"] == "dvd"), None)
    if drive is not None:
        if drive["media"] is not None and path:
            devmod.change_media(conn, st.guid, drive["media"], path)
        elif drive["media"] is not None:
            devmod.remove_resources(conn, st.guid, [drive["media"]], "ejecting %s" % drive["path"])
        elif path:
            devmod.insert_media(conn, st.guid, drive["drive"].get("InstanceID"), "dvd", path)
        return
    if not path:
        return
    gen = settings.generation_of(st.vssd, conn.v1)
    ctype = "scsi" if gen == 2 else "ide"
    number = 0 if gen == 2 else 1
    ctrl_iid = _controller(conn, st, ctype, number)
    loc = st.dev.free_location(ctype, number)
    if loc is None and ctype == "ide":
        number = 0
        ctrl_iid = _controller(conn, st, ctype, number)
        loc = st.dev.free_location(ctype, number)
    if loc is None:
        raise HypervError("no free controller slot for a DVD drive")
    devmod.attach_media(conn, st.guid, ctrl_iid, loc, "dvd", path)


def _apply_nics(conn, st, plan):
    cache = st.switches or switches.SwitchCache(conn)
    nics = st.dev.nics
    for step in sorted(plan, key=lambda p: p["action"] != "remove"):
        if step["action"] == "remove":
            devmod.remove_nic(conn, st.guid, nics[step["index"]])
    for step in plan:
        if step["action"] == "add":
            w = step["want"]
            sw = cache.by_name(w["switch"]) if w["switch"] else None
            devmod.add_nic(conn, st.guid, w["name"], w["mac"], sw, w["vlan_id"])
        elif step["action"] == "modify":
            w, diff, nic = step["want"], step["diff"], nics[step["index"]]
            if "name" in diff or "mac" in diff:
                devmod.modify_nic(conn, st.guid, nic["sepsd"], name=w["name"] if "name" in diff else None,
                                  mac=w["mac"], dynamic=not w["mac"])
            if conn.v1:
                if "switch" in diff:
                    raise HypervError("changing the switch of an existing adapter is not supported on "
                                      "Windows Server 2008 R2; remove the adapter and add it again")
                continue
            if "switch" in diff:
                if w["switch"]:
                    devmod.connect_nic(conn, st.guid, nic["sepsd"].get("InstanceID"), cache.by_name(w["switch"]),
                                       nic["epasd"], w["vlan_id"], nic["vlan"])
                elif nic["epasd"] is not None:
                    devmod.disconnect_nic(conn, st.guid, nic["epasd"])
            elif "vlan_id" in diff:
                ep_iid = nic["epasd"].get("InstanceID") if nic["epasd"] is not None else None
                devmod.set_vlan(conn, ep_iid, w["vlan_id"], nic["vlan"])


def validate_switches(conn, want, cache, changes=None):
    """Every switch the run must connect to exists (checked before anything changes).

    With ``changes`` (from compare), only adapters that will be added or re-connected are checked,
    so a no-op run does not read the switch list."""
    nics = want.get("network_adapters") or ()
    if changes is not None:
        plan = (changes.get("network_adapters") or {}).get("plan", ())
        idx = {p["want_index"] for p in plan if p["action"] == "add" or "switch" in p.get("diff", ())}
        nics = [n for i, n in enumerate(nics) if i in idx]
    for nic in nics:
        if nic["switch"]:
            cache.by_name(nic["switch"])
