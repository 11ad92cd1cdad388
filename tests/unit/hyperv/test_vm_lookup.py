"""vms.find_existing: the VM lookup of hyperv_checkpoint and hyperv_vm_keyboard (name and/or uuid), against the
simulator, v2 and v1: one request, and a clear error naming what was wrong."""

from __future__ import annotations

import pytest

plugin = pytest.importorskip("tests.simulator.pytest_plugin")
hyperv_sim = plugin.hyperv_sim

from ansible_collections.wsman.hyperv.plugins.module_utils import cim  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError  # noqa: E402
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import vms  # noqa: E402
from tests import sim_connection  # noqa: E402

MISSING_GUID = "4EA7033C-356C-4EBA-9F77-1A3399CFCD72"


connect = sim_connection.connection


@pytest.fixture(params=["2022", "2008r2"])
def setup(request, hyperv_sim):
    sim = hyperv_sim(persona=request.param, vms=3)
    conn = connect(sim)
    vm = next(cs for cs in conn.query(cim.wql_select(vms.CS)) if vms.is_guid(cs.get("Name")))
    trips = conn.round_trips
    return conn, vm, trips


def test_by_name_by_uuid_and_both(setup):
    conn, vm, trips = setup
    name, guid = vm.get("ElementName"), vm.get("Name")
    assert vms.find_existing(conn, name=name).get("Name") == guid
    assert vms.find_existing(conn, uuid=guid).get("ElementName") == name
    assert vms.find_existing(conn, name=name, uuid=guid).get("Name") == guid
    assert conn.round_trips == trips + 3  # one request each


@pytest.mark.parametrize("name, uuid, message", [
    ("no-such-vm", None, "virtual machine 'no-such-vm' does not exist"),
    (None, MISSING_GUID, "virtual machine '%s' does not exist" % MISSING_GUID),
    ("no-such-vm", MISSING_GUID, "virtual machine '%s' does not exist" % MISSING_GUID),
    (None, "not-a-guid", "uuid 'not-a-guid' is not a VM GUID"),
])
def test_absent_vm_is_an_error_naming_what_was_asked(setup, name, uuid, message):
    conn = setup[0]
    with pytest.raises(HypervError) as err:
        vms.find_existing(conn, name=name, uuid=uuid)
    assert message in str(err.value)


def test_uuid_of_another_vm_is_an_error(setup):
    conn, vm = setup[:2]
    with pytest.raises(HypervError) as err:
        vms.find_existing(conn, name="someone-else", uuid=vm.get("Name"))
    assert str(err.value) == "uuid %s is virtual machine %r, not 'someone-else'" % (vm.get("Name"), vm.get("ElementName"))
