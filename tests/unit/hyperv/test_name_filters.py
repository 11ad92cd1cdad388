"""facts.split_names / GLOB_CHARS: the one exact-names/globs split of hyperv_vm_info and the inventory plugin."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.inventory import hyperv as inv
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import facts
from ansible_collections.wsman.hyperv.plugins.modules import hyperv_vm_info


@pytest.mark.parametrize("names, exact, globs", [
    (None, None, None),
    ([], None, None),
    (("web-01", "db"), ["web-01", "db"], None),
    (["web-*", "db"], None, ["web-*", "db"]),
    (["db", "a?"], None, ["db", "a?"]),
    (["[ab]x"], None, ["[ab]x"]),
    (["a]b", "c.d", "e%f_g"], ["a]b", "c.d", "e%f_g"], None),  # ] % _ . are not shell glob characters
])
def test_split_names(names, exact, globs):
    assert facts.split_names(names) == (exact, globs)


@pytest.mark.parametrize("text, is_glob", [("web*", True), ("w?b", True), ("[w]eb", True), ("web", False),
                                           ("we]b", False), ("", False)])
def test_glob_chars(text, is_glob):
    assert bool(facts.GLOB_CHARS.search(text)) is is_glob


def test_module_and_inventory_split_alike():
    for names in (["web-01"], ["web-*", "db"], ["[ab]x", "c"]):
        exact, globs = hyperv_vm_info.name_filters(names)
        kwargs = inv.split_filters({"names": names})[0]
        assert kwargs == ({"name_globs": globs} if globs else {"names": exact})
    assert inv.split_filters({"names": "web?"})[0] == {"name_globs": ["web?"]}
