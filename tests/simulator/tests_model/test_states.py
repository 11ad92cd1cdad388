import pytest

from tests.simulator.errors import NotFound
from tests.simulator.model.vms import set_state

from .conftest import NS, finish, invoke, job_of, vms

# G8 / table 6.3: allowed (from EnabledState, RequestedState) -> (transitional, final EnabledState)
ALLOWED = {
    (3, 2): (10, 2),
    (6, 2): (10, 2),
    (9, 2): (32777, 2),
    (2, 3): (4, 3),
    (9, 3): (4, 3),
    (6, 3): (4, 3),
    (2, 6): (32773, 6),
    (9, 6): (32773, 6),
    (2, 9): (32776, 9),
    (2, 10): (10, 2),
    (2, 11): (10, 2),
    (2, 4): (4, 3),
}
STABLE = {"off": 3, "running": 2, "saved": 6, "paused": 9}
REQUESTS = [2, 3, 4, 6, 7, 8, 9, 10, 11, 32768, 32769, 32773, 32776, 32777]


def _vm_in(host, state):
    vm = vms(host)[0]
    set_state(host, vm, state, initial=True)
    return vm


@pytest.mark.parametrize("state", list(STABLE))
@pytest.mark.parametrize("requested", REQUESTS)
def test_transition_table(host, clock, state, requested):
    vm = _vm_in(host, state)
    rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=requested)
    expected = ALLOWED.get((STABLE[state], requested))
    if expected is None:
        assert rv in (32775, 32773)
        assert out.get("Job") is None
        assert vm.properties["EnabledState"] == STABLE[state]
        return
    assert rv == 4096
    assert vm.properties["EnabledState"] == expected[0]
    assert vm.properties["RequestedState"] == requested
    job = job_of(host, out)
    assert job.properties["JobState"] == 4
    done = finish(host, clock, out)
    assert done.properties["JobState"] == 7 and done.properties["ErrorCode"] == 0
    assert vm.properties["EnabledState"] == expected[1]
    assert vm.properties["RequestedState"] in (5, 12)


def test_same_state_is_32775_and_unknown_value_32773(host):
    vm = _vm_in(host, "running")
    assert invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)[0] == 32775
    assert invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=1234)[0] == 32773


def test_busy_vm_refuses_a_second_change(host):
    vm = _vm_in(host, "off")
    assert invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)[0] == 4096
    assert invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=3)[0] == 32775


def test_job_progress_and_removal(host, clock):
    host.timing.transition_s = 10
    vm = _vm_in(host, "off")
    _rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    clock.advance(5)
    job = job_of(host, out)
    p = job.properties
    assert p["JobState"] == 4 and 40 <= p["PercentComplete"] <= 60 and p["JobType"] == 12
    assert [a.ref() for a in host.associators(NS, job, "Msvm_AffectedJobElement")] == [vm.ref()]
    clock.advance(6)
    assert job.properties["JobState"] == 7 and job.properties["PercentComplete"] == 100
    assert vm.properties["EnabledState"] == 2
    clock.advance(301)
    with pytest.raises(NotFound):
        host.get(NS, "Msvm_ConcreteJob", job.key_selectors())
    assert host.instances(NS, "Msvm_ConcreteJob") == []


def test_state_lags_behind_the_job(host, clock):
    host.timing.state_lag_s = 2
    vm = _vm_in(host, "off")
    _rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    clock.advance(host.timing.transition_s + 0.5)
    assert job_of(host, out).properties["JobState"] == 7
    assert vm.properties["EnabledState"] == 10
    clock.advance(2)
    assert vm.properties["EnabledState"] == 2


def test_guest_data_appears_after_running(host, clock):
    vm = _vm_in(host, "off")
    invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    clock.advance(host.timing.transition_s)
    assert vm.properties["EnabledState"] == 2
    kvp = host.associators(NS, vm, result_class="Msvm_KvpExchangeComponent")[0]
    assert kvp.properties["GuestIntrinsicExchangeItems"] is None
    gnac = host.instances(NS, "Msvm_GuestNetworkAdapterConfiguration")
    mine = [g for g in gnac if vm.properties["Name"] in g.properties["InstanceID"]]
    assert mine and mine[0].properties["IPAddresses"] is None and mine[0].properties["ProtocolIFType"] == 0
    clock.advance(host.timing.guest_ready_s)
    items = kvp.properties["GuestIntrinsicExchangeItems"]
    text = "".join(items)
    assert '<PROPERTY NAME="Name" TYPE="string"><VALUE>FullyQualifiedDomainName</VALUE>' in text
    assert "NetworkAddressIPv4" in text and "OSName" in text
    assert all(i.startswith('<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">') for i in items)
    assert mine[0].properties["IPAddresses"] and mine[0].properties["ProtocolIFType"] in (4096, 4098)
    invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=3)
    assert kvp.properties["GuestIntrinsicExchangeItems"] is None
    assert mine[0].properties["IPAddresses"] is None
    clock.advance(host.timing.transition_s)
    assert not host.associators(NS, vm, result_class="Msvm_KvpExchangeComponent")


def test_uptime_counts(host, clock):
    vm = _vm_in(host, "off")
    invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    clock.advance(host.timing.transition_s)
    t0 = vm.properties["OnTimeInMilliseconds"]
    clock.advance(2.5)
    assert vm.properties["OnTimeInMilliseconds"] - t0 == 2500
    assert vm.properties["ProcessID"]


