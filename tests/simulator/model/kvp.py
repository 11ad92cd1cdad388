"""Guest data: KVP intrinsic items and guest network configuration, present only while the VM
runs and its integration services have come up (reference 5.12, 9.4 J15)."""

from __future__ import annotations

import hashlib

from .convert import instance_xml
from .registry import computed

_ITEM_PROPS = ("Caption", "Data", "Description", "ElementName", "Name", "Source")


def kvp_item_xml(name, data, source=2) -> str:
    """One Msvm_KvpExchangeDataItem as the CIM-XML INSTANCE text a host embeds (5.12)."""
    vals = {"Name": name, "Data": data, "Source": source}
    return instance_xml(
        "Msvm_KvpExchangeDataItem",
        [(p, "uint16" if p == "Source" else "string", False, vals.get(p)) for p in _ITEM_PROPS],
    )


def vm_of(inst):
    """The VM Msvm_ComputerSystem an instance belongs to (by its SystemName / _vm)."""
    guid = inst.values.get("_vm") or inst.values.get("SystemName")
    return inst.host.find(inst.namespace, "Msvm_ComputerSystem", "Msvm_ComputerSystem", guid)


def guest_ready(cs) -> bool:
    at = cs.values.get("_guest_at")
    return at is not None and cs.values.get("_state") == "running" and cs.host.now() >= at


def guest_ips(host, cs):
    """[(sepsd, [ipv4], [ipv6])] for the VM's connected synthetic NICs."""
    return [(nic, [a[0]] if a[0] else [], [a[1]] if a[1] else []) for nic, a in _nic_addresses(host, cs)]


def _nic_addresses(host, cs):
    """[(sepsd, (ipv4, ipv6, ipv4 mask, gateway))] for the VM's synthetic NICs connected to a switch."""
    out = []
    vssd = host.find(cs.namespace, "Msvm_VirtualSystemSettingData", f"Microsoft:{cs.values['Name']}")
    if vssd is None:
        return out
    for lk in vssd.links:
        other = lk[3]
        if other.class_def.name == "Msvm_SyntheticEthernetPortSettingData":
            addr = nic_address(host, cs, other)
            if addr is not None:
                out.append((other, addr))
    return out


def nic_connected(host, nic) -> bool:
    """A guest only gets an address on an adapter connected to a switch."""
    return _nic_connection_target(host, nic) is not None


def _nic_connection(host, nic):
    return host.find(nic.namespace, "Msvm_EthernetPortAllocationSettingData", nic.values["InstanceID"] + "\\C")


def _nic_connection_target(host, nic):
    """The switch path the adapter's connection points at, or None (no connection, empty, disabled)."""
    conn = _nic_connection(host, nic)
    if conn is None or not conn.values.get("HostResource") or conn.raw("EnabledState") == 3:
        return None
    return conn.values["HostResource"][0]


def nic_address(host, cs, nic):
    """(ipv4, ipv6, ipv4 mask, gateway) the guest has on a connected adapter, or None.

    Populated VMs carry fixed addresses (`_ipv4` / `_ipv6`). A VM whose guest was created with
    `auto_ip` (DefineSystem with host.guest_os_for_new_vms) gets, per switch, a DHCP-like lease in
    that switch's 172.(16-31).0.0/16 subnet: the host number comes from sha256(seed, VM GUID, NIC
    InstanceID), moved on past addresses other auto adapters hold; it is kept while the adapter
    stays on that switch and re-leased when it moves to another."""
    target = _nic_connection_target(host, nic)
    if target is None:
        return None
    v4, v6 = nic.values.get("_ipv4"), nic.values.get("_ipv6")
    if v4 or v6:
        return v4, v6, "255.255.255.0", (v4.rsplit(".", 1)[0] + ".1") if v4 else None
    sw = host.resolve(target) if (cs.values.get("_guest") or {}).get("auto_ip") else None
    if sw is None:
        return None
    lease = nic.values.get("_lease")
    if not lease or lease[0] != sw.values["Name"]:
        lease = _new_lease(host, cs, nic, sw)
        nic.values["_lease"] = lease
    _sw, net, n = lease
    return (f"172.{16 + net}.{n >> 8}.{n & 255}", f"fd53:494d:{net:x}::{n:x}", "255.255.0.0", f"172.{16 + net}.0.1")


