"""Load wsman.hyperv.hyperv through Ansible's plugin loader (so its documented options, with the
constructed, inventory_cache and wsman.hyperv.connection fragments, are what get_option sees)."""

from __future__ import annotations

import importlib
import os
import sys

import pytest

COLLECTIONS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
    ".build",
    "collections",
)


def _install_collection_loader():
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    package = sys.modules.get("ansible_collections.wsman.hyperv")
    finder = any(isinstance(f, _AnsibleCollectionFinder) for f in sys.meta_path)
    if finder and (package is None or getattr(package, "_collection_meta", None) is not None):
        return  # tests/conftest.py installed the finder (or it is installed and serving the collection)
    # tests/conftest.py made ansible_collections importable as a plain namespace package; the collection
    # finder needs its own package objects (with collection metadata). Only the three package modules are
    # replaced: every submodule already imported (errors, uri, ...) stays the same object.
    for name in ("ansible_collections", "ansible_collections.wsman", "ansible_collections.wsman.hyperv"):
        sys.modules.pop(name, None)
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader([COLLECTIONS])
    # re-import the collection package through the finder now: a namespace subpackage already imported
    # (plugins, plugins.module_utils) recomputes its path from it
    importlib.import_module("ansible_collections.wsman.hyperv")


# at import time: the test modules of this directory import the plugin module, which must come through the
# collection finder for the plugin loader to accept it
_install_collection_loader()


@pytest.fixture(scope="session")
def inventory_loader():
    from ansible.plugins.loader import inventory_loader as loader

    return loader
