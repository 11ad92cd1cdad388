# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every wsman.hyperv module.

``HypervModule`` merges the module's own argument spec with the connection options, builds
the connection lazily (so a module can refuse bad input before sending any request), turns
every :class:`HypervError` into ``fail_json`` with its message (passwords scrubbed), and keeps
the check/diff bookkeeping in one place.

Usage in a module::

    def run(hm):
        conn = hm.connection()
        ...
        hm.exit(changed=True, vm=facts)

    def main():
        HypervModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True).execute(run)
"""

from __future__ import annotations

import contextlib
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError, OptionError, scrub
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import (
    CONNECTION_ARGUMENT_SPEC,
    connection_spec_from_params,
)

try:
    import lxml  # noqa: F401  pylint: disable=unused-import
except ImportError:
    HAS_LXML = False
    LXML_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_LXML = True
    LXML_IMPORT_ERROR = None

try:
    import winrm  # noqa: F401  pylint: disable=unused-import
except ImportError:
    HAS_WINRM = False
    WINRM_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_WINRM = True
    WINRM_IMPORT_ERROR = None


def merge_argument_spec(argument_spec):
    """The module's options plus the connection options; a module may not redefine one."""
    clash = sorted(set(argument_spec) & set(CONNECTION_ARGUMENT_SPEC))
    if clash:
        raise ValueError("module options clash with the connection options: %s" % ", ".join(clash))
    spec = dict(CONNECTION_ARGUMENT_SPEC)
    spec.update(argument_spec)
    return spec


class HypervModule:
    """An AnsibleModule with a Hyper-V connection, error handling and check/diff helpers."""

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        self.module = AnsibleModule(
            argument_spec=merge_argument_spec(argument_spec),
            supports_check_mode=supports_check_mode,
            **kwargs
        )
        self._connection = None
        self._spec = None
        self.warnings = []

    # ---- parameters --------------------------------------------------------------------
    @property
    def params(self):
        return self.module.params

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff_mode(self):
        return self.module._diff

    def require_positive_seconds(self, *keys):
        """Refuse (OptionError, before any request) a timeout option that is zero or negative; None is left
        to the option's default handling."""
        for key in keys:
            value = self.params.get(key)
            if value is not None and value <= 0:
                raise OptionError("%s must be a positive number of seconds, got %s" % (key, value))

    # ---- the connection ----------------------------------------------------------------
    def require_libraries(self):
        if not HAS_LXML:
            self.module.fail_json(msg=missing_required_lib("lxml"), exception=LXML_IMPORT_ERROR)
        if not HAS_WINRM:
            self.module.fail_json(msg=missing_required_lib("pywinrm"), exception=WINRM_IMPORT_ERROR)

    def connection_spec(self):
        if self._spec is None:
            self._spec = connection_spec_from_params(self.params)
        return self._spec

    def connection(self):
        """The HypervConnection, opened on first use (raises OptionError for bad options)."""
        if self._connection is None:
            self.require_libraries()
            # imported here: the driver needs lxml, which was just checked
            from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import HypervConnection

            self._connection = HypervConnection.open(self.connection_spec())
        return self._connection

    @property
    def round_trips(self):
        return self._connection.round_trips if self._connection is not None else 0

    # ---- results -----------------------------------------------------------------------
    def _secret(self):
        return self.params.get("password")

    def fail(self, msg, **kwargs):
        self._close()
        kwargs.setdefault("round_trips", self.round_trips)
        self.module.fail_json(msg=scrub(msg, self._secret()), **kwargs)

    def exit(self, changed=False, diff=None, **kwargs):
        self._close()
        kwargs.setdefault("round_trips", self.round_trips)
        if self.warnings:
            kwargs["warnings"] = list(kwargs.get("warnings", [])) + self.warnings
        if diff is not None and self.diff_mode:
            kwargs["diff"] = diff
        self.module.exit_json(changed=changed, **kwargs)

    def warn(self, msg):
        self.warnings.append(msg)

    def _close(self):
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()

    def execute(self, run):
        """Call ``run(self)``; any HypervError becomes fail_json with its message."""
        try:
            run(self)
        except OptionError as exc:
            self.fail(str(exc))
        except HypervError as exc:
            self.fail(str(exc), error=type(exc).__name__)
        # run() must end with exit() or fail(); reaching here is a programming error
        self.fail("internal error: the module ended without a result")


def diff_dicts(before, after):
    """Keys whose values differ between two dicts of managed settings -> {key: (before, after)}."""
    out = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            out[key] = (before.get(key), after.get(key))
    return out
