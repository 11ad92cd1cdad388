# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""WS-Management client: one method per action (Identify, Get, Enumerate/Pull/Release, Invoke)
over pywinrm's HTTP transport, one HTTP session per client, and a round-trip counter.

Namespace detection (reference 5b.1): with ``namespace: auto`` the client speaks
root/virtualization/v2 and sends no probe. If the first request that addresses the Hyper-V
namespace faults with "class or namespace not found", the same request is rebuilt for
root/virtualization (Hyper-V 2008 R2) and sent once more; when that succeeds the client stays on
v1. After any successful Hyper-V request the namespace is fixed for the client's lifetime.
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
import os
import time
import uuid
from collections.abc import Mapping

from ansible_collections.wsman.hyperv.plugins.module_utils import codes, xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.cim import (
    ANONYMOUS,
    WMI_PREFIX,
    EmbeddedInstance,
    Instance,
    Reference,
    parse_instance,
    parse_xs_datetime,
    parse_xs_duration,
    wql_class,
)
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    AuthenticationError,
    HypervError,
    MalformedResponse,
    OptionError,
    TLSVerificationError,
    TransportError,
    UnreachableError,
    WSManFault,
    scrub,
)

try:
    from lxml import etree
except ImportError:  # pragma: no cover - reported through xmlsafe.HAS_LXML
    etree = None

try:
    from winrm.exceptions import InvalidCredentialsError, WinRMError, WinRMTransportError
    from winrm.transport import Transport

    HAS_WINRM = True
    WINRM_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without pywinrm
    Transport = None
    HAS_WINRM = False
    WINRM_IMPORT_ERROR = str(exc)

    class InvalidCredentialsError(Exception):
        pass

    class WinRMError(Exception):
        pass

    class WinRMTransportError(Exception):
        pass

try:
    import requests.exceptions as requests_exceptions

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover
    requests_exceptions = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = str(exc)

V2 = "root/virtualization/v2"
V1 = "root/virtualization"
CIMV2 = "root/cimv2"
AUTO = "auto"

NS = xmlsafe.NS
_S, _A, _N, _W, _X, _P = NS["s"], NS["a"], NS["n"], NS["w"], NS["x"], NS["p"]
_NSMAP = {"s": _S, "a": _A, "n": _N, "w": _W, "p": _P}
_MU = "{%s}mustUnderstand" % _S
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XSI_NIL = "{%s}nil" % NS["xsi"]

ACTION_GET = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
ACTION_ENUMERATE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
ACTION_PULL = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull"
ACTION_RELEASE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release"
WQL_DIALECT = "http://schemas.microsoft.com/wbem/wsman/1/WQL"

DEFAULT_MAX_ENVELOPE = 512000
# items asked for in each Enumerate/Pull: MaxBatchItems of a Windows host; the host cuts a batch by size
# (~76 KB on real hosts, reference 9.2 / 11.1), so small (projected) items come many to a batch
DEFAULT_MAX_ELEMENTS = 32000
RESPONSE_MARGIN = 65536

_WQL_STARTS = ("SELECT", "ASSOCIATORS", "REFERENCES")


def _q(prefix, local):
    return "{%s}%s" % (NS[prefix], local)


def _sub(parent, prefix, local, text=None, **attrib):
    el = etree.SubElement(parent, _q(prefix, local), **attrib)
    if text is not None:
        el.text = text
    return el


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def is_wql(query):
    """True when ``query`` is WQL text rather than a bare class name or URI."""
    head = query.lstrip()[:11].upper()
    return head.startswith(_WQL_STARTS)


def _duration(seconds):
    return "PT%sS" % (("%.3f" % seconds).rstrip("0").rstrip(".") if seconds % 1 else "%d" % seconds)


