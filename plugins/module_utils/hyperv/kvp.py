# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key-value pair exchange: what the guest publishes about itself (reference 5.12, 9.4 J15)."""

from __future__ import annotations

import re

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError, MalformedResponse

KVP_CLASS = "Msvm_KvpExchangeComponent"


# the items guest_from_items / ips_from_items read
GUEST_ITEM_NAMES = ("FullyQualifiedDomainName", "OSName", "OSVersion", "NetworkAddressIPv4", "NetworkAddressIPv6")


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_PREFILTERS = {}
# VMs per XML document in parse_items_many: bounded so one document stays far below the response size limit
CHUNK_VMS = 200


def _prefilter(wanted):
    """A regex finding an item whose text may carry a wanted name (None: keep every item)."""
    if wanted is None:
        return None
    pattern = _PREFILTERS.get(wanted)
    if pattern is None:
        # a wanted name as the start of a VALUE: the Name property's (or, rarely, the Data's: parsed, then
        # dropped by its real Name); the literal "<VALUE" prefix makes the search ~5x faster than a bare
        # alternation of the names
        names = "|".join(re.escape(n) for n in sorted(wanted))
        pattern = _PREFILTERS[wanted] = re.compile(r"<VALUE[^>]*>\s*(?:<!\[CDATA\[)?(?:%s)" % names)
    return pattern


def _select(items, prefilter):
    """The item texts worth parsing, their XML declarations removed (they are joined into one document)."""
    out = []
    for text in items or ():
        if not text or not isinstance(text, str):
            continue
        if prefilter is not None and prefilter.search(text) is None:
            continue
        out.append(_XML_DECL.sub("", text, count=1))
    return out


def _name_and_data(inst):
    """(Name, Data) of one parsed Msvm_KvpExchangeDataItem INSTANCE element; only those two properties are
    read (both strings in the schema; another declared TYPE is converted as that type)."""
    if inst.tag != "INSTANCE":
        raise MalformedResponse("embedded KVP item does not start with INSTANCE (got %r)" % inst.tag)
    found = {}
    for prop in inst:
        name = prop.get("NAME") if prop.tag == "PROPERTY" else None
        if name not in ("Name", "Data"):
            continue
        value_el = prop.find("VALUE")
        if value_el is None:
            found[name] = None
            continue
        text = value_el.text or ""
        cim_type = prop.get("TYPE") or "string"
        found[name] = text if cim_type == "string" else cim.convert_text(cim_type, text, "KVP item " + name)
    return found.get("Name"), found.get("Data")


def _collect(elements, wanted):
    out = {}
    for inst in elements:
        name, data = _name_and_data(inst)
        if name and (wanted is None or name in wanted):
            out[str(name)] = data
    return out


def _parse_groups(groups, wanted):
    """One {Name: Data} per group of item texts. All groups are parsed as one document; if the host's text
    makes that document unreadable, each group alone, and in a bad group each item alone (bad ones skipped),
    so one broken item never hides the others."""
    if not any(groups):
        return [{} for _group in groups]
    doc = "<VMS>%s</VMS>" % "".join("<ITEMS>%s</ITEMS>" % "".join(texts) for texts in groups)
    try:
        root = xmlsafe.parse_fragment(doc)
        if len(root) == len(groups) and all(len(el) == len(texts) for el, texts in zip(root, groups, strict=True)):
            return [_collect(el, wanted) for el in root]
    except HypervError:
        pass
    if len(groups) > 1:
        return [_parse_groups([texts], wanted)[0] for texts in groups]
    out = {}
    for text in groups[0]:
        try:
            out.update(_collect([xmlsafe.parse_fragment(text)], wanted))
        except HypervError:
            continue
    return [out]


def parse_items_many(item_lists, names=None):
    """GuestIntrinsicExchangeItems of many VMs (each a list of embedded Msvm_KvpExchangeDataItem strings)
    -> one {Name: Data} per VM, in order.

    With ``names``, only items with one of those names are returned, and an item whose text does not contain
    any of them as a VALUE is skipped unparsed (a guest publishes ~15 intrinsic items; the inventory reads 5). The kept
    items of up to CHUNK_VMS VMs are parsed as one XML document, with the safety rules of every response."""
    wanted = frozenset(names) if names else None
    prefilter = _prefilter(wanted)
    groups = [_select(items, prefilter) for items in item_lists]
    out = []
    for start in range(0, len(groups), CHUNK_VMS):
        out.extend(_parse_groups(groups[start:start + CHUNK_VMS], wanted))
    return out


def parse_items(items, names=None):
    """GuestIntrinsicExchangeItems of one VM -> {Name: Data} (see parse_items_many)."""
    return parse_items_many([items], names)[0]


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
    """(ip_addresses, guest dict) of one running VM: one request (its KVP component), v2 and v1. The intrinsic
    items carry NetworkAddressIPv4/IPv6 of every adapter, as for facts.gather_vms (reference 11.2), so no
    Msvm_GuestNetworkAdapterConfiguration query; IPv4 first (order_ips)."""
    comp = conn.first(cim.wql_select(KVP_CLASS, cim.wql_eq("SystemName", guid)))
    items = parse_items(comp.get("GuestIntrinsicExchangeItems"), names=GUEST_ITEM_NAMES) if comp is not None else {}
    return ips_from_items(items), guest_from_items(items)
