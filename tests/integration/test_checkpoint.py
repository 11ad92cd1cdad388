"""hyperv_checkpoint end to end (ansible-playbook → module → simulator), both personalities,
and the checkpoints as hyperv_vm_info lists them."""

from __future__ import annotations

import pytest

from tests.integration.harness_modules import pick_vm, run_playbook, run_tasks
from tests.simulator.pytest_plugin import hyperv_sim  # noqa: F401  pylint: disable=unused-import


@pytest.fixture(params=["2022", "2008r2"])
def sim(request, hyperv_sim):  # noqa: F811
    return hyperv_sim(persona=request.param, vms=3)


def seed(sim, cs, *names):
    """Checkpoints made on the host itself, each a child of the one before; returns their ids."""
    from tests.simulator.model.snapshots import create_snapshot

    with sim.host.lock:
        return [create_snapshot(sim.host, cs, name).values["InstanceID"] for name in names]


def cp(vm, checkpoint, **args):
    return {"module": "hyperv_checkpoint", "args": dict(name=vm, checkpoint=checkpoint, **args)}


def names(result):
    return [c["name"] for c in result["checkpoints"]]


def info(vm):
    return {"module": "hyperv_vm_info", "args": {"names": [vm], "include": ["checkpoints"]}}


def test_existing_checkpoints_apply_remove_subtree(sim, tmp_path):
    cs = pick_vm(sim, "off")
    vm = cs.values["ElementName"]
    base_id, child_id = seed(sim, cs, "base", "child")
    res = run_tasks(sim, tmp_path, [
        cp(vm, "base"),                                   # 0 exists: no change
        info(vm),                                         # 1 listed by hyperv_vm_info
        dict(cp(vm, "base", state="applied"), diff=True),  # 2 revert
        dict(cp(vm, "base", state="absent", subtree=True), check_mode=True),  # 3 would remove both
        cp(vm, "base", state="absent", subtree=True),     # 4 remove both
        cp(vm, "base", state="absent"),                   # 5 gone already
    ])
    for i, r in enumerate(res):
        assert not r.get("failed"), (i, r)
    present, listed, applied, check_rm, removed, gone = res
    assert present["changed"] is False and present["checkpoint"]["id"] == base_id
    assert present["checkpoint"]["parent_id"] is None or present["checkpoint"]["parent_id"] != base_id
    listed_cps = {c["name"]: c for c in listed["vms"][0]["checkpoints"]}
    assert listed_cps["base"]["id"] == base_id and listed_cps["base"]["created"]
    assert listed_cps["child"]["id"] == child_id and listed_cps["child"]["parent_id"] == base_id
    assert applied["changed"] is True
    assert check_rm["changed"] is True and sorted(check_rm["removed"]) == ["base", "child"]
    assert "base" in names(check_rm)  # check mode removed nothing
    assert removed["changed"] is True and sorted(removed["removed"]) == ["base", "child"]
    assert "base" not in names(removed) and "child" not in names(removed)
    assert gone["changed"] is False


def test_remove_one_keeps_children(sim, tmp_path):
    cs = pick_vm(sim, "off")
    a_id, b_id = seed(sim, cs, "a", "b")
    (res,) = run_tasks(sim, tmp_path, [cp(cs.values["ElementName"], "a", state="absent")])
    assert not res.get("failed"), res
    assert res["changed"] is True and res["removed"] == ["a"]
    remaining = {c["name"]: c for c in res["checkpoints"]}
    assert "a" not in remaining and remaining["b"]["id"] == b_id


def test_create_and_name(sim, tmp_path):
    vm = pick_vm(sim, "off").values["ElementName"]
    res = run_tasks(sim, tmp_path, [
        dict(cp(vm, "made"), check_mode=True),
        cp(vm, "made"),
        cp(vm, "made"),
        cp(vm, "second"),
    ])
    check, made, again, second = res
    assert check["changed"] is True and "made" not in names(check)
    assert not made.get("failed"), made
    assert made["changed"] is True and made["checkpoint"]["name"] == "made"
    assert again["changed"] is False and again["checkpoint"]["id"] == made["checkpoint"]["id"]
    assert second["checkpoint"]["parent_id"] == made["checkpoint"]["id"]


def test_refusals(sim, tmp_path):
    cs = pick_vm(sim, "running")
    running = cs.values["ElementName"]
    seed(sim, cs, "r1")
    res = run_tasks(sim, tmp_path, [
        cp(running, "r1", state="applied"),
        cp(running, "nope", state="applied"),
        cp("no-such-vm", "x"),
        cp(running, "x" * 101),
        cp(running, "r1", state="present", subtree=True),
        cp(running, "r2", timeout=0),
    ])
    applied, unknown, novm, toolong, subtree, notime = res
    assert applied["failed"] is True and "is running" in applied["msg"] and "turn it off or save it" in applied["msg"]
    assert unknown["failed"] is True and "has no checkpoint named 'nope'" in unknown["msg"] and "'r1'" in unknown["msg"]
    assert novm["failed"] is True and "'no-such-vm' does not exist" in novm["msg"]
    assert toolong["failed"] is True and "at most 100" in toolong["msg"] and toolong["round_trips"] == 0
    assert subtree["failed"] is True and "subtree only applies to state=absent" in subtree["msg"]
    assert notime["failed"] is True and notime["round_trips"] == 0
    assert notime["msg"] == "timeout must be a positive number of seconds, got 0"


def test_duplicate_names_are_refused(sim, tmp_path):
    cs = pick_vm(sim, "off")
    ids = seed(sim, cs, "dup", "dup")
    (dup,) = run_tasks(sim, tmp_path, [cp(cs.values["ElementName"], "dup", state="absent")])
    assert dup["failed"] is True and "2 checkpoints named 'dup'" in dup["msg"]
    assert all(i in dup["msg"] for i in ids)


def test_playbook(sim, tmp_path):
    vm = pick_vm(sim, "off").values["ElementName"]
    proc = run_playbook(sim, "hyperv_checkpoint/main.yml", tmp_path, {"vm_name": vm})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
