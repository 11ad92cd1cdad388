"""hyperv_vm_keyboard end to end (ansible-playbook → module → simulator), both personalities."""

from __future__ import annotations

import pytest

from tests.integration.harness_modules import pick_vm, run_playbook, run_tasks
from tests.simulator.pytest_plugin import hyperv_sim  # noqa: F401  pylint: disable=unused-import


def vm_by_state(sim, state):
    return pick_vm(sim, state, exclude=() if state == "running" else (pick_vm(sim, "running").values["ElementName"],))


def typed(cs):
    return list(cs.values.get("_typed") or [])


@pytest.fixture(params=["2022", "2008r2"])
def sim(request, hyperv_sim):  # noqa: F811
    return hyperv_sim(persona=request.param, vms=3)


def kb(name, **args):
    return {"module": "hyperv_vm_keyboard", "args": dict(name=name, **args)}


def test_text_scancodes_ctrl_alt_del_on_running_vm(sim, tmp_path):
    vm = vm_by_state(sim, "running")
    name = vm.values["ElementName"]
    v1 = sim.host.persona.name == "2008r2"
    res = run_tasks(sim, tmp_path, [
        kb(name, text="Ab1!\n"),
        kb(name, ctrl_alt_del=True),
        kb(name, scancodes=[0x1D, 0x9D]),
    ])
    text, cad, codes = res
    assert not text.get("failed"), text
    assert text["changed"] is True and text["action"] == "text"
    assert text["vm"] == {"name": name, "uuid": vm.values["Name"]}
    assert not cad.get("failed") and cad["changed"] is True and cad["calls"] == 1
    log = typed(vm)
    if v1:
        # 2008 R2 has no TypeText: A needs Shift, ! needs Shift (0x31 with Shift), \n is Enter (0x0D)
        assert text["calls"] == 9
        assert log[:9] == [["key", 0x10], ["key", 0x41], ["key", 0x10], ["key", 0x42], ["key", 0x31],
                           ["key", 0x10], ["key", 0x31], ["key", 0x10], ["key", 0x0D]]
        assert log[9] == ["ctrlaltdel", None]
        assert codes["failed"] is True
        assert "not supported on Hyper-V 2008 R2" in codes["msg"]
        assert len(typed(vm)) == 10  # nothing sent for the refused scan codes
    else:
        assert text["calls"] == 1
        assert log == [["text", "Ab1!\n"], ["ctrlaltdel", None], ["scancodes", [0x1D, 0x9D]]]
        assert not codes.get("failed") and codes["changed"] is True
        assert text["round_trips"] <= 3


def test_bad_input_is_refused_before_any_request(sim, tmp_path):
    vm = vm_by_state(sim, "running")
    name = vm.values["ElementName"]
    sim.reset_stats()
    res = run_tasks(sim, tmp_path, [
        kb(name, text="caf\u00e9"),
        kb(name, scancodes=[1, 256]),
        kb(name, ctrl_alt_del=False),
        {"module": "hyperv_vm_keyboard", "args": {"name": name, "text": "a", "ctrl_alt_del": True}},
    ])
    assert "position 3" in res[0]["msg"] and "ASCII" in res[0]["msg"]
    assert "scancodes[1] is 256" in res[1]["msg"]
    assert "nothing to send" in res[2]["msg"]
    assert "mutually exclusive" in res[3]["msg"]
    assert all(r["failed"] for r in res)
    assert sim.stats()["total"] == 0
    assert typed(vm) == []


def test_playbook(sim, tmp_path):
    vm = vm_by_state(sim, "running")
    proc = run_playbook(sim, "hyperv_vm_keyboard/main.yml", tmp_path,
                        {"vm_name": vm.values["ElementName"], "hyperv_v1": sim.host.persona.name == "2008r2"})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert typed(vm)[-1] == ["ctrlaltdel", None]


def test_vm_selection_state_and_check_mode(sim, tmp_path):
    """One play: unknown VM, VM that is off, check mode, selection by uuid, contradicting name."""
    vm = vm_by_state(sim, "running")
    off = vm_by_state(sim, "off")
    guid = vm.values["Name"]
    res = run_tasks(sim, tmp_path, [
        kb("no-such-vm", text="x"),
        kb(off.values["ElementName"], text="hello"),
        dict(kb(vm.values["ElementName"], ctrl_alt_del=True), check_mode=True),
        {"module": "hyperv_vm_keyboard", "args": {"uuid": guid.lower(), "text": "x"}},
        {"module": "hyperv_vm_keyboard", "args": {"uuid": guid, "name": "someone-else", "text": "y"}},
        {"module": "hyperv_vm_keyboard", "args": {"uuid": "not-a-guid", "text": "z"}},
    ])
    unknown, is_off, check, by_uuid, mismatch, bad = res
    assert unknown["failed"] is True and "'no-such-vm' does not exist" in unknown["msg"]
    assert is_off["failed"] is True and "is off" in is_off["msg"] and "running" in is_off["msg"]
    assert typed(off) == []
    assert check["changed"] is True and not check.get("failed")
    assert not by_uuid.get("failed"), by_uuid
    assert by_uuid["vm"]["name"] == vm.values["ElementName"]
    assert mismatch["failed"] and "is virtual machine %r, not 'someone-else'" % vm.values["ElementName"] in mismatch["msg"]
    assert bad["failed"] and "not a VM GUID" in bad["msg"]
    # only the uuid task typed: check mode sent nothing, the refused ones neither
    assert typed(vm) == ([["key", 0x58]] if sim.host.persona.name == "2008r2" else [["text", "x"]])
