"""The wsman.hyperv.hyperv inventory plugin run inside the test process against simulators, with the real
driver, to look at what it sends: the WQL of each enumeration (filters pushed into the query) and the request
count per Hyper-V host (constant, whatever the number of VMs)."""

from __future__ import annotations

import pytest

from tests.integration.inventory.inprocess import load_plugin, parse
from tests.simulator import pytest_plugin

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here
PASSWORD = "In-proc3ss!"


@pytest.fixture
def queries(monkeypatch):
    """Every WQL query the driver enumerates, in order."""
    load_plugin()
    from ansible_collections.wsman.hyperv.plugins.module_utils import wsman

    seen = []
    original = wsman.WSManClient.enumerate

    def spy(self, query, *args, **kwargs):
        seen.append(query)
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(wsman.WSManClient, "enumerate", spy)
    return seen


def write(tmp_path, text):
    path = tmp_path / "inproc.hyperv.yml"
    path.write_text("plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\n%s" % (PASSWORD, text))
    return path


def uri(sim):
    return "hyperv://127.0.0.1:%d/?transport=http" % sim.port


def test_name_filter_is_sent_as_wql_and_notes_filter_is_not(hyperv_sim, tmp_path, queries):
    sim = hyperv_sim(vms=8, users={"admin": PASSWORD})
    data, _plugin = parse(write(tmp_path, "hosts: ['%s']\n" % uri(sim)))
    names = sorted({h.get_vars()["hyperv_name"] for h in data.hosts.values()})
    target = names[0]
    queries.clear()
    config = "hosts: ['%s']\nfilters:\n  names: ['%s*']\n  notes: 'zzz-no-such-note|.*'\n" % (uri(sim), target[:3])
    data, _plugin = parse(write(tmp_path, config))
    cs_queries = [q for q in queries if "Msvm_ComputerSystem" in q]
    assert len(cs_queries) == 1
    assert "ElementName LIKE '%s%%'" % target[:3] in cs_queries[0]
    assert not any("zzz" in q for q in queries)  # a regex cannot be WQL: applied on the controller
    assert sorted({h.get_vars()["hyperv_name"] for h in data.hosts.values()}) == sorted(
        n for n in names if n.lower().startswith(target[:3].lower())
    )
    queries.clear()
    parse(write(tmp_path, "hosts: ['%s']\nfilters:\n  names: ['%s']\n" % (uri(sim), target)))
    assert "ElementName = '%s'" % target in [q for q in queries if "Msvm_ComputerSystem" in q][0]


def test_requests_per_host_do_not_depend_on_vm_count(hyperv_sim, tmp_path, queries):
    small = hyperv_sim(vms=5, computer_name="HV-S", users={"admin": PASSWORD})
    large = hyperv_sim(vms=300, computer_name="HV-L", users={"admin": PASSWORD}, seed=3)
    config = "max_workers: 1\nhosts:\n  - {uri: '%s', name: small}\n  - {uri: '%s', name: large}\n" % (
        uri(small),
        uri(large),
    )
    data, plugin = parse(write(tmp_path, config))
    assert len(data.hosts) == 305
    # max_workers 1: the hosts one after the other, the same queries for both, none naming a VM
    half = len(queries) // 2
    assert queries[:half] == queries[half:]
    # no query names a VM: no GUID or VM name, no lookup by key
    for host in data.hosts.values():
        hv = host.get_vars()
        assert not any(hv["hyperv_uuid"].lower() in q.lower() or "'%s'" % hv["hyperv_name"] in q for q in queries)
    assert not any(key in q for q in queries for key in ("ElementName =", "InstanceID =", "InstanceID LIKE"))
    s, big = small.stats(), large.stats()
    assert s["actions"].get("Enumerate") == big["actions"].get("Enumerate") == half
    assert not set(s["actions"]) - {"Enumerate", "Pull"}, s  # no Get / Invoke per VM
    assert not set(big["actions"]) - {"Enumerate", "Pull"}, big
    assert big["actions"].get("Pull", 0) < 300 / 10
    # the plugin's own count (the driver's round trips) matches each host's request log
    assert plugin.stats["small"]["round_trips"] == s["total"]
    assert plugin.stats["large"]["round_trips"] == big["total"]


def test_down_host_in_process(hyperv_sim, tmp_path, capsys):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        down = sock.getsockname()[1]
    sim = hyperv_sim(vms=3, users={"admin": PASSWORD})
    config = "hosts:\n  - '%s'\n  - uri: 'hyperv://127.0.0.1:%d/?transport=http'\n    name: down\n" % (uri(sim), down)
    data, plugin = parse(write(tmp_path, config))
    assert len(data.hosts) == 3
    assert "down" not in plugin.stats
    err = capsys.readouterr().err
    assert "skipped Hyper-V host down" in err and PASSWORD not in err
