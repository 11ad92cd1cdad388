"""NTLM (HTTP Negotiate) and WinRM message encryption (reference 1.2, 7.4, 09-quirks A4): pywinrm's
transport="ntlm" over HTTP (sealed messages) and HTTPS (plain), the handshake on one kept-alive
connection, wrong password, methods switched off, a tampered signature."""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import ssl
import stat
import struct
import types

import pytest
import spnego
import xmltodict
from lxml import etree
from winrm.exceptions import InvalidCredentialsError, WinRMTransportError
from winrm.protocol import Protocol

from tests.simulator import auth as sim_auth
from tests.simulator.__main__ import parse_args

from .test_cli_control import _start, _stop
from .wsclient import CT, NS, V2, Client, enumerate_body, envelope

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

CS = V2 + "Msvm_ComputerSystem"
ENUM = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"
IDENTIFY = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
    "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>"
)


def _protocol(sim, transport="ntlm", username="admin", password="secret"):
    return Protocol(
        endpoint=sim.url, transport=transport, username=username, password=password, server_cert_validation="ignore"
    )


def _enumerate_all(p):
    env = p.build_wsman_header(action=ENUM + "Enumerate", resource_uri=CS)
    env["env:Body"] = {"n:Enumerate": {"w:OptimizeEnumeration": None, "w:MaxElements": "32000"}}
    root = etree.fromstring(p.send_message(xmltodict.unparse({"env:Envelope": env})))
    items = root.find(f".//{{{NS['w']}}}Items")
    for el in items.iter(f"{{{CS}}}OnTimeInMilliseconds"):  # the simulator's clock runs between two reads
        el.text = "0"
    return [etree.tostring(i, method="c14n") for i in items]


def _identify(p):
    root = etree.fromstring(p.send_message(IDENTIFY))
    return {etree.QName(e).localname: e.text for e in root.iter() if e.text and e.text.strip()}


def _same_as_basic(sim, ntlm, basic_transport):
    basic = _protocol(sim, transport=basic_transport)
    assert _identify(ntlm) == _identify(basic)
    assert "OS: 10.0.20348" in _identify(ntlm)["ProductVersion"]  # authenticated answer
    items = _enumerate_all(ntlm)
    assert len(items) == 4  # host + 3 VMs
    assert items == _enumerate_all(basic)


def test_pywinrm_ntlm_over_http_seals_messages_and_sees_what_basic_sees(hyperv_host):
    p = _protocol(hyperv_host)
    _same_as_basic(hyperv_host, p, "plaintext")
    assert p.transport.encryption is not None  # message encryption was set up (http + auto)
    stats = hyperv_host.stats()
    assert stats["users"]["admin"] >= 4
    assert stats["actions"]["Negotiate"] == 1  # one handshake: the connection stayed authenticated


def test_pywinrm_ntlm_over_https_without_encryption(hyperv_sim):
    sim = hyperv_sim(tls=True)
    p = _protocol(sim)
    _same_as_basic(sim, p, "ssl")
    assert p.transport.encryption is None
    assert sim.ntlm.channel_bindings is not None  # the client's CBT was checked against our certificate


def test_pywinrm_ntlm_always_encrypt_over_https(hyperv_sim):
    sim = hyperv_sim(tls=True)
    p = Protocol(
        endpoint=sim.url,
        transport="ntlm",
        username="admin",
        password="secret",
        server_cert_validation="ignore",
        message_encryption="always",
    )
    assert len(_enumerate_all(p)) == 4
    assert p.transport.encryption is not None


@pytest.mark.parametrize("tls", [False, True])
def test_pywinrm_ntlm_wrong_password_is_401(hyperv_sim, tls):
    sim = hyperv_sim(tls=tls)
    with pytest.raises(InvalidCredentialsError):
        _identify(_protocol(sim, password="nope"))
    with pytest.raises(InvalidCredentialsError):
        _identify(_protocol(sim, username="nobody"))
    assert sim.stats()["statuses"]["401"] >= 4


@pytest.mark.parametrize("username", ["HV-SIM01\\admin", ".\\ADMIN", "Admin"])
def test_local_account_forms(hyperv_host, username):
    assert _identify(_protocol(hyperv_host, username=username))["ProductVendor"] == "Microsoft Corporation"
    assert set(hyperv_host.stats()["users"]) == {"admin"}


def test_users_with_any_password_text(hyperv_sim):
    sim = hyperv_sim(users={"op": "p:a\\ss w\u00f6rd:", "admin": "secret"})
    assert len(_enumerate_all(_protocol(sim, username="op", password="p:a\\ss w\u00f6rd:"))) == 4
    assert set(sim.stats()["users"]) == {"op"}


def test_ntlm_disabled_offers_only_basic(hyperv_sim):
    sim = hyperv_sim(auth=("basic",))
    resp, _unused = Wire(sim).post(envelope(ENUM + "Enumerate", CS, enumerate_body()).encode())
    assert resp.status == 401
    assert resp.headers.get_all("WWW-Authenticate") == ['Basic realm="WSMAN"']
    assert Client(sim.url, password="nope").enumerate(CS).status == 401
    with pytest.raises(InvalidCredentialsError):
        _identify(_protocol(sim))
    assert len(_enumerate_all(_protocol(sim, transport="plaintext"))) == 4
    assert sim.ntlm is None


