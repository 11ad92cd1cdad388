"""The only XML parser refuses DTDs, entities and oversized answers; nothing local is ever read."""

from __future__ import annotations

import pytest
from lxml import etree

from ansible_collections.wsman.hyperv.plugins.module_utils import wsman, xmlsafe
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    MalformedResponse,
    ResponseTooLarge,
    UnsafeXML,
)
from tests.unit.driver import fakehost as fh

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&lol4;</s:Body></s:Envelope>"""


@pytest.fixture()
def secret_file(tmp_path):
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:SECRET-MARKER-4711:/root:/bin/sh\n")
    return path


def xxe(path):
    return ('<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file://%s">]>'
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>&xxe;</x></s:Body>'
            "</s:Envelope>" % path).encode()


def test_entity_expansion_refused():
    with pytest.raises(UnsafeXML, match="DOCTYPE or entity declaration"):
        xmlsafe.parse(LAUGHS)


def test_external_entity_refused_without_reading(secret_file):
    with pytest.raises(UnsafeXML) as err:
        xmlsafe.parse(xxe(secret_file))
    assert "SECRET-MARKER" not in str(err.value)


def test_parser_itself_does_not_resolve_external_entities(secret_file):
    # defence in depth: even without the declaration scan the parser reads no local file
    root = etree.fromstring(xxe(secret_file), xmlsafe._parser())
    assert "SECRET-MARKER" not in etree.tostring(root, encoding="unicode")
    assert "SECRET-MARKER" not in "".join(root.itertext())


def test_etc_passwd_entity_refused_through_the_client():
    body = ('<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&x;</s:Body></s:Envelope>')
    client = wsman.WSManClient(fh.spec(), transport=fh.FakeTransport(lambda req: body.encode()))
    with pytest.raises(UnsafeXML) as err:
        client.get("Msvm_ComputerSystem", {"Name": "x"})
    assert "root:" not in str(err.value)


def test_utf16_doctype_refused():
    data = ('<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>').encode("utf-16")
    with pytest.raises(UnsafeXML):
        xmlsafe.parse(data)


def test_parameter_entity_and_lowercase_variants_refused():
    for doc in (b'<!doctype a SYSTEM "http://example.invalid/x.dtd"><a/>',
                b'<a><!ENTITY % p "x"></a>'):
        with pytest.raises((UnsafeXML, MalformedResponse)):
            xmlsafe.parse(doc)


def test_size_limit():
    data = b"<a>" + b"x" * 1000 + b"</a>"
    assert xmlsafe.parse(data, max_size=2000).tag == "a"
    with pytest.raises(ResponseTooLarge) as err:
        xmlsafe.parse(data, max_size=500)
    assert err.value.size == len(data) and err.value.limit == 500


def test_empty_and_broken():
    with pytest.raises(MalformedResponse, match="empty"):
        xmlsafe.parse(b"")
    with pytest.raises(MalformedResponse, match="not well-formed"):
        xmlsafe.parse(b"<a><b></a>")


def test_comments_and_processing_instructions_dropped():
    root = xmlsafe.parse(b"<a><!-- c --><?pi x?><b>1</b></a>")
    assert [child.tag for child in root] == ["b"]


def test_str_input_with_declaration():
    root = xmlsafe.parse('<?xml version="1.0" encoding="utf-8"?><a>é</a>')
    assert root.text == "é"
