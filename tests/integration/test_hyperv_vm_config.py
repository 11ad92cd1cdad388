"""hyperv_vm configuration against the simulator: create with a full specification, idempotency of every
option, request budget of a no-op run, check mode, diff mode, force for changes that need the VM off,
removal, and the 2008 R2 (v1) persona."""

from __future__ import annotations

import copy

from tests.integration.hyperv_vm_harness import run_playbook, start, vm_names
from tests.simulator import pytest_plugin

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here

FULL = {
    "name": "new-vm",
    "state": "present",
    "generation": 2,
    "cpu_count": 2,
    "memory_mb": 2048,
    "dynamic_memory": {"enabled": True, "minimum_mb": 512, "maximum_mb": 4096, "buffer_percent": 25},
    "notes": "built by ansible\nsecond line",
    "disks": [{"path": "C:\\VMs\\new-vm\\os.vhdx", "size_gb": 20},
              {"path": "C:\\Hyper-V\\Virtual Hard Disks\\base-ubuntu.vhdx", "controller_location": 5}],
    "dvd": "C:\\ISO\\virtio-win.iso",
    "network_adapters": [{"name": "lan", "switch": "Default Switch", "vlan_id": 20, "mac": "00:15:5D:01:02:03"},
                         {"name": "backup", "switch": "Default Switch"}],
    "secure_boot": True,
    "automatic_start_action": "always_start",
    "automatic_start_delay": 30,
    "automatic_stop_action": "shutdown",
}

# one change per option, each applied to a running VM (force where the change needs the VM off)
CHANGES = [
    ("cpu_count", 4, True),
    ("memory_mb", 4096, True),
    ("dynamic_memory", {"enabled": True, "minimum_mb": 512, "maximum_mb": 8192, "buffer_percent": 25}, True),
    ("dynamic_memory", {"buffer_percent": 40}, False),
    ("notes", "new notes", False),
    ("disks", [{"path": "C:\\VMs\\new-vm\\os.vhdx", "size_gb": 20},
               {"path": "C:\\VMs\\new-vm\\data.vhdx", "size_gb": 5, "type": "fixed"}], False),
    ("dvd", "", False),
    ("dvd", "C:\\ISO\\WindowsServer2022.iso", False),
    ("network_adapters", [{"name": "lan", "switch": "Default Switch", "vlan_id": 30, "mac": "00:15:5D:01:02:03"}],
     True),
    ("network_adapters", [{"name": "lan", "switch": "Default Switch", "mac": "00:15:5D:01:02:03"}], False),
    ("secure_boot", False, True),
    ("automatic_start_action", "nothing", False),
    ("automatic_start_delay", 0, False),
    ("automatic_stop_action", "save", False),
]


def by_id(results):
    return {r["item"]["id"]: r for r in results}


def ok(result, label=""):
    """A step that must have succeeded (steps run with failed_when: false)."""
    assert not result.get("msg"), (label or result["item"]["id"], result.get("msg"))
    return result


