"""Value types shared by the simulator's protocol front and its model.

The model holds property values as plain Python values:
None, bool, int, float, str, datetime.datetime (CIM datetime, timezone-aware UTC),
datetime.timedelta (CIM interval), Ref (a reference / EPR), EmbeddedInstance,
or a list of those (array properties).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ref:
    """A reference to an instance: rendered as an EPR on the wire, as a WMI path in WQL/CIM-XML."""

    namespace: str  # e.g. "root/virtualization/v2"
    class_name: str
    keys: tuple  # ((name, value), ...) in the class's key order; values are str

    def keys_dict(self) -> dict:
        return dict(self.keys)


@dataclass
class EmbeddedInstance:
    """An instance passed inside a string parameter (CIM-XML INSTANCE text, or the DSP0227 form).

    Values are as they came off the wire: str, list of str, or None; the model converts
    them with its schema.
    """

    class_name: str
    properties: dict = field(default_factory=dict)
