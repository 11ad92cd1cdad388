"""CPU time to parse 1000 Msvm_ComputerSystem instances (one PullResponse, shapes of reference 3.4.7).

Run: .venv/bin/python benchmarks/bench_parse.py   (target: < 50 ms for parse + typing)
"""

from __future__ import annotations

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# tests.conftest makes the repository importable as ansible_collections.wsman.hyperv
import tests.conftest  # noqa: E402,F401  pylint: disable=unused-import
from ansible_collections.wsman.hyperv.plugins.module_utils import cim, xmlsafe  # noqa: E402

XSI = "http://www.w3.org/2001/XMLSchema-instance"
CIM = "http://schemas.dmtf.org/wbem/wscim/1/common"
URI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ComputerSystem"


def instance(i):
    dt = "<cim:Datetime>2024-01-02T03:04:05.%06dZ</cim:Datetime>" % i
    props = [
        ("Caption", "Virtual Machine"),
        ("CommunicationStatus", None),
        ("CreationClassName", "Msvm_ComputerSystem"),
        ("Description", "Microsoft Virtual Machine"),
        ("DetailedStatus", None),
        ("ElementName", "vm-%04d" % i),
        ("EnabledDefault", "2"),
        ("EnabledState", "2"),
        ("EnhancedSessionModeState", "3"),
        ("FailedOverReplicationType", "0"),
        ("HealthState", "5"),
        ("HwThreadsPerCoreRealized", "2"),
        ("InstallDate", dt),
        ("InstanceID", None),
        ("LastApplicationConsistentReplicationTime", dt),
        ("LastReplicationTime", dt),
        ("LastReplicationType", "0"),
        ("LastSuccessfulBackupTime", None),
        ("ManagementVtlImageFileName", None),
        ("ManagementVtlImageVersion", None),
        ("Name", "00000000-0000-4000-8000-%012X" % i),
        ("NameFormat", None),
        ("NumberOfNumaNodes", "1"),
        ("OnTimeInMilliseconds", "6138294371"),
        ("OperatingStatus", None),
        ("OperationalStatus", "2"),
        ("OtherEnabledState", None),
        ("PrimaryOwnerContact", None),
        ("PrimaryOwnerName", None),
        ("PrimaryStatus", None),
        ("ProcessID", "9624"),
        ("ReplicationHealth", "0"),
        ("ReplicationMode", "0"),
        ("ReplicationState", "0"),
        ("RequestedState", "5"),
        ("ResetCapability", "1"),
        ("Status", "OK"),
        ("StatusDescriptions", "Operating normally"),
        ("TimeOfLastConfigurationChange", dt),
        ("TimeOfLastStateChange", dt),
        ("TransitioningToState", None),
    ]
    body = "".join('<p:%s xsi:nil="true"/>' % n if v is None else "<p:%s>%s</p:%s>" % (n, v, n) for n, v in props)
    return (
        '<p:Msvm_ComputerSystem xmlns:xsi="%s" xmlns:p="%s" xmlns:cim="%s" xsi:type="p:Msvm_ComputerSystem_Type">'
        "%s</p:Msvm_ComputerSystem>" % (XSI, URI, CIM, body)
    )


def fragment(i):
    """The same VM as gather_vms asks for it: SELECT Name, ElementName, EnabledState, OnTimeInMilliseconds
    (reference 3.4.6: w:XmlFragment, unqualified properties in alphabetical order)."""
    return (
        '<w:XmlFragment xmlns:xsi="%s" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">'
        "<ElementName>vm-%04d</ElementName><EnabledState>2</EnabledState><Name>00000000-0000-4000-8000-%012X</Name>"
        "<OnTimeInMilliseconds>6138294371</OnTimeInMilliseconds></w:XmlFragment>" % (XSI, i, i)
    )


def document(n, make=instance):
    items = "".join(make(i) for i in range(n))
    return (
        '<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header/><s:Body><n:PullResponse>'
        "<n:Items>%s</n:Items><n:EndOfSequence/></n:PullResponse></s:Body></s:Envelope>" % items
    ).encode()


def run(data, keep_xml=False):
    root = xmlsafe.parse(data, max_size=None)
    items = root[1][0][0]
    # as WSManClient parses enumeration items (class from the FROM clause, no raw_xml kept)
    return [cim.parse_instance(el, class_hint="Msvm_ComputerSystem", keep_xml=keep_xml) for el in items]


def best_of(data, repeat):
    best_total = best_xml = float("inf")
    for _round in range(repeat):
        t0 = time.process_time()
        xmlsafe.parse(data, max_size=None)
        for cache in cim._TYPE_CACHES.values():  # no help from a previous round
            cache.clear()
        t1 = time.process_time()
        run(data)
        t2 = time.process_time()
        best_xml = min(best_xml, t1 - t0)
        best_total = min(best_total, t2 - t1)
    return best_xml, best_total


def main(n=1000, repeat=20):
    print("load average: %.2f %.2f %.2f" % os.getloadavg())
    data = document(n)
    result = run(data)
    assert len(result) == n and result[-1]["EnabledState"] == 2 and result[0]["InstanceID"] is None
    assert result[0].raw_xml is None
    best_xml, best_total = best_of(data, repeat)
    print("SELECT * items: %d instances, %.0f KB (%.2f KB per instance)" % (n, len(data) / 1024, len(data) / 1024 / n))
    print("  XML parse only (xmlsafe.parse):          %6.1f ms" % (best_xml * 1000))
    print("  parse + typed instances (best of %d):    %6.1f ms  (target < 50 ms)" % (repeat, best_total * 1000))
    data = document(n, fragment)
    result = run(data)
    assert len(result) == n and result[-1]["EnabledState"] == 2 and result[-1]["OnTimeInMilliseconds"] == 6138294371
    best_xml, best_total = best_of(data, repeat)
    print("projected items (what gather_vms asks for): %.0f KB (%.2f KB per instance)" % (
        len(data) / 1024, len(data) / 1024 / n))
    print("  XML parse only (xmlsafe.parse):          %6.1f ms" % (best_xml * 1000))
    print("  parse + typed instances (best of %d):    %6.1f ms" % (repeat, best_total * 1000))


if __name__ == "__main__":
    main()