def test_create_full_spec_then_idempotent(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    steps = [dict(FULL, id="check-create", check=True, diff=True),
             dict(FULL, id="create", diff=True),
             dict(FULL, id="again"),
             dict(FULL, id="again-check", check=True),
             {"id": "start", "name": "new-vm", "state": "started"},
             dict(FULL, id="again-running")]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = by_id(results)
    # check mode: reports the creation, creates nothing
    assert r["check-create"]["changed"] is True, r["check-create"]
    assert r["check-create"]["diff"]["before"]["state"] == "absent"
    assert r["check-create"]["diff"]["after"]["cpu_count"] == 2
    assert r["check-create"]["round_trips"] <= 3
    vm = r["create"]["vm"]
    assert r["create"]["changed"] is True, r["create"].get("msg")
    assert vm["name"] == "new-vm" and vm["state"] == "off" and vm["generation"] == 2
    assert vm["cpu_count"] == 2 and vm["memory_mb"] == 2048
    assert vm["memory"]["dynamic_memory"] == {"enabled": True, "minimum_mb": 512, "maximum_mb": 4096,
                                              "buffer_percent": 25}
    assert vm["notes"] == "built by ansible\nsecond line"
    paths = ["C:\\VMs\\new-vm\\os.vhdx", "C:\\Hyper-V\\Virtual Hard Disks\\base-ubuntu.vhdx"]
    assert [d["path"] for d in vm["disks"]] == paths
    assert vm["disks"][0]["controller_type"] == "scsi"
    assert vm["disks"][1]["controller_location"] == 5
    assert [d["path"] for d in vm["dvd"]] == ["C:\\ISO\\virtio-win.iso"]
    assert vm["network_adapters"] == [
        {"name": "lan", "switch": "Default Switch", "mac_address": "00:15:5D:01:02:03", "static_mac": True,
         "vlan_id": 20},
        {"name": "backup", "switch": "Default Switch", "mac_address": vm["network_adapters"][1]["mac_address"],
         "static_mac": False, "vlan_id": None}]
    assert vm["secure_boot"] is True
    assert (vm["automatic_start_action"], vm["automatic_start_delay"], vm["automatic_stop_action"]) == (
        "always_start", 30, "shutdown")
    assert sorted(vm) == sorted(results[1]["vm"])  # same shape every time
    # the new disk file exists on the host now
    assert "c:\\vms\\new-vm\\os.vhdx" in sim.host.files
    # second run: nothing to do, at most 4 requests
    for key in ("again", "again-check", "again-running"):
        ok(r[key])
        assert r[key]["changed"] is False, (key, r[key].get("changes"), r[key].get("msg"))
        assert r[key]["round_trips"] <= 4, (key, r[key]["round_trips"])
    assert r["again-running"]["vm"]["state"] == "running"


def test_every_option_changes_and_is_idempotent(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    steps = [dict(FULL, id="create", state="started")]
    for i, (key, value, needs_off) in enumerate(CHANGES):
        base = {"name": "new-vm", key: value}
        if needs_off:
            steps.append(dict(base, id="%d-refused" % i))
        steps.append(dict(base, id="%d-check" % i, check=True, diff=True, force=needs_off))
        steps.append(dict(base, id="%d-change" % i, diff=True, force=needs_off))
        steps.append(dict(base, id="%d-again" % i, force=needs_off))
    final = dict(FULL, state="started", id="final")
    final.update({change[0]: change[1] for change in CHANGES})
    final["dynamic_memory"] = {"enabled": True, "minimum_mb": 512, "maximum_mb": 8192, "buffer_percent": 40}
    steps.append(final)
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = by_id(results)
    assert r["create"]["changed"] is True and r["create"]["vm"]["state"] == "running", r["create"].get("msg")
    for i, (key, value, needs_off) in enumerate(CHANGES):
        label = "%s=%r" % (key, value)
        if needs_off:
            refused = r["%d-refused" % i]
            assert "vm" not in refused, label
            assert "needs it off" in refused["msg"] and "force: true" in refused["msg"], (label, refused["msg"])
        check, change, again = r["%d-check" % i], r["%d-change" % i], r["%d-again" % i]
        ok(check, label), ok(change, label), ok(again, label)
        assert check["changed"] is True, (label, check.get("msg"))
        assert key in check["changes"], label
        assert check["diff"]["before"][key] != check["diff"]["after"][key], label
        assert change["changed"] is True, (label, change.get("msg"))
        assert change["diff"] == check["diff"] or key in ("network_adapters", "disks"), label
        assert again["changed"] is False, (label, again.get("changes"), again.get("msg"))
        # a power cycle returns the VM to running
        assert change["vm"]["state"] == "running", label
        # check mode changed nothing: the run after it still had the change to make
    ok(r["final"])
    assert r["final"]["changed"] is False, (r["final"].get("changes"), r["final"].get("msg"))
    assert r["final"]["round_trips"] <= 4
    facts = r["final"]["vm"]
    assert facts["cpu_count"] == 4 and facts["memory_mb"] == 4096
    assert facts["memory"]["dynamic_memory"] == {"enabled": True, "minimum_mb": 512, "maximum_mb": 8192,
                                                 "buffer_percent": 40}
    assert facts["notes"] == "new notes"
    assert [d["path"] for d in facts["disks"]] == ["C:\\VMs\\new-vm\\os.vhdx", "C:\\VMs\\new-vm\\data.vhdx"]
    assert sim.host.files["c:\\vms\\new-vm\\data.vhdx"]["type"] == 2  # fixed
    assert [d["path"] for d in facts["dvd"]] == ["C:\\ISO\\WindowsServer2022.iso"]
    assert facts["network_adapters"] == [{"name": "lan", "switch": "Default Switch",
                                          "mac_address": "00:15:5D:01:02:03", "static_mac": True, "vlan_id": None}]
    assert facts["secure_boot"] is False
    assert (facts["automatic_start_action"], facts["automatic_start_delay"], facts["automatic_stop_action"]) == (
        "nothing", 0, "save")


def test_remove(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    spec = {"name": "gone", "cpu_count": 1, "memory_mb": 512, "state": "started",
            "disks": [{"path": "C:\\VMs\\gone.vhdx", "size_gb": 1}]}
    steps = [dict(spec, id="create"),
             {"id": "refused", "name": "gone", "state": "absent"},
             {"id": "check", "name": "gone", "state": "absent", "force": True, "check": True},
             {"id": "remove", "name": "gone", "state": "absent", "force": True, "diff": True},
             {"id": "again", "name": "gone", "state": "absent"}]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = by_id(results)
    assert r["create"]["changed"] is True, r["create"].get("msg")
    assert "is running" in r["refused"]["msg"] and "force: true" in r["refused"]["msg"]
    assert r["check"]["changed"] is True
    assert r["remove"]["changed"] is True and r["remove"]["vm"] == {}
    assert r["remove"]["diff"] == {"before": {"state": "running"}, "after": {"state": "absent"}}
    ok(r["again"]), ok(r["remove"]), ok(r["check"])
    assert r["again"]["changed"] is False
    names = vm_names(sim)
    assert "gone" not in names
    assert "c:\\vms\\gone.vhdx" in sim.host.files  # disk files are kept unless remove_disks


def test_v1_host(hyperv_sim, tmp_path):
    """2008 R2: generation 1, VHD disks, v1 method names (DefineVirtualSystem, ModifyVirtualSystemResources …)."""
    sim = start(hyperv_sim, persona="2008r2")
    spec = {"name": "old-vm", "state": "present", "cpu_count": 2, "memory_mb": 1024, "notes": "v1 notes",
            "disks": [{"path": "C:\\VMs\\old-vm.vhd", "size_gb": 8}],
            "network_adapters": [{"switch": "Default Switch"}],
            "automatic_start_action": "nothing", "boot_order": ["ide", "cd", "net", "floppy"]}
    changed = dict(spec, cpu_count=4, memory_mb=2048, notes="changed", automatic_start_action="always_start")
    steps = [dict(spec, id="create"), dict(spec, id="again"), dict(changed, id="change"),
             dict(changed, id="change-again"),
             {"id": "gen2", "name": "old-vm", "generation": 2},
             {"id": "vhdx", "name": "x", "disks": [{"path": "C:\\VMs\\x.vhdx", "size_gb": 1}]},
             {"id": "secure", "name": "old-vm", "secure_boot": True},
             {"id": "start", "name": "old-vm", "state": "started"},
             {"id": "dvd", "name": "old-vm", "dvd": "C:\\ISO\\virtio-win.iso"},
             {"id": "dvd-again", "name": "old-vm", "dvd": "C:\\ISO\\virtio-win.iso"},
             {"id": "nic2", "name": "old-vm", "force": True, "network_adapters": [
                 {"switch": "Default Switch"}, {"name": "second", "switch": "Default Switch",
                                                "mac": "00:15:5D:AA:BB:CC"}]},
             {"id": "nic2-again", "name": "old-vm", "network_adapters": [
                 {"switch": "Default Switch"}, {"name": "second", "switch": "Default Switch",
                                                "mac": "00:15:5D:AA:BB:CC"}]}]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = by_id(results)
    vm = r["create"]["vm"]
    assert r["create"]["changed"] is True, r["create"].get("msg")
    assert (vm["generation"], vm["cpu_count"], vm["memory_mb"], vm["notes"]) == (1, 2, 1024, "v1 notes")
    assert vm["disks"] == [{"path": "C:\\VMs\\old-vm.vhd", "controller_type": "ide", "controller_number": 0,
                            "controller_location": 0}]
    assert vm["network_adapters"][0]["switch"] == "Default Switch"
    ok(r["again"]), ok(r["change"]), ok(r["change-again"]), ok(r["start"])
    assert r["again"]["changed"] is False, r["again"].get("changes")
    assert r["change"]["changed"] is True, r["change"].get("msg")
    assert sorted(r["change"]["changes"]) == ["automatic_start_action", "cpu_count", "memory_mb", "notes"]
    assert (r["change"]["vm"]["cpu_count"], r["change"]["vm"]["memory_mb"]) == (4, 2048)
    assert r["change-again"]["changed"] is False
    assert "generation 1 only" in r["gen2"]["msg"]
    assert ".vhd" in r["vhdx"]["msg"] and "disks[0].path" in r["vhdx"]["msg"]
    assert "Secure Boot" in r["secure"]["msg"]
    assert r["start"]["vm"]["state"] == "running"
    for key in ("dvd", "dvd-again", "nic2", "nic2-again"):
        ok(r[key])
    assert r["dvd"]["changed"] is True and r["dvd-again"]["changed"] is False
    assert r["dvd"]["vm"]["dvd"][0]["path"] == "C:\\ISO\\virtio-win.iso"
    assert r["nic2"]["changed"] is True and r["nic2-again"]["changed"] is False
    assert r["nic2"]["vm"]["state"] == "running"
    second = {"name": "second", "switch": "Default Switch", "mac_address": "00:15:5D:AA:BB:CC", "static_mac": True,
              "vlan_id": None}
    assert r["nic2"]["vm"]["network_adapters"][1] == second


def test_full_spec_copy_is_not_mutated():
    assert copy.deepcopy(FULL) == FULL


def test_generation1_ide_dvd_and_boot_order(hyperv_sim, tmp_path):
    """A generation 1 VM on a v2 host: IDE disks, the DVD drive on IDE 1:0, BIOS boot order."""
    sim = start(hyperv_sim)
    spec = {"name": "g1", "generation": 1, "cpu_count": 1, "memory_mb": 512,
            "disks": [{"path": "C:\\VMs\\g1.vhdx", "size_gb": 2}], "dvd": "C:\\ISO\\virtio-win.iso",
            "boot_order": ["cd", "ide", "net", "floppy"]}
    changed = dict(spec, boot_order=["ide", "cd", "net", "floppy"], dvd="",
                   disks=[{"path": "C:\\VMs\\g1.vhdx"}, {"path": "C:\\VMs\\g1-data.vhdx", "size_gb": 1,
                                                         "controller_number": 1}])
    steps = [dict(spec, id="create"), dict(spec, id="again"), dict(changed, id="change", diff=True),
             dict(changed, id="change-again")]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = by_id(results)
    for key in r:
        ok(r[key])
    vm = r["create"]["vm"]
    assert vm["generation"] == 1 and vm["secure_boot"] is None
    assert vm["disks"] == [{"path": "C:\\VMs\\g1.vhdx", "controller_type": "ide", "controller_number": 0,
                            "controller_location": 0}]
    assert vm["dvd"][0]["path"] == "C:\\ISO\\virtio-win.iso"
    assert r["again"]["changed"] is False, r["again"].get("changes")
    assert sorted(r["change"]["changes"]) == ["boot_order", "disks", "dvd"]
    assert r["change"]["diff"]["before"]["boot_order"] == ["cd", "ide", "net", "floppy"]
    assert r["change"]["diff"]["after"]["boot_order"] == ["ide", "cd", "net", "floppy"]
    assert r["change"]["vm"]["dvd"][0]["path"] is None
    assert r["change"]["vm"]["disks"][1] == {"path": "C:\\VMs\\g1-data.vhdx", "controller_type": "ide",
                                             "controller_number": 1, "controller_location": 1}
    assert r["change-again"]["changed"] is False, r["change-again"].get("changes")
