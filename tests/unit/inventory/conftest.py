"""Load wsman.hyperv.hyperv through Ansible's plugin loader (so its documented options, with the
constructed, inventory_cache and wsman.hyperv.connection fragments, are what get_option sees).

tests/conftest.py installs Ansible's collection finder before any test module is imported, so the
plugin module imported by the tests here and the one the loader returns are the same."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def inventory_loader():
    from ansible.plugins.loader import inventory_loader as loader

    return loader
