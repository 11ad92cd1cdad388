import json

from tests.simulator.model import Host, build_host

from .conftest import NS, FakeClock, invoke, job_of, vms


def _snapshot(host):
    out = []
    for ns in ("root/virtualization/v2", "root/cimv2"):
        for cls in (
            ("CIM_ManagedElement", "Win32_ComputerSystemProduct") if ns == "root/cimv2" else ("CIM_ManagedElement",)
        ):
            for i in host.instances(ns, cls):
                out.append(
                    (
                        i.class_name,
                        json.dumps(i.key_selectors(), sort_keys=True),
                        json.dumps({k: str(v) for k, v in i.properties.items()}, sort_keys=True),
                    )
                )
    return sorted(out)


def test_round_trip_is_exact(clock):
    h = build_host("2022", vms=25, switches=3, seed=9, clock=clock)
    data = json.loads(json.dumps(h.to_json()))
    h2 = Host.from_json(data, clock=clock)
    assert _snapshot(h) == _snapshot(h2)
    assert len(h.instances(NS, "Msvm_SystemDevice")) == len(h2.instances(NS, "Msvm_SystemDevice"))
    assert h2.files == h.files
    assert json.dumps(h2.to_json(), sort_keys=True) == json.dumps(h.to_json(), sort_keys=True)


def test_pending_job_continues_in_a_new_process(clock):
    h = build_host("2022", vms=5, switches=1, seed=9, clock=clock)
    vm = vms(h, state="off")[0]
    _rv, out = invoke(h, "Msvm_ComputerSystem", vm, "RequestStateChange", RequestedState=2)
    data = json.loads(json.dumps(h.to_json()))
    other = FakeClock(50.0)  # another process: another monotonic clock
    h2 = Host.from_json(data, clock=other)
    assert h2.new_guid() == h.new_guid()  # the seeded generator continues where it was saved
    vm2 = h2.resolve(vm.ref())
    assert vm2.properties["EnabledState"] == 10
    assert job_of(h2, out).properties["JobState"] == 4
    other.advance(h2.timing.transition_s)
    assert vm2.properties["EnabledState"] == 2
    assert job_of(h2, out).properties["JobState"] == 7


def test_v1_round_trip(clock):
    h = build_host("2008r2", vms=5, switches=2, seed=1, clock=clock)
    h2 = Host.from_json(json.loads(json.dumps(h.to_json())), clock=clock)
    ns = "root/virtualization"
    assert [i.properties for i in h.instances(ns, "CIM_ManagedElement")] == [
        i.properties for i in h2.instances(ns, "CIM_ManagedElement")
    ]
