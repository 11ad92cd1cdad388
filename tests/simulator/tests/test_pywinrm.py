"""pywinrm's own Protocol / Transport against the simulator (reference 7.4.1)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import xmltodict
from winrm.exceptions import InvalidCredentialsError, WinRMOperationTimeoutError, WSManFaultError
from winrm.protocol import Protocol

from .wsclient import NS, V2

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

CS = V2 + "Msvm_ComputerSystem"
ENUM = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"


def _protocol(sim, password="secret", transport="plaintext"):
    return Protocol(
        endpoint=sim.url, transport=transport, username="admin", password=password, server_cert_validation="ignore"
    )


def _message(p, action, uri, body):
    env = p.build_wsman_header(action=action, resource_uri=uri)
    env["env:Body"] = body
    return xmltodict.unparse({"env:Envelope": env})


def test_pywinrm_enumerate_and_pull_all_computer_systems(hyperv_host):
    p = _protocol(hyperv_host)
    msg = _message(p, ENUM + "Enumerate", CS, {"n:Enumerate": {"w:OptimizeEnumeration": None, "w:MaxElements": "2"}})
    root = ET.fromstring(p.send_message(msg))
    names = [e.text for e in root.iter(f"{{{CS}}}Name")]
    assert len(names) == 2
    ctx = root.find(f".//{{{NS['n']}}}EnumerationContext").text
    while ctx:
        msg = _message(p, ENUM + "Pull", CS, {"n:Pull": {"n:EnumerationContext": ctx, "n:MaxElements": "1"}})
        root = ET.fromstring(p.send_message(msg))
        names += [e.text for e in root.iter(f"{{{CS}}}Name")]
        el = root.find(f".//{{{NS['n']}}}PullResponse/{{{NS['n']}}}EnumerationContext")
        ctx = el.text if el is not None else None
    want = sorted(
        i.properties["Name"] for i in hyperv_host.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
    )
    assert sorted(names) == want


def test_pywinrm_over_https(hyperv_sim):
    sim = hyperv_sim(tls=True)
    p = _protocol(sim, transport="ssl")
    msg = _message(p, ENUM + "Enumerate", CS, {"n:Enumerate": None})
    assert b"EnumerationContext" in p.send_message(msg)


def test_pywinrm_decodes_simulator_faults(hyperv_host):
    p = _protocol(hyperv_host)
    msg = _message(p, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", CS, {})
    env = xmltodict.parse(msg)
    env["env:Envelope"]["env:Header"]["w:SelectorSet"] = {
        "w:Selector": [
            {"@Name": "CreationClassName", "#text": "Msvm_ComputerSystem"},
            {"@Name": "Name", "#text": "nope"},
        ]
    }
    with pytest.raises(WSManFaultError) as exc:
        p.send_message(xmltodict.unparse(env))
    assert exc.value.code == 500
    assert exc.value.fault_subcode == "a:DestinationUnreachable"
    assert exc.value.wsman_fault_code == 2150858752
    msg = _message(
        p,
        ENUM + "Enumerate",
        V2.replace("/v2/", "/") + "*",
        {
            "n:Enumerate": {
                "w:Filter": {
                    "@Dialect": "http://schemas.microsoft.com/wbem/wsman/1/WQL",
                    "#text": "SELECT * FROM Msvm_ComputerSystem",
                }
            }
        },
    )
    with pytest.raises(WSManFaultError) as exc:
        p.send_message(msg)
    assert exc.value.wmierror_code == 2150858778  # what virt-who special-cases on the v1 probe


def test_pywinrm_wrong_password(hyperv_host):
    p = _protocol(hyperv_host, password="wrong")
    with pytest.raises(InvalidCredentialsError):
        p.send_message(_message(p, ENUM + "Enumerate", CS, {"n:Enumerate": None}))


def test_pywinrm_operation_timeout_from_injected_latency(hyperv_host):
    p = _protocol(hyperv_host)
    p.operation_timeout_sec = 1
    p.read_timeout_sec = 5
    hyperv_host.inject(latency_ms=1500)
    with pytest.raises(WinRMOperationTimeoutError):
        p.send_message(_message(p, ENUM + "Enumerate", CS, {"n:Enumerate": None}))
    hyperv_host.inject(latency_ms=0)
    assert hyperv_host.stats()["faults"]["w:TimedOut"] == 1
