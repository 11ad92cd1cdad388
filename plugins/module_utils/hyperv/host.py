# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Hyper-V host itself: its computer name and the service singletons' settings."""

from __future__ import annotations

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import VSMS


def computer_name(conn):
    """The host's computer name (cached on the connection)."""
    return conn.host_name


def management_service(conn):
    """The Msvm_VirtualSystemManagementService instance (one Get)."""
    return conn.get(conn.service_ref(VSMS))