class MethodResult(Mapping):
    """Out-parameters of an Invoke. ``ReturnValue`` is an int; references are Reference objects;
    embedded objects are Instances; repeated elements are lists; everything else is text."""

    def __init__(self, class_name, method, out, return_value):
        self.class_name = class_name
        self.method = method
        self.out = out
        self.return_value = return_value
        self.job_instance = None

    @property
    def job(self):
        """The Job out-parameter (a Reference) or None."""
        job = self.out.get("Job")
        return job if isinstance(job, Reference) else None

    def __getitem__(self, key):
        return self.out[key]

    def __iter__(self):
        return iter(self.out)

    def __len__(self):
        return len(self.out)

    def __repr__(self):
        return "MethodResult(%s.%s, ReturnValue=%r, out=%r)" % (
            self.class_name, self.method, self.return_value, sorted(self.out))


class Enumeration:
    """The items of one enumeration, as an iterator. Closing it (``close()``, ``with``) before the end of the
    sequence sends Release, also when no item was taken yet: a plain generator that was never started
    runs no code on close(), and the host would keep the context open until it expires."""

    def __init__(self, items, state, release):
        self._items = items
        self._state = state
        self._release = release

    def __iter__(self):
        return self._items  # a for loop or list() takes the items without a Python call per item

    def __next__(self):
        return next(self._items)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        # a started generator releases on close itself (GeneratorExit in _iterate); one never started does not
        if inspect.getgeneratorstate(self._items) == inspect.GEN_CREATED and not self._state["done"]:
            self._state["done"] = True
            with contextlib.suppress(HypervError):
                self._release()
        self._items.close()


