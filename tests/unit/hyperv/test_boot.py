"""Generation 2 boot order: BootSourceOrder entries classified by their device, reordered by kind."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import boot
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.devices import VmDevices

VM = "11111111-AAAA-BBBB-CCCC-000000000001"
NIC = "Microsoft:%s\\2E1C2B53-0C41-4C09-9F39-A3D8B5E2C6A1" % VM
DVD = "Microsoft:%s\\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\0\\0\\D" % VM
DISK = "Microsoft:%s\\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\0\\1\\D" % VM
BOOTMGR = "Microsoft:%s\\6F3F4C5D-1111-2222-3333-444455556666" % VM


def path(iid, doubled=True):
    value = (iid + "\\B").replace("\\", "\\\\") if doubled else iid + "\\B"
    return '\\\\HV01\\root\\virtualization\\v2:Msvm_BootSourceSettingData.InstanceID="%s"' % value


def devices():
    dev = VmDevices()
    dev.drives = [
        {"kind": "dvd", "drive": cim.Instance("Msvm_ResourceAllocationSettingData", {"InstanceID": DVD})},
        {"kind": "disk", "drive": cim.Instance("Msvm_ResourceAllocationSettingData", {"InstanceID": DISK})},
    ]
    dev.nics = [{"sepsd": cim.Instance("Msvm_SyntheticEthernetPortSettingData", {"InstanceID": NIC})}]
    return dev


@pytest.mark.parametrize("doubled", [True, False])
def test_entries_are_classified_by_their_device(doubled):
    order = [path(BOOTMGR, doubled), path(NIC, doubled), path(DISK, doubled), path(DVD.lower(), doubled)]
    vssd = cim.Instance("Msvm_VirtualSystemSettingData", {"BootSourceOrder": order})
    entries = boot.sources(vssd, devices())
    assert boot.kinds(entries) == ["file", "net", "disk", "cd"]
    assert [p for _kind, p in entries] == order  # the host's own strings, to send back unchanged
    assert boot.instance_id_of(order[1]) == NIC + "\\B"


def test_no_boot_sources():
    assert boot.sources(cim.Instance("Msvm_VirtualSystemSettingData", {"BootSourceOrder": None}), devices()) == []
    assert boot.sources(None, None) == []


def test_reorder_moves_listed_kinds_first_and_keeps_the_rest():
    current = [("file", "f"), ("net", "n1"), ("disk", "d1"), ("cd", "c"), ("disk", "d2"), ("net", "n2")]
    assert boot.kinds(boot.reorder(current, ["cd", "disk"])) == ["cd", "disk", "disk", "file", "net", "net"]
    assert [p for _k, p in boot.reorder(current, ["net"])] == ["n1", "n2", "f", "d1", "c", "d2"]
    # idempotent: the result reordered again is unchanged
    once = boot.reorder(current, ["cd", "net", "disk"])
    assert boot.reorder(once, ["cd", "net", "disk"]) == once
    assert boot.reorder(current, []) == current


def test_validate():
    assert boot.validate(["cd", "disk"]) == ["cd", "disk"]
    with pytest.raises(OptionError, match=r"generation 2 VMs boot from cd, disk, net, file; ide is not"):
        boot.validate(["ide", "cd"])
    with pytest.raises(OptionError, match="each device kind once"):
        boot.validate(["cd", "cd"])
