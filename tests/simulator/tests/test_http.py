"""HTTP layer: reference 10.1 H1–H8."""

from __future__ import annotations

import base64
import http.client
import ssl

import pytest
import requests
import urllib3

from .wsclient import CT, V2, Client, enumerate_body, envelope

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

urllib3.disable_warnings()
BASIC = "Basic " + base64.b64encode(b"admin:secret").decode()
ENUM_CS = envelope(
    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", V2 + "Msvm_ComputerSystem", enumerate_body()
)


def _conn(sim):
    if sim.tls:
        return http.client.HTTPSConnection("127.0.0.1", sim.port, context=ssl._create_unverified_context(), timeout=10)
    return http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)


def _post(conn, body: bytes, headers):
    conn.request("POST", "/wsman", body=body, headers=headers)
    resp = conn.getresponse()
    return resp, resp.read()


def test_get_is_405_with_allow_and_other_paths_404(hyperv_host):
    r = requests.get(hyperv_host.url, timeout=30)
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"
    assert r.content == b""
    assert r.headers["Server"] == "Microsoft-HTTPAPI/2.0"
    assert requests.post(hyperv_host.url.replace("/wsman", "/other"), data=b"x", timeout=30).status_code == 404


def test_401_has_two_challenges_and_empty_body(hyperv_host):
    conn = _conn(hyperv_host)
    resp, body = _post(conn, ENUM_CS.encode(), {"Content-Type": CT})
    assert resp.status == 401
    assert body == b""
    challenges = resp.headers.get_all("WWW-Authenticate")
    assert challenges == ["Negotiate", 'Basic realm="WSMAN"']
    assert resp.headers["Server"] == "Microsoft-HTTPAPI/2.0"


def test_wrong_password_and_unknown_scheme_get_401(hyperv_host):
    assert Client(hyperv_host.url, password="nope").enumerate(V2 + "Msvm_ComputerSystem").status == 401
    r = requests.post(
        hyperv_host.url, data=ENUM_CS, headers={"Content-Type": CT, "Authorization": "Negotiate abc"}, timeout=30
    )
    assert r.status_code == 401


def test_challenge_first_then_basic_on_same_connection_with_keepalive(hyperv_host):
    conn = _conn(hyperv_host)
    resp, _unused = _post(conn, ENUM_CS.encode(), {"Content-Type": CT})
    assert resp.status == 401
    # the server closed after the empty-body error; http.client reconnects transparently
    for _unused in range(3):  # then several requests on one keep-alive connection
        resp, body = _post(conn, ENUM_CS.encode(), {"Content-Type": CT, "Authorization": BASIC})
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/soap+xml;charset=UTF-8"
        assert resp.headers.get("Connection") != "close"
        assert b"EnumerateResponse" in body
    sock = conn.sock
    _post(conn, ENUM_CS.encode(), {"Content-Type": CT, "Authorization": BASIC})
    assert conn.sock is sock  # same TCP connection


def test_preemptive_basic_with_requests(hyperv_host):
    r = Client(hyperv_host.url).enumerate(V2 + "Msvm_ComputerSystem")
    assert r.status == 200
    assert r.x("//n:EnumerationContext/text()")[0].startswith("uuid:")


def test_empty_body_probe_gets_challenge(hyperv_host):
    r = requests.post(hyperv_host.url, data=b"", headers={"Content-Type": CT}, timeout=30)
    assert r.status_code == 401
    assert "Basic" in r.headers["WWW-Authenticate"]
    r = requests.post(hyperv_host.url, data=b"", headers={"Content-Type": CT, "Authorization": BASIC}, timeout=30)
    assert r.status_code == 500  # authenticated empty body: a SOAP fault, not a crash


@pytest.mark.parametrize(
    "ctype",
    [
        "application/soap+xml;charset=utf-8",
        "Application/SOAP+XML; charset=UTF-8",
        "application/soap+xml",
    ],
)
def test_content_type_variants_accepted(hyperv_host, ctype):
    r = requests.post(
        hyperv_host.url, data=ENUM_CS, headers={"Content-Type": ctype, "Authorization": BASIC}, timeout=30
    )
    assert r.status_code == 200


