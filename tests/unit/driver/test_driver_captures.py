"""Real-host recordings (../shared/reference/captures/r4sd-go-wsman, read in place, never copied):
the typed values the driver gets from them, and a replay of a recorded one-item-per-Pull enumeration."""

from __future__ import annotations

import datetime
import os
import re

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, wsman, xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.cim import Reference
from tests.unit.driver import fakehost as fh

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CAPTURES = os.path.join(os.path.dirname(ROOT), "shared", "reference", "captures", "r4sd-go-wsman")

pytestmark = pytest.mark.skipif(not os.path.isdir(CAPTURES), reason="reference captures not available")


def load(name):
    path = os.path.join(CAPTURES, name)
    if not os.path.exists(path):
        pytest.skip("capture %s not available" % name)
    with open(path, "rb") as handle:
        return handle.read()


def items_of(name):
    root = xmlsafe.parse(load(name))
    body = root.find(xmlsafe.qn("s", "Body"))
    resp = body[0]
    items = resp.find(xmlsafe.qn("n", "Items"))
    if items is None:
        items = resp.find(xmlsafe.qn("w", "Items"))
    return [cim.parse_instance(el) for el in items], resp


def test_running_vm_typed_values():
    (vm,), _unused = items_of("recorded_computersystem_pull_vm_running_a.xml")
    assert vm.class_name == "Msvm_ComputerSystem"
    assert vm.namespace == "root/virtualization/v2"
    assert vm["EnabledState"] == 2 and isinstance(vm["EnabledState"], int)
    assert vm["HealthState"] == 5
    assert vm["InstanceID"] is None  # xsi:nil
    assert vm["LastSuccessfulBackupTime"] is None
    assert vm["InstallDate"] == datetime.datetime(2025, 12, 17, 9, 55, 22, 702341, tzinfo=datetime.UTC)
    assert vm["LastReplicationTime"] == datetime.datetime(1601, 1, 1, tzinfo=datetime.UTC)
    assert vm["OnTimeInMilliseconds"] == 6138294371
    assert vm["ProcessID"] == 9624
    assert vm["OperationalStatus"] == [2]
    assert vm["Dedicated"] is None  # null array omitted on the wire
    assert vm["Caption"] == "仮想マシン"
    assert vm.reference().selectors == {"CreationClassName": "Msvm_ComputerSystem",
                                        "Name": "00000000-0000-4000-8000-00000000000a"}


def test_host_entry_and_stopped_vm():
    (host,), _unused = items_of("recorded_computersystem_pull_host.xml")
    assert host["RequestedState"] == 12 and host["ProcessID"] is None and host["InstallDate"] is None
    assert host["StatusDescriptions"] == ["OK"]
    (off,), _unused = items_of("recorded_computersystem_pull_vm_off.xml")
    assert off["EnabledState"] == 3


def test_affected_job_element_references():
    (aje,), resp = items_of("recorded_affectedjobelement_pull_created.xml")
    assert resp.find(xmlsafe.qn("n", "EndOfSequence")) is not None
    assert aje["ElementEffects"] == [5]
    job = aje["AffectingElement"]
    assert isinstance(job, Reference) and job.class_name == "Msvm_ConcreteJob"
    assert job.selectors == {"InstanceID": "00000000-0000-4000-8000-000000000066"}
    assert aje["AffectedElement"].class_name == "Msvm_VirtualSystemSettingData"


def test_sparse_guest_network_configuration_and_switch():
    (gnac,), _unused = items_of("recorded_pull_guestnetworkadapterconfiguration.xml")
    assert gnac["InstanceID"].startswith("Microsoft:GuestNetwork\\")
    assert gnac["ProtocolIFType"] == 0 and isinstance(gnac["DHCPEnabled"], bool)
    assert gnac["IPAddresses"] is None  # omitted array
    (sw,), _unused = items_of("recorded_pull_virtualethernetswitch.xml")
    assert sw["EnabledState"] == 5 and sw["Dedicated"] == [38]


def test_rasd_capability_row():
    (rasd,), _unused = items_of("pull_response_xsinil_real.xml")
    assert rasd.class_name == "Msvm_ResourceAllocationSettingData"
    assert rasd["ResourceType"] == 17 and rasd["VirtualQuantity"] == 1
    assert rasd["InstanceID"].endswith("\\Increment")
    assert "HostResource" not in rasd and rasd.get("HostResource") is None and rasd.get("Connection") is None


def test_replay_recorded_one_item_pulls():
    """CS-A: EnumerateResponse (context only), then four PullResponses of one item each."""
    pulls = ["recorded_computersystem_pull_%d.xml" % i for i in range(2, 6)]
    files = ["recorded_computersystem_enumerate.xml"] + pulls
    answers = [load(f) for f in files]

    def handler(req):
        data = answers.pop(0)
        # recordings relate to the recorder's requests; point them at ours (in memory only)
        return re.sub(rb"<a:RelatesTo>[^<]*</a:RelatesTo>", b"<a:RelatesTo>" + req.message_id.encode()
                      + b"</a:RelatesTo>", data)

    transport = fh.FakeTransport(handler)
    client = wsman.WSManClient(fh.spec(), transport=transport)
    result = client.query("SELECT * FROM Msvm_ComputerSystem")
    assert len(result) == 4
    assert [r["EnabledState"] for r in result] == [2, 2, 2, 2]
    assert transport.ops() == ["Enumerate", "Pull", "Pull", "Pull", "Pull"]
    # each Pull sends the context issued by the previous answer
    assert transport.requests[1].text("//n:Pull/n:EnumerationContext") == "uuid:00000000-0000-4000-8000-000000000003"
    assert client.round_trips == 5 and answers == []
