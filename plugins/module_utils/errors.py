# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one exception tree. Every message is written for the user and
never contains a password."""

from __future__ import annotations


class HypervError(Exception):
    """Base of every error the collection raises on purpose."""


class OptionError(HypervError, ValueError):
    """A connection or module option is invalid (raised before any request is sent)."""
