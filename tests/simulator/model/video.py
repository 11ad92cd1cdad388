"""Video: the heads of a running VM's display controllers and VSMS.GetVirtualSystemThumbnailImage
(reference 5.12 video, 5.5; libvirt's screenshot, 7.1.7).

A display controller a running VM shows (devices.py kinds s3_display, synth_display) has one
Msvm_VideoHead, linked by Msvm_VideoHeadOnController and Msvm_SystemDevice. The head that shows the
console is enabled (EnabledState 2), the other disabled (3) [inf]: a generation 2 VM has only the
synthetic controller; a generation 1 VM shows the S3 head until its guest runs an OS with the
synthetic video driver, then the synthetic one [code libvirt: synthetic first, S3 as fallback].
The thumbnail is RGB565, little-endian, WidthPixels x HeightPixels, a pattern that depends on the VM
and its state [inf: a simulated screen].
"""

from __future__ import annotations

import hashlib

from .kvp import guest_ready
from .registry import computed, method

S3 = "Msvm_S3DisplayController"
SYNTHETIC = "Msvm_SyntheticDisplayController"
HEAD = "Msvm_VideoHead"
VSMS = "Msvm_VirtualSystemManagementService"
MAX_PIXELS = 4096  # per side [inf]; Hyper-V's largest console is 7680 x 4320, thumbnails are small
ENABLED, DISABLED = 2, 3


def add_head(host, cs, controller):
    """The video head of a display controller that has just appeared (the VM started)."""
    head = host.add(
        cs.namespace,
        HEAD,
        {
            "DeviceID": controller.values["DeviceID"] + "\\0",  # [inf]
            "SystemName": cs.values["Name"],
            "_vm": cs.values["Name"],
            "_controller": controller.class_def.name,
        },
    )
    host.link("Msvm_SystemDevice", "GroupComponent", cs, "PartComponent", head)
    host.link("Msvm_VideoHeadOnController", "Antecedent", controller, "Dependent", head)
    return head


def _has_s3(host, cs):
    return any(d.class_def.name == S3 for d in host.linked(cs, "Msvm_SystemDevice"))


@computed(HEAD)
def _head_state(head, out):
    from .vms import vm_cs

    cs = vm_cs(head.host, head.namespace, head.values.get("_vm"))
    if cs is None:
        return
    synthetic_shows = not _has_s3(head.host, cs) or (guest_ready(cs) and bool((cs.values.get("_guest") or {}).get("os")))
    shows = synthetic_shows if head.values.get("_controller") == SYNTHETIC else not synthetic_shows
    out["EnabledState"] = ENABLED if shows else DISABLED
    out["RequestedState"] = 12


def thumbnail(seed: str, width: int, height: int, lit: bool) -> bytes:
    """A simulated console: a background colour from the seed, a lighter title band while the guest runs."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    r, g, b = digest[0] >> 3, digest[1] >> 2, digest[2] >> 3
    background = (r << 11) | (g << 5) | b
    band = 0xFFFF if lit else background
    row_bg = background.to_bytes(2, "little") * width
    row_band = band.to_bytes(2, "little") * width
    edge = max(1, height // 10)
    return b"".join(row_band if y < edge else row_bg for y in range(height))


@method(VSMS, "GetVirtualSystemThumbnailImage")
def _thumbnail(host, ns, svc, params):
    """The console of the VM (realized VSSD) or of the moment a checkpoint was taken (its VSSD)."""
    from .vms import vm_cs

    vssd = host.resolve(params.get("TargetSystem"))
    width, height = params.get("WidthPixels"), params.get("HeightPixels")
    if vssd is None or vssd.class_def.name != "Msvm_VirtualSystemSettingData":
        return 32773, {}
    if not isinstance(width, int) or not isinstance(height, int) or not (0 < width <= MAX_PIXELS) or not (
        0 < height <= MAX_PIXELS
    ):
        return 32773, {}
    guid = vssd.values.get("VirtualSystemIdentifier")
    cs = vm_cs(host, ns, guid)
    if cs is None:
        return 32773, {}
    snapshot = "Snapshot" in str(vssd.values.get("VirtualSystemType") or "")
    state = cs.values.get("_state")
    if not snapshot and state in ("off", None):
        return 32775, {}  # nothing on the screen of a VM that is off [inf]
    lit = not snapshot and state == "running" and guest_ready(cs)
    return 0, {"ImageData": thumbnail(vssd.values["InstanceID"], width, height, lit)}
