"""hyperv_vm_info and hyperv_host_info end to end (ansible-playbook → module → simulator),
both personalities, with the request counts the simulator logged."""

from __future__ import annotations

import pytest

from tests.integration.harness_modules import pick_vm, run_playbook, run_tasks, vms_of
from tests.simulator.pytest_plugin import hyperv_sim  # noqa: F401  pylint: disable=unused-import

PERSONAS = {"2022": ("2022", "root/virtualization/v2", "10.0.20348"),
            "2008r2": ("2008 R2", "root/virtualization", "6.1.7601")}


@pytest.fixture(params=["2022", "2008r2"])
def sim(request, hyperv_sim):  # noqa: F811
    return hyperv_sim(persona=request.param, vms=3, switches=2)


def vm_info(**args):
    return {"module": "hyperv_vm_info", "args": args}


def test_host_info(sim, tmp_path):
    release, namespace, version = PERSONAS[sim.host.persona.name]
    sim.reset_stats()
    (res,) = run_tasks(sim, tmp_path, [{"module": "hyperv_host_info", "args": {}}])
    assert not res.get("failed"), res
    host = res["host"]
    assert host["name"] == "HV-SIM01" and host["dns_hostname"] == "hv-sim01"
    assert host["hyperv_version"] == release and host["namespace"] == namespace and host["os_version"] == version
    assert host["memory_total_mb"] == sim.host.info["memory_mb"]
    assert 0 < host["memory_free_mb"] < host["memory_total_mb"]
    assert host["logical_processors"] == sim.host.info["logical"]
    assert host["processor_sockets"] == sim.host.info["sockets"]
    assert host["vm_count"] == len(vms_of(sim)) == 3
    assert sorted(s["name"] for s in host["switches"]) == ["Default Switch", "External"]
    if namespace.endswith("v2"):
        assert host["default_vm_path"] and host["default_vhd_path"]
        assert {s["switch_type"] for s in host["switches"]} == {"internal", "external"}
        assert host["numa_spanning"] in (True, False)
    assert res["round_trips"] == sim.stats()["total"] <= 9
    (lean,) = run_tasks(sim, tmp_path, [{"module": "hyperv_host_info", "args": {"include_switches": False}}])
    assert lean["host"]["switches"] is None and lean["round_trips"] < res["round_trips"]


def test_vm_info_all_and_filters(sim, tmp_path):
    running = pick_vm(sim, "running")
    off = pick_vm(sim, "off", exclude=(running.values["ElementName"],))
    names = sorted(cs.values["ElementName"] for cs in vms_of(sim))
    res = run_tasks(sim, tmp_path, [
        vm_info(),                                                  # 0 all
        vm_info(names=[off.values["ElementName"]]),                 # 1 exact
        vm_info(names=["WEB-*", "db-0?"]),                          # 2 globs, case-insensitive
        vm_info(states=["running"]),                                # 3 state
        vm_info(uuids=[off.values["Name"]], include=["config"]),    # 4 uuid, part
        vm_info(uuids=["not-a-guid"]),                              # 5 bad uuid
        vm_info(names=["no-such-vm"]),                              # 6 nothing
    ])
    for r in res[:5]:
        assert not r.get("failed"), r
    all_vms = res[0]["vms"]
    assert [v["name"] for v in all_vms] == names
    by_name = {v["name"]: v for v in all_vms}
    on = by_name[running.values["ElementName"]]
    assert on["uuid"] == running.values["Name"] and on["state"] == "running" and on["state_code"] == 2
    assert on["uptime_seconds"] > 0 and on["host"] == "HV-SIM01"
    assert on["cpu_count"] >= 1 and on["memory_mb"] >= 1 and on["generation"] in (1, 2)
    assert on["disks"] and on["network_adapters"] and on["network_adapters"][0]["switch"]
    assert by_name[off.values["ElementName"]]["state"] == "off"
    assert by_name[off.values["ElementName"]]["ip_addresses"] == []
    assert [v["name"] for v in res[1]["vms"]] == [off.values["ElementName"]]
    assert sorted(v["name"] for v in res[2]["vms"]) == sorted(n for n in names if n.startswith(("web-", "db-0")))
    assert all(v["state"] == "running" for v in res[3]["vms"]) and on["name"] in [v["name"] for v in res[3]["vms"]]
    (only,) = res[4]["vms"]
    assert only["uuid"] == off.values["Name"] and only["disks"] == [] and only["checkpoints"] == []
    assert only["cpu_count"] == by_name[off.values["ElementName"]]["cpu_count"]
    assert res[4]["round_trips"] <= res[0]["round_trips"]
    assert res[5]["failed"] is True and "not-a-guid" in res[5]["msg"] and res[5]["round_trips"] == 0
    assert res[6]["vms"] == []


def _enumerations(sim):
    actions = sim.stats()["actions"]
    return sum(n for a, n in actions.items() if a != "Pull"), actions.get("Pull", 0)


@pytest.mark.parametrize("persona", ["2022", "2008r2"])
def test_vm_info_requests_do_not_grow_with_vms(hyperv_sim, tmp_path, persona):  # noqa: F811
    counts = {}
    for n in (3, 200):
        sim = hyperv_sim(persona=persona, vms=n, switches=2)
        sim.reset_stats()
        (res,) = run_tasks(sim, tmp_path, [vm_info()])
        assert len(res["vms"]) == n
        assert res["round_trips"] == sim.stats()["total"]
        counts[n] = _enumerations(sim)
    # no per-VM request: the same queries for 3 and for 200 VMs; only the Pulls grow
    assert counts[3][0] == counts[200][0], counts
    assert counts[200][1] >= counts[3][1]


def test_vm_info_at_most_six_requests_plus_pulls(hyperv_sim, tmp_path):  # noqa: F811
    sim = hyperv_sim(persona="2022", vms=200, switches=2)
    sim.reset_stats()
    run_tasks(sim, tmp_path, [vm_info()])
    assert _enumerations(sim)[0] <= 6


def test_playbook(sim, tmp_path):
    proc = run_playbook(sim, "hyperv_vm_info/main.yml", tmp_path, {"vm_count": 3})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