def _switch_net(host, sw) -> int:
    """The switch's subnet number 0..15 (172.16+n.0.0/16): from its GUID, the first one no other
    switch took; with more than 16 switches subnets are shared."""
    net = sw.values.get("_subnet")
    if net is not None:
        return net
    taken = {s.values.get("_subnet") for s in host.all_of(sw.namespace, "Msvm_VirtualEthernetSwitch")}
    taken |= {s.values.get("_subnet") for s in host.all_of(sw.namespace, "Msvm_VirtualSwitch")}
    start = _digest(host.seed, sw.values["Name"]) % 16
    net = next((k % 16 for k in range(start, start + 16) if k % 16 not in taken), start)
    sw.values["_subnet"] = net
    return net


def _new_lease(host, cs, nic, sw):
    net = _switch_net(host, sw)
    used = {
        (lease[1], lease[2])
        for other in host.all_of(nic.namespace, "Msvm_SyntheticEthernetPortSettingData")
        if other is not nic and (lease := other.values.get("_lease"))
    }
    n = 2 + _digest(host.seed, cs.values["Name"], nic.values["InstanceID"]) % 65532
    for _unused in range(65536):
        if (net, n) not in used and n & 255 not in (0, 255):
            break
        n = 2 if n >= 65533 else n + 1
    return [sw.values["Name"], net, n]


def _digest(*parts) -> int:
    return int.from_bytes(hashlib.sha256(":".join(str(p).lower() for p in parts).encode()).digest()[:8], "big")


def dns_label(name) -> str:
    """A VM name as a DNS label (RFC 1123): lower-case letters, digits and inner hyphens, <= 63."""
    out, dash = [], False
    for c in (name or "").lower():
        if c.isascii() and c.isalnum():
            out.append(c)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:63].strip("-") or "vm"


NEW_GUEST_OS = ("Windows Server 2022 Datacenter", "10.0.20348")


def new_vm_guest(host, name) -> dict:
    """Guest data of a VM created through DefineSystem: an installed OS with integration services
    (host.guest_os_for_new_vms) or, when that is off, none."""
    if not getattr(host, "guest_os_for_new_vms", True):
        return {"fqdn": "", "os": ""}
    return {
        "fqdn": f"{dns_label(name)}.corp.example",
        "os": NEW_GUEST_OS[0],
        "os_version": NEW_GUEST_OS[1],
        "auto_ip": True,
    }


@computed("Msvm_KvpExchangeComponent")
def _kvp_props(comp, out):
    cs = vm_of(comp)
    if cs is None or not guest_ready(cs):
        out["GuestIntrinsicExchangeItems"] = None
        out["GuestExchangeItems"] = None
        return
    g = cs.values.get("_guest") or {}
    v4 = ";".join(ip for _n, a, _b in guest_ips(comp.host, cs) for ip in a)
    v6 = ";".join(ip for _n, _a, b in guest_ips(comp.host, cs) for ip in b)
    items = [
        ("FullyQualifiedDomainName", g.get("fqdn", "")),
        ("OSName", g.get("os", "")),
        ("OSVersion", g.get("os_version", "")),
        ("CSDVersion", ""),
        ("OSMajorVersion", g.get("os_version", "0.0").split(".")[0]),
        ("OSMinorVersion", (g.get("os_version", "0.0").split(".") + ["0"])[1]),
        ("OSBuildNumber", g.get("os_version", "0.0.0").split(".")[-1]),
        ("OSPlatformId", "2"),
        ("ServicePackMajor", "0"),
        ("ServicePackMinor", "0"),
        ("SuiteMask", "272"),
        ("ProductType", "3"),
        ("OSEditionId", "8"),
        ("ProcessorArchitecture", "9"),
        ("IntegrationServicesVersion", g.get("ic_version", "10.0.20348.1")),
        ("NetworkAddressIPv4", v4),
        ("NetworkAddressIPv6", v6),
        ("RDPAddressIPv4", v4),
        ("RDPAddressIPv6", v6),
    ]
    out["GuestIntrinsicExchangeItems"] = [kvp_item_xml(n, d) for n, d in items]
    out["GuestExchangeItems"] = []


