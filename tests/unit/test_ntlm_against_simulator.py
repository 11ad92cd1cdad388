"""The collection's driver (WSManClient) with auth=ntlm against the in-repo simulator: over http the
messages are sealed (WinRM message encryption), over https they are not. Skipped when the
simulator's pytest fixture cannot be imported; the driver imports nothing from the simulator."""

from __future__ import annotations

import pytest

plugin = pytest.importorskip("tests.simulator.pytest_plugin")
hyperv_sim = plugin.hyperv_sim

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, jobs, wsman  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import AuthenticationError  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import ConnectionSpec  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def connect(sim, auth="ntlm", password="secret", username="admin"):
    spec = ConnectionSpec(hostname="127.0.0.1", port=sim.port, transport="https" if sim.tls else "http",
                          username=username, password=password, auth=auth, validate_certs=False, ca_path=None,
                          client_cert=None, client_key=None, connection_timeout=5, operation_timeout=20,
                          namespace="auto")
    return wsman.WSManClient(spec, sleep=lambda s: None)


def _vms(client):
    return sorted((i["Name"], i["ElementName"], i["EnabledState"])
                  for i in client.query(cim.wql_select("Msvm_ComputerSystem")))


@pytest.mark.parametrize("tls", [False, True])
def test_driver_with_ntlm_sees_what_basic_sees(hyperv_sim, tls):
    sim = hyperv_sim(tls=tls)
    client = connect(sim)
    assert client.identify()["ProductVendor"] == "Microsoft Corporation"
    vms = _vms(client)
    assert len(vms) == 4  # host + 3 VMs
    assert vms == _vms(connect(sim, auth="basic"))
    sealed = client.transport.encryption is not None
    assert sealed is not tls  # message encryption over http only
    stats = sim.stats()
    assert stats["actions"]["Negotiate"] == 1  # one handshake for the whole session
    assert stats["users"]["admin"] >= 3


def test_driver_with_ntlm_invokes_a_method(hyperv_sim):
    sim = hyperv_sim()
    client = connect(sim)
    vm = next(i for i in client.query(cim.wql_select("Msvm_ComputerSystem")) if i["Name"] != i["ElementName"])
    target = 3 if vm["EnabledState"] == 2 else 2
    result = jobs.invoke_and_wait(client, vm.reference(), "RequestStateChange", {"RequestedState": target}, timeout=30)
    assert result.return_value in (0, 4096)
    assert client.get(vm.reference())["EnabledState"] == target


@pytest.mark.parametrize("tls", [False, True])
def test_driver_with_ntlm_wrong_password(hyperv_sim, tls):
    sim = hyperv_sim(tls=tls)
    with pytest.raises(AuthenticationError) as exc:
        connect(sim, password="wrong").identify()
    assert exc.value.status == 401
    assert "wrong" not in str(exc.value)


def test_driver_with_ntlm_when_the_host_offers_basic_only(hyperv_sim):
    sim = hyperv_sim(auth=("basic",))
    with pytest.raises(AuthenticationError):
        connect(sim).identify()
    assert len(_vms(connect(sim, auth="basic"))) == 4