def test_basic_disabled_ntlm_still_works(hyperv_sim):
    sim = hyperv_sim(auth=("ntlm",))
    assert Client(sim.url).enumerate(CS).status == 401  # right password, Basic off
    resp, _unused = Wire(sim).post(envelope(ENUM + "Enumerate", CS, enumerate_body()).encode())
    assert resp.headers.get_all("WWW-Authenticate") == ["Negotiate"]
    assert len(_enumerate_all(_protocol(sim))) == 4


def test_auth_option_validation(hyperv_sim):
    with pytest.raises(ValueError):
        hyperv_sim(auth=("basic", "kerberos"))
    with pytest.raises(ValueError):
        hyperv_sim(auth=("basic",), basic_enabled=False)
    assert parse_args([]).auth == frozenset({"basic", "ntlm"})
    assert parse_args(["--auth", "ntlm"]).auth == frozenset({"ntlm"})
    assert parse_args(["--auth", "basic,ntlm", "--no-basic"]).auth == frozenset({"ntlm"})
    with pytest.raises(SystemExit):
        parse_args(["--auth", "digest"])


# ---- the handshake on the wire (http.client: one visible TCP connection) --------------------------
class Wire:
    """One kept-alive HTTP connection; `conn.sock` identifies the TCP connection."""

    def __init__(self, sim):
        self.sim = sim
        if sim.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            self.conn = http.client.HTTPSConnection("127.0.0.1", sim.port, timeout=30, context=ctx)
        else:
            self.conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=30)

    def post(self, body=b"", headers=None):
        hdrs = {"Content-Type": CT} if body else {}
        hdrs.update(headers or {})
        self.conn.request("POST", "/wsman", body=body, headers=hdrs)
        resp = self.conn.getresponse()
        data = resp.read()
        return resp, data

    def login(self, protocol="ntlm", username="admin", password="secret"):
        client = spnego.client(username, password, protocol=protocol)
        scheme = "Negotiate"
        resp, _unused = self.post(headers={"Authorization": f"{scheme} {base64.b64encode(client.step()).decode()}"})
        assert resp.status == 401
        sock = self.conn.sock
        assert sock is not None  # challenge leg keeps the connection open
        value = resp.getheader("WWW-Authenticate")
        assert value.startswith(scheme + " ")
        token = client.step(base64.b64decode(value.split(" ", 1)[1]))
        resp, data = self.post(headers={"Authorization": f"{scheme} {base64.b64encode(token).decode()}"})
        assert self.conn.sock is sock  # same TCP connection for the whole exchange
        final = resp.getheader("WWW-Authenticate")  # SPNEGO: the acceptor's mechListMIC on the 200
        if final:
            client.step(base64.b64decode(final.split(" ", 1)[1]))
        return client, resp, data


def _seal(client, plaintext):
    hdr = struct.pack("<I", 16)
    wrapped = client.wrap_winrm(plaintext)
    return (
        b"--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
        b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=" + str(len(plaintext)).encode() + b"\r\n"
        b"--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n"
        + hdr
        + wrapped.header
        + wrapped.data
        + b"--Encrypted Boundary--\r\n"
    )


ENC_HEADERS = {"Content-Type": sim_auth.ENCRYPTED_CONTENT_TYPE}


@pytest.mark.parametrize("protocol", ["ntlm", "negotiate"])
def test_handshake_on_one_connection_then_sealed_requests(hyperv_host, protocol):
    w = Wire(hyperv_host)
    client, resp, data = w.login(protocol)
    assert resp.status == 200 and data == b""
    assert client.complete
    sock = w.conn.sock
    for _unused in range(3):  # later requests carry no Authorization: the connection is authenticated
        body = envelope(ENUM + "Enumerate", CS, enumerate_body(optimize=True, max_elements=100)).encode()
        resp, data = w.post(_seal(client, body), ENC_HEADERS)
        assert resp.status == 200
        assert w.conn.sock is sock
        ctype = resp.getheader("Content-Type")
        assert ctype == 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"'
        assert data.startswith(b"--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n")
        assert data.endswith(b"--Encrypted Boundary--\r\n")
        assert b"Msvm_ComputerSystem" not in data  # sealed
        head, _unused, rest = data.partition(b"\tContent-Type: application/octet-stream\r\n")
        length = int(head.split(b"Length=")[1].split(b"\r\n")[0])
        (sig_len,) = struct.unpack("<I", rest[:4])
        plain = client.unwrap_winrm(rest[4 : 4 + sig_len], rest[4 + sig_len : 4 + sig_len + length])
        assert len(plain) == length and b"<w:Items>" in plain
    # a non-WS-Man request on that connection is neither sealed nor given the auth header
    w.conn.request("GET", "/_sim/stats")
    resp = w.conn.getresponse()
    assert json.loads(resp.read())["users"]["admin"] >= 3
    assert resp.getheader("WWW-Authenticate") is None
    # another TCP connection is not authenticated
    other = Wire(hyperv_host)
    body = envelope(ENUM + "Enumerate", CS, enumerate_body()).encode()
    resp, _unused = other.post(_seal(client, body), ENC_HEADERS)
    assert resp.status == 401


