"""The driver against the in-repo Hyper-V simulator (tests/simulator), over real HTTP.
Skipped when the simulator's pytest fixture cannot be imported. The driver imports nothing from it."""

from __future__ import annotations

import pytest

plugin = pytest.importorskip("tests.simulator.pytest_plugin")
hyperv_sim = plugin.hyperv_sim
hyperv_host = plugin.hyperv_host

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, jobs, wsman  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import AuthenticationError  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import ConnectionSpec  # noqa: E402
from tests import sim_connection  # noqa: E402

connect = sim_connection.client


def test_list_vms_in_one_request(hyperv_host):
    client = connect(hyperv_host)
    all_cs = client.query(cim.wql_select("Msvm_ComputerSystem"))
    assert client.round_trips == 1
    assert len(all_cs) == 4  # host + 3 VMs
    states = {inst["EnabledState"] for inst in all_cs}
    assert all(isinstance(s, int) for s in states)
    assert client.namespace == wsman.V2 and client.namespace_confirmed


def test_get_by_reference_and_state_change_job(hyperv_host):
    client = connect(hyperv_host)
    # the host is an Msvm_ComputerSystem too: its Name is its computer name, a VM's is a GUID
    vm = next(i for i in client.query(cim.wql_select("Msvm_ComputerSystem")) if i["Name"] != i["ElementName"])
    ref = vm.reference()
    again = client.get(ref)
    assert again["Name"] == vm["Name"]
    target = 3 if vm["EnabledState"] == 2 else 2
    result = jobs.invoke_and_wait(client, ref, "RequestStateChange", {"RequestedState": target}, timeout=30)
    assert result.return_value in (0, 4096)
    assert client.get(ref)["EnabledState"] == target


def test_paging_and_release(hyperv_sim):
    sim = hyperv_sim(vms=120)
    client = connect(sim)
    assert len(client.query(cim.wql_select("Msvm_ComputerSystem"), max_elements=50)) == 121
    first = client.first(cim.wql_select("Msvm_ComputerSystem"), max_elements=10)
    assert first is not None
    assert sim.stats()["open_contexts"] == 0


def test_v1_host_detected_with_one_extra_request(hyperv_sim):
    sim = hyperv_sim(persona="2008r2", vms=2)
    client = connect(sim)
    found = client.query(cim.wql_select("Msvm_ComputerSystem"))
    assert len(found) == 3
    assert client.namespace == wsman.V1
    assert client.round_trips == 2
    client.query(cim.wql_select("Msvm_ComputerSystem"))
    assert client.round_trips == 3


def test_v2_host_has_no_probe(hyperv_sim):
    sim = hyperv_sim(persona="2016", vms=1)
    client = connect(sim)
    client.query(cim.wql_select("Msvm_ComputerSystem"))
    assert client.round_trips == 1 and client.namespace == wsman.V2


def test_wrong_password_is_authentication_error(hyperv_host):
    client = connect(hyperv_host, password="wrong-password-123")
    with pytest.raises(AuthenticationError) as err:
        client.query(cim.wql_select("Msvm_ComputerSystem"))
    assert "wrong-password-123" not in str(err.value)


def test_identify(hyperv_host):
    info = connect(hyperv_host).identify()
    assert "ProductVendor" in info


def test_tls_verification_error_and_opt_out(hyperv_sim):
    from ansible_collections.wsman.hyperv.plugins.module_utils.errors import TLSVerificationError

    sim = hyperv_sim(tls=True, vms=1)
    base = dict(hostname="127.0.0.1", port=sim.port, transport="https", username="admin", password="secret",
                auth="basic", ca_path=None, client_cert=None, client_key=None, connection_timeout=5,
                operation_timeout=20, namespace="auto")
    strict = wsman.WSManClient(ConnectionSpec(validate_certs=True, **base))
    with pytest.raises(TLSVerificationError) as err:
        strict.identify()
    assert "ca_path" in str(err.value) and "validate_certs" in str(err.value)
    assert "secret" not in str(err.value)
    lax = wsman.WSManClient(ConnectionSpec(validate_certs=False, **base))
    assert len(lax.query(cim.wql_select("Msvm_ComputerSystem"))) == 2


HOSTILE = ["it's", 'say "hi"', "back\\slash\\", "' OR '1'='1", "100%_[x]", "ünïcødé 名前", "new\nline"]


def test_hostile_literals_are_accepted_by_a_wql_parser_and_match_nothing(hyperv_host):
    client = connect(hyperv_host)
    for name in HOSTILE:
        where = cim.wql_or(cim.wql_eq("ElementName", name), cim.wql_like("ElementName", prefix=name))
        assert client.query(cim.wql_select("Msvm_ComputerSystem", where)) == []


def test_like_prefix_and_exact_match_find_a_real_vm(hyperv_host):
    client = connect(hyperv_host)
    vm = next(i for i in client.query(cim.wql_select("Msvm_ComputerSystem")) if i["Name"] != i["ElementName"])
    found = client.query(cim.wql_select("Msvm_ComputerSystem", cim.wql_eq("ElementName", vm["ElementName"])))
    assert [i["Name"] for i in found] == [vm["Name"]]
    settings = client.query(cim.wql_select("Msvm_VirtualSystemSettingData",
                                           cim.wql_like("InstanceID", prefix="Microsoft:%s" % vm["Name"])))
    assert settings and all(s["InstanceID"].startswith("Microsoft:" + vm["Name"]) for s in settings)
