# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of hyperv_vm: validate the wanted configuration, compare it with the current facts,
and say what differs and whether the difference needs the VM off. No requests here.

The current side is the facts dict of facts.py (docs/developers/vm-facts.md), plus
``boot_order`` (the device kinds in boot order) and, for generation 2 VMs, ``boot_sources``
([(kind, object path)], boot.py).
"""

from __future__ import annotations

import re

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import boot

MAX_CPU = {"v2": 240, "v1": 4}
MIN_MEMORY_MB = 32
MAX_MEMORY_MB = 12 * 1024 * 1024
BOOT_DEVICES = ("floppy", "cd", "ide", "net")

_WIN_PATH = re.compile(r'^(?:[A-Za-z]:\\|\\\\[^\\/:*?"<>|]+\\[^\\/:*?"<>|]+\\)(?:[^/:*?"<>|\x00-\x1f]+)$')
_MAC = re.compile(r"^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}$")

CONFIG_OPTIONS = (
    "cpu_count", "memory_mb", "dynamic_memory", "notes", "disks", "dvd", "network_adapters", "secure_boot",
    "boot_order", "automatic_start_action", "automatic_start_delay", "automatic_stop_action",
)


def windows_path(value, option, extensions):
    """A Windows absolute path with one of ``extensions`` (lower-case, with dot)."""
    text = (value or "").strip()
    if not text or not _WIN_PATH.match(text.replace("/", "\\")) or "\\\\" in text[2:]:
        raise OptionError(
            "%s: %r is not an absolute Windows path (expected a form like C:\\VMs\\disk.vhdx or "
            "\\\\server\\share\\disk.vhdx)" % (option, value))
    if not text.lower().endswith(tuple(extensions)):
        raise OptionError("%s: %r must end with %s" % (option, value, " or ".join(extensions)))
    return text.replace("/", "\\")


def norm_mac(value, option):
    text = (value or "").strip()
    if not _MAC.match(text):
        raise OptionError("%s: %r is not a MAC address (expected six hex byte pairs like 00:15:5D:01:02:03)"
                          % (option, value))
    hexs = re.sub(r"[^0-9A-Fa-f]", "", text).upper()
    if hexs == "000000000000" or int(hexs[1], 16) & 1:
        raise OptionError("%s: %r must be a unicast address that is not all zeros" % (option, value))
    return ":".join(hexs[i:i + 2] for i in range(0, 12, 2))


def validate_boot_order(order, v1, gen):
    """Generation 1: distinct BOOT_DEVICES (the whole order). Generation 2: distinct boot.KINDS (a preference:
    kinds not listed follow). Unknown generation: either vocabulary, checked again once it is known."""
    if gen == 2:
        return boot.validate(order)
    if gen == 1 or v1:
        bad = [d for d in order if d not in BOOT_DEVICES]
        if bad:
            raise OptionError(
                "boot_order: generation 1 VMs boot from %s; %s %s not one of them (%s are generation 2 kinds)"
                % (", ".join(BOOT_DEVICES), ", ".join(bad), "is" if len(bad) == 1 else "are",
                   " and ".join(k for k in boot.KINDS if k not in BOOT_DEVICES)))
    else:
        allowed = BOOT_DEVICES + tuple(k for k in boot.KINDS if k not in BOOT_DEVICES)
        bad = [d for d in order if d not in allowed]
        if bad:
            raise OptionError("boot_order: %s %s not among %s"
                              % (", ".join(bad), "is" if len(bad) == 1 else "are", ", ".join(allowed)))
    if len(set(order)) != len(order):
        raise OptionError("boot_order must list distinct devices, each once (got %s)" % ", ".join(order))
    return list(order)


def validate(params, v1=None, generation=None):
    """Normalize and check the configuration options; raises OptionError naming the option.

    ``v1`` and ``generation`` refine the checks once the host and the VM are known (None = unknown).
    Returns a dict holding only the options that were given.
    """
    want = {}
    ns = "v1" if v1 else "v2"
    gen = params.get("generation") or generation
    if params.get("generation") is not None and v1 and params["generation"] != 1:
        raise OptionError("generation: Hyper-V on Windows Server 2008 R2 supports generation 1 only (got %s)"
                          % params["generation"])
    cpu = params.get("cpu_count")
    if cpu is not None:
        if not 1 <= cpu <= MAX_CPU[ns]:
            raise OptionError("cpu_count must be between 1 and %d on this host (got %s)" % (MAX_CPU[ns], cpu))
        want["cpu_count"] = cpu
    mem = params.get("memory_mb")
    if mem is not None:
        if not MIN_MEMORY_MB <= mem <= MAX_MEMORY_MB or mem % 2:
            raise OptionError("memory_mb must be an even number between %d and %d (got %s)"
                              % (MIN_MEMORY_MB, MAX_MEMORY_MB, mem))
        want["memory_mb"] = mem
    dyn = params.get("dynamic_memory")
    if dyn is not None:
        d = {k: v for k, v in dyn.items() if v is not None}
        for key in ("minimum_mb", "maximum_mb"):
            if key in d and (not MIN_MEMORY_MB <= d[key] <= MAX_MEMORY_MB or d[key] % 2):
                raise OptionError("dynamic_memory.%s must be an even number between %d and %d (got %s)"
                                  % (key, MIN_MEMORY_MB, MAX_MEMORY_MB, d[key]))
        if "buffer_percent" in d and not 5 <= d["buffer_percent"] <= 2000:
            raise OptionError("dynamic_memory.buffer_percent must be between 5 and 2000 (got %s)"
                              % d["buffer_percent"])
        if d.get("enabled") is False:
            extra = sorted(k for k in ("minimum_mb", "maximum_mb", "buffer_percent") if k in d)
            if extra:
                raise OptionError("dynamic_memory: %s only apply with enabled=true" % ", ".join(extra))
        lo, hi = d.get("minimum_mb"), d.get("maximum_mb")
        if lo is not None and hi is not None and lo > hi:
            raise OptionError("dynamic_memory.minimum_mb (%s) must not exceed maximum_mb (%s)" % (lo, hi))
        if mem is not None and d.get("enabled", True):
            if lo is not None and lo > mem:
                raise OptionError("dynamic_memory.minimum_mb (%s) must not exceed memory_mb (%s)" % (lo, mem))
            if hi is not None and hi < mem:
                raise OptionError("dynamic_memory.maximum_mb (%s) must not be below memory_mb (%s)" % (hi, mem))
        if d:
            want["dynamic_memory"] = d
    if params.get("notes") is not None:
        want["notes"] = params["notes"]
    for key in ("automatic_start_action", "automatic_stop_action"):
        if params.get(key) is not None:
            want[key] = params[key]
    delay = params.get("automatic_start_delay")
    if delay is not None:
        if delay < 0:
            raise OptionError("automatic_start_delay must be 0 or more seconds (got %s)" % delay)
        want["automatic_start_delay"] = delay
    if params.get("secure_boot") is not None:
        if v1:
            raise OptionError("secure_boot: Windows Server 2008 R2 has no Secure Boot (generation 1 only)")
        if gen is not None and gen != 2:
            raise OptionError("secure_boot applies to generation 2 VMs only (this VM is generation %s)" % gen)
        want["secure_boot"] = params["secure_boot"]
    order = params.get("boot_order")
    if order is not None:
        want["boot_order"] = validate_boot_order(order, v1, gen)
    disks = params.get("disks")
    if disks is not None:
        want["disks"] = [validate_disk(d, i, v1, gen) for i, d in enumerate(disks)]
        seen = set()
        for d in want["disks"]:
            key = d["path"].lower()
            if key in seen:
                raise OptionError("disks: %r is listed twice" % d["path"])
            seen.add(key)
            if d["controller_location"] is not None:
                slot = (d["controller_type"], d["controller_number"], d["controller_location"])
                if slot in seen:
                    raise OptionError("disks: two disks use %s %s:%s" % slot)
                seen.add(slot)
    dvd = params.get("dvd")
    if dvd is not None:
        want["dvd"] = windows_path(dvd, "dvd", (".iso",)) if dvd else ""
    nics = params.get("network_adapters")
    if nics is not None:
        want["network_adapters"] = [validate_nic(n, i, v1) for i, n in enumerate(nics)]
    return want


def validate_disk(disk, index, v1, gen):
    opt = "disks[%d]" % index
    exts = (".vhd",) if v1 else (".vhd", ".vhdx")
    path = windows_path(disk.get("path"), opt + ".path", exts)
    ctype = disk.get("controller_type") or ("scsi" if gen == 2 else "ide")
    if gen == 2 and ctype == "ide":
        raise OptionError("%s.controller_type: generation 2 VMs have no IDE controller; use scsi" % opt)
    number = disk.get("controller_number")
    if number is None:
        number = 0
    if ctype == "ide" and number not in (0, 1):
        raise OptionError("%s.controller_number: IDE controllers are 0 and 1 (got %s)" % (opt, number))
    if ctype == "scsi" and not 0 <= number <= 3:
        raise OptionError("%s.controller_number: SCSI controllers are 0 to 3 (got %s)" % (opt, number))
    loc = disk.get("controller_location")
    if loc is not None:
        limit = 2 if ctype == "ide" else 64
        if not 0 <= loc < limit:
            raise OptionError("%s.controller_location: must be 0 to %d on %s (got %s)" % (opt, limit - 1, ctype, loc))
    size = disk.get("size_gb")
    if size is not None and size <= 0:
        raise OptionError("%s.size_gb must be a positive number of GiB (got %s)" % (opt, size))
    return {"path": path, "size_gb": size, "type": disk.get("type") or "dynamic", "controller_type": ctype,
            "controller_number": number, "controller_location": loc}


def validate_nic(nic, index, v1):
    opt = "network_adapters[%d]" % index
    mac = nic.get("mac")
    if mac is not None and mac.lower() == "dynamic":
        mac = None
    elif mac is not None:
        mac = norm_mac(mac, opt + ".mac")
    vlan = nic.get("vlan_id")
    if vlan is not None:
        if v1:
            raise OptionError("%s.vlan_id: VLANs are not supported on Windows Server 2008 R2 by this module" % opt)
        if not 1 <= vlan <= 4094:
            raise OptionError("%s.vlan_id must be between 1 and 4094 (got %s)" % (opt, vlan))
    return {"name": nic.get("name") or "Network Adapter", "switch": nic.get("switch"), "mac": mac, "vlan_id": vlan}


# ---- comparison --------------------------------------------------------------------------------

def _same_path(a, b):
    return (a or "").replace("/", "\\").lower() == (b or "").replace("/", "\\").lower()


def _disk_matches(want, cur):
    if not _same_path(want["path"], cur["path"]):
        return False
    if want["controller_type"] != cur["controller_type"] or want["controller_number"] != cur["controller_number"]:
        return False
    return want["controller_location"] is None or want["controller_location"] == cur["controller_location"]


def _compare_boot_sources(sources, wanted, changes, before, after):
    """Generation 2: ``wanted`` kinds first, in that order; before/after show the VM's whole order."""
    order = boot.reorder(sources, wanted)
    before["boot_order"], after["boot_order"] = boot.kinds(sources), boot.kinds(order)
    if [path for _kind, path in order] != [path for _kind, path in sources]:
        changes["boot_order"] = {"needs_off": True}