class WSManClient:
    """A WS-Management client for one host (see docs/developers/driver-api.md)."""

    def __init__(self, spec, transport=None, max_envelope_size=DEFAULT_MAX_ENVELOPE, max_response_size=None,
                 locale="en-US", sleep=time.sleep, keep_raw_xml=False):
        self.spec = spec
        # Instances keep their lxml element in raw_xml only on request: the element holds the whole
        # response tree alive (thousands of instances: most of a run's memory), and nothing reads it
        self.keep_raw_xml = bool(keep_raw_xml)
        self.max_envelope_size = int(max_envelope_size)
        self.max_response_size = int(max_response_size or self.max_envelope_size + RESPONSE_MARGIN)
        self.locale = locale
        self.sleep = sleep
        self.round_trips = 0
        mode = getattr(spec, "namespace", AUTO) or AUTO
        if mode not in (AUTO, V1, V2):
            raise OptionError("namespace must be auto, %s or %s, not %r" % (V2, V1, mode))
        self.namespace_mode = mode
        self.namespace = V2 if mode == AUTO else mode
        self.namespace_confirmed = mode != AUTO
        self._transport = transport

    # -- plumbing ------------------------------------------------------------------------

    @property
    def endpoint(self):
        """The wsman endpoint URL."""
        return self.spec.endpoint

    @property
    def transport(self):
        """The transport object (created on first use: pywinrm's Transport with one requests session)."""
        if self._transport is None:
            self._transport = self._make_transport()
        return self._transport

    def _make_transport(self):
        if not HAS_WINRM:
            raise TransportError("pywinrm is required to talk to a Hyper-V host: %s" % WINRM_IMPORT_ERROR)
        spec = self.spec
        auth = spec.auth
        try:
            transport = Transport(
                endpoint=spec.endpoint,
                username=spec.username,
                password=spec.password,
                ca_trust_path=spec.ca_path or os.environ.get("REQUESTS_CA_BUNDLE") or None,
                cert_pem=spec.client_cert,
                cert_key_pem=spec.client_key,
                read_timeout_sec=(spec.connection_timeout, spec.operation_timeout + 30),
                server_cert_validation="validate" if spec.validate_certs else "ignore",
                auth_method=auth,
                message_encryption="auto",
                proxy=None,
            )
        except (WinRMError, InvalidCredentialsError) as exc:
            raise TransportError(self._scrub("cannot set up the %s transport to %s: %s" % (auth, spec.endpoint, exc)),
                                 host=spec.hostname, port=spec.port, transport=spec.transport) from None
        return transport

    def _scrub(self, text):
        return scrub(text, getattr(self.spec, "password", None))

    def close(self):
        """Close the HTTP session (the client can be used again; a new session is opened)."""
        transport = self._transport
        if transport is not None and hasattr(transport, "close_session"):
            transport.close_session()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def resource_uri(self, class_name, namespace=None):
        """Class resource URI ``…/wmi/<namespace>/<Class>`` (current Hyper-V namespace by default)."""
        if class_name.startswith(("http://", "https://")):
            return class_name
        return "%s%s/%s" % (WMI_PREFIX, (namespace or self.namespace).replace("\\", "/"), class_name)

    def wildcard_uri(self, namespace=None):
        """Namespace wildcard URI ``…/wmi/<namespace>/*`` used for WQL."""
        return "%s%s/*" % (WMI_PREFIX, (namespace or self.namespace).replace("\\", "/"))

    def _envelope(self, action, resource_uri, selectors=None, timeout=None):
        env = etree.Element(_q("s", "Envelope"), nsmap=_NSMAP)
        header = _sub(env, "s", "Header")
        _sub(header, "a", "To", self.endpoint)
        if resource_uri:
            _sub(header, "w", "ResourceURI", resource_uri, **{_MU: "true"})
        reply = _sub(header, "a", "ReplyTo")
        _sub(reply, "a", "Address", ANONYMOUS, **{_MU: "true"})
        if action:
            _sub(header, "a", "Action", action, **{_MU: "true"})
        _sub(header, "w", "MaxEnvelopeSize", str(self.max_envelope_size), **{_MU: "true"})
        message_id = "uuid:%s" % str(uuid.uuid4()).upper()
        _sub(header, "a", "MessageID", message_id)
        _sub(header, "w", "Locale", None, **{_MU: "false", _XML_LANG: self.locale})
        _sub(header, "p", "DataLocale", None, **{_MU: "false", _XML_LANG: self.locale})
        op_timeout = timeout if timeout is not None else getattr(self.spec, "operation_timeout", 60)
        _sub(header, "w", "OperationTimeout", _duration(op_timeout))
        if selectors:
            sel_set = _sub(header, "w", "SelectorSet")
            for name, value in selectors.items():
                sel = _sub(sel_set, "w", "Selector", Name=name)
                if isinstance(value, Reference):
                    value.append_to(_sub(sel, "a", "EndpointReference"))
                else:
                    sel.text = "true" if value is True else "false" if value is False else str(value)
        body = _sub(env, "s", "Body")
        return env, body, message_id

    def _exchange(self, env, message_id, operation):
        """Send one envelope, count it, map every failure to the error tree; return s:Body."""
        payload = etree.tostring(env, encoding="utf-8", xml_declaration=False)
        spec = self.spec
        where = dict(host=spec.hostname, port=spec.port, transport=spec.transport)
        transport = self.transport  # created (and its errors raised) before anything is counted
        self.round_trips += 1
        try:
            data = transport.send_message(payload)
        except InvalidCredentialsError as exc:
            raise self._auth_error(exc) from None
        except WinRMTransportError as exc:
            args = getattr(exc, "args", ())
            status = args[1] if len(args) > 1 and isinstance(args[1], int) else None
            text = args[2] if len(args) > 2 and isinstance(args[2], (str, bytes)) else ""
            fault = self._fault_from_body(text, status, operation) if text else None
            if fault is not None:
                raise fault from None
            raise TransportError(
                self._scrub("%s: HTTP %s from %s during %s%s" % (
                    "request refused" if status and status < 500 else "host error", status, spec.endpoint,
                    operation, self._status_hint(status))),
                status=status, **where) from None
        except WinRMError as exc:
            raise TransportError(self._scrub("WinRM error talking to %s during %s: %s" % (
                spec.endpoint, operation, exc)), **where) from None
        except Exception as exc:
            mapped = self._map_requests_error(exc, operation)
            if mapped is None:
                raise
            raise mapped from None
        try:
            root = xmlsafe.parse(data, max_size=self.max_response_size, what="answer to %s" % operation)
        except MalformedResponse as exc:
            exc.args = (self._scrub(str(exc)),) + exc.args[1:]
            exc.snippet = self._scrub(exc.snippet) if exc.snippet else exc.snippet
            raise
        body = self._check_envelope(root, message_id, operation)
        fault = body.find(_q("s", "Fault"))
        if fault is not None:
            raise self._fault(fault, root, 200, operation)
        return body

    def _status_hint(self, status):
        if status == 413:
            return " (the request is larger than the host's MaxEnvelopeSizekb)"
        if status == 404:
            return " (no WS-Management listener at /wsman on this port?)"
        if status == 415:
            return " (content type refused)"
        return ""

    def _auth_error(self, exc):
        spec = self.spec
        msg = ("authentication failed: %s rejected user %r with auth=%s (HTTP 401). Check the username and "
               "password; Basic auth works only for local accounts and must be enabled on the host: "
               "winrm set winrm/config/service/auth @{Basic=\"true\"}" % (spec.endpoint, spec.username, spec.auth))
        if spec.transport == "http":
            msg += ("; over HTTP the host must also allow unencrypted traffic: "
                    "winrm set winrm/config/service @{AllowUnencrypted=\"true\"} (or use transport=https)")
        detail = str(exc)
        if detail and "rejected by the server" not in detail:
            msg += " (%s)" % detail
        return AuthenticationError(self._scrub(msg), host=spec.hostname, port=spec.port, transport=spec.transport,
                                   username=spec.username, auth=spec.auth)

    def _map_requests_error(self, exc, operation):
        if requests_exceptions is None or not isinstance(exc, requests_exceptions.RequestException):
            return None
        spec = self.spec
        where = dict(host=spec.hostname, port=spec.port, transport=spec.transport)
        text = self._scrub(str(exc))
        target = "%s port %s (%s)" % (spec.hostname, spec.port, spec.transport)
        if isinstance(exc, requests_exceptions.SSLError):
            return TLSVerificationError(
                "TLS verification failed for %s during %s: %s. Give the CA that signed the host's certificate "
                "with ca_path, or set validate_certs=false only for a lab host" % (target, operation, text), **where)
        if isinstance(exc, requests_exceptions.ConnectTimeout):
            reason = "connection timed out after %ss" % spec.connection_timeout
        elif isinstance(exc, requests_exceptions.Timeout):
            reason = "no answer within %ss (read timeout)" % (spec.operation_timeout + 30)
        elif isinstance(exc, requests_exceptions.ConnectionError):
            low = text.lower()
            if "refused" in low:
                reason = "connection refused (is WinRM listening on this port? winrm quickconfig)"
            elif "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
                reason = "host name could not be resolved"
            elif "unreachable" in low:
                reason = "network unreachable"
            elif "timed out" in low:
                reason = "connection timed out after %ss" % spec.connection_timeout
            else:
                reason = "connection failed"
        else:
            reason = "HTTP request failed"
        return UnreachableError("cannot reach %s during %s: %s (%s)" % (target, operation, reason, text),
                                reason=reason, **where)

    def _check_envelope(self, root, message_id, operation):
        if root.tag != _q("s", "Envelope"):
            raise MalformedResponse("the answer to %s is not a SOAP 1.2 envelope (root element %s)"
                                    % (operation, root.tag), snippet=self._scrub(xmlsafe.snippet(etree.tostring(root))))
        header = root.find(_q("s", "Header"))
        if header is not None:
            relates = header.find(_q("a", "RelatesTo"))
            if relates is not None and relates.text and relates.text.strip().lower() != message_id.lower():
                raise MalformedResponse("the answer to %s relates to another request (%s, expected %s)"
                                        % (operation, relates.text.strip(), message_id))
        body = root.find(_q("s", "Body"))
        if body is None:
            raise MalformedResponse("the answer to %s has no SOAP Body" % operation)
        return body

    def _fault_from_body(self, text, status, operation):
        try:
            root = xmlsafe.parse(text, max_size=self.max_response_size, what="fault answer to %s" % operation)
        except MalformedResponse:
            return None
        body = root.find(_q("s", "Body"))
        fault = body.find(_q("s", "Fault")) if body is not None else None
        if fault is None:
            return None
        return self._fault(fault, root, status, operation)

    def _fault(self, fault, root, status, operation):
        code = xmlsafe.text(fault.find("%s/%s" % (_q("s", "Code"), _q("s", "Value")))).strip()
        subcode_path = "%s/%s/%s" % (_q("s", "Code"), _q("s", "Subcode"), _q("s", "Value"))
        subcode = xmlsafe.text(fault.find(subcode_path)).strip()
        reason = xmlsafe.text(fault.find("%s/%s" % (_q("s", "Reason"), _q("s", "Text")))).strip()
        detail = fault.find(_q("s", "Detail"))
        wsman_code = wmi_code = None
        fault_detail = fault_message = ""
        if detail is not None:
            fault_detail = xmlsafe.text(detail.find(_q("w", "FaultDetail"))).strip()
            wsf = detail.find(_q("f", "WSManFault"))
            if wsf is not None:
                wsman_code = _int_or_none(wsf.get("Code"))
                # innermost f:Message text (a ProviderFault may wrap another WSManFault)
                messages = list(wsf.iter(_q("f", "Message")))
                for m in reversed(messages):
                    own = "".join(t for t in m.itertext()).strip() if not len(m) else (m.text or "").strip()
                    if own:
                        fault_message = own
                        break
                if not fault_message:
                    pf = wsf.find(".//" + _q("f", "ProviderFault"))
                    if pf is not None and (pf.text or "").strip():
                        fault_message = pf.text.strip()
            for el in detail.iter():
                if _local(el.tag) == "MSFT_WmiError":
                    for sub in el:
                        name = _local(sub.tag)
                        if name == "error_Code":
                            wmi_code = _int_or_none(sub.text)
                        elif name == "Message" and not fault_message:
                            fault_message = (sub.text or "").strip()
                    break
        header = root.find(_q("s", "Header"))
        action = xmlsafe.text(header.find(_q("a", "Action"))).strip() if header is not None else ""
        text = fault_message or reason or "no reason given"
        parts = []
        if code:
            parts.append("code %s" % code)
        if subcode:
            parts.append("subcode %s" % subcode)
        for label, num in (("WSManFault", wsman_code), ("WMI error", wmi_code)):
            if num is not None:
                meaning = codes.wsman_code_meaning(num)
                parts.append("%s %d (0x%X%s)" % (label, num, num, ": " + meaning if meaning else ""))
        if fault_detail:
            parts.append("detail %s" % fault_detail.rsplit("/", 1)[-1])
        message = "WS-Management fault from %s during %s: %s [%s]" % (
            self.spec.hostname, operation, text.rstrip(), ", ".join(parts))
        return WSManFault(self._scrub(message), code=code, subcode=subcode, reason=self._scrub(reason),
                          wsman_code=wsman_code, wmi_code=wmi_code, fault_detail=fault_detail,
                          fault_message=self._scrub(fault_message), http_status=status, action=action)

    @staticmethod
    def _namespace_missing(fault):
        sub = (fault.subcode or "").rsplit(":", 1)[-1]
        if sub in ("InvalidResourceURI", "DestinationUnreachable", "CannotProcessFilter"):
            return True
        return bool({fault.wsman_code, fault.wmi_code} & codes.NAMESPACE_MISSING_CODES)

    def _call(self, operation, build, detect):
        """Build with the current namespace and send; on a v2 "not found" fault before the namespace is
        confirmed, rebuild for v1 and send once more."""
        ns = self.namespace
        env, message_id = build(ns)
        try:
            body = self._exchange(env, message_id, operation)
        except WSManFault as fault:
            if not (detect and not self.namespace_confirmed and ns == V2 and self._namespace_missing(fault)):
                raise
            env, message_id = build(V1)
            try:
                body = self._exchange(env, message_id, operation)
            except HypervError:
                raise fault from None
            self.namespace = V1
            self.namespace_confirmed = True
            return body
        if detect:
            self.namespace_confirmed = True
        return body

    def _target(self, target, namespace):
        """(uri builder, selectors from a Reference, detect flag) for a class name, URI or Reference."""
        if isinstance(target, Instance):
            target = target.reference()
        if isinstance(target, Reference):
            if (not self.namespace_confirmed and target.namespace == V2 and not namespace
                    and target.resource_uri.startswith(WMI_PREFIX)):
                # a Reference built locally before the namespace is known takes part in detection
                return (lambda ns: self.resource_uri(target.class_name, ns)), dict(target.selectors), True
            return (lambda ns: target.resource_uri), dict(target.selectors), False
        if not isinstance(target, str) or not target:
            raise OptionError("a class name, resource URI or Reference is required, not %r" % (target,))
        if target.startswith(("http://", "https://")):
            return (lambda ns: target), {}, False
        if namespace:
            return (lambda ns: self.resource_uri(target, namespace)), {}, False
        return (lambda ns: self.resource_uri(target, ns)), {}, True

    # -- operations -----------------------------------------------------------------------

    def identify(self):
        """WS-Management Identify: ProtocolVersion, ProductVendor, ProductVersion (as the host sends them)."""
        def build(ns):
            env = etree.Element(_q("s", "Envelope"), nsmap={"s": _S, "wsmid": NS["wsmid"]})
            etree.SubElement(env, _q("s", "Header"))
            body = etree.SubElement(env, _q("s", "Body"))
            etree.SubElement(body, _q("wsmid", "Identify"))
            return env, ""

        body = self._call("Identify", build, False)
        resp = None
        for el in body:
            if _local(el.tag) == "IdentifyResponse":
                resp = el
                break
        if resp is None:
            raise MalformedResponse("the answer to Identify has no IdentifyResponse")
        result = {}
        for el in resp:
            name = _local(el.tag)
            if name:
                result[name] = xmlsafe.text(el).strip()
        return result

    def get(self, target, selectors=None, namespace=None):
        """WS-Transfer Get of one instance (class name + selectors, class URI + selectors, or a Reference)."""
        uri_of, ref_selectors, detect = self._target(target, namespace)
        selectors = dict(selectors or ref_selectors)

        def build(ns):
            env, _body, mid = self._envelope(ACTION_GET, uri_of(ns), selectors)
            return env, mid

        body = self._call("Get %s" % _name_of(target), build, detect)
        for el in body:
            if isinstance(el.tag, str):
                return parse_instance(el, keep_xml=self.keep_raw_xml)
        raise MalformedResponse("the answer to Get %s has an empty body" % _name_of(target))

    def enumerate(self, query, namespace=None, max_elements=DEFAULT_MAX_ELEMENTS, optimize=True, class_name=None, mode=None,
                  timeout=None, only=None):
        """Enumerate a WQL query (on the namespace wildcard URI) or all instances of a class.

        Returns an :class:`Enumeration` of Instances (References with mode="EnumerateEPR"): the Enumerate is
        sent now, Pulls as the items are taken, until the end of the sequence; closing it early sends Release. ``only``: property names to keep; the others are
        skipped while parsing (a client-side projection: the host still sends them)."""
        max_elements = int(max_elements)
        if max_elements < 1:
            raise OptionError("max_elements must be at least 1")
        wql = is_wql(query)
        cls = class_name or (wql_class(query) if wql else query.rstrip("/").rsplit("/", 1)[-1])
        detect = namespace is None and not (not wql and query.startswith(("http://", "https://")))
        used = {}

        def uri_for(ns):
            if wql:
                return self.wildcard_uri(namespace or ns)
            return self.resource_uri(query, namespace or ns)

        def build(ns):
            uri = uri_for(ns)
            used["uri"] = uri
            env, body, mid = self._envelope(ACTION_ENUMERATE, uri, timeout=timeout)
            enum = _sub(body, "n", "Enumerate")
            if mode:
                _sub(enum, "w", "EnumerationMode", mode)
            if optimize:
                _sub(enum, "w", "OptimizeEnumeration")
                _sub(enum, "w", "MaxElements", str(max_elements))
            if wql:
                _sub(enum, "w", "Filter", query, Dialect=WQL_DIALECT)
            return env, mid

        operation = "Enumerate %s" % (cls or query)
        body = self._call(operation, build, detect)
        resp = body.find(_q("n", "EnumerateResponse"))
        if resp is None:
            raise MalformedResponse("the answer to %s has no EnumerateResponse" % operation)
        only = frozenset(only) if only else None
        return self._iterate(resp, used["uri"], cls, max_elements, operation, timeout, only)

    def _iterate(self, resp, uri, cls, max_elements, operation, timeout, only=None):
        context, items, end = _batch(resp)
        state = {"context": context, "done": end or not context}

        def generate():
            try:
                if items is not None:
                    yield from _items(items, cls, self.keep_raw_xml, only)
                while not state["done"]:
                    env, body, mid = self._envelope(ACTION_PULL, uri, timeout=timeout)
                    pull = _sub(body, "n", "Pull")
                    _sub(pull, "n", "EnumerationContext", state["context"])
                    _sub(pull, "n", "MaxElements", str(max_elements))
                    state["pulling"] = True
                    answer = self._exchange(env, mid, "Pull %s" % (cls or ""))
                    state["pulling"] = False
                    presp = answer.find(_q("n", "PullResponse"))
                    if presp is None:
                        raise MalformedResponse("the answer to Pull during %s has no PullResponse" % operation)
                    context, pitems, pend = _batch(presp)
                    if pend or not context:
                        state["done"] = True
                    else:
                        state["context"] = context
                    if pitems is not None:
                        yield from _items(pitems, cls, self.keep_raw_xml, only)
            except GeneratorExit:
                if not state["done"] and not state.get("pulling"):
                    state["done"] = True
                    with contextlib.suppress(HypervError):
                        self.release(state["context"], uri)
                raise
            except BaseException:
                state["done"] = True
                raise

        return Enumeration(generate(), state, lambda: self.release(state["context"], uri))

    def release(self, context, resource_uri):
        """WS-Enumeration Release of an open enumeration context."""
        env, body, mid = self._envelope(ACTION_RELEASE, resource_uri)
        rel = _sub(body, "n", "Release")
        _sub(rel, "n", "EnumerationContext", context)
        self._exchange(env, mid, "Release")

    def query(self, query, **kwargs):
        """All results of :meth:`enumerate` as a list."""
        return list(self.enumerate(query, **kwargs))

    def first(self, query, **kwargs):
        """First result of :meth:`enumerate` (or None); the rest of the enumeration is Released."""
        gen = self.enumerate(query, **kwargs)
        try:
            return next(gen, None)
        finally:
            gen.close()

    def invoke(self, target, method, params=None, selectors=None, namespace=None, timeout=None):
        """Invoke a CIM method; returns a MethodResult (ReturnValue is not judged here, see jobs.py)."""
        if not isinstance(method, str) or not method.replace("_", "a").isalnum():
            raise OptionError("invalid method name %r" % (method,))
        uri_of, ref_selectors, detect = self._target(target, namespace)
        selectors = dict(selectors or ref_selectors)
        params = dict(params or {})

        def build(ns):
            uri = uri_of(ns)
            env, body, mid = self._envelope("%s/%s" % (uri, method), uri, selectors, timeout=timeout)
            inp = etree.SubElement(body, "{%s}%s_INPUT" % (uri, method), nsmap={"p": uri})
            for name, value in params.items():
                _param(inp, uri, name, value)
            return env, mid

        class_name = _name_of(target)
        operation = "%s.%s" % (class_name, method)
        body = self._call(operation, build, detect)
        out_name = method + "_OUTPUT"
        output = None
        for el in body:
            if _local(el.tag) == out_name:
                output = el
                break
        if output is None:
            raise MalformedResponse("the answer to %s has no %s element" % (operation, out_name))
        out = _outputs(output)
        if "ReturnValue" not in out:
            raise MalformedResponse("the answer to %s has no ReturnValue" % operation)
        rv = out["ReturnValue"]
        try:
            rv = int(rv)
        except (TypeError, ValueError):
            raise MalformedResponse("the ReturnValue of %s is not a number: %r" % (operation, rv)) from None
        out["ReturnValue"] = rv
        return MethodResult(class_name, method, out, rv)


