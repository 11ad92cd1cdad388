import pytest

from tests.simulator.model import build_host
from tests.simulator.values import EmbeddedInstance

NS = "root/virtualization/v2"
V1 = "root/virtualization"
VSMS = {"CreationClassName": "Msvm_VirtualSystemManagementService"}


class FakeClock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, s):
        self.t += s


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def host(clock):
    return build_host("2022", vms=12, switches=3, seed=7, clock=clock)


def vms(host, ns=NS, state=None):
    out = [i for i in host.instances(ns, "Msvm_ComputerSystem") if i.values.get("_state")]
    return [v for v in out if state is None or v.values["_state"] == state]


def vssd_of(host, cs, ns=NS):
    return host.associators(ns, cs, "Msvm_SettingsDefineState", "Msvm_VirtualSystemSettingData")[0]


def settings(host, cs, cls, ns=NS):
    return host.associators(ns, vssd_of(host, cs, ns), "Msvm_VirtualSystemSettingDataComponent", cls)


def emb(cls, **props):
    return EmbeddedInstance(cls, dict(props.items()))


def invoke(host, cls, target, method, ns=NS, **params):
    sel = target.key_selectors() if target is not None else {"CreationClassName": cls}
    return host.invoke(ns, cls, sel, method, params)


def job_of(host, out, ns=NS):
    ref = out["Job"]
    return host.get(ns, ref.class_name, ref.keys_dict())


def finish(host, clock, out, ns=NS):
    """Advance the clock past the job and return the job (JobState 7/10)."""
    job = job_of(host, out, ns)
    clock.advance(60)
    return host.get(ns, job.class_name, job.key_selectors())
