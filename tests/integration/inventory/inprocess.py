"""Run the wsman.hyperv.hyperv inventory plugin inside this Python process (for the benchmark and for
tests that need to look inside it): Ansible's collection loader pointed at .build/collections, then the
plugin from Ansible's plugin loader, so its documented options are what get_option sees."""

from __future__ import annotations

import importlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")


def install_collection_loader():
    """Idempotent. Only the three package modules of the collection are replaced if tests/conftest.py made them
    importable as plain namespace packages; submodules already imported stay the same objects."""
    link = os.path.join(COLLECTIONS, "ansible_collections", "wsman", "hyperv")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    package = sys.modules.get("ansible_collections.wsman.hyperv")
    finder = any(isinstance(f, _AnsibleCollectionFinder) for f in sys.meta_path)
    if finder and (package is None or getattr(package, "_collection_meta", None) is not None):
        return  # tests/conftest.py installed the finder (or it is installed and serving the collection)
    for name in ("ansible_collections", "ansible_collections.wsman", "ansible_collections.wsman.hyperv"):
        sys.modules.pop(name, None)
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader([COLLECTIONS])
    # re-import the collection package through the finder now: a namespace subpackage already imported
    # (plugins, plugins.module_utils) recomputes its path from it
    importlib.import_module("ansible_collections.wsman.hyperv")


def load_plugin():
    install_collection_loader()
    from ansible.plugins.loader import inventory_loader

    plugin = inventory_loader.get("wsman.hyperv.hyperv")
    if plugin is None:
        raise RuntimeError("wsman.hyperv.hyperv could not be loaded from %s" % COLLECTIONS)
    return plugin


def parse(path, cache=True, plugin=None):
    """Parse one inventory source file; returns (InventoryData, plugin)."""
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader

    plugin = plugin or load_plugin()
    data = InventoryData()
    plugin.parse(data, DataLoader(), str(path), cache=cache)
    if plugin.get_option("cache"):
        plugin.update_cache_if_changed()
    return data, plugin
