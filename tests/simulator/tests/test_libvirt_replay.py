"""Replay the exact request bodies libvirt 11.3 sent (reference 7.6) and check each answer has
what libvirt needs. Skips when ../shared/reference/captures is absent."""

from __future__ import annotations

import base64
import http.client
import os
import re

import pytest
from lxml import etree

from .wsclient import NS

HERE = os.path.dirname(os.path.abspath(__file__))
REQS = os.path.normpath(
    os.path.join(HERE, "..", "..", "..", "..", "shared", "reference", "captures", "libvirt-11.3-requests")
)
VM1 = "6a2f1c3e-7b4d-4e2a-9c1f-0123456789ab"
VM2 = "b1c2d3e4-f5a6-4b7c-8d9e-f0a1b2c3d4e5"
CT = "application/soap+xml;charset=UTF-8"


def _requests():
    if not os.path.isdir(REQS):
        pytest.skip("libvirt request captures not available")
    names = sorted(n for n in os.listdir(REQS) if re.match(r"request-\d+\.xml$", n))
    if not names:
        pytest.skip("libvirt request captures not available")
    out = []
    for n in names:
        with open(os.path.join(REQS, n), "rb") as fh:
            out.append((n, fh.read()))
    return out


def _field(root, path):
    found = root.xpath(path, namespaces=NS)
    return found[0] if found else None


class Wire:
    def __init__(self, sim):
        self.conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
        self.auth = "Basic " + base64.b64encode(b"admin:secret").decode()
        self.sim = sim

    def post(self, body, auth=True):
        headers = {"Accept": "*/*", "Content-Type": CT, "User-Agent": "openwsman 2.2.0"}
        if auth:
            headers["Authorization"] = self.auth
        self.conn.request("POST", "/wsman", body=body, headers=headers)
        resp = self.conn.getresponse()
        return resp, resp.read()


def _check_item(sim, item, class_uri):
    cls = class_uri.rsplit("/", 1)[1]
    assert item.tag == f"{{{class_uri}}}{cls}", "libvirt stops at an item not named after the queried class"
    ns = "/".join(class_uri.split("/wmi/", 1)[1].split("/")[:-1])
    cd = sim.host.schema.get_class(ns, cls)
    counts = {}
    for child in item:
        counts[etree.QName(child).localname] = counts.get(etree.QName(child).localname, 0) + 1
        if child.get(f"{{{NS['xsi']}}}nil") == "true":
            assert not (child.text or "").strip() and len(child) == 0
        elif not len(child):
            assert child.text not in ("True", "False")
    for p in cd.properties:
        if not p.is_array:
            assert counts.get(p.name) == 1, f"{cls}.{p.name} must be present exactly once"
    return {etree.QName(c).localname: (c.text if not len(c) else c[0].text) for c in item}


@pytest.mark.parametrize("command", ["list", "dominfo"])
def test_libvirt_sequence(hyperv_sim, command):
    reqs = _requests()
    sim = hyperv_sim(vms=2)
    vms = [
        i
        for i in sim.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["Name"] != sim.host.computer_name
    ]
    running = next(v for v in vms if v.properties["EnabledState"] == 2)
    other = next(v for v in vms if v is not running)
    subst = [
        (VM1, running.properties["Name"]),
        (VM2, other.properties["Name"]),
        ("'vm1'", "'" + running.properties["ElementName"] + "'"),
    ]
    seq = reqs[:12] if command == "list" else reqs[12:]
    wire = Wire(sim)
    # the first request meets the 401 challenge and is re-sent byte for byte with Basic
    resp, body = wire.post(seq[0][1], auth=False)
    assert resp.status == 401 and body == b""
    assert 'Basic realm="WSMAN"' in resp.headers.get_all("WWW-Authenticate")
    seen = {}
    i = 1
    while i < len(seq):
        name, raw = seq[i]
        text = raw.decode("utf-8")
        for old, new in subst:  # libvirt sends GUIDs lower-case (and VSSD ids as returned)
            text = (
                re.sub(re.escape(old), new.lower(), text, flags=re.I) if old in (VM1, VM2) else text.replace(old, new)
            )
        if "/enumeration/Enumerate<" in text:
            resp, body = wire.post(text.encode())
            assert resp.status == 200, (name, body[:800])
            root = etree.fromstring(body)
            er = _field(root, "/s:Envelope/s:Body/n:EnumerateResponse")
            assert [etree.QName(c).localname for c in er] == ["EnumerationContext"]
            ctx = er[0].text
            # follow with the recorded Pull, repeated until EndOfSequence as libvirt's loop does
            i += 1
            pull_name, pull_raw = seq[i]
            pull_text = pull_raw.decode("utf-8")
            assert "/enumeration/Pull<" in pull_text
            class_uri = re.search(r"<wsman:ResourceURI[^>]*>([^<]+)<", pull_text).group(1)
            items = []
            while True:
                body_text = re.sub(r"<wsen:EnumerationContext>[^<]*<", f"<wsen:EnumerationContext>{ctx}<", pull_text)
                resp, body = wire.post(body_text.encode())
                assert resp.status == 200, (pull_name, body[:800])
                root = etree.fromstring(body)
                assert root.nsmap.get("s") == NS["s"] and root.nsmap.get("n") == NS["n"]
                assert _field(root, "/s:Envelope/s:Header/a:RelatesTo/text()") is not None
                got = root.xpath("/s:Envelope/s:Body/n:PullResponse/n:Items/*", namespaces=NS)
                assert len(got) <= 1
                items += [_check_item(sim, g, class_uri) for g in got]
                if _field(root, "/s:Envelope/s:Body/n:PullResponse/n:EndOfSequence") is not None:
                    assert _field(root, "/s:Envelope/s:Body/n:PullResponse/n:EnumerationContext") is None
                    break
                ctx = _field(root, "/s:Envelope/s:Body/n:PullResponse/n:EnumerationContext/text()")
                assert ctx
            seen.setdefault(class_uri.rsplit("/", 1)[1], []).append(items)
        i += 1
    product = seen["Win32_ComputerSystemProduct"][0]
    assert len(product) == 1 and re.fullmatch(r"[0-9A-Fa-f-]{36}", product[0]["UUID"])
    assert seen["Win32_OperatingSystem"][0][0]["Version"] == sim.host.persona.os_version
    cs = seen["Msvm_ComputerSystem"]
    if command == "list":
        assert sorted(v["Name"] for v in cs[0]) == sorted(v.properties["Name"] for v in vms)
        assert [len(x) for x in cs[1:]] == [1, 1]
    else:
        assert [len(x) for x in cs] == [1, 1, 1]
        assert cs[0][0]["ElementName"] == running.properties["ElementName"]
        assert cs[0][0]["EnabledState"] == "2" and cs[0][0]["ProcessID"]
        assert len(seen["Msvm_VirtualSystemSettingData"][0]) == 1
        assert int(seen["Msvm_ProcessorSettingData"][0][0]["VirtualQuantity"]) >= 1
        mem = seen["Msvm_MemorySettingData"][0][0]
        assert int(mem["VirtualQuantity"]) > 0 and int(mem["Limit"]) >= int(mem["VirtualQuantity"])