def test_utf16_body_accepted(hyperv_host):
    body = ENUM_CS.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    r = requests.post(
        hyperv_host.url,
        data=body,
        headers={"Content-Type": "application/soap+xml;charset=UTF-16", "Authorization": BASIC},
        timeout=30,
    )
    assert r.status_code == 200


def test_wrong_content_type_is_415(hyperv_host):
    r = requests.post(
        hyperv_host.url,
        data=ENUM_CS,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": BASIC},
        timeout=30,
    )
    assert r.status_code == 415
    assert r.content == b""
    assert r.headers["Connection"] == "close"


def test_body_over_max_envelope_is_413(hyperv_sim):
    sim = hyperv_sim(persona="2008r2")  # MaxEnvelopeSizekb 150
    big = ENUM_CS.replace("<s:Body>", "<s:Body><!--" + "x" * (151 * 1024) + "-->")
    r = requests.post(sim.url, data=big, headers={"Content-Type": CT, "Authorization": BASIC}, timeout=30)
    assert r.status_code == 413
    assert r.content == b""
    small = ENUM_CS.replace("<s:Body>", "<s:Body><!--" + "x" * (140 * 1024) + "-->")
    r = requests.post(
        sim.url,
        data=small.replace("root/virtualization/v2", "root/virtualization"),
        headers={"Content-Type": CT, "Authorization": BASIC},
        timeout=30,
    )
    assert r.status_code == 200


def test_chunked_body_over_max_envelope_is_413(hyperv_sim):
    """A chunked body (no Content-Length) is held to the same limit while it is read."""
    sim = hyperv_sim(persona="2008r2")  # MaxEnvelopeSizekb 150

    def chunks(text, size=16 * 1024):
        data = text.encode()
        for start in range(0, len(data), size):
            yield data[start:start + size]

    big = ENUM_CS.replace("<s:Body>", "<s:Body><!--" + "x" * (600 * 1024) + "-->")
    r = requests.post(sim.url, data=chunks(big), headers={"Content-Type": CT, "Authorization": BASIC}, timeout=30)
    assert r.request.headers.get("Transfer-Encoding") == "chunked"
    assert r.status_code == 413 and r.headers["Connection"] == "close"
    small = ENUM_CS.replace("<s:Body>", "<s:Body><!--" + "x" * (100 * 1024) + "-->")
    small = small.replace("root/virtualization/v2", "root/virtualization")
    r = requests.post(sim.url, data=chunks(small), headers={"Content-Type": CT, "Authorization": BASIC}, timeout=30)
    assert r.status_code == 200, r.text


def test_expect_100_continue(hyperv_host):
    conn = _conn(hyperv_host)
    conn.connect()
    body = ENUM_CS.encode()
    head = (
        f"POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: {CT}\r\nAuthorization: {BASIC}\r\n"
        f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    conn.sock.sendall(head)
    first = conn.sock.recv(100)
    assert first.startswith(b"HTTP/1.1 100")
    conn.sock.sendall(body)
    data = b""
    while b"EnumerateResponse>" not in data:
        chunk = conn.sock.recv(65536)
        assert chunk
        data += chunk
    assert b" 200 OK" in data


def test_basic_disabled_gives_401_even_with_password(hyperv_sim):
    sim = hyperv_sim(basic_enabled=False)
    r = Client(sim.url).enumerate(V2 + "Msvm_ComputerSystem")
    assert r.status == 401
    assert r.resp.headers["WWW-Authenticate"] == "Negotiate"


def test_allow_unencrypted_false_refuses_http_accepts_https(hyperv_sim):
    plain = hyperv_sim(allow_unencrypted=False)
    assert Client(plain.url).enumerate(V2 + "Msvm_ComputerSystem").status == 401
    tls = hyperv_sim(allow_unencrypted=False, tls=True)
    assert tls.url.startswith("https://")
    assert Client(tls.url).enumerate(V2 + "Msvm_ComputerSystem").status == 200


def test_https_certificate_is_generated_for_the_host(hyperv_sim):
    sim = hyperv_sim(tls=True)
    pem = ssl.get_server_certificate(("127.0.0.1", sim.port))
    assert "BEGIN CERTIFICATE" in pem
    with pytest.raises(requests.exceptions.SSLError):
        requests.post(
            sim.url, data=ENUM_CS, headers={"Content-Type": CT, "Authorization": BASIC}, verify=True, timeout=30
        )