def test_challenge_headers_and_order(hyperv_host):
    resp, data = Wire(hyperv_host).post(envelope(ENUM + "Enumerate", CS, enumerate_body()).encode())
    assert resp.status == 401 and data == b""
    assert resp.headers.get_all("WWW-Authenticate") == ["Negotiate", 'Basic realm="WSMAN"']


def test_corrupted_signature_is_400_and_drops_the_context(hyperv_host):
    w = Wire(hyperv_host)
    client, resp, _unused = w.login()
    assert resp.status == 200
    body = envelope(ENUM + "Enumerate", CS, enumerate_body()).encode()
    sealed = bytearray(_seal(client, body))
    at = sealed.index(b"octet-stream\r\n") + len(b"octet-stream\r\n") + 4 + 8  # inside the signature
    sealed[at] ^= 0xFF
    resp, data = w.post(bytes(sealed), ENC_HEADERS)
    assert resp.status == 400 and data == b""
    assert resp.getheader("Connection") == "close"
    assert hyperv_host.stats()["actions"]["BadEncryption"] == 1


def test_pywinrm_sees_tampered_answer_refused(hyperv_host, monkeypatch):
    """pywinrm's own client: a request whose signature is broken gets HTTP 400 (WinRMTransportError)."""
    p = _protocol(hyperv_host)
    _identify(p)
    enc = p.transport.encryption
    real = enc._build_message

    def broken(message, host):
        out = bytearray(real(message, host))
        out[6] ^= 0xFF
        return bytes(out)

    monkeypatch.setattr(enc, "_build_message", broken)
    with pytest.raises(WinRMTransportError) as exc:
        _identify(p)
    assert exc.value.code == 400


def test_allow_unencrypted_false_needs_sealed_messages_over_http(hyperv_sim):
    sim = hyperv_sim(allow_unencrypted=False)
    assert len(_enumerate_all(_protocol(sim))) == 4  # pywinrm seals over http: accepted
    w = Wire(sim)
    _client, resp, _unused = w.login()
    assert resp.status == 200  # the empty handshake POST carries no SOAP
    resp, _unused = w.post(envelope(ENUM + "Enumerate", CS, enumerate_body()).encode())
    assert resp.status == 401  # plain SOAP on http with AllowUnencrypted=false


def test_bad_tokens_are_401(hyperv_host):
    for value in ["Negotiate abc", "Negotiate !!!", "NTLM " + base64.b64encode(b"NTLMSSP\x00\x03\x00\x00\x00").decode()]:
        resp, _unused = Wire(hyperv_host).post(headers={"Authorization": value})
        assert resp.status == 401
        assert resp.headers.get_all("WWW-Authenticate") == ["Negotiate", 'Basic realm="WSMAN"']


def test_user_file_is_private_and_removed(hyperv_sim):
    before = os.environ.get("NTLM_USER_FILE")
    sim = hyperv_sim()
    path = sim.ntlm.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    with open(path, "rb") as fh:
        assert b"secret" not in fh.read()  # hashes only
    _identify(_protocol(sim))
    assert os.environ.get("NTLM_USER_FILE") == before
    sim.stop()
    assert not os.path.exists(path)


def test_two_hosts_with_different_users_in_one_process(hyperv_sim):
    a = hyperv_sim(users={"alice": "pw-a"})
    b = hyperv_sim(users={"bob": "pw-b"})
    assert _identify(_protocol(a, username="alice", password="pw-a"))
    assert _identify(_protocol(b, username="bob", password="pw-b"))
    with pytest.raises(InvalidCredentialsError):
        _identify(_protocol(a, username="bob", password="pw-b"))


def test_connection_reset_mid_handshake_is_harmless(hyperv_host):
    client = spnego.client("admin", "secret", protocol="ntlm")
    s = socket.create_connection(("127.0.0.1", hyperv_host.port), timeout=10)
    token = base64.b64encode(client.step()).decode()
    s.sendall(f"POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: Negotiate {token}\r\nContent-Length: 0\r\n\r\n".encode())
    assert s.recv(65536).startswith(b"HTTP/1.1 401")
    s.close()
    assert _identify(_protocol(hyperv_host))


def test_cli_auth_switch():
    proc, (url,) = _start("--auth", "ntlm", "--user", "op", "--password", "pw")
    try:
        sim = types.SimpleNamespace(url=url)
        assert _identify(_protocol(sim, username="op", password="pw"))["ProductVendor"] == "Microsoft Corporation"
        with pytest.raises(InvalidCredentialsError):
            _identify(_protocol(sim, transport="plaintext", username="op", password="pw"))
    finally:
        _stop(proc)