@computed("Msvm_GuestNetworkAdapterConfiguration")
def _gnac_props(conf, out):
    cs = vm_of(conf)
    nic = conf.host.find(conf.namespace, "Msvm_SyntheticEthernetPortSettingData", conf.values.get("_nic", ""))
    if cs is None or nic is None or not guest_ready(cs):
        return
    addr = nic_address(conf.host, cs, nic)
    if addr is None:
        return
    v4, v6, mask, gateway = addr
    ips = [x for x in (v4, v6) if x]
    out["ProtocolIFType"] = 4098 if v4 and v6 else (4096 if v4 else 4097)
    out["DHCPEnabled"] = True
    out["IPAddresses"] = ips
    out["Subnets"] = ([mask] if v4 else []) + (["/64"] if v6 else [])
    out["IPAddressOrigins"] = [4] * len(ips)
    out["DefaultGateways"] = [gateway] if v4 else []
    out["DNSServers"] = [gateway] if v4 else []


# ---- host -> guest items: VSMS Add/Modify/RemoveKvpItems (5.12, 5b.4) ------------------------------
def _kvp_settings(host, cs):
    from .vms import settings_of_kind, vm_vssd

    vssd = vm_vssd(host, cs.namespace, cs.values["Name"])
    found = settings_of_kind(host, vssd, "kvp_ic") if vssd is not None else []
    return found[0] if found else None


def _kvp_items(host, ns, params, cs):
    from ..values import EmbeddedInstance
    from .convert import BadValue, embedded_values

    out = []
    cd = host.schema.get_class(ns, "Msvm_KvpExchangeDataItem")
    for emb in params.get("DataItems") or []:
        if not isinstance(emb, EmbeddedInstance):
            return None
        try:
            vals = embedded_values(cd, emb)
        except BadValue:
            return None
        name, data = vals.get("Name"), vals.get("Data")
        if not name or len(name) > 1024 or (data is not None and len(data) > 1024):
            return None
        out.append((name, data or "", vals.get("Source") or 0))
    return out or None


def _kvp_change(host, ns, params, mode):
    from .jobs import start_job

    cs = host.resolve(params.get("TargetSystem"))
    if cs is None or cs.values.get("_state") is None:
        return 32773, {}
    items = _kvp_items(host, ns, params, cs)
    sd = _kvp_settings(host, cs)
    if items is None or sd is None:
        return 32773, {}
    store = dict(cs.values.get("_host_kvp") or {})
    for name, _data, _source in items:
        exists = name in store
        if (mode == "add" and exists) or (mode != "add" and not exists):
            job = start_job(
                host,
                ns,
                2,
                "Exchanging Key-Value Pair Items",
                error=(32773, f"The key '{name}' {'already exists' if exists else 'does not exist'}."),
            )
            return 4096, {"Job": job.ref()}
    for name, data, _source in items:
        if mode == "remove":
            store.pop(name, None)
        else:
            store[name] = data
    cs.values["_host_kvp"] = store
    sd.values["HostExchangeItems"] = [kvp_item_xml(n, d, 0) for n, d in store.items()]
    job = start_job(host, ns, 2, "Exchanging Key-Value Pair Items", affected=[(cs, [0])])
    return 4096, {"Job": job.ref()}


def _register():
    from .registry import method

    for mode in ("add", "modify", "remove"):
        name = {"add": "AddKvpItems", "modify": "ModifyKvpItems", "remove": "RemoveKvpItems"}[mode]
        method("Msvm_VirtualSystemManagementService", name)(
            lambda host, ns, svc, params, _m=mode: _kvp_change(host, ns, params, _m)
        )


_register()
