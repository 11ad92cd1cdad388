"""hyperv_vm state=absent with remove_disks against the simulator.

What the module documents (plugins/modules/hyperv_vm.py, option remove_disks): with state=absent it
"also delete[s] the files of the disks listed in disks that are attached to the VM. Disks not listed are
never deleted"; without remove_disks the files are kept; check mode changes nothing. Files are deleted
with root/cimv2 CIM_DataFile.Delete after the VM is destroyed.

Every check of the host's files goes around the module under test: the simulator's model
(``sim.host.files``) and a plain WS-Man Get of the CIM_DataFile instance (the simulator's own test
client), which must agree."""

from __future__ import annotations

from tests.integration.hyperv_vm_harness import PASSWORD, run_playbook, start, vm_names
from tests.simulator import pytest_plugin
from tests.simulator.model.populate import add_file
from tests.simulator.tests.wsclient import CIMV2, Client

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here

OS_DISK = "C:\\VMs\\rd\\os.vhdx"
DATA_DISK = "C:\\VMs\\rd\\data.vhdx"
SPEC = {"name": "rd", "cpu_count": 1, "memory_mb": 512, "disks": [{"path": OS_DISK, "size_gb": 1}]}


def by_id(results):
    return {r["item"]["id"]: r for r in results}


def ok(result, label=""):
    """A step that must have succeeded (steps run with failed_when: false)."""
    assert not result.get("msg"), (label or result["item"]["id"], result.get("msg"))
    return result


