"""50 concurrent clients x 100 requests: nothing lost, request log consistent (reference 10.5 T4)."""

from __future__ import annotations

import socket
import threading
from collections import Counter

from .wsclient import V2, Client

CS = V2 + "Msvm_ComputerSystem"


def test_50_clients_100_requests_each(hyperv_sim):
    sim = hyperv_sim(vms=5)
    sim.reset_stats()
    vm_names = sorted(i.properties["Name"] for i in sim.host.instances("root/virtualization/v2", "Msvm_ComputerSystem"))
    results = Counter()
    errors = []
    lock = threading.Lock()

    def worker(n):
        c = Client(sim.url)
        local = Counter()
        try:
            for k in range(100):
                if k % 4 == 0:  # a full Enumerate + Pull conversation counts as 1 + pulls
                    r = c.enumerate(CS)
                    ctx = r.one("//n:EnumerationContext/text()")
                    local["Enumerate"] += 1
                    names = []
                    while True:
                        p = c.pull(CS, ctx, max_elements=2)
                        local["Pull"] += 1
                        names += [e.text for e in p.x(f"//*[namespace-uri()='{CS}' and local-name()='Name']")]
                        if p.x("//n:EndOfSequence"):
                            break
                        ctx = p.one("//n:PullResponse/n:EnumerationContext/text()")
                    assert sorted(names) == vm_names
                else:
                    name = vm_names[(n + k) % len(vm_names)]
                    r = c.get(CS, {"CreationClassName": "Msvm_ComputerSystem", "Name": name})
                    assert r.status == 200
                    assert r.one("//*[local-name()='Name']/text()") == name
                    local["Get"] += 1
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))
        with lock:
            results.update(local)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert results["Get"] == 50 * 75 and results["Enumerate"] == 50 * 25
    stats = sim.stats()
    assert stats["actions"] == dict(results)
    assert stats["total"] == sum(results.values())
    assert stats["statuses"] == {"200": sum(results.values())}
    assert stats["classes"]["Msvm_ComputerSystem"] == sum(results.values())
    assert stats["open_contexts"] == 0


def test_a_silent_tls_connection_does_not_hold_up_others(hyperv_sim):
    """The TLS handshake runs in the connection's thread: a client that connects over HTTPS and never sends its
    ClientHello does not stop another client from being served (reference 10.1 H6, 10.5 T4)."""
    sim = hyperv_sim(tls=True, vms=1)
    silent = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
    try:
        reply = Client(sim.url).enumerate(CS)  # requests' own timeout is 30 s; the accept loop used to block
        assert reply.status == 200, reply.body()
        assert reply.one("//n:EnumerationContext/text()")
    finally:
        silent.close()
