"""hyperv_vm boot_order on generation 2 VMs (VSSD.BootSourceOrder) against the simulator: set at creation,
idempotent, reordered with check and diff mode, needs the VM off (force), clear errors for generation 1
device names. The order is read back from the simulated host's model, not through the module."""

from __future__ import annotations

import re

from tests.integration.hyperv_vm_harness import run_playbook, start
from tests.simulator import pytest_plugin

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here

REALIZED = "Microsoft:Hyper-V:System:Realized"
SPEC = {
    "name": "g2",
    "generation": 2,
    "cpu_count": 1,
    "memory_mb": 1024,
    "disks": [{"path": "C:\\VMs\\g2.vhdx", "size_gb": 2}],
    "dvd": "C:\\ISO\\virtio-win.iso",
    "network_adapters": [{"name": "lan", "switch": "Default Switch"}],
    "boot_order": ["cd", "disk"],
}


def boot_kinds(sim, vm_name):
    """The VM's BootSourceOrder as the simulated host holds it, each entry named by the kind of its device."""
    host = sim.host
    ns = host.persona.namespaces[0]
    guid = next(v.properties["Name"] for v in host.instances(ns, "Msvm_ComputerSystem")
                if v.properties["ElementName"] == vm_name)
    vssd = next(v for v in host.instances(ns, "Msvm_VirtualSystemSettingData")
                if v.properties.get("VirtualSystemIdentifier") == guid
                and v.properties.get("VirtualSystemType") == REALIZED)
    drives = {r.properties["InstanceID"].lower(): r.properties["ResourceSubType"]
              for r in host.instances(ns, "Msvm_ResourceAllocationSettingData")}
    nics = {n.properties["InstanceID"].lower() for n in host.instances(ns, "Msvm_SyntheticEthernetPortSettingData")}
    kinds = []
    for path in vssd.properties.get("BootSourceOrder") or []:
        iid = re.search(r'InstanceID="(.*)"', path).group(1).replace("\\\\", "\\").lower()
        device = iid[: -len("\\b")]
        if device in drives:
            kinds.append("cd" if "DVD" in drives[device] else "disk")
        else:
            kinds.append("net" if device in nics else "file")
    return kinds


def by_id(results):
    return {r["item"]["id"]: r for r in results}


def test_generation2_boot_order(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    steps = [
        dict(SPEC, id="create"),
        dict(SPEC, id="again"),
        {"id": "net-check", "name": "g2", "boot_order": ["net"], "check": True, "diff": True},
        {"id": "net", "name": "g2", "boot_order": ["net"], "diff": True},
        {"id": "net-again", "name": "g2", "boot_order": ["net", "cd"]},
        {"id": "start", "name": "g2", "state": "started"},
        {"id": "running", "name": "g2", "boot_order": ["disk"]},
        {"id": "force", "name": "g2", "boot_order": ["disk"], "force": True},
        {"id": "force-again", "name": "g2", "boot_order": ["disk", "net"]},
        {"id": "ide", "name": "g2", "boot_order": ["ide", "cd"]},
        {"id": "twice", "name": "g2", "boot_order": ["cd", "cd"]},
    ]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = by_id(results)
    for key in ("create", "again", "net-check", "net", "net-again", "start", "force", "force-again"):
        assert not r[key].get("msg"), (key, r[key].get("msg"))
    # creation: the devices' boot sources exist only once the devices are added; the order is set after them
    assert r["create"]["changed"] is True
    assert r["again"]["changed"] is False, r["again"].get("changes")
    # check mode and diff: the whole resulting order; nothing changes on the host
    assert r["net-check"]["changed"] is True
    assert r["net-check"]["diff"]["before"]["boot_order"] == ["cd", "disk", "net"]
    assert r["net-check"]["diff"]["after"]["boot_order"] == ["net", "cd", "disk"]
    assert r["net"]["changed"] is True and r["net"]["changes"] == ["boot_order"]
    assert r["net-again"]["changed"] is False, r["net-again"].get("changes")
    # a running VM: the change needs it off; force turns it off, applies, and starts it again
    assert "needs it off" in r["running"]["msg"] and "boot_order" in r["running"]["msg"]
    assert r["force"]["changed"] is True and r["force"]["vm"]["state"] == "running"
    assert r["force-again"]["changed"] is False, r["force-again"].get("changes")
    assert boot_kinds(sim, "g2") == ["disk", "net", "cd"]
    # generation 1 device names and duplicates are refused before anything changes
    assert "generation 2 VMs boot from cd, disk, net, file" in r["ide"]["msg"]
    assert "ide is not one of them" in r["ide"]["msg"]
    assert "once" in r["twice"]["msg"]
    assert boot_kinds(sim, "g2") == ["disk", "net", "cd"]


def test_creation_order_is_on_the_host(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": [dict(SPEC, id="create")]})
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert not by_id(results)["create"].get("msg")
    assert boot_kinds(sim, "g2") == ["cd", "disk", "net"]


def test_generation1_names_gen2_kinds_refused(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    steps = [{"id": "g1", "name": "g1", "generation": 1, "memory_mb": 512, "boot_order": ["disk", "cd"]}]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    msg = by_id(results)["g1"]["msg"]
    assert "generation 1" in msg and "disk" in msg, msg
    assert "g1" not in [v.properties["ElementName"] for v in sim.host.instances(
        sim.host.persona.namespaces[0], "Msvm_ComputerSystem")]
