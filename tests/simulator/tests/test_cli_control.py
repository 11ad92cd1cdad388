"""Command line, control endpoint, fault injection and --state (reference 10.5 T1–T3)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests

from .wsclient import V2, Client

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

CS = V2 + "Msvm_ComputerSystem"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _start(*args, count=1):
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.simulator", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    urls = []
    for _unused in range(count):
        line = proc.stdout.readline()
        assert line.startswith("listening on "), (line, proc.stderr.read() if proc.poll() is not None else "")
        urls.append(line.split()[-1])
    return proc, urls


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0


def test_cli_hosts_and_control_endpoint():
    proc, urls = _start(
        "--hosts", "2", "--vms", "2", "--hyperv-version", "2019", "--user", "u1", "--password", "p1", count=2
    )
    try:
        assert len(set(urls)) == 2
        for url in urls:
            c = Client(url, "u1", "p1")
            items, _unused = c.enum_all(CS, max_elements=10)
            assert len(items) == 3
        base = urls[0].rsplit("/wsman", 1)[0]
        stats = requests.get(base + "/_sim/stats", timeout=30).json()
        assert stats["actions"] == {"Enumerate": 1, "Pull": 1}
        assert stats["classes"] == {"Msvm_ComputerSystem": 2}
        assert requests.post(base + "/_sim/reset", timeout=30).json() == {"ok": True}
        assert requests.get(base + "/_sim/stats", timeout=30).json()["total"] == 0
        r = requests.post(base + "/_sim/inject", data=json.dumps({"http_status": 503, "count": 1}), timeout=30)
        assert r.json()["http_status"] == 503
        assert Client(urls[0], "u1", "p1").enumerate(CS).status == 503
        assert Client(urls[0], "u1", "p1").enumerate(CS).status == 200
        assert requests.post(base + "/_sim/inject", data=json.dumps({"bogus": 1}), timeout=30).status_code == 400
    finally:
        _stop(proc)


def test_cli_tls_and_state_file(tmp_path):
    state = tmp_path / "state.json"
    proc, (url,) = _start("--tls", "--state", str(state), "--vms", "1")
    try:
        assert url.startswith("https://")
        c = Client(url)
        vssd = (
            '<p:SystemSettings><![CDATA[<INSTANCE CLASSNAME="Msvm_VirtualSystemSettingData">'
            '<PROPERTY NAME="ElementName" TYPE="string"><VALUE>kept</VALUE></PROPERTY></INSTANCE>]]>'
            "</p:SystemSettings>"
        )
        r = c.invoke(
            V2 + "Msvm_VirtualSystemManagementService",
            "DefineSystem",
            {"CreationClassName": "Msvm_VirtualSystemManagementService"},
            vssd,
        )
        assert r.status == 200, r.text
    finally:
        _stop(proc)
    if not state.exists():
        pytest.skip("the model cannot serialize its state yet (Host.to_json)")
    proc, (url,) = _start("--state", str(state))
    try:
        items, _unused = Client(url).enum_all(CS, max_elements=10)
        assert "kept" in [i.findtext(f"{{{CS}}}ElementName") for i in items]
    finally:
        _stop(proc)


def test_cli_http_and_https_on_one_host():
    """--https-port: one model behind an HTTP and an HTTPS listener, as a host listens on 5985 and 5986; with
    --no-unencrypted Basic is refused on the HTTP one only (the decision is per listener)."""
    proc, (http_url, https_url) = _start("--https-port", "0", "--vms", "2", "--no-unencrypted", count=2)
    try:
        assert http_url.startswith("http://") and https_url.startswith("https://") and http_url != https_url
        assert Client(http_url).enumerate(CS).status == 401
        items, _unused = Client(https_url).enum_all(CS, max_elements=10)
        names = sorted(i.findtext(f"{{{CS}}}Name") for i in items)
        assert len(names) == 3
        base = https_url.rsplit("/wsman", 1)[0]
        stats = requests.get(base + "/_sim/stats", timeout=30, verify=False).json()
        assert stats["actions"].get("Unauthenticated") == 1  # the one request log covers both listeners
    finally:
        _stop(proc)


def test_both_listeners_serve_one_model(hyperv_sim):
    sim = hyperv_sim(vms=2, https_port=0)
    assert sim.url.startswith("http://") and sim.https_url.startswith("https://")
    plain, secure = Client(sim.url), Client(sim.https_url)
    ctx = plain.enumerate(CS).one("//n:EnumerationContext/text()")
    pulled = secure.pull(CS, ctx, max_elements=10)  # one host: a context opened on 5985 is valid on 5986
    assert pulled.status == 200 and len(pulled.x("//n:Items/*")) == 3
    assert hyperv_sim(vms=1).https_url is None


def test_inject_drop_malformed_500_and_rate(hyperv_host):
    c = Client(hyperv_host.url)
    hyperv_host.inject(drop=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        c.enumerate(CS)
    assert c.enumerate(CS).status == 200
    hyperv_host.inject(malformed=1)
    r = c.session.post(hyperv_host.url, data=b"", headers={"Content-Type": "application/soap+xml"}, auth=c.auth)
    assert r.status_code == 500
    hyperv_host.inject(malformed=1)
    from lxml import etree

    from .wsclient import enumerate_body, envelope

    raw = c.session.post(
        hyperv_host.url,
        data=envelope("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", CS, enumerate_body()),
        headers={"Content-Type": "application/soap+xml"},
        auth=c.auth,
    )
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(raw.content)
    hyperv_host.inject(http_status=500, count=2)
    assert [c.enumerate(CS).status for _unused in range(3)] == [500, 500, 200]
    hyperv_host.inject(fault_rate=1.0)
    r = c.enumerate(CS)
    assert r.status == 500 and r.subcode() == "w:InternalError"
    hyperv_host.inject(fault_rate=0)
    assert c.enumerate(CS).status == 200


def test_inject_latency_and_context_expiry(hyperv_host):
    c = Client(hyperv_host.url)
    hyperv_host.inject(latency_ms=200)
    t0 = time.monotonic()
    assert c.enumerate(CS).status == 200
    assert time.monotonic() - t0 >= 0.2
    hyperv_host.inject(latency_ms=0)
    ctx = c.enumerate(CS).one("//n:EnumerationContext/text()")
    hyperv_host.inject(expire_contexts=True)
    assert c.pull(CS, ctx).subcode() == "n:InvalidEnumerationContext"


def test_inject_model_switches_reach_the_model(hyperv_host):
    hyperv_host.inject(fail_jobs=True, slow_jobs_s=2, stuck_state=True)
    assert hyperv_host.host.inject.fail_jobs is True
    assert hyperv_host.host.inject.slow_jobs_s == 2.0
    assert hyperv_host.host.inject.stuck_state is True
    hyperv_host.inject(reset=True)
    assert hyperv_host.host.inject.fail_jobs is False


def test_failing_job_through_the_wire(hyperv_host):
    c = Client(hyperv_host.url)
    hyperv_host.inject(fail_jobs=True)
    vm = next(
        i
        for i in hyperv_host.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["EnabledState"] == 2 and i.properties["Name"] != hyperv_host.host.computer_name
    )
    r = c.invoke(
        CS,
        "RequestStateChange",
        {"CreationClassName": "Msvm_ComputerSystem", "Name": vm.properties["Name"]},
        "<p:RequestedState>3</p:RequestedState>",
    )
    assert r.one("//*[local-name()='ReturnValue']/text()") == "4096"
    job_id = r.one("//w:Selector[@Name='InstanceID']/text()")
    deadline = time.monotonic() + 10
    state = None
    while time.monotonic() < deadline:
        job = c.get(V2 + "Msvm_ConcreteJob", {"InstanceID": job_id})
        state = int(job.one("//*[local-name()='JobState']/text()"))
        if state not in (3, 4):
            break
        time.sleep(0.2)
    assert state == 10


def test_injected_faults_relate_to_the_request(hyperv_host):
    """Faults raised before dispatch (injected InternalError, TimedOut) carry a:RelatesTo = the request's
    MessageID, as every WinRM fault does (reference 10.2 S3)."""
    from .wsclient import ENUM, enumerate_body, envelope

    c = Client(hyperv_host.url)
    timeout_header = "<wsman:OperationTimeout>PT0.2S</wsman:OperationTimeout>"
    cases = [
        (dict(http_status=500, count=1), "", "w:InternalError"),
        (dict(fault_rate=1.0), "", "w:InternalError"),
        (dict(latency_ms=400), timeout_header, "w:TimedOut"),
    ]
    for switches, headers, subcode in cases:
        hyperv_host.inject(**switches)
        mid = "uuid:" + str(uuid.uuid4()).upper()
        try:
            r = c.post(envelope(ENUM + "Enumerate", CS, enumerate_body(), message_id=mid, extra_headers=headers))
        finally:
            hyperv_host.inject(reset=True)
        assert r.status == 500 and r.subcode() == subcode, (switches, r.body())
        assert r.one("/s:Envelope/s:Header/a:RelatesTo/text()") == mid, switches