def steps_ok(sim, tmp_path, steps, name="steps"):
    results, proc = run_playbook(name, sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    return by_id(results)


def file_exists(sim, path):
    """Whether the simulated host has the file: its model and a WS-Man Get of CIM_DataFile agree."""
    in_model = path.lower() in sim.host.files
    reply = Client(sim.url, "admin", PASSWORD).get(CIMV2 + "CIM_DataFile", {"Name": path})
    if in_model:
        assert reply.status == 200, reply.body()
    else:
        assert reply.status == 500 and reply.subcode() == "a:DestinationUnreachable", reply.body()
    return in_model


def attached_disks(sim, name):
    """Lower-case paths of the virtual hard disks attached to VM `name`, read from the simulator's model."""
    host = sim.host
    ns = host.persona.vm_namespace
    vm = next(v for v in host.instances(ns, "Msvm_ComputerSystem") if v.properties["ElementName"] == name)
    vssd = host.associators(ns, vm, "Msvm_SettingsDefineState", "Msvm_VirtualSystemSettingData")[0]
    sasd = host.associators(ns, vssd, "Msvm_VirtualSystemSettingDataComponent", "Msvm_StorageAllocationSettingData")
    return [p.lower() for s in sasd for p in (s.properties["HostResource"] or []) if not p.lower().endswith(".iso")]


def test_remove_disks_deletes_the_new_disk_check_mode_first_then_no_op(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    absent = {"name": "rd", "state": "absent", "remove_disks": True, "disks": [{"path": OS_DISK}]}
    r = steps_ok(sim, tmp_path, [dict(SPEC, id="create"), dict(absent, id="check", check=True, diff=True)])
    ok(r["create"]), ok(r["check"])
    assert r["create"]["changed"] is True
    assert attached_disks(sim, "rd") == [OS_DISK.lower()]
    # check mode: reports the removal, removes and deletes nothing
    assert r["check"]["changed"] is True and r["check"]["vm"] == {}
    assert r["check"]["diff"] == {"before": {"state": "off"}, "after": {"state": "absent"}}
    assert "rd" in vm_names(sim)
    assert file_exists(sim, OS_DISK)

    r = steps_ok(sim, tmp_path, [dict(absent, id="remove", diff=True), dict(absent, id="again", diff=True)])
    ok(r["remove"]), ok(r["again"])
    assert r["remove"]["changed"] is True and r["remove"]["vm"] == {}
    assert r["remove"]["diff"] == {"before": {"state": "off"}, "after": {"state": "absent"}}
    assert "rd" not in vm_names(sim)
    assert not file_exists(sim, OS_DISK)
    # a second run: nothing left to do
    assert r["again"]["changed"] is False and r["again"]["vm"] == {}
    # the host's other files are untouched
    assert file_exists(sim, "C:\\Hyper-V\\Virtual Hard Disks\\base-ubuntu.vhdx")


def test_absent_without_remove_disks_keeps_the_file(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    spec_b = {"name": "rd-b", "cpu_count": 1, "memory_mb": 512, "disks": [{"path": DATA_DISK, "size_gb": 1}]}
    steps = [dict(SPEC, id="create"), dict(spec_b, id="create-b"),
             # the disks listed, remove_disks left out (default false) ...
             {"id": "remove", "name": "rd", "state": "absent", "disks": [{"path": OS_DISK}]},
             # ... or set to false
             {"id": "remove-b", "name": "rd-b", "state": "absent", "remove_disks": False,
              "disks": [{"path": DATA_DISK}]}]
    r = steps_ok(sim, tmp_path, steps)
    for key in r:
        ok(r[key])
    assert r["remove"]["changed"] is True and r["remove-b"]["changed"] is True
    assert "rd" not in vm_names(sim) and "rd-b" not in vm_names(sim)
    assert file_exists(sim, OS_DISK) and file_exists(sim, DATA_DISK)


def test_only_listed_disks_attached_to_the_vm_are_deleted(hyperv_sim, tmp_path):
    """A running VM (force) with two disks; only one is listed, in another letter case; the list also names
    a disk of ANOTHER VM and a seed VHDX attached to none: only the listed disk of this VM goes."""
    sim = start(hyperv_sim)
    other_vm = next(n for n in vm_names(sim) if attached_disks(sim, n))
    other_disk = attached_disks(sim, other_vm)[0]
    seed = "C:\\Hyper-V\\Virtual Hard Disks\\base-2022.vhdx"
    spec = dict(SPEC, state="started", disks=[{"path": OS_DISK, "size_gb": 1}, {"path": DATA_DISK, "size_gb": 1}])
    remove = {"name": "rd", "state": "absent", "force": True, "remove_disks": True,
              "disks": [{"path": OS_DISK.upper()}, {"path": other_disk}, {"path": seed}]}
    r = steps_ok(sim, tmp_path, [dict(spec, id="create"), dict(remove, id="remove"), dict(remove, id="again")])
    for key in r:
        ok(r[key])
    assert r["create"]["vm"]["state"] == "running"
    assert r["remove"]["changed"] is True and r["again"]["changed"] is False
    assert "rd" not in vm_names(sim)
    assert not file_exists(sim, OS_DISK)
    assert file_exists(sim, DATA_DISK)  # attached, not listed
    assert file_exists(sim, other_disk)  # listed, attached to another VM only
    assert attached_disks(sim, other_vm)[0] == other_disk
    assert file_exists(sim, seed)  # listed, attached to no VM


def test_disk_in_use_by_another_running_vm_is_kept_and_the_run_fails(hyperv_sim, tmp_path):
    """The listed disk is the parent of a differencing disk of another, running VM (Hyper-V does not let two
    VMs attach one VHDX): the host refuses the delete (sharing violation, Win32 15). The VM is removed, the
    file is kept, and the run fails saying so."""
    sim = start(hyperv_sim)
    child = "C:\\VMs\\other\\child.vhdx"
    r = steps_ok(sim, tmp_path, [dict(SPEC, id="create")])
    ok(r["create"])
    with sim.host.lock:  # a differencing disk on top of rd's disk, made in the model
        add_file(sim.host, child, "vhdx", 1 << 30, vhd_type=4, parent=OS_DISK)
    steps = [{"id": "other", "name": "other", "cpu_count": 1, "memory_mb": 512, "state": "started",
              "disks": [{"path": child}]},
             {"id": "remove", "name": "rd", "state": "absent", "remove_disks": True, "disks": [{"path": OS_DISK}]},
             {"id": "again", "name": "rd", "state": "absent", "remove_disks": True, "disks": [{"path": OS_DISK}]}]
    r = steps_ok(sim, tmp_path, steps, name="steps")
    ok(r["other"])
    assert r["other"]["vm"]["state"] == "running"
    msg = r["remove"]["msg"]
    assert "vm" not in r["remove"]  # a failed task (the play goes on: failed_when: false)
    assert "was removed, but deleting its disk" in msg and OS_DISK in msg and "15" in msg, msg
    assert "rd" not in vm_names(sim)
    assert file_exists(sim, OS_DISK) and file_exists(sim, child)
    assert attached_disks(sim, "other") == [child.lower()]
    ok(r["again"])
    assert r["again"]["changed"] is False  # the VM is gone: nothing more is attempted


def test_v1_host_deletes_the_vhd(hyperv_sim, tmp_path):
    """2008 R2 (root/virtualization): the same through the v1 methods and root/cimv2."""
    sim = start(hyperv_sim, persona="2008r2")
    vhd = "C:\\VMs\\old\\os.vhd"
    spec = {"name": "old", "cpu_count": 1, "memory_mb": 512, "disks": [{"path": vhd, "size_gb": 1}]}
    absent = {"name": "old", "state": "absent", "remove_disks": True, "disks": [{"path": vhd}]}
    r = steps_ok(sim, tmp_path, [dict(spec, id="create"), dict(absent, id="check", check=True)])
    ok(r["create"]), ok(r["check"])
    assert r["check"]["changed"] is True and file_exists(sim, vhd) and "old" in vm_names(sim)
    r = steps_ok(sim, tmp_path, [dict(absent, id="remove"), dict(absent, id="again")])
    ok(r["remove"]), ok(r["again"])
    assert r["remove"]["changed"] is True and r["again"]["changed"] is False
    assert "old" not in vm_names(sim)
    assert not file_exists(sim, vhd)


def test_saved_vm_is_removed_with_its_disk_without_force(hyperv_sim, tmp_path):
    """A saved VM needs no force (its worker does not run): the VM and its listed disk go."""
    sim = start(hyperv_sim)
    absent = {"name": "rd", "state": "absent", "remove_disks": True, "disks": [{"path": OS_DISK}]}
    # state=saved refuses to create a VM (it needs an existing one): create it, then save it
    r = steps_ok(sim, tmp_path, [dict(SPEC, id="create"), {"id": "save", "name": "rd", "state": "saved"},
                                 dict(absent, id="remove", diff=True)])
    ok(r["create"]), ok(r["save"]), ok(r["remove"])
    assert r["save"]["vm"]["state"] == "saved"
    assert r["remove"]["changed"] is True
    assert r["remove"]["diff"] == {"before": {"state": "saved"}, "after": {"state": "absent"}}
    assert "rd" not in vm_names(sim)
    assert not file_exists(sim, OS_DISK)
