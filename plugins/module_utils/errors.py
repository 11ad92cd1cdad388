# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one exception tree. Every message is written for the user and
never contains a password."""

from __future__ import annotations

from urllib.parse import quote

MASK = "********"


def scrub(text, *secrets):
    """Return ``text`` with every non-empty secret (and its XML- and URL-escaped forms) masked."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    for secret in secrets:
        if not secret:
            continue
        xml_min = secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        xml_full = xml_min.replace('"', "&quot;").replace("'", "&apos;")
        forms = {secret, xml_min, xml_full, quote(secret, safe=""), quote(secret), repr(secret)[1:-1]}
        for form in sorted(forms, key=len, reverse=True):
            if form:
                text = text.replace(form, MASK)
    return text


class HypervError(Exception):
    """Base of every error the collection raises on purpose."""


class OptionError(HypervError, ValueError):
    """A connection or module option is invalid (raised before any request is sent)."""


class TransportError(HypervError):
    """The HTTP exchange with the host failed (no usable SOAP answer)."""

    def __init__(self, message, host=None, port=None, transport=None, status=None):
        super().__init__(message)
        self.host = host
        self.port = port
        self.transport = transport
        self.status = status


class AuthenticationError(TransportError):
    """The host answered HTTP 401: credentials or the auth method were refused."""

    def __init__(self, message, host=None, port=None, transport=None, username=None, auth=None):
        super().__init__(message, host=host, port=port, transport=transport, status=401)
        self.username = username
        self.auth = auth


class TLSVerificationError(TransportError):
    """The host's TLS certificate could not be verified."""


class UnreachableError(TransportError):
    """The host could not be reached: connection refused, name not resolved, unreachable, timed out."""

    def __init__(self, message, host=None, port=None, transport=None, reason=None):
        super().__init__(message, host=host, port=port, transport=transport)
        self.reason = reason


class WSManFault(HypervError):
    """The host answered with a SOAP / WS-Management fault."""

    def __init__(self, message, code=None, subcode=None, reason=None, wsman_code=None, wmi_code=None,
                 fault_detail=None, fault_message=None, http_status=None, action=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.reason = reason
        self.wsman_code = wsman_code
        self.wmi_code = wmi_code
        self.fault_detail = fault_detail
        self.fault_message = fault_message
        self.http_status = http_status
        self.action = action


class MethodError(HypervError):
    """A CIM method returned a ReturnValue other than 0 (done) or 4096 (job started)."""

    def __init__(self, message, class_name=None, method=None, return_value=None, meaning=None):
        super().__init__(message)
        self.class_name = class_name
        self.method = method
        self.return_value = return_value
        self.meaning = meaning


class JobError(HypervError):
    """A Hyper-V job ended in a failure state (Terminated, Killed, Exception, Service)."""

    def __init__(self, message, job_state=None, error_code=None, error_description=None, job_id=None,
                 class_name=None, method=None):
        super().__init__(message)
        self.job_state = job_state
        self.error_code = error_code
        self.error_description = error_description
        self.job_id = job_id
        self.class_name = class_name
        self.method = method


class JobTimeout(JobError):
    """A Hyper-V job was still running when the timeout expired."""

    def __init__(self, message, timeout=None, **kwargs):
        super().__init__(message, **kwargs)
        self.timeout = timeout


class MalformedResponse(HypervError):
    """The host's answer is not the XML / SOAP shape a Hyper-V host sends."""

    def __init__(self, message, snippet=None):
        super().__init__(message)
        self.snippet = snippet


class UnsafeXML(MalformedResponse):
    """The answer carried a DOCTYPE or entity declaration; it was refused unparsed."""


class ResponseTooLarge(MalformedResponse):
    """The answer was larger than the configured size limit."""

    def __init__(self, message, size=None, limit=None):
        super().__init__(message)
        self.size = size
        self.limit = limit
