# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Console keyboard of a VM (Msvm_Keyboard, reference 5.12 and 5b.9).

v2 hosts offer TypeText, TypeScancodes and TypeCtrlAltDel. Hyper-V 2008 R2 (v1) only has
TypeKey / PressKey / ReleaseKey (Windows virtual-key codes) and TypeCtrlAltDel: text is typed
there key by key with a US keyboard layout; raw scan codes cannot be sent at all.
"""

from __future__ import annotations

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError

KEYBOARD_CLASS = "Msvm_Keyboard"
VK_SHIFT = 0x10

# US layout: character -> (virtual-key code, needs shift)
_US_KEYS = {" ": (0x20, False), "\n": (0x0D, False), "\r": (0x0D, False), "\t": (0x09, False)}
for _c in range(ord("a"), ord("z") + 1):
    _US_KEYS[chr(_c)] = (_c - 32, False)
    _US_KEYS[chr(_c - 32)] = (_c - 32, True)
for _i, _shifted in enumerate(")!@#$%^&*("):
    _US_KEYS[str(_i)] = (0x30 + _i, False)
    _US_KEYS[_shifted] = (0x30 + _i, True)
for _vk, _plain, _shifted in (
    (0xBA, ";", ":"), (0xBB, "=", "+"), (0xBC, ",", "<"), (0xBD, "-", "_"), (0xBE, ".", ">"),
    (0xBF, "/", "?"), (0xC0, "`", "~"), (0xDB, "[", "{"), (0xDC, "\\", "|"), (0xDD, "]", "}"),
    (0xDE, "'", '"'),
):
    _US_KEYS[_plain] = (_vk, False)
    _US_KEYS[_shifted] = (_vk, True)


class KeyboardError(HypervError):
    """Bad keyboard input, a VM that cannot take input, or a feature the host lacks."""


def validate_text(text):
    """Return ``text`` if every character can be typed (printable ASCII, newline, tab)."""
    if text is None or text == "":
        raise KeyboardError("text must not be empty")
    for pos, char in enumerate(text):
        if char not in _US_KEYS and not (" " <= char <= "~"):
            raise KeyboardError(
                "text contains %r at position %d; only printable ASCII characters, newline and tab can be "
                "typed into a VM console" % (char, pos)
            )
    return text


def validate_scancodes(codes):
    """Return the scan codes as a list of ints 0-255, or raise KeyboardError naming the bad one."""
    if not codes:
        raise KeyboardError("scancodes must list at least one scan code")
    result = []
    for pos, code in enumerate(codes):
        if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 255:
            raise KeyboardError(
                "scancodes[%d] is %r; every scan code must be an integer from 0 to 255 (0x00-0xFF)" % (pos, code)
            )
        result.append(code)
    return result


def text_to_key_events(text):
    """Translate text into (method, virtual-key code) calls for hosts without TypeText (v1).

    Runs of shifted characters share one PressKey/ReleaseKey of Shift.
    """
    validate_text(text)
    events = []
    shift_down = False
    for char in text:
        vk, shifted = _US_KEYS[char]
        if shifted and not shift_down:
            events.append(("PressKey", VK_SHIFT))
            shift_down = True
        elif not shifted and shift_down:
            events.append(("ReleaseKey", VK_SHIFT))
            shift_down = False
        events.append(("TypeKey", vk))
    if shift_down:
        events.append(("ReleaseKey", VK_SHIFT))
    return events


def plan_calls(action, value, v1):
    """The Msvm_Keyboard method calls for one request: a list of (method, params) pairs.

    action is ``text``, ``scancodes`` or ``ctrl_alt_del``. Raises KeyboardError for bad input or
    for a feature Hyper-V 2008 R2 does not have, before anything is sent.
    """
    if action == "ctrl_alt_del":
        return [("TypeCtrlAltDel", {})]
    if action == "text":
        if v1:
            return [(method, {"keyCode": vk}) for method, vk in text_to_key_events(value)]
        return [("TypeText", {"asciiText": validate_text(value)})]
    if action == "scancodes":
        codes = validate_scancodes(value)
        if v1:
            raise KeyboardError(
                "sending scan codes is not supported on Hyper-V 2008 R2 (its Msvm_Keyboard has no "
                "TypeScancodes method); use text or ctrl_alt_del instead"
            )
        return [("TypeScancodes", {"Scancodes": codes})]
    raise KeyboardError("unknown keyboard action %r" % (action,))


# ---- requests ------------------------------------------------------------------------------
def find_keyboard(conn, vm_guid, vm_name):
    """The VM's Msvm_Keyboard reference (one WQL request); a clear error when there is none."""
    # imported here so that the pure helpers above need no XML library
    from ansible_collections.wsman.hyperv.plugins.module_utils import cim

    found = conn.query(cim.wql_select(KEYBOARD_CLASS, cim.wql_eq("SystemName", vm_guid)))
    if not found:
        raise KeyboardError(
            "VM %r has no keyboard device (Msvm_Keyboard); its console cannot take input right now" % (vm_name,)
        )
    return found[0].reference()


def send(conn, keyboard_ref, calls, what):
    """Invoke each planned Msvm_Keyboard method in order (synchronous methods, reference 5.12)."""
    for method, params in calls:
        conn.run_method(keyboard_ref, method, params, what="%s (%s)" % (what, method))
    return len(calls)
