"""libvirt's `virsh screenshot` on the wire (reference 7.1.7; libvirt hyperv_driver.c hypervDomainScreenshot):
find the VM's synthetic display controller (the S3 one as fallback) by SystemName, its video head through
ASSOCIATORS OF ... Msvm_VideoHeadOnController, the enabled head's resolution, then
VSMS.GetVirtualSystemThumbnailImage with TargetSystem = the VM's VSSD as an EPR; ImageData is base64 RGB565."""

from __future__ import annotations

import base64

import pytest

from .test_operations import _epr_xml
from .wsclient import V2, Client

VSMS = V2 + "Msvm_VirtualSystemManagementService"
HEAD = V2 + "Msvm_VideoHead"


def _vms(sim, state):
    return [
        v
        for v in sim.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if v.properties["Name"] != sim.host.computer_name and v.values.get("_state") == state
    ]


def _generation(sim, vm):
    vssd = sim.host.find("root/virtualization/v2", "Msvm_VirtualSystemSettingData", "Microsoft:" + vm.values["Name"])
    return 2 if vssd.values.get("VirtualSystemSubType", "").endswith("Type:2") else 1


def _head(client, uuid, controller):
    """(EnabledState, x, y) of the controller's head as libvirt reads them, or None without the controller."""
    items, _unused = client.enum_all(V2 + "*", wql=f"SELECT * FROM {controller} WHERE SystemName = '{uuid}'")
    if not items:
        return None
    device_id = items[0].findtext(f"{{{V2}{controller}}}DeviceID")
    wql = (
        f"ASSOCIATORS OF {{{controller}.CreationClassName='{controller}',DeviceID='{device_id}',"
        f"SystemCreationClassName='Msvm_ComputerSystem',SystemName='{uuid}'}} "
        "WHERE AssocClass = Msvm_VideoHeadOnController ResultClass = Msvm_VideoHead"
    )
    heads, _unused = client.enum_all(V2 + "*", wql=wql)
    assert len(heads) == 1, controller
    return tuple(heads[0].findtext(f"{{{HEAD}}}{p}") for p in ("EnabledState", "CurrentHorizontalResolution",
                                                               "CurrentVerticalResolution"))


def _thumbnail(client, uuid, width, height):
    vssd_epr = _epr_xml(V2 + "Msvm_VirtualSystemSettingData", {"InstanceID": f"Microsoft:{uuid}"})
    params = (f"<p:WidthPixels>{width}</p:WidthPixels><p:HeightPixels>{height}</p:HeightPixels>"
              f"<p:TargetSystem>{vssd_epr}</p:TargetSystem>")
    return client.invoke(VSMS, "GetVirtualSystemThumbnailImage",
                         {"CreationClassName": "Msvm_VirtualSystemManagementService"}, params)


def test_screenshot_of_running_vms_of_both_generations(hyperv_sim):
    sim = hyperv_sim(vms=12, seed=4)
    client = Client(sim.url)
    running = _vms(sim, "running")
    assert {_generation(sim, vm) for vm in running} == {1, 2}, "the seed should give running VMs of both"
    for vm in running:
        uuid = vm.values["Name"]
        synthetic = _head(client, uuid, "Msvm_SyntheticDisplayController")
        s3 = _head(client, uuid, "Msvm_S3DisplayController")
        if _generation(sim, vm) == 2:
            assert s3 is None and synthetic is not None
        heads = [h for h in (synthetic, s3) if h is not None]
        enabled = [h for h in heads if h[0] == "2"]
        assert len(enabled) == 1, (vm.properties["ElementName"], heads)  # libvirt finds exactly one to use
        width, height = int(enabled[0][1]), int(enabled[0][2])
        reply = _thumbnail(client, uuid, width, height)
        assert reply.status == 200, reply.body()
        assert reply.one("//*[local-name()='ReturnValue']/text()") == "0"
        data = reply.x("/s:Envelope/s:Body/*[local-name()='GetVirtualSystemThumbnailImage_OUTPUT']"
                       "/*[local-name()='ImageData']")
        assert len(data) == 1  # one element, base64 text
        assert len(base64.b64decode(data[0].text, validate=True)) == width * height * 2


def test_a_vm_that_is_off_has_no_display_and_no_thumbnail(hyperv_sim):
    sim = hyperv_sim(vms=12, seed=4)
    client = Client(sim.url)
    uuid = _vms(sim, "off")[0].values["Name"]
    assert _head(client, uuid, "Msvm_SyntheticDisplayController") is None
    reply = _thumbnail(client, uuid, 640, 480)
    assert reply.status == 200 and reply.one("//*[local-name()='ReturnValue']/text()") == "32775"


@pytest.mark.parametrize("size", [(0, 480), (640, 0), (70000, 10)])
def test_thumbnail_size_must_be_positive_and_bounded(hyperv_sim, size):
    sim = hyperv_sim(vms=12, seed=4)
    uuid = _vms(sim, "running")[0].values["Name"]
    reply = _thumbnail(Client(sim.url), uuid, *size)
    assert reply.status in (200, 500)
    if reply.status == 200:
        assert reply.one("//*[local-name()='ReturnValue']/text()") == "32773"
