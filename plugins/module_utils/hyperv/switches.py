# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual switches: lookup only (v2 Msvm_VirtualEthernetSwitch, v1 Msvm_VirtualSwitch)."""

from __future__ import annotations

import uuid as uuidlib

from ansible_collections.wsman.hyperv.plugins.module_utils import cim
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError


class Switch:
    __slots__ = ("id", "name")

    def __init__(self, id, name):  # pylint: disable=redefined-builtin
        self.id = id
        self.name = name

    def __repr__(self):
        return "Switch(%r, %r)" % (self.id, self.name)


def switch_class(conn):
    return "Msvm_VirtualSwitch" if conn.v1 else "Msvm_VirtualEthernetSwitch"


def all_switches(conn):
    """Every switch of the host: one request."""
    return [Switch(s.get("Name"), s.get("ElementName")) for s in conn.query(cim.wql_select(switch_class(conn)))]


class SwitchCache:
    """Switches read at most once per module run."""

    def __init__(self, conn):
        self.conn = conn
        self._all = None

    @property
    def loaded(self):
        return self._all is not None

    def all(self):
        if self._all is None:
            self._all = all_switches(self.conn)
        return self._all

    def by_id(self, switch_id):
        if not switch_id:
            return None
        for s in self.all():
            if (s.id or "").lower() == switch_id.lower():
                return s
        return None

    def by_name(self, name):
        """The switch named ``name`` (case-insensitive); a clear error if absent or ambiguous."""
        found = [s for s in self.all() if (s.name or "").lower() == name.lower()]
        if not found:
            names = sorted(s.name for s in self.all() if s.name)
            raise HypervError("virtual switch %r not found on the host; existing switches: %s"
                              % (name, ", ".join(repr(n) for n in names) or "none"))
        if len(found) > 1:
            raise HypervError("%d virtual switches are named %r; rename one of them" % (len(found), name))
        return found[0]


def create_port_v1(conn, switch, name):
    """v1 (2008 R2): create a switch port; returns its object path for the NIC's Connection."""
    svc = conn.service_ref("Msvm_VirtualSwitchManagementService")
    result = conn.run_method(svc, "CreateSwitchPort", {
        "VirtualSwitch": conn.ref("Msvm_VirtualSwitch", CreationClassName="Msvm_VirtualSwitch", Name=switch.id),
        "Name": str(uuidlib.uuid4()),
        "FriendlyName": name or "Network Adapter",
        "ScopeOfResidence": "",
    }, what="creating a port on switch %r" % switch.name)
    port = result.get("CreatedSwitchPort")
    if port is None:
        raise HypervError("Hyper-V did not return the new port of switch %r" % switch.name)
    return conn.object_path(port.class_name, **port.selectors)