def test_initiate_shutdown_codes(host, clock):
    vm = _vm_in(host, "off")
    invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    comp = host.associators(NS, vm, result_class="Msvm_ShutdownComponent")[0]
    assert invoke(host, "Msvm_ShutdownComponent", comp, "InitiateShutdown", Force=False, Reason="x")[0] == 32780
    clock.advance(host.timing.transition_s)
    assert invoke(host, "Msvm_ShutdownComponent", comp, "InitiateShutdown", Force=False, Reason="x")[0] == 32780
    clock.advance(host.timing.guest_ready_s)
    assert invoke(host, "Msvm_ShutdownComponent", comp, "InitiateShutdown", Force=False, Reason="x") == (0, {})
    assert vm.properties["EnabledState"] == 4
    assert invoke(host, "Msvm_ShutdownComponent", comp, "InitiateShutdown", Force=True, Reason="x")[0] == 32782
    clock.advance(host.timing.transition_s)
    assert vm.properties["EnabledState"] == 3
    assert not host.associators(NS, vm, result_class="Msvm_ShutdownComponent")


def test_injected_job_failure_reverts_the_vm(host, clock):
    host.inject.fail_jobs = True
    vm = _vm_in(host, "off")
    rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    assert rv == 4096
    job = finish(host, clock, out)
    assert job.properties["JobState"] == 10 and job.properties["ErrorCode"] == 32768
    assert job.properties["ErrorDescription"]
    assert vm.properties["EnabledState"] == 3


def test_injected_stuck_state(host, clock):
    host.inject.stuck_state = True
    vm = _vm_in(host, "running")
    _rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=9)
    clock.advance(3600)
    assert job_of(host, out).properties["JobState"] == 4
    assert vm.properties["EnabledState"] == 32776


def test_slow_jobs(host, clock):
    host.inject.slow_jobs_s = 20
    vm = _vm_in(host, "running")
    _rv, out = invoke(host, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=6)
    clock.advance(host.timing.transition_s + 1)
    assert job_of(host, out).properties["JobState"] == 4
    clock.advance(20)
    assert vm.properties["EnabledState"] == 6


def test_keyboard(host, clock):
    vm = _vm_in(host, "running")
    kb = host.associators(NS, vm, result_class="Msvm_Keyboard")[0]
    assert invoke(host, "Msvm_Keyboard", kb, "TypeText", asciiText="hello") == (0, {})
    assert invoke(host, "Msvm_Keyboard", kb, "TypeCtrlAltDel") == (0, {})
    assert invoke(host, "Msvm_Keyboard", kb, "TypeScancodes", Scancodes=["28", "156"]) == (0, {})
    assert vm.values["_typed"] == [["text", "hello"], ["ctrlaltdel", None], ["scancodes", [28, 156]]]


def test_initiate_reboot(host, clock):
    vm = _vm_in(host, "running")
    comp = host.associators(NS, vm, result_class="Msvm_ShutdownComponent")[0]
    up = vm.properties["OnTimeInMilliseconds"]
    assert invoke(host, "Msvm_ShutdownComponent", comp, "InitiateReboot", Force=False, Reason="x") == (0, {})
    assert vm.properties["EnabledState"] == 10
    clock.advance(host.timing.transition_s)
    assert vm.properties["EnabledState"] == 2 and vm.properties["OnTimeInMilliseconds"] < up


def test_job_get_error(host, clock):
    from .conftest import emb

    vm = vms(host, state="off")[0]
    mem = next(
        s
        for s in host.associators(
            NS,
            host.associators(NS, vm, "Msvm_SettingsDefineState")[0],
            "Msvm_VirtualSystemSettingDataComponent",
            "Msvm_MemorySettingData",
        )
    )
    _rv, out = invoke(
        host,
        "Msvm_VirtualSystemManagementService",
        None,
        "ModifyResourceSettings",
        ResourceSettings=[
            emb("Msvm_MemorySettingData", InstanceID=mem.properties["InstanceID"], VirtualQuantity="1025")
        ],
    )
    job = job_of(host, out)
    assert invoke(host, "Msvm_ConcreteJob", job, "GetError") == (0, {"Error": None})
    clock.advance(5)
    rv, res = invoke(host, "Msvm_ConcreteJob", job, "GetErrorEx")
    assert rv == 0 and "multiple of 2" in res["Errors"][0].properties["Message"]
    assert res["Errors"][0].properties["MessageID"] == "32773"


def test_no_guest_address_on_a_disconnected_adapter(host, clock):
    from .conftest import emb, settings

    vm = _vm_in(host, "running")
    conn = settings(host, vm, "Msvm_EthernetPortAllocationSettingData")[0]
    nic = host.resolve(conn.properties["Parent"])
    gnac = host.associators(NS, nic, "Msvm_SettingDataComponent")[0]
    assert gnac.properties["IPAddresses"]
    rv, _unused = invoke(
        host,
        "Msvm_VirtualSystemManagementService",
        None,
        "ModifyResourceSettings",
        ResourceSettings=[
            emb("Msvm_EthernetPortAllocationSettingData", InstanceID=conn.properties["InstanceID"], HostResource=[])
        ],
    )
    assert rv == 0 and conn.properties["HostResource"] is None
    assert gnac.properties["IPAddresses"] is None and gnac.properties["ProtocolIFType"] == 0