def _name_of(target):
    if isinstance(target, Reference):
        return target.class_name
    return str(target).rstrip("/").rsplit("/", 1)[-1]


def _int_or_none(text):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def _batch(resp):
    """(context text or '', items element or None, end-of-sequence seen) of an Enumerate/Pull response."""
    ctx_el = resp.find(_q("n", "EnumerationContext"))
    context = (ctx_el.text or "").strip() if ctx_el is not None else ""
    items = resp.find(_q("w", "Items"))
    if items is None:
        items = resp.find(_q("n", "Items"))
    end = resp.find(_q("w", "EndOfSequence")) is not None or resp.find(_q("n", "EndOfSequence")) is not None
    return context, items, end


def _items(items, cls, keep_xml=False, only=None):
    for el in items:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        local = _local(tag)
        if local == "EndpointReference" and tag.startswith("{%s}" % _A):
            yield Reference.from_element(el)
        elif local == "Item" and tag.startswith("{%s}" % _W):
            inst = None
            for sub in el:
                if isinstance(sub.tag, str) and _local(sub.tag) != "EndpointReference":
                    inst = parse_instance(sub, class_hint=cls, keep_xml=keep_xml, only=only)
                    break
            if inst is not None:
                yield inst
        else:
            yield parse_instance(el, class_hint=cls, keep_xml=keep_xml, only=only)


