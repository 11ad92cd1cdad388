"""hyperv_switch and hyperv_switch_info end to end (ansible-playbook → module → simulator)."""

from __future__ import annotations

import pytest

from tests.integration.harness_modules import run_playbook, run_tasks
from tests.simulator.pytest_plugin import hyperv_sim  # noqa: F401  pylint: disable=unused-import

NIC1 = "Intel(R) Ethernet Controller X710 for 10GbE SFP+"  # bound to the switch "External"
NIC2 = NIC1 + " #2"
NIC3 = NIC1 + " #3"


def sw(name, **args):
    return {"module": "hyperv_switch", "args": dict(name=name, **args)}


def info(name=None):
    return {"module": "hyperv_switch_info", "args": {"name": name} if name else {}}


@pytest.fixture
def v2(hyperv_sim):  # noqa: F811
    # 4 switches: Default Switch (internal), External (external on NIC1), vSwitch-2 (private), vSwitch-3
    # (internal); three physical adapters
    return hyperv_sim(persona="2022", vms=3, switches=4)


@pytest.fixture
def v1(hyperv_sim):  # noqa: F811
    return hyperv_sim(persona="2008r2", vms=3, switches=2)


def test_info_v2(v2, tmp_path):
    (res,) = run_tasks(v2, tmp_path, [info()])
    by_name = {s["name"]: s for s in res["switches"]}
    assert set(by_name) == {"Default Switch", "External", "vSwitch-2", "vSwitch-3"}
    ext = by_name["External"]
    assert ext["switch_type"] == "external" and ext["net_adapter_name"] == NIC1 and ext["allow_management_os"] is True
    assert by_name["vSwitch-2"]["switch_type"] == "private" and by_name["vSwitch-2"]["allow_management_os"] is False
    assert by_name["Default Switch"]["switch_type"] == "internal"
    # every VM adapter is connected somewhere; the counts match the VMs listed
    assert sum(s["connected_adapters"] for s in res["switches"]) == 3
    assert sorted(v for s in res["switches"] for v in s["connected_vms"]) == ["app-01", "db-01", "web-01"]
    assert res["round_trips"] <= 6
    (one,) = run_tasks(v2, tmp_path, [info("external")])  # case-insensitive
    assert [s["name"] for s in one["switches"]] == ["External"]


def test_life_cycle_v2(v2, tmp_path):
    res = run_tasks(v2, tmp_path, [
        dict(sw("lab", switch_type="private", notes="lab net"), check_mode=True),        # 0
        info("lab"),                                                                        # 1
        dict(sw("lab", switch_type="private", notes="lab net"), diff=True),              # 2 create
        sw("lab", switch_type="private", notes="lab net"),                                 # 3 idempotent
        sw("lab", notes="changed notes"),                                                  # 4 notes only
        sw("lab", switch_type="internal"),                                                 # 5 private -> internal
        sw("lab", switch_type="external", net_adapter_name=NIC2, allow_management_os=False),  # 6 -> external
        sw("lab", switch_type="external", net_adapter_name=NIC2, allow_management_os=False),  # 7 idempotent
        sw("lab", switch_type="external", net_adapter_name=NIC3),                         # 8 other NIC
        info("lab"),                                                                        # 9
        sw("lab", state="absent"),                                                         # 10
        sw("lab", state="absent"),                                                         # 11
        info("lab"),                                                                        # 12
    ])
    for i, r in enumerate(res):
        assert not r.get("failed"), (i, r)
    assert res[0]["changed"] is True and res[0]["switch"]["switch_type"] == "private"
    assert res[1]["switches"] == []  # check mode created nothing
    made = res[2]["switch"]
    assert res[2]["changed"] is True and made["switch_type"] == "private" and made["notes"] == "lab net"
    assert res[2]["diff"]["before"] == {} and res[2]["diff"]["after"]["switch_type"] == "private"
    assert res[3]["changed"] is False and res[3]["switch"]["uuid"] == made["uuid"]
    assert res[4]["changed"] is True and res[4]["switch"]["notes"] == "changed notes"
    assert res[4]["switch"]["switch_type"] == "private"
    assert res[5]["changed"] is True and res[5]["switch"]["switch_type"] == "internal"
    assert res[5]["switch"]["allow_management_os"] is True
    ext = res[6]["switch"]
    assert res[6]["changed"] is True and ext["switch_type"] == "external" and ext["net_adapter_name"] == NIC2
    assert ext["allow_management_os"] is False and ext["uuid"] == made["uuid"]
    assert res[7]["changed"] is False
    assert res[8]["changed"] is True and res[8]["switch"]["net_adapter_name"] == NIC3
    assert res[8]["switch"]["allow_management_os"] is False  # not set: the switch keeps its setting
    assert res[9]["switches"][0]["net_adapter_name"] == NIC3 and res[9]["switches"][0]["notes"] == "changed notes"
    assert res[10]["changed"] is True and res[10]["switch"] is None
    assert res[11]["changed"] is False
    assert res[12]["switches"] == []


