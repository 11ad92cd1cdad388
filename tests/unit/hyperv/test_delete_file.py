"""vmconfig.delete_file (hyperv_vm remove_disks, and the rollback of a half-created VM) against the simulator:
one CIM_DataFile.Delete through HypervConnection.invoke; a refusal is an error naming the path and Win32 code."""

from __future__ import annotations

import pytest

plugin = pytest.importorskip("tests.simulator.pytest_plugin")
hyperv_sim = plugin.hyperv_sim

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import vmconfig  # noqa: E402
from tests import sim_connection  # noqa: E402
from tests.simulator.model.populate import add_file  # noqa: E402


def connect(sim):
    conn = sim_connection.connection(sim)
    calls = []
    invoke = conn.invoke

    def spy(target, method, params=None):
        calls.append((target.class_name, method))
        return invoke(target, method, params)

    conn.invoke = spy
    return conn, calls


@pytest.fixture
def sim(hyperv_sim):
    sim = hyperv_sim(vms=1)
    with sim.host.lock:
        add_file(sim.host, "C:\\VMs\\old.vhdx", size=1 << 30)
        add_file(sim.host, "C:\\Windows\\kept.vhdx")
    return sim


def test_delete_file_is_one_invoke(sim):
    conn, calls = connect(sim)
    vmconfig.delete_file(conn, "C:\\VMs\\old.vhdx")
    assert "c:\\vms\\old.vhdx" not in sim.host.files
    assert calls == [("CIM_DataFile", "Delete")] and conn.round_trips == 1


def test_refused_delete_names_path_and_code(sim):
    conn, calls = connect(sim)
    with pytest.raises(HypervError) as err:
        vmconfig.delete_file(conn, "C:\\Windows\\kept.vhdx")
    assert str(err.value) == "could not delete C:\\Windows\\kept.vhdx on the host (Win32 error 2)"
    assert "c:\\windows\\kept.vhdx" in sim.host.files and len(calls) == 1 and conn.round_trips == 1
