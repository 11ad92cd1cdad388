"""Pure logic of hyperv_vm_keyboard: input validation and the Msvm_Keyboard call plan."""

from __future__ import annotations

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv import keyboard
from ansible_collections.wsman.hyperv.plugins.modules import hyperv_vm_keyboard as mod


@pytest.mark.parametrize("text", ["hello", "Root pa55!\n", "\ttab", "~`{}|\\\"'<>?"])
def test_printable_ascii_is_accepted(text):
    assert keyboard.validate_text(text) == text


@pytest.mark.parametrize("text, pos", [("caf\u00e9", 3), ("a\x00b", 1), ("\u65e5", 0), ("ok\x1b", 2)])
def test_other_characters_are_refused_with_position(text, pos):
    with pytest.raises(keyboard.KeyboardError, match="position %d" % pos):
        keyboard.validate_text(text)


def test_empty_text_is_refused():
    with pytest.raises(keyboard.KeyboardError, match="must not be empty"):
        keyboard.validate_text("")


@pytest.mark.parametrize("codes, msg", [
    ([], "at least one"),
    ([1, 256], r"scancodes\[1\] is 256"),
    ([-1], r"scancodes\[0\] is -1"),
    ([True], r"scancodes\[0\] is True"),
    (["1d"], r"scancodes\[0\] is '1d'"),
])
def test_bad_scancodes(codes, msg):
    with pytest.raises(keyboard.KeyboardError, match=msg):
        keyboard.validate_scancodes(codes)


def test_scancodes_pass_through():
    assert keyboard.validate_scancodes([0, 0x1D, 255]) == [0, 0x1D, 255]


def test_key_events_group_shifted_runs():
    assert keyboard.text_to_key_events("aBC d!") == [
        ("TypeKey", 0x41),
        ("PressKey", 0x10), ("TypeKey", 0x42), ("TypeKey", 0x43), ("ReleaseKey", 0x10),
        ("TypeKey", 0x20), ("TypeKey", 0x44),
        ("PressKey", 0x10), ("TypeKey", 0x31), ("ReleaseKey", 0x10),
    ]


@pytest.mark.parametrize("char, vk, shifted", [
    ("0", 0x30, False), (")", 0x30, True), ("9", 0x39, False), ("(", 0x39, True), ("-", 0xBD, False),
    ("_", 0xBD, True), ("/", 0xBF, False), ("?", 0xBF, True), ('"', 0xDE, True), ("\n", 0x0D, False),
    ("\t", 0x09, False), ("z", 0x5A, False), ("Z", 0x5A, True), ("\\", 0xDC, False), ("|", 0xDC, True),
])
def test_us_layout(char, vk, shifted):
    events = keyboard.text_to_key_events(char)
    if shifted:
        assert events == [("PressKey", 0x10), ("TypeKey", vk), ("ReleaseKey", 0x10)]
    else:
        assert events == [("TypeKey", vk)]


def test_plan_v2_is_one_call():
    assert keyboard.plan_calls("text", "abc", v1=False) == [("TypeText", {"asciiText": "abc"})]
    assert keyboard.plan_calls("scancodes", [1, 0x81], v1=False) == [("TypeScancodes", {"Scancodes": [1, 0x81]})]
    assert keyboard.plan_calls("ctrl_alt_del", True, v1=False) == [("TypeCtrlAltDel", {})]


def test_plan_v1():
    assert keyboard.plan_calls("text", "aA", v1=True) == [
        ("TypeKey", {"keyCode": 0x41}), ("PressKey", {"keyCode": 0x10}), ("TypeKey", {"keyCode": 0x41}),
        ("ReleaseKey", {"keyCode": 0x10})]
    assert keyboard.plan_calls("ctrl_alt_del", True, v1=True) == [("TypeCtrlAltDel", {})]
    with pytest.raises(keyboard.KeyboardError, match="not supported on Hyper-V 2008 R2"):
        keyboard.plan_calls("scancodes", [1], v1=True)


def test_plan_validates_before_anything():
    with pytest.raises(keyboard.KeyboardError):
        keyboard.plan_calls("text", "\u00e9", v1=False)
    with pytest.raises(keyboard.KeyboardError, match="unknown keyboard action"):
        keyboard.plan_calls("mouse", None, v1=False)


def test_module_wanted_action():
    base = {"text": None, "scancodes": None, "ctrl_alt_del": None}
    assert mod.wanted_action(dict(base, text="x")) == ("text", "x")
    assert mod.wanted_action(dict(base, scancodes=[2])) == ("scancodes", [2])
    assert mod.wanted_action(dict(base, ctrl_alt_del=True)) == ("ctrl_alt_del", True)
    with pytest.raises(keyboard.KeyboardError, match="nothing to send"):
        mod.wanted_action(dict(base, ctrl_alt_del=False))
