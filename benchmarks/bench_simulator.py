"""Benchmark of the Hyper-V WS-Man simulator (not a timed test).

    .venv/bin/python benchmarks/bench_simulator.py [--seconds 3] [--clients 4] [--vms 1000]

Measures: small requests per second (Get of one VM over keep-alive connections, 1 and N clients),
and Enumerate + Pulls of all VMs of a host with --vms VMs (MaxElements 32000, envelope-limited
batches, as a fast client does), plus the libvirt-style one-item-per-Pull walk for reference.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid

import requests
from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.simulator.model import build_host  # noqa: E402
from tests.simulator.server import SimHost  # noqa: E402

V2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
CS = V2 + "Msvm_ComputerSystem"
NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "n": "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
}
CT = {"Content-Type": "application/soap+xml;charset=UTF-8"}


def env(action, uri, body, selectors=""):
    return (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
        'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration"><s:Header>'
        f"<a:Action>{action}</a:Action><w:ResourceURI>{uri}</w:ResourceURI>"
        f"<a:MessageID>uuid:{uuid.uuid4()}</a:MessageID>"
        "<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>"
        f"</a:ReplyTo>{selectors}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


def get_rate(sim, name, clients, seconds):
    sel = (
        '<w:SelectorSet><w:Selector Name="CreationClassName">Msvm_ComputerSystem</w:Selector>'
        f'<w:Selector Name="Name">{name}</w:Selector></w:SelectorSet>'
    )
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def run(i):
        s = requests.Session()
        while time.monotonic() < stop:
            r = s.post(
                sim.url,
                data=env("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", CS, "", sel),
                headers=CT,
                auth=("admin", "secret"),
            )
            assert r.status_code == 200
            counts[i] += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - t0)


def enumerate_all(sim, max_elements):
    s = requests.Session()
    s.post(sim.url, data=env("urn:warmup", CS, ""), headers=CT, auth=("admin", "secret"))
    t0 = time.monotonic()
    r = s.post(
        sim.url,
        data=env("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", CS, "<n:Enumerate/>"),
        headers=CT,
        auth=("admin", "secret"),
    )
    ctx = etree.fromstring(r.content).xpath("//n:EnumerationContext/text()", namespaces=NS)[0]
    items = requests_n = 0
    bytes_in = 0
    me = f"<n:MaxElements>{max_elements}</n:MaxElements>" if max_elements else ""
    while True:
        r = s.post(
            sim.url,
            data=env(
                "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull",
                CS,
                f"<n:Pull><n:EnumerationContext>{ctx}</n:EnumerationContext>{me}</n:Pull>",
            ),
            headers=CT,
            auth=("admin", "secret"),
        )
        requests_n += 1
        bytes_in += len(r.content)
        root = etree.fromstring(r.content)
        items += len(root.xpath("//n:Items/*", namespaces=NS))
        if root.xpath("//n:EndOfSequence", namespaces=NS):
            break
        ctx = root.xpath("//n:PullResponse/n:EnumerationContext/text()", namespaces=NS)[0]
    return time.monotonic() - t0, items, requests_n + 1, bytes_in


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--vms", type=int, default=1000)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    small = SimHost(build_host(vms=3)).start()
    try:
        name = next(
            i.properties["Name"]
            for i in small.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
            if i.properties["Name"] != small.host.computer_name
        )
        print(f"Get, 1 client:  {get_rate(small, name, 1, args.seconds):7.0f} requests/s")
        print(f"Get, {args.clients} clients: {get_rate(small, name, args.clients, args.seconds):7.0f} requests/s")
    finally:
        small.stop()

    t0 = time.monotonic()
    host = build_host(vms=args.vms)
    print(f"build_host(vms={args.vms}): {time.monotonic() - t0:.2f} s (not counted below)")
    big = SimHost(host).start()
    try:
        for label, me in (("MaxElements 32000", 32000), ("one item per Pull (libvirt)", None)):
            best = None
            for _attempt in range(3 if me else 1):
                dt, items, n, size = enumerate_all(big, me)
                best = dt if best is None else min(best, dt)
            print(
                f"Enumerate+Pulls of {items - 1} VMs (+host), {label}: {best:.3f} s, {n} requests, "
                f"{size / 1024:.0f} KiB"
            )
    finally:
        big.stop()


if __name__ == "__main__":
    main()
