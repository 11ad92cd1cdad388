"""ReturnValue handling and job polling (reference 2.6, 6.4, 6.5) with an injected sleep and clock."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import jobs, wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.cim import Reference
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import JobError, JobTimeout, MethodError
from tests.unit.driver import fakehost as fh

CS = "Msvm_ComputerSystem"


class JobHost:
    """Answers RequestStateChange with ``return_value`` (+ a Job EPR) and Gets of the job with the
    successive ``states`` (the last one repeats)."""

    def __init__(self, return_value=4096, states=(4, 4, 7), job_class="Msvm_ConcreteJob", error=None):
        self.return_value = return_value
        self.states = list(states)
        self.job_class = job_class
        self.error = error or {}
        self.gets = 0

    def __call__(self, req):
        if req.op == "RequestStateChange":
            out = {"ReturnValue": self.return_value}
            if self.return_value == 4096:
                out = {"Job": fh.job_epr("JOB-1", self.job_class), "ReturnValue": 4096}
            return fh.envelope(fh.output_xml(CS, "RequestStateChange", out), fh.class_uri(CS) + "/x", req.message_id)
        if req.op == "Get":
            assert req.resource_uri == fh.class_uri(self.job_class)
            assert req.selectors == {"InstanceID": "JOB-1"}
            state = self.states[min(self.gets, len(self.states) - 1)]
            self.gets += 1
            props = {"InstanceID": "JOB-1", "JobState": state, "PercentComplete": 50 if state == 4 else 100,
                     "ErrorCode": 0, "ErrorDescription": None, "JobType": 12}
            props.update(self.error if state in (8, 9, 10, 11) else {})
            return fh.envelope(fh.instance_xml(self.job_class, props), fh.X + "/GetResponse", req.message_id)
        raise AssertionError(req.op)


def make(host):
    sleeps = []
    transport = fh.FakeTransport(host)
    client = wsman.WSManClient(fh.spec(), transport=transport, sleep=sleeps.append)
    return client, transport, sleeps


def vm():
    return Reference(fh.class_uri(CS), {"CreationClassName": CS, "Name": "G1"})


def test_return_value_zero_needs_no_polling():
    client, t, sleeps = make(JobHost(return_value=0))
    result = jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2})
    assert result.return_value == 0 and result.job_instance is None
    assert t.ops() == ["RequestStateChange"] and sleeps == []


def test_job_polled_until_completed_with_backoff():
    host = JobHost(states=(3, 4, 4, 4, 4, 4, 7))
    client, t, sleeps = make(host)
    result = jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2})
    assert result.job_instance["JobState"] == 7
    assert t.ops() == ["RequestStateChange"] + ["Get"] * 7
    assert sleeps == [0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    assert client.round_trips == 8


def test_completed_with_warnings_is_success():
    client, _unused, _unused = make(JobHost(states=(32768,)))
    assert jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2}).job_instance


def test_storage_job_class_is_polled_by_its_own_uri():
    client, t, _unused = make(JobHost(states=(4, 7), job_class="Msvm_StorageJob"))
    jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2})
    assert t.requests[1].resource_uri == fh.class_uri("Msvm_StorageJob")


@pytest.mark.parametrize("state,name", [(8, "Terminated"), (9, "Killed"), (10, "Exception"), (11, "Service")])
def test_failed_job_names_error_code_and_description(state, name):
    error = {"ErrorCode": 32773, "ErrorDescription": "The virtual machine could not be started."}
    host = JobHost(states=(4, state), error=error)
    client, _unused, _unused = make(host)
    with pytest.raises(JobError) as err:
        jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2})
    e = err.value
    assert e.job_state == state and e.error_code == 32773
    assert e.error_description == "The virtual machine could not be started."
    assert e.job_id == "JOB-1"
    msg = str(e)
    assert "%s (%d)" % (name, state) in msg
    assert "invalid parameter (32773)" in msg
    assert "Msvm_ComputerSystem.RequestStateChange" in msg
    assert "could not be started" in msg
    assert not isinstance(e, JobTimeout)


def test_failed_job_keeps_class_and_method_with_a_descriptive_context():
    host = JobHost(states=(10,), error={"ErrorCode": 32773, "ErrorDescription": "no"})
    client, _unused, _unused = make(host)
    result = client.invoke(vm(), "RequestStateChange", {"RequestedState": 2})
    with pytest.raises(JobError) as err:
        jobs.check_result(result, client, context="reading C:\\vm.vhdx")
    assert err.value.class_name == CS and err.value.method == "RequestStateChange"
    assert "of reading C:\\vm.vhdx ended" in str(err.value)


def test_job_timeout_with_fake_clock():
    now = [0.0]

    def clock():
        return now[0]

    def sleep(seconds):
        now[0] += seconds

    host = JobHost(states=(4,))
    transport = fh.FakeTransport(host)
    client = wsman.WSManClient(fh.spec(), transport=transport, sleep=sleep)
    result = client.invoke(vm(), "RequestStateChange", {"RequestedState": 2})
    with pytest.raises(JobTimeout) as err:
        jobs.check_result(result, client, timeout=5, clock=clock)
    assert err.value.timeout == 5
    assert err.value.job_state == 4
    assert "did not finish within 5s" in str(err.value) and "Running (4)" in str(err.value)
    assert now[0] == pytest.approx(5.0)
    # polls at 0, .2, .6, 1.4, 3.0, 5.0 (the last sleep is cut to the deadline)
    assert host.gets == 6


@pytest.mark.parametrize("code,meaning", [(32775, "invalid state for this operation (32775)"),
                                          (32769, "access denied (32769)"),
                                          (32768, "failed (32768)"),
                                          (5, "invalid state or parameter (5)"),
                                          (41000, "unknown return code 41000")])
def test_other_return_values_are_method_errors(code, meaning):
    client, t, _unused = make(JobHost(return_value=code))
    with pytest.raises(MethodError) as err:
        jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2})
    assert err.value.return_value == code
    assert err.value.class_name == CS and err.value.method == "RequestStateChange"
    assert str(err.value) == "Msvm_ComputerSystem.RequestStateChange failed: ReturnValue %s" % meaning
    assert t.ops() == ["RequestStateChange"]


def test_4096_without_job_is_malformed():
    from ansible_collections.wsman.hyperv.plugins.module_utils.errors import MalformedResponse

    def handler(req):
        return fh.envelope(fh.output_xml(CS, "RequestStateChange", {"ReturnValue": 4096}), "x", req.message_id)

    client, _unused, _unused = make(handler)
    with pytest.raises(MalformedResponse, match="without a Job reference"):
        jobs.invoke_and_wait(client, vm(), "RequestStateChange", {"RequestedState": 2})
