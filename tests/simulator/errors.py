"""Errors the model raises; the protocol front turns each into the SOAP fault a real host sends
(see ../shared/reference/03-04-wql-rendering-faults.md, section 4)."""

from __future__ import annotations


class SimError(Exception):
    """Base class. `message` is the WMI/WinRM text put into the fault."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class UnknownNamespace(SimError):
    """The WMI namespace does not exist on this persona (e.g. root/virtualization/v2 on 2008 R2)."""


class UnknownClass(SimError):
    """No such class in the namespace."""


class InvalidSelectors(SimError):
    """Selectors missing, unknown, or not the class's keys."""


class NotFound(SimError):
    """No instance matches the selectors (a host answers a:DestinationUnreachable)."""


class InvalidQuery(SimError):
    """WQL that cannot be parsed or evaluated (n:CannotProcessFilter)."""


class MethodNotFound(SimError):
    """The class has no such method (a:ActionNotSupported)."""


class InvalidParameter(SimError):
    """A method parameter is missing, unknown or malformed at the WS-Man level (w:InvalidParameter)."""


class AccessDenied(SimError):
    """w:AccessDenied."""
