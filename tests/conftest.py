"""Make the repository importable as ansible_collections.wsman.hyperv for every test."""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
_link = os.path.join(COLLECTIONS, "ansible_collections", "wsman", "hyperv")
if not os.path.exists(_link):
    os.makedirs(os.path.dirname(_link), exist_ok=True)
    os.symlink(ROOT, _link)
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# Ansible's own collection finder serves ansible_collections.* for every test (as ansible-test units
# does), installed before any test module imports the collection, so that the plugin loader and plain
# imports see the same package objects whatever order the test directories run in.
from ansible.plugins.loader import init_plugin_loader  # noqa: E402

init_plugin_loader([COLLECTIONS])
pytest_plugins = ["tests.simulator.pytest_plugin"]