def test_refusals_v2(v2, tmp_path):
    v2.reset_stats()
    early = run_tasks(v2, tmp_path, [
        sw("x", switch_type="external"),
        sw("x", switch_type="private", net_adapter_name=NIC2),
        sw("x", switch_type="internal", allow_management_os=False),
        sw("x" * 101, switch_type="private"),
        sw("x", switch_type="private", timeout=0),
    ])
    assert "needs net_adapter_name" in early[0]["msg"]
    assert "net_adapter_name only applies to switch_type=external" in early[1]["msg"]
    assert "allow_management_os only applies" in early[2]["msg"]
    assert "at most 100" in early[3]["msg"]
    assert early[4]["msg"] == "timeout must be a positive number of seconds, got 0"
    assert all(r["failed"] and r["round_trips"] == 0 for r in early)
    assert v2.stats()["total"] == 0
    res = run_tasks(v2, tmp_path, [
        sw("y", switch_type="external", net_adapter_name=NIC1),     # bound to "External" already
        sw("y", switch_type="external", net_adapter_name="No Such NIC"),
        sw("y"),                                                     # create without a type
        sw("External", state="absent"),                              # VM db-01 is connected
        info(),
    ])
    bound, unknown, notype, connected, after = res
    assert bound["failed"] and "already bound to another virtual switch" in bound["msg"]
    assert unknown["failed"] and "'No Such NIC' not found" in unknown["msg"] and NIC2 in unknown["msg"]
    assert notype["failed"] and "switch_type is required" in notype["msg"]
    assert connected["failed"] and "still has 1 connected network adapter" in connected["msg"]
    assert "force=true" in connected["msg"]
    assert {s["name"] for s in after["switches"]} == {"Default Switch", "External", "vSwitch-2", "vSwitch-3"}
    (forced,) = run_tasks(v2, tmp_path, [sw("External", state="absent", force=True)])
    assert forced["changed"] is True


def test_v1(v1, tmp_path):
    res = run_tasks(v1, tmp_path, [
        info(),                                              # 0
        sw("lab", switch_type="private"),                    # 1 create
        sw("lab", switch_type="private"),                    # 2 idempotent
        sw("lab2", switch_type="internal"),                  # 3 not supported
        sw("lab2", switch_type="external", net_adapter_name=NIC1),  # 4 not supported
        sw("lab", notes="x"),                                # 5 not supported
        sw("Default Switch", state="absent"),                # 6 connected adapters
        sw("lab", state="absent"),                           # 7
        info("lab"),                                         # 8
    ])
    listed, made, again, internal, external, notes, connected, removed, gone = res
    assert {s["name"] for s in listed["switches"]} == {"Default Switch", "External"}
    assert all(s["switch_type"] is None and s["notes"] is None for s in listed["switches"])
    assert sum(s["connected_adapters"] for s in listed["switches"]) == 3
    assert not made.get("failed") and made["changed"] is True and made["switch"]["name"] == "lab"
    assert again["changed"] is False and again["switch"]["uuid"] == made["switch"]["uuid"]
    for r in (internal, external, notes):
        assert r["failed"] is True and "not supported on Hyper-V 2008 R2" in r["msg"], r
    assert connected["failed"] and "connected network adapter" in connected["msg"]
    assert removed["changed"] is True
    assert gone["switches"] == []


@pytest.mark.parametrize("persona", ["2022", "2008r2"])
def test_playbook(hyperv_sim, tmp_path, persona):  # noqa: F811
    sim = hyperv_sim(persona=persona, vms=2, switches=1)
    proc = run_playbook(sim, "hyperv_switch/main.yml", tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