def compare(current, want):
    """Differences between the current facts and the wanted options.

    Returns (changes, before, after): ``changes`` maps each differing option to a dict with
    ``needs_off`` and the detail the apply step needs; ``before``/``after`` hold the managed
    settings for diff mode (only the options that were given).
    """
    changes = {}
    before, after = {}, {}
    dyn_cur = (current.get("memory") or {}).get("dynamic_memory") or {}
    for key in ("cpu_count", "memory_mb", "notes", "automatic_start_action", "automatic_start_delay",
                "automatic_stop_action", "secure_boot", "boot_order"):
        if key not in want:
            continue
        if key == "boot_order" and current.get("boot_sources") is not None:
            _compare_boot_sources(current["boot_sources"], want[key], changes, before, after)
            continue
        cur = current.get(key)
        before[key], after[key] = cur, want[key]
        if key == "notes":
            if (cur or "") != (want[key] or ""):
                changes[key] = {"needs_off": False}
        elif cur != want[key]:
            changes[key] = {"needs_off": key in ("cpu_count", "memory_mb", "secure_boot", "boot_order")}
    if "dynamic_memory" in want:
        d = want["dynamic_memory"]
        cur = {k: dyn_cur.get(k) for k in d}
        before["dynamic_memory"], after["dynamic_memory"] = cur, dict(d)
        diff = {k: v for k, v in d.items() if dyn_cur.get(k) != v}
        if diff:
            changes["dynamic_memory"] = {"needs_off": any(k != "buffer_percent" for k in diff), "set": diff}
    if "disks" in want:
        cur_disks = list(current.get("disks") or [])
        before["disks"] = [dict(d) for d in cur_disks]
        after["disks"] = []
        keep, attach = [], []
        for w in want["disks"]:
            match = next((c for c in cur_disks if _disk_matches(w, c) and c not in keep), None)
            if match is not None:
                keep.append(match)
                after["disks"].append(dict(match))
            else:
                attach.append(w)
                after["disks"].append({"path": w["path"], "controller_type": w["controller_type"],
                                       "controller_number": w["controller_number"],
                                       "controller_location": w["controller_location"]})
        detach = [c for c in cur_disks if c not in keep]
        if attach or detach:
            needs_off = any(d["controller_type"] == "ide" for d in attach + detach)
            changes["disks"] = {"needs_off": needs_off, "attach": attach, "detach": detach}
    if "dvd" in want:
        drives = current.get("dvd") or []
        cur_path = drives[0]["path"] if drives else None
        before["dvd"], after["dvd"] = cur_path, want["dvd"] or None
        if not _same_path(cur_path, want["dvd"]):
            changes["dvd"] = {"needs_off": not drives, "has_drive": bool(drives)}
    if "network_adapters" in want:
        cur_nics = list(current.get("network_adapters") or [])
        before["network_adapters"] = [_nic_view(n) for n in cur_nics]
        after["network_adapters"] = []
        plan = []
        pairs = pair_nics(cur_nics, want["network_adapters"])
        for i, w in enumerate(want["network_adapters"]):
            ci = pairs[i]
            cur = cur_nics[ci] if ci is not None else None
            view = {"name": w["name"], "switch": w["switch"], "mac_address": w["mac"] or (
                cur["mac_address"] if cur is not None and not cur.get("static_mac") else None),
                "static_mac": bool(w["mac"]), "vlan_id": w["vlan_id"]}
            if cur is None:
                after["network_adapters"].append(view)
                plan.append({"want_index": i, "action": "add", "want": w})
                continue
            diff = nic_diff(cur, w)
            if diff:
                after["network_adapters"].append(view)
                plan.append({"want_index": i, "index": ci, "action": "modify", "want": w, "diff": diff})
            else:
                after["network_adapters"].append(_nic_view(cur))
        for ci in range(len(cur_nics)):
            if ci not in pairs:
                plan.append({"index": ci, "action": "remove"})
        if plan:
            needs_off = any(p["action"] in ("add", "remove") or "mac" in p.get("diff", ()) or "name" in p.get(
                "diff", ()) for p in plan)
            changes["network_adapters"] = {"needs_off": needs_off, "plan": plan}
    return changes, before, after


