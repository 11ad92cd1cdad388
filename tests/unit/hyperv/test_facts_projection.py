"""gather_vms with projections (SELECT a, b FROM …, items as w:XmlFragment) gives exactly the facts of
SELECT *, in fewer bytes and no more requests; instances keep no XML; KVP items are filtered by name."""

from __future__ import annotations

import pytest

plugin = pytest.importorskip("tests.simulator.pytest_plugin")
hyperv_sim = plugin.hyperv_sim

from ansible_collections.wsman.hyperv.plugins.module_utils import cim  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import facts  # noqa: E402
from tests import sim_connection  # noqa: E402

connect = sim_connection.connection


def same_facts(one, other):
    """Equal facts; uptime may tick by a second between the two reads (the simulator's clock runs)."""
    assert len(one) == len(other)
    for a, b in zip(one, other, strict=True):
        a, b = dict(a), dict(b)
        ua, ub = a.pop("uptime_seconds"), b.pop("uptime_seconds")
        assert (ua is None) == (ub is None) and (ua is None or abs(ua - ub) <= 2)
        assert a == b
    return True


class Recorder:
    """A HypervConnection whose client's queries (and the instances they return) are recorded."""

    def __init__(self, conn):
        self.conn = conn
        self.queries = []
        self.instances = []
        self.only = []
        client_query = conn.client.query

        def query(wql, **kwargs):
            self.queries.append(wql)
            self.only.append(kwargs.get("only"))
            out = client_query(wql, **kwargs)
            self.instances.extend(out)
            return out

        conn.client.query = query

    def __getattr__(self, name):
        return getattr(self.conn, name)


@pytest.mark.parametrize("persona", ["2022", "2012", "2008r2"])
def test_projected_facts_equal_full_facts(hyperv_sim, persona):
    sim = hyperv_sim(persona=persona, vms=40, switches=2, seed=7)
    full_conn = Recorder(connect(sim))
    full = facts.gather_vms(full_conn, project=False)
    lean_conn = Recorder(connect(sim))
    lean = facts.gather_vms(lean_conn, project=True)
    assert len(full) == 40
    assert same_facts(lean, full)
    # same requests or fewer (fewer Pulls), every query but the device classes projected; a 2012 host has no
    # SecureBootEnabled / VirtualSystemSubType: it refuses that projection and is asked for SELECT * (+1)
    extra = 1 if persona == "2012" else 0
    assert lean_conn.round_trips <= full_conn.round_trips + extra
    assert len(lean_conn.queries) == len(full_conn.queries) + extra
    # with devices, processor and memory come in the one polymorphic CIM_ResourceAllocationSettingData
    # enumeration (read whole); guest addresses come from KVP
    projected = {"Msvm_ComputerSystem", "Msvm_VirtualSystemSettingData", "Msvm_VirtualSystemGlobalSettingData",
                 "Msvm_KvpExchangeComponent"}
    mine = [q for q in lean_conn.queries if cim.wql_class(q) in projected
            and not (extra and q.startswith("SELECT * FROM Msvm_VirtualSystemSettingData"))]
    assert len(mine) >= (4 if persona == "2008r2" else 3), lean_conn.queries
    assert all(not q.startswith("SELECT *") for q in mine), lean_conn.queries
    assert [cim.wql_class(q) for q in lean_conn.queries].count(facts.RASD_BASE) == 1
    assert not any(cim.wql_class(q) in ("Msvm_ProcessorSettingData", "Msvm_MemorySettingData",
                                        "Msvm_GuestNetworkAdapterConfiguration") for q in lean_conn.queries)
    assert all(q.startswith("SELECT *") for q in full_conn.queries)
    # projected items are XmlFragments typed by the FROM class (ints stay ints)
    cs = [i for i in lean_conn.instances if i.class_name == "Msvm_ComputerSystem"]
    assert cs and all(i.resource_uri == "" and isinstance(i.get("EnabledState"), int) for i in cs)
    assert {k for k, v in cs[0].properties.items() if v is not None} <= set(facts.CS_PROPS)
    # no instance keeps its response's XML tree
    assert all(i.raw_xml is None for i in lean_conn.instances + full_conn.instances)


@pytest.mark.parametrize("persona", ["2022", "2012", "2008r2"])
def test_default_projection_asks_per_class_never_per_vm(hyperv_sim, persona):
    sim = hyperv_sim(persona=persona, vms=30, switches=1, seed=5)
    include = ("config", "guest", "checkpoints")
    full = facts.gather_vms(connect(sim), project=False, include=include)
    conn = Recorder(connect(sim))
    assert same_facts(facts.gather_vms(conn, include=include), full)
    assert any(vm["state"] == "running" for vm in full)
    # each query is about a class, never about one VM: no VM's GUID or name appears in any of them
    for vm in full:
        assert not any(vm["uuid"].lower() in q.lower() or "'%s'" % vm["name"] in q for q in conn.queries)
    # every class is projected; a 2012 host refuses the VSSD projection (no SecureBootEnabled): it is asked
    # SELECT * once more, and only the properties the facts read are parsed
    star = [cim.wql_class(q) for q in conn.queries if q.startswith("SELECT *")]
    assert star == (["Msvm_VirtualSystemSettingData"] if persona == "2012" else [])
    parsed_only = {cim.wql_class(q): only for q, only in zip(conn.queries, conn.only, strict=True) if only}
    assert set(parsed_only) == set(star)
    for inst in conn.instances:
        only = parsed_only.get(inst.class_name)
        if only:
            assert set(inst.properties) <= set(only), (inst.class_name, sorted(inst.properties))


def test_projection_with_devices_and_filters(hyperv_sim):
    sim = hyperv_sim(persona="2022", vms=12, switches=2, seed=3)
    kwargs = {"states": ["running", "off"], "name_globs": ["*"], "include": facts.INCLUDE_ALL}
    full = facts.gather_vms(connect(sim), project=False, **kwargs)
    lean = facts.gather_vms(connect(sim), project=True, **kwargs)
    assert full and same_facts(lean, full)
    # devices (read whole) are there too
    assert any(vm["disks"] or vm["network_adapters"] for vm in lean)


def test_projection_means_fewer_pulls(hyperv_sim):
    sim = hyperv_sim(persona="2022", vms=300, switches=1, seed=1)
    full_conn, lean_conn = connect(sim), connect(sim)
    include = ("config", "guest", "checkpoints")
    assert same_facts(facts.gather_vms(full_conn, include=include, project=False),
                      facts.gather_vms(lean_conn, include=include, project=True))
    assert lean_conn.round_trips < full_conn.round_trips


def test_keep_raw_xml_on_request(hyperv_sim):
    sim = hyperv_sim(persona="2022", vms=2)
    client = connect(sim, keep_raw_xml=True).client
    insts = client.query(cim.wql_select("Msvm_ComputerSystem"))
    assert insts and all(i.raw_xml is not None for i in insts)
    assert connect(sim).client.query(cim.wql_select("Msvm_ComputerSystem"))[0].raw_xml is None
