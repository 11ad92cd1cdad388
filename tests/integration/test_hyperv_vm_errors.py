"""hyperv_vm errors: each bad input gives a clear, specific message and changes nothing on the host."""

from __future__ import annotations

import json

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import vms
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import HypervConnection
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import connection_spec_from_params
from tests.integration.hyperv_vm_harness import PASSWORD, conn_vars, run_playbook, start, vm_names
from tests.simulator import pytest_plugin

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here

CASES = [
    # (id, options, fragments the message must contain)
    ("not-found-started", {"name": "nope", "state": "started"}, ["'nope' not found"]),
    ("not-found-paused", {"name": "nope", "state": "paused", "cpu_count": 1}, ["'nope' not found", "state=paused"]),
    ("not-found-uuid", {"uuid": "4EA7033C-356C-4EBA-9F77-1A3399CFCD72", "state": "restarted"}, ["not found"]),
    ("uuid-create", {"name": "x", "uuid": "4EA7033C-356C-4EBA-9F77-1A3399CFCD72", "cpu_count": 1},
     ["no virtual machine has uuid", "give only name"]),
    ("bad-uuid", {"uuid": "not-a-guid", "state": "started"}, ["uuid", "not a VM GUID"]),
    ("duplicate", {"name": "twin", "state": "started"}, ["2 virtual machines are named 'twin'", "uuid"]),
    ("wait-timeout-zero", {"name": "web-01", "wait_timeout": 0}, ["wait_timeout must be a positive number of seconds"]),
    ("shutdown-timeout-negative", {"name": "web-01", "shutdown_timeout": -5},
     ["shutdown_timeout must be a positive", "got -5"]),
    ("cpu-zero", {"name": "web-01", "cpu_count": 0}, ["cpu_count must be between 1 and 240", "got 0"]),
    ("cpu-huge", {"name": "web-01", "cpu_count": 1000}, ["cpu_count", "1000"]),
    ("memory-odd", {"name": "web-01", "memory_mb": 1025}, ["memory_mb must be an even number", "1025"]),
    ("memory-small", {"name": "web-01", "memory_mb": 16}, ["memory_mb", "16"]),
    ("dyn-range", {"name": "web-01", "memory_mb": 2048, "dynamic_memory": {"enabled": True, "minimum_mb": 4096}},
     ["minimum_mb (4096) must not exceed memory_mb (2048)"]),
    ("switch-missing", {"name": "web-01", "network_adapters": [{"switch": "NoSuchSwitch"}]},
     ["virtual switch 'NoSuchSwitch' not found", "Default Switch"]),
    ("disk-relative", {"name": "web-01", "disks": [{"path": "disk.vhdx"}]},
     ["disks[0].path", "not an absolute Windows path"]),
    ("disk-extension", {"name": "web-01", "disks": [{"path": "C:\\VMs\\disk.txt"}]}, ["disks[0].path", ".vhdx"]),
    ("disk-missing", {"name": "web-01", "disks": [{"path": "C:\\VMs\\absent.vhdx"}]},
     ["does not exist", "size_gb"]),
    ("dvd-bad", {"name": "web-01", "dvd": "C:/ISO/x.img"}, ["dvd", ".iso"]),
    ("mac-bad", {"name": "web-01", "network_adapters": [{"switch": "Default Switch", "mac": "zz:zz"}]},
     ["network_adapters[0].mac", "not a MAC address"]),
    ("vlan-bad", {"name": "web-01", "network_adapters": [{"switch": "Default Switch", "vlan_id": 5000}]},
     ["vlan_id must be between 1 and 4094"]),
    ("gen-change", {"name": "web-01", "generation": 2}, ["is generation 1", "cannot be changed"]),
    ("secure-boot-gen1", {"name": "web-01", "secure_boot": True}, ["secure_boot", "generation 2 VMs only"]),
    ("boot-order-gen2", {"name": "app-01", "boot_order": ["ide"]}, ["boot_order", "generation 1"]),
    ("create-missing-disk", {"name": "half", "cpu_count": 2, "network_adapters": [{"switch": "Default Switch"}],
                             "dvd": "C:\\ISO\\missing.iso"}, ["missing.iso", "removed again"]),
]


def test_errors_are_clear_and_change_nothing(hyperv_sim, tmp_path):
    sim = start(hyperv_sim, vms=3)
    spec = connection_spec_from_params(dict(conn_vars(sim), uri=None, auth="basic", validate_certs=None,
                                            ca_path=None, client_cert=None, client_key=None,
                                            connection_timeout=10, namespace="auto"), environ={})
    conn = HypervConnection.open(spec)
    vms.define(conn, "twin", generation=1)
    vms.define(conn, "twin", generation=1)
    conn.close()
    before = json.dumps(sim.host.to_json(), sort_keys=True, default=str)
    steps = [dict(case[1], id=case[0]) for case in CASES]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert len(results) == len(CASES)
    for case, res in zip(CASES, results, strict=True):
        cid, fragments = case[0], case[2]
        assert res["item"]["id"] == cid
        assert "vm" not in res, (cid, res.get("vm"))
        assert res["changed"] is False, cid
        for frag in fragments:
            assert frag in res["msg"], (cid, res["msg"])
    # the half-created VM was rolled back; nothing else changed either
    names = vm_names(sim)
    assert "half" not in names
    after = json.loads(json.dumps(sim.host.to_json(), sort_keys=True, default=str))
    before = json.loads(before)
    vms_before = {k: v for k, v in before.items() if k != "events"}
    vms_after = {k: v for k, v in after.items() if k != "events"}
    assert sorted(vms_before) == sorted(vms_after)


def test_wrong_password(hyperv_sim, tmp_path):
    sim = start(hyperv_sim, vms=1)
    wrong = "Wr0ng-Pa55word!"
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": [{"id": "x", "name": "web-01",
                                                                    "state": "started"}]}, password=wrong)
    msg = results[0]["msg"]
    assert "authentication failed" in msg.lower() or "credentials" in msg.lower(), msg
    assert "admin" in msg
    assert wrong not in proc.stdout + proc.stderr + json.dumps(results)
    assert PASSWORD not in proc.stdout + proc.stderr
