"""kvp.read_guest (hyperv_vm wait_for_ip polls it): ONE request per call (the VM's KVP component), v2 and v1, and
the same IPs (IPv4 first) and guest facts as facts.gather_vms gives for that VM."""

from __future__ import annotations

import pytest

plugin = pytest.importorskip("tests.simulator.pytest_plugin")
hyperv_sim = plugin.hyperv_sim

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import facts, kvp  # noqa: E402
from tests import sim_connection  # noqa: E402

connect = sim_connection.connection


@pytest.mark.parametrize("persona", ["2022", "2012", "2008r2"])
def test_read_guest_is_one_request_with_the_facts_ips(hyperv_sim, persona):
    sim = hyperv_sim(persona=persona, vms=6, seed=3)
    conn = connect(sim)
    running = [vm for vm in facts.gather_vms(conn, include=("guest",)) if vm["state"] == "running"]
    with_ips = [vm for vm in running if vm["ip_addresses"]]
    assert with_ips or persona == "2008r2", running  # the simulated 2008 R2 guests publish no addresses
    for vm in running:
        before = conn.round_trips
        ips, guest = kvp.read_guest(conn, vm["uuid"])
        assert conn.round_trips == before + 1, vm["name"]
        assert ips == vm["ip_addresses"] and guest == vm["guest"], vm["name"]
        assert ips == kvp.order_ips(ips)


def test_read_guest_of_a_vm_without_kvp_component(hyperv_sim):
    conn = connect(hyperv_sim(vms=1))
    before = conn.round_trips
    assert kvp.read_guest(conn, "4EA7033C-356C-4EBA-9F77-1A3399CFCD72") == (
        [], {"fqdn": None, "os_name": None, "os_version": None})
    assert conn.round_trips == before + 1