def pair_nics(current, wanted):
    """For each wanted adapter, the index of the current adapter it describes (or None: to add).

    Adapters are matched by name where the name is unique on both sides, the rest by order."""
    cur_names = [c.get("name") for c in current]
    want_names = [w["name"] for w in wanted]
    pairs = [None] * len(wanted)
    used = set()
    for i, name in enumerate(want_names):
        if want_names.count(name) == 1 and cur_names.count(name) == 1:
            pairs[i] = cur_names.index(name)
            used.add(pairs[i])
    rest = [ci for ci in range(len(current)) if ci not in used]
    for i in range(len(wanted)):
        if pairs[i] is None and rest:
            pairs[i] = rest.pop(0)
    return pairs


def _nic_view(n):
    return {k: n.get(k) for k in ("name", "switch", "mac_address", "static_mac", "vlan_id")}


def nic_diff(cur, want):
    """Which parts of one adapter differ: name, switch, mac, vlan_id."""
    diff = []
    if (cur.get("name") or "") != want["name"]:
        diff.append("name")
    if (cur.get("switch") or "").lower() != (want["switch"] or "").lower():
        diff.append("switch")
    if want["mac"]:
        if not cur.get("static_mac") or (cur.get("mac_address") or "").upper() != want["mac"]:
            diff.append("mac")
    elif cur.get("static_mac"):
        diff.append("mac")
    if cur.get("vlan_id") != want["vlan_id"]:
        diff.append("vlan_id")
    return diff
