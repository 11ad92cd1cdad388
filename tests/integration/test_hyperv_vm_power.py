"""hyperv_vm power states: every transition from every stable state (off, running, saved, paused), on a v2
host and a 2008 R2 (v1) host, each followed by the same request again (must be changed=false)."""

from __future__ import annotations

import pytest

from tests.integration.hyperv_vm_harness import run_playbook, start, vm_names
from tests.simulator import pytest_plugin

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here

FROM = ("off", "running", "saved", "paused")
TARGETS = {"started": "running", "poweredoff": "off", "stopped": "off", "shutdown": "off", "paused": "paused",
           "saved": "saved", "restarted": "running"}


def cases():
    out = []
    for src in FROM:
        for target in ("started", "poweredoff", "stopped", "paused", "saved", "restarted"):
            out.append({"from": src, "to": target, "force": False})
        if src == "saved":
            out.append({"from": src, "to": "shutdown", "force": True})
        if src == "running":
            out.append({"from": src, "to": "restarted", "force": True})
    return out


def expected_error(case):
    """Cases that must fail, and a fragment of the message."""
    if case["from"] == "saved" and case["to"] == "stopped" and not case["force"]:
        return "set force: true"
    return None


@pytest.mark.parametrize("persona", ["2022", "2008r2"])
def test_every_transition(hyperv_sim, tmp_path, persona):
    """Four VMs, one per start state, driven in parallel; a case whose target is its start state is the
    idempotency check of that state (changed=false)."""
    sim = start(hyperv_sim, persona, vms=4)
    names = vm_names(sim)
    assert len(names) == 4
    groups = {"h_" + src: {"vm": names[i], "cases": [c for c in cases() if c["from"] == src]}
              for i, src in enumerate(FROM)}
    found, proc = run_playbook("transitions", sim, tmp_path, {"groups_of_cases": groups}, hosts=sorted(groups))
    assert proc.returncode == 0, proc.stdout[-4000:]
    results = [rec for host in sorted(found) for rec in found[host]]
    assert len(results) == len(cases())
    for rec in results:
        case, step = rec["case"], rec["step"]
        label = "%s: %s -> %s (force %s)" % (persona, case["from"], case["to"], case["force"])
        err = expected_error(case)
        if err:
            assert "vm" not in step, label
            assert err in step["msg"], (label, step["msg"])
            assert step["changed"] is False, label
            continue
        assert "msg" not in step or "vm" in step, (label, step.get("msg"))
        assert step["vm"]["state"] == TARGETS[case["to"]], (label, step["vm"])
        if case["to"] == "restarted":
            assert step["changed"] is True, label
        else:
            assert step["changed"] is (TARGETS[case["to"]] != case["from"]), label
        if step["changed"]:
            assert step["changes"] == ["state"], label
    # each VM is in the state its last case asked for, as the host sees it
    for host, group in groups.items():
        last = found[host][-1]["step"]
        vm = [v for v in sim.host.instances(sim.host.persona.namespaces[0], "Msvm_ComputerSystem")
              if v.properties.get("ElementName") == group["vm"]]
        assert len(vm) == 1
        assert last["vm"]["state_code"] == vm[0].properties["EnabledState"], host


def test_state_check_costs_one_request(hyperv_sim, tmp_path):
    """state=started on a running VM: one request on a v2 host (the module's counter and the host's log)."""
    sim = start(hyperv_sim)
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": [{"name": "web-01", "state": "started"}]})
    assert results[0]["vm"]["state"] == "running"
    sim.reset_stats()
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": [{"name": "web-01", "state": "started"}]})
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert results[0]["changed"] is False
    assert results[0]["round_trips"] == 1
    assert sim.stats()["total"] == 1
    assert results[0]["vm"]["name"] == "web-01"
    assert results[0]["vm"]["uuid"]


def test_check_mode_diff_and_wait_for_ip(hyperv_sim, tmp_path):
    sim = start(hyperv_sim)
    steps = [
        {"id": "check-off", "name": "web-01", "state": "poweredoff", "check": True, "diff": True},
        {"id": "check-restart", "name": "web-01", "state": "restarted", "check": True},
        {"id": "off", "name": "web-01", "state": "poweredoff", "diff": True},
        {"id": "start-ip", "name": "web-01", "state": "started", "wait_for_ip": True, "wait_timeout": 60},
    ]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    r = {x["item"]["id"]: x for x in results}
    for key in r:
        assert not r[key].get("msg"), (key, r[key].get("msg"))
    assert r["check-off"]["changed"] is True
    assert r["check-off"]["diff"] == {"before": {"state": "running"}, "after": {"state": "off"}}
    assert r["check-off"]["vm"]["state"] == "running"  # nothing changed
    assert r["check-restart"]["changed"] is True and r["check-restart"]["vm"]["state"] == "running"
    assert r["check-restart"]["round_trips"] == 1
    assert r["off"]["changed"] is True and r["off"]["vm"]["state"] == "off"
    assert r["off"]["diff"] == r["check-off"]["diff"]
    vm = r["start-ip"]["vm"]
    assert vm["state"] == "running"
    assert vm["ip_addresses"], vm
    assert all(":" not in a for a in vm["ip_addresses"][:1])
    assert vm["guest"]["fqdn"]


def test_guest_that_does_not_shut_down(hyperv_sim, tmp_path):
    """stopped: the guest's shutdown component never becomes ready -> a clear error after shutdown_timeout,
    and with force the VM is turned off."""
    sim = start(hyperv_sim)
    with sim.host.lock:
        for cs in sim.host.instances(sim.host.persona.namespaces[0], "Msvm_ComputerSystem"):
            if cs.properties.get("ElementName") == "web-01":
                cs.values["_guest_at"] = None  # integration services never come up
    steps = [{"id": "no-force", "name": "web-01", "state": "stopped", "shutdown_timeout": 2},
             {"id": "force", "name": "web-01", "state": "stopped", "shutdown_timeout": 2, "force": True}]
    results, proc = run_playbook("steps", sim, tmp_path, {"steps": steps})
    assert proc.returncode == 0, proc.stdout[-4000:]
    no_force, force = results
    assert "vm" not in no_force and no_force["changed"] is False
    assert "did not shut down" in no_force["msg"] and "not ready" in no_force["msg"], no_force["msg"]
    assert "set force: true" in no_force["msg"]
    assert not force.get("msg"), force.get("msg")
    assert force["changed"] is True and force["vm"]["state"] == "off"