def _param(parent, uri, name, value):
    if value is None:
        return
    if not isinstance(name, str) or not name.replace("_", "a").isalnum():
        raise OptionError("invalid parameter name %r" % (name,))
    if isinstance(value, (list, tuple)):
        for item in value:
            _param(parent, uri, name, item)
        return
    if isinstance(value, Instance):
        value = value.reference()
    el = etree.SubElement(parent, "{%s}%s" % (uri, name))
    if isinstance(value, Reference):
        value.append_to(el)
    elif isinstance(value, EmbeddedInstance):
        el.text = value.to_cimxml()
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, datetime.datetime):
        sub = etree.SubElement(el, _q("cim", "Datetime"), nsmap={"cim": NS["cim"]})
        sub.text = value.isoformat()
    elif isinstance(value, datetime.timedelta):
        sub = etree.SubElement(el, _q("cim", "Interval"), nsmap={"cim": NS["cim"]})
        secs = value.seconds + value.microseconds / 1e6
        sub.text = "P%dDT%dH%dM%sS" % (value.days, secs // 3600, (secs // 60) % 60,
                                       ("%.6f" % (secs % 60)).rstrip("0").rstrip("."))
    elif isinstance(value, (int, float, str)):
        el.text = str(value)
    else:
        raise OptionError("parameter %s: cannot send a value of type %s" % (name, type(value).__name__))


def _outputs(output):
    out = {}
    arrays = set()
    for el in output:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        name = _local(tag)
        if el.get(_XSI_NIL) in ("true", "1"):
            value = None
        elif len(el):
            first = _local(el[0].tag)
            if el.find(_q("a", "ReferenceParameters")) is not None:
                value = Reference.from_element(el)
            elif first == "Datetime":
                value = parse_xs_datetime(el[0].text or "")
            elif first == "Interval":
                value = parse_xs_duration(el[0].text or "")
            else:
                value = parse_instance(el)
        else:
            value = el.text or ""
        if name in arrays:
            out[name].append(value)
        elif name in out:
            out[name] = [out[name], value]
            arrays.add(name)
        else:
            out[name] = value
    return out
