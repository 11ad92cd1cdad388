# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's only XML parser, and the namespaces of WS-Management.

Answers from a host are parsed with entity resolution, DTD loading and network access
switched off; any DOCTYPE or entity declaration is refused before lxml sees the text, and
answers above a size limit are refused unparsed. Elements are found by namespace URI,
never by prefix.
"""

from __future__ import annotations

import re
import threading

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    MalformedResponse,
    ResponseTooLarge,
    UnsafeXML,
)

try:
    from lxml import etree

    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without lxml
    etree = None
    HAS_LXML = False
    LXML_IMPORT_ERROR = str(exc)

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "n": "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "p": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
    "b": "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd",
    "cim": "http://schemas.dmtf.org/wbem/wscim/1/common",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
    "wsmid": "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd",
}
WSMID_ALT = "http://schemas.dmtf.org/wbem/wsman/identify/1/wsmanidentity.xsd"

DEFAULT_MAX_ENVELOPE = 512000
DEFAULT_MAX_RESPONSE = DEFAULT_MAX_ENVELOPE + 65536

_DECL_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_DECL_RE_B = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_NONSPACE_B = re.compile(rb"\S")
_SNIPPET = 200


def qn(prefix, local):
    """Clark name ``{uri}local`` for a prefix of :data:`NS`."""
    return "{%s}%s" % (NS[prefix], local)


_LOCAL = threading.local()


def _parser():
    """The safe parser of this thread (lxml parsers must not be shared between threads; reusing one
    per thread keeps libxml2's name dictionary warm)."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = _new_parser()
    return parser


def _new_parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=False,
        collect_ids=False,
    )


def _utf16(data):
    head = data[:2]
    return head in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and (data[0] == 0) != (data[1] == 0))


def _text_of(data):
    """Best-effort text view of ``data`` for the declaration scan (any encoding a host may use)."""
    if isinstance(data, str):
        return data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    if len(data) > 1 and data[0] == 0 and data[1] != 0:
        return data.decode("utf-16-be", "replace")
    if len(data) > 1 and data[1] == 0 and data[0] != 0:
        return data.decode("utf-16-le", "replace")
    return data.decode("utf-8", "replace")


def snippet(data):
    """A short, single-line preview of a response for error messages."""
    text = _text_of(data) if data else ""
    text = " ".join(text.split())
    return text[:_SNIPPET] + ("..." if len(text) > _SNIPPET else "")


def parse(data, max_size=DEFAULT_MAX_RESPONSE, what="response"):
    """Parse ``data`` (bytes or str) safely and return the root element."""
    if not HAS_LXML:
        raise MalformedResponse("lxml is required to read WS-Management answers: %s" % LXML_IMPORT_ERROR)
    if data is None:
        raise MalformedResponse("the host sent an empty %s where XML was expected" % what)
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if max_size is not None and size > max_size:
        raise ResponseTooLarge(
            "the host's %s is %d bytes, above the limit of %d bytes; it was not parsed "
            "(raise max_response_size if this host really sends such answers)" % (what, size, max_size),
            size=size,
            limit=max_size,
        )
    if isinstance(data, bytes) and not _utf16(data):
        # ASCII-compatible encodings: scan the bytes as they are (no copy)
        empty = _NONSPACE_B.search(data) is None
        declared = not empty and _DECL_RE_B.search(data) is not None
    else:
        as_text = _text_of(data)
        empty = not as_text.strip()
        declared = not empty and _DECL_RE.search(as_text) is not None
    if empty:
        raise MalformedResponse("the host sent an empty %s where XML was expected" % what)
    if declared:
        raise UnsafeXML(
            "the host's %s contains a DOCTYPE or entity declaration; it was refused without parsing "
            "(a WS-Management answer never contains one)" % what
        )
    if isinstance(data, str):
        # lxml refuses str input that carries an encoding declaration
        data = data.encode("utf-8")
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data, count=1)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        message = "the host's %s is not well-formed XML: %s" % (what, exc)
        raise MalformedResponse(message, snippet=snippet(data)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXML("the host's %s carries a document type declaration; it was refused" % what)
    return root


def parse_fragment(text, max_size=DEFAULT_MAX_RESPONSE):
    """Parse an XML string that came inside a response (e.g. an embedded CIM-XML INSTANCE)."""
    return parse(text, max_size=max_size, what="embedded XML")


def localname(el):
    """Local part of an element's tag (no namespace)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(el):
    """Namespace URI of an element ('' when none)."""
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""


def child(el, prefix, local):
    """First child ``prefix:local`` of ``el`` or None."""
    return el.find(qn(prefix, local))


def text(el):
    """Text content of ``el`` ('' for None)."""
    if el is None:
        return ""
    return "".join(el.itertext())
