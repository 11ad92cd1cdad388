# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key-value pair exchange: what the guest publishes about itself (reference 5.12, 9.4 J15)."""

from __future__ import annotations

import re

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError

KVP_CLASS = "Msvm_KvpExchangeComponent"
GUEST_NET_CLASS = "Msvm_GuestNetworkAdapterConfiguration"


# the items guest_from_items / ips_from_items read
GUEST_ITEM_NAMES = ("FullyQualifiedDomainName", "OSName", "OSVersion", "NetworkAddressIPv4", "NetworkAddressIPv6")


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_items(items, names=None):
    """GuestIntrinsicExchangeItems (embedded Msvm_KvpExchangeDataItem strings) -> {Name: Data}.

    With ``names``, only items with one of those names are returned, and an item whose text does not
    contain any of them is skipped without being parsed (a guest publishes ~15 intrinsic items). The
    remaining items are parsed in one go (one XML document holding them all, with the same safety rules);
    if that document is refused, each item is parsed on its own and unreadable ones are skipped."""
    wanted = frozenset(names) if names else None
    texts = []
    for text in items or ():
        if not text or not isinstance(text, str):
            continue
        if wanted is not None and not any(n in text for n in wanted):
            continue
        texts.append(text)
    if not texts:
        return {}
    elements = None
    if len(texts) > 1:
        try:
            root = xmlsafe.parse_fragment("<ITEMS>%s</ITEMS>" % "".join(_XML_DECL.sub("", t, count=1) for t in texts))
        except HypervError:
            root = None
        if root is not None and len(root) == len(texts):
            elements = list(root)
    out = {}
    for index, text in enumerate(texts):
        try:
            if elements is not None:
                item = cim.EmbeddedInstance.from_element(elements[index])
            else:
                item = cim.EmbeddedInstance.parse(text)
        except HypervError:
            continue
        name = item.properties.get("Name")
        if name and (wanted is None or name in wanted):
            out[str(name)] = item.properties.get("Data")
    return out


def split_addresses(value):
    return [a for a in (value or "").split(";") if a]


def order_ips(addresses):
    """IPv4 first, then IPv6; duplicates dropped, order kept."""
    seen = []
    for a in addresses:
        if a and a not in seen:
            seen.append(a)
    return [a for a in seen if ":" not in a] + [a for a in seen if ":" in a]


def guest_from_items(items):
    return {
        "fqdn": items.get("FullyQualifiedDomainName"),
        "os_name": items.get("OSName"),
        "os_version": items.get("OSVersion"),
    }


def ips_from_items(items):
    v4 = split_addresses(items.get("NetworkAddressIPv4"))
    return order_ips(v4 + split_addresses(items.get("NetworkAddressIPv6")))


def read_guest(conn, guid):
    """(ip_addresses, guest dict) of one running VM: 2 requests (guest NIC configs, KVP)."""
    ips = []
    if not conn.v1:
        for cfg in conn.query(cim.wql_select(GUEST_NET_CLASS, cim.wql_like(
                "InstanceID", prefix="Microsoft:GuestNetwork\\%s\\" % guid))):
            ips.extend(cfg.get("IPAddresses") or [])
    comp = conn.first(cim.wql_select(KVP_CLASS, cim.wql_eq("SystemName", guid)))
    items = parse_items(comp.get("GuestIntrinsicExchangeItems"), names=GUEST_ITEM_NAMES) if comp is not None else {}
    if not ips:
        ips = ips_from_items(items)
    return order_ips(ips), guest_from_items(items)
